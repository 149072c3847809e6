"""School codes that lost their leading zeros: one diagnosis for the workbook, not one line per cell.

Excel drops the leading zeros of a code typed into a number cell (0101 becomes 101). When a
column is typed that way, every row of it names a school the schools sheet does not have, and a
preference that does is quietly ignored. So the codes that match a school except for leading
zeros are found first, across every column that names a school, and reported together: how many,
in which columns, a few examples. The workbook is then refused with that one sentence, instead of
a line per cell; no such code is dropped from a preference as if it named no school.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from rotation.text import Text
from rotation.workbook.cells import Cell, CellError, to_text
from rotation.workbook.schema import GROUPS, PINS, SCHOOLS, STAFF, SUBJECT_MINIMUMS, Sheet
from rotation.workbook.tables import Table

# Every column of the contract that names a school by its code.
_SCHOOL_COLUMNS: tuple[tuple[Sheet, tuple[str, ...]], ...] = (
    (GROUPS, ("school_id",)),
    (STAFF, ("school_id", "home_school_id", "pref_1", "pref_2", "pref_3")),
    (SUBJECT_MINIMUMS, ("school_id",)),
    (PINS, ("to_school_id",)),
)
# Enough examples to recognise the pattern; the count and the columns say how far it goes.
_EXAMPLES = 3


@dataclass(frozen=True, slots=True)
class _Sighting:
    """A cell naming ``found`` where the schools sheet has ``meant``; sheet and column as written."""

    sheet: str
    row: int
    column: str
    found: str
    meant: str


@dataclass(frozen=True, slots=True)
class LostZeros:
    """The codes that differ from a school's code only by leading zeros, and the one sentence about them."""

    codes: frozenset[str]
    text: Text


def lost_leading_zeros(tables: Mapping[str, Table | None], school_ids: set[str] | None) -> LostZeros | None:
    """The codes in school columns that match a school of the schools sheet except for leading zeros.

    Either side may have lost them: staff typed as 101 against a schools sheet of 0101, or a schools
    sheet typed as numbers against codes written as text. None when there is no such code, or when
    the schools sheet could not be read.
    """
    if not school_ids:
        return None
    by_digits: dict[str, str] = {}
    for school_id in sorted(school_ids):
        if _is_digits(school_id):
            by_digits.setdefault(school_id.lstrip("0"), school_id)
    sightings: list[_Sighting] = []
    for sheet, keys in _SCHOOL_COLUMNS:
        table = tables.get(sheet.key)
        if table is None:
            continue
        for key in keys:
            for index, cell in enumerate(table.cells(key)):
                found = _code(cell)
                if found is None or found in school_ids or not _is_digits(found):
                    continue
                meant = by_digits.get(found.lstrip("0"))
                if meant is not None:
                    sightings.append(
                        _Sighting(table.title, table.numbers[index], table.header(key), found, meant)
                    )
    if not sightings:
        return None
    schools = tables.get(SCHOOLS.key)
    # Named as written in the file; a separate pins workbook has no schools sheet to name.
    title = Text(schools.title, schools.title) if schools else Text(SCHOOLS.key, SCHOOLS.zh)
    return LostZeros(frozenset(s.found for s in sightings), _diagnosis(sightings, title))


def _diagnosis(sightings: list[_Sighting], schools: Text) -> Text:
    examples = sightings[:_EXAMPLES]
    columns = Counter((s.sheet, s.column) for s in sightings)
    shown = ", ".join(
        f"{s.sheet} row {s.row} {s.column} {s.found} ({schools.en}: {s.meant})" for s in examples
    )
    shown_zh = "、".join(
        f"{s.sheet} 第 {s.row} 行 {s.column} {s.found}（{schools.zh}：{s.meant}）" for s in examples
    )
    where = ", ".join(f"{sheet} {column} ({n})" for (sheet, column), n in columns.items())
    where_zh = "、".join(f"{sheet} {column}（{n} 处）" for (sheet, column), n in columns.items())
    return Text(
        f"school codes look like they lost their leading zeros: {len(sightings)} codes match a school of the "
        f"{schools.en} sheet except for leading zeros, e.g. {shown}; in {where}. Excel drops the zeros of a "
        "code typed as a number: format these columns as text and write the codes as the schools sheet does",
        f"学校代码看起来丢失了前导零：共 {len(sightings)} 处学校代码与 {schools.zh} 工作表中的代码"
        f"只差前导零，例如 {shown_zh}；涉及 {where_zh}。以数字输入的代码会被 Excel 去掉前导零："
        "请把这些列设为文本格式，并按学校工作表填写代码",
    )


def _code(cell: Cell) -> str | None:
    try:
        return to_text(cell)
    except CellError:
        return None  # a date or a yes/no in a code column: the column's own check reports it


def _is_digits(code: str) -> bool:
    return code.isascii() and code.isdigit()
