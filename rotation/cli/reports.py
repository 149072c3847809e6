"""``rotation notices`` and ``rotation report``: what planners print and show, made from a plan workbook.

Plain click.Command objects; rotation.cli.main registers them with ``main.add_command``. Both read
the plan file (Chinese or English), never solve; school names come from the input workbook
when ``--input`` is given, otherwise the pages show school ids only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from rotation.cli.common import OUTPUT, bad_input_exits, fail

FORCE = click.option("--force", is_flag=True, help="Overwrite existing output files.")
INPUT = click.option(
    "--input",
    "input_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The input workbook the plan was solved from, for school names.",
)
PLAN = click.argument("plan_path", metavar="PLAN.xlsx", type=click.Path(dir_okay=False, path_type=Path))


@contextmanager
def plan_input_exits() -> Iterator[None]:
    """bad_input_exits, plus an unreadable plan workbook: its problems on stderr and exit code 2.

    These commands have no --lang: they write Chinese, and refuse a bad input workbook in Chinese.
    """
    from reports.plan_reader import PlanReadError

    with bad_input_exits("zh"):
        try:
            yield
        except PlanReadError as error:
            fail([text.pick("zh") for text in error.texts])


def school_names(input_path: Path | None) -> dict[str, str]:
    if input_path is None:
        return {}
    from rotation.workbook.loader import load_workbook

    return {school_id: school.name for school_id, school in load_workbook(input_path).roster.schools.items()}


@click.command("notices")
@PLAN
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Directory.",
)
@INPUT
@FORCE
def notices(plan_path: Path, out_dir: Path, input_path: Path | None, force: bool) -> None:
    """Write one printable notice workbook per school: who leaves, who arrives, with signature lines."""
    from reports.notices import write_notices
    from reports.plan_reader import read_plan_workbook

    with plan_input_exits():
        plan = read_plan_workbook(plan_path)
        names = school_names(input_path)
        protect = [plan_path] + ([input_path] if input_path is not None else [])
        written = write_notices(plan, out_dir, names, force=force, protect=protect)
    click.echo(f"已写出 {len(written)} 份学校通知: {out_dir}")


@click.command("report")
@PLAN
@OUTPUT
@INPUT
@FORCE
def report(plan_path: Path, output: Path, input_path: Path | None, force: bool) -> None:
    """Write one self-contained HTML page of the plan's figures and charts."""
    from reports.html_report import write_report
    from reports.plan_reader import read_plan_workbook

    with plan_input_exits():
        plan = read_plan_workbook(plan_path)
        names = school_names(input_path)
        protect = [plan_path] + ([input_path] if input_path is not None else [])
        write_report(plan, output, names, force=force, protect=protect)
    click.echo(f"已写出: {output}")
