"""Does ``counter += 1`` lose updates between threads? It depends, so never rely on it.

CPython switches threads only at certain points: every ``sys.getswitchinterval()``
seconds a switch is *requested*, and the running thread honours the request at
the next function call or backward jump. On CPython 3.11-3.13 the three steps of
``obj.value += 1`` contain neither, so that line happens to be safe there; put a
call between the read and the write and updates vanish by the hundred thousand.
The free-threaded build (3.13t), PyPy or a future release may differ again.
A lock is the only thing that makes the answer "never".
"""

from __future__ import annotations

import dis
import io
import sys
import threading
from dataclasses import dataclass


class Counter:
    value = 0


def one() -> int:
    return 1


def add_in_place(counter: Counter, times: int) -> None:
    for _ in range(times):
        counter.value += 1


def add_with_a_call(counter: Counter, times: int) -> None:
    for _ in range(times):
        counter.value = counter.value + one()  # a call between the read and the write


def add_with_a_lock(counter: Counter, times: int, lock: threading.Lock) -> None:
    for _ in range(times):
        with lock:
            counter.value = counter.value + one()


@dataclass(frozen=True)
class RaceResult:
    how: str
    threads: int
    expected: int
    got: int

    @property
    def lost(self) -> int:
        return self.expected - self.got


def race(how: str, threads: int = 4, times: int = 100_000, switch_interval: float | None = None) -> RaceResult:
    """Run ``threads`` threads that each add 1 ``times`` times, ``how`` = in-place/call/lock.

    ``switch_interval`` temporarily changes how often CPython asks threads to
    switch (restored afterwards, even on error).
    """
    workers = {"in-place": add_in_place, "call": add_with_a_call, "lock": add_with_a_lock}
    if how not in workers:
        raise ValueError(f"how must be one of {', '.join(workers)}, not {how!r}")
    counter, lock = Counter(), threading.Lock()
    args = (counter, times, lock) if how == "lock" else (counter, times)
    previous = sys.getswitchinterval()
    if switch_interval is not None:
        sys.setswitchinterval(switch_interval)
    try:
        pool = [threading.Thread(target=workers[how], args=args) for _ in range(threads)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
    finally:
        sys.setswitchinterval(previous)
    return RaceResult(how, threads, threads * times, counter.value)


def key_steps(fn=add_in_place) -> str:
    """The bytecode lines that read, add and write: three steps, not one.

    Instruction names differ between Python versions, so lines are picked by what
    they do (attribute access, arithmetic, calls) rather than by exact name.
    """
    out = io.StringIO()
    dis.dis(fn, file=out)
    lines = out.getvalue().splitlines()
    body = next((i for i, line in enumerate(lines) if "FOR_ITER" in line), 0)  # skip range(...)
    wanted = ("LOAD_ATTR", "STORE_ATTR", "BINARY_OP", "INPLACE_ADD", "CALL", "JUMP_BACKWARD")
    shown = []
    for line in lines[body:]:
        if any(w in line for w in wanted) and "PRECALL" not in line:
            switch = "CALL" in line or "JUMP_BACKWARD" in line
            shown.append(line.rstrip() + ("    <- a thread switch can happen here" if switch else ""))
    return "\n".join(shown)
