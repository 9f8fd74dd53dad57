"""The course site, served on 127.0.0.1 and opened in Debian's Chromium by Playwright.

Two sites are tested. The real one, which ``make site`` built into
``site/_build/html``, page by page; and a fixture course in both languages
(``fixture_course.py``) that this session builds in under a minute, so that the
Chinese machinery (language chosen from outside the code, CJK fonts, the switch
between twins) is proven on every run, before and after the real Chinese
edition exists. Each server is a ``python -m http.server`` child on a free port,
stopped by its PID; screenshots and server logs go to ``test-artifacts/``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from tools.browser import chromium, free_port

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "site"), str(Path(__file__).resolve().parent)]

import fixture_course  # noqa: E402
from site_checks import Site, manifest  # noqa: E402

# The site under test and the course it was built from: `make site`'s, unless told otherwise
# (SITE_DIR and SITE_COURSE, for a site built with --out and --course).
BUILT = Path(os.environ.get("SITE_DIR") or ROOT / "site" / "_build" / "html")
COURSE = Path(os.environ.get("SITE_COURSE") or ROOT)
ARTIFACTS = ROOT / "test-artifacts"



@contextmanager
def serve(folder: Path, log_name: str):
    """Serve ``folder`` on 127.0.0.1; yield its address; stop the server by its PID."""
    ARTIFACTS.mkdir(exist_ok=True)
    port = free_port()
    with (ARTIFACTS / log_name).open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)],
            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/site.json", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server for {folder} did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def built_site():
    if not (BUILT / "site.json").is_file():
        pytest.fail(f"no site in {BUILT}: run `make site` first")
    with serve(BUILT, "site-server.log") as url:
        yield Site(url, BUILT, manifest(BUILT))


@pytest.fixture(scope="session")
def fixture_build(tmp_path_factory):
    """The fixture course, built twice: the second build must take every lesson from the cache."""
    root = tmp_path_factory.mktemp("fixture-site")
    course = fixture_course.make(root / "course")
    command = [sys.executable, "-m", "coursesite.build", "--course", str(course), "--work", str(root / "work"),
               "--out", str(root / "html"), "--downloads", str(ROOT / "site" / "_build" / "npm"),
               "--repository", "example/fixture-course"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SITE_")}
    logs = []
    for _ in range(2):
        done = subprocess.run(command, cwd=ROOT / "site", env=env, capture_output=True, text=True, timeout=900)
        logs.append(done.stdout + done.stderr)
        if done.returncode != 0:
            pytest.fail(f"the fixture site did not build:\n{logs[-1][-4000:]}")
    return root, logs


@pytest.fixture(scope="session")
def fixture_site(fixture_build):
    root, _ = fixture_build
    with serve(root / "html", "fixture-server.log") as url:
        yield Site(url, root / "html", manifest(root / "html"))


@pytest.fixture(scope="session")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    yield context
    context.close()
