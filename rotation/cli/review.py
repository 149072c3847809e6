"""The commands of the review after a draft (issue 12): ``verify``, ``diff``, ``replan``, ``options``.

A draft goes out for public review (公示); principals and teachers ask for changes, planners edit rows
by hand, data errors come to light. ``verify`` checks any plan workbook against every rule,
``diff`` compares two plans, ``replan`` makes the changes asked for while changing as little else as
it can, and ``options`` lists where one person could go and what each choice would cost.
Plain click commands; rotation/cli/main.py registers them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from rotation.cli.common import EXIT_INFEASIBLE, FORCE, INCLUDE_SENSITIVE, LANG, bad_input_exits, fail
from rotation.cli.language import TextCommand, argument, option
from rotation.cli.messages import messages_for
from rotation.text import Text

INPUT = argument(
    "input_path", metavar=Text("INPUT.xlsx", "输入.xlsx"), type=click.Path(dir_okay=False, path_type=Path)
)
PLAN = argument(
    "plan_path", metavar=Text("PLAN.xlsx", "方案.xlsx"), type=click.Path(dir_okay=False, path_type=Path)
)
OPTIONAL_OUTPUT = option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar=Text("FILE", "文件"),
    help=Text(
        "Also write the findings to this workbook (never over an input; an existing file only with --force).",
        "同时把结果写到这个工作簿（不能是输入文件；已存在的文件须加 --force）。",
    ),
)


@contextmanager
def review_input_exits(lang: str) -> Iterator[None]:
    """bad_input_exits, plus an unreadable plan workbook: its problems on stderr and exit code 2."""
    from reports.plan_reader import PlanReadError

    with bad_input_exits(lang):
        try:
            yield
        except PlanReadError as error:
            fail([text.pick(lang) for text in error.texts])


@click.command(
    "verify",
    cls=TextCommand,
    text=Text(
        "Check a plan workbook (edited by hand or not) against every rule, and count its figures again. "
        "Exit 0 when it keeps every hard rule, 3 when it breaks one.",
        "对照全部规则检查方案工作簿（无论是否经过手工修改），并重新统计指标完成和学校汇总。"
        "遵守全部硬性规则时退出码为 0，违反时为 3。",
    ),
)
@INPUT
@PLAN
@OPTIONAL_OUTPUT
@LANG
@INCLUDE_SENSITIVE
@FORCE
def verify(
    input_path: Path, plan_path: Path, output: Path | None, lang: str, include_sensitive: bool, force: bool
) -> None:
    from reports.review_workbook import recounted, write_verify_workbook
    from reports.verify import verify_files
    from reports.xlsx import check_output_path

    started = time.perf_counter()
    text = messages_for(lang)
    with review_input_exits(lang):
        if output is not None:
            check_output_path(output, force=force, protect=[input_path, plan_path])
        verified = verify_files(input_path, plan_path, include_sensitive)
        if output is not None:
            wall = time.perf_counter() - started
            write_verify_workbook(
                output, verified, plan_path, wall, lang, force=force, protect=[input_path, plan_path]
            )
    recorded = verified.plan.data.run.get("input_sha256")
    if isinstance(recorded, str) and recorded and recorded != verified.loaded.sha256:
        click.echo(
            text.say(
                Text(
                    f"Note: the plan was made from another version of the input ({recorded[:12]}…); it is "
                    f"checked against {input_path.name} ({verified.loaded.sha256[:12]}…).",
                    f"注意：方案是根据另一版本的输入工作簿（{recorded[:12]}…）做出的，现对照 "
                    f"{input_path.name}"
                    f"（{verified.loaded.sha256[:12]}…）检查。",
                )
            ),
            err=True,
        )
    violations = verified.verdict.violations
    for violation in violations:
        click.echo(text.say(violation.text))
    counts = recounted(verified)
    click.echo(
        text.say(
            Text(
                f"Obligations recounted: {counts['met']} of {counts['total']} met; the plan states "
                f"{counts['stale_obligations']} of them otherwise, and {counts['stale_schools']} schools' "
                "figures otherwise.",
                f"重新统计指标：{counts['total']} 项中达标 {counts['met']} 项；方案中有 "
                f"{counts['stale_obligations']} "
                f"项指标、{counts['stale_schools']} 所学校的数字与重新统计的不同。",
            )
        )
    )
    if output is not None:
        click.echo(text.written(output))
    if violations:
        fail(
            [
                text.say(
                    Text(
                        f"{len(violations)} violation(s): the plan breaks a hard rule.",
                        f"共 {len(violations)} 处违反：方案违反硬性规则。",
                    )
                )
            ],
            EXIT_INFEASIBLE,
        )
    click.echo(text.say(Text("The plan keeps every hard rule.", "方案遵守全部硬性规则。")))
