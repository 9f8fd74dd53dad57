"""Self-checks of lessons 00 and 01: right answers in several styles pass, plausible wrong ones fail
with a hint that names the real mistake, and no input makes a check raise."""

import math
import os
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path, PurePosixPath

import pytest

from helpers import checks


def hint(v) -> str:
    return repr(v)


# --- lesson 00, exercise 1 ----------------------------------------------------------------


@pytest.mark.parametrize("answer", [6, 12 // 2, math.ceil(12 / 2)])
def test_threads_for_deadline_right_answers(answer):
    assert checks.check_threads_for_deadline(answer)


def test_threads_for_deadline_a_numpy_integer_is_a_whole_number_too():
    numpy = pytest.importorskip("numpy")
    assert checks.check_threads_for_deadline(numpy.int64(6))


@pytest.mark.parametrize(("answer", "words"), [
    (5, "run 3 waits in a row (0.6 s)"),
    (1, "with 1 thread some thread must run 12 waits"),
    (12, "fewer do too"),
    ("6", "the text '6'"),
    (6.0, "a float"),
    (None, "replace None"),
    (True, "whole number"),
    (0, "at least 1"),
])
def test_threads_for_deadline_wrong_answers_name_the_mistake(answer, words):
    result = checks.check_threads_for_deadline(answer)
    assert not result and words in hint(result)


# --- lesson 00, exercise 2 ----------------------------------------------------------------


def test_counter_after_right_answers():
    assert checks.check_counter_after(5, 5)
    assert checks.check_counter_after(10 // 2, 2 + 3)


@pytest.mark.parametrize(("threads", "processes", "words"), [
    (5, 10, "its own copy"),
    (0, 0, "share its memory"),
    (0, 5, "share its memory"),
    (5, 0, "reset only once"),
    (1, 1, "each of the 5 bumps"),
    ("5", 5, "the text '5'"),
    (None, None, "replace None"),
])
def test_counter_after_wrong_answers_name_the_mistake(threads, processes, words):
    result = checks.check_counter_after(threads, processes)
    assert not result and words in hint(result)


# --- lesson 01, exercise 1 ----------------------------------------------------------------


def right_with_a_with_block(task, items, workers):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(task, items))


def right_with_submit_and_an_explicit_shutdown(task, items, workers):
    pool = ThreadPoolExecutor(workers)
    try:
        futures = [pool.submit(task, item) for item in items]
        return [future.result() for future in futures]
    finally:
        pool.shutdown()


def right_with_plain_threads(task, items, workers):
    results = [None] * len(items)
    lock = threading.Lock()
    next_index = iter(range(len(items)))

    def worker():
        while True:
            with lock:
                index = next(next_index, None)
            if index is None:
                return
            results[index] = task(items[index])

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


@pytest.mark.parametrize("answer", [right_with_a_with_block, right_with_submit_and_an_explicit_shutdown])
def test_run_on_threads_right_answers(answer):
    result = checks.check_run_on_threads(answer)
    assert result and "pool shut down" in hint(result)


def test_run_on_threads_plain_threads_pass_with_a_note_on_the_pool():
    result = checks.check_run_on_threads(right_with_plain_threads)
    assert result and "ThreadPoolExecutor does the same" in hint(result)


def never_shuts_down(task, items, workers):
    pool = ThreadPoolExecutor(max_workers=workers)  # the pool is garbage-collected on return
    return list(pool.map(task, items))


def returns_the_map_iterator(task, items, workers):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return pool.map(task, items)


def serial(task, items, workers):
    return [task(item) for item in items]


def forgets_return(task, items, workers):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(task, items))


def as_completed_order(task, items, workers):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return [f.result() for f in as_completed([pool.submit(task, item) for item in items])]


def ignores_workers(task, items, workers):
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(task, items))


def one_thread_per_item(task, items, workers):
    results = [None] * len(items)

    def run(index):
        results[index] = task(items[index])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(items))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


LET_GO = threading.Event()


def leaves_threads_running(task, items, workers):
    threading.Thread(target=LET_GO.wait, args=(30,), name="left-behind").start()  # never joined
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(task, items))


@pytest.mark.parametrize(("answer", "words"), [
    (never_shuts_down, "never shut down"),
    (returns_the_map_iterator, "an iterator"),
    (serial, "in the thread that called your function"),
    (forgets_return, "returned None"),
    (ignores_workers, "max_workers=workers"),
    (one_thread_per_item, "4 threads you started yourself, for 4 items"),  # no pool to pass max_workers to
    (as_completed_order, "in the order of the items"),
    (lambda task, items, workers: 1 / 0, "ZeroDivisionError"),
    (lambda task, items, workers: tuple(right_with_a_with_block(task, items, workers)), "a tuple"),
    (None, "define a function `run_on_threads"),
])
def test_run_on_threads_wrong_answers_name_the_mistake(answer, words):
    result = checks.check_run_on_threads(answer)
    assert not result and words in hint(result)


def test_run_on_threads_catches_a_thread_left_running():
    try:
        result = checks.check_run_on_threads(leaves_threads_running)
    finally:
        LET_GO.set()
    assert not result and "still running" in hint(result)
    for t in threading.enumerate():
        if t.name == "left-behind":
            t.join(timeout=5)


def test_run_on_threads_puts_the_class_back_and_leaves_no_pool_running():
    before = ThreadPoolExecutor.__init__
    checks.check_run_on_threads(never_shuts_down)
    assert ThreadPoolExecutor.__init__ is before
    assert [t for t in threading.enumerate() if t.name.startswith("ThreadPoolExecutor")] == []


# --- lesson 01, exercise 2 ----------------------------------------------------------------


@pytest.mark.parametrize(("executor", "workers", "cores"), [
    ("process", 4, 4),
    ("process", 2, 2),
    ("serial", None, 1),  # one core: nothing runs in parallel
    ("serial", 1, 1),
])
def test_cpu_choice_right_answers(executor, workers, cores):
    assert checks.check_cpu_choice(executor, workers, cores=cores, gil=True)


def test_cpu_choice_correct_but_worse_on_one_core_passes_with_a_note():
    result = checks.check_cpu_choice("process", 1, cores=1, gil=True)
    assert result and "serial code is as fast" in hint(result)


def test_cpu_choice_threads_are_right_on_a_free_threaded_build_without_the_gil():
    assert checks.check_cpu_choice("thread", 4, cores=4, gil=False)
    assert checks.check_cpu_choice("process", 4, cores=4, gil=False)
    assert not checks.check_cpu_choice("thread", 4, cores=4, gil=True)


@pytest.mark.parametrize(("executor", "workers", "words"), [
    ("thread", 4, "holds the GIL"),
    ("Process", 4, "'process', in lower case"),
    ("process", "4", "the text '4'"),
    ("process", 8, "take turns"),
    ("process", 2, "with 2 workers, some cores stay idle"),
    ("process", 1, "with 1 worker, some cores stay idle"),
    ("process", None, "replace None"),
    ("serial", 1, "this machine has 4"),
    ("gpu", 4, "must be one of"),
    (None, None, "must be one of"),
])
def test_cpu_choice_wrong_answers_name_the_mistake(executor, workers, words):
    result = checks.check_cpu_choice(executor, workers, cores=4, gil=True)
    assert not result and words in hint(result)


def test_cpu_choice_threads_with_the_gil_says_what_a_busy_plot_meant():
    result = checks.check_cpu_choice("thread", 2, cores=2, gil=True)
    assert not result and "other programs were using the cores" in hint(result)


def test_cpu_choice_on_one_core_more_workers_only_take_turns():
    result = checks.check_cpu_choice("process", 2, cores=1, gil=True)
    assert not result and "take turns" in hint(result)


# --- lesson 01, exercise 3 ----------------------------------------------------------------


def with_pathlib(infile, size):
    return Path("thumbnails") / f"{Path(infile).stem}_{size}.jpg"


def with_os_path(infile, size):
    name = os.path.splitext(os.path.basename(infile))[0]
    return os.path.join("thumbnails", f"{name}_{size}.jpg")


def with_a_pure_path_string(infile, size):
    return f"thumbnails/{PurePosixPath(infile).stem}_{size}.jpg"


@pytest.mark.parametrize("answer", [with_pathlib, with_os_path, with_a_pure_path_string])
def test_thumbnail_name_right_answers(answer):
    assert checks.check_thumbnail_name(answer)


def original(infile, size):
    name = infile.rsplit(".", 1)[0]
    return f"thumbnails/{name[name.rfind('/') - 1:]}_{size}.jpg"


def keeps_the_extension(infile, size):
    path = Path(infile)
    return f"thumbnails/{path.stem}_{size}{path.suffix}"


def keeps_the_whole_name(infile, size):
    return f"thumbnails/{Path(infile).name}_{size}.jpg"


def keeps_the_folder(infile, size):
    path = Path(infile)
    return str(Path("thumbnails") / path.parent / f"{path.stem}_{size}.jpg")


@pytest.mark.parametrize(("answer", "words"), [
    (original, "Part of the source's folder stays in the path ('s')"),
    (keeps_the_folder, "Part of the source's folder stays in the path ('images')"),
    (keeps_the_extension, "ends in `.jpg`, whatever the source's extension (.JPG)"),
    (keeps_the_whole_name, "extension must not stay in the name"),
    (lambda f, s: f"thumbnails/{Path(f).name.split('.')[0]}_{s}.jpg", "cut at its first dot"),
    (lambda f, s: 1 / 0, "ZeroDivisionError"),
    ("not a function", "define a function `thumbnail_name"),
    (lambda f, s: None, "`return` its answer"),
])
def test_thumbnail_name_wrong_answers_name_the_mistake(answer, words):
    result = checks.check_thumbnail_name(answer)
    assert not result and words in hint(result)


# --- no input makes a check raise ---------------------------------------------------------


@pytest.mark.parametrize("odd", [object(), float("nan"), [], {}, -1, 10**100, b"6", Path("x")])
def test_no_check_raises_whatever_it_is_given(odd):
    for call in (
        lambda: checks.check_threads_for_deadline(odd),
        lambda: checks.check_counter_after(odd, odd),
        lambda: checks.check_cpu_choice(odd, odd, cores=2, gil=True),
        lambda: checks.check_cpu_choice("process", odd, cores=2, gil=True),
        lambda: checks.check_thumbnail_name(odd),
        lambda: checks.check_run_on_threads(odd),
    ):
        assert not call()
