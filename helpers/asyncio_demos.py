"""Small asyncio experiments for lesson 07: what a notebook allows, what a task sees.

Each returns what happened as data or text, so the lesson prints results instead
of raising, and the tests check the same behaviour the lesson describes.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from concurrent.futures import ThreadPoolExecutor


def try_asyncio_run() -> str:
    """Call ``asyncio.run`` here, and say what happened.

    In a notebook cell, or any code called from inside a running event loop, it
    refuses: one thread runs one loop. In a plain script there is no loop yet, and
    it works.
    """
    coro = asyncio.sleep(0)
    try:
        asyncio.run(coro)
    except RuntimeError as exc:
        coro.close()  # never started: close it, or Python warns it was never awaited
        return f"RuntimeError: {exc}"
    return "asyncio.run worked: no event loop was running in this thread"


async def cancelled_task_sees() -> list[str]:
    """Cancel a sleeping task and report what it saw: CancelledError, then its cleanup."""
    seen: list[str] = []

    async def worker() -> None:
        try:
            seen.append("worker: started, sleeping 10 s")
            await asyncio.sleep(10)
            seen.append("worker: woke up (never printed)")
        except asyncio.CancelledError:
            seen.append("worker: CancelledError raised at its await")
            raise  # let the cancellation finish; swallowing it would hide the cancel
        finally:
            seen.append("worker: finally ran (close files and connections here)")

    task = asyncio.create_task(worker())
    await asyncio.sleep(0.05)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        seen.append(f"caller: task.cancelled() is {task.cancelled()}")
    return seen


async def with_a_deadline(work: float, deadline: float) -> str:
    """``asyncio.timeout``: give up on ``work`` seconds of waiting after ``deadline`` seconds."""
    started = time.perf_counter()
    try:
        async with asyncio.timeout(deadline):
            await asyncio.sleep(work)
    except TimeoutError:
        return f"gave up after {time.perf_counter() - started:.2f} s (TimeoutError)"
    return f"finished in {time.perf_counter() - started:.2f} s"


async def gather_and_taskgroup() -> dict[str, str]:
    """How ``gather`` and ``TaskGroup`` react when one of three tasks fails."""

    async def ok(delay: float) -> float:
        await asyncio.sleep(delay)
        return delay

    async def boom() -> None:
        await asyncio.sleep(0.05)
        raise ValueError("boom")

    said = {}
    sibling = asyncio.ensure_future(ok(0.3))
    try:
        await asyncio.gather(ok(0.1), boom(), sibling)
    except ValueError as exc:
        said["gather()"] = (f"raised {exc!r} at once; the 0.3 s task kept running: "
                            f"{not sibling.done()}")
    await sibling  # gather does not cancel the others: finish (or cancel) them yourself
    results = await asyncio.gather(ok(0.1), boom(), ok(0.2), return_exceptions=True)
    said["gather(return_exceptions=True)"] = repr(results)
    slow = None
    try:
        async with asyncio.TaskGroup() as group:
            group.create_task(ok(0.1))
            group.create_task(boom())
            slow = group.create_task(ok(5))
    except* ValueError as failures:
        said["TaskGroup"] = (f"raised ExceptionGroup({failures.exceptions!r}); "
                             f"the 5 s task was cancelled: {slow is not None and slow.cancelled()}")
    return said


async def loop_lag(block: bool, work: float = 0.5, tick: float = 0.05) -> float:
    """The longest gap between ticks of a ticker task while another coroutine works.

    With ``block=True`` the work is ``time.sleep``: it never returns to the loop,
    so nothing else runs. With ``block=False`` it is handed to a worker thread
    with ``run_in_executor`` and awaited, and the loop keeps ticking. (This is
    what ``asyncio.to_thread`` does with the loop's own shared pool; a pool of our
    own here is shut down when we are done, so the lesson leaves no thread behind.)
    """
    ticks: list[float] = []

    async def ticker() -> None:
        while True:
            ticks.append(time.perf_counter())
            await asyncio.sleep(tick)

    ticking = asyncio.create_task(ticker())
    await asyncio.sleep(tick * 2)
    if block:
        time.sleep(work)  # the mistake: a blocking call inside a coroutine
    else:
        with ThreadPoolExecutor(max_workers=1) as pool:
            await asyncio.get_running_loop().run_in_executor(pool, time.sleep, work)
    await asyncio.sleep(tick * 2)
    ticking.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await ticking
    return max(b - a for a, b in itertools.pairwise(ticks))
