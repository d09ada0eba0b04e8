"""Finite groups acting factor by factor on a product of two circles (symbound.quotient.circles),
checked against brute-force references built here: the group's matrices, the quotient metric
``min_g combine(chord, chord)`` on the angle torus, the invariant grid and its orbits."""

from __future__ import annotations

import math
import warnings

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symbound.groups import Cyclic, TransformationSet
from symbound.quotient import quotient, supported_pairs
from symbound.spaces import Product, Sphere

pytestmark = pytest.mark.filterwarnings("error::UserWarning")


def rot(t):
    return np.array([[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]])


def refl(c):
    """The reflection theta -> c - theta."""
    return np.array([[math.cos(c), math.sin(c)], [math.sin(c), -math.cos(c)]])


def diagonal(k, dihedral=False, c0=0.0):
    """C_k (or D_k, mirrors theta -> c0 + 2 pi j/k - theta) acting by the same map on both circles."""
    blocks = [rot(2 * math.pi * j / k) for j in range(k)]
    if dihedral:
        blocks += [refl(c0 + 2 * math.pi * j / k) for j in range(k)]
    z = np.zeros((2, 2))
    return np.array([np.block([[b, z], [z, b]]) for b in blocks])


def torus_points(theta):
    """(P, 2) angles -> (P, 4) points of S^1 x S^1 in R^4."""
    return np.stack([np.cos(theta[:, 0]), np.sin(theta[:, 0]),
                     np.cos(theta[:, 1]), np.sin(theta[:, 1])], axis=1)


def quotient_dist(x, ys, mats, metric):
    """min over g of the product metric between g x and each y (x: (4,), ys: (P, 4))."""
    gx = mats @ x  # (K, 4)
    d1 = np.linalg.norm(gx[None, :, :2] - ys[:, None, :2], axis=2)
    d2 = np.linalg.norm(gx[None, :, 2:] - ys[:, None, 2:], axis=2)
    d = np.maximum(d1, d2) if metric == "max" else np.sqrt(d1**2 + d2**2)
    return d.min(axis=1)


def grid_size(n, eps, metric):
    """Least multiple of n with 2 sin(pi/(2m)) <= e_f (eps, or eps/sqrt2 for the Euclidean metric),
    with mpmath at 50 digits."""
    with mpmath.workdps(50):
        e_f = mpmath.mpf(eps) / (1 if metric == "max" else mpmath.sqrt(2))
        if e_f >= 2:
            return n
        m0 = int(mpmath.ceil(mpmath.pi / (2 * mpmath.asin(e_f / 2))))
    return n * -(-m0 // n)


def orbit_representatives(m, offset, mats):
    """One point per orbit of the grid (offset + (2l+1) pi/m)^2 under mats, by brute force; also
    asserts that the grid is invariant."""
    ang = offset + (2 * np.arange(m) + 1) * np.pi / m
    th = np.stack(np.meshgrid(ang, ang, indexing="ij"), -1).reshape(-1, 2)
    pts = torus_points(th)
    images = np.einsum("kij,pj->pki", mats, pts)  # (P, K, 4)
    # index of each image in the grid
    idx = np.empty(images.shape[:2], dtype=np.int64)
    for g in range(len(mats)):
        d = np.linalg.norm(images[:, g, None, :] - pts[None], axis=2)
        idx[:, g] = d.argmin(1)
        assert d.min(1).max() < 1e-9  # invariant grid
    seen = np.zeros(len(pts), bool)
    reps = []
    for p in range(len(pts)):
        if not seen[p]:
            reps.append(p)
            seen[idx[p]] = True
    return pts[reps]


def test_diagonal_rotation_dispatches_and_is_listed():
    X = Product(Sphere(2), Sphere(2))
    Q = quotient(X, TransformationSet(diagonal(4), is_group=True))
    assert Q.covering(sp.Rational(1, 10)).method.startswith("orbits of an invariant grid")
    assert "circle-torus" in [p.key for p in supported_pairs()]
    # hand count: m0 = ceil(pi / (2 asin(1/20))) = 32, a multiple of 4: 32^2 / 4
    assert Q.covering_number(sp.Rational(1, 10)) == 256
    assert X.covering_number(sp.Rational(1, 10)) == 1024


@pytest.mark.parametrize("metric", ["max", "euclidean"])
@pytest.mark.parametrize("k, dihedral, c0", [(3, False, 0.0), (4, False, 0.0), (3, True, 0.7),
                                             (2, True, 0.0)])
@pytest.mark.parametrize("eps", [0.35, 0.7])
def test_cover_and_separated_set(metric, k, dihedral, c0, eps):
    mats = diagonal(k, dihedral, c0)
    G = TransformationSet(mats, is_group=True)
    X = Product(Sphere(2), Sphere(2), metric=metric)
    Q = quotient(X, G)
    upper = int(Q.covering(eps, "upper").expr)
    lower = int(Q.covering(eps, "lower").expr)
    m = grid_size(len(mats), eps, metric)
    assert upper == min(m * m // len(mats), int(X.covering(eps, "upper").expr))
    # the constructed cover: one grid point per orbit, |Gamma| / |G| of them, covers within eps
    reps = orbit_representatives(m, c0 / 2 if dihedral else 0.0, mats)
    assert len(reps) * len(mats) == m * m
    rng = np.random.default_rng(1)
    sample = torus_points(rng.uniform(0, 2 * np.pi, (1500, 2)))
    worst = max(quotient_dist(x, reps, mats, metric).min() for x in sample)
    assert worst <= eps + 1e-12
    assert lower <= len(reps)
    # a 2 eps-separated subset of a dense sample in the quotient metric: at most N_G <= upper
    dense = torus_points(rng.uniform(0, 2 * np.pi, (2500, 2)))
    chosen = []
    for x in dense:
        if not chosen or quotient_dist(x, np.array(chosen), mats, metric).min() > 2 * eps:
            chosen.append(x)
    assert len(chosen) <= upper


@pytest.mark.parametrize("k, dihedral", [(4, False), (3, True)])
def test_gain_tends_to_group_order(k, dihedral):
    order = 2 * k if dihedral else k
    X = Product(Sphere(2), Sphere(2))
    Q = quotient(X, TransformationSet(diagonal(k, dihedral), is_group=True))
    ratios = []
    for eps in ("0.1", "0.01", "0.001"):
        e = sp.Rational(eps)
        with mpmath.workdps(50):
            m0 = int(mpmath.ceil(mpmath.pi / (2 * mpmath.asin(mpmath.mpf(eps) / 2))))
        n = order  # |P_i|: k rotations, or 2k for D_k
        m = n * -(-m0 // n)
        expected = sp.Rational(m0 * m0, m * m // order)
        got = sp.Integer(X.covering_number(e)) / sp.Integer(Q.covering_number(e))
        assert got == expected
        ratios.append(float(got))
    # m <= m0 + n - 1: the ratio is within order (1 - (m0 / (m0 + n - 1))^2) of the order
    assert abs(ratios[-1] - order) < order * 2 * (order - 1) / 3142 + 1e-12
    assert ratios[-1] > 0.99 * order


def test_rotation_on_one_circle_and_symbolic_eps():
    # Cyclic(k, dim=4) rotates the first circle only: m_1 a multiple of k, m_2 = m0
    X = Product(Sphere(2), Sphere(2))
    Q = quotient(X, Cyclic(5, dim=4))
    m0 = 32  # ceil(pi / (2 asin(1/20)))
    assert Q.covering_number(sp.Rational(1, 10)) == 35 * m0 // 5
    e = sp.Symbol("epsilon", positive=True)
    b = Q.covering(e, "upper")
    assert int(b.expr.subs(e, sp.Rational(1, 10))) == 35 * m0 // 5


def test_swaps_fall_back_to_packing():
    # the swap (x, y) -> (y, x) is not block diagonal: not this pair
    z, i2 = np.zeros((2, 2)), np.eye(2)
    swap = np.block([[z, i2], [i2, z]])
    Q = quotient(Product(Sphere(2), Sphere(2)), TransformationSet([np.eye(4), swap], is_group=True))
    with pytest.warns(UserWarning):
        method = Q.covering(sp.Rational(1, 10)).method
    assert not method.startswith("orbits of an invariant grid")


@settings(max_examples=25, deadline=None)
@given(k=st.integers(1, 6), dihedral=st.booleans(), c0=st.floats(0, 2 * math.pi),
       eps=st.floats(0.2, 2.5), metric=st.sampled_from(["max", "euclidean"]))
def test_grid_cover_property(k, dihedral, c0, eps, metric):
    """The inequality N_G <= m^2 / |G|: the orbit representatives cover random points within eps in
    the quotient metric, and the library's bound is min(m^2/|G|, N(X))."""
    mats = diagonal(k, dihedral, c0)
    X = Product(Sphere(2), Sphere(2), metric=metric)
    Q = quotient(X, TransformationSet(mats, is_group=True))
    m = grid_size(len(mats), eps, metric)
    if m > 40:
        return
    with warnings.catch_warnings():  # at large eps N(X) may win (no gain), which warns
        warnings.simplefilter("ignore", UserWarning)
        upper = int(Q.covering(eps, "upper").expr)
    assert upper == min(m * m // len(mats), int(X.covering(eps, "upper").expr))
    reps = orbit_representatives(m, c0 / 2 if dihedral else 0.0, mats)
    sample = torus_points(np.random.default_rng(k).uniform(0, 2 * np.pi, (300, 2)))
    assert max(quotient_dist(x, reps, mats, metric).min() for x in sample) <= eps + 1e-12
