"""Euclidean cube covering numbers in high dimension (issue #15): the enclosed Steiner/grid path.

Expected values are computed here independently, with plain mpmath at 100 digits from the hand
formulas ``ceil(sqrt(d)/(2 eps))^d`` and ``sum_j C(d, j) (omega_{d-j}/omega_d) (2/eps)^j``.  The
d = 10^4 cases took more than 600 s on the SymPy path (d = 100 at eps = 1e-300: 6 s).
"""

import mpmath
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symbound._covering import integral
from symbound._steiner import cube_steiner_enclosure
from symbound.spaces import Cube


def _omega(k):
    return mpmath.pi ** (mpmath.mpf(k) / 2) / mpmath.gamma(mpmath.mpf(k) / 2 + 1)


def _mpf(n):
    """A huge int as an mpf (top 400 bits; mpmath's own conversion is slow past millions of bits)."""
    k = max(0, n.bit_length() - 400)
    return mpmath.ldexp(mpmath.mpf(n >> k), k)


def _reference(d, eps):
    """(grid, steiner, volume lower bound) as 100-digit mpmath numbers (unit side)."""
    with mpmath.workdps(100):
        e = mpmath.mpf(eps)  # the float's exact binary value
        n = mpmath.ceil(mpmath.sqrt(d) / (2 * e))
        grid = n**d
        t = 2 / e
        od = _omega(d)
        steiner = mpmath.fsum(mpmath.binomial(d, j) * _omega(d - j) / od * t**j
                              for j in range(d + 1))
        lower = 1 / (od * e**d)
        return grid, steiner, lower


@pytest.mark.parametrize("d", [2, 10, 100, 1000, 10**4])
@pytest.mark.parametrize("eps", [0.5, 0.1, 1e-30, 1e-300])
def test_cube_euclidean_high_dim_matches_hand_formula(d, eps):
    C = Cube(d, metric="euclidean")
    grid, steiner, lower = _reference(d, eps)
    up = C.covering(eps)
    with mpmath.workdps(100):
        best = min(grid, steiner)
        assert up.method == ("Steiner packing bound" if steiner < grid else "grid bound")
        U = _mpf(int(up.expr))
        # >= floor(best): the reference has 100 digits, the count up to 3 million
        assert U >= mpmath.floor(best) if best < 10**90 else U >= best * (1 - mpmath.mpf(10) ** -90)
        assert abs(U - best) / best < mpmath.mpf(10) ** -40
        assert abs(mpmath.mpf(sp.N(up.log_expr, 60)._mpf_) - mpmath.log(U)) < 1e-40 * mpmath.log(U) + 1e-40
        lo = C.covering(eps, "lower")
        L = _mpf(int(lo.expr))
        assert L <= max(1, mpmath.ceil(lower)) if lower < 10**90 else L <= lower * (1 + mpmath.mpf(10) ** -90)


@settings(max_examples=60, deadline=None)
@given(d=st.integers(2, 12), p=st.integers(1, 10**6), q=st.integers(1, 10**4))
def test_enclosed_path_equals_exact_sympy_path(d, p, q):
    eps = sp.Rational(2 * q, p)  # t = 2/eps = p/q
    C = Cube(d, metric="euclidean")
    if eps >= sp.sqrt(d) / 2:  # one ball covers the cube
        return
    exact = C.covering(eps)  # d <= 12: the SymPy formula
    s, _ = C.steiner_bound(eps)
    floor_s = sp.floor(s) if s.is_Rational else integral(
        type(exact)(expr=s, log_expr=sp.log(s), kind="upper", method="", reference="")).expr
    lo, hi = cube_steiner_enclosure(d, p, q)
    assert lo <= floor_s <= hi
    assert hi == floor_s  # width 2^-240: equal unless S is that close to an integer
    new = integral(C._upper_enclosed(eps, p, q))
    assert (new.expr, new.method) == (exact.expr, exact.method)
