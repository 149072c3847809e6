"""rotation.workbook.scan and its use by the loader (issue 13, "Why" 1, 2 and 7).

Error cells (#N/A, #REF!, …) are refused where they stand, never read as blank; a cell past the
sheet's limits refuses the sheet in one sentence, without calamine reading the grid up to it; ids
and names are compared as they read (NFKC, no invisible characters).
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font

from rotation.domain import StaffMember
from rotation.eligibility import assess_roster
from rotation.workbook.cells import ExcelError, clean_text
from rotation.workbook.loader import WorkbookError, load_workbook
from rotation.workbook.scan import MAX_CELLS, MAX_COLUMNS, MAX_ROWS, Package, column_letters

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.xlsx"
ERROR_CODES = ("#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!")


def edited(tmp_path: Path, edit: Callable[[openpyxl.Workbook], None], name: str = "edited.xlsx") -> Path:
    book = openpyxl.load_workbook(TINY)
    edit(book)
    path = tmp_path / name
    book.save(path)
    return path


def staff_row(sheet: object, staff_id: str) -> int:
    for row in sheet.iter_rows(min_row=2):  # type: ignore[attr-defined]
        if row[0].value == staff_id:
            return int(row[0].row)
    raise AssertionError(f"no staff member {staff_id} in tiny")


def column_of(sheet: object, header: str) -> int:
    for cell in sheet[1]:  # type: ignore[index]
        if cell.value == header:
            return int(cell.column)
    raise AssertionError(f"no column {header}")


def set_error(sheet: object, row: int, column: int, code: str = "#N/A") -> None:
    cell = sheet.cell(row=row, column=column)  # type: ignore[attr-defined]
    cell.value = code
    cell.data_type = "e"


def refusal(path: Path) -> list[str]:
    with pytest.raises(WorkbookError) as caught:
        load_workbook(path)
    return [str(problem) for problem in caught.value.problems]


def exempt_by(reason: str) -> str:
    """A person of tiny exempt by ``reason`` alone, from a cell (not a child's birth date); one who would
    be due with that cell blank when tiny has one (the issue's case: exempt, E4 became due, T1)."""
    loaded = load_workbook(TINY)
    before = assess_roster(loaded.roster, loaded.params)
    found = [
        member
        for member in loaded.roster.staff
        if [str(r) for r in before[member.staff_id].reasons] == [reason] and member.child_birth_date is None
    ]
    assert found, f"tiny has nobody exempt by {reason} alone"
    blank = replace(loaded.roster, staff=tuple(_blanked(m) if m in found else m for m in loaded.roster.staff))
    after = assess_roster(blank, loaded.params)
    return next((m.staff_id for m in found if after[m.staff_id].is_due), found[0].staff_id)


def _blanked(member: StaffMember) -> StaffMember:
    return replace(member, pregnant_or_nursing=False, medical_exemption=False, override=None)


# -- Why 1: an error cell erases a protected exemption -------------------------------------------


@pytest.mark.parametrize(
    ("reason", "header"), [("E4", "孕期哺乳期"), ("E5", "病情不宜交流"), ("E7", "审定意见")]
)
def test_issue13_error_in_an_exemption_column_is_refused_not_read_as_blank(
    tmp_path: Path, reason: str, header: str
) -> None:
    staff_id = exempt_by(reason)

    def edit(book: openpyxl.Workbook) -> None:
        sheet = book["教职工"]
        set_error(sheet, staff_row(sheet, staff_id), column_of(sheet, header))

    path = edited(tmp_path, edit)
    row = staff_row(openpyxl.load_workbook(path)["教职工"], staff_id)
    assert refusal(path) == [
        f"教职工, row {row}, column {header}: shows an Excel error instead of a value; "
        "type the value in (an error is not read as blank) (found: #N/A)"
    ]


def test_issue13_e4_person_with_na_flag_is_not_turned_due(tmp_path: Path) -> None:
    staff_id = exempt_by("E4")
    loaded = load_workbook(TINY)
    member = loaded.roster.staff_by_id[staff_id]
    blank = replace(
        loaded.roster, staff=tuple(_blanked(m) if m is member else m for m in loaded.roster.staff)
    )
    assert assess_roster(blank, loaded.params)[staff_id].is_due  # read as blank, the flag would make them due

    def edit(book: openpyxl.Workbook) -> None:
        sheet = book["教职工"]
        set_error(sheet, staff_row(sheet, staff_id), column_of(sheet, "孕期哺乳期"))

    with pytest.raises(WorkbookError) as caught:
        load_workbook(edited(tmp_path, edit))
    assert caught.value.problems[0].column == "孕期哺乳期"
    assert caught.value.problems[0].text("zh").endswith("（发现：#N/A）")


@pytest.mark.parametrize("code", ERROR_CODES)
def test_every_error_code_is_refused_in_an_optional_column(tmp_path: Path, code: str) -> None:
    def edit(book: openpyxl.Workbook) -> None:
        sheet = book["教职工"]
        set_error(sheet, 2, column_of(sheet, "志愿3"), code)

    assert refusal(edited(tmp_path, edit)) == [
        "教职工, row 2, column 志愿3: shows an Excel error instead of a value; "
        f"type the value in (an error is not read as blank) (found: {code})"
    ]


def test_issue13_error_end_date_in_history_is_refused(tmp_path: Path) -> None:
    def edit(book: openpyxl.Workbook) -> None:
        sheet = book["工作经历"]
        row = next(r[0].row for r in sheet.iter_rows(min_row=2) if r[4].value is not None)
        set_error(sheet, row, 5, "#REF!")

    [problem] = refusal(edited(tmp_path, edit))
    assert re.fullmatch(
        r"工作经历, row \d+, column 结束时间: shows an Excel error .* \(found: #REF!\)", problem
    )


def test_issue13_error_in_the_parameters_sheet_is_refused_not_the_default(tmp_path: Path) -> None:
    def edit(book: openpyxl.Workbook) -> None:
        set_error(book["参数"], 2, 2, "#VALUE!")

    [problem] = refusal(edited(tmp_path, edit))
    assert problem.startswith("参数, row 2, column 值: shows an Excel error")


def test_an_error_in_an_ignored_column_is_no_problem(tmp_path: Path) -> None:
    def edit(book: openpyxl.Workbook) -> None:
        sheet = book["教职工"]
        sheet.cell(row=1, column=40, value="备注")
        set_error(sheet, 5, 40)

    assert load_workbook(edited(tmp_path, edit)).roster.staff


def test_an_error_code_calamine_cannot_read_is_named_by_its_cell(tmp_path: Path) -> None:
    def edit(book: openpyxl.Workbook) -> None:
        set_error(book["学科最低配置"], 3, 4, "#GETTING_DATA")

    problems = refusal(edited(tmp_path, edit))
    assert "学科最低配置, row 3, column D: shows an Excel error instead of a value; " in problems[-1]
    assert problems[-1].endswith("(found: #GETTING_DATA)")


# -- Why 2: one stray cell far away ----------------------------------------------------------------


@pytest.mark.parametrize("reference", ["XFD1048576", "ALL100000", f"A{MAX_ROWS + 1}", "GS2"])
def test_issue13_a_value_past_the_limits_refuses_the_sheet_in_one_sentence(
    tmp_path: Path, reference: str
) -> None:
    def edit(book: openpyxl.Workbook) -> None:
        book["教职工"][reference] = "x"

    assert refusal(edited(tmp_path, edit)) == [
        f"教职工: cell {reference} holds something, beyond the {MAX_ROWS:,} rows and {MAX_COLUMNS} "
        "columns (A to GR) a sheet may use; clear the cells past the table and save again (found: 'x')"
    ]


@pytest.mark.parametrize(("column", "row"), [("A", MAX_ROWS), ("GR", 10)])
def test_the_last_row_and_column_within_the_limits_are_read(tmp_path: Path, column: str, row: int) -> None:
    def edit(book: openpyxl.Workbook) -> None:
        book["学科最低配置"][f"{column}{row}"] = "note"

    # Not past the limits: the sheet is read, and the note makes its row one with problems.
    problems = refusal(edited(tmp_path, edit))
    assert problems[0].startswith(f"学科最低配置, row {row}, column ")


def test_issue13_a_wide_and_deep_sheet_is_refused_by_its_area(tmp_path: Path) -> None:
    def edit(book: openpyxl.Workbook) -> None:
        book["学科最低配置"][f"GR{MAX_ROWS}"] = "note"

    assert refusal(edited(tmp_path, edit)) == [
        f"学科最低配置: its cells span A1:GR{MAX_ROWS}, more than the {MAX_CELLS:,} cells a sheet may span; "
        "clear the cells past the table and save again"
    ]


def test_a_formatted_blank_far_away_costs_nothing_and_is_no_problem(tmp_path: Path) -> None:
    def edit(book: openpyxl.Workbook) -> None:
        book["教职工"]["XFD1048576"].font = Font(bold=True)

    assert len(load_workbook(edited(tmp_path, edit)).roster.staff) == len(load_workbook(TINY).roster.staff)


def rewritten(tmp_path: Path, sheet_part: str, change: Callable[[bytes], bytes]) -> Path:
    """tiny with one worksheet part's XML changed byte for byte."""
    path = tmp_path / "raw.xlsx"
    with zipfile.ZipFile(TINY) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, change(data) if item.filename == sheet_part else data)
    return path


def staff_part() -> str:
    """The staff sheet's part in tiny: its third sheet, as the writer numbers them."""
    with zipfile.ZipFile(TINY) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
    assert re.findall(r'<sheet name="([^"]+)"', workbook)[2] == "教职工"
    return "xl/worksheets/sheet3.xml"


def test_issue13_an_empty_text_past_the_limits_is_refused_too(tmp_path: Path) -> None:
    far = f'<row r="{MAX_ROWS + 5}"><c r="B{MAX_ROWS + 5}" t="inlineStr"><is><t></t></is></c></row>'
    path = rewritten(
        tmp_path, staff_part(), lambda xml: xml.replace(b"</sheetData>", far.encode() + b"</sheetData>")
    )
    assert refusal(path) == [
        f"教职工: cell B{MAX_ROWS + 5} holds something, beyond the {MAX_ROWS:,} rows and {MAX_COLUMNS} "
        "columns (A to GR) a sheet may use; clear the cells past the table and save again (found: '')"
    ]


def test_cells_without_references_are_placed_in_turn_and_still_checked(tmp_path: Path) -> None:
    # Some writers leave out r=; calamine then places rows and cells in turn, and so does the scan.
    rows = "".join("<row><c><v>1</v></c></row>" for _ in range(3))
    wide = "<row>" + "<c/>" * MAX_COLUMNS + '<c t="inlineStr"><is><t>far</t></is></c></row>'
    path = rewritten(
        tmp_path,
        staff_part(),
        lambda xml: xml.replace(b"</sheetData>", (rows + wide).encode() + b"</sheetData>"),
    )
    [problem] = refusal(path)
    assert problem.startswith(f"教职工: cell {column_letters(MAX_COLUMNS)}")
    assert problem.endswith("(found: 'far')")


def test_a_namespace_prefix_does_not_hide_an_error_cell(tmp_path: Path) -> None:
    def prefixed(xml: bytes) -> bytes:
        main = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        xml = xml.replace(b"<worksheet ", b'<x:worksheet xmlns:x="' + main + b'" ', 1)
        xml = re.sub(rb"<(/?)(sheetData|row|c|v|is|t|f)([ >/])", rb"<\1x:\2\3", xml)
        xml = xml.replace(b"</worksheet>", b"</x:worksheet>")
        # The first data row's first cell (工号) becomes an error.
        error = b'<x:c r="A2" t="e"><x:v>#REF!</x:v></x:c>'
        return re.sub(rb'<x:c r="A2"[^>]*>.*?</x:c>', error, xml, count=1)

    problems = refusal(rewritten(tmp_path, staff_part(), prefixed))
    assert problems[0].startswith("教职工, row 2, column 工号: shows an Excel error")
    assert problems[0].endswith("(found: #REF!)")


def test_error_cells_are_put_back_where_calamine_left_blanks(tmp_path: Path) -> None:
    def edit(book: openpyxl.Workbook) -> None:
        set_error(book["学校"], 4, 9, "#DIV/0!")

    path = edited(tmp_path, edit)
    scan = Package(path.read_bytes()).scan("学校")
    assert [(e.row, e.column, e.code) for e in scan.errors] == [(3, 8, "#DIV/0!")]
    assert str(ExcelError("#DIV/0!")) == "#DIV/0!"


# -- Why 7: invisible differences ------------------------------------------------------------------


def test_clean_text_folds_width_and_drops_invisible_marks() -> None:
    assert clean_text("０００００１") == "000001"
    assert clean_text("000001\u200f") == "000001"
    assert clean_text("\u200b李\u200d明\ufeff") == "李明"
    assert clean_text("  abc ") == "abc"


@pytest.mark.parametrize("twin", ["{id}\u200f", "\u200b{id}", "{full}"])
def test_issue13_ids_that_differ_only_invisibly_are_duplicates(tmp_path: Path, twin: str) -> None:
    def edit(book: openpyxl.Workbook) -> None:
        sheet = book["教职工"]
        first = str(sheet.cell(row=2, column=1).value)
        full = "".join(chr(ord(c) + 0xFEE0) for c in first)
        sheet.cell(row=3, column=1).value = twin.format(id=first, full=full)

    problems = refusal(edited(tmp_path, edit))
    assert problems == [
        "教职工, row 3, column 工号: duplicate: also on row 2 (found: '"
        + str(openpyxl.load_workbook(TINY)["教职工"].cell(row=2, column=1).value)
        + "')"
    ]


@pytest.mark.parametrize(("sheet", "header"), [("教职工", "工号"), ("教职工", "姓名"), ("学校", "学校名称")])
def test_issue13_an_id_or_name_of_only_invisible_characters_is_refused(
    tmp_path: Path, sheet: str, header: str
) -> None:
    def edit(book: openpyxl.Workbook) -> None:
        book[sheet].cell(row=2, column=column_of(book[sheet], header)).value = "\u200b"

    problems = refusal(edited(tmp_path, edit))
    assert problems[0].startswith(f"{sheet}, row 2, column {header}: holds only invisible characters")


def test_scanning_leaves_the_file_alone(tmp_path: Path) -> None:
    copy = tmp_path / "tiny.xlsx"
    shutil.copy(TINY, copy)
    before = copy.read_bytes()
    load_workbook(copy)
    assert copy.read_bytes() == before
