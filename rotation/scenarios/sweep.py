"""Scenario sweeps: a grid of parameter values, every combination solved in its own process.

``grid_scenarios`` expands ``--grid key=v1,v2`` into the cross product; ``run_scenario`` loads,
solves and sums up one scenario in a worker process and never raises; ``run_sweep`` runs them
in a process pool.
"""

from __future__ import annotations

import itertools
import multiprocessing
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from rotation.figures import Kpis, compute_kpis
from rotation.parameters import ParameterError
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
    index: int, path: str, overrides: Mapping[str, str], time_limit_s: float, seed: int
) -> ScenarioResult:
    """Load, solve and sum up one scenario; every failure becomes the result, never an exception.

    Runs in a worker process: it gets the workbook path and the overrides, not a pickled roster,
    so that each worker reads the file itself and only small results cross the process boundary.
    """
    from rotation.workbook.loader import WorkbookError
    from solver.solve import PinError

    started = time.perf_counter()

    def failed(status: str, message: Text) -> ScenarioResult:
        return ScenarioResult(index, dict(overrides), status, message, None, time.perf_counter() - started)

    try:
        run = load_and_solve(Path(path), overrides, time_limit_s=time_limit_s, workers=1, seed=seed)
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
) -> list[ScenarioResult]:
    """Every scenario solved in a pool of ``processes`` worker processes, results in scenario order.

    A scenario still running when its share of the time is up (its time limit plus SWEEP_GRACE_S per
    round of the pool) is recorded as ``timeout``, and the pool's worker processes are ended.
    """
    total = len(scenarios)
    processes = max(1, min(processes, total))
    rounds = -(-total // processes)
    budget = rounds * (time_limit_s + SWEEP_GRACE_S)
    deadline = time.monotonic() + budget
    results: dict[int, ScenarioResult] = {}
    # forkserver, not fork: the parent may already run OR-Tools or pytest threads, and forking a threaded
    # process can leave a lock held forever in the child. The server preloads the solver once, so that
    # each worker starts in milliseconds instead of importing OR-Tools and pandas again (spawn).
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["rotation.scenarios.sweep", "rotation.workbook.loader", "solver.solve"])
    pool = ProcessPoolExecutor(max_workers=processes, mp_context=context)
    try:
        pending: dict[Future[ScenarioResult], int] = {
            pool.submit(run_scenario, i, str(path), dict(overrides), time_limit_s, seed): i
            for i, overrides in enumerate(scenarios)
        }
        if progress is not None:
            progress(0, total)
        while pending:
            done, _ = wait(
                pending, timeout=max(0.0, deadline - time.monotonic()), return_when=FIRST_COMPLETED
            )
            if not done:
                break
            for future in done:
                index = pending.pop(future)
                results[index] = _result_of(future, index, scenarios[index])
            if progress is not None:
                progress(len(results), total)
        for index in pending.values():
            message = Text(
                f"no answer within the sweep's time budget of {budget:.0f} s",
                f"在情景扫描的时限 {budget:.0f} 秒内没有结果",
            )
            results[index] = ScenarioResult(
                index, dict(scenarios[index]), "timeout", message, None, time_limit_s
            )
    finally:
        if len(results) < total or any(r.status == "timeout" for r in results.values()):
            _end_workers(pool)
        pool.shutdown(wait=True, cancel_futures=True)
    return [results[index] for index in range(total)]


def _result_of(future: Future[ScenarioResult], index: int, overrides: Mapping[str, str]) -> ScenarioResult:
    try:
        return future.result()
    except Exception as error:  # a worker that died (BrokenProcessPool) is one failed row
        crash = f"{type(error).__name__}: {error}"
        return ScenarioResult(index, dict(overrides), "error", Text(crash, crash), None, 0.0)


def _joined(sentences: Iterable[Text]) -> Text:
    listed = list(sentences)
    return Text("; ".join(t.en for t in listed), "；".join(t.zh for t in listed))


def _end_workers(pool: ProcessPoolExecutor) -> None:
    # The pool has no public way to stop a running task; its worker processes are ours, ended by id.
    workers: Mapping[int, multiprocessing.process.BaseProcess] = getattr(pool, "_processes", None) or {}
    for process in list(workers.values()):
        if process.is_alive():
            process.terminate()
