r"""The group side of the packing bound (:mod:`symbound.quotient._packing`): the non-identity
elements of a finite group, up to the data the fixed-set bounds read from them (certified lower
bounds on the singular values of ``h - I``, an upper bound on its norm, its cycles when it permutes
coordinates), and, for sets that are not groups, the generated group and a set G' with
``S+ G' = G``.
"""

from __future__ import annotations

import functools
import math
import weakref
from dataclasses import dataclass

import numpy as np
import sympy as sp
from sympy.utilities.iterables import partitions

from ..errors import InvalidValueError
from ..groups import Cyclic, Dihedral, Symmetric, TransformationSetBase
from ..groups.finite import _match_index

__all__ = ["ElementType", "element_types", "matrix_types", "generated_group", "coset_cover",
           "MAX_GENERATED_ORDER", "MAX_ENUMERATED"]

#: unit roundoff of float64
_U = 2.0 ** -53
#: largest group generated from a finite set that is not a group (beyond it: no packing bound)
MAX_GENERATED_ORDER = 2000
#: largest number of matrices whose singular values are computed one by one
MAX_ENUMERATED = 200_000
#: singular values below this are not used for cylinders (they would give no information)
_RANK_TOL = 1e-6


@dataclass(frozen=True)
class ElementType:
    """Non-identity elements that share the data the slab bounds use.

    ``count`` elements; ``rank``: the number m of singular values of ``h - I`` the cylinder bound
    uses and ``smallest``: a certified positive lower bound on the m-th largest (a SymPy number;
    ``rank = 0``: none is used); ``norm``: an upper bound on ``||h - I||_2`` (at most 2);
    ``cycles``: signed cycle lengths when h is a signed permutation of the coordinates (a cycle
    whose signs multiply to -1 has a negative length), else None.
    """

    count: int
    rank: int
    smallest: sp.Expr | None
    norm: sp.Expr
    cycles: tuple | None


@functools.singledispatch
def element_types(group: TransformationSetBase) -> list[ElementType]:
    """The non-identity elements of a finite group of matrices, by their data (computed once per
    group: the SVD of large matrices is the slow step)."""
    cached = _CACHE.get(group)
    if cached is None:
        cached = matrix_types(group.elements(), group.matrix_tolerance)
        _CACHE[group] = cached
    return cached


_CACHE: "weakref.WeakKeyDictionary[TransformationSetBase, list[ElementType]]" = \
    weakref.WeakKeyDictionary()


def _rotation_types(k: int) -> list[ElementType]:
    """The k - 1 rotations of C_k by ``2 pi j / k`` in a coordinate plane (exact): ``h - I`` has
    the singular value ``2 sin(pi j / k)`` twice (it is ``R - I`` on the plane, ``|(R - I) u| =
    2 sin(a/2) |u|``) and 0 elsewhere; j and k - j give the same values."""
    out = []
    for j in range(1, k // 2 + 1):
        s = 2 * sp.sin(sp.pi * sp.Rational(j, k))
        out.append(ElementType(1 if 2 * j == k else 2, 2, s, s, None))
    return out


def _signed_permutation_types(group) -> list[ElementType] | None:
    """C_k, D_k with k in {1, 2, 4}: every element is a signed permutation of the coordinates (its
    entries are cos and sin of multiples of pi/2, stored within one rounding of 0, +-1), so the
    rounded matrices are the exact elements; their types carry the signed cycles that the
    coordinate-slab and invariant-grid bounds of a cube or torus need."""
    if group.k not in (1, 2, 4):
        return None
    exact = np.round(group.elements())
    return matrix_types(exact, 0.0)


@element_types.register(Cyclic)
def _(group):
    return _signed_permutation_types(group) or _rotation_types(group.k)


@element_types.register(Dihedral)
def _(group):
    signed = _signed_permutation_types(group)
    if signed is not None:
        return signed
    # the k reflections: h - I = -2 (projection on the mirror's normal): one singular value 2
    two = sp.Integer(2)
    return _rotation_types(group.k) + [ElementType(group.k, 1, two, two, None)]


@element_types.register(Symmetric)
def _(group):
    """S_n on coordinates, by cycle type (exact): a cycle of length l contributes the singular
    values ``2 |sin(pi j / l)|``, j = 1..l-1, of ``P - I`` (its eigenvalues are the l-th roots of
    unity minus 1, and P - I is normal)."""
    n = group.n
    out = []
    for part in partitions(n):
        cycles = tuple(sorted((l for l, m in part.items() for _ in range(m)), reverse=True))
        if cycles[0] == 1:
            continue  # the identity
        count = math.factorial(n)
        for l, m in part.items():
            count //= l**m * math.factorial(m)
        # all n - #cycles nonzero singular values are used; the smallest is 2 sin(pi / l_max), the
        # largest 2 sin(pi floor(l/2) / l) for the cycle that maximises it
        largest = max(cycles, key=lambda l: math.sin(math.pi * (l // 2) / l))
        out.append(ElementType(count, n - len(cycles), 2 * sp.sin(sp.pi / cycles[0]),
                               2 * sp.sin(sp.pi * sp.Rational(largest // 2, largest)), cycles))
    return out


def matrix_types(mats: np.ndarray, tol: float) -> list[ElementType]:
    """The non-identity matrices of ``mats`` (a group, each within ``tol`` entrywise of the exact
    map) by their data: Weyl-certified lower bounds on the singular values of ``h - I``."""
    mats = np.asarray(mats, dtype=np.float64)
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
        used = lo[lo > _RANK_TOL]  # descending: the first `rank` values
        smallest = sp.Rational(float(used[-1])) if used.size else None
        norm = sp.Min(sp.Integer(2), sp.Rational(hi))
        out.append(ElementType(len(idx), int(used.size), smallest, norm, cycles))
    return out


def _permutation_cycles(mats: np.ndarray) -> list[tuple | None]:
    """Signed cycle lengths of each matrix that is a signed permutation matrix (entries 0, +-1;
    else None): a cycle of length l whose signs multiply to +1 is ``l``, to -1 is ``-l``.  A 0/1
    permutation matrix has only positive cycles."""
    out: list[tuple | None] = []
    for m in mats:
        r = np.round(m)
        a = np.abs(r)
        if not (np.all(np.abs(m - r) <= 1e-12) and np.all((a == 0) | (a == 1))
                and np.all(a.sum(0) == 1) and np.all(a.sum(1) == 1)):
            out.append(None)
            continue
        target = np.argmax(a, axis=0)  # column j is sent to row target[j], with sign r[target[j], j]
        seen, lengths = set(), []
        for j in range(len(target)):
            if j in seen:
                continue
            length, k, sign = 0, j, 1
            while k not in seen:
                seen.add(k)
                sign *= int(r[target[k], k])
                k = int(target[k])
                length += 1
            lengths.append(length * sign)
        out.append(tuple(sorted(lengths, key=lambda c: (-abs(c), -c))))
    return out


# ------------------------------------------------------------------------------------------------
# sets that are not groups
# ------------------------------------------------------------------------------------------------


def generated_group(mats: np.ndarray, atol: float, max_order: int = MAX_GENERATED_ORDER
                    ) -> tuple[np.ndarray, int] | None:
    """The group generated by the matrices (closure under products, duplicates within ``atol``
    merged) and the length of the longest product needed, or None when it has more than
    ``max_order`` elements."""
    d = mats.shape[1]
    elems = np.eye(d)[None]
    frontier, depth = elems, 0
    while frontier.shape[0]:
        prods = np.einsum("aij,bjk->abik", frontier, mats).reshape(-1, d, d)
        cand = prods[_match_index(elems, prods, atol) < 0]
        if cand.shape[0] == 0:
            break
        first = _match_index(cand, cand, atol)
        cand = cand[first == np.arange(cand.shape[0])]
        elems = np.concatenate([elems, cand])
        if elems.shape[0] > max_order:
            return None
        frontier, depth = cand, depth + 1
    return elems, depth


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
