"""``rotation replan`` (issue 12 §5): requests honoured, as few of the draft's decisions changed as the
rules allow, and each change explained in the 变更 sheet."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from reports.plan_reader import read_plan_workbook
from reports.verify import verify_files
from rotation.cli.main import main
from rotation.lineage import file_sha256, lineage_of

# On the sample district, one stay request changes this many other decisions: the one person sent
# in the requester's place (README, "After the draft").
OTHER_CHANGES_OF_ONE_STAY = 1


def invoke(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def pins_file(path: Path, rows: list[tuple[str, str | None, str]], title: str = "调整要求") -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    sheet.append(["工号", "交流学校代码", "类型"])
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def changes(path: Path, title: str = "变更") -> list[dict[str, object]]:
    sheet = load_workbook(path)[title]
    header = [cell.value for cell in sheet[1]]
    return [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)]


@pytest.fixture(scope="module")
def district_draft(tmp_path_factory: pytest.TempPathFactory, district_path: Path) -> Path:
    draft = tmp_path_factory.mktemp("draft") / "draft.xlsx"
    invoke("solve", str(district_path), "-o", str(draft), "--workers", "1")
    return draft


def test_one_stay_on_the_sample_district_changes_one_other_decision_and_keeps_every_rule(
    tmp_path: Path, district_path: Path, district_draft: Path
) -> None:
    drafted = read_plan_workbook(district_draft)
    mover = next(a for a in drafted.moves if a.rule == "T1")
    pins = pins_file(tmp_path / "appeals.xlsx", [(mover.staff_id, None, "留任")])
    new = tmp_path / "final.xlsx"
    output = invoke(
        "replan", str(district_path), "--draft", str(district_draft), "--pins", str(pins), "-o", str(new),
        "--workers", "1",
    )  # fmt: skip
    assert verify_files(district_path, new).verdict.violations == ()
    plan = read_plan_workbook(new)
    assert mover.staff_id not in {a.staff_id for a in plan.assignments}
    rows = changes(new)
    assert [r["工号"] for r in rows if r["原因类别"] == "调整要求"] == [mover.staff_id]
    others = [r for r in rows if r["工号"] != mover.staff_id]
    assert len(others) == OTHER_CHANGES_OF_ONE_STAY
    assert all(r["原因"] for r in rows)  # every change says why
    assert all(r["原因类别"] == "规则所需" for r in others)
    lineage = lineage_of(plan.run)
    assert (lineage.draft_sha256, lineage.pins_sha256) == (file_sha256(district_draft), file_sha256(pins))
    assert lineage.plan_id in output and plan.run["draft_changes"] == 1 + OTHER_CHANGES_OF_ONE_STAY


def test_without_requests_the_draft_comes_back_unchanged(tmp_path: Path, tiny_xlsx: Path) -> None:
    draft = tmp_path / "draft.xlsx"
    invoke("solve", str(tiny_xlsx), "-o", str(draft), "--workers", "1")
    new = tmp_path / "new.xlsx"
    output = invoke("replan", str(tiny_xlsx), "--draft", str(draft), "-o", str(new), "--lang", "en")
    assert "Changes to the draft: 0, of 0 people" in output
    assert changes(new, "changes") == []
    before, after = read_plan_workbook(draft), read_plan_workbook(new)
    assert {(a.staff_id, a.to_school_id) for a in before.assignments} == {
        (a.staff_id, a.to_school_id) for a in after.assignments
    }


def test_a_corrected_birth_date_is_the_cause_of_the_change_it_forces(tmp_path: Path, tiny_xlsx: Path) -> None:
    draft = tmp_path / "draft.xlsx"
    invoke("solve", str(tiny_xlsx), "-o", str(draft), "--workers", "1")
    mover = next(a for a in read_plan_workbook(draft).moves if a.rule == "T1")
    corrected = tmp_path / "corrected.xlsx"
    book = load_workbook(tiny_xlsx)
    staff = book["教职工"]
    columns = {cell.value: cell.column for cell in staff[1]}
    row = next(
        r for r in range(2, staff.max_row + 1) if staff.cell(r, columns["工号"]).value == mover.staff_id
    )
    staff.cell(row, columns["出生日期"]).value = date(1960, 1, 1)  # over 55 and 50: E2
    staff.cell(row, columns["身份证号"]).value = None
    book.save(corrected)
    new = tmp_path / "new.xlsx"
    invoke("replan", str(corrected), "--draft", str(draft), "-o", str(new))
    assert verify_files(corrected, new).verdict.violations == ()
    mine = next(r for r in changes(new) if r["工号"] == mover.staff_id)
    assert mine["原因类别"] == "数据更正"
    assert "E2" in str(mine["原因"])


def test_requests_are_read_from_a_one_sheet_workbook_and_a_stay_with_a_school_is_refused(
    tmp_path: Path, tiny_xlsx: Path
) -> None:
    draft = tmp_path / "draft.xlsx"
    invoke("solve", str(tiny_xlsx), "-o", str(draft), "--workers", "1")
    mover = read_plan_workbook(draft).moves[0]
    bad = pins_file(tmp_path / "bad.xlsx", [(mover.staff_id, mover.to_school_id, "stay")], title="Sheet1")
    result = CliRunner().invoke(
        main,
        ["replan", str(tiny_xlsx), "--draft", str(draft), "--pins", str(bad), "-o", str(tmp_path / "x.xlsx")],
    )
    assert result.exit_code == 2
    assert "留任不填交流学校代码" in result.output
    assert not (tmp_path / "x.xlsx").exists()
