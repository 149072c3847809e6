"""A stop asked for by a signal is kept even where Python drops the handler's exception (issue 13 §4).

Raised inside a weakref callback or a finaliser, the exception of the signal handler is printed and
dropped ("Exception ignored in: <function WeakSet.__init__.<locals>._remove …>", seen once in the
kill test): the command went on, wrote its plan and exited 0. The writers' commit points and the
command's end read the recorded request instead.
"""

from __future__ import annotations

import signal
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import reports.plan_workbook
from reports.xlsx import SheetData, write_workbook
from rotation import interruption
from rotation.cli import common
from rotation.cli.main import main
from rotation.interruption import Interrupted
from solver import stopping


@pytest.fixture(autouse=True)
def no_stop_left() -> Iterator[None]:
    yield
    interruption.clear()
    stopping.clear_stop()


class _Target:
    pass


def drop_a_signal(signum: int) -> None:
    """Run the command layer's handler where Python prints its exception and goes on."""
    target = _Target()
    weakref.finalize(target, common._on_signal, signum, None)
    del target  # the finaliser runs now; its Interrupted is printed and dropped


def test_a_stop_asked_while_writing_leaves_no_output(tmp_path: Path) -> None:
    interruption.request(signal.SIGTERM)
    with pytest.raises(Interrupted) as stopped:
        write_workbook(tmp_path / "out.xlsx", [SheetData("a", ["h"], [("v",)])], force=False)
    assert stopped.value.signum == signal.SIGTERM
    assert list(tmp_path.iterdir()) == []


# The dropped exception is reported by Python as unraisable: that is the case under test.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_dropped_signal_still_stops_the_command_before_its_plan_is_visible(
    tmp_path: Path, tiny_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer: Callable[..., Any] = reports.plan_workbook.write_plan_workbook

    def write_after_a_dropped_signal(*args: Any, **kwargs: Any) -> None:
        drop_a_signal(signal.SIGINT)
        writer(*args, **kwargs)

    monkeypatch.setattr(reports.plan_workbook, "write_plan_workbook", write_after_a_dropped_signal)
    out = tmp_path / "out"
    out.mkdir()
    result = CliRunner().invoke(main, ["solve", str(tiny_path), "-o", str(out / "plan.xlsx"), "--lang", "en"])
    assert result.exit_code == 130, result.output
    assert "No plan or other output was written" in result.output
    assert list(out.iterdir()) == []
