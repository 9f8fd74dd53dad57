"""The course benchmark report: every lesson's headline measurement, on this machine.

    make bench          (or: python bench/bench_course.py [--quick])

Writes ``bench-results/REPORT.md`` (Markdown tables, stamped with the machine and
package versions) and PNG plots beside it; ``bench-results/`` is not tracked.
The README shows the latest report. Nothing here is a test: the targets are
printed as met or not, and the command always finishes.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.metadata
import multiprocessing
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from helpers.costs import Cost, chunksize_costs, pickling_costs, plot_cost_bars
from helpers.executors import cpu_count
from helpers.headlines import measure_headlines, plot_headlines
from helpers.measure import execute, pool_startup_seconds
from helpers.recorded_run import plot_recorded_runs
from helpers.slow_server import SlowServer
from helpers.thumbnails import make_jobs, thumbnail_file, validate_sizes

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results"
PACKAGES = ("pillow", "matplotlib", "httpx", "dask", "distributed", "ipykernel")


def stamp() -> str:
    versions = ", ".join(f"{p} {importlib.metadata.version(p)}" for p in PACKAGES)
    return (f"{platform.system()} {platform.machine()}, {cpu_count()} usable cores, "
            f"Python {platform.python_version()}, default start method {multiprocessing.get_start_method()}; "
            f"{versions}")


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def save(fig: object, name: str) -> str:
    fig.savefig(RESULTS / name, dpi=110)
    plt.close(fig)
    return name


def section_workloads(jobs: list, repeats: int) -> str:
    headlines = measure_headlines(jobs, repeats=repeats)
    ax = plot_headlines(headlines)
    png = save(ax.figure, "workloads.png")
    rows = [[h.workload, h.executor, str(h.workers), f"{h.seconds:.2f}", f"{h.speedup:.2f}x"] for h in headlines]
    return ("## Kinds of work (lessons 00, 01, 08)\n\n"
            + table(["work", "executor", "workers", "median s", "speed-up"], rows) + f"\n\n![]({png})\n")


def section_costs(repeats: int) -> str:
    methods = multiprocessing.get_all_start_methods()
    startup = [(m, pool_startup_seconds(m, 2, repeats, task=validate_sizes, arg=[32])) for m in methods]
    sending = pickling_costs(repeats=repeats)
    chunks = chunksize_costs(repeats=repeats)
    fig, axes = plt.subplots(1, 3, figsize=(14, 3), constrained_layout=True)
    plot_cost_bars([Cost(m, s) for m, s in startup], title="start + stop a 2-worker pool", ax=axes[0])
    plot_cost_bars(sending, title="send one argument", ax=axes[1])
    plot_cost_bars(chunks, title="20,000 tiny tasks, 2 workers", unit="s", ax=axes[2], log=True)
    png = save(fig, "costs.png")
    rows = [[f"pool start-up, {m}", f"{s * 1000:.0f} ms"] for m, s in startup]
    rows += [[f"send {c.setting}", f"{c.seconds * 1000:.1f} ms"] for c in sending]
    rows += [[f"20,000 tiny tasks, {c.setting}", f"{c.seconds:.2f} s"] for c in chunks]
    note = ("\n\nA `spawn` worker imports the main script's modules again: this script imports matplotlib, httpx "
            "and Dask, which is most of its start-up. A `forkserver` server imports the main script once, when the "
            "first pool starts it, and forks every worker from itself (a notebook has no main script: there each "
            "worker imports its task's modules, unless `set_forkserver_preload` named them). A small script starts "
            "much faster.")
    return ("## What concurrency costs (lessons 01, 08)\n\n" + table(["cost", "measured"], rows) + note
            + f"\n\n![]({png})\n")


def section_async(latency: float) -> str:
    """Lesson 07's own three clients (run from its notebook's cells) on the local slow server."""
    from lesson_code import async_clients

    lesson = async_clients()
    record_run, recorder = lesson["record_run"], lesson["recorder"]
    with SlowServer(latency=latency) as server:
        urls = [server.url(n) for n in server.names()]
        everything = len(urls)
        runs = []
        for title, call in (("serial", lambda: lesson["fetch_serial"](urls)),
                            ("threads (8)", lambda: lesson["fetch_threads"](urls, 8)),
                            ("asyncio (limit 8)", lambda: asyncio.run(lesson["fetch_async"](urls, 8))),
                            (f"asyncio (limit {everything})",
                             lambda: asyncio.run(lesson["fetch_async"](urls, everything)))):
            with record_run(recorder, title) as run:
                run.results = call()
            runs.append(run)
    png = save(plot_recorded_runs(runs, label_tasks=False), "async.png")
    rows = [[r.title, f"{r.seconds:.2f}", f"{runs[0].seconds / r.seconds:.1f}x", str(r.peak)] for r in runs]
    return (f"## Many slow requests (lesson 07): {len(urls)} photos, {latency} s latency each, local server\n\n"
            + table(["client", "seconds", "speed-up", "most in flight"], rows) + f"\n\n![]({png})\n")


def section_dask(jobs: list) -> str:
    """Lesson 08's own Dask job (run from its notebook's cell) against a local process pool."""
    import time

    from lesson_code import dask_job

    _results, seconds = dask_job()(thumbnail_file, jobs, workers=2)
    started = time.perf_counter()
    execute(thumbnail_file, jobs, "process", 2)
    pool_seconds = time.perf_counter() - started
    rows = [["Dask LocalCluster, 2 workers", f"{seconds['start']:.2f}", f"{seconds['first run']:.2f}",
             f"{seconds['second run']:.2f}", f"{seconds['per task'] * 1000:.1f}"],
            ["ProcessPoolExecutor, 2 workers", "(included)", f"{pool_seconds:.2f}", "", ""]]
    return (f"## Scaling out (lesson 08): {len(jobs)} photos\n\n"
            + table(["executor", "start-up s", "first run s", "second run s", "ms per empty task"], rows) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, for a smoke run")
    args = parser.parse_args()
    repeats = 1 if args.quick else 3
    RESULTS.mkdir(exist_ok=True)
    parts = [f"# Course benchmark report\n\nMeasured on: {stamp()}\n"]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        print("thumbnails (in a fresh process, as a user's script would run)...", flush=True)
        args_quick = ["--quick"] if args.quick else []
        subprocess.run([sys.executable, str(Path(__file__).with_name("bench_thumbnails.py")), *args_quick],
                       check=True, stdout=subprocess.DEVNULL)
        thumbs = (RESULTS / "thumbnails.md").read_text().split("\n", 2)[2]  # drop its own machine line
        parts.append("## Thumbnails (lesson 01): targets\n\n" + thumbs + "\n![](thumbnails.png)\n")
        jobs = make_jobs(ROOT / "images", out / "jobs", [64, 128])
        print("kinds of work...", flush=True)
        parts.append(section_workloads(jobs, repeats))
        print("costs...", flush=True)
        parts.append(section_costs(repeats))
        print("async...", flush=True)
        parts.append(section_async(0.1))
        print("dask...", flush=True)
        parts.append(section_dask(jobs))
    report = "\n".join(parts)
    (RESULTS / "REPORT.md").write_text(report)
    print(report)
    print(f"\nsaved {RESULTS / 'REPORT.md'} and its plots in {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
