"""Lesson 02's bank instruments, driven by an account and a `deposit_together` like the lesson's own."""

import threading
import time

import matplotlib.pyplot as plt
import pytest

from helpers.bank import (
    DepositRun,
    LostUpdateExplorer,
    SlowAccount,
    plot_deposit_timelines,
    plot_lost_updates,
    run_deposits,
)
from helpers.timeline import Recorder, max_overlap

recorder = Recorder()


class Account:  # the lesson's account
    def __init__(self, balance=0):
        self.balance = balance

    @recorder.traced("deposit")
    def deposit(self, amount):
        current = self.balance
        time.sleep(0.005)
        self.balance = current + amount


class LockedAccount(Account):
    def __init__(self, balance=0):
        super().__init__(balance)
        self.lock = threading.Lock()

    def deposit(self, amount):
        with self.lock:
            super().deposit(amount)


def deposit_together(account, threads, deposits_per_thread=5):  # the lesson's function
    start_line = threading.Barrier(threads)

    def customer():
        start_line.wait(timeout=10)
        for _ in range(deposits_per_thread):
            account.deposit(1)

    customers = [threading.Thread(target=customer, name=f"customer-{i}") for i in range(threads)]
    for c in customers:
        c.start()
    for c in customers:
        c.join(timeout=30)


@pytest.mark.parametrize("threads", [2, 8, 16])
def test_the_lessons_race_loses_updates_on_every_run(threads):
    # Forced, not lucky: every thread starts at the Barrier and is inside a 5 ms window all the
    # time until its five deposits are done, so the others' reads land in its windows.
    for _ in range(5):
        result = run_deposits(deposit_together, Account(), threads)
        assert result.lost > 0 and result.balance < result.expected


@pytest.mark.parametrize("threads", [1, 2, 8])
def test_the_locked_account_never_loses(threads):
    for _ in range(3):
        result = run_deposits(deposit_together, LockedAccount(), threads, deposits_per_thread=3)
        assert result.lost == 0 and result.balance == threads * 3


def test_a_run_counts_only_what_this_run_deposited():
    result = run_deposits(deposit_together, LockedAccount(balance=100), 2, deposits_per_thread=2)
    assert (result.expected, result.balance, result.lost) == (4, 4, 0)
    assert "expected 4, got 4: lost 0" in str(result)
    with pytest.raises(ValueError):
        run_deposits(deposit_together, Account(), 0)


def test_recorded_deposits_overlap_without_the_lock_and_never_with_it():
    racy = run_deposits(deposit_together, Account(), 4, deposits_per_thread=3, recorder=recorder)
    safe = run_deposits(deposit_together, LockedAccount(), 4, deposits_per_thread=3, recorder=recorder)
    assert len(racy.spans) == len(safe.spans) == 12  # each run keeps its own spans
    assert max_overlap(racy.spans) > 1
    assert max_overlap(safe.spans) == 1
    assert racy.origin <= min(s.start for s in racy.spans)
    fig = plot_deposit_timelines([(racy, "no lock"), (safe, "lock")])
    assert len(fig.legends) == 1  # the one colour is explained
    assert {tuple(bar.get_facecolor()) for ax in fig.axes for bar in ax.patches} == {
        tuple(fig.axes[0].patches[0].get_facecolor())}
    plt.close(fig)


def test_slow_account_reads_through_its_delay_and_has_a_timeout_lock():
    account = SlowAccount("x", 5, delay=0.0)
    account.balance += 2
    assert account.balance == 7 and "x" in repr(account)
    assert account.lock.timeout == 1.0


def test_explorer_widget_runs_the_lessons_code_for_the_slider_setting(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda fig: shown.append(fig))
    explorer = LostUpdateExplorer(deposit_together, {False: Account, True: LockedAccount}, deposits_per_thread=2)
    box = explorer.widget()
    box.slider.value = 3
    box.button.click()
    box.locked.value = True
    box.button.click()
    assert explorer.runs[3, False].lost > 0
    assert explorer.runs[3, True].lost == 0
    assert shown
    assert "3 threads with the lock" in explorer.describe(explorer.runs[3, True], True)


def test_plot_lost_updates_labels_each_thread_count():
    runs = [DepositRun(1, 5, 5, 0.1), DepositRun(4, 20, 5, 0.1)]
    ax = plot_lost_updates(runs)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "4"]
    assert len(ax.patches) == 4
    assert [t.get_text() for t in ax.texts] == ["lost 0", "lost 15"]  # every bar, the lossless one too
    plt.close(ax.figure)
