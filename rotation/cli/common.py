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

from rotation import __version__
from rotation.cli.messages import Messages
from rotation.parameters import ParameterError, Parameters, resolve_parameters
from rotation.workbook.loader import LoadedWorkbook, WorkbookError, load_workbook

EXIT_BAD_INPUT = 2
EXIT_INFEASIBLE = 3
EXIT_NO_PLAN = 4

LANG = click.option(
    "--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Language of output."
)
FORCE = click.option("--force", is_flag=True, help="Overwrite an existing output file.")
EFFECTIVE_DATE = click.option(
    "--effective-date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Date the rotation takes effect (default: the next 1 September).",
)
SET = click.option("--set", "flags", multiple=True, metavar="KEY=VALUE", help="Override a parameter.")
SCENARIO = click.option(
    "--scenario", type=click.Path(dir_okay=False, path_type=Path), default=None, help="TOML scenario file."
)
OUTPUT = click.option(
    "-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), required=True
)
WORKERS = click.option("--workers", type=int, default=0, help="Solver threads (0: every core).")
SOLVE_SEED = click.option(
    "--seed", type=int, default=0, show_default=True, help="Same input and seed, same plan."
)


def time_limit_option(help_text: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return click.option("--time-limit", type=float, default=60.0, show_default=True, help=help_text)


INCLUDE_SENSITIVE = click.option(
    "--include-sensitive", is_flag=True, help="Show E4/E5 (maternity, medical) reasons instead of E*."
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
        fail([str(error)])


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


def run_facts(loaded: LoadedWorkbook, status: str, wall_time_s: float) -> list[tuple[str, object]]:
    return [
        ("effective_date", loaded.params.effective_date),
        ("status", status),
        ("input_file", loaded.path.name),
        ("input_sha256", loaded.sha256),
        ("version", __version__),
        ("wall_time_s", round(wall_time_s, 3)),
    ]


def print_warnings(warnings: Sequence[str], text: Messages) -> None:
    for warning in warnings:
        click.echo(text.warning(warning), err=True)


def pad(text: str, width: int) -> str:
    """Left-align in ``width`` terminal cells, counting Chinese characters as two."""
    from reports.xlsx import text_width

    return text + " " * max(width - text_width(text), 0)


def live_line() -> Callable[[str], None] | None:
    """A progress printer that rewrites one stderr line, only on a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(line: str) -> None:
        sys.stderr.write("\r\x1b[2K" + line)
        sys.stderr.flush()

    return show
