import threading
import time

import pytest

from helpers.locks import DeadlockSuspected, TimeoutLock


def test_behaves_like_a_lock_and_records_its_owner():
    lock = TimeoutLock("a", timeout=1)
    with lock:
        assert lock.locked() and lock.owner == threading.current_thread().name
        assert "held by" in repr(lock)
    assert not lock.locked() and lock.owner is None


def test_a_blocking_wait_past_the_timeout_raises_naming_the_holder():
    lock = TimeoutLock("a", timeout=0.2)
    holding, done = threading.Event(), threading.Event()

    def hold():
        with lock:
            holding.set()
            done.wait(5)

    holder = threading.Thread(target=hold, name="holder")
    holder.start()
    holding.wait(5)
    started = time.perf_counter()
    with pytest.raises(DeadlockSuspected, match="held by holder"):
        lock.acquire()
    assert time.perf_counter() - started < 2
    assert lock.acquire(blocking=False) is False
    assert lock.acquire(timeout=0.01) is False
    done.set()
    holder.join()


def test_a_real_deadlock_ends_with_both_threads_free():
    a, b = TimeoutLock("a", 0.3), TimeoutLock("b", 0.3)
    barrier, outcomes = threading.Barrier(2), []

    def take(first, second):
        try:
            with first:
                barrier.wait()
                with second:
                    outcomes.append("ok")
        except DeadlockSuspected:
            outcomes.append("deadlock")

    threads = [threading.Thread(target=take, args=pair) for pair in ((a, b), (b, a))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=5)
    assert not any(t.is_alive() for t in threads)
    assert "deadlock" in outcomes
    assert not a.locked() and not b.locked()


def test_timeout_must_be_positive():
    with pytest.raises(ValueError):
        TimeoutLock("a", timeout=0)
