"""The environment for the small Python programs the lessons run and then show.

Lessons 01 and 03 and some self-checks run real programs and show or read what they
print. From Python 3.13 a traceback is printed in colour when ``FORCE_COLOR`` is set
(as it can be inside a Jupyter kernel or on CI), and the escape codes would then show
as garbage in a transcript, or hide the text a lesson looks for. So those programs run
with colour turned off, and otherwise with the parent's environment (``COURSE_LANG``
included, so they speak the learner's language).
"""

from __future__ import annotations

import os
from collections.abc import Mapping


def plain_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """``os.environ`` with colour turned off, plus ``extra``."""
    env = {name: value for name, value in os.environ.items() if name != "FORCE_COLOR"}
    env.update(PYTHON_COLORS="0", NO_COLOR="1")
    env.update(extra or {})
    return env
