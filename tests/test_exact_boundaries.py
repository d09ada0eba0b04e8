"""Certified counts at boundary resolutions (issue #8 item 6): a float eps is the exact binary number
it stores, through every ceiling and floor, and a numeric certified count is a SymPy Integer.

Expected values come from ``fractions.Fraction`` arithmetic on the floats (exact), or from mpmath at
50 digits for irrational closed forms (the inputs converted exactly with ``mpmath.mpf(float)``);
never from the code under test.
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symbound.groups import SO, O, Symmetric
from symbound.quotient import quotient
from symbound.spaces import Annulus, Ball, Cube, Sphere, Torus


def ceil_f(x: Fraction) -> int:
    return -((-x.numerator) // x.denominator)


def floor_f(x: Fraction) -> int:
    return x.numerator // x.denominator


def neighbours(x: float) -> list[float]:
    """The float x and its two neighbours."""
    return [float(np.nextafter(x, 0.0)), x, float(np.nextafter(x, np.inf))]


def boundary_values(num: int, den: int):
    """eps = num/den exactly, and the float nearest to it with its two neighbours."""
    return [sp.Rational(num, den)] + neighbours(num / den)


def F(eps) -> Fraction:
    """The exact value of eps (a SymPy Rational or a float)."""
    if isinstance(eps, sp.Rational):
        return Fraction(int(eps.p), int(eps.q))
    return Fraction(eps)


def count(bound) -> int:
    assert isinstance(bound.expr, sp.Integer), bound  # numeric certified counts are Integers
    return int(bound.expr)


# --------------------------------------------------------------------------------------------
# the audit's reproductions
# --------------------------------------------------------------------------------------------


def test_audit_reproductions():
    # 3 * 2 * float(1/3) < 2: three intervals of length 2 eps do not cover [-1, 1]
    assert 3 * 2 * Fraction(1 / 3) < 2
    b = Ball(1, 1).covering(1 / 3)
    assert b.kind == "exact" and count(b) == 4
    # (2 - 1) / (2 float(1/6)) > 3: four radius cells
    assert Fraction(1) / (2 * Fraction(1 / 6)) > 3
    b = quotient(Annulus(1, 2), SO(2)).covering(1 / 6)
    assert b.kind == "exact" and count(b) == 4
    # two unordered points of [-1, 1], max metric: m = ceil(2 / (2 eps)) = 7 grid points, spaced
    # 2/6 > 2 eps apart (so the C(8, 2) multisets are pairwise more than 2 eps apart in the
    # quotient metric: no (eps, S_2)-ball holds two), and 7 intervals of length 2 eps cover [-1, 1]
    e = Fraction(1 / 6)
    m = ceil_f(Fraction(2) / (2 * e))
    assert m == 7 and Fraction(2, m - 1) > 2 * e and m * 2 * e >= 2
    b = quotient(Ball(1, 1), Symmetric(2)).covering(1 / 6)
    assert b.kind == "exact" and count(b) == math.comb(m + 1, 2) == 28
    # the circle at the chord of a 45-degree arc: the float is above 2 sin(pi/8), so 4 arcs cover
    eps = 2 * math.sin(math.pi / 8)
    with mpmath.workdps(50):
        true = int(mpmath.ceil(mpmath.pi / (2 * mpmath.asin(mpmath.mpf(eps) / 2))))
    assert true == 4
    for kind in ("upper", "lower"):
        b = Sphere(2).covering(eps, kind)
        assert count(b) == 4
    # the float 0.1414213562373095 is above sqrt(2)/10 by less than 1e-16 relative:
    # ceil(sqrt(2) / (2 eps)) = 5 exactly there (not 6, and not the float's rounding)
    with mpmath.workdps(50):
        q = mpmath.sqrt(2) / (2 * mpmath.mpf(0.1414213562373095))
    grid = int(mpmath.ceil(q)) ** 2
    b = Cube(2, 1, "euclidean").covering(0.1414213562373095)
    assert count(b) <= grid


def test_counts_are_integers():
    b = Ball(2).covering_number(0.1)
    assert isinstance(b, sp.Integer)
    # the float 0.1 is above 1/10: (1 + 2/eps)^2 = 440.99999999999995... so N <= 440
    assert (1 + 2 / Fraction(0.1)) ** 2 < 441 and b == 440
    assert Ball(2).covering_number(sp.Rational(1, 10)) == 441
    assert isinstance(Ball(2).covering_number(0.1, "lower"), sp.Integer)
    assert isinstance(quotient(Ball(2), SO(2)).covering_number(0.1), sp.Integer)
    # asymptotic forms are not counts: they stay real
    assert not Ball(2).covering_number(0.1, "asymptotic").is_Integer


def test_certified_values_do_not_depend_on_mpmath_precision():
    cases = [(Sphere(2), 2 * math.sin(math.pi / 8)), (Cube(2, 1, "euclidean"), 0.1414213562373095),
             (Ball(3), 0.1), (Sphere(5), 0.3)]
    ref = [(Q.covering(e).expr, Q.covering(e, "lower").expr) for Q, e in cases]
    old = mpmath.mp.dps
    try:
        for dps in (5, 15, 60):
            mpmath.mp.dps = dps
            got = [(Q.covering(e).expr, Q.covering(e, "lower").expr) for Q, e in cases]
            assert got == ref
    finally:
        mpmath.mp.dps = old


# --------------------------------------------------------------------------------------------
# hypothesis: eps = a/k, its nearest float and the float's neighbours, against Fraction arithmetic
# --------------------------------------------------------------------------------------------

small = st.integers(1, 12)


@settings(max_examples=40)
@given(R=small, m=st.integers(1, 40), d=st.integers(1, 4))
def test_ball_at_boundaries(R, m, d):
    for eps in boundary_values(R, m):  # eps = R/m: the interval count jumps there
        e = F(eps)
        up, lo = Ball(d, R).covering(eps), Ball(d, R).covering(eps, "lower")
        if e >= R:
            assert count(up) == count(lo) == 1
        elif d == 1:
            assert up.kind == lo.kind == "exact" and count(up) == count(lo) == ceil_f(R / e)
        else:
            assert count(up) == floor_f((1 + 2 * R / e) ** d)
            assert count(lo) == max(1, ceil_f((R / e) ** d))


@settings(max_examples=40)
@given(a=small, m=st.integers(1, 40), d=st.integers(1, 3))
def test_sup_cube_and_circle_torus_at_boundaries(a, m, d):
    for eps in boundary_values(a, 2 * m):  # a / (2 eps) = m
        e = F(eps)
        n = 1 if e >= Fraction(a, 2) else ceil_f(Fraction(a) / (2 * e)) ** d
        for kind in ("upper", "lower"):
            assert count(Cube(d, a, "sup").covering(eps, kind)) == n
        if d == 1:
            assert count(Torus(1, a).covering(eps)) == n


@settings(max_examples=40)
@given(a=small, m=st.integers(1, 30), d=st.integers(2, 4))
def test_euclidean_grid_at_boundaries(a, m, d):
    # the grid bound ceil(a sqrt(d) / (2 eps))^d jumps at eps = a sqrt(d) / (2 m); take the float
    # nearest to that point and its neighbours (mpmath at 50 digits on the exact floats)
    with mpmath.workdps(50):
        x = float(a * mpmath.sqrt(d) / (2 * m))
    for eps in neighbours(x):
        up = Cube(d, a, "euclidean").covering(eps)
        with mpmath.workdps(50):
            e = mpmath.mpf(eps)
            if e >= a * mpmath.sqrt(d) / 2:
                assert count(up) == 1
                continue
            grid = int(mpmath.ceil(a * mpmath.sqrt(d) / (2 * e))) ** d
            t = 2 * a / e
            steiner = mpmath.fsum(math.comb(d, j) * mpmath.pi ** (mpmath.mpf(d - j) / 2)
                                  / mpmath.gamma(mpmath.mpf(d - j) / 2 + 1) * t**j
                                  for j in range(d + 1)) / (mpmath.pi ** (mpmath.mpf(d) / 2)
                                                            / mpmath.gamma(mpmath.mpf(d) / 2 + 1))
            assert count(up) == min(grid, int(mpmath.floor(steiner)))


@settings(max_examples=40)
@given(n=st.integers(2, 40))
def test_circle_at_boundaries(n):
    # N(S^1, eps) = ceil(pi / (2 asin(eps/2))) jumps at eps = 2 sin(pi / (2n))
    with mpmath.workdps(50):
        x = float(2 * mpmath.sin(mpmath.pi / (2 * n)))
    for eps in neighbours(x):
        with mpmath.workdps(50):
            true = int(mpmath.ceil(mpmath.pi / (2 * mpmath.asin(mpmath.mpf(eps) / 2))))
        assert count(Sphere(2).covering(eps)) == count(Sphere(2).covering(eps, "lower")) == true


@settings(max_examples=40)
@given(r1=st.integers(0, 5), w=small, m=st.integers(1, 40))
def test_annulus_lower_at_boundaries(r1, w, m):
    r2 = r1 + w
    for eps in boundary_values(w, m):
        e = F(eps)
        lo = Annulus(r1, r2).covering(eps, "lower")
        if e >= r1 + r2:
            assert count(lo) == 1
        else:
            assert count(lo) == max(1, ceil_f(Fraction(r2**2 - r1**2) / e**2))


@settings(max_examples=40)
@given(r1=st.integers(0, 5), w=small, m=st.integers(1, 40), reflect=st.booleans())
def test_radial_quotients_at_boundaries(r1, w, m, reflect):
    G = O(2) if reflect else SO(2)
    for eps in boundary_values(w, 2 * m):  # (r2 - r1) / (2 eps) = m
        e = F(eps)
        n = ceil_f(Fraction(w) / (2 * e))
        space = Annulus(r1, r1 + w) if r1 > 0 else Ball(2, w)
        for kind in ("upper", "lower"):
            b = quotient(space, G).covering(eps, kind)
            assert b.kind == "exact" and count(b) == n
        b = quotient(Ball(3, w), SO(3)).covering(eps)
        assert count(b) == n


@settings(max_examples=40)
@given(R=small, m=st.integers(1, 30), n=st.integers(1, 4))
def test_unordered_points_of_an_interval_at_boundaries(R, m, n):
    # n unordered points of [-R, R] (max metric): exact C(ceil(R/eps) + n - 1, n)
    for eps in boundary_values(R, m):
        e = F(eps)
        k = ceil_f(Fraction(R) / e)
        b = quotient(Ball(1, R), Symmetric(n)).covering(eps)
        assert b.kind == "exact" and count(b) == math.comb(k + n - 1, n)


@settings(max_examples=30)
@given(R=small, m=st.integers(2, 30), d=st.integers(3, 5))
def test_half_ball_lower_at_boundaries(R, m, d):
    for eps in boundary_values(R, m):
        e = F(eps)
        b = quotient(Ball(d, R), SO(2, dim=d)).covering(eps, "lower")
        assert count(b) == max(1, ceil_f((R / e) ** (d - 1) / 2))


def test_boundary_values_hit_both_sides():
    # the neighbours straddle the jump: the tests above see both values of the ceiling
    vals = {ceil_f(Fraction(1) / F(e)) for e in boundary_values(1, 3)}
    assert vals == {3, 4}


def test_irrational_counts_of_hundreds_of_digits_are_rounded_exactly():
    # a value of 250 digits (a circle's arc count at eps = 1e-250 has as many) is resolved exactly:
    # ceil and floor, decided against SymPy's evaluation at 400 digits (it used to be rounded from
    # 60 digits, which put an exact count or a ceiling inside an upper bound on the wrong side)
    import sympy as sp

    from symbound._covering import integer_bound

    value = sp.sqrt(2) * sp.Integer(10) ** 250
    up, down = integer_bound(value, up=True), integer_bound(value, up=False)
    exact = value.evalf(400)
    assert down < exact < up
    assert up == down + 1
