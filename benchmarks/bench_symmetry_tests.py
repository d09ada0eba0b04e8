"""Size, power and time of the symmetry tests on the published experiments of Chiu & Bloem-Reddy,
"Non-parametric Hypothesis Tests for Distributional Group Symmetry" (arXiv:2307.15834; their
repository's ``experiments/`` and ``outputs/``), issue #13.

Experiments (alpha = 0.05, B = 200 randomizations as theirs):

* ``so4``: SO(4) invariance in R^4, n = 200; H0: N(0, I); H1: N((0.4, 0, 0, 0), I).
* ``exch10``: exchangeability in R^10 (S_10 permuting coordinates), n = 200; H0+: N(0, S+) with
  S+ = (1 - 1/d) I + 11^T / d; H0-: N(0, S-) with S- = (1 + 1/(d-1)) I - 11^T / (d-1) (singular);
  H1: N(0, W W^T), W a standard Gaussian d x d matrix drawn per data set.
* ``equiv4``: SO(4) equivariance of y | x in R^4, n = 50; x ~ N(0, W W^T) (W per data set),
  H0: y ~ N(x, I); H1: y ~ N(|x|, I) (componentwise absolute value).

Replicate r of an experiment draws its data from ``default_rng([experiment, hypothesis, r])`` and
its test from ``seed = r``: every figure is reproducible.  ``--reps`` sets the replicates (default
1000; ``--feature-reps``, default 500, for the random-feature test); ``--quick`` runs 100.  The
script also times the kernel ("aggregate") and random-feature ("features") invariance tests at
growing n (``--scaling``).

Usage: ``python benchmarks/bench_symmetry_tests.py [--reps R] [--quick] [--scaling] [--only so4]``
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import time

os.environ.setdefault("NUMBA_THREADING_LAYER", "workqueue")

import numpy as np  # noqa: E402
from tqdm.auto import tqdm  # noqa: E402

from symbound.groups import SO, Symmetric  # noqa: E402
from symbound.numeric.symmetry_tests import equivariance_test, invariance_test  # noqa: E402

ALPHA = 0.05
B = 200

#: published rejection rates (their outputs/*.txt, 1000 simulations, B = 200) and mean times (s)
PUBLISHED = {
    "so4": {"tests": ["2SMMD", "MMD", "NMMD", "CW"],
            "H0": [0.041, 0.050, 0.051, 0.068], "H1": [0.870, 0.984, 0.896, 0.935],
            "time": [0.314, 1.640, 0.469, 0.485]},
    "exch10": {"tests": ["2SMMD", "MMD", "NMMD", "CW", "CW-gen"],
               "H0+": [0.012, 0.047, 0.054, 0.069, 0.088], "H0-": [0.052, 0.053, 0.044, 0.072, 0.069],
               "H1": [0.987, 1.000, 0.122, 0.872, 0.219], "time": [0.415, 1.847, 0.300, 0.307, 0.001]},
    "equiv4": {"tests": ["KCI", "CP"], "H0": [0.041, 0.095], "H1": [0.921, 0.995],
               "time": [0.0099, 0.449]},
}
EXPERIMENT_IDS = {"so4": 1, "exch10": 2, "equiv4": 3}


def _sqrtm_psd(S: np.ndarray) -> np.ndarray:
    w, V = np.linalg.eigh(S)
    return (V * np.sqrt(np.clip(w, 0.0, None))) @ V.T


def data_so4(hyp: str, rng: np.random.Generator):
    x = rng.standard_normal((200, 4))
    if hyp == "H1":
        x[:, 0] += 0.4
    return (x,)


_D = 10
_SPLUS = _sqrtm_psd(np.eye(_D) * (1 - 1 / _D) + np.ones((_D, _D)) / _D)
_SMINUS = _sqrtm_psd(np.eye(_D) * (1 + 1 / (_D - 1)) - np.ones((_D, _D)) / (_D - 1))


def data_exch10(hyp: str, rng: np.random.Generator):
    z = rng.standard_normal((200, _D))
    if hyp == "H0+":
        return (z @ _SPLUS,)
    if hyp == "H0-":
        return (z @ _SMINUS,)
    W = rng.standard_normal((_D, _D))
    return (z @ W.T,)


def data_equiv4(hyp: str, rng: np.random.Generator):
    W = rng.standard_normal((4, 4))
    x = rng.standard_normal((50, 4)) @ W.T
    mean = x if hyp == "H0" else np.abs(x)
    return x, mean + rng.standard_normal((50, 4))


EXPERIMENTS = {
    "so4": (data_so4, ["H0", "H1"], lambda d, m, s: invariance_test(
        d[0], SO(4), method=m, n_randomizations=B, seed=s)),
    "exch10": (data_exch10, ["H0+", "H0-", "H1"], lambda d, m, s: invariance_test(
        d[0], Symmetric(_D, axis=-1), method=m, n_randomizations=B, seed=s)),
    "equiv4": (data_equiv4, ["H0", "H1"], lambda d, m, s: equivariance_test(
        d[0], d[1], SO(4), "same", method=m, n_randomizations=B, seed=s)),
}
METHODS = {"so4": ["aggregate", "median", "features"], "exch10": ["aggregate", "median", "features"],
           "equiv4": ["aggregate", "median"]}


def run(name: str, reps: int, feature_reps: int) -> dict:
    gen, hyps, test = EXPERIMENTS[name]
    for m in METHODS[name]:  # compile / warm up
        test(gen(hyps[0], np.random.default_rng(0)), m, 0)
    res = {}
    for hyp_i, hyp in enumerate(hyps):
        for m in METHODS[name]:
            reps_m = feature_reps if m == "features" else reps
            rej = 0
            wall = 0.0
            cpu = 0.0
            for r in tqdm(range(reps_m), desc=f"{name} {hyp} {m}", leave=False):
                d = gen(hyp, np.random.default_rng([EXPERIMENT_IDS[name], hyp_i, r]))
                t0, c0 = time.perf_counter(), time.process_time()
                out = test(d, m, r)
                wall += time.perf_counter() - t0
                cpu += time.process_time() - c0
                rej += out.pvalue <= ALPHA
            res[(hyp, m)] = (rej / reps_m, wall / reps_m, cpu / reps_m, reps_m)
    return res


def report(name: str, res: dict) -> None:
    pub = PUBLISHED[name]
    hyps = EXPERIMENTS[name][1]
    print(f"\n## {name} (rejection rate at alpha = 0.05 +- binomial standard error)")
    print("| test | replicates | " + " | ".join(hyps) + " | wall s/test | CPU s/test |")
    print("|---|---:|" + "---:|" * (len(hyps) + 2))
    for m in METHODS[name]:
        cells = []
        reps = res[(hyps[0], m)][3]
        for hyp in hyps:
            rate = res[(hyp, m)][0]
            cells.append(f"{rate:.3f} +- {math.sqrt(max(rate * (1 - rate), 1e-12) / reps):.3f}")
        wall = np.mean([res[(h, m)][1] for h in hyps])
        cpu = np.mean([res[(h, m)][2] for h in hyps])
        print(f"| symbound {m} | {reps} | " + " | ".join(cells) + f" | {wall:.4f} | {cpu:.4f} |")
    for i, t in enumerate(pub["tests"]):
        print(f"| published {t} | 1000 | " + " | ".join(f"{pub[h][i]:.3f}" for h in hyps)
              + f" | {pub['time'][i]:.4f} | |")


def scaling(ns=(200, 1000, 2000)) -> None:
    print("\n## time per invariance test against n (SO(4), H1 data, B = 200; one run each)")
    print("| n | aggregate s | features s |")
    print("|---:|---:|---:|")
    for n in ns:
        x = np.random.default_rng(n).standard_normal((n, 4)) + [0.4, 0, 0, 0]
        row = []
        for m in ("aggregate", "features"):
            t0 = time.perf_counter()
            invariance_test(x, SO(4), method=m, n_randomizations=B, seed=0)
            row.append(time.perf_counter() - t0)
        print(f"| {n} | {row[0]:.3f} | {row[1]:.3f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=1000)
    ap.add_argument("--feature-reps", type=int, default=500,
                    help="replicates of method='features' (the slowest at n = 200)")
    ap.add_argument("--quick", action="store_true", help="100 replicates")
    ap.add_argument("--scaling", action="store_true", help="also time the tests at growing n")
    ap.add_argument("--only", choices=sorted(EXPERIMENTS), action="append")
    args = ap.parse_args()
    reps = 100 if args.quick else args.reps
    feature_reps = 100 if args.quick else args.feature_reps
    print(f"load average at start: {os.getloadavg()}")
    for name in args.only or list(EXPERIMENTS):
        t0 = time.perf_counter()
        res = run(name, reps, feature_reps)
        report(name, res)
        print(f"({name}: {time.perf_counter() - t0:.0f} s)")
    if args.scaling:
        scaling()
    print(f"\nload average at end: {os.getloadavg()}; max RSS "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
