"""The loader under the v2 contract (issues 10 and 11): kindergarten alliances (领航共建), L1 counting
member schools only, school codes that lost their leading zeros, and the template's own sheets.

Workbooks are built from lists of rows; data row 1 of a sheet is Excel row 2. The effective date
is 2027-09-01.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from loader_helpers import Rows, english, untranslated, write_workbook

from reports.input_workbook import write_template
from rotation.codes import GroupKind
from rotation.domain import Group, Pin, PinKind
from rotation.parameters import Parameters, resolve_parameters
from rotation.workbook.loader import LoadedWorkbook, Problem, WorkbookError, load_pins, load_workbook
from rotation.workbook.schema import INPUT_SHEETS

EFFECTIVE = date(2027, 9, 1)
Sheets = dict[str, list[list[object]]]
SCHOOL_HEADER: list[object] = ["school_id", "name", "stage", "area", "students"]
GROUP_HEADER: list[object] = ["group_id", "group_name", "kind", "school_id", "role"]
STAFF_HEADER: list[object] = [
    "staff_id",
    "name",
    "gender",
    "birth_date",
    "school_id",
    "school_start_date",
    "post",
    "subject",
    "band",
    "pref_1",
]


def fixed_date(values: Mapping[str, object]) -> Parameters:
    return resolve_parameters(values, effective_date=EFFECTIVE)


def load(tmp_path: Path, sheets: Mapping[str, Rows]) -> LoadedWorkbook:
    return load_workbook(write_workbook(tmp_path / "in.xlsx", sheets), fixed_date)


def refusal(tmp_path: Path, sheets: Mapping[str, Rows]) -> list[Problem]:
    with pytest.raises(WorkbookError) as caught:
        load(tmp_path, sheets)
    assert untranslated(caught.value.problems) == []
    return caught.value.problems


def teacher(staff_id: str, school_id: object, pref: object = None) -> list[object]:
    return [
        staff_id,
        "张老师",
        "F",
        date(1985, 3, 1),
        school_id,
        date(2015, 9, 1),
        "teacher",
        "语文",
        "primary_lower",
        pref,
    ]


def kindergarten_district(*memberships: tuple[str, str, str]) -> Sheets:
    """Kindergartens K1-K4 and a primary school P1, with the given (group_id, school_id, role) rows."""
    groups: list[list[object]] = [[g, "实验幼儿园领航共建", "领航共建", s, r] for g, s, r in memberships]
    return {
        "schools": [
            SCHOOL_HEADER,
            ["K1", "实验幼儿园", "kindergarten", "urban", 400],
            ["K2", "河镇幼儿园", "kindergarten", "town", 150],
            ["K3", "山村幼儿园", "kindergarten", "rural", 60],
            ["K4", "城南幼儿园", "kindergarten", "urban", 200],
            ["P1", "城关一小", "primary", "urban", 900],
        ],
        "groups": [GROUP_HEADER, *groups],
        "staff": [STAFF_HEADER, teacher("000001", "P1")],
    }


# --- Kindergarten alliances (领航共建): exactly one lead, every school a kindergarten ------------------


def test_a_kindergarten_alliance_loads_with_its_lead(tmp_path: Path) -> None:
    sheets = kindergarten_district(("KG1", "K1", "牵头"), ("KG1", "K2", "成员"), ("KG1", "K3", "member"))
    groups = load(tmp_path, sheets).roster.groups
    assert groups == {
        "KG1": Group("KG1", "实验幼儿园领航共建", GroupKind.KINDERGARTEN, ("K1", "K2", "K3"), "K1")
    }
    assert groups["KG1"].members == ("K2", "K3")


def test_the_kind_is_read_in_english_too(tmp_path: Path) -> None:
    sheets = kindergarten_district(("KG1", "K1", "lead"), ("KG1", "K2", "member"))
    sheets["groups"] = [
        [cell if cell != "领航共建" else "kindergarten" for cell in row] for row in sheets["groups"]
    ]
    assert load(tmp_path, sheets).roster.groups["KG1"].kind is GroupKind.KINDERGARTEN


def test_a_kindergarten_alliance_without_a_lead_is_refused(tmp_path: Path) -> None:
    sheets = kindergarten_district(("KG1", "K1", "成员"), ("KG1", "K2", "成员"))
    (problem,) = refusal(tmp_path, sheets)
    assert str(problem) == (
        "groups, row 2, column role: group KG1 (kindergarten 领航共建) has no lead school; "
        "it needs exactly one"
    )
    assert (
        problem.text("zh")
        == "工作表 groups，第 2 行，列 role：集团 KG1（kindergarten 领航共建）没有牵头学校；需要恰好一所"
    )


def test_a_kindergarten_alliance_with_two_leads_is_refused(tmp_path: Path) -> None:
    sheets = kindergarten_district(("KG1", "K1", "牵头"), ("KG1", "K2", "牵头"), ("KG1", "K3", "成员"))
    (problem,) = refusal(tmp_path, sheets)
    assert problem.message == "group KG1 (kindergarten 领航共建) has 2 leads (K1, K2); at most one"


def test_a_kindergarten_alliance_with_a_primary_school_is_refused(tmp_path: Path) -> None:
    sheets = kindergarten_district(("KG1", "K1", "牵头"), ("KG1", "P1", "成员"), ("KG1", "K2", "成员"))
    (problem,) = refusal(tmp_path, sheets)
    assert (problem.row, problem.column) == (2, "school_id")
    assert problem.message == "group KG1 (kindergarten 领航共建) has schools that are not kindergartens: P1"
    assert problem.message_zh == "集团 KG1（kindergarten 领航共建）中有不是幼儿园的学校：P1"


def test_a_primary_lead_of_a_kindergarten_alliance_is_refused_too(tmp_path: Path) -> None:
    sheets = kindergarten_district(("KG1", "P1", "牵头"), ("KG1", "K1", "成员"))
    (problem,) = refusal(tmp_path, sheets)
    assert problem.message.endswith("has schools that are not kindergartens: P1")


# --- L1 counts the member schools besides the lead ----------------------------------------------------


@pytest.mark.parametrize(
    ("members", "warned"),
    [pytest.param(2, False, id="one-below-the-limit"), pytest.param(3, False, id="at-the-limit"),
     pytest.param(4, True, id="one-over-the-limit")],
)  # fmt: skip
def test_l1_counts_member_schools_besides_the_lead(tmp_path: Path, members: int, warned: bool) -> None:
    # group_max_schools = 3: a lead and three members is within it (four schools in all).
    rows = [("KG1", "K1", "牵头"), *(("KG1", s, "成员") for s in ("K2", "K3", "K4")[: min(members, 3)])]
    sheets = kindergarten_district(*rows)
    if members == 4:  # the fourth member: a kindergarten of its own
        sheets["schools"].append(["K5", "城北幼儿园", "kindergarten", "urban", 180])
        sheets["groups"].append(["KG1", "实验幼儿园领航共建", "领航共建", "K5", "成员"])
    sheets["parameters"] = [["key", "value"], ["group_max_schools", 3]]
    warnings = load(tmp_path, sheets).warnings
    expected = "L1: group KG1 (实验幼儿园领航共建) has 4 member schools, more than group_max_schools = 3."
    assert english(warnings) == ((expected,) if warned else ())


def test_l1_counts_every_school_of_a_group_without_a_lead(tmp_path: Path) -> None:
    sheets = kindergarten_district(("KG1", "K1", "牵头"), ("KG1", "K2", "成员"))
    sheets["groups"] += [
        ["A1", "城乡联盟", "alliance", "K4", "member"],
        ["A1", "城乡联盟", "alliance", "K3", "member"],
    ]
    sheets["parameters"] = [["key", "value"], ["group_max_schools", 1]]
    assert english(load(tmp_path, sheets).warnings) == (
        "L1: group A1 (城乡联盟) has 2 member schools, more than group_max_schools = 1.",
    )


# --- School codes that lost their leading zeros ---------------------------------------------------------


def zero_padded_district(staff: list[list[object]]) -> Sheets:
    """Schools 0101-0103 (codes written as text) in a tight group, and the given staff rows."""
    return {
        "schools": [
            SCHOOL_HEADER,
            ["0101", "城关一小", "primary", "urban", 1200],
            ["0102", "城关二小", "primary", "urban", 900],
            ["0103", "城关三小", "primary", "urban", 800],
        ],
        "groups": [GROUP_HEADER, ["JT001", "城关一小教育集团", "tight", "0101", "lead"],
                   ["JT001", "城关一小教育集团", "tight", "0102", "member"]],
        "staff": [STAFF_HEADER, *staff],
    }  # fmt: skip


def test_a_school_column_typed_as_numbers_is_one_diagnosis_not_a_line_per_row(tmp_path: Path) -> None:
    staff = [teacher(f"{i:06d}", 101 + i % 3) for i in range(1, 301)]  # 300 rows of 101, 102, 103
    problems = refusal(tmp_path, zero_padded_district(staff))
    assert len(problems) == 1
    (problem,) = problems
    assert (problem.sheet, problem.row, problem.column, problem.is_file) == ("in.xlsx", None, None, True)
    assert problem.message == (
        "school codes look like they lost their leading zeros: 300 codes match a school of the schools "
        "sheet except for leading zeros, e.g. staff row 2 school_id 102 (schools: 0102), staff row 3 "
        "school_id 103 (schools: 0103), staff row 4 school_id 101 (schools: 0101); in staff school_id (300). "
        "Excel drops the zeros of a code typed as a number: format these columns as text and write the "
        "codes as the schools sheet does"
    )
    assert problem.text("zh").startswith(
        "文件 in.xlsx：学校代码看起来丢失了前导零：共 300 处学校代码与 schools 工作表中的代码只差前导零，"
        "例如 staff 第 2 行 school_id 102（schools：0102）、"
    )
    assert "涉及 staff school_id（300 处）" in problem.text("zh")


def test_preferences_that_lost_their_zeros_are_diagnosed_not_dropped(tmp_path: Path) -> None:
    # The school codes are right; only the preference column was typed as numbers.
    staff = [
        teacher("000001", "0101", pref=102),
        teacher("000002", "0102", pref=101),
        teacher("000003", "0103"),
    ]
    (problem,) = refusal(tmp_path, zero_padded_district(staff))
    assert "2 codes match" in problem.message
    assert "in staff pref_1 (2)" in problem.message
    assert "staff row 2 pref_1 102 (schools: 0102)" in problem.message


def test_a_schools_sheet_typed_as_numbers_is_diagnosed_from_the_other_side(tmp_path: Path) -> None:
    sheets = zero_padded_district([teacher("000001", "0101"), teacher("000002", "0102")])
    for row in sheets["schools"][1:]:
        row[0] = int(str(row[0]))  # 0101 typed into a number cell: 101
    (problem,) = refusal(tmp_path, sheets)
    assert problem.message.startswith("school codes look like they lost their leading zeros: 4 codes match")
    assert "groups row 2 school_id 0101 (schools: 101)" in problem.message
    assert "in groups school_id (2), staff school_id (2)" in problem.message


def test_codes_that_match_no_school_even_with_zeros_are_still_reported_one_by_one(tmp_path: Path) -> None:
    staff = [teacher("000001", 999), teacher("000002", "0101", pref=998)]
    with pytest.raises(WorkbookError) as caught:
        load(tmp_path, zero_padded_district(staff))
    assert [str(p) for p in caught.value.problems] == [
        "staff, row 2, column school_id: not in the schools (学校) sheet (found: 999)"
    ]


def test_an_unknown_preference_is_still_a_warning_and_ignored(tmp_path: Path) -> None:
    staff = [teacher("000001", "0101", pref="0999"), teacher("000002", "0102", pref="0101")]
    loaded = load(tmp_path, zero_padded_district(staff))
    assert [m.preferences for m in loaded.roster.staff] == [(), ("0101",)]
    assert english(loaded.warnings) == (
        "staff, row 2, column pref_1: preference '0999' is not a school of the schools sheet and is ignored.",
    )


def test_codes_written_with_their_zeros_load(tmp_path: Path) -> None:
    loaded = load(tmp_path, zero_padded_district([teacher("000001", "0101", pref="0102")]))
    assert (loaded.roster.staff[0].school_id, loaded.roster.staff[0].preferences) == ("0101", ("0102",))


def test_a_pins_workbook_typed_as_numbers_is_one_diagnosis(tmp_path: Path) -> None:
    roster = load(
        tmp_path, zero_padded_district([teacher("000001", "0101"), teacher("000002", "0102")])
    ).roster
    pins = write_workbook(
        tmp_path / "pins.xlsx",
        {"pins": [["staff_id", "to_school_id", "kind"], ["000001", 102, "must"], ["000002", 101, "never"]]},
    )
    with pytest.raises(WorkbookError) as caught:
        load_pins(pins, roster)
    (problem,) = caught.value.problems
    assert problem.message.startswith("school codes look like they lost their leading zeros: 2 codes match")
    assert "pins row 2 to_school_id 102 (schools: 0102)" in problem.message
    assert "（学校：0102）" in problem.text("zh")
    fixed = write_workbook(
        tmp_path / "pins2.xlsx", {"pins": [["staff_id", "to_school_id", "kind"], ["000001", "0102", "must"]]}
    )
    assert load_pins(fixed, roster) == (Pin("000001", "0102", PinKind.MUST),)


# --- The template's own sheets and note columns are not warned about ----------------------------------


def minimal_district() -> Sheets:
    return zero_padded_district([teacher("000001", "0101", pref="0102")])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_filled_in_template_loads_without_a_warning(tmp_path: Path, lang: str) -> None:
    path = tmp_path / "template.xlsx"
    write_template(path, lang)
    book = openpyxl.load_workbook(path)
    for sheet in INPUT_SHEETS:
        rows = minimal_district().get(sheet.key)
        if rows is None:
            continue
        worksheet = book[sheet.label(lang)]
        headers = [cell.value for cell in worksheet[1]]
        keys = [next(c.key for c in sheet.columns if c.label(lang) == header) for header in headers]
        for number, row in enumerate(rows[1:], start=2):
            values = dict(zip(rows[0], row, strict=True))
            for column, key in enumerate(keys, start=1):
                worksheet.cell(number, column, values.get(key))
    book.save(path)
    loaded = load_workbook(path, fixed_date)
    assert len(loaded.roster.staff) == 1
    assert loaded.warnings == ()


@pytest.mark.parametrize("title", ["说明", "instructions", "legend", " Legend "])
def test_a_sheet_named_as_the_templates_own_is_passed_over_in_silence(tmp_path: Path, title: str) -> None:
    sheets = minimal_district()
    sheets[title] = [["代码", "含义"], ["T1", "教师任教满期"]]
    assert load(tmp_path, sheets).warnings == ()


def test_any_other_extra_sheet_is_still_listed_as_ignored(tmp_path: Path) -> None:
    sheets = minimal_district()
    sheets["备注"] = [["随手记"]]
    assert english(load(tmp_path, sheets).warnings) == (
        "Sheet '备注' is not part of the contract and is ignored.",
    )


def test_the_parameters_sheets_note_columns_are_passed_over_but_not_other_columns(tmp_path: Path) -> None:
    sheets = minimal_district()
    sheets["参数"] = [
        ["参数", "值", "默认值", "相关规则", "含义", "备注"],
        ["teacher_tenure_years", 5, 6, "T1", "教师任教满期", "局务会决定"],
        ["alliance_min", None, 3, "G4", "城乡联盟最少交流人数", None],
    ]
    loaded = load(tmp_path, sheets)
    assert (loaded.params.teacher_tenure_years, loaded.params.alliance_min) == (5, 3)
    assert english(loaded.warnings) == ("参数: column '备注' is not part of the contract and is ignored.",)


def test_note_columns_of_the_parameters_sheet_are_not_passed_over_elsewhere(tmp_path: Path) -> None:
    sheets = minimal_district()
    sheets["schools"] = [
        [*row, "默认值" if index == 0 else None] for index, row in enumerate(sheets["schools"])
    ]
    assert english(load(tmp_path, sheets).warnings) == (
        "schools: column '默认值' is not part of the contract and is ignored.",
    )
