"""Beyond one machine: the same thumbnail job on a Dask cluster, through an Executor.

Dask's ``distributed`` scheduler runs tasks on workers that may be processes on
this laptop (``LocalCluster``) or machines in a data centre; the code that uses it
does not change. ``client.get_executor()`` is a ``concurrent.futures.Executor``,
so the job is the one from lesson 01, with a different executor.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass
class DaskRun:
    results: list[Any]
    workers: int
    startup_seconds: float
    seconds: float
    dashboard: str | None


def run_on_dask(fn: Callable[[Any], Any], items: Sequence[Any], workers: int = 2) -> DaskRun:
    """Start a local cluster, map ``fn`` over ``items`` through its Executor, and shut it all down.

    The cluster listens on 127.0.0.1 only; its dashboard (a live web page of the
    workers and tasks) gets a free port. Leaving the ``with`` blocks stops the
    workers and the scheduler, so no process is left behind.
    """
    from distributed import Client, LocalCluster

    started = time.perf_counter()
    with (
        LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                     dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR) as cluster,
        Client(cluster) as client,
    ):
        ready = time.perf_counter()
        with client.get_executor(pure=False) as executor:  # pure=False: really run, never reuse a result
            results = list(executor.map(fn, items))
        done = time.perf_counter()
        dashboard = client.dashboard_link
    return DaskRun(results, workers, ready - started, done - ready, dashboard)
