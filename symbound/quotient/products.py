r"""Products of transformation sets acting on products of spaces (THEORY.md §2):
``DirectProduct(S, T)`` on ``Product(X, Y, metric)``, ``(s, t)(x, y) = (s x, t y)``.

**The quotient is the product of the quotients.**  For groups G, H acting by isometries,

.. math::

    \inf_{(g, h)} \max(d(g x, x'), d(h y, y')) = \max(d_G(x, x'), d_H(y, y')),

(the infimum of a maximum of functions of independent variables), and likewise with the Euclidean
combination ``(d^2 + d^2)^{1/2}``: ``(X x Y)/(G x H)`` is ``X/G x Y/H`` with the product metric of
the same kind.  For sets S, T (not groups) the same holds for the (eps, S)-balls: with
``(S x T)+ = S+ x T+``, the (eps, S x T)-ball of ``(c_1, c_2)`` in the max metric is the product of
the (eps, S)-ball of ``c_1`` and the (eps, T)-ball of ``c_2``.

**Upper bound.**  Products of covers: for the max metric

.. math:: N_{S \times T}(X \times Y, \varepsilon) \le N_S(X, \varepsilon)\, N_T(Y, \varepsilon),

and for the Euclidean metric ``N_S(X, eps/sqrt2) N_T(Y, eps/sqrt2)`` (each coordinate within
``eps/sqrt 2``).  This is the form :class:`~symbound.spaces.Product` uses for the spaces themselves
(``max`` or ``euclidean``, its ``metric``).

**Lower bounds.**  The projections onto X and Y are 1-Lipschitz (for both metrics) and map an
(eps, S x T)-cover to an (eps, S)-cover and an (eps, T)-cover:
``N_{S x T} >= max(N_S(X, eps), N_T(Y, eps))``.  For groups also
``N_{G x H} >= N_G(X, 2 eps) N_H(Y, 2 eps)``: a maximal 2eps-separated set of ``X/G`` (pairwise
``d_G > 2 eps``) is a 2eps-cover, so it has at least ``N_G(X, 2 eps)`` points; the product of two
such sets is 2eps-separated in the max metric (and in the Euclidean one, which is larger), and an
eps-ball of the quotient holds at most one point of a 2eps-separated set.

**Asymptotic** (max metric, both factors with an asymptotic form): the product of the factors'
forms, as for :class:`~symbound.spaces.Product`.  The quotient dimension is the sum of the
factors'.
"""

from __future__ import annotations

import sympy as sp

from ..groups import DirectProduct
from ..spaces import Product
from ._common import REF, Case, best, is_numeric, merge_regimes, record
from .registry import Pair, register
from .space import quotient

__all__: list[str] = []

_PROD_REF = REF + "; symbound.quotient.products"


class _ProductCase(Case):
    r"""``DirectProduct(S, T)`` on ``Product(X, Y, metric)``: the bounds of the module docstring
    from the factors' own pairs (``quotient(X, S)`` and ``quotient(Y, T)``)."""

    def __init__(self, space, group, qx, qy):
        super().__init__(space, group)
        self.qx, self.qy = qx, qy
        self.metric = space.metric
        both = [k for k in ("upper", "lower", "asymptotic")
                if k in qx.available_kinds and k in qy.available_kinds]
        if self.metric == "euclidean" and "asymptotic" in both:
            both.remove("asymptotic")
        self.kinds = tuple(both)
        self.description = (f"({qx.description}) x ({qy.description}) with the {self.metric} "
                            "metric")

    @property
    def dim(self):
        if self.qx.manifold_dim is None or self.qy.manifold_dim is None:
            return None
        return self.qx.manifold_dim + self.qy.manifold_dim

    @property
    def volume(self):
        if self.qx.volume is None or self.qy.volume is None:
            return None
        return self.qx.volume * self.qy.volume

    def trivial_parts(self) -> list[str]:
        out = []
        for q in (self.qx, self.qy):
            out += [q.name] if q.is_trivial else q._case.trivial_parts()
        return out

    def _pair(self, e, kind):
        return self.qx.covering(e, kind), self.qy.covering(e, kind)

    def upper(self, e):
        ef = e if self.metric == "max" else e / sp.sqrt(2)
        a, b = self._pair(ef, "upper")
        how = "N_S(X, eps) N_T(Y, eps)" if self.metric == "max" else \
            "N_S(X, eps/sqrt2) N_T(Y, eps/sqrt2)"
        cands = [(a.expr * b.expr, a.log_expr + b.log_expr,
                  f"product of covers {how} [X: {a.method}; Y: {b.method}]", _PROD_REF,
                  merge_regimes(a.regime, b.regime))]
        if is_numeric(e):
            cands.append(self.trivial_upper(e))
        return best(cands, "upper")

    def lower(self, e):
        a, b = self._pair(e, "lower")
        cands = [(a.expr, a.log_expr, f"projection onto X [{a.method}]", _PROD_REF, a.regime),
                 (b.expr, b.log_expr, f"projection onto Y [{b.method}]", _PROD_REF, b.regime)]
        if self.group.first.is_group and self.group.second.is_group:
            a2, b2 = self._pair(2 * e, "lower")
            cands.append((a2.expr * b2.expr, a2.log_expr + b2.log_expr,
                          f"product of 2eps-separated sets [X: {a2.method}; Y: {b2.method}]",
                          _PROD_REF, merge_regimes(a2.regime, b2.regime)))
        return best(cands, "lower")

    def asymptotic(self, e):
        a, b = self._pair(e, "asymptotic")
        return record(a.expr * b.expr, a.log_expr + b.log_expr, "asymptotic",
                      f"product of the factors' asymptotic forms [X: {a.method}; Y: {b.method}]",
                      _PROD_REF, merge_regimes(a.regime, b.regime))


# ------------------------------------------------------------------------------------------------
# registered pairs
# ------------------------------------------------------------------------------------------------


def _product(space, group, options):
    if group.first.n != space.A.ambient_dim or group.second.n != space.B.ambient_dim:
        return None
    return _ProductCase(space, group, quotient(space.A, group.first),
                        quotient(space.B, group.second))


register(Pair(
    key="direct-product",
    title="DirectProduct(S, T) on Product(X, Y): each factor on its own space",
    spaces=(Product,), groups=(DirectProduct,), build=_product,
    method="product of the factors' covers; projections and 2eps-separated products below",
    status="certified", quotient_dim="d0(X/S) + d0(Y/T)", drop="drop(X/S) + drop(Y/T)",
    proof="symbound.quotient.products (module docstring)", priority=95, checked=False))
