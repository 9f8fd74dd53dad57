"""Shared by every lesson widget: a button handler that never fails silently.

An exception in a widget callback does not appear in the notebook: JupyterLab
sends it to its log console, and the learner sees a button that does nothing.
Every explorer runs its work through :func:`report_errors`, which shows the
error in one line in the widget's own output instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from helpers.i18n import _


def report_errors(output: Any, work: Callable[[], None]) -> Callable[[Any], None]:
    """A button handler that runs ``work`` and prints any exception into ``output``."""

    def handler(_event: Any) -> None:
        try:
            work()
        except Exception as exc:
            output.clear_output()
            with output:
                print(_("failed: {error}").format(error=f"{type(exc).__name__}: {exc}"))

    return handler


def show(output: Any, text: str = "", fig: Any = None) -> None:
    """Replace what ``output`` shows with a line of text and a figure (closed after display)."""
    import matplotlib.pyplot as plt
    from IPython.display import display

    with output:
        output.clear_output(wait=True)
        if text:
            print(text)
        if fig is not None:
            display(fig)
            plt.close(fig)
