"""Whether two plan workbooks hold the same plan: ``python -m benchmarks.same_plan BEFORE.xlsx AFTER.xlsx``.

A speed-up must not change the plan (issue 14 §3: the same plan for the same input and seed before and
after). This compares the sheets that make the plan — assignments, unmoved_due (with every reason),
obligations, walking and schools — row by row, in either output language, and prints the first
differences of each sheet that differs. The run sheet (times, version) and the eligibility sheet
(no solve decides it) are left out. Exit code 0 when the plans are the same, 1 when not.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from python_calamine import CalamineWorkbook

from rotation.workbook.schema import (
    OUT_ASSIGNMENTS,
    OUT_OBLIGATIONS,
    OUT_SCHOOLS,
    OUT_UNMOVED_DUE,
    OUT_WALKING,
)

COMPARED = (OUT_ASSIGNMENTS, OUT_UNMOVED_DUE, OUT_OBLIGATIONS, OUT_WALKING, OUT_SCHOOLS)
SHOWN = 5


def plan_rows(path: Path) -> dict[str, list[list[object]]]:
    """The compared sheets' rows (header included) by sheet key, whatever the workbook's language."""
    workbook = CalamineWorkbook.from_path(str(path))
    titles = set(workbook.sheet_names)
    found: dict[str, list[list[object]]] = {}
    for sheet in COMPARED:
        title = next((label for label in (sheet.zh, sheet.key) if label in titles), None)
        rows = [] if title is None else workbook.get_sheet_by_name(title).to_python()
        found[sheet.key] = [list(row) for row in rows]
    return found


def differences(before: Path, after: Path) -> list[str]:
    """Lines naming each compared sheet that differs and its first differing rows; empty when the same."""
    old, new = plan_rows(before), plan_rows(after)
    lines: list[str] = []
    for sheet in COMPARED:
        rows_old, rows_new = old[sheet.key], new[sheet.key]
        if rows_old == rows_new:
            continue
        lines.append(f"{sheet.key}: {len(rows_old)} rows before, {len(rows_new)} after")
        lines += _first_differences(rows_old, rows_new)
    return lines


def _first_differences(rows_old: Sequence[list[object]], rows_new: Sequence[list[object]]) -> list[str]:
    shown: list[str] = []
    for index in range(max(len(rows_old), len(rows_new))):
        left = rows_old[index] if index < len(rows_old) else None
        right = rows_new[index] if index < len(rows_new) else None
        if left != right:
            shown.append(f"  row {index + 1}: {left} != {right}")
            if len(shown) == SHOWN:
                break
    return shown


def main(argv: Sequence[str]) -> int:
    if len(argv) != 2:
        print(__doc__.split("\n\n")[0], file=sys.stderr)
        return 2
    found = differences(Path(argv[0]), Path(argv[1]))
    print("\n".join(found) if found else "same plan")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
