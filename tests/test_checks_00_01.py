"""Self-checks of lessons 00 and 01."""

from pathlib import Path

from helpers import checks


def test_threads_for_deadline():
    assert checks.check_threads_for_deadline(6)
    assert not checks.check_threads_for_deadline(5)
    assert not checks.check_threads_for_deadline(12)
    assert not checks.check_threads_for_deadline(None)
    assert repr(checks.check_threads_for_deadline(1)).startswith("❌ Not yet. Hint: with 1 thread some")
    assert repr(checks.check_threads_for_deadline(6)).startswith("✅")


def test_counter_after():
    assert checks.check_counter_after(5, 5)
    assert not checks.check_counter_after(5, 10)
    assert not checks.check_counter_after(0, 0)


def test_thumbnail_name_accepts_a_right_answer_and_rejects_the_original_bug():
    assert checks.check_thumbnail_name(lambda f, s: Path("thumbnails") / f"{Path(f).stem}_{s}.jpg")

    def original(infile, size):
        name = infile.rsplit(".", 1)[0]
        return f"thumbnails/{name[name.rfind('/') - 1:]}_{size}.jpg"

    assert not checks.check_thumbnail_name(original)
    assert not checks.check_thumbnail_name(lambda f, s: 1 / 0)
    assert not checks.check_thumbnail_name("not a function")
    assert not checks.check_thumbnail_name(lambda f, s: None)  # the unsolved exercise


def test_cpu_choice():
    assert checks.check_cpu_choice("process", 4, cores=4)
    assert not checks.check_cpu_choice("thread", 4, cores=4)
    assert not checks.check_cpu_choice("process", 8, cores=4)
    assert not checks.check_cpu_choice("process", 2, cores=4)
    assert not checks.check_cpu_choice("process", None, cores=4)


def test_run_on_threads_accepts_a_pool_and_rejects_the_usual_mistakes():
    from concurrent.futures import ThreadPoolExecutor

    def right(task, items, workers):
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(task, items))

    def serial(task, items, workers):
        return [task(item) for item in items]

    def forgets_return(task, items, workers):
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(task, items))

    assert checks.check_run_on_threads(right)
    assert not checks.check_run_on_threads(serial)
    assert not checks.check_run_on_threads(forgets_return)
    assert not checks.check_run_on_threads(None)


