"""Benchmark: greedy quotient net on points of [-1, 1]^4 under C_8 (issue #4, item 5).

The numba engine (``symbound.numeric.covering``: one pass, orbit copies of the centres in a hashed
grid of cell eps) against the best numpy greedy we could write for the same computation: every new
centre computes the distances of all still-uncovered points to its orbit in one broadcast, and the
covered points are dropped (compaction), so the work shrinks as the net grows. Three numpy variants
are timed (broadcast differences, the GEMM expansion |x|^2 + |c|^2 - 2 x.c, and einsum) and the
fastest is used. Both must give the same number of centres (and the same centres).

Usage: python benchmarks/bench_covering.py [--quick] [--repeat R]
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("NUMBA_THREADING_LAYER", "workqueue")

import numpy as np  # noqa: E402

from symbound.groups import Cyclic  # noqa: E402
from symbound.numeric import covering as cov  # noqa: E402


def numpy_greedy_broadcast(x, mats, eps):
    eps2 = eps * eps
    idx = np.arange(x.shape[0])
    xr = x
    centres = []
    while idx.size:
        centres.append(idx[0])
        orbit = mats @ xr[0]                                   # (K, d)
        diff = xr[:, None, :] - orbit[None, :, :]              # (n, K, d)
        d2 = np.einsum("nkd,nkd->nk", diff, diff).min(axis=1)
        keep = d2 > eps2
        xr, idx = xr[keep], idx[keep]
    return np.array(centres)


def numpy_greedy_gemm(x, mats, eps):
    eps2 = eps * eps
    idx = np.arange(x.shape[0])
    xr = x
    sq = np.einsum("nd,nd->n", x, x)
    centres = []
    while idx.size:
        centres.append(idx[0])
        orbit = mats @ xr[0]                                   # (K, d)
        d2 = sq[:, None] + np.einsum("kd,kd->k", orbit, orbit)[None, :] - 2.0 * (xr @ orbit.T)
        keep = d2.min(axis=1) > eps2
        xr, idx, sq = xr[keep], idx[keep], sq[keep]
    return np.array(centres)


def numpy_greedy_loop_k(x, mats, eps):
    """Per orbit element: one (n, d) difference, squared norm by a fused dot (no (n, K, d) array)."""
    eps2 = eps * eps
    idx = np.arange(x.shape[0])
    xr = x
    centres = []
    while idx.size:
        centres.append(idx[0])
        orbit = mats @ xr[0]
        keep = np.ones(idx.size, dtype=bool)
        for o in orbit:
            diff = xr - o
            keep &= np.einsum("nd,nd->n", diff, diff) > eps2
        xr, idx = xr[keep], idx[keep]
    return np.array(centres)


def engine_net(x, group, eps):
    spec = cov._metric_spec(x, group, "euclidean", 1, np.random.default_rng(0))
    order = np.arange(x.shape[0], dtype=np.int64)
    return cov._greedy(spec, order, eps, False, False, None)[0]


def timed(f):
    """(wall seconds, CPU seconds of this process, result) of one call. On a shared 2-core host the
    wall time swings with other processes' load; CPU time is the steadier figure."""
    w0, c0 = time.perf_counter(), time.process_time()
    out = f()
    return time.perf_counter() - w0, time.process_time() - c0, out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="10 000 points, 2 repeats")
    ap.add_argument("--repeat", type=int, default=None)
    args = ap.parse_args()
    n = 10_000 if args.quick else 50_000
    repeat = args.repeat or (2 if args.quick else 5)
    eps = 0.3
    group = Cyclic(8, dim=4, plane=(0, 1))
    x = np.random.default_rng(0).uniform(-1.0, 1.0, (n, 4))
    mats = group.elements()  # contains the identity

    w, c, _ = timed(lambda: engine_net(x[:100], group, eps))
    print(f"first call (compile, or load from the on-disk cache): {w:.3f} s")

    variants = [("broadcast", numpy_greedy_broadcast), ("gemm", numpy_greedy_gemm),
                ("loop over g", numpy_greedy_loop_k)]
    best = {"engine": [np.inf, np.inf], "api": [np.inf, np.inf]}
    best.update({name: [np.inf, np.inf] for name, _ in variants})
    outs = {}
    for _ in range(repeat):  # interleaved, so that load changes hit every contender alike
        for name, f in [("engine", lambda: engine_net(x, group, eps)),
                        ("api", lambda: cov.empirical_covering_number(x, eps, group=group))] + \
                [(nm, (lambda f=f: f(x, mats, eps))) for nm, f in variants]:
            w, c, out = timed(f)
            best[name] = [min(best[name][0], w), min(best[name][1], c)]
            outs[name] = out
    c_eng = outs["engine"]
    res = outs["api"]
    print(f"workload: {n} points of [-1,1]^4, C_8 on plane (0,1), eps={eps}, best of {repeat} "
          f"(wall ms / CPU ms)")
    print(f"numba engine, quotient net only      : {best['engine'][0] * 1e3:8.2f} / "
          f"{best['engine'][1] * 1e3:8.2f}  ({c_eng.size} centres)")
    print(f"full API call (+ nearest-centre pass and plain net of {res.n_centers_plain} centres, "
          f"gain {res.gain:.2f}): {best['api'][0] * 1e3:8.2f} / {best['api'][1] * 1e3:8.2f}")
    for name, _ in variants:
        cc = outs[name]
        same = cc.size == c_eng.size and np.array_equal(cc, c_eng)
        print(f"numpy greedy ({name:12s})         : {best[name][0] * 1e3:8.2f} / "
              f"{best[name][1] * 1e3:8.2f}  ({cc.size} centres, same centres as engine: {same})")
        if cc.size != c_eng.size:
            raise SystemExit(f"centre counts differ: numpy {cc.size}, engine {c_eng.size}")
    for k, label in [(0, "wall"), (1, "CPU")]:
        b = min((nm for nm, _ in variants), key=lambda nm: best[nm][k])
        print(f"speed-up over the best numpy ({b}), {label} time: "
              f"{best[b][k] / best['engine'][k]:.1f}x (target >= 20x)")


if __name__ == "__main__":
    main()
