"""A small, fast, safe .xlsx writer: the one way the exports put workbooks on disk.

Every workbook is written to a temporary file next to the target and renamed into
place, so a reader never sees half a file and a failure leaves the old one intact.
Text is always written as text, never as a formula, whatever it starts with.
"""

from __future__ import annotations

import os
import secrets
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError

from rotation.text import Text

Cell = str | int | float | bool | date | None

DATE_FORMAT = "yyyy-mm-dd"
MAX_COLUMN_WIDTH = 50
# A column of sentences (a legend's meanings) wraps at this width rather than running off the page.
WRAPPED_WIDTH = 70
# Beyond this total width (in characters) a sheet prints landscape: portrait A4
# would shrink it below readable size when fitted to one page wide.
LANDSCAPE_ABOVE_WIDTH = 100
A4_PAPER = 9
# Excel, LibreOffice and CSV exports treat a cell starting with these as a formula
# (OWASP "CSV injection"); tab and carriage return are on the same list.
FORMULA_TRIGGERS = ("=", "+", "-", "@")
LEADING_CONTROL = ("\t", "\r")


@dataclass(frozen=True, slots=True)
class SheetData:
    """One sheet: a header row, then the rows; ``column_formats`` maps a column index
    to an Excel number format for its numbers and dates (dates default to yyyy-mm-dd);
    the text of the ``wrap`` columns wraps within a column of WRAPPED_WIDTH, for sentences."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    column_formats: Mapping[int, str] = field(default_factory=dict)
    wrap: frozenset[int] = frozenset()


class OutputError(Exception):
    """An output file that must not or cannot be written; ``text`` names the file, in both languages."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


class OutputExistsError(OutputError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            Text(
                f"{path}: already exists; pass --force to overwrite it",
                f"{path}：文件已存在；要覆盖请加 --force",
            )
        )
        self.path = path


class ProtectedPathError(OutputError):
    def __init__(self, path: Path, protected: Path) -> None:
        super().__init__(
            Text(
                f"{path}: is the input workbook {protected}; the input is never written to, "
                "choose another output file",
                f"{path}：是输入工作簿 {protected}；输入文件从不被改写，请另选输出文件",
            )
        )
        self.path = path


def check_output_path(path: Path, *, force: bool, protect: Sequence[Path] = ()) -> None:
    """Refuse ``path`` if it is one of ``protect``, a directory, or (without ``force``) an existing file."""
    for protected in protect:
        if _same_file(path, protected):
            raise ProtectedPathError(path, protected)
    if path.is_dir():
        raise OutputError(
            Text(f"{path}: is a directory, not an output file", f"{path}：是文件夹，不是输出文件")
        )
    if path.exists() and not force:
        raise OutputExistsError(path)


def _same_file(path: Path, other: Path) -> bool:
    # samefile sees through hard links and case-insensitive file systems; the
    # resolved path covers files that do not exist yet.
    try:
        if os.path.samefile(path, other):
            return True
    except OSError:
        pass
    return path.resolve() == other.resolve()


def write_workbook(
    path: Path,
    sheets: Sequence[SheetData],
    *,
    force: bool,
    protect: Sequence[Path] = (),
    finish: Callable[[Any], None] | None = None,
) -> None:
    """Write ``sheets`` to ``path`` atomically; see check_output_path for the refusals.

    ``finish`` receives the open xlsxwriter workbook after the sheets, to add more (charts) before
    it is closed and renamed into place.
    """
    with atomic_output(path, force=force, protect=protect) as temporary:
        _write_sheets(temporary, sheets, finish)


@contextmanager
def atomic_output(path: Path, *, force: bool, protect: Sequence[Path] = ()) -> Iterator[Path]:
    """A temporary file beside ``path`` to write; renamed onto ``path`` when the block succeeds.

    Every writer of the project's outputs goes through here, so a reader never sees half a file and
    a failure leaves an old file intact. The refusals of check_output_path come first; any OS or
    xlsxwriter failure becomes an OutputError naming ``path``.
    """
    check_output_path(path, force=force, protect=protect)
    # Same directory, so that os.replace is a rename on one file system.
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        yield temporary
        os.replace(temporary, path)
    except PermissionError as error:
        message = Text(
            f"{path}: cannot be written ({error.strerror}); if it is open in Excel, close it",
            f"{path}：无法写入（{error.strerror}）；如果文件正在 Excel 中打开，请先关闭",
        )
        raise OutputError(message) from error
    except (OSError, FileCreateError) as error:
        raise OutputError(
            Text(f"{path}: cannot be written ({error})", f"{path}：无法写入（{error}）")
        ) from error
    finally:
        # exists(), unlike unlink(missing_ok=True), also copes with a parent that is not a directory.
        if temporary.exists():
            temporary.unlink()


def _write_sheets(target: Path, sheets: Sequence[SheetData], finish: Callable[[Any], None] | None) -> None:
    options = {
        # Rows go out in order, so each sheet streams to disk instead of building up in memory.
        "constant_memory": True,
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
        "nan_inf_to_errors": True,
    }
    # The context manager closes the workbook even on an error, which removes
    # xlsxwriter's own per-sheet temporary files.
    with xlsxwriter.Workbook(str(target), options) as workbook:
        for sheet in sheets:
            add_sheet(workbook, sheet)
        if finish is not None:
            finish(workbook)


def add_sheet(workbook: Any, sheet: SheetData) -> None:
    """Write ``sheet`` as the next worksheet of an open xlsxwriter ``workbook`` (layout as write_workbook).

    For writers that lay out other sheets themselves (notices, the template) and add a SheetData
    such as the 说明 sheet after them.
    """
    _write_sheet(workbook.add_worksheet(sheet.title), sheet, _Formats(workbook))


class _Formats:
    """Cell formats shared across the workbook, each made once (xlsxwriter keeps every add_format)."""

    def __init__(self, workbook: Any) -> None:
        self._workbook = workbook
        self._made: dict[tuple[tuple[str, object], ...], Any] = {}
        self.header = self.get(bold=True, bottom=1)
        self.quoted = self.get(quote_prefix=True)
        self.wrapped = self.get(text_wrap=True, valign="top")
        self.wrapped_quoted = self.get(text_wrap=True, valign="top", quote_prefix=True)

    def get(self, **properties: object) -> Any:
        key = tuple(sorted(properties.items()))
        if key not in self._made:
            self._made[key] = self._workbook.add_format(properties)
        return self._made[key]


@dataclass(frozen=True, slots=True)
class _ColumnFormats:
    """One sheet's formats by column index, looked up per cell on the hot path."""

    numbers: list[Any]
    dates: list[Any]
    texts: list[Any]
    quoted: list[Any]


def _write_sheet(worksheet: Any, sheet: SheetData, formats: _Formats) -> None:
    width = len(sheet.headers)
    column_formats = _ColumnFormats(
        numbers=[_optional_format(formats, sheet.column_formats.get(col)) for col in range(width)],
        dates=[formats.get(num_format=sheet.column_formats.get(col, DATE_FORMAT)) for col in range(width)],
        texts=[formats.wrapped if col in sheet.wrap else None for col in range(width)],
        quoted=[formats.wrapped_quoted if col in sheet.wrap else formats.quoted for col in range(width)],
    )
    widths = [text_width(header) for header in sheet.headers]
    for col, header in enumerate(sheet.headers):
        worksheet.write_string(0, col, header, formats.header)
    for row_index, cells in enumerate(sheet.rows, start=1):
        _write_row(worksheet, row_index, cells, column_formats, widths)
    column_widths = [
        min(measured + 2, WRAPPED_WIDTH if col in sheet.wrap else MAX_COLUMN_WIDTH)
        for col, measured in enumerate(widths)
    ]
    for col, column_width in enumerate(column_widths):
        worksheet.set_column(col, col, column_width)
    worksheet.freeze_panes(1, 0)
    worksheet.autofilter(0, 0, len(sheet.rows), max(width - 1, 0))
    _set_up_printing(worksheet, landscape=sum(column_widths) > LANDSCAPE_ABOVE_WIDTH)


def _optional_format(formats: _Formats, number_format: str | None) -> Any:
    return None if number_format is None else formats.get(num_format=number_format)


def _write_row(
    worksheet: Any, row: int, cells: Sequence[Cell], formats: _ColumnFormats, widths: list[int]
) -> None:
    """Write one row by type, never through xlsxwriter's guessing write(); widen ``widths`` to fit."""
    for col, value in enumerate(cells):
        if value is None:
            continue
        if isinstance(value, str):
            worksheet.write_string(
                row, col, value, formats.quoted[col] if looks_like_formula(value) else formats.texts[col]
            )
            shown = text_width(value)
        elif isinstance(value, bool):
            worksheet.write_boolean(row, col, value)
            shown = 5
        elif isinstance(value, int | float):
            worksheet.write_number(row, col, value, formats.numbers[col])
            shown = len(str(value))
        elif isinstance(value, date):
            worksheet.write_datetime(row, col, value, formats.dates[col])
            shown = len(DATE_FORMAT)
        else:
            raise TypeError(f"row {row}, column {col}: cannot write a {type(value).__name__} ({value!r})")
        if shown > widths[col]:
            widths[col] = shown


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet would take ``text`` typed into a cell for a formula.

    Such text is still written as text; it also gets Excel's quote prefix so that
    editing the cell later does not turn it into a formula either.
    """
    return text.startswith(LEADING_CONTROL) or text.lstrip().startswith(FORMULA_TRIGGERS)


def text_width(text: str) -> int:
    """Display width in character cells: wide (CJK) characters count double."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _set_up_printing(worksheet: Any, *, landscape: bool) -> None:
    worksheet.set_paper(A4_PAPER)
    if landscape:
        worksheet.set_landscape()
    else:
        worksheet.set_portrait()
    worksheet.fit_to_pages(1, 0)
    worksheet.repeat_rows(0)
