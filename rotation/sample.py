"""Deterministic sample districts: a realistic Roster for tests, demos and benchmarks.

``generate(size, seed, effective_date)`` lays out an urban core of tight groups
(紧密型), urban-rural alliances (城乡联盟), township alliances of a central
primary school and its small village schools (乡镇一体化), high-school pairs
(高中结对), kindergarten alliances (领航共建) and some ungrouped schools, then
staffs every school. Every random
choice comes from one ``random.Random(seed)``: the same arguments give the same
roster.

``size`` is a named layout (``tiny``, ``district``, ``city``, ``large``) or a staff
count: the district's layout with every count of groups and ungrouped schools
scaled so that the district has about that many staff (the benchmarks' scaling
curve); ``large`` is the city's layout with its counts times 2.4, about 100,000.

Feasible by construction: the people already on exchange are laid out so that,
counted as stock (home school → the school they work at), they alone meet
every group obligation G1-G7 under the default parameters (G4's leaders too), and every central
school keeps enough teachers of the subjects its small schools lack to walk
there. A plan that extends every ended stint and moves nobody else is
therefore always a plan under the default rules, whatever else the solver
finds.
"""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cached_property
from typing import Generic, Literal, TypeVar

from rotation.codes import (
    ACADEMIC_SUBJECTS,
    BANDS_BY_STAGE,
    G2_PRIMARY_CORE_SUBJECTS,
    PRIMARY_BANDS,
    Area,
    Band,
    Category,
    Gender,
    GroupKind,
    Honor,
    Override,
    Post,
    Stage,
)
from rotation.dates import anniversary, whole_years
from rotation.domain import Group, HistoryEntry, Roster, School, StaffMember, SubjectMinimum
from rotation.parameters import Parameters

Size = Literal["tiny", "district", "city", "large"]
SIZES: tuple[Size, ...] = ("tiny", "district", "city", "large")
# A district of a given staff count: the district's layout scaled (see ``layout_for_staff``).
MIN_STAFF, MAX_STAFF = 1_000, 200_000

T = TypeVar("T")


class _Weighted(Generic[T]):
    """A fixed weighted choice, with its cumulative weights computed once (called per person)."""

    def __init__(self, weights: Mapping[T, float]) -> None:
        self.values = tuple(weights)
        total = 0.0
        cumulative = []
        for weight in weights.values():
            total += weight
            cumulative.append(total)
        self.cumulative = tuple(cumulative)

    def pick(self, rng: random.Random) -> T:
        return rng.choices(self.values, cum_weights=self.cumulative)[0]


# --- What a district looks like ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    """How many groups of each kind a district has, and how big its groups and schools are."""

    tight_primary: int  # quality primary lead, primary members
    tight_nine_year: int  # quality nine-year lead, primary members and one that teaches junior grades
    alliances: int
    townships: int
    hs_pairs: int
    kindergarten_alliances: int
    ungrouped: tuple[tuple[Stage, Area, int], ...]
    members: tuple[int, int] = (2, 4)  # schools per group besides the lead (or the urban side)
    kindergarten_members: tuple[int, int] = (3, 5)  # seed 001 三(三): a lead kindergarten helps 3-5
    staff_scale: float = 1.0
    alliance_reuse: float = 0.3  # share of alliances whose urban school is already a tight-group member
    two_urban: float = 0.3  # share of alliances with a second urban school


_LAYOUTS: dict[Size, _Layout] = {
    "tiny": _Layout(
        tight_primary=0,
        tight_nine_year=1,
        alliances=1,
        townships=1,
        hs_pairs=1,
        kindergarten_alliances=1,
        ungrouped=((Stage.KINDERGARTEN, Area.URBAN, 1),),
        members=(2, 2),
        kindergarten_members=(3, 3),
        staff_scale=0.5,
        alliance_reuse=1.0,
        two_urban=0.0,
    ),
    "district": _Layout(
        tight_primary=4,
        tight_nine_year=3,
        alliances=8,
        townships=12,
        hs_pairs=3,
        kindergarten_alliances=3,
        ungrouped=(
            (Stage.PRIMARY, Area.URBAN, 5),
            (Stage.JUNIOR, Area.URBAN, 3),
            (Stage.PRIMARY, Area.TOWN, 5),
            (Stage.JUNIOR, Area.TOWN, 4),
            (Stage.NINE_YEAR, Area.RURAL, 3),
            (Stage.KINDERGARTEN, Area.URBAN, 3),
            (Stage.KINDERGARTEN, Area.TOWN, 3),
            (Stage.SENIOR, Area.URBAN, 1),
            (Stage.COMPLETE, Area.TOWN, 2),
        ),
    ),
    "city": _Layout(
        tight_primary=27,
        tight_nine_year=20,
        alliances=55,
        townships=80,
        hs_pairs=20,
        kindergarten_alliances=20,
        ungrouped=(
            (Stage.PRIMARY, Area.URBAN, 30),
            (Stage.JUNIOR, Area.URBAN, 12),
            (Stage.PRIMARY, Area.TOWN, 30),
            (Stage.JUNIOR, Area.TOWN, 25),
            (Stage.NINE_YEAR, Area.RURAL, 20),
            (Stage.KINDERGARTEN, Area.URBAN, 25),
            (Stage.KINDERGARTEN, Area.TOWN, 20),
            (Stage.SENIOR, Area.URBAN, 6),
            (Stage.COMPLETE, Area.TOWN, 12),
        ),
    ),
}


def _scaled(layout: _Layout, factor: float) -> _Layout:
    """``layout`` with every count of groups and ungrouped schools times ``factor``, rounded.

    At least one group of each kind remains, so a small district still has every obligation G1-G7.
    """

    def times(count: int) -> int:
        return max(1, round(count * factor))

    return replace(
        layout,
        tight_primary=times(layout.tight_primary),
        tight_nine_year=times(layout.tight_nine_year),
        alliances=times(layout.alliances),
        townships=times(layout.townships),
        hs_pairs=times(layout.hs_pairs),
        kindergarten_alliances=times(layout.kindergarten_alliances),
        ungrouped=tuple((stage, area, round(count * factor)) for stage, area, count in layout.ungrouped),
    )


# The city's layout grown to about 100,000 staff (a provincial capital's whole system).
_LAYOUTS["large"] = _scaled(_LAYOUTS["city"], 2.4)

# Home establishment (people whose home school it is) by stage.
_STAFF_RANGE: dict[Stage, tuple[int, int]] = {
    Stage.KINDERGARTEN: (12, 30),
    Stage.PRIMARY: (30, 80),
    Stage.JUNIOR: (40, 90),
    Stage.NINE_YEAR: (50, 100),
    Stage.SENIOR: (80, 150),
    Stage.COMPLETE: (90, 150),
}
_SMALL_SCHOOL_STAFF = (8, 15)
_STUDENTS_PER_STAFF: dict[Stage, int] = {
    Stage.KINDERGARTEN: 9,
    Stage.PRIMARY: 18,
    Stage.JUNIOR: 13,
    Stage.NINE_YEAR: 15,
    Stage.SENIOR: 13,
    Stage.COMPLETE: 13,
}

_CATEGORY_BY_AREA: dict[Area, _Weighted[Category]] = {
    Area.URBAN: _Weighted(
        {Category.QUALITY: 0.15, Category.ORDINARY: 0.6, Category.WEAK: 0.15, Category.NEW: 0.1}
    ),
    Area.TOWN: _Weighted({Category.ORDINARY: 0.7, Category.WEAK: 0.25, Category.NEW: 0.05}),
    Area.RURAL: _Weighted({Category.ORDINARY: 0.5, Category.WEAK: 0.5}),
}
_KEY_SHARE: dict[Category, float] = {
    Category.QUALITY: 0.32,
    Category.ORDINARY: 0.16,
    Category.NEW: 0.1,
    Category.WEAK: 0.08,
}
_SMALL_SCHOOL_KEY_SHARE = 0.04
_KEY_HONORS = _Weighted({Honor.DISTRICT: 0.6, Honor.CITY: 0.29, Honor.PROVINCE: 0.09, Honor.NATIONAL: 0.02})

# --- Subjects ------------------------------------------------------------------------------------------

_PRIMARY_SUBJECTS: tuple[str, ...] = ("语文", "数学", "英语", "科学", "音乐", "体育", "美术", "信息技术")
# What small village schools typically cannot staff themselves (the reason for 走教).
_LACKABLE_SUBJECTS: tuple[str, ...] = ("英语", "科学", "音乐", "体育", "美术", "信息技术")
_MIDDLE_PRIMARY: dict[str, float] = {
    "语文": 28,
    "数学": 24,
    "英语": 12,
    "科学": 8,
    "音乐": 7,
    "体育": 10,
    "美术": 7,
    "信息技术": 4,
}
_SECONDARY: dict[str, float] = {
    "语文": 15,
    "数学": 15,
    "英语": 14,
    "物理": 8,
    "化学": 6,
    "生物": 6,
    "政治": 6,
    "历史": 6,
    "地理": 6,
}
_SUBJECT_WEIGHTS: dict[Band, dict[str, float]] = {
    Band.KINDERGARTEN: {"学前教育": 1},
    # English and computing mostly start in grade 3.
    Band.PRIMARY_LOWER: {
        "语文": 34,
        "数学": 28,
        "英语": 3,
        "科学": 5,
        "音乐": 9,
        "体育": 11,
        "美术": 9,
        "信息技术": 1,
    },
    Band.PRIMARY_MIDDLE: _MIDDLE_PRIMARY,
    Band.PRIMARY_UPPER: _MIDDLE_PRIMARY,
    Band.JUNIOR: {**_SECONDARY, "音乐": 3, "体育": 8, "美术": 3, "信息技术": 4},
    Band.SENIOR: {
        **_SECONDARY,
        "物理": 10,
        "化学": 8,
        "生物": 8,
        "音乐": 2,
        "体育": 6,
        "美术": 2,
        "信息技术": 3,
    },
}
_SUBJECTS: dict[Band, _Weighted[str]] = {band: _Weighted(w) for band, w in _SUBJECT_WEIGHTS.items()}
_BAND_WEIGHTS: dict[Stage, _Weighted[Band]] = {
    Stage.KINDERGARTEN: _Weighted({Band.KINDERGARTEN: 1}),
    Stage.PRIMARY: _Weighted(dict.fromkeys(PRIMARY_BANDS, 1.0)),
    Stage.JUNIOR: _Weighted({Band.JUNIOR: 1}),
    Stage.SENIOR: _Weighted({Band.SENIOR: 1}),
    Stage.NINE_YEAR: _Weighted({**dict.fromkeys(PRIMARY_BANDS, 2.0), Band.JUNIOR: 3.0}),
    Stage.COMPLETE: _Weighted({Band.JUNIOR: 2, Band.SENIOR: 3}),
}
# G2's junior key teachers: the exam subjects first.
_KEY_JUNIOR_SUBJECTS: tuple[str, ...] = (
    "语文",
    "数学",
    "英语",
    "物理",
    "化学",
    "历史",
    "生物",
    "地理",
    "政治",
)

# --- People --------------------------------------------------------------------------------------------

# Share of staff old enough for it who have 6+ years at their school: the tenure backlog.
_LONG_TENURE_SHARE = 0.48
_FEMALE_SHARE: dict[Band | None, float] = {
    Band.KINDERGARTEN: 0.97,
    Band.PRIMARY_LOWER: 0.8,
    Band.PRIMARY_MIDDLE: 0.75,
    Band.PRIMARY_UPPER: 0.7,
    Band.JUNIOR: 0.6,
    Band.SENIOR: 0.5,
    None: 0.35,
}
_LEADER_FEMALE_SHARE = 0.35
# (youngest, mode) by post; the oldest is the retirement age, 55 for women and 60 for men.
_AGES: dict[Post, tuple[int, int]] = {
    Post.TEACHER: (23, 38),
    Post.MIDDLE_MANAGER: (30, 43),
    Post.VICE_PRINCIPAL: (34, 46),
    Post.PRINCIPAL: (38, 49),
}
# People the obligations rely on stay clear of every exemption: young enough for E2 at any rate.
_CLEAN_AGES: dict[Post, tuple[int, int]] = {
    Post.TEACHER: (26, 45),
    Post.MIDDLE_MANAGER: (30, 47),
    Post.VICE_PRINCIPAL: (35, 48),
    Post.PRINCIPAL: (38, 48),
}
_ALLIANCE_POSTS = _Weighted({Post.TEACHER: 0.7, Post.MIDDLE_MANAGER: 0.2, Post.VICE_PRINCIPAL: 0.1})
_SURNAMES = _Weighted(
    {
        surname: 1 / (rank + 4)
        for rank, surname in enumerate(
            "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
            "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
        )
    }
)
_GIVEN: dict[Gender, str] = {
    Gender.MALE: "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林阳建国志文海峰亮晨博东振",
    Gender.FEMALE: "芳娜敏静丽艳娟霞秀玲燕红婷雪琳晶颖慧倩洁佳蕾萍丹琴月梅莉欣悦怡璐瑶薇楠雯婧昕晓琪",
}

# Exemptions and other marks, as shares of the ordinary staff (at least one of each in any size).
_RATES: dict[str, float] = {
    "E1": 0.002,
    "E3": 0.01,
    "E4": 0.025,
    "E4_unflagged": 0.006,
    "E4_lapsed": 0.003,
    "E5": 0.008,
    "E6": 0.04,
    "E7": 0.005,
    "override_due": 0.004,
    "volunteer": 0.03,
}
_PREFERENCE_SHARE = 0.3
_EXPERIENCE_CELLS_SHARE = 0.25
_EXPERIENCE_HISTORY_SHARE = 0.1
_SUBJECT_MINIMUM_SHARE = 0.15
_PAST_SCHOOL_AREAS = _Weighted({Area.URBAN: 0.3, Area.TOWN: 0.4, Area.RURAL: 0.3})

# --- Places --------------------------------------------------------------------------------------------

_GROUP_PREFIX: dict[GroupKind, str] = {
    GroupKind.TIGHT: "JT",
    GroupKind.ALLIANCE: "LM",
    GroupKind.RURAL: "YT",
    GroupKind.HS_PAIR: "JD",
    GroupKind.KINDERGARTEN: "LH",
}
_CITY_CENTRE = (32.99, 112.53)
_TOWN_FIRST = "安石青龙王谢陆英蒲潦七白黄柳杨枣桐高马李金瓦茶双新"
_TOWN_SECOND = "桥庄营山河集店坡寨岗铺湾沟园皋湖"
_VILLAGE_FIRST = "东西南北前后上下大小张刘赵孙杨胡唐"
_VILLAGE_SECOND = "庄湾店岭洼沟坪楼寨堰"
_SCHOOL_KINDS: dict[Stage, str] = {
    Stage.KINDERGARTEN: "幼儿园",
    Stage.PRIMARY: "小学",
    Stage.JUNIOR: "初级中学",
    Stage.NINE_YEAR: "九年制学校",
    Stage.SENIOR: "高级中学",
    Stage.COMPLETE: "中学",
}


def _chinese_number(n: int) -> str:
    """一 … 九百九十九, as in 第十二小学; larger numbers in digits."""
    if not 0 < n < 1000:
        return str(n)
    digits = "零一二三四五六七八九"
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    text = f"{digits[hundreds]}百" if hundreds else ""
    if tens:
        text += ("" if tens == 1 and not hundreds else digits[tens]) + "十"
    elif hundreds and ones:
        text += "零"
    return text + (digits[ones] if ones else "")


def _place_names(rng: random.Random, first: str, second: str) -> list[str]:
    names = [a + b for a in first for b in second if a != b]
    rng.shuffle(names)
    return names


def _ordered(bands: frozenset[Band]) -> list[Band]:
    # Sets of str enums iterate in hash order, which changes between runs: never draw from one directly.
    return [band for band in Band if band in bands]


@dataclass
class _Town:
    name: str
    latitude: float
    longitude: float
    villages: list[str]
    schools: Counter[Stage] = field(default_factory=Counter)


@dataclass
class _SchoolPlan:
    """A school while the district is laid out; ``size`` counts the people whose home school it is."""

    school_id: str
    name: str
    stage: Stage
    area: Area
    category: Category
    size: int
    latitude: float
    longitude: float
    small: bool = False
    own_subjects: tuple[str, ...] | None = None  # a small school's subjects; the rest are walked in (G5)
    walkers: Counter[str] = field(default_factory=Counter)  # G5: teachers kept for walking, by subject
    anchors: list[_Anchor] = field(default_factory=list)  # movable people an obligation may call on

    @property
    def bands(self) -> frozenset[Band]:
        return BANDS_BY_STAGE[self.stage]


@dataclass(frozen=True, slots=True)
class _Anchor:
    """Someone at home whom a new move may send for an obligation: kept clear of every exemption.

    A middle manager at an alliance's urban school (G4's leaders), a senior-3 teacher of each
    academic subject at a paired high school (G6).
    """

    post: Post
    band: Band
    subject: str
    senior3: bool = False


@dataclass(frozen=True, slots=True)
class _Exchange:
    """Someone already on exchange: home school, host school, and what they teach there."""

    home: str
    host: str
    post: Post
    band: Band
    subject: str
    key: bool
    years_ago: int
    senior3: bool = False


class _DistrictBuilder:
    """Lays out the schools and groups, then staffs them, then marks exemptions and wishes."""

    def __init__(self, layout: _Layout, seed: int, effective_date: date) -> None:
        self.rng = random.Random(seed)
        self.layout = layout
        self.params = Parameters(effective_date=effective_date)
        self.at = effective_date
        self.plans: dict[str, _SchoolPlan] = {}
        self.groups: dict[str, Group] = {}
        self.exchanges: list[_Exchange] = []
        self.staff: list[StaffMember] = []
        self.fixed: set[str] = set()  # staff the obligations rely on: no exemption, wish or history
        self.long_tenures: list[bool] = []  # the current school's deck: who has 6+ years there
        self.urban_numbers: Counter[Stage] = Counter()
        self.town_names = _place_names(self.rng, _TOWN_FIRST, _TOWN_SECOND)
        self.towns = 0

    # --- Schools and groups ----------------------------------------------------------------------------

    def lay_out(self) -> None:
        layout, (fewest, most) = self.layout, self.layout.members
        for _ in range(layout.tight_primary):
            self.add_tight_group(Stage.PRIMARY, [Stage.PRIMARY] * self.rng.randint(fewest, most))
        for _ in range(layout.tight_nine_year):
            primaries = [Stage.PRIMARY] * (self.rng.randint(fewest, min(most, 3)) - 1)
            members = [self.rng.choice((Stage.JUNIOR, Stage.NINE_YEAR)), *primaries]
            self.rng.shuffle(members)
            self.add_tight_group(Stage.NINE_YEAR, members)
        for _ in range(layout.alliances):
            self.add_alliance()
        for _ in range(layout.townships):
            self.add_township()
        for _ in range(layout.hs_pairs):
            self.add_hs_pair()
        for _ in range(layout.kindergarten_alliances):
            self.add_kindergarten_alliance()
        for stage, area, count in layout.ungrouped:
            for _ in range(count):
                self.add_ungrouped(stage, area)

    def add_tight_group(self, lead_stage: Stage, member_stages: Sequence[Stage]) -> None:
        """紧密型: a quality lead whose teams (G1), key teachers (G2) and counterparts (G3) are in place."""
        lead = self.urban_school(lead_stage, Category.QUALITY, large=True)
        members = [self.urban_school(stage, self.member_category()) for stage in member_stages]
        self.add_group(GroupKind.TIGHT, f"{lead.name}教育集团", [lead, *members])
        for member in members:
            self.tight_exchanges(lead, member)

    def member_category(self) -> Category:
        return self.rng.choice((Category.ORDINARY, Category.ORDINARY, Category.WEAK, Category.NEW))

    def tight_exchanges(self, lead: _SchoolPlan, member: _SchoolPlan) -> None:
        params, rng = self.params, self.rng
        shared = _ordered(lead.bands & member.bands)
        # The policy sends a vice principal as executive principal, with middle managers (四(二)).
        team = [Post.VICE_PRINCIPAL] + [Post.MIDDLE_MANAGER] * (params.tight_mgmt_team_min - 1)
        team_years = rng.randint(1, 3)  # the team went together, so some are locked and some due back
        for post in team:
            band = rng.choice(shared)
            self.both_ways(lead, member, post, band, _SUBJECTS[band].pick(rng), key=False, years=team_years)
        if Band.JUNIOR in member.bands:
            for i in range(params.tight_key_junior_min):
                subject = _KEY_JUNIOR_SUBJECTS[i % len(_KEY_JUNIOR_SUBJECTS)]
                self.both_ways(
                    lead, member, Post.TEACHER, Band.JUNIOR, subject, key=True, years=rng.randint(1, 3)
                )
        # Cycling 语文 数学 英语 over the primary slots puts English in the middle and upper bands.
        core = G2_PRIMARY_CORE_SUBJECTS
        slots = [
            b for b in PRIMARY_BANDS if b in member.bands for _ in range(params.tight_key_primary_band_min)
        ]
        for i, band in enumerate(slots):
            self.both_ways(
                lead, member, Post.TEACHER, band, core[i % len(core)], key=True, years=rng.randint(1, 3)
            )

    def both_ways(
        self,
        lead: _SchoolPlan,
        member: _SchoolPlan,
        post: Post,
        band: Band,
        subject: str,
        *,
        key: bool,
        years: int,
    ) -> None:
        """One of the lead's people at the member and its G3 counterpart (same post class, band, subject)."""
        self.exchanges.append(_Exchange(lead.school_id, member.school_id, post, band, subject, key, years))
        self.exchanges.append(_Exchange(member.school_id, lead.school_id, post, band, subject, False, years))

    def add_alliance(self) -> None:
        """城乡联盟: urban schools with alliance_min..alliance_max people at town and village schools (G4)."""
        rng, params = self.rng, self.params
        primary = rng.random() < 0.7
        urban_stage = Stage.PRIMARY if primary else Stage.JUNIOR
        urban = [self.alliance_partner(urban_stage)]
        if rng.random() < self.layout.two_urban:
            urban.append(self.urban_school(urban_stage, _CATEGORY_BY_AREA[Area.URBAN].pick(rng)))
        town = self.new_town()
        receiving = [self.town_school(town, urban_stage)]
        for _ in range(rng.randint(*self.layout.members) - 1):
            receiving.append(self.village_school(town, rng.choice((urban_stage, Stage.NINE_YEAR))))
        self.add_group(GroupKind.ALLIANCE, f"{urban[0].name}城乡联盟", [*urban, *receiving])
        # G4: among those sent, alliance_leader_min leaders or middle managers (挂职锻炼).
        sent = rng.randint(params.alliance_min, params.alliance_max)
        for i in range(sent):
            post = _ALLIANCE_POSTS.pick(rng)
            if i < params.alliance_leader_min and post is Post.TEACHER:
                post = Post.MIDDLE_MANAGER
            self.alliance_exchange(rng.choice(urban), rng.choice(receiving), post)
        for school in urban:  # a middle manager who may go next, whoever returns this summer
            band = rng.choice(_ordered(school.bands))
            school.anchors.append(_Anchor(Post.MIDDLE_MANAGER, band, _SUBJECTS[band].pick(rng)))
        if rng.random() < 0.5:  # 上挂学习: a village teacher learning at the urban school
            self.alliance_exchange(rng.choice(receiving), rng.choice(urban), Post.TEACHER)

    def alliance_partner(self, stage: Stage) -> _SchoolPlan:
        """The urban side: often a tight-group member already, as in the policy's overlapping networks."""
        in_alliance = {s for g in self.groups.values() if g.kind is GroupKind.ALLIANCE for s in g.school_ids}
        candidates = [
            self.plans[s]
            for g in self.groups.values()
            if g.kind is GroupKind.TIGHT
            for s in g.school_ids[1:]
            if self.plans[s].stage is stage and s not in in_alliance
        ]
        if candidates and self.rng.random() < self.layout.alliance_reuse:
            return self.rng.choice(candidates)
        return self.urban_school(stage, _CATEGORY_BY_AREA[Area.URBAN].pick(self.rng))

    def alliance_exchange(self, home: _SchoolPlan, host: _SchoolPlan, post: Post) -> None:
        band = self.rng.choice(_ordered(home.bands & host.bands))
        subject = _SUBJECTS[band].pick(self.rng)
        key = self.rng.random() < 0.4
        self.exchanges.append(
            _Exchange(home.school_id, host.school_id, post, band, subject, key, self.years())
        )

    def add_township(self) -> None:
        """乡镇一体化: a central primary school and small schools that lack some subjects (G5)."""
        rng = self.rng
        town = self.new_town()
        central = self.town_school(town, Stage.PRIMARY, central=True)
        small_schools = [self.small_school(town) for _ in range(rng.randint(*self.layout.members))]
        lacking: Counter[str] = Counter()
        for school in small_schools:
            missing = rng.sample(_LACKABLE_SUBJECTS, rng.randint(2, 4))
            school.own_subjects = tuple(s for s in _PRIMARY_SUBJECTS if s not in missing)
            lacking.update(missing)
        # One spare walker per subject, so that one of them falling ill does not break G5.
        for subject, schools in lacking.items():
            central.walkers[subject] = math.ceil(schools / self.params.walk_max_schools) + 1
        self.add_group(GroupKind.RURAL, f"{town.name}镇一体化联盟", [central, *small_schools])

    def add_hs_pair(self) -> None:
        """高中结对: a strong urban and a town high school trading senior-3 teachers in every subject (G6)."""
        rng = self.rng
        strong = self.urban_school(rng.choice((Stage.SENIOR, Stage.COMPLETE)), Category.QUALITY, large=True)
        town = self.new_town()
        helped = self.town_school(town, rng.choice((Stage.SENIOR, Stage.COMPLETE)), category=Category.WEAK)
        self.add_group(GroupKind.HS_PAIR, f"{strong.name}与{helped.name}结对", [strong, helped])
        for subject in ACADEMIC_SUBJECTS:
            for _ in range(self.params.hs_pair_per_subject_min):
                # At home, a senior-3 teacher of the subject each side may send next (G6).
                for school in (strong, helped):
                    school.anchors.append(_Anchor(Post.TEACHER, Band.SENIOR, subject, senior3=True))
                for home, host, key_share in ((strong, helped, 0.4), (helped, strong, 0.1)):
                    key = rng.random() < key_share
                    self.exchanges.append(
                        _Exchange(
                            home.school_id,
                            host.school_id,
                            Post.TEACHER,
                            Band.SENIOR,
                            subject,
                            key,
                            self.years(),
                            senior3=True,
                        )
                    )

    def add_kindergarten_alliance(self) -> None:
        """领航共建: a quality kindergarten leading urban, town and village kindergartens (G7)."""
        rng, params = self.rng, self.params
        lead = self.urban_school(Stage.KINDERGARTEN, Category.QUALITY, large=True)
        members: list[_SchoolPlan] = []
        for _ in range(rng.randint(*self.layout.kindergarten_members)):
            where = rng.choice((Area.URBAN, Area.TOWN, Area.TOWN, Area.RURAL))
            if where is Area.URBAN:
                members.append(self.urban_school(Stage.KINDERGARTEN, self.member_category()))
            elif where is Area.TOWN:
                members.append(self.town_school(self.new_town(), Stage.KINDERGARTEN))
            else:
                members.append(self.village_school(self.new_town(), Stage.KINDERGARTEN))
        self.add_group(GroupKind.KINDERGARTEN, f"{lead.name}学前教育领航共建", [lead, *members])
        subject = _SUBJECTS[Band.KINDERGARTEN].pick(rng)
        for member in members:
            # 互派管理人员、教师跟岗 (seed 001 三(三)): a manager or teacher from the lead at each member,
            # and now and then a member's teacher learning at the lead.
            for _ in range(params.kg_exchange_min):
                post = rng.choice((Post.MIDDLE_MANAGER, Post.TEACHER, Post.TEACHER))
                key = rng.random() < 0.4
                self.exchanges.append(
                    _Exchange(
                        lead.school_id, member.school_id, post, Band.KINDERGARTEN, subject, key, self.years()
                    )
                )
            if rng.random() < 0.5:
                self.exchanges.append(
                    _Exchange(
                        member.school_id,
                        lead.school_id,
                        Post.TEACHER,
                        Band.KINDERGARTEN,
                        subject,
                        False,
                        self.years(),
                    )
                )

    def add_ungrouped(self, stage: Stage, area: Area) -> _SchoolPlan:
        category = _CATEGORY_BY_AREA[area].pick(self.rng)
        if area is Area.URBAN:
            return self.urban_school(stage, category)
        if area is Area.TOWN:
            return self.town_school(self.new_town(), stage, category=category)
        return self.village_school(self.new_town(), stage)

    def years(self) -> int:
        """Years since an exchange began: teachers' one-year stints have all ended, leaders' not all."""
        return self.rng.randint(1, 3)

    def add_group(self, kind: GroupKind, name: str, schools: Sequence[_SchoolPlan]) -> None:
        """A group led by its first school (the alliance's urban school, the pair's stronger school)."""
        number = 1 + sum(g.kind is kind for g in self.groups.values())
        group_id = f"{_GROUP_PREFIX[kind]}{number:03d}"
        ids = tuple(s.school_id for s in schools)
        self.groups[group_id] = Group(group_id, name, kind, ids, lead=ids[0])

    # --- Places ----------------------------------------------------------------------------------------

    def new_town(self) -> _Town:
        rng = self.rng
        # A city has more towns than there are two-character names: later rounds get a numeral.
        round_, index = divmod(self.towns, len(self.town_names))
        name = self.town_names[index] + (_chinese_number(round_ + 1) if round_ else "")
        self.towns += 1
        distance, angle = rng.uniform(0.1, 0.4), rng.uniform(0, 2 * math.pi)
        latitude = _CITY_CENTRE[0] + distance * math.sin(angle)
        longitude = _CITY_CENTRE[1] + distance * math.cos(angle)
        return _Town(name, latitude, longitude, _place_names(rng, _VILLAGE_FIRST, _VILLAGE_SECOND))

    def new_id(self) -> str:
        return f"{len(self.plans) + 1:04d}"

    def urban_school(self, stage: Stage, category: Category, *, large: bool = False) -> _SchoolPlan:
        self.urban_numbers[stage] += 1
        kind = "实验学校" if stage is Stage.NINE_YEAR else _SCHOOL_KINDS[stage]
        name = f"第{_chinese_number(self.urban_numbers[stage])}{kind}"
        distance, angle = self.rng.uniform(0, 0.06), self.rng.uniform(0, 2 * math.pi)
        latitude = _CITY_CENTRE[0] + distance * math.sin(angle)
        longitude = _CITY_CENTRE[1] + distance * math.cos(angle)
        return self.add_school(name, stage, Area.URBAN, category, latitude, longitude, large=large)

    def town_school(
        self, town: _Town, stage: Stage, *, central: bool = False, category: Category = Category.ORDINARY
    ) -> _SchoolPlan:
        town.schools[stage] += 1
        count = town.schools[stage]
        if central:
            name = f"{town.name}镇中心小学"
        else:
            ordinal = f"第{_chinese_number(count)}" if count > 1 or stage is Stage.PRIMARY else ""
            name = f"{town.name}镇{ordinal}{_SCHOOL_KINDS[stage]}"
        latitude = town.latitude + self.rng.uniform(-0.008, 0.008)
        longitude = town.longitude + self.rng.uniform(-0.008, 0.008)
        return self.add_school(name, stage, Area.TOWN, category, latitude, longitude)

    def village_school(self, town: _Town, stage: Stage, *, small: bool = False) -> _SchoolPlan:
        village = town.villages.pop()
        kind = "教学点" if small and self.rng.random() < 0.3 else _SCHOOL_KINDS[stage]
        name = f"{town.name}镇{village}村{kind}"
        distance, angle = self.rng.uniform(0.02, 0.07), self.rng.uniform(0, 2 * math.pi)
        latitude = town.latitude + distance * math.sin(angle)
        longitude = town.longitude + distance * math.cos(angle)
        category = _CATEGORY_BY_AREA[Area.RURAL].pick(self.rng)
        return self.add_school(name, stage, Area.RURAL, category, latitude, longitude, small=small)

    def small_school(self, town: _Town) -> _SchoolPlan:
        return self.village_school(town, Stage.PRIMARY, small=True)

    def add_school(
        self,
        name: str,
        stage: Stage,
        area: Area,
        category: Category,
        latitude: float,
        longitude: float,
        *,
        large: bool = False,
        small: bool = False,
    ) -> _SchoolPlan:
        plan = _SchoolPlan(
            self.new_id(),
            name,
            stage,
            area,
            category,
            self.school_size(stage, area, large=large, small=small),
            round(latitude, 5),
            round(longitude, 5),
            small=small,
        )
        self.plans[plan.school_id] = plan
        return plan

    def school_size(self, stage: Stage, area: Area, *, large: bool, small: bool) -> int:
        low, high = _SMALL_SCHOOL_STAFF if small else _STAFF_RANGE[stage]
        if large:  # group leads and strong high schools sit at the top of the range
            low = (low + high) // 2
        elif area is not Area.URBAN and not small:
            high = (low + high) // 2
        # Most schools are nearer the small end of their range.
        size = round(self.rng.triangular(low, high, low + 0.3 * (high - low)))
        return size if small else max(8, round(size * self.layout.staff_scale))

    # --- Staff -----------------------------------------------------------------------------------------

    def staff_schools(self) -> None:
        leaving: dict[str, list[_Exchange]] = defaultdict(list)
        for exchange in self.exchanges:
            leaving[exchange.home].append(exchange)
        for plan in self.plans.values():
            self.staff_school(plan, leaving[plan.school_id])

    def planned_staff(self) -> int:
        """How many staff the schools laid out so far will have (the small schools' few extras aside)."""
        leaving = Counter(exchange.home for exchange in self.exchanges)
        return sum(
            _ordinary_count(plan, leaving[plan.school_id])
            + sum(plan.walkers.values())
            + len(plan.anchors)
            + leaving[plan.school_id]
            for plan in self.plans.values()
        )

    def staff_school(self, plan: _SchoolPlan, leaving: list[_Exchange]) -> None:
        """The school's own people: its ordinary staff, its walkers (G5), and those away on exchange."""
        walkers = sum(plan.walkers.values())
        posts = self.ordinary_posts(plan, _ordinary_count(plan, len(leaving)))
        # Dealt from a shuffled deck rather than drawn one by one, so that even a tiny district
        # has its backlog close to the intended share.
        people = len(posts) + walkers + len(plan.anchors) + len(leaving)
        long = round(_LONG_TENURE_SHARE * people)
        self.long_tenures = [True] * long + [False] * (people - long)
        self.rng.shuffle(self.long_tenures)
        for post, band, subject in posts:
            self.staff.append(self.person(plan, post, band, subject))
        for subject, count in sorted(plan.walkers.items()):
            for _ in range(count):
                band = self.rng.choice((Band.PRIMARY_MIDDLE, Band.PRIMARY_UPPER))
                self.add_fixed(self.person(plan, Post.TEACHER, band, subject, clean=True))
        for anchor in plan.anchors:
            member = self.person(plan, anchor.post, anchor.band, anchor.subject, clean=True)
            self.add_fixed(replace(member, senior3=anchor.senior3 or member.senior3))
        for exchange in leaving:
            self.add_fixed(self.on_exchange(plan, exchange))

    def add_fixed(self, member: StaffMember) -> None:
        self.staff.append(member)
        self.fixed.add(member.staff_id)

    def ordinary_posts(self, plan: _SchoolPlan, count: int) -> list[tuple[Post, Band | None, str | None]]:
        """A principal, vice principals and middle managers by size, then teachers by band and subject."""
        rng = self.rng
        if plan.small:
            vice_principals, managers = int(rng.random() < 0.4), int(rng.random() < 0.5)
        else:
            vice_principals, managers = 1 + (count >= 40) + (count >= 80), max(2, count // 12)
        posts: list[tuple[Post, Band | None, str | None]] = [self.teaching(plan, Post.PRINCIPAL)]
        posts += [self.teaching(plan, Post.VICE_PRINCIPAL) for _ in range(vice_principals)]
        posts += [self.teaching(plan, Post.MIDDLE_MANAGER) for _ in range(managers)]
        teachers = max(count - len(posts), 1)
        if plan.own_subjects is not None:
            # A small school has a teacher of each subject it teaches itself, even if that makes it
            # a little larger than drawn: G5 walks in only the subjects it lacks.
            posts += [(Post.TEACHER, _BAND_WEIGHTS[plan.stage].pick(rng), s) for s in plan.own_subjects]
            teachers -= len(plan.own_subjects)
        posts += [self.teaching(plan, Post.TEACHER) for _ in range(teachers)]
        return posts

    def teaching(self, plan: _SchoolPlan, post: Post) -> tuple[Post, Band | None, str | None]:
        rng = self.rng
        # Half the principals and some vice principals no longer teach; small schools cannot spare them.
        if post.is_leader and not plan.small and rng.random() < (0.5 if post is Post.PRINCIPAL else 0.2):
            return post, None, None
        band = _BAND_WEIGHTS[plan.stage].pick(rng)
        if plan.own_subjects is None:
            return post, band, _SUBJECTS[band].pick(rng)
        return post, band, rng.choice(plan.own_subjects)

    def person(
        self, plan: _SchoolPlan, post: Post, band: Band | None, subject: str | None, *, clean: bool = False
    ) -> StaffMember:
        rng = self.rng
        female_share = _LEADER_FEMALE_SHARE if post.is_leader else _FEMALE_SHARE[band]
        gender = Gender.FEMALE if rng.random() < female_share else Gender.MALE
        age = self.age(post, gender, clean)
        birth_date = anniversary(self.at, self.at.year - age) - timedelta(days=rng.randint(1, 364))
        post_start_date = None
        if post.is_leader:
            years_in_post = rng.randint(0, min(11, age - 30))
            post_start_date = self.years_before(years_in_post)
            # Most leaders were appointed from elsewhere; some were promoted where they taught.
            tenure = years_in_post if rng.random() < 0.7 else min(years_in_post + rng.randint(1, 6), age - 22)
        else:
            tenure = self.tenure(age)
        key_share = _SMALL_SCHOOL_KEY_SHARE if plan.small else _KEY_SHARE[plan.category]
        return StaffMember(
            staff_id=f"{len(self.staff) + 1:06d}",
            name=self.name(gender),
            gender=gender,
            birth_date=birth_date,
            school_id=plan.school_id,
            home_school_id=plan.school_id,
            school_start_date=self.years_before(tenure),
            post=post,
            subject=subject,
            band=band,
            post_start_date=post_start_date,
            honor=_KEY_HONORS.pick(rng) if rng.random() < key_share else Honor.NONE,
            senior3=band is Band.SENIOR and rng.random() < 0.55,
        )

    def on_exchange(self, home: _SchoolPlan, exchange: _Exchange) -> StaffMember:
        member = self.person(home, exchange.post, exchange.band, exchange.subject, clean=True)
        start = anniversary(self.at, self.at.year - exchange.years_ago)
        post_start = member.post_start_date
        return replace(
            member,
            school_id=exchange.host,
            school_start_date=start,
            exchange_start_date=start,
            post_start_date=None if post_start is None else min(post_start, start),
            honor=_KEY_HONORS.pick(self.rng) if exchange.key else member.honor,
            senior3=exchange.senior3 or member.senior3,
        )

    def age(self, post: Post, gender: Gender, clean: bool) -> int:
        youngest, mode = (_CLEAN_AGES if clean else _AGES)[post]
        if clean:
            return self.rng.randint(youngest, mode)
        oldest = 55 if gender is Gender.FEMALE else 60
        return min(round(self.rng.triangular(youngest, oldest, mode)), oldest)

    def tenure(self, age: int) -> int:
        """Whole years at the school: the backlog has 6 or more (T1), the rest 1 to 5."""
        room = age - 22
        if room >= 6 and self.long_tenures.pop():
            return self.rng.randint(6, min(room, 30))
        return self.rng.randint(1, min(room, 5))

    def years_before(self, years: int) -> date:
        """A date ``years`` whole years before effective_date: the term start, or a week or a term earlier."""
        return anniversary(self.at, self.at.year - years) - timedelta(days=self.rng.choice((0, 0, 0, 7, 194)))

    def name(self, gender: Gender) -> str:
        given = _GIVEN[gender]
        length = 1 if self.rng.random() < 0.3 else 2
        return _SURNAMES.pick(self.rng) + "".join(self.rng.choice(given) for _ in range(length))

    # --- Exemptions, experience and wishes -------------------------------------------------------------

    def mark_people(self) -> None:
        """Exemptions, overrides, volunteers, past schools and wishes, on the ordinary staff only.

        E2 follows from ages alone. Each other mark goes to different people, so that every
        exemption stays visible (an override = due would hide E1, E3 or E6).
        """
        ordinary = [i for i, m in enumerate(self.staff) if m.staff_id not in self.fixed]
        taken: set[int] = set()
        self.mark_exemptions(ordinary, taken)
        self.mark_experience(ordinary, taken)
        self.mark_wishes(ordinary)

    def choose(self, pool: Sequence[int], rate: str, ordinary: Sequence[int], taken: set[int]) -> list[int]:
        """``_RATES[rate]`` of the ordinary staff (at least one) drawn from ``pool``, nobody twice."""
        free = [i for i in pool if i not in taken]
        chosen = self.rng.sample(free, min(max(1, round(_RATES[rate] * len(ordinary))), len(free)))
        taken.update(chosen)
        return chosen

    def mark_exemptions(self, ordinary: Sequence[int], taken: set[int]) -> None:
        staff, rng = self.staff, self.rng
        # E1 mostly follows from the leaders' post dates already; a few newly promoted ones make sure.
        leaders = [i for i in ordinary if staff[i].post.is_leader]
        for i in self.choose(leaders, "E1", ordinary, taken):
            staff[i] = replace(staff[i], post_start_date=self.years_before(rng.randint(0, 2)))
        keys = [i for i in ordinary if staff[i].is_key_teacher]
        for i in self.choose(keys, "E3", ordinary, taken):
            staff[i] = replace(staff[i], project_lead_approved=True)
        mothers = [
            i
            for i in ordinary
            if staff[i].gender is Gender.FEMALE and 24 <= whole_years(staff[i].birth_date, self.at) <= 42
        ]
        for i in self.choose(mothers, "E4", ordinary, taken):
            staff[i] = replace(staff[i], pregnant_or_nursing=True, child_birth_date=self.child_birth_date())
        # The child's date given but the flag left blank: under v2's E4 the date alone exempts her.
        for i in self.choose(mothers, "E4_unflagged", ordinary, taken):
            born = self.at - timedelta(days=rng.randint(20, 340))
            staff[i] = replace(staff[i], child_birth_date=born)
        # Still declared nursing, but the child turns one before effective_date: E4 no longer applies.
        for i in self.choose(mothers, "E4_lapsed", ordinary, taken):
            born = self.at - timedelta(days=rng.randint(400, 700))
            staff[i] = replace(staff[i], pregnant_or_nursing=True, child_birth_date=born)
        for i in self.choose(ordinary, "E5", ordinary, taken):
            staff[i] = replace(staff[i], medical_exemption=True)
        bureau_exempt = self.choose(ordinary, "E7", ordinary, taken)
        for i in bureau_exempt:
            staff[i] = replace(staff[i], override=Override.EXEMPT)
        # A volunteer the bureau exempted all the same: E7 is final, so not movable.
        staff[bureau_exempt[0]] = replace(staff[bureau_exempt[0]], volunteer=True)
        for i in self.choose(ordinary, "override_due", ordinary, taken):
            staff[i] = replace(staff[i], override=Override.DUE)
        volunteers = round(_RATES["volunteer"] * len(ordinary))
        for i in rng.sample(list(ordinary), max(1, volunteers)):
            staff[i] = replace(staff[i], volunteer=True)

    def child_birth_date(self) -> date | None:
        """Pregnant without a date, pregnant with the expected date, or nursing a child under one."""
        draw = self.rng.random()
        if draw < 0.2:
            return None
        if draw < 0.5:
            return self.at + timedelta(days=self.rng.randint(20, 200))
        return self.at - timedelta(days=self.rng.randint(20, 340))

    def mark_experience(self, ordinary: Sequence[int], taken: set[int]) -> None:
        """E6 for some, and past schools short of E6 for others, as cells or as history rows."""
        staff, rng = self.staff, self.rng
        seasoned = [i for i in ordinary if _room(staff[i]) >= 6]
        for i in self.choose(seasoned, "E6", ordinary, taken):
            staff[i] = self.e6_experience(staff[i])
        for i in ordinary:
            room = _room(staff[i])
            if i in taken or room < 1:
                continue
            draw = rng.random()
            if draw < _EXPERIENCE_CELLS_SHARE:
                other_schools, rural = rng.choice((0, 0, 1)), rng.choice((0.0, 0.0, 1.0, 2.5, 3.0, 5.0))
                staff[i] = replace(staff[i], other_schools_3y=other_schools, rural_years=rural)
            elif draw < _EXPERIENCE_CELLS_SHARE + _EXPERIENCE_HISTORY_SHARE:
                span = (rng.randint(1, min(room, 5)), _PAST_SCHOOL_AREAS.pick(rng))
                staff[i] = replace(staff[i], history=self.history(staff[i], [span]))

    def e6_experience(self, member: StaffMember) -> StaffMember:
        """Two other schools of 3+ years each, or (at an urban school) 6+ years at rural schools."""
        rng, room = self.rng, _room(member)
        urban = self.plans[member.school_id].area is Area.URBAN
        way = rng.randrange(4 if urban else 2)
        if way == 0:
            return replace(member, other_schools_3y=rng.choice((2, 2, 3)), rural_years=0.0)
        if way == 1:
            first = rng.randint(3, room - 3)
            second = rng.randint(3, min(room - first, 8))
            spans = [(first, _PAST_SCHOOL_AREAS.pick(rng)), (second, _PAST_SCHOOL_AREAS.pick(rng))]
            return replace(member, history=self.history(member, spans))
        years = rng.randint(6, min(room, 10))
        if way == 2:
            return replace(member, rural_years=years + rng.choice((0.0, 0.5)))
        return replace(member, history=self.history(member, [(years, Area.RURAL)]))

    def history(self, member: StaffMember, spans: Sequence[tuple[int, Area]]) -> tuple[HistoryEntry, ...]:
        """Stints of (years, area), oldest first, laid end to end up to the start at the current school."""
        current = self.plans[member.school_id].name
        used: set[str] = {current}
        entries: list[HistoryEntry] = []
        end = member.school_start_date
        for years, area in reversed(spans):
            start = anniversary(end, end.year - years)
            name = self.past_school(area, used)
            used.add(name)
            entries.append(HistoryEntry(name, area, start, end))
            end = start
        return tuple(reversed(entries))

    def past_school(self, area: Area, used: set[str]) -> str:
        """A school of ``area`` in the district, or, when none is left, one in a neighbouring county."""
        options = [name for name in self.names_by_area[area] if name not in used]
        if options:
            return self.rng.choice(options)
        return f"邻县{area.zh}学校{len(used)}"

    @cached_property
    def names_by_area(self) -> dict[Area, list[str]]:
        """The district's school names by area, once the layout is done: the schools of past stints."""
        names: dict[Area, list[str]] = defaultdict(list)
        for plan in self.plans.values():
            names[plan.area].append(plan.name)
        return names

    def mark_wishes(self, ordinary: Sequence[int]) -> None:
        """Up to three preferred schools for some of those due by tenure and some volunteers."""
        staff, rng = self.staff, self.rng
        groups_of: dict[str, list[Group]] = defaultdict(list)
        for group in self.groups.values():
            for school_id in group.school_ids:
                groups_of[school_id].append(group)
        for i in ordinary:
            member = staff[i]
            due_by_tenure = whole_years(member.school_start_date, self.at) >= self.params.teacher_tenure_years
            if not (due_by_tenure or member.volunteer) or rng.random() >= _PREFERENCE_SHARE:
                continue
            options = self.destinations(member, groups_of[member.school_id])
            if options:
                chosen = rng.sample(options, rng.randint(1, min(3, len(options))))
                staff[i] = replace(member, preferences=tuple(chosen))

    def destinations(self, member: StaffMember, groups: Sequence[Group]) -> list[str]:
        """Schools of the person's groups that teach the person's band (C3), in layout order."""
        here = self.plans[member.school_id]
        options: list[str] = []
        for group in groups:
            for school_id in group.school_ids:
                there = self.plans[school_id]
                fits = there.stage is here.stage if member.band is None else member.band in there.bands
                if school_id != here.school_id and fits and school_id not in options:
                    options.append(school_id)
        return options

    # --- The roster ------------------------------------------------------------------------------------

    def roster(self) -> Roster:
        minimums = self.subject_minimums()
        return Roster(
            schools=self.schools(),
            groups=dict(self.groups),
            staff=tuple(self.staff),
            subject_minimums=minimums,
        )

    def subject_minimums(self) -> tuple[SubjectMinimum, ...]:
        """C1 rows for some schools (at least one, so that every sample has the sheet), each at or
        below what the school has today."""
        rng = self.rng
        teaching: dict[str, Counter[tuple[str, Band | None]]] = defaultdict(Counter)
        for m in self.staff:
            if m.subject is not None:
                teaching[m.school_id].update(((m.subject, m.band), (m.subject, None)))
        rows: list[SubjectMinimum] = []
        eligible = [p for p in self.plans.values() if not p.small and p.stage is not Stage.KINDERGARTEN]
        chosen = [p for p in eligible if rng.random() < _SUBJECT_MINIMUM_SHARE] or [rng.choice(eligible)]
        for plan in chosen:
            counts = teaching[plan.school_id]
            options = sorted(counts, key=lambda item: (item[0], _band_rank(item[1])))
            for subject, band in rng.sample(options, min(len(options), rng.randint(1, 3))):
                today = counts[(subject, band)]
                rows.append(
                    SubjectMinimum(plan.school_id, subject, band, rng.randint((today + 1) // 2, today))
                )
        return tuple(rows)

    def schools(self) -> dict[str, School]:
        """The schools, with students and a staff quota a little above today's headcount (C2)."""
        rng = self.rng
        headcount = Counter(m.school_id for m in self.staff)
        schools: dict[str, School] = {}
        for plan in self.plans.values():
            people = headcount[plan.school_id]
            if plan.small:
                students = people * rng.randint(5, 9)
            else:
                thinner = 0.8 if plan.area is Area.RURAL or plan.category is Category.WEAK else 1.0
                students = round(people * _STUDENTS_PER_STAFF[plan.stage] * rng.uniform(0.85, 1.15) * thinner)
            schools[plan.school_id] = School(
                school_id=plan.school_id,
                name=plan.name,
                stage=plan.stage,
                area=plan.area,
                category=plan.category,
                students=students,
                staff_quota=people + rng.randint(1, max(2, people // 12)),
                small_school=plan.small,
                latitude=plan.latitude,
                longitude=plan.longitude,
            )
        return schools


def _ordinary_count(plan: _SchoolPlan, leaving: int) -> int:
    """The people of a school's home establishment besides its walkers, anchors and those away on exchange."""
    return max(plan.size - leaving - sum(plan.walkers.values()) - len(plan.anchors), plan.size // 2)


def _room(member: StaffMember) -> int:
    """Whole years between the age of 22 and the start at the current school: room for past schools."""
    return whole_years(member.birth_date, member.school_start_date) - 22


def _band_rank(band: Band | None) -> int:
    return -1 if band is None else list(Band).index(band)


def layout_for_staff(staff: int, seed: int, effective_date: date) -> _Layout:
    """The district's layout scaled so that, laid out with ``seed``, it has about ``staff`` people.

    School sizes are drawn as the schools are laid out, and a new count of groups draws them all
    anew, so the factor is lowered until the layout plans no more than ``staff`` people; then
    ungrouped primary schools and kindergartens are added at the end (which leaves every earlier
    draw as it was) until the staff count is as near ``staff`` as one more school can bring it.
    When one group of each kind is already more than ``staff``, the schools are made smaller instead.
    """
    if not MIN_STAFF <= staff <= MAX_STAFF:
        raise ValueError(f"a sample of {staff} staff: between {MIN_STAFF} and {MAX_STAFF} are generated")
    base = _LAYOUTS["district"]
    smallest = _scaled(base, 0.0)
    factor, school_scale = staff / _DISTRICT_STAFF, 1.0
    for _ in range(20):
        layout = replace(_scaled(base, factor), staff_scale=school_scale)
        builder = _DistrictBuilder(layout, seed, effective_date)
        builder.lay_out()
        planned = builder.planned_staff()
        if planned <= staff:
            break
        shrink = 0.95 * staff / planned
        if _scaled(base, factor) == smallest:
            school_scale *= shrink
        else:
            factor *= shrink
    added: list[tuple[Stage, Area, int]] = []
    kinds = itertools.cycle(_TOP_UP)
    while planned < staff:
        stage, area = next(kinds)
        school = builder.add_ungrouped(stage, area)
        if planned + school.size - staff > staff - planned:
            break  # this school would overshoot by more than the shortfall it closes
        planned += school.size
        added.append((stage, area, 1))
    return replace(layout, ungrouped=(*layout.ungrouped, *added))


# Staff of the district layout, about: the first guess of the factor for a given staff count.
_DISTRICT_STAFF = 6_500
# The ungrouped schools that bring a scaled district to its staff count: small ones, in turn.
_TOP_UP: tuple[tuple[Stage, Area], ...] = (
    (Stage.PRIMARY, Area.URBAN),
    (Stage.KINDERGARTEN, Area.URBAN),
    (Stage.PRIMARY, Area.TOWN),
    (Stage.KINDERGARTEN, Area.TOWN),
)


def generate(size: Size | int, seed: int, effective_date: date) -> Roster:
    """A sample district of ``size`` (a named size or a staff count), the same for the same arguments.

    See the module docstring.
    """
    if isinstance(size, int):
        layout = layout_for_staff(size, seed, effective_date)
    elif size in _LAYOUTS:
        layout = _LAYOUTS[size]
    else:
        raise ValueError(f"unknown sample size {size!r} (known: {', '.join(SIZES)} or a staff count)")
    builder = _DistrictBuilder(layout, seed, effective_date)
    builder.lay_out()
    builder.staff_schools()
    builder.mark_people()
    return builder.roster()
