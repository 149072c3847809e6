"""``make bench``: times measured in one run, reported as ratios against a baseline of the same run.

Shared machines are noisy, so every figure that matters is a ratio of two
timings taken back to back, each the best of a few repetitions.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

from python_calamine import CalamineWorkbook

from rotation.eligibility import assess_roster
from rotation.loader import load_workbook
from rotation.sample import write_sample

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


def main(argv: list[str]) -> None:
    selected = set(argv) or {"loader"}
    if "loader" in selected:
        bench_loader()


if __name__ == "__main__":
    main(sys.argv[1:])
