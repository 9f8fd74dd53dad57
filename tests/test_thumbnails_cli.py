"""The thumbnail command line: ``python -m helpers.thumbnails SRC_DIR OUT_DIR``."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from helpers import thumbnails

SUMMARY = re.compile(
    r"^(?P<files>\d+) files, (?P<written>\d+) thumbnails written, (?P<failed>\d+) failed, "
    r"\d+\.\d\d s \((?P<executor>serial|thread pool|process pool)(?:, (?P<workers>\d+) workers?)?\)$"
)
GOOD = {"a.jpg": (120, 80), "sub/b.png": (60, 90), "sub/deeper/c.gif": (50, 50)}
BAD = {"notes.jpg": b"not a picture\n", "empty.png": b""}


def run_cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "helpers.thumbnails", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
    )


def make_good(src: Path) -> list[Path]:
    paths = []
    for name, size in GOOD.items():
        path = src / name
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", size, (200, 40, 40)).save(path)
        paths.append(path)
    return paths


def make_bad(src: Path) -> list[Path]:
    paths = []
    for name, data in BAD.items():
        (src / name).write_bytes(data)
        paths.append(src / name)
    # A truncated JPEG: the first half of a real one.
    real = src / "truncated.jpg"
    Image.effect_noise((200, 150), 64).convert("RGB").save(real)
    real.write_bytes(real.read_bytes()[: real.stat().st_size // 2])
    return [*paths, real]


def expected_outputs(src: Path, out: Path, sizes: list[int]) -> list[Path]:
    return sorted(
        thumbnails.output_path(src / name, src, out, size) for name in GOOD for size in sizes
    )


def files_below(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def assert_complete_jpegs(paths: list[Path]) -> None:
    for path in paths:
        with Image.open(path) as im:
            assert im.format == "JPEG"
            im.load()  # raises if the file were cut short


def summary_of(stdout: str) -> re.Match[str]:
    lines = stdout.strip().splitlines()
    assert lines, "nothing on stdout"
    match = SUMMARY.match(lines[-1])
    assert match, f"no summary line in {stdout!r}"
    return match


# --- runs -----------------------------------------------------------------------------


def test_all_good_exits_0_with_a_summary(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    make_good(src)

    done = run_cli(tmp_path, "src", "out", "--sizes", "64", "32", "--executor", "serial")

    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    summary = summary_of(done.stdout)
    assert summary["files"] == str(len(GOOD))
    assert summary["written"] == str(2 * len(GOOD))
    assert summary["failed"] == "0"
    assert summary["executor"] == "serial"
    assert files_below(out) == expected_outputs(src, out, [64, 32])
    assert_complete_jpegs(files_below(out))


@pytest.mark.parametrize("executor", ["serial", "thread", "process"])
def test_some_bad_exits_1_and_reports_each_failure_on_one_line(tmp_path, executor):
    src, out = tmp_path / "src", tmp_path / "out"
    make_good(src)
    bad = make_bad(src)

    done = run_cli(tmp_path, "src", "out", "--sizes", "48", "--executor", executor, "--workers", "2")

    assert done.returncode == 1, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == len(bad), done.stderr
    for path in bad:
        (line,) = [line for line in lines if path.name in line]
        name, _, reason = line.partition(": ")
        assert name == str(path.relative_to(tmp_path))
        assert reason.strip()  # a reason follows the name
    assert "Traceback" not in done.stderr
    summary = summary_of(done.stdout)
    assert summary["files"] == str(len(GOOD) + len(bad))
    assert summary["written"] == str(len(GOOD))
    assert summary["failed"] == str(len(bad))
    # Serial has no worker count to show; a pool says how many workers it had.
    assert summary["executor"] == (executor if executor == "serial" else f"{executor} pool")
    assert summary["workers"] == (None if executor == "serial" else "2")
    # Every good file's thumbnail, complete, and nothing else: no partial or temporary file.
    assert files_below(out) == expected_outputs(src, out, [48])
    assert_complete_jpegs(files_below(out))
    assert list(out.rglob(".*")) == []


def test_empty_folder_exits_0(tmp_path):
    (tmp_path / "src").mkdir()
    done = run_cli(tmp_path, "src", "out", "--executor", "serial")
    assert done.returncode == 0, done.stderr
    assert summary_of(done.stdout)["files"] == "0"


def test_failure_stays_on_one_line_when_the_name_has_a_newline(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "bad\nname.jpg").write_text("not a picture")
    done = run_cli(tmp_path, "src", "out", "--executor", "serial")
    assert done.returncode == 1
    assert len(done.stderr.splitlines()) == 1, done.stderr


# --- usage errors ---------------------------------------------------------------------


@pytest.mark.parametrize(("args", "message"), [
    ([], "required"),
    (["src"], "required"),
    (["missing", "out"], "not a folder"),
    (["file.png", "out"], "not a folder"),
    (["src", "file.png"], "not a folder"),
    (["src", "out", "--sizes", "0"], "not a positive number"),
    (["src", "out", "--sizes", "64", "-5"], "not a positive number"),
    (["src", "out", "--sizes", "abc"], "not a whole number"),
    (["src", "out", "--sizes", "1.5"], "not a whole number"),
    (["src", "out", "--workers", "0"], "not a positive number"),
    (["src", "out", "--executor", "bogus"], "invalid choice"),
    (["src", "src"], "must differ"),
    (["src", "./src/"], "must differ"),
])
def test_usage_errors_exit_2(tmp_path, args, message):
    make_good(tmp_path / "src")
    Image.new("RGB", (8, 8)).save(tmp_path / "file.png")

    done = run_cli(tmp_path, *args)

    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stderr.startswith("usage: python -m helpers.thumbnails")
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    assert not (tmp_path / "out").exists()  # nothing was done


def test_help_exits_0_and_documents_exit_statuses(tmp_path):
    done = run_cli(tmp_path, "--help")
    assert done.returncode == 0
    text = " ".join(done.stdout.split())  # argparse re-wraps the epilog
    assert text.startswith("usage: python -m helpers.thumbnails")
    assert "Exit status: 0 when every file succeeded" in text
    assert "1 when some files failed" in text
    assert "2 for a usage error" in text
    for option in ("--sizes", "--executor", "--workers", "SRC_DIR", "OUT_DIR"):
        assert option in text


# --- in-process -----------------------------------------------------------------------


def test_main_returns_0_when_all_good(tmp_path, capsys):
    src, out = tmp_path / "src", tmp_path / "out"
    make_good(src)
    assert thumbnails.main([str(src), str(out), "--sizes", "32", "--executor", "serial"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert summary_of(captured.out)["written"] == str(len(GOOD))
    assert files_below(out) == expected_outputs(src, out, [32])


def test_main_returns_1_when_some_fail(tmp_path, capsys):
    src, out = tmp_path / "src", tmp_path / "out"
    make_good(src)
    bad = make_bad(src)
    assert thumbnails.main([str(src), str(out), "--sizes", "32", "--executor", "thread", "--workers", "2"]) == 1
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == len(bad)
    for path in bad:
        assert len([line for line in lines if line.startswith(f"{path}: ")]) == 1
    assert summary_of(captured.out)["failed"] == str(len(bad))
    assert files_below(out) == expected_outputs(src, out, [32])
