"""numba kernels of the empirical covering numbers and of the neighbour search (THEORY.md §1-§3).

Kernels only: ``@njit(cache=True, error_model="numpy")`` functions over arrays and scalars. They
never raise and never see Python objects; :mod:`symbound.numeric.covering` and
:mod:`symbound.numeric.data_symmetry` validate the input, build the arrays and call them.

The shared data structure is a **dense grid of the sample** (:func:`point_grid`): on a few grid
axes (m <= 4) the bounding box of the sample is cut into cells of side ``cell``; the rows are stored
cell after cell, axis 0 fastest (CSR: ``bstart``, the permutation ``perm``, the permuted rows
``pvec``), so the cells of one row of the grid along axis 0 are one contiguous run of memory. A ball
query of radius ``reach`` around a vector takes the cells that meet the box ``z +- reach``
(clipped to the grid), skips the grid rows whose distance to ``z`` exceeds ``reach``, and scans each
remaining row as one contiguous range: any sample row within ``reach`` (Euclidean or sup) is seen.
The cell side only affects speed, never correctness (the caller enlarges it to bound the number
of cells).

The greedy net is built **centre-driven**: visiting the points in order, a point that no earlier
centre has marked as covered becomes a centre, and its orbit copies (or its invariant features)
mark every point within eps through ball queries. A point is marked before it is visited exactly
when an earlier centre covers it, so the net is the one-pass greedy net of the given order.

Metric modes (``mode``):

* ``0`` — distance between feature vectors (``sup=True``: the sup norm). Used for the Euclidean net,
  for finite transformation sets (the copies are ``s(c)`` for every ``s`` in S+: matrices acting
  block-wise, pixel index maps of image groups, or copies precomputed from a callable action) and
  for closed forms that are Euclidean in invariant features (``|x|`` for SO(n), sorted values for
  S_n on scalars).
* ``1`` — rotation of a coordinate plane by angles in ``[-theta, theta]`` (SO(2): theta = pi), jointly
  for every point of a cloud, optionally with the reflections (O(2)). Features: the plane radii of
  every point, then the untouched coordinates (a 1-Lipschitz lower bound of the quotient metric);
  ``aux``: the plane coordinates (x, y per point). Closed form (THEORY.md §2): with complex plane
  coordinates ``z``, ``W = sum_b conj(z_x,b) z_c,b = |W| e^{i psi}``,
  ``d^2 = sum|z_x|^2 + sum|z_c|^2 - 2 |W| cos(max(|psi| - theta, 0)) + |rest_x - rest_c|^2``.
* ``2`` — permutations of the points of a cloud (S_n): the exact assignment problem, solved by the
  Hungarian algorithm (O(n^3)) on the costs ``|x_i - c_j|^2``. Features: ``sqrt(n)`` times the
  centroid, a 1-Lipschitz lower bound of the quotient metric (Cauchy-Schwarz); ``aux``: the cloud
  (n points of ``p`` coordinates, flattened).

First-call compile cost: a few seconds for the kernels together; cached on disk (``cache=True``).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = [
    "column_range",
    "point_grid",
    "greedy_net_chunk",
    "nearest_centre",
    "nearest_within",
    "assignment_cost",
]

_CLIP = 4.0e15  # cell indices are clipped to +-_CLIP (monotone: neighbours stay neighbours)


@njit(cache=True, error_model="numpy", inline="always")
def _clip_cell(v):  # noqa: D103 - float cell coordinate -> int64, clipped
    if v > _CLIP:
        v = _CLIP
    elif v < -_CLIP:
        v = -_CLIP
    return np.int64(v)


@njit(cache=True, error_model="numpy")
def assignment_cost(x, c, n, p, cost, u, v, pp, way, minv, used):
    """Minimum over permutations P of sum_i |x_i - c_P(i)|^2 (Hungarian algorithm, potentials form).

    ``x``, ``c``: flattened clouds of ``n`` points in R^p. The remaining arguments are work arrays
    (``cost`` (n+1, n+1), ``u``, ``v``, ``minv`` float (n+1), ``pp``, ``way`` int (n+1), ``used`` bool
    (n+1)). Returns the optimal cost (recomputed from the assignment, not from the potentials).
    """
    for i in range(n):
        for j in range(n):
            s = 0.0
            for k in range(p):
                d = x[i * p + k] - c[j * p + k]
                s += d * d
            cost[i + 1, j + 1] = s
    for j in range(n + 1):
        u[j] = 0.0
        v[j] = 0.0
        pp[j] = 0
        way[j] = 0
    for i in range(1, n + 1):
        pp[0] = i
        j0 = 0
        for j in range(n + 1):
            minv[j] = np.inf
            used[j] = False
        while True:
            used[j0] = True
            i0 = pp[j0]
            delta = np.inf
            j1 = 0
            for j in range(1, n + 1):
                if not used[j]:
                    cur = cost[i0, j] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j] = cur
                        way[j] = j0
                    if minv[j] < delta:
                        delta = minv[j]
                        j1 = j
            if j1 == 0:  # cannot happen with finite costs; guards against an endless loop
                break
            for j in range(n + 1):
                if used[j]:
                    u[pp[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if pp[j0] == 0:
                break
        while True:
            j1 = way[j0]
            pp[j0] = pp[j1]
            j0 = j1
            if j0 == 0:
                break
    total = 0.0
    for j in range(1, n + 1):
        total += cost[pp[j], j]
    return total


@njit(cache=True, error_model="numpy", inline="always")
def _plane_d2(qf, qa, cf, ca, npts, theta, reflect):
    """Mode 1 squared distance (see the module docstring)."""
    base = 0.0
    for b in range(npts):
        base += qf[b] * qf[b] + cf[b] * cf[b]
    for k in range(npts, qf.shape[0]):
        d = qf[k] - cf[k]
        base += d * d
    best = np.inf
    nref = 2 if reflect else 1
    for r in range(nref):
        wr = 0.0
        wi = 0.0
        for b in range(npts):
            xr = qa[2 * b]
            xi = qa[2 * b + 1]
            cr = ca[2 * b]
            ci = ca[2 * b + 1]
            if r == 1:
                ci = -ci
            # conj(z_x) * z_c
            wr += xr * cr + xi * ci
            wi += xr * ci - xi * cr
        mod = math.hypot(wr, wi)  # |W| <= |x| |c|: no overflow where sqrt(wr^2 + wi^2) would
        resid = 0.0
        if mod > 0.0:
            psi = np.arctan2(wi, wr)
            resid = abs(psi) - theta
            if resid < 0.0:
                resid = 0.0
        val = base - 2.0 * mod * np.cos(resid)
        if val < best:
            best = val
    if best < 0.0:
        best = 0.0
    return best


@njit(cache=True, error_model="numpy", inline="always")
def _sqdist(a, i, b, r, sup, bound):
    """Squared Euclidean (or sup) distance of rows ``a[i]`` and ``b[r]``; the Euclidean sum stops
    once above ``bound``. Indices, not row views: no reference counting in the hot loop."""
    s = 0.0
    if sup:
        for k in range(a.shape[1]):
            d = abs(a[i, k] - b[r, k])
            if d > s:
                s = d
        return s * s
    dim = a.shape[1]
    if dim <= 8:  # short rows: no early exit, the loop vectorises
        for k in range(dim):
            d = a[i, k] - b[r, k]
            s += d * d
        return s
    for k in range(dim):
        d = a[i, k] - b[r, k]
        s += d * d
        if s > bound:
            break
    return s


@njit(cache=True, error_model="numpy")
def _exact_d2(mode, q, qa, cv, ca, npts, pdim, theta, reflect, cost, u, v, pp, way, minv, used):
    """Squared exact distance of modes 1 (plane rotations) and 2 (assignment)."""
    if mode == 1:
        return _plane_d2(q, qa, cv, ca, npts, theta, reflect)
    return assignment_cost(qa, ca, npts, pdim, cost, u, v, pp, way, minv, used)


@njit(cache=True, error_model="numpy")
def column_range(feat):
    """Column-wise minimum and maximum of a 2-D array in one pass (numpy's axis-0 reductions of a
    narrow C-ordered array are strided and several times slower)."""
    dim = feat.shape[1]
    lo = feat[0].copy()
    hi = feat[0].copy()
    for i in range(1, feat.shape[0]):
        for k in range(dim):
            v = feat[i, k]
            if v < lo[k]:
                lo[k] = v
            if v > hi[k]:
                hi[k] = v
    return lo, hi


@njit(cache=True, error_model="numpy")
def point_grid(feat, axes, origin, inv_cell, ncell):
    """Dense grid of the rows of ``feat`` on the grid axes (cell ``i`` of axis ``a`` covers
    ``origin[a] + [i, i+1) / inv_cell``; ``ncell[a]`` cells). Returns ``(bstart, perm, pvec)``: the
    cell of linear index ``L = sum_a i_a stride_a`` (axis 0 fastest) holds the rows
    ``pvec[bstart[L]:bstart[L+1]] = feat[perm[bstart[L]:bstart[L+1]]]``."""
    n = feat.shape[0]
    dim = feat.shape[1]
    m = axes.shape[0]
    total = 1
    for a in range(m):
        total *= ncell[a]
    lin = np.empty(n, np.int64)
    bstart = np.zeros(total + 1, np.int64)
    for i in range(n):
        L = 0
        stride = 1
        for a in range(m):
            c = _clip_cell(np.floor((feat[i, axes[a]] - origin[a]) * inv_cell))
            if c < 0:
                c = 0
            elif c >= ncell[a]:
                c = ncell[a] - 1
            L += c * stride
            stride *= ncell[a]
        lin[i] = L
        bstart[L + 1] += 1
    for L in range(total):
        bstart[L + 1] += bstart[L]
    fill = bstart[:total].copy()
    perm = np.empty(n, np.int64)
    pvec = np.empty((n, dim))
    for i in range(n):
        w = fill[lin[i]]
        fill[lin[i]] = w + 1
        perm[w] = i
        for k in range(dim):
            pvec[w, k] = feat[i, k]
    return bstart, perm, pvec


@njit(cache=True, error_model="numpy", inline="always")
def _box(z, zi, axes, origin, inv_cell, ncell, reach, lo, hi, cur):
    """Cells meeting the box ``z[zi] +- reach``, clipped to the grid: bounds ``lo``, ``hi`` and the
    odometer ``cur`` (axes >= 1) set to ``lo``. False when the box misses the grid."""
    for a in range(axes.shape[0]):
        v = z[zi, axes[a]] - origin[a]
        lo[a] = _clip_cell(np.floor((v - reach) * inv_cell))
        hi[a] = _clip_cell(np.floor((v + reach) * inv_cell))
        if lo[a] < 0:
            lo[a] = 0
        if hi[a] > ncell[a] - 1:
            hi[a] = ncell[a] - 1
        if lo[a] > hi[a]:
            return False
        cur[a] = lo[a]
    return True


@njit(cache=True, error_model="numpy", inline="always")
def _next_row(lo, hi, cur):
    """Advance the odometer over axes 1..m-1 of the box; False once every row was visited."""
    a = 1
    m = cur.shape[0]
    while a < m:
        if cur[a] < hi[a]:
            cur[a] += 1
            return True
        cur[a] = lo[a]
        a += 1
    return False


@njit(cache=True, error_model="numpy", inline="always")
def _row_range(z, zi, axes, origin, cell, ncell, reach2, sup, lo, hi, cur, bstart):
    """Contiguous range ``(w0, w1)`` of the grid row ``cur`` (axes >= 1) between ``lo[0]`` and
    ``hi[0]``; empty when the row is farther than ``reach`` from ``z[zi]``."""
    gap = 0.0
    base = 0
    stride = ncell[0]
    for a in range(1, axes.shape[0]):
        v = z[zi, axes[a]] - origin[a]
        left = cur[a] * cell
        g = 0.0
        if v < left:
            g = left - v
        elif v > left + cell:
            g = v - left - cell
        if sup:
            if g * g > gap:
                gap = g * g
        else:
            gap += g * g
        base += cur[a] * stride
        stride *= ncell[a]
    if gap > reach2:
        return 0, 0
    return bstart[base + lo[0]], bstart[base + hi[0] + 1]


@njit(cache=True, error_model="numpy")
def _scratch(m, nmats, dim, npts):
    """Work arrays of the net kernels: grid box bounds (lo, hi, cur), the orbit copies of a centre,
    and the buffers of the assignment solver (cost, u, v, minv, pp, way, used)."""
    return (np.empty(m, np.int64), np.empty(m, np.int64), np.empty(m, np.int64),
            np.empty((nmats, dim)), np.empty((npts + 1, npts + 1)), np.empty(npts + 1),
            np.empty(npts + 1), np.empty(npts + 1), np.empty(npts + 1, np.int64),
            np.empty(npts + 1, np.int64), np.empty(npts + 1, np.bool_))


@njit(cache=True, error_model="numpy")
def _n_copies(mats, maps, copies):
    """The number of orbit copies of a centre: from precomputed copies, index maps or matrices."""
    if copies.shape[0] > 0:
        return copies.shape[1]
    if maps.shape[0] > 0:
        return maps.shape[0]
    return mats.shape[0]


@njit(cache=True, error_model="numpy")
def _fill_orbit(feat, i, mats, blk, nblk, maps, copies, orbit):
    """The orbit copies of point i: ``copies[i, g]`` when precomputed (callable actions), else
    the gather ``feat[i, maps[g]]`` (index maps: permutations of pixels), else ``mats[g]`` acting
    block-wise on the feature vector."""
    if copies.shape[0] > 0:
        for g in range(copies.shape[1]):
            for a in range(copies.shape[2]):
                orbit[g, a] = copies[i, g, a]
        return
    if maps.shape[0] > 0:
        for g in range(maps.shape[0]):
            for a in range(maps.shape[1]):
                orbit[g, a] = feat[i, maps[g, a]]
        return
    for g in range(mats.shape[0]):
        for b in range(nblk):
            for r in range(blk):
                s = 0.0
                for k in range(blk):
                    s += mats[g, r, k] * feat[i, b * blk + k]
                orbit[g, b * blk + r] = s


@njit(cache=True, error_model="numpy")
def greedy_net_chunk(feat, aux, order, start, stop, mats, blk, maps, copies, axes, origin, cell,
                     ncell, reach, eps, mode, sup, theta, reflect, npts, pdim, bstart, perm, pvec,
                     where, covered, centres, n_centres):
    """Positions ``start..stop-1`` of ``order`` in the one-pass greedy net (THEORY.md §2,
    (eps, S)-cover); resumable (``covered``, ``centres`` carry the state). Returns ``n_centres``.

    A visited point not yet covered becomes a centre ``c``; then every point ``x`` with
    ``d(x, s(c)) <= eps`` for some ``s`` in S+ is marked (mode 0: ``s`` ranges over the orbit
    copies of :func:`_fill_orbit` -- ``mats`` acting block-wise, index ``maps`` or precomputed
    ``copies`` -- which include the identity; modes 1-2: ``mats`` is the identity, the features
    give a lower bound and the closed form / the assignment decides).
    ``covered`` is indexed in grid order (``where[i]`` is the grid position of point ``i``);
    ``reach`` >= eps is the radius of the ball queries on the grid.
    """
    dim = feat.shape[1]
    nmats = _n_copies(mats, maps, copies)
    nblk = dim // blk
    m = axes.shape[0]
    lo, hi, cur, orbit, cost, u, v, minv, pp, way, used = _scratch(m, nmats, dim, npts)
    inv_cell = 1.0 / cell
    eps2 = eps * eps
    reach2 = reach * reach
    for t in range(start, stop):
        i = order[t]
        if covered[where[i]]:
            continue
        centres[n_centres] = i
        n_centres += 1
        covered[where[i]] = True
        _fill_orbit(feat, i, mats, blk, nblk, maps, copies, orbit)
        for g in range(nmats):
            if not _box(orbit, g, axes, origin, inv_cell, ncell, reach, lo, hi, cur):
                continue
            while True:
                w0, w1 = _row_range(orbit, g, axes, origin, cell, ncell, reach2, sup, lo, hi, cur,
                                    bstart)
                for w in range(w0, w1):
                    if covered[w]:
                        continue
                    # distance between features: exact in mode 0, a lower bound in modes 1-2
                    if _sqdist(pvec, w, orbit, g, sup, eps2) <= eps2:
                        if mode == 0 or _exact_d2(mode, pvec[w], aux[perm[w]], orbit[g], aux[i],
                                                  npts, pdim, theta, reflect, cost, u, v, pp, way,
                                                  minv, used) <= eps2:
                            covered[w] = True
                if not _next_row(lo, hi, cur):
                    break
    return n_centres


@njit(cache=True, error_model="numpy")
def nearest_centre(feat, aux, centres, mats, blk, maps, copies, axes, origin, cell, ncell, reach,
                   mode, sup, theta, reflect, npts, pdim, bstart, perm, pvec, best_owner, best_d2):
    """For every point, the nearest centre (the smallest ``d(x, s(c))`` over ``s`` in S+) among the
    centres within ``reach``: ``best_owner`` (a point index; -1 if none) and the squared distance
    ``best_d2`` (inf if none), both indexed by point. Ties go to the centre chosen first."""
    dim = feat.shape[1]
    nmats = _n_copies(mats, maps, copies)
    nblk = dim // blk
    m = axes.shape[0]
    lo, hi, cur, orbit, cost, u, v, minv, pp, way, used = _scratch(m, nmats, dim, npts)
    inv_cell = 1.0 / cell
    r2 = reach * reach
    for j in range(feat.shape[0]):
        best_owner[j] = -1
        best_d2[j] = np.inf
    for ci in range(centres.shape[0]):
        i = centres[ci]
        _fill_orbit(feat, i, mats, blk, nblk, maps, copies, orbit)
        for g in range(nmats):
            if not _box(orbit, g, axes, origin, inv_cell, ncell, reach, lo, hi, cur):
                continue
            while True:
                w0, w1 = _row_range(orbit, g, axes, origin, cell, ncell, r2, sup, lo, hi, cur,
                                    bstart)
                for w in range(w0, w1):
                    j = perm[w]
                    d2 = _sqdist(pvec, w, orbit, g, sup, r2)
                    if d2 <= r2 and d2 < best_d2[j]:
                        if mode != 0:
                            d2 = _exact_d2(mode, pvec[w], aux[j], orbit[g], aux[i], npts, pdim,
                                           theta, reflect, cost, u, v, pp, way, minv, used)
                        if d2 <= r2 and d2 < best_d2[j]:
                            best_d2[j] = d2
                            best_owner[j] = i
                if not _next_row(lo, hi, cur):
                    break


@njit(cache=True, error_model="numpy")
def nearest_within(queries, start, stop, axes, origin, cell, ncell, radius, bstart, perm, pvec,
                   out_index, out_d2):
    """For queries ``start..stop-1``: the index of the nearest row of the gridded sample within
    ``radius`` (Euclidean), or -1, and its squared distance (inf if none). Ties go to the smallest
    index."""
    m = axes.shape[0]
    lo = np.empty(m, np.int64)
    hi = np.empty(m, np.int64)
    cur = np.empty(m, np.int64)
    inv_cell = 1.0 / cell
    r2 = radius * radius
    for q in range(start, stop):
        best = np.inf
        bi = -1
        if _box(queries, q, axes, origin, inv_cell, ncell, radius, lo, hi, cur):
            while True:
                w0, w1 = _row_range(queries, q, axes, origin, cell, ncell, r2, False, lo, hi, cur,
                                    bstart)
                for w in range(w0, w1):
                    d2 = _sqdist(pvec, w, queries, q, False, r2)
                    if d2 <= r2 and (d2 < best or (d2 == best and perm[w] < bi)):
                        best = d2
                        bi = perm[w]
                if not _next_row(lo, hi, cur):
                    break
        out_index[q] = bi
        out_d2[q] = best
