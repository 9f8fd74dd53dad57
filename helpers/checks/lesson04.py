"""Self-checks for lesson 04, Condition and Semaphore."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from helpers.checks.verdict import Verdict, verdict

__all__ = ["check_limited", "check_mailbox"]


def check_mailbox(cls: Any) -> Verdict:
    """Exercise 04.1: ``get(timeout)`` waits for a message, or returns None after ``timeout``."""
    import time

    try:
        box = cls()
    except Exception as exc:
        return verdict(False, "", f"creating your Mailbox raised {type(exc).__name__}: {exc}")
    received: list[Any] = []
    errors: list[str] = []

    def reader() -> None:
        try:
            for _ in range(5):
                received.append(box.get(timeout=2))
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")

    readers = [threading.Thread(target=reader, daemon=True) for _ in range(2)]  # daemon: a safety net only
    for r in readers:
        r.start()
    time.sleep(0.05)  # both readers are waiting on an empty mailbox now
    try:
        for n in range(10):
            box.put(n)
            time.sleep(0.002)
    except Exception as exc:
        return verdict(False, "", f"put raised {type(exc).__name__}: {exc}")
    last_put = time.perf_counter()
    for r in readers:
        r.join(timeout=5)
    late = time.perf_counter() - last_put
    if any(r.is_alive() for r in readers) or late > 1.0:
        return verdict(False, "", f"the readers got their messages {late:.1f} s after the last put: they slept "
                                  "through it. Does `put` notify the waiting readers?")
    if errors:
        return verdict(False, "", f"get raised {errors[0]}")
    if received and all(x is None for x in received):
        return verdict(False, "", "get returned None every time: it should wait for a message (up to `timeout`).")
    if sorted(x for x in received if x is not None) != list(range(10)):
        return verdict(False, "", f"the readers got {sorted(map(str, received))}, not the 10 messages 0-9 "
                                  "once each: take a message out under the condition's lock.")
    probe: list[Any] = []

    def empty_get() -> None:  # in a daemon thread: a get that never returns cannot hang the kernel
        started = time.perf_counter()
        probe.append(box.get(timeout=0.2))
        probe.append(time.perf_counter() - started)

    prober = threading.Thread(target=empty_get, daemon=True)
    prober.start()
    prober.join(timeout=2)
    if prober.is_alive():
        return verdict(False, "", "get(timeout=0.2) on an empty mailbox had not returned after 2 s. Waiting in a "
                                  "loop restarts the timeout each time round: use wait_for(predicate, timeout).")
    empty, waited = probe
    if empty is not None or not 0.15 <= waited < 1.5:
        return verdict(False, "", f"on an empty mailbox get(timeout=0.2) returned {empty!r} after {waited:.2f} s; "
                                  "expected None after about 0.2 s. Use wait_for(..., timeout).")
    return verdict(True, "10 messages to 2 waiting readers, each exactly once; an empty get times out.", "")


def check_limited(fn: Callable[..., Any], limit: int = 2, deadline: float = 10.0) -> Verdict:
    """Exercise 04.2: ``fn(download, urls, limit)`` never runs more than ``limit`` downloads at once."""
    import time

    running, peak, lock, threads = [0], [0], threading.Lock(), set()

    def download(url: str) -> str:
        with lock:
            threads.add(threading.current_thread().name)
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return url.upper()

    urls = [f"img{n}" for n in range(8)]
    answer: list[Any] = []

    def call() -> None:  # in a daemon thread: a semaphore never released cannot hang the kernel
        try:
            answer.append(("ok", fn(download, urls, limit)))
        except Exception as exc:
            answer.append(("error", f"{type(exc).__name__}: {exc}"))

    caller = threading.Thread(target=call, daemon=True)
    caller.start()
    caller.join(timeout=deadline)
    if caller.is_alive():
        return verdict(False, "", f"no answer after {deadline:g} s: is every acquire matched by a release "
                                  "(use `with`)?")
    kind, got = answer[0]
    if kind == "error":
        return verdict(False, "", f"your function raised {got}")
    if got is None or list(got) != [u.upper() for u in urls]:
        return verdict(False, "", f"return the downloads' results in the order of the urls, got {got!r}.")
    if peak[0] > limit:
        return verdict(False, "", f"{peak[0]} downloads ran at once; the limit is {limit}. "
                                  "Hold a Semaphore(limit) around each download.")
    if peak[0] < limit or len(threads) <= limit:
        return verdict(False, "", f"{len(threads)} threads did the downloads: use one thread per url, so that "
                                  "the semaphore, not the pool size, does the limiting.")
    return verdict(True, f"8 downloads, never more than {limit} at once.", "")
