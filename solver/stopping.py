"""Stopping every solve at once: what a signal handler asks for, and the CP-SAT solvers that obey.

A Ctrl-C or SIGTERM must not unwind through CP-SAT's C++ search: an exception raised while its
threads still call back into Python aborts the process ("terminate called after throwing an
instance of 'std::bad_function_call'"). So every CP-SAT solver of the project is a StoppableSolver
(solver.model.make_solver): while one runs it is registered here, request_stop() asks each to stop
searching (CP-SAT's StopSearch), and every solve returns in a moment with what it has. Solves that
start after the request stop at once. The request holds for the process until clear_stop().
"""

from __future__ import annotations

import threading
import time

from ortools.sat.python import cp_model

# A solve registered but not yet inside CP-SAT cannot be told to stop; the request is carried out
# again at this interval while it holds, so that one starting at that very moment stops too.
_REPEAT_S = 0.05

_lock = threading.RLock()
_running: set[StoppableSolver] = set()
_requested = threading.Event()
_watcher: threading.Thread | None = None


class StoppableSolver(cp_model.CpSolver):
    """A CpSolver that stops when request_stop() is called, before or during its solve."""

    def solve(
        self, model: cp_model.CpModel, solution_callback: cp_model.CpSolverSolutionCallback | None = None
    ) -> cp_model.CpSolverStatus:
        arm()
        with _lock:
            _running.add(self)
        try:
            if _requested.is_set():
                # Still solved, so that its response is there to read, but with no time to search.
                self.parameters.max_time_in_seconds = 0.0
            return super().solve(model, solution_callback)
        finally:
            with _lock:
                _running.discard(self)


def arm() -> None:
    """Start the thread that carries out stop requests, so that a signal handler need only ask.

    A handler runs between two bytecodes of the main thread, which may hold a lock of CP-SAT's
    wrapper at that moment: the stopping itself is left to this thread.
    """
    global _watcher
    if _watcher is None or not _watcher.is_alive():
        _watcher = threading.Thread(target=_carry_out, name="stop-solves", daemon=True)
        _watcher.start()


def request_stop() -> None:
    """Stop every running solve and every one that starts later (safe in a signal handler once armed)."""
    _requested.set()
    if _watcher is None or not _watcher.is_alive():
        _stop_running()


def stop_requested() -> bool:
    return _requested.is_set()


def clear_stop() -> None:
    """Let solves run again (a new command in the same process, a test)."""
    _requested.clear()


def _stop_running() -> None:
    with _lock:
        solvers = list(_running)
    for solver in solvers:
        solver.stop_search()


def _carry_out() -> None:
    while True:
        _requested.wait()
        _stop_running()
        time.sleep(_REPEAT_S)
