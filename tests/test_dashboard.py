"""The dashboard sheet: native Excel charts whose series point at cells holding the plan's figures."""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from openpyxl.utils.cell import range_boundaries
from test_notices import solve_tiny

from reports.dashboard import SHEET, add_dashboard
from reports.plan_reader import read_plan_workbook


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return solve_tiny(tmp_path_factory.mktemp("plan") / "plan.xlsx")


def chart_series(path: Path) -> list[list[tuple[str, str]]]:
    """Each chart's series as (name ref, values ref), read from the chart parts of the xlsx."""
    charts = []
    with zipfile.ZipFile(path) as archive:
        for name in sorted(n for n in archive.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)):
            xml = archive.read(name).decode("utf-8")
            series = re.findall(r"<c:ser>.*?</c:ser>", xml, re.S)
            charts.append(
                [
                    (
                        re.search(r"<c:tx><c:strRef><c:f>(.*?)</c:f>", s, re.S).group(1),  # type: ignore[union-attr]
                        re.search(r"<c:val><c:numRef><c:f>(.*?)</c:f>", s, re.S).group(1),  # type: ignore[union-attr]
                    )
                    for s in series
                ]
            )
    return charts


def values(book: openpyxl.Workbook, ref: str) -> list[object]:
    sheet_name, cells = ref.rsplit("!", 1)
    sheet = book[sheet_name.strip("'")]
    min_col, min_row, max_col, max_row = range_boundaries(cells.replace("$", ""))
    return [c for row in sheet.iter_rows(min_row, max_row, min_col, max_col, values_only=True) for c in row]


def test_chart_series_hold_the_plans_figures(plan: Path) -> None:
    # The solve's own plan workbook carries the dashboard: its series must point at the plan's figures.
    source = book = openpyxl.load_workbook(plan)
    schools = [r for r in source["学校汇总"].iter_rows(min_row=2, values_only=True)]
    moves = [r for r in source["调动名单"].iter_rows(min_row=2, values_only=True) if r[8] != "S2"]
    due = Counter(r[2] for r in source["资格审查"].iter_rows(min_row=2, values_only=True) if r[3] == "应交流")
    moved = Counter(r[2] for r in moves)
    obligations = list(source["指标完成"].iter_rows(min_row=2, values_only=True))
    rules = sorted({str(r[0]) for r in obligations})
    charts = chart_series(plan)
    assert len(charts) == 3 and all(len(series) == 2 for series in charts)
    expected = [
        [[due[r[0]] for r in schools], [moved[r[0]] for r in schools]],
        [
            [r[5] / r[1] if r[1] else 0 for r in schools],
            [r[6] / r[4] if r[4] else 0 for r in schools],
        ],
        [
            [sum(1 for o in obligations if o[0] == rule and o[6] == "是") for rule in rules],
            [sum(1 for o in obligations if o[0] == rule and o[6] == "否") for rule in rules],
        ],
    ]
    names = [("应交流", "调出"), ("交流前骨干占比", "交流后骨干占比"), ("达标", "未达标")]
    for chart, wanted, titles in zip(charts, expected, names, strict=True):
        for (name_ref, values_ref), numbers, title in zip(chart, wanted, titles, strict=True):
            assert values_ref.startswith(f"{SHEET.zh}!")  # 图表: the Chinese plan's dashboard
            assert values(book, name_ref) == [title]
            assert values(book, values_ref) == pytest.approx(numbers)


def test_add_dashboard_works_in_a_streaming_workbook(plan: Path, tmp_path: Path) -> None:
    # reports.xlsx writes in constant_memory mode; the dashboard writes its rows top to bottom for it.
    out = tmp_path / "stream.xlsx"
    with xlsxwriter.Workbook(str(out), {"constant_memory": True}) as workbook:
        add_dashboard(workbook, read_plan_workbook(plan), "en")
    sheet = openpyxl.load_workbook(out)[SHEET.en]
    assert sheet.cell(2, 1).value == "school_id"
    assert sheet.cell(3, 1).value == "0001"
    assert len(chart_series(out)) == 3
