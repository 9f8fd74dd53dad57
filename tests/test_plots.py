import matplotlib.pyplot as plt
import pytest
from PIL import Image

from helpers.measure import PER_TASK, Point
from helpers.plots import plot_scaling, plot_thumbnails

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
    assert time_ax.get_ylabel() == "wall time (s, median)"
    labels = [line.get_label() for line in speed_ax.get_lines()]
    assert "thread pool" in labels and "process pool" in labels
    assert "ideal (workers = speed-up)" in labels and "2 cores" in labels
    assert "one process per task (8)" in labels and "serial" in labels
    thread = next(line for line in speed_ax.get_lines() if line.get_label() == "thread pool")
    assert list(thread.get_xdata()) == [1, 2] and list(thread.get_ydata()) == [1.0, 2.0]
    ideal = next(line for line in speed_ax.get_lines() if line.get_label().startswith("ideal"))
    assert list(ideal.get_ydata()) == [1, 2]
    fig.savefig(tmp_path / "scaling.png")
    plt.close(fig)


def test_plot_scaling_x_axis_reaches_the_core_count_even_with_few_workers():
    fig = plot_scaling(POINTS[:3], cpu_count=8)
    assert 8 in list(fig.axes[1].get_xticks())
    plt.close(fig)


def test_plot_thumbnails_shows_each_image_with_its_name(tmp_path):
    paths = []
    for i, colour in enumerate(["red", "green", "blue"]):
        path = tmp_path / f"t{i}.jpg"
        Image.new("RGB", (20, 10), colour).save(path)
        paths.append(path)
    fig = plot_thumbnails(paths, columns=2)
    titled = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titled == ["t0.jpg", "t1.jpg", "t2.jpg"]
    assert len(fig.axes) == 4  # a 2 x 2 grid, one cell left empty
    plt.close(fig)


def test_plot_thumbnails_refuses_an_empty_list():
    with pytest.raises(ValueError):
        plot_thumbnails([])
