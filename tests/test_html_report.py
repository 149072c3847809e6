"""``rotation report``: the self-contained HTML page, its figures against the plan, and a real render."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
from click.testing import CliRunner
from test_notices import solve_tiny

from reports.html_report import CHARTS, render_report
from reports.plan_reader import read_plan_workbook
from rotation.cli.main import EXIT_BAD_INPUT
from rotation.cli.reports import report

DATA = Path(__file__).resolve().parent.parent / "data"
TINY = DATA / "tiny.xlsx"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return solve_tiny(tmp_path_factory.mktemp("plan") / "plan.xlsx", "--include-sensitive")


@pytest.fixture(scope="module")
def page(plan: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    result = CliRunner().invoke(report, [str(plan), "-o", str(out), "--input", str(TINY)])
    assert result.exit_code == 0, result.output
    return out


def sheet_rows(plan: Path, title: str) -> list[tuple[object, ...]]:
    """A sheet's rows below its header, read directly (not through reports.plan_reader)."""
    book = openpyxl.load_workbook(plan, read_only=True)
    rows = list(book[title].iter_rows(min_row=2, values_only=True))
    book.close()
    return rows


def figure(html: str, key: str) -> str:
    found = re.search(rf'data-figure="{key}">([^<]*)<', html)
    assert found, key
    return found.group(1)


def svg(html: str, chart: str) -> str:
    found = re.search(rf'<svg data-chart="{chart}".*?</svg>', html, re.S)
    assert found, chart
    return found.group(0)


def test_headline_figures_equal_the_plan(plan: Path, page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    moves = [r for r in sheet_rows(plan, "调动名单") if r[8] != "S2"]
    due = {r[0] for r in sheet_rows(plan, "资格审查") if r[3] == "应交流"}
    obligations = sheet_rows(plan, "指标完成")
    run = dict((r[0], r[1]) for r in sheet_rows(plan, "运行信息"))
    assert figure(html, "moves") == str(len(moves)) == str(run["moves"])
    assert figure(html, "returns") == str(run["returns"])
    assert figure(html, "due_rotated") == f"{len(due & {r[0] for r in moves})} / {len(due)}"
    met = sum(1 for r in obligations if r[6] == "是")
    assert figure(html, "obligations_met") == f"{met} / {len(obligations)}"
    assert figure(html, "status") == run["status"]
    assert figure(html, "gap") == f"{float(str(run['gap'])):.2%}"


def test_every_chart_is_inline_svg_with_drawing(page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    for chart in CHARTS:
        drawn = svg(html, chart)
        assert re.search(r"<(rect|path)\b", drawn), chart
        ElementTree.fromstring(drawn)  # well-formed XML: a browser draws it rather than an error box
    assert '<meta charset="utf-8">' in html
    fonts = re.search(r"body \{ font-family: ([^;]+);", html)
    assert fonts is not None
    assert fonts.group(1).startswith('"Noto Sans CJK SC", "Microsoft YaHei"')  # CJK faces before fallback
    assert fonts.group(1).endswith("sans-serif")
    # Self-contained: no script, stylesheet, image or font fetched from anywhere.
    assert not re.search(r"<(script|link|img|iframe)\b|url\(|@import", html)
    assert set(re.findall(r"https?://[^\s\"']+", html)) <= {"http://www.w3.org/2000/svg"}


def test_charts_carry_the_plans_figures(plan: Path, page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    # One flow band per (from, to, group), its tooltip giving the head count.
    flows = Counter((r[2], r[3], r[9] or "—") for r in sheet_rows(plan, "调动名单"))
    tips = re.findall(r"<path [^>]*><title>([^<]*)</title>", svg(html, "flows"))
    assert len(tips) == len(flows)
    assert sum(int(t.rsplit(": ", 1)[1]) for t in tips) == sum(flows.values())
    for school_id, before, _, _, after, key_before, key_after in sheet_rows(plan, "学校汇总"):
        assert isinstance(before, int) and isinstance(key_before, int)
        assert isinstance(after, int) and isinstance(key_after, int)
        for label, share in (("交流前", key_before / before), ("交流后", key_after / after)):
            assert re.search(rf"<title>{school_id} [^<:]*{label}: {share:.0%}</title>", html)


def test_sensitive_reasons_show_only_as_a_total(plan: Path, page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    reasons = [str(r[4] or "") for r in sheet_rows(plan, "资格审查") if r[3] == "暂不纳入"]
    sensitive = sum(1 for r in reasons if {"E4", "E5"} & set(r.split(";")))
    assert sensitive, "the tiny district has maternity and medical exemptions; the plan shows them"
    drawn = svg(html, "exemptions")
    assert not re.search(r">E[45]<|<title>E[45] ", drawn)  # no bar of its own (the title names the rule)
    assert f"<title>E* 人数: {sensitive}</title>" in drawn


def test_existing_report_is_kept_without_force(plan: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    out.write_text("keep")
    result = CliRunner().invoke(report, [str(plan), "-o", str(out)])
    assert result.exit_code == EXIT_BAD_INPUT and "--force" in result.output
    assert out.read_text() == "keep"
    assert CliRunner().invoke(report, [str(plan), "-o", str(out), "--force"]).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_workbook_text_is_escaped(plan: Path) -> None:
    html = render_report(read_plan_workbook(plan), {"0001": "<script>alert(1)</script>"})
    assert "<script>" not in html and "&lt;script&gt;" in html


@pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="/usr/bin/chromium is not installed: the headless render is not checked here",
)
def test_page_renders_in_headless_chromium(page: Path, tmp_path: Path) -> None:
    common = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    png = tmp_path / "page.png"
    subprocess.run(
        [*common, f"--screenshot={png}", "--window-size=1400,2400", page.as_uri()],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert png.exists() and png.stat().st_size > 20_000
    dom = subprocess.run(
        [*common, "--dump-dom", page.as_uri()], check=True, capture_output=True, text=True, timeout=120
    ).stdout
    for chart in CHARTS:
        assert re.search(rf'<svg data-chart="{chart}"[^>]*>.*?<(rect|path)\b.*?</svg>', dom, re.S), chart
    shutil.rmtree(tmp_path / "profile", ignore_errors=True)
