"""Lesson 04's instruments: run the lesson's Conditions and Semaphores, and draw them.

The lesson writes its own ``Condition``, ``Semaphore``, ``Event`` and ``Barrier``
code in the notebook. What lives here only drives that code and records what it
did: :func:`run_withdrawals` starts customers (threads) against the lesson's
account and feeds it deposits, always in the same order so the picture is the
same on every run and on a busy machine; :func:`plot_withdrawals` and
:func:`plot_slots_in_use` draw the runs; :class:`SlotsExplorer` is the slider.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from helpers.i18n import _
from helpers.timeline import Recorder, Span, plot_timeline

SETTLE_TIMEOUT = 5.0  # seconds the harness waits for the customers to be back asleep; never hangs


def waiting_on(condition: threading.Condition) -> int:
    """How many threads are asleep in ``condition.wait()`` right now.

    CPython's ``Condition`` (pure Python in every version and build the course
    supports) keeps one lock per sleeping thread in ``_waiters``. It is an
    internal detail: the harness reads it only to start the next step of a demo
    once everybody is asleep, instead of hoping a sleep was long enough.
    """
    return len(getattr(condition, "_waiters", ()))


def find_condition(obj: Any) -> threading.Condition | None:
    """The one ``Condition`` among ``obj``'s attributes, or None if there is none or several."""
    found = [v for v in vars(obj).values() if isinstance(v, threading.Condition)] if hasattr(obj, "__dict__") else []
    return found[0] if len(found) == 1 else None


def _wait_until(test: Callable[[], bool], timeout: float = SETTLE_TIMEOUT) -> bool:
    deadline = time.monotonic() + timeout
    while not test():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.001)
    return True


@dataclass
class WithdrawalRun:
    """What happened to each customer, and when each deposit arrived."""

    served: dict[str, bool]  # customer (thread name) -> got the money
    amounts: dict[str, int]  # customer -> the amount it wanted
    order: list[str]  # customers in the order they were served
    spans: list[Span]
    deposits: list[tuple[float, int]]  # (seconds since the start, amount)
    log: list[str]
    origin: float

    def waited(self, amount: int) -> float:
        """Seconds from the start until the (first) customer wanting ``amount`` stopped waiting."""
        name = next(n for n, a in self.amounts.items() if a == amount)
        return next(s.end for s in self.spans if s.thread == name) - self.origin


def run_withdrawals(
    account: Any,
    amounts: Sequence[int],
    deposits: Sequence[int],
    *,
    gap: float = 0.05,
    timeout: float = 2.0,
) -> WithdrawalRun:
    """One thread per amount calls ``account.withdraw(amount, timeout)``; then deposits arrive.

    The customers start in the order of ``amounts``, each one only once the one
    before it is asleep on the account's condition, so "the longest waiter" is
    always the first in the list. Each deposit is made ``gap`` s after the
    previous one *and* after every customer it woke has gone back to sleep or
    left, so the order in which customers are served is decided by the amounts,
    never by a busy machine. (If the account has no single ``Condition``
    attribute, the harness falls back to short sleeps.)
    """
    condition = find_condition(account)
    recorder = Recorder()
    served: dict[str, bool] = {}
    order: list[str] = []
    served_lock = threading.Lock()
    log: list[str] = []

    def note(line: str) -> None:
        with served_lock:
            log.append(_("{seconds:5.2f} s  {event}").format(seconds=time.perf_counter() - recorder.origin, event=line))

    def customer(amount: int) -> None:
        name = threading.current_thread().name
        with recorder.span(_("wait for {amount}").format(amount=amount)):
            ok = bool(account.withdraw(amount, timeout=timeout))
        note(_("{name}: withdrew {amount}").format(name=name, amount=amount) if ok
             else _("{name}: gave up after {timeout:g} s").format(name=name, timeout=timeout))
        with served_lock:
            served[name] = ok
            if ok:
                order.append(name)

    def unserved() -> int:
        with served_lock:
            return len(threads) - len(served)

    def settled() -> bool:
        if condition is None:
            time.sleep(0.02)
            return True
        return _wait_until(lambda: waiting_on(condition) >= unserved())

    threads: list[threading.Thread] = []
    for amount in amounts:
        thread = threading.Thread(target=customer, args=(amount,),
                                  name=_("wants {amount}").format(amount=amount))
        threads.append(thread)
        thread.start()
        settled()  # this customer is asleep before the next one comes
    deposited: list[tuple[float, int]] = []
    for amount in deposits:
        time.sleep(gap)
        account.deposit(amount)
        deposited.append((time.perf_counter() - recorder.origin, amount))
        note(_("deposit {amount}").format(amount=amount))
        settled()
    for thread in threads:
        thread.join(timeout=timeout + SETTLE_TIMEOUT)
    amounts_by_name = {thread.name: amount for thread, amount in zip(threads, amounts, strict=True)}
    with served_lock:
        return WithdrawalRun(dict(served), amounts_by_name, list(order), list(recorder.spans), deposited,
                             list(log), recorder.origin)


def plot_withdrawals(run: WithdrawalRun, title: str | None = None, ax: Any = None) -> Any:
    """Each customer's wait as a bar ending in a dot (served) or a cross (gave up); deposits dotted."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    if ax is None:
        _fig, ax = plt.subplots(figsize=(9, 0.9 + 0.5 * max(2, len(run.spans))), constrained_layout=True)
    plot_timeline(run.spans, origin=run.origin, ax=ax, title=title or _("Each withdrawal waits until it is covered"),
                  label_tasks=False)
    rows = sorted(run.spans, key=lambda s: s.start)  # plot_timeline's row order: by first start
    for row, span in enumerate(rows):
        ok = run.served.get(span.thread, False)
        ax.plot(span.end - run.origin, row, marker="o" if ok else "X", markersize=7, color="black")
    for when, _amount in run.deposits:
        ax.axvline(when, color="tab:green", linestyle=":", linewidth=1.2)
    ax.set_yticks(range(len(rows)), [s.thread for s in rows])
    ax.legend(handles=[Line2D([], [], color="tab:green", linestyle=":", label=_("a deposit")),
                       Line2D([], [], marker="o", color="black", linestyle="none", label=_("served")),
                       Line2D([], [], marker="X", color="black", linestyle="none", label=_("gave up"))],
              loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    return ax


def plot_withdrawal_runs(runs: dict[str, WithdrawalRun]) -> Any:
    """Several runs, one panel each, on one time axis; the legend once, on the first."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(runs), 1, figsize=(9, 0.4 + 1.9 * len(runs)), sharex=True, squeeze=False,
                             constrained_layout=True)
    for n, (ax, (title, run)) in enumerate(zip(axes[:, 0], runs.items(), strict=True)):
        plot_withdrawals(run, title=title, ax=ax)
        if n > 0:
            ax.get_legend().remove()
        if n < len(runs) - 1:
            ax.set_xlabel("")
    return fig


# --- Semaphore: at most N at a time ----------------------------------------------------


def in_use_over_time(spans: Sequence[Span], origin: float) -> tuple[list[float], list[int]]:
    """A step curve: how many spans were running at each instant (ends before starts)."""
    events = sorted([(s.start - origin, 1) for s in spans] + [(s.end - origin, -1) for s in spans])
    xs, ys, level = [0.0], [0], 0
    for t, step in events:
        xs.append(t)
        ys.append(level)
        level += step
        xs.append(t)
        ys.append(level)
    return xs, ys


def plot_slots_in_use(recorder: Recorder, limit: int, ax: Any = None) -> Any:
    """How many connections were in use at each instant, against the limit."""
    import matplotlib.pyplot as plt

    if ax is None:
        _fig, ax = plt.subplots(figsize=(9, 2.6), constrained_layout=True)
    xs, ys = in_use_over_time(recorder.spans, recorder.origin)
    workers = len({s.thread for s in recorder.spans})
    top = max(limit, max(ys)) + 1
    # The curve often runs along the limit for a long time: a line on a line would hide one of
    # them, so the forbidden region above the limit is shaded and the curve is drawn on top.
    ax.axhspan(limit, top, color="tab:red", alpha=0.12, linewidth=0,
               label=_("more than {limit}: never").format(limit=limit))
    ax.axhline(limit, color="tab:red", linestyle="--", linewidth=1, zorder=2,
               label=_("limit: {limit}").format(limit=limit))
    ax.plot(xs, ys, color="tab:blue", linewidth=2, zorder=3, label=_("connections in use"))
    ax.set_ylim(0, top)
    ax.set_xlim(left=0)
    ax.set_xlabel(_("seconds since the run started"))
    ax.set_ylabel(_("in use"))
    ax.set_title(_("{workers} workers, {limit} connections: never more than {limit} at once")
                 .format(workers=workers, limit=limit))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    return ax


def plot_connections(recorder: Recorder, limit: int) -> Any:
    """The in-use curve above the timeline of who held a connection: one figure."""
    import matplotlib.pyplot as plt

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 6), constrained_layout=True, sharex=True,
                                      gridspec_kw={"height_ratios": [1, 2]})
    plot_slots_in_use(recorder, limit, ax=top)
    plot_timeline(recorder.spans, origin=recorder.origin, ax=bottom, title=_("Who held a connection, when"))
    top.set_xlabel("")
    return fig


@dataclass
class SlotsExplorer:
    """Lesson 04's slider: run the lesson's ``run_workers(slots)`` with another number of slots.

    ``run_workers`` is the learner's own function; it returns the Recorder that
    timed its queries.
    """

    run_workers: Callable[[int], Recorder]
    most: int = 10
    last: Recorder | None = field(default=None, init=False)

    def run(self, slots: int) -> Recorder:
        self.last = self.run_workers(slots)
        return self.last

    def widget(self) -> Any:
        import ipywidgets as w

        from helpers.widget_tools import report_errors, show

        slider = w.IntSlider(value=3, min=1, max=self.most, description=_("slots"), continuous_update=False)
        button = w.Button(description=_("Run"), button_style="primary", icon="play")
        output = w.Output()

        def on_click() -> None:
            started = time.perf_counter()
            recorder = self.run(slider.value)
            show(output, _("{slots} slots: {seconds:.2f} s").format(slots=slider.value,
                                                                    seconds=time.perf_counter() - started),
                 plot_connections(recorder, slider.value))

        button.on_click(report_errors(output, on_click))
        box = w.VBox([w.HBox([slider, button]), output])
        box.slider, box.button, box.output = slider, button, output
        return box


def plot_signal(recorder: Recorder, fired: float, title: str | None = None) -> Any:
    """Threads waiting for an Event, then running, with the moment it was set.

    The spans' tasks are the lesson's "waiting for go" and "running" (grey and
    green); anything else is drawn grey too.
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    from helpers.pipeline import colour_by_role

    _fig, ax = plt.subplots(figsize=(9, 0.9 + 0.45 * max(2, len({s.thread for s in recorder.spans}))),
                            constrained_layout=True)
    spans = colour_by_role(recorder.spans, {"waiting for go": (_("waiting for go"), 7),
                                            "running": (_("running"), 2)}, ax)
    handles = ax.get_legend().legend_handles
    plot_timeline(spans, origin=recorder.origin, ax=ax, label_tasks=False,
                  title=title or _("Everyone waits for the signal, then all run"))
    ax.axvline(fired - recorder.origin, color="tab:red", linestyle="--", linewidth=1)
    ax.legend(handles=[*handles, Line2D([], [], color="tab:red", linestyle="--", label=_("go.set()"))],
              loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    return ax


def plot_phases(recorder: Recorder, title: str | None = None) -> Any:
    """Work in phases: one colour per phase (the spans' task names), one row per thread."""
    import dataclasses

    names = sorted({s.task for s in recorder.spans})
    spans = [dataclasses.replace(s, index=names.index(s.task)) for s in recorder.spans]
    ax = plot_timeline(spans, origin=recorder.origin,
                       title=title or _("Phases: everyone waits at the Barrier for the slowest"))
    ax.figure.set_layout_engine("constrained")
    return ax
