import multiprocessing

import pytest

from helpers.measure import (
    PER_TASK,
    Point,
    Run,
    TracedRun,
    call_and_put,
    execute,
    item_seconds,
    measure,
    median_run,
    point_from,
    pool_startup_seconds,
    run_process_per_task,
    run_traced,
    summarize,
    table,
)
from helpers.workloads import count_primes, wait_for


@pytest.mark.parametrize("kind", ["serial", "thread", "process", PER_TASK])
def test_execute_returns_results_in_item_order_on_every_executor(kind):
    assert execute(count_primes, [100, 10, 30], kind, 2) == [25, 4, 10]


def test_process_per_task_starts_one_process_per_item_and_joins_them():
    from helpers.identity import whoami

    identities = run_process_per_task(whoami, range(3))
    assert len({who.pid for who in identities}) == 3
    assert multiprocessing.active_children() == []


def test_process_per_task_passes_a_worker_error_to_the_caller():
    with pytest.raises(ValueError, match="negative"):
        run_process_per_task(count_primes, [10, -1])
    assert multiprocessing.active_children() == []


def test_process_per_task_gives_up_on_a_silent_child():
    with pytest.raises(TimeoutError):
        run_process_per_task(wait_for, [3], timeout=0.5)
    assert multiprocessing.active_children() == []


def test_call_and_put_answers_with_the_result_or_with_the_error():
    import queue

    answers = queue.Queue()
    call_and_put(answers, 4, count_primes, 10)
    call_and_put(answers, 5, count_primes, -1)
    assert answers.get(timeout=1) == (4, 4)
    index, error = answers.get(timeout=1)
    assert index == 5 and isinstance(error, ValueError)


def traced_run(seconds, item_times=()):
    from helpers.timeline import Span

    spans = [Span(str(i), 1, "t", 0.0, t, i) for i, t in enumerate(item_times)]
    return TracedRun("thread", 2, seconds, [], spans, 0.0)


def test_median_run_picks_the_typical_run_not_the_lucky_or_unlucky_one():
    runs = [traced_run(5.0), traced_run(1.0), traced_run(2.0)]
    assert median_run(runs).seconds == 2.0
    assert median_run(runs[:2]).seconds == 1.0  # even count: the faster of the middle two
    with pytest.raises(ValueError):
        median_run([])


def test_item_seconds_is_each_items_median_over_the_runs():
    runs = [traced_run(1, [1.0, 10.0]), traced_run(1, [3.0, 20.0]), traced_run(1, [2.0, 90.0])]
    assert item_seconds(runs) == {0: 2.0, 1: 20.0}


def test_measure_times_every_setting_for_every_repeat():
    runs = measure(count_primes, [200] * 3, executors=["serial", "thread", PER_TASK], workers=[1, 2], repeats=2)
    settings = sorted({(r.executor, r.workers) for r in runs})
    assert settings == [("process-per-task", 3), ("serial", 1), ("thread", 1), ("thread", 2)]
    assert len(runs) == 4 * 2
    assert all(r.seconds > 0 and r.tasks == 3 for r in runs)


@pytest.mark.parametrize(("kwargs", "message"), [({"repeats": 0}, "repeats"), ({"executors": ["gpu"]}, "executor")])
def test_measure_rejects_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        measure(count_primes, [10], **kwargs)


def test_summarize_takes_medians_and_divides_the_serial_median():
    runs = [
        Run("serial", 1, 0, 4.0, 8), Run("serial", 1, 1, 6.0, 8), Run("serial", 1, 2, 100.0, 8),
        Run("thread", 2, 0, 3.0, 8), Run("thread", 2, 1, 3.0, 8), Run("thread", 2, 2, 1.0, 8),
    ]
    points = {(p.executor, p.workers): p for p in summarize(runs)}
    assert points["serial", 1].seconds == 6.0 and points["serial", 1].speedup == 1.0
    assert points["thread", 2].seconds == 3.0 and points["thread", 2].speedup == 2.0
    assert points["thread", 2].runs == 3


def test_summarize_needs_a_baseline():
    with pytest.raises(ValueError, match="serial"):
        summarize([Run("thread", 2, 0, 1.0, 1)])


def test_run_traced_and_point_from():
    run = run_traced(wait_for, [0.05, 0.05], "thread", 2)
    assert run.results == [0.05, 0.05] and len(run.spans) == 2 and run.workers == 2
    point = point_from(run, reference_seconds=run.seconds * 2)
    assert point.speedup == pytest.approx(2.0)


def test_table_lists_points_in_executor_then_worker_order():
    text = table([Point("thread", 2, 0.5, 2.0, 3), Point("serial", 1, 1.0, 1.0, 3), Point("thread", 1, 1.0, 1.0, 3)])
    rows = text.splitlines()[2:]
    assert [r.split("|")[1].strip() + r.split("|")[2].strip() for r in rows] == [
        "serial1", "thread pool1", "thread pool2"]  # the names a learner reads, as in the plot's legend
    assert "2.00x" in rows[2]


@pytest.mark.parametrize(("kind", "workers", "shown"), [
    ("serial", 1, "serial"),
    ("thread", 1, "thread pool, 1 worker"),
    ("process", 4, "process pool, 4 workers"),
    ("process-per-task", 12, "one process per task (12 processes)"),  # processes, not workers
])
def test_a_setting_is_shown_by_its_name_and_only_the_count_it_has(kind, workers, shown):
    from helpers.measure import setting_label

    assert setting_label(kind, workers) == shown


def test_executor_names_are_shown_in_chinese_in_the_chinese_edition(monkeypatch):
    from helpers import i18n
    from helpers.measure import executor_label, setting_label

    monkeypatch.setattr(i18n, "_language", i18n.CHINESE)
    assert [executor_label(k) for k in ("serial", "thread", "process")] == ["串行", "线程池", "进程池"]
    assert setting_label("thread", 2) == "线程池，2 个工作者"
    assert "serial" not in table([Point("serial", 1, 1.0, 1.0, 3)])


def test_pool_startup_seconds_is_positive_and_leaves_no_process():
    assert pool_startup_seconds("spawn", workers=1, repeats=1) > 0
    assert multiprocessing.active_children() == []


def test_map_traced_keeps_item_order_and_names_each_pools_workers():
    from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

    from helpers.identity import whoami
    from helpers.measure import map_traced

    here = map_traced(None, count_primes, [100, 10])
    assert (here.executor, here.workers, here.results) == ("serial", 1, [25, 4])
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="w") as pool:
        threads = map_traced(pool, whoami, [0.05] * 4)
    assert (threads.executor, threads.workers) == ("thread", 2)
    assert {span.thread for span in threads.spans} == {who.thread_name for who in threads.results}
    assert [span.index for span in threads.spans] == [0, 1, 2, 3]
    with ProcessPoolExecutor(max_workers=2) as pool:
        processes = map_traced(pool, count_primes, [100, 10, 30])
    assert (processes.executor, processes.workers, processes.results) == ("process", 2, [25, 4, 10])
    assert all(span.start >= processes.origin for span in processes.spans)
    assert multiprocessing.active_children() == []


def test_forkserver_workers_start_with_what_the_server_preloaded():
    # Behaviour, not timing: a preloaded server's workers find helpers.thumbnails
    # already imported; without preloading, the server (started by `python -c`,
    # which has no main script) imports nothing of the course.
    import json
    import subprocess
    import sys

    if "forkserver" not in multiprocessing.get_all_start_methods():
        pytest.skip("no forkserver here")
    script = (
        "import json, sys, multiprocessing\n"
        "from concurrent.futures import ProcessPoolExecutor\n"
        "context = multiprocessing.get_context('forkserver')\n"
        "context.set_forkserver_preload(json.loads(sys.argv[1]))\n"
        "with ProcessPoolExecutor(1, mp_context=context) as pool:\n"
        "    print(pool.submit(eval, \"'helpers.thumbnails' in __import__('sys').modules\").result())\n"
    )
    seen = {}
    for preload in ([], ["helpers.thumbnails"]):
        out = subprocess.run([sys.executable, "-c", script, json.dumps(preload)], capture_output=True, text=True,
                             timeout=120, check=True)
        seen[bool(preload)] = out.stdout.strip()
    assert seen == {False: "False", True: "True"}


def test_startup_in_fresh_python_times_each_pool_and_refuses_preload_without_forkserver():
    from helpers.measure import startup_in_fresh_python

    times = startup_in_fresh_python("spawn", workers=1, pools=2)
    assert len(times) == 2 and all(t > 0 for t in times)
    with pytest.raises(ValueError, match="forkserver"):
        startup_in_fresh_python("spawn", preload=["helpers.thumbnails"])
