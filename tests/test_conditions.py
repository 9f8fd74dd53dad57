import threading

import matplotlib.pyplot as plt
import pytest

from helpers.conditions import (
    CoveredAccount,
    SlotsExplorer,
    extra_release,
    plot_slots_in_use,
    run_connections,
    run_in_phases,
    run_with_start_signal,
    run_withdrawals,
)
from helpers.timeline import max_overlap


def test_withdrawals_wait_until_covered_and_are_served_smallest_first():
    run = run_withdrawals([30, 50, 20], deposits=[10] * 10, gap=0.02, timeout=2.0)
    assert run.served == {"wants 30": True, "wants 50": True, "wants 20": True}
    assert run.balance == 0
    withdrawn = [line.split(":")[0] for line in run.log if "withdrew" in line]
    assert withdrawn == ["wants 20", "wants 30", "wants 50"]


def test_a_withdrawal_never_covered_gives_up_at_its_timeout():
    account = CoveredAccount(balance=5)
    assert account.withdraw(10, timeout=0.05) is False
    assert account.balance == 5


def test_notify_wakes_the_wrong_waiter_and_notify_all_does_not():
    def served_at(wake):
        run = run_withdrawals([50, 10], deposits=[10], wake=wake, gap=0.05, timeout=0.5)
        span = next(s for s in run.spans if s.task == "wait for 10")
        return span.end - run.origin, run.served["wants 10"]

    late, _ = served_at("notify")
    prompt, ok = served_at("notify_all")
    assert ok
    assert prompt < 0.3 < late  # with notify the 10 only re-checked at its 0.5 s timeout


def test_bad_wake_mode():
    with pytest.raises(ValueError):
        CoveredAccount(wake="shout")


@pytest.mark.parametrize("slots", [1, 2, 3, 5])
def test_the_semaphore_never_admits_more_than_its_slots(slots):
    run = run_connections(workers=8, slots=slots, hold=0.03)
    assert len(run.spans) == 8
    assert max_overlap(run.spans) == slots  # exactly the cap: the slots are used, never exceeded


def test_bounded_semaphore_catches_an_extra_release():
    assert "ValueError" in extra_release(bounded=True)
    assert "silently" in extra_release(bounded=False)


def test_event_releases_every_waiter_and_barrier_aligns_phases():
    delays = run_with_start_signal(workers=3)
    assert len(delays) == 3 and all(d >= 0 for d in delays)
    spans = run_in_phases(workers=3, phases=2)
    phase0_end = max(s.end for s in spans if s.task == "phase 0")
    phase1_start = min(s.start for s in spans if s.task == "phase 1")
    assert phase1_start >= phase0_end  # nobody started phase 1 before everyone finished phase 0


def test_slots_explorer_and_plot(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda fig: shown.append(fig))
    explorer = SlotsExplorer(workers=4, hold=0.02)
    box = explorer.widget()
    box.slider.value = 2
    box.button.click()
    assert explorer.last.slots == 2 and shown
    ax = plot_slots_in_use(explorer.last)
    assert max(ax.get_lines()[0].get_ydata()) == 2
    plt.close("all")


def test_no_thread_left_behind():
    run_connections(workers=3, slots=1, hold=0.01)
    assert not [t for t in threading.enumerate() if t.name.startswith("worker-")]
