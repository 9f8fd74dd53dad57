import sys

import pytest

from helpers.races import key_steps, race


def test_an_update_with_a_call_inside_loses_updates_when_threads_switch_often():
    result = race("call", threads=4, times=50_000, switch_interval=1e-5)
    assert result.lost > 0


def test_the_locked_update_never_loses():
    for _ in range(3):
        assert race("lock", threads=4, times=20_000, switch_interval=1e-5).lost == 0


def test_the_switch_interval_is_restored_even_after_an_error():
    before = sys.getswitchinterval()
    race("in-place", threads=2, times=10, switch_interval=1e-4)
    assert sys.getswitchinterval() == before
    with pytest.raises(ValueError):
        race("telepathy")
    assert sys.getswitchinterval() == before


def test_in_place_add_counts_correctly_when_alone():
    assert race("in-place", threads=1, times=1000).lost == 0


def test_key_steps_show_read_add_write_as_separate_instructions():
    steps = key_steps()
    assert "LOAD_ATTR" in steps and "STORE_ATTR" in steps
    assert "range" not in steps
