"""The self-checks of lessons 04-06 judge behaviour: right answers in several styles pass,
plausible wrong ones fail with a hint that names the mistake, and nothing makes a check raise."""

import collections
import gc
import multiprocessing
import queue
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

import pytest

from helpers import checks
from helpers.checks import lesson04
from helpers.checks.bounded import wait_until

# --- lesson 04, exercise 1: a mailbox ---------------------------------------------------------


class GoodMailbox:  # the lesson's answer: a list, one Condition, wait_for, notify
    def __init__(self):
        self.messages, self.changed = [], threading.Condition()

    def put(self, message):
        with self.changed:
            self.messages.append(message)
            self.changed.notify()

    def get(self, timeout):
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


class IfThenPopMailbox(GoodMailbox):  # waits once under an `if`: a reader woken to an empty list pops from it
    def get(self, timeout):
        with self.changed:
            if not self.messages and not self.changed.wait(timeout):  # one wait under an `if`: no re-check
                return None
            return self.messages.pop(0)


class IfThenLookMailbox(GoodMailbox):  # waits once under an `if`, then gives up early when the list is empty
    def put(self, message):
        with self.changed:
            self.messages.append(message)
            self.changed.notify_all()

    def get(self, timeout):
        with self.changed:
            if not self.messages:
                self.changed.wait(timeout)
            return self.messages.pop(0) if self.messages else None


class StubMailbox:  # the exercise cell as given
    def __init__(self):
        self.messages = []

    def put(self, message): ...

    def get(self, timeout=None): ...


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


@pytest.mark.parametrize("answer", [IfThenPopMailbox, IfThenLookMailbox])
def test_mailbox_catches_an_if_every_time_and_names_what_the_woken_reader_did(answer):
    for _ in range(3):  # forced, not lucky: the same verdict every run
        result = checks.check_mailbox(answer)
        assert not result and "found the mailbox empty again" in repr(result), repr(result)
    said = repr(checks.check_mailbox(answer))
    assert ("IndexError" in said) if answer is IfThenPopMailbox else ("returned None at once" in said)


def test_mailbox_notes_what_a_right_answer_could_do_better():
    assert "notify()" in repr(checks.check_mailbox(DequeMailbox))
    assert "queue.Queue" in repr(checks.check_mailbox(QueueMailbox))
    assert "would do" not in repr(checks.check_mailbox(GoodMailbox))


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (StubMailbox, "put must store the message"),
        (SilentMailbox, "notify"),
        (SleepPollingMailbox, "polling"),
        (ShortWaitMailbox, "polling"),
        (NewestFirstMailbox, "oldest"),
        (RestartsItsTimeout, "wait_for"),
        (IfThenPopMailbox, "Re-check the state after every wake-up"),
        (IfThenLookMailbox, "Re-check the state after every wake-up"),
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

    with ThreadPoolExecutor(max_workers=max(1, len(urls))) as pool:
        return list(pool.map(one, urls))


GLOBAL_SLOTS = threading.BoundedSemaphore(2)


def fetch_with_a_global_semaphore(download, urls, limit):  # the semaphore made once, outside; futures by hand
    if not urls:
        return []

    def one(url):
        if not GLOBAL_SLOTS.acquire(timeout=10):
            raise TimeoutError(url)
        try:
            return download(url)
        finally:
            GLOBAL_SLOTS.release()

    with ThreadPoolExecutor(max_workers=len(urls)) as pool:
        futures = [pool.submit(one, url) for url in urls]
        return [f.result(timeout=30) for f in futures]


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


def fetch_unlimited(download, urls, limit):  # no semaphore at all
    with ThreadPoolExecutor(max_workers=len(urls)) as pool:
        return list(pool.map(download, urls))


def fetch_ignores_the_timeout(download, urls, limit):  # one semaphore, but goes ahead when acquire gives up
    slots = threading.Semaphore(limit)

    def one(url):
        got = slots.acquire(timeout=0.01)
        try:
            return download(url)
        finally:
            if got:
                slots.release()

    with ThreadPoolExecutor(max_workers=len(urls)) as pool:
        return list(pool.map(one, urls))


GLOBAL_TOO_BIG = threading.Semaphore(8)


def fetch_with_too_many_permits(download, urls, limit):  # a global semaphore of the wrong size
    def one(url):
        with GLOBAL_TOO_BIG:
            return download(url)

    with ThreadPoolExecutor(max_workers=len(urls)) as pool:
        return list(pool.map(one, urls))


def fetch_breaks_on_no_urls(download, urls, limit):  # right, but ThreadPoolExecutor(max_workers=0) raises
    slots = threading.BoundedSemaphore(limit)

    def one(url):
        with slots:
            return download(url)

    with ThreadPoolExecutor(max_workers=len(urls)) as pool:
        return list(pool.map(one, urls))


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


@pytest.mark.parametrize("answer", [fetch_with_pool, fetch_with_plain_threads, fetch_with_a_global_semaphore])
def test_limited_passes_right_answers_in_any_style(answer):
    result = checks.check_limited(answer)
    assert result, repr(result)


@pytest.mark.parametrize(
    ("answer", "hint", "deadline"),
    [
        (fetch_unlimited, "no semaphore was in use", 10),
        (fetch_semaphore_per_call, "one made inside each call limits nothing", 10),
        (fetch_ignores_the_timeout, "returns False", 10),
        (fetch_with_too_many_permits, "made with 2 permits", 10),
        (fetch_breaks_on_no_urls, "empty list of urls", 10),
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


# --- lesson 05, exercise 1: stop at the sentinel ----------------------------------------------


def consumer_walrus(q, results):  # the lesson's answer
    while True:
        item = q.get(timeout=30)
        try:
            if item is None:
                return
            results.append(item * 2)
        finally:
            q.task_done()


def consumer_iter(q, results):  # iter(callable, sentinel), task_done after each
    for item in iter(q.get, None):
        results.append(item * 2)
        q.task_done()
    q.task_done()  # the sentinel's


def consumer_puts_the_sentinel_back(q, results):  # one sentinel that every consumer passes on
    while True:
        item = q.get()
        if item is None:
            q.task_done()
            q.put(None)
            return
        results.append(2 * item)
        q.task_done()


def consumer_waits_on_through_timeouts(q, results):  # short timeouts, but an empty queue only means "look again"
    while True:
        try:
            item = q.get(timeout=0.5)
        except queue.Empty:
            continue
        try:
            if item is None:
                return
            results.append(item * 2)
        finally:
            q.task_done()


def consumer_stops_at_zero(q, results):  # `while item := ...` stops at the falsy item 0
    while item := q.get():
        results.append(item * 2)
        q.task_done()


def consumer_if_not_item(q, results):  # `if not item` stops at the falsy item 0 too
    while True:
        item = q.get(timeout=30)
        q.task_done()
        if not item:
            return
        results.append(item * 2)


def consumer_gives_up_after_a_second(q, results):  # takes one second of empty queue for the end of the work
    while True:
        try:
            item = q.get(timeout=1)
        except queue.Empty:
            return
        try:
            if item is None:
                return
            results.append(item * 2)
        finally:
            q.task_done()


def consumer_gives_up_after_a_minute(q, results):  # the same mistake with a long timeout: still a quiet stop
    while True:
        try:
            item = q.get(timeout=60)
        except queue.Empty:
            break
        q.task_done()
        if item is None:
            break
        results.append(item * 2)


def consumer_raises_after_a_second(q, results):  # a get timeout too short for a slow producer
    while True:
        item = q.get(timeout=1)
        try:
            if item is None:
                return
            results.append(item * 2)
        finally:
            q.task_done()


def consumer_while_not_empty(q, results):  # loops while the queue has items: stops at the first pause
    while not q.empty():
        item = q.get(timeout=30)
        try:
            if item is not None:
                results.append(item * 2)
        finally:
            q.task_done()


def consumer_never_stops(q, results):
    while True:
        item = q.get()
        q.task_done()
        if item is not None:
            results.append(item * 2)


def consumer_quits_when_empty(q, results):  # takes an empty queue for the end of the work
    while True:
        try:
            item = q.get(timeout=0.05)
        except queue.Empty:
            return
        q.task_done()
        if item is None:
            return
        results.append(item * 2)


def consumer_forgets_task_done(q, results):
    while (item := q.get()) is not None:
        results.append(item * 2)


def consumer_doubles_the_sentinel(q, results):
    while True:
        item = q.get()
        results.append(item * 2)
        q.task_done()
        if item is None:
            return


def consumer_threads():
    return [t for t in threading.enumerate() if t.name.startswith("exercise-consumer")]


@pytest.mark.parametrize("answer", [consumer_walrus, consumer_iter, consumer_puts_the_sentinel_back,
                                    consumer_waits_on_through_timeouts])
def test_stops_at_sentinel_passes_right_answers_in_any_style(answer):
    result = checks.check_stops_at_sentinel(answer)
    assert result, repr(result)
    assert consumer_threads() == []


def test_stops_at_sentinel_notes_a_get_without_timeout_and_a_safety_net_that_fired():
    assert "without a timeout" in repr(checks.check_stops_at_sentinel(consumer_iter))
    assert "without a timeout" not in repr(checks.check_stops_at_sentinel(consumer_walrus))
    assert "safety net" in repr(checks.check_stops_at_sentinel(consumer_walrus))  # its get(timeout=30) was told


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (consumer_stops_at_zero, "`while item := q.get():` is true for 0"),
        (consumer_if_not_item, "`if not item:` is true for 0"),
        (consumer_never_stops, "still asking"),
        (consumer_quits_when_empty, "returned when get(timeout=0.05) raised queue.Empty"),
        (consumer_gives_up_after_a_second, "returned when get(timeout=1) raised queue.Empty"),
        (consumer_gives_up_after_a_minute, "returned when get(timeout=60) raised queue.Empty"),
        (consumer_raises_after_a_second, "raised queue.Empty after only 1 s"),
        (consumer_while_not_empty, "q.empty()"),
        (consumer_forgets_task_done, "task_done"),
        (consumer_doubles_the_sentinel, "raised TypeError"),
        (None, "function itself"),
    ],
)
def test_stops_at_sentinel_fails_wrong_answers_with_the_right_hint(answer, hint):
    result = checks.check_stops_at_sentinel(answer)
    assert not result
    assert hint in repr(result)
    assert consumer_threads() == []  # the patient queue ended every consumer


# --- lesson 05, exercise 2: read, then join ---------------------------------------------------


def collect_in_a_comprehension(q, children):  # the lesson's answer
    items = [q.get(timeout=30) for _ in children]
    for child in children:
        child.join(timeout=30)
    return items


def collect_in_a_loop(q, children):  # no timeouts, a while loop, join in a comprehension
    items = []
    while len(items) < len(children):
        items.append(q.get())
    [child.join() for child in children]
    return items


def collect_and_close(q, children):  # uses more of the Process API: name, pid, exitcode, close()
    items = []
    for _child in children:
        items.append(q.get(timeout=30))
    for child in children:
        child.join(timeout=30)
        assert child.exitcode == 0 and child.name and child.pid and child.sentinel
        child.close()
    return items


def collect_joins_first(q, children):
    for child in children:
        child.join()
    return [q.get() for _ in children]


def collect_one_then_join(q, children):  # reads one item, joins its "own" child: may wait for ever
    items = []
    for child in children:
        items.append(q.get())
        child.join()
    return items


def collect_never_joins(q, children):
    return [q.get() for _ in children]


def collect_too_many(q, children):
    items = [q.get() for _ in range(len(children) + 1)]
    for child in children:
        child.join()
    return items


@pytest.mark.parametrize("answer", [collect_in_a_comprehension, collect_in_a_loop, collect_and_close])
def test_collects_before_joining_passes_right_answers_in_any_style(answer):
    result = checks.check_collects_before_joining(answer)
    assert result, repr(result)
    assert multiprocessing.active_children() == []


def test_collects_before_joining_notes_waits_without_a_timeout():
    assert "without a timeout" in repr(checks.check_collects_before_joining(collect_in_a_loop))
    assert "without a timeout" not in repr(checks.check_collects_before_joining(collect_in_a_comprehension))


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (collect_joins_first, "before reading every item"),
        (collect_one_then_join, "before reading every item"),
        (collect_never_joins, "did not join"),
        (collect_too_many, "exactly len(children)"),
        (lambda q, children: None, "list of the two items"),
        ("collect", "function itself"),
    ],
)
def test_collects_before_joining_fails_wrong_answers_with_the_right_hint(answer, hint):
    result = checks.check_collects_before_joining(answer)
    assert not result
    assert hint in repr(result)
    assert multiprocessing.active_children() == []


# --- lesson 06, exercise 1: a strategy that cannot deadlock ------------------------------------


def left_handed(me, left, right, eat):  # the lesson's answer
    first, second = (right, left) if me == 0 else (left, right)
    with first, second:
        eat()


def left_handed_by_hand(me, left, right, eat):  # acquire/release by hand, in two branches
    if me == 0:
        right.acquire()
        try:
            with left:
                eat()
        finally:
            right.release()
    else:
        left.acquire()
        try:
            with right:
                eat()
        finally:
            left.release()


def left_handed_with_timeouts(me, left, right, eat):  # every fork taken with a timeout; give up and try again
    first, second = (right, left) if me == 0 else (left, right)
    if not first.acquire(timeout=0.5):
        return
    try:
        if second.acquire(timeout=0.5):
            try:
                eat()
            finally:
                second.release()
    finally:
        first.release()


def lowest_first(me, left, right, eat):  # lock order: safe too, but not the exercise's rule
    first, second = (left, right) if left.number < right.number else (right, left)
    with first, second:
        eat()


def polite(me, left, right, eat):  # try-lock with a timeout on the second fork: safe, but 0 is not left-handed
    import random

    with left:
        if right.acquire(timeout=0.005):
            try:
                eat()
            finally:
                right.release()
            return
    time.sleep(random.uniform(0.001, 0.005))


def middle_one_left_handed(me, left, right, eat):  # the odd one out is philosopher 2, not 0
    first, second = (right, left) if me == 2 else (left, right)
    with first, second:
        eat()


TABLE_LOCK = threading.Lock()


def one_at_a_time(me, left, right, eat):  # correct, but one lock for the whole table
    first, second = (right, left) if me == 0 else (left, right)
    with TABLE_LOCK, first, second:
        eat()


def everyone_right_handed(me, left, right, eat):
    with right, left:
        eat()


def naive(me, left, right, eat):
    with left, right:
        eat()


def eats_with_one_fork(me, left, right, eat):
    with left:
        eat()


def never_eats(me, left, right, eat):  # picks up forks in a safe order, but forgets to eat
    first, second = sorted((left, right), key=lambda fork: fork.number)
    with first, second:
        pass


def philosopher_threads():
    return [t for t in threading.enumerate() if t.name.startswith("philosopher")]


@pytest.mark.parametrize("answer", [left_handed, left_handed_by_hand, left_handed_with_timeouts])
def test_no_deadlock_passes_right_answers_in_any_style(answer):
    result = checks.check_no_deadlock(answer)
    assert result, repr(result)
    assert philosopher_threads() == []


def test_no_deadlock_passes_a_safe_but_serial_answer_with_a_note():
    result = checks.check_no_deadlock(one_at_a_time)
    assert result and "only one philosopher ever ate at a time" in repr(result)


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (everyone_right_handed, "deadlock after"),
        (naive, "P0 → P1 → P2 → P3 → P4 → P0"),
        (eats_with_one_fork, "tried to eat"),
        (never_eats, "nobody ate"),
        (lowest_first, "that is lock order"),
        (polite, "philosopher 0 picked up the left fork"),
        (middle_one_left_handed, "philosopher 0 picked up the left fork"),
        (lambda me, left, right, eat: 1 / 0, "ZeroDivisionError"),
        (None, "pass it itself"),
    ],
)
def test_no_deadlock_fails_wrong_answers_with_the_right_hint(answer, hint):
    result = checks.check_no_deadlock(answer)
    assert not result
    assert hint in repr(result)
    assert philosopher_threads() == []


# --- lesson 06, exercise 2: the waiter's seats ----------------------------------------------------


def most_seats(philosophers):  # the lesson's answer
    return philosophers - 1


@pytest.mark.parametrize("answer", [most_seats, lambda n: max(1, n - 1), lambda n: float(len(range(1, n)))])
def test_waiter_seats_passes_right_answers_in_any_style(answer):
    result = checks.check_waiter_seats(answer)
    assert result, repr(result)


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (lambda n: n, "How many must be kept away"),
        (lambda n: n // 2, "1 seat at a table of 3 is safe, but more are"),
        (lambda n: n // 2 + 1 if n > 3 else n - 1, "3 seats at a table of 5 are safe, but more are"),
        (lambda n: n - 2, "nobody eats"),
        (lambda n: "4", "whole number"),
        (lambda n: True, "whole number"),
        (lambda n: n - 1.5, "whole number"),
        (4, "function"),
        (lambda: 4, "raised TypeError"),
    ],
)
def test_waiter_seats_fails_wrong_answers_with_the_right_hint(answer, hint):
    result = checks.check_waiter_seats(answer)
    assert not result
    assert hint in repr(result)


# --- every check, given anything, returns a verdict and never raises -----------------------------

ODD_ANSWERS = [None, 0, "text", object(), lambda *args: 1 / 0, type("Weird", (), {"__init__": lambda self: None})]


@pytest.mark.parametrize("name", ["check_mailbox", "check_limited", "check_stops_at_sentinel",
                                  "check_collects_before_joining", "check_no_deadlock", "check_waiter_seats"])
def test_no_check_raises_whatever_it_is_given(name):
    check = getattr(checks, name)
    for answer in ODD_ANSWERS:
        result = check(answer)
        assert isinstance(result, checks.Verdict) and not result, (name, answer, result)
    assert philosopher_threads() == [] and multiprocessing.active_children() == []


# --- the tools the checks share -------------------------------------------------------------------


def test_call_within_reports_a_value_an_error_or_a_call_still_running():
    from helpers.checks.bounded import call_within

    assert call_within(lambda x: x * 2, 21, seconds=5).value == 42
    failed = call_within(lambda: 1 / 0, seconds=5)
    assert failed.finished and "ZeroDivisionError" in failed.describe_error()
    release = threading.Event()
    slow = call_within(release.wait, 10, seconds=0.05)
    assert not slow.finished and slow.thread.daemon and slow.thread.is_alive()
    release.set()
    slow.thread.join(timeout=5)
    assert slow.finished and slow.value is True


def test_never_raises_turns_a_surprise_into_a_failing_verdict():
    from helpers.checks.bounded import never_raises

    @never_raises
    def fragile(answer):
        return checks.verdict(True, str(1 / answer), "")

    assert fragile(1)
    broken = fragile(0)
    assert isinstance(broken, checks.Verdict) and not broken and "ZeroDivisionError" in repr(broken)


@pytest.mark.parametrize("collector_on", [True, False])
def test_reading_a_threads_frame_pauses_the_collector_and_puts_it_back(monkeypatch, collector_on):
    # sys._current_frames() can hang 3.11 for ever if a collection runs inside it (gh-106883):
    # the mailbox check hung `make test` that way once. The read must run with the collector off,
    # and leave it as it found it.
    seen = []
    real = sys._current_frames

    def spy():
        seen.append(gc.isenabled())
        return real()

    monkeypatch.setattr(sys, "_current_frames", spy)
    was = gc.isenabled()
    (gc.enable if collector_on else gc.disable)()
    try:
        stop = threading.Event()
        waiter = threading.Thread(target=stop.wait, args=(10,), daemon=True)
        waiter.start()
        try:
            assert wait_until(lambda: lesson04._asleep_in_a_condition(waiter), 5.0)
        finally:
            stop.set()
            waiter.join(timeout=5)
        assert seen and not any(seen)
        assert gc.isenabled() is collector_on
    finally:
        (gc.enable if was else gc.disable)()

