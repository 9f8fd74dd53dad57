"""Every order in which two threads can run ``counter += 1``: lesson 02's interleaving explorer.

For the interpreter, ``counter += 1`` is three steps: **read** the counter into a
place of the thread's own, **add** 1 there, **write** the result back. Two threads
that each do it once run six steps, and the steps of the two threads can be
interleaved in C(6, 3) = 20 orders. This module lists them all, runs each on paper
and says which lose an update (the counter ends at 1, not 2).

It also says which orders an interpreter can actually produce. CPython with the
GIL runs one thread at a time and switches only at *check points* (a function's
entry, a backward jump, a call), so a thread can be switched away only after the
steps that end at one; a free-threaded build runs threads truly in parallel, so
any order can happen. Nothing here runs a thread or measures time: the answers
are exact, and the tests assert them exactly.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from helpers.i18n import N_, _, tidy

THREADS = ("A", "B")
STEPS = ("read", "add", "write")


@dataclass(frozen=True)
class Step:
    """One thread doing one step, and what everything held right after it."""

    thread: str
    action: str  # "read", "add" or "write"
    counter: int  # the shared counter after this step
    registers: tuple[int | None, ...]  # each thread's own copy (None: not read yet), in THREADS order

    def register(self, thread: str) -> int | None:
        return self.registers[THREADS.index(thread)]


@dataclass(frozen=True)
class Schedule:
    """One order of the six steps, run from a counter of 0."""

    order: tuple[str, ...]  # whose step comes next, e.g. ("A", "B", "A", "A", "B", "B")
    steps: tuple[Step, ...]

    @property
    def label(self) -> str:
        return "".join(self.order)

    @property
    def final(self) -> int:
        return self.steps[-1].counter if self.steps else 0

    @property
    def expected(self) -> int:
        return len(set(self.order))  # each thread adds 1 once

    @property
    def loses_an_update(self) -> bool:
        return self.final < self.expected


def run(order: Sequence[str], start: int = 0) -> Schedule:
    """Run the threads' read/add/write steps in ``order`` (a thread name per step)."""
    order = tuple(order)
    names = sorted(set(order), key=THREADS.index)
    if any(order.count(name) != len(STEPS) for name in names) or not set(order) <= set(THREADS):
        raise ValueError(_("each of {threads} must take exactly {steps} steps, not {order!r}").format(
            threads=", ".join(THREADS), steps=len(STEPS), order=order))
    counter, done = start, dict.fromkeys(THREADS, 0)
    registers: dict[str, int | None] = dict.fromkeys(THREADS)
    steps = []
    for thread in order:
        action = STEPS[done[thread]]
        done[thread] += 1
        if action == "read":
            registers[thread] = counter
        elif action == "add":
            registers[thread] = (registers[thread] or 0) + 1
        else:
            counter = registers[thread] or 0
        steps.append(Step(thread, action, counter, tuple(registers[t] for t in THREADS)))
    return Schedule(order, tuple(steps))


def all_schedules(threads: Sequence[str] = THREADS) -> list[Schedule]:
    """Every order of the threads' steps that keeps each thread's own steps in order.

    For two threads of three steps that is C(6, 3) = 20, listed from "AAABBB" to "BBBAAA".
    """
    slots = range(len(threads) * len(STEPS))
    schedules = []
    for a_slots in itertools.combinations(slots, len(STEPS)):  # where thread A's steps go
        order = tuple(threads[0] if i in a_slots else threads[1] for i in slots)
        schedules.append(run(order))
    return sorted(schedules, key=lambda s: s.label)


@dataclass(frozen=True)
class Interpreter:
    """Where an interpreter may switch from one thread to another.

    ``switch_after`` holds the steps after which the running thread can be paused
    and another run. With the GIL that is only where a check point follows; a
    free-threaded build has no such limit (threads run at once, so every order is possible).
    """

    key: str
    name: str  # marked with N_(), translated where shown
    switch_after: frozenset[str]

    def allows(self, schedule: Schedule) -> bool:
        """Whether this interpreter can produce the schedule: every switch comes at a switch point."""
        done = dict.fromkeys(THREADS, 0)
        for previous, step in itertools.pairwise(schedule.steps):
            done[previous.thread] += 1
            finished = done[previous.thread] == len(STEPS)
            if step.thread != previous.thread and not finished and previous.action not in self.switch_after:
                return False
        return True


INTERPRETERS = (
    Interpreter("any", N_("no GIL (free-threaded build)"), frozenset(STEPS)),
    Interpreter("gil-call", N_("GIL, a call between read and write"), frozenset({"read", "write"})),
    Interpreter("gil", N_("GIL, counter.value += 1 (3.10+)"), frozenset({"write"})),
)


def interpreter(key: str) -> Interpreter:
    for candidate in INTERPRETERS:
        if candidate.key == key:
            return candidate
    raise ValueError(_("no interpreter {key!r}; choose from {keys}").format(
        key=key, keys=", ".join(i.key for i in INTERPRETERS)))


@dataclass(frozen=True)
class Tally:
    """How many orders an interpreter allows, and how many of those lose an update."""

    interpreter: Interpreter
    possible: int
    losing: int


def tally(key: str) -> Tally:
    chosen = interpreter(key)
    possible = [s for s in all_schedules() if chosen.allows(s)]
    return Tally(chosen, len(possible), sum(s.loses_an_update for s in possible))


# --- pictures -----------------------------------------------------------------------------

COLOURS = {"A": "#4c72b0", "B": "#dd8452"}


def _describe_step(step: Step) -> str:
    value = step.register(step.thread)
    if step.action == "read":
        return _("reads counter: {value}").format(value=value)
    if step.action == "add":
        return _("adds 1 in its copy: {value}").format(value=value)
    return _("writes {value} to counter").format(value=step.counter)


def plot_schedules(key: str = "any", ax: Any = None) -> Any:
    """All 20 orders as rows of coloured steps; losing ones marked, impossible ones greyed."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    chosen = interpreter(key)
    schedules = all_schedules()
    if ax is None:
        _fig, ax = plt.subplots(figsize=(9, 7.2), constrained_layout=True)
    letters = {"read": "r", "add": "+", "write": "w"}
    for row, schedule in enumerate(schedules):
        allowed = chosen.allows(schedule)
        alpha = 1.0 if allowed else 0.18
        for col, step in enumerate(schedule.steps):
            ax.add_patch(plt.Rectangle((col, row + 0.1), 0.92, 0.8, color=COLOURS[step.thread], alpha=alpha))
            ax.text(col + 0.46, row + 0.5, letters[step.action], ha="center", va="center", fontsize=9,
                    color="white" if allowed else "0.5")
        verdict = _("counter {final}: lost an update").format(final=schedule.final) if schedule.loses_an_update \
            else _("counter {final}: correct").format(final=schedule.final)
        ax.text(6.2, row + 0.5, f"{row + 1:>2}. {verdict}", va="center", fontsize=9,
                color=("tab:red" if schedule.loses_an_update else "tab:green") if allowed else "0.7")
    counts = tally(key)
    ax.set_xlim(0, 10.4)
    ax.set_ylim(len(schedules), 0)
    ax.set_xticks([c + 0.46 for c in range(6)], [str(c + 1) for c in range(6)])
    ax.set_xlabel(_("step, in time order (r = read, + = add, w = write)"))
    ax.set_yticks([])
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_bounds(0, 5.92)
    if counts.possible == len(schedules):  # no interpreter excluded: the orders on paper, before any Python
        title = _("Every order, on paper: {losing} of {total} lose an update (a free-threaded build can produce "
                  "all of them)").format(losing=counts.losing, total=len(schedules))
    else:
        title = _("{interpreter}: {possible} of 20 orders can happen, {losing} of them lose an update").format(
            interpreter=_(chosen.name), possible=counts.possible, losing=counts.losing)
    ax.set_title(title, fontsize=10)
    handles = [Patch(color=COLOURS[t], label=_("thread {name}").format(name=t)) for t in THREADS]
    if counts.possible < len(schedules):
        handles.append(Patch(color="0.85", label=_("greyed: cannot happen here")))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.07), ncol=len(handles), fontsize=9,
              frameon=False)
    return ax


def schedule_table(schedule: Schedule, shown: int, chosen: Interpreter | None = None) -> str:
    """The schedule as an HTML table, with the first ``shown`` steps done and the next one marked."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in (
        "#", _("thread {name}").format(name="A"), _("thread {name}").format(name="B"), _("counter")))
    rows = []
    upcoming = {"read": _("will read"), "add": _("will add 1"), "write": _("will write")}
    for index, step in enumerate(schedule.steps):
        done = index < shown
        cells = [str(index + 1)]
        for thread in THREADS:
            text = ""
            if step.thread == thread:  # values only once the step is done: no spoilers
                text = html.escape(_describe_step(step) if done else upcoming[step.action])
            colour = COLOURS[thread] if step.thread == thread else "inherit"
            cells.append(f'<span style="color:{colour}">{text}</span>')
        cells.append(str(step.counter) if done else "")
        style = "" if done else "opacity:0.4;"
        if index == shown:
            style += "outline:2px solid #888;"
        rows.append(f'<tr style="{style}">' + "".join(f'<td style="padding:2px 14px">{c}</td>' for c in cells)
                    + "</tr>")
    head = head.replace("<th>", '<th style="padding:2px 14px;text-align:left">')
    return (f'<table style="border-collapse:collapse;font-family:monospace"><tr>{head}</tr>'
            + "".join(rows) + "</table>")


# --- the widget ---------------------------------------------------------------------------


class InterleavingExplorer:
    """Step through one order of two threads' read/add/write: deterministic, nothing is timed.

    The logic lives in plain methods (tested without a browser); :meth:`widget`
    only wires sliders and a button to them.
    """

    def __init__(self, key: str = "any") -> None:
        self.schedules = all_schedules()
        self.interpreter = interpreter(key)
        self.index = 0  # which order, 0..19
        self.shown = 0  # how many of its six steps are done

    @property
    def schedule(self) -> Schedule:
        return self.schedules[self.index]

    def select(self, index: int) -> None:
        if not 0 <= index < len(self.schedules):
            raise ValueError(_("order must be between 1 and {last}").format(last=len(self.schedules)))
        self.index, self.shown = index, 0

    def step_to(self, shown: int) -> None:
        self.shown = max(0, min(len(STEPS) * len(THREADS), shown))

    def next_step(self) -> None:
        """One step on; after the last step, the next order from its beginning."""
        if self.shown < len(self.schedule.steps):
            self.shown += 1
        else:
            self.select((self.index + 1) % len(self.schedules))

    def describe(self) -> str:
        schedule, total = self.schedule, len(self.schedules)
        line = _("Order {number} of {total}: {label}.").format(number=self.index + 1, total=total,
                                                               label=schedule.label)
        if self.shown < len(schedule.steps):
            line += " " + _("Step {shown} of 6 done.").format(shown=self.shown)
        elif schedule.loses_an_update:
            line += " " + _("Both threads added 1, but the counter is {final}: an update is lost.").format(
                final=schedule.final)
        else:
            line += " " + _("The counter is {final}: nothing lost.").format(final=schedule.final)
        if self.interpreter.allows(schedule):
            line += " " + _("Possible with {interpreter}.").format(interpreter=_(self.interpreter.name))
        else:
            line += " " + _("Impossible with {interpreter}: a thread would be paused where it cannot be.").format(
                interpreter=_(self.interpreter.name))
        return tidy(line)

    def html(self) -> str:
        return f"<p>{html.escape(self.describe())}</p>" + schedule_table(self.schedule, self.shown, self.interpreter)

    def widget(self) -> Any:
        import ipywidgets as w
        from IPython.display import HTML, display

        from helpers.widget_tools import report_errors

        order = w.IntSlider(value=self.index + 1, min=1, max=len(self.schedules), description=_("order"),
                            continuous_update=False)
        steps = w.IntSlider(value=self.shown, min=0, max=6, description=_("steps done"), continuous_update=False)
        choice = w.Dropdown(options=[(_(i.name), i.key) for i in INTERPRETERS], value=self.interpreter.key,
                            description=_("interpreter"), style={"description_width": "initial"},
                            layout=w.Layout(width="32em"))
        button = w.Button(description=_("Next step"), icon="step-forward")
        output = w.Output()
        syncing = []  # set while the sliders are being moved to match the state, so they do not feed back

        def draw() -> None:
            syncing.append(True)
            try:
                order.value, steps.value = self.index + 1, self.shown
            finally:
                syncing.pop()
            with output:
                output.clear_output(wait=True)
                display(HTML(self.html()))

        def on_order(_change: Any) -> None:
            if not syncing:
                self.select(order.value - 1)
                draw()

        def on_steps(_change: Any) -> None:
            if not syncing:
                self.step_to(steps.value)
                draw()

        def on_choice(_change: Any) -> None:
            self.interpreter = interpreter(choice.value)
            draw()

        def on_next() -> None:
            self.next_step()
            draw()

        order.observe(report_errors(output, lambda: on_order(None)), names="value")
        steps.observe(report_errors(output, lambda: on_steps(None)), names="value")
        choice.observe(report_errors(output, lambda: on_choice(None)), names="value")
        button.on_click(report_errors(output, on_next))
        draw()
        box = w.VBox([choice, w.HBox([order, steps, button]), output])
        box.order, box.steps, box.choice, box.button, box.output = order, steps, choice, button, output
        return box
