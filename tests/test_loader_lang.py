"""The loader's problems in Chinese by default and in English with --lang en, through the CLI."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from loader_helpers import untranslated

from rotation.cli.main import EXIT_BAD_INPUT
from rotation.idnumber import IdNumberError, check_character, parse_id_number
from rotation.parameters import ParameterError, resolve_parameters
from rotation.workbook.loader import Problem, WorkbookError, load_workbook

ROTATION = Path(sys.executable).with_name("rotation")

BODY = "41130319850226002"  # born 1985-02-26, a woman
WRONG_CHECK = "0" if check_character(BODY) != "0" else "1"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ROTATION), *args], capture_output=True, text=True, timeout=300)


def bad_workbook(tiny: Path, path: Path) -> Path:
    """tiny.xlsx with a bad date, a bad id number check character, an unknown school, a duplicate
    staff id, and a subject-minimums sheet missing its required 学科 column."""
    book = openpyxl.load_workbook(tiny)
    staff = book["教职工"]
    header = [cell.value for cell in staff[1]]
    column = {name: header.index(name) + 1 for name in header}
    staff.cell(3, column["出生日期"], "1980-13-45")
    staff.cell(4, column["身份证号"], BODY + WRONG_CHECK)
    staff.cell(5, column["学校代码"], "9999")
    staff.cell(6, column["工号"], staff.cell(2, column["工号"]).value)
    minimums = book["学科最低配置"]
    minimums.delete_cols([cell.value for cell in minimums[1]].index("学科") + 1)
    book.save(path)
    return path


EXPECTED_ZH = [
    "工作表 教职工，第 3 行，列 出生日期：不是日期（请写 2019-09-01、2019/9/1、2019.09.01、"
    "2019年9月1日 或 Excel 日期）（发现：'1980-13-45'）",
    f"工作表 教职工，第 4 行，列 身份证号：校验码错误（应为 {check_character(BODY)}）"
    f"（发现：'{BODY}{WRONG_CHECK}'）",
    "工作表 教职工，第 5 行，列 学校代码：不在 schools（学校）工作表中（发现：'9999'）",
    "工作表 教职工，第 6 行，列 工号：重复：第 2 行已有（发现：'000001'）",
    "工作表 学科最低配置，列 subject：缺少必需的列（表头写 subject 或 学科）",
]

EXPECTED_EN = [
    "教职工, row 3, column 出生日期: not a date (write 2019-09-01, 2019/9/1, 2019.09.01, 2019年9月1日 "
    "or an Excel date) (found: '1980-13-45')",
    f"教职工, row 4, column 身份证号: the check character is wrong (expected {check_character(BODY)}) "
    f"(found: '{BODY}{WRONG_CHECK}')",
    "教职工, row 5, column 学校代码: not in the schools (学校) sheet (found: '9999')",
    "教职工, row 6, column 工号: duplicate: also on row 2 (found: '000001')",
    "学科最低配置, column subject: required column is missing (head it subject or 学科)",
]


@pytest.fixture(scope="module")
def bad(tiny_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bad_workbook(tiny_path, tmp_path_factory.mktemp("bad") / "bad.xlsx")


def test_check_lists_the_problems_in_chinese_by_default(bad: Path) -> None:
    result = run("check", str(bad))
    assert result.returncode == EXIT_BAD_INPUT
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    for line in EXPECTED_ZH:
        assert line in lines
    assert "第 3 行" in result.stderr and "not a date" not in result.stderr
    # Besides these, only staff rows, and history rows of the person whose id the duplicate overwrote.
    consequences = {line for line in lines if line.startswith(("工作表 教职工", "工作表 工作经历"))}
    assert set(lines) <= set(EXPECTED_ZH) | consequences


def test_check_lists_the_problems_in_english_with_lang_en(bad: Path) -> None:
    result = run("check", str(bad), "--lang", "en")
    assert result.returncode == EXIT_BAD_INPUT
    lines = result.stderr.splitlines()
    for line in EXPECTED_EN:
        assert line in lines
    assert "第 3 行" not in result.stderr
    assert len(lines) == len(run("check", str(bad)).stderr.splitlines())


def test_a_zero_byte_file_is_refused_in_either_language(tmp_path: Path) -> None:
    path = tmp_path / "staff.xlsx"
    path.write_bytes(b"")
    chinese = run("check", str(path))
    assert chinese.returncode == EXIT_BAD_INPUT
    assert chinese.stderr == "文件 staff.xlsx：文件是空的（0 字节），不是工作簿\n"
    english = run("check", str(path), "--lang", "en")
    assert english.returncode == EXIT_BAD_INPUT
    assert english.stderr == "staff.xlsx: the file is empty (0 bytes), not a workbook\n"


def test_a_bad_parameter_row_is_reported_in_chinese(tiny_path: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(tiny_path)
    book["参数"].append(["teacher_tenure_years", "six"])
    path = tmp_path / "params.xlsx"
    book.save(path)
    result = run("check", str(path))
    assert result.returncode == EXIT_BAD_INPUT
    assert result.stderr.splitlines() == [
        "工作表 参数，第 3 行：参数 teacher_tenure_years 不是整数（发现：'six'）"
    ]
    english = run("check", str(path), "--lang", "en")
    assert english.stderr.splitlines() == [
        "参数, row 3: parameter teacher_tenure_years: is not a whole number (found: 'six')"
    ]


def test_every_problem_of_the_bad_workbook_has_chinese(bad: Path) -> None:
    with pytest.raises(WorkbookError) as caught:
        load_workbook(bad, lambda values: resolve_parameters(values, effective_date=date(2027, 9, 1)))
    assert len(caught.value.problems) >= len(EXPECTED_ZH)
    assert untranslated(caught.value.problems) == []


@pytest.mark.parametrize(
    ("problem", "zh"),
    [
        (
            Problem("staff", 12, "出生日期", "not a date", "2019.13.01", "不是日期"),
            "工作表 staff，第 12 行，列 出生日期：不是日期（发现：'2019.13.01'）",
        ),
        (Problem("staff", 12, None, "blank", message_zh="为空"), "工作表 staff，第 12 行：为空"),
        (Problem("staff", None, "band", "missing", message_zh="缺少"), "工作表 staff，列 band：缺少"),
        (
            Problem("in.xlsx", None, None, "empty", message_zh="文件是空的", is_file=True),
            "文件 in.xlsx：文件是空的",
        ),
        (Problem("staff", 3, None, "only English"), "工作表 staff，第 3 行：only English"),
    ],
)
def test_problem_text_in_chinese(problem: Problem, zh: str) -> None:
    assert problem.text("zh") == zh
    assert problem.text("en") == str(problem)


def test_id_number_errors_carry_both_languages() -> None:
    with pytest.raises(IdNumberError) as caught:
        parse_id_number("12345")
    assert str(caught.value) == "an identity number has 18 characters, this one has 5"
    assert caught.value.text.zh == "身份证号应为 18 位，此号码为 5 位"


def test_parameter_errors_carry_both_languages() -> None:
    with pytest.raises(ParameterError) as caught:
        resolve_parameters(flags=["alliance_min=9", "oops"])
    assert caught.value.lines("en") == ["--set oops: expected key=value"]
    assert caught.value.lines("zh") == ["--set oops：应写成 key=value"]
    plain = ParameterError(["--grid: something"])
    assert plain.lines("zh") == plain.problems == ["--grid: something"]
