"""The ``rotation`` command: thin wrappers that parse, call and print.

Exit codes: 0 success, 2 bad input (workbook, parameters, pins, output path),
3 no plan exists under the rules (infeasible), 4 no plan found in the time limit.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import cast

import click

from rotation import __version__
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
    WORKERS,
    bad_input_exits,
    fail,
    live_line,
    load,
    load_for_output,
    pad,
    print_warnings,
    run_facts,
    time_limit_option,
)
from rotation.cli.messages import Messages, messages_for
from rotation.cli.reports import notices, report
from rotation.cli.scenarios import plan_command, sweep, whatif
from rotation.codes import Status
from rotation.eligibility import Eligibility, assess_roster
from rotation.figures import compute_kpis, reason_counts
from rotation.parameters import Parameters
from rotation.plan import Plan, SolveStatus
from rotation.workbook.loader import LoadedWorkbook, load_pins

__all__ = ["EXIT_BAD_INPUT", "EXIT_INFEASIBLE", "EXIT_NO_PLAN", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rotation")
def main() -> None:
    """Plan the yearly teacher and principal rotation (交流轮岗) of a district."""


@main.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@LANG
@FORCE
def template(out: Path, lang: str, force: bool) -> None:
    """Write a blank input workbook with the contract's sheets, headers and dropdowns."""
    from reports.input_workbook import write_template

    with bad_input_exits(lang):
        write_template(out, lang, force=force)
    click.echo(messages_for(lang).template_written(out))


@main.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--size",
    type=click.Choice(["tiny", "district", "city", "large"]),
    default="district",
    show_default=True,
)
@click.option("--seed", type=int, required=True, help="Same seed, same workbook.")
@EFFECTIVE_DATE
@LANG
@FORCE
def sample(out: Path, size: str, seed: int, effective_date: datetime | None, lang: str, force: bool) -> None:
    """Generate a realistic sample district workbook, deterministic by seed."""
    from reports.input_workbook import write_input_workbook
    from rotation.sample import generate

    day = effective_date.date() if effective_date else Parameters().effective_date
    with bad_input_exits(lang):
        roster = generate(size, seed, day)  # type: ignore[arg-type]
        write_input_workbook(out, roster, lang, parameters={"effective_date": day}, force=force)
    click.echo(messages_for(lang).sample_written(out, size, seed))


@main.command()
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@EFFECTIVE_DATE
@SET
@SCENARIO
@click.option(
    "--export",
    "export",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the eligibility and run sheets to this workbook.",
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
    """Validate a staff workbook and say who is due, exempt, locked or returning."""
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
    for school_id, count in sorted(due_by_school.items(), key=lambda item: (-item[1], item[0]))[:10]:
        school = roster.schools[school_id]
        headcount = len(roster.staff_by_school[school_id])
        share = count / headcount
        click.echo(f"  {school_id:<10} {pad(school.name, 20)} {count:>4} / {headcount:<4} {share:>5.0%}")


@main.command()
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@OUTPUT
@EFFECTIVE_DATE
@SET
@SCENARIO
@click.option(
    "--pins",
    "pins_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Workbook of pins: staff_id, to_school_id, kind (must | never).",
)
@time_limit_option("Seconds for the whole solve.")
@WORKERS
@SOLVE_SEED
@click.option(
    "--method",
    type=click.Choice(["cp-sat", "mip", "greedy"]),
    default="cp-sat",
    show_default=True,
    help=(
        "cp-sat: the proven optimum; mip: the same model under HiGHS, to cross-check it; "
        "greedy: the first-fit procedure done by hand, for comparison."
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
    workers: int,
    seed: int,
    method: str,
    lang: str,
    include_sensitive: bool,
    force: bool,
) -> None:
    """Solve the summer's rotation plan and write the assignment workbook."""
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
    options = SolveOptions(time_limit_s=time_limit, workers=workers, seed=seed, pins=tuple(extra_pins))
    show = live_line()
    try:
        plan = solve_by(cast(Method, method), loaded.roster, loaded.params, eligibility, options, show)
    except PinError as error:
        fail(error.problems)
    if show is not None:
        sys.stderr.write("\n")
    if not plan.status.has_plan:
        code = EXIT_INFEASIBLE if plan.status is SolveStatus.INFEASIBLE else EXIT_NO_PLAN
        fail([text.no_plan(plan.status), *(line.pick(lang) for line in plan.explanation)], code)
    facts = plan_facts(loaded, plan, method, time.perf_counter() - started)
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
    print_plan_summary(loaded, eligibility, plan, text)
    click.echo(text.written(output))
    click.echo(text.elapsed(time.perf_counter() - started))


def plan_facts(
    loaded: LoadedWorkbook, plan: Plan, method: str, wall_time_s: float
) -> list[tuple[str, object]]:
    """The run sheet's facts: the solve's figures, then one row per objective level."""
    facts = run_facts(loaded, plan.status.value, wall_time_s)
    facts += [
        ("method", method),
        ("objective", plan.objective),
        ("best_bound", plan.best_bound),
        ("gap", plan.gap),
        ("moves", sum(1 for move in plan.moves if move.rule != "S2")),
        ("returns", sum(1 for move in plan.moves if move.rule == "S2")),
        ("extensions", len(plan.extensions)),
        ("walking", len(plan.walks)),
    ]
    for level in plan.levels:
        facts.append(
            (
                f"level {level.name}",
                f"{level.status.value}; objective {level.objective:g}; bound {level.best_bound:g}; "
                f"gap {level.gap:.4f}; {level.wall_time_s:.2f} s",
            )
        )
    return facts


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
    for outcome in plan.obligations:
        if not outcome.met:
            click.echo(text.missed_obligation(outcome))
    click.echo(text.solve_status(plan.status.value, plan.gap, plan.wall_time_s))
    for level in plan.levels:
        click.echo(
            f"  {pad(level.name, 24)} {level.status.value:<9} {level.objective:>12g} "
            f"{level.best_bound:>12g} {level.gap:>7.2%} {level.wall_time_s:>7.2f}s"
        )


for command in (whatif, sweep, plan_command, notices, report):
    main.add_command(command)
