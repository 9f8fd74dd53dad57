"""Condition and Semaphore: waiting for a state, and capping use of N resources.

A ``Lock`` says "one at a time". A ``Condition`` adds "wait until something is
true", with a lock so that checking and changing the state never race. A
``Semaphore`` says "at most N at a time". Each demo here records what every
thread did and when, so the lessons can draw it, and every wait has a timeout.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from helpers.timeline import Span


def _span(task: str, start: float) -> Span:
    return Span(task, os.getpid(), threading.current_thread().name, start, time.perf_counter())


# --- Condition: a withdrawal that waits until the balance covers it ------------------


class CoveredAccount:
    """An account whose withdrawals wait, for up to ``timeout`` s, until the money is there.

    ``wake`` chooses what a deposit does: ``"notify_all"`` wakes every waiting
    withdrawal to re-check its own amount; ``"notify"`` wakes just one, which may
    be one that still cannot proceed, while another that could stays asleep.
    """

    def __init__(self, balance: int = 0, *, wake: str = "notify_all") -> None:
        if wake not in ("notify", "notify_all"):
            raise ValueError(f"wake must be 'notify' or 'notify_all', not {wake!r}")
        self.balance = balance
        self.wake = wake
        self.changed = threading.Condition()  # owns its own lock
        self.spans: list[Span] = []
        self.log: list[str] = []

    def deposit(self, amount: int) -> None:
        with self.changed:
            self.balance += amount
            self.log.append(f"deposit {amount}: balance {self.balance}")
            if self.wake == "notify_all":
                self.changed.notify_all()
            else:
                self.changed.notify()

    def withdraw(self, amount: int, timeout: float = 2.0) -> bool:
        """Wait until the balance covers ``amount``, then take it; False on timeout.

        ``wait_for`` re-checks the predicate every time the thread is woken: a
        wake-up means "the state changed", not "your turn". Written out, it is
        ``while not predicate(): wait(...)``: the loop that every ``wait`` needs.
        """
        started = time.perf_counter()
        with self.changed:
            covered = self.changed.wait_for(lambda: self.balance >= amount, timeout=timeout)
            self.spans.append(_span(f"wait for {amount}", started))
            if not covered:
                self.log.append(f"{threading.current_thread().name}: gave up waiting for {amount}")
                return False
            self.balance -= amount
            self.log.append(f"{threading.current_thread().name}: withdrew {amount}, balance {self.balance}")
            return True


@dataclass
class WithdrawalRun:
    wake: str
    served: dict[str, bool]
    spans: list[Span]
    log: list[str]
    origin: float
    balance: int


def run_withdrawals(
    amounts: list[int],
    deposits: list[int],
    *,
    wake: str = "notify_all",
    gap: float = 0.1,
    timeout: float = 1.0,
) -> WithdrawalRun:
    """Withdrawals of ``amounts`` start waiting, in order; then ``deposits`` arrive ``gap`` s apart.

    The withdrawals begin waiting one after another (in list order, a few ms
    apart) so that which one ``notify`` wakes is predictable: CPython wakes the
    longest waiter first.
    """
    account = CoveredAccount(wake=wake)
    served: dict[str, bool] = {}
    origin = time.perf_counter()

    def customer(amount: int) -> None:
        served[threading.current_thread().name] = account.withdraw(amount, timeout=timeout)

    threads = [threading.Thread(target=customer, args=(a,), name=f"wants {a}") for a in amounts]
    for thread in threads:
        thread.start()
        time.sleep(0.01)  # a fixed queueing order
    for amount in deposits:
        time.sleep(gap)
        account.deposit(amount)
    for thread in threads:
        thread.join(timeout=timeout + 5)
    return WithdrawalRun(wake, served, account.spans, account.log, origin, account.balance)


# --- Semaphore: ten workers, three connections --------------------------------------


@dataclass
class SlotRun:
    """Workers that each held one of ``slots`` connections for a while."""

    slots: int
    workers: int
    spans: list[Span] = field(default_factory=list)
    origin: float = 0.0
    seconds: float = 0.0


def use_connection(slots: threading.Semaphore, spans: list[Span], hold: float) -> None:
    """Take a slot (waiting if none is free), use it for ``hold`` s, give it back."""
    with slots:  # acquire on entry, release on exit, even after an error
        started = time.perf_counter()
        time.sleep(hold)
        spans.append(_span("connection", started))


def run_connections(workers: int = 10, slots: int = 3, hold: float = 0.1) -> SlotRun:
    """``workers`` threads share ``slots`` connections guarded by a BoundedSemaphore."""
    if workers < 1 or slots < 1:
        raise ValueError("workers and slots must be at least 1")
    semaphore = threading.BoundedSemaphore(slots)
    spans: list[Span] = []
    threads = [
        threading.Thread(target=use_connection, args=(semaphore, spans, hold), name=f"worker-{i}")
        for i in range(workers)
    ]
    origin = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=workers * hold + 10)
    return SlotRun(slots, workers, spans, origin, time.perf_counter() - origin)


def extra_release(bounded: bool = True) -> str:
    """Release a semaphore once more than it was acquired: say what happens."""
    semaphore = threading.BoundedSemaphore(1) if bounded else threading.Semaphore(1)
    semaphore.acquire()
    semaphore.release()
    try:
        semaphore.release()  # one too many: a bug in the caller
    except ValueError as exc:
        return f"{type(semaphore).__name__}: ValueError: {exc}"
    return f"{type(semaphore).__name__}: accepted silently (now it has one slot too many)"


def plot_slots_in_use(run: SlotRun, ax: Any = None) -> Any:
    """How many connections were in use at each instant, against the limit."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(9, 2.6), constrained_layout=True)
    events = sorted([(s.start - run.origin, 1) for s in run.spans] + [(s.end - run.origin, -1) for s in run.spans])
    xs, ys, level = [0.0], [0], 0
    for t, step in events:
        xs.append(t)
        ys.append(level)
        level += step
        xs.append(t)
        ys.append(level)
    ax.plot(xs, ys, color="tab:blue", label="connections in use")
    ax.axhline(run.slots, color="tab:red", linestyle="--", label=f"limit: {run.slots} slots")
    ax.set_ylim(0, max(run.slots, max(ys)) + 1)
    ax.set_xlim(left=0)
    ax.set_xlabel("seconds since the run started")
    ax.set_ylabel("in use")
    ax.set_title(f"{run.workers} workers, {run.slots} connections: never more than {run.slots} at once")
    ax.legend(loc="upper right", fontsize=8)
    return ax


class SlotsExplorer:
    """Lesson 04's slider: the number of connection slots."""

    def __init__(self, workers: int = 10, hold: float = 0.1) -> None:
        self.workers = workers
        self.hold = hold
        self.last: SlotRun | None = None

    def run(self, slots: int) -> SlotRun:
        self.last = run_connections(self.workers, slots, self.hold)
        return self.last

    def widget(self) -> Any:
        import ipywidgets as w
        import matplotlib.pyplot as plt

        from helpers.timeline import plot_timeline
        from helpers.widget_tools import report_errors, show

        slider = w.IntSlider(value=3, min=1, max=self.workers, description="slots", continuous_update=False)
        button = w.Button(description="Run", button_style="primary", icon="play")
        output = w.Output()

        def on_click() -> None:
            run = self.run(slider.value)
            fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 6), constrained_layout=True,
                                              gridspec_kw={"height_ratios": [1, 2]})
            plot_slots_in_use(run, ax=top)
            plot_timeline(run.spans, origin=run.origin, ax=bottom, title="who held a connection, when")
            show(output, f"{run.workers} workers, {run.slots} slots: {run.seconds:.2f} s", fig)

        button.on_click(report_errors(output, on_click))
        box = w.VBox([w.HBox([slider, button]), output])
        box.slider, box.button, box.output = slider, button, output
        return box


def run_with_start_signal(workers: int = 4) -> list[float]:
    """Workers block on an Event until the main thread sets it; returns their start times."""
    go = threading.Event()
    started: list[float] = []

    def runner() -> None:
        if go.wait(timeout=5):
            started.append(time.perf_counter())

    threads = [threading.Thread(target=runner) for _ in range(workers)]
    for thread in threads:
        thread.start()
    time.sleep(0.1)  # everyone is waiting now
    fired = time.perf_counter()
    go.set()
    for thread in threads:
        thread.join(timeout=5)
    return [t - fired for t in started]


def run_in_phases(workers: int = 3, phases: int = 3, work: Callable[[int], float] | None = None) -> list[Span]:
    """Each worker does ``phases`` steps; a Barrier makes everyone finish a step before the next."""
    barrier = threading.Barrier(workers)
    spans: list[Span] = []
    work = work or (lambda i: 0.03 * (i + 1))  # worker i is slower than worker i - 1

    def runner(index: int) -> None:
        for phase in range(phases):
            started = time.perf_counter()
            time.sleep(work(index))
            spans.append(_span(f"phase {phase}", started))
            barrier.wait(timeout=5)

    threads = [threading.Thread(target=runner, args=(i,), name=f"worker-{i}") for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    return spans
