"""rotation batch (issue 14 §1): inputs, plan names, failing rows, the summary, resuming, time-outs.

The workbooks are copies of data/tiny.xlsx (about 300 staff), solved in about a second each; the
engines compared against each other are in test_ray.py.
"""

from __future__ import annotations

import hashlib
import operator
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from rotation.cli.batch import batch
from rotation.cli.main import main
from rotation.scenarios.batch import (
    MANIFEST_NAME,
    SUMMARY_NAME,
    BatchError,
    BatchProgress,
    BatchSettings,
    batch_jobs,
    batch_scenarios,
    find_inputs,
    run_batch,
    scenario_name,
    solve_job,
)
from rotation.scenarios.engines import (
    EngineChoice,
    EngineError,
    TaskFailure,
    WorkbookContent,
    import_ray,
    run_tasks,
)
from rotation.scenarios.sweep import parse_grid, run_scenario

SETTINGS = BatchSettings(time_limit_s=30.0)
TWO = EngineChoice("local", 2)


def _rows(path: Path, sheet: str) -> list[dict[str, Any]]:
    table = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
    return [dict(zip(table[0], row, strict=True)) for row in table[1:]]


def _inputs(folder: Path, tiny_path: Path, names: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(tiny_path, folder / name)
    return folder


def _jobs(folder: Path, *grid: str) -> list[Any]:
    return batch_jobs(find_inputs(folder), batch_scenarios(parse_grid(list(grid))))


# --------------------------------------------------------------------------- names and inputs


def test_scenario_names_are_readable_and_safe_in_a_file_name() -> None:
    assert scenario_name({"female_exempt_age": "52"}) == "female_exempt_age=52"
    assert scenario_name({"soft": "G4;G6", "max_outflow_ratio": "0.2"}) == "soft=G4+G6,max_outflow_ratio=0.2"
    assert scenario_name({"soft": ""}) == "soft="
    assert scenario_name({"x": 'a/b\\c:d*e?"<>|'}) == "x=a_b_c_d_e_____"
    long = scenario_name({"soft": ";".join(f"G{i}" for i in range(100))})
    assert len(long) <= 120 and long.startswith("soft=G0+G1")


def test_scenarios_that_would_share_a_name_are_told_apart() -> None:
    scenarios = batch_scenarios([("soft", ["a/b", "a_b"])])
    assert [s.name for s in scenarios] == ["soft=a_b", "soft=a_b~2"]
    assert batch_scenarios([])[0].name == ""


def test_plans_are_named_after_the_input_and_the_scenario(tmp_path: Path, tiny_path: Path) -> None:
    folder = _inputs(tmp_path / "in", tiny_path, ["东城区.xlsx", "west.xlsx"])
    assert [job.output_name for job in _jobs(folder)] == ["west.xlsx", "东城区.xlsx"]
    names = [job.output_name for job in _jobs(folder, "female_exempt_age=50,52")]
    assert names == [
        "west-female_exempt_age=50.xlsx",
        "west-female_exempt_age=52.xlsx",
        "东城区-female_exempt_age=50.xlsx",
        "东城区-female_exempt_age=52.xlsx",
    ]


def test_a_folder_gives_its_workbooks_and_a_list_its_paths(tmp_path: Path, tiny_path: Path) -> None:
    folder = _inputs(tmp_path / "in", tiny_path, ["b.xlsx", "a.xlsx", "~$a.xlsx", ".hidden.xlsx"])
    (folder / "notes.txt").write_text("not a workbook")
    assert [p.name for p in find_inputs(folder)] == ["a.xlsx", "b.xlsx"]
    listing = tmp_path / "list.txt"
    listing.write_text(f"# the counties\nin/b.xlsx\n\n{folder / 'a.xlsx'}\nin/b.xlsx\n", encoding="utf-8")
    assert find_inputs(listing) == [folder / "b.xlsx", folder / "a.xlsx"]
    assert find_inputs(folder / "a.xlsx") == [folder / "a.xlsx"]
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(BatchError, match="no workbooks"):
        find_inputs(empty)


def test_names_that_would_clash_are_refused(tmp_path: Path, tiny_path: Path) -> None:
    one = _inputs(tmp_path / "one", tiny_path, ["county.xlsx", "summary.xlsx"])
    two = _inputs(tmp_path / "two", tiny_path, ["County.xlsx"])
    with pytest.raises(BatchError) as clash:
        batch_jobs([one / "county.xlsx", two / "County.xlsx"], batch_scenarios([]))
    assert "同名" in clash.value.text.zh and "rename" in clash.value.text.en
    with pytest.raises(BatchError, match="summary"):
        batch_jobs([one / "summary.xlsx"], batch_scenarios([]))
    # With a grid the plan is summary-<scenario>.xlsx: no clash.
    assert batch_jobs([one / "summary.xlsx"], batch_scenarios([("seed_unused", ["1"])]))


# --------------------------------------------------------------------------- a batch, its rows and summary


def test_a_batch_writes_a_plan_per_solve_and_a_row_per_failure(tmp_path: Path, tiny_path: Path) -> None:
    folder = _inputs(tmp_path / "in", tiny_path, ["a.xlsx"])
    (folder / "broken.xlsx").write_bytes(b"not a workbook at all")
    out = tmp_path / "out"
    result = run_batch(_jobs(folder, "alliance_min=3,9"), out, SETTINGS, TWO)
    by_name = {(row.input_name, row.scenario): row for row in result.rows}
    good = by_name["a.xlsx", "alliance_min=3"]
    assert good.status == "optimal" and good.kpis is not None and good.kpis.moves > 0
    assert good.output_name == "a-alliance_min=3.xlsx" and (out / good.output_name).is_file()
    refused = by_name["a.xlsx", "alliance_min=9"]  # above alliance_max
    assert refused.status == "bad_input" and "alliance_min" in refused.message.en
    assert "alliance_min" in refused.message.zh and refused.output_name is None
    broken = by_name["broken.xlsx", "alliance_min=3"]
    assert broken.status == "bad_input" and broken.message.zh and broken.kpis is None
    assert sorted(p.name for p in out.glob("*.xlsx")) == ["a-alliance_min=3.xlsx", SUMMARY_NAME]
    assert result.solved == 4 and result.reused == 0 and len(result.failed) == 3

    rows = _rows(out / SUMMARY_NAME, "批量汇总")
    assert [(r["输入文件"], r["情景"], r["alliance_min"], r["状态"]) for r in rows] == [
        ("a.xlsx", "alliance_min=3", "3", "最优"),
        ("a.xlsx", "alliance_min=9", "9", "输入有误"),
        ("broken.xlsx", "alliance_min=3", "3", "输入有误"),
        ("broken.xlsx", "alliance_min=9", "9", "输入有误"),
    ]
    first = rows[0]
    assert first["方案文件"] == "a-alliance_min=3.xlsx" and first["本次"] == "求解"
    assert first["交流人数"] == good.kpis.moves and first["应交流人数"] == good.kpis.due
    assert first["求解用时（秒）"] > 0 and first["读取、求解和写出用时（秒）"] >= first["求解用时（秒）"]
    assert rows[1]["交流人数"] == "" and "alliance_min" in rows[1]["说明"]
    facts = {r["项目"]: r["值"] for r in _rows(out / SUMMARY_NAME, "批次信息")}
    assert facts["求解任务数"] == 4 and facts["无方案"] == 3 and facts["计算引擎"] == "local"


def test_a_listed_workbook_that_is_missing_is_a_row(tmp_path: Path) -> None:
    listing = tmp_path / "list.txt"
    listing.write_text("gone.xlsx\n", encoding="utf-8")
    result = run_batch(_jobs(listing, "female_exempt_age=50,52"), tmp_path / "out", SETTINGS, TWO)
    assert [row.status for row in result.rows] == ["bad_input", "bad_input"]
    assert "无法读取" in result.rows[0].message.zh and "cannot be read" in result.rows[0].message.en
    assert (tmp_path / "out" / SUMMARY_NAME).is_file()


def test_the_plan_is_the_one_rotation_solve_writes(tmp_path: Path, tiny_path: Path) -> None:
    from rotation.cli.main import main

    folder = _inputs(tmp_path / "in", tiny_path, ["tiny.xlsx"])
    settings = BatchSettings(time_limit_s=30.0, seed=3)
    run_batch(_jobs(folder), tmp_path / "out", settings, EngineChoice("local", 1))
    solved = tmp_path / "solve.xlsx"
    args = ["solve", str(folder / "tiny.xlsx"), "-o", str(solved), "--workers", "1", "--seed", "3"]
    cli = CliRunner().invoke(main, args)
    assert cli.exit_code == 0, cli.output
    batch_book = CalamineWorkbook.from_path(str(tmp_path / "out" / "tiny.xlsx"))
    solve_book = CalamineWorkbook.from_path(str(solved))
    assert batch_book.sheet_names == solve_book.sheet_names
    for sheet in ("调动名单", "未安排", "指标完成"):
        assert (
            batch_book.get_sheet_by_name(sheet).to_python() == solve_book.get_sheet_by_name(sheet).to_python()
        )
    # The input travelled as bytes: the run sheet still names the file, its hash and the plan's lineage.
    timed = {"wall_time_s"}
    batch_run = {r["项目"]: r["值"] for r in _rows(tmp_path / "out" / "tiny.xlsx", "运行信息")}
    solve_run = {r["项目"]: r["值"] for r in _rows(solved, "运行信息")}
    assert {k: v for k, v in batch_run.items() if k not in timed and not k.startswith("目标层级")} == {
        k: v for k, v in solve_run.items() if k not in timed and not k.startswith("目标层级")
    }
    assert batch_run["input_file"] == "tiny.xlsx" and batch_run["seed"] == 3
    assert batch_run["input_sha256"] == hashlib.sha256(tiny_path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- resuming


def test_a_rerun_solves_only_what_is_missing_or_changed(tmp_path: Path, tiny_path: Path) -> None:
    folder = _inputs(tmp_path / "in", tiny_path, ["a.xlsx", "b.xlsx"])
    out = tmp_path / "out"
    jobs = _jobs(folder, "female_exempt_age=50,52")
    first = run_batch(jobs, out, SETTINGS, TWO)
    assert first.solved == 4 and all(row.status == "optimal" for row in first.rows)

    (out / "a-female_exempt_age=52.xlsx").unlink()
    seen: list[BatchProgress] = []
    second = run_batch(jobs, out, SETTINGS, TWO, progress=seen.append)
    assert [row.reused for row in second.rows] == [True, False, True, True]
    assert second.rows[0] == first.rows[0].__class__(**{**first.rows[0].__dict__, "reused": True})
    assert seen[0].done == 3 and seen[0].reused == 3 and seen[-1].done == 4
    assert _rows(out / SUMMARY_NAME, "批量汇总")[1]["本次"] == "求解"
    assert _rows(out / SUMMARY_NAME, "批量汇总")[0]["本次"] == "沿用"

    # Another input under the same name is solved again.
    with (folder / "b.xlsx").open("ab") as changed:
        changed.write(b"\0")  # still a zip archive that the loader reads: its hash changed
    third = run_batch(jobs, out, SETTINGS, TWO)
    assert [row.reused for row in third.rows] == [True, True, False, False]


def test_a_plan_is_reused_only_under_the_same_input_values_seed_language_and_version() -> None:
    key = SETTINGS.key("abc", {"female_exempt_age": "52"})
    assert key == BatchSettings(time_limit_s=5.0, workers=2).key("abc", {"female_exempt_age": "52"})
    assert key != SETTINGS.key("abd", {"female_exempt_age": "52"})
    assert key != SETTINGS.key("abc", {"female_exempt_age": "50"})
    assert key != BatchSettings(seed=1).key("abc", {"female_exempt_age": "52"})
    assert key != BatchSettings(lang="en").key("abc", {"female_exempt_age": "52"})


def test_a_repeatable_failure_is_not_solved_again(tmp_path: Path, tiny_path: Path) -> None:
    folder = _inputs(tmp_path / "in", tiny_path, ["a.xlsx"])
    jobs = _jobs(folder, "alliance_min=9")
    assert run_batch(jobs, tmp_path / "out", SETTINGS, TWO).rows[0].status == "bad_input"
    again = run_batch(jobs, tmp_path / "out", SETTINGS, TWO)
    assert again.rows[0].reused and again.rows[0].status == "bad_input"


def test_an_interrupted_batch_resumes_without_redoing_finished_solves(
    tmp_path: Path, tiny_path: Path
) -> None:
    folder = _inputs(tmp_path / "in", tiny_path, ["a.xlsx", "b.xlsx", "c.xlsx"])
    out = tmp_path / "out"
    jobs = _jobs(folder)

    def interrupt(progress: BatchProgress) -> None:
        if progress.done == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch(jobs, out, SETTINGS, EngineChoice("local", 1), progress=interrupt)
    finished = sorted(p.name for p in out.glob("*.xlsx"))
    assert len(finished) == 1 and not (out / SUMMARY_NAME).exists()
    resumed = run_batch(jobs, out, SETTINGS, EngineChoice("local", 1))
    assert [row.output_name for row in resumed.rows if row.reused] == finished
    assert resumed.solved == 2 and all(row.status == "optimal" for row in resumed.rows)


def test_files_the_batch_did_not_write_are_kept_unless_forced(tmp_path: Path, tiny_path: Path) -> None:
    folder = _inputs(tmp_path / "in", tiny_path, ["a.xlsx"])
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.xlsx").write_bytes(b"a planner's own file")
    with pytest.raises(BatchError) as refused:
        run_batch(_jobs(folder), out, SETTINGS, TWO)
    assert "--force" in refused.value.text.zh and (out / "a.xlsx").read_bytes() == b"a planner's own file"
    assert run_batch(_jobs(folder), out, SETTINGS, TWO, force=True).rows[0].status == "optimal"
    with pytest.raises(BatchError, match="input workbooks"):
        run_batch(_jobs(folder), folder, SETTINGS, TWO)


def test_a_plan_written_as_the_run_stopped_is_solved_again(tmp_path: Path, tiny_path: Path) -> None:
    folder = _inputs(tmp_path / "in", tiny_path, ["a.xlsx", "b.xlsx"])
    out = tmp_path / "out"
    run_batch(_jobs(folder), out, SETTINGS, EngineChoice("local", 1))
    manifest = out / MANIFEST_NAME
    lines = manifest.read_text(encoding="utf-8").splitlines(keepends=True)
    # Stopped while writing b's last line: b's plan is on disk, claimed by the batch, but not recorded.
    manifest.write_text("".join(lines[:-1]) + lines[-1][:40], encoding="utf-8")
    again = run_batch(_jobs(folder), out, SETTINGS, TWO)
    assert [row.reused for row in again.rows] == [True, False]


# --------------------------------------------------------------------------- the command


def test_the_command_speaks_chinese_and_writes_the_summary(tmp_path: Path, tiny_path: Path) -> None:
    _inputs(tmp_path / "in", tiny_path, ["a.xlsx", "b.xlsx"])
    listing = tmp_path / "counties.txt"
    listing.write_text("in/a.xlsx\nin/b.xlsx\n", encoding="utf-8")
    out = tmp_path / "out"
    args = [str(listing), "-o", str(out), "--grid", "female_exempt_age=50", "--time-limit", "30"]
    result = CliRunner().invoke(batch, [*args, "--processes", "2"])
    assert result.exit_code == 0, result.output
    assert "2 个工作簿 × 1 个情景 = 2 次求解" in result.output and "本次求解 2 次" in result.output
    assert (out / "a-female_exempt_age=50.xlsx").is_file() and (out / SUMMARY_NAME).is_file()
    again = CliRunner().invoke(batch, [*args, "--lang", "en"])
    assert again.exit_code == 0, again.output
    # The plans are written in the language asked for: another language is another solve.
    assert "2 solved in this run, 0 reused" in again.output
    assert "summary" in CalamineWorkbook.from_path(str(out / SUMMARY_NAME)).sheet_names


def test_the_command_refuses_what_cannot_start(tmp_path: Path, tiny_path: Path) -> None:
    folder = _inputs(tmp_path / "in", tiny_path, ["a.xlsx"])
    out = str(tmp_path / "out")
    unknown = CliRunner().invoke(batch, [str(folder), "-o", out, "--grid", "female_exempt_agee=50"])
    assert unknown.exit_code == 2 and "female_exempt_age" in unknown.output
    address = CliRunner().invoke(
        batch, [str(folder), "-o", out, "--address", "127.0.0.1:6379", "--lang", "en"]
    )
    assert address.exit_code == 2 and "--engine ray" in address.output
    same = CliRunner().invoke(batch, [str(folder), "-o", str(folder)])
    assert same.exit_code == 2 and "输入工作簿所在的文件夹" in same.output


def test_ray_missing_is_said_in_both_languages(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, tiny_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # as if not installed
    with pytest.raises(EngineError) as missing:
        import_ray()
    assert "teacher-rotation[ray]" in missing.value.text.en and "尚未安装" in missing.value.text.zh
    folder = _inputs(tmp_path / "in", tiny_path, ["a.xlsx"])
    result = CliRunner().invoke(batch, [str(folder), "-o", str(tmp_path / "out"), "--engine", "ray"])
    assert result.exit_code == 2 and "pip install 'teacher-rotation[ray]'" in result.output


# --------------------------------------------------------------------------- the engines' own failures


def _division(index: int) -> tuple[Any, tuple[Any, ...]]:
    # Module-level builtins, so that the pool's processes unpickle them without importing this test.
    return (time.sleep, (60,)) if index == 0 else (operator.truediv, (index, index - 1))


def test_a_late_task_is_ended_and_a_crash_is_a_failure_the_others_go_on() -> None:
    results: dict[int, Any] = {}
    started = time.monotonic()
    run_tasks(EngineChoice("local", 2), 4, _division, results.__setitem__, limit_s=3.0)
    assert time.monotonic() - started < 30
    assert isinstance(results[0], TaskFailure) and results[0].kind == "timeout"
    assert isinstance(results[1], TaskFailure) and results[1].kind == "error"
    assert "ZeroDivisionError" in results[1].message.en and "任务异常终止" in results[1].message.zh
    assert results[2] == 2.0 and results[3] == 1.5


# --------------------------------------------------------------------------- the province benchmark


def test_the_province_counties_and_the_longest_first_projection() -> None:
    from benchmarks.province import counties, longest_first

    full = counties(quick=False)
    assert len(full) == 30 and full[0].staff == 2_000 and full[-1].staff == 8_000
    assert len({c.seed for c in full}) == 30 and len(counties(quick=True)) == 4
    assert longest_first([5, 4, 3, 3, 3], 2) == 10  # 5 | 4, 3 on the 4, 3 on the 5, 3 on the 7
    assert longest_first([1, 2, 3], 8) == 3 and longest_first([2, 2, 2, 2], 2) == 4


def test_a_worker_writes_nothing_to_disk_and_returns_the_plan_solve_writes(
    tmp_path: Path, tiny_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 13 §4: no copy of a workbook's personal data in $TMPDIR. A worker loads the content it was
    # sent from memory and builds the plan in memory; writing any file here fails the test.
    content = WorkbookContent.read(tiny_path)

    def no_files(*args: object, **kwargs: object) -> None:
        raise AssertionError("a worker wrote a temporary file")

    monkeypatch.setattr(tempfile, "mkdtemp", no_files)
    monkeypatch.setattr(tempfile, "mkstemp", no_files)
    outcome = solve_job(content, {}, SETTINGS)
    assert outcome.status == "optimal" and outcome.plan_workbook is not None
    swept = run_scenario(0, content, {}, 30.0, 0)
    assert swept.status == "optimal" and swept.kpis is not None and outcome.kpis is not None
    assert replace(swept.kpis, wall_time_s=0.0) == replace(outcome.kpis, wall_time_s=0.0)
    monkeypatch.undo()
    solved = tmp_path / "solved.xlsx"
    cli = CliRunner().invoke(main, ["solve", str(tiny_path), "-o", str(solved), "--time-limit", "30"])
    assert cli.exit_code == 0, cli.output
    sent_back = tmp_path / "sent.xlsx"
    sent_back.write_bytes(outcome.plan_workbook)
    for sheet in ("调动名单", "指标完成", "学校汇总"):
        assert _rows(sent_back, sheet) == _rows(solved, sheet)
