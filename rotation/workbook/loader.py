"""The workbook loader: the only code that reads an input workbook (workbook-format.md).

``load_workbook`` reads every sheet of the contract with python-calamine,
checks every cell and every cross-reference, and either returns the roster
with its final parameters or raises one ``WorkbookError`` listing every
problem at once, each located as Excel shows it (sheet, row, column).
"""

from __future__ import annotations

import gc
import hashlib
import io
import math
import re
from collections import defaultdict
from collections.abc import Callable, Container, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from python_calamine import CalamineError, CalamineWorkbook

from rotation.codes import (
    Area,
    Band,
    Category,
    Coded,
    Gender,
    GroupKind,
    Honor,
    Override,
    Post,
    Role,
    Stage,
    normalize_text,
)
from rotation.dates import parse_date_text
from rotation.domain import Group, HistoryEntry, Pin, PinKind, Roster, School, StaffMember, SubjectMinimum
from rotation.idnumber import IdNumber, IdNumberError, parse_id_number
from rotation.parameters import PARAMETERS_SHEET, ParameterError, Parameters, resolve_parameters
from rotation.text import Text
from rotation.workbook.schema import (
    GROUPS,
    HISTORY,
    INPUT_SHEETS,
    PARAMETERS,
    PINS,
    SCHOOLS,
    STAFF,
    SUBJECT_MINIMUMS,
    Sheet,
)

Cell = int | float | str | bool | date | time | timedelta
T = TypeVar("T")
C = TypeVar("C", bound=Coded)
A = TypeVar("A", Gender, date)  # what an id number says about a person

_REQUIRED = Text("blank, but a value is required", "为空，但此项必填")
_LEADER_REQUIRED = Text(
    "blank, but required for a principal or vice principal", "为空，但校长、副校长此项必填"
)
_EXCHANGE_REQUIRED = Text(
    "blank, but required while on exchange (home_school_id differs from school_id)",
    "为空，但交流期间此项必填（home_school_id 与 school_id 不同）",
)
_IDENTITY_REQUIRED = Text("blank, but required when id_number is blank", "为空，但 id_number 为空时此项必填")
_OLE2_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
# Stream names of an encrypted OOXML package inside its OLE2 container (UTF-16 directory entries).
_ENCRYPTION_MARKERS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
_BOOLEANS: dict[str, bool] = {
    **dict.fromkeys(("yes", "y", "true", "1", "是", "√"), True),
    **dict.fromkeys(("no", "n", "false", "0", "否"), False),
}
_PIN_KINDS: dict[str, PinKind] = {
    "must": PinKind.MUST,
    "必须": PinKind.MUST,
    "never": PinKind.NEVER,
    "禁止": PinKind.NEVER,
}
_KEY_TYPES = (str, date, datetime)
_PREFERENCE_COLUMNS = ("pref_1", "pref_2", "pref_3")
_LEADER_POSTS = frozenset(post for post in Post if post.is_leader)
_STAFF_FLAGS = ("senior3", "pregnant_or_nursing", "medical_exemption", "project_lead_approved", "volunteer")
_SHEETS_BY_LABEL: dict[str, Sheet] = {
    normalize_text(label): sheet for sheet in INPUT_SHEETS for label in (sheet.key, sheet.zh)
}
_COLUMNS_BY_LABEL: dict[str, dict[str, str]] = {
    sheet.key: {normalize_text(label): c.key for c in sheet.columns for label in (c.key, c.zh)}
    for sheet in INPUT_SHEETS
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, located as Excel shows it.

    ``message`` is the English sentence and ``message_zh`` the Chinese one; ``sheet`` is the sheet's
    title as written in the file, or the file's name when ``is_file`` (a refusal of the whole file).
    ``str(problem)`` is the English form; ``text(lang)`` gives either language.
    """

    sheet: str
    row: int | None
    column: str | None
    message: str
    found: object = None
    message_zh: str = field(default="", compare=False)
    is_file: bool = field(default=False, compare=False)

    @classmethod
    def of(
        cls,
        sheet: str,
        row: int | None,
        column: str | None,
        message: Text,
        found: object = None,
        *,
        is_file: bool = False,
    ) -> Problem:
        return cls(sheet, row, column, message.en, found, message.zh, is_file)

    def __str__(self) -> str:
        return self.text("en")

    def text(self, lang: str) -> str:
        """The problem with its place, in Chinese ("zh") or English (any other ``lang``)."""
        zh = lang == "zh"
        place = [(f"文件 {self.sheet}" if self.is_file else f"工作表 {self.sheet}") if zh else self.sheet]
        if self.row is not None:
            place.append(f"第 {self.row} 行" if zh else f"row {self.row}")
        if self.column is not None:
            place.append(f"列 {self.column}" if zh else f"column {self.column}")
        if zh:
            text = f"{'，'.join(place)}：{self.message_zh or self.message}"
            return text if self.found is None else f"{text}（发现：{_show(self.found)}）"
        text = f"{', '.join(place)}: {self.message}"
        return text if self.found is None else f"{text} (found: {_show(self.found)})"


class WorkbookError(Exception):
    """A workbook refused before any solving; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


@dataclass(frozen=True)
class LoadedWorkbook:
    """A workbook that passed every check: its roster, final parameters and warnings, and its identity."""

    roster: Roster
    params: Parameters
    warnings: tuple[str, ...]
    sha256: str
    path: Path


def _show(found: object) -> str:
    if isinstance(found, str):
        return repr(found)
    if isinstance(found, date):
        return found.isoformat()
    if isinstance(found, float) and found.is_integer():
        return str(int(found))
    return str(found)


# --- Cells -------------------------------------------------------------------------------------------


class _CellError(ValueError):
    """A cell that cannot be read as its column's type; ``text`` says how it is wrong."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


_NOT_TEXT = Text("not text", "不是文本")
_NOT_A_DATE = Text("not a date", "不是日期")
_NOT_WHOLE = Text("not a whole number", "不是整数")
_NOT_A_NUMBER = Text("not a number", "不是数字")


def _is_blank_cell(cell: Cell) -> bool:
    return cell == "" or (type(cell) is str and not cell.strip())


def _to_text(cell: Cell) -> str | None:
    if type(cell) is str:
        return cell.strip() or None
    if type(cell) is float:
        # An id typed into a number cell comes back as 123.0 and means "123".
        return str(int(cell)) if cell.is_integer() else str(cell)
    if type(cell) is int:
        return str(cell)
    raise _CellError(_NOT_TEXT)


def _to_date(cell: Cell) -> date | None:
    if type(cell) is date:
        return cell
    if type(cell) is datetime:
        return cell.date()
    if type(cell) is str:
        if not cell.strip():
            return None
        parsed = parse_date_text(cell)
        if parsed is not None:
            return parsed
        raise _CellError(
            Text(
                "not a date (write 2019-09-01, 2019/9/1, 2019.09.01, 2019年9月1日 or an Excel date)",
                "不是日期（请写 2019-09-01、2019/9/1、2019.09.01、2019年9月1日 或 Excel 日期）",
            )
        )
    if type(cell) is int or type(cell) is float:
        raise _CellError(
            Text(
                "a bare number is not a date (enter an Excel date or text like 2019-09-01)",
                "单独的数字不是日期（请输入 Excel 日期或 2019-09-01 这样的文本）",
            )
        )
    raise _CellError(_NOT_A_DATE)


def _to_count(cell: Cell) -> int | None:
    """A whole number of at least zero: every integer column of the contract counts something."""
    number: float
    if type(cell) is int or type(cell) is float:
        number = cell
    elif type(cell) is str:
        if not cell.strip():
            return None
        try:
            number = float(cell)
        except ValueError:
            raise _CellError(_NOT_WHOLE) from None
    else:
        raise _CellError(_NOT_WHOLE)
    if not float(number).is_integer():
        raise _CellError(_NOT_WHOLE)
    if number < 0:
        raise _CellError(Text("negative, but a count cannot be", "为负数，但计数不能为负"))
    return int(number)


def _to_number(cell: Cell) -> float | None:
    if type(cell) is int or type(cell) is float:
        return float(cell)
    if type(cell) is str:
        if not cell.strip():
            return None
        try:
            number = float(cell)
        except ValueError:
            raise _CellError(_NOT_A_NUMBER) from None
        if math.isfinite(number):
            return number
    raise _CellError(_NOT_A_NUMBER)


def _to_years(cell: Cell) -> float | None:
    years = _to_number(cell)
    if years is not None and years < 0:
        raise _CellError(Text("negative, but a number of years cannot be", "为负数，但年数不能为负"))
    return years


def _within(value: float | None, limit: float) -> float | None:
    if value is not None and abs(value) > limit:
        raise _CellError(Text(f"outside -{limit}..{limit}", f"超出 -{limit}..{limit} 的范围"))
    return value


def _to_latitude(cell: Cell) -> float | None:
    return _within(_to_number(cell), 90)


def _to_longitude(cell: Cell) -> float | None:
    return _within(_to_number(cell), 180)


def _to_bool(cell: Cell) -> bool | None:
    if type(cell) is bool:
        return cell
    if type(cell) is str:
        answer = _BOOLEANS.get(cell.strip().casefold())
        if answer is not None:
            return answer
        if not cell.strip():
            return None
    elif (type(cell) is int or type(cell) is float) and cell in (0, 1):
        return bool(cell)
    raise _CellError(
        Text(
            "not a yes/no value (write yes/no, y/n, true/false, 1/0, 是/否, or √ and blank)",
            "不是“是/否”值（请写 yes/no、y/n、true/false、1/0、是/否，或 √ 与空白）",
        )
    )


def _code_reader(codes: type[C]) -> Callable[[Cell], C | None]:
    """A converter to a member of ``codes``, named in either language."""

    def read(cell: Cell) -> C | None:
        text = _to_text(cell)
        if text is None:
            return None
        member = codes.parse(text)
        if member is None:
            allowed = codes.choices()
            raise _CellError(Text(f"unknown code (allowed: {allowed})", f"未知代码（可用：{allowed}）"))
        return member

    return read


def _to_id_number(cell: Cell) -> IdNumber | None:
    if type(cell) is int or type(cell) is float:
        raise _CellError(
            Text(
                "stored as a number, which keeps only 15 digits; format the column as text",
                "以数字存储，只能保留 15 位有效数字；请将该列设置为文本格式",
            )
        )
    text = _to_text(cell)
    if text is None:
        return None
    try:
        return parse_id_number(text)
    except IdNumberError as error:
        raise _CellError(error.text) from None


def _to_pin_kind(cell: Cell) -> PinKind | None:
    text = _to_text(cell)
    if text is None:
        return None
    kind = _PIN_KINDS.get(normalize_text(text))
    if kind is None:
        raise _CellError(
            Text(
                "unknown pin kind (allowed: must 必须, never 禁止)",
                "未知的指定类型（可用：must 必须、never 禁止）",
            )
        )
    return kind


# --- Tables ------------------------------------------------------------------------------------------


@dataclass
class _Report:
    """Problems with the file and the shape of its sheets, and every warning, in the order found."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def sheet_problem(self, sheet: str, message: Text, column: str | None = None) -> None:
        self.problems.append(Problem.of(sheet, None, column, message))


class _Table:
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
        return position is None or _is_blank_cell(self.rows[index][position])

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
            except _CellError:
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
                # Many optional cells are empty: they need no converter call.
                value = None if cell == "" else convert(cell)
            except _CellError as error:
                self.problem(index, key, error.text, cell)
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
            value = _to_text(cell)
            if value is not None and known is not None and value not in known:
                raise _CellError(
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
    text = _to_text(cell) if type(cell) in (str, int, float) else str(cell)
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


def _table(spec: Sheet, title: str, cells: list[list[Cell]], report: _Report) -> _Table | None:
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
        if not all(_is_blank_cell(cell) for cell in cells[index]):
            numbers.append(index + 1)
            rows.append(cells[index])
    return _Table(title, positions, headers, numbers, rows)


def _locate_columns(
    spec: Sheet, title: str, header_row: int, header: list[Cell], report: _Report
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
            report.warnings.append(f"{title}: column {written!r} is not part of the contract and is ignored.")
        else:
            positions[key] = position
            headers[key] = written
        first_seen.setdefault(label, position)
    return positions, headers


# --- Whole file ----------------------------------------------------------------------------------------


def _refuse(path: Path, sentence: Text) -> WorkbookError:
    return WorkbookError([Problem.of(path.name, None, None, sentence, is_file=True)])


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, after the checks that can be made without parsing it."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise _refuse(path, Text(f"there is no such file ({path})", f"文件不存在（{path}）")) from None
    except IsADirectoryError:
        raise _refuse(
            path, Text("this is a folder, not a workbook file", "这是一个文件夹，不是工作簿文件")
        ) from None
    except OSError as error:
        raise _refuse(
            path, Text(f"the file cannot be read ({error.strerror})", f"无法读取该文件（{error.strerror}）")
        ) from None
    if not data:
        raise _refuse(
            path, Text("the file is empty (0 bytes), not a workbook", "文件是空的（0 字节），不是工作簿")
        )
    if data.startswith(_OLE2_SIGNATURE):
        if any(marker in data for marker in _ENCRYPTION_MARKERS):
            raise _refuse(
                path,
                Text(
                    "the workbook is password-protected; save it in Excel without a password",
                    "工作簿设有密码保护；请在 Excel 中去掉密码后保存",
                ),
            )
        raise _refuse(
            path,
            Text(
                "this is an old Excel 97-2003 (.xls) or a password-protected file; "
                "save it as .xlsx without a password",
                "这是旧版 Excel 97-2003（.xls）文件或设有密码保护的文件；请另存为不带密码的 .xlsx",
            ),
        )
    if not data.startswith(b"PK"):
        raise _refuse(
            path,
            Text(
                "this is not an Excel workbook (.xlsx); open it in Excel and save it as .xlsx",
                "这不是 Excel 工作簿（.xlsx）；请在 Excel 中打开并另存为 .xlsx",
            ),
        )
    return data


def _open(path: Path, data: bytes) -> CalamineWorkbook:
    # From the bytes already read: calamine then goes by content, not by the file's extension, and
    # what is parsed is exactly what was hashed.
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except CalamineError as error:
        raise _refuse(
            path,
            Text(
                f"this is a zip file but not a readable .xlsx workbook ({error}); save it in Excel as .xlsx",
                f"这是 zip 文件，但不是可读取的 .xlsx 工作簿（{error}）；请在 Excel 中另存为 .xlsx",
            ),
        ) from None


def _read_tables(book: CalamineWorkbook, path: Path, report: _Report) -> dict[str, _Table | None]:
    """The contract's sheets by key; None for a sheet present but unusable (its problems reported)."""
    found: dict[str, tuple[Sheet, str]] = {}
    for title in book.sheet_names:
        spec = _SHEETS_BY_LABEL.get(normalize_text(title))
        if spec is None:
            report.warnings.append(f"Sheet {title!r} is not part of the contract and is ignored.")
        elif spec.key in found:
            first = found[spec.key][1]
            message = Text(
                f"a second {spec.key} sheet: {first!r} is the first",
                f"第二个 {spec.key} 工作表：第一个是 {first!r}",
            )
            report.sheet_problem(title, message)
        else:
            found[spec.key] = (spec, title)
    missing = [sheet for sheet in INPUT_SHEETS if sheet.required and sheet.key not in found]
    if len(missing) == sum(sheet.required for sheet in INPUT_SHEETS):
        names = ", ".join(f"{sheet.key} ({sheet.zh})" for sheet in missing)
        names_zh = "、".join(f"{sheet.key}（{sheet.zh}）" for sheet in missing)
        raise _refuse(
            path,
            Text(
                f"the workbook has none of the required sheets {names}",
                f"工作簿中没有任何必需的工作表：{names_zh}",
            ),
        )
    for sheet in missing:
        message = Text(
            f"required sheet is missing (name it {sheet.key} or {sheet.zh})",
            f"缺少必需的工作表（请命名为 {sheet.key} 或 {sheet.zh}）",
        )
        report.sheet_problem(sheet.key, message)
    return {key: _read_table(book, spec, title, report) for key, (spec, title) in found.items()}


def _read_table(book: CalamineWorkbook, spec: Sheet, title: str, report: _Report) -> _Table | None:
    try:
        # skip_empty_area=False keeps leading blank rows, so list index + 1 is Excel's row number.
        cells: list[list[Cell]] = book.get_sheet_by_name(title).to_python(skip_empty_area=False)
    except CalamineError as error:
        report.sheet_problem(
            title, Text(f"the sheet cannot be read ({error})", f"无法读取该工作表（{error}）")
        )
        return None
    return _table(spec, title, cells, report)


# --- Sheets --------------------------------------------------------------------------------------------


def _read_parameters(
    table: _Table | None, resolve: Callable[[Mapping[str, object]], Parameters], report: _Report
) -> Parameters | None:
    """The final parameters; a ParameterError becomes problems on the parameters sheet."""
    values: dict[str, object] = {}
    rows: dict[str, int] = {}
    if table is not None:
        keys = table.column("key", _to_text, _REQUIRED)
        for index, (text, value) in enumerate(zip(keys, table.cells("value"), strict=True)):
            if text is None:
                continue
            key = normalize_text(text)
            if key in rows:
                row = table.numbers[rows[key]]
                message = Text(
                    f"parameter {key} is also given on row {row}", f"参数 {key} 在第 {row} 行也已给出"
                )
                table.problem(index, "key", message, key)
                continue
            rows[key] = index
            if not _is_blank_cell(value):  # a blank value keeps the default
                values[key] = value
    try:
        return resolve(values)
    except ParameterError as error:
        for sentence in error.texts:
            _parameter_problem(table, sentence, rows, report)
        return None


def _parameter_problem(table: _Table | None, text: Text, rows: Mapping[str, int], report: _Report) -> None:
    """A ParameterError sentence, on the row of the key it names when it is about the sheet."""
    if table is None:
        report.sheet_problem(PARAMETERS.key, text)
        return
    prefix = Text(f"{PARAMETERS_SHEET.en}: ", f"{PARAMETERS_SHEET.zh}：")
    if not text.en.startswith(prefix.en):
        table.sheet_problem(text)
        return
    text = Text(text.en.removeprefix(prefix.en), text.zh.removeprefix(prefix.zh))
    mentions = [
        (match.start(), index)
        for key, index in rows.items()
        if (match := re.search(rf"(?<!\w){re.escape(key)}(?!\w)", text.en)) is not None
    ]
    if mentions:
        table.problem(min(mentions)[1], None, text)
    else:
        table.sheet_problem(text)


def _read_schools(table: _Table | None) -> tuple[dict[str, School], set[str] | None]:
    """The schools, and every school_id in the sheet, also those of rows with problems.

    The ids are None when the sheet cannot be read: references to schools are then left unchecked,
    rather than each reported as unknown.
    """
    if table is None:
        return {}, None
    ids = table.column("school_id", _to_text, _REQUIRED)
    known = table.unique("school_id", ids)
    rows = zip(
        ids,
        table.column("name", _to_text, _REQUIRED),
        table.column("stage", _code_reader(Stage), _REQUIRED),
        table.column("area", _code_reader(Area), _REQUIRED),
        table.column("category", _code_reader(Category)),
        table.column("students", _to_count, _REQUIRED),
        table.column("staff_quota", _to_count),
        table.column("small_school", _to_bool),
        table.column("latitude", _to_latitude),
        table.column("longitude", _to_longitude),
        strict=True,
    )
    schools: dict[str, School] = {}
    for index, (school_id, name, stage, area, category, students, quota, small, lat, lon) in enumerate(rows):
        if index in table.failed or school_id is None or name is None or stage is None or area is None:
            continue
        if students is None:
            continue
        category = category or Category.ORDINARY
        schools[school_id] = School(
            school_id, name, stage, area, category, students, quota, small is True, lat, lon
        )
    return schools, known


@dataclass
class _GroupRows:
    """A group as its membership rows describe it; ``first`` is the index of its first row."""

    first: int
    name: str
    kind: GroupKind
    school_ids: list[str] = field(default_factory=list)
    leads: list[str] = field(default_factory=list)

    def conflict(
        self, group_id: str, name: str, kind: GroupKind, school_id: str, first_row: int
    ) -> tuple[str, Text, str] | None:
        """(column, message, found) when a membership row disagrees with the group's earlier rows."""
        if name != self.name:
            message = Text(
                f"group {group_id} is named {self.name!r} on row {first_row}",
                f"集团 {group_id} 在第 {first_row} 行的名称是 {self.name!r}",
            )
            return "group_name", message, name
        if kind is not self.kind:
            message = Text(
                f"group {group_id} is {self.kind.value} on row {first_row}",
                f"集团 {group_id} 在第 {first_row} 行的类型是 {self.kind.value}（{self.kind.zh}）",
            )
            return "kind", message, kind.value
        if school_id in self.school_ids:
            message = Text(
                f"school {school_id} is already a member of group {group_id}",
                f"学校 {school_id} 已是集团 {group_id} 的成员",
            )
            return "school_id", message, school_id
        return None


def _read_groups(
    table: _Table | None, schools: Mapping[str, School], school_ids: set[str] | None
) -> dict[str, Group]:
    if table is None:
        return {}
    collected, incomplete = _collect_groups(table, school_ids)
    groups: dict[str, Group] = {}
    for group_id, group in collected.items():
        if group_id not in incomplete and _check_group(table, group_id, group, schools):
            lead = group.leads[0] if group.leads else None
            groups[group_id] = Group(group_id, group.name, group.kind, tuple(group.school_ids), lead)
    return groups


def _collect_groups(table: _Table, school_ids: set[str] | None) -> tuple[dict[str, _GroupRows], set[str]]:
    """The groups by id from their membership rows, and the ids of groups with a bad row.

    A group with a bad row has no known membership, so its shape is not checked.
    """
    rows = zip(
        table.column("group_id", _to_text, _REQUIRED),
        table.column("group_name", _to_text, _REQUIRED),
        table.column("kind", _code_reader(GroupKind), _REQUIRED),
        table.references("school_id", school_ids, SCHOOLS, _REQUIRED),
        table.column("role", _code_reader(Role), _REQUIRED),
        strict=True,
    )
    collected: dict[str, _GroupRows] = {}
    incomplete: set[str] = set()
    for index, (group_id, name, kind, school_id, role) in enumerate(rows):
        if group_id is None:
            continue
        if index in table.failed or name is None or kind is None or school_id is None or role is None:
            incomplete.add(group_id)
            continue
        group = collected.setdefault(group_id, _GroupRows(index, name, kind))
        conflict = group.conflict(group_id, name, kind, school_id, table.numbers[group.first])
        if conflict is not None:
            table.problem(index, *conflict)
            incomplete.add(group_id)
            continue
        group.school_ids.append(school_id)
        if role is Role.LEAD:
            group.leads.append(school_id)
    return collected, incomplete


def _check_group(table: _Table, group_id: str, rows: _GroupRows, schools: Mapping[str, School]) -> bool:
    """The contract's shape rules for one group kind; False when one is broken (and reported)."""
    found: list[tuple[str, Text]] = []
    label = f"group {group_id} ({rows.kind.value} {rows.kind.zh})"
    label_zh = f"集团 {group_id}（{rows.kind.value} {rows.kind.zh}）"
    if len(rows.leads) > 1:
        leads, count = ", ".join(rows.leads), len(rows.leads)
        message = Text(
            f"{label} has {count} leads ({leads}); at most one",
            f"{label_zh}有 {count} 所牵头学校（{leads}）；最多一所",
        )
        found.append(("role", message))
    elif rows.kind in (GroupKind.TIGHT, GroupKind.RURAL) and not rows.leads:
        message = Text(
            f"{label} has no lead school; it needs exactly one", f"{label_zh}没有牵头学校；需要恰好一所"
        )
        found.append(("role", message))
    if rows.kind is GroupKind.HS_PAIR and len(rows.school_ids) != 2:
        count = len(rows.school_ids)
        message = Text(
            f"{label} has {count} schools; a pair has exactly two",
            f"{label_zh}有 {count} 所学校；结对须恰好两所",
        )
        found.append(("school_id", message))
    if rows.kind is GroupKind.ALLIANCE and all(s in schools for s in rows.school_ids):
        areas = {schools[s].area for s in rows.school_ids}
        if Area.URBAN not in areas or not areas & {Area.TOWN, Area.RURAL}:
            message = Text(
                f"{label} needs at least one urban and one town or rural school",
                f"{label_zh}至少需要一所城区学校和一所镇区或乡村学校",
            )
            found.append(("school_id", message))
    for key, message in found:
        table.problem(rows.first, key, message)
    return not found


def _l1_warnings(groups: Mapping[str, Group], schools: Mapping[str, School], params: Parameters) -> list[str]:
    """L1: oversized groups are reported, not solved around."""
    warnings: list[str] = []
    for group in groups.values():
        students = sum(schools[s].students for s in group.school_ids)
        if len(group.school_ids) > params.group_max_schools:
            warnings.append(
                f"L1: group {group.group_id} ({group.name}) has {len(group.school_ids)} schools, "
                f"more than group_max_schools = {params.group_max_schools}."
            )
        if students > params.group_max_students:
            warnings.append(
                f"L1: group {group.group_id} ({group.name}) has {students} students, "
                f"more than group_max_students = {params.group_max_students}."
            )
    return warnings


class _StaffRow(NamedTuple):
    """One row of the staff sheet, every cell converted (None where blank or bad)."""

    staff_id: str | None
    name: str | None
    id_number: IdNumber | None
    gender: Gender | None
    birth_date: date | None
    school_id: str | None
    home_school_id: str | None
    school_start_date: date | None
    post: Post | None
    post_start_date: date | None
    subject: str | None
    band: Band | None
    honor: Honor | None
    senior3: bool | None
    pregnant_or_nursing: bool | None
    child_birth_date: date | None
    medical_exemption: bool | None
    project_lead_approved: bool | None
    other_schools_3y: int | None
    rural_years: float | None
    exchange_start_date: date | None
    volunteer: bool | None
    override: Override | None
    pref_1: str | None
    pref_2: str | None
    pref_3: str | None


def _staff_rows(table: _Table, school_ids: set[str] | None) -> list[_StaffRow]:
    """Every row, with the checks that need no other cell of the row."""
    columns: dict[str, list[Any]] = {
        "staff_id": table.column("staff_id", _to_text, _REQUIRED),
        "name": table.column("name", _to_text, _REQUIRED),
        "id_number": table.column("id_number", _to_id_number),
        "gender": table.column("gender", _code_reader(Gender)),
        "birth_date": table.column("birth_date", _to_date),
        "school_id": table.references("school_id", school_ids, SCHOOLS, _REQUIRED),
        "home_school_id": table.references("home_school_id", school_ids, SCHOOLS),
        "school_start_date": table.column("school_start_date", _to_date, _REQUIRED),
        "post": table.column("post", _code_reader(Post), _REQUIRED),
        "post_start_date": table.column("post_start_date", _to_date),
        "subject": table.column("subject", _to_text),
        "band": table.column("band", _code_reader(Band)),
        "honor": table.column("honor", _code_reader(Honor)),
        "child_birth_date": table.column("child_birth_date", _to_date),
        "other_schools_3y": table.column("other_schools_3y", _to_count),
        "rural_years": table.column("rural_years", _to_years),
        "exchange_start_date": table.column("exchange_start_date", _to_date),
        "override": table.column("override", _code_reader(Override)),
    }
    for key in _STAFF_FLAGS:
        columns[key] = table.column(key, _to_bool)
    for key in _PREFERENCE_COLUMNS:
        columns[key] = table.column(key, _to_text)
    return [_StaffRow._make(values) for values in zip(*(columns[f] for f in _StaffRow._fields), strict=True)]


def _check_staff_columns(table: _Table | None, report: _Report) -> _Table | None:
    """Without id_number, gender and birth_date are required columns."""
    if table is None or "id_number" in table.positions:
        return table
    missing = [c for c in STAFF.columns if c.key in ("gender", "birth_date") and c.key not in table.positions]
    for column in missing:
        message = Text(
            f"required column is missing (head it {column.key} or {column.zh}, or give id_number)",
            f"缺少必需的列（表头写 {column.key} 或 {column.zh}，或提供 id_number）",
        )
        report.sheet_problem(table.title, message, column.key)
    return None if missing else table


@dataclass(frozen=True, slots=True)
class _StaffContext:
    """What building a staff member needs beyond its own row."""

    school_ids: set[str] | None
    effective_date: date | None
    history: Mapping[str, list[HistoryEntry]]
    report: _Report


def _read_staff(
    tables: Mapping[str, _Table | None],
    schools: Mapping[str, School],
    school_ids: set[str] | None,
    effective_date: date | None,
    report: _Report,
) -> tuple[dict[str, StaffMember], set[str] | None]:
    """The staff with their history by id, and every staff_id in the sheet (None when it cannot be read)."""
    table = _check_staff_columns(tables.get(STAFF.key), report)
    rows = [] if table is None else _staff_rows(table, school_ids)
    staff_ids = None if table is None else table.unique("staff_id", [row.staff_id for row in rows])
    first_rows: dict[str, _StaffRow] = {}
    for row in rows:
        if row.staff_id is not None:
            first_rows.setdefault(row.staff_id, row)
    history = _read_history(tables.get(HISTORY.key), first_rows, staff_ids, schools)
    context = _StaffContext(school_ids, effective_date, history, report)
    staff: dict[str, StaffMember] = {}
    for index, row in enumerate(rows):
        member = None if table is None else _staff_member(table, index, row, context)
        if member is not None:
            staff[member.staff_id] = member
    return staff, staff_ids


def _staff_member(table: _Table, index: int, row: _StaffRow, context: _StaffContext) -> StaffMember | None:
    """The row's checks that involve several cells, then the staff member when the row has no problem."""
    leader = row.post in _LEADER_POSTS
    if row.post is not None and not leader:
        table.require(index, "subject", row.subject, _REQUIRED)
        table.require(index, "band", row.band, _REQUIRED)
    if leader:
        table.require(index, "post_start_date", row.post_start_date, _LEADER_REQUIRED)
    home_school_id = row.home_school_id or row.school_id
    if row.school_id is not None and home_school_id != row.school_id:
        table.require(index, "exchange_start_date", row.exchange_start_date, _EXCHANGE_REQUIRED)
    gender, birth_date = _identity(table, index, row)
    if birth_date is not None:
        _check_life_dates(table, index, row, birth_date, context.effective_date)
    preferences = _preferences(table, index, row, context.school_ids, context.report)
    if index in table.failed or row.staff_id is None or row.name is None or row.post is None:
        return None
    if row.school_id is None or home_school_id is None or row.school_start_date is None:
        return None
    if gender is None or birth_date is None:
        return None
    return StaffMember(
        staff_id=row.staff_id,
        name=row.name,
        gender=gender,
        birth_date=birth_date,
        school_id=row.school_id,
        home_school_id=home_school_id,
        school_start_date=row.school_start_date,
        post=row.post,
        subject=row.subject,
        band=row.band,
        post_start_date=row.post_start_date,
        honor=row.honor or Honor.NONE,
        senior3=row.senior3 is True,
        pregnant_or_nursing=row.pregnant_or_nursing is True,
        child_birth_date=row.child_birth_date,
        medical_exemption=row.medical_exemption is True,
        project_lead_approved=row.project_lead_approved is True,
        other_schools_3y=row.other_schools_3y,
        rural_years=row.rural_years,
        history=tuple(context.history.get(row.staff_id, ())),
        exchange_start_date=row.exchange_start_date,
        volunteer=row.volunteer is True,
        override=row.override,
        preferences=preferences,
    )


def _identity(table: _Table, index: int, row: _StaffRow) -> tuple[Gender | None, date | None]:
    """Gender and birth date: from their cells, filled in from id_number and checked against it."""
    if row.id_number is not None:
        return (
            _agree(table, index, "gender", row.gender, row.id_number.gender, row.id_number),
            _agree(table, index, "birth_date", row.birth_date, row.id_number.birth_date, row.id_number),
        )
    if (row.gender is None or row.birth_date is None) and table.is_blank(index, "id_number"):
        table.require(index, "gender", row.gender, _IDENTITY_REQUIRED)
        table.require(index, "birth_date", row.birth_date, _IDENTITY_REQUIRED)
    return row.gender, row.birth_date


def _agree(table: _Table, index: int, key: str, given: A | None, derived: A, id_number: IdNumber) -> A | None:
    if given is None:
        return derived
    if given != derived:
        number = id_number.text
        message = Text(
            f"{_describe(given)} disagrees with id_number {number}, which gives {_describe(derived)}",
            f"{_describe_zh(given)} 与 id_number {number} 不符，该身份证号对应 {_describe_zh(derived)}",
        )
        table.problem(index, key, message)
    return given


def _describe(value: Gender | date) -> str:
    return f"{value.value} ({value.zh})" if isinstance(value, Gender) else value.isoformat()


def _describe_zh(value: Gender | date) -> str:
    return f"{value.value}（{value.zh}）" if isinstance(value, Gender) else value.isoformat()


def _check_life_dates(
    table: _Table, index: int, row: _StaffRow, birth_date: date, effective_date: date | None
) -> None:
    """A birth date after effective_date is refused, and so is a start date before the birth date."""
    if effective_date is not None and birth_date > effective_date:
        source = "birth_date" if row.birth_date is not None else "id_number"
        message = Text(
            f"the birth date {birth_date} is after effective_date {effective_date}",
            f"出生日期 {birth_date} 晚于 effective_date {effective_date}",
        )
        table.problem(index, source, message)
    starts = (
        ("school_start_date", row.school_start_date),
        ("post_start_date", row.post_start_date),
        ("exchange_start_date", row.exchange_start_date),
    )
    for key, start in starts:
        if start is not None and start < birth_date:
            message = Text(
                f"{key} {start} is before the birth date {birth_date}",
                f"{key} {start} 早于出生日期 {birth_date}",
            )
            table.problem(index, key, message)


def _preferences(
    table: _Table, index: int, row: _StaffRow, school_ids: set[str] | None, report: _Report
) -> tuple[str, ...]:
    """Preferred school ids, best first; an unknown school is a warning and is ignored."""
    if row.pref_1 is None and row.pref_2 is None and row.pref_3 is None:
        return ()
    chosen: list[str] = []
    for key, school_id in zip(_PREFERENCE_COLUMNS, (row.pref_1, row.pref_2, row.pref_3), strict=True):
        if school_id is None or school_id in chosen:
            continue
        if school_ids is not None and school_id not in school_ids:
            report.warnings.append(
                f"{table.title}, row {table.numbers[index]}, column {table.header(key)}: "
                f"preference {school_id!r} is not a school of the schools sheet and is ignored."
            )
            continue
        chosen.append(school_id)
    return tuple(chosen)


def _read_history(
    table: _Table | None,
    staff: Mapping[str, _StaffRow],
    staff_ids: set[str] | None,
    schools: Mapping[str, School],
) -> dict[str, list[HistoryEntry]]:
    """Past stints by staff_id, without the rows for the person's current school."""
    if table is None:
        return {}
    rows = zip(
        table.references("staff_id", staff_ids, STAFF, _REQUIRED),
        table.column("school_name", _to_text, _REQUIRED),
        table.column("area", _code_reader(Area)),
        table.column("start_date", _to_date, _REQUIRED),
        table.column("end_date", _to_date),
        strict=True,
    )
    history: dict[str, list[HistoryEntry]] = defaultdict(list)
    for index, (staff_id, school_name, area, start_date, end_date) in enumerate(rows):
        if index in table.failed or staff_id is None or school_name is None or start_date is None:
            continue
        member = staff.get(staff_id)
        if member is None or member.school_start_date is None or member.school_id is None:
            continue
        # A blank end means the person went straight from that school to the current one.
        end = end_date or member.school_start_date
        if end < start_date:
            why = "" if end_date else f" (a blank end_date runs to school_start_date {end})"
            why_zh = "" if end_date else f"（end_date 为空，即截至 school_start_date {end}）"
            message = Text(
                f"the stint ends before its start_date {start_date}{why}",
                f"该段经历的结束早于其 start_date {start_date}{why_zh}",
            )
            table.problem(index, "end_date", message, end_date)
        elif not _is_current_school(member.school_id, school_name, schools):
            history[staff_id].append(HistoryEntry(school_name, area, start_date, end))
    return history


def _is_current_school(school_id: str, school_name: str, schools: Mapping[str, School]) -> bool:
    current = schools.get(school_id)
    return current is not None and normalize_text(current.name) == normalize_text(school_name)


def _read_subject_minimums(table: _Table | None, school_ids: set[str] | None) -> tuple[SubjectMinimum, ...]:
    if table is None:
        return ()
    rows = zip(
        table.references("school_id", school_ids, SCHOOLS, _REQUIRED),
        table.column("subject", _to_text, _REQUIRED),
        table.column("band", _code_reader(Band)),
        table.column("min_teachers", _to_count, _REQUIRED),
        strict=True,
    )
    minimums: list[SubjectMinimum] = []
    seen: dict[tuple[str, str, Band | None], int] = {}
    for index, (school_id, subject, band, min_teachers) in enumerate(rows):
        if index in table.failed or school_id is None or subject is None or min_teachers is None:
            continue
        earlier = seen.setdefault((school_id, subject, band), index)
        if earlier != index:
            row = table.numbers[earlier]
            message = Text(
                f"a minimum for this school, subject and band is already on row {row}",
                f"该学校、学科和学段的最低人数已在第 {row} 行给出",
            )
            table.problem(index, "subject", message, subject)
        else:
            minimums.append(SubjectMinimum(school_id, subject, band, min_teachers))
    return tuple(minimums)


def _read_pins(
    table: _Table | None, staff_ids: set[str] | None, school_ids: set[str] | None
) -> tuple[Pin, ...]:
    if table is None:
        return ()
    rows = zip(
        table.references("staff_id", staff_ids, STAFF, _REQUIRED),
        table.references("to_school_id", school_ids, SCHOOLS, _REQUIRED),
        table.column("kind", _to_pin_kind, _REQUIRED),
        strict=True,
    )
    pins: list[Pin] = []
    pinned: dict[tuple[str, str], int] = {}
    musts: dict[str, int] = {}
    for index, (staff_id, to_school_id, kind) in enumerate(rows):
        if index in table.failed or staff_id is None or to_school_id is None or kind is None:
            continue
        earlier = pinned.setdefault((staff_id, to_school_id), index)
        if earlier != index:
            row = table.numbers[earlier]
            message = Text(f"this move is already pinned on row {row}", f"该调动已在第 {row} 行指定")
            table.problem(index, "to_school_id", message, to_school_id)
        elif kind is PinKind.MUST and musts.setdefault(staff_id, index) != index:
            row = table.numbers[musts[staff_id]]
            message = Text(
                f"a move of this person is already a must on row {row}",
                f"此人已在第 {row} 行有一项 must（必须）调动",
            )
            table.problem(index, "staff_id", message, staff_id)
        else:
            pins.append(Pin(staff_id, to_school_id, kind))
    return tuple(pins)


# --- Entry points --------------------------------------------------------------------------------------


def _all_problems(report: _Report, tables: Mapping[str, _Table | None]) -> list[Problem]:
    """The file's and sheets' shape problems first, then each sheet's in contract order, row by row."""
    found = list(report.problems)
    for sheet in INPUT_SHEETS:
        table = tables.get(sheet.key)
        if table is not None:
            found.extend(table.problems())
    return found


@contextmanager
def _gc_paused() -> Iterator[None]:
    # A large workbook makes about a million objects that hold no cycles; the collector's repeated
    # passes over them cost about a third of the time calamine takes to read the file.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_workbook(
    path: Path, resolve: Callable[[Mapping[str, object]], Parameters] = resolve_parameters
) -> LoadedWorkbook:
    """The roster and final parameters of the input workbook at ``path``, or WorkbookError with every problem.

    ``resolve`` turns the ``parameters`` sheet's key/value mapping into the final Parameters (the CLI
    adds the scenario file and ``--set`` flags); checks that depend on effective_date use its result.
    """
    data = _read_bytes(path)
    with _gc_paused():
        return _load(path, data, resolve)


def _load(path: Path, data: bytes, resolve: Callable[[Mapping[str, object]], Parameters]) -> LoadedWorkbook:
    report = _Report()
    tables = _read_tables(_open(path, data), path, report)
    params = _read_parameters(tables.get(PARAMETERS.key), resolve, report)
    effective_date = params.effective_date if params is not None else None
    schools, school_ids = _read_schools(tables.get(SCHOOLS.key))
    groups = _read_groups(tables.get(GROUPS.key), schools, school_ids)
    staff, staff_ids = _read_staff(tables, schools, school_ids, effective_date, report)
    minimums = _read_subject_minimums(tables.get(SUBJECT_MINIMUMS.key), school_ids)
    pins = _read_pins(tables.get(PINS.key), staff_ids, school_ids)
    problems = _all_problems(report, tables)
    if problems or params is None:
        raise WorkbookError(problems)
    warnings = (*report.warnings, *_l1_warnings(groups, schools, params))
    roster = Roster(
        schools=schools,
        groups=groups,
        staff=tuple(staff.values()),
        subject_minimums=minimums if SUBJECT_MINIMUMS.key in tables else None,
        pins=pins,
        warnings=warnings,
    )
    return LoadedWorkbook(roster, params, warnings, hashlib.sha256(data).hexdigest(), path)


def load_pins(path: Path, roster: Roster) -> tuple[Pin, ...]:
    """The pins of a separate pins workbook (a ``pins`` sheet), checked against ``roster``."""
    book = _open(path, _read_bytes(path))
    title = next((t for t in book.sheet_names if _SHEETS_BY_LABEL.get(normalize_text(t)) is PINS), None)
    if title is None:
        raise _refuse(
            path,
            Text(
                f"the workbook has no {PINS.key} ({PINS.zh}) sheet",
                f"工作簿中没有 {PINS.key}（{PINS.zh}）工作表",
            ),
        )
    report = _Report()
    table = _read_table(book, PINS, title, report)
    pins = _read_pins(table, set(roster.staff_by_id), set(roster.schools))
    problems = _all_problems(report, {PINS.key: table})
    if problems:
        raise WorkbookError(problems)
    return pins
