"""The Chinese notebooks stay twins of the English ones, cell for cell.

``notebooks/zh-CN/NN_name.ipynb`` is the twin of ``notebooks/NN_name.ipynb``: the
same cells with the same ids in the same order; code (and raw) cells identical,
source and tags; markdown cells translated. Each translated markdown cell records,
in its metadata, a hash of the English cell it translates::

    "metadata": {"translation": {"english": "3f2a9c0b1d4e5f60"}}

so a later change to the English cell is seen (the hashes differ), and a cell not yet
translated has ``"english": null``. :func:`compare` lists every difference, named by
lesson and cell; :func:`skeleton`, :func:`sync` and :func:`accept` are the edits a
translator makes with ``python -m tools.translations``.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHINESE_FOLDER = "zh-CN"
KEY = "translation"
SHARED_METADATA = ("tags", "jupyter")  # what code and markdown cells must share with the English cell

# What is left of a markdown cell once code, formulas, URLs and markup are removed is
# its prose; prose in Chinese has Chinese characters in every block.
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
RUN_BREAK = "\x00"  # separates link texts from the sentence around them
LONGEST_ENGLISH_RUN = 8  # words in a row without a Chinese character: an untranslated sentence
REMOVED = [
    re.compile(r"<!--.*?-->", re.S),
    re.compile(r"^[ \t]*(```|~~~).*?^[ \t]*\1[^\n]*$", re.M | re.S),  # fenced code
    re.compile(r"\$\$.+?\$\$", re.S),
    re.compile(r"\\\[.+?\\\]", re.S),
    re.compile(r"\\\(.+?\\\)", re.S),
    re.compile(r"(?<![\\$])\$[^$\n]+?\$"),
    re.compile(r"(`+).+?\1", re.S),
    re.compile(r"^\s*\[[^\]]+\]:\s*\S+.*$", re.M),  # link reference definitions
    re.compile(r"https?://[^\s)>\]]+"),
    re.compile(r"&#?\w+;"),
]
LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
TAG = re.compile(r"<[^>]+>")
RELATIVE_UP = re.compile(r"""(\]\(|src=["'])(?=\.\./)""")
LINK_TARGET = re.compile(r"""(?:\]\(|src=["'])([^)"'\s]+)""")
HEADING = re.compile(r"^\s*#{1,6}\s")
BLOCK_START = re.compile(r"^\s*(#{1,6}\s|[-*+]\s|\d+[.)]\s|\|)")


def cell_hash(source: str | list[str]) -> str:
    """The hash a translation records of its English cell (16 hex digits of SHA-256)."""
    text = "".join(source) if isinstance(source, list) else source
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def source_of(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def prose(markdown: str) -> str:
    """The words of a markdown cell that a translator translates (code, formulas, URLs removed)."""
    text = markdown
    for pattern in REMOVED:
        text = pattern.sub(" ", text)
    text = LINK.sub(lambda m: f"{RUN_BREAK}{m.group(1)}{RUN_BREAK}", text)
    return TAG.sub(" ", text)


def blocks(text: str) -> Iterator[str]:
    """Paragraphs, headings, list items and table rows: the units each judged on its own."""
    current: list[str] = []
    for line in text.splitlines():
        if not line.strip() or BLOCK_START.match(line):
            if current:
                yield "\n".join(current)
            current = [line] if line.strip() else []
        else:
            current.append(line)
    if current:
        yield "\n".join(current)


def english_left(markdown: str) -> str | None:
    """A block of ``markdown`` that is still English, or None if it reads as Chinese.

    A block is English when it has no Chinese character and at least two English
    words (one, in a heading), or when it holds a run of eight or more English words with no Chinese
    character between them (an untranslated sentence in a translated paragraph; a
    link's text may be such a run: it is often the title of an English page). Code
    spans and blocks, formulas, URLs and HTML tags are ignored.
    """
    for block in blocks(prose(markdown)):
        words = len(LATIN_WORD.findall(block))
        has_cjk = re.search(f"[{CJK}]", block) is not None
        sentences = re.sub(f"{RUN_BREAK}[^{RUN_BREAK}]*{RUN_BREAK}", RUN_BREAK, block)  # link texts may be titles
        longest = max((len(LATIN_WORD.findall(run)) for run in re.split(f"[{CJK}{RUN_BREAK}]", sentences)), default=0)
        least = 1 if HEADING.match(block) else 2  # "## Exercises" is English; "Python 3.13" need not be
        if (not has_cjk and words >= least) or longest >= LONGEST_ENGLISH_RUN:
            return " ".join(block.replace(RUN_BREAK, "").split())[:80]
    return None


@dataclass(frozen=True)
class Problem:
    """One way a Chinese notebook differs from its English twin."""

    lesson: str
    index: int | None
    cell_id: str
    what: str

    def __str__(self) -> str:
        where = f" cell {self.index} (id {self.cell_id})" if self.index is not None else ""
        return f"{CHINESE_FOLDER}/{self.lesson}.ipynb{where}: {self.what}"


def twin(chinese: Path) -> Path:
    """``.../notebooks/zh-CN/NN.ipynb`` -> ``.../notebooks/NN.ipynb``."""
    return chinese.parent.parent / chinese.name


def chinese_twin(english: Path) -> Path:
    """``.../notebooks/NN.ipynb`` -> ``.../notebooks/zh-CN/NN.ipynb``."""
    return english.parent / CHINESE_FOLDER / english.name


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def write(path: Path, notebook: dict) -> None:
    """Write as JupyterLab (nbformat) does, so that saving it there again makes no diff.

    Sorted keys, indent 1, non-ASCII characters kept, each cell's source a list of lines.
    """
    notebook = copy.deepcopy(notebook)
    for cell in notebook["cells"]:
        cell["source"] = source_of(cell).splitlines(keepends=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook, sort_keys=True, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _shared(cell: dict) -> dict:
    return {k: cell.get("metadata", {}).get(k) for k in SHARED_METADATA}


def recorded_hash(cell: dict) -> str | None:
    return (cell.get("metadata", {}).get(KEY) or {}).get("english")


def compare(english: dict, chinese: dict, lesson: str) -> list[Problem]:
    """Every way ``chinese`` is not an up-to-date translation of ``english``."""
    found = []
    en_cells, zh_cells = english["cells"], chinese["cells"]
    en_ids = [c.get("id", "") for c in en_cells]
    zh_ids = [c.get("id", "") for c in zh_cells]
    zh_by_id = {c.get("id", ""): (i, c) for i, c in enumerate(zh_cells)}
    sync_hint = f"run `python -m tools.translations sync {lesson}`"
    for i, cell in enumerate(en_cells):
        if cell.get("id", "") not in zh_by_id:
            found.append(Problem(lesson, i, cell.get("id", ""), f"added to the English notebook only: {sync_hint}"))
    for i, cell in enumerate(zh_cells):
        if cell.get("id", "") not in en_ids:
            found.append(Problem(lesson, i, cell.get("id", ""),
                                 f"in the Chinese notebook only (removed from the English?): {sync_hint}"))
    common = [cid for cid in en_ids if cid in zh_by_id]
    if common != [cid for cid in zh_ids if cid in set(en_ids)]:
        found.append(Problem(lesson, None, "", f"the cells are in a different order: {sync_hint}"))
    for en in en_cells:
        cid = en.get("id", "")
        if cid not in zh_by_id:
            continue
        j, zh = zh_by_id[cid]
        found.extend(_compare_cell(en, zh, lesson, j, sync_hint))
    return found


def _compare_cell(en: dict, zh: dict, lesson: str, index: int, sync_hint: str) -> list[Problem]:
    cid = en.get("id", "")
    if en["cell_type"] != zh["cell_type"]:
        return [Problem(lesson, index, cid, f"a {zh['cell_type']} cell, but {en['cell_type']} in English: {sync_hint}")]
    if zh.get("outputs") or zh.get("execution_count") is not None:
        return [Problem(lesson, index, cid, "has outputs: run `make strip`")]
    if _shared(en) != _shared(zh):
        return [Problem(lesson, index, cid, f"tags or hidden state differ from the English cell: {sync_hint}")]
    if en["cell_type"] != "markdown":
        if source_of(en) != source_of(zh):
            return [Problem(lesson, index, cid, f"code differs from the English cell (code cells are shared "
                                                f"byte for byte): {sync_hint}")]
        return []
    recorded = recorded_hash(zh)
    if recorded is None:
        return [Problem(lesson, index, cid, "needs translation (then run `python -m tools.translations "
                                            f"accept {lesson}`)")]
    if recorded != cell_hash(source_of(en)):
        return [Problem(lesson, index, cid, "the English cell changed after it was translated: see "
                                            "`python -m tools.translations status`, update the translation, "
                                            f"then `python -m tools.translations accept {lesson} --cell {cid}`")]
    english = (zh.get("metadata", {}).get(KEY) or {}).get("english_ok") is None and english_left(source_of(zh))
    if english:
        return [Problem(lesson, index, cid, f"still English: {english!r}")]
    return []


def _cleared(cell: dict) -> dict:
    cell = copy.deepcopy(cell)
    if cell["cell_type"] == "code":
        cell["outputs"], cell["execution_count"] = [], None
    return cell


def _untranslated(en: dict) -> dict:
    """A Chinese markdown cell still to translate: the English text, marked as not translated.

    A cell with no prose (an image, a formula) needs no translation and is marked done.
    """
    cell = _cleared(en)
    cell["source"] = deeper_links(source_of(en))
    done = not LATIN_WORD.search(prose(source_of(en)))
    cell.setdefault("metadata", {})[KEY] = {"english": cell_hash(source_of(en)) if done else None}
    return cell


def deeper_links(markdown: str) -> str:
    """Relative links for a notebook one folder deeper: ``](../docs/x.svg)`` -> ``](../../docs/x.svg)``.

    Links to other lessons (``03_daemons.ipynb``) stay as they are: in ``zh-CN/`` they
    lead to the Chinese twin.
    """
    return RELATIVE_UP.sub(r"\1../", markdown)


def broken_links(chinese: Path) -> list[str]:
    """Relative links and images in a Chinese notebook's markdown that lead nowhere."""
    found = []
    for index, cell in enumerate(read(chinese)["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        for target in LINK_TARGET.findall(source_of(cell)):
            path = target.split("#")[0].split("?")[0]
            if path and not re.match(r"^[a-z]+:", path) and not (chinese.parent / path).exists():
                hint = (f" (start its Chinese twin: python -m tools.translations new {Path(path).stem})"
                        if path.endswith(".ipynb") and (chinese.parent.parent / path).exists() else "")
                found.append(f"{chinese.name} cell {index} (id {cell.get('id', '')}): no file {path}{hint}")
    return found


def skeleton(english: dict) -> dict:
    """A new Chinese notebook: code cells copied, markdown cells marked as needing translation."""
    notebook = copy.deepcopy(english)
    notebook["cells"] = [_untranslated(c) if c["cell_type"] == "markdown" else _cleared(c) for c in english["cells"]]
    return notebook


def sync(english: dict, chinese: dict) -> tuple[dict, list[str]]:
    """``chinese`` rebuilt on ``english``'s cells; returns it and a list of what changed.

    Code and raw cells are copied from English; translated markdown cells are kept
    (with the English cell's tags); new English cells arrive untranslated; cells gone
    from English are dropped; the order becomes English's.
    """
    zh_by_id = {c.get("id", ""): c for c in chinese["cells"]}
    changes, cells = [], []
    for en in english["cells"]:
        cid = en.get("id", "")
        zh = zh_by_id.get(cid)
        if en["cell_type"] != "markdown":
            if zh is None or source_of(zh) != source_of(en) or _shared(zh) != _shared(en):
                changes.append(f"cell {cid}: code copied from English")
            cells.append(_cleared(en))
        elif zh is None or zh["cell_type"] != "markdown":
            changes.append(f"cell {cid}: new, to translate")
            cells.append(_untranslated(en))
        else:
            kept = copy.deepcopy(zh)
            kept["metadata"] = {**{k: v for k, v in zh.get("metadata", {}).items() if k not in SHARED_METADATA},
                                **{k: v for k, v in en.get("metadata", {}).items() if k in SHARED_METADATA}}
            cells.append(kept)
    en_ids = {c.get("id", "") for c in english["cells"]}
    changes += [f"cell {c.get('id', '')}: dropped (not in English any more)" for c in chinese["cells"]
                if c.get("id", "") not in en_ids]
    kept = [c.get("id", "") for c in chinese["cells"] if c.get("id", "") in en_ids]
    if [c.get("id", "") for c in cells if c.get("id", "") in zh_by_id] != kept:
        changes.append("cells put in the English order")
    notebook = {**copy.deepcopy(chinese), "cells": cells, "metadata": copy.deepcopy(english["metadata"]),
                "nbformat": english["nbformat"], "nbformat_minor": english["nbformat_minor"]}
    return notebook, changes


def accept(english: dict, chinese: dict, cell_ids: list[str] | None = None, stale: bool = False,
           english_ok: bool = False) -> tuple[dict, list[str], list[str]]:
    """Record the English hash on translated cells; returns the notebook, accepted ids, refused ids.

    Without ``cell_ids``: every cell not yet marked translated whose text now reads as
    Chinese (so a cell still in English stays marked). A cell whose English changed
    since its translation is accepted only when named in ``cell_ids`` or with
    ``stale=True``: the translator says the translation was brought up to date. A cell
    that still reads as English is refused, unless named with ``english_ok=True``
    (rare: a cell that is right in English, such as a list of English titles); that
    is recorded in the cell, for reviewers to see.
    """
    notebook = copy.deepcopy(chinese)
    en_by_id = {c.get("id", ""): c for c in english["cells"]}
    accepted, refused = [], []
    for cell in notebook["cells"]:
        cid = cell.get("id", "")
        en = en_by_id.get(cid)
        if cell["cell_type"] != "markdown" or en is None or en["cell_type"] != "markdown":
            continue
        wanted = cell_hash(source_of(en))
        recorded = recorded_hash(cell)
        named = cell_ids is not None and cid in cell_ids
        if recorded == wanted or (cell_ids is not None and not named):
            continue
        if recorded is not None and not (named or stale):
            continue  # stale: the translator must say it was updated
        if english_left(source_of(cell)) and not (named and english_ok):
            refused.append(cid)
            continue
        record = cell.setdefault("metadata", {}).setdefault(KEY, {})
        record["english"] = wanted
        if english_ok and named and english_left(source_of(cell)):
            record["english_ok"] = True
        accepted.append(cid)
    return notebook, accepted, refused


def english_when_translated(english_path: Path, cell_id: str, recorded: str, root: Path = ROOT,
                            max_commits: int = 200) -> str | None:
    """The English text a stale translation was made from, found in git history by its hash."""
    rel = english_path.resolve().relative_to(root.resolve()).as_posix()
    try:
        log = subprocess.run(["git", "log", f"-n{max_commits}", "--format=%H", "--", rel], cwd=root,
                             capture_output=True, text=True, check=True, timeout=30).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return None
    for commit in log:
        shown = subprocess.run(["git", "show", f"{commit}:{rel}"], cwd=root, capture_output=True, text=True,
                               timeout=30)
        if shown.returncode != 0:
            continue
        try:
            cells = json.loads(shown.stdout)["cells"]
        except (ValueError, KeyError):
            continue
        for cell in cells:
            if cell.get("id") == cell_id and cell_hash(source_of(cell)) == recorded:
                return source_of(cell)
    return None


def english_diff(old: str, new: str) -> str:
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), "English when translated", "English now",
                                 lineterm="", n=1)
    return "\n".join(lines)
