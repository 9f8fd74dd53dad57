import time

import pytest

from helpers.workloads import count_primes, wait_for


@pytest.mark.parametrize(("limit", "expected"), [(0, 0), (2, 0), (3, 1), (10, 4), (100, 25), (10_000, 1229)])
def test_count_primes_matches_known_counts(limit, expected):
    assert count_primes(limit) == expected


def test_count_primes_rejects_negative_limits():
    with pytest.raises(ValueError):
        count_primes(-5)


def test_wait_for_waits_at_least_as_long_as_asked():
    started = time.perf_counter()
    assert wait_for(0.05) == 0.05
    assert time.perf_counter() - started >= 0.05


def test_wait_for_rejects_negative_waits():
    with pytest.raises(ValueError):
        wait_for(-1)
