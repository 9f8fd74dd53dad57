"""Execute every lesson with nbval under one multiprocessing start method.

    python tests/run_notebooks.py spawn [NOTEBOOK ...]

The start method is set inside each kernel by an IPython start-up file in a
temporary IPYTHONDIR, so the notebooks themselves stay exactly as learners see
them. ``tests/notebooks/start_method.ipynb`` runs first and fails if the switch
did not happen, so a broken mechanism cannot pass silently.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CELL_TIMEOUT = 240  # seconds; a hung cell fails the run instead of hanging CI
STARTUP = """\
import multiprocessing, os
multiprocessing.set_start_method(os.environ["COURSE_START_METHOD"], force=True)
"""


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    method, notebooks = argv[0], argv[1:]
    if method not in multiprocessing.get_all_start_methods():
        print(f"start method {method!r} is not available on this platform: skipped")
        return 0
    notebooks = notebooks or [str(ROOT / "tests" / "notebooks"), str(ROOT / "notebooks")]
    with tempfile.TemporaryDirectory(prefix="ipython-") as ipython_dir:
        startup = Path(ipython_dir, "profile_default", "startup")
        startup.mkdir(parents=True)
        (startup / "00-start-method.py").write_text(STARTUP)
        env = dict(os.environ, IPYTHONDIR=ipython_dir, COURSE_START_METHOD=method)
        command = [
            sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
            "--nbval-lax", f"--nbval-cell-timeout={CELL_TIMEOUT}", "--durations=0",
            *notebooks,
        ]
        print(f"== notebooks under the {method!r} start method ==", flush=True)
        return subprocess.call(command, env=env, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
