"""The site machinery end to end on a two-language fixture course (see fixture_course.py).

The real Chinese edition may not exist yet; this proves what the site does with
one: Chinese lessons executed in Chinese, twins linked both ways, CJK fonts in the
page and the figures, Chinese search, the cache, and every page clean.
"""

from __future__ import annotations

from site_checks import (
    TOFU,
    broken_links,
    html_pages,
    offline_problems,
    open_solution,
    page_problems,
    parsed,
    search_hits,
)

EN_LESSON = "en/notebooks/00_fixture.html"
ZH_LESSON = "zh-CN/notebooks/zh-CN/00_fixture.html"


def test_every_page_is_clean(context, fixture_site):
    pages = html_pages(fixture_site.folder)
    assert EN_LESSON in pages and ZH_LESSON in pages
    problems = {path: found for path in pages if (found := page_problems(context, fixture_site, path))}
    assert problems == {}


def test_each_edition_ran_in_its_language(fixture_site):
    english = (fixture_site.folder / EN_LESSON).read_text(encoding="utf-8")
    chinese = (fixture_site.folder / ZH_LESSON).read_text(encoding="utf-8")
    assert "hello from the kernel" in english and "来自内核的问候" not in english.split("HELLO")[-1]
    assert "来自内核的问候</pre>" in chinese.replace("\n", "")
    ran = fixture_site.lessons("zh-CN")["lesson/00_fixture"]["executed"]["machine"]
    assert ran["course_lang"] == "zh_CN"


def test_chinese_figures_are_drawn_with_a_cjk_font(fixture_site):
    ran = fixture_site.lessons("zh-CN")["lesson/00_fixture"]["executed"]
    assert ran["figures"] >= 1
    assert any(font["cjk"] for font in ran["machine"]["figure_fonts"]), ran["machine"]["figure_fonts"]


def test_a_second_build_executes_nothing(fixture_build):
    _, (first, second) = fixture_build
    assert first.count("executed in") == 2  # one lesson in each edition
    assert second.count("from the cache") == 2 and "executed in" not in second


def test_links_to_files_and_to_the_other_edition(fixture_site):
    home = parsed(fixture_site.folder / "en" / "index.html").links
    assert "https://github.com/example/fixture-course/blob/main/LICENSE" in home
    assert "https://github.com/example/fixture-course/tree/main/helpers" in home
    assert "../zh-CN/index.html" in home  # README.md links README.zh-CN.md
    lesson = parsed(fixture_site.folder / ZH_LESSON).links
    assert "../../index.html" in lesson  # README.zh-CN.md is the Chinese home page
    assert "../../../en/notebooks/00_fixture.html" in lesson  # the language switch


def test_a_page_not_yet_translated_says_so(fixture_site):
    guide = (fixture_site.folder / "zh-CN" / "docs" / "INSTRUCTOR.html").read_text(encoding="utf-8")
    assert "本页尚无中文版" in guide
    assert "Instructor's guide" in guide.replace("&#39;", "'")


def test_no_broken_links(fixture_site):
    assert broken_links(fixture_site.folder) == []


def test_search_in_both_languages(context, fixture_site):
    assert search_hits(context, fixture_site, "en", "thread") >= 1
    assert search_hits(context, fixture_site, "zh-CN", "线程") >= 1


def test_solutions_are_folded_and_open_on_a_click(context, fixture_site):
    for lesson in (EN_LESSON, ZH_LESSON):
        assert open_solution(context, fixture_site, lesson) == (True, True)


def test_widgets_have_a_still_picture(fixture_site):
    for lesson in (EN_LESSON, ZH_LESSON):
        html = (fixture_site.folder / lesson).read_text(encoding="utf-8")
        assert 'class="course-still' in html and "_images/" in html.split('class="course-still')[1][:600]


def test_pages_open_from_disk_with_the_network_off(browser, fixture_site):
    for lesson in (EN_LESSON, ZH_LESSON):
        assert offline_problems(browser, fixture_site.folder, lesson) == []


def test_the_glyph_check_sees_boxes(context):
    """The check itself: Chinese and emoji with their fonts pass, a character no font has is a box."""
    page = context.new_page()
    try:
        page.set_content('<p style="font-family: sans-serif">线程与进程 ❌ · \U00030000</p>')
        found = page.evaluate(TOFU)
    finally:
        page.close()
    assert found["checked"] == 7  # 线 程 与 进 ❌ ·, and the one no font has
    assert found["missing"] == ["\U00030000"]
