import multiprocessing

import pytest

from helpers.spawn_demo import one_line, try_in_pool, unpickle_in_fresh_process
from helpers.workloads import count_primes


def defined_in_a_test(x):  # importable by module name, unlike a notebook's function
    return x * 2


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_module_functions_work_under_every_start_method(method):
    assert try_in_pool(count_primes, 10, method) == "ok: 4"
    assert unpickle_in_fresh_process(count_primes, method) == "ok: found helpers.workloads.count_primes"


def test_a_function_the_worker_cannot_import_fails_with_cant_get_attribute(monkeypatch):
    # Make a function that claims to live in __main__, like one defined in a notebook.
    def shout(text):
        return text.upper()

    shout.__module__ = "__main__"
    shout.__qualname__ = "shout"
    import __main__

    monkeypatch.setattr(__main__, "shout", shout, raising=False)
    said = unpickle_in_fresh_process(shout, "spawn")
    assert said.startswith("failed: AttributeError") and "Can't get attribute 'shout'" in said
    assert try_in_pool(shout, "x", "spawn").startswith("failed: BrokenProcessPool")
    assert multiprocessing.active_children() == []


def test_one_line_flattens_messages():
    assert one_line(ValueError("a\n  b")) == "ValueError: a b"
    assert one_line(KeyError()) == "KeyError"
