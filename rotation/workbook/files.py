"""The whole file: the checks made on its bytes, opening it, and finding the contract's sheets in it."""

from __future__ import annotations

import io
from pathlib import Path
from typing import cast

from python_calamine import CalamineError, CalamineWorkbook

from rotation.codes import normalize_text
from rotation.text import Text
from rotation.workbook.cells import EXCEL_ERROR, Cell, ExcelError
from rotation.workbook.problems import Problem, WorkbookError
from rotation.workbook.scan import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    Package,
    PackageError,
    StrayCell,
    column_letters,
)
from rotation.workbook.schema import INPUT_SHEETS, TEMPLATE_SHEETS, Sheet
from rotation.workbook.tables import Report, Table, make_table

_OLE2_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
# Stream names of an encrypted OOXML package inside its OLE2 container (UTF-16 directory entries).
_ENCRYPTION_MARKERS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
SHEETS_BY_LABEL: dict[str, Sheet] = {
    normalize_text(label): sheet for sheet in INPUT_SHEETS for label in (sheet.key, sheet.zh)
}
_TEMPLATE_LABELS = frozenset(
    normalize_text(label) for sheet in TEMPLATE_SHEETS for label in (sheet.key, sheet.zh)
)


def refuse(path: Path, sentence: Text) -> WorkbookError:
    return WorkbookError([Problem.of(path.name, None, None, sentence, is_file=True)])


def read_bytes(path: Path) -> bytes:
    """The file's bytes, after the checks that can be made without parsing it."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise refuse(path, Text(f"there is no such file ({path})", f"文件不存在（{path}）")) from None
    except IsADirectoryError:
        raise refuse(
            path, Text("this is a folder, not a workbook file", "这是一个文件夹，不是工作簿文件")
        ) from None
    except OSError as error:
        raise refuse(
            path, Text(f"the file cannot be read ({error.strerror})", f"无法读取该文件（{error.strerror}）")
        ) from None
    if not data:
        raise refuse(
            path, Text("the file is empty (0 bytes), not a workbook", "文件是空的（0 字节），不是工作簿")
        )
    if data.startswith(_OLE2_SIGNATURE):
        if any(marker in data for marker in _ENCRYPTION_MARKERS):
            raise refuse(
                path,
                Text(
                    "the workbook is password-protected; save it in Excel without a password",
                    "工作簿设有密码保护；请在 Excel 中去掉密码后保存",
                ),
            )
        raise refuse(
            path,
            Text(
                "this is an old Excel 97-2003 (.xls) or a password-protected file; "
                "save it as .xlsx without a password",
                "这是旧版 Excel 97-2003（.xls）文件或设有密码保护的文件；请另存为不带密码的 .xlsx",
            ),
        )
    if not data.startswith(b"PK"):
        raise refuse(
            path,
            Text(
                "this is not an Excel workbook (.xlsx); open it in Excel and save it as .xlsx",
                "这不是 Excel 工作簿（.xlsx）；请在 Excel 中打开并另存为 .xlsx",
            ),
        )
    return data


def open_workbook(path: Path, data: bytes) -> CalamineWorkbook:
    # From the bytes already read: calamine then goes by content, not by the file's extension, and
    # what is parsed is exactly what was hashed.
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except CalamineError as error:
        raise refuse(
            path,
            Text(
                f"this is a zip file but not a readable .xlsx workbook ({error}); save it in Excel as .xlsx",
                f"这是 zip 文件，但不是可读取的 .xlsx 工作簿（{error}）；请在 Excel 中另存为 .xlsx",
            ),
        ) from None


def open_package(path: Path, data: bytes) -> Package:
    """The zip package under the workbook, to scan each sheet before calamine reads it."""
    try:
        return Package(data)
    except PackageError as error:
        raise refuse(
            path,
            Text(
                f"this is not an .xlsx workbook whose sheets can be found ({error}); "
                "save it in Excel as .xlsx",
                f"这不是能找到其工作表的 .xlsx 工作簿（{error}）；请在 Excel 中另存为 .xlsx",
            ),
        ) from None


def read_tables(
    book: CalamineWorkbook, package: Package, path: Path, report: Report
) -> dict[str, Table | None]:
    """The contract's sheets by key; None for a sheet present but unusable (its problems reported)."""
    found: dict[str, tuple[Sheet, str]] = {}
    for title in book.sheet_names:
        spec = SHEETS_BY_LABEL.get(normalize_text(title))
        if spec is None:
            if normalize_text(title) not in _TEMPLATE_LABELS:
                ignored = Text(
                    f"Sheet {title!r} is not part of the contract and is ignored.",
                    f"工作表 {title!r} 不属于输入格式，已忽略。",
                )
                report.warnings.append(ignored)
        elif spec.key in found:
            first = found[spec.key][1]
            message = Text(
                f"a second {spec.key} sheet: {first!r} is the first",
                f"第二个 {spec.key} 工作表：第一个是 {first!r}",
            )
            report.sheet_problem(title, message)
        else:
            found[spec.key] = (spec, title)
    missing = [sheet for sheet in INPUT_SHEETS if sheet.required and sheet.key not in found]
    if len(missing) == sum(sheet.required for sheet in INPUT_SHEETS):
        names = ", ".join(f"{sheet.key} ({sheet.zh})" for sheet in missing)
        names_zh = "、".join(f"{sheet.key}（{sheet.zh}）" for sheet in missing)
        raise refuse(
            path,
            Text(
                f"the workbook has none of the required sheets {names}",
                f"工作簿中没有任何必需的工作表：{names_zh}",
            ),
        )
    for sheet in missing:
        message = Text(
            f"required sheet is missing (name it {sheet.key} or {sheet.zh})",
            f"缺少必需的工作表（请命名为 {sheet.key} 或 {sheet.zh}）",
        )
        report.sheet_problem(sheet.key, message)
    return {key: read_table(book, package, spec, title, report) for key, (spec, title) in found.items()}


def read_table(
    book: CalamineWorkbook, package: Package, spec: Sheet, title: str, report: Report
) -> Table | None:
    """The sheet as a table, after its scan: refused whole for a cell past the limits; error cells kept."""
    try:
        scan = package.scan(title)
    except PackageError as error:
        unreadable = Text(f"the sheet cannot be read ({error})", f"无法读取该工作表（{error}）")
        report.sheet_problem(title, unreadable)
        return None
    if scan.stray is not None:
        report.problems.append(_stray_problem(title, scan.stray))
        return None
    if scan.corner is not None:
        message = Text(
            f"its cells span A1:{scan.corner}, more than the {MAX_CELLS:,} cells a sheet may span; "
            "clear the cells past the table and save again",
            f"其单元格范围为 A1:{scan.corner}，超过了工作表可用的 {MAX_CELLS} 个单元格；"
            "请清除表格以外的单元格后重新保存",
        )
        report.sheet_problem(title, message)
        return None
    try:
        # skip_empty_area=False keeps leading blank rows, so list index + 1 is Excel's row number.
        read = book.get_sheet_by_name(title).to_python(skip_empty_area=False)
    except CalamineError as error:
        report.sheet_problem(
            title, Text(f"the sheet cannot be read ({error})", f"无法读取该工作表（{error}）")
        )
        # calamine refuses some error codes outright (#GETTING_DATA): say where they are.
        for cell in scan.errors:
            column = column_letters(cell.column)
            found = ExcelError(cell.code)
            report.problems.append(Problem.of(title, cell.row + 1, column, EXCEL_ERROR, found))
        return None
    cells = cast(list[list[Cell]], read)
    for cell in scan.errors:
        if cell.row < len(cells) and cell.column < len(cells[cell.row]):
            cells[cell.row][cell.column] = ExcelError(cell.code)
    return make_table(spec, title, cells, report)


def _stray_problem(title: str, stray: StrayCell) -> Problem:
    last = column_letters(MAX_COLUMNS - 1)
    message = Text(
        f"cell {stray.reference} holds something, beyond the {MAX_ROWS:,} rows and {MAX_COLUMNS} "
        f"columns (A to {last}) a sheet may use; clear the cells past the table and save again",
        f"单元格 {stray.reference} 中有内容，超出了工作表可用的 {MAX_ROWS} 行、{MAX_COLUMNS} 列"
        f"（A 到 {last} 列）；请清除表格以外的单元格后重新保存",
    )
    return Problem.of(title, None, None, message, stray.found)
