"""Two workloads at opposite ends: pure-Python CPU work, and waiting.

They are the control experiment for every measurement in the course. Counting
primes holds the GIL the whole time, so threads cannot run it in parallel; sleeping
releases the GIL, as real network and disk waits do, so threads overlap perfectly.
"""

from __future__ import annotations

import time

from helpers.i18n import _


def count_primes(limit: int) -> int:
    """How many primes are below ``limit``, by trial division in plain Python.

    Deliberately naive: every step is Python bytecode that holds the GIL.
    """
    if limit < 0:
        raise ValueError(_("limit must not be negative, not {limit}").format(limit=limit))
    count = 0
    for n in range(2, limit):
        d = 2
        while d * d <= n:
            if n % d == 0:
                break
            d += 1
        else:
            count += 1
    return count


def wait_for(seconds: float) -> float:
    """Stand-in for an I/O call (a download, a database query): just wait.

    Returns the seconds it waited, so results can be checked.
    """
    if seconds < 0:
        raise ValueError(_("seconds must not be negative, not {seconds}").format(seconds=seconds))
    time.sleep(seconds)
    return seconds
