"""Lesson 01's control: pick an executor and a worker count, run, see the point land.

:class:`ScalingExplorer` holds the logic (run a setting, keep the points, draw) and
is tested without a browser; :meth:`ScalingExplorer.widget` wires it to a
dropdown, a slider and a button. Heavy work runs only when the button is pressed,
never on every slider tick.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from helpers.executors import cpu_count
from helpers.measure import KINDS, Point, TracedRun, point_from, run_traced


class ScalingExplorer:
    """Runs ``fn`` over ``items`` on demand and collects speed-up points."""

    def __init__(
        self,
        fn: Callable[[Any], Any],
        items: Sequence[Any],
        *,
        title: str = "",
        start_method: str | None = None,
    ) -> None:
        if not items:
            raise ValueError("give the explorer at least one item to work on")
        self.fn = fn
        self.items = list(items)
        self.title = title
        self.start_method = start_method
        self.points: list[Point] = []
        self.last: TracedRun | None = None
        self._serial_seconds: float | None = None

    @property
    def max_workers(self) -> int:
        """The slider's top: twice the cores, to show what oversubscription does."""
        return 2 * cpu_count()

    def serial_seconds(self) -> float:
        """The baseline every speed-up divides; measured once, on first need."""
        if self._serial_seconds is None:
            self._serial_seconds = run_traced(self.fn, self.items, "serial").seconds
        return self._serial_seconds

    def run(self, executor: str, workers: int) -> Point:
        """Run one setting, keep its point (replacing an earlier one) and return it."""
        if executor not in KINDS:
            raise ValueError(f"executor must be one of {', '.join(KINDS)}, not {executor!r}")
        if not 1 <= workers <= self.max_workers:
            raise ValueError(f"workers must be between 1 and {self.max_workers}, not {workers}")
        reference = self.serial_seconds()
        self.last = run_traced(self.fn, self.items, executor, workers, start_method=self.start_method)
        point = point_from(self.last, reference)
        self.points = [p for p in self.points if (p.executor, p.workers) != (point.executor, point.workers)]
        self.points.append(point)
        return point

    def figure(self) -> Any:
        """Speed-up plot of every point so far, above the timeline of the last run."""
        import matplotlib.pyplot as plt

        from helpers.plots import plot_scaling
        from helpers.timeline import plot_timeline

        fig = plt.figure(figsize=(11, 7.5), constrained_layout=True)
        top, bottom = fig.subfigures(2, 1, height_ratios=[1, 1])
        serial = Point("serial", 1, self.serial_seconds(), 1.0, 1)
        plot_scaling([serial, *self.points], title=self.title, axes=top.subplots(1, 2))
        if self.last is not None:
            plot_timeline(
                self.last.spans,
                origin=self.last.origin,
                ax=bottom.subplots(),
                title=f"Last run: {self.last.executor}, {self.last.workers} workers, "
                f"{self.last.seconds:.2f} s (the gap before the first bars: starting the workers)",
            )
        return fig

    def widget(self) -> Any:
        """Dropdown + slider + Run button; the output shows the figure after each run."""
        import ipywidgets as w
        import matplotlib.pyplot as plt
        from IPython.display import display

        choice = w.Dropdown(options=list(KINDS[1:]), value="thread", description="executor")
        slider = w.IntSlider(value=1, min=1, max=self.max_workers, description="workers",
                             continuous_update=False)
        button = w.Button(description="Run", button_style="primary", icon="play")
        status = w.Label("Choose a setting and press Run.")
        output = w.Output()

        def on_run(_: Any) -> None:
            button.disabled = True
            status.value = f"running {choice.value} with {slider.value} workers..."
            try:
                point = self.run(choice.value, slider.value)
                status.value = (
                    f"{point.executor}, {point.workers} workers: {point.seconds:.2f} s, "
                    f"{point.speedup:.2f}x the serial speed"
                )
                with output:
                    output.clear_output(wait=True)
                    fig = self.figure()
                    display(fig)
                    plt.close(fig)
            except Exception as exc:  # show it beside the button; never lose the widget
                status.value = f"failed: {type(exc).__name__}: {exc}"
            finally:
                button.disabled = False

        def on_choice(change: Any) -> None:  # one process per task has no worker count
            slider.disabled = change["new"] == "process-per-task"

        choice.observe(on_choice, names="value")
        button.on_click(on_run)
        box = w.VBox([w.HBox([choice, slider, button]), status, output])
        box.run_button, box.slider, box.choice, box.output = button, slider, choice, output
        return box
