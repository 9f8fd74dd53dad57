"""Lesson 05's instruments and process targets: queues watched, drawn, and fed across processes.

The lesson writes its producers, consumers and the wiring of its pipelines in the
notebook. What lives here:

* instruments: :func:`watch_depth` samples a queue's length from outside while the
  lesson's code runs; :func:`plot_depth` and :func:`plot_queue_run` draw it;
  :class:`QueueExplorer` is the sliders;
* process targets, which must be importable by name under ``spawn`` and
  ``forkserver`` (lesson 01): :func:`thumbnail_worker` for the multiprocessing
  thumbnail pipeline and :func:`put_big_item` for the join trap. The targets for
  ``Pipe`` and shared memory are in :mod:`helpers.pipes_and_shared_memory`.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from helpers.i18n import _, ngettext
from helpers.thumbnails import ImageResult, thumbnail_file
from helpers.timeline import Recorder, plot_timeline, traced_call

STOP = None  # the sentinel: "no more jobs"; None is never a real job


# --- watching a queue from outside ----------------------------------------------------------


@dataclass
class Depth:
    """A queue's length, sampled every few milliseconds while a run went on."""

    maxsize: int
    origin: float = field(default_factory=time.perf_counter)
    samples: list[tuple[float, int]] = field(default_factory=list)  # (seconds since origin, items waiting)

    @property
    def most(self) -> int:
        return max((n for _t, n in self.samples), default=0)


@contextlib.contextmanager
def watch_depth(q: Any, every: float = 0.002, origin: float | None = None) -> Iterator[Depth]:
    """Sample ``q.qsize()`` in a background thread for as long as the ``with`` block runs.

    ``qsize()`` is exact at the instant it is read, under the queue's own lock;
    a sample every 2 ms can miss a peak that lasts less, so the curve is a
    close picture, not a proof (the tests check ``maxsize`` with the queue's own
    guarantee instead). The sampler stops and is joined when the block ends.
    """
    depth = Depth(getattr(q, "maxsize", 0), time.perf_counter() if origin is None else origin)
    stop = threading.Event()

    def sample() -> None:
        while True:
            depth.samples.append((time.perf_counter() - depth.origin, q.qsize()))
            if stop.wait(every):
                depth.samples.append((time.perf_counter() - depth.origin, q.qsize()))
                return

    sampler = threading.Thread(target=sample, name="queue-depth-sampler")
    sampler.start()
    try:
        yield depth
    finally:
        stop.set()
        sampler.join(timeout=5)


def plot_depth(depth: Depth, label: str | None = None, ax: Any = None) -> Any:
    """The queue's length over time, with its ``maxsize`` as a thin dashed line drawn over the curve.

    A full queue's curve runs along its ``maxsize`` for a long time; a limit drawn
    under it would vanish, so the curve is wide and the limit a thin dark dashed
    line on top: where they meet, both show. Called again with the same ``ax``, it
    adds a run (each limit in its run's colour, dashed in black).
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _fig, ax = plt.subplots(figsize=(9, 2.8), constrained_layout=True)
    xs = [t for t, _n in depth.samples]
    ys = [n for _t, n in depth.samples]
    unbounded = _("maxsize 0 (no limit)")
    ax.step(xs, ys, where="post", linewidth=3, zorder=2,
            label=label or (_("maxsize {n}").format(n=depth.maxsize) if depth.maxsize > 0 else unbounded))
    if depth.maxsize > 0:
        ax.axhline(depth.maxsize, color="black", linestyle=(0, (4, 3)), linewidth=1, zorder=3,
                   label=_("its limit: never above {n}").format(n=depth.maxsize))
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0, top=max([depth.maxsize] + [max(ln.get_ydata(), default=0) for ln in ax.get_lines()])
                * 1.1 + 1)
    ax.set_xlabel(_("seconds since the run started"))
    ax.set_ylabel(_("items waiting"))
    ax.set_title(_("Queue length over time (dashed: maxsize)"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    return ax


def colour_by_role(spans: Sequence[Any], roles: dict[str, tuple[str, int]], ax: Any) -> list[Any]:
    """The spans coloured by what they are, with a legend on ``ax``.

    ``roles`` maps a task name to (its label, a tab10 colour number). A timeline
    colours each task on its own by default; where many tasks play a few roles
    (make, use), one colour per role says more.
    """
    import dataclasses

    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    other = 7  # grey, for a task no role names
    coloured = [dataclasses.replace(s, index=roles[s.task][1] if s.task in roles else other) for s in spans]
    colours = plt.get_cmap("tab10")
    ax.legend(handles=[Patch(color=colours(colour), alpha=0.85, label=label) for label, colour in roles.values()],
              loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    return coloured


def plot_queue_run(recorder: Recorder, depth: Depth, title: str | None = None) -> Any:
    """The queue's length above a timeline of making and using: one figure, one time axis."""
    import matplotlib.pyplot as plt

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 6.5), sharex=True, constrained_layout=True,
                                      gridspec_kw={"height_ratios": [1, 2]})
    plot_depth(depth, ax=top)
    roles = {"make": (_("make (a producer)"), 0), "use": (_("use (a consumer)"), 1)}
    spans = colour_by_role(recorder.spans, roles, bottom)
    plot_timeline(spans, origin=depth.origin, ax=bottom, label_tasks=False,
                  title=title or _("Producers make, consumers use; gaps are waits in put() or get()"))
    top.set_xlabel("")
    return fig


@dataclass
class QueueExplorer:
    """Lesson 05's sliders: run the lesson's ``run_queue(items, producers, consumers)`` on a button.

    ``run_queue`` and the ``recorder`` that times its make/use steps are the
    learner's own; the explorer only makes the queue, watches it and draws.
    """

    run_queue: Callable[..., Any]
    recorder: Recorder
    last: Depth | None = field(default=None, init=False)

    def run(self, producers: int, consumers: int, maxsize: int) -> Depth:
        import queue

        items: queue.Queue = queue.Queue(maxsize=maxsize)
        self.recorder.restart()
        with watch_depth(items, origin=self.recorder.origin) as depth:
            self.run_queue(items, producers=producers, consumers=consumers)
        self.last = depth
        return depth

    def widget(self) -> Any:
        import ipywidgets as w

        from helpers.widget_tools import report_errors, show

        producers = w.IntSlider(value=2, min=1, max=6, description=_("producers"), continuous_update=False)
        consumers = w.IntSlider(value=2, min=1, max=6, description=_("consumers"), continuous_update=False)
        maxsize = w.IntSlider(value=5, min=0, max=20, description=_("maxsize"), continuous_update=False)
        button = w.Button(description=_("Run"), button_style="primary", icon="play")
        output = w.Output()

        def on_click() -> None:
            started = time.perf_counter()
            depth = self.run(producers.value, consumers.value, maxsize.value)
            text = _("{producers}, {consumers}, maxsize {maxsize}: {seconds:.2f} s; longest queue {most}").format(
                producers=ngettext("{n} producer", "{n} producers", producers.value).format(n=producers.value),
                consumers=ngettext("{n} consumer", "{n} consumers", consumers.value).format(n=consumers.value),
                maxsize=maxsize.value, seconds=time.perf_counter() - started, most=depth.most)
            show(output, text, plot_queue_run(self.recorder, depth))

        button.on_click(report_errors(output, on_click))
        box = w.VBox([w.HBox([producers, consumers, maxsize]), button, output])
        box.producers, box.consumers, box.maxsize = producers, consumers, maxsize
        box.button, box.output = button, output
        return box


# --- process targets: they must be importable by name ---------------------------------------


def thumbnail_worker(jobs: Any, results: Any) -> None:
    """A worker process: take jobs until the sentinel, put back one (result, span) per job.

    ``thumbnail_file`` (lesson 01) reports a bad file in its result instead of
    raising; ``traced_call`` notes which process ran the job and when, for the
    timeline. The ``except`` is a last resort, so that every job gets an answer.
    """
    while (job := jobs.get(timeout=60)) is not STOP:
        try:
            results.put(traced_call(thumbnail_file, job))
        except Exception as exc:
            error = _("worker error: {error}").format(error=f"{type(exc).__name__}: {exc}")
            results.put((ImageResult(job.source, error=error), None))


def put_big_item(q: Any, megabytes: int, put_done: Any = None) -> None:
    """A child that puts one large item on a queue, says so, and then wants to exit."""
    q.put(b"x" * (megabytes * 1024 * 1024))
    if put_done is not None:
        put_done.set()


def plot_pipeline(piped: Sequence[tuple[Any, Any]], origin: float, title: str | None = None) -> Any:
    """Which worker process made which photo's thumbnails, and when: ``piped`` holds (result, span) pairs.

    One colour for a photo made into thumbnails, another for a file that could
    not be read, with a legend: a colour per photo would say nothing.
    """
    import dataclasses

    import matplotlib.pyplot as plt

    pairs = [(result, span) for result, span in piped if span is not None]
    made, failed = "made", "failed"
    spans = [dataclasses.replace(span, task=made if getattr(result, "ok", True) else failed) for result, span in pairs]
    _fig, ax = plt.subplots(figsize=(9, 0.9 + 0.6 * max(2, len({s.worker for s in spans}))), constrained_layout=True)
    roles = {made: (_("thumbnails made"), 0), failed: (_("a file that could not be read"), 3)}
    spans = colour_by_role(spans, roles, ax)
    return plot_timeline(spans, origin=origin, ax=ax, label_tasks=False,
                         title=title or _("The pipeline: each row is a worker process"))
