"""How busy the machine is: read from the kernel's counters, turned into a warning only when it matters."""

import subprocess
import sys

import pytest

from helpers import machine


def stat_file(tmp_path, total_busy, idle):
    path = tmp_path / "stat"
    path.write_text(f"cpu  {total_busy} 0 0 {idle} 0 0 0 0 0 0\ncpu0 1 2 3 4\n")
    return path


def test_the_busy_share_comes_from_the_change_in_counters(tmp_path, monkeypatch):
    readings = iter([(100, 900), (160, 940)])  # 60 busy ticks, 40 idle ticks: 60% busy

    def fake_read_text(self, *args, **kwargs):
        busy, idle = next(readings)
        return f"cpu  {busy} 0 0 {idle} 0 0 0 0 0 0\n"

    path = stat_file(tmp_path, 0, 0)
    monkeypatch.setattr(type(path), "read_text", fake_read_text)
    monkeypatch.setattr(machine.os, "cpu_count", lambda: 4)
    monkeypatch.setattr(machine, "cpu_count", lambda: 4)
    load = machine.other_load(0.0, stat=path)
    assert load == machine.Load(2.4, 4, "measured")
    assert load.busy


def test_without_proc_stat_the_load_average_stands_in(tmp_path, monkeypatch):
    monkeypatch.setattr(machine.os, "getloadavg", lambda: (1.5, 1.0, 0.5), raising=False)
    load = machine.other_load(0.0, stat=tmp_path / "missing")
    assert load.how == "load average"
    assert load.busy_cores == 1.5


def test_with_no_way_to_know_there_is_no_answer_and_no_warning(tmp_path, monkeypatch):
    monkeypatch.delattr(machine.os, "getloadavg", raising=False)
    assert machine.other_load(0.0, stat=tmp_path / "missing") is None
    assert machine.busy_warning(machine.Load(0.0, 2, "measured")) == ""


@pytest.mark.parametrize(("busy", "warned"), [(0.1, False), (0.49, False), (0.5, True), (1.8, True)])
def test_a_warning_only_from_half_a_core_of_other_work(busy, warned):
    text = machine.busy_warning(machine.Load(busy, 2, "measured"))
    assert bool(text) is warned
    if warned:
        assert f"{busy:.1f} of this machine's 2 cores" in text


@pytest.mark.parametrize("how", ["measured", "load average"])
def test_a_warning_about_timings_speaks_of_timings_not_speed_ups(how):
    text = machine.busy_warning(machine.Load(1.5, 2, how), timings=True)
    assert "timings below" in text and "speed-ups" not in text
    assert machine.busy_warning(machine.Load(0.1, 2, how), timings=True) == ""


def test_the_load_average_warning_says_it_counts_recent_work_too():
    text = machine.busy_warning(machine.Load(3.0, 2, "load average"))
    assert "load average" in text and "own recent work" in text


@pytest.mark.skipif(not machine.PROC_STAT.is_file(), reason="needs Linux's /proc/stat")
def test_a_spinning_process_is_seen_as_other_load():
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        load = machine.other_load(0.5)
    finally:
        spinner.kill()
        spinner.wait(timeout=10)
    assert load is not None and load.busy_cores >= 0.5


@pytest.mark.parametrize(("load", "words"), [
    (machine.Load(0.1, 2, "measured"), "quiet enough to measure"),
    (machine.Load(0.2, 4, "load average"), "quiet enough to measure"),
    (machine.Load(1.5, 2, "measured"), "Heads-up"),
])
def test_the_load_report_always_says_what_it_found(load, words):
    assert words in machine.load_report(load)


def test_the_load_report_is_silent_where_the_load_cannot_be_known(monkeypatch):
    monkeypatch.setattr(machine, "other_load", lambda: None)
    assert machine.load_report() == ""
