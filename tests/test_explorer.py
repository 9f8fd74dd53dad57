import matplotlib.pyplot as plt
import pytest

from helpers.executors import cpu_count
from helpers.explorer import ScalingExplorer
from helpers.workloads import wait_for


@pytest.fixture
def explorer():
    return ScalingExplorer(wait_for, [0.05] * 4, title="test")


def test_run_adds_a_point_and_replaces_a_repeated_setting(explorer):
    first = explorer.run("thread", 4)
    assert first.executor == "thread" and first.workers == 4
    assert first.speedup > 1.5  # four 50 ms waits overlap on four threads
    explorer.run("thread", 4)
    explorer.run("thread", 1)
    assert sorted((p.executor, p.workers) for p in explorer.points) == [("thread", 1), ("thread", 4)]
    assert explorer.last.workers == 1


@pytest.mark.parametrize(("executor", "workers"), [("gpu", 1), ("thread", 0), ("thread", 10_000)])
def test_run_rejects_settings_the_widget_cannot_make(explorer, executor, workers):
    with pytest.raises(ValueError):
        explorer.run(executor, workers)
    assert explorer.points == []


def test_slider_range_is_one_to_twice_the_cores(explorer):
    box = explorer.widget()
    assert (box.slider.min, box.slider.max) == (1, 2 * cpu_count())
    assert "process" in box.choice.options and "process-per-task" in box.choice.options


def test_pressing_run_uses_the_widget_values_and_draws_a_figure(explorer, monkeypatch):
    drawn = []
    monkeypatch.setattr("IPython.display.display", lambda fig: drawn.append(fig))
    box = explorer.widget()
    box.choice.value = "thread"
    box.slider.value = 2
    box.run_button.click()
    assert [(p.executor, p.workers) for p in explorer.points] == [("thread", 2)]
    assert not box.run_button.disabled
    assert drawn, "the figure was not displayed"


def test_a_failing_run_is_reported_beside_the_button_not_raised(monkeypatch):
    def broken(_):
        raise RuntimeError("boom")

    explorer = ScalingExplorer(broken, [1])
    box = explorer.widget()
    box.run_button.click()
    status = box.children[1].value
    assert status.startswith("failed:") and "boom" in status
    assert not box.run_button.disabled


def test_figure_has_speedup_panels_and_the_last_timeline(explorer, tmp_path):
    explorer.run("thread", 2)
    fig = explorer.figure()
    titles = [ax.get_title() for ax in fig.axes]
    assert any(t.startswith("Last run: thread, 2 workers") for t in titles)
    assert "Speed-up: higher is better" in titles
    fig.savefig(tmp_path / "explorer.png")
    plt.close(fig)


def test_explorer_needs_items():
    with pytest.raises(ValueError):
        ScalingExplorer(wait_for, [])
