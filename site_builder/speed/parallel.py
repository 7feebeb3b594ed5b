"""Run independent rendering tasks over several processes, results in task order.

Tasks are closures over the site, which cannot be pickled; forked workers inherit them
instead.  The task list is published in a module variable only for the duration of one
call (the fork start method needs the state in memory before the pool starts), and
each worker returns plain values (the build's tasks: manifest rows of the files they
wrote), merged by the caller in task order, so the output never depends on which process
finished first.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import multiprocessing
import os
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import ParamSpec, TypeVar

T = TypeVar("T")
P = ParamSpec("P")
_TASKS: list[Callable[[], object]] = []


def _run(index: int) -> object:
    return _TASKS[index]()


MAX_JOBS = 64  # more processes than this only cost memory: the work is split by cores


def processes(jobs: int | None) -> int:
    """How many processes to use: `jobs` (1 to MAX_JOBS), or the cores this process may run
    on (its CPU affinity: a container limited to 2 cores of a 128-core host gets 2)."""
    if jobs is None:
        try:
            jobs = len(os.sched_getaffinity(0))
        except (AttributeError, OSError):  # no affinity on this system
            jobs = os.cpu_count() or 1
    return max(1, min(jobs, MAX_JOBS))


def run(tasks: list[Callable[[], T]], jobs: int | None, local: Collection[int] = ()) -> list[T]:
    """Results of every task, in order; in-process when one job or one task.

    The tasks numbered in `local` run in the calling process while the workers run the
    rest (the workers are forked first, so they do not inherit what a local task makes):
    a big task that builds up much memory then adds it to the caller only, not to a
    worker that already holds a copy of everything the caller had.
    """
    jobs = min(processes(jobs), len(tasks))
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [task() for task in tasks]
    global _TASKS
    _TASKS = list(tasks)
    here = [index for index in range(len(tasks)) if index in local]
    there = [index for index in range(len(tasks)) if index not in local]
    try:
        with frozen_heap(), ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(_run, index) for index in there]  # forks the workers
            done = {index: tasks[index]() for index in here}
            done |= {index: future.result() for index, future in zip(there, futures, strict=True)}
    finally:
        _TASKS = []
    return [done[index] for index in range(len(tasks))]  # type: ignore[misc]


def tapering(count: int, jobs: int, least: int = 50) -> list[int]:
    """Sizes of the chunks `count` jobs go to `jobs` workers in, largest first.

    Workers take chunks in order, so at the end one waits for the others about as long
    as the last chunks take: first about six chunks a worker of equal size (few enough
    that each one's fixed cost is small), then each chunk a worker's share of what is
    left, down to a quarter of the first size (never below `least`).  At most 8 × jobs
    chunks (content.load writes a cache pack for each).
    """
    most = max(least, -(-count // (jobs * 6)))
    smallest = max(least, most // 4)
    sizes, left = [], count
    while left:
        size = min(left, most, max(smallest, -(-left // jobs)))
        sizes.append(size)
        left -= size
    return sizes


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """Leave what this process holds now out of the cyclic garbage collector while forked
    workers share it: a worker's full collection would walk that whole heap, and touching
    each object copies its memory page into the worker (time, and memory twice over)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


# Collect young objects every 20,000 allocations instead of 700: a build allocates
# millions of short-lived objects and keeps a large heap of long-lived ones, and
# CPython's default thresholds spend ~5% of a cold build walking it.
BUILD_THRESHOLDS = (20_000, 50, 1000)


def collecting_less(function: Callable[P, T]) -> Callable[P, T]:
    """Run `function` with the garbage collector's BUILD_THRESHOLDS (then the old ones):
    cycles are still collected, only less often."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        old = gc.get_threshold()
        gc.set_threshold(*BUILD_THRESHOLDS)
        try:
            return function(*args, **kwargs)
        finally:
            gc.set_threshold(*old)

    return wrapper
