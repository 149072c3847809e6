"""rotation.eligibility: every rule ID (T1, T2, E1-E7, S1, S2) at its boundaries, and the status precedence.

The default effective date is 2027-09-01. Each boundary is tested the day before,
the day of and the day after; 29 February dates fall on 28 February in a
non-leap year (domain-rules.md, "Dates").
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from rotation.codes import Area, Band, Category, Gender, Override, Post, Stage, Status
from rotation.domain import HistoryEntry, Roster, School, StaffMember
from rotation.eligibility import Eligibility, assess, assess_roster
from rotation.parameters import Parameters

AT = date(2027, 9, 1)
SCHOOL_NAME = "城关一小"


def make_school(area: Area = Area.URBAN, school_id: str = "S1", name: str = SCHOOL_NAME) -> School:
    return School(school_id, name, Stage.PRIMARY, area, Category.ORDINARY, students=800)


def make_staff(**fields: Any) -> StaffMember:
    """A 37-year-old female teacher, three years at S1 on 2027-09-01: not due, nothing exempt."""
    values: dict[str, Any] = {
        "staff_id": "0001",
        "name": "李老师",
        "gender": Gender.FEMALE,
        "birth_date": date(1990, 5, 10),
        "school_id": "S1",
        "home_school_id": "S1",
        "school_start_date": date(2024, 9, 1),
        "post": Post.TEACHER,
        "subject": "语文",
        "band": Band.PRIMARY_LOWER,
    }
    values.update(fields)
    return StaffMember(**values)


def make_leader(
    post_start: date, school_start: date, post: Post = Post.PRINCIPAL, **fields: Any
) -> StaffMember:
    return make_staff(post=post, post_start_date=post_start, school_start_date=school_start, **fields)


def stint(name: str, start: date, end: date, area: Area | None = Area.URBAN) -> HistoryEntry:
    return HistoryEntry(name, area, start, end)


def check(member: StaffMember, at: date = AT, area: Area = Area.URBAN, **changes: Any) -> Eligibility:
    """The member's standing at ``at``, working at an ``area`` school, with parameters ``changes``."""
    return assess(member, make_school(area), Parameters(effective_date=at, **changes))


def standing(result: Eligibility) -> tuple[Status, tuple[str, ...]]:
    return result.status, result.reasons


NOT_DUE: tuple[Status, tuple[str, ...]] = (Status.NOT_DUE, ())


# T1 ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "at", "expected"),
    [
        # Start 2021-09-01: the 6th anniversary 2027-09-01 counts (达到6年及以上).
        pytest.param(date(2021, 9, 1), date(2027, 8, 31), NOT_DUE, id="day-before-6th-anniversary"),
        pytest.param(date(2021, 9, 1), date(2027, 9, 1), (Status.DUE, ("T1",)), id="day-of"),
        pytest.param(date(2021, 9, 1), date(2027, 9, 2), (Status.DUE, ("T1",)), id="day-after"),
        # Start 29 February 2020: the 6th anniversary falls on 28 February 2026.
        pytest.param(date(2020, 2, 29), date(2026, 2, 27), NOT_DUE, id="feb29-start-day-before"),
        pytest.param(date(2020, 2, 29), date(2026, 2, 28), (Status.DUE, ("T1",)), id="feb29-start-on-feb28"),
        pytest.param(date(2020, 2, 29), date(2026, 3, 1), (Status.DUE, ("T1",)), id="feb29-start-day-after"),
    ],
)
def test_t1_teacher_due_on_the_sixth_anniversary(
    start: date, at: date, expected: tuple[Status, tuple[str, ...]]
) -> None:
    assert standing(check(make_staff(school_start_date=start), at)) == expected


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        # Start 29 February 2016 with an 8-year tenure: 2024 is a leap year, so the
        # anniversary is 29 February itself and 28 February is still the day before.
        pytest.param(date(2024, 2, 28), NOT_DUE, id="leap-year-feb28-not-yet"),
        pytest.param(date(2024, 2, 29), (Status.DUE, ("T1",)), id="leap-year-feb29"),
    ],
)
def test_t1_feb29_start_in_a_leap_anniversary_year(
    at: date, expected: tuple[Status, tuple[str, ...]]
) -> None:
    member = make_staff(school_start_date=date(2016, 2, 29))
    assert standing(check(member, at, teacher_tenure_years=8)) == expected


def test_t1_applies_to_middle_managers() -> None:
    member = make_staff(post=Post.MIDDLE_MANAGER, school_start_date=date(2021, 9, 1))
    assert standing(check(member)) == (Status.DUE, ("T1",))


def test_t1_tenure_is_a_parameter() -> None:
    member = make_staff(school_start_date=date(2022, 9, 1))
    assert standing(check(member)) == NOT_DUE
    assert standing(check(member, teacher_tenure_years=5)) == (Status.DUE, ("T1",))


def test_t1_never_applies_to_a_principal() -> None:
    # Ten years at the school but three in post: a principal is judged by T2 alone.
    member = make_leader(post_start=date(2024, 9, 1), school_start=date(2017, 9, 1))
    assert standing(check(member)) == NOT_DUE


# T2 ------------------------------------------------------------------------

T2_DUE = (Status.DUE, ("T2",))


@pytest.mark.parametrize(
    ("post", "post_start", "school_start", "at", "expected"),
    [
        # In post since 2021-09-01 at a school joined earlier: years count from the post.
        pytest.param(Post.PRINCIPAL, date(2021, 9, 1), date(2015, 9, 1), date(2027, 8, 31), NOT_DUE,
                     id="post-later-day-before"),
        pytest.param(Post.PRINCIPAL, date(2021, 9, 1), date(2015, 9, 1), date(2027, 9, 1), T2_DUE,
                     id="post-later-day-of"),
        pytest.param(Post.PRINCIPAL, date(2021, 9, 1), date(2015, 9, 1), date(2027, 9, 2), T2_DUE,
                     id="post-later-day-after"),
        # Promoted elsewhere in 2015, at this school since 2021-09-01: years count from the school start.
        pytest.param(Post.PRINCIPAL, date(2015, 9, 1), date(2021, 9, 1), date(2027, 8, 31), NOT_DUE,
                     id="school-later-day-before"),
        pytest.param(Post.PRINCIPAL, date(2015, 9, 1), date(2021, 9, 1), date(2027, 9, 1), T2_DUE,
                     id="school-later-day-of"),
        pytest.param(Post.VICE_PRINCIPAL, date(2021, 9, 1), date(2021, 9, 1), date(2027, 8, 31), NOT_DUE,
                     id="vice-principal-day-before"),
        pytest.param(Post.VICE_PRINCIPAL, date(2021, 9, 1), date(2021, 9, 1), date(2027, 9, 1), T2_DUE,
                     id="vice-principal-day-of"),
        # In post since 29 February 2020: the 6th anniversary is 28 February 2026.
        pytest.param(Post.PRINCIPAL, date(2020, 2, 29), date(2012, 9, 1), date(2026, 2, 27), NOT_DUE,
                     id="feb29-post-start-day-before"),
        pytest.param(Post.PRINCIPAL, date(2020, 2, 29), date(2012, 9, 1), date(2026, 2, 28), T2_DUE,
                     id="feb29-post-start-on-feb28"),
    ],
)  # fmt: skip
def test_t2_leader_due_after_six_years_in_post_here(
    post: Post, post_start: date, school_start: date, at: date, expected: tuple[Status, tuple[str, ...]]
) -> None:
    assert standing(check(make_leader(post_start, school_start, post), at)) == expected


@pytest.mark.parametrize(
    ("changes", "post_start", "at", "expected"),
    [
        # Terms of 2 years: two full terms (4 years) come before the 6-year tenure.
        pytest.param({"leader_term_years": 2}, date(2023, 9, 1), date(2027, 8, 31), NOT_DUE,
                     id="two-terms-first-day-before"),
        pytest.param({"leader_term_years": 2}, date(2023, 9, 1), date(2027, 9, 1), T2_DUE,
                     id="two-terms-first-day-of"),
        # A 5-year tenure comes before two 3-year terms (6 years).
        pytest.param({"leader_tenure_years": 5}, date(2022, 9, 1), date(2027, 8, 31), NOT_DUE,
                     id="tenure-first-day-before"),
        pytest.param({"leader_tenure_years": 5}, date(2022, 9, 1), date(2027, 9, 1), T2_DUE,
                     id="tenure-first-day-of"),
    ],
)  # fmt: skip
def test_t2_whichever_comes_first(
    changes: dict[str, Any], post_start: date, at: date, expected: tuple[Status, tuple[str, ...]]
) -> None:
    member = make_leader(post_start, school_start=date(2010, 9, 1))
    assert standing(check(member, at, **changes)) == expected


def test_t2_never_applies_to_a_teacher() -> None:
    assert standing(check(make_staff(school_start_date=date(2015, 9, 1)))) == (Status.DUE, ("T1",))


# E1 ------------------------------------------------------------------------

E1 = (Status.EXEMPT, ("E1",))


@pytest.mark.parametrize(
    ("post", "post_start", "school_start", "at", "expected"),
    [
        # In post since 2024-09-01: one 3-year term ends 2027-09-01, exempt only before it.
        pytest.param(Post.PRINCIPAL, date(2024, 9, 1), date(2024, 9, 1), date(2027, 8, 31), E1,
                     id="day-before"),
        pytest.param(Post.PRINCIPAL, date(2024, 9, 1), date(2024, 9, 1), date(2027, 9, 1), NOT_DUE,
                     id="day-of"),
        pytest.param(Post.PRINCIPAL, date(2024, 9, 1), date(2024, 9, 1), date(2027, 9, 2), NOT_DUE,
                     id="day-after"),
        pytest.param(Post.VICE_PRINCIPAL, date(2024, 9, 1), date(2024, 9, 1), date(2027, 8, 31), E1,
                     id="vice-principal-day-before"),
        # E1 counts from post_start_date alone (T2 would use the later school start):
        # three years in post, one at this school, is neither E1 nor T2.
        pytest.param(Post.PRINCIPAL, date(2024, 9, 1), date(2026, 9, 1), date(2027, 9, 1), NOT_DUE,
                     id="post-start-alone-not-school-start"),
        # Twelve years in post, one here: T2 counts one year, E1 twelve.
        pytest.param(Post.PRINCIPAL, date(2015, 9, 1), date(2026, 9, 1), date(2027, 9, 1), NOT_DUE,
                     id="long-in-post-new-here"),
        # One year in post at a school joined long ago: E1, however long the school tenure.
        pytest.param(Post.PRINCIPAL, date(2026, 9, 1), date(2010, 9, 1), date(2027, 9, 1), E1,
                     id="new-in-post-long-here"),
        # In post since 29 February 2024: the term ends on 28 February 2027.
        pytest.param(Post.PRINCIPAL, date(2024, 2, 29), date(2024, 2, 29), date(2027, 2, 27), E1,
                     id="feb29-day-before"),
        pytest.param(Post.PRINCIPAL, date(2024, 2, 29), date(2024, 2, 29), date(2027, 2, 28), NOT_DUE,
                     id="feb29-on-feb28"),
    ],
)  # fmt: skip
def test_e1_new_leader(
    post: Post, post_start: date, school_start: date, at: date, expected: tuple[Status, tuple[str, ...]]
) -> None:
    assert standing(check(make_leader(post_start, school_start, post), at)) == expected


def test_e1_term_is_a_parameter() -> None:
    member = make_leader(date(2024, 9, 1), date(2024, 9, 1))
    assert standing(check(member, leader_term_years=4)) == E1


def test_e1_never_applies_to_a_middle_manager() -> None:
    member = make_staff(
        post=Post.MIDDLE_MANAGER, post_start_date=date(2027, 3, 1), school_start_date=date(2021, 9, 1)
    )
    assert standing(check(member)) == (Status.DUE, ("T1",))


# E2 ------------------------------------------------------------------------

E2 = (Status.EXEMPT, ("E2",))


@pytest.mark.parametrize(
    ("gender", "birth", "at", "expected", "age"),
    [
        # A man born 1972-09-01 turns 55 on 2027-09-01: over 55 only from the day after.
        pytest.param(Gender.MALE, date(1972, 9, 1), date(2027, 8, 31), NOT_DUE, 54, id="man-day-before"),
        pytest.param(Gender.MALE, date(1972, 9, 1), date(2027, 9, 1), NOT_DUE, 55, id="man-on-55th-birthday"),
        pytest.param(Gender.MALE, date(1972, 9, 1), date(2027, 9, 2), E2, 55, id="man-day-after"),
        # A woman's limit is 50.
        pytest.param(Gender.FEMALE, date(1977, 9, 1), date(2027, 8, 31), NOT_DUE, 49, id="woman-day-before"),
        pytest.param(
            Gender.FEMALE, date(1977, 9, 1), date(2027, 9, 1), NOT_DUE, 50, id="woman-on-50th-birthday"
        ),
        pytest.param(Gender.FEMALE, date(1977, 9, 1), date(2027, 9, 2), E2, 50, id="woman-day-after"),
        # Born 29 February 1972: the 55th birthday falls on 28 February 2027.
        pytest.param(Gender.MALE, date(1972, 2, 29), date(2027, 2, 27), NOT_DUE, 54, id="feb29-day-before"),
        pytest.param(Gender.MALE, date(1972, 2, 29), date(2027, 2, 28), NOT_DUE, 55, id="feb29-on-feb28"),
        pytest.param(Gender.MALE, date(1972, 2, 29), date(2027, 3, 1), E2, 55, id="feb29-day-after"),
    ],
)
def test_e2_strictly_over_the_age_limit(
    gender: Gender, birth: date, at: date, expected: tuple[Status, tuple[str, ...]], age: int
) -> None:
    result = check(make_staff(gender=gender, birth_date=birth, school_start_date=date(2025, 9, 1)), at)
    assert standing(result) == expected
    assert result.age == age


def test_e2_age_limits_are_parameters() -> None:
    woman = make_staff(birth_date=date(1977, 9, 1))
    assert standing(check(woman, date(2027, 9, 2), female_exempt_age=55)) == NOT_DUE
    man = make_staff(gender=Gender.MALE, birth_date=date(1977, 9, 1))
    assert standing(check(man, date(2027, 9, 2), male_exempt_age=50)) == E2


# E3, E5, E7 ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param(
            {"project_lead_approved": True}, (Status.EXEMPT, ("E3",)), id="E3-approved-project-lead"
        ),
        pytest.param({"project_lead_approved": False}, NOT_DUE, id="E3-not-approved"),
        pytest.param({"medical_exemption": True}, (Status.EXEMPT, ("E5",)), id="E5-certified-illness"),
        pytest.param({"override": Override.EXEMPT}, (Status.EXEMPT, ("E7",)), id="E7-bureau-exempt"),
    ],
)
def test_flag_exemptions(changes: dict[str, Any], expected: tuple[Status, tuple[str, ...]]) -> None:
    assert standing(check(make_staff(**changes))) == expected


# E4 ------------------------------------------------------------------------

E4 = (Status.EXEMPT, ("E4",))


@pytest.mark.parametrize(
    ("pregnant_or_nursing", "child_birth", "at", "expected"),
    [
        # No child birth date: the declaration (pregnancy or nursing) is enough.
        pytest.param(True, None, AT, E4, id="declared-without-child-date"),
        pytest.param(False, None, AT, NOT_DUE, id="neither-flag-nor-date"),
        # A child born 2026-09-01 turns one on 2027-09-01: nursing ends that day (exclusive), flag or not.
        pytest.param(True, date(2026, 9, 1), date(2027, 8, 31), E4, id="day-before-first-birthday"),
        pytest.param(True, date(2026, 9, 1), date(2027, 9, 1), NOT_DUE, id="on-first-birthday"),
        pytest.param(True, date(2026, 9, 1), date(2027, 9, 2), NOT_DUE, id="day-after-first-birthday"),
        pytest.param(False, date(2026, 9, 1), date(2027, 8, 31), E4, id="no-flag-day-before-first-birthday"),
        pytest.param(False, date(2026, 9, 1), date(2027, 9, 1), NOT_DUE, id="no-flag-on-first-birthday"),
        pytest.param(
            False, date(2026, 9, 1), date(2027, 9, 2), NOT_DUE, id="no-flag-day-after-first-birthday"
        ),
        # A child born 29 February 2024 turns one on 28 February 2025.
        pytest.param(True, date(2024, 2, 29), date(2025, 2, 27), E4, id="feb29-child-day-before"),
        pytest.param(True, date(2024, 2, 29), date(2025, 2, 28), NOT_DUE, id="feb29-child-on-feb28"),
        pytest.param(False, date(2024, 2, 29), date(2025, 2, 27), E4, id="no-flag-feb29-child-day-before"),
        pytest.param(False, date(2024, 2, 29), date(2025, 2, 28), NOT_DUE, id="no-flag-feb29-child-on-feb28"),
        pytest.param(False, date(2024, 2, 29), date(2025, 3, 1), NOT_DUE, id="no-flag-feb29-child-day-after"),
        # Born 29 February 2028: 2029 is no leap year, so the first birthday is 28 February 2029.
        pytest.param(False, date(2028, 2, 29), date(2029, 2, 27), E4, id="leap-child-day-before-feb28"),
        pytest.param(False, date(2028, 2, 29), date(2029, 2, 28), NOT_DUE, id="leap-child-on-feb28"),
        # Born on the effective date itself: nursing has just begun.
        pytest.param(True, AT, AT, E4, id="child-born-on-effective-date"),
        pytest.param(False, AT, AT, E4, id="no-flag-child-born-on-effective-date"),
        # A birth date after the effective date is the expected one: pregnant, flag or not.
        pytest.param(True, date(2027, 12, 1), AT, E4, id="expected-child-means-pregnant"),
        pytest.param(False, date(2027, 9, 2), AT, E4, id="no-flag-expected-the-day-after"),
        # Issue 11: a mother of a three-month-old whose flag was left blank is exempt, not due.
        pytest.param(False, date(2027, 6, 1), AT, E4, id="no-flag-three-month-old"),
        # With the child already one, the flag no longer exempts.
        pytest.param(True, date(2025, 3, 1), AT, NOT_DUE, id="flag-with-a-two-year-old"),
    ],
)
def test_e4_pregnant_or_nursing_until_the_first_birthday(
    pregnant_or_nursing: bool, child_birth: date | None, at: date, expected: tuple[Status, tuple[str, ...]]
) -> None:
    member = make_staff(pregnant_or_nursing=pregnant_or_nursing, child_birth_date=child_birth)
    result = check(member, at)
    assert standing(result) == expected
    assert result.is_sensitive is (expected == E4)


def test_e4_the_child_date_decides_over_the_flag_of_someone_due() -> None:
    # Ten years at the school: due by T1 once the child has turned one, whatever the flag says.
    due_teacher = {"school_start_date": date(2015, 9, 1), "pregnant_or_nursing": True}
    assert standing(check(make_staff(**due_teacher, child_birth_date=date(2026, 8, 31)))) == (
        Status.DUE,
        ("T1",),
    )
    assert standing(check(make_staff(**due_teacher, child_birth_date=date(2026, 9, 2)))) == E4


@pytest.mark.parametrize(
    ("flag", "child_birth", "expected"),
    [
        # For a man the child's date alone exempts nothing, even a newborn or an expected child ...
        pytest.param(False, date(2027, 6, 1), NOT_DUE, id="man-infant-no-flag"),
        pytest.param(False, date(2027, 12, 1), NOT_DUE, id="man-expected-child-no-flag"),
        # ... his declaration stands while the child is under one, and lapses on the first birthday.
        pytest.param(True, date(2026, 9, 2), E4, id="man-flag-child-turns-one-the-day-after"),
        pytest.param(True, date(2026, 9, 1), NOT_DUE, id="man-flag-child-turns-one-that-day"),
    ],
)
def test_e4_for_a_man_only_the_flag_counts(
    flag: bool, child_birth: date, expected: tuple[Status, tuple[str, ...]]
) -> None:
    member = make_staff(gender=Gender.MALE, pregnant_or_nursing=flag, child_birth_date=child_birth)
    assert standing(check(member)) == expected


# E6 ------------------------------------------------------------------------

E6 = (Status.EXEMPT, ("E6",))
THREE_YEARS_AT_A = stint("城东中学", date(2010, 9, 1), date(2013, 9, 1))
THREE_YEARS_AT_B = stint("城西小学", date(2013, 9, 1), date(2016, 9, 1))
# End dates are exclusive: this stint is one day short of three years.
ALMOST_THREE_YEARS_AT_B = stint("城西小学", date(2013, 9, 1), date(2016, 8, 31))


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param({"other_schools_3y": 1}, NOT_DUE, id="cell-one-school"),
        pytest.param({"other_schools_3y": 2}, E6, id="cell-two-schools"),
        pytest.param({"history": (THREE_YEARS_AT_A, THREE_YEARS_AT_B)}, E6,
                     id="history-exactly-three-years-each"),
        pytest.param({"history": (THREE_YEARS_AT_A, ALMOST_THREE_YEARS_AT_B)}, NOT_DUE,
                     id="history-one-day-short"),
        # Rows for one school add up: 2 + 1 years at 城西小学 are 3 years there.
        pytest.param(
            {"history": (
                THREE_YEARS_AT_A,
                stint("城西小学", date(2001, 9, 1), date(2003, 9, 1)),
                stint("城西小学", date(2006, 9, 1), date(2007, 9, 1)),
            )},
            E6,
            id="history-rows-of-one-school-add-up",
        ),
        # Year-month stints add up by months: 18 + 18 months at 城西小学 are 3 years there,
        # though a day count (181 + 184 leftover days) would fall one day short of a year.
        pytest.param(
            {"history": (
                THREE_YEARS_AT_A,
                stint("城西小学", date(2001, 9, 1), date(2003, 3, 1)),
                stint("城西小学", date(2005, 3, 1), date(2006, 9, 1)),
            )},
            E6,
            id="history-half-years-add-up",
        ),
        # Leftover days pool at 31 a month: 23 months 16 days plus 12 months 15 days at
        # 城西小学 are 35 months 31 days, so 36 months, 3 years.
        pytest.param(
            {"history": (
                THREE_YEARS_AT_A,
                stint("城西小学", date(2001, 9, 1), date(2003, 8, 17)),
                stint("城西小学", date(2005, 9, 1), date(2006, 9, 16)),
            )},
            E6,
            id="history-leftover-days-pool",
        ),
        # One day less and the pooled 30 days make no month: 35 months, not yet 3 years.
        pytest.param(
            {"history": (
                THREE_YEARS_AT_A,
                stint("城西小学", date(2001, 9, 1), date(2003, 8, 17)),
                stint("城西小学", date(2005, 9, 1), date(2006, 9, 15)),
            )},
            NOT_DUE,
            id="history-leftover-days-one-short",
        ),
        # A filled-in cell wins over the history, either way.
        pytest.param({"other_schools_3y": 0, "history": (THREE_YEARS_AT_A, THREE_YEARS_AT_B)}, NOT_DUE,
                     id="cell-zero-wins-over-history"),
        pytest.param({"other_schools_3y": 2, "history": ()}, E6, id="cell-two-wins-over-empty-history"),
    ],
)  # fmt: skip
def test_e6_other_schools(changes: dict[str, Any], expected: tuple[Status, tuple[str, ...]]) -> None:
    assert standing(check(make_staff(**changes))) == expected


def test_e6_other_school_limits_are_parameters() -> None:
    assert standing(check(make_staff(other_schools_3y=2), e6_other_schools=3)) == NOT_DUE
    member = make_staff(history=(THREE_YEARS_AT_A, THREE_YEARS_AT_B))
    assert standing(check(member, e6_years_each=4)) == NOT_DUE


# Three 2-year stints at three rural schools, with gaps holding leap days: 6 years in all.
SIX_RURAL_YEARS = (
    stint("乡村一小", date(2001, 9, 1), date(2003, 9, 1), Area.RURAL),
    stint("乡村二小", date(2005, 9, 1), date(2007, 9, 1), Area.RURAL),
    stint("乡村三小", date(2009, 9, 1), date(2011, 9, 1), Area.RURAL),
)
SIX_YEARS_AT_ONE_RURAL_SCHOOL = stint("乡村一小", date(2015, 9, 1), date(2021, 9, 1), Area.RURAL)
A_DAY_SHORT_OF_SIX_RURAL_YEARS = stint("乡村一小", date(2015, 9, 1), date(2021, 8, 31), Area.RURAL)
TEN_YEARS_IN_TOWN = stint("镇中心校", date(2005, 9, 1), date(2015, 9, 1), Area.TOWN)


@pytest.mark.parametrize(
    ("area", "changes", "expected"),
    [
        pytest.param(Area.URBAN, {"rural_years": 6}, E6, id="urban-cell-six"),
        pytest.param(Area.URBAN, {"rural_years": 5.9}, NOT_DUE, id="urban-cell-just-under"),
        # Only an urban current school: a town school is neither urban nor rural.
        pytest.param(Area.TOWN, {"rural_years": 10}, NOT_DUE, id="town-school-never"),
        pytest.param(Area.RURAL, {"rural_years": 10}, NOT_DUE, id="rural-school-never"),
        pytest.param(Area.URBAN, {"history": SIX_RURAL_YEARS}, E6, id="urban-history-stints-add-up"),
        pytest.param(Area.TOWN, {"history": SIX_RURAL_YEARS}, NOT_DUE, id="town-history"),
        # One rural stint: exactly six years counts, a day less does not (end exclusive).
        pytest.param(Area.URBAN, {"history": (SIX_YEARS_AT_ONE_RURAL_SCHOOL,)}, E6,
                     id="urban-history-exactly-six"),
        pytest.param(Area.URBAN, {"history": (A_DAY_SHORT_OF_SIX_RURAL_YEARS,)}, NOT_DUE,
                     id="urban-history-day-short"),
        # Years at town schools are not rural years.
        pytest.param(Area.URBAN, {"history": (TEN_YEARS_IN_TOWN,)}, NOT_DUE, id="town-history-is-not-rural"),
        pytest.param(Area.URBAN, {"rural_years": 0, "history": SIX_RURAL_YEARS}, NOT_DUE,
                     id="cell-wins-over-history"),
    ],
)  # fmt: skip
def test_e6_rural_years_at_an_urban_school(
    area: Area, changes: dict[str, Any], expected: tuple[Status, tuple[str, ...]]
) -> None:
    assert standing(check(make_staff(**changes), area=area)) == expected


def test_e6_rural_years_is_a_parameter() -> None:
    assert standing(check(make_staff(rural_years=5), e6_rural_years=5)) == E6


# Every exemption is listed ------------------------------------------------


def test_every_exemption_is_listed_in_id_order() -> None:
    # A vice principal, new in post (E1), 61 (E2), approved project lead (E3), nursing (E4),
    # certified ill (E5), with two other schools (E6) and a bureau exemption (E7), due by tenure too.
    member = make_leader(
        post_start=date(2026, 9, 1),
        school_start=date(2010, 9, 1),
        post=Post.VICE_PRINCIPAL,
        birth_date=date(1966, 1, 1),
        project_lead_approved=True,
        pregnant_or_nursing=True,
        medical_exemption=True,
        other_schools_3y=2,
        override=Override.EXEMPT,
    )
    assert standing(check(member)) == (Status.EXEMPT, ("E1", "E2", "E3", "E4", "E5", "E6", "E7"))


def test_two_exemptions_both_listed() -> None:
    member = make_staff(birth_date=date(1970, 1, 1), project_lead_approved=True)
    assert standing(check(member)) == (Status.EXEMPT, ("E2", "E3"))


# E7 override = due ---------------------------------------------------------

OLD_MAN: dict[str, Any] = {"gender": Gender.MALE, "birth_date": date(1960, 1, 1)}


@pytest.mark.parametrize(
    ("member", "expected"),
    [
        # override = due sets E1, E2, E3 and E6 aside and makes the person due under T1.
        pytest.param(make_leader(date(2026, 9, 1), date(2026, 9, 1), override=Override.DUE),
                     (Status.DUE, ("T1",)), id="over-E1"),
        pytest.param(make_staff(**OLD_MAN, override=Override.DUE), (Status.DUE, ("T1",)), id="over-E2"),
        pytest.param(make_staff(project_lead_approved=True, override=Override.DUE), (Status.DUE, ("T1",)),
                     id="over-E3"),
        pytest.param(make_staff(other_schools_3y=3, override=Override.DUE), (Status.DUE, ("T1",)),
                     id="over-E6"),
        # Due although not due by tenure (three years here).
        pytest.param(make_staff(override=Override.DUE), (Status.DUE, ("T1",)), id="not-due-by-tenure"),
        # Never over E4 or E5: those stand, and only they are listed.
        pytest.param(make_staff(pregnant_or_nursing=True, override=Override.DUE), E4, id="never-over-E4"),
        pytest.param(make_staff(medical_exemption=True, override=Override.DUE), (Status.EXEMPT, ("E5",)),
                     id="never-over-E5"),
        pytest.param(make_staff(**OLD_MAN, medical_exemption=True, override=Override.DUE),
                     (Status.EXEMPT, ("E5",)), id="E2-set-aside-E5-stands"),
    ],
)  # fmt: skip
def test_e7_override_due(member: StaffMember, expected: tuple[Status, tuple[str, ...]]) -> None:
    result = check(member)
    assert standing(result) == expected
    assert result.movable is (expected[0] is Status.DUE)


# Volunteers -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected", "movable"),
    [
        # An exempt volunteer stays exempt (the sheet says why) but may be moved.
        pytest.param({**OLD_MAN, "volunteer": True}, E2, True, id="E2-volunteer-movable"),
        pytest.param({"other_schools_3y": 2, "volunteer": True}, E6, True, id="E6-volunteer-movable"),
        # ... unless a maternity, medical or bureau exemption applies: those are final.
        pytest.param({"override": Override.EXEMPT, "volunteer": True}, (Status.EXEMPT, ("E7",)), False,
                     id="E7-volunteer-not-movable"),
        pytest.param({**OLD_MAN, "override": Override.EXEMPT, "volunteer": True},
                     (Status.EXEMPT, ("E2", "E7")), False, id="E2-E7-volunteer-not-movable"),
        pytest.param({"pregnant_or_nursing": True, "volunteer": True}, E4, False,
                     id="E4-volunteer-not-movable"),
        pytest.param({"child_birth_date": date(2027, 6, 1), "volunteer": True}, E4, False,
                     id="E4-from-the-date-volunteer-not-movable"),
        pytest.param({"medical_exemption": True, "volunteer": True}, (Status.EXEMPT, ("E5",)), False,
                     id="E5-volunteer-not-movable"),
        pytest.param({**OLD_MAN, "medical_exemption": True, "volunteer": True}, (Status.EXEMPT, ("E2", "E5")),
                     False, id="E2-E5-volunteer-not-movable"),
        pytest.param({**OLD_MAN}, E2, False, id="E2-without-volunteering-not-movable"),
        # Volunteering changes nothing for someone not exempt.
        pytest.param({"volunteer": True}, NOT_DUE, True, id="not-due-volunteer"),
        pytest.param({"volunteer": True, "school_start_date": date(2015, 9, 1)}, (Status.DUE, ("T1",)), True,
                     id="due-volunteer"),
    ],
)  # fmt: skip
def test_volunteers(changes: dict[str, Any], expected: tuple[Status, tuple[str, ...]], movable: bool) -> None:
    result = check(make_staff(**changes))
    assert standing(result) == expected
    assert result.movable is movable


# S1 and S2 -------------------------------------------------------------------

LOCKED = (Status.LOCKED, ("S1",))
RETURNING = (Status.RETURNING, ("S2",))


def on_exchange(start: date, post: Post = Post.TEACHER, **fields: Any) -> StaffMember:
    """Working at S1 on exchange from home school H1 since ``start``."""
    if post.is_leader:
        fields.setdefault("post_start_date", date(2015, 9, 1))
    return make_staff(post=post, home_school_id="H1", exchange_start_date=start, **fields)


@pytest.mark.parametrize(
    ("post", "start", "at", "expected"),
    [
        # A teacher's 1-year stint from 2026-09-01 ends on 2027-09-01, which counts as ended.
        pytest.param(Post.TEACHER, date(2026, 9, 1), date(2027, 8, 31), LOCKED, id="teacher-day-before"),
        pytest.param(Post.TEACHER, date(2026, 9, 1), date(2027, 9, 1), RETURNING, id="teacher-day-of"),
        pytest.param(Post.TEACHER, date(2026, 9, 1), date(2027, 9, 2), RETURNING, id="teacher-day-after"),
        # Middle managers, vice principals and principals stay three years.
        pytest.param(
            Post.MIDDLE_MANAGER, date(2024, 9, 1), date(2027, 8, 31), LOCKED, id="manager-day-before"
        ),
        pytest.param(Post.MIDDLE_MANAGER, date(2024, 9, 1), date(2027, 9, 1), RETURNING, id="manager-day-of"),
        pytest.param(Post.MIDDLE_MANAGER, date(2025, 9, 1), date(2027, 9, 1), LOCKED, id="manager-two-years"),
        pytest.param(Post.VICE_PRINCIPAL, date(2024, 9, 1), date(2027, 8, 31), LOCKED, id="vice-day-before"),
        pytest.param(Post.PRINCIPAL, date(2024, 9, 1), date(2027, 9, 1), RETURNING, id="principal-day-of"),
        # An exchange from 29 February 2024 ends on 28 February 2025.
        pytest.param(Post.TEACHER, date(2024, 2, 29), date(2025, 2, 27), LOCKED, id="feb29-day-before"),
        pytest.param(Post.TEACHER, date(2024, 2, 29), date(2025, 2, 28), RETURNING, id="feb29-on-feb28"),
    ],
)
def test_s1_locked_until_the_minimum_stint_ends_then_s2_returning(
    post: Post, start: date, at: date, expected: tuple[Status, tuple[str, ...]]
) -> None:
    result = check(on_exchange(start, post), at)
    assert standing(result) == expected
    assert not result.movable


def test_s1_stint_lengths_are_parameters() -> None:
    teacher = on_exchange(date(2026, 9, 1))
    assert standing(check(teacher, teacher_min_stint_years=2)) == LOCKED
    manager = on_exchange(date(2026, 9, 1), Post.MIDDLE_MANAGER)
    assert standing(check(manager, leader_min_stint_years=1)) == RETURNING


EVERYTHING_ELSE: list[Any] = [
    pytest.param({"pregnant_or_nursing": True}, id="E4"),
    pytest.param({"medical_exemption": True}, id="E5"),
    pytest.param(OLD_MAN, id="E2"),
    pytest.param({"override": Override.EXEMPT}, id="E7"),
    pytest.param({"override": Override.DUE}, id="override-due"),
    pytest.param({"school_start_date": date(2010, 9, 1)}, id="T1-tenure"),
    pytest.param({"volunteer": True, "other_schools_3y": 4}, id="E6-volunteer"),
]


@pytest.mark.parametrize("changes", EVERYTHING_ELSE)
@pytest.mark.parametrize(
    ("start", "expected"),
    [
        pytest.param(date(2027, 3, 1), LOCKED, id="locked"),
        pytest.param(date(2025, 9, 1), RETURNING, id="returning"),
    ],
)
def test_on_exchange_whatever_else_applies(
    start: date, expected: tuple[Status, tuple[str, ...]], changes: dict[str, Any]
) -> None:
    result = check(on_exchange(start, **changes))
    assert standing(result) == expected
    assert not result.movable


# Status precedence -----------------------------------------------------------


@pytest.mark.parametrize(
    ("member", "expected", "movable"),
    [
        # Exempt wins over due, and the reasons list only the E codes.
        pytest.param(make_staff(school_start_date=date(2010, 9, 1), project_lead_approved=True),
                     (Status.EXEMPT, ("E3",)), False, id="exempt-over-T1"),
        pytest.param(make_leader(date(2015, 9, 1), date(2015, 9, 1), **OLD_MAN), E2, False,
                     id="exempt-over-T2"),
        pytest.param(make_staff(school_start_date=date(2010, 9, 1)), (Status.DUE, ("T1",)), True, id="due"),
        pytest.param(make_staff(), NOT_DUE, True, id="not-due-still-movable-for-obligations"),
    ],
)  # fmt: skip
def test_status_precedence(
    member: StaffMember, expected: tuple[Status, tuple[str, ...]], movable: bool
) -> None:
    result = check(member)
    assert standing(result) == expected
    assert result.movable is movable
    assert result.is_due is (expected[0] is Status.DUE)


@pytest.mark.parametrize(
    ("at", "tenure"),
    [
        pytest.param(date(2027, 8, 31), 5, id="day-before"),
        pytest.param(date(2027, 9, 1), 6, id="day-of"),
    ],
)
def test_tenure_years_are_whole_years_at_the_school(at: date, tenure: int) -> None:
    # A principal's tenure_years is the school's, though T2 counts from the later post start.
    member = make_leader(post_start=date(2025, 9, 1), school_start=date(2021, 9, 1))
    assert check(member, at).tenure_years == tenure


def test_assess_roster_uses_each_members_school() -> None:
    urban, town = make_school(Area.URBAN, "S1", "城关一小"), make_school(Area.TOWN, "S2", "镇中心校")
    in_town = make_staff(staff_id="0002", school_id="S2", home_school_id="S2", rural_years=8)
    in_city = make_staff(staff_id="0001", rural_years=8)
    roster = Roster(schools={"S1": urban, "S2": town}, groups={}, staff=(in_town, in_city))
    result = assess_roster(roster, Parameters(effective_date=AT))
    assert list(result) == ["0002", "0001"]
    assert standing(result["0001"]) == E6
    assert standing(result["0002"]) == NOT_DUE
