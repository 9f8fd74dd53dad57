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
                    start_method: str | None = None) -> list[Cost]:
    """Seconds for ``pool.map(tiny, range(tasks), chunksize=c)`` for each ``c``."""
    results = []
    with make_executor("process", workers, start_method=start_method) as pool:
        list(pool.map(tiny, range(workers)))  # warm up
        for chunksize in chunksizes:
            started = time.perf_counter()
            list(pool.map(tiny, range(tasks), chunksize=chunksize))
            results.append(Cost(f"chunksize {chunksize}", time.perf_counter() - started))
    return results


def plot_cost_bars(costs: Sequence[Cost], *, title: str, unit: str = "ms", ax: Any = None) -> Any:
    """One horizontal bar per setting, labelled with its cost in ``unit`` ("ms" or "s")."""
    import matplotlib.pyplot as plt

    scale = 1000 if unit == "ms" else 1
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 2.6), constrained_layout=True)
    bars = ax.barh([c.setting for c in costs], [c.seconds * scale for c in costs], color="tab:purple")
    ax.bar_label(bars, [f"{c.seconds * scale:.1f} {unit}" for c in costs], padding=3, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(unit)
    ax.set_title(title)
    ax.margins(x=0.25)
    return ax
