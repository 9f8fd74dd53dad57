"""Many slow downloads three ways: one after another, on threads, and with asyncio.

All three use httpx, which has the same API for blocking and for async code, so
the comparison differs only in how the waiting is overlapped, not in the HTTP
library. Every request is recorded as a Span on a numbered *slot* (a thread of
the pool, or a permit of the asyncio semaphore), so the three runs draw alike.
"""

from __future__ import annotations

import asyncio
import os
import queue
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx

from helpers.timeline import Span

T = TypeVar("T")
TIMEOUT = 30.0  # seconds for any one request: a stuck server fails the run, never hangs it
# Every client here talks to a server on 127.0.0.1; trust_env=False keeps a proxy set in
# the environment (HTTP_PROXY, common on company laptops) from intercepting it.


@dataclass
class FetchRun:
    """What a batch of downloads returned (body sizes, in url order) and how it went."""

    how: str
    sizes: list[int]
    seconds: float
    origin: float
    spans: list[Span] = field(default_factory=list)
    peak: int = 0  # most requests in flight at once, counted on the client side

    @property
    def megabytes(self) -> float:
        return sum(self.sizes) / 1e6


class _InFlight:
    """Counts requests in progress; thread-safe, and cheap enough for asyncio too."""

    def __init__(self) -> None:
        self.now = self.peak = 0
        self._lock = threading.Lock()

    def __enter__(self) -> None:
        with self._lock:
            self.now += 1
            self.peak = max(self.peak, self.now)

    def __exit__(self, *exc: Any) -> None:
        with self._lock:
            self.now -= 1


def _span(index: int, slot: str, started: float) -> Span:
    return Span(f"#{index}", os.getpid(), slot, started, time.perf_counter(), index)


def fetch_serial(urls: Sequence[str]) -> FetchRun:
    """One request after another, on this thread."""
    spans, counter = [], _InFlight()
    origin = time.perf_counter()
    sizes = []
    with httpx.Client(timeout=TIMEOUT, trust_env=False) as client:
        for i, url in enumerate(urls):
            started = time.perf_counter()
            with counter:
                sizes.append(len(client.get(url).raise_for_status().content))
            spans.append(_span(i, "slot 0", started))
    return FetchRun("serial", sizes, time.perf_counter() - origin, origin, spans, counter.peak)


def fetch_threads(urls: Sequence[str], workers: int = 8) -> FetchRun:
    """Each request blocks its thread; ``workers`` threads wait side by side."""
    spans, counter = [], _InFlight()
    origin = time.perf_counter()
    with httpx.Client(timeout=TIMEOUT, limits=httpx.Limits(max_connections=workers), trust_env=False) as client:

        def get(item: tuple[int, str]) -> int:
            index, url = item
            started = time.perf_counter()
            with counter:
                size = len(client.get(url).raise_for_status().content)
            spans.append(_span(index, f"slot {threading.current_thread().name.rsplit('_', 1)[-1]}", started))
            return size

        with ThreadPoolExecutor(max_workers=workers) as pool:
            sizes = list(pool.map(get, enumerate(urls)))
    return FetchRun(f"threads ({workers})", sizes, time.perf_counter() - origin, origin, spans, counter.peak)


async def fetch_async(urls: Sequence[str], limit: int = 8) -> FetchRun:
    """All requests as tasks on one thread; an ``asyncio.Semaphore`` lets ``limit`` run at once.

    ``await`` hands the thread back to the event loop while a response is on its
    way, so one thread keeps ``limit`` requests in flight. The ``TaskGroup`` waits
    for every task, and if one fails it cancels the rest and raises.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    spans, counter = [], _InFlight()
    permits = asyncio.Semaphore(limit)
    slots: asyncio.Queue[int] = asyncio.Queue()
    for slot in range(limit):
        slots.put_nowait(slot)
    origin = time.perf_counter()
    # No httpx connection limit here: the semaphore alone does the limiting.
    async with httpx.AsyncClient(timeout=TIMEOUT, trust_env=False) as client:

        async def get(index: int, url: str) -> int:
            async with permits:  # at most `limit` requests past this line at once
                slot = slots.get_nowait()  # a permit always comes with a free slot number
                started = time.perf_counter()
                try:
                    with counter:
                        response = await client.get(url)
                    return len(response.raise_for_status().content)
                finally:
                    spans.append(_span(index, f"slot {slot}", started))
                    slots.put_nowait(slot)

        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(get(i, url)) for i, url in enumerate(urls)]
    sizes = [task.result() for task in tasks]
    return FetchRun(f"asyncio (limit {limit})", sizes, time.perf_counter() - origin, origin, spans, counter.peak)


def run_in_own_loop(make: Callable[[], Awaitable[T]], timeout: float = 120) -> T:
    """Run a coroutine to completion from ordinary (non-async) code, even inside a notebook.

    A notebook's main thread already runs an event loop, so ``asyncio.run`` cannot
    be called there. A fresh thread has no loop: run it there and wait.
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

    Each press starts its own local server and closes it afterwards, so the
    widget works whenever it is pressed, even after the lesson's own server is
    closed at the end of the notebook.
    """

    def __init__(self, latency: float = 0.15, photos: int | None = None) -> None:
        from helpers.slow_server import SlowServer

        self.latency = latency
        self.names = SlowServer.available(photos)
        self.runs: dict[int, FetchRun] = {}

    def run(self, limit: int) -> FetchRun:
        from helpers.slow_server import SlowServer

        with SlowServer(latency=self.latency) as server:
            urls = [server.url(name) for name in self.names]
            self.runs[limit] = run_in_own_loop(lambda: fetch_async(urls, limit))
        return self.runs[limit]

    def widget(self) -> Any:
        import ipywidgets as w
        import matplotlib.pyplot as plt

        from helpers.timeline import plot_timeline
        from helpers.widget_tools import report_errors, show

        slider = w.IntSlider(value=4, min=1, max=len(self.names), description="limit", continuous_update=False)
        button = w.Button(description="Fetch", button_style="primary", icon="download")
        output = w.Output()

        def on_click() -> None:
            run = self.run(slider.value)
            fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8), constrained_layout=True,
                                              gridspec_kw={"width_ratios": [1, 2]})
            limits = sorted(self.runs)
            left.plot(limits, [self.runs[k].seconds for k in limits], marker="o")
            left.set_xlabel("concurrency limit")
            left.set_ylabel("seconds")
            left.set_ylim(bottom=0)
            left.set_title("Time for all requests")
            plot_timeline(run.spans, origin=run.origin, ax=right, label_tasks=False,
                          title=f"limit {slider.value}: requests per semaphore slot")
            show(output, f"{len(run.sizes)} photos, limit {slider.value}: {run.seconds:.2f} s, "
                         f"at most {run.peak} requests in flight", fig)

        button.on_click(report_errors(output, on_click))
        box = w.VBox([w.HBox([slider, button]), output])
        box.slider, box.button, box.output = slider, button, output
        return box
