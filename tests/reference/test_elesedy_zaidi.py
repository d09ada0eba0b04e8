"""Elesedy & Zaidi (2021): the exact expected gain of averaging least squares over a group, checked
against a simulation of least squares with and without the projection onto the invariant subspace."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

import symbound as sb
from symbound.errors import InvalidTypeError, InvalidValueError
from symbound.reference import ReferenceBound, elesedy_zaidi2021

# G = <(0 1 2)(3 4)> permuting the 6 coordinates: its coordinate orbits {0,1,2}, {3,4}, {5} give
# dim Fix(G) = 3 (counted by hand); the group has order lcm(3, 2) = 6.
D = 6
GENERATOR = np.eye(D)[[1, 2, 0, 4, 3, 5]]
FIXED_DIM = 3


def _projection():
    elements = [np.linalg.matrix_power(GENERATOR, j) for j in range(6)]
    assert len({e.tobytes() for e in elements}) == 6
    return sum(elements) / 6


def test_hand_value():
    # sigma^2 (d - k) / (n - d - 1) = 1 * (4 - 2) / (12 - 4 - 1) = 2/7, worked by hand
    b = elesedy_zaidi2021(d=4, n=12, sigma2=1, fixed_dim=2)
    assert isinstance(b, ReferenceBound)
    assert b.expr == sp.Rational(2, 7)
    assert b.relation == "=" and b.is_upper_bound and b.probability is None
    assert "arXiv:2102.10333" in b.reference and "n > d + 1" in b.regime


def test_float_sigma2_enters_exactly():
    b = elesedy_zaidi2021(d=3, n=10, sigma2=0.1, fixed_dim=1)
    assert b.expr == sp.Rational(0.1) * 2 / 6          # the binary value of 0.1, not 1/10
    assert b.expr != sp.Rational(1, 30)


@pytest.mark.parametrize("n", [1, 3, 4, 5])
def test_refuses_n_at_most_d_plus_1(n):
    with pytest.raises(InvalidValueError, match="n must be > d \\+ 1"):
        elesedy_zaidi2021(d=4, n=n, sigma2=1, fixed_dim=2)


@pytest.mark.parametrize("kwargs, err", [
    (dict(d=4, n=12, sigma2=1, fixed_dim=5), InvalidValueError),
    (dict(d=4, n=12, sigma2=1, fixed_dim=-1), InvalidValueError),
    (dict(d=4, n=12, sigma2=-0.5, fixed_dim=1), InvalidValueError),
    (dict(d=0, n=12, sigma2=1, fixed_dim=0), InvalidValueError),
    (dict(d=4.5, n=12, sigma2=1, fixed_dim=1), InvalidValueError),  # 4.0 is the integer 4
    (dict(d="4", n=12, sigma2=1, fixed_dim=1), InvalidTypeError),
    (dict(d=4, n=12, sigma2=float("nan"), fixed_dim=1), InvalidValueError),
])
def test_bad_arguments(kwargs, err):
    with pytest.raises(err):
        elesedy_zaidi2021(**kwargs)


def test_symbolic_n_regime_checked_on_substitution():
    b = elesedy_zaidi2021(4, sb.symbol("n"), 1, 2)
    assert b.evaluate(n=9) == pytest.approx(0.5)
    assert b.rate("n") == -1
    for n in (5, 3):
        with pytest.raises(InvalidValueError, match="holds only for n > 5"):
            b.evaluate(n=n)
    assert b.latex() == r"\mathbb{E}_S\big[R(f_W) - R(\mathcal{Q} f_W)\big] = \frac{2}{n - 5}"


def test_symbolic_d_and_n_regime_travels_with_substitution():
    d, n = sb.symbol("d"), sb.symbol("n")
    b = elesedy_zaidi2021(d, n, 1, 1)
    part = b.subs(n=6)                                 # 6 > d + 1 still undecided
    with pytest.raises(InvalidValueError, match="holds only for"):
        part.subs(d=5)                                 # 6 > 6 is false
    assert part.subs(d=4).evaluate() == pytest.approx(3.0)


@given(d=st.integers(1, 30), extra=st.integers(0, 30), n_off=st.integers(-40, 40))
def test_regime_property(d, extra, n_off):
    k = min(extra, d)
    n = d + 1 + n_off
    if n_off <= 0:
        if n >= 1:
            with pytest.raises(InvalidValueError):
                elesedy_zaidi2021(d, n, 1, k)
        return
    v = elesedy_zaidi2021(d, n, 2, k).expr
    assert v == sp.Rational(2 * (d - k), n - d - 1) and v >= 0
    assert (v == 0) == (k == d)


@pytest.mark.parametrize("sigma_x, sigma2, n, theta", [
    (1.0, 1.0, 12, [1.0, -2.0, 0.5, 3.0, 1.0, -1.0]),
    (2.0, 0.5, 20, [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]),
])
def test_simulated_gap_matches(rng, sigma_x, sigma2, n, theta):
    """Least squares on R training sets at once; the measured gap is R(W) - R(P W) with the exact
    Gaussian test risk R(w) = sigma_X^2 ||w - theta||^2 + sigma^2, averaged over the R sets.  The
    noise is Rademacher (only its variance matters).  4 standard errors; the variant with n - d in
    place of n - d - 1 is 17-29 standard errors away, so the test can fail."""
    p = _projection()
    assert round(float(np.trace(p))) == FIXED_DIM
    th = p @ np.asarray(theta)                          # an invariant target
    reps = 40_000
    x = rng.normal(0.0, sigma_x, (reps, n, D))
    y = x @ th + np.sqrt(sigma2) * rng.choice([-1.0, 1.0], (reps, n))
    w = np.linalg.solve(np.einsum("rni,rnj->rij", x, x), np.einsum("rni,rn->ri", x, y)[..., None])[..., 0]

    def risk(v):
        return sigma_x ** 2 * ((v - th) ** 2).sum(-1) + sigma2

    gap = risk(w) - risk(w @ p.T)
    mean, se = gap.mean(), gap.std(ddof=1) / np.sqrt(reps)
    exact = float(elesedy_zaidi2021(D, n, sigma2, FIXED_DIM).expr)
    assert abs(mean - exact) <= 4 * se
    assert se < 0.01 * exact                            # the check has power
