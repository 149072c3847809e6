"""``make bench``: times measured in one run, reported as ratios against a baseline of the same run.

Shared machines are noisy, so every figure that matters is a ratio of two
timings taken back to back, each the best of a few repetitions.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import TypeVar

from python_calamine import CalamineWorkbook

from reports.plan_workbook import write_plan_workbook
from rotation.domain import Roster
from rotation.eligibility import Eligibility, assess_roster
from rotation.loader import load_workbook
from rotation.parameters import Parameters
from rotation.sample import write_sample
from rotation.whatif import grid_scenarios, parse_grid, run_sweep
from solver.components import split_components
from solver.model import build_model
from solver.solve import SolveOptions, solve

WORK = Path(__file__).resolve().parent / "work"
EFFECTIVE = date(2027, 9, 1)
T = TypeVar("T")


def best_of(repeats: int, action: Callable[[], T]) -> tuple[float, T]:
    """The fastest of ``repeats`` runs (seconds) and the last result."""
    best = float("inf")
    result: T | None = None
    for _ in range(repeats):
        started = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - started)
    assert result is not None
    return best, result


def bare_calamine_read(path: Path) -> int:
    """The floor any loader pays: every sheet decoded to Python values, nothing checked."""
    workbook = CalamineWorkbook.from_path(str(path))
    return sum(len(workbook.get_sheet_by_name(name).to_python()) for name in workbook.sheet_names)


def workbook(size: str, seed: int) -> Path:
    WORK.mkdir(exist_ok=True)
    path = WORK / f"{size}-{seed}.xlsx"
    if not path.exists():
        write_sample(path, size, seed, EFFECTIVE)  # type: ignore[arg-type]
    return path


def bench_loader() -> None:
    path = workbook("city", 11)
    bare_s, rows = best_of(3, lambda: bare_calamine_read(path))
    load_s, loaded = best_of(3, lambda: load_workbook(path))
    assess_s, _ = best_of(3, lambda: assess_roster(loaded.roster, loaded.params))
    staff = len(loaded.roster.staff)
    print(f"loader: {path.name}: {staff} staff, {rows} rows in all sheets")
    print(f"  bare calamine read        {bare_s:7.2f} s   1.00x")
    print(f"  load + validate           {load_s:7.2f} s   {load_s / bare_s:.2f}x   (target <= 2x)")
    print(f"  eligibility (all staff)   {assess_s:7.2f} s   {assess_s / bare_s:.2f}x")


def build_all_models(roster: Roster, params: Parameters, eligibility: Mapping[str, Eligibility]) -> int:
    """Every component's CP-SAT model built once, sequentially; the number of components."""
    components = split_components(roster, params, eligibility, ())
    for component in components:
        build_model(component)
    return len(components)


def bench_solve(size: str, seed: int, time_limit_s: float) -> None:
    """End to end on one generated instance, split by phase; the solve's own figures per level."""
    path = workbook(size, seed)
    out = WORK / f"{size}-{seed}-plan.xlsx"
    phases: dict[str, float] = {}

    def timed(name: str, action: Callable[[], T]) -> T:
        started = time.perf_counter()
        result = action()
        phases[name] = time.perf_counter() - started
        return result

    loaded = timed("load", lambda: load_workbook(path))
    eligibility = timed("eligibility", lambda: assess_roster(loaded.roster, loaded.params))
    options = SolveOptions(time_limit_s=time_limit_s, workers=2, seed=0)
    timed("model build", lambda: build_all_models(loaded.roster, loaded.params, eligibility))
    plan = timed("solve", lambda: solve(loaded.roster, loaded.params, eligibility, options))
    facts: list[tuple[str, object]] = [
        ("effective_date", loaded.params.effective_date),
        ("status", plan.status.value),
        ("objective", plan.objective),
        ("best_bound", plan.best_bound),
        ("gap", plan.gap),
        ("wall_time_s", plan.wall_time_s),
        ("input_sha256", loaded.sha256),
        ("version", "bench"),
    ]
    timed(
        "export",
        lambda: write_plan_workbook(
            out, loaded.roster, loaded.params, eligibility, plan, facts, loaded.warnings, force=True
        ),
    )
    # solve() builds its models again, in parallel with solving other parts: the build is timed on its own.
    total = sum(seconds for name, seconds in phases.items() if name != "model build")
    due = sum(1 for entry in eligibility.values() if entry.is_due)
    moved = {move.staff_id for move in plan.moves if move.rule != "S2"}
    due_moved = sum(1 for staff_id in moved if eligibility[staff_id].is_due)
    print(f"solve: {path.name}: {len(loaded.roster.staff)} staff, {len(loaded.roster.schools)} schools")
    print(f"  status {plan.status}, gap {plan.gap:.4f}, {len(moved)} moves, due moved {due_moved} / {due}")
    for name in ("load", "eligibility", "model build", "solve", "export"):
        note = "  (on its own, one thread; also inside solve)" if name == "model build" else ""
        print(f"  {name:<12} {phases[name]:7.2f} s  {phases[name] / total:6.1%}{note}")
    print(f"  {'end to end':<12} {total:7.2f} s")
    for level in plan.levels:
        print(f"    {level.name:<24} {level.status.value:<9} gap {level.gap:.4f}  {level.wall_time_s:6.2f} s")


def bench_sweep() -> None:
    """Eight scenarios on the district in two processes: wall time against the sum of their own times."""
    path = workbook("district", 2026)
    scenarios = grid_scenarios(
        parse_grid(
            [
                "female_exempt_age=50,52",
                "teacher_tenure_years=5,6",
                "max_outflow_ratio=0.15,0.2",
            ]
        )
    )
    started = time.perf_counter()
    results = run_sweep(path, scenarios, time_limit_s=120, processes=2)
    wall = time.perf_counter() - started
    own = sum(result.wall_time_s for result in results)
    statuses = ", ".join(sorted({result.status for result in results}))
    print(f"sweep: {path.name}: {len(results)} scenarios in 2 processes ({statuses})")
    print(f"  sum of the scenarios' own times {own:7.2f} s")
    print(f"  sweep wall time                 {wall:7.2f} s   speed-up {own / wall:.2f}x on 2 cores")


def main(argv: list[str]) -> None:
    selected = set(argv) or {"loader", "district", "city", "sweep"}
    if "loader" in selected:
        bench_loader()
    if "district" in selected:
        bench_solve("district", 2026, time_limit_s=60)
    if "city" in selected:
        bench_solve("city", 11, time_limit_s=90)
    if "sweep" in selected:
        bench_sweep()


if __name__ == "__main__":
    main(sys.argv[1:])
