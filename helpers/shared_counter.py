"""Counting across processes: a global is not shared; Value and Manager are.

Each process has its own memory, so a module global changed in a child never
reaches the parent (lesson 00). ``multiprocessing.Value`` puts one number in
memory that several processes map; a ``Manager`` runs a server process that holds
any Python object and answers every read and write over a pipe. Both need a lock
for read-modify-write, and they differ a hundredfold in what one update costs.
"""

from __future__ import annotations

import multiprocessing
import time
from dataclasses import dataclass
from typing import Any

from helpers.cleanup import join_or_terminate


def add_to_value(shared: Any, times: int, use_lock: bool, start_line: Any = None) -> None:
    """Add 1 to ``shared.value`` ``times`` times, holding its lock for each update or not.

    ``Value`` has a lock, but ``shared.value += 1`` takes it twice: once to read,
    once to write. Another process can write in between. Only holding
    ``get_lock()`` across both makes the update whole. ``start_line`` (a
    Barrier) lets every process begin together, so they really overlap.
    """
    if start_line is not None:
        start_line.wait(timeout=60)
    for _ in range(times):
        if use_lock:
            with shared.get_lock():
                shared.value += 1
        else:
            shared.value += 1


def add_to_proxy(proxy: Any, lock: Any, times: int) -> None:
    for _ in range(times):
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


def _run(context: Any, target: Any, args: tuple, processes: int) -> float:
    started = time.perf_counter()
    workers = [context.Process(target=target, args=args) for _ in range(processes)]
    for worker in workers:
        worker.start()
    if join_or_terminate(workers, timeout=120):  # never leave a stuck child behind
        raise TimeoutError("a counting process did not finish in 120 s")
    return time.perf_counter() - started


def count_with_value(processes: int = 2, times: int = 50_000, *, use_lock: bool = True,
                     start_method: str | None = None) -> SharedCount:
    """``processes`` children add to one ``multiprocessing.Value``, starting together."""
    context = multiprocessing.get_context(start_method)
    shared = context.Value("i", 0)  # passed at creation, which works under every start method
    start_line = context.Barrier(processes)
    seconds = _run(context, add_to_value, (shared, times, use_lock, start_line), processes)
    how = "Value, with get_lock()" if use_lock else "Value, += only"
    return SharedCount(how, processes, processes * times, shared.value, seconds)


def count_with_manager(processes: int = 2, times: int = 2_000, *, start_method: str | None = None) -> SharedCount:
    """``processes`` children add to a number held by a Manager's server process."""
    context = multiprocessing.get_context(start_method)
    with context.Manager() as manager:
        proxy, lock = manager.Value("i", 0), manager.Lock()
        seconds = _run(context, add_to_proxy, (proxy, lock, times), processes)
        got = proxy.value
    return SharedCount("Manager proxy, with its lock", processes, processes * times, got, seconds)


def plot_costs(counts: list[SharedCount], ax: Any = None) -> Any:
    """Microseconds per update for each way of sharing a number between processes."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(8, 2.8), constrained_layout=True)
    names = [c.how for c in counts]
    values = [c.microseconds_per_update for c in counts]
    bars = ax.barh(names, values, color=["tab:green" if c.lost == 0 else "tab:red" for c in counts])
    labels = [f"{v:.1f} µs" + (f"  (lost {c.lost})" if c.lost else "") for v, c in zip(values, counts, strict=True)]
    ax.bar_label(bars, labels, padding=3, fontsize=8)
    ax.set_xscale("log")
    ax.set_xlabel("microseconds per update (log scale); red: lost updates")
    ax.invert_yaxis()
    ax.set_title("Sharing a counter between processes")
    return ax
