"""Lesson 08's helpers: Amdahl's fit, the cost measurements, the headline and NumPy measurements, the checks."""

import multiprocessing
import random
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed, wait

import matplotlib.pyplot as plt
import pytest

from helpers import checks
from helpers.amdahl import against_the_curve, amdahl, fit_serial_fraction, plot_amdahl
from helpers.costs import Cost, chunksize_costs, pickling_costs, plot_cost_bars
from helpers.headlines import (
    PILLOW,
    PURE_PYTHON,
    WAITING,
    Headline,
    describe_disagreements,
    disagreements,
    expected_pattern,
    measure_headlines,
    measure_speedups,
    plot_decision_chart,
    plot_headlines,
)


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


def test_plot_cost_bars_labels_bars():
    ax = plot_cost_bars([Cost("a", 0.002), Cost("b", 0.004)], title="t")
    assert [t.get_text() for t in ax.texts] == ["2.0 ms", "4.0 ms"]
    assert ax.get_xlabel() == "milliseconds"
    plt.close(ax.figure)


def test_headlines_and_charts(tmp_path):
    from PIL import Image

    from helpers.thumbnails import make_jobs

    for i in range(3):
        Image.new("RGB", (400, 300), "red").save(tmp_path / f"p{i}.jpg")
    found = measure_headlines(make_jobs(tmp_path, tmp_path / "out", [32]), workers=2)
    kinds = {(h.workload.split()[0], h.executor) for h in found}
    assert ("waiting", "thread") in kinds and ("pure-Python", "process") in kinds and ("Pillow", "thread") in kinds
    waiting = next(h for h in found if h.workload.startswith("waiting") and h.executor == "thread")
    assert waiting.speedup > 3  # 8 waits of 0.05 s on 8 threads
    ax = plot_headlines(found)
    plt.close(ax.figure)
    ax = plot_decision_chart(found)
    assert any(t.get_text().startswith("measured here:") for t in ax.texts)
    plt.close(ax.figure)


def test_decision_chart_without_measurements():
    ax = plot_decision_chart([])
    assert not any(t.get_text().startswith("measured here:") for t in ax.texts)
    plt.close(ax.figure)


def test_measure_speedups_takes_notebook_functions_and_keeps_the_plans_order():
    def double(x):
        return 2 * x

    found = measure_speedups([("a", double, [1, 2, 3], ["serial", "thread"], [2]),
                              ("b", double, [4], ["serial", "thread"], [1])], repeats=2)
    assert [(h.workload, h.executor, h.workers) for h in found] == [
        ("a", "serial", 1), ("a", "thread", 2), ("b", "serial", 1), ("b", "thread", 1)]
    assert all(h.seconds >= 0 for h in found)


def test_headline_is_a_plain_record_that_plots_with_the_build_label(monkeypatch):
    monkeypatch.setattr("helpers.python_build.build_label", lambda: "Python 9.9 free-threaded, no GIL")
    runs = [Headline("big", "serial", 1, 2.0, 1.0), Headline("big", "thread", 2, 1.0, 2.0)]
    ax = plot_headlines(runs, title="NumPy")
    assert ax.get_title() == "NumPy (Python 9.9 free-threaded, no GIL)"
    assert [t.get_text() for t in ax.texts] == ["2.0x\n2 workers"]  # only the thread bar: no process run here
    plt.close(ax.figure)


def headlines_of(pure_thread=1.0, pure_process=1.9, pillow_thread=1.7, waiting=7.5, cores=2):
    return [Headline(WAITING, "thread", 8, 0.1, waiting), Headline(PURE_PYTHON, "thread", cores, 1, pure_thread),
            Headline(PURE_PYTHON, "process", cores, 1, pure_process), Headline(PILLOW, "thread", cores, 1,
                                                                               pillow_thread)]


def test_a_run_that_shows_the_lessons_pattern_has_no_disagreements():
    assert disagreements(headlines_of(), expected_pattern(gil=True), cores=2) == {}
    assert describe_disagreements({}) == ""


@pytest.mark.parametrize(("changes", "key", "says"), [
    ({"pillow_thread": 0.8}, (PILLOW, "thread"), "clear speed-up is expected"),
    ({"pure_process": 1.05}, (PURE_PYTHON, "process"), "machine looks busy"),
    ({"pure_thread": 1.6}, (PURE_PYTHON, "thread"), "about 1x"),
    ({"pillow_thread": 3.85}, (PILLOW, "thread"), "more than the cores allow"),
    ({"waiting": 1.1}, (WAITING, "thread"), "clear speed-up"),
])
def test_a_run_that_contradicts_the_lesson_is_flagged_with_the_reason(changes, key, says):
    found = disagreements(headlines_of(**changes), expected_pattern(gil=True), cores=2)
    assert list(found) == [key] and says in found[key]
    assert "Run the cell again" in describe_disagreements(found)


def test_waiting_may_go_past_the_cores_and_a_free_threaded_build_expects_threads_to_scale():
    assert disagreements(headlines_of(waiting=7.9), expected_pattern(gil=True), cores=2) == {}
    found = disagreements(headlines_of(pure_thread=1.0), expected_pattern(gil=False), cores=2)
    assert list(found) == [(PURE_PYTHON, "thread")]
    assert disagreements(headlines_of(pure_thread=1.9), expected_pattern(gil=False), cores=2) == {}


def test_one_core_expects_no_computing_speed_up():
    one = headlines_of(pure_process=1.0, pillow_thread=0.95, cores=1)
    assert disagreements(one, expected_pattern(gil=True), cores=1) == {}


def test_the_charts_say_when_their_own_evidence_disagrees():
    flagged = disagreements(headlines_of(pillow_thread=0.8), expected_pattern(gil=True), cores=2)
    ax = plot_decision_chart(headlines_of(pillow_thread=0.8), flagged=flagged)
    red = [t.get_text() for t in ax.texts if t.get_color() == "red"]
    assert len(red) == 1 and "0.8x" in red[0] and "this run disagrees" in red[0]
    plt.close(ax.figure)
    ax = plot_headlines(headlines_of(pillow_thread=0.8), flagged=flagged)
    assert [bar.get_hatch() for bar in ax.patches].count("//") == 1
    assert "disagrees with the lesson: run again" in [t.get_text() for t in ax.get_legend().get_texts()]
    plt.close(ax.figure)


def test_against_the_curve_computes_where_each_point_past_the_cores_lies():
    s = 0.2
    lines = against_the_curve([(1, 1.0), (2, 1.6), (4, amdahl(s, 4) * 0.8), (8, amdahl(s, 8) * 1.01),
                               (16, amdahl(s, 16) * 1.3)], s, cores=2)
    assert len(lines) == 3  # only the points past 2 cores
    assert "below the curve" in lines[0] and "on the curve" in lines[1] and "above the curve" in lines[2]
    assert against_the_curve([(2, 1.8)], s, cores=2) == []


# --- the self-checks: right answers in several styles pass, wrong ones fail with the real reason ---


def amdahl_by_formula(s, n):
    return 1 / (s + (1 - s) / n)


def amdahl_by_times(serial_fraction, workers):
    from fractions import Fraction

    serial_time = Fraction(1)
    parallel_time = serial_time * Fraction(serial_fraction) + serial_time * (1 - Fraction(serial_fraction)) / workers
    return serial_time / parallel_time


@pytest.mark.parametrize(("fn", "ceiling"), [(amdahl_by_formula, 10), (amdahl_by_times, 10.0),
                                             (amdahl_by_formula, 1 / 0.1)])
def test_amdahl_check_passes_right_answers(fn, ceiling):
    assert checks.check_amdahl_answers(fn, ceiling)


@pytest.mark.parametrize(("fn", "ceiling", "hint"), [
    (lambda s, n: n, 10, "Amdahl predicts"),
    (lambda s, n: 1 / s + (1 - s) / n if s else n, 10, "Mind the brackets"),
    (amdahl_by_formula, 9, "ceiling"),
    (amdahl_by_formula, float("nan"), "ceiling"),
    (amdahl_by_formula, "10", "ceiling"),
    (lambda s, n: 1 / 0, 10, "ZeroDivisionError"),
    (None, 10, "define"),
])
def test_amdahl_check_fails_wrong_answers_naming_the_mistake(fn, ceiling, hint):
    said = checks.check_amdahl_answers(fn, ceiling)
    assert not said and hint in repr(said)


def pool_rule(tasks, workers):
    import math

    return max(1, math.ceil(tasks / (4 * workers)))


def eight_per_worker(tasks, workers):
    return max(1, tasks // (workers * 8))


def one_chunk_each(tasks, workers):
    return max(1, tasks // workers)


@pytest.mark.parametrize("answer", [pool_rule, eight_per_worker, lambda t, w: float(max(1, t // (w * 4)))])
def test_chunksize_rule_check_passes_rules_that_balance_and_batch(answer):
    said = checks.check_chunksize_rule(answer)
    assert said and "several chunks" in repr(said)


def test_chunksize_rule_check_passes_one_chunk_per_worker_with_a_note():
    said = checks.check_chunksize_rule(one_chunk_each)
    assert said and "sit idle" in repr(said)


@pytest.mark.parametrize(("answer", "hint"), [
    (lambda tasks, workers: 1, "fixed cost of a trip"),
    (lambda tasks, workers: 100, "some workers get nothing"),
    (lambda tasks, workers: min(100, tasks), "some workers get nothing"),
    (lambda tasks, workers: tasks, "some workers get nothing"),
    (lambda tasks, workers: tasks // (4 * workers), "between 1 and the number of tasks"),
    (lambda tasks, workers: tasks / (4 * workers), "whole number"),
    (lambda tasks, workers: 1 / 0, "ZeroDivisionError"),
    (None, "define"),
])
def test_chunksize_rule_check_fails_wrong_rules_naming_the_mistake(answer, hint):
    said = checks.check_chunksize_rule(answer)
    assert not said and hint in repr(said)


def progress_with_as_completed(executor, work, items, progress):
    futures = {executor.submit(work, item): index for index, item in enumerate(items)}
    results = [None] * len(items)
    for done, future in enumerate(as_completed(futures), start=1):
        results[futures[future]] = future.result()
        progress(done, len(items))
    return results


def progress_with_callbacks(executor, work, items, progress):
    lock = threading.Lock()
    done = [0]
    all_reported = threading.Event()

    def report(_future):
        with lock:
            done[0] += 1
            progress(done[0], len(items))
            if done[0] == len(items):
                all_reported.set()

    futures = [executor.submit(work, item) for item in items]
    for future in futures:
        future.add_done_callback(report)
    all_reported.wait(timeout=30)
    return [future.result(timeout=30) for future in futures]


def callbacks_without_a_lock(executor, work, items, progress):
    done = [0]
    all_reported = threading.Event()

    def report(_future):
        done[0] += 1  # lesson 02's race
        progress(done[0], len(items))
        if done[0] >= len(items):
            all_reported.set()

    futures = [executor.submit(work, item) for item in items]
    for future in futures:
        future.add_done_callback(report)
    all_reported.wait(timeout=5)  # a lost update may leave it unset
    return [future.result(timeout=30) for future in futures]


def callbacks_not_waited_for(executor, work, items, progress):
    lock = threading.Lock()
    done = [0]

    def report(_future):
        with lock:
            done[0] += 1
            progress(done[0], len(items))

    futures = [executor.submit(work, item) for item in items]
    for future in futures:
        future.add_done_callback(report)
    wait(futures, timeout=30)
    return [future.result() for future in futures]


def progress_in_item_order(executor, work, items, progress):
    futures = [executor.submit(work, item) for item in items]
    results = []
    for done, future in enumerate(futures, start=1):
        results.append(future.result())
        progress(done, len(items))
    return results


def progress_with_map(executor, work, items, progress):
    results = []
    for done, result in enumerate(executor.map(work, items), start=1):
        results.append(result)
        progress(done, len(items))
    return results


def results_in_arrival_order(executor, work, items, progress):
    futures = [executor.submit(work, item) for item in items]
    results = []
    for done, future in enumerate(as_completed(futures), start=1):
        results.append(future.result())
        progress(done, len(items))
    return results


def a_pool_of_its_own(executor, work, items, progress):
    with ThreadPoolExecutor(4) as own:
        return progress_with_as_completed(own, work, items, progress)


def returns_futures(executor, work, items, progress):
    futures = [executor.submit(work, item) for item in items]
    for done, _future in enumerate(as_completed(futures), start=1):
        progress(done, len(items))
    return futures


@pytest.mark.parametrize("answer", [progress_with_as_completed, progress_with_callbacks])
def test_progress_check_passes_right_answers_in_any_style(answer):
    assert checks.check_progress_on_any_executor(answer, timeout=2)


@pytest.mark.parametrize(("answer", "hint"), [
    (progress_in_item_order, "as_completed"),
    (callbacks_without_a_lock, "two threads at once"),
    (callbacks_not_waited_for, "after your function had returned"),
    (progress_with_map, "as_completed"),
    (results_in_arrival_order, "not in item order"),
    (a_pool_of_its_own, "executor you were given"),
    (returns_futures, "futures"),
    (lambda executor, work, items, progress: 1 / 0, "ZeroDivisionError"),
    (None, "define"),
])
def test_progress_check_fails_wrong_answers_naming_the_mistake(answer, hint):
    said = checks.check_progress_on_any_executor(answer, timeout=0.5)
    assert not said and hint in repr(said)
    assert not [t for t in threading.enumerate() if t.name.startswith(("checked-pool", "checked-answer"))]


def test_plot_cost_bars_on_a_log_axis_keeps_small_bars_visible():
    ax = plot_cost_bars([Cost("chunksize 1", 1.0), Cost("chunksize 1000", 0.001)], title="t", log=True)
    assert ax.get_xscale() == "log" and ax.get_xlim()[0] < 1.0  # 1 ms, in ms, is inside the axis
    plt.close(ax.figure)
