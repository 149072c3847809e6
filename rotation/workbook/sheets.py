"""Sheets: each sheet of the contract read into the domain's types, with the checks across its cells."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple, TypeVar

from rotation.codes import (
    Area,
    Band,
    Category,
    Gender,
    GroupKind,
    Honor,
    Override,
    Post,
    Role,
    Stage,
    normalize_text,
)
from rotation.domain import Group, HistoryEntry, Pin, PinKind, School, StaffMember, SubjectMinimum
from rotation.idnumber import IdNumber
from rotation.parameters import MAX_PEOPLE, MAX_YEARS, PARAMETERS_SHEET, ParameterError, Parameters
from rotation.text import Text
from rotation.workbook.cells import (
    EXCEL_ERROR,
    ExcelError,
    code_reader,
    count_reader,
    is_blank_cell,
    to_bool,
    to_date,
    to_id_number,
    to_latitude,
    to_longitude,
    to_pin_kind,
    to_text,
    to_years,
)
from rotation.workbook.schema import HISTORY, PARAMETERS, SCHOOLS, STAFF
from rotation.workbook.tables import Report, Table

A = TypeVar("A", Gender, date)  # what an id number says about a person

# More students than any school has; a school's staff counts are bounded by MAX_PEOPLE.
MAX_STUDENTS = 1_000_000

_REQUIRED = Text("blank, but a value is required", "为空，但此项必填")
_LEADER_REQUIRED = Text(
    "blank, but required for a principal or vice principal", "为空，但校长、副校长此项必填"
)
_EXCHANGE_REQUIRED = Text(
    "blank, but required while on exchange (home_school_id differs from school_id)",
    "为空，但交流期间此项必填（home_school_id 与 school_id 不同）",
)
_IDENTITY_REQUIRED = Text("blank, but required when id_number is blank", "为空，但 id_number 为空时此项必填")
_PREFERENCE_COLUMNS = ("pref_1", "pref_2", "pref_3")
_LEADER_POSTS = frozenset(post for post in Post if post.is_leader)
_STAFF_FLAGS = ("senior3", "pregnant_or_nursing", "medical_exemption", "project_lead_approved", "volunteer")


def read_parameters(
    table: Table | None, resolve: Callable[[Mapping[str, object]], Parameters], report: Report
) -> Parameters | None:
    """The final parameters; a ParameterError becomes problems on the parameters sheet."""
    values: dict[str, object] = {}
    rows: dict[str, int] = {}
    if table is not None:
        keys = table.column("key", to_text, _REQUIRED)
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
            if type(value) is ExcelError:  # never the default in its place
                table.problem(index, "value", EXCEL_ERROR, value)
            elif not is_blank_cell(value):  # a blank value keeps the default
                values[key] = value
    try:
        return resolve(values)
    except ParameterError as error:
        for sentence in error.texts:
            _parameter_problem(table, sentence, rows, report)
        return None


def _parameter_problem(table: Table | None, text: Text, rows: Mapping[str, int], report: Report) -> None:
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


def read_schools(table: Table | None) -> tuple[dict[str, School], set[str] | None]:
    """The schools, and every school_id in the sheet, also those of rows with problems.

    The ids are None when the sheet cannot be read: references to schools are then left unchecked,
    rather than each reported as unknown.
    """
    if table is None:
        return {}, None
    ids = table.column("school_id", to_text, _REQUIRED)
    known = table.unique("school_id", ids)
    rows = zip(
        ids,
        table.column("name", to_text, _REQUIRED),
        table.column("stage", code_reader(Stage), _REQUIRED),
        table.column("area", code_reader(Area), _REQUIRED),
        table.column("category", code_reader(Category)),
        table.column("students", count_reader(MAX_STUDENTS), _REQUIRED),
        table.column("staff_quota", count_reader(MAX_PEOPLE)),
        table.column("small_school", to_bool),
        table.column("latitude", to_latitude),
        table.column("longitude", to_longitude),
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


def read_groups(
    table: Table | None, schools: Mapping[str, School], school_ids: set[str] | None
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


def _collect_groups(table: Table, school_ids: set[str] | None) -> tuple[dict[str, _GroupRows], set[str]]:
    """The groups by id from their membership rows, and the ids of groups with a bad row.

    A group with a bad row has no known membership, so its shape is not checked.
    """
    rows = zip(
        table.column("group_id", to_text, _REQUIRED),
        table.column("group_name", to_text, _REQUIRED),
        table.column("kind", code_reader(GroupKind), _REQUIRED),
        table.references("school_id", school_ids, SCHOOLS, _REQUIRED),
        table.column("role", code_reader(Role), _REQUIRED),
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


def _check_group(table: Table, group_id: str, rows: _GroupRows, schools: Mapping[str, School]) -> bool:
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
    elif rows.kind in (GroupKind.TIGHT, GroupKind.RURAL, GroupKind.KINDERGARTEN) and not rows.leads:
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
    if rows.kind is GroupKind.KINDERGARTEN and all(s in schools for s in rows.school_ids):
        others = [s for s in rows.school_ids if schools[s].stage is not Stage.KINDERGARTEN]
        if others:
            listed = ", ".join(others)
            message = Text(
                f"{label} has schools that are not kindergartens: {listed}",
                f"{label_zh}中有不是幼儿园的学校：{listed}",
            )
            found.append(("school_id", message))
    for key, message in found:
        table.problem(rows.first, key, message)
    return not found


def l1_warnings(groups: Mapping[str, Group], schools: Mapping[str, School], params: Parameters) -> list[Text]:
    """L1: oversized groups are reported, not solved around; the lead is not counted among the schools."""
    warnings: list[Text] = []
    for group in groups.values():
        students = sum(schools[s].students for s in group.school_ids)
        if len(group.members) > params.group_max_schools:
            count, limit = len(group.members), params.group_max_schools
            warnings.append(
                Text(
                    f"L1: group {group.group_id} ({group.name}) has {count} member schools, "
                    f"more than group_max_schools = {limit}.",
                    f"L1：集团 {group.group_id}（{group.name}）有 {count} 所成员学校，"
                    f"超过 group_max_schools = {limit}。",
                )
            )
        if students > params.group_max_students:
            limit = params.group_max_students
            warnings.append(
                Text(
                    f"L1: group {group.group_id} ({group.name}) has {students} students, "
                    f"more than group_max_students = {limit}.",
                    f"L1：集团 {group.group_id}（{group.name}）有在校生 {students} 人，"
                    f"超过 group_max_students = {limit}。",
                )
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


def _staff_rows(table: Table, school_ids: set[str] | None) -> list[_StaffRow]:
    """Every row, with the checks that need no other cell of the row."""
    columns: dict[str, list[Any]] = {
        "staff_id": table.column("staff_id", to_text, _REQUIRED),
        "name": table.column("name", to_text, _REQUIRED),
        "id_number": table.column("id_number", to_id_number),
        "gender": table.column("gender", code_reader(Gender)),
        "birth_date": table.column("birth_date", to_date),
        "school_id": table.references("school_id", school_ids, SCHOOLS, _REQUIRED),
        "home_school_id": table.references("home_school_id", school_ids, SCHOOLS),
        "school_start_date": table.column("school_start_date", to_date, _REQUIRED),
        "post": table.column("post", code_reader(Post), _REQUIRED),
        "post_start_date": table.column("post_start_date", to_date),
        "subject": table.column("subject", to_text),
        "band": table.column("band", code_reader(Band)),
        "honor": table.column("honor", code_reader(Honor)),
        "child_birth_date": table.column("child_birth_date", to_date),
        "other_schools_3y": table.column("other_schools_3y", count_reader(MAX_YEARS)),
        "rural_years": table.column("rural_years", to_years),
        "exchange_start_date": table.column("exchange_start_date", to_date),
        "override": table.column("override", code_reader(Override)),
    }
    for key in _STAFF_FLAGS:
        columns[key] = table.column(key, to_bool)
    for key in _PREFERENCE_COLUMNS:
        columns[key] = table.column(key, to_text)
    return [_StaffRow._make(values) for values in zip(*(columns[f] for f in _StaffRow._fields), strict=True)]


def _check_staff_columns(table: Table | None, report: Report) -> Table | None:
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
    report: Report


def read_staff(
    tables: Mapping[str, Table | None],
    schools: Mapping[str, School],
    school_ids: set[str] | None,
    effective_date: date | None,
    report: Report,
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


def _staff_member(table: Table, index: int, row: _StaffRow, context: _StaffContext) -> StaffMember | None:
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


def _identity(table: Table, index: int, row: _StaffRow) -> tuple[Gender | None, date | None]:
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


def _agree(table: Table, index: int, key: str, given: A | None, derived: A, id_number: IdNumber) -> A | None:
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
    table: Table, index: int, row: _StaffRow, birth_date: date, effective_date: date | None
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
    table: Table, index: int, row: _StaffRow, school_ids: set[str] | None, report: Report
) -> tuple[str, ...]:
    """Preferred school ids, best first; an unknown school is a warning and is ignored."""
    if row.pref_1 is None and row.pref_2 is None and row.pref_3 is None:
        return ()
    chosen: list[str] = []
    for key, school_id in zip(_PREFERENCE_COLUMNS, (row.pref_1, row.pref_2, row.pref_3), strict=True):
        if school_id is None or school_id in chosen:
            continue
        if school_ids is not None and school_id not in school_ids:
            number, column = table.numbers[index], table.header(key)
            report.warnings.append(
                Text(
                    f"{table.title}, row {number}, column {column}: "
                    f"preference {school_id!r} is not a school of the schools sheet and is ignored.",
                    f"工作表 {table.title}，第 {number} 行，列 {column}："
                    f"志愿 {school_id!r} 不是 schools（学校）工作表中的学校，已忽略。",
                )
            )
            continue
        chosen.append(school_id)
    return tuple(chosen)


def _read_history(
    table: Table | None,
    staff: Mapping[str, _StaffRow],
    staff_ids: set[str] | None,
    schools: Mapping[str, School],
) -> dict[str, list[HistoryEntry]]:
    """Past stints by staff_id, without the rows for the person's current school."""
    if table is None:
        return {}
    rows = zip(
        table.references("staff_id", staff_ids, STAFF, _REQUIRED),
        table.column("school_name", to_text, _REQUIRED),
        table.column("area", code_reader(Area)),
        table.column("start_date", to_date, _REQUIRED),
        table.column("end_date", to_date),
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


def read_subject_minimums(table: Table | None, school_ids: set[str] | None) -> tuple[SubjectMinimum, ...]:
    if table is None:
        return ()
    rows = zip(
        table.references("school_id", school_ids, SCHOOLS, _REQUIRED),
        table.column("subject", to_text, _REQUIRED),
        table.column("band", code_reader(Band)),
        table.column("min_teachers", count_reader(MAX_PEOPLE), _REQUIRED),
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


def read_pins(
    table: Table | None, staff_ids: set[str] | None, school_ids: set[str] | None
) -> tuple[Pin, ...]:
    if table is None:
        return ()
    rows = zip(
        table.references("staff_id", staff_ids, STAFF, _REQUIRED),
        table.references("to_school_id", school_ids, SCHOOLS),
        table.column("kind", to_pin_kind, _REQUIRED),
        strict=True,
    )
    pins: list[Pin] = []
    pinned: dict[tuple[str, str], int] = {}
    musts: dict[str, int] = {}
    for index, (staff_id, to_school_id, kind) in enumerate(rows):
        # A stay names no school (the person is not moved at all); must and never name one.
        if kind is PinKind.STAY and to_school_id is not None:
            message = Text("a stay (留任) names no school; leave it blank", "留任不填交流学校代码，请留空")
            table.problem(index, "to_school_id", message, to_school_id)
            continue
        if kind is not PinKind.STAY:
            table.require(index, "to_school_id", to_school_id, _REQUIRED)
        if index in table.failed or staff_id is None or kind is None:
            continue
        to_school_id = to_school_id or ""
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
