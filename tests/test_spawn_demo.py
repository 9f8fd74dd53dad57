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


def test_a_function_the_worker_cannot_import_fails_with_an_attribute_error(monkeypatch):
    # Make a function that claims to live in __main__, like one defined in a notebook.
    def shout(text):
        return text.upper()

    shout.__module__ = "__main__"
    shout.__qualname__ = "shout"
    import __main__

    monkeypatch.setattr(__main__, "shout", shout, raising=False)
    said = unpickle_in_fresh_process(shout, "spawn")
    # Python 3.11-3.13: "Can't get attribute 'shout' on <module '__main__' ...>";
    # 3.14 and later: "module '__main__' has no attribute 'shout'".
    assert said.startswith("failed: AttributeError") and "'shout'" in said
    assert "Can't get attribute 'shout'" in said or "has no attribute 'shout'" in said
    assert try_in_pool(shout, "x", "spawn").startswith("failed: BrokenProcessPool")
    assert multiprocessing.active_children() == []


def test_one_line_flattens_messages():
    assert one_line(ValueError("a\n  b")) == "ValueError: a b"
    assert one_line(KeyError()) == "KeyError"


def test_the_main_guard_is_what_lets_a_spawned_child_import_the_script():
    from helpers.spawn_demo import run_spawn_script, spawn_script_source

    assert 'if __name__ == "__main__":' in spawn_script_source(True)
    assert "__main__" not in spawn_script_source(False)
    assert run_spawn_script(True) == "the child said: the child ran work()"
    unguarded = run_spawn_script(False)
    assert unguarded.startswith("the child failed: RuntimeError:") and "bootstrapping phase" in unguarded


def test_the_unguarded_script_is_reported_even_when_colours_are_forced(monkeypatch):
    """From 3.13 a traceback is coloured when FORCE_COLOR is set, as it may be in a kernel or CI."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    from helpers.spawn_demo import run_spawn_script

    assert "bootstrapping phase" in run_spawn_script(guarded=False)
