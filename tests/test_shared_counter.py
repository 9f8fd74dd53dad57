"""Lesson 02's process targets, run as the lesson runs them, under every start method."""

import multiprocessing
import time

import matplotlib.pyplot as plt
import pytest

from helpers.cleanup import join_or_terminate
from helpers.shared_counter import SharedCount, add_to_proxy, add_to_value, measure_count, plot_sharing_costs

METHODS = [m for m in ("fork", "spawn", "forkserver") if m in multiprocessing.get_all_start_methods()]


def count_with_value(processes, times, use_lock, pause=0.0, method=None):  # as the lesson writes it
    context = multiprocessing.get_context(method)
    shared = context.Value("i", 0)
    start_line = context.Barrier(processes + 1)
    children = [context.Process(target=add_to_value, args=(shared, times, use_lock, start_line, pause))
                for _ in range(processes)]
    for child in children:
        child.start()
    start_line.wait(timeout=60)
    started = time.perf_counter()
    assert join_or_terminate(children, timeout=60) == []
    return shared.value, time.perf_counter() - started


def count_with_manager(processes, times, method=None):
    context = multiprocessing.get_context(method)
    with context.Manager() as manager:
        proxy, lock = manager.Value("i", 0), manager.Lock()
        start_line = context.Barrier(processes + 1)
        children = [context.Process(target=add_to_proxy, args=(proxy, lock, times, start_line))
                    for _ in range(processes)]
        for child in children:
            child.start()
        start_line.wait(timeout=60)
        started = time.perf_counter()
        assert join_or_terminate(children, timeout=60) == []
        return proxy.value, time.perf_counter() - started


def test_without_the_lock_the_widened_gap_loses_updates_on_every_run():
    # Forced: both children wait at the Barrier, then spend almost all their time between a
    # read and a write, so each one's writes land over the other's.
    for _ in range(3):
        result = measure_count("unlocked", count_with_value, processes=2, times=200, use_lock=False, pause=0.0005)
        assert result.lost > 0


def test_with_the_lock_the_widened_gap_loses_nothing():
    result = measure_count("locked", count_with_value, processes=2, times=100, use_lock=True, pause=0.0005)
    assert result.lost == 0


@pytest.mark.parametrize("method", METHODS)
def test_value_with_its_lock_held_counts_everything(method):
    result = measure_count("locked", count_with_value, processes=2, times=5_000, use_lock=True, method=method)
    assert result.got == result.expected == 10_000
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("method", METHODS)
def test_manager_counts_everything_through_its_server(method):
    result = measure_count("manager", count_with_manager, processes=2, times=200, method=method)
    assert result.got == result.expected == 400
    assert result.microseconds_per_update > 0
    assert multiprocessing.active_children() == []


def test_one_process_alone_needs_no_lock():
    assert count_with_value(1, 2_000, use_lock=False)[0] == 2_000


def test_results_read_like_every_other_race():
    expected = "Value: expected 100, got 60: lost 40 (40%); 10.0 µs per update"
    assert str(SharedCount("Value", 2, 100, 60, 0.001)) == expected


def test_plot_marks_lost_updates_in_red_and_keeps_labels_inside():
    counts = [SharedCount("a", 2, 100, 100, 0.001), SharedCount("b", 2, 100, 60, 0.001),
              SharedCount("c", 2, 100, 100, 0.1)]
    ax = plot_sharing_costs(counts)
    colours = [bar.get_facecolor()[:3] for bar in ax.patches]
    assert colours[0] != colours[1] and colours[0] == colours[2]
    assert "lost 40" in "".join(t.get_text() for t in ax.texts)
    assert ax.get_xlim()[1] > max(c.microseconds_per_update for c in counts) * 4  # room for the labels
    plt.close(ax.figure)
