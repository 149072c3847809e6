"""``rotation diff``: two plan workbooks compared person by person, school by school, rule by rule.

People added, dropped and redirected (and returns turned into extensions, walks added or dropped),
each school's moves out and in under both plans, the obligations whose status changed, the two run
sheets' parameters side by side, and where each plan came from (its lineage). Both plans are read as
any plan workbook is (reports.plan_reader), in either language.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path

from reports.labels import check_language, part_text, yes_no
from reports.legend import with_legend
from reports.plan_reader import ObligationRow, PlanData
from reports.xlsx import Cell, SheetData, write_workbook
from rotation.codes import Status
from rotation.draft import Change, Choice, Decision, Draft, changes
from rotation.lineage import LINEAGE_KEYS, Lineage, file_sha256, lineage_of
from rotation.parameters import Parameters
from rotation.text import Text


class Kind:
    """How a person's decision changed, in both languages."""

    ADDED = Text("added", "新增调动")
    DROPPED = Text("dropped", "取消调动")
    REDIRECTED = Text("redirected", "改变去向")
    RETURN_OR_EXTENSION = Text("return/extension", "返回或延长改变")
    WALK = Text("walk", "走教改变")
    OTHER = Text("changed", "其他改变")


def draft_of_data(data: PlanData) -> Draft:
    """A plan workbook's decisions: its rows (S2 rows are returns), the people its eligibility sheet
    shows returning without a row (extended), and its walks."""
    decisions: dict[str, Decision] = {}
    for row in data.assignments:
        choice = Choice.RETURN if row.is_return else Choice.MOVE
        decisions.setdefault(row.staff_id, Decision(choice, row.to_school_id))
    for standing in data.eligibility:
        if standing.status is Status.RETURNING and standing.staff_id not in decisions:
            decisions[standing.staff_id] = Decision(Choice.EXTEND)
    return Draft(decisions, frozenset((w.staff_id, w.school_id) for w in data.walks))


def kind_of(change: Change) -> Text:
    before, after = change.before, change.after
    if before == after:
        return Kind.WALK
    if before.choice is Choice.STAY and after.choice is Choice.MOVE:
        return Kind.ADDED
    if before.choice is Choice.MOVE and after.choice is Choice.STAY:
        return Kind.DROPPED
    if before.choice is Choice.MOVE and after.choice is Choice.MOVE:
        return Kind.REDIRECTED
    if {before.choice, after.choice} == {Choice.RETURN, Choice.EXTEND}:
        return Kind.RETURN_OR_EXTENSION
    return Kind.OTHER


@dataclass(frozen=True, slots=True)
class PersonChange:
    staff_id: str
    name: str
    school_id: str
    change: Change

    @property
    def kind(self) -> Text:
        return kind_of(self.change)


@dataclass(frozen=True, slots=True)
class SchoolFlow:
    """A school's rows out and in (new moves and S2 returns) under the old and the new plan."""

    school_id: str
    out_old: int
    out_new: int
    in_old: int
    in_new: int


@dataclass(frozen=True, slots=True)
class ObligationChange:
    """An obligation row whose status differs, or that only one of the plans has."""

    rule: str
    group_id: str
    school_id: str
    part: str
    old: ObligationRow | None
    new: ObligationRow | None


@dataclass(frozen=True)
class PlanDiff:
    people: tuple[PersonChange, ...]
    schools: tuple[SchoolFlow, ...]
    obligations: tuple[ObligationChange, ...]
    parameters: tuple[tuple[str, str, str], ...]  # every parameter: name, old, new
    lineages: tuple[Lineage, Lineage]
    files: tuple[tuple[str, str], tuple[str, str]]  # (file name, SHA-256) of each plan

    def counts(self) -> Counter[str]:
        """People per kind of change (by its English name)."""
        return Counter(person.kind.en for person in self.people)

    @property
    def changed_parameters(self) -> list[tuple[str, str, str]]:
        return [row for row in self.parameters if row[1] != row[2]]


def diff_plans(old: PlanData, new: PlanData) -> PlanDiff:
    """What differs between two plans of one district (the new one may come from a corrected input)."""
    before, after = draft_of_data(old), draft_of_data(new)
    who: dict[str, tuple[str, str]] = {}
    for data in (new, old):
        for row in data.eligibility:
            who.setdefault(row.staff_id, (row.name, row.school_id))
        for a in data.assignments:
            who.setdefault(a.staff_id, (a.name, a.from_school_id))
    ids = sorted({*before.decisions, *after.decisions, *(w for w, _ in before.walks | after.walks)})
    people = tuple(
        PersonChange(change.staff_id, *who.get(change.staff_id, ("", "")), change)
        for change in changes(before, after, ids)
    )
    return PlanDiff(
        people,
        tuple(_school_flows(old, new)),
        tuple(_obligation_changes(old, new)),
        _parameters(old, new),
        (lineage_of(old.run), lineage_of(new.run)),
        ((old.path.name, _sha(old.path)), (new.path.name, _sha(new.path))),
    )


def _sha(path: Path) -> str:
    return file_sha256(path) if path.is_file() else ""


def _school_flows(old: PlanData, new: PlanData) -> list[SchoolFlow]:
    out_old = Counter(a.from_school_id for a in old.assignments)
    in_old = Counter(a.to_school_id for a in old.assignments)
    out_new = Counter(a.from_school_id for a in new.assignments)
    in_new = Counter(a.to_school_id for a in new.assignments)
    schools = dict.fromkeys([*new.school_ids(), *old.school_ids()])
    return [
        SchoolFlow(s, out_old[s], out_new[s], in_old[s], in_new[s])
        for s in schools
        if (out_old[s], in_old[s]) != (out_new[s], in_new[s])
    ]


def _obligation_changes(old: PlanData, new: PlanData) -> list[ObligationChange]:
    def keyed(data: PlanData) -> dict[tuple[str, str, str, str], ObligationRow]:
        return {(o.rule, o.group_id, o.school_id, o.part): o for o in data.obligations}

    before, after = keyed(old), keyed(new)
    found: list[ObligationChange] = []
    for key in sorted(before.keys() | after.keys()):
        was, now = before.get(key), after.get(key)
        if was is not None and now is not None and was.met == now.met:
            continue
        found.append(ObligationChange(*key, was, now))
    return found


def _parameters(old: PlanData, new: PlanData) -> tuple[tuple[str, str, str], ...]:
    def text(data: PlanData, name: str) -> str:
        value = data.run.get(name)
        if value is None:
            return ""
        return value.date().isoformat() if isinstance(value, datetime) else str(value)

    return tuple((f.name, text(old, f.name), text(new, f.name)) for f in fields(Parameters))


# --------------------------------------------------------------------------- the workbook

PEOPLE = (Text("changed_people", "人员变化"), (
    Text("staff_id", "工号"), Text("name", "姓名"), Text("school_id", "学校代码"), Text("change", "变化"),
    Text("before", "原方案"), Text("after", "新方案"),
))  # fmt: skip
SCHOOLS = (Text("school_flows", "学校变化"), (
    Text("school_id", "学校代码"), Text("out_old", "原调出"), Text("out_new", "新调出"),
    Text("in_old", "原调入"), Text("in_new", "新调入"),
))  # fmt: skip
OBLIGATIONS = (Text("obligation_changes", "指标变化"), (
    Text("rule", "依据"), Text("group_id", "集团代码"), Text("school_id", "学校代码"), Text("part", "项目"),
    Text("required_old", "原要求"), Text("achieved_old", "原实际"), Text("met_old", "原是否达标"),
    Text("required_new", "新要求"), Text("achieved_new", "新实际"), Text("met_new", "新是否达标"),
))  # fmt: skip
PARAMETERS = (Text("parameters", "参数对比"), (
    Text("key", "参数"), Text("old", "原方案"), Text("new", "新方案"), Text("differs", "是否不同"),
))  # fmt: skip
LINEAGES = (Text("lineage", "方案来源"), (Text("key", "项目"), Text("old", "原方案"), Text("new", "新方案")))


def describe(decision: Decision, walks: frozenset[str]) -> Text:
    """A decision and the walks that go with it: ``stays; walks to 0101`` / ``留任；走教 0101``."""
    said = decision.describe()
    if not walks:
        return said
    joined = ", ".join(sorted(walks))
    return Text(f"{said.en}; walks to {joined}", f"{said.zh}；走教 {joined}")


def diff_sheets(diff: PlanDiff, lang: str = "zh") -> list[SheetData]:
    check_language(lang)

    def sheet(spec: tuple[Text, tuple[Text, ...]], rows: Sequence[Sequence[Cell]]) -> SheetData:
        title, columns = spec
        return SheetData(title.pick(lang), [c.pick(lang) for c in columns], rows)

    def obligation(row: ObligationRow | None) -> tuple[Cell, Cell, Cell]:
        if row is None:
            return None, None, None
        return row.required, row.achieved, yes_no(row.met, lang)

    people = [
        (
            p.staff_id,
            p.name,
            p.school_id,
            p.kind.pick(lang),
            describe(p.change.before, p.change.walks_before).pick(lang),
            describe(p.change.after, p.change.walks_after).pick(lang),
        )
        for p in diff.people
    ]
    schools = [(s.school_id, s.out_old, s.out_new, s.in_old, s.in_new) for s in diff.schools]
    obligations = [
        (
            o.rule,
            o.group_id or None,
            o.school_id or None,
            part_text(o.part, lang) or None,
            *obligation(o.old),
            *obligation(o.new),
        )
        for o in diff.obligations
    ]
    parameters = [(name, old, new, yes_no(old != new, lang)) for name, old, new in diff.parameters]
    old, new = diff.lineages
    (old_file, old_sha), (new_file, new_sha) = diff.files
    lineage = [
        (Text("file", "文件").pick(lang), old_file, new_file),
        (Text("file_sha256", "文件 SHA-256").pick(lang), old_sha, new_sha),
        *((key, getattr(old, key) or None, getattr(new, key) or None) for key in LINEAGE_KEYS),
    ]
    return [
        sheet(PEOPLE, people),
        sheet(SCHOOLS, schools),
        sheet(OBLIGATIONS, obligations),
        sheet(PARAMETERS, parameters),
        sheet(LINEAGES, lineage),
    ]


def write_diff_workbook(
    path: Path, diff: PlanDiff, lang: str = "zh", *, force: bool, protect: Sequence[Path] = ()
) -> None:
    """``rotation diff -o``: people, schools, obligations, parameters, lineage, and the 说明 sheet."""
    write_workbook(path, with_legend(diff_sheets(diff, lang), lang), force=force, protect=protect)
