"""Code for the course *Python concurrency, hands-on*.

The rule: the concurrency code a lesson teaches (threads, locks, conditions, queues,
coroutines, locking strategies) is written in the lesson's notebook, where the
learner reads and changes it. This package holds only what must be importable by
name, and the instruments:

* the targets of process pools and ``multiprocessing.Process``: under ``spawn`` and
  ``forkserver`` a worker process imports its function by module name, and a
  notebook cell has none it can import (lesson 01 shows the error);
* measurement, timelines, plots, watchdogs, local servers, widgets and self-checks,
  which are not the lesson's subject and are tested here like a library.

Which module serves which lesson:

======================  ====================================================================
lesson                  modules
======================  ====================================================================
every lesson            ``cleanup`` (nothing left running), ``timeline`` (spans, Recorder,
                        Gantt charts), ``checks`` (self-checks, one module per lesson),
                        ``i18n`` and ``fonts`` (English or Chinese), ``paths`` (folders),
                        ``source`` (show module code highlighted), ``python_build`` (which
                        Python, which build), ``machine`` (is it busy?), ``subprocesses``
                        (programs run and shown without colour), ``widget_tools``
00 why concurrency      ``setup_check`` (also ``python -m helpers``), ``workloads``,
                        ``identity``, ``responsiveness``, ``measure``, ``machine`` (is the
                        machine busy?)
01 thumbnails           ``thumbnails`` (also a command line), ``measure``, ``executors``,
                        ``speedup_plot``, ``thumbnail_gallery``, ``scaling_explorer``,
                        ``spawn_demo``, ``machine``
02 races and locks      ``bank``, ``interleavings``, ``races``, ``shared_counter``, ``locks``
03 daemons              ``daemon_demos``, ``stopping``
04 Condition/Semaphore  ``conditions``
05 queues               ``pipeline``, ``pipes_and_shared_memory``
06 philosophers         ``philosophers`` (the table, the watchdog, the wait-for graph)
07 async I/O            ``echo``, ``slow_server``, ``fetch``, ``recorded_run``
08 choosing, scaling    ``headlines``, ``amdahl``, ``costs``, ``gil_across_builds``,
                        ``subinterpreters``, ``measure``
======================  ====================================================================
"""

__version__ = "0.1.0"
