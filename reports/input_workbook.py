"""Input workbooks in the contract's format (workbook-format.md): a blank template and a filled roster.

Both are laid out from rotation/workbook/schema.py, so the template, the sample data and
the loader agree on every sheet, column and code. Each sheet has a bold frozen
header (required columns highlighted), a dropdown on every code and yes/no
column (and on the pins' kind), dates formatted as dates and identifiers stored as text.

The template also explains itself: its 说明 (``instructions``) sheet describes every sheet and
column, points to docs/rules.md and explains the codes it uses; its 参数 sheet lists every
parameter with its default, the rules it belongs to and their meaning, the value left blank
(a blank value keeps the default).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import xlsxwriter

from reports.labels import check_language, yes_no
from reports.legend import LEGEND_HEADERS, RULES_DOC, legend_entries, parameter_notes
from reports.xlsx import A4_PAPER, DATE_FORMAT, atomic_output, looks_like_formula, text_width
from rotation.codes import Coded, Role
from rotation.domain import PinKind, Roster, StaffMember
from rotation.parameters import format_value
from rotation.workbook.schema import (
    GROUPS,
    HISTORY,
    INPUT_SHEETS,
    PARAMETERS,
    PINS,
    SCHOOLS,
    STAFF,
    SUBJECT_MINIMUMS,
    TEMPLATE_NOTE_COLUMNS,
    TEMPLATE_SHEETS,
    Column,
    Kind,
    Sheet,
)

# Dropdowns and formats reach this far down a sheet even when it holds fewer rows.
VALIDATED_ROWS = 50_000
# Identifiers that Excel would otherwise read as numbers, dropping their leading zeros.
ID_COLUMNS: frozenset[str] = frozenset(
    {"staff_id", "school_id", "home_school_id", "id_number", "to_school_id", "pref_1", "pref_2", "pref_3"}
)
REQUIRED_FILL = "#FCE4D6"
_PIN_KIND_ZH: dict[PinKind, str] = {PinKind.MUST: "必须", PinKind.NEVER: "禁止", PinKind.STAY: "留任"}
# The template's own sheet: instructions, then the legend of the codes it uses (the loader passes over it).
INSTRUCTIONS = next(sheet for sheet in TEMPLATE_SHEETS if sheet.key == "instructions")
PARAMETER_NOTES = TEMPLATE_NOTE_COLUMNS[PARAMETERS.key]
# Columns of sentences, wrapped at this width.
NOTE_WIDTH = 70
_KIND_WIDTH: dict[Kind, int] = {
    Kind.TEXT: 14,
    Kind.CODE: 10,
    Kind.INT: 10,
    Kind.NUMBER: 11,
    Kind.BOOL: 8,
    Kind.DATE: 12,
}

Row = Mapping[str, object]


@dataclass(frozen=True, slots=True)
class _Table:
    """A sheet to write: its rows by column key; ``notes`` are columns for the reader after the contract's."""

    sheet: Sheet
    rows: Sequence[Row]
    notes: tuple[Column, ...] = ()

    @property
    def columns(self) -> tuple[Column, ...]:
        return (*self.sheet.columns, *self.notes)


def write_template(path: Path, lang: str, force: bool = False) -> None:
    """A blank input workbook: the 说明 (instructions) sheet, then every input sheet with its headers,
    the 参数 sheet listing every parameter with a blank value.

    Raises OutputExistsError when ``path`` exists and ``force`` is false.
    """
    check_language(lang)
    tables = [_template_table(sheet, lang) for sheet in INPUT_SHEETS]
    _write(path, lang, tables, instructions=True, force=force)


def _template_table(sheet: Sheet, lang: str) -> _Table:
    if sheet is not PARAMETERS:
        return _Table(sheet, ())
    return _Table(PARAMETERS, template_parameter_rows(lang), PARAMETER_NOTES)


def template_parameter_rows(lang: str) -> list[Row]:
    """The template's 参数 rows: every parameter by name, value blank, default, rules and meaning."""
    return [
        {
            "key": note.name,
            "default": note.default.pick(lang) or None,
            "rules": _SEPARATOR[lang].join(note.rules) or None,
            "meaning": note.meaning.pick(lang),
            "allowed": note.allowed,
        }
        for note in parameter_notes()
    ]


def write_input_workbook(
    path: Path,
    roster: Roster,
    lang: str = "zh",
    parameters: Mapping[str, object] | None = None,
    force: bool = False,
) -> None:
    """``roster`` as a filled input workbook that the loader reads back to the same roster.

    ``subject_minimums`` is written only when the roster has one (an empty sheet would
    mean "no minimums" rather than "nothing drops to zero"), ``parameters`` only when
    given, ``pins`` only when there are any. Codes are written in ``lang``. The roster
    holds no identity numbers, so ``id_number`` stays blank. Raises OutputExistsError
    when ``path`` exists and ``force`` is false.
    """
    check_language(lang)
    tables = [
        _Table(SCHOOLS, _school_rows(roster)),
        _Table(GROUPS, _group_rows(roster)),
        _Table(STAFF, [_staff_row(member) for member in roster.staff]),
        _Table(HISTORY, _history_rows(roster.staff)),
    ]
    if roster.subject_minimums is not None:
        tables.append(_Table(SUBJECT_MINIMUMS, _minimum_rows(roster)))
    if parameters is not None:
        tables.append(_Table(PARAMETERS, _parameter_rows(parameters)))
    if roster.pins:
        tables.append(_Table(PINS, _pin_rows(roster, lang)))
    _write(path, lang, tables, instructions=False, force=force)


# --- Rows of a roster ----------------------------------------------------------------------------------


def _school_rows(roster: Roster) -> list[Row]:
    return [
        {
            "school_id": s.school_id,
            "name": s.name,
            "stage": s.stage,
            "area": s.area,
            "category": s.category,
            "students": s.students,
            "staff_quota": s.staff_quota,
            "small_school": s.small_school,
            "latitude": s.latitude,
            "longitude": s.longitude,
        }
        for s in roster.schools.values()
    ]


def _group_rows(roster: Roster) -> list[Row]:
    return [
        {
            "group_id": group.group_id,
            "group_name": group.name,
            "kind": group.kind,
            "school_id": school_id,
            "role": Role.LEAD if school_id == group.lead else Role.MEMBER,
        }
        for group in roster.groups.values()
        for school_id in group.school_ids
    ]


def _staff_row(m: StaffMember) -> Row:
    preferences = dict(zip(("pref_1", "pref_2", "pref_3"), m.preferences, strict=False))
    return {
        "staff_id": m.staff_id,
        "name": m.name,
        "gender": m.gender,
        "birth_date": m.birth_date,
        "school_id": m.school_id,
        "home_school_id": m.home_school_id,
        "school_start_date": m.school_start_date,
        "post": m.post,
        "post_start_date": m.post_start_date,
        "subject": m.subject,
        "band": m.band,
        "honor": m.honor if m.is_key_teacher else None,
        "senior3": m.senior3,
        "pregnant_or_nursing": m.pregnant_or_nursing,
        "child_birth_date": m.child_birth_date,
        "medical_exemption": m.medical_exemption,
        "project_lead_approved": m.project_lead_approved,
        "other_schools_3y": m.other_schools_3y,
        "rural_years": m.rural_years,
        "exchange_start_date": m.exchange_start_date,
        "volunteer": m.volunteer,
        "override": m.override,
        **preferences,
    }


def _history_rows(staff: Iterable[StaffMember]) -> list[Row]:
    return [
        {
            "staff_id": m.staff_id,
            "school_name": entry.school_name,
            "area": entry.area,
            "start_date": entry.start_date,
            "end_date": entry.end_date,
        }
        for m in staff
        for entry in m.history
    ]


def _minimum_rows(roster: Roster) -> list[Row]:
    return [
        {"school_id": m.school_id, "subject": m.subject, "band": m.band, "min_teachers": m.min_teachers}
        for m in roster.subject_minimums or ()
    ]


def _parameter_rows(parameters: Mapping[str, object]) -> list[Row]:
    def cell(value: object) -> object:
        # Dates and numbers stay typed so that Excel shows them as such; lists of rules become text.
        plain = isinstance(value, str | date) or (
            isinstance(value, int | float) and not isinstance(value, bool)
        )
        return value if plain else format_value(value)

    return [{"key": key, "value": cell(value)} for key, value in parameters.items()]


def _pin_rows(roster: Roster, lang: str) -> list[Row]:
    return [
        {
            "staff_id": pin.staff_id,
            "to_school_id": pin.to_school_id,
            "kind": _PIN_KIND_ZH[pin.kind] if lang == "zh" else pin.kind.value,
        }
        for pin in roster.pins
    ]


# --- Writing -------------------------------------------------------------------------------------------


class _Formats:
    def __init__(self, workbook: Any) -> None:
        self.header = workbook.add_format({"bold": True, "bottom": 1})
        self.required_header = workbook.add_format({"bold": True, "bottom": 1, "bg_color": REQUIRED_FILL})
        self.date = workbook.add_format({"num_format": DATE_FORMAT})
        self.text = workbook.add_format({"num_format": "@"})
        self.quoted = workbook.add_format({"quote_prefix": True})
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.bold = workbook.add_format({"bold": True})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})

    def for_column(self, column: Column) -> Any:
        """The format of a column's cells, or None: dates as dates, identifiers as text."""
        if column.kind is Kind.DATE:
            return self.date
        if column.key in ID_COLUMNS:
            return self.text
        return None


def _write(path: Path, lang: str, tables: Sequence[_Table], *, instructions: bool, force: bool) -> None:
    """Write the workbook to a temporary file beside ``path``, then rename it into place."""
    # Rows go out in order, so each sheet streams through a file of $TMPDIR instead of building up in
    # memory (a generated city: 90 MB instead of 230): what this writes is a generated district or a
    # blank template, no one's personal data, which the other writers keep in memory (reports.xlsx).
    options = {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    with (
        atomic_output(path, force=force) as temporary,
        xlsxwriter.Workbook(str(temporary), options) as workbook,
    ):
        formats = _Formats(workbook)
        if instructions:
            _write_instructions(workbook.add_worksheet(INSTRUCTIONS.label(lang)), lang, tables, formats)
        for table in tables:
            _write_table(workbook.add_worksheet(table.sheet.label(lang)), table, lang, formats)


def _write_table(worksheet: Any, table: _Table, lang: str, formats: _Formats) -> None:
    columns = table.columns
    styles = [formats.wrap if column in table.notes else formats.for_column(column) for column in columns]
    last_row = max(VALIDATED_ROWS, len(table.rows))
    for col, column in enumerate(columns):
        header = column.label(lang)
        worksheet.write_string(0, col, header, formats.required_header if column.required else formats.header)
        width = max(
            text_width(header) + 2, _KIND_WIDTH[column.kind], _dropdown_width(table.sheet, column, lang)
        )
        if table.notes:  # a short listing (the parameters): as wide as its longest cell, sentences wrapped
            longest = max((text_width(str(row.get(column.key) or "")) + 2 for row in table.rows), default=0)
            width = min(max(width, longest), NOTE_WIDTH)
        worksheet.set_column(col, col, width, styles[col])
        choices = dropdown_values(table.sheet, column, lang)
        if choices:
            worksheet.data_validation(1, col, last_row, col, _list_validation(choices, lang))
    worksheet.freeze_panes(1, 0)
    for row_number, row in enumerate(table.rows, start=1):
        _write_row(worksheet, row_number, [row.get(column.key) for column in columns], styles, lang, formats)
    if table.rows:
        worksheet.autofilter(0, 0, len(table.rows), len(columns) - 1)


def _write_row(
    worksheet: Any, row: int, values: Sequence[object], styles: Sequence[Any], lang: str, formats: _Formats
) -> None:
    """One row by type, never through xlsxwriter's guessing write(); codes and yes in ``lang``.

    No, like no honor, is a blank cell, as the contract allows: it keeps the yes cells easy to
    spot, and a city's staff sheet half as large and twice as fast to write.
    """
    for col, value in enumerate(values):
        if value is None:
            continue
        if isinstance(value, Coded):
            worksheet.write_string(row, col, value.label(lang), styles[col])
        elif isinstance(value, str):
            style = styles[col]
            if style is None and looks_like_formula(value):
                style = formats.quoted
            worksheet.write_string(row, col, value, style)
        elif isinstance(value, bool):
            if value:
                worksheet.write_string(row, col, yes_no(value, lang), styles[col])
        elif isinstance(value, int | float):
            worksheet.write_number(row, col, value, styles[col])
        elif isinstance(value, date):
            worksheet.write_datetime(row, col, value, formats.date)
        else:
            raise TypeError(f"row {row}, column {col}: cannot write a {type(value).__name__} ({value!r})")


def dropdown_values(sheet: Sheet, column: Column, lang: str) -> list[str]:
    """The values a column's dropdown offers in ``lang``; none for free text, numbers and dates."""
    if column.kind is Kind.BOOL:
        return [yes_no(True, lang), yes_no(False, lang)]
    if column.kind is Kind.CODE and column.codes is not None:
        return [code.label(lang) for code in column.codes]
    if sheet is PINS and column.key == "kind":
        return [_PIN_KIND_ZH[kind] if lang == "zh" else kind.value for kind in PinKind]
    return []


def _dropdown_width(sheet: Sheet, column: Column, lang: str) -> int:
    return max((text_width(value) + 3 for value in dropdown_values(sheet, column, lang)), default=0)


def _list_validation(choices: list[str], lang: str) -> dict[str, object]:
    # A warning rather than a stop: the loader also accepts the other language and y/n, 1/0, √.
    message = _TEXT[lang]["allowed"] + _SEPARATOR[lang].join(choices)
    return {
        "validate": "list",
        "source": choices,
        "ignore_blank": True,
        "error_type": "warning",
        "error_title": _TEXT[lang]["unexpected"],
        "error_message": message,
    }


# --- The instructions sheet ----------------------------------------------------------------------------

_SEPARATOR: dict[str, str] = {"zh": "、", "en": ", "}

_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "教师交流轮岗 输入工作簿 填写说明",
        "allowed": "可填：",
        "unexpected": "非下拉列表中的值",
        "required": "必填",
        "optional": "选填",
        "required_sheet": "必需",
        "optional_sheet": "可选",
        "id": "以文本保存，保留前导零",
        "codes": f"代码说明（完整规则见 {RULES_DOC}）",
    },
    "en": {
        "title": "Teacher rotation input workbook: how to fill it in",
        "allowed": "Allowed: ",
        "unexpected": "Value not in the list",
        "required": "required",
        "optional": "optional",
        "required_sheet": "required sheet",
        "optional_sheet": "optional sheet",
        "id": "stored as text, leading zeros kept",
        "codes": f"The codes used here (every rule in full: {RULES_DOC})",
    },
}

_GENERAL_NOTES: dict[str, tuple[str, ...]] = {
    "zh": (
        "工作表可用中文名或英文键命名；列标题也可用中文名或英文键，不区分大小写。多余的工作表和列会被忽略。",
        "标题底色为橙色的列为必填列；标题行之上可以有标题行或空行。",
        "代码列可填中文或英文代码，下拉列表给出中文取值。",
        "日期请填 Excel 日期，或 2019-09-01、2019/9/1、2019.09.01、2019年9月1日；"
        "年月（2019-09、2019年9月）表示该月1日。纯数字不是日期。",
        "是/否列也接受 yes/no、y/n、true/false、1/0、√/空白；空白表示否。",
        "“参数”表列出全部参数及其默认值和含义；“值”留空即按默认值，填写即覆盖默认值。",
        "规则编号（T1、E2、G3、C4 等）的含义见本表末尾的代码说明；"
        f"全部规则、默认参数和政策出处见项目中的 {RULES_DOC}。",
    ),
    "en": (
        "Sheets may be named by their English key or Chinese name; so may columns, ignoring case. "
        "Extra sheets and columns are ignored.",
        "Columns with an orange header are required; a title row or blank rows above the header are allowed.",
        "Code columns take the English key or the Chinese name; the dropdowns offer the English keys.",
        "Dates: a real Excel date, or text 2019-09-01, 2019/9/1, 2019.09.01, 2019年9月1日; a year-month "
        "(2019-09) means the first of that month. A bare number is not a date.",
        "Yes/no columns also accept 是/否, y/n, true/false, 1/0, √/blank; blank means no.",
        "The parameters sheet lists every parameter with its default and meaning; a blank value keeps the "
        "default, a value overrides it.",
        "Rule IDs (T1, E2, G3, C4 …) are explained at the end of this sheet; every rule with its default "
        f"parameters and policy source is in {RULES_DOC} in the project.",
    ),
}

_SHEET_NOTES: dict[str, dict[str, str]] = {
    "zh": {
        "schools": "每所学校一行。",
        "groups": "每个学校在每个集团中的成员关系一行；紧密型集团、乡镇一体化联盟和领航共建"
        "各有一所牵头（中心）学校（领航共建全部为幼儿园），高中结对恰好两所学校，城乡联盟至少一所城区学校和一所镇区或乡村学校。",
        "staff": "每名教职工一行。性别和出生日期可由身份证号代替；校长、副校长须填任现职时间；"
        "交流中（人事关系学校不同于学校代码）须填交流开始时间；任教学科和学段仅校长、副校长可空。",
        "history": "在其他学校的工作经历（结束时间不含当日），用于 E6；"
        "填写了其他学校满3年数或农村学校工作年限时以其为准。",
        "subject_minimums": "C1 学科最低配置：有此表时只按表中各行检查；无此表时任何学校现有学科不得减为零。",
        "parameters": f"全部参数已列出：“值”留空即按默认值，填写即覆盖（含义见右侧各列及 {RULES_DOC}）；"
        "命令行参数优先于本表。",
        "pins": (
            "规划人员指定的调动：类型为 必须（must）、禁止（never）或 留任（stay，交流学校代码留空），"
            "可从下拉列表选择。"
        ),
    },
    "en": {
        "schools": "One row per school.",
        "groups": "One row per membership of a school in a group. A tight group, a township alliance and a "
        "kindergarten alliance have exactly one lead (central) school (a kindergarten alliance only "
        "kindergartens); a high-school pair has exactly two schools; an alliance has at least one urban and "
        "one town or rural school.",
        "staff": "One row per staff member. gender and birth_date may be left blank when id_number is "
        "given; post_start_date is required for principals and vice principals, exchange_start_date "
        "while on exchange (home_school_id differs from school_id); subject and band may be blank only "
        "for a principal or vice principal.",
        "history": "Past work at other schools (end_date exclusive), used by E6; a filled-in "
        "other_schools_3y or rural_years cell wins over the history.",
        "subject_minimums": "C1 minimum staffing per subject: when this sheet is present only its rows "
        "apply; without it no subject a school teaches today may drop to zero.",
        "parameters": "Every parameter is listed: a blank value keeps the default, a value overrides it "
        f"(meaning in the columns beside and in {RULES_DOC}); a CLI flag overrides this sheet.",
        "pins": "A planner's decisions: kind must, never or stay (school left blank), from the dropdown.",
    },
}

_INSTRUCTION_HEADERS: dict[str, tuple[str, ...]] = {
    "zh": ("工作表", "列名", "英文键", "是否必填", "类型", "可填的值 / 格式"),
    "en": ("sheet", "column", "Chinese name", "required", "type", "allowed values / format"),
}

_KIND_TEXT: dict[str, dict[Kind, str]] = {
    "zh": {
        Kind.TEXT: "文本",
        Kind.CODE: "代码",
        Kind.INT: "整数",
        Kind.NUMBER: "数值",
        Kind.BOOL: "是/否",
        Kind.DATE: "日期",
    },
    "en": {
        Kind.TEXT: "text",
        Kind.CODE: "code",
        Kind.INT: "whole number",
        Kind.NUMBER: "number",
        Kind.BOOL: "yes/no",
        Kind.DATE: "date",
    },
}


@dataclass(frozen=True, slots=True)
class InstructionRow:
    """A row of the instructions sheet: a sheet's heading, or one of its columns."""

    cells: tuple[str, ...]
    heading: bool = False


def instruction_rows(lang: str) -> list[InstructionRow]:
    """The instructions table: per input sheet a heading row, then one row per column, from the schema."""
    text = _TEXT[lang]
    other = "en" if lang == "zh" else "zh"
    rows: list[InstructionRow] = []
    for sheet in INPUT_SHEETS:
        status = text["required_sheet"] if sheet.required else text["optional_sheet"]
        note = _SHEET_NOTES[lang].get(sheet.key, "")
        rows.append(
            InstructionRow((f"{sheet.label(lang)} ({sheet.label(other)})", status, "", "", "", note), True)
        )
        for column in sheet.columns:
            cells = (
                sheet.label(lang),
                column.label(lang),
                column.label(other),
                text["required"] if column.required else text["optional"],
                _KIND_TEXT[lang][column.kind],
                _allowed_text(sheet, column, lang),
            )
            rows.append(InstructionRow(cells))
    return rows


def _allowed_text(sheet: Sheet, column: Column, lang: str) -> str:
    choices = dropdown_values(sheet, column, lang)
    if choices:
        return _SEPARATOR[lang].join(choices)
    if column.kind is Kind.DATE:
        return DATE_FORMAT
    return _TEXT[lang]["id"] if column.key in ID_COLUMNS else ""


# Where a legend line's cells go in the instructions table: code, kind and title, then the meaning
# in the wide last column.
_LEGEND_COLUMNS = (0, 1, 2, 5)


def _write_instructions(worksheet: Any, lang: str, tables: Sequence[_Table], formats: _Formats) -> None:
    """The general notes, the table of every sheet and column, then the codes the workbook uses."""
    worksheet.write_string(0, 0, _TEXT[lang]["title"], formats.title)
    notes = _GENERAL_NOTES[lang]
    for offset, note in enumerate(notes, start=1):
        worksheet.write_string(offset, 0, f"{offset}. {note}")
    header_row = len(notes) + 2
    for col, header in enumerate(_INSTRUCTION_HEADERS[lang]):
        worksheet.write_string(header_row, col, header, formats.header)
    rows = instruction_rows(lang)
    for row_number, row in enumerate(rows, start=header_row + 1):
        for col, value in enumerate(row.cells):
            if value:
                style = formats.bold if row.heading and col == 0 else None
                worksheet.write_string(row_number, col, value, formats.wrap if col == 5 else style)
    shown: list[Sequence[Sequence[object]]] = [[row.cells for row in rows], [(note,) for note in notes]]
    shown += [[tuple(row.values()) for row in table.rows] for table in tables]
    row_number = header_row + len(rows) + 2
    worksheet.write_string(row_number, 0, _TEXT[lang]["codes"], formats.bold)
    row_number += 1
    for col, heading in zip(_LEGEND_COLUMNS, LEGEND_HEADERS, strict=True):
        worksheet.write_string(row_number, col, heading.pick(lang), formats.header)
    for entry in legend_entries(shown, lang):
        row_number += 1
        for col, value in zip(_LEGEND_COLUMNS, entry.cells, strict=True):
            worksheet.write_string(row_number, col, value, formats.wrap if col == 5 else None)
    for col, width in enumerate((22, 18, 20, 10, 10, 70)):
        worksheet.set_column(col, col, width)
    # Planners print the instructions: A4 landscape, one page wide.
    worksheet.set_paper(A4_PAPER)
    worksheet.set_landscape()
    worksheet.fit_to_pages(1, 0)
