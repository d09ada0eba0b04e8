"""Run the report's independent computations (the comparison tables and the curves of each bound)
in worker processes.

The work is pure Python (SymPy and mpmath), so threads would not run it in parallel.  The workers
are forked: they inherit the bounds already built, so only an index goes to a worker and only the
result (numbers, comparison tables) comes back.  Where ``fork`` is not available, or with one job,
everything runs in this process, with the same results.

A pool costs about a second of CPU time (forking, and the caches of compiled bounds and covering
counts that each worker fills again), more than the whole bound tables of a small report such as
the built-in example take: the first (longest) task runs in this process, and the others go to the
workers only when it took at least :data:`POOL_AFTER_SECONDS` of CPU time.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, Callable, Sequence

__all__ = ["default_jobs", "run_tasks"]

_TASKS: dict[int, Callable[[], Any]] = {}

#: CPU seconds the first (longest) task must take for the other tasks to go to worker processes
POOL_AFTER_SECONDS = 2.0


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
    """``[t() for t in tasks]``; ``done(i)`` is called as task i finishes.  Put the longest tasks
    first.  The first task runs in this process; when it took at least :data:`POOL_AFTER_SECONDS`
    of CPU time and ``jobs > 1``, the others run in ``jobs`` forked processes (module docstring)."""
    if not tasks:
        return []
    start = time.process_time()
    first = tasks[0]()
    if done:
        done(0)
    rest = _run_rest(tasks, jobs if time.process_time() - start >= POOL_AFTER_SECONDS else 1, done)
    return [first, *rest]


def _run_rest(tasks: Sequence[Callable[[], Any]], jobs: int,
              done: Callable[[int], None] | None) -> list:
    """Tasks 1, 2, ... of ``tasks``, in this process or in ``jobs`` forked workers."""
    todo = range(1, len(tasks))
    if jobs <= 1 or len(todo) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        out = []
        for i in todo:
            out.append(tasks[i]())
            if done:
                done(i)
        return out
    global _TASKS
    _TASKS = dict(enumerate(tasks))
    try:
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=ctx) as pool:
            futures = {pool.submit(_run, i): i for i in todo}
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
    return [results[i] for i in todo]
