"""Plots in Chinese show Chinese characters, not empty boxes.

matplotlib's default font (DejaVu Sans) has no Chinese characters: it draws a box
for each one and warns "Glyph ... missing from font". So, in the Chinese edition,
the course picks an installed CJK font and puts it first in matplotlib's
``font.sans-serif`` list (DejaVu Sans stays next, for what the CJK font lacks).

When it happens: :mod:`helpers.i18n` decides the language when ``helpers`` is
first imported, and in a process that speaks Chinese it calls
:func:`follow_language`, which configures matplotlib at once if it is already
imported, or right after it is first imported otherwise (a one-shot import hook).
So every plot is covered, whether a helper or a notebook cell draws it, and no
drawing function has to remember anything; an English process never imports
matplotlib because of this module.

When no CJK font is installed, :func:`check_cjk_font` (called by the set-up check)
says how to install one on Linux, macOS and Windows.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.util
import platform
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from helpers.i18n import CHINESE, _, language, tidy

# Preferred first: fonts made for Simplified Chinese, then the usual system fonts
# of each platform (Linux, Windows, macOS), then wide-coverage fallbacks.
CANDIDATES = (
    "Noto Sans CJK SC",        # Linux (fonts-noto-cjk, google-noto-sans-cjk-fonts, noto-fonts-cjk)
    "Noto Sans SC",            # Google Fonts download
    "Source Han Sans SC",      # Adobe's name for the same design
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",       # Linux (fonts-wqy-zenhei)
    "WenQuanYi Micro Hei",     # Linux (fonts-wqy-microhei)
    "Microsoft YaHei",         # Windows Vista and later
    "PingFang SC",             # macOS 10.11 and later
    "Hiragino Sans GB",        # macOS
    "Heiti SC",                # macOS
    "STHeiti",                 # macOS, older
    "SimHei",                  # Windows
    "Droid Sans Fallback",
    "Arial Unicode MS",
)
# File names (lower case, without spaces) of the candidates, to find a font that was
# installed after matplotlib built its font cache: matplotlib never looks again.
FILE_HINTS = (
    "notosanscjk", "notosanssc", "sourcehansans", "wqy-zenhei", "wqy-microhei", "msyh",
    "pingfang", "hiraginosansgb", "stheiti", "simhei", "droidsansfallback", "arialunicode",
)
MINUS = 0x2212  # the typographic minus sign matplotlib uses on axes


@dataclass(frozen=True)
class FontCheck:
    """What the set-up check prints about the CJK font: a status, a detail, and a fix."""

    ok: bool
    detail: str
    fix: str = ""


def first_candidate(names: Iterable[str]) -> str | None:
    """The most preferred CJK font among ``names`` (font family names), or None."""
    available = set(names)
    return next((font for font in CANDIDATES if font in available), None)


def installed_cjk_font() -> str | None:
    """The CJK font matplotlib will use, or None; registers one installed since its cache was built."""
    from matplotlib import font_manager

    manager = font_manager.fontManager
    font = first_candidate(entry.name for entry in manager.ttflist)
    if font is None and _register_new_system_fonts(manager):
        font = first_candidate(entry.name for entry in manager.ttflist)
    return font


def _register_new_system_fonts(manager) -> bool:
    """Add system font files whose names look like a candidate; True if any was added."""
    from matplotlib import font_manager

    known = {entry.fname for entry in manager.ttflist}
    added = False
    for path in font_manager.findSystemFonts():
        squashed = Path(path).name.lower().replace(" ", "")
        if path not in known and any(hint in squashed for hint in FILE_HINTS):
            try:
                manager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue  # an unreadable font file: try the next one
            added = True
    if added:
        _save_font_cache(manager)
    return added


def _save_font_cache(manager) -> None:
    """Write matplotlib's font cache again, so the next process finds the new font at once."""
    import matplotlib
    from matplotlib import font_manager

    path = Path(matplotlib.get_cachedir(), f"fontlist-v{font_manager.FontManager.__version__}.json")
    with contextlib.suppress(OSError):  # a read-only cache: the font is still registered here
        font_manager.json_dump(manager, path)


def has_minus_sign(font: str) -> bool:
    """Whether ``font`` draws U+2212; without it, axes must use the ASCII hyphen."""
    from matplotlib import font_manager, ft2font

    for entry in font_manager.fontManager.ttflist:
        if entry.name == font:
            face = ft2font.FT2Font(entry.fname, face_index=entry.index)
            return face.get_char_index(MINUS) != 0
    return False


_defaults: dict[str, object] = {}


def configure_matplotlib(lang: str | None = None) -> str | None:
    """Make matplotlib draw text in ``lang`` (default: the course's language); return the CJK font used.

    Chinese: the CJK font goes first in ``font.sans-serif`` and in ``font.family`` (without
    the latter, a request matplotlib cannot match in the CJK font, such as italics, picks
    DejaVu Sans Oblique alone and draws boxes), and ``axes.unicode_minus`` is turned off if
    that font has no U+2212. English: what was changed is put back.
    """
    import matplotlib

    rc = matplotlib.rcParams
    lang = language() if lang is None else lang
    if lang != CHINESE:
        for key, value in _defaults.items():
            rc[key] = value
        _defaults.clear()
        return None
    font = installed_cjk_font()
    if font is None:
        return None  # the set-up check says how to install one
    for key in ("font.family", "font.sans-serif", "axes.unicode_minus"):
        _defaults.setdefault(key, rc[key])
    rc["font.sans-serif"] = [font, *(f for f in _defaults["font.sans-serif"] if f != font)]
    rc["font.family"] = [font, *(f for f in _defaults["font.family"] if f != font)]
    rc["axes.unicode_minus"] = bool(_defaults["axes.unicode_minus"]) and has_minus_sign(font)
    return font


class _AfterImport(importlib.abc.MetaPathFinder):
    """Runs ``then()`` once, right after the module ``name`` is first imported."""

    def __init__(self, name: str, then: Callable[[], object]):
        self.name, self.then = name, then

    def find_spec(self, fullname, path, target=None):
        if fullname != self.name:
            return None
        self.remove()  # once only, and not for the search below
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None and hasattr(spec.loader, "exec_module"):
            run_module = spec.loader.exec_module

            def exec_then(module: ModuleType) -> None:
                run_module(module)
                try:
                    self.then()
                except Exception as exc:  # fonts must never break `import matplotlib`
                    print(_("Could not set a Chinese font for plots: {error}").format(error=exc), file=sys.stderr)

            spec.loader.exec_module = exec_then
        return spec

    def remove(self) -> None:
        if self in sys.meta_path:
            sys.meta_path.remove(self)


def follow_language(lang: str) -> None:
    """Configure matplotlib for ``lang`` now if it is imported, else as soon as it is."""
    for hook in [h for h in sys.meta_path if isinstance(h, _AfterImport)]:
        hook.remove()
    if "matplotlib" in sys.modules:
        configure_matplotlib(lang)
    elif lang == CHINESE:
        sys.meta_path.insert(0, _AfterImport("matplotlib", configure_matplotlib))


def install_instructions(system: str | None = None) -> str:
    """How to install a CJK font on ``system`` (``platform.system()`` by default), in the course's language."""
    system = platform.system() if system is None else system
    if system == "Darwin":
        steps = _("macOS includes PingFang SC; if no Chinese font is found, install one with "
                  "`brew install --cask font-noto-sans-cjk-sc`, or download Noto Sans SC from "
                  "https://fonts.google.com/noto/specimen/Noto+Sans+SC and open it in Font Book.")
    elif system == "Windows":
        steps = _("Windows includes Microsoft YaHei; if it is missing, add it in Settings > Apps > "
                  "Optional features > Add a feature > \"Chinese (Simplified) Supplemental Fonts\", "
                  "or download Noto Sans SC from https://fonts.google.com/noto/specimen/Noto+Sans+SC "
                  "and choose \"Install for all users\".")
    else:
        steps = _("Debian/Ubuntu: `sudo apt-get install fonts-noto-cjk`; Fedora: "
                  "`sudo dnf install google-noto-sans-cjk-fonts`; Arch: `sudo pacman -S noto-fonts-cjk`.")
    return tidy(steps + " " + _("Then restart the kernel (or run the check again)."))


def check_cjk_font(lang: str | None = None, system: str | None = None) -> FontCheck:
    """The set-up check's line about the Chinese font: needed in the Chinese edition only."""
    lang = language() if lang is None else lang
    font = installed_cjk_font()
    if font is not None:
        return FontCheck(True, _("{font} (plots can show Chinese)").format(font=font))
    if lang != CHINESE:
        return FontCheck(True, _("none installed (only the Chinese edition needs one)"))
    return FontCheck(False, _("none installed: Chinese text in plots would show as empty boxes"),
                     install_instructions(system))


def main() -> int:
    """``python -m helpers.fonts``: the Chinese font matplotlib will use (exit status 1 if none)."""
    result = check_cjk_font(CHINESE)
    print(_("Chinese font for plots: {detail}").format(detail=result.detail))
    if not result.ok:
        print(result.fix)
    return 0 if result.ok else 1


if language() == CHINESE:  # when this module is imported before helpers.i18n has finished
    follow_language(CHINESE)


if __name__ == "__main__":
    sys.exit(main())
