"""One way to ask for "run these calls serially / on threads / on processes".

Every lesson compares the same work under different executors. Keeping the choice
behind one factory means a measurement, the thumbnail command line and a widget all
say ``make_executor("thread", 4)`` and get a real ``concurrent.futures.Executor``,
so the comparison is always like for like.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any, Literal

from helpers.i18n import _

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
    """How many cores this process may use: the count every lesson and the set-up check show.

    The cores this process may run on (its CPU affinity, as ``taskset`` or a
    container's ``--cpuset-cpus`` set it), overridden by ``PYTHON_CPU_COUNT`` or
    ``-X cpu_count=N``. Python 3.13+ honours both in ``os.process_cpu_count()``;
    on 3.11 and 3.12 this function reads them itself, so the course counts the
    same way on every version.

    A CPU *quota* is not seen, on any version: a container limited with
    ``docker --cpus=2``, a Kubernetes CPU limit or a Binder session may run on
    every core of the host but get only a share of their time. There, set
    ``PYTHON_CPU_COUNT`` to the quota before starting Jupyter.
    """
    if hasattr(os, "process_cpu_count"):  # Python 3.13+: knows the override itself
        return os.process_cpu_count() or 1
    override = cpu_count_override(sys._xoptions, os.environ, ignore_environment=bool(sys.flags.ignore_environment))
    if override is not None:
        return override
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def cpu_count_override(
    xoptions: Mapping[str, str | bool], environ: Mapping[str, str], *, ignore_environment: bool = False
) -> int | None:
    """The count forced by ``-X cpu_count=N`` or ``PYTHON_CPU_COUNT=N`` (3.13's rule), or None.

    ``-X`` wins over the environment (even ``-X cpu_count=default``, which means
    no override), and ``-E`` (``ignore_environment``) ignores the variable. Where
    Python 3.13 refuses to start over a value that is not a positive whole
    number, this ignores it.
    """
    value = xoptions.get("cpu_count")
    if value is None and not ignore_environment:
        value = environ.get("PYTHON_CPU_COUNT")
    if not isinstance(value, str) or value == "default":
        return None
    try:
        count = int(value)
    except ValueError:
        return None
    return count if count >= 1 else None


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
        raise ValueError(_("executor must be one of {kinds}, not {kind!r}").format(
            kinds=", ".join(EXECUTOR_KINDS), kind=kind))
    if workers is not None and workers < 1:
        raise ValueError(_("workers must be at least 1, not {workers}").format(workers=workers))
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
