"""The language is chosen from outside the code, and every process of a lesson speaks it."""

import os
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pytest

from helpers import i18n


@pytest.fixture
def speak(monkeypatch):
    """Switch this process's language for one test; the previous one comes back after."""
    monkeypatch.setattr(i18n, "_language", i18n.language())
    monkeypatch.setattr(i18n, "_reason", i18n._reason)
    monkeypatch.setenv(i18n.ENV, i18n.language())
    before = i18n.language()
    yield i18n.set_language
    i18n.set_language(before)


@pytest.mark.parametrize(
    ("folder", "environ", "expected"),
    [
        ("/course/notebooks/zh_CN", {}, "zh_CN"),
        ("/course/notebooks/ZH-CN/sub", {}, "zh_CN"),
        ("/course/notebooks/zh-CN", {"COURSE_LANG": ""}, "zh_CN"),  # empty means unset
        ("/course/notebooks/zh-CN", {"COURSE_LANG": "en_GB.UTF-8"}, "en"),
        ("/course/notebooks", {"COURSE_LANG": "zh"}, "zh_CN"),
        ("/course/notebooks", {"COURSE_LANG": "zh-Hans"}, "zh_CN"),
        ("/course/zh-TW", {}, "en"),
    ],
)
def test_the_environment_wins_then_the_folder_decides(folder, environ, expected):
    assert i18n.detect_language(Path(folder), environ) == expected


def test_a_deleted_working_folder_means_english(monkeypatch):
    def gone():
        raise FileNotFoundError("the folder was deleted")

    monkeypatch.setattr(Path, "cwd", staticmethod(gone))
    assert i18n.detect_language(environ={}) == "en"


def test_messages_come_from_the_catalogue_in_chinese_and_unchanged_in_english(speak):
    speak("zh_CN")
    assert i18n._("Simplified Chinese") == "简体中文"
    assert i18n.tr("Course language: {language} ({reason})") == "课程语言：{language}（{reason}）"
    assert i18n.ngettext("{n} worker finished.", "{n} workers finished.", 1) == "{n} 个工作者已完成。"
    assert i18n.ngettext("{n} worker finished.", "{n} workers finished.", 5) == "{n} 个工作者已完成。"
    speak("en")
    assert i18n._("Simplified Chinese") == "Simplified Chinese"
    assert i18n.ngettext("{n} worker finished.", "{n} workers finished.", 1) == "{n} worker finished."
    assert i18n.ngettext("{n} worker finished.", "{n} workers finished.", 5) == "{n} workers finished."


def test_marked_constants_are_translated_where_shown(speak):
    label = i18n.N_("English")
    assert label == "English"
    speak("zh_CN")
    assert i18n._(label) == "英文"


def test_the_set_up_check_can_say_which_language_and_why(speak):
    speak("zh_CN")
    assert i18n.describe() == "课程语言：简体中文（由 set_language() 设定）"
    speak("en")
    assert i18n.describe() == "Course language: English (set by set_language())"


def run_python(code: str, cwd: Path, **env: str) -> str:
    environ = {k: v for k, v in os.environ.items() if k != i18n.ENV} | env
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=environ, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_process_started_in_the_chinese_folder_speaks_chinese_and_passes_it_on(tmp_path):
    chinese = tmp_path / "notebooks" / "zh-CN"
    chinese.mkdir(parents=True)
    code = ("import os, subprocess, sys; from helpers.i18n import describe; print(describe()); "
            "print(subprocess.run([sys.executable, '-c', 'from helpers.i18n import language; print(language())'], "
            "cwd='/', capture_output=True, text=True).stdout.strip())")
    described, child = run_python(code, chinese).splitlines()
    assert described == "课程语言：简体中文（由笔记本所在的文件夹 notebooks/zh-CN 决定）"
    assert child == "zh_CN"  # a child in another folder inherits COURSE_LANG


def test_an_english_process_does_not_import_matplotlib_for_fonts(tmp_path):
    code = "import sys, helpers.i18n, helpers.python_build; print('matplotlib' in sys.modules)"
    assert run_python(code, tmp_path) == "False"


def _language_in_worker() -> str:
    return i18n.language()


def test_a_spawned_worker_speaks_the_language_set_in_its_parent(speak):
    speak("zh_CN")
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        assert pool.submit(_language_in_worker).result(timeout=120) == "zh_CN"


@pytest.mark.parametrize(("text", "width"), [("", 0), ("serial", 6), ("串行", 4), ("本笔记本：", 10),
                                             ("forkserver，预加载", 18), ("ÄÖ é", 4)])
def test_display_width_counts_a_chinese_character_as_two_columns(text, width):
    assert i18n.display_width(text) == width


def test_pad_lines_up_english_and_chinese_labels_in_the_same_columns():
    rows = [i18n.pad(label, 12) + "|" for label in ("serial", "一个工作进程", "线程池，2 个")]
    assert [i18n.display_width(row) for row in rows] == [13, 13, 13]
    assert rows[0] == "serial      |"
    assert i18n.pad("a label too wide", 4) == "a label too wide"  # never cut
