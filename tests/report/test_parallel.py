"""``report.parallel.run_tasks``: the first task in this process, the others in forked workers only
when the first took long enough (a pool costs more CPU than a small report's tables)."""

from __future__ import annotations

import multiprocessing
import os

import pytest

from symbound.report import parallel


def _tasks(k: int):
    return [lambda i=i: (i * i, os.getpid()) for i in range(k)]


def test_quick_tasks_stay_in_this_process():
    seen = []
    out = parallel.run_tasks(_tasks(4), jobs=2, done=seen.append)
    assert [v for v, _pid in out] == [0, 1, 4, 9]
    assert {pid for _v, pid in out} == {os.getpid()}
    assert sorted(seen) == [0, 1, 2, 3] and seen[0] == 0


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_after_a_long_first_task_the_others_go_to_workers(monkeypatch):
    monkeypatch.setattr(parallel, "POOL_AFTER_SECONDS", 0.0)
    seen = []
    out = parallel.run_tasks(_tasks(4), jobs=2, done=seen.append)
    assert [v for v, _pid in out] == [0, 1, 4, 9]  # in the order given
    assert out[0][1] == os.getpid()
    assert all(pid != os.getpid() for _v, pid in out[1:])
    assert sorted(seen) == [0, 1, 2, 3]


def test_one_job_never_forks(monkeypatch):
    monkeypatch.setattr(parallel, "POOL_AFTER_SECONDS", 0.0)
    out = parallel.run_tasks(_tasks(3), jobs=1)
    assert {pid for _v, pid in out} == {os.getpid()}
    assert parallel.run_tasks([], jobs=2) == []
