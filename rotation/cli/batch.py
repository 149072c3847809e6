"""The ``batch`` command, and the engine options that ``sweep`` shares with it.

A thin wrapper over rotation.scenarios.batch: parse, refuse what cannot start (exit 2), run with a
progress line on a terminal, print the totals and the rows without a plan. Rows that fail do not
change the exit code: they are the batch's results, in summary.xlsx.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path

import click

from rotation.cli.common import (
    EXIT_BAD_INPUT,
    FORCE,
    LANG,
    SOLVE_SEED,
    bad_input_exits,
    fail,
    time_limit_option,
)
from rotation.cli.language import TextCommand, argument, option
from rotation.cli.messages import Messages, messages_for, pad
from rotation.parameters import Parameters
from rotation.scenarios.batch import (
    BatchError,
    BatchProgress,
    BatchResult,
    BatchSettings,
    batch_jobs,
    batch_scenarios,
    find_inputs,
    run_batch,
)
from rotation.scenarios.engines import ENGINES, EngineChoice, EngineError
from rotation.scenarios.sweep import parse_grid
from rotation.text import Text

# Exit code of a run stopped by Ctrl-C, as a shell reports it (128 + SIGINT).
EXIT_INTERRUPTED = 130
# Rows without a plan printed after the totals; summary.xlsx has them all.
FAILED_SHOWN = 20

ENGINE = option(
    "--engine",
    type=click.Choice(list(ENGINES)),
    default="local",
    show_default=True,
    help=Text(
        "local: processes on this machine; ray: tasks on a Ray cluster (--address, or one started here).",
        "local：本机的多个进程；ray：Ray 集群上的任务（--address 指定的集群，或在本机启动一个）。",
    ),
)
ADDRESS = option(
    "--address",
    default=None,
    metavar=Text("HOST:PORT", "主机:端口"),
    help=Text(
        "The head of a running Ray cluster (with --engine ray); without it a local one is started.",
        "正在运行的 Ray 集群头节点地址（配合 --engine ray）；不给则在本机启动一个。",
    ),
)


def engine_choice(
    engine: str, address: str | None, slots: int, cpus_per_task: int, lang: str
) -> EngineChoice:
    """The engine the options ask for; --address without --engine ray is refused (exit 2)."""
    if address is not None and engine != "ray":
        refusal = Text(
            "--address is the address of a Ray cluster: give --engine ray with it",
            "--address 是 Ray 集群的地址：请同时指定 --engine ray",
        )
        fail([refusal.pick(lang)])
    return EngineChoice("ray" if engine == "ray" else "local", slots, address, max(1, cpus_per_task))


@contextmanager
def engine_refusals(lang: str) -> Iterator[None]:
    """An engine that cannot start (Ray missing, no cluster at the address): its sentence and exit 2."""
    try:
        yield
    except EngineError as error:
        fail([error.text.pick(lang)], EXIT_BAD_INPUT)


@click.command(
    cls=TextCommand,
    text=Text(
        "Solve every workbook of a folder or a list (under every scenario of the grid), one plan workbook "
        "each, and a summary.xlsx of their KPIs. Reruns resume; a failing solve is a row of the summary.",
        "求解文件夹或清单中的每个工作簿（按网格中的每个情景），每次求解写出一个方案工作簿，"
        "并写出各方案指标的 summary.xlsx。重新运行会接着上次继续；求解失败的记为汇总中的一行。",
    ),
)
@argument(
    "source",
    metavar=Text("FOLDER_OR_LIST", "文件夹或清单"),
    type=click.Path(exists=True, path_type=Path),
)
@option(
    "-o",
    "--output",
    "outdir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    metavar=Text("FOLDER", "文件夹"),
    help=Text(
        "The folder of the plans and summary.xlsx (not a folder of the inputs).",
        "写出方案和 summary.xlsx 的文件夹（不能是输入工作簿所在的文件夹）。",
    ),
)
@option(
    "--grid",
    "grid_specs",
    multiple=True,
    metavar=Text("KEY=V1,V2,...", "参数=值1,值2,..."),
    help=Text(
        "A parameter and its values; several --grid give their cross product. Join rule IDs with ';'.",
        "一个参数及其取值；多个 --grid 取其全部组合。规则代码之间用 ';' 连接。",
    ),
)
@ENGINE
@ADDRESS
@time_limit_option(Text("Seconds for each solve.", "每次求解的时限（秒）。"))
@option(
    "--processes",
    type=click.IntRange(min=0),
    default=0,
    metavar=Text("N", "N"),
    help=Text(
        "local: solves at once (0: one per core); ray without --address: the CPUs of the cluster started "
        "here (0: every core).",
        "local：同时求解的个数（0：每个核心一个）；"
        "ray 且未给 --address：本机启动的集群的 CPU 数（0：全部核心）。",
    ),
)
@option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    metavar=Text("N", "N"),
    help=Text(
        "Threads of each solve (independent parts solved side by side); Ray reserves as many CPUs.",
        "每次求解的线程数（各独立部分并行求解）；Ray 为每个任务预留同样多的 CPU。",
    ),
)
@SOLVE_SEED
@LANG
@FORCE
def batch(
    source: Path,
    outdir: Path,
    grid_specs: tuple[str, ...],
    engine: str,
    address: str | None,
    time_limit: float,
    processes: int,
    workers: int,
    seed: int,
    lang: str,
    force: bool,
) -> None:
    started = time.perf_counter()
    text = messages_for(lang)
    choice = engine_choice(engine, address, processes, workers, lang)
    with bad_input_exits(lang), batch_refusals(lang):
        grid = parse_grid(grid_specs)
        known = {f.name for f in fields(Parameters)}
        # Every row would fail the same way: refuse the grid instead, naming the nearest key.
        Parameters().updated({key: None for key, _ in grid if key not in known}, "--grid")
        jobs = batch_jobs(find_inputs(source), batch_scenarios(grid))
    inputs = len({job.input_path for job in jobs})
    scenarios, solves = len(jobs) // inputs, len(jobs)
    click.echo(
        text.say(
            Text(
                f"{inputs} workbooks × {scenarios} scenarios = {solves} solves, engine {choice.kind}",
                f"{inputs} 个工作簿 × {scenarios} 个情景 = {solves} 次求解，计算引擎 {choice.kind}",
            )
        )
    )
    show = _progress_line(text) if sys.stderr.isatty() else None
    settings = BatchSettings(time_limit_s=time_limit, workers=workers, seed=seed, lang=lang)
    try:
        with batch_refusals(lang), engine_refusals(lang):
            result = run_batch(jobs, outdir, settings, choice, force=force, progress=show)
    except KeyboardInterrupt:
        if show is not None:
            sys.stderr.write("\n")
        fail(
            [
                text.say(
                    Text(
                        f"Interrupted. The solves finished are kept in {outdir}; run the same command again "
                        "to go on from there.",
                        f"已中断。已完成的求解保存在 {outdir} 中；再次运行同一命令即可接着继续。",
                    )
                )
            ],
            EXIT_INTERRUPTED,
        )
    if show is not None:
        sys.stderr.write("\n")
    _print_result(result, text)
    click.echo(text.written(result.summary))
    click.echo(text.elapsed(time.perf_counter() - started))


@contextmanager
def batch_refusals(lang: str) -> Iterator[None]:
    try:
        yield
    except BatchError as error:
        fail([error.text.pick(lang)], EXIT_BAD_INPUT)


def _progress_line(text: Messages) -> Callable[[BatchProgress], None]:
    def show(progress: BatchProgress) -> None:
        width = 30
        filled = width * progress.done // progress.total if progress.total else width
        line = f"[{'#' * filled}{'.' * (width - filled)}] {progress.done}/{progress.total}"
        if progress.reused:
            line += text.say(Text(f"  reused {progress.reused}", f"  沿用 {progress.reused}"))
        left = progress.remaining_s
        if left is not None and progress.done < progress.total:
            line += text.say(
                Text(f"  about {_duration(left, 'en')} left", f"  预计还需 {_duration(left, 'zh')}")
            )
        sys.stderr.write("\r\x1b[2K" + line)
        sys.stderr.flush()

    return show


def _duration(seconds: float, lang: str) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if lang == "zh":
        return (
            (f"{hours} 小时 " if hours else "")
            + (f"{minutes} 分 " if hours or minutes else "")
            + f"{secs} 秒"
        )
    return (f"{hours} h " if hours else "") + (f"{minutes} min " if hours or minutes else "") + f"{secs} s"


def _print_result(result: BatchResult, text: Messages) -> None:
    by_status = Counter(row.status for row in result.rows)
    statuses = ", ".join(f"{text.run_status(status)} {count}" for status, count in sorted(by_status.items()))
    spent = sum(row.task_s for row in result.rows if not row.reused)
    total, solved, reused, wall = len(result.rows), result.solved, result.reused, result.wall_time_s
    click.echo(
        text.say(
            Text(
                f"{total} solves ({statuses}): {solved} solved in this run, {reused} reused; "
                f"{wall:.1f} s wall time, solve times add up to {spent:.1f} s",
                f"{total} 次求解（{statuses}）：本次求解 {solved} 次，沿用 {reused} 次；"
                f"总用时 {wall:.1f} 秒，各次求解用时之和 {spent:.1f} 秒",
            )
        )
    )
    failed = result.failed
    if not failed:
        return
    click.echo(text.say(Text(f"Without a plan ({len(failed)}):", f"未得到方案（{len(failed)}）：")))
    for row in failed[:FAILED_SHOWN]:
        where = f"{row.input_name} {row.scenario}".strip()
        click.echo(f"  {pad(where, 40)} {pad(text.run_status(row.status), 10)} {text.say(row.message)[:160]}")
    if len(failed) > FAILED_SHOWN:
        click.echo(text.say(Text("  … the rest in summary.xlsx", "  ……其余见 summary.xlsx")))
