"""One run of a lesson's own code, as a :class:`helpers.timeline.Recorder` saw it, and its picture.

Lessons 07 and 08 write their concurrent code in the notebook and decorate it with
``recorder.traced(...)``. To compare several runs side by side, each run's spans
must be kept apart: :func:`record_run` restarts the recorder, lets the cell run
its code, and keeps a copy of what was recorded, with the run's duration.
:func:`plot_recorded_runs` stacks such runs on one time axis.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from helpers.i18n import N_, _
from helpers.timeline import Recorder, Span, max_overlap, plot_timeline

CANCELLED, RAISED = "cancelled", "raised"


@dataclass
class RecordedRun:
    """What one run returned (``results``, set by the cell), how long it took, and its spans."""

    title: str
    results: Any = None
    seconds: float = 0.0
    origin: float = 0.0
    spans: list[Span] = field(default_factory=list)
    outcomes: dict[Span, str] = field(default_factory=dict)  # spans that ended in an exception: how
    task_rows: set[str] = field(default_factory=set)  # rows (workers) that are asyncio tasks, not threads

    @property
    def peak(self) -> int:
        """The most recorded calls that were in progress at one instant."""
        return max_overlap(self.spans)


@contextlib.contextmanager
def record_run(recorder: Recorder, title: str) -> Iterator[RecordedRun]:
    """``with record_run(recorder, "serial") as run: run.results = ...``: time one run and keep its spans.

    The recorder is restarted on entry (its clock and spans start afresh); on
    exit the run gets its duration and a copy of the spans recorded meanwhile.

    While the run lasts, the recorder's ``add`` is watched: a span added while an
    exception is on its way out of the recorded call (``Recorder.span`` adds it
    in a ``finally``, where ``sys.exc_info()`` names that exception) is noted in
    ``run.outcomes`` as "cancelled" (``asyncio.CancelledError``) or "raised", so
    the picture can show which bars were cut short, with no change to the
    lesson's code. A span added from inside the asyncio task it is named after
    marks its row as a task's (``run.task_rows``), so the picture can say what
    its rows are.
    """
    recorder.restart()
    run = RecordedRun(title, origin=recorder.origin)
    plain_add = recorder.add

    def add(span: Span) -> None:
        error = sys.exc_info()[1]
        if error is not None:
            run.outcomes[span] = CANCELLED if isinstance(error, asyncio.CancelledError) else RAISED
        if _running_task_name() == span.thread:
            run.task_rows.add(span.worker)
        plain_add(span)

    recorder.add = add  # type: ignore[method-assign]  # this instance only, for this run
    try:
        yield run
    finally:
        del recorder.add  # the class's own method again
        run.seconds = time.perf_counter() - run.origin
        run.spans = list(recorder.spans)  # the run is over: nothing appends any more


def _running_task_name() -> str | None:
    """The name of the asyncio task running this code, or None in plain thread code."""
    try:
        task = asyncio.current_task()
    except RuntimeError:  # no event loop running in this thread
        return None
    return task.get_name() if task is not None else None


def plot_recorded_runs(runs: Sequence[RecordedRun], *, max_named_rows: int = 8, label_tasks: bool = True) -> Any:
    """The runs' timelines stacked on one time axis, each panel as tall as its rows need.

    A row is whoever did the work: a thread, or an asyncio task (rows are named
    without the process id, since every run here is one process). Past
    ``max_named_rows`` rows the row names are left out and the panel says how
    many rows it has (and that each is a task, when they all are).
    ``label_tasks=False`` leaves the bars unnamed. Bars of the same name have the
    same colour in every panel; bars cut short by cancellation or an exception
    (``run.outcomes``) are hatched, with a legend, and their names sit on a light
    patch so that the hatching does not cross them.
    Returns the Figure.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    task_names = list(dict.fromkeys(s.task for run in runs for s in run.spans))
    rows = [max(1, len({s.worker for s in run.spans})) for run in runs]
    heights = [0.9 + 0.16 * min(n, 12) for n in rows]
    fig, axes = plt.subplots(len(runs), 1, figsize=(9, sum(heights) + 0.4), sharex=True, constrained_layout=True,
                             squeeze=False, gridspec_kw={"height_ratios": heights})
    for ax, run, n in zip(axes[:, 0], runs, rows, strict=True):
        coloured = [dataclasses.replace(s, index=task_names.index(s.task)) for s in run.spans]
        plot_timeline(coloured, origin=run.origin, ax=ax, label_tasks=label_tasks and n <= max_named_rows,
                      title=_("{title}: {seconds:.2f} s").format(title=run.title, seconds=run.seconds))
        _hatch_cut_short(ax, run)
        if n > max_named_rows:
            ax.set_yticks([])
            all_tasks = bool(run.spans) and {s.worker for s in run.spans} <= run.task_rows
            ax.set_ylabel(_rows(n, all_tasks), fontsize=8)
        else:
            names = [label.get_text().split(" · ", 1)[-1] for label in ax.get_yticklabels()]
            ax.set_yticks(ax.get_yticks(), names, fontsize=7)
    for ax in axes[:-1, 0]:
        ax.set_xlabel("")
    kinds = {kind for run in runs for kind in run.outcomes.values()}
    if kinds:
        legend = [Patch(facecolor="white", edgecolor="black", hatch=HATCHES[kind], label=_(OUTCOME_LABELS[kind]))
                  for kind in (CANCELLED, RAISED) if kind in kinds]
        fig.legend(handles=legend, fontsize=7, loc="outside right upper")
    return fig


HATCHES = {CANCELLED: "//", RAISED: "xx"}
OUTCOME_LABELS = {CANCELLED: N_("cancelled: cut short"), RAISED: N_("ended by an exception")}


def _hatch_cut_short(ax: Any, run: RecordedRun) -> None:
    """Hatch the bars of ``run`` that ended in an exception, on the rows ``plot_timeline`` drew."""
    rows = [label.get_text() for label in ax.get_yticklabels()]
    for span, kind in run.outcomes.items():
        row = next((i for i, text in enumerate(rows) if text in (span.worker, span.thread)), None)
        if row is not None:
            left = span.start - run.origin
            ax.barh(row, span.seconds, left=left, height=0.7, facecolor="none",
                    edgecolor="black", linewidth=0.4, hatch=HATCHES[kind])
            for label in ax.texts:  # the bar's name, drawn over the hatching, on a light patch
                x, y = label.get_position()
                if y == row and left <= x <= left + span.seconds:
                    label.set_bbox({"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.85,
                                    "edgecolor": "none"})


def _rows(n: int, all_tasks: bool = False) -> str:
    from helpers.i18n import ngettext

    if all_tasks:
        return ngettext("{n} task, one row each", "{n} tasks, one row each", n).format(n=n)
    return ngettext("{n} row", "{n} rows", n).format(n=n)
