"""Lesson 01's explorer: pick an executor and a worker count, run, see the point land.

:class:`ScalingExplorer` holds the logic (run a setting, keep every run's time,
draw) and is tested without a browser; :meth:`ScalingExplorer.widget` wires it
to a dropdown, a slider and a button. Heavy work runs only when the button is
pressed, never on every slider tick.

One run of a few seconds varies from the next by a tenth or more, enough to
reverse a conclusion. So each press adds a run to its setting, and each point is
the median of that setting's runs so far: press again to firm a point up. The
serial baseline is a setting like the others.
"""

from __future__ import annotations

import html
import statistics
from collections.abc import Callable, Sequence
from typing import Any

from helpers.executors import cpu_count
from helpers.i18n import _, ngettext
from helpers.measure import KINDS, PER_TASK, Point, TracedRun, executor_label, run_traced, setting_label

UNCOUNTED = ("serial", PER_TASK)  # settings with no worker count to choose


class ScalingExplorer:
    """Runs ``fn`` over ``items`` on demand and keeps the time of every run."""

    def __init__(
        self,
        fn: Callable[[Any], Any],
        items: Sequence[Any],
        *,
        title: str = "",
        start_method: str | None = None,
    ) -> None:
        if not items:
            raise ValueError(_("give the explorer at least one item to work on"))
        self.fn = fn
        self.items = list(items)
        self.title = title
        self.start_method = start_method
        self.times: dict[tuple[str, int], list[float]] = {}
        self.last: TracedRun | None = None

    @property
    def max_workers(self) -> int:
        """The slider's top: twice the cores, to show what oversubscription does."""
        return 2 * cpu_count()

    def setting(self, executor: str, workers: int) -> tuple[str, int]:
        """The (executor, workers) a run is filed under; refuses what the widget cannot make."""
        if executor not in KINDS:
            raise ValueError(_("executor must be one of {kinds}, not {kind!r}").format(
                kinds=", ".join(KINDS), kind=executor))
        if executor == "serial":
            return executor, 1
        if executor == PER_TASK:
            return executor, len(self.items)
        if not 1 <= workers <= self.max_workers:
            raise ValueError(_("workers must be between 1 and {top}, not {workers}").format(
                top=self.max_workers, workers=workers))
        return executor, workers

    def serial_seconds(self) -> float:
        """The median of the serial runs, the baseline of every speed-up; one run if none yet."""
        if ("serial", 1) not in self.times:
            self.run("serial", 1)
        return statistics.median(self.times["serial", 1])

    def run(self, executor: str, workers: int) -> Point:
        """Run one setting once, add its time to that setting's runs, and return its point."""
        key = self.setting(executor, workers)
        kind, count = key
        if key != ("serial", 1):
            self.serial_seconds()  # the baseline first, so the last run stays this one
        self.last = run_traced(self.fn, self.items, kind, None if kind in UNCOUNTED else count,
                               start_method=self.start_method)
        self.times.setdefault(key, []).append(self.last.seconds)
        return self.point(key)

    def point(self, key: tuple[str, int]) -> Point:
        """The median of one setting's runs, and its speed-up over the serial median."""
        median = statistics.median(self.times[key])
        return Point(key[0], key[1], median, self.serial_seconds() / median, len(self.times[key]))

    @property
    def points(self) -> list[Point]:
        """Every setting run so far, as medians, the serial baseline first."""
        return [self.point(key) for key in sorted(self.times, key=lambda k: (KINDS.index(k[0]), k[1]))]

    def describe(self, point: Point) -> str:
        """One line on the last run and its setting's median, for the widget's status."""
        assert self.last is not None
        runs = ngettext("{n} run", "{n} runs", point.runs).format(n=point.runs)
        return _("{setting}: this run {seconds:.2f} s; median of {runs} {median:.2f} s, "
                 "{speedup:.2f}x the serial median. Runs vary: press Run a few more times to firm the point up."
                 ).format(setting=setting_label(point.executor, point.workers), seconds=self.last.seconds,
                          runs=runs, median=point.seconds, speedup=point.speedup)

    def figure(self) -> Any:
        """Speed-up plot of every setting so far, above the timeline of the last run."""
        import matplotlib.pyplot as plt

        from helpers.speedup_plot import plot_scaling
        from helpers.timeline import plot_timeline

        fig = plt.figure(figsize=(11, 7.5), constrained_layout=True)
        top, bottom = fig.subfigures(2, 1, height_ratios=[1, 1])
        self.serial_seconds()
        plot_scaling(self.points, title=self.title, axes=top.subplots(1, 2))
        if self.last is not None:
            plot_timeline(
                self.last.spans,
                origin=self.last.origin,
                ax=bottom.subplots(),
                title=_("Last run: {setting}, {seconds:.2f} s "
                        "(the gap before the first bars: starting the workers)").format(
                    setting=setting_label(self.last.executor, self.last.workers), seconds=self.last.seconds),
            )
        return fig

    def widget(self) -> Any:
        """Dropdown + slider + Run button; the output shows the figure after each run."""
        import ipywidgets as w
        import matplotlib.pyplot as plt
        from IPython.display import display

        choice = w.Dropdown(options=[(executor_label(kind), kind) for kind in KINDS], value="thread",
                            description=_("executor"))
        slider = w.IntSlider(value=1, min=1, max=self.max_workers, description=_("workers"),
                             continuous_update=False)
        button = w.Button(description=_("Run"), button_style="primary", icon="play")
        status = w.HTML(html.escape(_("Choose a setting and press Run.")))
        output = w.Output()

        def on_run(_event: Any) -> None:
            button.disabled = True
            count = 1 if choice.value == "serial" else len(self.items) if choice.value == PER_TASK else slider.value
            status.value = html.escape(_("running: {setting}...").format(setting=setting_label(choice.value, count)))
            try:
                point = self.run(choice.value, slider.value)
                status.value = html.escape(self.describe(point))
                with output:
                    output.clear_output(wait=True)
                    fig = self.figure()
                    display(fig)
                    plt.close(fig)
            except Exception as exc:  # show it beside the button; never lose the widget
                status.value = html.escape(_("failed: {error}").format(error=f"{type(exc).__name__}: {exc}"))
            finally:
                button.disabled = False

        def on_choice(change: Any) -> None:  # serial and one process per task have no worker count
            slider.disabled = change["new"] in UNCOUNTED

        choice.observe(on_choice, names="value")
        button.on_click(on_run)
        box = w.VBox([w.HBox([choice, slider, button]), status, output])
        box.run_button, box.slider, box.choice, box.output = button, slider, choice, output
        return box
