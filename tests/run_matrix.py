"""Unit tests and every notebook under each supported Python, 3.11 to 3.15.

    python tests/run_matrix.py [--require-all] [--skip-main] [--jobs 2] [3.11 3.12 3.13 3.14 3.15]

Where each Python comes from, first found wins:

1. ``python3.X`` on PATH, or a pyenv install (``~/.pyenv/versions/3.X.*``);
2. for 3.14 and 3.15 (and any version Debian unstable packages, such as 3.13):
   the Debian chroot of ``tests/python_chroot.py``, built on first use (needs root).

Each version gets its own virtual environment (``.venv-3.X``, inside the chroot for
a chroot Python), installed from the same pinned requirements, so the pins are proven
on every version. Then the unit tests, then the notebooks: under every start method
on 3.14 and later (their default is ``forkserver``, new in 3.14, so it gets the most
coverage there), and under the version's default only on older versions, where
``make test`` already runs all three methods on the main Python.

A version that is not found is reported and skipped, or fails the run with
``--require-all`` (CI). ``--skip-main`` leaves out the version of the main ``.venv``,
which ``make test`` has just tested under all three start methods (CI runs both).
``--jobs 2`` tests two versions at a time, each writing its output to
``test-artifacts/matrix-3.X.log`` (printed if the version fails): most of a test
run is waiting (timeouts, sleeps, process start-up), so two lanes nearly halve the
time, and the suite meets the busy machine it must pass on anyway.
Each stage's duration is printed, and a table of them at the end.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import python_chroot

ROOT = Path(__file__).resolve().parent.parent
VERSIONS = ("3.11", "3.12", "3.13", "3.14", "3.15")
START_METHODS = ("fork", "spawn", "forkserver")
EVERY_METHOD_FROM = (3, 14)  # the first version whose Linux default is forkserver
PROBE = "import sys; print('%d.%d' % sys.version_info[:2])"
LOGS = ROOT / "test-artifacts"


@dataclass(frozen=True)
class Interpreter:
    """A Python to test, and how to run commands beside it."""

    version: str
    python: str  # its path where it runs: on this machine, or inside the chroot
    in_chroot: bool = False

    @property
    def where(self) -> str:
        return "Debian sid chroot" if self.in_chroot else "this machine"

    def venv(self) -> str:
        """The version's virtual environment, as a path where commands run."""
        folder = f".venv-{self.version}"
        return f"{python_chroot.MOUNT_POINT}/{folder}" if self.in_chroot else str(ROOT / folder)

    def wrap(self, command: Sequence[str]) -> list[str]:
        """``command`` made runnable from this machine, in the course folder."""
        return python_chroot.command(command) if self.in_chroot else list(command)


@dataclass
class Report:
    """What happened to each version, and how long each stage took."""

    timings: list[tuple[str, float, bool]] = field(default_factory=list)
    tested: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)  # lanes report at the same time

    def timed(self, name: str, seconds: float, ok: bool) -> None:
        with self.lock:
            self.timings.append((name, seconds, ok))
            print(f"--- {name}: {seconds:.0f} s{'' if ok else ', FAILED'}", flush=True)

    def finished(self, version: str, ok: bool) -> None:
        with self.lock:
            (self.tested if ok else self.failed).append(version)

    def table(self) -> str:
        lines = ["| stage | seconds | result |", "|---|---:|---|"]
        lines += [f"| {name} | {seconds:.0f} | {'ok' if ok else 'FAILED'} |" for name, seconds, ok in self.timings]
        return "\n".join(lines)


def version_of(python: str) -> str | None:
    try:
        probe = subprocess.run([python, "-c", PROBE], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return probe.stdout.strip() if probe.returncode == 0 else None


def find_on_machine(version: str) -> str | None:
    """``python3.X`` on PATH if it really runs (a pyenv shim may not), else a pyenv install."""
    candidates = [shutil.which(f"python{version}")]
    pyenv = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates += sorted(glob.glob(f"{pyenv}/versions/{version}.*/bin/python{version}"), reverse=True)
    for candidate in filter(None, candidates):
        if version_of(candidate) == version:
            return candidate
    return None


def find(version: str) -> tuple[Interpreter | None, str]:
    """The interpreter for ``version``, or None with the reason it is missing."""
    python = find_on_machine(version)
    if python:
        return Interpreter(version, python), ""
    reason = python_chroot.unavailable_reason()
    if reason:
        return None, f"not on this machine, and {reason}"
    try:
        inside = python_chroot.python_in_chroot(version)
    except (subprocess.CalledProcessError, RuntimeError) as exc:
        return None, f"not on this machine, and the chroot could not be built ({exc})"
    if inside is None:
        return None, "neither on this machine nor packaged by Debian unstable"
    return Interpreter(version, inside, in_chroot=True), ""


def default_start_method(interpreter: Interpreter) -> str:
    done = subprocess.run(interpreter.wrap([interpreter.python, "-c",
                                            "import multiprocessing as m; print(m.get_start_method())"]),
                          capture_output=True, text=True, check=True)
    return done.stdout.strip()


def methods_for(version: str, default: str) -> list[str]:
    """Start methods to run the notebooks under: the default first, all three from 3.14."""
    if tuple(map(int, version.split("."))) < EVERY_METHOD_FROM:
        return [default]
    return [default, *(m for m in START_METHODS if m != default)]


def stage(report: Report, name: str, command: Sequence[str], log: Path | None = None) -> bool:
    """Run one command, its output to ``log`` (appended) or to this terminal, and time it."""
    print(f"--- {name}", flush=True)
    started = time.perf_counter()
    if log is None:
        ok = subprocess.run(command, cwd=ROOT).returncode == 0
    else:
        with log.open("a") as out:
            out.write(f"--- {name}\n")
            out.flush()
            ok = subprocess.run(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT).returncode == 0
    report.timed(name, time.perf_counter() - started, ok)
    return ok


def run(interpreter: Interpreter, report: Report, log: Path | None = None) -> bool:
    """Every stage for one version; False if any failed (later stages still run)."""
    version, venv = interpreter.version, interpreter.venv()
    python = f"{venv}/bin/python"
    setup = [
        (f"{version}: create .venv-{version}", [interpreter.python, "-m", "venv", "--clear", venv]),
        (f"{version}: install the pinned requirements",
         [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", "requirements-dev.txt"]),
    ]
    if usable_venv(interpreter):
        setup = setup[1:]
    for name, command in setup:
        if not stage(report, name, interpreter.wrap(command), log):
            return False
    ok = stage(report, f"{version}: unit tests",
               interpreter.wrap([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"]), log)
    try:
        default = default_start_method(interpreter)
    except subprocess.CalledProcessError:
        report.timed(f"{version}: ask for the default start method", 0, False)
        return False
    for method in methods_for(version, default):
        label = f"{method}, the default" if method == default else method
        ok &= stage(report, f"{version}: notebooks ({label})",
                    interpreter.wrap([python, "tests/run_notebooks.py", method, "--english"]), log)
    return ok


def run_logged(interpreter: Interpreter, report: Report) -> None:
    """One lane of a parallel run: output to a log file, shown whole only if something failed."""
    LOGS.mkdir(exist_ok=True)
    log = LOGS / f"matrix-{interpreter.version}.log"
    log.write_text(f"=== Python {interpreter.version}: {interpreter.python} ({interpreter.where})\n")
    ok = run(interpreter, report, log)
    report.finished(interpreter.version, ok)
    if not ok:
        with report.lock:
            print(f"=== Python {interpreter.version} FAILED; its log ({log}):\n{log.read_text()}", flush=True)


def cost(interpreter: Interpreter) -> int:
    """Rough relative duration, to start the longest versions first."""
    return len(methods_for(interpreter.version, "fork")) + 2


def usable_venv(interpreter: Interpreter) -> bool:
    """Whether ``.venv-3.X`` was made by this very interpreter (else it is made again)."""
    config = ROOT / f".venv-{interpreter.version}" / "pyvenv.cfg"
    if not config.exists():
        return False
    settings = dict(line.split(" = ", 1) for line in config.read_text().splitlines() if " = " in line)
    return settings.get("home") == str(Path(interpreter.python).parent)


def build_chroot_if_needed(versions: Sequence[str], main_version: str | None, report: Report) -> None:
    """Build the chroot first, as a timed stage of its own, if a version will need it."""
    if python_chroot.is_built() or python_chroot.unavailable_reason():
        return
    if all(v == main_version or find_on_machine(v) for v in versions):
        return
    started = time.perf_counter()
    try:
        python_chroot.build()
        ok = True
    except (subprocess.CalledProcessError, RuntimeError) as exc:
        print(f"--- building the chroot failed: {exc}", flush=True)
        ok = False
    report.timed("build the Debian sid chroot (once)", time.perf_counter() - started, ok)


def main_venv_version() -> str | None:
    python = ROOT / ".venv" / "bin" / "python"
    return version_of(str(python)) if python.exists() else None


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("versions", nargs="*", default=list(VERSIONS))
    parser.add_argument("--require-all", action="store_true", help="a version not found fails the run")
    parser.add_argument("--skip-main", action="store_true",
                        help="leave out the main .venv's version: make test has just tested it")
    parser.add_argument("--jobs", type=int, default=1, help="versions tested at the same time (default 1)")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    options = parse(argv)
    report = Report()
    main_version = main_venv_version() if options.skip_main else None
    started = time.perf_counter()
    found = []
    build_chroot_if_needed(options.versions, main_version, report)
    for version in options.versions:
        if version == main_version:
            report.skipped.append(version)
            print(f"=== Python {version}: the main .venv's Python, tested by `make test` "
                  f"under {', '.join(START_METHODS)}: not run again", flush=True)
            continue
        interpreter, reason = find(version)
        if interpreter is None:
            report.missing.append(version)
            print(f"=== Python {version}: {reason}: skipped", flush=True)
            continue
        print(f"=== Python {version}: {interpreter.python} ({interpreter.where})", flush=True)
        found.append(interpreter)
    if options.jobs <= 1:
        for interpreter in found:
            report.finished(interpreter.version, run(interpreter, report))
    else:
        with ThreadPoolExecutor(options.jobs, thread_name_prefix="lane") as lanes:
            for done in [lanes.submit(run_logged, i, report) for i in sorted(found, key=cost, reverse=True)]:
                done.result(timeout=6 * 3600)
    print(f"\n{report.table()}\n\nmatrix: {time.perf_counter() - started:.0f} s", flush=True)
    print(f"passed: {', '.join(report.tested) or 'none'}; failed: {', '.join(report.failed) or 'none'}; "
          f"covered by make test: {', '.join(report.skipped) or 'none'}; "
          f"missing: {', '.join(report.missing) or 'none'}")
    if report.failed or (options.require_all and report.missing):
        return 1
    return 0 if report.tested or report.skipped else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
