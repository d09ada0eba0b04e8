r"""Finite groups and finite sets of isometries (THEORY.md §2).

* C_k and D_k on planar disks and annuli: band cover of a fundamental sector
  (:class:`_AnnularSectorCase`), together with the packing bound below;
* C_k and D_k on the circle S^1: exact arc count in the quotient (:class:`_CircleArcCase`);
* any finite group of orthogonal or permutation matrices acting on a ball, annulus, sphere, cube,
  torus or product of those (``S(X) ⊆ X`` checked): the packing bound in the quotient,
  ``N_G <= (V + sum_h W_h) / (|G| v)`` (:class:`_FiniteGroupCase`);
* finite sets that are not groups: ``N_S <= |G'| N_G`` with G the generated group and
  ``S+ G' = G`` (:class:`_FiniteSetCase`).

The packing bound and its proof are in :mod:`symbound.quotient._packing`.  Lower bounds:
``N_lower(X)/|S+|`` (THEORY.md §2).  The pairs are registered at the end of the module.
"""

from __future__ import annotations

import sympy as sp

from ..groups import Cyclic, Dihedral, TransformationSet, TransformationSetBase
from ..spaces import Annulus, Ball, Cube, Product, Sphere, Torus, _ceil, _cond, _exact
from ._common import ASYM, REF, Case, best, is_numeric, record
from ._elements import coset_cover, element_types, generated_group
from ._geometry import geometry
from ._packing import PackingBound, grid_orbits
from ._planar import annular_sector_plan, planar_radii
from .registry import Pair, lookup, register

__all__: list[str] = []

_PACKING_REF = REF + "; symbound.quotient._packing (packing in the quotient)"


def packing_bound(space, group) -> PackingBound | None:
    """The packing bound of a finite group acting on ``space``, or None (no geometry)."""
    geom = geometry(space)
    if geom is None or not (group.is_finite and group.is_group):
        return None
    return PackingBound(space, geom, group.order, element_types(group))


def packing_candidate(bound: PackingBound | None, e) -> tuple | None:
    """The packing bound at eps as a candidate ``(expr, log_expr, method, reference, regime)``, or
    None when it does not apply at this eps (a torus ball must embed)."""
    if bound is None:
        return None
    regime = bound.regime(e)
    if any(sp.sympify(c) is sp.false for c in regime):
        return None
    expr, log_expr = bound.value(e)
    what = (f"packing in the quotient, (V + sum_h W_h) / (|G| v) with |G| = {bound.order}"
            if bound.factor == 1 else
            f"|G'| N_G: {bound.factor} x packing in the quotient by the generated group "
            f"(|G| = {bound.order})")
    kept = tuple(_cond(c) for c in regime if sp.sympify(c) is not sp.true)
    return expr, log_expr, what, _PACKING_REF, kept


class _AnnularSectorCase(Case):
    r"""C_k or D_k rotating a disk or annulus ``r_1 <= |x| <= r_2`` of ``R^2``.

    A fundamental domain is the sector ``{r_1 <= |x| <= r_2, 0 <= angle <= alpha}`` with
    ``alpha = 2 pi / k`` (C_k) or ``pi / k`` (D_k, between two adjacent mirror lines): every x is
    ``g(y)`` with y in it, so an eps-cover of the sector (centres in the sector) is an (eps, G)-cover.
    Every finite group of orthogonal 2x2 matrices (e.g. a ``TransformationSet`` that is a group) is
    C_k, k = |G|, or the conjugate of D_k, k = |G|/2, by a rotation, whose fundamental domain is the
    rotated sector of angle ``2 pi / |G|``: the same count applies.  The packing bound of
    :mod:`symbound.quotient._packing` is a further candidate.

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
        self.packing = packing_bound(space, group)
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
            packing = packing_candidate(self.packing, e)
            if packing is not None:
                cands.append(packing)
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


class _CircleArcCase(Case):
    r"""A finite group G of orthogonal 2x2 matrices on the circle ``S^1 = Sphere(2)`` (chordal metric).

    G is ``C_k`` (``|G| = k``) or a conjugate of ``D_k`` by a rotation (``|G| = 2k``).  A chordal
    eps-ball of ``S^1`` is the closed arc of half-length ``t = 2 asin(eps/2)`` (``eps < 2``).

    * ``C_k``: the quotient is the circle ``R / (2 pi / k) Z``, and ``d_G([x], [y]) =
      min_g |x - g y| = 2 sin(delta/2)`` with ``delta`` the distance of the angles modulo
      ``2 pi / k`` (at most ``pi / k <= pi``, where the chord is increasing), so a quotient
      eps-ball is an arc of half-length t of a circle of length ``2 pi / k``.
    * ``D_k`` (mirror lines at angles ``pi j / k`` after a rotation): the quotient is the interval
      ``[0, pi / k]``, and for angles ``a, b`` in it the orbit of b is ``{+-b + 2 pi j / k}``, whose
      nearest point to a is b itself: ``|a - b| <= a + b`` and ``|a - b| <= 2 pi / k - a - b``.  A
      quotient eps-ball is a sub-interval of length at most 2t.

    A circle or interval of length ``L = 2 pi / |G|`` is covered by ``ceil(L / (2t))`` closed arcs
    of length 2t (evenly spaced) and by no fewer (each covers length at most 2t), so

    .. math::

        N_G(S^1, \varepsilon) = \Big\lceil \frac{\pi}{|G|\, 2 \arcsin(\varepsilon/2)} \Big\rceil ,
        \qquad \varepsilon < 2 \quad (1 \text{ for } \varepsilon \ge 2),

    exactly; ``|G| = 1`` is the space's own exact count.  **Asymptotic:** ``pi / (|G| eps)``.
    """

    def __init__(self, space, group):
        super().__init__(space, group)
        self.order = group.order
        self.description = (f"an arc of length 2π/{self.order} of S^1 (fundamental domain of "
                            f"{group.name}), the circle's intrinsic metric")

    @property
    def dim(self):
        return 1

    @property
    def volume(self):
        return 2 * sp.pi / self.order

    def _exact_count(self, e):
        if is_numeric(e) and not sp.Lt(_exact(sp.sympify(e)), 2):
            n, regime = sp.Integer(1), ()
        else:
            n = _ceil(sp.pi / (self.order * 2 * sp.asin(e / 2)))
            regime = () if is_numeric(e) else (_cond(sp.Lt(e, 2)),)
        return record(n, sp.log(n), "exact",
                      f"exact arc count of the quotient: ceil(π / ({self.order} · 2 asin(ε/2)))",
                      REF + "; symbound.quotient.finite._CircleArcCase", regime)

    def upper(self, e):
        return self._exact_count(e)

    def lower(self, e):
        return self._exact_count(e)

    def asymptotic(self, e):
        return record(sp.pi / (self.order * e), sp.log(sp.pi / self.order) - sp.log(e), "asymptotic",
                      "arc length / (2 eps): π / (|G| ε)", REF, (ASYM,))


class _FiniteGroupCase(Case):
    r"""A finite group G of orthogonal (or permutation) matrices mapping X into X.

    Upper: the packing bound in the quotient (:mod:`symbound.quotient._packing`),

    .. math::

        N_G(X, \varepsilon) \le \frac{\operatorname{vol}(X + B_{\varepsilon/2})
        + \sum_{h \ne e} W_h}{|G| \operatorname{vol}(B_{\varepsilon/2})},

    ``W_h`` the volume near the fixed set of h; the smaller of it and ``N(X)``.  Its ratio to the
    packing bound of ``N(X)`` tends to ``|G|`` as eps -> 0.  Lower: ``N_lower(X)/|G|``.
    Asymptotic: ``N(X)/|G|`` (a non-identity isometry fixes a proper subspace, a null set).
    """

    def __init__(self, space, group, bound: PackingBound):
        super().__init__(space, group)
        self.bound = bound
        self.kinds = tuple(k for k in ("upper", "lower", "asymptotic") if k in space.available_kinds)
        self.description = (f"{space.name} modulo the finite group {group.name} of order "
                            f"{group.order} (packing in the quotient)")

    @property
    def dim(self):
        return self.space.manifold_dim

    @property
    def volume(self):
        v = self.space.volume
        return None if v is None else v / self.group.order

    def upper(self, e):
        cands = [self.trivial_upper(e)]
        packing = packing_candidate(self.bound, e)
        if packing is not None:
            cands.append(packing)
        orbits = grid_orbits(self.space, self.bound.order, self.bound.types, e)
        if orbits is not None:
            cands.append((orbits, sp.log(orbits),
                          "orbits of the invariant grid cover (Burnside): sum_h m^c(h) / |G|",
                          _PACKING_REF, ()))
        return best(cands, "upper", evaluate=False)

    def lower(self, e):
        return best([self.finite_lower(e)], "lower")

    def asymptotic(self, e):
        return self.finite_asymptotic(e)


class _FiniteSetCase(Case):
    r"""A finite set S of orthogonal (or permutation) matrices that is not a group, mapping X into X.

    Upper: ``N_S <= |G'| N_G`` with G the group S generates and ``S+ G' = G``
    (:mod:`symbound.quotient._packing`), ``N_G`` the certified upper bound of the registered pair
    (X, G); the smaller of it and ``N(X)``.  Lower: ``N_lower(X)/|S+|``.  No asymptotic form is
    claimed.  Both bounds scale like ``eps^{-dim X}``, so the quotient dimension is ``dim X``.
    """

    def __init__(self, space, group, generated: TransformationSet, group_case: Case, factor: int):
        super().__init__(space, group)
        self.generated, self.group_case, self.factor = generated, group_case, factor
        self.kinds = tuple(k for k in ("upper", "lower") if k in space.available_kinds)
        self.description = (f"{space.name} modulo the set {group.name} of {group.order} maps "
                            f"(not a group; it generates a group of order {generated.order}, "
                            f"covered by {factor} translates of S+)")

    @property
    def dim(self):
        return self.space.manifold_dim

    def upper(self, e):
        g = self.group_case.upper(e)
        q = sp.Integer(self.factor)
        cand = (q * g.expr, sp.log(q) + g.log_expr,
                f"|G'| N_G with |G'| = {self.factor}, G generated by S (order "
                f"{self.generated.order}) [{g.method}]", _PACKING_REF + "; " + g.reference, g.regime)
        return best([self.trivial_upper(e), cand], "upper", evaluate=False)

    def lower(self, e):
        return best([self.finite_lower(e)], "lower")


# ------------------------------------------------------------------------------------------------
# registered pairs
# ------------------------------------------------------------------------------------------------


def _sector(space, group, options):
    # every finite group of orthogonal 2x2 matrices is C_k (rotations by 2 pi j / k) or a conjugate
    # of D_k by a rotation: a fundamental domain is a sector of angle 2 pi / |G|
    if planar_radii(space) is None or not (group.is_finite and group.is_group):
        return None
    return _AnnularSectorCase(space, group)


register(Pair(
    key="sector", title="C_k, D_k (any finite group of orthogonal 2x2 matrices) on a disk or annulus",
    spaces=(Annulus, Ball), groups=(Cyclic, Dihedral, TransformationSet), build=_sector,
    method="band cover of a fundamental sector; N(X)/|G| and radius-map lower bounds",
    status="certified", quotient_dim="2", drop="0",
    proof="symbound.quotient.finite._AnnularSectorCase", priority=50))


def _circle_arcs(space, group, options):
    # every finite group of orthogonal 2x2 matrices is C_k or a rotated D_k (see _sector)
    if space.manifold_dim != 1 or not (group.is_finite and group.is_group):
        return None
    return _CircleArcCase(space, group)


register(Pair(
    key="circle-arcs", title="C_k, D_k (any finite group of orthogonal 2x2 matrices) on the circle S^1",
    spaces=(Sphere,), groups=(Cyclic, Dihedral, TransformationSet), build=_circle_arcs,
    method="arcs of the quotient circle or interval of length 2 pi / |G|: ceil(pi / (|G| 2 asin(eps/2)))",
    status="exact", quotient_dim="1", drop="0",
    proof="symbound.quotient.finite._CircleArcCase", priority=50))


_FINITE_SPACES = (Ball, Sphere, Annulus, Cube, Torus, Product)


def _finite_group(space, group, options):
    bound = packing_bound(space, group)
    return None if bound is None else _FiniteGroupCase(space, group, bound)


def _finite_set(space, group, options):
    if group.is_group or (geometry(space) is None and planar_radii(space) is None):
        return None
    gens = group.elements()
    atol = max(group.matrix_tolerance, 1e-9)
    closure = generated_group(gens, atol)
    if closure is None:
        return None
    full, depth = closure
    chosen = coset_cover(full, gens, atol)
    if chosen is None:
        return None
    # a product of `depth` stored matrices is within depth (atol + rounding) of the exact product
    d = gens.shape[1]
    tol = (depth + 1) * (atol + 8 * d * 2.0**-53)
    generated = TransformationSet(full, is_group=True, atol=tol, name=f"<{group.name}>")
    _, group_case = lookup(space, generated, options)
    return _FiniteSetCase(space, group, generated, group_case, len(chosen))


register(Pair(
    key="finite-group",
    title="a finite group of orthogonal or permutation matrices on a ball, annulus, sphere, cube, "
          "torus or product",
    spaces=_FINITE_SPACES, groups=(TransformationSetBase,), build=_finite_group,
    method="packing in the quotient: (vol(X + B) + sum_h W_h) / (|G| vol(B)); N(X)/|G| lower",
    status="certified", quotient_dim="dim X", drop="0",
    proof="symbound.quotient._packing (module docstring)", priority=30))
register(Pair(
    key="finite-set",
    title="a finite set (not a group) of orthogonal or permutation matrices on the same spaces",
    spaces=_FINITE_SPACES, groups=(TransformationSet,), build=_finite_set,
    method="|G'| N_G with G generated by S and S+ G' = G; N(X)/|S+| lower", status="certified",
    quotient_dim="dim X", drop="0", proof="symbound.quotient._packing (module docstring)",
    priority=29))
