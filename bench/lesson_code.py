"""Run a lesson's own code cells outside Jupyter, so the benchmark measures exactly what the lesson teaches.

Lessons 07 and 08 write their clients and their Dask job in the notebook, not in
``helpers``. Rather than keep a second copy here, the benchmark executes the cells
that define them (chosen by cell id) in a fresh namespace. Only cells that define
things may be chosen: a cell with a top-level ``await`` cannot run outside Jupyter.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def lesson_namespace(notebook: str, cell_ids: Sequence[str], preset: dict[str, Any] | None = None) -> dict[str, Any]:
    """The names that the cells ``cell_ids`` of ``notebook`` define, executed in the order given."""
    cells = {cell.get("id"): cell for cell in json.loads((NOTEBOOKS / notebook).read_text(encoding="utf-8"))["cells"]}
    namespace: dict[str, Any] = {"__name__": f"lesson:{notebook}", **(preset or {})}
    for cell_id in cell_ids:
        if cell_id not in cells or cells[cell_id]["cell_type"] != "code":
            raise KeyError(f"{notebook} has no code cell {cell_id!r}")
        source = "".join(cells[cell_id]["source"])
        exec(compile(source, f"{notebook}[{cell_id}]", "exec"), namespace)  # the course's own notebook
    return namespace


def async_clients() -> dict[str, Any]:
    """Lesson 07's three clients (fetch_serial, fetch_threads, fetch_async), its recorder and record_run."""
    import asyncio
    import time

    from helpers.i18n import tr

    return lesson_namespace("07_async_io.ipynb", ["07-async-io-014", "07-async-io-026", "07-async-io-028"],
                            preset={"asyncio": asyncio, "time": time, "tr": tr})


def dask_job() -> Any:
    """Lesson 08's ``thumbnails_on_dask(work, jobs, workers)``: returns the results and a dict of timings."""
    import time

    from helpers.costs import tiny
    from helpers.i18n import tr

    return lesson_namespace("08_choosing_and_scaling_out.ipynb", ["08-choosing-and-scal-029"],
                            preset={"time": time, "tr": tr, "tiny": tiny})["thumbnails_on_dask"]
