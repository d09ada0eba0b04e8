"""Partial rotations in d >= 3 (symbound.quotient.partial, .partial_so3): rotations by at most theta
in a coordinate plane of B^d, and the rotations of SO(3) by at most theta about any axis on S^2 and
B^3.

S is not a group, so there is no quotient metric; the brute-force checks use what holds for a
symmetric set containing the identity: if x and y lie in the (eps, S)-ball of one centre then
``|r x - y| <= 2 eps`` for some r in ``S^{-1} S``, i.e. a rotation by at most 2 theta (in the plane;
for SO(3), the rotation angle is a metric on SO(3)).  A set whose points are pairwise more than
2 eps apart under ``min over rotations by <= 2 theta`` therefore has at most one point per
(eps, S)-ball: an upper bound below its size is wrong.  Covers are built explicitly (from the
documented constructions, with every count recomputed here) and checked point by point with
explicit elements of S; a lower bound above their size is wrong.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symbound.groups import SO, PartialRotations
from symbound.quotient import quotient
from symbound.quotient._bands import ball_band_plan
from symbound.quotient.partial_so3 import _COUNT_MARGIN, cap_cover_count, ring_counts, ring_cover
from symbound.spaces import Ball, Sphere

from _quotient_brute import (ball_points, check_rate_against_slope, cover_radius,
                             greedy_separated_orbits, plane_rotations, sphere_points, val)

EPS = sp.Symbol("eps", positive=True)
TOL = 1e-9


# --------------------------------------------------------------------------------------------
# rotations by at most theta in a plane of B^d
# --------------------------------------------------------------------------------------------


def band_cover_centres(R, eps, theta, K, hz, d):
    """The band cover of the module docstring, every count recomputed here: bands of half-width
    h_r = R/(2K) at middle radius m_i, n_i = ceil(2 pi / (2 theta + beta_i)) angles, and the interval
    [-rho_i, rho_i] (d = 3) of the orthogonal coordinate cut into cells of half-width h_z; centres
    outside B^d_R are projected onto it (the projection lemma)."""
    assert d == 3
    hr = R / (2 * K)
    slack = math.sqrt(max(eps**2 - hr**2 - hz**2, 0.0))
    out = []
    for i in range(K):
        a = 2 * hr * i
        m, b = a + hr, a + 2 * hr
        beta = 4 * math.asin(min(1.0, slack / (2 * math.sqrt(b * m))))
        n = math.ceil(2 * math.pi / (2 * theta + beta))
        rho = math.sqrt(max(R * R - a * a, 0.0))
        nz = math.ceil(rho / hz - 1e-12)
        z = -rho + hz * (2 * np.arange(nz) + 1)
        ang = 2 * np.pi * np.arange(n) / n
        for zz in z:
            out.append(np.stack([m * np.cos(ang), m * np.sin(ang), np.full(n, zz)], 1))
    c = np.concatenate(out)
    nrm = np.linalg.norm(c, axis=1)
    return c * np.minimum(1.0, R / nrm)[:, None]


@pytest.mark.parametrize("R, theta, eps", [(1.0, 0.5, 0.25), (1.3, math.pi / 6, 0.3),
                                           (0.8, 1.9, 0.2)])
def test_partial_ball_band_cover_by_construction(R, theta, eps, rng):
    Q = quotient(Ball(3, R), PartialRotations(theta, dim=3))
    assert Q.pair.key == "partial-ball" and Q.dim == 2
    count, K, hz = ball_band_plan(sp.Float(R), sp.Float(eps), sp.Float(theta), 1)
    centres = band_cover_centres(R, eps, theta, K, float(hz), 3)
    assert len(centres) == count
    assert val(Q, eps) <= count
    # every sample within eps of R_s c for some |s| <= theta (a grid of s: an over-estimate)
    S = plane_rotations(np.linspace(-theta, theta, 121), 3, (0, 1))
    assert cover_radius(ball_points(3, R, 1500, rng), centres, S) <= eps * (1 + TOL)
    assert val(Q, eps, "lower") <= count


def test_partial_ball_closed_form_by_construction(rng):
    R, theta, eps = 1.0, 0.7, 0.3
    Q = quotient(Ball(3, R), PartialRotations(theta, dim=3))
    K = math.ceil(R / (math.sqrt(2) * eps))
    centres = band_cover_centres(R, eps, theta, K, eps / math.sqrt(2), 3)
    # with h_r, h_z <= eps/sqrt2 no angular slack is needed: ceil(pi/theta) per cell; the closed
    # form counts ceil(sqrt2 R/eps) z-cells per band (at least the cells used here)
    closed = Q.covering_number(EPS).subs(EPS, sp.Rational(eps))
    assert float(closed) == math.ceil(math.pi / theta) * K * math.ceil(math.sqrt(2) * R / eps)
    assert len(centres) <= float(closed)
    S = plane_rotations(np.linspace(-theta, theta, 121), 3, (0, 1))
    assert cover_radius(ball_points(3, R, 1500, rng), centres, S) <= eps * (1 + TOL)


@pytest.mark.parametrize("theta, eps", [(0.4, 0.2), (1.0, 0.3)])
def test_partial_ball_upper_against_separated_sets(theta, eps, rng):
    R = 1.0
    Q = quotient(Ball(3, R), PartialRotations(theta, dim=3))
    M = 241  # rotations by at most 2 theta; grid error <= R * (2 theta / (M - 1)) / 2
    mats = plane_rotations(np.linspace(-2 * theta, 2 * theta, M), 3, (0, 1))
    margin = R * 2 * theta / (M - 1)
    size = greedy_separated_orbits(ball_points(3, R, 900, rng), mats, 2 * eps + margin, rng)
    assert size <= val(Q, eps)


def radial_reference(R, eps, theta, d, J=400000) -> float:
    """(omega_{d-2} / (omega_{d-1} eps^{d-1})) int_0^R ceil(2 pi / w(r)) (R^2 - r^2)^{(d-2)/2} dr by
    a fine midpoint sum (reference for the certified left/right-end sum)."""
    r = (np.arange(J) + 0.5) * R / J
    with np.errstate(divide="ignore", invalid="ignore"):
        arg = np.where(r > eps, eps / (2 * np.sqrt(r * np.maximum(r - eps, 0))), np.inf)
    w = np.where(r > eps, np.minimum(2 * np.pi, 2 * theta + 4 * np.arcsin(np.minimum(1, arg))),
                 2 * np.pi)
    f = np.ceil(2 * np.pi / w) * (R * R - r * r) ** ((d - 2) / 2)
    k = d - 2
    om = lambda m: math.pi ** (m / 2) / math.gamma(m / 2 + 1)  # noqa: E731
    return float(f.sum() * R / J) * om(k) / (om(k + 1) * eps ** (k + 1))


@pytest.mark.parametrize("d, R, theta, eps", [(3, 1.0, 0.5, 0.05), (4, 2.0, 0.3, 0.1),
                                              (3, 1.0, 2.5, 0.02)])
def test_partial_ball_radial_integral(d, R, theta, eps):
    Q = quotient(Ball(d, R), PartialRotations(theta, dim=d, plane=(0, 2)))
    b = Q.covering(eps, "lower")
    ref = radial_reference(R, eps, theta, d)
    if "radial integral" in b.method:
        assert float(b) <= math.ceil(ref) and float(b) >= 0.995 * ref
    # leading order: ceil(pi/theta) (R/eps)^(d-1) / 2 (the asymptotic form)
    assert float(Q.covering(eps, "asymptotic")) == pytest.approx(
        math.ceil(math.pi / theta) * (R / eps) ** (d - 1) / 2)
    # the radial integral (a certified lower bound) tends to the asymptotic form: ratios at eps/10
    # and eps/100 increase to 1
    ratios = [radial_reference(R, e, theta, d) / float(Q.covering(e, "asymptotic"))
              for e in (eps, eps / 10, eps / 100)]
    assert ratios[0] < ratios[1] < ratios[2] <= 1 and ratios[2] > 0.99


def test_partial_ball_full_angle_is_so2():
    so2 = quotient(Ball(4, 1), SO(2, dim=4))
    Q = quotient(Ball(4, 1), PartialRotations(sp.pi, dim=4))
    assert Q.pair.key == "partial-ball" and Q.dim == 3
    assert Q.covering(0.2).method == so2.covering(0.2).method
    for kind in ("upper", "lower"):
        assert val(Q, 0.2, kind) == val(so2, 0.2, kind)
    # the float nearest pi is below pi: the band cover with (at most two) centres per cell
    Qf = quotient(Ball(4, 1), PartialRotations(math.pi, dim=4))
    assert "band cover" in Qf.covering(0.2).method
    assert val(so2, 0.2, "lower") <= val(Qf, 0.2, "lower") <= val(Qf, 0.2) <= 2 * val(so2, 0.2)


@settings(max_examples=30)
@given(d=st.integers(3, 5), R=st.floats(0.3, 2.0), theta=st.floats(0.05, 3.0),
       eps=st.floats(0.05, 1.0))
def test_partial_ball_inequalities(d, R, theta, eps):
    X = Ball(d, R)
    Q = quotient(X, PartialRotations(theta, dim=d, plane=(0, 1)))
    up, low = val(Q, eps), val(Q, eps, "lower")
    assert low <= up
    assert up <= float(X.covering(eps, "upper")) + TOL
    # S is a subset of SO(2): an (eps, S)-cover is an (eps, SO(2))-cover
    so2 = quotient(X, SO(2, dim=d))
    assert low >= val(so2, eps, "lower") - TOL
    assert up >= val(so2, eps, "lower") - TOL


# --------------------------------------------------------------------------------------------
# rotations of SO(3) by at most theta about any axis
# --------------------------------------------------------------------------------------------


def ring_centres(psi):
    """The ring cover of the module docstring for caps of radius psi < pi/2, rebuilt here from
    ``ring_cover``'s number of bands and ``ring_counts``: the two poles and n_j equally spaced
    centres at polar angle lambda_j."""
    _, J = ring_cover(psi)
    counts = ring_counts(psi, J).astype(int)
    t = (math.pi - 2 * psi) / (2 * J)
    pts = [np.array([[0, 0, 1.0]]), np.array([[0, 0, -1.0]])]
    for j, n in enumerate(counts):
        lam = psi + (2 * j + 1) * t
        ph = 2 * np.pi * np.arange(n) / n
        pts.append(np.stack([np.sin(lam) * np.cos(ph), np.sin(lam) * np.sin(ph),
                             np.full(n, np.cos(lam))], 1))
    return np.concatenate(pts)


@pytest.mark.parametrize("psi", [0.2, 0.6, 1.2, 1.5])
def test_ring_cover_by_construction(psi, rng):
    psi_m = psi * _COUNT_MARGIN  # the angle cap_cover_count works with
    c = ring_centres(psi_m)
    count = cap_cover_count(psi)
    packing = math.floor(24 / (2 * math.sin(psi_m / 2) * _COUNT_MARGIN) ** 2 + 2)
    assert count == min(len(c), packing)
    x = sphere_points(3, 20000, rng)
    geo = np.arccos(np.clip(x @ c.T, -1, 1)).min(1)
    assert geo.max() <= psi_m
    # against the cap-area lower bound 2 / (1 - cos psi) and the sphere's packing bound
    assert 2 / (1 - math.cos(psi)) <= count <= 24 / (2 * math.sin(psi / 2)) ** 2 + 2


def rotation_towards(nu, omega, angle):
    """The rotation by ``angle`` about ``nu x omega`` (Rodrigues), which moves nu towards omega."""
    k = np.cross(nu, omega)
    s = np.linalg.norm(k)
    if s < 1e-15:
        return np.eye(3)
    k = k / s
    Kx = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return np.eye(3) + math.sin(angle) * Kx + (1 - math.cos(angle)) * Kx @ Kx


def so3_ball_distance(c, x, theta):
    """|R c - x| for the explicit R in S that turns c's direction towards x's by min(gamma, theta)
    (an upper bound of d_S(c, x); it is the minimum, see the module docstring)."""
    rc, rx = np.linalg.norm(c), np.linalg.norm(x)
    if rc < 1e-15 or rx < 1e-15:
        return float(np.linalg.norm(c - x))
    gamma = math.acos(np.clip(c @ x / (rc * rx), -1, 1))
    R = rotation_towards(c / rc, x / rx, min(gamma, theta))
    return float(np.linalg.norm(R @ c - x))


def so3_cover_radius(samples, centres, theta) -> float:
    """max over samples x of min over centres c of |R c - x|, R the rotation by min(gamma, theta)
    about c x x (vectorised Rodrigues: R c = c cos a + (k x c) sin a for the unit axis k ⊥ c)."""
    worst = 0.0
    for x in samples:
        k = np.cross(centres, x)
        s = np.linalg.norm(k, axis=1)
        rc, rx = np.linalg.norm(centres, axis=1), np.linalg.norm(x)
        gamma = np.arccos(np.clip(centres @ x / np.maximum(rc * rx, 1e-300), -1, 1))
        a = np.minimum(gamma, theta)
        k = k / np.maximum(s, 1e-300)[:, None]
        rot = centres * np.cos(a)[:, None] + np.cross(k, centres) * np.sin(a)[:, None]
        rot = np.where((s > 1e-15)[:, None], rot, centres)
        worst = max(worst, float(np.linalg.norm(rot - x, axis=1).min()))
    return worst


def test_vectorised_rotation_matches_rodrigues(rng):
    c, x = ball_points(3, 1, 30, rng), ball_points(3, 1, 30, rng)
    for ci, xi in zip(c, x):
        assert so3_cover_radius(xi[None], ci[None], 0.4) == pytest.approx(
            so3_ball_distance(ci, xi, 0.4), abs=1e-12)


@pytest.mark.parametrize("theta, eps", [(0.5, 0.1), (0.2, 0.05), (1.2, 0.3), (2.0, 0.5)])
def test_so3_sphere_exact_reduction(theta, eps, rng):
    Q = quotient(Sphere(3), PartialRotations(theta, dim=3, plane=None))
    assert Q.pair.key == "partial-so3-sphere" and Q.dim == 0
    psi = theta + 2 * math.asin(eps / 2)
    up, low = val(Q, eps), val(Q, eps, "lower")
    with mpmath.workdps(50):
        expected_low = 1 if psi >= math.pi else int(mpmath.ceil(
            2 / (1 - mpmath.cos(mpmath.mpf(theta) + 2 * mpmath.asin(mpmath.mpf(eps) / 2)))))
    assert low == expected_low
    if psi < math.pi / 2:
        # the ring cover of caps of radius psi is an (eps, S)-cover: check it with explicit elements
        c = ring_centres(psi * _COUNT_MARGIN)
        assert so3_cover_radius(sphere_points(3, 1000, rng), c, theta) <= eps * (1 + 1e-9)
        assert up <= len(c)
        assert low <= len(c)
    else:
        assert up <= 2 and (psi >= math.pi or low == 2)
    # separated sets: pairwise geodesic distance > 2 theta + 2 asin(eps) means no rotation by at
    # most 2 theta brings them within 2 eps (it moves a unit vector by a geodesic distance <= 2 theta)
    x = sphere_points(3, 3000, rng)
    chosen = []
    for i in rng.permutation(len(x)):
        far = 2 * theta + 2 * math.asin(min(1.0, eps))  # chordal 2 eps = geodesic 2 asin(eps)
        if not chosen or np.arccos(np.clip(x[chosen] @ x[i], -1, 1)).min() > far:
            chosen.append(i)
    assert len(chosen) <= up


def test_so3_ball_band_cover_by_construction(rng):
    R, theta, eps = 1.0, 0.6, 0.2
    Q = quotient(Ball(3, R), PartialRotations(theta, dim=3, plane=None))
    case = Q._exact_case()
    count, K, psis = case.plan(sp.Rational(eps))
    assert val(Q, eps) <= count
    h = R / (2 * K)
    centres = []
    for i, psi in enumerate(psis):
        m = 2 * h * i + h
        if psi * _COUNT_MARGIN >= math.pi:
            dirs = np.array([[0, 0, 1.0]])
        elif psi * _COUNT_MARGIN >= math.pi / 2:
            dirs = np.array([[0, 0, 1.0], [0, 0, -1.0]])
        else:
            dirs = ring_centres(psi * _COUNT_MARGIN)
            assert len(dirs) == cap_cover_count(psi)  # the ring is the count used
        centres.append(m * dirs)
    centres = np.concatenate(centres)
    assert len(centres) == count
    assert so3_cover_radius(ball_points(3, R, 1500, rng), centres, theta) <= eps * (1 + 1e-9)
    assert val(Q, eps, "lower") <= count


def test_so3_ball_upper_against_separated_sets(rng):
    R, theta, eps = 1.0, 0.4, 0.15
    Q = quotient(Ball(3, R), PartialRotations(theta, dim=3, plane=None))
    x = ball_points(3, R, 2000, rng)

    def d2theta(p, ys):
        # min over rotations by at most 2 theta of |r p - y|: rotate p's direction towards y's by
        # min(gamma, 2 theta) (explicit element, so an upper estimate ... and the minimum)
        rp, ry = np.linalg.norm(p), np.linalg.norm(ys, axis=1)
        cosg = np.clip(ys @ p / np.maximum(rp * ry, 1e-300), -1, 1)
        g = np.maximum(np.arccos(cosg) - 2 * theta, 0)
        return np.sqrt((rp - ry) ** 2 + 4 * rp * ry * np.sin(g / 2) ** 2)
    # the closed form agrees with explicit rotations
    for p, y in zip(x[:20], x[20:40]):
        assert so3_ball_distance(p, y, 2 * theta) == pytest.approx(float(d2theta(p, y[None])[0]),
                                                                    abs=1e-12)
    chosen = []
    for i in rng.permutation(len(x)):
        if not chosen or d2theta(x[i], x[chosen]).min() > 2 * eps:
            chosen.append(i)
    assert len(chosen) <= val(Q, eps)


def test_so3_ball_radial_integral_and_limits():
    R, theta, eps = 1.0, 0.5, 0.02
    Q = quotient(Ball(3, R), PartialRotations(theta, dim=3, plane=None))
    J = 400000
    r = (np.arange(J) + 0.5) * R / J
    with np.errstate(divide="ignore", invalid="ignore"):
        arg = np.where(r > eps, eps / (2 * np.sqrt(r * np.maximum(r - eps, 0))), np.inf)
    delta = np.where(r > eps, 2 * np.arcsin(np.minimum(1, arg)), np.pi)
    f = np.ceil(2 / (1 - np.cos(np.minimum(theta + delta, np.pi))))
    ref = float(f.sum() * R / J) / (2 * eps)
    low = val(Q, eps, "lower")
    assert 0.995 * ref <= low <= math.ceil(ref)
    asym = float(Q.covering(eps, "asymptotic"))
    assert asym == pytest.approx(R / ((1 - math.cos(theta)) * eps))
    # the band cover's leading term is C(theta) R/(2 eps) with the ring count C(theta)
    up = val(Q, eps)
    assert up <= cap_cover_count(theta) * math.ceil(R / (2 * eps))
    assert Q.covering_number(EPS).subs(EPS, sp.Rational(1, 50)) == \
        cap_cover_count(theta) * math.ceil(R / (2 * eps))


def test_so3_full_angle_is_so3():
    assert quotient(Ball(3, 1), PartialRotations(sp.pi, dim=3, plane=None)).covering(0.1).kind == "exact"
    assert val(quotient(Ball(3, 1), PartialRotations(sp.pi, dim=3, plane=None)), 0.1) == 5
    assert val(quotient(Sphere(3), PartialRotations(math.pi, dim=3, plane=None)), 0.01) == 1


@settings(max_examples=20)
@given(R=st.floats(0.3, 2.0), theta=st.floats(0.05, 3.0), eps=st.floats(0.02, 1.0))
def test_so3_ball_inequalities(R, theta, eps):
    X = Ball(3, R)
    Q = quotient(X, PartialRotations(theta, dim=3, plane=None))
    up, low = val(Q, eps), val(Q, eps, "lower")
    assert low <= up
    assert up <= float(X.covering(eps, "upper")) + TOL
    assert low >= math.ceil(R / (2 * eps)) - TOL  # N_S >= N_SO(3)
    # a plane's rotations by at most theta are in S: N_S <= N_{plane rotations}
    assert low <= val(quotient(X, PartialRotations(theta, dim=3)), eps) + TOL


@settings(max_examples=20)
@given(theta=st.floats(0.05, 3.1), eps=st.floats(0.01, 2.5))
def test_so3_sphere_inequalities(theta, eps):
    Q = quotient(Sphere(3), PartialRotations(theta, dim=3, plane=None))
    up, low = val(Q, eps), val(Q, eps, "lower")
    assert 1 <= low <= up <= float(Sphere(3).covering(eps, "upper")) + TOL


# --------------------------------------------------------------------------------------------
# rates follow the growth exponent
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("space, group, method", [
    (Ball(3), PartialRotations(sp.pi / 6, dim=3), "partition"),
    (Ball(4), PartialRotations(0.3, dim=4), "dudley"),
    (Ball(3), PartialRotations(0.5, dim=3, plane=None), "dudley"),
    (Sphere(3), PartialRotations(0.5, dim=3, plane=None), "partition"),
])
def test_rate_matches_slope(space, group, method):
    check_rate_against_slope(space, group, method)
