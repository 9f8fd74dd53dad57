"""Self-checks for lesson 01, Thumbnails with threads and processes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpers.checks.verdict import Verdict, verdict
from helpers.executors import cpu_count

__all__ = ["check_cpu_choice", "check_run_on_threads", "check_thumbnail_name"]


PATH_CASES = {
    "images/foo.jpg": "thumbnails/foo_32.jpg",
    "images/more/Kite.JPG": "thumbnails/Kite_32.jpg",
    "holiday photos/beach.png": "thumbnails/beach_32.jpg",
    "cat.jpeg": "thumbnails/cat_32.jpg",
}


def check_thumbnail_name(fn: Callable[[str, int], Any]) -> Verdict:
    """Exercise 01.1: a fixed version of the original tutorial's output-name code."""
    if not callable(fn):
        return verdict(False, "", "define a function `check_thumbnail_name(infile, size)`.")
    for infile, expected in PATH_CASES.items():
        try:
            got = fn(infile, 32)
        except Exception as exc:
            return verdict(False, "", f"check_thumbnail_name({infile!r}, 32) raised {type(exc).__name__}: {exc}")
        if not isinstance(got, str | Path):
            return verdict(False, "", f"check_thumbnail_name({infile!r}, 32) gave {got!r}, not a path. "
                                      "Does your function `return` its answer?")
        if Path(got).as_posix() != expected:
            return verdict(False, "", f"check_thumbnail_name({infile!r}, 32) gave {Path(got).as_posix()!r}, "
                                      f"expected {expected!r}. Try pathlib's `.stem`.")
    return verdict(True, "every case gives the right name.", "")


def check_cpu_choice(executor: Any, workers: Any, cores: int | None = None) -> Verdict:
    """Exercise 01.2: the executor, and the fewest workers at full speed, for pure-Python work."""
    cores = cores or cpu_count()
    if executor != "process":
        return verdict(False, "", "pure-Python work holds the GIL: only one thread runs it at a time.")
    if not isinstance(workers, int) or workers < cores:
        return verdict(False, "", f"this machine has {cores} usable cores; with fewer workers some stay idle.")
    if workers > cores:
        return verdict(False, "", f"{workers} workers run no faster than {cores}: they take turns on {cores} cores. "
                                  "What is the smallest number at full speed?")
    return verdict(True, f"processes, one per core ({cores}): more would only take turns.", "")


def check_run_on_threads(fn: Callable[..., Any]) -> Verdict:
    """Exercise 01.1: ``fn(task, items, workers)`` runs ``task`` over ``items`` on a thread pool."""
    from helpers.cleanup import leftovers, snapshot
    from helpers.identity import whoami
    from helpers.workloads import count_primes

    if not callable(fn):
        return verdict(False, "", "define a function `check_run_on_threads(task, items, workers)`.")
    before = snapshot()
    try:
        primes = fn(count_primes, [100, 10, 1000], 2)
        who = fn(whoami, [0.05] * 4, 2)
    except Exception as exc:
        return verdict(False, "", f"your function raised {type(exc).__name__}: {exc}")
    if primes is None or who is None:
        return verdict(False, "", "your function returned None: `return` the list of results.")
    if list(primes) != [25, 4, 168]:
        return verdict(False, "", f"results should come back in the order of the items: got {list(primes)}. "
                                  "`pool.map` keeps the order; `as_completed` does not.")
    threads = {w.thread_name for w in who}
    if "MainThread" in threads or len(threads) != 2:
        return verdict(False, "", f"the work ran on {sorted(threads)}; expected 2 pool threads. "
                                  "Use ThreadPoolExecutor(max_workers=workers).")
    if leftovers(before, grace=1.0):
        return verdict(False, "", "the pool's threads are still running: use `with ThreadPoolExecutor(...) as pool:`.")
    return verdict(True, "two pool threads did the work, results in order, pool shut down.", "")
