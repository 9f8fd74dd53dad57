"""The course's headline measurements in one place: lesson 08 and ``make bench`` share them.

Three kinds of work, each timed serially and on pools:
waiting (like network I/O), pure-Python computing, and Pillow's C code that
releases the GIL. Together they back every branch of the decision chart.

A measurement on a busy laptop can contradict the lesson: threads on Pillow at
0.8x, or a speed-up above the number of cores (the serial run was the one slowed
down). :func:`disagreements` finds such results, so the notebook and the decision
chart say "this run disagrees, run it again" instead of drawing an arrow that
their own numbers contradict.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from helpers.executors import cpu_count
from helpers.i18n import N_, _
from helpers.measure import measure, summarize

WAITING = N_("waiting (I/O)")
PURE_PYTHON = N_("pure-Python computing")
PILLOW = N_("Pillow (C code, releases the GIL)")
# The executors by name, marked for translation where they are shown ("{executor} pool").
EXECUTOR_NAMES = (N_("serial"), N_("thread"), N_("process"))

FASTER = 1.2  # below this, "speeds up" is not what the run showed
ABOUT_ONE = 1.3  # above this, "about 1x" is not what the run showed
PAST_THE_CORES = 1.1  # a CPU-bound speed-up more than 10% above the core count is impossible


@dataclass(frozen=True)
class Headline:
    workload: str
    executor: str
    workers: int
    seconds: float
    speedup: float


Plan = tuple[str, Callable[[Any], Any], Sequence[Any], Sequence[str], Sequence[int]]


def measure_speedups(plan: Sequence[Plan], *, repeats: int = 3) -> list[Headline]:
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


def measure_headlines(jobs: Sequence[Any], *, repeats: int = 3, workers: int | None = None,
                      photos: int = 8) -> list[Headline]:
    """Speed-ups of threads and processes on the three kinds of work, medians of ``repeats`` runs.

    ``jobs`` are thumbnail jobs (``helpers.thumbnails.make_jobs``); the first
    ``photos`` of them are timed. ``workers`` defaults to the core count, except for
    waiting, which gets 8 threads: waits overlap however few the cores. Sizes are
    chosen so that three repeats of everything take under ten seconds on two idle cores.
    """
    from helpers.thumbnails import thumbnail_file
    from helpers.workloads import count_primes, wait_for

    cores = workers or cpu_count()
    return measure_speedups([
        (WAITING, wait_for, [0.05] * 8, ["serial", "thread"], [8]),
        (PURE_PYTHON, count_primes, [60_000] * (4 * cores), ["serial", "thread", "process"], [cores]),
        (PILLOW, thumbnail_file, list(jobs)[:photos], ["serial", "thread", "process"], [cores]),
    ], repeats=repeats)


def expected_pattern(gil: bool | None = None) -> dict[tuple[str, str], bool]:
    """What the lesson says each headline shows: True "clearly faster", False "about 1x".

    With the GIL, threads do not speed up pure-Python work; on a free-threaded
    build with the GIL off they do, like processes.
    """
    from helpers.python_build import gil_enabled

    gil = gil_enabled() if gil is None else gil
    return {(WAITING, "thread"): True, (PURE_PYTHON, "process"): True, (PURE_PYTHON, "thread"): not gil,
            (PILLOW, "thread"): True, (PILLOW, "process"): True}


def disagreements(headlines: Sequence[Headline], expected: Mapping[tuple[str, str], bool] | None = None, *,
                  cores: int | None = None, waiting: Sequence[str] = (WAITING,)) -> dict[tuple[str, str], str]:
    """The measurements that contradict the expected pattern, each with a one-line reason.

    Keyed by ``(workload, executor)``. ``expected`` maps those keys to True
    (should be clearly faster than serial) or False (should stay about 1x); it
    defaults to :func:`expected_pattern`. Whatever is expected, a speed-up above
    the number of cores is flagged for computing work (``waiting`` work needs no
    core while it waits, so it may go far past it). On one core no computing
    speed-up is expected at all.
    """
    expected = expected_pattern() if expected is None else expected
    cores = cores or cpu_count()
    found: dict[tuple[str, str], str] = {}
    for h in headlines:
        key = (h.workload, h.executor)
        if h.executor == "serial":
            continue
        computing = h.workload not in waiting
        usable = min(h.workers, cores) if computing else h.workers
        if computing and h.speedup > usable * PAST_THE_CORES:
            found[key] = _("{speedup:.1f}x with {workers} workers on {cores} cores is more than the cores allow: "
                           "the serial run was slowed down by something else. Run the cell again.").format(
                speedup=h.speedup, workers=h.workers, cores=cores)
        elif expected.get(key) is True and usable > 1 and h.speedup < FASTER:
            found[key] = _("{speedup:.1f}x where a clear speed-up is expected: this run disagrees, the machine "
                           "looks busy. Run the cell again.").format(speedup=h.speedup)
        elif expected.get(key) is False and h.speedup > ABOUT_ONE:
            found[key] = _("{speedup:.1f}x where about 1x is expected: this run disagrees (the serial run was "
                           "probably slowed down). Run the cell again.").format(speedup=h.speedup)
    return found


def describe_disagreements(found: Mapping[tuple[str, str], str]) -> str:
    """One line per measurement that disagrees with the lesson, or '' when all agree."""
    return "\n".join(_("{work}, {executor} pool: {reason}").format(work=_(work), executor=_(executor), reason=why)
                     for (work, executor), why in found.items())


def plot_headlines(headlines: Sequence[Headline], ax: Any = None, *, title: str | None = None,
                   flagged: Mapping[tuple[str, str], str] | None = None) -> Any:
    """Speed-up over serial for each kind of work and executor, labelled with the Python build.

    Bars in ``flagged`` (from :func:`disagreements`) are hatched and outlined in
    red, with a legend entry saying that this run disagrees with the lesson.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    from helpers.i18n import ngettext
    from helpers.python_build import build_label

    flagged = flagged or {}
    if ax is None:
        _figure, ax = plt.subplots(figsize=(9, 3.8), constrained_layout=True)
    workloads = list(dict.fromkeys(h.workload for h in headlines))
    colours = {"thread": "tab:blue", "process": "tab:orange"}
    executors = [e for e in ("thread", "process") if any(h.executor == e for h in headlines)]
    width = 0.8 / max(1, len(executors))
    ax.axhline(1, color="black", linewidth=1, linestyle="--", label=_("serial (1x)"), zorder=1)
    for k, executor in enumerate(executors):
        offset = (k - (len(executors) - 1) / 2) * width
        mine = [next((h for h in headlines if h.workload == w and h.executor == executor), None) for w in workloads]
        shown = [(i, h) for i, h in enumerate(mine) if h]
        bars = ax.bar([i + offset for i, _h in shown], [h.speedup for _i, h in shown], width=width,
                      color=colours[executor], zorder=2, label=_("{executor} pool").format(executor=_(executor)))
        for bar, (_i, h) in zip(bars, shown, strict=True):
            if (h.workload, h.executor) in flagged:
                bar.set_hatch("//")
                bar.set_edgecolor("red")
        labels = [f"{h.speedup:.1f}x\n" + ngettext("{n} worker", "{n} workers", h.workers).format(n=h.workers)
                  for _i, h in shown]
        ax.bar_label(bars, labels, fontsize=7, padding=2, zorder=3,
                     bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.9})
    if flagged:
        ax.legend(handles=[*ax.get_legend_handles_labels()[0],
                           Patch(facecolor="white", edgecolor="red", hatch="//",
                                 label=_("disagrees with the lesson: run again"))], fontsize=8)
    else:
        ax.legend(fontsize=8)
    ax.set_xticks(range(len(workloads)), [_(w) for w in workloads], fontsize=9)
    ax.set_ylabel(_("speed-up over serial (x)"))
    ax.set_title(_("{title} ({label})").format(
        title=title or _("What each kind of work gets from threads and from processes"), label=build_label()),
        fontsize=10)
    ax.set_ylim(0, max([h.speedup for h in headlines] + [1.0]) * 1.3)
    return ax


def plot_decision_chart(headlines: Sequence[Headline] = (), ax: Any = None, *,
                        flagged: Mapping[tuple[str, str], str] | None = None) -> Any:
    """The decision chart, each branch labelled with the speed-up measured on this machine and its build.

    A branch whose evidence is in ``flagged`` (from :func:`disagreements`) says,
    in red, that this run disagrees with the arrow above it: the chart never
    shows a number that contradicts its own advice without saying so.
    """
    import matplotlib.pyplot as plt

    from helpers.python_build import build_label

    flagged = flagged or {}

    def found(workload: str, executor: str) -> Headline | None:
        return next((h for h in headlines if h.workload == workload and h.executor == executor), None)

    def evidence(workload: str, executor: str) -> tuple[str, bool]:
        h = found(workload, executor)
        if h is None:
            return "", False
        text = _("measured here: {speedup:.1f}x with {workers}").format(speedup=h.speedup, workers=h.workers)
        if (workload, executor) in flagged:
            return text + "\n" + _("this run disagrees:\nthe machine looks busy; run again"), True
        return text, False

    if ax is None:
        _figure, ax = plt.subplots(figsize=(10, 5.6), constrained_layout=True)
    ax.axis("off")
    ax.set_xlim(0, 10)
    ax.set_ylim(-0.65, 6)
    box = {"boxstyle": "round,pad=0.4", "fc": "#eef4fb", "ec": "#1f77b4"}
    leaf = {"boxstyle": "round,pad=0.4", "fc": "#fdf1e6", "ec": "#ff7f0e"}
    ax.text(5, 5.5, _("Where does your program spend its time?"), ha="center", fontsize=12, bbox=box)
    branches = [
        (1.7, _("waiting\n(network, disk, database)"), _("asyncio for many connections,\nthreads for a few"),
         evidence(WAITING, "thread")),
        (5.0, _("computing in C that\nreleases the GIL\n(Pillow; NumPy on big arrays)"),
         _("threads\n(processes work too)"), evidence(PILLOW, "thread")),
        (8.3, _("computing in\npure Python"), _("processes (one per core);\nthreads on a free-threaded build"),
         evidence(PURE_PYTHON, "process")),
    ]
    for x, question, answer, (text, disagrees) in branches:
        ax.annotate("", xy=(x, 4.35), xytext=(5, 5.15), arrowprops={"arrowstyle": "-|>", "color": "#555"})
        ax.text(x, 3.8, question, ha="center", va="center", fontsize=10, bbox=box)
        ax.annotate("", xy=(x, 2.15), xytext=(x, 3.2), arrowprops={"arrowstyle": "-|>", "color": "#555"})
        ax.text(x, 1.6, answer, ha="center", va="center", fontsize=10, fontweight="bold", bbox=leaf)
        ax.text(x, 0.95, text, ha="center", va="top", fontsize=9, color="red" if disagrees else "#444")
    threads = found(PURE_PYTHON, "thread")
    if threads:
        below = 0.0 if (PURE_PYTHON, "process") in flagged else 0.45
        ax.text(8.3, below, _("(threads: {speedup:.1f}x with {workers})").format(
            speedup=threads.speedup, workers=threads.workers), ha="center", fontsize=8, color="#888")
    if headlines:
        ax.text(5, -0.25, _("Measured on {label}.").format(label=build_label()), ha="center", fontsize=8,
                color="#555")
    ax.text(5, -0.5, _("Too slow on one machine, even so? The same code on a cluster: Dask (section 7)."),
            ha="center", fontsize=9, style="italic", color="#555")
    return ax
