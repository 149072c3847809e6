"""What-if runs: a baseline and a scenario of the same workbook side by side.

``compute_kpis`` sums up one solved run; ``compare`` sets a baseline and a scenario side by side:
KPIs, the people whose outcome changed and why, and per-school flows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from rotation.catalogue import SENSITIVE_REASONS
from rotation.codes import Category, Status
from rotation.eligibility import Eligibility
from rotation.plan import Move, Plan
from rotation.scenarios.solved import SolvedRun

MASKED_REASON = "E*"
# Exemption columns of the KPI table; E4 and E5 are sensitive and only ever shown together as E*.
EXEMPTION_COLUMNS: tuple[str, ...] = ("E1", "E2", "E3", MASKED_REASON, "E6", "E7")
RETURN_RULE = "S2"


# --------------------------------------------------------------------------- KPIs


@dataclass(frozen=True)
class Kpis:
    """The figures a planner compares between runs.

    ``key_share_moved`` is, per school category, the key teachers moved out by new moves over the key
    teachers working at schools of that category now (0 where there are none).
    ``exemptions`` counts people per exemption, E4 and E5 together as E*.
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

    def rows(self) -> list[tuple[str, str | int | float]]:
        """Every figure as (key, value), in a fixed order, for tables and workbooks."""
        rows: list[tuple[str, str | int | float]] = [
            ("status", self.status),
            ("moves", self.moves),
            ("due", self.due),
            ("due_rotated", self.due_rotated),
            ("returns", self.returns),
            ("extensions", self.extensions),
            ("obligations_met", self.obligations_met),
            ("obligations_total", self.obligations_total),
        ]
        rows += [(f"key_share_moved:{c.value}", self.key_share_moved.get(c.value, 0.0)) for c in Category]
        rows += [(f"exempt:{code}", self.exemptions.get(code, 0)) for code in EXEMPTION_COLUMNS]
        rows.append(("wall_time_s", round(self.wall_time_s, 3)))
        return rows


def new_moves(plan: Plan) -> list[Move]:
    """The plan's moves to a new school, without the S2 returns home."""
    return [move for move in plan.moves if move.rule != RETURN_RULE]


def visible_reasons(standing: Eligibility, include_sensitive: bool = False) -> tuple[str, ...]:
    """The reasons as the exports show them: E4/E5 hide every reason of the row behind E*."""
    if standing.is_sensitive and not include_sensitive:
        return (MASKED_REASON,)
    return standing.reasons


def visible_status(standing: Eligibility, include_sensitive: bool = False) -> Status:
    return Status.EXEMPT if standing.is_sensitive and not include_sensitive else standing.status


def compute_kpis(run: SolvedRun) -> Kpis:
    roster, plan = run.roster, run.plan
    moved = {move.staff_id: move for move in new_moves(plan)}
    due = {staff_id for staff_id, standing in run.eligibility.items() if standing.is_due}
    key_total: Counter[str] = Counter()
    key_moved: Counter[str] = Counter()
    for member in roster.staff:
        if member.is_key_teacher:
            category = roster.schools[member.school_id].category.value
            key_total[category] += 1
            key_moved[category] += member.staff_id in moved
    exemptions: Counter[str] = Counter()
    for standing in run.eligibility.values():
        if standing.status is Status.EXEMPT:
            exemptions.update({_masked(code) for code in standing.reasons})
    return Kpis(
        status=plan.status.value,
        moves=len(moved),
        due=len(due),
        due_rotated=len(due & moved.keys()),
        returns=sum(1 for move in plan.moves if move.rule == RETURN_RULE),
        extensions=len(plan.extensions),
        obligations_met=sum(1 for outcome in plan.obligations if outcome.met),
        obligations_total=len(plan.obligations),
        key_share_moved={c: round(key_moved[c] / n, 4) for c, n in key_total.items() if n},
        exemptions=dict(exemptions),
        wall_time_s=plan.wall_time_s,
    )


def _masked(code: str) -> str:
    return MASKED_REASON if code in SENSITIVE_REASONS else code


# --------------------------------------------------------------------------- comparison


@dataclass(frozen=True)
class Outcome:
    """Where one person ends up under one run: status, shown reasons, and the move (if any)."""

    status: Status
    reasons: tuple[str, ...]
    destination: str | None  # the school after the plan when it differs from today's; None: stays
    rule: str | None  # the assignments rule (T1, G2, S2 ...), "extended" for an S2 extension


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
    difference: str


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


def outcomes(run: SolvedRun, include_sensitive: bool = False) -> dict[str, Outcome]:
    moves = {move.staff_id: move for move in run.plan.moves}
    extended = {extension.staff_id for extension in run.plan.extensions}
    result: dict[str, Outcome] = {}
    for member in run.roster.staff:
        standing = run.eligibility[member.staff_id]
        move = moves.get(member.staff_id)
        rule = move.rule if move is not None else ("extended" if member.staff_id in extended else None)
        result[member.staff_id] = Outcome(
            status=visible_status(standing, include_sensitive),
            reasons=visible_reasons(standing, include_sensitive),
            destination=move.to_school_id if move is not None else None,
            rule=rule,
        )
    return result


def compare(baseline: SolvedRun, scenario: SolvedRun, include_sensitive: bool = False) -> Comparison:
    """The scenario against the baseline; both must be solves of the same workbook."""
    before = outcomes(baseline, include_sensitive)
    after = outcomes(scenario, include_sensitive)
    changed = []
    for member in baseline.roster.staff:
        old, new = before[member.staff_id], after[member.staff_id]
        # A different rule for the same destination (T1 instead of G2) changes nobody's summer.
        if (old.status, old.reasons, old.destination) == (new.status, new.reasons, new.destination):
            continue
        changed.append(
            ChangedPerson(member.staff_id, member.name, member.school_id, old, new, _difference(old, new))
        )
    old_params, new_params = dict(baseline.params.items()), dict(scenario.params.items())
    return Comparison(
        baseline=compute_kpis(baseline),
        scenario=compute_kpis(scenario),
        changed=tuple(changed),
        schools=tuple(_school_deltas(baseline, scenario)),
        parameter_changes=tuple(
            (name, old_params[name], new_params[name])
            for name in old_params
            if old_params[name] != new_params[name]
        ),
    )


def _difference(old: Outcome, new: Outcome) -> str:
    if (old.status, old.reasons) != (new.status, new.reasons):
        return f"{';'.join(old.reasons) or old.status.value} → {';'.join(new.reasons) or new.status.value}"
    if old.rule == new.rule:
        return f"{old.rule}: {old.destination or '-'} → {new.destination or '-'}"
    return f"{old.rule or '-'} → {new.rule or '-'}"


def _school_deltas(baseline: SolvedRun, scenario: SolvedRun) -> Iterator[SchoolDelta]:
    out_before = Counter(m.from_school_id for m in baseline.plan.moves)
    in_before = Counter(m.to_school_id for m in baseline.plan.moves)
    out_after = Counter(m.from_school_id for m in scenario.plan.moves)
    in_after = Counter(m.to_school_id for m in scenario.plan.moves)
    for school_id, staff in baseline.roster.staff_by_school.items():
        now = len(staff)
        yield SchoolDelta(
            school_id,
            out_before[school_id],
            out_after[school_id],
            in_before[school_id],
            in_after[school_id],
            now,
            now - out_before[school_id] + in_before[school_id],
            now - out_after[school_id] + in_after[school_id],
        )
