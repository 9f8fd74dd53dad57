"""Execute a lesson once for the site, press its widgets, and keep the result in a cache.

Why not MyST-NB's own jupyter-cache: it keys a notebook on its code cells only.
The Chinese lessons share every code cell with the English ones byte for byte, so
a Chinese page would be served the English outputs; and a change in ``helpers/``,
where every plot, message and widget lives, would not re-execute anything. Here
the key also holds the edition's language, a hash of the ``helpers`` package the
kernel imports, the pinned requirements, the photos and the Python version; an
unchanged lesson is not executed again, a changed helper re-executes every lesson.

After the lesson's last cell, in the same kernel, a probe (not a cell of the
lesson) presses each widget's main button once, as a learner would after "Run
All" (the browser tests press them at the same moment), waits for the work it
started, and reports the machine the lesson ran on. The widget state saved with
the notebook then holds the result of that run, and the figure the widget drew is
kept as the widget's still picture. Nothing here runs two lessons at once: the
lessons measure speed-ups on this machine's cores.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import nbformat
from nbclient import NotebookClient

CELL_TIMEOUT = 300  # seconds; a lesson's cell takes seconds, this only stops a hang
PRESS_WAIT = 120  # seconds to wait for work a pressed button started in a thread
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
MARKER = "__course_site__"
STILL = "course_site_still"  # output metadata key of a widget's still picture

# Runs in the lesson's kernel after its last cell. Plain code, no imports from the
# site: the kernel is the course's own Python.
PROBE = """\
def __course_site_probe(view_ids, wait):
    import json, multiprocessing, os, platform, sys, threading, time
    import ipywidgets

    try:
        from ipywidgets.widgets.widget import _instances as live
    except ImportError:  # an ipywidgets without the private registry
        live = ipywidgets.Widget.widgets

    def parts(widget, seen):
        if id(widget) in seen:
            return
        seen.add(id(widget))
        yield widget
        for child in getattr(widget, "children", None) or ():
            yield from parts(child, seen)

    widgets = []
    for view_id in view_ids:
        top = live.get(view_id)
        if top is None:
            continue
        tree = list(parts(top, set()))
        buttons = [w for w in tree if isinstance(w, ipywidgets.Button) and not w.disabled]
        if not buttons:
            continue
        main = [b for b in buttons if b.button_style == "primary"] or buttons[:1]
        before = set(threading.enumerate())
        for button in main:
            button.click()
        deadline = time.monotonic() + wait
        for thread in set(threading.enumerate()) - before:
            if not thread.daemon:
                thread.join(max(0.0, deadline - time.monotonic()))
        widgets.append({
            "view": view_id,
            "pressed": [b.description for b in main],
            "outputs": [w.model_id for w in tree if isinstance(w, ipywidgets.Output)],
        })

    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), cpu)
    except OSError:
        pass
    try:
        from helpers.python_build import build_label
        build = build_label()
    except Exception:
        build = ""
    figure_fonts = []  # the fonts matplotlib draws text with, in fallback order, and if each has CJK
    if "matplotlib" in sys.modules:
        try:
            import matplotlib
            from matplotlib import font_manager
            from matplotlib.ft2font import FT2Font

            props = font_manager.FontProperties(family=matplotlib.rcParams["font.family"])
            try:
                paths = font_manager.fontManager._find_fonts_by_props(props)
            except AttributeError:  # a matplotlib without font fallback
                paths = [font_manager.findfont(props)]
            for path in paths:
                index = getattr(path, "face_index", 0)
                names = [e.name for e in font_manager.fontManager.ttflist
                         if e.fname == str(path) and getattr(e, "index", 0) == index]
                cjk = 0x4E2D in FT2Font(str(path)).get_charmap()  # 中
                figure_fonts.append({"family": names[0] if names else os.path.basename(str(path)), "cjk": cjk})
        except Exception as exc:
            figure_fonts.append({"family": f"unknown ({type(exc).__name__}: {exc})", "cjk": False})
    machine = {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "build": build,
        "system": platform.system(),
        "release": platform.release(),
        "machine": platform.machine(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "start_method": multiprocessing.get_start_method(),
        "course_lang": os.environ.get("COURSE_LANG", ""),
        "figure_fonts": figure_fonts,
    }
    print(MARKER + json.dumps({"widgets": widgets, "machine": machine}))

__course_site_probe(VIEW_IDS, WAIT)
del __course_site_probe
"""


class ExecutionFailed(RuntimeError):
    """A lesson raised, printed a traceback, or a widget reported a failure."""


@dataclass
class Executed:
    """A lesson run for the site: the notebook with outputs, and how the run went."""

    notebook: nbformat.NotebookNode
    seconds: float
    cached: bool
    problems: list[str] = field(default_factory=list)


def _digest_tree(digest: hashlib._Hash, folder: Path, *, contents: bool) -> None:
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(path.read_bytes() if contents else str(path.stat().st_size).encode())


def environment_key(course: Path) -> str:
    """What, besides a lesson's code, its outputs depend on; hashed."""
    digest = hashlib.sha256()
    digest.update(Path(__file__).read_bytes())  # this executor and its probe
    digest.update(sys.version.encode())
    spec = importlib.util.find_spec("helpers")
    if spec is not None and spec.origin is not None:  # the helpers the kernel will import
        _digest_tree(digest, Path(spec.origin).parent, contents=True)
    for name in ("requirements.txt", "pyproject.toml"):
        if (course / name).is_file():
            digest.update((course / name).read_bytes())
    if (course / "images").is_dir():
        _digest_tree(digest, course / "images", contents=False)
    return digest.hexdigest()


def notebook_key(notebook: nbformat.NotebookNode, course_lang: str, environment: str) -> str:
    """The cache key of one lesson: its code cells, its language, and the environment key."""
    digest = hashlib.sha256()
    digest.update(course_lang.encode())
    digest.update(environment.encode())
    digest.update(notebook.metadata.get("kernelspec", {}).get("name", "python3").encode())
    for cell in notebook.cells:
        if cell.cell_type == "code":
            digest.update(b"\0cell\0" + cell.source.encode())
    return digest.hexdigest()[:20]


def problems_in(notebook: nbformat.NotebookNode, widget_outputs: dict[str, list] | None = None) -> list[str]:
    """Everything a reader must not see on the site: errors, tracebacks, glyph boxes, failed widgets."""
    found = []

    def texts(outputs: list) -> list[tuple[str, str]]:
        result = []
        for output in outputs:
            if output.get("output_type") == "error":
                result.append(("error", f"{output.get('ename')}: {output.get('evalue')}"))
            elif output.get("output_type") == "stream":
                result.append((output.get("name", "stdout"), "".join(output.get("text", ""))))
            else:
                text = output.get("data", {}).get("text/plain", "")
                result.append(("data", "".join(text) if isinstance(text, list) else text))
        return result

    def judge(where: str, outputs: list, widget: bool = False) -> None:
        for kind, text in texts(outputs):
            if kind == "error":
                found.append(f"{where} raised {text}")
            elif "Traceback (most recent call last)" in text:
                found.append(f"{where} printed a traceback")
            elif "missing from font" in text:
                found.append(f"{where}: a plot lacks glyphs (matplotlib: {text.strip()[:160]})")
            elif widget and text.lstrip().startswith("failed: "):  # widget_tools.report_errors
                found.append(f"{where} reported: {text.strip()[:160]}")

    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            judge(f"cell {index}", cell.get("outputs", []))
    for model_id, outputs in (widget_outputs or {}).items():
        judge(f"widget output {model_id}", outputs, widget=True)
    return found


def _view_ids(notebook: nbformat.NotebookNode) -> list[str]:
    return [
        output["data"][WIDGET_VIEW]["model_id"]
        for cell in notebook.cells if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if WIDGET_VIEW in output.get("data", {})
    ]


def _probe_result(cell: nbformat.NotebookNode) -> dict:
    for output in cell.outputs:
        if output.get("output_type") == "stream":
            for line in output.get("text", "").splitlines():
                if line.startswith(MARKER):
                    return json.loads(line[len(MARKER):])
    shown = " | ".join(str(o.get("text") or o.get("evalue") or "")[:300] for o in cell.outputs)
    raise ExecutionFailed(f"the site's probe did not report: {shown}")


def _last_image(outputs: list) -> str | None:
    images = [o["data"]["image/png"] for o in outputs if "image/png" in o.get("data", {})]
    return images[-1] if images else None


def _add_stills(notebook: nbformat.NotebookNode, widgets: list[dict], state: dict) -> None:
    """After each pressed widget's view, its still: the last figure its outputs showed."""
    pressed = {w["view"]: w for w in widgets}
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        outputs = []
        for output in cell.get("outputs", []):
            outputs.append(output)
            view = output.get("data", {}).get(WIDGET_VIEW, {}).get("model_id")
            if view not in pressed:
                continue
            shown = [o for out_id in pressed[view]["outputs"] for o in state.get(out_id, {}).get("outputs", [])]
            image = _last_image(shown)
            info = {"pressed": pressed[view]["pressed"], "has_image": image is not None}
            data = {"image/png": image} if image else {"text/plain": ""}
            outputs.append(nbformat.v4.new_output("display_data", data=data, metadata={STILL: info}))
        cell.outputs = outputs


def run(notebook: nbformat.NotebookNode, cwd: Path, course_lang: str) -> Executed:
    """Execute ``notebook`` in ``cwd`` with ``COURSE_LANG=course_lang``; press widgets; check."""
    started = time.monotonic()
    stamp = datetime.now(UTC)
    notebook = nbformat.from_dict(json.loads(json.dumps(notebook)))  # never touch the caller's copy
    with tempfile.TemporaryDirectory(prefix="course-site-ipython-") as ipython_dir:
        # A private IPYTHONDIR: nobody's start-up files change what the site shows.
        env = dict(os.environ, COURSE_LANG=course_lang, IPYTHONDIR=ipython_dir, PYDEVD_DISABLE_FILE_VALIDATION="1")
        client = NotebookClient(
            notebook, timeout=CELL_TIMEOUT, kernel_name="python3", allow_errors=True,
            resources={"metadata": {"path": str(cwd)}}, store_widget_state=True,
            # the kernel's own log, not the lesson's output: keep the build's log to real errors
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
        with client.setup_kernel(env=env):
            info = client.wait_for_reply(client.kc.kernel_info())
            if info is not None and "language_info" in info["content"]:
                notebook.metadata["language_info"] = info["content"]["language_info"]
            for index, cell in enumerate(notebook.cells):
                client.execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
            probe = nbformat.v4.new_code_cell(
                PROBE.replace("VIEW_IDS", repr(_view_ids(notebook))).replace("WAIT", str(PRESS_WAIT))
                .replace("MARKER", repr(MARKER)))
            notebook.cells.append(probe)  # nbclient stores each cell at its index
            try:
                client.execute_cell(probe, len(notebook.cells) - 1, store_history=False)
            finally:
                notebook.cells.pop()
            report = _probe_result(probe)
            client.set_widgets_metadata()
    state = client.widget_state
    widget_outputs = {
        out_id: state.get(out_id, {}).get("outputs", []) for w in report["widgets"] for out_id in w["outputs"]
    }
    problems = problems_in(notebook, widget_outputs)
    _add_stills(notebook, report["widgets"], state)
    seconds = time.monotonic() - started
    notebook.metadata["course_site"] = {
        "executed": stamp.isoformat(timespec="seconds"),
        "seconds": round(seconds, 1),
        "machine": report["machine"],
    }
    return Executed(notebook, seconds, cached=False, problems=problems)


class Cache:
    """Executed lessons on disk, one file per lesson and edition, named by their key."""

    def __init__(self, folder: Path, course: Path) -> None:
        self.folder = folder
        self.environment = environment_key(course)

    def path(self, edition: str, notebook: nbformat.NotebookNode, stem: str, course_lang: str) -> Path:
        return self.folder / edition / f"{stem}.{notebook_key(notebook, course_lang, self.environment)}.ipynb"

    def executed(self, source: Path, edition: str, course_lang: str, cwd: Path) -> Executed:
        """The executed lesson: from the cache when its key matches, else run now and stored."""
        notebook = nbformat.read(source, as_version=4)
        path = self.path(edition, notebook, source.stem, course_lang)
        if path.is_file():
            return Executed(nbformat.read(path, as_version=4), 0.0, cached=True)
        result = run(notebook, cwd, course_lang)
        if result.problems:
            failed = self.folder / "failed" / edition / source.name
            failed.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(result.notebook, failed)
            raise ExecutionFailed(
                f"{edition}/{source.name} (executed copy: {failed}):\n  " + "\n  ".join(result.problems))
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob(f"{source.stem}.*.ipynb"):
            old.unlink()
        nbformat.write(result.notebook, path)
        return result


def merge(source: nbformat.NotebookNode, executed: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The current text of ``source`` with the outputs of ``executed`` (same code cells, in order).

    Markdown edited since the run shows at once; the key guarantees the code is the same.
    """
    merged = nbformat.from_dict(json.loads(json.dumps(source)))
    ran = [c for c in executed.cells if c.cell_type == "code"]
    mine = [c for c in merged.cells if c.cell_type == "code"]
    if [c.source for c in ran] != [c.source for c in mine]:
        raise ValueError("the executed notebook's code cells differ from the source's")
    for target, done in zip(mine, ran, strict=True):
        target.outputs = done.outputs
        target.execution_count = done.execution_count
    for key in ("language_info", "widgets", "course_site"):
        if key in executed.metadata:
            merged.metadata[key] = executed.metadata[key]
    return merged
