"""Samples of a transformation set for the orbit integrals (THEORY.md section 3): exact enumeration
of finite sets, iid draws from lambda, and stratified (randomly shifted lattice) draws for
continuous sets.  O(2) is stratified by one equispaced angle grid shared by both cosets (see
``kernels.fill_element``): a lattice over (angle, reflection flag) barely reduced the variance.

The compiled samplers are in :mod:`symbound.numeric.kernels`; this module maps a transformation set
of :mod:`symbound.groups` to the kernel's codes (:class:`_GroupSpec`) and offers the public
:func:`group_samples`.

Images and callable actions.  An image group (``Cyclic(4, action="image")``) is enumerated (or
drawn) as element indices (``E_INDEX``) and acts through pixel index maps built for the shape of
the inputs (:meth:`_GroupSpec.for_input`; kernel action ``ACTION_INDEXED``: a gather, no matrix).
A callable :class:`~symbound.groups.Action` is applied from Python (:class:`_ActionSpec`): a finite
one is enumerated or drawn as indices by the kernels and applied once per element and batch; a
sampled one draws its K elements per data point from a generator seeded by ``(key, point index)``
(the same numbers for any batching).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

import numpy as np

from .._validation import check_choice, check_integer
from ..errors import InvalidTypeError, InvalidValueError
from ..groups import O, SO, PartialRotations, Translations
from ..groups._base import TransformationSetBase
from . import kernels as K
from ._checks import MAX_DRAWS, check_rng_seed

__all__ = ["GroupSamples", "group_samples"]

METHODS = ("auto", "iid", "stratified", "exact")

#: finite sets up to this order are enumerated exactly by ``method="auto"``
MAX_EXACT_ORDER = 4096


def _roberts_alpha(d: int) -> np.ndarray:
    """Roberts' R_d lattice constants: alpha_j = phi_d^-(j+1), phi_d the root > 1 of x^(d+1) = x + 1."""
    phi = 2.0
    for _ in range(100):
        phi = (1.0 + phi) ** (1.0 / (d + 1))
    return np.array([phi ** -(j + 1) for j in range(d)], dtype=np.float64)


@dataclass
class _GroupSpec:
    """The numeric description of a transformation set handed to the kernels."""

    action: int
    ecode: int
    method: int
    method_name: str
    iparams: np.ndarray          # (n, plane_i, plane_j, special, m)
    fparams: np.ndarray          # (lo, hi, theta, period)
    table: np.ndarray            # (order, esize) rows of a finite set, or (1, esize) zeros;
    #                              E_INDEX: (order, P) pixel index maps (after for_input)
    alpha: np.ndarray            # lattice constants of the stratified method
    K: int                       # samples per data point
    description: str
    group: TransformationSetBase = field(repr=False)
    measure: str = ""            # the measure sampled ("Haar SO(3): ...")
    scheme: str = ""             # how a set of K samples is laid out ("one randomly shifted ...")
    elements: np.ndarray | None = field(default=None, repr=False)  # E_INDEX: indexed by the rows

    @property
    def esize(self) -> int:
        return 1 if self.ecode == K.E_INDEX else int(self.table.shape[1])

    @property
    def python_transform(self) -> bool:
        """Whether the action runs in Python (a callable Action): no fused path, no producer
        thread."""
        return False

    @property
    def output_action(self) -> bool:
        """Whether ``rho="same"`` acts on the outputs without matrices (images, callables)."""
        return self.action == K.ACTION_INDEXED

    def _replace(self, **kw) -> "_GroupSpec":
        return dataclasses.replace(self, **kw)

    def with_m(self, m: int) -> "_GroupSpec":
        ip = self.iparams.copy()
        ip[4] = m
        return self._replace(iparams=ip)

    def for_input(self, shape: tuple) -> "_GroupSpec":
        """The spec for inputs of ``shape`` (one input): the block length m of a permutation of
        points, the pixel index maps of an image group."""
        shape = tuple(int(v) for v in shape)
        g = self.group
        if g.action == "permutation" and getattr(g, "axis", -2) == -2:
            return self.with_m(int(shape[-1]) if shape else 1)
        if g.action == "image":
            g.check_image("X", (0,) + shape)
            H, W = shape[-2:]
            ip = self.iparams.copy()
            ip[0] = H * W
            return self._replace(iparams=ip, table=np.ascontiguousarray(
                g.index_maps(H, W, self.elements), dtype=np.float64))
        return self

    def to_group_repr(self, rows: np.ndarray) -> np.ndarray:
        """Flat element rows -> the group's numeric representation (matrices, shifts, int perms)."""
        n = int(self.iparams[0])
        if self.ecode == K.E_INDEX:
            return self.elements[np.rint(rows[:, 0]).astype(np.int64)]
        if self.action == K.ACTION_LINEAR:
            return rows.reshape(-1, n, n)
        if self.action == K.ACTION_PERMUTATION:
            return np.rint(rows).astype(np.int64).reshape(-1, n)
        return rows.reshape(-1, n)

    # ----- the kernels' sampling and action -------------------------------------------------------
    def kernel_args(self):
        return (self.action, self.ecode, self.method, self.iparams, self.fparams, self.table,
                self.alpha)

    def sample_rows(self, key, i: int, out: np.ndarray) -> None:
        """The K group samples of data point ``i`` (rows of ``out``), as the orbit integrals draw
        them."""
        K.sample_elements(self.ecode, self.method, self.iparams, self.fparams, self.table,
                          self.alpha, key, i, self.K, out)

    def transform(self, key, i0: int, Xf: np.ndarray, out_e: np.ndarray, out_x: np.ndarray,
                  serial: bool = False) -> None:
        """Group samples and transformed inputs of the flat points ``Xf`` (global indices i0, ...):
        row ``(i - i0) K + k`` of ``out_e`` and ``out_x`` receives sample k of point i and its
        action on ``x_i``.  ``serial``: one thread, without the GIL."""
        kern = K.transform_block_serial if serial else K.transform_block
        kern(*self.kernel_args(), key, i0, self.K, Xf, out_e, out_x)

    def apply_output(self, rows: np.ndarray, F: np.ndarray, out_shape: tuple,
                     inverse: bool = False) -> np.ndarray:
        """``rho(g_r) F[r]`` (``rho(g_r)^{-1} F[r]`` with ``inverse``) for ``rho="same"`` on an
        output action (rows (B, 1) of element indices, flat outputs F (B, q) of shape
        ``out_shape``): the element's index map on the outputs' last two axes."""
        idx = np.rint(rows[:, 0]).astype(np.int64)
        H, W = out_shape[-2:]
        els = self.group.inverse(self.elements) if inverse else self.elements
        maps = self.group.index_maps(H, W, els)
        flat = F.reshape(F.shape[0], -1, H * W)
        idx_maps = np.broadcast_to(maps[idx][:, None, :], flat.shape)
        return np.take_along_axis(flat, idx_maps, axis=2).reshape(F.shape[0], -1)

    def check_output(self, out_shape: tuple) -> None:
        """Raise unless ``rho="same"`` of an output action can act on outputs of ``out_shape``."""
        g = self.group
        if len(out_shape) < 2:
            raise InvalidValueError(
                f"rho='same' for {g!r} rotates the outputs' last two axes: the model must return "
                f"maps (batch, ..., H, W), got outputs of shape {tuple(out_shape)} per input")
        g.check_image("the model's outputs", (0,) + tuple(out_shape))


@dataclass
class _ActionSpec(_GroupSpec):
    """A callable :class:`~symbound.groups.Action`: sampled by the kernels (finite: indices) or by
    its own sampler (a generator per data point), applied from Python."""

    input_shape: tuple = ()
    element_dtype: object = np.float64

    @property
    def python_transform(self) -> bool:
        return True

    @property
    def output_action(self) -> bool:
        return True

    def for_input(self, shape: tuple) -> "_ActionSpec":
        return self._replace(input_shape=tuple(int(v) for v in shape))

    def to_group_repr(self, rows: np.ndarray) -> np.ndarray:
        if self.ecode == K.E_INDEX:
            return self.elements[np.rint(rows[:, 0]).astype(np.int64)]
        return rows.reshape((rows.shape[0],) + self.group.element_shape).astype(self.element_dtype)

    def sample_rows(self, key, i: int, out: np.ndarray) -> None:
        if self.ecode == K.E_INDEX:
            super().sample_rows(key, i, out)
            return
        rng = np.random.default_rng([int(key), int(i)])
        out[:] = self.group.sample(self.K, rng).reshape(self.K, -1)

    def transform(self, key, i0, Xf, out_e, out_x, serial=False) -> None:
        b = Xf.shape[0]
        Kk = self.K
        for ii in range(b):
            self.sample_rows(key, i0 + ii, out_e[ii * Kk:(ii + 1) * Kk])
        X = Xf.reshape((b,) + self.input_shape)
        out_x[:b * Kk] = self._act(out_e[:b * Kk], np.repeat(X, Kk, axis=0)).reshape(b * Kk, -1)

    def _act(self, rows: np.ndarray, Y: np.ndarray, inverse: bool = False) -> np.ndarray:
        """``out[r] = g_r . Y[r]`` (Y: one input or output per row; ``g_r^{-1}`` with
        ``inverse``): one call of fn per distinct element of a finite set."""
        g = self.group
        if self.ecode == K.E_INDEX and not g.vectorized:
            els = g.inverse(self.elements) if inverse else self.elements
            idx = np.rint(rows[:, 0]).astype(np.int64)
            out = np.empty(Y.shape)
            for j in np.unique(idx):
                r = np.flatnonzero(idx == j)
                out[r] = g._checked(g.fn(els[j], Y[r]), Y[r], f"element {j}")
            return out
        els = self.to_group_repr(rows)
        return g.apply_each(g.inverse(els) if inverse else els, Y)

    def apply_output(self, rows, F, out_shape, inverse=False):
        Y = F.reshape((F.shape[0],) + tuple(out_shape))
        return self._act(rows, Y, inverse).reshape(F.shape[0], -1)

    def check_output(self, out_shape: tuple) -> None:
        return None  # fn is checked on the outputs when applied (same shape, finite)


def _stratified_dim_ok(ecode: int) -> bool:
    return ecode in (K.E_PLANE, K.E_PLANE_REFLECT, K.E_SO3, K.E_SO3_BALL, K.E_TRANSLATION)


def group_spec(group, method: str = "auto", n_group_samples: int = 64) -> _GroupSpec:
    """Map ``group`` to kernel codes and decide how it is sampled (``method``: auto, iid,
    stratified, exact).  ``auto``: exact for finite sets of order <= 4096, stratified for SO(2),
    O(2), SO(3), partial rotations and translations, iid otherwise."""
    if not isinstance(group, TransformationSetBase):
        raise InvalidTypeError(
            f"group must be a transformation set of symbound.groups, got {type(group).__name__}"
        )
    method = check_choice("method", method, METHODS)
    n_group_samples = check_integer("n_group_samples", n_group_samples, 1, MAX_DRAWS)
    if group.action in ("image", "callable"):
        return _indexed_spec(group, method, n_group_samples)
    n = int(group.n)
    iparams = np.array([n, 0, 1, 0, 1], dtype=np.int64)
    fparams = np.array([0.0, 2.0 * math.pi, 0.0, 1.0], dtype=np.float64)
    table = None
    action = {"linear": K.ACTION_LINEAR, "translation": K.ACTION_TRANSLATION,
              "permutation": K.ACTION_PERMUTATION}[group.action]
    order = group.order if group.is_finite else None

    if group.is_finite:
        try:
            elems = group.elements()
            table = np.ascontiguousarray(elems.reshape(elems.shape[0], -1), dtype=np.float64)
        except InvalidValueError:
            table = None  # e.g. Symmetric(n) with n > 8: uniform permutations by shuffling
        ecode = K.E_TABLE if table is not None else K.E_SHUFFLE
        desc_measure = f"uniform on the {order} elements of {group.name}"
    elif isinstance(group, PartialRotations):
        th = group._theta()
        if group.plane is None:
            ecode = K.E_SO3_BALL
            fparams[2] = th
            desc_measure = (f"Haar SO(3) conditioned on angle <= {th:.6g} (angle density "
                            "(1 - cos w)/(theta - sin theta) by inverse CDF, uniform axis)")
        else:
            ecode = K.E_PLANE
            iparams[1], iparams[2] = group.plane
            fparams[0], fparams[1] = -th, th
            desc_measure = f"angle uniform in [-{th:.6g}, {th:.6g}] in plane {group.plane}"
    elif isinstance(group, (SO, O)):
        deg = group.degree
        if deg == 2:
            plane = group.plane if group.plane is not None else (0, 1)
            iparams[1], iparams[2] = plane
            ecode = K.E_PLANE if group.special else K.E_PLANE_REFLECT
            desc_measure = ("Haar: uniform angle in [0, 2 pi)" + ("" if group.special else
                            ", reflection with probability 1/2") + f" in plane {tuple(plane)}")
        elif deg == 1:
            if group.special:  # SO(1) = {1}
                table = np.ones((1, 1))
                ecode = K.E_TABLE
                order = 1
                desc_measure = "the trivial group SO(1)"
            else:
                table = np.array([[1.0], [-1.0]])
                ecode = K.E_TABLE
                order = 2
                desc_measure = "uniform on O(1) = {1, -1}"
        elif deg == 3 and group.special:
            ecode = K.E_SO3
            desc_measure = ("Haar SO(3): uniform unit quaternions (iid: Marsaglia 1972; stratified: "
                            "Shoemake's map)")
        else:
            ecode = K.E_QR
            iparams[3] = 1 if group.special else 0
            desc_measure = (f"Haar {group.name}: Gram-Schmidt (QR with positive diag R) of a Gaussian "
                            "matrix" + (", first column flipped where det < 0" if group.special else ""))
    elif isinstance(group, Translations):
        ecode = K.E_TRANSLATION
        fparams[3] = group.period
        desc_measure = f"uniform shift in [0, {group.period:g})^{n}"
    else:
        raise InvalidTypeError(f"group {group!r} has no numeric sampler")

    if group.action == "linear":
        esize = n * n
    else:
        esize = n
    if table is None:
        table = np.zeros((1, esize))

    finite_table = ecode == K.E_TABLE
    if method == "auto":
        if finite_table and order is not None and order <= MAX_EXACT_ORDER:
            method = "exact"
        elif _stratified_dim_ok(ecode):
            method = "stratified"
        else:
            method = "iid"
    if method == "exact" and not finite_table:
        raise InvalidValueError(
            f"method='exact' needs a finite set whose elements can be enumerated, got {group.name}; "
            "use 'iid' or 'stratified'"
        )
    if method == "stratified" and not _stratified_dim_ok(ecode):
        raise InvalidValueError(
            f"method='stratified' is available for SO(2), O(2), SO(3), partial rotations and "
            f"translations, got {group.name}; use 'iid'" + (" or 'exact'" if finite_table else "")
        )
    D = int(K.element_dim(ecode, n))
    alpha = _roberts_alpha(D) if method == "stratified" else np.zeros(max(D, 1))
    if method == "exact":
        kk = int(table.shape[0])
        scheme = "every element"
        desc = f"exact enumeration of the {kk} elements of {group.name} (no sampling noise over the set)"
        mcode = K.M_EXACT
    elif method == "stratified":
        kk = n_group_samples
        if ecode == K.E_PLANE_REFLECT:
            J = (kk + 1) // 2
            scheme = (f"one randomly shifted grid of {J} equispaced angles shared by both cosets "
                      "(sample k: angle index k // 2, reflected when k + b is odd, b a random bit; "
                      "each sample marginally Haar)")
            desc = (f"{kk} stratified samples per data point of {desc_measure}: {scheme}, "
                    "independent shift and bit per data point")
        else:
            scheme = (("a randomly shifted equispaced grid" if D == 1 else
                       f"a randomly shifted Kronecker lattice (Roberts R_{D})") + f" in [0,1)^{D}")
            desc = (f"{kk} stratified samples per data point of {desc_measure}: {scheme}, "
                    "independent shift per data point")
        mcode = K.M_STRATIFIED
    else:
        kk = n_group_samples
        scheme = "iid"
        desc = f"{kk} iid samples per data point of {desc_measure}"
        mcode = K.M_IID
    return _GroupSpec(action, ecode, mcode, method, iparams, fparams, np.ascontiguousarray(table),
                      alpha, kk, desc, group, desc_measure, scheme)


def _indexed_spec(group, method: str, kk: int) -> _GroupSpec:
    """Image groups and callable actions: element indices (finite sets) or the Action's own
    sampler (infinite), see the module docstring."""
    name = group.name
    ip = np.array([1, 0, 1, 0, 1], dtype=np.int64)
    fp = np.array([0.0, 0.0, 0.0, 1.0])
    is_action = group.action == "callable"
    cls = _ActionSpec if is_action else _GroupSpec
    action = K.ACTION_INDEXED  # the kernels' code; an _ActionSpec never reaches the kernels' action
    if group.is_finite:
        order = int(group.order)
        if method == "auto":
            method = "exact" if order <= MAX_EXACT_ORDER else "iid"
        if method == "stratified":
            raise InvalidValueError(
                f"method='stratified' is available for SO(2), O(2), SO(3), partial rotations and "
                f"translations, got {name}; use 'iid' or 'exact'")
        measure = f"uniform on the {order} elements of {name}"
        table = np.zeros((order, 1))
        if method == "exact":
            mcode, kk = K.M_EXACT, order
            scheme = "every element"
            desc = f"exact enumeration of the {order} elements of {name} (no sampling noise over the set)"
        else:
            mcode = K.M_IID
            scheme = "iid"
            desc = f"{kk} iid samples per data point of {measure}"
        return cls(action, K.E_INDEX, mcode, method, ip, fp, table, np.zeros(1), kk, desc, group,
                   measure, scheme, elements=group.elements())
    if method in ("exact", "stratified"):
        raise InvalidValueError(
            f"method={method!r} is not available for {name} (a sampled Action): use 'iid'")
    probe = group.sample(1, np.random.default_rng(0))
    measure = group.haar
    desc = (f"{kk} iid samples per data point of {measure} (the Action's sampler, a generator "
            "seeded by the key and the point's index)")
    return cls(action, -1, K.M_IID, "iid", ip, fp, np.zeros((1, int(np.prod(probe.shape[1:],
               dtype=np.int64)))), np.zeros(1), kk, desc, group, measure, "iid",
               element_dtype=probe.dtype)


def seed_key(rng: np.random.Generator) -> np.uint64:
    """A 64-bit key of the counter-based generator, drawn from ``rng``."""
    return np.uint64(int(rng.integers(0, 2**63, dtype=np.int64)))


@dataclass
class GroupSamples:
    """Elements of a transformation set with their weights.

    Attributes
    ----------
    elements : the group's numeric representation: (K, n, n) matrices (linear), (K, n) shifts
        (translations) or (K, n) int64 permutations.
    weights : (K,) nonnegative weights summing to 1 (uniform: 1/K).
    method : "exact", "iid" or "stratified".
    description : what was sampled how.
    """

    elements: np.ndarray
    weights: np.ndarray
    method: str
    description: str

    def __len__(self) -> int:
        return int(self.weights.shape[0])


def group_samples(group, n: int = 64, rng=None, method: str = "auto") -> GroupSamples:
    """Draw ``n`` elements of ``group`` from its measure lambda (or enumerate a finite set).

    Parameters
    ----------
    group : a transformation set of :mod:`symbound.groups`.
    n : number of samples (ignored by ``method="exact"``, which returns every element).
    rng : an int seed, a ``numpy.random.Generator`` or None.
    method : ``"iid"`` (independent draws from lambda), ``"stratified"`` (one randomly shifted
        lattice: an unbiased, lower-variance estimate of integrals over continuous sets),
        ``"exact"`` (all elements of a finite set, uniform weights) or ``"auto"``.

    Returns
    -------
    GroupSamples

    Examples
    --------
    >>> from symbound.groups import Cyclic, SO
    >>> s = group_samples(Cyclic(4), method="exact")
    >>> s.elements.shape, float(s.weights.sum())
    ((4, 2, 2), 1.0)
    >>> group_samples(SO(3), 8, rng=0).elements.shape
    (8, 3, 3)
    """
    spec = group_spec(group, method, n)
    gen = check_rng_seed(rng)
    key = seed_key(gen)
    rows = np.empty((spec.K, spec.esize))
    spec.sample_rows(key, 0, rows)
    return GroupSamples(spec.to_group_repr(rows), np.full(spec.K, 1.0 / spec.K), spec.method_name,
                        spec.description)
