"""Read an exported plan workbook (Chinese or English sheet names, headers and codes) into typed rows.

The single reader behind ``rotation notices``, ``rotation report`` and the dashboard: they
work from the plan file a planner has (and may have reviewed), not from a fresh solve.
Every problem of the file is collected and raised at once as PlanReadError.
"""

from __future__ import annotations

import zipfile
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar, cast

from openpyxl import load_workbook as open_xlsx
from openpyxl.utils.exceptions import InvalidFileException

from reports.labels import parse_part, parse_status
from rotation.codes import Band, Honor, HostPost, Post, Status, normalize_text
from rotation.figures import exemption_counts, is_return
from rotation.text import Text
from rotation.workbook.cells import Cell, CellError, code_reader, to_bool, to_date, to_number, to_text
from rotation.workbook.schema import (
    OUT_ASSIGNMENTS,
    OUT_ELIGIBILITY,
    OUT_OBLIGATIONS,
    OUT_RUN,
    OUT_SCHOOLS,
    OUT_UNMOVED_DUE,
    OUT_WALKING,
    Sheet,
)

T = TypeVar("T")

_READ_POST = code_reader(Post)
_READ_BAND = code_reader(Band)
_READ_HONOR = code_reader(Honor)
_READ_HOST_POST = code_reader(HostPost)
_READ_STATUS = code_reader(Status)


class PlanReadError(ValueError):
    """An unreadable plan workbook: a sentence per problem, ``texts`` bilingual, ``problems`` English."""

    def __init__(self, texts: list[Text]) -> None:
        self.texts = texts
        self.problems = [text.en for text in texts]
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True, slots=True)
class Assignment:
    staff_id: str
    name: str
    from_school_id: str
    to_school_id: str
    post: Post | None
    subject: str
    band: Band | None
    honor: Honor | None
    rule: str
    group_id: str
    effective_date: date | None
    earliest_return_date: date | None
    host_post: HostPost | None  # P2: the post served at the host; None on an S2 return

    @property
    def is_return(self) -> bool:
        """An S2 row takes a person home at the end of a stint; it is not a new move."""
        return is_return(self.rule)


@dataclass(frozen=True, slots=True)
class EligibilityRow:
    staff_id: str
    name: str
    school_id: str
    status: Status | None
    reasons: tuple[str, ...]
    tenure_years: float | None
    age: float | None


@dataclass(frozen=True, slots=True)
class ObligationRow:
    rule: str
    group_id: str
    school_id: str
    part: str
    required: float
    achieved: float
    met: bool


@dataclass(frozen=True, slots=True)
class UnmovedRow:
    staff_id: str
    name: str
    school_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class SchoolRow:
    school_id: str
    headcount_before: int
    out: int
    into: int  # the contract's ``in`` column; ``in`` is a Python keyword
    headcount_after: int
    key_before: int
    key_after: int

    @property
    def key_share_before(self) -> float:
        return self.key_before / self.headcount_before if self.headcount_before else 0.0

    @property
    def key_share_after(self) -> float:
        return self.key_after / self.headcount_after if self.headcount_after else 0.0


@dataclass(frozen=True, slots=True)
class WalkRow:
    staff_id: str
    name: str
    home_school_id: str
    school_id: str
    subject: str


@dataclass(frozen=True, slots=True)
class PlanData:
    """Every sheet of one plan workbook. ``run`` holds the first value of each key; warnings apart."""

    path: Path
    lang: str
    assignments: tuple[Assignment, ...]
    eligibility: tuple[EligibilityRow, ...]
    obligations: tuple[ObligationRow, ...]
    unmoved: tuple[UnmovedRow, ...]
    schools: tuple[SchoolRow, ...]
    walks: tuple[WalkRow, ...]
    run: Mapping[str, object]
    warnings: tuple[str, ...] = field(default=())

    @property
    def moves(self) -> tuple[Assignment, ...]:
        """New moves, without S2 returns."""
        return tuple(a for a in self.assignments if not a.is_return)

    @property
    def due_ids(self) -> frozenset[str]:
        return frozenset(e.staff_id for e in self.eligibility if e.status is Status.DUE)

    @property
    def due_moved(self) -> int:
        return len(self.due_ids & {a.staff_id for a in self.moves})

    @property
    def obligations_met(self) -> int:
        return sum(1 for o in self.obligations if o.met)

    @property
    def status(self) -> str:
        """The run's status key (``optimal``), whichever language the plan was written in."""
        return parse_status(_text(self.run.get("status")))

    @property
    def gap(self) -> float | None:
        value = self.run.get("gap")
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None

    @property
    def effective_date(self) -> date | None:
        value = self.run.get("effective_date")
        if isinstance(value, datetime):
            return value.date()
        return value if isinstance(value, date) else None

    def due_by_school(self) -> Counter[str]:
        return Counter(e.school_id for e in self.eligibility if e.status is Status.DUE)

    def moved_by_school(self) -> Counter[str]:
        """New moves out of each school."""
        return Counter(a.from_school_id for a in self.moves)

    def exemptions_by_reason(self) -> Counter[str]:
        """Exempt people per reason, counted as ``check`` counts them: a row with E4 or E5 is one E*."""
        return exemption_counts(self.eligibility)

    def school_ids(self) -> list[str]:
        """Schools in the order of the ``schools`` sheet, then any other school a row names."""
        seen = dict.fromkeys(s.school_id for s in self.schools)
        for a in self.assignments:
            seen.setdefault(a.from_school_id)
            seen.setdefault(a.to_school_id)
        return list(seen)


def read_plan_workbook(path: Path) -> PlanData:
    """The plan workbook at ``path``; PlanReadError with every problem when it cannot be read."""
    return plan_from_sheets(path, read_sheets(path))


def read_sheets(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every sheet's rows of the workbook at ``path``, by title; PlanReadError when it cannot be read."""
    try:
        book = open_xlsx(path, read_only=True, data_only=True)
    except FileNotFoundError as error:
        raise PlanReadError([Text(f"{path}: no such file", f"{path}：文件不存在")]) from error
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError) as error:
        sentence = Text(
            f"{path}: not a readable .xlsx plan workbook ({error})",
            f"{path}：不是可读取的 .xlsx 方案工作簿（{error}）",
        )
        raise PlanReadError([sentence]) from error
    try:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}
    finally:
        book.close()


def plan_from_sheets(path: Path, sheets: Mapping[str, Sequence[Sequence[object]]]) -> PlanData:
    """A plan from its sheets' rows (header first), by sheet title; PlanReadError naming ``path``.

    The plan export passes the rows it is about to write, so the dashboard needs no read-back.
    """
    problems: list[Text] = []
    lang = "en" if any(normalize_text(title) == OUT_ASSIGNMENTS.key for title in sheets) else "zh"
    assignments = tuple(_assignment(row, problems) for row in _table(sheets, OUT_ASSIGNMENTS, problems))
    eligibility = tuple(_eligibility(row, problems) for row in _table(sheets, OUT_ELIGIBILITY, problems))
    obligations = tuple(_obligation(row, problems) for row in _table(sheets, OUT_OBLIGATIONS, problems))
    unmoved = tuple(
        UnmovedRow(row.text("staff_id"), row.text("name"), row.text("school_id"), row.text("reason"))
        for row in _table(sheets, OUT_UNMOVED_DUE, problems)
    )
    schools = tuple(_school(row, problems) for row in _table(sheets, OUT_SCHOOLS, problems))
    walks = tuple(
        WalkRow(
            row.text("staff_id"),
            row.text("name"),
            row.text("home_school_id"),
            row.text("school_id"),
            row.text("subject"),
        )
        for row in _table(sheets, OUT_WALKING, problems)
    )
    run: dict[str, object] = {}
    warnings: list[str] = []
    for row in _table(sheets, OUT_RUN, problems):
        key = row.text("key")
        if key == "warning":
            warnings.append(row.text("value"))
        elif key:
            run.setdefault(key, row.cells.get("value"))
    if problems:
        raise PlanReadError([Text(f"{path}: {p.en}", f"{path}：{p.zh}") for p in problems])
    return PlanData(
        path, lang, assignments, eligibility, obligations, unmoved, schools, walks, run, tuple(warnings)
    )


# --------------------------------------------------------------------------- cells


@dataclass(frozen=True, slots=True)
class _Row:
    """One data row of a plan sheet: its cells by column key, and where it is, as Excel shows it."""

    cells: dict[str, object]
    label: str
    number: int

    def text(self, key: str) -> str:
        return _text(self.cells.get(key))

    def read(self, key: str, convert: Callable[[Cell], T | None], problems: list[Text]) -> T | None:
        """The cell read by the input's converter for its type; a cell it refuses is a problem."""
        cell = self.cells.get(key)
        if cell is None:
            return None
        try:
            return convert(cast(Cell, cell))
        except CellError as error:
            problems.append(
                Text(
                    f"{self.label}, row {self.number}, {key}: {error.text.en} (found: {cell!r})",
                    f"{self.label}，第 {self.number} 行，{key}：{error.text.zh}（发现：{cell!r}）",
                )
            )
            return None

    def count(self, key: str, problems: list[Text]) -> int:
        value = self.read(key, to_number, problems)
        return 0 if value is None else int(value)


def _table(
    sheets: Mapping[str, Sequence[Sequence[object]]], sheet: Sheet, problems: list[Text]
) -> list[_Row]:
    """The non-blank rows of ``sheet``."""
    names = {normalize_text(sheet.key), normalize_text(sheet.zh)}
    found = [rows for title, rows in sheets.items() if normalize_text(title) in names]
    label = f"{sheet.key} ({sheet.zh})"
    if not found:
        problems.append(Text(f"{label}: sheet missing", f"{label}：缺少该工作表"))
        return []
    rows = found[0]
    header = _header(rows, sheet)
    if header is None:
        problems.append(Text(f"{label}: no header row", f"{label}：找不到表头行"))
        return []
    index, keys = header
    missing = [c.key for c in sheet.columns if c.key not in keys]
    if missing:
        problems.append(
            Text(f"{label}: columns missing: {', '.join(missing)}", f"{label}：缺少列：{'、'.join(missing)}")
        )
        return []
    table: list[_Row] = []
    for number, cells in enumerate(rows[index + 1 :], start=index + 2):
        if all(cell is None or str(cell).strip() == "" for cell in cells):
            continue
        record = {key: cell for key, cell in zip(keys, cells, strict=False) if key is not None}
        table.append(_Row(record, label, number))
    return table


def _header(rows: Sequence[Sequence[object]], sheet: Sheet) -> tuple[int, list[str | None]] | None:
    """As for the input: the first row naming at least half of the columns, and each cell's column key."""
    by_header = {normalize_text(c.key): c.key for c in sheet.columns}
    by_header.update({normalize_text(c.zh): c.key for c in sheet.columns})
    for index, cells in enumerate(rows):
        keys = [by_header.get(normalize_text(str(cell))) if cell is not None else None for cell in cells]
        if sum(k is not None for k in keys) * 2 >= len(sheet.columns):
            return index, keys
    return None


def _text(cell: object) -> str:
    if cell is None:
        return ""
    try:
        text = to_text(cast(Cell, cell))
    except CellError:
        # A run sheet's value may be a flag or a date: shown as written.
        return str(cell).strip()
    return "" if text is None else text.replace("\u3000", " ")


def _flag(cell: object) -> bool:
    """A yes/no cell; anything but a yes reads as no (an exported ``met`` column is not refused)."""
    try:
        return to_bool(cast(Cell, cell)) is True
    except CellError:
        return False


def _assignment(row: _Row, problems: list[Text]) -> Assignment:
    return Assignment(
        staff_id=row.text("staff_id"),
        name=row.text("name"),
        from_school_id=row.text("from_school_id"),
        to_school_id=row.text("to_school_id"),
        post=row.read("post", _READ_POST, problems),
        subject=row.text("subject"),
        band=row.read("band", _READ_BAND, problems),
        honor=row.read("honor", _READ_HONOR, problems),
        rule=row.text("rule"),
        group_id=row.text("group_id"),
        effective_date=row.read("effective_date", to_date, problems),
        earliest_return_date=row.read("earliest_return_date", to_date, problems),
        host_post=row.read("host_post", _READ_HOST_POST, problems),
    )


def _eligibility(row: _Row, problems: list[Text]) -> EligibilityRow:
    reasons = tuple(r.strip().upper() for r in row.text("reasons").split(";") if r.strip())
    return EligibilityRow(
        staff_id=row.text("staff_id"),
        name=row.text("name"),
        school_id=row.text("school_id"),
        status=row.read("status", _READ_STATUS, problems),
        reasons=reasons,
        tenure_years=row.read("tenure_years", to_number, problems),
        age=row.read("age", to_number, problems),
    )


def _obligation(row: _Row, problems: list[Text]) -> ObligationRow:
    return ObligationRow(
        rule=row.text("rule"),
        group_id=row.text("group_id"),
        school_id=row.text("school_id"),
        part=parse_part(row.text("part")),
        required=row.read("required", to_number, problems) or 0.0,
        achieved=row.read("achieved", to_number, problems) or 0.0,
        met=_flag(row.cells.get("met")),
    )


def _school(row: _Row, problems: list[Text]) -> SchoolRow:
    return SchoolRow(
        school_id=row.text("school_id"),
        headcount_before=row.count("headcount_before", problems),
        out=row.count("out", problems),
        into=row.count("in", problems),
        headcount_after=row.count("headcount_after", problems),
        key_before=row.count("key_before", problems),
        key_after=row.count("key_after", problems),
    )
