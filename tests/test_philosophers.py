"""Lesson 06's table: the naive dinner deadlocks every time, every cure never does, nothing hangs."""

import random
import threading
import time

import matplotlib.pyplot as plt
import pytest

from helpers.philosophers import (
    Deadlock,
    DinnerExplorer,
    DinnerOver,
    dine,
    find_cycle,
    plot_dinner,
    plot_dinners,
    plot_meals,
    plot_wait_for,
)

# --- the lesson's strategies, as the notebook writes them ----------------------------------------


def naive(me, left, right, eat):
    with left, right:
        eat()


def ordered(me, left, right, eat):
    first, second = sorted((left, right), key=lambda fork: fork.number)
    with first, second:
        eat()


def with_a_waiter(seats):
    chairs = threading.BoundedSemaphore(seats)

    def waiter(me, left, right, eat):
        if not chairs.acquire(timeout=1.0):
            return
        try:
            with left, right:
                eat()
        finally:
            chairs.release()

    return waiter


def try_lock(me, left, right, eat):
    while True:
        with left:
            if right.acquire(blocking=False):
                try:
                    eat()
                finally:
                    right.release()
                return
        time.sleep(random.uniform(0.001, 0.01))


def no_philosophers_left():
    return not [t for t in threading.enumerate() if t.name.startswith("philosopher")]


@pytest.mark.parametrize("n", [2, 3, 5, 8])
def test_the_naive_dinner_deadlocks_every_time_and_is_called_off(n):
    dinner = dine(naive, n, duration=10.0)
    assert dinner.deadlock is not None
    assert dinner.seconds < 9  # called off by the watchdog, long before the end
    assert dinner.meals == [0] * n
    assert dinner.deadlock.cycle() == list(range(n))
    assert dinner.deadlock.waits == {p: (p + 1) % n for p in range(n)}
    assert no_philosophers_left()


@pytest.mark.parametrize("bad_start", [True, False])
@pytest.mark.parametrize("n", [2, 5, 7])
@pytest.mark.parametrize("cure", ["ordered", "waiter", "try_lock"])
def test_every_cure_feeds_everyone_without_deadlock_from_any_start(cure, n, bad_start):
    strategy = {"ordered": ordered, "waiter": with_a_waiter(n - 1), "try_lock": try_lock}[cure]
    dinner = dine(strategy, n, duration=0.6, bad_start=bad_start)
    assert dinner.deadlock is None and dinner.errors == []
    assert dinner.everyone_ate, dinner.meals
    assert dinner.most_eating <= n // 2
    assert no_philosophers_left()


def test_a_waiter_with_a_seat_for_everyone_deadlocks_from_the_worst_start():
    dinner = dine(with_a_waiter(5), 5, duration=5.0)
    assert dinner.deadlock is not None and dinner.deadlock.cycle() == [0, 1, 2, 3, 4]
    assert no_philosophers_left()


def test_mistakes_in_a_strategy_are_reported_and_end_the_dinner():
    def eats_with_one_fork(me, left, right, eat):
        with left:
            eat()

    def keeps_a_fork(me, left, right, eat):
        left.acquire()

    def raises(me, left, right, eat):
        raise ValueError("spilled the soup")

    for strategy, words in [(eats_with_one_fork, "tried to eat"), (keeps_a_fork, "still holding"),
                            (raises, "ValueError: spilled the soup")]:
        dinner = dine(strategy, 4, duration=5.0)
        assert dinner.errors and words in dinner.errors[0], dinner.errors
        assert dinner.seconds < 4
        assert no_philosophers_left()


def test_forks_behave_like_locks_and_refuse_once_the_dinner_is_over():
    seen = {}

    def probe(me, left, right, eat):
        if me == 0 and "tries" not in seen:
            with left:
                seen["tries"] = (left.acquire(blocking=False), left.locked(), repr(left))
                seen["timeout"] = left.acquire(timeout=0.02)
            eat_ok = right.acquire(timeout=1) and left.acquire(timeout=1)
            if eat_ok:
                eat()
                left.release()
                right.release()

    dinner = dine(probe, 3, duration=0.3, bad_start=False)
    assert seen["tries"] == (False, True, "<fork 0>")
    assert seen["timeout"] is False
    assert dinner.meals[0] == 1 and dinner.errors == []
    table_fork = {}

    def grab(me, left, right, eat):
        table_fork[me] = left

    dine(grab, 2, duration=0.1)
    with pytest.raises(DinnerOver):
        table_fork[0].acquire()


def test_the_table_notes_which_fork_each_philosopher_reaches_for_first():
    def left_handed(me, left, right, eat):
        first, second = (right, left) if me == 0 else (left, right)
        with first, second:
            eat()

    assert dine(left_handed, 4, duration=0.3).first_forks == {0: {1}, 1: {1}, 2: {2}, 3: {3}}
    assert dine(ordered, 4, duration=0.3, bad_start=False).first_forks == {0: {0}, 1: {1}, 2: {2}, 3: {0}}
    assert no_philosophers_left()


def test_find_cycle():
    assert find_cycle({0: [0], 1: [1]}, {0: 1, 1: 0}) == [0, 1]
    assert find_cycle({2: [5], 3: [6], 4: [7]}, {3: 7, 4: 6}) == [3, 4]
    assert find_cycle({0: [0], 1: [1]}, {0: 1}) == []
    assert find_cycle({0: [0]}, {0: 0}) == [0]  # waiting for a fork in one's own hand
    assert Deadlock({0: [0], 1: [1]}, {0: 1, 1: 0}, 0.5).describe().splitlines()[0] == \
        "philosopher 0 holds fork 0 and waits for fork 1"


@pytest.mark.parametrize("bad", [lambda: dine(naive, 1), lambda: dine("naive", 5)])
def test_bad_settings(bad):
    with pytest.raises((ValueError, TypeError)):
        bad()


def test_pictures_and_the_explorer(monkeypatch):
    stuck = dine(naive, 4)
    ax = plot_wait_for(stuck.deadlock, 4)
    assert ax.get_title() == "Wait-for cycle: P0 → P1 → P2 → P3 → P0"
    fed = [dine(cure, 4, duration=0.2, bad_start=False) for cure in (ordered, try_lock) for _ in range(2)]
    ax = plot_meals(fed)
    assert len(ax.patches) == 2 * 4 and "mean of 2 dinners" in ax.get_title()
    ax = plot_dinner(stuck)
    assert any(t.get_text().strip() == "deadlock detected" for t in ax.texts)
    fig = plot_dinners([stuck, fed[0]])
    assert len(fig.axes) == 2 and fig.axes[1].get_legend() is None
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda fig: shown.append(fig))
    explorer = DinnerExplorer({"naive": lambda n: naive, "waiter": lambda n: with_a_waiter(n - 1)}, duration=0.3)
    box = explorer.widget()
    box.choice.value, box.slider.value, box.worst.value = "waiter", 3, False
    box.button.click()
    assert explorer.last.strategy == "waiter" and explorer.last.philosophers == 3 and shown
    assert explorer.last.deadlock is None
    plt.close("all")
