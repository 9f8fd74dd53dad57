"""The course speaks the learner's language: English, or Simplified Chinese.

Both editions run the same code cells, so the language cannot be chosen in the
code. It is chosen from outside, once, when ``helpers`` is first imported:

1. the environment variable ``COURSE_LANG`` (``en`` or ``zh_CN``), if set;
2. otherwise the folder the kernel started in: a Jupyter kernel starts in its
   notebook's folder, and the Chinese lessons live in ``notebooks/zh-CN/``;
3. otherwise English.

The choice is then written back to ``COURSE_LANG``, so every worker process and
every script the lessons start speaks the same language, whatever its folder.

Messages go through the standard library's :mod:`gettext`: ``_("text")`` in the
package, ``tr("text")`` in the notebooks (where ``_`` is IPython's last result and
a favourite throw-away loop variable). The catalogues live in ``helpers/locale``:
the ``.po`` file is what translators edit, and the compiled ``.mo`` file beside it
is committed too, so a plain ``pip install -r requirements.txt`` needs no build
step (a test proves the ``.mo`` is a fresh compile of the ``.po``). The developer
tool ``python -m tools.translations`` extracts, updates and compiles them (see
README, "Translating").

In a process that speaks Chinese, matplotlib is also given a Chinese font
(:mod:`helpers.fonts`), so plots show Chinese text rather than empty boxes.
"""

from __future__ import annotations

import functools
import gettext
import os
import re
import sys
import unicodedata
from collections.abc import Mapping
from pathlib import Path

DOMAIN = "course"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
ENV = "COURSE_LANG"
ENGLISH, CHINESE = "en", "zh_CN"
LANGUAGES = (ENGLISH, CHINESE)
CHINESE_FOLDERS = {"zh-cn", "zh_cn"}


def N_(message: str) -> str:
    """Mark a constant for translation without translating it yet (translate it where it is shown)."""
    return message


def normalise(value: str) -> str:
    """``zh``, ``zh-CN``, ``zh_CN.UTF-8`` -> ``zh_CN``; anything else -> ``en``."""
    code = value.strip().split(".")[0].replace("-", "_").lower()
    return CHINESE if code in {"zh", "zh_cn", "zh_hans", "zh_hans_cn"} else ENGLISH


def detect_language(cwd: Path | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The language this process should speak (see the module's docstring for the rule)."""
    return _detect(cwd, environ)[0]


def _detect(cwd: Path | None, environ: Mapping[str, str] | None) -> tuple[str, str]:
    """The language, and why: ``"env"``, ``"folder"`` or ``"default"``."""
    environ = os.environ if environ is None else environ
    if environ.get(ENV):
        return normalise(environ[ENV]), "env"
    try:
        folder = Path.cwd() if cwd is None else cwd
    except OSError:  # the working folder was deleted: no folder to go by
        return ENGLISH, "default"
    if any(part.lower() in CHINESE_FOLDERS for part in folder.parts):
        return CHINESE, "folder"
    return ENGLISH, "default"


_language, _reason = _detect(None, None)
os.environ.setdefault(ENV, _language)


def language() -> str:
    """The language in use: ``"en"`` or ``"zh_CN"``."""
    return _language


def set_language(lang: str) -> None:
    """Switch the language of this process and of the processes it starts from now on."""
    global _language, _reason
    _language, _reason = normalise(lang), "call"
    os.environ[ENV] = _language
    _follow_fonts()


LANGUAGE_NAMES = {ENGLISH: N_("English"), CHINESE: N_("Simplified Chinese")}
REASONS = {
    "env": N_("set by the environment variable COURSE_LANG"),
    "folder": N_("chosen by the notebook's folder, notebooks/zh-CN"),
    "default": N_("the default; the Chinese edition is in notebooks/zh-CN"),
    "call": N_("set by set_language()"),
}


def describe() -> str:
    """One line for the set-up check: the language in use and why it was chosen."""
    return _("Course language: {language} ({reason})").format(
        language=_(LANGUAGE_NAMES[_language]), reason=_(REASONS[_reason]))


@functools.cache
def _catalogue(lang: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def _(message: str) -> str:
    """``message`` in the learner's language (itself, where there is no translation)."""
    return _catalogue(_language).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n``, in the learner's language."""
    return _catalogue(_language).ngettext(singular, plural, n)


tr = _

_SPACE_AFTER_CJK_PUNCTUATION = re.compile(r"(?<=[。！？；：，、）」』”])[ ]+")


def tidy(text: str) -> str:
    """Sentences joined with a space read well in English; in Chinese, no space follows 。！？ and the like.

    Messages are translated one sentence at a time and joined with " " by the code; this
    removes the space after Chinese punctuation, and leaves English untouched.
    """
    return _SPACE_AFTER_CJK_PUNCTUATION.sub("", text) if _language == CHINESE else text


def display_width(text: str) -> int:
    """Columns ``text`` takes in a notebook's output: a Chinese character takes two, not one.

    Padding by characters (``f"{label:<18}"``) lines English up but not Chinese, whose
    characters are twice as wide in a monospaced font; :func:`pad` counts columns.
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """``text`` followed by spaces up to ``width`` columns, so that labels line up in every language.

    Use it where ``f"{label:<18}"`` would be: ``print(pad(tr("this notebook:"), 18), value)``.
    A label wider than ``width`` is returned whole.
    """
    return text + " " * max(0, width - display_width(text))


def _follow_fonts() -> None:
    """Plots follow the language: a Chinese font for matplotlib (see :mod:`helpers.fonts`)."""
    fonts = sys.modules.get("helpers.fonts")
    if fonts is None and _language == CHINESE:
        from helpers import fonts
    if hasattr(fonts, "follow_language"):  # not while helpers.fonts is still being imported: it does it then
        fonts.follow_language(_language)


_follow_fonts()
