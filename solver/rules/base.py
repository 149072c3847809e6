"""What every rule function returns: obligation records that the model enforces or penalises."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rotation.text import Text
from solver.counts import Count

if TYPE_CHECKING:
    from solver.components import ComponentData
    from solver.variables import Variables


@dataclass(frozen=True)
class RuleContext:
    """What a rule function reads: the component's data and its decision variables."""

    data: ComponentData
    variables: Variables


@dataclass(frozen=True)
class Obligation:
    """One instance (and part) of a rule: ``scale·achieved ≥ required`` and ``achieved ≤ maximum``.

    ``required`` and ``maximum`` are counts too, because some limits move with
    the plan (G3 matches what the lead sends; N1's key share follows the moves
    out). ``scale`` keeps N1's ratio exact: den·key ≥ num·out. ``reported`` rows
    go to the obligations sheet (G1-G6, N1); school constraints (C1, C2, C4) and
    pins are enforced and explained the same way but not listed there.
    ``description`` is the sentence an infeasibility explanation uses, ``brief``
    the short reason given to a due person it keeps from moving, ``relax`` what
    a planner changes to loosen it.
    """

    rule: str
    group_id: str | None
    school_id: str | None
    part: str
    achieved: Count
    required: Count | None
    maximum: Count | None
    description: Text
    brief: Text
    relax: Text
    scale: int = 1
    reported: bool = True

    @property
    def name(self) -> str:
        """The name of its assumption literal and penalty variables: rule, group, school, part."""
        return f"{self.rule}[{self.group_id or '-'}/{self.school_id or '-'}/{self.part}]"

    def required_value(self, solution: list[int]) -> int:
        """The requirement in people (rounded up when scaled) in a solution."""
        if self.required is None:
            return 0
        return -(-self.required.value(solution) // self.scale)

    def can_fail(self) -> bool:
        """False when no plan can break it, so the model need not carry it."""
        if self.required is not None and self.scale * self.achieved.lower < self.required.upper:
            return True
        return self.maximum is not None and self.achieved.upper > self.maximum.lower
