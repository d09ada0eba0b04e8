r"""Finite groups and finite sets of isometries (THEORY.md §2): C_k and D_k on planar disks and
annuli (band cover of a fundamental sector).

Each case class states its bounds and proves them in its docstring; the pairs are registered at
the end of the module.
"""

from __future__ import annotations

import sympy as sp

from ..groups import Cyclic, Dihedral
from ..spaces import Annulus, Ball, _ceil
from ._common import REF, Case, best, is_numeric
from ._planar import annular_sector_plan, planar_radii
from .registry import Pair, register

__all__: list[str] = []


class _AnnularSectorCase(Case):
    r"""C_k or D_k rotating a disk or annulus ``r_1 <= |x| <= r_2`` of ``R^2``.

    A fundamental domain is the sector ``{r_1 <= |x| <= r_2, 0 <= angle <= alpha}`` with
    ``alpha = 2 pi / k`` (C_k) or ``pi / k`` (D_k, between two adjacent mirror lines): every x is
    ``g(y)`` with y in it, so an eps-cover of the sector (centres in the sector) is an (eps, G)-cover.

    **Band cover (certified upper bound).**  Cut ``[r_1, r_2]`` into K bands ``[a, b]`` of width
    ``2h``, ``h = (r_2 - r_1)/(2K) <= eps``; in a band put n centres at radius ``m = (a + b)/2`` and
    angles ``(j + 1/2) alpha / n``, cells of angular width ``beta = alpha / n``.  A point ``(r, phi)``
    of the cell is at squared distance

    .. math::

        (r - m)^2 + 4 r m \sin^2(\delta/2), \quad |\delta| \le \beta/2,

    from its centre, a convex function of r, so at most ``h^2 + 4 b m \sin^2(\beta/4)``.  Hence the
    cell lies within eps of the centre when

    .. math:: \beta \le \beta(a, b) = 4\arcsin\min\Big(1, \frac{\sqrt{\varepsilon^2 - h^2}}{2\sqrt{b m}}\Big),

    and ``n = ceil(alpha / beta(a, b))`` centres suffice (note: *diameter <= 2 eps* would not
    suffice, a set of diameter 2 eps need not fit in an eps-ball).  The numeric bound is
    ``sum_bands n`` minimised over K (and never above the trivial ``N(X)``); for symbolic input the
    closed form with ``h <= eps/sqrt 2`` and ``beta <= sqrt 2 eps / r_2`` in every band:

    .. math::

        N_G(X, \varepsilon) \le \Big\lceil \frac{r_2 - r_1}{\sqrt2\,\varepsilon} \Big\rceil
        \Big\lceil \frac{\alpha\, r_2}{\sqrt2\,\varepsilon} \Big\rceil .

    **Lower bounds.** ``N_lower(X, eps) / |G|`` (THEORY.md §2) and ``ceil((r_2 - r_1)/(2 eps))``
    (the radius map is 1-Lipschitz and G-invariant, THEORY.md §1).  **Asymptotic:** ``N(X)/|G|``
    (C_k and D_k act freely off a null set).
    """

    def __init__(self, space, group):
        super().__init__(space, group)
        self.r1, self.r2 = planar_radii(space)
        # C_k (order k): 2 pi / k; D_k (order 2k): pi / k, between two adjacent mirror lines
        self.alpha = 2 * sp.pi / group.order
        self.description = (f"the sector of angle {self.alpha} of {space.name} "
                            f"(fundamental domain of {group.name})")

    @property
    def dim(self):
        return 2

    @property
    def volume(self):
        return self.space.volume / self.group.order

    def _closed_form(self, e):
        r1, r2, a = self.r1, self.r2, self.alpha
        n_r = _ceil((r2 - r1) / (sp.sqrt(2) * e))
        n_a = _ceil(a * r2 / (sp.sqrt(2) * e))
        return (n_r * n_a, sp.log(n_r) + sp.log(n_a),
                "polar grid of a fundamental sector: ceil((r2-r1)/(sqrt2 eps)) ceil(alpha r2/(sqrt2 eps))",
                REF + "; symbound.quotient (band cover)", ())

    def upper(self, e):
        cands = [self._closed_form(e)]
        if is_numeric(e, self.r1, self.r2):
            plan = annular_sector_plan(self.r1, self.r2, self.alpha, 0, e)
            if plan is not None:
                K, counts = plan
                n = sp.Integer(int(counts.sum()))
                cands.append((n, sp.log(n), f"band cover of a fundamental sector ({K} bands)",
                               REF + "; symbound.quotient (band cover)", ()))
            cands.append(self.trivial_upper(e))
        return best(cands, "upper")

    def lower(self, e):
        n = _ceil((self.r2 - self.r1) / (2 * e))
        return best([self.finite_lower(e),
                      (n, sp.log(n), "radius map onto [r1, r2]", REF + "; THEORY.md §1", ())],
                     "lower")

    def asymptotic(self, e):
        return self.finite_asymptotic(e)



# ------------------------------------------------------------------------------------------------
# registered pairs
# ------------------------------------------------------------------------------------------------


def _sector(space, group, options):
    return _AnnularSectorCase(space, group) if planar_radii(space) is not None else None


register(Pair(
    key="sector", title="C_k, D_k on a disk or annulus (R^2)",
    spaces=(Annulus, Ball), groups=(Cyclic, Dihedral), build=_sector,
    method="band cover of a fundamental sector; N(X)/|G| and radius-map lower bounds",
    status="certified", quotient_dim="2", drop="0",
    proof="symbound.quotient.finite._AnnularSectorCase", priority=50))
