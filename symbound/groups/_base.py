"""The abstract transformation set (THEORY.md sections 0 and 2).

A transformation set S acts on inputs. It need not be a group: partial rotations and arbitrary
finite sets of matrices are transformation sets too. Each set carries

* its symbolic facts: ``is_group``, ``is_finite``, ``order`` (|S| for finite sets),
  ``manifold_dim`` (the dimension of the set as a manifold; 0 for finite sets), ``ambient_dim``
  (the dimension of the space it acts on: ``Cyclic(8, dim=5)`` acts on R^5; None for actions on
  point clouds of any dimension), ``dim`` (the one dimension where they agree, else an error naming
  both), ``haar`` (the probability measure
  lambda used to average over it), ``is_symmetric`` (closed under inversion), ``is_isometric``
  (every element an isometry), ``contains_identity`` and ``order_plus`` = |S ∪ {id}|;
* its numeric description, read by the numeric layer (``symbound.numeric``): ``action`` (one of
  ``"linear"``, ``"permutation"``, ``"translation"``, ``"image"``, ``"callable"``), ``n`` (the
  length of the acted-upon axis), ``elements()`` for finite sets, ``sample(size, rng)`` (a slow
  NumPy reference sampler; the numeric layer has compiled samplers), ``apply(elements, x)`` (the
  reference action: every element on x) and ``apply_each(elements, x)`` (one element per sample).

Convention for data (issue #2): a linear or translation action transforms the last axis of an input;
other non-sample axes (points of a cloud) are transformed alike; a permutation action (``Symmetric``)
permutes axis -2 (or the last axis for ``Symmetric(n, axis=-1)``); an image action
(``Cyclic(4, action="image")``) rotates and flips the last two axes (:mod:`.image`); a callable
action (:class:`~symbound.groups.Action`) is whatever its function does to an input.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod

import numpy as np
import sympy as sp

from .._validation import brief, one_dimension
from ..errors import InvalidTypeError, InvalidValueError
from ..printing import latex_to_text

__all__ = ["TransformationSetBase", "ACTIONS"]

ACTIONS = ("linear", "permutation", "translation", "image", "callable")
#: actions whose elements are square matrices composed by matrix products
_MATRIX_ACTIONS = ("linear", "image")


class TransformationSetBase(ABC):
    """Abstract transformation set acting on inputs (THEORY.md §2)."""

    #: "linear" (matrices on the last axis), "permutation" (of axis -2 or -1), "translation" (mod
    #: period), "image" (symmetries of the pixel grid on the last two axes), "callable" (Action)
    action: str = "linear"
    #: length of the acted-upon axis (matrix size, number of permuted items, torus dimension)
    n: int
    is_group: bool
    is_finite: bool
    #: dimension of the set as a manifold (0 for finite sets)
    manifold_dim: int = 0
    #: whether the set is closed under inversion (s in S => s^-1 in S)
    is_symmetric: bool = True
    #: whether every element acts as an isometry (Euclidean metric on the last axis; Frobenius
    #: metric of the point cloud for permutations; the flat torus metric for translations)
    is_isometric: bool = True

    # ----- symbolic facts -------------------------------------------------------------------
    @property
    def is_orthogonal(self) -> bool:
        """Whether every element acts on the last axis by an orthogonal matrix (so it maps every
        ball, sphere and annulus centred at 0 into itself)."""
        return False

    @property
    def permutes_coordinates(self) -> bool:
        """Whether every element permutes the coordinates of the last axis (so it maps every cube
        ``[0, a]^d`` and torus into itself)."""
        if not (self.is_finite and self.action == "linear"):
            return False
        return _are_permutation_matrices(self.elements())

    @property
    def matrix_tolerance(self) -> float:
        """Entrywise bound on the difference between the float matrices of :meth:`elements` and the
        exact maps they stand for (0: the stored matrices are exact)."""
        return 0.0

    @property
    def order(self) -> int | None:
        """Number of elements ``|S|`` for a finite set, ``None`` for an infinite one."""
        return None

    @property
    def order_plus(self) -> int | None:
        """``|S+|`` where ``S+ = S ∪ {id}`` (THEORY.md §2)."""
        if self.order is None:
            return None
        return self.order if self.contains_identity else self.order + 1

    @property
    def contains_identity(self) -> bool:
        """Whether the identity belongs to the set (always true for a group)."""
        return self.is_group

    @property
    @abstractmethod
    def name(self) -> str:
        """Short plain-text name, e.g. ``C_8``."""

    @abstractmethod
    def latex(self) -> str:
        """LaTeX name, e.g. ``C_{8}``."""

    @property
    @abstractmethod
    def haar(self) -> str:
        """Description of the probability measure lambda on the set (Haar, uniform, ...)."""

    @property
    def ambient_dim(self) -> int | None:
        """Dimension of the space the set acts on (the constructors' ``dim``): ``n`` for actions on
        the last axis; None for an action on point clouds of any dimension."""
        return self.n if self.action in ("linear", "translation") else None

    @property
    def dim(self) -> int:
        """The dimension where there is only one: :attr:`manifold_dim` when it equals
        :attr:`ambient_dim` (SO(3), the torus translations) or there is no ambient space; raises
        :class:`~symbound.errors.AmbiguousDimensionError` naming both otherwise (C_8 is
        0-dimensional and acts on R^2)."""
        return one_dimension(self, self.manifold_dim, self.ambient_dim)

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self.latex()}$"

    def _latex(self, printer=None) -> str:
        return self.latex()

    def _sympystr(self, printer=None) -> str:
        return self.name

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._repr_args()})"

    def _repr_args(self) -> str:
        return ""

    def _key(self) -> tuple:
        """What identifies the set (``==`` and ``hash``): its type and constructor arguments."""
        return (type(self).__name__, self._repr_args())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TransformationSetBase):
            return NotImplemented
        return type(self) is type(other) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def order_symbol(self) -> sp.Expr:
        """``|S|`` as a SymPy integer (finite sets) or ``oo``."""
        return sp.Integer(self.order) if self.order is not None else sp.oo

    # ----- numeric description ----------------------------------------------------------------
    def elements(self) -> np.ndarray:
        """All elements of a finite set: (k, n, n) float64 matrices for linear actions, (k, n) int64
        permutations for permutation actions.  Raises for infinite sets."""
        raise InvalidValueError(
            f"{self.name} is infinite; elements() exists only for finite sets (use sample())"
        )

    @abstractmethod
    def sample(self, size: int, rng: np.random.Generator) -> np.ndarray:
        """``size`` elements drawn from ``haar`` (reference NumPy sampler)."""

    def apply(self, elements: np.ndarray, x: np.ndarray) -> np.ndarray:
        """Reference action: ``out[k, ...] = elements[k] . x[...]`` for every element.

        ``x`` has shape ``(..., n)`` (linear, translation) or ``(..., n, m)`` (permutation of axis -2);
        the result has shape ``(K, *x.shape)``.
        """
        x = np.asarray(x, dtype=np.float64)
        e = np.asarray(elements)
        if self.action == "linear":
            if x.shape[-1] != self.n:
                raise InvalidValueError(
                    f"x must have last axis of length {self.n} for {self.name}, got shape {x.shape}"
                )
            return np.einsum("kij,...j->k...i", e, x)
        if self.action == "translation":
            if x.shape[-1] != self.n:
                raise InvalidValueError(
                    f"x must have last axis of length {self.n} for {self.name}, got shape {x.shape}"
                )
            return np.mod(x[None, ...] + e.reshape((e.shape[0],) + (1,) * (x.ndim - 1) + (self.n,)),
                          self.period)
        raise InvalidValueError(  # the other actions override apply()
            f"apply() of the base class handles linear and translation actions, got {brief(self.action)}")

    def apply_each(self, elements: np.ndarray, x: np.ndarray) -> np.ndarray:
        """Reference action with one element per sample: ``out[i] = elements[i] . x[i]`` (x has
        the sample axis first; the result has the shape of x)."""
        e, x = _each_args(elements, x)
        if self.action == "linear":
            return np.einsum("nij,n...j->n...i", e, x, optimize=True)
        if self.action == "translation":
            shift = e.reshape((e.shape[0],) + (1,) * (x.ndim - 2) + (self.n,))
            return np.mod(x + shift, self.period)
        if self.action == "permutation":
            ax = x.ndim + self.axis
            idx = e.astype(np.int64).reshape((e.shape[0],) + (1,) * (ax - 1) + (self.n,)
                                              + (1,) * (x.ndim - ax - 1))
            return np.take_along_axis(x, np.broadcast_to(idx, x.shape), axis=ax)
        raise InvalidValueError(  # the other actions override apply_each()
            f"apply_each() of the base class handles linear, translation and permutation actions, "
            f"got {brief(self.action)}")

    def identity(self) -> np.ndarray:
        """The identity element in this set's numeric representation."""
        if self.action in _MATRIX_ACTIONS:
            return np.eye(self.n)
        if self.action == "permutation":
            return np.arange(self.n, dtype=np.int64)
        return np.zeros(self.n)

    def compose(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """The element ``a ∘ b`` (apply b first), so that ``apply([compose(a, b)], x)`` equals
        ``apply([a], apply([b], x)[0])``.  ``a`` and ``b`` may be single elements or batches
        (leading axes broadcast)."""
        if self.action in _MATRIX_ACTIONS:
            return np.asarray(a) @ np.asarray(b)
        if self.action == "permutation":
            # p acts by x -> x[p]; applying b then a gives x[b][a] = x[b[a]], i.e. c[i] = b[a[i]]
            a_, b_ = np.broadcast_arrays(np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64))
            return np.take_along_axis(b_, a_, axis=-1)
        return np.mod(np.asarray(a) + np.asarray(b), self.period)

    def inverse(self, a: np.ndarray) -> np.ndarray:
        """The inverse element (single element or batch)."""
        if self.action == "image":  # exact orthogonal integer matrices
            return np.swapaxes(np.asarray(a, dtype=np.float64), -1, -2).copy()
        if self.action == "linear":
            return np.linalg.inv(a)
        if self.action == "permutation":
            return np.argsort(a, axis=-1).astype(np.int64)
        return np.mod(-np.asarray(a), self.period)

    @abstractmethod
    def contains(self, element: np.ndarray, atol: float = 1e-9) -> bool:
        """Whether ``element`` (numeric representation) belongs to the set."""


def _each_args(elements, x) -> tuple[np.ndarray, np.ndarray]:
    """The arguments of ``apply_each`` as arrays, one element per sample (checked)."""
    e = np.asarray(elements)
    x = np.asarray(x, dtype=np.float64)
    if e.shape[0] != x.shape[0]:
        raise InvalidValueError(
            f"apply_each needs one element per sample: {e.shape[0]} elements for "
            f"{x.shape[0]} samples")
    return e, x


def _are_permutation_matrices(m: np.ndarray) -> bool:
    """Whether every matrix of the stack ``m`` (k, n, n) is a 0/1 permutation matrix (within 1e-12)."""
    m = np.asarray(m, dtype=np.float64)
    ok01 = np.all((np.abs(m) < 1e-12) | (np.abs(m - 1.0) < 1e-12))
    return bool(ok01 and np.allclose(m.sum(axis=1), 1.0) and np.allclose(m.sum(axis=2), 1.0))


def _check_plane(plane, n):
    if (not isinstance(plane, (tuple, list)) or len(plane) != 2
            or not all(isinstance(i, (int, np.integer)) and not isinstance(i, bool) for i in plane)):
        raise InvalidTypeError(f"plane must be a pair of coordinate indices, got {brief(plane)}")
    i, j = int(plane[0]), int(plane[1])
    if not (0 <= i < n and 0 <= j < n) or i == j:
        raise InvalidValueError(
            f"plane must be two distinct coordinate indices in [0, {n - 1}], got {brief(plane)}"
        )
    return (i, j)


def _plane_rotations(angles: np.ndarray, n: int, plane: tuple[int, int], reflect=None) -> np.ndarray:
    """Matrices acting on R^n that rotate coordinates ``plane`` by ``angles`` (optionally after the
    reflection ``(x_i, x_j) -> (x_i, -x_j)``)."""
    angles = np.asarray(angles, dtype=np.float64)
    k = angles.shape[0]
    out = np.broadcast_to(np.eye(n), (k, n, n)).copy()
    c, s = np.cos(angles), np.sin(angles)
    i, j = plane
    out[:, i, i] = c
    out[:, i, j] = -s
    out[:, j, i] = s
    out[:, j, j] = c
    if reflect is not None:
        r = np.asarray(reflect, dtype=bool)
        out[r, :, j] *= -1.0  # R(theta) @ diag(1, -1) on the plane
    return out


def _is_orthogonal(m: np.ndarray, atol: float) -> bool:
    """``m m^T = I`` entrywise within ``atol`` (absolute: no relative tolerance)."""
    m = np.asarray(m, dtype=np.float64)
    return (m.ndim == 2 and m.shape[0] == m.shape[1]
            and bool(np.all(np.abs(m @ m.T - np.eye(m.shape[0])) <= atol)))


def _off_plane_is_identity(m: np.ndarray, n: int, plane, atol: float) -> bool:
    """Whether ``m`` equals the identity outside the 2x2 block of ``plane`` (within ``atol``)."""
    i, j = plane
    mask = np.ones((n, n), dtype=bool)
    for a in (i, j):
        for b in (i, j):
            mask[a, b] = False
    return bool(np.all(np.abs(m[mask] - np.eye(n)[mask]) <= atol))


def _rotation_angle_in_plane(m: np.ndarray, n: int, plane, atol: float):
    """If m is a rotation of ``plane`` (identity elsewhere), its angle in (-pi, pi]; else None."""
    m = np.asarray(m, dtype=np.float64)
    if m.shape != (n, n) or not _is_orthogonal(m, atol):
        return None
    i, j = plane
    if not _off_plane_is_identity(m, n, plane, atol):
        return None
    if not (abs(m[i, i] - m[j, j]) <= atol and abs(m[i, j] + m[j, i]) <= atol):
        return None
    return math.atan2(m[j, i], m[i, i])
