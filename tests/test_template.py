"""The blank input workbook (reports/input_workbook.write_template), read back with openpyxl."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from reports.input_workbook import ID_COLUMNS, VALIDATED_ROWS, write_template
from reports.legend import RULES_DOC
from reports.xlsx import OutputExistsError
from rotation.catalogue import CATALOGUE, RuleId
from rotation.parameters import Parameters, allowed_values, format_value
from rotation.workbook.loader import load_workbook as load_input
from rotation.workbook.schema import INPUT_SHEETS, PARAMETERS, PINS, STAFF, TEMPLATE_NOTE_COLUMNS, Kind

LANGS = ("zh", "en")


@pytest.fixture(scope="module", params=LANGS)
def template(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Any]:
    lang: str = request.param
    path = tmp_path_factory.mktemp(lang) / "template.xlsx"
    write_template(path, lang)
    return lang, load_workbook(path)


def validations_by_column(worksheet: Any) -> dict[str, Any]:
    """The data validation of each column, by column letter, from its first data row."""
    found: dict[str, Any] = {}
    for validation in worksheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            found[get_column_letter(cell_range.min_col)] = validation
    return found


def column_format(worksheet: Any, index: int) -> str:
    """The number format of a column; Excel stores neighbouring columns of one format as one range."""
    for dimension in worksheet.column_dimensions.values():
        if dimension.min <= index <= dimension.max:
            return str(dimension.number_format)
    return "General"


def test_sheets_are_the_instructions_then_every_input_sheet(template: tuple[str, Any]) -> None:
    lang, book = template
    expected = ["说明" if lang == "zh" else "instructions"] + [sheet.label(lang) for sheet in INPUT_SHEETS]
    assert book.sheetnames == expected


def test_headers_are_the_contract_columns_in_the_language(template: tuple[str, Any]) -> None:
    lang, book = template
    for sheet in INPUT_SHEETS:
        header = [cell.value for cell in book[sheet.label(lang)][1]]
        # The parameters sheet adds the note columns the loader passes over (default, rules, meaning).
        notes = TEMPLATE_NOTE_COLUMNS.get(sheet.key, ())
        assert header == [column.label(lang) for column in (*sheet.columns, *notes)], sheet.key


def test_headers_spell_the_documented_names() -> None:
    # A few literal names from workbook-format.md, so that a slip in the schema shows up here too.
    labels = {column.key: column.zh for column in STAFF.columns}
    assert labels["staff_id"] == "工号"
    assert labels["home_school_id"] == "人事关系学校"
    assert labels["exchange_start_date"] == "交流开始时间"


def test_header_is_bold_and_frozen(template: tuple[str, Any]) -> None:
    lang, book = template
    for sheet in INPUT_SHEETS:
        worksheet = book[sheet.label(lang)]
        assert worksheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in worksheet[1])


def test_every_code_and_yes_no_column_has_a_dropdown_of_its_values(template: tuple[str, Any]) -> None:
    lang, book = template
    yes_no = ["是", "否"] if lang == "zh" else ["yes", "no"]
    for sheet in INPUT_SHEETS:
        validations = validations_by_column(book[sheet.label(lang)])
        for index, column in enumerate(sheet.columns, start=1):
            letter = get_column_letter(index)
            if column.kind is Kind.CODE:
                assert column.codes is not None
                expected = [code.label(lang) for code in column.codes]
            elif column.kind is Kind.BOOL:
                expected = yes_no
            elif sheet is PINS and column.key == "kind":
                expected = ["必须", "禁止", "留任"] if lang == "zh" else ["must", "never", "stay"]
            else:
                assert letter not in validations, f"{sheet.key}.{column.key}"
                continue
            validation = validations[letter]
            assert validation.type == "list"
            assert validation.formula1 == '"' + ",".join(expected) + '"', f"{sheet.key}.{column.key}"
            (only,) = validation.sqref.ranges
            assert (only.min_row, only.max_row) == (2, VALIDATED_ROWS + 1)


def test_staff_dropdowns_offer_chinese_codes_in_a_chinese_template(template: tuple[str, Any]) -> None:
    lang, book = template
    validations = validations_by_column(book[STAFF.label(lang)])
    post = get_column_letter(1 + [c.key for c in STAFF.columns].index("post"))
    expected = (
        "校长,副校长,中层干部,教师" if lang == "zh" else "principal,vice_principal,middle_manager,teacher"
    )
    assert validations[post].formula1 == f'"{expected}"'


def test_date_columns_are_formatted_as_dates_and_ids_as_text(template: tuple[str, Any]) -> None:
    lang, book = template
    for sheet in INPUT_SHEETS:
        worksheet = book[sheet.label(lang)]
        for index, column in enumerate(sheet.columns, start=1):
            number_format = column_format(worksheet, index)
            if column.kind is Kind.DATE:
                assert number_format == "yyyy-mm-dd", f"{sheet.key}.{column.key}"
            elif column.key in ID_COLUMNS:
                assert number_format == "@", f"{sheet.key}.{column.key}"


def test_instructions_name_every_sheet_and_column_with_its_type(template: tuple[str, Any]) -> None:
    lang, book = template
    rows = [
        [cell for cell in row if cell is not None] for row in book.worksheets[0].iter_rows(values_only=True)
    ]
    text = "\n".join(str(cell) for row in rows for cell in row)
    for sheet in INPUT_SHEETS:
        column_rows = {row[1]: row for row in rows if len(row) >= 5 and row[0] == sheet.label(lang)}
        for column in sheet.columns:
            assert column.label(lang) in column_rows, f"{sheet.key}.{column.key}"
        assert sheet.label(lang) in text
    staff_rows = {row[1]: row for row in rows if row and row[0] == STAFF.label(lang)}
    gender = staff_rows[STAFF.columns[3].label(lang)]
    assert ("男、女" if lang == "zh" else "M, F") in gender


def test_an_existing_file_is_kept_unless_forced(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    path.write_bytes(b"the planner's own file")
    with pytest.raises(OutputExistsError):
        write_template(path, "zh")
    assert path.read_bytes() == b"the planner's own file"
    write_template(path, "zh", force=True)
    assert load_workbook(path).sheetnames[0] == "说明"
    assert [p.name for p in tmp_path.iterdir()] == ["template.xlsx"]  # no temporary file left behind


def test_an_unknown_language_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="fr"):
        write_template(tmp_path / "template.xlsx", "fr")
    assert not list(tmp_path.iterdir())


def test_dropdowns_and_formats_reach_row_50000() -> None:
    assert VALIDATED_ROWS >= 50_000


def test_the_parameters_sheet_lists_every_parameter_with_default_and_meaning(
    template: tuple[str, Any],
) -> None:
    lang, book = template
    rows = list(book[PARAMETERS.label(lang)].iter_rows(min_row=2, values_only=True))
    defaults = Parameters()
    assert [row[0] for row in rows] == [field.name for field in fields(Parameters)]
    for name, value, default, rules, meaning, allowed in rows:
        assert value is None, name  # blank: the default applies until the planner writes a value
        assert meaning, name
        assert allowed == allowed_values(name), name
        if name == "effective_date":
            assert default is None  # computed from today; the meaning says how
        else:
            assert default == (
                format_value(getattr(defaults, name)) or ("（无）" if lang == "zh" else "(none)")
            )
        # Each related rule is a catalogue rule, and a rule's meaning names the parameter it is listed for.
        for code in (rules or "").replace("、", ",").replace(" ", "").split(","):
            if code and name not in ("soft", "hard", "objective_mode"):
                rule = CATALOGUE[RuleId(code)]
                assert name in rule.meaning.en and f"{code} {rule.describe(lang)}" in meaning
    by_name = {row[0]: row for row in rows}
    assert by_name["teacher_tenure_years"][2:4] == ("6", "T1")
    assert by_name["male_exempt_age"][5] == "0 – 120"  # issue 13: every parameter's range is listed
    assert "N1" in by_name["hard"][3] and "G4" in by_name["soft"][3]


def test_the_instructions_point_to_the_rules_and_explain_the_codes(template: tuple[str, Any]) -> None:
    lang, book = template
    cells = [str(c) for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c is not None]
    assert any(RULES_DOC in cell for cell in cells)
    # The codes named on the parameters sheet are explained, with the catalogue's meaning.
    for code in ("T1", "E2", "G7", "C4", "N1", "O1"):
        meaning = CATALOGUE[RuleId(code)].meaning.pick(lang)
        assert code in cells and meaning in cells, code
    assert cells[-1] != RULES_DOC and RULES_DOC in cells


def test_the_blank_template_loads_without_a_warning(tmp_path: Path) -> None:
    # Its 说明 sheet and the parameters' note columns are the template's own: check stays quiet.
    for lang in LANGS:
        path = tmp_path / f"template-{lang}.xlsx"
        write_template(path, lang)
        loaded = load_input(path)
        assert loaded.warnings == ()
        assert loaded.params.soft == Parameters().soft


def test_the_instructions_print_on_a4(template: tuple[str, Any]) -> None:
    _, book = template
    sheet = book.worksheets[0]
    assert sheet.page_setup.paperSize == 9
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
