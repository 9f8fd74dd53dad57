"""Where the course's folders are, from any lesson, in either language edition.

The English lessons live in ``notebooks/`` and the Chinese ones in
``notebooks/zh-CN/``, and they share every code cell; so no cell may say
``Path("..") / "images"``, which means a different folder in each. Cells say
``IMAGES`` instead.

The course's root is the nearest folder, from the kernel's working folder upwards,
that holds ``images/SOURCES.md`` (so a copy of the course, such as the one the
browser tests run, uses its own folders); failing that, the folder this package
was installed from.
"""

from __future__ import annotations

from pathlib import Path

MARKER = Path("images") / "SOURCES.md"


def find_root(start: Path | None = None) -> Path:
    """The course's root folder, as described in the module's docstring."""
    start = (Path.cwd() if start is None else start).resolve()
    for folder in (start, *start.parents):
        if (folder / MARKER).is_file():
            return folder
    return Path(__file__).resolve().parent.parent


ROOT = find_root()
IMAGES = ROOT / "images"
THUMBNAILS = ROOT / "thumbnails"  # git ignores it; delete it whenever you like
DOCS = ROOT / "docs"
