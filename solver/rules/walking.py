"""G5: every small school of a township alliance offers the full curriculum, walking teachers included."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rotation.codes import GroupKind, Post
from rotation.domain import StaffMember
from solver.counts import Count
from solver.rules.base import Obligation, RuleContext

if TYPE_CHECKING:
    from solver.components import ComponentData


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


def g5_walking(ctx: RuleContext) -> list[Obligation]:
    """G5: each small school covers each required subject by its own teacher or a walking teacher.

    Part = subject, school_id = the small school. Own teachers are everyone of
    that subject working there next term.
    """
    data, variables = ctx.data, ctx.variables
    found: list[Obligation] = []
    for group in data.groups_of(GroupKind.RURAL):
        central = group.lead
        assert central is not None, f"rural group {group.group_id} without a central school"
        for small in sorted(group.members):
            if not data.roster.schools[small].small_school:
                continue
            for subject in g5_required_subjects(data, central, small):
                covered = Count()
                for member in variables.possible[small]:
                    if member.subject == subject:
                        covered.extend(variables.place[member.staff_id][small])
                for walker in g5_walkers(data, central, small, (subject,)):
                    walk = variables.walk.get((walker.staff_id, small))
                    if walk is not None:
                        covered.add(walk)
                found.append(
                    Obligation(
                        rule="G5",
                        group_id=group.group_id,
                        school_id=small,
                        part=subject,
                        achieved=covered,
                        required=Count(1),
                        maximum=None,
                        description=(
                            f"G5 group {group.group_id} small school {small}: needs {subject} taught by its "
                            f"own teacher or a walking teacher from {central}"
                        ),
                        brief=f"G5 group {group.group_id}: {subject} at {small}",
                        relax="G5: --set soft=G5 or raise walk_max_schools",
                    )
                )
    return found
