r"""Partial transformation sets (THEORY.md §2, "Partial sets"): rotations by at most theta in a
coordinate plane, acting on planar disks and annuli (:class:`_PartialAnnulusCase`) and on balls
``B^d_R``, d >= 3 (:class:`_PartialBallCase`): band covers and radial-integral lower bounds.  The
rotations of SO(3) by at most theta about any axis are in :mod:`.partial_so3`.

The case classes state their bounds and prove them in their docstrings; the pairs are registered
at the end of the module.

**Numeric certified counts.**  The band counts and the radial integrals are computed in floating
point with explicit safety margins, as in :mod:`._planar`: every angular window is shrunk by a
relative ``1e-12`` before a ceiling (so a count is never below the exact one), every lower-bound
integrand is rounded down by the same margin and the final sum by ``1e-9``; the numbers of bands,
the radial widths and the counts of the orthogonal coordinates are exact (rational arithmetic on the
exact binary values of eps and R).
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from ..groups import PartialRotations
from ..spaces import Annulus, Ball, _ceil, _exact, unit_ball_volume
from ._common import ASYM, REF, Case, best, is_numeric, record
from ._bands import ball_band_plan
from ._planar import annular_sector_plan, planar_radii
from .axial import _HalfBallCase
from .registry import Pair, register

__all__: list[str] = []

#: number of radial subintervals of the certified Riemann sums of the radial integrals
_J = 4000
#: relative margins (module docstring)
_COUNT_MARGIN = 1.0 - 1e-12
_SUM_MARGIN = 1.0 - 1e-9
_BAND_REF = REF + "; symbound.quotient.partial (band cover)"


def radial_lower_sum(r1: float, r2: float, count, weight=None) -> float:
    """A lower bound of ``int_{r1}^{r2} count(r) weight(r) dr`` for a nondecreasing ``count >= 0``
    and a nonincreasing ``weight >= 0`` (default 1): on each of ``_J`` equal subintervals the
    integrand is at least count at the left end times weight at the right end.  Rounded down by
    ``_SUM_MARGIN``."""
    r = r1 + (r2 - r1) * np.arange(_J + 1) / _J
    c = count(r[:-1])
    w = 1.0 if weight is None else weight(r[1:])
    return float(np.sum(c * w)) * (r2 - r1) / _J * _SUM_MARGIN


def planar_window(r: np.ndarray, eps: float, theta: float) -> np.ndarray:
    """``w(r) = min(2 pi, 2 theta + 4 asin(min(1, eps / (2 sqrt(r (r - eps))))))`` (``2 pi`` for
    ``r <= eps``): the largest angular measure of the circle ``|u| = r`` of the rotated plane that
    one (eps, S)-ball covers (:class:`_PartialAnnulusCase`)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        arg = np.where(r > eps, eps / (2.0 * np.sqrt(r * np.maximum(r - eps, 0.0))), np.inf)
    w = np.where(r > eps, 2.0 * theta + 4.0 * np.arcsin(np.minimum(1.0, arg)), 2.0 * np.pi)
    return np.minimum(w, 2.0 * np.pi)


def circle_counts(r: np.ndarray, eps: float, theta: float) -> np.ndarray:
    """``ceil(2 pi / w(r))`` rounded down by the count margin (at least 1)."""
    return np.maximum(np.ceil(2.0 * np.pi / planar_window(r, eps, theta) * _COUNT_MARGIN), 1.0)


class _PartialAnnulusCase(Case):
    r"""Rotations by angles in ``[-theta, theta]`` (``0 < theta < pi``) on an annulus or disk of R^2.

    An (eps, S)-ball around c is the eps-neighbourhood of the arc ``{R_s c : |s| <= theta}``.

    **Upper bound (band cover).**  As in :class:`_AnnularSectorCase` with the whole circle
    (``alpha = 2 pi``) and centres spaced ``2 pi / n``: a point whose angle is within theta of a
    centre's is reached exactly by a rotation, so each centre covers an angular window
    ``2 theta + beta(a, b)`` of its band and ``n = ceil(2 pi / (2 theta + beta(a, b)))``.  With
    ``h = eps`` (``beta = 0``) this is the closed form used for symbolic input:

    .. math::

        N_S(X, \varepsilon) \le \Big\lceil \frac{r_2 - r_1}{2\varepsilon} \Big\rceil
        \Big\lceil \frac{\pi}{\theta} \Big\rceil .

    **Lower bound (radial integral).**  A centre at radius rho meets the circle ``|x| = r`` only if
    ``|r - rho| <= eps`` and covers there an angular set of measure at most
    ``w(r) = min(2 pi, 2 theta + 4 asin(min(1, eps / (2 sqrt(r (r - eps))))))`` (``w = 2 pi`` for
    ``r <= eps``), so integrating the number of centres meeting each circle over r:

    .. math::

        N_S(X, \varepsilon) \ge \frac{1}{2\varepsilon} \int_{r_1}^{r_2}
        \Big\lceil \frac{2\pi}{w(r)} \Big\rceil dr .

    The integrand is nondecreasing in r, so a left Riemann sum is a certified lower bound of the
    integral (numeric eps).  For symbolic input: ``max(ceil((r_2 - r_1)/(2 eps)), area bound)``, the
    area bound being ``pi (r_2^2 - r_1^2) / (4 theta eps max(r_2, eps) + 2 pi eps^2)`` (the
    eps-neighbourhood of an arc of radius rho <= r_2 and angle 2 theta lies in an annular sector of
    area ``<= 4 theta eps max(rho, eps)`` plus two end discs).

    **Asymptotic.**  Both bounds are ``ceil(pi/theta) (r_2 - r_1)/(2 eps) (1 + o(1))`` as
    eps -> 0 with theta fixed, so ``N_S ~ ceil(pi/theta) (r_2 - r_1)/(2 eps)``: for fixed theta > 0
    the count grows like ``eps^{-1}``, the dimension of the SO(2)-quotient.

    THEORY.md §2 states "each circle of radius r needs about ``ceil(2 pi r / (2 r theta + 2 eps))``
    centres": for a *single* circle that count is valid (a centre on the circle covers an arc of
    angular half-width ``theta + 2 asin(eps/(2r)) >= theta + eps/r``), but summing it over circles
    ``2 eps`` apart does not cover the annulus: a point between two circles would need the eps
    budget twice, radially and along the arc.  The band cover above is the certified replacement,
    and the radial integral shows that its leading term ``ceil(pi/theta) (r_2 - r_1)/(2 eps)`` is
    sharp.
    """

    def __init__(self, space, group):
        super().__init__(space, group)
        self.r1, self.r2 = planar_radii(space)
        self.theta = sp.sympify(group.max_angle)
        self.description = (f"{space.name} modulo rotations by at most {group.max_angle} "
                            "(not a group: no quotient space)")

    @property
    def dim(self):
        return 1

    def _closed_form(self, e):
        n_r = _ceil((self.r2 - self.r1) / (2 * e))
        n_a = _ceil(sp.pi / _exact(self.theta))
        return (n_r * n_a, sp.log(n_r) + sp.log(n_a),
                "band cover with h = eps: ceil((r2-r1)/(2 eps)) ceil(pi/theta)",
                _BAND_REF, ())

    def upper(self, e):
        cands = [self._closed_form(e)]
        if is_numeric(e, self.r1, self.r2, self.theta):
            plan = annular_sector_plan(self.r1, self.r2, 2 * sp.pi, self.theta, e)
            if plan is not None:
                K, counts = plan
                n = sp.Integer(int(counts.sum()))
                cands.append((n, sp.log(n), f"band cover modulo partial rotations ({K} bands)",
                               _BAND_REF, ()))
            cands.append(self.trivial_upper(e))
        return best(cands, "upper")

    def _radial_integral(self, e) -> int:
        r1, r2 = float(_exact(self.r1)), float(_exact(self.r2))
        eps, th = float(_exact(e)), float(sp.N(self.theta, 20))
        integral = radial_lower_sum(r1, r2, lambda r: circle_counts(r, eps, th))
        return max(1, math.ceil(integral / (2.0 * eps) * _SUM_MARGIN))

    def lower(self, e):
        r1, r2, th = self.r1, self.r2, self.theta
        n_rad = _ceil((r2 - r1) / (2 * e))
        area = sp.pi * (r2**2 - r1**2) / (4 * th * e * sp.Max(r2, e) + 2 * sp.pi * e**2)
        cands = [(n_rad, sp.log(n_rad), "radius map onto [r1, r2]", REF + "; THEORY.md §1", ()),
                 (area, sp.log(area), "area of arc neighbourhoods", REF, ())]
        if is_numeric(e, r1, r2, th):
            n = sp.Integer(self._radial_integral(e))
            cands.append((n, sp.log(n), "radial integral of per-circle counts",
                          REF + "; symbound.quotient", ()))
        return best(cands, "lower")

    def asymptotic(self, e):
        c = _ceil(sp.pi / _exact(self.theta))
        L = self.r2 - self.r1
        return record(c * L / (2 * e), sp.log(c) + sp.log(L) - sp.log(2 * e), "asymptotic",
                       "ceil(pi/theta) (r2 - r1) / (2 eps) (matching band cover and radial integral)",
                       REF + "; symbound.quotient",
                       (ASYM, "theta > 0 fixed: needs eps small against theta (r2 - r1); for "
                        "larger eps the two-dimensional count of the annulus takes over"))


class _PartialBallCase(Case):
    r"""Rotations by angles in ``[-theta, theta]`` (``0 < theta < pi``) of a coordinate plane of
    ``B^d_R``, ``d >= 3``.  Write ``x = (u, z)``, u in the plane, z in ``R^k``, ``k = d - 2``, and
    ``pi(x) = (|u|, z)``: pi maps X onto the half ball ``Q = H^{d-1}_R`` of :mod:`.axial`.

    **Projection lemma.**  The nearest-point map P onto X (``P(y) = y min(1, R/|y|)``) is
    1-Lipschitz and commutes with every rotation, so if ``|R_s c - x| <= eps`` for x in X then
    ``|R_s P(c) - x| = |P(R_s c) - P(x)| <= eps``: centres of an (eps, S)-cover built outside X may
    be replaced by their projections, at the same count.

    **Upper bound (band cover).**  Cut the radial range ``[0, R]`` into K bands
    ``[a_i, b_i]``, ``a_i = 2 h_r i``, ``h_r = R/(2K)``, with middle radius ``m_i = a_i + h_r``; in band
    i the orthogonal coordinates satisfy ``|z| <= rho_i = sqrt(R^2 - a_i^2)``: cover that ball of
    ``R^k`` by ``M_i`` balls of radius ``h_z`` with centres ``z_j`` (``h_r^2 + h_z^2 <= eps^2``).  For each
    ``(i, j)`` put ``n_i`` centres ``(m_i e^{i psi}, z_j)`` at equally spaced angles psi.  A point
    ``x = (r e^{i phi}, z)`` of the band whose z is within ``h_z`` of ``z_j`` is, after the rotation
    that brings the nearest centre's angle to within the residual angle delta of phi, at squared
    distance

    .. math:: |z - z_j|^2 + (r - m_i)^2 + 4 r m_i \sin^2(\delta/2) \le h_r^2 + h_z^2
              + 4 b_i m_i \sin^2(\delta/2)

    from it, at most ``eps^2`` when ``|delta| <= beta_i / 2``,
    ``beta_i = 4 asin(min(1, sqrt(eps^2 - h_r^2 - h_z^2) / (2 sqrt(b_i m_i))))``.  Each centre
    reaches an angular window ``2 theta + beta_i``, so ``n_i = ceil(2 pi / (2 theta + beta_i))``
    and (projection lemma)

    .. math:: N_S(B^d_R, \varepsilon) \le \sum_i n_i M_i .

    ``M_i`` is ``ceil(rho_i / h_z)`` for k = 1 (exact) and the smaller of the cubic grid
    ``ceil(sqrt(k) rho_i / h_z)^k`` and the packing bound ``(1 + 2 rho_i / h_z)^k`` for k >= 2; the
    numeric bound is the best of a few cell shapes ``(h_r, h_z)``.  The closed form (any eps,
    symbolic too) takes ``h_r = h_z = eps/sqrt 2`` (``beta = 0``, ``n_i = ceil(pi/theta)``,
    ``M_i <= N(B^k_R, eps/sqrt 2)``):

    .. math::

        N_S(B^d_R, \varepsilon) \le \Big\lceil \frac{\pi}{\theta} \Big\rceil
        \Big\lceil \frac{R}{\sqrt2\,\varepsilon} \Big\rceil N\big(B^{d-2}_R, \varepsilon/\sqrt2\big).

    **Lower bound (radial integral).**  For ``(r, z)`` in Q the circle
    ``C(r, z) = {(u, z) : |u| = r}`` lies in X.  A centre c with ``pi(c) = (rho, z_c)`` meets
    ``C(r, z)`` only if ``(r - rho)^2 + |z - z_c|^2 <= eps^2`` (``|R_s c - x| >= |pi(R_s c) - pi(x)|``),
    and covers there an angular set of measure at most ``w(r)`` (:func:`planar_window`: the planar
    bound of :class:`_PartialAnnulusCase`, since ``|R_s u_c - u| <= |R_s c - x| <= eps``).  So at least
    ``ceil(2 pi / w(r))`` centres have ``pi(c)`` within eps of ``(r, z)``; integrating over Q,
    ``N omega_{d-1} eps^{d-1} >= sum_c vol(B(pi(c), eps) ∩ Q)`` and

    .. math::

        N_S(B^d_R, \varepsilon) \ge \frac{\omega_{d-2}}{\omega_{d-1}\varepsilon^{d-1}}
        \int_0^R \Big\lceil \frac{2\pi}{w(r)} \Big\rceil (R^2 - r^2)^{(d-2)/2} dr ,

    evaluated by :func:`radial_lower_sum` (the first factor is nondecreasing, the second
    nonincreasing).  For d = 2 it is the planar radial integral.  Also
    ``N_S >= N_{SO(2)} >= (R/eps)^{d-1}/2`` (S ⊂ SO(2); :class:`~symbound.quotient.axial._HalfBallCase`)
    and, for symbolic input, the volume argument: an (eps, S)-ball around c is contained in the set
    of points whose angle is within theta of c's and whose ``pi`` is within eps of ``pi(c)``, of
    volume ``2 theta int r <= 2 theta (R + eps) omega_{d-1} eps^{d-1}`` (Pappus), plus the two
    eps-balls around ``R_{+-theta} c`` (the nearest point of the arc to a point outside the angular
    window is an end point), so

    .. math::

        N_S \ge \frac{\omega_d R^d}{2\theta (R + \varepsilon)\,\omega_{d-1}\varepsilon^{d-1}
        + 2\,\omega_d\,\varepsilon^d} .

    **Asymptotic.**  The radial integral is ``ceil(pi/theta) (R/eps)^{d-1} / 2 (1 + o(1))``
    (``w(r) -> 2 theta``), ``ceil(pi/theta)`` times the volume ratio of the SO(2)-quotient: for fixed
    theta > 0 the count grows like ``eps^{-(d-1)}``, the dimension of the half ball.  The form is
    labelled asymptotic up to the covering density of ``R^{d-1}`` (the band cover's leading term is
    ``ceil(pi/theta)`` times a product-cell cover of Q, larger by a constant factor).
    """

    def __init__(self, space, group):
        super().__init__(space, group)
        self.d, self.R = space.manifold_dim, space.radius
        self.theta = sp.sympify(group.max_angle)
        self.description = (f"{space.name} modulo rotations by at most {group.max_angle} in a "
                            "plane (not a group: no quotient space)")

    @property
    def dim(self):
        return self.d - 1

    def _closed_form(self, e):
        n_a = _ceil(sp.pi / _exact(self.theta))
        n_r = _ceil(self.R / (sp.sqrt(2) * e))
        b = Ball(self.d - 2, self.R).covering(e / sp.sqrt(2), "upper")
        return (n_a * n_r * b.expr, sp.log(n_a) + sp.log(n_r) + b.log_expr,
                f"band cover with h_r = h_z = eps/sqrt2: ceil(pi/theta) ceil(R/(sqrt2 eps)) "
                f"N(B^(d-2)_R, eps/sqrt2) [{b.method}]", _BAND_REF, b.regime)

    def upper(self, e):
        cands = [self._closed_form(e)]
        if is_numeric(e, self.R, self.theta):
            plan = ball_band_plan(self.R, e, self.theta, self.d - 2)
            if plan is not None:
                n, K, hz = plan
                cands.append((sp.Integer(n), sp.log(n),
                              f"band cover modulo partial rotations ({K} bands, h_z = {float(hz):.4g})",
                              _BAND_REF, ()))
            cands.append(self.trivial_upper(e))
        return best(cands, "upper")

    def _radial_integral(self, e) -> int:
        R, eps = float(_exact(self.R)), float(_exact(e))
        th, k = float(sp.N(self.theta, 20)), self.d - 2
        integral = radial_lower_sum(0.0, R, lambda r: circle_counts(r, eps, th),
                                    lambda r: np.maximum(R * R - r * r, 0.0) ** (k / 2))
        om = float(unit_ball_volume(k)) / float(unit_ball_volume(k + 1)) * _SUM_MARGIN
        return max(1, math.ceil(integral * om / eps ** (k + 1) * _SUM_MARGIN))

    def lower(self, e):
        d, R, th = self.d, self.R, self.theta
        half = (R / e) ** (d - 1) / 2
        od, od1 = unit_ball_volume(d), unit_ball_volume(d - 1)
        vol = od * R**d / (2 * th * (R + e) * od1 * e ** (d - 1) + 2 * od * e**d)
        cands = [(half, (d - 1) * sp.log(R / e) - sp.log(2),
                  "N_SO(2) <= N_S: volume of the half ball", REF + "; symbound.quotient.axial", ()),
                 (vol, sp.log(vol), "volume of arc neighbourhoods", REF, ())]
        if is_numeric(e, R, th):
            n = sp.Integer(self._radial_integral(e))
            cands.append((n, sp.log(n), "radial integral of per-circle counts over the half ball",
                          REF + "; symbound.quotient.partial", ()))
        return best(cands, "lower")

    def asymptotic(self, e):
        c = _ceil(sp.pi / _exact(self.theta))
        m = self.d - 1
        return record(c * (self.R / e) ** m / 2, sp.log(c) + m * sp.log(self.R / e) - sp.log(2),
                      "asymptotic", "ceil(pi/theta) (R/eps)^(d-1) / 2 (leading term of the radial "
                      "integral)", REF + "; symbound.quotient.partial",
                      (ASYM, "theta > 0 fixed: needs eps small against theta R",
                       "up to the covering density theta_m >= 1 of R^(d-1)"))


# ------------------------------------------------------------------------------------------------
# registered pairs
# ------------------------------------------------------------------------------------------------


def _partial_planar(space, group, options):
    if planar_radii(space) is None or group.plane is None:
        return None
    return _PartialAnnulusCase(space, group)


def _partial_ball(space, group, options):
    if group.plane is None or space.manifold_dim < 3:
        return None
    theta = _exact(sp.sympify(group.max_angle))
    if sp.Ge(theta, sp.pi) is sp.true:
        return _HalfBallCase(space, group)
    return _PartialBallCase(space, group)


register(Pair(
    key="partial-ball", title="PartialRotations(theta, dim=d) in a coordinate plane of B^d_R, d >= 3",
    spaces=(Ball,), groups=(PartialRotations,), build=_partial_ball,
    method="band cover of the half ball times the circle; radial-integral lower bound",
    status="certified", quotient_dim="d - 1 (growth exponent; not a group)", drop="1",
    proof="symbound.quotient.partial._PartialBallCase", priority=40))
register(Pair(
    key="partial-planar", title="PartialRotations(theta) on an annulus or disk",
    spaces=(Annulus, Ball), groups=(PartialRotations,), build=_partial_planar,
    method="band cover; radial-integral lower bound", status="certified", quotient_dim="1",
    drop="1", proof="symbound.quotient.partial._PartialAnnulusCase", priority=40))
