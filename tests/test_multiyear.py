"""Issue 4: the rolling multi-year plan on the tiny sample district."""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook as open_xlsx
from plan_checker import AssignmentRow, WalkRow, check_plan

from rotation.cli.scenarios import plan_command
from rotation.codes import Post
from rotation.figures import new_moves
from rotation.scenarios.multiyear import MultiYearPlan, plan_years, roll_forward
from rotation.workbook.loader import load_workbook

YEARS = 3


@pytest.fixture(scope="module")
def three_years(tiny_path: Path) -> MultiYearPlan:
    loaded = load_workbook(tiny_path)
    return plan_years(loaded.roster, loaded.params, YEARS, time_limit_s=10.0, workers=2)


def test_every_year_is_solved_one_year_apart(three_years: MultiYearPlan) -> None:
    assert not three_years.stopped
    years = [y.year for y in three_years.years]
    assert len(years) == YEARS and years == list(range(years[0], years[0] + YEARS))
    assert all(y.run.plan.status.has_plan for y in three_years.years)


def test_every_year_passes_the_independent_checker(three_years: MultiYearPlan) -> None:
    for year in three_years.years:
        run = year.run
        rows = [
            AssignmentRow(
                m.staff_id,
                m.from_school_id,
                m.to_school_id,
                m.rule,
                m.group_id,
                run.params.effective_date,
                m.earliest_return_date,
            )
            for m in run.plan.moves
        ]
        walks = [WalkRow(w.staff_id, w.home_school_id, w.school_id, w.subject) for w in run.plan.walks]
        assert check_plan(run.roster, run.params, rows, walks) == [], year.year


def test_c4_holds_every_year(three_years: MultiYearPlan) -> None:
    for year in three_years.years:
        run = year.run
        out = Counter(m.from_school_id for m in new_moves(run.plan))
        for school_id, staff in run.roster.staff_by_school.items():
            limit = max(1, math.floor(run.params.max_outflow_ratio * len(staff)))
            assert out[school_id] <= limit, (year.year, school_id)


def test_nobody_moves_twice_inside_a_stint(three_years: MultiYearPlan) -> None:
    moved_in: dict[str, int] = {}
    for year in three_years.years:
        run = year.run
        for move in new_moves(run.plan):
            member = run.roster.staff_by_id[move.staff_id]
            # A new move starts from the home school: nobody on exchange is moved on to a third school.
            assert not member.on_exchange, (year.year, move)
            if move.staff_id in moved_in:
                stint = run.params.min_stint_years(is_teacher=member.post is Post.TEACHER)
                assert year.year - moved_in[move.staff_id] >= stint, (year.year, move)
            moved_in[move.staff_id] = year.year


def test_roll_forward_applies_moves_and_returns(three_years: MultiYearPlan) -> None:
    first = three_years.years[0].run
    roster, params = roll_forward(first)
    assert params.effective_date.year == first.params.effective_date.year + 1
    assert roster.pins == ()
    for move in first.plan.moves:
        member = roster.staff_by_id[move.staff_id]
        assert member.school_id == move.to_school_id
        assert member.school_start_date == first.params.effective_date
        if move.rule == "S2":
            assert not member.on_exchange and member.exchange_start_date is None
            assert member.history[-1].end_date == first.params.effective_date
        else:
            assert member.home_school_id == first.roster.staff_by_id[move.staff_id].home_school_id
            assert member.exchange_start_date == first.params.effective_date
    unchanged = {m.staff_id for m in first.roster.staff} - {m.staff_id for m in first.plan.moves}
    assert all(roster.staff_by_id[s] == first.roster.staff_by_id[s] for s in unchanged)


def test_plan_command_writes_a_sheet_per_year_and_the_trajectory(tiny_xlsx: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.xlsx"
    args = [
        str(tiny_xlsx),
        "--years",
        "2",
        "-o",
        str(out),
        "--time-limit",
        "10",
        "--workers",
        "2",
        "--lang",
        "en",
    ]
    result = CliRunner().invoke(plan_command, args)
    assert result.exit_code == 0, result.output
    book = open_xlsx(out, read_only=True)
    year = load_workbook(tiny_xlsx).params.effective_date.year
    assert book.sheetnames == [
        "summary",
        "trajectory",
        f"assignments_{year}",
        f"assignments_{year + 1}",
        "run",
        "legend",
    ]
    trajectory = list(book["trajectory"].iter_rows(values_only=True))
    assert trajectory[0][:3] == ("year", "school_id", "due_backlog")
    assert {row[0] for row in trajectory[1:]} == {year, year + 1}
    # The run sheet records what the years start from: the input's hash, the seed, every parameter.
    run = dict(book["run"].iter_rows(min_row=2, values_only=True))
    assert run["input_sha256"] == hashlib.sha256(tiny_xlsx.read_bytes()).hexdigest()
    assert (run["seed"], run["years"], run["years_planned"]) == (0, 2, 2)
    assert run["teacher_tenure_years"] == 6 and run["status"] == "optimal"
