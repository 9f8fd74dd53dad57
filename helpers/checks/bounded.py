"""Running a learner's answer so that a self-check always ends and never raises.

A wrong answer can wait for ever (a ``get`` nobody feeds, a semaphore never
released) or raise anything. Lessons 04-06's checks run answers through
:func:`call_within`, which gives up after a deadline, and wrap themselves in
:func:`never_raises`, which turns a surprise into a one-line verdict;
:func:`wait_until` lets a check go on as soon as an answer has reached a state.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from helpers.checks.verdict import Verdict, verdict
from helpers.i18n import _


@dataclass
class Outcome:
    """What a call did: returned ``value``, raised ``error``, or was still running at the deadline."""

    value: Any = None
    error: BaseException | None = None
    finished: bool = False
    thread: threading.Thread | None = None

    def describe_error(self) -> str:
        return f"{type(self.error).__name__}: {self.error}" if self.error else ""


def call_within(fn: Callable[..., Any], *args: Any, seconds: float, name: str = "exercise-answer") -> Outcome:
    """Call ``fn(*args)`` in a thread; wait at most ``seconds`` for it.

    The thread is a daemon only as a safety net: if a wrong answer never returns,
    it must not keep the kernel (or a test process) from exiting. The check says
    so in its verdict, and the lesson's last cell names the thread.
    """
    outcome = Outcome()

    def run() -> None:
        try:
            outcome.value = fn(*args)
        except BaseException as exc:  # the check reports whatever the answer raised
            outcome.error = exc
        finally:
            outcome.finished = True

    thread = threading.Thread(target=run, name=name, daemon=True)
    outcome.thread = thread
    thread.start()
    thread.join(timeout=seconds)
    return outcome


def wait_until(test: Callable[[], bool], timeout: float, every: float = 0.005) -> bool:
    """Look at ``test()`` every few milliseconds until it is true or ``timeout`` s have passed.

    A check uses it to go on as soon as the answer has reached a state (a reader
    asleep, a queue empty), instead of sleeping for a fixed time that a busy
    machine may make too short. Returns whether the state was reached.
    """
    deadline = time.monotonic() + timeout
    while not test():
        if time.monotonic() > deadline:
            return False
        time.sleep(every)
    return True


def never_raises(check: Callable[..., Verdict]) -> Callable[..., Verdict]:
    """A self-check that returns a failing Verdict instead of raising, whatever it is given."""

    @functools.wraps(check)
    def guarded(*args: Any, **kwargs: Any) -> Verdict:
        try:
            return check(*args, **kwargs)
        except Exception as exc:  # a check must never stop "Run All"
            return verdict(False, "", _("checking your answer raised {error}: look at the line it names.")
                           .format(error=f"{type(exc).__name__}: {exc}"))

    return guarded
