r"""SO(2) or O(2) rotating a coordinate plane of a ball ``B^d_R`` or a sphere ``S^{d-1}``, d >= 3
(THEORY.md §2): the quotient is a half ball or a closed hemisphere, one dimension lower.

**The quotient map.**  Write ``x = (u, z)`` with u the coordinates of the rotated plane and z the
other ``d - 2``.  SO(2) is transitive on each circle ``|u| = const`` of the plane and does not move
z, so for every x, y

.. math:: \inf_g |g x - y|^2 = (|u| - |u'|)^2 + |z - z'|^2

(the infimum over g of ``|g u - u'|`` is ``||u| - |u'||``; O(2) adds reflections, which preserve
``|u|``, so the same holds).  Hence ``pi(x) = (|u|, z)`` is an isometry of ``(X/G, d_G)`` onto
``pi(X)`` ⊂ R^m, ``m = d - 1``, with the Euclidean metric, and
``N_G(X, eps) = N(pi(X), eps)`` with centres in ``pi(X)`` (a centre c of X gives pi(c); a centre q
of pi(X) lifts to any c with ``pi(c) = q``).

* ``X = B^d_R``: ``pi(X) = H^m_R = {(rho, z) : rho >= 0, rho^2 + |z|^2 <= R^2}``, a half ball
  (:class:`_HalfBallCase`).  For d = 3 (SO(2) about an axis of ``B^3``) it is the half disk of the
  coordinates (rho, height).
* ``X = S^{d-1}``: ``pi(X) = {rho >= 0, rho^2 + |z|^2 = 1}``, the closed hemisphere of
  ``S^{m-1}`` ⊂ R^m with the chordal metric (:class:`_HemisphereCase`).  For d = 3 (SO(2) about an
  axis of ``S^2``) it is a half circle, parametrised by the polar angle (the latitude), with the
  chordal metric ``2 sin(|psi - psi'|/2)`` (not ``|z - z'|``).

**Packing in a half ball.**  A maximal set P ⊂ A whose points are pairwise more than eps apart is
an eps-cover of A with centres in A, and the closed balls ``B(p, r)``, ``r = eps/2``, are disjoint
and lie in ``A + B_r``.  For ``A = H^m_R``: a point ``x = h + v`` (h in H, ``|v| <= r``) has
``x_1 >= -r`` and, writing ``x'`` for the last ``m - 1`` coordinates, ``|x'| <= R + r``; so
``H + B_r`` lies in the half ball of radius ``R + r`` together with the slab
``[-r, 0) x B^{m-1}_{R+r}``, and

.. math::

    N(H^m_R, \varepsilon) \le \frac{(u + 1)^m}{2}
    + \frac{\omega_{m-1}}{\omega_m}(u + 1)^{m-1}, \qquad u = \frac{2R}{\varepsilon}.

For the hemisphere ``Q`` of ``S^{m-1}`` (``m >= 3``, ``eps <= 2``) the balls lie in the shell
``1 - r <= |x| <= 1 + r`` and in ``x_1 >= -r``: half the shell, ``omega_m ((1+r)^m - (1-r)^m)/2``,
plus the part with ``-r <= x_1 < 0``.  Its section at ``x_1 = t`` is the annulus
``s_1 <= |x'|^2 <= s_2`` of R^{m-1}, ``s_2 = (1 + r)^2 - t^2``, ``s_1 = (1 - r)^2 - t^2``, of volume
``omega_{m-1} (s_2^k - max(s_1, 0)^k)`` with ``k = (m - 1)/2 >= 1``; by the mean value theorem
(``s^k`` has an increasing derivative) this is at most
``omega_{m-1} k s_2^{k-1} (s_2 - s_1) <= 2 (m - 1) omega_{m-1} r (1 + r)^{m-3}``.  With ``u = 2/eps``:

.. math::

    N(Q, \varepsilon) \le \frac{(u + 1)^m - (u - 1)^m}{2}
    + 2(m - 1)\frac{\omega_{m-1}}{\omega_m}(u + 1)^{m-3} u ,

half of the sphere's shell bound to leading order.
"""

from __future__ import annotations

import sympy as sp

from ..groups import O, SO
from ..spaces import Ball, Sphere, _ceil, _exact, unit_ball_volume
from ._common import ASYM, REF, Case, best, is_numeric, record
from ._bands import ball_band_plan
from ._planar import annular_sector_plan
from .registry import Pair, register

__all__ = ["half_ball_packing", "disk_cover_candidates", "clip"]

_DENSITY = "up to the covering density theta_m >= 1"


def clip(e: sp.Expr, top: sp.Expr) -> sp.Expr:
    """``eps`` for a numeric eps (the callers decide ``eps >= top`` first), ``Min(eps, top)`` for a
    symbolic one: a formula in ``asin(eps/top)`` then holds for every eps > 0 without a regime (at
    ``eps >= top`` it takes its value at ``top``, which is the exact count 1 or a valid bound)."""
    return e if is_numeric(e) else sp.Min(e, top)


def half_ball_packing(m: int, R: sp.Expr, e: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    r"""The packing bound of the half ball ``H^m_R`` (module docstring) and its logarithm:
    ``(u + 1)^m / 2 + (omega_{m-1}/omega_m) (u + 1)^{m-1}`` with ``u = 2R/eps``.

    Examples
    --------
    >>> import sympy as sp
    >>> half_ball_packing(2, sp.Integer(1), sp.Rational(1, 2))[0]   # u = 4: 25/2 + (2/pi) 5
    10/pi + 25/2
    """
    u1 = 2 * R / e + 1
    c = unit_ball_volume(m - 1) / unit_ball_volume(m)
    expr = u1**m / 2 + c * u1 ** (m - 1)
    return expr, (m - 1) * sp.log(u1) + sp.log(u1 / 2 + c)


def disk_cover_candidates(R: sp.Expr, e: sp.Expr, half: bool) -> list[tuple]:
    r"""Certified upper bounds of ``N(W, eps)`` with centres in W, for the disk ``W = D_R`` or the
    half disk ``W = D^+_R = {|w| <= R, w_2 >= 0}`` (``half=True``), as candidates
    ``(expr, log_expr, method)``: the disk's own bound (folded onto the half disk as in
    :class:`_HalfBallCase`), the half-disk packing bound (:func:`half_ball_packing`), the polar grid
    ``ceil(R/(sqrt2 eps)) ceil(alpha R/(sqrt2 eps))`` and, for numeric eps, the band cover of the
    sector of angle ``alpha = pi`` (half disk) or ``2 pi`` (disk) — both proved in
    :class:`~symbound.quotient.finite._AnnularSectorCase` (a cover of the sector ``0 <= angle <=
    alpha`` with centres in it)."""
    b = Ball(2, R).covering(e, "upper")
    alpha = sp.pi if half else 2 * sp.pi
    n_r, n_a = _ceil(R / (sp.sqrt(2) * e)), _ceil(alpha * R / (sp.sqrt(2) * e))
    out = [(b.expr, b.log_expr, f"{'half disk folded from the disk' if half else 'disk'} "
            f"[{b.method}]"),
           (n_r * n_a, sp.log(n_r) + sp.log(n_a), "polar grid of the (half) disk")]
    if half:
        pk, lpk = half_ball_packing(2, R, e)
        out.append((pk, lpk, "packing in the half disk"))
    if is_numeric(e, R):
        plan = annular_sector_plan(sp.Integer(0), R, alpha, 0, e)
        if plan is not None:
            n = sp.Integer(int(plan[1].sum()))
            out.append((n, sp.log(n), f"band cover of the (half) disk ({plan[0]} bands)"))
    return out


class _HalfBallCase(Case):
    r"""SO(2) or O(2) rotating a coordinate plane of ``B^d_R``, ``d >= 3``: the quotient is the half
    ball ``H^m_R`` of ``R^m``, ``m = d - 1`` (module docstring), with the Euclidean metric.
    Certified:

    .. math::

        \frac{1}{2}\Big(\frac{R}{\varepsilon}\Big)^{m} \le N_G(B^d_R, \varepsilon)
        \le \min\Big(N(B^{m}_R, \varepsilon),\ \frac{(u + 1)^m}{2}
        + \frac{\omega_{m-1}}{\omega_m}(u + 1)^{m-1}\Big), \quad u = \frac{2R}{\varepsilon}.

    *Upper (folding):* take an eps-cover of ``B^m_R``; reflect every centre with ``rho < 0`` to
    ``-rho``: for y in H, ``|rho_y + rho_c| <= |rho_y - rho_c|``, so distances to points of H do not
    grow, and the centres now lie in H.  *Upper (packing):* the packing bound of the half ball
    (module docstring), about half the ball's for small eps.  *Upper (cells, numeric eps):* radial
    bands ``[a_i, a_i + 2 h_r]`` of ``rho`` times covers of the ball ``|z| <= sqrt(R^2 - a_i^2)`` of
    ``R^{d-2}`` by balls of radius ``h_z``, ``h_r^2 + h_z^2 <= eps^2`` (:mod:`._bands`; the band
    cover of :class:`~symbound.quotient.partial._PartialBallCase` with one centre per cell, whose
    centres outside H are projected onto it).  For d = 3 (the half disk) also the polar grid and
    the band cover of a sector of angle pi (:func:`disk_cover_candidates`).  *Lower (volume):*
    ``vol(H) = omega_m R^m / 2`` and an eps-ball of ``R^m`` has volume ``omega_m eps^m``.
    Asymptotic: the same volume ratio (up to the covering density, as in THEORY.md §1).
    """

    def __init__(self, space, group):
        super().__init__(space, group)
        self.d, self.R = space.manifold_dim, space.radius
        self.description = f"the half ball of R^{self.d - 1} of radius {self.R} (Euclidean metric)"

    @property
    def dim(self):
        return self.d - 1

    @property
    def volume(self):
        return unit_ball_volume(self.d - 1) * self.R ** (self.d - 1) / 2

    def upper(self, e):
        m = self.d - 1
        ref = REF + "; symbound.quotient.axial"
        cands = []
        if is_numeric(e, self.R):
            plan = ball_band_plan(self.R, e, None, m - 1)
            if plan is not None:
                cands.append((sp.Integer(plan[0]), sp.log(plan[0]),
                              f"cells of the half ball: {plan[1]} radial bands x covers of B^(d-2)",
                              REF + "; symbound.quotient._bands", ()))
        if m == 2:
            cands += [(x, lx, how, ref, ()) for x, lx, how in
                      disk_cover_candidates(self.R, e, half=True)]
            return best(cands, "upper")
        b = Ball(m, self.R).covering(e, "upper")
        pk, lpk = half_ball_packing(m, self.R, e)
        cands += [(b.expr, b.log_expr, f"folded cover of B^(d-1)_R: N(B^(d-1), eps) [{b.method}]",
                   REF + "; " + b.reference, b.regime),
                  (pk, lpk, "packing in the half ball H^(d-1)_R", ref, ())]
        return best(cands, "upper")

    def _ratio(self, e):
        m = self.d - 1
        return (self.R / e) ** m / 2, m * sp.log(self.R / e) - sp.log(2)

    def lower(self, e):
        x, lx = self._ratio(e)
        return best([(x, lx, "volume of the half ball", REF, ())], "lower")

    def asymptotic(self, e):
        x, lx = self._ratio(e)
        regime = (ASYM,) if self.d - 1 == 1 else (ASYM, _DENSITY)
        return record(x, lx, "asymptotic", "volume ratio of the half ball", REF, regime)


class _HemisphereCase(Case):
    r"""SO(2) or O(2) rotating a coordinate plane of ``S^{d-1}`` ⊂ R^d, ``d >= 3``: the quotient is the
    closed hemisphere Q of ``S^{m-1}`` ⊂ R^m, ``m = d - 1``, with the chordal metric (module
    docstring); its dimension is ``d - 2``.  N = 1 for ``eps >= 2``; below:

    * ``d = 3`` (SO(2) about an axis of ``S^2``), **exact**: Q is a half circle; with the polar angle
      psi in ``[0, pi]`` the metric is ``2 sin(|psi - psi'|/2)``, so an eps-ball of Q is an arc of psi
      of length at most ``4 asin(eps/2)`` and

      .. math:: N_G(S^2, \varepsilon) = \Big\lceil \frac{\pi}{4 \arcsin(\varepsilon/2)} \Big\rceil

      (k arcs cover ``[0, pi]`` only if ``4 k asin(eps/2) >= pi``; the centres
      ``psi_j = (2j + 1) pi / (2k)`` achieve it).
    * ``d >= 4``, **certified**: upper, the smaller of ``N(S^{m-1}, eps)`` (a cover of the sphere
      folded onto Q: ``rho -> |rho|`` does not increase distances to Q) and the hemisphere packing
      bound of the module docstring; lower, the cap argument: Q has area
      ``m omega_m / 2`` and a chordal eps-ball meets the sphere in a cap of geodesic radius
      ``phi = 2 asin(eps/2)`` and area at most ``omega_{m-1} phi^{m-1}``, so

      .. math:: N_G(S^{d-1}, \varepsilon) \ge \frac{m\,\omega_m}{2\,\omega_{m-1}\,\phi^{m-1}} .

    Asymptotic: ``m omega_m / (2 omega_{m-1} eps^{m-1})`` (half the sphere's volume ratio; exact
    leading order for d = 3, up to the covering density for d >= 5).
    """

    def __init__(self, space, group):
        super().__init__(space, group)
        self.m = space.ambient_dim - 1
        self.description = (f"the closed hemisphere of S^{self.m - 1} in R^{self.m} (chordal metric)"
                            if self.m >= 3 else
                            "a half circle (polar angle in [0, pi], chordal metric)")

    @property
    def dim(self):
        return self.m - 1

    @property
    def volume(self):
        return self.m * unit_ball_volume(self.m) / 2

    def _one(self, e):
        if is_numeric(e) and sp.Ge(_exact(e), 2) is sp.true:
            return record(1, 0, "exact", "one ball (eps >= 2 = diameter)", REF)
        return None

    def _half_circle(self, e):
        n = _ceil(sp.pi / (4 * sp.asin(clip(e, 2) / 2)))
        return record(n, sp.log(n), "exact", "arcs of the half circle: ceil(pi / (4 asin(eps/2)))",
                      REF + "; symbound.quotient.axial")

    def upper(self, e):
        one = self._one(e)
        if one is not None:
            return one
        if self.m == 2:
            return self._half_circle(e)
        m, u = self.m, 2 / clip(e, 2)  # u >= 1: the value at eps = 2 bounds every larger eps
        c = unit_ball_volume(m - 1) / unit_ball_volume(m)
        # positive-term form of ((u+1)^m - (u-1)^m)/2 = sum_{k odd} C(m,k) u^(m-k)
        shell = sp.Add(*[sp.binomial(m, k) * u ** (m - k) for k in range(1, m + 1, 2)])
        slab = 2 * (m - 1) * c * (u + 1) ** (m - 3) * u
        cands = [(shell + slab, sp.log(shell + slab), "packing in the hemisphere",
                  REF + "; symbound.quotient.axial", ())]
        if is_numeric(e):
            b = Sphere(m).covering(e, "upper")
            cands.append((b.expr, b.log_expr, f"folded cover of S^(d-2): N(S^(d-2), eps) "
                          f"[{b.method}]", REF + "; " + b.reference, b.regime))
        return best(cands, "upper")

    def lower(self, e):
        one = self._one(e)
        if one is not None:
            return one
        if self.m == 2:
            return self._half_circle(e)
        m = self.m
        phi = 2 * sp.asin(clip(e, 2) / 2)
        om = unit_ball_volume(m - 1)
        x = m * unit_ball_volume(m) / (2 * om * phi ** (m - 1))
        lx = sp.log(m * unit_ball_volume(m) / (2 * om)) - (m - 1) * sp.log(phi)
        return best([(x, lx, "cap-area argument on the hemisphere (sin t <= t)", REF, ())], "lower")

    def asymptotic(self, e):
        m = self.m
        k = m * unit_ball_volume(m) / (2 * unit_ball_volume(m - 1))
        regime = (ASYM,) if m - 1 == 1 else (ASYM, _DENSITY)
        return record(k / e ** (m - 1), sp.log(k) - (m - 1) * sp.log(e), "asymptotic",
                      "area of the hemisphere / (omega_{m-1} eps^{m-1})", REF, regime)


# ------------------------------------------------------------------------------------------------
# registered pairs
# ------------------------------------------------------------------------------------------------

_ROTATIONS = (SO, O)


def _half_ball(space, group, options):
    if group.degree == 2 and space.manifold_dim >= 3:
        return _HalfBallCase(space, group)
    return None


def _hemisphere(space, group, options):
    if group.degree == 2 and space.ambient_dim >= 3:
        return _HemisphereCase(space, group)
    return None


register(Pair(
    key="half-ball", title="SO(2)/O(2) on a coordinate plane of B^d_R, d >= 3 (about an axis of B^3)",
    spaces=(Ball,), groups=_ROTATIONS, build=_half_ball,
    method="folded cover of B^{d-1} or packing in the half ball; volume of the half ball",
    status="certified", quotient_dim="d - 1", drop="1",
    proof="symbound.quotient.axial._HalfBallCase", priority=60))
register(Pair(
    key="hemisphere",
    title="SO(2)/O(2) on a coordinate plane of S^{d-1}, d >= 3 (about an axis of S^2)",
    spaces=(Sphere,), groups=_ROTATIONS, build=_hemisphere,
    method="d = 3: arcs of a half circle (exact); d >= 4: packing in the hemisphere or folded "
           "cover of S^{d-2}, cap-area lower bound",
    status="certified", quotient_dim="d - 2", drop="1",
    proof="symbound.quotient.axial._HemisphereCase", priority=60))
