"""Developer tools for the course (not installed with ``helpers``; they need requirements-dev.txt).

``python -m tools.translations`` keeps the Chinese edition in step with the English
one: message catalogues (:mod:`tools.catalogue`) and notebook twins (:mod:`tools.parity`).
"""
