"""The summary workbook of ``rotation batch`` (summary.xlsx), written through reports.xlsx.

One row per workbook × scenario: where it came from, how its solve ended, its plan workbook, its times
and the KPIs of ``whatif`` (rotation.figures); then a sheet of the batch's own facts. The rows are read
through a protocol, so that this floor does not import the one above it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol

from reports.labels import check_language, status_text
from reports.legend import with_legend
from reports.xlsx import Cell, SheetData, write_workbook
from rotation.figures import Kpis
from rotation.text import Text

SUMMARY_SHEET = Text("summary", "批量汇总")
FACTS_SHEET = Text("batch", "批次信息")
_COLUMNS: dict[str, Text] = {
    "no": Text("no", "序号"),
    "input_file": Text("input_file", "输入文件"),
    "scenario": Text("scenario", "情景"),
    "status": Text("status", "状态"),
    "output_file": Text("output_file", "方案文件"),
    "this_run": Text("this_run", "本次"),
    "solve_s": Text("solve_s", "求解用时（秒）"),
    "task_s": Text("task_s", "读取、求解和写出用时（秒）"),
    "message": Text("message", "说明"),
    "input_sha256": Text("input_sha256", "输入文件 SHA-256"),
    "fact": Text("fact", "项目"),
    "value": Text("value", "值"),
}
SOLVED = Text("solved", "求解")
REUSED = Text("reused", "沿用")
# The KPIs shown after the times: all of whatif's but the status and the solve's time, which have columns.
_OWN_COLUMNS = frozenset({"status", "wall_time_s"})


class BatchRowData(Protocol):
    """A row of the batch, as the summary reads it (rotation.scenarios.batch.BatchRow)."""

    @property
    def input_name(self) -> str: ...

    @property
    def scenario(self) -> str: ...

    @property
    def overrides(self) -> Mapping[str, str]: ...

    @property
    def output_name(self) -> str | None: ...

    @property
    def status(self) -> str: ...

    @property
    def message(self) -> Text: ...

    @property
    def kpis(self) -> Kpis | None: ...

    @property
    def input_sha256(self) -> str: ...

    @property
    def solve_s(self) -> float: ...

    @property
    def task_s(self) -> float: ...

    @property
    def reused(self) -> bool: ...


def summary_sheet(rows: Sequence[BatchRowData], grid_keys: Sequence[str], lang: str = "zh") -> SheetData:
    """One row per solve; the grid's values in a column each (parameter names as they are)."""
    check_language(lang)
    kpi_figures = [f for f in _EMPTY_KPIS.figures() if f.key not in _OWN_COLUMNS]
    label = {key: text.pick(lang) for key, text in _COLUMNS.items()}
    headers = [
        label["no"],
        label["input_file"],
        label["scenario"],
        *grid_keys,
        label["status"],
        label["output_file"],
        label["this_run"],
        label["solve_s"],
        label["task_s"],
        *(figure.name.pick(lang) for figure in kpi_figures),
        label["message"],
        label["input_sha256"],
    ]
    table: list[list[Cell]] = []
    for number, row in enumerate(rows, start=1):
        values = {f.key: f.value for f in row.kpis.figures()} if row.kpis is not None else {}
        table.append(
            [
                number,
                row.input_name,
                row.scenario or None,
                *(row.overrides.get(key) for key in grid_keys),
                status_text(row.status, lang),
                row.output_name,
                (REUSED if row.reused else SOLVED).pick(lang),
                row.solve_s,
                row.task_s,
                *(values.get(figure.key) for figure in kpi_figures),
                row.message.pick(lang) or None,
                row.input_sha256 or None,
            ]
        )
    return SheetData(SUMMARY_SHEET.pick(lang), headers, table)


_EMPTY_KPIS = Kpis("", 0, 0, 0, 0, 0, 0, 0, {}, {}, 0.0)


def facts_sheet(facts: Sequence[tuple[Text, object]], lang: str = "zh") -> SheetData:
    check_language(lang)
    rows: list[tuple[Cell, Cell]] = [
        (name.pick(lang), value if isinstance(value, str | int | float) else str(value))
        for name, value in facts
    ]
    return SheetData(
        FACTS_SHEET.pick(lang), [_COLUMNS["fact"].pick(lang), _COLUMNS["value"].pick(lang)], rows
    )


def write_batch_summary(
    path: Path,
    rows: Sequence[BatchRowData],
    grid_keys: Sequence[str],
    facts: Sequence[tuple[Text, object]],
    lang: str = "zh",
) -> None:
    """summary.xlsx: the rows, then the batch's facts, then the legend of their codes. It is the batch's
    own file: rewritten each run."""
    sheets = [summary_sheet(rows, grid_keys, lang), facts_sheet(facts, lang)]
    write_workbook(path, with_legend(sheets, lang), force=True)
