r"""The band cover of a ball ``B^{k+2}_R`` modulo rotations of a coordinate plane: radial bands of
the plane times covers of the orthogonal ball ``B^k``, with a number of centres per cell on the
circle.  Proved in :class:`symbound.quotient.partial._PartialBallCase` (rotations by at most theta);
with the whole SO(2) one centre per cell suffices and the cells cover the half ball of
:class:`symbound.quotient.axial._HalfBallCase`.

The number of bands, the cell radii and the counts of the orthogonal ball are exact (rational
arithmetic on the exact binary values of R and eps); the angular counts come from
:func:`symbound.quotient._planar._band_counts` (floating point with a safety margin).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import sympy as sp

from ..spaces import _ceil, _exact
from ._common import fraction
from ._planar import _MAX_BANDS, _band_counts

__all__ = ["ball_band_plan"]


#: numbers of the band cover in a ball: h/eps (total cell radius) and rational splits
#: (cos t, sin t) of it into the radial half-width h_r and the radius h_z of the other coordinates
_H_FRACTIONS = (Fraction(1), Fraction(9, 10), Fraction(3, 4), Fraction(3, 5))
_SPLITS = ((Fraction(3, 5), Fraction(4, 5)), (Fraction(4, 5), Fraction(3, 5)),
           (Fraction(20, 29), Fraction(21, 29)), (Fraction(21, 29), Fraction(20, 29)),
           (Fraction(5, 13), Fraction(12, 13)), (Fraction(12, 13), Fraction(5, 13)))
#: scale of the rational upper bounds of square roots (packing count of the orthogonal ball)
_SQRT_SCALE = 1 << 24


def _ceil_sqrt(num: int, den: int) -> int:
    """``ceil(sqrt(num / den))`` for integers ``num >= 0``, ``den > 0`` (exact)."""
    n = math.isqrt(num // den)
    while n * n * den < num:
        n += 1
    return n


def _ball_count_exact(k: int, num: int, den: int) -> int:
    """A certified upper bound of ``N(B^k_rho, h)`` with ``(rho/h)^2 = num/den`` (exact integers):
    ``ceil(rho/h)`` for k = 1 (exact), else the smaller of the cubic grid
    ``ceil(sqrt(k) rho / h)^k`` and the packing bound ``floor((1 + 2 rho/h)^k)`` (evaluated at a
    rational upper bound of rho/h)."""
    if k == 1:
        return _ceil_sqrt(num, den)
    grid = _ceil_sqrt(k * num, den) ** k
    t = _ceil_sqrt(num * _SQRT_SCALE**2, den)  # t / scale >= rho / h
    packing = (_SQRT_SCALE + 2 * t) ** k // _SQRT_SCALE**k
    return min(grid, packing)


def _ball_counts_float(k: int, t: np.ndarray) -> np.ndarray:
    """Float estimate of :func:`_ball_count_exact` at ``t = rho/h`` (used only to pick a plan)."""
    if k == 1:
        return np.ceil(t)
    return np.minimum(np.ceil(math.sqrt(k) * t) ** k, np.floor((1.0 + 2.0 * t) ** k))


def ball_band_plan(R, eps, theta, k: int) -> tuple[int, int, Fraction] | None:
    """The band cover of ``B^{k+2}_R`` modulo rotations by at most ``theta`` in a plane
    (:class:`~symbound.quotient.partial._PartialBallCase`): ``(count, K, h_z)`` for the best of the
    candidate cell shapes, or ``None`` when every candidate needs more than ``_MAX_BANDS`` bands.
    ``R``, ``eps`` numeric (exact binary values), ``0 < theta < pi`` numeric, or ``theta=None`` for
    the whole SO(2) (one centre per cell: a cover of the half ball ``H^{k+1}_R`` by the cells,
    :class:`~symbound.quotient.axial._HalfBallCase`)."""
    # exact rationals (irrational R rounded up, eps rounded down: the cover stays a cover)
    Rf, e = fraction(R, "above"), fraction(eps, "below")
    full = theta is None
    th = math.pi if full else float(sp.N(theta, 20))
    n_exact = 1 if full else int(_ceil(sp.pi / _exact(sp.sympify(theta))))
    plans = []
    for lam in _H_FRACTIONS:
        for c, s in _SPLITS:
            hz = lam * s * e
            K = max(1, math.ceil(Rf / (2 * lam * c * e)))
            if K > _MAX_BANDS:
                continue
            slack2 = e * e - (Rf / (2 * K)) ** 2 - hz * hz  # exact, >= 0 by the choice of K
            slack = math.sqrt(float(slack2)) * (1.0 - 1e-15)
            if full:
                n_ang = np.ones(K, dtype=np.int64)
            else:
                n_ang = _band_counts(0.0, float(Rf), 2.0 * math.pi, th, slack, K, slack2 == 0,
                                     n_exact)
            if n_ang is None:
                continue
            i = np.arange(K, dtype=np.float64)
            t = float(Rf / hz) * np.sqrt(np.maximum(1.0 - (i / K) ** 2, 0.0))
            approx = float(np.sum(n_ang * _ball_counts_float(k, t)))
            plans.append((approx, K, hz, n_ang))
    if not plans:
        return None
    best_plan = None
    for approx, K, hz, n_ang in sorted(plans, key=lambda p: p[0])[:3]:
        # exact count of the orthogonal coordinates: (rho_i / h_z)^2 = R^2 (K^2 - i^2) / (K^2 h_z^2)
        q = Rf * Rf / (K * K * hz * hz)
        total = sum(int(n_ang[i]) * _ball_count_exact(k, q.numerator * (K * K - i * i), q.denominator)
                    for i in range(K))
        if best_plan is None or total < best_plan[0]:
            best_plan = (total, K, hz)
    return best_plan
