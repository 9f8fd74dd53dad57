"""Execute every lesson with nbval under one multiprocessing start method.

    python tests/run_notebooks.py spawn [--english] [NOTEBOOK ...]

Without notebooks: every English lesson, and the Chinese ones too under the platform's
default start method (``--english`` leaves them out, as the Python matrix does: their
code is the English code).

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


# --- Chinese edition (issue 14) ---
# Its code cells are the English ones byte for byte, so the English edition's run under
# every start method covers the code; the Chinese notebooks run under the platform's
# default method only, to prove they run in Chinese (catalogue, font, folder). Each
# kernel takes its language from its notebook's folder, as in JupyterLab, and a plot
# that would show Chinese as boxes (matplotlib's missing-glyph warning) fails its cell.
CHINESE_FOLDERS = [ROOT / "tests" / "fixtures" / "i18n" / "notebooks" / "zh-CN", ROOT / "notebooks" / "zh-CN"]
MISSING_GLYPH_IS_AN_ERROR = """\
import warnings
warnings.filterwarnings("error", message="Glyph .* missing from font")
"""


def default_notebooks(method: str, chinese_too: bool = True) -> list[str]:
    """The English lessons (and the start-method check); the Chinese ones under the default method."""
    english = [ROOT / "tests" / "notebooks", *sorted((ROOT / "notebooks").glob("*.ipynb"))]
    chinese = [p for folder in CHINESE_FOLDERS for p in sorted(folder.glob("*.ipynb"))]
    chinese_too = chinese_too and method == multiprocessing.get_start_method()
    return [str(p) for p in english + (chinese if chinese_too else [])]


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    english_only = "--english" in argv  # the test matrix: the Chinese edition's code is the English code
    argv = [a for a in argv if a != "--english"]
    method, notebooks = argv[0], argv[1:]
    if method not in multiprocessing.get_all_start_methods():
        print(f"start method {method!r} is not available on this platform: skipped")
        return 0
    notebooks = notebooks or default_notebooks(method, chinese_too=not english_only)
    with tempfile.TemporaryDirectory(prefix="ipython-") as ipython_dir:
        startup = Path(ipython_dir, "profile_default", "startup")
        startup.mkdir(parents=True)
        (startup / "00-start-method.py").write_text(STARTUP)
        (startup / "01-missing-glyphs.py").write_text(MISSING_GLYPH_IS_AN_ERROR)
        env = dict(os.environ, IPYTHONDIR=ipython_dir, COURSE_START_METHOD=method)
        env.pop("COURSE_LANG", None)  # each notebook speaks its folder's language
        command = [
            sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
            "--nbval-lax", f"--nbval-cell-timeout={CELL_TIMEOUT}", "--durations=0",
            *notebooks,
        ]
        print(f"== notebooks under the {method!r} start method ==", flush=True)
        return subprocess.call(command, env=env, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
