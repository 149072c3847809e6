"""School constraints: C1 subject minimums, C2 headcount, C4 outflow (C3 is rotation/destinations.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rotation.codes import Band
from rotation.domain import Roster, StaffMember
from rotation.text import Text
from solver.counts import Count
from solver.requirements import c4_outflow_cap
from solver.rules.base import Obligation, RuleContext


def c1_subject_minimums(ctx: RuleContext) -> list[Obligation]:
    """C1: per-subject minimum staffing after rotation.

    With a ``subject_minimums`` sheet only its rows apply, each as
    ``after ≥ min(min_teachers, before)``: rotation must not take a school
    below its minimum, but it is not asked to raise a school that is already
    below it today (that is recruitment, not rotation). Without the sheet, no
    subject a school teaches today may drop to zero. Walking teachers (G5) keep
    their place at the central school and do not count at the small school.
    """
    data, variables = ctx.data, ctx.variables
    sheet = data.roster.subject_minimums
    found: list[Obligation] = []
    for row in c1_rows(data.roster, data.school_ids):
        school_id, subject, band, required = row.school_id, row.subject, row.band, row.required
        after = Count()
        for member in variables.possible[school_id]:
            if c1_teaches(member, subject, band):
                after.extend(variables.place[member.staff_id][school_id])
        what = (
            Text(f"{subject} ({band.value})", f"{subject}（{band.zh}）") if band else Text(subject, subject)
        )
        found.append(
            Obligation(
                rule="C1",
                group_id=None,
                school_id=school_id,
                part=f"{subject}:{band.value}" if band else subject,
                achieved=after,
                required=Count(required),
                maximum=None,
                description=Text(
                    f"C1 at {school_id} keeps at least {required} {what.en} teacher(s)",
                    f"C1：{school_id} 至少保留{what.zh}教师 {required} 人",
                ),
                brief=c1_brief(school_id, what, required),
                relax=(
                    Text(
                        "C1: add a subject_minimums sheet (only its rows then apply)",
                        "C1：添加学科最低配置表（此后只按表中各行执行）",
                    )
                    if sheet is None
                    else Text(
                        "C1: lower min_teachers in the subject_minimums sheet",
                        "C1：调低学科最低配置表中的最低人数",
                    )
                ),
                reported=False,
            )
        )
    return found


def c1_brief(school_id: str, what: Text, required: int) -> Text:
    """C1's reason for a due person it keeps: the last teacher of a subject, or the minimum to keep."""
    if required == 1:
        return Text(f"C1: last {what.en} teacher at {school_id}", f"C1：{school_id} 仅剩这名{what.zh}教师")
    return Text(
        f"C1: {school_id} must keep {required} {what.en} teachers",
        f"C1：{school_id} 须保留{what.zh}教师 {required} 人",
    )


@dataclass(frozen=True, slots=True)
class C1Row:
    """C1 at one school: keep ``required`` teachers of ``subject`` (in ``band`` when given)."""

    school_id: str
    subject: str
    band: Band | None
    required: int


def c1_rows(roster: Roster, school_ids: Iterable[str]) -> list[C1Row]:
    """C1's rows at these schools, each asking min(min_teachers, teachers today): the sheet's rows, or
    without the sheet one teacher of every subject each school teaches today."""
    wanted = set(school_ids)
    sheet = roster.subject_minimums
    minimums: list[tuple[str, str, Band | None, int]]
    if sheet is None:
        minimums = [
            (school_id, subject, None, 1)
            for school_id in sorted(wanted)
            for subject in sorted({m.subject for m in roster.staff_by_school[school_id] if m.subject})
        ]
    else:
        minimums = [(r.school_id, r.subject, r.band, r.min_teachers) for r in sheet if r.school_id in wanted]
    rows = []
    for school_id, subject, band, minimum in minimums:
        before = sum(1 for m in roster.staff_by_school[school_id] if c1_teaches(m, subject, band))
        rows.append(C1Row(school_id, subject, band, min(minimum, before)))
    return rows


def c1_teaches(member: StaffMember, subject: str, band: Band | None) -> bool:
    """C1: the person teaches ``subject`` (in ``band`` when given)."""
    return member.subject == subject and (band is None or member.band is band)


def c2_headcount(ctx: RuleContext) -> list[Obligation]:
    """C2: headcount after within [before − max_net_loss, max(before, staff_quota)]."""
    data = ctx.data
    found: list[Obligation] = []
    for school_id in data.school_ids:
        before = len(data.staff_now[school_id])
        quota = data.roster.schools[school_id].staff_quota
        lowest = max(0, before - data.params.max_net_loss)
        highest = max(before, quota if quota is not None else before)
        found.append(
            Obligation(
                rule="C2",
                group_id=None,
                school_id=school_id,
                part="",
                achieved=ctx.variables.headcount[school_id],
                required=Count(lowest),
                maximum=Count(highest),
                description=Text(
                    f"C2 at {school_id} keeps its headcount in [{lowest}, {highest}] (now {before})",
                    f"C2：{school_id} 在岗人数须保持在 {lowest} 至 {highest} 人之间（现有 {before} 人）",
                ),
                brief=c2_brief(school_id, lowest, highest),
                relax=Text(
                    "C2: raise max_net_loss or the school's staff_quota",
                    "C2：调高 max_net_loss 或该校编制数",
                ),
                reported=False,
            )
        )
    return found


def c2_brief(school_id: str, lowest: int, highest: int) -> Text:
    """C2's reason for a due person it keeps: the school's headcount range."""
    return Text(
        f"C2: headcount of {school_id} must stay within [{lowest}, {highest}]",
        f"C2：{school_id} 在岗人数须保持在 {lowest} 至 {highest} 人之间",
    )


def c4_outflow(ctx: RuleContext) -> list[Obligation]:
    """C4: at most max(1, ⌊max_outflow_ratio × headcount before⌋) new moves out of a school.

    Returns home from an exchange are not new moves and do not count.
    """
    data = ctx.data
    found: list[Obligation] = []
    for school_id in data.school_ids:
        cap = c4_outflow_cap(len(data.staff_now[school_id]), data.params)
        found.append(
            Obligation(
                rule="C4",
                group_id=None,
                school_id=school_id,
                part="",
                achieved=ctx.variables.moves_out[school_id],
                required=None,
                maximum=Count(cap),
                description=Text(
                    f"C4 at {school_id} allows {cap} to leave",
                    f"C4：{school_id} 最多调出 {cap} 人",
                ),
                brief=c4_brief(school_id, cap),
                relax=Text("C4: raise max_outflow_ratio", "C4：调高 max_outflow_ratio"),
                reported=False,
            )
        )
    return found


def c4_brief(school_id: str, cap: int) -> Text:
    """C4's reason for a due person it keeps: the home school's outflow cap is reached."""
    return Text(
        f"C4: outflow cap of {school_id} ({cap}) reached",
        f"C4：{school_id} 调出人数已达上限（{cap} 人）",
    )
