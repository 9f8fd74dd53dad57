"""The site machinery's pieces, without a kernel or a browser (fast)."""

from __future__ import annotations

import base64
import json

import fixture_course
import nbformat
import pytest
from coursesite import build, editions, execute, shots, sphinx_ext, stage, vendor


def notebook(*cells: tuple[str, str]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    for index, (kind, source) in enumerate(cells):
        cell = nbformat.v4.new_code_cell(source) if kind == "code" else nbformat.v4.new_markdown_cell(source)
        cell.id = f"c{index}"
        nb.cells.append(cell)
    return nb


def test_the_cache_key_follows_code_language_and_environment_but_not_prose():
    base = notebook(("markdown", "# Title"), ("code", "print(1)"))
    key = execute.notebook_key(base, "en", "env")
    prose = notebook(("markdown", "# Another title, reworded"), ("code", "print(1)"))
    assert execute.notebook_key(prose, "en", "env") == key
    assert execute.notebook_key(notebook(("markdown", "# Title"), ("code", "print(2)")), "en", "env") != key
    assert execute.notebook_key(base, "zh_CN", "env") != key  # the Chinese twin has the same code
    assert execute.notebook_key(base, "en", "helpers changed") != key


def test_the_environment_key_changes_with_the_course_files(tmp_path):
    (tmp_path / "requirements.txt").write_text("pillow==1\n")
    before = execute.environment_key(tmp_path)
    (tmp_path / "requirements.txt").write_text("pillow==2\n")
    assert execute.environment_key(tmp_path) != before


def test_merge_keeps_the_current_prose_and_the_executed_outputs():
    source = notebook(("markdown", "new words"), ("code", "print(1)"))
    ran = notebook(("markdown", "old words"), ("code", "print(1)"))
    ran.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    ran.metadata["course_site"] = {"executed": "2026-01-01T00:00:00+00:00"}
    merged = execute.merge(source, ran)
    assert merged.cells[0].source == "new words"
    assert merged.cells[1].outputs[0]["text"] == "1\n"
    assert merged.metadata["course_site"]["executed"].startswith("2026")
    with pytest.raises(ValueError):
        execute.merge(notebook(("code", "print(2)")), ran)


def test_problems_name_errors_tracebacks_glyph_boxes_and_failed_widgets():
    nb = notebook(("code", "a"), ("code", "b"), ("code", "c"), ("code", "d"))
    nb.cells[0].outputs = [nbformat.v4.new_output("error", ename="ValueError", evalue="bad", traceback=[])]
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stderr",
                                                  text="Traceback (most recent call last):\n  ...\n")]
    nb.cells[2].outputs = [nbformat.v4.new_output(
        "stream", name="stderr", text="UserWarning: Glyph 32447 missing from font(s) DejaVu Sans.")]
    nb.cells[3].outputs = [nbformat.v4.new_output("stream", name="stdout", text="all good\n")]
    widget = {"m1": [nbformat.v4.new_output("stream", name="stdout", text="failed: RuntimeError: no\n")]}
    found = execute.problems_in(nb, widget)
    assert [p.split(" ")[0:2] for p in found] == [["cell", "0"], ["cell", "1"], ["cell", "2:"], ["widget", "output"]]
    assert "ValueError: bad" in found[0] and "glyphs" in found[2] and "RuntimeError" in found[3]
    clean = notebook(("code", "x"))
    clean.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text="an error, shown on purpose\n")]
    assert execute.problems_in(clean) == []


def test_the_still_of_a_widget_is_the_last_figure_its_outputs_showed():
    nb = notebook(("code", "w"))
    view = {"application/vnd.jupyter.widget-view+json": {"model_id": "box", "version_major": 2, "version_minor": 0}}
    nb.cells[0].outputs = [nbformat.v4.new_output("display_data", data=view)]
    state = {"out": {"outputs": [{"output_type": "display_data", "data": {"image/png": "Zmlyc3Q="}},
                                 {"output_type": "display_data", "data": {"image/png": "bGFzdA=="}}]}}
    execute._add_stills(nb, [{"view": "box", "pressed": ["Run"], "outputs": ["out"]}], state)
    still = nb.cells[0].outputs[1]
    assert still.metadata[execute.STILL] == {"pressed": ["Run"], "has_image": True}
    assert base64.b64decode(still.data["image/png"]) == b"last"


def test_a_lesson_page_folds_solutions_and_adds_the_run_box_and_stills(tmp_path):
    nb = notebook(("markdown", "# 00 · Title"), ("code", "widget()"), ("code", "assert solved()"))
    nb.cells[2].metadata = {"tags": ["solution"], "jupyter": {"source_hidden": True}}
    nb.cells[1].outputs = [nbformat.v4.new_output(
        "display_data", data={"image/png": base64.b64encode(b"png").decode()},
        metadata={execute.STILL: {"pressed": ["Run"], "has_image": True}})]
    nb.metadata["course_site"] = {"executed": "2026-11-28T00:20:32+00:00", "machine": {
        "python": "3.11.7", "system": "Linux", "machine": "x86_64", "usable_cores": 2, "start_method": "fork"}}
    page = editions.Page("lesson/00_x", tmp_path / "00_x.ipynb", "notebooks/zh-CN/00_x.ipynb")
    staged = stage.lesson_page(nb, page, editions.CHINESE, tmp_path, "owner/repo", "main")
    kinds = [c.get("id") for c in staged.cells]
    assert kinds == ["c0", "course-site-run", "c1", "course-site-widget-1", "c2"]
    box = staged.cells[1].source
    assert "https://mybinder.org/v2/gh/owner/repo/main?urlpath=lab/tree/notebooks/zh-CN/00_x.ipynb" in box
    assert "../../index.md" in box and "3.11.7" in box and "2026-11-28 00:20 UTC" in box and "运行本课" in box
    assert "hide-input" in staged.cells[4].metadata["tags"]
    assert staged.cells[2].outputs == []  # the still moved into its own figure
    assert "_stills/00_x-1.png" in staged.cells[3].source
    assert (tmp_path / "notebooks" / "zh-CN" / "_stills" / "00_x-1.png").read_bytes() == b"png"


def test_a_solutions_hidden_explanation_is_folded_too(tmp_path):
    nb = notebook(("markdown", "# 00 · Title"), ("code", "assert solved()"), ("markdown", "**Why.** Because."))
    for cell in nb.cells[1:]:
        cell.metadata = {"tags": ["solution"], "jupyter": {"source_hidden": True}}
    page = editions.Page("lesson/00_x", tmp_path / "00_x.ipynb", "notebooks/00_x.ipynb")
    staged = stage.lesson_page(nb, page, editions.ENGLISH, tmp_path, "owner/repo", "main")
    folded = staged.cells[-1].source
    assert folded.startswith("```{raw} html\n<details") and folded.rstrip().endswith("</details>\n```")
    assert "**Why.** Because." in folded and "Show why the solution works" in folded


def test_pages_of_each_edition_and_the_fallbacks(tmp_path):
    course = fixture_course.make(tmp_path)
    english = {p.key: p for p in editions.pages(course, editions.ENGLISH)}
    chinese = {p.key: p for p in editions.pages(course, editions.CHINESE)}
    assert set(english) == set(chinese) == {"index", "lesson/00_fixture", "doc/INSTRUCTOR", "doc/GLOSSARY", "credits"}
    assert chinese["lesson/00_fixture"].staged == "notebooks/zh-CN/00_fixture.ipynb"
    assert chinese["index"].source.name == "README.zh-CN.md" and chinese["index"].translated
    assert chinese["doc/INSTRUCTOR"].staged == "docs/INSTRUCTOR.md" and not chinese["doc/INSTRUCTOR"].translated
    assert english["doc/INSTRUCTOR"].translated
    assert [e.code for e in editions.available(course)] == ["en", "zh-CN"]
    assert editions.lessons(course, editions.ENGLISH, ["01"]) == []
    assert editions.lesson_filter("00, 02 ") == ["00", "02"] and editions.lesson_filter("") is None


SITE = {
    "course": "", "repository": "owner/repo", "branch": "main",
    "editions": {
        "en": {"pages": {"index": {"doc": "index", "source": "README.md"},
                         "lesson/00_a": {"doc": "notebooks/00_a", "source": "notebooks/00_a.ipynb"},
                         "doc/GUIDE": {"doc": "docs/GUIDE", "source": "docs/GUIDE.md"}}},
        "zh-CN": {"pages": {"index": {"doc": "index", "source": "README.zh-CN.md"},
                            "lesson/00_a": {"doc": "notebooks/zh-CN/00_a", "source": "notebooks/zh-CN/00_a.ipynb"}}},
    },
}


def test_the_language_switch_leads_to_the_twin_or_the_home_page():
    assert sphinx_ext.twin_url(SITE, "en", "notebooks/00_a") == ("zh-CN", "../../zh-CN/notebooks/zh-CN/00_a.html")
    assert sphinx_ext.twin_url(SITE, "zh-CN", "notebooks/zh-CN/00_a") == ("en", "../../../en/notebooks/00_a.html")
    assert sphinx_ext.twin_url(SITE, "en", "docs/GUIDE") == ("zh-CN", "../../zh-CN/index.html")
    assert sphinx_ext.twin_url(SITE, "en", "search") == ("zh-CN", "../zh-CN/search.html")
    alone = {**SITE, "editions": {"en": SITE["editions"]["en"]}}
    assert sphinx_ext.twin_url(alone, "en", "index") is None


def test_links_that_leave_the_staged_tree(tmp_path):
    (tmp_path / "helpers").mkdir()
    (tmp_path / "LICENSE").write_text("MIT")
    site = {**SITE, "course": str(tmp_path)}
    resolve = sphinx_ext.resolve_outside
    assert resolve(site, "en", "notebooks/00_a", "../README.md#start-here") == "../index.html#start-here"
    assert resolve(site, "en", "index", "README.zh-CN.md") == "../zh-CN/index.html"
    assert resolve(site, "zh-CN", "notebooks/zh-CN/00_a", "../../LICENSE") == \
        "https://github.com/owner/repo/blob/main/LICENSE"
    assert resolve(site, "en", "index", "helpers") == "https://github.com/owner/repo/tree/main/helpers"
    assert resolve(site, "en", "index", "no/such/file.py") is None
    assert resolve(site, "en", "index", "https://example.org/x") is None


def test_headings_get_the_anchors_github_gives_them():
    assert sphinx_ext.github_slug("Tests and benchmark (for instructors)") == "tests-and-benchmark-for-instructors"
    assert sphinx_ext.github_slug("ModuleNotFoundError: No module named 'helpers'") == \
        "modulenotfounderror-no-module-named-helpers"
    assert sphinx_ext.github_slug("从这里开始") == "从这里开始"


def test_the_chinese_search_stemmer_is_repaired(tmp_path):
    static = tmp_path / "_static"
    static.mkdir()
    (static / "language_data.js").write_text("var EnglishStemmer=function(){};\nwindow.Stemmer = ChineseStemmer;\n")

    class App:
        outdir = tmp_path

        class builder:  # stands for Sphinx's builder object
            format = "html"

    sphinx_ext.fix_chinese_stemmer(App, None)
    assert (static / "language_data.js").read_text().endswith("window.Stemmer = EnglishStemmer;\n")


def test_vendored_files_keep_their_folders():
    assert vendor._relative_under("package/es5/output/chtml/fonts/woff-v2/a.woff", "package/es5/output/chtml/*") \
        == "fonts/woff-v2/a.woff"
    assert vendor._relative_under("package/dist/embed-amd.js", "package/dist/embed-amd.js") == "embed-amd.js"
    assert all(p.integrity.startswith("sha512-") for p in vendor.PACKAGES)


def test_the_landing_page_links_each_edition_or_goes_straight_to_the_only_one():
    english, chinese = {"html_lang": "en", "title": "Course"}, {"html_lang": "zh-CN", "title": "课程"}
    both = build.landing_page({"editions": {"en": english, "zh-CN": chinese}})
    assert 'href="en/index.html"' in both and 'href="zh-CN/index.html"' in both and "refresh" not in both
    assert ">课程</a>" in both and "<title>Course · 课程</title>" in both
    one = build.landing_page({"editions": {"en": english}})
    assert 'http-equiv="refresh" content="0; url=en/index.html"' in one


def test_the_mirror_links_files_and_leaves_pages_to_the_staging(tmp_path):
    source, target = tmp_path / "images", tmp_path / "staged" / "images"
    (source / "more").mkdir(parents=True)
    (source / "a.jpg").write_bytes(b"a")
    (source / "more" / "b.jpg").write_bytes(b"b")
    (source / "SOURCES.md").write_text("# credits")
    stage.mirror(source, target)
    assert (target / "more" / "b.jpg").read_bytes() == b"b" and not (target / "SOURCES.md").exists()
    (source / "a.jpg").unlink()
    (target / "SOURCES.md").write_text("# staged by the site")
    stage.mirror(source, target)
    assert not (target / "a.jpg").exists() and (target / "SOURCES.md").read_text() == "# staged by the site"


def test_the_site_description_lists_pages_with_their_sources(tmp_path):
    course = fixture_course.make(tmp_path / "course")
    site = build.site_description(course, editions.available(course), None, "o/r", "main", tmp_path)
    pages = site["editions"]["zh-CN"]["pages"]
    assert pages["lesson/00_fixture"]["source"] == "notebooks/zh-CN/00_fixture.ipynb"
    assert site["lessons"] == [] and json.dumps(site)
    assert site["editions"]["en"]["title"] == "Fixture course" and site["editions"]["zh-CN"]["title"] == "测试课程"


def test_a_widget_without_a_figure_gets_a_box_that_a_screenshot_fills(tmp_path):
    nb = notebook(("markdown", "# 00 · Title"), ("code", "demo.widget()"))
    nb.cells[1].outputs = [nbformat.v4.new_output(
        "display_data", data={"text/plain": ""}, metadata={execute.STILL: {"pressed": ["Start"], "has_image": False}})]
    page = editions.Page("lesson/00_x", tmp_path / "00_x.ipynb", "notebooks/00_x.ipynb")
    staged = stage.lesson_page(nb, page, editions.ENGLISH, tmp_path, "owner/repo", "main")
    assert staged.cells[3].source.startswith("```{container} course-still-shot course-still-shot-1")
    html = ('<div class="cell">widget</div>\n<div class="course-still-shot course-still-shot-1 docutils container">\n'
            "<p>caption</p>\n</div>\n")
    assert shots.pending(html) == [1]
    done = shots.with_picture(html, 1, "../_images/x.png", "alt")
    assert '<img class="course-still-img" src="../_images/x.png" alt="alt" />\n<p>caption' in done
    assert shots.pending(done) == [] and shots.with_picture(done, 1, "y.png", "alt") == done


def test_the_repository_comes_from_a_github_origin(tmp_path):
    import subprocess

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    assert build.repository_from_git(tmp_path) is None
    for url in ("https://github.com/someone/their-course.git", "git@github.com:someone/their-course.git"):
        subprocess.run(["git", "-C", str(tmp_path), "remote", "remove", "origin"], capture_output=True)
        subprocess.run(["git", "-C", str(tmp_path), "remote", "add", "origin", url], check=True)
        assert build.repository_from_git(tmp_path) == "someone/their-course"
