"""``rotation notices`` and ``rotation report``: what planners print and show, made from a plan workbook.

Plain click.Command objects; rotation.cli.main registers them with ``main.add_command``. Both read
the plan file (Chinese or English), never solve; school names come from the input workbook
when ``--input`` is given, otherwise the pages show school ids only. The pages are in Chinese;
``--lang`` sets the language of what the command prints.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from rotation.cli.common import LANG, OUTPUT, bad_input_exits, fail
from rotation.cli.language import TextCommand, argument, option
from rotation.cli.messages import messages_for
from rotation.text import Text

if TYPE_CHECKING:
    from reports.plan_reader import PlanData
    from rotation.domain import Roster

FORCE = option(
    "--force",
    is_flag=True,
    help=Text(
        "Overwrite existing output files, and use an --input other than the one the plan was solved from.",
        "覆盖已存在的输出文件；并允许使用与求解时不同的 --input 工作簿。",
    ),
)
INPUT = option(
    "--input",
    "input_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar=Text("WORKBOOK", "工作簿"),
    help=Text(
        "The input workbook the plan was solved from, for school names.",
        "求解该方案时所用的输入工作簿，用于显示学校名称。",
    ),
)
PLAN = argument(
    "plan_path", metavar=Text("PLAN.xlsx", "方案.xlsx"), type=click.Path(dir_okay=False, path_type=Path)
)


@contextmanager
def plan_input_exits(lang: str) -> Iterator[None]:
    """bad_input_exits, plus an unreadable plan workbook: its problems on stderr and exit code 2."""
    from reports.plan_reader import PlanReadError

    with bad_input_exits(lang):
        try:
            yield
        except PlanReadError as error:
            fail([text.pick(lang) for text in error.texts])


def input_roster(plan: PlanData, input_path: Path | None, force: bool, lang: str) -> Roster | None:
    """The roster of ``input_path``, refused (exit 2) unless it is the workbook the plan was solved
    from: another workbook's codes name other schools, and the pages would print them unnoticed."""
    if input_path is None:
        return None
    from rotation.workbook.loader import load_workbook

    loaded = load_workbook(input_path)
    recorded = plan.run.get("input_sha256")
    if isinstance(recorded, str) and recorded and recorded != loaded.sha256 and not force:
        fail(
            [
                Text(
                    f"--input {input_path}: not the workbook this plan was solved from (the plan's run sheet "
                    f"records input_sha256 {recorded[:12]}…, this file is {loaded.sha256[:12]}…), so its "
                    "school names may be wrong; give the workbook the plan was solved from, or --force to "
                    "use this one anyway",
                    f"--input {input_path}：不是求解该方案时所用的工作簿（方案的运行信息记录 input_sha256 为 "
                    f"{recorded[:12]}…，此文件为 {loaded.sha256[:12]}…），学校名称可能有误；"
                    "请使用求解时的工作簿，或加 --force 仍用此文件",
                ).pick(lang)
            ]
        )
    return loaded.roster


def school_names(plan: PlanData, input_path: Path | None, force: bool, lang: str) -> dict[str, str]:
    """The schools' names from ``input_path`` (see input_roster)."""
    roster = input_roster(plan, input_path, force, lang)
    return {} if roster is None else {school_id: school.name for school_id, school in roster.schools.items()}


@click.command(
    "notices",
    cls=TextCommand,
    text=Text(
        "Write one printable notice workbook per school: who leaves, who arrives, with signature lines.",
        "为每所学校写出一份可打印的通知工作簿：调出和调入人员，附签字栏。",
    ),
)
@PLAN
@option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    metavar=Text("FOLDER", "文件夹"),
    help=Text("Directory.", "输出文件夹。"),
)
@INPUT
@option(
    "--personal",
    is_flag=True,
    help=Text(
        "Write one A4 personal notice (个人交流通知书) per mover, in one workbook per school left, instead "
        "of the schools' notices.",
        "为每名交流人员写出一页 A4 个人交流通知书（每所调出学校一个工作簿），代替各校通知。",
    ),
)
@option(
    "--public",
    is_flag=True,
    help=Text(
        "Write the public list (公示名单): by school, name, post, subject and destination only.",
        "写出公示名单：按学校列出姓名、岗位、任教学科和交流学校，不含其他个人信息。",
    ),
)
@LANG
@FORCE
def notices(
    plan_path: Path,
    out_dir: Path,
    input_path: Path | None,
    personal: bool,
    public: bool,
    lang: str,
    force: bool,
) -> None:
    from reports.notices import write_notices
    from reports.papers import PUBLIC_FILE, write_papers
    from reports.plan_reader import read_plan_workbook

    with plan_input_exits(lang):
        plan = read_plan_workbook(plan_path)
        names = school_names(plan, input_path, force, lang)
        protect = [plan_path] + ([input_path] if input_path is not None else [])
        if personal or public:
            written = write_papers(
                plan, out_dir, names, personal=personal, public=public, force=force, protect=protect
            )
        else:
            written = write_notices(plan, out_dir, names, force=force, protect=protect)
    movers = len(plan.moves)
    if personal:
        books = sum(1 for path in written if path.name != PUBLIC_FILE)
        click.echo(
            Text(
                f"{movers} personal notices (个人交流通知书) written, one workbook per school left "
                f"({books}): {out_dir}",
                f"已写出 {movers} 份个人交流通知书，每所调出学校一个工作簿（{books} 个）: {out_dir}",
            ).pick(lang)
        )
    if public:
        click.echo(
            Text(
                f"Public list (公示名单) of {movers} movers written: {out_dir / PUBLIC_FILE}",
                f"已写出公示名单（{movers} 人）: {out_dir / PUBLIC_FILE}",
            ).pick(lang)
        )
    if not (personal or public):
        click.echo(messages_for(lang).notices_written(len(written), out_dir))


@click.command(
    "report",
    cls=TextCommand,
    text=Text(
        "Write one self-contained HTML page of the plan's figures and charts.",
        "写出一个独立的 HTML 页面，展示方案的数字和图表。",
    ),
)
@PLAN
@OUTPUT
@INPUT
@LANG
@FORCE
def report(plan_path: Path, output: Path, input_path: Path | None, lang: str, force: bool) -> None:
    from reports.html_report import write_report
    from reports.plan_reader import read_plan_workbook

    with plan_input_exits(lang):
        plan = read_plan_workbook(plan_path)
        roster = input_roster(plan, input_path, force, lang)
        names = {} if roster is None else {i: school.name for i, school in roster.schools.items()}
        groups = () if roster is None else tuple(roster.groups.values())
        protect = [plan_path] + ([input_path] if input_path is not None else [])
        write_report(plan, output, names, groups, force=force, protect=protect)
    click.echo(messages_for(lang).written(output))
