"""Shared by every lesson widget: a button handler that never fails silently.

An exception in a widget callback does not appear in the notebook: JupyterLab
sends it to its log console, and the learner sees a button that does nothing.
Every explorer runs its work through :func:`report_errors`, which shows the
error in one line in the widget's own output instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def report_errors(output: Any, work: Callable[[], None]) -> Callable[[Any], None]:
    """A button handler that runs ``work`` and prints any exception into ``output``."""

    def handler(_: Any) -> None:
        try:
            work()
        except Exception as exc:
            output.clear_output()
            with output:
                print(f"failed: {type(exc).__name__}: {exc}")

    return handler
