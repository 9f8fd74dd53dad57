"""Self-checks for lesson 08, Choosing a tool and scaling out."""

from __future__ import annotations

import math
import threading
import time
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any

from helpers.checks.verdict import Verdict, verdict
from helpers.i18n import _

__all__ = ["check_amdahl_answers", "check_chunksize_rule", "check_progress_on_any_executor"]


def _number(value: Any) -> float | None:
    """``value`` as a float if it is a real number (int, float, NumPy scalar, Fraction...), else None."""
    if isinstance(value, bool | str | bytes) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def check_amdahl_answers(fn: Any, ceiling: Any) -> Verdict:
    """Exercise 08.1: ``speedup(s, n)`` follows Amdahl's law, and the ceiling for s = 10% is 10x."""
    from helpers.amdahl import amdahl

    if not callable(fn):
        return verdict(False, "", _("define `speedup(serial_fraction, workers)`."))
    for s, n in ((0.0, 8), (0.1, 1), (0.1, 4), (0.25, 16), (0.5, 2), (1.0, 100)):
        try:
            got = fn(s, n)
        except Exception as exc:
            return verdict(False, "", _("speedup({s}, {n}) raised {error}").format(
                s=s, n=n, error=f"{type(exc).__name__}: {exc}"))
        number = _number(got)
        if number is None or not math.isclose(number, amdahl(s, n), rel_tol=1e-6, abs_tol=1e-9):
            hint = _("speedup({s}, {n}) gave {got!r}; Amdahl predicts {want:.3f}. With n workers the time is "
                     "s + (1 - s) / n of the serial time, and the speed-up is 1 divided by that.").format(
                s=s, n=n, got=got, want=amdahl(s, n))
            if number is not None and math.isclose(number, 1 / s + (1 - s) / n if s else math.inf, rel_tol=1e-6):
                hint += _(" (Mind the brackets: 1 / (s + (1 - s) / n).)")
            return verdict(False, "", hint)
    answer = _number(ceiling)
    if answer is None or not math.isclose(answer, 10, rel_tol=1e-6):
        return verdict(False, "", _("your speedup() is right. For the ceiling, let the number of workers grow "
                                    "without limit: what is left of s + (1 - s) / n, and what is 1 divided by it?"))
    return verdict(True, _("Amdahl's law, and its ceiling 1/s = 10x."), "")


# (tasks, workers) the chunksize rule is tried on: few tasks and many, few workers and many.
CHUNK_CASES = ((10_000, 2), (10_000, 8), (100, 4), (7, 2), (3, 4), (1_000_000, 16), (50, 1))
MOST_CHUNKS_PER_WORKER = 50  # past this, the per-chunk cost is paid needlessly often when tasks are many


def check_chunksize_rule(fn: Any) -> Verdict:
    """Exercise 08.2: ``chunksize_for(tasks, workers)`` keeps every worker busy without paying per task.

    For each case in ``CHUNK_CASES`` the chunksize must be a whole number from 1
    to ``tasks``; the ``ceil(tasks / chunksize)`` chunks must give every worker
    something (at least ``min(tasks, workers)`` chunks), and, when there are
    thousands of tasks, no more than ``MOST_CHUNKS_PER_WORKER`` chunks per worker
    (or 200 chunks, whichever is more). Exactly one chunk per worker passes with a
    note: a few chunks each balance better when one chunk runs slow.
    """
    if not callable(fn):
        return verdict(False, "", _("define `chunksize_for(tasks, workers)`."))
    one_each = []
    for tasks, workers in CHUNK_CASES:
        try:
            got = fn(tasks, workers)
        except Exception as exc:
            return verdict(False, "", _("chunksize_for({tasks}, {workers}) raised {error}").format(
                tasks=tasks, workers=workers, error=f"{type(exc).__name__}: {exc}"))
        number = _number(got)
        if number is None or not number.is_integer():
            return verdict(False, "", _("chunksize_for({tasks}, {workers}) gave {got!r}: a chunksize is a whole "
                                        "number (math.ceil or // make one).").format(tasks=tasks, workers=workers,
                                                                                   got=got))
        size = int(number)
        if not 1 <= size <= tasks:
            return verdict(False, "", _("chunksize_for({tasks}, {workers}) gave {size}: it must be between 1 and "
                                        "the number of tasks.").format(tasks=tasks, workers=workers, size=size))
        chunks = math.ceil(tasks / size)
        if chunks < min(tasks, workers):
            return verdict(False, "", _("chunksize_for({tasks}, {workers}) gave {size}: that makes {chunks} "
                                        "chunk(s) for {workers} workers, so some workers get nothing to do. Divide "
                                        "by the number of workers.").format(tasks=tasks, workers=workers, size=size,
                                                                           chunks=chunks))
        if tasks >= 1000 and chunks > max(MOST_CHUNKS_PER_WORKER * workers, 200):
            return verdict(False, "", _("chunksize_for({tasks}, {workers}) gave {size}: {chunks} chunks, each "
                                        "paying the fixed cost of a trip to a worker and back (section 6's plot). "
                                        "A few chunks per worker are enough.").format(
                tasks=tasks, workers=workers, size=size, chunks=chunks))
        if tasks >= 4 * workers and chunks == workers:
            one_each.append((tasks, workers))
    if one_each:
        return verdict(True, _("every worker gets work, and chunks are few. But exactly one chunk per worker means "
                               "that if one chunk runs slow (a busy core, harder items), the other workers sit idle "
                               "at the end: a few chunks each (multiprocessing.Pool uses about 4) balance better."),
                       "")
    return verdict(True, _("every worker gets several chunks, and there are few enough of them that the cost per "
                           "chunk stays small."), "")


OVERLAP_WINDOW = 0.3  # seconds the first progress call waits to see whether another runs at the same time
CALLBACK_DELAY = 0.2  # seconds each done callback waits for the answer to return first
REGISTER_WAIT = 0.2  # seconds the later items wait for done callbacks to be added, if any are


class _LateCallbacks(Future):
    """A future whose done callbacks wait (at most ``CALLBACK_DELAY`` s) for the checked function to return.

    That is the order a real pool allows and a busy machine often produces:
    ``result()`` and ``as_completed`` wake the caller before the future's done
    callbacks run. Forcing it makes an answer that reports from callbacks without
    waiting for them fail every time, not once in a hundred runs.
    """

    def __init__(self, returned: threading.Event, on_callback: Any = None) -> None:
        super().__init__()
        self._returned = returned
        self._on_callback = on_callback

    def add_done_callback(self, fn: Any) -> None:
        def late(future: Future) -> None:
            self._returned.wait(CALLBACK_DELAY)
            fn(future)

        if self._on_callback is not None:
            self._on_callback()
        super().add_done_callback(late)


class _WatchedExecutor(Executor):
    """A thread pool that counts what it is asked to run (``submit`` and ``map`` both end in ``submit``).

    Its futures are :class:`_LateCallbacks`, completed by the pool's threads.
    """

    def __init__(self, workers: int, returned: threading.Event | None = None) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="checked-pool")
        self._returned = returned or threading.Event()
        self.submitted = 0
        self.callbacks = 0
        self._lock = threading.Lock()

    def _count_callback(self) -> None:
        with self._lock:
            self.callbacks += 1

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future:
        with self._lock:
            self.submitted += 1
        future = _LateCallbacks(self._returned, self._count_callback)

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as exc:  # the future carries it to whoever asks
                future.set_exception(exc)

        self._pool.submit(run)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def check_progress_on_any_executor(fn: Any, timeout: float = 3.0) -> Verdict:
    """Exercise 08.3: ``run_with_progress(executor, work, items, progress)`` on the executor it is given.

    It must return ``[work(item) for item in items]`` in item order, computed on
    ``executor``, and call ``progress(done, total)`` as each result *arrives*. The
    check forces the orders that expose each mistake, without timing:

    * the first item waits until every other item's progress has been reported
      (a ``threading.Event``, at most ``timeout`` s): an answer that reports in
      item order stalls on it;
    * the other items finish only once a done callback has been added to every
      future (or after ``REGISTER_WAIT`` s, for answers that add none), so that
      callbacks run on the pool's threads, as they do when work takes time;
    * the first ``progress`` call waits up to ``OVERLAP_WINDOW`` s for a second one
      to start meanwhile: done callbacks that report without a lock (lesson 02's
      race on a shared counter) run on several pool threads and are caught;
    * done callbacks wait for the answer to return first (``_LateCallbacks``): an
      answer that returns without waiting for its callbacks reports too late.
    """
    if not callable(fn):
        return verdict(False, "", _("define `run_with_progress(executor, work, items, progress)`."))
    items = list(range(6))
    others_reported = threading.Event()
    first_waited_in_vain = threading.Event()
    returned = threading.Event()
    overlapped = threading.Event()
    state = threading.Lock()
    inside = [0]
    reports: list[tuple[Any, Any]] = []
    late: list[tuple[Any, Any]] = []

    def work(item: int) -> int:
        if item == 0:
            if not others_reported.wait(timeout):
                first_waited_in_vain.set()
        else:
            deadline = time.monotonic() + REGISTER_WAIT
            while executor.callbacks < len(items) and time.monotonic() < deadline:
                time.sleep(0.005)
        return item * item

    def progress(done: Any, total: Any) -> None:
        with state:
            inside[0] += 1
            if inside[0] > 1:
                overlapped.set()
            first = not reports
            reports.append((done, total))
            if returned.is_set():
                late.append((done, total))
        if first:
            overlapped.wait(OVERLAP_WINDOW)
        with state:
            inside[0] -= 1
            if len(reports) >= len(items) - 1:
                others_reported.set()

    executor = _WatchedExecutor(workers=3, returned=returned)
    answer: list[Any] = []

    def call() -> None:
        try:
            answer.append((True, fn(executor, work, items, progress)))
        except Exception as exc:
            answer.append((False, exc))
        finally:
            returned.set()

    caller = threading.Thread(target=call, name="checked-answer", daemon=True)  # daemon: a hung answer
    caller.start()                                                              # cannot keep Python alive
    caller.join(timeout + 7)
    others_reported.set()  # release the first item whatever happened
    if not answer:
        return verdict(False, "", _("your function did not return within {seconds:g} s.").format(seconds=timeout + 7))
    executor.shutdown(wait=True)  # every callback has run now: each waits at most CALLBACK_DELAY
    ok, got = answer[0]
    if not ok:
        return verdict(False, "", _("your function raised {error}").format(error=f"{type(got).__name__}: {got}"))
    if executor.submitted == 0:
        return verdict(False, "", _("nothing ran on the executor you were given: use `executor.submit` (or "
                                    "`executor.map`) on it, rather than a pool of your own or a plain loop."))
    try:
        got = list(got)
    except TypeError:
        return verdict(False, "", _("return a list of the results, not {got!r}.").format(got=got))
    if any(isinstance(g, Future) for g in got):
        return verdict(False, "", _("you returned futures: return their results (`future.result()`)."))
    want = [i * i for i in items]
    if sorted(got) == sorted(want) and got != want:
        return verdict(False, "", _("every result is there, but not in item order: results arrive in any order; "
                                    "return them in the order of `items`."))
    if got != want:
        return verdict(False, "", _("expected {want}, got {got}.").format(want=want, got=got))
    if overlapped.is_set():
        return verdict(False, "", _("progress ran in two threads at once: done callbacks run on the pool's "
                                    "threads, so a counter they share is lesson 02's race (`count += 1` is not "
                                    "atomic), and reports can come out of order. Hold one lock while you count "
                                    "and report, or report from your own thread with as_completed."))
    if late:
        return verdict(False, "", _("progress{call} came after your function had returned: `result()` and "
                                    "`wait()` wake your code before a future's done callbacks run. Wait until "
                                    "every report is made, or report from your own thread with as_completed."
                                    ).format(call=tuple(late[0])))
    if [d for d, _t in reports] != list(range(1, len(items) + 1)) or any(t != len(items) for _d, t in reports):
        return verdict(False, "", _("progress should be called once per result, as progress(1, 6), progress(2, 6) "
                                    "... progress(6, 6); it was called {calls}.").format(calls=reports))
    if first_waited_in_vain.is_set():
        return verdict(False, "", _("progress was reported in item order, waiting on the first item while later "
                                    "ones were already done: report each result as it arrives "
                                    "(concurrent.futures.as_completed)."))
    return verdict(True, _("results in item order, progress reported as each arrived, on the executor given."), "")
