"""Issue 13, "Why" 5 and 9: outputs all or nothing, names safe on every system, refusals short.

Notices are one set, written into a hidden folder and moved into place whole; their names are cut
to length, never a Windows device name, and never two that differ only by case. A workbook's parts
never go to $TMPDIR. Over-long paths, values and foreign-language warnings are covered too.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

import reports.notices
from reports.notices import notice_file_name, write_notices
from reports.plan_reader import Assignment, PlanData, SchoolRow
from reports.xlsx import OutputError, SheetData, write_workbook
from rotation.cli.main import main

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.xlsx"
LONG = "a" * 300


def invoke(*args: str, lang: str = "en") -> Result:
    return CliRunner().invoke(main, [*args, "--lang", lang])


def plan_of(*school_ids: str) -> PlanData:
    """A plan with one move from the first school to the second and every school listed."""
    move = Assignment(
        "000001", "张三", school_ids[0], school_ids[1], None, "数学", None, None, "T1", "G", None, None, None
    )
    schools = tuple(SchoolRow(school_id, 10, 0, 0, 10, 0, 0) for school_id in school_ids)
    return PlanData(Path("plan.xlsx"), "zh", (move,), (), (), (), schools, (), {})


@pytest.fixture(scope="module")
def tiny_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plan") / "plan.xlsx"
    result = CliRunner().invoke(main, ["solve", str(TINY), "-o", str(out), "--time-limit", "30"])
    assert result.exit_code == 0, result.output
    return out


# -- names ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("school_id", "name", "expected"),
    [
        ("CON", None, "_CON.xlsx"),
        ("nul", None, "_nul.xlsx"),
        ("COM1", None, "_COM1.xlsx"),
        ("LPT9.1", None, "_LPT9.1.xlsx"),
        ("CON", "城关一小", "CON-城关一小.xlsx"),  # only the whole name before the dot is reserved
        ("07", 'a/b:c*?"<>|', "07-a_b_c______.xlsx"),
    ],
)
def test_issue13_file_names_are_never_windows_device_names(
    school_id: str, name: str | None, expected: str
) -> None:
    assert notice_file_name(school_id, name) == expected


def test_issue13_a_long_school_name_is_cut_and_every_notice_written(tmp_path: Path) -> None:
    plan = plan_of("0001", "0002", "0003", "0004", "0005")
    names = {school_id: "学" * 120 for school_id in ("0001", "0002", "0003", "0004", "0005")}
    paths = write_notices(plan, tmp_path / "n", names, force=False)
    assert len(paths) == 5 and all(path.exists() for path in paths)
    for path in paths:
        assert len(path.stem) == 80 and len(path.name.encode()) <= 255
    # The page itself still names the school in full.
    title = openpyxl.load_workbook(paths[0]).active["A1"].value
    assert title.startswith("学" * 120)


def test_issue13_ids_that_differ_only_by_case_get_files_of_their_own(tmp_path: Path) -> None:
    paths = write_notices(plan_of("a1", "A1", "b"), tmp_path / "n", force=False)
    assert [path.name for path in paths] == ["a1.xlsx", "A1 (2).xlsx", "b.xlsx"]
    assert len({path.name.casefold() for path in paths}) == 3


def test_the_title_cell_of_a_formula_like_name_is_text(tmp_path: Path) -> None:
    [path, _] = write_notices(plan_of("A", "B"), tmp_path / "n", {"A": "=cmd|' /C calc'!A0"}, force=False)
    cell = openpyxl.load_workbook(path).active["A1"]
    assert cell.data_type == "s" and cell.quotePrefix


# -- the set, all or nothing ------------------------------------------------------------------------


def test_issue13_notices_over_an_older_set_replace_it_whole(tmp_path: Path, tiny_plan: Path) -> None:
    out = tmp_path / "notices"
    out.mkdir()
    (out / "9999-撤并学校.xlsx").write_bytes(b"an older plan's notice")
    refused = invoke("notices", str(tiny_plan), "-o", str(out))
    assert refused.exit_code == 2 and "--force" in refused.output
    assert [p.name for p in out.iterdir()] == ["9999-撤并学校.xlsx"]
    assert invoke("notices", str(tiny_plan), "-o", str(out), "--force").exit_code == 0
    names = sorted(p.name for p in out.iterdir())
    assert "9999-撤并学校.xlsx" not in names and all(name.endswith(".xlsx") for name in names)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging or old folder left


def test_a_folder_holding_other_files_is_never_replaced(tmp_path: Path, tiny_plan: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    result = invoke("notices", str(tiny_plan), "-o", str(out), "--force")
    assert result.exit_code == 2 and "notes.txt" in result.output
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_a_folder_holding_the_plan_is_never_replaced(tmp_path: Path, tiny_plan: Path) -> None:
    plan = tmp_path / "plan.xlsx"
    plan.write_bytes(tiny_plan.read_bytes())
    result = invoke("notices", str(plan), "-o", str(tmp_path), "--force")
    assert result.exit_code == 2
    assert plan.exists()


def test_issue13_a_failure_half_way_leaves_no_partial_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = reports.notices._write_notice
    calls: list[str] = []

    def fail_on_the_third(book: object, **kwargs: object) -> None:
        calls.append("x")
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        written(book, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(reports.notices, "_write_notice", fail_on_the_third)
    with pytest.raises(OutputError):
        write_notices(plan_of("0001", "0002", "0003", "0004"), tmp_path / "n", force=False)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args",
    [
        ("notices", "{plan}", "-o", "{long}"),
        ("solve", str(TINY), "-o", "{long}.xlsx"),
        ("solve", str(TINY), "-o", "{long}/plan.xlsx"),
        ("check", str(TINY), "--export", "{long}.xlsx"),
        ("report", "{plan}", "-o", "{long}.html"),
    ],
)
def test_issue13_a_300_character_output_path_is_a_clear_refusal(
    tmp_path: Path, tiny_plan: Path, args: tuple[str, ...]
) -> None:
    long = str(tmp_path / LONG)
    result = invoke(*(arg.format(plan=tiny_plan, long=long) for arg in args))
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "is 300 bytes long" in result.output or "is 305 bytes long" in result.output
    assert list(tmp_path.iterdir()) == []


def test_issue13_no_part_of_a_workbook_goes_to_tmpdir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("a temporary file outside the output's folder")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    monkeypatch.setattr(tempfile, "NamedTemporaryFile", refuse)
    target = tmp_path / "out.xlsx"
    rows = [[f"{n:06d}", "李四", "T1"] for n in range(5000)]
    write_workbook(target, [SheetData("eligibility", ["staff_id", "name", "reasons"], rows)], force=False)
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]
    assert openpyxl.load_workbook(target, read_only=True)["eligibility"].max_row == 5001


# -- refusals and warnings as a planner reads them -------------------------------------------------


def test_issue13_a_refusal_quotes_at_most_80_characters_of_a_value(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(TINY)
    book["教职工"]["E2"] = "x" * 32_767  # 出生日期
    path = tmp_path / "tiny.xlsx"
    book.save(path)
    result = invoke("check", str(path))
    assert result.exit_code == 2
    [line] = [line for line in result.output.splitlines() if "出生日期" in line]
    assert len(line) < 250 and "xxx…" in line


_ENGLISH = re.compile(r"\b[A-Za-z]{2,}\b(?:[ ,;:]+\b[A-Za-z]{2,}\b)+")


def test_issue13_warnings_in_chinese_carry_no_english(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(TINY)
    book.create_sheet("备注")
    book["教职工"].cell(row=1, column=40, value="备注")
    book["教职工"]["X2"] = "9999"  # 志愿1: no such school
    path = tmp_path / "tiny.xlsx"
    book.save(path)
    result = invoke("check", str(path), "--set", "group_max_schools=1", lang="zh")
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("警告")]
    assert len(warnings) >= 4
    for line in warnings:
        assert not _ENGLISH.search(line.replace("group_max_schools", "")), line
