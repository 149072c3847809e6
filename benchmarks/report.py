"""``RESULTS.md`` and ``scaling.png`` from the records of one benchmark run."""

from __future__ import annotations

import os
import platform
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path

from benchmarks.agreement import compare_levels
from benchmarks.records import SOLVE_PHASES, RunRecord

BASELINE = "cp-sat"
SHOWN_LEVELS: tuple[str, ...] = ("O1 obligations", "O2 due rotated")

HOW_TAKEN = """\
Every (instance, method) pair runs in a fresh Python process (`python -m benchmarks.run_one`), so its
peak memory is that run's own: interpreter, libraries, workbook, model and solver (the high-water mark
of the process's resident memory, `VmHWM`; `ru_maxrss` would count the parent's memory at the fork). The
phases imports, load, eligibility, solve and export are wall-clock seconds in that process and add up
to the end-to-end time (only the interpreter's own start, a few hundredths of a second, is left out);
the solve's breakdown into build, optimise, explain and exchange (P1's district exchange of principals,
after the parts) is in thread-seconds, summed over the independent parts of the district that are
solved side by side on the workers, so it can add up to more than the solve's wall time. Every run
has the same workers (2), seed (0) and a time limit per method and size; a level cut off by the time
limit shows its status and gap. Ratios (×) are against
CP-SAT on the same instance in the same `make bench` run, never across runs."""


@dataclass
class Section:
    """Text of a section measured in this run (loader, sweep), shown as it was printed."""

    title: str
    lines: list[str] = field(default_factory=list)


@dataclass
class Instance:
    """A generated instance of the run: its name, how it was generated, and its runs."""

    name: str
    description: str
    records: list[RunRecord]


def machine_facts(total_s: float | None) -> list[str]:
    cpu = _cpu_model()
    facts = [
        f"- Date: {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- Machine: {os.cpu_count()} cores{f' ({cpu})' if cpu else ''}, "
        f"{_memory_gib():.0f} GiB, {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}, ortools {_version('ortools')}, "
        f"highspy {_version('highspy')}, matplotlib {_version('matplotlib')}",
    ]
    if total_s is not None:
        facts.append(
            f"- This run of `make bench`, generation of the instances included: {_duration(total_s)}"
        )
    return facts


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def _memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return 0.0


def _duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s" if minutes else f"{rest} s"


def _seconds(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def _ratio(value: float, base: float | None) -> str:
    if base is None or base == 0:
        return "–"
    return f"{value / base:.2f}"


def _level_value(record: RunRecord, name: str) -> str:
    level = record.level(name)
    if level is None:
        return "–"
    value = f"{level.objective:,.0f}" if float(level.objective).is_integer() else f"{level.objective:,.2f}"
    return value if level.status == "optimal" else f"{value} ({level.status})"


def methods_table(records: Sequence[RunRecord]) -> list[str]:
    """One row per method; ratios against the CP-SAT row of the same records."""
    base = next((r for r in records if r.method == BASELINE and r.ok), None)
    solve_head = "solve s (" + " / ".join(SOLVE_PHASES) + ")"
    head = [
        "method",
        "status",
        "imports s",
        "load s",
        "eligibility s",
        solve_head,
        "export s",
        "end to end s",
        "peak MiB",
        "due rotated",
        "hard obligations met",
        *SHOWN_LEVELS,
        "gap",
        "time ×",
        "memory ×",
        "due rotated ×",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for record in records:
        if not record.ok:
            cells = [record.method, f"error: {record.error}"] + ["–"] * (len(head) - 2)
            lines.append("| " + " | ".join(cells) + " |")
            continue
        breakdown = " / ".join(_seconds(record.solve_phases.get(name)) for name in SOLVE_PHASES)
        solve = _seconds(record.phases.get("solve"))
        cells = [
            record.method,
            record.status,
            _seconds(record.phases.get("imports")),
            _seconds(record.phases.get("load")),
            _seconds(record.phases.get("eligibility")),
            f"{solve} ({breakdown})" if record.solve_phases else solve,
            _seconds(record.phases.get("export")),
            _seconds(record.end_to_end_s),
            f"{record.peak_mib:,.0f}",
            f"{record.due_rotated:,} of {record.due:,}",
            f"{record.hard_obligations_met:,} / {record.hard_obligations:,} (of {record.obligations:,})",
            *(_level_value(record, name) for name in SHOWN_LEVELS),
            f"{record.gap:.4f}",
            _ratio(record.end_to_end_s, base.end_to_end_s if base else None),
            _ratio(record.peak_mib, base.peak_mib if base else None),
            _ratio(record.due_rotated, base.due_rotated if base else None),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def agreement_line(records: Sequence[RunRecord]) -> str:
    cp_sat = next((r for r in records if r.method == BASELINE), None)
    mip = next((r for r in records if r.method == "mip"), None)
    if cp_sat is None or mip is None:
        return "Agreement: not measured (cp-sat or mip was not run)."
    if not cp_sat.ok or not mip.ok:
        failed = ", ".join(r.method for r in (cp_sat, mip) if not r.ok)
        return f"Agreement: not measured ({failed} failed)."
    return "Agreement: " + compare_levels(cp_sat.levels, mip.levels).sentence()


def agreement_summary(records: Sequence[RunRecord]) -> str:
    """Over every instance of the run: where CP-SAT and MIP both finished, do they agree?"""
    by_instance: dict[str, list[RunRecord]] = {}
    for record in records:
        by_instance.setdefault(record.instance, []).append(record)
    agreed: list[str] = []
    differed: list[str] = []
    unmeasured: list[str] = []
    for name, runs in by_instance.items():
        cp_sat = next((r for r in runs if r.method == BASELINE and r.ok), None)
        mip = next((r for r in runs if r.method == "mip" and r.ok), None)
        if cp_sat is None or mip is None:
            unmeasured.append(name)
            continue
        agreement = compare_levels(cp_sat.levels, mip.levels)
        (agreed if agreement.agree else differed if agreement.differing else unmeasured).append(name)
    text = (
        f"**CP-SAT and MIP agree on every level both proved optimal on {len(agreed)} of "
        f"{len(by_instance)} instances** ({', '.join(agreed) or 'none'})"
    )
    if differed:
        text += f"; they **differ** on {', '.join(differed)}"
    if unmeasured:
        text += f"; not compared (a run failed or proved no level): {', '.join(unmeasured)}"
    return text + "."


def render(
    instances: Sequence[Instance],
    scaling: Sequence[RunRecord],
    sections: Sequence[Section],
    plot_name: str | None,
    total_s: float | None,
    note: str = "",
    targets: Sequence[str] = (),
) -> str:
    out = [
        "# Benchmarks",
        "",
        "Regenerated by `make bench` (`python -m benchmarks`); do not edit by hand.",
        "",
    ]
    out += [HOW_TAKEN, ""]
    if note:
        out += [note, ""]
    out += [*machine_facts(total_s), ""]
    every_run = [r for instance in instances for r in instance.records]
    every_run += [r for r in scaling if r not in every_run]
    if every_run:
        out += [agreement_summary(every_run), ""]
    if targets:
        out += ["## Speed targets (issue 14)", "", *targets, ""]
    out += ["## Methods on the generated districts", ""]
    out += [
        "Hard obligations met is met / hard, with all obligation rows reported in brackets. "
        "O1 obligations is the first level's value (soft shortfall; 0 when every obligation is met), "
        "O2 due rotated the number of due people moved as the solver counts it; the greedy method "
        "has one level only. A value that is not proved optimal carries its status.",
        "",
    ]
    for instance in instances:
        first = next((r for r in instance.records if r.ok), None)
        size = (
            f"{first.staff:,} staff, {first.schools:,} schools, {first.due:,} due; "
            if first is not None
            else ""
        )
        out += [f"### {instance.name}", "", f"{size}{instance.description}.", ""]
        out += methods_table(instance.records)
        out += ["", agreement_line(instance.records), ""]
    if scaling:
        out += [
            "## How the cost grows",
            "",
            "The `staff-N` instances are the district's layout with its counts of groups and ungrouped "
            "schools scaled to about N staff (seed 1); district, city and large are the runs of the "
            "section above, not run again. Solve is the wall time of the solve phase; end to end "
            "includes imports, loading, eligibility and the export.",
            "",
        ]
        if plot_name:
            out += [f"![solve time and peak memory against staff count]({plot_name})", ""]
        out += [*scaling_table(scaling), ""]
        named = {instance.name for instance in instances}
        for name in dict.fromkeys(r.instance for r in scaling if r.instance not in named):
            line = agreement_line([r for r in scaling if r.instance == name])
            out += [f"- {name}: {line.removeprefix('Agreement: ')}"]
        out += [""]
    for section in sections:
        out += [f"## {section.title}", "", "```", *section.lines, "```", ""]
    return "\n".join(out).rstrip() + "\n"


def scaling_table(records: Sequence[RunRecord]) -> list[str]:
    methods = sorted({r.method for r in records}, key=_method_rank)
    sizes = sorted({(r.staff, r.instance) for r in records if r.staff})
    head = ["staff", "instance", *(f"{m}: solve s / end to end s / peak MiB / status" for m in methods)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for staff, name in sizes:
        cells = [f"{staff:,}", name]
        for method in methods:
            record = next((r for r in records if r.instance == name and r.method == method), None)
            if record is None:
                cells.append("–")
            elif not record.ok:
                cells.append(f"error: {record.error}")
            else:
                cells.append(
                    f"{_seconds(record.phases.get('solve'))} / {_seconds(record.end_to_end_s)} / "
                    f"{record.peak_mib:,.0f} / {record.status}"
                )
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _method_rank(method: str) -> tuple[int, str]:
    order = ("cp-sat", "mip", "greedy")
    return (order.index(method) if method in order else len(order), method)


def plot_scaling(records: Sequence[RunRecord], path: Path) -> None:
    """Solve and end-to-end time, and peak memory, against staff count: log-log, a line per method."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    figure, (times, memory) = plt.subplots(1, 2, figsize=(12, 4.8), constrained_layout=True)
    colours = {"cp-sat": "tab:blue", "mip": "tab:orange", "greedy": "tab:green"}
    for method in sorted({r.method for r in records}, key=_method_rank):
        runs = sorted((r for r in records if r.method == method and r.ok and r.staff), key=lambda r: r.staff)
        if not runs:
            continue
        colour = colours.get(method)
        staff = [r.staff for r in runs]
        solve = [max(r.phases.get("solve", 0.0), 1e-3) for r in runs]
        times.plot(staff, solve, marker="o", color=colour, label=f"{method}: solve")
        times.plot(
            staff,
            [r.end_to_end_s for r in runs],
            linestyle="--",
            color=colour,
            alpha=0.6,
            label=f"{method}: end to end",
        )
        memory.plot(staff, [r.peak_mib for r in runs], marker="o", color=colour, label=method)
        # Runs of an exact method that stopped at the time limit (no proof of optimality) are ringed;
        # the greedy method never proves anything.
        cut = [
            (r.staff, max(r.phases.get("solve", 0.0), 1e-3))
            for r in runs
            if r.status != "optimal" and method != "greedy"
        ]
        if cut:
            times.scatter(
                [x for x, _ in cut],
                [y for _, y in cut],
                s=160,
                facecolors="none",
                edgecolors=colour,
                linewidths=1.5,
            )
    plain = FuncFormatter(lambda value, _: f"{value:,.10g}")
    for axis, label in ((times, "seconds (wall clock)"), (memory, "peak memory, MiB")):
        axis.set_xscale("log")
        axis.set_yscale("log")
        for ticks in (axis.xaxis, axis.yaxis):
            # 1, 2, 5 of every decade: memory spans less than a decade, which plain powers of ten miss.
            ticks.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
            ticks.set_major_formatter(plain)
            ticks.set_minor_formatter(NullFormatter())
        axis.set_xlabel("staff")
        axis.set_ylabel(label)
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=8)
    times.set_title("Time (ringed: cut off by the time limit, not proved optimal)")
    memory.set_title("Peak memory of the run's process")
    figure.suptitle("How the cost grows with the district (2 workers, seed 0)")
    figure.savefig(path, dpi=110)
    plt.close(figure)
