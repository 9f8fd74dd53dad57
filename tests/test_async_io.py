"""Lesson 07's servers and clients: every request answered, limits kept, nothing leaked."""

import asyncio
import socket
import threading

import httpx
import matplotlib.pyplot as plt
import pytest

from helpers import asyncio_demos
from helpers.echo import EchoServer, chat, plot_echo, run_echo_demo
from helpers.fetch import LimitExplorer, fetch_async, fetch_serial, fetch_threads, run_in_own_loop
from helpers.slow_server import SlowServer
from helpers.timeline import max_overlap


def no_helper_threads_left():
    return not [t for t in threading.enumerate() if t.name in ("echo-server", "slow-server", "own-event-loop")]


# --- the selectors echo server ---------------------------------------------------------


def test_one_thread_echoes_every_line_of_many_clients():
    log, replies = run_echo_demo(clients=12, lines=3, pause=0.02)
    assert replies == [["line 0", "line 1", "line 2"]] * 12
    assert log.thread == "echo-server"
    assert sum(1 for *_, what in log.events if what == "echoed") == 36
    assert no_helper_threads_left()


def test_echo_server_listens_on_loopback_only_and_closes_its_socket():
    with EchoServer() as server:
        host, port = server.listener.getsockname()
        assert host == "127.0.0.1"
        assert chat(port, lines=1, pause=0) == ["line 0"]
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    assert server.listener.fileno() == -1


def test_plot_echo():
    log, _ = run_echo_demo(clients=3, lines=1, pause=0.0)
    ax = plot_echo(log)
    assert "3 clients" in ax.get_title()
    plt.close(ax.figure)


# --- the slow web server and the three clients -------------------------------------------


@pytest.fixture
def server():
    with SlowServer(latency=0.1) as running:
        yield running
    assert no_helper_threads_left()


def test_server_is_on_loopback_and_answers_a_photo_and_a_404(server):
    assert server._httpd.server_address[0] == "127.0.0.1"
    name = server.names()[0]
    with httpx.Client() as client:
        assert client.get(server.url(name)).content == (server.folder / name).read_bytes()
        assert client.get(server.url("../README.md")).status_code == 404
        assert client.get(server.url("no-such.jpg")).status_code == 404


def test_server_latency_and_per_request_delay(server):
    with httpx.Client() as client:
        assert client.get(server.url(server.names()[0], delay=0.3)).elapsed.total_seconds() >= 0.3


@pytest.mark.parametrize("fetch", ["serial", "threads", "async"])
def test_every_request_is_answered(server, fetch):
    urls = [server.url(n) for n in server.names()[:6]]
    expected = [(server.folder / n).stat().st_size for n in server.names()[:6]]
    if fetch == "serial":
        run = fetch_serial(urls)
    elif fetch == "threads":
        run = fetch_threads(urls, workers=3)
    else:
        run = asyncio.run(fetch_async(urls, limit=3))
    assert run.sizes == expected
    assert len(run.spans) == 6


@pytest.mark.parametrize("limit", [1, 2, 5])
def test_the_concurrency_limit_is_never_exceeded(server, limit):
    urls = [server.url(n) for n in server.names()[:10]]
    run = asyncio.run(fetch_async(urls, limit=limit))
    assert run.peak == limit  # reached, never passed
    assert max_overlap(run.spans) <= limit
    assert len({s.thread for s in run.spans}) == limit


def test_a_failing_request_fails_the_batch_and_cancels_the_rest(server):
    urls = [server.url(server.names()[0], delay=2.0), server.url("missing.jpg")]

    async def run():
        with pytest.raises(ExceptionGroup) as caught:
            await fetch_async(urls, limit=2)
        assert caught.group_contains(httpx.HTTPStatusError)
        return [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]

    assert asyncio.run(run()) == []  # the slow request was cancelled, not left running


def test_bad_limit():
    with pytest.raises(ValueError):
        asyncio.run(fetch_async([], limit=0))


def test_run_in_own_loop_returns_results_and_raises_errors():
    async def answer():
        return 42

    async def fail():
        raise KeyError("x")

    assert run_in_own_loop(answer) == 42
    with pytest.raises(KeyError):
        run_in_own_loop(fail)
    assert no_helper_threads_left()


def test_limit_explorer_runs_its_own_server_each_time(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda fig: shown.append(fig))
    explorer = LimitExplorer(latency=0.05, photos=4)
    box = explorer.widget()
    box.slider.value = 2
    box.button.click()
    assert explorer.runs[2].peak == 2 and len(explorer.runs[2].sizes) == 4 and shown
    assert no_helper_threads_left()  # the server it started is closed again
    plt.close("all")


# --- asyncio behaviour, as taught -----------------------------------------------------------


def test_asyncio_run_refuses_inside_a_running_loop_and_works_outside():
    async def inside():
        return asyncio_demos.try_asyncio_run()

    assert asyncio.run(inside()) == "RuntimeError: asyncio.run() cannot be called from a running event loop"
    assert asyncio_demos.try_asyncio_run().startswith("asyncio.run worked")


def test_a_cancelled_task_sees_cancelled_error_and_runs_its_finally():
    seen = asyncio.run(asyncio_demos.cancelled_task_sees())
    assert seen == [
        "worker: started, sleeping 10 s",
        "worker: CancelledError raised at its await",
        "worker: finally ran (close files and connections here)",
        "caller: task.cancelled() is True",
    ]


def test_timeout_gives_up_at_the_deadline_and_lets_quick_work_finish():
    assert asyncio.run(asyncio_demos.with_a_deadline(5, 0.05)).startswith("gave up after 0.0")
    assert asyncio.run(asyncio_demos.with_a_deadline(0.01, 1)).startswith("finished")


def test_gather_returns_errors_and_taskgroup_cancels_siblings():
    said = asyncio.run(asyncio_demos.gather_and_taskgroup())
    assert said["gather()"].endswith("kept running: True")
    assert "ValueError('boom')" in said["gather(return_exceptions=True)"]
    assert said["TaskGroup"].endswith("cancelled: True")


def test_a_blocking_call_stalls_the_loop_and_a_worker_thread_does_not():
    blocked = asyncio.run(asyncio_demos.loop_lag(block=True, work=0.3))
    freed = asyncio.run(asyncio_demos.loop_lag(block=False, work=0.3))
    assert blocked >= 0.3
    assert freed < 0.25
