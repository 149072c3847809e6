"""Papers (issue 12 §6): personal notices (个人交流通知书) and the public list (公示名单), on A4."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

import reports.papers as papers
from reports.papers import PUBLIC_FILE, PUBLIC_HEADERS, write_papers
from reports.plan_reader import read_plan_workbook
from reports.xlsx import A4_PAPER, OutputError, OutputExistsError
from rotation.catalogue import CATALOGUE, RuleId
from rotation.cli.main import main
from rotation.workbook.loader import load_workbook as load_input

BUREAU = "卧龙区教育体育局"


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory, tiny_path: Path) -> Path:
    plan = tmp_path_factory.mktemp("plan") / "plan.xlsx"
    flags = ["--workers", "1", "--set", f"bureau_name={BUREAU}"]
    result = CliRunner().invoke(main, ["solve", str(tiny_path), "-o", str(plan), *flags])
    assert result.exit_code == 0, result.output
    return plan


def texts(path: Path) -> list[str]:
    sheet = load_workbook(path).worksheets[0]
    return [str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None]


def test_one_personal_notice_a_page_per_mover_with_everything_the_person_needs(
    tmp_path: Path, solved: Path, tiny_path: Path
) -> None:
    out = tmp_path / "papers"
    result = CliRunner().invoke(
        main, ["notices", str(solved), "-o", str(out), "--input", str(tiny_path), "--personal"]
    )
    assert result.exit_code == 0, result.output
    plan = read_plan_workbook(solved)
    names = {s: school.name for s, school in load_input(tiny_path).roster.schools.items()}
    movers = plan.moves
    by_school = {m.from_school_id for m in movers}
    assert len(list(out.iterdir())) == len(by_school)
    move = movers[0]
    book = next(out.glob(f"个人交流通知书-{move.from_school_id}-*.xlsx"))
    sheet = load_workbook(book).worksheets[0]
    leaving = [m for m in movers if m.from_school_id == move.from_school_id]
    assert len(sheet.row_breaks.brk) == len(leaving) - 1  # each notice begins a page
    assert sheet.page_setup.paperSize == A4_PAPER
    assert sheet.page_setup.orientation == "portrait"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage  # one page wide
    words = texts(book)
    assert words.count("个人交流通知书") == len(leaving)
    assert f"{move.name} 同志：" in words
    assert f"{names[move.to_school_id]}（{move.to_school_id}）" in words
    assert move.host_post is not None and move.host_post.zh in words
    assert move.earliest_return_date is not None
    back = move.earliest_return_date
    assert f"{back.year} 年 {back.month} 月 {back.day} 日" in words
    assert f"{RuleId(move.rule)} {CATALOGUE[RuleId(move.rule)].title.zh}：" in " ".join(words)
    assert papers.rule_in_words(move.rule, plan.run) in words
    assert not [word for word in words if re.search(r"[a-z]+_[a-z_]+", word)]  # no parameter's name
    assert f"{BUREAU}（盖章）" in words
    assert "本人签收：" in words


def test_the_rule_in_words_gives_the_values_the_plan_was_made_with() -> None:
    """A personal notice states the rule with the plan's values, not the parameters' names and defaults."""
    assert papers.rule_in_words("T1", {"teacher_tenure_years": 5}) == (
        "T1 教师任教满期：在同一所学校连续任教满 5 年及以上的专任教师（含中层干部）应交流。"
    )
    n1 = papers.rule_in_words("N1", {"min_rotation_ratio": 0.15})
    assert "应交流人数的 15%，" in n1 and "不低于 20%。" in n1  # min_key_share at its default
    assert papers.rule_in_words("P1", {}).endswith("且在同学段学校之间。")
    assert papers.rule_in_words("not a rule", {}) == "not a rule"


def test_the_public_list_shows_name_post_subject_and_destination_only(tmp_path: Path, solved: Path) -> None:
    out = tmp_path / "papers"
    result = CliRunner().invoke(main, ["notices", str(solved), "-o", str(out), "--public"])
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir()] == [PUBLIC_FILE]
    plan = read_plan_workbook(solved)
    sheet = load_workbook(out / PUBLIC_FILE).worksheets[0]
    assert [c.value for c in sheet[3]] == list(PUBLIC_HEADERS)
    assert sheet.page_setup.paperSize == A4_PAPER and sheet.sheet_properties.pageSetUpPr.fitToPage
    words = set(texts(out / PUBLIC_FILE))
    shown = " ".join(words)
    assert {m.name for m in plan.moves} <= words
    # No staff id, no rule code, no exemption (E4/E5 or any other), no date of birth or return.
    assert not any(m.staff_id in shown for m in plan.moves)
    assert not any(code in words for code in ("T1", "T2", "E*", "E4", "E5", "S2"))
    assert not any(str(m.earliest_return_date) in shown for m in plan.moves)
    assert f"共 {len(plan.moves)} 人。" in words
    assert BUREAU in words


def test_papers_are_written_all_or_nothing(
    tmp_path: Path, solved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = read_plan_workbook(solved)
    out = tmp_path / "papers"
    out.mkdir()
    (out / PUBLIC_FILE).write_text("kept")
    with pytest.raises(OutputExistsError):
        write_papers(plan, out, personal=True, public=True, force=False)
    assert [p.name for p in out.iterdir()] == [PUBLIC_FILE]

    def broken(*_: object, **__: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(papers, "_write_public", broken)
    with pytest.raises(OutputError):
        write_papers(plan, out, personal=True, public=True, force=True)
    assert [p.name for p in out.iterdir()] == [PUBLIC_FILE]
    assert (out / PUBLIC_FILE).read_text() == "kept"
