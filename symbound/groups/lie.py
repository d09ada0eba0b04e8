"""Compact Lie groups: SO(n), O(n), translations of a torus (THEORY.md §2).  lambda is the
normalised Haar measure."""

from __future__ import annotations

import numpy as np
import sympy as sp

from .._validation import brief
from .._validation import MAX_GROUP_DIM, check_integer, check_real
from ..errors import InvalidValueError
from ._base import (TransformationSetBase, _check_plane, _is_orthogonal, _off_plane_is_identity,
                    _plane_rotations)

__all__ = ["SO", "O", "Translations", "haar_orthogonal"]


def haar_orthogonal(size: int, n: int, rng: np.random.Generator, special: bool) -> np.ndarray:
    """Haar-distributed orthogonal matrices by QR of a Gaussian matrix with the sign fix
    (Mezzadri 2007, "How to generate random matrices from the classical compact groups").
    With ``special=True`` the first column is flipped where det < 0, which maps Haar on O(n)
    to Haar on SO(n)."""
    z = rng.standard_normal((size, n, n))
    q, r = np.linalg.qr(z)
    d = np.sign(np.diagonal(r, axis1=1, axis2=2))
    d[d == 0] = 1.0
    q = q * d[:, None, :]
    if special:
        neg = np.linalg.det(q) < 0
        q[neg, :, 0] *= -1.0
    return q


def quaternion_to_matrix(q: np.ndarray) -> np.ndarray:
    """Unit quaternions (w, x, y, z) of shape (k, 4) to rotation matrices (k, 3, 3)."""
    w, x, y, z = q[:, 0], q[:, 1], q[:, 2], q[:, 3]
    return np.stack([
        np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)], -1),
        np.stack([2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)], -1),
        np.stack([2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)], -1),
    ], -2)


class _Orthogonal(TransformationSetBase):
    action = "linear"
    is_group = True
    is_finite = False
    is_orthogonal = True
    special: bool

    def __init__(self, n: int, dim: int | None = None, plane: tuple[int, int] = (0, 1)):
        self.degree = check_integer("n", n, 1, MAX_GROUP_DIM)
        if dim is None:
            dim = self.degree
        self.n = check_integer("dim", dim, self.degree, MAX_GROUP_DIM)
        self.plane = _check_plane(plane, self.n) if self.degree == 2 else None
        self.manifold_dim = self.degree * (self.degree - 1) // 2
        # SO(1) = {1} and O(1) = {1, -1} are finite groups of dimension 0
        self.is_finite = self.degree == 1

    @property
    def order(self) -> int | None:
        if self.degree == 1:
            return 1 if self.special else 2
        return None

    def elements(self) -> np.ndarray:
        if self.degree == 1:
            return np.array([[[1.0]]]) if self.special else np.array([[[1.0]], [[-1.0]]])
        return super().elements()

    @property
    def haar(self) -> str:
        return f"normalised Haar measure of {self.name}"

    def _repr_args(self) -> str:
        if self.degree == 2 and self.n != 2:
            return f"2, dim={self.n}" + ("" if self.plane == (0, 1) else f", plane={self.plane}")
        return f"{self.degree}"

    def latex(self) -> str:
        return rf"\mathrm{{{type(self).__name__}}}({self.degree})"

    @property
    def name(self) -> str:
        return f"{type(self).__name__}({self.degree})"

    def volume(self) -> sp.Expr:
        """Riemannian volume with the metric in which one-parameter subgroups exp(t A), |A|_F =
        sqrt 2, have speed 1 (so SO(2) has length 2 pi and SO(3) volume 8 pi^2).  For n = 1 the
        group is finite and this is its counting measure (1 for SO(1), 2 for O(1))."""
        # vol SO(n) = prod_{k=2}^{n} area(S^{k-1}) with that metric (a classical formula)
        v = sp.Integer(1)
        for k in range(2, self.degree + 1):
            v *= 2 * sp.pi ** sp.Rational(k, 2) / sp.gamma(sp.Rational(k, 2))
        return v if self.special else 2 * v

    def _embed(self, mats: np.ndarray) -> np.ndarray:
        if self.n == self.degree:
            return mats
        out = np.broadcast_to(np.eye(self.n), (mats.shape[0], self.n, self.n)).copy()
        i, j = self.plane
        idx = np.array([i, j])
        out[:, idx[:, None], idx[None, :]] = mats
        return out

    def sample(self, size: int, rng: np.random.Generator) -> np.ndarray:
        size = check_integer("size", size, 0)
        if self.degree == 2:
            theta = rng.uniform(0.0, 2.0 * np.pi, size)
            refl = rng.integers(0, 2, size).astype(bool) if not self.special else None
            return _plane_rotations(theta, self.n, self.plane if self.n > 2 else (0, 1), reflect=refl)
        if self.degree == 3 and self.special:
            q = rng.standard_normal((size, 4))
            q /= np.linalg.norm(q, axis=1, keepdims=True)
            return quaternion_to_matrix(q)
        return self._embed(haar_orthogonal(size, self.degree, rng, self.special))

    def contains(self, element, atol: float = 1e-9) -> bool:
        m = np.asarray(element, dtype=np.float64)
        if m.shape != (self.n, self.n) or not _is_orthogonal(m, atol):
            return False
        if self.n != self.degree and not _off_plane_is_identity(m, self.n, self.plane, atol):
            return False
        if self.special:
            return bool(np.linalg.det(m) > 0)
        return True


class SO(_Orthogonal):
    r"""The special orthogonal group SO(n), acting on R^n (or, for n = 2, on a coordinate plane of
    R^dim).  Dimension n(n-1)/2; lambda = normalised Haar measure (uniform angle for n = 2, uniform
    unit quaternions for n = 3, QR with sign fix otherwise).

    Examples
    --------
    >>> from symbound.groups import SO
    >>> SO(3).dim, SO(3).is_finite
    (3, False)
    """

    special = True

    def __init__(self, n: int, dim: int | None = None, plane: tuple[int, int] = (0, 1)):
        _check_dim_plane(n, dim, plane)
        super().__init__(n, dim, plane)


class O(_Orthogonal):  # noqa: E742 - the group's name
    r"""The orthogonal group O(n) (rotations and reflections), acting like :class:`SO`.

    Examples
    --------
    >>> from symbound.groups import O
    >>> O(2).manifold_dim, O(2).ambient_dim
    (1, 2)
    """

    special = False

    def __init__(self, n: int, dim: int | None = None, plane: tuple[int, int] = (0, 1)):
        _check_dim_plane(n, dim, plane)
        super().__init__(n, dim, plane)


def _check_dim_plane(n, dim, plane):
    """n >= 1; a larger ``dim`` and a ``plane`` only for n = 2."""
    n = check_integer("n", n, 1, MAX_GROUP_DIM)
    if dim is not None:
        dim = check_integer("dim", dim, n, MAX_GROUP_DIM)
        if dim != n and n != 2:
            raise InvalidValueError(
                f"dim must equal n={n} (only SO(2)/O(2) can act on a coordinate plane of a larger "
                f"space), got dim={dim}"
            )
    if n != 2 and (not isinstance(plane, (tuple, list)) or tuple(plane) != (0, 1)):
        raise InvalidValueError(
            f"plane applies only to n=2 (SO(2)/O(2) on a coordinate plane); SO({n})/O({n}) act on "
            f"all of R^{n}, got plane={brief(plane)}"
        )


class Translations(TransformationSetBase):
    r"""The translations of the flat torus :math:`\mathbb{R}^d / (p\mathbb{Z})^d` acting on itself:
    x -> (x + t) mod p.  Dimension d; lambda = uniform on [0, p)^d (Haar).  The action is transitive,
    so the quotient is a point (THEORY.md §2).

    Examples
    --------
    >>> from symbound.groups import Translations
    >>> Translations(2).dim
    2
    """

    action = "translation"
    is_group = True
    is_finite = False

    def __init__(self, dim: int, period: float = 1.0):
        self.n = check_integer("dim", dim, 1, MAX_GROUP_DIM)
        self.manifold_dim = self.n
        check_real("period", period, 0, None, low_closed=False, allow_symbolic=False)
        self.period = float(period)
        # exact value for volume(): SymPy numbers and ints as given, floats by their decimal repr
        if isinstance(period, sp.Basic):
            self._period_exact = period
        elif isinstance(period, (int, np.integer)):
            self._period_exact = sp.Integer(int(period))
        else:
            self._period_exact = sp.Rational(repr(float(period)))

    @property
    def name(self) -> str:
        return f"T^{self.n}"

    def latex(self) -> str:
        return rf"\mathbb{{T}}^{{{self.n}}}"

    @property
    def haar(self) -> str:
        return f"uniform measure on [0, {self.period})^{self.n}"

    def _repr_args(self) -> str:
        return f"{self.n}, period={self.period}"

    def sample(self, size: int, rng: np.random.Generator) -> np.ndarray:
        size = check_integer("size", size, 0)
        return rng.uniform(0.0, self.period, (size, self.n))

    def contains(self, element, atol: float = 1e-9) -> bool:
        t = np.asarray(element, dtype=np.float64)
        return t.shape == (self.n,) and bool(np.all(np.isfinite(t)))

    def volume(self) -> sp.Expr:
        """Volume ``period^dim`` of the torus (Lebesgue measure of the fundamental cell)."""
        return self._period_exact ** self.n
