"""Does every package the course installs have a wheel for each Python it supports?

    python tests/check_wheels.py [--os linux|macos|windows|all] [cp311 ... cp315t]

For each target (CPython version and ABI, on Linux x86-64 unless ``--os`` says
otherwise: macOS on Apple silicon, 64-bit Windows), pip resolves the whole
tree of ``requirements-dev.txt`` as if installing there, accepting wheels only
(``pip download --only-binary=:all: --python-version ... --abi ...``); a pure-Python
wheel counts. A package with no wheel for a target would be compiled from source on
a learner's machine, which needs a C compiler and Python's headers: the thing a
course must not ask of a newcomer. Such a gap is reported, a stand-in is put in its
place so the rest of the tree is still checked, and the run fails unless the gap is
listed in ``KNOWN_GAPS`` with the reason nothing better can be done.

It needs a recent pip (free-threaded ``abi3t`` tags), so it runs pip from its own
virtual environment in ``.cache/wheel-check`` (made on first use, git-ignored).
Network: the package index, as for any install.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOL_VENV = ROOT / ".cache" / "wheel-check"
TARGETS = ("cp311", "cp312", "cp313", "cp314", "cp315", "cp314t", "cp315t")
# pip widens each tag to the older ones it implies (manylinux 2.28 takes 2.17 wheels, macOS 14 takes 11).
PLATFORMS = {
    "linux": ("manylinux2014_x86_64", "manylinux_2_28_x86_64", "manylinux_2_34_x86_64"),
    "macos": ("macosx_14_0_arm64",),
    "windows": ("win_amd64",),
}
# Gaps no pin can close, as of the pins' date: (package, target) -> why.
PSUTIL = ("psutil 7.2.2, the newest release, has cp313t/cp314t wheels but none for cp315t yet (IPython and "
          "distributed need it): pip compiles it, which needs a C compiler")
KNOWN_GAPS = {("psutil", "cp315t"): PSUTIL}
# pip evaluates environment markers for the machine it runs on, so dependencies that only
# macOS or Windows pull in (found in the pinned packages' metadata) are asked for by name.
ONLY_ON = {"macos": ("appnope",), "windows": ("pywinpty", "colorama")}
MISSING = re.compile(r"No matching distribution found for ([A-Za-z0-9_.\-]+)")


def pip() -> Path:
    """pip from the tool's own environment, made and upgraded on first use."""
    python = TOOL_VENV / "bin" / "python"
    if not python.exists():
        venv.create(TOOL_VENV, with_pip=True)
        subprocess.run([python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    return python


def pinned_requirements(folder: Path, system: str = "linux") -> Path:
    """``requirements-dev.txt`` with its ``-r``/``-e`` lines resolved to plain pins."""
    lines = list(ONLY_ON.get(system, ()))
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in (ROOT / name).read_text().splitlines():
            line = line.split("#")[0].strip()
            if line and not line.startswith("-"):
                lines.append(line)
    path = folder / f"pins-{system}.txt"
    path.write_text("\n".join(lines) + "\n")
    return path


def stand_in_wheel(folder: Path, name: str, version: str) -> None:
    """An empty pure-Python wheel that takes a missing package's place in the resolution."""
    dist = f"{name.replace('-', '_')}-{version}"
    with zipfile.ZipFile(folder / f"{dist}-py3-none-any.whl", "w") as wheel:
        wheel.writestr(f"{dist}.dist-info/METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        wheel.writestr(f"{dist}.dist-info/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        wheel.writestr(f"{dist}.dist-info/RECORD", "")


def download(python: Path, pins: Path, target: str, into: Path, stand_ins: Path,
             platforms: tuple[str, ...]) -> subprocess.CompletedProcess:
    version = f"{target[2]}.{target[3:].rstrip('t')}"
    abis = [target, "none"] if target.endswith("t") else [target, "abi3", "none"]
    command = [str(python), "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "-r", str(pins),
               "--only-binary=:all:", "--python-version", version, "--implementation", "cp",
               "--find-links", str(stand_ins), "-d", str(into)]
    for abi in abis:
        command += ["--abi", abi]
    for platform in platforms:
        command += ["--platform", platform]
    return subprocess.run(command, capture_output=True, text=True)


def versions_in(folder: Path) -> dict[str, str]:
    """package name -> version, from the wheel files pip downloaded."""
    found = {}
    for wheel in folder.glob("*.whl"):
        name, version = wheel.name.split("-")[:2]
        found[name.lower().replace("_", "-")] = version
    return found


def check(target: str, pins: Path, python: Path, twin_versions: dict[str, str],
          platforms: tuple[str, ...]) -> tuple[list[str], dict[str, str]]:
    """Packages with no wheel for ``target``, and the versions resolved there."""
    gaps: list[str] = []
    with tempfile.TemporaryDirectory() as into, tempfile.TemporaryDirectory() as stand_ins:
        while True:
            done = download(python, pins, target, Path(into), Path(stand_ins), platforms)
            if done.returncode == 0:
                return gaps, versions_in(Path(into))
            missing = MISSING.search(done.stderr)
            if not missing or missing.group(1).lower() in gaps:
                raise RuntimeError(f"{target}: pip failed:\n{done.stderr}")
            name = re.split(r"[<>=!~;\[ ]", missing.group(1))[0].lower()
            gaps.append(name)
            stand_in_wheel(Path(stand_ins), name, twin_versions.get(name, "9999"))


def main(argv: list[str]) -> int:
    systems = ["linux"]
    if argv[:1] == ["--os"]:
        systems = list(PLATFORMS) if argv[1] == "all" else [argv[1]]
        argv = argv[2:]
    targets = argv or list(TARGETS)
    python = pip()
    failed = False
    with tempfile.TemporaryDirectory() as folder:
        for system in systems:
            pins = pinned_requirements(Path(folder), system)
            resolved: dict[str, dict[str, str]] = {}
            for target in targets:
                gaps, versions = check(target, pins, python, resolved.get(target.rstrip("t"), {}), PLATFORMS[system])
                resolved[target] = versions
                known = [g for g in gaps if (g, target) in KNOWN_GAPS]
                new = [g for g in gaps if (g, target) not in KNOWN_GAPS]
                print(f"{system} {target}: {len(versions)} packages with wheels"
                      + "".join(f"; {g}: no wheel, known: {KNOWN_GAPS[g, target]}" for g in known)
                      + "".join(f"; {g}: NO WHEEL" for g in new), flush=True)
                failed |= bool(new)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
