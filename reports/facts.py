"""The facts of a run sheet: what was read, how the run ended, and the figures of its plan.

Kept apart from the sheet writers so that the CLI and the benchmarks (which write the same run
sheet a planner gets) build the facts without loading the Excel writers.
"""

from __future__ import annotations

from reports.labels import status_text
from rotation import __version__
from rotation.catalogue import level_title
from rotation.figures import new_moves, returns
from rotation.lineage import make_lineage
from rotation.plan import LevelResult, Plan
from rotation.text import Text
from rotation.workbook.loader import LoadedWorkbook


def run_facts(loaded: LoadedWorkbook, status: str, wall_time_s: float) -> list[tuple[str, object]]:
    """The facts every run sheet starts with: the date, the status, the input file and the program."""
    return [
        ("effective_date", loaded.params.effective_date),
        ("status", status),
        ("input_file", loaded.path.name),
        ("input_sha256", loaded.sha256),
        ("version", __version__),
        ("wall_time_s", round(wall_time_s, 3)),
    ]


def plan_facts(
    loaded: LoadedWorkbook,
    plan: Plan,
    method: str,
    wall_time_s: float,
    lang: str = "zh",
    *,
    seed: int = 0,
    draft_sha256: str = "",
    pins_sha256: str = "",
) -> list[tuple[str, object]]:
    """A solve's run sheet facts: the lineage (rotation.lineage; the draft's and pins' hashes when
    given), the solve's figures, then one row per objective level (in ``lang``)."""
    facts = run_facts(loaded, plan.status.value, wall_time_s)
    lineage = make_lineage(loaded.sha256, loaded.params, seed, method, draft_sha256, pins_sha256)
    facts += [(key, value) for key, value in lineage.facts() if value and key != "input_sha256"]
    facts += [
        ("seed", seed),
        ("method", method),
        ("objective", plan.objective),
        ("best_bound", plan.best_bound),
        ("gap", plan.gap),
        ("moves", len(new_moves(plan))),
        ("returns", len(returns(plan))),
        ("extensions", len(plan.extensions)),
        ("walking", len(plan.walks)),
    ]
    facts += [level_fact(level, lang) for level in plan.levels]
    return facts


# What ended a level before its optimum was proven (LevelResult.limit), as the run sheet says it.
LEVEL_LIMITS: dict[str, Text] = {
    "time": Text("ended by the time limit (--time-limit)", "因时限（--time-limit）结束"),
    "work": Text(
        "ended by the work limit (--work-limit; the same seed gives the same plan)",
        "因计算量上限（--work-limit）结束（种子相同则方案相同）",
    ),
    "stop": Text("stopped by a signal", "被信号中止"),
}


def level_fact(level: LevelResult, lang: str) -> tuple[str, str]:
    """The run sheet's row for one objective level: its name and figures, and which limit ended it."""
    status = status_text(level.status.value, lang)
    name = Text(f"level {level.name}", f"目标层级 {level_title(level.name).zh}")
    limit = LEVEL_LIMITS.get(level.limit)
    objective, bound = level.objective + 0.0, level.best_bound + 0.0  # a minimised -0 is shown as 0
    figures = Text(
        f"{status}; objective {objective:g}; bound {bound:g}; "
        f"gap {level.gap:.4f}; {level.wall_time_s:.2f} s" + (f"; {limit.en}" if limit else ""),
        f"{status}；目标值 {objective:g}；界 {bound:g}；"
        f"差距 {level.gap:.4f}；{level.wall_time_s:.2f} 秒" + (f"；{limit.zh}" if limit else ""),
    )
    return name.pick(lang), figures.pick(lang)
