"""What the ``rotation`` commands share: exit codes, options, refusals, loading, progress.

Every command module imports from here, and ``rotation.cli.main`` gathers the commands.
"""

from __future__ import annotations

import math
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

import click

from rotation import interruption
from rotation.cli.language import TextGroup, lang_on_command_line, option, spoken
from rotation.cli.messages import Messages, messages_for
from rotation.interruption import Interrupted
from rotation.parameters import ParameterError, Parameters, resolve_parameters
from rotation.text import Text
from rotation.workbook.loader import LoadedWorkbook, WorkbookError, load_workbook

EXIT_BAD_INPUT = 2
EXIT_INFEASIBLE = 3
EXIT_NO_PLAN = 4
# The longest --time-limit or --work-limit (a few weeks): far more than any district needs.
MAX_SECONDS = 1_000_000
# A run stopped by a signal exits as a shell reports it: 128 + the signal (130 SIGINT, 143 SIGTERM).
STOPPING_SIGNALS = (signal.SIGINT, signal.SIGTERM)

LANG = option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    help=Text("Language of output.", "输出的语言：zh 中文，en 英文。"),
)
FORCE = option(
    "--force", is_flag=True, help=Text("Overwrite an existing output file.", "覆盖已存在的输出文件。")
)
EFFECTIVE_DATE = option(
    "--effective-date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar=Text("YYYY-MM-DD", "年-月-日"),
    help=Text(
        "Date the rotation takes effect (default: the next 1 September).",
        "交流生效日期（默认：下一个 9 月 1 日）。",
    ),
)
SET = option(
    "--set",
    "flags",
    multiple=True,
    metavar=Text("KEY=VALUE", "参数=值"),
    help=Text(
        "Override a parameter.",
        "修改一个参数（可重复），如 --set max_outflow_ratio=0.25 或 --set soft=G4,G6。",
    ),
)
SCENARIO = option(
    "--scenario",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar=Text("FILE.toml", "情景.toml"),
    help=Text("TOML scenario file.", "参数情景文件（TOML）。"),
)
OUTPUT = option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    metavar=Text("FILE", "文件"),
    help=Text(
        "The file to write (never the input; an existing file only with --force).",
        "要写出的文件（不能是输入文件；已存在的文件须加 --force）。",
    ),
)


def _within(low: float, high: float, *, above_low: bool = False) -> Callable[..., Any]:
    """A click callback refusing a number outside [low, high] (``above_low``: (low, high]), and nan,
    which every comparison lets by: a usage error, exit 2, in the terminal's language."""

    def check(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
        if value is None:
            return value
        inside = (low < value if above_low else low <= value) and value <= high
        if not inside or math.isnan(value):
            bounds = f"{low}{'<' if above_low else '<='}x<={high}"
            refusal = Text(f"{value} is not in the range {bounds}.", f"{value} 不在范围 {bounds} 内。")
            raise click.BadParameter(refusal.pick(spoken()))
        return value

    return check


WORKERS = option(
    "--workers",
    type=int,
    callback=_within(0, 1024),
    default=0,
    metavar=Text("N", "N"),
    help=Text("Solver threads (0: every core).", "求解线程数（0：全部核心）。"),
)
SOLVE_SEED = option(
    "--seed",
    type=int,
    # CP-SAT's random seed is a 32-bit integer.
    callback=_within(-(2**31), 2**31 - 1),
    default=0,
    show_default=True,
    metavar=Text("N", "N"),
    help=Text("Same input and seed, same plan.", "输入和种子相同，方案相同。"),
)


def time_limit_option(help_text: Text) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return option(
        "--time-limit",
        type=float,
        callback=_within(0, MAX_SECONDS, above_low=True),
        default=60.0,
        show_default=True,
        metavar=Text("SECONDS", "秒"),
        help=help_text,
    )


WORK_LIMIT = option(
    "--work-limit",
    type=float,
    callback=_within(0, MAX_SECONDS, above_low=True),
    default=None,
    metavar=Text("UNITS", "单位"),
    help=Text(
        "Bound the solve by CP-SAT's deterministic time instead of the clock alone: a solve it cuts "
        "short gives the same plan for the same seed on every run (the time limit still applies).",
        "按 CP-SAT 的确定性计算量（而不只按时钟）限制求解：被它截断的求解，种子相同则每次方案相同"
        "（时限仍然有效）。",
    ),
)


INCLUDE_SENSITIVE = option(
    "--include-sensitive",
    is_flag=True,
    help=Text(
        "Show E4/E5 (maternity, medical) reasons instead of E*.",
        "显示 E4/E5（孕产、病情）原因，而不是 E*。",
    ),
)


def fail(lines: Sequence[str], code: int = EXIT_BAD_INPUT) -> NoReturn:
    for line in lines:
        click.echo(line, err=True)
    sys.exit(code)


@contextmanager
def bad_input_exits(lang: str) -> Iterator[None]:
    """Turn every refusal of the input into its sentences on stderr and exit code 2, never a traceback.

    The loader's and the parameters' sentences are printed in ``lang`` ("zh" or "en").
    """
    from reports.xlsx import OutputError

    try:
        yield
    except WorkbookError as error:
        fail([problem.text(lang) for problem in error.problems])
    except ParameterError as error:
        fail(error.lines(lang))
    except OutputError as error:
        fail([error.text.pick(lang)])


def load(
    path: Path, scenario: Path | None, flags: Sequence[str], effective_date: datetime | None
) -> LoadedWorkbook:
    day = effective_date.date() if effective_date is not None else None

    def resolve(sheet_values: Mapping[str, object]) -> Parameters:
        return resolve_parameters(sheet_values, scenario, flags, day)

    # Scenario and flag mistakes are reported before the workbook is even read; how the values go
    # together is judged with the sheet's, once it is read.
    resolve_parameters({}, scenario, flags, day, joint=False)
    return load_workbook(path, resolve)


def load_for_output(
    workbook: Path,
    output: Path,
    force: bool,
    scenario: Path | None,
    flags: Sequence[str],
    effective_date: datetime | None,
    text: Messages,
) -> LoadedWorkbook:
    """Refuse a bad output path before spending minutes on a solve, then load and print the warnings."""
    from reports.xlsx import check_output_path

    with bad_input_exits(text.lang):
        check_output_path(output, force=force, protect=[workbook])
        loaded = load(workbook, scenario, flags, effective_date)
    roster = loaded.roster
    record(
        Text(
            f"Read {workbook}: {len(roster.staff)} staff, {len(roster.schools)} schools",
            f"已读取 {workbook}：教职工 {len(roster.staff)} 人，学校 {len(roster.schools)} 所",
        )
    )
    print_warnings(loaded.warnings, text)
    return loaded


def print_warnings(warnings: Sequence[Text], text: Messages) -> None:
    for warning in warnings:
        click.echo(text.warning(text.say(warning)), err=True)


def live_line(lang: str) -> Callable[[Text], None] | None:
    """A progress printer that rewrites one stderr line in ``lang``, only on a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(line: Text) -> None:
        _RUN.last_progress = line
        sys.stderr.write("\r\x1b[2K" + line.pick(lang))
        sys.stderr.flush()

    return show


def watched(show: Callable[[Text], None] | None) -> Callable[[Text], None]:
    """``show`` (or nothing), keeping the last progress line to say how far a stopped run got."""

    def watch(line: Text) -> None:
        _RUN.last_progress = line
        if show is not None:
            show(line)

    return watch


# -------------------------------------------------------------------------- signals


@dataclass
class _Run:
    """What the command in progress has done, to say so if a signal stops it."""

    started: float = field(default_factory=time.perf_counter)
    steps: list[Text] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    last_progress: Text | None = None


_RUN = _Run()


def record(step: Text) -> None:
    """Note a step the command has finished (said if a signal stops it later)."""
    _RUN.steps.append(step)


def record_written(path: Path) -> None:
    _RUN.written.append(path)


def _on_signal(signum: int, frame: FrameType | None) -> None:
    interruption.request(signum)
    # Only a solver module already imported can have solves running.
    stopping = sys.modules.get("solver.stopping")
    if stopping is not None:
        stopping.request_stop()
    raise Interrupted(signum)


@contextmanager
def stopped_by_signals(lang: str) -> Iterator[None]:
    """Run a command so that SIGINT and SIGTERM stop it cleanly, at any phase.

    The solves stop through CP-SAT's StopSearch (solver.stopping), the exception unwinds through the
    writers (whose temporary files go with it), and the command says what it had done and that
    nothing more was written (in ``lang``), then exits 130 (SIGINT) or 143 (SIGTERM).
    """
    global _RUN
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers belong to the main thread
        return
    _RUN = _Run()
    interruption.clear()
    stopping = sys.modules.get("solver.stopping")
    if stopping is not None:
        stopping.clear_stop()
    # A signal ignored when the command started (nohup, a background job) stays ignored.
    previous = {
        signum: signal.signal(signum, _on_signal)
        for signum in STOPPING_SIGNALS
        if signal.getsignal(signum) is not signal.SIG_IGN
    }
    try:
        yield
        # The handler's exception may have been dropped (raised in a weakref callback or a finaliser):
        # the outputs' commit points refused to finish, and the command still stops as asked.
        interruption.check()
    except Interrupted as stop:
        for signum in STOPPING_SIGNALS:  # a second Ctrl-C does not cut the message short
            signal.signal(signum, signal.SIG_IGN)
        _say_interrupted(stop.signum, lang)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _say_interrupted(signum: int, lang: str) -> NoReturn:
    text = messages_for(lang)
    name = signal.Signals(signum).name
    elapsed = time.perf_counter() - _RUN.started
    stopped = Text(
        f"Stopped by {name} after {elapsed:.1f} s.", f"已被 {name} 中止（运行 {elapsed:.1f} 秒）。"
    )
    lines = [text.say(stopped), *(f"  {text.say(step)}" for step in _RUN.steps)]
    if _RUN.last_progress is not None:
        last = _RUN.last_progress
        lines.append(text.say(Text(f"  Last progress: {last.en}", f"  最后进度：{last.zh}")))
    if _RUN.written:
        lines += [f"  {text.written(path)}" for path in _RUN.written]
    else:
        lines.append(text.say(Text("No plan or other output was written.", "未写出方案或其他输出文件。")))
    # Past the live line, if one was being rewritten.
    fail(["", *lines] if sys.stderr.isatty() else lines, 128 + signum)


class CommandGroup(TextGroup):
    """The ``rotation`` group: every command runs under stopped_by_signals."""

    _lang = "zh"

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        # What a command prints follows --lang alone (docs/decisions.md), a stop message too.
        self._lang = lang_on_command_line(args) or "zh"
        return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        with stopped_by_signals(self._lang):
            return super().invoke(ctx)
