"""The dining philosophers: a deadlock shown, detected, drawn, and cured three ways.

N philosophers sit at a round table with one fork between each pair. To eat, a
philosopher needs both neighbouring forks. If every philosopher picks up the left
fork and then waits for the right one, each waits for a fork its neighbour will
never put down: a **deadlock**, a cycle of threads each holding what the next one
needs.

Nothing here can hang a notebook. Forks are taken with ``acquire(timeout=...)``
in a loop that also watches a stop ``Event``; a watchdog in the calling thread
notices when nobody has eaten for a while and everybody is waiting, records who
holds and who waits for which fork, and sets the event so every philosopher
puts down what it holds and leaves. Every run ends within ``duration`` seconds
plus a little.
"""

from __future__ import annotations

import contextlib
import os
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from helpers.timeline import Span

STRATEGIES = ("naive", "ordered", "waiter", "try-lock")
ForkOrder = Callable[[int, int, int], tuple[int, int]]  # (philosopher, left, right) -> (first, second)
POLL = 0.02  # how often a waiting philosopher looks at the stop event


@dataclass(frozen=True)
class Deadlock:
    """Who held which fork and who waited for which, when the watchdog looked."""

    holds: dict[int, list[int]]  # philosopher -> forks in hand
    waits: dict[int, int]  # philosopher -> fork wanted
    after: float  # seconds since the dinner started

    def cycle(self) -> list[int]:
        """Philosophers in wait-for order: each waits for a fork the next one holds."""
        holder = {fork: p for p, forks in self.holds.items() for fork in forks}
        start = min(self.waits) if self.waits else 0
        order, p = [], start
        while p not in order and p in self.waits and self.waits[p] in holder:
            order.append(p)
            p = holder[self.waits[p]]
        return order if order and p == order[0] else []

    def describe(self) -> str:
        return "\n".join(
            f"philosopher {p} holds fork {self.holds.get(p, [])} and waits for fork {self.waits[p]}"
            for p in sorted(self.waits)
        )


@dataclass
class Dinner:
    strategy: str
    philosophers: int
    meals: list[int]
    seconds: float
    origin: float
    spans: list[Span] = field(default_factory=list)
    deadlock: Deadlock | None = None

    @property
    def everyone_ate(self) -> bool:
        return all(m > 0 for m in self.meals)


class Table:
    """Forks, the state the watchdog reads, and the philosophers' behaviour."""

    def __init__(self, n: int, strategy: str, *, eat: float = 0.01, think: float = 0.01, seed: int = 0,
                 seats: int | None = None, order: ForkOrder | None = None) -> None:
        if strategy not in (*STRATEGIES, "custom"):
            raise ValueError(f"strategy must be one of {', '.join(STRATEGIES)}, not {strategy!r}")
        if strategy == "custom" and order is None:
            raise ValueError("the custom strategy needs an `order` function")
        self.order = order
        if n < 2:
            raise ValueError("a table needs at least 2 philosophers")
        self.n, self.strategy, self.eat_time, self.think_time = n, strategy, eat, think
        self.forks = [threading.Lock() for _ in range(n)]
        self.holds: dict[int, list[int]] = {p: [] for p in range(n)}
        self.waits: dict[int, int] = {}
        self.meals = [0] * n
        self.spans: list[Span] = []
        self.stop = threading.Event()
        self.state_lock = threading.Lock()  # guards holds/waits/last_meal for the watchdog
        self.last_meal = time.perf_counter()
        self.seats = threading.Semaphore(n - 1 if seats is None else seats)  # the waiter: at most n - 1 at the table
        self.everyone_has_left_fork = threading.Barrier(n)  # naive only: makes the deadlock certain
        self.random = random.Random(seed)

    # -- forks --------------------------------------------------------------------------

    def _note(self, p: int, task: str, started: float) -> None:
        self.spans.append(Span(task, os.getpid(), f"philosopher {p}", started, time.perf_counter()))

    def _take(self, p: int, fork: int) -> bool:
        """Wait for ``fork`` until it is free or the dinner is stopped."""
        started = time.perf_counter()
        with self.state_lock:
            self.waits[p] = fork
        try:
            while not self.stop.is_set():
                if self.forks[fork].acquire(timeout=POLL):
                    with self.state_lock:
                        self.holds[p].append(fork)
                    return True
            return False
        finally:
            with self.state_lock:
                self.waits.pop(p, None)
            if time.perf_counter() - started > 0.002:
                self._note(p, "waiting", started)

    def _try_take(self, p: int, fork: int) -> bool:
        if self.forks[fork].acquire(blocking=False):
            with self.state_lock:
                self.holds[p].append(fork)
            return True
        return False

    def _put_down_all(self, p: int) -> None:
        with self.state_lock:
            forks, self.holds[p] = self.holds[p], []
        for fork in forks:
            self.forks[fork].release()

    def _eat(self, p: int) -> None:
        if self.stop.is_set():  # the dinner is over: a fork freed by someone leaving is no meal
            return
        started = time.perf_counter()
        time.sleep(self.eat_time)
        self.meals[p] += 1
        with self.state_lock:
            self.last_meal = time.perf_counter()
        self._note(p, "eating", started)

    # -- one philosopher --------------------------------------------------------------

    def dine(self, p: int, start_line: threading.Barrier) -> None:
        left, right = p, (p + 1) % self.n
        start_line.wait(timeout=10)
        first_round = True
        try:
            while not self.stop.is_set():
                if self.strategy == "naive":
                    if self._take(p, left):
                        if first_round:  # everybody holds a left fork before anybody reaches right
                            self.everyone_has_left_fork.wait(timeout=5)
                        if self._take(p, right):
                            self._eat(p)
                elif self.strategy == "custom":  # the exercise: the learner's order, same start as naive
                    first, second = self.order(p, left, right)
                    if self._take(p, first):
                        if first_round:  # wait briefly for everyone; a philosopher still waiting breaks it
                            with contextlib.suppress(threading.BrokenBarrierError):
                                self.everyone_has_left_fork.wait(timeout=0.3)
                        if self._take(p, second):
                            self._eat(p)
                elif self.strategy == "ordered":
                    low, high = sorted((left, right))  # one global order: the lower number first
                    if self._take(p, low) and self._take(p, high):
                        self._eat(p)
                elif self.strategy == "waiter":
                    if self.seats.acquire(timeout=0.5):  # at most n - 1 reach for forks at once
                        try:
                            if self._take(p, left) and self._take(p, right):
                                self._eat(p)
                        finally:
                            self._put_down_all(p)
                            self.seats.release()
                        first_round = False
                        self._think(p)
                        continue
                else:  # try-lock with back-off
                    if self._take(p, left):
                        if self._try_take(p, right):
                            self._eat(p)
                        else:  # put the left fork back and try again a little later
                            self._put_down_all(p)
                            backoff = time.perf_counter()
                            self.stop.wait(self.random.uniform(0.001, 0.01))
                            self._note(p, "waiting", backoff)
                            continue
                first_round = False
                self._put_down_all(p)
                self._think(p)
        except threading.BrokenBarrierError:
            pass  # the dinner was stopped before everyone sat down
        finally:
            self._put_down_all(p)

    def _think(self, p: int) -> None:
        started = time.perf_counter()
        self.stop.wait(self.think_time)
        self._note(p, "thinking", started)

    # -- the watchdog ---------------------------------------------------------------------

    def deadlocked(self, patience: float) -> Deadlock | None:
        """Everybody waiting, for a fork somebody holds, and no meal for ``patience`` s."""
        with self.state_lock:
            stuck = time.perf_counter() - self.last_meal > patience
            if stuck and len(self.waits) == self.n:
                return Deadlock({p: list(f) for p, f in self.holds.items()}, dict(self.waits), 0.0)
        return None


def dine(
    strategy: str,
    philosophers: int = 5,
    *,
    duration: float = 1.0,
    patience: float = 0.3,
    eat: float = 0.01,
    think: float = 0.01,
    seed: int = 0,
    seats: int | None = None,
    order: ForkOrder | None = None,
) -> Dinner:
    """Run a dinner for at most ``duration`` s; stop early, and report, on a deadlock.

    ``seats`` is how many the waiter lets sit (default n - 1); ``order`` gives the
    fork order for the ``"custom"`` strategy.
    """
    table = Table(philosophers, strategy, eat=eat, think=think, seed=seed, seats=seats, order=order)
    start_line = threading.Barrier(philosophers + 1)
    threads = [
        threading.Thread(target=table.dine, args=(p, start_line), name=f"philosopher {p}")
        for p in range(philosophers)
    ]
    for thread in threads:
        thread.start()
    start_line.wait(timeout=10)
    origin = time.perf_counter()
    table.last_meal = origin
    deadlock = None
    while time.perf_counter() - origin < duration:
        found = table.deadlocked(patience)
        if found:
            deadlock = Deadlock(found.holds, found.waits, time.perf_counter() - origin)
            break
        time.sleep(0.02)
    table.stop.set()
    table.everyone_has_left_fork.abort()  # release anyone still at the naive start line
    for thread in threads:
        thread.join(timeout=5)
    return Dinner(strategy, philosophers, list(table.meals), time.perf_counter() - origin, origin,
                  list(table.spans), deadlock)


# --- pictures ----------------------------------------------------------------------------

STATE_COLOURS = {"thinking": "#c7c7c7", "waiting": "#d62728", "eating": "#2ca02c"}


def plot_dinner(dinner: Dinner, ax: Any = None, title: str | None = None) -> Any:
    """A row per philosopher: grey thinking, red waiting for a fork, green eating."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.6 + 0.4 * dinner.philosophers), constrained_layout=True)
    for s in dinner.spans:
        row = int(s.thread.split()[-1])
        ax.barh(row, s.end - s.start, left=s.start - dinner.origin, height=0.7,
                color=STATE_COLOURS[s.task], linewidth=0)
    if dinner.deadlock:
        ax.axvline(dinner.deadlock.after, color="black", linestyle="--", linewidth=1)
        ax.text(dinner.deadlock.after, -0.6, "deadlock detected ", fontsize=8, va="bottom", ha="right")
    ax.set_yticks(range(dinner.philosophers), [f"philosopher {p}" for p in range(dinner.philosophers)])
    ax.set_ylim(dinner.philosophers - 0.5, -0.9)
    ax.set_xlabel("seconds since dinner started")
    ax.set_xlim(0, max((s.end - dinner.origin for s in dinner.spans), default=1.0) * 1.01)
    ax.set_title(title or f"{dinner.strategy}: meals {dinner.meals}", loc="left")
    ax.legend(handles=[Patch(color=c, label=s) for s, c in STATE_COLOURS.items()], fontsize=8,
              loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=3, frameon=False)
    return ax


def plot_wait_for(deadlock: Deadlock, philosophers: int, ax: Any = None) -> Any:
    """The table seen from above: who holds which fork (green), who waits for which (red)."""
    import math

    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 5.5), constrained_layout=True)

    def at(angle: float, radius: float) -> tuple[float, float]:
        return radius * math.cos(angle), radius * math.sin(angle)

    step = 2 * math.pi / philosophers
    seat = {p: at(math.pi / 2 - p * step, 1.0) for p in range(philosophers)}
    # philosopher p sits between fork p (one side) and fork p + 1 (the other)
    fork = {f: at(math.pi / 2 - (f - 0.5) * step, 0.62) for f in range(philosophers)}
    for p, (x, y) in seat.items():
        ax.add_patch(plt.Circle((x, y), 0.16, color="#ffe9c6", ec="tab:orange", zorder=3))
        ax.text(x, y, f"P{p}", ha="center", va="center", fontsize=11, zorder=4)
    for f, (x, y) in fork.items():
        ax.add_patch(plt.Rectangle((x - 0.07, y - 0.07), 0.14, 0.14, color="#dddddd", ec="black", zorder=3))
        ax.text(x, y, f"F{f}", ha="center", va="center", fontsize=8, zorder=4)

    def arrow(start: tuple[float, float], end: tuple[float, float], colour: str, style: str) -> None:
        ax.annotate("", xy=end, xytext=start, zorder=2,
                    arrowprops={"arrowstyle": "-|>", "color": colour, "linestyle": style, "lw": 2,
                                "shrinkA": 14, "shrinkB": 14, "connectionstyle": "arc3,rad=0.15"})

    for p, forks in deadlock.holds.items():
        for f in forks:
            arrow(fork[f], seat[p], "tab:green", "-")
    for p, f in deadlock.waits.items():
        arrow(seat[p], fork[f], "tab:red", "--")
    ax.plot([], [], color="tab:green", lw=2, label="fork → philosopher: holds")
    ax.plot([], [], color="tab:red", lw=2, linestyle="--", label="philosopher → fork: waits for")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, -0.12), fontsize=8, ncols=2, frameon=False)
    ax.set_xlim(-1.3, 1.3)
    ax.set_ylim(-1.3, 1.3)
    ax.set_aspect("equal")
    ax.axis("off")
    cycle = deadlock.cycle()
    ax.set_title("Wait-for cycle: " + " → ".join(f"P{p}" for p in [*cycle, cycle[0]]) if cycle else "No cycle")
    return ax


def plot_meals(dinners: list[Dinner], ax: Any = None) -> Any:
    """Meals per philosopher for each strategy: is everyone fed, and fairly?"""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(9, 3), constrained_layout=True)
    width = 0.8 / len(dinners)
    for i, dinner in enumerate(dinners):
        xs = [p + (i - (len(dinners) - 1) / 2) * width for p in range(dinner.philosophers)]
        ax.bar(xs, dinner.meals, width=width, label=f"{dinner.strategy} (total {sum(dinner.meals)})")
    ax.set_xticks(range(dinners[0].philosophers), [f"P{p}" for p in range(dinners[0].philosophers)])
    ax.set_ylabel("meals")
    ax.set_title("Meals per philosopher: everyone fed? equally?")
    ax.legend(fontsize=8)
    return ax


class DinnerExplorer:
    """Lesson 06's controls: a strategy and the number of philosophers, run on a button."""

    def __init__(self, duration: float = 1.0) -> None:
        self.duration = duration
        self.last: Dinner | None = None

    def run(self, strategy: str, philosophers: int) -> Dinner:
        self.last = dine(strategy, philosophers, duration=self.duration)
        return self.last

    def widget(self) -> Any:
        import ipywidgets as w

        from helpers.widget_tools import report_errors, show

        choice = w.Dropdown(options=list(STRATEGIES), value="naive", description="strategy")
        slider = w.IntSlider(value=5, min=2, max=10, description="philosophers", continuous_update=False)
        button = w.Button(description="Serve dinner", button_style="primary", icon="play")
        output = w.Output()

        def on_click() -> None:
            dinner = self.run(choice.value, slider.value)
            verdict = f"DEADLOCK after {dinner.deadlock.after:.2f} s" if dinner.deadlock else "no deadlock"
            show(output, f"{dinner.strategy}, {dinner.philosophers} philosophers: {verdict}; meals {dinner.meals}",
                 plot_dinner(dinner).figure)

        button.on_click(report_errors(output, on_click))
        box = w.VBox([w.HBox([choice, slider, button]), output])
        box.choice, box.slider, box.button, box.output = choice, slider, button, output
        return box
