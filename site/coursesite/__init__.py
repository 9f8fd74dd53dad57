"""The course as a static website: stage, execute (with a cache), build with Sphinx.

The folder is ``site/`` but the package is ``coursesite``: a top-level package
named ``site`` would shadow Python's own ``site`` module. Run it as
``python -m coursesite.build`` with ``site/`` on ``PYTHONPATH`` (``make site``
does).
"""
