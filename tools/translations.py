"""Keep the Chinese edition in step with the English one: ``python -m tools.translations COMMAND``.

Messages (what the helpers and the notebooks' ``tr()`` calls print or draw):
  update                 extract every message, update helpers/locale/zh_CN/.../course.po
                         (translations kept, changed ones marked fuzzy), compile the .mo
  compile                compile the .po into the .mo only (after editing the .po)

Notebooks (notebooks/NN_name.ipynb and its twin notebooks/zh-CN/NN_name.ipynb):
  status                 what is left to do: messages to translate, cells to translate
                         or to update (with what changed in the English), missing twins
  new LESSON...          create the Chinese twin: code cells copied, markdown cells
                         marked "needs translation" (the tests fail until translated)
  sync LESSON...|--all   rebuild the twin on the English cells: code copied again, new
                         cells added to translate, removed cells dropped, order fixed
  accept LESSON [--cell ID ...] [--stale] [--english-ok]
                         record that cells are translated: without --cell, every cell
                         not yet accepted whose text now reads as Chinese; a cell whose
                         English changed needs --cell ID (or --stale for all of them);
                         a cell right in English needs --cell ID --english-ok

LESSON is a notebook's number or name (``04`` or ``04_condition_and_semaphore``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tools import catalogue, parity

ROOT = catalogue.ROOT
NOTEBOOKS = ROOT / "notebooks"


def resolve(lesson: str, folder: Path = NOTEBOOKS) -> Path:
    """The English notebook a LESSON argument names."""
    name = Path(lesson).name.removesuffix(".ipynb")
    matches = sorted(p for p in folder.glob("*.ipynb") if p.stem == name or p.stem.startswith(f"{name}_"))
    if len(matches) != 1:
        found = ", ".join(p.stem for p in matches) or "none"
        raise SystemExit(f"{lesson!r} names no single lesson in {folder} (found: {found})")
    return matches[0]


def shown(path: Path) -> str:
    """``path`` relative to the repository when it is inside it."""
    path = path.resolve()
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


def notebook_problems(folder: Path = NOTEBOOKS) -> list[parity.Problem]:
    """Every difference between the Chinese notebooks in ``folder``/zh-CN and their English twins."""
    found = []
    for chinese in sorted((folder / parity.CHINESE_FOLDER).glob("*.ipynb")):
        english = parity.twin(chinese)
        if not english.exists():
            found.append(parity.Problem(chinese.stem, None, "", "has no English twin"))
            continue
        found.extend(parity.compare(parity.read(english), parity.read(chinese), chinese.stem))
    return found


def untwinned(folder: Path = NOTEBOOKS) -> list[Path]:
    """English lessons with no Chinese twin yet."""
    return [p for p in sorted(folder.glob("*.ipynb")) if not parity.chinese_twin(p).exists()]


def cmd_update(args) -> int:
    for locale in catalogue.LOCALES:
        path, changed = catalogue.update(locale)
        catalogue.compile_catalogue(locale)
        left = catalogue.problems(locale)
        print(f"{shown(path)}: {'updated' if changed else 'already up to date'}; "
              f"{len(left)} message(s) to translate or check")
    for problem in catalogue.misused_calls():
        print(f"  {problem}")
    return 0


def cmd_compile(args) -> int:
    for locale in catalogue.LOCALES:
        print(f"{catalogue.compile_catalogue(locale).relative_to(ROOT)}: compiled")
    return 0


def cmd_status(args) -> int:
    folder = args.notebooks
    messages = [p for locale in catalogue.LOCALES for p in catalogue.problems(locale)] + catalogue.misused_calls()
    print(f"Messages ({len(messages)} to do):")
    for problem in messages:
        print(f"  {problem}")
    cells = notebook_problems(folder)
    print(f"Notebook cells ({len(cells)} to do):")
    for problem in cells:
        print(f"  {problem}")
        if "changed after it was translated" in problem.what:
            _show_english_change(folder, problem)
    links = [b for p in sorted((folder / parity.CHINESE_FOLDER).glob("*.ipynb")) for b in parity.broken_links(p)]
    for link in links:
        print(f"  {link}")
    missing = untwinned(folder)
    if missing:
        print(f"Lessons with no Chinese twin yet ({len(missing)}): {', '.join(p.stem for p in missing)}")
        print("  start one with: python -m tools.translations new LESSON")
    return 1 if messages or cells or links else 0


def _show_english_change(folder: Path, problem: parity.Problem) -> None:
    chinese = folder / parity.CHINESE_FOLDER / f"{problem.lesson}.ipynb"
    english_path = parity.twin(chinese)
    zh_cell = next(c for c in parity.read(chinese)["cells"] if c.get("id") == problem.cell_id)
    en_cell = next(c for c in parity.read(english_path)["cells"] if c.get("id") == problem.cell_id)
    old = parity.english_when_translated(english_path, problem.cell_id, parity.recorded_hash(zh_cell))
    if old is None:
        print("    (the English it was translated from is not in this clone's git history)")
        return
    for line in parity.english_diff(old, parity.source_of(en_cell)).splitlines():
        print(f"    {line}")


def cmd_new(args) -> int:
    for lesson in args.lessons:
        english = resolve(lesson, args.notebooks)
        chinese = parity.chinese_twin(english)
        if chinese.exists() and not args.force:
            print(f"{shown(chinese)} exists: use `sync` to bring it up to date (or --force to start over)")
            return 1
        parity.write(chinese, parity.skeleton(parity.read(english)))
        todo = sum(1 for p in parity.compare(parity.read(english), parity.read(chinese), chinese.stem))
        print(f"{shown(chinese)}: created, {todo} markdown cell(s) to translate")
    return 0


def cmd_sync(args) -> int:
    englishes = sorted(args.notebooks.glob("*.ipynb")) if args.all else [resolve(x, args.notebooks)
                                                                        for x in args.lessons]
    for english in englishes:
        chinese = parity.chinese_twin(english)
        if not chinese.exists():
            if not args.all:
                print(f"{shown(chinese)}: no such notebook: create it with `new`")
            continue
        notebook, changes = parity.sync(parity.read(english), parity.read(chinese))
        if changes:
            parity.write(chinese, notebook)
        print(f"{shown(chinese)}: {'; '.join(changes) if changes else 'already in step'}")
    return 0


def cmd_accept(args) -> int:
    english = resolve(args.lesson, args.notebooks)
    chinese = parity.chinese_twin(english)
    notebook, accepted, refused = parity.accept(parity.read(english), parity.read(chinese),
                                                cell_ids=args.cell or None, stale=args.stale,
                                                english_ok=args.english_ok)
    parity.write(chinese, notebook)
    print(f"{shown(chinese)}: {len(accepted)} cell(s) accepted")
    for cid in refused:
        print(f"  not accepted, still reads as English: cell {cid} (translate it; if it is right in English, "
              f"accept it with --cell {cid} --english-ok)")
    left = parity.compare(parity.read(english), notebook, chinese.stem)
    for problem in left:
        print(f"  still to do: {problem}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m tools.translations", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--notebooks", type=Path, default=NOTEBOOKS, help="the English notebooks' folder")
    commands = p.add_subparsers(dest="command", required=True)
    commands.add_parser("update", help="extract messages, update the .po, compile the .mo").set_defaults(run=cmd_update)
    commands.add_parser("compile", help="compile the .po into the .mo").set_defaults(run=cmd_compile)
    commands.add_parser("status", help="what is left to translate or update").set_defaults(run=cmd_status)
    new = commands.add_parser("new", help="create the Chinese twin of a lesson")
    new.add_argument("lessons", nargs="+")
    new.add_argument("--force", action="store_true", help="overwrite an existing twin")
    new.set_defaults(run=cmd_new)
    sync = commands.add_parser("sync", help="rebuild a twin on the English cells")
    sync.add_argument("lessons", nargs="*")
    sync.add_argument("--all", action="store_true")
    sync.set_defaults(run=cmd_sync)
    accept = commands.add_parser("accept", help="record that cells are translated")
    accept.add_argument("lesson")
    accept.add_argument("--cell", action="append", metavar="ID", help="accept this cell (repeatable)")
    accept.add_argument("--stale", action="store_true", help="also accept every cell whose English changed")
    accept.add_argument("--english-ok", action="store_true", help="the cells named with --cell are right in English")
    accept.set_defaults(run=cmd_accept)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "sync" and not (args.all or args.lessons):
        parser().error("sync needs LESSON... or --all")
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
