"""Unit tests and every notebook under each supported Python this machine has.

    python tests/run_matrix.py [3.11 3.12 3.13]

Each version gets its own virtual environment (``.venv-3.X``), installed from the
same pinned requirements, so the pins are proven on every version. Notebooks run
under the version's default start method (``make test`` covers all three). A
version the machine lacks is reported and skipped; a version that fails, fails
the run. Each stage's duration is printed.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERSIONS = ("3.11", "3.12", "3.13")


def find_python(version: str) -> str | None:
    """``python3.X`` on PATH if it really runs, else a pyenv install of that version."""
    candidates = [shutil.which(f"python{version}")]
    candidates += sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}*/bin/python{version}")),
                         reverse=True)
    for candidate in filter(None, candidates):
        probe = subprocess.run([candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                               capture_output=True, text=True)
        if probe.returncode == 0 and probe.stdout.strip() == version:
            return candidate
    return None


def stage(name: str, command: list[str], **kwargs) -> None:
    started = time.perf_counter()
    print(f"--- {name}", flush=True)
    subprocess.run(command, check=True, cwd=ROOT, **kwargs)
    print(f"--- {name}: {time.perf_counter() - started:.0f} s", flush=True)


def run(version: str, python: str) -> None:
    venv = ROOT / f".venv-{version}"
    bin_dir = venv / "bin"
    if not (bin_dir / "python").exists():
        stage(f"{version}: create {venv.name}", [python, "-m", "venv", str(venv)])
    stage(f"{version}: install the pinned requirements",
          [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
           "-r", "requirements-dev.txt"])
    stage(f"{version}: unit tests", [str(bin_dir / "python"), "-m", "pytest", "-q", "tests"])
    method = subprocess.run([str(bin_dir / "python"), "-c",
                             "import multiprocessing as m; print(m.get_start_method())"],
                            capture_output=True, text=True, check=True).stdout.strip()
    stage(f"{version}: notebooks ({method}, the default)",
          [str(bin_dir / "python"), "tests/run_notebooks.py", method])


def main(argv: list[str]) -> int:
    versions = argv or list(VERSIONS)
    missing, failed = [], []
    for version in versions:
        python = find_python(version)
        if python is None:
            missing.append(version)
            print(f"=== Python {version}: not on this machine, skipped", flush=True)
            continue
        print(f"=== Python {version}: {python}", flush=True)
        try:
            run(version, python)
        except subprocess.CalledProcessError as exc:
            failed.append(version)
            print(f"=== Python {version}: FAILED ({' '.join(map(str, exc.cmd[:3]))} ...)", flush=True)
    tested = [v for v in versions if v not in missing and v not in failed]
    print(f"tested: {', '.join(tested) or 'none'}; failed: {', '.join(failed) or 'none'}; "
          f"missing (skipped): {', '.join(missing) or 'none'}")
    return 1 if failed or not tested else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
