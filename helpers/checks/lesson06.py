"""Self-checks for lesson 06, Dining philosophers and deadlock."""

from __future__ import annotations

from typing import Any

from helpers.checks.verdict import Verdict, verdict

__all__ = ["check_fork_order", "check_waiter_seats"]


def check_fork_order(order: Any, philosophers: int = 5) -> Verdict:
    """Exercise 06.1: an order of picking up forks that cannot deadlock, tried at a real table."""
    from helpers.philosophers import dine

    if not callable(order):
        return verdict(False, "", "define `order(philosopher, left, right)` returning (first, second).")
    try:
        for p in range(philosophers):
            left, right = p, (p + 1) % philosophers
            if sorted(order(p, left, right)) != sorted((left, right)):
                return verdict(False, "", f"order({p}, {left}, {right}) should return the two forks {left} and "
                                          f"{right} in some order, not {order(p, left, right)!r}.")
    except Exception as exc:
        return verdict(False, "", f"order raised {type(exc).__name__}: {exc}")
    dinner = dine("custom", philosophers, order=order, duration=0.8)
    if dinner.deadlock:
        return verdict(False, "", f"deadlock after {dinner.deadlock.after:.2f} s: every philosopher held one fork "
                                  "and waited for the next. Make at least one philosopher reach the other way.")
    if not dinner.everyone_ate:
        return verdict(False, "", f"no deadlock, but meals were {dinner.meals}: someone starved.")
    return verdict(True, f"no deadlock, everyone ate: meals {dinner.meals}.", "")


def check_waiter_seats(seats: Any, philosophers: int = 5) -> Verdict:
    """Exercise 06.2: the most seats the waiter may offer with no deadlock possible."""
    if seats == philosophers - 1:
        return verdict(True, f"{seats} seats: with one philosopher always away, someone can always "
                             "get both forks.", "")
    if isinstance(seats, int) and 1 <= seats < philosophers - 1:
        return verdict(False, "", f"{seats} seats is safe, but more are: what is the most?")
    return verdict(False, "", f"with all {philosophers} seated, each may hold a left fork and wait: "
                              "how many must be kept away to break the cycle?")
