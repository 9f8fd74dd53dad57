"""Lesson 05's process targets for ``multiprocessing.Pipe`` and ``multiprocessing.shared_memory``.

They live in a module for the reason lesson 01 gives: under the ``spawn`` and
``forkserver`` start methods a child process imports its target by name, and a
function defined in a notebook cell has no name it can import. The lesson writes
the parent's side (making the pipe or the shared block, starting, joining,
cleaning up) in its cells, and shows these with ``show_source``.

Every wait here is bounded: a child that hears nothing for ``timeout`` seconds
gives up, so a parent that fails half-way never leaves a child behind for ever.
"""

from __future__ import annotations

from typing import Any

INVERT = bytes(255 - value for value in range(256))  # byte value v becomes 255 - v: a photo's negative


def running_total(conn: Any, timeout: float = 30.0) -> None:
    """A child that keeps a running total: receive an amount, send back the total so far.

    It stops at the sentinel ``None``, when the other end is closed (EOFError),
    or when nothing arrives for ``timeout`` seconds, and it always closes its end.
    """
    total = 0
    try:
        while conn.poll(timeout):
            amount = conn.recv()
            if amount is None:
                break
            total += amount
            conn.send(total)
    except EOFError:
        pass
    finally:
        conn.close()


def invert_rows(name: str, width: int, first: int, last: int) -> None:
    """Turn rows ``first`` to ``last - 1`` of an RGB photo in shared memory into their negative.

    The child attaches to the block by its name: nothing is copied through a
    pipe. It must close its own view of the block (``close()``; only the creator
    calls ``unlink()``), and release every memoryview it took first, or
    ``close()`` refuses with a BufferError.
    """
    from multiprocessing import shared_memory

    block = shared_memory.SharedMemory(name=name)
    try:
        with block.buf[first * width * 3 : last * width * 3] as rows:
            rows[:] = bytes(rows).translate(INVERT)
    finally:
        block.close()


def plot_halves(before: Any, after: Any, halves: list[tuple[int, int]], pids: list[int | None]) -> Any:
    """The photo before, and after each child process turned its rows into a negative."""
    import matplotlib.pyplot as plt

    from helpers.i18n import _

    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6), constrained_layout=True)
    left.imshow(before)
    left.set_title(_("before: the parent writes the photo into the block"), fontsize=10)
    right.imshow(after)
    right.set_title(_("after: each child changed its own rows, in place"), fontsize=10)
    for (first, last), pid in zip(halves, pids, strict=True):
        right.axhline(first - 0.5, color="white", linewidth=1.5)
        right.text(6, (first + last) / 2, _("rows {first}-{last}: pid {pid}").format(first=first, last=last - 1,
                                                                                     pid=pid),
                   color="black", fontsize=9, va="center",
                   bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none"})
    for ax in (left, right):
        ax.set_xticks([])
        ax.set_yticks([])
    return fig
