r"""Partial transformation sets (THEORY.md §2, "Partial sets"): rotations by at most theta acting
on planar disks and annuli (band cover; radial-integral lower bound).

The case class states its bounds and proves them in its docstring; the pair is registered at the
end of the module.
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from ..groups import PartialRotations
from ..spaces import Annulus, Ball, _ceil, _exact
from ._common import ASYM, REF, Case, best, is_numeric, record
from ._planar import annular_sector_plan, planar_radii
from .registry import Pair, register

__all__: list[str] = []


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
                REF + "; symbound.quotient (band cover)", ())

    def upper(self, e):
        cands = [self._closed_form(e)]
        if is_numeric(e, self.r1, self.r2, self.theta):
            plan = annular_sector_plan(self.r1, self.r2, 2 * sp.pi, self.theta, e)
            if plan is not None:
                K, counts = plan
                n = sp.Integer(int(counts.sum()))
                cands.append((n, sp.log(n), f"band cover modulo partial rotations ({K} bands)",
                               REF + "; symbound.quotient (band cover)", ()))
            cands.append(self.trivial_upper(e))
        return best(cands, "upper")

    def _radial_integral(self, e) -> int:
        r1, r2 = float(_exact(self.r1)), float(_exact(self.r2))
        eps, th = float(_exact(e)), float(sp.N(self.theta, 20))
        J = 4000
        r = r1 + (r2 - r1) * np.arange(J) / J  # left end points
        with np.errstate(divide="ignore", invalid="ignore"):
            arg = np.where(r > eps, eps / (2.0 * np.sqrt(r * np.maximum(r - eps, 0.0))), np.inf)
        w = np.where(r > eps, 2.0 * th + 4.0 * np.arcsin(np.minimum(1.0, arg)), 2.0 * np.pi)
        w = np.minimum(w, 2.0 * np.pi)
        # round the count down by a relative 1e-12: a smaller integrand keeps the bound certified
        cnt = np.maximum(np.ceil(2.0 * np.pi / w * (1.0 - 1e-12)), 1.0)
        integral = float(cnt.sum()) * (r2 - r1) / J
        return max(1, math.ceil(integral / (2.0 * eps) * (1.0 - 1e-12)))

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



# ------------------------------------------------------------------------------------------------
# registered pairs
# ------------------------------------------------------------------------------------------------


def _partial_planar(space, group, options):
    if planar_radii(space) is None or group.plane is None:
        return None
    return _PartialAnnulusCase(space, group)


register(Pair(
    key="partial-planar", title="PartialRotations(theta) on an annulus or disk",
    spaces=(Annulus, Ball), groups=(PartialRotations,), build=_partial_planar,
    method="band cover; radial-integral lower bound", status="certified", quotient_dim="1",
    drop="1", proof="symbound.quotient.partial._PartialAnnulusCase", priority=40))
