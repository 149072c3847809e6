"""The benchmark runner (benchmarks/): a run in a fresh process, its record, the agreement, the report."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from plan_checker import check_plan_workbook

from benchmarks.agreement import compare_levels
from benchmarks.records import RUN_PHASES, SOLVE_PHASES, RunRecord
from benchmarks.report import agreement_line, agreement_summary, methods_table
from rotation.eligibility import assess_roster
from rotation.plan import Plan, SolveStatus
from rotation.workbook.loader import load_workbook
from solver.methods import solve_by
from solver.settings import SolveOptions

OPTIONS = SolveOptions(time_limit_s=60, workers=2, seed=0)


def child_run(root: Path, workbook: Path, method: str, plan_out: Path) -> RunRecord:
    """``python -m benchmarks.run_one`` on ``workbook``, as the benchmark starts it: one JSON line."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.run_one",
            str(workbook),
            method,
            "--time-limit",
            "60",
            "--workers",
            "2",
            "--seed",
            "0",
            "--plan-out",
            str(plan_out),
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1, done.stdout
    return RunRecord.from_json(json.loads(lines[0]))


def solve_here(workbook: Path, method: str) -> tuple[Plan, set[str]]:
    loaded = load_workbook(workbook)
    eligibility = assess_roster(loaded.roster, loaded.params)
    due = {staff_id for staff_id, entry in eligibility.items() if entry.is_due}
    return solve_by(method, loaded.roster, loaded.params, eligibility, OPTIONS), due  # type: ignore[arg-type]


@pytest.mark.parametrize("method", ["cp-sat", "greedy"])
def test_one_run_in_a_fresh_process_reports_the_plans_own_figures(
    project_root: Path, tiny_path: Path, tmp_path: Path, method: str
) -> None:
    out = tmp_path / "plan.xlsx"
    record = child_run(project_root, tiny_path, method, out)
    plan, due = solve_here(tiny_path, method)
    moved = {m.staff_id for m in plan.moves if m.rule != "S2"}

    assert record.ok and record.method == method
    assert record.status == plan.status.value
    assert record.due == len(due)
    assert record.due_rotated == len(moved & due) > 0
    assert record.moves == len(moved)
    hard = [o for o in plan.obligations if not o.soft]
    assert (record.hard_obligations, record.hard_obligations_met) == (len(hard), sum(o.met for o in hard))
    assert record.obligations == len(plan.obligations) > 0
    assert [(lv.name, lv.status, lv.objective) for lv in record.levels] == [
        (lv.name, lv.status.value, lv.objective) for lv in plan.levels
    ]
    # Every wall-clock phase ran and they fit inside the end-to-end time.
    assert list(record.phases) == list(RUN_PHASES)
    assert all(seconds > 0 for seconds in record.phases.values())
    assert sum(record.phases.values()) <= record.end_to_end_s
    # The solve's own phases: CP-SAT builds, optimises and explains (and exchanges principals across
    # the district when some move); greedy has none of them.
    if method == "cp-sat":
        assert list(record.solve_phases) == [p for p in SOLVE_PHASES if p in record.solve_phases]
        assert {"build", "optimise", "explain"} <= record.solve_phases.keys()
        assert record.solve_phases["optimise"] > 0
    else:
        assert record.solve_phases == {}
    # The process loaded OR-Tools and pandas: its peak is tens of MiB at least, and far from gigabytes.
    assert 50 < record.peak_mib < 2_000
    # The exported plan is the plan: the independent checker accepts it.
    assert check_plan_workbook(tiny_path, out) == []


def test_the_peak_memory_is_the_runs_own_not_its_parents(project_root: Path) -> None:
    """A child of a parent holding 400 MiB reports its own few tens of MiB (ru_maxrss would say 400+)."""
    child = "from benchmarks.run_one import peak_memory_mib; print(peak_memory_mib())"
    parent = (
        "import subprocess, sys\n"
        "held = bytearray(400 * 2**20)\n"
        "for i in range(0, len(held), 4096): held[i] = 1\n"
        f"print(subprocess.run([sys.executable, '-c', {child!r}], capture_output=True, text=True).stdout)"
    )
    done = subprocess.run(
        [sys.executable, "-c", parent],
        cwd=project_root,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert 5 < float(done.stdout.strip()) < 100


def test_a_failing_run_is_a_record_with_its_error(project_root: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.run_one", str(tmp_path / "missing.xlsx"), "cp-sat"],
        cwd=project_root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    record = RunRecord.from_json(json.loads(done.stdout.strip().splitlines()[-1]))
    assert not record.ok
    assert record.error is not None and "missing.xlsx" in record.error
    assert "load" not in record.phases


def test_a_record_reads_back_from_its_json(tiny_path: Path) -> None:
    plan, due = solve_here(tiny_path, "cp-sat")
    record = RunRecord("tiny", "cp-sat", 60, 2, staff=300, due=len(due))
    record.take_plan(plan, due)
    record.phases = {"load": 0.5, "solve": 2.0}
    assert RunRecord.from_json(json.loads(json.dumps(record.to_json()))) == record


# --- Agreement -----------------------------------------------------------------------------------------


def test_two_cp_sat_runs_agree_on_every_level(tiny_path: Path) -> None:
    first, _ = solve_here(tiny_path, "cp-sat")
    second, _ = solve_here(tiny_path, "cp-sat")
    agreement = compare_levels(first.levels, second.levels, "cp-sat", "cp-sat again")
    assert agreement.agree
    assert agreement.compared == tuple(level.name for level in first.levels)
    assert len(agreement.compared) >= 5
    assert "agree on all" in agreement.sentence()


def test_a_doctored_level_value_is_named_as_a_difference(tiny_path: Path) -> None:
    plan, _ = solve_here(tiny_path, "cp-sat")
    levels = list(plan.levels)
    index = next(i for i, level in enumerate(levels) if level.name == "O2 due rotated")
    levels[index] = replace(levels[index], objective=levels[index].objective - 1)
    agreement = compare_levels(plan.levels, levels)
    assert not agreement.agree
    assert agreement.differing == (("O2 due rotated", plan.levels[index].objective, levels[index].objective),)
    assert "DIFFER" in agreement.sentence() and "O2 due rotated" in agreement.sentence()


def test_a_level_not_proved_optimal_is_not_compared(tiny_path: Path) -> None:
    plan, _ = solve_here(tiny_path, "cp-sat")
    cut = [
        replace(level, status=SolveStatus.FEASIBLE, objective=level.objective + 5)
        if level.name == "O2 tenure"
        else level
        for level in plan.levels
    ]
    agreement = compare_levels(plan.levels, cut)
    assert agreement.agree
    assert "O2 tenure" not in agreement.compared
    assert agreement.not_compared == (("O2 tenure", "mip feasible"),)


def test_greedy_shares_no_level_with_cp_sat_so_nothing_is_compared(tiny_path: Path) -> None:
    cp_sat, _ = solve_here(tiny_path, "cp-sat")
    greedy, _ = solve_here(tiny_path, "greedy")
    agreement = compare_levels(cp_sat.levels, greedy.levels, "cp-sat", "greedy")
    assert not agreement.agree
    assert agreement.compared == ()
    assert "nothing to compare" in agreement.sentence()


def test_cp_sat_and_mip_agree_on_the_tiny_district(tiny_path: Path) -> None:
    cp_sat, _ = solve_here(tiny_path, "cp-sat")
    mip, _ = solve_here(tiny_path, "mip")
    agreement = compare_levels(cp_sat.levels, mip.levels)
    assert agreement.compared, agreement.sentence()
    assert agreement.agree, agreement.sentence()


# --- The report's table ----------------------------------------------------------------------------------


def test_the_table_gives_ratios_against_cp_sat_of_the_same_records(tiny_path: Path) -> None:
    plan, due = solve_here(tiny_path, "cp-sat")
    base = RunRecord("tiny", "cp-sat", 60, 2, staff=300, due=len(due))
    base.take_plan(plan, due)
    base.end_to_end_s, base.peak_mib = 4.0, 200.0
    slower = replace(base, method="mip", end_to_end_s=10.0, peak_mib=300.0, levels=list(base.levels))
    failed = RunRecord("tiny", "greedy", 60, 2, error="RuntimeError: boom")
    rows = methods_table([base, slower, failed])
    cells = {row.split(" | ")[0].strip("| "): row.split(" | ") for row in rows[2:]}
    assert cells["cp-sat"][-3:] == ["1.00", "1.00", "1.00 |"]
    assert cells["mip"][-3:] == ["2.50", "1.50", "1.00 |"]
    assert "error: RuntimeError: boom" in cells["greedy"][1]
    assert agreement_line([base, slower, failed]).startswith("Agreement: cp-sat and mip agree on all")
    doctored = replace(slower, levels=[replace(lv, objective=lv.objective + 1) for lv in base.levels])
    assert "DIFFER" in agreement_line([base, doctored])
    # Over the run: one instance agrees, one differs (renamed so that the two are separate instances).
    other = [replace(base, instance="other"), replace(doctored, instance="other")]
    summary = agreement_summary([base, slower, failed, *other])
    assert "agree on every level both proved optimal on 1 of 2 instances** (tiny)" in summary
    assert "they **differ** on other" in summary
