"""Do two methods reach the same optimum? Level by level, on the levels both proved optimal."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class LevelLike(Protocol):
    """A level: ``rotation.plan.LevelResult`` or ``benchmarks.records.LevelRecord``."""

    @property
    def name(self) -> str: ...

    @property
    def status(self) -> str: ...

    @property
    def objective(self) -> float: ...


# Level values are integers (sums of integer terms); a solver that reads them back as floats may be
# off in the last digits, never by a whole unit below a million.
REL_TOL = 1e-6


def same_value(first: float, second: float) -> bool:
    return math.isclose(first, second, rel_tol=REL_TOL, abs_tol=REL_TOL)


@dataclass(frozen=True)
class Agreement:
    """The outcome of comparing two methods' levels by name.

    ``compared``: the levels both proved optimal, in the first method's order; ``differing``: those
    of them whose values differ, as (name, first value, second value); ``not_compared``: levels that
    one method did not prove optimal or did not report, with the reason.
    """

    first: str
    second: str
    compared: tuple[str, ...]
    differing: tuple[tuple[str, float, float], ...]
    not_compared: tuple[tuple[str, str], ...]

    @property
    def agree(self) -> bool:
        """Equal on every level both proved optimal, and there was at least one such level."""
        return bool(self.compared) and not self.differing

    def sentence(self) -> str:
        if not self.compared:
            return f"{self.first} and {self.second}: no level proved optimal by both, nothing to compare."
        if self.differing:
            details = "; ".join(
                f"{name}: {self.first} {_number(a)}, {self.second} {_number(b)}"
                for name, a, b in self.differing
            )
            text = (
                f"**{self.first} and {self.second} DIFFER** on {len(self.differing)} of the "
                f"{len(self.compared)} levels both proved optimal: {details}."
            )
        else:
            text = (
                f"{self.first} and {self.second} agree on all {len(self.compared)} levels both "
                f"proved optimal ({', '.join(self.compared)})."
            )
        if self.not_compared:
            skipped = "; ".join(f"{name} ({why})" for name, why in self.not_compared)
            text += f" Not compared: {skipped}."
        return text


def compare_levels(
    first: Sequence[LevelLike],
    second: Sequence[LevelLike],
    first_name: str = "cp-sat",
    second_name: str = "mip",
) -> Agreement:
    """Compare the values of every level both proved optimal; say which were not compared and why."""
    others = {level.name: level for level in second}
    compared: list[str] = []
    differing: list[tuple[str, float, float]] = []
    not_compared: list[tuple[str, str]] = []
    for level in first:
        other = others.get(level.name)
        if other is None:
            not_compared.append((level.name, f"not reported by {second_name}"))
            continue
        unproved = [
            f"{name} {entry.status}"
            for name, entry in ((first_name, level), (second_name, other))
            if entry.status != "optimal"
        ]
        if unproved:
            not_compared.append((level.name, ", ".join(unproved)))
            continue
        compared.append(level.name)
        if not same_value(level.objective, other.objective):
            differing.append((level.name, level.objective, other.objective))
    names = {level.name for level in first}
    not_compared += [
        (level.name, f"not reported by {first_name}") for level in second if level.name not in names
    ]
    return Agreement(first_name, second_name, tuple(compared), tuple(differing), tuple(not_compared))


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.4f}"
