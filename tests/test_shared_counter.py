import multiprocessing

import matplotlib.pyplot as plt
import pytest

from helpers.shared_counter import SharedCount, count_with_manager, count_with_value, plot_costs


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_value_with_its_lock_held_counts_everything(method):
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"{method} not available")
    result = count_with_value(processes=2, times=5_000, use_lock=True, start_method=method)
    assert result.got == result.expected == 10_000
    assert multiprocessing.active_children() == []


def test_value_without_the_lock_loses_updates_on_several_cores():
    from helpers.executors import cpu_count

    if cpu_count() < 2:
        pytest.skip("two processes on one core take turns rather than truly overlap")
    results = [count_with_value(processes=2, times=50_000, use_lock=False) for _ in range(3)]
    assert any(r.lost > 0 for r in results)


def test_manager_counts_everything_through_its_server():
    result = count_with_manager(processes=2, times=300)
    assert result.got == result.expected == 600
    assert result.microseconds_per_update > 0
    assert multiprocessing.active_children() == []


def test_plot_costs_marks_lost_updates_in_red():
    ax = plot_costs([SharedCount("a", 2, 100, 100, 0.001), SharedCount("b", 2, 100, 60, 0.001)])
    colours = [bar.get_facecolor()[:3] for bar in ax.patches]
    assert colours[0] != colours[1]
    assert "lost 40" in "".join(t.get_text() for t in ax.texts)
    plt.close(ax.figure)
