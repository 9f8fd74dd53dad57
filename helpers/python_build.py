"""Which Python is this, and what does it change for concurrency?

The GIL is a property of the build, not of the language: CPython 3.13 also comes
as an experimental free-threaded build (``python3.13t``) without it, and 3.14
adds ``InterpreterPoolExecutor``, which runs tasks in sub-interpreters that each
have their own GIL, inside one process.
"""

from __future__ import annotations

import platform
import sys
import sysconfig
from typing import Any

from helpers.i18n import _


def gil_enabled() -> bool:
    """True on the usual build; False on a free-threaded build with the GIL off."""
    check = getattr(sys, "_is_gil_enabled", None)
    return True if check is None else bool(check())


def free_threaded_build() -> bool:
    """Whether this interpreter was built without the GIL (it may still have turned it on)."""
    return bool(sysconfig.get_config_var("Py_GIL_DISABLED"))


def build_label() -> str:
    """A short label for plots and tables: which Python, and which build, produced them.

    Every measurement whose shape depends on the GIL carries it, so a learner on a
    free-threaded build knows why their picture differs from the lesson's text.
    """
    version = platform.python_version()
    if not free_threaded_build():
        return _("Python {version}, with the GIL").format(version=version)
    if gil_enabled():
        return _("Python {version} free-threaded, GIL turned back on").format(version=version)
    return _("Python {version} free-threaded, no GIL").format(version=version)


def interpreter_pool() -> Any | None:
    """``concurrent.futures.InterpreterPoolExecutor`` where it exists (3.14+), else None."""
    import concurrent.futures

    return getattr(concurrent.futures, "InterpreterPoolExecutor", None)


def describe() -> str:
    """A paragraph on what this Python means for the course's measurements."""
    version = ".".join(map(str, sys.version_info[:3]))
    lines = [f"Python {version} ({sys.implementation.name})."]
    if free_threaded_build():
        lines.append(f"A free-threaded build; the GIL is {'on' if gil_enabled() else 'off'} right now. "
                     "With it off, threads run pure-Python code on several cores at once: the prime-counting "
                     "threads of lessons 00-01 would speed up too, and `+=` on shared data becomes far "
                     "more likely to lose updates.")
    else:
        lines.append("The usual build, with the GIL: one thread at a time runs Python code, so pure-Python "
                     "work needs processes to use several cores.")
    if interpreter_pool() is not None:
        lines.append("InterpreterPoolExecutor is available: each worker is a sub-interpreter with its own GIL, "
                     "inside this one process. It runs pure-Python work in parallel like processes, "
                     "starting faster, but arguments and results are still copied between interpreters.")
    else:
        lines.append("InterpreterPoolExecutor arrives in Python 3.14: a pool of sub-interpreters, each with its "
                     "own GIL, in one process; parallel pure-Python work without starting processes.")
    return " ".join(lines)
