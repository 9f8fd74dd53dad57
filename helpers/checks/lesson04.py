"""Self-checks for lesson 04, Condition and Semaphore.

Each judges what the exercise asks for, however it is written: a mailbox whose
readers sleep on a Condition until a message arrives (not a loop that wakes up
to look) and check again after every wake-up, and a download function that never
lets more than ``limit`` run at once while using one thread per url.
"""

from __future__ import annotations

import contextlib
import gc
import queue
import sys
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

from helpers.checks.bounded import call_within, never_raises, wait_until
from helpers.checks.verdict import Verdict, verdict
from helpers.i18n import _

__all__ = ["check_limited", "check_mailbox"]

WAIT_CODE = threading.Condition.wait.__code__


def _attributes(obj: Any) -> list[Any]:
    """The values of ``obj``'s attributes, whether kept in ``__dict__`` or in ``__slots__``."""
    values = list(getattr(obj, "__dict__", {}).values())
    for klass in type(obj).__mro__:
        for name in getattr(klass, "__slots__", ()):
            if isinstance(name, str) and hasattr(obj, name):
                values.append(getattr(obj, name))
    return values


def _conditions_of(obj: Any) -> list[threading.Condition]:
    return [v for v in _attributes(obj) if isinstance(v, threading.Condition)]


class _Counted:
    """Counts calls of a Condition's ``wait`` and ``notify_all`` on one instance, then puts them back."""

    def __init__(self, conditions: list[threading.Condition]) -> None:
        self.conditions = conditions
        self.waits = 0
        self.notify_alls = 0
        self._lock = threading.Lock()

    def __enter__(self) -> _Counted:
        for condition in self.conditions:
            wait, notify_all = condition.wait, condition.notify_all

            def counted_wait(timeout: float | None = None, _wait: Callable[..., bool] = wait) -> bool:
                with self._lock:
                    self.waits += 1
                return _wait(timeout)

            def counted_notify_all(_notify_all: Callable[[], None] = notify_all) -> None:
                with self._lock:
                    self.notify_alls += 1
                _notify_all()

            condition.wait = counted_wait  # type: ignore[method-assign]
            condition.notify_all = counted_notify_all  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: Any) -> None:
        for condition in self.conditions:
            vars(condition).pop("wait", None)
            vars(condition).pop("notify_all", None)


def _frame_of(ident: int) -> Any:
    """The frame ``ident``'s thread is running now, read with the collector paused.

    On 3.11, ``sys._current_frames()`` holds the runtime's thread-list lock while it
    allocates; a garbage collection started by that allocation can free a
    ``threading.local``, whose clean-up takes the same lock, and the process hangs
    for ever (CPython gh-106883, fixed in 3.12 and not backported). A learner's earlier
    answers leave such garbage behind, so pause the collector if it is running.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        return sys._current_frames().get(ident)
    finally:
        if was_on:
            gc.enable()


def _asleep_in_a_condition(thread: threading.Thread) -> bool:
    """Whether ``thread`` is, right now, inside ``Condition.wait`` (directly or via Queue, Event...)."""
    frame = _frame_of(thread.ident) if thread.ident is not None else None
    while frame is not None:
        if frame.f_code is WAIT_CODE:
            return True
        frame = frame.f_back
    return False


@never_raises
def check_mailbox(cls: Any) -> Verdict:
    """Exercise 04.1: readers of ``get(timeout)`` sleep on a Condition until ``put`` wakes them."""
    if not callable(cls):
        return verdict(False, "", _("pass your class itself: check_mailbox(Mailbox)."))
    made = call_within(cls, seconds=2)
    if not made.finished or made.error:
        return verdict(False, "", _("creating a Mailbox failed: {error}").format(error=made.describe_error() or
                                                                               _("it never returned")))
    box = made.value
    if not (callable(getattr(box, "put", None)) and callable(getattr(box, "get", None))):
        return verdict(False, "", _("a Mailbox needs two methods, put(message) and get(timeout)."))

    # 1. One reader, messages already there: the oldest comes out first.
    for n in (1, 2, 3):
        put = call_within(box.put, n, seconds=2)
        if not put.finished or put.error:
            return verdict(False, "", _("put({n}) failed: {error}").format(
                n=n, error=put.describe_error() or _("it never returned")))
    got = [call_within(box.get, 1.0, seconds=3) for _n in range(3)]
    if not all(g.finished for g in got):
        return verdict(False, "", _("get(timeout=1.0) with messages waiting never returned."))
    if any(g.error for g in got):
        first = next(g for g in got if g.error)
        return verdict(False, "", _("get raised {error}").format(error=first.describe_error()))
    if all(g.value is None for g in got):
        return verdict(False, "", _("after put(1), put(2), put(3), get returned None three times: put must store "
                                    "the message, and get take out the oldest one."))
    if [g.value for g in got] != [1, 2, 3]:
        return verdict(False, "", _("after put(1), put(2), put(3), three gets returned {got}: get must return the "
                                    "oldest message first (pop(0) or a deque's popleft(), not pop()).")
                       .format(got=[g.value for g in got]))

    # 2. An empty mailbox: get sleeps on a Condition (not a polling loop) and returns None at its timeout.
    conditions = _conditions_of(box)
    with _Counted(conditions) as counted:
        started = time.perf_counter()
        reader = call_within(box.get, 1.0, seconds=0, name="mailbox-reader")
        samples = []
        for _n in range(10):
            time.sleep(0.05)
            if not reader.finished:
                samples.append(_asleep_in_a_condition(reader.thread))
        reader.thread.join(timeout=4)
        waited = time.perf_counter() - started
        early_waits = counted.waits
    if not reader.finished:
        call_within(box.put, "wake up", seconds=1)  # let the stuck reader return, so no thread is left behind
        return verdict(False, "", _("get(timeout=1.0) on an empty mailbox had not returned after 4 s. A loop around "
                                    "wait(timeout) starts the full timeout again each time round: use "
                                    "wait_for(predicate, timeout), which counts down the time left."))
    if reader.error:
        return verdict(False, "", _("get on an empty mailbox raised {error}: return None when nothing arrived in "
                                    "time.").format(error=reader.describe_error()))
    if reader.value is not None or waited < 0.9:
        return verdict(False, "", _("on an empty mailbox get(timeout=1.0) returned {value!r} after {seconds:.2f} s; "
                                    "it should wait about 1 s and then return None.")
                       .format(value=reader.value, seconds=waited))
    if samples and (sum(samples) < len(samples) / 2 or early_waits > 4):
        return verdict(False, "", _("while it waited, your get kept waking up to look again (polling: a sleep or a "
                                    "short wait in a loop). Sleep on the Condition for all the time left "
                                    "(wait_for does it) and let put's notify wake the reader."))

    # 3. Two readers asleep, one message, and both woken (as notify_all would): the one that finds
    #    the mailbox empty again must go back to sleep, not fall through an `if`.
    woken = _woken_to_an_empty_mailbox(box, conditions)
    if woken is not None:  # a failing Verdict is false: test for None
        return woken

    # 4. Two readers already asleep, ten messages: each message read once, and promptly.
    readers = [call_within(_read_until_stop, box, seconds=0, name=f"mailbox-reader-{i}") for i in range(2)]
    time.sleep(0.1)  # both readers are asleep on the empty mailbox now
    with _Counted(conditions) as counted:
        for n in [*range(10), STOP, STOP]:  # one STOP per reader, after the ten messages
            put = call_within(box.put, n, seconds=2)
            if not put.finished or put.error:
                return verdict(False, "", _("put failed while readers waited: {error}").format(
                    error=put.describe_error() or _("it never returned")))
            time.sleep(0.002)
        last_put = time.perf_counter()
        for r in readers:
            r.thread.join(timeout=5)
        late = time.perf_counter() - last_put
        notify_alls = counted.notify_alls
    if any(not r.finished for r in readers):
        for _n in range(20):  # unblock readers that are still asleep, so no thread is left behind
            call_within(box.put, STOP, seconds=1)
        return verdict(False, "", _("two readers were waiting and ten messages were put, but the readers were still "
                                    "waiting 5 s later: does put notify the Condition?"))
    if any(r.error for r in readers):
        return verdict(False, "", _("get raised {error}").format(error=next(r for r in readers if r.error)
                                                                 .describe_error()))
    received = [m for r in readers for m in r.value]
    if None in received:
        return verdict(False, "", _("a reader's get(timeout=3) returned None although messages were being put: it "
                                    "slept through them. Does put notify the waiting readers?"))
    if late > 1.5:
        return verdict(False, "", _("the readers got their messages {seconds:.1f} s after the last put: they slept "
                                    "through it. Does put notify the waiting readers?").format(seconds=late))
    if sorted(received) != list(range(10)):
        return verdict(False, "", _("two readers should get the ten messages 0-9 once each, but got {got}: take a "
                                    "message out while holding the Condition's lock.")
                       .format(got=sorted(map(repr, received))))

    praise = _("the oldest message comes first, an empty get sleeps and gives up at its timeout, and ten messages "
               "reached two waiting readers once each.")
    if any(isinstance(v, queue.Queue) for v in _attributes(box)):
        praise += " " + _("(queue.Queue does all this for you: lesson 05. Here the point was to build it with a "
                          "Condition.)")
    elif notify_alls:
        praise += " " + _("notify() would do here: any reader can take any message, so waking one per message is "
                          "enough; notify_all() wakes every reader to find one message.")
    return verdict(True, praise, "")


STOP = "stop reading"  # the check's own sentinel: each reader stops at the first one it gets
READER_TIMEOUT = 5.0  # seconds each reader of the wake-up test waits in get; far longer than the test needs


def _woken_to_an_empty_mailbox(box: Any, conditions: list[threading.Condition]) -> Verdict | None:
    """Two readers asleep, one message, both woken: a failing Verdict if the loser does not wait on.

    The interleaving is forced, not hoped for: both readers are asleep in
    ``Condition.wait`` before the message is put, and the check itself then calls
    ``notify_all()`` on the mailbox's Condition (what a ``put`` that uses
    ``notify_all`` does anyway). Exactly one reader can have the message; the
    other has been woken to an empty mailbox, the "stolen" or "spurious" wake-up
    of the lesson. A ``while`` loop or ``wait_for`` sends it back to sleep (its
    ``wait`` is called a third time); an ``if`` lets it run on, to return None
    long before its timeout or to pop from an empty list. Without a Condition
    attribute (a ``queue.Queue`` inside) there is nothing to wake, and the test
    is skipped.
    """
    if not conditions:
        return None
    with _Counted(conditions) as counted:
        started = time.monotonic()
        readers = [call_within(box.get, READER_TIMEOUT, seconds=0, name=f"mailbox-reader-{i}") for i in range(2)]
        wait_until(lambda: counted.waits >= 2 or any(r.finished for r in readers), 2.0)
        wait_until(lambda: all(r.finished or _asleep_in_a_condition(r.thread) for r in readers), 2.0)
        if any(r.finished for r in readers):  # a reader returned on an empty mailbox: phase 2 judges that
            return None
        put = call_within(box.put, "only one", seconds=2)
        if not put.finished or put.error:
            call_within(box.put, "wake up", seconds=1)
            return verdict(False, "", _("put failed while two readers waited: {error}").format(
                error=put.describe_error() or _("it never returned")))
        for condition in conditions:
            with condition:
                condition.notify_all()
        # The winner returns; the loser either waits again (a third wait) or runs on and returns too.
        wait_until(lambda: sum(r.finished for r in readers) == 2 or
                    (counted.waits >= 3 and any(r.finished for r in readers)), READER_TIMEOUT - 0.5)
        finished = [r for r in readers if r.finished]
        in_time = time.monotonic() - started < READER_TIMEOUT - 0.5  # else a None may be an honest timeout
    if len(finished) < 2:  # the loser went back to sleep: give it a message of its own
        call_within(box.put, "the second", seconds=2)
    for r in readers:
        r.thread.join(timeout=READER_TIMEOUT + 1)
    if len(finished) < 2:
        return None
    loser = next((r for r in finished if r.error or r.value != "only one"), None)
    if loser is None or (loser.error is None and not in_time):
        return None
    what = (_("raised {error}").format(error=loser.describe_error()) if loser.error
            else _("returned {value!r} at once").format(value=loser.value))
    return verdict(False, "", _("two readers were asleep in get({timeout:g}); one message came and both were woken "
                                "(as notify_all() does). The reader that found the mailbox empty again {what}, "
                                "instead of waiting on. Re-check the state after every wake-up: wait in a `while` "
                                "loop, or with wait_for, not once under an `if`.")
                   .format(timeout=READER_TIMEOUT, what=what))


def _read_until_stop(box: Any) -> list[Any]:
    """Read messages until STOP; a None (a timed-out get) is kept, for the verdict to report."""
    got = []
    while (message := box.get(3.0)) != STOP:
        got.append(message)
        if message is None:
            break
    return got


def _semaphores_alive(ignore: Any) -> list[threading.Semaphore]:
    """Every ``threading.Semaphore`` (or ``BoundedSemaphore``) alive now, except those in ``ignore``.

    A thread pool keeps a semaphore of its own (its idle-thread count), so those
    are left out too. Used once, after a check has found too many downloads at
    once, to tell "no semaphore at all" from "a new one in each call".
    """
    from concurrent.futures import ThreadPoolExecutor

    objects = gc.get_objects()
    pools = {id(getattr(o, "_idle_semaphore", None)) for o in objects if isinstance(o, ThreadPoolExecutor)}
    return [o for o in objects if isinstance(o, threading.Semaphore) and o not in ignore and id(o) not in pools]


def _semaphores_named_by(fn: Any) -> list[threading.Semaphore]:
    """Semaphores that ``fn`` (or a function nested in it) names as a global or holds in its closure.

    A semaphore made before the check ran (a global of the notebook) is not
    "new", but it is the learner's all the same.
    """
    names: set[str] = set()
    codes = [getattr(fn, "__code__", None)]
    while codes:
        code = codes.pop()
        if code is not None:
            names.update(code.co_names)
            codes.extend(c for c in code.co_consts if hasattr(c, "co_names"))
    namespace = getattr(fn, "__globals__", {})
    values = [namespace[n] for n in names if n in namespace]
    for cell in getattr(fn, "__closure__", None) or ():
        with contextlib.suppress(ValueError):  # a cell not filled yet
            values.append(cell.cell_contents)
    return [v for v in values if isinstance(v, threading.Semaphore)]


def _too_many_at_once(peak: int, limit: int, semaphores: list[threading.Semaphore] | None) -> Verdict:
    """The hint for ``peak > limit``, naming what the census of semaphores found while downloads ran."""
    if not semaphores:
        return verdict(False, "", _("{peak} downloads ran at once; the limit is {limit}. Nothing limited them: no "
                                    "semaphore was in use while they ran. Make one BoundedSemaphore({limit}) "
                                    "before starting the pool, and have every download acquire it (with a "
                                    "timeout) and release it.").format(peak=peak, limit=limit))
    if len(semaphores) > 1:
        return verdict(False, "", _("{peak} downloads ran at once; the limit is {limit}. {count} semaphores were "
                                    "alive at that moment: one made inside each call limits nothing. Share ONE "
                                    "semaphore of {limit}, made before the pool starts, between all the downloads.")
                       .format(peak=peak, limit=limit, count=len(semaphores)))
    return verdict(False, "", _("{peak} downloads ran at once; the limit is {limit}, and your one semaphore let them "
                                "through. Does each download wait for its permit? acquire(timeout=...) returns False "
                                "when the time runs out, and then the download must not go ahead. And was the "
                                "semaphore made with {limit} permits?").format(peak=peak, limit=limit))


@never_raises
def check_limited(fn: Any, limit: int = 2, deadline: float = 10.0) -> Verdict:
    """Exercise 04.2: ``fn(download, urls, limit)`` never runs more than ``limit`` downloads at once."""
    if not callable(fn):
        return verdict(False, "", _("define fetch_all(download, urls, limit) and pass the function itself."))
    running, peak, calls, lock, threads = [0], [0], [0], threading.Lock(), set()
    census: list[list[threading.Semaphore]] = []  # taken once, when more than `limit` first run at once
    before = weakref.WeakSet(_semaphores_alive(()))

    def download(url: str) -> str:
        with lock:
            threads.add(threading.current_thread())  # the object, not its id: ids are reused
            calls[0] += 1
            running[0] += 1
            peak[0] = max(peak[0], running[0])
            count_now = running[0] > limit and not census
            if count_now:
                census.append([])
        if count_now:
            alive = _semaphores_alive(before)
            census[0] = alive + [v for v in _semaphores_named_by(fn) if v not in alive]
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return url.upper()

    urls = [f"img{n}" for n in range(8)]
    outcome = call_within(fn, download, urls, limit, seconds=deadline, name="fetch-all")
    if not outcome.finished:
        return verdict(False, "", _("no answer after {seconds:g} s: is every acquire matched by a release "
                                    "(use `with`, or try/finally)?").format(seconds=deadline))
    if outcome.error:
        return verdict(False, "", _("your function raised {error}").format(error=outcome.describe_error()))
    got = outcome.value
    with contextlib.suppress(TypeError):  # a map iterator or a tuple is fine too
        got = list(got)
    if got != [u.upper() for u in urls]:
        return verdict(False, "", _("return the downloads' results as a list in the order of the urls; got {got!r}.")
                       .format(got=got))
    if calls[0] != len(urls):
        return verdict(False, "", _("download was called {calls} times for {urls} urls: call it once per url.")
                       .format(calls=calls[0], urls=len(urls)))
    if peak[0] > limit:
        return _too_many_at_once(peak[0], limit, census[0] if census else None)
    if len(threads) < len(urls):
        return verdict(False, "", _("{threads} threads did the {urls} downloads: use one thread per url, so that "
                                    "the semaphore, not the number of threads, does the limiting.")
                       .format(threads=len(threads), urls=len(urls)))
    empty = call_within(fn, download, [], limit, seconds=deadline, name="fetch-all")
    nothing = empty.value
    with contextlib.suppress(TypeError):
        nothing = list(nothing)
    if not empty.finished or empty.error or nothing != []:
        found = (empty.describe_error() if empty.error else _("no answer") if not empty.finished else repr(nothing))
        return verdict(False, "", _("with an empty list of urls, fetch_all should return [], but got {got}. "
                                    "(ThreadPoolExecutor(max_workers=0) raises ValueError: ask for at least one "
                                    "thread, or return [] at once when there is nothing to fetch.)")
                       .format(got=found))
    return verdict(True, _("{urls} downloads on {urls} threads, never more than {limit} at once; no urls, no "
                           "downloads.").format(urls=len(urls), limit=limit), "")
