"""A time budget per file, so that one pathological file ends as a finding, not a stall.

The budget is a real-time interval timer (SIGALRM) whose handler raises `BudgetExceeded` in
the main thread: it stops pure-Python work wherever it is (a parser, a rule), though not in
the middle of one long call into C. Where there is no such timer (Windows, a thread other
than the main one, SIGALRM already in someone else's use) the work runs unbounded.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

DEFAULT_FILE_TIME_BUDGET = 20.0
"""Seconds one file may take, reading and rules together (`file-time-budget`)."""


class BudgetExceeded(BaseException):
    """The time budget of the work at hand ran out.

    A `BaseException`, like `KeyboardInterrupt`, so that the `except Exception` of a parser
    or rule does not take it for that code's own failure.
    """


_armed = False


def _expire(signum: int, frame: FrameType | None) -> None:
    if _armed:  # a late alarm, delivered while the budget was being disarmed, is ignored
        raise BudgetExceeded


def _timer_free() -> bool:
    if not hasattr(signal, "setitimer"):
        return False
    if threading.current_thread() is not threading.main_thread():
        return False
    handler = signal.getsignal(signal.SIGALRM)
    if handler not in (signal.SIG_DFL, signal.SIG_IGN, _expire):
        return False  # someone else's alarm (a test timeout, an embedding program)
    return signal.getitimer(signal.ITIMER_REAL)[0] == 0


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise `BudgetExceeded` inside this block once `seconds` have passed.

    0 means no limit; a block inside another keeps the outer budget.
    """
    global _armed
    if seconds <= 0 or _armed or not _timer_free():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _expire)
    _armed = True
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        yield
    finally:
        _armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def paused() -> Iterator[None]:
    """Stop the clock of the budget under way for this block (work bounded by limits of its
    own, such as a Helm render in its child process, which must not be cut off mid-answer)."""
    if not _armed:
        yield
        return
    remaining = signal.setitimer(signal.ITIMER_REAL, 0)[0]
    try:
        yield
    finally:
        if _armed:
            signal.setitimer(signal.ITIMER_REAL, max(remaining, 1e-6))
