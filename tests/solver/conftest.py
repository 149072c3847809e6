"""Tiny roster builders for the solver tests: every instance is written out in the test itself."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from rotation.codes import Area, Band, Category, Gender, GroupKind, Honor, Post, Stage
from rotation.domain import Group, Pin, Roster, School, StaffMember, SubjectMinimum
from rotation.eligibility import assess_roster
from rotation.parameters import Parameters
from rotation.plan import Plan
from solver.settings import SolveOptions
from solver.solve import solve

EFFECTIVE = date(2027, 9, 1)
# School start dates: a teacher who started on DUE is due under T1 (8 years ≥ 6), one on FRESH is not
# (3 years); LONG gives a due teacher a longer tenure (12 years) than DUE.
LONG = date(2015, 9, 1)
DUE = date(2019, 9, 1)
FRESH = date(2024, 9, 1)
# Born on OLD: a man over 55, exempt under E2 and not movable (fills a school without moving).
OLD = date(1960, 1, 1)


def school(
    school_id: str,
    stage: Stage = Stage.PRIMARY,
    area: Area = Area.TOWN,
    category: Category = Category.ORDINARY,
    quota: int | None = None,
    small: bool = False,
    at: tuple[float, float] | None = None,
) -> School:
    return School(
        school_id=school_id,
        name=f"school {school_id}",
        stage=stage,
        area=area,
        category=category,
        students=500,
        staff_quota=quota,
        small_school=small,
        latitude=at[0] if at else None,
        longitude=at[1] if at else None,
    )


def person(
    staff_id: str,
    school_id: str,
    subject: str | None = "数学",
    band: Band | None = Band.PRIMARY_UPPER,
    start: date = DUE,
    post: Post = Post.TEACHER,
    honor: Honor = Honor.NONE,
    home: str | None = None,
    exchange_start: date | None = None,
    **extra: object,
) -> StaffMember:
    """A 40-year-old man (no exemption), due under T1 unless ``start`` says otherwise."""
    member = StaffMember(
        staff_id=staff_id,
        name=f"name {staff_id}",
        gender=Gender.MALE,
        birth_date=date(1987, 3, 1),
        school_id=school_id,
        home_school_id=home or school_id,
        school_start_date=start,
        post=post,
        subject=subject,
        band=band,
        post_start_date=start if post.is_leader else None,
        honor=honor,
        exchange_start_date=exchange_start,
    )
    return replace(member, **extra)  # type: ignore[arg-type]


def exempt(
    staff_id: str, school_id: str, subject: str = "音乐", band: Band | None = Band.PRIMARY_UPPER
) -> StaffMember:
    """Someone who stays whatever happens (E2), to give a school headcount and subjects."""
    return person(staff_id, school_id, subject, band, start=FRESH, birth_date=OLD)


def group(group_id: str, kind: GroupKind, schools: Iterable[str], lead: str | None = None) -> Group:
    return Group(group_id, f"group {group_id}", kind, tuple(schools), lead)


def roster(
    schools: Iterable[School],
    groups: Iterable[Group],
    staff: Iterable[StaffMember],
    minimums: tuple[SubjectMinimum, ...] | None = None,
    pins: tuple[Pin, ...] = (),
) -> Roster:
    return Roster(
        schools={s.school_id: s for s in schools},
        groups={g.group_id: g for g in groups},
        staff=tuple(staff),
        subject_minimums=minimums,
        pins=pins,
    )


def params(**values: object) -> Parameters:
    """The defaults of domain-rules.md at EFFECTIVE, with the changes a test names."""
    return replace(Parameters(effective_date=EFFECTIVE), **values)  # type: ignore[arg-type]


def run(
    the_roster: Roster,
    the_params: Parameters | None = None,
    pins: tuple[Pin, ...] = (),
    seed: int = 0,
    workers: int = 1,
) -> Plan:
    chosen = the_params or params()
    eligibility = assess_roster(the_roster, chosen)
    return solve(
        the_roster, chosen, eligibility, SolveOptions(time_limit_s=10, workers=workers, seed=seed, pins=pins)
    )


def moves(plan: Plan) -> set[tuple[str, str, str, str]]:
    """(staff, from, to, rule) of every move, returns (S2) included."""
    return {(m.staff_id, m.from_school_id, m.to_school_id, m.rule) for m in plan.moves}


def outcome(plan: Plan, rule: str, part: str = "", school_id: str | None = None) -> tuple[int, int]:
    """(required, achieved) of the one obligation row matching rule, part (and school)."""
    rows = [
        o
        for o in plan.obligations
        if o.rule == rule and o.part == part and (school_id is None or o.school_id == school_id)
    ]
    assert len(rows) == 1, rows
    return rows[0].required, rows[0].achieved
