"""Cells: one converter per column type of the contract, shared by every reader of a workbook.

Each converter returns None for a blank cell and raises CellError, carrying the bilingual sentence,
for a cell that cannot be read as its type (workbook-format.md: booleans, dates, codes).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar

from rotation.codes import Coded, normalize_text
from rotation.dates import parse_date_text
from rotation.domain import PinKind
from rotation.idnumber import IdNumber, IdNumberError, parse_id_number
from rotation.parameters import EARLIEST_DATE, LATEST_DATE, MAX_YEARS
from rotation.text import Text


@dataclass(frozen=True, slots=True)
class ExcelError:
    """A cell showing an Excel error (#N/A, #REF!, …), which calamine hands over as an empty string.

    The loader puts it back (rotation.workbook.scan finds them), so that it is refused in whatever
    column it stands, never read as a blank: a blank exemption flag means "no".
    """

    code: str

    def __str__(self) -> str:
        return self.code


# Said of a cell showing an Excel error, whose code is then shown as what was found.
EXCEL_ERROR = Text(
    "shows an Excel error instead of a value; type the value in (an error is not read as blank)",
    "显示 Excel 错误值，而不是一个值；请填入正确的值（错误值不会当作空白）",
)


Cell = int | float | str | bool | date | time | timedelta | ExcelError
C = TypeVar("C", bound=Coded)
# Characters that show nothing: zero-width spaces and joiners, direction marks and embeddings, the
# byte order mark, invisible operators and tags, soft hyphens, and the Hangul fillers that render
# blank. Two ids or names that differ only by them look the same to a planner.
_INVISIBLE = dict.fromkeys(
    [
        0x00AD,
        0x061C,
        0x115F,
        0x1160,
        0x180E,
        *range(0x200B, 0x2010),
        *range(0x202A, 0x202F),
        *range(0x2060, 0x2065),
        *range(0x2066, 0x2070),
        0x3164,
        0xFEFF,
        0xFFA0,
        *range(0xFFF9, 0xFFFC),
        0xE0001,
        *range(0xE0020, 0xE0080),
    ]
)

_BOOLEANS: dict[str, bool] = {
    **dict.fromkeys(("yes", "y", "true", "1", "是", "√"), True),
    **dict.fromkeys(("no", "n", "false", "0", "否"), False),
}
_PIN_KINDS: dict[str, PinKind] = {
    "must": PinKind.MUST,
    "必须": PinKind.MUST,
    "never": PinKind.NEVER,
    "禁止": PinKind.NEVER,
    "stay": PinKind.STAY,
    "留任": PinKind.STAY,
}


class CellError(ValueError):
    """A cell that cannot be read as its column's type; ``text`` says how it is wrong, and
    ``show_found`` whether the cell's value helps to see it (not when calamine's reading of it would
    mislead)."""

    def __init__(self, text: Text, *, show_found: bool = True) -> None:
        super().__init__(text.en)
        self.text = text
        self.show_found = show_found


_NOT_TEXT = Text("not text", "不是文本")
_NOT_A_DATE = Text("not a date", "不是日期")
_NOT_WHOLE = Text("not a whole number", "不是整数")
_NOT_A_NUMBER = Text("not a number", "不是数字")


def is_blank_cell(cell: Cell) -> bool:
    return cell == "" or (type(cell) is str and not cell.strip())


def clean_text(text: str) -> str:
    """``text`` as it reads: NFKC (full-width ０１ is 01), invisible characters removed, trimmed."""
    if text.isascii():
        return text.strip()
    return unicodedata.normalize("NFKC", text).translate(_INVISIBLE).strip()


def to_text(cell: Cell) -> str | None:
    if type(cell) is str:
        text = clean_text(cell)
        if text or not cell.strip():
            return text or None
        raise CellError(
            Text(
                "holds only invisible characters (zero-width spaces or direction marks); "
                "clear the cell or type the text",
                "只含不可见字符（零宽空格或文字方向标记）；请清空该单元格或填入文字",
            )
        )
    if type(cell) is float:
        # An id typed into a number cell comes back as 123.0 and means "123".
        return str(int(cell)) if cell.is_integer() else str(cell)
    if type(cell) is int:
        return str(cell)
    raise CellError(_NOT_TEXT)


def to_date(cell: Cell) -> date | None:
    if type(cell) is date:
        return _dated(cell)
    if type(cell) is datetime:
        return _dated(cell.date())
    if type(cell) is time:
        # calamine reads a date cell holding 0 or a negative serial (Excel shows ####) as 00:00:00.
        raise CellError(
            Text(
                "a date cell holding a time of day, or zero or a negative number (Excel shows ####), "
                "not a date",
                "日期单元格中是一天中的时间，或是零或负数（Excel 显示为 ####），不是日期",
            ),
            show_found=False,
        )
    if type(cell) is str:
        if not cell.strip():
            return None
        parsed = parse_date_text(cell)
        if parsed is not None:
            return _dated(parsed)
        raise CellError(
            Text(
                "not a date (write 2019-09-01, 2019/9/1, 2019.09.01, 2019年9月1日 or an Excel date)",
                "不是日期（请写 2019-09-01、2019/9/1、2019.09.01、2019年9月1日 或 Excel 日期）",
            )
        )
    if type(cell) is int or type(cell) is float:
        raise CellError(
            Text(
                "a bare number is not a date (enter an Excel date or text like 2019-09-01)",
                "单独的数字不是日期（请输入 Excel 日期或 2019-09-01 这样的文本）",
            )
        )
    raise CellError(_NOT_A_DATE)


def _dated(day: date) -> date:
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        first, last = EARLIEST_DATE.isoformat(), LATEST_DATE.isoformat()
        raise CellError(Text(f"outside {first} to {last}", f"不在 {first} 至 {last} 之间"))
    return day


def to_count(cell: Cell) -> int | None:
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
            raise CellError(_NOT_WHOLE) from None
    else:
        raise CellError(_NOT_WHOLE)
    if not float(number).is_integer():
        raise CellError(_NOT_WHOLE)
    if number < 0:
        raise CellError(Text("negative, but a count cannot be", "为负数，但计数不能为负"))
    return int(number)


def to_number(cell: Cell) -> float | None:
    if type(cell) is int or type(cell) is float:
        return float(cell)
    if type(cell) is str:
        if not cell.strip():
            return None
        try:
            number = float(cell)
        except ValueError:
            raise CellError(_NOT_A_NUMBER) from None
        if math.isfinite(number):
            return number
    raise CellError(_NOT_A_NUMBER)


def count_reader(high: int) -> Callable[[Cell], int | None]:
    """A converter to a count of at most ``high``: a typo of 1e300 is refused, not planned with."""

    def read(cell: Cell) -> int | None:
        count = to_count(cell)
        if count is not None and count > high:
            raise CellError(Text(f"must lie between 0 and {high:,}", f"必须在 0 到 {high} 之间"))
        return count

    return read


def to_years(cell: Cell) -> float | None:
    years = to_number(cell)
    if years is not None and years < 0:
        raise CellError(Text("negative, but a number of years cannot be", "为负数，但年数不能为负"))
    if years is not None and years > MAX_YEARS:
        raise CellError(Text(f"must lie between 0 and {MAX_YEARS}", f"必须在 0 到 {MAX_YEARS} 之间"))
    return years


def _within(value: float | None, limit: float) -> float | None:
    if value is not None and abs(value) > limit:
        raise CellError(Text(f"outside -{limit}..{limit}", f"超出 -{limit}..{limit} 的范围"))
    return value


def to_latitude(cell: Cell) -> float | None:
    return _within(to_number(cell), 90)


def to_longitude(cell: Cell) -> float | None:
    return _within(to_number(cell), 180)


def to_bool(cell: Cell) -> bool | None:
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
    raise CellError(
        Text(
            "not a yes/no value (write yes/no, y/n, true/false, 1/0, 是/否, or √ and blank)",
            "不是“是/否”值（请写 yes/no、y/n、true/false、1/0、是/否，或 √ 与空白）",
        )
    )


def code_reader(codes: type[C]) -> Callable[[Cell], C | None]:
    """A converter to a member of ``codes``, named in either language."""

    def read(cell: Cell) -> C | None:
        text = to_text(cell)
        if text is None:
            return None
        member = codes.parse(text)
        if member is None:
            allowed = codes.choices()
            raise CellError(Text(f"unknown code (allowed: {allowed})", f"未知代码（可用：{allowed}）"))
        return member

    return read


def to_id_number(cell: Cell) -> IdNumber | None:
    if type(cell) is int or type(cell) is float:
        raise CellError(
            Text(
                "stored as a number, which keeps only 15 digits; format the column as text",
                "以数字存储，只能保留 15 位有效数字；请将该列设置为文本格式",
            )
        )
    text = to_text(cell)
    if text is None:
        return None
    try:
        return parse_id_number(text)
    except IdNumberError as error:
        raise CellError(error.text) from None


def to_pin_kind(cell: Cell) -> PinKind | None:
    text = to_text(cell)
    if text is None:
        return None
    kind = _PIN_KINDS.get(normalize_text(text))
    if kind is None:
        raise CellError(
            Text(
                "unknown pin kind (allowed: must 必须, never 禁止, stay 留任)",
                "未知的指定类型（可用：must 必须、never 禁止、stay 留任）",
            )
        )
    return kind
