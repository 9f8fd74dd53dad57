"""What every self-check returns: true or false, shown as one line.

A check never raises, so "Run All Cells" goes on past an unsolved exercise; the
hidden solution cells ``assert`` the check, so the tests fail if a solution stops
working.
"""

from __future__ import annotations


class Verdict:
    """True or false, shown as one line: what a self-check cell displays."""

    def __init__(self, ok: bool, message: str) -> None:
        self.ok = ok
        self.message = message

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        from helpers.i18n import tidy

        return tidy(self.message)


def verdict(ok: bool, praise: str, hint: str) -> Verdict:
    from helpers.i18n import _

    if ok:
        return Verdict(ok, _("✅ {praise}").format(praise=praise))
    return Verdict(ok, _("❌ Not yet. Hint: {hint}").format(hint=hint))
