"""Self-checks for lesson 00, Why concurrency."""

from __future__ import annotations

import math
from typing import Any

from helpers.checks.verdict import Verdict, verdict

__all__ = ["check_counter_after", "check_threads_for_deadline"]


def check_threads_for_deadline(workers: Any, tasks: int = 12, seconds: float = 0.2, deadline: float = 0.5) -> Verdict:
    """Exercise 00.1: the fewest threads that finish ``tasks`` waits before ``deadline``."""
    if not isinstance(workers, int) or workers < 1:
        return verdict(False, "", "set `workers` to a whole number of threads, at least 1.")
    rounds = math.ceil(tasks / workers)  # each thread runs its share of waits one after another
    needed = next(w for w in range(1, tasks + 1) if math.ceil(tasks / w) * seconds < deadline)
    if workers == needed:
        return verdict(True, f"{workers} threads: {rounds} rounds of {seconds} s each, under {deadline} s.", "")
    if workers > needed:
        return verdict(False, "", f"{workers} threads work, but fewer do too: find the smallest number.")
    threads = "thread" if workers == 1 else "threads"
    return verdict(False, "", f"with {workers} {threads} some thread must run {rounds} waits in a row "
                              f"({rounds * seconds:.1f} s). How many rounds fit in {deadline} s?")


def check_counter_after(after_threads: Any, after_processes: Any, bumps: int = 5) -> Verdict:
    """Exercise 00.2: the parent's counter after bumps run in threads, then in processes."""
    ok = after_threads == bumps and after_processes == bumps
    if after_threads != bumps:
        hint = "threads share their process's memory: each bump changes the one `counter`."
    else:
        hint = "a worker process bumps its own copy of `counter`; the parent's copy does not move."
    return verdict(ok, "threads changed the parent's counter; processes changed only their own copies.", hint)
