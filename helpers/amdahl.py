"""Amdahl's law: the serial part of a job caps its speed-up, however many workers.

If a fraction ``s`` of the work cannot be parallelised, ``n`` workers give at most
``1 / (s + (1 - s) / n)``, and never more than ``1 / s``. Fitting ``s`` to
measured speed-ups turns "it stopped scaling" into a number you can act on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any


def amdahl(serial_fraction: float, workers: float) -> float:
    """The speed-up Amdahl's law predicts for ``workers`` workers."""
    if not 0 <= serial_fraction <= 1:
        raise ValueError(f"serial_fraction must be between 0 and 1, not {serial_fraction}")
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    return 1 / (serial_fraction + (1 - serial_fraction) / workers)


def fit_serial_fraction(points: Iterable[tuple[float, float]]) -> float:
    """The serial fraction that best explains measured ``(workers, speed-up)`` pairs.

    Amdahl's law rearranges to a straight line through the origin,
    ``1/S - 1/n = s * (1 - 1/n)``, so least squares has a closed form. Points with
    one worker carry no information (both sides are 0) and drop out by
    themselves. The result is clipped to [0, 1].
    """
    xs, ys = [], []
    for workers, speedup in points:
        if workers < 1 or speedup <= 0:
            raise ValueError(f"bad point ({workers}, {speedup})")
        xs.append(1 - 1 / workers)
        ys.append(1 / speedup - 1 / workers)
    denominator = sum(x * x for x in xs)
    if denominator == 0:
        raise ValueError("need a measurement with more than one worker to fit")
    return min(1.0, max(0.0, sum(x * y for x, y in zip(xs, ys, strict=True)) / denominator))


def plot_amdahl(points: Sequence[tuple[float, float]], serial_fraction: float, *, max_workers: int = 16,
                cores: int | None = None, title: str = "", ax: Any = None) -> Any:
    """Measured points, the fitted curve, its ceiling ``1/s``, and the ideal line."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4), constrained_layout=True)
    ns = [1 + i * (max_workers - 1) / 200 for i in range(201)]
    ax.plot(ns, ns, color="grey", linestyle=":", label="ideal")
    ax.plot(ns, [amdahl(serial_fraction, n) for n in ns], color="tab:orange",
            label=f"Amdahl fit: serial fraction {serial_fraction:.1%}")
    if serial_fraction > 0:
        ax.axhline(1 / serial_fraction, color="tab:orange", linestyle="--", linewidth=1,
                   label=f"ceiling 1/s = {1 / serial_fraction:.1f}x")
    ax.scatter([n for n, _ in points], [s for _, s in points], color="black", zorder=3, label="measured")
    if cores:
        ax.axvline(cores, color="grey", linestyle="-.", linewidth=1, label=f"{cores} cores")
    ax.set_xlabel("workers")
    ax.set_ylabel("speed-up (x)")
    ax.set_xlim(1, max_workers)
    ax.set_ylim(0, max(4.0, min(max_workers, 1 / max(serial_fraction, 1e-9)) * 1.1))
    ax.set_title(title or "Amdahl's law against measured speed-ups")
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(alpha=0.3)
    return ax
