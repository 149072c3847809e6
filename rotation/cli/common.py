"""What the ``rotation`` commands share: exit codes, options, refusals, loading, progress.

Every command module imports from here, and ``rotation.cli.main`` gathers the commands.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import NoReturn

import click

from rotation.cli.language import option
from rotation.cli.messages import Messages
from rotation.parameters import ParameterError, Parameters, resolve_parameters
from rotation.text import Text
from rotation.workbook.loader import LoadedWorkbook, WorkbookError, load_workbook

EXIT_BAD_INPUT = 2
EXIT_INFEASIBLE = 3
EXIT_NO_PLAN = 4

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
WORKERS = option(
    "--workers",
    type=int,
    default=0,
    metavar=Text("N", "N"),
    help=Text("Solver threads (0: every core).", "求解线程数（0：全部核心）。"),
)
SOLVE_SEED = option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    metavar=Text("N", "N"),
    help=Text("Same input and seed, same plan.", "输入和种子相同，方案相同。"),
)


def time_limit_option(help_text: Text) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return option(
        "--time-limit",
        type=float,
        default=60.0,
        show_default=True,
        metavar=Text("SECONDS", "秒"),
        help=help_text,
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

    # Scenario and flag mistakes are reported before the workbook is even read.
    resolve({})
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
        sys.stderr.write("\r\x1b[2K" + line.pick(lang))
        sys.stderr.flush()

    return show
