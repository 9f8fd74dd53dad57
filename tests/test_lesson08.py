"""Lesson 08's helpers: Amdahl's fit, the cost measurements, the Python build, Dask."""

import multiprocessing
import random
import threading

import matplotlib.pyplot as plt
import pytest

from helpers import checks
from helpers.amdahl import amdahl, fit_serial_fraction, plot_amdahl
from helpers.costs import Cost, chunksize_costs, pickling_costs, plot_costs
from helpers.headlines import Headline, measure_headlines, plot_decision_chart, plot_headlines
from helpers.python_build import describe, free_threaded_build, gil_enabled, interpreter_pool


@pytest.mark.parametrize("s", [0.0, 0.05, 0.2, 0.5, 0.9])
def test_fit_recovers_a_known_serial_fraction_from_exact_data(s):
    points = [(n, amdahl(s, n)) for n in (1, 2, 4, 8, 16)]
    assert fit_serial_fraction(points) == pytest.approx(s, abs=1e-9)


def test_fit_recovers_it_from_noisy_data_too():
    rng = random.Random(1)
    points = [(n, amdahl(0.1, n) * rng.uniform(0.97, 1.03)) for n in (2, 3, 4, 6, 8, 12, 16) for _ in range(5)]
    assert fit_serial_fraction(points) == pytest.approx(0.1, abs=0.02)


def test_fit_refuses_data_it_cannot_use():
    with pytest.raises(ValueError):
        fit_serial_fraction([(1, 1.0)])
    with pytest.raises(ValueError):
        fit_serial_fraction([(2, 0)])


def test_amdahl_limits():
    assert amdahl(0, 8) == 8
    assert amdahl(1, 8) == 1
    assert amdahl(0.1, 10**9) == pytest.approx(10, rel=1e-6)
    with pytest.raises(ValueError):
        amdahl(1.5, 2)


def test_plot_amdahl_shows_the_ceiling():
    ax = plot_amdahl([(1, 1.0), (2, 1.8)], 0.1, cores=2)
    assert any("ceiling 1/s = 10.0x" in line.get_label() for line in ax.get_lines())
    plt.close(ax.figure)


def test_pickling_cost_grows_with_the_argument():
    costs = pickling_costs(sizes_mb=(0.001, 16), repeats=1)
    assert [c.setting for c in costs] == ["0.001 MB", "16 MB"]
    assert costs[1].seconds > costs[0].seconds
    assert multiprocessing.active_children() == []


def test_chunksize_costs_measure_each_setting():
    costs = chunksize_costs(tasks=2000, chunksizes=(1, 500))
    assert [c.setting for c in costs] == ["chunksize 1", "chunksize 500"]
    assert costs[1].seconds < costs[0].seconds  # batching 2000 tiny tasks is always cheaper
    assert multiprocessing.active_children() == []


def test_plot_costs_labels_bars():
    ax = plot_costs([Cost("a", 0.002), Cost("b", 0.004)], title="t")
    assert [t.get_text() for t in ax.texts] == ["2.0 ms", "4.0 ms"]
    plt.close(ax.figure)


def test_python_build_is_described_consistently():
    text = describe()
    assert ("free-threaded" in text) == free_threaded_build()
    assert isinstance(gil_enabled(), bool)
    assert ("is available" in text) == (interpreter_pool() is not None)


def test_headlines_and_charts(tmp_path):
    from PIL import Image

    from helpers.thumbnails import make_jobs

    for i in range(3):
        Image.new("RGB", (400, 300), "red").save(tmp_path / f"p{i}.jpg")
    found = measure_headlines(make_jobs(tmp_path, tmp_path / "out", [32]), workers=2)
    kinds = {(h.workload.split()[0], h.executor) for h in found}
    assert ("waiting", "thread") in kinds and ("pure-Python", "process") in kinds and ("Pillow", "thread") in kinds
    waiting = next(h for h in found if h.workload.startswith("waiting") and h.executor == "thread")
    assert waiting.speedup > 3  # 16 waits of 0.1 s on 8 threads
    ax = plot_headlines(found)
    plt.close(ax.figure)
    ax = plot_decision_chart(found)
    assert any(t.get_text().startswith("measured here:") for t in ax.texts)
    plt.close(ax.figure)


def test_decision_chart_without_measurements():
    ax = plot_decision_chart([])
    assert not any(t.get_text().startswith("measured here:") for t in ax.texts)
    plt.close(ax.figure)


def test_dask_runs_every_image_and_leaves_no_process(tmp_path):
    from PIL import Image

    from helpers.scale_out import run_on_dask
    from helpers.thumbnails import make_jobs, thumbnail_file

    for i in range(4):
        Image.new("RGB", (300, 200), "green").save(tmp_path / f"g{i}.jpg")
    (tmp_path / "bad.jpg").write_text("nope")
    jobs = make_jobs(tmp_path, tmp_path / "out", [32])
    run = run_on_dask(thumbnail_file, jobs, workers=2)
    assert sorted(r.source.name for r in run.results) == sorted(j.source.name for j in jobs)
    assert [r.source.name for r in run.results if not r.ok] == ["bad.jpg"]
    assert run.dashboard is None or run.dashboard.startswith("http://127.0.0.1:")
    assert multiprocessing.active_children() == []
    assert not [t for t in threading.enumerate() if t.name.startswith(("Dask-Default", "IO loop"))]


def test_lesson_08_checks():
    assert checks.check_amdahl_answers(lambda s, n: 1 / (s + (1 - s) / n), 10)
    assert not checks.check_amdahl_answers(lambda s, n: n, 10)
    assert not checks.check_amdahl_answers(lambda s, n: 1 / (s + (1 - s) / n), 9)
    costs = [Cost("chunksize 1", 2.0), Cost("chunksize 100", 0.1), Cost("chunksize 1000", 0.11)]
    assert checks.check_fastest_chunksize(100, costs)
    assert checks.check_fastest_chunksize(1000, costs)  # within noise of the best
    assert not checks.check_fastest_chunksize(1, costs)
    assert not checks.check_fastest_chunksize(7, costs)


def test_headline_is_a_plain_record():
    assert Headline("w", "thread", 2, 1.0, 2.0).speedup == 2.0
