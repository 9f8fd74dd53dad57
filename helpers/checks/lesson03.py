"""Self-checks for lesson 03, Daemon threads and processes."""

from __future__ import annotations

import itertools
import threading
from pathlib import Path
from typing import Any

from helpers.checks.verdict import Verdict, verdict
from helpers.i18n import _, ngettext
from helpers.subprocesses import plain_environment

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

# Runs the learner's program with two changes, and notes how its main thread waited.
# 1. In the main thread, time.sleep lasts at most 0.01 s: waiting by sleeping is a guess about
#    how long the writer takes, and a guess fails on a slower day; join() and a non-daemon thread
#    do not depend on it. (Polling, a short sleep in a loop, still waits.) The writer's own
#    sleeps are untouched.
# 2. The main thread's sleeps, joins (with their timeout, and whether the thread was still alive
#    afterwards) and is_alive() calls are counted, and its CPU time measured: a loop spinning on
#    is_alive() waits too, but keeps a core busy doing nothing. Counts, not only CPU time, tell
#    it apart: on a busy machine a spinning loop gets little CPU, but still asks thousands of times.
_BOOTSTRAP = r"""
import json, os, runpy, sys, threading, time

_sleep, _join, _is_alive = time.sleep, threading.Thread.join, threading.Thread.is_alive
_noted = {"sleeps": 0, "longest_sleep": 0.0, "is_alive": 0, "joins": []}


def _in_main():
    return threading.current_thread() is threading.main_thread()


def sleep(seconds):
    if _in_main() and isinstance(seconds, (int, float)):
        _noted["sleeps"] += 1
        _noted["longest_sleep"] = max(_noted["longest_sleep"], float(seconds))
        seconds = min(seconds, 0.01)
    _sleep(seconds)


def join(self, timeout=None):
    _join(self, timeout)
    if _in_main() and len(_noted["joins"]) < 100:
        timeout = float(timeout) if isinstance(timeout, (int, float)) else None
        _noted["joins"].append({"timeout": timeout, "alive": _is_alive(self)})


def is_alive(self):
    if _in_main():
        _noted["is_alive"] += 1
    return _is_alive(self)


time.sleep, threading.Thread.join, threading.Thread.is_alive = sleep, join, is_alive
sys.argv = sys.argv[1:]
_cpu, _wall = time.thread_time(), time.perf_counter()
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
finally:
    _noted.update(cpu=time.thread_time() - _cpu, wall=time.perf_counter() - _wall)
    with open(os.environ["COURSE_MAIN_WAITS"], "w") as noted:
        json.dump(_noted, noted)
"""

SPINS = 1000  # sleeps and is_alive() calls from which the main thread counts as spinning (polling makes ~50)
POLLS = 3  # main-thread sleeps from which waiting counts as polling


def _spun(waits: dict[str, Any]) -> bool:
    """Whether the main thread waited by spinning: thousands of questions, or most of a core for a while."""
    cpu, wall = waits.get("cpu", 0.0), waits.get("wall", 0.0)
    return waits.get("sleeps", 0) + waits.get("is_alive", 0) > SPINS or (cpu > 0.1 and cpu > 0.25 * wall)


def _report_verdict(text: str, waits: dict[str, Any]) -> Verdict:
    """Judge the report the program left, and how its main thread waited for the writer."""
    joins, longest_sleep = waits.get("joins", []), waits.get("longest_sleep", 0.0)
    lines = text.splitlines(keepends=True)
    whole = [line for line in lines if line.endswith("done\n")]
    if _spun(waits):
        return verdict(False, "", _("your main thread waited by spinning: a loop such as `while writer.is_alive(): "
                                    "pass` asks again and again, keeping a core busy doing nothing (exercise 2's "
                                    "check refuses that too). `writer.join(timeout=...)` sleeps until the writer "
                                    "ends."))
    if len(whole) == REPORT_LINES and len(lines) == REPORT_LINES:
        praise = _("all {lines} lines written whole: the program waits for its writer, however long the writer "
                   "takes.").format(lines=REPORT_LINES)
        if any(j["timeout"] is None for j in joins):
            praise += " " + _("Note: `join()` with no timeout would wait for ever if the writer got stuck. "
                              "`writer.join(timeout=60)`, then `writer.is_alive()`, lets the program say so "
                              "instead (the solution does this).")
        elif waits.get("sleeps", 0) >= POLLS and not joins:
            praise += " " + _("Note: asking `is_alive()` between short sleeps works, but `writer.join(timeout=...)` "
                              "does the same wait in one call, and returns the moment the writer ends.")
        return verdict(True, praise, "")
    found = (ngettext("the report has {whole} whole line of {total} (last: {last!r})",
                      "the report has {whole} whole lines of {total} (last: {last!r})", len(whole)).format(
        whole=len(whole), total=REPORT_LINES, last=lines[-1]) if lines else _("the report is empty"))
    short = [j["timeout"] for j in joins if j["alive"] and j["timeout"] is not None]
    if short:
        return verdict(False, "", _("{found}. `join(timeout={timeout:g})` gave up after {timeout:g} s with the "
                                    "writer still running, and the program ended without it. A join timeout is a "
                                    "limit for a thread that may be stuck, not a guess at how long it needs: give "
                                    "it a generous one (this writer needs about half a second, far more on a slow "
                                    "day), and check `writer.is_alive()` afterwards.").format(
            found=found, timeout=max(short)))
    if longest_sleep > 0.2:
        return verdict(False, "", _("{found}. The main thread sleeps {seconds:g} s, hoping the writer is done by "
                                    "then: that is a guess, and the check runs your program on a 'slow day' "
                                    "(the main thread's sleeps last at most 0.01 s). Wait for the writer "
                                    "itself.").format(found=found, seconds=longest_sleep))
    return verdict(False, "", _("{found}. The program exits without waiting for the daemon writer: wait for it "
                                "(join it), or make it a thread Python waits for.").format(found=found))


def check_report_is_complete(script: Any, timeout: float = 20) -> Verdict:
    """Exercise 03.1: the report-writing program, run as a real process, always writes every line whole.

    "Always" is tested: the program runs with the main thread's ``time.sleep``
    cut to at most 0.01 s, so a longer sleep in the main thread (a guess at how
    long the writer needs) fails, while waiting for the writer itself passes. A
    join whose timeout runs out first is named; a loop spinning on ``is_alive()``
    fails, as a worker that never waits fails exercise 2.
    """
    import json
    import subprocess
    import sys
    import tempfile

    if not isinstance(script, str) or "def write_report" not in script:
        return verdict(False, "", _("`script` should hold the program's text, with its write_report function."))
    with tempfile.TemporaryDirectory() as folder:
        program, report = Path(folder, "report_writer.py"), Path(folder, "report.txt")
        noted = Path(folder, "main_waits.json")
        program.write_text(script, encoding="utf-8")
        env = plain_environment({"COURSE_MAIN_WAITS": str(noted)})
        try:
            done = subprocess.run([sys.executable, "-c", _BOOTSTRAP, str(program), str(report)],
                                  capture_output=True, text=True, timeout=timeout, env=env)
        except subprocess.TimeoutExpired:
            return verdict(False, "", _("the program did not end within {timeout:g} s.").format(timeout=timeout))
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
            return verdict(False, "", _("the program failed: {message}").format(message=last))
        text = report.read_text(encoding="utf-8") if report.exists() else ""
        waits = json.loads(noted.read_text()) if noted.exists() else {}
    return _report_verdict(text, waits)


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
    """An Event that notes whether the worker looks at it at all, and waits on it (rather than sleeping)."""

    looked = False
    waited = False

    def is_set(self) -> bool:
        self.looked = True
        return super().is_set()

    def wait(self, timeout: float | None = None) -> bool:
        self.looked = self.waited = True
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
    stop, ticks, errors, ended = _WatchedEvent(), _Ticks(), [], []  # each written by the worker's thread only

    def guarded() -> None:
        try:
            worker(stop, ticks)
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            ended.append(time.perf_counter())

    # A daemon here only as a safety net: if a wrong answer never returns, it must
    # not keep the kernel from exiting (in a running kernel the flag changes nothing:
    # lesson 03). A correct answer ends before we return; a worker still running is
    # ended at its next tick, which `ticks` then refuses, and the hint says so.
    thread = threading.Thread(target=guarded, name="exercise-worker", daemon=True)
    thread.start()
    time.sleep(RUN_FOR)
    stop.set()
    asked = time.perf_counter()
    thread.join(timeout=GIVE_UP_AFTER)
    late = time.perf_counter() - asked
    ticks.closed = True  # a worker that is still running dies at its next tick
    left_running = _("It is still running in this kernel: its next tick ends it (the check refuses new ticks); "
                     "if it never ticks again, restart the kernel.")
    if not stop.looked and thread.is_alive():
        return verdict(False, "", _("your worker never checks `stop`: it was still running {seconds:g} s after "
                                    "`stop` was set. Check the event on every round of the loop, "
                                    "`while not stop.is_set():`.").format(seconds=GIVE_UP_AFTER) + " " + left_running)
    if thread.is_alive():
        return verdict(False, "", _("your worker was still running {seconds:g} s after `stop` was set: check the "
                                    "event on every round of the loop, and wait with `stop.wait(0.05)`, which ends "
                                    "as soon as the event is set.").format(seconds=GIVE_UP_AFTER) + " " + left_running)
    expected = round(RUN_FOR / 0.05)
    before = [t for t in ticks if t < asked]
    gaps = sorted(later - earlier for earlier, later in itertools.pairwise(before))
    typical = gaps[len(gaps) // 2] if gaps else 0.0
    if ticks.flooded or (len(before) > 5 * expected and typical < 0.0005):
        return verdict(False, "", _("{count} ticks in {seconds:g} s: your loop never waits, so it keeps a core busy "
                                    "doing nothing. Wait about 0.05 s between ticks.").format(
            count=len(ticks), seconds=RUN_FOR))
    if len(before) > 5 * expected:
        return verdict(False, "", _("{count} ticks in {seconds:g} s: your worker waits too briefly, about {ms:.0f} ms "
                                    "between ticks. Wait about 0.05 s.").format(
            count=len(before), seconds=RUN_FOR, ms=typical * 1000))
    if errors:
        return verdict(False, "", _("your worker raised {error}").format(error=errors[0]))
    if not stop.looked and ended and ended[0] < asked:
        if not ticks:
            return verdict(False, "", _("your worker returned at once, without a single tick, before `stop` was "
                                        "even set. Loop until asked, `while not stop.is_set():`, and append a tick "
                                        "about every 0.05 s."))
        return verdict(False, "", _("your worker never checks `stop`: it ended when its own loop ran out, "
                                    "before `stop` was even set. Loop until asked, `while not stop.is_set():`."))
    if not stop.looked:
        return verdict(False, "", _("your worker never checks `stop`: it ended when its own loop ran out, "
                                    "{late:.2f} s after `stop` was set, not because it was asked. Check the event "
                                    "on every round of the loop, `while not stop.is_set():`.").format(late=late))
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
