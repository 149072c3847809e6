"""The workbooks of ``rotation whatif``, ``sweep`` and ``plan``, written through reports.xlsx.

Headers, KPI names and statuses come in both languages like the contract's sheets; parameter names
and rule IDs are identifiers and stay as they are in either language. The scenarios' results are
read through the protocols below, so that this floor does not import the one above it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from reports.labels import check_language, status_text
from reports.legend import with_legend
from reports.plan_workbook import Facts, assignments_sheet, run_sheet
from reports.xlsx import Cell, SheetData, write_workbook
from rotation.domain import Roster
from rotation.eligibility import Eligibility
from rotation.figures import Comparison, Kpis, TrajectoryRow, compute_kpis
from rotation.parameters import Parameters
from rotation.plan import Plan
from rotation.text import Text
from rotation.workbook.schema import OUT_ASSIGNMENTS


class SweepRow(Protocol):
    """One scenario of a sweep, as its row reads it (rotation.scenarios.sweep.ScenarioResult)."""

    @property
    def index(self) -> int: ...

    @property
    def overrides(self) -> Mapping[str, str]: ...

    @property
    def status(self) -> str: ...

    @property
    def message(self) -> Text | None: ...

    @property
    def kpis(self) -> Kpis | None: ...

    @property
    def wall_time_s(self) -> float: ...


class SolvedYear(Protocol):
    """A summer's solve: the roster and parameters it started from, its eligibility and plan."""

    @property
    def roster(self) -> Roster: ...

    @property
    def params(self) -> Parameters: ...

    @property
    def eligibility(self) -> Mapping[str, Eligibility]: ...

    @property
    def plan(self) -> Plan: ...


class PlannedYear(Protocol):
    @property
    def year(self) -> int: ...

    @property
    def run(self) -> SolvedYear: ...


class MultiYear(Protocol):
    """A multi-year plan, as its workbook reads it (rotation.scenarios.multiyear.MultiYearPlan)."""

    @property
    def years(self) -> Sequence[PlannedYear]: ...

    def trajectory(self) -> list[TrajectoryRow]: ...


# (English, Chinese) names of the sheets and columns defined here.
_SHEETS: dict[str, tuple[str, str]] = {
    "kpis": ("kpis", "指标对比"),
    "changed": ("changed", "结果变化"),
    "schools": ("schools", "学校变化"),
    "parameters": ("parameters", "参数差异"),
    "sweep": ("sweep", "情景扫描"),
    "summary": ("summary", "年度汇总"),
    "trajectory": ("trajectory", "逐年轨迹"),
}
_COLUMNS: dict[str, tuple[str, str]] = {
    "kpi": ("kpi", "指标"),
    "value": ("value", "值"),
    "baseline": ("baseline", "基准"),
    "scenario": ("scenario", "情景"),
    "delta": ("delta", "差值"),
    "staff_id": ("staff_id", "工号"),
    "name": ("name", "姓名"),
    "school_id": ("school_id", "学校代码"),
    "status_before": ("status_before", "基准状态"),
    "status_after": ("status_after", "情景状态"),
    "reasons_before": ("reasons_before", "基准依据"),
    "reasons_after": ("reasons_after", "情景依据"),
    "destination_before": ("destination_before", "基准去向"),
    "destination_after": ("destination_after", "情景去向"),
    "rule_before": ("rule_before", "基准调动依据"),
    "rule_after": ("rule_after", "情景调动依据"),
    "difference": ("difference", "差异原因"),
    "headcount_now": ("headcount_now", "现有人数"),
    "out_before": ("out_before", "基准调出"),
    "out_after": ("out_after", "情景调出"),
    "in_before": ("in_before", "基准调入"),
    "in_after": ("in_after", "情景调入"),
    "after_before": ("headcount_after_baseline", "基准交流后人数"),
    "after_after": ("headcount_after_scenario", "情景交流后人数"),
    "parameter": ("parameter", "参数"),
    "scenario_no": ("scenario", "情景编号"),
    "status": ("status", "状态"),
    "message": ("message", "说明"),
    "year": ("year", "年度"),
    "effective_date": ("effective_date", "生效日期"),
    "due_backlog": ("due_backlog", "应交流存量"),
    "due_rotated": ("due_rotated", "应交流已交流"),
    "moves_out": ("moves_out", "调出"),
    "moves_in": ("moves_in", "调入"),
    "returns_home": ("returns_home", "期满返回(回本校)"),
    "returns_leaving": ("returns_leaving", "期满返回(离开)"),
    "headcount_after": ("headcount_after", "交流后人数"),
}


def _label(table: Mapping[str, tuple[str, str]], key: str, lang: str) -> str:
    english, chinese = table[key]
    return chinese if lang == "zh" else english


def _sheet(key: str, columns: Sequence[str], rows: Sequence[Sequence[Cell]], lang: str) -> SheetData:
    check_language(lang)
    return SheetData(_label(_SHEETS, key, lang), [_label(_COLUMNS, c, lang) for c in columns], rows)


# --------------------------------------------------------------------------- what-if


def kpi_table(baseline: Kpis, scenario: Kpis, lang: str = "zh") -> list[tuple[str, Cell, Cell, Cell]]:
    """(kpi, baseline, scenario, delta) rows; the delta is blank for text such as the status."""
    rows: list[tuple[str, Cell, Cell, Cell]] = []
    for old, new in zip(baseline.figures(), scenario.figures(), strict=True):
        delta: Cell = None
        if isinstance(old.value, int | float) and isinstance(new.value, int | float):
            delta = round(new.value - old.value, 4)
        rows.append(
            (old.name.pick(lang), _value(old.key, old.value, lang), _value(new.key, new.value, lang), delta)
        )
    return rows


def _value(key: str, value: str | int | float, lang: str) -> Cell:
    return status_text(str(value), lang) if key == "status" else value


def comparison_sheets(comparison: Comparison, lang: str = "zh") -> list[SheetData]:
    kpis = _sheet(
        "kpis",
        ("kpi", "baseline", "scenario", "delta"),
        kpi_table(comparison.baseline, comparison.scenario, lang),
        lang,
    )
    changed_rows = [
        (
            person.staff_id,
            person.name,
            person.school_id,
            person.before.status.label(lang),
            person.after.status.label(lang),
            ";".join(person.before.reasons) or None,
            ";".join(person.after.reasons) or None,
            person.before.destination,
            person.after.destination,
            person.before.rule_label(lang),
            person.after.rule_label(lang),
            person.difference.pick(lang),
        )
        for person in comparison.changed
    ]
    changed = _sheet(
        "changed",
        (
            "staff_id",
            "name",
            "school_id",
            "status_before",
            "status_after",
            "reasons_before",
            "reasons_after",
            "destination_before",
            "destination_after",
            "rule_before",
            "rule_after",
            "difference",
        ),
        changed_rows,
        lang,
    )
    school_rows = [
        (
            d.school_id,
            d.headcount_before_plan,
            d.out_before,
            d.out_after,
            d.in_before,
            d.in_after,
            d.after_baseline,
            d.after_scenario,
            d.after_scenario - d.after_baseline,
        )
        for d in comparison.schools
    ]
    schools = _sheet(
        "schools",
        (
            "school_id",
            "headcount_now",
            "out_before",
            "out_after",
            "in_before",
            "in_after",
            "after_before",
            "after_after",
            "delta",
        ),
        school_rows,
        lang,
    )
    parameters = _sheet(
        "parameters", ("parameter", "baseline", "scenario"), comparison.parameter_changes, lang
    )
    return [kpis, changed, schools, parameters]


def write_comparison_workbook(
    path: Path,
    comparison: Comparison,
    facts: Facts,
    params: Parameters,
    warnings: Sequence[Text],
    lang: str = "zh",
    *,
    force: bool,
    protect: Sequence[Path] = (),
) -> None:
    """The comparison sheets, then the run sheet: the scenario's run, parameters and loader warnings."""
    sheets = [*comparison_sheets(comparison, lang), run_sheet(facts, params, warnings, lang)]
    write_workbook(path, with_legend(sheets, lang), force=force, protect=protect)


# --------------------------------------------------------------------------- sweep


def sweep_sheet(keys: Sequence[str], results: Sequence[SweepRow], lang: str = "zh") -> SheetData:
    """One row per scenario: number, grid values, status, message, KPIs (blank without a plan)."""
    kpi_figures = [figure for figure in _EMPTY_KPIS.figures() if figure.key != "status"]
    headers = [
        _label(_COLUMNS, "scenario_no", lang),
        *keys,
        _label(_COLUMNS, "status", lang),
        _label(_COLUMNS, "message", lang),
        *(figure.name.pick(lang) for figure in kpi_figures),
    ]
    rows: list[list[Cell]] = []
    for result in results:
        values = {f.key: f.value for f in result.kpis.figures()} if result.kpis is not None else {}
        row: list[Cell] = [result.index + 1, *(result.overrides.get(key) for key in keys)]
        row += [status_text(result.status, lang), result.message.pick(lang) if result.message else None]
        row += [values.get(figure.key) for figure in kpi_figures]
        if result.kpis is None:
            row[-1] = round(result.wall_time_s, 3)  # the time spent is worth seeing for a failure too
        rows.append(row)
    check_language(lang)
    return SheetData(_label(_SHEETS, "sweep", lang), headers, rows)


_EMPTY_KPIS = Kpis("", 0, 0, 0, 0, 0, 0, 0, {}, {}, 0.0)


def write_sweep_workbook(
    path: Path,
    keys: Sequence[str],
    results: Sequence[SweepRow],
    facts: Facts,
    params: Parameters,
    lang: str = "zh",
    *,
    force: bool,
    protect: Sequence[Path] = (),
) -> None:
    """The sweep sheet, then the run sheet with the baseline (workbook) parameters the grid varies."""
    sheets = [sweep_sheet(keys, results, lang), run_sheet(facts, params, (), lang)]
    write_workbook(path, with_legend(sheets, lang), force=force, protect=protect)


# --------------------------------------------------------------------------- multi-year


def multi_year_sheets(plan: MultiYear, lang: str = "zh") -> list[SheetData]:
    """``summary`` (one block of KPIs per year), ``trajectory``, then ``assignments_<year>`` per year."""
    summary_rows: list[tuple[Cell, ...]] = []
    for year in plan.years:
        run = year.run
        for figure in compute_kpis(run.roster, run.eligibility, run.plan).figures():
            value = _value(figure.key, figure.value, lang)
            summary_rows.append((year.year, run.params.effective_date, figure.name.pick(lang), value))
    summary = _sheet("summary", ("year", "effective_date", "kpi", "value"), summary_rows, lang)
    trajectory_rows = [
        (
            row.year,
            row.school_id,
            row.due_backlog,
            row.due_rotated,
            row.moves_out,
            row.moves_in,
            row.returns_home,
            row.returns_leaving,
            row.headcount_after,
        )
        for row in plan.trajectory()
    ]
    path_sheet = _sheet(
        "trajectory",
        (
            "year",
            "school_id",
            "due_backlog",
            "due_rotated",
            "moves_out",
            "moves_in",
            "returns_home",
            "returns_leaving",
            "headcount_after",
        ),
        trajectory_rows,
        lang,
    )
    assignments = [
        replace(
            assignments_sheet(y.run.roster, y.run.params, y.run.plan, lang),
            title=f"{OUT_ASSIGNMENTS.label(lang)}_{y.year}",
        )
        for y in plan.years
    ]
    return [summary, path_sheet, *assignments]


def write_multi_year_workbook(
    path: Path,
    plan: MultiYear,
    facts: Facts,
    params: Parameters,
    warnings: Sequence[Text],
    lang: str = "zh",
    *,
    force: bool,
    protect: Sequence[Path] = (),
) -> None:
    """The years' sheets, then the run sheet of the first year's parameters, the input and the seed."""
    sheets = [*multi_year_sheets(plan, lang), run_sheet(facts, params, warnings, lang)]
    write_workbook(path, with_legend(sheets, lang), force=force, protect=protect)
