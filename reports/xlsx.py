"""A small, fast, safe .xlsx writer: the one way the exports put workbooks on disk.

Every workbook is written to a temporary file next to the target and renamed into
place, so a reader never sees half a file and a failure leaves the old one intact.
Text is always written as text, never as a formula, whatever it starts with.

Nothing of a workbook is written anywhere else on the way: xlsxwriter assembles its parts in
memory (by default it puts each sheet in a file of $TMPDIR, where an interrupted run would leave
names and reasons behind), and on Linux the temporary file has no name until it is complete, so
that even a killed run leaves nothing beside the target. (The sample and template writer,
reports.input_workbook, which writes no one's personal data, streams through $TMPDIR instead.)
"""

from __future__ import annotations

import io
import os
import secrets
import shutil
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError

from rotation import interruption
from rotation.heap import long_lived
from rotation.text import Text, shorten

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


# Bytes of one file or folder name on the file systems a bureau uses (ext4, NTFS counts 255 UTF-16
# units); a temporary name adds TEMPORARY_SUFFIX to an output's. Bytes of a whole path (Linux).
MAX_NAME_BYTES = 255
TEMPORARY_SUFFIX = len(".x.01234567.tmp")
MAX_PATH_BYTES = 4096


def check_output_path(path: Path, *, force: bool, protect: Sequence[Path] = ()) -> None:
    """Refuse ``path`` if it is one of ``protect``, a directory, or (without ``force``) an existing file,
    or if its name or the whole path is longer than a file system takes."""
    check_path_length(path, TEMPORARY_SUFFIX)
    try:
        for protected in protect:
            if _same_file(path, protected):
                raise ProtectedPathError(path, protected)
        if path.is_dir():
            raise OutputError(
                Text(f"{path}: is a directory, not an output file", f"{path}：是文件夹，不是输出文件")
            )
        exists = path.exists()
    except OSError as error:
        raise OutputError(
            Text(f"{path}: cannot be used ({error.strerror})", f"{path}：无法使用（{error.strerror}）")
        ) from None
    if exists and not force:
        raise OutputExistsError(path)


def check_path_length(path: Path, added: int = 0) -> None:
    """Refuse a path with a name of more than MAX_NAME_BYTES (less ``added``, for a name made from it)
    or of more than MAX_PATH_BYTES in all, saying which, before anything is written."""
    shown = shorten(str(path))
    whole = len(os.fsencode(path.absolute()))
    if whole > MAX_PATH_BYTES - added:
        raise OutputError(
            Text(
                f"{shown}: the path is {whole} bytes long, more than the {MAX_PATH_BYTES - added} "
                "an output path may have; choose a shorter one",
                f"{shown}：路径长 {whole} 字节，超过输出路径允许的 {MAX_PATH_BYTES - added} 字节；"
                "请选择较短的路径",
            )
        )
    limit = MAX_NAME_BYTES - added
    for part in path.parts:
        size = len(os.fsencode(part))
        if size > limit:
            raise OutputError(
                Text(
                    f"{shown}: the name {shorten(part, 40)} is {size} bytes long, more than the {limit} a "
                    "file or folder name may have here; choose a shorter one",
                    f"{shown}：名称 {shorten(part, 40)} 长 {size} 字节，超过此处文件或文件夹名称允许的 "
                    f"{limit} 字节；请选择较短的名称",
                )
            )


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
    xlsxwriter failure becomes an OutputError naming ``path``. Where the system allows, the file is
    made without a name (O_TMPFILE) and given one only when complete, so that not even SIGKILL
    leaves it behind.
    """
    check_output_path(path, force=force, protect=protect)
    # Same directory, so that os.replace is a rename on one file system.
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    unnamed: int | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        unnamed = _unnamed_file(path.parent)
        if unnamed is None:
            yield temporary
        else:
            yield Path(f"/proc/self/fd/{unnamed}")
            _name(unnamed, temporary)
        interruption.check()  # a stop asked for while writing: the output never becomes visible
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
        if unnamed is not None:
            os.close(unnamed)
        # exists(), unlike unlink(missing_ok=True), also copes with a parent that is not a directory.
        if temporary.exists():
            temporary.unlink()


@contextmanager
def atomic_folder(out_dir: Path, *, force: bool, protect: Sequence[Path] = ()) -> Iterator[Path]:
    """A hidden folder beside ``out_dir`` to write a set of files into; moved into place whole when the
    block succeeds, and removed with what it holds when it fails (or a signal stops it).

    Over an existing ``out_dir`` (``force``) the old set is replaced whole, never mixed with the new;
    a folder holding anything but workbooks, or the plan or input, is never replaced. The refusals
    come before anything is written; OS failures become an OutputError naming ``out_dir``.
    """
    check_path_length(out_dir, TEMPORARY_SUFFIX)
    _check_set_folder(out_dir, force, protect)
    staging = out_dir.with_name(f".{out_dir.name}.{secrets.token_hex(4)}.tmp")
    try:
        staging.mkdir(parents=True)
        yield staging
        interruption.check()
        _move_into_place(staging, out_dir)
    except (OSError, FileCreateError) as error:
        raise OutputError(
            Text(f"{out_dir}: cannot be written ({error})", f"{out_dir}：无法写入（{error}）")
        ) from error
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _check_set_folder(out_dir: Path, force: bool, protect: Sequence[Path]) -> None:
    """Refuse a file, a folder holding anything but workbooks or holding a protected file, and without
    ``force`` any folder that is not empty."""
    shown = shorten(str(out_dir))
    try:
        if out_dir.exists() and not out_dir.is_dir():
            raise OutputError(
                Text(
                    f"{shown}: is a file, not a folder for the output files",
                    f"{shown}：是文件，不是存放输出文件的文件夹",
                )
            )
        entries = sorted(out_dir.iterdir()) if out_dir.is_dir() else []
    except OSError as error:
        raise OutputError(
            Text(f"{shown}: cannot be used ({error.strerror})", f"{shown}：无法使用（{error.strerror}）")
        ) from None
    for entry in entries:
        check_output_path(entry, force=True, protect=protect)  # the plan or input inside: refused
        if entry.is_dir() or entry.suffix.casefold() != ".xlsx":
            raise OutputError(
                Text(
                    f"{shown}: holds {entry.name!r}, which this command did not write; the folder is "
                    "replaced whole, so choose an empty or new folder",
                    f"{shown}：其中有 {entry.name!r}，不是本命令写出的文件；该文件夹会被整体替换，"
                    "请选择空的或新的文件夹",
                )
            )
    if entries and not force:
        raise OutputError(
            Text(
                f"{shown}: already holds files; pass --force to replace the whole set",
                f"{shown}：其中已有文件；要整体替换请加 --force",
            )
        )


def _move_into_place(staging: Path, out_dir: Path) -> None:
    """``staging`` renamed to ``out_dir``; an existing ``out_dir`` is first moved aside, then removed."""
    if not out_dir.exists():
        os.rename(staging, out_dir)
        return
    old = out_dir.with_name(f".{out_dir.name}.{secrets.token_hex(4)}.old")
    os.rename(out_dir, old)
    try:
        os.rename(staging, out_dir)
    except OSError:
        os.rename(old, out_dir)  # the old set back in its place
        raise
    shutil.rmtree(old, ignore_errors=True)


def _unnamed_file(folder: Path) -> int | None:
    """A file descriptor of a new file in ``folder`` without a name, or None where there is none
    (not Linux, or a file system without O_TMPFILE); it is written through /proc/self/fd."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None or not Path("/proc/self/fd").is_dir():
        return None
    try:
        return os.open(folder, flag | os.O_RDWR, 0o644)
    except OSError:
        return None


def _name(unnamed: int, temporary: Path) -> None:
    """Give the unnamed file the name ``temporary``, in its folder."""
    source = f"/proc/self/fd/{unnamed}"
    folder = os.open(temporary.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        # With a directory descriptor os.link calls linkat, which follows the /proc link to the file
        # (plain link() would try to link the /proc entry itself).
        os.link(source, temporary.name, src_dir_fd=folder, dst_dir_fd=folder, follow_symlinks=True)
    except OSError:
        # A file system that makes unnamed files but cannot name them: a copy, named for a moment.
        with open(source, "rb") as data, open(temporary, "xb") as target:
            shutil.copyfileobj(data, target)
    finally:
        os.close(folder)


# xlsxwriter's parts in memory, not in files of $TMPDIR (see the module's docstring).
IN_MEMORY = {"in_memory": True}


def workbook_bytes(sheets: Sequence[SheetData], finish: Callable[[Any], None] | None = None) -> bytes:
    """The workbook as bytes, built in memory: a result sent back from another process or node."""
    buffer = io.BytesIO()
    _write_sheets(buffer, sheets, finish)
    return buffer.getvalue()


def _write_sheets(
    target: Path | io.BytesIO, sheets: Sequence[SheetData], finish: Callable[[Any], None] | None
) -> None:
    options = {
        **IN_MEMORY,
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
        "nan_inf_to_errors": True,
    }
    with (
        long_lived(),
        xlsxwriter.Workbook(target if isinstance(target, io.BytesIO) else str(target), options) as workbook,
    ):
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
