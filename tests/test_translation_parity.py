"""The Chinese notebooks are twins of the English ones: same cells, same code, up-to-date translations."""

import copy
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tools import parity, translations

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "i18n" / "notebooks"
CHINESE = sorted((ROOT / "notebooks" / "zh-CN").glob("*.ipynb")) + sorted((FIXTURES / "zh-CN").glob("*.ipynb"))


@pytest.mark.parametrize("chinese", CHINESE, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_each_chinese_notebook_is_an_up_to_date_twin_of_its_english_one(chinese):
    english = parity.twin(chinese)
    assert english.exists(), f"{chinese.name} has no English twin"
    problems = parity.compare(parity.read(english), parity.read(chinese), chinese.stem)
    problems += parity.broken_links(chinese)
    assert not problems, "\n" + "\n".join(map(str, problems))


def test_every_lesson_has_a_chinese_twin():
    missing = translations.untwinned()
    assert not missing, (f"no Chinese twin: {', '.join(p.stem[:2] for p in missing)} "
                         "(python -m tools.translations new LESSON)")


# Breaking the fixture twins on purpose: each kind of drift is caught and named.


@pytest.fixture
def pair():
    english = parity.read(FIXTURES / "00_edition_fixture.ipynb")
    chinese = parity.read(FIXTURES / "zh-CN" / "00_edition_fixture.ipynb")
    assert parity.compare(english, chinese, "00_edition_fixture") == []
    return english, chinese


def problems(english, chinese) -> list[str]:
    return [str(p) for p in parity.compare(english, chinese, "00_edition_fixture")]


def cell(notebook, cell_id):
    return next(c for c in notebook["cells"] if c["id"] == cell_id)


def test_a_changed_english_cell_makes_its_translation_stale(pair):
    english, chinese = pair
    cell(english, "fixture-002")["source"] += "\nA sentence added later."
    assert problems(english, chinese) == [
        "zh-CN/00_edition_fixture.ipynb cell 2 (id fixture-002): the English cell changed after it was translated: "
        "see `python -m tools.translations status`, update the translation, then "
        "`python -m tools.translations accept 00_edition_fixture --cell fixture-002`"]


def test_a_cell_added_on_one_side_only_is_named(pair):
    english, chinese = pair
    english["cells"].insert(3, {"cell_type": "markdown", "id": "fixture-new", "metadata": {}, "source": "New."})
    assert problems(english, chinese) == [
        "zh-CN/00_edition_fixture.ipynb cell 3 (id fixture-new): added to the English notebook only: "
        "run `python -m tools.translations sync 00_edition_fixture`"]
    english, chinese = pair
    english = parity.read(FIXTURES / "00_edition_fixture.ipynb")
    chinese["cells"].insert(1, {"cell_type": "markdown", "id": "zh-only", "metadata": {}, "source": "多余。"})
    assert problems(english, chinese)[0].startswith(
        "zh-CN/00_edition_fixture.ipynb cell 1 (id zh-only): in the Chinese notebook only")


def test_a_cell_still_in_english_is_caught(pair):
    english, chinese = pair
    cell(chinese, "fixture-004")["source"] = cell(english, "fixture-004")["source"]
    assert problems(english, chinese) == [
        "zh-CN/00_edition_fixture.ipynb cell 4 (id fixture-004): still English: "
        "'## A widget'"]


def test_a_half_translated_paragraph_is_caught(pair):
    english, chinese = pair
    cell(chinese, "fixture-006")["source"] += "\nThe rest of this paragraph was never translated into Chinese."
    assert "still English" in problems(english, chinese)[0]


def test_a_code_cell_must_be_byte_identical(pair):
    english, chinese = pair
    cell(chinese, "fixture-007")["source"] = parity.source_of(cell(chinese, "fixture-007")) + " "
    assert "code differs from the English cell" in problems(english, chinese)[0]


def test_tags_and_hidden_state_are_shared(pair):
    english, chinese = pair
    cell(english, "fixture-007")["metadata"] = {"tags": ["solution"], "jupyter": {"source_hidden": True}}
    assert "tags or hidden state differ" in problems(english, chinese)[0]


def test_the_order_of_the_cells_is_shared(pair):
    english, chinese = pair
    chinese["cells"][0], chinese["cells"][2] = chinese["cells"][2], chinese["cells"][0]
    assert "different order" in "\n".join(problems(english, chinese))


def test_outputs_in_a_chinese_notebook_are_caught(pair):
    english, chinese = pair
    cell(chinese, "fixture-001")["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x"}]
    assert "has outputs" in problems(english, chinese)[0]


def test_a_skeleton_copies_code_and_asks_for_every_prose_cell(pair):
    english, _chinese = pair
    english["cells"].append({"cell_type": "markdown", "id": "picture", "metadata": {},
                             "source": "![](../docs/images/gil.svg)\n\n$$S = 1 / (s + (1 - s) / n)$$"})
    new = parity.skeleton(english)
    found = problems(english, new)
    assert [p.split(" (id ")[1].split(")")[0] for p in found] == ["fixture-000", "fixture-002", "fixture-004",
                                                                  "fixture-006"]
    assert all("needs translation" in p for p in found)
    assert cell(new, "picture")["source"] == "![](../../docs/images/gil.svg)\n\n$$S = 1 / (s + (1 - s) / n)$$"
    assert [c["source"] for c in new["cells"] if c["cell_type"] == "code"] == \
        [c["source"] for c in english["cells"] if c["cell_type"] == "code"]


def test_sync_repairs_structure_and_code_and_keeps_translations(pair):
    english, chinese = pair
    english["cells"].insert(1, {"cell_type": "markdown", "id": "added", "metadata": {}, "source": "Added."})
    english["cells"] = [c for c in english["cells"] if c["id"] != "fixture-006"]
    cell(english, "fixture-003")["source"] = "print(1)"
    cell(english, "fixture-004")["metadata"]["tags"] = ["exercise"]
    synced, changes = parity.sync(english, chinese)
    assert changes == ["cell added: new, to translate", "cell fixture-003: code copied from English",
                       "cell fixture-006: dropped (not in English any more)"]
    assert [str(p).split(": ")[1] for p in parity.compare(english, synced, "x")] == ["needs translation (then run "
                                                                                     "`python -m tools.translations "
                                                                                     "accept x`)"]
    assert cell(synced, "fixture-004")["source"] == cell(chinese, "fixture-004")["source"]
    assert cell(synced, "fixture-004")["metadata"]["tags"] == ["exercise"]


def test_accept_takes_chinese_cells_and_refuses_english_and_stale_ones(pair):
    english, _chinese = pair
    new = parity.skeleton(english)
    cell(new, "fixture-002")["source"] = "## 一张图\n\n所有文字都来自消息目录。"
    accepted_nb, accepted, refused = parity.accept(english, new)
    assert accepted == ["fixture-002"]
    assert refused == ["fixture-000", "fixture-004", "fixture-006"]
    cell(english, "fixture-002")["source"] += " Changed."
    _nb, accepted, _refused = parity.accept(english, accepted_nb)
    assert "fixture-002" not in accepted  # stale: only when named
    nb, accepted, _refused = parity.accept(english, accepted_nb, cell_ids=["fixture-002"])
    assert accepted == ["fixture-002"]
    assert not any("fixture-002" in str(p) for p in parity.compare(english, nb, "x"))


def test_a_cell_right_in_english_is_accepted_only_when_named_as_such(pair):
    english, chinese = pair
    new = copy.deepcopy(chinese)
    cell(new, "fixture-006")["source"] = "Python, Pillow, matplotlib"
    cell(new, "fixture-006")["metadata"]["translation"]["english"] = None
    _nb, accepted, refused = parity.accept(english, new, cell_ids=["fixture-006"])
    assert (accepted, refused) == ([], ["fixture-006"])
    nb, accepted, _refused = parity.accept(english, new, cell_ids=["fixture-006"], english_ok=True)
    assert accepted == ["fixture-006"]
    assert cell(nb, "fixture-006")["metadata"]["translation"]["english_ok"] is True
    assert parity.compare(english, nb, "x") == []


@pytest.mark.parametrize(
    "text",
    [
        "## Key points",
        "## Exercises",
        "macOS and Windows behave the same here.",
        "- 线程共享内存\n- Processes own their memory",
        "这一段翻译了。 The rest of this paragraph explains how the lock protects the counter.",
        "![a timeline of four threads](../x.svg)",
        "| start method | seconds |\n|---|---|\n| fork | 0.1 |",
        "See [the Python docs](https://docs.python.org) for more.",
    ],
)
def test_english_prose_is_recognised(text):
    assert parity.english_left(text)


@pytest.mark.parametrize(
    "text",
    [
        "## 要点",
        "用 `threading.Lock` 保护共享计数器，lost update 就不会再发生。",
        "Python 3.13t 上的自由线程构建（free-threaded build）没有 GIL。",
        "```python\nwith lock:\n    counter += 1\n```\n\n上面的代码在持有锁时修改计数器。",
        "$$S(n) = \\frac{1}{s + (1 - s)/n}$$\n\n这就是阿姆达尔定律。",
        "参见 [Thread State and the Global Interpreter Lock](https://docs.python.org/3/c-api/init.html)。",
        "![进程与线程](../../docs/images/process-vs-thread.svg)",
        "**Python 3.11–3.15**",
        "| 启动方式 | 秒 |\n|---|---|\n| `fork` | 0.1 |",
        "<details><summary>提示</summary>\n\n用 `with lock:`。\n</details>",
    ],
)
def test_chinese_prose_with_code_terms_and_formulas_passes(text):
    assert parity.english_left(text) is None


def test_relative_links_go_one_folder_deeper_and_broken_ones_are_found(tmp_path):
    assert parity.deeper_links("[s](../README.md) ![g](../docs/g.svg) [n](03_x.ipynb) <img src='../i.png'>") == \
        "[s](../../README.md) ![g](../../docs/g.svg) [n](03_x.ipynb) <img src='../../i.png'>"
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "g.svg").write_text("<svg/>")
    chinese = tmp_path / "notebooks" / "zh-CN" / "01_x.ipynb"
    parity.write(chinese, {"cells": [{"cell_type": "markdown", "id": "a", "metadata": {},
                                      "source": "![g](../../docs/g.svg) ![h](../docs/g.svg) [web](https://x.org) "
                                                "[next](02_y.ipynb#top)"}],
                           "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    (tmp_path / "notebooks" / "02_y.ipynb").write_text("{}")  # an English lesson with no Chinese twin yet
    assert parity.broken_links(chinese) == [
        "01_x.ipynb cell 0 (id a): no file ../docs/g.svg",
        "01_x.ipynb cell 0 (id a): no file 02_y.ipynb (start its Chinese twin: python -m tools.translations new 02_y)"]


def test_the_english_a_stale_cell_was_translated_from_is_found_in_git_history(tmp_path, pair):
    english, _chinese = pair
    run = lambda *args: subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)  # noqa: E731
    run("init", "-q")
    path = tmp_path / "notebooks" / "01_x.ipynb"
    parity.write(path, english)
    run("add", ".")
    run("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "v1")
    old = parity.source_of(cell(english, "fixture-002"))
    cell(english, "fixture-002")["source"] = old + "\nMore."
    parity.write(path, english)
    run("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "v2")
    found = parity.english_when_translated(path, "fixture-002", parity.cell_hash(old), root=tmp_path)
    assert found == old
    assert "+More." in parity.english_diff(found, old + "\nMore.")


def test_the_command_line_creates_a_twin_and_reports_what_is_left(tmp_path, capsys):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copy(FIXTURES / "00_edition_fixture.ipynb", folder)
    assert translations.main(["--notebooks", str(folder), "new", "00"]) == 0
    chinese = folder / "zh-CN" / "00_edition_fixture.ipynb"
    assert chinese.exists()
    capsys.readouterr()
    assert translations.main(["--notebooks", str(folder), "status"]) == 1
    out = capsys.readouterr().out
    assert "zh-CN/00_edition_fixture.ipynb cell 0 (id fixture-000): needs translation" in out
    assert translations.main(["--notebooks", str(folder), "new", "00"]) == 1  # never overwrites a translation
    saved = json.loads(chinese.read_text(encoding="utf-8"))
    assert isinstance(saved["cells"][0]["source"], list)  # as JupyterLab writes it
    assert list(saved["cells"][0]) == sorted(saved["cells"][0])
