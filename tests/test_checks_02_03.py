"""Self-checks of lessons 02 and 03: right answers in several styles pass, plausible wrong ones fail
with a hint that names the mistake. Every race the checks rely on is forced, so none of this
depends on how busy the machine is."""

import json
import threading
import time
from pathlib import Path

import pytest

from helpers import checks
from helpers.races import one

ROOT = Path(__file__).resolve().parent.parent

# --- exercise 02.1: SafeCounter ----------------------------------------------------------------

MODULE_LOCK = threading.Lock()


class LockInInit:
    def __init__(self):
        self.value = 0
        self.lock = threading.Lock()

    def increment(self):
        with self.lock:
            self.value = self.value + one()


class ModuleLevelLock:
    def __init__(self):
        self.value = 0

    def increment(self):
        with MODULE_LOCK:
            self.value = self.value + one()


class SlotsWithRLock:
    __slots__ = ("_guard", "value")

    def __init__(self):
        self.value = 0
        self._guard = threading.RLock()

    def increment(self):
        with self._guard:
            self.value += one()


class ClassLevelCondition:
    guard = threading.Condition()

    def __init__(self):
        self.value = 0

    def increment(self):
        with ClassLevelCondition.guard:
            self.value = self.value + one()


@pytest.mark.parametrize("answer", [LockInInit, ModuleLevelLock, SlotsWithRLock, ClassLevelCondition])
def test_safe_counter_passes_a_lock_wherever_it_lives(answer):
    assert checks.check_safe_counter(answer)


class Unlocked:
    def __init__(self):
        self.value = 0

    def increment(self):
        self.value = self.value + one()


class NewLockEachCall:
    def __init__(self):
        self.value = 0

    def increment(self):
        with threading.Lock():
            self.value = self.value + one()


class LockOnlyTheWrite:
    def __init__(self):
        self.value = 0
        self.lock = threading.Lock()

    def increment(self):
        value = self.value + one()
        with self.lock:
            self.value = value


class LockOnlyTheRead:
    def __init__(self):
        self.value = 0
        self.lock = threading.Lock()

    def increment(self):
        with self.lock:
            value = self.value
        self.value = value + one()


class SlotsLockOnlyTheWrite:
    __slots__ = ("guard", "value")

    def __init__(self):
        self.value = 0
        self.guard = threading.RLock()

    def increment(self):
        value = self.value + one()
        with self.guard:
            self.value = value


@pytest.mark.parametrize(("answer", "named"), [
    (Unlocked, "a Lock created inside increment() is a new lock each time"),
    (NewLockEachCall, "a Lock created inside increment() is a new lock each time"),
    (LockOnlyTheWrite, "covers the write but not the read"),
    (SlotsLockOnlyTheWrite, "covers the write but not the read"),
    (LockOnlyTheRead, "covers the read but is released before the write"),
])
def test_safe_counter_fails_every_unprotected_update_and_names_the_unprotected_step(answer, named):
    found = checks.check_safe_counter(answer)
    assert not found and named in repr(found)
    assert "lock" in repr(found)
    assert not [t for t in threading.enumerate() if t.name.startswith("probe-")]  # the probe leaves no thread behind


def test_safe_counter_does_not_take_luck_for_safety():
    class DroppedTheCall:  # `+=` alone loses nothing with the GIL; the check cannot tell luck from a lock
        def __init__(self):
            self.value = 0

        def increment(self):
            self.value += 1

    found = checks.check_safe_counter(DroppedTheCall)
    assert not found and "one()" in repr(found)


def test_safe_counter_is_bounded_and_never_raises():
    class NeverReleases:
        def __init__(self):
            self.value = 0
            self.lock = threading.Lock()

        def increment(self):
            self.lock.acquire()
            self.value += one()

    stuck = checks.check_safe_counter(NeverReleases, deadline=1.0)
    assert not stuck and "stuck" in repr(stuck)
    assert not checks.check_safe_counter(lambda: 1 / 0)
    assert not checks.check_safe_counter(object)
    assert "raised" in repr(checks.check_safe_counter(type("Broken", (), {"increment": lambda self: 1 / 0})))


# --- exercise 02.2: transfer -------------------------------------------------------------------


def ordered_by_name(source, target, amount):
    first, second = sorted((source, target), key=lambda account: account.name)
    with first.lock, second.lock:
        source.balance -= amount
        target.balance += amount


def ordered_by_id_long_form(source, target, amount):
    first, second = sorted((source.lock, target.lock), key=id)
    first.acquire()
    try:
        second.acquire()
        try:
            source.balance = source.balance - amount
            target.balance = target.balance + amount
        finally:
            second.release()
    finally:
        first.release()


def try_lock_with_back_off(source, target, amount):
    while True:
        with source.lock:
            if target.lock.acquire(timeout=0.01):
                try:
                    source.balance -= amount
                    target.balance += amount
                    return
                finally:
                    target.lock.release()
        time.sleep(0.001)  # let the other clerk finish before trying again


@pytest.mark.parametrize("answer", [ordered_by_name, ordered_by_id_long_form, try_lock_with_back_off])
def test_transfer_passes_indivisible_deadlock_free_transfers(answer):
    found = checks.check_transfer(answer)
    assert found and "Note" not in repr(found)


def test_transfer_passes_one_bank_wide_lock_with_a_note_on_why_per_account_locks_are_better():
    bank = threading.Lock()

    def one_lock_for_the_bank(source, target, amount):
        with bank:
            source.balance -= amount
            target.balance += amount

    found = checks.check_transfer(one_lock_for_the_bank)
    assert found and "whole bank" in repr(found)


def test_transfer_names_each_mistake():
    def unlocked(source, target, amount):
        source.balance -= amount
        target.balance += amount

    def locks_in_argument_order(source, target, amount):
        with source.lock, target.lock:
            source.balance -= amount
            target.balance += amount

    def one_lock_at_a_time(source, target, amount):
        with source.lock:
            source.balance -= amount
        with target.lock:
            target.balance += amount

    def backwards(source, target, amount):
        ordered_by_name(source, target, -amount)

    lost = checks.check_transfer(unlocked)
    assert not lost and "lost or created" in repr(lost)
    deadlocked = checks.check_transfer(locks_in_argument_order)
    assert not deadlocked and "same order" in repr(deadlocked)
    split = checks.check_transfer(one_lock_at_a_time)
    assert not split and "half done" in repr(split)
    wrong_way = checks.check_transfer(backwards)
    assert not wrong_way and "backwards(a, b, 5)" in repr(wrong_way)


def test_transfer_never_raises_and_names_the_learners_function():
    def stub(source, target, amount):
        ...

    def explodes(source, target, amount):
        raise KeyError("boom")

    assert "stub(a, b, 5)" in repr(checks.check_transfer(stub))
    assert "KeyError" in repr(checks.check_transfer(explodes))
    assert not checks.check_transfer(None)


def test_transfer_hints_point_to_no_section_that_does_not_exist():
    source = (ROOT / "helpers" / "checks" / "lesson02.py").read_text(encoding="utf-8")
    assert "section" not in source.lower().split('"""', 2)[2]  # beyond the module docstring


# --- exercise 03.1: the report writer ----------------------------------------------------------

REPORT = checks.REPORT_WRITER


def test_the_exercise_cell_holds_the_checks_program_exactly():
    notebook = json.loads((ROOT / "notebooks" / "03_daemon_threads_and_processes.ipynb").read_text("utf-8"))
    cells = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]
    given = [c for c in cells if c.startswith("script = r'''")]
    assert len(given) == 1
    assert given[0].split("r'''", 1)[1].rsplit("'''", 1)[0] == REPORT


WAIT_AT_MOST_A_MINUTE = """
writer.join(timeout=60)
if writer.is_alive():
    sys.exit("main: the writer is stuck")
"""


@pytest.mark.parametrize("program", [
    REPORT + WAIT_AT_MOST_A_MINUTE,
    REPORT.replace("daemon=True", "daemon=False"),
    REPORT.replace("time.sleep(0.2)", "while writer.is_alive():\n    writer.join(timeout=0.1)"),
], ids=["join with a timeout", "not a daemon", "join in a loop"])
def test_report_passes_every_way_of_waiting_for_the_writer(program):
    found = checks.check_report_is_complete(program)
    assert found and "Note" not in repr(found)


@pytest.mark.parametrize(("program", "note"), [
    (REPORT + "writer.join()\n", "no timeout"),
    (REPORT.replace("time.sleep(0.2)", "while writer.is_alive():\n    time.sleep(0.05)"), "is_alive()"),
], ids=["join() with no timeout", "polling with short sleeps"])
def test_report_passes_a_correct_but_worse_wait_with_a_note(program, note):
    found = checks.check_report_is_complete(program)
    assert found and "Note" in repr(found) and note in repr(found)


def test_report_fails_the_program_as_given():
    cut = checks.check_report_is_complete(REPORT)
    assert not cut and "wait for it" in repr(cut)


@pytest.mark.parametrize("program", [
    REPORT + "writer.join(timeout=0.1)\n",
    REPORT.replace('print("main: done")', 'writer.join(0.1)\nprint("main: done")'),
], ids=["join(timeout=0.1)", "join(0.1) before printing"])
def test_report_names_a_join_timeout_that_is_too_short(program):
    short = checks.check_report_is_complete(program)
    assert not short and "join(timeout=0.1)" in repr(short) and "is_alive()" in repr(short)


@pytest.mark.parametrize("program", [
    REPORT + "while writer.is_alive():\n    pass\n",
    REPORT.replace("time.sleep(0.2)", "while writer.is_alive():\n    time.sleep(0)"),
], ids=["pass", "sleep(0)"])
def test_report_fails_a_loop_that_spins_on_is_alive(program):
    busy = checks.check_report_is_complete(program)
    assert not busy and "spinning" in repr(busy) and "join" in repr(busy)


def test_report_counts_whole_lines_in_good_grammar():
    from helpers.checks.lesson03 import _report_verdict

    one = repr(_report_verdict("line 1: half written... done\nline 2: half", {}))
    assert "has 1 whole line of 10" in one
    assert "has 2 whole lines of 10" in repr(_report_verdict("line 1: done\nline 2: done\nline 3: half", {}))


@pytest.mark.parametrize("program", [
    REPORT.replace("time.sleep(0.2)", "time.sleep(2)"),
    REPORT.replace("import time\n", "import time\nfrom time import sleep\n").replace("time.sleep(0.2)", "sleep(5)"),
], ids=["time.sleep(2)", "from time import sleep"])
def test_report_fails_a_longer_sleep_because_it_is_a_guess(program):
    guess = checks.check_report_is_complete(program)
    assert not guess and "guess" in repr(guess)


def test_report_never_raises():
    assert "boom" in repr(checks.check_report_is_complete(REPORT + "raise SystemExit('boom')\n"))
    assert not checks.check_report_is_complete(None)
    assert not checks.check_report_is_complete("print('no writer here')")


# --- exercise 03.2: a worker that stops when asked -----------------------------------------------


def waits_on_the_event(stop, ticks):
    while not stop.is_set():
        ticks.append(time.perf_counter())
        stop.wait(0.05)


def returns_when_the_wait_says_so(stop, ticks):
    while True:
        ticks.append(time.perf_counter())
        if stop.wait(timeout=0.05):
            return


@pytest.mark.parametrize("answer", [waits_on_the_event, returns_when_the_wait_says_so])
def test_stopping_worker_passes_in_either_style(answer):
    found = checks.check_stops_on_event(answer)
    assert found and "Note" not in repr(found)


def test_stopping_worker_with_a_short_sleep_passes_with_a_note():
    def sleeps(stop, ticks):
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.05)

    found = checks.check_stops_on_event(sleeps)
    assert found and "stop.wait(0.05)" in repr(found)


def test_stopping_worker_names_each_mistake():
    def sleeps_long(stop, ticks):
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(1)

    def never_waits(stop, ticks):
        while not stop.is_set():
            ticks.append(time.perf_counter())

    def ignores_the_event(stop, ticks):
        for _ in range(100):
            ticks.append(time.perf_counter())
            time.sleep(0.05)

    def ignores_the_event_and_ends_by_itself(stop, ticks):
        for _ in range(50):  # 2.5 s, then returns: on its own, not because it was asked
            ticks.append(time.perf_counter())
            time.sleep(0.05)

    def not_an_event_test(stop, ticks):
        while not stop:  # an Event is always true: the loop never runs
            ticks.append(time.perf_counter())
            stop.wait(0.05)

    def waits_too_briefly(stop, ticks):
        while not stop.is_set():
            ticks.append(time.perf_counter())
            stop.wait(0.005)

    assert "only 1 tick" in repr(checks.check_stops_on_event(sleeps_long))
    assert "never waits" in repr(checks.check_stops_on_event(never_waits))
    too_brief = repr(checks.check_stops_on_event(waits_too_briefly))
    assert "waits too briefly" in too_brief and "never waits" not in too_brief
    ignored = repr(checks.check_stops_on_event(ignores_the_event))
    assert "never checks `stop`" in ignored and "still running in this kernel" in ignored
    assert "never checks `stop`" in repr(checks.check_stops_on_event(ignores_the_event_and_ends_by_itself))
    def ends_after_a_few_ticks(stop, ticks):
        for _ in range(5):
            ticks.append(time.perf_counter())
            time.sleep(0.05)

    assert "before `stop` was even set" in repr(checks.check_stops_on_event(not_an_event_test))
    assert "without a single tick" in repr(checks.check_stops_on_event(not_an_event_test))
    assert "never checks `stop`" in repr(checks.check_stops_on_event(ends_after_a_few_ticks))


def test_stopping_worker_states_its_real_limit_and_never_raises():
    def slow_to_stop(stop, ticks):
        while not stop.is_set():
            ticks.append(time.perf_counter())
            stop.wait(0.05)
        time.sleep(0.9)  # cleans up for too long after being asked

    late = checks.check_stops_on_event(slow_to_stop)
    assert not late and "within 0.5 s" in repr(late)
    assert "ZeroDivisionError" in repr(checks.check_stops_on_event(lambda stop, ticks: 1 / 0))
    assert not checks.check_stops_on_event("worker")
