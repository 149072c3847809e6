"""A ``dashboard`` (图表) sheet of native Excel charts for a plan workbook written with xlsxwriter.

The charts draw from small tables written on the dashboard sheet itself (values, never
formulas), so the figures a planner sees in a chart are cells they can check beside it:
due vs moved out by school, key-teacher share before and after, obligations met and
missed by rule.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from reports.notices import write_text
from reports.plan_reader import PlanData
from reports.xlsx import text_width
from rotation.text import Text

SHEET = Text("dashboard", "图表")
# Column offsets of the three source tables on the dashboard sheet.
DUE_COL, KEY_COL, OBLIGATION_COL = 0, 4, 8
TABLE_ROW = 1  # header row of each table; title on row 0
CHART_COL = 12


def _labels(lang: str) -> dict[str, str]:
    if lang == "zh":
        return {
            "school": "学校代码",
            "due": "应交流",
            "moved": "调出",
            "before": "交流前骨干占比",
            "after": "交流后骨干占比",
            "rule": "依据",
            "met": "达标",
            "missed": "未达标",
            "due_title": "各校应交流与调出人数",
            "key_title": "骨干教师占比（交流前 / 交流后）",
            "obligation_title": "指标达标情况",
        }
    return {
        "school": "school_id",
        "due": "due",
        "moved": "moved",
        "before": "key_share_before",
        "after": "key_share_after",
        "rule": "rule",
        "met": "met",
        "missed": "missed",
        "due_title": "Due vs moved out by school",
        "key_title": "Key-teacher share before / after",
        "obligation_title": "Obligations met / missed",
    }


def add_dashboard(workbook: Any, plan: PlanData, lang: str | None = None) -> Any:
    """Add the ``dashboard`` (图表) sheet (tables and three charts) to an xlsxwriter ``workbook``; return it.

    The rows go out top to bottom, so this also works in a constant_memory workbook such as the
    ones reports.xlsx writes.
    """
    language = lang or plan.lang
    text = _labels(language)
    title = SHEET.pick(language)
    sheet = workbook.add_worksheet(title)
    bold = workbook.add_format({"bold": True, "bottom": 1})
    percent = workbook.add_format({"num_format": "0.0%"})
    schools = plan.school_ids()
    by_id = {s.school_id: s for s in plan.schools}
    due, moved = plan.due_by_school(), plan.moved_by_school()
    rules = sorted({o.rule for o in plan.obligations})
    met = Counter(o.rule for o in plan.obligations if o.met)
    missed = Counter(o.rule for o in plan.obligations if not o.met)
    headers = {
        DUE_COL: (text["school"], text["due"], text["moved"]),
        KEY_COL: (text["school"], text["before"], text["after"]),
        OBLIGATION_COL: (text["rule"], text["met"], text["missed"]),
    }
    for col, names in headers.items():
        for offset, name in enumerate(names):
            sheet.write_string(TABLE_ROW, col + offset, name, bold)
            sheet.set_column(col + offset, col + offset, max(10, text_width(name) + 2))
    height = max(len(schools), len(rules))
    # Row by row across the three tables, so the sheet also streams in constant_memory mode.
    for index in range(height):
        row = TABLE_ROW + 1 + index
        if index < len(schools):
            school_id = schools[index]
            school = by_id.get(school_id)
            write_text(sheet, row, DUE_COL, school_id)
            sheet.write_number(row, DUE_COL + 1, due[school_id])
            sheet.write_number(row, DUE_COL + 2, moved[school_id])
            write_text(sheet, row, KEY_COL, school_id)
            sheet.write_number(row, KEY_COL + 1, school.key_share_before if school else 0.0, percent)
            sheet.write_number(row, KEY_COL + 2, school.key_share_after if school else 0.0, percent)
        if index < len(rules):
            rule = rules[index]
            write_text(sheet, row, OBLIGATION_COL, rule)
            sheet.write_number(row, OBLIGATION_COL + 1, met[rule])
            sheet.write_number(row, OBLIGATION_COL + 2, missed[rule])
    charts = [
        _chart(workbook, title, text["due_title"], DUE_COL, len(schools), PALETTE_DUE, None),
        _chart(workbook, title, text["key_title"], KEY_COL, len(schools), PALETTE_KEY, "0%"),
        _chart(
            workbook, title, text["obligation_title"], OBLIGATION_COL, len(rules), PALETTE_OBLIGATIONS, None
        ),
    ]
    for index, chart in enumerate(charts):
        sheet.insert_chart(TABLE_ROW + index * 20, CHART_COL, chart)
    return sheet


PALETTE_DUE = ("#e15759", "#59a14f")
PALETTE_KEY = ("#4e79a7", "#f28e2b")
PALETTE_OBLIGATIONS = ("#59a14f", "#e15759")


def _chart(
    workbook: Any,
    sheet: str,
    title: str,
    col: int,
    count: int,
    colors: Sequence[str],
    number_format: str | None,
) -> Any:
    """A clustered column chart of the two value columns right of ``col`` on ``sheet``, ``count`` rows."""
    chart = workbook.add_chart({"type": "column"})
    first, last = TABLE_ROW + 1, TABLE_ROW + max(count, 1)
    for offset, color in zip((1, 2), colors, strict=True):
        chart.add_series(
            {
                "name": [sheet, TABLE_ROW, col + offset],
                "categories": [sheet, first, col, last, col],
                "values": [sheet, first, col + offset, last, col + offset],
                "fill": {"color": color},
            }
        )
    chart.set_title({"name": title})
    if number_format is not None:
        chart.set_y_axis({"num_format": number_format})
    chart.set_size({"width": 720, "height": 380})
    return chart
