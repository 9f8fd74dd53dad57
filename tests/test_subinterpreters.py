"""What loads in a sub-interpreter: every branch with a stand-in module, and the real thing on 3.14+."""

import sys
from types import SimpleNamespace

import pytest

from helpers.subinterpreters import ImportOutcome, the_line_that_matters, try_import

NUMPY_SAYS = """

IMPORTANT: PLEASE READ THIS FOR ADVICE ON HOW TO SOLVE THIS ISSUE!

Importing the numpy C-extensions failed. This error can happen for
many reasons, often due to issues with your setup or how NumPy was
installed.

Original error was: module numpy._core._multiarray_umath does not support loading in subinterpreters
"""


class FakeInterpreters:
    """Stands in for ``concurrent.interpreters``: modules in ``refuse`` fail to import, with ``message``."""

    class ExecutionFailed(Exception):
        def __init__(self, kind, msg):
            super().__init__(msg)
            self.excinfo = SimpleNamespace(type=SimpleNamespace(__name__=kind), msg=msg)

    def __init__(self, refuse=(), message=""):
        self.refuse, self.message, self.closed = set(refuse), message, 0

    def create(self):
        fake = self

        class Interp:
            def exec(self, code):
                if code.split()[-1] in fake.refuse:
                    raise FakeInterpreters.ExecutionFailed("ImportError", fake.message)

            def close(self):
                fake.closed += 1

        return Interp()


def test_a_module_that_loads():
    fake = FakeInterpreters()
    assert try_import("helpers.workloads", fake) == ImportOutcome("helpers.workloads", True)
    assert fake.closed == 1


def test_a_module_that_refuses_gives_one_readable_line_and_the_interpreter_is_closed():
    fake = FakeInterpreters(refuse={"numpy"}, message=NUMPY_SAYS)
    outcome = try_import("numpy", fake)
    assert outcome.ok is False and fake.closed == 1
    assert str(outcome) == ("numpy: refused: ImportError: module numpy._core._multiarray_umath "
                            "does not support loading in subinterpreters")


def test_the_line_that_matters_falls_back_to_the_first_line():
    assert the_line_that_matters("\n  something else went wrong\nmore\n") == "something else went wrong"
    assert the_line_that_matters("") == ""


@pytest.mark.skipif(sys.version_info >= (3, 14), reason="before 3.14 there are no sub-interpreters to try")
def test_before_3_14_nothing_is_tried():
    outcome = try_import("numpy")
    assert outcome.ok is None and "3.14" in str(outcome)


@pytest.mark.skipif(sys.version_info < (3, 14), reason="concurrent.interpreters arrives in 3.14")
def test_on_3_14_the_course_code_loads_in_a_sub_interpreter_and_the_pool_counts_primes():
    from concurrent.futures import InterpreterPoolExecutor

    from helpers.workloads import count_primes

    assert try_import("helpers.workloads").ok is True
    for module in ("PIL.Image", "numpy"):  # refuse today; if they start loading, the lesson's text needs a look
        outcome = try_import(module)
        assert outcome.ok is not None and (outcome.ok or "subinterpreters" in outcome.message)
    with InterpreterPoolExecutor(max_workers=2) as pool:
        assert list(pool.map(count_primes, [100, 1000])) == [25, 168]


def test_recorded_answers_from_3_14_are_headed_as_not_run_here():
    from helpers.subinterpreters import recorded_elsewhere

    text = recorded_elsewhere(("PIL.Image", "numpy"))
    first, *lines = text.splitlines()
    assert "NOT run here" in first and "3.14" in first
    assert len(lines) == 2 and all("does not support loading in subinterpreters" in line for line in lines)
