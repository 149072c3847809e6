"""Printable per-school notices (交流轮岗通知): who leaves, who arrives, from and to where, and the
post each will serve at the host (挂职岗位, P2; blank on a return home).

One workbook per school of the plan, in Chinese whatever the plan's language, set up for
A4 landscape with the table header repeated on every page, the school's name in the page
header and page numbers in the footer, and signature lines for the principal. Under the
table, each code of the 依据 column is explained (from the rule catalogue); a 说明 sheet
lists every code the notice shows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import xlsxwriter

from reports.legend import legend_sheet
from reports.plan_reader import Assignment, PlanData
from reports.xlsx import (
    A4_PAPER,
    IN_MEMORY,
    SheetData,
    add_sheet,
    atomic_folder,
    check_path_length,
    looks_like_formula,
    text_width,
)
from rotation.catalogue import CATALOGUE, codes_in

# Text stays text: no formulas, numbers or links made from what the plan says.
WORKBOOK_OPTIONS = {
    **IN_MEMORY,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}
TITLE = "教师交流轮岗人员通知"
HEADERS: tuple[str, ...] = (
    "类别",
    "工号",
    "姓名",
    "岗位",
    "挂职岗位",
    "任教学科",
    "原学校",
    "交流学校",
    "依据",
    "生效日期",
    "最早返回日期",
)
LEAVING = "调出"
ARRIVING = "调入"
RETURNING_HOME = "期满返回"
SIGNATURES: tuple[str, ...] = ("校长签字：", "日期：", "盖章：")
RULE_COLUMN = HEADERS.index("依据")
CODES_HEADING = "“依据”栏代码说明："
# Points per printed line of a wrapped legend row: Excel does not grow a merged row to fit its text.
LINE_HEIGHT = 15
HEADER_ROW = 3  # zero-based: title, school, blank line, then the table
# Characters Windows and macOS refuse (or misread) in a file name.
_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
# Names Windows keeps for devices, whatever follows the first dot (CON.xlsx is the console).
_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)), *(f"LPT{n}" for n in range(1, 10))]
)
# Characters of a notice's name before .xlsx: 80 Chinese characters are 240 bytes, within the 255
# a name may have, and leave room for the folder on Windows (260 characters in all).
MAX_STEM = 80


@dataclass(frozen=True, slots=True)
class Notice:
    """One school's notice: the file it goes to and its rows (leaving first, then arriving)."""

    school_id: str
    school_name: str | None
    path: Path
    leaving: tuple[Assignment, ...]
    arriving: tuple[Assignment, ...]

    @property
    def title_name(self) -> str:
        return self.school_name or self.school_id


def notice_file_name(school_id: str, school_name: str | None, suffix: str = "") -> str:
    """``<school_id>-<school name>.xlsx``, or ``<school_id>.xlsx`` without a name, safe on every system:
    unsafe characters as _, a Windows device name (CON, NUL, …) prefixed with _, the name part cut
    so that the stem has at most MAX_STEM characters; ``suffix`` tells apart names that would
    collide."""
    school_id = _UNSAFE_IN_NAME.sub("_", school_id).strip(" .")[:MAX_STEM] or "_"
    stem = school_id
    if school_name:
        room = MAX_STEM - len(school_id) - len(suffix) - 1
        name = _UNSAFE_IN_NAME.sub("_", school_name).strip(" .")[: max(room, 0)].rstrip(" .")
        stem = f"{school_id}-{name}" if name else school_id
    stem = stem[: MAX_STEM - len(suffix)] + suffix
    if stem.split(".", 1)[0].rstrip(" ").upper() in _RESERVED:
        stem = f"_{stem}"
    return stem + ".xlsx"


def plan_notices(plan: PlanData, out_dir: Path, names: Mapping[str, str] | None = None) -> list[Notice]:
    """A notice for every school of the plan, even one nobody leaves or joins: it learns that too.

    Two schools whose file names differ only by case (ids a1 and A1) would be one file on Windows
    and macOS: the later ones get `` (2)``, `` (3)`` … in school order.
    """
    names = names or {}
    notices = []
    taken: set[str] = set()
    for school_id in plan.school_ids():
        name = names.get(school_id)
        file_name = notice_file_name(school_id, name)
        count = 1
        while file_name.casefold() in taken:
            count += 1
            file_name = notice_file_name(school_id, name, f" ({count})")
        taken.add(file_name.casefold())
        notices.append(
            Notice(
                school_id,
                name,
                out_dir / file_name,
                tuple(a for a in plan.assignments if a.from_school_id == school_id),
                tuple(a for a in plan.assignments if a.to_school_id == school_id),
            )
        )
    return notices


def write_notices(
    plan: PlanData,
    out_dir: Path,
    names: Mapping[str, str] | None = None,
    *,
    force: bool,
    protect: Sequence[Path] = (),
) -> list[Path]:
    """Write every school's notice into ``out_dir`` as one set; the paths written, in school order.

    The set is written into a hidden folder beside ``out_dir`` and moved into place whole, so a
    refusal, a failure or a signal leaves no partial set; over an older set (``force``) the old set
    is replaced whole, never mixed with the new. Every name and path is checked before anything is
    written. A folder holding anything but .xlsx files is never replaced.
    """
    notices = plan_notices(plan, out_dir, names)
    for notice in notices:
        check_path_length(notice.path)
    label = dict(names or {})
    with atomic_folder(out_dir, force=force, protect=protect) as staging:
        for notice in notices:
            with xlsxwriter.Workbook(str(staging / notice.path.name), WORKBOOK_OPTIONS) as workbook:
                _write_notice(workbook, notice=notice, plan=plan, names=label)
    return [n.path for n in notices]


def write_text(
    worksheet: Any, row: int, col: int, text: str, cell_format: Any = None, quoted: Any = None
) -> None:
    """Text as text, never a formula; formula-like text also gets the quote prefix (see reports.xlsx)."""
    worksheet.write_string(
        row, col, text, quoted if quoted is not None and looks_like_formula(text) else cell_format
    )


def _header_text(text: str) -> str:
    # In Excel's header/footer codes a lone & starts a code; && is a literal ampersand.
    return text.replace("&", "&&")


def _school_label(school_id: str, names: Mapping[str, str]) -> str:
    name = names.get(school_id)
    return f"{school_id} {name}" if name else school_id


def _row(kind: str, move: Assignment, names: Mapping[str, str]) -> tuple[str, ...]:
    def day(value: date | None) -> str:
        return value.isoformat() if value is not None else ""

    return (
        kind,
        move.staff_id,
        move.name,
        move.post.zh if move.post is not None else "",
        move.host_post.zh if move.host_post is not None else "",
        move.subject,
        _school_label(move.from_school_id, names),
        _school_label(move.to_school_id, names),
        move.rule,
        day(move.effective_date),
        day(move.earliest_return_date),
    )


def _write_notice(book: Any, *, notice: Notice, plan: PlanData, names: Mapping[str, str]) -> None:
    title_style = {"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"}
    title = book.add_format(title_style)
    title_quoted = book.add_format({**title_style, "quote_prefix": True})
    plain = book.add_format({"border": 1, "valign": "vcenter", "text_wrap": True})
    quoted = book.add_format({"border": 1, "valign": "vcenter", "text_wrap": True, "quote_prefix": True})
    header = book.add_format({"bold": True, "border": 1, "bg_color": "#D9E1F2", "align": "center"})
    note = book.add_format({"italic": True})
    sheet = book.add_worksheet("通知")
    last_col = len(HEADERS) - 1
    heading = f"{notice.title_name} {TITLE}"
    # A school name of =… or @… stays text when the title cell is edited, like every other cell.
    sheet.merge_range(0, 0, 0, last_col, heading, title_quoted if looks_like_formula(heading) else title)
    when = plan.effective_date.isoformat() if plan.effective_date is not None else ""
    write_text(sheet, 1, 0, f"学校：{_school_label(notice.school_id, names)}    生效日期：{when}")
    widths = [text_width(h) for h in HEADERS]
    for col, text in enumerate(HEADERS):
        sheet.write_string(HEADER_ROW, col, text, header)
    # An S2 return is a departure for one school and an arrival for the other: say which, and why.
    rows = [(f"{LEAVING}（{RETURNING_HOME}）" if m.is_return else LEAVING, m) for m in notice.leaving] + [
        (f"{ARRIVING}（{RETURNING_HOME}）" if m.is_return else ARRIVING, m) for m in notice.arriving
    ]
    table = [_row(kind, move, names) for kind, move in rows]
    row = HEADER_ROW
    for cells in table:
        row += 1
        for col, text in enumerate(cells):
            write_text(sheet, row, col, text, plain, quoted)
            widths[col] = max(widths[col], text_width(text))
    if not rows:
        row += 1
        sheet.merge_range(row, 0, row, last_col, "本年度本校无人员调出或调入。", plain)
    row += 1
    write_text(sheet, row, 0, f"调出 {len(notice.leaving)} 人，调入 {len(notice.arriving)} 人。", note)
    row = _write_codes(book, sheet, row, [cells[RULE_COLUMN] for cells in table], widths)
    # Signature lines: label, then an underlined blank, spaced across the width.
    row += 3
    line = book.add_format({"bottom": 1})
    for index, label in enumerate(SIGNATURES):
        col = index * 3 + 1
        sheet.write_string(row, col, label)
        sheet.write_blank(row, col + 1, None, line)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(width + 2, 40))
    sheet.set_paper(A4_PAPER)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    # The title rows and the table header come back on every printed page.
    sheet.repeat_rows(0, HEADER_ROW)
    sheet.set_header(f"&C{_header_text(notice.title_name)} 交流轮岗通知")
    sheet.set_footer(f"&L{_header_text(notice.title_name)}&R第 &P 页，共 &N 页")
    add_sheet(book, legend_sheet([SheetData(sheet.name, HEADERS, table)], "zh"))


def notice_codes(rules: Sequence[str]) -> list[str]:
    """The lines explaining each code of a notice's 依据 column: ``T1 教师任教满期：……``."""
    return [f"{code} {CATALOGUE[code].describe('zh')}" for code in codes_in(rules)]


def _write_codes(book: Any, sheet: Any, row: int, rules: Sequence[str], widths: Sequence[int]) -> int:
    """The codes of the 依据 column explained below ``row``, each line across the page; the last row used.

    The lines are as wide as the printed table, so their height is set from the text's width.
    """
    lines = notice_codes(rules)
    if not lines:
        return row
    row += 2
    sheet.write_string(row, 0, CODES_HEADING, book.add_format({"bold": True}))
    wrapped = book.add_format({"text_wrap": True, "valign": "top"})
    last_col = len(HEADERS) - 1
    across = sum(min(width + 2, 40) for width in widths)
    for line in lines:
        row += 1
        sheet.merge_range(row, 0, row, last_col, line, wrapped)
        sheet.set_row(row, LINE_HEIGHT * (text_width(line) // across + 1))
    return row
