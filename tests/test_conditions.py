"""Lesson 04's harness runs the lesson's own Condition code in the same order on every run."""

import threading
import time

import matplotlib.pyplot as plt
import pytest

from helpers.conditions import (
    SlotsExplorer,
    find_condition,
    in_use_over_time,
    plot_connections,
    plot_phases,
    plot_signal,
    plot_slots_in_use,
    plot_withdrawal_runs,
    plot_withdrawals,
    run_withdrawals,
    waiting_on,
)
from helpers.timeline import Recorder, Span


class CoveredAccount:  # as the lesson writes it
    def __init__(self, balance=0):
        self.balance = balance
        self.changed = threading.Condition()

    def deposit(self, amount):
        with self.changed:
            self.balance += amount
            self.changed.notify_all()

    def withdraw(self, amount, timeout=2.0):
        with self.changed:
            if not self.changed.wait_for(lambda: self.balance >= amount, timeout=timeout):
                return False
            self.balance -= amount
            return True


class NotifyOneAccount(CoveredAccount):
    def deposit(self, amount):
        with self.changed:
            self.balance += amount
            self.changed.notify()


class LockedAccount(CoveredAccount):  # a Condition built on the object's own lock
    def __init__(self, balance=0):
        self.balance = balance
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)


class TwoConditions(CoveredAccount):  # the harness cannot tell which to watch: it falls back to sleeps
    def __init__(self, balance=0):
        super().__init__(balance)
        self.other = threading.Condition()


@pytest.mark.parametrize("kind", [CoveredAccount, LockedAccount])
def test_withdrawals_are_served_as_soon_as_covered_smallest_first(kind):
    account = kind()
    run = run_withdrawals(account, [30, 50, 20], deposits=[10] * 10, gap=0.01, timeout=5.0)
    assert run.order == ["wants 20", "wants 30", "wants 50"]
    assert all(run.served.values()) and account.balance == 0
    assert len(run.deposits) == 10 and len(run.spans) == 3
    # nobody stopped waiting before the deposit that covered them
    assert run.waited(20) >= run.deposits[1][0]
    assert run.waited(30) >= run.deposits[4][0]
    assert run.waited(50) >= run.deposits[9][0]


def test_without_one_condition_to_watch_the_harness_still_serves_everyone():
    account = TwoConditions()
    run = run_withdrawals(account, [30, 50, 20], deposits=[10] * 10, gap=0.01, timeout=5.0)
    assert all(run.served.values()) and account.balance == 0


def test_notify_wakes_the_longest_waiter_so_the_10_waits_for_its_timeout():
    late = run_withdrawals(NotifyOneAccount(), [50, 10], deposits=[10], gap=0.05, timeout=1.5)
    prompt = run_withdrawals(CoveredAccount(), [50, 10], deposits=[10], gap=0.05, timeout=1.5)
    assert late.served == {"wants 50": False, "wants 10": True}  # wait_for re-checks once at its timeout
    assert late.waited(10) >= 1.45
    assert prompt.served == {"wants 50": False, "wants 10": True}
    assert prompt.waited(10) < 1.0  # served after the deposit, long before its timeout


def test_a_withdrawal_never_covered_gives_up():
    run = run_withdrawals(CoveredAccount(), [40], deposits=[10], gap=0.01, timeout=0.2)
    assert run.served == {"wants 40": False} and run.order == []
    assert any("gave up" in line for line in run.log)


def test_waiting_on_counts_sleeping_threads_and_find_condition_finds_the_only_one():
    account = CoveredAccount()
    assert find_condition(account) is account.changed
    assert find_condition(TwoConditions()) is None
    assert find_condition(42) is None
    thread = threading.Thread(target=account.withdraw, args=(10, 5.0))
    thread.start()
    deadline = time.monotonic() + 5
    while waiting_on(account.changed) < 1 and time.monotonic() < deadline:
        time.sleep(0.001)
    assert waiting_on(account.changed) == 1
    account.deposit(10)
    thread.join(timeout=5)
    assert waiting_on(account.changed) == 0 and not thread.is_alive()


def test_in_use_curve_counts_overlaps():
    spans = [Span("q", 1, "a", 0.0, 2.0), Span("q", 1, "b", 1.0, 3.0), Span("q", 1, "c", 2.0, 4.0)]
    xs, ys = in_use_over_time(spans, origin=0.0)
    assert max(ys) == 2 and ys[-1] == 0 and xs[-1] == 4.0


def run_workers(slots, workers=6, hold=0.02):  # as the lesson writes it
    recorder = Recorder()

    @recorder.traced("query")
    def query(seconds):
        time.sleep(seconds)

    connections = threading.BoundedSemaphore(slots)

    def worker():
        if not connections.acquire(timeout=5):
            raise TimeoutError("no free connection within 5 s")
        try:
            query(hold)
        finally:
            connections.release()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    return recorder


def test_plots_and_explorer(monkeypatch):
    run = run_withdrawals(CoveredAccount(), [20, 10], deposits=[10, 10, 10], gap=0.01)
    ax = plot_withdrawals(run)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["wants 20", "wants 10"]
    fig = plot_withdrawal_runs({"one": run, "two": run})
    assert len(fig.axes) == 2 and fig.axes[1].get_legend() is None
    recorder = run_workers(2)
    ax = plot_slots_in_use(recorder, limit=2)
    curve = next(line for line in ax.get_lines() if line.get_label() == "connections in use")
    assert max(curve.get_ydata()) == 2 and curve.get_zorder() > 2  # drawn over the limit, not hidden under it
    assert len(plot_connections(recorder, 2).axes) == 2
    assert plot_signal(recorder, fired=recorder.origin).get_lines()
    phases = Recorder()
    for phase in (0, 1):
        with phases.span(f"phase {phase}"):
            pass
    assert plot_phases(phases).get_title()
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda fig: shown.append(fig))
    explorer = SlotsExplorer(run_workers)
    box = explorer.widget()
    box.slider.value = 2
    box.button.click()
    assert explorer.last is not None and max(ys for ys in in_use_over_time(explorer.last.spans, 0)[1]) <= 2
    assert shown
    plt.close("all")
