"""Shared test settings: plots render off-screen."""

import matplotlib

matplotlib.use("Agg")


def pytest_configure(config):
    # A plot that would show Chinese as empty boxes fails its test.
    config.addinivalue_line("filterwarnings", "error:Glyph .* missing from font:UserWarning")
