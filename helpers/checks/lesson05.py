"""Self-checks for lesson 05, Producer-consumer and queues."""

from __future__ import annotations

import threading
from typing import Any

from helpers.checks.verdict import Verdict, verdict

__all__ = ["check_collects_before_joining", "check_stops_at_sentinel"]


def check_stops_at_sentinel(consumer: Any) -> Verdict:
    """Exercise 05.1: ``consumer(q, results)`` doubles items until it gets the sentinel None."""
    import queue as queue_module

    class PatientQueue(queue_module.Queue):
        """A blocking get gives up after 3 s, so a consumer that misses the sentinel still ends."""

        def get(self, block: bool = True, timeout: float | None = None) -> Any:
            return super().get(block, 3.0 if block and timeout is None else timeout)

    q: queue_module.Queue = PatientQueue()
    results: list[int] = []
    errors: list[str] = []

    def run() -> None:
        try:
            consumer(q, results)
        except queue_module.Empty:
            errors.append("waited for more items after the sentinel")
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")

    workers = [threading.Thread(target=run) for _ in range(3)]
    for w in workers:
        w.start()
    for n in range(30):
        q.put(n)
    for _ in workers:
        q.put(None)  # one sentinel per consumer
    for w in workers:
        w.join(timeout=10)
    if errors:
        return verdict(False, "", f"a consumer {errors[0]}: stop the loop when `item is None`.")
    if sorted(results) != [2 * n for n in range(30)]:
        return verdict(False, "", f"expected each of the 30 items doubled once, got {len(results)} results.")
    return verdict(True, "3 consumers doubled all 30 items and each stopped at its sentinel.", "")


class PatientChild:
    """A child process whose ``join`` never waits more than 2 s, and notes a join that timed out."""

    def __init__(self, process: Any) -> None:
        self.process = process
        self.joined_while_alive = False

    def join(self, timeout: float | None = None) -> None:
        self.process.join(2.0 if timeout is None else min(timeout, 2.0))
        if self.process.is_alive():
            self.joined_while_alive = True

    def is_alive(self) -> bool:
        return self.process.is_alive()


def check_collects_before_joining(collect: Any) -> Verdict:
    """Exercise 05.2: ``collect(q, children)`` returns every child's item and joins the children."""
    import multiprocessing

    from helpers.cleanup import join_or_terminate
    from helpers.pipeline import put_big_item

    q = multiprocessing.Queue()
    processes = [multiprocessing.Process(target=put_big_item, args=(q, 4)) for _ in range(2)]
    for p in processes:
        p.start()
    children = [PatientChild(p) for p in processes]

    class PatientQueue:
        """The queue, but a get waits at most 5 s: asking for a third item cannot hang the kernel."""

        def get(self, block: bool = True, timeout: float | None = None) -> Any:
            return q.get(block, 5.0 if timeout is None else min(timeout, 5.0))

    try:
        items = collect(PatientQueue(), children)
    except Exception as exc:
        items, failure = None, f"{type(exc).__name__}: {exc}"
    else:
        failure = None
    finally:
        while any(p.is_alive() for p in processes):  # clean up after a wrong answer
            try:
                q.get(timeout=1)
            except Exception:
                break
        join_or_terminate(processes)
        q.close()
        q.join_thread()
    if failure:
        return verdict(False, "", f"your function raised {failure}")
    if any(c.joined_while_alive for c in children):
        return verdict(False, "", "you joined a child before reading its item: it cannot exit while its item "
                                  "is stuck in the queue. Read everything first, then join.")
    if items is None or len(items) != 2 or any(len(i) != 4 * 1024 * 1024 for i in items):
        return verdict(False, "", "return the list of the two items the children put on the queue.")
    return verdict(True, "read both items, then joined both children: nothing stuck.", "")
