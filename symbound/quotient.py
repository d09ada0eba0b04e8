r"""Covering numbers modulo a transformation set (THEORY.md §2).

Let S be a set of maps X -> X and ``S+ = S ∪ {id}``.  A set C ⊂ X is an **(eps, S)-cover** when every
x in X lies within eps of ``s(c)`` for some c in C and s in S+; ``N_S(X, eps)`` is the least size of
such a C.  For a group G of isometries ``N_G(X, eps) = N(X/G, d_G, eps)`` with the quotient metric
``d_G([x], [y]) = inf_g d(g x, y)``.  :func:`quotient` pairs a space of :mod:`symbound.spaces` with a
transformation set of :mod:`symbound.groups` and answers ``covering(eps, kind)`` with a
:class:`~symbound._covering.CoveringBound` (certified ``"upper"``/``"lower"``, ``"exact"``, or a
labelled ``"asymptotic"`` form).

Facts used everywhere (THEORY.md §2):

.. math::

    N_S(X, \varepsilon) \le N(X, \varepsilon), \qquad
    N(X, \varepsilon) \le |S^+|\, N_S(X, \varepsilon) \quad (S \text{ finite}).

The first is the *trivial upper bound* (an eps-cover is an (eps, S)-cover); the second gives the
certified lower bound ``N_lower(X, eps) / |S+|`` (if C is an (eps, S)-cover, ``{s(c)}`` is an
eps-cover of size at most ``|S+| |C|`` with centres in X).  Both need S to map X into itself, which
:func:`quotient` checks (it refuses, e.g., a rotation group on the cube ``[0, a]^d``).

Closed forms carried (each is derived in the docstring of the class that computes it):

=====================================================  =========================================
pair                                                   quotient, result
=====================================================  =========================================
SO(2)/O(2) on an annulus or disk                       ``[r1, r2]``: exact ``ceil((r2-r1)/(2 eps))``
SO(d)/O(d) on the ball ``B^d_R``                       ``[0, R]``: exact ``ceil(R/(2 eps))``
SO(2)/O(2) on a coordinate plane of ``B^d_R``, d >= 3  half ball of ``R^{d-1}``: certified bounds
SO(d)/O(d) on ``S^{d-1}``; translations of a torus     a point: exact ``1``
C_k, D_k on a disk/annulus (``R^2``)                   polar cover of a sector; ``N/|G|`` lower
S_n permuting n points of a space (``axis=-2``)        multiset cover ``C(N(base)+n-1, n)``
S_n permuting coordinates of a sup-cube / torus        the same (n points of ``[0, a]`` / a circle)
PartialRotations(theta) on an annulus or disk          band cover; radial-integral lower bound
compact group on a Manifold (declared orbit data)      ``vol(X/G) / (omega_{d0} eps^{d0})``
any other invariant pair                               trivial upper; ``N/|S+|`` lower if finite
=====================================================  =========================================

Examples
--------
>>> import sympy as sp
>>> from symbound.spaces import Annulus, Ball
>>> from symbound.groups import SO, Cyclic
>>> from symbound.quotient import quotient
>>> Q = quotient(Annulus(1, 2), SO(2))
>>> Q.dim, Q.covering_number(0.1), Q.covering(0.1).kind
(1, 5, 'exact')
>>> quotient(Ball(2, 1), Cyclic(8)).latex()
'B^{2}_{1} / C_{8}'
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from ._covering import KINDS, CoveringBound, check_kind
from ._validation import check_choice, check_integer, check_real
from .errors import InvalidTypeError, InvalidValueError
from .groups import (
    O,
    SO,
    Cyclic,
    Dihedral,
    PartialRotations,
    Symmetric,
    TransformationSet,
    TransformationSetBase,
    Translations,
)
from .spaces import (Annulus, Ball, Cube, FiniteSet, Manifold, Product, Space, Sphere, Torus, _ceil,
                     _check_eps, _exact, _to_sympy, unit_ball_volume)
from .symbols import symbol

__all__ = ["quotient", "QuotientSpace", "SUPPORTED"]

_REF = "THEORY.md §2"
_ASYM = "asymptotic as eps -> 0"
_FREE = ("the group acts freely off a null set and eps is small against the distance between "
         "points of an orbit (THEORY.md §2: N(X/G) ~ N(X)/|G|)")

#: what :func:`quotient` accepts, quoted in its error messages
SUPPORTED = (
    "supported pairs: (Ball | Annulus | Sphere, an orthogonal action: Cyclic, Dihedral, SO, O, "
    "PartialRotations, TransformationSet of orthogonal matrices) with group.n equal to the space's "
    "ambient dimension; (Cube | Torus, Symmetric(n, axis=-1) or a TransformationSet of permutation "
    "matrices); (Torus(d, p), Translations(d, p)); (any Space, Symmetric(n, axis=-2)) for n points of "
    "that space; (Manifold, any group) with orbit_dim= and quotient_volume= declared"
)


# --------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------


def _is_numeric(*xs: Any) -> bool:
    return all(not sp.sympify(x).free_symbols for x in xs)


def _fraction(x: sp.Expr) -> Fraction:
    """An exact rational of a numeric SymPy value (only for rational/float values)."""
    q = _exact(sp.sympify(x))
    if not q.is_Rational:
        q = sp.Rational(sp.N(q, 40))
    return Fraction(int(q.p), int(q.q))


def _record(expr, log_expr, kind, method, reference=_REF, regime=()) -> CoveringBound:
    return CoveringBound(expr=sp.sympify(expr), log_expr=sp.sympify(log_expr), kind=kind,
                         method=method, reference=reference, regime=tuple(regime))


def _merge_regimes(*regimes) -> tuple[str, ...]:
    out: list[str] = []
    for reg in regimes:
        out += [r for r in reg if r not in out]
    return tuple(out)


def _best(cands: list[tuple], kind: str) -> CoveringBound:
    """Combine certified candidates ``(expr, log_expr, method, reference, regime)``.

    ``kind="upper"``: the smallest; ``kind="lower"``: the largest (and at least 1).  Numeric values
    pick one candidate and name it; symbolic values give ``Min``/``Max``.
    """
    if kind == "lower":
        cands = cands + [(sp.Integer(1), sp.Integer(0), "trivial (N >= 1)", _REF, ())]
    if all(_is_numeric(c[1]) for c in cands):
        key = lambda c: float(sp.N(c[1], 30))  # noqa: E731
        best = min(cands, key=key) if kind == "upper" else max(cands, key=key)
        return _record(best[0], best[1], kind, best[2], best[3], best[4])
    if kind == "lower":
        cands = cands[:-1]
    if len(cands) == 1:
        c = cands[0]
        return _record(c[0], c[1], kind, c[2], c[3], c[4])
    op = sp.Min if kind == "upper" else sp.Max
    refs: list[str] = []
    for c in cands:
        if c[3] not in refs:
            refs.append(c[3])
    return _record(op(*[c[0] for c in cands]), op(*[c[1] for c in cands]), kind,
                   ("min(" if kind == "upper" else "max(") + "; ".join(c[2] for c in cands) + ")",
                   "; ".join(refs), _merge_regimes(*[c[4] for c in cands]))


def _log_factorial(n: int) -> sp.Expr:
    return sp.loggamma(sp.Integer(n) + 1)


def _order_plus(group: TransformationSetBase) -> tuple[sp.Expr, sp.Expr]:
    """|S+| and its logarithm."""
    if isinstance(group, Symmetric):
        return sp.factorial(sp.Integer(group.n)), _log_factorial(group.n)
    q = sp.Integer(group.order_plus)
    return q, sp.log(q)


def _group_is_orthogonal(group: TransformationSetBase) -> bool:
    if isinstance(group, (Cyclic, Dihedral, SO, O, PartialRotations)):
        return True
    if isinstance(group, TransformationSet):
        return bool(group.is_isometric)
    return False


def _is_permutation_matrix_set(group: TransformationSetBase) -> bool:
    if not isinstance(group, TransformationSet):
        return False
    m = group.elements()
    ok01 = np.all((np.abs(m) < 1e-12) | (np.abs(m - 1.0) < 1e-12))
    return bool(ok01 and np.allclose(m.sum(axis=1), 1.0) and np.allclose(m.sum(axis=2), 1.0))


def _radii(space: Space) -> tuple[sp.Expr, sp.Expr]:
    """(r1, r2) of a planar disk (Ball(2, R): r1 = 0) or annulus."""
    if isinstance(space, Annulus):
        return space.r_inner, space.r_outer
    return sp.Integer(0), space.radius


def _euclidean_points(base: Space) -> bool:
    """Whether ``base`` is a full-dimensional subset of R^p (or a flat torus) with the Euclidean metric,
    so that its closed eps-balls have volume at most ``omega_p eps^p``."""
    if isinstance(base, (Ball, Annulus, Torus)):
        return True
    return isinstance(base, Cube) and (base.metric == "euclidean" or base.dim == 1)


# --------------------------------------------------------------------------------------------
# the annular-sector band cover (C_k, D_k and partial rotations on planar disks and annuli)
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
    :class:`_AnnularSectorCase` for why the counts below make a cover.
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


def _annular_sector_plan(r1: Any, r2: Any, alpha: Any, theta: Any, eps: Any
                         ) -> tuple[int, np.ndarray] | None:
    """The band cover of the annular sector ``{r1 <= |x| <= r2, 0 <= angle <= alpha}`` modulo
    rotations by at most ``theta``, with the number of bands K chosen among admissible values to
    minimise the count.  Returns ``(K, counts)`` (``counts[i]`` centres in band i) or ``None`` when
    more than ``_MAX_BANDS`` bands would be needed.

    All arguments are numeric (SymPy numbers or floats).  ``alpha`` is ``2 pi / k`` (C_k),
    ``pi / k`` (D_k) or ``2 pi`` (partial rotations); ``theta`` is 0 for the finite groups.
    """
    L = _fraction(sp.sympify(r2) - sp.sympify(r1))
    e = _fraction(eps)
    k_min = math.ceil(L / (2 * e))  # smallest K with h = L/(2K) <= eps (exact)
    k_min = max(k_min, 1)
    f_r1, f_r2 = float(_exact(sp.sympify(r1))), float(_exact(sp.sympify(r2)))
    f_alpha, f_theta = float(sp.N(alpha, 20)), float(sp.N(theta, 20))
    if k_min > _MAX_BANDS:
        return None
    n_exact = None
    if f_theta > 0:
        n_exact = int(sp.ceiling(_exact(sp.sympify(alpha)) / (2 * _exact(sp.sympify(theta)))))
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
        slack2 = e * e - (L / (2 * K)) ** 2  # exact rational
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


class _Case:
    """One (space, transformation set) situation: what the quotient is and how to bound N_S."""

    kinds: tuple[str, ...] = KINDS
    description: str = ""

    def __init__(self, space: Space, group: TransformationSetBase):
        self.space, self.group = space, group

    @property
    def dim(self) -> int | None:
        return None

    @property
    def volume(self) -> sp.Expr | None:
        return None

    def covering(self, e: sp.Expr, kind: str) -> CoveringBound:
        return getattr(self, kind)(e)

    # fallbacks shared by the cases ----------------------------------------------------------
    def _trivial_upper(self, e):
        b = self.space.covering(e, "upper")
        return (b.expr, b.log_expr, f"trivial: N_S <= N [{b.method}]", _REF + "; " + b.reference,
                b.regime)

    def _finite_lower(self, e):
        b = self.space.covering(e, "lower")
        q, lq = _order_plus(self.group)
        return (b.expr / q, b.log_expr - lq, f"|S+| argument: N(X)/|S+| [{b.method}]",
                _REF + "; " + b.reference, b.regime)

    def _finite_asymptotic(self, e):
        b = self.space.covering(e, "asymptotic")
        q, lq = _order_plus(self.group)
        return _record(b.expr / q, b.log_expr - lq, "asymptotic", f"N(X)/|G| [{b.method}]",
                       _REF + "; " + b.reference, _merge_regimes(b.regime, (_ASYM, _FREE)))


class _IdentityCase(_Case):
    """S+ = {id} (SO(1), rotations by at most 0): N_S = N."""

    description = "S+ = {id}: the quotient is the space itself"

    @property
    def kinds(self):
        return tuple(self.space.available_kinds)

    @property
    def dim(self):
        return self.space.dim

    @property
    def volume(self):
        return self.space.volume

    def covering(self, e, kind):
        b = self.space.covering(e, kind)
        return _record(b.expr, b.log_expr, b.kind, f"S+ = {{id}}: N_S = N [{b.method}]",
                       _REF + "; " + b.reference, b.regime)


class _PointCase(_Case):
    r"""A transitive action: the quotient is a point and ``N_G = 1`` exactly.

    SO(d) (d >= 2) and O(d) act transitively on ``S^{d-1}``; the translations of a torus act
    transitively on it (THEORY.md §2).  One centre c: every x equals g(c) for some g.
    """

    description = "a point (transitive action)"

    @property
    def dim(self):
        return 0

    @property
    def volume(self):
        return sp.Integer(1)

    def _one(self, kind):
        return _record(1, 0, kind, "transitive action: the quotient is a point", _REF)

    def upper(self, e):
        return self._one("exact")

    def lower(self, e):
        return self._one("exact")

    def asymptotic(self, e):
        return self._one("asymptotic")


class _IntervalCase(_Case):
    r"""Quotient isometric to an interval ``[r_1, r_2]`` with ``d_G([x], [y]) = ||x| - |y||``.

    Applies to SO(2)/O(2) on an annulus ``r_1 <= |x| <= r_2`` (``r_1 = 0``: a disk) and to SO(d)/O(d)
    on ``B^d_R`` (``[0, R]``): the group is transitive on every sphere ``|x| = r`` and acts by
    isometries, so ``inf_g |g x - y| = ||x| - |y||``.  Exact (THEORY.md §2 and §1):

    .. math:: N_G(X, \varepsilon) = \Big\lceil \frac{r_2 - r_1}{2\varepsilon} \Big\rceil .

    *Upper:* an eps-cover of the interval by ``ceil((r_2 - r_1)/(2 eps))`` points lifts to an
    (eps, G)-cover (a centre of each radius).  *Lower:* the radius map ``x -> |x|`` is 1-Lipschitz,
    G-invariant and onto ``[r_1, r_2]``, so an (eps, G)-cover maps to an eps-cover of the interval,
    which needs ``ceil(length / (2 eps))`` points (Lipschitz image, THEORY.md §1).
    """

    def __init__(self, space, group, r1, r2):
        super().__init__(space, group)
        self.r1, self.r2 = r1, r2
        self.description = f"the interval [{r1}, {r2}] with d_G = ||x| - |y||"

    @property
    def dim(self):
        return 1

    @property
    def volume(self):
        return self.r2 - self.r1

    def _exact(self, e):
        n = _ceil((self.r2 - self.r1) / (2 * e))
        return _record(n, sp.log(n), "exact", "radius map onto [r1, r2]: ceil((r2 - r1)/(2 eps))",
                       _REF + "; THEORY.md §1 (Lipschitz image)")

    def upper(self, e):
        return self._exact(e)

    def lower(self, e):
        return self._exact(e)

    def asymptotic(self, e):
        L = self.r2 - self.r1
        return _record(L / (2 * e), sp.log(L) - sp.log(2 * e), "asymptotic",
                       "interval length / (2 eps)", _REF, (_ASYM,))


class _HalfBallCase(_Case):
    r"""SO(2) or O(2) rotating a coordinate plane of ``B^d_R``, ``d >= 3``.

    Writing ``x = (u, z)`` with u in the plane, ``inf_g |g x - y|^2 = (|u| - |u'|)^2 + |z - z'|^2``, so
    the quotient is the half ball ``H = {(rho, z) in R^{d-1} : rho >= 0, rho^2 + |z|^2 <= R^2}`` with
    the Euclidean metric.  Certified:

    .. math::

        \frac{1}{2}\Big(\frac{R}{\varepsilon}\Big)^{d-1} \le N_G(B^d_R, \varepsilon)
        \le N(B^{d-1}_R, \varepsilon).

    *Upper (folding):* take an eps-cover of ``B^{d-1}_R``; reflect every centre with ``rho < 0`` to
    ``-rho``: for y in H, ``|rho_y + rho_c| <= |rho_y - rho_c|``, so distances to points of H do not
    grow, and the centres now lie in H.  *Lower (volume):* ``vol(H) = omega_{d-1} R^{d-1} / 2`` and an
    eps-ball of ``R^{d-1}`` has volume ``omega_{d-1} eps^{d-1}``.  Asymptotic: the same volume
    ratio (up to the covering density, as in THEORY.md §1).
    """

    def __init__(self, space, group):
        super().__init__(space, group)
        self.d, self.R = space.dim, space.radius
        self.description = f"the half ball of R^{self.d - 1} of radius {self.R} (Euclidean metric)"

    @property
    def dim(self):
        return self.d - 1

    @property
    def volume(self):
        return unit_ball_volume(self.d - 1) * self.R ** (self.d - 1) / 2

    def upper(self, e):
        b = Ball(self.d - 1, self.R).covering(e, "upper")
        return _record(b.expr, b.log_expr, "upper",
                       f"folded cover of B^(d-1)_R: N(B^(d-1), eps) [{b.method}]",
                       _REF + "; " + b.reference, b.regime)

    def _ratio(self, e):
        m = self.d - 1
        return (self.R / e) ** m / 2, m * sp.log(self.R / e) - sp.log(2)

    def lower(self, e):
        x, lx = self._ratio(e)
        return _best([(x, lx, "volume of the half ball", _REF, ())], "lower")

    def asymptotic(self, e):
        x, lx = self._ratio(e)
        regime = (_ASYM,) if self.d - 1 == 1 else (_ASYM, "up to the covering density theta_m >= 1")
        return _record(x, lx, "asymptotic", "volume ratio of the half ball", _REF, regime)


class _AnnularSectorCase(_Case):
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
        self.r1, self.r2 = _radii(space)
        k = group.k
        self.alpha = 2 * sp.pi / k if isinstance(group, Cyclic) else sp.pi / k
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
                _REF + "; symbound.quotient (band cover)", ())

    def upper(self, e):
        cands = [self._closed_form(e)]
        if _is_numeric(e, self.r1, self.r2):
            plan = _annular_sector_plan(self.r1, self.r2, self.alpha, 0, e)
            if plan is not None:
                K, counts = plan
                n = sp.Integer(int(counts.sum()))
                cands.append((n, sp.log(n), f"band cover of a fundamental sector ({K} bands)",
                               _REF + "; symbound.quotient (band cover)", ()))
            cands.append(self._trivial_upper(e))
        return _best(cands, "upper")

    def lower(self, e):
        n = _ceil((self.r2 - self.r1) / (2 * e))
        return _best([self._finite_lower(e),
                      (n, sp.log(n), "radius map onto [r1, r2]", _REF + "; THEORY.md §1", ())],
                     "lower")

    def asymptotic(self, e):
        return self._finite_asymptotic(e)


class _PartialAnnulusCase(_Case):
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
        self.r1, self.r2 = _radii(space)
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
                _REF + "; symbound.quotient (band cover)", ())

    def upper(self, e):
        cands = [self._closed_form(e)]
        if _is_numeric(e, self.r1, self.r2, self.theta):
            plan = _annular_sector_plan(self.r1, self.r2, 2 * sp.pi, self.theta, e)
            if plan is not None:
                K, counts = plan
                n = sp.Integer(int(counts.sum()))
                cands.append((n, sp.log(n), f"band cover modulo partial rotations ({K} bands)",
                               _REF + "; symbound.quotient (band cover)", ()))
            cands.append(self._trivial_upper(e))
        return _best(cands, "upper")

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
        cands = [(n_rad, sp.log(n_rad), "radius map onto [r1, r2]", _REF + "; THEORY.md §1", ()),
                 (area, sp.log(area), "area of arc neighbourhoods", _REF, ())]
        if _is_numeric(e, r1, r2, th):
            n = sp.Integer(self._radial_integral(e))
            cands.append((n, sp.log(n), "radial integral of per-circle counts",
                          _REF + "; symbound.quotient", ()))
        return _best(cands, "lower")

    def asymptotic(self, e):
        c = _ceil(sp.pi / _exact(self.theta))
        L = self.r2 - self.r1
        return _record(c * L / (2 * e), sp.log(c) + sp.log(L) - sp.log(2 * e), "asymptotic",
                       "ceil(pi/theta) (r2 - r1) / (2 eps) (matching band cover and radial integral)",
                       _REF + "; symbound.quotient",
                       (_ASYM, "theta > 0 fixed: needs eps small against theta (r2 - r1); for "
                        "larger eps the two-dimensional count of the annulus takes over"))


class _PointConfigurationsCase(_Case):
    r"""S_n permuting n points of a base space B: ``X = B^n``, ``N_{S_n}(B^n, eps)``.

    Metric on configurations: ``"max"`` (default), ``d(x, y) = max_i d_B(x_i, y_i)``, or
    ``"euclidean"``, ``d(x, y) = (sum_i d_B(x_i, y_i)^2)^{1/2}`` — the metric of the flattened point
    cloud that numeric code (``empirical_covering_number``) uses.  ``d_max <= d_2 <= sqrt(n) d_max``.

    **Upper bound (multiset cover), max metric.**  Let ``a_1..a_m`` be an eps-cover of B,
    ``m = N(B, eps)``.  The ``C(m + n - 1, n)`` sorted tuples ``(a_{j_1}, ..., a_{j_n})``,
    ``j_1 <= ... <= j_n``, form an (eps, S_n)-cover of ``B^n``: for x pick ``j(i)`` with
    ``d(x_i, a_{j(i)}) <= eps``; the tuple ``(a_{j(1)}, ..., a_{j(n)})`` is a permutation of a
    sorted one, so

    .. math::

        N_{S_n}(B^n, \varepsilon) \le \binom{N(B, \varepsilon) + n - 1}{n}
        \;\Big(\le \frac{N(B,\varepsilon)^n}{n!}\big(1 + O(n^2/N)\big)\Big).

    Euclidean metric: the same with ``N(B, eps / sqrt n)`` (an eps/sqrt(n) max-cover is an eps
    l2-cover).  **Exact, 1-D base.**  For an interval of length L and the max metric the bound is
    exact with ``m = ceil(L/(2 eps))``: the multisets of the points ``j L/(m-1)`` (spacing
    ``> 2 eps``) are pairwise more than 2 eps apart in the quotient metric (in 1-D, sorted matching
    is optimal), so no (eps, S_n)-ball holds two of them.

    **Lower bounds.**  ``N_lower(B^n, eps) / n!`` (THEORY.md §2) with ``N(B^n, eps)`` bounded below
    by volume (``(vol B / vol B_eps)^n``, or ``vol(B)^n / (omega_{pn} eps^{pn})`` for l2) when B is
    a full-dimensional Euclidean set, and in general by ``N(B, 2 eps)^n`` (products of 2eps-separated
    sets are 2eps-separated in the max metric, and ``d_2 >= d_max``).

    **Asymptotic:** ``N(B^n, eps) / n!`` (S_n acts freely off the null set of coincident points).
    """

    def __init__(self, space, group, base: Space, metric: str, label: str):
        super().__init__(space, group)
        self.base, self.n, self.metric, self.label = base, group.n, metric, label
        self.interval = None
        if isinstance(base, Ball) and base.dim == 1:
            self.interval = 2 * base.radius
        elif isinstance(base, Cube) and base.dim == 1:
            self.interval = base.side
        self.description = f"configurations of {self.n} unlabelled points of {base.name} ({metric} metric)"

    @property
    def dim(self):
        return self.n * self.base.dim

    @property
    def volume(self):
        v = self.base.volume
        if v is None:
            return None
        if self.base.dim == 0:  # counting measure: the number of multisets
            return sp.binomial(v + self.n - 1, self.n)
        return v**self.n / sp.factorial(self.n)

    def _multiset(self, m, m_log_method, regime, kind="upper"):
        n = self.n
        if _is_numeric(m):
            M = sp.floor(_exact(sp.sympify(m)))
            M = sp.Max(M, 1)
            expr = sp.binomial(M + n - 1, n)
            log_expr = sp.Add(*[sp.log(M + i) for i in range(n)]) - _log_factorial(n)
        else:
            expr = sp.binomial(m + n - 1, n)
            log_expr = sp.Add(*[sp.log(m + i) for i in range(n)]) - _log_factorial(n)
        return _record(expr, log_expr, kind, m_log_method,
                       _REF + "; symbound.quotient (multiset cover)", regime)

    def _exact_interval(self, e):
        m = _ceil(self.interval / (2 * e))
        return self._multiset(m, "exact: multisets of an interval grid, C(ceil(L/(2 eps)) + n - 1, n)",
                              (), kind="exact")

    def upper(self, e):
        if self.interval is not None and self.metric == "max":
            return self._exact_interval(e)
        eb = e if self.metric == "max" else e / sp.sqrt(self.n)
        b = self.base.covering(eb, "upper")
        how = "N(B, eps)" if self.metric == "max" else "N(B, eps/sqrt n)"
        return self._multiset(b.expr, f"multiset cover C({how} + n - 1, n) [{b.method}]", b.regime)

    def _volume_lower(self, e):
        base, n, p = self.base, self.n, self.base.dim
        if base.volume is None or p == 0:
            return None
        v = base.volume
        if self.metric == "max":
            if isinstance(base, Cube) and base.metric == "sup":
                ball, lball = (2 * e) ** p, p * sp.log(2 * e)
            elif _euclidean_points(base):
                ball, lball = unit_ball_volume(p) * e**p, sp.log(unit_ball_volume(p)) + p * sp.log(e)
            else:
                return None
            return ((v / ball) ** n, n * (sp.log(v) - lball), "volume argument (B^n, max metric)")
        if not _euclidean_points(base):
            return None
        om = unit_ball_volume(n * p)
        return (v**n / (om * e ** (n * p)), n * sp.log(v) - sp.log(om) - n * p * sp.log(e),
                "volume argument (B^n, l2 metric)")

    def lower(self, e):
        if self.interval is not None and self.metric == "max":
            return self._exact_interval(e)
        q, lq = _order_plus(self.group)
        cands = []
        vol = self._volume_lower(e)
        if vol is not None:
            cands.append((vol[0] / q, vol[1] - lq, f"|S+| argument: {vol[2]} / n!", _REF, ()))
        b2 = self.base.covering(2 * e, "lower")
        cands.append((b2.expr**self.n / q, self.n * b2.log_expr - lq,
                      f"|S+| argument: N(B, 2 eps)^n / n! [{b2.method}]", _REF, b2.regime))
        if self.interval is not None:  # l2 metric on an interval: d_2 >= d_max
            ex = self._exact_interval(e)
            cands.append((ex.expr, ex.log_expr, "max-metric exact count (d_2 >= d_max)", _REF, ()))
        return _best(cands, "lower")

    def asymptotic(self, e):
        q, lq = _order_plus(self.group)
        if self.base.dim == 0:
            # a discrete base: coincident points are not a null set, so N/n! would be wrong; below
            # the separation of the base points every multiset is its own (eps, S_n)-ball
            b = self.base.covering(e, "asymptotic")
            return self._multiset(b.expr, f"number of multisets C(N(B) + n - 1, n) [{b.method}]",
                                  _merge_regimes(b.regime, (_ASYM,)), kind="asymptotic")
        regime = (_ASYM, "S_n acts freely off the null set where two points coincide (THEORY.md §2)")
        if self.metric == "max":
            b = self.base.covering(e, "asymptotic")
            return _record(b.expr**self.n / q, self.n * b.log_expr - lq, "asymptotic",
                           f"N(B, eps)^n / n! [{b.method}]", _REF + "; " + b.reference,
                           _merge_regimes(b.regime, regime))
        if not _euclidean_points(self.base) or self.base.volume is None:
            raise InvalidValueError(
                "kind='asymptotic' with metric='euclidean' needs a full-dimensional Euclidean base "
                f"(Ball, Annulus, Cube, Torus), got {self.base!r}; available: ['upper', 'lower']"
            )
        p, n, v = self.base.dim, self.n, self.base.volume
        om = unit_ball_volume(n * p)
        regime = regime + ("up to the covering density theta_m >= 1",) if n * p >= 2 else regime
        return _record(v**n / (om * e ** (n * p)) / q,
                       n * sp.log(v) - sp.log(om) - n * p * sp.log(e) - lq, "asymptotic",
                       "vol(B)^n / (omega_{np} eps^{np} n!)", _REF, regime)


class _DeclaredLieCase(_Case):
    r"""A compact group acting isometrically on an abstract m-manifold, with the orbit data declared.

    THEORY.md §2: if the principal orbits have dimension k', the quotient has dimension
    ``d_0 = m - k'`` and, as eps -> 0,

    .. math:: N_G(X, \varepsilon) \sim \frac{\operatorname{vol}(X/G)}{\omega_{d_0} \varepsilon^{d_0}}

    (the volume ratio of THEORY.md §1, up to the covering density for ``d_0 >= 2``).  Asymptotic only.
    """

    kinds = ("asymptotic",)

    def __init__(self, space, group, orbit_dim: int, quotient_volume: sp.Expr):
        super().__init__(space, group)
        self.d0 = space.dim - orbit_dim
        self.qvol = quotient_volume
        self.description = f"a {self.d0}-dimensional quotient of volume {quotient_volume} (declared)"

    @property
    def dim(self):
        return self.d0

    @property
    def volume(self):
        return self.qvol

    def asymptotic(self, e):
        d0 = self.d0
        om = unit_ball_volume(d0)
        regime = (_ASYM, "orbit dimension and quotient volume as declared by the caller")
        if d0 >= 2:
            regime += ("up to the covering density theta_m >= 1",)
        return _record(self.qvol / (om * e**d0), sp.log(self.qvol) - sp.log(om) - d0 * sp.log(e),
                       "asymptotic", "vol(X/G) / (omega_{d0} eps^{d0})", _REF, regime)


class _GenericCase(_Case):
    r"""Any other pair where S maps X into itself: the general facts of THEORY.md §2.

    Upper: ``N_S <= N(X)`` (trivial).  Lower (finite S): ``N_lower(X)/|S+|``.  Asymptotic (finite
    group of isometries, acting freely off a null set — every non-identity element fixes a proper
    linear subspace): ``N(X)/|G|``.  Nothing else is claimed.
    """

    def __init__(self, space, group):
        super().__init__(space, group)
        self.finite = bool(group.is_finite)
        kinds = ["upper"]
        if self.finite:
            kinds.append("lower")
            if group.is_group:
                kinds.append("asymptotic")
        self.kinds = tuple(k for k in kinds if k in space.available_kinds)
        self.description = f"{space.name} modulo {group.name} (general facts only)"

    @property
    def dim(self):
        return self.space.dim if self.finite and self.group.is_group else None

    @property
    def volume(self):
        if self.finite and self.group.is_group and self.space.volume is not None:
            return self.space.volume / _order_plus(self.group)[0]
        return None

    def upper(self, e):
        return _best([self._trivial_upper(e)], "upper")

    def lower(self, e):
        return _best([self._finite_lower(e)], "lower")

    def asymptotic(self, e):
        return self._finite_asymptotic(e)


# --------------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------------


class QuotientSpace:
    r"""A space modulo a transformation set, with covering numbers ``N_S(X, eps)`` (THEORY.md §2).

    Create it with :func:`quotient`.

    Attributes
    ----------
    space : Space
        The input space X (for ``Symmetric(n)`` acting on points, the space of *one* point).
    group : TransformationSetBase
        The transformation set S.
    dim : int or None
        Dimension ``d_0`` of the quotient (the exponent in ``N_S ~ eps^{-d_0}``); ``None`` when
        unknown.
    volume : SymPy expression or None
        ``d_0``-dimensional volume of the quotient where known (``vol(X)/|G|`` for a finite group
        acting freely off a null set; the length of the interval for SO(2) on an annulus).
    description : str
        What the quotient is.
    available_kinds : tuple of str
        The requests :meth:`covering` can answer.
    """

    def __init__(self, space: Space, group: TransformationSetBase, case: _Case, label: str):
        self.space, self.group = space, group
        self._case = case
        self._label = label

    @property
    def dim(self) -> int | None:
        return self._case.dim

    @property
    def volume(self) -> sp.Expr | None:
        return self._case.volume

    @property
    def description(self) -> str:
        return self._case.description

    @property
    def available_kinds(self) -> tuple[str, ...]:
        return tuple(self._case.kinds)

    def covering(self, eps: Any, kind: str = "upper") -> CoveringBound:
        """``N_S(X, eps)``: a bound of the requested ``kind``.

        Parameters
        ----------
        eps : positive number or SymPy expression
        kind : {"upper", "lower", "asymptotic"}
            The answer's kind may be ``"exact"`` for an upper or lower request.

        Raises
        ------
        InvalidValueError
            ``eps <= 0``, an unknown kind, or a kind not available for this pair (the message
            lists the available ones).
        """
        check_kind(kind, self.available_kinds, f"{self.name} ({self.description})")
        e = _check_eps(eps)
        return self._case.covering(e, kind)

    def covering_number(self, eps: Any, kind: str = "upper") -> sp.Expr:
        """``self.covering(eps, kind).expr``."""
        return self.covering(eps, kind).expr

    def log_covering_number(self, eps: Any, kind: str = "upper") -> sp.Expr:
        """``self.covering(eps, kind).log_expr`` (``ln N`` in log form)."""
        return self.covering(eps, kind).log_expr

    def power_law(self) -> tuple[sp.Expr, sp.Expr] | None:
        r"""``(V0, d0)`` with ``N_S(X, eps) ~ V0 eps^{-d0}`` when the asymptotic form is a power law.

        Read off the ``"asymptotic"`` form at the canonical symbol ``eps``; ``None`` when there is
        no asymptotic form or it is not of that shape.

        Examples
        --------
        >>> from symbound.spaces import Annulus
        >>> from symbound.groups import SO
        >>> quotient(Annulus(1, 3), SO(2)).power_law()
        (1, 1)
        """
        if "asymptotic" not in self.available_kinds:
            return None
        eps = symbol("eps")
        try:
            expr = self.covering(eps, "asymptotic").expr
        except InvalidValueError:
            return None
        expr = sp.powsimp(sp.expand_power_base(sp.sympify(expr), force=True), force=True)
        coeff, expo = expr.as_coeff_exponent(eps)
        if coeff.has(eps) or expo.has(eps) or sp.simplify(expr - coeff * eps**expo) != 0:
            return None
        return sp.simplify(coeff), -expo

    @property
    def name(self) -> str:
        return f"{self._label} / {self.group.name}"

    def latex(self) -> str:
        """LaTeX name, e.g. ``B^{2}_{1} / C_{8}``."""
        return f"{self._latex_label()} / {self.group.latex()}"

    def _latex_label(self) -> str:
        c = self._case
        if isinstance(c, _PointConfigurationsCase) and c.label == "points":
            return f"\\left({self.space.latex()}\\right)^{{{c.n}}}"
        return self.space.latex()

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self.latex()}$"

    def __repr__(self) -> str:
        return f"quotient({self.space!r}, {self.group!r})"


def _mismatch(space: Space, group: TransformationSetBase, amb) -> InvalidValueError:
    return InvalidValueError(
        f"group {group.name} acts on R^{group.n} but space {space.name} lives in R^{amb}; "
        f"group.n must equal the space's ambient dimension ({SUPPORTED})"
    )


def _unsupported(space: Space, group: TransformationSetBase, why: str) -> InvalidValueError:
    return InvalidValueError(f"(space, group) = ({space!r}, {group!r}) is not supported: {why}; {SUPPORTED}")


def quotient(space: Space, group: TransformationSetBase, *, metric: str | None = None,
             orbit_dim: int | None = None, quotient_volume: Any = None) -> QuotientSpace:
    r"""The space ``space`` modulo the transformation set ``group`` (THEORY.md §2).

    Parameters
    ----------
    space : Space
        The input space X.  With ``Symmetric(n)`` acting on points (``axis=-2``), the space of one
        point: X is then ``space^n``.
    group : TransformationSetBase
        Acting on the last axis (``group.n`` must equal ``space.ambient_dim``), except
        ``Symmetric(n, axis=-2)``.
    metric : {"max", "euclidean"}, optional
        Only for S_n on point configurations: ``max_i d(x_i, y_i)`` (default) or the l2 metric of the
        flattened cloud.  (For ``Symmetric(n, axis=-1)`` on a cube it follows the cube's metric.)
    orbit_dim, quotient_volume : optional
        Only (and required) for a :class:`~symbound.spaces.Manifold`, whose action cannot be
        inspected: the dimension k' of the principal orbits and ``vol(X/G)``.

    Returns
    -------
    QuotientSpace

    Raises
    ------
    InvalidTypeError
        ``space`` is not a Space or ``group`` not a transformation set.
    InvalidValueError
        Dimensions do not match, S does not map X into itself, or the pair is not supported (the
        message lists what is).

    Notes
    -----
    Every certified bound is derived in the docstring of the private class that computes it (see
    the table in the module docstring); ``covering(...).method`` names the argument used and
    ``.reference`` its source.

    References
    ----------
    THEORY.md §2 (covering modulo a transformation set) and §1 (Lipschitz images, volume
    arguments); M. Petrache and S. Trivedi, "Approximation-Generalization Trade-offs under
    (Approximate) Group Equivariance", NeurIPS 2023; A. N. Kolmogorov and V. M. Tikhomirov,
    "eps-entropy and eps-capacity of sets in function spaces", 1959 (asymptotics of covering
    numbers).

    Examples
    --------
    >>> import sympy as sp
    >>> from symbound.spaces import Annulus, Ball, Cube, Sphere
    >>> from symbound.groups import SO, Cyclic, Symmetric
    >>> quotient(Ball(3, 1), SO(3)).covering_number(sp.Rational(1, 10))
    5
    >>> quotient(Sphere(3), SO(3)).covering_number(0.01)
    1
    >>> Q = quotient(Cube(1, side=1), Symmetric(3))   # 3 unlabelled points of [0, 1]
    >>> Q.covering_number(sp.Rational(1, 4)), Q.covering(sp.Rational(1, 4)).kind
    (4, 'exact')
    >>> eps = sp.Symbol("eps", positive=True)
    >>> quotient(Annulus(1, 2), Cyclic(4)).covering_number(eps)
    ceiling(sqrt(2)/(2*eps))*ceiling(sqrt(2)*pi/(2*eps))
    """
    if not isinstance(space, Space):
        raise InvalidTypeError(f"space must be a symbound Space, got {type(space).__name__} ({space!r})")
    if not isinstance(group, TransformationSetBase):
        raise InvalidTypeError(
            f"group must be a symbound transformation set (symbound.groups), got "
            f"{type(group).__name__} ({group!r})"
        )
    points = isinstance(group, Symmetric) and group.axis == -2
    if metric is not None and not points:
        raise InvalidValueError(
            f"metric applies only to Symmetric(n) permuting points (axis=-2), got metric={metric!r} "
            f"with {group!r}"
        )
    if (orbit_dim is not None or quotient_volume is not None) and not isinstance(space, Manifold):
        raise InvalidValueError(
            "orbit_dim and quotient_volume are only for a Manifold (whose action cannot be "
            f"inspected), got space {space!r}"
        )

    if points:
        m = check_choice("metric", "max" if metric is None else metric, ("max", "euclidean"))
        return QuotientSpace(space, group, _PointConfigurationsCase(space, group, space, m, "points"),
                             f"({space.name})^{group.n}")

    if isinstance(space, Manifold):
        if orbit_dim is None or quotient_volume is None:
            raise InvalidValueError(
                "a group acting on an abstract Manifold needs orbit_dim= (dimension of the principal "
                "orbits, 0 for a finite group) and quotient_volume= (vol(X/G)); got "
                f"orbit_dim={orbit_dim!r}, quotient_volume={quotient_volume!r}"
            )
        k = check_integer("orbit_dim", orbit_dim, 0, space.dim)
        if k > group.dim:
            raise InvalidValueError(
                f"orbit_dim must be in [0, {min(group.dim, space.dim)}] (at most dim G = {group.dim} "
                f"and dim X = {space.dim}), got {orbit_dim!r}"
            )
        check_real("quotient_volume", quotient_volume, 0, low_closed=False)
        case = _DeclaredLieCase(space, group, k, _to_sympy(quotient_volume))
        return QuotientSpace(space, group, case, space.name)

    if isinstance(space, (FiniteSet, Product)):
        raise _unsupported(space, group, f"the action of {group.name} on {type(space).__name__} "
                           "cannot be checked")

    amb = space.ambient_dim
    if group.n != amb:
        raise _mismatch(space, group, amb)

    def make(case: _Case) -> QuotientSpace:
        return QuotientSpace(space, group, case, space.name)

    # translations of a torus -------------------------------------------------------------
    if isinstance(group, Translations):
        if isinstance(space, Torus) and _exact(space.period) == sp.Rational(group.period):
            return make(_PointCase(space, group))
        raise _unsupported(space, group, "Translations(d, p) acts only on Torus(d, p) with the same period")

    # coordinate permutations -------------------------------------------------------------
    if isinstance(group, Symmetric):  # axis = -1
        if isinstance(space, Cube):
            base = Cube(1, side=space.side)
            met = "max" if space.metric == "sup" else "euclidean"
            return make(_PointConfigurationsCase(space, group, base, met, "coordinates"))
        if isinstance(space, Torus):
            base = Torus(1, period=space.period)
            return make(_PointConfigurationsCase(space, group, base, "euclidean", "coordinates"))
        return make(_GenericCase(space, group))  # Ball, Sphere, Annulus: invariant

    # linear actions ----------------------------------------------------------------------
    if isinstance(space, (Cube, Torus)):
        if _is_permutation_matrix_set(group):
            return make(_GenericCase(space, group))
        raise _unsupported(space, group, f"{group.name} does not map {type(space).__name__} into itself "
                           "(only permutations of coordinates do)")
    if not _group_is_orthogonal(group):
        raise _unsupported(space, group, f"{group.name} is not orthogonal, so it does not map "
                           f"{type(space).__name__} into itself")
    if isinstance(group, SO) and group.degree == 1:
        return make(_IdentityCase(space, group))
    if isinstance(group, PartialRotations) and group.plane is not None:
        th = sp.sympify(group.max_angle)
        if th.is_zero:
            return make(_IdentityCase(space, group))
    planar = isinstance(space, Annulus) or (isinstance(space, Ball) and space.dim == 2)

    if isinstance(space, Sphere) and isinstance(group, (SO, O)) and group.degree == amb:
        return make(_PointCase(space, group))
    if isinstance(space, Ball) and isinstance(group, (SO, O)) and group.degree == amb:
        return make(_IntervalCase(space, group, sp.Integer(0), space.radius))
    if planar:
        r1, r2 = _radii(space)
        if isinstance(group, (SO, O)):
            return make(_IntervalCase(space, group, r1, r2))
        if isinstance(group, PartialRotations):
            th = sp.sympify(group.max_angle)
            if (sp.Ge(_exact(th), sp.pi)) is sp.true:
                return make(_IntervalCase(space, group, r1, r2))
            return make(_PartialAnnulusCase(space, group))
        if isinstance(group, (Cyclic, Dihedral)):
            return make(_AnnularSectorCase(space, group))
    if isinstance(space, Ball) and isinstance(group, (SO, O)) and group.degree == 2:
        return make(_HalfBallCase(space, group))
    return make(_GenericCase(space, group))
