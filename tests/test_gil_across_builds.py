"""The GIL benchmark across interpreters: detection and every branch, with pretend interpreters.

No free-threaded Python is installed where these tests usually run, so a stand-in for
``subprocess.run`` answers as each pretend interpreter would. One test runs the real
benchmark on the running interpreter.
"""

import json
import subprocess
import sys
from types import SimpleNamespace

import matplotlib.pyplot as plt

from helpers import gil_across_builds as gab
from helpers.python_build import build_label

FT = "/opt/py/bin/python3.14t"


def fake_run(free_threaded_paths=(FT,), fail=None):
    """A stand-in for subprocess.run: every path in ``free_threaded_paths`` is a free-threaded build."""

    def run(argv, **kwargs):
        path = argv[0]
        if fail == path:
            return SimpleNamespace(returncode=1, stdout="", stderr="Traceback...\nOSError: no such thing\n")
        free = path in free_threaded_paths
        gil = not free or ("-X" in argv and "gil=1" in argv)
        facts = {"version": "3.14.1" if free else "3.11.7", "free_threaded": free, "gil_enabled": gil}
        if argv[argv.index("-c") + 1] != gab.PROBE:
            threads = int(argv[-2])
            facts |= {"serial": 1.0, "threads": 1.0 if gil else 1.0 / threads}
        return SimpleNamespace(returncode=0, stdout=json.dumps(facts) + "\n", stderr="")

    return run


def which_finds(*found):
    return lambda name: {"python3.14t": FT}.get(name) if name in found else None


def test_the_running_python_alone_when_nothing_else_is_on_path(monkeypatch):
    monkeypatch.setattr(gab, "free_threaded_build", lambda: False)
    found = gab.find_interpreters(which=which_finds(), executable="/venv/bin/python", run=fake_run())
    assert found == [gab.Interpreter("this kernel's Python", ("/venv/bin/python",))]


def test_a_free_threaded_python_on_path_is_found_and_run_again_with_the_gil(monkeypatch):
    monkeypatch.setattr(gab, "free_threaded_build", lambda: False)
    found = gab.find_interpreters(which=which_finds("python3.14t"), executable="/venv/bin/python", run=fake_run())
    assert [i.argv for i in found] == [("/venv/bin/python",), (FT,), (FT, "-X", "gil=1")]
    assert found[2].found == "python3.14t -X gil=1"


def test_a_program_named_t_that_is_not_free_threaded_gets_no_gil_variant(monkeypatch):
    monkeypatch.setattr(gab, "free_threaded_build", lambda: False)
    found = gab.find_interpreters(which=which_finds("python3.14t"), executable="/venv/bin/python",
                                  run=fake_run(free_threaded_paths=()))
    assert [i.argv for i in found] == [("/venv/bin/python",), (FT,)]


def test_a_free_threaded_kernel_is_run_again_with_the_gil_and_not_listed_twice(monkeypatch):
    monkeypatch.setattr(gab, "free_threaded_build", lambda: True)
    monkeypatch.setattr(gab.os.path, "realpath", lambda p: FT if "python" in p else p)
    found = gab.find_interpreters(which=which_finds("python3.14t"), executable="/venv/bin/python", run=fake_run())
    assert [i.argv for i in found] == [("/venv/bin/python",), ("/venv/bin/python", "-X", "gil=1")]


def test_benchmark_results_are_read_and_labelled_per_build():
    run = fake_run()
    gil = gab.run_benchmark(gab.Interpreter("k", ("/venv/bin/python",)), threads=2, run=run)
    free = gab.run_benchmark(gab.Interpreter("t", (FT,)), threads=2, run=run)
    forced = gab.run_benchmark(gab.Interpreter("t1", (FT, "-X", "gil=1")), threads=2, run=run)
    assert (gil.label, gil.speedup) == ("Python 3.11.7, with the GIL", 1.0)
    assert (free.label, free.speedup) == ("Python 3.14.1 free-threaded, no GIL", 2.0)
    assert forced.label == "Python 3.14.1 free-threaded, GIL turned back on"
    assert all(r.measured_here and not r.error for r in (gil, free, forced))


def test_a_failing_interpreter_is_reported_not_raised():
    failed = gab.run_benchmark(gab.Interpreter("t", (FT,)), run=fake_run(fail=FT))
    assert failed.error == "OSError: no such thing"

    def missing(argv, **kwargs):
        raise FileNotFoundError(2, "No such file", argv[0])

    assert "FileNotFoundError" in gab.run_benchmark(gab.Interpreter("t", (FT,)), run=missing).error

    def garbled(argv, **kwargs):
        return SimpleNamespace(returncode=0, stdout="hello\n", stderr="")

    assert "unreadable" in gab.run_benchmark(gab.Interpreter("t", (FT,)), run=garbled).error

    def too_slow(argv, **kwargs):
        raise subprocess.TimeoutExpired(argv, 1)

    assert "TimeoutExpired" in gab.run_benchmark(gab.Interpreter("t", (FT,)), run=too_slow).error


def test_published_figures_are_added_only_when_nothing_here_ran_without_the_gil():
    run = fake_run()
    only_gil = gab.run_everywhere([gab.Interpreter("k", ("/venv/bin/python",))], run=run)
    assert gab.with_references(only_gil) == [*only_gil, *gab.REFERENCE]
    forced = gab.run_everywhere([gab.Interpreter("t1", (FT, "-X", "gil=1"))], run=run)
    assert gab.with_references(forced)[-1] in gab.REFERENCE  # GIL turned back on: still no free-threaded figure
    free = gab.run_everywhere([gab.Interpreter("k", ("/venv/bin/python",)), gab.Interpreter("t", (FT,))], run=run)
    assert gab.with_references(free) == free


def test_published_figures_say_where_and_when_and_that_they_were_not_measured_here():
    text = gab.describe_results(gab.REFERENCE)
    assert text.count("NOT MEASURED HERE") == 2 and "1 April 2025" in text and "gh-131988" in text
    assert all(not r.measured_here and r.free_threaded and not r.gil_enabled for r in gab.REFERENCE)


def test_the_plot_marks_published_bars_and_names_each_build(monkeypatch):
    monkeypatch.setattr("helpers.python_build.build_label", lambda: "Python 3.14.1 free-threaded, no GIL")
    results = gab.with_references(gab.run_everywhere([gab.Interpreter("k", ("/venv/bin/python",))], run=fake_run()))
    ax = gab.plot_gil_across_builds(results)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0].startswith("Python 3.11.7, with the GIL")
    assert all("NOT measured here" in label for label in labels[1:])
    assert [bar.get_hatch() for bar in ax.patches] == ["", "//", "//"]
    assert "this notebook: Python 3.14.1 free-threaded, no GIL" in ax.get_title()
    plt.close(ax.figure)


def test_label_of_any_interpreter_matches_the_running_ones_build_label():
    import platform

    from helpers.python_build import free_threaded_build, gil_enabled

    assert gab.build_label_of(platform.python_version(), free_threaded_build(), gil_enabled()) == build_label()


def test_the_real_benchmark_runs_in_a_subprocess_of_this_python():
    result = gab.run_benchmark(gab.Interpreter("k", (sys.executable,)), threads=2, limit=2_000, repeats=1)
    assert not result.error, result.error
    assert result.version == sys.version.split()[0] and result.serial_seconds > 0 and result.thread_seconds > 0


def test_probe_asks_the_interpreter():
    facts = gab.probe((sys.executable,))
    assert facts is not None and set(facts) == {"version", "free_threaded", "gil_enabled"}
