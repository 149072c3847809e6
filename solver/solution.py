"""Read a component's solution into the rows of a Plan: moves, returns, extensions, walks, obligations."""

from __future__ import annotations

from dataclasses import dataclass

from rotation.catalogue import RuleId
from rotation.domain import StaffMember
from rotation.plan import Extension, Move, ObligationOutcome, Walk
from solver.model import BuiltModel
from solver.requirements import move_rule, p2_host_post, shared_groups
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
            rule, group_id = _move_rule(built, solution, member, destination)
            moves.append(
                Move(
                    staff_id,
                    member.school_id,
                    destination,
                    rule,
                    group_id,
                    s1_earliest_return(member, data.params, rule),
                    p2_host_post(data.roster, member, destination),
                )
            )
    for staff_id, var in variables.extend.items():
        member = staff_by_id[staff_id]
        shared = shared_groups(data.roster, member.school_id, member.home_school_id)
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


def _move_rule(
    built: BuiltModel, solution: list[int], member: StaffMember, destination: str
) -> tuple[RuleId, str | None]:
    """solver.requirements.move_rule, with the contingent the solution tags the person with."""
    variables = built.variables
    contingent = None
    for tags, rule in ((variables.team_tag, RuleId.G1), (variables.key_tag, RuleId.G2)):
        tag = tags.get((member.staff_id, destination))
        if tag is not None and solution[tag.index]:
            contingent = rule
            break
    standing = built.data.eligibility[member.staff_id]
    return move_rule(built.data.roster, member, destination, standing, contingent)
