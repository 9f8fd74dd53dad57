"""Self-checks for lesson 00, Why concurrency."""

from __future__ import annotations

import math
import operator
from typing import Any

from helpers.checks.verdict import Verdict, verdict
from helpers.i18n import _, ngettext

__all__ = ["check_counter_after", "check_threads_for_deadline"]


def _whole_number(value: Any) -> int | None:
    """``value`` as an int if it is a whole number (int, NumPy int); else None. A bool is not."""
    if isinstance(value, bool):
        return None
    try:
        return operator.index(value)
    except TypeError:
        return None


def _not_a_number_hint(value: Any, name: str) -> str:
    if value is None:
        return _("replace None with your answer: a number for `{name}`.").format(name=name)
    if isinstance(value, str):
        return _("`{name}` is the text {value!r}: write the number itself, without quotes.").format(
            name=name, value=value)
    if isinstance(value, float) and value.is_integer():
        return _("`{name}` is {value!r}, a float: write it as a whole number, {whole}.").format(
            name=name, value=value, whole=int(value))
    return _("`{name}` must be a whole number, not {value!r}.").format(name=name, value=value)


def check_threads_for_deadline(workers: Any, tasks: int = 12, seconds: float = 0.2, deadline: float = 0.5) -> Verdict:
    """Exercise 00.1: the fewest threads that finish ``tasks`` waits before ``deadline``."""
    count = _whole_number(workers)
    if count is None:
        return verdict(False, "", _not_a_number_hint(workers, "workers"))
    if count < 1:
        return verdict(False, "", _("a pool needs at least 1 thread, not {count}.").format(count=count))
    rounds = math.ceil(tasks / count)  # each thread runs its share of waits one after another
    needed = next(w for w in range(1, tasks + 1) if math.ceil(tasks / w) * seconds < deadline)
    if count == needed:
        return verdict(True, _("{count} threads: {rounds} rounds of {seconds} s each, under {deadline} s.").format(
            count=count, rounds=rounds, seconds=seconds, deadline=deadline), "")
    if count > needed:
        return verdict(False, "", _("{count} threads work, but fewer do too: find the smallest number.").format(
            count=count))
    threads = ngettext("with {count} thread", "with {count} threads", count).format(count=count)
    return verdict(False, "", _("{threads} some thread must run {rounds} waits in a row ({total:.1f} s). "
                                "How many rounds fit in {deadline} s?").format(
        threads=threads, rounds=rounds, total=rounds * seconds, deadline=deadline))


def check_counter_after(after_threads: Any, after_processes: Any, bumps: int = 5) -> Verdict:
    """Exercise 00.2: the parent's counter after bumps run in threads, then in processes."""
    for value, name in ((after_threads, "after_threads"), (after_processes, "after_processes")):
        if _whole_number(value) is None:
            return verdict(False, "", _not_a_number_hint(value, name))
    threads, processes = _whole_number(after_threads), _whole_number(after_processes)
    if threads == 0:
        return verdict(False, "", _("the threads run inside the notebook's process and share its memory: "
                                    "their bumps change the notebook's own `counter`."))
    if threads != bumps:
        return verdict(False, "", _("each of the {bumps} bumps adds one to the one `counter` the threads share, "
                                    "starting from 0.").format(bumps=bumps))
    if processes == 0:
        return verdict(False, "", _("the counter is reset only once, before the threads: "
                                    "the notebook's copy still holds what they left."))
    if processes != bumps:
        return verdict(False, "", _("a worker process bumps its own copy of `counter`; "
                                    "the notebook's copy does not move."))
    return verdict(True, _("threads changed the notebook's counter; processes changed only their own copies."), "")
