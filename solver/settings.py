"""How a solve is run: the options a command gives, and what each component's solve may use."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from rotation.domain import Pin

Progress = Callable[[str], None]


# Who optimises each component's model: CP-SAT, or HiGHS's branch and cut on the same model (solver/mip.py).
Engine = Literal["cp-sat", "mip"]


@dataclass(frozen=True)
class SolveOptions:
    """How to solve: ``time_limit_s`` for the whole solve, ``workers`` components solved side by side
    (0: one per CPU), ``seed`` for the solver, ``pins`` added to the roster's own, and the ``engine``
    that optimises (the explanations of what does not happen always come from CP-SAT)."""

    time_limit_s: float = 60.0
    workers: int = 0
    seed: int = 0
    pins: tuple[Pin, ...] = ()
    engine: Engine = "cp-sat"


DEFAULT_OPTIONS = SolveOptions()


@dataclass(frozen=True)
class SolveSettings:
    """What one component's solve may use: the seed, the end of its time, the progress line, the engine."""

    seed: int
    deadline: float
    report: Callable[[str], None]
    engine: Engine = "cp-sat"

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())
