"""An independent checker of an exported rotation plan: every rule of domain-rules.md (v2), once more.

Test infrastructure, written from the rules text (``../shared/docs/domain-rules.md``) and the
workbook contract (``workbook-format.md``) alone. It imports nothing from the project (``rotation``,
``solver``, ``reports``; a test scans its imports): it reads the input workbook and the plan workbook
itself, recomputes who is due, exempt, locked or returning, and checks every move against the rules.
A mistake in the project's loader, eligibility engine, model or exporter therefore shows up here as a
violation instead of being repeated.

Entry points:

- ``check_plan_workbook(input_path, plan_path, params=None)``: the plan workbook against its input
  workbook, with the parameters the plan's ``run`` sheet says it was solved with (or ``params``, which
  may be this module's ``Params`` or any object with the same field names, such as the project's
  ``Parameters``).
- ``check_plan(roster, params, assignments, walks)``: the same checks on a roster already in memory
  (``read_input``'s ``District``, or any object shaped like one, such as the project's ``Roster``,
  read field by field) and rows built by the caller.
- ``read_input(path)``, ``read_plan(path)``, ``plan_parameters(path, base)``: the readers.

Each violation is one sentence starting with the rule ID it breaks (``"C2: ..."``), or
``"Contract: ..."`` for a row or sheet that breaks the workbook contract rather than a rule (unknown
staff, a person listed twice, a wrong effective date, an echoed column that disagrees with the
input, a report sheet that disagrees with the plan). An empty list means every hard rule holds.

Hard or soft as the plan's ``run`` sheet says (``soft``/``hard``; obligations hard, N1 soft by
default). Besides the rows, the plan's report sheets are compared with what the rows make: the
``eligibility`` sheet (status and reasons, E4/E5 as ``E*`` unless shown in full, tenure, age), the
``unmoved_due`` sheet (exactly the due people who stay), the ``schools`` sheet (headcounts and key
teachers before and after) and the ``obligations`` sheet (``met`` agrees with the row's own numbers;
the counts of G3, G4 and its leaders, G6, G7 and N1 agree with the plan).

"After" means where everyone works in the coming term: where they work now, except that an S2 row
takes a returning person home and any other row is a new move to ``to_school_id``. The obligations
G1-G7 count the stock: everyone whose home school is the sender and who works at the receiver after.

Readings of points the rules leave open (each one the plain reading of the text):

- G6's senior-3 condition ("every teacher moved between the two schools, either way and whatever the
  subject") is part of where a move may go (C3 names it), so it is checked on every new move of a
  teacher or middle manager between the two schools of a pair even when the G6 counts are soft; its
  messages carry the ID G6.
- P1: a school with principals today ends with exactly as many; a school without one may end with one.
- P2 (host_post): a lead → member move inside a shared tight group serves as executive principal
  (vice principal), vice principal (middle manager) or middle manager (key teacher of post teacher);
  every other new move serves in its own post; an S2 return has no host post.
- Move codes, first match wins: a contingent the move counts in (G1/G2 for a tight lead → member move
  of a vice principal, middle manager or key teacher, G2 only for a key teacher of a band the member
  needs; G6 for a senior-band teacher of an academic subject with senior-3 experience between paired
  schools; G7 for any lead → member move of a kindergarten alliance); else G3 (tight member → lead);
  else G4 (alliance urban → town/rural); else the person's T1/T2 when due; else, for someone not due,
  P1 for a principal, V for a volunteer, C2 for anyone else, or N1 instead for a key teacher of an
  urban, town or quality school (whether a move serves the key share is the solver's intent, which a
  plan does not show). The code of a move that may not happen at all (an exemption that stands) is
  not judged: the move itself is reported.
- E6 from the ``history`` sheet: each row counts its whole calendar months, leftover days are pooled
  at 31 a month, and the total is counted in whole years (docs/decisions.md).
"""

from __future__ import annotations

import calendar
import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from fractions import Fraction
from functools import cached_property
from pathlib import Path
from typing import Any

from openpyxl import load_workbook as open_xlsx

# --------------------------------------------------------------------------- the codes of the contract

# Every code of workbook-format.md, English key → Chinese name, typed out from the contract.
STAGES = {
    "kindergarten": "幼儿园",
    "primary": "小学",
    "junior": "初中",
    "senior": "高中",
    "nine_year": "九年一贯制",
    "complete": "完全中学",
}
AREAS = {"urban": "城区", "town": "镇区", "rural": "乡村"}
CATEGORIES = {"quality": "优质", "ordinary": "普通", "weak": "薄弱", "new": "新建"}
GROUP_KINDS = {
    "tight": "紧密型",
    "alliance": "城乡联盟",
    "rural": "乡镇一体化",
    "hs_pair": "高中结对",
    "kindergarten": "领航共建",
}
ROLES = {"lead": "牵头", "member": "成员"}
POSTS = {"principal": "校长", "vice_principal": "副校长", "middle_manager": "中层干部", "teacher": "教师"}
HOST_POSTS = {"executive_principal": "执行校长", **POSTS}
BANDS = {
    "kindergarten": "幼儿园",
    "primary_lower": "小学低段",
    "primary_middle": "小学中段",
    "primary_upper": "小学高段",
    "junior": "初中",
    "senior": "高中",
}
HONORS = {"none": "无", "district": "区级", "city": "市级", "province": "省级", "national": "国家级"}
GENDERS = {"M": "男", "F": "女"}
OVERRIDES = {"due": "纳入", "exempt": "暂不纳入"}
STATUSES = {
    "due": "应交流",
    "exempt": "暂不纳入",
    "not_due": "未到期",
    "locked": "交流中",
    "returning": "期满返回",
}

PRIMARY_BANDS: tuple[str, ...] = ("primary_lower", "primary_middle", "primary_upper")
STAGE_BANDS: dict[str, frozenset[str]] = {
    "kindergarten": frozenset({"kindergarten"}),
    "primary": frozenset(PRIMARY_BANDS),
    "junior": frozenset({"junior"}),
    "senior": frozenset({"senior"}),
    "nine_year": frozenset({*PRIMARY_BANDS, "junior"}),
    "complete": frozenset({"junior", "senior"}),
}
G6_SUBJECTS: tuple[str, ...] = ("语文", "数学", "英语", "物理", "化学", "生物", "政治", "历史", "地理")
G2_CORE_SUBJECTS: tuple[str, ...] = ("语文", "数学", "英语")
LEADERS = frozenset({"principal", "vice_principal"})  # 校级领导: T2, E1, G3's leader class
# Every rule ID of domain-rules.md, in the order the document lists them (messages sort by it).
RULE_ORDER: tuple[str, ...] = (
    "T1", "T2", "E1", "E2", "E3", "E4", "E5", "E6", "E7", "S1", "S2", "P1", "P2",
    "G1", "G2", "G3", "G4", "G5", "G6", "G7", "C1", "C2", "C3", "C4", "N1", "N2", "L1",
)  # fmt: skip
RULE_IDS: frozenset[str] = frozenset(RULE_ORDER)
# The codes an assignments row's ``rule`` may hold ("More settled details": one code per move).
MOVE_CODES: frozenset[str] = frozenset(
    {"G1", "G2", "G6", "G7", "G3", "G4", "T1", "T2", "N1", "P1", "V", "C2", "S2"}
)
OBLIGATIONS: frozenset[str] = frozenset({"G1", "G2", "G3", "G4", "G5", "G6", "G7"})
FINAL_EXEMPTIONS = frozenset({"E4", "E5", "E7"})  # never waived for a volunteer
SENSITIVE = frozenset({"E4", "E5"})  # shown as E* unless asked
OVERRIDABLE = frozenset({"E1", "E2", "E3", "E6"})  # override = due wins over these
MASKED = "E*"


def normalize(value: object) -> str:
    """Trim ordinary and full-width spaces and fold case, for matching headers and codes."""
    return str(value).replace("\u3000", " ").strip().casefold()


def _code_of(codes: Mapping[str, str], text: str) -> str | None:
    """The English key ``text`` names in either language, or None."""
    wanted = normalize(text)
    for key, zh in codes.items():
        if wanted in (key.casefold(), normalize(zh)):
            return key
    return None


def _choices(codes: Mapping[str, str]) -> str:
    return ", ".join(f"{key} {zh}" for key, zh in codes.items())


def _rule_key(rule_id: str) -> int:
    return RULE_ORDER.index(rule_id) if rule_id in RULE_ORDER else len(RULE_ORDER)


# --------------------------------------------------------------------------- dates


def anniversary(start: date, year: int) -> date:
    """The anniversary of ``start`` in ``year``; 29 February falls on 28 February in a non-leap year."""
    if (start.month, start.day) == (2, 29) and not calendar.isleap(year):
        return date(year, 2, 28)
    return start.replace(year=year)


def whole_years(start: date, at: date) -> int:
    """Calendar years completed on ``at``: the N-th anniversary counts on its own day."""
    return at.year - start.year - (1 if anniversary(start, at.year) > at else 0)


def add_years(start: date, years: int) -> date:
    return anniversary(start, start.year + years)


def _add_months(start: date, months: int) -> date:
    year, month = divmod(start.month - 1 + months, 12)
    year += start.year
    return date(year, month + 1, min(start.day, calendar.monthrange(year, month + 1)[1]))


def _whole_months(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if _add_months(start, months) > end else months


def next_first_of_september(today: date) -> date:
    """The planning year's effective date when none is given: the next 1 September on or after today."""
    this_year = date(today.year, 9, 1)
    return this_year if today <= this_year else date(today.year + 1, 9, 1)


_FULL_DATE = re.compile(r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?")
_YEAR_MONTH = re.compile(r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*月?")


def parse_date(text: str) -> date | None:
    """A date in one of the contract's text forms (a year-month means its first day), or None."""
    cleaned = text.replace("\u3000", " ").strip()
    found = _FULL_DATE.fullmatch(cleaned)
    parts = found.groups() if found else None
    if parts is None:
        month_only = _YEAR_MONTH.fullmatch(cleaned)
        if month_only is None:
            return None
        parts = (*month_only.groups(), "1")
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


# --------------------------------------------------------------------------- the input, in memory


@dataclass(frozen=True)
class School:
    school_id: str
    name: str
    stage: str
    area: str
    category: str = "ordinary"
    students: int = 0
    staff_quota: int | None = None
    small_school: bool = False


@dataclass(frozen=True)
class Group:
    """A group, alliance or pair; ``lead`` is the lead (or central) school when it has one."""

    group_id: str
    kind: str
    school_ids: tuple[str, ...]
    lead: str | None = None

    @property
    def members(self) -> tuple[str, ...]:
        return tuple(s for s in self.school_ids if s != self.lead)


@dataclass(frozen=True)
class Stint:
    """A ``history`` row: a past stint at another school, end exclusive."""

    school_name: str
    area: str | None
    start_date: date
    end_date: date


@dataclass(frozen=True)
class Person:
    staff_id: str
    name: str
    gender: str  # "M" or "F"
    birth_date: date
    school_id: str
    home_school_id: str
    school_start_date: date
    post: str
    subject: str = ""
    band: str | None = None
    post_start_date: date | None = None
    honor: str = "none"
    senior3: bool = False
    pregnant_or_nursing: bool = False
    child_birth_date: date | None = None
    medical_exemption: bool = False
    project_lead_approved: bool = False
    other_schools_3y: int | None = None
    rural_years: float | None = None
    history: tuple[Stint, ...] = ()
    exchange_start_date: date | None = None
    volunteer: bool = False
    override: str | None = None

    @property
    def on_exchange(self) -> bool:
        return self.home_school_id != self.school_id

    @property
    def is_key(self) -> bool:
        """骨干教师: an honor at district level or above."""
        return self.honor != "none"

    @property
    def is_leader(self) -> bool:
        return self.post in LEADERS


@dataclass(frozen=True)
class Minimum:
    """A ``subject_minimums`` row (C1)."""

    school_id: str
    subject: str
    band: str | None
    min_teachers: int


@dataclass
class District:
    """Everything the input workbook describes; ``minimums`` is None without a subject_minimums sheet."""

    schools: dict[str, School]
    groups: dict[str, Group]
    staff: list[Person]
    minimums: list[Minimum] | None = None
    parameters: dict[str, object] = field(default_factory=dict)  # the workbook's parameters sheet

    @cached_property
    def by_id(self) -> dict[str, Person]:
        return {p.staff_id: p for p in self.staff}

    @cached_property
    def by_school(self) -> dict[str, list[Person]]:
        """Staff by the school they work at now."""
        found: dict[str, list[Person]] = {s: [] for s in self.schools}
        for person in self.staff:
            found.setdefault(person.school_id, []).append(person)
        return found


# --------------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class Params:
    """The parameters of domain-rules.md with their defaults; ``soft``/``hard`` hold rule IDs."""

    effective_date: date = field(default_factory=lambda: next_first_of_september(date.today()))
    teacher_tenure_years: int = 6
    leader_term_years: int = 3
    leader_tenure_years: int = 6
    male_exempt_age: int = 55
    female_exempt_age: int = 50
    e6_other_schools: int = 2
    e6_years_each: int = 3
    e6_rural_years: int = 6
    teacher_min_stint_years: int = 1
    leader_min_stint_years: int = 3
    principal_scope: str = "district"
    tight_mgmt_team_min: int = 3
    tight_key_junior_min: int = 6
    tight_key_primary_band_min: int = 2
    alliance_min: int = 3
    alliance_max: int = 5
    alliance_leader_min: int = 1
    walk_max_schools: int = 2
    hs_pair_per_subject_min: int = 1
    kg_exchange_min: int = 1
    max_net_loss: int = 0
    destination_scope: str = "group"
    max_outflow_ratio: float = 0.2
    min_rotation_ratio: float = 0.10
    min_key_share: float = 0.20
    soft: frozenset[str] = frozenset()
    hard: frozenset[str] = frozenset()

    def is_hard(self, rule_id: str) -> bool:
        """Obligations are hard unless named in ``soft``; N1 is soft unless named in ``hard``."""
        if rule_id in self.hard:
            return True
        if rule_id in self.soft:
            return False
        return rule_id != "N1"

    def stint_years(self, post: str) -> int:
        """S1: a teacher's minimum stint, or a principal's, vice principal's or middle manager's."""
        return self.teacher_min_stint_years if post == "teacher" else self.leader_min_stint_years

    def updated(self, values: Mapping[str, object], source: str) -> Params:
        """A copy with the values this class knows (others, like the run sheet's facts, ignored)."""
        changes: dict[str, object] = {}
        problems: list[str] = []
        for f in fields(self):
            blank = values.get(f.name) is None or _text(values.get(f.name)) == ""
            if f.name not in values or (blank and f.name not in ("soft", "hard")):
                continue
            try:
                changes[f.name] = _param_value(f.name, getattr(self, f.name), values[f.name])
            except ValueError as error:
                problems.append(f"{source}: parameter {f.name}: {error} (found: {values[f.name]!r})")
        if problems:
            raise PlanReadError(problems)
        return replace(self, **changes)  # type: ignore[arg-type]


_SCOPES = {"group": ("group", "集团", "组内"), "district": ("district", "区", "全区", "区域", "区县")}


def _param_value(name: str, default: object, raw: object) -> object:
    """``raw`` (a cell, a text or a value of the caller's own parameter object) as ``name`` wants it."""
    value = getattr(raw, "value", raw) if not isinstance(raw, (str, int, float, date)) else raw
    if name in ("soft", "hard"):
        if isinstance(value, (set, frozenset, list, tuple)):
            items = [str(getattr(v, "value", v)) for v in value]
        else:
            items = re.split(r"[,;，；\s]+", "" if value is None else str(value))
        return frozenset(i.strip().upper() for i in items if i.strip())
    if name == "effective_date":
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        parsed = parse_date(str(value))
        if parsed is None:
            raise ValueError("not a date")
        return parsed
    if name in ("destination_scope", "principal_scope"):
        text = normalize(value)
        for scope, names in _SCOPES.items():
            if text in names:
                return scope
        raise ValueError("neither group nor district")
    if isinstance(default, float):
        text = str(value).strip()
        return float(text[:-1]) / 100 if text.endswith("%") else float(text)
    if isinstance(default, int):
        number = float(str(value).strip())
        if not number.is_integer():
            raise ValueError("not a whole number")
        return int(number)
    return value


def as_params(params: object | None, base: Params | None = None) -> Params:
    """``params`` as this module's Params: itself, or any object read field by field (the project's
    Parameters among them); None gives ``base`` (or the defaults)."""
    if isinstance(params, Params):
        return params
    start = base or Params()
    if params is None:
        return start
    if isinstance(params, Mapping):
        return start.updated(params, "parameters")
    known = {f.name: getattr(params, f.name) for f in fields(Params) if hasattr(params, f.name)}
    return start.updated(known, "parameters")


# --------------------------------------------------------------------------- eligibility: T1 T2 E1-E7 S1 S2


@dataclass(frozen=True)
class Standing:
    """A person's status and reasons, recomputed from the rules; ``movable`` as "Who is exempt" says."""

    status: str
    reasons: tuple[str, ...]
    tenure_years: int
    age: int
    movable: bool

    @property
    def is_due(self) -> bool:
        return self.status == "due"


def _tenure_start(person: Person) -> date:
    """T2's years in post count from the later of post_start_date and school_start_date."""
    if person.is_leader and person.post_start_date is not None:
        return max(person.post_start_date, person.school_start_date)
    return person.school_start_date


def _summed_years(stints: Sequence[Stint]) -> int:
    months, days = 0, 0
    for stint in stints:
        whole = max(_whole_months(stint.start_date, stint.end_date), 0)
        months += whole
        days += max((stint.end_date - _add_months(stint.start_date, whole)).days, 0)
    return (months + days // 31) // 12


def _other_schools(person: Person, years_each: int) -> int:
    if person.other_schools_3y is not None:
        return person.other_schools_3y
    by_school: dict[str, list[Stint]] = defaultdict(list)
    for stint in person.history:
        by_school[normalize(stint.school_name)].append(stint)
    return sum(_summed_years(stints) >= years_each for stints in by_school.values())


def _rural_years(person: Person) -> float:
    if person.rural_years is not None:
        return person.rural_years
    return _summed_years([s for s in person.history if s.area == "rural"])


def _e4_maternity(person: Person, at: date) -> bool:
    """E4: the flag, or for a woman a child born after ``at`` or less than a year before; a child
    already one ends it, flag or not."""
    child = person.child_birth_date
    if child is not None and child <= at and anniversary(child, child.year + 1) <= at:
        return False  # the child is already one
    if child is not None and person.gender == "F":
        return True  # expected, or not yet one
    return person.pregnant_or_nursing


def exemptions(person: Person, school: School | None, params: Params) -> list[str]:
    """Every E code that applies, in ID order, before override = due and volunteering."""
    at = params.effective_date
    found: list[str] = []
    start = person.post_start_date
    if person.is_leader and start is not None and whole_years(start, at) < params.leader_term_years:
        found.append("E1")
    limit = params.male_exempt_age if person.gender == "M" else params.female_exempt_age
    if anniversary(person.birth_date, person.birth_date.year + limit) < at:
        found.append("E2")
    if person.project_lead_approved:
        found.append("E3")
    if _e4_maternity(person, at):
        found.append("E4")
    if person.medical_exemption:
        found.append("E5")
    urban_with_rural_years = (
        school is not None and school.area == "urban" and _rural_years(person) >= params.e6_rural_years
    )
    if _other_schools(person, params.e6_years_each) >= params.e6_other_schools or urban_with_rural_years:
        found.append("E6")
    if person.override == "exempt":
        found.append("E7")
    return found


def assess(person: Person, school: School | None, params: Params) -> Standing:
    """domain-rules.md "Status": locked/returning first, then a standing exemption, then due or not."""
    at = params.effective_date
    tenure, age = whole_years(person.school_start_date, at), whole_years(person.birth_date, at)
    if person.on_exchange:
        start = person.exchange_start_date or person.school_start_date
        if whole_years(start, at) < params.stint_years(person.post):
            return Standing("locked", ("S1",), tenure, age, False)
        return Standing("returning", ("S2",), tenure, age, False)
    standing = exemptions(person, school, params)
    forced_due = person.override == "due"
    if forced_due:
        standing = [code for code in standing if code not in OVERRIDABLE]
    if standing:
        movable = person.volunteer and not FINAL_EXEMPTIONS & set(standing)
        return Standing("exempt", tuple(standing), tenure, age, movable)
    if forced_due:
        return Standing("due", ("T1",), tenure, age, True)
    if not person.is_leader and whole_years(person.school_start_date, at) >= params.teacher_tenure_years:
        return Standing("due", ("T1",), tenure, age, True)
    needed = min(2 * params.leader_term_years, params.leader_tenure_years)
    if person.is_leader and whole_years(_tenure_start(person), at) >= needed:
        return Standing("due", ("T2",), tenure, age, True)
    return Standing("not_due", (), tenure, age, True)


# --------------------------------------------------------------------------- the plan's rows


@dataclass(frozen=True)
class AssignmentRow:
    """One row of the ``assignments`` sheet.

    ``post``, ``subject``, ``band`` and ``honor`` repeat the input for the reader, and ``host_post``
    is P2's post at the host; each is None when not given (not read), and checked when given.
    """

    staff_id: str
    from_school_id: str
    to_school_id: str
    rule: str
    group_id: str | None
    effective_date: date | None
    earliest_return_date: date | None
    post: str | None = None
    subject: str | None = None
    band: str | None = None
    honor: str | None = None
    host_post: str | None = None

    @property
    def codes(self) -> list[str]:
        return [part.strip().upper() for part in re.split(r"[;；,，]", self.rule) if part.strip()]

    @property
    def rule_ids(self) -> frozenset[str]:
        return frozenset(self.codes)

    @property
    def is_return(self) -> bool:
        """An S2 row: back home at the end of a stint, rather than a new move."""
        return "S2" in self.rule_ids


@dataclass(frozen=True)
class WalkRow:
    """One row of the ``walking`` sheet: a central-school teacher who also teaches at a small school."""

    staff_id: str
    home_school_id: str
    school_id: str
    subject: str


@dataclass(frozen=True)
class Sheets:
    """The plan's report sheets the checker compares with the rows (each None when absent)."""

    eligibility: list[dict[str, object]] | None = None
    unmoved_due: list[dict[str, object]] | None = None
    schools: list[dict[str, object]] | None = None
    has_host_post: bool = True
    obligations: list[dict[str, object]] | None = None


# --------------------------------------------------------------------------- the plan, resolved


@dataclass
class _Plan:
    """The district, the plan's rows and where everyone works after, for the rule checks to share."""

    district: District
    params: Params
    standing: dict[str, Standing]
    rows: dict[str, AssignmentRow]  # by staff_id, the first row of each known person
    walks: list[WalkRow]

    @cached_property
    def after(self) -> dict[str, str]:
        where = {p.staff_id: p.school_id for p in self.district.staff}
        where.update({staff_id: row.to_school_id for staff_id, row in self.rows.items()})
        return where

    @cached_property
    def staff_after(self) -> dict[str, list[Person]]:
        by_school: dict[str, list[Person]] = defaultdict(list)
        for person in self.district.staff:
            by_school[self.after[person.staff_id]].append(person)
        return by_school

    @cached_property
    def stock(self) -> dict[tuple[str, str], list[Person]]:
        """(sender, receiver) → everyone whose home is the sender and who works at the receiver after."""
        pairs: dict[tuple[str, str], list[Person]] = defaultdict(list)
        for person in self.district.staff:
            receiver = self.after[person.staff_id]
            if receiver != person.home_school_id:
                pairs[(person.home_school_id, receiver)].append(person)
        return pairs

    @cached_property
    def new_moves(self) -> list[tuple[Person, AssignmentRow]]:
        """The rows that are new moves (not S2 returns) of people who may be newly moved or not."""
        return [
            (self.district.by_id[staff_id], row)
            for staff_id, row in self.rows.items()
            if not row.is_return and self.standing[staff_id].status not in ("locked", "returning")
        ]

    def school(self, school_id: str) -> School | None:
        return self.district.schools.get(school_id)

    def groups_of(self, kind: str) -> list[Group]:
        return [g for g in self.district.groups.values() if g.kind == kind]

    @cached_property
    def groups_by_school(self) -> dict[str, list[Group]]:
        found: dict[str, list[Group]] = defaultdict(list)
        for group in self.district.groups.values():
            for school_id in group.school_ids:
                found[school_id].append(group)
        return found

    def shared(self, first: str, second: str) -> list[Group]:
        """The groups that hold both schools."""
        return [g for g in self.groups_by_school.get(first, ()) if second in g.school_ids]

    def is_hard(self, rule_id: str) -> bool:
        return self.params.is_hard(rule_id)


def _subject(person: Person) -> str:
    return (person.subject or "").strip()


def _teaches(person: Person, subject: str, band: str | None = None) -> bool:
    return _subject(person) == subject and (band is None or person.band == band)


def _floor(ratio: float, count: int) -> int:
    # Fraction(str(...)) keeps 0.29 × 100 at 29, where float arithmetic gives 28.999….
    return math.floor(Fraction(str(ratio)) * count)


def _ceil(ratio: float, count: int) -> int:
    return math.ceil(Fraction(str(ratio)) * count)


def _side(school: School) -> str:
    """An urban–rural alliance has two sides: urban, and town or rural."""
    return "urban" if school.area == "urban" else "town/rural"


def _direction_allowed(group: Group, origin: School, target: School) -> bool:
    """C3: whether ``group`` exists for a move from ``origin`` to ``target`` (both in it)."""
    if group.kind in ("tight", "kindergarten"):
        return group.lead in (origin.school_id, target.school_id)
    if group.kind == "alliance":
        return _side(origin) != _side(target)
    return group.kind in ("rural", "hs_pair")


def _is_n1_school(school: School) -> bool:
    """N1 applies at urban and town schools (城镇学校) and at quality schools."""
    return school.area in ("urban", "town") or school.category == "quality"


# --------------------------------------------------------------------------- the checks


def check_plan(
    roster: object,
    params: object,
    assignments: Sequence[AssignmentRow],
    walks: Sequence[WalkRow],
    sheets: Sheets | None = None,
) -> list[str]:
    """Every hard rule the plan breaks, one sentence each, starting with the rule ID; [] when none.

    ``roster`` is a District or any object shaped like one (``schools``, ``groups``, ``staff``,
    ``subject_minimums``), ``params`` a Params or any object with its field names. ``sheets`` are the
    plan's report sheets, compared with the rows when given.
    """
    district = as_district(roster)
    used = as_params(params)
    problems: list[str] = []
    rows: dict[str, AssignmentRow] = {}
    for row in assignments:
        if row.staff_id not in district.by_id:
            problems.append(
                f"Contract: an assignments row names staff {row.staff_id!r}, who is not in the input."
            )
        elif row.staff_id in rows:
            problems.append(f"Contract: staff {row.staff_id} appears in more than one assignments row.")
        else:
            rows[row.staff_id] = row
    standing = {p.staff_id: assess(p, district.schools.get(p.school_id), used) for p in district.staff}
    plan = _Plan(district, used, standing, rows, list(walks))
    for check in (
        _check_rows,
        _check_move_codes,
        _check_p1_principals,
        _check_p2_host_posts,
        _check_c1_subject_minimums,
        _check_c2_headcount,
        _check_c3_destinations,
        _check_c4_outflow,
        _check_g1_g2_tight_teams,
        _check_g3_reciprocity,
        _check_g4_alliance,
        _check_g5_township,
        _check_g6_high_school_pairs,
        _check_g7_kindergartens,
        _check_n1_rotation_share,
    ):
        problems.extend(check(plan))
    if sheets is not None:
        problems.extend(_check_sheets(plan, sheets))
    return problems


def _check_rows(plan: _Plan) -> Iterable[str]:
    """Each row on its own: the contract, S1, S2 and the exemptions."""
    params = plan.params
    for staff_id, row in plan.rows.items():
        person = plan.district.by_id[staff_id]
        standing = plan.standing[staff_id]
        who = f"staff {staff_id}"
        for school_id in (row.from_school_id, row.to_school_id):
            if school_id not in plan.district.schools:
                yield f"Contract: the row of {who} names school {school_id!r}, which is not in the input."
        if row.from_school_id != person.school_id:
            yield (
                f"Contract: the row of {who} moves them from {row.from_school_id}, "
                f"but they work at {person.school_id}."
            )
        if row.to_school_id == person.school_id:
            yield f"Contract: the row of {who} moves them to {row.to_school_id}, where they already work."
        if len(row.codes) != 1 or not row.rule_ids <= MOVE_CODES:
            yield (
                f"Contract: the row of {who} has rule {row.rule!r}; a move carries one code of "
                f"{', '.join(sorted(MOVE_CODES))}."
            )
        if row.effective_date != params.effective_date:
            yield (
                f"Contract: the row of {who} takes effect on {row.effective_date}, "
                f"not on the plan's effective_date {params.effective_date}."
            )
        yield from _echoed_columns(row, person)

        if standing.status == "locked":
            yield (
                f"S1: {who} is on exchange at {person.school_id} (home {person.home_school_id}) and their "
                f"minimum stint has not ended on {params.effective_date}, but the plan moves them to "
                f"{row.to_school_id}."
            )
        elif standing.status == "returning":
            yield from _returning_row(row, person)
        elif row.is_return:
            yield f"S2: {who} is not on exchange, yet has an S2 (return) row to {row.to_school_id}."
        else:
            if standing.status == "exempt" and not standing.movable:
                yield _exempt_moved(person, standing, row)
            expected = _earliest_return(person, row, params)
            if row.earliest_return_date != expected:
                yield (
                    f"S1: the new move of {who} ({person.post}) has earliest return date "
                    f"{row.earliest_return_date}, not {expected}."
                )


def _exempt_moved(person: Person, standing: Standing, row: AssignmentRow) -> str:
    """The sentence for an exempt person moved although no volunteering lifts the exemption."""
    codes = ";".join(standing.reasons)
    if person.volunteer:
        final = [code for code in standing.reasons if code in FINAL_EXEMPTIONS]
        first, why = final[0], f"volunteers, but {';'.join(final)} is final over a volunteer"
    else:
        first, why = standing.reasons[0], "is not a volunteer"
    return (
        f"{first}: staff {person.staff_id} at {person.school_id} is exempt ({codes}) and {why}, "
        f"but the plan moves them to {row.to_school_id} (rule {row.rule})."
    )


def _returning_row(row: AssignmentRow, person: Person) -> Iterable[str]:
    who = f"staff {person.staff_id}"
    if row.to_school_id != person.home_school_id:
        yield (
            f"S2: {who} may only return home to {person.home_school_id} or stay on, "
            f"but the plan moves them to {row.to_school_id}."
        )
    elif not row.is_return:
        yield f"S2: the return home of {who} has rule {row.rule!r}; a return carries rule S2."
    if row.earliest_return_date is not None:
        yield f"S2: the return home of {who} has earliest return date {row.earliest_return_date}, not none."


def _earliest_return(person: Person, row: AssignmentRow, params: Params) -> date:
    """S1: effective_date plus the minimum stint of the post; G6 stints last at least one year."""
    years = params.stint_years(person.post)
    if "G6" in row.rule_ids:
        years = max(years, 1)
    return add_years(params.effective_date, years)


def _echoed_columns(row: AssignmentRow, person: Person) -> Iterable[str]:
    """The post, subject, band and honor columns, when read, must say what the input says."""
    echoed: tuple[tuple[str, object, object], ...] = (
        ("post", row.post, person.post),
        ("subject", row.subject, _subject(person)),
        ("band", row.band if row.band is None else row.band or None, person.band),
        ("honor", row.honor if row.honor is None else row.honor or "none", person.honor),
    )
    for name, shown, actual in echoed:
        if shown is not None and shown != actual:
            yield f"Contract: the row of staff {person.staff_id} shows {name} {shown}; the input: {actual}."


# --- move codes


def _contingents(plan: _Plan, person: Person, origin: str, target: str) -> dict[str, str]:
    """The G1/G2/G6/G7 contingents a move from ``origin`` to ``target`` counts in, with a reason each."""
    found: dict[str, str] = {}
    target_school = plan.school(target)
    for group in plan.shared(origin, target):
        if group.kind == "tight" and group.lead == origin and target_school is not None:
            if person.post in ("vice_principal", "middle_manager") or person.is_key:
                found.setdefault("G1", f"tight group {group.group_id} lead → member")
            if person.is_key and person.band in _g2_band_needs(target_school, plan.params):
                found.setdefault("G2", f"key teacher, tight group {group.group_id} lead → member")
        elif group.kind == "hs_pair" and _g6_counts(person):
            found.setdefault("G6", f"senior-3 {_subject(person)} teacher between pair {group.group_id}")
        elif group.kind == "kindergarten" and group.lead == origin:
            found.setdefault("G7", f"kindergarten alliance {group.group_id} lead → member")
    return found


def _g6_counts(person: Person) -> bool:
    """G6 counts band senior teachers of an academic subject with senior-3 experience."""
    return person.band == "senior" and _subject(person) in G6_SUBJECTS and person.senior3


def expected_codes(plan: _Plan, person: Person, row: AssignmentRow) -> tuple[set[str], str]:
    """The codes a new move may carry (first match wins), and why."""
    origin, target = person.school_id, row.to_school_id
    contingents = _contingents(plan, person, origin, target)
    if contingents:
        return set(contingents), "; ".join(f"{k}: {v}" for k, v in contingents.items())
    schools = plan.district.schools
    for group in plan.shared(origin, target):
        if group.kind == "tight" and group.lead == target:
            return {"G3"}, f"member → lead in tight group {group.group_id}"
    for group in plan.shared(origin, target):
        if (
            group.kind == "alliance"
            and origin in schools
            and target in schools
            and schools[origin].area == "urban"
            and schools[target].area in ("town", "rural")
        ):
            return {"G4"}, f"urban → {schools[target].area} in alliance {group.group_id}"
    standing = plan.standing[person.staff_id]
    if standing.is_due:
        return set(standing.reasons), f"due ({';'.join(standing.reasons)})"
    allowed: set[str] = set()
    reasons: list[str] = []
    if person.is_key and origin in schools and _is_n1_school(schools[origin]):
        allowed.add("N1")
        reasons.append("N1: a key teacher, not due, of an N1 school")
    if person.post == "principal":
        allowed.add("P1")
        reasons.append("P1: a principal who is not due")
    elif person.volunteer:
        allowed.add("V")
        reasons.append("V: a volunteer who is not due")
    else:
        allowed.add("C2")
        reasons.append("C2: neither due, a principal nor a volunteer")
    return allowed, "; ".join(reasons)


def _check_move_codes(plan: _Plan) -> Iterable[str]:
    """The ``rule`` of each new move: the first match of "More settled details"; G6 only on an academic
    subject. A row's ``group_id``, when given, holds both schools and is of the code's kind."""
    kinds = {"G1": "tight", "G2": "tight", "G3": "tight", "G4": "alliance", "G6": "hs_pair"}
    kinds["G7"] = "kindergarten"
    for person, row in plan.new_moves:
        codes = row.codes
        if len(codes) != 1 or codes[0] not in MOVE_CODES - {"S2"}:
            continue  # a contract problem, reported with the row
        if plan.standing[person.staff_id].status == "exempt" and not plan.standing[person.staff_id].movable:
            continue  # the move itself is the violation (E*)
        code = codes[0]
        who = f"the move of staff {person.staff_id} ({person.post}, {_subject(person) or 'no subject'})"
        where = f"from {person.school_id} to {row.to_school_id}"
        if code == "G6" and _subject(person) not in G6_SUBJECTS:
            yield (
                f"G6: {who} {where} is coded G6, but {_subject(person) or 'no subject'} is not an "
                f"academic subject of G6."
            )
            continue
        allowed, why = expected_codes(plan, person, row)
        if code not in allowed:
            given = "/".join(sorted(allowed))
            yield f"{code}: {who} {where} is coded {code}; the rules give {given} ({why})."
        group = plan.district.groups.get(row.group_id or "")
        if row.group_id and group is not None and code in kinds and group.kind != kinds[code]:
            yield (
                f"{code}: {who} {where} names group {row.group_id}, a {group.kind} group, not a "
                f"{kinds[code]} one as code {code} needs."
            )


# --- P1, P2


def _check_p1_principals(plan: _Plan) -> Iterable[str]:
    """P1: every school keeps as many principals (a school with none may receive one); principals move
    only to schools of the same stage, and only inside a shared group when principal_scope = group."""
    before = Counter(p.school_id for p in plan.district.staff if p.post == "principal")
    after = Counter(plan.after[p.staff_id] for p in plan.district.staff if p.post == "principal")
    for school_id in plan.district.schools:
        had, has = before[school_id], after[school_id]
        if had and has != had:
            leaving = sorted(
                p.staff_id
                for p in plan.district.staff
                if p.post == "principal" and p.school_id == school_id and plan.after[p.staff_id] != school_id
            )
            gone = f" ({', '.join(leaving)} leaving)" if leaving else ""
            yield (
                f"P1: school {school_id} has {had} principal(s) today{gone} but {has} after the plan; it "
                f"must keep exactly {had}."
            )
        elif not had and has > 1:
            yield f"P1: school {school_id} has no principal today but {has} after the plan; it may get one."
    for person, row in plan.new_moves:
        if person.post != "principal":
            continue
        origin, target = plan.school(person.school_id), plan.school(row.to_school_id)
        if origin is None or target is None:
            continue
        if origin.stage != target.stage:
            yield (
                f"P1: principal {person.staff_id} moves from {origin.school_id} ({origin.stage}) to "
                f"{target.school_id} ({target.stage}); a principal moves only to a school of the same stage."
            )
        if plan.params.principal_scope == "group" and not plan.shared(origin.school_id, target.school_id):
            yield (
                f"P1: principal {person.staff_id} moves from {origin.school_id} to {target.school_id}, "
                f"which share no group, under principal_scope = group."
            )


def expected_host_post(plan: _Plan, person: Person, row: AssignmentRow) -> str | None:
    """P2: the post a new move serves at the host; None for an S2 return."""
    if row.is_return:
        return None
    lead_to_member = any(
        g.kind == "tight" and g.lead == person.school_id
        for g in plan.shared(person.school_id, row.to_school_id)
    )
    if lead_to_member:
        if person.post == "vice_principal":
            return "executive_principal"
        if person.post == "middle_manager":
            return "vice_principal"
        if person.post == "teacher" and person.is_key:
            return "middle_manager"
    return person.post


def _check_p2_host_posts(plan: _Plan) -> Iterable[str]:
    """P2: the host_post column of every row that has it (an S2 return's is blank)."""
    for staff_id, row in plan.rows.items():
        if row.host_post is None:
            continue
        person = plan.district.by_id[staff_id]
        if plan.standing[staff_id].status == "locked":
            continue  # the move itself is the violation (S1)
        expected = expected_host_post(plan, person, row)
        shown = row.host_post or None
        if shown != expected:
            yield (
                f"P2: the row of staff {staff_id} ({person.post}{', key' if person.is_key else ''}, "
                f"{person.school_id} → {row.to_school_id}, rule {row.rule}) shows host_post "
                f"{shown or 'blank'}; the rules give {expected or 'blank'}."
            )


# --- C1-C4


def _check_c1_subject_minimums(plan: _Plan) -> Iterable[str]:
    """C1: the subject_minimums rows (at least min(min_teachers, today's count)); without the sheet, no
    subject taught today drops to zero. Walking teachers do not count."""
    district = plan.district
    if district.minimums is not None:
        for minimum in district.minimums:
            subject, band = minimum.subject.strip(), minimum.band
            today = sum(_teaches(p, subject, band) for p in district.by_school.get(minimum.school_id, ()))
            after = sum(_teaches(p, subject, band) for p in plan.staff_after.get(minimum.school_id, ()))
            needed = min(minimum.min_teachers, today)
            if after < needed:
                what = f"{subject} ({band})" if band is not None else subject
                yield (
                    f"C1: school {minimum.school_id} would have {after} teachers of {what} after rotation, "
                    f"below min({minimum.min_teachers} required, {today} today) = {needed}."
                )
        return
    for school_id, people in district.by_school.items():
        for subject in sorted({_subject(p) for p in people} - {""}):
            if not any(_teaches(p, subject) for p in plan.staff_after.get(school_id, ())):
                yield f"C1: school {school_id} teaches {subject} today but would have no teacher of it after."


def _check_c2_headcount(plan: _Plan) -> Iterable[str]:
    """C2: headcount after within [before − max_net_loss, max(before, staff_quota)]."""
    for school_id, school in plan.district.schools.items():
        before = len(plan.district.by_school.get(school_id, ()))
        after = len(plan.staff_after.get(school_id, ()))
        if after < before - plan.params.max_net_loss:
            yield (
                f"C2: school {school_id} would have {after} staff after rotation, below {before} today "
                f"minus max_net_loss {plan.params.max_net_loss}."
            )
        if after > max(before, school.staff_quota or before):
            yield (
                f"C2: school {school_id} would have {after} staff after rotation, above "
                f"max({before} today, staff_quota {school.staff_quota})."
            )


def _check_c3_destinations(plan: _Plan) -> Iterable[str]:
    """C3: inside a shared group in a direction it exists for, to a school that teaches the band; a
    group named by the row holds both schools. G6's senior-3 condition on every move between paired
    schools. Principals follow P1 instead of the groups."""
    for person, row in plan.new_moves:
        origin, target = plan.school(person.school_id), plan.school(row.to_school_id)
        if origin is None or target is None:
            continue  # reported as a contract breach
        who = f"staff {person.staff_id}"
        if person.band is None:
            if target.stage != origin.stage:
                yield (
                    f"C3: {who} ({person.post}, no band) moves from {origin.school_id} ({origin.stage}) to "
                    f"{target.school_id} ({target.stage}), not a school of the same stage."
                )
        elif person.band not in STAGE_BANDS.get(target.stage, frozenset()):
            yield f"C3: {who} teaches {person.band}, not taught at {target.school_id} ({target.stage})."
        shared = plan.shared(origin.school_id, target.school_id)
        if row.group_id and not any(g.group_id == row.group_id for g in shared):
            yield (
                f"C3: the row of {who} names group {row.group_id}, which does not hold both "
                f"{origin.school_id} and {target.school_id}."
            )
        if person.post in ("teacher", "middle_manager") and not person.senior3:
            for pair in (g for g in shared if g.kind == "hs_pair"):
                yield (
                    f"G6: {who} ({person.post}, {_subject(person) or 'no subject'}) moves between the "
                    f"paired high schools of {pair.group_id} ({origin.school_id} → {target.school_id}) "
                    f"without senior-3 experience."
                )
        if person.post == "principal":
            continue
        if any(_direction_allowed(g, origin, target) for g in shared):
            continue
        free_agent = (
            plan.params.destination_scope == "district"
            and plan.standing[person.staff_id].is_due
            and not plan.groups_by_school.get(origin.school_id)
        )
        if free_agent:
            continue
        if shared:
            kinds = ", ".join(f"{g.group_id} ({g.kind})" for g in shared)
            yield (
                f"C3: {who} moves from {origin.school_id} ({origin.area}) to {target.school_id} "
                f"({target.area}), against the direction of every group they share: {kinds}."
            )
        else:
            yield f"C3: {who} moves from {origin.school_id} to {target.school_id}, which share no group."


def _check_c4_outflow(plan: _Plan) -> Iterable[str]:
    """C4: new moves out of a school ≤ max(1, floor(max_outflow_ratio × headcount)); returns are free."""
    leaving = Counter(row.from_school_id for staff_id, row in plan.rows.items() if not row.is_return)
    for school_id, count in sorted(leaving.items()):
        before = len(plan.district.by_school.get(school_id, ()))
        limit = max(1, _floor(plan.params.max_outflow_ratio, before))
        if count > limit:
            yield (
                f"C4: {count} staff leave school {school_id} by new moves, more than "
                f"max(1, floor({plan.params.max_outflow_ratio} × {before})) = {limit}."
            )


# --- G1, G2, G3: tight groups


def _tight_members(plan: _Plan) -> Iterable[tuple[Group, str, School]]:
    """(tight group, lead school ID, member school) for every member of every tight group."""
    for group in plan.groups_of("tight"):
        if group.lead is None:
            continue
        for member_id in group.members:
            school = plan.school(member_id)
            if school is not None:
                yield group, group.lead, school


def _g1_capable(person: Person) -> bool:
    """G1's management team: vice principals, middle managers and key teachers."""
    return person.post in ("vice_principal", "middle_manager") or person.is_key


def _g2_band_needs(school: School, params: Params) -> dict[str, int]:
    """G2's key teachers per band, by the bands the member's stage teaches."""
    bands = STAGE_BANDS.get(school.stage, frozenset())
    needs = {"junior": params.tight_key_junior_min} if "junior" in bands else {}
    needs.update({band: params.tight_key_primary_band_min for band in PRIMARY_BANDS if band in bands})
    return needs


def _g2_fewest_extra(
    needs: dict[str, int], core_needed: bool, pinned: list[Person], free: list[Person]
) -> int | None:
    """The fewest free key teachers G2 must take on top of those pinned to it; None if it can't be met.

    Per band b the contingent needs ``needs[b]`` key teachers; if ``core_needed``, its primary ones
    must include 语文, 数学 and 英语. Each core subject not covered by a pinned teacher is given to a
    primary band (every way, at most 3³ = 27); a band that takes c such subjects then takes
    max(c, needs[b] − pinned in b) free teachers, which it can when it has a free teacher of each of
    its subjects and that many free teachers in all. The cheapest feasible way is the answer.
    """
    have = Counter(p.band for p in pinned)
    pool: dict[str, list[Person]] = defaultdict(list)
    for p in free:
        if p.band is not None:
            pool[p.band].append(p)
    covered = {_subject(p) for p in pinned if p.band in PRIMARY_BANDS}
    uncovered = [s for s in G2_CORE_SUBJECTS if s not in covered] if core_needed else []
    primary = [b for b in PRIMARY_BANDS if b in needs]
    best: int | None = None
    for choice in itertools.product(primary, repeat=len(uncovered)):
        total = 0
        for band in set(needs) | set(choice):
            subjects = [s for s, b in zip(uncovered, choice, strict=True) if b == band]
            if not all(any(_subject(p) == s for p in pool[band]) for s in subjects):
                break
            take = max(len(subjects), needs.get(band, 0) - have[band])
            if take > len(pool[band]):
                break
            total += take
        else:
            best = total if best is None else min(best, total)
    return best


def _contingent(plan: _Plan, person: Person) -> str | None:
    """G1 or G2 when the person's new move names it; None when free to count in either."""
    row = plan.rows.get(person.staff_id)
    named = row.rule_ids & {"G1", "G2"} if row is not None and not row.is_return else frozenset()
    return next(iter(named)) if len(named) == 1 else None


def _check_g1_g2_tight_teams(plan: _Plan) -> Iterable[str]:
    """G1 and G2: the lead's management team and key teachers at each member, as separate contingents.

    The stock from the lead to a member is split three ways: people pinned to G1 (their new move's
    rule is G1), people pinned to G2 (rule G2), and free people (locked, extended, or moved under
    another rule), who may count in either contingent but not in both. Since every key teacher is
    also eligible for the management team, the split that is best for G1 is the one that gives G2
    the fewest free key teachers that still meet G2: ``_g2_fewest_extra`` finds that number exactly,
    and G1 then holds iff the team-eligible people left over are at least ``tight_mgmt_team_min``.
    When G2 is soft (or cannot be met at all, which is reported per part), G2 takes no free people.
    """
    params = plan.params
    g1_hard, g2_hard = plan.is_hard("G1"), plan.is_hard("G2")
    for group, lead, school in _tight_members(plan):
        stock = plan.stock.get((lead, school.school_id), [])
        pinned_g1 = [p for p in stock if _contingent(plan, p) == "G1"]
        pinned_g2 = [p for p in stock if _contingent(plan, p) == "G2"]
        free = [p for p in stock if _contingent(plan, p) is None]
        needs = _g2_band_needs(school, params)
        core_needed = any(band in needs for band in PRIMARY_BANDS)
        key_pinned = [p for p in pinned_g2 if p.is_key and p.band in needs]
        key_free = [p for p in free if p.is_key and p.band in needs]
        where = f"member {school.school_id} of tight group {group.group_id} (lead {lead})"
        extra = 0
        if g2_hard:
            fewest = _g2_fewest_extra(needs, core_needed, key_pinned, key_free)
            if fewest is None:
                yield from _g2_shortfalls(where, needs, core_needed, key_pinned + key_free)
            else:
                extra = fewest
        if g1_hard:
            team = [p for p in pinned_g1 + free if _g1_capable(p)]
            if len(team) - extra < params.tight_mgmt_team_min:
                because = f", after the {extra} key teachers G2 needs from the same stock" if extra else ""
                yield (
                    f"G1: {where} receives a management team of {len(team) - extra}{because}, "
                    f"fewer than tight_mgmt_team_min {params.tight_mgmt_team_min}."
                )


def _g2_shortfalls(
    where: str, needs: dict[str, int], core_needed: bool, usable: list[Person]
) -> Iterable[str]:
    """The parts of G2 that the stock cannot meet."""
    by_band = Counter(p.band for p in usable)
    for band, needed in needs.items():
        if by_band[band] < needed:
            yield f"G2: {where} receives {by_band[band]} {band} key teachers, fewer than {needed}."
    if core_needed:
        taught = {_subject(p) for p in usable if p.band in PRIMARY_BANDS}
        for subject in G2_CORE_SUBJECTS:
            if subject not in taught:
                yield f"G2: {where} receives no primary key teacher of {subject}."


def _post_class(person: Person) -> str:
    return "leader" if person.is_leader else person.post


def _post_classes(people: list[Person]) -> Counter[str]:
    """How many people of each ``post class:band`` (``blank`` for a leader without a band)."""
    return Counter(f"{_post_class(p)}:{p.band or 'blank'}" for p in people)


def _check_g3_reciprocity(plan: _Plan) -> Iterable[str]:
    """G3: per (post class, band), the stock member → lead equals the stock lead → member."""
    if not plan.is_hard("G3"):
        return
    for group, lead, school in _tight_members(plan):
        sent = _post_classes(plan.stock.get((school.school_id, lead), []))
        received = _post_classes(plan.stock.get((lead, school.school_id), []))
        for part in sorted(set(sent) | set(received)):
            if sent[part] != received[part]:
                yield (
                    f"G3: member {school.school_id} of tight group {group.group_id} sends {sent[part]} "
                    f"{part} to the lead {lead} but receives {received[part]}."
                )


# --- G4, G5, G6, G7


def _check_g4_alliance(plan: _Plan) -> Iterable[str]:
    """G4: an alliance's urban schools have alliance_min..alliance_max people at its town and rural
    ones, at least alliance_leader_min of them principals, vice principals or middle managers."""
    if not plan.is_hard("G4"):
        return
    params, schools = plan.params, plan.district.schools
    for group in plan.groups_of("alliance"):
        urban = [s for s in group.school_ids if s in schools and schools[s].area == "urban"]
        others = [s for s in group.school_ids if s in schools and schools[s].area in ("town", "rural")]
        sent = [p for u in urban for o in others for p in plan.stock.get((u, o), [])]
        if not params.alliance_min <= len(sent) <= params.alliance_max:
            yield (
                f"G4: the urban schools of alliance {group.group_id} have {len(sent)} people at its town "
                f"and rural schools, outside [{params.alliance_min}, {params.alliance_max}]."
            )
        leaders = sum(p.post != "teacher" for p in sent)
        if leaders < params.alliance_leader_min:
            yield (
                f"G4: the urban schools of alliance {group.group_id} have {leaders} leaders or middle "
                f"managers at its town and rural schools, fewer than alliance_leader_min "
                f"{params.alliance_leader_min}."
            )


def _check_g5_township(plan: _Plan) -> Iterable[str]:
    """G5: the walking rows (whether G5 is hard or soft), and when hard every small school's curriculum."""
    walks, problems = _valid_walks(plan)
    yield from problems
    if plan.is_hard("G5"):
        yield from _g5_missing_subjects(plan, walks)


def _valid_walks(plan: _Plan) -> tuple[list[WalkRow], list[str]]:
    """The walking rows G5 allows, and a sentence for each one it does not: a teacher or middle manager
    whose home is the central school and who works there next term, of that subject and of a band the
    small school teaches, without E4/E5, at no more than walk_max_schools small schools."""
    valid: list[WalkRow] = []
    problems: list[str] = []
    small_of_central = {
        (g.lead, s)
        for g in plan.groups_of("rural")
        for s in g.members
        if g.lead is not None and s in plan.district.schools and plan.district.schools[s].small_school
    }
    served: dict[str, set[str]] = defaultdict(set)
    for walk in plan.walks:
        person = plan.district.by_id.get(walk.staff_id)
        if person is None:
            problems.append(
                f"Contract: a walking row names staff {walk.staff_id!r}, who is not in the input."
            )
            continue
        who = f"walking teacher {walk.staff_id}"
        works_at = plan.after[walk.staff_id]
        reasons: list[str] = []
        if walk.home_school_id != works_at or person.home_school_id != works_at:
            reasons.append(
                f"{who} is listed at {walk.home_school_id}, has home {person.home_school_id} and works at "
                f"{works_at} after rotation"
            )
        if (works_at, walk.school_id) not in small_of_central:
            reasons.append(
                f"{who} works at {works_at} after rotation, which is not the central school of a "
                f"township alliance with small school {walk.school_id}"
            )
        if _subject(person) != walk.subject.strip():
            reasons.append(f"{who} teaches {_subject(person) or 'no subject'}, not {walk.subject}")
        if person.post not in ("teacher", "middle_manager"):
            reasons.append(f"{who} is a {person.post}, not a teacher or middle manager")
        small = plan.school(walk.school_id)
        if small is not None and person.band not in STAGE_BANDS.get(small.stage, frozenset()):
            reasons.append(f"{who} teaches band {person.band}, which {walk.school_id} does not teach")
        sensitive = SENSITIVE & set(plan.standing[walk.staff_id].reasons)
        if sensitive:
            reasons.append(f"{who} has exemption {';'.join(sorted(sensitive))} (walking is extra travel)")
        problems.extend(f"G5: {reason}." for reason in reasons)
        served[walk.staff_id].add(walk.school_id)
        if not reasons:
            valid.append(walk)
    for staff_id, schools in sorted(served.items()):
        if len(schools) > plan.params.walk_max_schools:
            problems.append(
                f"G5: walking teacher {staff_id} serves {len(schools)} small schools, more than "
                f"walk_max_schools {plan.params.walk_max_schools}."
            )
    return valid, problems


def _g5_missing_subjects(plan: _Plan, walks: list[WalkRow]) -> Iterable[str]:
    """A small school covers each subject the central school teaches today in its bands."""
    for group in plan.groups_of("rural"):
        if group.lead is None:
            continue
        central = plan.district.by_school.get(group.lead, [])
        for school_id in group.members:
            school = plan.school(school_id)
            if school is None or not school.small_school:
                continue
            bands = STAGE_BANDS.get(school.stage, frozenset())
            required = {_subject(p) for p in central if p.band in bands} - {""}
            own = {_subject(p) for p in plan.staff_after.get(school_id, ())}
            walked = {w.subject.strip() for w in walks if w.school_id == school_id}
            for subject in sorted(required - own - walked):
                yield (
                    f"G5: small school {school_id} of township alliance {group.group_id} has neither a "
                    f"teacher of {subject} nor a walking teacher of it from {group.lead}."
                )


def _check_g6_high_school_pairs(plan: _Plan) -> Iterable[str]:
    """G6: each way, per academic subject, hs_pair_per_subject_min senior teachers with senior-3 years."""
    if not plan.is_hard("G6"):
        return
    needed = plan.params.hs_pair_per_subject_min
    for group in plan.groups_of("hs_pair"):
        if len(group.school_ids) != 2:
            continue
        first, second = group.school_ids
        for sender, receiver in ((first, second), (second, first)):
            stock = plan.stock.get((sender, receiver), [])
            for subject in G6_SUBJECTS:
                count = sum(_g6_counts(p) and _subject(p) == subject for p in stock)
                if count < needed:
                    yield (
                        f"G6: high-school pair {group.group_id} has {count} senior-3 teachers of {subject} "
                        f"from {sender} at {receiver}, fewer than {needed}."
                    )


def _check_g7_kindergartens(plan: _Plan) -> Iterable[str]:
    """G7: the lead kindergarten has at least kg_exchange_min people at each member kindergarten."""
    if not plan.is_hard("G7"):
        return
    needed = plan.params.kg_exchange_min
    for group in plan.groups_of("kindergarten"):
        if group.lead is None:
            continue
        for member in group.members:
            count = len(plan.stock.get((group.lead, member), []))
            if count < needed:
                yield (
                    f"G7: member kindergarten {member} of {group.group_id} has {count} people from the lead "
                    f"{group.lead}, fewer than kg_exchange_min {needed}."
                )


# --- N1


def _check_n1_rotation_share(plan: _Plan) -> Iterable[str]:
    """N1 (only when hard): urban, town and quality schools rotate a share of their due, enough key."""
    if not plan.is_hard("N1"):
        return
    params = plan.params
    moved: dict[str, list[Person]] = defaultdict(list)
    for person, _ in plan.new_moves:
        moved[person.school_id].append(person)
    for school_id, school in plan.district.schools.items():
        if not _is_n1_school(school):
            continue
        people = plan.district.by_school.get(school_id, [])
        due = sum(plan.standing[p.staff_id].is_due for p in people)
        rotated = sum(plan.standing[p.staff_id].is_due for p in moved[school_id])
        needed = _ceil(params.min_rotation_ratio, due)
        if rotated < needed:
            yield (
                f"N1: school {school_id} rotates {rotated} of its {due} due people, fewer than "
                f"ceil({params.min_rotation_ratio} × {due}) = {needed}."
            )
        leaving = len(moved[school_id])
        keys = sum(p.is_key for p in moved[school_id])
        needed_keys = _ceil(params.min_key_share, leaving)
        if keys < needed_keys:
            yield (
                f"N1: {keys} of the {leaving} people moved out of school {school_id} are key teachers, "
                f"fewer than ceil({params.min_key_share} × {leaving}) = {needed_keys}."
            )


# --- the report sheets


def _check_sheets(plan: _Plan, sheets: Sheets) -> Iterable[str]:
    if not sheets.has_host_post:
        yield "P2: the assignments sheet has no host_post (挂职岗位) column."
    if sheets.eligibility is not None:
        yield from _check_eligibility_sheet(plan, sheets.eligibility)
    if sheets.unmoved_due is not None:
        yield from _check_unmoved_sheet(plan, sheets.unmoved_due)
    if sheets.schools is not None:
        yield from _check_schools_sheet(plan, sheets.schools)
    if sheets.obligations is not None:
        yield from _check_obligations_sheet(plan, sheets.obligations)


def _shown_reasons(text: str) -> list[str]:
    return [part.strip().upper() for part in re.split(r"[;；,，]", text) if part.strip()]


def _check_eligibility_sheet(plan: _Plan, rows: list[dict[str, object]]) -> Iterable[str]:
    """The eligibility sheet: one row per person, with the status and reasons the rules give (E4/E5
    as exempt E* unless shown in full), and the tenure and age in whole years."""
    seen: set[str] = set()
    for cells in rows:
        staff_id = _text(cells.get("staff_id"))
        person = plan.district.by_id.get(staff_id)
        if person is None:
            yield f"Contract: the eligibility sheet names staff {staff_id!r}, who is not in the input."
            continue
        seen.add(staff_id)
        standing = plan.standing[staff_id]
        status = _code_of(STATUSES, _text(cells.get("status"))) or _text(cells.get("status"))
        shown = _shown_reasons(_text(cells.get("reasons")))
        expected = list(standing.reasons)
        if standing.status in ("locked", "returning"):
            fine = status == standing.status and set(shown) <= set(expected)
        elif shown == [MASKED]:
            fine = status == "exempt" and bool(SENSITIVE & set(expected))
        else:
            fine = status == standing.status and set(shown) == set(expected)
        if not fine:
            # Named by a reason the rules give and the sheet lacks, else by one the sheet adds.
            lacking = sorted(set(expected) - set(shown), key=_rule_key)
            adding = sorted(set(shown) - set(expected) - {MASKED}, key=_rule_key)
            first = (lacking or adding or ["E4" if shown == [MASKED] else "T1"])[0]
            yield (
                f"{first}: the eligibility sheet shows staff {staff_id} at {person.school_id} as "
                f"{status} ({';'.join(shown) or 'no reason'}); the rules give {standing.status} "
                f"({';'.join(expected) or 'no reason'})."
            )
        for column, value in (("tenure_years", standing.tenure_years), ("age", standing.age)):
            cell = cells.get(column)
            if cell is not None and _text(cell) != "" and _number(cell) != value:
                yield (
                    f"Contract: the eligibility sheet shows {column} {_text(cell)} for staff {staff_id}; "
                    f"the input gives {value} at {plan.params.effective_date}."
                )
    missing = [p.staff_id for p in plan.district.staff if p.staff_id not in seen]
    if missing:
        some = ", ".join(missing[:10])
        yield f"Contract: the eligibility sheet has no row for {len(missing)} staff ({some}…)."


def _check_unmoved_sheet(plan: _Plan, rows: list[dict[str, object]]) -> Iterable[str]:
    """unmoved_due: exactly the due people without a new move."""
    listed = {_text(cells.get("staff_id")) for cells in rows}
    moved = {p.staff_id for p, _ in plan.new_moves}
    due_staying = {
        p.staff_id
        for p in plan.district.staff
        if plan.standing[p.staff_id].is_due and p.staff_id not in moved
    }
    for staff_id in sorted(due_staying - listed):
        yield f"Contract: staff {staff_id} is due and not moved, but not in the unmoved_due sheet."
    for staff_id in sorted(listed - due_staying):
        yield f"Contract: the unmoved_due sheet lists staff {staff_id}, who is not a due person left unmoved."


def _check_schools_sheet(plan: _Plan, rows: list[dict[str, object]]) -> Iterable[str]:
    """schools: headcount and key teachers before and after, as the rows make them."""
    for cells in rows:
        school_id = _text(cells.get("school_id"))
        if school_id not in plan.district.schools:
            yield f"Contract: the schools sheet names school {school_id!r}, which is not in the input."
            continue
        today = plan.district.by_school.get(school_id, [])
        after = plan.staff_after.get(school_id, [])
        facts = {
            "headcount_before": len(today),
            "headcount_after": len(after),
            "key_before": sum(p.is_key for p in today),
            "key_after": sum(p.is_key for p in after),
        }
        for column, value in facts.items():
            cell = cells.get(column)
            if cell is not None and _text(cell) != "" and _number(cell) != value:
                yield (
                    f"Contract: the schools sheet shows {column} {_text(cell)} for school {school_id}; "
                    f"the plan gives {value}."
                )


_YES = ("yes", "y", "true", "1", "是", "√", "达标")
_NO = ("no", "n", "false", "0", "否", "未达标")
# Parts of the obligations sheet this checker recounts, in either language (others are not recounted).
_KEY_PARTS = ("key", "骨干", "骨干占比", "骨干教师")
_LEADER_PARTS = ("leader", "领导", "干部", "领导干部", "挂职干部", "校级领导和中层干部")
_G6_PART = re.compile(r"\s*(.+?)\s*[:：]\s*(\S+?)\s*(?:->|→)\s*(\S+)\s*")


def _check_obligations_sheet(plan: _Plan, rows: list[dict[str, object]]) -> Iterable[str]:
    """obligations: each row's ``met`` agrees with its own required and achieved, and the counts this
    checker can recount without a choice of the solver's (G4, G4 leader, G6, G7, N1 and its key part)
    agree with the plan. Parts may be written in English or Chinese; a part not recognised is skipped."""
    for cells in rows:
        rule = _text(cells.get("rule")).upper()
        group_id, school_id, part = (_text(cells.get(k)) for k in ("group_id", "school_id", "part"))
        required, achieved = _number(cells.get("required")), _number(cells.get("achieved"))
        met_text = normalize(_text(cells.get("met")))
        met = True if met_text in _YES else False if met_text in _NO else None
        what = f"{rule} {' '.join(x for x in (group_id, school_id, part) if x)}"
        if required is not None and achieved is not None and met is not None:
            if rule == "G3":
                holds = achieved == required
            elif rule == "G4" and not part:
                holds = required <= achieved <= plan.params.alliance_max
            else:
                holds = achieved >= required
            if holds != met:
                yield (
                    f"Contract: the obligations sheet shows {what} as {'met' if met else 'not met'} with "
                    f"{_text(cells.get('achieved'))} achieved of {_text(cells.get('required'))} required."
                )
        recount = _recount(plan, rule, group_id, school_id, part)
        if recount is not None and achieved is not None and recount != achieved:
            yield (
                f"Contract: the obligations sheet shows {what} with {_text(cells.get('achieved'))} achieved; "
                f"the plan gives {recount}."
            )


def _recount(plan: _Plan, rule: str, group_id: str, school_id: str, part: str) -> int | None:
    """What the plan achieves on one obligations row, or None when this checker does not recount it."""
    group = plan.district.groups.get(group_id)
    schools = plan.district.schools
    if rule == "G4" and group is not None:
        urban = [s for s in group.school_ids if s in schools and schools[s].area == "urban"]
        others = [s for s in group.school_ids if s in schools and schools[s].area in ("town", "rural")]
        sent = [p for u in urban for o in others for p in plan.stock.get((u, o), [])]
        if not part:
            return len(sent)
        return sum(p.post != "teacher" for p in sent) if normalize(part) in _LEADER_PARTS else None
    if rule == "G6" and group is not None:
        found = _G6_PART.fullmatch(part)
        if found is None:
            return None
        subject, sender, receiver = found.groups()
        return sum(_g6_counts(p) and _subject(p) == subject for p in plan.stock.get((sender, receiver), []))
    if rule == "G3" and group is not None and group.lead is not None and part.count(":") == 1:
        # required is what the member receives from the lead, achieved what it sends back (docs/decisions.md).
        post_class, band = (x.strip() for x in part.split(":"))
        post_class = _code_of({"leader": "领导", **POSTS}, post_class) or post_class
        band = (_code_of(BANDS, band) or band) if band else "blank"
        sent = _post_classes(plan.stock.get((school_id, group.lead), []))
        return sent[f"{post_class}:{band}"]
    if rule == "G7" and group is not None and group.lead is not None and not part:
        return len(plan.stock.get((group.lead, school_id), []))
    if rule == "N1" and school_id in schools:
        moved = [p for p, _ in plan.new_moves if p.school_id == school_id]
        if not part:
            return sum(plan.standing[p.staff_id].is_due for p in moved)
        return sum(p.is_key for p in moved) if normalize(part) in _KEY_PARTS else None
    return None


# --------------------------------------------------------------------------- reading workbooks


class PlanReadError(ValueError):
    """A workbook that cannot be read; ``problems`` holds one sentence per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class _Sheet:
    """A sheet of the contract: English key, Chinese name, (key, 中文) columns, required keys."""

    key: str
    zh: str
    columns: tuple[tuple[str, str], ...]
    required: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.key} ({self.zh})"


def _sheet(key: str, zh: str, columns: str, required: str) -> _Sheet:
    pairs = tuple(tuple(pair.split(":")) for pair in columns.split())
    return _Sheet(key, zh, pairs, tuple(required.split()))  # type: ignore[arg-type]


# The input sheets (workbook-format.md, "Input workbook").
IN_SCHOOLS = _sheet(
    "schools", "学校",
    "school_id:学校代码 name:学校名称 stage:学段 area:城乡类型 category:学校类别 students:在校生数 "
    "staff_quota:编制数 small_school:小规模学校 latitude:纬度 longitude:经度",
    "school_id name stage area students",
)  # fmt: skip
IN_GROUPS = _sheet(
    "groups", "集团",
    "group_id:集团代码 group_name:集团名称 kind:类型 school_id:学校代码 role:角色",
    "group_id group_name kind school_id role",
)  # fmt: skip
IN_STAFF = _sheet(
    "staff", "教职工",
    "staff_id:工号 name:姓名 id_number:身份证号 gender:性别 birth_date:出生日期 school_id:学校代码 "
    "home_school_id:人事关系学校 school_start_date:到校时间 post:岗位 post_start_date:任现职时间 "
    "subject:任教学科 band:任教学段 honor:荣誉级别 senior3:高三教学经验 pregnant_or_nursing:孕期哺乳期 "
    "child_birth_date:子女出生日期 medical_exemption:病情不宜交流 project_lead_approved:领衔项目已批准 "
    "other_schools_3y:其他学校满3年数 rural_years:农村学校工作年限 exchange_start_date:交流开始时间 "
    "volunteer:自愿交流 override:审定意见 pref_1:志愿1 pref_2:志愿2 pref_3:志愿3",
    "staff_id name school_id school_start_date post subject band",
)  # fmt: skip
IN_HISTORY = _sheet(
    "history", "工作经历",
    "staff_id:工号 school_name:学校名称 area:城乡类型 start_date:开始时间 end_date:结束时间",
    "staff_id school_name start_date",
)  # fmt: skip
IN_MINIMUMS = _sheet(
    "subject_minimums", "学科最低配置",
    "school_id:学校代码 subject:学科 band:学段 min_teachers:最低人数",
    "school_id subject min_teachers",
)  # fmt: skip
IN_PARAMETERS = _sheet("parameters", "参数", "key:参数 value:值", "key value")

# The output sheets (workbook-format.md, "Output workbook").
OUT_ASSIGNMENTS = _sheet(
    "assignments", "调动名单",
    "staff_id:工号 name:姓名 from_school_id:原学校代码 to_school_id:交流学校代码 post:岗位 "
    "subject:任教学科 band:任教学段 honor:荣誉级别 rule:依据 group_id:集团代码 effective_date:生效日期 "
    "earliest_return_date:最早返回日期 host_post:挂职岗位",
    "staff_id from_school_id to_school_id rule effective_date earliest_return_date",
)  # fmt: skip
OUT_ELIGIBILITY = _sheet(
    "eligibility", "资格审查",
    "staff_id:工号 name:姓名 school_id:学校代码 status:状态 reasons:依据 tenure_years:本校任教年限 age:年龄",
    "staff_id school_id status reasons",
)  # fmt: skip
OUT_OBLIGATIONS = _sheet(
    "obligations", "指标完成",
    "rule:依据 group_id:集团代码 school_id:学校代码 part:项目 required:要求 achieved:实际 met:是否达标",
    "rule group_id school_id part required achieved met",
)  # fmt: skip
OUT_UNMOVED = _sheet(
    "unmoved_due", "未安排", "staff_id:工号 name:姓名 school_id:学校代码 reason:原因", "staff_id school_id"
)
OUT_SCHOOLS = _sheet(
    "schools", "学校汇总",
    "school_id:学校代码 headcount_before:交流前人数 out:调出 in:调入 headcount_after:交流后人数 "
    "key_before:交流前骨干 key_after:交流后骨干",
    "school_id headcount_before headcount_after",
)  # fmt: skip
OUT_WALKING = _sheet(
    "walking", "走教安排",
    "staff_id:工号 name:姓名 home_school_id:所在学校代码 school_id:走教学校代码 subject:学科",
    "staff_id home_school_id school_id subject",
)  # fmt: skip
OUT_RUN = _sheet("run", "运行信息", "key:项目 value:值", "key value")


def _find_sheet(book: Any, sheet: _Sheet) -> Any | None:
    names = {normalize(sheet.key), normalize(sheet.zh)}
    return next((ws for ws in book.worksheets if normalize(ws.title) in names), None)


def _table(
    book: Any, sheet: _Sheet, problems: list[str], *, optional: bool = False
) -> tuple[list[tuple[dict[str, object], str]], set[str]] | None:
    """The non-blank rows under the header as {column key: cell} with a location each, and the keys
    found; None when the sheet is absent (a problem unless ``optional``) or unreadable."""
    ws = _find_sheet(book, sheet)
    if ws is None:
        if not optional:
            problems.append(f"{sheet.label}: sheet missing")
        return None
    rows = list(ws.iter_rows(values_only=True))
    header = _header_row(rows, sheet)
    if header is None:
        problems.append(f"{sheet.label}: no header row")
        return None
    index, keys = header
    found = {k for k in keys if k is not None}
    missing = [key for key in sheet.required if key not in found]
    if missing:
        problems.append(f"{sheet.label}: columns missing: {', '.join(missing)}")
        return None
    table: list[tuple[dict[str, object], str]] = []
    for number, cells in enumerate(rows[index + 1 :], start=index + 2):
        if all(cell is None or str(cell).strip() == "" for cell in cells):
            continue
        record: dict[str, object] = {}
        for key, cell in zip(keys, cells, strict=False):
            if key is not None and key not in record:
                record[key] = cell
        table.append((record, f"{sheet.label}, row {number}"))
    return table, found


def _header_row(rows: list[tuple[object, ...]], sheet: _Sheet) -> tuple[int, list[str | None]] | None:
    """The first row whose cells name at least half of the sheet's required columns, and the column
    key of each of its cells (None for a cell that names no column of the sheet: an extra column)."""
    by_header = {normalize(key): key for key, _ in sheet.columns}
    by_header.update({normalize(zh): key for key, zh in sheet.columns})
    for index, cells in enumerate(rows):
        keys = [by_header.get(normalize(cell)) if cell is not None else None for cell in cells]
        if len(set(sheet.required) & set(keys)) * 2 >= len(sheet.required):
            return index, keys
    return None


def _text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    return str(cell).replace("\u3000", " ").strip()


def _number(cell: object) -> float | None:
    try:
        return float(_text(cell))
    except ValueError:
        return None


class _Cells:
    """Typed reads of one row's cells, collecting a problem per bad cell."""

    def __init__(self, cells: dict[str, object], where: str, problems: list[str]) -> None:
        self.cells, self.where, self.problems = cells, where, problems

    def text(self, key: str) -> str:
        return _text(self.cells.get(key))

    def bad(self, key: str, why: str) -> None:
        self.problems.append(f"{self.where}, column {key}: {why} (found: {self.text(key)!r})")

    def date(self, key: str, required: bool = False) -> date | None:
        cell = self.cells.get(key)
        if isinstance(cell, datetime):
            return cell.date()
        if isinstance(cell, date):
            return cell
        text = _text(cell)
        if not text:
            if required:
                self.bad(key, "required")
            return None
        parsed = parse_date(text) if isinstance(cell, str) else None
        if parsed is None:
            self.bad(key, "not a date")
        return parsed

    def code(self, key: str, codes: Mapping[str, str], default: str | None = None) -> str | None:
        text = self.text(key)
        if not text:
            return default
        found = _code_of(codes, text)
        if found is None:
            self.bad(key, f"not one of {_choices(codes)}")
        return found

    def flag(self, key: str) -> bool:
        cell = self.cells.get(key)
        if isinstance(cell, bool):
            return cell
        text = normalize(_text(cell))
        if text in ("", "no", "n", "false", "0", "否"):
            return False
        if text in ("yes", "y", "true", "1", "是", "√"):
            return True
        self.bad(key, "not a yes/no value")
        return False

    def number(self, key: str, whole: bool = False) -> float | None:
        text = self.text(key)
        if not text:
            return None
        value = _number(self.cells.get(key))
        if value is None or (whole and not value.is_integer()):
            self.bad(key, "not a whole number" if whole else "not a number")
            return None
        return value


def _from_id_number(text: str) -> tuple[date | None, str | None]:
    """Birth date and gender from an 18-character resident ID number (check digit not verified)."""
    if len(text) != 18 or not text[:17].isdigit():
        return None, None
    try:
        birth = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return None, None
    return birth, ("M" if int(text[16]) % 2 else "F")


def read_input(path: Path) -> District:
    """The input workbook (English or Chinese sheet names, headers and codes) as a District."""
    problems: list[str] = []
    book = open_xlsx(path, read_only=True, data_only=True)
    try:
        schools = _read_schools(book, problems)
        groups = _read_groups(book, problems)
        staff = _read_staff(book, schools, problems)
        minimums = _read_minimums(book, problems)
        parameters: dict[str, object] = {}
        found = _table(book, IN_PARAMETERS, problems, optional=True)
        for cells, _ in found[0] if found else []:
            if _text(cells.get("key")):
                parameters[_text(cells.get("key"))] = cells.get("value")
    finally:
        book.close()
    if problems:
        raise PlanReadError(problems)
    return District(schools, groups, staff, minimums, parameters)


def _read_schools(book: Any, problems: list[str]) -> dict[str, School]:
    schools: dict[str, School] = {}
    found = _table(book, IN_SCHOOLS, problems)
    for cells, where in found[0] if found else []:
        row = _Cells(cells, where, problems)
        quota = row.number("staff_quota", whole=True)
        school = School(
            school_id=row.text("school_id"),
            name=row.text("name"),
            stage=row.code("stage", STAGES) or "",
            area=row.code("area", AREAS) or "",
            category=row.code("category", CATEGORIES, "ordinary") or "ordinary",
            students=int(row.number("students", whole=True) or 0),
            staff_quota=None if quota is None else int(quota),
            small_school=row.flag("small_school"),
        )
        schools[school.school_id] = school
    return schools


def _read_groups(book: Any, problems: list[str]) -> dict[str, Group]:
    rows: dict[str, list[tuple[str, str, str | None]]] = defaultdict(list)
    found = _table(book, IN_GROUPS, problems)
    for cells, where in found[0] if found else []:
        row = _Cells(cells, where, problems)
        kind = row.code("kind", GROUP_KINDS) or ""
        rows[row.text("group_id")].append((kind, row.text("school_id"), row.code("role", ROLES)))
    groups: dict[str, Group] = {}
    for group_id, memberships in rows.items():
        leads = [school_id for _, school_id, role in memberships if role == "lead"]
        kind = memberships[0][0]
        # An hs_pair has two equal schools; its roles do not make one of them a lead.
        lead = leads[0] if len(leads) == 1 and kind != "hs_pair" else None
        school_ids = tuple(dict.fromkeys(school_id for _, school_id, _ in memberships))
        groups[group_id] = Group(group_id, kind, school_ids, lead)
    return groups


def _read_staff(book: Any, schools: Mapping[str, School], problems: list[str]) -> list[Person]:
    histories = _read_history(book, problems)
    staff: list[Person] = []
    found = _table(book, IN_STAFF, problems)
    for cells, where in found[0] if found else []:
        row = _Cells(cells, where, problems)
        from_id = _from_id_number(row.text("id_number"))
        birth = row.date("birth_date") or from_id[0]
        gender = row.code("gender", GENDERS) or from_id[1]
        school_start = row.date("school_start_date", required=True)
        post = row.code("post", POSTS)
        if birth is None or gender is None or school_start is None or post is None:
            if birth is None or gender is None:
                problems.append(f"{where}: no birth date or gender (nor an id_number giving them)")
            continue
        staff_id, school_id = row.text("staff_id"), row.text("school_id")
        other = row.number("other_schools_3y", whole=True)
        current = schools.get(school_id)
        history = tuple(
            stint
            for stint in histories.get(staff_id, [])
            if current is None or normalize(stint.school_name) != normalize(current.name)
        )
        staff.append(
            Person(
                staff_id=staff_id,
                name=row.text("name"),
                gender=gender,
                birth_date=birth,
                school_id=school_id,
                home_school_id=row.text("home_school_id") or school_id,
                school_start_date=school_start,
                post=post,
                subject=row.text("subject"),
                band=row.code("band", BANDS),
                post_start_date=row.date("post_start_date"),
                honor=row.code("honor", HONORS, "none") or "none",
                senior3=row.flag("senior3"),
                pregnant_or_nursing=row.flag("pregnant_or_nursing"),
                child_birth_date=row.date("child_birth_date"),
                medical_exemption=row.flag("medical_exemption"),
                project_lead_approved=row.flag("project_lead_approved"),
                other_schools_3y=None if other is None else int(other),
                rural_years=row.number("rural_years"),
                history=tuple(
                    replace(s, end_date=s.end_date if s.end_date != date.min else school_start)
                    for s in history
                ),
                exchange_start_date=row.date("exchange_start_date"),
                volunteer=row.flag("volunteer"),
                override=row.code("override", OVERRIDES),
            )
        )
    return staff


def _read_history(book: Any, problems: list[str]) -> dict[str, list[Stint]]:
    """Past stints by staff_id; a blank end_date (date.min here) runs to the school_start_date."""
    history: dict[str, list[Stint]] = defaultdict(list)
    found = _table(book, IN_HISTORY, problems, optional=True)
    for cells, where in found[0] if found else []:
        row = _Cells(cells, where, problems)
        start = row.date("start_date", required=True)
        if start is None:
            continue
        end = row.date("end_date") or date.min
        history[row.text("staff_id")].append(
            Stint(row.text("school_name"), row.code("area", AREAS), start, end)
        )
    return history


def _read_minimums(book: Any, problems: list[str]) -> list[Minimum] | None:
    found = _table(book, IN_MINIMUMS, problems, optional=True)
    if found is None:
        return None
    minimums = []
    for cells, where in found[0]:
        row = _Cells(cells, where, problems)
        minimums.append(
            Minimum(
                row.text("school_id"),
                row.text("subject"),
                row.code("band", BANDS),
                int(row.number("min_teachers", whole=True) or 0),
            )
        )
    return minimums


def read_plan(path: Path) -> tuple[list[AssignmentRow], list[WalkRow]]:
    """The ``assignments`` and ``walking`` sheets of a plan (English or Chinese names, headers, codes)."""
    rows, walks, _ = _read_plan_sheets(path)
    return rows, walks


def _read_plan_sheets(path: Path) -> tuple[list[AssignmentRow], list[WalkRow], Sheets]:
    problems: list[str] = []
    book = open_xlsx(path, read_only=True, data_only=True)
    try:
        found = _table(book, OUT_ASSIGNMENTS, problems)
        assignments = [_assignment(_Cells(c, w, problems), found[1]) for c, w in found[0]] if found else []
        walking = _table(book, OUT_WALKING, problems)
        walks = [_walk(cells) for cells, _ in walking[0]] if walking else []
        report: dict[str, list[dict[str, object]] | None] = {}
        for name, sheet in (
            ("eligibility", OUT_ELIGIBILITY),
            ("unmoved_due", OUT_UNMOVED),
            ("schools", OUT_SCHOOLS),
            ("obligations", OUT_OBLIGATIONS),
        ):
            table = _table(book, sheet, problems, optional=True)
            report[name] = [cells for cells, _ in table[0]] if table else None
    finally:
        book.close()
    if problems:
        raise PlanReadError(problems)
    has_host_post = found is not None and "host_post" in found[1]
    sheets = Sheets(
        report["eligibility"], report["unmoved_due"], report["schools"], has_host_post, report["obligations"]
    )
    return assignments, walks, sheets


def _assignment(row: _Cells, columns: set[str]) -> AssignmentRow:
    def given(key: str, value: str | None) -> str | None:
        return value if key in columns else None

    return AssignmentRow(
        staff_id=row.text("staff_id"),
        from_school_id=row.text("from_school_id"),
        to_school_id=row.text("to_school_id"),
        rule=row.text("rule"),
        group_id=row.text("group_id") or None,
        effective_date=row.date("effective_date"),
        earliest_return_date=row.date("earliest_return_date"),
        post=given("post", row.code("post", POSTS)),
        subject=given("subject", row.text("subject")),
        band=given("band", row.code("band", BANDS)),
        honor=given("honor", row.code("honor", HONORS)),
        host_post=given("host_post", row.code("host_post", HOST_POSTS) or ""),
    )


def _walk(cells: dict[str, object]) -> WalkRow:
    return WalkRow(
        staff_id=_text(cells.get("staff_id")),
        home_school_id=_text(cells.get("home_school_id")),
        school_id=_text(cells.get("school_id")),
        subject=_text(cells.get("subject")),
    )


def plan_parameters(path: Path, base: object | None = None) -> Params:
    """``base`` (Params, any object with its field names, or the defaults) updated with the parameters
    the plan's ``run`` sheet (if any) says it was solved with."""
    start = as_params(base)
    problems: list[str] = []
    book = open_xlsx(path, read_only=True, data_only=True)
    try:
        found = _table(book, OUT_RUN, problems, optional=True)
    finally:
        book.close()
    if problems:
        raise PlanReadError(problems)
    if found is None:
        return start
    values = {_text(cells.get("key")): cells.get("value") for cells, _ in found[0]}
    values = {key: "" if value is None else value for key, value in values.items()}
    return start.updated(values, f"{path.name} run sheet")


def check_plan_workbook(input_path: Path, plan_path: Path, params: object | None = None) -> list[str]:
    """Check an exported plan against its input workbook; one sentence per violation, [] when none.

    The parameters are, unless given, the defaults updated with the input's ``parameters`` sheet and
    then with those the plan's ``run`` sheet lists (the CLI's ``--set`` flags and scenario file leave
    their trace only there). Given ``params`` (this module's Params or any object with the same field
    names) are used as they are.
    """
    district = read_input(Path(input_path))
    if params is None:
        used = plan_parameters(Path(plan_path), Params().updated(district.parameters, "parameters sheet"))
    else:
        used = as_params(params)
    assignments, walks, sheets = _read_plan_sheets(Path(plan_path))
    return check_plan(district, used, assignments, walks, sheets)


# --------------------------------------------------------------------------- rosters held by callers


def _value(obj: object, name: str, default: object = None) -> Any:
    """A field of a caller's object, with an enum member read as its value."""
    value = getattr(obj, name, default)
    return getattr(value, "value", value)


def as_district(roster: object) -> District:
    """``roster`` as a District: itself, or any object with ``schools`` and ``groups`` mappings,
    ``staff`` and optional ``subject_minimums``, read attribute by attribute (the project's Roster)."""
    if isinstance(roster, District):
        return roster
    schools = {
        str(_value(s, "school_id")): School(
            school_id=str(_value(s, "school_id")),
            name=str(_value(s, "name", "")),
            stage=str(_value(s, "stage")),
            area=str(_value(s, "area")),
            category=str(_value(s, "category") or "ordinary"),
            students=int(_value(s, "students", 0) or 0),
            staff_quota=_value(s, "staff_quota"),
            small_school=bool(_value(s, "small_school", False)),
        )
        for s in roster.schools.values()
    }
    groups = {
        str(_value(g, "group_id")): Group(
            group_id=str(_value(g, "group_id")),
            kind=str(_value(g, "kind")),
            school_ids=tuple(g.school_ids),
            lead=None if str(_value(g, "kind")) == "hs_pair" else _value(g, "lead"),
        )
        for g in roster.groups.values()
    }
    staff = [_person(m) for m in roster.staff]
    raw_minimums = getattr(roster, "subject_minimums", None)
    minimums = (
        None
        if raw_minimums is None
        else [
            Minimum(
                str(_value(m, "school_id")),
                str(_value(m, "subject")),
                _value(m, "band"),
                int(_value(m, "min_teachers")),
            )
            for m in raw_minimums
        ]
    )
    return District(schools, groups, staff, minimums)


def _person(member: object) -> Person:
    history = tuple(
        Stint(
            str(_value(h, "school_name")), _value(h, "area"), _value(h, "start_date"), _value(h, "end_date")
        )
        for h in getattr(member, "history", ()) or ()
    )
    school_id = str(_value(member, "school_id"))
    return Person(
        staff_id=str(_value(member, "staff_id")),
        name=str(_value(member, "name", "")),
        gender=str(_value(member, "gender")),
        birth_date=_value(member, "birth_date"),
        school_id=school_id,
        home_school_id=str(_value(member, "home_school_id") or school_id),
        school_start_date=_value(member, "school_start_date"),
        post=str(_value(member, "post")),
        subject=str(_value(member, "subject") or ""),
        band=_value(member, "band"),
        post_start_date=_value(member, "post_start_date"),
        honor=str(_value(member, "honor") or "none"),
        senior3=bool(_value(member, "senior3", False)),
        pregnant_or_nursing=bool(_value(member, "pregnant_or_nursing", False)),
        child_birth_date=_value(member, "child_birth_date"),
        medical_exemption=bool(_value(member, "medical_exemption", False)),
        project_lead_approved=bool(_value(member, "project_lead_approved", False)),
        other_schools_3y=_value(member, "other_schools_3y"),
        rural_years=_value(member, "rural_years"),
        history=history,
        exchange_start_date=_value(member, "exchange_start_date"),
        volunteer=bool(_value(member, "volunteer", False)),
        override=_value(member, "override"),
    )
