import matplotlib.pyplot as plt
import pytest

from helpers.measure import PER_TASK, Point
from helpers.python_build import build_label
from helpers.speedup_plot import plot_scaling, time_label

POINTS = [
    Point("serial", 1, 2.0, 1.0, 3),
    Point("thread", 1, 2.0, 1.0, 3),
    Point("thread", 2, 1.0, 2.0, 3),
    Point("process", 2, 1.1, 1.8, 3),
    Point(PER_TASK, 8, 4.0, 0.5, 3),
]


def test_plot_scaling_draws_each_executor_the_ideal_line_and_the_cores(tmp_path):
    fig = plot_scaling(POINTS, cpu_count=2, title="test")
    time_ax, speed_ax = fig.axes
    assert time_ax.get_ylabel() == "wall time (s, median of 3 runs)"
    labels = [line.get_label() for line in speed_ax.get_lines()]
    assert "thread pool" in labels and "process pool" in labels
    assert "ideal (workers = speed-up)" in labels and "2 cores" in labels
    assert "one process per task (8 processes)" in labels and "serial" in labels
    thread = next(line for line in speed_ax.get_lines() if line.get_label() == "thread pool")
    assert list(thread.get_xdata()) == [1, 2] and list(thread.get_ydata()) == [1.0, 2.0]
    ideal = next(line for line in speed_ax.get_lines() if line.get_label().startswith("ideal"))
    assert list(ideal.get_ydata()) == [1, 2]
    fig.savefig(tmp_path / "scaling.png")
    plt.close(fig)


def test_the_title_names_the_python_build_because_the_threads_line_depends_on_it():
    fig = plot_scaling(POINTS, cpu_count=2, title="Counting primes")
    assert fig._suptitle.get_text() == f"Counting primes ({build_label()})"
    plt.close(fig)


@pytest.mark.parametrize(("runs", "label"), [
    ([1, 1], "wall time (s, one run each)"),
    ([3, 3], "wall time (s, median of 3 runs)"),
    ([1, 3], "wall time (s, median of each setting's runs)"),
])
def test_the_time_axis_says_median_only_when_there_was_more_than_one_run(runs, label):
    assert time_label([Point("thread", i + 1, 1.0, 1.0, n) for i, n in enumerate(runs)]) == label


def test_plot_scaling_x_axis_reaches_the_core_count_even_with_few_workers():
    fig = plot_scaling(POINTS[:3], cpu_count=8)
    assert 8 in list(fig.axes[1].get_xticks())
    plt.close(fig)


def test_one_legend_below_the_panels_so_it_covers_neither_the_cores_line_nor_the_data():
    fig = plot_scaling(POINTS, cpu_count=2, title="test")
    assert all(ax.get_legend() is None for ax in fig.axes)
    (legend,) = fig.legends
    assert "2 cores" in [text.get_text() for text in legend.get_texts()]
    serial_marks = [line for line in fig.axes[1].get_lines() if list(line.get_xdata()) == [1] and
                    line.get_marker() == "s"]
    assert serial_marks, "serial is one worker: its point is drawn at 1"
    plt.close(fig)
