"""--engine ray (issue 14 §2): the same batch and sweep give the same plans on Ray as on the local pool.

A Ray cluster of 2 CPUs is started once for the module on 127.0.0.1 (no dashboard, a small object
store, no usage report) and shut down after it; the workbooks reach its tasks as bytes. The engines
are compared with each other, never with plans written down here: the solver changes under them.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from reports.input_workbook import write_input_workbook
from rotation.sample import generate
from rotation.scenarios.batch import (
    SUMMARY_NAME,
    BatchSettings,
    batch_jobs,
    batch_scenarios,
    find_inputs,
    run_batch,
)
from rotation.scenarios.engines import (
    EngineChoice,
    TaskFailure,
    local_ray_environment,
    run_tasks,
    start_local_ray,
)
from rotation.scenarios.sweep import grid_scenarios, parse_grid, run_sweep

local_ray_environment()  # before Ray is imported: it reads them then
ray = pytest.importorskip(
    "ray", reason="Ray is the optional extra teacher-rotation[ray]; make's dev install has it"
)

EFFECTIVE = date(2027, 9, 1)
COUNTIES = 6
GRID = ["female_exempt_age=50,52"]
# The sheets that are the plan; the run sheet differs by its times, the dashboard by nothing of substance.
PLAN_SHEETS = ("调动名单", "未安排", "指标完成", "学校汇总", "走教安排", "资格审查")
SETTINGS = BatchSettings(time_limit_s=60.0, workers=1)


@pytest.fixture(scope="module")
def local_ray() -> Iterator[Any]:
    start_local_ray(2)
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def counties(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six small generated districts (about 300 staff each), different by seed."""
    folder = tmp_path_factory.mktemp("counties")
    for seed in range(1, COUNTIES + 1):
        roster = generate("tiny", seed, EFFECTIVE)
        write_input_workbook(folder / f"county-{seed}.xlsx", roster, parameters={"effective_date": EFFECTIVE})
    return folder


def _sheets(path: Path) -> dict[str, list[list[Any]]]:
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in PLAN_SHEETS}


def test_the_local_cluster_listens_on_the_loopback_address_only(local_ray: Any) -> None:
    assert str(local_ray.get_runtime_context().gcs_address).startswith("127.0.0.1:")
    assert local_ray.cluster_resources()["CPU"] == 2
    assert os.environ["RAY_USAGE_STATS_ENABLED"] == "0"


def test_six_workbooks_under_two_scenarios_give_the_same_plans_on_both_engines(
    local_ray: Any, counties: Path, tmp_path: Path
) -> None:
    jobs = batch_jobs(find_inputs(counties), batch_scenarios(parse_grid(GRID)))
    assert len(jobs) == 12
    local = run_batch(jobs, tmp_path / "local", SETTINGS, EngineChoice("local", 2))
    on_ray = run_batch(jobs, tmp_path / "ray", SETTINGS, EngineChoice("ray"))
    assert [r.status for r in on_ray.rows] == [r.status for r in local.rows] == ["optimal"] * 12
    for mine, theirs in zip(local.rows, on_ray.rows, strict=True):
        assert mine.output_name == theirs.output_name and mine.output_name is not None
        assert mine.input_sha256 == theirs.input_sha256
        assert mine.kpis is not None and theirs.kpis is not None
        assert dataclasses.replace(mine.kpis, wall_time_s=0) == dataclasses.replace(
            theirs.kpis, wall_time_s=0
        )
        assignments = _sheets(tmp_path / "local" / mine.output_name)
        assert len(assignments["调动名单"]) > 1
        assert assignments == _sheets(tmp_path / "ray" / theirs.output_name), mine.output_name
    facts = CalamineWorkbook.from_path(str(tmp_path / "ray" / SUMMARY_NAME)).get_sheet_by_name("批次信息")
    assert ["计算引擎", "ray"] in facts.to_python()
    # Resumable on Ray too: nothing is solved again.
    assert run_batch(jobs, tmp_path / "ray", SETTINGS, EngineChoice("ray")).reused == 12


def test_a_sweep_on_ray_gives_the_results_of_the_local_pool(local_ray: Any, counties: Path) -> None:
    scenarios = grid_scenarios(parse_grid(["female_exempt_age=50,52", "alliance_min=3,9"]))
    workbook = counties / "county-1.xlsx"
    local = run_sweep(workbook, scenarios, time_limit_s=60.0, processes=2)
    on_ray = run_sweep(workbook, scenarios, time_limit_s=60.0, processes=2, engine=EngineChoice("ray"))
    assert [r.status for r in on_ray] == [r.status for r in local] == ["optimal", "bad_input"] * 2

    def without_time(kpis: Any) -> Any:
        return None if kpis is None else dataclasses.replace(kpis, wall_time_s=0)

    assert [without_time(r.kpis) for r in on_ray] == [without_time(r.kpis) for r in local]
    assert [r.message for r in on_ray] == [r.message for r in local]


def test_the_command_starts_its_own_ray_and_stops_it(counties: Path, tmp_path: Path) -> None:
    listing = tmp_path / "two.txt"
    listing.write_text(f"{counties / 'county-1.xlsx'}\n{counties / 'county-2.xlsx'}\n", encoding="utf-8")
    out = tmp_path / "out"
    rotation = Path(sys.executable).with_name("rotation")
    command = [str(rotation), "batch", str(listing), "-o", str(out), "--engine", "ray", "--processes", "2"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "计算引擎 ray" in done.stdout and "本次求解 2 次" in done.stdout
    assert sorted(p.name for p in out.glob("*.xlsx")) == ["county-1.xlsx", "county-2.xlsx", SUMMARY_NAME]


def _slow_or_broken(index: int) -> float:
    if index == 0:
        time.sleep(60)
    return index / (index - 1)


def test_a_late_task_on_ray_is_ended_and_a_crash_is_a_failure(local_ray: Any) -> None:
    # The tasks of this test module travel by value: Ray's workers do not import the tests.
    local_ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    results: dict[int, Any] = {}
    started = time.monotonic()
    run_tasks(EngineChoice("ray"), 4, lambda i: (_slow_or_broken, (i,)), results.__setitem__, limit_s=5.0)
    assert time.monotonic() - started < 40
    assert isinstance(results[0], TaskFailure) and results[0].kind == "timeout"
    assert isinstance(results[1], TaskFailure) and results[1].kind == "error"
    assert "ZeroDivisionError" in results[1].message.en
    assert results[2] == 2.0 and results[3] == 1.5
