"""Lesson 00's responsiveness demo: slow work in the kernel's main thread freezes the notebook.

A progress bar does the "work", and a Click-me button counts clicks. Started the
blocking way, the work holds the kernel's main thread, so clicks wait in a queue
until it ends. Started in a background thread, the kernel stays free and the count
goes up while the bar moves. The lesson writes the function that starts that
thread itself and hands it in (``start_thread``): the thread is what it teaches,
the buttons and the bar are only the instrument. The logic is a plain class, so
tests drive it without a browser; :meth:`ResponsivenessDemo.widget` only wires it
to buttons.

One run at a time: two threads moving one bar would teach nothing. While work is
running, the Start buttons are disabled and :meth:`ResponsivenessDemo.work`
refuses to start a second run (it returns at once and says so). The demo keeps the
thread its button started and joins it before starting the next one; the lesson's
cell joins the last one with :meth:`ResponsivenessDemo.wait`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from helpers.i18n import _, ngettext

StartThread = Callable[[Callable[[], None]], threading.Thread]


def start_in_background(work: Callable[[], None]) -> threading.Thread:
    """Run ``work`` in a new thread and return that thread, already started.

    What the lesson writes in its own cell; the default when none is handed in.
    """
    worker = threading.Thread(target=work, name="background-work")
    worker.start()
    return worker


class ResponsivenessDemo:
    """Slow work (``steps`` x ``delay`` seconds) that moves a progress bar."""

    def __init__(self, steps: int = 30, delay: float = 0.1, *, start_thread: StartThread | None = None) -> None:
        if steps < 1 or delay < 0:
            raise ValueError(_("steps must be at least 1 and delay not negative"))
        self.start_thread = start_thread or start_in_background
        self.steps = steps
        self.delay = delay
        self.progress = 0
        self.clicks = 0
        self.clicks_during_work = 0
        self.refused = 0  # runs refused because one was already going
        self._worker: threading.Thread | None = None
        self._running = threading.Lock()  # held by the one run that moves the bar
        self._starting = threading.Event()  # a button started a thread that has not begun yet
        self._bar: Any = None
        self._label: Any = None
        self._buttons: list[Any] = []

    # --- the logic -------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._starting.is_set() or self._running.locked()

    def work(self) -> None:
        """The slow job itself: sleep a step at a time, reporting progress from 0.

        Refuses (returns at once) while another run is going, whoever started it.
        """
        if not self._running.acquire(blocking=False):
            self.refused += 1
            self._show()
            return
        self._starting.clear()
        self.progress = 0
        self._show()
        try:
            for step in range(1, self.steps + 1):
                time.sleep(self.delay)
                self.progress = step
                self._show()
        finally:
            self._running.release()
            self._show()

    def run_blocking(self) -> None:
        """Do the work in the calling thread: nothing else runs until it ends."""
        self.work()

    def start_background(self) -> threading.Thread | None:
        """Do the work in a thread started by ``start_thread``; return at once (None if already busy).

        The thread of the previous press has finished by then (the demo is not busy):
        it is joined first, so no thread this demo started is left unjoined.
        """
        if self.busy:
            self.refused += 1
            self._show()
            return None
        self.wait(timeout=1)  # the previous run's thread: finished, or finishing its last line
        self.progress = 0
        self._starting.set()  # busy from now, not from when the thread gets going
        self._worker = self.start_thread(self.work)
        return self._worker

    def wait(self, timeout: float | None = 30) -> bool:
        """Join the thread the Start button started last, if any; True when it has finished.

        Call it before starting the work some other way, so that two runs never share the bar.
        """
        if self._worker is not None:
            self._worker.join(timeout)
            return not self._worker.is_alive()
        return True

    def click(self, *_: Any) -> None:
        """What the Click-me button does: count, noting clicks made during work."""
        self.clicks += 1
        if self.busy:
            self.clicks_during_work += 1
        self._show()

    # --- the widget ------------------------------------------------------------------

    def _show(self) -> None:
        busy = self.busy
        if self._bar is not None:
            self._bar.value = self.progress
            self._bar.bar_style = "info" if busy else "success"
        for button in self._buttons:
            button.disabled = busy
        if self._label is not None:
            text = _("clicks counted: {clicks} (while work was running: {during})").format(
                clicks=self.clicks, during=self.clicks_during_work)
            if self.refused:
                text += " · " + ngettext("{n} start refused: one run at a time",
                                         "{n} starts refused: one run at a time", self.refused).format(n=self.refused)
            self._label.value = text

    def widget(self) -> Any:
        """Buttons to start the work either way, a bar, and a Click-me counter."""
        import ipywidgets as w

        self._bar = w.IntProgress(value=0, min=0, max=self.steps, description=_("work"))
        self._label = w.Label()
        blocking = w.Button(description=_("Start (blocking)"), button_style="warning")
        background = w.Button(description=_("Start (background thread)"), button_style="primary",
                              layout=w.Layout(width="auto"))
        clicker = w.Button(description=_("Click me"), icon="hand-pointer")
        blocking.on_click(lambda _: self.run_blocking())
        background.on_click(lambda _: self.start_background())
        clicker.on_click(self.click)
        self._buttons = [blocking, background]
        self._show()
        return w.VBox([w.HBox([blocking, background]), self._bar, w.HBox([clicker, self._label])])
