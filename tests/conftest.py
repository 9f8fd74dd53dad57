"""Shared test settings: plots render off-screen."""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")


# --- Chinese edition (issue 14) ---
# The developer tools (tools/translations.py and friends) are tested from here.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def pytest_configure(config):
    # A plot that would show Chinese as empty boxes fails its test.
    config.addinivalue_line("filterwarnings", "error:Glyph .* missing from font:UserWarning")
