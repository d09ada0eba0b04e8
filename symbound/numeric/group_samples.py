"""Samples of a transformation set for the orbit integrals (THEORY.md section 3): exact enumeration
of finite sets, iid draws from lambda, and stratified (randomly shifted lattice) draws for
continuous sets.  O(2) is stratified by one equispaced angle grid shared by both cosets (see
``kernels.fill_element``): a lattice over (angle, reflection flag) barely reduced the variance.

The compiled samplers are in :mod:`symbound.numeric.kernels`; this module maps a transformation set
of :mod:`symbound.groups` to the kernel's codes (:class:`_GroupSpec`) and offers the public
:func:`group_samples`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .._validation import check_choice, check_integer
from ..errors import InvalidTypeError, InvalidValueError
from ..groups import O, SO, PartialRotations, Translations
from ..groups._base import TransformationSetBase
from . import kernels as K
from ._checks import check_rng_seed

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
    table: np.ndarray            # (order, esize) rows of a finite set, or (1, esize) zeros
    alpha: np.ndarray            # lattice constants of the stratified method
    K: int                       # samples per data point
    description: str
    group: TransformationSetBase = field(repr=False)
    measure: str = ""            # the measure sampled ("Haar SO(3): ...")
    scheme: str = ""             # how a set of K samples is laid out ("one randomly shifted ...")

    @property
    def esize(self) -> int:
        return int(self.table.shape[1])

    def with_m(self, m: int) -> "_GroupSpec":
        ip = self.iparams.copy()
        ip[4] = m
        return _GroupSpec(self.action, self.ecode, self.method, self.method_name, ip, self.fparams,
                          self.table, self.alpha, self.K, self.description, self.group, self.measure,
                          self.scheme)

    def to_group_repr(self, rows: np.ndarray) -> np.ndarray:
        """Flat element rows -> the group's numeric representation (matrices, shifts, int perms)."""
        n = int(self.iparams[0])
        if self.action == K.ACTION_LINEAR:
            return rows.reshape(-1, n, n)
        if self.action == K.ACTION_PERMUTATION:
            return np.rint(rows).astype(np.int64).reshape(-1, n)
        return rows.reshape(-1, n)


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
    n_group_samples = check_integer("n_group_samples", n_group_samples, 1)
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
    K.sample_elements(spec.ecode, spec.method, spec.iparams, spec.fparams, spec.table, spec.alpha,
                      key, 0, spec.K, rows)
    return GroupSamples(spec.to_group_repr(rows), np.full(spec.K, 1.0 / spec.K), spec.method_name,
                        spec.description)
