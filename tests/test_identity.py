import multiprocessing
import os
import threading

import pytest

from helpers import identity
from helpers.executors import make_executor


def test_threads_share_the_parents_counter():
    identity.reset_counter()
    with make_executor("thread", 2) as pool:
        list(pool.map(identity.bump, [1] * 5))
    assert identity.read_counter() == 5


@pytest.mark.parametrize(("method", "child_starts_at"), [("fork", 5), ("spawn", 0), ("forkserver", 0)])
def test_a_child_process_bumps_its_own_copy(method, child_starts_at):
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"{method} not available here")
    identity.reset_counter()
    identity.bump(5)
    with make_executor("process", 1, start_method=method) as pool:
        seen = list(pool.map(identity.bump, [1] * 3))
    # fork copies the parent's memory as it was; spawn and forkserver import afresh
    assert seen == [child_starts_at + 1, child_starts_at + 2, child_starts_at + 3]
    assert identity.read_counter() == 5  # the parent's copy did not move


def test_whoami_reports_this_thread_and_process():
    me = identity.whoami()
    assert (me.pid, me.thread_id) == (os.getpid(), threading.get_ident())
    assert str(os.getpid()) in str(me)


def test_bump_waits_for_the_counters_lock_so_no_update_is_lost_even_without_a_gil():
    identity.reset_counter()
    bumper = threading.Thread(target=identity.bump)
    with identity.counter_lock:  # hold the lock: a bump that honours it cannot get through
        bumper.start()
        bumper.join(timeout=0.2)
        assert bumper.is_alive()
        assert identity.read_counter() == 0
    bumper.join(timeout=10)
    assert not bumper.is_alive()
    assert identity.read_counter() == 1
