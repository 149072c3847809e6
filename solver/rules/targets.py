"""District targets: N1 (rotation ratio and key share at urban, town and quality schools).

N2 (key teachers toward weak, new and rural schools) is an objective term, in solver/objective.py.
"""

from __future__ import annotations

from fractions import Fraction
from math import ceil

from rotation.catalogue import RuleId
from rotation.text import Text
from solver.counts import Count
from solver.requirements import n1_school
from solver.rules.base import Obligation, RuleContext


def n1_rotation_targets(ctx: RuleContext) -> list[Obligation]:
    """N1: at each urban or town school (城镇学校) and each quality school, due people rotated ≥
    ⌈min_rotation_ratio × due people⌉, and key teachers ≥ ⌈min_key_share × new moves out⌉ among those
    moved out.

    Part "" is the rotation count, wherever someone is due, even when none of
    them can move (then it is short whatever the plan: a shortfall when soft,
    infeasible when hard). Part "key" is the key share, kept exact as
    den·key ≥ num·out with the share read as the decimal the planner typed.
    Soft by default (``hard=N1`` makes it hard). A principal marked for the
    district exchange (P1) counts as moved out, but as rotated or as a key
    teacher sent only while N1 is soft: the exchange may find no partner, and
    a hard target must hold either way.
    """
    data, variables = ctx.data, ctx.variables
    soft = data.params.is_soft(RuleId.N1)

    def left(staff_id: str) -> Count:
        if soft:
            return variables.moved(staff_id)
        return Count(0, (var for _, var in variables.moves_of.get(staff_id, ())))

    rotation = Fraction(str(data.params.min_rotation_ratio))
    share = Fraction(str(data.params.min_key_share))
    found: list[Obligation] = []
    for school_id in data.school_ids:
        school = data.roster.schools[school_id]
        out = variables.moves_out[school_id]
        if not n1_school(school):
            continue
        due = [m for m in data.staff_now[school_id] if data.eligibility[m.staff_id].is_due]
        if due:
            needed = ceil(rotation * len(due))
            rotated = Count()
            for member in due:
                rotated.extend(left(member.staff_id))
            found.append(
                Obligation(
                    rule="N1",
                    group_id=None,
                    school_id=school_id,
                    part="",
                    achieved=rotated,
                    required=Count(needed),
                    maximum=None,
                    description=Text(
                        f"N1 at {school_id}: {needed} of its {len(due)} due people rotate, "
                        f"{rotated.upper} of them could",
                        f"N1：{school_id} 的 {len(due)} 名应交流人员中须交流 {needed} 人，"
                        f"最多只能交流 {rotated.upper} 人",
                    ),
                    brief=Text(
                        f"N1: {school_id} rotates {needed} of its due people",
                        f"N1：{school_id} 须交流 {needed} 名应交流人员",
                    ),
                    relax=Text(
                        "N1: remove N1 from hard= or lower min_rotation_ratio",
                        "N1：从 hard= 中去掉 N1 或调低 min_rotation_ratio",
                    ),
                )
            )
        if out.is_constant:
            continue
        keys = Count()
        for member in data.staff_now[school_id]:
            if member.is_key_teacher:
                keys.extend(left(member.staff_id))
        scaled_out = Count()
        scaled_out.extend(out, share.numerator)
        found.append(
            Obligation(
                rule="N1",
                group_id=None,
                school_id=school_id,
                part="key",
                achieved=keys,
                required=scaled_out,
                maximum=None,
                scale=share.denominator,
                description=Text(
                    f"N1 at {school_id}: key teachers are {share} of those who rotate from it",
                    f"N1：{school_id} 调出人员中骨干教师须占 {share}",
                ),
                brief=Text(
                    f"N1: key-teacher share of moves out of {school_id}",
                    f"N1：{school_id} 调出人员中的骨干教师比例",
                ),
                relax=Text(
                    "N1: remove N1 from hard= or lower min_key_share",
                    "N1：从 hard= 中去掉 N1 或调低 min_key_share",
                ),
            )
        )
    return found
