r"""The registry of (space, transformation set) pairs: one entry per pair, the only dispatch.

Each family module (:mod:`.lie`, :mod:`.finite`, :mod:`.partial`, :mod:`.points`, ...) registers
its pairs with :func:`register`: which space and transformation-set classes the entry is for, a
``build`` function that returns the case (or ``None`` when the entry's conditions fail, e.g. a
rotation group whose degree differs from the ball's dimension), the method, whether the result is
exact, certified or asymptotic, the quotient's dimension and the dimension drop, and where the
proof lives.  :func:`lookup` tries the entries that match the classes in order of ``priority``
(SymPy's and ``functools.singledispatch``'s model: dispatch on the types, never an ``isinstance``
ladder at the call site), and :func:`symbound.quotient.supported_pairs` prints the same entries as
the public table.

Before an entry with ``checked=True`` is tried, :func:`check_action` verifies that the set maps the
space into itself (``S(X) ⊆ X``, which THEORY.md §2's facts need) and that the dimensions agree; it
dispatches on the space's class (``functools.singledispatch``), so a new space registers its own
rule next to its covering numbers.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import sympy as sp

from .._validation import brief
from ..errors import InvalidValueError
from ..groups import TransformationSet, TransformationSetBase
from ..spaces import Annulus, Ball, Cube, Manifold, Product, Space, Sphere, Torus, _exact
from ._common import Case

__all__ = ["Pair", "register", "lookup", "pairs", "check_action", "STATUSES", "signed_permutations"]

#: what an entry's certified statement is: exact count, certified bounds, asymptotic form only, or
#: nothing beyond the general facts (``N_S <= N``)
STATUSES = ("exact", "certified", "asymptotic", "trivial")

Builder = Callable[[Space, TransformationSetBase, dict], "Case | None"]


@dataclass(frozen=True)
class Pair:
    """One registered (space, transformation set) pair.

    Attributes
    ----------
    key : short identifier (``"so2-annulus"``).
    title : the pair as a reader names it (``"SO(2)/O(2) on an annulus or disk"``).
    spaces, groups : the classes the entry is for (subclasses match too).
    build : ``(space, group, options) -> Case or None`` (``None``: the entry does not apply).
    method : the argument, in words.
    status : one of :data:`STATUSES`.
    quotient_dim : dimension ``d_0`` of the quotient, as text in the space's parameters.
    drop : dimension drop ``dim X - d_0``, as text.
    proof : where the proof lives (module or class docstring).
    priority : higher entries are tried first.
    checked : whether :func:`check_action` must pass first (``False`` for entries whose action is
        not on the ambient coordinates: points of a configuration, abstract manifolds).
    """

    key: str
    title: str
    spaces: tuple[type, ...]
    groups: tuple[type, ...]
    build: Builder = field(repr=False, compare=False)
    method: str
    status: str
    quotient_dim: str
    drop: str
    proof: str
    priority: int = 0
    checked: bool = True

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {brief(self.status)}")

    def matches(self, space: Space, group: TransformationSetBase) -> bool:
        return isinstance(space, self.spaces) and isinstance(group, self.groups)


_PAIRS: list[Pair] = []


def register(pair: Pair) -> Pair:
    """Add ``pair`` to the registry (keys are unique)."""
    if any(p.key == pair.key for p in _PAIRS):
        raise ValueError(f"a pair with key {pair.key!r} is already registered")
    _PAIRS.append(pair)
    _PAIRS.sort(key=lambda p: -p.priority)
    return pair


def pairs() -> tuple[Pair, ...]:
    """The registered pairs, in the order :func:`lookup` tries them."""
    return tuple(_PAIRS)


def lookup(space: Space, group: TransformationSetBase, options: dict) -> tuple[Pair, Case]:
    """The first registered pair (by priority) whose classes match and whose ``build`` applies."""
    checked = False
    for pair in _PAIRS:
        if not pair.matches(space, group):
            continue
        if pair.checked and not checked:
            check_action(space, group)
            checked = True
        case = pair.build(space, group, options)
        if case is not None:
            return pair, case
    raise unsupported(space, group, "no registered pair applies")


# ------------------------------------------------------------------------------------------------
# does S map X into X?
# ------------------------------------------------------------------------------------------------


def supported_text() -> str:
    """One line per registered pair, quoted in error messages."""
    return "supported pairs: " + "; ".join(p.title for p in _PAIRS)


def unsupported(space, group, why: str) -> InvalidValueError:
    """The error for a pair no entry of the registry handles: one line with the reason, one with
    where the supported pairs are listed (the list itself is long)."""
    return InvalidValueError(f"quotient({space!r}, {group!r}) is not supported: {why}\n"
                             "supported pairs: from symbound.quotient import supported_pairs (docs: supported.md)")


def _same_group_on(group, amb: int) -> str | None:
    """The constructor call of ``group`` acting on R^amb (the fix a dimension mismatch needs), or
    None when no such group exists."""
    from ..groups import O, SO, Cyclic, Dihedral, PartialRotations, Symmetric, Translations

    name = type(group).__name__
    if isinstance(group, (Cyclic, Dihedral)) and amb >= 2:
        return f"{name}({group.k}, dim={amb})"
    if isinstance(group, (SO, O)):
        if group.degree == 2 and amb > 2:
            return f"{name}(2, dim={amb})"
        return f"{name}({amb})"
    if isinstance(group, PartialRotations) and group.plane is not None and amb >= 2:
        return f"PartialRotations({group.max_angle}, dim={amb})"
    if isinstance(group, Translations):
        return f"Translations({amb}, period={group.period:g})"
    if isinstance(group, Symmetric) and group.axis == -1:
        return f"Symmetric({amb}, axis=-1)"
    return None


def mismatch(space, group, amb) -> InvalidValueError:
    """``Cyclic(8) acts on R^2 but Ball(5) lives in R^5: use Cyclic(8, dim=5)``."""
    where = "has no ambient Euclidean space" if amb is None else f"lives in R^{amb}"
    fix = None if amb is None else _same_group_on(group, amb)
    return InvalidValueError(
        f"{group!r} acts on R^{group.n} but {space!r} {where}: "
        + (f"use {fix}" if fix else "the group must act on the space's coordinates"))


def _check_dimension(space: Space, group: TransformationSetBase) -> None:
    if group.n != space.ambient_dim:
        raise mismatch(space, group, space.ambient_dim)


@functools.singledispatch
def check_action(space: Space, group: TransformationSetBase) -> None:
    """Raise unless ``group`` maps ``space`` into itself (dimensions included)."""
    raise unsupported(space, group, f"the action of {group.name} on {type(space).__name__} "
                      "cannot be checked")


def _linear_rule(space, group, maps_into: bool, why: str) -> None:
    """The rule shared by the spaces that only linear maps act on: dimensions, no translations,
    and ``maps_into`` (else ``why``)."""
    _check_dimension(space, group)
    if group.action == "translation":
        raise unsupported(space, group, "Translations(d, p) acts only on Torus(d, p) with the "
                          "same period")
    if not maps_into:
        raise unsupported(space, group, why)


@check_action.register(Ball)
@check_action.register(Sphere)
@check_action.register(Annulus)
def _(space, group) -> None:
    _linear_rule(space, group, group.is_orthogonal, f"{group.name} is not orthogonal, so it does "
                 f"not map {type(space).__name__} into itself")


@check_action.register(Cube)
def _(space, group) -> None:
    _linear_rule(space, group, group.permutes_coordinates, f"{group.name} does not map "
                 f"{type(space).__name__} into itself (only permutations of coordinates do)")


@check_action.register(Torus)
def _(space, group) -> None:
    _check_dimension(space, group)
    if group.action == "translation":
        if _exact(space.period) != sp.Rational(group.period):
            raise unsupported(space, group, "Translations(d, p) acts only on Torus(d, p) with the "
                              "same period")
        return
    if not (group.permutes_coordinates or (group.is_finite and group.action == "linear"
                                           and signed_permutations(group.elements()))):
        raise unsupported(space, group, f"{group.name} does not map {type(space).__name__} into "
                          "itself (only signed permutations of the coordinates, its linear "
                          "isometries, and translations do)")


def signed_permutations(m: np.ndarray) -> bool:
    """Whether every matrix of the stack ``m`` is a signed permutation matrix (entries 0 and +-1,
    one nonzero per row and column, within 1e-12).  These are the linear maps of ``R^d`` that
    preserve the lattice ``p Z^d`` and the Euclidean norm, i.e. the linear isometries of the flat
    torus ``R^d / p Z^d``: an integer matrix M with ``M Z^d = Z^d`` that is orthogonal has columns
    that are integer unit vectors."""
    m = np.asarray(m, dtype=np.float64)
    a = np.abs(m)
    ok = np.all((a < 1e-12) | (np.abs(a - 1.0) < 1e-12))
    return bool(ok and np.allclose(a.sum(axis=1), 1.0) and np.allclose(a.sum(axis=2), 1.0))


@check_action.register(Manifold)
def _(space, group) -> None:
    """An abstract manifold: the action is declared by the caller (orbit_dim, quotient_volume)."""




def _rotation_invariant(space: Space, d: int) -> bool:
    """Whether every orthogonal map of R^d maps ``space`` (a ball, sphere or annulus centred at 0
    in R^d, or a product of those) into itself."""
    if isinstance(space, Product):
        return _rotation_invariant(space.A, d) and _rotation_invariant(space.B, d)
    return isinstance(space, (Ball, Sphere, Annulus)) and space.ambient_dim == d


def _diagonal_rotations(space: Product, group: TransformationSetBase) -> bool:
    """SO(d)/O(d) (or its rotations in a plane) on R^d acting diagonally, ``g (x, y) = (g x, g y)``,
    on a product of rotation-invariant factors in R^d: it maps the product into itself (each
    factor to itself)."""
    from ..groups import O, SO

    return isinstance(group, (SO, O)) and _rotation_invariant(space, group.n)


@check_action.register(Product)
def _(space, group) -> None:
    """A finite set of matrices acting factor by factor: every element is block diagonal with
    blocks that map each factor into itself, or (equal factors) swaps the factors that way."""
    amb = space.ambient_dim
    if _diagonal_rotations(space, group):
        return
    if amb is None or not (group.is_finite and group.action == "linear"):
        raise unsupported(space, group, f"the action of {group.name} on a product can be checked "
                          "only for finite sets of matrices acting factor by factor, and for "
                          "SO(d)/O(d) rotating every factor (balls, spheres, annuli in R^d) at once")
    _check_dimension(space, group)
    a = space.A.ambient_dim
    tol = max(group.matrix_tolerance, 1e-12)
    for m in group.elements():
        diag = np.all(np.abs(m[:a, a:]) <= tol) and np.all(np.abs(m[a:, :a]) <= tol)
        swap = space.A == space.B and np.all(np.abs(m[:a, :a]) <= tol) and \
            np.all(np.abs(m[a:, a:]) <= tol)
        if not (diag or swap):
            raise unsupported(space, group, f"an element of {group.name} mixes the factors of the "
                              "product (only block-diagonal maps, or swaps of equal factors, map a "
                              "product into itself)")
        blocks = ((m[:a, :a], space.A), (m[a:, a:], space.B)) if diag else \
            ((m[:a, a:], space.A), (m[a:, :a], space.B))
        for block, factor in blocks:
            check_action(factor, TransformationSet(block, atol=tol))
