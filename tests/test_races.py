"""Lesson 02's race harness. Every race here is forced (a Barrier, or a sleep that gives up the
GIL between the read and the write), so no test depends on how busy the machine is."""

import sys
import threading
import time

import pytest

from helpers.python_build import gil_enabled
from helpers.races import RaceResult, forcing_a_switch_in_one, key_steps, loss_text, one, race


def add_in_place(counter, times):
    for _ in range(times):
        counter.value += 1


def add_with_a_call(counter, times):
    for _ in range(times):
        counter.value = counter.value + one()


def add_in_lockstep(barrier):
    """Both threads read, then both write: every round loses exactly one update."""

    def add(counter, times):
        for _ in range(times):
            value = counter.value
            barrier.wait(timeout=10)
            counter.value = value + 1
            barrier.wait(timeout=10)

    return add


def test_a_forced_interleaving_loses_exactly_one_update_per_round():
    result = race(add_in_lockstep(threading.Barrier(2)), threads=2, times=50)
    assert (result.expected, result.got, result.lost) == (100, 50, 50)


def test_a_lock_around_a_forced_interleaving_loses_nothing():
    lock = threading.Lock()

    def add_with_a_lock(counter, times):
        for _ in range(times):
            with lock:
                value = counter.value
                time.sleep(0)
                counter.value = value + 1

    assert race(add_with_a_lock, threads=4, times=500).lost == 0


def test_one_pauses_only_while_a_check_forces_the_race():
    assert one() == 1
    with forcing_a_switch_in_one(0.0) as forcing:
        assert race(add_with_a_call, threads=2, times=10).expected == 20
        assert forcing.calls == 20
    with forcing_a_switch_in_one(0.001):
        assert race(add_with_a_call, threads=4, times=50).lost > 0  # 1 ms without the GIL in every window
    assert one() == 1


@pytest.mark.skipif(not gil_enabled(), reason="without the GIL, += loses updates")
def test_in_place_add_loses_nothing_with_the_gil():
    # Not luck: CPython 3.10+ has no check point between the read and the write of `+=`.
    assert race(add_in_place, threads=4, times=20_000, switch_interval=1e-5).lost == 0


def test_in_place_add_counts_correctly_when_alone():
    assert race(add_in_place, threads=1, times=1000).lost == 0


def test_the_switch_interval_is_restored_even_after_an_error():
    before = sys.getswitchinterval()
    race(add_in_place, threads=2, times=10, switch_interval=1e-4)
    assert sys.getswitchinterval() == before

    def broken(counter, times):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):  # raised in the caller, not lost in a thread
        race(broken, threads=2, times=1, switch_interval=1e-4)
    assert sys.getswitchinterval() == before
    with pytest.raises(ValueError):
        race(add_in_place, threads=0)


def test_a_race_that_never_ends_is_reported_not_waited_for():
    release = threading.Event()

    def stuck(counter, times):
        release.wait(10)

    with pytest.raises(TimeoutError):
        race(stuck, threads=1, times=1, timeout=0.2)
    release.set()


def test_results_read_the_same_way_everywhere():
    assert loss_text(400_000, 100_000) == "expected 400,000, got 100,000: lost 300,000 (75%)"
    assert loss_text(10, 10) == "expected 10, got 10: lost 0"
    assert str(RaceResult("add_in_place", 4, 10, 10)).split() == ["add_in_place", "expected", "10,", "got",
                                                                  "10:", "lost", "0"]


def test_key_steps_show_read_add_write_and_mark_the_check_points():
    steps = key_steps(add_in_place).splitlines()
    assert any("LOAD_ATTR" in line for line in steps) and any("STORE_ATTR" in line for line in steps)
    assert not any("range" in line for line in steps)
    marked = [line for line in steps if "switch" in line]
    assert marked and all("JUMP_BACKWARD" in line for line in marked)  # none between the read and the write
    with_call = key_steps(add_with_a_call).splitlines()
    read = next(i for i, line in enumerate(with_call) if "LOAD_ATTR" in line)
    write = next(i for i, line in enumerate(with_call) if "STORE_ATTR" in line)
    assert any("CALL" in line and "switch" in line for line in with_call[read:write])
