r"""Packing in the quotient: certified upper bounds on ``N_G(X, eps)`` for a finite group G of
isometries, in any dimension, and for finite sets that are not groups.

Setting.  ``X`` is a compact subset of ``R^d`` with a norm ``||.||`` (Euclidean; the sup norm of a
cube; the max of the factors' Euclidean norms on a product; the flat metric of a torus), ``G`` a
finite group of linear isometries of that norm with ``G X ⊆ X``, ``B_r`` the closed ball of radius
r, ``v(r) = vol(B_r)`` and ``V(r) >= vol(X + B_r)``.  For ``h`` in G let
``Fix_eps(h) = {x in X : ||h x - x|| <= eps}``.

**Theorem.**  With ``r = eps/2`` and any ``W_h >= vol((Fix_eps(h) + B_r) ∩ (X + B_r))``,

.. math::

    N_G(X, \varepsilon) \le \frac{V(r) + \sum_{h \ne e} W_h}{|G|\, v(r)} .

*Proof.*  Let C ⊂ X be maximal with ``d_G(c, c') = min_g ||g c - c'|| > eps`` for ``c != c'`` (it is
finite: it is eps-separated in X, which is compact).  By maximality every x in X has
``||x - g c|| <= eps`` for some c in C and g in G, so C is an (eps, G)-cover with centres in X and
``N_G <= |C|``.  For c in C let ``H_c = {g : ||g c - c|| <= eps}`` (closed under inverses, since
``||g^{-1} c - c|| = ||c - g c||``) and ``O_c = ∪_g B(g c, r)``.

1. *The O_c are pairwise disjoint:* for ``c != c'``, ``||g c - g' c'|| = ||g'^{-1} g c - c'|| > eps``.
2. *vol(O_c) >= (|G|/|H_c|) v(r):* take R ⊆ G maximal with ``r^{-1} r' ∉ H_c`` for distinct r, r' in
   R.  The balls ``B(r c, eps/2)``, r in R, are disjoint (``||r c - r' c|| = ||c - r^{-1} r' c|| >
   eps``), and by maximality every g lies in some ``r H_c``, so ``|G| <= |R| |H_c|``.
3. *Containment:* let ``R_j = {x in X : |H_x| >= j}``.  It is G-invariant (``H_{g x} = g H_x
   g^{-1}``), so if ``|H_c| >= j`` then ``O_c ⊆ R_j + B_r``; and ``R_1 + B_r = X + B_r``.
   Hence for every j, ``sum_{c : |H_c| >= j} |G| v / |H_c| <= vol(R_j + B_r) =: Z_j``.
4. *Counting:* ``|C| = sum_c sum_{j=1}^{|H_c|} 1/|H_c| = sum_j sum_{c : |H_c| >= j} 1/|H_c|
   <= sum_{j=1}^{|G|} Z_j / (|G| v)``.
5. *The Z_j:* a point y of ``R_j + B_r`` is within r of some x with at least ``j - 1`` elements
   ``h != e`` in ``H_x``, and then ``y in Fix_eps(h) + B_r`` for each of them.  So
   ``sum_{j >= 2} 1[y in R_j + B_r] <= m(y) := #{h != e : y in Fix_eps(h) + B_r}``, and integrating
   over ``X + B_r``: ``sum_{j>=2} Z_j <= sum_{h != e} W_h``.  With ``Z_1 <= V(r)`` this is the bound.
   ∎

The main term ``V/(|G| v)`` is the packing bound of X divided by ``|G|``; the correction is
``sum_h W_h / V`` relative to it, the share of ``X + B_r`` near the fixed sets.  A non-identity
isometry fixes a proper subspace, so ``W_h -> 0`` with eps (below) and the ratio of the certified
``N(X)`` (the packing bound ``V/v``) to this bound tends to ``|G|``.

**Bounding W_h (Euclidean slabs).**  If ``x in Fix_eps(h)`` and ``||b|| <= r`` then
``||h(x+b) - (x+b)|| <= eps + ||h - I|| r =: rho_h`` (``||h - I|| <= 2`` for an isometry), and
``|z|_2 <= kappa ||z||`` (``kappa = 1`` Euclidean, ``sqrt 2`` for the max metric of two factors).
Write ``M = h - I`` with singular values ``s_1 >= ... >= s_d`` and let ``Pi_m`` project onto its top
m right singular vectors: ``|M z| >= s_m |Pi_m z|``.  With c the centre of X (fixed by G), every y of
``Fix_eps(h) + B_r`` satisfies ``|Pi_m (y - c)| <= a_m := kappa rho_h / s_m``.  The volume of
``{y in K : |Pi (y - c)| <= a}`` for K ⊆ X + B_r and an m-dimensional projection Pi (k = d - m):

* K a shell ``P_in <= |y - c| <= P_out`` (balls, annuli, spheres; rotation invariant, so the
  orientation of Pi does not matter): with ``b = min(a, P_in)``,
  ``<= omega_m omega_k (min(a, P_out)^m P_out^k - b^m (P_in^2 - b^2)^{k/2})``, since
  ``{|w| <= min(a, P), |z| <= P}`` contains ``B_P ∩ {|w| <= a}`` and ``{|w| <= b, |z| <=
  sqrt(P^2 - b^2)}`` is contained in it;
* otherwise (cubes, products), K in the ball ``B(c, P)``: ``<= omega_m min(a, P)^m omega_k P^k``.

Only the singular values enter, never the singular vectors.  For a matrix given in floating point
the singular values are bounded below through Weyl's inequality ``|s_m(M) - s_m(M')| <= ||M -
M'||_2``: if the exact element is within ``delta_0`` of the stored one entrywise, ``||M - M'||_2 <=
d delta_0``, and LAPACK's singular values are those of a matrix within ``O(d u ||M||)``; the sum of
both, ``delta_M``, is subtracted from every computed ``s_m`` (and added to ``||M||``).  A set of
matrices (a ``TransformationSet``) is taken as the float rounding, within its ``atol``, of an exact
set of orthogonal maps; C_k and D_k are within one rounding of cos and sin; permutations are exact.

**Bounding W_h (coordinate slabs).**  For a permutation h of the coordinates with cycles of lengths
``l_1, ..., l_q``, ``|z|_inf <= ||z||`` in every norm above, so ``|y_{h(i)} - y_i| <= rho_h`` for all i.
In a box of side A (``X + B_r ⊆ c + [-A/2, A/2]^d``) choosing one coordinate per cycle freely and
each next one within ``rho_h`` of the previous gives ``W_h <= prod_i A min(A, 2 rho_h)^{l_i - 1}``
(on a torus of period p: arcs, ``A = p``).  The smaller of the two bounds (and ``V``) is used.

**Invariant grids (permutations of coordinates).**  If C is an eps-cover of X with ``G C = C``,
one point of C per G-orbit is an (eps, G)-cover, and by Burnside's lemma there are
``(1/|G|) sum_g |{c in C : g c = c}|`` orbits.  The centres ``((i_1 + 1/2) a/m, ..., (i_d + 1/2)
a/m)`` of the grid cover of a cube ``[0, a]^d`` (and the grid cover of a torus) are permuted by every
permutation of the coordinates, and a permutation h with ``c(h)`` cycles fixes exactly ``m^{c(h)}``
of them (those constant on each cycle), so

.. math:: N_G(X, \varepsilon) \le \frac{1}{|G|} \sum_{h \in G} m^{c(h)} ,

with m the number of grid points per axis of the space's certified grid cover (``ceil(a /
(2 eps))`` in the sup metric, ``ceil(a sqrt(d) / (2 eps))`` in the Euclidean one).  For
``G = S_n`` this is the multiset count ``C(m + n - 1, n)``.

**Sets that are not groups.**  Let S be a finite set of isometries with ``S X ⊆ X``, G the group it
generates and G' ⊆ G with ``S+ G' = G``.  If C is an (eps, G)-cover then ``G' C = {g' c}`` is an
(eps, S)-cover: for x within eps of ``g c``, write ``g = s g'``.  Hence

.. math:: N_S(X, \varepsilon) \le |G'|\, N_G(X, \varepsilon),

and ``|G'| >= |G| / |S+|``, with equality when G factors as ``S+ G'`` (e.g. ``{I, R_90}`` and C_4:
``G' = {I, R_180}``, ratio 2).  G' is chosen greedily (set cover of G by the sets ``S+ g'``).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import sympy as sp
from sympy.utilities.iterables import partitions

from ..errors import InvalidValueError
from ..groups import Symmetric, TransformationSetBase
from ..groups.finite import _match_index
from ..spaces import Annulus, Ball, Cube, Product, Space, Sphere, Torus, _ceil, unit_ball_volume

__all__ = ["Geometry", "geometry", "ElementType", "element_types", "PackingBound",
           "grid_orbits", "generated_group", "coset_cover", "MAX_GENERATED_ORDER"]

#: unit roundoff of float64
_U = 2.0 ** -53
#: largest group generated from a finite set that is not a group (beyond it: no packing bound)
MAX_GENERATED_ORDER = 2000
#: largest number of matrices whose singular values are computed one by one
MAX_ENUMERATED = 200_000


def _omega(m) -> sp.Expr:
    return unit_ball_volume(int(m))


# ------------------------------------------------------------------------------------------------
# what a space offers to the packing argument
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Geometry:
    """The quantities of the module's theorem for one space (all functions of the radius r).

    Attributes
    ----------
    ball_volume : r -> ``v(r)``, the volume of a ball of the metric.
    neighbourhood : r -> ``V(r) >= vol(X + B_r)``.
    kappa : ``|z|_2 <= kappa ||z||``.
    cylinder : ``(r, m, a) -> >= vol({y in X + B_r : |Pi (y - c)| <= a})`` for every m-dimensional
        orthogonal projection Pi, or None.
    box : r -> A with ``X + B_r ⊆ c + [-A/2, A/2]^d`` (coordinate slabs), or None.
    euclidean : whether the norm is Euclidean (then ``||h - I||`` is the largest singular value;
        otherwise the bound 2 of an isometry is used).
    regime : eps -> conditions under which the formulas hold (a torus ball must embed).
    """

    ball_volume: Callable[[sp.Expr], sp.Expr]
    neighbourhood: Callable[[sp.Expr], sp.Expr]
    kappa: sp.Expr
    cylinder: Callable[[sp.Expr, int, sp.Expr], sp.Expr] | None
    box: Callable[[sp.Expr], sp.Expr] | None
    euclidean: bool = True
    regime: Callable[[sp.Expr], tuple] = lambda eps: ()


def _ball_in(d: int, P_out: Callable, P_in: Callable | None = None):
    """Cylinder bound in the shell ``P_in(r) <= |y - c| <= P_out(r)`` of R^d (module notes)."""
    def cylinder(r, m, a):
        k = d - m
        po = P_out(r)
        out = _omega(m) * _omega(k) * sp.Min(a, po) ** m * po**k
        if P_in is not None:
            pi = P_in(r)
            b = sp.Min(a, pi)
            out -= _omega(m) * _omega(k) * b**m * (pi**2 - b**2) ** sp.Rational(k, 2)
        return out
    return cylinder


def _shell(d: int, P_out: Callable, P_in: Callable | None) -> Geometry:
    om = _omega(d)

    def neighbourhood(r):
        return om * (P_out(r) ** d - (P_in(r) ** d if P_in is not None else 0))

    return Geometry(ball_volume=lambda r: om * r**d, neighbourhood=neighbourhood,
                    kappa=sp.Integer(1), cylinder=_ball_in(d, P_out, P_in),
                    box=lambda r: 2 * P_out(r))


@functools.singledispatch
def geometry(space: Space) -> Geometry | None:
    """The packing geometry of ``space`` (None: the packing bound is not available)."""
    return None


@geometry.register(Ball)
def _(space):
    R = space.radius
    return _shell(space.dim, lambda r: R + r, None)


@geometry.register(Annulus)
def _(space):
    r1, r2 = space.r_inner, space.r_outer
    return _shell(2, lambda r: r2 + r, lambda r: sp.Max(r1 - r, 0))


@geometry.register(Sphere)
def _(space):
    return _shell(space.ambient_dim, lambda r: 1 + r, lambda r: sp.Max(1 - r, 0))


@geometry.register(Cube)
def _(space):
    d, a = space.dim, space.side
    if space.metric == "sup":
        return Geometry(ball_volume=lambda r: (2 * r) ** d, neighbourhood=lambda r: (a + 2 * r) ** d,
                        kappa=sp.sqrt(d), cylinder=None, box=lambda r: a + 2 * r, euclidean=False)

    def neighbourhood(r):  # Steiner's formula
        return sp.Add(*[sp.binomial(d, j) * a**j * _omega(d - j) * r ** (d - j) for j in range(d + 1)])

    return Geometry(ball_volume=lambda r: _omega(d) * r**d, neighbourhood=neighbourhood,
                    kappa=sp.Integer(1), cylinder=_ball_in(d, lambda r: a * sp.sqrt(d) / 2 + r),
                    box=lambda r: a + 2 * r)


@geometry.register(Torus)
def _(space):
    d, p = space.dim, space.period
    # a ball of radius r <= p/2 of the flat torus is isometric to a Euclidean ball
    return Geometry(ball_volume=lambda r: _omega(d) * r**d, neighbourhood=lambda r: p**d,
                    kappa=sp.Integer(1), cylinder=None, box=lambda r: p, euclidean=False,
                    regime=lambda eps: (sp.Le(eps, p),))


@geometry.register(Product)
def _(space):
    A, B = geometry(space.A), geometry(space.B)
    if A is None or B is None or not (A.euclidean and B.euclidean):
        return None  # only Euclidean factors
    a, b = space.A.ambient_dim, space.B.ambient_dim
    pa, pb = _enclosing(space.A), _enclosing(space.B)
    if pa is None or pb is None:
        return None

    def P(r):
        return sp.sqrt((pa + r) ** 2 + (pb + r) ** 2)

    if space.metric == "max":
        ball, kappa = (lambda r: A.ball_volume(r) * B.ball_volume(r)), sp.sqrt(2)
    else:
        ball, kappa = (lambda r: _omega(a + b) * r ** (a + b)), sp.Integer(1)
    return Geometry(ball_volume=ball, neighbourhood=lambda r: A.neighbourhood(r) * B.neighbourhood(r),
                    kappa=kappa, cylinder=_ball_in(a + b, P),
                    box=lambda r: sp.Max(A.box(r), B.box(r)), euclidean=space.metric == "euclidean")


@functools.singledispatch
def _enclosing(space: Space) -> sp.Expr | None:
    """P with ``space ⊆ B(c, P)`` around its centre c (Euclidean factors of products)."""
    return None


@_enclosing.register(Ball)
def _(space):
    return space.radius


@_enclosing.register(Annulus)
def _(space):
    return space.r_outer


@_enclosing.register(Sphere)
def _(space):
    return sp.Integer(1)


@_enclosing.register(Cube)
def _(space):
    return space.side * sp.sqrt(space.dim) / 2 if space.metric == "euclidean" else None


@_enclosing.register(Product)
def _(space):
    a, b = _enclosing(space.A), _enclosing(space.B)
    return None if a is None or b is None else sp.sqrt(a**2 + b**2)


@functools.singledispatch
def grid_axis_count(space: Space, eps: sp.Expr) -> sp.Expr | None:
    """Points per axis of the space's certified grid cover, whose centres every permutation of the
    coordinates permutes (None: no such grid)."""
    return None


@grid_axis_count.register(Cube)
def _(space, eps):
    d, a = space.dim, space.side
    return _ceil(a / (2 * eps) if space.metric == "sup" or d == 1 else a * sp.sqrt(d) / (2 * eps))


@grid_axis_count.register(Torus)
def _(space, eps):
    d, p = space.dim, space.period
    return _ceil(p / (2 * eps) if d == 1 else p * sp.sqrt(d) / (2 * eps))


def grid_orbits(space: Space, order: int, types: list["ElementType"], eps: sp.Expr
                ) -> sp.Expr | None:
    """Burnside's count of the orbits of the invariant grid (module notes), or None when the
    space has no such grid or some element does not permute coordinates."""
    m = grid_axis_count(space, eps)
    if m is None or any(t.cycles is None for t in types):
        return None
    d = space.ambient_dim
    return (m**d + sp.Add(*[t.count * m ** len(t.cycles) for t in types])) / order


# ------------------------------------------------------------------------------------------------
# the non-identity elements, up to what the slab bounds read from them
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ElementType:
    """Non-identity elements that share the data the slab bounds use.

    ``count`` elements; ``sigmas``: certified lower bounds on the singular values of ``h - I``
    (descending; SymPy numbers); ``norm``: an upper bound on ``||h - I||_2`` (at most 2);
    ``cycles``: cycle lengths when h permutes coordinates, else None.
    """

    count: int
    sigmas: tuple
    norm: sp.Expr
    cycles: tuple | None


def element_types(group: TransformationSetBase, elements: np.ndarray | None = None,
                  tolerance: float | None = None) -> list[ElementType]:
    """The non-identity elements of a finite group (or of ``elements``, matrices of a group)."""
    if elements is None and isinstance(group, Symmetric):
        return _symmetric_types(group.n)
    mats = group.elements() if elements is None else elements
    tol = group.matrix_tolerance if tolerance is None else tolerance
    return _matrix_types(np.asarray(mats, dtype=np.float64), tol)


def _symmetric_types(n: int) -> list[ElementType]:
    """S_n on coordinates, by cycle type (exact): a cycle of length l contributes the singular
    values ``2 |sin(pi j / l)|``, j = 1..l-1, of ``P - I`` (its eigenvalues are the l-th roots of
    unity minus 1, and P - I is normal)."""
    out = []
    for part in partitions(n):
        cycles = tuple(sorted((l for l, m in part.items() for _ in range(m)), reverse=True))
        if cycles[0] == 1:
            continue  # the identity
        count = math.factorial(n)
        for l, m in part.items():
            count //= l**m * math.factorial(m)
        sig = [2 * sp.sin(sp.pi * j / l) for l in cycles for j in range(1, l)]
        sig.sort(key=lambda s: -float(s))
        out.append(ElementType(count, tuple(sig), sig[0], cycles))
    return out


def _matrix_types(mats: np.ndarray, tol: float) -> list[ElementType]:
    if mats.shape[0] > MAX_ENUMERATED:
        raise InvalidValueError(f"too many elements ({mats.shape[0]}) to enumerate for the packing "
                                f"bound (at most {MAX_ENUMERATED})")
    d = mats.shape[1]
    eye = np.eye(d)
    ident = np.all(np.abs(mats - eye) <= max(tol, 1e-12), axis=(1, 2))
    mats = mats[~ident]
    if mats.shape[0] == 0:
        return []
    s = np.linalg.svd(mats - eye, compute_uv=False)  # descending
    # Weyl margin: the exact element within tol entrywise (Frobenius <= d tol), the subtraction of I
    # (<= u per entry), LAPACK's backward error (generously 64 d u ||M||)
    delta = d * tol + d * _U + 64 * d * _U * np.maximum(s[:, 0], 1.0)
    perm = _permutation_cycles(mats)
    groups: dict[tuple, list[int]] = {}
    for i in range(mats.shape[0]):
        key = (tuple(np.round(s[i], 9)), perm[i])
        groups.setdefault(key, []).append(i)
    out = []
    for (_, cycles), idx in groups.items():
        lo = np.min(s[idx] - delta[idx, None], axis=0)
        hi = float(np.max(s[idx, 0] + delta[idx]))
        sig = tuple(sp.Rational(float(x)) if x > 0 else sp.Integer(0) for x in lo)
        norm = sp.Min(sp.Integer(2), sp.Rational(hi))
        out.append(ElementType(len(idx), sig, norm, cycles))
    return out


def _permutation_cycles(mats: np.ndarray) -> list[tuple | None]:
    """Cycle lengths of each matrix that is a 0/1 permutation matrix (else None)."""
    out: list[tuple | None] = []
    for m in mats:
        r = np.round(m)
        if not (np.all(np.abs(m - r) <= 1e-12) and np.all((r == 0) | (r == 1))
                and np.all(r.sum(0) == 1) and np.all(r.sum(1) == 1)):
            out.append(None)
            continue
        target = np.argmax(r, axis=0)  # column j is sent to row target[j]
        seen, lengths = set(), []
        for j in range(len(target)):
            if j in seen:
                continue
            length, k = 0, j
            while k not in seen:
                seen.add(k)
                k = int(target[k])
                length += 1
            lengths.append(length)
        out.append(tuple(sorted(lengths, reverse=True)))
    return out


# ------------------------------------------------------------------------------------------------
# the bound
# ------------------------------------------------------------------------------------------------

#: singular values below this are not used for cylinders (they would give no information)
_RANK_TOL = sp.Rational(1, 10**6)


class PackingBound:
    """The module's bound for one space and one finite group (given by its non-identity element
    types and its order); ``factor`` multiplies it (``|G'|`` for a set that is not a group)."""

    def __init__(self, space: Space, geom: Geometry, order: int, types: list[ElementType],
                 factor: int = 1):
        self.space, self.geom, self.order, self.types, self.factor = space, geom, order, types, factor

    def slab(self, t: ElementType, eps: sp.Expr) -> sp.Expr:
        """``W_h`` for the elements of type t (the smaller of the applicable bounds and V)."""
        g, r = self.geom, eps / 2
        rho = eps * (1 + (t.norm if g.euclidean else 2) / 2)
        cands = [g.neighbourhood(r)]
        rank = [s for s in t.sigmas if s > _RANK_TOL]
        if g.cylinder is not None and rank:
            m = len(rank)
            cands.append(g.cylinder(r, m, g.kappa * rho / rank[-1]))
        if g.box is not None and t.cycles is not None:
            A = g.box(r)
            cands.append(sp.Mul(*[A * sp.Min(A, 2 * rho) ** (l - 1) for l in t.cycles]))
        return sp.Min(*cands)

    def value(self, eps: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
        """The bound at eps and its logarithm (``log(V/v) + log(1 + sum W / V) - log |G|``)."""
        g, r = self.geom, eps / 2
        V, v = g.neighbourhood(r), g.ball_volume(r)
        extra = sp.Add(*[t.count * self.slab(t, eps) for t in self.types])
        expr = self.factor * (V + extra) / (self.order * v)
        log_expr = (sp.log(V) - sp.log(v) + sp.log(1 + extra / V) - sp.log(self.order)
                    + sp.log(self.factor))
        return expr, log_expr

    def regime(self, eps) -> tuple:
        return tuple(self.geom.regime(eps))


# ------------------------------------------------------------------------------------------------
# sets that are not groups
# ------------------------------------------------------------------------------------------------


def generated_group(mats: np.ndarray, atol: float, max_order: int = MAX_GENERATED_ORDER
                    ) -> np.ndarray | None:
    """The group generated by the matrices (closure under products, duplicates within ``atol``
    merged), or None when it has more than ``max_order`` elements."""
    d = mats.shape[1]
    elems = np.eye(d)[None]
    frontier = elems
    while frontier.shape[0]:
        prods = np.einsum("aij,bjk->abik", frontier, mats).reshape(-1, d, d)
        new_idx = _match_index(elems, prods, atol) < 0
        cand = prods[new_idx]
        if cand.shape[0] == 0:
            break
        first = _match_index(cand, cand, atol)
        cand = cand[first == np.arange(cand.shape[0])]
        elems = np.concatenate([elems, cand])
        if elems.shape[0] > max_order:
            return None
        frontier = cand
    return elems


def coset_cover(group_elems: np.ndarray, set_elems: np.ndarray, atol: float) -> list[int] | None:
    """Indices of a set G' ⊆ G with ``S+ G' = G`` (greedy set cover), or None if some product
    ``s g`` is not found in G (then the closure was not computed within ``atol``)."""
    d = group_elems.shape[1]
    splus = np.concatenate([np.eye(d)[None], set_elems])
    n = group_elems.shape[0]
    cover = []
    for s in splus:
        idx = _match_index(group_elems, np.einsum("ij,bjk->bik", s, group_elems), atol)
        if np.any(idx < 0):
            return None
        cover.append(idx)
    reach = np.stack(cover, axis=1)  # reach[g'] = indices of S+ g'
    uncovered = np.ones(n, dtype=bool)
    chosen: list[int] = []
    while uncovered.any():
        gains = uncovered[reach].sum(axis=1)
        best = int(np.argmax(gains))
        chosen.append(best)
        uncovered[reach[best]] = False
    return chosen
