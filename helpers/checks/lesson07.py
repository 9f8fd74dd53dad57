"""Self-checks for lesson 07, Async I/O.

Each check runs the learner's coroutine function against a local slow server
(``helpers.slow_server``) through a *watched* client: the real
``httpx.AsyncClient``, which also notes every ``get`` that started and finished.
So the checks judge what the answer did (which requests it waited for, what it
left running) rather than how long it took, which a busy machine would blur.
"""

from __future__ import annotations

import asyncio
from typing import Any

from helpers.checks.verdict import Verdict, verdict
from helpers.i18n import _

__all__ = ["check_batch_deadline", "check_first_response"]

ANSWER_TIMEOUT = 10.0  # seconds: a check always ends, whatever the answer does


class WatchedClient:
    """An ``httpx.AsyncClient`` that notes each ``get``: started, finished, most in flight at once."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.started: list[str] = []
        self.finished: list[str] = []
        self.in_flight = 0
        self.peak = 0

    async def get(self, url: str, **kwargs: Any) -> Any:
        self.started.append(url)
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            response = await self._client.get(url, **kwargs)
        finally:
            self.in_flight -= 1
        self.finished.append(url)
        return response

    def __getattr__(self, name: str) -> Any:  # everything else is the real client's
        return getattr(self._client, name)


def _raised(exc: BaseException) -> str:
    text = _("your function raised {error}").format(error=f"{type(exc).__name__}: {exc}")
    if isinstance(exc, TypeError) and "coroutine" in str(exc).lower():
        text += _(" (asyncio.wait takes tasks: wrap each request in asyncio.create_task)")
    if isinstance(exc, asyncio.CancelledError):
        text += _(" (did you await a task you had cancelled without catching CancelledError? "
                  "gather(..., return_exceptions=True) collects it instead)")
    return text


async def _call(fn: Any, *args: Any) -> tuple[bool, Any]:
    """``(True, result)`` of ``await fn(*args)``, or ``(False, hint)``; never raises, ends in ANSWER_TIMEOUT."""
    try:
        return True, await asyncio.wait_for(fn(*args), timeout=ANSWER_TIMEOUT)
    except TimeoutError:
        return False, _("no answer within {seconds:g} s.").format(seconds=ANSWER_TIMEOUT)
    except asyncio.CancelledError as exc:
        task = asyncio.current_task()
        if task is not None and task.cancelling():  # the check itself is being cancelled: let it go
            raise
        return False, _raised(exc)
    except Exception as exc:
        return False, _raised(exc)


async def _still_running(before: set[asyncio.Task]) -> tuple[int, int]:
    """Tasks started since ``before`` that are not done: (how many, how many of them were cancelled).

    Then cancels them and waits, so a wrong answer leaves nothing behind.
    """
    left = [t for t in asyncio.all_tasks() - before if not t.done()]
    asked = sum(1 for t in left if t.cancelling())
    for task in left:
        task.cancel()
    await asyncio.gather(*left, return_exceptions=True)
    return len(left), asked


def _left_running_hint(left: int, asked: int) -> str:
    if asked:
        return _("you cancelled {n} request(s) but returned before they had finished cancelling: "
                 "await them too (for example asyncio.gather(*pending, return_exceptions=True)), "
                 "so nothing is left running.").format(n=left)
    return _("{n} request(s) were still running after your function returned: cancel them, "
             "and await them.").format(n=left)


async def check_first_response(fn: Any) -> Verdict:
    """Exercise 07.1: ``first_of(urls, client)`` returns the first body to arrive, and leaves nothing running.

    One of three urls answers at once, two after 3 s. The answer must return the
    fast photo's length before either slow request finishes, with the slow ones
    cancelled *and awaited* (the exercise says so): when it returns, none of its
    tasks may still be running.
    """
    import httpx

    from helpers.slow_server import SlowServer

    if not callable(fn):
        return verdict(False, "", _("define `async def first_of(urls, client)`."))
    with SlowServer(latency=0.0) as server:
        names = server.names()[:3]
        slow, fast = 3.0, 0.0
        urls = [server.url(names[0], delay=slow), server.url(names[1], delay=fast), server.url(names[2], delay=slow)]
        sizes = {n: (server.folder / n).stat().st_size for n in names}
        before = asyncio.all_tasks()
        async with httpx.AsyncClient(timeout=ANSWER_TIMEOUT, trust_env=False) as real:
            client = WatchedClient(real)
            ok, got = await _call(fn, urls, client)
            waited_for_slow = any(url in client.finished for url in (urls[0], urls[2]))
            left, asked = await _still_running(before)
    if not ok:
        return verdict(False, "", got)
    if not client.started:
        return verdict(False, "", _("your function made no request: call `await client.get(url)` for each url "
                                    "(in a task each), and return a length."))
    if isinstance(got, httpx.Response):
        return verdict(False, "", _("you returned the response itself: return the length of its body, "
                                    "len(response.content)."))
    if got != sizes[names[1]]:
        if got in (sizes[names[0]], sizes[names[2]]):
            return verdict(False, "", _("that is a slow photo's length: return the first response to arrive, "
                                        "not the first url's (asyncio.wait with return_when=FIRST_COMPLETED)."))
        return verdict(False, "", _("expected the fast photo's {size} bytes, got {got!r}.").format(
            size=sizes[names[1]], got=got))
    if waited_for_slow:
        return verdict(False, "", _("right length, but you waited for the slow requests to finish too: "
                                    "return as soon as the first one arrives, and cancel the others."))
    if left:
        return verdict(False, "", _left_running_hint(left, asked))
    return verdict(True, _("the fast answer first; the slow requests cancelled and awaited, nothing left running."),
                   "")


SLOWEST_FIRST = (1.3, 1.1, 0.9, 0.7)  # exercise 07.2's per-url delays: responses arrive last url first


async def check_batch_deadline(fn: Any) -> Verdict:
    """Exercise 07.2: ``fetch_within(urls, client, seconds)``: every length, or None past the deadline.

    Four requests of 1 s each: with 3 s they all fit if they run at once, so the
    answer must return their lengths; with 0.2 s none can finish, so it must
    return None, and must not wait for them or leave them running.
    """
    import time

    import httpx

    from helpers.slow_server import SlowServer

    if not callable(fn):
        return verdict(False, "", _("define `async def fetch_within(urls, client, seconds)`."))
    with SlowServer(latency=1.0) as server:
        names = server.names()[:4]
        urls = [server.url(n, delay=SLOWEST_FIRST[i]) for i, n in enumerate(names)]  # arrive in reverse url order
        expected = [(server.folder / n).stat().st_size for n in names]
        async with httpx.AsyncClient(timeout=ANSWER_TIMEOUT, trust_env=False) as real:
            roomy = WatchedClient(real)
            before = asyncio.all_tasks()
            started = time.perf_counter()
            ok, in_time = await _call(fn, urls, roomy, 3.0)
            took = time.perf_counter() - started
            await _still_running(before)
            if not ok:
                return verdict(False, "", in_time)
            tight = WatchedClient(real)
            ok, too_late = await _call(fn, urls, tight, 0.2)
            left, asked = await _still_running(before)
    if not ok:
        return verdict(False, "", too_late)
    if not roomy.started:
        return verdict(False, "", _("your function made no request: call `client.get(url)` for each url, "
                                    "and return the list of lengths."))
    if in_time is None and roomy.peak == 1:
        return verdict(False, "", _("with 3 s to spare it returned None: one request at a time takes {total:.1f} s. "
                                    "Start them all at once (gather or a TaskGroup) inside the deadline.").format(
            total=sum(SLOWEST_FIRST)))
    if isinstance(in_time, list) and in_time and isinstance(in_time[0], httpx.Response):
        return verdict(False, "", _("return the body lengths, len(response.content), not the responses."))
    if isinstance(in_time, list) and in_time != expected and sorted(map(str, in_time)) == sorted(map(str, expected)):
        return verdict(False, "", _("every length is there, but in the order the responses arrived (the first url "
                                    "answers last here): return them in url order. gather returns its results in "
                                    "the order of its arguments; tasks kept in a list do too."))
    if in_time != expected:
        return verdict(False, "", _("with 3 s to spare, expected the 4 lengths {expected} (in url order), got "
                                    "{got!r}.").format(expected=expected, got=in_time))
    if took > 3.5:
        return verdict(False, "", _("it returned every length, but after {seconds:.1f} s, past the 3 s deadline: "
                                    "the deadline is for the whole batch.").format(seconds=took))
    if too_late is not None:
        return verdict(False, "", _("with a 0.2 s deadline no request can finish: expected None, got {got!r}.").format(
            got=too_late))
    if tight.finished:
        return verdict(False, "", _("it returned None, but only after the requests had finished: "
                                    "stop waiting at the deadline (asyncio.timeout cancels what is inside)."))
    if left:
        return verdict(False, "", _left_running_hint(left, asked))
    return verdict(True, _("all 4 lengths within 3 s; None at 0.2 s, with nothing left running."), "")
