"""Lesson 08's GIL benchmark, run on every Python interpreter this machine has.

Whether threads speed up pure-Python work depends on the *build* of Python, not on
the language: the usual build has a GIL (one thread runs Python code at a time), a
free-threaded build (``python3.14t``, officially supported from Python 3.14) has none,
unless it is turned back on (``-X gil=1``, ``PYTHON_GIL=1``, or an extension module
that does not declare free-threading support).

So the benchmark runs in a **subprocess** for each interpreter found: the one running
this code, ``python3.13t``/``python3.14t``/``python3.15t`` on ``PATH``, and each
free-threaded one again with ``-X gil=1``. The subprocess runs a self-contained script
(standard library only, with :func:`helpers.workloads.count_primes` pasted in), so an
interpreter needs nothing installed. Where no free-threaded interpreter is found,
:data:`REFERENCE` holds published figures, shown marked as not measured here.

Every function that starts a process takes the function that starts it (``run``) and
the one that finds programs (``which``) as arguments, so the tests can pretend a
free-threaded Python is installed and check every branch on a machine that has none.
"""

from __future__ import annotations

import inspect
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from helpers.i18n import N_, _
from helpers.python_build import free_threaded_build
from helpers.workloads import count_primes

FREE_THREADED_NAMES = ("python3.13t", "python3.14t", "python3.15t")
SUBPROCESS_TIMEOUT = 120.0  # seconds for one interpreter's whole benchmark

Runner = Callable[..., Any]  # subprocess.run, or a stand-in in the tests
Finder = Callable[[str], "str | None"]  # shutil.which, or a stand-in

# Asks an interpreter what it is. Standard library only: it must run on any Python 3.
PROBE = """
import json, platform, sys, sysconfig
check = getattr(sys, "_is_gil_enabled", None)
print(json.dumps({"version": platform.python_version(),
                  "free_threaded": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
                  "gil_enabled": True if check is None else bool(check())}))
"""

# The benchmark: count primes in `tasks` pieces, serially and on `threads` threads;
# the median of `repeats` runs of each. Standard library only, with count_primes pasted in.
BENCHMARK = inspect.getsource(count_primes) + """
import json, platform, statistics, sys, sysconfig, time
from concurrent.futures import ThreadPoolExecutor

limit, tasks, threads, repeats = (int(a) for a in sys.argv[1:5])


def serial():
    return [count_primes(limit) for _ in range(tasks)]


def threaded():
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(count_primes, [limit] * tasks))


times = {"serial": [], "threads": []}
for _ in range(repeats):
    for name, run in (("serial", serial), ("threads", threaded)):
        started = time.perf_counter()
        run()
        times[name].append(time.perf_counter() - started)
check = getattr(sys, "_is_gil_enabled", None)
print(json.dumps({"version": platform.python_version(),
                  "free_threaded": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
                  "gil_enabled": True if check is None else bool(check()),
                  "serial": statistics.median(times["serial"]),
                  "threads": statistics.median(times["threads"])}))
"""


def build_label_of(version: str, free_threaded: bool, gil_is_enabled: bool) -> str:
    """The label :func:`helpers.python_build.build_label` gives, for any interpreter's facts."""
    if not free_threaded:
        return _("Python {version}, with the GIL").format(version=version)
    if gil_is_enabled:
        return _("Python {version} free-threaded, GIL turned back on").format(version=version)
    return _("Python {version} free-threaded, no GIL").format(version=version)


@dataclass(frozen=True)
class Interpreter:
    """A way to start a Python: ``argv`` is the command before ``-c``; ``found`` says how it was found."""

    found: str
    argv: tuple[str, ...]


@dataclass(frozen=True)
class BuildResult:
    """One interpreter's benchmark: serial and threaded medians, or why there are none."""

    interpreter: Interpreter
    version: str = ""
    free_threaded: bool = False
    gil_enabled: bool = True
    threads: int = 0
    serial_seconds: float = 0.0
    thread_seconds: float = 0.0
    error: str = ""
    source: str = ""  # empty when measured here; else where the figures were published, and when

    @property
    def measured_here(self) -> bool:
        return not self.source

    @property
    def speedup(self) -> float:
        return self.serial_seconds / self.thread_seconds if self.thread_seconds else 0.0

    @property
    def label(self) -> str:
        return build_label_of(self.version, self.free_threaded, self.gil_enabled)


def _clean_env() -> dict[str, str]:
    """This process's environment without PYTHON_GIL, so each run's GIL is set by its own command line."""
    return {k: v for k, v in os.environ.items() if k != "PYTHON_GIL"}


def _run_json(argv: Sequence[str], run: Runner, timeout: float) -> tuple[dict[str, Any] | None, str]:
    """Run ``argv``; its last line of output as JSON, or None and a short reason."""
    try:
        done = run(list(argv), capture_output=True, text=True, timeout=timeout, env=_clean_env())
    except (OSError, subprocess.SubprocessError) as exc:
        return None, f"{type(exc).__name__}: {exc}"
    if done.returncode != 0:
        lines = (done.stderr or "").strip().splitlines() or [_("exit status {code}").format(code=done.returncode)]
        return None, lines[-1]
    try:
        return json.loads(done.stdout.strip().splitlines()[-1]), ""
    except (ValueError, IndexError):
        return None, _("unreadable output: {text!r}").format(text=(done.stdout or "")[:80])


def probe(argv: Sequence[str], run: Runner = subprocess.run) -> dict[str, Any] | None:
    """What the interpreter started by ``argv`` says it is (version, free_threaded, gil_enabled), or None."""
    facts, _reason = _run_json([*argv, "-c", PROBE], run, timeout=30)
    return facts


def find_interpreters(*, which: Finder = shutil.which, executable: str = sys.executable,
                      run: Runner = subprocess.run) -> list[Interpreter]:
    """This kernel's Python, each free-threaded one on PATH, and each free-threaded one with ``-X gil=1``.

    A program on PATH that is the running interpreter itself is not listed twice.
    Whether an interpreter is free-threaded is asked of the interpreter (:func:`probe`),
    never guessed from its name.
    """
    found = [Interpreter(N_("this kernel's Python"), (executable,))]
    here = os.path.realpath(executable)
    for name in FREE_THREADED_NAMES:
        path = which(name)
        if path and os.path.realpath(path) != here:
            found.append(Interpreter(name, (path,)))
    with_gil = []
    for interpreter in found:
        facts = probe(interpreter.argv, run=run) if interpreter.argv[0] != executable else {
            "free_threaded": free_threaded_build()}
        if facts and facts.get("free_threaded"):
            with_gil.append(Interpreter(interpreter.found + " -X gil=1", (*interpreter.argv, "-X", "gil=1")))
    return found + with_gil


def run_benchmark(interpreter: Interpreter, *, threads: int = 2, limit: int = 50_000, tasks: int | None = None,
                  repeats: int = 3, run: Runner = subprocess.run) -> BuildResult:
    """The benchmark in a subprocess of ``interpreter``: medians of ``repeats`` serial and threaded runs."""
    tasks = tasks or 2 * threads
    argv = [*interpreter.argv, "-c", BENCHMARK, str(limit), str(tasks), str(threads), str(repeats)]
    facts, reason = _run_json(argv, run, timeout=SUBPROCESS_TIMEOUT)
    if facts is None:
        return BuildResult(interpreter, threads=threads, error=reason)
    return BuildResult(interpreter, version=str(facts["version"]), free_threaded=bool(facts["free_threaded"]),
                       gil_enabled=bool(facts["gil_enabled"]), threads=threads,
                       serial_seconds=float(facts["serial"]), thread_seconds=float(facts["threads"]))


def run_everywhere(interpreters: Sequence[Interpreter], *, threads: int = 2, limit: int = 50_000,
                   repeats: int = 3, run: Runner = subprocess.run) -> list[BuildResult]:
    """:func:`run_benchmark` on each interpreter, one after another (they would compete for cores)."""
    return [run_benchmark(i, threads=threads, limit=limit, repeats=repeats, run=run) for i in interpreters]


# Published figures for a free-threaded build, shown only where none could be measured here.
# CPython's own scaling benchmark (Tools/ftscalingbench/ftscalingbench.py) runs small pure-Python
# loops once on one thread, then once on each of N threads at the same time, and reports
# N x (one thread's time) / (N threads' time): a speed-up over doing the same work serially.
# Its author published these two rows for 3.13.0t with 20 threads; they are ratios, so they
# are stored as serial 13.8 / 14.0 "seconds" against 1.0.
REFERENCE_SOURCE = N_("published by Sam Gross (author of PEP 703) in CPython issue gh-131988, 1 April 2025: "
                      "CPython's scaling benchmark Tools/ftscalingbench on Python 3.13.0t, 20 threads each "
                      "running the same pure-Python loop, against one thread: calling a Python function "
                      "14.0x, multiplying floats 13.8x")
REFERENCE = (
    BuildResult(Interpreter(N_("published: calling a Python function"), ()), version="3.13.0", free_threaded=True,
                gil_enabled=False, threads=20, serial_seconds=14.0, thread_seconds=1.0, source=REFERENCE_SOURCE),
    BuildResult(Interpreter(N_("published: multiplying floats"), ()), version="3.13.0", free_threaded=True,
                gil_enabled=False, threads=20, serial_seconds=13.8, thread_seconds=1.0, source=REFERENCE_SOURCE),
)


def any_free_threaded(results: Sequence[BuildResult]) -> bool:
    """Whether some interpreter measured here ran the benchmark with the GIL really off."""
    return any(r.measured_here and not r.error and r.free_threaded and not r.gil_enabled for r in results)


def with_references(results: Sequence[BuildResult]) -> list[BuildResult]:
    """``results``, plus the published figures when nothing here ran without the GIL."""
    return list(results) if any_free_threaded(results) else [*results, *REFERENCE]


def describe_results(results: Sequence[BuildResult]) -> str:
    """One line per result: which Python, how found, the medians and the speed-up, or what went wrong."""
    lines, sources = [], []
    for r in results:
        if r.error:
            lines.append(_("{found}: could not run it ({error})").format(found=_(r.interpreter.found), error=r.error))
        elif r.measured_here:
            lines.append(_("{found} ({label}): serial {serial:.2f} s, {threads} threads {threaded:.2f} s, "
                           "{speedup:.2f}x (medians of a few runs)").format(
                found=_(r.interpreter.found), label=r.label, serial=r.serial_seconds, threads=r.threads,
                threaded=r.thread_seconds, speedup=r.speedup))
        else:
            lines.append(_("NOT MEASURED HERE, {threads} threads on {label} ({what}): {speedup:.2f}x").format(
                threads=r.threads, label=r.label, what=_(r.interpreter.found), speedup=r.speedup))
            if r.source not in sources:
                sources.append(r.source)
    return "\n".join(lines + [_("(source: {source})").format(source=_(source)) for source in sources])


def plot_gil_across_builds(results: Sequence[BuildResult], ax: Any = None) -> Any:
    """Threads' speed-up over serial on pure-Python work, one bar per interpreter.

    Bars measured here are solid and labelled with their build; published figures
    are hatched, grey, and labelled as not measured here. The title names the
    build that ran this notebook.
    """
    import matplotlib.pyplot as plt

    from helpers.python_build import build_label

    shown = [r for r in results if not r.error]
    if ax is None:
        _figure, ax = plt.subplots(figsize=(9, 0.9 + 0.55 * max(1, len(shown))), constrained_layout=True)
    names, values = [], []
    for row, r in enumerate(shown):
        measured = r.measured_here
        colour = ("tab:green" if not r.gil_enabled else "tab:blue") if measured else "lightgrey"
        ax.barh(row, r.speedup, color=colour, hatch="" if measured else "//", edgecolor="black", linewidth=0.5)
        where = _(r.interpreter.found) if measured else _("{what}, NOT measured here").format(
            what=_(r.interpreter.found))
        names.append(_("{label}\n{where}, {threads} threads").format(label=r.label, where=where, threads=r.threads))
        values.append(r.speedup)
        ax.text(r.speedup, row, f" {r.speedup:.2f}x", va="center", fontsize=8)
    ax.set_yticks(range(len(shown)), names, fontsize=8)
    ax.invert_yaxis()
    ax.axvline(1, color="black", linestyle="--", linewidth=1)
    ax.set_xlim(0, max([*values, 2.0]) * 1.2)
    ax.set_xlabel(_("speed-up of threads over one thread (pure-Python work; 1 = no gain)"))
    ax.set_title(_("Threads on pure-Python work, per build (this notebook: {label})").format(label=build_label()),
                 fontsize=10)
    return ax

