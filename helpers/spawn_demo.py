"""Why the course's workers live in a package: a notebook's functions cannot travel.

A process pool sends a function to its workers by *name*: pickle records
"``__main__.shout``" and the worker imports it again. Under ``fork`` the worker is
a copy of the notebook's kernel, so ``__main__.shout`` is there. Under ``spawn``
and ``forkserver`` the worker is a fresh interpreter whose ``__main__`` is not the
notebook, and the lookup fails with "Can't get attribute".

These helpers provoke that failure safely (bounded by timeouts) and return what
happened as text, so a lesson can print the error instead of raising it.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any


def try_in_pool(
    fn: Callable[[Any], Any], arg: Any, start_method: str, *, quiet: bool = True, timeout: float = 60
) -> str:
    """Run ``fn(arg)`` in a one-worker pool; say what came back, or what went wrong.

    With ``quiet`` the worker's own traceback is not printed: it would land in the
    cell as a long red block, and :func:`unpickle_in_fresh_process` shows its
    one line that matters.
    """
    context = multiprocessing.get_context(start_method)
    try:
        with ProcessPoolExecutor(1, mp_context=context, initializer=_silence_stderr if quiet else None) as pool:
            return f"ok: {pool.submit(fn, arg).result(timeout=timeout)!r}"
    except Exception as exc:
        return f"failed: {one_line(exc)}"


def _silence_stderr() -> None:
    sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the worker


def unpickle_in_fresh_process(fn: Callable[..., Any], start_method: str, timeout: float = 60) -> str:
    """Do just the worker's first step, unpickling ``fn``, and report the result.

    The pool's own error names only the symptom (a worker died, or the pickled
    call could not be read); this shows the cause in the worker's words.
    """
    payload = pickle.dumps(fn)
    context = multiprocessing.get_context(start_method)
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        return pool.submit(_unpickle, payload).result(timeout=timeout)


def _unpickle(payload: bytes) -> str:
    try:
        found = pickle.loads(payload)
    except Exception as exc:
        return f"failed: {one_line(exc)}"
    return f"ok: found {found.__module__}.{found.__qualname__}"


def one_line(exc: BaseException) -> str:
    """``Type: message`` on one line, the way a lesson prints a caught error."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
