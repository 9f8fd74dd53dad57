"""Amdahl's law: the serial part of a job caps its speed-up, however many workers.

If a fraction ``s`` of the work cannot be parallelised, ``n`` workers give at most
``1 / (s + (1 - s) / n)``, and never more than ``1 / s``. Fitting ``s`` to
measured speed-ups turns "it stopped scaling" into a number you can act on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from helpers.i18n import _

ON_THE_CURVE = 0.05  # a measured point within 5% of the curve is "on it": that much is measuring noise


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
        _figure, ax = plt.subplots(figsize=(8, 4), constrained_layout=True)
    ns = [1 + i * (max_workers - 1) / 200 for i in range(201)]
    ax.plot(ns, ns, color="grey", linestyle=":", label=_("ideal"))
    ax.plot(ns, [amdahl(serial_fraction, n) for n in ns], color="tab:orange",
            label=_("Amdahl: serial fraction {s:.1%}").format(s=serial_fraction))
    if serial_fraction > 0:
        ax.axhline(1 / serial_fraction, color="tab:orange", linestyle="--", linewidth=1,
                   label=_("ceiling 1/s = {ceiling:.1f}x").format(ceiling=1 / serial_fraction))
    ax.scatter([n for n, _x in points], [x for _n, x in points], color="black", zorder=3, label=_("measured"))
    if cores:
        ax.axvline(cores, color="grey", linestyle="-.", linewidth=1, label=_("{cores} cores").format(cores=cores))
    ax.set_xlabel(_("workers"))
    ax.set_ylabel(_("speed-up (x)"))
    ax.set_xlim(1, max_workers)
    ax.set_ylim(0, max(4.0, min(max_workers, 1 / max(serial_fraction, 1e-9)) * 1.1))
    ax.set_title(title or _("Amdahl's law against measured speed-ups"))
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(alpha=0.3)
    return ax


def against_the_curve(points: Iterable[tuple[float, float]], serial_fraction: float, cores: int) -> list[str]:
    """For each measured point with more workers than cores: is it below, on or above the curve?

    The curve assumes a core for every worker; past the core count the workers
    take turns on the cores, so a point there is expected *below* it. Whether it
    is, on this machine and this run, is computed here rather than asserted: a
    point within ``ON_THE_CURVE`` of the curve counts as on it.
    """
    lines = []
    for workers, speedup in sorted(points):
        if workers <= cores:
            continue
        predicted = amdahl(serial_fraction, workers)
        if speedup < predicted * (1 - ON_THE_CURVE):
            where = _("below the curve: those workers had no core of their own")
        elif speedup > predicted * (1 + ON_THE_CURVE):
            where = _("above the curve: the fit (from the points up to the core count) was too pessimistic, "
                      "or this run was disturbed")
        else:
            where = _("on the curve, within measuring noise")
        lines.append(_("{workers} workers on {cores} cores: {speedup:.2f}x measured, {predicted:.2f}x on the "
                       "curve: {where}").format(workers=workers, cores=cores, speedup=speedup, predicted=predicted,
                                               where=where))
    return lines
