"""Read an exported plan workbook (Chinese or English sheet names, headers and codes) into typed rows.

The single reader behind ``rotation notices``, ``rotation report`` and the dashboard: they
work from the plan file a planner has (and may have reviewed), not from a fresh solve.
Every problem of the file is collected and raised at once as PlanReadError.
"""

from __future__ import annotations

import zipfile
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

from openpyxl import load_workbook as open_xlsx
from openpyxl.utils.exceptions import InvalidFileException

from rotation.codes import Band, Coded, Honor, Post, Status, normalize_text
from rotation.dates import parse_date_text
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

C = TypeVar("C", bound=Coded)

RETURN_RULE = "S2"
# E4 and E5 (maternity, medical) are never shown one by one in the reports, whatever the plan holds.
SENSITIVE_REASONS: frozenset[str] = frozenset({"E4", "E5"})
MASKED_REASON = "E*"
_YES = {"是", "yes", "y", "true", "1", "√"}


class PlanReadError(ValueError):
    """A plan workbook that cannot be read; ``problems`` holds one sentence per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


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

    @property
    def rule_ids(self) -> frozenset[str]:
        return frozenset(part.strip().upper() for part in self.rule.split(";") if part.strip())

    @property
    def is_return(self) -> bool:
        """An S2 row takes a person home at the end of a stint; it is not a new move."""
        return RETURN_RULE in self.rule_ids


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
        return _text(self.run.get("status"))

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
        """Exempt people per reason ID; E4 and E5 fold into E* (a person counted once there)."""
        counts: Counter[str] = Counter()
        for row in self.eligibility:
            if row.status is not Status.EXEMPT:
                continue
            shown = {MASKED_REASON if r in SENSITIVE_REASONS else r for r in row.reasons}
            counts.update(shown or {"?"})
        return counts

    def school_ids(self) -> list[str]:
        """Schools in the order of the ``schools`` sheet, then any other school a row names."""
        seen = dict.fromkeys(s.school_id for s in self.schools)
        for a in self.assignments:
            seen.setdefault(a.from_school_id)
            seen.setdefault(a.to_school_id)
        return list(seen)


def read_plan_workbook(path: Path) -> PlanData:
    """The plan workbook at ``path``; PlanReadError with every problem when it cannot be read."""
    try:
        book = open_xlsx(path, read_only=True, data_only=True)
    except FileNotFoundError as error:
        raise PlanReadError([f"{path}: no such file"]) from error
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError) as error:
        raise PlanReadError([f"{path}: not a readable .xlsx plan workbook ({error})"]) from error
    try:
        sheets = {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}
    finally:
        book.close()
    return plan_from_sheets(path, sheets)


def plan_from_sheets(path: Path, sheets: Mapping[str, Sequence[Sequence[object]]]) -> PlanData:
    """A plan from its sheets' rows (header first), by sheet title; PlanReadError naming ``path``.

    The plan export passes the rows it is about to write, so the dashboard needs no read-back.
    """
    problems: list[str] = []
    lang = "en" if any(normalize_text(title) == OUT_ASSIGNMENTS.key for title in sheets) else "zh"
    assignments = tuple(_assignment(c, w, problems) for c, w in _table(sheets, OUT_ASSIGNMENTS, problems))
    eligibility = tuple(_eligibility(c, w, problems) for c, w in _table(sheets, OUT_ELIGIBILITY, problems))
    obligations = tuple(_obligation(c, w, problems) for c, w in _table(sheets, OUT_OBLIGATIONS, problems))
    unmoved = tuple(
        UnmovedRow(
            _text(c.get("staff_id")),
            _text(c.get("name")),
            _text(c.get("school_id")),
            _text(c.get("reason")),
        )
        for c, _ in _table(sheets, OUT_UNMOVED_DUE, problems)
    )
    schools = tuple(_school(c, w, problems) for c, w in _table(sheets, OUT_SCHOOLS, problems))
    walks = tuple(
        WalkRow(
            _text(c.get("staff_id")),
            _text(c.get("name")),
            _text(c.get("home_school_id")),
            _text(c.get("school_id")),
            _text(c.get("subject")),
        )
        for c, _ in _table(sheets, OUT_WALKING, problems)
    )
    run: dict[str, object] = {}
    warnings: list[str] = []
    for cells, _ in _table(sheets, OUT_RUN, problems):
        key = _text(cells.get("key"))
        if key == "warning":
            warnings.append(_text(cells.get("value")))
        elif key:
            run.setdefault(key, cells.get("value"))
    if problems:
        raise PlanReadError([f"{path}: {problem}" for problem in problems])
    return PlanData(
        path, lang, assignments, eligibility, obligations, unmoved, schools, walks, run, tuple(warnings)
    )


# --------------------------------------------------------------------------- cells


def _table(
    sheets: Mapping[str, Sequence[Sequence[object]]], sheet: Sheet, problems: list[str]
) -> list[tuple[dict[str, object], str]]:
    """The non-blank rows of ``sheet`` as {column key: cell}, each with an Excel-style location."""
    names = {normalize_text(sheet.key), normalize_text(sheet.zh)}
    found = [rows for title, rows in sheets.items() if normalize_text(title) in names]
    label = f"{sheet.key} ({sheet.zh})"
    if not found:
        problems.append(f"{label}: sheet missing")
        return []
    rows = found[0]
    header = _header(rows, sheet)
    if header is None:
        problems.append(f"{label}: no header row")
        return []
    index, keys = header
    missing = [c.key for c in sheet.columns if c.key not in keys]
    if missing:
        problems.append(f"{label}: columns missing: {', '.join(missing)}")
        return []
    table: list[tuple[dict[str, object], str]] = []
    for number, cells in enumerate(rows[index + 1 :], start=index + 2):
        if all(cell is None or str(cell).strip() == "" for cell in cells):
            continue
        record = {key: cell for key, cell in zip(keys, cells, strict=False) if key is not None}
        table.append((record, f"{label}, row {number}"))
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
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).replace("\u3000", " ").strip()


def _date(cell: object, where: str, problems: list[str]) -> date | None:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    text = _text(cell)
    if not text:
        return None
    parsed = parse_date_text(text)
    if parsed is None:
        problems.append(f"{where}: not a date: {text!r}")
    return parsed


def _number(cell: object, where: str, problems: list[str]) -> float | None:
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return float(cell)
    try:
        return float(_text(cell))
    except ValueError:
        problems.append(f"{where}: not a number: {cell!r}")
        return None


def _count(cell: object, where: str, problems: list[str]) -> int:
    value = _number(cell, where, problems)
    return 0 if value is None else int(value)


def _code(codes: type[C], cell: object, where: str, problems: list[str]) -> C | None:
    text = _text(cell)
    if not text:
        return None
    parsed = codes.parse(text)
    if parsed is None:
        problems.append(f"{where}: {text!r} is not one of {codes.choices()}")
    return parsed


def _assignment(cells: dict[str, object], where: str, problems: list[str]) -> Assignment:
    return Assignment(
        staff_id=_text(cells.get("staff_id")),
        name=_text(cells.get("name")),
        from_school_id=_text(cells.get("from_school_id")),
        to_school_id=_text(cells.get("to_school_id")),
        post=_code(Post, cells.get("post"), f"{where}, post", problems),
        subject=_text(cells.get("subject")),
        band=_code(Band, cells.get("band"), f"{where}, band", problems),
        honor=_code(Honor, cells.get("honor"), f"{where}, honor", problems),
        rule=_text(cells.get("rule")),
        group_id=_text(cells.get("group_id")),
        effective_date=_date(cells.get("effective_date"), f"{where}, effective_date", problems),
        earliest_return_date=_date(
            cells.get("earliest_return_date"), f"{where}, earliest_return_date", problems
        ),
    )


def _eligibility(cells: dict[str, object], where: str, problems: list[str]) -> EligibilityRow:
    reasons = tuple(r.strip().upper() for r in _text(cells.get("reasons")).split(";") if r.strip())
    return EligibilityRow(
        staff_id=_text(cells.get("staff_id")),
        name=_text(cells.get("name")),
        school_id=_text(cells.get("school_id")),
        status=_code(Status, cells.get("status"), f"{where}, status", problems),
        reasons=reasons,
        tenure_years=_number(cells.get("tenure_years"), f"{where}, tenure_years", problems),
        age=_number(cells.get("age"), f"{where}, age", problems),
    )


def _obligation(cells: dict[str, object], where: str, problems: list[str]) -> ObligationRow:
    met = cells.get("met")
    return ObligationRow(
        rule=_text(cells.get("rule")),
        group_id=_text(cells.get("group_id")),
        school_id=_text(cells.get("school_id")),
        part=_text(cells.get("part")),
        required=_number(cells.get("required"), f"{where}, required", problems) or 0.0,
        achieved=_number(cells.get("achieved"), f"{where}, achieved", problems) or 0.0,
        met=met is True or _text(met).casefold() in _YES,
    )


def _school(cells: dict[str, object], where: str, problems: list[str]) -> SchoolRow:
    def count(key: str) -> int:
        return _count(cells.get(key), f"{where}, {key}", problems)

    return SchoolRow(
        school_id=_text(cells.get("school_id")),
        headcount_before=count("headcount_before"),
        out=count("out"),
        into=count("in"),
        headcount_after=count("headcount_after"),
        key_before=count("key_before"),
        key_after=count("key_after"),
    )
