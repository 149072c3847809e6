"""The workbook loader: the only code that reads an input workbook (workbook-format.md).

``load_workbook`` reads every sheet of the contract with python-calamine,
checks every cell and every cross-reference, and either returns the roster
with its final parameters or raises one ``WorkbookError`` listing every
problem at once, each located as Excel shows it (sheet, row, column).

The work is done in the modules beside it: ``cells`` (one converter per column type), ``tables``
(header and columns of a sheet), ``files`` (the file and its sheets), ``sheets`` (each sheet into
the domain's types); this module holds the entry points.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rotation.codes import normalize_text
from rotation.domain import Pin, Roster
from rotation.parameters import Parameters, resolve_parameters
from rotation.text import Text
from rotation.workbook.files import (
    SHEETS_BY_LABEL,
    open_package,
    open_workbook,
    read_bytes,
    read_table,
    read_tables,
    refuse,
)
from rotation.workbook.problems import Problem, WorkbookError
from rotation.workbook.schema import GROUPS, INPUT_SHEETS, PARAMETERS, PINS, SCHOOLS, SUBJECT_MINIMUMS
from rotation.workbook.sheets import (
    l1_warnings,
    read_groups,
    read_parameters,
    read_pins,
    read_schools,
    read_staff,
    read_subject_minimums,
)
from rotation.workbook.tables import Report, Table
from rotation.workbook.zeros import lost_leading_zeros

__all__ = ["LoadedWorkbook", "Problem", "WorkbookError", "load_pins", "load_workbook"]


@dataclass(frozen=True)
class LoadedWorkbook:
    """A workbook that passed every check: its roster, final parameters and warnings, and its identity."""

    roster: Roster
    params: Parameters
    warnings: tuple[Text, ...]
    sha256: str
    path: Path


def _all_problems(report: Report, tables: Mapping[str, Table | None]) -> list[Problem]:
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
    path: Path,
    resolve: Callable[[Mapping[str, object]], Parameters] = resolve_parameters,
    data: bytes | None = None,
) -> LoadedWorkbook:
    """The roster and final parameters of the input workbook at ``path``, or WorkbookError with every problem.

    ``resolve`` turns the ``parameters`` sheet's key/value mapping into the final Parameters (the CLI
    adds the scenario file and ``--set`` flags); checks that depend on effective_date use its result.
    ``data``, when given, is the file's content (a workbook sent to another process or node), and
    ``path`` only names it: nothing is read from disk, and no copy of it is ever written there.
    """
    if data is None:
        data = read_bytes(path)
    with _gc_paused():
        return _load(path, data, resolve)


def _load(path: Path, data: bytes, resolve: Callable[[Mapping[str, object]], Parameters]) -> LoadedWorkbook:
    report = Report()
    book = open_workbook(path, data)
    tables = read_tables(book, open_package(path, data), path, report)
    params = read_parameters(tables.get(PARAMETERS.key), resolve, report)
    effective_date = params.effective_date if params is not None else None
    schools, school_ids = read_schools(tables.get(SCHOOLS.key))
    school_ids = _diagnose_lost_zeros(path, tables, school_ids, report)
    groups = read_groups(tables.get(GROUPS.key), schools, school_ids)
    staff, staff_ids = read_staff(tables, schools, school_ids, effective_date, report)
    minimums = read_subject_minimums(tables.get(SUBJECT_MINIMUMS.key), school_ids)
    pins = read_pins(tables.get(PINS.key), staff_ids, school_ids)
    problems = _all_problems(report, tables)
    if problems or params is None:
        raise WorkbookError(problems)
    warnings = (*report.warnings, *l1_warnings(groups, schools, params))
    roster = Roster(
        schools=schools,
        groups=groups,
        staff=tuple(staff.values()),
        subject_minimums=minimums if SUBJECT_MINIMUMS.key in tables else None,
        pins=pins,
        warnings=warnings,
    )
    return LoadedWorkbook(roster, params, warnings, hashlib.sha256(data).hexdigest(), path)


def _diagnose_lost_zeros(
    path: Path, tables: Mapping[str, Table | None], school_ids: set[str] | None, report: Report
) -> set[str] | None:
    """The school ids to check references against, after one problem for codes that lost leading zeros.

    Those codes are then taken as known, so that they are not reported again cell by cell, nor
    dropped from preferences; the one problem refuses the workbook.
    """
    lost = lost_leading_zeros(tables, school_ids)
    if lost is None or school_ids is None:
        return school_ids
    report.problems.append(Problem.of(path.name, None, None, lost.text, is_file=True))
    return school_ids | lost.codes


def load_pins(path: Path, roster: Roster) -> tuple[Pin, ...]:
    """The pins of a separate pins workbook (its ``pins`` sheet, or its only sheet), checked against
    ``roster``."""
    data = read_bytes(path)
    book = open_workbook(path, data)
    package = open_package(path, data)
    title = next((t for t in book.sheet_names if SHEETS_BY_LABEL.get(normalize_text(t)) is PINS), None)
    if title is None and len(book.sheet_names) == 1:
        title = book.sheet_names[0]
    if title is None:
        raise refuse(
            path,
            Text(
                f"the workbook has no {PINS.key} ({PINS.zh}) sheet",
                f"工作簿中没有 {PINS.key}（{PINS.zh}）工作表",
            ),
        )
    report = Report()
    table = read_table(book, package, PINS, title, report)
    school_ids = _diagnose_lost_zeros(path, {PINS.key: table}, set(roster.schools), report)
    pins = read_pins(table, set(roster.staff_by_id), school_ids)
    problems = _all_problems(report, {PINS.key: table})
    if problems:
        raise WorkbookError(problems)
    return pins
