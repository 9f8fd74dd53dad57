"""The self-checks of lessons 04-06 judge behaviour: right answers in several styles pass,
plausible wrong ones fail with a hint that names the mistake, and nothing makes a check raise."""

import collections
import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

import pytest

from helpers import checks

# --- lesson 04, exercise 1: a mailbox ---------------------------------------------------------


class GoodMailbox:  # the lesson's answer: a list, one Condition, wait_for, notify
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


class DequeMailbox:  # __slots__, a deque, a Condition on an explicit Lock, its own loop, notify_all
    __slots__ = ("items", "lock", "ready")

    def __init__(self):
        self.items = collections.deque()
        self.lock = threading.Lock()
        self.ready = threading.Condition(self.lock)

    def put(self, message):
        with self.lock:
            self.items.append(message)
            self.ready.notify_all()

    def get(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        with self.ready:
            while not self.items:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return None
                self.ready.wait(left)
            return self.items.popleft()


class QueueMailbox:  # correct, but lets queue.Queue do the work: passes with a note
    def __init__(self):
        self.q = queue.Queue()

    def put(self, message):
        self.q.put(message)

    def get(self, timeout=None):
        try:
            return self.q.get(timeout=timeout)
        except queue.Empty:
            return None


class SilentMailbox(GoodMailbox):  # forgets to notify: readers sleep until their timeout
    def put(self, message):
        with self.changed:
            self.messages.append(message)


class SleepPollingMailbox:  # polls with a sleep loop instead of waiting on a Condition
    def __init__(self):
        self.messages, self.lock = [], threading.Lock()

    def put(self, message):
        with self.lock:
            self.messages.append(message)

    def get(self, timeout=None):
        deadline = time.monotonic() + (timeout if timeout is not None else 1e9)
        while time.monotonic() < deadline:
            with self.lock:
                if self.messages:
                    return self.messages.pop(0)
            time.sleep(0.01)
        return None


class ShortWaitMailbox(GoodMailbox):  # polls with short waits on the Condition
    def get(self, timeout=None):
        deadline = time.monotonic() + timeout
        with self.changed:
            while not self.messages:
                if time.monotonic() >= deadline:
                    return None
                self.changed.wait(0.02)
            return self.messages.pop(0)


class NewestFirstMailbox(GoodMailbox):
    def get(self, timeout=None):
        with self.changed:
            if not self.changed.wait_for(lambda: self.messages, timeout=timeout):
                return None
            return self.messages.pop()


class RestartsItsTimeout(GoodMailbox):  # waits in a loop: an empty get never returns
    def get(self, timeout=None):
        with self.changed:
            while not self.messages:
                self.changed.wait(timeout)
            return self.messages.pop(0)


class CannotBeMade:
    def __init__(self):
        raise RuntimeError("boom")


def mailbox_threads():
    return [t for t in threading.enumerate() if t.name.startswith("mailbox-reader")]


@pytest.mark.parametrize("answer", [GoodMailbox, DequeMailbox, QueueMailbox])
def test_mailbox_passes_right_answers_in_any_style(answer):
    result = checks.check_mailbox(answer)
    assert result, repr(result)
    assert mailbox_threads() == []


def test_mailbox_notes_what_a_right_answer_could_do_better():
    assert "notify()" in repr(checks.check_mailbox(DequeMailbox))
    assert "queue.Queue" in repr(checks.check_mailbox(QueueMailbox))
    assert "would do" not in repr(checks.check_mailbox(GoodMailbox))


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (SilentMailbox, "notify"),
        (SleepPollingMailbox, "polling"),
        (ShortWaitMailbox, "polling"),
        (NewestFirstMailbox, "oldest"),
        (RestartsItsTimeout, "wait_for"),
        (CannotBeMade, "RuntimeError: boom"),
        (None, "class itself"),
        (42, "class itself"),
        (object, "two methods"),
    ],
)
def test_mailbox_fails_wrong_answers_with_the_right_hint(answer, hint):
    result = checks.check_mailbox(answer)
    assert not result
    assert hint in repr(result)
    time.sleep(0.1)  # a reader the check unblocked finishes
    assert mailbox_threads() == []


# --- lesson 04, exercise 2: at most `limit` downloads at once --------------------------------


def fetch_with_pool(download, urls, limit):
    slots = threading.BoundedSemaphore(limit)

    def one(url):
        with slots:
            return download(url)

    with ThreadPoolExecutor(max_workers=len(urls)) as pool:
        return list(pool.map(one, urls))


def fetch_with_plain_threads(download, urls, limit):  # no pool, acquire/release by hand, results by index
    gate = threading.Semaphore(limit)
    results = [None] * len(urls)

    def one(index, url):
        if not gate.acquire(timeout=10):
            return
        try:
            results[index] = download(url)
        finally:
            gate.release()

    threads = [threading.Thread(target=one, args=(i, url)) for i, url in enumerate(urls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    return results


def fetch_unlimited(download, urls, limit):
    with ThreadPoolExecutor(max_workers=len(urls)) as pool:
        return list(pool.map(download, urls))


def fetch_semaphore_per_call(download, urls, limit):
    def one(url):
        with threading.Semaphore(limit):  # a new semaphore each time: limits nothing
            return download(url)

    with ThreadPoolExecutor(max_workers=len(urls)) as pool:
        return list(pool.map(one, urls))


def fetch_with_small_pool(download, urls, limit):
    with ThreadPoolExecutor(max_workers=limit) as pool:
        return list(pool.map(download, urls))


def fetch_out_of_order(download, urls, limit):
    slots = threading.Semaphore(limit)

    def one(url):
        with slots:
            return download(url)

    with ThreadPoolExecutor(max_workers=len(urls)) as pool:
        return [f.result() for f in as_completed([pool.submit(one, url) for url in urls])][::-1]


def fetch_never_releases(download, urls, limit):
    slots = threading.Semaphore(limit)

    def one(url):
        if not slots.acquire(timeout=3):  # bounded only so this test's threads end
            return None
        return download(url)

    with ThreadPoolExecutor(max_workers=len(urls)) as pool:
        return list(pool.map(one, urls))


@pytest.mark.parametrize("answer", [fetch_with_pool, fetch_with_plain_threads])
def test_limited_passes_right_answers_in_any_style(answer):
    result = checks.check_limited(answer)
    assert result, repr(result)


@pytest.mark.parametrize(
    ("answer", "hint", "deadline"),
    [
        (fetch_unlimited, "ONE semaphore", 10),
        (fetch_semaphore_per_call, "ONE semaphore", 10),
        (fetch_with_small_pool, "one thread per url", 10),
        (fetch_out_of_order, "order of the urls", 10),
        (fetch_never_releases, "release", 1),
        (lambda download, urls, limit: None, "order of the urls", 10),
        (lambda: None, "raised TypeError", 10),
        ("fetch_all", "function itself", 10),
    ],
)
def test_limited_fails_wrong_answers_with_the_right_hint(answer, hint, deadline):
    result = checks.check_limited(answer, deadline=deadline)
    assert not result
    assert hint in repr(result)
