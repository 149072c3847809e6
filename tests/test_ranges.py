"""Issue 13, "Why" 3: every parameter and every numeric cell has a range, checked where it is read.

A value outside is refused by name with its range (exit 2); no value, however extreme, ends in a
traceback. The property tests drive every parameter through extreme values on data/tiny.xlsx in
``check``, ``solve``, ``whatif`` and ``plan``, in-process and bounded (a few dozen examples each).
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rotation.cli.main import main
from rotation.parameters import ParameterError, Parameters, allowed_values, parameter_range

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.xlsx"
NAMES = [f.name for f in fields(Parameters)]
EXTREMES = [
    "0",
    "-1",
    "1",
    str(2**63),
    str(10**30),
    "1e20",
    "1e300",
    "-1e300",
    "nan",
    "inf",
    "-inf",
    "0.5",
    "0001-01-01",
    "9998-09-01",
    "",
    "x" * 300,
]
DATES = ["0001-01-01", "1899-12-31", "1900-01-01", "2200-12-31", "2201-01-01", "9998-09-01", "9999-12-31"]
# Each example runs in-process: a solve of tiny takes a fraction of a second, a refusal far less.
EXAMPLES = 40
BOUNDED = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--lang", "en"])


def assert_clean(result: Result, allowed: tuple[int, ...] = (0, 2, 3)) -> None:
    """Ended as the CLI ends, with one of ``allowed``: never a traceback (an exception not SystemExit)."""
    crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
    assert not crashed, f"{result.exception!r}\n{result.output}"
    assert result.exit_code in allowed, result.output
    assert "Traceback" not in result.output


# -- the ranges themselves --------------------------------------------------------------------------


def test_every_numeric_and_date_parameter_has_a_range() -> None:
    for f in fields(Parameters):
        if str(f.type) in ("int", "float", "date"):
            assert parameter_range(f.name) is not None, f.name
        assert allowed_values(f.name), f.name


@pytest.mark.parametrize(
    ("name", "value", "sentence"),
    [
        # The extremes of the issue: each ended in a traceback (exit 1).
        ("male_exempt_age", 8000, "parameter male_exempt_age must lie between 0 and 120 (found: 8000)"),
        ("teacher_min_stint_years", 8000, "teacher_min_stint_years must lie between 0 and 100 (found: 8000)"),
        ("alliance_max", 1e20, "parameter alliance_max must lie between 0 and 100000 (found: "),
        ("effective_date", "9998-09-01", "effective_date must lie between 1900-01-01 and 2200-12-31"),
        ("min_key_share", "nan", "parameter min_key_share must lie between 0 and 1 (found: nan)"),
    ],
)
def test_issue13_a_value_outside_its_range_is_refused_by_name_with_the_range(
    name: str, value: object, sentence: str
) -> None:
    with pytest.raises(ParameterError) as caught:
        Parameters().updated({name: value}, "--set")
    assert sentence in caught.value.lines("en")[0]
    assert "必须在" in caught.value.lines("zh")[0]


def test_a_huge_value_is_quoted_in_at_most_80_characters() -> None:
    with pytest.raises(ParameterError) as caught:
        Parameters().updated({"alliance_max": 10**300}, "--set")
    found = caught.value.lines("en")[0].split("(found: ")[1]
    assert len(found) <= 82 and found.endswith("…)")


@pytest.mark.parametrize(
    "args",
    [
        ("check", str(TINY), "--set", "male_exempt_age=8000"),
        ("solve", str(TINY), "-o", "{out}", "--set", "teacher_min_stint_years=8000"),
        ("solve", str(TINY), "-o", "{out}", "--set", "alliance_max=1e20"),
        ("plan", str(TINY), "--years", "3", "--effective-date", "9998-09-01", "-o", "{out}"),
        ("sample", "{out}", "--size", "tiny", "--seed", "1", "--effective-date", "0001-01-01"),
        ("solve", str(TINY), "-o", "{out}", "--time-limit", "nan"),
        ("solve", str(TINY), "-o", "{out}", "--seed", str(2**40)),
    ],
)
def test_issue13_extreme_values_are_refused_with_exit_2(tmp_path: Path, args: tuple[str, ...]) -> None:
    out = tmp_path / "out.xlsx"
    result = invoke(*(arg.format(out=out) for arg in args))
    assert_clean(result, (2,))
    assert not out.exists()


def tiny_with(tmp_path: Path, sheet: str, header: str, value: object) -> Path:
    book = openpyxl.load_workbook(TINY)
    column = next(cell.column for cell in book[sheet][1] if cell.value == header)
    book[sheet].cell(row=2, column=column).value = value
    path = tmp_path / "tiny.xlsx"
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("sheet", "header", "value", "sentence"),
    [
        ("学校", "编制数", 1e300, "学校, row 2, column 编制数: must lie between 0 and 100,000"),
        ("学校", "在校生数", 10**7, "学校, row 2, column 在校生数: must lie between 0 and 1,000,000"),
        (
            "教职工",
            "其他学校满3年数",
            8000,
            "教职工, row 2, column 其他学校满3年数: must lie between 0 and 100",
        ),
        (
            "教职工",
            "农村学校工作年限",
            1e20,
            "教职工, row 2, column 农村学校工作年限: must lie between 0 and 100",
        ),
        (
            "教职工",
            "到校时间",
            "0001-01-01",
            "教职工, row 2, column 到校时间: outside 1900-01-01 to 2200-12-31",
        ),
    ],
)
def test_issue13_a_numeric_cell_outside_its_range_is_refused(
    tmp_path: Path, sheet: str, header: str, value: object, sentence: str
) -> None:
    out = tmp_path / "plan.xlsx"
    result = invoke("solve", str(tiny_with(tmp_path, sheet, header, value)), "-o", str(out))
    assert_clean(result, (2,))
    assert sentence in result.output
    assert not out.exists()


def test_issue13_a_negative_date_serial_is_refused_as_such_not_shown_as_midnight(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(TINY)
    cell = book["教职工"]["H2"]  # 到校时间
    assert book["教职工"]["H1"].value == "到校时间"
    cell.value, cell.number_format = -5, "yyyy-mm-dd"
    path = tmp_path / "tiny.xlsx"
    book.save(path)
    result = invoke("check", str(path))
    assert_clean(result, (2,))
    assert (
        "教职工, row 2, column 到校时间: a date cell holding a time of day, or zero or a negative"
        in result.output
    )
    assert "00:00:00" not in result.output


# -- property tests: every parameter, extreme values, four commands ---------------------------------


@BOUNDED
@given(name=st.sampled_from(NAMES), value=st.sampled_from(EXTREMES))
def test_check_never_crashes_on_an_extreme_parameter(name: str, value: str) -> None:
    assert_clean(invoke("check", str(TINY), "--set", f"{name}={value}"))


@BOUNDED
@given(name=st.sampled_from(NAMES), value=st.sampled_from(EXTREMES))
def test_solve_never_crashes_on_an_extreme_parameter(
    tmp_path_factory: pytest.TempPathFactory, name: str, value: str
) -> None:
    out = tmp_path_factory.mktemp("solve") / "plan.xlsx"
    assert_clean(invoke("solve", str(TINY), "-o", str(out), "--set", f"{name}={value}", "--time-limit", "30"))


@settings(max_examples=EXAMPLES * 3 // 4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(NAMES), value=st.sampled_from(EXTREMES))
def test_whatif_never_crashes_on_an_extreme_parameter(
    tmp_path_factory: pytest.TempPathFactory, name: str, value: str
) -> None:
    out = tmp_path_factory.mktemp("whatif") / "whatif.xlsx"
    assert_clean(
        invoke("whatif", str(TINY), "-o", str(out), "--set", f"{name}={value}", "--time-limit", "30")
    )


@settings(max_examples=EXAMPLES * 3 // 4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(NAMES), value=st.sampled_from(EXTREMES), day=st.sampled_from([None, *DATES]))
def test_plan_never_crashes_on_an_extreme_parameter_or_date(
    tmp_path_factory: pytest.TempPathFactory, name: str, value: str, day: str | None
) -> None:
    out = tmp_path_factory.mktemp("plan") / "plan.xlsx"
    dated = () if day is None else ("--effective-date", day)
    args = ("plan", str(TINY), "--years", "2", "-o", str(out), "--set", f"{name}={value}", *dated)
    assert_clean(invoke(*args, "--time-limit", "30"))
