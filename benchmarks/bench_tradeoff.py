"""Benchmark: the trade-off curve E(eta) at 200 model levels (issue #10).

``TradeOff.total_error`` on 200 levels (a fresh calculator each time, set-up included) against the
baseline the calculator avoids: one public ``generalization_bound(...).evaluate()`` per level (and
the plain bound once).  Three paths:

* partition bound ("structure": G_S(eta) = G_S(0) + 2 L_l eta, checked at two levels);
* entropy-integral bound with power-law coverings ("compiled": the bound compiled once in
  (alpha, eta), minimised over alpha on a grid refined by golden section, vectorised over eta);
* entropy-integral bound with certified coverings ("per level": the certified quadrature cannot be
  compiled, so the calculator is the baseline).

The script prints wall and CPU seconds, the ratio baseline / calculator and the largest relative
difference between the two curves (each value of either is a valid bound).

Usage: python benchmarks/bench_tradeoff.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("NUMBA_THREADING_LAYER", "workqueue")

import numpy as np  # noqa: E402

import symbound as sb  # noqa: E402
from symbound.groups import SO  # noqa: E402
from symbound.spaces import Ball  # noqa: E402

CASES = {
    "partition, certified coverings": dict(method="partition", covering="upper", classes=2),
    "dudley, power-law coverings": dict(method="dudley", covering="power_law", hypothesis_bound=1),
    "dudley, certified coverings": dict(method="dudley", covering="upper", hypothesis_bound=1),
}
CONST = dict(lipschitz=1, loss_lipschitz=1, loss_bound=1)


def baseline(etas, n, delta, opts):
    """One generalization_bound per level, the better of the two coverings taken by hand."""
    split = 2 if opts["method"] == "partition" else 1
    kw = dict(CONST, **opts)
    method = kw.pop("method")
    if method == "partition":
        kw["grid_size"] = 1
    plain = float(sb.generalization_bound(Ball(2), None, method, n=n, delta=delta / split, **kw).evaluate())
    out = np.empty(etas.size)
    for i, e in enumerate(etas):
        b = sb.generalization_bound(Ball(2), SO(2), method, equivariance_error=float(e), n=n,
                                    delta=delta / split, **kw)
        out[i] = min(float(b.evaluate()), plain)
    return out


def timed(fn):
    w, c = time.perf_counter(), time.process_time()
    v = fn()
    return v, time.perf_counter() - w, time.process_time() - c


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="50 levels instead of 200")
    args = ap.parse_args()
    m = 50 if args.quick else 200
    n, delta, eta_d = 10**6, 0.05, 0.05
    etas = np.linspace(0, 0.1, m)
    print(f"{m} levels, n = {n}, delta = {delta}; load average {os.getloadavg()[0]:.2f}")
    for name, opts in CASES.items():
        def calc():
            t = sb.tradeoff(Ball(2), SO(2), eta_d, n=n, delta=delta, **CONST, **opts)
            return (t.total_error(etas) - np.maximum(eta_d - etas, 0)) / 2, t._curve(n).path

        (g_calc, path), wc, cc = timed(calc)
        g_base, wb, cb = timed(lambda: baseline(etas, n, delta, opts))
        rel = float(np.max(np.abs(g_calc - g_base) / g_base))
        print(f"{name:34s} path {path:10s} calculator {wc:7.3f} s wall {cc:7.3f} s CPU | "
              f"baseline {wb:7.3f} s wall {cb:7.3f} s CPU | ratio {wb / wc:6.1f} | max rel diff {rel:.1e}")


if __name__ == "__main__":
    main()
