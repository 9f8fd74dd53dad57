"""Self-checks for lesson 07, Async I/O."""

from __future__ import annotations

from typing import Any

from helpers.checks.verdict import Verdict, verdict

__all__ = ["check_batch_deadline", "check_first_response"]


async def check_first_response(fn: Any) -> Verdict:
    """Exercise 07.1: ``first_of(urls, client)`` returns the fastest body's length, cancelling the rest."""
    import asyncio
    import time

    import httpx

    from helpers.slow_server import SlowServer

    with SlowServer(latency=0.0) as server:
        names = server.names()[:3]
        urls = [server.url(names[0], delay=2.0), server.url(names[1], delay=0.05), server.url(names[2], delay=2.0)]
        expected = (server.folder / names[1]).stat().st_size
        before = asyncio.all_tasks()
        started = time.perf_counter()
        async with httpx.AsyncClient(timeout=10, trust_env=False) as client:
            try:
                got = await asyncio.wait_for(fn(urls, client), timeout=5)
            except TimeoutError:
                return verdict(False, "", "no answer within 5 s.")
            except Exception as exc:
                hint = " (asyncio.wait needs tasks: wrap each request in asyncio.create_task)" if isinstance(
                    exc, TypeError) else ""
                return verdict(False, "", f"your function raised {type(exc).__name__}: {exc}{hint}")
            took = time.perf_counter() - started
            left = [t for t in asyncio.all_tasks() - before if not t.done()]
            for task in left:  # tidy up after a wrong answer
                task.cancel()
            await asyncio.gather(*left, return_exceptions=True)
    if got != expected:
        return verdict(False, "", f"expected the fast photo's {expected} bytes, got {got!r}.")
    if took > 1.5:
        return verdict(False, "", f"it took {took:.1f} s: you waited for the slow responses too.")
    if left:
        return verdict(False, "", f"{len(left)} request(s) were still running: cancel the others and await them.")
    return verdict(True, f"the fast answer in {took:.2f} s, the slow requests cancelled.", "")


async def check_batch_deadline(fn: Any) -> Verdict:
    """Exercise 07.2: ``fetch_within(urls, client, seconds)`` returns sizes, or None past the deadline."""
    import time

    import httpx

    from helpers.slow_server import SlowServer

    with SlowServer(latency=1.0) as server:  # slow enough that "waited anyway" is unmistakable
        names = server.names()[:4]
        urls = [server.url(n) for n in names]
        expected = [(server.folder / n).stat().st_size for n in names]
        async with httpx.AsyncClient(timeout=10, trust_env=False) as client:
            try:
                in_time = await fn(urls, client, 3.0)
                started = time.perf_counter()
                too_late = await fn(urls, client, 0.05)
                took = time.perf_counter() - started
            except Exception as exc:
                return verdict(False, "", f"your function raised {type(exc).__name__}: {exc}")
    if in_time != expected:
        return verdict(False, "", f"with 3 s to spare, expected the 4 body lengths {expected}, got {in_time!r}.")
    if too_late is not None:
        return verdict(False, "", f"with a 0.05 s deadline, expected None, got {too_late!r}.")
    if took > 0.5:
        return verdict(False, "", f"it returned None, but after {took:.2f} s: stop at the deadline.")
    return verdict(True, "all 4 within 3 s; None, promptly, with 0.05 s.", "")
