"""A local web server with adjustable latency, serving the course's photos.

Network latency is what async I/O is for, and a lesson cannot depend on the
internet. This server answers ``GET /images/NAME`` with the file's bytes after
waiting ``latency`` seconds, the way a distant server would. It listens on
127.0.0.1 only, on a free port the operating system picks, answers each request
on its own thread (so it is never the bottleneck), and stops when its ``with``
block ends.
"""

from __future__ import annotations

import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from helpers.paths import IMAGES


class _Server(ThreadingHTTPServer):
    # The default listen backlog is 5: a burst of more connections than that has
    # some refused at first, and the client's retry costs a whole second.
    request_queue_size = 128
    daemon_threads = True  # a client that hangs up mid-request cannot block shutdown

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (a cancelled or timed-out request) is normal here, not an error."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class SlowServer:
    """``with SlowServer(latency=0.2) as server:`` then fetch ``server.url(name)``."""

    def __init__(self, latency: float = 0.2, folder: Path = IMAGES) -> None:
        if latency < 0:
            raise ValueError(f"latency must not be negative, not {latency}")
        self.latency = latency
        self.folder = folder.resolve()
        self.requests = 0
        self.in_flight = 0
        self.peak_in_flight = 0
        self._count = threading.Lock()
        self._httpd = _Server(("127.0.0.1", 0), self._handler())
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="slow-server")

    def url(self, name: str, delay: float | None = None) -> str:
        """The address of a photo; ``delay`` overrides the server's latency for this request."""
        query = "" if delay is None else f"?delay={delay}"
        return f"http://127.0.0.1:{self.port}/images/{name}{query}"

    def names(self) -> list[str]:
        """The photos this server can serve (top-level files only)."""
        return self.available(folder=self.folder)

    @staticmethod
    def available(count: int | None = None, folder: Path = IMAGES) -> list[str]:
        """The first ``count`` photos (all by default) a server of ``folder`` would serve."""
        names = sorted(p.name for p in folder.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
        return names[:count] if count is not None else names

    def start(self) -> SlowServer:
        self._thread.start()
        return self

    def close(self) -> None:
        if self._thread.is_alive():
            self._httpd.shutdown()  # stops serve_forever
            self._thread.join(timeout=5)
        self._httpd.server_close()  # closes the listening socket

    def __enter__(self) -> SlowServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with server._count:
                    server.requests += 1
                    server.in_flight += 1
                    server.peak_in_flight = max(server.peak_in_flight, server.in_flight)
                path, _, query = self.path.partition("?")
                delay = server.latency
                if query.startswith("delay="):
                    delay = max(0.0, min(float(query[len("delay="):]), 10.0))
                try:
                    time.sleep(delay)  # the distance to a faraway server
                    self._reply(path)
                finally:
                    with server._count:
                        server.in_flight -= 1

            def _reply(self, url_path: str) -> None:
                prefix = "/images/"
                name = unquote(url_path[len(prefix):]) if url_path.startswith(prefix) else ""
                path = (server.folder / name).resolve()
                if not name or path.parent != server.folder or not path.is_file():
                    self.send_error(HTTPStatus.NOT_FOUND)
                    return
                body = path.read_bytes()
                self.send_response(HTTPStatus.OK)
                self.send_header("Content-Type", "image/jpeg" if path.suffix.lower() != ".png" else "image/png")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:  # keep the notebook quiet
                pass

        return Handler
