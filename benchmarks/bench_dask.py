"""Benchmark of the orbit integral on Dask (issue #15): N = 10^7 points through ``equivariance_error``
on a 2-worker ``LocalCluster`` against the local run of the same process.

Workload: X of N points in R^3, SO(3) with K = 4 Haar rotations per point, p = 2, invariance;
model ``x0 x1 + sin(x2)`` (numpy, batched path).  Both runs use ``n_bootstrap=1`` (the bootstrap of
the summary is the same in both and costs about 5 s per 10^6 points and 100 resamples, measured,
unrelated to the sharding).

Printed: wall time of each run and their ratio (dask / local), the values (equal: the group samples
are counter-based), the peak of numpy allocations in this process during each run (tracemalloc; the
client holds X and the per-point results, 4 floats per point) and the resident memory of each
worker after the warm-up and its peak during the run (psutil, sampled every 10 ms; a worker holds
the slices of X and per-point results of its tasks in flight, two per worker thread).
On the 2-core machine the cluster competes with the local cores: the ratio measures the overhead of
sharding (NUMERICS: Dask adds overhead and no speed on one 2-core host), not a cluster's speed-up.

Usage: python benchmarks/bench_dask.py [--n 10000000] [--chunks 8]
(the ``if __name__ == "__main__"`` guard is required: worker processes re-import ``__main__``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
os.environ.setdefault("NUMBA_THREADING_LAYER", "workqueue")


def model(xs):
    import numpy as np

    return xs[:, 0] * xs[:, 1] + np.sin(xs[:, 2])


def _start_sampler(dask_worker):
    """In a worker: sample its resident memory every 10 ms (ru_maxrss is useless here: a spawned
    worker inherits the parent's peak)."""
    import threading

    import psutil

    w, proc = dask_worker, psutil.Process()
    w.sb_peak, w.sb_stop = [proc.memory_info().rss], threading.Event()

    def loop():
        while not w.sb_stop.is_set():
            w.sb_peak[0] = max(w.sb_peak[0], proc.memory_info().rss)
            w.sb_stop.wait(0.01)

    threading.Thread(target=loop, daemon=True).start()
    return w.sb_peak[0] / 2**20


def _stop_sampler(dask_worker):
    dask_worker.sb_stop.set()
    return dask_worker.sb_peak[0] / 2**20


def timed(fn):
    tracemalloc.start()
    t0 = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return out, dt, peak


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000_000)
    ap.add_argument("--chunks", type=int, default=8, help="Dask tasks (default 4 per worker)")
    args = ap.parse_args()

    import distributed
    import numpy as np

    from symbound.groups import SO
    from symbound.numeric.orbit import equivariance_error

    X = np.random.default_rng(0).normal(size=(args.n, 3))
    kw = dict(n_group_samples=4, seed=1, n_bootstrap=1, method="batched")
    print(f"N = {args.n:,} points in R^3, SO(3), K = 4, X = {X.nbytes / 2**20:.0f} MiB")
    equivariance_error(model, SO(3), X[:10_000], **kw)  # kernels loaded (disk cache) before timing
    local, t_local, mem_local = timed(lambda: equivariance_error(model, SO(3), X, **kw))
    print(f"local      : {t_local:7.2f} s  value {local.value:.12g}  "
          f"client peak (tracemalloc) {mem_local:7.0f} MiB")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None,
                                  env={"NUMBA_NUM_THREADS": "1",
                                       "NUMBA_THREADING_LAYER": "workqueue"}) as cluster, \
            distributed.Client(cluster) as client:
        t0 = time.perf_counter()
        small = X[:1000].copy()  # the warm-up must not capture X itself (sent to every worker)
        client.run(lambda: equivariance_error(model, SO(3), small, **kw) and None)
        t_warm = time.perf_counter() - t0
        rss_warm = client.run(_start_sampler)
        remote, t_dask, mem_dask = timed(lambda: equivariance_error(
            model, SO(3), X, client=client, n_chunks=args.chunks, **kw))
        rss = client.run(_stop_sampler)
    print(f"dask (2 w.): {t_dask:7.2f} s  value {remote.value:.12g}  "
          f"client peak (tracemalloc) {mem_dask:7.0f} MiB  ({args.chunks} tasks; worker warm-up "
          f"{t_warm:.1f} s, not timed)")
    print("worker RSS after the warm-up: " + ", ".join(f"{v:.0f} MiB" for v in rss_warm.values())
          + "; peak during the run (sampled every 10 ms): "
          + ", ".join(f"{v:.0f} MiB" for v in rss.values()))
    print(f"ratio dask / local = {t_dask / t_local:.2f}; values equal: {remote.value == local.value}")


if __name__ == "__main__":
    main()
