"""The province simulation (issue 14 §4): county workbooks × scenarios through ``rotation batch``'s engines.

    python -m benchmarks province            # 30 counties of 2,000–8,000 staff × 2 scenarios
    python -m benchmarks province --quick    # 4 counties of 1,000–2,000 staff × 2 scenarios

The same batch runs three times, each into an empty folder (nothing reused): on the local pool with 1
process, with 2 processes, and on a local Ray cluster of 2 CPUs (started before the clock starts, its
start timed on its own). Every solve has one worker, so Ray reserves one CPU per task. The figures:
wall time, solves per minute, the solves' own times (load, solve and writing the plan) and the
speed-up over one process; then a projection of the same batch onto N nodes of 2 CPUs, from the
per-solve times Ray measured: the longest-first schedule of those times on 2N slots, plus Ray's own
overhead per solve as measured here (its wall time × 2 slots − the solves' times, per solve).
"""

from __future__ import annotations

import shutil
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rotation.scenarios.batch import BatchResult, BatchSettings, batch_jobs, batch_scenarios, run_batch
from rotation.scenarios.engines import EngineChoice, import_ray, start_local_ray
from rotation.scenarios.sweep import parse_grid

# 60 solves, three times over: about 5 minutes of a whole `make bench` on 2 cores (2,000 to 8,000 staff
# solve in about 2 s each), and twice that when other work shares the cores; with 4 scenarios each, as
# at first, the province alone was estimated at 25–30 minutes.
FULL_COUNTIES = 30
QUICK_COUNTIES = 4
FULL_GRID = ("female_exempt_age=50,52",)
QUICK_GRID = ("female_exempt_age=50,52",)
TIME_LIMIT_S = 120.0
CPUS_PER_NODE = 2
PROJECTED_NODES = (1, 2, 4, 8, 16, 32)
COUNTY_SEED = 500


@dataclass(frozen=True)
class County:
    """A generated county: its name, staff count and seed (rotation.sample's scaled district)."""

    name: str
    staff: int
    seed: int


def counties(quick: bool) -> list[County]:
    """Evenly spread sizes: 2,000 to 8,000 staff (1,000 to 2,000 quick), a seed each."""
    count, low, high = (QUICK_COUNTIES, 1_000, 2_000) if quick else (FULL_COUNTIES, 2_000, 8_000)
    step = (high - low) / (count - 1)
    return [County(f"county-{i + 1:02d}", round(low + i * step), COUNTY_SEED + i) for i in range(count)]


@dataclass(frozen=True)
class Run:
    label: str
    result: BatchResult
    wall_s: float

    @property
    def task_times(self) -> list[float]:
        return [row.task_s for row in self.result.rows]

    @property
    def per_minute(self) -> float:
        return len(self.result.rows) / self.wall_s * 60


def bench_province(
    workbooks: Sequence[Path], work: Path, quick: bool, log: Callable[[str], None]
) -> list[str]:
    """Run the batch on the three engines and return the section's lines (as printed)."""
    jobs = batch_jobs(workbooks, batch_scenarios(parse_grid(list(QUICK_GRID if quick else FULL_GRID))))
    settings = BatchSettings(time_limit_s=TIME_LIMIT_S, workers=1, seed=0, lang="zh")
    runs: list[Run] = []

    def timed(label: str, engine: EngineChoice) -> None:
        folder = work / label.replace(" ", "-").replace(",", "")
        shutil.rmtree(folder, ignore_errors=True)
        started = time.perf_counter()
        result = run_batch(jobs, folder, settings, engine)
        runs.append(Run(label, result, time.perf_counter() - started))
        log(f"  {label}: {_wall_line(runs[-1])}")

    timed("pool, 1 process", EngineChoice("local", 1))
    timed("pool, 2 processes", EngineChoice("local", 2))
    started = time.perf_counter()
    start_local_ray(CPUS_PER_NODE)
    ray_start_s = time.perf_counter() - started
    try:
        timed("Ray, 2 CPUs", EngineChoice("ray", CPUS_PER_NODE))
    finally:
        import_ray().shutdown()
    return _lines(workbooks, jobs, runs, ray_start_s)


def _wall_line(run: Run) -> str:
    statuses = Counter(row.status for row in run.result.rows)
    listed = ", ".join(f"{status} {count}" for status, count in sorted(statuses.items()))
    return (
        f"{len(run.result.rows)} solves ({listed}) in {run.wall_s:7.1f} s, {run.per_minute:5.1f} solves/min, "
        f"solve times add up to {sum(run.task_times):7.1f} s"
    )


def _lines(
    workbooks: Sequence[Path], jobs: Sequence[object], runs: Sequence[Run], ray_start_s: float
) -> list[str]:
    scenarios = len(jobs) // len(workbooks)
    first = runs[0]
    lines = [
        f"province: {len(workbooks)} counties × {scenarios} scenarios = {len(jobs)} solves, "
        f"time limit {TIME_LIMIT_S:.0f} s, 1 worker per solve",
        "",
        f"  {'engine':<20} {'wall s':>8} {'solves/min':>10} {'speed-up':>8} {'sum of solves s':>15} "
        f"{'mean s':>7} {'max s':>7}",
    ]
    for run in runs:
        times = run.task_times
        lines.append(
            f"  {run.label:<20} {run.wall_s:8.1f} {run.per_minute:10.1f} {first.wall_s / run.wall_s:7.2f}x "
            f"{sum(times):15.1f} {sum(times) / len(times):7.2f} {max(times):7.2f}"
        )
    on_ray = runs[-1]
    lines += [
        f"  (the local Ray cluster took {ray_start_s:.1f} s to start, outside its wall time)",
        "",
        *_projection(on_ray),
    ]
    return lines


def _projection(run: Run) -> list[str]:
    times = run.task_times
    overhead = max(0.0, (run.wall_s * CPUS_PER_NODE - sum(times)) / len(times))
    lines = [
        f"projection to N nodes of {CPUS_PER_NODE} CPUs, from the {len(times)} solve times measured on Ray "
        f"(mean {sum(times) / len(times):.2f} s) and its overhead of {overhead:.2f} s per solve here:",
        "",
        f"  {'nodes':>5} {'wall s':>8} {'solves/min':>10} {'1,000 such solves':>18}",
    ]
    for nodes in PROJECTED_NODES:
        slots = nodes * CPUS_PER_NODE
        wall = longest_first(times, slots) + overhead * -(-len(times) // slots)
        per_thousand = (sum(times) / len(times) + overhead) * 1000 / slots
        lines.append(f"  {nodes:>5} {wall:8.1f} {len(times) / wall * 60:10.1f} {_minutes(per_thousand):>18}")
    return lines


def longest_first(times: Sequence[float], slots: int) -> float:
    """The makespan of the times scheduled longest first, each on the slot free soonest."""
    loads = [0.0] * max(1, slots)
    for duration in sorted(times, reverse=True):
        loads[loads.index(min(loads))] += duration
    return max(loads)


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min"
