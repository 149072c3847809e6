"""rotation.parameters: the defaults, and every source of a parameter in its order of precedence.

Sources, later ones winning (README, "Parameters"): the defaults, the workbook's parameters sheet, a
TOML scenario file, ``--set`` flags, and ``--effective-date``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from reports.input_workbook import write_input_workbook
from rotation.cli.main import main
from rotation.parameters import ParameterError, Parameters, load_scenario, resolve_parameters
from rotation.sample import generate
from rotation.scenarios.sweep import run_scenario
from rotation.workbook.loader import load_workbook

EFFECTIVE = date(2027, 9, 1)


def scenario(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "text",
    [
        "",
        'name = "nothing"\ndescription = "changes nothing"\n',
        "[parameters]\n",
    ],
    ids=["empty", "only-name-and-description", "empty-parameters-table"],
)
def test_an_empty_scenario_file_equals_the_defaults(tmp_path: Path, text: str) -> None:
    path = scenario(tmp_path, text)
    assert load_scenario(path) == {}
    assert resolve_parameters(scenario=path) == Parameters()


def test_the_example_scenario_sets_exactly_its_values(project_root: Path) -> None:
    path = project_root / "data" / "scenario-example.toml"
    params = resolve_parameters(scenario=path)
    assert (params.female_exempt_age, params.teacher_tenure_years) == (52, 5)
    assert (params.alliance_min, params.alliance_max) == (3, 6)
    changed = {
        name
        for (name, value), (_, default) in zip(params.items(), Parameters().items(), strict=True)
        if value != default
    }
    assert changed == {
        "female_exempt_age",
        "teacher_tenure_years",
        "alliance_max",
    }  # alliance_min is 3 already


# teacher_tenure_years is named by each source in turn: each later source wins over every earlier one.
@pytest.mark.parametrize(
    ("sheet", "toml", "flags", "expected"),
    [
        ({}, "", (), 6),  # the default
        ({"teacher_tenure_years": 7}, "", (), 7),  # the sheet over the default
        ({"teacher_tenure_years": 7}, "teacher_tenure_years = 8\n", (), 8),  # the scenario over the sheet
        ({}, "[parameters]\nteacher_tenure_years = 8\n", (), 8),  # a [parameters] table likewise
        ({"teacher_tenure_years": 7}, "teacher_tenure_years = 8\n", ("teacher_tenure_years=9",), 9),
        ({"teacher_tenure_years": 7}, "", ("teacher_tenure_years=9",), 9),  # a flag over the sheet
    ],
    ids=["default", "sheet", "scenario", "scenario-table", "flag-over-all", "flag-over-sheet"],
)
def test_each_source_wins_over_the_ones_before_it(
    tmp_path: Path, sheet: Mapping[str, object], toml: str, flags: tuple[str, ...], expected: int
) -> None:
    path = scenario(tmp_path, toml) if toml else None
    assert resolve_parameters(sheet, path, flags).teacher_tenure_years == expected


def test_a_source_changes_only_what_it_names(tmp_path: Path) -> None:
    path = scenario(tmp_path, "female_exempt_age = 52\n")
    params = resolve_parameters({"male_exempt_age": 58}, path, ("max_outflow_ratio=0.25",))
    assert (params.male_exempt_age, params.female_exempt_age, params.max_outflow_ratio) == (58, 52, 0.25)
    assert params.teacher_tenure_years == Parameters().teacher_tenure_years


def test_the_effective_date_option_wins_over_every_source(tmp_path: Path) -> None:
    path = scenario(tmp_path, "effective_date = 2028-09-01\n")
    sheet = {"effective_date": "2027-09-01"}
    flags = ("effective_date=2029-09-01",)
    assert resolve_parameters(sheet).effective_date == date(2027, 9, 1)
    assert resolve_parameters(sheet, path).effective_date == date(2028, 9, 1)
    assert resolve_parameters(sheet, path, flags).effective_date == date(2029, 9, 1)
    assert resolve_parameters(sheet, path, flags, date(2030, 9, 1)).effective_date == date(2030, 9, 1)


def test_a_later_source_does_not_excuse_a_bad_value_in_an_earlier_one(tmp_path: Path) -> None:
    # The sheet's bad value is refused even though the flag names the same key: every source is read.
    with pytest.raises(ParameterError) as caught:
        resolve_parameters({"teacher_tenure_years": "six"}, None, ("teacher_tenure_years=9",))
    assert "teacher_tenure_years" in str(caught.value)


def test_the_workbooks_parameters_sheet_is_the_source_below_the_scenario(tmp_path: Path) -> None:
    """End to end through the loader, as the CLI resolves: sheet, then scenario, then flags."""
    workbook = tmp_path / "tiny.xlsx"
    sheet = {"effective_date": EFFECTIVE, "teacher_tenure_years": 7, "female_exempt_age": 51}
    write_input_workbook(workbook, generate("tiny", 7, EFFECTIVE), parameters=sheet)
    path = scenario(tmp_path, "teacher_tenure_years = 8\n")

    as_written = load_workbook(workbook).params
    assert (as_written.teacher_tenure_years, as_written.female_exempt_age) == (7, 51)
    assert as_written.effective_date == EFFECTIVE

    layered = load_workbook(
        workbook, lambda values: resolve_parameters(values, path, ("female_exempt_age=53",))
    )
    assert (layered.params.teacher_tenure_years, layered.params.female_exempt_age) == (8, 53)
    assert layered.params.effective_date == EFFECTIVE


def test_values_are_judged_together_once_every_source_is_applied(tmp_path: Path) -> None:
    # The sheet widens alliance_max to 10 and a flag raises alliance_min to 8: the pair they make is
    # valid, though 8 is above the default maximum of 5 (once refused as if judged alone).
    params = resolve_parameters({"alliance_max": 10}, None, ("alliance_min=8",))
    assert (params.alliance_min, params.alliance_max) == (8, 10)
    # A scenario may raise the maximum that the sheet's minimum needs.
    widened = scenario(tmp_path, "alliance_max = 10\n")
    assert resolve_parameters({"alliance_min": 8}, widened).alliance_min == 8
    with pytest.raises(ParameterError) as refused:
        resolve_parameters({"alliance_max": 10}, None, ("alliance_min=12",))
    # Told against the source of highest precedence among those that set the two: the flag.
    assert refused.value.problems == ["--set: parameter alliance_min (12) exceeds alliance_max (10)"]
    assert refused.value.lines("zh") == ["--set：参数 alliance_min（12）大于 alliance_max（10）"]


def test_a_flag_is_judged_with_the_workbooks_own_values(tmp_path: Path) -> None:
    # Through the command line (check) and the what-if runs' loading (sweep, batch): the sheet's
    # alliance_max = 10 makes a flag's alliance_min = 8 valid.
    workbook = tmp_path / "wide.xlsx"
    sheet = {"effective_date": EFFECTIVE, "alliance_max": 10}
    write_input_workbook(workbook, generate("tiny", 7, EFFECTIVE), parameters=sheet)
    accepted = CliRunner().invoke(main, ["check", str(workbook), "--set", "alliance_min=8"])
    assert accepted.exit_code == 0, accepted.output
    refused = CliRunner().invoke(main, ["check", str(workbook), "--set", "alliance_min=12"])
    assert refused.exit_code == 2
    assert "alliance_min（12）大于 alliance_max（10）" in refused.output
    swept = run_scenario(0, str(workbook), {"alliance_min": "8"}, 20.0, 0)
    assert swept.status != "bad_input", swept.message
