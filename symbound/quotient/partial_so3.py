r"""Rotations of SO(3) by at most theta about any axis (``PartialRotations(theta, dim=3,
plane=None)``, THEORY.md §2 "Partial sets") acting on the sphere ``S^2`` and on the ball ``B^3_R``.

**The orbit pieces are caps.**  A rotation by angle at most theta moves a unit vector nu by a
geodesic distance at most theta, and every unit vector omega at geodesic distance ``gamma <= theta``
from nu is ``R nu`` for the rotation by gamma about ``nu x omega``.  So for ``c = rho nu``
(``rho >= 0``) the set ``S c = {R c : angle(R) <= theta}`` is the cap of geodesic radius theta
around nu on the sphere of radius rho.  For a point ``x = r omega`` at geodesic angle gamma from nu
the nearest point of ``S c`` is at angle ``gamma' = max(0, gamma - theta)`` from omega (the
distance ``rho^2 + r^2 - 2 rho r cos(.)`` increases with the angle), so

.. math:: d_S(c, x)^2 = \min_{R \in S} |R c - x|^2 = (\rho - r)^2 + 4\rho r \sin^2(\gamma'/2).

On the unit sphere the chordal eps-neighbourhood of a cap of geodesic radius theta is therefore the
cap of geodesic radius ``theta + phi``, ``phi = 2 asin(eps/2)`` (chordal distance
``2 sin(angle/2)`` is increasing in the angle on ``[0, pi]``).

**Caps covering S^2.**  ``C(psi)``, the least number of caps of geodesic radius psi (centres on
``S^2``) covering ``S^2``, is 1 for ``psi >= pi``, at most 2 for ``psi >= pi/2`` (two antipodal
centres), and ``C(psi) = N(S^2, 2 sin(psi/2))``, so at most the sphere's packing bound
``24 / e^2 + 2`` with ``e = 2 sin(psi/2)`` (:class:`~symbound.spaces.Sphere`).  Below, a cap has
area ``2 pi (1 - cos psi)`` (exact) and ``S^2`` has area ``4 pi``:
``C(psi) >= 2 / (1 - cos psi)``.

*Ring cover* (numeric, about 4 times smaller than the packing bound for small psi).  With the polar
angle lambda and the longitude phi, put one cap at each pole (they cover ``lambda <= psi`` and
``lambda >= pi - psi``) and cover ``[psi, pi - psi]`` by J latitude bands
``|lambda - lambda_j| <= t``, ``t = (pi - 2 psi)/(2J) < psi``; on band j put ``n_j`` caps centred at
polar angle ``lambda_j`` and equally spaced longitudes.  For a point at longitude difference
``Delta <= pi / n_j`` from the nearest of them,

.. math::

    \cos D = \cos(\lambda - \lambda_j) - \sin\lambda \sin\lambda_j (1 - \cos\Delta)
    \ge \cos t - s_j \, 2\sin^2(\Delta/2),

``s_j = sin(lambda_j) max_{band} sin(lambda)``, so ``D <= psi`` when
``Delta <= 2 asin(sqrt(q_j/2))``, ``q_j = (cos t - cos psi)/s_j`` (``cos t - cos psi`` computed as
``2 sin((psi + t)/2) sin((psi - t)/2)``), and ``n_j = ceil(pi / (2 asin(sqrt(min(1, q_j/2)))))``.
``C(psi) <= 2 + sum_j n_j``, minimised over J.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import sympy as sp

from ..groups import PartialRotations
from ..spaces import Ball, Sphere, _ceil, _cond, _exact
from ._common import ASYM, REF, Case, best, fraction, is_numeric, record
from ._planar import _MAX_BANDS
from .axial import clip
from .lie import _IntervalCase, _PointCase
from .partial import _COUNT_MARGIN, _SUM_MARGIN, radial_lower_sum
from .registry import Pair, register

__all__: list[str] = []

_SO3_REF = REF + "; symbound.quotient.partial_so3"


def cap_cover_upper(psi: sp.Expr) -> tuple[sp.Expr, str]:
    """A certified upper bound of ``C(psi)`` (module docstring) and its argument, for a numeric or
    symbolic angle ``psi > 0``: 1, 2, the ring cover (numeric) or the packing bound."""
    psi = sp.sympify(psi)
    if is_numeric(psi):
        p = _exact(psi)
        if sp.Ge(p, sp.pi) is sp.true:
            return sp.Integer(1), "one cap (psi >= pi)"
        if sp.Ge(p, sp.pi / 2) is sp.true:
            return sp.Integer(2), "two antipodal caps (psi >= pi/2)"
        return sp.Integer(cap_cover_count(float(sp.N(p, 20)))), "ring cover of S^2 by caps"
    return 6 / sp.sin(psi / 2) ** 2 + 2, "packing bound of S^2 at chordal radius 2 sin(psi/2)"


#: largest number of latitude bands the ring cover tries
_MAX_RINGS = 4000


def ring_cover(psi: float) -> tuple[float, int]:
    """The ring cover of ``S^2`` by caps of geodesic radius ``0 < psi < pi/2`` (module docstring),
    with the count margin on every angle: ``(count, J)`` for the best number J of latitude bands,
    ``(inf, 0)`` when it would need more than ``_MAX_RINGS`` bands."""
    L = math.pi - 2.0 * psi
    j_min = int(L / (2.0 * psi)) + 1  # t < psi
    if j_min > _MAX_RINGS:
        return math.inf, 0
    best_count, best_j = math.inf, 0
    j_max = min(_MAX_RINGS, 2 * j_min + 2)
    for J in sorted(set(np.linspace(j_min, j_max, min(24, j_max - j_min + 1)).round().astype(int))):
        count = 2.0 + float(np.sum(ring_counts(psi, int(J))))
        if count < best_count:
            best_count, best_j = count, int(J)
    return best_count, best_j


def ring_counts(psi: float, J: int) -> np.ndarray:
    """``n_j``, the numbers of caps on the J latitude bands of the ring cover (module docstring)."""
    L = math.pi - 2.0 * psi
    t = L / (2.0 * J)
    lam = psi + (2.0 * np.arange(J) + 1.0) * t
    lo, hi = lam - t, lam + t
    smax = np.where((lo <= np.pi / 2) & (hi >= np.pi / 2), 1.0,
                    np.maximum(np.sin(lo), np.sin(hi))) * np.sin(lam)
    diff = 2.0 * math.sin((psi + t) / 2.0) * math.sin((psi - t) / 2.0)
    q = diff / smax * _COUNT_MARGIN
    half = 2.0 * np.arcsin(np.sqrt(np.minimum(1.0, q / 2.0))) * _COUNT_MARGIN
    return np.ceil(np.pi / half)


def cap_cover_count(psi: float) -> int:
    """A certified upper bound of ``C(psi)`` in floating point with the count margin: 1, 2, or the
    smaller of the ring cover and the packing bound ``floor(24/e^2 + 2)``, ``e = 2 sin(psi/2)``."""
    psi = psi * _COUNT_MARGIN
    if psi >= math.pi:
        return 1
    if psi >= math.pi / 2:
        return 2
    e = 2.0 * math.sin(psi / 2.0) * _COUNT_MARGIN
    return int(min(math.floor(24.0 / e**2 + 2.0), ring_cover(psi)[0]))


class _CapTable:
    """:func:`cap_cover_count` on a geometric grid of angles in ``[lo, pi/2]``, looked up at the
    largest grid angle below each requested angle (C is nonincreasing, so a cover by smaller caps
    is a cover); 2 from ``pi/2`` on and 1 from pi on."""

    def __init__(self, lo: float, size: int = 128):
        hi = math.pi / 2
        self.lo = lo
        if lo >= hi:
            self.grid, self.values = np.array([lo]), np.array([float(cap_cover_count(lo))])
            return
        self.grid = lo * (hi / lo) ** (np.arange(size) / (size - 1))
        self.grid[0], self.grid[-1] = lo, hi
        self.values = np.array([float(cap_cover_count(g)) for g in self.grid])

    def angles(self, psi: np.ndarray) -> np.ndarray:
        """The cap radius used for each angle: the largest grid angle below it (the angle itself
        from ``pi`` on, where one cap covers)."""
        idx = np.clip(np.searchsorted(self.grid, psi, side="right") - 1, 0, len(self.grid) - 1)
        return np.where(psi * _COUNT_MARGIN >= np.pi, psi, self.grid[idx])

    def __call__(self, psi: np.ndarray) -> np.ndarray:
        idx = np.clip(np.searchsorted(self.grid, psi, side="right") - 1, 0, len(self.grid) - 1)
        return np.where(psi * _COUNT_MARGIN >= np.pi, 1.0, self.values[idx])


@functools.lru_cache(maxsize=32)
def _cap_table(lo: float) -> _CapTable:
    """The table of :class:`_CapTable` for the smallest angle ``lo`` (cached: every eps of a given
    theta uses the same one)."""
    return _CapTable(lo)


def _cap_lower_counts(psi: np.ndarray) -> np.ndarray:
    """``ceil(2 / (1 - cos psi))`` rounded down by the count margin (at least 1)."""
    c = 2.0 / (1.0 - np.cos(np.minimum(psi, np.pi)))
    return np.maximum(np.ceil(c * _COUNT_MARGIN), 1.0)


class _PartialSO3SphereCase(Case):
    r"""Rotations by at most theta (``0 < theta < pi``) about any axis, on ``S^2``.  **Exact
    reduction** (module docstring): an (eps, S)-ball is a cap of geodesic radius
    ``psi = theta + 2 asin(eps/2)``, so

    .. math::

        N_S(S^2, \varepsilon) = C(\psi) = N\big(S^2, 2\sin(\psi/2)\big) \quad (\psi < \pi),
        \qquad = 1 \quad (\psi \ge \pi).

    Certified: ``2 / (1 - cos psi) <= N_S <= min(N_up(S^2, 2 sin(psi/2)), 2 if psi >= pi/2)``; both
    sides are 2 for ``pi/2 <= psi < pi`` (exact).  As eps -> 0, ``N_S -> C(theta)``, a constant:
    the growth exponent is 0 and no asymptotic form in eps is claimed.
    """

    kinds = ("upper", "lower")

    def __init__(self, space, group):
        super().__init__(space, group)
        self.theta = sp.sympify(group.max_angle)
        self.description = (f"S^2 modulo rotations by at most {group.max_angle} about any axis: "
                            "caps of geodesic radius theta + 2 asin(eps/2) (not a group)")

    @property
    def dim(self):
        return 0

    def _psi(self, e):
        """``theta + 2 asin(eps/2)`` (``theta + pi`` for a numeric ``eps >= 2``)."""
        if is_numeric(e) and sp.Ge(e, 2) is sp.true:
            return _exact(self.theta) + sp.pi
        return _exact(self.theta) + 2 * sp.asin(clip(e, 2) / 2)

    def upper(self, e):
        # the packing form 6 / sin(psi/2)^2 + 2 >= 8 is an upper bound for every psi (N_S <= 8 once
        # psi >= pi/2), so the symbolic form needs no regime
        psi = self._psi(e)
        n, how = cap_cover_upper(psi)
        cands = [(n, sp.log(n), f"caps of geodesic radius theta + 2 asin(eps/2): {how}", _SO3_REF,
                  ())]
        if is_numeric(e) and sp.Lt(psi, sp.pi) is sp.true:
            b = Sphere(3).covering(2 * sp.sin(psi / 2), "upper")
            cands.append((b.expr, b.log_expr, f"N(S^2, 2 sin(psi/2)) [{b.method}]",
                          _SO3_REF + "; " + b.reference, b.regime))
        return best(cands, "upper")

    def lower(self, e):
        psi = self._psi(e)
        if is_numeric(e) and sp.Ge(psi, sp.pi) is sp.true:
            return record(1, 0, "exact", "one cap (theta + 2 asin(eps/2) >= pi)", _SO3_REF)
        x = 2 / (1 - sp.cos(psi))
        return best([(x, sp.log(x), "cap area 2 pi (1 - cos psi) against 4 pi", _SO3_REF,
                      () if is_numeric(e) else (_cond(sp.Le(psi, sp.pi)),))], "lower")


class _PartialSO3BallCase(Case):
    r"""Rotations by at most theta (``0 < theta < pi``) about any axis, on ``B^3_R``.

    **Upper bound (band cover).**  Cut ``[0, R]`` into K bands ``[a_i, b_i]`` of width ``2h``,
    ``h = R/(2K) <= eps``, middle radius ``m_i``; in band i put ``C_i`` centres ``m_i nu_j`` with
    directions ``nu_j`` forming a cover of ``S^2`` by caps of geodesic radius ``theta + delta_i``,
    ``delta_i = 2 asin(min(1, sqrt(eps^2 - h^2) / (2 sqrt(b_i m_i))))``.  A point ``x = r omega`` of
    the band with omega within ``theta + delta_i`` of ``nu_j`` has (module docstring)
    ``d_S(m_i nu_j, x)^2 <= h^2 + 4 b_i m_i sin^2(delta_i/2) <= eps^2``, so

    .. math:: N_S(B^3_R, \varepsilon) \le \sum_i C(\theta + \delta_i),

    with ``C`` bounded as in the module docstring, the number of bands K chosen to minimise the sum.
    Closed form (``h = eps``, ``delta = 0``): ``ceil(R/(2 eps)) C(theta)``.

    **Lower bound (radial integral).**  A centre at radius rho meets the sphere ``|x| = r`` only if
    ``|r - rho| <= eps``, and there covers the directions within ``theta + delta(r)`` of its own,
    ``delta(r) = 2 asin(min(1, eps / (2 sqrt(r (r - eps)))))`` (from
    ``4 rho r sin^2(gamma'/2) <= eps^2`` and ``rho >= r - eps``; ``delta = pi`` for ``r <= eps``).  So
    at least ``ceil(2 / (1 - cos(theta + delta(r))))`` centres meet each sphere, and integrating over
    ``r in [0, R]`` (each centre meets radii in an interval of length at most ``2 eps``):

    .. math::

        N_S(B^3_R, \varepsilon) \ge \frac{1}{2\varepsilon} \int_0^R
        \Big\lceil \frac{2}{1 - \cos(\theta + \delta(r))} \Big\rceil dr

    (nondecreasing integrand: :func:`~symbound.quotient.partial.radial_lower_sum`).  Also
    ``N_S >= N_{SO(3)} = ceil(R/(2 eps))`` (S ⊂ SO(3)).

    **Asymptotic.**  As eps -> 0 with theta fixed the count grows like ``eps^{-1}`` (dimension of
    the SO(3)-quotient ``[0, R]``), between ``2/(1 - cos theta) R/(2 eps)`` (radial integral) and
    ``C(theta) R/(2 eps)`` (band cover).  The form given is the lower one,
    ``R / ((1 - cos theta) eps)``, labelled asymptotic up to the covering density of ``S^2`` by caps
    of radius theta.
    """

    def __init__(self, space, group):
        super().__init__(space, group)
        self.R = space.radius
        self.theta = sp.sympify(group.max_angle)
        self.description = (f"{space.name} modulo rotations by at most {group.max_angle} about any "
                            "axis (not a group: no quotient space)")

    @property
    def dim(self):
        return 1

    def _closed_form(self, e):
        n_r = _ceil(self.R / (2 * e))
        c, how = cap_cover_upper(_exact(self.theta))
        return (n_r * c, sp.log(n_r) + sp.log(c), f"band cover with h = eps: ceil(R/(2 eps)) C(theta) "
                f"[{how}]", _SO3_REF, ())

    def plan(self, e) -> tuple[int, int, np.ndarray] | None:
        """``(count, K, psi)`` of the best band cover (numeric eps, R, theta): the count, the number
        of bands and the cap radius used in each band (counts ``cap_cover_count(psi_i)``); None
        beyond ``_MAX_BANDS`` bands."""
        # exact rationals (irrational R rounded up, eps rounded down: the cover stays a cover)
        Rf, ef = fraction(self.R, "above"), fraction(e, "below")
        th = float(sp.N(self.theta, 20))
        k_min = max(1, math.ceil(Rf / (2 * ef)))
        if k_min > _MAX_BANDS:
            return None
        k_max = min(_MAX_BANDS, max(k_min + 1, math.ceil(Rf / (ef * 6 / 5))))
        ks = range(k_min, k_max + 1) if k_max - k_min <= 60 else \
            sorted(set(np.linspace(k_min, k_max, 60).round().astype(int).tolist()))
        table = _cap_table(th * _COUNT_MARGIN)
        best_plan = None
        for K in ks:
            slack2 = ef * ef - (Rf / (2 * K)) ** 2  # exact, >= 0
            slack = math.sqrt(float(slack2)) * (1.0 - 1e-15)
            h = float(Rf) / (2.0 * K)
            i = np.arange(K, dtype=np.float64)
            m = 2.0 * h * i + h
            b = m + h
            delta = 2.0 * np.arcsin(np.minimum(1.0, slack / (2.0 * np.sqrt(b * m))))
            psi = np.maximum((th + delta) * _COUNT_MARGIN, table.lo)
            total = int(np.sum(table(psi)))
            if best_plan is None or total < best_plan[0]:
                best_plan = (total, K, table.angles(psi))
        return best_plan

    def upper(self, e):
        cands = [self._closed_form(e)]
        if is_numeric(e, self.R, self.theta):
            plan = self.plan(e)
            if plan is not None:
                n = sp.Integer(plan[0])
                cands.append((n, sp.log(n), f"band cover by caps of S^2 ({plan[1]} bands)",
                              _SO3_REF, ()))
            cands.append(self.trivial_upper(e))
        return best(cands, "upper")

    def _radial_integral(self, e) -> int:
        R, eps = float(_exact(self.R)), float(_exact(e))
        th = float(sp.N(self.theta, 20))

        def count(r):
            with np.errstate(divide="ignore", invalid="ignore"):
                arg = np.where(r > eps, eps / (2.0 * np.sqrt(r * np.maximum(r - eps, 0.0))), np.inf)
            delta = np.where(r > eps, 2.0 * np.arcsin(np.minimum(1.0, arg)), np.pi)
            return _cap_lower_counts(th + delta)

        integral = radial_lower_sum(0.0, R, count)
        return max(1, math.ceil(integral / (2.0 * eps) * _SUM_MARGIN))

    def lower(self, e):
        n_rad = _ceil(self.R / (2 * e))
        cands = [(n_rad, sp.log(n_rad), "N_SO(3) <= N_S: radius map onto [0, R]",
                  REF + "; THEORY.md §1", ())]
        if is_numeric(e, self.R, self.theta):
            n = sp.Integer(self._radial_integral(e))
            cands.append((n, sp.log(n), "radial integral of per-sphere cap counts", _SO3_REF, ()))
        return best(cands, "lower")

    def asymptotic(self, e):
        k = 1 / (1 - sp.cos(self.theta))
        return record(k * self.R / e, sp.log(k * self.R) - sp.log(e), "asymptotic",
                      "2/(1 - cos theta) R/(2 eps) (leading term of the radial integral)", _SO3_REF,
                      (ASYM, "theta > 0 fixed: needs eps small against theta R",
                       "up to the covering density of S^2 by caps of radius theta (>= 1)"))


# ------------------------------------------------------------------------------------------------
# registered pairs
# ------------------------------------------------------------------------------------------------


def _full(group) -> bool:
    return sp.Ge(_exact(sp.sympify(group.max_angle)), sp.pi) is sp.true


def _so3_sphere(space, group, options):
    if group.plane is not None or space.ambient_dim != 3:
        return None
    return _PointCase(space, group) if _full(group) else _PartialSO3SphereCase(space, group)


def _so3_ball(space, group, options):
    if group.plane is not None or space.manifold_dim != 3:
        return None
    if _full(group):
        return _IntervalCase(space, group, sp.Integer(0), space.radius)
    return _PartialSO3BallCase(space, group)


register(Pair(
    key="partial-so3-sphere", title="PartialRotations(theta, dim=3, plane=None) on S^2",
    spaces=(Sphere,), groups=(PartialRotations,), build=_so3_sphere,
    method="exact reduction to caps of radius theta + 2 asin(eps/2); cap-area lower bound",
    status="certified", quotient_dim="0 (growth exponent; not a group)", drop="2",
    proof="symbound.quotient.partial_so3._PartialSO3SphereCase", priority=40))
register(Pair(
    key="partial-so3-ball", title="PartialRotations(theta, dim=3, plane=None) on B^3_R",
    spaces=(Ball,), groups=(PartialRotations,), build=_so3_ball,
    method="band cover by caps of S^2; radial-integral lower bound", status="certified",
    quotient_dim="1 (growth exponent; not a group)", drop="2",
    proof="symbound.quotient.partial_so3._PartialSO3BallCase", priority=40))
