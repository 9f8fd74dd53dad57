"""The test matrix's own logic: which start methods, which interpreter, and the chroot's safety."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import python_chroot
import run_matrix
from run_matrix import Interpreter, methods_for


@pytest.mark.parametrize(("version", "default", "expected"), [
    ("3.11", "fork", ["fork"]),
    ("3.13", "spawn", ["spawn"]),
    ("3.14", "forkserver", ["forkserver", "fork", "spawn"]),
    ("3.15", "forkserver", ["forkserver", "fork", "spawn"]),
    ("3.14", "spawn", ["spawn", "fork", "forkserver"]),
])
def test_every_start_method_from_3_14_the_default_first(version, default, expected):
    assert methods_for(version, default) == expected


def test_a_python_on_this_machine_is_found_and_checked():
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    found = run_matrix.find_on_machine(version)
    assert found is None or run_matrix.version_of(found) == version
    assert run_matrix.version_of("/no/such/python") is None


def test_a_chroot_interpreter_runs_through_the_chroot():
    inside = Interpreter("3.15", "/usr/bin/python3.15", in_chroot=True)
    assert inside.venv() == "/course/.venv-3.15"
    command = inside.wrap(["python", "-V"])
    assert command[:2] == ["flock", "--shared"]
    assert command[3:7] == ["unshare", "--mount", "--propagation", "private"]
    assert command[-2:] == ["python", "-V"]
    here = Interpreter("3.12", "/usr/bin/python3.12")
    assert here.wrap(["python", "-V"]) == ["python", "-V"]
    assert here.venv().endswith(".venv-3.12")


def test_a_venv_is_reused_only_when_made_by_the_same_interpreter(monkeypatch, tmp_path):
    monkeypatch.setattr(run_matrix, "ROOT", tmp_path)
    interpreter = Interpreter("3.15", "/usr/bin/python3.15", in_chroot=True)
    assert not run_matrix.usable_venv(interpreter)
    (tmp_path / ".venv-3.15").mkdir()
    (tmp_path / ".venv-3.15" / "pyvenv.cfg").write_text("home = /usr/bin\nversion = 3.15.2\n")
    assert run_matrix.usable_venv(interpreter)
    (tmp_path / ".venv-3.15" / "pyvenv.cfg").write_text("home = /root/.pyenv/versions/3.15.0/bin\n")
    assert not run_matrix.usable_venv(interpreter)


def test_the_inner_environment_is_clean_but_keeps_proxies_and_ci():
    env = python_chroot.inner_environment({"HTTPS_PROXY": "http://proxy:3128", "CI": "true",
                                          "PIP_FIND_LINKS": "/opt/wheels", "PYENV_ROOT": "/root/.pyenv"})
    assert env["HTTPS_PROXY"] == "http://proxy:3128" and env["CI"] == "true"
    assert "PIP_FIND_LINKS" not in env and "PYENV_ROOT" not in env
    assert env["PIP_CERT"] == env["SSL_CERT_FILE"] == str(python_chroot.HOST_CA)


def test_the_command_mounts_in_a_private_namespace_and_unmounts_on_exit(tmp_path):
    command = python_chroot.command(["true"], directory=tmp_path, repo=tmp_path)
    script = command[command.index("-c") + 1]
    assert "trap unmount EXIT" in script
    assert 'mount --bind "$repo" "$root/course"' in script
    assert str(tmp_path) in command


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/mountinfo is Linux's")
def test_mounts_under_reads_this_namespace():
    assert "/proc" in python_chroot.mounts_under(Path("/proc"))
    assert python_chroot.mounts_under(Path("/no/such/folder/for/the/course")) == []


def test_a_tree_that_stays_mounted_is_not_removed(monkeypatch, tmp_path):
    (tmp_path / "chroot" / "course").mkdir(parents=True)
    monkeypatch.setattr(python_chroot, "mounts_under", lambda folder: [str(folder / "course")])
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 0))
    with pytest.raises(RuntimeError, match="still mounted"):
        python_chroot.remove_tree(tmp_path / "chroot")
    assert (tmp_path / "chroot" / "course").exists()


def test_an_unmounted_tree_is_removed(monkeypatch, tmp_path):
    (tmp_path / "chroot" / "usr").mkdir(parents=True)
    monkeypatch.setattr(python_chroot, "mounts_under", lambda folder: [])
    python_chroot.remove_tree(tmp_path / "chroot")
    assert not (tmp_path / "chroot").exists()
    python_chroot.remove_tree(tmp_path / "chroot")  # already gone: nothing to do


def test_the_chroot_is_built_once_as_a_timed_stage_and_a_failure_is_reported(monkeypatch):
    monkeypatch.setattr(python_chroot, "is_built", lambda directory=None: False)
    monkeypatch.setattr(python_chroot, "unavailable_reason", lambda: None)
    monkeypatch.setattr(run_matrix, "find_on_machine", lambda version: "/usr/bin/python" if version == "3.12" else None)

    def broken_build(directory=None):
        raise RuntimeError("no network")

    monkeypatch.setattr(python_chroot, "build", broken_build)
    report = run_matrix.Report()
    run_matrix.build_chroot_if_needed(["3.12"], None, report)
    assert report.timings == []  # every version is on this machine: no chroot
    run_matrix.build_chroot_if_needed(["3.12", "3.15"], None, report)
    assert [(name, ok) for name, _, ok in report.timings] == [("build the Debian sid chroot (once)", False)]
    monkeypatch.setattr(python_chroot, "python_in_chroot", lambda version: broken_build())
    interpreter, reason = run_matrix.find("3.15")
    assert interpreter is None and "could not be built" in reason


def test_a_chroot_built_with_other_packages_is_built_again(tmp_path):
    (tmp_path / python_chroot.READY).write_text(" ".join(python_chroot.PACKAGES) + "\n")
    assert python_chroot.is_built(tmp_path)
    (tmp_path / python_chroot.READY).write_text("python3.14 python3.15\n")
    assert not python_chroot.is_built(tmp_path)
    assert "fonts-noto-cjk" in python_chroot.PACKAGES


def test_a_rebuild_is_refused_while_a_run_holds_the_chroot(tmp_path):
    """A run's mounts are invisible outside its namespace: the lock is what protects its tree."""
    import fcntl

    directory = tmp_path / "python-chroot"
    assert python_chroot.command(["true"], directory=directory)[:3] == ["flock", "--shared",
                                                                        str(python_chroot.lock_path(directory))]
    with python_chroot.lock_path(directory).open("a") as run:
        fcntl.flock(run, fcntl.LOCK_SH)
        with pytest.raises(RuntimeError, match="in use"), python_chroot.exclusive(directory):
            pass
    with python_chroot.exclusive(directory):  # free again once the run ends
        pass
