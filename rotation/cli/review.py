"""The commands of the review after a draft (issue 12): ``verify``, ``diff``, ``replan``, ``options``.

A draft goes out for public review (公示); principals and teachers ask for changes, planners edit rows
by hand, data errors come to light. ``verify`` checks any plan workbook against every rule,
``diff`` compares two plans, ``replan`` makes the changes asked for while changing as little else as
it can, and ``options`` lists where one person could go and what each choice would cost.
Plain click commands; rotation/cli/main.py registers them.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from rotation.cli.common import (
    EXIT_INFEASIBLE,
    EXIT_NO_PLAN,
    FORCE,
    INCLUDE_SENSITIVE,
    LANG,
    OUTPUT,
    SET,
    SOLVE_SEED,
    WORKERS,
    bad_input_exits,
    fail,
    live_line,
    load,
    print_warnings,
    time_limit_option,
)
from rotation.cli.language import TextCommand, argument, option
from rotation.cli.messages import messages_for
from rotation.lineage import Lineage, file_sha256, lineage_of
from rotation.plan import SolveStatus

if TYPE_CHECKING:
    from reports.draft_changes import ExplainedChange
    from reports.plan_diff import PlanDiff
    from reports.plan_reader import ObligationRow
from rotation.text import Text

INPUT = argument(
    "input_path", metavar=Text("INPUT.xlsx", "输入.xlsx"), type=click.Path(dir_okay=False, path_type=Path)
)
PLAN = argument(
    "plan_path", metavar=Text("PLAN.xlsx", "方案.xlsx"), type=click.Path(dir_okay=False, path_type=Path)
)
# replan and options both start from the draft put up for review.
DRAFT = option(
    "--draft",
    "draft_path",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    metavar=Text("PLAN.xlsx", "方案.xlsx"),
    help=Text("The draft plan workbook (as published for review).", "初稿方案工作簿（公示的方案）。"),
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
                f"figures otherwise; it calls {counts['stale_met']} obligations met or missed otherwise.",
                f"重新统计指标：{counts['total']} 项中达标 {counts['met']} 项；方案中有 "
                f"{counts['stale_obligations']} 项指标的实际人数、{counts['stale_schools']} 所学校的数字与"
                f"重新统计的不同，是否达标与重新统计不同的有 {counts['stale_met']} 项。",
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


OLD_PLAN = argument(
    "old_path", metavar=Text("OLD.xlsx", "原方案.xlsx"), type=click.Path(dir_okay=False, path_type=Path)
)
NEW_PLAN = argument(
    "new_path", metavar=Text("NEW.xlsx", "新方案.xlsx"), type=click.Path(dir_okay=False, path_type=Path)
)
# Lines printed per list (people, schools, obligations); the workbook (-o) has them all.
SHOWN = 20


def print_lineages(lineages: Sequence[tuple[Text, Lineage]], lang: str) -> None:
    """Where each plan came from: its id and the hashes of its input, draft and pins."""
    for label, lineage in lineages:
        lines = lineage.lines() or [Text("no lineage recorded", "未记录来源")]
        said = Text("; ".join(line.en for line in lines), "；".join(line.zh for line in lines))
        click.echo(Text(f"{label.en}: {said.en}", f"{label.zh}：{said.zh}").pick(lang))


@click.command(
    "diff",
    cls=TextCommand,
    text=Text(
        "Compare two plan workbooks: people added, dropped and redirected, each school's moves, the "
        "obligations whose status changed, and the two runs' parameters and lineage.",
        "比较两份方案工作簿：新增、取消和改变去向的人员，各校调出调入，达标情况改变的指标，"
        "以及两次运行的参数和来源。",
    ),
)
@OLD_PLAN
@NEW_PLAN
@OPTIONAL_OUTPUT
@LANG
@FORCE
def diff(old_path: Path, new_path: Path, output: Path | None, lang: str, force: bool) -> None:
    from reports.plan_diff import diff_plans, write_diff_workbook
    from reports.plan_reader import read_plan_workbook
    from reports.xlsx import check_output_path

    text = messages_for(lang)
    with review_input_exits(lang):
        if output is not None:
            check_output_path(output, force=force, protect=[old_path, new_path])
        found = diff_plans(read_plan_workbook(old_path), read_plan_workbook(new_path))
        if output is not None:
            write_diff_workbook(output, found, lang, force=force, protect=[old_path, new_path])
    old_label = Text(f"old {old_path.name}", f"原方案 {old_path.name}")
    new_label = Text(f"new {new_path.name}", f"新方案 {new_path.name}")
    print_lineages([(old_label, found.lineages[0]), (new_label, found.lineages[1])], lang)
    for line in diff_lines(found):
        click.echo(text.say(line))
    if output is not None:
        click.echo(text.written(output))


def diff_lines(found: PlanDiff) -> Iterator[Text]:
    """What ``diff`` prints after the lineages: people, schools, obligations, parameters."""
    from reports.labels import part_text
    from reports.plan_diff import Kind, describe

    counts = found.counts()
    kinds = (Kind.ADDED, Kind.DROPPED, Kind.REDIRECTED, Kind.RETURN_OR_EXTENSION, Kind.WALK, Kind.OTHER)
    summary = Text(
        ", ".join(f"{k.en} {counts[k.en]}" for k in kinds), "，".join(f"{k.zh} {counts[k.en]}" for k in kinds)
    )
    people = len(found.people)
    yield Text(f"People changed: {people} ({summary.en})", f"变化人员：{people} 人（{summary.zh}）")
    for person in found.people[:SHOWN]:
        change = person.change
        before, after = (
            describe(change.before, change.walks_before),
            describe(change.after, change.walks_after),
        )
        who = f"  {person.staff_id} {person.name} {person.school_id}"
        yield Text(
            f"{who}  {person.kind.en}: {before.en} → {after.en}",
            f"{who}  {person.kind.zh}：{before.zh} → {after.zh}",
        )
    if people > SHOWN:
        yield Text(f"  … and {people - SHOWN} more", f"  ……另有 {people - SHOWN} 人")
    schools = len(found.schools)
    yield Text(f"Schools whose moves changed: {schools}", f"调出调入有变化的学校：{schools} 所")
    for flow in found.schools[:SHOWN]:
        out, into = f"{flow.out_old} → {flow.out_new}", f"{flow.in_old} → {flow.in_new}"
        yield Text(
            f"  {flow.school_id}: out {out}, in {into}", f"  {flow.school_id}：调出 {out}，调入 {into}"
        )
    obligations = len(found.obligations)
    yield Text(f"Obligations whose status changed: {obligations}", f"达标情况改变的指标：{obligations} 项")
    for row in found.obligations[:SHOWN]:
        where = Text(
            " ".join(x for x in (row.rule, row.group_id, row.school_id, row.part) if x),
            " ".join(x for x in (row.rule, row.group_id, row.school_id, part_text(row.part, "zh")) if x),
        )
        was, now = _met(row.old), _met(row.new)
        yield Text(f"  {where.en}: {was.en} → {now.en}", f"  {where.zh}：{was.zh} → {now.zh}")
    yield Text("Parameters that differ:", "不同的参数：")
    for name, old, new in found.changed_parameters:
        yield Text(f"  {name}: {old or '-'} → {new or '-'}", f"  {name}：{old or '-'} → {new or '-'}")
    if not found.changed_parameters:
        yield Text("  none", "  无")


def _met(row: ObligationRow | None) -> Text:
    if row is None:
        return Text("absent", "无此行")
    return Text("met", "达标") if row.met else Text("not met", "未达标")


@click.command(
    "replan",
    cls=TextCommand,
    text=Text(
        "Re-plan from a published draft: keep every hard rule and every request of the pins file (must, "
        "never, stay), then change as few of the draft's decisions as possible; write the new plan with a "
        "changes sheet saying why each decision changed.",
        "根据已公示的初稿重新安排：遵守全部硬性规则和调整要求（必须、禁止、留任），尽量少改动初稿；"
        "写出新方案，并在“变更”工作表中说明每处改动的原因。",
    ),
)
@INPUT
@DRAFT
@option(
    "--pins",
    "pins_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar=Text("CHANGES.xlsx", "调整.xlsx"),
    help=Text(
        "The requests: a workbook (one sheet, or sheet pins / 指定调动) of staff_id, to_school_id, kind "
        "(must, never, stay with the school blank).",
        "调整要求：工作簿（仅一张工作表，或名为 pins / 指定调动 的工作表），列为工号、交流学校代码、类型"
        "（必须、禁止，或留任且交流学校代码留空）。",
    ),
)
@OUTPUT
@SET
@time_limit_option(Text("Seconds for the whole solve.", "整个求解的时限（秒）。"))
@WORKERS
@SOLVE_SEED
@LANG
@INCLUDE_SENSITIVE
@FORCE
def replan(
    input_path: Path,
    draft_path: Path,
    pins_path: Path | None,
    output: Path,
    flags: tuple[str, ...],
    time_limit: float,
    workers: int,
    seed: int,
    lang: str,
    include_sensitive: bool,
    force: bool,
) -> None:
    from reports.draft_changes import changes_sheet, explain_changes
    from reports.facts import plan_facts
    from reports.plan_diff import draft_of_data
    from reports.plan_reader import read_plan_workbook
    from reports.plan_workbook import write_plan_workbook
    from reports.verify import Basis
    from reports.xlsx import check_output_path
    from rotation.eligibility import assess_roster
    from rotation.workbook.loader import load_pins
    from solver.settings import SolveOptions
    from solver.solve import PinError, solve

    started = time.perf_counter()
    text = messages_for(lang)
    inputs = [input_path, draft_path, *([pins_path] if pins_path is not None else [])]
    with review_input_exits(lang):
        check_output_path(output, force=force, protect=inputs)
        loaded = load(input_path, None, flags, None)
        drafted = read_plan_workbook(draft_path)
        pins = load_pins(pins_path, loaded.roster) if pins_path is not None else ()
    print_warnings(loaded.warnings, text)
    draft = draft_of_data(drafted)
    eligibility = assess_roster(loaded.roster, loaded.params)
    options = SolveOptions(time_limit_s=time_limit, workers=workers, seed=seed, pins=tuple(pins), draft=draft)
    try:
        plan = solve(loaded.roster, loaded.params, eligibility, options, live_line(lang))
    except PinError as error:
        fail([problem.pick(lang) for problem in error.problems])
    if not plan.status.has_plan:
        code = EXIT_INFEASIBLE if plan.status is SolveStatus.INFEASIBLE else EXIT_NO_PLAN
        fail([text.no_plan(plan.status), *(line.pick(lang) for line in plan.explanation)], code)
    basis = Basis(loaded.roster, loaded.params, eligibility, include_sensitive)
    explained = explain_changes(basis, draft, drafted.eligibility, plan, (*loaded.roster.pins, *pins))
    hashes = {
        "draft_sha256": file_sha256(draft_path),
        "pins_sha256": file_sha256(pins_path) if pins_path else "",
    }
    facts = plan_facts(loaded, plan, "cp-sat", time.perf_counter() - started, lang, seed=seed, **hashes)
    facts.append(("draft_changes", sum(c.change.count for c in explained)))
    with review_input_exits(lang):
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
            protect=inputs,
            extra=[changes_sheet(explained, lang)],
        )
    print_lineages([(Text(f"new {output.name}", f"新方案 {output.name}"), lineage_of(dict(facts)))], lang)
    for line in replan_lines(lineage_of(drafted.run), loaded.sha256, explained):
        click.echo(text.say(line))
    click.echo(text.written(output))
    click.echo(text.elapsed(time.perf_counter() - started))


def replan_lines(drafted: Lineage, input_sha256: str, explained: Sequence[ExplainedChange]) -> Iterator[Text]:
    """What ``replan`` prints after the lineage: a corrected input, then every change and its cause."""
    if drafted.input_sha256 and drafted.input_sha256 != input_sha256:
        yield Text(
            f"The input differs from the one the draft was made from ({drafted.input_sha256[:12]}…): "
            "corrected data.",
            f"输入工作簿与初稿所用的（{drafted.input_sha256[:12]}…）不同：数据已更正。",
        )
    from reports.draft_changes import DATA, REQUEST, RULE
    from reports.plan_diff import describe

    total = sum(c.change.count for c in explained)
    causes = Counter(c.cause.en for c in explained)
    parts = Text(
        ", ".join(f"{k.en} {causes[k.en]}" for k in (REQUEST, DATA, RULE)),
        "，".join(f"{k.zh} {causes[k.en]}" for k in (REQUEST, DATA, RULE)),
    )
    yield Text(
        f"Changes to the draft: {total}, of {len(explained)} people ({parts.en})",
        f"改动初稿 {total} 处，涉及 {len(explained)} 人（{parts.zh}）",
    )
    for c in explained:
        before, after = (
            describe(c.change.before, c.change.walks_before),
            describe(c.change.after, c.change.walks_after),
        )
        who = f"  {c.staff_id} {c.name} {c.school_id}"
        yield Text(
            f"{who}: {before.en} → {after.en} ({c.cause.en}: {c.why.en})",
            f"{who}：{before.zh} → {after.zh}（{c.cause.zh}：{c.why.zh}）",
        )


@click.command(
    "options",
    cls=TextCommand,
    text=Text(
        "For one person: every school of the district, possible (with what choosing it would cost: the "
        "draft's other decisions that change, the objective levels that get worse) or impossible (the "
        "rule that forbids it), and staying home; ranked best first.",
        "针对一名人员：列出全区每所学校，可行的给出代价（初稿中需另行改动的决定、变差的优化目标），"
        "不可行的给出禁止它的规则；另含留任；按优劣排序。",
    ),
)
@INPUT
@DRAFT
@argument("staff_id", metavar=Text("STAFF_ID", "工号"))
@OPTIONAL_OUTPUT
@SET
@time_limit_option(Text("Seconds for the whole answer.", "整个回答的时限（秒）。"))
@SOLVE_SEED
@LANG
@FORCE
def options(
    input_path: Path,
    draft_path: Path,
    staff_id: str,
    output: Path | None,
    flags: tuple[str, ...],
    time_limit: float,
    seed: int,
    lang: str,
    force: bool,
) -> None:
    from reports.legend import with_legend
    from reports.plan_diff import draft_of_data
    from reports.plan_reader import read_plan_workbook
    from reports.xlsx import check_output_path, write_workbook
    from rotation.eligibility import assess_roster
    from rotation.scenarios.options import describe_option, options_sheet, person_options

    text = messages_for(lang)
    with review_input_exits(lang):
        if output is not None:
            check_output_path(output, force=force, protect=[input_path, draft_path])
        loaded = load(input_path, None, flags, None)
        drafted = read_plan_workbook(draft_path)
    roster = loaded.roster
    if staff_id not in roster.staff_by_id:
        fail(
            [
                text.say(
                    Text(
                        f"no staff member {staff_id} in {input_path.name}",
                        f"{input_path.name} 中没有工号 {staff_id}",
                    )
                )
            ]
        )
    eligibility = assess_roster(roster, loaded.params)
    found = person_options(
        roster,
        loaded.params,
        eligibility,
        draft_of_data(drafted),
        staff_id,
        seed=seed,
        time_limit_s=time_limit,
    )
    member = roster.staff_by_id[staff_id]
    names = {school_id: school.name for school_id, school in roster.schools.items()}
    click.echo(
        text.say(
            Text(
                f"{staff_id} {member.name} ({member.school_id}): the draft {found.drafted.describe().en}",
                f"{staff_id} {member.name}（{member.school_id}）：初稿安排为{found.drafted.describe().zh}",
            )
        )
    )
    for rank, choice in enumerate(found.options, start=1):
        name = names.get(choice.school_id or "", "")  # none for staying home
        click.echo(f"  {rank:>3}. {' '.join(filter(None, (name, text.say(describe_option(choice)))))}")
    if output is not None:
        with review_input_exits(lang):
            sheet = options_sheet(found, names, lang)
            write_workbook(output, with_legend([sheet], lang), force=force, protect=[input_path, draft_path])
        click.echo(text.written(output))
    click.echo(text.elapsed(found.wall_time_s))
