from helpers.setup_check import Check, check_images, check_package, check_python, check_worker_import, report


def test_python_versions():
    assert check_python((3, 10, 0)).ok is False
    assert check_python((3, 12, 1)).ok is True
    newer = check_python((3, 14, 0))
    assert newer.ok and "newer" in newer.detail


def test_missing_package_says_how_to_fix():
    check = check_package("no_such_module_for_the_course")
    assert not check.ok and "pip install" in check.fix


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
