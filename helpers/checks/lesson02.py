"""Self-checks for lesson 02, Race conditions and locks."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from helpers.checks.verdict import Verdict, verdict

__all__ = ["check_safe_counter", "check_transfer"]


LOCK_TYPES = (type(threading.Lock()), type(threading.RLock()))


def _holds_a_lock(obj: Any) -> bool:
    from helpers.locks import TimeoutLock

    return any(isinstance(v, (*LOCK_TYPES, TimeoutLock, threading.Condition)) for v in vars(obj).values())


def check_safe_counter(cls: Any, threads: int = 8, times: int = 5_000, deadline: float = 10.0) -> Verdict:
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


def check_transfer(fn: Callable[..., Any], rounds: int = 40) -> Verdict:
    """Exercise 02.2: transfers in both directions at once neither lose money nor deadlock.

    First one transfer alone (does it move the right amount the right way?), then
    clerks in both directions in different numbers, so that mistakes cannot
    cancel out, on accounts that note any change made without both locks held.
    """

    from helpers.bank import SlowAccount
    from helpers.locks import DeadlockSuspected

    if not callable(fn):
        return verdict(False, "", "define a function `check_transfer(source, target, amount)`.")
    a, b = SlowAccount("a", 1000), SlowAccount("b", 1000)
    try:
        fn(a, b, 5)
    except Exception as exc:
        return verdict(False, "", f"check_transfer(a, b, 5) raised {type(exc).__name__}: {exc}")
    if (a._balance, b._balance) != (995, 1005):
        return verdict(False, "", f"after check_transfer(a, b, 5) alone, a={a._balance} and b={b._balance}; "
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
