import threading
import time

import pytest

from helpers.responsiveness import ResponsivenessDemo


def test_background_work_leaves_the_caller_free_and_counts_clicks_during_work():
    demo = ResponsivenessDemo(steps=10, delay=0.03)
    worker = demo.start_background()
    assert worker is not None and demo.busy
    demo.click()  # the caller is free at once: this runs while the work does
    assert demo.clicks_during_work == 1
    assert demo.progress < demo.steps
    assert demo.wait(timeout=5)
    assert demo.progress == demo.steps and not demo.busy


def test_blocking_work_returns_only_when_done():
    demo = ResponsivenessDemo(steps=5, delay=0.01)
    demo.run_blocking()
    assert demo.progress == 5 and not demo.busy
    demo.click()
    assert (demo.clicks, demo.clicks_during_work) == (1, 0)


def test_a_second_start_while_busy_is_ignored():
    demo = ResponsivenessDemo(steps=5, delay=0.05)
    assert demo.start_background() is not None
    assert demo.start_background() is None
    demo.wait()
    assert [t for t in threading.enumerate() if t.name == "background-work"] == []


def test_widget_buttons_drive_the_same_logic():
    demo = ResponsivenessDemo(steps=3, delay=0.01)
    box = demo.widget()
    blocking, background = box.children[0].children
    bar = box.children[1]
    clicker, label = box.children[2].children
    blocking.click()
    assert bar.value == 3 and bar.bar_style == "success"
    clicker.click()
    assert "clicks counted: 1" in label.value
    background.click()
    assert demo.wait(timeout=5)
    time.sleep(0.01)
    assert bar.value == 3


@pytest.mark.parametrize(("steps", "delay"), [(0, 0.1), (3, -1)])
def test_bad_settings_are_refused(steps, delay):
    with pytest.raises(ValueError):
        ResponsivenessDemo(steps, delay)


def test_the_lessons_own_thread_starter_is_what_the_background_button_uses():
    started = []

    def start_in_a_named_thread(work):
        worker = threading.Thread(target=work, name="the-lessons-thread")
        started.append(worker)
        worker.start()
        return worker

    demo = ResponsivenessDemo(steps=3, delay=0.01, start_thread=start_in_a_named_thread)
    box = demo.widget()
    box.children[0].children[1].click()
    assert demo.wait(timeout=5)
    assert [t.name for t in started] == ["the-lessons-thread"] and demo.progress == 3


def test_work_started_any_other_way_while_a_run_is_going_is_refused_and_said():
    demo = ResponsivenessDemo(steps=6, delay=0.05)
    box = demo.widget()
    blocking, background = box.children[0].children
    label = box.children[2].children[1]
    assert demo.start_background() is not None
    assert blocking.disabled and background.disabled  # the buttons say it too
    second = threading.Thread(target=demo.work)  # as the lesson's own cell would start it
    second.start()
    second.join(timeout=5)
    assert not second.is_alive() and demo.refused == 1  # returned at once: one run moves the bar
    assert "1 start refused" in label.value
    assert demo.wait(timeout=5) and demo.progress == 6
    assert not blocking.disabled and not background.disabled


def test_each_press_joins_the_thread_of_the_press_before():
    demo = ResponsivenessDemo(steps=2, delay=0.01)
    first = demo.start_background()
    assert demo.wait(timeout=5)
    second = demo.start_background()
    assert second is not first and not first.is_alive()
    assert demo.wait(timeout=5)
