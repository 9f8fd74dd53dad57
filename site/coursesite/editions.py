"""The two editions of the course and the pages each one has on the site.

Every page has a language-neutral key (``index``, ``lesson/00_why_concurrency``,
``doc/INSTRUCTOR``, ``credits``); the language switch links a page to the page with
the same key in the other edition. Each edition's pages are staged at the same
paths they have in the repository (``notebooks/zh-CN/00_why_concurrency.ipynb``
stays there), so relative links written for GitHub keep working on the site, and
the Binder link of a page is simply its path.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LESSON_NAME = re.compile(r"^\d\d_\w+\.ipynb$")


@dataclass(frozen=True)
class Edition:
    """One language edition: where its sources live and how it is executed."""

    code: str  # the site folder and the language switch's key: "en", "zh-CN"
    course_lang: str  # COURSE_LANG for its kernels (helpers.i18n)
    sphinx_language: str  # Sphinx's language: its interface strings and search
    html_lang: str  # the <html lang> attribute
    notebooks: str  # folder of its lessons, relative to the course root
    readme: tuple[str, ...]  # candidates, first that exists wins
    docs: tuple[tuple[str, tuple[str, ...]], ...]  # (key, candidates): staged where found, so links hold


ENGLISH = Edition(
    code="en",
    course_lang="en",
    sphinx_language="en",
    html_lang="en",
    notebooks="notebooks",
    readme=("README.md",),
    docs=(
        ("doc/INSTRUCTOR", ("docs/INSTRUCTOR.md",)),
        ("doc/GLOSSARY", ("docs/GLOSSARY.md",)),
    ),
)
# Where issue 14 puts the Chinese guide and glossary is open: every likely place is
# tried, and the English text stands in (with a note) until one exists.
CHINESE = Edition(
    code="zh-CN",
    course_lang="zh_CN",
    sphinx_language="zh_CN",
    html_lang="zh-CN",
    notebooks="notebooks/zh-CN",
    readme=("README.zh-CN.md", "README.md"),
    docs=(
        ("doc/INSTRUCTOR", ("docs/zh-CN/INSTRUCTOR.md", "docs/INSTRUCTOR.zh-CN.md", "docs/INSTRUCTOR.md")),
        ("doc/GLOSSARY", ("docs/zh-CN/GLOSSARY.md", "docs/GLOSSARY.zh-CN.md", "docs/GLOSSARY.md")),
    ),
)
EDITIONS = {e.code: e for e in (ENGLISH, CHINESE)}


@dataclass(frozen=True)
class Page:
    """One page of one edition: its key, its source in the course, where it is staged."""

    key: str
    source: Path  # absolute path of the file it is made from
    staged: str  # path inside the edition's source folder, with suffix
    translated: bool = True  # False: the other language's text standing in

    @property
    def docname(self) -> str:
        """Sphinx's name for it: the staged path without its suffix."""
        return str(Path(self.staged).with_suffix("")).replace(os.sep, "/")

    @property
    def is_lesson(self) -> bool:
        return self.key.startswith("lesson/")


def first_existing(course: Path, candidates: tuple[str, ...]) -> str | None:
    return next((c for c in candidates if (course / c).is_file()), None)


def lesson_filter(spec: str | None) -> list[str] | None:
    """``"00 02"`` or ``"00,02"`` -> ``["00", "02"]``; empty means every lesson."""
    prefixes = [p for p in re.split(r"[\s,]+", spec or "") if p]
    return prefixes or None


def lessons(course: Path, edition: Edition, only: list[str] | None = None) -> list[Path]:
    """The edition's lesson notebooks, in order, optionally only those starting with a prefix."""
    folder = course / edition.notebooks
    found = sorted(p for p in folder.glob("*.ipynb") if LESSON_NAME.match(p.name))
    if only:
        found = [p for p in found if any(p.name.startswith(prefix) for prefix in only)]
    return found


def pages(course: Path, edition: Edition, only: list[str] | None = None) -> list[Page]:
    """Every page of the edition: the README as the home page, the lessons, the docs, the credits."""
    readme = first_existing(course, edition.readme)
    if readme is None:
        raise FileNotFoundError(f"{edition.code}: none of {', '.join(edition.readme)} exists in {course}")
    found = [Page("index", course / readme, "index.md", translated=readme == edition.readme[0])]
    for notebook in lessons(course, edition, only):
        staged = f"{edition.notebooks}/{notebook.name}"
        found.append(Page(f"lesson/{notebook.stem}", notebook, staged))
    for key, candidates in edition.docs:
        source = first_existing(course, candidates)
        if source is not None:
            found.append(Page(key, course / source, source, translated=source != candidates[-1] or edition is ENGLISH))
    credits = course / "images" / "SOURCES.md"
    if credits.is_file():
        found.append(Page("credits", credits, "images/SOURCES.md", translated=edition is ENGLISH))
    return found


def available(course: Path) -> list[Edition]:
    """English always; Chinese once the course has Chinese lessons (issue 14)."""
    editions = [ENGLISH]
    if lessons(course, CHINESE):
        editions.append(CHINESE)
    return editions


def chosen(course: Path, spec: str | None) -> list[Edition]:
    """The editions named in ``spec`` (``"en zh-CN"``), or every available one."""
    names = [n for n in re.split(r"[\s,]+", spec or "") if n]
    if not names:
        return available(course)
    unknown = [n for n in names if n not in EDITIONS]
    if unknown:
        raise ValueError(f"unknown edition(s) {unknown}: choose from {sorted(EDITIONS)}")
    return [EDITIONS[n] for n in names]
