"""Self-checks for lesson 08, Choosing a tool and scaling out."""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any

from helpers.checks.verdict import Verdict, verdict
from helpers.i18n import _

__all__ = ["check_amdahl_answers", "check_fastest_chunksize", "check_progress_on_any_executor"]


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


def check_fastest_chunksize(choice: Any, costs: Sequence[Any], tolerance: float = 0.15) -> Verdict:
    """Exercise 08.2: the chunksize that was fastest in the learner's own measurement (or as good)."""
    try:
        timings = {int(c.setting.split()[-1]): float(c.seconds) for c in costs}
    except (AttributeError, TypeError, ValueError, IndexError):
        return verdict(False, "", _("pass the `chunks` measurement from section 6 as the second argument."))
    if not timings:
        return verdict(False, "", _("the measurement is empty: run the chunksize cell of section 6 first."))
    if isinstance(choice, str) and choice.strip().isdigit():
        return verdict(False, "", _("{choice!r} is text: write the number without quotes.").format(choice=choice))
    number = _number(choice)
    if number is None or not number.is_integer() or int(number) not in timings:
        return verdict(False, "", _("choose one of the measured chunksizes: {sizes}.").format(sizes=sorted(timings)))
    choice = int(number)
    best = min(timings.values())
    if timings[choice] <= best * (1 + tolerance):
        return verdict(True, _("chunksize {choice}: {seconds:.3f} s, the fastest here (within measuring noise)."
                               ).format(choice=choice, seconds=timings[choice]), "")
    return verdict(False, "", _("chunksize {choice} took {seconds:.3f} s; another took {best:.3f} s. "
                                "Look at the plot again.").format(choice=choice, seconds=timings[choice], best=best))


class _WatchedExecutor(Executor):
    """A real thread pool that counts what it is asked to run (``submit`` and ``map`` both end in ``submit``)."""

    def __init__(self, workers: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="checked-pool")
        self.submitted = 0
        self._lock = threading.Lock()

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future:
        with self._lock:
            self.submitted += 1
        return self._pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def check_progress_on_any_executor(fn: Any, timeout: float = 3.0) -> Verdict:
    """Exercise 08.3: ``run_with_progress(executor, work, items, progress)`` on the executor it is given.

    It must return ``[work(item) for item in items]`` in item order, computed on
    ``executor``, and call ``progress(done, total)`` as each result *arrives*. The
    check makes the first item wait until every other item's progress has been
    reported (a ``threading.Event``, at most ``timeout`` seconds): an answer that
    collects results in item order stalls on it, so the check knows, without timing.
    """
    if not callable(fn):
        return verdict(False, "", _("define `run_with_progress(executor, work, items, progress)`."))
    items = list(range(6))
    others_reported = threading.Event()
    first_waited_in_vain = threading.Event()
    reports: list[tuple[Any, Any]] = []

    def work(item: int) -> int:
        if item == 0 and not others_reported.wait(timeout):
            first_waited_in_vain.set()
        return item * item

    def progress(done: Any, total: Any) -> None:
        reports.append((done, total))
        if len(reports) >= len(items) - 1:
            others_reported.set()

    executor = _WatchedExecutor(workers=3)
    answer: list[Any] = []

    def call() -> None:
        try:
            answer.append((True, fn(executor, work, items, progress)))
        except Exception as exc:
            answer.append((False, exc))

    caller = threading.Thread(target=call, name="checked-answer", daemon=True)  # daemon: a hung answer
    caller.start()                                                              # cannot keep Python alive
    caller.join(timeout + 7)
    others_reported.set()  # release the first item whatever happened
    if not answer:
        return verdict(False, "", _("your function did not return within {seconds:g} s.").format(seconds=timeout + 7))
    executor.shutdown(wait=True)
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
    if [d for d, _t in reports] != list(range(1, len(items) + 1)) or any(t != len(items) for _d, t in reports):
        return verdict(False, "", _("progress should be called once per result, as progress(1, 6), progress(2, 6) "
                                    "... progress(6, 6); it was called {calls}.").format(calls=reports))
    if first_waited_in_vain.is_set():
        return verdict(False, "", _("progress was reported in item order, waiting on the first item while later "
                                    "ones were already done: report each result as it arrives "
                                    "(concurrent.futures.as_completed)."))
    return verdict(True, _("results in item order, progress reported as each arrived, on the executor given."), "")
