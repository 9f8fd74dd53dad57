"""Self-checks for lesson 05, Producer-consumer and queues.

They judge behaviour: a consumer must keep waiting while the queue is merely
empty, stop at its sentinel, and mark every item done; ``collect`` must read
every child's item before it joins any child. Neither check can hang: blocking
gets give up after a few seconds, and a join that comes too early is noted and
returns at once instead of waiting for a child that cannot exit.
"""

from __future__ import annotations

import queue
import time
from typing import Any

from helpers.checks.bounded import call_within, never_raises
from helpers.checks.verdict import Verdict, verdict
from helpers.i18n import _

__all__ = ["check_collects_before_joining", "check_stops_at_sentinel"]

PATIENCE = 3.0  # seconds a blocking get waits in a check before it gives up with queue.Empty


class PatientQueue(queue.Queue):
    """A ``queue.Queue`` whose blocking ``get`` gives up after a few seconds, so no consumer waits for ever."""

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        if block:
            timeout = PATIENCE if timeout is None else min(timeout, PATIENCE)
        return super().get(block, timeout)


@never_raises
def check_stops_at_sentinel(consumer: Any) -> Verdict:
    """Exercise 05.1: ``consumer(q, results)`` doubles items, marks each done, and stops at ``None``."""
    if not callable(consumer):
        return verdict(False, "", _("define consumer(q, results) and pass the function itself."))
    q: queue.Queue = PatientQueue()
    lists: list[list[Any]] = [[] for _n in range(3)]
    runs = [call_within(consumer, q, results, seconds=0, name=f"exercise-consumer-{i}")
            for i, results in enumerate(lists)]
    for n in range(30):
        q.put(n)
    # Every item is taken, and the queue is empty: that is not the end of the work.
    deadline = time.monotonic() + 5
    while q.qsize() and time.monotonic() < deadline and not all(r.finished for r in runs):
        time.sleep(0.01)
    time.sleep(0.3)
    quit_early = [r for r in runs if r.finished]
    for _r in runs:
        q.put(None)  # one sentinel per consumer
    for r in runs:
        r.thread.join(timeout=PATIENCE + 3)
    results = sorted((x for results in lists for x in results), key=repr)
    errors = [r for r in runs if r.error and not isinstance(r.error, queue.Empty)]
    if errors:
        return verdict(False, "", _("a consumer raised {error}: is the sentinel None handled before the item is "
                                    "used?").format(error=errors[0].describe_error()))
    if any(isinstance(r.error, queue.Empty) for r in runs) or any(not r.finished for r in runs):
        return verdict(False, "", _("a consumer was still asking for items after the sentinels were sent: return "
                                    "when the item `is None`."))
    doubled = sorted((2 * n for n in range(30)), key=repr)
    if quit_early:
        if not results:
            return verdict(False, "", _("your consumer returned at once, without using any item: loop, taking "
                                        "items with q.get(), until the sentinel comes."))
        if results == sorted((2 * n for n in range(1, 30)), key=repr):
            return verdict(False, "", _("a consumer stopped at the item 0: `while item := q.get()` stops at any "
                                        "false value (0, '', []). Test `item is None`."))
        return verdict(False, "", _("a consumer returned while the queue was only empty, before its sentinel came: "
                                    "an empty queue does not mean the work is over. Wait for the sentinel."))
    if results != doubled:
        return verdict(False, "", _("expected each of the 30 items doubled once, got {count} results "
                                    "(first ones: {first}).").format(count=len(results), first=results[:5]))
    taken_not_done = q.unfinished_tasks - q.qsize()  # a sentinel passed on and left in the queue is not "taken"
    if taken_not_done:
        return verdict(False, "", _("{n} items taken were never marked done: call q.task_done() once for every "
                                    "get, the sentinel too, in a finally so an error cannot skip it.")
                       .format(n=taken_not_done))
    return verdict(True, _("3 consumers doubled all 30 items, waited while the queue was empty, marked every item "
                           "done and each stopped at its sentinel."), "")


class PatientChild:
    """A child process as ``collect`` sees it: ``join`` notes whether every item had been read first.

    A join before that could wait for ever (the child cannot exit while its item
    is stuck in the queue), so it is noted and returns at once instead.
    """

    def __init__(self, process: Any, reads: list[int], items: int) -> None:
        self.process = process
        self.reads = reads
        self.items = items
        self.joined_too_early = False
        self.joined = False

    def join(self, timeout: float | None = None) -> None:
        if self.reads[0] < self.items:
            self.joined_too_early = True
            return
        self.process.join(10.0 if timeout is None else min(timeout, 10.0))
        self.joined = self.joined or not self.process.is_alive()

    def is_alive(self) -> bool:
        return self.process.is_alive()

    @property
    def exitcode(self) -> int | None:
        return self.process.exitcode

    @property
    def pid(self) -> int | None:
        return self.process.pid


class PatientReader:
    """The children's queue, as ``collect`` sees it: counts reads; a get waits at most a few seconds."""

    def __init__(self, q: Any, reads: list[int]) -> None:
        self.q = q
        self.reads = reads

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        item = self.q.get(block, PATIENCE if timeout is None else min(timeout, PATIENCE))
        self.reads[0] += 1
        return item


@never_raises
def check_collects_before_joining(collect: Any) -> Verdict:
    """Exercise 05.2: ``collect(q, children)`` returns every child's item and joins every child after reading."""
    import multiprocessing

    from helpers.cleanup import join_or_terminate
    from helpers.pipeline import put_big_item

    if not callable(collect):
        return verdict(False, "", _("define collect(q, children) and pass the function itself."))
    q = multiprocessing.Queue()
    put = [multiprocessing.Event() for _n in range(2)]
    processes = [multiprocessing.Process(target=put_big_item, args=(q, 4, done), name=f"exercise-child-{i}")
                 for i, done in enumerate(put)]
    for process in processes:
        process.start()
    reads = [0]
    children = [PatientChild(p, reads, len(processes)) for p in processes]
    try:
        for done in put:  # both items are on their way before collect runs: a join now would wait for ever
            done.wait(timeout=60)
        outcome = call_within(collect, PatientReader(q, reads), children, seconds=4 * PATIENCE + 25,
                              name="exercise-collect")
    finally:
        while any(p.is_alive() for p in processes):  # read what a wrong answer left, so every child can exit
            try:
                q.get(timeout=1)
            except Exception:
                break
        join_or_terminate(processes)
        q.close()
        q.join_thread()
    if not outcome.finished:
        return verdict(False, "", _("collect had not returned after {seconds:.0f} s.").format(
            seconds=4 * PATIENCE + 25))
    if any(c.joined_too_early for c in children):
        return verdict(False, "", _("you joined a child before reading every item: a child cannot exit while its "
                                    "item is stuck in the queue, so that join could wait for ever. Read "
                                    "everything first, then join."))
    if outcome.error:
        if isinstance(outcome.error, queue.Empty):
            return verdict(False, "", _("a get found nothing for {seconds:g} s: there is one item per child, so "
                                        "read exactly len(children) items.").format(seconds=PATIENCE))
        return verdict(False, "", _("your function raised {error}").format(error=outcome.describe_error()))
    items = outcome.value
    if not isinstance(items, list) or len(items) != 2 or any(
            not isinstance(i, bytes) or len(i) != 4 * 1024 * 1024 for i in items):
        return verdict(False, "", _("return a list of the two items the children put on the queue."))
    if not all(c.joined for c in children):
        return verdict(False, "", _("you read both items, but did not join both children: join each one after "
                                    "reading, so none is left behind."))
    return verdict(True, _("read both items, then joined both children: nothing stuck."), "")
