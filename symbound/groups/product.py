r"""Direct products of transformation sets acting on products of spaces (THEORY.md §2).

``DirectProduct(S, T)`` is the set ``S+ x T+ = {(s, t) : s in S+, t in T+}`` (``S+ = S ∪ {id}``)
acting block-diagonally on ``R^a x R^b``: ``(s, t)(x, y) = (s x, t y)``.  For groups it is the
direct product group G x H.  Both factors must act linearly; the elements are the block-diagonal
matrices ``diag(s, t)``.
"""

from __future__ import annotations

import numpy as np

from .._validation import brief, check_integer
from ..errors import InvalidTypeError, InvalidValueError
from ._base import TransformationSetBase

__all__ = ["DirectProduct"]


def _block_diagonal(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``diag(a_k, b_k)`` for stacks a (k, p, p) and b (k, q, q)."""
    k, p, q = a.shape[0], a.shape[1], b.shape[1]
    out = np.zeros((k, p + q, p + q))
    out[:, :p, :p] = a
    out[:, p:, p:] = b
    return out


def _with_identity(s: TransformationSetBase) -> np.ndarray:
    """The elements of the finite set ``s+`` (the identity first when it is added)."""
    e = s.elements()
    return e if s.contains_identity else np.concatenate([np.eye(s.n)[None], e])


class DirectProduct(TransformationSetBase):
    r"""``S+ x T+`` acting block-diagonally on ``R^a x R^b`` (the product of the factors' actions),
    e.g. on :class:`~symbound.spaces.Product` spaces.

    Parameters
    ----------
    first, second : transformation sets acting linearly (on ``R^a`` and ``R^b``).

    Attributes
    ----------
    n, ambient_dim : ``a + b``.  manifold_dim : the sum of the factors' manifold dimensions.  is_group, is_finite, is_symmetric,
    is_isometric : both factors have the property.  order : ``|S+| |T+|`` when both are finite.

    Notes
    -----
    lambda: uniform on the elements when both factors are finite; otherwise the product of the
    factors' measures (a finite factor without the identity drawn uniformly from ``S+``).

    Examples
    --------
    >>> from symbound.groups import SO, Cyclic, DirectProduct
    >>> G = DirectProduct(SO(3), Cyclic(4))
    >>> G.ambient_dim, G.manifold_dim, G.is_group, G.name
    (5, 3, True, 'SO(3) × C_4')
    >>> DirectProduct(Cyclic(2), Cyclic(3)).order
    6
    """

    action = "linear"

    def __init__(self, first: TransformationSetBase, second: TransformationSetBase):
        for nm, s in (("first", first), ("second", second)):
            if not isinstance(s, TransformationSetBase):
                raise InvalidTypeError(f"{nm} must be a transformation set of symbound.groups, got "
                                       f"{type(s).__name__} ({brief(s)})")
            if s.action != "linear":
                raise InvalidValueError(
                    f"{nm} must act linearly (matrices on R^n), got {s.name} with action "
                    f"{s.action!r}; DirectProduct composes linear actions block-diagonally")
        self.first, self.second = first, second
        self.n = first.n + second.n
        self.manifold_dim = first.manifold_dim + second.manifold_dim
        self.is_group = bool(first.is_group and second.is_group)
        self.is_finite = bool(first.is_finite and second.is_finite)
        self.is_symmetric = bool(first.is_symmetric and second.is_symmetric)
        self.is_isometric = bool(first.is_isometric and second.is_isometric)

    @property
    def is_orthogonal(self) -> bool:
        return bool(self.first.is_orthogonal and self.second.is_orthogonal)

    @property
    def order(self) -> int | None:
        if not self.is_finite:
            return None
        return int(self.first.order_plus) * int(self.second.order_plus)

    @property
    def contains_identity(self) -> bool:
        return True

    @property
    def name(self) -> str:
        return f"{self.first.name} × {self.second.name}"

    def latex(self) -> str:
        return rf"{self.first.latex()} \times {self.second.latex()}"

    @property
    def haar(self) -> str:
        if self.is_finite:
            return f"uniform measure on the {self.order} elements"
        return f"product of the measures ({self.first.haar}) x ({self.second.haar})"

    def _repr_args(self) -> str:
        return f"{self.first!r}, {self.second!r}"

    def elements(self) -> np.ndarray:
        if not self.is_finite:
            return super().elements()
        a, b = _with_identity(self.first), _with_identity(self.second)
        ia, ib = np.meshgrid(np.arange(len(a)), np.arange(len(b)), indexing="ij")
        return _block_diagonal(a[ia.ravel()], b[ib.ravel()])

    def _factor_sample(self, s: TransformationSetBase, size: int, rng) -> np.ndarray:
        if s.is_finite and not s.contains_identity:
            e = _with_identity(s)
            return e[rng.integers(0, len(e), size=size)]
        return s.sample(size, rng)

    def sample(self, size: int, rng: np.random.Generator) -> np.ndarray:
        size = check_integer("size", size, 0)
        if self.is_finite:
            e = self.elements()
            return e[rng.integers(0, len(e), size=size)]
        return _block_diagonal(self._factor_sample(self.first, size, rng),
                               self._factor_sample(self.second, size, rng))

    def contains(self, element, atol: float = 1e-9) -> bool:
        m = np.asarray(element, dtype=np.float64)
        p = self.first.n
        if m.shape != (self.n, self.n):
            return False
        if np.any(np.abs(m[:p, p:]) > atol) or np.any(np.abs(m[p:, :p]) > atol):
            return False
        for s, block in ((self.first, m[:p, :p]), (self.second, m[p:, p:])):
            if not (s.contains(block, atol) or np.all(np.abs(block - np.eye(s.n)) <= atol)):
                return False
        return True
