"""The programs lesson 03 runs, run the same way: as real subprocesses."""

import multiprocessing
import os
import signal
import subprocess
import sys

import matplotlib.pyplot as plt
import pytest

from helpers import daemon_demos

METHODS = [m for m in ("fork", "spawn", "forkserver") if m in multiprocessing.get_all_start_methods()]


def actors(finished):
    return [e.actor for e in finished.events]


def test_non_daemon_thread_is_waited_for():
    finished = daemon_demos.run("non-daemon-thread")
    assert finished.returncode == 0
    messages = [e.message for e in finished.events]
    assert messages.index("main thread done; the program waits for the worker") < messages.index("finished")
    assert messages[-1] == "program exits"  # after the worker finished


def test_daemon_thread_is_abandoned_mid_line(tmp_path):
    report = tmp_path / "report.txt"
    finished = daemon_demos.run("daemon-thread", str(report))
    assert finished.returncode == 0
    text = report.read_text()
    assert text.endswith("half written... ")  # cut mid-line
    assert 0 < text.count("done\n") < 10
    assert not [e for e in finished.events if e.message == "wrote line 10"]


@pytest.mark.parametrize("method", METHODS)
def test_daemon_process_is_terminated_with_its_parent(method):
    finished = daemon_demos.run("daemon-process", method)
    assert finished.returncode == 0
    started = next(e for e in finished.events if e.actor == "main" and "pid" in e.message)  # the child may speak first
    pid = int(started.message.split()[-1])
    assert "child" in actors(finished)
    if os.name == "posix":
        assert daemon_demos.is_running(pid) is False


@pytest.mark.parametrize("method", METHODS)
def test_a_daemonic_process_may_not_have_children(method):
    finished = daemon_demos.run("daemon-no-children", method)
    assert finished.returncode == 0
    assert any("daemonic processes are not allowed to have children" in e.message for e in finished.events)
    assert any(e.message == "child exited with code 0" for e in finished.events)  # it caught the refusal


def test_pool_workers_are_daemonic_and_process_pool_executor_workers_are_not():
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context(METHODS[0])
    with context.Pool(processes=1) as pool:
        assert pool.apply_async(daemon_demos.try_to_start_a_child).get(timeout=60).startswith("refused")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        assert pool.submit(daemon_demos.try_to_start_a_child).result(timeout=60).startswith("started")


def test_ping_pong_stops_by_itself_and_takes_turns():
    finished = daemon_demos.run("ping-pong", "0.5")
    assert finished.returncode == 0
    said = [e.message for e in finished.events if e.actor in ("ping", "pong")]
    turns = [m for m in said if m.endswith("!")]
    assert turns[:4] == ["Ping!", "Pong!", "Ping!", "Pong!"]
    assert said.count("stopping") == 2
    assert any(e.message == "atexit: clean exit after time limit" for e in finished.events)
    main = [e.message for e in finished.events if e.actor == "main"]
    assert main.index("stop is set; joining the players") < main.index("all players joined")


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_ping_pong_stops_cleanly_on_a_signal(sig):
    finished = daemon_demos.run_and_signal("ping-pong", "20", after=0.4, sig=sig)
    assert finished.returncode == 0
    assert finished.seconds < 10
    assert any(e.message == f"atexit: clean exit after {sig.name}" for e in finished.events)
    assert any(e.message == "all players joined" for e in finished.events)
    assert "Traceback" not in finished.stderr


def test_every_printed_line_is_whole():
    finished = daemon_demos.run("ping-pong", "0.5")
    assert len(finished.events) == len(finished.stdout.splitlines())


def test_unknown_scenario_is_a_usage_error():
    done = subprocess.run([sys.executable, "-m", "helpers.daemon_demos", "nope"], capture_output=True, text=True)
    assert done.returncode == 2 and "usage" in done.stderr
    with pytest.raises(ValueError):
        daemon_demos.command("nope")


def test_plot_events_draws_a_row_per_actor_and_the_exit():
    finished = daemon_demos.run("non-daemon-thread")
    ax = daemon_demos.plot_events(finished)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["main", "worker"]
    assert any("program exits" in line.get_label() for line in ax.get_lines())
    plt.close(ax.figure)


def test_plot_events_shows_every_event_of_a_close_ending_apart():
    stdout = (" 0.000 main       ready\n 0.600 main       all players joined\n"
              " 0.601 main       atexit: clean exit\n 0.601 python     program exits\n")
    ax = daemon_demos.plot_events(daemon_demos.Finished("x", stdout, "", 0, 0.7))
    labels = [text.get_text() for text in ax.texts]
    assert labels == ["all players joined\natexit: clean exit"]  # both last words, in order
    dots = [tuple(point) for points in ax.collections for point in points.get_offsets()]
    assert len(dots) == 3 and len(set(dots)) == 3  # no dot hides another
    assert ax.get_legend() is not None
    plt.close(ax.figure)


def test_plot_events_marks_a_terminated_child_at_the_exit():
    stdout = (" 0.010 main       started daemon child pid 4242\n 0.020 child      tick 1\n"
              " 0.470 main       parent leaves\n 0.475 python     program exits\n")
    ax = daemon_demos.plot_events(daemon_demos.Finished("daemon-process", stdout, "", 0, 0.5), terminated=["child"])
    crosses = [c for c in ax.collections if c.get_label() == "child terminated at exit"]
    assert len(crosses) == 1 and tuple(crosses[0].get_offsets()[0]) == (0.475, 1)  # on the child's row, at the exit
    assert "child terminated at exit" in [t.get_text() for t in ax.get_legend().get_texts()]
    plt.close(ax.figure)


def test_source_shows_the_scenario_and_every_function_it_runs():
    assert "daemon=True" in daemon_demos.source("daemon-thread")
    assert "def _tick_forever" in daemon_demos.source("daemon-process")
    no_children = daemon_demos.source("daemon-no-children")
    assert "def try_to_start_a_child" in no_children and "def daemon_no_children" in no_children
    assert daemon_demos.show("ping-pong").data == daemon_demos.source("ping-pong")
    with pytest.raises(ValueError):
        daemon_demos.source("nope")


def test_the_transcript_ends_with_the_exit_code_only():
    finished = daemon_demos.Finished("x", " 0.100 main       hello\n", "", 0, 1.234)
    assert finished.transcript() == " 0.100 main       hello\n[exit code 0]"


@pytest.mark.parametrize("line", ["started daemon child pid 4242", "已启动守护子进程，pid 4242",
                                  "pid 4242 子进程已启动"])
def test_the_child_pid_is_read_from_the_number_whatever_the_language(line):
    stdout = f" 0.010 main       {line}\n 0.020 child      tick 1\n"
    finished = daemon_demos.Finished("daemon-process", stdout, "", 0, 0.5)
    assert finished.child_pid() == 4242


def test_no_child_pid_when_the_main_thread_reported_none():
    finished = daemon_demos.Finished("x", " 0.010 child      tick 1\n", "", 0, 0.5)
    assert finished.child_pid() is None
