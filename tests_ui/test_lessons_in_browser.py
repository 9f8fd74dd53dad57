"""Every lesson, opened in JupyterLab in a real browser: Run All, then every widget.

For each notebook: open it, Run All Cells, wait until the kernel is idle, save,
and fail if any cell raised or did not run. Then, for every widget that has a
button: move each of its sliders one step (ArrowRight on the handle), press each
of its buttons, and check that what the widget shows has changed.
"""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUN_ALL_TIMEOUT = 300  # seconds; a lesson takes well under a minute
# Every lesson of both editions (the Chinese one in a JupyterLab with Chinese menus, as
# `make lab-zh` starts it), and the Chinese edition's fixture until the lessons are translated.
ENGLISH = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "notebooks").glob("*.ipynb"))
CHINESE = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "notebooks" / "zh-CN").glob("*.ipynb"))
CHINESE += sorted(p.relative_to(ROOT).as_posix()
                  for p in (ROOT / "tests" / "fixtures" / "i18n" / "notebooks" / "zh-CN").glob("*.ipynb"))
MENUS = {"lab": ("Run", "Run All Cells"), "lab_zh": ("运行", "运行所有单元格")}


def kernels_idle(lab: dict) -> bool:
    with urllib.request.urlopen(f"{lab['url']}/api/kernels?token={lab['token']}", timeout=5) as answer:
        kernels = json.load(answer)
    return bool(kernels) and all(k["execution_state"] == "idle" for k in kernels)


def wait_until_idle(page, lab: dict, timeout: float) -> None:
    """Idle for a full second, and no cell showing [*]: the run is over."""
    deadline = time.monotonic() + timeout
    calm_since = None
    while time.monotonic() < deadline:
        running = page.locator(".jp-Notebook:visible .jp-InputPrompt", has_text="[*]").count()
        if running == 0 and kernels_idle(lab):
            calm_since = calm_since or time.monotonic()
            if time.monotonic() - calm_since > 1.0:
                return
        else:
            calm_since = None
        time.sleep(0.25)
    raise AssertionError(f"the kernel was still busy after {timeout} s")


def open_notebook(page, lab: dict, path: str) -> None:
    # ?reset: start from an empty workspace, not with the previous lessons' tabs restored
    page.goto(f"{lab['url']}/lab/tree/{path}?reset&token={lab['token']}")
    page.locator(".jp-Notebook:visible .jp-Cell").first.wait_for(timeout=90_000)
    deadline = time.monotonic() + 60
    while not kernels_idle(lab):  # wait for the kernel to start
        if time.monotonic() > deadline:
            raise AssertionError("the kernel did not start")
        time.sleep(0.25)


def run_all(page, menus: tuple[str, str] = MENUS["lab"]) -> None:
    run, run_all_cells = menus
    page.locator(".lm-MenuBar-itemLabel", has_text=run).first.click()
    page.locator(".lm-Menu-itemLabel", has_text=run_all_cells).first.click()


def saved_notebook(page, lab: dict, name: str) -> dict:
    page.locator(".jp-Notebook:visible").first.click()
    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")
    path = Path(lab["course"]) / name
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        notebook = json.loads(path.read_text())
        if any(c.get("outputs") for c in notebook["cells"] if c["cell_type"] == "code"):
            return notebook
        time.sleep(0.25)
    raise AssertionError("the executed notebook was not saved")


def errors_in(notebook: dict) -> list[str]:
    found = []
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code":
            continue
        if cell.get("execution_count") is None:
            found.append(f"cell {index} did not run")
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                found.append(f"cell {index} raised {output['ename']}: {output['evalue']}")
            if "missing from font" in "".join(output.get("text", "")):  # Chinese drawn as empty boxes
                found.append(f"cell {index} warned: {''.join(output['text']).strip()[:200]}")
    return found


def shown(area) -> str:
    """What a widget shows as a result: its Output areas, or else its progress bars and labels.

    The controls themselves are left out: a slider's own readout changes when it
    moves, whether or not its callback works.
    """
    results = area.locator(".widget-output")
    if results.count() == 0:
        results = area.locator(".widget-progress, .widget-label")
    return "".join(results.nth(i).inner_html() for i in range(results.count()))


def exercise_widgets(page, lab: dict) -> list[str]:
    """Move every slider, press every button; return the widgets whose display did not change."""
    areas = page.locator(".jp-Notebook:visible .jp-OutputArea-output:has(.widget-button)")
    unchanged = []
    for i in range(areas.count()):
        area = areas.nth(i)
        area.scroll_into_view_if_needed()
        before = shown(area)
        handles = area.locator(".widget-slider .noUi-handle")
        for h in range(handles.count()):
            handles.nth(h).focus()
            handles.nth(h).press("ArrowRight")
        buttons = area.locator("button.widget-button")
        labels = [buttons.nth(b).inner_text() for b in range(buttons.count())]
        for b in range(buttons.count()):
            buttons.nth(b).click()
            wait_until_idle(page, lab, timeout=120)
        time.sleep(0.5)  # let the last display messages render
        after = shown(area)
        if after == before:
            unchanged.append(f"widget {i} (buttons {labels})")
        if "failed:" in area.inner_text():
            unchanged.append(f"widget {i} reported: {area.inner_text()[:200]}")
    return unchanged


@pytest.fixture
def page(browser, request, server):
    lab = request.getfixturevalue(server)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    request.node.page = page  # the failure hook takes its screenshot before this fixture ends
    yield page
    page.close()
    shutdown_kernels(lab)


@pytest.mark.parametrize(("server", "path"), [("lab", p) for p in ENGLISH] + [("lab_zh", p) for p in CHINESE],
                         ids=lambda value: value.removeprefix("notebooks/") if value.endswith(".ipynb") else value)
def test_lesson_runs_and_its_widgets_respond(request, page, server, path):
    lab = request.getfixturevalue(server)
    open_notebook(page, lab, path)
    run_all(page, MENUS[server])
    wait_until_idle(page, lab, RUN_ALL_TIMEOUT)
    assert errors_in(saved_notebook(page, lab, path)) == []
    assert exercise_widgets(page, lab) == []
    if server == "lab_zh":  # JupyterLab's own menus are in Chinese too
        assert "文件" in page.locator(".lm-MenuBar-content").inner_text()


def shutdown_kernels(lab: dict) -> None:
    """One lesson's kernel must not outlive its test."""
    with urllib.request.urlopen(f"{lab['url']}/api/kernels?token={lab['token']}", timeout=5) as answer:
        kernels = json.load(answer)
    for kernel in kernels:
        stop = urllib.request.Request(f"{lab['url']}/api/kernels/{kernel['id']}?token={lab['token']}",
                                      method="DELETE")
        urllib.request.urlopen(stop, timeout=30).close()
