"""The course's headline measurements in one place: lesson 08 and ``make bench`` share them.

Three kinds of work, each timed serially and on pools:
waiting (like network I/O), pure-Python computing, and Pillow's C code that
releases the GIL. Together they back every branch of the decision chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from helpers.executors import cpu_count
from helpers.measure import measure, summarize


@dataclass(frozen=True)
class Headline:
    workload: str
    executor: str
    workers: int
    seconds: float
    speedup: float


def measure_headlines(jobs: Sequence[Any], *, repeats: int = 1, workers: int | None = None) -> list[Headline]:
    """Speed-ups of threads and processes on the three kinds of work.

    ``jobs`` are thumbnail jobs (``helpers.thumbnails.make_jobs``). ``workers``
    defaults to the core count, except for waiting, which gets 8 threads: waits
    overlap however few the cores.
    """
    from helpers.thumbnails import thumbnail_file
    from helpers.workloads import count_primes, wait_for

    cores = workers or cpu_count()
    plan = [
        ("waiting (I/O)", wait_for, [0.1] * 16, ["serial", "thread"], [8]),
        ("pure-Python computing", count_primes, [80_000] * (4 * cores), ["serial", "thread", "process"], [cores]),
        ("Pillow (C code, releases the GIL)", thumbnail_file, list(jobs), ["serial", "thread", "process"], [cores]),
    ]
    found = []
    for workload, fn, items, executors, counts in plan:
        for item in items[:2]:  # warm up: the first, cold run would flatter every pool
            fn(item)
        for p in summarize(measure(fn, items, executors=executors, workers=counts, repeats=repeats)):
            found.append(Headline(workload, p.executor, p.workers, p.seconds, p.speedup))
    return found


def plot_headlines(headlines: Sequence[Headline], ax: Any = None) -> Any:
    """Speed-up over serial for each kind of work and executor."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(9, 3.6), constrained_layout=True)
    workloads = list(dict.fromkeys(h.workload for h in headlines))
    colours = {"thread": "tab:blue", "process": "tab:orange"}
    for offset, executor in ((-0.2, "thread"), (0.2, "process")):
        mine = [next((h for h in headlines if h.workload == w and h.executor == executor), None) for w in workloads]
        xs = [i + offset for i, h in enumerate(mine) if h]
        values = [h.speedup for h in mine if h]
        bars = ax.bar(xs, values, width=0.4, color=colours[executor], label=f"{executor} pool")
        ax.bar_label(bars, [f"{h.speedup:.1f}x ({h.workers})" for h in mine if h], fontsize=8, padding=2)
    ax.axhline(1, color="black", linewidth=1, linestyle="--", label="serial")
    ax.set_xticks(range(len(workloads)), workloads)
    ax.set_ylabel("speed-up over serial (workers)")
    ax.set_title("What each kind of work gets from threads and from processes")
    ax.margins(y=0.15)
    ax.legend(fontsize=8)
    return ax


def plot_decision_chart(headlines: Sequence[Headline] = (), ax: Any = None) -> Any:
    """The decision chart, each branch labelled with the speed-up measured on this machine."""
    import matplotlib.pyplot as plt

    def best(workload: str, executor: str) -> str:
        found = [h for h in headlines if h.workload.startswith(workload) and h.executor == executor]
        return f"measured here: {found[0].speedup:.1f}x with {found[0].workers}" if found else ""

    if ax is None:
        _, ax = plt.subplots(figsize=(10, 5.2), constrained_layout=True)
    ax.axis("off")
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 6)
    box = {"boxstyle": "round,pad=0.4", "fc": "#eef4fb", "ec": "#1f77b4"}
    leaf = {"boxstyle": "round,pad=0.4", "fc": "#fdf1e6", "ec": "#ff7f0e"}
    ax.text(5, 5.5, "Where does your program spend its time?", ha="center", fontsize=12, bbox=box)
    branches = [
        (1.7, "waiting\n(network, disk, database)", "asyncio for many connections,\nthreads for a few",
         best("waiting", "thread")),
        (5.0, "computing in C that\nreleases the GIL\n(Pillow, NumPy, hashlib)", "threads\n(processes work too)",
         best("Pillow", "thread")),
        (8.3, "computing in\npure Python", "processes\n(one per core)", best("pure-Python", "process")),
    ]
    for x, question, answer, evidence in branches:
        ax.annotate("", xy=(x, 4.35), xytext=(5, 5.15), arrowprops={"arrowstyle": "-|>", "color": "#555"})
        ax.text(x, 3.8, question, ha="center", va="center", fontsize=10, bbox=box)
        ax.annotate("", xy=(x, 2.15), xytext=(x, 3.2), arrowprops={"arrowstyle": "-|>", "color": "#555"})
        ax.text(x, 1.6, answer, ha="center", va="center", fontsize=10, fontweight="bold", bbox=leaf)
        ax.text(x, 0.7, evidence, ha="center", va="center", fontsize=9, color="#444")
    threads = best("pure-Python", "thread")
    if threads:
        ax.text(8.3, 0.25, f"(threads: {threads.split(': ')[1]})", ha="center", fontsize=8, color="#888")
    ax.text(5, 0.05, "Too slow on one machine, even so? The same code on a cluster: Dask (section 5).",
            ha="center", fontsize=9, style="italic", color="#555")
    return ax
