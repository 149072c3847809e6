"""Issue 13, "Why" 8: a what-if must not reveal E4 by inference.

E5 (medical) is the same in every run of one workbook, so a person shown E* in one run and not in
the other can only have had E4 (nursing ends as the date moves on). Such a person stays E* in both
columns, and is not listed as changed, unless --include-sensitive.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook as open_xlsx

from rotation.cli.main import main
from rotation.eligibility import assess_roster
from rotation.workbook.loader import load_workbook

MOVED_ON = "2028-09-01"  # tiny's own effective date is 2027-09-01


def changed_rows(path: Path) -> list[dict[str, object]]:
    rows = list(open_xlsx(path, read_only=True)["changed"].iter_rows(values_only=True))
    return [dict(zip([str(h) for h in rows[0]], row, strict=True)) for row in rows[1:]]


def whatif(tiny: Path, out: Path, *extra: str) -> list[dict[str, object]]:
    args = ["whatif", str(tiny), "--set", f"effective_date={MOVED_ON}", "-o", str(out), "--lang", "en"]
    result = CliRunner().invoke(main, [*args, "--time-limit", "20", *extra])
    assert result.exit_code == 0, result.output
    return changed_rows(out)


def test_issue13_nursing_that_ends_with_the_date_is_not_revealed(tiny_xlsx: Path, tmp_path: Path) -> None:
    loaded = load_workbook(tiny_xlsx)
    before = assess_roster(loaded.roster, loaded.params)
    after = assess_roster(loaded.roster, loaded.params.updated({"effective_date": MOVED_ON}, "test"))
    ended = {s for s, e in before.items() if "E4" in e.reasons and "E4" not in after[s].reasons}
    assert ended, "tiny should hold a nursing mother whose child turns one within the year"

    rows = whatif(tiny_xlsx, tmp_path / "masked.xlsx")
    assert rows, "moving the date a year changes someone"
    listed = {str(row["staff_id"]) for row in rows}
    assert not listed & ended
    for row in rows:
        assert "E*" not in str(row["reasons_before"] or "") + str(row["reasons_after"] or "")

    # Asked for, the sensitive reasons are shown, and the same people are listed with E4 → ….
    shown = whatif(tiny_xlsx, tmp_path / "shown.xlsx", "--include-sensitive")
    revealed = {str(row["staff_id"]) for row in shown if "E4" in str(row["reasons_before"] or "")}
    assert ended & revealed
