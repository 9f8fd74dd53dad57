import threading

import pytest

from helpers.cleanup import check_nothing_left, leftovers, snapshot


def test_a_new_running_thread_is_reported_until_it_ends():
    before = snapshot()
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, name="left-behind")
    thread.start()
    try:
        assert any("left-behind" in item for item in leftovers(before, grace=0.1))
        with pytest.raises(RuntimeError, match="left-behind"):
            check_nothing_left(before)
    finally:
        stop.set()
        thread.join()
    assert check_nothing_left(before).startswith("Clean")


def test_library_threads_that_live_for_the_process_are_not_counted(tmp_path):
    from tqdm import tqdm

    before = snapshot()
    with open(tmp_path / "bar.txt", "w") as sink, tqdm(total=1, file=sink) as bar:
        bar.update()
    assert any(type(t).__name__ == "TMonitor" for t in threading.enumerate())  # it really is running
    assert leftovers(before, grace=0.1) == []


def test_join_or_terminate_stops_a_stuck_child_and_reports_it():
    import multiprocessing
    import time

    from helpers.cleanup import join_or_terminate

    quick = multiprocessing.Process(target=time.sleep, args=(0,))
    stuck = multiprocessing.Process(target=time.sleep, args=(60,))
    quick.start()
    stuck.start()
    assert join_or_terminate([quick, stuck], timeout=0.5) == [stuck]
    assert multiprocessing.active_children() == []
