"""Shared test settings: plots render off-screen."""

import matplotlib

matplotlib.use("Agg")
