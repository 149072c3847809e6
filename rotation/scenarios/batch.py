"""``rotation batch``: every workbook of a folder or a list, under every scenario of a grid, one plan each.

``find_inputs`` lists the workbooks, ``batch_jobs`` pairs them with the grid's scenarios and names each
plan (``<input stem>.xlsx``, ``<input stem>-<scenario>.xlsx`` with a grid), and ``run_batch`` solves
them on an engine (rotation.scenarios.engines), writes each plan with the writer ``rotation solve``
uses, and ends with ``summary.xlsx``: a row per solve with its status, times and KPIs. A solve that
fails is a row with its reason; nothing one workbook does stops the others.

The batch resumes: each finished solve is appended to a manifest in the output folder, keyed by the
input's SHA-256, the scenario's values, the seed, the language and the program's version. A rerun
reuses a row whose key is unchanged and whose plan is still there (or whose failure would repeat: bad
input, no plan under the rules), and solves the rest.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rotation import __version__
from rotation.figures import Kpis, compute_kpis
from rotation.parameters import ParameterError
from rotation.scenarios.engines import EngineChoice, TaskFailure, WorkbookContent, run_tasks
from rotation.scenarios.solved import load_and_solve
from rotation.scenarios.sweep import grid_scenarios
from rotation.text import Text

SUMMARY_NAME = "summary.xlsx"
MANIFEST_NAME = ".batch-manifest.jsonl"
MANIFEST_VERSION = 1
# Loading a workbook and writing its plan come on top of the solve's own time limit.
BATCH_GRACE_S = 60.0
# Failures that the same input and parameters would repeat: a rerun reuses their rows.
REPEATABLE_FAILURES = frozenset({"bad_input", "infeasible"})
# A scenario's part of a file name keeps letters, digits and these; ';' between rule IDs becomes '+'.
_NAME_KEEPS = "._=+-"
_NAME_MAX = 120
LOCAL = EngineChoice()


class BatchError(Exception):
    """The batch as asked cannot start (no workbooks, clashing names, files it did not write)."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


@dataclass(frozen=True)
class BatchSettings:
    """How every solve of the batch runs: its time limit, its workers (threads, and Ray's ``num_cpus``),
    the seed, and the language of the plan workbooks and the summary."""

    time_limit_s: float = 60.0
    workers: int = 1
    seed: int = 0
    lang: str = "zh"

    def key(self, input_sha256: str, overrides: Mapping[str, str]) -> str:
        """What a solve's plan depends on besides the solver's time: a rerun with the same key reuses it."""
        facts = {
            "input_sha256": input_sha256,
            "overrides": sorted(overrides.items()),
            "seed": self.seed,
            "lang": self.lang,
            "version": __version__,
        }
        return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()


# --------------------------------------------------------------------------- inputs, scenarios, names


@dataclass(frozen=True)
class Scenario:
    """One combination of the grid: its values, and its name in file names and the summary."""

    name: str
    overrides: Mapping[str, str]


def batch_scenarios(grid: Sequence[tuple[str, Sequence[str]]]) -> list[Scenario]:
    """The grid's combinations, first key slowest, each named ``key=value,key=value``; one unnamed
    scenario (the workbooks as they are) without a grid."""
    if not grid:
        return [Scenario("", {})]
    scenarios: list[Scenario] = []
    taken: set[str] = set()
    for overrides in grid_scenarios(grid):
        name = scenario_name(overrides)
        unique, n = name, 1
        while unique.casefold() in taken:  # two values that differ only in characters a file name drops
            n += 1
            unique = f"{name}~{n}"
        taken.add(unique.casefold())
        scenarios.append(Scenario(unique, overrides))
    return scenarios


def scenario_name(overrides: Mapping[str, str]) -> str:
    """``female_exempt_age=52,soft=G4+G6``: readable, and safe in a file name on every system."""
    name = ",".join(f"{key}={_safe(value.replace(';', '+'))}" for key, value in overrides.items())
    if len(name) > _NAME_MAX:
        digest = hashlib.sha256(name.encode()).hexdigest()[:8]
        name = f"{name[: _NAME_MAX - 9]}~{digest}"
    return name


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in _NAME_KEEPS else "_" for c in text.strip())


def find_inputs(source: Path) -> list[Path]:
    """The workbooks of a batch: a folder's ``*.xlsx`` in name order (not Excel's ``~$`` lock files nor
    hidden ones), a single ``.xlsx``, or a text file listing one path a line (relative to the list's
    folder; blank lines and lines starting with ``#`` skipped)."""
    if source.is_dir():
        found = sorted(
            (p for p in source.iterdir() if p.suffix.lower() == ".xlsx" and p.is_file()),
            key=lambda p: p.name,
        )
        inputs = [p for p in found if not p.name.startswith(("~$", "."))]
    elif source.suffix.lower() == ".xlsx":
        inputs = [source]
    else:
        inputs = _listed(source)
    if not inputs:
        raise BatchError(
            Text(f"{source}: no workbooks (*.xlsx) to solve", f"{source}：没有要求解的工作簿（*.xlsx）")
        )
    return inputs


def _listed(source: Path) -> list[Path]:
    try:
        lines = source.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise BatchError(
            Text(
                f"{source}: neither a folder nor a readable list of workbooks ({error})",
                f"{source}：既不是文件夹，也不是可读的工作簿清单（{error}）",
            )
        ) from error
    inputs: list[Path] = []
    seen: set[Path] = set()
    for line in lines:
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        path = Path(entry).expanduser()
        path = path if path.is_absolute() else source.parent / path
        if path.resolve() not in seen:
            seen.add(path.resolve())
            inputs.append(path)
    return inputs


@dataclass(frozen=True)
class BatchJob:
    """One solve of the batch: a workbook under one scenario, and the name of its plan in the output
    folder."""

    input_path: Path
    scenario: Scenario
    output_name: str


def batch_jobs(inputs: Sequence[Path], scenarios: Sequence[Scenario]) -> list[BatchJob]:
    """Every workbook × every scenario, workbook slowest; BatchError when two plans would share a name
    (two inputs of the same stem) or a plan would be named like the summary."""
    by_stem: dict[str, list[Path]] = {}
    for path in inputs:
        by_stem.setdefault(path.stem.casefold(), []).append(path)
    clashes = [paths for paths in by_stem.values() if len(paths) > 1]
    if clashes:
        listed = "; ".join(", ".join(str(p) for p in paths) for paths in clashes)
        raise BatchError(
            Text(
                f"workbooks of the same name would write the same plan: {listed}; rename one of each",
                f"同名的工作簿会写出同一个方案文件：{listed}；请为其中之一改名",
            )
        )
    jobs = [
        BatchJob(
            path, scenario, f"{path.stem}-{scenario.name}.xlsx" if scenario.name else f"{path.stem}.xlsx"
        )
        for path in inputs
        for scenario in scenarios
    ]
    if any(job.output_name.casefold() == SUMMARY_NAME for job in jobs):
        raise BatchError(
            Text(
                f"a workbook named {SUMMARY_NAME} would write its plan over the batch's summary; rename it",
                f"名为 {SUMMARY_NAME} 的工作簿的方案会覆盖批量汇总；请为它改名",
            )
        )
    return jobs


# --------------------------------------------------------------------------- one solve, in a worker


@dataclass(frozen=True)
class JobOutcome:
    """What a worker sends back: how the solve ended, its KPIs, and the plan workbook's bytes."""

    status: str
    message: Text
    input_sha256: str
    kpis: Kpis | None
    plan_workbook: bytes | None
    solve_s: float
    task_s: float


NO_MESSAGE = Text("", "")


def solve_job(content: WorkbookContent, overrides: Mapping[str, str], settings: BatchSettings) -> JobOutcome:
    """Load, solve and write one plan workbook, in a worker; every failure becomes the outcome.

    The workbook comes as bytes and the plan goes back as bytes: a Ray node reads and writes nothing
    of the driver's. The plan is written by the same writer and with the same run sheet as
    ``rotation solve``'s.
    """
    from reports.facts import plan_facts
    from reports.plan_workbook import plan_workbook_bytes
    from rotation.workbook.loader import WorkbookError
    from solver.solve import PinError

    started = time.perf_counter()

    def failed(status: str, message: Text, solve_s: float = 0.0) -> JobOutcome:
        return JobOutcome(status, message, content.sha256, None, None, solve_s, time.perf_counter() - started)

    # Loaded from memory and written to memory: a node's disk (and $TMPDIR) never holds the workbook's
    # personal data; the driver writes the plan.
    try:
        run = load_and_solve(
            content.path,
            overrides,
            time_limit_s=settings.time_limit_s,
            workers=settings.workers,
            seed=settings.seed,
            data=content.data,
        )
    except WorkbookError as error:
        return failed("bad_input", _joined([Text(p.text("en"), p.text("zh")) for p in error.problems]))
    except ParameterError as error:
        return failed("bad_input", _joined(error.texts))
    except PinError as error:
        return failed("bad_input", _joined(error.problems))
    except Exception as error:  # one workbook's crash is its row, not the batch's end
        return failed("error", _crash(error))
    plan = run.plan
    if not plan.status.has_plan:
        return failed(plan.status.value, _joined(plan.explanation), plan.wall_time_s)
    assert run.source is not None
    try:
        elapsed = time.perf_counter() - started
        facts = plan_facts(run.source, plan, "cp-sat", elapsed, settings.lang, seed=settings.seed)
        data = plan_workbook_bytes(
            content.path,
            run.roster,
            run.params,
            run.eligibility,
            plan,
            facts,
            run.source.warnings,
            settings.lang,
        )
    except Exception as error:
        return failed("error", _crash(error), plan.wall_time_s)
    warnings = len(run.source.warnings)
    message = (
        Text(f"{warnings} warnings, listed in the plan's run sheet", f"{warnings} 条警告，见方案的运行信息表")
        if warnings
        else NO_MESSAGE
    )
    kpis = compute_kpis(run.roster, run.eligibility, plan)
    return JobOutcome(
        plan.status.value,
        message,
        content.sha256,
        kpis,
        data,
        plan.wall_time_s,
        time.perf_counter() - started,
    )


def _joined(lines: Sequence[Text]) -> Text:
    return Text("; ".join(line.en for line in lines), "；".join(line.zh for line in lines))


def _crash(error: BaseException) -> Text:
    detail = f"{type(error).__name__}: {error}"
    return Text(f"crashed: {detail}", f"程序出错：{detail}")


# --------------------------------------------------------------------------- rows and the manifest


@dataclass(frozen=True)
class BatchRow:
    """A row of the summary: a workbook under a scenario, how its solve ended, its times and KPIs.

    ``output_name`` is the plan workbook in the output folder, None when the solve gave no plan.
    ``reused`` tells a row taken from an earlier run of the same batch (its times are that run's).
    """

    input_name: str
    scenario: str
    overrides: Mapping[str, str]
    output_name: str | None
    status: str
    message: Text
    kpis: Kpis | None
    input_sha256: str
    solve_s: float
    task_s: float
    reused: bool = False


def _row_json(row: BatchRow) -> dict[str, Any]:
    data = dataclasses.asdict(row)
    data["message"] = {"en": row.message.en, "zh": row.message.zh}
    data.pop("reused")
    return data


def _row_from_json(data: Mapping[str, Any]) -> BatchRow:
    kpis = data.get("kpis")
    return BatchRow(
        input_name=str(data["input_name"]),
        scenario=str(data["scenario"]),
        overrides=dict(data["overrides"]),
        output_name=data["output_name"],
        status=str(data["status"]),
        message=Text(data["message"]["en"], data["message"]["zh"]),
        kpis=Kpis(**kpis) if kpis is not None else None,
        input_sha256=str(data["input_sha256"]),
        solve_s=float(data["solve_s"]),
        task_s=float(data["task_s"]),
        reused=True,
    )


@dataclass(frozen=True)
class _Entry:
    """A manifest line: the plan's key and row; no row while its plan is being written (the file is
    then the batch's own, to write over, but not a plan to reuse)."""

    key: str
    row: BatchRow | None


def _read_manifest(path: Path) -> dict[str, _Entry]:
    """The manifest's entries by plan name, later lines winning; a line cut short by an interruption,
    or of another version, is passed over (its solve is simply done again)."""
    entries: dict[str, _Entry] = {}
    if not path.exists():
        return entries
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            data = json.loads(line)
            if data.get("version") == MANIFEST_VERSION:
                row = _row_from_json(data["row"]) if data["row"] is not None else None
                entries[str(data["output"])] = _Entry(str(data["key"]), row)
        except (ValueError, KeyError, TypeError, AttributeError):
            continue
    return entries


def _entry_line(output_name: str, key: str, row: BatchRow | None) -> str:
    row_data = _row_json(row) if row is not None else None
    data = {"version": MANIFEST_VERSION, "output": output_name, "key": key, "row": row_data}
    return json.dumps(data, ensure_ascii=False) + "\n"


def _rewrite_manifest(path: Path, entries: Mapping[str, _Entry]) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(
        "".join(_entry_line(name, entry.key, entry.row) for name, entry in entries.items()), encoding="utf-8"
    )
    os.replace(temporary, path)


def _append_manifest(path: Path, output_name: str, key: str, row: BatchRow | None) -> None:
    with path.open("a", encoding="utf-8") as manifest:
        manifest.write(_entry_line(output_name, key, row))
        manifest.flush()
        os.fsync(manifest.fileno())


# --------------------------------------------------------------------------- the batch


@dataclass(frozen=True)
class BatchProgress:
    """Where the batch is: rows done of the total (reused rows count as done from the start), and the
    seconds since solving began."""

    done: int
    total: int
    reused: int
    elapsed_s: float

    @property
    def remaining_s(self) -> float | None:
        """The time left at the pace of the solves finished so far; None before the first."""
        solved = self.done - self.reused
        if solved <= 0:
            return None
        return self.elapsed_s / solved * (self.total - self.done)


@dataclass(frozen=True)
class BatchResult:
    rows: tuple[BatchRow, ...]
    wall_time_s: float
    summary: Path
    engine: EngineChoice

    @property
    def solved(self) -> int:
        return sum(1 for row in self.rows if not row.reused)

    @property
    def reused(self) -> int:
        return sum(1 for row in self.rows if row.reused)

    @property
    def failed(self) -> list[BatchRow]:
        return [row for row in self.rows if row.output_name is None]


def run_batch(
    jobs: Sequence[BatchJob],
    outdir: Path,
    settings: BatchSettings,
    engine: EngineChoice = LOCAL,
    *,
    force: bool = False,
    progress: Callable[[BatchProgress], None] | None = None,
) -> BatchResult:
    """Solve every job not done already, write its plan into ``outdir``, then ``summary.xlsx``.

    Raises BatchError before solving anything when ``outdir`` holds files this batch did not write
    under the names it would write (without ``force``), or is one of the input folders. An exception
    from ``progress`` (an interruption) stops the batch; the solves finished so far are kept in the
    manifest, and a rerun goes on from there.
    """
    from reports.batch_workbook import write_batch_summary
    from reports.xlsx import OutputError, atomic_output

    started = time.perf_counter()
    _check_outdir(outdir, jobs)
    manifest_path = outdir / MANIFEST_NAME
    entries = _read_manifest(manifest_path)
    rows: dict[int, BatchRow] = {}
    to_solve: list[int] = []
    hashes: dict[Path, str | OSError] = {}
    for index, job in enumerate(jobs):
        if job.input_path not in hashes:  # once per workbook, whatever the number of scenarios
            try:
                hashes[job.input_path] = _file_sha256(job.input_path)
            except OSError as error:
                hashes[job.input_path] = error
        sha = hashes[job.input_path]
        if isinstance(sha, OSError):
            rows[index] = _unreadable(job, sha)
            continue
        reused = _reusable(entries.get(job.output_name), settings.key(sha, job.scenario.overrides), outdir)
        if reused is not None:
            rows[index] = reused
        else:
            to_solve.append(index)
    _refuse_foreign_files(outdir, [jobs[i] for i in to_solve], entries, force)
    outdir.mkdir(parents=True, exist_ok=True)
    _rewrite_manifest(manifest_path, entries)
    total, reused_count = len(jobs), len(rows)
    solving_started = time.monotonic()

    def report() -> None:
        if progress is not None:
            progress(BatchProgress(len(rows), total, reused_count, time.monotonic() - solving_started))

    def prepare(n: int) -> tuple[Callable[..., JobOutcome], tuple[Any, ...]]:
        job = jobs[to_solve[n]]
        try:
            content = WorkbookContent.read(job.input_path)
        except OSError as error:  # gone or locked since it was hashed
            return _as_it_is, (_unreadable_outcome(job, error),)
        return solve_job, (content, dict(job.scenario.overrides), settings)

    def finished(n: int, outcome: JobOutcome | TaskFailure) -> None:
        index = to_solve[n]
        job = jobs[index]
        target = outdir / job.output_name
        row = _row(job, outcome)
        # Keyed by the input as the worker read it; a row without one (a time-out, a crash, an input
        # gone) is not kept: its solve is simply done again.
        key = settings.key(row.input_sha256, job.scenario.overrides) if row.input_sha256 else None
        plan = outcome.plan_workbook if isinstance(outcome, JobOutcome) else None
        if plan is not None and key is not None:
            # Claimed before it is written: a run stopped in between leaves a file known as the batch's.
            _append_manifest(manifest_path, job.output_name, key, None)
            try:
                with atomic_output(target, force=True) as temporary:
                    temporary.write_bytes(plan)
            except OutputError as error:
                row = dataclasses.replace(row, output_name=None, status="error", message=error.text)
        if row.output_name is None and target.exists():
            target.unlink()  # a plan of an earlier input or parameters would pass for this one's
        rows[index] = row
        if key is not None:
            _append_manifest(manifest_path, job.output_name, key, row)
        report()

    report()
    run_tasks(
        engine,
        len(to_solve),
        prepare,
        finished,
        limit_s=settings.time_limit_s + BATCH_GRACE_S,
        preload=(
            "rotation.scenarios.batch",
            "rotation.workbook.loader",
            "solver.solve",
            "reports.plan_workbook",
        ),
    )
    ordered = tuple(rows[index] for index in range(total))
    wall = time.perf_counter() - started
    summary = outdir / SUMMARY_NAME
    keys_of_grid = list(jobs[0].scenario.overrides) if jobs else []
    write_batch_summary(
        summary, ordered, keys_of_grid, _batch_facts(ordered, settings, engine, wall), settings.lang
    )
    return BatchResult(ordered, wall, summary, engine)


def _check_outdir(outdir: Path, jobs: Sequence[BatchJob]) -> None:
    if outdir.exists() and not outdir.is_dir():
        raise BatchError(Text(f"{outdir}: is a file, not a folder", f"{outdir}：是文件，不是文件夹"))
    folders = {job.input_path.parent.resolve() for job in jobs}
    if outdir.resolve() in folders:
        raise BatchError(
            Text(
                f"{outdir}: is a folder of the input workbooks; the plans go to a folder of their own",
                f"{outdir}：是输入工作簿所在的文件夹；方案须写到另一个文件夹",
            )
        )


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _unreadable_text(job: BatchJob, error: OSError) -> Text:
    reason = error.strerror or str(error)
    return Text(f"{job.input_path}: cannot be read ({reason})", f"{job.input_path}：无法读取（{reason}）")


def _unreadable_outcome(job: BatchJob, error: OSError) -> JobOutcome:
    return JobOutcome("bad_input", _unreadable_text(job, error), "", None, None, 0.0, 0.0)


def _as_it_is(outcome: JobOutcome) -> JobOutcome:
    """A task whose outcome is known before it starts: it goes through the engine like the others."""
    return outcome


def _unreadable(job: BatchJob, error: OSError) -> BatchRow:
    message = _unreadable_text(job, error)
    return BatchRow(
        job.input_path.name,
        job.scenario.name,
        job.scenario.overrides,
        None,
        "bad_input",
        message,
        None,
        "",
        0,
        0,
    )


def _reusable(entry: _Entry | None, key: str, outdir: Path) -> BatchRow | None:
    if entry is None or entry.key != key:
        return None
    row = entry.row
    if row is None:
        return None
    if row.output_name is not None and (outdir / row.output_name).is_file():
        return row
    if row.output_name is None and row.status in REPEATABLE_FAILURES:
        return row
    return None


def _refuse_foreign_files(
    outdir: Path, jobs: Sequence[BatchJob], entries: Mapping[str, _Entry], force: bool
) -> None:
    """Files the batch would write over that no earlier run of it wrote: refused without ``force``."""
    if force:
        return
    foreign = [
        job.output_name
        for job in jobs
        if job.output_name not in entries and (outdir / job.output_name).exists()
    ]
    if not entries and (outdir / SUMMARY_NAME).exists():
        foreign.append(SUMMARY_NAME)
    if foreign:
        shown = ", ".join(foreign[:10]) + (" …" if len(foreign) > 10 else "")
        raise BatchError(
            Text(
                f"{outdir}: {len(foreign)} files this batch would write already exist and were not "
                f"written by it ({shown}); pass --force to overwrite them",
                f"{outdir}：本批次要写出的 {len(foreign)} 个文件已存在，且不是本批次写出的（{shown}）；"
                "要覆盖请加 --force",
            )
        )


def _row(job: BatchJob, outcome: JobOutcome | TaskFailure) -> BatchRow:
    base = BatchRow(
        job.input_path.name,
        job.scenario.name,
        dict(job.scenario.overrides),
        None,
        "error",
        NO_MESSAGE,
        None,
        "",
        0,
        0,
    )
    if isinstance(outcome, TaskFailure):
        return dataclasses.replace(base, status=outcome.kind, message=outcome.message)
    return dataclasses.replace(
        base,
        output_name=job.output_name if outcome.plan_workbook is not None else None,
        status=outcome.status,
        message=outcome.message,
        kpis=outcome.kpis,
        input_sha256=outcome.input_sha256,
        solve_s=round(outcome.solve_s, 3),
        task_s=round(outcome.task_s, 3),
    )


def _batch_facts(
    rows: Sequence[BatchRow], settings: BatchSettings, engine: EngineChoice, wall_time_s: float
) -> list[tuple[Text, object]]:
    solved = [row for row in rows if not row.reused]
    return [
        (Text("solves", "求解任务数"), len(rows)),
        (Text("solved in this run", "本次求解"), len(solved)),
        (Text("reused from an earlier run", "沿用此前结果"), len(rows) - len(solved)),
        (Text("without a plan", "无方案"), sum(1 for row in rows if row.output_name is None)),
        (Text("engine", "计算引擎"), engine.kind),
        (Text("Ray address", "Ray 地址"), engine.address or ""),
        (Text("time limit per solve (s)", "每次求解时限（秒）"), settings.time_limit_s),
        (Text("workers per solve", "每次求解线程数"), settings.workers),
        (Text("seed", "随机种子"), settings.seed),
        (Text("version", "程序版本"), __version__),
        (Text("wall time (s)", "总用时（秒）"), round(wall_time_s, 3)),
        (Text("solve times added up (s)", "各次求解用时之和（秒）"), round(sum(r.task_s for r in solved), 3)),
    ]
