"""Run independent rendering tasks over several processes, results in task order.

Tasks are closures over the site, which cannot be pickled; forked workers inherit them
instead.  The task list is published in a module variable only for the duration of one
call (the fork start method needs the state in memory before the pool starts), and
each worker returns plain values (the build's tasks: manifest rows of the files they
wrote), merged by the caller in task order, so the output never depends on which process
finished first.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
_TASKS: list[Callable[[], object]] = []


def _run(index: int) -> object:
    return _TASKS[index]()


def run(tasks: list[Callable[[], T]], jobs: int | None) -> list[T]:
    """Results of every task, in order; in-process when one job or one task."""
    jobs = min(jobs or os.cpu_count() or 1, len(tasks))
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [task() for task in tasks]
    global _TASKS
    _TASKS = list(tasks)
    try:
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_run, range(len(tasks))))  # type: ignore[arg-type]
    finally:
        _TASKS = []
