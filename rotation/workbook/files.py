"""The whole file: the checks made on its bytes, opening it, and finding the contract's sheets in it."""

from __future__ import annotations

import io
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook

from rotation.codes import normalize_text
from rotation.text import Text
from rotation.workbook.cells import Cell
from rotation.workbook.problems import Problem, WorkbookError
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


def read_tables(book: CalamineWorkbook, path: Path, report: Report) -> dict[str, Table | None]:
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
    return {key: read_table(book, spec, title, report) for key, (spec, title) in found.items()}


def read_table(book: CalamineWorkbook, spec: Sheet, title: str, report: Report) -> Table | None:
    try:
        # skip_empty_area=False keeps leading blank rows, so list index + 1 is Excel's row number.
        cells: list[list[Cell]] = book.get_sheet_by_name(title).to_python(skip_empty_area=False)
    except CalamineError as error:
        report.sheet_problem(
            title, Text(f"the sheet cannot be read ({error})", f"无法读取该工作表（{error}）")
        )
        return None
    return make_table(spec, title, cells, report)
