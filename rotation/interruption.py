"""A stop asked for by SIGINT or SIGTERM, as every part of the process sees it.

The command layer's signal handler raises ``Interrupted`` where the main thread is, and records the
signal here. Python cannot always let that exception through: raised inside a weakref callback or a
finaliser, it is printed and dropped, and the command would go on to finish its output. So the
writers read ``requested()`` at their commit point (the rename that makes an output visible) and
raise ``Interrupted`` there themselves: a stopped command never leaves an output it had not finished.
"""

from __future__ import annotations

import threading

_signal: int | None = None
_lock = threading.Lock()


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived; a KeyboardInterrupt, so that code that already handles Ctrl-C
    (the batch's resumable runs) handles SIGTERM alike."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def request(signum: int) -> None:
    """Record that ``signum`` asked the process to stop (safe in a signal handler)."""
    global _signal
    _signal = signum


def requested() -> int | None:
    """The signal that asked for a stop, or None."""
    return _signal


def clear() -> None:
    """Forget a stop request (a new command in the same process, a test)."""
    global _signal
    with _lock:
        _signal = None


def check() -> None:
    """Raise Interrupted when a stop was asked for: at a commit point, nothing is made visible after it."""
    signum = _signal
    if signum is not None:
        raise Interrupted(signum)
