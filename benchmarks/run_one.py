"""One benchmark run in a process of its own: ``python -m benchmarks.run_one WORKBOOK METHOD ...``.

Imports the project (and so OR-Tools, HiGHS, pandas), loads the workbook, assesses
eligibility, makes the plan with METHOD, exports the plan workbook, and prints one
JSON line (a ``RunRecord``, see ``benchmarks.records``) with the wall time of each
phase, the solve's own phases, the peak memory of this process and the plan's
figures. The process is fresh for every run, so its peak memory is this run's
alone. A method that fails is printed as a record with its ``error`` (exit code 1),
so that the caller can go on with the next run.
"""

from __future__ import annotations

import argparse
import importlib
import json
import resource
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from benchmarks.records import RunRecord

T = TypeVar("T")
# The methods by name, as solver.methods has them; written out so that importing them is timed.
METHODS: tuple[str, ...] = ("cp-sat", "mip", "greedy")


def peak_memory_mib() -> float:
    """This process's peak resident memory so far, in MiB.

    On Linux, the high-water mark of the process's own address space (``VmHWM``): ``ru_maxrss``
    would carry over the parent's resident memory at the fork, however small this run is. Elsewhere
    ``ru_maxrss`` (KiB on Linux, bytes on macOS) is all there is.
    """
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        status = ""
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def run(
    workbook: Path,
    method: str,
    *,
    time_limit_s: float,
    workers: int = 2,
    seed: int = 0,
    plan_out: Path | None = None,
) -> RunRecord:
    """Every phase of one run, timed by the wall clock; the plan's figures; the peak memory."""
    phases: dict[str, float] = {}
    started = time.perf_counter()

    def timed(name: str, action: Callable[[], T]) -> T:
        begun = time.perf_counter()
        result = action()
        phases[name] = time.perf_counter() - begun
        record.peak_mib_after[name] = peak_memory_mib()
        return result

    record = RunRecord(instance=workbook.stem, method=method, time_limit_s=time_limit_s, workers=workers)
    try:
        timed("imports", _import_project)
        from reports.facts import plan_facts
        from reports.plan_workbook import write_plan_workbook
        from rotation.eligibility import assess_roster
        from rotation.workbook.loader import load_workbook
        from solver.methods import solve_by
        from solver.settings import SolveOptions

        if method not in METHODS:
            raise ValueError(f"unknown method {method!r}")
        loaded = timed("load", lambda: load_workbook(workbook))
        eligibility = timed("eligibility", lambda: assess_roster(loaded.roster, loaded.params))
        record.staff = len(loaded.roster.staff)
        record.schools = len(loaded.roster.schools)
        record.due = sum(1 for entry in eligibility.values() if entry.is_due)
        options = SolveOptions(time_limit_s=time_limit_s, workers=workers, seed=seed)
        plan = timed(
            "solve",
            lambda: solve_by(method, loaded.roster, loaded.params, eligibility, options),  # type: ignore[arg-type]
        )
        record.take_plan(plan, {staff_id for staff_id, entry in eligibility.items() if entry.is_due})
        if plan_out is not None:
            facts = plan_facts(loaded, plan, method, time.perf_counter() - started)
            timed(
                "export",
                lambda: write_plan_workbook(
                    plan_out,
                    loaded.roster,
                    loaded.params,
                    eligibility,
                    plan,
                    facts,
                    loaded.warnings,
                    force=True,
                ),
            )
    except Exception as error:  # recorded in the row; the benchmark goes on with the next run
        record.error = f"{type(error).__name__}: {error}".splitlines()[0][:300]
        traceback.print_exc(file=sys.stderr)
    record.phases = phases
    record.end_to_end_s = time.perf_counter() - started
    record.peak_mib = peak_memory_mib()
    return record


def _import_project() -> None:
    """Everything a run uses, imported once here so that the time it takes is a phase of its own."""
    for module in (
        "reports.facts",
        "reports.plan_workbook",
        "rotation.eligibility",
        "rotation.workbook.loader",
        "solver.methods",
    ):
        importlib.import_module(module)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run_one", description=__doc__)
    parser.add_argument("workbook", type=Path)
    parser.add_argument("method", choices=METHODS)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--plan-out", type=Path, default=None, help="export the plan workbook here")
    args = parser.parse_args(argv)
    record = run(
        args.workbook,
        args.method,
        time_limit_s=args.time_limit,
        workers=args.workers,
        seed=args.seed,
        plan_out=args.plan_out,
    )
    print(json.dumps(record.to_json(), ensure_ascii=False))
    return 1 if record.error else 0


if __name__ == "__main__":
    sys.exit(main())
