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

**Bounding W_h (coordinate slabs).**  For a signed permutation h of the coordinates,
``(h y)_{pi(i)} = s_i y_i`` with signs ``s_i = +-1`` (a permutation: all ``s_i = 1``), with cycles of
lengths ``l_1, ..., l_q``, ``|z|_inf <= ||z||`` in every norm above, so
``|y_{pi(i)} - s_i y_i| <= rho_h`` for all i.  In a box of side A (``X + B_r ⊆ c + [-A/2, A/2]^d``)
choosing one coordinate per cycle freely and each next one within ``rho_h`` of (plus or minus) the
previous gives ``W_h <= prod_i A min(A, 2 rho_h)^{l_i - 1}`` (on a torus of period p: arcs,
``A = p``); for a cycle of length 1 with ``s_i = -1`` (a flipped coordinate, which signed
permutations apply only to factors centred at 0 or to a torus) ``|2 y_i| <= rho_h`` confines
``y_i`` to a set of length at most ``min(A, 2 rho_h)`` (two arcs of length ``rho_h`` on a circle
of length p: ``2 y_i`` within ``rho_h`` of ``p Z``).  The smaller of the two bounds (and ``V``) is
used.

**Invariant grids (permutations of coordinates).**  If C is an eps-cover of X with ``G C = C``,
one point of C per G-orbit is an (eps, G)-cover, and by Burnside's lemma there are
``(1/|G|) sum_g |{c in C : g c = c}|`` orbits.  The centres ``((i_1 + 1/2) a/m, ..., (i_d + 1/2)
a/m)`` of the grid cover of a cube ``[0, a]^d`` (and the grid cover of a torus) are permuted by every
permutation of the coordinates, and a permutation h with ``c(h)`` cycles fixes exactly ``m^{c(h)}``
of them (those constant on each cycle).  On a torus of period p the grid is also mapped to itself by
``y -> -y`` (``-(i + 1/2) p/m = (m - i - 1/2) p/m mod p``); a signed permutation fixes a grid point
iff along each cycle its coordinates follow one of them (``c_{pi(i)} = s_i c_i``), which for a
negative cycle forces ``c = -c (mod p)``, i.e. ``2 i + 1 = 0 (mod m)``: one choice if m is odd, none if m is even.  So

.. math:: N_G(X, \varepsilon) \le \frac{1}{|G|} \sum_{h \in G} m^{c_+(h)}\,
          (m \bmod 2)^{c_-(h)} ,

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

import mpmath
import sympy as sp

from ..spaces import Space
from ._elements import ElementType
from ._geometry import SYMBOLIC, Geometry, grid_axis_count, interval_ops

__all__ = ["PackingBound", "grid_orbits"]

class PackingBound:
    """The module's bound for one space and one finite group (given by its non-identity element
    types and its order); ``factor`` multiplies it (``|G'|`` for a set that is not a group)."""

    def __init__(self, space: Space, geom: Geometry, order: int, types: list[ElementType],
                 factor: int = 1):
        self.space, self.geom, self.order, self.types, self.factor = space, geom, order, types, factor

    def _slab_candidates(self, t: ElementType, eps, ops) -> list:
        """Upper bounds on ``W_h`` for the elements of type t (module notes), in backend ``ops``."""
        g, r = self.geom, eps / 2
        rho = eps * (1 + (ops.num(t.norm) if g.euclidean else 2) / 2)
        cands = [g.neighbourhood(r, ops)]
        if g.cylinder is not None and t.rank:
            a = ops.num(g.kappa) * rho / ops.num(t.smallest)
            cands.append(g.cylinder(r, t.rank, a, ops))
        if g.box is not None and t.cycles is not None:
            A = g.box(r, ops)
            box = 1
            for c in t.cycles:
                # a negative 1-cycle (a coordinate flipped) pins that coordinate near 0 (mod p/2)
                box = box * (ops.min(A, 2 * rho) if c == -1 else A * ops.min(A, 2 * rho) ** (abs(c) - 1))
            cands.append(box)
        return cands

    def symbolic(self, eps: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
        """The bound and its logarithm as SymPy expressions of a symbolic eps (minima unevaluated)."""
        ops, g, r = SYMBOLIC, self.geom, eps / 2
        V, v = g.neighbourhood(r, ops), g.ball_volume(r, ops)
        extra = sp.Add(*[t.count * ops.min(*self._slab_candidates(t, eps, ops)) for t in self.types])
        expr = self.factor * (V + extra) / (self.order * v)
        log_expr = (sp.log(V) - sp.log(v) + sp.log(1 + extra / V) - sp.log(self.order)
                    + sp.log(self.factor))
        return expr, log_expr

    def certified(self, eps: sp.Expr) -> sp.Integer:
        """The bound at a numeric eps (an exact SymPy number), rounded down to an integer: the floor
        of the upper end of an interval enclosure (rigorous at any ``mpmath.mp.dps``)."""
        with interval_ops() as ops:
            e = ops.num(eps)
            g, r = self.geom, e / 2
            V, v = g.neighbourhood(r, ops), g.ball_volume(r, ops)
            total = V
            for t in self.types:  # any candidate bounds W_h: take the smallest upper end
                cands = self._slab_candidates(t, e, ops)
                total = total + t.count * min(cands, key=lambda c: c.b)
            value = self.factor * total / (self.order * v)
            return sp.Integer(int(mpmath.floor(value.b)))

    def value(self, eps: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
        """``(expr, log_expr)``: an Integer and its log at a numeric eps, formulas at a symbolic one."""
        if sp.sympify(eps).free_symbols:
            return self.symbolic(eps)
        n = self.certified(eps)
        return n, sp.log(n)

    def regime(self, eps) -> tuple:
        return tuple(self.geom.regime(eps))


def grid_orbits(space: Space, order: int, types: list[ElementType], eps: sp.Expr) -> sp.Expr | None:
    """Burnside's count of the orbits of the invariant grid (module notes), or None when the
    space has no such grid or some element does not permute coordinates."""
    m = grid_axis_count(space, eps)
    if m is None or any(t.cycles is None for t in types):
        return None
    d = space.ambient_dim
    # fixed grid points: m per positive cycle; per negative cycle, the points with c = -c (mod p):
    # one if m is odd, none if m is even (an upper bound, 1, for a symbolic m)
    odd = (m % 2) if m.is_Integer else sp.Integer(1)
    fixed = [sp.Mul(*[m if c > 0 else odd for c in t.cycles]) for t in types]
    return (m**d + sp.Add(*[t.count * f for t, f in zip(types, fixed)])) / order
