"""Self-checks for lesson 08, Choosing a tool and scaling out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from helpers.checks.verdict import Verdict, verdict

__all__ = ["check_amdahl_answers", "check_fastest_chunksize"]


def check_amdahl_answers(fn: Any, ceiling: Any) -> Verdict:
    """Exercise 08.1: ``speedup(s, n)`` follows Amdahl's law, and the ceiling for s = 10% is 10x."""
    from helpers.amdahl import amdahl

    if not callable(fn):
        return verdict(False, "", "define `speedup(serial_fraction, workers)`.")
    for s, n in ((0.0, 8), (0.1, 1), (0.1, 4), (0.25, 16), (0.5, 2), (1.0, 100)):
        try:
            got = fn(s, n)
        except Exception as exc:
            return verdict(False, "", f"speedup({s}, {n}) raised {type(exc).__name__}: {exc}")
        if not isinstance(got, int | float) or abs(got - amdahl(s, n)) > 1e-6:
            return verdict(False, "", f"speedup({s}, {n}) gave {got!r}; Amdahl predicts {amdahl(s, n):.3f}. "
                                      "Time with n workers: s + (1 - s) / n of the serial time.")
    if not isinstance(ceiling, int | float) or abs(ceiling - 10) > 1e-6:
        return verdict(False, "", "your speedup() is right. For the ceiling, let the number of workers grow "
                                  "without limit: what is left of s + (1 - s) / n?")
    return verdict(True, "Amdahl's law, and its ceiling 1/s = 10x.", "")


def check_fastest_chunksize(choice: Any, costs: Sequence[Any], tolerance: float = 0.15) -> Verdict:
    """Exercise 08.2: the chunksize that was fastest in the learner's own measurement (or as good)."""
    timings = {int(c.setting.split()[-1]): c.seconds for c in costs}
    if choice not in timings:
        return verdict(False, "", f"choose one of the measured chunksizes: {sorted(timings)}.")
    best = min(timings.values())
    if timings[choice] <= best * (1 + tolerance):
        return verdict(True, f"chunksize {choice}: {timings[choice]:.2f} s, the fastest here "
                             "(within measuring noise).", "")
    return verdict(False, "", f"chunksize {choice} took {timings[choice]:.2f} s; another took {best:.2f} s. "
                              "Look at the plot again.")
