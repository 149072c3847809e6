"""C3: where a movable person may be sent, and why not elsewhere.

Pure functions of the roster, the parameters and a person's eligibility; the
solver, the greedy peer and ``rotation check`` all read them.
"""

from __future__ import annotations

from rotation.codes import Status
from rotation.domain import Roster, School, StaffMember
from rotation.eligibility import Eligibility
from rotation.parameters import Parameters
from rotation.text import Text


def c3_teaches(school: School, member: StaffMember, home: School) -> bool:
    """C3: the school's stage teaches the person's band; without a band (leaders), the same stage."""
    if member.band is None:
        return school.stage is home.stage
    return member.band in school.bands


def c3_destinations(
    member: StaffMember, roster: Roster, params: Parameters, eligibility: Eligibility
) -> tuple[str, ...]:
    """C3: the schools a movable person may be sent to, sorted by id.

    Inside any group the home school belongs to; with destination_scope =
    district, a due person whose school is in no group may go anywhere.
    """
    home = roster.schools[member.school_id]
    groups = roster.groups_by_school[member.school_id]
    if groups:
        candidates: set[str] = {school_id for group in groups for school_id in group.school_ids}
    elif params.destination_scope == "district" and eligibility.is_due:
        candidates = set(roster.schools)
    else:
        return ()
    candidates.discard(member.school_id)
    return tuple(sorted(s for s in candidates if c3_teaches(roster.schools[s], member, home)))


def c3_why_not(
    member: StaffMember, to_school_id: str, roster: Roster, params: Parameters, eligibility: Eligibility
) -> Text | None:
    """Why ``member`` cannot be newly moved to ``to_school_id`` (None when C3, S1, S2 and E allow it)."""
    who, here = member.staff_id, member.school_id
    if to_school_id not in roster.schools:
        return Text(f"{to_school_id} is not a school of the roster", f"{to_school_id} 不是名册中的学校")
    if eligibility.status is Status.LOCKED:
        return Text(
            f"S1: {who} is on exchange at {here} and locked until the minimum stint ends",
            f"S1：{who} 正在 {here} 交流，最短期限未满前不能调动",
        )
    if eligibility.status is Status.RETURNING:
        return Text(
            f"S2: {who}'s exchange at {here} has ended: the plan returns or extends it, "
            "never moves it to a third school",
            f"S2：{who} 在 {here} 的交流已期满，只能返回原学校或延长，不能调往第三所学校",
        )
    if not eligibility.movable:
        codes = ";".join(eligibility.reasons)
        return Text(f"{codes}: {who} is exempt", f"{codes}：{who} 暂不纳入交流")
    if to_school_id == here:
        return Text(f"C3: {who} already works at {to_school_id}", f"C3：{who} 已在 {to_school_id} 工作")
    if to_school_id in c3_destinations(member, roster, params, eligibility):
        return None
    home_groups = roster.groups_by_school[here]
    if not home_groups:
        if params.destination_scope == "group":
            return Text(
                f"C3: {here} is in no group (destination_scope=group)",
                f"C3：{here} 未加入任何集团（destination_scope=group）",
            )
        if not eligibility.is_due:
            return Text(
                f"C3: {here} is in no group, and only due people may leave it for the district",
                f"C3：{here} 未加入任何集团，只有应交流人员可以在全区交流",
            )
    elif not any(to_school_id in group.school_ids for group in home_groups):
        return Text(
            f"C3: {here} and {to_school_id} share no group",
            f"C3：{here} 与 {to_school_id} 不在同一集团",
        )
    target = roster.schools[to_school_id]
    if member.band is None:
        stage = roster.schools[here].stage
        return Text(
            f"C3: {to_school_id} is not a {stage.value} school",
            f"C3：{to_school_id} 不是{stage.zh}学校",
        )
    return Text(
        f"C3: {to_school_id} ({target.stage.value}) does not teach {member.band.value}",
        f"C3：{to_school_id}（{target.stage.zh}）不开设{member.band.zh}",
    )


def c3_no_destination(member: StaffMember, roster: Roster, params: Parameters) -> Text:
    """Why a movable person has no destination at all (C3)."""
    groups = roster.groups_by_school[member.school_id]
    if not groups and params.destination_scope == "group":
        return Text(
            "C3: school in no group (destination_scope=group)",
            "C3：所在学校未加入任何集团（destination_scope=group）",
        )
    stage = roster.schools[member.school_id].stage
    what = (
        Text(member.band.value, member.band.zh) if member.band else Text(f"the {stage.value} stage", stage.zh)
    )
    if groups:
        return Text(
            f"C3: no school in a shared group teaches {what.en}", f"C3：同集团内没有开设{what.zh}的学校"
        )
    return Text(f"C3: no school in the district teaches {what.en}", f"C3：全区没有开设{what.zh}的学校")
