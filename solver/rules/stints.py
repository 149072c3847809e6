"""Stints: S1 (minimum stint, earliest return date) and S2 (return home or extend).

Both shape the variables rather than constrain them: a locked person (S1) has
no decision at all and a returning person (S2) has exactly one, ``extend``
(see solver/variables.py). These functions turn a solution into the rows the
plan reports.
"""

from __future__ import annotations

from datetime import date

from rotation.catalogue import RuleId
from rotation.codes import Post
from rotation.dates import add_years
from rotation.domain import StaffMember
from rotation.parameters import Parameters
from rotation.plan import Extension, Move

# G6: a teacher exchanged between paired high schools stays at least a year.
G6_MIN_STINT_YEARS = 1


def s1_earliest_return(member: StaffMember, params: Parameters, rule: str) -> date:
    """S1: a new move's earliest return date, effective_date plus the minimum stint.

    teacher_min_stint_years for a teacher, leader_min_stint_years for a
    principal, vice principal or middle manager; a G6 move stays at least a year.
    """
    years = params.min_stint_years(is_teacher=member.post is Post.TEACHER)
    if rule == "G6":
        years = max(years, G6_MIN_STINT_YEARS)
    return add_years(params.effective_date, years)


def s2_outcome(member: StaffMember, extended: bool, group_id: str | None) -> Move | Extension:
    """S2: a returning person either goes home (a move with rule S2, no return date) or is extended."""
    if extended:
        return Extension(member.staff_id, member.school_id, member.home_school_id)
    return Move(member.staff_id, member.school_id, member.home_school_id, RuleId.S2, group_id, None)
