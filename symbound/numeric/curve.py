r"""The equivariance error along a one-parameter family ``t -> g_t`` (THEORY.md section 3, "Graded
data symmetry"): ``t -> ee_p(f; {g_t})`` and ``t -> max_i e(x_i, g_t)``, from which Stab_eps and the
breaking rate lam are read.  No group sampling: every parameter is evaluated exactly on every point
by the orbit engine (:mod:`._orbit_engine`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import brief
from .._validation import check_bool, check_choice, check_real
from ..errors import InvalidTypeError, InvalidValueError
from ..groups import O, SO, Cyclic, PartialRotations, Translations
from . import kernels as K
from ._checks import as_float_array
from ._orbit_engine import (_batched_pass, _blas_limit, _check_common, _check_X,
                            _Model, _overflow_error, _rho_mode)
from .distributed import Moments
from .group_samples import _GroupSpec
from .._types import ArrayLike, Model, Rho, TransformationSetBase

__all__ = ["EquivarianceErrorCurve", "equivariance_error_curve"]


@dataclass(repr=False)
class EquivarianceErrorCurve:
    r"""``t -> ee_p(f; {g_t})`` and ``t -> max_i e(x_i, g_t)`` along a one-parameter family
    (THEORY.md section 3, "Graded data symmetry").

    Attributes
    ----------
    parameters : (T,) the parameters t (angle in radians, or shift length).
    values : (T,) ``(mean_i e(x_i, g_t)^p)^(1/p)``; ``stderr`` its delta-method standard errors.
    max_observed : (T,) ``max_i e(x_i, g_t)``, a lower estimate of ``sup_x e(x, g_t)``.
    distances : (T,) ``d_G(e, g_t)`` (``|angle|`` wrapped to [0, pi], or the torus distance of the shift).
    """

    parameters: np.ndarray
    values: np.ndarray
    stderr: np.ndarray
    max_observed: np.ndarray
    distances: np.ndarray
    family: str
    p: float
    n_samples: int

    def stabilizer(self, eps: float, which: str = "sup") -> np.ndarray:
        """Parameters where the curve is <= eps: an estimate of Stab_eps(f) on this family.

        ``which="sup"`` (default, the definition of THEORY.md §3) uses ``max_observed``, a lower
        estimate of the sup, so the returned set may be too large; ``which="p"`` uses ee_p."""
        eps = float(check_real("eps", eps, 0, None, allow_symbolic=False))
        which = check_choice("which", which, ("sup", "p"))
        curve = self.max_observed if which == "sup" else self.values
        return self.parameters[curve <= eps]

    def breaking_rate(self, which: str = "sup") -> float:
        """Estimate of the least lam with ``curve(t) <= lam d_G(e, g_t)``: ``max_t curve/d`` over the
        parameters with d > 0.  An ESTIMATE (a lower estimate when ``which="sup"``: finitely many t,
        and the max over data points is a lower estimate of the sup)."""
        which = check_choice("which", which, ("sup", "p"))
        curve = self.max_observed if which == "sup" else self.values
        ok = self.distances > 0
        if not np.any(ok):
            raise InvalidValueError("breaking_rate needs at least one parameter with d_G(e, g_t) > 0")
        return float(np.max(curve[ok] / self.distances[ok]))

    def __repr__(self) -> str:
        return (f"EquivarianceErrorCurve({self.family}, {self.parameters.size} parameters in "
                f"[{self.parameters.min():.4g}, {self.parameters.max():.4g}], p={self.p:g}, "
                f"N={self.n_samples}; max ee_p={self.values.max():.4g}, max observed error "
                f"{self.max_observed.max():.4g} (lower estimate of the sup))")


#: points per block of the streamed statistics (fixed: results do not depend on the batch size)
_BLOCK = 1024

#: tolerance (radians) of the angles of a finite rotation family (multiples of 2 pi / k) and of the
#: bound |t| <= theta of partial rotations; the groups' membership tests use 1e-9 too
_ANGLE_ATOL = 1e-9


def _check_family_parameters(group_family, t: np.ndarray) -> None:
    """The angles t must give elements of the set: |t| <= theta for PartialRotations(theta), a
    multiple of 2 pi / k for Cyclic(k) (within ``_ANGLE_ATOL``); any angle for SO(2) and O(2)."""
    if isinstance(group_family, PartialRotations):
        th = float(group_family._theta())
        bad = np.abs(t) > th + _ANGLE_ATOL
        if np.any(bad):
            raise InvalidValueError(
                f"parameters must be rotation angles in [-{th:.6g}, {th:.6g}] (the angles of "
                f"{group_family.name}), got {float(t[bad][0])!r} ({int(bad.sum())} of {t.size} outside)")
    elif isinstance(group_family, Cyclic):
        k = group_family.k
        step = 2.0 * np.pi / k
        off = np.abs(t - np.round(t / step) * step)
        bad = off > _ANGLE_ATOL * np.maximum(1.0, np.abs(t))
        if np.any(bad):
            raise InvalidValueError(
                f"parameters must be angles of {group_family.name}: multiples of 2 pi / {k} = "
                f"{step:.6g} (within {_ANGLE_ATOL:g} rad), got {float(t[bad][0])!r} ({int(bad.sum())} of "
                f"{t.size} not)")


def _family_elements(group_family, parameters, direction):
    t = np.asarray(parameters, dtype=np.float64)
    if isinstance(group_family, Translations):
        n = group_family.n
        d = np.zeros(n)
        d[0] = 1.0
        if direction is not None:
            d = as_float_array("direction", direction)
            if d.shape != (n,) or np.linalg.norm(d) == 0:
                raise InvalidValueError(f"direction must be a nonzero vector of shape ({n},), got {d.shape}")
            d = d / np.linalg.norm(d)
        P = group_family.period
        rows = np.mod(t[:, None] * d[None, :], P)
        w = np.abs(t[:, None] * d[None, :]) % P
        dist = np.linalg.norm(np.minimum(w, P - w), axis=1)
        return rows, K.ACTION_TRANSLATION, n, dist, f"shift along {np.round(d, 4).tolist()}"
    plane = getattr(group_family, "plane", None)
    is_plane = (isinstance(group_family, PartialRotations) and plane is not None) or \
        (isinstance(group_family, (SO, O, Cyclic)) and (getattr(group_family, "degree", 2) == 2)
         and plane is not None)
    if not is_plane:
        raise InvalidTypeError(
            "group_family must be a one-parameter family: SO(2), O(2), Cyclic or PartialRotations with "
            f"a plane (rotation angle), or Translations (shift), got {brief(group_family)}"
        )
    _check_family_parameters(group_family, t)
    n = group_family.n
    i, j = plane
    rows = np.broadcast_to(np.eye(n), (t.size, n, n)).copy()
    rows[:, i, i] = np.cos(t)
    rows[:, i, j] = -np.sin(t)
    rows[:, j, i] = np.sin(t)
    rows[:, j, j] = np.cos(t)
    wrapped = np.abs(np.mod(t + np.pi, 2 * np.pi) - np.pi)
    return rows.reshape(t.size, n * n), K.ACTION_LINEAR, n, wrapped, f"rotation of plane {tuple(plane)}"


def equivariance_error_curve(model: Model, group_family: Any, X: ArrayLike, parameters: ArrayLike,
                             rho: Rho = None, p: float = 2, direction: Any = None,
                             batch_size: int | None = None,
                             progress: bool = False) -> EquivarianceErrorCurve:
    r"""The equivariance error along a one-parameter family g_t: rotation by angle t (SO(2), O(2),
    Cyclic or PartialRotations with a plane) or shift by t along ``direction`` (Translations).

    For each t, ``ee_p(f; {g_t}) = (mean_i e(x_i, g_t)^p)^(1/p)`` and ``max_i e(x_i, g_t)`` (exact in
    g: no group sampling).  ``curve.stabilizer(eps)`` and ``curve.breaking_rate()`` read Stab_eps and
    the rate lam of THEORY.md section 3.

    The parameters must give elements of ``group_family``: any angle for SO(2) and O(2) (the
    rotations), ``|t| <= theta`` for ``PartialRotations(theta)``, multiples of ``2 pi / k`` for
    ``Cyclic(k)`` (both within 1e-9 rad), any shift for Translations.  Errors whose p-th power
    overflows float64 raise :class:`InvalidValueError` (see :func:`equivariance_error`).

    Examples
    --------
    >>> import numpy as np
    >>> from symbound.groups import SO
    >>> X = np.random.default_rng(0).normal(size=(50, 2))
    >>> c = equivariance_error_curve(lambda xs: xs[:, 0], SO(2), X, np.linspace(-0.1, 0.1, 5))
    >>> c.values.shape
    (5,)
    """
    p, _ = _check_common(p, 1, batch_size, 0.5, ())
    check_bool("progress", progress)
    if not isinstance(group_family, TransformationSetBase):
        raise InvalidTypeError(f"group_family must be a transformation set of symbound.groups (a "
                               f"family such as SO(2)), got {type(group_family).__name__}")
    if getattr(group_family, "action", None) in ("image", "callable"):
        raise InvalidValueError(
            f"equivariance_error_curve needs a one-parameter family of linear maps or shifts; "
            f"{group_family!r} acts on images or through a callable: use equivariance_error with "
            "sampling='exact' (every element)")
    X = _check_X(X, group_family)
    t = as_float_array("parameters", parameters, min_ndim=1).ravel()
    rows, action, n, dist, fam = _family_elements(group_family, t, direction)
    T = t.size
    ip = np.array([n, 0, 1, 0, 1], dtype=np.int64)
    fp = np.array([0.0, 0.0, 0.0, getattr(group_family, "period", 1.0)])
    spec = _GroupSpec(action, K.E_TABLE, K.M_EXACT, "exact", ip, fp, np.ascontiguousarray(rows),
                      np.zeros(1), T, fam, group_family)
    mdl = _Model(model, X)
    _rho_mode(rho, spec, mdl.q, mdl.out_shape)
    # per parameter, the mean and centred sum of squares of e^p in units of its largest value
    # (no overflow of e^(2p)), merged over fixed blocks of _BLOCK points in order (Chan): the same
    # floating-point result for any batch size or thread count
    mx = np.zeros(T)
    acc = {"stats": Moments(0, np.zeros(T), np.zeros(T), np.zeros(T)), "rows": []}

    def flush(block):
        acc["stats"] = acc["stats"].merge(Moments.of_block(block))

    def per_k(e2):
        ep = e2 ** (p / 2)
        if not np.all(np.isfinite(ep)):
            raise _overflow_error(p, "X for some parameters")
        np.maximum(mx, np.sqrt(e2.max(axis=0)), out=mx)
        acc["rows"].append(ep)
        if sum(r.shape[0] for r in acc["rows"]) >= _BLOCK:
            rows = np.concatenate(acc["rows"])
            full = rows.shape[0] - rows.shape[0] % _BLOCK
            for a in range(0, full, _BLOCK):
                flush(rows[a:a + _BLOCK])
            acc["rows"] = [rows[full:]]

    with _blas_limit("auto"):
        _batched_pass(mdl, X, spec, np.uint64(0), 0, rho, p, batch_size, progress, per_k=per_k)
    if acc["rows"]:
        flush(np.concatenate(acc["rows"]))
    stats = acc["stats"]
    N = X.shape[0]
    c = stats.scale
    mean_s = stats.mean  # mean of e^p / c, in [0, 1]
    var_s = stats.m2 / max(N - 1, 1)
    root_c = c ** (1 / p)
    values = mean_s ** (1 / p) * root_c
    with np.errstate(divide="ignore", invalid="ignore"):
        stderr = np.where(mean_s > 0, root_c * np.sqrt(var_s / N) / (p * mean_s ** (1 - 1 / p)), 0.0)
    return EquivarianceErrorCurve(t, values, stderr, mx, dist, fam, p, N)

