"""What concurrency costs before any work is done: starting, sending, scheduling.

Three measurements, each returning plain records: starting a pool under each
start method, sending arguments of growing size to a process (pickling and a
pipe, both ways), and the effect of ``chunksize`` when tasks are tiny.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from helpers.executors import make_executor
from helpers.i18n import N_, _


def echo_length(payload: bytes) -> int:
    """A task whose only cost is receiving its argument."""
    return len(payload)


def tiny(x: int) -> int:
    """A task so small that sending it costs more than running it."""
    return x + 1


@dataclass(frozen=True)
class Cost:
    setting: str
    seconds: float


def pickling_costs(sizes_mb: Sequence[float] = (0.001, 1, 8, 32), repeats: int = 3,
                   start_method: str | None = None) -> list[Cost]:
    """Seconds to send a payload of each size to a warm process-pool worker."""
    results = []
    with make_executor("process", 1, start_method=start_method) as pool:
        pool.submit(tiny, 0).result()  # start the worker first: measure sending, not starting
        for size in sizes_mb:
            payload = b"x" * int(size * 1024 * 1024)
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                pool.submit(echo_length, payload).result()
                times.append(time.perf_counter() - started)
            results.append(Cost(f"{size:g} MB", statistics.median(times)))
    return results


def chunksize_costs(tasks: int = 20_000, chunksizes: Sequence[int] = (1, 10, 100, 1000), workers: int = 2,
                    start_method: str | None = None, repeats: int = 1) -> list[Cost]:
    """Median seconds for ``pool.map(tiny, range(tasks), chunksize=c)`` for each ``c``, on warm workers.

    Lesson 08 writes this measurement in the notebook; ``make bench`` uses this copy.
    """
    results = []
    with make_executor("process", workers, start_method=start_method) as pool:
        list(pool.map(tiny, range(workers), timeout=60))  # start the workers before timing
        for chunksize in chunksizes:
            times = []
            for _repeat in range(repeats):
                started = time.perf_counter()
                list(pool.map(tiny, range(tasks), chunksize=chunksize, timeout=120))
                times.append(time.perf_counter() - started)
            results.append(Cost(f"chunksize {chunksize}", statistics.median(times)))
    return results


UNIT_WORDS = {"ms": N_("milliseconds"), "s": N_("seconds")}  # the axis label
BAR_LABELS = {"ms": N_("{value} ms"), "s": N_("{value} s")}  # a bar's figure, in the reader's units


def plot_cost_bars(costs: Sequence[Cost], *, title: str, unit: str = "ms", ax: Any = None,
                   log: bool = False) -> Any:
    """One horizontal bar per setting, labelled with its cost in ``unit`` ("ms" or "s").

    ``log=True`` draws a logarithmic axis, for costs that differ a hundredfold: on
    a linear one the small bars vanish.
    """
    import matplotlib.pyplot as plt

    scale = 1000 if unit == "ms" else 1
    if ax is None:
        _figure, ax = plt.subplots(figsize=(6, 2.6), constrained_layout=True)
    values = [c.seconds * scale for c in costs]
    bars = ax.barh([c.setting for c in costs], values, color="tab:purple")
    figures = [f"{v:.3g}" if v < 1 else f"{v:.1f}" for v in values]
    ax.bar_label(bars, [_(BAR_LABELS[unit]).format(value=figure) for figure in figures], padding=3, fontsize=8)
    ax.invert_yaxis()
    word = _(UNIT_WORDS[unit])
    ax.set_xlabel(_("{unit}, logarithmic scale").format(unit=word) if log else word)
    ax.set_title(title)
    if log and values and min(values) > 0:
        ax.set_xscale("log")
        ax.set_xlim(min(values) / 3, max(values) * 8)
    else:
        ax.margins(x=0.25)
    return ax
