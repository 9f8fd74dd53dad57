"""Self-checks of lessons 02 and 03."""


from helpers import checks


def test_safe_counter_tells_a_locked_counter_from_an_unlocked_one():
    import threading

    from helpers.races import one

    class Unsafe:
        def __init__(self):
            self.value = 0

        def increment(self):
            self.value = self.value + one()

    class Safe(Unsafe):
        def __init__(self):
            super().__init__()
            self.lock = threading.Lock()

        def increment(self):
            with self.lock:
                super().increment()

    assert checks.check_safe_counter(Safe)
    assert not checks.check_safe_counter(Unsafe)
    assert not checks.check_safe_counter(lambda: 1 / 0)


def test_transfer_catches_lost_money_and_deadlock_and_passes_ordered_locks():
    def unlocked(source, target, amount):
        source.balance -= amount
        target.balance += amount

    def naive_locks(source, target, amount):
        with source.lock, target.lock:
            source.balance -= amount
            target.balance += amount

    def ordered(source, target, amount):
        first, second = sorted((source, target), key=lambda account: account.name)
        with first.lock, second.lock:
            source.balance -= amount
            target.balance += amount

    assert checks.check_transfer(ordered)
    lost = checks.check_transfer(unlocked)
    assert not lost and "lost" in repr(lost)
    deadlocked = checks.check_transfer(naive_locks)
    assert not deadlocked and "deadlock" in repr(deadlocked)


REPORT_SCRIPT = checks.REPORT_WRITER  # the exercise's program, exactly as the lesson gives it


def test_report_is_complete_runs_the_script_for_real():
    cut = checks.check_report_is_complete(REPORT_SCRIPT)
    assert not cut and "whole lines" in repr(cut)
    assert checks.check_report_is_complete(REPORT_SCRIPT + "writer.join()\n")
    assert checks.check_report_is_complete(REPORT_SCRIPT.replace("daemon=True", "daemon=False"))
    assert not checks.check_report_is_complete(REPORT_SCRIPT + "raise SystemExit('boom')\n")
    assert not checks.check_report_is_complete(None)


def test_stops_on_event():
    import time

    def good(stop, ticks):
        while not stop.is_set():
            ticks.append(time.perf_counter())
            stop.wait(0.05)

    def sleepy(stop, ticks):
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.5)

    def lazy(stop, ticks):
        stop.wait()

    assert checks.check_stops_on_event(good)
    assert not checks.check_stops_on_event(sleepy)
    assert not checks.check_stops_on_event(lazy)
    assert not checks.check_stops_on_event(lambda stop, ticks: 1 / 0)


def test_transfer_rejects_answers_whose_mistakes_would_cancel_out():
    def stub(source, target, amount):
        ...

    def backwards(source, target, amount):
        first, second = sorted((source, target), key=lambda account: account.name)
        with first.lock, second.lock:
            source.balance += amount
            target.balance -= amount

    def one_lock_at_a_time(source, target, amount):
        with source.lock:
            source.balance -= amount
        with target.lock:
            target.balance += amount

    assert not checks.check_transfer(stub)
    assert not checks.check_transfer(backwards)
    split = checks.check_transfer(one_lock_at_a_time)
    assert not split and "holding only" in repr(split)


def test_safe_counter_is_bounded_and_wants_a_lock():
    import threading

    class NeverReleases:
        def __init__(self):
            self.value = 0
            self.lock = threading.Lock()

        def increment(self):
            self.lock.acquire()
            self.value += 1

    class LuckyUnlocked:
        def __init__(self):
            self.value = 0

        def increment(self):
            self.value += 1

    stuck = checks.check_safe_counter(NeverReleases, deadline=1.0)
    assert not stuck and "stuck" in repr(stuck)
    lucky = checks.check_safe_counter(LuckyUnlocked)
    assert not lucky
