"""``rotation report``: one self-contained HTML page about a plan, for planners to read and show.

The page reads top down: the headline figures, the district overview (exemptions, obligations,
the key-teacher share of each school's movers against N1's minimum, key-teacher balance, due
people against moves), then one section per group kind (紧密型, 城乡联盟, 乡镇一体化, 高中结对,
领航共建), the obligations missed, and the legend of every code the page shows. Charts summarise
per school or per group, so the page stays a few screens long for a city as for a district; the
lists behind them are folded (``<details>``).

No network and no external assets: the charts are inline SVG drawn here, the style is inline, and
the fonts are a list the reader's system resolves (a CJK font first). Every chart is an
``<svg data-chart="...">``; every headline figure carries ``data-figure``. Label areas are as wide
as their longest label, so no label is cut off. Text from the workbook is always escaped.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from math import ceil, floor, log10
from pathlib import Path

from reports.labels import part_text, status_text
from reports.legend import LegendEntry, legend_entries
from reports.plan_reader import Assignment, ObligationRow, PlanData
from reports.xlsx import atomic_output, text_width
from rotation.catalogue import CATALOGUE, RuleId, parse_rule_id
from rotation.codes import GroupKind, Honor, Status
from rotation.domain import Group
from rotation.parameters import Parameters

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
MET, MISSED, BEFORE, AFTER = PALETTE[2], PALETTE[3], PALETTE[0], PALETTE[1]
# The charts every report has; each group kind present adds ``groups-<kind>``.
CHARTS: tuple[str, ...] = ("exemptions", "obligations", "key-share", "key-balance", "due-moved")
WIDE = 1200  # a chart across the page
KEY_STEP = 0.1  # bins of N1's key-teacher share of movers
BALANCE_STEP = 0.05  # bins of the key-teacher share of a school's staff
HALF = 600  # one of two side by side
ROW = 24  # height of one bar row
FONT = 12
# A table longer than this is folded, so that a city's lists do not make the page endless.
OPEN_ROWS = 40
# The rules whose obligations belong to each kind of group, to tell a group's kind from its obligations
# when the input workbook is not given.
KIND_OF_RULE: dict[RuleId, GroupKind] = {
    RuleId.G1: GroupKind.TIGHT,
    RuleId.G2: GroupKind.TIGHT,
    RuleId.G3: GroupKind.TIGHT,
    RuleId.G4: GroupKind.ALLIANCE,
    RuleId.G5: GroupKind.RURAL,
    RuleId.G6: GroupKind.HS_PAIR,
    RuleId.G7: GroupKind.KINDERGARTEN,
}
# A colour for each code a move can have, the same in every chart: due people in blues, returns
# grey, the obligations' contingents each their own hue.
MOVE_COLORS: dict[str, str] = {
    RuleId.T1: "#4e79a7",
    RuleId.T2: "#a0cbe8",
    RuleId.S2: "#bab0ac",
    RuleId.G1: "#e15759",
    RuleId.G2: "#76b7b2",
    RuleId.G3: "#edc948",
    RuleId.G4: "#b07aa1",
    RuleId.G5: "#59a14f",
    RuleId.G6: "#9c755f",
    RuleId.G7: "#ff9da7",
    RuleId.N1: "#f28e2b",
    RuleId.P1: "#8cd17d",
    RuleId.V: "#499894",
    RuleId.C2: "#d37295",
}


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


def _px(text: str, size: int = FONT) -> float:
    """A generous estimate of the width of ``text`` in pixels: a CJK glyph is one em, others 0.6 em."""
    return text_width(text) * size * 0.6 + 2


def _label(school_id: str, names: Mapping[str, str]) -> str:
    name = names.get(school_id)
    return f"{school_id} {name}" if name else school_id


def _rule_label(code: str) -> str:
    """``G1 管理团队``: a rule ID with its Chinese title from the catalogue; other text as it is."""
    rule_id = parse_rule_id(code)
    return f"{code} {CATALOGUE[rule_id].title.zh}" if rule_id is not None else code


def _open_svg(chart: str, title: str, width: float, height: float) -> list[str]:
    return [
        f'<svg data-chart="{_a(chart)}" xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" '
        f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{_a(title)}">',
        f"<title>{escape(title)}</title>",
    ]


def _legend(series: Sequence[tuple[str, str]], width: float, top: float = 8) -> tuple[list[str], float]:
    """Colour keys laid out in rows across ``width``; the parts and the height they take."""
    parts: list[str] = []
    x, y = 8.0, top
    for name, color in series:
        item = 16 + _px(name) + 18
        if x + item > width and x > 8:
            x, y = 8.0, y + 20
        parts.append(f'<rect x="{x:.0f}" y="{y:.0f}" width="12" height="12" fill="{color}"/>')
        parts.append(f'<text x="{x + 16:.0f}" y="{y + 11:.0f}" font-size="{FONT}">{escape(name)}</text>')
        x += item
    return parts, y + 20 - top


def bar_chart(
    chart: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    percent: bool = False,
    width: float = HALF,
) -> str:
    """Grouped horizontal bars, one group per category; values written at the bar ends."""
    label_width = max([_px(c) for c in categories] + [40.0]) + 12
    value_width = 56
    legend, legend_height = _legend([(s.name, s.color) for s in series], width)
    top = 8 + legend_height + 6
    group_height = ROW * len(series) + 8
    height = top + group_height * max(len(categories), 1) + 8
    peak = max([v for s in series for v in s.values] + [0.0]) or 1.0
    plot = width - label_width - value_width
    parts = [*_open_svg(chart, title, width, height), *legend]
    if not categories:
        parts.append(f'<text x="{label_width:.0f}" y="{top + 16:.0f}" font-size="{FONT}">（无数据）</text>')
    for row, category in enumerate(categories):
        y0 = top + row * group_height
        parts.append(
            f'<text x="{label_width - 8:.0f}" y="{y0 + group_height / 2:.1f}" font-size="{FONT}" '
            f'text-anchor="end" dominant-baseline="middle">{escape(category)}</text>'
        )
        for index, s in enumerate(series):
            value = s.values[row]
            y = y0 + index * ROW
            length = plot * value / peak
            shown = f"{value:.0%}" if percent else _num(value)
            parts.append(
                f'<rect x="{label_width:.0f}" y="{y:.0f}" width="{length:.1f}" height="{ROW - 4}" '
                f'fill="{s.color}"><title>{escape(category)} {escape(s.name)}: {shown}</title></rect>'
            )
            parts.append(
                f'<text x="{label_width + length + 4:.1f}" y="{y + (ROW - 4) / 2:.1f}" font-size="11" '
                f'dominant-baseline="middle">{shown}</text>'
            )
    parts.append(
        f'<line x1="{label_width:.0f}" y1="{top - 2:.0f}" x2="{label_width:.0f}" y2="{height - 8:.0f}" '
        'stroke="#555"/>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


def stacked_bars(
    chart: str, title: str, categories: Sequence[str], stacks: Sequence[Series], width: float = WIDE
) -> str:
    """One horizontal bar per category, split into ``stacks``; the total at the end of each bar."""
    label_width = max([_px(c) for c in categories] + [40.0]) + 12
    legend, legend_height = _legend([(s.name, s.color) for s in stacks], width)
    top = 8 + legend_height + 6
    height = top + ROW * max(len(categories), 1) + 8
    totals = [sum(s.values[row] for s in stacks) for row in range(len(categories))]
    peak = max([*totals, 0.0]) or 1.0
    plot = width - label_width - 56
    parts = [*_open_svg(chart, title, width, height), *legend]
    if not categories:
        parts.append(f'<text x="{label_width:.0f}" y="{top + 16:.0f}" font-size="{FONT}">（无数据）</text>')
    for row, category in enumerate(categories):
        y = top + row * ROW
        parts.append(
            f'<text x="{label_width - 8:.0f}" y="{y + (ROW - 4) / 2:.1f}" font-size="{FONT}" '
            f'text-anchor="end" dominant-baseline="middle">{escape(category)}</text>'
        )
        x = label_width
        for s in stacks:
            value = s.values[row]
            if not value:
                continue
            length = plot * value / peak
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.0f}" width="{length:.1f}" height="{ROW - 4}" fill="{s.color}">'
                f"<title>{escape(category)} {escape(s.name)}: {_num(value)}</title></rect>"
            )
            x += length
        parts.append(
            f'<text x="{x + 4:.1f}" y="{y + (ROW - 4) / 2:.1f}" font-size="11" dominant-baseline="middle">'
            f"{_num(totals[row])}</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts)


def histogram(
    chart: str,
    title: str,
    step: float,
    series: Sequence[Series],
    x_name: str,
    marker: tuple[float, str] | None = None,
    width: float = HALF,
) -> str:
    """Vertical bars of counts per bin of ``step`` (bin i covers [i·step, (i+1)·step)), series side by
    side, x labels as percentages, ``x_name`` under them; ``marker`` draws a dashed line at a value
    with its label."""
    bins = max((len(s.values) for s in series), default=0)
    legend, legend_height = _legend([(s.name, s.color) for s in series], width)
    top = 8 + legend_height + 22
    plot_height = 200
    left, right = 36.0, 12.0
    bin_width = (width - left - right) / max(bins, 1)
    bar = (bin_width - 6) / max(len(series), 1)
    peak = max([v for s in series for v in s.values] + [1.0])
    base = top + plot_height
    height = base + 40
    parts = [*_open_svg(chart, title, width, height), *legend]
    parts.append(f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" stroke="#555"/>')
    for index in range(bins):
        x0 = left + index * bin_width
        label = f"{index * step:.0%}–{(index + 1) * step:.0%}"
        parts.append(
            f'<text x="{x0 + bin_width / 2:.1f}" y="{base + 16}" font-size="10" text-anchor="middle">'
            f"{label}</text>"
        )
        for offset, s in enumerate(series):
            value = s.values[index]
            bar_height = plot_height * value / peak
            x = x0 + 3 + offset * bar
            color = s.color
            parts.append(
                f'<rect x="{x:.1f}" y="{base - bar_height:.1f}" width="{bar:.1f}" height="{bar_height:.1f}" '
                f'fill="{color}"><title>{label} {escape(s.name)}: {_num(value)}</title></rect>'
            )
            if value:
                parts.append(
                    f'<text x="{x + bar / 2:.1f}" y="{base - bar_height - 3:.1f}" font-size="10" '
                    f'text-anchor="middle">{_num(value)}</text>'
                )
    if marker is not None:
        value, text = marker
        x = left + value / step * bin_width
        anchor, shift = ("end", -4) if x + _px(text, 11) > width - right else ("start", 4)
        parts.append(
            f'<line data-marker="{value}" x1="{x:.1f}" y1="{top - 14}" x2="{x:.1f}" y2="{base}" '
            'stroke="#c00" stroke-width="2" stroke-dasharray="6 4"/>'
        )
        parts.append(
            f'<text x="{x + shift:.1f}" y="{top - 4}" font-size="11" fill="#c00" text-anchor="{anchor}">'
            f"{escape(text)}</text>"
        )
    parts.append(
        f'<text x="{width / 2:.0f}" y="{base + 34}" font-size="11" text-anchor="middle">'
        f"{escape(x_name)}</text>"
    )
    parts.append("</svg>")
    return "\n".join(parts)


def scatter(
    chart: str,
    title: str,
    points: Sequence[tuple[float, float, str]],
    x_name: str,
    y_name: str,
    width: float = HALF,
) -> str:
    """One dot per (x, y, tooltip), with axes and the diagonal y = x for reference."""
    height = 360.0
    left, bottom, top, right = 48.0, 44.0, 16.0, 16.0
    peak = max([max(x, y) for x, y, _ in points] + [1.0])
    tick = _nice_step(peak)
    limit = ceil(peak / tick) * tick
    plot_w, plot_h = width - left - right, height - top - bottom

    def sx(value: float) -> float:
        return left + plot_w * value / limit

    def sy(value: float) -> float:
        return top + plot_h * (1 - value / limit)

    parts = _open_svg(chart, title, width, height)
    for index in range(int(limit / tick) + 1):
        value = index * tick
        parts.append(f'<line x1="{sx(0):.1f}" y1="{sy(value):.1f}" x2="{sx(limit):.1f}" y2="{sy(value):.1f}" '
                     'stroke="#eee"/>')  # fmt: skip
        parts.append(
            f'<text x="{left - 6:.0f}" y="{sy(value):.1f}" font-size="10" text-anchor="end" '
            f'dominant-baseline="middle">{_num(value)}</text>'
        )
        parts.append(
            f'<text x="{sx(value):.1f}" y="{height - bottom + 14:.0f}" font-size="10" text-anchor="middle">'
            f"{_num(value)}</text>"
        )
    parts.append(
        f'<line x1="{sx(0):.1f}" y1="{sy(0):.1f}" x2="{sx(limit):.1f}" y2="{sy(limit):.1f}" stroke="#999" '
        'stroke-dasharray="4 4"><title>调出 = 应交流</title></line>'
    )
    for x, y, tip in points:
        parts.append(
            f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="4" fill="{BEFORE}" fill-opacity="0.6">'
            f"<title>{escape(tip)}</title></circle>"
        )
    parts.append(
        f'<text x="{left + plot_w / 2:.0f}" y="{height - 8:.0f}" font-size="11" text-anchor="middle">'
        f"{escape(x_name)}</text>"
    )
    parts.append(
        # The axis name's centre stays a full line height inside the edge: CJK faces ascend further
        # than Latin ones, and a rotated label's ascent points left.
        f'<text x="18" y="{top + plot_h / 2:.0f}" font-size="11" text-anchor="middle" '
        f'transform="rotate(-90 18 {top + plot_h / 2:.0f})">{escape(y_name)}</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


def _nice_step(peak: float) -> float:
    raw = peak / 5
    power = 10 ** floor(log10(raw)) if raw > 0 else 1
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


# --------------------------------------------------------------------------- the figures


def headline(plan: PlanData) -> dict[str, str]:
    """The headline figures as shown, by key (also the ``data-figure`` attribute)."""
    due = len(plan.due_ids)
    gap = plan.gap
    extensions = plan.run.get("extensions")
    return {
        "moves": str(len(plan.moves)),
        "returns": str(len(plan.assignments) - len(plan.moves)),
        "extensions": str(extensions) if isinstance(extensions, int | float) else "—",
        "due_rotated": f"{plan.due_moved} / {due}",
        "host_posts": str(sum(1 for move in plan.moves if serves_another_post(move))),
        "obligations_met": f"{plan.obligations_met} / {len(plan.obligations)}",
        "exempt": str(sum(1 for row in plan.eligibility if row.status is Status.EXEMPT)),
        "status": status_text(plan.status, "zh") if plan.status else "—",
        "gap": "—" if gap is None else f"{gap:.2%}",
    }


FIGURE_LABELS: dict[str, str] = {
    "moves": "交流人数",
    "returns": "期满返回",
    "extensions": "延期留任",
    "due_rotated": "应交流已安排",
    "host_posts": "挂职任职",
    "obligations_met": "指标达标",
    "exempt": "暂不纳入",
    "status": "求解状态",
    "gap": "最优性差距",
}


def serves_another_post(move: Assignment) -> bool:
    """P2: the post at the host differs from the one held at home (a vice principal as 执行校长…)."""
    return move.host_post is not None and move.post is not None and move.host_post.value != move.post.value


def is_key(move: Assignment) -> bool:
    return move.honor is not None and move.honor is not Honor.NONE


def min_key_share(plan: PlanData) -> float:
    """N1's key-teacher share as the plan was solved (its run sheet), else the default."""
    value = plan.run.get("min_key_share")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    try:
        return float(str(value))
    except ValueError:
        return Parameters.min_key_share


@dataclass(frozen=True, slots=True)
class KeyShare:
    """A school's new moves out and the key teachers among them (N1's key share)."""

    school_id: str
    moved: int
    key: int

    @property
    def share(self) -> float:
        return self.key / self.moved if self.moved else 0.0


def key_shares(plan: PlanData) -> list[KeyShare]:
    """Per N1 school with a new move out, how many of its movers are key teachers; in school order.

    N1's schools (urban, town and quality ones) are those with N1 rows in the obligations sheet; a
    plan without any is taken to be about every school.
    """
    moved: Counter[str] = Counter()
    key: Counter[str] = Counter()
    for move in plan.moves:
        moved[move.from_school_id] += 1
        key[move.from_school_id] += is_key(move)
    n1 = {o.school_id for o in plan.obligations if o.rule == RuleId.N1}
    return [KeyShare(s, moved[s], key[s]) for s in plan.school_ids() if moved[s] and (s in n1 or not n1)]


def _bin_counts(values: Sequence[float], step: float, span: Sequence[float] = (1.0,)) -> list[float]:
    """How many ``values`` fall in each bin of ``step``, from 0 up to the largest of ``span`` (100 % by
    default). A value on a boundary (20 %) counts in the bin it starts; the top edge in the last bin."""
    bins = max(1, ceil(round(max(span, default=0.0) / step, 9)))
    counts = [0.0] * bins
    for value in values:
        counts[min(floor(round(value / step, 9)), bins - 1)] += 1
    return counts


# --------------------------------------------------------------------------- groups


@dataclass(frozen=True, slots=True)
class GroupView:
    """A group as the report shows it: from the input workbook, or told from the plan's obligations."""

    group_id: str
    name: str
    kind: GroupKind | None
    school_ids: tuple[str, ...]


def group_views(plan: PlanData, groups: Sequence[Group]) -> list[GroupView]:
    """Every group of the input, or without it every group the plan names, with its kind where known."""
    if groups:
        return [GroupView(g.group_id, g.name, g.kind, g.school_ids) for g in groups]
    kinds: dict[str, GroupKind] = {}
    schools: dict[str, dict[str, None]] = defaultdict(dict)
    for obligation in plan.obligations:
        rule_id = parse_rule_id(obligation.rule)
        if obligation.group_id and rule_id in KIND_OF_RULE:
            kinds.setdefault(obligation.group_id, KIND_OF_RULE[rule_id])
    for move in plan.assignments:
        if move.group_id:
            schools[move.group_id].update({move.from_school_id: None, move.to_school_id: None})
    named = sorted(set(kinds) | set(schools))
    return [GroupView(g, g, kinds.get(g), tuple(schools[g])) for g in named]


def _kind_title(kind: GroupKind | None) -> str:
    return kind.zh if kind is not None else "其他集团"


def _group_section(
    kind: GroupKind | None, views: Sequence[GroupView], plan: PlanData, names: Mapping[str, str]
) -> str:
    """One group kind: its obligations, its figures, the moves of each group by rule, each group's details."""
    ids = {v.group_id for v in views}
    moves = [a for a in plan.assignments if a.group_id in ids]
    obligations = [o for o in plan.obligations if o.group_id in ids]
    by_group: dict[str, list[Assignment]] = defaultdict(list)
    for move in moves:
        by_group[move.group_id].append(move)
    labels = [f"{v.group_id} {v.name}" if v.name != v.group_id else v.group_id for v in views]
    stacks = [
        Series(
            _rule_label(code),
            _rule_color(code),
            [float(sum(m.rule == code for m in by_group[v.group_id])) for v in views],
        )
        for code in sorted({m.rule for m in moves}, key=_catalogue_order)
    ]
    chart_key = kind.value if kind is not None else "other"
    title = f"{_kind_title(kind)}：各集团调动人数（按依据）"
    chart = (
        _chart(title, stacked_bars(f"groups-{chart_key}", title, labels, stacks))
        if moves
        else '<p class="note">本类集团在本方案中没有调动。</p>'
    )
    met = sum(1 for o in obligations if o.met)
    schools = {s for v in views for s in v.school_ids}
    figures = _figures(
        {
            "集团": str(len(views)),
            "学校": str(len(schools)),
            "调动人数": str(sum(1 for m in moves if not m.is_return)),
            "期满返回": str(sum(1 for m in moves if m.is_return)),
            "指标达标": f"{met} / {len(obligations)}",
        }
    )
    rows = []
    for view, label in zip(views, labels, strict=True):
        own = [o for o in obligations if o.group_id == view.group_id]
        flows = Counter(
            (m.from_school_id, m.to_school_id) for m in by_group[view.group_id] if not m.is_return
        )
        top = "；".join(f"{a}→{b} ×{n}" for (a, b), n in flows.most_common(3))
        missed = "；".join(" ".join(_obligation_row(o, names)[:4]).strip() for o in own if not o.met)
        rows.append(
            (
                label,
                str(len(view.school_ids)),
                str(sum(1 for m in by_group[view.group_id] if not m.is_return)),
                f"{sum(1 for o in own if o.met)} / {len(own)}",
                top,
                missed,
            )
        )
    table = _table(("集团", "学校数", "调动人数", "指标达标", "主要流向（调出→调入）", "未达标"), rows)
    details = f"<details><summary>各集团明细（{len(views)} 个）</summary>\n{table}\n</details>"
    rules = "、".join(_rule_label(r) for r, k in KIND_OF_RULE.items() if k is kind)
    note = f'<p class="note">本类集团的指标：{escape(rules)}</p>\n' if rules else ""
    return (
        f'<section data-kind="{_a(chart_key)}"><h2>{escape(_kind_title(kind))}</h2>\n{note}{figures}\n'
        f"{chart}\n{details}\n</section>"
    )


def _rule_color(code: str) -> str:
    """One colour per move code on the whole page."""
    return MOVE_COLORS.get(code, "#79706e")


def _chart(title: str, svg: str) -> str:
    """A chart with its title shown above it."""
    return f'<figure class="chart"><figcaption>{escape(title)}</figcaption>\n{svg}\n</figure>'


# --------------------------------------------------------------------------- the page


def _figures(figures: Mapping[str, str], keys: Mapping[str, str] | None = None) -> str:
    cells = []
    for label, value in figures.items():
        key = f' data-figure="{_a(keys[label])}"' if keys else ""
        cells.append(
            f'<div class="figure"><div class="value"{key}>{escape(value)}</div>'
            f'<div class="label">{escape(label)}</div></div>'
        )
    return f'<div class="figures">\n{"".join(cells)}\n</div>'


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], table: str = "") -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "\n".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    attribute = f' data-table="{_a(table)}"' if table else ""
    return f"<table{attribute}>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def _folded(summary: str, content: str, rows: int) -> str:
    """``content`` under ``summary``, folded when it is longer than OPEN_ROWS rows."""
    state = " open" if rows <= OPEN_ROWS else ""
    return f"<details{state}><summary>{escape(summary)}</summary>\n{content}\n</details>"


def _overview(plan: PlanData, names: Mapping[str, str]) -> str:
    """Exemptions and obligations, N1's key-teacher share, key-teacher balance, due against moved."""
    reasons = plan.exemptions_by_reason()
    reason_ids = sorted(reasons, key=_catalogue_order)
    rules = sorted({o.rule for o in plan.obligations}, key=_catalogue_order)
    met = Counter(o.rule for o in plan.obligations if o.met)
    missed = Counter(o.rule for o in plan.obligations if not o.met)
    title = "暂不纳入人数（按原因；E4/E5 合并为 E*，与 check 的统计相同）"
    exemptions = bar_chart(
        "exemptions",
        title,
        [_rule_label(r) for r in reason_ids],
        [Series("人数", PALETTE[4], [float(reasons[r]) for r in reason_ids])],
    )
    charts = [_chart(title, exemptions)]
    title = "指标达标情况（按依据）"
    obligations = bar_chart(
        "obligations",
        title,
        [_rule_label(r) for r in rules],
        [
            Series("达标", MET, [float(met[r]) for r in rules]),
            Series("未达标", MISSED, [float(missed[r]) for r in rules]),
        ],
    )
    charts.append(_chart(title, obligations))
    threshold = min_key_share(plan)
    shares = key_shares(plan)
    title = f"城镇学校和优质学校调出人员中骨干教师的占比（N1：不低于 {threshold:.0%}）"
    key_chart = histogram(
        "key-share",
        title,
        KEY_STEP,
        [Series("学校数", PALETTE[0], _bin_counts([s.share for s in shares], KEY_STEP))],
        "调出人员中骨干教师的占比",
        marker=(threshold, f"N1 最低 {threshold:.0%}"),
    )
    below = sorted((s for s in shares if s.share < threshold), key=lambda s: (s.share, s.school_id))
    below_rows = [(_label(s.school_id, names), str(s.moved), str(s.key), f"{s.share:.0%}") for s in below]
    below_table = _folded(
        f"骨干占比低于 {threshold:.0%} 的学校：{len(below)} 所（有调出的学校共 {len(shares)} 所）",
        _table(("学校", "调出人数", "其中骨干", "骨干占比"), below_rows, "key-below"),
        len(below_rows),
    )
    charts.append(f"<div>{_chart(title, key_chart)}\n{below_table}</div>")
    before = [s.key_share_before for s in plan.schools]
    after = [s.key_share_after for s in plan.schools]
    title = "各校骨干教师占全校人数的比例：交流前与交流后"
    balance = histogram(
        "key-balance",
        title,
        BALANCE_STEP,
        [
            Series("交流前（学校数）", BEFORE, _bin_counts(before, BALANCE_STEP, [*before, *after])),
            Series("交流后（学校数）", AFTER, _bin_counts(after, BALANCE_STEP, [*before, *after])),
        ],
        "骨干教师占全校人数的比例",
    )
    charts.append(_chart(title, balance))
    due, moved = plan.due_by_school(), plan.moved_by_school()
    points = [
        (float(due[s]), float(moved[s]), f"{_label(s, names)}：应交流 {due[s]}，调出 {moved[s]}")
        for s in plan.school_ids()
    ]
    title = "各校应交流人数与调出人数（每点一所学校；虚线为调出 = 应交流）"
    charts.append(_chart(title, scatter("due-moved", title, points, "应交流人数", "调出人数")))
    grid = "\n".join(charts)
    return (
        f'<section data-section="overview"><h2>全区概览</h2>\n<div class="grid">\n{grid}\n</div>\n</section>'
    )


def _catalogue_order(code: str) -> tuple[int, str]:
    rule_id = parse_rule_id(code)
    order = list(CATALOGUE)
    return (order.index(rule_id) if rule_id is not None else len(order), code)


def _missed(plan: PlanData, names: Mapping[str, str]) -> str:
    missed = sorted(
        (o for o in plan.obligations if not o.met),
        key=lambda o: (_catalogue_order(o.rule), o.group_id, o.school_id),
    )
    rows = [_obligation_row(o, names) for o in missed]
    table = _table(("依据", "集团代码", "学校", "项目", "要求", "实际"), rows, "obligations")
    summary = f"未达标 {len(missed)} 项，达标 {plan.obligations_met} 项（共 {len(plan.obligations)} 项）"
    return f"<section><h2>未达标的指标</h2>\n{_folded(summary, table, len(rows))}\n</section>"


def _obligation_row(o: ObligationRow, names: Mapping[str, str]) -> tuple[str, ...]:
    school = _label(o.school_id, names) if o.school_id else ""
    return (
        _rule_label(o.rule),
        o.group_id,
        school,
        part_text(o.part, "zh"),
        _num(o.required),
        _num(o.achieved),
    )


def page_codes(plan: PlanData) -> list[LegendEntry]:
    """The legend of the page: every code its charts and tables show, from the catalogue."""
    shown = [
        [(a.rule,) for a in plan.assignments],
        [(o.rule,) for o in plan.obligations],
        [(reason,) for reason in plan.exemptions_by_reason()],
        [("N1",)],  # the key-teacher chart's line
    ]
    return legend_entries(shown, "zh")


def render_report(
    plan: PlanData, names: Mapping[str, str] | None = None, groups: Sequence[Group] = ()
) -> str:
    """The whole page as a string. ``groups`` (from the input workbook) give each group its kind and name;
    without them a group's kind is told from its obligations."""
    names = names or {}
    figures = _figures(
        {FIGURE_LABELS[k]: v for k, v in headline(plan).items()}, {FIGURE_LABELS[k]: k for k in FIGURE_LABELS}
    )
    views = group_views(plan, groups)
    by_kind: dict[GroupKind | None, list[GroupView]] = defaultdict(list)
    for view in views:
        by_kind[view.kind].append(view)
    kinds: list[GroupKind | None] = [kind for kind in GroupKind if by_kind.get(kind)]
    if by_kind.get(None):
        kinds.append(None)
    sections = "\n".join(_group_section(kind, by_kind[kind], plan, names) for kind in kinds)
    legend_rows = [entry.cells for entry in page_codes(plan)]
    title = f"交流轮岗方案报告 — {plan.path.name}"
    when = plan.effective_date.isoformat() if plan.effective_date else "—"
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>
body {{ font-family: {FONTS}; margin: 24px; color: #222; }}
main {{ max-width: {WIDE + 40}px; }}
svg {{ font-family: {FONTS}; max-width: 100%; height: auto; }}
h2 {{ border-bottom: 2px solid #4e79a7; padding-bottom: 4px; margin-top: 32px; }}
.figures {{ display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }}
.figure {{ border: 1px solid #ccc; border-radius: 6px; padding: 8px 16px; min-width: 110px; }}
.figure .value {{ font-size: 22px; font-weight: bold; white-space: nowrap; }}
.figure .label {{ color: #666; }}
.grid {{ display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; margin: 12px 0; }}
.grid > * {{ flex: 0 1 {HALF}px; }}
table {{ border-collapse: collapse; margin: 8px 0; }}
td, th {{ border: 1px solid #ccc; padding: 3px 8px; text-align: left; vertical-align: top; }}
th {{ background: #eef2f8; }}
details > summary {{ cursor: pointer; color: #335; margin: 6px 0; }}
figure.chart {{ margin: 0; }}
figcaption {{ font-weight: bold; margin: 4px 0 6px; }}
.note {{ color: #555; }}
table[data-table="legend"] td:nth-child(-n+3) {{ white-space: nowrap; }}
@page {{ size: A4; margin: 12mm; }}
@media print {{ body {{ margin: 0; }} section, svg, tr {{ break-inside: avoid; }} }}
</style>
</head>
<body>
<main>
<h1>{escape(title)}</h1>
<p>生效日期：{escape(when)}　　方案文件：{escape(plan.path.name)}</p>
{figures}
{_overview(plan, names)}
{sections}
{_missed(plan, names)}
<section data-section="legend"><h2>代码说明</h2>
{_table(("代码", "类别", "名称", "含义"), legend_rows, "legend")}
</section>
</main>
</body>
</html>
"""


def write_report(
    plan: PlanData,
    path: Path,
    names: Mapping[str, str] | None = None,
    groups: Sequence[Group] = (),
    *,
    force: bool,
    protect: Sequence[Path] = (),
) -> None:
    """Write the page atomically (a temporary file renamed into place); never over a file without force."""
    page = render_report(plan, names, groups)
    with atomic_output(path, force=force, protect=protect) as temporary:
        temporary.write_text(page, encoding="utf-8")
