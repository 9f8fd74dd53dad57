"""Self-checks for lesson 02, Race conditions and locks.

Both checks force the interleaving that breaks a wrong answer, so they judge the
behaviour, never luck and never the shape of one solution: where the lock lives
(an attribute, the class, the module, ``__slots__``) and which kind it is do not
matter, only whether the update or the transfer happens as one step.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from typing import Any

from helpers.checks.verdict import Verdict, verdict
from helpers.i18n import _

__all__ = ["check_safe_counter", "check_transfer"]


def _name(fn: Any, default: str) -> str:
    name = getattr(fn, "__name__", default)
    return name if isinstance(name, str) and name.isidentifier() else default


def check_safe_counter(cls: Any, threads: int = 8, times: int = 250, deadline: float = 30.0) -> Verdict:
    """Exercise 02.1: a counter class whose ``increment`` loses nothing between threads.

    While it runs, ``one()`` pauses briefly (it gives up the GIL), so another
    thread runs between every read and write: an unprotected counter loses
    updates on every run, on any Python. Bounded: the workers are daemon threads
    sharing one deadline, so an answer that never releases its lock costs
    ``deadline`` seconds, not a hung kernel.
    """
    from helpers.races import forcing_a_switch_in_one

    try:
        counter = cls()
    except Exception as exc:
        return verdict(False, "", _("creating your counter raised {error}: {message}").format(
            error=type(exc).__name__, message=exc))
    if not callable(getattr(counter, "increment", None)):
        return verdict(False, "", _("your counter has no `increment` method."))
    errors: list[str] = []  # written by the worker threads: under a lock, as the lesson teaches
    errors_lock = threading.Lock()
    start_line = threading.Barrier(threads)

    def work() -> None:
        try:
            start_line.wait(timeout=10)
            for _n in range(times):
                counter.increment()
        except Exception as exc:
            with errors_lock:
                errors.append(f"{type(exc).__name__}: {exc}")

    with forcing_a_switch_in_one() as forcing:
        workers = [threading.Thread(target=work, daemon=True, name=f"counter-{i}") for i in range(threads)]
        for w in workers:
            w.start()
        end = time.monotonic() + deadline
        for w in workers:
            w.join(timeout=max(0.0, end - time.monotonic()))
        calls = forcing.calls
    if any(w.is_alive() for w in workers):
        return verdict(False, "", _("the threads were still stuck after {deadline:g} s: is the lock released after "
                                    "each increment (use `with`)? A plain Lock cannot be taken twice, even by the "
                                    "thread that holds it.").format(deadline=deadline))
    if errors:
        return verdict(False, "", _("increment() raised {error}").format(error=errors[0]))
    expected, got = threads * times, getattr(counter, "value", None)
    if calls < expected:
        return verdict(False, "", _("increment() no longer calls one(). Keep `self.value = self.value + one()`: "
                                    "the check makes one() pause, which forces another thread to run between "
                                    "the read and the write, so only a lock can keep the count right."))
    if got != expected:
        found = _("{threads} threads x {times} increments should make {expected}, got {got}.").format(
            threads=threads, times=times, expected=expected, got=got)
        return verdict(False, "", found + " " + _unprotected_part(cls))
    return verdict(True, _("{expected} increments from {threads} threads, each switched away between its read "
                           "and its write: none lost.").format(expected=expected, threads=threads), "")


class _Gate:
    """Holds one thread ("first") at one step of ``increment`` and notes whether another ("second") reaches it.

    The steps are the read of ``value``, the call to ``one()`` and the write of ``value``.
    """

    def __init__(self, step: str) -> None:
        self.step = step
        self.first: threading.Thread | None = None
        self.second: threading.Thread | None = None
        self.first_there, self.second_there, self.go = threading.Event(), threading.Event(), threading.Event()

    def at(self, step: str) -> None:
        if step != self.step:
            return
        if threading.current_thread() is self.first:
            self.first_there.set()
            self.go.wait(timeout=5)
        elif threading.current_thread() is self.second:
            self.second_there.set()

    def pause(self) -> None:  # called by one(), as races._Forcing.pause is
        self.at("one")


def _second_gets_through(cls: Any, step: str, wait: float = 1.0) -> bool | None:
    """While one thread is held at ``step`` of an increment, does a second thread's increment reach it too?

    True: nothing shared stops the second thread there; False: it waits (a lock
    held by the first covers that step); None: the probe could not tell.
    """
    from helpers import races

    gate = _Gate(step)
    previous, races._forcing = races._forcing, gate
    try:
        class Probe(cls):  # the learner's class, with its reads and writes of `value` noted
            @property
            def value(self) -> Any:
                gate.at("read")
                return self.__dict__.get("_probed_value")

            @value.setter
            def value(self, number: Any) -> None:
                gate.at("write")
                self.__dict__["_probed_value"] = number

        counter = Probe()
        first = threading.Thread(target=counter.increment, daemon=True, name="probe-first")
        second = threading.Thread(target=counter.increment, daemon=True, name="probe-second")
        gate.first, gate.second = first, second
        first.start()
        if not gate.first_there.wait(timeout=2):
            return None
        second.start()
        through = gate.second_there.wait(timeout=wait)
        gate.go.set()
        first.join(timeout=5)
        second.join(timeout=5)
        return through
    except Exception:  # a class that cannot be probed this way: the hint stays general
        return None
    finally:
        gate.go.set()
        races._forcing = previous


def _unprotected_part(cls: Any) -> str:
    """Name the step of a losing increment that no shared lock covers, found by holding one thread there."""
    read_free = _second_gets_through(cls, "read")
    write_free = _second_gets_through(cls, "write") if read_free else None
    if read_free and write_free is False:
        return _("Your lock covers the write but not the read: two threads read the same old value, and one "
                 "write undoes the other. Take the lock before the read and hold it through one() and the write.")
    if read_free is False and (_second_gets_through(cls, "one") or _second_gets_through(cls, "write")):
        return _("Your lock covers the read but is released before the write: another thread reads the same old "
                 "value in between. Hold it from the read, through one(), to the write.")
    return _("Every increment must hold the same lock around the read, one() and the write; a Lock created "
             "inside increment() is a new lock each time and protects nothing.")


# --- exercise 02.2: transfer -----------------------------------------------------------------


class _Ledger:
    """Every read and write of the audited balances, in one global order."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # the check's own bookkeeping, not the learner's locking
        self._order = itertools.count()
        self.entries: list[tuple[int, str, int]] = []  # (sequence, account, transfer id)
        self.current = threading.local()  # the transfer each clerk thread is running

    def note(self, account: str) -> None:
        call = getattr(self.current, "call", -1)
        with self._lock:
            self.entries.append((next(self._order), account, call))

    def windows(self, accounts: set[str]) -> dict[int, tuple[int, int]]:
        """For each transfer touching ``accounts``: its first and last access."""
        spans: dict[int, tuple[int, int]] = {}
        for seq, account, call in self.entries:
            if account in accounts and call >= 0:
                first, last = spans.get(call, (seq, seq))
                spans[call] = (min(first, seq), max(last, seq))
        return spans


def _overlaps(windows: dict[int, tuple[int, int]]) -> bool:
    """Whether any two transfers' windows interleave."""
    ordered = sorted(windows.values())
    return any(later[0] < earlier[1] for earlier, later in itertools.pairwise(ordered))


def _audited_accounts(ledger: _Ledger, names: str) -> list[Any]:
    from helpers.bank import SlowAccount
    from helpers.locks import TimeoutLock

    class PausingLock(TimeoutLock):
        """Pauses a moment after each acquire, so two clerks each take a first lock before either takes a
        second: taking two locks in opposite orders then deadlocks on every run, not now and then."""

        def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
            taken = super().acquire(blocking, timeout)
            if taken:
                time.sleep(0.001)
            return taken

    class Audited(SlowAccount):
        def __init__(self, name: str) -> None:
            super().__init__(name, 1000)
            self.lock = PausingLock(f"{name}.lock", timeout=1.0)

        @property
        def balance(self) -> int:
            ledger.note(self.name)
            return SlowAccount.balance.fget(self)

        @balance.setter
        def balance(self, value: int) -> None:
            ledger.note(self.name)
            self._balance = value

    return [Audited(name) for name in names]


def check_transfer(fn: Callable[..., Any], rounds: int = 30) -> Verdict:
    """Exercise 02.2: transfers in both directions at once neither lose money nor deadlock, and are indivisible.

    First one transfer alone (does it move the right amount the right way?).
    Then three clerks on accounts a and b (two a -> b, one b -> a, different
    numbers so that mistakes cannot cancel out) and one on c -> d, all at once.
    The check notes every read and write of a balance: no transfer between a and
    b may touch them while another is half done. A lock that is not the
    accounts' own (one for the whole bank) passes, with a note.
    """
    from helpers.bank import SlowAccount
    from helpers.locks import DeadlockSuspected

    name = _name(fn, "transfer")
    if not callable(fn):
        return verdict(False, "", _("define a function `transfer(source, target, amount)`."))
    a, b = SlowAccount("a", 1000), SlowAccount("b", 1000)
    try:
        fn(a, b, 5)
    except Exception as exc:
        return verdict(False, "", _("{name}(a, b, 5) raised {error}: {message}").format(
            name=name, error=type(exc).__name__, message=exc))
    if (a._balance, b._balance) != (995, 1005):
        return verdict(False, "", _("after {name}(a, b, 5) alone, a={a} and b={b}; expected a=995, b=1005.").format(
            name=name, a=a._balance, b=b._balance))
    if a.lock.locked() or b.lock.locked():
        return verdict(False, "", _("after one transfer a lock is still held: release it (use `with`)."))

    ledger = _Ledger()
    a, b, c, d = _audited_accounts(ledger, "abcd")
    pairs = [(a, b), (b, a), (a, b), (c, d)]
    start_line = threading.Barrier(len(pairs))
    problems: list[tuple[bool, str]] = []  # (a deadlock?, what happened); written by the clerks
    problems_lock = threading.Lock()
    calls = itertools.count()

    def clerk(source: Any, target: Any) -> None:
        try:
            start_line.wait(timeout=10)
            for _n in range(rounds):
                ledger.current.call = next(calls)
                fn(source, target, 1)
        except DeadlockSuspected as exc:
            with problems_lock:
                problems.append((True, str(exc)))
        except Exception as exc:
            with problems_lock:
                problems.append((False, f"{type(exc).__name__}: {exc}"))
        finally:
            ledger.current.call = -1

    clerks = [threading.Thread(target=clerk, args=pair, name=f"clerk-{i}", daemon=True)
              for i, pair in enumerate(pairs)]
    for clerk_thread in clerks:
        clerk_thread.start()
    end = time.monotonic() + 60
    for clerk_thread in clerks:
        clerk_thread.join(timeout=max(0.0, end - time.monotonic()))
    if any(clerk_thread.is_alive() for clerk_thread in clerks):
        return verdict(False, "", _("the transfers did not finish in 60 s."))
    if problems:
        deadlock, problem = problems[0]
        if deadlock:
            return verdict(False, "", _("deadlock: {problem}. Two clerks each held one account's lock and waited "
                                        "for the other's: take the two locks in the same order every time (say, "
                                        "by account name).").format(problem=problem))
        return verdict(False, "", _("your transfer raised {problem}").format(problem=problem))
    expected = {"a": 1000 - rounds, "b": 1000 + rounds, "c": 1000 - rounds, "d": 1000 + rounds}
    found = {acc.name: acc._balance for acc in (a, b, c, d)}
    if found != expected:
        shown = ", ".join(f"{k}={v}" for k, v in found.items())
        wanted = ", ".join(f"{k}={v}" for k, v in expected.items())
        return verdict(False, "", _("balances are {found}, expected {expected}: money was lost or created. Hold "
                                    "the accounts' locks while you read and write both balances.").format(
            found=shown, expected=wanted))
    if _overlaps(ledger.windows({"a", "b"})):
        return verdict(False, "", _("the totals are right, but while one transfer was half done another one read "
                                    "or changed the same accounts: for a moment the money was in neither account. "
                                    "Hold both locks for the whole transfer, not one after the other."))
    praise = _("{count} transfers at once, both ways: no money lost, no deadlock, each one indivisible.").format(
        count=len(pairs) * rounds)
    if not _overlaps_between(ledger):
        praise += " " + _("Note: transfers between c and d never ran while one between a and b did. One lock for "
                          "the whole bank is correct, but it makes every transfer wait for every other; a lock per "
                          "account, taken in a fixed order, lets unrelated transfers run at the same time.")
    return verdict(True, praise, "")


def _overlaps_between(ledger: _Ledger) -> bool:
    """Whether a transfer between c and d ever ran while one between a and b did."""
    ab, cd = ledger.windows({"a", "b"}).values(), ledger.windows({"c", "d"}).values()
    return any(x[0] < y[1] and y[0] < x[1] for x in ab for y in cd)
