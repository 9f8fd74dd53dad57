"""Code for the course *Python concurrency, hands-on*.

Every function that a worker thread or process runs, every measurement and every
plot lives here rather than in a notebook. Worker processes started with ``spawn``
or ``forkserver`` import their function by its module name, and a function defined
in a notebook cell has none they can import; a package installed with
``pip install -e .`` has one in every process.
"""

__version__ = "0.1.0"
