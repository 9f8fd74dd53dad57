"""The benchmark runs the lessons' own cells: the cells it names exist and define what it needs."""

import asyncio
import importlib.util
from pathlib import Path

import pytest

from helpers.slow_server import SlowServer

spec = importlib.util.spec_from_file_location("lesson_code", Path(__file__).parent.parent / "bench" / "lesson_code.py")
lesson_code = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lesson_code)


def test_lesson_07s_clients_fetch_every_photo_and_the_semaphore_holds():
    lesson = lesson_code.async_clients()
    with SlowServer(latency=0.05) as server:
        urls = [server.url(n) for n in server.names()[:5]]
        sizes = [(server.folder / n).stat().st_size for n in server.names()[:5]]
        assert lesson["fetch_serial"](urls) == sizes
        assert lesson["fetch_threads"](urls, 3) == sizes
        with lesson["record_run"](lesson["recorder"], "async") as run:
            run.results = asyncio.run(lesson["fetch_async"](urls, 2))
    assert run.results == sizes and run.peak == 2


def test_lesson_08s_dask_job_is_a_function_of_work_jobs_and_workers():
    import inspect

    job = lesson_code.dask_job()
    assert list(inspect.signature(job).parameters) == ["work", "jobs", "workers"]


def test_a_missing_cell_is_named():
    with pytest.raises(KeyError, match="no code cell"):
        lesson_code.lesson_namespace("07_async_io.ipynb", ["no-such-cell"])
