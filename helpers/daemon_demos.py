"""Small programs about daemons, run as real processes by lesson 03.

A notebook's kernel never exits, so "what happens at exit" cannot be shown
inside it. Each scenario here is a complete program: the lesson runs it with
``python -m helpers.daemon_demos NAME [START_METHOD]`` in a subprocess, shows
its source (highlighted, with :func:`show`) and what it printed, and draws a
timeline from the printed lines. They live in a module because they must run
as programs of their own, and because a child process started with ``spawn``
or ``forkserver`` must be able to import its target.

Every line a scenario prints is ``SECONDS ACTOR MESSAGE``, seconds since the
program started, so the output can be parsed and plotted. Every scenario ends by
itself within a few seconds; the runner's timeout is only a safety net.
"""

from __future__ import annotations

import atexit
import multiprocessing
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers.i18n import _
from helpers.subprocesses import plain_environment

T0 = time.perf_counter()  # each process, on import: spawned children restart the clock
NUMBER = re.compile(r"\d+")
LINE = re.compile(r"^\s*(?P<t>\d+\.\d+)\s+(?P<actor>\S+)\s+(?P<message>.*)$")


_PRINTING = threading.Lock()


def say(actor: str, message: str, t0: float | None = None) -> None:
    """Print one stamped line. ``print`` writes the text and the newline separately,
    so two threads printing at once can share a line: the lock keeps lines whole."""
    elapsed = time.perf_counter() - (T0 if t0 is None else t0)
    with _PRINTING:
        sys.stdout.write(f"{elapsed:6.3f} {actor:<10} {message}\n")
        sys.stdout.flush()


# --- the scenarios ------------------------------------------------------------------


def non_daemon_thread(argv: list[str]) -> None:
    """A non-daemon thread keeps the program alive after the main thread is done."""

    def work() -> None:
        for tick in range(1, 6):
            time.sleep(0.2)
            say("worker", _("tick {n}").format(n=tick))
        say("worker", _("finished"))

    threading.Thread(target=work, name="worker", daemon=False).start()
    say("main", _("main thread done; the program waits for the worker"))


def daemon_thread(argv: list[str]) -> None:
    """A daemon thread is killed mid-work when the program exits, even mid-line."""
    path = Path(argv[0])

    def write_report() -> None:
        with path.open("w") as report:
            for line in range(1, 11):
                say("writer", _("started line {n}").format(n=line))
                report.write(f"line {line}: half written... ")
                report.flush()
                time.sleep(0.1)
                report.write("done\n")
                report.flush()

    threading.Thread(target=write_report, name="writer", daemon=True).start()
    time.sleep(0.35)
    say("main", _("main thread done; the daemon is not waited for"))


def _tick_forever(t0: float, ticking: Any) -> None:
    """A daemonic child's loop: it would never end on its own."""
    tick = 0
    while True:
        tick += 1
        say("child", _("tick {n}").format(n=tick), t0)
        ticking.set()  # tell the parent the child is running
        time.sleep(0.1)


def daemon_process(argv: list[str]) -> None:
    """A daemon child process is terminated when its parent exits."""
    context = multiprocessing.get_context(argv[0] if argv else None)
    ticking = context.Event()
    child = context.Process(target=_tick_forever, args=(T0, ticking), name="ticker", daemon=True)
    child.start()
    say("main", _("started daemon child pid {pid}").format(pid=child.pid))
    ticking.wait(timeout=30)  # a child started with spawn takes a moment to import its target
    time.sleep(0.45)  # half-way between two ticks, so the last tick and the exit cannot be confused
    say("main", _("parent leaves; multiprocessing will terminate its daemon child"))


def try_to_start_a_child() -> str:
    """Start a short-lived process and join it, or say why that was refused.

    In a daemonic process ``multiprocessing`` refuses with an AssertionError (an
    ``assert`` in ``Process.start``: ``python -O``, which strips asserts, skips the check).
    """
    try:
        grandchild = multiprocessing.Process(target=time.sleep, args=(0,))
        grandchild.start()
    except AssertionError as exc:
        return _("refused: AssertionError: {message}").format(message=exc)
    grandchild.join(timeout=20)
    if grandchild.is_alive():
        grandchild.terminate()
        return _("started a child process of its own; still running after 20 s, so terminated")
    return _("started a child process of its own and joined it")


def _child_tries(t0: float) -> None:
    say("child", try_to_start_a_child(), t0)  # the refusal is caught: the child then ends normally


def daemon_no_children(argv: list[str]) -> None:
    """A daemonic process may not start processes of its own."""
    context = multiprocessing.get_context(argv[0] if argv else None)
    child = context.Process(target=_child_tries, args=(T0,), name="child", daemon=True)
    child.start()
    child.join(timeout=20)
    if child.is_alive():
        say("main", _("child still running after 20 s"))
    else:
        say("main", _("child exited with code {code}").format(code=child.exitcode))


def ping_pong(argv: list[str]) -> None:
    """Two threads take turns for a bounded time, and stop cleanly on a signal too.

    The original tutorial's version looped forever in daemon threads. Here an
    Event means "stop": the loops check it; the main thread sets it after
    ``duration`` seconds, and the SIGINT (Ctrl+C) and SIGTERM handlers set it
    sooner. The main thread joins both workers with a timeout, and an atexit hook
    reports the clean end.
    """
    duration = float(argv[0]) if argv else 1.0
    stop = threading.Event()
    turn = {"ping": threading.Event(), "pong": threading.Event()}
    turn["ping"].set()
    stopped_by = [_("time limit")]

    def player(me: str, other: str) -> None:
        while not stop.is_set():
            if turn[me].wait(timeout=0.1):  # wake up regularly to look at `stop`
                turn[me].clear()
                if stop.is_set():
                    break
                say(me, me.capitalize() + "!")
                time.sleep(0.1)
                turn[other].set()
        say(me, _("stopping"))

    def on_signal(signum: int, _frame: Any) -> None:
        stopped_by[0] = signal.Signals(signum).name
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    atexit.register(lambda: say("main", _("atexit: clean exit after {cause}").format(cause=stopped_by[0])))
    players = [threading.Thread(target=player, args=(a, b), name=a) for a, b in (("ping", "pong"), ("pong", "ping"))]
    for p in players:
        p.start()
    say("main", _("ready"))
    deadline = time.monotonic() + duration
    while not stop.is_set() and time.monotonic() < deadline:
        stop.wait(0.05)  # short waits: on Windows before 3.14, Ctrl+C cannot interrupt a long one
    stop.set()
    say("main", _("stop is set; joining the players"))
    for p in players:
        p.join(timeout=2)
    say("main", _("all players joined") if not any(p.is_alive() for p in players) else _("a player did not stop"))


SCENARIOS: dict[str, Callable[[list[str]], None]] = {
    "non-daemon-thread": non_daemon_thread,
    "daemon-thread": daemon_thread,
    "daemon-process": daemon_process,
    "daemon-no-children": daemon_no_children,
    "ping-pong": ping_pong,
}


# --- running them ----------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    seconds: float
    actor: str
    message: str


@dataclass(frozen=True)
class Finished:
    """A scenario's run: what it printed, how it ended, and how long it took."""

    name: str
    stdout: str
    stderr: str
    returncode: int
    seconds: float

    @property
    def events(self) -> list[Event]:
        found = (LINE.match(line) for line in self.stdout.splitlines())
        return [Event(float(m["t"]), m["actor"], m["message"]) for m in found if m]

    def child_pid(self) -> int | None:
        """The pid the main thread reported for its child ("started daemon child pid N"), or None.

        Found by its shape (the main thread's first message with a number in it: the last
        number), not by its words, which are in the learner's language.
        """
        for event in self.events:
            numbers = NUMBER.findall(event.message)
            if event.actor == "main" and numbers:
                return int(numbers[-1])
        return None

    def transcript(self) -> str:
        lines = [self.stdout.rstrip()]
        if self.stderr.strip():
            lines.append("[stderr] " + self.stderr.strip())
        lines.append(_("[exit code {code}]").format(code=self.returncode))
        return "\n".join(line for line in lines if line)


def command(name: str, *args: str) -> list[str]:
    if name not in SCENARIOS:
        raise ValueError(_("no scenario {name!r}; choose from {names}").format(name=name, names=", ".join(SCENARIOS)))
    return [sys.executable, "-m", "helpers.daemon_demos", name, *args]


def run(name: str, *args: str, timeout: float = 30) -> Finished:
    """Run a scenario as a real program and wait for it (at most ``timeout`` s)."""
    started = time.perf_counter()
    done = subprocess.run(command(name, *args), capture_output=True, text=True, timeout=timeout,
                          env=plain_environment())
    return Finished(name, done.stdout, done.stderr, done.returncode, time.perf_counter() - started)


def _collect(stream: Any, lines: list[str], ready: threading.Event | None = None) -> None:
    """Read a pipe to its end; set ``ready`` when the program says it is ready."""
    for line in stream:
        lines.append(line)
        found = LINE.match(line)
        if ready is not None and found and found["actor"] == "main" and found["message"] == _("ready"):
            ready.set()


def run_and_signal(name: str, *args: str, after: float, sig: int = signal.SIGINT, timeout: float = 30) -> Finished:
    """Start a scenario, send it ``sig`` ``after`` seconds after it says "ready", and wait for it to end.

    Waiting for "ready" (printed once its signal handlers are in place) means the
    signal never arrives before the program can handle it, however slowly Python
    starts on a busy machine.
    """
    started = time.perf_counter()
    out: list[str] = []
    err: list[str] = []
    ready = threading.Event()
    with subprocess.Popen(command(name, *args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env=plain_environment()) as proc:
        readers = [threading.Thread(target=_collect, args=(proc.stdout, out, ready), name="stdout-reader"),
                   threading.Thread(target=_collect, args=(proc.stderr, err), name="stderr-reader")]
        for reader in readers:
            reader.start()
        if ready.wait(timeout):
            time.sleep(after)
            if proc.poll() is None:
                proc.send_signal(sig)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        for reader in readers:
            reader.join(timeout=5)  # the pipes close when the program ends
    return Finished(name, "".join(out), "".join(err), proc.returncode, time.perf_counter() - started)


def is_running(pid: int) -> bool | None:
    """Whether a process with this pid exists (POSIX); None where that cannot be asked safely.

    ``os.kill(pid, 0)`` sends no signal, it only checks; on Windows ``os.kill``
    would terminate the process instead, so there the answer is None.
    """
    import os

    if os.name != "posix":
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, but belongs to someone else
        return True
    return True


HELPERS: dict[str, tuple[Callable[..., Any], ...]] = {  # functions a scenario runs besides itself
    "daemon-process": (_tick_forever,),
    "daemon-no-children": (try_to_start_a_child, _child_tries),
}


def source(name: str) -> str:
    """The source of a scenario and of the functions it runs, for the lesson to show before running it."""
    import inspect

    if name not in SCENARIOS:
        raise ValueError(_("no scenario {name!r}; choose from {names}").format(name=name, names=", ".join(SCENARIOS)))
    parts = [*HELPERS.get(name, ()), SCENARIOS[name]]
    return "\n\n".join(inspect.getsource(part) for part in parts)


def show(name: str) -> Any:
    """A scenario's source, highlighted in a notebook (``IPython.display.Code``)."""
    from IPython.display import Code

    return Code(source(name), language="python")


def _last_words(events: list[Event], within: float) -> list[Event]:
    """An actor's last event, with the events just before it that a dot would hide (less than ``within`` s earlier)."""
    group = [events[-1]]
    for event in reversed(events[:-1]):
        if group[0].seconds - event.seconds >= within:
            break
        group.insert(0, event)
    return group


def plot_events(finished: Finished, *, title: str | None = None, ax: Any = None,
                terminated: Sequence[str] = ()) -> Any:
    """One row per actor, a dot per line it printed, its last words beside the last dot; a red line at the exit.

    ``terminated`` names actors (a daemonic child) that multiprocessing's exit hook
    terminates as the program exits: a red cross on their row at the exit says so,
    since a terminated process prints nothing about it.

    An actor's last events, when close together (the worker's last tick and
    "finished"; "stop is set" just before "all players joined"), are drawn as a small
    column of dots, labelled together in order, so no event hides under another and
    no label covers a dot. A label near the right edge is written leftwards from the
    column's first dot, so no text runs past the figure; the legend sits outside the plot.
    """
    import textwrap

    import matplotlib.pyplot as plt

    events = [e for e in finished.events if e.actor != "python"]
    exits = [e.seconds for e in finished.events if e.actor == "python"]
    actors = list(dict.fromkeys(e.actor for e in events))
    if ax is None:
        _fig, ax = plt.subplots(figsize=(9, 1.1 + 0.7 * max(2, len(actors))), constrained_layout=True)
    end = max([e.seconds for e in events] + exits + [0.1])
    right = end * 1.08
    step = 0.16  # rows between two stacked dots
    for row, actor in enumerate(actors):
        mine = [e for e in events if e.actor == actor]
        last = _last_words(mine, within=0.08 * right)
        colour = f"C{row % 10}"
        earlier = mine[:len(mine) - len(last)]
        ax.scatter([e.seconds for e in earlier], [row] * len(earlier), s=40, zorder=3, color=colour)
        offsets = [step * (k - (len(last) - 1) / 2) for k in range(len(last))]
        ax.scatter([e.seconds for e in last], [row + o for o in offsets], s=40, zorder=3, color=colour)
        leftwards = last[-1].seconds > 0.45 * right
        label = "\n".join(textwrap.fill(e.message, 48) for e in last)
        alone = len(last) == 1  # a single label goes above its dot; a column's label beside it, lines in order
        anchor = last[0].seconds if leftwards else last[-1].seconds  # the text never crosses the column's dots
        ax.annotate(label, (anchor, row), xytext=(-8 if leftwards else 8, 6 if alone else 0),
                    textcoords="offset points", fontsize=8, ha="right" if leftwards else "left",
                    va="bottom" if alone else "center")
    if exits:
        ax.axvline(exits[0], color="tab:red", linestyle="--", zorder=2,
                   label=_("program exits ({seconds:.2f} s)").format(seconds=exits[0]))
        for actor in terminated:
            if actor in actors:
                ax.scatter([exits[0]], [actors.index(actor)], marker="X", s=90, color="tab:red", zorder=4,
                           label=_("{actor} terminated at exit").format(actor=actor))
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    ax.set_xlim(0, right)
    ax.set_yticks(range(len(actors)), actors)
    ax.set_ylim(-0.7, len(actors) - 0.3)
    ax.invert_yaxis()
    ax.set_xlabel(_("seconds since the program started"))
    ax.set_title(title or _("{name}: exit code {code}").format(name=finished.name, code=finished.returncode))
    ax.grid(axis="x", alpha=0.3)
    return ax


def _usage() -> str:
    return _("usage: python -m helpers.daemon_demos {{{names}}} [ARGS]").format(names=",".join(SCENARIOS))


def main(argv: list[str]) -> int:
    """The runner: run the scenario named ``argv[0]``, handing it the other arguments."""
    if not argv or argv[0] not in SCENARIOS:
        print(_usage(), file=sys.stderr)
        return 2
    # An exit hook: it runs after Python has waited for the non-daemon threads, and
    # before it abandons the daemon ones. Registered first, it runs last.
    atexit.register(lambda: say("python", _("program exits")))
    SCENARIOS[argv[0]](argv[1:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
