import pytest
from test_python_build import write_gil_needing_module

from helpers import setup_check
from helpers.python_build import GilState
from helpers.setup_check import (
    Check,
    cgroup_cpu_quota,
    check_cpus,
    check_gil,
    check_images,
    check_package,
    check_python,
    check_worker_import,
    report,
    run_checks,
)


def test_python_versions():
    assert check_python((3, 10, 0)).ok is False
    assert "3.11 or newer" in check_python((3, 10, 0)).fix
    for supported in [(3, 11, 0), (3, 12, 1), (3, 14, 0), (3, 15, 2)]:
        check = check_python(supported)
        assert check.ok and "3.11-3.15" in check.detail and "newer" not in check.detail
    newer = check_python((3, 16, 0))
    assert newer.ok and "newer" in newer.detail


@pytest.mark.parametrize(("state", "words"), [
    (GilState(False, True), "on: the usual build"),
    (GilState(True, False), "off: free-threaded build"),
    (GilState(True, False, requested=0), "off: free-threaded build, forced off"),
    (GilState(True, True, requested=1), "on: free-threaded build, turned on by PYTHON_GIL=1"),
    (GilState(True, True), "on: free-threaded build, but an extension module imported earlier"),
])
def test_the_build_and_gil_are_reported_and_never_fail(state, words):
    check = check_gil(state)
    assert check.ok and check.name == "GIL" and check.detail.startswith(words)


def test_the_gil_check_names_the_modules_that_turned_it_back_on():
    check = check_gil(GilState(True, True), ["PIL._imaging"])
    assert "PIL._imaging" in check.detail


@pytest.mark.parametrize(("files", "expected"), [
    ({"cpu.max": "max 100000\n"}, None),
    ({"cpu.max": "150000 100000\n"}, 1.5),
    ({"cpu.max": "garbage\n"}, None),
    ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),
    ({"cpu/cpu.cfs_quota_us": "200000\n", "cpu/cpu.cfs_period_us": "100000\n"}, 2.0),
    ({"cpu/cpu.cfs_quota_us": "200000\n", "cpu/cpu.cfs_period_us": "0\n"}, None),
    ({"cpu/cpu.cfs_quota_us": "200000\n"}, None),  # period unreadable
    ({}, None),
])
def test_cgroup_quota_v1_and_v2(tmp_path, files, expected):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert cgroup_cpu_quota(tmp_path) == expected


@pytest.mark.parametrize(("count", "quota", "allowed"), [(16, 1.0, 1), (4, 2.5, 2), (8, 0.5, 1)])
def test_a_quota_below_the_core_count_says_how_to_fix_it(count, quota, allowed):
    check = check_cpus(count, quota)
    assert check.ok and f"PYTHON_CPU_COUNT={allowed}" in check.detail and str(count) in check.detail


@pytest.mark.parametrize("quota", [None, 2.0, 4.0])
def test_without_a_lower_quota_the_caveat_is_still_said(monkeypatch, quota):
    monkeypatch.setattr(setup_check, "cgroup_cpu_quota", lambda: None)
    check = check_cpus(2, quota)
    assert check.ok and check.detail.startswith("2 usable") and "Docker --cpus" in check.detail


def test_missing_package_says_how_to_fix():
    check = check_package("no_such_module_for_the_course")
    assert not check.ok and "pip install" in check.fix


def test_a_package_that_turns_the_gil_on_is_named(monkeypatch, tmp_path):
    culprit = write_gil_needing_module(monkeypatch, tmp_path, "course_fake_gil_package")
    culprits = [culprit]  # already known: not added twice
    check = check_package("course_fake_gil_package", culprits)
    assert check.ok and culprit in check.detail
    assert culprits == [culprit]


def test_run_checks_reports_the_gil_after_the_imports_that_changed_it(monkeypatch, tmp_path):
    culprit = write_gil_needing_module(monkeypatch, tmp_path, "course_fake_gil_dependency")
    monkeypatch.setattr(setup_check, "PACKAGES", ("json", "course_fake_gil_dependency"))
    monkeypatch.setattr(setup_check, "gil_state", lambda: GilState(True, True))
    monkeypatch.setattr(setup_check, "check_worker_import", lambda: Check("worker", True, "fine"))
    checks = {c.name: c for c in run_checks()}
    assert culprit in checks["GIL"].detail
    assert {"Python", "CPU cores", "json", "sample images", "worker"} <= set(checks)


def test_spawned_worker_can_import_helpers():
    check = check_worker_import("spawn")
    assert check.ok, check.detail


def test_images_found_or_reported(tmp_path):
    assert check_images().ok
    assert not check_images(tmp_path).ok


def test_report_ends_with_a_clear_verdict():
    assert report([Check("a", True, "fine")]).splitlines()[-1].startswith("READY")
    text = report([Check("a", True, "fine"), Check("b", False, "broken", "do this")])
    assert "NOT READY" in text and "b: do this" in text
    assert "default start method" in text.splitlines()[0]


def test_columns_line_up_when_names_are_chinese():
    from helpers.i18n import display_width, pad
    from helpers.setup_check import Check, report

    assert display_width("示例照片") == 8
    assert display_width("PIL") == 3
    assert display_width(pad("语言", 6)) == 6
    lines = report([Check("语言", True, "a"), Check("PIL", True, "b")]).splitlines()[1:3]
    # the details start in the same display column on both rows
    starts = [display_width(line[: line.rindex(" ") + 1]) for line in lines]
    assert starts[0] == starts[1]


def test_the_chinese_edition_without_a_chinese_font_is_not_ready(monkeypatch):
    from helpers import fonts, setup_check

    monkeypatch.setattr(fonts, "installed_cjk_font", lambda: None)
    monkeypatch.setattr(fonts, "language", lambda: "zh_CN")
    check = setup_check.check_font()
    assert not check.ok and "apt-get install fonts-noto-cjk" in check.fix
    monkeypatch.setattr(fonts, "language", lambda: "en")
    assert setup_check.check_font().ok


def test_the_report_names_the_course_language():
    from helpers.setup_check import check_language

    assert "English" in check_language().detail or "英" in check_language().detail
