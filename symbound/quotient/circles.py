r"""Finite groups acting on a product of two circles, ``Product(Sphere(2), Sphere(2), metric)``,
factor by factor: ``g (x, y) = (A_g x, B_g y)`` with ``A_g, B_g`` in ``O(2)`` (THEORY.md §2).

This covers a rotation ``C_k`` acting *diagonally* (the same rotation by ``2 pi j / k`` on both
circles), ``D_k`` acting diagonally, ``C_k`` on one circle only, and every other finite group of
block-diagonal orthogonal 4x4 matrices; in ambient ``R^4`` the packing bound of
:mod:`symbound.quotient._packing` gives no gain for these pairs (a torus is thin in ``R^4``).

**Metric.**  Each circle carries the chordal metric of :class:`~symbound.spaces.Sphere`: points at
angles ``a, b`` are at distance ``2 sin(delta/2)`` with ``delta in [0, pi]`` the angular distance
modulo ``2 pi``, increasing in delta.  :class:`~symbound.spaces.Product` combines the two chords by
``max`` or by the Euclidean ``(d_1^2 + d_2^2)^{1/2}``; let ``eps_f = eps`` (max) or ``eps / sqrt 2``
(Euclidean), so that two points whose chords are both ``<= eps_f`` are within eps.

**The projected groups.**  ``P_1 = {A_g}`` and ``P_2 = {B_g}`` are homomorphic images of G, hence
finite subgroups of ``O(2)``: a cyclic group ``C_L`` of rotations by ``2 pi j / L`` (``|P| = L``), or
a dihedral group ``C_L ∪ {reflections theta -> c_0 + 2 pi j / L - theta}`` (``|P| = 2 L``) for some
angle ``c_0``.  Let ``n_i = |P_i|``.

**Invariant grid.**  On circle i put the ``m_i`` points at angles ``phi_i + (2 l + 1) pi / m_i``,
``l = 0, ..., m_i - 1``, with ``m_i`` a multiple of ``n_i``, ``phi_i = 0`` for a cyclic ``P_i`` and
``phi_i = c_0 / 2`` for a dihedral one.

* *Cover.*  Every angle lies within ``pi / m_i`` of a grid angle, at chordal distance at most
  ``2 sin(pi / (2 m_i))``, which is ``<= eps_f`` iff ``m_i >= pi / (2 asin(eps_f / 2))`` (``eps_f <
  2``; for ``eps_f >= 2`` every ``m_i`` works).  The product grid ``Gamma`` of ``m_1 m_2`` points is
  then an eps-cover of the torus, in either metric.
* *Invariance.*  A rotation by ``2 pi j / L`` adds ``2 pi j m_i / (L m_i)``, a multiple of
  ``2 pi / m_i`` since ``L | m_i``: it permutes the grid.  A reflection
  ``theta -> c_0 + 2 pi j / L - theta`` maps ``phi_i + (2 l + 1) pi / m_i`` to
  ``phi_i + (2 (p - l - 1) + 1) pi / m_i`` with ``p = j m_i / L``, an integer: a grid angle.
* *Freeness.*  A rotation other than the identity fixes no point of the circle.  The reflection
  above fixes the angles ``phi_i + pi j / L + s pi`` (``s = 0, 1``), a grid angle iff
  ``p + s m_i = 2 l + 1`` is odd for some s; with ``2 L | m_i`` (``n_i = 2 L``) both ``p = 2 j
  (m_i / 2L)`` and ``m_i`` are even, so it fixes no grid angle.  An element g other than the
  identity has ``A_g != I`` or ``B_g != I`` (G acts faithfully: its matrices are distinct), so it
  fixes no point of Gamma.

Hence G acts freely on Gamma, whose orbits all have ``|G|`` points (Burnside:
``(1/|G|) sum_g |Fix(g)| = |Gamma| / |G|``), and one point per orbit is an (eps, G)-cover (if x is
within eps of ``gamma = g c``, c the chosen point of gamma's orbit, x is within eps of ``g c``):

.. math::

    N_G(S^1 \times S^1, \varepsilon) \le \frac{m_1 m_2}{|G|}, \qquad
    m_i = n_i \Big\lceil \frac{1}{n_i} \Big\lceil \frac{\pi}{2 \arcsin(\varepsilon_f / 2)}
    \Big\rceil \Big\rceil

(``m_i = n_i`` when ``eps_f >= 2``).  ``N(X)`` of the product is ``m_0^2`` with ``m_0 =
ceil(pi / (2 asin(eps_f / 2)))`` (the product of the circles' exact counts at ``eps_f``), and
``m_i <= m_0 + n_i - 1``, so the certified gain ``m_0^2 / (m_1 m_2 / |G|) >= |G| m_0^2 / ((m_0 +
n_1 - 1)(m_0 + n_2 - 1)) -> |G|`` as ``eps -> 0``: for ``C_k`` on both circles it tends to k, for
``D_k`` to 2k.

**Lower bounds.**  ``N_lower(X) / |G|`` (THEORY.md §2), and the projections: ``x -> x_i`` is
1-Lipschitz for both metrics and maps ``g x`` to ``A_g x_1`` (``B_g x_2``), so it maps an (eps,
G)-cover to an (eps, P_i)-cover of the circle, and ``N_G >= N_{P_i}(S^1, eps) = ceil(pi / (n_i 2
asin(eps/2)))`` exactly (:class:`symbound.quotient.finite._CircleArcCase`).  **Asymptotic:**
``N(X)/|G|`` (G acts freely off the null set of fixed circles of the reflections).

Examples
--------
>>> import numpy as np, sympy as sp
>>> from symbound.spaces import Product, Sphere
>>> from symbound.groups import TransformationSet
>>> from symbound.quotient import quotient
>>> R = lambda t: np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
>>> mats = [np.block([[R(2 * np.pi * j / 4), np.zeros((2, 2))],
...                   [np.zeros((2, 2)), R(2 * np.pi * j / 4)]]) for j in range(4)]
>>> Q = quotient(Product(Sphere(2), Sphere(2)), TransformationSet(mats, is_group=True))
>>> Q.covering_number(sp.Rational(1, 10)), Product(Sphere(2), Sphere(2)).covering_number(sp.Rational(1, 10))
(256, 1024)
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..groups import TransformationSetBase
from ..spaces import Product, Sphere, _ceil, _cond, _exact
from ._common import REF, Case, best, is_numeric
from .registry import Pair, register

__all__: list[str] = []

_REF = REF + "; symbound.quotient.circles"


def projected_order(blocks: np.ndarray, atol: float) -> int | None:
    """``|P|`` for the 2x2 blocks of a finite group's elements on one circle: the number of distinct
    blocks, after checking that they form ``C_L`` (rotations by ``2 pi j / L``) or ``C_L`` with the
    coset of reflections ``theta -> c_0 + 2 pi j / L - theta``; None when they do not (within the
    tolerance of the stored matrices)."""
    tol = 4 * atol + 1e-9
    det = blocks[:, 0, 0] * blocks[:, 1, 1] - blocks[:, 0, 1] * blocks[:, 1, 0]
    # the angle of the first column: the rotation angle, or c of the reflection theta -> c - theta
    ang = np.arctan2(blocks[:, 1, 0], blocks[:, 0, 0])
    rot, ref = ang[det > 0], ang[det < 0]

    def residues(a: np.ndarray, L: int) -> np.ndarray | None:
        x = a * L / (2 * np.pi)
        return np.mod(np.rint(x), L).astype(np.int64) if np.all(np.abs(x - np.rint(x)) <= tol * L) \
            else None

    # L = the number of distinct rotations; the spacing 2 pi / L must resolve the tolerance
    for L in range(1, len(rot) + 1):
        j = residues(rot, L)
        if j is not None and len(set(j.tolist())) == L:
            break
    else:
        return None
    if 2 * np.pi / L <= 16 * tol:
        return None
    if len(ref) == 0:
        return L
    j = residues(ref - ref[0], L)
    return None if j is None or len(set(j.tolist())) != L else 2 * L


def grid_count(n: int, e_f) -> sp.Expr:
    """``m``: the least multiple of n with ``2 sin(pi / (2 m)) <= e_f`` (``m = n`` for ``e_f >= 2``)."""
    if is_numeric(e_f) and not sp.Lt(_exact(sp.sympify(e_f)), 2):
        return sp.Integer(n)
    m0 = _ceil(sp.pi / (2 * sp.asin(e_f / 2)))
    return n * (_ceil(m0 / n) if m0.is_Integer else sp.ceiling(m0 / n))


class _CircleTorusCase(Case):
    r"""A finite group of block-diagonal orthogonal maps on ``Product(Sphere(2), Sphere(2))``: the
    orbits of the invariant grid of :mod:`symbound.quotient.circles` (proof in its docstring)."""

    def __init__(self, space, group, orders: tuple[int, int]):
        super().__init__(space, group)
        self.orders = orders
        self.kinds = tuple(k for k in ("upper", "lower", "asymptotic") if k in space.available_kinds)
        self.description = (f"{space.name} modulo {group.name} of order {group.order} (projected "
                            f"groups of orders {orders[0]} and {orders[1]}: an invariant grid of "
                            "the angle torus)")

    @property
    def dim(self):
        return 2

    @property
    def volume(self):
        return (2 * sp.pi) ** 2 / self.group.order

    def _factor_eps(self, e):
        return e if self.space.metric == "max" else e / sp.sqrt(2)

    def grid(self, e) -> tuple[sp.Expr, sp.Expr]:
        """``(m_1, m_2)``: the grid points per circle at eps."""
        e_f = self._factor_eps(e)
        return grid_count(self.orders[0], e_f), grid_count(self.orders[1], e_f)

    def upper(self, e):
        m1, m2 = self.grid(e)
        n = m1 * m2 / self.group.order
        how = "eps" if self.space.metric == "max" else "eps/sqrt2"
        regime = () if is_numeric(e) else (_cond(sp.Lt(self._factor_eps(e), 2)),)
        cands = [(n, sp.log(m1) + sp.log(m2) - sp.log(self.group.order),
                  f"orbits of an invariant grid of the angle torus (G acts freely): m_1 m_2 / |G|, "
                  f"m_i a multiple of |P_i| = {self.orders[0]}, {self.orders[1]} with "
                  f"2 sin(pi/(2 m_i)) <= {how}", _REF, regime)]
        if is_numeric(e):
            cands.append(self.trivial_upper(e))
        return best(cands, "upper")

    def lower(self, e):
        cands = [self.finite_lower(e)]
        if is_numeric(e):
            for i, n in enumerate(self.orders, 1):
                if sp.Lt(_exact(sp.sympify(e)), 2):
                    c = _ceil(sp.pi / (n * 2 * sp.asin(e / 2)))
                    cands.append((c, sp.log(c), f"projection onto circle {i}: "
                                  f"ceil(pi / ({n} 2 asin(eps/2)))", _REF, ()))
        return best(cands, "lower")

    def asymptotic(self, e):
        return self.finite_asymptotic(e)


def _circle_torus(space, group, options):
    if not (isinstance(space.A, Sphere) and isinstance(space.B, Sphere)
            and space.A.ambient_dim == 2 and space.B.ambient_dim == 2):
        return None
    if not (group.is_finite and group.is_group and group.action == "linear"):
        return None
    m = np.asarray(group.elements(), dtype=np.float64)
    atol = max(group.matrix_tolerance, 1e-12)
    if np.any(np.abs(m[:, :2, 2:]) > atol) or np.any(np.abs(m[:, 2:, :2]) > atol):
        return None  # an element swaps the circles
    orders = (projected_order(m[:, :2, :2], atol), projected_order(m[:, 2:, 2:], atol))
    if None in orders:
        return None
    return _CircleTorusCase(space, group, orders)


register(Pair(
    key="circle-torus",
    title="a finite group acting factor by factor on a product of two circles (C_k or D_k "
          "diagonally, any block-diagonal orthogonal 4x4 group)",
    spaces=(Product,), groups=(TransformationSetBase,), build=_circle_torus,
    method="orbits of an invariant grid of the angle torus, m_1 m_2 / |G| (free action); "
           "N(X)/|G| and projections below",
    status="certified", quotient_dim="2", drop="0",
    proof="symbound.quotient.circles (module docstring)", priority=40))
