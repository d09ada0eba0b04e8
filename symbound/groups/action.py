r"""Transformation sets given by a callable action (THEORY.md §2: any set S of maps of the inputs,
with a probability measure lambda on it).

:class:`Action` wraps a function ``fn(g, x)`` that applies one element ``g`` to a batch of inputs
``x`` (shape ``(B, *input_shape)``, returning the same shape): shifts of signals (``np.roll``),
rotations of images by arbitrary angles with interpolation (``scipy.ndimage.rotate``), colour
changes, crops padded back to size, ... .  The elements are numbers or arrays of numbers: either a
finite list (``elements=``; lambda uniform on it) or a sampler of an infinite set (``sample=``;
lambda is its law).

What each feature of symbound needs from an Action
--------------------------------------------------

==================================  ==========================================================
feature                             needs
==================================  ==========================================================
``equivariance_error``              ``fn`` and ``elements`` (every element: no sampling noise
                                    over S) or ``sample`` (K fresh draws per data point);
                                    ``rho="same"`` applies ``fn`` to the outputs too
``data_equivariance_error``         the same; the MMD test is exact when the set is closed
                                    under inverses (``is_group``)
``symmetrize``                      a group (``is_group=True``): finite (exact average) or
                                    sampled (Monte Carlo); ``rho="same"`` also ``inverse``
``empirical_covering_number``       ``elements`` (exact quotient metric over S+, orbit copies of
                                    every point stored: N |S+| inputs) or ``sample`` (minimum over
                                    sampled elements: an upper estimate of the metric);
                                    ``isometric=True`` and a group for the packing reading
``certified_sup_error``,            finite sets only (every element is enumerated, r_g = 0):
``certified_data_sup_error``        the sup over given points (``scope="sample"``), no Lipschitz
                                    term in g; regions need a linear action; the data
                                    certificate needs ``isometric=True``
the group axioms (``compose``,      ``compose`` (and ``inverse``, ``identity``, found by search
``inverse``, ``identity``,          on a finite set when omitted); ``contains`` for an infinite
``contains``)                       set
quotients and bounds (symbolic)     not available: a callable action has no covering number
==================================  ==========================================================

Speed.  The orbit engine calls ``fn`` from Python: for a finite set once per element and batch of
points; for a sampled set once per batch with ``vectorized=True`` (``fn(G, X)`` applies ``G[i]``
to ``X[i]``), otherwise once per (point, sample) pair, which is slow for large N K.
"""

from __future__ import annotations

import numpy as np

from .._validation import brief
from .._validation import check_integer, check_real
from ..errors import InvalidTypeError, InvalidValueError
from ._base import TransformationSetBase, _each_args
from .finite import _match_index

__all__ = ["Action"]


def _as_elements(name: str, value) -> np.ndarray:
    """Numeric elements as an array (k, *element_shape): integers kept as int64, reals as float64."""
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        raise InvalidTypeError(f"{name} must be an array-like of numbers, got "
                               f"{type(value).__name__}") from None
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise InvalidTypeError(
            f"{name} must be numbers or arrays of numbers (one row per element), got dtype "
            f"{arr.dtype}; index a list of other objects inside fn instead")
    if np.iscomplexobj(arr):
        raise InvalidTypeError(f"{name} must be real, got complex values")
    arr = arr.astype(np.int64 if np.issubdtype(arr.dtype, np.integer) or arr.dtype == bool
                     else np.float64)
    if arr.ndim < 1 or arr.shape[0] < 1:
        raise InvalidValueError(f"{name} must hold at least one element, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise InvalidValueError(f"{name} must contain only finite numbers")
    return arr


class Action(TransformationSetBase):
    r"""A transformation set given by a callable action ``x -> fn(g, x)`` (module docstring).

    Parameters
    ----------
    fn : ``fn(g, x) -> g . x`` for one element ``g`` and a batch ``x`` of shape
        ``(B, *input_shape)``, returning an array of the same shape.  With ``vectorized=True``:
        ``fn(G, X)`` with ``G`` of shape ``(B, *element_shape)`` applies ``G[i]`` to ``X[i]``.
    elements : the elements of a finite set (array-like ``(k, *element_shape)`` of numbers; equal
        elements, within ``atol``, count once); lambda is uniform on them.
    sample : for an infinite set instead: ``sample(size, rng) -> (size, *element_shape)`` draws
        from lambda (``rng`` a ``numpy.random.Generator``).
    name : display name (default ``"Action(<fn name>)"``).
    is_group : ``None`` (decide: a finite set with ``compose`` is checked for identity, closure
        and inverses; otherwise not a group), ``True`` (assert: checked when ``compose`` is given
        on a finite set, a declaration otherwise) or ``False``.
    compose : ``compose(a, b)`` = the element acting as ``b`` first, then ``a``.
    inverse : ``inverse(a)``; on a finite set with ``compose`` found by search when omitted.
    identity : the identity element; on a finite set with ``compose`` found by search.
    contains : ``contains(g) -> bool`` for an infinite set (a finite set tests membership).
    isometric : declare that every element preserves the Euclidean (Frobenius) distance of inputs.
    vectorized : ``fn`` takes one element per input (see ``fn``).
    dim : the dimension of the set as a manifold (0 for finite sets; ``None``: unknown).
    measure : a description of lambda for an infinite set.
    atol : tolerance of the membership and closure checks (real elements).

    Examples
    --------
    >>> import numpy as np
    >>> from symbound.groups import Action
    >>> shifts = Action(lambda g, x: np.roll(x, g, axis=-1), elements=np.arange(8),
    ...                 compose=lambda a, b: (a + b) % 8, name="Z_8 shifts", isometric=True)
    >>> shifts.order, shifts.is_group, int(shifts.inverse(3))
    (8, True, 5)
    >>> x = np.arange(8.0)[None]
    >>> shifts.apply(np.array([1]), x)[0]
    array([[7., 0., 1., 2., 3., 4., 5., 6.]])
    """

    action = "callable"

    def __init__(self, fn, elements=None, *, sample=None, name: str | None = None,
                 is_group: bool | None = None, compose=None, inverse=None, identity=None,
                 contains=None, isometric: bool = False, vectorized: bool = False,
                 dim: int | None = None, measure: str | None = None, atol: float = 1e-9):
        if not callable(fn):
            raise InvalidTypeError(f"fn must be callable, got {type(fn).__name__}")
        if (elements is None) == (sample is None):
            raise InvalidValueError(
                "give exactly one of elements= (a finite set, uniform measure) and sample= (a "
                "sampler of an infinite set)")
        for nm, f in (("sample", sample), ("compose", compose), ("inverse", inverse),
                      ("contains", contains)):
            if f is not None and not callable(f):
                raise InvalidTypeError(f"{nm} must be callable, got {type(f).__name__}")
        for nm, v in (("isometric", isometric), ("vectorized", vectorized)):
            if not isinstance(v, (bool, np.bool_)):
                raise InvalidTypeError(f"{nm} must be True or False, got {brief(v)}")
        if is_group is not None and not isinstance(is_group, (bool, np.bool_)):
            raise InvalidTypeError(f"is_group must be None, True or False, got {brief(is_group)}")
        for nm, v in (("name", name), ("measure", measure)):
            if v is not None and not isinstance(v, str):
                raise InvalidTypeError(f"{nm} must be a string or None, got {type(v).__name__}")
        self.atol = float(check_real("atol", atol, 0, None, allow_symbolic=False))
        self.fn = fn
        self.vectorized = bool(vectorized)
        self.is_isometric = bool(isometric)
        self._sample_fn = sample
        self._compose_fn = compose
        self._inverse_fn = inverse
        self._contains_fn = contains
        self._name = name
        self._measure = measure
        self.n = None  # a callable action has no acted-upon axis length
        self.is_finite = elements is not None
        self.group_verified = False
        if self.is_finite:
            el = _as_elements("elements", elements)
            first = _match_index(el.astype(np.float64), el.astype(np.float64), self.atol)
            self._elements = el[first == np.arange(el.shape[0])]
            self.element_shape = self._elements.shape[1:]
            self.manifold_dim = 0
            self._identity = None if identity is None else self._one("identity", identity)
            self._decide_group(is_group)
        else:
            self._elements = None
            self.element_shape = None
            self.manifold_dim = None if dim is None else check_integer("dim", dim, 0)
            self._identity = None if identity is None else np.asarray(identity)
            self.is_group = bool(is_group)
            self.is_symmetric = self.is_group
            self._contains_identity = self.is_group or identity is not None

    # ----- construction helpers -----------------------------------------------------------------
    def _one(self, name, g) -> np.ndarray:
        a = np.asarray(g, dtype=self._elements.dtype)
        if a.shape != self.element_shape:
            raise InvalidValueError(f"{name} must have the elements' shape {self.element_shape}, "
                                    f"got shape {a.shape}")
        return a

    def element_index(self, elements) -> np.ndarray:
        """The index in :meth:`elements` of each given element of a finite set (-1: not in it)."""
        if not self.is_finite:
            raise InvalidValueError(f"{self.name} is infinite: its elements have no index")
        q = np.asarray(elements, dtype=np.float64).reshape((-1,) + self.element_shape)
        t = self._elements.astype(np.float64)
        return _match_index(t, q, self.atol)

    def _decide_group(self, is_group) -> None:
        """Identity, closure and inverses of a finite set, by search (needs ``compose``)."""
        el = self._elements
        k = el.shape[0]
        if self._compose_fn is None:
            if self._identity is not None:
                self._contains_identity = bool(self.element_index(self._identity[None])[0] >= 0)
            else:
                self._contains_identity = bool(is_group)
            self.is_group = bool(is_group)
            self.is_symmetric = self.is_group
            if self._inverse_fn is not None and not self.is_group:
                inv = np.stack([self._one("inverse(g)", self._inverse_fn(g)) for g in el])
                self.is_symmetric = bool(np.all(self.element_index(inv) >= 0))
            return
        table = np.empty((k, k), dtype=np.int64)  # table[a, b] = index of compose(a, b), or -1
        for a in range(k):
            prods = np.stack([self._one("compose(a, b)", self._compose_fn(el[a], el[b]))
                              for b in range(k)])
            table[a] = self.element_index(prods)
        rows = np.arange(k)
        ident = [e for e in range(k) if np.array_equal(table[e], rows)
                 and np.array_equal(table[:, e], rows)]
        if self._identity is None and ident:
            self._identity = el[ident[0]].copy()
        e_idx = ident[0] if ident else -1
        self._contains_identity = e_idx >= 0
        self._inverse_index = np.full(k, -1, dtype=np.int64)
        if e_idx >= 0:
            for a in range(k):
                hit = np.flatnonzero((table[a] == e_idx) & (table[:, a] == e_idx))
                if hit.size:
                    self._inverse_index[a] = hit[0]
        self.is_symmetric = bool(e_idx >= 0 and np.all(self._inverse_index >= 0))
        closed = bool(np.all(table >= 0))
        ok = closed and self._contains_identity and self.is_symmetric
        if is_group is True and not ok:
            raise InvalidValueError(
                "is_group=True but the closure check fails: the set must contain the identity, be "
                "closed under compose and contain the inverse of each element (within atol)")
        self.is_group = ok if is_group is None else bool(is_group) and ok
        self.group_verified = True

    # ----- symbolic facts -------------------------------------------------------------------------
    @property
    def order(self) -> int | None:
        return int(self._elements.shape[0]) if self.is_finite else None

    @property
    def contains_identity(self) -> bool:
        return bool(self._contains_identity)

    @property
    def name(self) -> str:
        return self._name or f"Action({getattr(self.fn, '__name__', type(self.fn).__name__)})"

    def latex(self) -> str:
        text = self.name.replace("\\", r"\textbackslash ").replace("_", r"\_").replace("{", r"\{")
        return r"\text{" + text.replace("}", r"\}") + "}"

    @property
    def haar(self) -> str:
        if self.is_finite:
            return f"uniform measure on the {self.order} elements"
        return self._measure or "the law of the given sampler (sample=)"

    def _repr_args(self) -> str:
        what = f"<{self.order} elements>" if self.is_finite else "<sampled>"
        return f"{self.name!r}, {what}, is_group={self.is_group}"

    def _key(self) -> tuple:
        """Equal Actions wrap the same callables (the same function objects) and elements or
        sampler: the repr alone does not identify the action."""
        elements = None if self._elements is None else (self._elements.dtype.str,
                                                         self._elements.shape,
                                                         self._elements.tobytes())
        return (type(self).__name__, self.fn, elements, self._sample_fn, self._compose_fn,
                self._inverse_fn, self._contains_fn, self._name, self.is_group,
                self.is_isometric, self.vectorized, self.manifold_dim, self.atol)

    # ----- numeric description ----------------------------------------------------------------------
    def elements(self) -> np.ndarray:
        if not self.is_finite:
            return super().elements()
        return self._elements.copy()

    def sample(self, size: int, rng: np.random.Generator) -> np.ndarray:
        size = check_integer("size", size, 0)
        if self.is_finite:
            return self._elements[rng.integers(0, self.order, size=size)]
        out = _as_elements("sample(size, rng)", self._sample_fn(size, rng)) if size else None
        if out is None:
            shape = self.element_shape or ()
            return np.empty((0,) + tuple(shape))
        if out.shape[0] != size:
            raise InvalidValueError(f"sample(size, rng) must return {size} elements (first axis), "
                                    f"got shape {out.shape}")
        if self.element_shape is None:
            self.element_shape = out.shape[1:]
        elif out.shape[1:] != self.element_shape:
            raise InvalidValueError(
                f"sample(size, rng) must return elements of a fixed shape {self.element_shape}, got "
                f"{out.shape[1:]}")
        return out

    def _checked(self, out, x: np.ndarray, what: str) -> np.ndarray:
        try:
            arr = np.asarray(out, dtype=np.float64)
        except (TypeError, ValueError):
            raise InvalidTypeError(f"fn must return an array of numbers, got {type(out).__name__} "
                                   f"({what})") from None
        if arr.shape != x.shape:
            raise InvalidValueError(f"fn must return an array of the input's shape {x.shape}, got "
                                    f"{arr.shape} ({what})")
        if not np.all(np.isfinite(arr)):
            raise InvalidValueError(f"fn returned NaN/inf ({what})")
        return arr

    def apply(self, elements: np.ndarray, x: np.ndarray) -> np.ndarray:
        """``out[k] = fn(elements[k], x)`` for a batch x (first axis the samples): shape
        ``(K, *x.shape)``."""
        e = np.asarray(elements)
        x = np.asarray(x, dtype=np.float64)
        if self.vectorized:
            K, B = e.shape[0], x.shape[0]
            G = np.repeat(e, B, axis=0)
            XX = np.broadcast_to(x[None], (K,) + x.shape).reshape((K * B,) + x.shape[1:])
            out = self._checked(self.fn(G, np.ascontiguousarray(XX)), XX, "fn(G, X)")
            return out.reshape((K,) + x.shape)
        return np.stack([self._checked(self.fn(g, x), x, f"element {k}")
                         for k, g in enumerate(e)]) if e.shape[0] else np.empty((0,) + x.shape)

    def apply_each(self, elements: np.ndarray, x: np.ndarray) -> np.ndarray:
        """``out[i] = fn(elements[i], x[i:i+1])[0]``: one call for a vectorized fn, one call per
        distinct element of a finite set, one call per sample otherwise."""
        e, x = _each_args(elements, x)
        if self.vectorized:
            return self._checked(self.fn(e, x), x, "fn(G, X)")
        out = np.empty_like(x)
        if self.is_finite:
            idx = self.element_index(e)
            if np.any(idx < 0):
                raise InvalidValueError(f"elements must belong to {self.name}")
            for j in np.unique(idx):
                rows = np.flatnonzero(idx == j)
                out[rows] = self._checked(self.fn(self._elements[j], x[rows]), x[rows],
                                          f"element {j}")
            return out
        for i in range(x.shape[0]):
            out[i] = self._checked(self.fn(e[i], x[i:i + 1]), x[i:i + 1], f"sample {i}")[0]
        return out

    # ----- group operations -------------------------------------------------------------------------
    def _need(self, what: str):
        raise InvalidValueError(f"{what} of {self.name} is unknown: pass {what}= to Action")

    def _rows(self, a) -> tuple[np.ndarray, bool]:
        """``a`` as a batch of elements, and whether it was one element."""
        a = np.asarray(a)
        shape = self.element_shape if self.element_shape is not None else a.shape
        single = a.shape == tuple(shape)
        return (a[None] if single else a), single

    def identity(self) -> np.ndarray:
        if self._identity is None:
            self._need("identity")
        return np.asarray(self._identity).copy()

    def compose(self, a, b) -> np.ndarray:
        if self._compose_fn is None:
            self._need("compose")
        ra, sa = self._rows(a)
        rb, sb = self._rows(b)
        n = max(ra.shape[0], rb.shape[0])
        ra = np.broadcast_to(ra, (n,) + ra.shape[1:])
        rb = np.broadcast_to(rb, (n,) + rb.shape[1:])
        out = np.stack([np.asarray(self._compose_fn(x, y)) for x, y in zip(ra, rb)])
        return out[0] if (sa and sb) else out

    def inverse(self, a) -> np.ndarray:
        ra, single = self._rows(a)
        if self._inverse_fn is not None:
            out = np.stack([np.asarray(self._inverse_fn(x)) for x in ra])
        elif self.is_finite and getattr(self, "_inverse_index", None) is not None:
            idx = self.element_index(ra)
            if np.any(idx < 0) or np.any(self._inverse_index[idx] < 0):
                raise InvalidValueError(f"the inverse of an element is not in {self.name}")
            out = self._elements[self._inverse_index[idx]]
        else:
            self._need("inverse")
        return out[0] if single else out

    def contains(self, element, atol: float | None = None) -> bool:
        tol = self.atol if atol is None else float(atol)
        if self.is_finite:
            e = np.asarray(element)
            if e.shape != self.element_shape:
                return False
            t = self._elements.astype(np.float64).reshape(self.order, -1)
            return bool(np.any(np.all(np.abs(t - e.astype(np.float64).ravel()) <= tol, axis=1)))
        if self._contains_fn is None:
            self._need("contains")
        return bool(self._contains_fn(np.asarray(element)))
