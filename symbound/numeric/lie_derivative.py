r"""Infinitesimal (Lie-derivative) equivariance error along a one-parameter subgroup (THEORY.md
section 3): ``(L_A f)(x) = d/dt|_0 rho(g_t)^{-1} f(g_t x)`` by central differences with one
Richardson step."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._validation import brief
from .._validation import check_real
from ..errors import InvalidTypeError, InvalidValueError
from ..groups import O, SO, Cyclic, PartialRotations, Translations
from ._checks import as_float_array
from ._orbit_engine import _check_common, _Model, _row_norms
from .._types import ArrayLike, Model, Rho

__all__ = ["LieDerivativeEstimate", "lie_derivative"]


@dataclass(repr=False)
class LieDerivativeEstimate:
    r"""Infinitesimal equivariance error ``||d/dt rho(g_t)^{-1} f(g_t x)|_{t=0}||`` per point.

    Attributes
    ----------
    derivatives : (N, k) the derivatives (central differences + one Richardson step: truncation
        error O(h^4)).
    norms : (N,) their Euclidean norms; ``value = (mean norms^p)^(1/p)``, ``max_observed`` (a lower
        estimate of the sup).
    error_estimate : (N,) ``|Richardson - plain central difference at h/2|``, an estimate of the
        truncation error of the plain difference (the returned value is more accurate).
    """

    derivatives: np.ndarray
    norms: np.ndarray
    value: float
    max_observed: float
    error_estimate: np.ndarray
    h: float
    p: float
    truncation_order: int = 4

    def __repr__(self) -> str:
        return (f"LieDerivativeEstimate(L^{self.p:g} norm {self.value:.6g}, max observed "
                f"{self.max_observed:.6g} (lower estimate of the sup), h={self.h:g}, "
                f"truncation O(h^{self.truncation_order}), N={self.norms.size})")


def _expm(A):
    """exp(A) by scaling and squaring of a 24-term Taylor series (||A|| scaled below 1/2)."""
    nrm = np.linalg.norm(A, 1)
    s = max(0, int(math.ceil(math.log2(nrm / 0.5)))) if nrm > 0.5 else 0
    B = A / 2.0 ** s
    out = np.eye(A.shape[0])
    term = np.eye(A.shape[0])
    for k in range(1, 25):
        term = term @ B / k
        out = out + term
    for _ in range(s):
        out = out @ out
    return out


def lie_derivative(model: Model, generator: Any, X: ArrayLike, rho: Rho = None, h: float = 1e-2,
                   p: float = 2, batch_size: int | None = None) -> LieDerivativeEstimate:
    r"""Infinitesimal (Lie-derivative) equivariance error along a one-parameter subgroup.

    .. math:: (L_A f)(x) = \frac{d}{dt}\Big|_{t=0} \rho(g_t)^{-1} f(g_t x)
              = J_f(x) A x - d\rho(A) f(x)

    with ``g_t = exp(t A)`` (``generator`` an (n, n) matrix, e.g. skew-symmetric), or
    ``g_t x = x + t v`` (``generator`` a vector v: translations), or the rotation generator of the
    plane of an ``SO(2)``/``O(2)``/``PartialRotations`` group.  Central differences
    ``D(h) = (F(h) - F(-h)) / 2h`` (error c2 h^2 + c4 h^4 + ...) and one Richardson step
    ``(4 D(h/2) - D(h)) / 3`` (error O(h^4)).

    ``rho``: None (invariance), ``"same"`` (``rho(g_t) = exp(t A)``) or a callable on (K, n, n)
    matrices ``exp(t A)`` returning (K, k, k).

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[0.0, -1.0], [1.0, 0.0]])
    >>> X = np.random.default_rng(0).normal(size=(10, 2))
    >>> lie_derivative(lambda xs: np.linalg.norm(xs, axis=1), A, X).value < 1e-8
    True
    """
    # h <= 1: a step of the central difference of a one-parameter subgroup (the Taylor error
    # estimate is O(h^4); a step beyond 1 is no derivative)
    h = float(check_real("h", h, 0, 1, low_closed=False, allow_symbolic=False))
    p, _ = _check_common(p, 1, batch_size, 0.5, ())
    X = as_float_array("X", X, min_ndim=2)
    if getattr(generator, "action", None) in ("image", "callable"):
        raise InvalidValueError(
            f"the Lie derivative needs a one-parameter subgroup of linear maps or shifts; "
            f"{generator!r} is finite (pixel symmetries) or a callable action")
    if isinstance(generator, (SO, O, PartialRotations, Cyclic)) and getattr(generator, "plane", None) is not None:
        n = generator.n
        A = np.zeros((n, n))
        i, j = generator.plane
        A[j, i], A[i, j] = 1.0, -1.0
        generator = A
    if isinstance(generator, Translations):
        raise InvalidValueError("Translations has several generators; pass the direction vector v")
    gen = as_float_array("generator", generator, min_ndim=1)
    n = X.shape[-1]
    if gen.ndim == 1:
        if gen.shape != (n,):
            raise InvalidValueError(f"generator (a translation direction) must have shape ({n},), got {gen.shape}")
        linear = False
    elif gen.shape == (n, n):
        linear = True
    else:
        raise InvalidValueError(
            f"generator must be an ({n}, {n}) matrix or a ({n},) vector for X of shape {X.shape}, "
            f"got shape {gen.shape}"
        )
    if rho is not None and not linear:
        raise InvalidValueError("rho must be None for a translation generator")
    mdl = _Model(model, X)
    if isinstance(rho, str):
        if rho != "same":
            raise InvalidValueError(f"rho must be None, 'same' or a callable, got {brief(rho)}")
        if mdl.q != n:
            raise InvalidValueError(f"rho='same' needs model outputs of length n={n}, got k={mdl.q}")
    elif rho is not None and not callable(rho):
        raise InvalidTypeError(f"rho must be None, 'same' or a callable, got {type(rho).__name__}")
    ts = np.array([h, -h, h / 2, -h / 2])
    if linear:
        mats = np.stack([_expm(t * gen) for t in ts])
    N = X.shape[0]
    per = max(1, mdl.batch_size(batch_size) // 4)
    out = np.empty((N, mdl.q))
    err = np.empty(N)
    for s in range(0, N, per):
        xb = X[s:s + per]
        b = xb.shape[0]
        if linear:
            xt = np.einsum("tij,b...j->tb...i", mats, xb)
        else:
            xt = xb[None] + ts.reshape((4,) + (1,) * xb.ndim) * gen
        F = mdl(np.ascontiguousarray(xt.reshape((4 * b,) + xb.shape[1:])),
                f"the transformed inputs of X[{s}:{s + b}]",
                label=lambda r: f"X[{s + r % b}] moved by t = {ts[r // b]:g}").reshape(4, b, mdl.q)
        if rho is not None:
            if isinstance(rho, str):
                Rinv = np.transpose(mats, (0, 2, 1)) if np.allclose(
                    gen, -gen.T) else np.linalg.inv(mats)
            else:
                R = np.asarray(rho(mats), dtype=np.float64)
                if R.shape != (4, mdl.q, mdl.q):
                    raise InvalidValueError(
                        f"rho(elements) must return shape (4, {mdl.q}, {mdl.q}), got {R.shape}")
                Rinv = np.linalg.inv(R)
            F = np.einsum("tij,tbj->tbi", Rinv, F)
        d1 = (F[0] - F[1]) / (2 * h)
        d2 = (F[2] - F[3]) / h
        rich = (4 * d2 - d1) / 3
        if not (np.all(np.isfinite(rich)) and np.all(np.isfinite(d2))):
            raise InvalidValueError(
                f"the difference quotients of the model overflow float64 on X[{s}:{s + b}] "
                f"(outputs up to {np.abs(F).max():.3g}, h={h:g}); rescale the model's outputs (the "
                "Lie derivative is linear in f) or X")
        out[s:s + b] = rich
        err[s:s + b] = _row_norms(rich - d2)
    norms = _row_norms(out)
    big = float(norms.max())
    value = big * float(np.mean((norms / big) ** p)) ** (1 / p) if big > 0 else 0.0
    return LieDerivativeEstimate(out, norms, value, big, err, float(h), p)

