"""The MIP peer: the same model, optimised by HiGHS's branch and cut instead of CP-SAT.

Every constraint the rule registry creates is linear over bounded integer
variables (one destination per person, the obligations, the contingent tags,
the walks, the key-share drifts, the soft shortfalls), so a component's CP-SAT
model already is a mixed-integer program. It is read off the model's proto
row by row rather than coded a second time: a rule added to the registry
reaches both solvers at once, and agreement between them checks the two
solvers' claims of optimality on one formulation. The rules themselves are
checked independently, on the exported workbook (tests/plan_checker.py).

The levels are optimised one after another exactly as ``solver.solve`` does
for CP-SAT: each fixed (proven) or bounded (time limit) before the next. No
start solution is passed on: HiGHS 1.16, given the previous level's plan as a
start, claimed a wrong optimum after presolve (key-teacher level 0 where 1 is
reachable, on a generated district; test_mip.py keeps that instance), and
without presolve it is slower than starting cold. ``objective_mode = weighted`` is not
followed: its weights reach 2^53, far past what a floating-point solver's
tolerances keep exact, and lexicographic levels give the same optimum.

All objective coefficients and variables are integers, so every level's
value is an integer and an absolute gap below one proves it optimal
(``MIP_ABS_GAP``); HiGHS runs on one thread with the seed, so the same input
gives the same plan.
"""

from __future__ import annotations

import math
import os
import sys
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import highspy
import numpy as np
import numpy.typing as npt
from highspy.highs import HighsCallbackEvent

from rotation.plan import LevelResult, SolveStatus
from rotation.text import Text
from solver.model import BuiltModel
from solver.objective import Level
from solver.settings import Progress, SolveSettings, level_label, progress_line
from solver.stopping import stop_requested

if TYPE_CHECKING:
    from ortools.sat.python import cp_model_helper

# CP-SAT writes an unbounded side of a domain as ±(2^63 − 1); anything this far out is infinite.
CP_SAT_UNBOUNDED = 2**62
# Objectives are integer-valued, so a bound within this of the incumbent proves it optimal.
MIP_ABS_GAP = 0.5

_Floats = npt.NDArray[np.float64]
_Ints = npt.NDArray[np.int32]

_FOUND = {
    highspy.HighsModelStatus.kOptimal: SolveStatus.OPTIMAL,
    highspy.HighsModelStatus.kInfeasible: SolveStatus.INFEASIBLE,
    # Every column is bounded, so "unbounded or infeasible" can only be infeasible.
    highspy.HighsModelStatus.kUnboundedOrInfeasible: SolveStatus.INFEASIBLE,
}
_STOPPED = {
    highspy.HighsModelStatus.kTimeLimit,
    highspy.HighsModelStatus.kInterrupt,
    highspy.HighsModelStatus.kIterationLimit,
    highspy.HighsModelStatus.kSolutionLimit,
    highspy.HighsModelStatus.kObjectiveBound,
    highspy.HighsModelStatus.kObjectiveTarget,
}


_banner_lock = threading.Lock()
_banner_shown = False


class NotLinearError(ValueError):
    """The model holds a constraint a MIP cannot take as it stands (a rule that is not linear)."""


@dataclass(frozen=True)
class LinearProgram:
    """A CP-SAT model as columns with integer bounds and rows in compressed sparse row form."""

    column_lower: _Floats
    column_upper: _Floats
    row_lower: _Floats
    row_upper: _Floats
    row_starts: _Ints
    row_index: _Ints
    row_value: _Floats

    @property
    def columns(self) -> int:
        return len(self.column_lower)

    @property
    def rows(self) -> int:
        return len(self.row_lower)

    def violations(self, solution: list[int]) -> list[str]:
        """What an integer solution breaks, exactly: columns out of bounds and rows out of range."""
        values = np.asarray(solution, dtype=np.int64)
        broken = [
            f"column {column}"
            for column in np.flatnonzero((values < self.column_lower) | (values > self.column_upper))
        ]
        if self.rows:
            products = self.row_value.astype(np.int64) * values[self.row_index]
            activity = np.zeros(self.rows, dtype=np.int64)
            np.add.at(activity, np.repeat(np.arange(self.rows), np.diff(self.row_starts)), products)
            outside = (activity < self.row_lower) | (activity > self.row_upper)
            broken.extend(f"row {row}" for row in np.flatnonzero(outside))
        return broken


def linear_program(proto: cp_model_helper.CpModelProto) -> LinearProgram:
    """The model's variables and constraints as a MIP; NotLinearError names anything else.

    Only linear constraints with one interval and at-most-one constraints,
    neither with enforcement literals, are taken: all the rule registry makes
    outside a diagnostic build.
    """
    column_lower: list[float] = []
    column_upper: list[float] = []
    for variable in proto.variables:
        domain = list(variable.domain)
        if len(domain) != 2:
            raise NotLinearError(f"variable {variable.name}: a domain with holes {domain}")
        column_lower.append(_bound(domain[0]))
        column_upper.append(_bound(domain[1]))
    row_lower: list[float] = []
    row_upper: list[float] = []
    row_starts = [0]
    row_index: list[int] = []
    row_value: list[float] = []
    for position, constraint in enumerate(proto.constraints):
        if list(constraint.enforcement_literal):
            raise NotLinearError(f"constraint {position} {constraint.name}: has enforcement literals")
        if constraint.has_linear():
            linear = constraint.linear
            domain = list(linear.domain)
            if len(domain) != 2:
                raise NotLinearError(f"constraint {position} {constraint.name}: a domain with holes {domain}")
            row_index.extend(linear.vars)
            row_value.extend(linear.coeffs)
            row_lower.append(_bound(domain[0]))
            row_upper.append(_bound(domain[1]))
        elif constraint.has_at_most_one():
            literals = list(constraint.at_most_one.literals)
            if any(literal < 0 for literal in literals):
                raise NotLinearError(f"constraint {position} {constraint.name}: a negated literal")
            row_index.extend(literals)
            row_value.extend([1.0] * len(literals))
            row_lower.append(-math.inf)
            row_upper.append(1.0)
        else:
            raise NotLinearError(f"constraint {position} {constraint.name}: not linear ({constraint})")
        row_starts.append(len(row_index))
    return LinearProgram(
        np.array(column_lower),
        np.array(column_upper),
        np.array(row_lower),
        np.array(row_upper),
        np.array(row_starts, dtype=np.int32),
        np.array(row_index, dtype=np.int32),
        np.array(row_value),
    )


def _bound(value: int) -> float:
    if value >= CP_SAT_UNBOUNDED:
        return math.inf
    if value <= -CP_SAT_UNBOUNDED:
        return -math.inf
    return float(value)


def optimise_mip(
    built: BuiltModel, settings: SolveSettings
) -> tuple[list[LevelResult], list[int] | None, SolveStatus]:
    """``solver.solve._optimise`` with HiGHS: the levels in order, each fixed before the next."""
    program = linear_program(built.model.proto)
    highs = _highs(program, settings.seed)
    levels: list[Level] = [level for level in built.levels if level.terms] or [
        Level("feasibility", False, [], [])
    ]
    results: list[LevelResult] = []
    solution: list[int] | None = None
    first_status = SolveStatus.UNKNOWN
    for position, level in enumerate(levels):
        budget = min(settings.remaining(), 2 * settings.remaining() / (len(levels) - position))
        label = level_label(built.data.label, level.name, "MIP")
        result, found = _solve_level(highs, program, level, budget, label, settings.report)
        settings.report(
            progress_line(
                label, result.status, result.objective, result.best_bound, result.gap, result.wall_time_s
            )
        )
        results.append(result)
        if position == 0:
            first_status = result.status
        if found is None:
            if first_status is SolveStatus.INFEASIBLE:
                break
            continue
        solution = found
        if level.terms and position < len(levels) - 1:
            _hold(highs, level, level.value(found), result.status)
    return results, solution, first_status


def _new_highs() -> highspy.Highs:
    """A HiGHS instance, without the banner it prints to standard output on the first in a process.

    The banner comes from the constructor, before any option can turn output
    off, so the first construction runs with file descriptor 1 on /dev/null:
    the CLI's standard output stays its own, parseable output.
    """
    global _banner_shown
    with _banner_lock:
        if _banner_shown:
            return highspy.Highs()  # type: ignore[no-untyped-call]  # an unannotated constructor
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "wb") as devnull:
                os.dup2(devnull.fileno(), 1)
                highs = highspy.Highs()  # type: ignore[no-untyped-call]  # an unannotated constructor
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _banner_shown = True
        return highs


def _highs(program: LinearProgram, seed: int) -> highspy.Highs:
    highs = _new_highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("threads", 1)
    highs.setOptionValue("random_seed", seed)
    highs.setOptionValue("mip_rel_gap", 0.0)
    highs.setOptionValue("mip_abs_gap", MIP_ABS_GAP)
    if program.columns:
        highs.addVars(program.columns, program.column_lower, program.column_upper)
        highs.changeColsIntegrality(
            program.columns,
            np.arange(program.columns, dtype=np.int32),
            np.full(program.columns, highspy.HighsVarType.kInteger),
        )
    if program.rows:
        highs.addRows(
            program.rows,
            program.row_lower,
            program.row_upper,
            len(program.row_index),
            program.row_starts[:-1],
            program.row_index,
            program.row_value,
        )
    return highs


def _solve_level(
    highs: highspy.Highs,
    program: LinearProgram,
    level: Level,
    budget: float,
    label: Text,
    report: Progress,
) -> tuple[LevelResult, list[int] | None]:
    if not program.columns:
        # Nothing to decide: HiGHS calls an empty model optimal without reading its rows, which are
        # constants here (an obligation nobody can fill) and may already be broken.
        if program.violations([]):
            return LevelResult(level.name, SolveStatus.INFEASIBLE, 0.0, 0.0, 1.0, 0.0), None
        return LevelResult(level.name, SolveStatus.OPTIMAL, 0.0, 0.0, 0.0, 0.0), []
    costs = np.zeros(program.columns)
    np.add.at(costs, [var.index for var in level.terms], level.weights)
    highs.changeColsCost(program.columns, np.arange(program.columns, dtype=np.int32), costs)
    sense = highspy.ObjSense.kMaximize if level.maximise else highspy.ObjSense.kMinimize
    highs.changeObjectiveSense(sense)
    highs.setOptionValue("time_limit", max(budget, 0.01))

    def improved(event: HighsCallbackEvent) -> None:
        out = event.data_out
        report(
            progress_line(
                label, None, out.objective_function_value, out.mip_dual_bound, out.mip_gap, out.running_time
            )
        )

    def stop_if_asked(event: HighsCallbackEvent) -> None:
        # A signal (solver.stopping): HiGHS stops at its next check, as CP-SAT does.
        if stop_requested():
            event.interrupt()

    highs.cbMipImprovingSolution.subscribe(improved)
    highs.cbMipInterrupt.subscribe(stop_if_asked)
    started = time.monotonic()
    try:
        highs.run()
    finally:
        highs.cbMipImprovingSolution.unsubscribe(improved)
        highs.cbMipInterrupt.unsubscribe(stop_if_asked)
    wall = time.monotonic() - started
    model_status = highs.getModelStatus()
    info = highs.getInfo()
    status = _FOUND.get(model_status)
    if status is None:
        if model_status not in _STOPPED:
            raise RuntimeError(f"{label}: HiGHS stopped with {highs.modelStatusToString(model_status)}")
        has_plan = info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
        status = SolveStatus.FEASIBLE if has_plan else SolveStatus.UNKNOWN
    if not status.has_plan:
        return LevelResult(level.name, status, 0.0, 0.0, 1.0, wall), None
    found = [round(value) for value in highs.getSolution().col_value]
    broken = program.violations(found)
    if broken:
        # Within HiGHS's tolerances but not exactly: refuse it rather than export a plan that breaks a rule.
        raise RuntimeError(f"{label}: the rounded MIP solution breaks {', '.join(broken[:5])}")
    objective = float(level.value(found)) if level.terms else 0.0
    if status is SolveStatus.OPTIMAL:
        bound = objective
    else:
        # The dual bound of an integer objective rounds towards the incumbent.
        raw = info.mip_dual_bound
        bound = float(math.floor(raw + 1e-6) if level.maximise else math.ceil(raw - 1e-6))
    gap = abs(objective - bound) / max(1.0, abs(objective))
    return LevelResult(level.name, status, objective, bound, gap, wall), found


def _hold(highs: highspy.Highs, level: Level, value: int, status: SolveStatus) -> None:
    """Keep a level at its optimum, or no worse than the value found when it was cut short."""
    lower, upper = float(value), float(value)
    if status is not SolveStatus.OPTIMAL:
        if level.maximise:
            upper = math.inf
        else:
            lower = -math.inf
    coefficients: dict[int, int] = {}
    for var, weight in zip(level.terms, level.weights, strict=True):
        coefficients[var.index] = coefficients.get(var.index, 0) + weight
    index = np.array(list(coefficients), dtype=np.int32)
    highs.addRow(lower, upper, len(index), index, np.array(list(coefficients.values()), dtype=np.float64))
