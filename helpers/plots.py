"""Plots of measurements: wall time and speed-up against the number of workers.

They take the records from :mod:`helpers.measure`, never raw timings, so every
lesson draws its numbers the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from helpers.executors import cpu_count as usable_cpus
from helpers.measure import PER_TASK, Point

STYLE = {
    "serial": {"color": "black", "marker": "s"},
    "thread": {"color": "tab:blue", "marker": "o"},
    "process": {"color": "tab:orange", "marker": "^"},
    PER_TASK: {"color": "tab:red", "marker": "x"},
}
# Executors without a worker count to vary are drawn as flat reference lines.
FLAT = ("serial", PER_TASK)


def plot_scaling(
    points: Iterable[Point],
    *,
    cpu_count: int | None = None,
    title: str = "",
    axes: Sequence[Any] | None = None,
) -> Any:
    """Two panels: wall time against workers, and speed-up with the ideal line.

    The dotted vertical line marks the machine's cores: past it, more workers
    cannot run at once. Returns the Figure.
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
            label = "serial" if kind == "serial" else f"one process per task ({p.workers})"
            for ax, value in ((time_ax, p.seconds), (speed_ax, p.speedup)):
                ax.axhline(value, color=style["color"], linestyle="--", linewidth=1.2, label=label)
        else:
            xs = [p.workers for p in mine]
            time_ax.plot(xs, [p.seconds for p in mine], label=f"{kind} pool", **style)
            speed_ax.plot(xs, [p.speedup for p in mine], label=f"{kind} pool", **style)

    speed_ax.plot([1, top], [1, top], color="grey", linestyle=":", label="ideal (workers = speed-up)")
    for ax in axes:
        ax.axvline(cores, color="grey", linestyle="-.", linewidth=1, label=f"{cores} cores")
        ax.set_xlabel("workers")
        ax.set_xticks(sorted(set(scaled) | {cores}))
        ax.set_xlim(0.5, top + 0.5)
        ax.grid(alpha=0.3)
    time_ax.set_ylabel("wall time (s, median)")
    time_ax.set_ylim(0, max((p.seconds for p in points), default=1) * 1.1)  # reference lines too
    speed_ax.set_ylabel("speed-up over serial (x)")
    speed_ax.set_ylim(0, max(top, max((p.speedup for p in points), default=1)) * 1.1)
    speed_ax.legend(fontsize="small", loc="upper left")
    time_ax.legend(fontsize="small", loc="lower left")
    time_ax.set_title("Wall time: lower is better")
    speed_ax.set_title("Speed-up: higher is better")
    if title:
        fig.suptitle(title)
    return fig


def plot_thumbnails(paths: Sequence[Any], *, columns: int = 8, title: str = "") -> Any:
    """The thumbnails themselves, in a grid: proof the job did what it says.

    Each cell is titled with its file name; images keep their aspect ratio.
    Returns the Figure.
    """
    import matplotlib.pyplot as plt
    from PIL import Image

    paths = list(paths)
    if not paths:
        raise ValueError("no thumbnails to show")
    rows = -(-len(paths) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(1.6 * columns, 1.7 * rows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, path in zip(axes.flat, paths, strict=False):
        with Image.open(path) as im:
            ax.imshow(im.convert("RGB"))
        ax.set_title(getattr(path, "name", str(path)), fontsize=6)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
