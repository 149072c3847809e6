"""How a solve is run: the options a command gives, and what each component's solve may use."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from rotation.catalogue import level_title
from rotation.domain import Pin
from rotation.draft import Draft
from rotation.plan import SolveStatus
from rotation.text import Text

# Receives live progress sentences; a command prints them in its language.
Progress = Callable[[Text], None]


# Who optimises each component's model: CP-SAT, or HiGHS's branch and cut on the same model (solver/mip.py).
Engine = Literal["cp-sat", "mip"]


@dataclass(frozen=True)
class SolveOptions:
    """How to solve: ``time_limit_s`` for the whole solve, ``workers`` components solved side by side
    (0: one per CPU), ``seed`` for the solver, ``pins`` added to the roster's own, and the ``engine``
    that optimises (the explanations of what does not happen always come from CP-SAT).

    ``work_limit`` (None: none) bounds the whole solve in CP-SAT's deterministic time, shared among
    the components by size and among the levels as they go: a solve it cuts gives the same plan
    for the same seed, which one the clock cuts does not."""

    time_limit_s: float = 60.0
    workers: int = 0
    seed: int = 0
    pins: tuple[Pin, ...] = ()
    # Re-planning from a published draft: its decisions, of which the plan changes as few as it can (O0).
    draft: Draft | None = None
    engine: Engine = "cp-sat"
    work_limit: float | None = None


DEFAULT_OPTIONS = SolveOptions()


@dataclass(frozen=True)
class SolveSettings:
    """What one component's solve may use: the seed, the end of its time, the progress line, the engine."""

    seed: int
    deadline: float
    report: Progress
    engine: Engine = "cp-sat"
    work: float | None = None  # this component's share of SolveOptions.work_limit

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())


def level_label(part: Text, level_name: str, engine: str = "") -> Text:
    """Where a live line is: ``component 1/3 O2 due rotated`` / ``第 1/3 部分 O2 应交流人员交流``, and the
    engine when it is not CP-SAT's (``(MIP)``)."""
    title = level_title(level_name)
    tag = f" ({engine})" if engine else ""
    return Text(f"{part.en} {title.en}{tag}", f"{part.zh} {title.zh}{tag}")


def progress_line(
    label: Text, status: SolveStatus | None, objective: float, bound: float, gap: float, seconds: float
) -> Text:
    """A level's live line: its status once finished (None while solving), objective, bound, gap, time."""
    status_en = f" {status}" if status is not None else ""
    status_zh = f"{status.label('zh')} " if status is not None else ""
    objective, bound = objective + 0.0, bound + 0.0  # a minimised -0 is shown as 0
    return Text(
        f"{label.en}:{status_en} objective {objective:g} bound {bound:g} gap {gap:.2%} {seconds:.1f}s",
        f"{label.zh}：{status_zh}目标值 {objective:g} 界 {bound:g} 差距 {gap:.2%} {seconds:.1f} 秒",
    )
