"""Plots in Chinese get a Chinese font; without one, the set-up check says how to install it."""

import os
import subprocess
import sys
from types import SimpleNamespace

import matplotlib
import pytest
from matplotlib import font_manager

from helpers import fonts, i18n


@pytest.fixture
def font_list(monkeypatch):
    """A fake matplotlib font list: ``font_list(names, system_files)``; addfont registers by file name."""

    def install(names, system_files=(), files_to_names=None):
        files_to_names = files_to_names or {}
        manager = SimpleNamespace(ttflist=[SimpleNamespace(name=n, fname=f"/fonts/{n}.ttf") for n in names])
        manager.addfont = lambda path: manager.ttflist.append(SimpleNamespace(name=files_to_names[path], fname=path))
        monkeypatch.setattr(font_manager, "fontManager", manager)
        monkeypatch.setattr(font_manager, "findSystemFonts", lambda: list(system_files))
        monkeypatch.setattr(fonts, "_save_font_cache", lambda manager: None)
        return manager

    return install


@pytest.fixture
def rc():
    with matplotlib.rc_context():
        yield matplotlib.rcParams
    fonts._defaults.clear()


def test_the_font_made_for_simplified_chinese_is_preferred():
    assert fonts.first_candidate(["DejaVu Sans", "SimHei", "Noto Sans CJK JP", "Noto Sans CJK SC"]) == \
        "Noto Sans CJK SC"
    assert fonts.first_candidate(["DejaVu Sans", "Microsoft YaHei", "SimHei"]) == "Microsoft YaHei"
    assert fonts.first_candidate(["DejaVu Sans", "Noto Sans CJK JP"]) is None


def test_a_font_installed_after_matplotlib_built_its_cache_is_found(font_list):
    manager = font_list(["DejaVu Sans"], ["/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/x/DejaVuSerif.ttf"],
                        {"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc": "WenQuanYi Zen Hei"})
    assert fonts.installed_cjk_font() == "WenQuanYi Zen Hei"
    assert [e.name for e in manager.ttflist] == ["DejaVu Sans", "WenQuanYi Zen Hei"]


def test_no_cjk_font_anywhere_means_none(font_list):
    font_list(["DejaVu Sans"], ["/x/DejaVuSerif.ttf"])
    assert fonts.installed_cjk_font() is None


def test_chinese_puts_the_cjk_font_first_and_english_puts_everything_back(rc, monkeypatch):
    monkeypatch.setattr(fonts, "installed_cjk_font", lambda: "SimHei")
    monkeypatch.setattr(fonts, "has_minus_sign", lambda font: False)  # SimHei has no U+2212
    before = list(rc["font.sans-serif"])
    assert fonts.configure_matplotlib("zh_CN") == "SimHei"
    assert rc["font.sans-serif"] == ["SimHei", *before]
    assert rc["axes.unicode_minus"] is False
    assert fonts.configure_matplotlib("zh_CN") == "SimHei"  # twice changes nothing more
    assert rc["font.sans-serif"] == ["SimHei", *before]
    fonts.configure_matplotlib("en")
    assert rc["font.sans-serif"] == before
    assert rc["axes.unicode_minus"] is True


def test_the_minus_sign_is_kept_when_the_font_has_one(rc, monkeypatch):
    monkeypatch.setattr(fonts, "installed_cjk_font", lambda: "Noto Sans CJK SC")
    monkeypatch.setattr(fonts, "has_minus_sign", lambda font: True)
    fonts.configure_matplotlib("zh_CN")
    assert rc["axes.unicode_minus"] is True


def test_the_minus_sign_is_looked_up_in_the_font_itself():
    assert fonts.has_minus_sign("DejaVu Sans")
    assert not fonts.has_minus_sign("no such font")


@pytest.mark.parametrize(
    ("system", "expected"),
    [("Linux", "sudo apt-get install fonts-noto-cjk"), ("Linux", "sudo dnf install google-noto-sans-cjk-fonts"),
     ("Darwin", "brew install --cask font-noto-sans-cjk-sc"), ("Windows", "Microsoft YaHei"),
     ("Windows", "Chinese (Simplified) Supplemental Fonts")],
)
def test_without_a_font_the_check_says_how_to_install_one(font_list, system, expected):
    font_list(["DejaVu Sans"])
    result = fonts.check_cjk_font("zh_CN", system)
    assert not result.ok
    assert "empty boxes" in result.detail
    assert expected in result.fix
    assert "restart the kernel" in result.fix


def test_the_english_edition_needs_no_chinese_font(font_list):
    font_list(["DejaVu Sans"])
    result = fonts.check_cjk_font("en", "Linux")
    assert result.ok
    assert "only the Chinese edition" in result.detail


def test_the_instructions_are_in_chinese_in_the_chinese_edition(font_list, monkeypatch):
    font_list(["DejaVu Sans"])
    monkeypatch.setattr(i18n, "_language", "zh_CN")
    result = fonts.check_cjk_font(system="Linux")
    assert result.detail == "未安装：图表里的中文会显示成空白方框"
    assert result.fix.startswith("Debian/Ubuntu：`sudo apt-get install fonts-noto-cjk`")


def test_a_found_font_is_named(font_list):
    font_list(["DejaVu Sans", "Microsoft YaHei"])
    assert fonts.check_cjk_font("zh_CN") == fonts.FontCheck(True, "Microsoft YaHei (plots can show Chinese)")


def test_this_machine_has_a_cjk_font():
    assert fonts.installed_cjk_font(), "no CJK font: run `make fonts` (or see `python -m helpers.fonts`)"


def test_a_chinese_process_draws_chinese_text_without_missing_glyphs(tmp_path):
    """End to end: language from the folder, font set when matplotlib is imported, no glyph warning."""
    chinese = tmp_path / "zh-CN"
    chinese.mkdir()
    code = """
import warnings
warnings.filterwarnings("error", message="Glyph")
import helpers.i18n
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
fig, ax = plt.subplots()
ax.set_title(helpers.i18n.tr("Simplified Chinese"))
ax.plot([-1, 1], [-2, 2])
fig.canvas.draw()
print(matplotlib.rcParams["font.sans-serif"][0])
print(ax.get_title())
"""
    env = {k: v for k, v in os.environ.items() if k != i18n.ENV}
    done = subprocess.run([sys.executable, "-c", code], cwd=chinese, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    font, title = done.stdout.splitlines()
    assert font in fonts.CANDIDATES
    assert title == "简体中文"


def test_matplotlib_imported_before_the_language_switch_follows_it(rc, monkeypatch):
    monkeypatch.setattr(fonts, "installed_cjk_font", lambda: "Noto Sans CJK SC")
    monkeypatch.setattr(i18n, "_language", i18n.language())
    monkeypatch.setenv(i18n.ENV, i18n.language())
    i18n.set_language("zh_CN")
    assert rc["font.sans-serif"][0] == "Noto Sans CJK SC"
    i18n.set_language("en")
    assert rc["font.sans-serif"][0] != "Noto Sans CJK SC"
