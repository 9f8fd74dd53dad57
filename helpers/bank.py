"""A bank account shared by threads: the lost update, made to happen every time.

A deposit is read-modify-write: read the balance, add, write it back. If another
thread writes between our read and our write, our write wipes out theirs. Real
code hits that window rarely, which is what makes such bugs hard; here the
window is widened with a short sleep, so the lesson shows the bug on every run.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from helpers.timeline import Span

WINDOW = 0.005  # seconds between reading the balance and writing it back


class Account:
    """A balance and a lock; deposits with and without the lock.

    With ``record=True`` each deposit notes when it ran (and, when locked, the
    time it held the lock) as a :class:`~helpers.timeline.Span`.
    """

    def __init__(self, balance: int = 0, *, window: float = WINDOW, lock: Any = None, record: bool = False) -> None:
        self.balance = balance
        self.window = window
        self.lock = lock if lock is not None else threading.Lock()
        self.record = record
        self.spans: list[Span] = []

    def _read_modify_write(self, amount: int) -> None:
        started = time.perf_counter()
        current = self.balance  # read
        time.sleep(self.window)  # ...another thread may run here...
        self.balance = current + amount  # write: overwrites whatever was written meanwhile
        if self.record:  # list.append is atomic in CPython; safe from many threads
            span = Span(f"+{amount}", os.getpid(), threading.current_thread().name, started, time.perf_counter())
            self.spans.append(span)

    def deposit_unsafe(self, amount: int) -> None:
        """No lock: correct alone, wrong as soon as two threads overlap."""
        self._read_modify_write(amount)

    def deposit_acquire_release(self, amount: int) -> None:
        """The long form: ``release`` in ``finally``, so an exception cannot leave the lock held."""
        self.lock.acquire()
        try:
            self._read_modify_write(amount)
        finally:
            self.lock.release()

    def deposit(self, amount: int) -> None:
        """The same, as the ``with`` statement writes it for you."""
        with self.lock:
            self._read_modify_write(amount)

    def withdraw(self, amount: int) -> None:
        with self.lock:
            self._read_modify_write(-amount)


@dataclass
class DepositRun:
    """What a run of concurrent deposits should have produced, and what it did."""

    threads: int
    deposits: int
    balance: int
    seconds: float
    spans: list[Span] = field(default_factory=list)
    origin: float = 0.0  # perf_counter reading when the threads were started

    @property
    def expected(self) -> int:
        return self.deposits

    @property
    def lost(self) -> int:
        return self.expected - self.balance


def run_deposits(
    threads: int,
    deposits_per_thread: int = 5,
    *,
    locked: bool = False,
    window: float = WINDOW,
    record: bool = False,
) -> DepositRun:
    """``threads`` threads each deposit 1, ``deposits_per_thread`` times, into one account.

    The threads wait at a Barrier and start together, like runners at a starting
    gun, so they really do overlap however slowly the machine starts threads.
    """
    if threads < 1 or deposits_per_thread < 1:
        raise ValueError("threads and deposits_per_thread must be at least 1")
    account = Account(window=window, record=record)
    deposit: Callable[[int], None] = account.deposit if locked else account.deposit_unsafe
    start_line = threading.Barrier(threads)

    def customer() -> None:
        start_line.wait(timeout=10)
        for _ in range(deposits_per_thread):
            deposit(1)

    workers = [threading.Thread(target=customer, name=f"customer-{i}") for i in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    seconds = time.perf_counter() - started
    return DepositRun(threads, threads * deposits_per_thread, account.balance, seconds, account.spans, started)


def plot_lost_updates(runs: list[DepositRun], ax: Any = None, title: str = "Without a lock, money disappears") -> Any:
    """Bars of money expected and money on the account, per number of threads."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.5), constrained_layout=True)
    xs = range(len(runs))  # evenly spaced, labelled with the thread counts
    ax.bar([x - 0.2 for x in xs], [r.expected for r in runs], width=0.4, label="deposited", color="tab:green")
    ax.bar([x + 0.2 for x in xs], [r.balance for r in runs], width=0.4, label="on the account", color="tab:red")
    for x, r in zip(xs, runs, strict=True):
        if r.lost:
            ax.annotate(f"lost {r.lost}", (x + 0.2, r.balance), ha="center", va="bottom", fontsize=8)
    ax.set_xticks(list(xs), [str(r.threads) for r in runs])
    ax.set_xlabel("threads depositing at once")
    ax.set_ylabel("money")
    ax.set_title(title)
    ax.legend()
    return ax


class DepositThread(threading.Thread):
    """The second way to start a thread: subclass ``Thread`` and override ``run``.

    ``run`` is a hook: you write it, the thread calls it. ``start()`` creates the
    new thread, which then calls ``run``; calling ``run()`` yourself just runs it
    in the current thread, like any method. ``ran_in`` records which happened.
    """

    def __init__(self, account: Account, amount: int) -> None:
        super().__init__()  # a subclass must let Thread set itself up first
        self.account = account
        self.amount = amount
        self.ran_in: str | None = None

    def run(self) -> None:
        self.ran_in = threading.current_thread().name
        self.account.deposit(self.amount)


class SlowAccount:
    """An account whose balance lives somewhere slow (say, a database).

    Reading the balance takes a moment, long enough for another thread to run,
    which makes an unprotected transfer lose or invent money reliably. ``lock``
    is a :class:`~helpers.locks.TimeoutLock`, so a deadlock raises instead of
    hanging the notebook.
    """

    def __init__(self, name: str, balance: int, *, delay: float = 0.0005, lock_timeout: float = 1.0) -> None:
        from helpers.locks import TimeoutLock

        self.name = name
        self._balance = balance
        self.delay = delay
        self.lock = TimeoutLock(f"{name}.lock", timeout=lock_timeout)

    @property
    def balance(self) -> int:
        value = self._balance
        time.sleep(self.delay)
        return value

    @balance.setter
    def balance(self, value: int) -> None:
        self._balance = value

    def __repr__(self) -> str:
        return f"<SlowAccount {self.name}: {self._balance}>"


class LostUpdateExplorer:
    """Lesson 02's slider: how much is lost as more threads deposit at once."""

    def __init__(self, deposits_per_thread: int = 5) -> None:
        self.deposits_per_thread = deposits_per_thread
        self.runs: dict[tuple[int, bool], DepositRun] = {}

    def run(self, threads: int, locked: bool) -> DepositRun:
        result = run_deposits(threads, self.deposits_per_thread, locked=locked)
        self.runs[threads, locked] = result
        return result

    def describe(self, result: DepositRun, locked: bool) -> str:
        how = "with a lock" if locked else "without a lock"
        return (f"{result.threads} threads {how}: deposited {result.expected}, balance {result.balance}, "
                f"lost {result.lost}, in {result.seconds:.2f} s")

    def widget(self) -> Any:
        import ipywidgets as w

        from helpers.widget_tools import report_errors, show

        slider = w.IntSlider(value=4, min=1, max=32, description="threads", continuous_update=False)
        locked = w.Checkbox(value=False, description="use the lock")
        button = w.Button(description="Deposit", button_style="primary", icon="play")
        output = w.Output()

        def on_click() -> None:
            result = self.run(slider.value, locked.value)
            same = sorted((r for (_, lk), r in self.runs.items() if lk == locked.value), key=lambda r: r.threads)
            title = "With the lock, nothing is lost" if locked.value else "Without a lock, money disappears"
            show(output, self.describe(result, locked.value), plot_lost_updates(same, title=title).figure)

        button.on_click(report_errors(output, on_click))
        box = w.VBox([w.HBox([slider, locked, button]), output])
        box.slider, box.locked, box.button, box.output = slider, locked, button, output
        return box
