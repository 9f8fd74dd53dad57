import os
import pickle

import matplotlib.pyplot as plt
import pytest

from helpers.measure import run_traced
from helpers.timeline import Span, max_overlap, plot_timeline, relative, row_labels, traced
from helpers.workloads import wait_for


def span(start, end, pid=1, thread="t"):
    return Span("task", pid, thread, start, end)


def test_relative_shifts_to_the_given_origin_or_the_earliest_start():
    spans = [span(10.0, 11.0), span(10.5, 12.0)]
    assert [(s.start, s.end) for s in relative(spans)] == [(0.0, 1.0), (0.5, 2.0)]
    assert [(s.start, s.end) for s in relative(spans, origin=9.0)] == [(1.0, 2.0), (1.5, 3.0)]
    assert relative([]) == []


@pytest.mark.parametrize(
    ("intervals", "peak"),
    [([], 0), ([(0, 1), (1, 2)], 1), ([(0, 2), (1, 3)], 2), ([(0, 5), (1, 2), (1, 3), (4, 6)], 3)],
)
def test_max_overlap_counts_simultaneous_spans(intervals, peak):
    assert max_overlap([span(a, b) for a, b in intervals]) == peak


def test_traced_wrapper_pickles_and_records_the_worker():
    wrapped = pickle.loads(pickle.dumps(traced(wait_for)))
    result, recorded = wrapped(0.01)
    assert result == 0.01
    assert recorded.pid == os.getpid()
    assert recorded.task == "0.01"
    assert recorded.seconds >= 0.01


def test_traced_run_across_processes_gives_comparable_clock_readings():
    run = run_traced(wait_for, [0.3] * 4, "process", workers=2)
    assert run.results == [0.3] * 4
    assert len({s.pid for s in run.spans}) == 2
    assert os.getpid() not in {s.pid for s in run.spans}
    # every task started after the run began and ended before it returned
    for s in run.spans:
        assert run.origin <= s.start < s.end <= run.origin + run.seconds
    assert max_overlap(run.spans) == 2


def test_thread_run_overlaps_and_serial_run_does_not():
    threaded = run_traced(wait_for, [0.2] * 4, "thread", workers=4)
    serial = run_traced(wait_for, [0.05] * 4, "serial")
    assert max_overlap(threaded.spans) == 4
    assert max_overlap(serial.spans) == 1
    assert len({s.thread for s in threaded.spans}) == 4


def test_plot_timeline_draws_one_row_per_worker_and_one_bar_per_task(tmp_path):
    spans = [span(0, 1, 1, "a"), span(1, 2, 1, "a"), span(0, 2, 2, "b")]
    ax = plot_timeline(spans)
    assert len(ax.patches) == 3
    assert [t.get_text() for t in ax.get_yticklabels()] == ["pid 1 · a", "pid 2 · b"]
    ax.figure.savefig(tmp_path / "timeline.png")
    assert (tmp_path / "timeline.png").stat().st_size > 1000
    plt.close(ax.figure)


def test_rows_of_one_process_are_named_by_their_thread_alone():
    spans = [span(0, 1, 7, "worker_0"), span(0, 2, 7, "worker_1"), span(2, 3, 7, "worker_0")]
    ax = plot_timeline(spans)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["worker_0", "worker_1"]
    plt.close(ax.figure)


def test_two_processes_with_equally_named_threads_keep_two_rows():
    spans = [span(0, 1, 7, "MainThread"), span(0, 1, 8, "MainThread")]
    assert row_labels(spans, ["pid 7 · MainThread", "pid 8 · MainThread"]) == [
        "pid 7 · MainThread", "pid 8 · MainThread"]
    ax = plot_timeline(spans)
    assert len(ax.get_yticklabels()) == 2
    plt.close(ax.figure)


def named(task, start, end, thread="t"):
    return Span(task, 1, thread, start, end)


@pytest.mark.parametrize("layout", [False, True])
def test_a_bar_label_never_leaves_its_bar(layout):
    spans = [named("a-very-long-photo-name.jpg", 0.0, 0.4), named("tiny-but-named.jpg", 0.4, 0.42),
             named("medium-name.jpg", 0.42, 3.0)]
    fig, ax = plt.subplots(figsize=(6, 1.5), constrained_layout=layout)
    plot_timeline(spans, ax=ax)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    labels = {t._name: t for t in ax.texts}
    for s in spans:
        label = labels[s.task.removesuffix(".jpg")]
        left, right = (ax.transData.transform((x, 0))[0] for x in (s.start, s.end))
        box = label.get_window_extent(renderer)
        assert label.get_text() == "" or (left <= box.x0 and box.x1 <= right), (label.get_text(), box, left, right)
    assert labels["medium-name"].get_text() == "medium-name"  # room enough: the whole name
    assert labels["a-very-long-photo-name"].get_text().endswith("…")  # cut to fit
    assert labels["tiny-but-named"].get_text() == ""  # no room for three letters: no name
    plt.close(fig)


def test_panels_sharing_an_x_axis_all_fit():
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True)
    plot_timeline([span(0, 1)], origin=0.0, ax=top)
    plot_timeline([span(0, 3)], origin=0.0, ax=bottom)
    assert top.get_xlim()[1] >= 3 and bottom.get_xlim()[1] >= 3
    assert bottom.get_xlabel() == "seconds since the run started"
    plt.close(fig)


def test_the_same_item_keeps_its_colour_across_runs():
    runs = [run_traced(wait_for, [0.01, 0.02, 0.03], kind, workers=2) for kind in ("serial", "thread")]
    assert [s.index for s in runs[0].spans] == [0, 1, 2]
    colours = []
    for run in runs:
        ax = plot_timeline(run.spans, origin=run.origin)
        by_start = sorted(run.spans, key=lambda s: s.start)
        colours.append({s.index: patch.get_facecolor() for s, patch in zip(by_start, ax.patches, strict=True)})
        plt.close(ax.figure)
    assert colours[0] == colours[1]


def test_twelve_items_get_twelve_colours_so_one_workers_two_bars_never_look_like_one():
    from helpers.timeline import task_colour

    spans = [Span(f"item {i}", 1, f"request_{i % 6}", 0.2 * (i // 6), 0.2 * (i // 6) + 0.2, index=i)
             for i in range(12)]
    ax = plot_timeline(spans, origin=0.0)
    assert len({patch.get_facecolor() for patch in ax.patches}) == 12  # items 1 and 11 differ
    assert task_colour(0) == plt.get_cmap("tab10")(0) and task_colour(20) == task_colour(0)
    plt.close(ax.figure)
