"""The ``whatif``, ``sweep`` and ``plan`` commands: thin wrappers over rotation.scenarios.

They are plain click commands; rotation/cli/main.py registers them with ``main.add_command``.
Exit codes as for ``solve``: 2 bad input, 3 no plan exists, 4 none found in the time limit.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import fields
from datetime import datetime
from pathlib import Path

import click

from reports.facts import run_facts
from rotation.cli.batch import ADDRESS, ENGINE, engine_choice, engine_refusals
from rotation.cli.common import (
    EFFECTIVE_DATE,
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
    print_warnings,
    time_limit_option,
)
from rotation.cli.language import TextCommand, argument, option
from rotation.cli.messages import Messages, messages_for, pad, pad_left
from rotation.draft import draft_of_plan
from rotation.figures import compute_kpis
from rotation.parameters import Parameters, parse_flags, resolve_parameters
from rotation.plan import SolveStatus
from rotation.scenarios.multiyear import plan_years
from rotation.scenarios.solved import SolvedRun, load_and_solve
from rotation.scenarios.sweep import ScenarioResult, grid_scenarios, parse_grid, run_sweep
from rotation.scenarios.whatif import compare
from rotation.text import Text

WORKBOOK = argument(
    "workbook", metavar=Text("WORKBOOK", "工作簿"), type=click.Path(dir_okay=False, path_type=Path)
)
BASELINE = Text("baseline", "基准")
SCENARIO_RUN = Text("scenario", "情景")


def _no_plan_exit(run: SolvedRun, which: Text, lang: str) -> None:
    """Stop with the rules that conflict (3) or the time-out (4) when ``run`` has no plan."""
    if run.plan.status.has_plan:
        return
    code = EXIT_INFEASIBLE if run.plan.status is SolveStatus.INFEASIBLE else EXIT_NO_PLAN
    explanation = [line.pick(lang) for line in run.plan.explanation]
    fail([f"{which.pick(lang)}: {messages_for(lang).no_plan(run.plan.status)}", *explanation], code)


def _solving(which: Text, lang: str) -> Callable[[Text], None] | None:
    """The live line of one of whatif's two solves, on a terminal: which solve, then the solver's line."""
    show = live_line(lang)
    if show is None:
        return None
    shown = show

    def labelled(line: Text) -> None:
        shown(Text(f"{which.en}: {line.en}", f"{which.zh}：{line.zh}"))

    return labelled


def _end_live_line(show: Callable[[Text], None] | None) -> None:
    if show is not None:
        sys.stderr.write("\n")


@click.command(
    cls=TextCommand,
    text=Text(
        "Solve the workbook as it is and with a scenario, and write what changes between the two.",
        "按工作簿现状和按情景各求解一次，写出两者之间的变化。",
    ),
)
@WORKBOOK
@SET
@SCENARIO
@OUTPUT
@time_limit_option(Text("Seconds for each solve.", "每次求解的时限（秒）。"))
@WORKERS
@SOLVE_SEED
@option(
    "--stable",
    is_flag=True,
    help=Text(
        "Solve the scenario from the baseline's plan, changing as few of its decisions as the new "
        "parameters allow, so that only what they force differs.",
        "以基准方案为初稿求解情景，在新参数允许的范围内尽量少改动，只留下参数变化所必需的差异。",
    ),
)
@LANG
@INCLUDE_SENSITIVE
@FORCE
def whatif(
    workbook: Path,
    flags: tuple[str, ...],
    scenario: Path | None,
    output: Path,
    time_limit: float,
    workers: int,
    seed: int,
    stable: bool,
    lang: str,
    include_sensitive: bool,
    force: bool,
) -> None:
    from reports.scenario_workbook import kpi_table, write_comparison_workbook
    from reports.xlsx import check_output_path
    from solver.solve import PinError

    started = time.perf_counter()
    text = messages_for(lang)
    with bad_input_exits(lang):
        check_output_path(output, force=force, protect=[workbook])
        # Scenario and flag mistakes are reported before two solves are spent.
        resolve_parameters({}, scenario, flags, joint=False)
        overrides = parse_flags(flags)
    try:
        with bad_input_exits(lang):
            show = _solving(BASELINE, lang)
            baseline = load_and_solve(
                workbook, time_limit_s=time_limit, workers=workers, seed=seed, progress=show
            )
            _end_live_line(show)
            _no_plan_exit(baseline, BASELINE, lang)
            show = _solving(SCENARIO_RUN, lang)
            changed = load_and_solve(
                workbook,
                overrides,
                scenario,
                time_limit_s=time_limit,
                workers=workers,
                seed=seed,
                progress=show,
                draft=draft_of_plan(baseline.plan) if stable else None,
            )
            _end_live_line(show)
            _no_plan_exit(changed, SCENARIO_RUN, lang)
    except PinError as error:
        fail([problem.pick(lang) for problem in error.problems])
    comparison = compare(baseline, changed, include_sensitive, stable)
    assert changed.source is not None
    print_warnings(changed.source.warnings, text)
    facts = [
        *run_facts(changed.source, changed.plan.status.value, time.perf_counter() - started),
        ("objective", changed.plan.objective),
        ("best_bound", changed.plan.best_bound),
        ("gap", changed.plan.gap),
        ("baseline_status", baseline.plan.status.value),
        ("stable", stable),
    ]
    with bad_input_exits(lang):
        write_comparison_workbook(
            output,
            comparison,
            facts,
            changed.params,
            changed.source.warnings,
            lang,
            force=force,
            protect=[workbook],
        )
    heading = ("指标", "基准", "情景", "差值") if lang == "zh" else ("kpi", "baseline", "scenario", "delta")
    click.echo(_kpi_line(*heading))
    for key, old, new, delta in kpi_table(comparison.baseline, comparison.scenario, lang):
        click.echo(_kpi_line(key, _cell(old), _cell(new), _cell(delta)))
    for name, old_value, new_value in comparison.parameter_changes:
        click.echo(f"  {name}: {old_value} → {new_value}")
    click.echo(
        text.say(
            Text(
                f"People whose outcome changed: {len(comparison.changed)}",
                f"结果变化的人员: {len(comparison.changed)}",
            )
        )
    )
    click.echo(text.written(output))
    click.echo(text.elapsed(time.perf_counter() - started))


KPI_WIDTH = 26
VALUE_WIDTH = 10


def _kpi_line(name: str, baseline: str, scenario: str, delta: str) -> str:
    values = " ".join(pad_left(value, VALUE_WIDTH) for value in (baseline, scenario, delta))
    return f"{pad(name, KPI_WIDTH)} {values}"


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _show_progress(done: int, total: int) -> None:
    width = 30
    filled = width * done // total if total else width
    sys.stderr.write(f"\r\x1b[2K[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    sys.stderr.flush()


@click.command(
    cls=TextCommand,
    text=Text(
        "Solve every combination of the grid's values, in parallel, and write one KPI row per scenario. "
        "A scenario that fails (a bad value, no plan, a crash, a time-out) is recorded in its row and "
        "costs none of the others.",
        "并行求解网格中每一种取值组合，每个情景写出一行指标。某个情景失败（取值有误、无方案、出错、超时）"
        "时记录在该行，不影响其他情景。",
    ),
)
@WORKBOOK
@option(
    "--grid",
    "grid_specs",
    multiple=True,
    required=True,
    metavar=Text("KEY=V1,V2,...", "参数=值1,值2,..."),
    help=Text(
        "A parameter and its values; several --grid give their cross product. Join rule IDs with ';'.",
        "一个参数及其取值；多个 --grid 取其全部组合。规则代码之间用 ';' 连接。",
    ),
)
@OUTPUT
@time_limit_option(Text("Seconds for each scenario.", "每个情景的时限（秒）。"))
@option(
    "--processes",
    type=int,
    default=0,
    metavar=Text("N", "N"),
    help=Text(
        "Scenarios solved at once (0: one per core); with --engine ray and no --address, the CPUs of the "
        "cluster started here.",
        "同时求解的情景数（0：每个核心一个）；--engine ray 且未给 --address 时为本机启动的集群的 CPU 数。",
    ),
)
@ENGINE
@ADDRESS
@SOLVE_SEED
@LANG
@FORCE
def sweep(
    workbook: Path,
    grid_specs: tuple[str, ...],
    output: Path,
    time_limit: float,
    processes: int,
    engine: str,
    address: str | None,
    seed: int,
    lang: str,
    force: bool,
) -> None:
    from reports.scenario_workbook import write_sweep_workbook
    from reports.xlsx import check_output_path

    started = time.perf_counter()
    text = messages_for(lang)
    choice = engine_choice(engine, address, processes, 1, lang)
    with bad_input_exits(lang):
        check_output_path(output, force=force, protect=[workbook])
        grid = parse_grid(grid_specs)
        known = {f.name for f in fields(Parameters)}
        # Every row would fail the same way: refuse the grid instead, naming the nearest key. Only the
        # unknown keys are given, so the values stay each scenario's to refuse in its own row.
        Parameters().updated({key: None for key, _ in grid if key not in known}, "--grid")
        # The workbook itself is checked once here, so that a bad workbook is one message, not N rows.
        loaded = load(workbook, None, (), None)
    print_warnings(loaded.warnings, text)
    scenarios = grid_scenarios(grid)
    show = _show_progress if sys.stderr.isatty() else None
    with engine_refusals(lang):
        results = run_sweep(
            workbook,
            scenarios,
            time_limit_s=time_limit,
            processes=processes or os.cpu_count() or 1,
            seed=seed,
            progress=show,
            engine=choice,
        )
    if show is not None:
        sys.stderr.write("\n")
    wall = time.perf_counter() - started
    keys = [key for key, _ in grid]
    facts = [
        *run_facts(loaded, "sweep", wall),
        ("objective", 0),
        ("best_bound", 0),
        ("gap", 0),
        ("scenarios", len(results)),
        ("scenario_time_sum_s", round(sum(r.wall_time_s for r in results), 3)),
    ]
    with bad_input_exits(lang):
        write_sweep_workbook(
            output, keys, results, facts, loaded.params, lang, force=force, protect=[workbook]
        )
    _print_sweep(keys, results, text)
    spent = sum(r.wall_time_s for r in results)
    click.echo(
        text.say(
            Text(
                f"{len(results)} scenarios in {wall:.1f} s wall time; scenario times add up to {spent:.1f} s",
                f"{len(results)} 个情景, 总用时 {wall:.1f} 秒, 各情景用时之和 {spent:.1f} 秒",
            )
        )
    )
    click.echo(text.written(output))


def _print_sweep(keys: Sequence[str], results: Sequence[ScenarioResult], text: Messages) -> None:
    for result in results:
        values = " ".join(f"{key}={result.overrides.get(key)}" for key in keys)
        line = f"{result.index + 1:>3} {pad(values, 40)} {pad(text.run_status(result.status), 12)}"
        if result.kpis is not None:
            k = result.kpis
            line += text.say(
                Text(
                    f" moves {k.moves:>4}  due {k.due_rotated}/{k.due}  "
                    f"obligations {k.obligations_met}/{k.obligations_total}  {result.wall_time_s:.1f}s",
                    f" 调动 {k.moves:>4}  应交流 {k.due_rotated}/{k.due}  "
                    f"指标 {k.obligations_met}/{k.obligations_total}  {result.wall_time_s:.1f} 秒",
                )
            )
        elif result.message is not None:
            line += f" {text.say(result.message)[:120]}"
        click.echo(line)


@click.command(
    name="plan",
    cls=TextCommand,
    text=Text(
        "Plan several summers in a row, each on the roster the previous plan leaves behind.",
        "连续规划多个暑期，每一年都以上一年方案执行后的人员情况为起点。",
    ),
)
@WORKBOOK
@option(
    "--years",
    type=click.IntRange(min=1, max=20),
    required=True,
    metavar=Text("N", "N"),
    help=Text("Summers to plan.", "规划的年数（暑期数）。"),
)
@OUTPUT
@EFFECTIVE_DATE
@SET
@SCENARIO
@time_limit_option(Text("Seconds for each year.", "每一年的时限（秒）。"))
@WORKERS
@SOLVE_SEED
@LANG
@FORCE
def plan_command(
    workbook: Path,
    years: int,
    output: Path,
    effective_date: datetime | None,
    flags: tuple[str, ...],
    scenario: Path | None,
    time_limit: float,
    workers: int,
    seed: int,
    lang: str,
    force: bool,
) -> None:
    from reports.scenario_workbook import write_multi_year_workbook

    started = time.perf_counter()
    text = messages_for(lang)
    loaded = load_for_output(workbook, output, force, scenario, flags, effective_date, text)
    show = live_line(lang)
    result = plan_years(
        loaded.roster,
        loaded.params,
        years,
        time_limit_s=time_limit,
        workers=workers,
        seed=seed,
        progress=show,
    )
    _end_live_line(show)
    final = result.years[-1].run.plan
    # The run sheet records what every year starts from: the input, the first year's parameters
    # (later years move effective_date on a year each) and the seed; the objective is the last year's.
    facts = [
        *run_facts(loaded, final.status.value, time.perf_counter() - started),
        ("seed", seed),
        ("years", years),
        ("years_planned", len(result.years)),
        ("objective", final.objective),
        ("best_bound", final.best_bound),
        ("gap", final.gap),
    ]
    with bad_input_exits(lang):
        write_multi_year_workbook(
            output, result, facts, loaded.params, loaded.warnings, lang, force=force, protect=[workbook]
        )
    for year in result.years:
        k = compute_kpis(year.run.roster, year.run.eligibility, year.run.plan)
        status = text.run_status(k.status)
        click.echo(
            text.say(
                Text(
                    f"{year.year}: {status}, moves {k.moves}, due rotated {k.due_rotated}/{k.due}, "
                    f"returns {k.returns}, obligations {k.obligations_met}/{k.obligations_total}",
                    f"{year.year}: {status}, 调动 {k.moves}, 应交流 {k.due_rotated}/{k.due}, "
                    f"返回 {k.returns}, 指标 {k.obligations_met}/{k.obligations_total}",
                )
            )
        )
    click.echo(text.written(output))
    click.echo(text.elapsed(time.perf_counter() - started))
    if result.stopped is not None:
        last = result.years[-1].run.plan.status
        code = EXIT_INFEASIBLE if last is SolveStatus.INFEASIBLE else EXIT_NO_PLAN
        fail([result.stopped.pick(lang)], code)
