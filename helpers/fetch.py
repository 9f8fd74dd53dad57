"""Lesson 07's slider for its async downloads, and a way to run a coroutine from a button.

The lesson writes its three clients in the notebook (one request after another,
a thread pool, and asyncio tasks behind an ``asyncio.Semaphore``) and decorates
the function that downloads one photo with ``helpers.timeline.Recorder.traced``.
:class:`LimitExplorer` re-runs the lesson's own async client at the limit a slider
chooses; :func:`run_in_own_loop` lets a button's handler, ordinary code, run it.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from helpers.i18n import _
from helpers.recorded_run import RecordedRun, record_run
from helpers.timeline import Recorder, plot_timeline

T = TypeVar("T")


def run_in_own_loop(make: Callable[[], Awaitable[T]], timeout: float = 120) -> T:
    """Run a coroutine to completion from ordinary (non-async) code, even inside a notebook.

    A notebook's main thread already runs an event loop, so ``asyncio.run`` cannot
    be called there. A fresh thread has no loop: run it there, and wait at most
    ``timeout`` seconds.
    """
    answer: queue.Queue = queue.Queue()

    def runner() -> None:
        try:
            answer.put((True, asyncio.run(make())))
        except BaseException as exc:  # hand any error to the caller
            answer.put((False, exc))

    thread = threading.Thread(target=runner, name="own-event-loop")
    thread.start()
    thread.join(timeout)
    ok, value = answer.get(timeout=1)
    if not ok:
        raise value
    return value


class LimitExplorer:
    """Lesson 07's slider: the asyncio concurrency limit, against a fixed set of slow requests.

    ``fetch(urls, limit)`` is the lesson's own async client and ``recorder`` the
    one its download function reports to. Each press starts its own local server
    and closes it afterwards, so the widget works whenever it is pressed, even
    after the lesson's server is closed at the end of the notebook.
    """

    def __init__(self, fetch: Callable[[list[str], int], Awaitable[list[int]]], recorder: Recorder,
                 latency: float = 0.15, photos: int | None = None) -> None:
        from helpers.slow_server import SlowServer

        self.fetch = fetch
        self.recorder = recorder
        self.latency = latency
        self.names = SlowServer.available(photos)
        self.runs: dict[int, RecordedRun] = {}

    def run(self, limit: int) -> RecordedRun:
        from helpers.slow_server import SlowServer

        with SlowServer(latency=self.latency) as server:
            urls = [server.url(name) for name in self.names]
            with record_run(self.recorder, _("asyncio, limit {limit}").format(limit=limit)) as run:
                run.results = run_in_own_loop(lambda: self.fetch(urls, limit))
        self.runs[limit] = run
        return run

    def widget(self) -> Any:
        import ipywidgets as w
        import matplotlib.pyplot as plt

        from helpers.widget_tools import report_errors, show

        slider = w.IntSlider(value=4, min=1, max=len(self.names), description=_("limit"), continuous_update=False)
        button = w.Button(description=_("Fetch"), button_style="primary", icon="download")
        output = w.Output()

        def on_click() -> None:
            run = self.run(slider.value)
            fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8), constrained_layout=True,
                                              gridspec_kw={"width_ratios": [1, 2]})
            limits = sorted(self.runs)
            left.plot(limits, [self.runs[k].seconds for k in limits], marker="o")
            left.set_xlabel(_("concurrency limit"))
            left.set_ylabel(_("seconds"))
            left.set_ylim(bottom=0)
            left.set_title(_("Time for all requests (one run each)"))
            plot_timeline(run.spans, origin=run.origin, ax=right, label_tasks=False,
                          title=_("limit {limit}: one row per task").format(limit=slider.value))
            right.set_yticks([])
            show(output, _("{n} photos, limit {limit}: {seconds:.2f} s, at most {peak} requests in flight").format(
                n=len(run.results), limit=slider.value, seconds=run.seconds, peak=run.peak), fig)

        button.on_click(report_errors(output, on_click))
        box = w.VBox([w.HBox([slider, button]), output])
        box.slider, box.button, box.output = slider, button, output
        return box
