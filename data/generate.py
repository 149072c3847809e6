"""Regenerate the bundled sample workbooks and print what they contain: ``python data/generate.py``.

data/district.xlsx: a district (seed 2026), the workbook of ``make demo``.
data/tiny.xlsx: a tiny district (seed 7), small enough to read by eye.
data/appeal-example.xlsx: the requests of one appeal, as the README's replan and solve --pins examples
use them: 000008, a teacher the district's plan moves under T1, stays home (留任).
Both are Chinese workbooks for the planning year starting 2027-09-01, and the
same seed always gives the same roster (the files' bytes carry a timestamp).
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import date
from pathlib import Path

from reports.input_workbook import write_input_workbook
from reports.xlsx import SheetData, write_workbook
from rotation.codes import GroupKind, Status
from rotation.domain import Roster
from rotation.eligibility import assess_roster
from rotation.parameters import Parameters
from rotation.sample import Size, generate

HERE = Path(__file__).resolve().parent
EFFECTIVE = date(2027, 9, 1)
SAMPLES: tuple[tuple[str, Size, int], ...] = (("district.xlsx", "district", 2026), ("tiny.xlsx", "tiny", 7))
# One appeal on the district: a pins workbook of one sheet (指定调动) and one row, kind stay (留任).
APPEAL = SheetData("指定调动", ["工号", "交流学校代码", "类型"], [["000008", None, "留任"]])


def summary(roster: Roster, params: Parameters) -> list[str]:
    """The figures data/README.md quotes, one line each."""
    statuses = assess_roster(roster, params)
    settled = [m for m in roster.staff if not m.on_exchange]
    status_count = Counter(statuses[m.staff_id].status for m in roster.staff)
    reasons = Counter(code for e in statuses.values() for code in e.reasons if code.startswith("E"))
    kinds = Counter(group.kind for group in roster.groups.values())
    ungrouped = sum(not groups for groups in roster.groups_by_school.values())
    due = status_count[Status.DUE]
    return [
        f"schools: {len(roster.schools)} ({sum(s.small_school for s in roster.schools.values())} small, "
        f"{ungrouped} in no group)",
        "groups: " + ", ".join(f"{kinds[kind]} {kind.value}" for kind in GroupKind),
        f"staff: {len(roster.staff)}, key teachers {sum(m.is_key_teacher for m in roster.staff)}",
        f"on exchange: {len(roster.staff) - len(settled)} "
        f"({status_count[Status.LOCKED]} locked, {status_count[Status.RETURNING]} returning)",
        f"due: {due} of {len(settled)} not on exchange ({due / len(settled):.1%}); "
        f"exempt {status_count[Status.EXEMPT]}, not due {status_count[Status.NOT_DUE]}",
        "exemption reasons: " + ", ".join(f"{code} {reasons[code]}" for code in sorted(reasons)),
        f"history rows: {sum(len(m.history) for m in roster.staff)}, "
        f"subject_minimums rows: {len(roster.subject_minimums or ())}, "
        f"with preferences: {sum(bool(m.preferences) for m in roster.staff)}, "
        f"volunteers: {sum(m.volunteer for m in roster.staff)}",
    ]


def main() -> None:
    params = Parameters(effective_date=EFFECTIVE)
    for name, size, seed in SAMPLES:
        started = time.perf_counter()
        roster = generate(size, seed, EFFECTIVE)
        write_input_workbook(HERE / name, roster, "zh", parameters={"effective_date": EFFECTIVE}, force=True)
        print(f"data/{name}: {size}, seed {seed}, written in {time.perf_counter() - started:.1f} s")
        for line in summary(roster, params):
            print(f"  {line}")
    write_workbook(HERE / "appeal-example.xlsx", [APPEAL], force=True)
    print("data/appeal-example.xlsx: one stay (000008)")


if __name__ == "__main__":
    main()
