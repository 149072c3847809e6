"""What-if runs, scenario sweeps and the rolling multi-year plan: the logic, no Excel, no click.

- ``compute_kpis`` sums up one solved run; ``compare`` sets a baseline and a scenario side by side:
  KPIs, the people whose outcome changed and why, and per-school flows.
- ``grid_scenarios`` expands ``--grid key=v1,v2`` into the cross product; ``run_scenario`` loads,
  solves and sums up one scenario in a worker process and never raises; ``run_sweep`` runs them
  in a process pool.
- ``roll_forward`` applies a year's plan to the roster and moves the effective date on by one year;
  ``plan_years`` solves year after year.

The solver is imported inside the functions that solve, so that importing this module (as the
CLI and the workbook writers do) does not load OR-Tools.
"""

from __future__ import annotations

import itertools
import multiprocessing
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from rotation.catalogue import SENSITIVE_REASONS
from rotation.codes import Category, Status
from rotation.dates import add_years, whole_years
from rotation.domain import HistoryEntry, Roster, StaffMember
from rotation.eligibility import Eligibility, assess_roster
from rotation.parameters import ParameterError, Parameters
from rotation.plan import Move, Plan
from rotation.workbook.loader import LoadedWorkbook

MASKED_REASON = "E*"
# Exemption columns of the KPI table; E4 and E5 are sensitive and only ever shown together as E*.
EXEMPTION_COLUMNS: tuple[str, ...] = ("E1", "E2", "E3", MASKED_REASON, "E6", "E7")
RETURN_RULE = "S2"
# A scenario that has not answered by then is recorded as timed out: the solve itself stops at
# its time limit, so only loading (a few seconds) and a stuck process can take longer.
SWEEP_GRACE_S = 60.0


# --------------------------------------------------------------------------- one solved run


@dataclass(frozen=True)
class SolvedRun:
    """A roster solved under one set of parameters; ``source`` is the workbook it was loaded from, if any
    (its file name, hash and the loader's warnings go to the run sheet)."""

    roster: Roster
    params: Parameters
    eligibility: Mapping[str, Eligibility]
    plan: Plan
    source: LoadedWorkbook | None = None


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


# --------------------------------------------------------------------------- loading and solving


def load_and_solve(
    path: Path,
    overrides: Mapping[str, object] = {},
    scenario_file: Path | None = None,
    *,
    time_limit_s: float,
    workers: int = 1,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> SolvedRun:
    """Load the workbook with ``scenario_file`` and ``overrides`` over its own parameters, and solve it.

    Raises WorkbookError or ParameterError for bad input, PinError for a refused pin.
    """
    from rotation.parameters import load_scenario
    from rotation.workbook.loader import load_workbook
    from solver.settings import SolveOptions
    from solver.solve import solve

    def resolve(sheet_values: Mapping[str, object]) -> Parameters:
        params = Parameters().updated(sheet_values, "parameters sheet") if sheet_values else Parameters()
        if scenario_file is not None:
            params = params.updated(load_scenario(scenario_file), f"scenario {scenario_file}")
        return params.updated(overrides, "--set") if overrides else params

    loaded = load_workbook(path, resolve)
    eligibility = assess_roster(loaded.roster, loaded.params)
    options = SolveOptions(time_limit_s=time_limit_s, workers=workers, seed=seed)
    plan = solve(loaded.roster, loaded.params, eligibility, options, progress)
    return SolvedRun(loaded.roster, loaded.params, eligibility, plan, loaded)


# --------------------------------------------------------------------------- sweep


def parse_grid(specs: Sequence[str]) -> list[tuple[str, list[str]]]:
    """``key=v1,v2`` specs as (key, values); ParameterError naming every malformed spec.

    Values are split on commas only, so a list-valued parameter (soft, hard) writes its rule IDs
    joined by ``;`` (``soft=G4;G6,``: first G4 and G6 soft, then none).
    """
    grid: list[tuple[str, list[str]]] = []
    problems: list[str] = []
    seen: set[str] = set()
    for spec in specs:
        key, sep, values = spec.partition("=")
        key = key.strip()
        if not sep or not key:
            problems.append(f"--grid {spec}: expected key=value1,value2,...")
        elif key in seen:
            problems.append(f"--grid {spec}: {key} is already on the grid")
        else:
            seen.add(key)
            grid.append((key, [value.strip() for value in values.split(",")]))
    if problems:
        raise ParameterError(problems)
    return grid


def grid_scenarios(grid: Sequence[tuple[str, Sequence[str]]]) -> list[dict[str, str]]:
    """The cross product of the grid, the first key varying slowest."""
    keys = [key for key, _ in grid]
    return [
        dict(zip(keys, combination, strict=True)) for combination in itertools.product(*(v for _, v in grid))
    ]


@dataclass(frozen=True)
class ScenarioResult:
    """One row of the sweep: the overrides, how the run ended, and its KPIs when it has a plan.

    ``status`` is the solve status (optimal, feasible, infeasible, unknown, model_invalid), or
    ``bad_input`` (a value or the workbook refused), ``error`` (an unexpected exception) or ``timeout``
    (the worker did not answer in time).
    """

    index: int
    overrides: Mapping[str, str]
    status: str
    message: str
    kpis: Kpis | None
    wall_time_s: float


def run_scenario(
    index: int, path: str, overrides: Mapping[str, str], time_limit_s: float, seed: int
) -> ScenarioResult:
    """Load, solve and sum up one scenario; every failure becomes the result, never an exception.

    Runs in a worker process: it gets the workbook path and the overrides, not a pickled roster,
    so that each worker reads the file itself and only small results cross the process boundary.
    """
    from rotation.workbook.loader import WorkbookError
    from solver.solve import PinError

    started = time.perf_counter()

    def failed(status: str, message: str) -> ScenarioResult:
        return ScenarioResult(index, dict(overrides), status, message, None, time.perf_counter() - started)

    try:
        run = load_and_solve(Path(path), overrides, time_limit_s=time_limit_s, workers=1, seed=seed)
    except (ParameterError, WorkbookError, PinError) as error:
        return failed("bad_input", "; ".join(str(p) for p in error.problems))
    except Exception as error:  # one scenario's crash must not lose the others
        return failed("error", f"{type(error).__name__}: {error}")
    plan = run.plan
    message = "; ".join(line.en for line in plan.explanation) if not plan.status.has_plan else ""
    kpis = compute_kpis(run) if plan.status.has_plan else None
    return ScenarioResult(
        index, dict(overrides), plan.status.value, message, kpis, time.perf_counter() - started
    )


def run_sweep(
    path: Path,
    scenarios: Sequence[Mapping[str, str]],
    *,
    time_limit_s: float,
    processes: int,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> list[ScenarioResult]:
    """Every scenario solved in a pool of ``processes`` worker processes, results in scenario order.

    A scenario still running when its share of the time is up (its time limit plus SWEEP_GRACE_S per
    round of the pool) is recorded as ``timeout``, and the pool's worker processes are ended.
    """
    total = len(scenarios)
    processes = max(1, min(processes, total))
    rounds = -(-total // processes)
    budget = rounds * (time_limit_s + SWEEP_GRACE_S)
    deadline = time.monotonic() + budget
    results: dict[int, ScenarioResult] = {}
    # forkserver, not fork: the parent may already run OR-Tools or pytest threads, and forking a threaded
    # process can leave a lock held forever in the child. The server preloads the solver once, so that
    # each worker starts in milliseconds instead of importing OR-Tools and pandas again (spawn).
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["rotation.scenarios.whatif", "rotation.workbook.loader", "solver.solve"])
    pool = ProcessPoolExecutor(max_workers=processes, mp_context=context)
    try:
        pending: dict[Future[ScenarioResult], int] = {
            pool.submit(run_scenario, i, str(path), dict(overrides), time_limit_s, seed): i
            for i, overrides in enumerate(scenarios)
        }
        if progress is not None:
            progress(0, total)
        while pending:
            done, _ = wait(
                pending, timeout=max(0.0, deadline - time.monotonic()), return_when=FIRST_COMPLETED
            )
            if not done:
                break
            for future in done:
                index = pending.pop(future)
                results[index] = _result_of(future, index, scenarios[index])
            if progress is not None:
                progress(len(results), total)
        for index in pending.values():
            message = f"no answer within the sweep's time budget of {budget:.0f} s"
            results[index] = ScenarioResult(
                index, dict(scenarios[index]), "timeout", message, None, time_limit_s
            )
    finally:
        if len(results) < total or any(r.status == "timeout" for r in results.values()):
            _end_workers(pool)
        pool.shutdown(wait=True, cancel_futures=True)
    return [results[index] for index in range(total)]


def _result_of(future: Future[ScenarioResult], index: int, overrides: Mapping[str, str]) -> ScenarioResult:
    try:
        return future.result()
    except Exception as error:  # a worker that died (BrokenProcessPool) is one failed row
        return ScenarioResult(index, dict(overrides), "error", f"{type(error).__name__}: {error}", None, 0.0)


def _end_workers(pool: ProcessPoolExecutor) -> None:
    # The pool has no public way to stop a running task; its worker processes are ours, ended by id.
    workers: Mapping[int, multiprocessing.process.BaseProcess] = getattr(pool, "_processes", None) or {}
    for process in list(workers.values()):
        if process.is_alive():
            process.terminate()


# --------------------------------------------------------------------------- multi-year


@dataclass(frozen=True)
class YearResult:
    """One planning year: the roster and parameters it was solved with, and its plan."""

    year: int
    run: SolvedRun


@dataclass(frozen=True)
class MultiYearPlan:
    years: tuple[YearResult, ...]
    stopped: str = ""  # why the roll-forward stopped before the last year, else ""
    warnings: tuple[str, ...] = field(default=())


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
        elif move.rule == RETURN_RULE:
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
    progress: Callable[[str], None] | None = None,
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

        def report(line: str, year: int = year) -> None:
            if progress is not None:
                progress(f"{year}: {line}")

        plan = solve(roster, params, eligibility, SolveOptions(time_limit_s, workers, seed), report)
        run = SolvedRun(roster, params, eligibility, plan)
        results.append(YearResult(year, run))
        if not plan.status.has_plan:
            return MultiYearPlan(
                tuple(results),
                f"{year}: {plan.status.value}; " + "; ".join(line.en for line in plan.explanation),
            )
        if index + 1 < years:
            roster, params = roll_forward(run)
    return MultiYearPlan(tuple(results))


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


def trajectory(plan: MultiYearPlan) -> list[TrajectoryRow]:
    rows = []
    for year in plan.years:
        run = year.run
        moved = {m.staff_id for m in new_moves(run.plan)}
        due_by_school: Counter[str] = Counter()
        rotated_by_school: Counter[str] = Counter()
        for member in run.roster.staff:
            if run.eligibility[member.staff_id].is_due:
                due_by_school[member.school_id] += 1
                rotated_by_school[member.school_id] += member.staff_id in moved
        out = Counter(m.from_school_id for m in new_moves(run.plan))
        into = Counter(m.to_school_id for m in new_moves(run.plan))
        returns = [m for m in run.plan.moves if m.rule == RETURN_RULE]
        home = Counter(m.to_school_id for m in returns)
        leaving = Counter(m.from_school_id for m in returns)
        for school_id, staff in run.roster.staff_by_school.items():
            after = len(staff) - out[school_id] - leaving[school_id] + into[school_id] + home[school_id]
            rows.append(
                TrajectoryRow(
                    year.year,
                    school_id,
                    due_by_school[school_id],
                    rotated_by_school[school_id],
                    out[school_id],
                    into[school_id],
                    home[school_id],
                    leaving[school_id],
                    after,
                )
            )
    return rows
