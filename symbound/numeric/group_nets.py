r"""Certified nets of transformation sets: finitely many elements with a proved covering radius
(THEORY.md §3, "certified sup from samples"; the inequality is proved in
:mod:`symbound.numeric.certified_sup`).

A net of S is a finite set ``{g_1, ..., g_K}`` with a radius ``r_g`` such that every ``s`` in S has
some ``g_j`` with ``d(s, g_j) <= r_g``.  The metric ``d`` is the one in which ``g -> g x`` is
Lipschitz:

* linear actions: the operator norm ``||g - h||_op``, since ``|g x - h x| <= ||g - h||_op |x|``
  (Frobenius norm for point clouds; for a group acting on a coordinate plane only the plane
  coordinates of x move, so ``|g x - h x| <= ||g - h||_op |x_plane|``);
* translations of the torus ``R^n / P Z^n``: the torus distance of the shifts, since every vector
  of the input moves by the same shift (``|g x - h x| <= sqrt(M) d(g, h)`` for M vectors);
* finite sets: every element is enumerated, ``r_g = 0``.

The families and their radii (each ``r`` an exact rational upper bound, then rounded up to a float;
``PI_UP = math.pi + 2^-51 > pi``):

* **SO(2), O(2)** (on a plane of R^n): the m angles ``2 pi j / m`` (both cosets for O(2)).  Every
  angle is within ``pi/m`` of one of them, and ``||R(a) - R(b)||_op = 2 |sin((a - b)/2)|`` (the
  eigenvalues of ``R(a) - R(b)`` on the plane are ``e^{ia} - e^{ib}``, of modulus
  ``2|sin((a-b)/2)|``; a reflection ``R(a) F`` differs from ``R(b) F`` by the same matrix times
  the orthogonal F), so ``r_g = 2 sin(pi / (2m))``, bounded by the Taylor polynomial of ``2 sin s``
  to ``s^13`` at ``s = PI_UP / (2m)`` (an alternating series: a partial sum ending with a
  positive term is an upper bound).
* **PartialRotations(theta)** on a plane: the m angles ``-theta + (j + 1/2) 2 theta / m``: every
  ``|a| <= theta`` is within ``theta/m`` of one, ``r_g = 2 sin(theta / (2m))`` bounded as above.
* **SO(3)**, the SO(3) ball ``PartialRotations(theta, dim=3, plane=None)`` (theta = pi for SO(3))
  and **O(3)** (the SO(3) net and its negatives, ``||(-R) - (-R')|| = ||R - R'||``): the
  axis-angle vectors ``v`` (rotation by ``|v|`` about ``v/|v|``) on the cubic grid of m cells per
  axis of ``[-theta, theta]^3``, keeping the cells that meet the ball ``|v| <= theta`` and taking
  as element the projection of the cell centre onto that ball.  Claim:
  ``||R(v) - R(w)||_op <= |v - w|``, hence ``r_g <= sqrt(3) theta / m`` (the half-diagonal of a
  cell; the projection onto a convex set is 1-Lipschitz and fixes the ball, so
  ``|v - P(c)| <= |v - c| <= h``).  Proof of the claim: with unit quaternions,
  ``q(v) = (cos(|v|/2), sin(|v|/2) v/|v|)`` is the exponential map of the unit sphere S^3 at
  ``(1, 0, 0, 0)`` applied to ``v/2``; its differential has norm at most 1/2 (radial speed 1/2,
  tangential speed ``sin(|v|/2)/|v| <= 1/2``), so ``|q(v) - q(w)| <= |v - w|/2`` along the segment.
  For unit quaternions with ``c = <q, q'> >= 0`` the rotation angle w of ``R(q)^T R(q')``
  satisfies ``cos(w/2) = c``, so ``||R(q) - R(q')||_op = 2 sin(w/2) = 2 sqrt(1 - c^2)
  = |q - q'| |q + q'| <= 2 |q - q'|``; if ``c < 0``, ``|q - q'| >= sqrt 2`` and the operator norm
  is at most 2.  Every rotation is ``R(v)`` for some ``|v| <= pi``.
* **Translations(n, P)**: the shifts ``(j + 1/2) P / m`` per axis: torus covering radius
  ``sqrt(n) P / (2m)``.
* **Finite sets** (Cyclic, Dihedral, Symmetric(n <= 8), TransformationSet, SO(1), O(1), image
  groups, finite callable Actions): all elements, ``r_g = 0`` (for image groups and Actions the
  rows are the elements' indices).

Floating point: the elements are float matrices computed with a few correctly rounded operations
and libm's cos/sin (error below 1 ulp); each entry is then within ``2^-50`` of the exact element
of the intended parameter, so the op-norm distance is below ``n 2^-50``; ``ELEMENT_SLACK = 2^-40``
is added to every radius (and to the distances of realised samples, :func:`realised_radii`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import sympy as sp

from .._validation import brief, check_integer
from ..errors import InvalidTypeError, InvalidValueError
from ..groups import O, SO, PartialRotations, Translations
from ..groups._base import TransformationSetBase, _plane_rotations
from ..groups.lie import quaternion_to_matrix

__all__ = ["GroupNet", "group_net", "moved_norms", "realised_radii", "DEFAULT_GROUP_RESOLUTION"]

#: pi rounded up: math.pi is below pi by 1.22e-16 < 2^-51
PI_UP = Fraction(math.pi) + Fraction(1, 2 ** 51)
#: added to every radius: rounding of the float elements (module docstring)
ELEMENT_SLACK = 2.0 ** -40
#: default resolution m of the nets (angles of SO(2); cells per axis of the SO(3) axis-angle cube;
#: shifts per axis of translations)
DEFAULT_GROUP_RESOLUTION = {"plane": 256, "so3": 16, "translation": 64}


@dataclass(frozen=True)
class GroupNet:
    """A finite net of a transformation set with a certified covering radius.

    Attributes
    ----------
    rows : (K, esize) float64 elements in the kernels' flat format (matrices row-major, shifts,
        permutations as floats); ``elements`` is the group's own representation.
    radius : every s in S is within ``radius`` of an element (``metric``); 0 for an exact
        enumeration.
    metric : "operator norm", "torus distance" or "exact enumeration".
    method : the construction and where its radius is proved.
    resolution : the parameter m of the construction (None for an enumeration).
    """

    group: TransformationSetBase
    rows: np.ndarray
    elements: np.ndarray
    radius: float
    metric: str
    method: str
    resolution: int | None

    @property
    def size(self) -> int:
        return int(self.rows.shape[0])

    @property
    def exact(self) -> bool:
        return self.radius == 0.0


def _float_up(q: Fraction) -> float:
    """The smallest float >= q (exact comparison of the float's binary value with q)."""
    f = float(q)
    return f if Fraction(f) >= q else math.nextafter(f, math.inf)


def _chord_up(t: Fraction) -> Fraction:
    """A rational upper bound of ``2 sin(t/2)`` (the chord of an arc t >= 0), at most 2: the Taylor
    series of sin to the term s^13 / 13! (an alternating series ending with a positive term is an
    upper bound; the error is below s^15 / 15! < 2e-9 for s <= pi/2)."""
    s = t / 2
    total, term = Fraction(0), s
    for k in range(7):  # s - s^3/3! + ... + s^13/13!
        total += term
        term = -term * s * s / ((2 * k + 2) * (2 * k + 3))
    return min(Fraction(2), 2 * total)


def _exact_upper(value) -> Fraction:
    """An exact rational upper bound of a real number (float: its binary value; SymPy: evaluated
    with 40 digits and rounded up by 1e-30 relative)."""
    if isinstance(value, (int, np.integer)):
        return Fraction(int(value))
    if isinstance(value, (float, np.floating)):
        return Fraction(float(value))
    v = sp.Rational(sp.N(sp.sympify(value), 40))
    return Fraction(int(v.p), int(v.q)) * (1 + Fraction(1, 10 ** 30)) + Fraction(1, 10 ** 300)


def _check_resolution(resolution, default: int) -> int:
    if resolution is None:
        return default
    if isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)):
        raise InvalidTypeError(f"group_resolution must be an integer >= 1, got {brief(resolution)}")
    # at most 10^6 per axis: the net holds m (SO(2)) to m^3 (SO(3)) elements at once
    return check_integer("group_resolution", resolution, 1, 10**6)


def _so3_ball_vectors(theta: Fraction, m: int) -> tuple[np.ndarray, Fraction]:
    """Axis-angle vectors of the cubic-grid net of the ball |v| <= theta (module docstring) and
    the exact half-diagonal bound of its float cells."""
    W = _float_up(theta)
    edges = -W + (2.0 * W) * (np.arange(m + 1) / m)
    edges[0], edges[-1] = -W, W
    width = max(Fraction(float(b)) - Fraction(float(a)) for a, b in zip(edges[:-1], edges[1:]))
    # the half-diagonal sqrt(3) w / 2, with sqrt(3) < 1.7320508075688773
    h = width * Fraction(17320508075688773, 10 ** 16) / 2
    c1 = 0.5 * (edges[:-1] + edges[1:])
    g = np.stack(np.meshgrid(c1, c1, c1, indexing="ij"), -1).reshape(-1, 3)
    nrm = np.linalg.norm(g, axis=1)
    th = float(theta)
    keep = nrm <= th + float(h) * (1 + 1e-9) + 1e-12  # generous: an extra cell is harmless
    g, nrm = g[keep], nrm[keep]
    th_in = math.nextafter(th, 0.0) if Fraction(th) > theta else th  # a radius inside the ball
    scale = np.where(nrm > th_in, th_in / np.where(nrm > 0, nrm, 1.0), 1.0)
    return g * scale[:, None], h


def _axis_angle_to_matrix(v: np.ndarray) -> np.ndarray:
    ang = np.linalg.norm(v, axis=1)
    safe = np.where(ang > 0, ang, 1.0)
    axis = v / safe[:, None]
    q = np.concatenate([np.cos(ang / 2)[:, None], np.sin(ang / 2)[:, None] * axis], axis=1)
    return quaternion_to_matrix(q)


def group_net(group, resolution: int | None = None) -> GroupNet:
    """A certified net of ``group`` (module docstring).

    Parameters
    ----------
    group : a transformation set of :mod:`symbound.groups`.
    resolution : m, the fineness of the construction (angles of SO(2), cells per axis of the SO(3)
        axis-angle cube, shifts per axis of translations); ignored for finite sets.  Defaults:
        ``DEFAULT_GROUP_RESOLUTION``.

    Examples
    --------
    >>> from symbound.groups import SO, Cyclic
    >>> net = group_net(SO(2), 64)
    >>> net.size, round(net.radius, 6)      # 2 sin(pi/128)
    (64, 0.049082)
    >>> group_net(Cyclic(6)).radius
    0.0
    """
    if not isinstance(group, TransformationSetBase):
        raise InvalidTypeError(
            f"group must be a transformation set of symbound.groups, got {type(group).__name__}")
    if group.action in ("image", "callable"):
        if not group.is_finite:
            raise InvalidValueError(
                f"no certified net of {group.name}: a sampled Action has no covering radius; a "
                "certified sup needs a finite set (every element is enumerated)")
        el = group.elements()
        rows = np.arange(el.shape[0], dtype=np.float64)[:, None]  # element indices
        return GroupNet(group, rows, el, 0.0, "exact enumeration",
                        f"all {el.shape[0]} elements of {group.name} (exact enumeration, r_g = 0)",
                        None)
    n = int(group.n)
    if group.is_finite:
        try:
            el = group.elements()
        except InvalidValueError as exc:
            raise InvalidValueError(
                f"{group.name} has {group.order} elements, too many to enumerate; a certified sup "
                "over it needs every element") from exc
        rows = np.ascontiguousarray(np.asarray(el, dtype=np.float64).reshape(el.shape[0], -1))
        return GroupNet(group, rows, el, 0.0, "exact enumeration",
                        f"all {el.shape[0]} elements of {group.name} (exact enumeration, r_g = 0)",
                        None)
    if isinstance(group, Translations):
        m = _check_resolution(resolution, DEFAULT_GROUP_RESOLUTION["translation"])
        P = Fraction(group.period)
        t1 = (np.arange(m) + 0.5) * (group.period / m)
        grids = np.meshgrid(*([t1] * n), indexing="ij")
        el = np.stack(grids, -1).reshape(-1, n)
        # torus distance to the nearest shift: at most sqrt(n) P / (2m) (half the grid step per axis)
        r = Fraction(int(math.isqrt(10 ** 32 * n)) + 1, 10 ** 16) * P / (2 * m) + Fraction(ELEMENT_SLACK)
        return GroupNet(group, np.ascontiguousarray(el), el, _float_up(r), "torus distance",
                        f"{el.shape[0]} shifts (j + 1/2) P/{m} per axis: torus covering radius "
                        f"sqrt({n}) P / (2 {m})", m)
    plane = getattr(group, "plane", None)
    if isinstance(group, PartialRotations) and plane is not None:
        m = _check_resolution(resolution, DEFAULT_GROUP_RESOLUTION["plane"])
        th = _exact_upper(group.max_angle)
        tf = float(group._theta())
        ang = -tf + (np.arange(m) + 0.5) * (2.0 * tf / m)
        el = _plane_rotations(ang, n, plane)
        # angles within tf of 0 are within tf/m of the grid; |theta - tf| <= theta - Fraction(tf)
        t = max(th, Fraction(tf)) / m + max(th - Fraction(tf), Fraction(0))
        r = _chord_up(t) + Fraction(ELEMENT_SLACK)
        return GroupNet(group, np.ascontiguousarray(el.reshape(m, -1)), el, _float_up(r),
                        "operator norm",
                        f"{m} angles -theta + (j + 1/2) 2 theta/{m}: r_g = 2 sin(theta/(2 {m}))", m)
    if isinstance(group, (SO, O)) and group.degree == 2:
        m = _check_resolution(resolution, DEFAULT_GROUP_RESOLUTION["plane"])
        ang = 2.0 * np.pi * np.arange(m) / m
        pl = plane if plane is not None else (0, 1)
        el = _plane_rotations(ang, n, pl)
        if not group.special:
            el = np.concatenate([el, _plane_rotations(ang, n, pl, reflect=np.ones(m, dtype=bool))])
        r = _chord_up(PI_UP / m) + Fraction(ELEMENT_SLACK)
        return GroupNet(group, np.ascontiguousarray(el.reshape(el.shape[0], -1)), el, _float_up(r),
                        "operator norm",
                        f"the {m} angles 2 pi j/{m}" + ("" if group.special else " in both cosets")
                        + f": r_g = 2 sin(pi/(2 {m}))", m)
    ball = isinstance(group, PartialRotations) and plane is None
    if ball or (isinstance(group, (SO, O)) and group.degree == 3):
        m = _check_resolution(resolution, DEFAULT_GROUP_RESOLUTION["so3"])
        th = _exact_upper(group.max_angle) if ball else PI_UP
        v, h = _so3_ball_vectors(th, m)
        el = _axis_angle_to_matrix(v)
        if isinstance(group, O):
            el = np.concatenate([el, -el])
        r = h + Fraction(ELEMENT_SLACK)
        what = f"the SO(3) ball of angle {float(th):.6g}" if ball else group.name
        return GroupNet(group, np.ascontiguousarray(el.reshape(el.shape[0], 9)), el, _float_up(r),
                        "operator norm",
                        f"{el.shape[0]} rotations of {what}: axis-angle vectors on a cubic grid of "
                        f"{m} cells per axis, projected onto the ball: r_g = sqrt(3) theta/{m}", m)
    raise InvalidValueError(
        f"no certified net of {group.name}: supported are finite sets, SO(2), O(2), SO(3), O(3), "
        "PartialRotations and Translations")


def moved_norms(group, X: np.ndarray) -> np.ndarray:
    """``c(x)`` per input with ``|g x - h x| <= d(g, h) c(x)`` in the net's metric (module
    docstring): the Frobenius norm of the moved coordinates (linear), ``sqrt(M)`` for M vectors
    (translations), 0 for finite sets (never moved between net elements)."""
    N = X.shape[0]
    if group.is_finite:
        return np.zeros(N)
    if group.action == "translation":
        return np.full(N, math.sqrt(int(np.prod(X.shape[1:-1], dtype=np.int64))))
    plane = getattr(group, "plane", None)
    if plane is not None and (isinstance(group, PartialRotations) or getattr(group, "degree", 0) == 2):
        sub = X[..., list(plane)]
    else:
        sub = X
    flat = sub.reshape(N, -1)
    big = np.max(np.abs(flat), axis=1)
    safe = np.where(big > 0, big, 1.0)
    return big * np.linalg.norm(flat / safe[:, None], axis=1)


def realised_radii(spec, key, n_points: int, chunk: int = 4096) -> np.ndarray:
    """Per data point, a certified covering radius of the set by the K group samples the orbit
    engine drew for it (counter-based: regenerated from ``key``): 0 for finite enumerations; for
    one-parameter families from the largest gap of the sorted angles or shifts.

    SO(2): ``2 sin(G/4)`` with G the largest circular gap of the angles (an angle within G/2 of a
    sample, and the chord formula of the module docstring); O(2): the same per coset (2, the
    diameter, for a coset without samples); PartialRotations(theta): the chord of the largest of
    ``theta + a_min``, ``theta - a_max`` and half the gaps; Translations(1): half the largest
    circular gap of the shifts.  Raises for other sets (their sampled elements have no
    computable covering radius here)."""
    from . import kernels as K

    group = spec.group
    if spec.method_name == "exact":
        return np.zeros(n_points)
    plane = getattr(group, "plane", None)
    one_param = (isinstance(group, (SO, O)) and group.degree == 2) or (
        isinstance(group, PartialRotations) and plane is not None) or (
        isinstance(group, Translations) and group.n == 1)
    if not one_param:
        raise InvalidValueError(
            f"the {spec.K} sampled elements per point of {group.name} are not a net with a "
            "computable covering radius (only finite enumerations and one-parameter families "
            "are); use symbound.certified_sup_error(model, group, region, lipschitz=...), which "
            "builds a certified net of the group")
    Kk = spec.K
    nn = int(spec.iparams[0])
    out = np.empty(n_points)
    slack = 2.0 ** -44  # rounding of atan2 and of the sorted differences, in radians
    for s0 in range(0, n_points, chunk):
        b = min(chunk, n_points - s0)
        rows = np.empty((b * Kk, spec.esize))
        xt = np.empty((b * Kk, nn))
        K.transform_block(spec.action, spec.ecode, spec.method, spec.iparams, spec.fparams,
                          spec.table, spec.alpha, key, s0, Kk, np.zeros((b, nn)), rows, xt)
        rows = rows.reshape(b, Kk, spec.esize)
        if isinstance(group, Translations):
            P = group.period
            t = np.sort(np.mod(rows[:, :, 0], P), axis=1)
            gaps = np.diff(np.concatenate([t, t[:, :1] + P], axis=1), axis=1)
            out[s0:s0 + b] = gaps.max(axis=1) / 2 + slack * P
            continue
        i, j = plane
        c, s = rows[:, :, i * nn + i], rows[:, :, j * nn + i]
        ang = np.arctan2(s, c)
        if isinstance(group, PartialRotations):
            th = float(group._theta())
            a = np.sort(ang, axis=1)
            gaps = np.diff(a, axis=1).max(axis=1, initial=0.0) / 2
            half = np.maximum(np.maximum(th + a[:, 0], th - a[:, -1]), gaps)
        else:
            det = c * rows[:, :, j * nn + j] - s * rows[:, :, i * nn + j]
            cosets = (det > 0,) if group.special else (det > 0, det < 0)
            half = np.zeros(b)
            for mask in cosets:
                a = np.sort(np.where(mask, ang, np.inf), axis=1)  # this coset's angles first
                cnt = mask.sum(axis=1)
                first = a[:, 0]
                last = a[np.arange(b), np.maximum(cnt - 1, 0)]
                inner = np.where(np.isfinite(a[:, 1:]) & np.isfinite(a[:, :-1]),
                                 np.diff(np.where(np.isfinite(a), a, 0.0), axis=1), 0.0)
                wrap = np.where(cnt > 0, first + 2 * math.pi - np.where(cnt > 0, last, 0.0), 0.0)
                g = np.maximum(inner.max(axis=1, initial=0.0), wrap) / 2
                half = np.maximum(half, np.where(cnt > 0, g, math.pi))
        out[s0:s0 + b] = 2 * np.sin(np.minimum(half + slack, math.pi) / 2)
    return out * (1 + 2.0 ** -40) + ELEMENT_SLACK
