"""The programs the lessons run and show print plain text, in the learner's language."""

import subprocess
import sys

from helpers.subprocesses import plain_environment


def test_colour_is_off_and_the_rest_of_the_environment_is_kept(monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COURSE_LANG", "zh_CN")
    env = plain_environment({"EXTRA": "yes"})
    assert "FORCE_COLOR" not in env
    assert env["PYTHON_COLORS"] == "0" and env["NO_COLOR"] == "1"
    assert env["COURSE_LANG"] == "zh_CN" and env["EXTRA"] == "yes"


def test_a_traceback_printed_under_it_has_no_escape_codes(monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    done = subprocess.run([sys.executable, "-c", "raise RuntimeError('plain')"], capture_output=True, text=True,
                          env=plain_environment(), timeout=60)
    assert "RuntimeError: plain" in done.stderr
    assert "\x1b[" not in done.stderr
