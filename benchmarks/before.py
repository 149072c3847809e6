"""Before and after the v2 rules (issue 11: the solve within 1.3× of its time before them).

The code of commit BEFORE_COMMIT (the last before the v2 rules and data columns) is unpacked into a
folder of /tmp (``git archive``, so the checkout is untouched) and run from there: its own ``rotation
sample`` generates its district and city with the seeds of the methods section (its generator cannot
write, and its loader cannot read, the v2 columns, so the same seeds stand for the same instances),
and its own ``benchmarks.run_one`` times them with CP-SAT, 2 workers and seed 0, as this run's methods
section times the v2 instances. The ratio is now / before, of the solve phase and of the whole run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path

from benchmarks.records import RunRecord

BEFORE_COMMIT = "faecf63"
WITHIN = 1.3


@dataclass(frozen=True)
class Timed:
    """One run's solve phase and end to end, in seconds, and its status (or the error that stopped it)."""

    solve_s: float
    end_to_end_s: float
    status: str


def unpack(root: Path, commit: str, into: Path) -> None:
    """The files of ``commit`` of the repository at ``root``, written into the folder ``into``."""
    archive = subprocess.run(["git", "archive", commit], cwd=root, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")


def run_before(tree: Path, size: str, seed: int, effective: date, time_limit_s: float, work: Path) -> Timed:
    """The old code's own sample of ``size`` and ``seed``, timed by the old code's own run_one."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    workbook = work / f"before-{size}-s{seed}.xlsx"
    cli = "import sys; from rotation.cli import main; sys.exit(main())"
    generate = [sys.executable, "-c", cli, "sample", str(workbook), "--size", size, "--seed", str(seed)]
    generate += ["--effective-date", effective.isoformat(), "--force"]
    subprocess.run(generate, cwd=tree, env=env, capture_output=True, check=True)
    command = [sys.executable, "-m", "benchmarks.run_one", str(workbook), "cp-sat"]
    command += ["--time-limit", str(time_limit_s), "--workers", "2", "--seed", "0"]
    command += ["--plan-out", str(work / f"before-{size}-plan.xlsx")]
    done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return Timed(0.0, 0.0, f"error: {last[:200]}")
    record = json.loads(lines[-1])
    return Timed(record["phases"].get("solve", 0.0), record["end_to_end_s"], record["status"])


def bench_before(
    root: Path,
    now: Sequence[tuple[str, int, RunRecord | None]],
    effective: date,
    time_limit: Callable[[str], float],
    log: Callable[[str], None],
) -> list[str]:
    """Lines comparing each (size, seed) of ``now`` (this run's CP-SAT record of it) with the old code."""
    work = Path(tempfile.mkdtemp(prefix=f"teacher-rotation-{BEFORE_COMMIT}-"))
    try:
        tree = work / "tree"
        unpack(root, BEFORE_COMMIT, tree)
        lines = [
            f"before/after the v2 rules: the solve at {BEFORE_COMMIT} (v1 rules, its own generated "
            "inputs) and now (v2 rules, this run's methods section),",
            f"CP-SAT, 2 workers, seed 0; ratio now / before (issue 11 asks for the solve within {WITHIN}×)",
            "",
            f"  {'instance':<10} {'before solve s':>14} {'now solve s':>11} {'ratio':>7} "
            f"{'before end to end s':>19} {'now end to end s':>16} {'ratio':>7}  within {WITHIN}×",
        ]
        for size, seed, record in now:
            before = run_before(tree, size, seed, effective, time_limit(size), work)
            log(f"  {size} at {BEFORE_COMMIT}: solve {before.solve_s:.1f} s, {before.status}")
            if record is None or not record.ok or not before.solve_s:
                failed = before.status if not before.solve_s else "the run now failed"
                lines.append(f"  {size:<10} not measured ({failed})")
                continue
            solve_now = record.phases.get("solve", 0.0)
            ratio = solve_now / before.solve_s
            lines.append(
                f"  {size:<10} {before.solve_s:14.1f} {solve_now:11.1f} {ratio:6.2f}× "
                f"{before.end_to_end_s:19.1f} {record.end_to_end_s:16.1f} "
                f"{record.end_to_end_s / before.end_to_end_s:6.2f}×  {'yes' if ratio <= WITHIN else 'no'}"
                f" ({before.status} / {record.status})"
            )
        return lines
    finally:
        shutil.rmtree(work, ignore_errors=True)
