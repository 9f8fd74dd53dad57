"""Every message the code says has a Chinese translation that will format, and the .mo is the .po compiled."""

import json
import textwrap

import pytest

from tools import catalogue

LOCALE = "zh_CN"


@pytest.fixture(scope="module")
def template():
    return catalogue.extract_messages()


def test_every_message_in_the_code_is_translated_and_formats(template):
    problems = catalogue.problems(LOCALE, template=template)
    assert not problems, "\n" + "\n".join(map(str, problems)) + "\n(see README, 'Translating')"


def test_the_committed_mo_is_a_fresh_compile_of_the_po():
    fresh = catalogue.compiled(catalogue.load(catalogue.po_path(LOCALE), LOCALE))
    assert catalogue.mo_path(LOCALE).read_bytes() == fresh, "run `make translations` and commit the .mo"


def test_no_message_is_computed_before_translation():
    problems = catalogue.misused_calls()
    assert not problems, "\n".join(map(str, problems))


def test_messages_are_found_in_helpers_and_in_notebook_code_cells(template):
    by_id = {m.id if isinstance(m.id, str) else m.id[0]: m for m in template if m.id}
    assert ("helpers/i18n.py", None) in [(f, None) for f, _ in by_id["Simplified Chinese"].locations]
    fixture = by_id["{n} photo is waiting in the images folder."]
    assert fixture.id[1] == "{n} photos are waiting in the images folder."  # ngettext keeps both forms
    assert fixture.locations[0][0] == "tests/fixtures/i18n/notebooks/00_edition_fixture.ipynb"
    assert "notebook cell id fixture-001" in fixture.auto_comments


# A small course in a temporary folder, to see each check fail.


def make_course(root, code: str, cells: list[str] | None = None):
    (root / "helpers").mkdir(parents=True, exist_ok=True)
    (root / "helpers" / "lesson.py").write_text(textwrap.dedent(code), encoding="utf-8")
    if cells is not None:
        (root / "notebooks").mkdir(exist_ok=True)
        notebook = {"cells": [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "outputs": [],
                               "execution_count": None, "source": s} for i, s in enumerate(cells)],
                    "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
        (root / "notebooks" / "01_x.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    return root


def translate(root, translations: dict, fuzzy: tuple = ()):
    catalogue.update(LOCALE, root)
    path = catalogue.po_path(LOCALE, root)
    cat = catalogue.load(path, LOCALE)
    for message in cat:
        key = message.id if isinstance(message.id, str) else message.id[0]
        if key in translations:
            message.string = translations[key]
        if key in fuzzy:
            message.flags.add("fuzzy")
    path.write_text(catalogue.po_text(cat), encoding="utf-8")


def whats_wrong(root) -> dict[str, str]:
    return {p.msgid: p.what for p in catalogue.problems(LOCALE, root)}


def test_a_message_without_a_translation_fails(tmp_path):
    make_course(tmp_path, 'print(_("hello"))\nprint(_("bye"))\n')
    translate(tmp_path, {"hello": "你好"})
    assert whats_wrong(tmp_path) == {"bye": "not translated yet"}


def test_a_message_added_to_the_code_after_the_last_update_fails(tmp_path):
    make_course(tmp_path, 'print(_("hello"))\n')
    translate(tmp_path, {"hello": "你好"})
    make_course(tmp_path, 'print(_("hello"))\nprint(_("new"))\n')
    assert "not in the catalogue" in whats_wrong(tmp_path)["new"]


def test_a_fuzzy_translation_fails(tmp_path):
    make_course(tmp_path, 'print(_("hello"))\n')
    translate(tmp_path, {"hello": "你好"}, fuzzy=("hello",))
    assert whats_wrong(tmp_path)["hello"].startswith("fuzzy")


@pytest.mark.parametrize(
    ("english", "chinese", "fails"),
    [
        ("{n} photos in {seconds:.1f} s", "{seconds:.1f} 秒处理了 {n} 张照片", False),  # order may change
        ("{n} photos", "{count} 张照片", True),  # format() would raise KeyError
        ("{n} photos in {seconds:.1f} s", "{n} 张照片", True),  # a value lost
        ("{seconds:.1f} s", "{seconds} 秒", True),  # the format spec lost
        ("{n} photos", "{n 张照片", True),  # format() would raise ValueError
        ("100% done, {{literally}}", "完成 100%，{{literally}}", False),
    ],
)
def test_a_translation_must_have_the_same_placeholders(tmp_path, english, chinese, fails):
    make_course(tmp_path, f"print(_({english!r}))\n")
    translate(tmp_path, {english: chinese})
    assert bool(whats_wrong(tmp_path)) == fails


def test_plural_translations_are_checked_against_the_english_plural(tmp_path):
    make_course(tmp_path, 'print(ngettext("one photo", "{n} photos", 2))\n')
    translate(tmp_path, {"one photo": ("{n} 张照片",)})
    assert whats_wrong(tmp_path) == {}
    translate(tmp_path, {"one photo": ("一张照片",)})
    assert "placeholders differ" in whats_wrong(tmp_path)["one photo"]


def test_notebook_cells_are_read_as_python_even_with_magics(tmp_path):
    make_course(tmp_path, "", cells=['%matplotlib inline\nprint(tr("hi {name}").format(name=1))',
                                     '!echo shell\nx = ngettext("{n} cat", "{n} cats", 2)'])
    ids = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalogue.extract_messages(tmp_path) if m.id}
    assert set(ids) == {"hi {name}", "{n} cat"}
    assert ids["{n} cat"].auto_comments == ["notebook cell id c1"]


def test_update_keeps_translations_marks_changed_english_fuzzy_and_old_messages_obsolete(tmp_path):
    make_course(tmp_path, 'print(_("The lock protects the counter."))\nprint(_("gone"))\n')
    translate(tmp_path, {"The lock protects the counter.": "锁保护计数器。", "gone": "走了"})
    make_course(tmp_path, 'print(_("The lock protects the shared counter."))\n')
    path, changed = catalogue.update(LOCALE, tmp_path)
    assert changed
    cat = catalogue.load(path, LOCALE)
    entry = cat.get("The lock protects the shared counter.")
    assert entry.string == "锁保护计数器。" and entry.fuzzy
    assert "gone" in cat.obsolete
    assert "#| msgid \"The lock protects the counter.\"" in path.read_text(encoding="utf-8")


def test_an_update_with_nothing_new_leaves_the_file_alone(tmp_path):
    make_course(tmp_path, 'print(_("hello"))\n')
    translate(tmp_path, {"hello": "你好"})
    before = catalogue.po_path(LOCALE, tmp_path).read_text(encoding="utf-8")
    assert catalogue.update(LOCALE, tmp_path) == (catalogue.po_path(LOCALE, tmp_path), False)
    assert catalogue.po_path(LOCALE, tmp_path).read_text(encoding="utf-8") == before


def test_compiled_catalogues_are_read_by_gettext(tmp_path):
    import gettext

    make_course(tmp_path, 'print(_("hello {name}"))\nprint(ngettext("{n} cat", "{n} cats", 2))\n')
    translate(tmp_path, {"hello {name}": "你好，{name}", "{n} cat": ("{n} 只猫",)})
    catalogue.compile_catalogue(LOCALE, tmp_path)
    found = gettext.translation(catalogue.DOMAIN, tmp_path / "helpers" / "locale", languages=[LOCALE])
    assert found.gettext("hello {name}") == "你好，{name}"
    assert found.ngettext("{n} cat", "{n} cats", 7) == "{n} 只猫"


@pytest.mark.parametrize(
    "call",
    ['_(f"{n} photos")', '_("{n} photos".format(n=1))', '_("a" + "b")', 'tr(f"x {y}")', 'N_(f"{a}")'],
)
def test_a_computed_message_is_reported(tmp_path, call):
    make_course(tmp_path, f"n = y = a = 1\nprint({call})\n")
    assert len(catalogue.misused_calls(tmp_path)) == 1


def test_constants_and_marked_names_are_fine(tmp_path):
    make_course(tmp_path, 'LABEL = N_("serial")\nprint(_(LABEL), _("{n} photos").format(n=1))\n')
    assert catalogue.misused_calls(tmp_path) == []


def test_reading_and_writing_the_po_is_a_round_trip_with_a_previous_msgid(tmp_path):
    """Babel reads ``#| msgid`` back as a comment; left alone it would become ``# | msgid`` and pile up."""
    po = tmp_path / "course.po"
    po.write_text(textwrap.dedent('''\
        msgid ""
        msgstr ""
        "Content-Type: text/plain; charset=UTF-8\\n"
        "Language: zh_CN\\n"

        #: helpers/a.py
        #, fuzzy
        #| msgid "Run"
        msgid "running"
        msgstr "运行"
        '''), encoding="utf-8")
    first = catalogue.po_text(catalogue.load(po, "zh_CN"))
    assert '#| msgid "Run"' in first and "# |" not in first
    po.write_text(first, encoding="utf-8")
    assert catalogue.po_text(catalogue.load(po, "zh_CN")) == first


def test_messages_inside_fstrings_are_found_once():
    code = 'who = "me"\nprint(f"{tr(\'this notebook:\')} {who}")\nprint(f"{ngettext(\'one\', \'{n} many\', 2)}")\n'
    found = [message for _line, message, _comments, _context in catalogue._messages(code)]
    assert found.count("this notebook:") == 1
    assert found.count(("one", "{n} many")) == 1
