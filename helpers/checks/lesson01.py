"""Self-checks for lesson 01, Thumbnails with threads and processes."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePath, PurePosixPath
from typing import Any

from helpers.checks.lesson00 import _not_a_number_hint, _whole_number
from helpers.checks.verdict import Verdict, verdict
from helpers.executors import cpu_count
from helpers.i18n import _, ngettext

__all__ = ["check_cpu_choice", "check_run_on_threads", "check_thumbnail_name"]

# --- exercise 1 ---------------------------------------------------------------------

RUN_TIMEOUT = 30.0  # seconds; a learner's function that hangs must not hang the check
ORDER_WAIT = 2.0  # seconds the first item waits for the last one (a serial answer waits it out)


def _finishing_out_of_order() -> Callable[[int], int]:
    """A task whose item 0 finishes after item 2 on any pool of 2 or more threads.

    Forced with an Event, not left to timing: item 0 waits until item 2 is done,
    so results gathered in completion order are never in item order.
    """
    last_done = threading.Event()

    def task(item: int) -> int:
        if item == 0:
            last_done.wait(ORDER_WAIT)
        if item == 2:
            last_done.set()
        return item * 10

    return task


@contextlib.contextmanager
def _pools_made() -> Iterator[list[ThreadPoolExecutor]]:
    """Every ThreadPoolExecutor created in the block, kept alive until the block ends.

    Kept alive on purpose: a pool that is never shut down still loses its threads
    when it is garbage-collected, which would hide the mistake from a check that
    only looked for leftover threads.
    """
    made: list[ThreadPoolExecutor] = []
    original = ThreadPoolExecutor.__init__

    def recording_init(self: ThreadPoolExecutor, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        made.append(self)

    ThreadPoolExecutor.__init__ = recording_init  # type: ignore[method-assign]
    try:
        yield made
    finally:
        ThreadPoolExecutor.__init__ = original  # type: ignore[method-assign]


def _call_with_timeout(fn: Callable[..., Any], *args: Any) -> tuple[bool, Any, BaseException | None]:
    """``fn(*args)`` in a helper thread: (finished, result, exception)."""
    outcome: dict[str, Any] = {}

    def call() -> None:
        try:
            outcome["result"] = fn(*args)
        except BaseException as exc:
            outcome["error"] = exc

    runner = threading.Thread(target=call, name="self-check", daemon=True)
    runner.start()
    runner.join(RUN_TIMEOUT)
    if runner.is_alive():
        return False, None, None
    return True, outcome.get("result"), outcome.get("error")


def check_run_on_threads(fn: Callable[..., Any]) -> Verdict:
    """Exercise 01.1: ``fn(task, items, workers)`` runs ``task`` over ``items`` on ``workers`` threads.

    Judges what the exercise asks: results as a list in item order, the work done
    by ``workers`` threads other than the caller, and nothing left running (every
    pool shut down, every thread finished).
    """
    from helpers.cleanup import leftovers, snapshot
    from helpers.identity import whoami

    if not callable(fn):
        return verdict(False, "", _("define a function `run_on_threads(task, items, workers)`."))
    before = snapshot()
    with _pools_made() as pools:
        finished, tens, error = _call_with_timeout(fn, _finishing_out_of_order(), [0, 1, 2], 2)
        if finished and error is None:
            finished, who, error = _call_with_timeout(fn, whoami, [0.05] * 4, 2)
        never_shut = [pool for pool in pools if not pool._shutdown]
        for pool in never_shut:  # clean up after the learner, then judge
            pool.shutdown(wait=True)
        made_a_pool = bool(pools)
    if not finished:
        return verdict(False, "", _("your function did not return within {seconds:.0f} s.").format(
            seconds=RUN_TIMEOUT))
    if error is not None:
        return verdict(False, "", _("your function raised {error}").format(
            error=f"{type(error).__name__}: {error}"))
    if tens is None or who is None:
        return verdict(False, "", _("your function returned None: `return` the list of results."))
    if isinstance(tens, Iterator):
        return verdict(False, "", _("your function returned an iterator (what `pool.map` gives), not a list: "
                                    "wrap it in `list(...)` inside the `with` block."))
    if not isinstance(tens, list):
        return verdict(False, "", _("your function returned a {kind}; the exercise asks for a list.").format(
            kind=type(tens).__name__))
    if tens != [0, 10, 20]:
        return verdict(False, "", _("results should come back in the order of the items: expected [0, 10, 20], "
                                    "got {got}. `pool.map` keeps the order; `as_completed` does not.").format(
            got=tens))
    threads = {w.thread_name for w in who}
    if "self-check" in threads:
        return verdict(False, "", _("the work ran in the thread that called your function, "
                                    "not on a pool's threads. Use ThreadPoolExecutor(max_workers=workers)."))
    if len(threads) != 2 and not made_a_pool:
        return verdict(False, "", _("the work ran on {count} threads you started yourself, for {items} items; "
                                    "with workers=2 it should run on 2 threads, each taking item after item. A "
                                    "`ThreadPoolExecutor(max_workers=workers)` does exactly that.").format(
            count=len(threads), items=len(who)))
    if len(threads) != 2:
        return verdict(False, "", _("the work ran on {count} threads; with workers=2 it should run on 2. "
                                    "Pass `max_workers=workers`.").format(count=len(threads)))
    if never_shut:
        return verdict(False, "", _("your pool was never shut down: its threads wait for more work until "
                                    "it is garbage-collected or Python exits. Use `with ThreadPoolExecutor(...) "
                                    "as pool:` or call `pool.shutdown()`."))
    if leftovers(before, grace=1.0):
        return verdict(False, "", _("threads you started are still running: wait for them (`join`) "
                                    "before returning."))
    if not made_a_pool:
        return verdict(True, _("correct: two threads did the work, results in order, nothing left running. "
                               "A ThreadPoolExecutor does the same in three lines, and reuses its threads."), "")
    return verdict(True, _("two pool threads did the work, results in order, pool shut down."), "")


# --- exercise 2 ---------------------------------------------------------------------

EXECUTORS = ("serial", "thread", "process")


def check_cpu_choice(executor: Any, workers: Any, cores: int | None = None, gil: bool | None = None) -> Verdict:
    """Exercise 01.2: the executor, and the fewest workers at full speed, for pure-Python work.

    ``cores`` and ``gil`` default to this machine and this Python: the right answer
    depends on both (on a free-threaded build without the GIL, threads run
    pure-Python code in parallel too; on one core nothing runs in parallel).
    """
    from helpers.python_build import gil_enabled

    cores = cores or cpu_count()
    gil = gil_enabled() if gil is None else gil
    if not isinstance(executor, str) or executor not in EXECUTORS:
        if isinstance(executor, str) and executor.strip().lower() in EXECUTORS:
            return verdict(False, "", _("write the executor's name exactly as the exercise gives it: "
                                        "{name!r}, in lower case.").format(name=executor.strip().lower()))
        return verdict(False, "", _("`executor` must be one of \"serial\", \"thread\" or \"process\", not {value!r}."
                                    ).format(value=executor))
    if executor == "serial":
        if cores == 1:
            return verdict(True, _("serial: on one core nothing runs in parallel, and a pool would only add "
                                   "its start-up."), "")
        return verdict(False, "", _("serial uses one core; this machine has {cores}.").format(cores=cores))
    count = _whole_number(workers)
    if count is None:
        return verdict(False, "", _not_a_number_hint(workers, "n_workers"))
    if executor == "thread" and gil and cores > 1:
        return verdict(False, "", _("pure-Python work holds the GIL: only one thread runs it at a time, "
                                    "however many you start. (If section 4's plot showed threads ahead of "
                                    "processes, other programs were using the cores while it measured: the "
                                    "processes found no free core. Run that cell again on a quieter machine.)"))
    if count < 1:
        return verdict(False, "", _("a pool needs at least 1 worker, not {count}.").format(count=count))
    if count < cores:
        return verdict(False, "", ngettext("this machine has {cores} usable cores; with {count} worker, some "
                                           "cores stay idle.",
                                           "this machine has {cores} usable cores; with {count} workers, some "
                                           "cores stay idle.", count).format(cores=cores, count=count))
    if count > cores:
        return verdict(False, "", _("{count} workers run no faster than {cores}: they take turns on {cores} cores. "
                                    "What is the smallest number at full speed?").format(count=count, cores=cores))
    if cores == 1:
        return verdict(True, _("right: one worker is full speed on one core. Plain serial code is as fast, "
                               "without a pool's start-up."), "")
    if executor == "thread":
        return verdict(True, _("right on this free-threaded Python, where threads run Python code in parallel: "
                               "one thread per core ({cores}). With the GIL (the usual build) only processes "
                               "would.").format(cores=cores), "")
    return verdict(True, _("processes, one per core ({cores}): more would only take turns.").format(cores=cores), "")


# --- exercise 3 ---------------------------------------------------------------------

PATH_CASES = {
    "images/foo.jpg": "thumbnails/foo_32.jpg",
    "images/more/Kite.JPG": "thumbnails/Kite_32.jpg",
    "holiday photos/beach.png": "thumbnails/beach_32.jpg",
    "cat.jpeg": "thumbnails/cat_32.jpg",
    "images/my.photo.jpg": "thumbnails/my.photo_32.jpg",  # only the last dot starts the extension
}


def _name_hint(infile: str, got: str, expected: str) -> str:
    """Name the real mistake in one wrong output name."""
    source = PurePath(infile)
    got_path = PurePosixPath(got)
    shown = _("thumbnail_name({infile!r}, 32) gave {got!r}, expected {expected!r}.").format(
        infile=infile, got=got, expected=expected)
    folder = got_path.parent.as_posix()
    if folder != "thumbnails":
        if folder.startswith("thumbnails/"):
            return shown + " " + _("Part of the source's folder stays in the path ({extra!r}): only the file's "
                                   "name goes to `thumbnails`.").format(extra=folder.removeprefix("thumbnails/"))
        return shown + " " + _("The thumbnail goes straight into the folder `thumbnails`.")
    if got_path.suffix != ".jpg":
        return shown + " " + _("Every thumbnail is a JPEG, so its name ends in `.jpg`, whatever the source's "
                               "extension ({suffix}).").format(suffix=source.suffix)
    if "." in source.stem and got_path.stem == f"{source.name.split('.')[0]}_32":
        return shown + " " + _("The name was cut at its first dot, but only the last dot starts the extension "
                               "({name!r} has two). `Path(infile).stem` removes just the last one.").format(
            name=source.name)
    if source.suffix and source.suffix in got_path.stem:
        return shown + " " + _("The source's extension must not stay in the name: `Path(infile).stem` is the "
                               "name without folder and extension.")
    return shown + " " + _("Build it from `Path(infile).stem`, then `_`, the size, and `.jpg`.")


def check_thumbnail_name(fn: Callable[[str, int], Any]) -> Verdict:
    """Exercise 01.3: a fixed version of the original tutorial's output-name code."""
    if not callable(fn):
        return verdict(False, "", _("define a function `thumbnail_name(infile, size)`."))
    for infile, expected in PATH_CASES.items():
        try:
            got = fn(infile, 32)
        except Exception as exc:
            return verdict(False, "", _("thumbnail_name({infile!r}, 32) raised {error}").format(
                infile=infile, error=f"{type(exc).__name__}: {exc}"))
        if not isinstance(got, str | PurePath):
            return verdict(False, "", _("thumbnail_name({infile!r}, 32) gave {got!r}, not a path. "
                                        "Does your function `return` its answer?").format(infile=infile, got=got))
        shown = Path(got).as_posix()
        if shown != expected:
            return verdict(False, "", _name_hint(infile, shown, expected))
    return verdict(True, _("every case gives the right name."), "")
