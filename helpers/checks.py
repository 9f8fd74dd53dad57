"""Self-checks for the exercises: each returns a Verdict, true or false, shown as one line.

They never raise, so "Run All Cells" goes on past an unsolved exercise; the hidden
solution cells ``assert`` them, so the tests fail if a solution stops working.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from helpers.executors import cpu_count


class Verdict:
    """True or false, shown as one line: what a self-check cell displays."""

    def __init__(self, ok: bool, message: str) -> None:
        self.ok = ok
        self.message = message

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        return self.message


def verdict(ok: bool, praise: str, hint: str) -> Verdict:
    return Verdict(ok, f"✅ {praise}" if ok else f"❌ Not yet. Hint: {hint}")


# --- lesson 00 ------------------------------------------------------------------------


def threads_for_deadline(workers: Any, tasks: int = 12, seconds: float = 0.2, deadline: float = 0.5) -> Verdict:
    """Exercise 00.1: the fewest threads that finish ``tasks`` waits before ``deadline``."""
    if not isinstance(workers, int) or workers < 1:
        return verdict(False, "", "set `workers` to a whole number of threads, at least 1.")
    rounds = math.ceil(tasks / workers)  # each thread runs its share of waits one after another
    needed = next(w for w in range(1, tasks + 1) if math.ceil(tasks / w) * seconds < deadline)
    if workers == needed:
        return verdict(True, f"{workers} threads: {rounds} rounds of {seconds} s each, under {deadline} s.", "")
    if workers > needed:
        return verdict(False, "", f"{workers} threads work, but fewer do too: find the smallest number.")
    threads = "thread" if workers == 1 else "threads"
    return verdict(False, "", f"with {workers} {threads} some thread must run {rounds} waits in a row "
                              f"({rounds * seconds:.1f} s). How many rounds fit in {deadline} s?")


def counter_after(after_threads: Any, after_processes: Any, bumps: int = 5) -> Verdict:
    """Exercise 00.2: the parent's counter after bumps run in threads, then in processes."""
    ok = after_threads == bumps and after_processes == bumps
    if after_threads != bumps:
        hint = "threads share their process's memory: each bump changes the one `counter`."
    else:
        hint = "a worker process bumps its own copy of `counter`; the parent's copy does not move."
    return verdict(ok, "threads changed the parent's counter; processes changed only their own copies.", hint)


# --- lesson 01 ------------------------------------------------------------------------

PATH_CASES = {
    "images/foo.jpg": "thumbnails/foo_32.jpg",
    "images/more/Kite.JPG": "thumbnails/Kite_32.jpg",
    "holiday photos/beach.png": "thumbnails/beach_32.jpg",
    "cat.jpeg": "thumbnails/cat_32.jpg",
}


def thumbnail_name(fn: Callable[[str, int], Any]) -> Verdict:
    """Exercise 01.1: a fixed version of the original tutorial's output-name code."""
    if not callable(fn):
        return verdict(False, "", "define a function `thumbnail_name(infile, size)`.")
    for infile, expected in PATH_CASES.items():
        try:
            got = fn(infile, 32)
        except Exception as exc:
            return verdict(False, "", f"thumbnail_name({infile!r}, 32) raised {type(exc).__name__}: {exc}")
        if not isinstance(got, str | Path):
            return verdict(False, "", f"thumbnail_name({infile!r}, 32) gave {got!r}, not a path. "
                                      "Does your function `return` its answer?")
        if Path(got).as_posix() != expected:
            return verdict(False, "", f"thumbnail_name({infile!r}, 32) gave {Path(got).as_posix()!r}, "
                                      f"expected {expected!r}. Try pathlib's `.stem`.")
    return verdict(True, "every case gives the right name.", "")


def cpu_choice(executor: Any, workers: Any, cores: int | None = None) -> Verdict:
    """Exercise 01.2: the executor, and the fewest workers at full speed, for pure-Python work."""
    cores = cores or cpu_count()
    if executor != "process":
        return verdict(False, "", "pure-Python work holds the GIL: only one thread runs it at a time.")
    if not isinstance(workers, int) or workers < cores:
        return verdict(False, "", f"this machine has {cores} usable cores; with fewer workers some stay idle.")
    if workers > cores:
        return verdict(False, "", f"{workers} workers run no faster than {cores}: they take turns on {cores} cores. "
                                  "What is the smallest number at full speed?")
    return verdict(True, f"processes, one per core ({cores}): more would only take turns.", "")


def run_on_threads(fn: Callable[..., Any]) -> Verdict:
    """Exercise 01.1: ``fn(task, items, workers)`` runs ``task`` over ``items`` on a thread pool."""
    from helpers.cleanup import leftovers, snapshot
    from helpers.identity import whoami
    from helpers.workloads import count_primes

    if not callable(fn):
        return verdict(False, "", "define a function `run_on_threads(task, items, workers)`.")
    before = snapshot()
    try:
        primes = fn(count_primes, [100, 10, 1000], 2)
        who = fn(whoami, [0.05] * 4, 2)
    except Exception as exc:
        return verdict(False, "", f"your function raised {type(exc).__name__}: {exc}")
    if primes is None or who is None:
        return verdict(False, "", "your function returned None: `return` the list of results.")
    if list(primes) != [25, 4, 168]:
        return verdict(False, "", f"results should come back in the order of the items: got {list(primes)}. "
                                  "`pool.map` keeps the order; `as_completed` does not.")
    threads = {w.thread_name for w in who}
    if "MainThread" in threads or len(threads) != 2:
        return verdict(False, "", f"the work ran on {sorted(threads)}; expected 2 pool threads. "
                                  "Use ThreadPoolExecutor(max_workers=workers).")
    if leftovers(before, grace=1.0):
        return verdict(False, "", "the pool's threads are still running: use `with ThreadPoolExecutor(...) as pool:`.")
    return verdict(True, "two pool threads did the work, results in order, pool shut down.", "")


# --- lesson 02 ------------------------------------------------------------------------


LOCK_TYPES = (type(threading.Lock()), type(threading.RLock()))


def _holds_a_lock(obj: Any) -> bool:
    from helpers.locks import TimeoutLock

    return any(isinstance(v, (*LOCK_TYPES, TimeoutLock, threading.Condition)) for v in vars(obj).values())


def safe_counter(cls: Any, threads: int = 8, times: int = 5_000, deadline: float = 10.0) -> Verdict:
    """Exercise 02.1: a counter class whose ``increment`` loses nothing between threads.

    Bounded: the workers are daemon threads sharing one deadline, so an answer that
    never releases its lock costs ``deadline`` seconds, not a hung kernel.
    """
    import sys
    import time

    try:
        counter = cls()
    except Exception as exc:
        return verdict(False, "", f"creating your counter raised {type(exc).__name__}: {exc}")

    def work() -> None:
        for _ in range(times):
            counter.increment()

    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often, so an unprotected update is caught
    try:
        workers = [threading.Thread(target=work, daemon=True, name=f"counter-{i}") for i in range(threads)]
        for w in workers:
            w.start()
        end = time.monotonic() + deadline
        for w in workers:
            w.join(timeout=max(0.0, end - time.monotonic()))
    finally:
        sys.setswitchinterval(previous)
    if any(w.is_alive() for w in workers):
        return verdict(False, "", f"the threads were still stuck after {deadline:g} s: is the lock released after "
                                  "each increment (use `with`)? A plain Lock cannot be taken twice by one thread.")
    expected, got = threads * times, getattr(counter, "value", None)
    if got != expected:
        return verdict(False, "", f"{threads} threads x {times} increments should make {expected}, got {got}. "
                                  "Create a threading.Lock in __init__ and hold it (`with`) around the update.")
    if not _holds_a_lock(counter):
        return verdict(False, "", "no update was lost this time, but the counter holds no lock: it was luck "
                                  "(section 5). Keep `one()` and protect the update with a lock.")
    return verdict(True, f"{expected} increments from {threads} threads, none lost.", "")


def _audited_account_class() -> type:
    from helpers.bank import SlowAccount

    class Audited(SlowAccount):
        partner: SlowAccount | None = None

        def __init__(self, name: str, balance: int) -> None:
            super().__init__(name, balance)
            self.violations: list[str] = []

        @property
        def balance(self) -> int:
            return SlowAccount.balance.fget(self)

        @balance.setter
        def balance(self, value: int) -> None:
            me = threading.current_thread().name
            held = [acc.name for acc in (self, self.partner) if acc is not None and acc.lock.owner == me]
            if len(held) < 2:
                self.violations.append(f"{self.name}.balance was changed holding only {held or 'no'} lock(s)")
            self._balance = value

    return Audited


def transfer(fn: Callable[..., Any], rounds: int = 40) -> Verdict:
    """Exercise 02.2: transfers in both directions at once neither lose money nor deadlock.

    First one transfer alone (does it move the right amount the right way?), then
    clerks in both directions in different numbers, so that mistakes cannot
    cancel out, on accounts that note any change made without both locks held.
    """

    from helpers.bank import SlowAccount
    from helpers.locks import DeadlockSuspected

    if not callable(fn):
        return verdict(False, "", "define a function `transfer(source, target, amount)`.")
    a, b = SlowAccount("a", 1000), SlowAccount("b", 1000)
    try:
        fn(a, b, 5)
    except Exception as exc:
        return verdict(False, "", f"transfer(a, b, 5) raised {type(exc).__name__}: {exc}")
    if (a._balance, b._balance) != (995, 1005):
        return verdict(False, "", f"after transfer(a, b, 5) alone, a={a._balance} and b={b._balance}; "
                                  "expected a=995, b=1005.")
    if a.lock.locked() or b.lock.locked():
        return verdict(False, "", "after one transfer a lock is still held: release it (use `with`).")
    audited = _audited_account_class()
    a, b = audited("a", 1000), audited("b", 1000)
    a.partner, b.partner = b, a
    start_line = threading.Barrier(3)
    problems: list[str] = []

    def clerk(source: SlowAccount, target: SlowAccount) -> None:
        start_line.wait(timeout=10)
        try:
            for _ in range(rounds):
                fn(source, target, 1)
        except DeadlockSuspected as exc:
            problems.append(f"deadlock: {exc}")
        except Exception as exc:
            problems.append(f"{type(exc).__name__}: {exc}")

    clerks = [threading.Thread(target=clerk, args=pair, name=f"clerk-{i}", daemon=True)
              for i, pair in enumerate([(a, b), (b, a), (a, b)])]
    for c in clerks:
        c.start()
    for c in clerks:
        c.join(timeout=30)
    if any(c.is_alive() for c in clerks):
        return verdict(False, "", "the transfers did not finish in 30 s.")
    if problems:
        hint = ("two clerks each hold one account's lock and wait for the other's: take the two locks "
                "in the same order every time (say, by account name)." if problems[0].startswith("deadlock")
                else "your transfer raised an error.")
        return verdict(False, "", f"{problems[0]} -- {hint}")
    expected = (1000 - rounds, 1000 + rounds)  # two clerks a -> b, one b -> a, 1 each
    if (a._balance, b._balance) != expected:
        return verdict(False, "", f"balances are a={a._balance}, b={b._balance}, expected a={expected[0]}, "
                                  f"b={expected[1]}: updates were lost. Hold both accounts' locks during the transfer.")
    if a.violations or b.violations:
        return verdict(False, "", f"{(a.violations + b.violations)[0]}: while one account is changed, another "
                                  "thread could see the money in neither account. Hold both locks for the "
                                  "whole transfer, not one after the other.")
    return verdict(True, f"{3 * rounds} transfers both ways at once: no money lost, no deadlock.", "")


# --- lesson 03 ------------------------------------------------------------------------

REPORT_LINES = 10
# Exercise 03.1's program as given; the lesson shows the same text for the learner to change.
REPORT_WRITER = r'''
import sys
import threading
import time


def write_report(path):
    with open(path, "w") as report:
        for line in range(1, 11):
            report.write(f"line {line}: half written... ")
            report.flush()
            time.sleep(0.05)
            report.write("done\n")
            report.flush()


writer = threading.Thread(target=write_report, args=(sys.argv[1],), daemon=True)
writer.start()
time.sleep(0.2)
print("main: done")
'''


def report_is_complete(script: Any, timeout: float = 20) -> Verdict:
    """Exercise 03.1: the report-writing script, run as a real program, writes every line whole."""
    import subprocess
    import sys
    import tempfile

    if not isinstance(script, str) or "def write_report" not in script:
        return verdict(False, "", "`script` should hold the program's text, with its write_report function.")
    with tempfile.TemporaryDirectory() as folder:
        program, report = Path(folder, "report_writer.py"), Path(folder, "report.txt")
        program.write_text(script)
        try:
            done = subprocess.run([sys.executable, str(program), str(report)], capture_output=True, text=True,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            return verdict(False, "", f"the program did not end within {timeout:g} s.")
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
            return verdict(False, "", f"the program failed: {last}")
        text = report.read_text() if report.exists() else ""
    lines = text.splitlines(keepends=True)
    whole = [line for line in lines if line.endswith("done\n")]
    if len(whole) == REPORT_LINES and len(lines) == REPORT_LINES:
        return verdict(True, f"all {REPORT_LINES} lines written whole before the program exited.", "")
    found = f"the report has {len(whole)} whole lines of {REPORT_LINES} (last: {lines[-1]!r})" if lines else (
        "the report is empty")
    return verdict(False, "", f"{found}. The program exits without waiting for the daemon writer: wait for it.")


def stops_on_event(worker: Any) -> Verdict:
    """Exercise 03.2: ``worker(stop, ticks)`` ticks until ``stop`` is set, then returns promptly."""
    import threading
    import time

    if not callable(worker):
        return verdict(False, "", "define a function `worker(stop, ticks)`.")

    class Ticks(list):
        """Refuses new ticks once the check is over, so a worker that never stops dies instead."""

        closed = False

        def append(self, item: Any) -> None:
            if self.closed:
                raise RuntimeError("the self-check has ended: this worker should have stopped")
            super().append(item)

    stop, ticks, errors = threading.Event(), Ticks(), []

    def guarded() -> None:
        try:
            worker(stop, ticks)
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")

    # A daemon here only as a safety net: if a wrong answer never returns, it must
    # not keep the kernel from exiting. A correct answer ends before we return.
    thread = threading.Thread(target=guarded, name="exercise-worker", daemon=True)
    thread.start()
    time.sleep(0.35)
    stop.set()
    asked = time.perf_counter()
    thread.join(timeout=1.0)
    if thread.is_alive():
        ticks.closed = True  # its next tick raises, which ends it
        return verdict(False, "", "your worker was still running 1 s after `stop` was set. "
                                  "Loop `while not stop.is_set():`.")
    ticks.closed = True
    if errors:
        return verdict(False, "", f"your worker raised {errors[0]}")
    if len(ticks) < 3:
        return verdict(False, "", f"only {len(ticks)} ticks in 0.35 s: append to `ticks` every 0.05 s or so.")
    late = time.perf_counter() - asked
    if late > 0.2:
        return verdict(False, "", f"it took {late:.2f} s to stop: wait with `stop.wait(0.05)`, not a long sleep.")
    return verdict(True, f"{len(ticks)} ticks, then stopped {late * 1000:.0f} ms after being asked.", "")


# --- lesson 04 ------------------------------------------------------------------------


def mailbox(cls: Any) -> Verdict:
    """Exercise 04.1: ``get(timeout)`` waits for a message, or returns None after ``timeout``."""
    import threading
    import time

    try:
        box = cls()
    except Exception as exc:
        return verdict(False, "", f"creating your Mailbox raised {type(exc).__name__}: {exc}")
    received: list[Any] = []
    errors: list[str] = []

    def reader() -> None:
        try:
            for _ in range(5):
                received.append(box.get(timeout=2))
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")

    readers = [threading.Thread(target=reader, daemon=True) for _ in range(2)]  # daemon: a safety net only
    for r in readers:
        r.start()
    time.sleep(0.05)  # both readers are waiting on an empty mailbox now
    try:
        for n in range(10):
            box.put(n)
            time.sleep(0.002)
    except Exception as exc:
        return verdict(False, "", f"put raised {type(exc).__name__}: {exc}")
    last_put = time.perf_counter()
    for r in readers:
        r.join(timeout=5)
    late = time.perf_counter() - last_put
    if any(r.is_alive() for r in readers) or late > 1.0:
        return verdict(False, "", f"the readers got their messages {late:.1f} s after the last put: they slept "
                                  "through it. Does `put` notify the waiting readers?")
    if errors:
        return verdict(False, "", f"get raised {errors[0]}")
    if received and all(x is None for x in received):
        return verdict(False, "", "get returned None every time: it should wait for a message (up to `timeout`).")
    if sorted(x for x in received if x is not None) != list(range(10)):
        return verdict(False, "", f"the readers got {sorted(map(str, received))}, not the 10 messages 0-9 "
                                  "once each: take a message out under the condition's lock.")
    probe: list[Any] = []

    def empty_get() -> None:  # in a daemon thread: a get that never returns cannot hang the kernel
        started = time.perf_counter()
        probe.append(box.get(timeout=0.2))
        probe.append(time.perf_counter() - started)

    prober = threading.Thread(target=empty_get, daemon=True)
    prober.start()
    prober.join(timeout=2)
    if prober.is_alive():
        return verdict(False, "", "get(timeout=0.2) on an empty mailbox had not returned after 2 s. Waiting in a "
                                  "loop restarts the timeout each time round: use wait_for(predicate, timeout).")
    empty, waited = probe
    if empty is not None or not 0.15 <= waited < 1.5:
        return verdict(False, "", f"on an empty mailbox get(timeout=0.2) returned {empty!r} after {waited:.2f} s; "
                                  "expected None after about 0.2 s. Use wait_for(..., timeout).")
    return verdict(True, "10 messages to 2 waiting readers, each exactly once; an empty get times out.", "")


def limited(fn: Callable[..., Any], limit: int = 2, deadline: float = 10.0) -> Verdict:
    """Exercise 04.2: ``fn(download, urls, limit)`` never runs more than ``limit`` downloads at once."""
    import threading
    import time

    running, peak, lock, threads = [0], [0], threading.Lock(), set()

    def download(url: str) -> str:
        with lock:
            threads.add(threading.current_thread().name)
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return url.upper()

    urls = [f"img{n}" for n in range(8)]
    answer: list[Any] = []

    def call() -> None:  # in a daemon thread: a semaphore never released cannot hang the kernel
        try:
            answer.append(("ok", fn(download, urls, limit)))
        except Exception as exc:
            answer.append(("error", f"{type(exc).__name__}: {exc}"))

    caller = threading.Thread(target=call, daemon=True)
    caller.start()
    caller.join(timeout=deadline)
    if caller.is_alive():
        return verdict(False, "", f"no answer after {deadline:g} s: is every acquire matched by a release "
                                  "(use `with`)?")
    kind, got = answer[0]
    if kind == "error":
        return verdict(False, "", f"your function raised {got}")
    if got is None or list(got) != [u.upper() for u in urls]:
        return verdict(False, "", f"return the downloads' results in the order of the urls, got {got!r}.")
    if peak[0] > limit:
        return verdict(False, "", f"{peak[0]} downloads ran at once; the limit is {limit}. "
                                  "Hold a Semaphore(limit) around each download.")
    if peak[0] < limit or len(threads) <= limit:
        return verdict(False, "", f"{len(threads)} threads did the downloads: use one thread per url, so that "
                                  "the semaphore, not the pool size, does the limiting.")
    return verdict(True, f"8 downloads, never more than {limit} at once.", "")


# --- lesson 05 ------------------------------------------------------------------------


def stops_at_sentinel(consumer: Any) -> Verdict:
    """Exercise 05.1: ``consumer(q, results)`` doubles items until it gets the sentinel None."""
    import queue as queue_module
    import threading

    class PatientQueue(queue_module.Queue):
        """A blocking get gives up after 3 s, so a consumer that misses the sentinel still ends."""

        def get(self, block: bool = True, timeout: float | None = None) -> Any:
            return super().get(block, 3.0 if block and timeout is None else timeout)

    q: queue_module.Queue = PatientQueue()
    results: list[int] = []
    errors: list[str] = []

    def run() -> None:
        try:
            consumer(q, results)
        except queue_module.Empty:
            errors.append("waited for more items after the sentinel")
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")

    workers = [threading.Thread(target=run) for _ in range(3)]
    for w in workers:
        w.start()
    for n in range(30):
        q.put(n)
    for _ in workers:
        q.put(None)  # one sentinel per consumer
    for w in workers:
        w.join(timeout=10)
    if errors:
        return verdict(False, "", f"a consumer {errors[0]}: stop the loop when `item is None`.")
    if sorted(results) != [2 * n for n in range(30)]:
        return verdict(False, "", f"expected each of the 30 items doubled once, got {len(results)} results.")
    return verdict(True, "3 consumers doubled all 30 items and each stopped at its sentinel.", "")


class PatientChild:
    """A child process whose ``join`` never waits more than 2 s, and notes a join that timed out."""

    def __init__(self, process: Any) -> None:
        self.process = process
        self.joined_while_alive = False

    def join(self, timeout: float | None = None) -> None:
        self.process.join(2.0 if timeout is None else min(timeout, 2.0))
        if self.process.is_alive():
            self.joined_while_alive = True

    def is_alive(self) -> bool:
        return self.process.is_alive()


def collects_before_joining(collect: Any) -> Verdict:
    """Exercise 05.2: ``collect(q, children)`` returns every child's item and joins the children."""
    import multiprocessing

    from helpers.cleanup import join_or_terminate
    from helpers.pipeline import put_big_item

    q = multiprocessing.Queue()
    processes = [multiprocessing.Process(target=put_big_item, args=(q, 4)) for _ in range(2)]
    for p in processes:
        p.start()
    children = [PatientChild(p) for p in processes]

    class PatientQueue:
        """The queue, but a get waits at most 5 s: asking for a third item cannot hang the kernel."""

        def get(self, block: bool = True, timeout: float | None = None) -> Any:
            return q.get(block, 5.0 if timeout is None else min(timeout, 5.0))

    try:
        items = collect(PatientQueue(), children)
    except Exception as exc:
        items, failure = None, f"{type(exc).__name__}: {exc}"
    else:
        failure = None
    finally:
        while any(p.is_alive() for p in processes):  # clean up after a wrong answer
            try:
                q.get(timeout=1)
            except Exception:
                break
        join_or_terminate(processes)
        q.close()
        q.join_thread()
    if failure:
        return verdict(False, "", f"your function raised {failure}")
    if any(c.joined_while_alive for c in children):
        return verdict(False, "", "you joined a child before reading its item: it cannot exit while its item "
                                  "is stuck in the queue. Read everything first, then join.")
    if items is None or len(items) != 2 or any(len(i) != 4 * 1024 * 1024 for i in items):
        return verdict(False, "", "return the list of the two items the children put on the queue.")
    return verdict(True, "read both items, then joined both children: nothing stuck.", "")


# --- lesson 06 ------------------------------------------------------------------------


def fork_order(order: Any, philosophers: int = 5) -> Verdict:
    """Exercise 06.1: an order of picking up forks that cannot deadlock, tried at a real table."""
    from helpers.philosophers import dine

    if not callable(order):
        return verdict(False, "", "define `order(philosopher, left, right)` returning (first, second).")
    try:
        for p in range(philosophers):
            left, right = p, (p + 1) % philosophers
            if sorted(order(p, left, right)) != sorted((left, right)):
                return verdict(False, "", f"order({p}, {left}, {right}) should return the two forks {left} and "
                                          f"{right} in some order, not {order(p, left, right)!r}.")
    except Exception as exc:
        return verdict(False, "", f"order raised {type(exc).__name__}: {exc}")
    dinner = dine("custom", philosophers, order=order, duration=0.8)
    if dinner.deadlock:
        return verdict(False, "", f"deadlock after {dinner.deadlock.after:.2f} s: every philosopher held one fork "
                                  "and waited for the next. Make at least one philosopher reach the other way.")
    if not dinner.everyone_ate:
        return verdict(False, "", f"no deadlock, but meals were {dinner.meals}: someone starved.")
    return verdict(True, f"no deadlock, everyone ate: meals {dinner.meals}.", "")


def waiter_seats(seats: Any, philosophers: int = 5) -> Verdict:
    """Exercise 06.2: the most seats the waiter may offer with no deadlock possible."""
    if seats == philosophers - 1:
        return verdict(True, f"{seats} seats: with one philosopher always away, someone can always "
                             "get both forks.", "")
    if isinstance(seats, int) and 1 <= seats < philosophers - 1:
        return verdict(False, "", f"{seats} seats is safe, but more are: what is the most?")
    return verdict(False, "", f"with all {philosophers} seated, each may hold a left fork and wait: "
                              "how many must be kept away to break the cycle?")


# --- lesson 07 ------------------------------------------------------------------------


async def first_response(fn: Any) -> Verdict:
    """Exercise 07.1: ``first_of(urls, client)`` returns the fastest body's length, cancelling the rest."""
    import asyncio
    import time

    import httpx

    from helpers.slow_server import SlowServer

    with SlowServer(latency=0.0) as server:
        names = server.names()[:3]
        urls = [server.url(names[0], delay=2.0), server.url(names[1], delay=0.05), server.url(names[2], delay=2.0)]
        expected = (server.folder / names[1]).stat().st_size
        before = asyncio.all_tasks()
        started = time.perf_counter()
        async with httpx.AsyncClient(timeout=10, trust_env=False) as client:
            try:
                got = await asyncio.wait_for(fn(urls, client), timeout=5)
            except TimeoutError:
                return verdict(False, "", "no answer within 5 s.")
            except Exception as exc:
                hint = " (asyncio.wait needs tasks: wrap each request in asyncio.create_task)" if isinstance(
                    exc, TypeError) else ""
                return verdict(False, "", f"your function raised {type(exc).__name__}: {exc}{hint}")
            took = time.perf_counter() - started
            left = [t for t in asyncio.all_tasks() - before if not t.done()]
            for task in left:  # tidy up after a wrong answer
                task.cancel()
            await asyncio.gather(*left, return_exceptions=True)
    if got != expected:
        return verdict(False, "", f"expected the fast photo's {expected} bytes, got {got!r}.")
    if took > 1.5:
        return verdict(False, "", f"it took {took:.1f} s: you waited for the slow responses too.")
    if left:
        return verdict(False, "", f"{len(left)} request(s) were still running: cancel the others and await them.")
    return verdict(True, f"the fast answer in {took:.2f} s, the slow requests cancelled.", "")


async def batch_deadline(fn: Any) -> Verdict:
    """Exercise 07.2: ``fetch_within(urls, client, seconds)`` returns sizes, or None past the deadline."""
    import time

    import httpx

    from helpers.slow_server import SlowServer

    with SlowServer(latency=1.0) as server:  # slow enough that "waited anyway" is unmistakable
        names = server.names()[:4]
        urls = [server.url(n) for n in names]
        expected = [(server.folder / n).stat().st_size for n in names]
        async with httpx.AsyncClient(timeout=10, trust_env=False) as client:
            try:
                in_time = await fn(urls, client, 3.0)
                started = time.perf_counter()
                too_late = await fn(urls, client, 0.05)
                took = time.perf_counter() - started
            except Exception as exc:
                return verdict(False, "", f"your function raised {type(exc).__name__}: {exc}")
    if in_time != expected:
        return verdict(False, "", f"with 3 s to spare, expected the 4 body lengths {expected}, got {in_time!r}.")
    if too_late is not None:
        return verdict(False, "", f"with a 0.05 s deadline, expected None, got {too_late!r}.")
    if took > 0.5:
        return verdict(False, "", f"it returned None, but after {took:.2f} s: stop at the deadline.")
    return verdict(True, "all 4 within 3 s; None, promptly, with 0.05 s.", "")


# --- lesson 08 ------------------------------------------------------------------------


def amdahl_answers(fn: Any, ceiling: Any) -> Verdict:
    """Exercise 08.1: ``speedup(s, n)`` follows Amdahl's law, and the ceiling for s = 10% is 10x."""
    from helpers.amdahl import amdahl

    if not callable(fn):
        return verdict(False, "", "define `speedup(serial_fraction, workers)`.")
    for s, n in ((0.0, 8), (0.1, 1), (0.1, 4), (0.25, 16), (0.5, 2), (1.0, 100)):
        try:
            got = fn(s, n)
        except Exception as exc:
            return verdict(False, "", f"speedup({s}, {n}) raised {type(exc).__name__}: {exc}")
        if not isinstance(got, int | float) or abs(got - amdahl(s, n)) > 1e-6:
            return verdict(False, "", f"speedup({s}, {n}) gave {got!r}; Amdahl predicts {amdahl(s, n):.3f}. "
                                      "Time with n workers: s + (1 - s) / n of the serial time.")
    if not isinstance(ceiling, int | float) or abs(ceiling - 10) > 1e-6:
        return verdict(False, "", "your speedup() is right. For the ceiling, let the number of workers grow "
                                  "without limit: what is left of s + (1 - s) / n?")
    return verdict(True, "Amdahl's law, and its ceiling 1/s = 10x.", "")


def fastest_chunksize(choice: Any, costs: Sequence[Any], tolerance: float = 0.15) -> Verdict:
    """Exercise 08.2: the chunksize that was fastest in the learner's own measurement (or as good)."""
    timings = {int(c.setting.split()[-1]): c.seconds for c in costs}
    if choice not in timings:
        return verdict(False, "", f"choose one of the measured chunksizes: {sorted(timings)}.")
    best = min(timings.values())
    if timings[choice] <= best * (1 + tolerance):
        return verdict(True, f"chunksize {choice}: {timings[choice]:.2f} s, the fastest here "
                             "(within measuring noise).", "")
    return verdict(False, "", f"chunksize {choice} took {timings[choice]:.2f} s; another took {best:.2f} s. "
                              "Look at the plot again.")
