r"""Reynolds averaging (THEORY.md section 3): the symmetrised model

.. math:: Q f(x) = \int \rho(g)^{-1} f(g x) \, d\lambda(g),

exact for finite sets (mean over every element), by a fixed quadrature for SO(2) / O(2) (equispaced
angles: exact for trigonometric polynomials of degree < K in the angle — the trapezoid rule) and by a
fixed Monte Carlo sample otherwise.  The elements are drawn once, so ``Q f`` is a deterministic
function; for finite groups it is exactly G-equivariant.
"""

from __future__ import annotations

import numpy as np

from .._validation import check_choice, check_integer
from ..errors import InvalidTypeError, InvalidValueError
from ..groups import O, SO
from ..groups._base import TransformationSetBase
from . import kernels as K
from ._checks import as_float_array, check_group_matches, check_rng_seed
from .group_samples import group_spec, seed_key
from .orbit import DEFAULT_BATCH_SIZE, _Model, _perm_m, _rho_matrices, _rho_mode

__all__ = ["SymmetrizedModel", "symmetrize"]


class SymmetrizedModel:
    """The averaged model ``Q f`` (same batch convention as ``f``: ``(batch, *shape) -> (batch, k)``
    or ``(batch,)``).

    Attributes
    ----------
    method : ``"exact"`` (finite set, every element), ``"quadrature"`` (equispaced angles of SO(2)
        / O(2)) or ``"monte-carlo"``.
    elements : the elements averaged over (group representation); ``weights`` uniform.
    is_exact : whether ``Q f`` is the exact Reynolds average.
    description : what was averaged how.
    """

    def __init__(self, model, group, rho, spec, rows, method, description, batch_size):
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

    def __call__(self, xs):
        X = as_float_array("xs", xs, min_ndim=2)
        check_group_matches("xs", X, self.group)
        mdl = _Model(self.model, X)
        spec = self._spec.with_m(_perm_m(X, self.group))
        mode = _rho_mode(self.rho, spec, mdl.q)
        Kk = spec.K
        N = X.shape[0]
        L = int(np.prod(X.shape[1:]))
        pts = min(N, max(1, self.batch_size // Kk))
        Xf = X.reshape(N, L)
        buf_e = np.empty((pts * Kk, spec.esize))
        buf_x = np.empty((pts * Kk, L))
        Rinv = self._rinv(mdl.q) if mode == 1 else np.zeros((1, 1, 1))
        out = np.empty((N, mdl.q))
        for s in range(0, N, pts):
            b = min(pts, N - s)
            r = slice(0, b * Kk)
            K.transform_block(spec.action, spec.ecode, spec.method, spec.iparams, spec.fparams,
                              spec.table, spec.alpha, np.uint64(0), s, Kk, Xf[s:s + b], buf_e[r],
                              buf_x[r])
            FG = mdl(buf_x[r].reshape((b * Kk,) + X.shape[1:]), "the transformed inputs")
            K.orbit_average(FG, Rinv, mode, out[s:s + b])
        return out[:, 0] if mdl.squeeze else out


def symmetrize(model, group, rho=None, n_group_samples: int = 64, seed=None,
               method: str = "auto", batch_size: int = DEFAULT_BATCH_SIZE) -> SymmetrizedModel:
    r"""The Reynolds average ``Q f(x) = mean_g rho(g)^{-1} f(g x)`` of a model (THEORY.md §3).

    ``Q f`` is G-equivariant, ``Lip(Q f) <= Lip(f)`` and ``||f - Q f|| <= ee(f)`` (compact group,
    Haar lambda, rho isometric).

    Parameters
    ----------
    model : batch callable ``(batch, *shape) -> (batch, k) | (batch,)`` or an njit model of one input.
    group : a transformation set of :mod:`symbound.groups`.
    rho : None (invariance), ``"same"`` or a callable ``rho(elements) -> (K, k, k)``.
    n_group_samples : K for quadrature / Monte Carlo (finite sets use every element).
    seed : seed of the Monte Carlo elements.
    method : ``"auto"`` (exact for finite sets, quadrature for SO(2)/O(2), Monte Carlo otherwise),
        ``"exact"``, ``"quadrature"``, ``"monte-carlo"``.

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
    check_integer("n_group_samples", n_group_samples, 1)
    check_integer("batch_size", batch_size, 1)
    method = check_choice("method", method, ("auto", "exact", "quadrature", "monte-carlo"))
    if rho is not None and not (rho == "same" if isinstance(rho, str) else callable(rho)):
        raise InvalidValueError(f"rho must be None, 'same' or a callable, got {rho!r}")
    is_circle = isinstance(group, (SO, O)) and group.degree == 2
    if method == "auto":
        if group.is_finite:
            try:
                group_spec(group, "exact")
                method = "exact"
            except InvalidValueError:
                method = "monte-carlo"
        else:
            method = "quadrature" if is_circle else "monte-carlo"
    if method == "exact":
        spec = group_spec(group, "exact")
        rows = spec.table.copy()
        desc = spec.description
    elif method == "quadrature":
        if not is_circle:
            raise InvalidValueError(f"method='quadrature' is available for SO(2) and O(2), got {group.name}")
        n = group.n
        i, j = group.plane
        Kq = int(n_group_samples)
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
    else:
        spec = group_spec(group, "iid", n_group_samples)
        gen = check_rng_seed(seed)
        rows = np.empty((spec.K, spec.esize))
        K.sample_elements(spec.ecode, spec.method, spec.iparams, spec.fparams, spec.table,
                          spec.alpha, seed_key(gen), 0, spec.K, rows)
        desc = f"Monte Carlo: {spec.description} (fixed once)"
    from .group_samples import _GroupSpec

    tspec = _GroupSpec(spec.action, K.E_TABLE, K.M_EXACT, "exact", spec.iparams, spec.fparams,
                       np.ascontiguousarray(rows), np.zeros(1), rows.shape[0], desc, group)
    return SymmetrizedModel(model, group, rho, tspec, rows, method, desc, batch_size)
