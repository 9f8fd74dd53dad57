"""Lesson 05's queues: every item once, back-pressure forced, a process pipeline and its join trap."""

import multiprocessing
import queue
import threading
import time

import matplotlib.pyplot as plt
import pytest

from helpers.cleanup import join_or_terminate
from helpers.pipeline import (
    STOP,
    QueueExplorer,
    plot_depth,
    plot_pipeline,
    plot_queue_run,
    put_big_item,
    thumbnail_worker,
    watch_depth,
)
from helpers.thumbnails import make_jobs
from helpers.timeline import Recorder

METHODS = [m for m in ("fork", "spawn", "forkserver") if m in multiprocessing.get_all_start_methods()]

# --- the lesson's thread producer-consumer, as the notebook writes it ----------------------------

recorder = Recorder()


@recorder.traced("make")
def make(n):
    time.sleep(0.002)
    return n


@recorder.traced("use")
def use(item):
    time.sleep(0.004)
    return item * 2


def produce(items, first, count):
    for n in range(first, first + count):
        items.put(make(n), timeout=30)


def consume(items, done, done_lock):
    while True:
        item = items.get(timeout=30)
        try:
            if item is STOP:
                return
            result = use(item)
            with done_lock:
                done.append(result)
        finally:
            items.task_done()


def run_queue(items, producers=2, consumers=2, per_producer=5):
    done, done_lock = [], threading.Lock()
    makers = [threading.Thread(target=produce, args=(items, i * per_producer, per_producer), name=f"producer-{i}")
              for i in range(producers)]
    users = [threading.Thread(target=consume, args=(items, done, done_lock), name=f"consumer-{i}")
             for i in range(consumers)]
    for thread in makers + users:
        thread.start()
    for thread in makers:
        thread.join(timeout=30)
    for _ in users:
        items.put(STOP, timeout=30)
    for thread in users:
        thread.join(timeout=30)
    return done


@pytest.mark.parametrize(("producers", "consumers", "maxsize"), [(1, 1, 1), (2, 3, 5), (4, 1, 0), (3, 2, 2)])
def test_every_item_is_used_exactly_once_and_everyone_stops(producers, consumers, maxsize):
    items = queue.Queue(maxsize=maxsize)
    with watch_depth(items) as depth:
        done = run_queue(items, producers, consumers)
    assert sorted(done) == [2 * n for n in range(producers * 5)]
    assert items.unfinished_tasks == 0  # every get, sentinels too, was marked done
    assert maxsize == 0 or depth.most <= maxsize
    assert not [t for t in threading.enumerate() if t.name.startswith(("producer-", "consumer-", "queue-depth"))]


def fill(items, count, started):
    started.set()
    for n in range(count):
        items.put(n, timeout=10)


@pytest.mark.parametrize(("maxsize", "most"), [(3, 3), (0, 6)])
def test_a_full_queue_makes_put_wait_and_an_unbounded_one_takes_everything(maxsize, most):
    """Back-pressure, forced: no consumer runs until the producer has put all it can."""
    items = queue.Queue(maxsize=maxsize)
    started = threading.Event()
    producer = threading.Thread(target=fill, args=(items, 6, started))
    with watch_depth(items) as depth:
        producer.start()
        started.wait(timeout=5)
        deadline = time.monotonic() + 5
        while items.qsize() < most and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(0.05)
        blocked = producer.is_alive()
        for _ in range(6):
            items.get(timeout=5)
        producer.join(timeout=5)
    assert depth.most == most
    assert blocked == (maxsize > 0)  # the bounded producer was still waiting in put()
    assert not producer.is_alive()


def test_plots_and_the_explorer(monkeypatch):
    items = queue.Queue(maxsize=2)
    recorder.restart()
    with watch_depth(items, origin=recorder.origin) as depth:
        run_queue(items, 3, 1)
    assert [t.get_text() for t in plot_depth(depth).get_legend().get_texts()] == [
        "maxsize 2", "its limit: never above 2"]
    fig = plot_queue_run(recorder, depth)
    assert len(fig.axes) == 2
    assert [t.get_text() for t in fig.axes[1].get_legend().get_texts()] == ["make (a producer)", "use (a consumer)"]
    colours = {bar.get_facecolor() for bar in fig.axes[1].patches}
    assert len(colours) == 2  # one colour per role, not one per item
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda fig: shown.append(fig))
    explorer = QueueExplorer(run_queue, recorder)
    box = explorer.widget()
    box.producers.value, box.consumers.value, box.maxsize.value = 3, 1, 2
    box.button.click()
    assert explorer.last.maxsize == 2 and 0 < explorer.last.most <= 2 and shown
    plt.close("all")


# --- between processes ------------------------------------------------------------------------


def run_pipeline(jobs, workers, context):  # the lesson's wiring, with an explicit start method
    job_queue, result_queue = context.Queue(), context.Queue()
    processes = [context.Process(target=thumbnail_worker, args=(job_queue, result_queue)) for _ in range(workers)]
    for process in processes:
        process.start()
    try:
        for job in jobs:
            job_queue.put(job, timeout=10)
        for _ in processes:
            job_queue.put(STOP, timeout=10)
        return [result_queue.get(timeout=60) for _ in jobs]
    finally:
        stopped = join_or_terminate(processes, timeout=10)
        for q in (job_queue, result_queue):
            q.close()
            if stopped:
                q.cancel_join_thread()
            q.join_thread()


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
    piped = run_pipeline(jobs, 2, multiprocessing.get_context(method))
    results = [result for result, _span in piped]
    assert sorted(r.source for r in results) == sorted(j.source for j in jobs)
    assert {r.source.name for r in results if not r.ok} == {"bad.jpg", "empty.png"}
    assert len(list(out.glob("*.jpg"))) == 5
    spans = [span for _result, span in piped]
    assert all(span.task == r.source.name for r, span in zip(results, spans, strict=True))
    ax = plot_pipeline(piped, origin=min(s.start for s in spans))
    assert ax.get_title() and [t.get_text() for t in ax.get_legend().get_texts()] == [
        "thumbnails made", "a file that could not be read"]
    plt.close("all")
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("method", METHODS)
def test_joining_before_reading_waits_every_time(method):
    """The trap, forced: the child has surely put its item when the parent joins."""
    context = multiprocessing.get_context(method)
    q, put_done = context.Queue(), context.Event()
    child = context.Process(target=put_big_item, args=(q, 4, put_done))
    child.start()
    try:
        assert put_done.wait(timeout=60)
        child.join(timeout=0.5)
        assert child.is_alive()  # it cannot exit: its item is stuck in the pipe
        assert len(q.get(timeout=30)) == 4 * 1024 * 1024
        child.join(timeout=30)
        assert child.exitcode == 0
    finally:
        join_or_terminate([child])
        q.close()
        q.join_thread()
