"""Scenario sweeps: a grid of parameter values, every combination solved in its own process.

``grid_scenarios`` expands ``--grid key=v1,v2`` into the cross product; ``run_scenario`` loads,
solves and sums up one scenario in a worker and never raises; ``run_sweep`` runs them on an engine
(rotation.scenarios.engines): a local process pool, or a Ray cluster.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from rotation.figures import Kpis, compute_kpis
from rotation.parameters import ParameterError
from rotation.scenarios.engines import EngineChoice, TaskFailure, WorkbookContent, run_tasks
from rotation.scenarios.solved import load_and_solve
from rotation.text import Text

# A scenario that has not answered by then is recorded as timed out: the solve itself stops at
# its time limit, so only loading (a few seconds) and a stuck process can take longer.
SWEEP_GRACE_S = 60.0


def parse_grid(specs: Sequence[str]) -> list[tuple[str, list[str]]]:
    """``key=v1,v2`` specs as (key, values); ParameterError naming every malformed spec.

    Values are split on commas only, so a list-valued parameter (soft, hard) writes its rule IDs
    joined by ``;`` (``soft=G4;G6,``: first G4 and G6 soft, then none).
    """
    grid: list[tuple[str, list[str]]] = []
    problems: list[Text] = []
    seen: set[str] = set()
    for spec in specs:
        key, sep, values = spec.partition("=")
        key = key.strip()
        if not sep or not key:
            problems.append(
                Text(
                    f"--grid {spec}: expected key=value1,value2,...",
                    f"--grid {spec}：应写成 参数=值1,值2,...",
                )
            )
        elif key in seen:
            problems.append(
                Text(f"--grid {spec}: {key} is already on the grid", f"--grid {spec}：{key} 已在网格中")
            )
        else:
            seen.add(key)
            grid.append((key, [value.strip() for value in values.split(",")]))
    if problems:
        raise ParameterError(problems)
    return grid


def grid_scenarios(grid: Sequence[tuple[str, Sequence[str]]]) -> list[dict[str, str]]:
    """The cross product of the grid, the first key varying slowest."""
    keys = [key for key, _ in grid]
    return [
        dict(zip(keys, combination, strict=True)) for combination in itertools.product(*(v for _, v in grid))
    ]


@dataclass(frozen=True)
class ScenarioResult:
    """One row of the sweep: the overrides, how the run ended, and its KPIs when it has a plan.

    ``status`` is the solve status (optimal, feasible, infeasible, unknown, model_invalid), or
    ``bad_input`` (a value or the workbook refused), ``error`` (an unexpected exception) or ``timeout``
    (the worker did not answer in time); ``message`` says why a scenario has no plan, None when it has.
    """

    index: int
    overrides: Mapping[str, str]
    status: str
    message: Text | None
    kpis: Kpis | None
    wall_time_s: float


def run_scenario(
    index: int, workbook: str | WorkbookContent, overrides: Mapping[str, str], time_limit_s: float, seed: int
) -> ScenarioResult:
    """Load, solve and sum up one scenario; every failure becomes the result, never an exception.

    Runs in a worker: it gets the workbook (a path, or its content, which a Ray node needs) and the
    overrides, not a pickled roster, so that only small results cross the process boundary.
    """
    from rotation.workbook.loader import WorkbookError
    from solver.solve import PinError

    started = time.perf_counter()

    def failed(status: str, message: Text) -> ScenarioResult:
        return ScenarioResult(index, dict(overrides), status, message, None, time.perf_counter() - started)

    # Content sent from elsewhere is loaded from memory: the workbook's personal data never lands in $TMPDIR.
    if isinstance(workbook, WorkbookContent):
        path, data = workbook.path, workbook.data
    else:
        path, data = Path(workbook), None
    try:
        run = load_and_solve(path, overrides, time_limit_s=time_limit_s, workers=1, seed=seed, data=data)
    except ParameterError as error:
        return failed("bad_input", _joined(error.texts))
    except WorkbookError as error:
        return failed("bad_input", _joined(Text(p.text("en"), p.text("zh")) for p in error.problems))
    except PinError as error:
        return failed("bad_input", _joined(error.problems))
    except Exception as error:  # one scenario's crash must not lose the others
        crash = f"{type(error).__name__}: {error}"
        return failed("error", Text(crash, crash))
    plan = run.plan
    message = None if plan.status.has_plan else _joined(plan.explanation)
    kpis = compute_kpis(run.roster, run.eligibility, plan) if plan.status.has_plan else None
    return ScenarioResult(
        index, dict(overrides), plan.status.value, message, kpis, time.perf_counter() - started
    )


def run_sweep(
    path: Path,
    scenarios: Sequence[Mapping[str, str]],
    *,
    time_limit_s: float,
    processes: int,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    engine: EngineChoice | None = None,
) -> list[ScenarioResult]:
    """Every scenario solved on ``engine`` (default: ``processes`` local processes), in scenario order.

    The workbook is read once and sent to each scenario by content. A scenario still running
    SWEEP_GRACE_S after its time limit is recorded as ``timeout`` and ended; the others go on.
    """
    total = len(scenarios)
    content = WorkbookContent.read(path)
    results: dict[int, ScenarioResult] = {}

    def finished(index: int, outcome: ScenarioResult | TaskFailure) -> None:
        if isinstance(outcome, TaskFailure):
            spent = time_limit_s + SWEEP_GRACE_S if outcome.kind == "timeout" else 0.0
            outcome = ScenarioResult(
                index, dict(scenarios[index]), outcome.kind, outcome.message, None, spent
            )
        results[index] = outcome
        if progress is not None:
            progress(len(results), total)

    if progress is not None:
        progress(0, total)
    run_tasks(
        engine or EngineChoice("local", processes),
        total,
        lambda index: (run_scenario, (index, content, dict(scenarios[index]), time_limit_s, seed)),
        finished,
        limit_s=time_limit_s + SWEEP_GRACE_S,
        preload=("rotation.scenarios.sweep", "rotation.workbook.loader", "solver.solve"),
    )
    return [results[index] for index in range(total)]


def _joined(sentences: Iterable[Text]) -> Text:
    listed = list(sentences)
    return Text("; ".join(t.en for t in listed), "；".join(t.zh for t in listed))
