"""Which Python is this, and what does it change for concurrency?

The GIL is a property of the build, not of the language. CPython also comes as a
free-threaded build (``python3.14t``; experimental in 3.13, officially supported
since 3.14 by PEP 779) that can run without it. "Can", because such a build turns
the GIL back on, for the whole process, when it imports an extension module that
has not declared it is safe without one (Python then issues a ``RuntimeWarning``
naming the module), and when the user asks for it (``PYTHON_GIL=1``, ``-X gil=1``).
So two questions have separate answers: which build is this, and is the GIL off
right now. 3.14 also adds ``InterpreterPoolExecutor``: tasks in sub-interpreters,
each with its own GIL, inside one process.

Every function reads the interpreter through ``sysconfig`` and ``sys`` when called,
so the tests can stand in for a free-threaded build by monkeypatching them.
"""

from __future__ import annotations

import importlib
import platform
import re
import sys
import sysconfig
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from helpers.i18n import _, tidy

# CPython's words (Python/import.c, 3.13-3.15) when an import turns the GIL back on.
GIL_WARNING = re.compile(r"GIL\) has been enabled to load module '([^']+)'")


def free_threaded_build() -> bool:
    """Whether this interpreter was built without the GIL (it may still have turned it on)."""
    return bool(sysconfig.get_config_var("Py_GIL_DISABLED"))


def gil_enabled() -> bool:
    """True on the usual build; on a free-threaded build, whether the GIL is on right now.

    ``sys._is_gil_enabled`` exists from 3.13; before that every CPython has the GIL.
    """
    check = getattr(sys, "_is_gil_enabled", None)
    return True if check is None else bool(check())


def requested_gil() -> int | None:
    """What the user asked for on a free-threaded build: 1 (on), 0 (off) or None (no request).

    ``sys.flags.gil`` mirrors ``PYTHON_GIL`` and ``-X gil``. The usual build always
    reports 1 there, which is no request, so it gives None.
    """
    if not free_threaded_build():
        return None
    value = getattr(sys.flags, "gil", None)
    return None if value is None else int(value)


@dataclass(frozen=True)
class GilState:
    """The build, whether the GIL is on now, and why."""

    free_threaded: bool
    enabled: bool
    requested: int | None = None  # see requested_gil()

    @property
    def cause(self) -> str:
        """Why the GIL is in this state: one of the keys of ``explain()``'s messages."""
        if not self.free_threaded:
            return "usual-build"
        if not self.enabled:
            return "forced-off" if self.requested == 0 else "off"
        return "requested" if self.requested == 1 else "extension"

    def explain(self, culprits: Iterable[str] = ()) -> str:
        """Why the GIL is on or off, in one clause; ``culprits`` are modules seen turning it on."""
        names = ", ".join(culprits)
        if self.cause == "usual-build":
            return _("the usual build (it always has one): one thread at a time runs Python code in each "
                     "interpreter")
        if self.cause == "off":
            return _("free-threaded build: threads run Python code on several cores at once")
        if self.cause == "forced-off":
            return _("free-threaded build, forced off by PYTHON_GIL=0 or -X gil=0: extension modules that need "
                     "it run unprotected, at your own risk")
        if self.cause == "requested":
            return _("free-threaded build, turned on by PYTHON_GIL=1 or -X gil=1")
        if names:
            return _("free-threaded build, but importing {modules} turned it back on (not declared safe "
                     "without it): threads take turns as with the usual build").format(modules=names)
        return _("free-threaded build, but an extension module imported earlier turned it back on (Python's "
                 "RuntimeWarning names it): threads take turns as with the usual build")


def gil_state() -> GilState:
    """The state of this interpreter now (call it after the imports that matter)."""
    return GilState(free_threaded_build(), gil_enabled(), requested_gil())


def modules_enabling_gil(messages: Iterable[str]) -> list[str]:
    """Module names in CPython's "GIL has been enabled to load module" warnings, in order, once each."""
    found: list[str] = []
    for message in messages:
        for name in GIL_WARNING.findall(str(message)):
            if name not in found:
                found.append(name)
    return found


def import_watching_gil(name: str) -> tuple[ModuleType, list[str]]:
    """Import ``name`` and return it with the modules that turned the GIL back on meanwhile.

    Only a first import can tell: a module already imported was loaded, and warned,
    before. The warnings are recorded rather than shown; the caller reports them.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RuntimeWarning)
        module = importlib.import_module(name)
    return module, modules_enabling_gil(str(w.message) for w in caught if issubclass(w.category, RuntimeWarning))


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
    state = gil_state()
    lines = [_("Python {version} ({implementation}).").format(
        version=platform.python_version(), implementation=sys.implementation.name)]
    if not state.free_threaded:
        lines.append(_("The usual build, with the GIL: one thread at a time runs Python code in each "
                       "interpreter, so pure-Python work needs processes to use several cores."))
    elif state.enabled:
        lines.append(_("The GIL is on right now: {why}.").format(why=state.explain()))
    else:
        lines.append(_("A free-threaded build with the GIL off: threads run pure-Python code on several cores "
                       "at once, so the prime-counting threads of lessons 00-01 speed up too, and `+=` on shared "
                       "data loses updates far more often."))
    if interpreter_pool() is not None:
        lines.append(_("InterpreterPoolExecutor is available: each worker is a sub-interpreter with its own GIL, "
                       "inside this one process. It runs pure-Python work in parallel like processes, "
                       "starting faster, but arguments and results are still copied between interpreters."))
    else:
        lines.append(_("InterpreterPoolExecutor arrives in Python 3.14: a pool of sub-interpreters, each with its "
                       "own GIL, in one process; parallel pure-Python work without starting processes."))
    return tidy(" ".join(lines))
