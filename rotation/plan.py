"""What a solve returns: the plan, per-level figures, and an explanation when there is none.

Nothing here is ``None`` where a number is expected: a level with no solution
reports its status, an objective and bound of 0, and a gap of 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from rotation.catalogue import RuleId
from rotation.codes import HostPost
from rotation.text import Text


class SolveStatus(str, Enum):  # noqa: UP042 - left as the exports were written against it
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"  # stopped (time limit) before any plan was found
    MODEL_INVALID = "model_invalid"

    def __str__(self) -> str:
        return self.value

    @property
    def has_plan(self) -> bool:
        return self in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)

    def label(self, lang: str) -> str:
        """The status as planners read it: ``optimal`` in English, 最优 in Chinese."""
        return self.value if lang != "zh" else _STATUS_ZH[self]


_STATUS_ZH: dict[SolveStatus, str] = {
    SolveStatus.OPTIMAL: "最优",
    SolveStatus.FEASIBLE: "可行",
    SolveStatus.INFEASIBLE: "无可行方案",
    SolveStatus.UNKNOWN: "未求得方案",
    SolveStatus.MODEL_INVALID: "模型无效",
}


@dataclass(frozen=True, slots=True)
class Move:
    """One row of the ``assignments`` sheet.

    A new move has the one code of what it is for (G1, G2, G6, G7, G3, G4, T1,
    T2, N1, P1, V, or C2 when it only balances headcount: the first that
    matches, solver.requirements.move_rule), an earliest return date (S1) and
    the post served at the host (P2). A return home at the end of a stint has
    rule S2 and neither.
    """

    staff_id: str
    from_school_id: str
    to_school_id: str
    rule: RuleId
    group_id: str | None
    earliest_return_date: date | None
    host_post: HostPost | None = None


@dataclass(frozen=True, slots=True)
class Extension:
    """S2: a person whose stint has ended stays on at the host school this year."""

    staff_id: str
    school_id: str
    home_school_id: str


@dataclass(frozen=True, slots=True)
class Walk:
    """G5: a central-school teacher who also teaches ``subject`` at a small school."""

    staff_id: str
    home_school_id: str
    school_id: str
    subject: str


@dataclass(frozen=True, slots=True)
class ObligationOutcome:
    """One row of the ``obligations`` sheet: an obligation instance and part."""

    rule: str
    group_id: str | None
    school_id: str | None
    part: str
    required: int
    achieved: int
    soft: bool
    maximum: int | None = None  # an upper limit too: G4's alliance_max, G3's equality

    @property
    def met(self) -> bool:
        return self.achieved >= self.required and (self.maximum is None or self.achieved <= self.maximum)


@dataclass(frozen=True, slots=True)
class Unmoved:
    """A due person who stays, and why (``unmoved_due`` sheet)."""

    staff_id: str
    school_id: str
    reason: Text


@dataclass(frozen=True, slots=True)
class LevelResult:
    """One level of the objective (or the single weighted one).

    ``name`` starts with the level's catalogue code (``O2 tenure``: the second
    part of O2); the greedy's and the weighted solve's one level are named
    ``greedy`` and ``weighted``.
    """

    name: str
    status: SolveStatus
    objective: float
    best_bound: float
    gap: float
    wall_time_s: float
    # What ended a level short of proving its optimum: "time" (--time-limit), "work" (--work-limit,
    # reproducible) or "stop" (a signal); blank when it was not cut.
    limit: str = ""


@dataclass(frozen=True)
class Plan:
    """The summer's plan, or the reasons there is none (``explanation``)."""

    status: SolveStatus
    moves: tuple[Move, ...]
    extensions: tuple[Extension, ...]
    walks: tuple[Walk, ...]
    obligations: tuple[ObligationOutcome, ...]
    unmoved: tuple[Unmoved, ...]
    levels: tuple[LevelResult, ...]
    wall_time_s: float
    explanation: tuple[Text, ...] = ()
    # Seconds per phase of the solve ("build", "optimise", "explain"), summed over the components,
    # which run side by side: thread-seconds, so they may add up to more than ``wall_time_s``.
    phases: tuple[tuple[str, float], ...] = ()
    # P1, principal_scope = district: principals a component marked away, to be exchanged with principals
    # of schools outside their groups once every component is solved (solver/principals.py); empty after.
    exchange: tuple[str, ...] = ()

    @property
    def objective(self) -> float:
        return sum(level.objective for level in self.levels[:1])

    @property
    def best_bound(self) -> float:
        return sum(level.best_bound for level in self.levels[:1])

    @property
    def gap(self) -> float:
        """The largest gap of any level: 0 only when every level is proven optimal."""
        return max((level.gap for level in self.levels), default=1.0)
