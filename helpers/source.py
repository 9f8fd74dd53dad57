"""Show code that must live in a module, highlighted, in a notebook.

The lessons write the concurrency code they teach in the notebook itself. A few
pieces must be importable by name (the targets of process pools and
``multiprocessing.Process``), so they live in ``helpers``; :func:`show_source`
shows such a piece with syntax highlighting, as a lesson's own cell would, rather
than as plain printed text.
"""

from __future__ import annotations

import inspect
from typing import Any


def show_source(obj: Any) -> Any:
    """An ``IPython.display.Code`` of ``obj``'s source, which a notebook shows highlighted."""
    from IPython.display import Code

    return Code(inspect.getsource(obj), language="python")
