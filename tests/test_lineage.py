"""Lineage (issue 12, item 7): a plan id names a run; every run sheet records where its plan came from."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from click.testing import CliRunner
from openpyxl import Workbook

from reports.plan_reader import read_plan_workbook
from rotation.cli.main import main
from rotation.lineage import file_sha256, lineage_of, make_lineage
from rotation.parameters import Parameters


def test_the_plan_id_is_stable_and_changes_with_anything_that_decides_the_plan() -> None:
    params = Parameters()
    first = make_lineage("a" * 64, params, 0, "cp-sat")
    assert first == make_lineage("a" * 64, params, 0, "cp-sat")
    assert len(first.plan_id) == 12
    others = {
        make_lineage("b" * 64, params, 0, "cp-sat").plan_id,
        make_lineage("a" * 64, params, 1, "cp-sat").plan_id,
        make_lineage("a" * 64, params, 0, "greedy").plan_id,
        make_lineage("a" * 64, replace(params, max_outflow_ratio=0.3), 0, "cp-sat").plan_id,
        make_lineage("a" * 64, params, 0, "cp-sat", draft_sha256="c" * 64).plan_id,
        make_lineage("a" * 64, params, 0, "cp-sat", pins_sha256="d" * 64).plan_id,
    }
    assert first.plan_id not in others and len(others) == 6


def test_solve_records_the_input_pins_and_plan_id_in_the_run_sheet(tmp_path: Path, tiny_xlsx: Path) -> None:
    pins = tmp_path / "pins.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "pins"
    sheet.append(["staff_id", "to_school_id", "kind"])
    book.save(pins)
    plans = []
    for name in ("a.xlsx", "b.xlsx"):
        out = tmp_path / name
        result = CliRunner().invoke(
            main, ["solve", str(tiny_xlsx), "-o", str(out), "--pins", str(pins), "--workers", "1"]
        )
        assert result.exit_code == 0, result.output
        plans.append(read_plan_workbook(out))
    lineage = lineage_of(plans[0].run)
    assert lineage == lineage_of(plans[1].run)
    assert lineage.input_sha256 == file_sha256(tiny_xlsx)
    assert lineage.pins_sha256 == file_sha256(pins)
    assert lineage.draft_sha256 == ""
    assert len(lineage.plan_id) == 12
