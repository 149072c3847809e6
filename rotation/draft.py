"""A plan's decisions person by person, and how two plans differ in them.

After a draft is published (公示) every change is a new complaint, so what a re-plan keeps and
changes is counted in decisions: for each person, whether they stay, move (and where), return home
at the end of a stint (S2) or stay on there (an extension); and each walk (G5). A move added,
dropped or redirected, a return turned into an extension or back, and a walk added or dropped each
count one change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from rotation.plan import Plan
from rotation.text import Text


class Choice(StrEnum):
    """What happens to one person this summer."""

    STAY = "stay"  # works where they work now (a locked or otherwise unmoved person)
    MOVE = "move"  # a new move to another school
    RETURN = "return"  # S2: home at the end of a stint
    EXTEND = "extend"  # S2: stays on at the host


@dataclass(frozen=True, slots=True)
class Decision:
    """One person's decision: the choice, and the school of a move."""

    choice: Choice = Choice.STAY
    school_id: str | None = None

    def describe(self) -> Text:
        """``moves to 0003`` / ``调往 0003``; ``stays`` / ``留任`` …"""
        if self.choice is Choice.MOVE:
            return Text(f"moves to {self.school_id}", f"调往 {self.school_id}")
        if self.choice is Choice.RETURN:
            return Text(f"returns home to {self.school_id}", f"期满返回 {self.school_id}")
        if self.choice is Choice.EXTEND:
            return Text("stays on at the host (extended)", "延长交流")
        return Text("stays", "留任")


STAYS = Decision()


@dataclass(frozen=True)
class Draft:
    """A plan's decisions: each person's (staying unless listed) and its walks (teacher, small school)."""

    decisions: Mapping[str, Decision] = field(default_factory=dict)
    walks: frozenset[tuple[str, str]] = frozenset()

    def of(self, staff_id: str) -> Decision:
        return self.decisions.get(staff_id, STAYS)

    def walks_of(self, staff_id: str) -> frozenset[str]:
        return frozenset(school for who, school in self.walks if who == staff_id)


def draft_of_plan(plan: Plan) -> Draft:
    """A solved plan's decisions: its moves (S2 rows are returns), extensions and walks."""
    decisions: dict[str, Decision] = {}
    for move in plan.moves:
        choice = Choice.RETURN if move.rule == "S2" else Choice.MOVE
        decisions[move.staff_id] = Decision(choice, move.to_school_id)
    for extension in plan.extensions:
        decisions[extension.staff_id] = Decision(Choice.EXTEND)
    return Draft(decisions, frozenset((w.staff_id, w.school_id) for w in plan.walks))


@dataclass(frozen=True, slots=True)
class Change:
    """A person whose decision or walks differ between two plans."""

    staff_id: str
    before: Decision
    after: Decision
    walks_before: frozenset[str]
    walks_after: frozenset[str]

    @property
    def count(self) -> int:
        """Changes this person makes: one for the decision, one per walk added or dropped."""
        return int(self.before != self.after) + len(self.walks_before ^ self.walks_after)


def changes(before: Draft, after: Draft, staff_ids: Iterable[str]) -> list[Change]:
    """Everyone of ``staff_ids`` whose decision or walks differ, in that order."""
    found: list[Change] = []
    for staff_id in staff_ids:
        change = Change(
            staff_id,
            before.of(staff_id),
            after.of(staff_id),
            before.walks_of(staff_id),
            after.walks_of(staff_id),
        )
        if change.count:
            found.append(change)
    return found


def change_count(before: Draft, after: Draft, staff_ids: Iterable[str]) -> int:
    """How many decisions differ: a move added, dropped or redirected, a return or extension turned
    round, and a walk added or dropped each count one."""
    return sum(change.count for change in changes(before, after, staff_ids))
