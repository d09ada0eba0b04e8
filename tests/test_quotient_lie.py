"""Compact groups with a known quotient (symbound.quotient.axial, .pairs, .products): SO(2)/O(2) on a
coordinate plane of a sphere or ball, O(d)/SO(d) on pairs of points, direct products on products.

Expected values come from hand-worked formulas evaluated with mpmath on the exact binary value of
eps, from brute-force quotient distances (a fine grid of group elements, with the grid's error
added to the separation threshold so that a separated set is separated for the true metric; the
closed-form orthogonal Procrustes distance; the finite groups' elements), from greedy separated sets
(whose size a certified upper bound must reach) and from explicit covers verified point by point
(whose size a certified lower bound must not exceed).
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symbound.errors import InvalidTypeError, InvalidValueError
from symbound.groups import O, SO, Cyclic, DirectProduct, Symmetric, Translations
from symbound.quotient import quotient
from symbound.quotient._planar import annular_sector_plan
from symbound.spaces import Annulus, Ball, Product, Sphere

from _quotient_brute import (ball_points, check_rate_against_slope, cover_radius, greedy_net,
                             greedy_separated, greedy_separated_orbits, plane_rotations,
                             sphere_points, val)

EPS = sp.Symbol("eps", positive=True)
TOL = 1e-9


def exact_ceil(f) -> int:
    """ceil of an mpmath expression evaluated at 60 digits (the arguments are exact binary values)."""
    with mpmath.workdps(60):
        return int(mpmath.ceil(f()))


# --------------------------------------------------------------------------------------------
# SO(2) about an axis of S^2: a half circle, exact
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("group", [SO(2, dim=3), O(2, dim=3, plane=(0, 2))])
@pytest.mark.parametrize("eps", [0.05, 0.2, 0.7, 1.5, 1.99])
def test_half_circle_exact_values(group, eps):
    Q = quotient(Sphere(3), group)
    e = Fraction(eps)
    expected = exact_ceil(lambda: mpmath.pi / (4 * mpmath.asin(mpmath.mpf(e.numerator) / e.denominator / 2)))
    for kind in ("upper", "lower"):
        b = Q.covering(eps, kind)
        assert b.kind == "exact" and int(b.expr) == expected
    assert Q.dim == 1 and Q.pair.key == "hemisphere"
    assert val(Q, 2.5) == 1 and val(Q, 2) == 1
    assert float(Q.covering_number(EPS).subs(EPS, sp.Rational(e.numerator, e.denominator))) == expected
    assert Q.power_law() == (sp.pi / 2, 1)  # pi / (4 asin(eps/2)) ~ pi / (2 eps)


@pytest.mark.parametrize("k", [3, 6, 11])
def test_half_circle_boundary(k):
    """At the float nearest 2 sin(pi/(4k)) and its neighbours, the count is k or k + 1 as decided
    by the exact binary value of eps (never by rounding)."""
    Q = quotient(Sphere(3), SO(2, dim=3))
    e0 = float(2 * mpmath.sin(mpmath.pi / (4 * k)))
    for e in (np.nextafter(e0, 0), e0, np.nextafter(e0, 3)):
        fe = Fraction(float(e))
        with mpmath.workdps(80):
            ratio = mpmath.pi / (4 * mpmath.asin(mpmath.mpf(fe.numerator) / fe.denominator / 2))
            expected = k if ratio <= k else k + 1
        assert val(Q, float(e)) == expected


def test_half_circle_brute_force(rng):
    eps = 0.3
    Q = quotient(Sphere(3), SO(2, dim=3))  # rotations of (x0, x1) about the x2 axis
    N = int(val(Q, eps))
    M = 720
    mats, margin = plane_rotations(2 * np.pi * np.arange(M) / M, 3, (0, 1)), np.pi / M
    pts = sphere_points(3, 1000, rng)
    # a set separated by more than 2 eps (true metric) has at most one point per (eps, G)-ball;
    # the grid over-estimates d_G by at most pi/M, added to the threshold
    assert greedy_separated_orbits(pts, mats, 2 * eps + margin, rng) <= N
    # the N centres at polar angles (2j + 1) pi / (2N) on one meridian cover every sample
    psi = (2 * np.arange(N) + 1) * np.pi / (2 * N)
    centres = np.stack([np.sin(psi), np.zeros(N), np.cos(psi)], 1)
    assert cover_radius(sphere_points(3, 3000, rng), centres, mats) <= eps * (1 + TOL)


# --------------------------------------------------------------------------------------------
# SO(2) on a coordinate plane of S^{d-1}, d >= 4: a hemisphere, certified
# --------------------------------------------------------------------------------------------


def hemisphere_grid(step):
    """Points of the closed hemisphere {rho >= 0} of S^2 in coordinates (rho, z1, z2), with geodesic
    covering radius at most ``step`` (polar angle lam from the z2 axis and longitude phi in
    [-pi/2, pi/2] of the half plane rho >= 0; a point is within step/2 along the meridian and
    step/2 along the parallel of a grid point)."""
    lam = np.linspace(0, np.pi, int(np.ceil(np.pi / step)) + 1)
    phi = np.linspace(-np.pi / 2, np.pi / 2, int(np.ceil(np.pi / step)) + 1)
    L, P = np.meshgrid(lam, phi)
    return np.stack([np.sin(L) * np.cos(P), np.sin(L) * np.sin(P), np.cos(L)], -1).reshape(-1, 3)


@pytest.mark.parametrize("eps", [0.15, 0.4, 1.2])
def test_hemisphere_values(eps):
    Q = quotient(Sphere(4), SO(2, dim=4, plane=(1, 3)))
    assert Q.dim == 2 and Q.volume == 2 * sp.pi  # half of area(S^2)
    e = Fraction(eps)
    with mpmath.workdps(60):
        ee = mpmath.mpf(e.numerator) / e.denominator
        packing = 12 / ee**2 + 6 / ee + 1  # m = 3: 3 u^2 + 1 (half shell) + 3 u (slab), u = 2/eps
        folded = 24 / ee**2 + 2  # the sphere S^2's shell bound
        up = int(mpmath.floor(min(packing, folded)))
        low = int(mpmath.ceil(2 / (2 * mpmath.asin(ee / 2)) ** 2))  # 3 omega_3 / (2 omega_2 phi^2)
    assert val(Q, eps) == up
    assert val(Q, eps, "lower") == max(low, 1)
    assert Q.power_law() == (2, 2)


def test_hemisphere_brute_force(rng):
    eps = 0.35
    X, G = Sphere(4), SO(2, dim=4, plane=(1, 3))
    Q = quotient(X, G)
    M = 360
    mats, margin = plane_rotations(2 * np.pi * np.arange(M) / M, 4, (1, 3)), np.pi / M
    pts = sphere_points(4, 800, rng)
    assert greedy_separated_orbits(pts, mats, 2 * eps + margin, rng) <= val(Q, eps)
    # an explicit cover: a greedy (eps - delta)-net of a grid of the quotient hemisphere with
    # covering radius delta, lifted to S^3 by (rho, z1, z2) -> (z1, rho, z2, 0)
    delta = 0.03
    grid = hemisphere_grid(delta)
    euclid = lambda x, ys: np.sqrt(((ys - x) ** 2).sum(1))  # noqa: E731
    net = greedy_net(grid, euclid, eps - delta)
    centres = np.stack([net[:, 1], net[:, 0], net[:, 2], np.zeros(len(net))], 1)
    assert cover_radius(sphere_points(4, 1500, rng), centres, mats) <= eps * (1 + TOL)
    assert val(Q, eps, "lower") <= len(centres)


@settings(max_examples=30)
@given(d=st.integers(4, 7), eps=st.floats(0.01, 1.9))
def test_hemisphere_inequalities(d, eps):
    Q = quotient(Sphere(d), SO(2, dim=d, plane=(0, d - 1)))
    up, low = val(Q, eps), val(Q, eps, "lower")
    assert 1 <= low <= up
    assert up <= float(Sphere(d - 1).covering(eps, "upper")) + TOL  # the folded cover
    # N_G(S^{d-1}) <= N(S^{d-1}) and the hemisphere's volume ratio is half the sphere's
    assert up <= float(Sphere(d).covering(eps, "upper")) + TOL
    assert float(Q.covering(eps, "asymptotic")) == pytest.approx(
        float(Sphere(d - 1).covering(eps, "asymptotic")) / 2, rel=1e-12)


# --------------------------------------------------------------------------------------------
# SO(2) on a coordinate plane of B^d: a half ball
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("d, R, eps", [(3, 1.0, 0.2), (4, 1.5, 0.45)])
def test_half_ball_brute_force(d, R, eps, rng):
    plane = (0, d - 1)
    Q = quotient(Ball(d, R), SO(2, dim=d, plane=plane))
    M = 360
    mats, margin = plane_rotations(2 * np.pi * np.arange(M) / M, d, plane), R * np.pi / M
    pts = ball_points(d, R, 800, rng)
    assert greedy_separated_orbits(pts, mats, 2 * eps + margin, rng) <= val(Q, eps)
    # explicit cover: greedy (eps - delta)-net of a cubic grid of the half ball {rho >= 0} of R^{d-1}
    # (covering radius delta = step sqrt(d-1)/2 once clipped to the half ball: nearest-point
    # projection onto a convex set does not increase distances), lifted with rho on plane[0]
    step = 0.04 if d == 3 else 0.12
    delta = step * math.sqrt(d - 1) / 2
    axes = [np.arange(0, R + step, step)] + [np.arange(-R, R + step, step)] * (d - 2)
    grid = np.array(list(itertools.product(*axes)))
    grid[:, 0] = np.maximum(grid[:, 0], 0)
    nrm = np.linalg.norm(grid, axis=1)
    grid = grid[nrm <= R + delta] * np.minimum(1, R / np.maximum(nrm[nrm <= R + delta], 1e-300))[:, None]
    # the check below uses a coarser grid of 120 rotations (over-estimate <= R pi/120): the net
    # radius leaves room for it
    coarse = plane_rotations(2 * np.pi * np.arange(120) / 120, d, plane)
    euclid = lambda x, ys: np.sqrt(((ys - x) ** 2).sum(1))  # noqa: E731
    net = greedy_net(grid, euclid, eps - delta - R * np.pi / 120)
    centres = np.zeros((len(net), d))
    centres[:, plane[0]] = net[:, 0]
    others = [i for i in range(d) if i not in plane]
    centres[:, others] = net[:, 1:]
    assert cover_radius(ball_points(d, R, 1000, rng), centres, coarse) <= eps * (1 + TOL)
    assert val(Q, eps, "lower") <= len(centres)
    m = d - 1
    assert val(Q, eps, "lower") == max(1, math.ceil((R / eps) ** m / 2 - 1e-12))


@settings(max_examples=30)
@given(d=st.integers(3, 6), R=st.floats(0.2, 3.0), eps=st.floats(0.02, 2.0))
def test_half_ball_inequalities(d, R, eps):
    X = Ball(d, R)
    Q = quotient(X, O(2, dim=d, plane=(1, 2)))
    up, low = val(Q, eps), val(Q, eps, "lower")
    assert low <= up
    assert up <= float(Ball(d - 1, R).covering(eps, "upper")) + TOL  # folded cover
    assert up <= float(X.covering(eps, "upper")) + TOL


def test_half_disk_gain_over_folding():
    # B^3 about an axis: the half disk needs about half the disk's count (band cover / packing)
    Q = quotient(Ball(3, 1), SO(2, dim=3))
    disk = float(Ball(2, 1).covering(0.01, "upper"))
    assert val(Q, 0.01) < 0.3 * disk
    assert "band cover" in Q.covering(0.01).method


# --------------------------------------------------------------------------------------------
# O(d) / SO(d) on pairs of points
# --------------------------------------------------------------------------------------------


def procrustes(P, C):
    """min over O(d) of |g P - C|_F for pairs P (2, d) against many C (k, 2, d) (SVD, exact)."""
    M = np.einsum("kai,aj->kij", C, P)  # sum_a c_a p_a^T
    s = np.linalg.svd(M, compute_uv=False).sum(-1)
    return np.sqrt(np.maximum((P**2).sum() + (C**2).sum((1, 2)) - 2 * s, 0.0))


def canonical_rotation(P):
    """An orthogonal g with g P = ((a, 0, ...), (w1, w2 >= 0, 0, ...)): Gram-Schmidt."""
    x, y = P
    d = len(x)
    e1 = x / np.linalg.norm(x) if np.linalg.norm(x) > 1e-12 else np.eye(d)[0]
    yp = y - (y @ e1) * e1
    e2 = yp / np.linalg.norm(yp) if np.linalg.norm(yp) > 1e-12 else np.linalg.svd(e1[None])[2][1]
    basis = [e1, e2]
    for v in np.eye(d):
        r = v - sum((v @ b) * b for b in basis)
        if len(basis) < d and np.linalg.norm(r) > 1e-6:
            basis.append(r / np.linalg.norm(r))
    return np.array(basis)


def pair_points(d, R1, R2, n, rng):
    return np.stack([ball_points(d, R1, n, rng), ball_points(d, R2, n, rng)], 1)


def test_procrustes_reference_and_so3_equals_o3(rng):
    P, C = pair_points(3, 1, 1, 2, rng), pair_points(3, 1, 1, 4, rng)
    g = O(3).sample(100000, rng)
    for p in P:
        brute = np.sqrt(((np.einsum("gij,aj->gai", g, p)[:, None] - C[None]) ** 2).sum((2, 3))).min(0)
        assert np.all(brute >= procrustes(p, C) - 1e-9) and np.all(brute <= procrustes(p, C) + 0.05)
    # SO(3) (Kabsch with the determinant fix) gives the same distance on pairs
    for p in P:
        for c in C:
            u, s, vt = np.linalg.svd(c.T @ p)
            fix = np.diag([1, 1, np.sign(np.linalg.det(u @ vt))])
            rot = u @ fix @ vt
            assert np.linalg.det(rot) > 0
            assert np.linalg.norm(p @ rot.T - c) == pytest.approx(procrustes(p, c[None])[0], abs=1e-9)


@pytest.mark.parametrize("metric, group", [("euclidean", O(3)), ("max", SO(3)), ("euclidean", O(2))])
def test_ball_pairs_upper_against_separated_sets(metric, group, rng):
    d = group.degree
    eps = 0.3 if metric == "max" else 0.4
    Q = quotient(Product(Ball(d, 1), Ball(d, 0.8), metric), group)
    assert Q.pair.key == "ball-pairs" and Q.dim == 3
    pts = pair_points(d, 1, 0.8, 2500, rng)
    # the Euclidean quotient distance is the Procrustes distance; the max one is at least it / sqrt 2
    thr = 2 * eps if metric == "euclidean" else 2 * math.sqrt(2) * eps
    assert greedy_separated(pts, lambda p, cs: procrustes(p, cs), thr, rng) <= val(Q, eps)


@pytest.mark.parametrize("metric", ["max", "euclidean"])
def test_ball_pairs_lower_against_explicit_cover(metric, rng):
    """Centres s(a_i, w_j): a_i the midpoints of ceil(R1/(2h)) cells of [0, R1], w_j a square grid of
    spacing sqrt2 h clipped to the half disk of radius R2 (covering radius h); every pair, moved to
    its canonical form by an explicit rotation, is within (h, h) of a centre."""
    R1, R2, eps = 1.0, 0.7, 0.25
    Q = quotient(Product(Ball(3, R1), Ball(3, R2), metric), O(3))
    h = eps if metric == "max" else eps / math.sqrt(2)
    na = math.ceil(R1 / (2 * h))
    a = (2 * np.arange(na) + 1) * R1 / (2 * na)
    s = math.sqrt(2) * h
    g1 = np.arange(-R2, R2 + s, s)
    W = np.array([(u, v) for u in g1 for v in np.arange(0, R2 + s, s)])
    W = W[np.linalg.norm(W, axis=1) <= R2 + h]
    W = W * np.minimum(1, R2 / np.maximum(np.linalg.norm(W, axis=1), 1e-300))[:, None]
    W[:, 1] = np.maximum(W[:, 1], 0)
    n_centres = len(a) * len(W)
    worst = 0.0
    for p in pair_points(3, R1, R2, 2000, rng):
        g = canonical_rotation(p)
        x, y = g @ p[0], g @ p[1]
        assert abs(x[1]) + abs(x[2]) + abs(y[2]) < 1e-9 and y[1] >= -1e-12
        dx = np.abs(a - x[0]).min()
        dy = np.linalg.norm(W - y[:2], axis=1).min()
        worst = max(worst, max(dx, dy) if metric == "max" else math.hypot(dx, dy))
    assert worst <= eps * (1 + TOL)
    low = val(Q, eps, "lower")
    assert low <= n_centres
    # hand-worked: max(ceil(R1/2e) ceil(R2/2e), R1^2 R2^2 / (16 (R1 + R2) e^3)[, cylinder])
    cands = [math.ceil(R1 / (2 * eps)) * math.ceil(R2 / (2 * eps)),
             R1**2 * R2**2 / (16 * (R1 + R2) * eps**3)]
    if metric == "euclidean":
        cands.append(R1**2 * R2**2 / (4 * math.pi * math.hypot(R1, R2) * eps**3))
    assert low == math.ceil(max(cands) - 1e-12)


@pytest.mark.parametrize("metric, eps", [("max", 0.02), ("euclidean", 0.02), ("max", 0.3)])
def test_ball_pairs_lower_values(metric, eps):
    """Hand-worked: max(ceil(R1/2e) ceil(R2/2e), R1^2 R2^2 / (16 (R1 + R2) e^3)) and, Euclidean,
    R1^2 R2^2 / (4 pi sqrt(R1^2 + R2^2) e^3) (mpmath on the exact binary eps)."""
    R1, R2 = 1, sp.Rational(7, 10)
    Q = quotient(Product(Ball(5, R1), Ball(5, R2), metric), SO(5))
    e = Fraction(eps)
    with mpmath.workdps(50):
        ee, r2 = mpmath.mpf(e.numerator) / e.denominator, mpmath.mpf(7) / 10
        cands = [mpmath.ceil(1 / (2 * ee)) * mpmath.ceil(r2 / (2 * ee)),
                 r2**2 / (16 * (1 + r2) * ee**3)]
        if metric == "euclidean":
            cands.append(r2**2 / (4 * mpmath.pi * mpmath.sqrt(1 + r2**2) * ee**3))
        expected = int(mpmath.ceil(max(cands)))
    assert val(Q, eps, "lower") == expected


def test_ball_pairs_so2_in_the_plane(rng):
    """SO(2) keeps the orientation of a pair: canonical w in the whole disk, larger counts than O(2)."""
    X = Product(Ball(2, 1), Ball(2, 1))
    Qs, Qo = quotient(X, SO(2)), quotient(X, O(2))
    assert val(Qs, 0.2) > val(Qo, 0.2)
    assert Qs.volume is None and quotient(Product(Ball(2), Ball(2), "euclidean"), SO(2)).volume == \
        2 * quotient(Product(Ball(2), Ball(2), "euclidean"), O(2)).volume
    # brute-force separated sets under the SO(2) quotient metric (complex closed form
    # |X|^2 + |Y|^2 - 2 |sum conj(x_k) y_k|, checked against an angle grid)
    pts = pair_points(2, 1, 1, 1500, rng)
    z = pts[..., 0] + 1j * pts[..., 1]

    def so2(i_p, idx):
        p = z[i_p]
        c = z[idx]
        v = (abs(p) ** 2).sum() + (abs(c) ** 2).sum(1) - 2 * abs((np.conj(p)[None] * c).sum(1))
        return np.sqrt(np.maximum(v, 0))
    ang = 2 * np.pi * np.arange(3600) / 3600
    diff = np.exp(1j * ang)[:, None, None] * z[0][None, None] - z[1:4][None]
    brute = np.sqrt((np.abs(diff) ** 2).sum(-1)).min(0)
    assert np.all(brute >= so2(0, [1, 2, 3]) - 1e-12)
    assert np.all(brute <= so2(0, [1, 2, 3]) + 2 * np.pi / 3600)
    order = rng.permutation(len(z))
    chosen: list[int] = []
    for i in order:
        if not chosen or so2(i, chosen).min() > 2 * math.sqrt(2) * 0.3:
            chosen.append(i)
    assert len(chosen) <= val(Qs, 0.3)


@settings(max_examples=25)
@given(d=st.integers(2, 5), R1=st.floats(0.2, 2.0), R2=st.floats(0.2, 2.0), eps=st.floats(0.03, 1.5),
       metric=st.sampled_from(["max", "euclidean"]), special=st.booleans())
def test_ball_pairs_inequalities(d, R1, R2, eps, metric, special):
    X = Product(Ball(d, R1), Ball(d, R2), metric)
    G = SO(d) if special else O(d)
    Q = quotient(X, G)
    up, low = val(Q, eps), val(Q, eps, "lower")
    assert low <= up
    assert up <= float(X.covering(eps, "upper")) * (1 + TOL)
    if metric == "euclidean":  # d_2 >= d_max
        assert low >= val(quotient(Product(Ball(d, R1), Ball(d, R2), "max"), G), eps, "lower")
    if d >= 3:  # SO(d) and O(d) have the same orbits on pairs
        assert up == val(quotient(X, O(d) if special else SO(d)), eps)


def test_ball_pairs_asymptotic_volume():
    # vol(X/O(d)) = pi ∫∫ a b / sqrt(a^2 + b^2) da db over [0, R1] x [0, R2] (coarea formula, d = 2)
    R1, R2 = 1.0, 0.6
    Q = quotient(Product(Ball(4, R1), Ball(4, R2), "euclidean"), O(4))
    ref = mpmath.pi * mpmath.quad(lambda a, b: a * b / mpmath.sqrt(a**2 + b**2), [0, R1], [0, R2])
    assert float(Q.volume) == pytest.approx(float(ref), rel=1e-10)
    assert float(Q.covering(0.1, "asymptotic")) == pytest.approx(float(ref) / (4 / 3 * math.pi * 1e-3))
    assert Q.power_law()[1] == 3
    assert "asymptotic" not in quotient(Product(Ball(4), Ball(4)), O(4)).available_kinds


# --------------------------------------------------------------------------------------------
# pairs of unit vectors: the angle, exact
# --------------------------------------------------------------------------------------------


def test_sphere_pairs_metric_brute_force(rng):
    """d_G = kappa sin(|phi - phi'|/4): never above the brute-force minimum over many rotations and
    reached within the sampling error."""
    g = SO(3).sample(200000, rng)
    P = np.stack([sphere_points(3, 6, rng), sphere_points(3, 6, rng)], 1)
    C = np.stack([sphere_points(3, 6, rng), sphere_points(3, 6, rng)], 1)
    for p, c in zip(P, C):
        phi = math.acos(np.clip(p[0] @ p[1], -1, 1))
        phi2 = math.acos(np.clip(c[0] @ c[1], -1, 1))
        gp = np.einsum("gij,aj->gai", g, p)
        dmax = np.sqrt(((gp - c) ** 2).sum(-1)).max(-1).min()
        d2 = np.sqrt(((gp - c) ** 2).sum((-1, -2))).min()
        for kappa, brute in ((2, dmax), (2 * math.sqrt(2), d2)):
            f = kappa * math.sin(abs(phi - phi2) / 4)
            assert brute >= f - 1e-9 and brute <= f + 0.03


@pytest.mark.parametrize("d, group, metric, eps", [
    (3, SO(3), "max", 0.1), (3, O(3), "euclidean", 0.37), (5, O(5), "max", 1.0),
    (2, O(2), "max", 0.2), (2, SO(2), "max", 0.2), (2, SO(2), "euclidean", 0.05), (3, SO(3), "max", 2.5),
])
def test_sphere_pairs_exact_values(d, group, metric, eps):
    Q = quotient(Product(Sphere(d), Sphere(d), metric), group)
    kappa = 2 if metric == "max" else 2 * math.sqrt(2)
    k = 4 if (d == 2 and group.special) else 8
    e = Fraction(eps)
    if eps >= kappa:
        expected = 1
    else:
        expected = exact_ceil(lambda: mpmath.pi / (k * mpmath.asin(
            mpmath.mpf(e.numerator) / e.denominator / (mpmath.sqrt(8) if metric != "max" else 2))))
    for kind in ("upper", "lower"):
        b = Q.covering(eps, kind)
        assert b.kind == "exact" and int(b.expr) == expected
    assert Q.dim == 1
    V0, d0 = Q.power_law()
    assert d0 == 1 and float(V0) == pytest.approx(kappa * math.pi / k)


def test_sphere_pairs_circle_brute_force(rng):
    """SO(2) on pairs of S^1: greedy separated sets under the brute-force metric (angle grid) reach
    the exact count, and the count's centres cover."""
    eps = 0.25
    Q = quotient(Product(Sphere(2), Sphere(2)), SO(2))
    N = int(val(Q, eps))
    M = 720
    ang = 2 * np.pi * np.arange(M) / M
    margin = np.pi / M  # chordal error of the nearest grid rotation
    a, b = rng.uniform(0, 2 * np.pi, (2, 700))
    z = np.stack([np.exp(1j * a), np.exp(1j * b)], 1)

    def dist(p, cs):
        rot = np.exp(1j * ang)[:, None, None] * cs[None]
        return np.abs(rot - p[None, None]).max(-1).min(0)
    assert greedy_separated(z, dist, 2 * eps + margin, rng) <= N
    psi = 2 * np.pi * np.arange(N) / N  # centres (1, e^{i psi_j})
    centres = np.stack([np.ones(N), np.exp(1j * psi)], 1)
    assert max(float(dist(p, centres).min()) for p in z) <= eps * (1 + TOL)


# --------------------------------------------------------------------------------------------
# direct products
# --------------------------------------------------------------------------------------------


def test_direct_product_group():
    G = DirectProduct(Cyclic(4), Cyclic(3))
    assert G.order == 12 and G.is_group and G.is_finite and G.n == 4 and G.manifold_dim == 0
    e = G.elements()
    assert e.shape == (12, 4, 4)
    assert np.all(np.abs(e[:, :2, 2:]) == 0) and np.all(np.abs(e[:, 2:, :2]) == 0)
    # closed under products: a group
    prods = np.einsum("aij,bjk->abik", e, e).reshape(-1, 4, 4)
    assert all(G.contains(p) for p in prods)
    assert not G.contains(np.eye(4)[[1, 0, 2, 3]])
    assert G.is_orthogonal and G.latex() == "C_{4} \\times C_{3}"
    H = DirectProduct(SO(3), O(2))
    assert not H.is_finite and H.manifold_dim == 4 and H.order is None
    s = H.sample(50, np.random.default_rng(1))
    assert s.shape == (50, 5, 5) and all(H.contains(m) for m in s)
    with pytest.raises(InvalidValueError, match="act linearly"):
        DirectProduct(Symmetric(3), SO(2))
    with pytest.raises(InvalidValueError, match="act linearly"):
        DirectProduct(SO(2), Translations(2))
    with pytest.raises(InvalidTypeError, match="transformation set"):
        DirectProduct(SO(2), np.eye(2))
    with pytest.raises(InvalidValueError, match="infinite"):
        H.elements()


def test_direct_product_of_finite_groups_brute_force(rng):
    """C_4 x C_3 on B^2_1 x B^2_0.8 (max metric): the quotient metric is a minimum over the 12
    elements (exact); greedy separated sets stay below the upper bound, and the product of the
    factors' band covers is a cover (checked on samples) not smaller than the lower bound."""
    eps = 0.2
    X = Product(Ball(2, 1), Ball(2, 0.8))
    G = DirectProduct(Cyclic(4), Cyclic(3))
    Q = quotient(X, G)
    assert Q.pair.key == "direct-product" and Q.dim == 4
    mats = G.elements()
    pts = np.concatenate([ball_points(2, 1, 2500, rng), ball_points(2, 0.8, 2500, rng)], 1)

    def dist(x, ys):
        orb = np.einsum("kij,cj->kci", mats, ys)
        diff = orb - x
        return np.maximum(np.sqrt((diff[..., :2] ** 2).sum(-1)),
                          np.sqrt((diff[..., 2:] ** 2).sum(-1))).min(0)
    assert greedy_separated(pts, dist, 2 * eps, rng) <= val(Q, eps)

    def band(R, k):
        K, counts = annular_sector_plan(0, R, 2 * sp.pi / k, 0, eps)
        h = R / (2 * K)
        out = []
        for i, n in enumerate(counts):
            m = 2 * h * i + h
            a = (np.arange(n) + 0.5) * 2 * np.pi / k / n
            out.append(np.stack([m * np.cos(a), m * np.sin(a)], 1))
        return np.concatenate(out)
    c1, c2 = band(1.0, 4), band(0.8, 3)
    centres = np.array([np.concatenate([p, q]) for p in c1 for q in c2])
    assert max(float(dist(x, centres).min()) for x in pts[:1500]) <= eps * (1 + TOL)
    assert val(Q, eps, "lower") <= len(centres)
    assert val(Q, eps) <= len(centres)


@pytest.mark.parametrize("metric, eps, up, low", [
    ("max", 0.1, 25, 9),  # ceil(1/0.2)^2; max(ceil(1/0.2), ceil(1/0.4)^2)
    ("euclidean", 0.1, 64, 9),  # ceil(sqrt2/0.2)^2 = 8^2
    ("max", 0.3, 4, 2),
])
def test_direct_product_of_compact_groups(metric, eps, up, low):
    # SO(2) on the annulus 1 <= |x| <= 2 and SO(3) on B^3_1: quotient [1, 2] x [0, 1]
    Q = quotient(Product(Annulus(1, 2), Ball(3, 1), metric), DirectProduct(SO(2), SO(3)))
    assert val(Q, eps) == up and val(Q, eps, "lower") == low
    assert Q.dim == 2 and Q.volume == 1
    assert ("asymptotic" in Q.available_kinds) == (metric == "max")


def test_direct_product_of_partial_sets_has_only_projections_below():
    from symbound.groups import PartialRotations
    Q = quotient(Product(Ball(2, 1), Ball(3, 1)),
                 DirectProduct(PartialRotations(0.5), PartialRotations(0.4, dim=3, plane=None)))
    assert Q.dim == 2 and Q.volume is None  # growth exponents 1 + 1
    b = Q.covering(0.1, "lower")
    assert b.method.startswith("projection")


def test_direct_product_factor_warns_when_trivial():
    from symbound.groups import PartialRotations  # rotations in a plane of S^2: trivial pair
    Q = quotient(Product(Sphere(3), Ball(2, 1)), DirectProduct(PartialRotations(0.3, dim=3), SO(2)))
    with pytest.warns(UserWarning, match="no symmetry gain"):
        Q.covering(0.2)


def test_unsupported_products():
    with pytest.raises(InvalidValueError, match="not supported"):
        quotient(Product(Ball(3), Ball(2)), SO(3))  # not a diagonal action
    with pytest.raises(InvalidValueError, match="not supported"):
        quotient(Product(Ball(3), Ball(3)), DirectProduct(SO(2), SO(3)))  # dimensions 2 + 3


# --------------------------------------------------------------------------------------------
# rates follow the quotient's dimension
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("space, group, method", [
    (Sphere(3), SO(2, dim=3), "partition"),
    (Ball(3), SO(2, dim=3), "dudley"),
    (Product(Ball(3), Ball(3)), O(3), "partition"),
    (Product(Ball(3), Ball(3)), O(3), "dudley"),
    (Product(Sphere(3), Sphere(3)), SO(3), "dudley"),
    (Product(Annulus(1, 2), Ball(3)), DirectProduct(SO(2), SO(3)), "partition"),
])
def test_rate_matches_slope(space, group, method):
    """rate("n") of the certified bound against the slope of log(bound) at n = 1e8..1e14."""
    check_rate_against_slope(space, group, method)
