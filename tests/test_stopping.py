"""Lesson 03's picture of stopping workers: the record and its drawing."""

import threading
import time

import matplotlib.pyplot as plt

from helpers.stopping import StopRun, plot_stops


def tick_until(stop, ticks, interval):  # the lesson's worker
    while not stop.is_set():
        ticks.append(time.perf_counter())
        stop.wait(interval)


def test_a_run_reads_how_long_the_worker_took_to_stop():
    run = StopRun("w", 0.0, [0.0, 0.4], asked=0.5, ended=0.8)
    assert abs(run.delay - 0.3) < 1e-9
    assert str(run) == "w: 2 ticks, ended 300 ms after being asked to stop"
    assert str(StopRun("w", 0.0, [0.0], 0.5, 0.6)).startswith("w: 1 tick,")
    assert "still running" in str(StopRun("w", 0.0, [], 0.5, 2.5, still_running=True))


def test_a_worker_waiting_on_the_event_stops_at_once_when_asked():
    stop, ticks = threading.Event(), []
    thread = threading.Thread(target=tick_until, args=(stop, ticks, 10))
    thread.start()
    stop.set()
    thread.join(timeout=5)  # without the Event it would sleep 10 s
    assert not thread.is_alive() and len(ticks) == 1


def test_the_plot_has_a_row_per_worker_and_explains_its_marks():
    runs = [StopRun("wait", 0.0, [0.0, 0.4], 0.5, 0.5), StopRun("sleep", 0.0, [0.0, 0.4], 0.5, 0.8)]
    ax = plot_stops(runs)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["wait", "sleep"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a tick", "stop.set()",
                                                                   "worker ended (join returned)"]
    assert ax.get_xlim()[1] > 0.8
    request, end = next(line for line in ax.get_lines() if line.get_color() == "tab:red"), ax.get_lines()[0]
    assert request.get_zorder() > end.get_zorder()  # a worker that ends at once does not hide the request
    plt.close(ax.figure)
