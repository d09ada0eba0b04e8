"""Special functions that compiled bounds need and numba's ``math`` lacks: the principal branch of
Lambert's W (the optimal Dudley cut-off, THEORY.md section 4.2) and the imaginary error function erfi
(the Dudley integral for d0 > 2).

Both are scalar numba functions (``cache=True``) called from the generated bound kernels of
:mod:`symbound.numeric.compile`.  Where float64 cannot give the value (erfi beyond about 26.6
overflows, W outside its real domain x >= -1/e) they return inf / NaN, which the compiled bound
recomputes with mpmath (never a silent wrong number).  Accuracy against mpmath
(tests/numeric/test_special.py): a few ulps times the condition number of the function at x, which
is what the float64 input allows -- 2 x^2 for erfi (x^2 alone carries a relative rounding error of
1e-16), and 1 / (1 + W) for W, unbounded at the branch point x = -1/e.
"""

from __future__ import annotations

import math

from numba import njit

__all__ = ["lambertw0", "erfi"]

_INV_E = 0.36787944117144233  # 1/e
_TWO_OVER_SQRT_PI = 1.1283791670955126


@njit(cache=True, error_model="numpy")
def lambertw0(x):
    """The principal branch W_0(x), the solution w >= -1 of w e^w = x, for real x >= -1/e (NaN below,
    inf at inf).  Halley's iteration from the branch-point series near -1/e, ``log1p`` for moderate x
    and the asymptotic ``L1 - L2 + L2/L1`` for large x."""
    if x != x or x < -_INV_E:
        return math.nan
    if x == 0.0:
        return 0.0
    if math.isinf(x):
        return math.inf
    if x == -_INV_E:
        return -1.0
    if x < -0.25:
        # series at the branch point in p = sqrt(2 (e x + 1))
        p = math.sqrt(max(2.0 * (math.e * x + 1.0), 0.0))
        w = -1.0 + p * (1.0 + p * (-1.0 / 3.0 + p * (11.0 / 72.0)))
    elif x < 3.0:
        w = math.log1p(x)
        if x > 0.5:
            w *= 0.8
    else:
        l1 = math.log(x)
        l2 = math.log(l1)
        w = l1 - l2 + l2 / l1
    for _ in range(64):
        ew = math.exp(w)
        f = w * ew - x
        wp1 = w + 1.0
        if wp1 == 0.0:
            break
        d = f / (ew * wp1 - (w + 2.0) * f / (2.0 * wp1))
        w -= d
        if abs(d) <= 4e-16 * (1.0 + abs(w)):
            break
    return w


@njit(cache=True, error_model="numpy")
def erfi(x):
    """erfi(x) = 2/sqrt(pi) int_0^x exp(t^2) dt (odd; inf where float64 overflows, |x| > ~26.6).
    Power series (positive terms, no cancellation) for |x| <= 6; for |x| > 6 the asymptotic series
    exp(x^2)/(x sqrt(pi)) sum_k (2k-1)!!/(2x^2)^k, truncated at its smallest term (relative error
    below exp(-x^2) < 1e-15)."""
    if x != x:
        return math.nan
    a = abs(x)
    if a <= 6.0:
        x2 = a * a
        term = a
        s = a
        k = 0
        while True:
            k += 1
            term *= x2 / k
            add = term / (2 * k + 1)
            s += add
            if add <= 1e-17 * s:
                break
        r = _TWO_OVER_SQRT_PI * s
    else:
        inv = 1.0 / (2.0 * a * a)
        term = 1.0
        s = 1.0
        k = 0
        while True:
            k += 1
            nxt = term * (2 * k - 1) * inv
            if nxt >= term or nxt <= 1e-17 * s:
                break
            term = nxt
            s += term
        if a * a < 700.0:
            r = math.exp(a * a) * (s / (a * math.sqrt(math.pi)))
        else:  # log domain near the overflow threshold: inf only if the value itself overflows
            r = math.exp(a * a + math.log(s / (a * math.sqrt(math.pi))))
    return r if x >= 0 else -r
