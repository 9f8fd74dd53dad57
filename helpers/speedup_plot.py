"""Lesson 01's speed-up plot: wall time and speed-up against the number of workers.

Lesson 01 draws its measurements with it, and so does its scaling explorer.
It takes :class:`helpers.measure.Point` records, never raw timings, so a table, a
test and the plot all read the same numbers. Whether threads speed up pure-Python
work depends on the GIL, so every plot names the Python build that produced it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from helpers.executors import cpu_count as usable_cpus
from helpers.i18n import _, ngettext
from helpers.measure import PER_TASK, Point
from helpers.python_build import build_label

STYLE = {
    "serial": {"color": "black", "marker": "s"},
    "thread": {"color": "tab:blue", "marker": "o"},
    "process": {"color": "tab:orange", "marker": "^"},
    PER_TASK: {"color": "tab:red", "marker": "x"},
}
# Executors without a worker count to vary are drawn as flat reference lines.
FLAT = ("serial", PER_TASK)


def time_label(points: Sequence[Point]) -> str:
    """The wall-time axis label: a median only where there were several runs to take it from."""
    counts = {p.runs for p in points}
    if counts == {1}:
        return _("wall time (s, one run each)")
    if len(counts) == 1:
        (runs,) = counts
        return _("wall time (s, median of {runs} runs)").format(runs=runs)
    return _("wall time (s, median of each setting's runs)")


def plot_scaling(
    points: Iterable[Point],
    *,
    cpu_count: int | None = None,
    title: str = "",
    axes: Sequence[Any] | None = None,
) -> Any:
    """Two panels: wall time against workers, and speed-up with the ideal line.

    The dash-dotted vertical line marks the machine's cores: past it, more workers
    cannot run at once. Serial and one process per task, which have no worker count
    to vary, are horizontal dashed lines (serial with its point at 1 worker). The two
    panels share one legend, below them. The figure's title ends with the Python build (GIL or
    free-threaded). Returns the Figure.
    """
    import matplotlib.pyplot as plt

    points = list(points)
    cores = cpu_count or usable_cpus()
    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=(11, 4), constrained_layout=True)
    else:
        fig = axes[0].figure
    time_ax, speed_ax = axes
    scaled = sorted({p.workers for p in points if p.executor not in FLAT} | {1})
    top = max(max(scaled), cores)

    for kind in STYLE:
        mine = sorted((p for p in points if p.executor == kind), key=lambda p: p.workers)
        if not mine:
            continue
        style = STYLE[kind]
        if kind in FLAT:
            p = mine[0]
            if kind == "serial":
                label = _("serial")
            else:
                label = ngettext("one process per task ({n} process)", "one process per task ({n} processes)",
                                 p.workers).format(n=p.workers)
            for ax, value in ((time_ax, p.seconds), (speed_ax, p.speedup)):
                ax.axhline(value, color=style["color"], linestyle="--", linewidth=1.2, label=label)
                if kind == "serial":  # serial is one worker: its point sits at 1 on the workers axis
                    ax.plot([1], [value], linestyle="none", **style)
        else:
            xs = [p.workers for p in mine]
            label = _("thread pool") if kind == "thread" else _("process pool")
            time_ax.plot(xs, [p.seconds for p in mine], label=label, **style)
            speed_ax.plot(xs, [p.speedup for p in mine], label=label, **style)

    speed_ax.plot([1, top], [1, top], color="grey", linestyle=":", label=_("ideal (workers = speed-up)"))
    for ax in axes:
        ax.axvline(cores, color="grey", linestyle="-.", linewidth=1,
                   label=ngettext("{n} core", "{n} cores", cores).format(n=cores))
        ax.set_xlabel(_("workers"))
        ax.set_xticks(sorted(set(scaled) | {cores}))
        ax.set_xlim(0.5, top + 0.5)
        ax.grid(alpha=0.3)
    time_ax.set_ylabel(time_label(points))
    time_ax.set_ylim(0, max((p.seconds for p in points), default=1) * 1.1)  # reference lines too
    speed_ax.set_ylabel(_("speed-up over serial (x)"))
    speed_ax.set_ylim(0, max(top, max((p.speedup for p in points), default=1)) * 1.1)
    # One legend for both panels, below them: inside a panel it covered the cores line or the data.
    handles, labels = speed_ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=min(len(handles), 3), fontsize="small",
               frameon=False)
    time_ax.set_title(_("Wall time: lower is better"))
    speed_ax.set_title(_("Speed-up: higher is better"))
    build = build_label()
    fig.suptitle(_("{title} ({build})").format(title=title, build=build) if title else build)
    return fig
