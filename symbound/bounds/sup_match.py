r"""Does a measured sup error stand for the sup a bound needs?  (DESIGN "the seam", THEORY §3.)

A :class:`~symbound.seam.SupErrorUpperBound` ``U >= sup_{x in A, s in S'} |f(s x) - rho(s) f(x)|``
may replace ``ee_inf(f; S)`` over the input space X only when

* ``S ⊆ S'``: a sup over a larger set bounds the sup over a smaller one, never the converse (a sup
  over rotations by at most 0.1 says nothing about rotations by pi);
* ``X ⊆ A``: the sup is over all of X.  Not only over the data's support: the telescoping of the
  partial trade-off (statements P1, P5, P6 of :mod:`symbound.bounds.tradeoff.partial`) moves
  points through intermediate points ``R_s x`` of X, and a target can vanish near its support and
  vary elsewhere (docs/theory/tradeoff.md, "Setting").

Both containments are decided exactly from the recorded objects (``group``, ``region_space``) for
the cases below, and otherwise are *undecided*; a decided failure is always refused, an undecided
one (or a value built by hand without ``group`` / ``region_space``) is accepted only when the value
carries the caller's assertion ``assume_matches=True``, which the consumer records.

Sets (``S ⊆ S'``): equal sets; rotations of one coordinate plane of R^n — SO(2) (or
``PartialRotations(pi)``) contains every ``PartialRotations(theta)`` and every ``Cyclic(k)`` of the
same plane, ``PartialRotations(a)`` contains ``PartialRotations(b)`` iff ``b <= a`` (angles as exact
numbers, ``math.pi`` standing for pi) and does not contain SO(2); a finite set does not contain an
infinite one.  Regions (``X ⊆ A``; all of symbound's regions are centred at the origin, the cube
is ``[0, a]^d``): ``Ball(d, R') ⊇ Ball(d, R)`` iff ``R' >= R``; ``Ball(2, R) ⊇ Annulus(r_1, r_2)``
iff ``R >= r_2``; ``Annulus(a_1, a_2) ⊇ Annulus(r_1, r_2)`` iff ``a_1 <= r_1`` and ``a_2 >= r_2``
(a ball is the annulus with ``r_1 = 0``); ``Cube(d, a') ⊇ Cube(d, a)`` iff ``a' >= a`` (either
metric); spheres and tori contain only themselves; different dimensions never.
"""

from __future__ import annotations

import math

import sympy as sp

from ..errors import InvalidValueError
from ..seam import SupErrorUpperBound

__all__ = ["set_contains", "region_contains", "check_sup_matches"]

_ASSERT = ("if you know that it holds, assert it: dataclasses.replace(ub, assume_matches=True) (or "
           "SupErrorUpperBound(..., assume_matches=True)); the assertion is recorded among the "
           "bound's assumptions")


def _ge(a, b) -> bool | None:
    """``a >= b`` for exact real numbers (None when SymPy cannot decide)."""
    r = sp.sympify(a) >= sp.sympify(b)
    return bool(r) if r in (sp.true, sp.false) else None


def _angle(g) -> sp.Expr | None:
    """The largest rotation angle of a planar rotation set, exact (pi for SO(2)); None otherwise."""
    from ..groups import SO, PartialRotations

    if isinstance(g, SO) and g.degree == 2:
        return sp.pi
    if isinstance(g, PartialRotations) and g.plane is not None:
        a = g.max_angle
        if isinstance(a, sp.Basic):
            return a
        return sp.pi if float(a) >= math.pi else sp.Rational(float(a))
    return None


def set_contains(big, small) -> bool | None:
    """``small ⊆ big`` for transformation sets: True, False, or None (undecided); module docstring."""
    from ..groups import Cyclic

    if big == small:
        return True
    a_big, a_small = _angle(big), _angle(small)
    same_plane = getattr(big, "n", None) == getattr(small, "n", None) and \
        getattr(big, "plane", None) == getattr(small, "plane", None)
    if a_big is not None and a_small is not None:
        return _ge(a_big, a_small) if same_plane else None
    if a_big is not None and isinstance(small, Cyclic) and same_plane and a_big == sp.pi:
        return True
    if getattr(big, "is_finite", False) and not getattr(small, "is_finite", True):
        return False
    return None


def region_contains(region, space) -> bool | None:
    """``space ⊆ region`` for symbound spaces: True, False, or None (undecided); module docstring."""
    from ..spaces import Annulus, Ball, Cube, Sphere, Torus

    if region == space:
        return True

    def planar(s):  # (r_1, r_2) of a disk or an annulus of the plane
        if isinstance(s, Annulus):
            return s.r_inner, s.r_outer
        if isinstance(s, Ball) and s.ambient_dim == 2:
            return sp.Integer(0), s.radius
        return None

    if isinstance(region, Ball) and isinstance(space, Ball):
        return region.ambient_dim == space.ambient_dim and _ge(region.radius, space.radius)
    pr, ps = planar(region), planar(space)
    if pr is not None and ps is not None:
        inner, outer = _ge(ps[0], pr[0]), _ge(pr[1], ps[1])
        if inner is False or outer is False:
            return False
        return None if None in (inner, outer) else True
    if isinstance(region, Cube) and isinstance(space, Cube):
        return region.manifold_dim == space.manifold_dim and _ge(region.side, space.side)
    kinds = (Ball, Annulus, Cube, Sphere, Torus)
    if isinstance(region, (Sphere, Torus)) and isinstance(space, kinds) or \
            isinstance(space, (Sphere, Torus)) and isinstance(region, kinds):
        return False  # not equal (checked above): a sphere or torus contains only itself
    if isinstance(region, kinds) and isinstance(space, kinds) and \
            region.ambient_dim != space.ambient_dim:
        return False
    return None


def _verdict(contains: bool | None, unknown: list, mismatch: str, undecided: str) -> None:
    """Raise ``mismatch`` on a decided failure; note ``undecided`` when containment is unknown."""
    if contains is False:
        raise InvalidValueError(mismatch)
    if contains is None:
        unknown.append(undecided)


def check_sup_matches(ub: SupErrorUpperBound, group, space, *, name: str,
                      needed: str | None = None) -> tuple[str, ...]:
    """Refuse ``ub`` unless it is a sup over a set containing ``group`` and a region containing
    ``space`` (``space`` None: no input space to compare, only the set is checked).

    Returns the assumptions to record: empty when both were decided, the caller's assertion when
    ``ub.assume_matches`` stood in for an undecided containment.  ``needed`` names the quantity
    in the messages (default ``ee_inf(f; group)``).

    Raises
    ------
    InvalidValueError
        a decided mismatch (naming both sets or regions), or an undecided one without
        ``assume_matches`` (naming how to certify or assert it).

    Examples
    --------
    >>> from symbound.groups import SO, PartialRotations
    >>> from symbound.spaces import Ball
    >>> ub = SupErrorUpperBound(0.1, "data", "region", 1.0, 0.05, "x", region="B^2_1",
    ...                         group=SO(2), region_space=Ball(2))
    >>> check_sup_matches(ub, PartialRotations(0.3), Ball(2, 0.5), name="eta_d")
    ()
    """
    needed = needed or f"ee_inf(f; {group.name})"
    how = ("sb.certified_data_sup_error(X, y, {}, ...)" if ub.quantity == "data"
           else "sb.certified_sup_error(model, {}, ...)")
    unknown: list[str] = []
    if ub.group is None:
        unknown.append("the set it was measured for is not recorded (group=None)")
    else:
        _verdict(set_contains(ub.group, group), unknown,
                 f"{name}: this SupErrorUpperBound is a sup over S = {ub.group.name}, which does "
                 f"not contain {group.name}: it does not bound {needed}. Certify the sup over "
                 f"{group.name} (or a larger set), e.g. " + how.format(repr(group)),
                 f"symbound cannot decide whether {ub.group.name} contains {group.name}")
    if space is not None and ub.region_space is None:
        unknown.append(f"its region ({ub.region!r}) is recorded by name only (region_space=None)")
    elif space is not None:
        _verdict(region_contains(ub.region_space, space), unknown,
                 f"{name}: this SupErrorUpperBound is a sup over the region "
                 f"{ub.region_space.name}, which does not contain the input space {space.name}: "
                 f"{needed} is a sup over all of {space.name} (the approximation arguments move "
                 f"points through it). Certify it with region={space!r} (or a region containing it)",
                 f"symbound cannot decide whether {ub.region_space.name} contains {space.name}")
    if not unknown:
        return ()
    if not ub.assume_matches:
        raise InvalidValueError(
            f"{name}: cannot check that this SupErrorUpperBound bounds {needed}"
            + (f" over {space.name}" if space is not None else "") + ": " + "; ".join(unknown)
            + ". Certify it with symbound.certified_sup_error / certified_data_sup_error (they "
            f"record the set and the region), or, {_ASSERT}")
    return (f"asserted by the caller (assume_matches=True), not checked: the value "
            f"{ub.value:.6g} bounds {needed}" + (f" over all of {space.name}" if space is not None
                                               else "") + f" ({'; '.join(unknown)})",)
