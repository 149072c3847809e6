"""``rotation options`` (issue 12 §6 of the brief, §3 of the issue): every school for one person, with
its cost or the rule that forbids it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from reports.plan_diff import draft_of_data
from reports.plan_reader import read_plan_workbook
from rotation.catalogue import parse_rule_id
from rotation.cli.main import main
from rotation.codes import Post
from rotation.domain import Pin, PinKind
from rotation.draft import Choice, change_count, draft_of_plan
from rotation.eligibility import assess_roster
from rotation.scenarios.options import person_options
from rotation.workbook.loader import LoadedWorkbook
from rotation.workbook.loader import load_workbook as load_input
from solver.settings import SolveOptions
from solver.solve import solve


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory, district_path: Path) -> tuple[LoadedWorkbook, Path]:
    draft = tmp_path_factory.mktemp("draft") / "draft.xlsx"
    result = CliRunner().invoke(main, ["solve", str(district_path), "-o", str(draft), "--workers", "1"])
    assert result.exit_code == 0, result.output
    return load_input(district_path), draft


def test_every_school_is_possible_with_its_cost_or_impossible_with_its_rule(
    district: tuple[LoadedWorkbook, Path],
) -> None:
    loaded, draft_path = district
    roster, params = loaded.roster, loaded.params
    draft = draft_of_data(read_plan_workbook(draft_path))
    eligibility = assess_roster(roster, params)
    mover = next(
        m for m in roster.staff if draft.of(m.staff_id).choice is Choice.MOVE and m.post is Post.TEACHER
    )
    found = person_options(roster, params, eligibility, draft, mover.staff_id)
    # Staying home and every other school of the district, the draft's own choice first at no cost.
    assert len(found.options) == len(roster.schools)
    first = found.options[0]
    assert first.drafted and first.school_id == draft.of(mover.staff_id).school_id and first.changes == 0
    for option in found.options:
        if not option.possible:
            assert option.reason is not None
            assert parse_rule_id(option.reason.en.split(":")[0]) is not None, option.reason.en
    possible = [o for o in found.options if o.possible and not o.drafted]
    assert possible and [o.changes for o in possible] == sorted(o.changes for o in possible)
    # The cost stated is the cost a re-plan with that choice pinned has: the draft's other decisions.
    other = possible[0]
    pin = (
        Pin(mover.staff_id, "", PinKind.STAY)
        if other.school_id is None
        else Pin(mover.staff_id, other.school_id, PinKind.MUST)
    )
    plan = solve(
        roster, params, eligibility, SolveOptions(time_limit_s=60, workers=1, pins=(pin,), draft=draft)
    )
    ids = [m.staff_id for m in roster.staff]
    assert change_count(draft, draft_of_plan(plan), ids) == other.changes + 1


def test_a_principals_schools_outside_the_groups_are_left_to_the_district_exchange(
    district: tuple[LoadedWorkbook, Path], tmp_path: Path, district_path: Path
) -> None:
    loaded, draft_path = district
    principal = next(m for m in loaded.roster.staff if m.post is Post.PRINCIPAL)
    out = tmp_path / "options.xlsx"
    result = CliRunner().invoke(
        main, ["options", str(district_path), "--draft", str(draft_path), principal.staff_id, "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "由全区校长交流统一配对决定" in result.output
    sheet = load_workbook(out)["去向选择"]
    assert sheet.max_row - 1 == len(loaded.roster.schools)
    kinds = {row[4] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert {"由全区交流配对决定", "不可行"} <= kinds


def test_an_unknown_person_is_refused(district: tuple[LoadedWorkbook, Path], district_path: Path) -> None:
    _, draft_path = district
    result = CliRunner().invoke(main, ["options", str(district_path), "--draft", str(draft_path), "NOBODY"])
    assert result.exit_code == 2
    assert "NOBODY" in result.output
