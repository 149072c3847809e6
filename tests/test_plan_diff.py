"""``rotation diff`` (issue 12 §4): two plan workbooks compared person by person, school by school."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from reports.plan_diff import Kind, diff_plans, draft_of_data
from reports.plan_reader import read_plan_workbook
from rotation.cli.main import main
from rotation.draft import Choice, change_count
from rotation.lineage import lineage_of


def solve(workbook: Path, out: Path, *flags: str) -> Path:
    result = CliRunner().invoke(main, ["solve", str(workbook), "-o", str(out), "--workers", "1", *flags])
    assert result.exit_code == 0, result.output
    return out


def test_a_plan_against_itself_differs_in_nothing(tmp_path: Path, tiny_xlsx: Path) -> None:
    plan = read_plan_workbook(solve(tiny_xlsx, tmp_path / "plan.xlsx"))
    found = diff_plans(plan, plan)
    assert (found.people, found.schools, found.obligations, found.changed_parameters) == ((), (), (), [])


def test_diff_of_two_solves_names_every_changed_person_school_obligation_and_parameter(
    tmp_path: Path, tiny_xlsx: Path
) -> None:
    old_path = solve(tiny_xlsx, tmp_path / "old.xlsx")
    new_path = solve(tiny_xlsx, tmp_path / "new.xlsx", "--set", "max_outflow_ratio=0.25")
    old, new = read_plan_workbook(old_path), read_plan_workbook(new_path)
    out = tmp_path / "diff.xlsx"
    result = CliRunner().invoke(main, ["diff", str(old_path), str(new_path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    for plan in (old, new):
        assert lineage_of(plan.run).plan_id in result.output
    found = diff_plans(old, new)
    ids = {row.staff_id for row in old.eligibility}
    # Every changed decision is one person's row (a walk is the person's too).
    assert sum(person.change.count for person in found.people) == change_count(
        draft_of_data(old), draft_of_data(new), ids
    )
    assert found.people and found.schools
    assert found.changed_parameters == [("max_outflow_ratio", "0.2", "0.25")]
    for person in found.people:
        if person.kind is Kind.REDIRECTED:
            assert person.change.before.choice is person.change.after.choice is Choice.MOVE
            assert person.change.before.school_id != person.change.after.school_id
    book = load_workbook(out)
    assert book.sheetnames == ["人员变化", "学校变化", "指标变化", "参数对比", "方案来源", "说明"]
    assert book["人员变化"].max_row - 1 == len(found.people)
    assert book["学校变化"].max_row - 1 == len(found.schools)


def test_a_deleted_row_is_a_dropped_move_in_english_too(tmp_path: Path, tiny_xlsx: Path) -> None:
    old_path = solve(tiny_xlsx, tmp_path / "old.xlsx", "--lang", "en")
    book = load_workbook(old_path)
    sheet = book["assignments"]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 9).value != "S2")
    dropped = str(sheet.cell(row, 1).value)
    sheet.delete_rows(row)
    new_path = tmp_path / "edited.xlsx"
    book.save(new_path)
    result = CliRunner().invoke(main, ["diff", str(old_path), str(new_path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "People changed: 1 (added 0, dropped 1" in result.output
    assert dropped in result.output
