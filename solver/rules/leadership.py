"""Leadership posts: P1, every school keeps its head.

P2 (the post served at the host) constrains nothing: it is read off each move
(solver.requirements.p2_host_post).
"""

from __future__ import annotations

from rotation.catalogue import RuleId
from rotation.codes import Post
from rotation.text import Text
from solver.counts import Count
from solver.rules.base import Obligation, RuleContext

P1_RELAX = Text(
    "P1: free a principal of the same stage to take the place (override = due, volunteer) or pin one "
    "there; with principal_scope=group, set it to district",
    "P1：让一名同学段校长可以接任（审定意见纳入、本人自愿）或指定其调入；"
    "principal_scope=group 时可改为 district",
)


def p1_every_school_keeps_its_head(ctx: RuleContext) -> list[Obligation]:
    """P1: after the plan a school has exactly as many principals (post ``principal``) working there as
    today, people on exchange counted where they work; a school without one today may receive one.

    So a principal leaves only when another arrives: principals move in swaps
    and chains. A principal exchanged with one from outside the school's
    groups is replaced (``Variables.replacements``). Not reported in the
    obligations sheet: like C1, C2 and C4 it is kept, not measured.
    """
    data, variables = ctx.data, ctx.variables
    found: list[Obligation] = []
    for school_id in data.school_ids:
        before = sum(1 for member in data.staff_now[school_id] if member.post is Post.PRINCIPAL)
        after = Count()
        for member in variables.possible[school_id]:
            if member.post is Post.PRINCIPAL:
                after.extend(variables.place[member.staff_id][school_id])
        after.extend(variables.replacements[school_id])
        if before:
            # One count as both limits: the model then states it as a single equality.
            keep = Count(before)
            found.append(
                Obligation(
                    rule=RuleId.P1,
                    group_id=None,
                    school_id=school_id,
                    part="",
                    achieved=after,
                    required=keep,
                    maximum=keep,
                    description=Text(
                        f"P1: {school_id} needs its principal: it keeps exactly {before}, so a principal "
                        "leaves it only when another arrives, and arrives only when another leaves",
                        f"P1：{school_id} 需要校长：须保持 {before} 名，"
                        "有校长调入才能调出，有校长调出才能调入",
                    ),
                    brief=Text(
                        f"P1: {school_id} needs a principal: one leaves only when another arrives",
                        f"P1：{school_id} 需要校长：有校长调入才能调出",
                    ),
                    relax=P1_RELAX,
                    reported=False,
                )
            )
        else:
            found.append(
                Obligation(
                    rule=RuleId.P1,
                    group_id=None,
                    school_id=school_id,
                    part="",
                    achieved=after,
                    required=None,
                    maximum=Count(1),
                    description=Text(
                        f"P1: {school_id} has no principal today and may receive one at most",
                        f"P1：{school_id} 现无校长，最多调入 1 名",
                    ),
                    brief=Text(
                        f"P1: {school_id} may receive one principal at most",
                        f"P1：{school_id} 最多调入 1 名校长",
                    ),
                    relax=P1_RELAX,
                    reported=False,
                )
            )
    return found
