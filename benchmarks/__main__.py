"""``make bench``: every method on generated districts of 1,000 to 100,000 staff, and the loader and sweep.

    python -m benchmarks                      # everything; writes benchmarks/RESULTS.md and scaling.png
    python -m benchmarks methods scaling      # some sections; writes benchmarks/work/RESULTS.md
    python -m benchmarks --quick              # small instances only, to develop with (also in work/)

Sections: ``loader`` (the workbook reader against a bare read), ``methods`` (cp-sat, mip and greedy
on the district, the city and the large city), ``before`` (the district's and the city's solve at the
commit before the v2 rules against now; benchmarks/before.py), ``scaling`` (the same from 1,000 to
100,000 staff, reusing the runs of ``methods`` where the sizes coincide), ``sweep`` (eight scenarios
in two processes) and ``province`` (30 counties × 2 scenarios through ``rotation batch`` on the local
pool and on a local Ray; benchmarks/province.py). Each (instance, method) runs in a fresh process
(``benchmarks.run_one``); only a full run writes the committed results, so that all their ratios
come from one run. The results open with the speed targets of issue 14, met or not
(benchmarks/targets.py).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

from benchmarks.records import RunRecord
from benchmarks.report import Instance, Section, plot_scaling, render
from benchmarks.targets import target_lines, targets

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
WORK = BENCH / "work"
EFFECTIVE = date(2027, 9, 1)
METHODS: tuple[str, ...] = ("cp-sat", "mip", "greedy")
WORKERS = 2
SEED = 0
SECTIONS: tuple[str, ...] = ("loader", "methods", "before", "scaling", "sweep", "province")
T = TypeVar("T")


@dataclass(frozen=True)
class Spec:
    """A generated instance: ``size`` is a named sample size or a staff count (rotation.sample)."""

    name: str
    size: str | int
    seed: int
    description: str

    @property
    def time_limit_s(self) -> float:
        """Per method and run: what the size needs with room to spare, within the 30-minute budget."""
        return _time_limit(self.size)


def _time_limit(size: str | int) -> float:
    named = {"tiny": 30.0, "district": 90.0, "city": 180.0, "large": 300.0}
    if isinstance(size, str):
        return named[size]
    return 60.0 if size <= 10_000 else 120.0


DISTRICT = Spec("district", "district", 2026, "the sample district (`--size district --seed 2026`)")
CITY = Spec("city", "city", 11, "the sample city (`--size city --seed 11`)")
LARGE = Spec("large", "large", 100, "the large city (`--size large --seed 100`): the city's layout × 2.4")


def scaled(staff: int) -> Spec:
    return Spec(f"staff-{staff}", staff, 1, f"the district's layout scaled to {staff:,} staff (seed 1)")


FULL_METHODS = (DISTRICT, CITY, LARGE)
# From 1,000 to 100,000 staff; the district (~6,500), the city (~42,000) and the large city (~100,000)
# come from the methods section.
FULL_SCALING = (scaled(1_000), scaled(2_000), scaled(5_000), scaled(10_000), scaled(20_000))
QUICK_METHODS = (scaled(1_000), scaled(2_000))
QUICK_SCALING = (scaled(3_000),)
# Before and after the v2 rules: named sizes only, which the old generator has too.
FULL_BEFORE = (DISTRICT, CITY)
QUICK_BEFORE = (Spec("tiny", "tiny", 7, "the tiny sample"),)


# --- Instances -----------------------------------------------------------------------------------------


def generator_key() -> str:
    """A hash of the source of every project module the generator and the workbook writer import.

    The cached workbooks carry it in their names: any change to the generator makes them anew.
    """
    probe = (
        "import json, sys, rotation.sample, reports.input_workbook; "
        "print(json.dumps(sorted(m.__file__ for m in list(sys.modules.values()) "
        "if getattr(m, '__file__', None))))"
    )
    files = json.loads(
        subprocess.run(
            [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
    )
    digest = hashlib.sha256()
    for name in files:
        path = Path(name).resolve()
        if path.is_relative_to(ROOT) and ".venv" not in path.parts:
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def instance_workbook(spec: Spec, key: str) -> tuple[Path, float]:
    """The spec's input workbook, generated unless cached under the same generator key; seconds spent."""
    from reports.input_workbook import write_input_workbook
    from rotation.sample import generate

    folder = WORK / "instances"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{spec.name}-s{spec.seed}-{key}.xlsx"
    if path.exists():
        return path, 0.0
    for stale in folder.glob(f"{spec.name}-s{spec.seed}-*.xlsx"):
        stale.unlink()
    started = time.perf_counter()
    roster = generate(spec.size, spec.seed, EFFECTIVE)  # type: ignore[arg-type]
    write_input_workbook(path, roster, parameters={"effective_date": EFFECTIVE})
    return path, time.perf_counter() - started


# --- Runs ----------------------------------------------------------------------------------------------


def run_in_child(workbook: Path, method: str, name: str, time_limit_s: float) -> RunRecord:
    """One run in a fresh process; a crash, a time-out or a method that fails becomes an error record."""
    plans = WORK / "plans"
    plans.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "benchmarks.run_one",
        str(workbook),
        method,
        "--time-limit",
        str(time_limit_s),
        "--workers",
        str(WORKERS),
        "--seed",
        str(SEED),
        "--plan-out",
        str(plans / f"{name}-{method}.xlsx"),
    ]
    # The solve keeps its own time limit; this only catches a run that hangs past it.
    hard_limit = 2 * time_limit_s + 180
    started = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=hard_limit)
    except subprocess.TimeoutExpired:
        record = RunRecord(name, method, time_limit_s, WORKERS, error=f"no answer within {hard_limit:.0f} s")
        record.end_to_end_s = time.perf_counter() - started
        return record
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if lines:
        record = RunRecord.from_json(json.loads(lines[-1]))
    else:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        record = RunRecord(name, method, time_limit_s, WORKERS, error=f"exit {done.returncode}: {last[:300]}")
    record.instance = name
    return record


def run_methods(spec: Spec, key: str, log: Callable[[str], None]) -> tuple[list[RunRecord], float]:
    path, generated_s = instance_workbook(spec, key)
    if generated_s:
        log(f"  generated {path.name} in {generated_s:.1f} s")
    records = []
    for method in METHODS:
        record = run_in_child(path, method, spec.name, spec.time_limit_s)
        records.append(record)
        log("  " + _summary(record))
    return records, generated_s


def _summary(record: RunRecord) -> str:
    head = f"{record.instance:<12} {record.method:<7}"
    if not record.ok:
        return f"{head} ERROR {record.error}"
    return (
        f"{head} {record.status:<8} {record.staff:>7,} staff  solve {record.phases.get('solve', 0):7.1f} s  "
        f"end to end {record.end_to_end_s:7.1f} s  peak {record.peak_mib:7,.0f} MiB  "
        f"due rotated {record.due_rotated:,}/{record.due:,}  gap {record.gap:.4f}"
    )


# --- Loader and sweep (as before: ratios of timings taken back to back) ---------------------------------


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
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    return sum(len(workbook.get_sheet_by_name(name).to_python()) for name in workbook.sheet_names)


def bench_loader(path: Path) -> tuple[list[str], float]:
    """The section's lines, and load + validate as a multiple of the bare read."""
    from benchmarks.targets import LOADER_RATIO
    from rotation.eligibility import assess_roster
    from rotation.workbook.loader import load_workbook

    bare_s, rows = best_of(3, lambda: bare_calamine_read(path))
    load_s, loaded = best_of(3, lambda: load_workbook(path))
    assess_s, _ = best_of(3, lambda: assess_roster(loaded.roster, loaded.params))
    staff = len(loaded.roster.staff)
    lines = [
        f"loader: {path.name}: {staff} staff, {rows} rows in all sheets",
        f"  bare calamine read        {bare_s:7.2f} s   1.00x",
        f"  load + validate           {load_s:7.2f} s   {load_s / bare_s:.2f}x   (target <= {LOADER_RATIO}x)",
        f"  eligibility (all staff)   {assess_s:7.2f} s   {assess_s / bare_s:.2f}x",
    ]
    return lines, load_s / bare_s


def bench_sweep(path: Path, grid: Sequence[str]) -> list[str]:
    """Scenarios in two processes: wall time against the sum of their own times."""
    from rotation.scenarios.sweep import grid_scenarios, parse_grid, run_sweep

    scenarios = grid_scenarios(parse_grid(list(grid)))
    started = time.perf_counter()
    results = run_sweep(path, scenarios, time_limit_s=120, processes=2)
    wall = time.perf_counter() - started
    own = sum(result.wall_time_s for result in results)
    statuses = ", ".join(sorted({result.status for result in results}))
    return [
        f"sweep: {path.name}: {len(results)} scenarios in 2 processes ({statuses})",
        f"  sum of the scenarios' own times {own:7.2f} s",
        f"  sweep wall time                 {wall:7.2f} s   speed-up {own / wall:.2f}x on 2 cores",
    ]


SWEEP_GRID = ("female_exempt_age=50,52", "teacher_tenure_years=5,6", "max_outflow_ratio=0.15,0.2")
QUICK_SWEEP_GRID = ("female_exempt_age=50,52", "max_outflow_ratio=0.15,0.2")


# --- The whole run -------------------------------------------------------------------------------------


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("sections", nargs="*", metavar="SECTION", help=f"any of {', '.join(SECTIONS)}")
    parser.add_argument("--quick", action="store_true", help="small instances only (results in work/)")
    args = parser.parse_args(list(argv))
    unknown = [s for s in args.sections if s not in SECTIONS]
    if unknown:
        parser.error(f"unknown section {', '.join(unknown)} (known: {', '.join(SECTIONS)})")
    selected = [s for s in SECTIONS if s in args.sections] or list(SECTIONS)
    full = selected == list(SECTIONS) and not args.quick
    started = time.perf_counter()
    WORK.mkdir(exist_ok=True)

    def log(line: str) -> None:
        print(line, flush=True)

    key = generator_key()
    log(f"bench: sections {', '.join(selected)}{' (quick)' if args.quick else ''}; generator {key}")
    method_specs = QUICK_METHODS if args.quick else FULL_METHODS
    scaling_specs = QUICK_SCALING if args.quick else FULL_SCALING
    sections: list[Section] = []
    instances: list[Instance] = []
    scaling: list[RunRecord] = []
    all_records: list[RunRecord] = []

    loader_ratio: float | None = None
    if "loader" in selected:
        path, _ = instance_workbook(DISTRICT if args.quick else CITY, key)
        lines, loader_ratio = bench_loader(path)
        sections.append(Section("Loader", lines))
        log("\n".join(lines))
    if "methods" in selected:
        log("methods:")
        for spec in method_specs:
            records, _ = run_methods(spec, key, log)
            instances.append(Instance(spec.name, spec.description, records))
            all_records += records
            _save(all_records)
    if "before" in selected:
        from benchmarks.before import bench_before

        log("before:")
        now = []
        for spec in QUICK_BEFORE if args.quick else FULL_BEFORE:
            path = instance_workbook(spec, key)[0]
            now.append((str(spec.size), spec.seed, _runner(path, spec)))
        lines = bench_before(ROOT, now, EFFECTIVE, _time_limit, log, rounds=1 if args.quick else 2)
        sections.append(Section("Before and after the v2 rules", lines))
        log("\n".join(lines))
    if "scaling" in selected:
        log("scaling:")
        for spec in scaling_specs:
            records, _ = run_methods(spec, key, log)
            scaling += records
            all_records += records
            _save(all_records)
        # The methods section's instances are points of the curve too: not run twice.
        scaling += [record for instance in instances for record in instance.records]
    if "sweep" in selected:
        path, _ = instance_workbook(scaled(2_000) if args.quick else DISTRICT, key)
        lines = bench_sweep(path, QUICK_SWEEP_GRID if args.quick else SWEEP_GRID)
        sections.append(Section("Sweep", lines))
        log("\n".join(lines))
    if "province" in selected:
        from benchmarks.province import bench_province, counties

        log("province:")
        workbooks = [
            instance_workbook(Spec(c.name, c.staff, c.seed, "a generated county"), key)[0]
            for c in counties(args.quick)
        ]
        lines = bench_province(workbooks, WORK / "province", args.quick, log)
        sections.append(Section("Province", lines))
        log("\n".join(lines))

    total_s = time.perf_counter() - started
    folder = BENCH if full else WORK
    plot = folder / "scaling.png"
    if scaling:
        plot_scaling(scaling, plot)
    note = (
        "" if full else f"**Partial run** (sections {', '.join(selected)}{', quick' if args.quick else ''})."
    )
    goals = target_lines(targets(all_records, loader_ratio))
    text = render(instances, scaling, sections, plot.name if scaling else None, total_s, note, goals)
    (folder / "RESULTS.md").write_text(text, encoding="utf-8")
    log(
        f"bench: {_minutes(total_s)} in all; wrote {folder / 'RESULTS.md'}"
        + (f" and {plot}" if scaling else "")
    )
    return 0


def _runner(path: Path, spec: Spec) -> Callable[[], RunRecord]:
    """A CP-SAT run of the instance in a fresh process, to be started when called."""
    return lambda: run_in_child(path, "cp-sat", spec.name, spec.time_limit_s)


def _save(records: Sequence[RunRecord]) -> None:
    """The records so far, in case a later section fails: benchmarks/work/records.json."""
    (WORK / "records.json").write_text(
        json.dumps([r.to_json() for r in records], ensure_ascii=False, indent=1)
    )


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min ({seconds:.0f} s)"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
