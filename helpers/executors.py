"""One way to ask for "run these calls serially / on threads / on processes".

Every lesson compares the same work under different executors. Keeping the choice
behind one factory means a measurement, the thumbnail command line and a widget all
say ``make_executor("thread", 4)`` and get a real ``concurrent.futures.Executor``,
so the comparison is always like for like.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any, Literal

ExecutorKind = Literal["serial", "thread", "process"]
EXECUTOR_KINDS: tuple[str, ...] = ("serial", "thread", "process")


class SerialExecutor(Executor):
    """An Executor that runs each call at once, in the calling thread.

    It is the baseline every speed-up is measured against. Because it has the same
    interface as the pools, code under test does not change when the executor does.
    """

    def __init__(self) -> None:
        self._shutdown = False
        self._lock = threading.Lock()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        with self._lock:
            if self._shutdown:
                raise RuntimeError("cannot schedule new futures after shutdown")
        future: Future = Future()
        future.set_running_or_notify_cancel()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # the pools also hand every exception to the future
            future.set_exception(exc)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._shutdown = True


def cpu_count() -> int:
    """Cores this process may use (respects affinity and containers where Python can)."""
    if hasattr(os, "process_cpu_count"):  # Python 3.13+
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def make_executor(
    kind: str,
    workers: int | None = None,
    *,
    start_method: str | None = None,
) -> Executor:
    """Return a fresh executor of ``kind`` ("serial", "thread" or "process").

    ``workers`` defaults to the number of usable cores. ``start_method`` picks the
    multiprocessing start method for a process pool; ``None`` means the current
    default, which is what the course's tests switch between fork, spawn and
    forkserver.
    """
    if kind not in EXECUTOR_KINDS:
        raise ValueError(f"executor must be one of {', '.join(EXECUTOR_KINDS)}, not {kind!r}")
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    if kind == "serial":
        return SerialExecutor()
    workers = workers or cpu_count()
    if kind == "thread":
        return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="worker")
    context = multiprocessing.get_context(start_method)
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


def map_unordered(executor: Executor, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
    """Yield ``fn(item)`` results as they finish, so progress bars move steadily."""
    from concurrent.futures import as_completed

    futures = [executor.submit(fn, item) for item in items]
    for future in as_completed(futures):
        yield future.result()
