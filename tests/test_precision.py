"""Huge covering numbers (issue #15, precision): dimensions up to 10^4 and eps down to 1e-300.

Expected values are computed here from the hand formulas of THEORY §1 in mpmath at 80-400 digits
(or exactly with Fractions where the expansion is small enough), with eps the exact binary number
the float stores: the ball's packing bound ``(1 + 2R/eps)^d`` and volume bound ``(R/eps)^d``, the
sup-cube's exact count ``ceil(a/(2 eps))^d``, the sphere's shell bound ``(u+1)^d - (u-1)^d``
(``u = 2/eps``), the volume ratio ``a^d / (omega_d eps^d)``, the torus's grid and packing bounds."""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import pytest
import sympy as sp
from hypothesis import given, strategies as st

from symbound._covering import (LargeCount, power_difference_upper, power_enclosure,
                                rational_power, value_from_log)
from symbound.bounds import generalization_bound
from symbound.errors import FloatOverflowError, NumericalError
from symbound.spaces import Annulus, Ball, Cube, Sphere, Torus

DIMS = (1, 2, 10, 100, 1000, 10**4)
EPSS = (1e-3, 1e-30, 1e-300)
TIGHT = mpmath.mpf(10) ** -45  # enclosures are relative 2^-200 wide, integer roundings smaller


def _ln(x: Fraction) -> mpmath.mpf:
    return mpmath.log(mpmath.mpf(x.numerator)) - mpmath.log(mpmath.mpf(x.denominator))


def _ln_count(expr) -> mpmath.mpf:
    """ln of a returned count, from its leading 300 bits (relative error < 2^-299; mpmath's own
    conversion of a ten-million-bit integer strips its trailing zeros one by one)."""
    n = int(expr)
    k = max(0, n.bit_length() - 300)
    return mpmath.log(mpmath.mpf(n >> k)) + k * mpmath.log(2)


def _ln_omega(d) -> mpmath.mpf:
    return d / mpmath.mpf(2) * mpmath.log(mpmath.pi) - mpmath.loggamma(mpmath.mpf(d) / 2 + 1)


@pytest.mark.parametrize("d", DIMS)
@pytest.mark.parametrize("eps", EPSS)
def test_ball_all_kinds_match_mpmath(d, eps):
    e = Fraction(eps)
    B = Ball(d)
    with mpmath.workdps(80):
        up = B.covering(eps)
        low = B.covering(eps, kind="lower")
        asy = B.covering(eps, kind="asymptotic")
        for b in (up, low, asy):  # evaluated numbers only: nothing unevaluated in a result
            assert b.expr.is_Number and not b.expr.has(sp.Pow)
        if d == 1:  # exact: ceil(R/eps)
            n = -(-e.denominator // e.numerator)
            assert up.kind == low.kind == "exact" and int(up.expr) == int(low.expr) == n
            return
        ref_up, ref_low = d * _ln(1 + 2 / e), d * _ln(1 / e)
        got_up, got_low = _ln_count(up.expr), _ln_count(low.expr)
        if ref_up < 100:  # up to 43 digits: exactly floor / ceil of the value
            x_up, x_low = mpmath.exp(ref_up), mpmath.exp(ref_low)
            assert int(up.expr) <= x_up < int(up.expr) + 1
            assert int(low.expr) - 1 < x_low <= int(low.expr)
        else:  # outwards by less than a relative 1e-45
            assert -TIGHT < got_up - ref_up < TIGHT and -TIGHT < ref_low - got_low < TIGHT
        # the log forms: exact ln of the returned integers
        assert abs(mpmath.mpf(sp.N(up.log_expr, 80)._mpf_) - got_up) < TIGHT
        assert abs(mpmath.mpf(sp.N(B.log_covering_number(eps, "lower"), 80)._mpf_) - got_low) < TIGHT
        # asymptotic (a float eps stays a Float there: float precision), its log form exact
        got_asy = mpmath.log(mpmath.mpf(sp.N(asy.expr, 40)._mpf_))
        assert abs(got_asy - ref_low) < mpmath.mpf(10) ** -14 * max(1, abs(ref_low))
        # at an exact eps, (R/eps)^d to 25 digits (a 30-digit Float when huge)
        exact_asy = B.covering(sp.Rational(e.numerator, e.denominator), kind="asymptotic")
        got_asy = mpmath.log(mpmath.mpf(sp.N(exact_asy.expr, 40)._mpf_))
        assert abs(got_asy - ref_low) < mpmath.mpf(10) ** -25 * max(1, abs(ref_low))
        assert abs(mpmath.mpf(sp.N(exact_asy.log_expr, 80)._mpf_) - ref_low) < TIGHT


def test_huge_counts_are_rounded_outwards():
    """Against the exact expansion (feasible at d = 300, 900+ digits): the upper count is at least
    floor((1+2/eps)^d), the lower count at most ceil(eps^-d), both within a relative 1e-60."""
    d, eps = 300, 1e-3
    e = Fraction(eps)
    up_exact, low_exact = (1 + 2 / e) ** d, (1 / e) ** d
    up = int(Ball(d).covering_number(eps))
    low = int(Ball(d).covering_number(eps, kind="lower"))
    assert up >= up_exact.numerator // up_exact.denominator
    assert low <= -(-low_exact.numerator // low_exact.denominator)
    assert abs(Fraction(up) / up_exact - 1) < Fraction(1, 10**60)
    assert abs(Fraction(low) / low_exact - 1) < Fraction(1, 10**60)


@pytest.mark.parametrize("d, eps", [(300, Fraction(1, 1000)), (200, Fraction(1e-30)),
                                    (1000, Fraction(3, 2))])
def test_sphere_shell_bound_rounded_up_exactly(d, eps):
    u = 2 / eps
    exact = (u + 1) ** d - (u - 1) ** d
    got = int(Sphere(d).covering_number(sp.Rational(eps.numerator, eps.denominator)))
    assert got >= exact.numerator // exact.denominator
    assert Fraction(got) / exact - 1 < Fraction(1, 10**60)


@pytest.mark.parametrize("d", (100, 10**4))
@pytest.mark.parametrize("eps", EPSS)
def test_sphere_upper_matches_mpmath(d, eps):
    e = Fraction(eps)
    with mpmath.workdps(400):  # (u-1)/(u+1) = 1 - 1e-300 needs the digits
        u = 2 / mpmath.mpf(e.numerator) * e.denominator
        ref = d * mpmath.log(u + 1) + mpmath.log(-mpmath.expm1(d * mpmath.log1p(-2 / (u + 1))))
        got = _ln_count(Sphere(d).covering_number(eps))
        assert got - ref > -mpmath.mpf(10) ** -300 and got - ref < TIGHT


@pytest.mark.parametrize("d", (100, 1000, 10**4))
@pytest.mark.parametrize("eps", EPSS)
def test_volume_ratio_and_torus_match_mpmath(d, eps):
    e = Fraction(eps)
    with mpmath.workdps(80):
        low = _ln_count(Cube(d, metric="euclidean").covering_number(eps, kind="lower"))
        ref_low = -d * _ln(e) - _ln_omega(d)  # a^d / (omega_d eps^d), a = 1
        assert -TIGHT < ref_low - low < TIGHT
        n = -(-math.isqrt(d * e.denominator**2) // (2 * e.numerator))  # ~ ceil(sqrt(d)/(2 eps))
        while Fraction(2 * n * e.numerator, e.denominator) ** 2 < d:  # exact ceiling
            n += 1
        while n > 1 and Fraction(2 * (n - 1) * e.numerator, e.denominator) ** 2 >= d:
            n -= 1
        grid = d * mpmath.log(n)
        pack = d * _ln(2 / e) - _ln_omega(d)
        got = _ln_count(Torus(d).covering_number(eps))
        assert -TIGHT < got - min(grid, pack) < TIGHT


def test_sup_cube_exact_count_is_exact():
    d, eps = 10**4, 1e-30
    m = -(-1 // (2 * Fraction(eps)))  # ceil(1/(2 eps)) of the stored binary number
    b = Cube(d).covering(eps)
    assert b.kind == "exact" and int(b.expr) == m**d


def test_partition_bound_at_huge_covering_numbers_matches_mpmath():
    """Xu-Mannor with K = C (1 + 2R/eps)^d at d = 10^4, eps = 1e-300, delta = 1e-300 (by hand in
    mpmath: r + M sqrt((2 K ln 2 + 2 ln(1/delta)) / n), r = 2 L_l L eps)."""
    kw = dict(lipschitz=1.5, loss_lipschitz=2, loss_bound=1, classes=2)
    b = generalization_bound(Ball(10**4), covering="upper", resolution="expose", grid_size=1, **kw)
    got = b.evaluate(n=5000, delta=1e-300, eps=1e-300)
    e, dl = Fraction(1e-300), Fraction(1e-300)
    with mpmath.workdps(60):
        K = 2 * mpmath.exp(10**4 * _ln(1 + 2 / e))
        ref = 2 * 2 * 1.5 * mpmath.mpf(e.numerator) / e.denominator + mpmath.sqrt(
            (2 * K * mpmath.log(2) - 2 * _ln(dl)) / 5000)
        assert isinstance(got, mpmath.mpf)
        assert abs(got / ref - 1) < mpmath.mpf(10) ** -30


def test_dudley_bound_at_huge_covering_numbers_matches_mpmath():
    """Dudley with ln N(F, u) <= (1 + 4L/u)^d ln(ceil(2B/u) + 1) (Ball(d), B = L = 1) at d = 10^4,
    alpha = 1e-300: the certified quadrature is an upper bound on the integral by mpmath.quad
    (substituting u = alpha e^t, the integrand's mass sits within t < 1e-3), and finite.  It is
    not tight there: about 10^290 times the integral (the certified quadrature's cell at alpha is
    wide), which the entropy workstream should look at."""
    d, alpha, n, delta = 10**4, 1e-300, 10**4, 1e-300
    kw = dict(lipschitz=1, loss_lipschitz=1, loss_bound=1, hypothesis_bound=1)
    b = generalization_bound(Ball(d), method="dudley", covering="upper", resolution="expose", **kw)
    got = b.evaluate(n=n, delta=delta, alpha=alpha)
    with mpmath.workdps(40):
        a = mpmath.mpf(Fraction(alpha).numerator) / Fraction(alpha).denominator

        def f(t):
            u = a * mpmath.exp(t)
            return u * mpmath.sqrt((1 + 4 / u) ** d * mpmath.log(mpmath.ceil(2 / u) + 1))

        top = -mpmath.log(a)
        pts = [0] + [mpmath.mpf(10) ** k for k in range(-7, 1)] + [top]
        integral = mpmath.quad(f, pts)
        ref = 2 * (4 * a + 12 / mpmath.sqrt(n) * integral) + mpmath.sqrt(mpmath.log(2 / delta) / (2 * n))
        assert isinstance(got, mpmath.mpf) and mpmath.isfinite(got)
        assert ref <= got


@given(st.integers(1, 10**6), st.integers(1, 10**6), st.integers(0, 400),
       st.sampled_from([64, 128, 256]))
def test_power_enclosure_encloses(p, q, d, bits):
    lo, hi, e = power_enclosure(p, q, d, bits)
    x = Fraction(p, q) ** d
    two_e = Fraction(2) ** e
    assert lo * two_e <= x <= hi * two_e
    assert Fraction(hi, lo) - 1 <= Fraction(2 ** (2 * max(1, d).bit_length() + 6), 2**bits)


@given(st.integers(2, 10**4), st.integers(1, 10**4), st.integers(1, 10**3), st.integers(2, 300))
def test_power_difference_upper_is_an_upper_bound(b, gap, q, d):
    a = b + gap
    exact = Fraction(a, q) ** d - Fraction(b, q) ** d
    got = int(power_difference_upper(a, b, q, d))
    assert got >= exact and Fraction(got) - exact <= 1 + exact / 2**200


@given(st.integers(1, 10**3), st.integers(1, 10**3), st.integers(2, 300),
       st.sampled_from(["upper", "lower"]))
def test_rational_power_rounds_outwards(p, q, d, kind):
    """Upper: an integer >= floor(x) (any integer above the value is a bound on the count);
    lower: an integer <= ceil(x); small powers stay exact."""
    x = Fraction(p, q) ** d
    got = rational_power(sp.Rational(p, q), d, kind)
    if not got.is_Integer:
        assert Fraction(int(got.p), int(got.q)) == x
    elif kind == "upper":
        assert int(got) >= x.numerator // x.denominator and int(got) >= x
    else:
        assert int(got) <= -(-x.numerator // x.denominator) and int(got) <= x


def test_value_from_log_rounds_outwards():
    """pi^5000 (2486 digits): the upper integer is above it, the lower below, by a relative 1e-50."""
    up = value_from_log(5000 * sp.log(sp.pi), "upper")
    low = value_from_log(5000 * sp.log(sp.pi), "lower")
    with mpmath.workdps(2600):
        x = mpmath.pi ** 5000
        assert int(low) < x < int(up)
        assert (int(up) - int(low)) / x < mpmath.mpf(10) ** -49
    assert value_from_log(sp.log(10**150), "upper") is None  # small: formed exactly by the caller


def test_large_count_prints_and_refuses_float():
    n = Cube(10**4).covering_number(1e-3)  # ceil(1/(2 eps))^d = 500^10000
    m = 500
    assert isinstance(n, LargeCount) and int(n) == m**10**4
    with mpmath.workdps(30):
        lg = 10**4 * mpmath.log10(m)
        exponent = int(mpmath.floor(lg))
        mantissa = mpmath.nstr(mpmath.power(10, lg - exponent), 6)
    assert str(n) == f"≈{mantissa}e+{exponent}"
    assert repr(n) == str(n) and sp.srepr(n) == f"LargeCount(≈{mantissa}e+{exponent})"
    assert sp.latex(n) == f"\\approx {mantissa} \\cdot 10^{{{exponent}}}"
    assert str(Cube(10**4).covering(1e-3)).startswith("N = ≈")
    with pytest.raises(FloatOverflowError, match="log"):
        float(n)
    with pytest.raises(NumericalError, match="log_expr"):
        float(Ball(10**4).covering(1e-300))
    assert isinstance(FloatOverflowError("x"), OverflowError)
    assert Ball(10**4).covering(1e-300).log() == pytest.approx(10**4 * math.log(1 + 2e300), rel=1e-14)


def test_small_counts_stay_plain_integers():
    n = Ball(3).covering_number(sp.Rational(1, 2))
    assert type(n) is sp.Integer and n == 125


@pytest.mark.parametrize("d", (100, 120, 150, 300))
def test_fast_count_agrees_near_the_enclosure_threshold(d):
    """The bounds' fast path (exact Fractions) and covering() agree where the power is below
    10^200 but its bit-length estimate is not (21^120 has 159 digits: exact floor in both)."""
    fast = Ball(d)._upper_count(Fraction(0.1))
    got = int(Ball(d).covering_number(0.1))
    x = (1 + 2 / Fraction(0.1)) ** d
    if fast is not None:
        assert fast == got == x.numerator // x.denominator
    else:
        assert got >= x


# ---- counts of a few hundred digits with an irrational part (audit of the precision work) ------

def _exact_ceil_mp(f, dps=900):
    """ceil of an mpmath expression evaluated at ``dps`` digits (far more than the value has)."""
    with mpmath.workdps(dps):
        return int(mpmath.ceil(f()))


@pytest.mark.parametrize("eps", [1e-200, 1.8088299084094363e-302, 5e-324])
def test_circle_exact_count_is_exact_beyond_200_digits(eps):
    # the arc count ceil(pi / (2 asin(eps/2))) of the unit circle, eps as the binary value it stores;
    # it was rounded from 60 digits (below the count by 1e-50 relative) when it had > 200 digits
    e = Fraction(eps)
    want = _exact_ceil_mp(lambda: mpmath.pi / (2 * mpmath.asin(mpmath.mpf(e.numerator) / e.denominator / 2)))
    c = Sphere(2).covering(eps)
    assert c.kind == "exact"
    assert int(c.expr) == want


def _ceil_sqrt_ratio(d: int, p: Fraction, eps: Fraction) -> int:
    """ceil(p sqrt(d) / (2 eps)) in integer arithmetic: the least m with (2 eps m)^2 >= d p^2."""
    x2 = d * p * p / (4 * eps * eps)
    m = math.isqrt(x2.numerator // x2.denominator)
    while Fraction(m * m) < x2:
        m += 1
    return m


@pytest.mark.parametrize("space, d, p, eps", [
    (Torus(2, period=1), 2, Fraction(1), 1e-250),
    (Torus(2, period=1), 2, Fraction(1), 1e-210),
    (Torus(3, period=1), 3, Fraction(1), 1e-250),
    (Torus(2, period=3.0), 2, Fraction(3), 3.243513008244544e-251),
])
def test_grid_bound_with_irrational_cell_count_stays_above_the_grid(space, d, p, eps):
    # the grid count m^d with m = ceil(p sqrt(d) / (2 eps)) (a few hundred digits): the certified
    # upper bound must not fall below it (it did by 2e-50 relative: the ceiling was rounded inwards)
    m = _ceil_sqrt_ratio(d, p, Fraction(eps))
    c = space.covering(eps, "upper")
    assert c.kind == "upper"
    if c.method == "grid bound":
        assert int(c.expr) >= m**d
    else:  # the packing candidate won: it must then be below the grid count
        assert int(c.expr) <= m**d


def test_integer_bound_refuses_an_unresolvable_ceiling_inside_a_formula():
    from symbound._covering import MAX_EXACT_DIGITS, integer_bound

    huge = sp.sqrt(2) * sp.Integer(10) ** (MAX_EXACT_DIGITS + 5)
    with pytest.raises(NumericalError, match="cannot be resolved"):
        integer_bound(huge, up=True, outward=False)
    # as the bound itself it is rounded outwards: below a lower bound, above an upper bound
    lo = integer_bound(huge, up=True)
    hi = integer_bound(huge, up=False)
    assert lo < hi
    with mpmath.workdps(MAX_EXACT_DIGITS + 40):
        v = mpmath.sqrt(2) * mpmath.mpf(10) ** (MAX_EXACT_DIGITS + 5)
        assert mpmath.mpf(int(lo)) <= v <= mpmath.mpf(int(hi))


def test_counts_beyond_float64_refuse_float_at_any_size():
    # a count of 751 digits (below the scientific-printing limit) used to give float() == inf
    # silently; it prints exactly (digits checked against the exact Fraction formula's floor)
    c = Ball(3).covering_number(1e-250)
    want = (1 + 2 / Fraction(1e-250)) ** 3
    floor = want.numerator // want.denominator
    assert floor <= int(c) <= floor * (1 + Fraction(1, 2**200))  # an outward enclosure of it
    assert str(c) == str(int(c))
    with pytest.raises(FloatOverflowError):
        float(c)
    small = Ball(3).covering_number(1e-100)  # about 8e300: a float holds it
    assert float(small) == float(int(small))


@pytest.mark.parametrize("eps", [1e-300, Fraction(1, 10**300)])
def test_asymptotic_floats_claim_only_the_digits_they_have(eps):
    # the annulus' asymptotic count 3 / eps^2 (area 3 pi over omega_2 = pi), from its logarithm;
    # with a float eps the logarithm holds 15-digit floats, so the value has about 12 correct
    # digits: it used to come back as a 30-digit Float (rel. error 7e-15 in a 30-digit number)
    c = Annulus(1.0, 2.0).covering(sp.Rational(eps.numerator, eps.denominator)
                                   if isinstance(eps, Fraction) else eps, "asymptotic").expr
    assert c.is_Float
    e = Fraction(eps)
    with mpmath.workdps(60):
        want = 3 / (mpmath.mpf(e.numerator) / e.denominator) ** 2
        rel = abs(mpmath.mpf(c._mpf_) / want - 1)
        digits = c._prec * math.log10(2)
        assert rel < mpmath.mpf(10) ** (1 - digits)
