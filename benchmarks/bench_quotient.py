"""Cost of certified covering numbers modulo finite groups (issue #9): seconds per call.

For each pair, three figures in the same run: the space's own certified ``covering(r, "upper")``
(the baseline), the quotient's (packing in the quotient, interval arithmetic), and the numeric path
the generalization bounds use at many radii (the symbolic formula lambdified once with mpmath).
The ratios to the baseline are printed; the machine is shared, so compare only within one run.

    python benchmarks/bench_quotient.py [--calls N]
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

from symbound import Ball, Sphere, quotient
from symbound.bounds.generalization import _make_cover
from symbound.groups import Cyclic, Dihedral, Symmetric


def per_call(fn, rs) -> float:
    t = time.perf_counter()
    for r in rs:
        fn(float(r))
    return (time.perf_counter() - t) / len(rs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=20)
    args = ap.parse_args()
    warnings.simplefilter("ignore", UserWarning)
    pairs = [(Ball(5), Cyclic(8, dim=5)), (Ball(2), Cyclic(4)), (Sphere(3), Dihedral(4, dim=3)),
             (Ball(12), Symmetric(12, axis=-1)), (Ball(784), Cyclic(4, dim=784))]
    print(f"{'pair':34s} {'space s/call':>12s} {'quotient':>10s} {'ratio':>7s} "
          f"{'bounds path':>12s} {'ratio':>7s}")
    for space, group in pairs:
        rs = np.geomspace(1e-3, 0.5, args.calls)
        Q = quotient(space, group)
        Q.covering(0.1)  # builds the exact case once
        base = per_call(lambda r: space.covering(r, "upper"), rs * 1.0001)
        quo = per_call(lambda r: Q.covering(r, "upper"), rs)
        cov = _make_cover(space, group, "upper", None)
        path = per_call(cov.numeric_log, rs * 1.0002)
        name = f"{space!r} / {group.name}"[:34]
        print(f"{name:34s} {base:12.5f} {quo:10.5f} {quo / base:7.1f} {path:12.6f} {path / base:7.2f}")


if __name__ == "__main__":
    main()
