r"""Empirical covering numbers of point sets and of their quotients (THEORY.md §1-§2).

:func:`empirical_covering_number` builds a greedy eps-net of a sample under the Euclidean (or sup)
metric, or under the quotient metric of a transformation set S,

.. math:: d_S(x, c) = \min_{s \in S^+} \lVert x - s(c) \rVert, \qquad S^+ = S \cup \{\mathrm{id}\},

which is the covering relation of an (eps, S)-cover (THEORY.md §2: ``x`` is covered by the centre
``c`` when it lies within eps of ``s(c)`` for some ``s`` in S+). For a group acting by isometries
this is the quotient metric ``d_G([x], [c])`` and it is symmetric.

How ``d_S`` is computed, by transformation set (``EmpiricalCovering.metric_method`` says which):

============================  ======================================================  ==========
set                           method                                                  exact?
============================  ======================================================  ==========
``None``                      Euclidean / sup distance                                 yes
Cyclic, Dihedral,             minimum over the elements and the identity (orbit        yes
TransformationSet             copies ``s(c)`` of every centre are stored)
SO(2), O(2) on a plane        closed form over the angle (clouds rotated jointly)      yes
PartialRotations (plane)      closed form, angle difference clipped to                 yes
                              ``[-theta, theta]``
SO(n), O(n) on R^n (points)   ``| |x| - |c| |``                                        yes
O(1)                          minimum over {+1, -1}                                    yes
Cyclic / Dihedral on images   minimum over the elements (pixel index maps: a gather    yes
(``action="image"``)          per copy, no matrices)
Action, finite                minimum over fn(g, c) for g in S and c itself (the      yes
                              copies of every point are stored:
                              ``N (|S| + 1)`` inputs)
Symmetric, scalar items       distance of the sorted vectors (rearrangement)           yes
Symmetric, items in R^p       assignment problem, Hungarian algorithm, O(n^3)          yes
Translations (points)         the quotient of the torus is a point: d = 0              yes
PartialRotations SO(3) ball,  minimum over ``n_group_samples`` sampled elements and    upper
SO(n)/O(n) on point clouds,   the identity                                             estimate
Action with a sampler
============================  ======================================================  ==========

With an upper estimate ``d_est >= d_S``, a point within eps of a centre under ``d_est`` is within eps
under ``d_S``: the net is still a valid (eps, S)-cover of the sample (so ``covering_upper`` holds),
possibly with more centres than the exact metric needs; the centres are separated only under
``d_est``, so the packing reading is not available (``covering_lower_at_half_eps is None``).

Speed: the sample is put once in a dense grid of cell about eps (m <= 4 grid axes); the points are
visited in order and each new centre marks the points within eps of its orbit copies (or of its
invariant features) by ball queries on that grid: the work is about (number of centres) x ``|S+|`` x
(points in 3^m cells), plus one flag test per point.
The kernels live in :mod:`symbound.numeric.covering_kernels`; the first call compiles them (about
2-4 s, cached on disk afterwards).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._validation import brief
from .._validation import check_choice, check_integer, check_real
from ..errors import InvalidTypeError, InvalidValueError
from ..groups._base import TransformationSetBase
from . import covering_kernels as _k
from ._checks import MAX_DRAWS, as_float_array, check_group_matches, check_rng_seed
from .distributed import check_client
from .._types import ArrayLike, Seed

__all__ = ["EmpiricalCovering", "empirical_covering_number"]

_MAX_GRID_AXES = 4
#: grid cell size / eps (a ball query of radius eps visits about (1 + 2 / factor)^m cells)
_CELL_FACTOR = 1.0
#: largest admissible bound of the row norms (see :func:`check_magnitude`): sqrt(max float64) / 4
_MAX_NORM = math.sqrt(np.finfo(np.float64).max) / 4.0
#: cap of the cell-enlarging loop of :func:`_grid` (1.25^7000 > 2^2100 spans every float64 ratio)
_MAX_CELL_STEPS = 7000
#: shard size of a run with a client and no shard_size (fixed: the result must not depend on the
#: number of workers)
_DEFAULT_SHARD = 1 << 16
_REFERENCE = "THEORY.md §1 (N <= P <= N(eps/2)) and §2 ((eps, S)-covers, quotient metric)"


@dataclass(frozen=True, repr=False, eq=False)
class EmpiricalCovering:
    """Result of :func:`empirical_covering_number`.

    Attributes
    ----------
    eps : the radius.
    n_points : size of the sample.
    n_centers : number of centres of the greedy net.
    centers : indices (into the sample) of the centres, in the order they were chosen.
    assignment : for every point, the index (into the sample) of its nearest centre under the metric.
    distance : for every point, its distance to that centre (``<= eps`` for every point).
    covering_upper : ``N_S(sample, eps) <= covering_upper`` (the net is an (eps, S)-cover of the
        sample; always valid).
    covering_lower_at_half_eps : ``N_S(sample, eps/2) >= covering_lower_at_half_eps``, from the
        centres being eps-separated: ``n_centers <= P(sample, eps) <= N(sample, eps/2)`` (THEORY.md
        §1). ``None`` where the argument does not hold: a non-group set, a non-isometric action, or an
        upper estimate of the metric.
    n_centers_plain : with a group, the size of the plain (Euclidean / sup) greedy net of the same
        sample in the same order; ``None`` without a group.
    gain : ``n_centers_plain / n_centers``, the empirical symmetry gain N(X) / N(X/S).
    metric : ``"euclidean"`` or ``"sup"``.
    group : the transformation set (or ``None``).
    metric_method : how the quotient metric was computed.
    exact_metric : whether that computation is exact (False: an upper estimate of d_S).
    order : ``"given"`` or ``"random"`` (the order in which the greedy pass visits the points).
    notes : remarks on the readings.
    reference : the THEORY.md sections.
    n_shards : number of shards of a sharded run (1: one greedy pass over the sample).
    merged_centers : sharded runs: the greedy eps-net of the union of the shard nets (indices), a
        packing of the sample and a 2 eps-cover (:mod:`symbound.numeric.covering_shards`); ``None``
        for one pass.
    """

    eps: float
    n_points: int
    n_centers: int
    centers: np.ndarray
    assignment: np.ndarray
    distance: np.ndarray
    covering_upper: int
    covering_lower_at_half_eps: int | None
    n_centers_plain: int | None
    gain: float | None
    metric: str
    group: object
    metric_method: str
    exact_metric: bool
    order: str
    notes: tuple = field(default_factory=tuple)
    reference: str = _REFERENCE
    n_shards: int = 1
    merged_centers: np.ndarray | None = None

    def __repr__(self) -> str:
        g = "none" if self.group is None else getattr(self.group, "name", repr(self.group))
        lines = [
            f"EmpiricalCovering(eps={self.eps:g}, n_points={self.n_points}, group={g}, "
            f"metric={self.metric!r})",
            f"  greedy net: {self.n_centers} centres ({self.metric_method}"
            f"{'' if self.exact_metric else ', upper estimate of the metric'})",
            f"  covering reading: N(sample, eps) <= {self.covering_upper}",
        ]
        if self.covering_lower_at_half_eps is not None:
            lines.append(f"  packing reading:  N(sample, eps/2) >= {self.covering_lower_at_half_eps}")
        else:
            lines.append("  packing reading:  not available (see notes)")
        if self.gain is not None:
            lines.append(f"  symmetry gain:    plain net {self.n_centers_plain} / quotient net "
                         f"{self.n_centers} = {self.gain:.3f}")
        for note in self.notes:
            lines.append(f"  note: {note}")
        return "\n".join(lines)


#: largest memory of the stored orbit copies of a callable action (bytes)
MAX_COPY_BYTES = 2 ** 30
_NO_MAPS = np.zeros((0, 1), dtype=np.int64)
_NO_COPIES = np.zeros((0, 1, 1))


@dataclass
class _MetricSpec:
    """Arrays and flags that describe a metric to the kernels (internal)."""

    feat: np.ndarray
    aux: np.ndarray
    mats: np.ndarray
    blk: int
    mode: int
    theta: float
    reflect: bool
    npts: int
    pdim: int
    method: str
    exact: bool
    separated: bool  # whether eps-separation of the centres is a packing (group, isometric, exact)
    trivial: bool = False  # the quotient is a point (every distance is 0)
    maps: np.ndarray = field(default_factory=lambda: _NO_MAPS)        # (|S+|, dim) index maps
    copies: np.ndarray = field(default_factory=lambda: _NO_COPIES)    # (N, |S+|, dim) orbits


def _identity_spec(x2: np.ndarray, method: str = "Euclidean distance") -> _MetricSpec:
    return _MetricSpec(feat=x2, aux=np.zeros((x2.shape[0], 1)), mats=np.ones((1, 1, 1)), blk=1,
                       mode=0, theta=0.0, reflect=False, npts=1, pdim=1, method=method,
                       exact=True, separated=True)


def _orbit_spec(x: np.ndarray, mats: np.ndarray, method: str, exact: bool,
                separated: bool) -> _MetricSpec:
    n = mats.shape[1]
    eye = np.eye(n)
    if not np.any(np.all(np.abs(mats - eye) <= 1e-12, axis=(1, 2))):
        mats = np.concatenate([eye[None], mats])  # S+ = S ∪ {id}
    mats = np.ascontiguousarray(mats, dtype=np.float64)
    x2 = np.ascontiguousarray(x.reshape(x.shape[0], -1))
    return _MetricSpec(feat=x2, aux=np.zeros((x.shape[0], 1)), mats=mats, blk=n, mode=0,
                       theta=0.0, reflect=False, npts=1, pdim=1, method=method, exact=exact,
                       separated=separated)


def _plane_spec(x: np.ndarray, n: int, plane, theta: float, reflect: bool, method: str,
                separated: bool) -> _MetricSpec:
    pts = x.reshape(x.shape[0], -1, n)  # (N, npts, n)
    i, j = plane
    rest = [t for t in range(n) if t not in (i, j)]
    zx, zy = pts[:, :, i], pts[:, :, j]
    radii = np.sqrt(zx * zx + zy * zy)
    feat = np.concatenate([radii, pts[:, :, rest].reshape(x.shape[0], -1)], axis=1)
    aux = np.stack([zx, zy], axis=2).reshape(x.shape[0], -1)
    return _MetricSpec(feat=np.ascontiguousarray(feat), aux=np.ascontiguousarray(aux),
                       mats=np.ones((1, 1, 1)), blk=1, mode=1, theta=float(theta),
                       reflect=bool(reflect), npts=pts.shape[1], pdim=1, method=method, exact=True,
                       separated=separated)


def _metric_spec(x: np.ndarray, group, metric: str, n_group_samples: int,
                 rng: np.random.Generator) -> _MetricSpec:
    """Translate (points, group, metric) into kernel arrays; raises for unsupported combinations."""
    from ..groups.finite import Symmetric
    from ..groups.lie import O, SO, Translations, _Orthogonal
    from ..groups.partial import PartialRotations

    nsamp = x.shape[0]
    if group is None:
        return _identity_spec(np.ascontiguousarray(x.reshape(nsamp, -1)),
                              "sup distance" if metric == "sup" else "Euclidean distance")
    check_group_matches("points", x, group)
    name = group.name
    euclid_only = f"metric='sup' is supported only with group=None, finite linear sets, image " \
                  f"groups, Actions and Symmetric on scalar items; got group {name}"
    if group.action == "image":
        return _image_spec(x, group)
    if group.action == "callable":
        return _action_spec(x, group, n_group_samples, rng, metric)

    if isinstance(group, Symmetric):
        items = np.moveaxis(x, x.ndim + group.axis, 1).reshape(nsamp, group.n, -1)
        pdim = items.shape[2]
        if pdim == 1:
            feat = np.ascontiguousarray(np.sort(items[:, :, 0], axis=1))
            return _MetricSpec(feat=feat, aux=np.zeros((nsamp, 1)), mats=np.ones((1, 1, 1)),
                               blk=1, mode=0, theta=0.0, reflect=False, npts=1, pdim=1,
                               method="distance of sorted vectors (exact for permutations of "
                                      "scalars)", exact=True, separated=True)
        if metric == "sup":
            raise InvalidValueError(euclid_only)
        feat = np.ascontiguousarray(items.mean(axis=1) * math.sqrt(group.n))
        aux = np.ascontiguousarray(items.reshape(nsamp, -1))
        return _MetricSpec(feat=feat, aux=aux, mats=np.ones((1, 1, 1)), blk=1, mode=2, theta=0.0,
                           reflect=False, npts=group.n, pdim=pdim,
                           method="optimal assignment (Hungarian algorithm)", exact=True,
                           separated=True)

    if isinstance(group, Translations):
        if x.ndim != 2:
            raise InvalidValueError(
                f"points must have shape (n_points, {group.n}) for {name} (the torus acting on "
                f"itself); point clouds are not supported, got shape {x.shape}"
            )
        spec = _identity_spec(np.ascontiguousarray(x), "quotient is a point: every distance is 0")
        spec.trivial = True
        return spec

    if group.action != "linear":  # pragma: no cover - every set of symbound.groups is handled
        raise InvalidTypeError(f"group {name} has an unsupported action {group.action!r}")

    if group.is_finite:
        if metric == "sup":
            method = "minimum of the sup distance over the elements and the identity"
        else:
            method = "minimum over the elements and the identity"
        elems = group.elements()
        if metric == "sup":  # isometries of the sup norm: the signed permutation matrices
            rounded = np.round(elems)
            nz = rounded != 0
            isometric = bool(np.all(np.abs(elems - rounded) <= 1e-12)
                             and np.all(np.abs(rounded) <= 1)
                             and np.all(nz.sum(axis=1) == 1) and np.all(nz.sum(axis=2) == 1))
        else:
            isometric = bool(getattr(group, "is_isometric", True))
        return _orbit_spec(x, elems, method, exact=True,
                           separated=bool(group.is_group) and isometric)

    if metric == "sup":
        raise InvalidValueError(euclid_only)

    sampled_note = (f"minimum over {n_group_samples} sampled elements and the identity "
                    "(an upper estimate of the quotient metric)")
    if isinstance(group, PartialRotations):
        if group.plane is None:
            return _orbit_spec(x, group.sample(n_group_samples, rng), sampled_note, exact=False,
                               separated=False)
        theta = min(group._theta(), math.pi)
        return _plane_spec(x, group.n, group.plane, theta, False,
                           "closed form over the angle, clipped to [-theta, theta]",
                           separated=bool(group.is_group))

    if isinstance(group, _Orthogonal):
        deg = group.degree
        if deg == 1:
            if isinstance(group, SO):
                return _identity_spec(np.ascontiguousarray(x.reshape(nsamp, -1)),
                                      "SO(1) is trivial: Euclidean distance")
            return _orbit_spec(x, np.array([[[1.0]], [[-1.0]]]), "minimum over {+1, -1}",
                               exact=True, separated=True)
        if deg == 2:
            plane = group.plane if group.plane is not None else (0, 1)
            return _plane_spec(x, group.n, plane, math.pi, isinstance(group, O),
                               "closed form over the angle" + (" and the reflection"
                                                               if isinstance(group, O) else ""),
                               separated=True)
        if x.ndim == 2:
            feat = np.linalg.norm(x, axis=1)[:, None]
            return _identity_spec(np.ascontiguousarray(feat), "| |x| - |c| | (orbits are spheres)")
        return _orbit_spec(x, group.sample(n_group_samples, rng), sampled_note, exact=False,
                           separated=False)

    raise InvalidTypeError(  # pragma: no cover - every set of symbound.groups is handled
        f"group {name} ({type(group).__name__}) is not supported by empirical_covering_number"
    )


def _image_spec(x: np.ndarray, group) -> _MetricSpec:
    """An image group: the orbit copies of a centre by index maps of its flattened features (every
    channel's pixels permuted alike); a group of isometries of both metrics (permutations)."""
    nsamp = x.shape[0]
    H, W = x.shape[-2:]
    P = H * W
    pix = group.index_maps(H, W)  # the group contains the identity: S+ = S
    C = int(np.prod(x.shape[1:-2], dtype=np.int64))
    maps = (pix[:, None, :] + (P * np.arange(C))[None, :, None]).reshape(pix.shape[0], C * P)
    spec = _identity_spec(np.ascontiguousarray(x.reshape(nsamp, -1)),
                          "minimum over the elements (pixel index maps)")
    spec.maps = np.ascontiguousarray(maps, dtype=np.int64)
    spec.separated = True
    return spec


def _action_spec(x: np.ndarray, group, n_group_samples: int, rng, metric: str) -> _MetricSpec:
    """A callable Action: the orbit copies ``fn(g, x_i)`` of every point (and the point itself, the
    identity of S+) are computed once and stored; a sampled set uses ``n_group_samples`` elements
    (an upper estimate of the metric)."""
    nsamp = x.shape[0]
    if group.is_finite:
        elems = group.elements()
        method, exact = "minimum over fn(g, c) for every element and c itself (stored copies)", True
    else:
        elems = group.sample(n_group_samples, rng)
        method = (f"minimum over {n_group_samples} sampled elements and the identity (stored "
                  "copies; an upper estimate of the quotient metric)")
        exact = False
    L = int(np.prod(x.shape[1:], dtype=np.int64))
    need = nsamp * (elems.shape[0] + 1) * L * 8
    if need > MAX_COPY_BYTES:
        raise InvalidValueError(
            f"the orbit copies of {nsamp} points under {elems.shape[0]} elements of {group.name} "
            f"need {need / 2**30:.2f} GiB (at most {MAX_COPY_BYTES / 2**30:.0f} GiB): use fewer "
            "points" + ("" if group.is_finite else " or a smaller n_group_samples"))
    copies = np.empty((nsamp, elems.shape[0] + 1, L))
    copies[:, 0] = x.reshape(nsamp, L)
    copies[:, 1:] = np.moveaxis(group.apply(elems, x).reshape(elems.shape[0], nsamp, L), 0, 1)
    if not group.is_isometric:
        check_magnitude("the transformed points g X", copies.reshape(-1, L))
    spec = _identity_spec(np.ascontiguousarray(x.reshape(nsamp, L)), method)
    spec.copies = copies
    spec.exact = exact
    spec.separated = bool(exact and group.is_group and group.is_isometric and metric == "euclidean")
    return spec


def check_magnitude(name: str, arr: np.ndarray, factor: float = 1.0) -> None:
    """Raise unless squared distances between rows of ``arr`` (and their images under maps of
    operator norm at most ``factor``) are finite in float64.

    The kernels square coordinate differences; every distance they form is at most twice the bound
    ``B = factor * max|entry| * sqrt(entries per row)`` of the row norms, so ``B <= _MAX_NORM``
    (a quarter of the square root of the largest float64) keeps every squared distance, and the
    sums of a few of them, below the overflow threshold. ``arr`` is finite (checked on input)."""
    if arr.size == 0:
        return
    width = int(np.prod(arr.shape[1:])) if arr.ndim > 1 else 1
    amax = float(np.max(np.abs(arr)))
    bound = amax * math.sqrt(width) * float(factor)  # Python floats: overflow gives inf
    if not bound <= _MAX_NORM:  # also catches inf / NaN
        scale = "" if factor == 1.0 else f" * {factor:.3g} (operator norm of the maps)"
        raise InvalidValueError(
            f"{name} is too large for float64 distances: max |entry| = {amax:.3g} with {width} "
            f"entries per sample bounds the norms by {amax:.3g} * sqrt({width}){scale} = "
            f"{bound:.3g}, which must be <= {_MAX_NORM:.3g} so that squared distances cannot "
            "overflow; rescale the data (and eps / radius) by a common factor (distances scale "
            "linearly)"
        )


def _grid(feat: np.ndarray, cell_size: float):
    """The dense point grid of the kernels: ``(axes, origin, cell, ncell, bstart, perm, pvec)``.
    The cell side starts at ``cell_size`` and is enlarged until the grid has at most
    ``max(4 n, 4096)`` cells (the side affects speed only).

    Terminates for every input: a non-finite feature or extent raises :class:`InvalidValueError`
    (callers check the magnitude of the data first, see :func:`check_magnitude`); with a finite
    extent and a finite positive cell, ``cell > max extent`` gives one cell per axis, which the
    factor 1.25 reaches in a bounded number of steps (the loop is capped besides)."""
    lo, hi = _k.column_range(feat)
    with np.errstate(over="ignore", invalid="ignore"):
        width = hi - lo
    if not (np.all(np.isfinite(lo)) and np.all(np.isfinite(hi)) and np.all(np.isfinite(width))):
        raise InvalidValueError(
            "the features of the points must have a finite extent in float64, got a range "
            f"[{float(np.min(lo)):.3g}, {float(np.max(hi)):.3g}] whose width overflows; rescale "
            "the data (and eps / radius) by a common factor"
        )
    m = min(feat.shape[1], _MAX_GRID_AXES)
    axes = np.sort(np.argsort(-width, kind="stable")[:m]).astype(np.int64)  # widest axes
    origin = np.ascontiguousarray(lo[axes])
    extent = width[axes]
    limit = max(4 * feat.shape[0], 4096)
    ext_max = float(extent.max()) if extent.size else 0.0
    cell = max(float(cell_size), ext_max / limit)  # at most limit + 1 cells per axis, no overflow
    if not (0.0 < cell < math.inf and 1.0 / cell < math.inf):  # subnormal or overflowing side
        cell = max(ext_max, 1.0)
    ncf = np.floor(extent / cell) + 1.0
    for _ in range(_MAX_CELL_STEPS):
        if float(np.prod(ncf)) <= limit:
            break
        cell *= 1.25
        ncf = np.floor(extent / cell) + 1.0
    else:  # not reached for finite input (1.25^7000 spans the float64 range); kept as a guard
        cell = max(ext_max, 1.0)  # extent / cell <= 1: at most 2 cells per axis, 2^4 <= limit
        ncf = np.floor(extent / cell) + 1.0
    ncell = ncf.astype(np.int64)
    bstart, perm, pvec = _k.point_grid(feat, axes, origin, 1.0 / cell, ncell)
    return axes, origin, cell, ncell, bstart, perm, pvec


def _greedy(spec: _MetricSpec, order: np.ndarray, eps: float, sup: bool, assign: bool, bar):
    """Run the kernels: the greedy net in chunks (progress), then (optionally) the nearest-centre
    pass. Returns ``(centres, assignment, distance)``."""
    feat = spec.feat
    nsamp = feat.shape[0]
    if spec.trivial:
        centres = order[:1].copy()
        if bar is not None:
            bar.update(nsamp * (2 if assign else 1))
        return (centres, np.full(nsamp, centres[0], np.int64) if assign else None,
                np.zeros(nsamp) if assign else None)
    axes, origin, cell, ncell, bstart, perm, pvec = _grid(feat, eps * _CELL_FACTOR)
    where = np.empty(nsamp, np.int64)
    where[perm] = np.arange(nsamp, dtype=np.int64)
    reach = eps * (1.0 + 1e-9)  # a hair above eps: rounding never hides a point within eps
    covered = np.zeros(nsamp, dtype=np.bool_)
    centres = np.empty(nsamp, np.int64)
    n_centres = 0
    chunk = 1 << 14
    for pos in range(0, nsamp, chunk):
        stop = min(nsamp, pos + chunk)
        n_centres = _k.greedy_net_chunk(
            feat, spec.aux, order, pos, stop, spec.mats, spec.blk, spec.maps, spec.copies, axes,
            origin, cell, ncell, reach, eps, spec.mode, sup, spec.theta, spec.reflect, spec.npts,
            spec.pdim, bstart, perm, pvec, where, covered, centres, n_centres)
        if bar is not None:
            bar.update(stop - pos)
    centres = centres[:n_centres].copy()
    if not assign:
        return centres, None, None
    owner = np.empty(nsamp, np.int64)
    d2 = np.empty(nsamp)
    _k.nearest_centre(feat, spec.aux, centres, spec.mats, spec.blk, spec.maps, spec.copies, axes,
                      origin, cell, ncell, reach, spec.mode, sup, spec.theta, spec.reflect,
                      spec.npts, spec.pdim, bstart, perm, pvec, owner, d2)
    if bar is not None:
        bar.update(nsamp)
    return centres, owner, np.sqrt(d2)


def empirical_covering_number(points: ArrayLike, eps: float,
                              group: TransformationSetBase | None = None, metric: str = "euclidean",
                              order: str = "given", seed: Seed = None, progress: bool = False,
                              n_group_samples: int = 1024, client: Any = None,
                              shard_size: int | None = None) -> EmpiricalCovering:
    r"""Greedy eps-net of a sample, plain or modulo a transformation set (THEORY.md §1-§2).

    One pass over the points in ``order``: a point that is not within eps of ``s(c)`` for any
    earlier centre ``c`` and ``s`` in S+ = S ∪ {id} becomes a centre. By construction

    * every point is within eps of a centre (the net is an (eps, S)-cover of the sample), so
      :math:`N_S(\text{sample}, \varepsilon) \le n_\text{centers}`;
    * every centre is farther than eps from the orbit copies of the earlier centres; for a group
      acting by isometries this makes the centres eps-separated in the quotient metric, so
      :math:`n_\text{centers} \le P(\text{sample}, \varepsilon) \le N(\text{sample}, \varepsilon/2)`.

    With a group the plain net of the same sample (same order) is computed too and
    ``gain = n_plain / n_quotient`` estimates the symmetry gain N(X) / N(X/S) of THEORY.md §2.

    Parameters
    ----------
    points : array of shape ``(n_points, ...)``: one sample per row, shaped as the group's action
        expects (``(n, d)`` points, ``(n, k, d)`` point clouds; ``Symmetric`` permutes axis -2 or -1;
        ``(n, H, W)`` or ``(n, C, H, W)`` images for an image group; anything an
        :class:`~symbound.groups.Action` takes).
        A 1-D array is read as ``n`` scalars. Finite, with ``max|entry| * sqrt(entries per
        sample) <= 3.35e153`` (a quarter of the square root of the largest float64, times the
        operator norm of the set's matrices if it exceeds 1), so that squared distances cannot
        overflow; larger data raise :class:`~symbound.errors.InvalidValueError` (rescale the points
        and eps by a common factor: distances scale linearly).
    eps : the radius, > 0.
    group : ``None`` or a transformation set of :mod:`symbound.groups` (the module docstring lists
        how each one's quotient metric is computed and whether exactly).
    metric : ``"euclidean"`` or ``"sup"`` (sup: only without group, with finite linear sets and with
        ``Symmetric`` on scalar items).
    order : ``"given"`` (the rows in order) or ``"random"`` (a permutation drawn from ``seed``).
    seed : int, ``numpy.random.Generator`` or ``None``; used by ``order="random"`` and by the sampled
        fallback of the metric.
    progress : show a tqdm progress bar.
    n_group_samples : number of sampled elements of the fallback (SO(3) partial ball, SO(n) on point
        clouds), >= 1.
    client : ``None`` or a ``dask.distributed.Client``: the shards run as Dask tasks.
    shard_size : ``None`` (one greedy pass; with a client, shards of 65536 points) or an int >= 1:
        the visiting order is cut into shards of this many points, each gets its own greedy net,
        and the nets are merged (:mod:`symbound.numeric.covering_shards`: the union of the shard
        nets is an eps-cover, ``n_centers`` may exceed one pass's by up to the number of shards;
        ``covering_lower_at_half_eps`` is the size of the greedy net of the union, a packing).
        The result depends on ``shard_size`` and the order, not on the client or its workers.

    Returns
    -------
    EmpiricalCovering

    Examples
    --------
    >>> import numpy as np
    >>> from symbound.groups import Cyclic
    >>> from symbound.numeric.covering import empirical_covering_number
    >>> x = np.random.default_rng(0).uniform(-1, 1, (2000, 2))
    >>> res = empirical_covering_number(x, 0.2, group=Cyclic(4))
    >>> bool(np.all(res.distance <= 0.2)), res.gain > 2
    (True, True)
    """
    if group is not None and not isinstance(group, TransformationSetBase):
        raise InvalidTypeError(
            f"group must be None or a transformation set of symbound.groups, got {type(group).__name__}"
        )
    x = as_float_array("points", points, min_ndim=1)
    if x.ndim == 1:
        x = x[:, None]
    eps_v = float(check_real("eps", eps, 0, None, low_closed=False, allow_symbolic=False))
    check_choice("metric", metric, ("euclidean", "sup"))
    check_choice("order", order, ("given", "random"))
    n_group_samples = check_integer("n_group_samples", n_group_samples, 1, MAX_DRAWS)
    if not isinstance(progress, bool):
        raise InvalidTypeError(f"progress must be a bool, got {brief(progress)}")
    rng = check_rng_seed(seed)
    check_client(client)
    if shard_size is not None:
        shard_size = check_integer("shard_size", shard_size, 1)
    elif client is not None:
        shard_size = _DEFAULT_SHARD
    nsamp = x.shape[0]
    visit = np.arange(nsamp, dtype=np.int64) if order == "given" else \
        rng.permutation(nsamp).astype(np.int64)
    sup = metric == "sup"

    check_magnitude("points", x)  # before the features: plane radii square the coordinates
    # sharded: the metric of one point suffices here (its matrices; each shard builds its own)
    spec = _metric_spec(x if shard_size is None else x[:1], group, metric, n_group_samples, rng)
    if spec.mode == 0 and spec.mats.shape[0] > 1:  # orbit copies s(c): |s(c)| <= ||s||_op |c|
        opn = float(np.max(np.linalg.norm(spec.mats, 2, axis=(1, 2))))
        if opn > 1.0:
            check_magnitude("points", x, opn)
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=nsamp * (3 if group is not None else 2), desc="greedy net", unit="pt")
    merged = None
    try:
        if shard_size is not None:
            from .covering_shards import sharded_nets

            centres, merged, assignment, dist, plain_net, spec = sharded_nets(
                x, visit, eps_v, group, metric, n_group_samples, int(rng.integers(0, 2**63)),
                shard_size, client, bar)
            n_plain = None if plain_net is None else int(plain_net.shape[0])
        else:
            centres, assignment, dist = _greedy(spec, visit, eps_v, sup, True, bar)
            n_plain = None
            if group is not None:
                plain = _identity_spec(np.ascontiguousarray(x.reshape(nsamp, -1)))
                n_plain = int(_greedy(plain, visit, eps_v, sup, False, bar)[0].shape[0])
    finally:
        if bar is not None:
            bar.close()

    notes = []
    lower = int((centres if merged is None else merged).shape[0]) if spec.separated else None
    n_shards = 1 if shard_size is None else -(-nsamp // shard_size)
    if merged is not None:
        notes.append(f"sharded: {n_shards} shard(s) of at most {shard_size} points; the centres are "
                     f"the union of the shard nets (an eps-cover, possibly larger than one pass's "
                     f"net); the greedy net of the union has {merged.shape[0]} centres"
                     + (" (a packing and a 2 eps-cover: N(sample, 2 eps) <= "
                        f"{merged.shape[0]})" if spec.separated else ""))
    if lower is None:
        if not spec.exact:
            notes.append("the metric is an upper estimate: the net is a valid cover, but its "
                         "centres are separated only under the estimate (no packing reading)")
        else:
            notes.append(f"{group.name} is not a group acting by isometries (of the {metric} "
                         "metric): the centres are separated in one direction only (no packing "
                         "reading)")
    if spec.trivial:
        notes.append("the quotient is a point: one centre covers the sample")
    n_c = int(centres.shape[0])
    return EmpiricalCovering(
        eps=eps_v, n_points=nsamp, n_centers=n_c, centers=centres, assignment=assignment,
        distance=dist, covering_upper=n_c, covering_lower_at_half_eps=lower,
        n_centers_plain=n_plain, gain=(n_plain / n_c) if n_plain is not None else None,
        metric=metric, group=group, metric_method=spec.method, exact_metric=spec.exact,
        order=order, notes=tuple(notes), n_shards=n_shards, merged_centers=merged,
    )
