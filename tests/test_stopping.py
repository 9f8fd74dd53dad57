import threading

from helpers.stopping import start_ticker, stop_and_join, tick_until


def test_ticker_stops_promptly_when_asked():
    thread, stop, ticks = start_ticker(interval=0.02)
    stop.wait(0.15)  # let it tick
    assert stop_and_join(thread, stop, timeout=1.0)
    assert len(ticks) >= 3
    count = len(ticks)
    stop.wait(0.05)
    assert len(ticks) == count  # nothing ticks after it has stopped


def test_stop_and_join_reports_a_thread_that_does_not_stop():
    never = threading.Event()
    stubborn = threading.Thread(target=never.wait, args=(5,))
    stubborn.start()
    assert stop_and_join(stubborn, threading.Event(), timeout=0.05) is False
    never.set()
    stubborn.join()


def test_tick_until_returns_at_once_if_already_stopped():
    stop, ticks = threading.Event(), []
    stop.set()
    tick_until(stop, ticks)
    assert ticks == []
