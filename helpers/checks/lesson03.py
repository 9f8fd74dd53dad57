"""Self-checks for lesson 03, Daemon threads and processes."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from helpers.checks.verdict import Verdict, verdict

__all__ = ["REPORT_WRITER", "check_report_is_complete", "check_stops_on_event"]


REPORT_LINES = 10
# Exercise 03.1's program as given; the lesson shows the same text for the learner to change.
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


def check_report_is_complete(script: Any, timeout: float = 20) -> Verdict:
    """Exercise 03.1: the report-writing script, run as a real program, writes every line whole."""
    import subprocess
    import sys
    import tempfile

    if not isinstance(script, str) or "def write_report" not in script:
        return verdict(False, "", "`script` should hold the program's text, with its write_report function.")
    with tempfile.TemporaryDirectory() as folder:
        program, report = Path(folder, "report_writer.py"), Path(folder, "report.txt")
        program.write_text(script)
        try:
            done = subprocess.run([sys.executable, str(program), str(report)], capture_output=True, text=True,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            return verdict(False, "", f"the program did not end within {timeout:g} s.")
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
            return verdict(False, "", f"the program failed: {last}")
        text = report.read_text() if report.exists() else ""
    lines = text.splitlines(keepends=True)
    whole = [line for line in lines if line.endswith("done\n")]
    if len(whole) == REPORT_LINES and len(lines) == REPORT_LINES:
        return verdict(True, f"all {REPORT_LINES} lines written whole before the program exited.", "")
    found = f"the report has {len(whole)} whole lines of {REPORT_LINES} (last: {lines[-1]!r})" if lines else (
        "the report is empty")
    return verdict(False, "", f"{found}. The program exits without waiting for the daemon writer: wait for it.")


def check_stops_on_event(worker: Any) -> Verdict:
    """Exercise 03.2: ``worker(stop, ticks)`` ticks until ``stop`` is set, then returns promptly."""
    import time

    if not callable(worker):
        return verdict(False, "", "define a function `worker(stop, ticks)`.")

    class Ticks(list):
        """Refuses new ticks once the check is over, so a worker that never stops dies instead."""

        closed = False

        def append(self, item: Any) -> None:
            if self.closed:
                raise RuntimeError("the self-check has ended: this worker should have stopped")
            super().append(item)

    stop, ticks, errors = threading.Event(), Ticks(), []

    def guarded() -> None:
        try:
            worker(stop, ticks)
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")

    # A daemon here only as a safety net: if a wrong answer never returns, it must
    # not keep the kernel from exiting. A correct answer ends before we return.
    thread = threading.Thread(target=guarded, name="exercise-worker", daemon=True)
    thread.start()
    time.sleep(0.35)
    stop.set()
    asked = time.perf_counter()
    thread.join(timeout=1.0)
    if thread.is_alive():
        ticks.closed = True  # its next tick raises, which ends it
        return verdict(False, "", "your worker was still running 1 s after `stop` was set. "
                                  "Loop `while not stop.is_set():`.")
    ticks.closed = True
    if errors:
        return verdict(False, "", f"your worker raised {errors[0]}")
    if len(ticks) < 3:
        return verdict(False, "", f"only {len(ticks)} ticks in 0.35 s: append to `ticks` every 0.05 s or so.")
    late = time.perf_counter() - asked
    if late > 0.2:
        return verdict(False, "", f"it took {late:.2f} s to stop: wait with `stop.wait(0.05)`, not a long sleep.")
    return verdict(True, f"{len(ticks)} ticks, then stopped {late * 1000:.0f} ms after being asked.", "")
