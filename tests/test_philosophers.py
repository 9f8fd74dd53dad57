import threading

import matplotlib.pyplot as plt
import pytest

from helpers.philosophers import STRATEGIES, DinnerExplorer, dine, plot_dinner, plot_meals, plot_wait_for


@pytest.mark.parametrize("n", [2, 3, 5, 8])
def test_the_naive_dinner_is_reported_deadlocked_within_a_bounded_time(n):
    dinner = dine("naive", n, duration=5.0)
    assert dinner.deadlock is not None
    assert dinner.deadlock.after < 2.0
    assert dinner.meals == [0] * n
    assert dinner.deadlock.cycle() == list(range(n))
    assert not [t for t in threading.enumerate() if t.name.startswith("philosopher")]


@pytest.mark.parametrize("strategy", STRATEGIES[1:])
@pytest.mark.parametrize("n", [2, 5, 7])
def test_every_cure_finishes_with_every_philosopher_fed(strategy, n):
    dinner = dine(strategy, n, duration=0.6)
    assert dinner.deadlock is None
    assert dinner.everyone_ate, dinner.meals
    assert not [t for t in threading.enumerate() if t.name.startswith("philosopher")]


def test_the_waiter_with_too_many_seats_can_still_be_unlucky_but_always_ends():
    dinner = dine("waiter", 5, duration=0.5, seats=5)
    assert dinner.seconds < 3


def test_custom_order_is_used():
    assert dine("custom", 4, order=lambda p, left, right: (left, right), duration=2).deadlock is not None
    assert dine("custom", 4, order=lambda p, left, right: (min(left, right), max(left, right)),
                duration=0.4).deadlock is None


@pytest.mark.parametrize(("args", "kwargs"), [(("eating", 5), {}), (("naive", 1), {}), (("custom", 5), {})])
def test_bad_settings(args, kwargs):
    with pytest.raises(ValueError):
        dine(*args, **kwargs)


def test_pictures(monkeypatch):
    naive = dine("naive", 4)
    ax = plot_wait_for(naive.deadlock, 4)
    assert ax.get_title() == "Wait-for cycle: P0 → P1 → P2 → P3 → P0"
    plt.close(ax.figure)
    fed = [dine(s, 4, duration=0.3) for s in STRATEGIES[1:]]
    ax = plot_meals(fed)
    assert len(ax.patches) == 3 * 4
    plt.close(ax.figure)
    ax = plot_dinner(naive)
    assert any(t.get_text().strip() == "deadlock detected" for t in ax.texts)
    plt.close(ax.figure)
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda fig: shown.append(fig))
    explorer = DinnerExplorer(duration=0.3)
    box = explorer.widget()
    box.choice.value, box.slider.value = "try-lock", 3
    box.button.click()
    assert explorer.last.strategy == "try-lock" and explorer.last.philosophers == 3 and shown
    plt.close("all")
