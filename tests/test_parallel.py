"""The process pool: results in task order, and the garbage collector set up for builds."""

from __future__ import annotations

import gc
import os
from functools import partial

import pytest

from site_builder.speed import parallel


def _task(number: int) -> tuple[int, int, int]:
    return number, os.getpid(), gc.get_freeze_count()


def test_results_come_in_task_order_and_workers_share_a_frozen_heap():
    kept = [object() for _ in range(1000)]  # something for the workers to inherit
    results = parallel.run([partial(_task, n) for n in range(12)], jobs=2, local=[0])
    assert [number for number, _, _ in results] == list(range(12))
    here, there = results[0], results[1:]
    assert here[1] == os.getpid() and all(pid != os.getpid() for _, pid, _ in there)
    # The workers never walk the heap they were forked with; this process has it back.
    assert here[2] > len(kept) and all(frozen > len(kept) for _, _, frozen in there)
    assert gc.get_freeze_count() == 0


def test_thresholds_are_put_back_even_when_the_build_fails():
    before = gc.get_threshold()

    @parallel.collecting_less
    def failing() -> None:
        assert gc.get_threshold() == parallel.BUILD_THRESHOLDS
        raise ValueError("bad input")

    with pytest.raises(ValueError):
        failing()
    assert gc.get_threshold() == before


@pytest.mark.parametrize("jobs", [2, 3, 8])
@pytest.mark.parametrize("count", [0, 1, 50, 400, 999, 5000, 20_000])
def test_chunks_cover_every_job_and_the_last_ones_are_short(count, jobs):
    sizes = parallel.tapering(count, jobs)
    assert sum(sizes) == count and all(size > 0 for size in sizes)
    assert sizes == sorted(sizes, reverse=True)
    # content.load writes a cache pack per chunk and folds them above 8 × jobs + 8.
    assert len(sizes) <= 8 * jobs
    # At the end a worker waits for the others at most about one of the short last chunks.
    assert not sizes or max(sizes[-jobs:]) <= max(50, sizes[0] // 2)


def test_the_number_of_processes_follows_the_cores_this_process_may_use(monkeypatch) -> None:
    """By default as many processes as the cores the process may run on (a container's
    limit, not the host's count), never more than MAX_JOBS; a number given is kept in 1..MAX_JOBS."""
    import os

    from site_builder.speed import parallel

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 128)
    assert parallel.processes(None) == 2
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(200)), raising=False)
    assert parallel.processes(None) == parallel.MAX_JOBS
    assert [parallel.processes(n) for n in (1, 3, 1000, 0, -1)] == [1, 3, parallel.MAX_JOBS, 1, 1]
