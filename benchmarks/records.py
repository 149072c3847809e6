"""What one benchmark run measured, as the child process prints it and the report reads it."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from rotation.figures import new_moves
from rotation.plan import Plan

# The wall-clock phases of a run, in order; "solve" is broken down by the solve's own phases.
RUN_PHASES: tuple[str, ...] = ("imports", "load", "eligibility", "solve", "export")
# The solve's own phases; "exchange" (P1's district exchange of principals) only when principals move.
SOLVE_PHASES: tuple[str, ...] = ("build", "optimise", "explain", "exchange")


@dataclass
class LevelRecord:
    """One objective level as the solve reported it (``rotation.plan.LevelResult``)."""

    name: str
    status: str
    objective: float
    best_bound: float
    gap: float
    wall_time_s: float


@dataclass
class RunRecord:
    """One (instance, method) run: its figures, or the error that stopped it."""

    instance: str
    method: str
    time_limit_s: float
    workers: int
    staff: int = 0
    schools: int = 0
    due: int = 0
    status: str = "error"
    error: str | None = None
    due_rotated: int = 0
    moves: int = 0
    obligations: int = 0  # rows of the obligations sheet
    obligations_met: int = 0
    hard_obligations: int = 0
    hard_obligations_met: int = 0
    gap: float = 1.0
    solve_wall_s: float = 0.0  # the solve's own wall time (Plan.wall_time_s)
    levels: list[LevelRecord] = field(default_factory=list)
    phases: dict[str, float] = field(default_factory=dict)  # wall clock, RUN_PHASES
    solve_phases: dict[str, float] = field(default_factory=dict)  # thread-seconds, SOLVE_PHASES
    end_to_end_s: float = 0.0
    peak_mib: float = 0.0
    # The process's peak memory as each phase ended (RUN_PHASES): where the peak was reached.
    peak_mib_after: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None

    def take_plan(self, plan: Plan, due: Collection[str]) -> None:
        """The plan's figures: status, due people with a new move, obligations, levels, solve phases."""
        self.status = plan.status.value
        moved = {move.staff_id for move in new_moves(plan)}
        self.moves = len(moved)
        self.due_rotated = sum(1 for staff_id in moved if staff_id in due)
        self.obligations = len(plan.obligations)
        self.obligations_met = sum(1 for outcome in plan.obligations if outcome.met)
        hard = [outcome for outcome in plan.obligations if not outcome.soft]
        self.hard_obligations = len(hard)
        self.hard_obligations_met = sum(1 for outcome in hard if outcome.met)
        self.gap = plan.gap
        self.solve_wall_s = plan.wall_time_s
        self.levels = [
            LevelRecord(
                level.name,
                level.status.value,
                level.objective,
                level.best_bound,
                level.gap,
                level.wall_time_s,
            )
            for level in plan.levels
        ]
        self.solve_phases = dict(plan.phases)

    def level(self, name: str) -> LevelRecord | None:
        return next((level for level in self.levels if level.name == name), None)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RunRecord:
        values = dict(data)
        values["levels"] = [LevelRecord(**level) for level in values.get("levels", [])]
        return cls(**values)
