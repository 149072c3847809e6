"""Read a component's solution into the rows of a Plan: moves, returns, extensions, walks, obligations."""

from __future__ import annotations

from dataclasses import dataclass

from rotation.codes import Area, GroupKind
from rotation.domain import Group, StaffMember
from solver.model import BuiltModel
from solver.result import Extension, Move, ObligationOutcome, Walk
from solver.rules.groups import g6_counts
from solver.rules.stints import s1_earliest_return, s2_outcome


@dataclass(frozen=True)
class PlanRows:
    moves: tuple[Move, ...]
    extensions: tuple[Extension, ...]
    walks: tuple[Walk, ...]
    obligations: tuple[ObligationOutcome, ...]


def read_plan(built: BuiltModel, solution: list[int]) -> PlanRows:
    data, variables = built.data, built.variables
    staff_by_id = data.roster.staff_by_id
    moves: list[Move] = []
    extensions: list[Extension] = []
    for (staff_id, destination), var in variables.move.items():
        if solution[var.index]:
            member = staff_by_id[staff_id]
            rule, group_id = move_rule(built, solution, member, destination)
            moves.append(
                Move(
                    staff_id,
                    member.school_id,
                    destination,
                    rule,
                    group_id,
                    s1_earliest_return(member, data.params, rule),
                )
            )
    for staff_id, var in variables.extend.items():
        member = staff_by_id[staff_id]
        shared = _shared_groups(built, member.school_id, member.home_school_id)
        outcome = s2_outcome(member, bool(solution[var.index]), shared[0].group_id if shared else None)
        if isinstance(outcome, Move):
            moves.append(outcome)
        else:
            extensions.append(outcome)
    walks = [
        Walk(staff_id, staff_by_id[staff_id].home_school_id, small, staff_by_id[staff_id].subject or "")
        for (staff_id, small), var in sorted(variables.walk.items())
        if solution[var.index]
    ]
    outcomes = [
        ObligationOutcome(
            rule=obligation.rule,
            group_id=obligation.group_id,
            school_id=obligation.school_id,
            part=obligation.part,
            required=obligation.required_value(solution),
            achieved=obligation.achieved.value(solution),
            soft=data.params.is_soft(obligation.rule),
            maximum=obligation.maximum.value(solution) if obligation.maximum is not None else None,
        )
        for obligation in built.obligations
        if obligation.reported
    ]
    return PlanRows(tuple(moves), tuple(extensions), tuple(walks), tuple(outcomes))


def move_rule(
    built: BuiltModel, solution: list[int], member: StaffMember, destination: str
) -> tuple[str, str | None]:
    """The rule a new move serves, and its group.

    G1/G2 when the person is tagged to that contingent, G6 when a senior-3
    teacher goes to the paired school, G3 for member→lead in a tight group, G4
    for urban→town/rural in an alliance, else the due reason (T1/T2), else C2
    (a balancing move). The group is the obligation's, else the first shared one.
    """
    origin, variables = member.school_id, built.variables
    shared = _shared_groups(built, origin, destination)

    def group_of(kind: GroupKind, lead: str | None = None) -> str | None:
        return next((g.group_id for g in shared if g.kind is kind and lead in (None, g.lead)), None)

    for tags, rule in ((variables.team_tag, "G1"), (variables.key_tag, "G2")):
        tag = tags.get((member.staff_id, destination))
        if tag is not None and solution[tag.index]:
            return rule, group_of(GroupKind.TIGHT, lead=origin)
    schools = built.data.roster.schools
    if member.subject and g6_counts(member, member.subject) and (pair := group_of(GroupKind.HS_PAIR)):
        return "G6", pair
    if tight := group_of(GroupKind.TIGHT, lead=destination):
        return "G3", tight
    outward = schools[origin].area is Area.URBAN and schools[destination].area is not Area.URBAN
    if outward and (alliance := group_of(GroupKind.ALLIANCE)):
        return "G4", alliance
    standing = built.data.eligibility[member.staff_id]
    rule = standing.reasons[0] if standing.is_due else "C2"
    return rule, shared[0].group_id if shared else None


def _shared_groups(built: BuiltModel, first: str, second: str) -> list[Group]:
    groups = built.data.roster.groups_by_school[first]
    return sorted((g for g in groups if second in g.school_ids), key=lambda g: g.group_id)
