"""Self-checks for lesson 03, Daemon threads and processes."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from helpers.checks.verdict import Verdict, verdict
from helpers.i18n import _, ngettext

__all__ = ["REPORT_WRITER", "check_report_is_complete", "check_stops_on_event"]


REPORT_LINES = 10
# Exercise 03.1's program as given. The lesson's exercise cell holds the same text for the
# learner to change; tests/test_checks_02_03.py fails if the two ever differ.
REPORT_WRITER = r'''
import sys
import threading
import time


def write_report(path):
    with open(path, "w") as report:
        for line in range(1, 11):
            report.write(f"line {line}: half written... ")
            report.flush()
            time.sleep(0.05)
            report.write("done\n")
            report.flush()


writer = threading.Thread(target=write_report, args=(sys.argv[1],), daemon=True)
writer.start()
time.sleep(0.2)
print("main: done")
'''

# Runs the learner's program with one change: in the main thread, time.sleep returns at
# once (and notes what it was asked for). Waiting by sleeping is a guess about how long the
# writer takes, and a guess fails on a slower day; join() and a non-daemon thread do not
# depend on it. The writer thread's own sleeps are untouched.
_BOOTSTRAP = r'''
import os, runpy, sys, threading, time

_sleep = time.sleep


def sleep(seconds):
    if threading.current_thread() is threading.main_thread():
        with open(os.environ["COURSE_MAIN_SLEEPS"], "a") as noted:
            noted.write(f"{seconds}\n")
        return
    _sleep(seconds)


time.sleep = sleep
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
'''


def check_report_is_complete(script: Any, timeout: float = 20) -> Verdict:
    """Exercise 03.1: the report-writing program, run as a real process, always writes every line whole.

    "Always" is tested: the program runs with the main thread's ``time.sleep``
    made instant, so a longer sleep in the main thread (a guess at how long the
    writer needs) fails, while waiting for the writer itself passes.
    """
    import os
    import subprocess
    import sys
    import tempfile

    if not isinstance(script, str) or "def write_report" not in script:
        return verdict(False, "", _("`script` should hold the program's text, with its write_report function."))
    with tempfile.TemporaryDirectory() as folder:
        program, report = Path(folder, "report_writer.py"), Path(folder, "report.txt")
        sleeps = Path(folder, "main_sleeps.txt")
        program.write_text(script, encoding="utf-8")
        env = dict(os.environ, COURSE_MAIN_SLEEPS=str(sleeps))
        try:
            done = subprocess.run([sys.executable, "-c", _BOOTSTRAP, str(program), str(report)],
                                  capture_output=True, text=True, timeout=timeout, env=env)
        except subprocess.TimeoutExpired:
            return verdict(False, "", _("the program did not end within {timeout:g} s.").format(timeout=timeout))
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
            return verdict(False, "", _("the program failed: {message}").format(message=last))
        text = report.read_text(encoding="utf-8") if report.exists() else ""
        asked = [float(line) for line in sleeps.read_text().split()] if sleeps.exists() else []
    lines = text.splitlines(keepends=True)
    whole = [line for line in lines if line.endswith("done\n")]
    if len(whole) == REPORT_LINES and len(lines) == REPORT_LINES:
        return verdict(True, _("all {lines} lines written whole: the program waits for its writer, however long "
                               "the writer takes.").format(lines=REPORT_LINES), "")
    found = (_("the report has {whole} whole lines of {total} (last: {last!r})").format(
        whole=len(whole), total=REPORT_LINES, last=lines[-1]) if lines else _("the report is empty"))
    if any(seconds > 0.2 for seconds in asked):
        return verdict(False, "", _("{found}. The main thread sleeps {seconds:g} s, hoping the writer is done by "
                                    "then: that is a guess, and the check runs your program on a 'slow day' "
                                    "(the main thread's sleeps take no time). Wait for the writer itself.").format(
            found=found, seconds=max(asked)))
    return verdict(False, "", _("{found}. The program exits without waiting for the daemon writer: wait for it "
                                "(join it), or make it a thread Python waits for.").format(found=found))


class _Ticks(list):
    """Refuses new ticks once the check is over (so a worker that never stops dies instead), and
    past a limit no correct worker reaches (so a loop that never waits cannot fill the memory)."""

    closed = False
    flooded = False
    LIMIT = 10_000

    def append(self, item: Any) -> None:
        if self.closed:
            raise RuntimeError("the self-check has ended: this worker should have stopped")
        if len(self) >= self.LIMIT:
            self.flooded = True
            raise RuntimeError("too many ticks: this worker never waits")
        super().append(item)


class _WatchedEvent(threading.Event):
    """An Event that notes whether the worker waits on it (rather than sleeping)."""

    waited = False

    def wait(self, timeout: float | None = None) -> bool:
        self.waited = True
        return super().wait(timeout)


RUN_FOR = 0.5  # seconds the worker runs before it is asked to stop
STOP_WITHIN = 0.5  # seconds it has to return once asked: many times what a correct worker needs
GIVE_UP_AFTER = 3.0  # seconds the check waits at most, so it can report how late a slow worker was


def check_stops_on_event(worker: Any) -> Verdict:
    """Exercise 03.2: ``worker(stop, ticks)`` ticks about every 0.05 s until ``stop`` is set, then returns.

    It runs for 0.5 s, is asked to stop, and must return within 0.5 s (a correct
    worker needs a few milliseconds; the margin holds on a busy machine). The
    check waits up to 3 s, so it can say how late a slow worker was.
    """
    import time

    if not callable(worker):
        return verdict(False, "", _("define a function `worker(stop, ticks)`."))
    stop, ticks, errors = _WatchedEvent(), _Ticks(), []

    def guarded() -> None:
        try:
            worker(stop, ticks)
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")

    # A daemon here only as a safety net: if a wrong answer never returns, it must
    # not keep the kernel from exiting. A correct answer ends before we return.
    thread = threading.Thread(target=guarded, name="exercise-worker", daemon=True)
    thread.start()
    time.sleep(RUN_FOR)
    stop.set()
    asked = time.perf_counter()
    thread.join(timeout=GIVE_UP_AFTER)
    late = time.perf_counter() - asked
    ticks.closed = True  # a worker that is still running dies at its next tick
    if thread.is_alive():
        return verdict(False, "", _("your worker was still running {seconds:g} s after `stop` was set: it must "
                                    "check the event in its loop, `while not stop.is_set():`.").format(
            seconds=GIVE_UP_AFTER))
    expected = round(RUN_FOR / 0.05)
    before = [t for t in ticks if t < asked]
    if ticks.flooded or len(before) > 5 * expected:
        return verdict(False, "", _("{count} ticks in {seconds:g} s: your loop never waits, so it keeps a core busy "
                                    "doing nothing. Wait about 0.05 s between ticks.").format(
            count=len(ticks), seconds=RUN_FOR))
    if errors:
        return verdict(False, "", _("your worker raised {error}").format(error=errors[0]))
    if len(before) < 4:
        return verdict(False, "", ngettext(
            "only {count} tick in {seconds:g} s (about {expected} expected): append to `ticks` about every 0.05 s.",
            "only {count} ticks in {seconds:g} s (about {expected} expected): append to `ticks` about every 0.05 s.",
            len(before)).format(count=len(before), seconds=RUN_FOR, expected=expected))
    if late > STOP_WITHIN:
        return verdict(False, "", _("it took {late:.2f} s to stop; it must return within {limit:g} s. Wait with "
                                    "`stop.wait(0.05)`, which ends as soon as the event is set, not a long "
                                    "sleep.").format(late=late, limit=STOP_WITHIN))
    praise = _("{count} ticks, then stopped {ms:.0f} ms after being asked.").format(
        count=len(before), ms=late * 1000)
    if not stop.waited:
        praise += " " + _("Note: `time.sleep` works here because 0.05 s is short, but the worker cannot stop "
                          "during a sleep. `stop.wait(0.05)` waits the same and wakes at once when asked: with a "
                          "longer interval, only it stops promptly.")
    return verdict(True, praise, "")
