"""Processes own memory; threads share it. Small functions that show it.

Lesson 00 runs :func:`whoami` and :func:`bump` in threads and in processes. The
functions live here, in a module, because a process started with spawn or
forkserver has to import the function it runs.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass

from helpers.i18n import _

# A module-level global: one copy per process, shared by all of its threads.
counter = 0
counter_lock = threading.Lock()  # threads of one process share the counter, so they share its lock too


@dataclass(frozen=True)
class Identity:
    """Which process and which thread a piece of code ran in."""

    pid: int
    thread_id: int
    thread_name: str

    def __str__(self) -> str:
        return _("pid {pid}, thread {name} (id {ident})").format(
            pid=self.pid, name=self.thread_name, ident=self.thread_id)


def whoami(pause: float = 0.0) -> Identity:
    """Where this call is running, after ``pause`` seconds.

    The pause keeps a worker busy for a moment, so a pool hands the next call to
    another worker instead of reusing the one that just finished.
    """
    time.sleep(pause)
    thread = threading.current_thread()
    return Identity(os.getpid(), threading.get_ident(), thread.name)


def bump(by: int = 1) -> int:
    """Add ``by`` to this process's ``counter`` and return what it now holds.

    ``counter += by`` reads, adds and writes in separate steps; two threads that
    bump at once could both read the old value and lose an update (lesson 02
    shows it). The lock lets one thread at a time through, with or without a GIL.
    """
    global counter
    with counter_lock:
        counter += by
        return counter


def read_counter() -> int:
    return counter


def reset_counter() -> None:
    global counter
    with counter_lock:
        counter = 0
