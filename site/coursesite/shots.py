"""Still pictures of the widgets that draw no figure, taken from the built page.

Most widgets draw a figure when their button is pressed, and that figure is their
still picture (``coursesite.stage``). A widget whose result is its own controls
(lesson 00's progress bar and click counter) has none: for it the staging leaves
a captioned box, and after Sphinx has written the page, this module opens the
page from disk in headless Chromium (the same browser the tests use, with the
network off), waits until the widget has rendered from its saved state, and
puts a screenshot of it in the box. The picture is remade whenever Sphinx rewrites
the page, so it always shows the state saved by this build.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root, for tools/
# The browser both test suites launch, launched the same way.
from tools.browser import CHROMIUM
from tools.browser import CHROMIUM_ARGS as ARGS

BOX = re.compile(r'<div class="course-still-shot course-still-shot-(\d+) docutils container">\n(?!<img)')
# The widget's own extent: the union of its visible leaves (its boxes are as wide as the page).
EXTENT = """(index) => {
  const box = document.querySelector(`.course-still-shot-${index}`);
  const widget = [...box.previousElementSibling.querySelectorAll(".widget-subarea")].pop();
  const rects = [...widget.querySelectorAll("*")].filter(e => e.children.length === 0)
    .map(e => e.getBoundingClientRect()).filter(r => r.width > 0 && r.height > 0);
  const left = Math.min(...rects.map(r => r.left)), top = Math.min(...rects.map(r => r.top));
  const right = Math.max(...rects.map(r => r.right)), bottom = Math.max(...rects.map(r => r.bottom));
  return { x: left + window.scrollX - 4, y: top + window.scrollY - 4,
           width: right - left + 8, height: bottom - top + 8 };
}"""
RENDERED = """(index) => {
  const box = document.querySelector(`.course-still-shot-${index}`);
  const cell = box && box.previousElementSibling;
  const widget = cell && [...cell.querySelectorAll(".widget-subarea")].pop();
  return Boolean(widget && widget.querySelector(".jupyter-widgets"));
}"""


def pending(html: str) -> list[int]:
    """The still boxes of a page that have no picture yet."""
    return [int(n) for n in BOX.findall(html)]


def with_picture(html: str, index: int, src: str, alt: str, width: int | None = None) -> str:
    """``html`` with the picture ``src`` (shown ``width`` CSS pixels wide) at the top of still box ``index``."""
    size = f' width="{width}"' if width else ""

    def insert(match: re.Match) -> str:
        return match.group(0) + f'<img class="course-still-img" src="{src}" alt="{alt}"{size} />\n'

    pattern = re.compile(rf'<div class="course-still-shot course-still-shot-{index} docutils container">\n(?!<img)')
    return pattern.sub(insert, html, count=1)


def capture(folder: Path, pages: list[str], alt: str) -> int:
    """Fill every pending still box of ``pages`` (paths under ``folder``); return how many."""
    todo = {page: pending((folder / page).read_text(encoding="utf-8")) for page in pages}
    todo = {page: boxes for page, boxes in todo.items() if boxes}
    if not todo:
        return 0
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"widget stills need Chromium at {CHROMIUM} (make chromium installs it)")
    from playwright.sync_api import sync_playwright

    images = folder / "_images"
    images.mkdir(exist_ok=True)
    taken = 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            context = browser.new_context(offline=True, viewport={"width": 1100, "height": 900},
                                          device_scale_factor=2)  # sharp on high-density screens
            for page_path, boxes in todo.items():
                page = context.new_page()
                page.goto((folder / page_path).resolve().as_uri(), wait_until="load")
                html = (folder / page_path).read_text(encoding="utf-8")
                stem = Path(page_path).stem
                for index in boxes:
                    page.wait_for_function(RENDERED, arg=index, timeout=60_000)
                    extent = page.evaluate(EXTENT, index)
                    name = f"{stem}-widget-{index}.png"
                    page.screenshot(path=str(images / name), clip=extent, full_page=True, animations="disabled")
                    src = os.path.relpath(images / name, (folder / page_path).parent).replace(os.sep, "/")
                    html = with_picture(html, index, src, alt, round(extent["width"]))
                    taken += 1
                (folder / page_path).write_text(html, encoding="utf-8")
                page.close()
        finally:
            browser.close()
    return taken
