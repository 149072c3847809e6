"""Issue 13, "Done when": a fuzz test of the loader through ``rotation check``.

data/tiny.xlsx is read once into rows; each case applies a few seeded mutations (a cell of another
type, an Excel error, a huge or negative number, invisible or odd characters, a blank, a long text,
a far cell; a row or a sheet deleted, duplicated or renamed) and writes the workbook again. ``check``
runs in-process on it: it ends with exit 0 or 2, never a traceback, and never writes to the input.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path

import pytest
import xlsxwriter
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from rotation.cli.main import main

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.xlsx"
CASES = 300
SEED = 13
ERRORS = ("#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!")
ODD_VALUES: tuple[object, ...] = (
    "",
    "　",
    "\u200b",
    "000001\u200f",
    "\u202e1000",
    "０００００１",
    "e\u0301",
    "😀",
    "=1+1",
    "@SUM(A1)",
    "x" * 32_767,
    0,
    -1,
    1e300,
    -1e300,
    1e20,
    2.5,
    True,
    False,
    date(1899, 12, 31),
    date(2201, 1, 1),
    date(1, 1, 1),
    date(9999, 12, 31),
    datetime(2027, 9, 1, 12, 30),
    time(0, 0),
)
Rows = list[list[object]]
Book = dict[str, Rows]
Far = list[tuple[str, int, int]]  # a cell far from the table: sheet, row, column


def read_tiny() -> Book:
    book = CalamineWorkbook.from_path(str(TINY))
    return {
        title: book.get_sheet_by_name(title).to_python(skip_empty_area=False) for title in book.sheet_names
    }


def write(book: Book, path: Path, far: Far | None = None) -> None:
    with xlsxwriter.Workbook(str(path), {"in_memory": True, "strings_to_numbers": False}) as workbook:
        dated = workbook.add_format({"num_format": "yyyy-mm-dd"})
        timed = workbook.add_format({"num_format": "hh:mm"})
        for title, rows in book.items():
            sheet = workbook.add_worksheet(title)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    _write_cell(sheet, r, c, value, dated, timed)
            for _, row, column in (cell for cell in far or () if cell[0] == title):
                sheet.write_string(row, column, "far")


def _write_cell(sheet: object, r: int, c: int, value: object, dated: object, timed: object) -> None:
    write_any: Callable[..., object]
    if isinstance(value, str) and value == "":
        return
    if isinstance(value, str) and value in ERRORS:
        sheet.write_formula(r, c, "=NA()", None, value)  # type: ignore[attr-defined]
    elif isinstance(value, str):
        sheet.write_string(r, c, value)  # type: ignore[attr-defined]
    elif isinstance(value, bool):
        sheet.write_boolean(r, c, value)  # type: ignore[attr-defined]
    elif isinstance(value, int | float):
        sheet.write_number(r, c, value)  # type: ignore[attr-defined]
    elif isinstance(value, time):
        write_any = sheet.write_datetime  # type: ignore[attr-defined]
        write_any(r, c, value, timed)
    elif isinstance(value, date) and value.year >= 1900:
        write_any = sheet.write_datetime  # type: ignore[attr-defined]
        write_any(r, c, value, dated)
    else:  # a date Excel cannot hold: written as the text a planner would type
        sheet.write_string(r, c, value.isoformat() if isinstance(value, date) else str(value))  # type: ignore[attr-defined]


def mutate(book: Book, far: Far, rng: random.Random) -> str:
    """Apply one random mutation to ``book`` (a far cell goes to ``far``); what it did, to report."""
    titles = list(book)
    title = rng.choice(titles)
    rows = book[title]
    kind = rng.choice(("cell", "cell", "cell", "error", "delete_row", "copy_row", "sheet", "far", "header"))
    if kind in ("cell", "error") and rows and rows[0]:
        r = rng.randrange(len(rows))
        c = rng.randrange(len(rows[r]) or 1)
        value = rng.choice(ERRORS) if kind == "error" else rng.choice(ODD_VALUES)
        while len(rows[r]) <= c:
            rows[r].append("")
        rows[r][c] = value
        return f"{title}!R{r + 1}C{c + 1} = {str(value)[:20]!r}"
    if kind == "delete_row" and len(rows) > 1:
        del rows[rng.randrange(len(rows))]
        return f"{title}: a row deleted"
    if kind == "copy_row" and len(rows) > 1:
        r = rng.randrange(1, len(rows))
        rows.insert(rng.randrange(1, len(rows) + 1), list(rows[r]))
        return f"{title}: row {r + 1} duplicated"
    if kind == "sheet":
        action = rng.choice(("delete", "copy", "rename"))
        if action == "delete" and len(book) > 1:
            del book[title]
        elif action == "copy":
            book[f"{title}{rng.choice(('', ' ', '(2)', 'copy'))}x"[:31]] = [list(row) for row in rows]
        else:
            book[rng.choice(("staff", "Staff ", "学校 ", "parameters", "其他"))] = book.pop(title)
        return f"{title}: sheet {action}"
    if kind == "far":
        row, column = rng.choice(((200_001, 0), (5, 300), (1_048_575, 16_383), (150_000, 1)))
        far.append((title, row, column))
        return f"{title}: a cell at row {row + 1}, column {column + 1}"
    if rows and rows[0]:
        c = rng.randrange(len(rows[0]))
        rows[0][c] = rng.choice(("", "工号", "\u200b姓名", "staff_id", "x" * 300))
        return f"{title}: header {c + 1} changed"
    return "nothing"


def test_issue13_check_survives_a_few_hundred_mutations_of_tiny(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    tiny = read_tiny()
    runner = CliRunner()
    path = tmp_path / "fuzzed.xlsx"
    codes: set[int] = set()
    for case in range(CASES):
        book = {title: [list(row) for row in rows] for title, rows in tiny.items()}
        far: Far = []
        done = [mutate(book, far, rng) for _ in range(rng.randint(1, 3))]
        write(book, path, far)
        before = hashlib.sha256(path.read_bytes()).hexdigest()
        result = runner.invoke(main, ["check", str(path), "--lang", "en"])
        what = f"case {case}: {done}\n{result.output[-1500:]}"
        crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
        assert not crashed, f"{what}\n{result.exception!r}"
        assert result.exit_code in (0, 2), what
        assert "Traceback" not in result.output, what
        assert hashlib.sha256(path.read_bytes()).hexdigest() == before, what
        codes.add(result.exit_code)
    assert codes == {0, 2}  # the mutations both pass and fail the contract


@pytest.mark.parametrize("value", ERRORS)
def test_the_fuzzers_error_cells_are_error_cells(tmp_path: Path, value: str) -> None:
    """The fuzz test's own writer puts a real error cell down, which the loader then refuses."""
    book = read_tiny()
    book["教职工"][1][14] = value  # 孕期哺乳期
    path = tmp_path / "error.xlsx"
    write(book, path)
    result = CliRunner().invoke(main, ["check", str(path), "--lang", "en"])
    assert result.exit_code == 2
    assert "column 孕期哺乳期: shows an Excel error instead of a value; type the value in" in result.output
