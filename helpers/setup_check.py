"""Is this machine ready for the course? One call answers, with what to fix.

Lesson 00 runs it first, and ``python -m helpers`` runs it from a shell. Each check
is a small function returning a :class:`Check`, so a test can exercise each one and
the report reads the same everywhere. Besides what the course needs, it reports what
changes the lessons' numbers: the Python build and whether the GIL is really off,
and how many cores the lessons will use.
"""

from __future__ import annotations

import math
import multiprocessing
import platform
import sys
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from helpers.executors import cpu_count
from helpers.i18n import _, display_width, pad
from helpers.python_build import GilState, gil_state, import_watching_gil

SUPPORTED = ((3, 11), (3, 15))  # oldest and newest Python the course is tested on
PACKAGES = ("PIL", "matplotlib", "ipywidgets", "tqdm", "jupyterlab", "httpx", "dask", "distributed")
IMAGES = Path(__file__).resolve().parent.parent / "images"
CGROUP = Path("/sys/fs/cgroup")


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def supported_range() -> str:
    (low_major, low_minor), (high_major, high_minor) = SUPPORTED
    return f"{low_major}.{low_minor}-{high_major}.{high_minor}"


def check_python(version: tuple[int, ...] = tuple(sys.version_info[:3])) -> Check:
    shown = ".".join(map(str, version))
    low, high = SUPPORTED
    name = _("Python")
    if tuple(version[:2]) < low:
        return Check(name, False, shown, _("install Python {version} or newer").format(version=f"{low[0]}.{low[1]}"))
    if tuple(version[:2]) > high:
        return Check(name, True, _("{version} (newer than the {supported} the course is tested on)").format(
            version=shown, supported=supported_range()))
    return Check(name, True, _("{version} (the course supports {supported})").format(
        version=shown, supported=supported_range()))


def check_gil(state: GilState | None = None, culprits: list[str] | tuple[str, ...] = ()) -> Check:
    """The build and whether the GIL is off now; never a failure: the course runs on every build.

    Call it after the imports (``run_checks`` does): importing one extension module
    without free-threading support turns the GIL back on for the whole process.
    """
    state = gil_state() if state is None else state
    text = _("on: {why}") if state.enabled else _("off: {why}")
    return Check(_("GIL"), True, text.format(why=state.explain(culprits)))


def cgroup_cpu_quota(root: Path = CGROUP) -> float | None:
    """CPUs a container's cgroup quota allows (Docker ``--cpus``, Kubernetes, Binder), or None.

    ``os.cpu_count()`` and CPU affinity do not see such a quota: a container limited
    to 1 CPU on a 16-core host reports 16. Reads cgroup v2's ``cpu.max`` or v1's
    ``cpu.cfs_quota_us`` at the cgroup root the process sees; None when there is no
    quota or nothing readable.
    """
    try:
        v2 = root / "cpu.max"
        if v2.exists():
            quota, period = v2.read_text().split()[:2]
            return None if quota == "max" else int(quota) / int(period)
        v1 = root / "cpu" / "cpu.cfs_quota_us"
        if v1.exists():
            quota_us = int(v1.read_text())
            period_us = int((root / "cpu" / "cpu.cfs_period_us").read_text())
            return None if quota_us <= 0 else quota_us / period_us
    except (OSError, ValueError, ZeroDivisionError):
        return None
    return None


def check_cpus(count: int | None = None, quota: float | None = None) -> Check:
    """How many cores the lessons will use, and the container caveat.

    ``count`` is ``helpers.executors.cpu_count()``, which honours ``PYTHON_CPU_COUNT``
    and ``-X cpu_count``; ``quota`` is :func:`cgroup_cpu_quota`. A quota below the count
    is reported with the fix, but is not a failure: the lessons still run, only their
    pools are larger than the CPUs they get.
    """
    count = cpu_count() if count is None else count
    quota = cgroup_cpu_quota() if quota is None else quota
    name = _("CPU cores")
    if quota is not None and quota < count:
        allowed = max(1, math.floor(quota))
        return Check(name, True, _("{count} seen, but a container CPU quota allows {quota:g}: set "
                                   "PYTHON_CPU_COUNT={allowed} before starting Jupyter, so pools use "
                                   "{allowed}").format(count=count, quota=quota, allowed=allowed))
    return Check(name, True, _("{count} usable (a CPU quota set by Binder, Docker --cpus or Kubernetes is not "
                               "counted: if yours is lower, set PYTHON_CPU_COUNT)").format(count=count))


def check_package(module: str, gil_culprits: list[str] | None = None) -> Check:
    """Whether ``module`` imports; modules that turned the GIL back on go into ``gil_culprits``."""
    try:
        imported, culprits = import_watching_gil(module)
    except ImportError as exc:
        return Check(module, False, _("missing ({error})").format(error=exc),
                     _("run: pip install -r requirements.txt"))
    if gil_culprits is not None:
        gil_culprits.extend(name for name in culprits if name not in gil_culprits)
    with warnings.catch_warnings():  # Python 3.15 deprecates the standard library's __version__
        warnings.simplefilter("ignore", DeprecationWarning)
        version = getattr(imported, "__version__", _("installed"))
    if culprits:
        return Check(module, True, _("{version}; turned the GIL back on ({modules})").format(
            version=version, modules=", ".join(culprits)))
    return Check(module, True, version)


def check_worker_import(start_method: str = "spawn", timeout: float = 60) -> Check:
    """A fresh ``spawn`` process can import ``helpers``: the test that matters most.

    A notebook finds ``helpers`` in many ways; a worker process started with spawn
    finds it only if it is installed (``pip install -e .``).
    """
    name = _("helpers in a {method} worker").format(method=start_method)
    try:
        context = multiprocessing.get_context(start_method)
        with ProcessPoolExecutor(1, mp_context=context) as pool:
            where = pool.submit(_where_is_helpers).result(timeout=timeout)
    except Exception as exc:
        return Check(name, False, f"{type(exc).__name__}: {exc}",
                     _("run: pip install -e .   (from the course folder)"))
    return Check(name, True, _("imports from {folder}").format(folder=where))


def _where_is_helpers() -> str:
    import helpers

    return str(Path(helpers.__file__).parent)


def check_images(folder: Path = IMAGES) -> Check:
    from helpers.thumbnails import find_images

    count = len(find_images(folder)) if folder.is_dir() else 0
    name = _("sample images")
    if count == 0:
        return Check(name, False, _("none in {folder}").format(folder=folder), _("check out the whole repository"))
    return Check(name, True, _("{count} in {folder}").format(count=count, folder=folder))


def check_language() -> Check:
    """Which edition this process speaks, and why: a Chinese lesson started elsewhere would speak English."""
    from helpers.i18n import describe

    return Check(_("language"), True, describe())


def check_font() -> Check:
    """A CJK font for plots: needed, and so a failure without one, only in the Chinese edition."""
    from helpers.fonts import check_cjk_font

    found = check_cjk_font()
    return Check(_("Chinese font"), found.ok, found.detail, found.fix)


def run_checks(extra: list[Callable[[], Check]] | None = None) -> list[Check]:
    culprits: list[str] = []
    packages = [check_package(module, culprits) for module in PACKAGES]
    checks = [check_python(), check_gil(culprits=culprits), check_cpus(), *packages,
              check_images(), check_language(), check_font(), check_worker_import()]
    return checks + [make() for make in extra or []]


def report(checks: list[Check]) -> str:
    """A readable report ending in one clear line: ready, or what to fix."""
    lines = [_("{system} {machine}, default start method: {method}").format(
        system=platform.system(), machine=platform.machine(), method=multiprocessing.get_start_method())]
    marks = {True: _("ok"), False: _("NO")}
    mark_width = max(display_width(m) for m in marks.values())
    width = max((display_width(c.name) for c in checks), default=0)
    for c in checks:
        lines.append(f"  {pad(marks[c.ok], mark_width)} {pad(c.name, width)}  {c.detail}")
    problems = [c for c in checks if not c.ok]
    if problems:
        lines.append(_("NOT READY - fix these, then run the check again:"))
        lines.extend("  - " + _("{name}: {fix}").format(name=c.name, fix=c.fix) for c in problems)
    else:
        lines.append(_("READY: everything the course needs is here."))
    return "\n".join(lines)


def main() -> int:
    checks = run_checks()
    print(report(checks))
    return 0 if all(c.ok for c in checks) else 1
