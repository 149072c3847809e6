"""The public entry point: ``solve(roster, params, eligibility, options, progress) -> Plan``.

The roster is split into independent components (solver/components.py),
solved side by side in threads (CP-SAT releases the GIL), and the plans
merged. Each component is optimised level by level (lexicographic) or in one
weighted solve, each solve on a single search thread (solver.model.make_solver),
so the same input, parameters and seed give the same plan whatever the number
of workers and the thread timing, as long as no level is cut by the time limit.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from rotation.codes import Status
from rotation.destinations import c3_why_not
from rotation.domain import Pin, PinKind, Roster
from rotation.eligibility import Eligibility
from rotation.parameters import Parameters
from rotation.plan import LevelResult, Plan, SolveStatus
from rotation.text import Text
from solver.components import ComponentData, split_components
from solver.explain import explain_infeasible, first_reasons, forced_move_reasons, unmoved_rows
from solver.mip import optimise_mip
from solver.model import BuiltModel, build_model, make_solver
from solver.objective import LEVEL_NAMES, Level, weighted_level
from solver.principals import exchange_principals
from solver.settings import DEFAULT_OPTIONS, Progress, SolveOptions, SolveSettings, level_label, progress_line
from solver.solution import read_plan
from solver.stopping import stop_requested

# Status of a merged plan: the worst of its components.
_SEVERITY = (
    SolveStatus.OPTIMAL,
    SolveStatus.FEASIBLE,
    SolveStatus.UNKNOWN,
    SolveStatus.MODEL_INVALID,
    SolveStatus.INFEASIBLE,
)
_STATUS = {
    cp_model.OPTIMAL: SolveStatus.OPTIMAL,
    cp_model.FEASIBLE: SolveStatus.FEASIBLE,
    cp_model.INFEASIBLE: SolveStatus.INFEASIBLE,
    cp_model.MODEL_INVALID: SolveStatus.MODEL_INVALID,
    cp_model.UNKNOWN: SolveStatus.UNKNOWN,
}
# A small component may still take this much of the remaining time (it rarely needs it).
MIN_COMPONENT_SHARE_S = 1.0
# A component may take this many times its share by size: most finish far inside it, and the
# time they leave would otherwise go unused while a harder one stops short of proving optimality.
OVERCOMMIT = 4.0
# An infeasible component gets at least this long to find the conflicting rules.
MIN_EXPLAIN_S = 5.0
# A small component may still take this much of the work limit (deterministic seconds).
MIN_COMPONENT_WORK = 0.5
# The share of its work limit a level must have used to count as stopped by it rather than the clock.
WORK_REACHED = 0.99
PROGRESS_INTERVAL_S = 0.25


class PinError(ValueError):
    """Pins refused before solving; ``problems`` has one sentence per pin naming the rule that forbids it."""

    def __init__(self, problems: list[Text]) -> None:
        super().__init__("\n".join(problem.en for problem in problems))
        self.problems = problems


def solve(
    roster: Roster,
    params: Parameters,
    eligibility: Mapping[str, Eligibility],
    options: SolveOptions = DEFAULT_OPTIONS,
    progress: Progress | None = None,
) -> Plan:
    """The optimal rotation plan for ``roster``, or the reasons there is none.

    Raises PinError when a must-pin asks for a move that C3, S1, S2 or an
    exemption forbids. ``progress`` receives short live lines (at most four a
    second) while solving.
    """
    started = time.monotonic()
    pins = roster.pins + options.pins
    check_pins(roster, params, eligibility, pins)
    components = split_components(roster, params, eligibility, pins, options.draft)
    workers = options.workers or os.cpu_count() or 1
    lanes = max(1, min(workers, len(components)))
    report = _Throttle(progress, started)
    clock = _Clock(started + options.time_limit_s, lanes, [len(c.staff) for c in components])

    def run(data: ComponentData) -> tuple[Plan, _Probes | None]:
        deadline = clock.deadline_for(len(data.staff))
        work = _work_share(options.work_limit, len(data.staff), [len(c.staff) for c in components])
        settings = SolveSettings(options.seed, deadline, report, options.engine, work)
        return _plan_component(data, settings, explain=True, defer=True)

    with ThreadPoolExecutor(max_workers=lanes) as pool:
        planned = list(pool.map(run, components))
        merged = merge_plans([plan for plan, _ in planned], 0.0)
        # P1: the principals the components marked away are paired across the district, while the
        # forced-move tests run beside it (HiGHS lets go of the GIL). The large city's exchange takes
        # 30 s, as long as all its tests: its solve 52.4 -> 48.0 s; the city's exchange takes under a
        # second, and building the tested models again costs it 10.2 -> 10.5 s (medians, A/B).
        exchanged = pool.submit(exchange_principals, roster, params, eligibility, merged, pins, options.draft)
        until = started + options.time_limit_s
        owed = [probes for _, probes in planned if probes is not None]
        probed = list(pool.map(lambda probes: probes.run(until), owed))
    plan = _with_probes(exchanged.result(), probed)
    plan = replace(plan, wall_time_s=time.monotonic() - started)
    if progress is not None:
        progress(
            Text(
                f"done: {plan.status}, {len(components)} component(s), {plan.wall_time_s:.1f}s",
                f"完成：{plan.status.label('zh')}，{len(components)} 个部分，{plan.wall_time_s:.1f} 秒",
            )
        )
    return plan


def _work_share(work_limit: float | None, size: int, sizes: list[int]) -> float | None:
    """A component's share of the work limit, by its size alone: unlike the clock's shares it does
    not depend on which component finishes first, so a cut-off solve is the same on every run."""
    if work_limit is None:
        return None
    share = work_limit * max(1, size) / sum(max(1, other) for other in sizes)
    return max(share, min(work_limit, MIN_COMPONENT_WORK))


def check_pins(
    roster: Roster, params: Parameters, eligibility: Mapping[str, Eligibility], pins: tuple[Pin, ...]
) -> None:
    """Refuse, all at once, pins that name unknown people or schools, or must-pins no plan may honour."""
    problems: list[Text] = []
    musts: dict[str, list[str]] = {}
    stays: set[str] = set()
    for pin in pins:
        label = _pin_label(pin)
        member = roster.staff_by_id.get(pin.staff_id)
        if member is None:
            problems.append(
                Text(
                    f"{label.en}: no staff member {pin.staff_id}",
                    f"{label.zh}：没有工号为 {pin.staff_id} 的教职工",
                )
            )
        elif pin.kind is PinKind.STAY:
            stays.add(pin.staff_id)
            if eligibility[pin.staff_id].status is Status.LOCKED:
                problems.append(
                    Text(
                        f"{label.en} refused: S1: {pin.staff_id} is on exchange at {member.school_id} until "
                        "the minimum stint ends",
                        f"{label.zh} 不予接受：S1：{pin.staff_id} 正在 {member.school_id} 交流，最短期限未满",
                    )
                )
        elif pin.to_school_id not in roster.schools:
            problems.append(
                Text(
                    f"{label.en}: no school {pin.to_school_id}",
                    f"{label.zh}：没有代码为 {pin.to_school_id} 的学校",
                )
            )
        elif pin.kind is PinKind.MUST:
            reason = c3_why_not(member, pin.to_school_id, roster, params, eligibility[pin.staff_id])
            if reason is not None:
                problems.append(Text(f"{label.en} refused: {reason.en}", f"{label.zh} 不予接受：{reason.zh}"))
            musts.setdefault(pin.staff_id, []).append(pin.to_school_id)
    for staff_id, schools in sorted(musts.items()):
        if len(set(schools)) > 1:
            targets = ", ".join(sorted(set(schools)))
            problems.append(
                Text(
                    f"must pins {staff_id}: one person cannot move to {targets}",
                    f"必须调动 {staff_id}：一个人不能同时调往 {targets}",
                )
            )
    for staff_id in sorted(stays & musts.keys()):
        problems.append(
            Text(f"pins {staff_id}: both stay and must", f"指定调动 {staff_id}：既为留任又为必须调动")
        )
    never = {(p.staff_id, p.to_school_id) for p in pins if p.kind is PinKind.NEVER}
    for staff_id, schools in sorted(musts.items()):
        for school_id in sorted(set(schools) & {s for who, s in never if who == staff_id}):
            problems.append(
                Text(
                    f"pins {staff_id} -> {school_id}: both must and never",
                    f"指定调动 {staff_id} -> {school_id}：既为必须又为禁止",
                )
            )
    if problems:
        raise PinError(problems)


def _pin_label(pin: Pin) -> Text:
    """A pin as its refusals name it: ``must pin 0012 -> 0003``, ``stay pin 0012``."""
    if pin.kind is PinKind.STAY:
        return Text(f"stay pin {pin.staff_id}", f"指定留任 {pin.staff_id}")
    kind_zh = "必须" if pin.kind is PinKind.MUST else "禁止"
    return Text(
        f"{pin.kind.value} pin {pin.staff_id} -> {pin.to_school_id}",
        f"指定调动（{kind_zh}）{pin.staff_id} -> {pin.to_school_id}",
    )


def solve_component(data: ComponentData, settings: SolveSettings, explain: bool = True) -> Plan:
    """One component's plan: optimise, read the solution, explain what did not happen (unless not
    ``explain``: no conflicting rules named, no reasons for the due people left unmoved)."""
    return _plan_component(data, settings, explain, defer=False)[0]


@dataclass(frozen=True)
class _Probes:
    """The forced-move tests a component's plan still owes its unmoved due people (solver/explain.py),
    left for later so that the model need not be kept meanwhile: they build it again, which gives
    the very model they would have copied (tests/solver/test_explain_probes.py), and they get the
    time the component had left when they were put off."""

    data: ComponentData
    solution: list[int]
    staff_ids: list[str]
    seed: int
    time_left: float

    def run(self, until: float) -> tuple[dict[str, Text], float]:
        """The reasons the tests settle, by ``until`` at the latest, and the seconds they took."""
        started = time.monotonic()
        deadline = min(until, started + self.time_left)
        built = build_model(self.data)
        found = forced_move_reasons(built, self.solution, self.staff_ids, self.seed, deadline)
        return found, time.monotonic() - started


def _with_probes(plan: Plan, probed: list[tuple[dict[str, Text], float]]) -> Plan:
    """The plan with the reasons the deferred tests settled, and their time in the explain phase."""
    found = {who: reason for reasons, _ in probed for who, reason in reasons.items()}
    unmoved = tuple(replace(u, reason=found[u.staff_id]) if u.staff_id in found else u for u in plan.unmoved)
    seconds = sum(spent for _, spent in probed)
    phases = tuple((name, spent + seconds if name == "explain" else spent) for name, spent in plan.phases)
    return replace(plan, unmoved=unmoved, phases=phases)


def _plan_component(
    data: ComponentData, settings: SolveSettings, explain: bool, defer: bool
) -> tuple[Plan, _Probes | None]:
    """solve_component's plan; with ``defer``, the forced-move tests are not run but returned."""
    started = time.monotonic()
    built = build_model(data)
    built_at = time.monotonic()
    optimise = optimise_mip if settings.engine == "mip" else _optimise
    results, solution, status = optimise(built, settings)
    optimised_at = time.monotonic()
    if solution is None:
        if not explain:
            explanation: tuple[Text, ...] = ()
        elif status is SolveStatus.INFEASIBLE:
            explain_by = max(settings.deadline, time.monotonic() + MIN_EXPLAIN_S)
            explanation = explain_infeasible(data, settings.seed, explain_by)
        else:
            where = data.where()
            explanation = (
                Text(
                    f"{where.en}: no plan found within the time limit ({status}); "
                    "give it more time (--time-limit)",
                    f"{where.zh}：在时限内未找到方案（{status}）；请给更多时间（--time-limit）",
                ),
            )
        finished = time.monotonic()
        phases = _phases(started, built_at, optimised_at, finished)
        plan = Plan(status, (), (), (), (), (), tuple(results), finished - started, explanation, phases)
        return plan, None
    rows = read_plan(built, solution)
    reasons: dict[str, Text] = {}
    probes = None
    if explain:
        reasons, tested = first_reasons(built, solution)
        if tested and defer:
            probes = _Probes(data, solution, tested, settings.seed, settings.remaining())
        elif tested:
            reasons.update(forced_move_reasons(built, solution, tested, settings.seed, settings.deadline))
    finished = time.monotonic()
    overall = (
        SolveStatus.OPTIMAL if all(r.status is SolveStatus.OPTIMAL for r in results) else SolveStatus.FEASIBLE
    )
    return Plan(
        overall,
        rows.moves,
        rows.extensions,
        rows.walks,
        rows.obligations,
        unmoved_rows(data.roster, reasons),
        tuple(results),
        finished - started,
        phases=_phases(started, built_at, optimised_at, finished),
        exchange=tuple(sorted(who for who, var in built.variables.away.items() if solution[var.index])),
    ), probes


def _phases(
    started: float, built_at: float, optimised_at: float, finished: float
) -> tuple[tuple[str, float], ...]:
    return (
        ("build", built_at - started),
        ("optimise", optimised_at - built_at),
        ("explain", finished - optimised_at),
    )


def _optimise(
    built: BuiltModel, settings: SolveSettings
) -> tuple[list[LevelResult], list[int] | None, SolveStatus]:
    """Solve the levels in order, fixing each before the next; the best solution and the first status.

    A level proven optimal is fixed to its value; one stopped by the time
    limit is bounded by the value found, so later levels cannot worsen it.
    The previous solution is the next level's hint, so each re-solve starts
    from a plan it only has to improve.
    """
    model = built.model
    levels: list[Level] = [level for level in built.levels if level.terms]
    if built.data.params.objective_mode == "weighted" and levels:
        levels = [weighted_level(tuple(levels), model)]
    if not levels:
        levels = [Level("feasibility", False, [], [])]
    results: list[LevelResult] = []
    solution: list[int] | None = None
    first_status = SolveStatus.UNKNOWN
    work_left = settings.work
    for position, level in enumerate(levels):
        model.proto.clear_objective()
        if level.terms:
            (model.maximize if level.maximise else model.minimize)(level.expr())
        if solution is not None:
            model.proto.clear_solution_hint()
            model.proto.solution_hint.vars.extend(range(len(solution)))
            model.proto.solution_hint.values.extend(solution)
        # Up to twice a fair share of what is left, so time a level does not use flows to the next.
        budget = min(settings.remaining(), 2 * settings.remaining() / (len(levels) - position))
        # The work limit is shared the same way, from the deterministic time the levels used.
        work = None if work_left is None else min(work_left, 2 * work_left / (len(levels) - position))
        last = position == len(levels) - 1
        result, found, used = _solve_level(built, level, settings, budget, work)
        if work_left is not None:
            work_left = max(0.0, work_left - used)
        results.append(result)
        if position == 0:
            first_status = result.status
        if found is None:
            if first_status in (SolveStatus.INFEASIBLE, SolveStatus.MODEL_INVALID):
                break
            continue
        solution = found
        value = level.value(found)
        if not level.terms or last:
            continue
        if result.status is SolveStatus.OPTIMAL:
            model.add(level.expr() == value)
        elif level.maximise:
            model.add(level.expr() >= value)
        else:
            model.add(level.expr() <= value)
    return results, solution, first_status


def _solve_level(
    built: BuiltModel, level: Level, settings: SolveSettings, budget: float, work: float | None
) -> tuple[LevelResult, list[int] | None, float]:
    """The level's result and solution, and the deterministic time it used."""
    solver = make_solver(settings.seed, budget, work_limit=work)
    label = level_label(built.data.label, level.name)
    callback = _LevelProgress(label, settings.report)
    started = time.monotonic()
    code = solver.solve(built.model, callback)
    wall = time.monotonic() - started
    status = _STATUS.get(code, SolveStatus.UNKNOWN)
    used = solver.response_proto.deterministic_time
    limit = _limit(status, used, work)
    if not status.has_plan:
        return LevelResult(level.name, status, 0.0, 0.0, 1.0, wall, limit), None, used
    objective = solver.objective_value if level.terms else 0.0
    bound = solver.best_objective_bound if level.terms else 0.0
    gap = abs(objective - bound) / max(1.0, abs(objective))
    settings.report(progress_line(label, status, objective, bound, gap, wall))
    result = LevelResult(level.name, status, objective, bound, gap, wall, limit)
    return result, list(solver.response_proto.solution), used


def _limit(status: SolveStatus, used: float, work: float | None) -> str:
    """What ended a level short of an answer (LevelResult.limit): a signal, the work limit or the clock."""
    if status in (SolveStatus.OPTIMAL, SolveStatus.INFEASIBLE, SolveStatus.MODEL_INVALID):
        return ""
    if stop_requested():
        return "stop"
    # CP-SAT checks its deterministic time between steps, so it stops a little past the limit.
    return "work" if work is not None and used >= WORK_REACHED * work else "time"


class _LevelProgress(cp_model.CpSolverSolutionCallback):
    """Reports each improving solution of a level (the throttle keeps it to a few lines a second)."""

    def __init__(self, label: Text, report: Progress) -> None:
        super().__init__()
        self._label = label
        self._report = report
        self._started = time.monotonic()

    def on_solution_callback(self) -> None:
        objective, bound = self.objective_value, self.best_objective_bound
        gap = abs(objective - bound) / max(1.0, abs(objective))
        elapsed = time.monotonic() - self._started
        self._report(progress_line(self._label, None, objective, bound, gap, elapsed))


class _Clock:
    """Shares the time left among the components not started yet, by size, lane by lane.

    Components start largest first; one that finishes early leaves its time
    to those after it, and the shares are overcommitted (OVERCOMMIT) because
    most components need a fraction of theirs.
    """

    def __init__(self, deadline: float, lanes: int, sizes: list[int]) -> None:
        self._deadline = deadline
        self._lanes = lanes
        self._waiting = sum(max(1, size) for size in sizes)
        self._lock = threading.Lock()

    def deadline_for(self, size: int) -> float:
        with self._lock:
            now = time.monotonic()
            left = max(0.0, self._deadline - now)
            share = OVERCOMMIT * left * self._lanes * max(1, size) / max(1, self._waiting)
            self._waiting -= max(1, size)
            return now + min(left, max(share, MIN_COMPONENT_SHARE_S))


class _Throttle:
    """Passes at most one line per PROGRESS_INTERVAL_S to ``progress``, from any thread."""

    def __init__(self, progress: Progress | None, started: float) -> None:
        self._progress = progress
        self._lock = threading.Lock()
        self._last = started - PROGRESS_INTERVAL_S

    def __call__(self, line: Text) -> None:
        if self._progress is None:
            return
        with self._lock:
            now = time.monotonic()
            if now - self._last < PROGRESS_INTERVAL_S:
                return
            self._last = now
            self._progress(line)


def merge_plans(plans: list[Plan], wall_time_s: float) -> Plan:
    """One plan from the components' plans: rows concatenated and sorted, levels summed by name."""
    status = max((plan.status for plan in plans), key=_SEVERITY.index, default=SolveStatus.OPTIMAL)
    levels = _merge_levels(plans)
    seconds: dict[str, float] = {}
    for plan in plans:
        for name, spent in plan.phases:
            seconds[name] = seconds.get(name, 0.0) + spent
    phases = tuple(seconds.items())
    if not status.has_plan:
        explanation = tuple(line for plan in plans for line in plan.explanation)
        return Plan(status, (), (), (), (), (), levels, wall_time_s, explanation, phases)
    return Plan(
        status,
        tuple(sorted((m for p in plans for m in p.moves), key=lambda m: (m.staff_id, m.to_school_id))),
        tuple(sorted((e for p in plans for e in p.extensions), key=lambda e: e.staff_id)),
        tuple(sorted((w for p in plans for w in p.walks), key=lambda w: (w.staff_id, w.school_id))),
        tuple(
            sorted(
                (o for p in plans for o in p.obligations),
                key=lambda o: (o.rule, o.group_id or "", o.school_id or "", o.part),
            )
        ),
        tuple(sorted((u for p in plans for u in p.unmoved), key=lambda u: u.staff_id)),
        levels,
        wall_time_s,
        phases=phases,
        exchange=tuple(sorted(who for p in plans for who in p.exchange)),
    )


def _level_rank(name: str) -> int:
    return LEVEL_NAMES.index(name) if name in LEVEL_NAMES else len(LEVEL_NAMES)


def _merge_levels(plans: list[Plan]) -> tuple[LevelResult, ...]:
    """Levels summed by name (each is a sum over components); a component with no terms adds nothing."""
    by_name: dict[str, list[LevelResult]] = {}
    for plan in plans:
        for level in plan.levels:
            by_name.setdefault(level.name, []).append(level)
    if len(by_name) > 1:
        by_name.pop("feasibility", None)
    merged: list[LevelResult] = []
    for name in sorted(by_name, key=_level_rank):
        parts = by_name[name]
        objective = sum(level.objective for level in parts)
        bound = sum(level.best_bound for level in parts)
        status = max((level.status for level in parts), key=_SEVERITY.index)
        gap = 1.0 if not status.has_plan else abs(objective - bound) / max(1.0, abs(objective))
        limits = {level.limit for level in parts}
        # A level the clock cut anywhere is not reproducible, whatever the work limit did elsewhere.
        limit = next((kind for kind in ("stop", "time", "work") if kind in limits), "")
        wall = max(level.wall_time_s for level in parts)
        merged.append(LevelResult(name, status, objective, bound, gap, wall, limit))
    return tuple(merged)
