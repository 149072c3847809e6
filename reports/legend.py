"""The 说明 (legend) of every output: each code a workbook, notice or page shows, with its meaning.

Rule IDs are explained by rotation/catalogue.py, the only place a rule's meaning is written; the
status, post, band and honor codes by their names and the short notes below. Every writer calls
``legend_sheet`` (or ``legend_entries`` for a printed notice or the HTML report), so a reader of
any output finds, beside it, what T1, E*, 应交流 or 小学低段 mean, and where the full rules are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import MISSING, dataclass, fields

from reports.xlsx import SheetData
from rotation.catalogue import (
    CATALOGUE,
    OBJECTIVE_LEVELS,
    SOFT_BY_DEFAULT,
    SWITCHABLE_RULES,
    Rule,
    RuleId,
    codes_in,
)
from rotation.codes import Band, Coded, Honor, HostPost, Post, Status
from rotation.parameters import Parameters, allowed_values, format_value
from rotation.text import Text
from rotation.workbook.schema import TEMPLATE_SHEETS

# The rules document, as a path inside the project (the README, the template and every 说明 name it).
RULES_DOC = "docs/rules.md"
# The loader knows this name too (the template's legend), and passes over such a sheet.
LEGEND_SHEET = next(sheet for sheet in TEMPLATE_SHEETS if sheet.key == "legend")
LEGEND_HEADERS: tuple[Text, ...] = (
    Text("code", "代码"),
    Text("kind", "类别"),
    Text("title", "名称"),
    Text("meaning", "含义"),
)
RULES_DOC_ENTRY = (
    Text("rules document", "规则文档"),
    Text("All the rules", "全部规则"),
    Text(
        f"Every rule with its meaning, default parameters, hard/soft switch and policy source: {RULES_DOC} "
        "in the project. In a meaning, the number in brackets after a parameter's name is its default; "
        "the values a plan was made with are in the plan workbook's run sheet.",
        f"每条规则的含义、默认参数、可否切换软硬约束及政策出处，见本项目的 {RULES_DOC}。"
        "含义中参数名后括号内的数为默认值，方案实际所用的值见方案工作簿的“运行信息”工作表。",
    ),
)


@dataclass(frozen=True, slots=True)
class LegendEntry:
    """One line of a legend: the code as shown, what kind of code it is, its name and meaning."""

    code: str
    kind: str
    title: str
    meaning: str

    @property
    def cells(self) -> tuple[str, str, str, str]:
        return (self.code, self.kind, self.title, self.meaning)


# The code columns a legend explains besides rule IDs, each with the kind of code it holds.
_CODED: tuple[tuple[type[Coded], Text], ...] = (
    (Status, Text("status", "状态")),
    (Post, Text("post", "岗位")),
    (Band, Text("band", "任教学段")),
    (Honor, Text("honor", "荣誉级别")),
    (HostPost, Text("host post", "挂职岗位")),
)

_CODE_NOTES: dict[Coded, Text] = {
    Status.DUE: Text(
        "Due to rotate (T1 or T2), with no exemption that stands.",
        "符合应交流条件（T1 或 T2），且没有成立的暂缓原因。",
    ),
    Status.EXEMPT: Text(
        "An exemption (E1–E7) stands: not moved, unless a volunteer without E4, E5 or E7.",
        "有成立的暂缓原因（E1–E7）：不调动，本人自愿且无 E4、E5、E7 的除外。",
    ),
    Status.NOT_DUE: Text(
        "Not yet due: tenure below the limit of T1 or T2.", "未达到应交流年限（T1、T2），暂不需交流。"
    ),
    Status.LOCKED: Text(
        "On exchange and the minimum stint (S1) has not ended: stays where they work.",
        "正在交流，最短交流期限（S1）未满：留在交流学校。",
    ),
    Status.RETURNING: Text(
        "On exchange and the minimum stint has ended: returns to the home school (S2) unless extended.",
        "正在交流，最短交流期限已满：返回原学校（S2），为完成指标延长交流的除外。",
    ),
    Post.PRINCIPAL: Text("Principal: a school leader (校级领导).", "校长，属校级领导。"),
    Post.VICE_PRINCIPAL: Text("Vice principal: a school leader (校级领导).", "副校长，属校级领导。"),
    Post.MIDDLE_MANAGER: Text(
        "Middle manager (head of a school office); teaches, so T1 applies.",
        "中层干部（学校处室负责人），兼任教学，按 T1 判断是否应交流。",
    ),
    Post.TEACHER: Text("Full-time teacher.", "专任教师。"),
    # The other host posts equal the posts of the same name (str enums), and share their notes.
    HostPost.EXECUTIVE_PRINCIPAL: Text(
        "Executive principal: a vice principal of the lead serving a member of a tight group (P2).",
        "执行校长：紧密型集团牵头学校派到成员学校任职的副校长（P2）。",
    ),
    Band.KINDERGARTEN: Text("Kindergarten.", "幼儿园。"),
    Band.PRIMARY_LOWER: Text("Primary school, grades 1–2.", "小学一、二年级。"),
    Band.PRIMARY_MIDDLE: Text("Primary school, grades 3–4.", "小学三、四年级。"),
    Band.PRIMARY_UPPER: Text("Primary school, grades 5–6.", "小学五、六年级。"),
    Band.JUNIOR: Text("Junior secondary, grades 7–9.", "初中七至九年级。"),
    Band.SENIOR: Text("Senior secondary, grades 10–12.", "高中十至十二年级。"),
    Honor.NONE: Text(
        "No honour of district level or above: not a key teacher.", "无区级及以上荣誉，不是骨干教师。"
    ),
    Honor.DISTRICT: Text("District-level honour: a key teacher (骨干教师).", "区级荣誉，属骨干教师。"),
    Honor.CITY: Text("City-level honour: a key teacher (骨干教师).", "市级荣誉，属骨干教师。"),
    Honor.PROVINCE: Text("Province-level honour: a key teacher (骨干教师).", "省级荣誉，属骨干教师。"),
    Honor.NATIONAL: Text("National honour: a key teacher (骨干教师).", "国家级荣誉，属骨干教师。"),
}


def status_notes() -> list[tuple[Status, Text]]:
    """Each status with what it means, in declaration order."""
    return [(status, _CODE_NOTES[status]) for status in Status]


def rule_entry(rule: Rule, lang: str) -> LegendEntry:
    """A rule's line: its ID, kind, title and meaning, all from the catalogue."""
    return LegendEntry(
        rule.rule_id.value, rule.kind.label(lang), rule.title.pick(lang), rule.meaning.pick(lang)
    )


def rules_doc_entry(lang: str) -> LegendEntry:
    """The closing line of every legend: where the full rules are."""
    kind, title, meaning = RULES_DOC_ENTRY
    return LegendEntry(RULES_DOC, kind.pick(lang), title.pick(lang), meaning.pick(lang))


def legend_entries(
    tables: Iterable[Sequence[Sequence[object]]], lang: str, headers: Iterable[str] = ()
) -> list[LegendEntry]:
    """What the rows of ``tables`` show: every rule ID in any cell or in ``headers`` (a column
    headed 暂不纳入人数：E2), then every status, post, band and honor of a column of such codes, then
    the line pointing to the rules document.

    A column counts as a code column when each of its non-blank cells is a code of one kind in
    ``lang`` (so the run sheet's ``district`` of destination_scope is not taken for an honor).
    """
    texts: set[str] = {header for header in headers if _LATIN.search(header)}
    shown: dict[type[Coded], set[Coded]] = {codes: set() for codes, _ in _CODED}
    for rows in tables:
        for column in _columns(rows):
            strings = {cell for cell in column if isinstance(cell, str) and cell.strip()}
            texts |= {text for text in strings if _LATIN.search(text)}  # codes are written in Latin letters
            for codes, _ in _CODED:
                found = _all_codes(codes, strings, lang)
                if found:
                    shown[codes] |= found
                    break
    entries = [rule_entry(CATALOGUE[rule_id], lang) for rule_id in codes_in(texts)]
    explained: set[tuple[str, str]] = set()
    for codes, kind in _CODED:
        for code in codes:
            note = _CODE_NOTES[code].pick(lang)
            # A host post that is a post of the same name (教师) is explained once, as a post.
            if code in shown[codes] and (code.label(lang), note) not in explained:
                explained.add((code.label(lang), note))
                entries.append(LegendEntry(code.label(lang), kind.pick(lang), _other_name(code, lang), note))
    return [*entries, rules_doc_entry(lang)]


_LATIN = re.compile("[A-Za-z]")


def _columns(rows: Sequence[Sequence[object]]) -> list[list[object]]:
    width = max((len(row) for row in rows), default=0)
    return [[row[col] for row in rows if col < len(row)] for col in range(width)]


def _all_codes(codes: type[Coded], strings: set[str], lang: str) -> set[Coded]:
    """The codes of ``codes`` that ``strings`` name, when every one of them names such a code."""
    by_label = {code.label(lang): code for code in codes}
    if not strings or not strings <= by_label.keys():
        return set()
    return {by_label[text] for text in strings}


def _other_name(code: Coded, lang: str) -> str:
    # In English, the Chinese name, so that a code can be matched with a Chinese workbook; in Chinese,
    # the Chinese name again: papers sent to schools carry no English (docs/rules.md has the keys).
    return code.zh


def legend_sheet(sheets: Sequence[SheetData], lang: str) -> SheetData:
    """The 说明 (``legend``) sheet of a workbook made of ``sheets``: what each of their codes means."""
    headers = [header for sheet in sheets for header in sheet.headers]
    entries = legend_entries((sheet.rows for sheet in sheets), lang, headers)
    return SheetData(
        LEGEND_SHEET.label(lang),
        [header.pick(lang) for header in LEGEND_HEADERS],
        [entry.cells for entry in entries],
        wrap=frozenset({3}),
    )


def with_legend(sheets: Sequence[SheetData], lang: str) -> list[SheetData]:
    """``sheets`` followed by their 说明 sheet."""
    return [*sheets, legend_sheet(sheets, lang)]


# --------------------------------------------------------------------------- parameters


@dataclass(frozen=True, slots=True)
class ParameterNote:
    """A parameter as planners see it listed: its name, default and the rules it belongs to; ``own`` is
    the note of a parameter no rule names."""

    name: str
    default: Text
    rules: tuple[RuleId, ...]
    own: Text | None = None
    allowed: str = ""

    @property
    def meaning(self) -> Text:
        """The parameter's own note, else the catalogue's meaning of each rule naming it."""
        if self.own is not None:
            return self.own
        return Text(
            "\n".join(f"{r} {CATALOGUE[r].describe('en')}" for r in self.rules),
            "\n".join(f"{r} {CATALOGUE[r].describe('zh')}" for r in self.rules),
        )


# Parameters no rule of the catalogue names: what they do, in both languages, and the rules they act on.
_OWN_NOTES: dict[str, tuple[Text, tuple[RuleId, ...]]] = {
    "effective_date": (
        Text(
            "The day new posts start; every age, tenure and stint is counted on it. Default: the next "
            "1 September on or after today.",
            "新岗位的生效日期，年龄、任教年限和交流期限都按这一天计算。"
            "默认：今天起（含今天）的下一个 9 月 1 日。",
        ),
        (),
    ),
    "soft": (
        Text(
            "Rules to treat as penalties instead of constraints, e.g. G4,G6 (N1 is soft unless named "
            "in hard).",
            "改为软约束（按缺口扣分、不强制）的规则，如 G4,G6（N1 默认即为软约束，除非列入 hard）。",
        ),
        tuple(rule_id for rule_id in CATALOGUE if rule_id in SWITCHABLE_RULES),
    ),
    "hard": (
        Text(
            "Rules soft by default to make hard constraints, e.g. N1.",
            "默认为软约束、改为硬约束的规则，如 N1。",
        ),
        tuple(rule_id for rule_id in CATALOGUE if rule_id in SOFT_BY_DEFAULT),
    ),
    "bureau_name": (
        Text(
            "The bureau's name, signed at the foot of the personal notices and the public list.",
            "个人交流通知书和公示名单落款的教育行政部门名称。",
        ),
        (),
    ),
    "objective_mode": (
        Text(
            "lexicographic: the objective levels O1–O7 strictly one after another; weighted: one "
            "weighted sum.",
            "lexicographic：按优化目标层级 O1–O7 依次严格求解；weighted：各层加权合并为一个目标。",
        ),
        OBJECTIVE_LEVELS,
    ),
}
_PARAMETER_NAME = re.compile(r"[a-z][a-z0-9_]*")
_NO_DEFAULT = Text("(none)", "（无）")


def parameter_notes() -> list[ParameterNote]:
    """Every field of Parameters, in declaration order, with its default and meaning.

    The meaning is the catalogue's meaning of each rule that names the parameter, so a parameter
    added to a rule's text is documented with it; the few no rule names have their own note.
    """
    defaults = Parameters()
    notes: list[ParameterNote] = []
    for field in fields(Parameters):
        own: Text | None = None
        if field.name in _OWN_NOTES:
            own, rules = _OWN_NOTES[field.name]
        else:
            rules = rules_naming(field.name)
        if field.default is MISSING:  # computed from today: its note says how
            default = Text("", "")
        else:
            text = format_value(getattr(defaults, field.name))
            default = Text(text, text) if text else _NO_DEFAULT
        notes.append(ParameterNote(field.name, default, rules, own, allowed_values(field.name)))
    return notes


def rules_naming(parameter: str) -> tuple[RuleId, ...]:
    """The rules whose meaning names ``parameter``, in catalogue order."""
    return tuple(
        rule_id
        for rule_id, rule in CATALOGUE.items()
        if parameter in _PARAMETER_NAME.findall(rule.meaning.en)
    )


def parameters_of(rule: Rule) -> tuple[str, ...]:
    """The parameters a rule's meaning names, in declaration order."""
    named = set(_PARAMETER_NAME.findall(rule.meaning.en))
    return tuple(field.name for field in fields(Parameters) if field.name in named)
