"""Write small test workbooks from lists of rows (openpyxl), for the loader's tests."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import openpyxl

from rotation.text import Text
from rotation.workbook.loader import Problem

Rows = Sequence[Sequence[object]]


def write_workbook(path: Path, sheets: Mapping[str, Rows]) -> Path:
    """An .xlsx file at ``path`` with one sheet per entry, in order; None is a blank cell."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path


_CJK = re.compile(r"[\u3400-\u9fff]")


def untranslated(problems: Iterable[Problem]) -> list[Problem]:
    """The problems whose Chinese sentence is missing, or is the English one, or has no Chinese in it."""
    return [
        problem
        for problem in problems
        if not problem.message_zh
        or problem.message_zh == problem.message
        or not _CJK.search(problem.message_zh)
        or not _CJK.search(problem.text("zh"))
    ]


def english(texts: Iterable[Text]) -> tuple[str, ...]:
    """The English of each sentence, to compare with the sentences a test expects."""
    return tuple(text.en for text in texts)
