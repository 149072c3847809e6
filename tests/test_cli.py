"""The ``rotation`` command end to end: exit codes, refusals, and what lands on disk."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from plan_checker import check_plan_workbook

from rotation.cli.main import EXIT_BAD_INPUT, main

DATA = Path(__file__).resolve().parent.parent / "data"
TINY = DATA / "tiny.xlsx"
ROTATION = Path(sys.executable).with_name("rotation")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ROTATION), *args], capture_output=True, text=True, timeout=300)


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A private copy, so a test can prove the input is never written to."""
    return Path(shutil.copy(TINY, tmp_path / "tiny.xlsx"))


def reason_count(output: str, label: str) -> int:
    """The count on the summary line that starts with ``label`` (a status or reason)."""
    return next(int(line.split()[-1]) for line in output.splitlines() if line.split()[:1] == [label])


def test_check_prints_counts_by_status_and_reason(tiny: Path) -> None:
    result = CliRunner().invoke(main, ["check", str(tiny), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "353 staff" in result.output
    assert "effective date 2027-09-01" in result.output
    for label in ("due", "exempt", "not_due", "locked", "returning", "T1", "E*"):
        assert label in result.output


def test_check_export_writes_eligibility_and_run_sheets(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "review.xlsx"
    result = CliRunner().invoke(main, ["check", str(tiny), "--export", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames == ["eligibility", "run", "legend"]
    run_rows = {row[0]: row[1] for row in book["run"].iter_rows(min_row=2, values_only=True)}
    assert run_rows["effective_date"] is not None
    assert run_rows["status"] == "checked"
    assert len(str(run_rows["input_sha256"])) == 64


def test_set_flag_changes_eligibility(tiny: Path) -> None:
    """T1 at 7 years instead of 6: fewer people are due."""
    default = CliRunner().invoke(main, ["check", str(tiny), "--lang", "en"])
    flags = ["--lang", "en", "--set", "teacher_tenure_years=7"]
    stricter = CliRunner().invoke(main, ["check", str(tiny), *flags])
    assert reason_count(stricter.output, "T1") < reason_count(default.output, "T1")


def test_unknown_parameter_is_refused_by_name(tiny: Path) -> None:
    result = run("check", str(tiny), "--set", "teacher_tenure=7", "--lang", "en")
    assert result.returncode == EXIT_BAD_INPUT
    assert "unknown parameter 'teacher_tenure'" in result.stderr
    chinese = run("check", str(tiny), "--set", "teacher_tenure=7")
    assert chinese.returncode == EXIT_BAD_INPUT
    assert "--set：未知参数 'teacher_tenure'" in chinese.stderr
    assert "Traceback" not in result.stderr


def test_scenario_file_feeds_parameters(tiny: Path, tmp_path: Path) -> None:
    scenario = tmp_path / "older.toml"
    scenario.write_text('name = "older"\nfemale_exempt_age = 45\n', encoding="utf-8")
    base = CliRunner().invoke(main, ["check", str(tiny), "--lang", "en"])
    older = CliRunner().invoke(main, ["check", str(tiny), "--lang", "en", "--scenario", str(scenario)])
    assert older.exit_code == 0, older.output
    assert reason_count(older.output, "E2") > reason_count(base.output, "E2")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"staff_id,name\n001,Li\n", "not an Excel"),
    ],
    ids=["zero-bytes", "csv-renamed"],
)
def test_unreadable_file_gets_one_sentence_and_exit_2(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "staff.xlsx"
    path.write_bytes(content)
    result = run("check", str(path), "--lang", "en")
    assert result.returncode == EXIT_BAD_INPUT
    assert expected.lower() in result.stderr.lower()
    assert "Traceback" not in result.stderr
    assert path.read_bytes() == content


def test_template_then_check_reports_missing_rows_not_a_crash(tmp_path: Path) -> None:
    template = tmp_path / "blank.xlsx"
    assert CliRunner().invoke(main, ["template", str(template)]).exit_code == 0
    result = run("check", str(template))
    assert result.returncode in (0, EXIT_BAD_INPUT)
    assert "Traceback" not in result.stderr


def test_template_is_not_overwritten_without_force(tmp_path: Path) -> None:
    template = tmp_path / "blank.xlsx"
    template.write_bytes(b"precious")
    result = CliRunner().invoke(main, ["template", str(template), "--lang", "en"])
    assert result.exit_code == EXIT_BAD_INPUT
    assert template.read_bytes() == b"precious"
    assert CliRunner().invoke(main, ["template", str(template), "--force"]).exit_code == 0
    assert template.read_bytes() != b"precious"


def test_sample_is_deterministic_by_seed(tmp_path: Path) -> None:
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    for path in (first, second):
        result = CliRunner().invoke(main, ["sample", str(path), "--size", "tiny", "--seed", "3"])
        assert result.exit_code == 0, result.output

    def cells(path: Path) -> list[tuple[object, ...]]:
        return list(openpyxl.load_workbook(path, read_only=True)["教职工"].iter_rows(values_only=True))

    assert cells(first) == cells(second)


def test_solve_refuses_to_write_onto_the_input(tiny: Path) -> None:
    before = tiny.read_bytes()
    result = run("solve", str(tiny), "-o", str(tiny), "--force")
    assert result.returncode == EXIT_BAD_INPUT
    assert "是输入工作簿" in result.stderr
    english = run("solve", str(tiny), "-o", str(tiny), "--force", "--lang", "en")
    assert "is the input workbook" in english.stderr
    assert tiny.read_bytes() == before


def test_solve_refuses_existing_output_without_force(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.xlsx"
    out.write_bytes(b"last year's plan")
    result = run("solve", str(tiny), "-o", str(out))
    assert result.returncode == EXIT_BAD_INPUT
    assert "--force" in result.stderr
    assert out.read_bytes() == b"last year's plan"


def test_solve_tiny_writes_a_plan_that_keeps_every_hard_rule(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.xlsx"
    before = tiny.read_bytes()
    result = run("solve", str(tiny), "-o", str(out), "--lang", "en", "--time-limit", "60", "--workers", "2")
    assert result.returncode == 0, result.stderr
    assert "status optimal" in result.stdout
    assert tiny.read_bytes() == before
    book = openpyxl.load_workbook(out, read_only=True)
    contract = ["assignments", "eligibility", "obligations", "unmoved_due", "schools", "walking", "run"]
    assert book.sheetnames == [*contract, "dashboard", "legend"]
    with zipfile.ZipFile(out) as package:
        charts = [name for name in package.namelist() if name.startswith("xl/charts/chart")]
    assert len(charts) == 3
    assert check_plan_workbook(tiny, out) == []


def test_export_killed_half_way_leaves_the_old_file(tmp_path: Path) -> None:
    """SIGKILL in the middle of writing: the target still holds the old workbook, whole."""
    target = tmp_path / "plan.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = "old plan"
    book.save(target)
    old = target.read_bytes()
    marker = tmp_path / "half-way"
    script = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        from reports.xlsx import SheetData, write_workbook

        class SlowRows(list):
            def __iter__(self):
                for index in range(100_000):
                    if index == 50_000:
                        Path({str(marker)!r}).touch()
                        time.sleep(60)
                    yield ("row", index)
            def __len__(self):
                return 100_000

        write_workbook(Path({str(target)!r}), [SheetData("assignments", ["a", "b"], SlowRows())], force=True)
        """
    )
    writer = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert writer.poll() is None, "the writer ended before reaching the middle"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=30)
    finally:
        if writer.poll() is None:
            writer.kill()
    assert target.read_bytes() == old
    assert openpyxl.load_workbook(target)["Sheet"]["A1"].value == "old plan"


def test_infeasible_plan_names_g2_and_the_group_and_exits_3(tiny: Path, tmp_path: Path) -> None:
    """Tight group JT001's lead 0001 cannot send 20 key teachers per primary band to each member (G2)."""
    out = tmp_path / "plan.xlsx"
    result = run("solve", str(tiny), "-o", str(out), "--lang", "en", "--set", "tight_key_primary_band_min=20")
    assert result.returncode == 3, result.stderr
    assert "G2" in result.stderr
    assert "JT001" in result.stderr
    assert "soft=G2" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_same_input_and_seed_give_identical_assignment_sheets(tiny: Path, tmp_path: Path) -> None:
    def assignments(name: str) -> list[tuple[object, ...]]:
        out = tmp_path / name
        result = run("solve", str(tiny), "-o", str(out), "--seed", "5", "--time-limit", "60")
        assert result.returncode == 0, result.stderr
        book = openpyxl.load_workbook(out, read_only=True)
        return [tuple(row) for row in book["调动名单"].iter_rows(values_only=True)]

    first = assignments("first.xlsx")
    assert len(first) > 1
    assert assignments("second.xlsx") == first


def test_district_plan_keeps_every_hard_rule(tmp_path: Path) -> None:
    """The bundled district, solved and exported, re-verified by the independent checker."""
    out = tmp_path / "district-plan.xlsx"
    result = run("solve", str(DATA / "district.xlsx"), "-o", str(out), "--time-limit", "120")
    assert result.returncode == 0, result.stderr
    assert check_plan_workbook(DATA / "district.xlsx", out) == []


def test_greedy_method_writes_a_checked_plan_that_rotates_no_more_than_cp_sat(
    tiny: Path, tmp_path: Path
) -> None:
    """The hand procedure is a valid plan but not a better one: CP-SAT's optimum bounds it."""

    def due_rotated(method: str) -> int:
        out = tmp_path / f"{method}.xlsx"
        result = run("solve", str(tiny), "-o", str(out), "--method", method, "--lang", "en")
        assert result.returncode == 0, result.stderr
        assert check_plan_workbook(tiny, out) == []
        book = openpyxl.load_workbook(out, read_only=True)
        run_rows = {row[0]: row[1] for row in book["run"].iter_rows(min_row=2, values_only=True)}
        assert run_rows["method"] == method
        line = next(line for line in result.stdout.splitlines() if " due, " in line)
        return int(line.split("(")[1].split()[0])

    assert 0 < due_rotated("greedy") <= due_rotated("cp-sat")


def test_mip_method_writes_a_checked_plan_with_cp_sat_s_optimum_and_a_clean_stdout(
    tiny: Path, tmp_path: Path
) -> None:
    """Issue 6: the same model under HiGHS reaches the same value on every level; HiGHS's banner,
    printed by its first constructor before output can be turned off, never reaches stdout."""

    def levels(method: str) -> dict[str, str]:
        out = tmp_path / f"{method}.xlsx"
        result = run("solve", str(tiny), "-o", str(out), "--method", method, "--lang", "en")
        assert result.returncode == 0, result.stderr
        assert "HiGHS" not in result.stdout + result.stderr
        assert check_plan_workbook(tiny, out) == []
        book = openpyxl.load_workbook(out, read_only=True)
        facts = {row[0]: row[1] for row in book["run"].iter_rows(min_row=2, values_only=True)}
        assert facts["method"] == method
        # "optimal; objective 54; bound 54; gap 0.0000; 0.03 s": all but the time.
        return {k: v.rsplit(";", 1)[0] for k, v in facts.items() if str(k).startswith("level ")}

    mip = levels("mip")
    assert mip and all(value.startswith("optimal;") for value in mip.values())
    assert mip == levels("cp-sat")


@pytest.mark.parametrize("module", ["rotation.cli.main", "rotation.cli.scenarios", "rotation.cli.reports"])
def test_each_command_module_imports_first_on_its_own(module: str) -> None:
    """Regression: rotation.cli.main and the command modules once imported each other in a cycle."""
    result = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_check_names_the_due_people_who_can_move_nowhere_and_the_lever(tiny: Path) -> None:
    """Kindergarten 0015 is in no group: under destination_scope=group its due people can go nowhere (C3)."""
    result = CliRunner().invoke(main, ["check", str(tiny)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    heading = next(line for line in lines if line.startswith("应交流但无处可去的人员 (C3):"))
    people = int(heading.split(":")[1].split("人")[0])
    school = next(line for line in lines if line.split()[:1] == ["0015"])
    in_no_group = int(school.split()[2])
    assert 0 < in_no_group <= people
    assert school.endswith("C3：所在学校未加入任何集团（destination_scope=group）")
    assert (
        f"其中 {in_no_group} 人所在学校未加入任何集团: 设 --set destination_scope=district 后"
        in result.output
    )

    district = CliRunner().invoke(main, ["check", str(tiny), "--set", "destination_scope=district"])
    assert district.exit_code == 0, district.output
    assert not any(line.split()[:1] == ["0015"] for line in district.output.splitlines())
    assert "destination_scope=district 后" not in district.output

    english = CliRunner().invoke(main, ["check", str(tiny), "--lang", "en"])
    assert f"Due people who can move nowhere (C3): {people}, at " in english.output
    assert (
        f"{in_no_group} of them are at schools in no group: --set destination_scope=district"
        in english.output
    )


def test_notices_and_report_refuse_an_input_that_is_not_the_plan_s(tiny: Path, tmp_path: Path) -> None:
    """Issue 10: with another workbook's school names the pages would name the wrong schools."""
    plan = tmp_path / "plan.xlsx"
    assert run("solve", str(tiny), "-o", str(plan), "--time-limit", "60").returncode == 0
    renamed = tmp_path / "renamed.xlsx"
    book = openpyxl.load_workbook(tiny)
    book["学校"]["B2"] = "另一所学校"
    book.save(renamed)

    notices = run("notices", str(plan), "-o", str(tmp_path / "notices"), "--input", str(renamed))
    assert notices.returncode == EXIT_BAD_INPUT
    assert "不是求解该方案时所用的工作簿" in notices.stderr
    assert "--force" in notices.stderr
    assert not (tmp_path / "notices").exists()
    page = tmp_path / "report.html"
    report = run("report", str(plan), "-o", str(page), "--input", str(renamed), "--lang", "en")
    assert report.returncode == EXIT_BAD_INPUT
    assert "not the workbook this plan was solved from" in report.stderr
    assert not page.exists()

    assert run("report", str(plan), "-o", str(page), "--input", str(tiny)).returncode == 0
    forced = run("report", str(plan), "-o", str(page), "--input", str(renamed), "--force")
    assert forced.returncode == 0, forced.stderr
    assert "另一所学校" in page.read_text(encoding="utf-8")


def test_whatif_shows_live_progress_on_a_terminal(tiny: Path, tmp_path: Path) -> None:
    """Both solves report on the terminal's one live line, each labelled, in the output language."""
    import pty

    main_fd, terminal = pty.openpty()
    try:
        result = subprocess.run(
            [
                str(ROTATION),
                "whatif",
                str(tiny),
                "--set",
                "female_exempt_age=52",
                "-o",
                str(tmp_path / "w.xlsx"),
            ],
            stdout=subprocess.PIPE,
            stderr=terminal,
            text=True,
            timeout=300,
        )
        os.close(terminal)
        terminal = -1
        shown = b""
        while True:
            try:
                chunk = os.read(main_fd, 65536)
            except OSError:  # the terminal's other end is closed: everything is read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        if terminal >= 0:
            os.close(terminal)
        os.close(main_fd)
    assert result.returncode == 0, shown.decode(errors="replace")
    progress = shown.decode()
    assert "基准：第 " in progress and "基准：完成：最优" in progress
    assert "情景：第 " in progress and "情景：完成：最优" in progress


def test_an_unknown_parameter_is_refused_with_the_nearest_key_by_set_and_by_grid(tiny: Path) -> None:
    """Issue 10 §5: a typo gets the key it most likely meant, in the output language."""
    checked = CliRunner().invoke(main, ["check", str(tiny), "--set", "female_exempt=52"])
    assert checked.exit_code == EXIT_BAD_INPUT
    assert "--set：未知参数 'female_exempt'（是否指 female_exempt_age？）" in checked.output
    out = tiny.parent / "sweep.xlsx"
    swept = CliRunner().invoke(main, ["sweep", str(tiny), "--grid", "max_outflow=0.1,0.2", "-o", str(out)])
    assert swept.exit_code == EXIT_BAD_INPUT
    assert "--grid：未知参数 'max_outflow'（是否指 max_outflow_ratio？）" in swept.output
    english = CliRunner().invoke(
        main, ["sweep", str(tiny), "--grid", "max_outflow=0.1", "-o", str(out), "--lang", "en"]
    )
    assert "--grid: unknown parameter 'max_outflow' (did you mean max_outflow_ratio?)" in english.output
    assert not out.exists()
