"""The shared instruments every lesson leans on: language choice, folders, the span recorder."""

import asyncio
import os
import threading
from pathlib import Path

import pytest

from helpers import i18n, paths
from helpers.source import show_source
from helpers.timeline import Recorder, max_overlap


@pytest.mark.parametrize(
    ("folder", "environ", "expected"),
    [
        ("/home/me/course/notebooks", {}, "en"),
        ("/home/me/course/notebooks/zh-CN", {}, "zh_CN"),
        ("/home/me/course/notebooks/zh-CN", {"COURSE_LANG": "en"}, "en"),
        ("/home/me/course/notebooks", {"COURSE_LANG": "zh-CN"}, "zh_CN"),
        ("/home/me/course/notebooks", {"COURSE_LANG": "zh_CN.UTF-8"}, "zh_CN"),
        ("/home/me/course/notebooks", {"COURSE_LANG": "klingon"}, "en"),
    ],
)
def test_the_language_comes_from_the_environment_then_the_folder(folder, environ, expected):
    assert i18n.detect_language(Path(folder), environ) == expected


def test_the_chosen_language_is_passed_on_to_child_processes(monkeypatch):
    monkeypatch.setattr(i18n, "_language", i18n.ENGLISH)
    monkeypatch.setenv(i18n.ENV, "en")
    i18n.set_language("zh-CN")
    assert i18n.language() == "zh_CN"
    assert os.environ[i18n.ENV] == "zh_CN"
    i18n.set_language("en")
    assert i18n.language() == "en"


def test_an_untranslated_message_comes_back_unchanged():
    assert i18n.tr("no catalogue has this sentence 8f2a") == "no catalogue has this sentence 8f2a"
    assert i18n.ngettext("one photo", "{n} photos", 3) == "{n} photos"


def test_the_course_root_is_found_from_a_lesson_folder_in_either_edition(tmp_path):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "SOURCES.md").write_text("credits")
    chinese = tmp_path / "notebooks" / "zh-CN"
    chinese.mkdir(parents=True)
    assert paths.find_root(chinese) == tmp_path.resolve()
    assert paths.find_root(tmp_path / "notebooks") == tmp_path.resolve()


def test_without_a_course_folder_the_package_folder_is_the_root(tmp_path):
    assert paths.find_root(tmp_path) == Path(paths.__file__).resolve().parent.parent
    assert (paths.ROOT / "images" / "SOURCES.md").is_file()


def test_the_recorder_records_threads_and_tasks_by_name():
    recorder = Recorder()
    release = threading.Barrier(3)

    @recorder.traced(lambda n: f"job {n}")
    def job(n):
        release.wait(timeout=5)  # all three inside at once: their spans must overlap
        return n * 2

    threads = [threading.Thread(target=job, args=(n,), name=f"t{n}") for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=5)
    assert sorted((s.task, s.thread) for s in recorder.spans) == [("job 0", "t0"), ("job 1", "t1"), ("job 2", "t2")]
    assert max_overlap(recorder.spans) == 3

    @recorder.traced()
    async def fetch():
        await asyncio.sleep(0)
        return "ok"

    async def main():
        return await asyncio.gather(asyncio.create_task(fetch(), name="first"),
                                    asyncio.create_task(fetch(), name="second"))

    assert asyncio.run(main()) == ["ok", "ok"]
    assert {s.thread for s in recorder.spans if s.task == "fetch"} == {"first", "second"}
    recorder.restart()
    assert recorder.spans == []


def test_a_span_is_recorded_even_when_the_block_raises():
    recorder = Recorder()
    with pytest.raises(ValueError), recorder.span("doomed"):
        raise ValueError("boom")
    assert [s.task for s in recorder.spans] == ["doomed"]


def test_show_source_highlights_a_module_function():
    code = show_source(paths.find_root)
    assert "def find_root" in code.data
    assert "python" in code._repr_html_() or code.language == "python"


def test_tidy_drops_the_space_after_chinese_punctuation_only_in_chinese(monkeypatch):
    monkeypatch.setattr(i18n, "_language", i18n.CHINESE)
    assert i18n.tidy("第一句。 第二句！ 第三句") == "第一句。第二句！第三句"
    assert i18n.tidy("x = 1。 y") == "x = 1。y"
    monkeypatch.setattr(i18n, "_language", i18n.ENGLISH)
    assert i18n.tidy("One. Two.") == "One. Two."
