"""Where the solves of a batch or a sweep run: a pool of local processes, or the tasks of a Ray cluster.

Both engines run the same module-level task functions on the same arguments, so that they give the
same plans. A workbook travels by content (``WorkbookContent``), never by path, so that the nodes of a
Ray cluster need no shared disk; results come back as data and the driver writes every file.

``run_tasks`` keeps as many tasks in flight as the engine has slots, so that a task starts when it is
handed over: its time is then counted from its hand-over, and one that runs past ``limit_s`` is ended
and reported as a ``TaskFailure`` of kind ``timeout`` while the others go on. Ray is imported only when
asked for, so that a single machine needs nothing beyond the local pool.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import socket
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

from rotation.text import Text

EngineKind = Literal["local", "ray"]
ENGINES: tuple[EngineKind, ...] = ("local", "ray")
R = TypeVar("R")

# The object store of a Ray cluster started here: it holds the workbooks in flight and the plans coming
# back (a few MB each), not a data set; Ray refuses less than 75 MiB.
LOCAL_OBJECT_STORE_BYTES = 128 * 1024 * 1024
RAY_EXTRA = "pip install 'teacher-rotation[ray]'"
# How long a cluster's head may take to accept a connection before --address is refused.
CONNECT_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class WorkbookContent:
    """An input workbook as bytes, with the file name it had (the run sheet names it)."""

    name: str
    data: bytes

    @classmethod
    def read(cls, path: Path) -> WorkbookContent:
        return cls(path.name, path.read_bytes())

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def path(self) -> Path:
        """The name the loader's messages and the run sheet give it: the file's name, without its folder."""
        return Path(self.name)


@dataclass(frozen=True)
class EngineChoice:
    """Which engine runs the tasks, and how wide.

    ``slots`` is the number of tasks at once on the local pool (0: one per ``cpus_per_task`` cores), or the
    CPUs of the Ray cluster started here (0: every core); with an ``address`` the running cluster's CPUs
    decide. ``cpus_per_task`` is what each task uses (a solve's workers): Ray reserves it as the task's
    ``num_cpus`` and runs as many at once as the cluster's CPUs hold.
    """

    kind: EngineKind = "local"
    slots: int = 0
    address: str | None = None
    cpus_per_task: int = 1


@dataclass(frozen=True)
class TaskFailure:
    """A task that gave no result: ``timeout`` (ended after its time) or ``error`` (a crash)."""

    kind: Literal["timeout", "error"]
    message: Text


class EngineError(Exception):
    """The engine cannot start: Ray missing, or no cluster at the address; ``text`` says which, in both
    languages."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


Call = tuple[Callable[..., Any], tuple[Any, ...]]


class _Engine(Protocol):
    @property
    def slots(self) -> int: ...

    def submit(self, call: Call) -> object: ...

    def wait(self, handles: Sequence[object], timeout_s: float) -> list[object]: ...

    def result(self, handle: object) -> Any: ...

    def end(self, overdue: Sequence[object], running: Sequence[object]) -> bool:
        """Stop the overdue tasks; True when the other running tasks were lost too and must be resubmitted."""
        ...

    def close(self, running: Sequence[object]) -> None: ...


def run_tasks(
    choice: EngineChoice,
    count: int,
    prepare: Callable[[int], Call],
    finished: Callable[[int, Any], None],
    *,
    limit_s: float,
    preload: Sequence[str] = (),
) -> None:
    """Run tasks ``0 .. count-1`` on the chosen engine; ``finished(i, result or TaskFailure)`` for each.

    ``prepare(i)`` gives task i's function and arguments just before it is handed over, so that only
    the workbooks in flight are held in memory. ``finished`` is called in the driver as each task ends,
    in the order they end; an exception from it (an interruption) stops the run and ends the tasks
    still running. ``preload`` names the modules the local pool's processes import once at start.
    """
    if count == 0:
        return
    engine = _start(choice, count, preload)
    running: dict[object, tuple[int, float, Call]] = {}
    next_index = 0
    try:
        while next_index < count or running:
            while next_index < count and len(running) < engine.slots:
                call = prepare(next_index)
                running[engine.submit(call)] = (next_index, time.monotonic(), call)
                next_index += 1
            soonest = min(started for _, started, _ in running.values()) + limit_s
            for handle in engine.wait(list(running), max(0.0, soonest - time.monotonic())):
                index, _, _ = running.pop(handle)
                finished(index, _outcome(engine, handle))
            now = time.monotonic()
            overdue = [handle for handle, (_, started, _) in running.items() if now - started >= limit_s]
            if not overdue:
                continue
            late = [running.pop(handle) for handle in overdue]
            lost = engine.end(overdue, list(running))
            for index, _, _ in late:
                finished(index, TaskFailure("timeout", _overdue_text(limit_s)))
            if lost:
                # The local pool ends every process to stop one: the others start again from scratch.
                calls = list(running.values())
                running.clear()
                for index, _, call in calls:
                    running[engine.submit(call)] = (index, time.monotonic(), call)
    finally:
        engine.close(list(running))


def _outcome(engine: _Engine, handle: object) -> Any:
    try:
        return engine.result(handle)
    except Exception as error:  # a task that crashed (its process died, an exception) is one failed row
        return TaskFailure("error", _crash_text(error))


def _crash_text(error: BaseException) -> Text:
    detail = f"{type(error).__name__}: {error}".strip()
    return Text(f"the task crashed: {detail}", f"任务异常终止：{detail}")


def _overdue_text(limit_s: float) -> Text:
    return Text(
        f"no answer within {limit_s:.0f} s (the time limit and the time to load and write); ended",
        f"{limit_s:.0f} 秒内（时限加上读写的时间）没有结果，已终止",
    )


def _start(choice: EngineChoice, count: int, preload: Sequence[str]) -> _Engine:
    if choice.kind == "ray":
        return _RayEngine(choice)
    slots = choice.slots or (os.cpu_count() or 1) // max(1, choice.cpus_per_task)
    return _LocalEngine(max(1, min(count, slots)), preload)


# --------------------------------------------------------------------------- the local process pool


class _LocalEngine:
    def __init__(self, slots: int, preload: Sequence[str]) -> None:
        self.slots = slots
        self._preload = list(preload)
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        # forkserver, not fork: the parent may already run OR-Tools or pytest threads, and forking a
        # threaded process can leave a lock held forever in the child. The server imports the task's
        # modules once, so that each worker starts in milliseconds instead of importing OR-Tools again.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(self._preload)
        return ProcessPoolExecutor(max_workers=self.slots, mp_context=context)

    def submit(self, call: Call) -> object:
        function, args = call
        return self._pool.submit(function, *args)

    def wait(self, handles: Sequence[object], timeout_s: float) -> list[object]:
        futures: list[Future[Any]] = list(handles)  # type: ignore[arg-type]
        done, _ = wait(futures, timeout=timeout_s, return_when=FIRST_COMPLETED)
        return [future for future in futures if future in done]

    def result(self, handle: object) -> Any:
        future: Future[Any] = handle  # type: ignore[assignment]
        return future.result()

    def end(self, overdue: Sequence[object], running: Sequence[object]) -> bool:
        # The pool cannot stop one task: its processes (ours) are ended by id and a new pool takes over.
        self._end_processes()
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = self._new_pool()
        return bool(running)

    def close(self, running: Sequence[object]) -> None:
        if running:
            self._end_processes()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _end_processes(self) -> None:
        processes: dict[int, multiprocessing.process.BaseProcess] = (
            getattr(self._pool, "_processes", None) or {}
        )
        for process in list(processes.values()):
            if process.is_alive():
                process.terminate()


# --------------------------------------------------------------------------- Ray


def import_ray() -> Any:
    """The ``ray`` module, or EngineError saying how to install it."""
    try:
        import ray
    except ImportError as error:
        raise EngineError(
            Text(
                f"--engine ray needs Ray, which is not installed: {RAY_EXTRA}",
                f"--engine ray 需要 Ray，但尚未安装：请运行 {RAY_EXTRA}",
            )
        ) from error
    return ray


def _ray_running() -> bool:
    # Not imported just to ask: importing Ray fixes its address settings before start_local_ray's.
    return "ray" in sys.modules and bool(import_ray().is_initialized())


def local_ray_environment() -> None:
    """The settings of a Ray cluster started here: no usage report leaves the machine, and every
    server listens on the loopback address. Ray reads them when it is imported (call this first) and
    the processes it starts inherit them."""
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"  # despite its name: bind to the loopback address


def start_local_ray(cpus: int) -> None:
    """Start a Ray cluster of ``cpus`` CPUs on this machine, every server on 127.0.0.1 only.

    No dashboard, a small object store, no usage report; Ray's own default for a new local cluster,
    a token for every connection, is kept (its notice about it silenced). A cluster that came up on
    another address (Ray imported before ``local_ray_environment``) is stopped and refused.
    """
    local_ray_environment()
    logging.getLogger("ray._private.authentication.authentication_token_setup").setLevel(logging.ERROR)
    ray = import_ray()
    ray.init(
        address="local",
        num_cpus=cpus,
        include_dashboard=False,
        object_store_memory=LOCAL_OBJECT_STORE_BYTES,
        _node_ip_address="127.0.0.1",
        log_to_driver=False,
        logging_level="ERROR",
    )
    address = str(ray.get_runtime_context().gcs_address)
    if not address.startswith("127.0.0.1:"):
        ray.shutdown()
        raise EngineError(
            Text(
                f"the local Ray cluster came up on {address}, not on 127.0.0.1; it was stopped",
                f"本机 Ray 集群启动在 {address}，而不是 127.0.0.1；已停止",
            )
        )


def _join_ray(address: str) -> None:
    _check_answers(address)
    ray = import_ray()
    try:
        ray.init(address=address, log_to_driver=False, logging_level="ERROR")
    except Exception as error:  # Ray raises ConnectionError, RuntimeError or its own kinds
        raise EngineError(_cannot_join(address, f"{type(error).__name__}: {error}")) from error


def _check_answers(address: str) -> None:
    """Refuse at once a ``HOST:PORT`` where nothing listens: Ray itself retries for minutes."""
    host, colon, port = address.rpartition(":")
    if "://" in address or not colon or not port.isdigit():
        return  # Ray's own forms (ray://…, auto) are left to Ray
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_TIMEOUT_S):
            pass
    except OSError as error:
        raise EngineError(_cannot_join(address, error.strerror or str(error))) from error


def _cannot_join(address: str, why: str) -> Text:
    return Text(
        f"--address {address}: cannot join the Ray cluster ({why})",
        f"--address {address}：无法连接 Ray 集群（{why}）",
    )


class _RayEngine:
    """Tasks of a Ray cluster: the one at ``address``, or a local one started here on 127.0.0.1 only."""

    def __init__(self, choice: EngineChoice) -> None:
        self._cpus = max(1, choice.cpus_per_task)
        self._remotes: dict[Callable[..., Any], Any] = {}
        # A cluster this process has already joined (a test's) is used as it is and left running; one
        # started or joined for this run is left at its end.
        self._leave = not _ray_running()
        if self._leave and choice.address is None:
            start_local_ray(choice.slots or os.cpu_count() or 1)
        elif self._leave:
            _join_ray(str(choice.address))
        self._ray = import_ray()
        cpus = int(self._ray.cluster_resources().get("CPU", 0))
        self.slots = max(1, cpus // self._cpus)

    def submit(self, call: Call) -> object:
        function, args = call
        remote = self._remotes.get(function)
        if remote is None:
            # No retries: a task that crashes would crash again; its row says so and a rerun resumes.
            remote = self._ray.remote(function).options(num_cpus=self._cpus, max_retries=0)
            self._remotes[function] = remote
        return remote.remote(*args)

    def wait(self, handles: Sequence[object], timeout_s: float) -> list[object]:
        ready, _ = self._ray.wait(list(handles), num_returns=1, timeout=timeout_s)
        if ready:
            ready, _ = self._ray.wait(list(handles), num_returns=len(handles), timeout=0)
        return list(ready)

    def result(self, handle: object) -> Any:
        return self._ray.get(handle)

    def end(self, overdue: Sequence[object], running: Sequence[object]) -> bool:
        for handle in overdue:
            self._ray.cancel(handle, force=True)
        return False

    def close(self, running: Sequence[object]) -> None:
        for handle in running:
            self._ray.cancel(handle, force=True)
        if self._leave:
            self._ray.shutdown()
