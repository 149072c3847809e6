"""School constraints: C1 subject minimums, C2 headcount, C3 destinations, C4 outflow."""

from __future__ import annotations

from fractions import Fraction
from math import floor

from rotation.codes import Band, Status
from rotation.domain import Roster, School, StaffMember
from rotation.eligibility import Eligibility
from rotation.parameters import Parameters
from solver.counts import Count
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
    rows: list[tuple[str, str, Band | None, int]]
    if sheet is None:
        rows = [
            (school_id, subject, None, 1)
            for school_id in data.school_ids
            for subject in sorted({m.subject for m in data.staff_now[school_id] if m.subject})
        ]
    else:
        rows = [
            (r.school_id, r.subject, r.band, r.min_teachers) for r in sheet if r.school_id in data.school_set
        ]
    found: list[Obligation] = []
    for school_id, subject, band, minimum in rows:
        before = sum(1 for m in data.staff_now[school_id] if _teaches(m, subject, band))
        after = Count()
        for member in variables.possible[school_id]:
            if _teaches(member, subject, band):
                after.extend(variables.place[member.staff_id][school_id])
        required = min(minimum, before)
        what = f"{subject} ({band.value})" if band else subject
        found.append(
            Obligation(
                rule="C1",
                group_id=None,
                school_id=school_id,
                part=f"{subject}:{band.value}" if band else subject,
                achieved=after,
                required=Count(required),
                maximum=None,
                description=f"C1 at {school_id} keeps at least {required} {what} teacher(s)",
                brief=(
                    f"C1: last {what} teacher at {school_id}"
                    if required == 1
                    else f"C1: {school_id} must keep {required} {what} teachers"
                ),
                relax=(
                    "C1: add a subject_minimums sheet (only its rows then apply)"
                    if sheet is None
                    else "C1: lower min_teachers in the subject_minimums sheet"
                ),
                reported=False,
            )
        )
    return found


def _teaches(member: StaffMember, subject: str, band: Band | None) -> bool:
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
                description=f"C2 at {school_id} keeps its headcount in [{lowest}, {highest}] (now {before})",
                brief=f"C2: headcount of {school_id} must stay within [{lowest}, {highest}]",
                relax="C2: raise max_net_loss or the school's staff_quota",
                reported=False,
            )
        )
    return found


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
                description=f"C4 at {school_id} allows {cap} to leave",
                brief=f"C4: outflow cap of {school_id} ({cap}) reached",
                relax="C4: raise max_outflow_ratio",
                reported=False,
            )
        )
    return found


def c4_outflow_cap(headcount: int, params: Parameters) -> int:
    """C4's cap, with the ratio read as the exact decimal the planner typed (0.29 × 100 is 29)."""
    return max(1, floor(Fraction(str(params.max_outflow_ratio)) * headcount))


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
