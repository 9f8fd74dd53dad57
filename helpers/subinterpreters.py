"""Lesson 08's probe of sub-interpreters (Python 3.14+): which modules will load in one.

A sub-interpreter is a second Python interpreter inside the same process, with its own
modules and, since 3.12, its own GIL (``concurrent.interpreters``, 3.14+, PEP 734;
``concurrent.futures.InterpreterPoolExecutor`` runs tasks on them). An extension module
written in C must declare that it supports being loaded more than once per process;
one that does not refuses with ``ImportError: module X does not support loading in
subinterpreters``, and a learner meets that as soon as a task imports it.

:func:`try_import` creates a fresh interpreter, imports one module there, closes the
interpreter, and reports what happened in one line. The tests replace the
``concurrent.interpreters`` module with a stand-in, so each branch runs on any Python.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

from helpers.i18n import N_, _

MARKER = "does not support loading in subinterpreters"


@dataclass(frozen=True)
class ImportOutcome:
    """``ok`` is True (it imported), False (it refused, ``message`` says how) or None (no sub-interpreters here)."""

    module: str
    ok: bool | None
    message: str = ""

    def __str__(self) -> str:
        if self.ok is None:
            return _("{module}: not tried ({message})").format(module=self.module, message=self.message)
        if self.ok:
            return _("{module}: imports in a sub-interpreter").format(module=self.module)
        return _("{module}: refused: {message}").format(module=self.module, message=self.message)


def interpreters_module() -> ModuleType | None:
    """``concurrent.interpreters`` where it exists (Python 3.14+), else None."""
    try:
        return importlib.import_module("concurrent.interpreters")
    except ImportError:
        return None


def the_line_that_matters(message: str) -> str:
    """One line of a long import error: the one naming the refusal, else the first non-empty one.

    NumPy, for one, wraps the refusal in a page of general advice; the line that
    says which module refused is what a learner needs.
    """
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    for line in lines:
        if MARKER in line:
            return line.removeprefix("Original error was: ")
    return lines[0] if lines else message


def try_import(module: str, interpreters: ModuleType | None = None) -> ImportOutcome:
    """Import ``module`` in a fresh sub-interpreter and say whether it loaded."""
    interpreters = interpreters if interpreters is not None else interpreters_module()
    if interpreters is None:
        return ImportOutcome(module, None, _("concurrent.interpreters arrives in Python 3.14"))
    interp = interpreters.create()
    try:
        interp.exec(f"import {module}")
    except interpreters.ExecutionFailed as failure:
        info = failure.excinfo
        kind = getattr(getattr(info, "type", None), "__name__", "Error")
        return ImportOutcome(module, False, f"{kind}: {the_line_that_matters(str(getattr(info, 'msg', failure)))}")
    finally:
        interp.close()
    return ImportOutcome(module, True)


# What Python 3.14 printed for the lesson's three modules, for learners on 3.11-3.13, who can
# try nothing: shown marked as recorded elsewhere, never as this machine's answer.
RECORDED_WITH = N_("Python 3.14.10, Pillow 13.0.0, NumPy 2.4.6")
RECORDED = (
    ImportOutcome("helpers.workloads", True),
    ImportOutcome("PIL.Image", False, "ImportError: module PIL._imaging does not support loading in subinterpreters"),
    ImportOutcome("numpy", False,
                  "ImportError: module numpy._core._multiarray_umath does not support loading in subinterpreters"),
)


def recorded_elsewhere(modules: tuple[str, ...] | list[str] | None = None) -> str:
    """What a learner on 3.14 saw for ``modules`` (default: all recorded), headed NOT run here."""
    shown = [o for o in RECORDED if modules is None or o.module in modules]
    heading = _("What the same cell printed on {where} (recorded, NOT run here):").format(where=_(RECORDED_WITH))
    return "\n".join([heading, *(f"  {outcome}" for outcome in shown)])
