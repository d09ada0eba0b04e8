r"""What a space offers to the packing bound of :mod:`symbound.quotient._packing`: the volume of a
ball of its metric, an upper bound on the volume of its r-neighbourhood, bounds on the volume of
its points near a linear subspace, and the box that contains it.

Every formula is written once against a small arithmetic backend (``ops``) and evaluated either
symbolically (:data:`SYMBOLIC`: SymPy, for a symbolic eps; minima stay unevaluated, so no SymPy
comparison of large expressions is attempted) or in interval arithmetic (:func:`interval_ops`:
``mpmath.iv`` at a fixed precision, independent of ``mpmath.mp.dps``), which encloses the exact
value of a numeric bound: the upper end of the enclosure is a certified upper bound.
"""

from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass
from typing import Any, Callable

import mpmath
import sympy as sp

from ..spaces import Annulus, Ball, Cube, Product, Space, Sphere, Torus, _ceil, unit_ball_volume

__all__ = ["Geometry", "geometry", "grid_axis_count", "SYMBOLIC", "interval_ops", "IV_PREC"]

#: bits of the interval arithmetic (the enclosures are rigorous at any precision; this keeps them
#: narrow enough that the floor of the upper end is the floor of the exact value but for ties)
IV_PREC = 200


# ------------------------------------------------------------------------------------------------
# arithmetic backends
# ------------------------------------------------------------------------------------------------


class _SymbolicOps:
    """SymPy arithmetic; minima and maxima unevaluated."""

    pi = sp.pi

    @staticmethod
    def num(x) -> sp.Expr:
        return sp.sympify(x)

    @staticmethod
    def min(*a):
        return sp.Min(*a, evaluate=False) if len(a) > 1 else a[0]

    @staticmethod
    def max(*a):
        return sp.Max(*a, evaluate=False) if len(a) > 1 else a[0]

    @staticmethod
    def root(x, k: int):
        """``x^(k/2)`` for ``x >= 0``."""
        return x ** sp.Rational(k, 2)

    @staticmethod
    def omega(m: int):
        return unit_ball_volume(int(m))


SYMBOLIC = _SymbolicOps()


class _IntervalOps:
    """``mpmath.iv`` arithmetic: every result encloses the exact value."""

    def __init__(self):
        self.iv = mpmath.iv
        self.pi = mpmath.iv.pi

    def num(self, x):
        """An interval enclosing the exact SymPy number x."""
        return self._num(sp.sympify(x))

    @functools.lru_cache(maxsize=4096)
    def _num(self, x):
        return _to_interval(x, self.iv)

    def min(self, *a):
        a = [self.num(x) if isinstance(x, sp.Basic) else x for x in a]
        return self.iv.mpf([min(x.a for x in a), min(x.b for x in a)])

    def max(self, *a):
        a = [self.num(x) if isinstance(x, sp.Basic) else x for x in a]
        return self.iv.mpf([max(x.a for x in a), max(x.b for x in a)])

    def root(self, x, k: int):
        x = self.iv.mpf([max(x.a, 0), max(x.b, 0)])  # x >= 0 exactly; rounding may dip below
        return x ** (k // 2) if k % 2 == 0 else self.iv.sqrt(x) ** k

    @functools.lru_cache(maxsize=None)
    def omega(self, m: int):
        return self.num(unit_ball_volume(int(m)))


def _to_interval(x: sp.Expr, iv):
    """Enclosure of an exact SymPy number built from rationals, pi, powers and sin/cos/sqrt."""
    if x.is_Rational:
        return iv.mpf(int(x.p)) / int(x.q)
    if x.is_Float:  # a float is the binary number it stores
        return _to_interval(sp.Rational(x), iv)
    if x is sp.pi:
        return iv.pi
    if x.is_Add:
        out = iv.mpf(0)
        for a in x.args:
            out += _to_interval(a, iv)
        return out
    if x.is_Mul:
        out = iv.mpf(1)
        for a in x.args:
            out *= _to_interval(a, iv)
        return out
    if x.is_Pow:
        b, e = x.args
        bi = _to_interval(b, iv)
        if e.is_Integer:
            return bi ** int(e) if e >= 0 else 1 / bi ** int(-e)
        if e.is_Rational and e.q == 2:
            s = iv.sqrt(bi)
            return s ** int(e.p) if e.p >= 0 else 1 / s ** int(-e.p)
    if isinstance(x, sp.sin):
        return iv.sin(_to_interval(x.args[0], iv))
    if isinstance(x, sp.cos):
        return iv.cos(_to_interval(x.args[0], iv))
    raise TypeError(f"no interval enclosure for {x!r}")


@contextlib.contextmanager
def interval_ops():
    """The interval backend, with ``mpmath.iv`` at :data:`IV_PREC` bits for the duration."""
    iv = mpmath.iv
    saved = iv.prec
    iv.prec = IV_PREC
    try:
        yield _INTERVAL
    finally:
        iv.prec = saved


_INTERVAL = _IntervalOps()


# ------------------------------------------------------------------------------------------------
# the geometry of a space
# ------------------------------------------------------------------------------------------------

Fn = Callable[..., Any]


@dataclass(frozen=True)
class Geometry:
    """The quantities of the packing theorem for one space; every function takes the radius r and
    an arithmetic backend ``ops``.

    Attributes
    ----------
    ball_volume : ``(r, ops) -> v(r)``, the volume of a ball of the metric.
    neighbourhood : ``(r, ops) -> V(r) >= vol(X + B_r)``.
    kappa : ``|z|_2 <= kappa ||z||`` (a SymPy number).
    cylinder : ``(r, m, a, ops) -> >= vol({y in X + B_r : |Pi (y - c)| <= a})`` for every
        m-dimensional orthogonal projection Pi (c the centre), or None.
    box : ``(r, ops) -> A`` with ``X + B_r ⊆ c + [-A/2, A/2]^d`` (coordinate slabs), or None.
    euclidean : whether the norm is Euclidean (then ``||h - I||`` is the largest singular value;
        otherwise the bound 2 of an isometry is used).
    regime : eps -> conditions under which the formulas hold (a torus ball must embed).
    """

    ball_volume: Fn
    neighbourhood: Fn
    kappa: sp.Expr
    cylinder: Fn | None
    box: Fn | None
    euclidean: bool = True
    regime: Callable[[sp.Expr], tuple] = lambda eps: ()


def _shell_cylinder(d: int, P_out: Fn, P_in: Fn | None) -> Fn:
    """Cylinder bound in the shell ``P_in(r) <= |y - c| <= P_out(r)`` of R^d (see _packing)."""
    def cylinder(r, m, a, ops):
        k = d - m
        po = P_out(r, ops)
        out = ops.omega(m) * ops.omega(k) * ops.min(a, po) ** m * po**k
        if P_in is not None:
            pi = P_in(r, ops)
            b = ops.min(a, pi)
            out = out - ops.omega(m) * ops.omega(k) * b**m * ops.root(pi**2 - b**2, k)
        return out
    return cylinder


def _shell(d: int, P_out: Fn, P_in: Fn | None) -> Geometry:
    def neighbourhood(r, ops):
        inner = P_in(r, ops) ** d if P_in is not None else 0
        return ops.omega(d) * (P_out(r, ops) ** d - inner)

    return Geometry(ball_volume=lambda r, ops: ops.omega(d) * r**d, neighbourhood=neighbourhood,
                    kappa=sp.Integer(1), cylinder=_shell_cylinder(d, P_out, P_in),
                    box=lambda r, ops: 2 * P_out(r, ops))


@functools.singledispatch
def geometry(space: Space) -> Geometry | None:
    """The packing geometry of ``space`` (None: the packing bound is not available)."""
    return None


@geometry.register(Ball)
def _(space):
    R = space.radius
    return _shell(space.manifold_dim, lambda r, ops: ops.num(R) + r, None)


@geometry.register(Annulus)
def _(space):
    r1, r2 = space.r_inner, space.r_outer
    return _shell(2, lambda r, ops: ops.num(r2) + r, lambda r, ops: ops.max(ops.num(r1) - r, ops.num(0)))


@geometry.register(Sphere)
def _(space):
    return _shell(space.ambient_dim, lambda r, ops: 1 + r, lambda r, ops: ops.max(1 - r, ops.num(0)))


@geometry.register(Cube)
def _(space):
    d, a = space.manifold_dim, space.side
    if space.metric == "sup":
        return Geometry(ball_volume=lambda r, ops: (2 * r) ** d,
                        neighbourhood=lambda r, ops: (ops.num(a) + 2 * r) ** d,
                        kappa=sp.sqrt(d), cylinder=None, box=lambda r, ops: ops.num(a) + 2 * r,
                        euclidean=False)

    def neighbourhood(r, ops):  # Steiner's formula
        out = 0
        for j in range(d + 1):
            out = out + int(sp.binomial(d, j)) * ops.num(a) ** j * ops.omega(d - j) * r ** (d - j)
        return out

    def P(r, ops):  # the cube lies in the ball of radius a sqrt(d) / 2 about its centre
        return ops.num(a * sp.sqrt(d) / 2) + r

    return Geometry(ball_volume=lambda r, ops: ops.omega(d) * r**d, neighbourhood=neighbourhood,
                    kappa=sp.Integer(1), cylinder=_shell_cylinder(d, P, None),
                    box=lambda r, ops: ops.num(a) + 2 * r)


@geometry.register(Torus)
def _(space):
    d, p = space.manifold_dim, space.period
    # a ball of radius r <= p/2 of the flat torus is isometric to a Euclidean ball
    return Geometry(ball_volume=lambda r, ops: ops.omega(d) * r**d,
                    neighbourhood=lambda r, ops: ops.num(p) ** d, kappa=sp.Integer(1),
                    cylinder=None, box=lambda r, ops: ops.num(p), euclidean=False,
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

    def P(r, ops):  # (A + B_r) x (B + B_r) lies in the ball of this radius about the centre
        return ops.root((ops.num(pa) + r) ** 2 + (ops.num(pb) + r) ** 2, 1)

    if space.metric == "max":
        def ball(r, ops):
            return A.ball_volume(r, ops) * B.ball_volume(r, ops)
        kappa = sp.sqrt(2)
    else:
        def ball(r, ops):
            return ops.omega(a + b) * r ** (a + b)
        kappa = sp.Integer(1)
    return Geometry(ball_volume=ball,
                    neighbourhood=lambda r, ops: A.neighbourhood(r, ops) * B.neighbourhood(r, ops),
                    kappa=kappa, cylinder=_shell_cylinder(a + b, P, None),
                    box=lambda r, ops: ops.max(A.box(r, ops), B.box(r, ops)),
                    euclidean=space.metric == "euclidean")


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
    return space.side * sp.sqrt(space.manifold_dim) / 2 if space.metric == "euclidean" else None


@_enclosing.register(Product)
def _(space):
    a, b = _enclosing(space.A), _enclosing(space.B)
    return None if a is None or b is None else sp.sqrt(a**2 + b**2)


# ------------------------------------------------------------------------------------------------
# grids whose centres every permutation of the coordinates permutes
# ------------------------------------------------------------------------------------------------


@functools.singledispatch
def grid_axis_count(space: Space, eps: sp.Expr) -> sp.Expr | None:
    """Points per axis of the space's certified grid cover, whose centres every permutation of the
    coordinates permutes (None: no such grid)."""
    return None


@grid_axis_count.register(Cube)
def _(space, eps):
    d, a = space.manifold_dim, space.side
    return _ceil(a / (2 * eps) if space.metric == "sup" or d == 1 else a * sp.sqrt(d) / (2 * eps))


@grid_axis_count.register(Torus)
def _(space, eps):
    d, p = space.manifold_dim, space.period
    return _ceil(p / (2 * eps) if d == 1 else p * sp.sqrt(d) / (2 * eps))
