"""Lesson 06's table: it runs the lesson's locking strategies, watches for deadlock, and draws.

The lesson writes each way of picking up forks (naive, in a global order, with a
waiter, try-lock with back-off) in the notebook, as a function

    strategy(me, left, right, eat)

that one philosopher runs each time they are hungry: ``me`` is their number,
``left`` and ``right`` the two :class:`Fork` objects beside them, and ``eat()``
eats (it checks that both forks are in hand). :func:`dine` seats one thread per
philosopher and calls the strategy again and again, with a moment of thinking in
between, for ``duration`` seconds.

Nothing here can hang a notebook. A fork is a lock that the table can call off:
a philosopher waiting for one polls a stop ``Event`` every few milliseconds, and
once the dinner is over every fork operation raises :class:`DinnerOver`, so each
philosopher's ``with`` blocks put the forks down as the exception unwinds them.
A watchdog in the calling thread builds the **wait-for graph** (philosopher p ->
the philosopher holding the fork p waits for) every 20 ms; a cycle that lasts
``patience`` seconds is a deadlock, which is recorded, drawn, and ends the dinner.

``bad_start`` (the default) makes every dinner start the worst way: each
philosopher, having picked up a first fork, waits until everyone holds a fork or
someone is already waiting for one (or, when someone is busy elsewhere, say
waiting for the waiter, until ``quiet`` seconds after everyone began). For the
naive strategy that makes the deadlock certain, on every run and on a busy
machine; a cure has to survive the same start.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from helpers.i18n import _
from helpers.timeline import Span

POLL = 0.005  # seconds between a waiting philosopher's looks at the stop event
QUIET = 0.3  # seconds without any fork changing hands after which the bad start lets everyone go
WATCH_EVERY = 0.02  # seconds between two looks of the watchdog


class DinnerOver(Exception):
    """The dinner was called off (a deadlock, an error, or time is up): put everything down and leave."""


@dataclass(frozen=True)
class Deadlock:
    """Who held which fork and who waited for which, when the watchdog called the dinner off."""

    holds: dict[int, list[int]]  # philosopher -> forks in hand
    waits: dict[int, int]  # philosopher -> fork wanted
    after: float  # seconds since the dinner started

    def cycle(self) -> list[int]:
        """Philosophers in wait-for order: each waits for a fork the next one holds."""
        return find_cycle(self.holds, self.waits)

    def describe(self) -> str:
        return "\n".join(
            _("philosopher {p} holds fork {held} and waits for fork {wanted}").format(
                p=p, held=", ".join(map(str, self.holds.get(p, []))) or "-", wanted=self.waits[p])
            for p in sorted(self.waits)
        )


def find_cycle(holds: Mapping[int, Sequence[int]], waits: Mapping[int, int]) -> list[int]:
    """A cycle in the wait-for graph (p -> holder of the fork p waits for), or [] if there is none."""
    holder = {fork: p for p, forks in holds.items() for fork in forks}
    follow = {p: holder[fork] for p, fork in waits.items() if fork in holder}
    for start in sorted(follow):
        path: list[int] = []
        p = start
        while p in follow and p not in path:
            path.append(p)
            p = follow[p]
        if p in path:
            cycle = path[path.index(p):]
            first = cycle.index(min(cycle))
            return cycle[first:] + cycle[:first]
    return []


@dataclass
class Dinner:
    """What happened at one dinner: meals, who did what when, and the deadlock or error if any."""

    strategy: str
    philosophers: int
    meals: list[int]
    seconds: float
    origin: float
    spans: list[Span] = field(default_factory=list)
    deadlock: Deadlock | None = None
    errors: list[str] = field(default_factory=list)
    most_eating: int = 0  # the largest number of philosophers eating at one moment
    first_forks: dict[int, set[int]] = field(default_factory=dict)  # philosopher -> forks picked up with empty hands

    @property
    def everyone_ate(self) -> bool:
        return all(m > 0 for m in self.meals)


class Fork:
    """One fork: a lock the table watches. Use it as a lock: ``with fork:``, or ``acquire``/``release``.

    ``acquire(blocking=False)`` tries once; ``acquire(timeout=t)`` gives up after
    ``t`` seconds and returns False; a plain ``acquire()`` waits until the fork is
    free. Once the dinner is over, every call raises :class:`DinnerOver`.
    """

    def __init__(self, table: Table, number: int) -> None:
        self.table = table
        self.number = number
        self._lock = threading.Lock()

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        table = self.table
        table.check_open()
        if not blocking:
            if self._lock.acquire(blocking=False):
                table.took(self)
                return True
            return False
        deadline = None if timeout is None or timeout < 0 else time.monotonic() + timeout
        started = time.perf_counter()
        table.waiting_for(self)
        try:
            while True:
                table.check_open()
                step = POLL if deadline is None else min(POLL, deadline - time.monotonic())
                if step <= 0:
                    return False
                if self._lock.acquire(timeout=step):
                    break
        finally:
            table.stopped_waiting(started)
        table.took(self)
        return True

    def release(self) -> None:
        self.table.put_down(self)
        self._lock.release()

    def locked(self) -> bool:
        return self._lock.locked()

    def __enter__(self) -> Fork:
        self.acquire()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.release()

    def __repr__(self) -> str:
        return f"<fork {self.number}>"


Strategy = Callable[[int, Fork, Fork, Callable[[], None]], Any]


class Table:
    """The forks, what the watchdog reads (who holds, who waits), and the meals."""

    def __init__(self, n: int, *, eat: float, think: float, bad_start: bool, quiet: float) -> None:
        if n < 2:
            raise ValueError(_("a table needs at least 2 philosophers"))
        self.n, self.eat_time, self.think_time = n, eat, think
        self.forks = [Fork(self, i) for i in range(n)]
        self.changed = threading.Condition()  # guards everything below; notified on every change
        self.holds: dict[int, list[int]] = {p: [] for p in range(n)}
        self.waits: dict[int, int] = {}
        self.meals = [0] * n
        self.first_forks: dict[int, set[int]] = {p: set() for p in range(n)}
        self.eating: set[int] = set()
        self.most_eating = 0
        self.spans: list[Span] = []
        self.errors: list[str] = []
        self.stop = threading.Event()
        self.gated = set(range(n)) if bad_start else set()  # philosophers yet to pass the bad start
        self.quiet = quiet
        self.began: set[int] = set()  # philosophers who have begun their first turn
        self.all_seated: float | None = None  # when the last of them began (time.monotonic())
        self._seat = threading.local()

    # -- who is calling -------------------------------------------------------------------

    def me(self) -> int:
        return getattr(self._seat, "p", -1)

    def check_open(self) -> None:
        if self.stop.is_set():
            raise DinnerOver

    def _note(self, p: int, task: str, started: float) -> None:
        self.spans.append(Span(task, os.getpid(), _("philosopher {p}").format(p=p), started, time.perf_counter(),
                               index=p))

    # -- bookkeeping the forks call -------------------------------------------------------

    def waiting_for(self, fork: Fork) -> None:
        with self.changed:
            self.waits[self.me()] = fork.number
            self.changed.notify_all()

    def stopped_waiting(self, started: float) -> None:
        p = self.me()
        with self.changed:
            self.waits.pop(p, None)
            self.changed.notify_all()
            if time.perf_counter() - started > 0.002:
                self._note(p, "waiting", started)

    def took(self, fork: Fork) -> None:
        p = self.me()
        with self.changed:
            if not self.holds.setdefault(p, []):
                self.first_forks.setdefault(p, set()).add(fork.number)
            self.holds[p].append(fork.number)
            self.changed.notify_all()
            if p in self.gated:  # the bad start: hold this first fork until the worst moment
                self.gated.discard(p)
                while not self.stop.is_set() and not self._worst_moment():
                    if self.all_seated is None:  # someone has not even begun: look again soon
                        self.changed.wait(timeout=0.05)
                        continue
                    left = self.all_seated + self.quiet - time.monotonic()
                    if left <= 0:  # everyone began a while ago; someone is busy elsewhere (a seat, a sleep)
                        break
                    self.changed.wait(timeout=left)

    def _worst_moment(self) -> bool:
        return bool(self.waits) or all(self.holds[q] for q in range(self.n))

    def put_down(self, fork: Fork) -> None:
        p = self.me()
        with self.changed:
            if fork.number in self.holds.get(p, []):
                self.holds[p].remove(fork.number)
            self.changed.notify_all()

    # -- one philosopher --------------------------------------------------------------------

    def eater(self, p: int) -> Callable[[], None]:
        left, right = p, (p + 1) % self.n

        def eat() -> None:
            self.check_open()  # the dinner is over: a fork freed by someone leaving is no meal
            with self.changed:
                held = list(self.holds.get(p, []))
            if left not in held or right not in held:
                raise RuntimeError(_("philosopher {p} tried to eat holding forks {held}; both {left} and {right} "
                                     "are needed").format(p=p, held=held, left=left, right=right))
            started = time.perf_counter()
            with self.changed:
                self.eating.add(p)
                self.most_eating = max(self.most_eating, len(self.eating))
            time.sleep(self.eat_time)
            with self.changed:
                self.eating.discard(p)
                self.meals[p] += 1
                self._note(p, "eating", started)

        return eat

    def seat(self, p: int, strategy: Strategy, start_line: threading.Barrier) -> None:
        """One philosopher's evening: be hungry, run the strategy, think; until the dinner is over."""
        self._seat.p = p
        left, right = self.forks[p], self.forks[(p + 1) % self.n]
        eat = self.eater(p)
        try:
            start_line.wait(timeout=30)
            with self.changed:
                self.began.add(p)
                if len(self.began) == self.n:
                    self.all_seated = time.monotonic()
                self.changed.notify_all()
            while not self.stop.is_set():
                strategy(p, left, right, eat)
                with self.changed:
                    still_held = list(self.holds.get(p, []))
                if still_held:
                    raise RuntimeError(_("philosopher {p} finished a turn still holding forks {held}: put every "
                                         "fork down (use `with`)").format(p=p, held=still_held))
                started = time.perf_counter()
                if self.stop.wait(self.think_time):
                    break
                with self.changed:
                    self._note(p, "thinking", started)
        except (DinnerOver, threading.BrokenBarrierError):
            pass
        except Exception as exc:
            with self.changed:
                self.errors.append(_("philosopher {p}: {error}").format(p=p, error=f"{type(exc).__name__}: {exc}"))
            self.stop.set()
        finally:
            for number in list(self.holds.get(p, [])):  # a strategy that left a fork in hand: free it
                fork = self.forks[number]
                fork.table.put_down(fork)
                fork._lock.release()
            with self.changed:
                self.changed.notify_all()

    # -- the watchdog --------------------------------------------------------------------------

    def snapshot(self) -> tuple[dict[int, list[int]], dict[int, int]]:
        with self.changed:
            return {p: list(f) for p, f in self.holds.items()}, dict(self.waits)


def dine(
    strategy: Strategy,
    philosophers: int = 5,
    *,
    duration: float = 1.0,
    patience: float = 0.3,
    eat: float = 0.01,
    think: float = 0.01,
    bad_start: bool = True,
    quiet: float = QUIET,
    name: str | None = None,
) -> Dinner:
    """Seat ``philosophers`` threads that run ``strategy`` for at most ``duration`` s.

    The dinner ends early when the watchdog sees the same wait-for cycle for
    ``patience`` s (a deadlock), or when a philosopher's strategy raises. Every
    thread is joined before this returns.
    """
    if not callable(strategy):
        raise TypeError(_("a strategy is a function strategy(me, left, right, eat)"))
    table = Table(philosophers, eat=eat, think=think, bad_start=bad_start, quiet=quiet)
    start_line = threading.Barrier(philosophers + 1)
    threads = [threading.Thread(target=table.seat, args=(p, strategy, start_line), name=f"philosopher-{p}")
               for p in range(philosophers)]
    for thread in threads:
        thread.start()
    start_line.wait(timeout=30)
    origin = time.perf_counter()
    deadlock, seen, since = None, [], origin
    while time.perf_counter() - origin < duration and not table.stop.is_set():
        holds, waits = table.snapshot()
        cycle = find_cycle(holds, waits)
        now = time.perf_counter()
        if not cycle or cycle != seen:
            seen, since = cycle, now
        elif now - since >= patience:
            deadlock = Deadlock(holds, waits, now - origin)
            break
        time.sleep(WATCH_EVERY)
    table.stop.set()
    with table.changed:
        table.changed.notify_all()  # wake anyone held at the bad start
    for thread in threads:
        thread.join(timeout=10)
    with table.changed:
        return Dinner(name or getattr(strategy, "__name__", "strategy"), philosophers, list(table.meals),
                      time.perf_counter() - origin, origin, list(table.spans), deadlock, list(table.errors),
                      table.most_eating, {p: set(f) for p, f in table.first_forks.items()})


# --- pictures ----------------------------------------------------------------------------


def state_colours() -> dict[str, tuple[str, str]]:
    """Each state a philosopher's row shows: (colour, label in the learner's language)."""
    return {"thinking": ("#c7c7c7", _("thinking")), "waiting": ("#d62728", _("waiting for a fork")),
            "eating": ("#2ca02c", _("eating"))}


def plot_dinner(dinner: Dinner, ax: Any = None, title: str | None = None) -> Any:
    """A row per philosopher: grey thinking, red waiting for a fork, green eating."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    colours = state_colours()
    if ax is None:
        _fig, ax = plt.subplots(figsize=(9, 0.9 + 0.4 * dinner.philosophers), constrained_layout=True)
    bars: dict[tuple[int, str], list[tuple[float, float]]] = {}
    for s in dinner.spans:  # one broken_barh per row and state: thousands of bars stay fast
        bars.setdefault((s.index, s.task), []).append((s.start - dinner.origin, s.end - s.start))
    for (row, task), ranges in bars.items():
        ax.broken_barh(ranges, (row - 0.35, 0.7), color=colours[task][0], linewidth=0)
    if dinner.deadlock:
        ax.axvline(dinner.deadlock.after, color="black", linestyle="--", linewidth=1)
        ax.text(dinner.deadlock.after, -0.6, _("deadlock detected") + " ", fontsize=8, va="bottom", ha="right")
    ax.set_yticks(range(dinner.philosophers), [_("philosopher {p}").format(p=p) for p in range(dinner.philosophers)])
    ax.set_ylim(dinner.philosophers - 0.5, -0.9)
    ax.set_xlabel(_("seconds since the dinner started"))
    ax.set_xlim(0, max((s.end - dinner.origin for s in dinner.spans), default=1.0) * 1.01)
    ax.set_title(title or _("{strategy}: meals {meals}").format(strategy=dinner.strategy, meals=dinner.meals),
                 loc="left", fontsize=10)
    ax.legend(handles=[Patch(color=c, label=label) for c, label in colours.values()], fontsize=8,
              loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=3, frameon=False)
    return ax


def plot_dinners(dinners: Sequence[Dinner]) -> Any:
    """Several dinners stacked, on one time axis."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(dinners), 1, figsize=(9, 0.4 + 2.3 * len(dinners)), sharex=True, squeeze=False,
                             constrained_layout=True)
    for n, (ax, dinner) in enumerate(zip(axes[:, 0], dinners, strict=True)):
        plot_dinner(dinner, ax=ax)
        if n:
            ax.get_legend().remove()
        if n < len(dinners) - 1:
            ax.set_xlabel("")
    return fig


def plot_wait_for(deadlock: Deadlock, philosophers: int, ax: Any = None) -> Any:
    """The table seen from above: who holds which fork (green), who waits for which (red)."""
    import math

    import matplotlib.pyplot as plt

    if ax is None:
        _fig, ax = plt.subplots(figsize=(5.5, 5.8), constrained_layout=True)

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
    ax.plot([], [], color="tab:green", lw=2, label=_("fork → philosopher: holds"))
    ax.plot([], [], color="tab:red", lw=2, linestyle="--", label=_("philosopher → fork: waits for"))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), fontsize=8, ncols=2, frameon=False)
    ax.set_xlim(-1.3, 1.3)
    ax.set_ylim(-1.3, 1.3)
    ax.set_aspect("equal")
    ax.axis("off")
    cycle = deadlock.cycle()
    ax.set_title(_("Wait-for cycle: {cycle}").format(cycle=" → ".join(f"P{p}" for p in [*cycle, cycle[0]]))
                 if cycle else _("No cycle"))
    return ax


def plot_meals(dinners: Sequence[Dinner], ax: Any = None) -> Any:
    """Meals per philosopher for each strategy: bars are the mean over its dinners, whiskers the range."""
    import matplotlib.pyplot as plt

    groups: dict[str, list[Dinner]] = {}
    for dinner in dinners:
        groups.setdefault(dinner.strategy, []).append(dinner)
    n = max(d.philosophers for d in dinners)
    if ax is None:
        _fig, ax = plt.subplots(figsize=(9, 3.2), constrained_layout=True)
    width = 0.8 / len(groups)
    for i, (name, group) in enumerate(groups.items()):
        per = list(zip(*(d.meals for d in group), strict=True))  # per philosopher: one count per dinner
        means = [sum(m) / len(m) for m in per]
        lows = [mean - min(m) for mean, m in zip(means, per, strict=True)]
        highs = [max(m) - mean for mean, m in zip(means, per, strict=True)]
        xs = [p + (i - (len(groups) - 1) / 2) * width for p in range(len(per))]
        ax.bar(xs, means, width=width, yerr=[lows, highs] if len(group) > 1 else None, capsize=3,
               label=_("{strategy} (total {total:.0f} a dinner)").format(strategy=name, total=sum(means)))
    ax.set_xticks(range(n), [f"P{p}" for p in range(n)])
    ax.set_ylabel(_("meals"))
    runs = max(len(g) for g in groups.values())
    ax.set_title(_("Meals per philosopher, mean of {runs} dinners (whiskers: fewest and most)").format(runs=runs)
                 if runs > 1 else _("Meals per philosopher"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    return ax


@dataclass
class DinnerExplorer:
    """Lesson 06's controls: a strategy, the number of philosophers, the worst start or not; run on a button.

    ``rules`` maps a name to a function of the table's size that returns the
    strategy to use (the waiter's seats depend on the size).
    """

    rules: Mapping[str, Callable[[int], Strategy]]
    duration: float = 1.0
    last: Dinner | None = field(default=None, init=False)

    def run(self, name: str, philosophers: int, bad_start: bool = True) -> Dinner:
        self.last = dine(self.rules[name](philosophers), philosophers, duration=self.duration, bad_start=bad_start,
                         name=name)
        return self.last

    def widget(self) -> Any:
        import ipywidgets as w

        from helpers.widget_tools import report_errors, show

        choice = w.Dropdown(options=list(self.rules), value=next(iter(self.rules)), description=_("strategy"))
        slider = w.IntSlider(value=5, min=2, max=10, description=_("philosophers"), continuous_update=False)
        worst = w.Checkbox(value=True, description=_("worst start"), indent=False)
        button = w.Button(description=_("Serve dinner"), button_style="primary", icon="play")
        output = w.Output()

        def on_click() -> None:
            dinner = self.run(choice.value, slider.value, worst.value)
            verdict = (_("DEADLOCK after {seconds:.2f} s").format(seconds=dinner.deadlock.after) if dinner.deadlock
                       else _("no deadlock"))
            show(output, _("{strategy}, {n} philosophers: {verdict}; meals {meals}").format(
                strategy=dinner.strategy, n=dinner.philosophers, verdict=verdict, meals=dinner.meals),
                plot_dinner(dinner).figure)

        button.on_click(report_errors(output, on_click))
        box = w.VBox([w.HBox([choice, slider, worst, button]), output])
        box.choice, box.slider, box.worst, box.button, box.output = choice, slider, worst, button, output
        return box
