"""The folder Sphinx reads for one edition: the course's pages, with the site's additions.

The staged tree mirrors the repository (``index.md`` is the README), with the
files of ``images/`` and ``docs/images/`` linked rather than copied. Because ``images/SOURCES.md``
is then inside it, a lesson executed in the staged ``notebooks/`` folder finds the
staged tree as the course's root (``helpers.paths``): its thumbnails land there, not
in the learner's ``thumbnails/``.

What a lesson page gets on top of the executed notebook: a box near the top with how
to run it (the README's commands, a Binder link) and the machine it ran on; its
solution cells tagged ``hide-input`` (MyST-NB folds them, click to open); and after
each widget, its still picture (the figure it drew, or for a widget that draws none
a box that ``coursesite.shots`` fills with a screenshot) with a line saying that it
runs live in JupyterLab.
Files are written only when their text changed, so Sphinx re-reads only those.
"""

from __future__ import annotations

import base64
import html
import json
import os
import shutil
from datetime import datetime
from pathlib import Path, PurePosixPath
from urllib.parse import quote

import nbformat

from coursesite.editions import Edition, Page
from coursesite.execute import STILL
from coursesite.strings import text

LINKED = ("images", "docs/images")  # folders mirrored into the staged tree (files linked)
STILLS = "_stills"


def write_if_changed(path: Path, content: str) -> bool:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_file() and path.read_text(encoding="utf-8") == content:
        return False
    path.write_text(content, encoding="utf-8")
    return True


def _same(a: Path, b: Path) -> bool:
    if b.is_symlink():
        return b.resolve() == a.resolve()
    return b.is_file() and b.stat().st_size == a.stat().st_size and b.read_bytes() == a.read_bytes()


def mirror(source: Path, target: Path, skip: tuple[str, ...] = ("*.md",)) -> None:
    """``target`` holds a link to (or, where links fail, a copy of) every file of ``source``.

    Folders are real folders, so that Sphinx sees the pages inside as its own; files
    matching ``skip`` (pages, which the staging writes itself) are left alone.
    """
    wanted = set()
    for path in sorted(source.rglob("*")):
        if not path.is_file() or any(path.match(pattern) for pattern in skip):
            continue
        relative_path = path.relative_to(source)
        wanted.add(relative_path)
        destination = target / relative_path
        if destination.exists() or destination.is_symlink():
            if _same(path, destination):
                continue
            destination.unlink()
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            destination.symlink_to(path.resolve())
        except OSError:
            shutil.copyfile(path, destination)
    for path in sorted(target.rglob("*"), reverse=True):
        if any(path.match(pattern) for pattern in skip):
            continue
        if (path.is_file() or path.is_symlink()) and path.relative_to(target) not in wanted:
            path.unlink()


def prepare(course: Path, srcdir: Path) -> None:
    """The staged tree's skeleton: the photos and the docs' pictures, mirrored."""
    srcdir.mkdir(parents=True, exist_ok=True)
    for name in LINKED:
        if (course / name).is_dir():
            mirror(course / name, srcdir / name)


def relative(from_page: str, to_path: str) -> str:
    """The relative link from the staged page ``from_page`` to the staged file ``to_path``."""
    return os.path.relpath(to_path, PurePosixPath(from_page).parent or ".").replace(os.sep, "/")


def with_note(markdown: str, note: str) -> str:
    """``markdown`` with ``note`` as a paragraph right after its first heading."""
    lines = markdown.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith("# "):
            return "".join([*lines[: i + 1], f"\n*{note}*\n", *lines[i + 1:]])
    return f"*{note}*\n\n{markdown}"


def toctree(caption: str, docnames: list[str]) -> str:
    if not docnames:
        return ""
    return "\n```{toctree}\n:hidden:\n:caption: " + caption + "\n\n" + "\n".join(docnames) + "\n```\n"


def home_page(markdown: str, edition: Edition, pages: list[Page]) -> str:
    """The README with the site's table of contents (hidden: the sidebar shows it)."""
    lessons = [p.docname for p in pages if p.is_lesson]
    others = [p.docname for p in pages if p.key.startswith("doc/") or p.key == "credits"]
    return (markdown.rstrip("\n") + "\n" + toctree(text(edition.code, "lessons"), lessons)
            + toctree(text(edition.code, "more"), others))


def when(stamp: str) -> str:
    """``2026-11-28T00:20:32+00:00`` -> ``2026-11-28 00:20 UTC``."""
    try:
        moment = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return str(stamp)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def binder_url(repository: str, branch: str, path: str) -> str:
    return f"https://mybinder.org/v2/gh/{repository}/{quote(branch)}?urlpath={quote('lab/tree/' + path)}"


def run_box(notebook: nbformat.NotebookNode, page: Page, edition: Edition, repository: str, branch: str) -> str:
    """The markdown of the "Run this lesson" box, with the machine the lesson ran on."""
    site = notebook.metadata.get("course_site", {})
    machine = site.get("machine", {})
    code = edition.code
    python = machine.get("build") or f"{machine.get('implementation', 'Python')} {machine.get('python', '?')}"
    where = f"{machine.get('system', '?')} {machine.get('machine', '')}".strip()
    if machine.get("cpu"):
        where += f" ({machine['cpu']})"
    executed = text(code, "executed", machine=where, cores=text(code, "cores", n=machine.get("usable_cores", "?")),
                    python=python, start_method=machine.get("start_method", "?"), date=when(site.get("executed")))
    return "\n".join([
        "````{admonition} " + text(code, "run_title"),
        ":class: course-run tip",
        "",
        text(code, "run_local", path=page.staged, readme=relative(page.staged, "index.md")),
        "",
        "```bash",
        f"make lab     # {text(code, 'cmd_lab')}",
        f"make test    # {text(code, 'cmd_test')}",
        "```",
        "",
        text(code, "run_binder", binder=binder_url(repository, branch, page.staged)),
        "````",
        "",
        "```{container} course-executed",
        executed,
        "```",
    ])


def still_cell(index: int, info: dict, image: str | None, stem: str, edition: Edition, srcdir: Path,
               page: Page) -> nbformat.NotebookNode:
    """The markdown cell after a widget: its still picture and caption (or the box for a screenshot)."""
    code = edition.code
    buttons = " + ".join(f"**{b}**" for b in info.get("pressed", [])) or "…"
    plain = " + ".join(info.get("pressed", [])) or "…"
    run_title = text(code, "run_title")
    if image:
        name = f"{STILLS}/{stem}-{index}.png"
        target = srcdir / PurePosixPath(page.staged).parent / name
        target.parent.mkdir(parents=True, exist_ok=True)
        data = base64.b64decode(image)
        if not target.is_file() or target.read_bytes() != data:
            target.write_bytes(data)
        source = "\n".join([
            f"```{{figure}} {name}", ":figclass: course-still", f":alt: {text(code, 'still_alt', buttons=plain)}", "",
            text(code, "still_caption", buttons=buttons, run_title=run_title), "```",
        ])
    else:  # no figure: coursesite.shots puts a screenshot of the rendered widget in this box
        source = "\n".join([f"```{{container}} course-still-shot course-still-shot-{index}",
                            text(code, "shot_caption", buttons=buttons, run_title=run_title), "```"])
    cell = nbformat.v4.new_markdown_cell(source)
    cell.id = f"course-site-widget-{index}"
    return cell


def folded_markdown(source: str, edition: Edition) -> str:
    """A hidden markdown cell (a solution's explanation) folded as solutions are: click to open.

    MyST renders the markdown between the two raw HTML pieces, so it keeps its formatting
    inside the ``<details>`` element.
    """
    summary = html.escape(text(edition.code, "explanation_show"))
    return "\n".join(["```{raw} html", f'<details class="course-solution-text"><summary>{summary}</summary>', "```",
                      "", source, "", "```{raw} html", "</details>", "```"])


def lesson_page(notebook: nbformat.NotebookNode, page: Page, edition: Edition, srcdir: Path,
                repository: str, branch: str) -> nbformat.NotebookNode:
    """The staged lesson: run box after the first cell, solutions folded, stills after widgets."""
    notebook = nbformat.from_dict(json.loads(json.dumps(notebook)))
    cells = []
    stills = 0
    stem = PurePosixPath(page.staged).stem
    for position, cell in enumerate(notebook.cells):
        tags = list(cell.metadata.get("tags", []))
        hidden = cell.metadata.get("jupyter", {}).get("source_hidden", False)
        if cell.cell_type == "code" and ("solution" in tags or hidden) and "hide-input" not in tags:
            cell.metadata["tags"] = [*tags, "hide-input"]
        if cell.cell_type == "markdown" and ("solution" in tags or hidden):
            cell.source = folded_markdown(cell.source, edition)
        added = []
        if cell.cell_type == "code":
            kept = []
            for output in cell.get("outputs", []):
                info = output.get("metadata", {}).get(STILL)
                if info is None:
                    kept.append(output)
                    continue
                stills += 1
                image = output.get("data", {}).get("image/png")
                added.append(still_cell(stills, info, image, stem, edition, srcdir, page))
            cell.outputs = kept
        cells.append(cell)
        cells.extend(added)
        if position == 0:
            box = nbformat.v4.new_markdown_cell(run_box(notebook, page, edition, repository, branch))
            box.id = "course-site-run"
            cells.append(box)
    notebook.cells = cells
    return notebook


def markdown_page(page: Page, edition: Edition, pages: list[Page]) -> str:
    markdown = page.source.read_text(encoding="utf-8")
    if not page.translated:
        markdown = with_note(markdown, text(edition.code, "untranslated"))
    if page.key == "index":
        markdown = home_page(markdown, edition, pages)
    return markdown


def remove_stale(srcdir: Path, keep: set[Path]) -> None:
    """Pages staged by an earlier build that this one no longer has (a shorter lesson list)."""
    linked = [srcdir / name for name in LINKED]
    for path in list(srcdir.rglob("*")):
        if any(link in path.parents for link in linked):
            continue
        if path.is_file() and path.suffix in {".md", ".ipynb"} and path not in keep:
            path.unlink()
