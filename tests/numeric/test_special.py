"""Lambert's W_0 and erfi in numba (symbound.numeric.special) against mpmath at 40 digits."""

import math

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from symbound.numeric.special import erfi, lambertw0

EPS = 2.220446049250313e-16
TINY_SUB = 5e-324  # the smallest subnormal float64


@given(st.one_of(st.floats(-1 / math.e, 5.0), st.floats(5.0, 1e308), st.floats(1e-300, 1e-3),
                 st.floats(0, 1e-307)))
def test_lambertw0_matches_mpmath(x):
    with mpmath.workdps(40):
        ref = mpmath.lambertw(mpmath.mpf(x))
        if isinstance(ref, mpmath.mpc) and ref.imag != 0:
            # the float nearest -1/e lies just below it (W complex there): W = -1 is the nearest real
            assert x == -1 / math.e and lambertw0(x) == -1.0
            return
        ref = mpmath.re(ref)
        if ref == 0:
            assert lambertw0(x) == 0.0
            return
        cond = 1 + abs(1 / (1 + ref)) if ref > -1 else None  # W'(x) x / W = 1 / (1 + W)
        if cond is None:
            return
        assert abs(mpmath.mpf(lambertw0(x)) - ref) <= 8 * EPS * cond * abs(ref) + TINY_SUB
        # the defining equation, independently of mpmath (w e^w amplifies a relative error of w by
        # 1 + w, and exp(w) in float64 carries a relative error of about |w| eps)
        w = lambertw0(x)
        assert w >= -1 and abs(w * math.exp(w) - x) <= 8 * EPS * (2 + 2 * abs(w)) * abs(x)


def test_lambertw0_edges():
    assert lambertw0(0.0) == 0.0
    assert lambertw0(-1 / math.e) == -1.0
    assert lambertw0(math.e) == pytest.approx(1.0, rel=1e-15)  # 1 e^1 = e
    assert lambertw0(math.inf) == math.inf
    assert math.isnan(lambertw0(-0.5))  # below -1/e: no real value
    assert math.isnan(lambertw0(math.nan))


@given(st.one_of(st.floats(-26.5, 26.5), st.floats(1e-300, 1e-3), st.floats(0, 1e-307)))
def test_erfi_matches_mpmath(x):
    with mpmath.workdps(40):
        ref = mpmath.erfi(mpmath.mpf(x))
    if ref == 0:
        assert erfi(x) == 0.0
        return
    # condition number of erfi at x is about 2 x^2 (x^2 alone carries a rounding of 1e-16); a
    # subnormal value carries an absolute rounding of half the smallest subnormal
    err = abs(mpmath.mpf(erfi(x)) - ref)
    assert err <= 8 * EPS * (1 + 2 * x * x) * abs(ref) + TINY_SUB


def test_erfi_edges_and_symmetry():
    assert erfi(0.0) == 0.0
    xs = np.linspace(0.1, 26.0, 50)
    assert all(erfi(-x) == -erfi(x) for x in xs)
    # near the overflow threshold: finite where the value fits (mpmath: 4.1e305 at 26.6), inf beyond
    assert erfi(26.6) == pytest.approx(float(mpmath.erfi(26.6)), rel=1e-12)
    assert erfi(27.0) == math.inf and erfi(-27.0) == -math.inf
    # the switch between the two series at |x| = 6 is seamless
    for x in (5.999999, 6.0, 6.000001):
        assert erfi(x) == pytest.approx(float(mpmath.erfi(x)), rel=1e-14)
