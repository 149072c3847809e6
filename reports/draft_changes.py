"""The 变更 (changes) sheet of a re-plan: every decision that differs from the published draft, and why.

A change has one of three causes, looked for in this order: the request (a pin on the person: must,
never, stay), the corrected data (the person's standing or school is not what the draft's eligibility
sheet showed, or the person is new to the input or gone from it), or a rule the change was forced by.
The last is found without solving: the person's draft decision is put back into the new plan, and the
first hard rule that this alone breaks (reports.verify) is named in its brief form, such as
``P1：0008 需要校长`` — the reason the re-plan could not keep the draft there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from reports.labels import check_language
from reports.plan_diff import describe
from reports.plan_reader import EligibilityRow
from reports.verify import Basis, PlanRow, PlanRows, PlanWalk, row_of_move, rows_of_plan, violations_of
from reports.xlsx import SheetData
from rotation.catalogue import RuleId
from rotation.domain import Pin, PinKind, StaffMember
from rotation.draft import Change, Choice, Decision, Draft, changes, draft_of_plan
from rotation.figures import visible
from rotation.plan import Move, Plan
from rotation.text import Text
from solver.requirements import move_rule, p2_host_post
from solver.rules.stints import s1_earliest_return

CHANGES_SHEET = Text("changes", "变更")
CHANGE_HEADERS: tuple[Text, ...] = (
    Text("staff_id", "工号"),
    Text("name", "姓名"),
    Text("school_id", "学校代码"),
    Text("draft", "初稿"),
    Text("new", "新方案"),
    Text("cause", "原因类别"),
    Text("why", "原因"),
)
REQUEST = Text("request", "调整要求")
DATA = Text("corrected data", "数据更正")
RULE = Text("rule", "规则所需")


@dataclass(frozen=True, slots=True)
class ExplainedChange:
    """A decision that differs from the draft: who, before and after, the kind of cause and the cause."""

    staff_id: str
    name: str
    school_id: str
    change: Change
    cause: Text
    why: Text


def explain_changes(
    basis: Basis,
    draft: Draft,
    drafted_standing: Sequence[EligibilityRow],
    plan: Plan,
    pins: Iterable[Pin],
) -> list[ExplainedChange]:
    """Every change of ``plan`` from ``draft`` (people of the input and of the draft), with its cause."""
    roster = basis.roster
    after = draft_of_plan(plan)
    before_rows = {row.staff_id: row for row in drafted_standing}
    ids = [m.staff_id for m in roster.staff] + sorted(set(draft.decisions) - set(roster.staff_by_id))
    requests: dict[str, list[Pin]] = {}
    for pin in pins:
        requests.setdefault(pin.staff_id, []).append(pin)
    rows = rows_of_plan(plan, basis.params)
    broken = {v.key for v in violations_of(basis, rows)}
    found: list[ExplainedChange] = []
    for change in changes(draft, after, ids):
        member = roster.staff_by_id.get(change.staff_id)
        if member is None:
            row = before_rows.get(change.staff_id)
            name, school = (row.name, row.school_id) if row is not None else ("", "")
            gone = Text("no longer in the input", "已不在输入工作簿中")
            found.append(ExplainedChange(change.staff_id, name, school, change, DATA, gone))
            continue
        cause, why = _cause(basis, member, change, requests, before_rows, rows, broken)
        found.append(ExplainedChange(member.staff_id, member.name, member.school_id, change, cause, why))
    return found


def _cause(
    basis: Basis,
    member: StaffMember,
    change: Change,
    requests: Mapping[str, list[Pin]],
    before_rows: Mapping[str, EligibilityRow],
    rows: PlanRows,
    broken: set[tuple[str, tuple[str, ...], tuple[str, ...]]],
) -> tuple[Text, Text]:
    who = member.staff_id
    if who in requests:
        asked = [_pin_text(pin) for pin in requests[who]]
        return REQUEST, Text("; ".join(t.en for t in asked), "；".join(t.zh for t in asked))
    corrected = _corrected(basis, member, before_rows.get(who))
    if corrected is not None:
        return DATA, corrected
    reverted = _with_draft_decision(basis, member, change, rows)
    if reverted is not None:
        for violation in violations_of(basis, reverted):
            if violation.key not in broken:
                return RULE, violation.brief
    return RULE, Text("needed by the other changes", "其他调整所需")


def _pin_text(pin: Pin) -> Text:
    if pin.kind is PinKind.STAY:
        return Text("stay (appeal granted)", "留任")
    if pin.kind is PinKind.MUST:
        return Text(f"must move to {pin.to_school_id}", f"必须调往 {pin.to_school_id}")
    return Text(f"must not move to {pin.to_school_id}", f"不得调往 {pin.to_school_id}")


def _corrected(basis: Basis, member: StaffMember, drafted: EligibilityRow | None) -> Text | None:
    """What the corrected input says of the person that the draft's eligibility sheet did not, if anything."""
    if drafted is None:
        return Text("new in the input", "输入工作簿中新增的人员")
    standing = basis.eligibility[member.staff_id]
    status, reasons = visible(standing.status, standing.reasons, basis.include_sensitive)
    shown = ";".join(reasons)
    was = ";".join(drafted.reasons)
    if drafted.school_id != member.school_id:
        return Text(
            f"school {drafted.school_id} → {member.school_id}",
            f"所在学校 {drafted.school_id} → {member.school_id}",
        )
    if drafted.status is not status or set(drafted.reasons) != set(reasons):
        old = drafted.status
        return Text(
            f"{old.value if old else '-'} ({was or '-'}) → {status.value} ({shown or '-'})",
            f"{old.zh if old else '-'}（{was or '-'}）→ {status.zh}（{shown or '-'}）",
        )
    return None


def _with_draft_decision(
    basis: Basis, member: StaffMember, change: Change, rows: PlanRows
) -> PlanRows | None:
    """The new plan's rows with the person's draft decision and walks put back (None when that
    decision names a school the input no longer has)."""
    decision = change.before
    row = _draft_row(basis, member, decision)
    if decision.choice in (Choice.MOVE, Choice.RETURN) and row is None:
        return None
    reverted = rows.replaced(member.staff_id, row)
    walks = tuple(w for w in reverted.walks if w.staff_id != member.staff_id) + tuple(
        PlanWalk(member.staff_id, member.home_school_id, small, member.subject or "")
        for small in sorted(change.walks_before)
    )
    return PlanRows(reverted.rows, walks, reverted.eligibility, reverted.host_post_column)


def _draft_row(basis: Basis, member: StaffMember, decision: Decision) -> PlanRow | None:
    roster, params = basis.roster, basis.params
    if decision.choice is Choice.RETURN:
        move = Move(member.staff_id, member.school_id, member.home_school_id, RuleId.S2, None, None)
        return row_of_move(move, params)
    if decision.choice is not Choice.MOVE or decision.school_id not in roster.schools:
        return None
    to = decision.school_id
    rule, group = move_rule(roster, member, to, basis.eligibility[member.staff_id], None)
    back = s1_earliest_return(member, params, rule)
    move = Move(member.staff_id, member.school_id, to, rule, group, back, p2_host_post(roster, member, to))
    return row_of_move(move, params)


def changes_sheet(found: Sequence[ExplainedChange], lang: str = "zh") -> SheetData:
    """变更: one row per changed person, the draft's decision and the new one, and why."""
    check_language(lang)
    rows = [
        (
            c.staff_id,
            c.name,
            c.school_id,
            describe(c.change.before, c.change.walks_before).pick(lang),
            describe(c.change.after, c.change.walks_after).pick(lang),
            c.cause.pick(lang),
            c.why.pick(lang),
        )
        for c in found
    ]
    return SheetData(
        CHANGES_SHEET.pick(lang), [h.pick(lang) for h in CHANGE_HEADERS], rows, wrap=frozenset({6})
    )
