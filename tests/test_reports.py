"""reports: the plan and eligibility workbooks (content, both languages, masking) and the safe writer."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import reports.xlsx
from reports import rules_doc
from reports.labels import parse_part, part_text
from reports.legend import RULES_DOC, legend_entries
from reports.plan_reader import read_plan_workbook
from reports.plan_workbook import (
    eligibility_sheet,
    plan_sheets,
    run_sheet,
    write_eligibility_workbook,
    write_plan_workbook,
)
from reports.xlsx import (
    MAX_COLUMN_WIDTH,
    OutputError,
    OutputExistsError,
    ProtectedPathError,
    SheetData,
    looks_like_formula,
    text_width,
    write_workbook,
)
from rotation.catalogue import CATALOGUE, RuleId
from rotation.codes import Area, Band, Category, Gender, Honor, Post, Stage
from rotation.domain import Roster, School, StaffMember
from rotation.eligibility import Eligibility, assess_roster
from rotation.parameters import Parameters
from rotation.plan import LevelResult, Move, ObligationOutcome, Plan, SolveStatus, Unmoved, Walk
from rotation.text import Text
from rotation.workbook.schema import OUTPUT_SHEETS

AT = date(2027, 9, 1)
RETURN_DATE = date(2028, 9, 1)
FORMULA_NAME = "=1+1"


def school(school_id: str, area: Area, stage: Stage = Stage.PRIMARY) -> School:
    return School(school_id, f"学校{school_id}", stage, area, Category.ORDINARY, students=500)


def staff(staff_id: str, name: str, school_id: str, **fields: Any) -> StaffMember:
    values: dict[str, Any] = {
        "gender": Gender.FEMALE,
        "birth_date": date(1985, 3, 1),
        "home_school_id": school_id,
        "school_start_date": date(2024, 9, 1),
        "post": Post.TEACHER,
        "subject": "语文",
        "band": Band.PRIMARY_LOWER,
    }
    values.update(fields)
    return StaffMember(staff_id, name, school_id=school_id, **values)


def make_roster() -> Roster:
    """Schools A (urban), B (rural), C (town, nobody works there); seven people.

    At A: 0001 (key teacher, due, named like a formula), 0002 (nursing: E4),
    0003 (a man over 55, certified ill: E2 and E5), 0007 (key teacher, walks to B).
    At B: 0004 (key teacher on exchange from A, stint over: returning), 0005 (not due),
    0006 (vice principal without subject or band, due by T2).
    """
    return Roster(
        schools={"A": school("A", Area.URBAN), "B": school("B", Area.RURAL), "C": school("C", Area.TOWN)},
        groups={},
        staff=(
            staff("0001", FORMULA_NAME, "A", school_start_date=date(2015, 9, 1), honor=Honor.CITY,
                  band=Band.PRIMARY_UPPER, subject="数学"),
            staff("0002", "张敏", "A", pregnant_or_nursing=True),
            staff("0003", "刘强", "A", gender=Gender.MALE, birth_date=date(1965, 1, 1),
                  medical_exemption=True),
            staff("0004", "陈静", "B", home_school_id="A", exchange_start_date=date(2026, 9, 1),
                  honor=Honor.DISTRICT),
            staff("0005", "赵磊", "B"),
            staff("0006", "孙伟", "B", post=Post.VICE_PRINCIPAL, subject=None, band=None,
                  post_start_date=date(2015, 9, 1), school_start_date=date(2015, 9, 1)),
            staff("0007", "周洁", "A", honor=Honor.PROVINCE, subject="音乐"),
        ),
    )  # fmt: skip


def make_plan() -> Plan:
    return Plan(
        status=SolveStatus.OPTIMAL,
        moves=(
            Move("0001", "A", "B", "T1", "G-1", RETURN_DATE),
            Move("0004", "B", "A", "S2", None, None),
            Move("0005", "B", "A", "G3", "G-1", RETURN_DATE),
            Move("0006", "B", "A", "T2", "G-1", date(2030, 9, 1)),
        ),
        extensions=(),
        walks=(Walk("0007", "A", "B", "音乐"),),
        obligations=(
            ObligationOutcome("G1", "G-1", "B", "team", 3, 2, soft=True),
            ObligationOutcome("G4", "AL-1", None, "", 3, 3, soft=False, maximum=5),
            ObligationOutcome("G4", "AL-2", None, "", 3, 6, soft=False, maximum=5),
        ),
        unmoved=(
            Unmoved("0003", "A", Text("C4: outflow cap of A (1) reached", "C4：学校 A 调出上限（1）已满")),
        ),
        levels=(LevelResult("obligations", SolveStatus.OPTIMAL, 12.0, 12.0, 0.0, 1.25),),
        wall_time_s=1.25,
    )


PARAMS = Parameters(effective_date=AT)
FACTS: list[tuple[str, object]] = [
    ("effective_date", AT),
    ("status", SolveStatus.OPTIMAL),
    ("objective", 12.0),
    ("best_bound", 12.0),
    ("gap", 0.0),
    ("wall_time_s", 1.25),
    ("input_sha256", "ab" * 32),
    ("version", "0.1.0"),
]
WARNINGS = [
    Text("L1: group G-1 has 12 schools, more than 9", "L1：集团 G-1 有 12 所学校，超过 9"),
    Text("-ignored sheet: 备注", "-已忽略的工作表：备注"),
]


@pytest.fixture
def roster() -> Roster:
    return make_roster()


@pytest.fixture
def eligibility(roster: Roster) -> dict[str, Eligibility]:
    return assess_roster(roster, PARAMS)


def write_plan(path: Path, roster: Roster, eligibility: dict[str, Eligibility], **options: Any) -> Path:
    write_plan_workbook(
        path, roster, PARAMS, eligibility, make_plan(), FACTS, WARNINGS, force=False, **options
    )
    return path


def read_tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every sheet's rows (header included), by sheet name, read-only."""
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: [tuple(row) for row in ws.iter_rows(values_only=True)] for ws in book.worksheets}
    finally:
        book.close()


def rows_by_id(table: Sequence[Sequence[Any]]) -> dict[Any, Sequence[Any]]:
    return {row[0]: row for row in table[1:]}


# Sheets and headers ------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_plan_workbook_has_the_contract_sheets_and_headers(
    tmp_path: Path, roster: Roster, eligibility: dict[str, Eligibility], lang: str
) -> None:
    tables = read_tables(write_plan(tmp_path / "plan.xlsx", roster, eligibility, lang=lang))
    dashboard, legend = ("图表", "说明") if lang == "zh" else ("dashboard", "legend")
    assert list(tables) == [*(sheet.label(lang) for sheet in OUTPUT_SHEETS), dashboard, legend]
    for sheet in OUTPUT_SHEETS:
        # The contract's columns in its order first; school names may follow.
        contract = tuple(column.label(lang) for column in sheet.columns)
        assert tables[sheet.label(lang)][0][: len(contract)] == contract


def test_chinese_is_the_default(tmp_path: Path, roster: Roster, eligibility: dict[str, Eligibility]) -> None:
    tables = read_tables(write_plan(tmp_path / "plan.xlsx", roster, eligibility))
    assert next(iter(tables)) == "调动名单"
    assert tables["调动名单"][0][:3] == ("工号", "姓名", "原学校代码")


# Codes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        pytest.param("zh", ("教师", "数学", "小学高段", "市级", "T1", "G-1"), id="zh"),
        pytest.param("en", ("teacher", "数学", "primary_upper", "city", "T1", "G-1"), id="en"),
    ],
)
def test_assignment_codes_in_the_output_language(
    tmp_path: Path, roster: Roster, eligibility: dict[str, Eligibility], lang: str, expected: tuple[str, ...]
) -> None:
    tables = read_tables(write_plan(tmp_path / "plan.xlsx", roster, eligibility, lang=lang))
    row = rows_by_id(tables["assignments" if lang == "en" else "调动名单"])["0001"]
    assert row[:4] == ("0001", FORMULA_NAME, "A", "B")
    assert row[4:10] == expected


def test_blank_subject_and_band_stay_blank(
    tmp_path: Path, roster: Roster, eligibility: dict[str, Eligibility]
) -> None:
    tables = read_tables(write_plan(tmp_path / "plan.xlsx", roster, eligibility))
    row = rows_by_id(tables["调动名单"])["0006"]
    assert row[4:8] == ("副校长", None, None, "无")


@pytest.mark.parametrize(
    ("lang", "statuses"),
    [
        pytest.param(
            "zh", {"0001": "应交流", "0004": "期满返回", "0005": "未到期", "0002": "暂不纳入"}, id="zh"
        ),
        pytest.param(
            "en", {"0001": "due", "0004": "returning", "0005": "not_due", "0002": "exempt"}, id="en"
        ),
    ],
)
def test_eligibility_status_in_the_output_language(
    tmp_path: Path, roster: Roster, eligibility: dict[str, Eligibility], lang: str, statuses: dict[str, str]
) -> None:
    tables = read_tables(write_plan(tmp_path / "plan.xlsx", roster, eligibility, lang=lang))
    rows = rows_by_id(tables["eligibility" if lang == "en" else "资格审查"])
    assert {staff_id: rows[staff_id][3] for staff_id in statuses} == statuses
    # Rule IDs are never translated; tenure and age are whole years at the effective date.
    assert rows["0001"][4:] == ("T1", 12, 42)
    assert rows["0005"][4] is None


def test_locked_status_in_chinese() -> None:
    member = staff("0009", "吴芳", "B", home_school_id="A", exchange_start_date=date(2027, 3, 1))
    roster = Roster(
        schools={"A": school("A", Area.URBAN), "B": school("B", Area.RURAL)}, groups={}, staff=(member,)
    )
    sheet = eligibility_sheet(roster, assess_roster(roster, PARAMS), "zh")
    assert sheet.rows[0][3:5] == ("交流中", "S1")


# Sensitive reasons ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("include_sensitive", "expected"),
    [
        # Masked: nursing and illness both read "exempt, E*", and E2 beside E5 is hidden too.
        pytest.param(False, {"0002": ("exempt", "E*"), "0003": ("exempt", "E*")}, id="masked-by-default"),
        pytest.param(True, {"0002": ("exempt", "E4"), "0003": ("exempt", "E2;E5")}, id="include-sensitive"),
    ],
)
def test_e4_e5_masked_unless_asked(
    tmp_path: Path,
    roster: Roster,
    eligibility: dict[str, Eligibility],
    include_sensitive: bool,
    expected: dict[str, tuple[str, str]],
) -> None:
    path = write_plan(
        tmp_path / "plan.xlsx", roster, eligibility, lang="en", include_sensitive=include_sensitive
    )
    rows = rows_by_id(read_tables(path)["eligibility"])
    assert {staff_id: rows[staff_id][3:5] for staff_id in expected} == expected


def test_masking_leaves_other_rows_alone(roster: Roster, eligibility: dict[str, Eligibility]) -> None:
    rows = rows_by_id([("header",), *eligibility_sheet(roster, eligibility, "en").rows])
    assert rows["0004"][3:5] == ("returning", "S2")
    assert rows["0006"][3:5] == ("due", "T2")


# Formula injection ---------------------------------------------------------------------


def test_text_like_a_formula_comes_back_as_text(
    tmp_path: Path, roster: Roster, eligibility: dict[str, Eligibility]
) -> None:
    path = write_plan(tmp_path / "plan.xlsx", roster, eligibility)
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        cells = [row[1] for row in book["调动名单"].iter_rows(min_row=2) if row[0].value == "0001"]
        assert [(cell.value, cell.data_type) for cell in cells] == [(FORMULA_NAME, "s")]
        warning_cells = [row[1] for row in book["运行信息"].iter_rows() if row[0].value == "warning"]
        assert [cell.data_type for cell in warning_cells] == ["s", "s"]
    finally:
        book.close()


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("=1+1", id="equals"),
        pytest.param("+8613800000000", id="plus"),
        pytest.param("-2+3", id="minus"),
        pytest.param("@SUM(A1)", id="at"),
        pytest.param('  =HYPERLINK("http://x")', id="after-spaces"),
        pytest.param("\u3000=1", id="after-full-width-space"),
        pytest.param("\t=1", id="tab"),
        pytest.param("\rdata", id="carriage-return"),
    ],
)
def test_formula_triggers_are_written_as_quoted_text(tmp_path: Path, text: str) -> None:
    assert looks_like_formula(text)
    path = tmp_path / "cells.xlsx"
    write_workbook(path, [SheetData("t", ["value"], [(text,)])], force=False)
    book = openpyxl.load_workbook(path)
    cell = book["t"]["A2"]
    # OOXML stores a carriage return as _x000D_, which Excel decodes and openpyxl does not.
    value = cell.value.replace("_x000D_", "\r")
    # Text, and quote-prefixed so that editing it in Excel keeps it text.
    assert (value, cell.data_type, cell.quotePrefix) == (text, "s", True)


@pytest.mark.parametrize("text", ["张三", "A-1", "a=b", "0001", ""])
def test_ordinary_text_is_not_quoted(text: str) -> None:
    assert not looks_like_formula(text)


# Dates ----------------------------------------------------------------------------------


def test_dates_are_real_excel_dates(
    tmp_path: Path, roster: Roster, eligibility: dict[str, Eligibility]
) -> None:
    path = write_plan(tmp_path / "plan.xlsx", roster, eligibility, lang="en")
    tables = read_tables(path)
    rows = rows_by_id(tables["assignments"])
    assert rows["0001"][10:12] == (datetime(2027, 9, 1), datetime(2028, 9, 1))
    # An S2 return home has no earliest return date.
    assert rows["0004"][8:12] == ("S2", None, datetime(2027, 9, 1), None)
    run = dict(row for row in tables["run"][1:] if row[0] != "warning")
    assert run["effective_date"] == datetime(2027, 9, 1)
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        assert book["assignments"]["K2"].number_format == "yyyy-mm-dd"
        assert book["assignments"]["K2"].is_date
    finally:
        book.close()


# Obligations, unmoved, walking -------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "team", "yes", "no"), [("zh", "管理团队", "是", "否"), ("en", "team", "yes", "no")]
)
def test_obligations_met_as_yes_no(
    roster: Roster, eligibility: dict[str, Eligibility], lang: str, team: str, yes: str, no: str
) -> None:
    sheets = plan_sheets(roster, PARAMS, eligibility, make_plan(), FACTS, WARNINGS, lang)
    assert list(sheets[2].rows) == [
        ("G1", "G-1", "B", team, 3, 2, no),
        # A single-part obligation has a blank part.
        ("G4", "AL-1", None, None, 3, 3, yes),
        # Above its maximum (alliance_max) G4 is not met either.
        ("G4", "AL-2", None, None, 3, 6, no),
    ]


def test_unmoved_and_walking_rows(roster: Roster, eligibility: dict[str, Eligibility]) -> None:
    sheets = plan_sheets(roster, PARAMS, eligibility, make_plan(), FACTS, WARNINGS, "en")
    assert list(sheets[3].rows) == [("0003", "刘强", "A", "C4: outflow cap of A (1) reached", "学校A")]
    assert list(sheets[5].rows) == [("0007", "周洁", "A", "B", "音乐")]


# Schools -------------------------------------------------------------------------------------


def test_schools_sheet_arithmetic(roster: Roster, eligibility: dict[str, Eligibility]) -> None:
    sheets = plan_sheets(roster, PARAMS, eligibility, make_plan(), FACTS, WARNINGS, "en")
    rows = rows_by_id([("header",), *sheets[4].rows])
    # A: 0001 0002 0003 0007 work there (key: 0001, 0007). Out: 0001. In: 0004 returning home
    # (key), 0005 and 0006. After: 4 - 1 + 3 = 6; key 2 - 1 + 1 = 2.
    assert rows["A"] == ("A", 4, 1, 3, 6, 2, 2, "学校A")
    # B: 0004 (on exchange, key) 0005 0006 work there. Out: all three, the S2 return included.
    # In: 0001 (key). The walking teacher 0007 keeps the home post at A and counts nowhere else.
    assert rows["B"] == ("B", 3, 3, 1, 1, 1, 1, "学校B")
    # C: nobody before, nobody moves.
    assert rows["C"] == ("C", 0, 0, 0, 0, 0, 0, "学校C")
    assert sum(row[1] for row in rows.values()) == sum(row[4] for row in rows.values())


# Run sheet -------------------------------------------------------------------------------------


def test_run_sheet_facts_parameters_warnings() -> None:
    sheet = run_sheet(FACTS, PARAMS, WARNINGS, "zh")
    assert sheet.title == "运行信息"
    keys = [row[0] for row in sheet.rows]
    assert keys[: len(FACTS)] == [key for key, _ in FACTS]
    # effective_date is both a fact and a parameter: one row.
    assert keys.count("effective_date") == 1
    values = {row[0]: row[1] for row in sheet.rows}
    assert values["status"] == "最优"  # optimal, in the Chinese run sheet
    assert values["objective"] == 12.0
    assert values["objective_mode"] == "lexicographic"
    assert values["teacher_tenure_years"] == 6
    assert values["max_outflow_ratio"] == 0.2
    assert values["soft"] == ""
    assert [row[1] for row in sheet.rows if row[0] == "warning"] == [warning.zh for warning in WARNINGS]
    assert len(sheet.rows) == len(FACTS) + len(PARAMS.items()) - 1 + len(WARNINGS)


def test_run_sheet_requires_the_contract_facts() -> None:
    facts = [(key, value) for key, value in FACTS if key not in ("objective", "version")]
    with pytest.raises(ValueError, match="objective, version"):
        run_sheet(facts, PARAMS, [], "en")


def test_run_sheet_refuses_a_fact_contradicting_a_parameter() -> None:
    facts = [*FACTS[1:], ("effective_date", date(2028, 9, 1))]
    with pytest.raises(ValueError, match="effective_date"):
        run_sheet(facts, PARAMS, [], "en")


def test_unknown_language_refused(roster: Roster, eligibility: dict[str, Eligibility]) -> None:
    with pytest.raises(ValueError, match="'fr'"):
        eligibility_sheet(roster, eligibility, "fr")


# The check export ---------------------------------------------------------------------------------


def test_eligibility_workbook_has_two_sheets_and_zero_objective(
    tmp_path: Path, roster: Roster, eligibility: dict[str, Eligibility]
) -> None:
    facts = [("effective_date", AT), ("status", "checked"), ("input_sha256", "cd" * 32), ("version", "0.1.0"),
             ("wall_time_s", 0.4)]  # fmt: skip
    path = tmp_path / "check.xlsx"
    write_eligibility_workbook(path, roster, eligibility, PARAMS, facts, [], "en", force=False)
    tables = read_tables(path)
    assert list(tables) == ["eligibility", "run", "legend"]
    run = tables["run"][1:]
    assert ("status", "checked") in run
    assert {("objective", 0), ("best_bound", 0), ("gap", 0)} <= set(run)
    assert rows_by_id(tables["eligibility"])["0002"][3:5] == ("exempt", "E*")


# The writer: refusals and atomicity ----------------------------------------------------------------

SMALL = [SheetData("t", ["a", "b"], [("x", 1), ("y", 2), ("z", 3)])]


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"old")
    with pytest.raises(OutputExistsError, match=r"plan\.xlsx.*--force"):
        write_workbook(path, SMALL, force=False)
    assert path.read_bytes() == b"old"
    write_workbook(path, SMALL, force=True)
    assert read_tables(path)["t"][1] == ("x", 1)


def test_refuses_a_directory(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="directory"):
        write_workbook(tmp_path, SMALL, force=True)


def protected_spellings(tmp_path: Path) -> list[Path]:
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.xlsx").symlink_to(tmp_path / "input.xlsx")
    os.link(tmp_path / "input.xlsx", tmp_path / "hard.xlsx")
    return [
        tmp_path / "input.xlsx",
        tmp_path / "sub" / ".." / "input.xlsx",
        tmp_path / "link.xlsx",
        tmp_path / "hard.xlsx",
    ]


@pytest.mark.parametrize("spelling", [0, 1, 2, 3], ids=["same-path", "dot-dot", "symlink", "hard-link"])
def test_refuses_to_write_onto_the_input_even_with_force(tmp_path: Path, spelling: int) -> None:
    source = tmp_path / "input.xlsx"
    source.write_bytes(b"input workbook")
    target = protected_spellings(tmp_path)[spelling]
    with pytest.raises(ProtectedPathError, match="input"):
        write_workbook(target, SMALL, force=True, protect=[source])
    assert source.read_bytes() == b"input workbook"


def test_protect_allows_other_paths(tmp_path: Path) -> None:
    source = tmp_path / "input.xlsx"
    source.write_bytes(b"input workbook")
    write_workbook(tmp_path / "out.xlsx", SMALL, force=False, protect=[source])
    assert (tmp_path / "out.xlsx").exists()


def failing_after(calls: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make row writing raise on its ``calls``-th row, half-way through a sheet."""
    real = reports.xlsx._write_row
    count = 0

    def write_row(*args: Any) -> None:
        nonlocal count
        count += 1
        if count == calls:
            raise RuntimeError("disk full")
        real(*args)

    monkeypatch.setattr(reports.xlsx, "_write_row", write_row)


def test_failure_half_way_keeps_the_old_file_and_leaves_no_temporary(
    tmp_path: Path, roster: Roster, eligibility: dict[str, Eligibility], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "plan.xlsx"
    write_plan(path, roster, eligibility)
    before = path.read_bytes()
    failing_after(3, monkeypatch)
    with pytest.raises(RuntimeError, match="disk full"):
        write_plan_workbook(path, roster, PARAMS, eligibility, make_plan(), FACTS, [], "en", force=True)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.xlsx"]


def test_failure_on_a_new_file_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    failing_after(2, monkeypatch)
    with pytest.raises(RuntimeError):
        write_workbook(tmp_path / "new.xlsx", SMALL, force=False)
    assert list(tmp_path.iterdir()) == []


def test_a_file_open_elsewhere_is_reported_and_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"old")

    def locked(source: object, target: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(reports.xlsx.os, "replace", locked)
    with pytest.raises(OutputError, match=r"plan\.xlsx: cannot be written .*open in Excel, close it"):
        write_workbook(path, SMALL, force=True)
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.xlsx"]


def test_an_impossible_path_is_an_output_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("a file, not a folder")
    with pytest.raises(OutputError, match=r"notes\.txt/plan\.xlsx: cannot be written"):
        write_workbook(tmp_path / "notes.txt" / "plan.xlsx", SMALL, force=False)


def test_unsupported_cell_type_refused_and_cleaned_up(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="row 1, column 0: cannot write a list"):
        write_workbook(tmp_path / "bad.xlsx", [SheetData("t", ["a"], [([1],)])], force=False)  # type: ignore[list-item]
    assert list(tmp_path.iterdir()) == []


def test_creates_missing_parent_directories(tmp_path: Path) -> None:
    path = tmp_path / "out" / "plan.xlsx"
    write_workbook(path, SMALL, force=False)
    assert read_tables(path)["t"][0] == ("a", "b")


# The writer: layout ------------------------------------------------------------------------------------


def layout_of(path: Path, title: str) -> Any:
    return openpyxl.load_workbook(path)[title]


def test_header_frozen_filtered_bold_and_printed_on_a4(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write_workbook(path, SMALL, force=False)
    sheet = layout_of(path, "t")
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:B4"
    assert sheet["A1"].font.b
    assert sheet.page_setup.paperSize == 9
    assert sheet.page_setup.orientation == "portrait"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.fitToWidth in (None, 1)  # 1 is Excel's default and may be left out
    assert sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows == "$1:$1"


def test_wide_sheets_print_landscape(tmp_path: Path) -> None:
    path = tmp_path / "wide.xlsx"
    headers = [f"第{i}列说明文字" for i in range(12)]
    write_workbook(path, [SheetData("wide", headers, [])], force=False)
    assert layout_of(path, "wide").page_setup.orientation == "landscape"


@pytest.mark.parametrize(
    ("text", "width"),
    [
        pytest.param("abc", 3, id="ascii"),
        pytest.param("张三", 4, id="cjk-counts-double"),
        pytest.param("A校区", 5, id="mixed"),
        pytest.param("ＡＢ", 4, id="full-width-latin"),
    ],
)
def test_text_width(text: str, width: int) -> None:
    assert text_width(text) == width


def test_column_widths_fit_the_longest_cell_up_to_a_cap(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    rows: list[Sequence[Any]] = [("张三丰", "x" * 200, 12345678, AT)]
    write_workbook(path, [SheetData("t", ["id", "note", "n", "日期"], rows)], force=False)
    columns = layout_of(path, "t").column_dimensions
    # xlsxwriter stores a width of N characters as N + 0.71 (the cell padding).
    widths = [int(columns[letter].width) for letter in "ABCD"]
    # The longest text plus a margin of 2: 张三丰 is 6 wide, the 200-character note is capped,
    # 12345678 is 8, and a date is 10 (wider than its header 日期, 4).
    assert widths == [6 + 2, MAX_COLUMN_WIDTH, 8 + 2, 10 + 2]


def test_column_formats_apply_to_numbers_and_dates(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    sheet = SheetData("t", ["share", "day"], [(0.25, AT)], column_formats={0: "0.0%", 1: "yyyy/m/d"})
    write_workbook(path, [sheet], force=False)
    cells = layout_of(path, "t")
    assert (cells["A2"].value, cells["A2"].number_format) == (0.25, "0.0%")
    assert (cells["B2"].value, cells["B2"].number_format) == (datetime(2027, 9, 1), "yyyy/m/d")


def test_booleans_and_blanks(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write_workbook(path, [SheetData("t", ["a", "b", "c"], [(True, None, False)])], force=False)
    assert read_tables(path)["t"][1] == (True, None, False)


# School names, the legend, and reading the plan back ---------------------------------------------


@pytest.mark.parametrize(
    ("lang", "names"),
    [("zh", ("原学校名称", "交流学校名称")), ("en", ("from_school_name", "to_school_name"))],
)
def test_school_names_follow_the_contract_columns(
    tmp_path: Path, roster: Roster, eligibility: dict[str, Eligibility], lang: str, names: tuple[str, str]
) -> None:
    tables = read_tables(write_plan(tmp_path / "plan.xlsx", roster, eligibility, lang=lang))
    sheet = "调动名单" if lang == "zh" else "assignments"
    width = len(OUTPUT_SHEETS[0].columns)
    assert tables[sheet][0][width:] == names
    row = rows_by_id(tables[sheet])["0001"]
    assert (row[2], row[3], *row[width:]) == ("A", "B", "学校A", "学校B")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_plan_reads_back_with_its_names_parts_and_status(
    tmp_path: Path, roster: Roster, eligibility: dict[str, Eligibility], lang: str
) -> None:
    # The extra name columns are passed over; Chinese parts and statuses come back as the contract's keys.
    plan = read_plan_workbook(write_plan(tmp_path / "plan.xlsx", roster, eligibility, lang=lang))
    assert next((a.staff_id, a.from_school_id, a.to_school_id, a.rule) for a in plan.assignments) == (
        "0001",
        "A",
        "B",
        "T1",
    )
    assert [o.part for o in plan.obligations] == ["team", "", ""]
    assert [u.school_id for u in plan.unmoved] == ["A"]
    assert [s.school_id for s in plan.schools] == ["A", "B", "C"]
    assert plan.status == "optimal"


@pytest.mark.parametrize(
    ("part", "zh"),
    [
        ("team", "管理团队"),
        ("teacher:primary_lower", "教师:小学低段"),
        ("leader:", "领导:"),
        ("leader", "领导"),
        ("key", "骨干"),
        ("junior", "初中"),
        ("语文", "语文"),
        ("数学:0003->0004", "数学:0003->0004"),
        ("000123:never", "000123:禁止"),
        ("", ""),
    ],
)
def test_parts_in_chinese_and_back(part: str, zh: str) -> None:
    assert part_text(part, "zh") == zh
    assert part_text(part, "en") == part
    assert parse_part(zh) == parse_part(part) == part


def legend_of(path: Path, title: str) -> dict[str, tuple[Any, ...]]:
    rows = read_tables(path)[title]
    return {row[0]: row for row in rows[1:]}


def test_the_legend_explains_every_code_the_plan_shows_from_the_catalogue(
    tmp_path: Path, roster: Roster, eligibility: dict[str, Eligibility]
) -> None:
    path = write_plan(tmp_path / "plan.xlsx", roster, eligibility)
    legend = legend_of(path, "说明")
    assert read_tables(path)["说明"][0] == ("代码", "类别", "名称", "含义")
    # Moves T1 T2 S2 G3, reasons E* (E4/E5 masked), obligations G1 G4, the unmoved reason C4,
    # and L1 in a warning of the run sheet.
    rules = [code for code in legend if code in {r.value for r in RuleId}]
    assert rules == ["T1", "T2", "S2", "G1", "G3", "G4", "C4", "L1", "E*"]
    for code in rules:
        entry = CATALOGUE[RuleId(code)]
        assert legend[code][1:] == (entry.kind.label("zh"), entry.title.zh, entry.meaning.zh)
    # E4 and E5 stay hidden: the masked plan must not explain what it does not show.
    assert "E4" not in legend and "E5" not in legend
    # Statuses, posts, bands and honours as the sheets write them, named in Chinese only (no English on
    # what is sent to schools).
    assert legend["应交流"][:3] == ("应交流", "状态", "应交流")
    assert legend["副校长"][:3] == ("副校长", "岗位", "副校长")
    assert legend["小学高段"][:3] == ("小学高段", "任教学段", "小学高段")
    assert legend["市级"][:3] == ("市级", "荣誉级别", "市级")
    assert not any(re.search("[A-Za-z]{3,}", entry[2]) for entry in legend.values())
    assert list(legend)[-1] == RULES_DOC and RULES_DOC in legend[RULES_DOC][3]


def test_the_english_legend_is_english(
    tmp_path: Path, roster: Roster, eligibility: dict[str, Eligibility]
) -> None:
    legend = legend_of(write_plan(tmp_path / "plan.xlsx", roster, eligibility, lang="en"), "legend")
    assert legend["T1"][1:] == ("who is due", "Teacher tenure", CATALOGUE[RuleId.T1].meaning.en)
    assert legend["due"][:3] == ("due", "status", "应交流")
    assert "应交流" not in legend


def test_a_column_is_explained_only_when_all_of_it_is_codes() -> None:
    # destination_scope's "district" in the run sheet is not an honour; the honour column's is.
    run = [("destination_scope", "district"), ("status", "optimal")]
    assert [e.code for e in legend_entries([run], "en")] == [RULES_DOC]
    honours = [("0001", "district"), ("0002", "none"), ("0003", None)]
    assert [e.code for e in legend_entries([honours], "en")] == ["none", "district", RULES_DOC]


def test_the_check_export_has_its_legend(
    tmp_path: Path, roster: Roster, eligibility: dict[str, Eligibility]
) -> None:
    facts = [("effective_date", AT), ("status", "checked"), ("input_sha256", "cd" * 32), ("version", "0.1.0"),
             ("wall_time_s", 0.4)]  # fmt: skip
    path = tmp_path / "check.xlsx"
    write_eligibility_workbook(path, roster, eligibility, PARAMS, facts, [], "zh", force=False)
    tables = read_tables(path)
    assert list(tables) == ["资格审查", "运行信息", "说明"]
    assert ("status", "已检查") in tables["运行信息"]
    assert {"T1", "T2", "S2", "E*", "应交流", "暂不纳入", "期满返回"} <= set(legend_of(path, "说明"))


# The rules document ---------------------------------------------------------------------------------

RULES_MD = Path(__file__).resolve().parent.parent / RULES_DOC


def test_the_rules_document_names_every_code_of_the_catalogue() -> None:
    text = RULES_MD.read_text(encoding="utf-8")
    for rule_id in RuleId:
        assert f"`{rule_id.value}`" in text, rule_id
    # Chinese first, then English, each with every rule's meaning from the catalogue.
    assert text.index("## 中文") < text.index("## English")
    chinese, english = text.split("## English")
    for entry in CATALOGUE.values():
        assert entry.meaning.zh in chinese and entry.meaning.en in english, entry.rule_id


def test_the_rules_document_is_up_to_date() -> None:
    assert RULES_MD.read_text(encoding="utf-8") == rules_doc.render(), (
        "docs/rules.md is out of date: run `.venv/bin/python -m reports.rules_doc`"
    )


def test_codes_listed_with_a_chinese_enumeration_comma_are_explained() -> None:
    # Chinese text lists codes as E1、E2 (the template's related rules, sentences of the catalogue).
    assert [e.code for e in legend_entries([[("E1、E2",)]], "zh")] == ["E1", "E2", RULES_DOC]


def test_a_host_post_named_like_a_post_is_explained_once() -> None:
    # Columns post and host_post (P2): 教师 is the same post in both; 执行校长 only a host post.
    rows = [("教师", "教师"), ("副校长", "执行校长")]
    entries = legend_entries([rows], "zh")
    assert [e.code for e in entries] == ["副校长", "教师", "执行校长", RULES_DOC]
    assert [e.kind for e in entries[:3]] == ["岗位", "岗位", "挂职岗位"]
