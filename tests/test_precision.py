"""Huge covering numbers (issue #15, precision): dimensions up to 10^4 and eps down to 1e-300.

Expected values are computed here by hand formula in mpmath at 60 digits (THEORY §1): the ball's
packing bound ``(1 + 2R/eps)^d``, its volume bound ``(R/eps)^d``, the sup-cube's exact count
``ceil(a/(2 eps))^d``, with eps the exact binary number the float stores."""

from fractions import Fraction

import mpmath
import pytest
import sympy as sp
from hypothesis import given, strategies as st

from symbound._covering import LargeCount, integer_bound, power_enclosure
from symbound.errors import FloatOverflowError, NumericalError
from symbound.spaces import Ball, Cube

CASES = [(d, e) for d in (100, 1000, 10**4) for e in (1e-3, 1e-30, 1e-300)]


def _ln(x: Fraction) -> mpmath.mpf:
    return mpmath.log(mpmath.mpf(x.numerator)) - mpmath.log(mpmath.mpf(x.denominator))


@pytest.mark.parametrize("d, eps", CASES)
def test_ball_log_covering_matches_mpmath(d, eps):
    with mpmath.workdps(60):
        e = Fraction(eps)
        up = d * _ln(1 + 2 / e)
        low = d * _ln(1 / e)
        got_up = mpmath.mpf(sp.N(Ball(d).log_covering_number(eps), 60)._mpf_)
        got_low = mpmath.mpf(sp.N(Ball(d).log_covering_number(eps, kind="lower"), 60)._mpf_)
        # a bound rounded outwards by at most a relative 2^-240 (plus the integer rounding)
        assert got_up >= up - mpmath.mpf(10) ** -40 and got_up - up < mpmath.mpf(10) ** -40
        assert got_low <= low + mpmath.mpf(10) ** -40 and low - got_low < mpmath.mpf(10) ** -40


def test_huge_counts_are_outward_bounds():
    """Against the exact expansion (feasible at d = 300): the upper count is >= floor((1+2/eps)^d),
    the lower count <= ceil(eps^-d), both within a relative 1e-60."""
    d, eps = 300, 1e-3
    e = Fraction(eps)
    up_exact = (1 + 2 / e) ** d
    low_exact = (1 / e) ** d
    up = int(Ball(d).covering_number(eps))
    low = int(Ball(d).covering_number(eps, kind="lower"))
    assert up >= up_exact.numerator // up_exact.denominator
    assert low <= -(-low_exact.numerator // low_exact.denominator)
    assert abs(Fraction(up) / up_exact - 1) < Fraction(1, 10**60)
    assert abs(Fraction(low) / low_exact - 1) < Fraction(1, 10**60)


def test_irrational_huge_lower_bound_rounds_down():
    """The Euclidean cube's volume lower bound a^d / (omega_d eps^d) (irrational, 600+ digits):
    the certified lower count must not exceed the value (it was rounded upwards before)."""
    d, eps = 300, Fraction(1, 100)
    with mpmath.workdps(80):
        ln_value = -d * _ln(eps) - (d / mpmath.mpf(2) * mpmath.log(mpmath.pi)
                                    - mpmath.loggamma(mpmath.mpf(d) / 2 + 1))
        n = int(Cube(d, metric="euclidean").covering_number(sp.Rational(1, 100), kind="lower"))
        assert mpmath.log(mpmath.mpf(n)) <= ln_value
        assert ln_value - mpmath.log(mpmath.mpf(n)) < mpmath.mpf(10) ** -45


@given(st.integers(1, 10**6), st.integers(1, 10**6), st.integers(0, 400))
def test_power_enclosure_encloses(p, q, d):
    lo, hi, e = power_enclosure(p, q, d)
    x = Fraction(p, q) ** d
    two_e = Fraction(2) ** e
    assert lo * two_e <= x <= hi * two_e
    assert Fraction(hi, lo) - 1 < Fraction(1, 2**200)


def test_str_and_float_of_huge_exact_count():
    n = Cube(10**4).covering_number(1e-3)  # ceil(1/(2 eps))^d, the float 1e-3 exceeds 1/1000
    m = -(-1 // (2 * Fraction(1e-3)))
    assert m == 500
    assert isinstance(n, LargeCount) and int(n) == m**10**4
    with mpmath.workdps(30):
        lg = 10**4 * mpmath.log10(m)
        mantissa = mpmath.power(10, lg - mpmath.floor(lg))
    assert str(n) == f"≈{mpmath.nstr(mantissa, 6)}e+{int(mpmath.floor(lg))}"
    assert repr(n) and sp.latex(n).endswith(f"10^{{{int(mpmath.floor(lg))}}}")
    assert str(Cube(10**4).covering(1e-3)).startswith("N = ≈")
    with pytest.raises(FloatOverflowError):
        float(n)
    with pytest.raises(NumericalError):
        float(Cube(10**4).covering(1e-3))
    assert isinstance(FloatOverflowError("x"), OverflowError)


def test_small_counts_stay_plain_integers():
    n = Ball(3).covering_number(sp.Rational(1, 2))
    assert type(n) is sp.Integer and n == 125


def test_integer_bound_of_unevaluated_power_matches_expansion():
    small = sp.Pow(sp.Rational(3, 2), 20, evaluate=False)
    assert integer_bound(small, up=False) == 3**20 // 2**20
    assert integer_bound(small, up=True) == -(-3**20 // 2**20)
