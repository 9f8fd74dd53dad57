"""Lesson 03's picture of stopping a worker: when it ticked, when it was asked, when it ended.

The lesson writes the workers and the code that stops them (an ``Event``,
``join`` with a timeout); it records a :class:`StopRun` and this module draws it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from helpers.i18n import _, ngettext


@dataclass(frozen=True)
class StopRun:
    """One worker's run: perf_counter readings of its start, its ticks, the stop request and its end."""

    name: str
    started: float
    ticks: Sequence[float]
    asked: float
    ended: float
    still_running: bool = False
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def delay(self) -> float:
        """Seconds from the stop request to the worker's end (as far as join could tell)."""
        return self.ended - self.asked

    def __str__(self) -> str:
        if self.still_running:
            return _("{name}: still running {seconds:.2f} s after being asked to stop").format(
                name=self.name, seconds=self.delay)
        return ngettext("{name}: {ticks} tick, ended {ms:.0f} ms after being asked to stop",
                        "{name}: {ticks} ticks, ended {ms:.0f} ms after being asked to stop", len(self.ticks)).format(
            name=self.name, ticks=len(self.ticks), ms=self.delay * 1000)


def plot_stops(runs: Sequence[StopRun], ax: Any = None) -> Any:
    """A row per worker: its ticks as dots, the stop request as a dashed line, its end as a bar; legend outside."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    if ax is None:
        _fig, ax = plt.subplots(figsize=(9, 1.4 + 0.7 * len(runs)), constrained_layout=True)
    for row, run in enumerate(runs):
        ax.scatter([t - run.started for t in run.ticks], [row] * len(run.ticks), s=30, color="tab:blue", zorder=3)
        # The stop request is drawn taller than the end bar and on top of it, so it stays
        # visible when a worker ends at once (the two lines then fall on the same spot).
        ax.plot([run.ended - run.started] * 2, [row - 0.25, row + 0.25], color="black", linewidth=3, zorder=2)
        ax.plot([run.asked - run.started] * 2, [row - 0.4, row + 0.4], color="tab:red", linestyle="--", zorder=4)
        ax.annotate(_("ended {ms:.0f} ms after the request").format(ms=run.delay * 1000),
                    (run.ended - run.started, row), xytext=(6, 9), textcoords="offset points", fontsize=8)
    end = max([r.ended - r.started for r in runs] + [0.1])
    ax.set_xlim(0, end * 1.5)
    ax.set_yticks(range(len(runs)), [r.name for r in runs])
    ax.set_ylim(-0.7, len(runs) - 0.3)
    ax.invert_yaxis()
    ax.set_xlabel(_("seconds since the worker started"))
    ax.set_title(_("Asking workers to stop"))
    ax.legend(handles=[
        Line2D([], [], marker="o", linestyle="", color="tab:blue", label=_("a tick")),
        Line2D([], [], color="tab:red", linestyle="--", label=_("stop.set()")),
        Line2D([], [], color="black", linewidth=3, label=_("worker ended (join returned)")),
    ], loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    ax.grid(axis="x", alpha=0.3)
    return ax
