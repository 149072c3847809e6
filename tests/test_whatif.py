"""Issue 4: what-if comparisons and scenario sweeps on the tiny sample district."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook as open_xlsx

from rotation.catalogue import SENSITIVE_REASONS
from rotation.cli.scenarios import sweep, whatif
from rotation.codes import Gender
from rotation.eligibility import assess_roster, e2_age
from rotation.parameters import ParameterError
from rotation.scenarios.sweep import grid_scenarios, parse_grid, run_scenario, run_sweep
from rotation.workbook.loader import load_workbook


def _rows(path: Path, sheet: str) -> list[dict[str, object]]:
    book = open_xlsx(path, read_only=True)
    rows = list(book[sheet].iter_rows(values_only=True))
    return [dict(zip([str(h) for h in rows[0]], row, strict=True)) for row in rows[1:]]


def test_raising_female_exempt_age_changes_exactly_the_women_between_the_limits(
    tiny_xlsx: Path, tmp_path: Path
) -> None:
    out = tmp_path / "cmp.xlsx"
    args = [str(tiny_xlsx), "--set", "female_exempt_age=52", "-o", str(out)]
    result = CliRunner().invoke(whatif, [*args, "--time-limit", "10", "--workers", "2", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "exempt:E2" in result.output

    loaded = load_workbook(tiny_xlsx)
    params = loaded.params
    raised = params.updated({"female_exempt_age": 52}, "test")
    before = assess_roster(loaded.roster, params)
    # Women strictly over 50 and not strictly over 52: E2 lifts for them and for nobody else. People
    # with E4/E5 are shown as E* in both runs, so their (hidden) change does not show.
    expected = {
        m.staff_id
        for m in loaded.roster.staff
        if m.gender is Gender.FEMALE
        and not m.on_exchange
        and e2_age(m, params)
        and not e2_age(m, raised)
        and SENSITIVE_REASONS.isdisjoint(before[m.staff_id].reasons)
    }
    assert expected, "tiny.xlsx should hold women aged 51 or 52"
    changed = _rows(out, "changed")
    eligibility_changed = {
        str(row["staff_id"]): row
        for row in changed
        if (row["status_before"], row["reasons_before"]) != (row["status_after"], row["reasons_after"])
    }
    assert set(eligibility_changed) == expected
    after = assess_roster(loaded.roster, raised)
    for staff_id, row in eligibility_changed.items():
        assert "E2" in str(row["reasons_before"]).split(";")
        assert "E2" not in str(row["reasons_after"] or "").split(";")
        assert row["status_after"] == after[staff_id].status.value
        # Exempt only for E2 before: now due or not due, like anyone else.
        if before[staff_id].reasons == ("E2",):
            assert row["status_after"] in ("due", "not_due")
        assert str(row["difference"]).startswith(str(row["reasons_before"]))
    # Everyone else listed changed destination only, and says which move rule made the difference.
    for row in changed:
        if str(row["staff_id"]) not in expected:
            assert row["destination_before"] != row["destination_after"]
    kpis = {row["kpi"]: row for row in _rows(out, "kpis")}
    # A row with E4 or E5 shows only E*, so its E2 is not counted (as in `check` and the report).
    e2_before = sum(1 for e in before.values() if "E2" in e.reasons and not e.is_sensitive)
    e2_after = sum(1 for e in after.values() if "E2" in e.reasons and not e.is_sensitive)
    assert kpis["exempt:E2"]["delta"] == e2_after - e2_before < 0
    assert kpis["due"]["delta"] == sum(1 for s in expected if after[s].is_due)
    assert {row["parameter"] for row in _rows(out, "parameters")} == {"female_exempt_age"}


def test_whatif_run_sheet_records_the_scenario_and_carries_the_loader_warnings(
    tiny_xlsx: Path, tmp_path: Path
) -> None:
    # A column outside the contract is ignored with a warning: it must reach stderr and the run sheet.
    book = open_xlsx(tiny_xlsx)
    staff = book["教职工"]  # tiny.xlsx is written with the Chinese sheet names and headers, header on row 1
    assert staff.cell(row=1, column=1).value == "工号"
    staff.cell(row=1, column=staff.max_column + 1, value="notes")
    book.save(tiny_xlsx)
    out = tmp_path / "cmp.xlsx"
    args = [
        str(tiny_xlsx),
        "--set",
        "female_exempt_age=52",
        "-o",
        str(out),
        "--time-limit",
        "10",
        "--lang",
        "en",
    ]
    result = CliRunner().invoke(whatif, args)
    assert result.exit_code == 0, result.output
    assert "'notes' is not part of the contract" in result.output
    sheets = open_xlsx(out, read_only=True)
    assert sheets.sheetnames == ["kpis", "changed", "schools", "parameters", "run", "legend"]
    rows = list(sheets["run"].iter_rows(min_row=2, values_only=True))
    facts = {key: value for key, value in rows if key != "warning"}
    assert facts["female_exempt_age"] == 52  # the scenario's parameters, not the workbook's
    assert (facts["status"], facts["baseline_status"]) == ("optimal", "optimal")
    assert facts["input_sha256"] == load_workbook(tiny_xlsx).sha256
    assert facts["input_file"] == "tiny.xlsx"
    warnings = [value for key, value in rows if key == "warning"]
    assert len(warnings) == 1 and "'notes' is not part of the contract" in str(warnings[0])


def test_whatif_refuses_a_bad_flag_before_solving(tiny_xlsx: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        whatif, [str(tiny_xlsx), "--set", "alliance_min=9", "-o", str(tmp_path / "c.xlsx")]
    )
    assert result.exit_code == 2
    assert "alliance_min" in result.output
    assert not (tmp_path / "c.xlsx").exists()


def test_grid_is_the_cross_product_first_key_slowest() -> None:
    grid = parse_grid(["female_exempt_age=50,52", "soft=G4;G6,"])
    assert grid_scenarios(grid) == [
        {"female_exempt_age": "50", "soft": "G4;G6"},
        {"female_exempt_age": "50", "soft": ""},
        {"female_exempt_age": "52", "soft": "G4;G6"},
        {"female_exempt_age": "52", "soft": ""},
    ]
    with pytest.raises(ParameterError):
        parse_grid(["no_equals_sign", "a=1", "a=2"])


def test_a_scenario_that_fails_is_a_result_not_an_exception(tmp_path: Path) -> None:
    missing = run_scenario(0, str(tmp_path / "missing.xlsx"), {}, 5.0, 0)
    assert missing.status == "bad_input" and missing.kpis is None and missing.message


def test_sweep_records_a_bad_value_in_its_row_and_solves_the_others(tiny_xlsx: Path) -> None:
    scenarios = grid_scenarios(parse_grid(["female_exempt_age=50,52", "alliance_min=3,9"]))
    results = run_sweep(tiny_xlsx, scenarios, time_limit_s=10.0, processes=2)
    assert [r.index for r in results] == [0, 1, 2, 3]
    for result in results:
        if result.overrides["alliance_min"] == "9":  # above alliance_max = 5
            assert result.status == "bad_input"
            assert result.message is not None and "alliance_min" in result.message.en and result.kpis is None
        else:
            assert result.status == "optimal", result.message
            assert result.kpis is not None and result.kpis.moves > 0
    assert results[2].kpis is not None and results[0].kpis is not None
    assert results[2].kpis.due > results[0].kpis.due  # fewer women exempt, more due


def test_sweep_command_writes_one_row_per_scenario(tiny_xlsx: Path, tmp_path: Path) -> None:
    out = tmp_path / "sweep.xlsx"
    args = [
        str(tiny_xlsx),
        "--grid",
        "alliance_min=3,9",
        "-o",
        str(out),
        "--time-limit",
        "10",
        "--processes",
        "2",
    ]
    result = CliRunner().invoke(sweep, [*args, "--lang", "en"])
    assert result.exit_code == 0, result.output
    rows = _rows(out, "sweep")
    assert [(row["alliance_min"], row["status"]) for row in rows] == [("3", "optimal"), ("9", "bad_input")]
    assert rows[0]["moves"] and rows[1]["moves"] is None


def test_whatif_names_its_kpis_in_chinese_by_default(tiny_xlsx: Path, tmp_path: Path) -> None:
    out = tmp_path / "cmp.xlsx"
    args = [str(tiny_xlsx), "--set", "female_exempt_age=52", "-o", str(out), "--time-limit", "10"]
    result = CliRunner().invoke(whatif, args)
    assert result.exit_code == 0, result.output
    names = [str(row["指标"]) for row in _rows(out, "指标对比")]
    assert names[:3] == ["求解状态", "交流人数", "应交流人数"]
    assert "暂不纳入人数：E2" in names and "骨干教师调出比例（薄弱学校）" in names
    assert not any(re.search("[a-z]{3}", name) for name in names), names
    assert "交流人数" in result.output and "moves" not in result.output
    statuses = {row["指标"]: row["基准"] for row in _rows(out, "指标对比")}
    assert statuses["求解状态"] == "最优"
