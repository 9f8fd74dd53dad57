"""The message catalogue: extract what the code says, update the Chinese ``.po``, compile the ``.mo``.

Messages come from two places: ``_()``, ``N_()``, ``ngettext()`` and ``tr()`` calls
in ``helpers/**/*.py``, and ``tr()`` (or ``ngettext()``) calls in the code cells of
the English notebooks. Babel reads both: a notebook's code cells are turned into
plain Python first (IPython's own transformer removes ``%magics`` and ``!shell``
lines), then read by Babel's Python extractor.

The ``.mo`` file is committed next to the ``.po`` (see :mod:`helpers.i18n` for why);
:func:`compiled` gives the bytes a fresh compile would produce, and a test compares.
"""

from __future__ import annotations

import ast
import io
import json
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, unescape, write_po

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = "course"
LOCALES = ("zh_CN",)
KEYWORDS = {"_": None, "N_": None, "tr": None, "ngettext": (1, 2)}
COMMENT_TAGS = ("Translators:",)
PYTHON_SOURCES = ("helpers/**/*.py",)
NOTEBOOK_SOURCES = ("notebooks/*.ipynb", "tests/fixtures/i18n/notebooks/*.ipynb")
PROJECT = "Python concurrency, hands-on"
HEADER = """\
# The course's messages, translated: what the helpers and the notebooks' tr() calls
# print or draw. Translate each msgstr; a "#, fuzzy" entry's English changed: check
# it, then delete that line. Then run `make translations` (README, "Translating").
#"""
DATE_HEADERS = re.compile(r'^"(POT-Creation-Date|PO-Revision-Date): .*\n', re.M)


def po_path(locale: str, root: Path = ROOT) -> Path:
    return root / "helpers" / "locale" / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(locale: str, root: Path = ROOT) -> Path:
    return po_path(locale, root).with_suffix(".mo")


def python_sources(root: Path = ROOT) -> list[Path]:
    return sorted({p for pattern in PYTHON_SOURCES for p in root.glob(pattern)})


def notebook_sources(root: Path = ROOT) -> list[Path]:
    return sorted({p for pattern in NOTEBOOK_SOURCES for p in root.glob(pattern)})


def code_cells(path: Path) -> Iterator[tuple[int, str, str]]:
    """(index, cell id, plain Python) for each code cell of a notebook."""
    from IPython.core.inputtransformer2 import TransformerManager

    transformer = TransformerManager()
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for index, cell in enumerate(cells):
        if cell["cell_type"] == "code":
            source = "".join(cell["source"])
            yield index, cell.get("id", ""), transformer.transform_cell(source)


def _messages(code: str) -> Iterator[tuple[int, str | tuple[str, ...], list[str], str | None]]:
    seen = set()
    for found in extract("python", io.BytesIO(code.encode("utf-8")), keywords=KEYWORDS,
                         comment_tags=COMMENT_TAGS, strip_comment_tags=True):
        seen.add((found[0], found[1]))
        yield found
    # From Python 3.12 Babel sees into f-strings itself: report each call once.
    yield from (found for found in _messages_in_fstrings(code) if (found[0], found[1]) not in seen)


def _messages_in_fstrings(code: str) -> Iterator[tuple[int, str | tuple[str, ...], list[str], str | None]]:
    """Calls such as ``f"{tr('this notebook:')} {who}"``, which Babel's tokenizer cannot see into
    before Python 3.12 (an f-string is one token there); the syntax tree sees them on every version."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return
    for fstring in (node for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)):
        for call in (node for node in ast.walk(fstring) if isinstance(node, ast.Call)):
            name = call.func.id if isinstance(call.func, ast.Name) else None
            if name not in KEYWORDS:
                continue
            strings = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if name == "ngettext" and len(strings) >= 2:
                yield call.lineno, (strings[0], strings[1]), [], None
            elif name != "ngettext" and strings:
                yield call.lineno, strings[0], [], None


def extract_messages(root: Path = ROOT) -> Catalog:
    """Every message the code says, as a template catalogue (file names, no line numbers)."""
    template = Catalog(project=PROJECT, fuzzy=False)
    for path in python_sources(root):
        where = path.relative_to(root).as_posix()
        for lineno, message, comments, context in _messages(path.read_text(encoding="utf-8")):
            template.add(message, None, [(where, lineno)], auto_comments=comments, context=context)
    for path in notebook_sources(root):
        where = path.relative_to(root).as_posix()
        for index, cell_id, code in code_cells(path):
            for _lineno, message, comments, context in _messages(code):
                template.add(message, None, [(where, index)],
                             auto_comments=[*comments, f"notebook cell id {cell_id}"], context=context)
    return template


def load(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as f:
        catalog = read_po(f, locale=locale)
    for message in catalog:
        _restore_previous_id(message)
    return catalog


def _restore_previous_id(message: Message) -> None:
    """Babel reads a ``#| msgid "old"`` line back as a user comment ``| msgid "old"``.

    Written out again, that comment becomes ``# | msgid`` and piles up, so a read and a
    write are not a round trip. Turn such comments back into the message's previous id.
    """
    lines = [c[2:] for c in message.user_comments if c.startswith("| ")]
    if not lines:
        return
    message.user_comments = [c for c in message.user_comments if not c.startswith("| ")]
    parts: dict[str, list[str]] = {}
    key = ""
    for line in lines:
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgid", "msgid_plural"):
            key, line = keyword, rest
        if key:
            parts.setdefault(key, []).append(unescape(line.strip()))
    previous = ["".join(parts[k]) for k in ("msgid", "msgid_plural") if k in parts]
    message.previous_id = previous


def po_text(catalog: Catalog) -> str:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, include_previous=True, include_lineno=False)
    return buffer.getvalue().decode("utf-8")


def compiled(catalog: Catalog) -> bytes:
    """The ``.mo`` bytes for ``catalog`` (fuzzy translations left out, as gettext does)."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def update(locale: str, root: Path = ROOT) -> tuple[Path, bool]:
    """Bring ``locale``'s ``.po`` up to date with the code; True if it changed.

    Translations are kept; a message whose English changed a little is matched to its
    old translation and marked fuzzy (the old English is kept as ``#| msgid``); a
    message no longer in the code becomes obsolete (``#~``). The file is rewritten only
    when something other than its dates changed, so an idle run leaves no diff.
    """
    path = po_path(locale, root)
    template = extract_messages(root)
    if path.exists():
        catalog = load(path, locale)
        catalog.update(template)
    else:
        catalog = Catalog(locale=locale, domain=DOMAIN, project=PROJECT, fuzzy=False, header_comment=HEADER,
                          last_translator="the course's translators", language_team=locale)
        catalog.update(template)
    text = po_text(catalog)
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if DATE_HEADERS.sub("", text) == DATE_HEADERS.sub("", old):
        return path, False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path, True


def compile_catalogue(locale: str, root: Path = ROOT) -> Path:
    """Write the ``.mo`` for ``locale`` from its ``.po``."""
    path = mo_path(locale, root)
    path.write_bytes(compiled(load(po_path(locale, root), locale)))
    return path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a catalogue, said so a translator can act on it."""

    msgid: str
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.msgid!r}: {self.what}"


def fields(text: str) -> list[str]:
    """The ``{placeholders}`` of a format string, sorted (``{n:.1f}`` stays whole); ValueError if malformed."""
    found = []
    for _literal, name, spec, conversion in string.Formatter().parse(text):
        if name is not None:
            found.append("{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}")
    return sorted(found)


def _first_location(message: Message) -> str:
    return message.locations[0][0] if message.locations else "?"


def problems(locale: str, root: Path = ROOT, template: Catalog | None = None) -> list[Problem]:
    """Messages the code uses that ``locale`` does not translate well enough to ship.

    A message is a problem when it is missing from the ``.po``, untranslated, fuzzy,
    or when a translation's placeholders differ from the English (``str.format``
    would raise, or lose a value, at run time).
    """
    template = extract_messages(root) if template is None else template
    path = po_path(locale, root)
    catalog = load(path, locale) if path.exists() else Catalog(locale=locale)
    found = []
    for message in template:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        where = _first_location(message)
        entry = catalog.get(message.id, context=message.context)
        if entry is None:
            found.append(Problem(msgid, where, "not in the catalogue: run `make translations`"))
            continue
        translations = [entry.string] if isinstance(entry.string, str) else list(entry.string)
        if not all(translations):
            found.append(Problem(msgid, where, "not translated yet"))
        elif entry.fuzzy:
            found.append(Problem(msgid, where, "fuzzy: the English changed; check the translation, "
                                               "then delete the `#, fuzzy` line"))
        else:
            found.extend(_placeholder_problems(message, translations, msgid, where))
    return found


def _placeholder_problems(message: Message, translations: list[str], msgid: str, where: str) -> list[Problem]:
    english = [message.id] if isinstance(message.id, str) else list(message.id)
    try:
        expected = fields(english[-1])  # plural forms are checked against the English plural
    except ValueError:
        return []  # not a format string: nothing to compare
    found = []
    for text in translations:
        try:
            got = fields(text)
        except ValueError as exc:
            found.append(Problem(msgid, where, f"the translation is not a valid format string ({exc})"))
            continue
        if got != expected:
            found.append(Problem(msgid, where, f"placeholders differ: English {expected}, translation {got}"))
    return found


def misused_calls(root: Path = ROOT) -> list[Problem]:
    """Calls like ``_(f"...")`` or ``_("x {n}".format(n=1))``: no catalogue can hold their text.

    The message must be a constant (or a name bound to an ``N_()`` constant), and
    ``.format`` goes after the call: ``_("x {n}").format(n=1)``.
    """
    found = []
    sources = [(p.relative_to(root).as_posix(), p.read_text(encoding="utf-8")) for p in python_sources(root)]
    for path in notebook_sources(root):
        sources += [(f"{path.relative_to(root).as_posix()} cell {i}", code) for i, _id, code in code_cells(path)]
    for where, code in sources:
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in KEYWORDS
                    and node.args and _computed(node.args[0])):
                found.append(Problem(ast.unparse(node)[:60], f"{where}:{node.lineno}",
                                     "the message is computed: pass a constant, format after the call"))
    return found


def _computed(arg: ast.expr) -> bool:
    if isinstance(arg, ast.JoinedStr | ast.BinOp):
        return True
    return isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and arg.func.attr == "format"
