"""Issue 13, "Why" 4 and 6: a signal stops a run cleanly, and a work limit makes a cut-off run reproducible.

The kill tests run ``rotation solve`` on the sample district in a child process whose stderr is a
terminal (a pseudo-terminal), so that its live line shows how far it got; the signal is sent when
a line of the solve appears (SIGINT, SIGTERM, SIGKILL during the solve) or when the solve says it is
done (the export follows at once). Each child has a private $TMPDIR; after it ends, neither that
folder nor the output's holds anything but a complete plan, if any.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from reports.facts import level_fact
from rotation.cli.main import main
from rotation.eligibility import assess_roster
from rotation.plan import LevelResult, SolveStatus
from rotation.workbook.loader import load_workbook
from solver import stopping
from solver.settings import SolveOptions
from solver.solve import solve

pty = pytest.importorskip("pty")
ROTATION = Path(sys.executable).with_name("rotation")


@dataclass(frozen=True)
class Stopped:
    code: int
    stderr: str
    out: Path
    tmp: Path


def stop_solve(workbook: Path, folder: Path, signum: int, when: bytes) -> Stopped:
    """Run ``rotation solve`` and send ``signum`` as soon as its stderr shows ``when``."""
    out, tmp = folder / "out", folder / "tmp"
    out.mkdir()
    tmp.mkdir()
    leader, follower = pty.openpty()
    child = subprocess.Popen(
        [str(ROTATION), "solve", str(workbook), "-o", str(out / "plan.xlsx"), "--lang", "en"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=follower,
        env={**os.environ, "TMPDIR": str(tmp)},
        # A test runner's worker may ignore SIGINT, and an ignored signal is inherited: not here.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    os.close(follower)
    seen, sent = b"", False
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                seen += chunk
                if not sent and when in seen:
                    child.send_signal(signum)
                    sent = True
            elif child.poll() is not None:
                break
        child.wait(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
        os.close(leader)
    assert sent, f"the solve never showed {when!r}:\n{seen.decode(errors='replace')[-2000:]}"
    return Stopped(child.returncode, seen.decode(errors="replace"), out, tmp)


def assert_nothing_left(run: Stopped) -> None:
    assert not list(run.tmp.iterdir()), "a temporary file in $TMPDIR"
    assert not list(run.out.iterdir()), "a file in the output's folder"
    assert "Traceback" not in run.stderr
    assert "terminate called" not in run.stderr


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_issue13_a_signal_during_the_solve_stops_it_cleanly(
    district_path: Path, tmp_path: Path, signum: int, code: int
) -> None:
    run = stop_solve(district_path, tmp_path, signum, b"O1 ")
    assert run.code == code, run.stderr[-2000:]
    assert f"Stopped by {signal.Signals(signum).name} after" in run.stderr
    assert "Read " in run.stderr and "Last progress: component" in run.stderr
    assert "No plan or other output was written" in run.stderr
    assert_nothing_left(run)


def test_issue13_sigint_as_the_export_begins_leaves_no_partial_plan(
    district_path: Path, tmp_path: Path
) -> None:
    run = stop_solve(district_path, tmp_path, signal.SIGINT, b"done:")
    assert run.code == 130, run.stderr[-2000:]
    assert "No plan or other output was written" in run.stderr
    assert_nothing_left(run)


@pytest.mark.parametrize("when", [b"O1 ", b"done:"], ids=["solve", "export"])
def test_sigkill_leaves_no_temporary_file_anywhere(district_path: Path, tmp_path: Path, when: bytes) -> None:
    run = stop_solve(district_path, tmp_path, signal.SIGKILL, when)
    assert run.code == -signal.SIGKILL
    assert not list(run.tmp.iterdir())
    # Nothing, or (killed after the rename) the whole plan: never a part of one, never a temporary.
    left = list(run.out.iterdir())
    assert left in ([], [run.out / "plan.xlsx"])
    if left:
        assert "assignments" in openpyxl.load_workbook(left[0], read_only=True).sheetnames


def test_a_stop_request_ends_every_running_solve_at_once(district_path: Path) -> None:
    loaded = load_workbook(district_path)
    eligibility = assess_roster(loaded.roster, loaded.params)
    timer = threading.Timer(0.3, stopping.request_stop)
    timer.start()
    try:
        started = time.monotonic()
        plan = solve(loaded.roster, loaded.params, eligibility, SolveOptions(time_limit_s=120, workers=2))
        took = time.monotonic() - started
    finally:
        timer.cancel()
        stopping.clear_stop()
    assert "stop" in {level.limit for level in plan.levels}
    assert took < 60  # not the time limit: the request ended it


# -- "Why" 6: the same seed, the same plan, when a work limit cuts a level -------------------------


def plan_rows(path: Path) -> list[tuple[object, ...]]:
    book = openpyxl.load_workbook(path, read_only=True)
    return [row for name in ("assignments", "unmoved_due") for row in book[name].iter_rows(values_only=True)]


def test_issue13_a_work_limit_that_cuts_a_level_gives_the_same_plan_twice(
    tiny_path: Path, tmp_path: Path
) -> None:
    plans = []
    for name in ("first.xlsx", "second.xlsx"):
        out = tmp_path / name
        args = [
            "solve",
            str(tiny_path),
            "-o",
            str(out),
            "--work-limit",
            "0.01",
            "--seed",
            "3",
            "--lang",
            "en",
        ]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        plans.append(out)
    assert plan_rows(plans[0]) == plan_rows(plans[1])
    run = dict(openpyxl.load_workbook(plans[0], read_only=True)["run"].iter_rows(values_only=True))
    cut = [key for key, value in run.items() if str(key).startswith("level ") and "work limit" in str(value)]
    assert cut, "a work limit of 0.01 should cut at least one level of tiny"
    assert not any("time limit" in str(value) for value in run.values())


@pytest.mark.parametrize(
    ("limit", "en", "zh"),
    [
        ("time", "ended by the time limit (--time-limit)", "因时限（--time-limit）结束"),
        ("work", "ended by the work limit (--work-limit;", "因计算量上限（--work-limit）结束"),
        ("stop", "stopped by a signal", "被信号中止"),
    ],
)
def test_the_run_sheet_says_which_limit_ended_a_level(limit: str, en: str, zh: str) -> None:
    level = LevelResult("O2 due rotated", SolveStatus.FEASIBLE, 5, 7, 0.4, 1.0, limit)
    assert en in level_fact(level, "en")[1]
    assert zh in level_fact(level, "zh")[1]
    proven = LevelResult("O2 due rotated", SolveStatus.OPTIMAL, 5, 5, 0.0, 1.0)
    assert level_fact(proven, "en")[1].endswith("1.00 s")


def test_stop_requests_are_cleared_for_the_next_command() -> None:
    stopping.request_stop()
    stopping.clear_stop()
    assert not stopping.stop_requested()
