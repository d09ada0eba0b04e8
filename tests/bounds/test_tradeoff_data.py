"""The data side of the trade-off from measurements: ``ee_inf(f*; S)`` as certified upper estimates
(:class:`symbound.seam.SupErrorUpperBound`, ``quantity="data"``), one per angle of the partial form
(statements P5-P6 of ``symbound.bounds.tradeoff._partial_data``), confidence paid in delta.

Hand references: the ceilings of P5 and the factor ``a(theta) = k - theta k (k-1)/(2 pi)`` of P6
decided in exact rational arithmetic (``fractions``) and mpmath at 50 digits; the partition bound
written out (``partition_at`` of ``test_tradeoff``).
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest

import symbound as sb
from symbound.errors import InvalidTypeError, InvalidValueError
from symbound.groups import SO, PartialRotations
from symbound.seam import SupErrorUpperBound
from symbound.spaces import Ball

from .test_tradeoff import partition_at

KW = dict(lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2, covering="power_law")


def sup(value, confidence=1.0, quantity="data", scope="region"):
    return SupErrorUpperBound(value, quantity, scope, confidence, 0.0, "by hand",
                              region="B^2_1" if scope == "region" else None,
                              assume_matches=True)  # built by hand: set and region asserted


def _ceil_ratio(a: float, b: float) -> int:
    """ceil(a / b) for angles a, b (floats as exact binary values, math.pi standing for pi)."""
    with mpmath.workdps(50):
        x = (mpmath.pi if a >= math.pi else mpmath.mpf(Fraction(a).numerator) / Fraction(a).denominator)
        y = (mpmath.pi if b >= math.pi else mpmath.mpf(Fraction(b).numerator) / Fraction(b).denominator)
        return 1 if a <= b else int(mpmath.ceil(x / y))


def test_measured_curve_by_hand_and_confidence_paid():
    th1, th2 = math.pi / 8, math.pi / 2
    data = {th1: sup(0.01, confidence=0.99), th2: sup(0.03)}
    thetas = [0.0, math.pi / 16, math.pi / 4, 1.0, math.pi]
    t = sb.partial_tradeoff(Ball(2), 10**6, data_error=data, thetas=thetas, **KW)
    # P5: U(theta) = min_j ceil(theta / theta_j) U_j; math.pi / 8 * 8 = math.pi < pi, so pi needs 9
    want = [0.0] + [min(_ceil_ratio(th, th1) * 0.01, _ceil_ratio(th, th2) * 0.03) for th in thetas[1:]]
    assert [_ceil_ratio(math.pi, th1), _ceil_ratio(math.pi, th2)] == [9, 3]
    np.testing.assert_allclose(t.data_error(np.array(thetas)), want, rtol=1e-15)
    # P6: rho = min_j a(theta_j) U_j, a(theta) = k - theta k (k - 1)/(2 pi), k = ceil(pi / theta)
    with mpmath.workdps(50):
        def a(th):
            k = _ceil_ratio(math.pi, th)
            return k - mpmath.mpf(Fraction(th).numerator) / Fraction(th).denominator * k * (k - 1) / (2 * mpmath.pi)
        rho = min(a(th1) * mpmath.mpf("0.01"), a(th2) * mpmath.mpf("0.03"))
    assert float(rho) <= t.rho <= float(rho) * (1 + 1e-15)
    # the failure probability 0.01 is paid in delta: every bound runs at 0.04
    assert t.delta_bounds == pytest.approx(0.04)
    g = t.generalization(np.array([0.0]), np.array([0.0]))[0][0]
    assert g == pytest.approx(partition_at(1, 2, n=10**6, delta=0.04), rel=1e-12)
    text = t.describe()
    assert "0.01 spent on the data's measured sup errors" in text and "P5" in text


def test_measured_input_is_checked():
    with pytest.raises(InvalidValueError, match="quantity='data'"):
        sb.partial_tradeoff(Ball(2), 100, data_error={0.3: sup(0.01, quantity="model")}, **KW)
    with pytest.raises(InvalidValueError, match="scope='sample'"):
        sb.partial_tradeoff(Ball(2), 100, data_error={0.3: sup(0.01, scope="sample")}, **KW)
    with pytest.raises(InvalidTypeError, match="SupErrorUpperBound"):
        sb.partial_tradeoff(Ball(2), 100, data_error={0.3: 0.01}, **KW)
    with pytest.raises(InvalidValueError, match="theta = 0"):
        sb.partial_tradeoff(Ball(2), 100, data_error={0.0: sup(0.01)}, **KW)
    with pytest.raises(InvalidValueError, match="failure probability"):
        sb.partial_tradeoff(Ball(2), 100, data_error={0.3: sup(0.01, confidence=0.9)}, **KW)


@pytest.fixture(scope="module")
def measured():
    """Certified data sups of f*(x) = |x|^2 + beta x_1 (L* = 2 + beta) from 4000 noise-free points
    of the unit disk, for S_{pi/8} and SO(2); the true errors are 2 beta sin(theta/2) and 2 beta."""
    rng = np.random.default_rng(7)
    r, ph = np.sqrt(rng.uniform(size=4000)), rng.uniform(0, 2 * np.pi, 4000)
    X = np.stack([r * np.cos(ph), r * np.sin(ph)], 1)
    beta = 0.05
    y = np.sum(X**2, 1) + beta * X[:, 0]
    kw = dict(lipschitz=2 + beta, region=Ball(2))
    return {math.pi / 8: sb.certified_data_sup_error(X, y, PartialRotations(math.pi / 8), 0.05, **kw),
            math.pi: sb.certified_data_sup_error(X, y, SO(2), 0.05, **kw)}, beta


def test_certified_data_sups_enter_both_forms(measured):
    data, beta = measured
    ub = data[math.pi]
    assert ub.quantity == "data" and ub.scope == "region" and ub.value >= 2 * beta
    assert data[math.pi / 8].value >= 2 * beta * math.sin(math.pi / 16)
    # full group: eta_d from the data, recorded with its argument
    t = sb.tradeoff(Ball(2), SO(2), ub, n=10**6, method="partition", **KW)
    assert float(t.eta_d) == ub.value and t.delta_bounds == 0.05  # deterministic: nothing paid
    assert "measured upper estimate" in t.describe() and ub.method[:40] in t.describe()
    # partial: the two measured angles give the curve and rho
    p = sb.partial_tradeoff(Ball(2), 10**6, data_error=data, thetas=[0.0, math.pi / 8, 0.5, math.pi],
                            **KW)
    U = p.data_error(np.array([math.pi / 8, 0.5, math.pi]))
    assert U[0] == data[math.pi / 8].value
    assert U[1] == min(2 * data[math.pi / 8].value, data[math.pi].value)
    assert p.rho <= data[math.pi].value * (1 + 1e-15)  # a(pi) = 1
    opt = p.optimal_model_equivariance()
    assert opt.regime in ("full", "match", "interior", "none")
