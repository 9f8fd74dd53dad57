"""Did a lesson leave anything running? Every notebook ends by asking.

A thread or child process left behind by one cell keeps running while the learner
reads on: it can print into a later cell or hold a file open. Each lesson takes a
:func:`snapshot` in its first cell and calls :func:`check_nothing_left` in its
last, and the tests run every lesson, so a leak fails the build.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from helpers.i18n import _

# Threads that the kernel and libraries start for themselves and keep for the life
# of the process: the kernel's messaging and subshells (ipykernel, pyzmq), IPython's
# history writer, tqdm's monitor. They are not the lesson's doing and cannot be
# stopped by it. Recognised by the module of their class...
LIBRARY_MODULES = ("zmq.", "ipykernel.", "IPython.", "tqdm.")
# ...and, by name, Dask's module-level offload pool.
LIBRARY_THREAD_NAMES = ("Dask-Offload",)


def _kind(thread: threading.Thread) -> str:
    return f"{type(thread).__module__}.{type(thread).__qualname__}"


@dataclass(frozen=True)
class Snapshot:
    """The threads alive at a moment (the kernel's own, when taken at the start)."""

    thread_ids: frozenset[int]


def snapshot() -> Snapshot:
    return Snapshot(frozenset(t.ident for t in threading.enumerate() if t.ident is not None))


def leftovers(before: Snapshot, grace: float = 2.0) -> list[str]:
    """Threads started since ``before`` and child processes still alive.

    Waits up to ``grace`` seconds first: a pool's helper threads take a moment to
    exit after ``shutdown``.
    """
    deadline = time.monotonic() + grace
    while True:
        threads = [
            t
            for t in threading.enumerate()
            if t.is_alive()
            and t.ident not in before.thread_ids
            and not _kind(t).startswith(LIBRARY_MODULES)
            and not t.name.startswith(LIBRARY_THREAD_NAMES)
        ]
        children = multiprocessing.active_children()  # also reaps finished children
        if not (threads or children) or time.monotonic() >= deadline:
            break
        time.sleep(0.05)
    named = [_("thread {name!r} ({kind})").format(name=t.name, kind=_kind(t)) for t in threads]
    return named + [_("process {name!r} (pid {pid})").format(name=p.name, pid=p.pid) for p in children]


def check_nothing_left(before: Snapshot) -> str:
    """Say that nothing is left running, or raise naming what is."""
    left = leftovers(before)
    if left:
        raise RuntimeError(_("still running after the lesson: {left}").format(left=", ".join(left)))
    return _("Clean: no thread or child process is left running.")


def join_or_terminate(processes: Iterable[Any], timeout: float = 5.0) -> list[Any]:
    """Join each process, waiting at most ``timeout`` s; terminate any still alive.

    Returns the processes that had to be terminated, so a caller can report them.
    Every run of child processes in the course ends here: a stuck child is
    stopped, never left behind.
    """
    stuck = []
    for process in processes:
        process.join(timeout)
        if process.is_alive():
            process.terminate()
            process.join()
            stuck.append(process)
    return stuck
