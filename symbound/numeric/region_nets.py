r"""Certified covers of input regions by cells (THEORY.md §3, "certified sup from samples"; the
inequality that uses them is proved in :mod:`symbound.numeric.certified_sup`).

A region A (a :class:`~symbound.spaces.Space`: ``Ball``, ``Cube``, ``Annulus``, ``Sphere``,
``Torus``) is covered by finitely many boxes ("cells") of one or more charts.  Each cell K comes
with a bound ``D(K, y) >= sup { |x - y| : x in A, x "in" K }`` for any candidate point y, so that

.. math:: \sup_{x \in A} h(x) \le \max_K \min_{y} \big( h(y) + \mathrm{Lip}(h)\, D(K, y) \big)

for every Lipschitz h.  Two uses:

* **own net** (:func:`region_net`): one representative per cell (the cell centre projected onto A),
  with a certified covering radius per cell;
* **fill distance of given points** (:func:`cover_bound`): the candidates of a cell are the given
  points in it and its ``3^d`` neighbours; a cell without a candidate makes that grid fail, and the
  best of several grids is kept (each is a valid bound, so their minimum is one).

Charts and the bound ``D``:

* Euclidean regions (Ball centred at 0, Cube ``[0, a]^d``, Annulus ``r_1 <= |x| <= r_2``): one
  chart, the identity, on a box containing A.  ``D(K, y) = sqrt(sum_a max(|y_a - lo_a|,
  |y_a - hi_a|)^2)``, the distance from y to the farthest corner of K (the distance to y is convex,
  so its max over the box is at a corner).  For a convex A and ``y = P_A(c)`` (metric projection of
  the centre c; 1-Lipschitz and the identity on A) also ``|x - y| = |P x - P c| <= |x - c| <= h_K``
  (half-diagonal), so the own net uses ``min(D, h_K)``.  The annulus is not convex: its cells whose
  centre lies in the hole are split once into ``2^d`` children; a child meeting A has its centre
  within ``h_child`` of A, so ``D(child, P c) <= 2 h_child = h_K``.
* Sphere ``S^{d-1}`` (chordal metric): ``2d`` charts, the facets ``{x_a = s}`` (s = +-1) of the cube
  ``[-1, 1]^d``, with ``(d-1)``-dimensional cells; a point x with ``s x_a > 0`` has chart point
  ``y = x / (s x_a)`` (on the facet's plane), and ``x = y/|y|``.  The radial map ``y -> y/|y|`` is
  the metric projection onto the unit ball on ``{|y| >= 1}``, which contains the facet planes, so it
  is 1-Lipschitz there: ``|x - x'| <= |y - y'|``, and ``D`` is the box bound of the chart.  Every x of
  the sphere lies in the facet of its largest coordinate.
* Torus ``R^d / P Z^d``: one periodic chart ``[0, P)^d``; ``D`` uses the circular distance per axis
  (the farthest point of an arc from y is its antipode ``y + P/2`` when the arc contains it).

Deciding which cells meet A is conservative (a cell is kept when the distance from its centre to A
is at most ``(1 + 1e-9) h_K`` plus 1e-12 of the region's size, far above the rounding of that
distance): an extra cell only costs a candidate.  Floating point: box edges are
floats (the cells tile the chart exactly, as consecutive cells share their float edges), the
distances are computed in float64 and multiplied by ``1 + ROUND_UP`` (more than the relative
error ``(d + 4) 2^-53`` of a sum of d squares and a square root), and ``slack`` (``2^-40`` times
the region's size) covers the rounding of projected representatives.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import product

import numpy as np
import sympy as sp

from .._validation import brief
from ..errors import InvalidTypeError, InvalidValueError

__all__ = ["RegionNet", "region_net", "cover_bound", "region_of", "default_resolution",
           "DEFAULT_RESOLUTION"]

#: relative rounding-up factor of float distances (module docstring)
ROUND_UP = 2.0 ** -40
#: default cells per axis of the region grid, by chart dimension
DEFAULT_RESOLUTION = {1: 1024, 2: 64, 3: 24}
#: largest number of cells of one grid
MAX_CELLS = 2_000_000


def _enclose(value) -> tuple[float, float]:
    """Floats ``lo <= value <= hi`` for a real SymPy number: the float itself when it equals the
    number (rationals and floats compared exactly), else 40 digits and one ulp outwards."""
    v = sp.sympify(value)
    if v.free_symbols or not v.is_number:
        raise InvalidValueError(f"the region's parameters must be numbers, got {v}")
    f = float(sp.N(v, 40))
    if (v.is_Rational or v.is_Float) and sp.Rational(f) == sp.Rational(v):
        return f, f
    return math.nextafter(f, -math.inf), math.nextafter(f, math.inf)


@dataclass
class _Chart:
    """A box of chart coordinates cut into ``m`` cells per axis (``edges`` per axis)."""

    edges: list
    periodic: float | None = None      # the period of a periodic chart
    fixed: tuple | None = None         # sphere facet: (axis a, sign s)

    @property
    def dim(self) -> int:
        return len(self.edges)

    @property
    def shape(self) -> tuple:
        return tuple(e.size - 1 for e in self.edges)

    def boxes(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        lo = np.stack([e[idx[:, a]] for a, e in enumerate(self.edges)], axis=1)
        hi = np.stack([e[idx[:, a] + 1] for a, e in enumerate(self.edges)], axis=1)
        return lo, hi

    def cell_of(self, y: np.ndarray) -> np.ndarray:
        """Multi-index of the cell containing y, clipped to the grid (a point outside is assigned
        to a boundary cell: any assignment is valid, D uses the actual point)."""
        out = np.empty(y.shape, dtype=np.int64)
        for a, e in enumerate(self.edges):
            yy = np.mod(y[:, a] - e[0], self.periodic) + e[0] if self.periodic else y[:, a]
            out[:, a] = np.clip(np.searchsorted(e, yy, side="right") - 1, 0, e.size - 2)
        return out

    def far(self, lo: np.ndarray, hi: np.ndarray, y: np.ndarray) -> np.ndarray:
        """D(K, y): an upper bound of the distance from y to every point of the box [lo, hi]."""
        a = np.abs(y - lo)
        b = np.abs(y - hi)
        if self.periodic:
            P = self.periodic
            a = np.minimum(np.mod(a, P), P - np.mod(a, P))
            b = np.minimum(np.mod(b, P), P - np.mod(b, P))
            anti = np.mod(y + P / 2 - lo, P) <= hi - lo  # the antipode of y lies in the arc
            m = np.where(anti, P / 2, np.maximum(a, b))
        else:
            m = np.maximum(a, b)
        return np.sqrt(np.sum(m * m, axis=-1)) * (1 + ROUND_UP)

    def to_region(self, y: np.ndarray) -> np.ndarray:
        if self.fixed is None:
            return y
        ax, s = self.fixed
        full = np.insert(y, ax, float(s), axis=1)
        return full / np.linalg.norm(full, axis=1, keepdims=True)

    def from_region(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(mask of the points this chart can take, their chart coordinates)."""
        if self.fixed is None:
            return np.ones(x.shape[0], dtype=bool), x
        ax, s = self.fixed
        ok = s * x[:, ax] > 0
        y = np.delete(x, ax, axis=1) / np.where(ok, s * x[:, ax], 1.0)[:, None]
        return ok, y


class _Region:
    """A Space seen as a set of points: charts, projection, distance (module docstring)."""

    def __init__(self, space):
        from ..spaces import Annulus, Ball, Cube, Sphere, Torus

        self.space = space
        self.name = space.name
        self.kind = type(space).__name__
        if isinstance(space, Ball):
            self.d = int(space.ambient_dim)
            self.R = _enclose(space.radius)
            self.size = self.R[1]
            self.convex = True
        elif isinstance(space, Cube):
            self.d = int(space.ambient_dim)
            self.a = _enclose(space.side)
            self.size = self.a[1] * math.sqrt(self.d)
            self.convex = True
        elif isinstance(space, Annulus):
            self.d = 2
            self.r1 = _enclose(space.r_inner)
            self.r2 = _enclose(space.r_outer)
            self.size = self.r2[1]
            self.convex = self.r1[1] <= 0.0
        elif isinstance(space, Sphere):
            self.d = int(space.ambient_dim)
            self.size = 1.0
            self.convex = False
        elif isinstance(space, Torus):
            self.d = int(space.ambient_dim)
            per = sp.sympify(space.period)
            self.P = float(per) if per.is_number else math.nan
            if not (per.is_number and sp.Rational(self.P) == sp.Rational(per)):
                raise InvalidValueError(
                    f"the torus period must be a number equal to a float (the translations act "
                    f"with a float period), got {space.period}")
            self.size = self.P * math.sqrt(self.d)
            self.convex = True
        else:
            raise InvalidTypeError(
                "region must be a Ball, Cube, Annulus, Sphere or Torus of symbound.spaces (a "
                f"certified cover of its points is known), got {type(space).__name__}")
        self.slack = 2.0 ** -40 * self.size * self.d

    # ----- charts -------------------------------------------------------------------------------
    def charts(self, m: int) -> list:
        def edges(lo, hi):
            e = lo + (hi - lo) * (np.arange(m + 1) / m)
            e[0], e[-1] = lo, hi
            return e

        if self.kind == "Sphere":
            out = []
            for ax in range(self.d):
                for s in (1, -1):
                    out.append(_Chart([edges(-1.0, 1.0) for _ in range(self.d - 1)], None, (ax, s)))
            return out
        if self.kind == "Torus":
            return [_Chart([edges(0.0, self.P) for _ in range(self.d)], self.P)]
        if self.kind == "Ball":
            lo, hi = -self.R[1], self.R[1]
        elif self.kind == "Cube":
            lo, hi = 0.0, self.a[1]
        else:
            lo, hi = -self.r2[1], self.r2[1]
        return [_Chart([edges(lo, hi) for _ in range(self.d)])]

    def dist(self, c: np.ndarray) -> np.ndarray:
        """Distance from chart points c to A (float; used conservatively)."""
        if self.kind in ("Torus", "Sphere"):  # every cell of a facet chart covers part of the sphere
            return np.zeros(c.shape[0])
        r = np.linalg.norm(c, axis=1)  # the outer bounds of the parameters: never too large
        if self.kind == "Ball":
            return np.maximum(r - self.R[1], 0.0)
        if self.kind == "Cube":
            return np.linalg.norm(c - np.clip(c, 0.0, self.a[1]), axis=1)
        return np.maximum(np.maximum(r - self.r2[1], self.r1[0] - r), 0.0)

    def project(self, c: np.ndarray) -> np.ndarray:
        """A point of A near c (the metric projection, computed in float)."""
        if self.kind in ("Torus", "Sphere"):
            return c
        if self.kind == "Cube":
            return np.clip(c, 0.0, self.a[0])
        r = np.linalg.norm(c, axis=1)
        if self.kind == "Ball":
            target = np.minimum(r, self.R[0])
        else:
            target = np.clip(r, self.r1[1], self.r2[0])
        safe = np.where(r > 0, r, 1.0)
        out = c * (target / safe)[:, None]
        if self.kind == "Annulus":
            zero = r == 0
            out[zero] = 0.0
            out[zero, 0] = target[zero]
        return out

    def check_points(self, X: np.ndarray) -> None:
        if X.ndim != 2 or X.shape[1] != self.d:
            raise InvalidValueError(
                f"points must have shape (N, {self.d}) for the region {self.name}, got {X.shape}")


def region_of(space) -> _Region:
    """The region view of a Space (raises for spaces without a certified cover)."""
    return _Region(space)


def default_resolution(space, max_cells: int | None = None) -> int:
    """Cells per axis of the default grid of a region: ``DEFAULT_RESOLUTION`` by the dimension of
    its charts, lowered so that the grid has at most ``max_cells`` cells (at least 2 per axis)."""
    region = region_of(space)
    cdim = region.d - 1 if region.kind == "Sphere" else region.d
    m = DEFAULT_RESOLUTION.get(cdim, 8)
    if max_cells is not None:
        n_charts = 2 * region.d if region.kind == "Sphere" else 1
        m = min(m, max(2, int((max_cells / n_charts) ** (1.0 / cdim))))
    return m


def _resolution(region: _Region, chart_dim: int, resolution) -> int:
    if resolution is None:
        m = DEFAULT_RESOLUTION.get(chart_dim, 8)
    elif isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)) or resolution < 1:
        raise InvalidValueError(f"resolution must be an integer >= 1, got {brief(resolution)}")
    else:
        m = int(resolution)
    n_charts = 2 * region.d if region.kind == "Sphere" else 1
    if n_charts * m ** chart_dim > MAX_CELLS:
        raise InvalidValueError(
            f"resolution={m} gives {n_charts * m ** chart_dim} cells for {region.name} (at most "
            f"{MAX_CELLS}); lower the resolution")
    return m


@dataclass(frozen=True)
class RegionNet:
    """Representatives of the cells covering a region and each cell's certified radius.

    ``points[k]`` lies in A (up to rounding) and every x of A is within ``radii[k]`` of the
    representative of some cell; ``radius = max(radii)`` is the fill distance ``r_x``."""

    points: np.ndarray
    radii: np.ndarray
    radius: float
    resolution: int
    method: str


def _all_cells(chart: _Chart) -> np.ndarray:
    return np.stack(np.meshgrid(*[np.arange(s) for s in chart.shape], indexing="ij"),
                    -1).reshape(-1, chart.dim)


def _own_cells(region: _Region, chart: _Chart, lo: np.ndarray, hi: np.ndarray):
    """Keep the cells meeting A; representatives and radii (module docstring)."""
    c = 0.5 * (lo + hi)
    h = 0.5 * np.linalg.norm(hi - lo, axis=1) * (1 + ROUND_UP)
    keep = region.dist(c) <= h * (1 + 1e-9) + 1e-12 * region.size
    lo, hi, c, h = lo[keep], hi[keep], c[keep], h[keep]
    rep = region.project(c)
    D = chart.far(lo, hi, rep)
    if region.kind == "Sphere":  # the radial map is 1-Lipschitz on the facet planes
        rad = h + region.slack
    elif region.convex:  # |x - P c| <= |x - c| <= h
        rad = np.minimum(D, h + region.slack)
    else:  # annulus: outside the hole P c is also the projection onto the (convex) outer disk
        rad = np.where(np.linalg.norm(c, axis=1) >= region.r1[1], np.minimum(D, h + region.slack), D)
    return lo, hi, rep, rad, h


def region_net(space, resolution: int | None = None) -> RegionNet:
    """A grid net of a region with certified per-cell covering radii (module docstring).

    Examples
    --------
    >>> from symbound.spaces import Ball
    >>> net = region_net(Ball(2, 1), 16)
    >>> net.points.shape[1], net.radius <= 2 ** 0.5 / 16 * (1 + 1e-9)
    (2, True)
    """
    region = region_of(space)
    pts, rads = [], []
    cdim = region.d - 1 if region.kind == "Sphere" else region.d
    m = _resolution(region, cdim, resolution)
    for chart in region.charts(m):
        lo, hi = chart.boxes(_all_cells(chart))
        lo, hi, rep, rad, h = _own_cells(region, chart, lo, hi)
        if region.kind == "Annulus" and not region.convex:
            split = rad > h * (1 + 1e-9) + region.slack  # cells in the hole: split once
            if np.any(split):
                clo, chi = [], []
                mid = 0.5 * (lo[split] + hi[split])
                for corner in product((0, 1), repeat=region.d):
                    sel = np.array(corner, dtype=bool)
                    clo.append(np.where(sel, mid, lo[split]))
                    chi.append(np.where(sel, hi[split], mid))
                c_lo, c_hi, c_rep, c_rad, _ = _own_cells(region, chart, np.concatenate(clo),
                                                         np.concatenate(chi))
                rep = np.concatenate([rep[~split], c_rep])
                rad = np.concatenate([rad[~split], c_rad])
        pts.append(chart.to_region(rep))
        rads.append(rad)
    points = np.ascontiguousarray(np.concatenate(pts))
    radii = np.concatenate(rads)
    return RegionNet(points, radii, float(radii.max()), m,
                     f"{points.shape[0]} representatives of a grid of {m} cells per axis of "
                     f"{'each facet chart of ' if region.kind == 'Sphere' else ''}{region.name}")


def cover_bound(space, points: np.ndarray, values: np.ndarray, lipschitz: float,
                resolutions=None) -> tuple[float, float, int]:
    r"""``max_K min_{i near K} (values_i + lipschitz D(K, x_i))`` over the cells of the best grid:
    an upper bound of ``sup_A h`` for every ``lipschitz``-Lipschitz h with ``h(x_i) <= values_i``
    (module docstring).  ``values`` may be ``inf`` (an unusable point).

    Returns ``(bound, fill, m)``: the bound (``inf`` when no grid has a candidate in every cell),
    the certified fill distance ``max_K min_i D(K, x_i)`` of that grid, and its resolution.

    Examples
    --------
    >>> import numpy as np
    >>> from symbound.spaces import Cube
    >>> g = (np.arange(10) + 0.5) / 10
    >>> X = np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)
    >>> bound, fill, m = cover_bound(Cube(2, 1), X, np.zeros(100), 1.0)
    >>> fill >= 2 ** 0.5 / 20, bound == fill
    (True, True)
    """
    region = region_of(space)
    X = np.ascontiguousarray(points, dtype=np.float64)
    region.check_points(X)
    vals = np.asarray(values, dtype=np.float64)
    N = X.shape[0]
    cdim = region.d - 1 if region.kind == "Sphere" else region.d
    n_charts = 2 * region.d if region.kind == "Sphere" else 1
    if resolutions is None:
        top = max(1, int((4.0 * N / n_charts) ** (1.0 / cdim)))
        resolutions = sorted({max(1, int(round(top / 1.5 ** k))) for k in range(12)})
    best = (math.inf, math.inf, 0)
    offsets = np.array(list(product((-1, 0, 1), repeat=cdim)), dtype=np.int64)
    for m in resolutions:
        m = _resolution(region, cdim, m)
        worst = worst_fill = -math.inf
        for chart in region.charts(m):
            shape = chart.shape
            cells = _all_cells(chart)
            lo, hi = chart.boxes(cells)
            c = 0.5 * (lo + hi)
            h = 0.5 * np.linalg.norm(hi - lo, axis=1) * (1 + ROUND_UP)
            keep = region.dist(c) <= h * (1 + 1e-9) + 1e-12 * region.size
            if not np.any(keep):
                continue
            ok, y = chart.from_region(X)
            y, v = y[ok], vals[ok]
            best_val = np.full(cells.shape[0], math.inf)
            best_fill = np.full(cells.shape[0], math.inf)
            if y.shape[0]:
                home = chart.cell_of(y)
                for off in offsets:
                    idx = home + off
                    if chart.periodic:
                        idx = np.mod(idx, np.array(shape))
                        inside = np.ones(idx.shape[0], dtype=bool)
                    else:
                        inside = np.all((idx >= 0) & (idx < np.array(shape)), axis=1)
                    ii = idx[inside]
                    flat = np.ravel_multi_index(ii.T, shape)
                    D = chart.far(lo[flat], hi[flat], y[inside])
                    np.minimum.at(best_val, flat, v[inside] + lipschitz * D)
                    np.minimum.at(best_fill, flat, D)
            worst = max(worst, float(best_val[keep].max()))
            worst_fill = max(worst_fill, float(best_fill[keep].max()))
        if worst < best[0]:
            best = (worst, worst_fill, m)
    return best
