"""Lesson 02's process targets for counting across processes, and the picture of what it costs.

Each process has its own memory, so a module global changed in a child never
reaches the parent (lesson 00). ``multiprocessing.Value`` puts one number in
memory that several processes map; a ``Manager`` runs a server process that holds
any Python object and answers every read and write over a pipe. The lesson
starts the processes; their targets live here because a process started with
``spawn`` or ``forkserver`` imports its target by name, and a function defined
in a notebook cell has no name it can import.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from helpers.i18n import _


def add_to_value(shared: Any, times: int, use_lock: bool, start_line: Any = None, pause: float = 0.0) -> None:
    """Add 1 to ``shared.value`` ``times`` times, holding its lock for each whole update or not.

    A ``Value`` has a lock, but it covers each read and each write on its own: in
    ``shared.value += 1`` another process can write between the two, and that
    write is lost. Only holding ``get_lock()`` across both makes the update whole.
    ``pause`` widens the gap between the read and the write (as the deposits of
    section 1 do), so an unlocked run loses updates every time, not only when the
    processes happen to overlap. ``start_line`` (a Barrier) lets every process
    begin together.
    """
    if start_line is not None:
        start_line.wait(timeout=60)
    for _n in range(times):
        if use_lock:
            with shared.get_lock():
                value = shared.value
                if pause:
                    time.sleep(pause)
                shared.value = value + 1
        else:
            value = shared.value  # a locked read...
            if pause:
                time.sleep(pause)  # ...another process may write here...
            shared.value = value + 1  # ...a locked write, over whatever it wrote


def add_to_proxy(proxy: Any, lock: Any, times: int, start_line: Any = None) -> None:
    """Add 1 to a Manager's value ``times`` times: each read and write is a message to the manager's process."""
    if start_line is not None:
        start_line.wait(timeout=60)
    for _n in range(times):
        with lock:
            proxy.value += 1


@dataclass(frozen=True)
class SharedCount:
    how: str
    processes: int
    expected: int
    got: int
    seconds: float

    @property
    def lost(self) -> int:
        return self.expected - self.got

    @property
    def microseconds_per_update(self) -> float:
        return self.seconds / self.expected * 1e6

    def __str__(self) -> str:
        from helpers.races import loss_text

        return _("{how}: {loss}; {us:.1f} µs per update").format(
            how=self.how, loss=loss_text(self.expected, self.got), us=self.microseconds_per_update)


def measure_count(how: str, count: Callable[..., tuple[int, float]], processes: int, times: int,
                  **options: Any) -> SharedCount:
    """Run the lesson's ``count(processes=..., times=..., **options)``, which returns (final count, seconds).

    The lesson's function times itself from the moment every child is ready, so
    the cost per update does not include starting processes (slow under ``spawn``).
    """
    got, seconds = count(processes=processes, times=times, **options)
    return SharedCount(how, processes, processes * times, got, seconds)


def plot_sharing_costs(counts: list[SharedCount], ax: Any = None) -> Any:
    """Microseconds per update for each way of sharing a number between processes (log scale)."""
    import matplotlib.pyplot as plt

    if ax is None:
        _fig, ax = plt.subplots(figsize=(9, 0.9 + 0.6 * max(3, len(counts))), constrained_layout=True)
    names = [c.how for c in counts]
    values = [c.microseconds_per_update for c in counts]
    bars = ax.barh(names, values, color=["tab:green" if c.lost == 0 else "tab:red" for c in counts])
    labels = [_("{us:.1f} µs").format(us=v) + (_("  (lost {lost:,})").format(lost=c.lost) if c.lost else "")
              for v, c in zip(values, counts, strict=True)]
    ax.bar_label(bars, labels, padding=3, fontsize=8)
    ax.set_xscale("log")
    ax.set_xlim(min([*values, 1.0]) / 3, max([*values, 1.0]) * 8)  # room for the labels right of the bars
    lost_any = any(c.lost for c in counts)
    ax.set_xlabel(_("microseconds per update (log scale); red: updates were lost") if lost_any
                  else _("microseconds per update (log scale)"))
    ax.invert_yaxis()
    ax.set_title(_("Sharing a counter between processes"))
    return ax
