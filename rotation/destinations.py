"""C3 and P1: where a movable person may be sent, and why not elsewhere.

Pure functions of the roster, the parameters and a person's eligibility; the
solver, the greedy peer and ``rotation check`` all read them.

A move stays inside a group both schools belong to, in a direction that group
exists for (``c3_direction``), to a school that teaches the person's band;
G6's senior-3 condition forbids teachers and middle managers without senior-3
experience every move between two paired high schools. Principals follow P1
instead: any school of the same stage, in the district or inside a shared
group (``principal_scope``), whatever the groups' directions.
"""

from __future__ import annotations

from collections.abc import Mapping

from rotation.codes import Area, GroupKind, Post, Stage, Status
from rotation.domain import Group, Roster, School, StaffMember
from rotation.eligibility import Eligibility
from rotation.parameters import Parameters
from rotation.text import Text


def c3_teaches(school: School, member: StaffMember, home: School) -> bool:
    """C3: the school's stage teaches the person's band; without a band (leaders), the same stage."""
    if member.band is None:
        return school.stage is home.stage
    return member.band in school.bands


def c3_direction(group: Group, schools: dict[str, School], origin: str, destination: str) -> bool:
    """C3: whether ``group`` exists for a move from ``origin`` to ``destination`` (both its schools).

    Tight group and kindergarten alliance: lead ↔ member, never member ↔
    member. Urban–rural alliance: urban → town/rural (支教) and town/rural →
    urban (上挂学习), never between two schools of the same side. Township
    integration alliance and high-school pair: any two of its schools.
    """
    if group.kind in (GroupKind.TIGHT, GroupKind.KINDERGARTEN):
        return group.lead in (origin, destination)
    if group.kind is GroupKind.ALLIANCE:
        return (schools[origin].area is Area.URBAN) != (schools[destination].area is Area.URBAN)
    return True


def g6_senior3_allows(member: StaffMember, roster: Roster, origin: str, destination: str) -> bool:
    """G6: a teacher or middle manager moved between two paired high schools, either way, whatever the
    subject and whatever other group they share, has senior-3 experience."""
    if member.senior3 or member.post not in (Post.TEACHER, Post.MIDDLE_MANAGER):
        return True
    return not any(
        group.kind is GroupKind.HS_PAIR and destination in group.school_ids
        for group in roster.groups_by_school[origin]
    )


def p1_destinations(member: StaffMember, roster: Roster, params: Parameters) -> tuple[str, ...]:
    """P1: the schools a principal may be sent to, sorted by id: of the same stage, anywhere in the
    district (principal_scope = district) or sharing a group (group)."""
    here = member.school_id
    stage = roster.schools[here].stage
    if params.principal_scope == "group":
        candidates: set[str] = {s for group in roster.groups_by_school[here] for s in group.school_ids}
    else:
        candidates = set(roster.schools)
    candidates.discard(here)
    return tuple(sorted(s for s in candidates if roster.schools[s].stage is stage))


def c3_destinations(
    member: StaffMember, roster: Roster, params: Parameters, eligibility: Eligibility
) -> tuple[str, ...]:
    """C3 (P1 for a principal): the schools a movable person may be sent to, sorted by id.

    Inside any group the home school belongs to, in a direction the group
    exists for; with destination_scope = district, a due person whose school
    is in no group may go anywhere.
    """
    if member.post is Post.PRINCIPAL:
        return p1_destinations(member, roster, params)
    here = member.school_id
    home = roster.schools[here]
    groups = roster.groups_by_school[here]
    if groups:
        candidates: set[str] = {
            school_id
            for group in groups
            for school_id in group.school_ids
            if school_id != here and c3_direction(group, roster.schools, here, school_id)
        }
    elif params.destination_scope == "district" and eligibility.is_due:
        candidates = set(roster.schools)
    else:
        return ()
    candidates.discard(here)
    return tuple(
        sorted(
            s
            for s in candidates
            if c3_teaches(roster.schools[s], member, home) and g6_senior3_allows(member, roster, here, s)
        )
    )


def c3_why_not(
    member: StaffMember, to_school_id: str, roster: Roster, params: Parameters, eligibility: Eligibility
) -> Text | None:
    """Why ``member`` cannot be newly moved to ``to_school_id`` (None when C3, P1, G6, S1, S2 and E
    allow it)."""
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
    if member.post is Post.PRINCIPAL:
        return _p1_why_not(member, to_school_id, roster)
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
    shared = [group for group in home_groups if to_school_id in group.school_ids]
    if home_groups and not shared:
        return Text(
            f"C3: {here} and {to_school_id} share no group",
            f"C3：{here} 与 {to_school_id} 不在同一集团",
        )
    target = roster.schools[to_school_id]
    if not c3_teaches(target, member, roster.schools[here]):
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
    if shared and not any(c3_direction(group, roster.schools, here, to_school_id) for group in shared):
        return c3_against_direction(shared[0], roster.schools, here, to_school_id)
    return g6_no_senior3(member, here, to_school_id)


def _p1_why_not(member: StaffMember, to_school_id: str, roster: Roster) -> Text:
    """Why a movable principal cannot go to ``to_school_id``: another stage, or no shared group."""
    here = member.school_id
    stage = roster.schools[here].stage
    if roster.schools[to_school_id].stage is not stage:
        return Text(
            f"P1: {to_school_id} is not a {stage.value} school; a principal moves within the stage",
            f"P1：{to_school_id} 不是{stage.zh}学校，校长只在同学段学校之间交流",
        )
    return Text(
        f"P1: {here} and {to_school_id} share no group (principal_scope=group)",
        f"P1：{here} 与 {to_school_id} 不在同一集团（principal_scope=group）",
    )


def c3_against_direction(group: Group, schools: dict[str, School], origin: str, destination: str) -> Text:
    """C3: the move from ``origin`` to ``destination`` goes against the direction ``group`` exists for."""
    gid = group.group_id
    if group.kind is GroupKind.ALLIANCE:
        urban = schools[origin].area is Area.URBAN
        side = Text("urban", "城区") if urban else Text("town or rural", "乡镇或农村")
        return Text(
            f"C3: {origin} and {destination} are both {side.en} schools of alliance {gid}, which exists "
            "for moves between its urban and its town or rural schools",
            f"C3：{origin} 与 {destination} 同为联盟 {gid} 的{side.zh}学校，联盟只在城区学校与乡镇、"
            "农村学校之间交流",
        )
    return Text(
        f"C3: {origin} and {destination} are both members of {group.kind.value} group {gid}, which "
        f"exists for moves between its lead {group.lead} and a member",
        f"C3：{origin} 与 {destination} 均为{group.kind.zh}集团 {gid} 的成员学校，只能在牵头学校 "
        f"{group.lead} 与成员学校之间交流",
    )


def g6_no_senior3(member: StaffMember, origin: str, destination: str) -> Text:
    """G6: the person lacks the senior-3 experience every move between two paired schools needs."""
    who = member.staff_id
    return Text(
        f"G6: {who} has no senior-3 experience, which every move between paired schools {origin} and "
        f"{destination} needs",
        f"G6：{who} 没有高三教学经验，结对高中 {origin} 与 {destination} 之间互派的教师须有高三教学经验",
    )


def c3_no_destination(member: StaffMember, roster: Roster, params: Parameters) -> Text:
    """Why a movable person has no destination at all (C3, or P1 for a principal)."""
    here = member.school_id
    stage = roster.schools[here].stage
    if member.post is Post.PRINCIPAL:
        if params.principal_scope == "group":
            return Text(
                f"P1: no other {stage.value} school in its groups (principal_scope=group)",
                f"P1：同集团内没有其他{stage.zh}学校（principal_scope=group）",
            )
        return Text(f"P1: no other {stage.value} school in the district", f"P1：全区没有其他{stage.zh}学校")
    groups = roster.groups_by_school[here]
    if not groups and params.destination_scope == "group":
        return Text(
            "C3: school in no group (destination_scope=group)",
            "C3：所在学校未加入任何集团（destination_scope=group）",
        )
    what = (
        Text(member.band.value, member.band.zh) if member.band else Text(f"the {stage.value} stage", stage.zh)
    )
    if not groups:
        return Text(f"C3: no school in the district teaches {what.en}", f"C3：全区没有开设{what.zh}的学校")
    home = roster.schools[here]
    teaching = [
        (group, school_id)
        for group in groups
        for school_id in group.school_ids
        if school_id != here and c3_teaches(roster.schools[school_id], member, home)
    ]
    if not teaching:
        return Text(
            f"C3: no school in a shared group teaches {what.en}", f"C3：同集团内没有开设{what.zh}的学校"
        )
    against = [(g, s) for g, s in teaching if not c3_direction(g, roster.schools, here, s)]
    if len(against) < len(teaching):
        pair = next(s for g, s in teaching if c3_direction(g, roster.schools, here, s))
        return g6_no_senior3(member, here, pair)
    group, school_id = against[0]
    return c3_against_direction(group, roster.schools, here, school_id)


def p1_outside_groups(roster: Roster, origin: str, destination: str) -> bool:
    """P1 (principal_scope = district): two different schools of the same stage that share no group,
    between which principals are exchanged across the district rather than inside a group."""
    schools = roster.schools
    return (
        origin != destination
        and schools[origin].stage is schools[destination].stage
        and not any(destination in group.school_ids for group in roster.groups_by_school[origin])
    )


def p1_exchange_candidates(
    roster: Roster, params: Parameters, eligibility: Mapping[str, Eligibility]
) -> frozenset[str]:
    """P1 (principal_scope = district): the movable principals who could be exchanged with a principal
    of a school of the same stage outside their groups, i.e. that has a movable principal too."""
    if params.principal_scope != "district":
        return frozenset()
    movable = [m for m in roster.staff if m.post is Post.PRINCIPAL and eligibility[m.staff_id].movable]
    by_stage: dict[Stage, set[str]] = {}
    for member in movable:
        by_stage.setdefault(roster.schools[member.school_id].stage, set()).add(member.school_id)
    found: set[str] = set()
    for member in movable:
        here = member.school_id
        near = {here} | {s for group in roster.groups_by_school[here] for s in group.school_ids}
        if by_stage[roster.schools[here].stage] - near:
            found.add(member.staff_id)
    return frozenset(found)
