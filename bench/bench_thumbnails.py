"""Benchmarks for the thumbnail job: speed and memory targets, never asserted in tests.

    make bench          (or: python bench/bench_thumbnails.py [--quick])

Prints a Markdown table (paste it into the README) and saves a PNG beside it in
``bench-results/``. Each figure is the median of several runs; the machine is
described in the table's heading, because the numbers mean nothing without it.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from helpers.executors import cpu_count
from helpers.measure import execute
from helpers.thumbnails import find_images, make_jobs, plan, thumbnail_file, thumbnail_file_once_per_size

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "images"
RESULTS = ROOT / "bench-results"
SIZES = (32, 64, 128, 256)
TARGETS = {"one decode vs once per size": 3.5, "thread pool, 2 workers": 1.85,
           "process pool, 2 workers": 1.85, "peak memory of one worker (MB)": 100.0}

MEMORY_PROBE = """
import json, resource, sys
from pathlib import Path
from helpers.thumbnails import plan, thumbnail_file

def peak_mb():
    # VmHWM is this process's own high-water mark; ru_maxrss can carry the parent's
    # over from fork, so it is only the fallback where /proc is missing.
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale

sources = [Path(p) for p in sys.argv[2:]]
before = peak_mb()
for job in plan(sources, sources[0].parent, Path(sys.argv[1]), (32, 64, 128, 256)):
    assert thumbnail_file(job).ok
print(json.dumps({"before_mb": before, "peak_mb": peak_mb()}))
"""


def median_seconds(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def megapixels(path: Path) -> float:
    from PIL import Image

    with Image.open(path) as im:
        return im.width * im.height / 1e6


def bench_one_decode(out: Path, repeats: int) -> dict:
    """Single core, one ~12-megapixel JPEG: one decode for all sizes vs one per size."""
    photo = min(find_images(IMAGES), key=lambda p: abs(megapixels(p) - 12))
    [job] = plan([photo], photo.parent, out, SIZES)
    # Interleaved, so drift in the machine's speed hits both alike; best of N, as
    # timeit advises for a single-threaded micro-benchmark: noise only ever adds time.
    once, per_size = [], []
    for _ in range(repeats):
        once.append(median_seconds(lambda: thumbnail_file(job), 1))
        per_size.append(median_seconds(lambda: thumbnail_file_once_per_size(job), 1))
    once, per_size = min(once), min(per_size)
    return {"photo": f"{photo.name} ({megapixels(photo):.1f} MP)", "one_decode_ms": once * 1000,
            "per_size_ms": per_size * 1000, "ratio": per_size / once}


def bench_pools(out: Path, repeats: int, rounds: int) -> dict:
    """All the course photos, ``rounds`` times over, serially and on 2-worker pools.

    Repeating the set makes each run long enough (a few seconds) that starting the
    pool is a small part of it, which is the situation a pool is for.
    """
    jobs = make_jobs(IMAGES, out, SIZES) * rounds
    serial, thread, process = [], [], []
    for _ in range(repeats):  # interleaved: a slow moment of the machine hits all three alike
        serial.append(median_seconds(lambda: execute(thumbnail_file, jobs, "serial"), 1))
        thread.append(median_seconds(lambda: execute(thumbnail_file, jobs, "thread", 2), 1))
        process.append(median_seconds(lambda: execute(thumbnail_file, jobs, "process", 2), 1))
    # Best of N for each, as for the single-core figure: on a shared machine, noise
    # (other programs, a virtual machine's stolen time) only ever adds time.
    best_serial, best_thread, best_process = min(serial), min(thread), min(process)
    return {"jobs": len(jobs), "serial_s": best_serial, "thread_s": best_thread, "process_s": best_process,
            "thread_x": best_serial / best_thread, "process_x": best_serial / best_process}


def bench_memory(out: Path) -> dict:
    """Peak resident memory of a fresh worker process making every size of the large photos."""
    large = [p for p in find_images(IMAGES) if megapixels(p) >= 10]
    done = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(out), *map(str, large)],
                          capture_output=True, text=True, check=True)
    return {"photos": len(large), "largest_mp": max(map(megapixels, large)), **json.loads(done.stdout)}


def machine() -> str:
    import PIL

    return (f"{platform.system()} {platform.machine()}, {cpu_count()} cores, Python {platform.python_version()}, "
            f"Pillow {PIL.__version__}, start method {multiprocessing.get_start_method()}")


def render(decode: dict, pools: dict, memory: dict) -> str:
    def row(name: str, value: float, unit: str, detail: str) -> str:
        target = TARGETS[name]
        met = value <= target if unit == "MB" else value >= target
        shown = f"{value:.0f} MB" if unit == "MB" else f"{value:.2f}x"
        goal = f"< {target:.0f} MB" if unit == "MB" else f">= {target}x"
        return f"| {name} | {shown} | {goal} | {'yes' if met else '**no**'} | {detail} |"

    return "\n".join([
        f"Measured on: {machine()}",
        "",
        "| measurement | result | target | met | detail |",
        "|---|---:|---:|:---:|---|",
        row("one decode vs once per size", decode["ratio"], "x",
            f"{decode['photo']}, sizes {'/'.join(map(str, SIZES))}: {decode['one_decode_ms']:.0f} ms "
            f"vs {decode['per_size_ms']:.0f} ms, one core"),
        row("thread pool, 2 workers", pools["thread_x"], "x",
            f"{pools['jobs']} photos: {pools['serial_s']:.2f} s serial, {pools['thread_s']:.2f} s threads"),
        row("process pool, 2 workers", pools["process_x"], "x",
            f"{pools['jobs']} photos: {pools['serial_s']:.2f} s serial, {pools['process_s']:.2f} s processes"),
        row("peak memory of one worker (MB)", memory["peak_mb"], "MB",
            f"{memory['photos']} photos of 10+ MP (largest {memory['largest_mp']:.1f} MP); "
            f"{memory['before_mb']:.0f} MB after importing Python and Pillow"),
    ])


def plot(decode: dict, pools: dict, memory: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (speed, mem) = plt.subplots(1, 2, figsize=(11, 3.6), constrained_layout=True,
                                     gridspec_kw={"width_ratios": [3, 1]})
    names = ["one decode\nvs once per size", "thread pool\n2 workers", "process pool\n2 workers"]
    values = [decode["ratio"], pools["thread_x"], pools["process_x"]]
    targets = [TARGETS["one decode vs once per size"], TARGETS["thread pool, 2 workers"],
               TARGETS["process pool, 2 workers"]]
    speed.bar(names, values, color=["tab:green", "tab:blue", "tab:orange"])
    for i, (value, target) in enumerate(zip(values, targets, strict=True)):
        speed.hlines(target, i - 0.4, i + 0.4, colors="black", linestyles="--")
        speed.text(i, value, f"{value:.2f}x", ha="center", va="bottom")
    speed.set_ylabel("speed-up (x)")
    speed.set_title("Speed-ups (dashed: target)")
    mem.bar(["peak memory\nof a worker"], [memory["peak_mb"]], color="tab:purple")
    mem.axhline(TARGETS["peak memory of one worker (MB)"], color="black", linestyle="--")
    mem.text(0, memory["peak_mb"], f"{memory['peak_mb']:.0f} MB", ha="center", va="bottom")
    mem.set_ylabel("MB")
    mem.set_title("Memory (dashed: limit)")
    fig.suptitle(machine(), fontsize=9)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, for a smoke run")
    args = parser.parse_args()
    repeats, rounds = (2, 1) if args.quick else (7, 3)
    RESULTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        decode = bench_one_decode(out / "decode", repeats * 2)
        pools = bench_pools(out / "pools", repeats, rounds)
        memory = bench_memory(out / "memory")
    text = render(decode, pools, memory)
    (RESULTS / "thumbnails.md").write_text(text + "\n")
    plot(decode, pools, memory, RESULTS / "thumbnails.png")
    print(text)
    print(f"\nsaved {RESULTS / 'thumbnails.md'} and {RESULTS / 'thumbnails.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
