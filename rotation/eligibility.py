"""Who is due, exempt, locked or returning this summer: T1, T2, E1-E7, S1, S2.

Each rule is a pure function of (staff member, school, parameters) that says
whether it applies; ``assess`` combines them into a status with every reason
that applies. All ages, tenures and stints are whole years at
``params.effective_date`` (see rotation.dates for the conventions).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from rotation.catalogue import (
    EXEMPTIONS,
    FINAL_EXEMPTIONS,
    OVERRIDABLE_EXEMPTIONS,
    SENSITIVE_REASONS,
    RuleId,
)
from rotation.codes import Area, Gender, Override, Post, Status
from rotation.dates import add_months, anniversary, reached, strictly_over, whole_months, whole_years
from rotation.domain import HistoryEntry, Roster, School, StaffMember
from rotation.parameters import Parameters


@dataclass(frozen=True, slots=True)
class Eligibility:
    """One staff member's standing for this summer.

    ``movable`` says whether the plan may move the person at all (due, not due,
    or an exempt volunteer to whom none of E4, E5 and E7 applies); locked and
    returning people are never newly moved.
    """

    staff_id: str
    status: Status
    reasons: tuple[RuleId, ...]
    tenure_years: int
    age: int
    movable: bool

    @property
    def is_due(self) -> bool:
        return self.status is Status.DUE

    @property
    def is_sensitive(self) -> bool:
        return not SENSITIVE_REASONS.isdisjoint(self.reasons)


def tenure_start(member: StaffMember) -> date:
    """T2 counts leaders' years from the later of post and school start; everyone else from school start."""
    if member.post.is_leader and member.post_start_date is not None:
        return max(member.post_start_date, member.school_start_date)
    return member.school_start_date


def t1_teacher_tenure(member: StaffMember, params: Parameters) -> bool:
    """T1: a teacher or middle manager with ``teacher_tenure_years`` at the same school is due."""
    if member.post.is_leader:
        return False
    return reached(member.school_start_date, params.teacher_tenure_years, params.effective_date)


def t2_leader_tenure(member: StaffMember, params: Parameters) -> bool:
    """T2: a (vice) principal with two full terms or ``leader_tenure_years`` in post here is due."""
    if not member.post.is_leader:
        return False
    years_needed = min(2 * params.leader_term_years, params.leader_tenure_years)
    return reached(tenure_start(member), years_needed, params.effective_date)


def e1_new_leader(member: StaffMember, params: Parameters) -> bool:
    """E1: a (vice) principal in post less than one term, counted from post_start_date alone."""
    if not member.post.is_leader or member.post_start_date is None:
        return False
    return not reached(member.post_start_date, params.leader_term_years, params.effective_date)


def e2_age(member: StaffMember, params: Parameters) -> bool:
    """E2: a man over ``male_exempt_age`` or a woman over ``female_exempt_age`` (strictly over)."""
    limit = params.male_exempt_age if member.gender is Gender.MALE else params.female_exempt_age
    return strictly_over(member.birth_date, limit, params.effective_date)


def e3_project_lead(member: StaffMember, params: Parameters) -> bool:
    """E3: the approved lead of a special course or a city-level or higher research project."""
    return member.project_lead_approved


def e4_maternity(member: StaffMember, params: Parameters) -> bool:
    """E4: pregnant or nursing on effective_date; nursing ends on the child's first birthday.

    The child's birth date decides whenever it is given: an expected birth (after
    effective_date) or a child not yet one exempts a woman whether or not the flag
    was ticked, and a child already one ends E4 even with the flag ticked. Without
    a date the flag is the declaration. A man's child date alone exempts nobody.
    """
    child = member.child_birth_date
    if child is None:
        return member.pregnant_or_nursing
    at = params.effective_date
    expecting_or_nursing = child > at or at < anniversary(child, child.year + 1)
    return expecting_or_nursing and (member.pregnant_or_nursing or member.gender is Gender.FEMALE)


def e5_medical(member: StaffMember, params: Parameters) -> bool:
    """E5: certified by the designated hospital as unfit to rotate."""
    return member.medical_exemption


def e6_prior_experience(member: StaffMember, school: School, params: Parameters) -> bool:
    """E6: ``e6_other_schools`` other schools of ``e6_years_each`` years each, or an urban
    teacher with ``e6_rural_years`` at rural schools."""
    if other_schools_count(member, params.e6_years_each) >= params.e6_other_schools:
        return True
    return school.area is Area.URBAN and rural_years(member) >= params.e6_rural_years


def other_schools_count(member: StaffMember, years_each: int) -> int:
    """How many other schools the person worked at for ``years_each`` whole years or more.

    The ``other_schools_3y`` cell wins over the history; rows for one school add up.
    """
    if member.other_schools_3y is not None:
        return member.other_schools_3y
    by_school: dict[str, list[HistoryEntry]] = {}
    for entry in member.history:
        by_school.setdefault(entry.school_name, []).append(entry)
    return sum(1 for entries in by_school.values() if _summed_years(entries) >= years_each)


def rural_years(member: StaffMember) -> float:
    """Years at rural schools: the ``rural_years`` cell, else the rural rows of the history."""
    if member.rural_years is not None:
        return member.rural_years
    return _summed_years([e for e in member.history if e.area is Area.RURAL])


def _summed_years(entries: Sequence[HistoryEntry]) -> int:
    """Whole years of the stints added up (ends exclusive).

    Each stint counts its whole calendar months exactly, so that month-aligned
    stints (history dates are often year-months) add up to exact years whatever
    leap days lie between them. The leftover days of all stints are pooled at 31
    a month, so one stint alone is never rounded up.
    """
    months = 0
    leftover_days = 0
    for entry in entries:
        whole = max(whole_months(entry.start_date, entry.end_date), 0)
        months += whole
        leftover_days += max((entry.end_date - add_months(entry.start_date, whole)).days, 0)
    return (months + leftover_days // 31) // 12


def e7_bureau_exempt(member: StaffMember, params: Parameters) -> bool:
    """E7: the bureau's own decision (override = exempt), final even for a volunteer."""
    return member.override is Override.EXEMPT


def s1_stint_running(member: StaffMember, params: Parameters) -> bool:
    """S1: on exchange and the minimum stint has not ended on effective_date (locked)."""
    assert member.exchange_start_date is not None
    years = params.min_stint_years(is_teacher=member.post is Post.TEACHER)
    return not reached(member.exchange_start_date, years, params.effective_date)


def exemptions(member: StaffMember, school: School, params: Parameters) -> tuple[RuleId, ...]:
    """Every E code that applies, in ID order, before overrides and volunteering."""
    checks = {
        RuleId.E1: e1_new_leader(member, params),
        RuleId.E2: e2_age(member, params),
        RuleId.E3: e3_project_lead(member, params),
        RuleId.E4: e4_maternity(member, params),
        RuleId.E5: e5_medical(member, params),
        RuleId.E6: e6_prior_experience(member, school, params),
        RuleId.E7: e7_bureau_exempt(member, params),
    }
    return tuple(code for code in EXEMPTIONS if checks[code])


def assess(member: StaffMember, school: School, params: Parameters) -> Eligibility:
    """The person's status and every reason for it (domain-rules.md, "Status")."""
    at = params.effective_date
    tenure = whole_years(member.school_start_date, at)
    age = whole_years(member.birth_date, at)

    def result(status: Status, reasons: tuple[RuleId, ...], movable: bool) -> Eligibility:
        return Eligibility(member.staff_id, status, reasons, tenure, age, movable)

    if member.on_exchange:
        if s1_stint_running(member, params):
            return result(Status.LOCKED, (RuleId.S1,), False)
        return result(Status.RETURNING, (RuleId.S2,), False)

    standing = exemptions(member, school, params)
    forced_due = member.override is Override.DUE
    if forced_due:
        standing = tuple(code for code in standing if code not in OVERRIDABLE_EXEMPTIONS)
    if standing:
        movable = member.volunteer and FINAL_EXEMPTIONS.isdisjoint(standing)
        return result(Status.EXEMPT, standing, movable)
    if forced_due:
        return result(Status.DUE, (RuleId.T1,), True)
    if t1_teacher_tenure(member, params):
        return result(Status.DUE, (RuleId.T1,), True)
    if t2_leader_tenure(member, params):
        return result(Status.DUE, (RuleId.T2,), True)
    return result(Status.NOT_DUE, (), True)


def assess_roster(roster: Roster, params: Parameters) -> dict[str, Eligibility]:
    """Every staff member's standing, by staff_id, in roster order."""
    schools: Mapping[str, School] = roster.schools
    return {m.staff_id: assess(m, schools[m.school_id], params) for m in roster.staff}
