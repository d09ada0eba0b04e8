r"""Planar disks and annuli: their radii, and the band cover of an annular sector that the finite
rotation groups (:mod:`.finite`) and the partial rotations (:mod:`.partial`) share.

The band cover is derived in :class:`symbound.quotient.finite._AnnularSectorCase` (finite groups,
``theta = 0``) and :class:`symbound.quotient.partial._PartialAnnulusCase` (``theta > 0``).
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from ..spaces import Annulus, Ball, Space, _ceil, _exact
from ._common import fraction

__all__ = ["planar_radii", "annular_sector_plan"]


@functools.singledispatch
def planar_radii(space: Space) -> tuple[sp.Expr, sp.Expr] | None:
    """``(r1, r2)`` of a planar annulus ``r1 <= |x| <= r2`` (a disk: ``r1 = 0``), else ``None``."""
    return None


@planar_radii.register(Annulus)
def _(space):
    return space.r_inner, space.r_outer


@planar_radii.register(Ball)
def _(space):
    return (sp.Integer(0), space.radius) if space.manifold_dim == 2 else None


# --------------------------------------------------------------------------------------------
# --------------------------------------------------------------------------------------------

#: largest number of radial bands the numeric band cover enumerates (beyond it: closed form)
_MAX_BANDS = 200_000
#: relative safety margins against float rounding in the band cover (keep the construction valid)
_BETA_MARGIN = 1e-12


def _band_counts(r1: float, r2: float, alpha: float, theta: float, slack: float, K: int,
                 exact_zero_slack: bool, n_exact: int | None) -> np.ndarray | None:
    """Numbers of centres in each of the K bands of the band cover, or None if K is not admissible.

    Band i is ``a_i <= |x| <= b_i`` with ``a_i = r1 + 2 h i``, ``b_i = a_i + 2 h``, ``h = (r2-r1)/(2K)``;
    its centres sit at radius ``m_i = a_i + h`` at equally spaced angles.  ``slack`` is
    ``sqrt(eps^2 - h^2)`` (computed exactly by the caller: it cancels when h is close to eps).  See
    :class:`symbound.quotient.finite._AnnularSectorCase` for why the counts below make a cover.
    """
    h = (r2 - r1) / (2.0 * K)
    if exact_zero_slack:
        if theta <= 0.0 or n_exact is None:
            return None
        return np.full(K, n_exact, dtype=np.int64)
    i = np.arange(K, dtype=np.float64)
    a = r1 + 2.0 * h * i
    b = a + 2.0 * h
    m = a + h
    t = np.minimum(1.0, slack / (2.0 * np.sqrt(b * m)))
    beta = 4.0 * np.arcsin(t)
    w = (2.0 * theta + beta) * (1.0 - _BETA_MARGIN)
    if np.any(w <= 0.0):
        return None
    n = np.ceil(alpha / w)
    return np.maximum(n, 1.0).astype(np.int64)


def annular_sector_plan(r1: Any, r2: Any, alpha: Any, theta: Any, eps: Any
                         ) -> tuple[int, np.ndarray] | None:
    """The band cover of the annular sector ``{r1 <= |x| <= r2, 0 <= angle <= alpha}`` modulo
    rotations by at most ``theta``, with the number of bands K chosen among admissible values to
    minimise the count.  Returns ``(K, counts)`` (``counts[i]`` centres in band i) or ``None`` when
    more than ``_MAX_BANDS`` bands would be needed.

    All arguments are numeric (SymPy numbers or floats).  ``alpha`` is ``2 pi / k`` (C_k),
    ``pi / k`` (D_k) or ``2 pi`` (partial rotations); ``theta`` is 0 for the finite groups.
    """
    # the construction is scale invariant: it runs in units of eps (e = 1), where the width is
    # L = (r2 - r1) / eps, exact when that ratio is rational (sqrt(2) / (sqrt(2)/20) = 20), else
    # rounded up (and r1 / eps down): the bands then cover a superset, still a cover
    r1x, r2x, ex = (_exact(sp.sympify(v)) for v in (r1, r2, eps))
    r1_lo = fraction(r1x / ex, "below")
    L = fraction((r2x - r1x) / ex, "above")
    e = Fraction(1)
    k_min = math.ceil(L / (2 * e))  # smallest K with h = L/(2K) <= e (exact)
    k_min = max(k_min, 1)
    f_r1, f_r2 = float(r1_lo), float(r1_lo + L)
    f_alpha, f_theta = float(sp.N(alpha, 20)), float(sp.N(theta, 20))
    if k_min > _MAX_BANDS:
        return None
    n_exact = None
    if _exact(sp.sympify(theta)).is_positive:
        n_exact = int(_ceil(_exact(sp.sympify(alpha)) / (2 * _exact(sp.sympify(theta)))))
    # candidate numbers of bands: K_min ... about L / (0.6 eps) (past h = eps/sqrt 2, the optimum
    # of the theta = 0 cover), at most ~200 values
    k_max = max(k_min + 1, math.ceil(L / (Fraction(6, 10) * e)))
    k_max = min(k_max, _MAX_BANDS)
    if k_max - k_min <= 200:
        ks = list(range(k_min, k_max + 1))
    else:
        ks = sorted(set(np.linspace(k_min, k_max, 200).round().astype(int).tolist())
                    | {k_min, math.ceil(L / (2 * e) * Fraction(14142, 10000))})
    best: tuple[int, np.ndarray] | None = None
    for K in ks:
        slack2 = e * e - (L / (2 * K)) ** 2  # exact rational, >= 0 as K >= L / (2 e)
        slack = math.sqrt(float(slack2)) * (1.0 - 1e-15)
        counts = _band_counts(f_r1, f_r2, f_alpha, f_theta, slack, K, slack2 == 0, n_exact)
        if counts is None:
            continue
        if best is None or counts.sum() < best[1].sum():
            best = (K, counts)
    return best


# --------------------------------------------------------------------------------------------
# the cases
# --------------------------------------------------------------------------------------------
