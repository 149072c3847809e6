"""Papers for the people and the public: personal notices (个人交流通知书) and the public list (公示名单).

Made from a plan workbook, as the schools' notices are (reports/notices.py), in Chinese whatever the
plan's language, and laid out to print on A4 portrait as they are:

* a personal notice for each new mover, one page each, in one workbook per school they leave:
  name, from, to, the post served at the host (P2), the effective date, the minimum stint and the
  earliest return date (S1), the rule of the move in words (from the rule catalogue), the bureau
  that signs it (the ``bureau_name`` parameter of the plan's run sheet) and a line for the
  person's signature;
* the public list, school by school: name, post, subject and destination only, so no reason of a
  move or an exemption (E4/E5 above all) is ever shown to the public.

Every file is written into a hidden folder beside the others and moved into place only once all are
written, so a failure leaves none of them.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import xlsxwriter

from reports.notices import WORKBOOK_OPTIONS, notice_file_name, write_text
from reports.plan_reader import Assignment, PlanData
from reports.xlsx import A4_PAPER, OutputError, check_output_path, text_width
from rotation.catalogue import CATALOGUE, parse_rule_id
from rotation.dates import whole_years
from rotation.parameters import Parameters, format_value
from rotation.text import Text

PERSONAL_TITLE = "个人交流通知书"
PUBLIC_TITLE = "教师交流轮岗人员公示名单"
PUBLIC_FILE = "公示名单.xlsx"
PUBLIC_HEADERS: tuple[str, ...] = ("姓名", "岗位", "任教学科", "交流学校")
# The personal notice's two columns (label, value) and its width in characters, A4 portrait.
LABEL_WIDTH = 16
VALUE_WIDTH = 62
# Rows of one personal notice, so that each starts a page of its own.
LINE_HEIGHT = 20
PAPER_MARGIN_IN = 0.7


def bureau_of(plan: PlanData) -> str:
    """The bureau named in the plan's run sheet (``bureau_name``), else the parameter's default."""
    value = plan.run.get("bureau_name")
    return str(value).strip() if value is not None and str(value).strip() else Parameters().bureau_name


def _school(school_id: str, names: Mapping[str, str]) -> str:
    name = names.get(school_id)
    return f"{name}（{school_id}）" if name else school_id


def _day(value: date | None) -> str:
    return f"{value.year} 年 {value.month} 月 {value.day} 日" if value is not None else ""


def movers(plan: PlanData) -> list[Assignment]:
    """The plan's new moves (S2 returns home are not rotations), by school left, then staff id."""
    return sorted(plan.moves, key=lambda a: (a.from_school_id, a.staff_id))


# A parameter as a rule's meaning names it, with its default: ``满 teacher_tenure_years（6）年``; and
# one named with the choices it makes: ``（principal_scope：全区或集团内）``.
_PARAMETER_WITH_DEFAULT = re.compile(r"\b([a-z][a-z0-9]*(?:_[a-z0-9]+)+)（([^）]*)）")
_SPACE_BEFORE_PUNCTUATION = re.compile(r" (?=[，。、；：）])")
_PARAMETER_CHOICE = re.compile(r"（[a-z][a-z0-9]*(?:_[a-z0-9]+)+：[^）]*）")


def rule_in_words(code: str, run: Mapping[str, object] | None = None) -> str:
    """The rule a move is made under, as the catalogue words it, for the person who moves: each
    parameter's name and default replaced by the value the plan was made with (its run sheet's, else
    the default): ``T1 教师任教满期：在同一所学校连续任教满 6 年及以上的……``."""
    rule_id = parse_rule_id(code)
    if rule_id is None or rule_id not in CATALOGUE:
        return code
    defaults = Parameters()
    run = run or {}

    def value(match: re.Match[str]) -> str:
        key, shown = match.group(1), match.group(2)
        if not hasattr(defaults, key):
            return match.group(0)
        given = run.get(key)
        used = given if given is not None and str(given).strip() else getattr(defaults, key)
        if shown.endswith("%"):
            try:
                return f"{float(str(used)) * 100:g}% "
            except ValueError:
                return f"{shown} "
        return f"{format_value(used)} "

    words = _PARAMETER_WITH_DEFAULT.sub(value, CATALOGUE[rule_id].describe("zh"))
    words = _SPACE_BEFORE_PUNCTUATION.sub("", _PARAMETER_CHOICE.sub("", words))
    return f"{rule_id} {words}"


def stint_years(move: Assignment) -> int | None:
    """S1's minimum stint of a move in whole years: from the effective date to the earliest return."""
    if move.effective_date is None or move.earliest_return_date is None:
        return None
    return whole_years(move.effective_date, move.earliest_return_date)


# --------------------------------------------------------------------------- personal notices


@dataclass(frozen=True, slots=True)
class PersonalBook:
    """The personal notices of the movers leaving one school: one workbook, a page each."""

    school_id: str
    path: Path
    moves: tuple[Assignment, ...]


def personal_books(plan: PlanData, out_dir: Path, names: Mapping[str, str]) -> list[PersonalBook]:
    by_school: dict[str, list[Assignment]] = {}
    for move in movers(plan):
        by_school.setdefault(move.from_school_id, []).append(move)
    return [
        PersonalBook(school_id, out_dir / _personal_file(school_id, names), tuple(moves))
        for school_id, moves in by_school.items()
    ]


def _personal_file(school_id: str, names: Mapping[str, str]) -> str:
    return f"{PERSONAL_TITLE}-{notice_file_name(school_id, names.get(school_id))}"


def notice_lines(
    move: Assignment, names: Mapping[str, str], run: Mapping[str, object] | None = None
) -> list[tuple[str, str]]:
    """The table of one personal notice: (label, value) rows; ``run``: the plan's run sheet."""
    years = stint_years(move)
    return [
        ("姓名", move.name),
        ("工号", move.staff_id),
        ("原学校", _school(move.from_school_id, names)),
        ("交流学校", _school(move.to_school_id, names)),
        ("现任岗位", move.post.zh if move.post is not None else ""),
        ("挂职岗位", move.host_post.zh if move.host_post is not None else ""),
        ("任教学科", move.subject),
        ("生效日期", _day(move.effective_date)),
        ("最短交流期限", f"{years} 年" if years is not None else ""),
        ("最早返回日期", _day(move.earliest_return_date)),
        ("交流依据", rule_in_words(move.rule, run)),
    ]


def _write_personal(
    book: Any, notices: PersonalBook, names: Mapping[str, str], bureau: str, run: Mapping[str, object]
) -> None:
    title = book.add_format({"bold": True, "font_size": 18, "align": "center", "valign": "vcenter"})
    plain = book.add_format({"text_wrap": True, "valign": "top"})
    quoted = book.add_format({"text_wrap": True, "valign": "top", "quote_prefix": True})
    label = book.add_format({"bold": True, "border": 1, "valign": "vcenter", "bg_color": "#F2F2F2"})
    cell = book.add_format({"border": 1, "text_wrap": True, "valign": "vcenter"})
    cell_quoted = book.add_format({"border": 1, "text_wrap": True, "valign": "vcenter", "quote_prefix": True})
    right = book.add_format({"align": "right"})
    line = book.add_format({"bottom": 1})
    sheet = book.add_worksheet("个人通知书")
    sheet.set_column(0, 0, LABEL_WIDTH)
    sheet.set_column(1, 1, VALUE_WIDTH)
    breaks: list[int] = []
    row = 0
    for index, move in enumerate(notices.moves):
        if index:
            breaks.append(row)
        sheet.set_row(row, 36)
        sheet.merge_range(row, 0, row, 1, PERSONAL_TITLE, title)
        row += 2
        write_text(sheet, row, 0, f"{move.name} 同志：", plain, quoted)
        row += 1
        where = _school(move.to_school_id, names)
        body = (
            f"根据本年度教师交流轮岗方案，经研究决定，你自 {_day(move.effective_date)} 起到 {where} 交流，"
            "请按时到交流学校报到。有关事项如下："
        )
        sheet.merge_range(row, 0, row, 1, body, plain)
        sheet.set_row(row, LINE_HEIGHT * _lines(body, LABEL_WIDTH + VALUE_WIDTH))
        row += 2
        for key, value in notice_lines(move, names, run):
            sheet.write_string(row, 0, key, label)
            write_text(sheet, row, 1, value, cell, cell_quoted)
            sheet.set_row(row, LINE_HEIGHT * _lines(value, VALUE_WIDTH))
            row += 1
        row += 1
        remark = "交流期间人事关系保留在原学校；最短交流期限届满后按规定返回原学校或延长交流。"
        sheet.merge_range(row, 0, row, 1, remark, plain)
        sheet.set_row(row, LINE_HEIGHT * _lines(remark, LABEL_WIDTH + VALUE_WIDTH))
        row += 3
        write_text(sheet, row, 1, f"{bureau}（盖章）", right, right)
        row += 1
        sheet.write_string(row, 1, "年    月    日", right)
        row += 3
        sheet.write_string(row, 0, "本人签收：")
        sheet.write_blank(row, 1, None, line)
        row += 2
        sheet.write_string(row, 0, "签收日期：")
        sheet.write_blank(row, 1, None, line)
        row += 2
    sheet.set_h_pagebreaks(breaks)
    _a4_portrait(sheet)
    sheet.set_footer(f"&C{_header_text(bureau)} {PERSONAL_TITLE}")


def _lines(text: str, width: int) -> int:
    """How many printed lines ``text`` takes in a column ``width`` characters wide."""
    return max(1, -(-text_width(text) // width))


def _header_text(text: str) -> str:
    # In Excel's header/footer codes a lone & starts a code; && is a literal ampersand.
    return text.replace("&", "&&")


def _a4_portrait(sheet: Any) -> None:
    sheet.set_paper(A4_PAPER)
    sheet.set_portrait()
    sheet.set_margins(left=PAPER_MARGIN_IN, right=PAPER_MARGIN_IN)
    sheet.fit_to_pages(1, 0)
    sheet.center_horizontally()


# --------------------------------------------------------------------------- the public list


def public_rows(
    plan: PlanData, names: Mapping[str, str]
) -> list[tuple[str, list[tuple[str, str, str, str]]]]:
    """The public list, school by school: (school, [(name, post, subject, destination)]); nothing
    else of a person is on it."""
    by_school: dict[str, list[tuple[str, str, str, str]]] = {}
    for move in movers(plan):
        post = move.post.zh if move.post is not None else ""
        by_school.setdefault(move.from_school_id, []).append(
            (move.name, post, move.subject, _school(move.to_school_id, names))
        )
    return [(_school(school_id, names), rows) for school_id, rows in by_school.items()]


def _write_public(book: Any, plan: PlanData, names: Mapping[str, str], bureau: str) -> None:
    title = book.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
    heading = book.add_format({"bold": True, "border": 1, "bg_color": "#D9E1F2"})
    header = book.add_format({"bold": True, "border": 1, "align": "center", "bg_color": "#F2F2F2"})
    cell = book.add_format({"border": 1, "text_wrap": True, "valign": "vcenter"})
    quoted = book.add_format({"border": 1, "text_wrap": True, "valign": "vcenter", "quote_prefix": True})
    plain = book.add_format({"text_wrap": True, "valign": "top"})
    right = book.add_format({"align": "right"})
    sheet = book.add_worksheet("公示名单")
    widths = [14, 12, 12, 44]
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    last = len(PUBLIC_HEADERS) - 1
    when = plan.effective_date
    year = f"{when.year}年" if when is not None else ""
    sheet.set_row(0, 30)
    sheet.merge_range(0, 0, 0, last, f"{bureau}{year}{PUBLIC_TITLE}", title)
    intro = (
        f"现将{year}教师交流轮岗人员名单予以公示（生效日期：{_day(when)}）。"
        f"公示期间如有异议，请向{bureau}反映。"
    )
    sheet.merge_range(1, 0, 1, last, intro, plain)
    sheet.set_row(1, LINE_HEIGHT * _lines(intro, sum(widths)))
    for col, text in enumerate(PUBLIC_HEADERS):
        sheet.write_string(2, col, text, header)
    row = 2
    total = 0
    for school, rows in public_rows(plan, names):
        row += 1
        sheet.merge_range(row, 0, row, last, f"{school}（{len(rows)} 人）", heading)
        for cells in rows:
            row += 1
            total += 1
            for col, value in enumerate(cells):
                write_text(sheet, row, col, value, cell, quoted)
    if total == 0:
        row += 1
        sheet.merge_range(row, 0, row, last, "本年度无交流人员。", cell)
    row += 2
    sheet.write_string(row, 0, f"共 {total} 人。")
    row += 2
    write_text(sheet, row, last, bureau, right, right)
    sheet.write_string(row + 1, last, "年    月    日", right)
    _a4_portrait(sheet)
    sheet.repeat_rows(2)
    sheet.set_footer(f"&C{_header_text(bureau)} {PUBLIC_TITLE}  第 &P 页，共 &N 页")


# --------------------------------------------------------------------------- writing all or nothing

Writer = Callable[[Any], None]


def write_papers(
    plan: PlanData,
    out_dir: Path,
    names: Mapping[str, str] | None = None,
    *,
    personal: bool,
    public: bool,
    force: bool,
    protect: Sequence[Path] = (),
) -> list[Path]:
    """Write the personal notices and/or the public list into ``out_dir``; the paths written.

    Every target is checked first; all are written into a hidden folder inside ``out_dir`` and moved
    into place only when every one is complete, so a refusal or a failure leaves none of them.
    """
    names = dict(names or {})
    bureau = bureau_of(plan)
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(
            Text(
                f"{out_dir}: is a file, not a directory for the papers",
                f"{out_dir}：是文件，不是存放文书的文件夹",
            )
        )
    jobs: list[tuple[Path, Writer]] = []
    if personal:
        jobs.extend(
            (book.path, partial(_write_personal, notices=book, names=names, bureau=bureau, run=plan.run))
            for book in personal_books(plan, out_dir, names)
        )
    if public:
        jobs.append((out_dir / PUBLIC_FILE, partial(_write_public, plan=plan, names=names, bureau=bureau)))
    for path, _ in jobs:
        check_output_path(path, force=force, protect=protect)
    _all_or_nothing(out_dir, jobs)
    return [path for path, _ in jobs]


def _all_or_nothing(out_dir: Path, jobs: Sequence[tuple[Path, Writer]]) -> None:
    """Each job's workbook written into a hidden folder of ``out_dir``, then every one moved into place."""
    staging = out_dir / f".papers.{secrets.token_hex(4)}.tmp"
    try:
        staging.mkdir(parents=True)
        for path, write in jobs:
            with xlsxwriter.Workbook(str(staging / path.name), WORKBOOK_OPTIONS) as book:
                write(book)
        for path, _ in jobs:
            os.replace(staging / path.name, path)
    except OSError as error:
        raise OutputError(
            Text(f"{out_dir}: cannot be written ({error})", f"{out_dir}：无法写入（{error}）")
        ) from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)
