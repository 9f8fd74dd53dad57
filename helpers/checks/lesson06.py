"""Self-checks for lesson 06, Dining philosophers and deadlock.

``check_no_deadlock`` seats five philosophers who use the learner's strategy, at
the table's worst start, and judges what happened: a deadlock (with its cycle),
an error, a philosopher who ate without both forks, a philosopher who reached
for the wrong fork first (the exercise makes philosopher 0, and only 0, take the
right fork first), starvation, or a dinner where only one ate at a time.
``check_waiter_seats`` asks for the waiter's largest safe number of seats as a
function of the table's size, and compares it with the reasoning (n - 1) for
tables of 2 to 10: arithmetic, no table is seated.
"""

from __future__ import annotations

import numbers
from typing import Any

from helpers.checks.bounded import never_raises
from helpers.checks.verdict import Verdict, verdict
from helpers.i18n import _, ngettext

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
    wrong_hand = _wrong_hand(dinner.first_forks, philosophers)
    if wrong_hand is not None:
        return wrong_hand
    if not dinner.everyone_ate:
        return verdict(False, "", _("no deadlock, but meals were {meals}: someone never ate.")
                       .format(meals=dinner.meals))
    praise = _("no deadlock from the worst start, and everyone ate: meals {meals}.").format(meals=dinner.meals)
    if dinner.most_eating < 2 and philosophers >= 4 and sum(dinner.meals) >= 10:
        praise += " " + _("But in this dinner only one philosopher ever ate at a time, although five forks "
                          "let two eat at once: something in your answer makes them take turns (a lock around "
                          "the whole table, say). Safe, but about half as fast.")
    return verdict(True, praise, "")


def _wrong_hand(first_forks: dict[int, set[int]], philosophers: int) -> Verdict | None:
    """A failing Verdict if a philosopher reached for the other fork first than the exercise asks; else None.

    ``first_forks`` holds, for each philosopher, the forks they picked up while
    holding none: philosopher 0 must always take the right one (fork 1) first,
    every other philosopher p the left one (fork p).
    """
    right_of_0 = 1 % philosophers
    last = philosophers - 1
    zero_wrong = bool(first_forks.get(0, set()) - {right_of_0})
    wrong = sorted(p for p in range(1, philosophers) if first_forks.get(p, set()) - {p})
    if zero_wrong and wrong == [last]:
        return verdict(False, "", _("philosopher {last} picked up the right fork (fork 0) first, and philosopher 0 the "
                                    "left: that is lock order (the lower-numbered fork first, as `ordered` does), "
                                    "which cannot deadlock either. This exercise asks for the other rule: only "
                                    "philosopher 0 changes hands, and takes the right fork (fork {right}) first.")
                       .format(last=last, right=right_of_0))
    if zero_wrong:
        return verdict(False, "", _("philosopher 0 picked up the left fork (fork 0) first. In this exercise "
                                    "philosopher 0 is the odd one out: the right fork (fork {right}) first, then the "
                                    "left; everyone else the left first.").format(right=right_of_0))
    if not wrong:
        return None
    p = wrong[0]
    return verdict(False, "", _("philosopher {p} picked up the right fork (fork {right}) first: only philosopher 0 "
                                "changes hands; everyone else takes the left fork first, as in the naive dinner.")
                   .format(p=p, right=(p + 1) % philosophers))


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
            return verdict(False, "", _("with {seats} seats at a table of {n}, everyone may sit, each holding a left "
                                        "fork and waiting for the right one: the cycle of section 2. How many must be "
                                        "kept away to break it?").format(seats=seats, n=n))
        if seats < 1:
            return verdict(False, "", _("most_seats({n}) returned {seats:g}: with no seat, nobody sits down and nobody "
                                        "eats. No deadlock, but no dinner either: what is the most seats that is "
                                        "still safe?").format(n=n, seats=seats))
        if seats < n - 1:
            return verdict(False, "", ngettext(
                "{seats} seat at a table of {n} is safe, but more are: what is the most?",
                "{seats} seats at a table of {n} are safe, but more are: what is the most?", int(seats))
                .format(seats=int(seats), n=n))
    return verdict(True, _("n - 1 seats for every table from 2 to 10: with one philosopher always away, a seated one "
                           "always has a free fork beside them, so someone can always eat."), "")
