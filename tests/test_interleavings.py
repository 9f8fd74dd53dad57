"""Lesson 02's interleaving explorer: exact counts, no threads, no timing."""

import math

import matplotlib.pyplot as plt
import pytest

from helpers.interleavings import (
    INTERPRETERS,
    InterleavingExplorer,
    all_schedules,
    interpreter,
    plot_schedules,
    run,
    schedule_table,
    tally,
)


def test_there_are_twenty_orders_and_eighteen_lose_an_update():
    schedules = all_schedules()
    assert len(schedules) == math.comb(6, 3) == 20
    assert len({s.label for s in schedules}) == 20
    assert sum(s.loses_an_update for s in schedules) == 18
    assert [s.label for s in schedules if not s.loses_an_update] == ["AAABBB", "BBBAAA"]


def test_each_order_keeps_every_threads_own_steps_in_order():
    for schedule in all_schedules():
        for thread in "AB":
            assert [s.action for s in schedule.steps if s.thread == thread] == ["read", "add", "write"]


def test_running_an_order_by_hand():
    lost = run("ABABAB")
    assert [s.counter for s in lost.steps] == [0, 0, 0, 0, 1, 1]
    assert lost.steps[1].registers == (0, 0)  # both read 0
    assert lost.final == 1 and lost.loses_an_update
    right = run("AAABBB")
    assert right.final == 2 and not right.loses_an_update
    with pytest.raises(ValueError):
        run("AAB")


@pytest.mark.parametrize(("key", "possible", "losing"), [("any", 20, 18), ("gil-call", 6, 4), ("gil", 2, 0)])
def test_which_orders_each_interpreter_can_produce(key, possible, losing):
    counts = tally(key)
    assert (counts.possible, counts.losing) == (possible, losing)


def test_with_the_gil_a_thread_is_never_paused_between_its_read_and_its_write():
    gil = interpreter("gil")
    assert [s.label for s in all_schedules() if gil.allows(s)] == ["AAABBB", "BBBAAA"]
    call = interpreter("gil-call")
    assert call.allows(run("ABAABB"))  # A paused after its read, at the call
    assert not call.allows(run("AABABB"))  # A paused after its add: no check point there
    with pytest.raises(ValueError):
        interpreter("pypy")


def test_the_explorer_steps_through_orders_and_wraps_around():
    explorer = InterleavingExplorer("gil")
    assert explorer.schedule.label == "AAABBB" and explorer.shown == 0
    for _ in range(6):
        explorer.next_step()
    assert explorer.shown == 6 and "nothing lost" in explorer.describe()
    explorer.next_step()
    assert (explorer.index, explorer.shown) == (1, 0)
    explorer.step_to(99)
    assert explorer.shown == 6
    assert "lost" in explorer.describe() and "Impossible" in explorer.describe()
    explorer.select(19)
    explorer.next_step()
    explorer.step_to(6)
    explorer.next_step()
    assert explorer.index == 0  # after the last order, the first again
    with pytest.raises(ValueError):
        explorer.select(20)


def test_the_table_marks_the_steps_done_and_the_next_one():
    table = schedule_table(run("ABABAB"), 2)
    assert table.count("<tr") == 7  # a header and six steps
    assert table.count("opacity:0.4") == 4 and table.count("outline") == 1
    assert "reads counter: 0" in table
    assert "writes" not in table and "will write" in table  # no value shown before its step is done


def test_the_widget_moves_with_its_button_and_sliders():
    explorer = InterleavingExplorer()
    box = explorer.widget()
    box.button.click()
    assert explorer.shown == 1 and box.steps.value == 1
    box.order.value = 7
    assert explorer.index == 6 and explorer.shown == 0
    box.steps.value = 6
    assert explorer.shown == 6
    box.choice.value = "gil"
    assert explorer.interpreter.key == "gil"


@pytest.mark.parametrize("key", [i.key for i in INTERPRETERS])
def test_the_overview_draws_every_order_and_greys_the_impossible(key):
    ax = plot_schedules(key)
    alphas = {round(p.get_alpha(), 2) for p in ax.patches}
    assert len(ax.patches) == 20 * 6
    assert (0.18 in alphas) == (tally(key).possible < 20)
    plt.close(ax.figure)


def test_the_overview_of_every_order_is_titled_as_paper_work_not_as_one_interpreter():
    """Shown before the lesson explains interpreters: a learner with the GIL must not read it as "not mine"."""
    every = plot_schedules("any").get_title()
    assert every.startswith("Every order, on paper: 18 of 20") and "free-threaded" in every
    assert plot_schedules("gil").get_title().startswith("GIL, counter.value += 1")
    plt.close("all")
