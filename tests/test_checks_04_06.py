"""The self-checks of lessons 04-06 pass right answers and catch the usual wrong ones."""

import queue
import threading
from concurrent.futures import ThreadPoolExecutor

from helpers import checks


class GoodMailbox:
    def __init__(self):
        self.messages, self.changed = [], threading.Condition()

    def put(self, message):
        with self.changed:
            self.messages.append(message)
            self.changed.notify()

    def get(self, timeout=None):
        with self.changed:
            if not self.changed.wait_for(lambda: self.messages, timeout=timeout):
                return None
            return self.messages.pop(0)


class SilentMailbox(GoodMailbox):  # forgets to notify: readers sleep on
    def put(self, message):
        with self.changed:
            self.messages.append(message)


def test_mailbox():
    assert checks.check_mailbox(GoodMailbox)
    silent = checks.check_mailbox(SilentMailbox)
    assert not silent and "notify" in repr(silent)


def test_limited():
    def right(download, urls, limit):
        slots = threading.Semaphore(limit)

        def one(url):
            with slots:
                return download(url)

        with ThreadPoolExecutor(max_workers=len(urls)) as pool:
            return list(pool.map(one, urls))

    def unlimited(download, urls, limit):
        with ThreadPoolExecutor(max_workers=len(urls)) as pool:
            return list(pool.map(download, urls))

    def serial(download, urls, limit):
        return [download(u) for u in urls]

    assert checks.check_limited(right)
    assert not checks.check_limited(unlimited)
    assert not checks.check_limited(serial)


def test_stops_at_sentinel():
    def right(q, results):
        while (item := q.get()) is not None:
            results.append(item * 2)

    def never_stops(q, results):
        while True:
            item = q.get()
            if item is not None:
                results.append(item * 2)

    assert checks.check_stops_at_sentinel(right)
    assert not checks.check_stops_at_sentinel(never_stops)


def test_collects_before_joining():
    def right(q, children):
        items = [q.get() for _ in children]
        for child in children:
            child.join()
        return items

    def joins_first(q, children):
        for child in children:
            child.join()
        return [q.get() for _ in children]

    assert checks.check_collects_before_joining(right)
    wrong = checks.check_collects_before_joining(joins_first)
    assert not wrong and "before reading" in repr(wrong)


def test_fork_order():
    assert checks.check_fork_order(lambda p, left, right: (min(left, right), max(left, right)))
    assert checks.check_fork_order(lambda p, left, right: (right, left) if p == 0 else (left, right))
    assert not checks.check_fork_order(lambda p, left, right: (left, right))
    assert not checks.check_fork_order(lambda p, left, right: (left, left))


def test_waiter_seats():
    assert checks.check_waiter_seats(4)
    assert not checks.check_waiter_seats(5)
    assert not checks.check_waiter_seats(2)
    assert not checks.check_waiter_seats(None)


def test_patient_queue_style_helpers_do_not_leak():
    assert queue.Queue  # the checks above left nothing behind
    assert [t for t in threading.enumerate() if t.name.startswith("philosopher")] == []


def test_lesson_04_checks_cannot_hang_and_want_the_semaphore_to_limit():
    import threading
    from concurrent.futures import ThreadPoolExecutor

    class RestartsItsTimeout(GoodMailbox):  # waits in a loop: an empty get never returns
        def get(self, timeout=None):
            with self.changed:
                while not self.messages:
                    self.changed.wait(timeout)
                return self.messages.pop(0)

    stuck = checks.check_mailbox(RestartsItsTimeout)
    assert not stuck and "wait_for" in repr(stuck)

    def pool_of_limit(download, urls, limit):
        with ThreadPoolExecutor(max_workers=limit) as pool:
            return list(pool.map(download, urls))

    def never_releases(download, urls, limit):
        slots = threading.Semaphore(limit)

        def one(url):
            # Forgets to release. (For this test's sake the waiting ends after 3 s: pool threads
            # stuck for ever would keep the test process from exiting.)
            if not slots.acquire(timeout=3):
                return None
            return download(url)

        with ThreadPoolExecutor(max_workers=len(urls)) as pool:
            return list(pool.map(one, urls))

    assert not checks.check_limited(pool_of_limit)
    hung = checks.check_limited(never_releases, deadline=1.0)
    assert not hung and "release" in repr(hung)
