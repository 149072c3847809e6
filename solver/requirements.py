"""What each obligation requires, stated once without any solver.

Who counts in a contingent (G1, G2, G6), how reciprocity classes people (G3),
an alliance's sides (G4), what a small school must offer and who may walk
there (G5), where N1 applies, a school's outflow cap (C4), which rule a move
serves and the post it serves in (P2). The
CP-SAT rules (solver/rules/) and the greedy peer (solver/greedy.py) both read
these, so the two planners cannot disagree about what a rule asks for.
"""

from __future__ import annotations

from fractions import Fraction
from math import floor

from rotation.catalogue import RuleId
from rotation.codes import ACADEMIC_SUBJECTS, PRIMARY_BANDS, Area, Band, Category, GroupKind, HostPost, Post
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


def g6_counts_in_pair(member: StaffMember) -> bool:
    """G6: counts in a pair's exchange at all, i.e. for its own subject, which must be academic."""
    return member.subject in ACADEMIC_SUBJECTS and g6_counts(member, member.subject)


def n1_school(school: School) -> bool:
    """N1 applies at urban and town schools (城镇学校) and at quality schools."""
    return school.area is not Area.RURAL or school.category is Category.QUALITY


def shared_groups(roster: Roster, first: str, second: str) -> list[Group]:
    """The groups both schools belong to, by group id."""
    groups = roster.groups_by_school[first]
    return sorted((g for g in groups if second in g.school_ids), key=lambda g: g.group_id)


def move_rule(
    roster: Roster,
    member: StaffMember,
    destination: str,
    standing: Eligibility,
    contingent: RuleId | None,
) -> tuple[RuleId, str | None]:
    """The one code of what a new move is for, and its group, whichever method made the plan.

    First match wins (domain-rules.md, "More settled details"): the G1, G2,
    G6 or G7 contingent the move counts in (``contingent``, G1 or G2, is the
    one a tight group's plan counts the person in; a lead → member move the
    plan does not count names the contingent the person can count in, G2
    before G1); G3 for member → lead in a tight group; G4 for urban →
    town/rural in an alliance; T1/T2 for a due person; then, for someone not
    due, N1 for a key teacher of an N1 school, P1 for a principal, V for a
    volunteer, else C2 (a move that only balances headcount). The group is
    the one the code names, else the first both schools share.
    """
    origin, schools = member.school_id, roster.schools
    shared = shared_groups(roster, origin, destination)

    def group_of(kind: GroupKind, lead: str | None = None) -> str | None:
        return next((g.group_id for g in shared if g.kind is kind and lead in (None, g.lead)), None)

    if tight := group_of(GroupKind.TIGHT, lead=origin):
        if contingent is None and g2_counts_as_key(member, schools[destination]):
            contingent = RuleId.G2
        elif contingent is None and g1_counts_in_team(member):
            contingent = RuleId.G1
        if contingent is not None:
            return contingent, tight
    if g6_counts_in_pair(member) and (pair := group_of(GroupKind.HS_PAIR)):
        return RuleId.G6, pair
    if alliance := group_of(GroupKind.KINDERGARTEN, lead=origin):
        return RuleId.G7, alliance
    if tight := group_of(GroupKind.TIGHT, lead=destination):
        return RuleId.G3, tight
    outward = schools[origin].area is Area.URBAN and schools[destination].area is not Area.URBAN
    if outward and (alliance := group_of(GroupKind.ALLIANCE)):
        return RuleId.G4, alliance
    first = shared[0].group_id if shared else None
    if standing.is_due:
        return standing.reasons[0], first
    if member.is_key_teacher and n1_school(schools[origin]):
        return RuleId.N1, first
    if member.post is Post.PRINCIPAL:
        return RuleId.P1, first
    return (RuleId.V if member.volunteer else RuleId.C2), first


def p2_host_post(roster: Roster, member: StaffMember, destination: str) -> HostPost:
    """P2: the post served at the host (挂职岗位) on a new move.

    Sent by the lead of a tight group to one of its members, a vice principal
    serves as executive principal, a middle manager as vice principal and a
    key teacher (post teacher) as middle manager; everyone else serves in the
    post held at home.
    """
    led = any(
        g.kind is GroupKind.TIGHT and g.lead == member.school_id
        for g in shared_groups(roster, member.school_id, destination)
    )
    if led:
        if member.post is Post.VICE_PRINCIPAL:
            return HostPost.EXECUTIVE_PRINCIPAL
        if member.post is Post.MIDDLE_MANAGER:
            return HostPost.VICE_PRINCIPAL
        if member.post is Post.TEACHER and member.is_key_teacher:
            return HostPost.MIDDLE_MANAGER
    return HostPost.own(member.post)


def g4_counts_as_leader(member: StaffMember) -> bool:
    """G4's leaders (挂职锻炼): principals, vice principals and middle managers count, teachers do not."""
    return member.post is not Post.TEACHER


def g4_sides(schools: dict[str, School], group: Group) -> tuple[list[str], list[str]]:
    """G4: an alliance's urban senders and its town and rural receivers."""
    urban = [s for s in group.school_ids if schools[s].area is Area.URBAN]
    others = [s for s in group.school_ids if schools[s].area is not Area.URBAN]
    return urban, others


def s2_counted_where_they_are(roster: Roster, member: StaffMember) -> bool:
    """S2: whether a person on exchange counts, where they work, in an obligation of their home school:
    G1 or G2 (lead → member of a tight group, as team or key teacher), G4 (urban → town or rural
    school of an alliance), G6 (a senior-3 teacher of an academic subject at the paired school) or G7
    (lead → member kindergarten). Only such a stay may be extended for an obligation's sake."""
    home, host = member.home_school_id, member.school_id
    for group in shared_groups(roster, home, host):
        if group.kind is GroupKind.TIGHT and group.lead == home:
            if g1_counts_in_team(member) or g2_counts_as_key(member, roster.schools[host]):
                return True
        elif group.kind is GroupKind.ALLIANCE:
            if roster.schools[home].area is Area.URBAN and roster.schools[host].area is not Area.URBAN:
                return True
        elif group.kind is GroupKind.HS_PAIR:
            if g6_counts_in_pair(member):
                return True
        elif group.kind is GroupKind.KINDERGARTEN and group.lead == home:
            return True
    return False


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
