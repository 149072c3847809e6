"""``rotation report``: the self-contained HTML page, its figures against the plan, and real renders.

The tiny district's plan checks the figures; the sample district's plan is rendered in headless
Chromium at 1400 px, where no text may run out of its box and the page stays under 15,000 px.
"""

from __future__ import annotations

import json
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

from reports.html_report import CHARTS, KEY_STEP, render_report
from reports.plan_reader import read_plan_workbook
from rotation.catalogue import CATALOGUE, RuleId
from rotation.cli.main import EXIT_BAD_INPUT, main
from rotation.cli.reports import report
from rotation.codes import GroupKind
from rotation.workbook.loader import load_workbook

DATA = Path(__file__).resolve().parent.parent / "data"
TINY = DATA / "tiny.xlsx"
DISTRICT = DATA / "district.xlsx"
CHROMIUM = Path("/usr/bin/chromium")
WIDTH, MAX_HEIGHT = 1400, 15_000
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="/usr/bin/chromium is not installed: the headless render is not checked here",
)


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


def tips(drawn: str) -> list[tuple[str, float]]:
    """(what, value) of each bar's tooltip, ``<title>what: value</title>`` inside a rect."""
    found = re.findall(r"<rect [^>]*><title>([^<]*): ([\d.]+%?)</title></rect>", drawn)
    return [(what, float(value.rstrip("%"))) for what, value in found]


def test_headline_figures_equal_the_plan(plan: Path, page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    moves = [r for r in sheet_rows(plan, "调动名单") if r[8] != "S2"]
    due = {r[0] for r in sheet_rows(plan, "资格审查") if r[3] == "应交流"}
    obligations = sheet_rows(plan, "指标完成")
    run = dict((r[0], r[1]) for r in sheet_rows(plan, "运行信息"))
    assert figure(html, "moves") == str(len(moves)) == str(run["moves"])
    assert figure(html, "returns") == str(run["returns"])
    assert figure(html, "extensions") == str(run["extensions"])
    assert figure(html, "due_rotated") == f"{len(due & {r[0] for r in moves})} / {len(due)}"
    # P2: 挂职岗位 (column 12) differs from 岗位 (column 4), e.g. a vice principal as executive principal.
    assert figure(html, "host_posts") == str(sum(1 for r in moves if r[12] != r[4]))
    met = sum(1 for r in obligations if r[6] == "是")
    assert figure(html, "obligations_met") == f"{met} / {len(obligations)}"
    assert figure(html, "status") == run["status"] == "最优"
    assert figure(html, "gap") == f"{float(str(run['gap'])):.2%}"


def test_every_chart_is_inline_svg_with_drawing(page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    for chart in CHARTS:
        drawn = svg(html, chart)
        assert re.search(r"<(rect|path|circle)\b", drawn), chart
        ElementTree.fromstring(drawn)  # well-formed XML: a browser draws it rather than an error box
    assert '<meta charset="utf-8">' in html
    fonts = re.search(r"body \{ font-family: ([^;]+);", html)
    assert fonts is not None
    assert fonts.group(1).startswith('"Noto Sans CJK SC", "Microsoft YaHei"')  # CJK faces before fallback
    assert fonts.group(1).endswith("sans-serif")
    # Self-contained: no script, stylesheet, image or font fetched from anywhere.
    assert not re.search(r"<(script|link|img|iframe)\b|url\(|@import", html)
    assert set(re.findall(r"https?://[^\s\"']+", html)) <= {"http://www.w3.org/2000/svg"}


def test_one_section_per_group_kind_with_every_move_of_its_groups(plan: Path, page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    groups = load_workbook(TINY).roster.groups
    kinds = [kind for kind in GroupKind if any(g.kind is kind for g in groups.values())]
    # In the order of the group kinds, after the overview.
    assert re.findall(r'<section data-kind="([a-z_]+)">', html) == [kind.value for kind in kinds]
    assert html.index('data-section="overview"') < html.index("data-kind=")
    kind_of = {group_id: group.kind for group_id, group in groups.items()}
    moves = Counter((kind_of[str(r[9])], str(r[8])) for r in sheet_rows(plan, "调动名单") if r[9])
    for kind in kinds:
        expected = Counter({rule: n for (k, rule), n in moves.items() if k is kind})
        section = html.split(f'<section data-kind="{kind.value}">')[1].split("</section>")[0]
        if not expected:
            assert "本类集团在本方案中没有调动" in section and "<svg" not in section, kind
            continue
        drawn = svg(section, f"groups-{kind.value}")
        ElementTree.fromstring(drawn)
        by_rule: Counter[str] = Counter()
        for what, value in tips(drawn):
            by_rule[what.split(" ")[-2]] += int(value)  # "<group> <rule> <title>: n"
        assert by_rule == expected, kind
    assert any(moves[(kind, rule)] for kind in kinds for rule in ("G1", "G2", "G3")), "tight groups exchange"


def test_the_key_teacher_chart_marks_n1s_share_and_lists_the_schools_below_it(plan: Path, page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    run = dict((r[0], r[1]) for r in sheet_rows(plan, "运行信息"))
    threshold = float(str(run["min_key_share"]))
    # N1 applies at urban, town and quality schools: those with N1 rows in the obligations sheet.
    n1 = {str(r[2]) for r in sheet_rows(plan, "指标完成") if r[0] == "N1"}
    moved: Counter[str] = Counter()
    key: Counter[str] = Counter()
    for row in sheet_rows(plan, "调动名单"):
        if row[8] != "S2" and str(row[2]) in n1:
            moved[str(row[2])] += 1
            key[str(row[2])] += row[7] not in (None, "无")
    assert moved, "the tiny plan moves people out of N1 schools"
    drawn = svg(html, "key-share")
    assert f'data-marker="{threshold}"' in drawn and f"N1 最低 {threshold:.0%}" in drawn
    # One bar per 10 % of key teachers among a school's movers; together, every N1 school with a mover.
    bars = tips(drawn)
    assert sum(value for _, value in bars) == len(moved)
    assert len(bars) == round(1 / KEY_STEP)
    below = {s for s in moved if key[s] / moved[s] < threshold}
    listed = re.search(r'<table data-table="key-below">.*?</table>', html, re.S)
    assert listed is not None
    assert set(re.findall(r"<tr><td>(\d{4})", listed.group(0))) == below


def test_exemptions_are_counted_as_check_counts_them(plan: Path, page: Path) -> None:
    # The plan was solved with --include-sensitive, but the report shows E4 and E5 only as E*.
    drawn = svg(page.read_text(encoding="utf-8"), "exemptions")
    assert not re.search(r">E[45] |<title>E[45] ", drawn)
    shown = {what.split(" ")[0]: int(value) for what, value in tips(drawn)}
    checked = CliRunner().invoke(main, ["check", str(TINY), "--lang", "en"])
    assert checked.exit_code == 0, checked.output
    printed = dict(re.findall(r"^\s+(E[\d*])\s+(\d+)$", checked.output, re.M))
    assert shown == {code: int(count) for code, count in printed.items()}
    assert shown["E*"], "the tiny district has maternity and medical exemptions"


def test_the_page_explains_every_code_it_shows(plan: Path, page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    legend = re.search(r'<table data-table="legend">.*?</table>', html, re.S)
    assert legend is not None
    explained = re.findall(r"<tr><td>([^<]*)</td>", legend.group(0))
    rules = {str(r[8]) for r in sheet_rows(plan, "调动名单")} | {
        str(r[0]) for r in sheet_rows(plan, "指标完成")
    }
    assert rules <= set(explained)
    for code in rules:
        assert CATALOGUE[RuleId(code)].meaning.zh in legend.group(0)
    assert explained[-1] == "docs/rules.md"


def test_without_the_input_group_kinds_come_from_the_obligations(plan: Path) -> None:
    html = render_report(read_plan_workbook(plan))
    kinds = re.findall(r'<section data-kind="([a-z_]+)">', html)
    assert kinds[: len({"tight", "alliance", "rural", "hs_pair"})] == [
        "tight",
        "alliance",
        "rural",
        "hs_pair",
    ]


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


# --------------------------------------------------------------------------- rendered in Chromium

# Marks on <body> every text that runs out of its box: an SVG text outside its chart's viewBox
# (its own rotation applied), an HTML cell or caption wider than its box; and the page's size.
MEASURE = """<script>
(() => {
  const clipped = [];
  for (const svg of document.querySelectorAll("svg")) {
    const view = svg.viewBox.baseVal;
    for (const text of svg.querySelectorAll("text")) {
      const b = text.getBBox();
      const turn = text.transform.baseVal.numberOfItems ? text.transform.baseVal.consolidate().matrix : null;
      const [left, top, right, bottom] = [b.x, b.y, b.x + b.width, b.y + b.height];
      const corners = [[left, top], [right, top], [left, bottom], [right, bottom]];
      const out = corners.some(([x, y]) => {
        let p = svg.createSVGPoint(); p.x = x; p.y = y;
        if (turn) p = p.matrixTransform(turn);
        return p.x < view.x - 0.5 || p.y < view.y - 0.5
          || p.x > view.x + view.width + 0.5 || p.y > view.y + view.height + 0.5;
      });
      if (out) clipped.push(svg.dataset.chart + ": " + text.textContent);
    }
  }
  for (const el of document.querySelectorAll("td, th, h1, h2, p, summary, figcaption, .figure")) {
    if (el.scrollWidth > el.clientWidth + 1) clipped.push("html: " + el.textContent.slice(0, 60));
  }
  document.body.dataset.clipped = JSON.stringify(clipped);
  document.body.dataset.height = String(document.documentElement.scrollHeight);
  document.body.dataset.width = String(document.documentElement.scrollWidth);
})();
</script>"""


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "profile"
    try:
        return subprocess.run(
            [
                str(CHROMIUM),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={profile}",
                f"--window-size={WIDTH},2000",
                *args,
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=180,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def measure(html: str, tmp_path: Path) -> tuple[list[str], int, int]:
    """The texts that overflow their box, and the page's height and width, at 1400 px."""
    probe = tmp_path / "probe.html"
    probe.write_text(html.replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    dom = chromium(tmp_path, "--dump-dom", probe.as_uri()).stdout
    body = re.search(r'<body data-clipped="([^"]*)" data-height="(\d+)" data-width="(\d+)"', dom)
    assert body is not None, "the measuring script did not run"
    clipped = json.loads(body.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    return clipped, int(body.group(2)), int(body.group(3))


@pytest.fixture(scope="module")
def district_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("district")
    plan = folder / "plan.xlsx"
    solved = CliRunner().invoke(
        main, ["solve", str(DISTRICT), "-o", str(plan), "--time-limit", "120", "--workers", "2"]
    )
    assert solved.exit_code == 0, solved.output
    out = folder / "report.html"
    result = CliRunner().invoke(report, [str(plan), "-o", str(out), "--input", str(DISTRICT)])
    assert result.exit_code == 0, result.output
    return out


@needs_chromium
def test_the_measure_finds_a_clipped_label(tmp_path: Path) -> None:
    # The check below must be able to fail: a label drawn past its chart's edge is reported.
    html = (
        '<!DOCTYPE html><html><body><svg data-chart="t" xmlns="http://www.w3.org/2000/svg" width="100" '
        'height="40" viewBox="0 0 100 40"><text x="90" y="20" font-size="12">第一实验学校</text></svg>'
        "</body></html>"
    )
    clipped, _, _ = measure(html, tmp_path)
    assert clipped == ["t: 第一实验学校"]


@needs_chromium
def test_the_district_report_fits_1400_px_with_nothing_clipped(district_page: Path, tmp_path: Path) -> None:
    html = district_page.read_text(encoding="utf-8")
    assert len(re.findall(r'<section data-kind="', html)) >= 4  # the sample district has every kind
    clipped, height, width = measure(html, tmp_path)
    assert clipped == []
    assert height <= MAX_HEIGHT
    assert width <= WIDTH
    png = tmp_path / "page.png"
    chromium(tmp_path, f"--screenshot={png}", district_page.as_uri())
    assert png.exists() and png.stat().st_size > 20_000
