"""Time the same work under different executors and worker counts.

Results are plain records (dataclasses), so one measurement can feed a table, a
plot, a test and a benchmark. Timings include starting the pool: a learner's
program pays that cost too, and it is part of why processes lose on small jobs.

Measuring is itself a lesson: wall-clock times are noisy, so every setting is run
several times and summarised by the median.
"""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import queue as queue_module
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from helpers.cleanup import join_or_terminate
from helpers.executors import EXECUTOR_KINDS, SerialExecutor, make_executor
from helpers.i18n import N_, _, ngettext
from helpers.subprocesses import plain_environment
from helpers.timeline import Span, traced

PER_TASK = "process-per-task"
KINDS: tuple[str, ...] = (*EXECUTOR_KINDS, PER_TASK)
PER_TASK_TIMEOUT = 300.0  # seconds; a crashed child must not hang the notebook
# What a learner reads for each kind: the code says "thread", a table or a plot "thread pool".
EXECUTOR_LABELS = {
    "serial": N_("serial"),
    "thread": N_("thread pool"),
    "process": N_("process pool"),
    PER_TASK: N_("one process per task"),
}


def executor_label(kind: str) -> str:
    """The name shown for an executor kind, in the learner's language (``"thread"`` -> "thread pool").

    The kinds themselves (``"serial"``, ``"thread"``, ...) are code: arguments a learner
    types. Tables, plots and widgets show these names instead, the same in each.
    """
    return _(EXECUTOR_LABELS[kind]) if kind in EXECUTOR_LABELS else kind


def setting_label(kind: str, workers: int) -> str:
    """A setting as a learner reads it: "serial", "thread pool, 2 workers", "one process per task (12 processes)".

    Serial has no worker count to show, and one process per task has processes, not
    workers: a count of "workers" there would contradict the lesson.
    """
    if kind == "serial":
        return executor_label(kind)
    if kind == PER_TASK:
        return ngettext("one process per task ({n} process)", "one process per task ({n} processes)",
                        workers).format(n=workers)
    return ngettext("{executor}, {n} worker", "{executor}, {n} workers", workers).format(
        executor=executor_label(kind), n=workers)


@dataclass(frozen=True)
class Run:
    """One timed run: ``tasks`` items on ``executor`` with ``workers`` workers."""

    executor: str
    workers: int
    repeat: int
    seconds: float
    tasks: int


@dataclass(frozen=True)
class Point:
    """The median of the runs of one setting, and its speed-up over the baseline."""

    executor: str
    workers: int
    seconds: float
    speedup: float
    runs: int


@dataclass(frozen=True)
class TracedRun:
    """A run's results, in item order, with the Span of every task."""

    executor: str
    workers: int
    seconds: float
    results: list[Any]
    spans: list[Span]
    origin: float  # perf_counter reading when the run (and its pool) started


def execute(
    fn: Callable[[Any], Any],
    items: Sequence[Any],
    executor: str = "serial",
    workers: int | None = None,
    *,
    start_method: str | None = None,
) -> list[Any]:
    """``[fn(item) for item in items]``, run on the chosen executor, in item order.

    ``"process-per-task"`` starts one ``multiprocessing.Process`` per item, all at
    once, as the original tutorial did (but collects results and joins them all).
    """
    if executor == PER_TASK:
        return run_process_per_task(fn, items, start_method=start_method)
    with make_executor(executor, workers, start_method=start_method) as pool:
        return list(pool.map(fn, items))


def run_process_per_task(
    fn: Callable[[Any], Any],
    items: Sequence[Any],
    *,
    start_method: str | None = None,
    timeout: float = PER_TASK_TIMEOUT,
) -> list[Any]:
    """One process per item, started together; results in item order.

    Results are read from the queue *before* joining: a child that has put a large
    result on a queue does not exit until someone reads it, so joining first can
    wait forever. A child that dies without answering ends the wait at ``timeout``.
    """
    context = multiprocessing.get_context(start_method)
    answers = context.Queue()
    processes = [
        context.Process(target=call_and_put, args=(answers, index, fn, item), name=f"task-{index}")
        for index, item in enumerate(items)
    ]
    for process in processes:
        process.start()
    results: list[Any] = [None] * len(items)
    failure: BaseException | None = None
    try:
        deadline = time.monotonic() + timeout
        for _process in processes:
            index, value = answers.get(timeout=max(0.0, deadline - time.monotonic()))
            results[index] = value
            if isinstance(value, Exception) and failure is None:
                failure = value
    except queue_module.Empty:
        failure = TimeoutError(_("a task process did not answer within {seconds:.0f} s").format(seconds=timeout))
    finally:
        join_or_terminate(processes)
        answers.close()
        answers.join_thread()
    if failure is not None:
        raise failure
    return results


def call_and_put(answers: Any, index: int, task: Callable[[Any], Any], item: Any) -> None:
    """The target of a one-process-per-task run: put ``(index, task(item))`` on ``answers``.

    If the task raises, the exception itself is put in place of the result, so the
    parent hears back from every child, and learns which item failed and why,
    instead of waiting for an answer that never comes. It lives in a module because
    a process started with spawn or forkserver imports its target by name.
    """
    try:
        answers.put((index, task(item)))
    except Exception as exc:
        answers.put((index, exc))


def run_traced(
    fn: Callable[[Any], Any],
    items: Sequence[Any],
    executor: str = "serial",
    workers: int | None = None,
    *,
    start_method: str | None = None,
) -> TracedRun:
    """Run once and record which worker ran each item, and when."""
    origin = time.perf_counter()
    pairs = execute(traced(fn), items, executor, workers, start_method=start_method)
    seconds = time.perf_counter() - origin
    return TracedRun(
        executor=executor,
        workers=_effective_workers(executor, workers, len(items)),
        seconds=seconds,
        results=[result for result, _ in pairs],
        spans=[dataclasses.replace(span, index=i) for i, (_, span) in enumerate(pairs)],
        origin=origin,
    )


def map_traced(pool: Executor | None, fn: Callable[[Any], Any], items: Sequence[Any]) -> TracedRun:
    """``list(pool.map(fn, items))``, noting which worker ran each item, and when, for a timeline.

    ``pool`` is an executor the lesson made itself (``ThreadPoolExecutor``,
    ``ProcessPoolExecutor``), or None to run the items here, one after another.
    The clock starts when this is called; both standard pools start their workers
    on the first task, so the gap before the first bars is their start-up. Each
    item runs wrapped by :func:`helpers.timeline.traced`, which is picklable when
    ``fn`` is, so this works across processes too.
    """
    origin = time.perf_counter()
    calls = traced(fn)
    pairs = [calls(item) for item in items] if pool is None else list(pool.map(calls, items))
    seconds = time.perf_counter() - origin
    if pool is None or isinstance(pool, SerialExecutor):
        kind, workers = "serial", 1
    else:
        kind = {ThreadPoolExecutor: "thread", ProcessPoolExecutor: "process"}.get(type(pool), type(pool).__name__)
        workers = getattr(pool, "_max_workers", 0) or len({span.worker for _, span in pairs})
    return TracedRun(
        executor=kind,
        workers=workers,
        seconds=seconds,
        results=[result for result, _ in pairs],
        spans=[dataclasses.replace(span, index=i) for i, (_, span) in enumerate(pairs)],
        origin=origin,
    )


def median_run(runs: Sequence[TracedRun]) -> TracedRun:
    """The run whose wall time is the median (the faster of the middle two, for an even count).

    A timeline can show only one run; this picks the typical one, not a lucky or an
    unlucky one, so that the picture agrees with the medians printed beside it.
    """
    if not runs:
        raise ValueError(_("no runs to choose from"))
    ordered = sorted(runs, key=lambda run: run.seconds)
    return ordered[(len(ordered) - 1) // 2]


def item_seconds(runs: Iterable[TracedRun]) -> dict[int, float]:
    """Each item's median time over the runs, keyed by the item's position."""
    times: dict[int, list[float]] = {}
    for run in runs:
        for span in run.spans:
            times.setdefault(span.index, []).append(span.seconds)
    return {index: statistics.median(seconds) for index, seconds in times.items()}


def _effective_workers(executor: str, workers: int | None, tasks: int) -> int:
    from helpers.executors import cpu_count

    if executor == "serial":
        return 1
    if executor == PER_TASK:
        return tasks
    return workers or cpu_count()


def measure(
    fn: Callable[[Any], Any],
    items: Sequence[Any],
    *,
    executors: Iterable[str] = ("serial", "thread", "process"),
    workers: Iterable[int] = (1, 2, 4),
    repeats: int = 3,
    start_method: str | None = None,
    progress: bool = False,
) -> list[Run]:
    """Time ``fn`` over ``items`` for every executor and worker count.

    Serial and process-per-task runs have no worker count to vary, so they are
    timed once per repeat, not once per count.
    """
    if repeats < 1:
        raise ValueError(_("repeats must be at least 1, not {repeats}").format(repeats=repeats))
    settings: list[tuple[str, int | None]] = []
    for kind in executors:
        if kind not in KINDS:
            raise ValueError(_("executor must be one of {kinds}, not {kind!r}").format(
                kinds=", ".join(KINDS), kind=kind))
        if kind in ("serial", PER_TASK):
            settings.append((kind, None))
        else:
            settings.extend((kind, count) for count in workers)
    plan = [(kind, count, r) for r in range(repeats) for kind, count in settings]
    if progress:
        from tqdm.auto import tqdm

        plan = tqdm(plan, desc=_("measuring"), unit=_("run"))
    runs = []
    for kind, count, repeat in plan:
        started = time.perf_counter()
        execute(fn, items, kind, count, start_method=start_method)
        seconds = time.perf_counter() - started
        runs.append(Run(kind, _effective_workers(kind, count, len(items)), repeat, seconds, len(items)))
    return runs


def summarize(runs: Iterable[Run], baseline: str = "serial") -> list[Point]:
    """Median time per (executor, workers), and speed-up against ``baseline``.

    The baseline is the median of the ``baseline`` executor's runs with one worker.
    """
    groups: dict[tuple[str, int], list[float]] = {}
    for run in runs:
        groups.setdefault((run.executor, run.workers), []).append(run.seconds)
    base = [times for (kind, count), times in groups.items() if kind == baseline and count == 1]
    if not base:
        raise ValueError(_("no {baseline!r} run with one worker to compare against").format(baseline=baseline))
    reference = statistics.median(base[0])
    return [
        Point(kind, count, statistics.median(times), reference / statistics.median(times), len(times))
        for (kind, count), times in groups.items()
    ]


def point_from(traced_run: TracedRun, reference_seconds: float) -> Point:
    """A single traced run as a Point, against a known serial time."""
    return Point(
        traced_run.executor,
        traced_run.workers,
        traced_run.seconds,
        reference_seconds / traced_run.seconds,
        1,
    )


def table(points: Iterable[Point]) -> str:
    """A Markdown table of points, for printing in a notebook or a README (executors by their shown names)."""
    lines = [_("| executor | workers | median s | speed-up |"), "|---|---:|---:|---:|"]
    for p in sorted(points, key=lambda p: (KINDS.index(p.executor) if p.executor in KINDS else 99, p.workers)):
        lines.append(f"| {executor_label(p.executor)} | {p.workers} | {p.seconds:.3f} | {p.speedup:.2f}x |")
    return "\n".join(lines)


def pool_startup_seconds(
    start_method: str | None = None,
    workers: int = 2,
    repeats: int = 3,
    *,
    task: Callable[[Any], Any] | None = None,
    arg: Any = 0.0,
) -> float:
    """Median time to start a process pool, run ``task(arg)`` once per worker, and stop.

    This is the fixed cost a process pool adds before any real work. Only a
    ``fork`` worker is a copy of this process, with everything it has imported.
    A ``spawn`` worker is a fresh interpreter that imports the task's module (and
    all that imports) first. A ``forkserver`` worker is forked from a server that
    is itself a fresh interpreter: it imports the main script, if there is one (a
    notebook has none), and the modules named by
    ``multiprocessing.set_forkserver_preload()``, nothing else; so unless the
    task's module was preloaded, each worker imports it too: cheaper than a
    ``spawn`` worker, which must also start a new interpreter, but far dearer than
    ``fork`` (:func:`startup_in_fresh_python` measures what preloading saves).
    ``task`` defaults to a sleep of ``arg`` s.
    """
    from helpers.workloads import wait_for

    task = task or wait_for
    times = []
    for _repeat in range(repeats):
        started = time.perf_counter()
        with make_executor("process", workers, start_method=start_method) as pool:
            list(pool.map(task, [arg] * workers))
        times.append(time.perf_counter() - started)
    return statistics.median(times)


_FRESH_PYTHON_SCRIPT = """
import json, sys, time, multiprocessing
from concurrent.futures import ProcessPoolExecutor
from helpers.thumbnails import validate_sizes
method, preload, workers, pools = json.loads(sys.argv[1])
context = multiprocessing.get_context(method)
if preload:
    context.set_forkserver_preload(preload)
times = []
for _ in range(pools):
    started = time.perf_counter()
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        list(pool.map(validate_sizes, [[32]] * workers))
    times.append(time.perf_counter() - started)
print(json.dumps(times))
"""


def startup_in_fresh_python(
    start_method: str = "forkserver",
    *,
    preload: Sequence[str] = (),
    workers: int = 2,
    pools: int = 3,
    timeout: float = 120,
) -> list[float]:
    """Seconds to start ``pools`` process pools one after another, in a new Python.

    Each pool's workers run one small task from :mod:`helpers.thumbnails`, so
    each must have Pillow and ``helpers`` imported. A new Python is used because a
    forkserver is started once per program, with the preload list of that moment:
    a kernel whose server already runs cannot change it. With ``preload`` (the
    modules to import in the server; forkserver only) later pools fork workers
    that have them already. The first pool's time includes starting the server.
    """
    if preload and start_method != "forkserver":
        raise ValueError(_("only the forkserver start method preloads modules"))
    argument = json.dumps([start_method, list(preload), workers, pools])
    done = subprocess.run(
        [sys.executable, "-c", _FRESH_PYTHON_SCRIPT, argument],
        capture_output=True, text=True, timeout=timeout, check=False, env=plain_environment(),
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no error message"])[-1]
        raise RuntimeError(_("the measuring Python failed: {error}").format(error=last))
    return [float(t) for t in json.loads(done.stdout.strip().splitlines()[-1])]
