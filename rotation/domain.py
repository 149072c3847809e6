"""The domain: schools, groups, staff and the roster that ties them together.

These are validated at the boundary (the workbook loader) and trusted inside.
Nothing here knows about Excel, pandas or any solver.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property

from rotation.codes import (
    BANDS_BY_STAGE,
    Area,
    Band,
    Category,
    Gender,
    GroupKind,
    Honor,
    Override,
    Post,
    Stage,
)
from rotation.text import Text


@dataclass(frozen=True, slots=True)
class School:
    school_id: str
    name: str
    stage: Stage
    area: Area
    category: Category
    students: int
    staff_quota: int | None = None
    small_school: bool = False
    latitude: float | None = None
    longitude: float | None = None

    def __post_init__(self) -> None:
        if self.students < 0:
            raise ValueError(f"school {self.school_id}: negative student count")

    @property
    def bands(self) -> frozenset[Band]:
        return BANDS_BY_STAGE[self.stage]

    @property
    def is_receiving_priority(self) -> bool:
        """Weak, new or rural: the schools N2 wants key teachers to flow toward."""
        return self.category in (Category.WEAK, Category.NEW) or self.area is Area.RURAL


@dataclass(frozen=True, slots=True)
class Group:
    """A group, alliance or pair of schools; ``lead`` is the lead (or central) school when there is one."""

    group_id: str
    name: str
    kind: GroupKind
    school_ids: tuple[str, ...]
    lead: str | None = None

    @property
    def members(self) -> tuple[str, ...]:
        """The schools other than the lead, in workbook order."""
        return tuple(s for s in self.school_ids if s != self.lead)


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """A past stint at another school (end exclusive), from the ``history`` sheet."""

    school_name: str
    area: Area | None
    start_date: date
    end_date: date


@dataclass(frozen=True, slots=True)
class StaffMember:
    staff_id: str
    name: str
    gender: Gender
    birth_date: date
    school_id: str
    home_school_id: str
    school_start_date: date
    post: Post
    subject: str | None = None
    band: Band | None = None
    post_start_date: date | None = None
    honor: Honor = Honor.NONE
    senior3: bool = False
    pregnant_or_nursing: bool = False
    child_birth_date: date | None = None
    medical_exemption: bool = False
    project_lead_approved: bool = False
    other_schools_3y: int | None = None
    rural_years: float | None = None
    history: tuple[HistoryEntry, ...] = ()
    exchange_start_date: date | None = None
    volunteer: bool = False
    override: Override | None = None
    preferences: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.on_exchange and self.exchange_start_date is None:
            raise ValueError(f"staff {self.staff_id}: on exchange without exchange_start_date")

    @property
    def on_exchange(self) -> bool:
        """Working away from the home school (人事关系学校) under an earlier exchange."""
        return self.home_school_id != self.school_id

    @property
    def is_key_teacher(self) -> bool:
        """骨干教师: an honor at district level or above."""
        return self.honor is not Honor.NONE


@dataclass(frozen=True, slots=True)
class SubjectMinimum:
    """C1: at least ``min_teachers`` of ``subject`` (in ``band`` when given) at ``school_id``."""

    school_id: str
    subject: str
    band: Band | None
    min_teachers: int


class PinKind(StrEnum):
    MUST = "must"
    NEVER = "never"
    STAY = "stay"  # stays home this summer (an appeal granted); to_school_id is blank


@dataclass(frozen=True, slots=True)
class Pin:
    """A planner's decision: ``staff_id`` must (or must never) move to ``to_school_id``, or (``stay``)
    is not moved at all: a person at home stays there, one returning from an exchange goes home."""

    staff_id: str
    to_school_id: str
    kind: PinKind


@dataclass(frozen=True)
class Roster:
    """Everything the workbook describes, cross-checked once by the loader.

    ``subject_minimums`` is None when the workbook has no ``subject_minimums``
    sheet: C1 then keeps every subject a school teaches today above zero.
    """

    schools: dict[str, School]
    groups: dict[str, Group]
    staff: tuple[StaffMember, ...]
    subject_minimums: tuple[SubjectMinimum, ...] | None = None
    pins: tuple[Pin, ...] = ()
    warnings: tuple[Text, ...] = field(default=())  # the loader's, in both languages

    @cached_property
    def staff_by_id(self) -> dict[str, StaffMember]:
        return {member.staff_id: member for member in self.staff}

    @cached_property
    def staff_by_school(self) -> dict[str, tuple[StaffMember, ...]]:
        """Staff by the school they work at now (school_id)."""
        by_school: dict[str, list[StaffMember]] = defaultdict(list)
        for member in self.staff:
            by_school[member.school_id].append(member)
        return {school_id: tuple(by_school.get(school_id, ())) for school_id in self.schools}

    @cached_property
    def groups_by_school(self) -> dict[str, tuple[Group, ...]]:
        by_school: dict[str, list[Group]] = defaultdict(list)
        for group in self.groups.values():
            for school_id in group.school_ids:
                by_school[school_id].append(group)
        return {school_id: tuple(by_school.get(school_id, ())) for school_id in self.schools}
