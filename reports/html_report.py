"""``rotation report``: one self-contained HTML page about a plan, for planners to read and show.

No network and no external assets: the charts are inline SVG drawn here, the style is
inline, and the fonts are a list the reader's system resolves (a CJK font first). Every
chart is an ``<svg data-chart="...">``; every headline figure carries ``data-figure``.
Text from the workbook is always escaped.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

from reports.plan_reader import PlanData
from reports.xlsx import atomic_output

FONTS = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", sans-serif'
PALETTE: tuple[str, ...] = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)
CHARTS: tuple[str, ...] = ("flows", "key-share", "due-moved", "obligations", "exemptions")
WIDTH = 900
ROW = 22  # height of one bar row, so a chart grows with the number of schools
LABEL_WIDTH = 180


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    color: str
    values: Sequence[float]


def _a(value: object) -> str:
    """An attribute value, escaped with its quotes."""
    return escape(str(value), quote=True)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _label(school_id: str, names: Mapping[str, str]) -> str:
    name = names.get(school_id)
    return f"{school_id} {name}" if name else school_id


def bar_chart(
    chart: str, title: str, categories: Sequence[str], series: Sequence[Series], percent: bool = False
) -> str:
    """Grouped horizontal bars, one group per category; values written at the bar ends."""
    bars = len(series)
    group_height = ROW * bars + 10
    height = 40 + group_height * max(len(categories), 1) + 30
    top = max([v for s in series for v in s.values] + [0.0]) or 1.0
    plot = WIDTH - LABEL_WIDTH - 60
    parts = [
        f'<svg data-chart="{_a(chart)}" xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{_a(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    x = LABEL_WIDTH
    for s in series:
        parts.append(f'<rect x="{x}" y="8" width="12" height="12" fill="{s.color}"/>')
        parts.append(f'<text x="{x + 16}" y="19" font-size="12">{escape(s.name)}</text>')
        x += 30 + 14 * len(s.name)  # CJK glyphs are about 12-14 px wide at this size
    if not categories:
        parts.append(f'<text x="{LABEL_WIDTH}" y="60" font-size="14">（无数据）</text>')
    for row, category in enumerate(categories):
        y0 = 40 + row * group_height
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y0 + group_height / 2}" font-size="12" text-anchor="end" '
            f'dominant-baseline="middle">{escape(category)}</text>'
        )
        for index, s in enumerate(series):
            value = s.values[row]
            y = y0 + index * ROW
            width = plot * value / top
            shown = f"{value:.0%}" if percent else _num(value)
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{ROW - 4}" fill="{s.color}">'
                f"<title>{escape(category)} {escape(s.name)}: {shown}</title></rect>"
            )
            parts.append(
                f'<text x="{LABEL_WIDTH + width + 4:.1f}" y="{y + (ROW - 4) / 2}" font-size="11" '
                f'dominant-baseline="middle">{shown}</text>'
            )
    axis_y = 40 + group_height * max(len(categories), 1)
    parts.append(f'<line x1="{LABEL_WIDTH}" y1="36" x2="{LABEL_WIDTH}" y2="{axis_y}" stroke="#555"/>')
    parts.append("</svg>")
    return "\n".join(parts)


def flow_chart(plan: PlanData, names: Mapping[str, str]) -> str:
    """Sankey-style flows: senders on the left, receivers on the right, one band per (from, to, group).

    Band width is the number of people; colour is the group, so each group's exchanges read as one
    colour, and schools are ordered by their first group to keep a group's bands close together.
    """
    flows: Counter[tuple[str, str, str]] = Counter(
        (a.from_school_id, a.to_school_id, a.group_id or "—") for a in plan.assignments
    )
    groups = sorted({g for _, _, g in flows})
    colors = {g: PALETTE[i % len(PALETTE)] for i, g in enumerate(groups)}
    first_group: dict[str, str] = {}
    for source, target, group in sorted(flows, key=lambda f: (f[2], f[0], f[1])):
        first_group.setdefault(source, group)
        first_group.setdefault(target, group)
    order = sorted(first_group, key=lambda s: (first_group[s], s))
    out_total: Counter[str] = Counter()
    in_total: Counter[str] = Counter()
    for (source, target, _), count in flows.items():
        out_total[source] += count
        in_total[target] += count
    senders = [s for s in order if out_total[s]]
    receivers = [s for s in order if in_total[s]]
    gap = 10
    plot_height = max(300, 24 * max(len(senders), len(receivers), 1))
    total = max(sum(out_total.values()), 1)
    unit = (plot_height - gap * max(len(senders), len(receivers))) / total
    height = plot_height + 60 + 20 * ((len(groups) + 5) // 6)
    left_x, right_x, node_w = LABEL_WIDTH, WIDTH - LABEL_WIDTH, 14
    parts = [
        f'<svg data-chart="flows" xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="调动流向">',
        "<title>调动流向（按集团着色）</title>",
    ]
    if not flows:
        parts.append(f'<text x="{LABEL_WIDTH}" y="60" font-size="14">（本方案无调动）</text>')

    def place(nodes: list[str], totals: Counter[str]) -> dict[str, float]:
        tops, y = {}, 30.0
        for node in nodes:
            tops[node] = y
            y += totals[node] * unit + gap
        return tops

    left_top, right_top = place(senders, out_total), place(receivers, in_total)
    left_used: dict[str, float] = defaultdict(float)
    right_used: dict[str, float] = defaultdict(float)
    rank = {s: i for i, s in enumerate(order)}
    bands = sorted(flows.items(), key=lambda f: (rank[f[0][0]], rank[f[0][1]], f[0][2]))
    # Right ends go in receiver order too, so bands cross as little as this simple layout allows.
    right_order = sorted(bands, key=lambda f: (rank[f[0][1]], rank[f[0][0]], f[0][2]))
    right_start: dict[tuple[str, str, str], float] = {}
    for (source, target, group), count in right_order:
        right_start[(source, target, group)] = right_top[target] + right_used[target]
        right_used[target] += count * unit
    mid = (left_x + node_w + right_x) / 2
    for (source, target, group), count in bands:
        thick = count * unit
        y0 = left_top[source] + left_used[source]
        left_used[source] += thick
        y1 = right_start[(source, target, group)]
        x0, x1 = left_x + node_w, right_x
        path = (
            f"M{x0},{y0:.1f} C{mid},{y0:.1f} {mid},{y1:.1f} {x1},{y1:.1f} L{x1},{y1 + thick:.1f} "
            f"C{mid},{y1 + thick:.1f} {mid},{y0 + thick:.1f} {x0},{y0 + thick:.1f} Z"
        )
        tip = f"{_label(source, names)} → {_label(target, names)}（{group}）: {count}"
        parts.append(
            f'<path d="{path}" fill="{colors[group]}" fill-opacity="0.55"><title>{escape(tip)}</title></path>'
        )
    for node in senders:
        h = out_total[node] * unit
        parts.append(
            f'<rect x="{left_x}" y="{left_top[node]:.1f}" width="{node_w}" height="{h:.1f}" fill="#333"/>'
        )
        parts.append(
            f'<text x="{left_x - 6}" y="{left_top[node] + h / 2:.1f}" font-size="12" text-anchor="end" '
            f'dominant-baseline="middle">{escape(_label(node, names))} ({out_total[node]})</text>'
        )
    for node in receivers:
        h = in_total[node] * unit
        parts.append(
            f'<rect x="{right_x}" y="{right_top[node]:.1f}" width="{node_w}" height="{h:.1f}" fill="#333"/>'
        )
        parts.append(
            f'<text x="{right_x + node_w + 6}" y="{right_top[node] + h / 2:.1f}" font-size="12" '
            f'dominant-baseline="middle">{escape(_label(node, names))} ({in_total[node]})</text>'
        )
    parts.append(f'<text x="{left_x + node_w}" y="18" font-size="12" text-anchor="end">调出</text>')
    parts.append(f'<text x="{right_x}" y="18" font-size="12">调入</text>')
    legend_y = plot_height + 50
    for index, group in enumerate(groups):
        x = 20 + (index % 6) * 145
        y = legend_y + 20 * (index // 6)
        parts.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colors[group]}"/>')
        parts.append(f'<text x="{x + 16}" y="{y}" font-size="12">{escape(group)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def headline(plan: PlanData) -> dict[str, str]:
    """The headline figures as shown, by key (also the ``data-figure`` attribute)."""
    due = len(plan.due_ids)
    gap = plan.gap
    return {
        "moves": str(len(plan.moves)),
        "returns": str(len(plan.assignments) - len(plan.moves)),
        "due_rotated": f"{plan.due_moved} / {due}",
        "obligations_met": f"{plan.obligations_met} / {len(plan.obligations)}",
        "status": plan.status or "—",
        "gap": "—" if gap is None else f"{gap:.2%}",
    }


FIGURE_LABELS: dict[str, str] = {
    "moves": "交流人数",
    "returns": "期满返回",
    "due_rotated": "应交流已安排",
    "obligations_met": "指标达标",
    "status": "求解状态",
    "gap": "最优性差距",
}


def render_report(plan: PlanData, names: Mapping[str, str] | None = None) -> str:
    """The whole page as a string."""
    names = names or {}
    schools = plan.school_ids()
    labels = [_label(s, names) for s in schools]
    by_id = {s.school_id: s for s in plan.schools}
    key_before = [by_id[s].key_share_before if s in by_id else 0.0 for s in schools]
    key_after = [by_id[s].key_share_after if s in by_id else 0.0 for s in schools]
    due, moved = plan.due_by_school(), plan.moved_by_school()
    rules = sorted({o.rule for o in plan.obligations})
    met = Counter(o.rule for o in plan.obligations if o.met)
    missed = Counter(o.rule for o in plan.obligations if not o.met)
    reasons = plan.exemptions_by_reason()
    reason_ids = sorted(reasons, key=lambda r: (r == "E*", r))
    figures = "\n".join(
        f'<div class="figure"><div class="value" data-figure="{key}">{escape(value)}</div>'
        f'<div class="label">{FIGURE_LABELS[key]}</div></div>'
        for key, value in headline(plan).items()
    )
    charts = {
        "flows": flow_chart(plan, names),
        "key-share": bar_chart(
            "key-share",
            "骨干教师占比（交流前 / 交流后）",
            labels,
            [
                Series("交流前", PALETTE[0], key_before),
                Series("交流后", PALETTE[1], key_after),
            ],
            percent=True,
        ),
        "due-moved": bar_chart(
            "due-moved",
            "各校应交流与调出人数",
            labels,
            [
                Series("应交流", PALETTE[3], [float(due[s]) for s in schools]),
                Series("调出", PALETTE[2], [float(moved[s]) for s in schools]),
            ],
        ),
        "obligations": bar_chart(
            "obligations",
            "指标达标情况（按依据）",
            rules,
            [
                Series("达标", PALETTE[2], [float(met[r]) for r in rules]),
                Series("未达标", PALETTE[3], [float(missed[r]) for r in rules]),
            ],
        ),
        "exemptions": bar_chart(
            "exemptions",
            "暂不纳入人数（按依据；E4/E5 合并为 E*）",
            reason_ids,
            [Series("人数", PALETTE[4], [float(reasons[r]) for r in reason_ids])],
        ),
    }
    obligation_rows = "\n".join(
        f'<tr class="{"met" if o.met else "missed"}"><td>{escape(o.rule)}</td><td>{escape(o.group_id)}</td>'
        f"<td>{escape(_label(o.school_id, names) if o.school_id else '')}</td><td>{escape(o.part)}</td>"
        f"<td>{_num(o.required)}</td><td>{_num(o.achieved)}</td><td>{'是' if o.met else '否'}</td></tr>"
        for o in sorted(plan.obligations, key=lambda o: (o.met, o.rule, o.group_id, o.school_id, o.part))
    )
    title = f"交流轮岗方案报告 — {plan.path.name}"
    when = plan.effective_date.isoformat() if plan.effective_date else "—"
    sections = [
        ("调动流向（按集团）", charts["flows"]),
        ("骨干教师占比", charts["key-share"]),
        ("应交流与调出", charts["due-moved"]),
        ("指标达标", charts["obligations"]),
        ("暂不纳入原因", charts["exemptions"]),
    ]
    body = "\n".join(f"<section><h2>{escape(h)}</h2>\n{svg}\n</section>" for h, svg in sections)
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>
body {{ font-family: {FONTS}; margin: 24px; color: #222; }}
svg {{ font-family: {FONTS}; max-width: 100%; height: auto; }}
.figures {{ display: flex; flex-wrap: wrap; gap: 16px; }}
.figure {{ border: 1px solid #ccc; border-radius: 6px; padding: 10px 18px; min-width: 120px; }}
.figure .value {{ font-size: 24px; font-weight: bold; }}
.figure .label {{ color: #666; }}
table {{ border-collapse: collapse; }}
td, th {{ border: 1px solid #ccc; padding: 3px 8px; }}
tr.missed {{ background: #fde2e2; }}
@media print {{ section {{ break-inside: avoid; }} }}
</style>
</head>
<body>
<h1>{escape(title)}</h1>
<p>生效日期：{escape(when)}</p>
<div class="figures">
{figures}
</div>
{body}
<section><h2>指标明细（未达标在前）</h2>
<table data-table="obligations">
<thead><tr><th>依据</th><th>集团代码</th><th>学校</th><th>项目</th><th>要求</th><th>实际</th><th>是否达标</th></tr></thead>
<tbody>
{obligation_rows}
</tbody>
</table>
</section>
</body>
</html>
"""


def write_report(
    plan: PlanData,
    path: Path,
    names: Mapping[str, str] | None = None,
    *,
    force: bool,
    protect: Sequence[Path] = (),
) -> None:
    """Write the page atomically (a temporary file renamed into place); never over a file without force."""
    page = render_report(plan, names)
    with atomic_output(path, force=force, protect=protect) as temporary:
        temporary.write_text(page, encoding="utf-8")
