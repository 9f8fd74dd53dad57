"""I/O multiplexing made visible: one thread, one ``selectors`` loop, many clients.

This is how Redis and Node.js serve thousands of connections on one thread: the
sockets are non-blocking, and the loop asks the operating system "which of these
are ready?" (``select``/``epoll``/``kqueue``), then does only the work that will
not wait. The server below echoes each line back, and notes every event it
handles, so a lesson can draw one thread interleaving many conversations.

It listens on 127.0.0.1 only, on a free port the OS picks, runs in a background
thread, and stops when its ``with`` block ends.
"""

from __future__ import annotations

import selectors
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class EchoLog:
    """What the server did: (seconds, client, what) events, and its thread's name."""

    events: list[tuple[float, int, str]] = field(default_factory=list)
    thread: str = ""


class EchoServer:
    """A line-echo server on one thread, multiplexing its sockets with ``selectors``."""

    def __init__(self) -> None:
        self.selector = selectors.DefaultSelector()
        self.listener = socket.create_server(("127.0.0.1", 0))  # port 0: the OS picks a free one
        self.listener.setblocking(False)
        self.port = self.listener.getsockname()[1]
        self.log = EchoLog()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="echo-server")
        self._clients = 0
        self._origin = time.perf_counter()

    def __enter__(self) -> EchoServer:
        self._origin = time.perf_counter()
        self.selector.register(self.listener, selectors.EVENT_READ, data=None)
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for key in list(self.selector.get_map().values()):
            self.selector.unregister(key.fileobj)
            key.fileobj.close()
        self.selector.close()

    def _note(self, client: int, what: str) -> None:
        self.log.events.append((time.perf_counter() - self._origin, client, what))

    def _serve(self) -> None:
        self.log.thread = threading.current_thread().name
        while not self._stop.is_set():
            for key, _mask in self.selector.select(timeout=0.05):  # wake regularly to check _stop
                if key.data is None:
                    self._accept()
                else:
                    self._echo(key)

    def _accept(self) -> None:
        connection, _ = self.listener.accept()
        connection.setblocking(False)
        self._clients += 1
        self.selector.register(connection, selectors.EVENT_READ, data=self._clients)
        self._note(self._clients, "connected")

    def _echo(self, key: selectors.SelectorKey) -> None:
        connection, client = key.fileobj, key.data
        data = connection.recv(4096)  # ready, so this does not wait
        if data:
            connection.sendall(data)  # small replies fit the socket buffer at once
            self._note(client, "echoed")
        else:  # the client closed its end
            self.selector.unregister(connection)
            connection.close()
            self._note(client, "closed")


def chat(port: int, lines: int = 3, pause: float = 0.05) -> list[str]:
    """A client: connect, send ``lines`` lines with pauses, read each echo, close."""
    replies = []
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        reader = conn.makefile("r", encoding="utf-8")
        try:
            for n in range(lines):
                time.sleep(pause)  # the client thinks: its socket is idle meanwhile
                conn.sendall(f"line {n}\n".encode())
                replies.append(reader.readline().strip())
        finally:
            reader.close()
    return replies


def run_echo_demo(clients: int = 20, lines: int = 3, pause: float = 0.05) -> tuple[EchoLog, list[list[str]]]:
    """``clients`` client threads talk to one server thread at the same time."""
    from concurrent.futures import ThreadPoolExecutor

    with EchoServer() as server, ThreadPoolExecutor(max_workers=clients) as pool:
        replies = list(pool.map(lambda _: chat(server.port, lines, pause), range(clients)))
    return server.log, replies


def plot_echo(log: EchoLog, ax: Any = None) -> Any:
    """Each client a row; a dot whenever the single server thread handled it."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4), constrained_layout=True)
    colours = {"connected": "tab:blue", "echoed": "tab:green", "closed": "tab:grey"}
    for what, colour in colours.items():
        mine = [(t, c) for t, c, w in log.events if w == what]
        ax.scatter([t for t, _ in mine], [c for _, c in mine], s=14, color=colour, label=what)
    clients = max((c for _, c, _ in log.events), default=1)
    ax.set_ylim(clients + 1, 0)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("client")
    ax.set_xlabel("seconds since the server started")
    ax.set_title(f"One server thread ({log.thread}) serving {clients} clients at once")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax

