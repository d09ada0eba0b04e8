r"""Reynolds averaging (THEORY.md section 3): the symmetrised model

.. math:: Q f(x) = \int \rho(g)^{-1} f(g x) \, d\lambda(g),

exact for finite sets (mean over every element), by a fixed quadrature for SO(2) / O(2) (equispaced
angles: exact for trigonometric polynomials of degree < K in the angle — the trapezoid rule) and for
the translations of a torus (a product grid of equispaced shifts, when K is a perfect n-th power),
by a stratified sample (one randomly shifted lattice) for SO(3) (K >= 32), partial rotations and
the other translation counts, and by an iid Monte Carlo sample otherwise.  The elements are chosen
once and shared by every input, so ``Q f`` is a deterministic function; for finite groups it is
exactly G-equivariant.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validation import brief
from .._validation import check_choice, check_integer
from ..errors import InvalidTypeError, InvalidValueError
from ..groups import O, SO, Translations
from ..groups._base import TransformationSetBase
from . import kernels as K
from ._checks import MAX_DRAWS, as_float_array, check_group_matches, check_rng_seed
from .distributed import check_client, map_shards, n_workers, shard_ranges
from .group_samples import _GroupSpec, group_spec, seed_key
from ._orbit_engine import _Model, _rho_matrices, _rho_mode
from .._types import Model, Rho, Seed

__all__ = ["SymmetrizedModel", "symmetrize"]


class SymmetrizedModel:
    """The averaged model ``Q f`` (same batch convention as ``f``: ``(batch, *shape) -> (batch, k)``
    or ``(batch,)``).

    Attributes
    ----------
    method : ``"exact"`` (finite set, every element), ``"quadrature"`` (equispaced angles of SO(2)
        / O(2), or an equispaced grid of shifts of ``Translations``), ``"stratified"`` (a randomly
        shifted lattice of the group's measure) or ``"monte-carlo"`` (iid draws).
    elements : the elements averaged over (group representation); ``weights`` uniform.
    is_exact : whether ``Q f`` is the exact Reynolds average.
    description : what was averaged how (the same elements for every input).
    """

    def __init__(self, model: Model, group: TransformationSetBase, rho: Rho, spec: Any, rows: Any,
                 method: Any, description: Any, batch_size: Any):
        self.model = model
        self.group = group
        self.rho = rho
        self._spec = spec
        self._rows = rows
        self.method = method
        self.description = description
        self.elements = spec.to_group_repr(rows)
        self.weights = np.full(rows.shape[0], 1.0 / rows.shape[0])
        self.is_exact = method == "exact"
        self.batch_size = batch_size
        self._rinv_cache = None

    @property
    def n_group_samples(self) -> int:
        return int(self._rows.shape[0])

    def __repr__(self) -> str:
        return f"SymmetrizedModel({self.method}: {self.description})"

    def _rinv(self, q):
        if self._rinv_cache is None:
            R = _rho_matrices(self.rho, self._spec, self._rows, q)
            if isinstance(self.rho, str) and self._spec.action == K.ACTION_LINEAR:
                Rinv = np.transpose(R, (0, 2, 1))  # orthogonal matrices
            else:
                Rinv = np.linalg.inv(R)
            self._rinv_cache = np.ascontiguousarray(Rinv)
        return self._rinv_cache

    def __call__(self, xs, client=None, n_chunks: int | None = None):
        """``Q f`` on a batch ``xs``.  With ``client`` (a ``dask.distributed.Client``) the rows are
        split into ``n_chunks`` tasks (default 4 per worker; the averaged model is sent once per
        worker, each task its slice of ``xs``) and the outputs concatenated in order: the same
        values as without a client (the elements are fixed, each row is averaged on its own)."""
        X = as_float_array("xs", xs, min_ndim=2)
        check_group_matches("xs", X, self.group)
        check_client(client)
        if client is not None:
            if n_chunks is not None:
                check_integer("n_chunks", n_chunks, 1)
            tasks = [(X[a:b],) for a, b in
                     shard_ranges(X.shape[0], n_shards=n_chunks or 4 * n_workers(client))]
            return np.concatenate(map_shards(client, _call, tasks, broadcast=(self,)))
        mdl = _Model(self.model, X)
        spec = self._spec.for_input(X.shape[1:])
        mode = _rho_mode(self.rho, spec, mdl.q, mdl.out_shape)
        Kk = spec.K
        N = X.shape[0]
        L = int(np.prod(X.shape[1:]))
        pts = min(N, max(1, mdl.batch_size(self.batch_size) // Kk))
        Xf = X.reshape(N, L)
        buf_e = np.empty((pts * Kk, spec.esize))
        buf_x = np.empty((pts * Kk, L))
        Rinv = self._rinv(mdl.q) if mode == 1 else np.zeros((1, 1, 1))
        out = np.empty((N, mdl.q))
        for s in range(0, N, pts):
            b = min(pts, N - s)
            r = slice(0, b * Kk)
            spec.transform(np.uint64(0), s, Xf[s:s + b], buf_e[r], buf_x[r])
            FG = mdl(buf_x[r].reshape((b * Kk,) + X.shape[1:]), "the transformed inputs")
            if mode == 2:  # rho(g)^{-1} applied to the outputs by the output action
                FG = np.ascontiguousarray(spec.apply_output(buf_e[r], FG, mdl.out_shape,
                                                            inverse=True))
            K.orbit_average(FG, Rinv, 1 if mode == 1 else 0, out[s:s + b])
        return out[:, 0] if mdl.squeeze else out.reshape((N,) + mdl.out_shape)


def _call(qf: SymmetrizedModel, xs):
    """Entry point of a Dask task of :meth:`SymmetrizedModel.__call__`."""
    return qf(xs)


_METHODS = ("auto", "exact", "quadrature", "stratified", "monte-carlo")
#: below this K, "auto" averages over Haar SO(3) with iid draws: the stratified SO(3) sampler
#: (Roberts R_3 lattice through Shoemake's map) had a larger mean squared error than iid for
#: K = 8..24 on quadratic test functions (ratio up to 1.8), and a smaller one for every K >= 32
#: tried (ratio <= 0.65, mostly 0.1-0.4)
_SO3_STRATIFIED_MIN_K = 32


def _integer_root(k: int, n: int) -> int | None:
    """The integer ``r`` with ``r ** n == k``, or ``None``."""
    r = int(round(k ** (1.0 / n)))
    for c in (r - 1, r, r + 1):
        if c >= 1 and c ** n == k:
            return c
    return None


def _has(group, method: str) -> bool:
    """Whether ``group_spec`` offers ``method`` ("exact", "stratified") for ``group``."""
    try:
        group_spec(group, method)
    except InvalidValueError:
        return False
    return True


def _methods_for(group) -> str:
    """The symmetrize methods available for ``group``, for error messages."""
    ok = ["'auto'"]
    if group.is_finite and _has(group, "exact"):
        ok.append("'exact'")
    if (isinstance(group, (SO, O)) and group.degree == 2) or isinstance(group, Translations):
        ok.append("'quadrature'")
    if not group.is_finite and _has(group, "stratified"):
        ok.append("'stratified'")
    ok.append("'monte-carlo'")
    return ", ".join(ok)


def symmetrize(model: Model, group: TransformationSetBase, rho: Rho = None,
               n_group_samples: int = 64, seed: Seed = None, method: str = "auto",
               batch_size: int | None = None) -> SymmetrizedModel:
    r"""The Reynolds average ``Q f(x) = mean_g rho(g)^{-1} f(g x)`` of a model (THEORY.md §3).

    ``Q f`` is G-equivariant, ``Lip(Q f) <= Lip(f)`` and ``||f - Q f|| <= ee(f)`` (compact group,
    Haar lambda, rho isometric). The average is over one set of elements chosen once and shared by
    every input, so ``Q f`` is a deterministic function (reproducible with ``seed``).

    Parameters
    ----------
    model : batch callable ``(batch, *shape) -> (batch, k) | (batch,)`` or an njit model of one input.
    group : a transformation set of :mod:`symbound.groups` that is a group (image groups and
        :class:`~symbound.groups.Action` with ``is_group`` included).
    rho : None (invariance), ``"same"`` (the group's own action on the outputs; for an image group
        the inverse rotation/flip of output maps, for an Action its ``inverse`` and ``fn``) or a
        callable ``rho(elements) -> (K, k, k)``.
    n_group_samples : K for quadrature / stratified / Monte Carlo (finite sets use every element).
    seed : seed of the random elements (the shift of the stratified lattice, the Monte Carlo draws).
    method : how the integral over the group is computed:

        * ``"exact"``: every element of a finite group;
        * ``"quadrature"``: SO(2) / O(2): K equispaced angles (and their reflections), exact for
          trigonometric polynomials of degree < K in the angle; ``Translations(n, period=P)``: the
          product grid of shifts ``P j / r``, ``j`` in ``{0..r-1}^n``, for ``K = r^n`` a perfect n-th
          power, exact for every trigonometric polynomial of period P in each coordinate with
          degree < r in each coordinate (the sum of ``exp(2 pi i m.t / P)`` over the grid vanishes
          unless ``r`` divides every ``m_a``);
        * ``"stratified"``: SO(3), partial rotations, SO(2) / O(2) and translations: K elements from
          one randomly shifted lattice mapped to the group's measure (unbiased, lower variance
          than iid);
        * ``"monte-carlo"``: K iid elements of the group's measure;
        * ``"auto"``: exact for finite groups (Monte Carlo when they cannot be enumerated),
          quadrature for SO(2) / O(2) and for translations when K is a perfect n-th power,
          stratified where available (SO(3), partial rotations, other translation counts),
          Monte Carlo otherwise (and for SO(3) with K < 32, where iid draws were measured to be
          more accurate than the stratified lattice).
    batch_size : inputs x group elements evaluated per model call.

    Examples
    --------
    >>> import numpy as np
    >>> from symbound.groups import Cyclic
    >>> Qf = symmetrize(lambda xs: xs[:, 0] ** 2, Cyclic(4))
    >>> Qf.method, float(np.round(Qf(np.array([[1.0, 2.0]]))[0], 12))
    ('exact', 2.5)
    """
    if not callable(model):
        raise InvalidTypeError(f"model must be callable, got {type(model).__name__}")
    if not isinstance(group, TransformationSetBase):
        raise InvalidTypeError(f"group must be a transformation set of symbound.groups, got {type(group).__name__}")
    if not group.is_group:
        raise InvalidValueError(
            f"group must be a group: the Reynolds operator averages over a compact group with its "
            f"Haar measure (THEORY.md §3); {group.name} is not a group (use a subgroup, e.g. "
            "Cyclic(k), or the full group it lies in)")
    Kq = check_integer("n_group_samples", n_group_samples, 1, MAX_DRAWS)
    if batch_size is not None:
        check_integer("batch_size", batch_size, 1)
    method = check_choice("method", method, _METHODS)
    if rho is not None and not (rho == "same" if isinstance(rho, str) else callable(rho)):
        raise InvalidValueError(f"rho must be None, 'same' or a callable, got {brief(rho)}")
    is_circle = isinstance(group, (SO, O)) and group.degree == 2
    is_torus = isinstance(group, Translations)
    root = _integer_root(Kq, group.n) if is_torus else None
    if method == "auto":
        if group.is_finite:
            method = "exact" if _has(group, "exact") else "monte-carlo"
        elif is_circle or (is_torus and root is not None):
            method = "quadrature"
        elif _has(group, "stratified") and not (
                isinstance(group, SO) and group.degree == 3 and Kq < _SO3_STRATIFIED_MIN_K):
            method = "stratified"
        else:
            method = "monte-carlo"
    if method == "exact":
        try:
            spec = group_spec(group, "exact")
        except InvalidValueError:
            raise InvalidValueError(
                f"method='exact' needs a finite group whose elements can be enumerated, got "
                f"{group.name}; symmetrize's methods for it are {_methods_for(group)}") from None
        rows = np.empty((spec.K, spec.esize))
        spec.sample_rows(np.uint64(0), 0, rows)
        desc = spec.description
    elif method == "quadrature" and is_circle:
        n = group.n
        i, j = group.plane if group.plane is not None else (0, 1)
        ang = 2 * np.pi * np.arange(Kq) / Kq
        mats = np.broadcast_to(np.eye(n), (Kq, n, n)).copy()
        mats[:, i, i] = np.cos(ang)
        mats[:, i, j] = -np.sin(ang)
        mats[:, j, i] = np.sin(ang)
        mats[:, j, j] = np.cos(ang)
        if not group.special:
            ref = mats.copy()
            ref[:, :, j] *= -1.0
            mats = np.concatenate([mats, ref])
        rows = mats.reshape(mats.shape[0], n * n)
        spec = group_spec(group, "iid")
        desc = (f"equispaced quadrature: {Kq} angles 2 pi j/{Kq}" + ("" if group.special else
                " and their reflections") + f" (exact for trigonometric polynomials of degree < {Kq})")
    elif method == "quadrature" and is_torus:
        n = group.n
        if root is None:
            raise InvalidValueError(
                f"method='quadrature' for {group.name} needs n_group_samples = r^{n} (a product grid "
                f"of r shifts per axis, r >= 1 an integer), got n_group_samples={Kq}; use such a K or "
                "method='stratified'")
        P = group.period
        grid = np.stack(np.meshgrid(*([np.arange(root)] * n), indexing="ij"), axis=-1)
        rows = np.ascontiguousarray(P * grid.reshape(Kq, n) / root)
        spec = group_spec(group, "iid")
        desc = (f"equispaced quadrature: product grid of {root}^{n} = {Kq} shifts {P:g} * j / {root}, "
                f"j in {{0..{root - 1}}}^{n} (exact for trigonometric polynomials of period {P:g} "
                f"with degree < {root} in each coordinate)")
    elif method == "quadrature":
        raise InvalidValueError(
            f"method='quadrature' is available for SO(2), O(2) and Translations, got {group.name}; "
            f"symmetrize's methods for it are {_methods_for(group)}")
    else:
        kind = "stratified" if method == "stratified" else "iid"
        try:
            spec = group_spec(group, kind, Kq)
        except InvalidValueError:
            raise InvalidValueError(
                f"method={method!r} is not available for {group.name}; symmetrize's methods for it "
                f"are {_methods_for(group)}") from None
        gen = check_rng_seed(seed)
        rows = np.empty((spec.K, spec.esize))
        spec.sample_rows(seed_key(gen), 0, rows)
        if kind == "stratified":
            desc = (f"stratified: {spec.K} elements of {spec.measure}, from {spec.scheme}, drawn "
                    "once and shared by every input")
        else:
            desc = (f"Monte Carlo: {spec.K} elements drawn once, iid from {spec.measure}, shared by "
                    "every input")
    if group.action in ("image", "callable"):
        # the chosen elements, enumerated in order (index k = the k-th chosen element)
        chosen = spec.to_group_repr(rows)
        tspec = spec._replace(ecode=K.E_INDEX, method=K.M_EXACT, method_name="exact",
                              table=np.zeros((rows.shape[0], 1)), K=rows.shape[0],
                              description=desc, elements=chosen)
        rows = np.arange(rows.shape[0], dtype=np.float64)[:, None]
    else:
        tspec = _GroupSpec(spec.action, K.E_TABLE, K.M_EXACT, "exact", spec.iparams, spec.fparams,
                           np.ascontiguousarray(rows), np.zeros(1), rows.shape[0], desc, group)
    return SymmetrizedModel(model, group, rho, tspec, rows, method, desc, batch_size)
