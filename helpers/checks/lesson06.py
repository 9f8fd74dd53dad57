"""Self-checks for lesson 06, Dining philosophers and deadlock.

``check_no_deadlock`` seats five philosophers who use the learner's strategy, at
the table's worst start, and judges what happened: a deadlock (with its cycle),
an error, a philosopher who ate without both forks, starvation, or a dinner where
only one ate at a time. ``check_waiter_seats`` asks for the waiter's largest safe
number of seats as a function of the table's size, and tries it for 2 to 10.
"""

from __future__ import annotations

import numbers
from typing import Any

from helpers.checks.bounded import never_raises
from helpers.checks.verdict import Verdict, verdict
from helpers.i18n import _

__all__ = ["check_no_deadlock", "check_waiter_seats"]


@never_raises
def check_no_deadlock(strategy: Any, philosophers: int = 5, duration: float = 1.0) -> Verdict:
    """Exercise 06.1: a strategy that cannot deadlock, tried at a real table from its worst start."""
    from helpers.philosophers import dine

    if not callable(strategy):
        return verdict(False, "", _("define a function strategy(me, left, right, eat) and pass it itself."))
    dinner = dine(strategy, philosophers, duration=duration, bad_start=True)
    if dinner.errors:
        return verdict(False, "", _("at the table: {error}").format(error=dinner.errors[0]))
    if dinner.deadlock:
        return verdict(False, "", _("deadlock after {seconds:.2f} s: {cycle}. Every philosopher in the cycle holds "
                                    "one fork and waits for the next: make at least one of them reach for its "
                                    "forks in the other order.").format(
            seconds=dinner.deadlock.after, cycle=" → ".join(f"P{p}" for p in [*dinner.deadlock.cycle(),
                                                                                dinner.deadlock.cycle()[0]])))
    if not any(dinner.meals):
        return verdict(False, "", _("nobody ate in {seconds:g} s: call eat() once you hold both forks.")
                       .format(seconds=duration))
    if not dinner.everyone_ate:
        return verdict(False, "", _("no deadlock, but meals were {meals}: someone never ate.")
                       .format(meals=dinner.meals))
    praise = _("no deadlock from the worst start, and everyone ate: meals {meals}.").format(meals=dinner.meals)
    if dinner.most_eating < 2 and philosophers >= 4 and sum(dinner.meals) >= 10:
        praise += " " + _("But in this dinner only one philosopher ever ate at a time, although five forks "
                          "let two eat at once: if your answer holds one lock for the whole table, it is safe "
                          "but as slow as eating in turn.")
    return verdict(True, praise, "")


@never_raises
def check_waiter_seats(most_seats: Any) -> Verdict:
    """Exercise 06.2: ``most_seats(n)``, the most seats the waiter may offer at a table of n with no deadlock."""
    if not callable(most_seats):
        return verdict(False, "", _("define a function most_seats(philosophers) and pass it itself."))
    for n in range(2, 11):
        seats = most_seats(n)
        if isinstance(seats, bool) or not isinstance(seats, numbers.Real) or seats != int(seats):
            return verdict(False, "", _("most_seats({n}) returned {seats!r}: return a whole number of seats.")
                           .format(n=n, seats=seats))
        if seats >= n:
            return verdict(False, "", _("with {seats} seats at a table of {n}, all {n} may sit, each holding a left "
                                        "fork and waiting for the right one: the cycle of section 2. How many must be "
                                        "kept away to break it?").format(seats=seats, n=n))
        if seats < n - 1:
            return verdict(False, "", _("{seats} seats at a table of {n} is safe, but more are: what is the most?")
                           .format(seats=seats, n=n))
    return verdict(True, _("n - 1 seats for every table from 2 to 10: with one philosopher always away, a seated one "
                           "always has a free fork beside them, so someone can always eat."), "")
