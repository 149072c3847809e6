"""What is wrong with an input workbook: each problem located as Excel shows it, and the refusal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from rotation.text import Text, shorten


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


def _show(found: object) -> str:
    if isinstance(found, str):
        return shorten(repr(found))
    if isinstance(found, date):
        return found.isoformat()
    if isinstance(found, float) and found.is_integer() and abs(found) < 1e15:
        return str(int(found))
    return shorten(str(found))
