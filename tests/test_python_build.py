"""Build and GIL detection, every branch: a free-threaded build is stood in for by monkeypatching.

No free-threaded interpreter can be installed on the machines the course is developed
on, so each answer ``helpers.python_build`` can give is produced here by replacing
what it reads (``sysconfig``'s ``Py_GIL_DISABLED``, ``sys._is_gil_enabled``,
``sys.flags.gil``), and a few checks run against the real interpreter as well.
"""

from __future__ import annotations

import sys
import sysconfig
from pathlib import Path

import pytest

from helpers import python_build
from helpers.python_build import (
    GilState,
    build_label,
    describe,
    free_threaded_build,
    gil_enabled,
    gil_state,
    import_watching_gil,
    interpreter_pool,
    modules_enabling_gil,
    requested_gil,
)

REAL_WARNING = ("The global interpreter lock (GIL) has been enabled to load module '{name}', which has not "
                "declared that it can run safely without the GIL. To override this behavior and keep the GIL "
                "disabled (at your own risk), run with PYTHON_GIL=0 or -Xgil=0.")


class Flags:
    """``sys.flags`` with another ``gil`` value; every other flag is the real one."""

    def __init__(self, real, gil):
        self._real, self.gil = real, gil

    def __getattr__(self, name):
        return getattr(self._real, name)


def pretend(monkeypatch, *, free_threaded: bool, enabled: bool | None, requested: int | None = None) -> None:
    """Make this interpreter look like another build: ``enabled=None`` means no ``sys._is_gil_enabled``."""
    real = sysconfig.get_config_var
    monkeypatch.setattr(sysconfig, "get_config_var",
                        lambda name: (1 if free_threaded else 0) if name == "Py_GIL_DISABLED" else real(name))
    if enabled is None:
        monkeypatch.delattr(sys, "_is_gil_enabled", raising=False)
    else:
        monkeypatch.setattr(sys, "_is_gil_enabled", lambda: enabled, raising=False)
    monkeypatch.setattr(sys, "flags", Flags(sys.flags, requested if free_threaded else 1))


def write_gil_needing_module(monkeypatch, folder: Path, name: str) -> str:
    """A module that warns on import as CPython does for an extension that needs the GIL."""
    (folder / f"{name}.py").write_text(
        "import warnings\n"
        f"warnings.warn({REAL_WARNING.format(name=name + '._core')!r}, RuntimeWarning, stacklevel=2)\n"
    )
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.delitem(sys.modules, name, raising=False)
    return f"{name}._core"


def test_the_real_interpreter_is_classified_like_its_abi_flags():
    assert free_threaded_build() == ("t" in getattr(sys, "abiflags", ""))
    assert isinstance(gil_enabled(), bool)
    if not free_threaded_build():
        assert gil_enabled() and requested_gil() is None and gil_state().cause == "usual-build"


def test_interpreter_pool_exists_from_3_14():
    assert (interpreter_pool() is None) == (sys.version_info < (3, 14))


@pytest.mark.parametrize(("value", "expected"), [(1, True), (0, False), (None, False)])
def test_free_threaded_build_reads_py_gil_disabled(monkeypatch, value, expected):
    monkeypatch.setattr(sysconfig, "get_config_var", lambda name: value)
    assert free_threaded_build() is expected


def test_before_3_13_there_is_no_is_gil_enabled_and_the_gil_is_on(monkeypatch):
    pretend(monkeypatch, free_threaded=False, enabled=None)
    assert gil_enabled() is True


@pytest.mark.parametrize("enabled", [True, False])
def test_gil_enabled_asks_the_interpreter(monkeypatch, enabled):
    pretend(monkeypatch, free_threaded=True, enabled=enabled)
    assert gil_enabled() is enabled


@pytest.mark.parametrize("flag", [None, 0, 1])
def test_requested_gil_reads_the_flag_on_a_free_threaded_build(monkeypatch, flag):
    pretend(monkeypatch, free_threaded=True, enabled=True, requested=flag)
    assert requested_gil() == flag


def test_the_usual_build_always_says_gil_1_which_is_no_request(monkeypatch):
    pretend(monkeypatch, free_threaded=False, enabled=True)
    assert sys.flags.gil == 1
    assert requested_gil() is None


@pytest.mark.parametrize(("free_threaded", "enabled", "requested", "cause", "words"), [
    (False, True, None, "usual-build", "usual build (it always has one)"),
    (True, False, None, "off", "several cores"),
    (True, False, 0, "forced-off", "forced off"),
    (True, True, 1, "requested", "PYTHON_GIL=1"),
    (True, True, None, "extension", "turned it back on"),
])
def test_each_state_has_its_cause_and_sentence(monkeypatch, free_threaded, enabled, requested, cause, words):
    pretend(monkeypatch, free_threaded=free_threaded, enabled=enabled, requested=requested)
    state = gil_state()
    assert state == GilState(free_threaded, enabled, requested)
    assert state.cause == cause
    assert words in state.explain()


def test_the_sentence_names_the_modules_that_turned_the_gil_on():
    state = GilState(free_threaded=True, enabled=True)
    text = state.explain(["PIL._imaging", "yaml._yaml"])
    assert "PIL._imaging, yaml._yaml" in text
    assert "imported earlier" in state.explain()  # without names it says where to look


def test_module_names_are_read_from_cpython_warnings_once_each_in_order():
    messages = [REAL_WARNING.format(name="b._ext"), "an unrelated warning",
                REAL_WARNING.format(name="a._ext"), REAL_WARNING.format(name="b._ext")]
    assert modules_enabling_gil(messages) == ["b._ext", "a._ext"]
    assert modules_enabling_gil([]) == []


def test_an_import_that_turns_the_gil_on_is_caught_and_not_shown(monkeypatch, tmp_path, recwarn):
    culprit = write_gil_needing_module(monkeypatch, tmp_path, "course_fake_gil_ext")
    module, culprits = import_watching_gil("course_fake_gil_ext")
    assert module.__name__ == "course_fake_gil_ext"
    assert culprits == [culprit]
    assert len(recwarn) == 0


def test_an_ordinary_import_names_no_culprit():
    module, culprits = import_watching_gil("json")
    assert module.__name__ == "json" and culprits == []


def test_a_missing_module_still_raises_import_error():
    with pytest.raises(ImportError):
        import_watching_gil("no_such_module_for_the_course")


@pytest.mark.parametrize(("free_threaded", "enabled", "words"), [
    (False, True, "with the GIL"),
    (True, True, "GIL turned back on"),
    (True, False, "no GIL"),
])
def test_build_label_says_which_build_measured(monkeypatch, free_threaded, enabled, words):
    pretend(monkeypatch, free_threaded=free_threaded, enabled=enabled)
    label = build_label()
    assert words in label
    assert ("free-threaded" in label) == free_threaded


@pytest.mark.parametrize(("free_threaded", "enabled", "words"), [
    (False, True, "needs processes"),
    (True, True, "take turns"),
    (True, False, "speed up too"),
])
@pytest.mark.parametrize("pool", [None, object])
def test_describe_covers_every_build_and_both_pool_cases(monkeypatch, free_threaded, enabled, words, pool):
    pretend(monkeypatch, free_threaded=free_threaded, enabled=enabled)
    monkeypatch.setattr(python_build, "interpreter_pool", lambda: pool)
    text = describe()
    assert words in text
    assert ("free-threaded" in text) == free_threaded
    assert ("is available" in text) == (pool is not None)
    assert ("arrives in Python 3.14" in text) == (pool is None)
