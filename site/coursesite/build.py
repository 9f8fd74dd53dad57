"""Build the course site: ``python -m coursesite.build`` (``make site`` runs it).

1. Fetch the pinned JavaScript from the npm registry (``coursesite.vendor``): the
   only step that uses the network.
2. Everything after runs, when the machine allows it, in a network namespace of its
   own with only the loopback interface (``coursesite.offline``): executing the
   lessons and running Sphinx and its theme provably fetch nothing from any site.
3. For each edition: stage its pages, execute each lesson (or take it from the
   cache), render with Sphinx into ``OUT/<edition>/``; then a landing page
   ``OUT/index.html`` that links the editions.

Options (and the environment variables ``make site`` passes): ``--lessons "00 02"``
(``SITE_LESSONS``) builds only those lessons, for quick work; ``--editions "en"``
(``SITE_EDITIONS``) only those editions (default: English, and Chinese when the
course has Chinese lessons); ``--repository owner/name`` (``SITE_REPOSITORY``) is
the GitHub repository the Binder and source links point to (default: the
checkout's ``origin`` remote, when it is on GitHub).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat

from coursesite import editions as ed
from coursesite import execute, offline, shots, stage
from coursesite.strings import text
from coursesite.vendor import vendor

SITE = Path(__file__).resolve().parents[1]
WORK = SITE / "_build"
# Where the Binder and source links point when neither SITE_REPOSITORY nor a GitHub "origin" says.
DEFAULT_REPOSITORY = "python-concurrency-hands-on/course"
GITHUB_REMOTE = re.compile(r"github\.com[:/](?P<name>[\w.-]+/[\w.-]+?)(?:\.git)?/?$")


def repository_from_git(course: Path) -> str | None:
    """``owner/name`` of the checkout's ``origin`` remote, when it is on GitHub."""
    try:
        url = subprocess.run(["git", "-C", str(course), "remote", "get-url", "origin"], capture_output=True,
                             text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = GITHUB_REMOTE.search(url)
    return match.group("name") if match else None


def title(course: Path, edition: ed.Edition) -> str:
    """The edition's title: its README's first heading (the site's default if it has none)."""
    readme = ed.first_existing(course, edition.readme)
    if readme is not None:
        for line in (course / readme).read_text(encoding="utf-8").splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    return text(edition.code, "landing_title")


def site_description(course: Path, chosen: list[ed.Edition], only: list[str] | None, repository: str,
                     branch: str, static: Path) -> dict:
    """What conf.py and the extension need: every edition's pages, the repository, the vendor folder."""
    return {
        "course": str(course),
        "repository": repository,
        "branch": branch,
        "vendor": str(static),
        "lessons": only or [],  # a partial build (--lessons) says so
        "editions": {
            e.code: {
                "title": title(course, e),
                "html_lang": e.html_lang,
                "sphinx_language": e.sphinx_language,
                "course_lang": e.course_lang,
                "pages": {
                    p.key: {"doc": p.docname, "source": p.source.relative_to(course).as_posix(),
                            "staged": p.staged, "translated": p.translated}
                    for p in ed.pages(course, e, only)
                },
            }
            for e in chosen
        },
    }


def stage_edition(course: Path, edition: ed.Edition, only: list[str] | None, work: Path, repository: str,
                  branch: str, executed: dict[str, dict]) -> Path:
    """Stage one edition's pages, executing its lessons (or taking them from the cache).

    ``executed`` receives, for each lesson's key, how and where it ran and how many figures it has.
    """
    srcdir = work / "src" / edition.code
    stage.prepare(course, srcdir)
    cache = execute.Cache(work / "cache", course)
    pages = ed.pages(course, edition, only)
    keep = set()
    for page in pages:
        target = srcdir / page.staged
        keep.add(target)
        if page.is_lesson:
            target.parent.mkdir(parents=True, exist_ok=True)
            done = cache.executed(page.source, edition.code, edition.course_lang, cwd=target.parent)
            how = "from the cache" if done.cached else f"executed in {done.seconds:.1f} s"
            print(f"{edition.code} {page.source.name}: {how}", flush=True)
            executed[page.key] = dict(done.notebook.metadata.get("course_site", {}), figures=sum(
                "image/png" in o.get("data", {}) for c in done.notebook.cells for o in c.get("outputs", [])))
            merged = execute.merge(nbformat.read(page.source, as_version=4), done.notebook)
            staged = stage.lesson_page(merged, page, edition, srcdir, repository, branch)
            stage.write_if_changed(target, nbformat.writes(staged) + "\n")
        else:
            stage.write_if_changed(target, stage.markdown_page(page, edition, pages))
    stage.remove_stale(srcdir, keep)
    return srcdir


def sphinx(edition: ed.Edition, srcdir: Path, out: Path, work: Path, site_file: Path, pages: list[str]) -> None:
    """Render one edition into ``out/<edition>``; from scratch when its set of pages changed.

    Sphinx never deletes the page of a document that is gone (a lesson left out by
    ``--lessons``, a renamed lesson): a site built for fewer pages starts afresh.
    """
    record = work / f"pages-{edition.code}.json"
    if not record.is_file() or json.loads(record.read_text()) != pages:
        shutil.rmtree(out / edition.code, ignore_errors=True)
        shutil.rmtree(work / "doctrees" / edition.code, ignore_errors=True)
    env = dict(os.environ, COURSE_SITE_EDITION=edition.code, COURSE_SITE_FILE=str(site_file),
               PYTHONPATH=os.pathsep.join(filter(None, [str(SITE), os.environ.get("PYTHONPATH")])))
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "--keep-going", "-c", str(SITE),
               "-d", str(work / "doctrees" / edition.code), str(srcdir), str(out / edition.code)]
    subprocess.run(command, env=env, check=True)
    record.write_text(json.dumps(pages))


def landing_page(site: dict) -> str:
    """``index.html`` at the site's root: each edition's title, a link to it (straight to it if alone)."""
    first = next(iter(site["editions"]))
    refresh = f'<meta http-equiv="refresh" content="0; url={first}/index.html">' if len(site["editions"]) == 1 else ""
    links = "\n".join(
        f'  <li lang="{info["html_lang"]}"><a href="{code}/index.html" hreflang="{info["html_lang"]}">'
        f'{html.escape(info["title"])}</a> ({code})</li>'
        for code, info in site["editions"].items())
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(" · ".join(info["title"] for info in site["editions"].values()))}</title>
{refresh}
<style>body {{ font-family: system-ui, "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
margin: 3em auto; max-width: 40em; }}</style>
</head>
<body>
<ul>
{links}
</ul>
</body>
</html>
"""


def build(args: argparse.Namespace) -> int:
    started = time.monotonic()
    course, work, out = args.course.resolve(), args.work.resolve(), args.out.resolve()
    args.repository = args.repository or repository_from_git(course) or DEFAULT_REPOSITORY
    chosen = ed.chosen(course, args.editions)
    only = ed.lesson_filter(args.lessons)
    static = vendor(args.downloads.resolve(), work / "static")  # the network, for the last time

    if args.isolate and not offline.isolated():
        code = offline.rerun_isolated(["-m", "coursesite.build", *args.argv])
        if code is not None:
            return code
    elif offline.isolated():
        offline.loopback_up()

    site = site_description(course, chosen, only, args.repository, args.branch, static)
    site_file = work / "site.json"
    site_file.parent.mkdir(parents=True, exist_ok=True)
    site_file.write_text(json.dumps(site, indent=1, ensure_ascii=False))
    for edition in chosen:
        begun = time.monotonic()
        executed: dict[str, dict] = {}
        srcdir = stage_edition(course, edition, only, work, args.repository, args.branch, executed)
        for key, record in executed.items():
            site["editions"][edition.code]["pages"][key]["executed"] = record
        pages = site["editions"][edition.code]["pages"]
        sphinx(edition, srcdir, out, work, site_file, sorted(p["doc"] for p in pages.values()))
        lessons = [f"{p['doc']}.html" for k, p in pages.items() if k.startswith("lesson/")]
        shots.capture(out / edition.code, lessons, text(edition.code, "shot_alt"))
        print(f"{edition.code}: built in {time.monotonic() - begun:.0f} s", flush=True)
    for stale in out.iterdir() if out.is_dir() else ():
        if stale.is_dir() and stale.name in ed.EDITIONS and stale.name not in site["editions"]:
            shutil.rmtree(stale)  # an edition an earlier build had
    shutil.rmtree(out / "jupyter_execute", ignore_errors=True)  # MyST-NB's scratch folder, beside the editions
    (out / "index.html").write_text(landing_page(site), encoding="utf-8")
    (out / ".nojekyll").write_text("")  # GitHub Pages: serve _static/ and _images/ as they are
    # What the site tests read: every page, and where and when each lesson ran.
    public = {k: v for k, v in site.items() if k not in ("vendor", "course")}
    (out / "site.json").write_text(json.dumps(public, indent=1, ensure_ascii=False))
    print(f"site built in {out} in {time.monotonic() - started:.0f} s", flush=True)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--course", type=Path, default=ed.ROOT, help="the course's root folder (default: this checkout)")
    p.add_argument("--work", type=Path, default=WORK, help="staging, cache and downloads (default: site/_build)")
    p.add_argument("--out", type=Path, default=WORK / "html", help="the site (default: site/_build/html)")
    p.add_argument("--downloads", type=Path, default=WORK / "npm", help="npm tarballs (default: site/_build/npm)")
    p.add_argument("--lessons", default=os.environ.get("SITE_LESSONS", ""), help='e.g. "00 02"; default: all')
    p.add_argument("--editions", default=os.environ.get("SITE_EDITIONS", ""), help='e.g. "en"; default: all')
    p.add_argument("--repository", default=os.environ.get("SITE_REPOSITORY"),
                   help="owner/name on GitHub (default: the origin remote's, if on GitHub)")
    p.add_argument("--branch", default=os.environ.get("SITE_BRANCH") or "main")
    p.add_argument("--no-isolate", dest="isolate", action="store_false",
                   help="do not run the build in a network namespace")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parser().parse_args(argv)
    args.argv = argv
    try:
        return build(args)
    except (execute.ExecutionFailed, subprocess.CalledProcessError, FileNotFoundError, ValueError,
            RuntimeError) as exc:
        print(f"site build failed: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
