"""Partial transformation sets: rotations by bounded angles (THEORY.md §2, "Partial sets").

These are subsets of a group that are not groups: they contain the identity and are closed under
inversion, but the composition of two rotations by theta exceeds theta.  lambda is the Haar measure
of the group conditioned on the subset.
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from .._validation import MAX_GROUP_DIM, check_integer, check_real
from ..printing import latex_to_text
from ..errors import InvalidValueError
from ._base import TransformationSetBase, _check_plane, _is_orthogonal, _plane_rotations, _rotation_angle_in_plane
from .lie import quaternion_to_matrix

__all__ = ["PartialRotations", "so3_partial_angle_cdf", "so3_partial_angles", "so3_rotation_angle"]

# 1/3!, -1/5!, 1/7!, ... : Taylor coefficients of x - sin x = x^3/3! - x^5/5! + ...
_X_MINUS_SIN_COEFFS = [(-1) ** k / math.factorial(2 * k + 3) for k in range(7)]


def _x_minus_sin(x):
    """``x - sin x`` without cancellation for small x (Taylor series below 0.5, relative error
    about 1e-16; direct formula above, where the cancellation costs at most a factor 25)."""
    x = np.asarray(x, dtype=np.float64)
    x2 = x * x
    series = np.zeros_like(x)
    for c in reversed(_X_MINUS_SIN_COEFFS):
        series = series * x2 + c
    series = series * x2 * x
    return np.where(np.abs(x) < 0.5, series, x - np.sin(x))


def so3_partial_angle_cdf(omega, theta):
    r"""CDF of the rotation angle of a Haar rotation of SO(3) conditioned on angle <= theta.

    The Haar density of the angle on [0, pi] is (1 - cos w)/pi, so the conditional CDF is
    (w - sin w) / (theta - sin theta) for w in [0, theta] (computed without cancellation for
    small angles)."""
    return _x_minus_sin(omega) / _x_minus_sin(theta)


def so3_rotation_angle(m: np.ndarray) -> np.ndarray:
    r"""Rotation angle in [0, pi] of rotation matrices ``m`` (shape (..., 3, 3)).

    Uses :math:`\omega = \operatorname{atan2}(\|R - R^T\|_F / (2\sqrt 2), (\operatorname{tr} R - 1)/2)`,
    accurate at every angle (``arccos`` of the trace loses half the digits near 0 and pi)."""
    m = np.asarray(m, dtype=np.float64)
    s = np.linalg.norm(m - np.swapaxes(m, -1, -2), axis=(-2, -1)) / (2.0 * math.sqrt(2.0))
    c = (np.trace(m, axis1=-2, axis2=-1) - 1.0) / 2.0
    return np.arctan2(s, c)


def so3_partial_angles(u: np.ndarray, theta: float) -> np.ndarray:
    """Inverse CDF of :func:`so3_partial_angle_cdf` at uniforms ``u`` (bisection to 1e-15 in 60
    halvings; the CDF is increasing)."""
    u = np.asarray(u, dtype=np.float64)
    target = u * _x_minus_sin(theta)
    lo = np.zeros_like(u)
    hi = np.full_like(u, theta)
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        f = _x_minus_sin(mid)
        below = f < target
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    return 0.5 * (lo + hi)


class PartialRotations(TransformationSetBase):
    r"""Rotations by angles of absolute value at most ``max_angle`` (a subset of SO(2), or of SO(3)
    with ``dim=3, plane=None``: rotations about any axis by at most ``max_angle``).

    Not a group for ``0 < max_angle < pi``: it contains the identity and inverses but is not closed
    under composition.  ``max_angle = pi`` is the whole group (SO(2) or SO(3)); ``max_angle = 0`` is
    the trivial group {id} (``is_finite``, ``order`` 1, ``manifold_dim`` 0).  lambda: uniform angle on [-theta, theta] (SO(2)); for SO(3) the Haar measure
    conditioned on angle <= theta (angle density proportional to 1 - cos w, axis uniform).

    Parameters
    ----------
    max_angle : theta in [0, pi]; a float or a SymPy expression (e.g. ``pi/4``) — the numeric
        sampler converts it with ``float``.
    dim : dimension of the acted-upon space (2, or larger with ``plane``; 3 with ``plane=None`` for
        the SO(3) ball).
    plane : coordinates rotated, or ``None`` for the SO(3) version.

    Examples
    --------
    >>> import sympy as sp
    >>> from symbound.groups import PartialRotations
    >>> S = PartialRotations(sp.pi / 4)
    >>> S.is_group, S.manifold_dim, S.ambient_dim, S.name
    (False, 1, 2, 'SO(2)_{≤ π/4}')
    """

    action = "linear"
    is_finite = False
    is_symmetric = True
    is_orthogonal = True

    def __init__(self, max_angle, dim: int = 2, plane: tuple[int, int] | None = (0, 1)):
        check_real("max_angle", max_angle, 0, sp.pi)
        self.max_angle = max_angle
        self.theta = float(max_angle) if not getattr(max_angle, "free_symbols", None) else None
        self.n = check_integer("dim", dim, 2, MAX_GROUP_DIM)
        if plane is None:
            if self.n != 3:
                raise InvalidValueError(f"plane=None (the SO(3) ball) needs dim=3, got dim={self.n}")
            self.plane = None
            self.manifold_dim = 3
        else:
            self.plane = _check_plane(plane, self.n)
            self.manifold_dim = 1
        self.is_group = self.theta is not None and (self.theta >= math.pi or self.theta == 0.0)
        # theta = 0: the trivial group {id}, a finite set of dimension 0
        self.is_finite = self.theta == 0.0
        if self.is_finite:
            self.manifold_dim = 0

    @property
    def order(self) -> int | None:
        return 1 if self.is_finite else None

    def elements(self) -> np.ndarray:
        if self.is_finite:
            return np.eye(self.n)[None]
        return super().elements()

    def volume(self) -> sp.Expr:
        r"""Riemannian volume of the set, in the metric of :meth:`SO.volume` (a rotation by angle t
        has length ``|t|``): ``2 theta`` in SO(2); ``8 pi (theta - sin theta)`` in SO(3) (Haar angle
        density (1 - cos w)/pi times vol SO(3) = 8 pi^2).  ``1`` (counting measure) for theta = 0."""
        if self.is_finite:
            return sp.Integer(1)
        t = sp.sympify(self.max_angle)
        if self.plane is not None:
            return 2 * t
        return 8 * sp.pi * (t - sp.sin(t))

    @property
    def contains_identity(self) -> bool:
        return True

    @property
    def name(self) -> str:
        return latex_to_text(self.latex())

    def latex(self) -> str:
        base = r"\mathrm{SO}(3)" if self.plane is None else r"\mathrm{SO}(2)"
        return rf"{base}_{{\le {sp.latex(sp.sympify(self.max_angle))}}}"

    @property
    def haar(self) -> str:
        if self.plane is None:
            return "Haar measure of SO(3) conditioned on rotation angle <= max_angle"
        return "uniform angle on [-max_angle, max_angle]"

    def _repr_args(self) -> str:
        return (f"{self.max_angle}" + ("" if self.n == 2 else f", dim={self.n}")
                + ("" if self.plane == (0, 1) else f", plane={self.plane}"))

    def _theta(self) -> float:
        if self.theta is None:
            raise InvalidValueError("max_angle is symbolic; numeric work needs a numeric max_angle")
        return self.theta

    def sample(self, size: int, rng: np.random.Generator) -> np.ndarray:
        size = check_integer("size", size, 0)
        th = self._theta()
        if self.plane is not None:
            return _plane_rotations(rng.uniform(-th, th, size), self.n, self.plane)
        axis = rng.standard_normal((size, 3))
        axis /= np.linalg.norm(axis, axis=1, keepdims=True)
        w = so3_partial_angles(rng.random(size), th)
        q = np.concatenate([np.cos(w / 2)[:, None], np.sin(w / 2)[:, None] * axis], axis=1)
        return quaternion_to_matrix(q)

    def contains(self, element, atol: float = 1e-9) -> bool:
        th = self._theta()
        m = np.asarray(element, dtype=np.float64)
        if self.plane is not None:
            ang = _rotation_angle_in_plane(m, self.n, self.plane, atol)
            return ang is not None and abs(ang) <= th + atol
        if m.shape != (3, 3) or not _is_orthogonal(m, atol) or np.linalg.det(m) <= 0:
            return False
        return bool(so3_rotation_angle(m) <= th + atol)
