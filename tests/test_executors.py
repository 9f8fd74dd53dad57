import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import pytest

from helpers.executors import SerialExecutor, cpu_count, make_executor, map_unordered
from helpers.identity import whoami
from helpers.workloads import count_primes


def test_serial_executor_runs_in_the_calling_thread_and_keeps_order():
    with SerialExecutor() as pool:
        names = list(pool.map(lambda _: threading.current_thread().name, range(3)))
        assert names == [threading.current_thread().name] * 3
        assert list(pool.map(count_primes, [10, 20])) == [4, 8]


def test_serial_executor_hands_exceptions_to_the_future():
    with SerialExecutor() as pool:
        future = pool.submit(count_primes, -1)
    with pytest.raises(ValueError, match="negative"):
        future.result()


def test_serial_executor_refuses_work_after_shutdown():
    pool = SerialExecutor()
    pool.shutdown()
    with pytest.raises(RuntimeError, match="shutdown"):
        pool.submit(count_primes, 10)


@pytest.mark.parametrize(("kind", "cls"), [("thread", ThreadPoolExecutor), ("process", ProcessPoolExecutor)])
def test_make_executor_gives_a_real_pool_with_the_asked_worker_count(kind, cls):
    with make_executor(kind, 3) as pool:
        assert isinstance(pool, cls)
        assert pool._max_workers == 3
        assert list(pool.map(count_primes, [10, 100])) == [4, 25]


def test_process_pool_runs_in_other_processes():
    with make_executor("process", 2) as pool:
        pids = {who.pid for who in pool.map(whoami, range(4))}
    assert whoami().pid not in pids


@pytest.mark.parametrize("method", ["spawn", "forkserver", "fork"])
def test_process_pool_honours_the_start_method(method):
    import multiprocessing

    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"{method} not available here")
    with make_executor("process", 1, start_method=method) as pool:
        assert pool._mp_context.get_start_method() == method
        assert pool.submit(count_primes, 30).result() == 10


@pytest.mark.parametrize(
    ("kind", "workers", "message"), [("bogus", 1, "executor must be"), ("thread", 0, "at least 1")]
)
def test_make_executor_rejects_bad_arguments(kind, workers, message):
    with pytest.raises(ValueError, match=message):
        make_executor(kind, workers)


def test_default_workers_is_the_usable_core_count():
    with make_executor("thread") as pool:
        assert pool._max_workers == cpu_count() >= 1


def test_map_unordered_yields_every_result_once():
    with make_executor("thread", 4) as pool:
        assert sorted(map_unordered(pool, count_primes, [10, 20, 30, 100])) == [4, 8, 10, 25]


@pytest.mark.parametrize(
    ("xoptions", "environ", "ignore_environment", "expected"),
    [
        ({}, {}, False, None),
        ({}, {"PYTHON_CPU_COUNT": "3"}, False, 3),
        ({"cpu_count": "5"}, {"PYTHON_CPU_COUNT": "3"}, False, 5),  # -X wins
        ({"cpu_count": "default"}, {"PYTHON_CPU_COUNT": "3"}, False, None),  # even when it says default
        ({}, {"PYTHON_CPU_COUNT": "default"}, False, None),
        ({}, {"PYTHON_CPU_COUNT": "3"}, True, None),  # python -E ignores the variable
        ({"cpu_count": "4"}, {}, True, 4),
        ({}, {"PYTHON_CPU_COUNT": "0"}, False, None),
        ({}, {"PYTHON_CPU_COUNT": "two"}, False, None),
        ({"cpu_count": True}, {}, False, None),  # "-X cpu_count" without a value
    ],
)
def test_cpu_count_override_follows_python_3_13s_rule(xoptions, environ, ignore_environment, expected):
    from helpers.executors import cpu_count_override

    assert cpu_count_override(xoptions, environ, ignore_environment=ignore_environment) == expected


def test_a_python_started_with_python_cpu_count_counts_that_many_cores():
    # Python 3.13+ reads the variable itself; on 3.11 and 3.12 cpu_count does.
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHON_CPU_COUNT": "3"}
    out = subprocess.run([sys.executable, "-c", "from helpers.executors import cpu_count; print(cpu_count())"],
                         env=env, capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "3"
