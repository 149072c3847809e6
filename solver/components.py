"""Decomposition: schools linked by shared groups form independent parts of the problem.

No move, obligation or school constraint crosses from one component to
another (C3 keeps moves inside shared groups; an exchange links its home and
host; with destination_scope = district, a due person of an ungrouped school
links it to every school it could go to), so each component is solved on its
own and the plans are merged. Every
objective level is a sum over components, so the per-component lexicographic
optima add up to the global one.

Principals are the exception P1 makes: with principal_scope = district a
principal may go to any school of the same stage, which would glue every
same-stage school into one component. Inside a component principals move
between schools that share a group; a principal who could be exchanged with
one of a school outside their groups (``exchange``) may instead be marked
away, replaced by a principal from outside, and solver/principals.py pairs
the marked principals of the whole district afterwards (docs/decisions.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from rotation.codes import GroupKind, Post
from rotation.destinations import c3_destinations, c3_teaches, p1_exchange_candidates, p1_outside_groups
from rotation.domain import Group, Pin, PinKind, Roster, StaffMember
from rotation.draft import Draft
from rotation.eligibility import Eligibility
from rotation.parameters import Parameters
from rotation.text import Text


@dataclass(frozen=True)
class ComponentData:
    """One component: its schools (sorted by id), everyone working there now, and the pins on them.

    ``exchange``: the principals of the component who may be exchanged with a principal outside their
    groups (P1, principal_scope = district), by staff id.
    """

    index: int
    count: int
    roster: Roster
    params: Parameters
    eligibility: Mapping[str, Eligibility]
    school_ids: tuple[str, ...]
    pins: tuple[Pin, ...]
    exchange: frozenset[str] = frozenset()
    draft: Draft | None = None  # a published draft to change as little as possible (O0)

    @cached_property
    def school_set(self) -> frozenset[str]:
        return frozenset(self.school_ids)

    @cached_property
    def staff(self) -> tuple[StaffMember, ...]:
        """Everyone working at a school of the component now, sorted by staff id (stable variable order)."""
        members = (m for school_id in self.school_ids for m in self.roster.staff_by_school[school_id])
        return tuple(sorted(members, key=lambda m: m.staff_id))

    @cached_property
    def staff_now(self) -> dict[str, tuple[StaffMember, ...]]:
        """Staff by the school they work at now, each sorted by id."""
        by_school: dict[str, list[StaffMember]] = {school_id: [] for school_id in self.school_ids}
        for member in self.staff:
            by_school[member.school_id].append(member)
        return {school_id: tuple(members) for school_id, members in by_school.items()}

    @cached_property
    def staff_by_home(self) -> dict[str, tuple[StaffMember, ...]]:
        """Staff by home school (人事关系学校), each sorted by id."""
        by_home: dict[str, list[StaffMember]] = {school_id: [] for school_id in self.school_ids}
        for member in self.staff:
            by_home[member.home_school_id].append(member)
        return {school_id: tuple(members) for school_id, members in by_home.items()}

    @cached_property
    def groups(self) -> tuple[Group, ...]:
        """The groups of the component, sorted by id."""
        found = {g.group_id: g for s in self.school_ids for g in self.roster.groups_by_school[s]}
        return tuple(found[group_id] for group_id in sorted(found))

    def groups_of(self, kind: GroupKind) -> tuple[Group, ...]:
        return tuple(group for group in self.groups if group.kind is kind)

    @cached_property
    def destinations(self) -> dict[str, tuple[str, ...]]:
        """C3's allowed destinations of every movable person (the others have none); a principal's
        inside the groups of the school only, the rest of P1's being the district exchange's."""
        found: dict[str, tuple[str, ...]] = {}
        for member in self.staff:
            standing = self.eligibility[member.staff_id]
            if not standing.movable:
                continue
            allowed = c3_destinations(member, self.roster, self.params, standing)
            if member.post is Post.PRINCIPAL:
                here = member.school_id
                allowed = tuple(d for d in allowed if not p1_outside_groups(self.roster, here, d))
            found[member.staff_id] = allowed
        return found

    @property
    def label(self) -> Text:
        return Text(f"component {self.index + 1}/{self.count}", f"第 {self.index + 1}/{self.count} 部分")

    @property
    def schools_text(self) -> Text:
        """The component's schools for a message: the first few ids and how many more."""
        shown = ", ".join(self.school_ids[:6])
        more = len(self.school_ids) - 6
        return Text(
            f"schools {shown}" + (f" and {more} more" if more > 0 else ""),
            f"学校 {'、'.join(self.school_ids[:6])}" + (f" 等 {len(self.school_ids)} 所" if more > 0 else ""),
        )

    def where(self) -> Text:
        """``component 1/3 (schools …)``, the start of a sentence about this component."""
        return Text(f"{self.label.en} ({self.schools_text.en})", f"{self.label.zh}（{self.schools_text.zh}）")


def split_components(
    roster: Roster,
    params: Parameters,
    eligibility: Mapping[str, Eligibility],
    pins: tuple[Pin, ...],
    draft: Draft | None = None,
) -> list[ComponentData]:
    """The independent components, largest (by staff) first so they start first when solved in parallel."""
    parent = {school_id: school_id for school_id in sorted(roster.schools)}

    def find(school_id: str) -> str:
        while parent[school_id] != school_id:
            parent[school_id] = parent[parent[school_id]]
            school_id = parent[school_id]
        return school_id

    def union(a: str, b: str) -> None:
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            parent[max(root_a, root_b)] = min(root_a, root_b)

    for group in roster.groups.values():
        for school_id in group.school_ids[1:]:
            union(group.school_ids[0], school_id)
    for member in roster.staff:
        if member.on_exchange:
            union(member.home_school_id, member.school_id)
    if params.destination_scope == "district":
        for member in roster.staff:
            standing = eligibility[member.staff_id]
            free = standing.is_due and standing.movable and member.post is not Post.PRINCIPAL
            if free and not roster.groups_by_school[member.school_id]:
                home = roster.schools[member.school_id]
                for school in roster.schools.values():
                    if c3_teaches(school, member, home):
                        union(member.school_id, school.school_id)

    members: dict[str, list[str]] = defaultdict(list)
    for school_id in parent:
        members[find(school_id)].append(school_id)
    staff_count = {school_id: len(staff) for school_id, staff in roster.staff_by_school.items()}
    parts = sorted(members.values(), key=lambda ids: (-sum(staff_count[s] for s in ids), ids[0]))
    pins_by_root: dict[str, list[Pin]] = defaultdict(list)
    for pin in pins:
        member = roster.staff_by_id[pin.staff_id]
        pins_by_root[find(member.school_id)].append(pin)
        # A principal pinned to a school outside their part also binds the part of that school, whose
        # own principal must then be exchanged (P1).
        arriving = member.post is Post.PRINCIPAL and pin.kind is PinKind.MUST
        if arriving and find(pin.to_school_id) != find(member.school_id):
            pins_by_root[find(pin.to_school_id)].append(pin)
    exchange = p1_exchange_candidates(roster, params, eligibility)
    return [
        ComponentData(
            index=index,
            count=len(parts),
            roster=roster,
            params=params,
            eligibility=eligibility,
            school_ids=tuple(ids),
            pins=tuple(pins_by_root[find(ids[0])]),
            exchange=frozenset(
                m.staff_id for s in ids for m in roster.staff_by_school[s] if m.staff_id in exchange
            ),
            draft=draft,
        )
        for index, ids in enumerate(parts)
    ]
