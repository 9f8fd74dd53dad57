"""Why the course's workers live in a package: a notebook's functions cannot travel.

Lesson 01, section 7. A process pool sends a function to its workers by *name*:
pickle records "``__main__.shout``" and the worker imports it again. Under
``fork`` the worker is a copy of the notebook's kernel, so ``__main__.shout`` is
there. Under ``spawn`` and ``forkserver`` the worker is a fresh interpreter whose
``__main__`` is not the notebook, and the lookup fails with an ``AttributeError``
(worded "Can't get attribute 'shout' on <module '__main__' ...>" by Python
3.11-3.13, "module '__main__' has no attribute 'shout'" from 3.14).

A script can be imported again, and under ``spawn`` each child does import it:
:func:`run_spawn_script` shows what the ``if __name__ == "__main__":`` guard
prevents. These helpers provoke each failure safely (bounded by timeouts) and
return what happened as text, so a lesson can print the error instead of raising it.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from helpers.i18n import _
from helpers.subprocesses import plain_environment

ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")  # colour codes, in case a traceback has them anyway


def try_in_pool(
    fn: Callable[[Any], Any], arg: Any, start_method: str, *, quiet: bool = True, timeout: float = 60
) -> str:
    """Run ``fn(arg)`` in a one-worker pool; say what came back, or what went wrong.

    With ``quiet`` the worker's own traceback is not printed. On Linux and macOS
    ipykernel copies what child processes write to file descriptors 1 and 2 into
    the notebook (and to the terminal that runs Jupyter), so it would land under
    the cell as a long block; on Windows it would reach only that terminal.
    :func:`unpickle_in_fresh_process` shows the one line of it that matters.
    """
    context = multiprocessing.get_context(start_method)
    try:
        with ProcessPoolExecutor(1, mp_context=context, initializer=_silence_stderr if quiet else None) as pool:
            return _("ok: {value}").format(value=repr(pool.submit(fn, arg).result(timeout=timeout)))
    except Exception as exc:
        return _("failed: {error}").format(error=one_line(exc))


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
        return _("failed: {error}").format(error=one_line(exc))
    return _("ok: found {name}").format(name=f"{found.__module__}.{found.__qualname__}")


def one_line(exc: BaseException) -> str:
    """``Type: message`` on one line, the way a lesson prints a caught error."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


_SCRIPT = """
import multiprocessing


def work():
    print("the child ran work()")


{start}
"""
_UNGUARDED = """
process = multiprocessing.get_context("spawn").Process(target=work)
process.start()
process.join(timeout=30)
"""
_GUARDED = """
if __name__ == "__main__":
    process = multiprocessing.get_context("spawn").Process(target=work)
    process.start()
    process.join(timeout=30)
"""


def spawn_script_source(guarded: bool) -> str:
    """The small script :func:`run_spawn_script` runs, to show in a lesson."""
    start = _GUARDED if guarded else _UNGUARDED
    return _SCRIPT.format(start=start.strip()).strip() + "\n"


def run_spawn_script(guarded: bool, timeout: float = 60) -> str:
    """Run the script as a real program (``python script.py``); say what its child did.

    The child is started with ``spawn``, so it imports the script again, as
    ``__mp_main__``. Without the guard, the import runs the top-level code that
    starts a process, inside the child, and multiprocessing stops it with a
    ``RuntimeError`` about the "bootstrapping phase".
    """
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "make_thumbnails.py"
        script.write_text(spawn_script_source(guarded), encoding="utf-8")
        try:
            done = subprocess.run([sys.executable, script.name], cwd=folder, capture_output=True, text=True,
                                  timeout=timeout, check=False, env=plain_environment())
        except subprocess.TimeoutExpired:
            return _("no answer within {seconds:.0f} s").format(seconds=timeout)
    stderr = ANSI_ESCAPE.sub("", done.stderr)
    if "RuntimeError:" not in stderr:
        return _("the child said: {said}").format(said=done.stdout.strip() or _("nothing"))
    message = " ".join(stderr.split("RuntimeError:", 1)[1].split())
    first_sentence = message.split(". ", 1)[0].rstrip(".") + "."
    return _("the child failed: {error}").format(error=f"RuntimeError: {first_sentence}")
