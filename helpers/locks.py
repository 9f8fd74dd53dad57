"""A lock that cannot hang a notebook: waiting too long raises instead.

A deadlock in a notebook freezes the kernel for good: the stuck threads can be
neither interrupted nor killed. Lessons that let a learner's code take several
locks (a transfer between accounts, the dining philosophers) hand it this lock
instead. It behaves like ``threading.Lock`` until a wait exceeds ``timeout``;
then it raises :class:`DeadlockSuspected`, the thread unwinds, its ``with``
blocks release what it holds, and the lesson can report what happened.
"""

from __future__ import annotations

import threading
from typing import Any

from helpers.i18n import _


class DeadlockSuspected(RuntimeError):
    """A thread waited longer than any correct program here would."""


class TimeoutLock:
    """``threading.Lock`` whose blocking acquire gives up after ``timeout`` seconds."""

    def __init__(self, name: str = "lock", timeout: float = 2.0) -> None:
        if timeout <= 0:
            raise ValueError(_("timeout must be positive, not {timeout}").format(timeout=timeout))
        self.name = name
        self.timeout = timeout
        self._lock = threading.Lock()
        self.owner: str | None = None  # thread name, for reports of who holds what

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        """Like ``Lock.acquire``; a plain blocking call waits at most ``self.timeout``."""
        if blocking and timeout == -1:
            if not self._lock.acquire(timeout=self.timeout):
                raise DeadlockSuspected(_("{thread} waited {seconds:g} s for {lock}, held by {owner}").format(
                    thread=threading.current_thread().name, seconds=self.timeout, lock=self.name, owner=self.owner))
        elif not self._lock.acquire(blocking, timeout):
            return False
        self.owner = threading.current_thread().name
        return True

    def release(self) -> None:
        self.owner = None
        self._lock.release()

    def locked(self) -> bool:
        return self._lock.locked()

    def __enter__(self) -> TimeoutLock:
        self.acquire()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.release()

    def __repr__(self) -> str:
        state = f"held by {self.owner}" if self.locked() else "free"
        return f"<TimeoutLock {self.name} {state}>"
