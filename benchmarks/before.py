"""Before and after the v2 rules (issue 11: the solve within 1.3× of its time before them).

The code of commit BEFORE_COMMIT (the last before the v2 rules and data columns) is unpacked into a
folder of /tmp (``git archive``, so the checkout is untouched) and run from there: its own ``rotation
sample`` generates its district and city with the seeds of the methods section (its generator cannot
write, and its loader cannot read, the v2 columns, so the same seeds stand for the same instances),
and its own ``benchmarks.run_one`` times them with CP-SAT, 2 workers and seed 0, in alternation with
this code's run of the v2 instance of the same size and seed (before, now, before, now: a change in
the machine's load falls on both). The ratio is now / before of the medians, of the solve phase and
of the whole run.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
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
ROUNDS = 2


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


def generate_before(tree: Path, size: str, seed: int, effective: date, work: Path) -> Path:
    """The old code's own sample of ``size`` and ``seed``, by its own ``rotation sample``."""
    workbook = work / f"before-{size}-s{seed}.xlsx"
    cli = "import sys; from rotation.cli import main; sys.exit(main())"
    generate = [sys.executable, "-c", cli, "sample", str(workbook), "--size", size, "--seed", str(seed)]
    generate += ["--effective-date", effective.isoformat(), "--force"]
    env = {**os.environ, "PYTHONPATH": str(tree)}
    subprocess.run(generate, cwd=tree, env=env, capture_output=True, check=True)
    return workbook


def run_before(tree: Path, workbook: Path, size: str, time_limit_s: float, work: Path) -> Timed:
    """The old code's own run_one on its own sample: CP-SAT, 2 workers, seed 0."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
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
    now: Sequence[tuple[str, int, Callable[[], RunRecord]]],
    effective: date,
    time_limit: Callable[[str], float],
    log: Callable[[str], None],
    rounds: int = ROUNDS,
) -> list[str]:
    """Lines comparing each (size, seed) of ``now``, with the CP-SAT run of this code on it, with the old
    code on its own sample of that size and seed, ``rounds`` times each in alternation."""
    work = Path(tempfile.mkdtemp(prefix=f"teacher-rotation-{BEFORE_COMMIT}-"))
    try:
        tree = work / "tree"
        unpack(root, BEFORE_COMMIT, tree)
        lines = [
            f"before/after the v2 rules: the solve at {BEFORE_COMMIT} (v1 rules, its own generated "
            "inputs) and now (v2 rules, the same sizes and seeds),",
            f"CP-SAT, 2 workers, seed 0, medians of {rounds} runs each in alternation; ratio now / before "
            f"(issue 11 asks for the solve within {WITHIN}×)",
            "",
            f"  {'instance':<10} {'before solve s':>14} {'now solve s':>11} {'ratio':>7} "
            f"{'before end to end s':>19} {'now end to end s':>16} {'ratio':>7}  within {WITHIN}×",
        ]
        for size, seed, run_now in now:
            workbook = generate_before(tree, size, seed, effective, work)
            befores: list[Timed] = []
            nows: list[RunRecord] = []
            for _ in range(rounds):
                befores.append(run_before(tree, workbook, size, time_limit(size), work))
                nows.append(run_now())
                then, current = befores[-1], nows[-1]
                log(
                    f"  {size}: solve {then.solve_s:.1f} s at {BEFORE_COMMIT} ({then.status}), "
                    f"{current.phases.get('solve', 0.0):.1f} s now ({current.status})"
                )
            lines.append(_line(size, befores, nows))
        return lines
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _line(size: str, befores: Sequence[Timed], nows: Sequence[RunRecord]) -> str:
    failed = [t.status for t in befores if not t.solve_s] + [r.error or "" for r in nows if not r.ok]
    if failed:
        return f"  {size:<10} not measured ({failed[0]})"
    solve_before = statistics.median(t.solve_s for t in befores)
    solve_now = statistics.median(r.phases.get("solve", 0.0) for r in nows)
    whole_before = statistics.median(t.end_to_end_s for t in befores)
    whole_now = statistics.median(r.end_to_end_s for r in nows)
    ratio = solve_now / solve_before
    found = ({t.status for t in befores}, {r.status for r in nows})
    statuses = " / ".join("/".join(sorted(kinds)) for kinds in found)
    return (
        f"  {size:<10} {solve_before:14.1f} {solve_now:11.1f} {ratio:6.2f}× "
        f"{whole_before:19.1f} {whole_now:16.1f} {whole_now / whole_before:6.2f}×  "
        f"{'yes' if ratio <= WITHIN else 'no'} ({statuses})"
    )
