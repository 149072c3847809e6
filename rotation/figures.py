"""Plan figures: what a plan and its eligibility add up to, counted in one place.

Every reader of a plan counts through here: the CLI's summaries, the what-if KPIs, the plan
reader behind the HTML report, the multi-year trajectory and the benchmarks. It also holds the
one E4/E5 mask, ``visible``: a row with E4 or E5 shows status exempt and the single reason E*,
whatever else applies, unless sensitive reasons are asked for (docs/decisions.md). Every count by
reason goes through it, so that ``check``, the report and the KPIs agree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from rotation.catalogue import EXEMPTIONS, SENSITIVE_REASONS, RuleId
from rotation.codes import Category, Status
from rotation.domain import Roster
from rotation.eligibility import Eligibility
from rotation.plan import Move, Plan
from rotation.text import Text

MASKED_REASON = RuleId.MASKED
RETURN_RULE = RuleId.S2
# The exemption columns of the KPIs: E4 and E5 are only ever shown together, as E*.
EXEMPTION_COLUMNS: tuple[RuleId, ...] = tuple(
    MASKED_REASON if code is RuleId.E4 else code for code in EXEMPTIONS if code is not RuleId.E5
)

S = TypeVar("S", bound=Status | None)


# --------------------------------------------------------------------------- the E4/E5 mask


class Standing(Protocol):
    """A row of eligibility: an Eligibility, or a row read back from a plan's eligibility sheet."""

    @property
    def status(self) -> Status | None: ...

    @property
    def reasons(self) -> Sequence[str]: ...


def visible(
    status: S, reasons: Sequence[str], include_sensitive: bool = False
) -> tuple[S | Status, tuple[str, ...]]:
    """The status and reasons as a planner may see them.

    E4 and E5 (maternity, medical) are personal data: a row with either shows exempt with the one
    reason E*, hiding its other reasons too (they would tell which people E* stands for).
    """
    if include_sensitive or SENSITIVE_REASONS.isdisjoint(reasons):
        return status, tuple(reasons)
    return Status.EXEMPT, (MASKED_REASON,)


def reason_counts(standings: Iterable[Standing], include_sensitive: bool = False) -> Counter[str]:
    """People per reason as shown (T1, E2, S1, E* ...): each row counts once for each reason it shows."""
    counts: Counter[str] = Counter()
    for standing in standings:
        counts.update(visible(standing.status, standing.reasons, include_sensitive)[1])
    return counts


def exemption_counts(standings: Iterable[Standing], include_sensitive: bool = False) -> Counter[str]:
    """Exempt people per exemption as shown: a person with E4 and E5 is one E*."""
    counts: Counter[str] = Counter()
    for standing in standings:
        status, reasons = visible(standing.status, standing.reasons, include_sensitive)
        if status is Status.EXEMPT:
            counts.update(reasons)
    return counts


# --------------------------------------------------------------------------- moves and returns


def is_return(rule: str) -> bool:
    """An S2 row takes a person home at the end of a stint: it is not a new move."""
    return RETURN_RULE in (code.strip().upper() for code in rule.split(";"))


def new_moves(plan: Plan) -> list[Move]:
    """The plan's moves to a new school, without the S2 returns home."""
    return [move for move in plan.moves if not is_return(move.rule)]


def returns(plan: Plan) -> list[Move]:
    """The plan's S2 returns home."""
    return [move for move in plan.moves if is_return(move.rule)]


def due_ids(eligibility: Mapping[str, Eligibility]) -> set[str]:
    return {staff_id for staff_id, standing in eligibility.items() if standing.is_due}


# --------------------------------------------------------------------------- KPIs

_KPI_NAMES: dict[str, Text] = {
    "status": Text("status", "求解状态"),
    "moves": Text("moves", "交流人数"),
    "due": Text("due", "应交流人数"),
    "due_rotated": Text("due_rotated", "应交流人员中交流人数"),
    "returns": Text("returns", "期满返回人数"),
    "extensions": Text("extensions", "延期留任人数"),
    "obligations_met": Text("obligations_met", "达标指标数"),
    "obligations_total": Text("obligations_total", "指标总数"),
    "wall_time_s": Text("wall_time_s", "用时（秒）"),
}


@dataclass(frozen=True, slots=True)
class Figure:
    """One KPI: ``key`` identifies it (a sweep's column, a test), ``name`` is what a planner reads."""

    key: str
    name: Text
    value: str | int | float


@dataclass(frozen=True)
class Kpis:
    """The figures a planner compares between runs.

    ``key_share_moved`` is, per school category, the key teachers moved out by new moves over the key
    teachers working at schools of that category now (0 where there are none).
    ``exemptions`` counts exempt people per exemption as shown (``exemption_counts``).
    """

    status: str
    moves: int
    due: int
    due_rotated: int
    returns: int
    extensions: int
    obligations_met: int
    obligations_total: int
    key_share_moved: Mapping[str, float]
    exemptions: Mapping[str, int]
    wall_time_s: float

    def figures(self) -> list[Figure]:
        """Every figure in a fixed order, for tables and workbooks; the English names are the keys."""
        plain: list[tuple[str, str | int | float]] = [
            ("status", self.status),
            ("moves", self.moves),
            ("due", self.due),
            ("due_rotated", self.due_rotated),
            ("returns", self.returns),
            ("extensions", self.extensions),
            ("obligations_met", self.obligations_met),
            ("obligations_total", self.obligations_total),
        ]
        figures = [Figure(key, _KPI_NAMES[key], value) for key, value in plain]
        for category in Category:
            key = f"key_share_moved:{category.value}"
            name = Text(key, f"骨干教师调出比例（{category.zh}学校）")
            figures.append(Figure(key, name, self.key_share_moved.get(category.value, 0.0)))
        for code in EXEMPTION_COLUMNS:
            key = f"exempt:{code}"
            figures.append(Figure(key, Text(key, f"暂不纳入人数：{code}"), self.exemptions.get(code, 0)))
        figures.append(Figure("wall_time_s", _KPI_NAMES["wall_time_s"], round(self.wall_time_s, 3)))
        return figures


def compute_kpis(roster: Roster, eligibility: Mapping[str, Eligibility], plan: Plan) -> Kpis:
    moved = {move.staff_id for move in new_moves(plan)}
    due = due_ids(eligibility)
    key_total: Counter[str] = Counter()
    key_moved: Counter[str] = Counter()
    for member in roster.staff:
        if member.is_key_teacher:
            category = roster.schools[member.school_id].category.value
            key_total[category] += 1
            key_moved[category] += member.staff_id in moved
    return Kpis(
        status=plan.status.value,
        moves=len(moved),
        due=len(due),
        due_rotated=len(due & moved),
        returns=len(returns(plan)),
        extensions=len(plan.extensions),
        obligations_met=sum(1 for outcome in plan.obligations if outcome.met),
        obligations_total=len(plan.obligations),
        key_share_moved={c: round(key_moved[c] / n, 4) for c, n in key_total.items() if n},
        exemptions=dict(exemption_counts(eligibility.values())),
        wall_time_s=plan.wall_time_s,
    )


# --------------------------------------------------------------------------- two runs compared


EXTENDED = "extended"  # the rule of an Outcome whose S2 stay the plan extends
_EXTENDED_NAME = Text(EXTENDED, "延期留任")


@dataclass(frozen=True)
class Outcome:
    """Where one person ends up under one run: status, shown reasons, and the move (if any)."""

    status: Status
    reasons: tuple[str, ...]
    destination: str | None  # the school after the plan when it differs from today's; None: stays
    rule: str | None  # the assignments rule (T1, G2, S2 ...), EXTENDED for an S2 extension

    def rule_label(self, lang: str) -> str | None:
        return _EXTENDED_NAME.pick(lang) if self.rule == EXTENDED else self.rule

    def reasons_label(self, lang: str) -> str:
        """The reasons, or the status when there are none (not due)."""
        return ";".join(self.reasons) or self.status.label(lang)


@dataclass(frozen=True)
class ChangedPerson:
    """A person whose status, shown reasons or destination differ between baseline and scenario.

    ``difference`` names the rule that made the difference: the eligibility reasons when they changed
    (``E2 → T1``), else the move rules (``T1 → -``).
    """

    staff_id: str
    name: str
    school_id: str
    before: Outcome
    after: Outcome
    difference: Text


@dataclass(frozen=True, slots=True)
class SchoolDelta:
    """New moves and returns out of and into a school, and its headcount after, in both runs."""

    school_id: str
    out_before: int
    out_after: int
    in_before: int
    in_after: int
    headcount_before_plan: int
    after_baseline: int
    after_scenario: int


@dataclass(frozen=True)
class Comparison:
    baseline: Kpis
    scenario: Kpis
    changed: tuple[ChangedPerson, ...]
    schools: tuple[SchoolDelta, ...]
    parameter_changes: tuple[tuple[str, str, str], ...]  # (name, baseline, scenario)


# --------------------------------------------------------------------------- per school and year


@dataclass(frozen=True, slots=True)
class TrajectoryRow:
    """One year and school: the due backlog at the start of the summer and the flows of its plan."""

    year: int
    school_id: str
    due_backlog: int
    due_rotated: int
    moves_out: int
    moves_in: int
    returns_home: int  # S2 rows arriving at the school (its own people coming back)
    returns_leaving: int  # S2 rows leaving the school (hosted people going home)
    headcount_after: int


def school_flows(
    year: int, roster: Roster, eligibility: Mapping[str, Eligibility], plan: Plan
) -> list[TrajectoryRow]:
    """One row per school of ``roster``, in its order, for the plan of summer ``year``."""
    moves = new_moves(plan)
    moved = {m.staff_id for m in moves}
    due_by_school: Counter[str] = Counter()
    rotated_by_school: Counter[str] = Counter()
    for member in roster.staff:
        if eligibility[member.staff_id].is_due:
            due_by_school[member.school_id] += 1
            rotated_by_school[member.school_id] += member.staff_id in moved
    out = Counter(m.from_school_id for m in moves)
    into = Counter(m.to_school_id for m in moves)
    home = Counter(m.to_school_id for m in returns(plan))
    leaving = Counter(m.from_school_id for m in returns(plan))
    return [
        TrajectoryRow(
            year,
            school_id,
            due_by_school[school_id],
            rotated_by_school[school_id],
            out[school_id],
            into[school_id],
            home[school_id],
            leaving[school_id],
            len(staff) - out[school_id] - leaving[school_id] + into[school_id] + home[school_id],
        )
        for school_id, staff in roster.staff_by_school.items()
    ]
