"""Tables: a sheet's header found and its data rows read column by column, problems kept in place."""

from __future__ import annotations

from collections.abc import Callable, Container
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter
from typing import TypeVar

from rotation.codes import normalize_text
from rotation.text import Text
from rotation.workbook.cells import EXCEL_ERROR, Cell, CellError, ExcelError, is_blank_cell, to_text
from rotation.workbook.problems import Problem
from rotation.workbook.schema import INPUT_SHEETS, TEMPLATE_NOTE_COLUMNS, Sheet

T = TypeVar("T")

_KEY_TYPES = (str, date, datetime)
_COLUMNS_BY_LABEL: dict[str, dict[str, str]] = {
    sheet.key: {normalize_text(label): c.key for c in sheet.columns for label in (c.key, c.zh)}
    for sheet in INPUT_SHEETS
}
_NOTE_LABELS: dict[str, frozenset[str]] = {
    key: frozenset(normalize_text(label) for c in columns for label in (c.key, c.zh))
    for key, columns in TEMPLATE_NOTE_COLUMNS.items()
}


@dataclass
class Report:
    """Problems with the file and the shape of its sheets, and every warning, in the order found."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Text] = field(default_factory=list)

    def sheet_problem(self, sheet: str, message: Text, column: str | None = None) -> None:
        self.problems.append(Problem.of(sheet, None, column, message))


class Table:
    """A sheet's data rows under its header, read column by column.

    Reading a whole column at a time keeps the per-cell work small on large sheets. Problems are
    kept with their row and column, so they are listed in reading order whatever order the checks
    ran in; ``failed`` holds the (0-based) data rows that have one.
    """

    __slots__ = ("_problems", "failed", "headers", "numbers", "positions", "rows", "title")

    def __init__(
        self,
        title: str,
        positions: dict[str, int],
        headers: dict[str, str],
        numbers: list[int],
        rows: list[list[Cell]],
    ) -> None:
        self.title = title
        self.positions = positions
        self.headers = headers
        self.numbers = numbers
        self.rows = rows
        self.failed: set[int] = set()
        self._problems: list[tuple[int, int, Problem]] = []

    def header(self, key: str) -> str:
        """The column's header as written, or the contract key when the column is absent."""
        return self.headers.get(key, key)

    def problem(self, index: int, key: str | None, message: Text, found: object = None) -> None:
        self.failed.add(index)
        column = None if key is None else self.header(key)
        position = self.positions.get(key or "", len(self.headers))
        self._problems.append(
            (index, position, Problem.of(self.title, self.numbers[index], column, message, found))
        )

    def sheet_problem(self, message: Text) -> None:
        self._problems.append((-1, -1, Problem.of(self.title, None, None, message)))

    def problems(self) -> list[Problem]:
        return [problem for _, _, problem in sorted(self._problems, key=itemgetter(0, 1))]

    def is_blank(self, index: int, key: str) -> bool:
        position = self.positions.get(key)
        return position is None or is_blank_cell(self.rows[index][position])

    def cells(self, key: str) -> list[Cell]:
        position = self.positions.get(key)
        return [("" if position is None else cells[position]) for cells in self.rows]

    def column(
        self, key: str, convert: Callable[[Cell], T | None], blank: Text | None = None
    ) -> list[T | None]:
        """Every cell of the column converted, None where blank or bad (bad cells are problems).

        ``blank`` is the problem to report for an empty cell of a column that must be filled in;
        a missing column reads as blank everywhere (required columns are checked with the header).
        """
        position = self.positions.get(key)
        if position is None:
            return [None] * len(self.rows)
        cells = list(map(itemgetter(position), self.rows))
        distinct = set(cells)
        # Most columns repeat a few values (codes, yes/no, school ids, start dates): convert each
        # once. Not numbers, as True, 1 and 1.0 are equal as keys but not as cells.
        if 2 * len(distinct) <= len(cells) and all(type(cell) in _KEY_TYPES for cell in distinct):
            try:
                converted = {cell: convert(cell) for cell in distinct}
            except CellError:
                return self._convert_each(key, cells, convert, blank)
            values = list(map(converted.__getitem__, cells))
            if blank is not None and None in converted.values():
                self._report_blanks(key, values, blank)
            return values
        return self._convert_each(key, cells, convert, blank)

    def _convert_each(
        self, key: str, cells: list[Cell], convert: Callable[[Cell], T | None], blank: Text | None
    ) -> list[T | None]:
        values: list[T | None] = []
        append = values.append
        for index, cell in enumerate(cells):
            try:
                if type(cell) is ExcelError:
                    raise CellError(EXCEL_ERROR)
                # Many optional cells are empty: they need no converter call.
                value = None if cell == "" else convert(cell)
            except CellError as error:
                self.problem(index, key, error.text, cell if error.show_found else None)
                value = None
            else:
                if value is None and blank is not None:
                    self.problem(index, key, blank)
            append(value)
        return values

    def _report_blanks(self, key: str, values: list[T | None], blank: Text) -> None:
        for index, value in enumerate(values):
            if value is None:
                self.problem(index, key, blank)

    def references(
        self, key: str, known: Container[str] | None, sheet: Sheet, blank: Text | None = None
    ) -> list[str | None]:
        """Ids that must exist in another sheet; ``known`` None means that sheet could not be read."""

        def read(cell: Cell) -> str | None:
            value = to_text(cell)
            if value is not None and known is not None and value not in known:
                raise CellError(
                    Text(
                        f"not in the {sheet.key} ({sheet.zh}) sheet",
                        f"不在 {sheet.key}（{sheet.zh}）工作表中",
                    )
                )
            return value

        return self.column(key, read, blank)

    def unique(self, key: str, values: list[str | None]) -> set[str]:
        """The ids of the column, each duplicate a problem on its later row."""
        first: dict[str, int] = {}
        for index, value in enumerate(values):
            if value is None:
                continue
            if value in first:
                row = self.numbers[first[value]]
                self.problem(
                    index, key, Text(f"duplicate: also on row {row}", f"重复：第 {row} 行已有"), value
                )
            else:
                first[value] = index
        return set(first)

    def require(self, index: int, key: str, value: object, message: Text) -> None:
        """A cell that must be filled in on this row (a bad cell is already a problem)."""
        if value is None and self.is_blank(index, key):
            self.problem(index, key, message)


def _header_text(cell: Cell) -> str:
    try:
        text = to_text(cell) if type(cell) in (str, int, float) else str(cell)
    except CellError:
        return ""  # a header of invisible characters names no column
    return text or ""


def _find_header(spec: Sheet, cells: list[list[Cell]]) -> int | None:
    """The index of the first row naming at least half of the required columns."""
    labels = _COLUMNS_BY_LABEL[spec.key]
    required = {c.key for c in spec.required_columns}
    for index, row in enumerate(cells):
        named = {labels.get(normalize_text(_header_text(cell))) for cell in row if cell != ""}
        if 2 * len(named & required) >= len(required):
            return index
    return None


def _column_letter(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def make_table(spec: Sheet, title: str, cells: list[list[Cell]], report: Report) -> Table | None:
    """The sheet as a table, or None (with problems reported) when its header cannot be used."""
    header_index = _find_header(spec, cells)
    if header_index is None:
        wanted = ", ".join(f"{c.key} ({c.zh})" for c in spec.required_columns)
        wanted_zh = "、".join(f"{c.key}（{c.zh}）" for c in spec.required_columns)
        message = Text(
            f"no header row found: no row names at least half of the columns {wanted}",
            f"找不到表头行：没有一行写出以下列中的至少一半：{wanted_zh}",
        )
        report.sheet_problem(title, message)
        return None
    problems_before = len(report.problems)
    positions, headers = _locate_columns(spec, title, header_index + 1, cells[header_index], report)
    for column in spec.required_columns:
        if column.key not in positions:
            message = Text(
                f"required column is missing (head it {column.key} or {column.zh})",
                f"缺少必需的列（表头写 {column.key} 或 {column.zh}）",
            )
            report.sheet_problem(title, message, column.key)
    if len(report.problems) > problems_before:
        return None
    numbers: list[int] = []
    rows: list[list[Cell]] = []
    for index in range(header_index + 1, len(cells)):
        if not all(is_blank_cell(cell) for cell in cells[index]):
            numbers.append(index + 1)
            rows.append(cells[index])
    return Table(title, positions, headers, numbers, rows)


def _locate_columns(
    spec: Sheet, title: str, header_row: int, header: list[Cell], report: Report
) -> tuple[dict[str, int], dict[str, str]]:
    labels = _COLUMNS_BY_LABEL[spec.key]
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    first_seen: dict[str, int] = {}
    for position, cell in enumerate(header):
        written = _header_text(cell)
        if not written:
            continue
        label = normalize_text(written)
        key = labels.get(label)
        if label in first_seen or (key is not None and key in positions):
            earlier = _column_letter(first_seen.get(label, positions.get(key or "", 0)))
            later = _column_letter(position)
            message = Text(
                f"the header appears twice: columns {earlier} and {later}",
                f"表头出现两次：第 {earlier} 列和第 {later} 列",
            )
            report.problems.append(Problem.of(title, header_row, written, message))
        elif key is None:
            if label not in _NOTE_LABELS.get(spec.key, ()):
                ignored = Text(
                    f"{title}: column {written!r} is not part of the contract and is ignored.",
                    f"工作表 {title}：列 {written!r} 不属于输入格式，已忽略。",
                )
                report.warnings.append(ignored)
        else:
            positions[key] = position
            headers[key] = written
        first_seen.setdefault(label, position)
    return positions, headers
