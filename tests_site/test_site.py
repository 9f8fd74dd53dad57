"""The site ``make site`` built (site/_build/html), every page of every edition.

Run ``make site`` first; ``make test-site`` runs this. A site built for a few
lessons only (``make site LESSONS="00 02"``) is tested as far as it goes, and the
test that wants every lesson says it was skipped.
"""

from __future__ import annotations

import pytest
from conftest import ARTIFACTS, BUILT, COURSE
from site_checks import (
    broken_links,
    html_pages,
    offline_problems,
    open_page,
    open_solution,
    page_problems,
    search_hits,
)

PAGES = html_pages(BUILT) if (BUILT / "site.json").is_file() else []
SEARCH_TERMS = {"en": "thread", "zh-CN": "线程"}


def test_the_site_is_built():
    assert (BUILT / "site.json").is_file(), f"no site in {BUILT}: run `make site` first"
    assert PAGES


@pytest.mark.parametrize("path", PAGES)
def test_page(context, built_site, path):
    assert page_problems(context, built_site, path) == []


def test_no_broken_links(built_site):
    assert broken_links(built_site.folder) == []


def test_every_lesson_in_every_edition(built_site):
    if built_site.manifest["lessons"]:
        pytest.skip(f"the site was built for lessons {built_site.manifest['lessons']} only")
    course = {"en": COURSE / "notebooks", "zh-CN": COURSE / "notebooks" / "zh-CN"}
    if any(course["zh-CN"].glob("[0-9][0-9]_*.ipynb")):
        assert "zh-CN" in built_site.editions, "the course has Chinese lessons: the site must have them"
    for edition in built_site.editions:
        expected = {f"lesson/{p.stem}" for p in course[edition].glob("[0-9][0-9]_*.ipynb")}
        assert set(built_site.lessons(edition)) == expected
    if len(built_site.editions) > 1:
        assert set(built_site.lessons("en")) == set(built_site.lessons("zh-CN"))


def test_each_lesson_ran_in_its_editions_language(built_site):
    for edition in built_site.editions:
        wanted = built_site.manifest["editions"][edition]["course_lang"]
        ran = {key: info["executed"]["machine"]["course_lang"] for key, info in built_site.lessons(edition).items()}
        assert set(ran.values()) == {wanted}, ran


def test_chinese_figures_are_drawn_with_a_cjk_font(built_site):
    if "zh-CN" not in built_site.editions:
        pytest.skip("no Chinese edition in this course yet (issue 14)")
    wrong = {key: info["executed"]["machine"]["figure_fonts"] for key, info in built_site.lessons("zh-CN").items()
             if info["executed"]["figures"] and not any(f["cjk"] for f in info["executed"]["machine"]["figure_fonts"])}
    assert wrong == {}


@pytest.mark.parametrize("edition", ["en", "zh-CN"])
def test_search(context, built_site, edition):
    if edition not in built_site.editions:
        pytest.skip(f"no {edition} edition")
    assert search_hits(context, built_site, edition, SEARCH_TERMS[edition]) >= 1


def test_solutions_are_folded_and_open_on_a_click(context, built_site):
    for edition in built_site.editions:
        folded = [p for p in PAGES if p.startswith(f"{edition}/") and "details class=\"admonition hide above-input"
                  in (BUILT / p).read_text(encoding="utf-8")]
        if folded:
            assert open_solution(context, built_site, folded[0]) == (True, True), folded[0]


@pytest.mark.parametrize("edition", ["en", "zh-CN"])
def test_screenshot_of_a_lesson(context, built_site, edition):
    """Saved for a person to look at: test-artifacts/site-<edition>-<lesson>.png."""
    if edition not in built_site.editions:
        pytest.skip(f"no {edition} edition")
    lessons = sorted(built_site.lessons(edition).values(), key=lambda p: p["doc"])
    lesson = next((p for p in lessons if "01_" in p["doc"]), lessons[0])
    page, _ = open_page(context, built_site, f"{edition}/{lesson['doc']}.html")
    try:
        shot = ARTIFACTS / f"site-{edition}-{lesson['doc'].rsplit('/', 1)[-1]}.png"
        page.screenshot(path=str(shot), full_page=True)
    finally:
        page.close()
    assert shot.stat().st_size > 50_000


@pytest.mark.parametrize("edition", ["en", "zh-CN"])
def test_lessons_open_from_disk_with_the_network_off(browser, built_site, edition):
    if edition not in built_site.editions:
        pytest.skip(f"no {edition} edition")
    problems = {}
    for lesson in built_site.lessons(edition).values():
        found = offline_problems(browser, built_site.folder, f"{edition}/{lesson['doc']}.html")
        if found:
            problems[lesson["doc"]] = found
    assert problems == {}
