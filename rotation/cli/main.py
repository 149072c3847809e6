"""The ``rotation`` command: thin wrappers that parse, call and print.

Exit codes: 0 success, 2 bad input (workbook, parameters, pins, output path),
3 no plan exists under the rules (infeasible), 4 no plan found in the time limit.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import cast

import click

from reports.facts import plan_facts, run_facts
from reports.labels import part_text
from reports.xlsx import text_width
from rotation import __version__
from rotation.cli.batch import batch
from rotation.cli.common import (
    EFFECTIVE_DATE,
    EXIT_BAD_INPUT,
    EXIT_INFEASIBLE,
    EXIT_NO_PLAN,
    FORCE,
    INCLUDE_SENSITIVE,
    LANG,
    OUTPUT,
    SCENARIO,
    SET,
    SOLVE_SEED,
    WORK_LIMIT,
    WORKERS,
    CommandGroup,
    bad_input_exits,
    fail,
    live_line,
    load,
    load_for_output,
    print_warnings,
    record,
    record_written,
    time_limit_option,
    watched,
)
from rotation.cli.language import TextOption, argument, option
from rotation.cli.messages import Messages, messages_for, pad
from rotation.cli.reports import notices, report
from rotation.cli.review import diff, options, replan, verify
from rotation.cli.scenarios import plan_command, sweep, whatif
from rotation.codes import Status
from rotation.destinations import c3_destinations, c3_no_destination
from rotation.eligibility import Eligibility, assess_roster
from rotation.figures import compute_kpis, reason_counts
from rotation.lineage import file_sha256
from rotation.parameters import Parameters
from rotation.plan import ObligationOutcome, Plan, SolveStatus
from rotation.text import Text
from rotation.workbook.loader import LoadedWorkbook, load_pins

__all__ = ["EXIT_BAD_INPUT", "EXIT_INFEASIBLE", "EXIT_NO_PLAN", "main"]

# Schools listed by check: those with the most due people, and those with the most who can move nowhere.
MOST_DUE_SHOWN = 10
NOWHERE_SHOWN = 10
MISSED_SHOWN = 5  # missed obligations printed per rule after a solve


@click.group(
    cls=CommandGroup,
    text=Text(
        "Plan the yearly teacher and principal rotation (交流轮岗) of a district.",
        "规划全区教师和校长的年度交流轮岗。",
    ),
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(
    __version__,
    prog_name="rotation",
    message="%(prog)s %(version)s",
    cls=TextOption,
    text=Text("Show the version and exit.", "显示版本并退出。"),
)
def main() -> None:
    pass


OUT = argument("out", metavar=Text("OUT", "输出文件"), type=click.Path(dir_okay=False, path_type=Path))
WORKBOOK = argument(
    "workbook", metavar=Text("WORKBOOK", "工作簿"), type=click.Path(dir_okay=False, path_type=Path)
)


@main.command(
    text=Text(
        "Write a blank input workbook with the contract's sheets, headers and dropdowns.",
        "写出空白输入工作簿：约定的工作表、表头和下拉选项。",
    )
)
@OUT
@LANG
@FORCE
def template(out: Path, lang: str, force: bool) -> None:
    from reports.input_workbook import write_template

    with bad_input_exits(lang):
        write_template(out, lang, force=force)
    click.echo(messages_for(lang).template_written(out))


@main.command(
    text=Text(
        "Generate a realistic sample district workbook, deterministic by seed.",
        "生成一个逼真的示例区县工作簿，种子相同则内容相同。",
    )
)
@OUT
@option(
    "--size",
    type=click.Choice(["tiny", "district", "city", "large"]),
    default="district",
    show_default=True,
    help=Text(
        "tiny ~300 staff, district ~6,000, city ~40,000, large ~100,000.",
        "规模：tiny 约 300 人，district 约 6000 人，city 约 40000 人，large 约 100000 人。",
    ),
)
@option(
    "--seed",
    type=int,
    required=True,
    metavar=Text("N", "N"),
    help=Text("Same seed, same workbook.", "种子相同，工作簿相同。"),
)
@EFFECTIVE_DATE
@LANG
@FORCE
def sample(out: Path, size: str, seed: int, effective_date: datetime | None, lang: str, force: bool) -> None:
    from reports.input_workbook import write_input_workbook
    from rotation.sample import generate

    day = effective_date.date() if effective_date else Parameters().effective_date
    with bad_input_exits(lang):
        # The range every run's effective date is held to (a sample of year 1 cannot be generated).
        Parameters().updated({"effective_date": day}, "--effective-date")
        roster = generate(size, seed, day)  # type: ignore[arg-type]
        write_input_workbook(out, roster, lang, parameters={"effective_date": day}, force=force)
    click.echo(messages_for(lang).sample_written(out, size, seed))


@main.command(
    text=Text(
        "Validate a staff workbook and say who is due, exempt, locked or returning.",
        "检查教职工工作簿，并统计应交流、暂不纳入、交流中和期满返回的人员。",
    )
)
@WORKBOOK
@EFFECTIVE_DATE
@SET
@SCENARIO
@option(
    "--export",
    "export",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar=Text("FILE", "文件"),
    help=Text(
        "Write the eligibility and run sheets to this workbook.",
        "把资格审查和运行信息工作表写到这个工作簿。",
    ),
)
@LANG
@INCLUDE_SENSITIVE
@FORCE
def check(
    workbook: Path,
    effective_date: datetime | None,
    flags: tuple[str, ...],
    scenario: Path | None,
    export: Path | None,
    lang: str,
    include_sensitive: bool,
    force: bool,
) -> None:
    started = time.perf_counter()
    text = messages_for(lang)
    with bad_input_exits(lang):
        loaded = load(workbook, scenario, flags, effective_date)
        eligibility = assess_roster(loaded.roster, loaded.params)
        if export is not None:
            from reports.plan_workbook import write_eligibility_workbook

            write_eligibility_workbook(
                export,
                loaded.roster,
                eligibility,
                loaded.params,
                run_facts(loaded, "checked", time.perf_counter() - started),
                loaded.warnings,
                lang,
                include_sensitive,
                force=force,
                protect=[workbook],
            )
    print_warnings(loaded.warnings, text)
    print_eligibility_summary(loaded, eligibility, text, include_sensitive)
    if export is not None:
        click.echo(text.written(export))
    click.echo(text.elapsed(time.perf_counter() - started))


def print_eligibility_summary(
    loaded: LoadedWorkbook, eligibility: Mapping[str, Eligibility], text: Messages, include_sensitive: bool
) -> None:
    roster = loaded.roster
    click.echo(text.loaded(len(roster.schools), len(roster.groups), len(roster.staff), loaded.params))
    by_status = Counter(e.status for e in eligibility.values())
    for status in Status:
        click.echo(f"  {pad(text.status(status), 10)} {by_status.get(status, 0):>7}")
    reasons = reason_counts(eligibility.values(), include_sensitive)
    click.echo(text.reasons_heading)
    for reason, count in sorted(reasons.items()):
        click.echo(f"  {reason:<4} {count:>7}")
    due_by_school = Counter(
        roster.staff_by_id[staff_id].school_id for staff_id, e in eligibility.items() if e.is_due
    )
    click.echo(text.most_due_heading)
    most_due = sorted(due_by_school.items(), key=lambda item: (-item[1], item[0]))[:MOST_DUE_SHOWN]
    width = name_width(roster.schools[school_id].name for school_id, _ in most_due)
    for school_id, count in most_due:
        school = roster.schools[school_id]
        headcount = len(roster.staff_by_school[school_id])
        share = count / headcount
        click.echo(f"  {school_id:<10} {pad(school.name, width)} {count:>4} / {headcount:<4} {share:>5.0%}")
    print_nowhere(loaded, eligibility, text)


def name_width(names: Iterable[str]) -> int:
    """The terminal cells of a column of school names: the widest, and at least 20."""
    return max([20, *(text_width(name) for name in names)])


def print_nowhere(loaded: LoadedWorkbook, eligibility: Mapping[str, Eligibility], text: Messages) -> None:
    """The due people C3 lets go nowhere, by school with the reason, and the lever when their school is
    in no group: without a destination the solver cannot rotate them, whatever else the plan does."""
    roster, params = loaded.roster, loaded.params
    reasons: dict[str, Counter[str]] = {}
    for member in roster.staff:
        entry = eligibility[member.staff_id]
        if entry.is_due and not c3_destinations(member, roster, params, entry):
            reason = c3_no_destination(member, roster, params).pick(text.lang)
            reasons.setdefault(member.school_id, Counter())[reason] += 1
    if not reasons:
        return
    by_school = {school_id: sum(counts.values()) for school_id, counts in reasons.items()}
    click.echo(text.nowhere_heading(sum(by_school.values()), len(by_school)))
    shown = sorted(by_school.items(), key=lambda item: (-item[1], item[0]))[:NOWHERE_SHOWN]
    width = name_width(roster.schools[school_id].name for school_id, _ in shown)
    for school_id, count in shown:
        name = roster.schools[school_id].name
        reason = reasons[school_id].most_common(1)[0][0]
        click.echo(f"  {school_id:<10} {pad(name, width)} {count:>4}  {reason}")
    in_no_group = sum(n for school_id, n in by_school.items() if not roster.groups_by_school[school_id])
    if in_no_group and params.destination_scope == "group":
        click.echo(text.nowhere_lever(in_no_group))


@main.command(
    text=Text(
        "Solve the summer's rotation plan and write the assignment workbook.",
        "求解今年暑期的交流方案，并写出方案工作簿。",
    )
)
@WORKBOOK
@OUTPUT
@EFFECTIVE_DATE
@SET
@SCENARIO
@option(
    "--pins",
    "pins_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar=Text("FILE", "文件"),
    help=Text(
        "Workbook of pins: staff_id, to_school_id, kind (must | never | stay, with no school).",
        "指定调动工作簿：工号（staff_id）、交流学校代码（to_school_id）、类型（must 必须 | never 禁止 | "
        "stay 留任，不填学校）。",
    ),
)
@time_limit_option(Text("Seconds for the whole solve.", "整个求解的时限（秒）。"))
@WORK_LIMIT
@WORKERS
@SOLVE_SEED
@option(
    "--method",
    type=click.Choice(["cp-sat", "mip", "greedy"]),
    default="cp-sat",
    show_default=True,
    help=Text(
        "cp-sat: the proven optimum; mip: the same model under HiGHS, to cross-check it; "
        "greedy: the first-fit procedure done by hand, for comparison.",
        "cp-sat：经证明的最优方案；mip：同一模型交给 HiGHS 求解，用于核对；"
        "greedy：模拟手工逐个安排的做法，用于对比。",
    ),
)
@LANG
@INCLUDE_SENSITIVE
@FORCE
def solve(
    workbook: Path,
    output: Path,
    effective_date: datetime | None,
    flags: tuple[str, ...],
    scenario: Path | None,
    pins_file: Path | None,
    time_limit: float,
    work_limit: float | None,
    workers: int,
    seed: int,
    method: str,
    lang: str,
    include_sensitive: bool,
    force: bool,
) -> None:
    from reports.plan_workbook import write_plan_workbook
    from solver.methods import Method, solve_by
    from solver.settings import SolveOptions
    from solver.solve import PinError

    started = time.perf_counter()
    text = messages_for(lang)
    loaded = load_for_output(workbook, output, force, scenario, flags, effective_date, text)
    with bad_input_exits(lang):
        extra_pins = load_pins(pins_file, loaded.roster) if pins_file is not None else ()
    eligibility = assess_roster(loaded.roster, loaded.params)
    options = SolveOptions(
        time_limit_s=time_limit, workers=workers, seed=seed, pins=tuple(extra_pins), work_limit=work_limit
    )
    show = live_line(lang)
    try:
        plan = solve_by(
            cast(Method, method), loaded.roster, loaded.params, eligibility, options, watched(show)
        )
    except PinError as error:
        fail([problem.pick(lang) for problem in error.problems])
    if show is not None:
        sys.stderr.write("\n")
    record(Text(f"Solved: {plan.status}", f"已求解：{plan.status.label('zh')}"))
    if not plan.status.has_plan:
        code = EXIT_INFEASIBLE if plan.status is SolveStatus.INFEASIBLE else EXIT_NO_PLAN
        fail([text.no_plan(plan.status), *(line.pick(lang) for line in plan.explanation)], code)
    pins_sha256 = file_sha256(pins_file) if pins_file is not None else ""
    facts = plan_facts(
        loaded, plan, method, time.perf_counter() - started, lang, seed=seed, pins_sha256=pins_sha256
    )
    with bad_input_exits(lang):
        write_plan_workbook(
            output,
            loaded.roster,
            loaded.params,
            eligibility,
            plan,
            facts,
            loaded.warnings,
            lang,
            include_sensitive,
            force=force,
            protect=[workbook],
        )
    record_written(output)
    print_plan_summary(loaded, eligibility, plan, text)
    click.echo(text.written(output))
    click.echo(text.elapsed(time.perf_counter() - started))


def print_plan_summary(
    loaded: LoadedWorkbook, eligibility: Mapping[str, Eligibility], plan: Plan, text: Messages
) -> None:
    kpis = compute_kpis(loaded.roster, eligibility, plan)
    click.echo(
        text.loaded(
            len(loaded.roster.schools), len(loaded.roster.groups), len(loaded.roster.staff), loaded.params
        )
    )
    click.echo(
        text.plan_summary(
            moves=kpis.moves,
            due_moved=kpis.due_rotated,
            due=kpis.due,
            returns=kpis.returns,
            extensions=kpis.extensions,
            walks=len(plan.walks),
            obligations_met=kpis.obligations_met,
            obligations=kpis.obligations_total,
        )
    )
    missed: dict[str, list[ObligationOutcome]] = {}
    for outcome in plan.obligations:
        if not outcome.met:
            missed.setdefault(outcome.rule, []).append(outcome)
    for rule, outcomes in missed.items():  # a few of each rule: the sheet lists them all
        shown = outcomes if len(outcomes) <= MISSED_SHOWN + 1 else outcomes[:MISSED_SHOWN]
        for outcome in shown:
            school = loaded.roster.schools.get(outcome.school_id or "")
            name = school.name if school is not None else ""
            click.echo(text.missed_obligation(outcome, part_text(outcome.part, text.lang), name))
        if len(outcomes) > len(shown):
            click.echo(text.missed_more(rule, len(outcomes) - len(shown)))
    click.echo(text.solve_status(plan.status.value, plan.gap, plan.wall_time_s))
    for line in text.level_table(plan.levels):
        click.echo(line)


for command in (whatif, sweep, plan_command, batch, notices, report, verify, diff, replan, options):
    main.add_command(command)
