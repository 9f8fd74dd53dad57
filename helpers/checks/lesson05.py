"""Self-checks for lesson 05, Producer-consumer and queues.

They judge behaviour: a consumer must keep waiting while the queue is merely
empty, however long (a timeout that runs out is no reason to stop), stop at its
sentinel, and mark every item done; ``collect`` must read every child's item
before it joins any child. Neither check can hang: blocking gets give up after a
few seconds, and a join that comes too early is noted and returns at once
instead of waiting for a child that cannot exit.
"""

from __future__ import annotations

import inspect
import queue
import re
import threading
import time
from typing import Any

from helpers.checks.bounded import Outcome, call_within, never_raises, wait_until
from helpers.checks.verdict import Verdict, verdict
from helpers.i18n import _

__all__ = ["check_collects_before_joining", "check_stops_at_sentinel"]

PATIENCE = 3.0  # seconds a blocking get waits in a check before it gives up with queue.Empty
LONG_ENOUGH = 10.0  # a get timeout at least this long is a safety net for a dead producer, not a give-up
CONSUMER = "exercise-consumer-"  # the check's consumer threads' names start so
TOLD = CONSUMER + "0"  # the consumer whose timed get is told at once, in the pause, that its time ran out


def _consumer_name() -> str:
    name = threading.current_thread().name
    return name if name.startswith(CONSUMER) else ""


class PatientQueue(queue.Queue):
    """The check's queue: notes how each consumer asks for items, and never lets one wait for ever.

    * A blocking ``get`` waits at most ``PATIENCE`` seconds, then raises
      ``queue.Empty``, so a consumer that never stops cannot hang the check.
    * Once the check has begun its pause (:meth:`pause`: every item taken, the
      sentinels not sent yet, as when a producer is slow), the first ``get`` with
      a timeout that consumer 0 makes is told at once that its time ran out
      (``queue.Empty``), whatever the timeout. What the consumer does then shows
      whether it takes an empty queue for the end of the work, without the check
      having to wait that long.
    * ``empty()``, ``qsize()``, ``get_nowait()`` and ``get()`` without a timeout
      are noted, so a hint or a note can name them.
    """

    def __init__(self) -> None:
        super().__init__()
        self.pausing = False  # guarded by self.mutex
        self.told: dict[str, float] = {}  # consumer -> the timeout it was told had run out
        self.asked_if_empty: set[str] = set()  # consumers that called empty() or qsize()
        self.without_waiting: set[str] = set()  # consumers that called get_nowait() or get(block=False)
        self.without_timeout: set[str] = set()  # consumers that called a blocking get() with no timeout
        self.in_get: set[str] = set()  # consumers inside a blocking get right now

    def pause(self) -> None:
        with self.not_empty:
            self.pausing = True
            self.not_empty.notify_all()

    def empty(self) -> bool:
        if name := _consumer_name():
            self.asked_if_empty.add(name)
        return super().empty()

    def qsize(self) -> int:
        if name := _consumer_name():
            self.asked_if_empty.add(name)
        return super().qsize()

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        name = _consumer_name()
        if not block:
            if name:
                self.without_waiting.add(name)
            return super().get(False)
        if name and timeout is None:
            self.without_timeout.add(name)
        self.in_get.add(name)
        try:
            if name == TOLD and timeout is not None and name not in self.told:
                return self._get_or_be_told(name, timeout)
            return super().get(True, PATIENCE if timeout is None else min(timeout, PATIENCE))
        finally:
            self.in_get.discard(name)

    def _get_or_be_told(self, name: str, timeout: float) -> Any:
        """Consumer 0's timed get: an item if there is one; in the pause, queue.Empty at once.

        It waits on the check's clock, not on ``timeout``: until an item comes or the
        pause begins (at most ``PATIENCE``), so whether it is told cannot depend on
        how busy the machine is.
        """
        with self.not_empty:
            if not self.not_empty.wait_for(lambda: self._qsize() or self.pausing, PATIENCE):
                raise queue.Empty
            if self._qsize():
                item = self._get()  # what Queue.get does, under the same lock
                self.not_full.notify()
                return item
            self.told[name] = timeout
            raise queue.Empty


def _falsy_test(consumer: Any) -> str:
    """The line of ``consumer``'s source that tests an item for truth (``if not item:``), or ''."""
    try:
        source = inspect.getsource(consumer)
    except (OSError, TypeError):
        return ""
    for line in source.splitlines():
        code = line.split("#", 1)[0].strip()
        if not re.match(r"(if|elif|while)\b", code) or re.search(r"\bis\b|==|!=|\bTrue\b", code):
            continue
        if ":=" in code or re.search(r"\bnot\s+\w+\s*:$", code) or re.fullmatch(r"(if|elif|while)\s+\w+\s*:", code):
            return code
    return ""


def _stopped_at_zero(consumer: Any) -> Verdict:
    line = _falsy_test(consumer)
    if line:
        return verdict(False, "", _("a consumer stopped at the item 0: `{line}` is true for 0 as well as for None "
                                    "(and for '' and []). Test `item is None`.").format(line=line))
    return verdict(False, "", _("a consumer stopped at the item 0: a test such as `if not item:` or `while item := "
                                "q.get():` is true for 0 as well as for None (and for '' and []). Test "
                                "`item is None`."))


def _returned_early(q: PatientQueue, name: str, results: list[Any]) -> Verdict:
    """The hint for a consumer that returned before any sentinel was sent, naming what it relied on."""
    if not results:
        return verdict(False, "", _("your consumer returned at once, without using any item: loop, taking "
                                    "items with q.get(), until the sentinel comes."))
    if name in q.without_waiting:
        return verdict(False, "", _("a consumer returned as soon as the queue was empty: get_nowait() (or "
                                    "get(block=False)) raises queue.Empty at once then. An empty queue only means "
                                    "the producer is slow: wait in get(timeout=...) until the sentinel comes."))
    if name in q.asked_if_empty:
        return verdict(False, "", _("a consumer returned when q.empty() (or q.qsize()) said the queue was empty: "
                                    "an empty queue only means the producer is slow, and the answer may be out of "
                                    "date before you act on it. Loop on q.get(timeout=...) until the sentinel "
                                    "comes."))
    return verdict(False, "", _("a consumer returned while the queue was only empty, before its sentinel came: "
                                "an empty queue does not mean the work is over. Wait for the sentinel."))


def _gave_up(q: PatientQueue, first: Outcome, finished_in_pause: set[str]) -> Verdict | None:
    """A failing Verdict if consumer 0 stopped when told its get's timeout had run out; else None."""
    told = q.told.get(TOLD)
    if told is None or TOLD not in finished_in_pause:
        return None
    if first.error is None:
        return verdict(False, "", _("your consumer returned when get(timeout={timeout:g}) raised queue.Empty (an "
                                    "`except queue.Empty: return`, or a break): after {timeout:g} s with the queue "
                                    "empty, it took the pause for the end of the work, and the items still to come "
                                    "would be lost. Only the sentinel ends the work.").format(timeout=told))
    if isinstance(first.error, queue.Empty) and told < LONG_ENOUGH:
        return verdict(False, "", _("get(timeout={timeout:g}) raised queue.Empty after only {timeout:g} s with the "
                                    "queue empty, and your consumer stopped: a producer that pauses that long is "
                                    "slow, not finished. Only the sentinel ends the work; keep get's timeout as a "
                                    "safety net for a producer that died, long enough for the slowest one (the "
                                    "lesson uses 30 s).").format(timeout=told))
    return None


@never_raises
def check_stops_at_sentinel(consumer: Any) -> Verdict:
    """Exercise 05.1: ``consumer(q, results)`` doubles items, marks each done, and stops at ``None`` only."""
    if not callable(consumer):
        return verdict(False, "", _("define consumer(q, results) and pass the function itself."))
    q = PatientQueue()
    for n in range(30):
        q.put(n)
    lists: list[list[Any]] = [[] for _n in range(3)]
    runs = [call_within(consumer, q, results, seconds=0, name=f"{CONSUMER}{i}") for i, results in enumerate(lists)]
    # Every item is taken and the queue is empty: that is not the end of the work. Pause there.
    wait_until(lambda: queue.Queue.qsize(q) == 0 or all(r.finished for r in runs), 5)
    q.pause()
    wait_until(lambda: runs[0].finished or TOLD in q.told or TOLD in q.in_get, 2)
    time.sleep(0.3)  # what the consumers do with an empty queue
    finished_in_pause = {r.thread.name for r in runs if r.finished}
    for r in runs:
        if not r.finished:
            q.put(None, timeout=1)  # one sentinel per consumer still waiting
    for r in runs:
        r.thread.join(timeout=PATIENCE + 3)
    return _judge_consumers(consumer, q, runs, lists, finished_in_pause)


def _judge_consumers(consumer: Any, q: PatientQueue, runs: list[Outcome], lists: list[list[Any]],
                     finished_in_pause: set[str]) -> Verdict:
    results = sorted((x for results in lists for x in results), key=repr)
    errors = [r for r in runs if r.error and not isinstance(r.error, queue.Empty)]
    if errors:
        return verdict(False, "", _("a consumer raised {error}: is the sentinel None handled before the item is "
                                    "used?").format(error=errors[0].describe_error()))
    if results == sorted((2 * n for n in range(1, 30)), key=repr):
        return _stopped_at_zero(consumer)
    gave_up = _gave_up(q, runs[0], finished_in_pause)
    if gave_up is not None:
        return gave_up
    safety_net = runs[0] if TOLD in q.told and TOLD in finished_in_pause and isinstance(runs[0].error, queue.Empty) \
        else None
    others = [r for r in runs if r is not safety_net]
    early = [r for r in others if r.thread.name in finished_in_pause and r.error is None]
    if early:
        return _returned_early(q, early[0].thread.name, results)
    if any(isinstance(r.error, queue.Empty) or not r.finished for r in others):
        return verdict(False, "", _("a consumer was still asking for items after the sentinels were sent: return "
                                    "when the item `is None`."))
    if results != sorted((2 * n for n in range(30)), key=repr):
        return verdict(False, "", _("expected each of the 30 items doubled once, got {count} results "
                                    "(first ones: {first}).").format(count=len(results), first=results[:5]))
    taken_not_done = q.unfinished_tasks - queue.Queue.qsize(q)  # a sentinel passed on and left is not "taken"
    if taken_not_done:
        return verdict(False, "", _("{n} items taken were never marked done: call q.task_done() once for every "
                                    "get, the sentinel too, in a finally so an error cannot skip it.")
                       .format(n=taken_not_done))
    praise = _("your consumers doubled all 30 items, waited through a pause with the queue empty, marked every "
               "item done and stopped at their sentinels.")
    if safety_net is not None:
        praise += " " + _("(One was told at once that its get(timeout={timeout:g}) had run out: it raised "
                          "queue.Empty instead of quietly ending the work. Right: a long timeout is a safety net "
                          "for a producer that died.)").format(timeout=q.told[TOLD])
    if q.without_timeout:
        praise += " " + _("But get() without a timeout would wait for ever if the producer died before sending "
                          "the sentinel: give it a long one (the lesson uses 30 s).")
    return verdict(True, praise, "")


class PatientChild:
    """A child process as ``collect`` sees it: ``join`` notes whether every item had been read first.

    A join before that could wait for ever (the child cannot exit while its item
    is stuck in the queue), so it is noted and returns at once instead. Every
    other attribute of ``multiprocessing.Process`` (``name``, ``pid``,
    ``sentinel``, ``close()``, ...) is the real process's.
    """

    def __init__(self, process: Any, reads: list[int], items: int) -> None:
        self.process = process
        self.reads = reads
        self.items = items
        self.joined_too_early = False
        self.joined = False
        self.joined_without_timeout = False

    def join(self, timeout: float | None = None) -> None:
        if self.reads[0] < self.items:
            self.joined_too_early = True
            return
        if timeout is None:
            self.joined_without_timeout = True
        self.process.join(10.0 if timeout is None else min(timeout, 10.0))
        self.joined = self.joined or not self.process.is_alive()

    def __getattr__(self, name: str) -> Any:
        if name == "process":  # not set yet: never look it up on itself
            raise AttributeError(name)
        return getattr(self.process, name)

    def __repr__(self) -> str:
        return repr(self.process)


class PatientReader:
    """The children's queue, as ``collect`` sees it: counts reads; a get waits at most a few seconds."""

    def __init__(self, q: Any, reads: list[int]) -> None:
        self.q = q
        self.reads = reads
        self.read_without_timeout = False

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        if block and timeout is None:
            self.read_without_timeout = True
        item = self.q.get(block, PATIENCE if timeout is None else min(timeout, PATIENCE))
        self.reads[0] += 1
        return item

    def get_nowait(self) -> Any:
        return self.get(False)

    def __getattr__(self, name: str) -> Any:
        if name == "q":
            raise AttributeError(name)
        return getattr(self.q, name)


def _still_open(process: Any) -> bool:
    """False once ``process.close()`` was called (the learner may close what it joined)."""
    try:
        process.exitcode  # noqa: B018 - raises ValueError on a closed process
    except ValueError:
        return False
    return True


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
    reader = PatientReader(q, reads)
    try:
        for done in put:  # both items are on their way before collect runs: a join now would wait for ever
            done.wait(timeout=60)
        outcome = call_within(collect, reader, children, seconds=4 * PATIENCE + 25, name="exercise-collect")
    finally:
        while any(_still_open(p) and p.is_alive() for p in processes):  # read what a wrong answer left
            try:
                q.get(timeout=1)
            except Exception:
                break
        join_or_terminate([p for p in processes if _still_open(p)])
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
    praise = _("read both items, then joined both children: nothing stuck.")
    if reader.read_without_timeout or any(c.joined_without_timeout for c in children):
        praise += " " + _("But a get() or join() without a timeout would wait for ever if a child got stuck or "
                          "died before putting its item: give each a timeout, as the lesson does.")
    return verdict(True, praise, "")
