"""rotation.workbook.loader: the input contract of workbook-format.md, cell by cell and sheet by sheet.

Every workbook is built in the test from lists of rows. Data row 1 of a sheet is
Excel row 2 unless title rows are added above the header. The effective date is
fixed at 2027-09-01 unless a test sets it through the parameters sheet.
"""

from __future__ import annotations

import copy
import hashlib
import zipfile
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from loader_helpers import Rows, english, untranslated, write_workbook

from rotation.codes import Area, Band, Category, Gender, GroupKind, Honor, Post
from rotation.domain import Group, HistoryEntry, Pin, PinKind, SubjectMinimum
from rotation.eligibility import other_schools_count, rural_years
from rotation.idnumber import check_character
from rotation.parameters import ParameterError, Parameters, resolve_parameters
from rotation.workbook.loader import LoadedWorkbook, Problem, WorkbookError, load_pins, load_workbook
from rotation.workbook.schema import INPUT_SHEETS, Column

EFFECTIVE = date(2027, 9, 1)
Sheets = dict[str, list[list[object]]]


def district() -> Sheets:
    """Three primary schools, a tight group and an alliance, two teachers and a principal."""
    return {
        "schools": [
            ["school_id", "name", "stage", "area", "category", "students", "staff_quota", "small_school"],
            ["S1", "城关一小", "primary", "urban", "quality", 1200, 80, "no"],
            ["S2", "河镇小学", "primary", "town", None, 600, None, None],
            ["S3", "山村小学", "primary", "rural", "weak", 90, 10, "yes"],
        ],
        "groups": [
            ["group_id", "group_name", "kind", "school_id", "role"],
            ["G1", "城关教育集团", "tight", "S1", "lead"],
            ["G1", "城关教育集团", "tight", "S2", "member"],
            ["A1", "城乡联盟", "alliance", "S1", "member"],
            ["A1", "城乡联盟", "alliance", "S3", "member"],
        ],
        "staff": [
            [
                "staff_id",
                "name",
                "gender",
                "birth_date",
                "school_id",
                "school_start_date",
                "post",
                "post_start_date",
                "subject",
                "band",
                "honor",
            ],
            [
                "T001",
                "张三",
                "M",
                date(1980, 5, 1),
                "S1",
                date(2015, 9, 1),
                "teacher",
                None,
                "语文",
                "primary_lower",
                "district",
            ],
            [
                "T002",
                "李四",
                "F",
                date(1975, 3, 1),
                "S2",
                date(2010, 9, 1),
                "principal",
                date(2018, 9, 1),
                None,
                None,
                None,
            ],
            [
                "T003",
                "王五",
                "F",
                date(1990, 1, 1),
                "S3",
                date(2020, 9, 1),
                "teacher",
                None,
                "数学",
                "primary_upper",
                None,
            ],
        ],
    }


@pytest.fixture(autouse=True)
def every_problem_is_also_in_chinese(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Every Problem a test of this module makes the loader produce has its own Chinese sentence."""
    made: list[Problem] = []
    original = WorkbookError.__init__

    def record(error: WorkbookError, problems: list[Problem]) -> None:
        made.extend(problems)
        original(error, problems)

    monkeypatch.setattr(WorkbookError, "__init__", record)
    yield
    if request.node.get_closest_marker("english_only") is None:
        assert untranslated(made) == []


def put(sheets: Sheets, sheet: str, row: int, column: str, value: object) -> Sheets:
    """Set the cell of data row ``row`` (1: first under the header) under ``column``, adding the column."""
    header = sheets[sheet][0]
    if column not in header:
        header.append(column)
        for cells in sheets[sheet][1:]:
            cells.append(None)
    sheets[sheet][row][header.index(column)] = value
    return sheets


def fixed_date(values: Mapping[str, object]) -> Parameters:
    return resolve_parameters(values, effective_date=EFFECTIVE)


def load(tmp_path: Path, sheets: Mapping[str, Rows], name: str = "district.xlsx") -> LoadedWorkbook:
    return load_workbook(write_workbook(tmp_path / name, sheets), fixed_date)


def problems(tmp_path: Path, sheets: Mapping[str, Rows]) -> list[str]:
    with pytest.raises(WorkbookError) as caught:
        load(tmp_path, sheets)
    return [str(problem) for problem in caught.value.problems]


def with_check(first_17: str) -> str:
    return first_17 + check_character(first_17)


# A man born 1980-05-01 (character 17 odd); weighted sum 152, remainder 9, check character 3.
MALE_1980_05_01 = "110105198005010013"


# --- The happy path ----------------------------------------------------------------------------------


def test_a_complete_workbook_loads_into_the_roster(tmp_path: Path) -> None:
    loaded = load(tmp_path, district())
    roster = loaded.roster
    assert list(roster.schools) == ["S1", "S2", "S3"]
    assert roster.schools["S1"].category is Category.QUALITY
    assert roster.schools["S2"].category is Category.ORDINARY  # blank category
    assert (roster.schools["S2"].staff_quota, roster.schools["S3"].small_school) == (None, True)
    assert roster.groups == {
        "G1": Group("G1", "城关教育集团", GroupKind.TIGHT, ("S1", "S2"), "S1"),
        "A1": Group("A1", "城乡联盟", GroupKind.ALLIANCE, ("S1", "S3"), None),
    }
    teacher, principal, _ = roster.staff
    assert (teacher.staff_id, teacher.gender, teacher.birth_date) == ("T001", Gender.MALE, date(1980, 5, 1))
    assert (teacher.band, teacher.honor, teacher.home_school_id) == (Band.PRIMARY_LOWER, Honor.DISTRICT, "S1")
    assert (principal.post, principal.subject, principal.band) == (Post.PRINCIPAL, None, None)
    assert principal.post_start_date == date(2018, 9, 1)
    assert roster.staff[2].honor is Honor.NONE  # blank honor
    assert not teacher.on_exchange and not teacher.senior3
    assert (roster.subject_minimums, roster.pins, roster.warnings, loaded.warnings) == (None, (), (), ())
    assert loaded.params.effective_date == EFFECTIVE


def test_the_result_carries_the_input_path_and_the_sha256_of_its_bytes(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "in.xlsx", district())
    loaded = load_workbook(path, fixed_date)
    assert loaded.path == path
    assert loaded.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def in_chinese(sheets: Sheets) -> Sheets:
    """The same workbook with Chinese sheet names, headers and codes."""
    specs = {sheet.key: sheet for sheet in INPUT_SHEETS}
    translated: Sheets = {}
    for key, rows in sheets.items():
        columns = [next(c for c in specs[key].columns if c.key == header) for header in rows[0]]
        body = [[chinese_cell(c, value) for c, value in zip(columns, row, strict=True)] for row in rows[1:]]
        translated[specs[key].zh] = [[c.zh for c in columns], *body]
    return translated


def chinese_cell(column: Column, value: object) -> object:
    member = column.codes.parse(value) if column.codes and isinstance(value, str) else None
    return value if member is None else member.zh


def test_chinese_sheet_names_headers_and_codes_load_the_same_roster(tmp_path: Path) -> None:
    chinese = in_chinese(district())
    assert list(chinese) == ["学校", "集团", "教职工"]
    assert chinese["教职工"][0][:3] == ["工号", "姓名", "性别"] and chinese["教职工"][1][6] == "教师"
    english = load(tmp_path, district(), "en.xlsx").roster
    roster = load(tmp_path, chinese, "zh.xlsx").roster
    assert (roster.schools, roster.groups, roster.staff) == (english.schools, english.groups, english.staff)


def test_headers_codes_and_sheet_names_match_after_trimming_full_width_spaces_and_ignoring_case(
    tmp_path: Path,
) -> None:
    sheets = district()
    sheets["STAFF"] = sheets.pop("staff")
    sheets["STAFF"][0][0] = "\u3000Staff_ID "
    sheets["STAFF"][0][2] = " 性别\u3000"
    put(sheets, "STAFF", 1, " 性别\u3000", "\u3000男 ")
    put(sheets, "STAFF", 1, "post", "TEACHER\u3000")
    put(sheets, "STAFF", 1, "band", " 小学低段")
    put(sheets, "schools", 1, "area", "\u3000Urban\u3000")
    teacher = load(tmp_path, sheets).roster.staff[0]
    assert (teacher.staff_id, teacher.gender, teacher.post, teacher.band) == (
        "T001",
        Gender.MALE,
        Post.TEACHER,
        Band.PRIMARY_LOWER,
    )


# --- Header row, blank rows and Excel row numbers ----------------------------------------------------


def test_title_rows_above_the_header_keep_excel_row_numbers_in_problems(tmp_path: Path) -> None:
    sheets = district()
    put(sheets, "staff", 1, "birth_date", "2019.13.01")
    sheets["staff"][0:0] = [["2027年交流轮岗教职工名单"], [], [None, "（各校填报）"]]
    # Title in row 1, blank row 2, note in row 3, header in row 4: the first teacher is row 5.
    assert problems(tmp_path, sheets) == [
        "staff, row 5, column birth_date: not a date (write 2019-09-01, 2019/9/1, 2019.09.01, "
        "2019年9月1日 or an Excel date) (found: '2019.13.01')"
    ]


def test_fully_blank_rows_are_skipped_and_later_rows_keep_their_excel_numbers(tmp_path: Path) -> None:
    sheets = district()
    sheets["staff"].insert(2, [None] * 11)
    sheets["staff"].insert(3, ["  ", "\u3000", None])
    put(sheets, "staff", 5, "post", "dean")  # T003, now in Excel row 6
    assert problems(tmp_path, sheets) == [
        f"staff, row 6, column post: unknown code (allowed: {Post.choices()}) (found: 'dean')"
    ]
    del sheets["staff"][5]
    assert [m.staff_id for m in load(tmp_path, sheets).roster.staff] == ["T001", "T002"]


def test_a_sheet_without_a_recognisable_header_row_is_refused(tmp_path: Path) -> None:
    sheets = district()
    sheets["groups"][0] = ["集团", "名称", "类别", "school_id", "备注"]
    assert problems(tmp_path, sheets) == [
        "groups: no header row found: no row names at least half of the columns group_id (集团代码), "
        "group_name (集团名称), kind (类型), school_id (学校代码), role (角色)"
    ]


def test_an_empty_required_sheet_has_no_header_row(tmp_path: Path) -> None:
    sheets = district()
    sheets["schools"] = []
    [problem] = problems(tmp_path, sheets)
    assert problem.startswith("schools: no header row found: no row names at least half of the columns")


def test_a_missing_required_column_is_named_by_its_key(tmp_path: Path) -> None:
    sheets = district()
    for row in sheets["staff"]:
        del row[9]  # band
    assert problems(tmp_path, sheets) == [
        "staff, column band: required column is missing (head it band or 任教学段)"
    ]


def test_a_header_that_appears_twice_is_refused(tmp_path: Path) -> None:
    sheets = district()
    put(sheets, "staff", 1, "工号", "T001")
    put(sheets, "schools", 1, "备注", "x")
    put(sheets, "schools", 1, "备注 ", "y")
    assert problems(tmp_path, sheets) == [
        "schools, row 1, column 备注: the header appears twice: columns I and J",
        "staff, row 1, column 工号: the header appears twice: columns A and L",
    ]


def test_extra_sheets_and_columns_are_ignored_and_listed_as_warnings(tmp_path: Path) -> None:
    sheets = district()
    put(sheets, "staff", 1, "备注", "借调")
    sheets["下发通知"] = [["本表由教体局下发"]]
    loaded = load(tmp_path, sheets)
    assert english(loaded.warnings) == (
        "Sheet '下发通知' is not part of the contract and is ignored.",
        "staff: column '备注' is not part of the contract and is ignored.",
    )
    assert [warning.zh for warning in loaded.warnings] == [
        "工作表 '下发通知' 不属于输入格式，已忽略。",
        "工作表 staff：列 '备注' 不属于输入格式，已忽略。",
    ]
    assert loaded.roster.warnings == loaded.warnings


# --- Cell types ----------------------------------------------------------------------------------------

BOOLEAN_FORMS = [
    ("yes", True),
    ("no", False),
    ("Y", True),
    ("n", False),
    ("TRUE", True),
    ("false", False),
    ("1", True),
    ("0", False),
    (1, True),
    (0, False),
    (1.0, True),
    (True, True),
    (False, False),
    ("是", True),
    ("否", False),
    ("√", True),
    (None, False),
    ("\u3000", False),
]


@pytest.mark.parametrize(("cell", "expected"), BOOLEAN_FORMS)
def test_every_boolean_form(tmp_path: Path, cell: object, expected: bool) -> None:
    sheets = put(district(), "staff", 1, "senior3", cell)
    assert load(tmp_path, sheets).roster.staff[0].senior3 is expected


@pytest.mark.parametrize("cell", ["maybe", 2, "√√", date(2020, 1, 1)])
def test_other_values_in_a_boolean_cell_are_refused(tmp_path: Path, cell: object) -> None:
    sheets = put(district(), "staff", 1, "volunteer", cell)
    [problem] = problems(tmp_path, sheets)
    assert problem.startswith(
        "staff, row 2, column volunteer: not a yes/no value (write yes/no, y/n, true/false"
    )


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (date(2019, 9, 1), date(2019, 9, 1)),
        (datetime(2019, 9, 1, 8, 30), date(2019, 9, 1)),
        ("2019-09-01", date(2019, 9, 1)),
        ("2019/9/1", date(2019, 9, 1)),
        ("2019.09.01", date(2019, 9, 1)),
        ("2019年9月1日", date(2019, 9, 1)),
        (" 2019-9-1\u3000", date(2019, 9, 1)),
        ("2019-09", date(2019, 9, 1)),
        ("2019.9", date(2019, 9, 1)),
        ("2019/11", date(2019, 11, 1)),
        ("2019年9月", date(2019, 9, 1)),
    ],
)
def test_every_date_form(tmp_path: Path, cell: object, expected: date) -> None:
    sheets = put(district(), "staff", 1, "school_start_date", cell)
    assert load(tmp_path, sheets).roster.staff[0].school_start_date == expected


@pytest.mark.parametrize(("cell", "found"), [(30000, "30000"), (2019.1, "2019.1"), (43709.0, "43709")])
def test_a_bare_number_in_a_date_cell_is_refused(tmp_path: Path, cell: object, found: str) -> None:
    sheets = put(district(), "staff", 1, "school_start_date", cell)
    assert problems(tmp_path, sheets) == [
        "staff, row 2, column school_start_date: a bare number is not a date "
        f"(enter an Excel date or text like 2019-09-01) (found: {found})"
    ]


@pytest.mark.parametrize("cell", ["2019-02-30", "1 Sept 2019", "2019", "19-9-1", True])
def test_text_that_is_not_a_date_is_refused(tmp_path: Path, cell: object) -> None:
    sheets = put(district(), "staff", 1, "child_birth_date", cell)
    [problem] = problems(tmp_path, sheets)
    assert problem.startswith("staff, row 2, column child_birth_date: not a date")


@pytest.mark.parametrize(("cell", "expected"), [(12, 12), (12.0, 12), ("12", 12), (" 12.0 ", 12), (0, 0)])
def test_whole_numbers_are_accepted_as_numbers_or_text(tmp_path: Path, cell: object, expected: int) -> None:
    sheets = put(district(), "schools", 2, "students", cell)
    assert load(tmp_path, sheets).roster.schools["S2"].students == expected


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (12.5, "not a whole number (found: 12.5)"),
        ("12.5", "not a whole number (found: '12.5')"),
        ("twelve", "not a whole number (found: 'twelve')"),
        (-3, "negative, but a count cannot be (found: -3)"),
        (True, "not a whole number (found: True)"),
        ("\u3000", "blank, but a value is required"),
    ],
)
def test_other_values_in_an_integer_cell_are_refused(tmp_path: Path, cell: object, message: str) -> None:
    sheets = put(district(), "schools", 2, "students", cell)
    assert problems(tmp_path, sheets) == [f"schools, row 3, column students: {message}"]


def test_numbers_in_number_columns(tmp_path: Path) -> None:
    sheets = put(district(), "schools", 1, "latitude", 30.5)
    put(sheets, "schools", 1, "longitude", "114.25")
    put(sheets, "staff", 1, "rural_years", 2.5)
    put(sheets, "staff", 1, "other_schools_3y", 2.0)
    roster = load(tmp_path, sheets).roster
    assert (roster.schools["S1"].latitude, roster.schools["S1"].longitude) == (30.5, 114.25)
    assert (roster.staff[0].rural_years, roster.staff[0].other_schools_3y) == (2.5, 2)
    put(sheets, "schools", 2, "latitude", "north")
    put(sheets, "schools", 2, "longitude", True)
    put(sheets, "schools", 3, "longitude", 200)
    put(sheets, "staff", 2, "rural_years", -1)
    assert problems(tmp_path, sheets) == [
        "schools, row 3, column latitude: not a number (found: 'north')",
        "schools, row 3, column longitude: not a number (found: True)",
        "schools, row 4, column longitude: outside -180..180 (found: 200)",
        "staff, row 3, column rural_years: negative, but a number of years cannot be (found: -1)",
    ]


def test_text_ids_keep_leading_zeros_and_numeric_ids_lose_the_decimal_point(tmp_path: Path) -> None:
    sheets = put(district(), "staff", 1, "staff_id", "007")
    put(sheets, "staff", 2, "staff_id", 123.0)
    put(sheets, "staff", 3, "staff_id", 124)
    put(sheets, "schools", 3, "school_id", 1003)
    put(sheets, "groups", 4, "school_id", 1003.0)
    put(sheets, "staff", 3, "school_id", "1003")
    roster = load(tmp_path, sheets).roster
    assert [m.staff_id for m in roster.staff] == ["007", "123", "124"]
    assert roster.groups["A1"].school_ids == ("S1", "1003") and roster.staff[2].school_id == "1003"


def test_a_date_or_a_boolean_in_a_text_column_is_refused(tmp_path: Path) -> None:
    sheets = put(district(), "staff", 1, "name", date(2020, 1, 1))
    put(sheets, "staff", 2, "subject", True)
    assert problems(tmp_path, sheets) == [
        "staff, row 2, column name: not text (found: 2020-01-01)",
        "staff, row 3, column subject: not text (found: True)",
    ]


def test_an_unknown_code_lists_the_allowed_values(tmp_path: Path) -> None:
    sheets = put(district(), "schools", 1, "stage", "university")
    put(sheets, "staff", 1, "honor", "县级")
    put(sheets, "staff", 2, "override", "maybe")
    assert problems(tmp_path, sheets) == [
        "schools, row 2, column stage: unknown code (allowed: kindergarten 幼儿园, primary 小学, "
        "junior 初中, senior 高中, nine_year 九年一贯制, complete 完全中学) (found: 'university')",
        "staff, row 2, column honor: unknown code (allowed: none 无, district 区级, city 市级, "
        "province 省级, national 国家级) (found: '县级')",
        "staff, row 3, column override: unknown code (allowed: due 纳入, exempt 暂不纳入) (found: 'maybe')",
    ]


# --- staff ----------------------------------------------------------------------------------------------


def test_gender_and_birth_date_are_taken_from_the_id_number_when_blank(tmp_path: Path) -> None:
    sheets = put(district(), "staff", 1, "id_number", MALE_1980_05_01.lower())
    put(sheets, "staff", 1, "gender", None)
    put(sheets, "staff", 1, "birth_date", None)
    teacher = load(tmp_path, sheets).roster.staff[0]
    assert (teacher.gender, teacher.birth_date) == (Gender.MALE, date(1980, 5, 1))


def test_an_id_number_column_replaces_the_gender_and_birth_date_columns(tmp_path: Path) -> None:
    sheets = district()
    for row in sheets["staff"]:
        del row[2:4]
    ids = [
        "身份证号",
        *(with_check(n) for n in ("11010519800501001", "11010519750301002", "11010519900101002")),
    ]
    for row, id_number in zip(sheets["staff"], ids, strict=True):
        row.append(id_number)
    staff = load(tmp_path, sheets).roster.staff
    assert [(m.gender, m.birth_date) for m in staff] == [
        (Gender.MALE, date(1980, 5, 1)),
        (Gender.FEMALE, date(1975, 3, 1)),
        (Gender.FEMALE, date(1990, 1, 1)),
    ]


def test_gender_and_birth_date_columns_are_required_without_an_id_number_column(tmp_path: Path) -> None:
    sheets = district()
    for row in sheets["staff"]:
        del row[2]
    assert problems(tmp_path, sheets) == [
        "staff, column gender: required column is missing (head it gender or 性别, or give id_number)"
    ]


def test_a_blank_gender_needs_an_id_number(tmp_path: Path) -> None:
    sheets = put(district(), "staff", 1, "id_number", None)
    put(sheets, "staff", 1, "gender", None)
    assert problems(tmp_path, sheets) == [
        "staff, row 2, column gender: blank, but required when id_number is blank"
    ]


def test_an_id_number_that_disagrees_with_gender_and_birth_date_names_both(tmp_path: Path) -> None:
    sheets = put(district(), "staff", 1, "id_number", MALE_1980_05_01)
    put(sheets, "staff", 1, "gender", "女")
    put(sheets, "staff", 1, "birth_date", "1980-06-01")
    assert problems(tmp_path, sheets) == [
        f"staff, row 2, column gender: F (女) disagrees with id_number {MALE_1980_05_01}, which gives M (男)",
        f"staff, row 2, column birth_date: 1980-06-01 disagrees with id_number {MALE_1980_05_01}, "
        "which gives 1980-05-01",
    ]


def test_an_id_number_that_agrees_is_accepted(tmp_path: Path) -> None:
    sheets = put(district(), "staff", 1, "id_number", MALE_1980_05_01)
    assert load(tmp_path, sheets).roster.staff[0].gender is Gender.MALE


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (MALE_1980_05_01[:17] + "9", "the check character is wrong (expected 3)"),
        (MALE_1980_05_01[:15], "an identity number has 18 characters, this one has 15"),
        (with_check("11010519801301001"), "characters 7-14 (19801301) are not a birth date"),
    ],
)
def test_a_malformed_id_number_is_refused(tmp_path: Path, cell: str, message: str) -> None:
    sheets = put(district(), "staff", 1, "id_number", cell)
    assert problems(tmp_path, sheets) == [f"staff, row 2, column id_number: {message} (found: {cell!r})"]


def test_an_id_number_stored_as_a_number_is_refused(tmp_path: Path) -> None:
    sheets = put(district(), "staff", 1, "id_number", 110105198005010011)
    [problem] = problems(tmp_path, sheets)
    assert problem.startswith(
        "staff, row 2, column id_number: stored as a number, which keeps only 15 digits"
    )


def test_name_may_not_be_blank(tmp_path: Path) -> None:
    sheets = put(district(), "staff", 3, "name", " ")
    assert problems(tmp_path, sheets) == ["staff, row 4, column name: blank, but a value is required"]


def test_subject_and_band_may_be_blank_only_for_a_principal_or_vice_principal(tmp_path: Path) -> None:
    sheets = put(district(), "staff", 1, "subject", None)
    put(sheets, "staff", 3, "band", None)
    assert problems(tmp_path, sheets) == [
        "staff, row 2, column subject: blank, but a value is required",
        "staff, row 4, column band: blank, but a value is required",
    ]
    sheets = put(district(), "staff", 2, "post", "副校长")
    assert load(tmp_path, sheets).roster.staff[1].subject is None


def test_a_principal_needs_a_post_start_date(tmp_path: Path) -> None:
    sheets = put(district(), "staff", 2, "post_start_date", None)
    assert problems(tmp_path, sheets) == [
        "staff, row 3, column post_start_date: blank, but required for a principal or vice principal"
    ]


def test_someone_on_exchange_needs_an_exchange_start_date(tmp_path: Path) -> None:
    sheets = put(district(), "staff", 3, "home_school_id", "S1")
    assert problems(tmp_path, sheets) == [
        "staff, row 4, column exchange_start_date: blank, but required while on exchange "
        "(home_school_id differs from school_id)"
    ]
    put(sheets, "staff", 3, "exchange_start_date", "2026-09-01")
    member = load(tmp_path, sheets).roster.staff[2]
    assert member.on_exchange and (member.home_school_id, member.exchange_start_date) == (
        "S1",
        date(2026, 9, 1),
    )


def test_a_blank_home_school_is_the_current_school(tmp_path: Path) -> None:
    sheets = put(district(), "staff", 1, "home_school_id", None)
    put(sheets, "staff", 2, "home_school_id", "S2")
    staff = load(tmp_path, sheets).roster.staff
    assert [(m.home_school_id, m.on_exchange) for m in staff[:2]] == [("S1", False), ("S2", False)]


def test_a_birth_date_after_the_effective_date_is_refused(tmp_path: Path) -> None:
    sheets = put(district(), "staff", 1, "birth_date", date(2027, 9, 2))
    put(sheets, "staff", 1, "school_start_date", date(2027, 9, 2))
    assert problems(tmp_path, sheets) == [
        "staff, row 2, column birth_date: the birth date 2027-09-02 is after effective_date 2027-09-01"
    ]


def test_a_start_date_before_the_birth_date_is_refused(tmp_path: Path) -> None:
    sheets = put(district(), "staff", 1, "school_start_date", date(1980, 4, 30))
    put(sheets, "staff", 2, "post_start_date", date(1975, 2, 1))
    assert problems(tmp_path, sheets) == [
        "staff, row 2, column school_start_date: school_start_date 1980-04-30 "
        "is before the birth date 1980-05-01",
        "staff, row 3, column post_start_date: post_start_date 1975-02-01 "
        "is before the birth date 1975-03-01",
    ]


def test_preferences_keep_known_schools_in_order_and_warn_about_unknown_ones(tmp_path: Path) -> None:
    sheets = put(district(), "staff", 1, "pref_1", "S2")
    put(sheets, "staff", 1, "志愿2", "S9")
    put(sheets, "staff", 1, "pref_3", "S3")
    put(sheets, "staff", 2, "pref_3", "S1")
    loaded = load(tmp_path, sheets)
    assert [m.preferences for m in loaded.roster.staff] == [("S2", "S3"), ("S1",), ()]
    assert english(loaded.warnings) == (
        "staff, row 2, column 志愿2: preference 'S9' is not a school of the schools sheet and is ignored.",
    )
    assert (
        loaded.warnings[0].zh
        == "工作表 staff，第 2 行，列 志愿2：志愿 'S9' 不是 schools（学校）工作表中的学校，已忽略。"
    )


# --- References and duplicates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sheet", "row", "column", "expected"),
    [
        (
            "staff",
            1,
            "school_id",
            "staff, row 2, column school_id: not in the schools (学校) sheet (found: 'S9')",
        ),
        (
            "staff",
            1,
            "home_school_id",
            "staff, row 2, column home_school_id: not in the schools (学校) sheet (found: 'S9')",
        ),
        (
            "groups",
            2,
            "school_id",
            "groups, row 3, column school_id: not in the schools (学校) sheet (found: 'S9')",
        ),
    ],
)
def test_an_unknown_school_is_refused(
    tmp_path: Path, sheet: str, row: int, column: str, expected: str
) -> None:
    sheets = put(district(), sheet, row, column, "S9")
    put(sheets, "staff", 1, "exchange_start_date", date(2026, 9, 1))
    assert problems(tmp_path, sheets) == [expected]


def test_duplicate_staff_and_school_ids_are_refused(tmp_path: Path) -> None:
    sheets = put(district(), "staff", 3, "staff_id", "T001")
    sheets["schools"].append(["S2", "河镇二小", "primary", "town", None, 300, None, None])
    assert problems(tmp_path, sheets) == [
        "schools, row 5, column school_id: duplicate: also on row 3 (found: 'S2')",
        "staff, row 4, column staff_id: duplicate: also on row 2 (found: 'T001')",
    ]


def test_every_problem_in_the_workbook_is_listed_at_once(tmp_path: Path) -> None:
    sheets = put(district(), "schools", 3, "students", "many")
    put(sheets, "groups", 1, "role", "boss")
    put(sheets, "staff", 2, "birth_date", None)
    put(sheets, "staff", 3, "school_start_date", 44000)
    found = problems(tmp_path, sheets)
    assert [line.split(":")[0] for line in found] == [
        "schools, row 4, column students",
        "groups, row 2, column role",
        "staff, row 3, column birth_date",
        "staff, row 4, column school_start_date",
    ]


def many_teachers(count: int) -> Sheets:
    """The district with ``count`` teachers at S2 who repeat the same codes, as a real sheet does."""
    sheets = district()
    teacher = ["F", date(1985, 3, 1), "S2", date(2015, 9, 1), "teacher", None, "数学", "primary_upper", "无"]
    sheets["staff"][1:] = [[f"T{n:03d}", f"教师{n}", *teacher] for n in range(1, count + 1)]
    return sheets


def test_a_long_sheet_of_repeated_values_loads_them_all(tmp_path: Path) -> None:
    sheets = put(many_teachers(20), "staff", 20, "post", "校长")
    staff = load(tmp_path, put(sheets, "staff", 20, "post_start_date", "2020-09-01")).roster.staff
    assert [m.post for m in staff] == [Post.TEACHER] * 19 + [Post.PRINCIPAL]
    assert {(m.gender, m.school_id, m.band, m.honor) for m in staff} == {
        (Gender.FEMALE, "S2", Band.PRIMARY_UPPER, Honor.NONE)
    }


def test_bad_and_blank_cells_among_repeated_values_are_found_on_their_rows(tmp_path: Path) -> None:
    sheets = many_teachers(20)
    put(sheets, "staff", 7, "band", "dean")
    put(sheets, "staff", 12, "post", None)
    put(sheets, "staff", 15, "school_id", "S9")
    put(sheets, "staff", 18, "senior3", "maybe")
    [dean, blank, school, flag] = problems(tmp_path, sheets)
    assert dean.startswith("staff, row 8, column band: unknown code")
    assert blank == "staff, row 13, column post: blank, but a value is required"
    assert school == "staff, row 16, column school_id: not in the schools (学校) sheet (found: 'S9')"
    assert flag.startswith("staff, row 19, column senior3: not a yes/no value")


# --- Sheets ---------------------------------------------------------------------------------------------


def test_a_missing_required_sheet_is_named(tmp_path: Path) -> None:
    sheets = district()
    del sheets["groups"]
    assert problems(tmp_path, sheets) == ["groups: required sheet is missing (name it groups or 集团)"]


def test_two_sheets_for_one_contract_sheet_are_refused(tmp_path: Path) -> None:
    sheets = district()
    sheets["教职工"] = copy.deepcopy(sheets["staff"])
    assert problems(tmp_path, sheets) == ["教职工: a second staff sheet: 'staff' is the first"]


def group_rows(*rows: tuple[str, str, str, str]) -> Sheets:
    """The district with these groups: (group_id, kind, school_id, role) per membership."""
    sheets = district()
    sheets["groups"][1:] = [[gid, f"{gid} 集团", kind, school, role] for gid, kind, school, role in rows]
    return sheets


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [("G1", "tight", "S1", "member"), ("G1", "tight", "S2", "member")],
            "groups, row 2, column role: group G1 (tight 紧密型) has no lead school; it needs exactly one",
        ),
        (
            [("G1", "tight", "S1", "lead"), ("G1", "tight", "S2", "lead")],
            "groups, row 2, column role: group G1 (tight 紧密型) has 2 leads (S1, S2); at most one",
        ),
        (
            [("R1", "rural", "S2", "member"), ("R1", "rural", "S3", "member")],
            "groups, row 2, column role: group R1 (rural 乡镇一体化) has no lead school; "
            "it needs exactly one",
        ),
        (
            [
                ("P1", "hs_pair", "S1", "member"),
                ("P1", "hs_pair", "S2", "member"),
                ("P1", "hs_pair", "S3", "member"),
            ],
            "groups, row 2, column school_id: group P1 (hs_pair 高中结对) has 3 schools; "
            "a pair has exactly two",
        ),
        (
            [("A1", "alliance", "S2", "member"), ("A1", "alliance", "S3", "member")],
            "groups, row 2, column school_id: group A1 (alliance 城乡联盟) needs at least one urban and one "
            "town or rural school",
        ),
        (
            [("A1", "alliance", "S1", "lead"), ("A1", "城乡联盟", "S1", "member")],
            "groups, row 3, column school_id: school S1 is already a member of group A1 (found: 'S1')",
        ),
        (
            [("A1", "alliance", "S1", "lead"), ("A1", "tight", "S3", "member")],
            "groups, row 3, column kind: group A1 is alliance on row 2 (found: 'tight')",
        ),
    ],
)
def test_group_shapes_are_checked_per_kind(
    tmp_path: Path, rows: list[tuple[str, str, str, str]], expected: str
) -> None:
    assert problems(tmp_path, group_rows(*rows)) == [expected]


def test_the_rows_of_a_group_agree_on_its_name(tmp_path: Path) -> None:
    sheets = put(district(), "groups", 2, "group_name", "城关集团")
    assert problems(tmp_path, sheets) == [
        "groups, row 3, column group_name: group G1 is named '城关教育集团' on row 2 (found: '城关集团')"
    ]


def test_well_formed_groups_of_every_kind_load(tmp_path: Path) -> None:
    sheets = group_rows(
        ("R1", "乡镇一体化", "S2", "牵头"),
        ("R1", "乡镇一体化", "S3", "成员"),
        ("P1", "hs_pair", "S1", "member"),
        ("P1", "hs_pair", "S2", "member"),
        ("A1", "alliance", "S1", "lead"),
        ("A1", "alliance", "S2", "member"),
    )
    groups = load(tmp_path, sheets).roster.groups
    assert [(g.kind, g.school_ids, g.lead) for g in groups.values()] == [
        (GroupKind.RURAL, ("S2", "S3"), "S2"),
        (GroupKind.HS_PAIR, ("S1", "S2"), None),
        (GroupKind.ALLIANCE, ("S1", "S2"), "S1"),
    ]


def test_groups_over_the_l1_limits_are_warnings_not_errors(tmp_path: Path) -> None:
    sheets = district()
    sheets["parameters"] = [
        ["key", "value"],
        ["effective_date", date(2027, 9, 1)],
        ["group_max_schools", 1],
        ["group_max_students", 1500],
    ]
    loaded = load_workbook(write_workbook(tmp_path / "l1.xlsx", sheets))
    assert english(loaded.warnings) == (
        "L1: group G1 (城关教育集团) has 1800 students, more than group_max_students = 1500.",
        "L1: group A1 (城乡联盟) has 2 member schools, more than group_max_schools = 1.",
    )
    assert [warning.zh for warning in loaded.warnings] == [
        "L1：集团 G1（城关教育集团）有在校生 1800 人，超过 group_max_students = 1500。",
        "L1：集团 A1（城乡联盟）有 2 所成员学校，超过 group_max_schools = 1。",
    ]
    assert loaded.roster.warnings == loaded.warnings
    assert len(loaded.roster.groups) == 2


def history_sheet(*rows: list[object]) -> list[list[object]]:
    return [["staff_id", "school_name", "area", "start_date", "end_date"], *rows]


def test_history_gives_the_stints_at_other_schools(tmp_path: Path) -> None:
    # T001 has been at 城关一小 (S1) since 2015-09-01.
    sheets = district()
    sheets["history"] = history_sheet(
        ["T001", "河镇小学", "town", date(2004, 9, 1), date(2007, 3, 1)],
        ["T001", "城关一小", "urban", date(2001, 9, 1), date(2004, 9, 1)],  # the current school: dropped
        ["T001", "河镇小学", "镇区", date(2009, 9, 1), date(2010, 7, 1)],  # adds up with the first row
        ["T001", "山村小学", "rural", date(2010, 7, 1), None],  # runs to the school_start_date
        ["T003", "河镇小学", None, "2015-09", "2020-09"],
    )
    teacher, principal, third = load(tmp_path, sheets).roster.staff
    assert teacher.history == (
        HistoryEntry("河镇小学", Area.TOWN, date(2004, 9, 1), date(2007, 3, 1)),
        HistoryEntry("河镇小学", Area.TOWN, date(2009, 9, 1), date(2010, 7, 1)),
        HistoryEntry("山村小学", Area.RURAL, date(2010, 7, 1), date(2015, 9, 1)),
    )
    # 河镇小学: 2.5 years and 10 months add up to 3 whole years; 山村小学: 5 years 2 months, rural.
    assert (other_schools_count(teacher, 3), rural_years(teacher)) == (2, 5)
    assert principal.history == ()
    assert third.history == (HistoryEntry("河镇小学", None, date(2015, 9, 1), date(2020, 9, 1)),)
    assert other_schools_count(third, 3) == 1


def test_filled_in_cells_win_over_the_history_which_is_kept(tmp_path: Path) -> None:
    sheets = put(district(), "staff", 1, "other_schools_3y", 0)
    put(sheets, "staff", 1, "rural_years", 1.5)
    sheets["history"] = history_sheet(["T001", "山村小学", "rural", date(2005, 9, 1), date(2015, 9, 1)])
    teacher = load(tmp_path, sheets).roster.staff[0]
    assert (teacher.other_schools_3y, teacher.rural_years, len(teacher.history)) == (0, 1.5, 1)
    assert (other_schools_count(teacher, 3), rural_years(teacher)) == (0, 1.5)


def test_history_rows_for_unknown_staff_or_ending_before_they_start_are_refused(tmp_path: Path) -> None:
    sheets = district()
    sheets["工作经历"] = history_sheet(
        ["T999", "河镇小学", "town", date(2005, 9, 1), date(2008, 9, 1)],
        ["T001", "河镇小学", "town", date(2008, 9, 1), date(2005, 9, 1)],
        ["T001", "河镇小学", "town", date(2016, 9, 1), None],
        ["T002", None, "town", date(2001, 9, 1), date(2005, 9, 1)],
    )
    assert problems(tmp_path, sheets) == [
        "工作经历, row 2, column staff_id: not in the staff (教职工) sheet (found: 'T999')",
        "工作经历, row 3, column end_date: the stint ends before its start_date 2008-09-01 "
        "(found: 2005-09-01)",
        "工作经历, row 4, column end_date: the stint ends before its start_date 2016-09-01 "
        "(a blank end_date runs to school_start_date 2015-09-01)",
        "工作经历, row 5, column school_name: blank, but a value is required",
    ]


def test_subject_minimums_are_none_without_the_sheet_and_a_tuple_with_it(tmp_path: Path) -> None:
    sheets = district()
    assert load(tmp_path, sheets, "none.xlsx").roster.subject_minimums is None
    sheets["学科最低配置"] = [["学校代码", "学科", "学段", "最低人数"]]
    assert load(tmp_path, sheets, "empty.xlsx").roster.subject_minimums == ()
    sheets["学科最低配置"] += [["S1", "语文", "小学低段", 2], ["S2", "体育", None, "1"]]
    assert load(tmp_path, sheets, "rows.xlsx").roster.subject_minimums == (
        SubjectMinimum("S1", "语文", Band.PRIMARY_LOWER, 2),
        SubjectMinimum("S2", "体育", None, 1),
    )
    sheets["学科最低配置"] += [["S9", "数学", None, 1], ["S1", "语文", "primary_lower", 3]]
    assert problems(tmp_path, sheets) == [
        "学科最低配置, row 4, column 学校代码: not in the schools (学校) sheet (found: 'S9')",
        "学科最低配置, row 5, column 学科: a minimum for this school, subject and band is already on row 2 "
        "(found: '语文')",
    ]


# --- parameters -----------------------------------------------------------------------------------------


def test_the_parameters_sheet_feeds_resolve_and_its_result_is_used(tmp_path: Path) -> None:
    sheets = district()
    sheets["参数"] = [
        ["参数", "值"],
        ["effective_date", "2026-09-01"],
        [" Teacher_Tenure_Years", 5.0],
        ["soft", None],
    ]
    seen: list[Mapping[str, object]] = []

    def resolve(values: Mapping[str, object]) -> Parameters:
        seen.append(dict(values))
        return resolve_parameters(values)

    loaded = load_workbook(write_workbook(tmp_path / "p.xlsx", sheets), resolve)
    # A blank value keeps the default, so "soft" is not passed on.
    assert seen == [{"effective_date": "2026-09-01", "teacher_tenure_years": 5.0}]
    assert (loaded.params.effective_date, loaded.params.teacher_tenure_years) == (date(2026, 9, 1), 5)


def test_a_bad_parameter_is_a_problem_on_its_row(tmp_path: Path) -> None:
    sheets = district()
    sheets["parameters"] = [
        ["参数表"],
        ["key", "value"],
        ["effective_date", date(2027, 9, 1)],
        ["teacher_tenure_years", "six"],
        [None, None],
        ["teacher_tenure_years", 7],
    ]
    with pytest.raises(WorkbookError) as caught:
        load_workbook(write_workbook(tmp_path / "p.xlsx", sheets))
    assert [str(problem) for problem in caught.value.problems] == [
        "parameters, row 4: parameter teacher_tenure_years: is not a whole number (found: 'six')",
        "parameters, row 6, column key: parameter teacher_tenure_years is also given on row 4 "
        "(found: 'teacher_tenure_years')",
    ]


def test_an_unknown_parameter_is_a_problem_on_its_row(tmp_path: Path) -> None:
    sheets = district()
    sheets["parameters"] = [["key", "value"], ["effective_date", date(2027, 9, 1)], ["tenure", 6]]
    with pytest.raises(WorkbookError) as caught:
        load_workbook(write_workbook(tmp_path / "p.xlsx", sheets))
    [problem] = caught.value.problems
    assert (problem.sheet, problem.row) == ("parameters", 3)
    assert problem.message.startswith("unknown parameter 'tenure' (known: effective_date, ")


@pytest.mark.english_only  # the ParameterError below is made of a plain English sentence
@pytest.mark.parametrize("title", [None, "参数"])
def test_a_parameter_error_from_outside_the_sheet_is_reported_on_the_parameters_sheet(
    tmp_path: Path, title: str | None
) -> None:
    sheets = district()
    if title is not None:
        sheets[title] = [["参数", "值"], ["max_outflow_ratio", 0.3]]

    def resolve(values: Mapping[str, object]) -> Parameters:
        raise ParameterError(["--set: parameter max_outflow_ratio must lie between 0 and 1 (found: 2.0)"])

    with pytest.raises(WorkbookError) as caught:
        load_workbook(write_workbook(tmp_path / "p.xlsx", sheets), resolve)
    sentence = "--set: parameter max_outflow_ratio must lie between 0 and 1 (found: 2.0)"
    assert caught.value.problems == [Problem(title or "parameters", None, None, sentence)]


def test_a_parameter_problem_naming_no_key_of_the_sheet_is_on_the_sheet(tmp_path: Path) -> None:
    sheets = district()
    sheets["parameters"] = [["key", "value"], ["alliance_min", 6]]
    with pytest.raises(WorkbookError) as caught:
        load_workbook(write_workbook(tmp_path / "p.xlsx", sheets), fixed_date)
    # alliance_min (6) against the default alliance_max (5): the row named is alliance_min's.
    assert [str(p) for p in caught.value.problems] == [
        "parameters, row 2: parameter alliance_min (6) exceeds alliance_max (5)"
    ]
    sheets["parameters"] = [["key", "value"], ["alliance_max", 2]]
    with pytest.raises(WorkbookError) as caught:
        load_workbook(write_workbook(tmp_path / "q.xlsx", sheets), fixed_date)
    assert [str(p) for p in caught.value.problems] == [
        "parameters, row 2: parameter alliance_min (3) exceeds alliance_max (2)"
    ]


# --- pins -----------------------------------------------------------------------------------------------


def pins_sheet(*rows: list[object]) -> list[list[object]]:
    return [["staff_id", "to_school_id", "kind"], *rows]


def test_pins_in_the_workbook_go_to_the_roster(tmp_path: Path) -> None:
    sheets = district()
    sheets["pins"] = pins_sheet(["T001", "S2", "must"], ["T003", "S1", "禁止"], ["T003", "S2", " NEVER "])
    assert load(tmp_path, sheets).roster.pins == (
        Pin("T001", "S2", PinKind.MUST),
        Pin("T003", "S1", PinKind.NEVER),
        Pin("T003", "S2", PinKind.NEVER),
    )


def test_bad_pins_are_refused(tmp_path: Path) -> None:
    sheets = district()
    sheets["指定调动"] = pins_sheet(
        ["T999", "S2", "must"],
        ["T001", "S9", "must"],
        ["T001", "S2", "maybe"],
        ["T001", "S2", "must"],
        ["T001", "S2", "never"],
        ["T001", "S3", "必须"],
    )
    assert problems(tmp_path, sheets) == [
        "指定调动, row 2, column staff_id: not in the staff (教职工) sheet (found: 'T999')",
        "指定调动, row 3, column to_school_id: not in the schools (学校) sheet (found: 'S9')",
        "指定调动, row 4, column kind: unknown pin kind (allowed: must 必须, never 禁止, stay 留任) "
        "(found: 'maybe')",
        "指定调动, row 6, column to_school_id: this move is already pinned on row 5 (found: 'S2')",
        "指定调动, row 7, column staff_id: a move of this person is already a must on row 5 (found: 'T001')",
    ]


def test_load_pins_reads_a_separate_workbook_against_the_roster(tmp_path: Path) -> None:
    roster = load(tmp_path, district()).roster
    good = write_workbook(tmp_path / "pins.xlsx", {"指定调动": pins_sheet(["T002", "S1", "必须"])})
    assert load_pins(good, roster) == (Pin("T002", "S1", PinKind.MUST),)
    bad = write_workbook(tmp_path / "bad.xlsx", {"pins": [["title"], *pins_sheet(["T002", "S7", "must"])]})
    with pytest.raises(WorkbookError) as caught:
        load_pins(bad, roster)
    assert [str(p) for p in caught.value.problems] == [
        "pins, row 3, column to_school_id: not in the schools (学校) sheet (found: 'S7')"
    ]
    # A workbook of one sheet is read as the pins sheet whatever its name (replan's requests, issue 12).
    alone = write_workbook(tmp_path / "alone.xlsx", {"Sheet1": pins_sheet(["T002", "", "stay"])})
    assert load_pins(alone, roster) == (Pin("T002", "", PinKind.STAY),)
    none = write_workbook(tmp_path / "none.xlsx", {"Sheet1": [["a"]], "Sheet2": [["b"]]})
    with pytest.raises(WorkbookError, match=r"none.xlsx: the workbook has no pins \(指定调动\) sheet"):
        load_pins(none, roster)


# --- Whole-file problems ---------------------------------------------------------------------------------


def zip_without_workbook(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")


def empty_workbook(path: Path) -> None:
    openpyxl.Workbook().save(path)


def encrypted_package(path: Path) -> None:
    # The start of an OLE2 container whose directory names the streams of an encrypted OOXML package.
    header = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504)
    path.write_bytes(header + "EncryptionInfo".encode("utf-16-le") + "EncryptedPackage".encode("utf-16-le"))


WHOLE_FILE_CASES = [
    ("missing.xlsx", None, "there is no such file"),
    ("empty.xlsx", lambda p: p.write_bytes(b""), "the file is empty (0 bytes), not a workbook"),
    (
        "roster.xlsx",
        lambda p: p.write_text("staff_id,name\nT001,张三\n", encoding="utf-8"),
        "this is not an Excel workbook (.xlsx); open it in Excel and save it as .xlsx",
    ),
    (
        "locked.xlsx",
        encrypted_package,
        "the workbook is password-protected; save it in Excel without a password",
    ),
    (
        "old.xlsx",
        lambda p: p.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(1024)),
        "this is an old Excel 97-2003 (.xls) or a password-protected file; "
        "save it as .xlsx without a password",
    ),
    ("archive.xlsx", zip_without_workbook, "this is a zip file but not a readable .xlsx workbook"),
    (
        "blank.xlsx",
        empty_workbook,
        "the workbook has none of the required sheets schools (学校), groups (集团), staff (教职工)",
    ),
    ("folder.xlsx", lambda p: p.mkdir(), "this is a folder, not a workbook file"),
]


@pytest.mark.parametrize(("name", "make", "sentence"), WHOLE_FILE_CASES, ids=[c[0] for c in WHOLE_FILE_CASES])
def test_whole_file_problems_are_one_sentence_on_the_file_name(
    tmp_path: Path, name: str, make: object, sentence: str
) -> None:
    path = tmp_path / name
    if callable(make):
        make(path)
    with pytest.raises(WorkbookError) as caught:
        load_workbook(path, fixed_date)
    [problem] = caught.value.problems
    assert (problem.sheet, problem.row, problem.column) == (name, None, None)
    assert problem.message.startswith(sentence)
    assert str(caught.value) == f"{name}: {problem.message}"


def test_a_sheet_that_cannot_be_read_is_named(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "in.xlsx", district())
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            damaged = item.filename == "xl/worksheets/sheet3.xml"
            target.writestr(item, b"<worksheet><sheetData><row>" if damaged else source.read(item))
    with pytest.raises(WorkbookError) as caught:
        load_workbook(broken, fixed_date)
    [problem] = caught.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("staff", None, None)
    assert problem.message.startswith("the sheet cannot be read (")


def test_loading_leaves_the_input_file_unchanged(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "in.xlsx", district())
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    load_workbook(path, fixed_date)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


# --- Problem ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("problem", "text"),
    [
        (
            Problem("staff", 12, "出生日期", "not a date", "2019.13.01"),
            "staff, row 12, column 出生日期: not a date (found: '2019.13.01')",
        ),
        (Problem("staff", 12, None, "blank"), "staff, row 12: blank"),
        (Problem("staff", None, "band", "missing"), "staff, column band: missing"),
        (Problem("in.xlsx", None, None, "the file is empty"), "in.xlsx: the file is empty"),
        (
            Problem("schools", 3, "students", "negative", -3.0),
            "schools, row 3, column students: negative (found: -3)",
        ),
        (
            Problem("history", 3, "end_date", "early", date(2005, 9, 1)),
            "history, row 3, column end_date: early (found: 2005-09-01)",
        ),
    ],
)
def test_problem_text_omits_the_parts_that_are_none(problem: Problem, text: str) -> None:
    assert str(problem) == text
