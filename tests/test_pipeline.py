import multiprocessing
import threading

import matplotlib.pyplot as plt
import pytest

from helpers.pipeline import (
    QueueExplorer,
    joining_too_early,
    plot_depth,
    run_queue,
    run_thumbnail_pipeline,
)
from helpers.thumbnails import make_jobs

METHODS = [m for m in ("fork", "spawn", "forkserver") if m in multiprocessing.get_all_start_methods()]


@pytest.mark.parametrize(("producers", "consumers", "maxsize"), [(1, 1, 1), (2, 3, 5), (4, 1, 0), (3, 2, 2)])
def test_every_item_is_consumed_exactly_once_and_everyone_stops(producers, consumers, maxsize):
    run = run_queue(producers, consumers, maxsize, items_per_producer=5, make_time=0.002, use_time=0.004)
    assert sorted(run.consumed) == list(range(producers * 5))
    assert not [t for t in threading.enumerate() if t.name.startswith(("producer-", "consumer-"))]


def test_maxsize_bounds_the_queue_and_unbounded_grows():
    bounded = run_queue(4, 1, 3, items_per_producer=5, make_time=0.001, use_time=0.01)
    unbounded = run_queue(4, 1, 0, items_per_producer=5, make_time=0.001, use_time=0.01)
    assert bounded.max_depth <= 3
    assert unbounded.max_depth > 3


def test_bad_settings():
    with pytest.raises(ValueError):
        run_queue(0, 1, 1)


@pytest.fixture
def mixed_folder(tmp_path):
    from PIL import Image

    src = tmp_path / "src"
    src.mkdir()
    for i in range(5):
        Image.new("RGB", (200, 100 + i), "blue").save(src / f"good{i}.jpg")
    (src / "bad.jpg").write_text("not an image")
    (src / "empty.png").write_bytes(b"")
    return src, tmp_path / "out"


@pytest.mark.parametrize("method", METHODS)
def test_pipeline_processes_every_image_once_and_reports_bad_files(mixed_folder, method):
    src, out = mixed_folder
    jobs = make_jobs(src, out, [32])
    run = run_thumbnail_pipeline(jobs, workers=2, start_method=method)
    assert sorted(r.source for r in run.results) == sorted(j.source for j in jobs)
    failed = {r.source.name for r in run.results if not r.ok}
    assert failed == {"bad.jpg", "empty.png"}
    assert len(list(out.glob("*.jpg"))) == 5
    assert multiprocessing.active_children() == []


def test_joining_before_reading_is_shown_safely():
    said = joining_too_early(megabytes=4, wait=0.5)
    assert said[0].endswith("still alive: True")
    assert "still alive: False (exit code 0)" in said[-1]
    assert multiprocessing.active_children() == []


def test_explorer_runs_and_plots(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda fig: shown.append(fig))
    explorer = QueueExplorer(items_per_producer=3)
    box = explorer.widget()
    box.producers.value, box.consumers.value, box.maxsize.value = 3, 1, 2
    box.button.click()
    assert explorer.last.producers == 3 and explorer.last.max_depth <= 2 and shown
    ax = plot_depth(explorer.last)
    assert "3 producers, 1 consumer:" in ax.get_title()
    plt.close("all")
