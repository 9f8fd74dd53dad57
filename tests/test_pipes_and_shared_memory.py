"""Lesson 05's Pipe and shared-memory targets, under every start method, with nothing left behind."""

import multiprocessing
import subprocess
import sys
import textwrap
import threading

import matplotlib.pyplot as plt
import pytest

from helpers.cleanup import join_or_terminate
from helpers.pipes_and_shared_memory import INVERT, plot_halves, running_total

METHODS = [m for m in ("fork", "spawn", "forkserver") if m in multiprocessing.get_all_start_methods()]


@pytest.mark.parametrize("method", METHODS)
def test_running_total_answers_each_amount_and_stops_at_the_sentinel(method):
    context = multiprocessing.get_context(method)
    parent_end, child_end = context.Pipe()
    child = context.Process(target=running_total, args=(child_end,))
    child.start()
    child_end.close()
    try:
        totals = []
        for amount in (5, 10, 20):
            parent_end.send(amount)
            assert parent_end.poll(timeout=60)
            totals.append(parent_end.recv())
        parent_end.send(None)
        child.join(timeout=30)
    finally:
        parent_end.close()
        join_or_terminate([child])
    assert totals == [5, 15, 35]
    assert child.exitcode == 0


def test_running_total_gives_up_when_nothing_comes_and_when_the_other_end_closes():
    for close_other_end in (False, True):
        left, right = multiprocessing.Pipe()
        if close_other_end:
            left.close()
        worker = threading.Thread(target=running_total, args=(right, 0.1))
        worker.start()
        worker.join(timeout=10)
        assert not worker.is_alive()
        assert right.closed  # it always closes its end
        if not close_other_end:
            left.close()


def test_invert_table_is_a_negative():
    assert INVERT[0] == 255 and INVERT[255] == 0 and bytes([10, 200]).translate(INVERT) == bytes([245, 55])


SCRIPT = textwrap.dedent('''
    import multiprocessing, sys
    from multiprocessing import shared_memory
    from helpers.cleanup import join_or_terminate
    from helpers.pipes_and_shared_memory import invert_rows

    if __name__ == "__main__":
        multiprocessing.set_start_method(sys.argv[1])
        width, height = 7, 6
        n = width * height * 3
        block = shared_memory.SharedMemory(create=True, size=n)
        try:
            block.buf[:n] = bytes(range(n))
            halves = [(0, 3), (3, 6)]
            children = [multiprocessing.Process(target=invert_rows, args=(block.name, width, a, b))
                        for a, b in halves]
            for child in children:
                child.start()
            join_or_terminate(children, timeout=60)
            with block.buf[:n] as view:
                print(list(view) == [255 - v for v in range(n)], [c.exitcode for c in children])
        finally:
            block.close()
            block.unlink()
''')


@pytest.mark.parametrize("method", METHODS)
def test_shared_memory_children_change_the_block_in_place_and_nothing_leaks(tmp_path, method):
    """Run as a real program, so the resource tracker's own output (on its exit) is captured too."""
    script = tmp_path / "shared_block.py"
    script.write_text(SCRIPT)
    done = subprocess.run([sys.executable, str(script), method], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True [0, 0]"
    assert "resource_tracker" not in done.stderr and "leaked" not in done.stderr, done.stderr
    assert done.stderr == ""


def test_plot_halves():
    from PIL import Image

    before = Image.new("RGB", (40, 20), "blue")
    fig = plot_halves(before, before, [(0, 10), (10, 20)], [1, 2])
    assert "pid 2" in " ".join(t.get_text() for t in fig.axes[1].texts)
    plt.close(fig)
