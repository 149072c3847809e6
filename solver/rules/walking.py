"""G5: every small school of a township alliance offers the full curriculum, walking teachers included."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rotation.codes import GroupKind
from rotation.text import Text
from solver.counts import Count
from solver.requirements import g5_required_subjects, g5_walkers
from solver.rules.base import Obligation, RuleContext

if TYPE_CHECKING:
    pass


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
                        description=Text(
                            f"G5 group {group.group_id} small school {small}: needs {subject} taught by its "
                            f"own teacher or a walking teacher from {central}",
                            f"G5 联盟 {group.group_id} 小规模学校 {small}：{subject}须由本校教师或 {central} "
                            "的走教教师承担",
                        ),
                        brief=Text(
                            f"G5 group {group.group_id}: {subject} at {small}",
                            f"G5 联盟 {group.group_id}：{small} 的{subject}课程",
                        ),
                        relax=Text(
                            "G5: --set soft=G5 or raise walk_max_schools",
                            "G5：--set soft=G5 或调高 walk_max_schools",
                        ),
                    )
                )
    return found
