"""Property tests of the inequalities of THEORY.md §4 on random instances (hypothesis).

The Lipschitz-class covering is checked through its *proof*: random (approximately) invariant
Lipschitz functions on random point clouds are approximated by the piecewise-constant functions of
the construction, and the approximation error must stay within u.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symbound.bounds import generalization_bound as _generalization_bound, lipschitz_class_log_covering
from symbound.groups import SO, Cyclic
from symbound.spaces import Annulus, Ball


def generalization_bound(*args, **kwargs):
    """These tests exercise the leading-order power-law path (closed forms, asymptotic
    multipliers): ``covering="auto"`` unless a test asks for another covering."""
    kwargs.setdefault("covering", "auto")
    return _generalization_bound(*args, **kwargs)

KW = dict(lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2)
DKW = dict(lipschitz=1, loss_lipschitz=1, loss_bound=1, hypothesis_bound=1)

PART = generalization_bound(Ball(2), covering="upper", resolution="expose", **KW)
PART_SYM = generalization_bound(Ball(2), Cyclic(6), covering="upper", resolution="expose", **KW)
PART_ETA = generalization_bound(Ball(2), Cyclic(6), covering="upper", resolution="expose",
                                equivariance_error=__import__("symbound").symbol("eta"), **KW)
DUD_PL = generalization_bound(None, method="dudley", power_law=(3, 3), resolution="expose", **DKW)
DUD_ETA = generalization_bound(Annulus(1, 2), SO(2), method="dudley", resolution="expose",
                               equivariance_error=__import__("symbound").symbol("eta"), **DKW)

ns = st.integers(min_value=10, max_value=10**7)
deltas = st.floats(min_value=1e-6, max_value=0.9)
epss = st.floats(min_value=1e-3, max_value=2.0)


@given(n=ns, delta=deltas, eps=epss, f=st.floats(1.01, 10))
def test_partition_monotone_in_n_delta(n, delta, eps, f):
    v = PART.evaluate(n=n, delta=delta, eps=eps, m=3)
    assert PART.evaluate(n=int(n * f) + 1, delta=delta, eps=eps, m=3) <= v
    assert PART.evaluate(n=n, delta=delta / f, eps=eps, m=3) >= v


@given(n=ns, delta=deltas, eps=epss, eta=st.floats(0, 1), h=st.floats(1e-6, 1))
def test_partition_monotone_in_eta(n, delta, eps, eta, h):
    assert PART_ETA.evaluate(n=n, delta=delta, eps=eps, m=1, eta=eta + h) >= \
        PART_ETA.evaluate(n=n, delta=delta, eps=eps, m=1, eta=eta)


@given(n=ns, delta=deltas, eps=epss)
def test_symmetric_partition_bound_below_plain(n, delta, eps):
    assert PART_SYM.evaluate(n=n, delta=delta, eps=eps, m=1) <= PART.evaluate(n=n, delta=delta, eps=eps, m=1)


@given(n=ns, delta=deltas, a=st.floats(1e-4, 0.99), f=st.floats(1.01, 10))
def test_dudley_monotone(n, delta, a, f):
    v = DUD_PL.evaluate(n=n, delta=delta, alpha=a)
    assert DUD_PL.evaluate(n=int(n * f) + 1, delta=delta, alpha=a) <= v
    assert DUD_PL.evaluate(n=n, delta=delta / f, alpha=a) >= v


@settings(max_examples=25)
@given(eta=st.floats(0.001, 0.3), h=st.floats(1e-4, 0.1), n=st.integers(100, 10**6))
def test_dudley_monotone_in_eta_and_continuous(eta, h, n):
    v = DUD_ETA.evaluate(n=n, delta=0.05, alpha=0.01, eta=eta)
    w = DUD_ETA.evaluate(n=n, delta=0.05, alpha=0.01, eta=eta + h)
    assert w >= v - 1e-12
    # continuity of the u > 4 eta split for eta > 0: a tiny change of eta moves the bound little
    z = DUD_ETA.evaluate(n=n, delta=0.05, alpha=0.01, eta=eta * (1 + 1e-7))
    assert abs(z - v) <= 1e-3 * v


@given(u=st.floats(0.02, 1.0), eta=st.floats(0, 0.5), L=st.floats(0.5, 4), B=st.floats(0.5, 3))
def test_class_covering_orderings(u, eta, L, B):
    A = Annulus(1, 2)
    inv = float(lipschitz_class_log_covering(A, u, group=SO(2), lipschitz=L, bound=B))
    approx = float(lipschitz_class_log_covering(A, u, group=SO(2), lipschitz=L, bound=B,
                                                equivariance_error=eta))
    plain = float(lipschitz_class_log_covering(A, u, lipschitz=L, bound=B))
    assert inv <= approx + 1e-9 <= plain + 2e-9
    # internal covers need at least as many functions as external ones
    assert plain <= float(lipschitz_class_log_covering(A, u, lipschitz=L, bound=B, cover="internal")) + 1e-9


@given(u=st.floats(0.05, 1.0), L=st.floats(0.5, 4), eta=st.floats(1e-12, 1e-8))
def test_class_covering_as_eta_to_zero(u, L, eta):
    # Annulus(1, 2) mod SO(2) = [1, 2]: N_S(X, r) = ceil(1/(2r)); values ceil(2/u) + 1
    A = Annulus(1, 2)
    a0 = float(lipschitz_class_log_covering(A, u, group=SO(2), lipschitz=L, bound=1))
    a1 = float(lipschitz_class_log_covering(A, u, group=SO(2), lipschitz=L, bound=1,
                                            equivariance_error=eta))
    # exact arithmetic on the binary values of the floats (as the library does)
    U, LL, E = Fraction(u), Fraction(L), Fraction(eta)
    vals = math.log(math.ceil(2 / U) + 1)
    n0 = math.ceil(LL / U)
    assert a0 == pytest.approx(n0 * vals, rel=1e-9)
    n1 = min(math.ceil(1 / (2 * (U / 2 - E) / LL)), (1 + 4 * LL / U) ** 2)
    assert a1 == pytest.approx(n1 * vals, rel=1e-9)
    # continuity of the split: the eta-count tends to the invariant count (up to one ceil jump)
    assert a0 - 1e-9 <= a1 <= (n0 + 1) * vals + 1e-9


# ------------------------------------------------------------------------------------------------
# the construction behind ln N(F, u) <= N_S(X, u/(2L)) ln(ceil(2B/u) + 1)
# ------------------------------------------------------------------------------------------------


def _rot(theta):
    c, s = np.cos(theta), np.sin(theta)
    return np.array([[c, -s], [s, c]])


def _orbit_dist(x, c, k):
    """min_g |g x - c| over C_k (the quotient metric), x: (p, 2), c: (q, 2) -> (p, q)."""
    best = None
    for j in range(k):
        gx = x @ _rot(2 * np.pi * j / k).T
        d = np.linalg.norm(gx[:, None, :] - c[None, :, :], axis=-1)
        best = d if best is None else np.minimum(best, d)
    return best


@settings(max_examples=40)
@given(seed=st.integers(0, 2**31 - 1), k=st.integers(1, 8), u=st.floats(0.05, 0.8),
       L=st.floats(0.5, 3), eta_frac=st.floats(0, 0.4))
def test_piecewise_constant_construction_approximates_within_u(seed, k, u, L, eta_frac):
    rng = np.random.default_rng(seed)
    B = 1.0
    eta = eta_frac * u  # u > 2 eta
    # points of the unit disk
    r = np.sqrt(rng.random(400))
    t = rng.uniform(0, 2 * np.pi, 400)
    X = np.stack([r * np.cos(t), r * np.sin(t)], 1)
    # random C_k-invariant L-Lipschitz f: min_j (v_j + L d_G(x, p_j)), clipped to [-B, B]
    P = rng.uniform(-1, 1, (6, 2))
    v = rng.uniform(-B, B, 6)
    f = np.clip(np.min(v[None, :] + L * _orbit_dist(X, P, k), axis=1), -B, B)
    # approximately invariant perturbation: |f(gx) - f(x)| <= eta, Lipschitz constant eta*w/2 more
    w = rng.uniform(0.5, 3)
    pert = 0.5 * eta * np.sin(w * X[:, 0] + 1.3 * X[:, 1])
    f_eta = f + pert
    L_tot = L + 0.5 * eta * w * math.hypot(1, 1.3)
    # (eps', S)-cover of the point cloud by greedy selection under the quotient metric
    eps_p = (u / 2 - eta) / L_tot
    D = _orbit_dist(X, X, k)
    centres, uncovered = [], np.ones(len(X), bool)
    while uncovered.any():
        i = int(np.flatnonzero(uncovered)[0])
        centres.append(i)
        uncovered &= D[:, i] > eps_p
    cell = np.argmin(D[:, centres], axis=1)
    assert np.all(D[np.arange(len(X)), np.array(centres)[cell]] <= eps_p + 1e-12)
    # grid of step u in [-B, B]: ceil(2B/u) + 1 values; round f_eta(c_j) to the nearest
    grid = np.minimum(-B + u * np.arange(math.ceil(2 * B / u) + 1), B)
    vals = f_eta[centres]
    g_vals = grid[np.argmin(np.abs(vals[:, None] - grid[None, :]), axis=1)]
    g = g_vals[cell]
    assert np.max(np.abs(f_eta - g)) <= u + 1e-12
