"""The output workbooks of workbook-format.md: the plan (seven sheets) and the eligibility review.

Each sheet builder turns domain objects into rows in the contract's column order;
reports.xlsx writes them. Codes (status, post, band, honor), run statuses and obligation
parts are written in the output language; rule IDs are never translated. Where a sheet
names schools by code, their names follow in extra columns after the contract's. Every
workbook ends with its 说明 (legend) sheet.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from enum import Enum
from pathlib import Path

from reports.dashboard import add_dashboard
from reports.labels import check_language, code_text, headers, part_text, rules_text, status_text, yes_no
from reports.legend import legend_sheet, with_legend
from reports.plan_reader import plan_from_sheets
from reports.xlsx import Cell, SheetData, add_sheet, workbook_bytes, write_workbook
from rotation.codes import Coded
from rotation.domain import Roster, StaffMember
from rotation.eligibility import Eligibility
from rotation.figures import visible
from rotation.parameters import Parameters, format_value
from rotation.plan import Move, ObligationOutcome, Plan
from rotation.text import Text
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

REQUIRED_RUN_KEYS: tuple[str, ...] = (
    "effective_date",
    "status",
    "objective",
    "best_bound",
    "gap",
    "wall_time_s",
    "input_sha256",
    "version",
)
# A check solves nothing: its run sheet reports a zero objective, bound and gap.
CHECK_FACTS: tuple[tuple[str, object], ...] = (("objective", 0), ("best_bound", 0), ("gap", 0))

Facts = Sequence[tuple[str, object]]

# The school names written after the contract's columns, beside the codes they name.
FROM_SCHOOL_NAME = Text("from_school_name", "原学校名称")
TO_SCHOOL_NAME = Text("to_school_name", "交流学校名称")
SCHOOL_NAME = Text("school_name", "学校名称")


def _sheet(spec: Sheet, lang: str, rows: Sequence[Sequence[Cell]], extra: Sequence[Text] = ()) -> SheetData:
    check_language(lang)
    return SheetData(spec.label(lang), [*headers(spec, lang), *(e.pick(lang) for e in extra)], rows)


def _school_name(roster: Roster, school_id: str) -> str | None:
    school = roster.schools.get(school_id)
    return school.name if school is not None else None


def eligibility_sheet(
    roster: Roster, eligibility: Mapping[str, Eligibility], lang: str = "zh", include_sensitive: bool = False
) -> SheetData:
    """``eligibility``: one row per staff member in roster order; E4/E5 rows masked unless asked."""
    rows = [_eligibility_row(m, eligibility[m.staff_id], lang, include_sensitive) for m in roster.staff]
    return _sheet(OUT_ELIGIBILITY, lang, rows)


def _eligibility_row(
    member: StaffMember, standing: Eligibility, lang: str, include_sensitive: bool
) -> tuple[Cell, ...]:
    status, reasons = visible(standing.status, standing.reasons, include_sensitive)
    return (
        member.staff_id,
        member.name,
        member.school_id,
        status.label(lang),
        rules_text(reasons),
        standing.tenure_years,
        standing.age,
    )


def run_sheet(facts: Facts, params: Parameters, warnings: Sequence[Text], lang: str = "zh") -> SheetData:
    """``run``: each fact, then every parameter by name, then one ``warning`` row per warning.

    A fact may state a parameter (effective_date, typically) only with the parameter's
    value, which then has one row. Raises ValueError on a contradiction or when a key
    the contract requires is missing.
    """
    given = dict(facts)
    rows: list[tuple[Cell, Cell]] = [
        (key, status_text(str(value), lang) if key == "status" else _fact_cell(value, lang))
        for key, value in facts
    ]
    for name, text in params.items():
        if name not in given:
            rows.append((name, _parameter_cell(getattr(params, name), text)))
        elif format_value(given[name]) != text:
            raise ValueError(f"run fact {name}={given[name]!r} contradicts the parameter {name}={text}")
    rows.extend(("warning", warning.pick(lang)) for warning in warnings)
    keys = {key for key, _ in rows}
    missing = [key for key in REQUIRED_RUN_KEYS if key not in keys]
    if missing:
        raise ValueError(f"the run sheet needs the facts {', '.join(missing)}")
    return _sheet(OUT_RUN, lang, rows)


def _fact_cell(value: object, lang: str) -> Cell:
    if isinstance(value, Coded):
        return value.label(lang)
    if isinstance(value, Enum):
        return str(value.value)
    if value is None or isinstance(value, str | int | float | date):
        return value
    return format_value(value)


def _parameter_cell(value: object, text: str) -> Cell:
    # Numbers and dates stay numbers and dates, so that what-if runs can be compared in Excel.
    if isinstance(value, int | float | date) and not isinstance(value, bool):
        return value
    return text


def write_eligibility_workbook(
    path: Path,
    roster: Roster,
    eligibility: Mapping[str, Eligibility],
    params: Parameters,
    facts: Facts,
    warnings: Sequence[Text],
    lang: str = "zh",
    include_sensitive: bool = False,
    *,
    force: bool,
    protect: Sequence[Path] = (),
) -> None:
    """The ``rotation check --export`` workbook: the eligibility and run sheets, and their legend."""
    given = {key for key, _ in facts}
    check_facts = [*facts, *((key, value) for key, value in CHECK_FACTS if key not in given)]
    sheets = [
        eligibility_sheet(roster, eligibility, lang, include_sensitive),
        run_sheet(check_facts, params, warnings, lang),
    ]
    write_workbook(path, with_legend(sheets, lang), force=force, protect=protect)


def plan_sheets(
    roster: Roster,
    params: Parameters,
    eligibility: Mapping[str, Eligibility],
    plan: Plan,
    facts: Facts,
    warnings: Sequence[Text],
    lang: str = "zh",
    include_sensitive: bool = False,
) -> list[SheetData]:
    """The seven sheets of the plan workbook, in contract order."""
    return [
        assignments_sheet(roster, params, plan, lang),
        eligibility_sheet(roster, eligibility, lang, include_sensitive),
        obligations_sheet(plan, lang),
        unmoved_due_sheet(roster, plan, lang),
        schools_sheet(roster, plan, lang),
        walking_sheet(roster, plan, lang),
        run_sheet(facts, params, warnings, lang),
    ]


def write_plan_workbook(
    path: Path,
    roster: Roster,
    params: Parameters,
    eligibility: Mapping[str, Eligibility],
    plan: Plan,
    facts: Facts,
    warnings: Sequence[Text],
    lang: str = "zh",
    include_sensitive: bool = False,
    *,
    force: bool,
    protect: Sequence[Path] = (),
    extra: Sequence[SheetData] = (),
) -> None:
    """The ``rotation solve`` workbook: every sheet of the contract, any ``extra`` sheets (``replan``'s
    变更), the dashboard of charts (图表), then the legend (说明) of the codes they show.
    """
    contract = plan_sheets(roster, params, eligibility, plan, facts, warnings, lang, include_sensitive)
    sheets, finish = _with_dashboard(path, contract, extra, lang)
    write_workbook(path, sheets, force=force, protect=protect, finish=finish)


def plan_workbook_bytes(
    name: Path,
    roster: Roster,
    params: Parameters,
    eligibility: Mapping[str, Eligibility],
    plan: Plan,
    facts: Facts,
    warnings: Sequence[Text],
    lang: str = "zh",
) -> bytes:
    """The same workbook as write_plan_workbook's, as bytes (``name`` only names it in messages)."""
    contract = plan_sheets(roster, params, eligibility, plan, facts, warnings, lang, False)
    return workbook_bytes(*_with_dashboard(name, contract, (), lang))


def _with_dashboard(
    name: Path, contract: Sequence[SheetData], extra: Sequence[SheetData], lang: str
) -> tuple[list[SheetData], Callable[[object], None]]:
    """The sheets and what finishes the workbook: the dashboard, drawn from the contract's very rows (read
    as any plan workbook is read), and the legend of every code the sheets show."""
    figures = plan_from_sheets(name, {sheet.title: [sheet.headers, *sheet.rows] for sheet in contract})
    sheets = [*contract, *extra]
    legend = legend_sheet(sheets, lang)

    def finish(book: object) -> None:
        add_dashboard(book, figures, lang)
        add_sheet(book, legend)

    return sheets, finish


def assignments_sheet(roster: Roster, params: Parameters, plan: Plan, lang: str = "zh") -> SheetData:
    """``assignments``: one row per move, S2 returns included (they carry no return date)."""
    rows = [_assignment_row(roster, move, params, lang) for move in plan.moves]
    return _sheet(OUT_ASSIGNMENTS, lang, rows, (FROM_SCHOOL_NAME, TO_SCHOOL_NAME))


def _assignment_row(roster: Roster, move: Move, params: Parameters, lang: str) -> tuple[Cell, ...]:
    member = roster.staff_by_id[move.staff_id]
    contract = (
        move.staff_id,
        member.name,
        move.from_school_id,
        move.to_school_id,
        member.post.label(lang),
        member.subject,
        code_text(member.band, lang),
        member.honor.label(lang),
        move.rule,
        move.group_id,
        params.effective_date,
        move.earliest_return_date,
        code_text(move.host_post, lang),
    )
    return (
        *contract,
        _school_name(roster, move.from_school_id),
        _school_name(roster, move.to_school_id),
    )


def obligations_sheet(plan: Plan, lang: str = "zh") -> SheetData:
    """``obligations``: one row per obligation instance and part; a part's words in the output language."""
    return _sheet(OUT_OBLIGATIONS, lang, [obligation_cells(o, lang) for o in plan.obligations])


def obligation_cells(o: ObligationOutcome, lang: str) -> tuple[Cell, ...]:
    """An obligation's row in the contract's columns (``verify`` writes its recount in the same)."""
    return (
        o.rule,
        o.group_id,
        o.school_id,
        part_text(o.part, lang) or None,
        o.required,
        o.achieved,
        yes_no(o.met, lang),
    )


def unmoved_due_sheet(roster: Roster, plan: Plan, lang: str = "zh") -> SheetData:
    rows = [
        (
            u.staff_id,
            roster.staff_by_id[u.staff_id].name,
            u.school_id,
            u.reason.pick(lang),
            _school_name(roster, u.school_id),
        )
        for u in plan.unmoved
    ]
    return _sheet(OUT_UNMOVED_DUE, lang, rows, (SCHOOL_NAME,))


def schools_sheet(roster: Roster, plan: Plan, lang: str = "zh") -> SheetData:
    """``schools``: headcount and key teachers before and after, per school in roster order.

    ``out`` and ``in`` count every row of ``assignments``: new moves and S2 returns.
    Extensions, locked stints and walking teachers change nobody's school.
    """
    key_teachers = {member.staff_id for member in roster.staff if member.is_key_teacher}
    key_moves = [move for move in plan.moves if move.staff_id in key_teachers]
    moved_out, moved_in = _flows(plan.moves)
    key_out, key_in = _flows(key_moves)
    rows = []
    for school_id, staff in roster.staff_by_school.items():
        before = len(staff)
        key_before = sum(1 for member in staff if member.is_key_teacher)
        rows.append(
            (
                school_id,
                before,
                moved_out[school_id],
                moved_in[school_id],
                before - moved_out[school_id] + moved_in[school_id],
                key_before,
                key_before - key_out[school_id] + key_in[school_id],
                _school_name(roster, school_id),
            )
        )
    return _sheet(OUT_SCHOOLS, lang, rows, (SCHOOL_NAME,))


def _flows(moves: Sequence[Move]) -> tuple[Counter[str], Counter[str]]:
    """Moves out of and into each school."""
    return Counter(m.from_school_id for m in moves), Counter(m.to_school_id for m in moves)


def walking_sheet(roster: Roster, plan: Plan, lang: str = "zh") -> SheetData:
    rows = [
        (w.staff_id, roster.staff_by_id[w.staff_id].name, w.home_school_id, w.school_id, w.subject)
        for w in plan.walks
    ]
    return _sheet(OUT_WALKING, lang, rows)
