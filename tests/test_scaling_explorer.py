import matplotlib.pyplot as plt
import pytest

from helpers.executors import cpu_count
from helpers.scaling_explorer import ScalingExplorer
from helpers.workloads import wait_for


@pytest.fixture
def explorer():
    return ScalingExplorer(wait_for, [0.05] * 4, title="test")


def test_the_first_run_measures_the_serial_baseline_first_and_stays_the_last_run(explorer):
    first = explorer.run("thread", 4)
    assert (first.executor, first.workers, first.runs) == ("thread", 4, 1)
    assert first.speedup > 1.5  # four 50 ms waits overlap on four threads
    assert len(explorer.times["serial", 1]) == 1
    assert explorer.last.executor == "thread"


def test_each_run_adds_to_its_setting_and_the_point_is_the_median(explorer, monkeypatch):
    fake = iter([1.0, 0.5, 0.9, 0.2])  # serial, then three thread runs

    class Run:
        def __init__(self):
            self.seconds = next(fake)

    monkeypatch.setattr("helpers.scaling_explorer.run_traced", lambda *a, **k: Run())
    explorer.run("thread", 2)
    explorer.run("thread", 2)
    point = explorer.run("thread", 2)
    assert (point.runs, point.seconds, point.speedup) == (3, 0.5, 2.0)
    assert [(p.executor, p.workers, p.runs) for p in explorer.points] == [("serial", 1, 1), ("thread", 2, 3)]
    assert "median of 3 runs 0.50 s" in explorer.describe(point)


def test_the_status_line_names_each_setting_with_the_count_it_has(explorer, monkeypatch):
    class Run:
        seconds = 0.5

    monkeypatch.setattr("helpers.scaling_explorer.run_traced", lambda *a, **k: Run())
    assert explorer.describe(explorer.run("thread", 1)).startswith("thread pool, 1 worker: this run")
    assert explorer.describe(explorer.run("serial", 3)).startswith("serial: this run")
    per_task = explorer.describe(explorer.run("process-per-task", 3))
    assert per_task.startswith("one process per task (4 processes): this run") and "workers" not in per_task


def test_serial_and_one_process_per_task_ignore_the_slider(explorer):
    assert explorer.setting("serial", 7) == ("serial", 1)
    assert explorer.setting("process-per-task", 7) == ("process-per-task", 4)


@pytest.mark.parametrize(("executor", "workers"), [("gpu", 1), ("thread", 0), ("thread", 10_000)])
def test_run_rejects_settings_the_widget_cannot_make(explorer, executor, workers):
    with pytest.raises(ValueError):
        explorer.run(executor, workers)
    assert explorer.points == []


def test_slider_range_is_one_to_twice_the_cores(explorer):
    box = explorer.widget()
    assert (box.slider.min, box.slider.max) == (1, 2 * cpu_count())
    assert list(box.choice.options) == [("serial", "serial"), ("thread pool", "thread"), ("process pool", "process"),
                                        ("one process per task", "process-per-task")]  # (shown, value)
    box.choice.value = "serial"
    assert box.slider.disabled
    box.choice.value = "process"
    assert not box.slider.disabled


def test_pressing_run_uses_the_widget_values_and_draws_a_figure(explorer, monkeypatch):
    drawn = []
    monkeypatch.setattr("IPython.display.display", lambda fig: drawn.append(fig))
    box = explorer.widget()
    box.choice.value = "thread"
    box.slider.value = 2
    box.run_button.click()
    assert [(p.executor, p.workers) for p in explorer.points] == [("serial", 1), ("thread", 2)]
    assert not box.run_button.disabled
    assert drawn, "the figure was not displayed"
    assert "Runs vary" in box.children[1].value


def test_a_failing_run_is_reported_beside_the_button_not_raised(monkeypatch):
    def broken(_):
        raise RuntimeError("boom")

    explorer = ScalingExplorer(broken, [1])
    box = explorer.widget()
    box.run_button.click()
    status = box.children[1].value
    assert status.startswith("failed:") and "boom" in status
    assert not box.run_button.disabled


def test_figure_has_speedup_panels_the_build_and_the_last_timeline(explorer, tmp_path):
    from helpers.python_build import build_label

    explorer.run("thread", 2)
    fig = explorer.figure()
    titles = [ax.get_title() for ax in fig.axes]
    assert any(t.startswith("Last run: thread pool, 2 workers") for t in titles)
    assert "Speed-up: higher is better" in titles
    assert fig.axes[0].get_ylabel() == "wall time (s, one run each)"
    assert build_label() in "".join(text.get_text() for sub in fig.subfigs for text in sub.texts)
    fig.savefig(tmp_path / "explorer.png")
    plt.close(fig)


def test_explorer_needs_items():
    with pytest.raises(ValueError):
        ScalingExplorer(wait_for, [])
