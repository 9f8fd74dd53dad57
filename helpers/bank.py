"""Lesson 02's instruments for the bank account race: measure, draw, explore.

The lesson writes the account (its read-modify-write ``deposit``, the locked
version) and ``deposit_together``, which starts the customer threads. This module
only runs what the lesson wrote, notes what it should have produced, and draws
it. :class:`SlowAccount` is the account handed to exercise 2's ``transfer``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from helpers.i18n import _, ngettext
from helpers.races import loss_text
from helpers.timeline import Recorder, Span

DepositTogether = Callable[[Any, int, int], None]  # (account, threads, deposits_per_thread)


@dataclass
class DepositRun:
    """What a run of concurrent deposits should have produced, and what it did."""

    threads: int
    deposits: int
    balance: int
    seconds: float
    spans: list[Span] = field(default_factory=list)
    origin: float = 0.0  # perf_counter reading when the run started, for timelines

    @property
    def expected(self) -> int:
        return self.deposits

    @property
    def lost(self) -> int:
        return self.expected - self.balance

    def __str__(self) -> str:
        return ngettext("{threads} thread: ", "{threads} threads: ", self.threads).format(
            threads=self.threads) + loss_text(self.expected, self.balance)


def run_deposits(deposit_together: DepositTogether, account: Any, threads: int, deposits_per_thread: int = 5,
                 recorder: Recorder | None = None) -> DepositRun:
    """Run the lesson's ``deposit_together(account, threads, deposits_per_thread)`` once and time it.

    Each customer deposits 1, so the balance should grow by ``threads *
    deposits_per_thread``. With a ``recorder`` (the one the lesson's deposit is
    traced with), the run's spans are kept with the result.
    """
    if threads < 1 or deposits_per_thread < 1:
        raise ValueError(_("threads and deposits_per_thread must be at least 1"))
    before = account.balance
    if recorder is not None:
        recorder.restart()
    started = time.perf_counter()
    deposit_together(account, threads, deposits_per_thread)
    seconds = time.perf_counter() - started
    spans = list(recorder.spans) if recorder is not None else []
    return DepositRun(threads, threads * deposits_per_thread, account.balance - before, seconds, spans, started)


def plot_lost_updates(runs: list[DepositRun], ax: Any = None, title: str | None = None) -> Any:
    """Bars of money deposited and money on the account, per number of threads."""
    import matplotlib.pyplot as plt

    if ax is None:
        _fig, ax = plt.subplots(figsize=(8, 3.5), constrained_layout=True)
    xs = range(len(runs))  # evenly spaced, labelled with the thread counts
    ax.bar([x - 0.2 for x in xs], [r.expected for r in runs], width=0.4, label=_("deposited"), color="tab:green")
    ax.bar([x + 0.2 for x in xs], [r.balance for r in runs], width=0.4, label=_("on the account"), color="tab:red")
    for x, r in zip(xs, runs, strict=True):  # every bar labelled, "lost 0" too, so none looks forgotten
        ax.annotate(_("lost {lost}").format(lost=r.lost), (x + 0.2, r.balance), ha="center", va="bottom", fontsize=8)
    ax.set_xticks(list(xs), [str(r.threads) for r in runs])
    ax.set_xlabel(_("threads depositing at once"))
    ax.set_ylabel(_("money"))
    ax.set_ylim(0, max([r.expected for r in runs] + [1]) * 1.15)  # room for the labels
    ax.set_title(title or _("Without a lock, money disappears"))
    ax.legend(loc="upper left")
    return ax


def plot_deposit_timelines(panels: list[tuple[DepositRun, str]], *, colour: str = "tab:blue") -> Any:
    """The runs' deposits as timelines on one time axis: a row per customer, a bar per deposit.

    Every bar has one colour: a bar is one deposit's read-wait-write, and the
    legend says so (colours would otherwise suggest a meaning they do not have).
    """
    from matplotlib.patches import Patch

    from helpers.timeline import plot_timelines

    fig = plot_timelines(panels)
    for ax in fig.axes:
        for bar in ax.patches:
            bar.set_facecolor(colour)
    fig.legend(handles=[Patch(facecolor=colour, edgecolor="black", label=_("one deposit: read, wait, write"))],
               loc="outside lower center", fontsize=9, frameon=False)
    return fig


class LostUpdateExplorer:
    """Lesson 02's slider: how much is lost as more threads deposit at once.

    ``accounts`` maps a checkbox state (False: no lock, True: with the lock) to
    the lesson's account class; ``deposit_together`` is the lesson's function.
    """

    def __init__(self, deposit_together: DepositTogether, accounts: Mapping[bool, Callable[[], Any]],
                 deposits_per_thread: int = 5) -> None:
        self.deposit_together = deposit_together
        self.accounts = dict(accounts)
        self.deposits_per_thread = deposits_per_thread
        self.runs: dict[tuple[int, bool], DepositRun] = {}

    def run(self, threads: int, locked: bool) -> DepositRun:
        result = run_deposits(self.deposit_together, self.accounts[locked](), threads, self.deposits_per_thread)
        self.runs[threads, locked] = result
        return result

    def describe(self, result: DepositRun, locked: bool) -> str:
        how = _("with the lock") if locked else _("without a lock")
        return ngettext("{threads} thread {how}: {loss}, in {seconds:.2f} s",
                        "{threads} threads {how}: {loss}, in {seconds:.2f} s", result.threads).format(
            threads=result.threads, how=how, loss=loss_text(result.expected, result.balance), seconds=result.seconds)

    def widget(self) -> Any:
        import ipywidgets as w

        from helpers.widget_tools import report_errors, show

        slider = w.IntSlider(value=4, min=1, max=32, description=_("threads"), continuous_update=False)
        locked = w.Checkbox(value=False, description=_("use the lock"))
        button = w.Button(description=_("Deposit"), button_style="primary", icon="play")
        output = w.Output()

        def on_click() -> None:
            result = self.run(slider.value, locked.value)
            same = sorted((r for (_n, lk), r in self.runs.items() if lk == locked.value), key=lambda r: r.threads)
            title = _("With the lock, nothing is lost") if locked.value else _("Without a lock, money disappears")
            show(output, self.describe(result, locked.value), plot_lost_updates(same, title=title).figure)

        button.on_click(report_errors(output, on_click))
        box = w.VBox([w.HBox([slider, locked, button]), output])
        box.slider, box.locked, box.button, box.output = slider, locked, button, output
        return box


class SlowAccount:
    """An account whose balance lives somewhere slow (say, a database): exercise 2's account.

    Reading the balance takes a moment, long enough for another thread to run,
    which makes an unprotected transfer lose or invent money reliably. ``lock``
    is a :class:`~helpers.locks.TimeoutLock`, so a deadlock raises instead of
    hanging the notebook.
    """

    def __init__(self, name: str, balance: int, *, delay: float = 0.0005, lock_timeout: float = 1.0) -> None:
        from helpers.locks import TimeoutLock

        self.name = name
        self._balance = balance
        self.delay = delay
        self.lock = TimeoutLock(f"{name}.lock", timeout=lock_timeout)

    @property
    def balance(self) -> int:
        value = self._balance
        time.sleep(self.delay)
        return value

    @balance.setter
    def balance(self, value: int) -> None:
        self._balance = value

    def __repr__(self) -> str:
        return f"<SlowAccount {self.name}: {self._balance}>"
