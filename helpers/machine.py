"""Is this machine busy right now? A speed-up measured on busy cores says little.

A learner's laptop runs a browser, a chat client, an indexer; a workshop room's
laptops run more. Two pool workers cannot show a 2x speed-up on two cores that
something else keeps busy, and a lesson that then says "processes use every core"
beside a measured 0.9x confuses more than it teaches. So the lessons that measure
speed-ups first ask how much of the machine other programs are using, and say so
next to the numbers.

On Linux the answer is measured directly: the kernel's CPU counters
(``/proc/stat``) are read twice, a fraction of a second apart, while this process
sleeps, so every busy tick belongs to some other program. Elsewhere the one-minute
load average stands in where it exists (macOS), and Windows gets no answer (the
measurement is then simply not shown).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from helpers.executors import cpu_count
from helpers.i18n import _, tidy

PROC_STAT = Path("/proc/stat")
BUSY_THRESHOLD = 0.5  # cores' worth of other work before a measurement is worth a warning


@dataclass(frozen=True)
class Load:
    """How many cores' worth of work other programs were doing, and how it was found."""

    busy_cores: float
    cores: int
    how: str  # "measured" (Linux, just now) or "load average" (the last minute)

    @property
    def busy(self) -> bool:
        return self.busy_cores >= BUSY_THRESHOLD


def _cpu_ticks(text: str) -> tuple[int, int]:
    """(total, idle) ticks from the first line of /proc/stat (idle includes iowait)."""
    fields = [int(x) for x in text.splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields[:8]), idle


def other_load(seconds: float = 0.3, *, stat: Path = PROC_STAT) -> Load | None:
    """Cores' worth of CPU used by other programs right now, or None where it cannot be known."""
    cores = cpu_count()
    machine_cores = os.cpu_count() or cores
    if stat.is_file():
        total_1, idle_1 = _cpu_ticks(stat.read_text())
        time.sleep(seconds)
        total_2, idle_2 = _cpu_ticks(stat.read_text())
        elapsed = total_2 - total_1
        if elapsed <= 0:
            return None
        busy_share = 1 - (idle_2 - idle_1) / elapsed
        return Load(round(max(0.0, busy_share) * machine_cores, 2), cores, "measured")
    if hasattr(os, "getloadavg"):
        return Load(round(os.getloadavg()[0], 2), cores, "load average")
    return None


def busy_warning(load: Load | None = None, *, timings: bool = False) -> str:
    """One or two lines for the learner when other programs use a core or more; else ''.

    By default the warning is about speed-ups; ``timings=True`` words it for a
    lesson that compares durations or counts work done in a fixed time (lessons
    04-06), where a busy machine makes everything slower rather than less parallel.
    """
    load = other_load() if load is None else load
    if load is None or not load.busy:
        return ""
    if load.how == "measured":
        text = (_("Heads-up: other programs are using about {busy:.1f} of this machine's {cores} cores right "
                  "now, so the timings below will be slower, and vary more, than on an idle machine.") if timings
                else _("Heads-up: other programs are using about {busy:.1f} of this machine's {cores} cores right "
                       "now, so the speed-ups below will be lower than on an idle machine."))
    else:
        text = (_("Heads-up: this machine's load average over the last minute is {busy:.1f} on {cores} cores "
                  "(it counts this notebook's own recent work too), so the timings below may be slower than "
                  "on an idle machine.") if timings
                else _("Heads-up: this machine's load average over the last minute is {busy:.1f} on {cores} cores "
                       "(it counts this notebook's own recent work too), so the speed-ups below may be lower than "
                       "on an idle machine."))
    return tidy(text.format(busy=load.busy_cores, cores=load.cores) + " " + _(
        "Close other programs and run the cell again if the numbers contradict the text."))


def load_report(load: Load | None = None) -> str:
    """One line before a measurement: the heads-up of :func:`busy_warning` on a busy machine,
    a short note on a quiet one (so the learner sees it was checked), '' where it cannot be known."""
    load = other_load() if load is None else load
    if load is None:
        return ""
    if load.busy:
        return busy_warning(load)
    if load.how == "measured":
        text = _("Other programs are using about {busy:.1f} of this machine's {cores} cores right now: "
                 "quiet enough to measure.")
    else:
        text = _("This machine's load average over the last minute is {busy:.1f} on {cores} cores: "
                 "quiet enough to measure.")
    return text.format(busy=load.busy_cores, cores=load.cores)
