"""The partial and graded trade-off (THEORY §5) on the disk: P1-P4 of symbound.bounds.tradeoff.partial.

References are hand-written: Xu & Mannor's partition bound with the band-cover power law
``N_{S_theta}(B^2_1, r) ~ ceil(pi/theta) / (2r)``, the quotient ``[0, 1]`` of SO(2) (``1/(2r)``) and the
disk (``r^-2``), and closed-form sup errors of ``f*(x) = |x|^2 + beta x_1``.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from symbound.bounds.tradeoff import partial_tradeoff
from symbound.errors import InvalidTypeError, InvalidValueError
from symbound.spaces import Annulus, Ball, Cube

from .test_tradeoff import partition_at

KW = dict(lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2)


def graded(lam, n, **kw):
    opts = dict(KW, covering="power_law")
    opts.update(kw)
    return partial_tradeoff(Ball(2), n, breaking_rate=lam, **opts)


def test_approximation_sandwich_by_hand():
    lam = 0.02
    t = graded(lam, 10**6)
    eps = np.array([0.0, 0.005, 0.01, 0.05])
    theta = np.array([0.5, 0.5, 0.5, 0.5])
    U = lam * 0.5
    np.testing.assert_allclose(t.approximation(eps, theta),
                               np.maximum(1 - eps / U, 0) * lam * math.pi / 2, rtol=1e-15)
    np.testing.assert_allclose(t.approximation(eps, theta, "lower"), np.maximum(U - eps, 0) / 2)
    assert t.approximation(np.array([0.0]), np.array([0.0]))[0] == 0.0  # S_0 = {id}: f* in the class


@pytest.mark.parametrize("theta", [0.0, math.pi / 7, 0.3, math.pi])
def test_generalization_is_min_of_three_hand_bounds(theta):
    # P1 with the accounting of generalization_bound: each bound at the full delta (levels fixed in
    # advance), the bounds of eps > 0 already the smaller of their covering and the plain one
    n, delta = 10**6, 0.05
    t = graded(0.02, n, delta=delta)
    plain = partition_at(1, 2, n=n, delta=delta)
    for eps in (0.0, 0.004, 0.03):
        got = float(t.generalization(np.array([eps]), np.array([theta]))[0][0])
        refs = [plain]
        if theta > 0:
            # k = ceil(pi / theta) with theta the binary value of the float: 7 theta = math.pi < pi
            # for theta = math.pi / 7 (exactly, in rationals), so k = 8 there
            k = {math.pi / 7: 8, 0.3: 11, math.pi: 1}[theta]
            refs.append(partition_at(0.5, 1, n=n, delta=delta) + 2 * k * eps)  # SO(2): [0, 1], 1/(2r)
            if theta < math.pi:  # band cover: ceil(pi/theta) (r2 - r1)/(2r), d0 = 1
                refs.append(partition_at(k / 2, 1, n=n, delta=delta) + 2 * eps)
        assert got == pytest.approx(min(refs), rel=1e-12)


@pytest.mark.parametrize("lam, n", [(0.01, 10**6), (0.1, 10**9), (0.01, 10**12)])
def test_optimum_is_the_minimum_of_a_dense_scan(lam, n):
    thetas = np.array([0.0, math.pi / 200, math.pi / 40, math.pi / 9, math.pi / 3, math.pi])
    t = graded(lam, n, thetas=thetas)
    opt = t.optimal_model_equivariance()
    U = lam * thetas
    eps = (np.linspace(0, 1.5, 61)[:, None] * np.maximum(U, 1e-3)[None, :])
    th = np.broadcast_to(thetas, eps.shape)
    dense = t.total_error(eps, th)
    assert opt.total_error <= dense.min() * (1 + 1e-12)
    assert opt.regime in ("full", "match", "none")  # P3: eps* in {0, U(theta*)}


def test_ridge_closed_form_against_hand_minimisation():
    # P4: minimise E_k = 2 (2 L_l lam pi/k + P(V0 = k/2, d0 = 1)) over integer k with the hand
    # partition bound (confidence terms included), compare with k* = (6 L_l lam pi / kappa_1)^(3/4) n^(1/4)
    lam, n = 0.01, 10**12
    thetas = np.concatenate([[0.0, math.pi], math.pi / np.unique(np.round(np.geomspace(40, 500, 30)))])
    t = graded(lam, n, thetas=thetas)
    opt = t.optimal_model_equivariance()
    k_star = float(opt.closed_form["k"])
    ks = np.arange(1, 2000)
    E = [2 * (partition_at(k / 2, 1, n=n, delta=0.05, eta=lam * math.pi / k)) for k in ks]
    k_hand = int(ks[int(np.argmin(E))])
    assert k_star == pytest.approx(k_hand, rel=0.05)
    assert float(opt.closed_form["theta"]) == pytest.approx(math.pi / k_star)
    assert float(opt.closed_form["eps"]) == pytest.approx(lam * math.pi / k_star)
    # the grid optimum lies on the ridge near the closed form
    assert opt.regime == "match" and opt.eps == pytest.approx(lam * opt.theta)
    assert opt.theta == pytest.approx(math.pi / k_star, rel=0.1)


def test_target_certified_errors_bound_the_true_ones():
    beta, L = 0.05, 2.05
    f = lambda x: np.sum(x**2, axis=1) + beta * x[:, 0]  # noqa: E731
    thetas = np.array([0.0, 0.1, 0.5, math.pi])
    t = partial_tradeoff(Ball(2), 10**6, target=f, target_lipschitz=L, thetas=thetas,
                         target_grid=(32, 128), **KW)
    U = t.data_error(thetas)
    true = beta * 2 * np.sin(thetas / 2)  # sup_{x, |s| <= theta} beta |x_1(R_s x) - x_1(x)|, |x| <= 1
    assert np.all(U >= true) and U[0] == 0
    # the slack is the net argument's 2 L h + L r2 ds (h: fill distance of the 32 x 128 polar grid)
    h = math.hypot(1 / 64, math.pi / 128)
    assert np.all(U[1:] <= true[1:] + 2 * L * h + L * 2 * math.pi / 512 + 1e-12)
    assert beta <= t.rho <= beta + 2 * L * h + L * math.pi / (2 * 512) + 1e-12  # ||f* - Q f*|| = beta
    with pytest.raises(InvalidValueError, match="grid"):
        t.data_error(np.array([0.2]))


def test_exact_partial_invariance_is_full_invariance():
    # P1: eps = 0 with any theta > 0 gives the SO(2)-invariant class: the same Gen for every theta
    t = graded(0.02, 10**6)
    g = t.generalization(np.zeros(3), np.array([0.1, 0.7, math.pi]))[0]
    assert g[0] == g[1] == g[2]


def test_partial_display():
    t = graded(0.02, 10**6, thetas=[0.0, 0.3, math.pi])
    assert r"\mathcal{G}_{S_\theta}" in t.latex() and t._repr_latex_().startswith("$")
    assert "P1" in t.optimal_model_equivariance().describe() or "closed form" in \
        t.optimal_model_equivariance().describe()
    assert "breaking rate" in t.describe()


def test_partial_bad_input():
    with pytest.raises(InvalidValueError, match="disk"):
        partial_tradeoff(Cube(2), 100, breaking_rate=0.1, **KW)
    with pytest.raises(InvalidValueError, match="exactly one"):
        partial_tradeoff(Ball(2), 100, breaking_rate=0.1, data_error=lambda t: t, **KW)
    with pytest.raises(InvalidValueError, match=r"\[0, pi\]"):
        partial_tradeoff(Ball(2), 100, breaking_rate=0.1, thetas=[0.0, 4.0], **KW)
    with pytest.raises(InvalidValueError, match="breaking_rate"):
        partial_tradeoff(Ball(2), 100, breaking_rate=-0.1, **KW)
    with pytest.raises(InvalidValueError, match="n must be"):
        partial_tradeoff(Annulus(0.5, 1), 0, breaking_rate=0.1, **KW)
    with pytest.raises(InvalidValueError, match="target_lipschitz"):
        partial_tradeoff(Ball(2), 100, target=lambda x: x[:, 0], **KW)
    with pytest.raises(InvalidTypeError, match="callable"):
        partial_tradeoff(Ball(2), 100, data_error=0.3, **KW)


@given(theta=st.floats(1e-6, math.pi))
def test_generation_count_is_exact(theta):
    # P1 needs k rotations by at most theta to reach every angle in [-pi, pi]: k theta >= pi, and
    # k is the least such integer (theta taken as its exact binary value; math.pi stands for pi)
    from symbound.bounds.tradeoff.partial import _k_of

    k = _k_of(theta)
    th = sp.pi if theta >= math.pi else sp.Rational(theta)
    with mpmath.workdps(60):  # decided far beyond the float's precision
        assert k * mpmath.mpf(th.p) / th.q >= mpmath.pi if th != sp.pi else k == 1
        assert (k - 1) * mpmath.mpf(th.p) / th.q < mpmath.pi if th != sp.pi else True


def test_generation_count_at_an_exact_edge():
    # 7 * float(pi/7) is exactly the float math.pi, which is below pi: seven rotations by at most
    # that angle do not reach pi, eight do (SymPy's ceiling decides this one wrong at 15 digits)
    from fractions import Fraction

    from symbound.bounds.tradeoff.partial import _k_of

    assert Fraction(math.pi / 7) * 7 == Fraction(math.pi) == Fraction(math.pi / 2) * 2
    assert _k_of(math.pi / 7) == 8 and _k_of(math.pi / 2) == 3  # the floats are below pi/7, pi/2
    assert _k_of(math.pi) == 1 and _k_of(0.3) == 11  # math.pi stands for pi: the whole group


def test_dudley_partial_optimum_is_the_minimum_of_its_levels():
    thetas = [0.0, math.pi / 8, math.pi]
    t = partial_tradeoff(Ball(2), 10**8, breaking_rate=0.05, method="dudley", covering="power_law",
                         lipschitz=1, loss_lipschitz=1, loss_bound=1, hypothesis_bound=1,
                         thetas=thetas)
    opt = t.optimal_model_equivariance()
    eps = np.linspace(0, 1, 9)[:, None] * 0.05 * np.array(thetas)[None, :]
    dense = t.total_error(eps, np.broadcast_to(thetas, eps.shape))
    assert opt.total_error <= dense.min() * (1 + 1e-9)
    assert opt.regime in ("full", "match", "interior")
