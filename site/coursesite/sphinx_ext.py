"""Sphinx extension for the course site: the language switch, and links that leave the site.

* Every page gets ``course_switch`` in its template context: the relative URL of
  the same page in the other edition (by page key; the other edition's home page
  when it has no twin), shown by ``_templates/lang-switch.html``.
* A markdown link to a file of the repository that is not a page of the site
  (``LICENSE``, ``helpers/``, ``tests/run_notebooks.py``) becomes a link to that
  file in the repository on GitHub; a link to a page staged under another name
  (``README.md`` is ``index``) or in the other edition becomes a link to that page.
  Without this, MyST would warn and leave a dead link.
"""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx

from coursesite.strings import text

SPECIAL = ("search", "genindex")  # Sphinx's own pages: every edition has them


def github_slug(title: str) -> str:
    """A heading's anchor as GitHub makes it, so the docs' ``#anchors`` written for GitHub work here."""
    return re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")


def _site(app: Sphinx) -> dict:
    if not hasattr(app, "_course_site"):
        app._course_site = json.loads(Path(app.config.course_site_file).read_text(encoding="utf-8"))
    return app._course_site


def twin_url(site: dict, edition: str, pagename: str) -> tuple[str, str] | None:
    """(other edition, relative URL of this page's twin there), or None with one edition."""
    others = [e for e in site["editions"] if e != edition]
    if not others:
        return None
    other = others[0]
    mine = site["editions"][edition]["pages"]
    theirs = site["editions"][other]["pages"]
    key = next((k for k, page in mine.items() if page["doc"] == pagename), None)
    if pagename in SPECIAL:
        target = pagename
    elif key is not None and key in theirs:
        target = theirs[key]["doc"]
    else:
        target = theirs["index"]["doc"]
    up = "../" * pagename.count("/")
    return other, f"{up}../{other}/{target}.html"


def add_switch(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    site = _site(app)
    edition = app.config.course_edition
    found = twin_url(site, edition, pagename)
    if found is None:
        context["course_switch"] = None
        return
    other, url = found
    context["course_switch"] = {
        "url": url,
        "lang": site["editions"][other]["html_lang"],
        "label": text(edition, "switch_label"),
        "title": text(edition, "switch_title"),
    }


def _repository_url(site: dict, path: str, is_dir: bool) -> str:
    kind = "tree" if is_dir else "blob"
    return f"https://github.com/{site['repository']}/{kind}/{site['branch']}/{path}"


def resolve_outside(site: dict, edition: str, docname: str, target: str) -> str | None:
    """Where a relative link from ``docname`` to ``target`` should go, if it leaves the staged tree."""
    path, _, anchor = target.partition("#")
    if not path or "://" in path or path.startswith(("mailto:", "/")):
        return None
    repo_path = posixpath.normpath(posixpath.join(posixpath.dirname(docname), path))
    if repo_path.startswith(".."):
        return None
    suffix = f"#{anchor}" if anchor else ""
    up = "../" * docname.count("/")
    ordered = sorted(site["editions"].items(), key=lambda item: item[0] != edition)  # this edition first
    for name, info in ordered:
        for page in info["pages"].values():
            if page["source"] == repo_path:
                if name == edition:
                    return f"{up}{page['doc']}.html{suffix}"
                return f"{up}../{name}/{page['doc']}.html{suffix}"
    course = Path(site["course"])
    if (course / repo_path).exists():
        return _repository_url(site, repo_path, (course / repo_path).is_dir()) + suffix
    return None


def rewrite_outside_links(app: Sphinx, doctree: nodes.document) -> None:
    site = _site(app)
    docname = app.env.docname
    for node in list(doctree.findall(addnodes.pending_xref)):
        if node.get("reftype") != "myst" or node.get("refdomain") not in (None, ""):
            continue
        url = resolve_outside(site, app.config.course_edition, docname, node["reftarget"])
        if url is None:
            continue
        reference = nodes.reference("", "", *node.children, refuri=url, internal="://" not in url)
        node.replace_self(reference)


def fix_chinese_stemmer(app: Sphinx, exception: Exception | None) -> None:
    """Sphinx 9.0's Chinese search names a JavaScript stemmer that does not exist.

    Its ``language_data.js`` ends with ``window.Stemmer = ChineseStemmer;`` while the
    code it ships is ``EnglishStemmer`` (Chinese search stems Latin words in English):
    the search page then fails with "ChineseStemmer is not defined". Sphinx issue
    #14229, fixed by pull request #14416 after 9.0; until the course can use that
    release, the built file is corrected here (and left alone once it is right).
    """
    if exception is not None or app.builder.format != "html":
        return
    data = Path(app.outdir) / "_static" / "language_data.js"
    if not data.is_file():
        return
    code = data.read_text(encoding="utf-8")
    if "window.Stemmer = ChineseStemmer;" in code and "ChineseStemmer=" not in code.replace(" ", ""):
        data.write_text(code.replace("window.Stemmer = ChineseStemmer;", "window.Stemmer = EnglishStemmer;"),
                        encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.add_config_value("course_edition", "en", "env")
    app.add_config_value("course_site_file", "", "env")
    app.connect("html-page-context", add_switch)
    app.connect("doctree-read", rewrite_outside_links)
    app.connect("build-finished", fix_chinese_stemmer)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
