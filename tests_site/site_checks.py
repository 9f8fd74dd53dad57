"""What every page of the site must show, checked in a real browser; and the links between pages.

``open_page`` loads a page with every request to a host other than the local
server aborted and recorded, so a page that needs the network shows up as a
failure (and must still render completely without it). ``page_problems`` then
lists, in words, everything a reader must not meet on it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

WIDGET_VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]'
SKIPPED_FOLDERS = {"_static", "_sources", "_images", "_downloads"}
# A platform font that can draw Chinese: what Chromium reports using for Chinese text.
CJK_FONT = re.compile(r"CJK|Han Sans|Han Serif|Hei|YaHei|PingFang|WenQuanYi|Song|Kai|Ming|Gothic|Noto Sans SC", re.I)


@dataclass
class Site:
    """A built site being served: its address, its folder, and its manifest (site.json)."""

    url: str
    folder: Path
    manifest: dict

    @property
    def editions(self) -> list[str]:
        return list(self.manifest["editions"])

    def lessons(self, edition: str) -> dict[str, dict]:
        return {k: p for k, p in self.manifest["editions"][edition]["pages"].items() if k.startswith("lesson/")}

    def kind(self, path: str) -> tuple[str | None, str | None]:
        """(edition, page key) of the page at ``path`` (``en/notebooks/00_x.html``)."""
        edition, _, rest = path.partition("/")
        pages = self.manifest["editions"].get(edition, {}).get("pages", {})
        key = next((k for k, p in pages.items() if f"{p['doc']}.html" == rest), None)
        return (edition if edition in self.manifest["editions"] else None), key


def html_pages(folder: Path) -> list[str]:
    """Every page of a built site, as paths relative to it (Sphinx's own folders left out)."""
    found = []
    for path in sorted(folder.rglob("*.html")):
        relative = path.relative_to(folder)
        if SKIPPED_FOLDERS.isdisjoint(relative.parts):
            found.append(relative.as_posix())
    return found


@dataclass
class Watch:
    """What the browser saw while loading a page."""

    outside: list[str] = field(default_factory=list)  # requests to another host (aborted)
    broken: list[str] = field(default_factory=list)  # local requests that failed or answered >= 400
    errors: list[str] = field(default_factory=list)  # uncaught JavaScript errors


SETTLED = """() => {
  const views = [...document.querySelectorAll('SCRIPT')];
  const widgets = views.every(s => s.parentElement.querySelector(".widget-subarea .jupyter-widgets"));
  const maths = [...document.querySelectorAll(".math")];
  const math = maths.every(m => m.querySelector("mjx-container"));
  const images = [...document.images].every(i => i.complete);
  return widgets && math && images && document.readyState === "complete";
}""".replace("SCRIPT", WIDGET_VIEW.replace('"', '\\"'))


def open_page(context, site: Site, path: str, *, settle_ms: int = 30_000):
    """Load ``path`` from ``site``; only the local server is reachable. Returns (page, Watch)."""
    page = context.new_page()
    watch = Watch()
    host = urlparse(site.url).netloc

    def route(request_route) -> None:
        url = urlparse(request_route.request.url)
        if url.netloc == host or url.scheme in ("data", "blob", "about"):
            request_route.continue_()
        else:
            watch.outside.append(request_route.request.url)
            request_route.abort()

    page.route("**/*", route)
    page.on("response", lambda r: watch.broken.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("requestfailed", lambda r: watch.broken.append(f"{r.url}: {r.failure}")
            if urlparse(r.url).netloc == host else None)
    page.on("pageerror", lambda e: watch.errors.append(str(e)))
    page.goto(f"{site.url}/{path}", wait_until="load")
    try:
        page.wait_for_function(SETTLED, timeout=settle_ms)
    except Exception:
        watch.errors.append(f"widgets, formulas or images still not rendered after {settle_ms / 1000:.0f} s")
    page.evaluate("document.fonts.ready.then(() => true)")
    return page, watch


FACTS = """() => {
  const all = (s) => [...document.querySelectorAll(s)];
  const text = (e) => e.innerText || e.textContent || "";
  const outputs = all(".cell_output, .widget-output, .jp-OutputArea-output");
  const stderr = all(".cell_output .output.stderr").map(text);
  return {
    lang: document.documentElement.lang,
    views: all('SCRIPT').length,
    rendered: all('SCRIPT').filter(s => s.parentElement.querySelector(".widget-subarea .jupyter-widgets")).length,
    figures: all(".cell_output img").filter(i => !i.closest("figure.course-still") && i.naturalWidth > 0).length,
    brokenImages: all("img").filter(i => i.complete && i.naturalWidth === 0).map(i => i.getAttribute("src")),
    errorOutputs: all(".cell_output .output.traceback, .cell_output .output.error").length,
    tracebacks: outputs.filter(o => text(o).includes("Traceback (most recent call last)")).length,
    stderrErrors: stderr.filter(t => /^\\s*[\\w.]*(Error|Exception|Warning)\\b[^\\n]*:/m.test(t))
      .map(t => t.slice(0, 200)),
    widgetFailures: all(".widget-output").map(text).filter(t => /^\\s*failed: /.test(t)).map(t => t.slice(0, 200)),
    glyphWarnings: outputs.map(text).filter(t => t.includes("missing from font")).length,
    math: all(".math").length,
    typeset: all(".math mjx-container").length,
    executed: all(".course-executed").map(text),
    binder: all('a[href^="https://mybinder.org/v2/gh/"]').map(a => a.href),
    runBox: all(".course-run").length,
    switches: all("a.course-lang-switch").map(a => a.href),
    solutions: all("details.hide.above-input").length,
    solutionsOpen: all("details.hide.above-input[open]").length,
    stillBoxes: all("figure.course-still, .course-still-shot").length,
    stills: all("figure.course-still img, .course-still-shot img").filter(i => i.naturalWidth > 0).length,
    buttons: all(".widget-subarea button.widget-button").length,
  };
}""".replace("SCRIPT", WIDGET_VIEW.replace('"', '\\"'))

# Draws each character beyond ASCII that the page shows (Chinese, symbols, emoji), in
# the font its element uses, and compares it with a character no font has: identical
# pixels mean the reader sees a missing-glyph box.
TOFU = """() => {
  const shown = (c) => { const p = c.codePointAt(0);
    return p > 0x7F && !(p >= 0xE000 && p <= 0xF8FF) && !/[\\p{M}\\p{Cf}\\p{Z}\\p{Cc}]/u.test(c); };
  const groups = new Map();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || el.closest("script, style") || el.getClientRects().length === 0) continue;
    const chars = [...node.data].filter(shown);
    if (!chars.length) continue;
    const cs = getComputedStyle(el);
    const font = `${cs.fontStyle} ${cs.fontWeight} 40px ${cs.fontFamily}`;
    if (!groups.has(font)) groups.set(font, new Set());
    chars.forEach(c => groups.get(font).add(c));
  }
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 56;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  const draw = (font, c) => { ctx.clearRect(0, 0, 56, 56); ctx.font = font; ctx.fillText(c, 4, 44);
    return ctx.getImageData(0, 0, 56, 56).data.join(","); };
  const missing = new Set();
  let checked = 0;
  for (const [font, chars] of groups) {
    const box = draw(font, "\\u{10FFFD}");
    for (const c of chars) { checked++; if (draw(font, c) === box) missing.add(c); }
  }
  return { checked, missing: [...missing].slice(0, 40) };
}"""


def cjk_fonts_used(context, page) -> list[str]:
    """The platform fonts Chromium uses for the first Chinese heading or paragraph."""
    marked = page.evaluate("""() => {
      const el = [...document.querySelectorAll("h1, h2, p, li")].find(e => /[\\u4e00-\\u9fff]/.test(e.textContent));
      if (!el) return false;
      el.setAttribute("data-cjk-probe", "1");
      return true;
    }""")
    if not marked:
        return []
    cdp = context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "[data-cjk-probe]"})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()
    return [f["familyName"] for f in fonts if f.get("glyphCount", 0) > 0]


def page_problems(context, site: Site, path: str) -> list[str]:
    """Everything wrong with one page, in words (an empty list: the page is right)."""
    page, watch = open_page(context, site, path)
    try:
        facts = page.evaluate(FACTS)
        edition, key = site.kind(path)
        problems = [f"requested from another host: {u}" for u in watch.outside]
        problems += [f"broken local request: {b}" for b in watch.broken]
        problems += [f"JavaScript error: {e}" for e in watch.errors]
        problems += [f"image not shown: {src}" for src in facts["brokenImages"]]
        if facts["errorOutputs"] or facts["tracebacks"]:
            problems.append(f"{facts['errorOutputs']} error output(s), {facts['tracebacks']} traceback(s)")
        problems += [f"error on stderr: {t}" for t in facts["stderrErrors"]]
        problems += [f"widget failed: {t}" for t in facts["widgetFailures"]]
        if facts["glyphWarnings"]:
            problems.append("an output reports glyphs missing from a font")
        if facts["rendered"] < facts["views"]:
            problems.append(f"only {facts['rendered']} of {facts['views']} widgets rendered")
        if facts["typeset"] < facts["math"]:
            problems.append(f"only {facts['typeset']} of {facts['math']} formulas typeset")
        if edition is not None and len(site.editions) > 1 and path != "index.html" and not facts["switches"]:
            problems.append("no language switch")
        if key is not None and key.startswith("lesson/"):
            problems += lesson_problems(site, edition, key, facts)
        tofu = page.evaluate(TOFU)
        if tofu["missing"]:
            problems.append(f"missing-glyph boxes for {''.join(tofu['missing'])!r}")
        if edition is not None and site.manifest["editions"][edition]["html_lang"].startswith("zh"):
            problems += chinese_problems(context, page)
        return problems
    finally:
        page.close()


def lesson_problems(site: Site, edition: str, key: str, facts: dict) -> list[str]:
    info = site.manifest["editions"][edition]["pages"][key]
    problems = []
    if facts["figures"] == 0:
        problems.append("no rendered figure")
    machine = info.get("executed", {}).get("machine", {})
    shown = " ".join(facts["executed"])
    if not shown or machine.get("python", "?") not in shown or info["executed"]["executed"][:10] not in shown:
        problems.append(f"the machine, Python and date it ran on are not shown (shown: {shown[:200]!r})")
    if not facts["runBox"]:
        problems.append("no 'run this lesson' box")
    if not any(info["staged"] in unquote(url) for url in facts["binder"]):
        problems.append(f"no Binder link to {info['staged']}")
    if facts["solutionsOpen"]:
        problems.append(f"{facts['solutionsOpen']} solution(s) shown open")
    if facts["stills"] < facts["stillBoxes"]:
        problems.append(f"only {facts['stills']} of {facts['stillBoxes']} widget stills show a picture")
    if facts["buttons"] and not facts["stillBoxes"]:
        problems.append("widgets with buttons but no still picture")
    if len(site.editions) > 1:
        others = [e for e in site.editions if e != edition]
        twin = site.manifest["editions"][others[0]]["pages"].get(key)
        if twin is None:
            problems.append(f"no {others[0]} twin")
        elif not any(s.endswith(f"/{others[0]}/{twin['doc']}.html") for s in facts["switches"]):
            problems.append(f"the language switch does not lead to the {others[0]} twin: {facts['switches']}")
    return problems


def chinese_problems(context, page) -> list[str]:
    problems = []
    fonts = cjk_fonts_used(context, page)
    if fonts and not any(CJK_FONT.search(f) for f in fonts):
        problems.append(f"Chinese text drawn without a CJK font (fonts used: {fonts})")
    return problems


def open_solution(context, site: Site, path: str) -> tuple[bool, bool]:
    """(hidden at first, visible after a click) for the first hidden solution of a page."""
    page, _ = open_page(context, site, path)
    try:
        details = page.locator("details.hide.above-input").first
        code = details.locator(".cell_input")
        hidden = not code.is_visible()
        details.locator("summary").click()
        return hidden, code.is_visible()
    finally:
        page.close()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("id", "name"):
            if values.get(name):
                self.ids.add(values[name])
        for name in ("href", "src"):
            if values.get(name) and not (tag == "link" and values.get("rel") in ("preconnect", "dns-prefetch")):
                self.links.append(values[name])


def parsed(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return parser


def broken_links(folder: Path) -> list[str]:
    """Every link or resource of every page that points inside the site but to nothing there."""
    cache: dict[Path, _Links] = {}

    def page(path: Path) -> _Links:
        if path not in cache:
            cache[path] = parsed(path)
        return cache[path]

    broken = []
    for relative in html_pages(folder):
        source = folder / relative
        for link in page(source).links:
            url = urlparse(link)
            if url.scheme or url.netloc or link.startswith(("mailto:", "javascript:")):
                continue
            target = (source.parent / unquote(url.path)).resolve() if url.path else source
            if target.is_dir():
                target = target / "index.html"
            if folder.resolve() not in (target, *target.parents):
                broken.append(f"{relative}: {link} leaves the site")
            elif not target.exists():
                broken.append(f"{relative}: {link} (no such file)")
            elif url.fragment and target.suffix == ".html" and unquote(url.fragment) not in page(target).ids:
                broken.append(f"{relative}: {link} (no such anchor)")
    return broken


def search_hits(context, site: Site, edition: str, term: str) -> int:
    page, _ = open_page(context, site, f"{edition}/search.html?q={term}")
    try:
        page.locator("#search-results ul.search li").first.wait_for(timeout=30_000)
        return page.locator("#search-results ul.search li").count()
    except Exception:
        return 0
    finally:
        page.close()


def manifest(folder: Path) -> dict:
    return json.loads((folder / "site.json").read_text(encoding="utf-8"))


def offline_problems(browser, folder: Path, path: str) -> list[str]:
    """Open a page from disk (file://) in a browser with the network switched off: it must render whole."""
    context = browser.new_context(offline=True, viewport={"width": 1400, "height": 1000})
    failed, errors = [], []
    try:
        page = context.new_page()
        page.on("requestfailed", lambda r: failed.append(f"{r.url[:160]}: {r.failure}"))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((folder / path).resolve().as_uri(), wait_until="load")
        try:
            page.wait_for_function(SETTLED, timeout=30_000)
        except Exception:
            errors.append("widgets, formulas or images still not rendered after 30 s")
        facts = page.evaluate(FACTS)
        problems = [f"failed request: {f}" for f in failed] + [f"JavaScript error: {e}" for e in errors]
        problems += [f"image not shown: {src}" for src in facts["brokenImages"]]
        if facts["rendered"] < facts["views"]:
            problems.append(f"only {facts['rendered']} of {facts['views']} widgets rendered")
        if facts["typeset"] < facts["math"]:
            problems.append(f"only {facts['typeset']} of {facts['math']} formulas typeset")
        if facts["figures"] == 0:
            problems.append("no figure shown")
        return problems
    finally:
        context.close()
