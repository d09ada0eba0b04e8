"""Finite transformation sets: cyclic, dihedral and symmetric groups, and arbitrary finite sets of
matrices (THEORY.md §2).  lambda is the uniform measure on the elements."""

from __future__ import annotations

import itertools
from abc import abstractmethod
import math

import numpy as np
import sympy as sp

from .._validation import brief
from .._validation import (MAX_GROUP_DIM, MAX_GROUP_ORDER, check_choice, check_integer,
                           check_real)
from ..errors import InvalidTypeError, InvalidValueError
from ._base import TransformationSetBase, _check_plane, _is_orthogonal, _plane_rotations
from .image import (IMAGE_ORDERS, apply_maps, apply_maps_each, check_image_shape,
                    image_index_maps)

__all__ = ["Cyclic", "Dihedral", "Symmetric", "TransformationSet"]

#: largest n for which Symmetric(n).elements() enumerates the n! permutations
MAX_ENUMERATED_PERMUTATIONS = 8


class _FiniteMatrixSet(TransformationSetBase):
    action = "linear"
    is_finite = True
    manifold_dim = 0

    _matrices: np.ndarray

    @property
    def order(self) -> int:
        return int(self._matrices.shape[0])

    @property
    def haar(self) -> str:
        return f"uniform measure on the {self.order} elements"

    def elements(self) -> np.ndarray:
        return self._matrices.copy()

    def sample(self, size: int, rng: np.random.Generator) -> np.ndarray:
        size = check_integer("size", size, 0)
        return self._matrices[rng.integers(0, self.order, size=size)]

    def contains(self, element, atol: float = 1e-9) -> bool:
        m = np.asarray(element, dtype=np.float64)
        if m.shape != (self.n, self.n):
            return False
        return bool(np.any(np.all(np.abs(self._matrices - m) <= atol, axis=(1, 2))))


class _PlaneFiniteGroup(_FiniteMatrixSet):
    """A finite group of isometries of a coordinate plane, generated from the angles 2 pi j / k.

    ``action="image"``: the same group acting on images (the last two axes of an array) by
    rotating and flipping the pixel grid (:mod:`symbound.groups.image`); k in 1, 2, 4, and the
    elements are the exact integer matrices of the symmetries of the square."""

    is_group = True
    #: cos and sin of 2 pi j / k are rounded once each (and 2 pi j / k itself): a few units of the
    #: last place, bounded generously
    _ROUNDING = 8 * 2.0**-52
    _letter = ""

    def __init__(self, k: int, dim: int = 2, plane: tuple[int, int] = (0, 1),
                 action: str = "linear"):
        self.k = check_integer("k", k, 1, MAX_GROUP_ORDER)
        self.action = check_choice("action", action, ("linear", "image"))
        if self.action == "image":
            if self.k not in IMAGE_ORDERS:
                raise InvalidValueError(
                    f"k must be 1, 2 or 4 for action='image' (rotations of the pixel grid by "
                    f"quarter turns), got k={brief(k)}; wrap other rotations (with interpolation) in "
                    "symbound.groups.Action")
            if isinstance(dim, bool) or dim != 2 or tuple(plane) != (0, 1):
                raise InvalidValueError(
                    f"dim and plane belong to the linear action; action='image' acts on the last "
                    f"two axes of an array, got dim={brief(dim)}, plane={plane!r}")
        self.n = check_integer("dim", dim, 2, MAX_GROUP_DIM)
        self.plane = _check_plane(plane, self.n)
        mats = self._build(2.0 * np.pi * np.arange(self.k) / self.k)
        # the symmetries of the square are exact integer matrices
        self._matrices = np.rint(mats) + 0.0 if self.action == "image" else mats  # no -0.0
        self._map_cache: dict = {}

    @property
    def matrix_tolerance(self) -> float:
        return 0.0 if self.action == "image" else self._ROUNDING

    @property
    def is_orthogonal(self) -> bool:
        """Orthogonal matrices on the last axis (linear action); an image group does not act on
        the last axis by a matrix."""
        return self.action == "linear"

    @abstractmethod
    def _build(self, angles: np.ndarray) -> np.ndarray:
        """The group's matrices from the angles 2 pi j / k."""

    @property
    def name(self) -> str:
        return f"{self._letter}_{self.k}"

    def latex(self) -> str:
        return f"{self._letter}_{{{self.k}}}"

    def _repr_args(self) -> str:
        if self.action == "image":
            return f"{self.k}, action='image'"
        return (f"{self.k}" + ("" if self.n == 2 else f", dim={self.n}")
                + ("" if self.plane == (0, 1) else f", plane={self.plane}"))

    # ----- the image action --------------------------------------------------------------------
    def check_image(self, name: str, shape) -> None:
        """Raise unless ``shape`` ends in images this group acts on (``H == W`` for quarter
        turns)."""
        check_image_shape(name, tuple(shape), self._matrices, self.name)

    def index_maps(self, H: int, W: int, elements=None) -> np.ndarray:
        """The pixel index maps (K, H W) of ``elements`` (default: every element) on H x W images:
        ``(g . u).ravel() = u.ravel()[maps[k]]`` (:func:`~symbound.groups.image.image_index_maps`)."""
        if elements is None:
            key = (int(H), int(W))
            if key not in self._map_cache:
                self._map_cache[key] = image_index_maps(self._matrices, int(H), int(W))
            return self._map_cache[key]
        return image_index_maps(np.asarray(elements).reshape(-1, 2, 2), int(H), int(W))

    def element_index(self, elements) -> np.ndarray:
        """The index in :meth:`elements` of each given element (exact integer matrices)."""
        e = np.rint(np.asarray(elements, dtype=np.float64)).reshape(-1, 4)
        t = self._matrices.reshape(-1, 4)
        hit = np.all(e[:, None, :] == t[None, :, :], axis=2)
        if not np.all(hit.any(axis=1)):
            raise InvalidValueError(f"elements must belong to {self.name}, got {brief(elements)}")
        return np.argmax(hit, axis=1)

    def apply(self, elements: np.ndarray, x: np.ndarray) -> np.ndarray:
        if self.action != "image":
            return super().apply(elements, x)
        x = np.asarray(x, dtype=np.float64)
        self.check_image("x", x.shape)
        H, W = x.shape[-2:]
        return apply_maps(self.index_maps(H, W, elements), x)

    def apply_each(self, elements: np.ndarray, x: np.ndarray) -> np.ndarray:
        if self.action != "image":
            return super().apply_each(elements, x)
        x = np.asarray(x, dtype=np.float64)
        self.check_image("x", x.shape[1:])
        H, W = x.shape[-2:]
        return apply_maps_each(self.index_maps(H, W), self.element_index(elements), x)


class Cyclic(_PlaneFiniteGroup):
    r"""The cyclic group :math:`C_k` of rotations by :math:`2\pi j/k` of a coordinate plane.

    Parameters
    ----------
    k : order of the group, an integer >= 1.
    dim : dimension of the space acted upon (the last axis of the data), >= 2.
    plane : the two coordinates rotated (default the first two).
    action : ``"linear"`` (matrices on the last axis of the data) or ``"image"``: rotations of
        images (the last two axes, ``(..., H, W)``) by quarter turns, k in 1, 2, 4, computed as
        pixel index maps (:mod:`symbound.groups.image`; ``numpy.rot90`` on the last two axes
        for the generator of ``Cyclic(4, action="image")``).

    Examples
    --------
    >>> import numpy as np
    >>> from symbound.groups import Cyclic
    >>> G = Cyclic(4)
    >>> G.order, G.is_group
    (4, True)
    >>> img = np.arange(9.0).reshape(1, 3, 3)
    >>> R = Cyclic(4, action="image")
    >>> bool(np.array_equal(R.apply(R.elements()[1:2], img)[0], np.rot90(img, 1, axes=(-2, -1))))
    True
    """

    _letter = "C"

    def _build(self, angles: np.ndarray) -> np.ndarray:
        return _plane_rotations(angles, self.n, self.plane)


class Dihedral(_PlaneFiniteGroup):
    r"""The dihedral group :math:`D_k` (order 2k): rotations by :math:`2\pi j/k` and the reflections
    of a coordinate plane; with ``action="image"`` (k in 1, 2, 4) the rotations by quarter turns
    and the flips of images (the last two axes), as for :class:`Cyclic`.  The reflection
    ``diag(1, -1)`` flips the rows (``numpy.flipud`` on the last two axes).

    Examples
    --------
    >>> from symbound.groups import Dihedral
    >>> Dihedral(3).order
    6
    """

    _letter = "D"

    def _build(self, angles: np.ndarray) -> np.ndarray:
        rot = _plane_rotations(angles, self.n, self.plane)
        ref = _plane_rotations(angles, self.n, self.plane, reflect=np.ones(self.k, dtype=bool))
        return np.concatenate([rot, ref])


class Symmetric(TransformationSetBase):
    r"""The symmetric group :math:`S_n` permuting n points (axis -2 of the data, the default) or n
    coordinates (``axis=-1``).

    An element is a permutation ``p`` (int array); it acts by ``x -> x[..., p, :]`` (points) or
    ``x -> x[..., p]`` (coordinates).  Order n!.

    Examples
    --------
    >>> from symbound.groups import Symmetric
    >>> Symmetric(4).order
    24
    """

    action = "permutation"
    is_group = True
    is_finite = True
    manifold_dim = 0

    @property
    def is_orthogonal(self) -> bool:
        """Permuting coordinates (``axis=-1``) is orthogonal; permuting points is not a map of the
        last axis."""
        return self.axis == -1

    @property
    def permutes_coordinates(self) -> bool:
        return self.axis == -1

    def __init__(self, n: int, axis: int = -2):
        self.n = check_integer("n", n, 1, MAX_GROUP_DIM)
        if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)) or axis not in (-1, -2):
            raise InvalidValueError(
                f"axis must be -2 (permute points) or -1 (permute coordinates), got {brief(axis)}"
            )
        self.axis = int(axis)

    @property
    def order(self) -> int:
        return math.factorial(self.n)

    def order_symbol(self) -> sp.Expr:
        return sp.factorial(sp.Integer(self.n))

    @property
    def name(self) -> str:
        return f"S_{self.n}"

    def latex(self) -> str:
        return f"S_{{{self.n}}}"

    @property
    def haar(self) -> str:
        return f"uniform measure on the {self.n}! permutations"

    @property
    def ambient_dim(self) -> int | None:
        """n when permuting coordinates (``axis=-1``, an action on R^n); None when permuting the
        n points of a cloud (of any point dimension)."""
        return self.n if self.axis == -1 else None

    def _repr_args(self) -> str:
        return f"{self.n}, axis={self.axis}"

    def __str__(self) -> str:
        what = "the points (axis -2)" if self.axis == -2 else "the coordinates (axis -1)"
        return f"{self.name} permuting {what}"

    def elements(self) -> np.ndarray:
        if self.n > MAX_ENUMERATED_PERMUTATIONS:
            raise InvalidValueError(
                f"Symmetric(n).elements() enumerates n! permutations only for n <= "
                f"{MAX_ENUMERATED_PERMUTATIONS}, got n={self.n}; use sample()"
            )
        return np.array(list(itertools.permutations(range(self.n))), dtype=np.int64).reshape(-1, self.n)

    def sample(self, size: int, rng: np.random.Generator) -> np.ndarray:
        size = check_integer("size", size, 0)
        return np.argsort(rng.random((size, self.n)), axis=1).astype(np.int64)

    def apply(self, elements: np.ndarray, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        p = np.asarray(elements, dtype=np.int64)
        ax = x.ndim + self.axis
        if x.ndim < -self.axis or x.shape[ax] != self.n:
            raise InvalidValueError(
                f"x must have axis {self.axis} of length {self.n} for {self.name}, got shape {x.shape}"
            )
        if p.ndim != 2 or p.shape[1] != self.n:
            raise InvalidValueError(
                f"elements must be permutations of shape (K, {self.n}), got shape {p.shape}"
            )
        # np.take puts the (K, n) index block at axis ax; move K to the front
        return np.moveaxis(np.take(x, p, axis=ax), ax, 0)

    def contains(self, element, atol: float = 1e-9) -> bool:
        p = np.asarray(element)
        return (p.shape == (self.n,) and np.issubdtype(p.dtype, np.integer)
                and sorted(p.tolist()) == list(range(self.n)))


def _match_index(table: np.ndarray, queries: np.ndarray, atol: float) -> np.ndarray:
    """For each query matrix, the index of a matrix of ``table`` equal to it within ``atol`` in every
    entry, or -1.

    Sort-and-search on a fixed generic 1-D projection ``key = entries . w``: entrywise closeness
    within atol implies keys within ``atol * sum|w|``, so only the table matrices whose keys fall in
    that window are compared.  Cost O((k + q) log k) for well-separated sets instead of O(k q); the
    result does not depend on ``w`` (every candidate is checked entrywise).
    """
    k = table.shape[0]
    t = table.reshape(k, -1)
    q = queries.reshape(queries.shape[0], -1)
    w = np.random.default_rng(0x5B).standard_normal(t.shape[1])
    width = np.abs(w).sum() * atol * (1.0 + 1e-9) + 1e-12 * (1.0 + np.abs(t).max()) * np.abs(w).sum()
    tk = t @ w
    order = np.argsort(tk, kind="stable")
    tk_sorted = tk[order]
    qk = q @ w
    lo = np.searchsorted(tk_sorted, qk - width, side="left")
    hi = np.searchsorted(tk_sorted, qk + width, side="right")
    found = np.full(q.shape[0], -1, dtype=np.int64)
    span = int((hi - lo).max(initial=0))
    for off in range(span):
        pos = lo + off
        todo = (found < 0) & (pos < hi)
        if not todo.any():
            break
        cand = order[pos[todo]]
        ok = np.all(np.abs(t[cand] - q[todo]) <= atol, axis=1)
        idx = np.flatnonzero(todo)[ok]
        found[idx] = cand[ok]
    return found


class TransformationSet(_FiniteMatrixSet):
    r"""Any finite set of square matrices acting linearly on the last axis (THEORY.md §2: S need not
    be a group).

    ``is_group`` is decided by a closure check: the set is a group iff it contains the identity, is
    closed under products and every element has its inverse in the set (for invertible matrices
    closure under products implies the latter, but a singular matrix -- e.g. a projection P with
    P^2 = P -- can make a product-closed monoid that is not a group).  Passing ``is_group=True``
    asserts it: a set whose closure check fails then raises.  Matrices equal within ``atol`` are
    one element: duplicates are dropped (first occurrence kept), so ``order`` counts distinct
    elements.

    Parameters
    ----------
    matrices : array-like of shape (k, m, m) (or one (m, m) matrix), k >= 1, real and finite.
    is_group : ``None`` (decide), ``True`` (assert and verify) or ``False`` (treat as a plain set).
    name : optional display name.
    atol : tolerance (entrywise, absolute) of the membership test, >= 0.

    Examples
    --------
    >>> import numpy as np
    >>> from symbound.groups import TransformationSet
    >>> S = TransformationSet([np.eye(2), -np.eye(2)])
    >>> S.is_group, S.order
    (True, 2)
    >>> TransformationSet([np.eye(2), 2 * np.eye(2)]).is_group
    False
    """

    def __init__(self, matrices, is_group: bool | None = None, name: str | None = None,
                 atol: float = 1e-9):
        try:  # a ragged list fails already in iscomplexobj; an int beyond float64 in np.array
            if np.iscomplexobj(matrices):
                raise InvalidTypeError("matrices must be real, got complex entries")
            m = np.array(matrices, dtype=np.float64)
        except (TypeError, ValueError, OverflowError):
            raise InvalidTypeError(
                f"matrices must be an array-like of shape (k, m, m) of real numbers, got {type(matrices).__name__}"
            ) from None
        if m.ndim == 2:
            m = m[None]
        if m.ndim != 3 or m.shape[0] < 1 or m.shape[1] != m.shape[2] or m.shape[1] < 1:
            raise InvalidValueError(
                f"matrices must have shape (k, m, m) with k >= 1 (square matrices), got shape {m.shape}"
            )
        if not np.all(np.isfinite(m)):
            raise InvalidValueError("matrices must contain only finite numbers, got NaN or inf")
        if is_group is not None and not isinstance(is_group, (bool, np.bool_)):
            raise InvalidTypeError(f"is_group must be None, True or False, got {brief(is_group)}")
        if name is not None and not isinstance(name, str):
            raise InvalidTypeError(f"name must be a string or None, got {type(name).__name__}")
        check_real("atol", atol, 0, None, allow_symbolic=False)
        self.atol = float(atol)
        self.n = m.shape[1]
        # drop duplicates (within atol), keeping the first occurrence of each element
        first = _match_index(m, m, self.atol)
        self._matrices = m[first == np.arange(m.shape[0])]
        self._name = name
        self.contains_inverses = self._inverses_check()
        closed = self._closure_check()
        if is_group is True and not closed:
            raise InvalidValueError(
                "is_group=True but the closure check fails: the set must contain the identity, be "
                "closed under products and contain the inverse of each element (within atol)"
            )
        self.is_group = closed if is_group is None else bool(is_group)
        self.is_isometric = all(_is_orthogonal(a, 1e-8) for a in self._matrices)
        self.is_symmetric = self.contains_inverses

    @property
    def is_orthogonal(self) -> bool:
        return self.is_isometric

    @property
    def matrix_tolerance(self) -> float:
        """``atol``: the matrices are taken as the roundings, within ``atol`` entrywise, of the exact
        maps (the same tolerance decides membership and closure)."""
        return self.atol

    def _contains_batch(self, mats: np.ndarray) -> np.ndarray:
        return _match_index(self._matrices, mats, self.atol) >= 0

    def _inverses_check(self) -> bool:
        """Every a in S has some b in S with a b = I (then b = a^{-1}: a square matrix with a right
        inverse is invertible)."""
        k, n = self.order, self.n
        eye = np.eye(n)
        for a in self._matrices:
            prods = np.einsum("ij,bjk->bik", a, self._matrices)
            if not np.any(np.all(np.abs(prods - eye) <= self.atol, axis=(1, 2))):
                return False
        return k >= 1

    def _closure_check(self) -> bool:
        if not self.contains_identity or not self.contains_inverses:
            return False
        for a in self._matrices:  # one row of the product table at a time (memory O(k m^2))
            if not np.all(self._contains_batch(np.einsum("ij,bjk->bik", a, self._matrices))):
                return False
        return True

    def contains(self, element, atol: float | None = None) -> bool:
        """Whether ``element`` equals a matrix of the set within ``atol`` (default: the set's)."""
        return super().contains(element, self.atol if atol is None else atol)

    @property
    def contains_identity(self) -> bool:
        return self.contains(np.eye(self.n), self.atol)

    @property
    def name(self) -> str:
        return self._name or f"S[{self.order}]"

    def latex(self) -> str:
        return self._name or rf"\mathcal{{S}}_{{{self.order}}}"

    def _repr_args(self) -> str:
        return f"<{self.order} matrices {self.n}x{self.n}>, is_group={self.is_group}"

    def _key(self) -> tuple:
        return (type(self).__name__, self._name, self.atol, self.is_group, self._matrices.shape,
                self._matrices.tobytes())
