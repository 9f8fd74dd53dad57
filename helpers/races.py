"""Lesson 02's harness for measured races: run the lesson's counting functions on threads.

The lesson writes the functions that count (``counter.value += 1``, the same with
a call inside, the same under a lock); :func:`race` runs one of them on several
threads that start together, and reports what was lost.

Why ``+=`` alone loses nothing on CPython 3.10 and later with the GIL: a running
thread is switched only at *check points* (a function's entry, a backward jump,
a call), and only once another thread has waited ``sys.getswitchinterval()``
seconds for the GIL. The three steps of ``counter.value += 1`` contain no check
point, so no other thread runs between the read and the write; put a call there
and one does. A free-threaded build (``python3.14t``) has no GIL: threads run at
the same time, the switch interval does not apply, and ``+=`` loses updates too.
A lock is the only thing that makes the answer "never".
"""

from __future__ import annotations

import contextlib
import dis
import io
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from helpers.i18n import _


class Counter:
    """Something with a ``value`` for threads to add to."""

    def __init__(self) -> None:
        self.value = 0


class _Forcing:
    """While a self-check forces the race: how long ``one()`` pauses, and how often it ran."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.calls = 0
        self._lock = threading.Lock()

    def pause(self) -> None:
        with self._lock:
            self.calls += 1
        time.sleep(self.seconds)  # gives up the GIL: another thread runs between the read and the write


_forcing: _Forcing | None = None  # set by forcing_a_switch_in_one()


def one() -> int:
    """Return 1: a stand-in for any call between a read and a write (a log line, a lookup).

    It lives here, not in the lesson, so that a self-check can make it pause
    (:func:`forcing_a_switch_in_one`) and so force the race on every run.
    """
    forcing = _forcing
    if forcing is not None:
        forcing.pause()
    return 1


@contextlib.contextmanager
def forcing_a_switch_in_one(seconds: float = 0.0002) -> Iterator[_Forcing]:
    """While active, :func:`one` sleeps briefly, so an unprotected update loses work on every run.

    Yields the record of how many times ``one()`` ran, so a check can tell
    whether the code it ran still calls it.
    """
    global _forcing
    previous, _forcing = _forcing, _Forcing(seconds)
    try:
        yield _forcing
    finally:
        _forcing = previous


def loss_text(expected: int, got: int) -> str:
    """One readable line for any lost-update result: the lessons show every race this way."""
    lost = expected - got
    share = f" ({lost / expected:.0%})" if expected and lost else ""
    return _("expected {expected:,}, got {got:,}: lost {lost:,}{share}").format(
        expected=expected, got=got, lost=lost, share=share)


@dataclass(frozen=True)
class RaceResult:
    """What one race should have counted, and what it did."""

    how: str
    threads: int
    expected: int
    got: int

    @property
    def lost(self) -> int:
        return self.expected - self.got

    def __str__(self) -> str:
        return f"{self.how:<18} " + loss_text(self.expected, self.got)


def race(add: Callable[[Counter, int], None], threads: int = 4, times: int = 100_000,
         switch_interval: float | None = None, timeout: float = 60.0) -> RaceResult:
    """Run ``add(counter, times)`` on ``threads`` threads at once, on one shared counter.

    The threads wait at a Barrier and start together, so they really overlap.
    ``switch_interval`` temporarily changes how long a thread waits for the GIL
    before asking for a switch (restored afterwards, even on error; it has no
    effect on a free-threaded build). An exception in ``add`` is raised here.
    """
    if threads < 1 or times < 0:
        raise ValueError(_("threads must be at least 1 and times not negative"))
    counter, start_line = Counter(), threading.Barrier(threads)
    errors: list[Exception] = []  # shared by the workers, so written under a lock, like any shared list
    errors_lock = threading.Lock()

    def worker() -> None:
        try:
            start_line.wait(timeout=timeout)
            add(counter, times)
        except Exception as exc:  # re-raised below, in the caller's thread: no error is lost
            with errors_lock:
                errors.append(exc)

    previous = sys.getswitchinterval()
    if switch_interval is not None:
        sys.setswitchinterval(switch_interval)
    try:
        workers = [threading.Thread(target=worker, name=f"adder-{i}") for i in range(threads)]
        for thread in workers:
            thread.start()
        deadline = time.monotonic() + timeout
        for thread in workers:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
    finally:
        sys.setswitchinterval(previous)
    if any(thread.is_alive() for thread in workers):
        raise TimeoutError(_("the threads did not finish within {timeout:g} s").format(timeout=timeout))
    if errors:
        raise errors[0]
    return RaceResult(getattr(add, "__name__", "add"), threads, threads * times, counter.value)


SWITCH_POINTS = ("CALL", "JUMP_BACKWARD")  # where a check point is, besides a function's entry (RESUME)


def key_steps(fn: Callable[..., object]) -> str:
    """The bytecode of ``fn``'s loop body: read, add and write as separate steps, check points marked.

    Instruction names differ between Python versions, so lines are picked by what
    they do (attribute access, arithmetic, calls, the jump back) rather than by exact name.
    """
    out = io.StringIO()
    dis.dis(fn, file=out)
    lines = out.getvalue().splitlines()
    body = next((i for i, line in enumerate(lines) if "FOR_ITER" in line), 0)  # skip range(...)
    wanted = ("LOAD_ATTR", "STORE_ATTR", "BINARY_OP", "INPLACE_ADD", "CALL", "JUMP_BACKWARD")
    mark = "    <- " + _("check point: with the GIL, a switch can happen here")
    shown = []
    for line in lines[body:]:
        if any(w in line for w in wanted) and "PRECALL" not in line and "CALL_INTRINSIC" not in line:
            switch = any(point in line for point in SWITCH_POINTS) and "NO_INTERRUPT" not in line
            shown.append(line.rstrip() + (mark if switch else ""))
    return "\n".join(shown)
