"""The exercises' self-checks, one module per lesson, all importable from here.

Each is named ``check_<what it checks>``, so it never clashes with the function a
learner writes (``check_mailbox(Mailbox)``), and each returns a
:class:`~helpers.checks.verdict.Verdict`: true or false, shown as one line.
"""

from helpers.checks import lesson00, lesson01, lesson02, lesson03, lesson04, lesson05, lesson06, lesson07, lesson08
from helpers.checks.lesson00 import *  # noqa: F403
from helpers.checks.lesson01 import *  # noqa: F403
from helpers.checks.lesson02 import *  # noqa: F403
from helpers.checks.lesson03 import *  # noqa: F403
from helpers.checks.lesson04 import *  # noqa: F403
from helpers.checks.lesson05 import *  # noqa: F403
from helpers.checks.lesson06 import *  # noqa: F403
from helpers.checks.lesson07 import *  # noqa: F403
from helpers.checks.lesson08 import *  # noqa: F403
from helpers.checks.verdict import Verdict, verdict

__all__ = [
    "Verdict",
    "verdict",
    *lesson00.__all__,
    *lesson01.__all__,
    *lesson02.__all__,
    *lesson03.__all__,
    *lesson04.__all__,
    *lesson05.__all__,
    *lesson06.__all__,
    *lesson07.__all__,
    *lesson08.__all__,
]
