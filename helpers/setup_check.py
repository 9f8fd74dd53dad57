"""Is this machine ready for the course? One call answers, with what to fix.

Lesson 00 runs it first, and ``python -m helpers`` runs it from a shell. Each check
is a small function returning a :class:`Check`, so a test can exercise each one and
the report reads the same everywhere.
"""

from __future__ import annotations

import importlib
import multiprocessing
import platform
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from helpers.executors import cpu_count

SUPPORTED = ((3, 11), (3, 13))  # oldest and newest Python the course is tested on
PACKAGES = ("PIL", "matplotlib", "ipywidgets", "tqdm", "jupyterlab", "httpx", "dask", "distributed")
IMAGES = Path(__file__).resolve().parent.parent / "images"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def check_python(version: tuple[int, ...] = tuple(sys.version_info[:3])) -> Check:
    shown = ".".join(map(str, version))
    low, high = SUPPORTED
    if tuple(version[:2]) < low:
        return Check("Python", False, shown, f"install Python {low[0]}.{low[1]} or newer")
    if tuple(version[:2]) > high:
        return Check("Python", True, f"{shown} (newer than the {high[0]}.{high[1]} the course is tested on)")
    return Check("Python", True, shown)


def check_package(module: str) -> Check:
    try:
        imported = importlib.import_module(module)
    except ImportError as exc:
        return Check(module, False, f"missing ({exc})", "run: pip install -r requirements.txt")
    return Check(module, True, getattr(imported, "__version__", "installed"))


def check_worker_import(start_method: str = "spawn", timeout: float = 60) -> Check:
    """A fresh ``spawn`` process can import ``helpers``: the test that matters most.

    A notebook finds ``helpers`` in many ways; a worker process started with spawn
    finds it only if it is installed (``pip install -e .``).
    """
    name = f"helpers in a {start_method} worker"
    try:
        context = multiprocessing.get_context(start_method)
        with ProcessPoolExecutor(1, mp_context=context) as pool:
            where = pool.submit(_where_is_helpers).result(timeout=timeout)
    except Exception as exc:
        return Check(name, False, f"{type(exc).__name__}: {exc}",
                     "run: pip install -e .   (from the course folder)")
    return Check(name, True, f"imports from {where}")


def _where_is_helpers() -> str:
    import helpers

    return str(Path(helpers.__file__).parent)


def check_images(folder: Path = IMAGES) -> Check:
    from helpers.thumbnails import find_images

    count = len(find_images(folder)) if folder.is_dir() else 0
    if count == 0:
        return Check("sample images", False, f"none in {folder}", "check out the whole repository")
    return Check("sample images", True, f"{count} in {folder}")


def run_checks(extra: list[Callable[[], Check]] | None = None) -> list[Check]:
    checks = [check_python(), *(check_package(m) for m in PACKAGES), check_images(), check_worker_import()]
    return checks + [make() for make in extra or []]


def report(checks: list[Check]) -> str:
    """A readable report ending in one clear line: ready, or what to fix."""
    gil = "on" if getattr(sys, "_is_gil_enabled", lambda: True)() else "OFF (free-threaded build)"
    lines = [
        f"{platform.system()} {platform.machine()}, {cpu_count()} usable cores, "
        f"start method: {multiprocessing.get_start_method()}, GIL: {gil}",
    ]
    for c in checks:
        lines.append(f"  {'ok ' if c.ok else 'NO '} {c.name:<28} {c.detail}")
    problems = [c for c in checks if not c.ok]
    if problems:
        lines.append("NOT READY - fix these, then run the check again:")
        lines.extend(f"  - {c.name}: {c.fix}" for c in problems)
    else:
        lines.append("READY: everything the course needs is here.")
    return "\n".join(lines)


def main() -> int:
    checks = run_checks()
    print(report(checks))
    return 0 if all(c.ok for c in checks) else 1
