r"""The diagonal action of O(d) or SO(d) on pairs of points, ``g (x, y) = (g x, g y)`` (THEORY.md
§2): the space is ``Product(A, B, metric)`` of two balls ``B^d_{R_1}``, ``B^d_{R_2}`` or two unit
spheres ``S^{d-1}``, the group acts on ``R^d`` (``group.n = d``; each point of the pair is
transformed alike, as numeric data of shape ``(..., 2, d)``).

**SO(d) and O(d) have the same orbits for d >= 3.**  x and y span a subspace of dimension at most
2 < d, so some reflection r fixes both; for g in O(d) with ``det g = -1``, ``g r`` is in SO(d) and
``g r (x, y) = g (x, y)``.  For d = 2 they differ (SO(2) keeps the orientation of the pair).

**Invariants.**  The orbit of ``(x, y)`` is determined by the Gram matrix, i.e. by
``(|x|, |y|, <x, y>)`` (O(d); for SO(2) in the plane also the sign of ``det(x, y)``), and every
pair is equivalent to its *canonical form*
``s(a, w) = ((a, 0, ..., 0), (w_1, w_2, 0, ..., 0))`` with ``a = |x|`` and ``w`` in the half disk
``D^+_{R_2} = {|w| <= R_2, w_2 >= 0}`` (O(d), or SO(d) with d >= 3) or in the disk ``D_{R_2}``
(SO(2)).  The quotient has dimension 3 (balls) or 1 (spheres) for every d >= 2.

**Metric comparison (balls).**  Let ``d_G`` be the quotient metric of the max metric
``max(|x - x'|, |y - y'|)`` or of the Euclidean one ``(|x - x'|^2 + |y - y'|^2)^{1/2}``.

* *Above*, by the section: ``d_G([s(a, w)], [s(a', w')]) <= max(|a - a'|, |w - w'|)`` (resp. the
  Euclidean distance of ``(a, w)`` and ``(a', w')`` in ``R^3``), since the two canonical forms are
  themselves a pair of representatives.
* *Below*, by the invariants: for every g, with ``s = |g x - x'|``, ``t = |g y - y'|``,
  ``||x| - |x'|| <= s``, ``||y| - |y'|| <= t`` and

  .. math::

      |\langle x, y\rangle - \langle x', y'\rangle|
      = |\langle g x - x', g y\rangle + \langle x', g y - y'\rangle| \le R_2 s + R_1 t ,

  so ``F(x, y) = (|x|, |y|, <x, y>/(R_1 + R_2))`` is 1-Lipschitz from ``d_G`` (max metric) into
  the sup norm of ``R^3``, and ``F_2 = (|x|, |y|, <x, y>/kappa)``, ``kappa = (R_1^2 + R_2^2)^{1/2}``,
  is 1-Lipschitz from ``d_G`` (Euclidean metric) into the norm ``max(|(p, q)|_2, |r|)`` of
  ``R^2 x R`` (Cauchy-Schwarz: ``R_2 s + R_1 t <= kappa (s^2 + t^2)^{1/2}``).  Both are invariant.

**Metric (spheres), exact.**  For unit vectors let ``phi`` be the angle between x and y.  For
every g, ``angle(gx, x') + angle(gy, y') >= |phi - phi'|`` (triangle inequality of the geodesic
distance), and both are ``|phi - phi'|/2`` when g maps the bisector of ``(x, y)`` to that of
``(x', y')`` in a common plane.  Chordal distance ``2 sin(angle/2)`` is increasing, and for
``alpha + beta = Delta <= pi`` the sum ``4 sin^2(alpha/2) + 4 sin^2(beta/2)`` is smallest at
``alpha = beta`` (its only interior critical point; at the ends it is
``4 sin^2(Delta/2) >= 8 sin^2(Delta/4)`` because ``cos(Delta/2) >= 0``), so

.. math:: d_G = \kappa \sin(|\phi - \phi'|/4), \qquad \kappa = 2 \ (\max), \quad
          \kappa = 2\sqrt2 \ (\text{Euclidean}),

with phi in ``[0, pi]`` (O(d), SO(d) for d >= 3) or, for SO(2) on ``S^1``, the signed angle on
the circle ``R / 2 pi Z`` and ``|phi - phi'|`` the circular distance.  The proofs of the bounds
are in the case classes.
"""

from __future__ import annotations

import sympy as sp

from ..groups import O, SO
from ..spaces import Ball, Product, Sphere, _ceil, _exact, unit_ball_volume
from ._common import ASYM, REF, Case, best, is_numeric, record
from .axial import clip, disk_cover_candidates
from .registry import Pair, register

__all__: list[str] = []

#: splits (cos t, sin t) of eps into the radius of the interval cells and of the (half) disk cells
_SPLITS = tuple((sp.Rational(a, c), sp.Rational(b, c)) for a, b, c in ((3, 4, 5), (4, 3, 5),
                                                                       (20, 21, 29), (21, 20, 29)))

_PAIRS_REF = REF + "; symbound.quotient.pairs"


class _BallPairsCase(Case):
    r"""O(d) or SO(d) (``d >= 2``) acting diagonally on ``B^d_{R_1} x B^d_{R_2}`` (module docstring).

    **Upper bounds** (section; centres ``s(a, w)`` lie in X).  Max metric: a cover of ``[0, R_1]``
    by ``ceil(R_1/(2 eps))`` points times an eps-cover of W (``D^+_{R_2}``, or ``D_{R_2}`` for SO(2)
    in the plane) with centres in W:

    .. math:: N_G \le \Big\lceil\frac{R_1}{2\varepsilon}\Big\rceil N(W, \varepsilon),

    with ``N(W, eps)`` bounded by :func:`~symbound.quotient.axial.disk_cover_candidates` (folded
    disk, half-disk packing, polar grid, band cover), and the same with the roles of the two points
    exchanged.  Euclidean metric: the same product with cells of radii ``h_1``, ``h_2``,
    ``h_1^2 + h_2^2 = eps^2`` (``ceil(R_1/(2 h_1)) N(W, h_2)``; ``h_1 = h_2 = eps/sqrt2`` is the
    max-metric bound at ``eps/sqrt 2``), and the packing bound of the convex body
    ``K = [0, R_1] x W`` of ``R^3``:
    ``K + B_r ⊆ [-r, R_1 + r] x (W + B_r)``, whose area is ``|W| + per(W) r + pi r^2`` (Steiner;
    ``|D^+| = pi R^2/2``, ``per(D^+) = (pi + 2) R``), so with ``r = eps/2``

    .. math:: N_G \le \frac{(R_1 + 2r)\,(|W| + \mathrm{per}(W)\, r + \pi r^2)}{\tfrac43 \pi r^3} .

    **Lower bounds** (the invariants F, F_2 of the module docstring map an (eps, G)-cover to an
    eps-cover of their images).  Max metric: the image of ``(|x|, |y|)`` is the rectangle
    ``[0, R_1] x [0, R_2]``, which needs exactly ``ceil(R_1/(2 eps)) ceil(R_2/(2 eps))`` sup-norm
    balls; the image of F, ``{0 <= a <= R_1, 0 <= b <= R_2, |c| <= a b/(R_1 + R_2)}``, has volume
    ``R_1^2 R_2^2 / (2 (R_1 + R_2))`` against ``(2 eps)^3`` for a sup-norm ball:

    .. math:: N_G \ge \frac{R_1^2 R_2^2}{16 (R_1 + R_2)\,\varepsilon^3} .

    Euclidean metric: ``d_2 >= d_max`` gives the max-metric bounds, and the image of ``F_2`` (volume
    ``R_1^2 R_2^2/(2 kappa)``) against the cylinder ``B^2_eps x [-eps, eps]`` (volume
    ``2 pi eps^3``): ``N_G >= R_1^2 R_2^2 / (4 pi kappa eps^3)``.  For SO(2) in the plane these are
    the O(2) bounds (``N_SO(2) >= N_O(2)``).

    **Asymptotic** (Euclidean metric).  The quotient metric is the Bures-Wasserstein distance of
    the Gram matrices, the same for every d >= 2 (orthogonal Procrustes:
    ``min_g |g X - X'|_F^2 = tr G + tr G' - 2 ||G^{1/2} G'^{1/2}||_*``).  Its volume, computed in
    d = 2 where the O(2)-orbit of ``(x, y)`` has length ``4 pi (|x|^2 + |y|^2)^{1/2}`` (two circles;
    one for SO(2)), is by the coarea formula

    .. math::

        \mathrm{vol}(X/G) = \int_X \frac{dx\,dy}{4\pi\sqrt{|x|^2 + |y|^2}}
        = \frac{\pi}{3}\Big((R_1^2 + R_2^2)^{3/2} - R_1^3 - R_2^3\Big)

    (twice that for SO(2) in the plane), and ``N_G ~ vol(X/G) / (omega_3 eps^3)`` up to the covering
    density (THEORY.md §2).  No asymptotic form is given for the max metric, which is not
    Riemannian.
    """

    def __init__(self, space, group):
        super().__init__(space, group)
        self.R1, self.R2 = space.A.radius, space.B.radius
        self.metric = space.metric
        self.oriented = isinstance(group, SO) and group.degree == 2
        self.kinds = ("upper", "lower", "asymptotic") if self.metric == "euclidean" else \
            ("upper", "lower")
        w = "disk" if self.oriented else "half disk"
        self.description = (f"pairs of points of {space.A.name} x {space.B.name} modulo "
                            f"{group.name}: Gram invariants (|x|, |y|, <x, y>); canonical forms "
                            f"[0, R1] x ({w} of radius R2) ({self.metric} metric)")

    @property
    def dim(self):
        return 3

    @property
    def volume(self):
        if self.metric != "euclidean":
            return None
        R1, R2 = self.R1, self.R2
        v = sp.pi / 3 * ((R1**2 + R2**2) ** sp.Rational(3, 2) - R1**3 - R2**3)
        return 2 * v if self.oriented else v

    # -- upper ------------------------------------------------------------------------------
    def _max_upper(self, e):
        out = []
        for Ra, Rb, which in ((self.R1, self.R2, "1"), (self.R2, self.R1, "2")):
            n = _ceil(Ra / (2 * e))
            for x, lx, how in disk_cover_candidates(Rb, e, half=not self.oriented):
                out.append((n * x, sp.log(n) + lx,
                            f"canonical forms: ceil(R{which}/(2 eps)) N(W, eps) [{how}]", _PAIRS_REF,
                            ()))
        return out

    def _split_upper(self, e):
        """Euclidean metric, numeric eps: ``ceil(R_a/(2 h_1)) N(W, h_2)``, ``h_1^2 + h_2^2 = eps^2``."""
        out = []
        for c, s in _SPLITS:
            for Ra, Rb, which in ((self.R1, self.R2, "1"), (self.R2, self.R1, "2")):
                n = _ceil(Ra / (2 * c * e))
                for x, lx, how in disk_cover_candidates(Rb, s * e, half=not self.oriented):
                    out.append((n * x, sp.log(n) + lx, f"canonical forms, cells of radii "
                                f"({c} eps, {s} eps): ceil(R{which}/(2 h1)) N(W, h2) [{how}]",
                                _PAIRS_REF, ()))
        return out

    def _steiner(self, Ra, Rb, e, which):
        r = e / 2
        if self.oriented:
            area = sp.pi * (Rb + r) ** 2
        else:
            area = sp.pi * Rb**2 / 2 + (sp.pi + 2) * Rb * r + sp.pi * r**2
        x = (Ra + 2 * r) * area / (sp.Rational(4, 3) * sp.pi * r**3)
        return (x, sp.log(x), f"packing of the canonical forms [0, R{which}] x W in R^3 (Steiner)",
                _PAIRS_REF, ())

    def upper(self, e):
        if self.metric == "max":
            cands = self._max_upper(e)
        else:
            cands = [(x, lx, how.replace("canonical forms:", "max-metric bound at eps/sqrt2:"), ref, reg)
                     for x, lx, how, ref, reg in self._max_upper(e / sp.sqrt(2))]
            cands += [self._steiner(self.R1, self.R2, e, "1"), self._steiner(self.R2, self.R1, e, "2")]
            if is_numeric(e):
                cands += self._split_upper(e)
        if is_numeric(e):
            cands.append(self.trivial_upper(e))
        return best(cands, "upper")

    # -- lower ------------------------------------------------------------------------------
    def lower(self, e):
        R1, R2 = self.R1, self.R2
        rect = _ceil(R1 / (2 * e)) * _ceil(R2 / (2 * e))
        gram = R1**2 * R2**2 / (16 * (R1 + R2) * e**3)
        cands = [(rect, sp.log(rect), "invariants (|x|, |y|) onto a rectangle (sup norm)",
                  _PAIRS_REF, ()),
                 (gram, sp.log(gram), "volume of the Gram-invariant image (sup norm)", _PAIRS_REF, ())]
        if self.metric == "euclidean":
            kappa = sp.sqrt(R1**2 + R2**2)
            cyl = R1**2 * R2**2 / (4 * sp.pi * kappa * e**3)
            cands.append((cyl, sp.log(cyl), "volume of the Gram-invariant image (cylinder norm)",
                          _PAIRS_REF, ()))
        return best(cands, "lower")

    def asymptotic(self, e):
        v = self.volume
        om = unit_ball_volume(3)
        return record(v / (om * e**3), sp.log(v / om) - 3 * sp.log(e), "asymptotic",
                      "vol(X/G) / (omega_3 eps^3) (Bures-Wasserstein volume of the Gram matrices)",
                      _PAIRS_REF, (ASYM, "up to the covering density theta_3 >= 1"))


class _SpherePairsCase(Case):
    r"""O(d) or SO(d) (``d >= 2``) acting diagonally on ``S^{d-1} x S^{d-1}`` (module docstring):
    ``d_G = kappa sin(|phi - phi'|/4)`` on the angle phi.  **Exact**: an eps-ball of the quotient
    is an interval of phi of half-width ``w = 4 asin(eps/kappa)`` (``eps < kappa``), so

    .. math::

        N_G = \Big\lceil \frac{\pi}{8 \arcsin(\varepsilon/\kappa)} \Big\rceil
        \ (\phi \in [0, \pi]), \qquad
        N_{SO(2)} = \Big\lceil \frac{\pi}{4 \arcsin(\varepsilon/\kappa)} \Big\rceil
        \ (\text{the circle, } S^1 \times S^1)

    (k intervals of length at most 2w cover a segment of length pi, or the circle of length
    ``2 pi``, only if ``2 k w`` reaches it; equally spaced centres achieve it), and ``N_G = 1`` for
    ``eps >= kappa``.  Asymptotic: ``kappa pi / (8 eps)`` (resp. ``kappa pi / (4 eps)``).
    """

    def __init__(self, space, group):
        super().__init__(space, group)
        self.kappa = 2 * sp.sqrt(2) if space.metric == "euclidean" else sp.Integer(2)
        self.circle = isinstance(group, SO) and group.degree == 2
        self.description = (f"pairs of unit vectors modulo {group.name}: the angle between them, "
                            + ("a circle" if self.circle else "[0, pi]")
                            + f" with d_G = {self.kappa} sin(|dphi|/4) ({space.metric} metric)")

    @property
    def dim(self):
        return 1

    @property
    def volume(self):
        return self.kappa * sp.pi / (2 if self.circle else 4)

    def _exact(self, e):
        if is_numeric(e) and sp.Ge(_exact(e), self.kappa) is sp.true:
            return record(1, 0, "exact", f"one ball (eps >= {self.kappa})", _PAIRS_REF)
        k = 4 if self.circle else 8
        n = _ceil(sp.pi / (k * sp.asin(clip(e, self.kappa) / self.kappa)))
        return record(n, sp.log(n), "exact",
                      f"intervals of the angle: ceil(pi / ({k} asin(eps/{self.kappa})))", _PAIRS_REF)

    def upper(self, e):
        return self._exact(e)

    def lower(self, e):
        return self._exact(e)

    def asymptotic(self, e):
        c = self.kappa * sp.pi / (4 if self.circle else 8)
        return record(c / e, sp.log(c) - sp.log(e), "asymptotic", "length of the angle interval / "
                      "(2 eps) in the metric kappa sin(|dphi|/4)", _PAIRS_REF, (ASYM,))


# ------------------------------------------------------------------------------------------------
# registered pairs
# ------------------------------------------------------------------------------------------------


def _diagonal(space, group, kind) -> bool:
    """Whether ``group`` (SO(d)/O(d) on all of R^d, d >= 2) acts diagonally on ``space``, a
    Product of two spaces of class ``kind`` in R^d."""
    A, B = space.A, space.B
    d = group.degree
    return (isinstance(A, kind) and isinstance(B, kind) and d >= 2 and group.n == d
            and A.ambient_dim == B.ambient_dim == d)


def _ball_pairs(space, group, options):
    return _BallPairsCase(space, group) if _diagonal(space, group, Ball) else None


def _sphere_pairs(space, group, options):
    return _SpherePairsCase(space, group) if _diagonal(space, group, Sphere) else None


register(Pair(
    key="ball-pairs", title="O(d)/SO(d) acting diagonally on pairs: Product(Ball(d), Ball(d))",
    spaces=(Product,), groups=(SO, O), build=_ball_pairs,
    method="canonical forms [0, R1] x half disk; Gram-invariant lower bounds", status="certified",
    quotient_dim="3", drop="2d - 3", proof="symbound.quotient.pairs._BallPairsCase", priority=95,
    checked=False))
register(Pair(
    key="sphere-pairs", title="O(d)/SO(d) acting diagonally on pairs: Product(Sphere(d), Sphere(d))",
    spaces=(Product,), groups=(SO, O), build=_sphere_pairs,
    method="the angle between the points: ceil(pi / (8 asin(eps/kappa)))", status="exact",
    quotient_dim="1", drop="2d - 3", proof="symbound.quotient.pairs._SpherePairsCase", priority=95,
    checked=False))
