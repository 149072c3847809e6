"""load_workbook on random cells: a LoadedWorkbook or a WorkbookError, never any other exception."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from loader_helpers import untranslated, write_workbook

from rotation.parameters import Parameters, resolve_parameters
from rotation.workbook.loader import LoadedWorkbook, WorkbookError, load_workbook
from rotation.workbook.schema import SCHOOLS, STAFF

# Text openpyxl can write: no control characters or lone surrogates.
TEXT = st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=12)
# Values near the contract's edges: bad dates, bare numbers, blanks, unknown schools, id numbers.
TRICKY: list[object] = [
    "2019-09-01", "2019.13.01", "2019年9月", "30000", " ", "\u3000", "√", "是", "否", "x", "S9", "S2", "T1",
    "校长", "vice_principal", "11010519491231002X", "110105194912310021", "1101051949123100",
    -1, 2.5, date(2030, 1, 1), date(1970, 1, 1), date(2026, 9, 1),
]  # fmt: skip
ANY_CELL = st.one_of(
    st.none(),
    TEXT,
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 12, 31)),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 12, 31)),
    st.sampled_from(TRICKY),
)
# Valid values per column, so that some examples load; the noise makes the rest fail in many ways.
VALID: dict[str, list[object]] = {
    "name": ["张三", "李四"],
    "id_number": [None],
    "gender": ["M", "女"],
    "birth_date": [date(1980, 5, 1), "1975/3/1", "1990年1月"],
    "school_id": ["S1", "S2"],
    "home_school_id": [None, " S1\u3000"],
    "school_start_date": [date(2015, 9, 1), "2010-09-01"],
    "post": ["teacher", "中层干部"],
    "post_start_date": [None, date(2018, 9, 1)],
    "subject": ["语文", "数学"],
    "band": ["primary_lower", "小学高段"],
    "honor": [None, "district", "无"],
    "exchange_start_date": [None, date(2016, 9, 1)],
    "other_schools_3y": [None, 0, 2.0, "1"],
    "rural_years": [None, 3, 2.5],
    "child_birth_date": [None, date(2027, 1, 1)],
    "pref_1": [None, "S2"],
    "pref_2": [None, "S1", "S7"],
    "pref_3": [None],
    "override": [None, "due", "暂不纳入"],
}
SCHOOL_ROWS = [
    ["S1", "城关一小", "primary", "urban", "quality", 1200, 80, "no", 30.5, 114.3],
    ["S2", "河镇小学", "小学", "town", None, 600, None, None, None, None],
]
GROUP_ROWS = [
    ["group_id", "group_name", "kind", "school_id", "role"],
    ["G1", "城关教育集团", "tight", "S1", "lead"],
    ["G1", "城关教育集团", "tight", "S2", "member"],
]


def fixed_date(values: Mapping[str, object]) -> Parameters:
    return resolve_parameters(values, effective_date=date(2027, 9, 1))


def with_noise(row: list[object]) -> st.SearchStrategy[list[object]]:
    """``row`` as it is three times in four, else with one to three cells replaced by anything at all."""
    replacements = st.lists(st.tuples(st.integers(0, len(row) - 1), ANY_CELL), min_size=1, max_size=3)
    noisy = replacements.map(lambda changes: [dict(changes).get(i, cell) for i, cell in enumerate(row)])
    return st.integers(0, 3).flatmap(lambda n: noisy if n == 0 else st.just(row))


STAFF_ROW = st.tuples(
    *(st.sampled_from(VALID.get(c.key, [None, "yes", "否", True, 0])) for c in STAFF.columns)
)


@st.composite
def workbooks(draw: st.DrawFn) -> dict[str, list[list[object]]]:
    language = draw(st.sampled_from(["en", "zh"]))
    staff_header: list[object] = [column.label(language) for column in STAFF.columns]
    if draw(st.integers(0, 4)) == 0:
        staff_header[draw(st.integers(0, len(staff_header) - 1))] = draw(TEXT)
    schools = [draw(with_noise(row)) for row in SCHOOL_ROWS]
    staff_rows = [
        draw(with_noise([f"T{number}", *row[1:]]))
        for number, row in enumerate(draw(st.lists(STAFF_ROW, min_size=1, max_size=8)), start=1)
    ]
    return {
        "schools": [[column.label(language) for column in SCHOOLS.columns], *schools],
        "groups": GROUP_ROWS,
        "staff": [staff_header, *staff_rows],
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sheets=workbooks())
def test_random_cells_load_or_are_refused_with_problems(
    tmp_path: Path, sheets: dict[str, list[list[object]]]
) -> None:
    path = write_workbook(tmp_path / "random.xlsx", sheets)
    try:
        loaded = load_workbook(path, fixed_date)
    except WorkbookError as error:
        assert error.problems
        last_row = max(len(rows) for rows in sheets.values())
        assert all(problem.row is None or 1 <= problem.row <= last_row for problem in error.problems)
        assert str(error)
        assert untranslated(error.problems) == []
    else:
        assert isinstance(loaded, LoadedWorkbook)
        assert len(loaded.roster.staff) <= len(sheets["staff"]) - 1
