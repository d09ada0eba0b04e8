"""Exact arithmetic inside bounds (issue #8, item 6): a float is its exact binary value through
every ceiling, and a bound's value does not depend on mpmath.mp.dps.

References are computed here with fractions.Fraction (exact rationals) and mpmath at 60 digits on
the float itself, never from the library's output.
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symbound.bounds import Bound, generalization_bound
from symbound.functions import exact_number, xreplace_numbers
from symbound.groups import SO, Cyclic
from symbound.spaces import Annulus, Ball, Cube, Torus
from symbound.symbols import symbol

KW = dict(lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2, resolution="expose")
EPS_BOUNDARY = 0.1414213562373095  # the float just below sqrt(2)/10


def xu_mannor(K, r, n, delta, M=1.0):
    return r + M * math.sqrt((2 * K * math.log(2) + 2 * math.log(1 / delta)) / n)


def test_ceiling_at_the_issue_boundary_is_exact():
    # sqrt(2)/(2 eps) at the float eps: 5.00000000000000005..., so the ceiling is 6
    with mpmath.workdps(60):
        q = mpmath.sqrt(2) / (2 * mpmath.mpf(EPS_BOUNDARY))
        assert 5 < q < 5 + mpmath.mpf(10) ** -15
    eps = symbol("eps")
    assert Bound(sp.ceiling(sp.sqrt(2) / (2 * eps))).evaluate(eps=EPS_BOUNDARY) == 6
    assert xreplace_numbers(sp.ceiling(sp.sqrt(2) / (2 * eps)), {eps: EPS_BOUNDARY}) == 6
    # a Float already inside the expression is taken exactly too (it was rounded by the division)
    assert xreplace_numbers(sp.ceiling(sp.sqrt(2) / (2 * sp.Float(EPS_BOUNDARY, 17) * eps)),
                            {eps: 1}) == 6


@pytest.mark.parametrize("dps", [15, 50])
def test_bound_values_near_the_boundary_do_not_depend_on_dps(dps):
    # Ball(2) mod C_8: K = 2 ceil(sqrt2/(2 eps)) ceil(sqrt2 pi/(8 eps)); reference with mpmath at 60
    # digits on the float eps (exact), whatever the global precision is
    b = generalization_bound(Ball(2), Cyclic(8), grid_size=1, **KW)
    old = mpmath.mp.dps
    try:
        mpmath.mp.dps = dps
        for e in (EPS_BOUNDARY, math.nextafter(EPS_BOUNDARY, 1), math.nextafter(EPS_BOUNDARY, 0)):
            with mpmath.workdps(60):
                E = mpmath.mpf(e)
                K = 2 * int(mpmath.ceil(mpmath.sqrt(2) / (2 * E))) * \
                    int(mpmath.ceil(mpmath.sqrt(2) * mpmath.pi / (8 * E)))
            got = b.evaluate(n=3000, delta=0.05, eps=e)
            assert got == pytest.approx(xu_mannor(K, 2 * e, 3000, 0.05), rel=1e-14)
    finally:
        mpmath.mp.dps = old


def test_values_identical_across_dps():
    b = generalization_bound(Torus(2, 1), grid_size=1, **KW)
    vals = []
    old = mpmath.mp.dps
    try:
        for dps in (15, 50):
            mpmath.mp.dps = dps
            vals.append([b.evaluate(n=3000, delta=0.05, eps=e)
                         for e in (EPS_BOUNDARY, math.nextafter(EPS_BOUNDARY, 1))])
            vals[-1].append(generalization_bound(Ball(2), Cyclic(8), grid_size=1, **KW)
                            .optimize(n=3000, delta=0.05).value)
    finally:
        mpmath.mp.dps = old
    assert vals[0] == vals[1]  # bit for bit


def test_exact_number_conversions():
    assert exact_number(0.1) == Fraction(0.1) == sp.Rational(3602879701896397, 36028797018963968)
    assert exact_number(mpmath.mpf(0.1)) == exact_number(0.1)
    assert exact_number(Fraction(1, 3)) == sp.Rational(1, 3)
    assert exact_number(sp.Float(0.1)) == exact_number(0.1)
    import numpy as np

    assert exact_number(np.float64(0.1)) == exact_number(0.1)
    assert exact_number(np.int64(7)) == 7


# ----- hypothesis: eps = a / k boundary values against Fraction --------------------------------


def _ulps(x, k):
    for _ in range(abs(k)):
        x = math.nextafter(x, math.inf if k > 0 else 0.0)
    return x


@settings(max_examples=60, deadline=None)
@given(a=st.integers(1, 40), k=st.integers(1, 300), shift=st.integers(-2, 2))
def test_cube_partition_bound_at_boundary_values(a, k, shift):
    # Cube(2, 1) in the sup metric: N = ceil(1/(2 eps))^2 exactly; eps = a/(2k) sits on a jump
    e = _ulps(a / (2 * k), shift)
    b = CUBE
    count = math.ceil(Fraction(1) / (2 * Fraction(e))) ** 2
    got = b.evaluate(n=5000, delta=0.05, eps=e)
    assert got == pytest.approx(xu_mannor(2 * count, 2 * e, 5000, 0.05), rel=1e-13)


@settings(max_examples=60, deadline=None)
@given(a=st.integers(1, 40), k=st.integers(1, 300), shift=st.integers(-2, 2))
def test_annulus_quotient_bound_at_boundary_values(a, k, shift):
    # Annulus(1, 2) mod SO(2): N_S = ceil((2 - 1)/(2 eps)) (an interval); eps = a/(2k)
    e = _ulps(a / (2 * k), shift)
    count = math.ceil(Fraction(1) / (2 * Fraction(e))) if e < 1.5 else 1
    got = ANNULUS.evaluate(n=5000, delta=0.05, eps=e)
    assert got == pytest.approx(xu_mannor(2 * count, 2 * e, 5000, 0.05), rel=1e-13)


@settings(max_examples=40, deadline=None)
@given(a=st.integers(1, 30), k=st.integers(1, 200), shift=st.integers(-2, 2))
def test_lipschitz_class_covering_at_boundary_values(a, k, shift):
    # [-1, 1] = Ball(1): ln N(F, u) <= ceil(1/(u/(2L))) ln(ceil(2B/u) + 1), L = B = 1, u = a/k
    u = _ulps(a / k, shift)
    from symbound.bounds import lipschitz_class_log_covering

    got = float(lipschitz_class_log_covering(Ball(1), u, lipschitz=1, bound=1))
    U = Fraction(u)
    cells = math.ceil(1 / (U / 2)) if U < 2 else 1
    assert got == pytest.approx(cells * math.log(math.ceil(2 / U) + 1), rel=1e-13)


CUBE = generalization_bound(Cube(2, 1), grid_size=1, **KW)
ANNULUS = generalization_bound(Annulus(1, 2), SO(2), grid_size=1, **KW)
