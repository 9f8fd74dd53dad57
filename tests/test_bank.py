import threading

import matplotlib.pyplot as plt
import pytest

from helpers.bank import Account, DepositThread, LostUpdateExplorer, SlowAccount, plot_lost_updates, run_deposits
from helpers.timeline import max_overlap


@pytest.mark.parametrize("threads", [2, 3, 8, 16])
def test_the_race_loses_updates_on_every_run(threads):
    for _ in range(25):
        result = run_deposits(threads, deposits_per_thread=5)  # the lesson's own settings
        assert result.lost > 0, "an unlocked run lost nothing: the demo would not show the bug"
        assert result.balance < result.expected


@pytest.mark.parametrize("threads", [1, 2, 8, 16])
def test_the_locked_version_never_loses(threads):
    for _ in range(10):
        result = run_deposits(threads, deposits_per_thread=3, locked=True, window=0.0005)
        assert result.lost == 0 and result.balance == threads * 3


def test_one_thread_alone_is_correct_even_without_the_lock():
    assert run_deposits(1, 10, window=0.0).lost == 0


def test_locked_deposits_never_overlap_and_unlocked_ones_do():
    racy = run_deposits(4, 3, record=True, window=0.003)
    safe = run_deposits(4, 3, locked=True, record=True, window=0.003)
    assert len(racy.spans) == len(safe.spans) == 12
    assert max_overlap(racy.spans) > 1
    assert max_overlap(safe.spans) == 1
    assert racy.origin <= min(s.start for s in racy.spans)


def test_acquire_release_form_releases_even_when_the_update_fails():
    account = Account(window=0.0)
    account.balance = None  # None + 1 raises TypeError inside the critical section
    with pytest.raises(TypeError):
        account.deposit_acquire_release(1)
    assert not account.lock.locked()


def test_start_runs_in_a_new_thread_and_run_in_the_caller():
    account = Account(window=0.0)
    started, called = DepositThread(account, 1), DepositThread(account, 1)
    started.start()
    started.join()
    called.run()
    assert started.ran_in != threading.current_thread().name
    assert called.ran_in == threading.current_thread().name
    assert account.balance == 2


def test_withdraw_takes_money_out():
    account = Account(10, window=0.0)
    account.withdraw(3)
    assert account.balance == 7


def test_slow_account_reads_through_its_delay_and_has_a_timeout_lock():
    account = SlowAccount("x", 5, delay=0.0)
    account.balance += 2
    assert account.balance == 7 and "x" in repr(account)
    assert account.lock.timeout == 1.0


def test_explorer_widget_runs_the_slider_setting(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda fig: shown.append(fig))
    explorer = LostUpdateExplorer(deposits_per_thread=2)
    box = explorer.widget()
    box.slider.value = 3
    box.button.click()
    box.locked.value = True
    box.button.click()
    assert explorer.runs[3, False].lost > 0
    assert explorer.runs[3, True].lost == 0
    assert shown


def test_plot_lost_updates_labels_each_thread_count():
    runs = [run_deposits(n, 2, window=0.002) for n in (1, 4)]
    ax = plot_lost_updates(runs)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "4"]
    assert len(ax.patches) == 4
    plt.close(ax.figure)


def test_bad_arguments():
    with pytest.raises(ValueError):
        run_deposits(0)
