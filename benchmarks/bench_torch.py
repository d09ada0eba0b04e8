"""Benchmark: a PyTorch model on the orbit engine against a hand-written torch loop (issue #11,
"Real models").

Workload (NUMERICS.md): e3nn's ``FullyConnectedTensorProduct("1x1o", "1x1o", "4x0e")`` applied to
(x, x) (four invariant outputs), float64, N = 2000 vectors of R^3, K = 64 Haar rotations, p = 2,
invariance.  Without e3nn an equivalent small torch model is used (four weighted copies of
``|x|^2 / sqrt 3``, the same outputs as the tensor product up to its weights) and the script says so.

Contenders (best of R interleaved runs: the least wall and, separately, the least CPU seconds):

* **loop**: the hand-written torch loop of the issue: 64 Haar rotations shared by all points, one
  model call per rotation on the whole batch (``x @ R.T`` in torch), ``torch.no_grad()``.
* **symbound**: ``sb.equivariance_error(module, SO(3), X, seed=0)`` with its defaults (the module
  passed as is: batches sized for torch, one conversion each way per batch; stratified rotations,
  independent per point; the estimate with its quantiles: the intervals are computed on first
  access of ``ci``), the same with ``.ci`` read (the bootstrap intervals), and with
  ``sampling="iid"``.
* **before**: what the issue measured, a NumPy wrapper ``lambda xs: tp(torch.from_numpy(xs))...``
  with the NumPy batch size 2048.
* **e3nn's own** ``e3nn.util.test.equivariance_error`` (if e3nn is installed), for reference.

Torch runs with 1 thread and with its default thread count; both contenders of a comparison use the
same setting.  Target (issue #11): symbound <= 1.3 x loop.

Usage: python benchmarks/bench_torch.py [--repeat R] [--threads 1,2]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("--repeat", type=int, default=15)
ap.add_argument("--threads", default="1,2", help="torch thread counts to run, comma separated")
args = ap.parse_args()
os.environ.setdefault("NUMBA_THREADING_LAYER", "workqueue")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import numpy as np  # noqa: E402

try:
    import torch  # noqa: E402
except ImportError:  # pragma: no cover
    sys.exit("bench_torch.py needs torch (pip install torch)")

import symbound as sb  # noqa: E402

try:
    from e3nn import o3  # noqa: E402

    HAVE_E3NN = True
except ImportError:  # pragma: no cover
    HAVE_E3NN = False

N, KG = 2000, 64
torch.manual_seed(0)


class TP(torch.nn.Module):
    """f(x) = TP(x, x): four invariant outputs."""

    def __init__(self):
        super().__init__()
        if HAVE_E3NN:
            self.tp = o3.FullyConnectedTensorProduct("1x1o", "1x1o", "4x0e")
        else:
            self.w = torch.nn.Parameter(torch.randn(4))

    def forward(self, x):
        if HAVE_E3NN:
            return self.tp(x, x)
        return (x * x).sum(-1, keepdim=True) / 3 ** 0.5 * self.w


model = TP().double().eval()
X = np.random.default_rng(0).normal(size=(N, 3))
Xt = torch.from_numpy(X)
R = torch.from_numpy(sb.groups.SO(3).sample(KG, np.random.default_rng(1)))


def loop():
    with torch.no_grad():
        f0 = model(Xt)
        acc = 0.0
        for k in range(KG):
            xr = Xt @ R[k].T
            acc += float(((model(xr) - f0) ** 2).sum())
    return (acc / (N * KG)) ** 0.5


def numpy_wrapper(xs):
    with torch.no_grad():
        return model(torch.from_numpy(xs)).numpy()


G = sb.groups.SO(3)
WITH_CI = "symbound, with its intervals (.ci)"
CONTENDERS = {
    "loop": loop,
    "symbound": lambda: sb.equivariance_error(model, G, X, seed=0).value,
    WITH_CI: lambda: sb.equivariance_error(model, G, X, seed=0).ci,
    "symbound iid": lambda: sb.equivariance_error(model, G, X, seed=0, sampling="iid").value,
    "before (numpy wrapper, batch 2048)":
        lambda: sb.equivariance_error(numpy_wrapper, G, X, seed=0, batch_size=2048).value,
}
if HAVE_E3NN:
    from e3nn.util.test import equivariance_error as e3nn_error

    def e3nn_own():
        with torch.no_grad():
            return e3nn_error(lambda x: model(x), [Xt], irreps_in=[o3.Irreps("1x1o")],
                              irreps_out=[o3.Irreps("4x0e")], ntrials=KG, do_parity=False,
                              do_translation=False)

    CONTENDERS["e3nn's own equivariance_error"] = e3nn_own


def timed(fn):
    c0, t0 = time.process_time(), time.perf_counter()
    fn()
    return time.perf_counter() - t0, time.process_time() - c0


print(f"model: {'e3nn FullyConnectedTensorProduct(1x1o, 1x1o, 4x0e)' if HAVE_E3NN else 'equivalent torch model (e3nn not installed)'}, "
      f"float64, N = {N}, K = {KG}; torch {torch.__version__}")
for th in [int(t) for t in args.threads.split(",")]:
    torch.set_num_threads(th)
    for fn in CONTENDERS.values():  # warm-up (compilation, caches)
        fn()
    best = {k: (np.inf, np.inf) for k in CONTENDERS}
    for _ in range(args.repeat):  # interleaved: load from other jobs hits every contender alike
        for name, fn in CONTENDERS.items():
            w, c = timed(fn)
            best[name] = (min(w, best[name][0]), min(c, best[name][1]))
    print(f"\ntorch threads {th} (best of {args.repeat}; load average {os.getloadavg()[0]:.2f})")
    for name, (w, c) in best.items():
        print(f"  {name:38s} {w * 1e3:8.2f} ms wall  {c * 1e3:8.2f} ms CPU   "
              f"ratio to loop {w / best['loop'][0]:.2f}")
    print(f"  => TARGET (issue #11): symbound / loop = {best['symbound'][0] / best['loop'][0]:.2f} "
          f"wall, {best['symbound'][1] / best['loop'][1]:.2f} CPU "
          f"(<= 1.3); with .ci {best[WITH_CI][1] / best['loop'][1]:.2f} CPU; iid sampling "
          f"{best['symbound iid'][0] / best['loop'][0]:.2f}; before / "
          f"symbound = {best['before (numpy wrapper, batch 2048)'][0] / best['symbound'][0]:.2f}")
vals = {k: f"{float(CONTENDERS[k]()):.3g}" for k in list(CONTENDERS)[:5] if k != WITH_CI}
print(f"\nee_2 (rounding level: the model is invariant): {vals}")
