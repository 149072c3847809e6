"""The rolling multi-year plan: each summer solved on the roster the previous plan leaves.

``roll_forward`` applies a year's plan to the roster and moves the effective date on by one year;
``plan_years`` solves year after year; a plan's ``trajectory`` follows each school through the years.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from rotation.dates import add_years, whole_years
from rotation.domain import HistoryEntry, Roster, StaffMember
from rotation.eligibility import assess_roster
from rotation.figures import TrajectoryRow, is_return, school_flows
from rotation.parameters import Parameters
from rotation.scenarios.solved import SolvedRun
from rotation.text import Text


@dataclass(frozen=True)
class YearResult:
    """One planning year: the roster and parameters it was solved with, and its plan."""

    year: int
    run: SolvedRun


@dataclass(frozen=True)
class MultiYearPlan:
    years: tuple[YearResult, ...]
    stopped: Text | None = None  # why the roll-forward stopped before the last year

    def trajectory(self) -> list[TrajectoryRow]:
        """Each school year after year: its due backlog and the flows of each year's plan."""
        return [
            row
            for year in self.years
            for row in school_flows(year.year, year.run.roster, year.run.eligibility, year.run.plan)
        ]


def roll_forward(run: SolvedRun) -> tuple[Roster, Parameters]:
    """The roster and parameters of the next summer, after ``run``'s plan has taken effect.

    - A new move: the person works at the destination from effective_date, home school unchanged,
      exchange_start_date = school_start_date = effective_date; next summer S1 locks them there.
    - An S2 return: back at the home school from effective_date. school_start_date restarts then (the
      continuity at home was broken by the exchange, so T1 counts anew), and the host stint is added
      to the history (and to other_schools_3y / rural_years when those cells were filled) for E6.
    - An extension, a locked stint and everyone not in the plan: unchanged.

    Pins are dropped: they were the planner's decisions for the first summer. effective_date moves on by
    one year, so ages, tenures and stints advance by themselves.
    """
    at = run.params.effective_date
    moves = {move.staff_id: move for move in run.plan.moves}
    staff = []
    for member in run.roster.staff:
        move = moves.get(member.staff_id)
        if move is None:
            staff.append(member)
        elif is_return(move.rule):
            staff.append(_returned(member, run, at))
        else:
            staff.append(
                replace(member, school_id=move.to_school_id, exchange_start_date=at, school_start_date=at)
            )
    roster = replace(run.roster, staff=tuple(staff), pins=())
    params = replace(run.params, effective_date=add_years(at, 1))
    return roster, params


def _returned(member: StaffMember, run: SolvedRun, at: date) -> StaffMember:
    host = run.roster.schools[member.school_id]
    start = member.exchange_start_date or member.school_start_date
    stint = HistoryEntry(host.name, host.area, start, at)
    years = whole_years(start, at)
    other_schools = member.other_schools_3y
    if other_schools is not None and years >= run.params.e6_years_each:
        other_schools += 1
    rural = member.rural_years
    if rural is not None and host.area.value == "rural":
        rural += years
    return replace(
        member,
        school_id=member.home_school_id,
        exchange_start_date=None,
        school_start_date=at,
        history=(*member.history, stint),
        other_schools_3y=other_schools,
        rural_years=rural,
    )


def plan_years(
    roster: Roster,
    params: Parameters,
    years: int,
    *,
    time_limit_s: float,
    workers: int = 1,
    seed: int = 0,
    progress: Callable[[Text], None] | None = None,
) -> MultiYearPlan:
    """Solve ``years`` summers one after another, each on the roster the previous plan left.

    Stops early (``stopped`` says why) when a year has no plan: without it there is nothing to roll.
    """
    from solver.settings import SolveOptions
    from solver.solve import solve

    results: list[YearResult] = []
    for index in range(years):
        eligibility = assess_roster(roster, params)
        year = params.effective_date.year

        def report(line: Text, year: int = year) -> None:
            if progress is not None:
                progress(Text(f"{year}: {line.en}", f"{year}：{line.zh}"))

        plan = solve(roster, params, eligibility, SolveOptions(time_limit_s, workers, seed), report)
        run = SolvedRun(roster, params, eligibility, plan)
        results.append(YearResult(year, run))
        if not plan.status.has_plan:
            why = plan.explanation
            return MultiYearPlan(
                tuple(results),
                Text(
                    f"{year}: {plan.status.value}; " + "; ".join(line.en for line in why),
                    f"{year}：{plan.status.label('zh')}；" + "；".join(line.zh for line in why),
                ),
            )
        if index + 1 < years:
            roster, params = roll_forward(run)
    return MultiYearPlan(tuple(results))
