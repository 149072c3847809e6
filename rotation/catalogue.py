"""The rule catalogue: every rule ID of domain-rules.md, once, in both languages.

Everything that lists rules reads this module: the solver's registry, the
exemptions, the parameters' hard/soft switches, the relaxation order of the
explanations, the 说明 sheets, the notices' and the report's legends and
``docs/rules.md``. A rule ID is a ``RuleId`` (a ``str`` enum, so it still
compares equal to its text ``"T1"``), never a bare string made up in place.

Besides the rules of the policy, the catalogue names the other codes a planner
reads in a cell: the objective levels (O1–O7), the move code ``V`` (a
volunteer), a planner's pin (``pin``) and the mask ``E*`` (a health or
maternity exemption not shown).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from rotation.text import Text


class RuleId(StrEnum):
    """Every code of the catalogue; the value is the code as written in cells."""

    T1 = "T1"
    T2 = "T2"
    E1 = "E1"
    E2 = "E2"
    E3 = "E3"
    E4 = "E4"
    E5 = "E5"
    E6 = "E6"
    E7 = "E7"
    S1 = "S1"
    S2 = "S2"
    P1 = "P1"
    P2 = "P2"
    G1 = "G1"
    G2 = "G2"
    G3 = "G3"
    G4 = "G4"
    G5 = "G5"
    G6 = "G6"
    G7 = "G7"
    C1 = "C1"
    C2 = "C2"
    C3 = "C3"
    C4 = "C4"
    N1 = "N1"
    N2 = "N2"
    L1 = "L1"
    O0 = "O0"
    O1 = "O1"
    O2 = "O2"
    O3 = "O3"
    O4 = "O4"
    O5 = "O5"
    O6 = "O6"
    O7 = "O7"
    V = "V"
    PIN = "pin"
    MASKED = "E*"

    def __str__(self) -> str:
        return str(self.value)


class RuleKind(StrEnum):
    """What a rule does, with its name in both languages (``label``)."""

    ELIGIBILITY = "eligibility"
    EXEMPTION = "exemption"
    STINT = "stint"
    LEADERSHIP = "leadership"
    OBLIGATION = "obligation"
    SCHOOL = "school_constraint"
    TARGET = "target"
    VALIDATION = "validation"
    OBJECTIVE = "objective"
    MOVE_CODE = "move_code"

    def label(self, lang: str) -> str:
        return _KIND_NAMES[self].pick(lang)


_KIND_NAMES: dict[RuleKind, Text] = {
    RuleKind.ELIGIBILITY: Text("who is due", "应交流条件"),
    RuleKind.EXEMPTION: Text("exemption", "暂不纳入"),
    RuleKind.STINT: Text("stint", "交流期限"),
    RuleKind.LEADERSHIP: Text("leadership post", "领导岗位"),
    RuleKind.OBLIGATION: Text("group obligation", "集团指标"),
    RuleKind.SCHOOL: Text("school constraint", "学校约束"),
    RuleKind.TARGET: Text("district target", "区域目标"),
    RuleKind.VALIDATION: Text("group structure check", "集团结构检查"),
    RuleKind.OBJECTIVE: Text("objective level", "优化目标层级"),
    RuleKind.MOVE_CODE: Text("move code", "调动依据代码"),
}


@dataclass(frozen=True, slots=True)
class Rule:
    """One entry of the catalogue.

    ``switchable``: a planner may make it hard or soft (``soft=``/``hard=``);
    ``soft_by_default``: a penalty unless named in ``hard``. ``relax_rank``: its
    place in the order in which a forced-move test relaxes rule families
    (specific obligations first, headcounts last); None when it is never
    relaxed. ``seed``: the policy text it comes from (``../shared/seeds``).
    """

    rule_id: RuleId
    kind: RuleKind
    title: Text
    meaning: Text
    seed: str
    switchable: bool = False
    soft_by_default: bool = False
    relax_rank: int | None = None

    def describe(self, lang: str) -> str:
        """``title：meaning`` (``title: meaning`` in English), for legends."""
        separator = "：" if lang == "zh" else ": "
        return f"{self.title.pick(lang)}{separator}{self.meaning.pick(lang)}"


SEED_001 = "001 卧龙区集团化办学实施意见 四(一)"

_RULES: tuple[Rule, ...] = (
    Rule(
        RuleId.T1,
        RuleKind.ELIGIBILITY,
        Text("Teacher tenure", "教师任教满期"),
        Text(
            "A full-time teacher or middle manager who has taught at the same school for "
            "teacher_tenure_years (6) or more is due to rotate.",
            "在同一所学校连续任教满 teacher_tenure_years（6）年及以上的专任教师（含中层干部）应交流。",
        ),
        SEED_001,
    ),
    Rule(
        RuleId.T2,
        RuleKind.ELIGIBILITY,
        Text("Leader tenure", "校级领导任职满期"),
        Text(
            "A principal or vice principal who has served two full terms or leader_tenure_years (6) "
            "at the same school is due to rotate.",
            "校长、副校长在同一所学校连续任满两届或 leader_tenure_years（6）年后应交流。",
        ),
        SEED_001,
    ),
    Rule(
        RuleId.E1,
        RuleKind.EXEMPTION,
        Text("New leader", "任职不满一届"),
        Text(
            "A principal or vice principal in post less than one term (leader_term_years, 3) is exempt.",
            "校长、副校长任现职不满一届（leader_term_years，3 年）的，暂不纳入交流。",
        ),
        SEED_001,
    ),
    Rule(
        RuleId.E2,
        RuleKind.EXEMPTION,
        Text("Age", "年龄"),
        Text(
            "Men over male_exempt_age (55) and women over female_exempt_age (50) are exempt.",
            "男教师超过 male_exempt_age（55）周岁、女教师超过 female_exempt_age（50）周岁的，暂不纳入交流。",
        ),
        SEED_001,
    ),
    Rule(
        RuleId.E3,
        RuleKind.EXEMPTION,
        Text("Approved project lead", "领衔项目"),
        Text(
            "The bureau-approved lead of a school special course or a city-level or higher research "
            "project is exempt.",
            "承担学校特色课程、市级以上重大教科研项目的领衔教师，经教体局同意的，暂不纳入交流。",
        ),
        SEED_001,
    ),
    Rule(
        RuleId.E4,
        RuleKind.EXEMPTION,
        Text("Pregnancy or nursing", "孕期哺乳期"),
        Text(
            "A teacher who is pregnant, or nursing a child under one year old, on the effective date is "
            "exempt; this exemption is final, even for a volunteer.",
            "生效日处于孕期或哺乳期（子女未满一周岁）的教师暂不纳入交流；此项为最终决定，本人自愿也不调动。",
        ),
        SEED_001,
    ),
    Rule(
        RuleId.E5,
        RuleKind.EXEMPTION,
        Text("Illness", "患病"),
        Text(
            "Illness certified by the designated hospital as unfit to rotate exempts; final, even for a "
            "volunteer.",
            "患病并经指定医院诊断不宜交流的，暂不纳入交流；此项为最终决定，本人自愿也不调动。",
        ),
        SEED_001,
    ),
    Rule(
        RuleId.E6,
        RuleKind.EXEMPTION,
        Text("Prior experience", "已有交流经历"),
        Text(
            "Whoever has worked at e6_other_schools (2) or more other schools for e6_years_each (3) "
            "years each, or an urban teacher with e6_rural_years (6) at rural schools, is exempt.",
            "已有 e6_other_schools（2）所以上其他学校工作经历且每所满 e6_years_each（3）年的教师，"
            "或曾在农村学校工作满 e6_rural_years（6）年的城区教师，暂不纳入交流。",
        ),
        SEED_001,
    ),
    Rule(
        RuleId.E7,
        RuleKind.EXEMPTION,
        Text("Bureau decision", "教体局审定"),
        Text(
            "The bureau's own decision (审定意见): exempt is final, even for a volunteer; due makes the "
            "person due over E1, E2, E3 and E6.",
            "教体局审定意见：暂不纳入为最终决定，本人自愿也不调动；纳入则不论 E1、E2、E3、E6 均应交流。",
        ),
        SEED_001,
    ),
    Rule(
        RuleId.S1,
        RuleKind.STINT,
        Text("Minimum stint", "最短交流期限"),
        Text(
            "A rotated teacher stays at least teacher_min_stint_years (1), a leader or middle manager "
            "leader_min_stint_years (3); until then the person is locked where they are.",
            "交流教师至少 teacher_min_stint_years（1）年，校级领导和中层干部至少 leader_min_stint_years"
            "（3）年；期满前留在交流学校。",
        ),
        SEED_001,
    ),
    Rule(
        RuleId.S2,
        RuleKind.STINT,
        Text("Return when the stint ends", "期满返回"),
        Text(
            "Someone whose minimum stint has ended returns to the home school, unless the plan extends "
            "the stay where an obligation needs it.",
            "最短期限已满的交流人员返回原学校，除非为完成指标需要延长交流。",
        ),
        SEED_001,
    ),
    Rule(
        RuleId.P1,
        RuleKind.LEADERSHIP,
        Text("Every school keeps its principal", "每校保有校长"),
        Text(
            "After the plan every school has as many principals as today; principals move only in swaps "
            "or chains, between schools of the same stage (principal_scope: district or group).",
            "交流后每所学校的校长人数与交流前相同；校长只以互换或链式交流，且在同学段学校之间"
            "（principal_scope：全区或集团内）。",
        ),
        SEED_001,
        relax_rank=8,
    ),
    Rule(
        RuleId.P2,
        RuleKind.LEADERSHIP,
        Text("Post at the host", "挂职岗位"),
        Text(
            "In a tight group a vice principal sent by the lead serves the member as executive principal, "
            "a middle manager as vice principal, a key teacher as middle manager; others keep their post.",
            "紧密型集团牵头学校派出的副校长任成员学校执行校长，中层干部任副校长，骨干教师任中层干部；"
            "其他人员按原岗位任职。",
        ),
        "001 卧龙区集团化办学实施意见 四(二)",
    ),
    Rule(
        RuleId.G1,
        RuleKind.OBLIGATION,
        Text("Management team", "管理团队"),
        Text(
            "In a tight group the lead sends each member a management team of at least "
            "tight_mgmt_team_min (3): vice principals, middle managers or key teachers.",
            "紧密型集团牵头学校向每所成员学校派出管理团队不少于 tight_mgmt_team_min（3）人"
            "（副校长、中层干部或骨干教师）。",
        ),
        SEED_001,
        switchable=True,
        relax_rank=0,
    ),
    Rule(
        RuleId.G2,
        RuleKind.OBLIGATION,
        Text("Key teachers", "骨干教师"),
        Text(
            "The lead sends each member key teachers: tight_key_junior_min (6) for junior grades, "
            "tight_key_primary_band_min (2) per primary band, with Chinese, Mathematics and English among "
            "the primary ones.",
            "牵头学校向每所成员学校派出骨干教师：初中不少于 tight_key_junior_min（6）人，小学每个学段不少于 "
            "tight_key_primary_band_min（2）人，小学须含语文、数学、英语。",
        ),
        SEED_001,
        switchable=True,
        relax_rank=1,
    ),
    Rule(
        RuleId.G3,
        RuleKind.OBLIGATION,
        Text("Reciprocity", "对等交流"),
        Text(
            "Each member of a tight group sends its lead as many people of each post class and band as it "
            "receives, matching subjects where it can.",
            "成员学校按牵头学校派出人员的职务、学段选派对等人数到牵头学校，尽量对应学科。",
        ),
        SEED_001,
        switchable=True,
        relax_rank=2,
    ),
    Rule(
        RuleId.G4,
        RuleKind.OBLIGATION,
        Text("Urban–rural alliance", "城乡手拉手联盟"),
        Text(
            "An alliance's urban schools send between alliance_min (3) and alliance_max (5) people a term "
            "to its town and rural schools, at least alliance_leader_min (1) of them leaders or middle "
            "managers.",
            "城乡联盟的城区学校每学期向乡镇、农村学校交流 alliance_min（3）至 alliance_max（5）人，"
            "其中校级领导或中层干部不少于 alliance_leader_min（1）人。",
        ),
        SEED_001,
        switchable=True,
        relax_rank=3,
    ),
    Rule(
        RuleId.G5,
        RuleKind.OBLIGATION,
        Text("Walking teachers", "走教"),
        Text(
            "Every small school of a township integration alliance offers the full curriculum, by its own "
            "teachers or walking teachers from the central school (each to at most walk_max_schools, 2).",
            "乡镇一体化联盟的每所小规模学校开足开齐课程，由本校教师或中心学校走教教师承担"
            "（每人最多走教 walk_max_schools 所，默认 2）。",
        ),
        SEED_001,
        switchable=True,
        relax_rank=4,
    ),
    Rule(
        RuleId.G6,
        RuleKind.OBLIGATION,
        Text("High-school pair", "高中结对"),
        Text(
            "Paired high schools exchange at least hs_pair_per_subject_min (1) teacher per academic "
            "subject each way; every teacher moved between them has senior-3 experience and stays at "
            "least a year.",
            "结对高中互派文化课教师每学科每方向不少于 hs_pair_per_subject_min（1）人；互派教师须有高三"
            "教学经验，交流不少于 1 年。",
        ),
        "001 卧龙区集团化办学实施意见 三(二)",
        switchable=True,
        relax_rank=5,
    ),
    Rule(
        RuleId.G7,
        RuleKind.OBLIGATION,
        Text("Kindergarten alliance", "学前教育领航共建"),
        Text(
            "The lead kindergarten sends at least kg_exchange_min (1) managers or teachers to each member "
            "kindergarten; members may send staff to the lead.",
            "领航幼儿园向每所共建幼儿园派出管理人员或教师不少于 kg_exchange_min（1）人；"
            "共建园可派人到领航园跟岗。",
        ),
        "001 卧龙区集团化办学实施意见 三(三)",
        switchable=True,
        relax_rank=6,
    ),
    Rule(
        RuleId.C1,
        RuleKind.SCHOOL,
        Text("Subject minimums", "学科最低配置"),
        Text(
            "After the rotation a school keeps its per-subject minimum (the subject_minimums sheet), or "
            "without that sheet at least one teacher of every subject it teaches today.",
            "交流后学校各学科人数不低于学科最低配置表；无此表时，现有每个学科至少保留 1 名教师。",
        ),
        SEED_001,
        relax_rank=10,
    ),
    Rule(
        RuleId.C2,
        RuleKind.SCHOOL,
        Text("Headcount", "编制人数"),
        Text(
            "After the rotation a school's headcount stays between today's minus max_net_loss (0) and the "
            "larger of today's and its staff quota.",
            "交流后学校在岗人数不少于现有人数减 max_net_loss（0），不超过现有人数与编制数中的较大者。",
        ),
        SEED_001,
        relax_rank=12,
    ),
    Rule(
        RuleId.C3,
        RuleKind.SCHOOL,
        Text("Where a move may go", "交流范围与方向"),
        Text(
            "A move stays inside a group both schools belong to, in the direction that group exists for, "
            "to a school that teaches the person's band; a due person of a school in no group may go "
            "anywhere in the district when destination_scope = district.",
            "交流限于两校共同所属的集团或联盟内，按该集团的交流方向，且去向学校开设本人任教学段；"
            "未加入集团的学校，destination_scope = district 时应交流人员可在全区交流。",
        ),
        SEED_001,
    ),
    Rule(
        RuleId.C4,
        RuleKind.SCHOOL,
        Text("Outflow cap", "调出上限"),
        Text(
            "At most max_outflow_ratio (20 %) of a school's staff, rounded down but at least 1, leave it "
            "by new moves in one summer.",
            "每所学校一个暑期新调出人数不超过在岗人数的 max_outflow_ratio（20%）（向下取整，至少 1 人）。",
        ),
        SEED_001,
        relax_rank=11,
    ),
    Rule(
        RuleId.N1,
        RuleKind.TARGET,
        Text("District rotation targets", "交流比例目标"),
        Text(
            "At each urban or town school and each quality school at least min_rotation_ratio (10 %) of "
            "its due people rotate, and key teachers are at least min_key_share (20 %) of those who leave.",
            "每所城镇学校和优质学校每年交流人数不低于应交流人数的 min_rotation_ratio（10%），"
            "其中骨干教师不低于 min_key_share（20%）。",
        ),
        "2014 年县域内义务教育学校校长教师交流轮岗意见",
        switchable=True,
        soft_by_default=True,
        relax_rank=7,
    ),
    Rule(
        RuleId.N2,
        RuleKind.TARGET,
        Text("Key teachers toward weak schools", "骨干流向薄弱校"),
        Text(
            "Key teachers flow toward weak, new and rural schools, not away from them (an objective term, "
            "never a constraint).",
            "骨干教师向薄弱、新建和农村学校流动，而不是相反（优化目标，不是硬约束）。",
        ),
        SEED_001,
    ),
    Rule(
        RuleId.L1,
        RuleKind.VALIDATION,
        Text("Group size", "集团规模"),
        Text(
            "A group has at most group_max_schools (9) member schools besides its lead and at most "
            "group_max_students (15,000) students; a breach is a warning.",
            "一个集团除牵头学校外成员学校不超过 group_max_schools（9）所、学生不超过 group_max_students"
            "（15000）人；超出时给出警告。",
        ),
        "000 东莞市集团化办学实施方案",
    ),
    Rule(
        RuleId.O0,
        RuleKind.OBJECTIVE,
        Text("Fewest changes to the draft", "尽量少改动初稿"),
        Text(
            "Only when re-planning from a published draft (replan, options, whatif --stable): before every "
            "other level, as few of the draft's decisions changed as the hard rules and the requests allow "
            "(a move added, dropped or redirected, a walk, an extension or a return each count one).",
            "仅在根据已公示的初稿重新安排时（replan、options、whatif --stable）：在其他各层之前，"
            "在遵守硬性规则和调整要求的前提下尽量少改动初稿（新增、取消或改变去向的调动、走教、延长或返回各计一处）。",
        ),
        "",
    ),
    Rule(
        RuleId.O1,
        RuleKind.OBJECTIVE,
        Text("Obligations met", "指标完成"),
        Text(
            "First, every obligation met (soft obligations: the least shortfall).",
            "第一，完成各项指标（软指标：缺口最小）。",
        ),
        SEED_001,
    ),
    Rule(
        RuleId.O2,
        RuleKind.OBJECTIVE,
        Text("Due people rotated", "应交流人员交流"),
        Text(
            "Then as many due people rotated as possible, the longest tenures first.",
            "其次，尽量多安排应交流人员交流，任教年限长者优先。",
        ),
        SEED_001,
    ),
    Rule(
        RuleId.O3,
        RuleKind.OBJECTIVE,
        Text("Rotation targets", "交流比例目标"),
        Text(
            "Then the N1 targets while soft: the least shortfall, never at the cost of due people rotated.",
            "再次，N1 目标（软目标时）缺口最小，但不以减少应交流人员交流为代价。",
        ),
        SEED_001,
    ),
    Rule(
        RuleId.O4,
        RuleKind.OBJECTIVE,
        Text("Key teachers and matching", "骨干流向与对等学科"),
        Text(
            "Then key teachers toward weak, new and rural schools (N2), key-teacher shares balanced in each "
            "group, and under G3 the subjects sent back matching those received.",
            "再次，骨干教师流向薄弱、新建、农村学校（N2），集团内骨干比例均衡，对等交流尽量对应学科。",
        ),
        SEED_001,
    ),
    Rule(
        RuleId.O5,
        RuleKind.OBJECTIVE,
        Text("Preferences", "志愿"),
        Text(
            "Then stated preferences honoured, best rank first.",
            "再次，尽量满足本人志愿，志愿顺序靠前者优先。",
        ),
        SEED_001,
    ),
    Rule(
        RuleId.O6,
        RuleKind.OBJECTIVE,
        Text("Travel", "路程"),
        Text("Then short travel, when schools have coordinates.", "再次，路程尽量短（学校有坐标时）。"),
        SEED_001,
    ),
    Rule(
        RuleId.O7,
        RuleKind.OBJECTIVE,
        Text("No needless moves", "不做多余调动"),
        Text(
            "Last, nobody moves who is neither due nor needed, and an ended stint is extended only where "
            "an obligation needs it.",
            "最后，不调动既不应交流也非指标所需的人员；期满人员仅在指标需要时延长交流。",
        ),
        SEED_001,
    ),
    Rule(
        RuleId.V,
        RuleKind.MOVE_CODE,
        Text("Volunteer", "自愿交流"),
        Text(
            "A move of a volunteer who is not due, wanted for its own sake.",
            "本人自愿、未到交流年限人员的调动。",
        ),
        SEED_001,
    ),
    Rule(
        RuleId.PIN,
        RuleKind.MOVE_CODE,
        Text("Planner's pin", "指定调动"),
        Text(
            "A move the planners required (must) or forbade (never) in the pins sheet.",
            "规划人员在指定调动表中要求（必须）或禁止（禁止）的调动。",
        ),
        "",
        relax_rank=9,
    ),
    Rule(
        RuleId.MASKED,
        RuleKind.EXEMPTION,
        Text("Protected exemption", "受保护的暂缓原因"),
        Text(
            "A health or maternity exemption (E4 or E5), not shown to protect personal data.",
            "健康或孕产原因（E4 或 E5）的暂缓交流，为保护个人信息不显示具体原因。",
        ),
        SEED_001,
    ),
)

CATALOGUE: dict[RuleId, Rule] = {rule.rule_id: rule for rule in _RULES}

# Rules a planner may switch between hard and soft (``soft=``/``hard=``), and those soft unless named.
SWITCHABLE_RULES: frozenset[RuleId] = frozenset(r.rule_id for r in _RULES if r.switchable)
SOFT_BY_DEFAULT: frozenset[RuleId] = frozenset(r.rule_id for r in _RULES if r.soft_by_default)
# The order in which a forced-move test relaxes rule families: obligations first, headcounts last.
RELAX_ORDER: tuple[RuleId, ...] = tuple(
    r.rule_id
    for r in sorted((r for r in _RULES if r.relax_rank is not None), key=lambda r: r.relax_rank or 0)
)
# The exemptions in ID order, the ones that override = due sets aside, and the protected ones.
EXEMPTIONS: tuple[RuleId, ...] = tuple(
    r.rule_id for r in _RULES if r.kind is RuleKind.EXEMPTION and r.rule_id is not RuleId.MASKED
)
OVERRIDABLE_EXEMPTIONS: frozenset[RuleId] = frozenset({RuleId.E1, RuleId.E2, RuleId.E3, RuleId.E6})
SENSITIVE_REASONS: frozenset[RuleId] = frozenset({RuleId.E4, RuleId.E5})
# Exemptions that stand even for a volunteer (domain-rules.md: E4, E5 and the bureau's own E7).
FINAL_EXEMPTIONS: frozenset[RuleId] = frozenset({RuleId.E4, RuleId.E5, RuleId.E7})
OBJECTIVE_LEVELS: tuple[RuleId, ...] = tuple(r.rule_id for r in _RULES if r.kind is RuleKind.OBJECTIVE)


def rule(code: str) -> Rule:
    """The catalogue entry of ``code`` (a RuleId or its text); KeyError for an unknown code."""
    return CATALOGUE[RuleId(code)]


# Every rule id by its text in upper case (no two differ by case alone), for parse_rule_id: it is
# called on every row of a plan read back.
_RULE_IDS: dict[str, RuleId] = {rule_id.value.upper(): rule_id for rule_id in RuleId}


def parse_rule_id(text: str) -> RuleId | None:
    """The RuleId written as ``text`` (case and spaces ignored), or None."""
    return _RULE_IDS.get(text.strip().upper())


# Solve levels that are not objective levels of the catalogue: a part with nothing to optimise, the
# single level of objective_mode = weighted, and the greedy peer's.
_OTHER_LEVELS: dict[str, Text] = {
    "feasibility": Text("feasibility", "可行性"),
    "weighted": Text("weighted", "加权目标"),
    "greedy": Text("greedy", "逐一安排"),
}
# A level that is one of two parts of its code says which, in Chinese too (O1: the obligations, then no
# needless S2 extensions; O2: the count, then tenure).
_LEVEL_PARTS_ZH: dict[str, str] = {
    "needless extensions (S2)": "（不做多余延长，S2）",
    "tenure": "（年限长者优先）",
}


def level_title(name: str) -> Text:
    """A solve level as planners read it: ``O2 due rotated`` in English, ``O2 应交流人员交流`` in Chinese.

    The solver names a level by its objective code (O1–O7) and its own words after it; English shows
    the name as it is, Chinese the code's title. Any other name is looked up, or shown as it is.
    """
    code, _, detail = name.partition(" ")
    rule_id = parse_rule_id(code)
    if rule_id is None or CATALOGUE[rule_id].kind is not RuleKind.OBJECTIVE:
        return _OTHER_LEVELS.get(name, Text(name, name))
    title = CATALOGUE[rule_id].title
    english = name if detail else f"{rule_id} {title.en}"
    return Text(english, f"{rule_id} {title.zh}{_LEVEL_PARTS_ZH.get(detail, '')}")


def codes_in(cells: Iterable[object]) -> list[RuleId]:
    """The catalogue codes that appear in ``cells`` (``;``-joined lists too), in catalogue order.

    A cell such as ``E2;E6`` or ``T1: 0003 → 0002`` names E2 and E6, or T1; text
    that is not a code is passed over. Used to list, beside a sheet, every code it shows.
    """
    found: set[RuleId] = set()
    for cell in cells:
        if not isinstance(cell, str):
            continue
        for token in _tokens(cell):
            rule_id = parse_rule_id(token)
            if rule_id is not None:
                found.add(rule_id)
    return [rule_id for rule_id in CATALOGUE if rule_id in found]


def _tokens(cell: str) -> list[str]:
    text = cell
    for separator in (
        ";",
        "；",
        ",",
        "，",
        "、",
        "→",
        ":",
        "：",
        "(",
        ")",
        "（",
        "）",
        " ",
        "->",
        "[",
        "]",
        "/",
    ):
        text = text.replace(separator, "\n")
    return [token for token in text.split("\n") if token]
