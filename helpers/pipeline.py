"""Producers, consumers and the queues between them, for threads and for processes.

``queue.Queue`` is a thread-safe FIFO: ``put`` blocks when a bounded queue is
full (back-pressure: a fast producer is slowed to the consumers' pace), ``get``
blocks when it is empty. Shutting down is a message like any other: one
*sentinel* per consumer says "no more work". ``multiprocessing.Queue`` does the
same between processes by pickling items through a pipe; its one trap is that a
process which has put items does not exit until they are read, so read first,
join after.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers.cleanup import join_or_terminate
from helpers.thumbnails import ImageResult, Job, thumbnail_file
from helpers.timeline import Span

STOP = None  # the sentinel: "no more items"; None is never a real item here


class DepthRecorder:
    """Notes the queue's length after every put and get, with the time."""

    def __init__(self) -> None:
        self.samples: list[tuple[float, int]] = []
        self._lock = threading.Lock()

    def note(self, q: queue.Queue) -> None:
        with self._lock:
            self.samples.append((time.perf_counter(), q.qsize()))


@dataclass
class QueueRun:
    producers: int
    consumers: int
    maxsize: int
    produced: int
    consumed: list[int]
    seconds: float
    origin: float
    spans: list[Span] = field(default_factory=list)
    depth: list[tuple[float, int]] = field(default_factory=list)

    @property
    def max_depth(self) -> int:
        return max((d for _, d in self.depth), default=0)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _span(task: str, start: float) -> Span:
    return Span(task, os.getpid(), threading.current_thread().name, start, time.perf_counter())


def run_queue(
    producers: int = 2,
    consumers: int = 2,
    maxsize: int = 5,
    items_per_producer: int = 10,
    make_time: float = 0.01,
    use_time: float = 0.03,
    timeout: float = 30,
) -> QueueRun:
    """Threads that make items and threads that use them, through one ``queue.Queue``.

    Producers put ``items_per_producer`` items each, taking ``make_time`` per
    item; consumers take ``use_time`` per item. When every producer is done the
    main thread puts one sentinel per consumer, then joins everyone.
    ``Queue.join`` waits until every item put has been marked ``task_done``.
    """
    if min(producers, consumers, items_per_producer) < 1 or maxsize < 0:
        raise ValueError("producers, consumers and items must be at least 1; maxsize at least 0")
    items: queue.Queue = queue.Queue(maxsize=maxsize)
    depth = DepthRecorder()
    spans: list[Span] = []
    consumed: list[int] = []
    consumed_lock = threading.Lock()

    def produce(index: int) -> None:
        for n in range(items_per_producer):
            started = time.perf_counter()
            time.sleep(make_time)  # making the item
            spans.append(_span("make", started))
            items.put(index * items_per_producer + n, timeout=timeout)  # blocks while the queue is full
            depth.note(items)

    def consume() -> None:
        while True:
            item = items.get(timeout=timeout)
            depth.note(items)
            if item is STOP:
                items.task_done()
                return
            started = time.perf_counter()
            time.sleep(use_time)  # using the item
            spans.append(_span("use", started))
            with consumed_lock:
                consumed.append(item)
            items.task_done()

    makers = [threading.Thread(target=produce, args=(i,), name=f"producer-{i}") for i in range(producers)]
    users = [threading.Thread(target=consume, name=f"consumer-{i}") for i in range(consumers)]
    origin = time.perf_counter()
    for thread in makers + users:
        thread.start()
    for thread in makers:
        thread.join(timeout=timeout)
    for _ in users:
        items.put(STOP, timeout=timeout)  # one sentinel for each consumer
    items.join()  # every item, sentinels included, has been task_done()
    for thread in users:
        thread.join(timeout=timeout)
    seconds = time.perf_counter() - origin
    return QueueRun(producers, consumers, maxsize, producers * items_per_producer, consumed, seconds, origin,
                    spans, [(t - origin, d) for t, d in depth.samples])


def plot_depth(run: QueueRun, ax: Any = None, label: str | None = None) -> Any:
    """The queue's length over time, with its ``maxsize`` marked."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(9, 2.8), constrained_layout=True)
    xs = [t for t, _ in run.depth]
    ys = [d for _, d in run.depth]
    ax.step(xs, ys, where="post", label=label or f"maxsize {run.maxsize or 'unbounded'}")
    if run.maxsize:
        ax.axhline(run.maxsize, color="tab:red", linestyle="--", linewidth=1)
    ax.set_xlabel("seconds since the run started")
    ax.set_ylabel("items waiting")
    ax.set_title(f"{_count(run.producers, 'producer')}, {_count(run.consumers, 'consumer')}: queue length over time")
    ax.legend(fontsize=8)
    return ax


class QueueExplorer:
    """Lesson 05's sliders: producers, consumers and maxsize; runs on a button."""

    def __init__(self, items_per_producer: int = 8) -> None:
        self.items_per_producer = items_per_producer
        self.last: QueueRun | None = None

    def run(self, producers: int, consumers: int, maxsize: int) -> QueueRun:
        self.last = run_queue(producers, consumers, maxsize, self.items_per_producer)
        return self.last

    def widget(self) -> Any:
        import ipywidgets as w
        import matplotlib.pyplot as plt

        from helpers.timeline import plot_timeline
        from helpers.widget_tools import report_errors, show

        producers = w.IntSlider(value=2, min=1, max=6, description="producers", continuous_update=False)
        consumers = w.IntSlider(value=2, min=1, max=6, description="consumers", continuous_update=False)
        maxsize = w.IntSlider(value=5, min=0, max=20, description="maxsize", continuous_update=False)
        button = w.Button(description="Run", button_style="primary", icon="play")
        output = w.Output()

        def on_click() -> None:
            run = self.run(producers.value, consumers.value, maxsize.value)
            fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 6.5), constrained_layout=True,
                                              gridspec_kw={"height_ratios": [1, 2]})
            plot_depth(run, ax=top)
            plot_timeline(run.spans, origin=run.origin, ax=bottom, title="making (producers) and using (consumers)")
            show(output, f"{run.produced} items made, {len(run.consumed)} used, in {run.seconds:.2f} s; "
                         f"longest queue: {run.max_depth}", fig)

        button.on_click(report_errors(output, on_click))
        box = w.VBox([w.HBox([producers, consumers, maxsize]), button, output])
        box.producers, box.consumers, box.maxsize = producers, consumers, maxsize
        box.button, box.output = button, output
        return box


# --- between processes: a thumbnail pipeline -----------------------------------------


def thumbnail_worker(jobs: Any, results: Any) -> None:
    """A worker process: take jobs until the sentinel, put one result per job."""
    while True:
        job = jobs.get()
        if job is STOP:
            return
        try:
            results.put(thumbnail_file(job))
        except Exception as exc:  # thumbnail_file reports bad files itself; this is a last resort
            results.put(ImageResult(job.source, error=f"worker error: {type(exc).__name__}: {exc}"))


@dataclass
class PipelineRun:
    results: list[ImageResult]
    workers: int
    seconds: float
    pids: set[int]


def run_thumbnail_pipeline(
    jobs: Iterable[Job],
    workers: int = 2,
    *,
    start_method: str | None = None,
    timeout: float = 120,
) -> PipelineRun:
    """One producer (this process) feeds ``workers`` processes through a job queue.

    Results come back on a second queue. The order of shutdown matters: send one
    sentinel per worker, read every result, *then* join the workers. A worker
    that has put results nobody has read yet cannot exit, so joining first can
    wait forever; a timeout turns a crashed worker into an error, not a hang.
    """
    context = multiprocessing.get_context(start_method)
    job_queue, result_queue = context.Queue(), context.Queue()
    processes = [
        context.Process(target=thumbnail_worker, args=(job_queue, result_queue), name=f"thumbnailer-{i}")
        for i in range(workers)
    ]
    started = time.perf_counter()
    for process in processes:
        process.start()
    count = 0
    for job in jobs:  # the producer: list the work
        job_queue.put(job)
        count += 1
    for _ in processes:
        job_queue.put(STOP)
    results: list[ImageResult] = []
    try:
        for _ in range(count):  # read everything first...
            results.append(result_queue.get(timeout=timeout))
    finally:
        join_or_terminate(processes, timeout=10)  # ...then join
        for q in (job_queue, result_queue):
            q.close()
            q.join_thread()
    return PipelineRun(results, workers, time.perf_counter() - started, {p.pid for p in processes if p.pid})


def put_big_item(q: Any, megabytes: int) -> None:
    """A child that puts one large item on a queue and then wants to exit."""
    q.put(b"x" * (megabytes * 1024 * 1024))


def joining_too_early(megabytes: int = 8, wait: float = 1.0, start_method: str | None = None) -> list[str]:
    """Show the trap, safely: join a child whose queued item nobody has read.

    The child cannot exit until its queue's feeder thread has pushed the item into
    the pipe, and the pipe is full until someone reads. ``join(timeout)`` keeps
    the demonstration bounded; reading the item then lets the child finish.
    """
    context = multiprocessing.get_context(start_method)
    q = context.Queue()
    child = context.Process(target=put_big_item, args=(q, megabytes))
    child.start()
    said = []
    child.join(timeout=wait)
    said.append(f"join(timeout={wait}) returned; child still alive: {child.is_alive()}")
    item = q.get(timeout=30)
    said.append(f"read the {len(item) // (1024 * 1024)} MB item from the queue")
    child.join(timeout=30)
    said.append(f"join() again; child still alive: {child.is_alive()} (exit code {child.exitcode})")
    q.close()
    q.join_thread()
    return said


def source_paths(results: Iterable[ImageResult]) -> list[Path]:
    return sorted(r.source for r in results)
