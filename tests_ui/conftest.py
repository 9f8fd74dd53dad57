"""A real JupyterLab, driven by Playwright in Debian's Chromium.

The server runs on 127.0.0.1 on a free port, with a private HOME, a random token
and a copy of the course (so executed notebooks are saved there, never in the
repository). It is stopped by its PID at the end. On failure a test saves a
screenshot in ``test-artifacts/`` and the server log is printed.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tools.browser import chromium, free_port

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"



@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    yield from serve_course(tmp_path_factory, "jupyter-server.log")


# The Chinese edition as `make lab-zh` starts it: JupyterLab's own menus in Chinese.
CHINESE_INTERFACE = ["--LabApp.app_settings_dir=" + str(ROOT / "tools" / "jupyterlab-zh-CN")]


@pytest.fixture(scope="session")
def lab_zh(tmp_path_factory):
    yield from serve_course(tmp_path_factory, "jupyter-server-zh-CN.log", *CHINESE_INTERFACE)


def serve_course(tmp_path_factory, log_name: str, *options: str):
    home = tmp_path_factory.mktemp("home")
    course = tmp_path_factory.mktemp("course")
    for name in ("notebooks", "images", "docs", "tests/fixtures/i18n"):
        shutil.copytree(ROOT / name, course / name)
    settings = home / ".jupyter" / "lab" / "user-settings" / "@jupyterlab"
    (settings / "notebook-extension").mkdir(parents=True)
    # Render every cell (no virtual scrolling), so the page holds every output.
    (settings / "notebook-extension" / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    (settings / "apputils-extension").mkdir(parents=True)
    (settings / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / log_name
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ, HOME=str(home), JUPYTER_CONFIG_DIR=str(home / ".jupyter"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"))
    env.pop("COURSE_LANG", None)  # each lesson speaks its folder's language
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={course}", *options]
    if os.geteuid() == 0:
        command.append("--allow-root")
    with log_path.open("w") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=course)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("JupyterLab did not start:\n" + log_path.read_text()[-3000:])
            time.sleep(0.5)
        yield {"url": url, "token": token, "course": course, "log": log_path}
    finally:
        server.terminate()  # by its PID: it is our own child
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def browser():
    with chromium() as launched:
        yield launched


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        page = getattr(item, "page", None)
        if page is not None:
            shot = ARTIFACTS / f"{item.name}.png".replace("/", "_")
            page.screenshot(path=str(shot), full_page=True)
            report.sections.append(("screenshot", str(shot)))
        for log in sorted(ARTIFACTS.glob("jupyter-server*.log")):
            report.sections.append((f"{log.name} (last 3000 characters)", log.read_text()[-3000:]))
