"""Who ran which task, and from when to when: the course's Gantt chart.

A timeline is the clearest picture of concurrency there is: bars side by side mean
work really overlapped, bars end to end mean it took turns. Each task is wrapped so
that the worker itself notes its process id, thread name and clock readings; the
records travel back with the result, so this works across threads and processes.

``time.perf_counter()`` is a system-wide monotonic clock on Linux, macOS and
Windows, so readings taken in different processes on one machine can be compared.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import inspect
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from helpers.i18n import _


@dataclass(frozen=True)
class Span:
    """One task's run: what it was, who ran it, and when (seconds on perf_counter)."""

    task: str
    pid: int
    thread: str
    start: float
    end: float
    index: int = -1  # the item's position in its run, when known: keeps its colour fixed

    @property
    def worker(self) -> str:
        """A label that tells processes apart first, then threads within them."""
        return f"pid {self.pid} · {self.thread}"

    @property
    def seconds(self) -> float:
        return self.end - self.start


def _label(item: Any) -> str:
    name = getattr(item, "name", None)  # a Path shows as its file name
    return str(name if isinstance(name, str) else item)


def traced_call(fn: Callable[[Any], Any], item: Any) -> tuple[Any, Span]:
    """Run ``fn(item)`` and return its result with the Span it took.

    A module-level function (not a closure) so that process pools can pickle it
    under every start method.
    """
    start = time.perf_counter()
    try:
        result = fn(item)
    finally:
        end = time.perf_counter()
    span = Span(_label(item), os.getpid(), threading.current_thread().name, start, end)
    return result, span


def traced(fn: Callable[[Any], Any]) -> Callable[[Any], tuple[Any, Span]]:
    """``fn`` wrapped by :func:`traced_call`; picklable when ``fn`` is."""
    return functools.partial(traced_call, fn)


def current_worker() -> str:
    """The name of whoever is running: the asyncio task, else the thread."""
    try:
        task = asyncio.current_task()
    except RuntimeError:  # no event loop running in this thread
        task = None
    return task.get_name() if task is not None else threading.current_thread().name


@dataclass
class Recorder:
    """Collects Spans from many threads or tasks while a lesson's own code runs.

    The lessons write their concurrency code in the notebook and wrap it from the
    outside, so the code a learner reads is only the code that matters::

        recorder = Recorder()

        @recorder.traced("deposit")
        def deposit(account, amount): ...

    or, around one block, ``with recorder.span("connection"): ...``. Spans are kept
    under a lock: the recorder obeys the rule the lessons teach. Works in threads
    and in coroutines (an asyncio task is named as the worker).
    """

    spans: list[Span] = field(default_factory=list)
    origin: float = field(default_factory=time.perf_counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, span: Span) -> None:
        with self._lock:
            self.spans.append(span)

    @contextlib.contextmanager
    def span(self, task: str, worker: str | None = None, index: int = -1) -> Iterator[None]:
        """Record the block as one bar named ``task``, on the current worker's row."""
        who = worker or current_worker()
        start = time.perf_counter()
        try:
            yield
        finally:
            self.add(Span(task, os.getpid(), who, start, time.perf_counter(), index))

    def traced(self, task: str | Callable[..., str] | None = None) -> Callable[[Callable[..., Any]], Any]:
        """A decorator that records every call of a function or coroutine function.

        ``task`` names the bar: a string, a function of the call's arguments, or
        ``None`` for the function's own name.
        """

        def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
            def name(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
                if callable(task):
                    return str(task(*args, **kwargs))
                return task or fn.__name__

            if inspect.iscoroutinefunction(fn):

                @functools.wraps(fn)
                async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                    with self.span(name(args, kwargs)):
                        return await fn(*args, **kwargs)

                return async_wrapper

            @functools.wraps(fn)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                with self.span(name(args, kwargs)):
                    return fn(*args, **kwargs)

            return wrapper

        return decorate

    def restart(self) -> None:
        """Forget every span and start the clock again (before a new run)."""
        with self._lock:
            self.spans.clear()
            self.origin = time.perf_counter()


def relative(spans: Sequence[Span], origin: float | None = None) -> list[Span]:
    """Shift spans so the run starts at 0 s (origin defaults to the earliest start)."""
    if not spans:
        return []
    origin = min(s.start for s in spans) if origin is None else origin
    return [dataclasses.replace(s, start=s.start - origin, end=s.end - origin) for s in spans]


def max_overlap(spans: Sequence[Span]) -> int:
    """The largest number of spans running at one instant (a span's end is exclusive)."""
    events = sorted([(s.start, 1) for s in spans] + [(s.end, -1) for s in spans])
    running = peak = 0
    for _time, step in events:  # at equal times, -1 sorts before +1: ends come first
        running += step
        peak = max(peak, running)
    return peak


def plot_timeline(
    spans: Sequence[Span],
    *,
    origin: float | None = None,
    title: str | None = None,
    ax: Any = None,
    label_tasks: bool = True,
) -> Any:
    """Draw spans as a Gantt chart: one row per worker, one bar per task.

    A bar runs from the moment its task started to the moment it ended: that is
    time *in progress*, not time on a CPU. Two threads that take turns under the
    GIL draw overlapping bars, each twice as long as alone. Each task keeps one
    colour (:func:`task_colour`); a bar carries its task's name, shortened to fit inside it. A row is
    named by its thread (or asyncio task), and by its process id too when the
    spans come from more than one process: repeating one pid on every row would
    only hide the names that differ. Returns the matplotlib Axes.
    """
    import matplotlib.pyplot as plt

    spans = relative(spans, origin)
    if ax is None:
        _fig, ax = plt.subplots(figsize=(9, 0.5 + 0.45 * max(2, len({s.worker for s in spans}))))
    first_start = {w: min(s.start for s in spans if s.worker == w) for w in {s.worker for s in spans}}
    workers = sorted(first_start, key=lambda w: (first_start[w], w))
    row = {w: i for i, w in enumerate(workers)}
    by_start = sorted(spans, key=lambda s: s.start)
    label_tasks = label_tasks and len({s.task for s in spans}) > 1  # identical names tell nothing
    bar_label = _bar_label_class()
    for rank, s in enumerate(by_start):
        colour = task_colour(s.index if s.index >= 0 else rank)
        ax.barh(row[s.worker], s.seconds, left=s.start, height=0.7,
                color=colour, edgecolor="black", linewidth=0.4, alpha=0.85)
        if label_tasks:
            ax.add_artist(bar_label(s.start, s.end, row[s.worker], _stem(s.task)))
    ax.set_yticks(range(len(workers)), row_labels(spans, workers))
    ax.invert_yaxis()
    ax.set_xlabel(_("seconds since the run started") if origin is not None
                  else _("seconds since the first task started"))
    right = max((s.end for s in spans), default=1.0) * 1.02
    if not ax.get_autoscalex_on():  # already set, e.g. by a panel that shares this x axis
        right = max(right, ax.get_xlim()[1])  # only widen, so every panel fits
    ax.set_xlim(0, right)
    ax.set_title(_("Who ran what, when") if title is None else title)
    ax.grid(axis="x", alpha=0.3)
    return ax


def task_colour(index: int) -> Any:
    """The colour of the item at ``index``: twenty distinct colours, then they repeat.

    The first ten are matplotlib's usual ``tab10``; the next ten are their lighter
    shades. With ten only, items 1 and 11 of a twelve-item run shared a colour, and
    one worker running both drew what looked like a single long bar.
    """
    import matplotlib.pyplot as plt

    shades = plt.get_cmap("tab20")  # dark and light of each hue, in pairs
    return shades(2 * (index % 10) + (index // 10) % 2)


def row_labels(spans: Sequence[Span], workers: Sequence[str]) -> list[str]:
    """The name of each worker's row: its thread, with its pid only when pids differ."""
    several_processes = len({s.pid for s in spans}) > 1
    thread_of = {s.worker: s.thread for s in spans}
    return [w if several_processes else thread_of[w] for w in workers]


def _stem(task: str) -> str:
    """A task's name without a file extension (``kite.jpg`` -> ``kite``); numbers stay whole."""
    return task.rsplit(".", 1)[0] if "." in task and not task.replace(".", "").isdigit() else task


MIN_LABEL_CHARS = 3  # a name cut shorter than this says nothing: the bar stays unnamed


def _shortenings(name: str) -> Iterator[str]:
    """``name``, then ever shorter cuts of it ending in an ellipsis."""
    yield name
    for keep in range(len(name) - 1, MIN_LABEL_CHARS - 1, -1):
        yield name[:keep] + "…"


@functools.cache
def _bar_label_class() -> type:
    """The class of a bar's label, made on first use: importing this module must not import
    matplotlib (worker processes import it to time their tasks, and lesson 01 measures
    how long they take to start)."""
    from matplotlib.text import Text

    class BarLabel(Text):
        """A task's name centred in its bar, cut when drawn so that it never leaves the bar.

        The fit is decided at draw time, when the axes have their final size (a figure
        with a layout engine resizes its axes just before drawing them).
        """

        def __init__(self, left: float, right: float, y: float, name: str) -> None:
            super().__init__((left + right) / 2, y, name, ha="center", va="center", fontsize=7)
            self._bar = (left, right)
            self._name = name
            self.set_in_layout(False)  # a long name must not push the layout around

        def draw(self, renderer: Any) -> None:
            x0, x1 = (self.axes.transData.transform((x, 0))[0] for x in self._bar)
            room = abs(x1 - x0) - renderer.points_to_pixels(4)  # 2 pt of air on each side
            for text in _shortenings(self._name):
                self.set_text(text)
                if self.get_window_extent(renderer).width <= room:
                    break
            else:
                self.set_text("")
            super().draw(renderer)

    return BarLabel


def plot_timelines(panels: Sequence[tuple[Any, str]], *, height: float = 2.2) -> Any:
    """Several runs' timelines stacked on one time axis, so their lengths compare.

    ``panels`` holds ``(run, title)`` pairs, where ``run`` has ``spans`` and
    ``origin`` (a :class:`helpers.measure.TracedRun`). Returns the Figure.
    """
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(panels), 1, figsize=(9, height * len(panels)), sharex=True,
                             constrained_layout=True, squeeze=False)
    for ax, (run, title) in zip(axes[:, 0], panels, strict=True):
        plot_timeline(run.spans, origin=run.origin, ax=ax, title=title)
    for ax in axes[:-1, 0]:
        ax.set_xlabel("")
    return fig

