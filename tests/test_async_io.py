"""Lesson 07's harnesses: the callback echo server's, the slow web server, recorded runs, the limit slider."""

import asyncio
import selectors
import socket
import threading

import httpx
import matplotlib.pyplot as plt
import pytest

from helpers.echo import RecordingSelector, chat, plot_echo, serve_echo
from helpers.fetch import LimitExplorer, run_in_own_loop
from helpers.recorded_run import plot_recorded_runs, record_run
from helpers.slow_server import SlowServer
from helpers.timeline import Recorder


def no_helper_threads_left():
    names = ("echo-server", "slow-server", "own-event-loop", "client")
    return not [t for t in threading.enumerate() if t.name.startswith(names)]


# --- the lesson's callback server, as the notebook writes it -------------------------------------


def on_connect(selector, listener):
    connection, _address = listener.accept()
    connection.setblocking(False)
    selector.register(connection, selectors.EVENT_READ, on_data)


def on_data(selector, connection):
    data = connection.recv(4096)
    if data:
        connection.sendall(data)
    else:
        selector.unregister(connection)
        connection.close()


def event_loop(selector, stop):
    while not stop.is_set():
        for key, _events in selector.select(timeout=0.05):
            key.data(selector, key.fileobj)


def test_one_thread_echoes_every_line_of_many_clients_and_closes_everything():
    run = serve_echo(event_loop, on_connect, clients=12, lines=3, pause=0.01)
    assert run.all_echoed(lines=3) and run.stopped and run.errors == []
    assert run.replies == [["line 0", "line 1", "line 2"]] * 12
    assert run.log.thread == "echo-server"
    events = [what for _t, _client, what in run.log.events]
    assert events.count("connected") == 12 and events.count("closed") == 12
    assert events.count("readable") == 12 * 4  # three lines and the final empty read each
    assert {client for _t, client, _what in run.log.events} == set(range(1, 13))
    assert no_helper_threads_left()


def test_a_loop_that_raises_is_reported_not_printed_and_clients_time_out():
    def broken_loop(selector, stop):
        raise RuntimeError("no loop today")

    run = serve_echo(broken_loop, on_connect, clients=2, lines=1, pause=0, timeout=0.5)
    assert not run.all_echoed(lines=1)
    assert any("RuntimeError: no loop today" in e for e in run.errors)
    assert any("a client failed" in e for e in run.errors)
    assert no_helper_threads_left()


def test_a_loop_that_ignores_stop_is_ended_anyway():
    def deaf_loop(selector, stop):
        while True:
            for key, _events in selector.select(timeout=0.05):
                key.data(selector, key.fileobj)

    run = serve_echo(deaf_loop, on_connect, clients=2, lines=1, pause=0, timeout=0.5)
    assert run.all_echoed(lines=1) is False and not run.stopped
    assert any("did not return" in e for e in run.errors)
    assert no_helper_threads_left()


def test_recording_selector_numbers_sockets_in_order_and_notes_events():
    selector = RecordingSelector()
    a, b = socket.socketpair()
    try:
        selector.register(a, selectors.EVENT_READ, "listener")  # number 0: not a client, not noted
        selector.register(b, selectors.EVENT_READ, "client")
        a.sendall(b"x")
        assert [key.data for key, _ in selector.select(timeout=1)] == ["client"]
        selector.unregister(b)
        assert [(client, what) for _t, client, what in selector.log.events] == [
            (1, "connected"), (1, "readable"), (1, "closed")]
    finally:
        a.close()
        b.close()
        selector.close()


def test_chat_times_out_on_a_silent_server():
    with socket.create_server(("127.0.0.1", 0)) as silent, pytest.raises(TimeoutError):
        chat(silent.getsockname()[1], lines=1, pause=0, timeout=0.3)


def test_plot_echo():
    run = serve_echo(event_loop, on_connect, clients=3, lines=1, pause=0.0)
    ax = plot_echo(run.log)
    assert "3 clients" in ax.get_title()
    assert len(ax.get_legend().get_texts()) == 3
    plt.close(ax.figure)


# --- the slow web server -----------------------------------------------------------------------


@pytest.fixture
def server():
    with SlowServer(latency=0.1) as running:
        yield running
    assert no_helper_threads_left()


def test_server_is_on_loopback_and_answers_a_photo_and_a_404(server):
    assert server._httpd.server_address[0] == "127.0.0.1"
    name = server.names()[0]
    with httpx.Client(trust_env=False) as client:
        assert client.get(server.url(name)).content == (server.folder / name).read_bytes()
        assert client.get(server.url("../README.md")).status_code == 404
        assert client.get(server.url("no-such.jpg")).status_code == 404


def test_server_latency_and_per_request_delay(server):
    with httpx.Client(trust_env=False) as client:
        assert client.get(server.url(server.names()[0], delay=0.3)).elapsed.total_seconds() >= 0.3


def test_server_refuses_a_negative_latency():
    with pytest.raises(ValueError):
        SlowServer(latency=-1)


# --- recorded runs: the lesson's async client, with a semaphore ------------------------------------

recorder = Recorder()


@recorder.traced(lambda client, url: url.rsplit("/", 1)[-1])
async def download_async(client, url):
    return len((await client.get(url)).raise_for_status().content)


async def fetch_async(urls, limit):
    permits = asyncio.Semaphore(limit)
    async with httpx.AsyncClient(timeout=30, trust_env=False) as client:

        async def fetch_one(url):
            async with permits:
                return await download_async(client, url)

        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(fetch_one(url)) for url in urls]
    return [task.result() for task in tasks]


@pytest.mark.parametrize("limit", [1, 3])
def test_record_run_keeps_one_runs_spans_and_their_peak(server, limit):
    urls = [server.url(n) for n in server.names()[:6]]
    with record_run(recorder, "before") as before:
        before.results = asyncio.run(fetch_async(urls[:2], 2))
    with record_run(recorder, "async") as run:
        run.results = asyncio.run(fetch_async(urls, limit))
    assert run.results == [(server.folder / n).stat().st_size for n in server.names()[:6]]
    assert len(run.spans) == 6 and len(before.spans) == 2  # each run keeps its own spans
    assert run.peak == limit  # the semaphore's limit, reached and never passed
    assert run.seconds >= max(s.end for s in run.spans) - run.origin


def test_plot_recorded_runs_names_rows_or_counts_them():
    spans_recorder = Recorder()
    with record_run(spans_recorder, "few") as few:
        for i in range(2):
            with spans_recorder.span(f"job {i}", worker=f"w{i}"):
                pass
    with record_run(spans_recorder, "many") as many:
        for i in range(12):
            with spans_recorder.span(f"job {i}", worker=f"w{i}"):
                pass
    fig = plot_recorded_runs([few, many])
    top, bottom = fig.axes
    assert [t.get_text() for t in top.get_yticklabels()] == ["w0", "w1"]
    assert bottom.get_yticks().size == 0 and bottom.get_ylabel() == "12 rows"
    plt.close(fig)


def test_plot_recorded_runs_says_when_its_rows_are_asyncio_tasks():
    import asyncio

    recorder = Recorder()

    @recorder.traced("nap")
    async def nap():
        await asyncio.sleep(0)

    async def main():
        with record_run(recorder, "tasks") as run:
            async with asyncio.TaskGroup() as group:
                for i in range(12):
                    group.create_task(nap(), name=f"task {i}")
        return run

    run = asyncio.run(main())
    assert run.task_rows == {s.worker for s in run.spans} and len(run.task_rows) == 12
    fig = plot_recorded_runs([run])
    assert fig.axes[0].get_ylabel() == "12 tasks, one row each"
    plt.close(fig)


def test_run_in_own_loop_returns_results_and_raises_errors():
    async def answer():
        return 42

    async def fail():
        raise KeyError("x")

    assert run_in_own_loop(answer) == 42
    with pytest.raises(KeyError):
        run_in_own_loop(fail)
    assert no_helper_threads_left()


def test_limit_explorer_runs_the_lessons_client_on_its_own_server(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda fig: shown.append(fig))
    explorer = LimitExplorer(fetch_async, recorder, latency=0.05, photos=4)
    box = explorer.widget()
    box.slider.value = 2
    box.button.click()
    assert explorer.runs[2].peak == 2 and len(explorer.runs[2].results) == 4 and shown
    assert no_helper_threads_left()  # the server it started is closed again
    plt.close("all")


def test_record_run_notes_which_spans_were_cancelled_or_raised_and_the_plot_hatches_them():
    import asyncio

    recorder = Recorder()

    @recorder.traced("nap")
    async def nap(seconds):
        await asyncio.sleep(seconds)

    @recorder.traced("fail")
    async def fail():
        await asyncio.sleep(0.01)
        raise ValueError("boom")

    async def main():
        with record_run(recorder, "group") as run:
            try:
                async with asyncio.TaskGroup() as group:
                    group.create_task(nap(5))
                    group.create_task(fail())
                    group.create_task(nap(0))
            except* ValueError:
                pass
        return run

    run = asyncio.run(main())
    assert sorted((s.task, run.outcomes.get(s, "done")) for s in run.spans) == [
        ("fail", "raised"), ("nap", "cancelled"), ("nap", "done")]
    assert "add" not in vars(recorder)  # the recorder is itself again
    fig = plot_recorded_runs([run])
    assert {p.get_hatch() for p in fig.axes[0].patches} >= {"//", "xx"}
    names = [(t.get_text(), t.get_bbox_patch() is not None) for t in fig.axes[0].texts]
    assert sorted(names) == [("fail", True), ("nap", False), ("nap", True)]  # only cut-short bars' names
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["cancelled: cut short", "ended by an exception"]
    plt.close(fig)


def test_plot_echo_labels_every_client_and_rings_the_closed_ones():
    run = serve_echo(event_loop, on_connect, clients=3, lines=1, pause=0.0)
    ax = plot_echo(run.log)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["1", "2", "3"]
    closed = ax.collections[0]
    assert closed.get_facecolors().size == 0 and len(closed.get_offsets()) == 3  # hollow rings, one per client
    plt.close(ax.figure)
