"""Stopping a worker thread cleanly: ask it with an Event, then join with a timeout.

Python cannot kill a thread from outside. A long-running worker must therefore
check, regularly, whether it has been asked to stop. ``Event.wait(interval)`` is
the idiom: it sleeps like ``time.sleep`` but wakes at once when the event is set.
"""

from __future__ import annotations

import threading
import time


def tick_until(stop: threading.Event, ticks: list[float], interval: float = 0.05) -> None:
    """Note the time every ``interval`` seconds until ``stop`` is set."""
    while not stop.is_set():
        ticks.append(time.perf_counter())
        stop.wait(interval)  # a sleep that ends early when asked to stop


def start_ticker(interval: float = 0.05) -> tuple[threading.Thread, threading.Event, list[float]]:
    """A running ticker thread, its stop Event, and the list it appends to."""
    stop, ticks = threading.Event(), []
    thread = threading.Thread(target=tick_until, args=(stop, ticks, interval), name="ticker")
    thread.start()
    return thread, stop, ticks


def stop_and_join(thread: threading.Thread, stop: threading.Event, timeout: float = 2.0) -> bool:
    """Ask the thread to stop, wait at most ``timeout`` s; True if it has ended.

    ``join(timeout)`` returns None either way: ``is_alive()`` afterwards is how you
    know whether the wait ended because the thread did or because time ran out.
    """
    stop.set()
    thread.join(timeout)
    return not thread.is_alive()
