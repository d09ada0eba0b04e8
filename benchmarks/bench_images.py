"""Benchmark: groups acting on images (issue #11, "Actions beyond coordinate vectors").

Workload: ``data_equivariance_error`` on 1000 images of 28 x 28 under the dihedral group D_4 of
the pixel grid (rotations by quarter turns and flips), radius 1e-6, p = 2, seed 0.  The data set is
D_4-symmetric by construction (125 smooth random images and their 8 transforms), the labels are
the mean of the squared pixels plus a flip-sensitive term, so the functional part is not zero.

Contenders (same seed: the same elements in the same order, so the same estimates):

* **dense workaround** (what a user had to write before): ``TransformationSet`` of the eight
  784 x 784 permutation matrices acting on the flattened images (its construction, about 15 s,
  is reported apart and not counted);
* **image action**: ``Dihedral(4, action="image")`` on the (1000, 28, 28) array: pixel index maps
  (gathers), no dense matrices.

Target (issue #11): >= 10x faster.  ``--quick`` uses 400 images.

Usage: python benchmarks/bench_images.py [--quick] [--repeat R]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("--quick", action="store_true")
ap.add_argument("--repeat", type=int, default=3)
args = ap.parse_args()
os.environ.setdefault("NUMBA_THREADING_LAYER", "workqueue")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import numpy as np  # noqa: E402

import symbound as sb  # noqa: E402
from symbound.groups import Dihedral, TransformationSet  # noqa: E402

H = 28
N_BASE = 50 if args.quick else 125
rng = np.random.default_rng(0)
# smooth random images: low-frequency Fourier sums
ii, jj = np.meshgrid(np.arange(H), np.arange(H), indexing="ij")
base = np.zeros((N_BASE, H, H))
for a in range(1, 4):
    for b in range(1, 4):
        c = rng.normal(size=(N_BASE, 1, 1))
        base += c * np.sin(np.pi * a * (ii + 0.5) / H) * np.cos(np.pi * b * (jj + 0.5) / H)
G = Dihedral(4, action="image")
X = np.concatenate(G.apply(G.elements(), base))          # (8 N_BASE, 28, 28), D_4-symmetric
y = (X ** 2).mean(axis=(1, 2)) + 0.1 * X[:, 0, :].mean(axis=1)
n = X.shape[0]

# the dense workaround: the same elements as 784 x 784 permutation matrices, in the same order
maps = G.index_maps(H, H)
dense = np.zeros((8, H * H, H * H))
for k in range(8):
    dense[k, np.arange(H * H), maps[k]] = 1.0
t0 = time.perf_counter()
G_dense = TransformationSet(dense, is_group=True)
t_build = time.perf_counter() - t0
Xf = X.reshape(n, H * H)


def run_dense():
    return sb.data_equivariance_error(Xf, y, G_dense, radius=1e-6, seed=0)


def run_image():
    return sb.data_equivariance_error(X, y, G, radius=1e-6, seed=0)


run_image()  # warm-up (kernel loading)
best = {"dense workaround": np.inf, "image action": np.inf}
res = {}
for _ in range(args.repeat):
    for name, fn in (("dense workaround", run_dense), ("image action", run_image)):
        t0 = time.perf_counter()
        res[name] = fn()
        best[name] = min(best[name], time.perf_counter() - t0)

print(f"data_equivariance_error on {n} images of {H} x {H} under D_4 (radius 1e-6, seed 0); "
      f"best of {args.repeat}; load average {os.getloadavg()[0]:.2f}")
print(f"  (building the dense TransformationSet: {t_build:.1f} s, not counted)")
for name, t in best.items():
    r = res[name]
    print(f"  {name:18s} {t:8.3f} s   ee_2 = {r.value:.10g}, coverage {r.coverage:.3f}, "
          f"MMD = {r.mmd:.6g}")
same = (abs(res["dense workaround"].value - res["image action"].value)
        <= 1e-12 * max(1.0, res["image action"].value)
        and res["dense workaround"].coverage == res["image action"].coverage)
print(f"  same estimates: {same}")
print(f"  => TARGET (issue #11): dense / image = {best['dense workaround'] / best['image action']:.1f}x "
      "(>= 10x)")
