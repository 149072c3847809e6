"""C3: where a movable person may be sent, and why not elsewhere.

Pure functions of the roster, the parameters and a person's eligibility; the
solver, the greedy peer and ``rotation check`` all read them.
"""

from __future__ import annotations

from rotation.codes import Status
from rotation.domain import Roster, School, StaffMember
from rotation.eligibility import Eligibility
from rotation.parameters import Parameters


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
) -> str | None:
    """Why ``member`` cannot be newly moved to ``to_school_id`` (None when C3, S1, S2 and E allow it)."""
    who = member.staff_id
    if to_school_id not in roster.schools:
        return f"{to_school_id} is not a school of the roster"
    if eligibility.status is Status.LOCKED:
        return f"S1: {who} is on exchange at {member.school_id} and locked until the minimum stint ends"
    if eligibility.status is Status.RETURNING:
        return (
            f"S2: {who}'s exchange at {member.school_id} has ended: the plan returns or extends it, "
            "never moves it to a third school"
        )
    if not eligibility.movable:
        return f"{';'.join(eligibility.reasons)}: {who} is exempt"
    if to_school_id == member.school_id:
        return f"C3: {who} already works at {to_school_id}"
    if to_school_id in c3_destinations(member, roster, params, eligibility):
        return None
    home_groups = roster.groups_by_school[member.school_id]
    if not home_groups:
        if params.destination_scope == "group":
            return f"C3: {member.school_id} is in no group (destination_scope=group)"
        if not eligibility.is_due:
            return f"C3: {member.school_id} is in no group, and only due people may leave it for the district"
    elif not any(to_school_id in group.school_ids for group in home_groups):
        return f"C3: {member.school_id} and {to_school_id} share no group"
    target = roster.schools[to_school_id]
    if member.band is None:
        return f"C3: {to_school_id} is not a {roster.schools[member.school_id].stage.value} school"
    return f"C3: {to_school_id} ({target.stage.value}) does not teach {member.band.value}"


def c3_no_destination(member: StaffMember, roster: Roster, params: Parameters) -> str:
    """Why a movable person has no destination at all (C3)."""
    groups = roster.groups_by_school[member.school_id]
    if not groups and params.destination_scope == "group":
        return "C3: school in no group (destination_scope=group)"
    where = "in a shared group" if groups else "in the district"
    what = member.band.value if member.band else f"the {roster.schools[member.school_id].stage.value} stage"
    return f"C3: no school {where} teaches {what}"
