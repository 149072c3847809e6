"""``rotation notices``: one printable workbook per school, cross-checked with the plan's assignments."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from plan_checker import HOST_POSTS, read_plan

from reports.legend import RULES_DOC
from reports.notices import CODES_HEADING, HEADER_ROW, HEADERS, notice_file_name, write_notices
from reports.plan_reader import (
    Assignment,
    PlanData,
    PlanReadError,
    SchoolRow,
    read_plan_workbook,
)
from rotation.catalogue import CATALOGUE, RuleId, codes_in
from rotation.cli.main import EXIT_BAD_INPUT, main
from rotation.cli.reports import notices
from rotation.workbook.loader import load_workbook

DATA = Path(__file__).resolve().parent.parent / "data"
TINY = DATA / "tiny.xlsx"


def solve_tiny(out: Path, *extra: str) -> Path:
    """A plan of the bundled tiny district; it solves to optimality in about a second."""
    result = CliRunner().invoke(
        main, ["solve", str(TINY), "-o", str(out), "--time-limit", "20", "--workers", "2", *extra]
    )
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("plans")
    return {
        "zh": solve_tiny(folder / "plan.xlsx"),
        "en": solve_tiny(folder / "plan-en.xlsx", "--lang", "en"),
    }


def notice_rows(path: Path) -> list[tuple[str, ...]]:
    """The table rows under the header of one notice, as text."""
    book = openpyxl.load_workbook(path)
    rows = list(book.active.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    assert tuple(rows[0]) == HEADERS
    table = []
    for cells in rows[1:]:
        if cells[1] is None:  # the table ends at the first row without a staff id
            break
        table.append(tuple("" if c is None else str(c) for c in cells))
    return table


def test_every_school_gets_the_people_who_leave_and_arrive(plans: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "notices"
    result = CliRunner().invoke(notices, [str(plans["zh"]), "-o", str(out), "--input", str(TINY)])
    assert result.exit_code == 0, result.output
    names = {school_id: s.name for school_id, s in load_workbook(TINY).roster.schools.items()}
    assignments, _ = read_plan(plans["zh"])  # the independent reader of tests/plan_checker.py
    leaving: dict[str, set[str]] = defaultdict(set)
    arriving: dict[str, set[str]] = defaultdict(set)
    for row in assignments:
        leaving[row.from_school_id].add(row.staff_id)
        arriving[row.to_school_id].add(row.staff_id)
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{i}-{n}.xlsx" for i, n in names.items())
    for school_id, name in names.items():
        rows = notice_rows(out / f"{school_id}-{name}.xlsx")
        left = {r[1] for r in rows if r[0].startswith("调出")}
        came = {r[1] for r in rows if r[0].startswith("调入")}
        assert left == leaving[school_id]
        assert came == arriving[school_id]
        for kind, staff_id, _, _, host_post, _, source, target, rule, _, back in rows:
            by_id = next(a for a in assignments if a.staff_id == staff_id)
            # P2: the post the person will serve at the host, blank on a return home.
            assert host_post == HOST_POSTS.get(by_id.host_post or "", "")
            assert bool(host_post) != ("S2" in rule)
            assert source == f"{by_id.from_school_id} {names[by_id.from_school_id]}"
            assert target == f"{by_id.to_school_id} {names[by_id.to_school_id]}"
            assert rule == by_id.rule
            assert ("期满返回" in kind) == ("S2" in rule)
            expected_back = by_id.earliest_return_date
            assert back == ("" if expected_back is None else expected_back.isoformat())


def test_notice_is_set_up_for_printing(plans: dict[str, Path], tmp_path: Path) -> None:
    plan = read_plan_workbook(plans["zh"])
    paths = write_notices(plan, tmp_path, {"0001": "第一实验学校"}, force=False)
    assert paths[0].name == "0001-第一实验学校.xlsx"
    assert paths[1].name == "0002.xlsx"  # no name known: the id alone
    sheet = openpyxl.load_workbook(paths[0]).active
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9  # A4
    assert sheet.print_title_rows == f"$1:${HEADER_ROW + 1}"
    assert "第一实验学校" in (sheet.oddHeader.center.text or "")
    footer = (sheet.oddFooter.left.text or "") + (sheet.oddFooter.right.text or "")
    assert "&P" in footer and "&N" in footer
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    for label in ("校长签字：", "日期：", "盖章："):
        assert label in cells


def test_english_plan_gives_the_same_chinese_notices(plans: dict[str, Path], tmp_path: Path) -> None:
    zh = write_notices(read_plan_workbook(plans["zh"]), tmp_path / "zh", force=False)
    en = write_notices(read_plan_workbook(plans["en"]), tmp_path / "en", force=False)
    assert [p.name for p in zh] == [p.name for p in en]
    for a, b in zip(zh, en, strict=True):
        assert notice_rows(a) == notice_rows(b)


def test_existing_notices_are_kept_without_force(plans: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "n"
    runner = CliRunner()
    assert runner.invoke(notices, [str(plans["zh"]), "-o", str(out)]).exit_code == 0
    victim = out / "0003.xlsx"
    victim.write_bytes(b"keep me")
    refused = runner.invoke(notices, [str(plans["zh"]), "-o", str(out)])
    assert refused.exit_code == EXIT_BAD_INPUT
    assert "--force" in refused.output
    assert victim.read_bytes() == b"keep me"
    assert runner.invoke(notices, [str(plans["zh"]), "-o", str(out), "--force"]).exit_code == 0
    assert victim.read_bytes() != b"keep me"
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary file left behind


def test_unreadable_plan_is_refused_in_one_sentence(tmp_path: Path) -> None:
    bad = tmp_path / "plan.xlsx"
    bad.write_text("not a workbook")
    result = CliRunner().invoke(notices, [str(bad), "-o", str(tmp_path / "n")])
    assert result.exit_code == EXIT_BAD_INPUT
    assert "plan.xlsx" in result.output and "Traceback" not in result.output
    with pytest.raises(PlanReadError):
        read_plan_workbook(TINY)  # an input workbook is not a plan: every missing sheet named


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    move = Assignment(
        "=1+1", '=HYPERLINK("http://x")', "A", "B", None, "@数学", None, None, "T1", "G", None, None, None
    )
    plan = PlanData(
        tmp_path / "p.xlsx", "zh", (move,), (), (), (), (SchoolRow("A", 1, 1, 0, 0, 0, 0),), (), {}
    )
    [path, _] = write_notices(plan, tmp_path / "n", {"A": "A&B 学校/分校"}, force=False)
    assert path.name == "A-A&B 学校_分校.xlsx"
    sheet = openpyxl.load_workbook(path).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value in ("=1+1", "@数学")]
    assert len(cells) == 2 and all(c.data_type == "s" and c.quotePrefix for c in cells)
    assert "A&&B" in (sheet.oddHeader.center.text or "")  # & escaped in the page header


def test_file_names_are_safe() -> None:
    assert notice_file_name("07", 'a/b:c*?"<>|') == "07-a_b_c______.xlsx"
    assert notice_file_name("07", None) == "07.xlsx"


def test_every_code_of_the_rule_column_is_explained_under_the_table(
    plans: dict[str, Path], tmp_path: Path
) -> None:
    paths = write_notices(read_plan_workbook(plans["zh"]), tmp_path, force=False)
    explained = 0
    for path in paths:
        book = openpyxl.load_workbook(path)
        rules = codes_in([row[8] for row in notice_rows(path)])
        cells = [str(c) for row in book["通知"].iter_rows(values_only=True) for c in row if c is not None]
        # Under the table: a heading, then one line per code of the 依据 column in the catalogue's
        # words, then the signature lines.
        if rules:
            start, end = cells.index(CODES_HEADING) + 1, cells.index("校长签字：")
            assert cells[start:end] == [f"{code} {CATALOGUE[code].describe('zh')}" for code in rules]
        else:
            assert CODES_HEADING not in cells
        explained += len(rules)
        # The 说明 sheet lists the same codes, then the posts shown, and points to docs/rules.md.
        legend = [row[0] for row in book["说明"].iter_rows(min_row=2, values_only=True)]
        assert [c for c in legend if c in {r.value for r in RuleId}] == [r.value for r in rules]
        assert legend[-1] == RULES_DOC
    assert explained, "the tiny plan moves people: some notice must explain a code"
