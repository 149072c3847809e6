"""Write small test workbooks from lists of rows (openpyxl), for the loader's tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import openpyxl

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
