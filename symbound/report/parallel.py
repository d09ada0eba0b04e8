"""Run the report's independent computations (the comparison tables and the curves of each bound)
in worker processes.

The work is pure Python (SymPy and mpmath), so threads would not run it in parallel.  The workers
are forked: they inherit the bounds already built, so only an index goes to a worker and only the
result (numbers, comparison tables) comes back.  Where ``fork`` is not available, or with one job,
everything runs in this process, with the same results.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, Callable, Sequence

__all__ = ["default_jobs", "run_tasks"]

_TASKS: dict[int, Callable[[], Any]] = {}


def default_jobs() -> int:
    """One job per core available to this process, at most 2 (the report has two heavy tasks)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(2, cores))


def _run(i: int) -> Any:
    return _TASKS[i]()


def run_tasks(tasks: Sequence[Callable[[], Any]], jobs: int,
              done: Callable[[int], None] | None = None) -> list:
    """``[t() for t in tasks]``, in ``jobs`` forked processes when ``jobs > 1``; ``done(i)`` is
    called as task i finishes.  Put the longest tasks first: they are started first."""
    global _TASKS
    if jobs <= 1 or len(tasks) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        out = []
        for i, t in enumerate(tasks):
            out.append(t())
            if done:
                done(i)
        return out
    _TASKS = dict(enumerate(tasks))
    try:
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=ctx) as pool:
            futures = {pool.submit(_run, i): i for i in range(len(tasks))}
            results: dict[int, Any] = {}
            try:
                for fut in as_completed(futures):
                    i = futures[fut]
                    results[i] = fut.result()
                    if done:
                        done(i)
            except BaseException:
                for fut in futures:
                    fut.cancel()
                raise
    finally:
        _TASKS = {}
    return [results[i] for i in range(len(tasks))]
