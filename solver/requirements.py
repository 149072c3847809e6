"""What each obligation requires, stated once without any solver.

Who counts in a contingent (G1, G2, G6), how reciprocity classes people (G3),
an alliance's sides (G4), what a small school must offer and who may walk
there (G5), a school's outflow cap (C4), and which rule a move serves. The
CP-SAT rules (solver/rules/) and the greedy peer (solver/greedy.py) both read
these, so the two planners cannot disagree about what a rule asks for.
"""

from __future__ import annotations

from fractions import Fraction
from math import floor

from rotation.codes import PRIMARY_BANDS, Area, Band, GroupKind, Post
from rotation.domain import Group, Roster, School, StaffMember
from rotation.eligibility import Eligibility
from rotation.parameters import Parameters
from solver.components import ComponentData

G2_BANDS: frozenset[Band] = frozenset({Band.JUNIOR, *PRIMARY_BANDS})


def g1_counts_in_team(member: StaffMember) -> bool:
    """G1: who may be part of a management team (vice principal, middle manager or key teacher)."""
    return member.post in (Post.VICE_PRINCIPAL, Post.MIDDLE_MANAGER) or member.is_key_teacher


def g2_counts_as_key(member: StaffMember, school: School) -> bool:
    """G2: a key teacher of a junior or primary band the member school teaches."""
    return member.is_key_teacher and member.band in G2_BANDS & school.bands


def g3_post_class(member: StaffMember) -> str:
    """G3's post classes: leader (principal, vice principal), middle_manager, teacher."""
    return "leader" if member.post.is_leader else member.post.value


def g6_counts(member: StaffMember, subject: str) -> bool:
    """G6: a senior-band teacher of ``subject`` with senior-3 (高三) experience."""
    return member.band is Band.SENIOR and member.senior3 and member.subject == subject


def shared_groups(roster: Roster, first: str, second: str) -> list[Group]:
    """The groups both schools belong to, by group id."""
    groups = roster.groups_by_school[first]
    return sorted((g for g in groups if second in g.school_ids), key=lambda g: g.group_id)


def move_rule(
    roster: Roster, member: StaffMember, destination: str, standing: Eligibility, contingent: str | None
) -> tuple[str, str | None]:
    """The rule a new move serves, and its group, whichever method made the plan.

    ``contingent`` (G1 or G2) when the person counts in that contingent of a
    tight group, else G6 when a senior-3 teacher goes to the paired school, G3
    for member→lead in a tight group, G4 for urban→town/rural in an alliance,
    else the due reason (T1/T2), else C2 (a balancing move). The group is the
    obligation's, else the first shared one.
    """
    origin, schools = member.school_id, roster.schools
    shared = shared_groups(roster, origin, destination)

    def group_of(kind: GroupKind, lead: str | None = None) -> str | None:
        return next((g.group_id for g in shared if g.kind is kind and lead in (None, g.lead)), None)

    if contingent is not None:
        return contingent, group_of(GroupKind.TIGHT, lead=origin)
    if member.subject and g6_counts(member, member.subject) and (pair := group_of(GroupKind.HS_PAIR)):
        return "G6", pair
    if tight := group_of(GroupKind.TIGHT, lead=destination):
        return "G3", tight
    outward = schools[origin].area is Area.URBAN and schools[destination].area is not Area.URBAN
    if outward and (alliance := group_of(GroupKind.ALLIANCE)):
        return "G4", alliance
    rule = standing.reasons[0] if standing.is_due else "C2"
    return rule, shared[0].group_id if shared else None


def g4_sides(schools: dict[str, School], group: Group) -> tuple[list[str], list[str]]:
    """G4: an alliance's urban senders and its town and rural receivers."""
    urban = [s for s in group.school_ids if schools[s].area is Area.URBAN]
    others = [s for s in group.school_ids if schools[s].area is not Area.URBAN]
    return urban, others


def g5_required_subjects(data: ComponentData, central: str, small: str) -> tuple[str, ...]:
    """G5: the subjects the central school teaches today in the bands the small school teaches."""
    bands = data.roster.schools[small].bands
    return tuple(sorted({m.subject for m in data.staff_now[central] if m.subject and m.band in bands}))


def g5_walkers(data: ComponentData, central: str, small: str, subjects: tuple[str, ...]) -> list[StaffMember]:
    """G5: who may walk from the central school to ``small``.

    A teacher or middle manager whose home is the central school, of a
    required subject and a band the small school teaches, and not exempt for
    pregnancy, nursing or illness (E4, E5): walking is extra travel, not a move.
    """
    bands = data.roster.schools[small].bands
    return [
        m
        for m in data.staff_by_home[central]
        if m.post in (Post.TEACHER, Post.MIDDLE_MANAGER)
        and m.subject in subjects
        and m.band in bands
        and not data.eligibility[m.staff_id].is_sensitive
    ]


def c4_outflow_cap(headcount: int, params: Parameters) -> int:
    """C4's cap, with the ratio read as the exact decimal the planner typed (0.29 × 100 is 29)."""
    return max(1, floor(Fraction(str(params.max_outflow_ratio)) * headcount))
