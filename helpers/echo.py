"""Lesson 07's harness for a callback-style echo server: clients, a recording selector, a plot.

The lesson writes the server itself in the notebook: two callbacks (``on_connect``,
``on_data``) and the loop that asks a ``selectors`` selector which sockets are ready
and calls each one's callback. That is async I/O in its oldest form, the way Redis
and Node.js serve many clients on one thread.

What lives here is what the lesson is *not* about, so a learner's cell stays short:

* :func:`serve_echo` opens a listening socket on 127.0.0.1 (a free port the OS picks),
  runs the lesson's loop on a thread, sends it twenty clients at once, then stops the
  loop and closes every socket, whatever the lesson's code did;
* :class:`RecordingSelector`, a ``selectors.DefaultSelector`` that also notes every
  event it reports (which client, when), so the lesson can draw one thread serving
  many clients without a single logging line in its own callbacks;
* :func:`chat`, one client, and :func:`plot_echo`, the picture.
"""

from __future__ import annotations

import selectors
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from helpers.i18n import _

CONNECTED, READABLE, CLOSED = "connected", "readable", "closed"


@dataclass
class EchoLog:
    """What the selector reported: (seconds, client number, what) events, and the loop's thread."""

    events: list[tuple[float, int, str]] = field(default_factory=list)
    thread: str = ""


class RecordingSelector(selectors.DefaultSelector):  # type: ignore[misc,valid-type]
    """A selector that behaves exactly like the default one and notes what it reports.

    Sockets are numbered in the order they are registered: the listening socket
    is 0, the first client 1, and so on. ``register`` notes "connected",
    ``select`` notes "readable" for every ready client, ``unregister`` notes
    "closed". Only the loop's thread uses it after the listener is registered.
    """

    def __init__(self) -> None:
        super().__init__()
        self.log = EchoLog()
        self._origin = time.perf_counter()
        self._numbers: dict[int, int] = {}
        self._registered = 0

    def _note(self, number: int, what: str) -> None:
        if number > 0:  # the listening socket is not a client
            self.log.events.append((time.perf_counter() - self._origin, number, what))

    def register(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        key = super().register(fileobj, events, data)
        self._numbers[key.fd] = self._registered
        self._note(self._registered, CONNECTED)
        self._registered += 1
        return key

    def unregister(self, fileobj: Any) -> selectors.SelectorKey:
        key = super().unregister(fileobj)
        self._note(self._numbers.pop(key.fd, -1), CLOSED)
        return key

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        ready = super().select(timeout)
        for key, _events in ready:
            self._note(self._numbers.get(key.fd, -1), READABLE)
        return ready


@dataclass
class EchoRun:
    """How a run of :func:`serve_echo` went: the selector's log, each client's replies, any error."""

    log: EchoLog
    replies: list[list[str]]
    errors: list[str]
    stopped: bool  # did the lesson's loop return once asked to stop?

    def all_echoed(self, lines: int) -> bool:
        expected = [f"line {n}" for n in range(lines)]
        return not self.errors and all(reply == expected for reply in self.replies)


def chat(port: int, lines: int = 3, pause: float = 0.05, timeout: float = 5.0) -> list[str]:
    """One client: connect, send ``lines`` lines with a pause before each, read each echo, close.

    Every wait has ``timeout``: a server that never answers fails this client with
    ``TimeoutError`` (an ``OSError``) instead of hanging the lesson.
    """
    replies = []
    with (socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection,
          connection.makefile("r", encoding="utf-8") as reader):
        for n in range(lines):
            time.sleep(pause)  # the client thinks; its socket is idle meanwhile
            connection.sendall(f"line {n}\n".encode())
            replies.append(reader.readline().strip())
    return replies


def serve_echo(
    event_loop: Callable[[selectors.BaseSelector, threading.Event], None],
    on_connect: Callable[[selectors.BaseSelector, socket.socket], None],
    *,
    clients: int = 20,
    lines: int = 3,
    pause: float = 0.05,
    timeout: float = 5.0,
) -> EchoRun:
    """Run the lesson's ``event_loop`` on one thread while ``clients`` clients talk to it at once.

    The listening socket is registered with ``on_connect`` as its callback. When
    the clients are done (or have timed out), the loop is asked to stop, joined
    with ``timeout``, and every socket still registered is closed, so nothing is
    left open or running even if the lesson's code is broken. An exception in
    the loop is caught and returned, never printed from the thread.
    """
    selector = RecordingSelector()
    listener = socket.create_server(("127.0.0.1", 0))  # port 0: the OS picks a free one
    listener.setblocking(False)
    stop = threading.Event()
    errors: list[str] = []

    def run_loop() -> None:
        try:
            event_loop(selector, stop)
        except Exception as exc:  # report it in the cell, not from this thread
            errors.append(_("the event loop raised {error}").format(error=f"{type(exc).__name__}: {exc}"))

    thread = threading.Thread(target=run_loop, name="echo-server")
    selector.log.thread = thread.name
    replies: list[list[str]] = []
    try:
        selector.register(listener, selectors.EVENT_READ, on_connect)
        thread.start()
        port = listener.getsockname()[1]
        with ThreadPoolExecutor(max_workers=clients, thread_name_prefix="client") as pool:
            futures = [pool.submit(chat, port, lines, pause, timeout) for _client in range(clients)]
            for future in futures:
                try:
                    replies.append(future.result())
                except OSError as exc:
                    replies.append([])
                    errors.append(_("a client failed: {error}").format(error=f"{type(exc).__name__}: {exc}"))
    finally:
        stop.set()
        if thread.is_alive():
            thread.join(timeout)
        stopped = not thread.is_alive()
        for key in list(selector.get_map().values()):
            key.fileobj.close()
        listener.close()
        selector.close()  # a loop that ignored `stop` now fails at its next select() and ends
        if thread.is_alive():
            thread.join(timeout)
    if not stopped:
        errors.append(_("the event loop did not return within {seconds:g} s of being asked to stop: "
                        "check `stop` in its while condition").format(seconds=timeout))
    return EchoRun(selector.log, replies, errors, stopped=stopped)


def plot_echo(log: EchoLog, ax: Any = None) -> Any:
    """Each client a row; a mark whenever the one server thread's selector reported it.

    A client's last line and its closing come a fraction of a millisecond apart, so
    "closed" is drawn as a ring around the dot rather than a dot that would hide it.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _figure, ax = plt.subplots(figsize=(9, 4.4), constrained_layout=True)
    shown = {CLOSED: ("tab:grey", _("closed (ring)"), {"s": 70, "facecolors": "none", "linewidths": 1.2}),
             CONNECTED: ("tab:blue", _("connected"), {"s": 14}),
             READABLE: ("tab:green", _("readable: callback called"), {"s": 14})}
    for zorder, (what, (colour, label, style)) in enumerate(shown.items(), start=2):
        mine = [(t, c) for t, c, w in log.events if w == what]
        key = "edgecolors" if what == CLOSED else "color"
        ax.scatter([t for t, _c in mine], [c for _t, c in mine], label=label, zorder=zorder, **{key: colour},
                   **style)
    clients = max((c for _t, c, _w in log.events), default=1)
    ax.set_ylim(clients + 0.7, 0.3)
    ax.set_yticks(range(1, clients + 1), [str(c) for c in range(1, clients + 1)], fontsize=7)
    ax.set_ylabel(_("client"))
    ax.set_xlabel(_("seconds since the server started"))
    ax.set_title(_("One thread ({thread}) serving {clients} clients at once").format(thread=log.thread,
                                                                                      clients=clients))
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax
