"""Brute-force references shared by the quotient tests (tests/test_quotient_lie.py,
tests/test_quotient_partial.py): rotations built independently of the library, separated sets and
covering radii under a metric minimised over a finite list of group elements, random points of
balls and spheres, and the check of a bound's rate against the slope of its values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from symbound.bounds import generalization_bound
from symbound.quotient import quotient


def val(Q, eps, kind="upper") -> float:
    return float(Q.covering(eps, kind))


def plane_rotations(angles, d, plane):
    """Rotations of R^d by ``angles`` in the coordinate plane ``plane`` (independent of the library)."""
    i, j = plane
    out = np.broadcast_to(np.eye(d), (len(angles), d, d)).copy()
    c, s = np.cos(angles), np.sin(angles)
    out[:, i, i], out[:, i, j], out[:, j, i], out[:, j, j] = c, -s, s, c
    return out


def greedy_separated(points, dist_to_set, r, rng) -> int:
    """Size of a maximal subset (random order) whose points are pairwise more than r apart."""
    order = rng.permutation(len(points))
    chosen: list[int] = []
    for i in order:
        if not chosen or dist_to_set(points[i], points[chosen]).min() > r:
            chosen.append(i)
    return len(chosen)


def greedy_separated_orbits(points, mats, r, rng) -> int:
    """Size of a maximal subset (random order) whose points are pairwise more than r apart in the
    brute-force metric ``min_k |g_k y - x|`` over the matrices ``mats``."""
    orbits = np.einsum("kij,pj->pki", mats, points)  # (P, K, d)
    order = rng.permutation(len(points))
    chosen = np.empty((0,) + orbits.shape[1:])
    for i in order:
        if len(chosen) == 0 or np.sqrt(((chosen - points[i]) ** 2).sum(-1)).min() > r:
            chosen = np.concatenate([chosen, orbits[i][None]])
    return len(chosen)


def cover_radius(samples, centres, mats, chunk=100) -> float:
    """max over samples of min over centres c and matrices g of |g c - x| (an upper bound of the
    true covering radius of the centres modulo the group)."""
    orbit = np.einsum("kij,cj->kci", mats, centres).reshape(-1, samples.shape[1])
    worst = 0.0
    for part in np.array_split(samples, max(1, len(samples) // chunk)):
        d2 = ((part[:, None, :] - orbit[None]) ** 2).sum(-1).min(1)
        worst = max(worst, float(np.sqrt(d2.max())))
    return worst


def greedy_net(points, dist_to_set, r) -> np.ndarray:
    """A subset such that every point is within r of it (greedy, in the given order)."""
    chosen: list[int] = []
    for i in range(len(points)):
        if not chosen or dist_to_set(points[i], points[chosen]).min() > r:
            chosen.append(i)
    return points[chosen]


def sphere_points(d, n, rng):
    x = rng.standard_normal((n, d))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def ball_points(d, R, n, rng):
    u = sphere_points(d, n, rng)
    r = R * rng.uniform(0, 1, n) ** (1 / d)
    r[: n // 10] = R  # boundary points
    return u * r[:, None]


def check_rate_against_slope(space, group, method):
    """``rate("n")`` of the certified bound (``covering="upper"``) against the slope of log(bound)
    between n = 1e8 and 1e14, the log factor ``(ln n)^p`` of ``rate_details`` corrected for; and
    the exponent against the quotient's dimension d0 (partition ``-1/(d0 + 2)``; Dudley ``-1/d0``
    for d0 > 2, else ``-1/2``)."""
    b = generalization_bound(space, group, method=method, covering="upper", lipschitz=1,
                             loss_lipschitz=1, loss_bound=1, classes=2, grid_size=1,
                             hypothesis_bound=1, delta=0.05)
    r, p, _ = b.rate_details("n")
    n1, n2 = 1e8, 1e14
    v1, v2 = float(b.evaluate(n=int(n1))), float(b.evaluate(n=int(n2)))
    slope = (math.log(v2) - math.log(v1)) / math.log(n2 / n1)
    expected = float(r) + (float(p) * math.log(math.log(n2) / math.log(n1)) / math.log(n2 / n1)
                           if p else 0.0)
    assert slope == pytest.approx(expected, abs=0.02)
    d0 = quotient(space, group).dim
    assert float(r) == (-1 / (d0 + 2) if method == "partition" else (-1 / d0 if d0 > 2 else -0.5))
