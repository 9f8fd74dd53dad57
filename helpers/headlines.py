"""The course's headline measurements in one place: lesson 08 and ``make bench`` share them.

Three kinds of work, each timed serially and on pools:
waiting (like network I/O), pure-Python computing, and Pillow's C code that
releases the GIL. Together they back every branch of the decision chart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from helpers.executors import cpu_count
from helpers.i18n import N_, _
from helpers.measure import measure, summarize


@dataclass(frozen=True)
class Headline:
    workload: str
    executor: str
    workers: int
    seconds: float
    speedup: float


Plan = tuple[str, Callable[[Any], Any], Sequence[Any], Sequence[str], Sequence[int]]


def measure_speedups(plan: Sequence[Plan], *, repeats: int = 1) -> list[Headline]:
    """Median time and speed-up over serial of each ``(workload, fn, items, executors, workers)`` in ``plan``.

    Each workload is warmed up first (two items, serially): the first, cold run
    would flatter every pool. ``fn`` may be defined in a notebook when the
    executors are only "serial" and "thread"; a process pool needs it importable.
    """
    found = []
    for workload, fn, items, executors, counts in plan:
        for item in list(items)[:2]:
            fn(item)
        for p in summarize(measure(fn, list(items), executors=list(executors), workers=list(counts),
                                   repeats=repeats)):
            found.append(Headline(workload, p.executor, p.workers, p.seconds, p.speedup))
    return found


def measure_headlines(jobs: Sequence[Any], *, repeats: int = 1, workers: int | None = None) -> list[Headline]:
    """Speed-ups of threads and processes on the three kinds of work.

    ``jobs`` are thumbnail jobs (``helpers.thumbnails.make_jobs``). ``workers``
    defaults to the core count, except for waiting, which gets 8 threads: waits
    overlap however few the cores.
    """
    from helpers.thumbnails import thumbnail_file
    from helpers.workloads import count_primes, wait_for

    cores = workers or cpu_count()
    return measure_speedups([
        (N_("waiting (I/O)"), wait_for, [0.1] * 16, ["serial", "thread"], [8]),
        (N_("pure-Python computing"), count_primes, [80_000] * (4 * cores), ["serial", "thread", "process"], [cores]),
        (N_("Pillow (C code, releases the GIL)"), thumbnail_file, list(jobs), ["serial", "thread", "process"],
         [cores]),
    ], repeats=repeats)


def plot_headlines(headlines: Sequence[Headline], ax: Any = None, *, title: str | None = None) -> Any:
    """Speed-up over serial for each kind of work and executor, labelled with the Python build."""
    import matplotlib.pyplot as plt

    from helpers.python_build import build_label

    if ax is None:
        _figure, ax = plt.subplots(figsize=(9, 3.6), constrained_layout=True)
    workloads = list(dict.fromkeys(h.workload for h in headlines))
    colours = {"thread": "tab:blue", "process": "tab:orange"}
    executors = [e for e in ("thread", "process") if any(h.executor == e for h in headlines)]
    width = 0.8 / len(executors)
    for k, executor in enumerate(executors):
        offset = (k - (len(executors) - 1) / 2) * width
        mine = [next((h for h in headlines if h.workload == w and h.executor == executor), None) for w in workloads]
        xs = [i + offset for i, h in enumerate(mine) if h]
        bars = ax.bar(xs, [h.speedup for h in mine if h], width=width, color=colours[executor],
                      label=_("{executor} pool").format(executor=_(executor)))
        ax.bar_label(bars, [f"{h.speedup:.1f}x ({h.workers})" for h in mine if h], fontsize=8, padding=2)
    ax.axhline(1, color="black", linewidth=1, linestyle="--", label=_("serial"))
    ax.set_xticks(range(len(workloads)), [_(w) for w in workloads], fontsize=9)
    ax.set_ylabel(_("speed-up over serial (workers)"))
    ax.set_title(_("{title} ({label})").format(
        title=title or _("What each kind of work gets from threads and from processes"), label=build_label()),
        fontsize=10)
    ax.margins(y=0.15)
    ax.legend(fontsize=8)
    return ax


def plot_decision_chart(headlines: Sequence[Headline] = (), ax: Any = None) -> Any:
    """The decision chart, each branch labelled with the speed-up measured on this machine and its build."""
    import matplotlib.pyplot as plt

    from helpers.python_build import build_label

    def found(workload: str, executor: str) -> Headline | None:
        return next((h for h in headlines if h.workload.startswith(workload) and h.executor == executor), None)

    def best(workload: str, executor: str) -> str:
        h = found(workload, executor)
        return _("measured here: {speedup:.1f}x with {workers}").format(speedup=h.speedup, workers=h.workers) if h \
            else ""

    if ax is None:
        _figure, ax = plt.subplots(figsize=(10, 5.4), constrained_layout=True)
    ax.axis("off")
    ax.set_xlim(0, 10)
    ax.set_ylim(-0.3, 6)
    box = {"boxstyle": "round,pad=0.4", "fc": "#eef4fb", "ec": "#1f77b4"}
    leaf = {"boxstyle": "round,pad=0.4", "fc": "#fdf1e6", "ec": "#ff7f0e"}
    ax.text(5, 5.5, _("Where does your program spend its time?"), ha="center", fontsize=12, bbox=box)
    branches = [
        (1.7, _("waiting\n(network, disk, database)"), _("asyncio for many connections,\nthreads for a few"),
         best("waiting", "thread")),
        (5.0, _("computing in C that\nreleases the GIL\n(Pillow; NumPy on big arrays)"),
         _("threads\n(processes work too)"), best("Pillow", "thread")),
        (8.3, _("computing in\npure Python"), _("processes (one per core);\nthreads on a free-threaded build"),
         best("pure-Python", "process")),
    ]
    for x, question, answer, evidence in branches:
        ax.annotate("", xy=(x, 4.35), xytext=(5, 5.15), arrowprops={"arrowstyle": "-|>", "color": "#555"})
        ax.text(x, 3.8, question, ha="center", va="center", fontsize=10, bbox=box)
        ax.annotate("", xy=(x, 2.15), xytext=(x, 3.2), arrowprops={"arrowstyle": "-|>", "color": "#555"})
        ax.text(x, 1.6, answer, ha="center", va="center", fontsize=10, fontweight="bold", bbox=leaf)
        ax.text(x, 0.7, evidence, ha="center", va="center", fontsize=9, color="#444")
    threads = found("pure-Python", "thread")
    if threads:
        ax.text(8.3, 0.3, _("(threads: {speedup:.1f}x with {workers})").format(
            speedup=threads.speedup, workers=threads.workers), ha="center", fontsize=8, color="#888")
    if headlines:
        ax.text(5, -0.05, _("Measured on {label}.").format(label=build_label()), ha="center", fontsize=8,
                color="#555")
    ax.text(5, -0.3, _("Too slow on one machine, even so? The same code on a cluster: Dask (section 7)."),
            ha="center", fontsize=9, style="italic", color="#555")
    return ax
