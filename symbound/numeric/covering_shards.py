r"""Sharded greedy nets: :func:`~symbound.numeric.covering.empirical_covering_number` on data split
into shards (locally or on Dask workers), and what merging the shard nets costs.

The visiting order is cut into shards of ``shard_size`` consecutive points ``X_1, ..., X_m``.  Each
shard gets its own greedy eps-net ``C_s`` (the same greedy pass as the unsharded one, on the shard
only); the client forms the union ``U = C_1 ∪ ... ∪ C_m`` (in visiting order) and a greedy eps-net
``M`` of ``U``.  With ``d`` the (quotient) metric of the run:

1. *U is an eps-cover of the sample.*  Every point of ``X_s`` is within eps of a centre of ``C_s``
   (the greedy pass marks it when it is not a centre itself).  Hence
   ``N(sample, eps) <= |U|`` — this is ``covering_upper`` and ``n_centers``, and every point's
   ``distance`` to its nearest centre of ``U`` is ``<= eps``.  Nothing is lost by merging.
2. *What merging costs.*  ``|U| <= sum_s |C_s|``; each ``C_s`` is eps-separated (when the run's
   metric gives a packing reading, a group acting by isometries with an exact metric), so
   ``|C_s| <= P(X_s, eps) <= P(sample, eps)`` and ``|U| <= m P(sample, eps)``: the union may hold up
   to m times the centres one pass would find (neighbouring shards cover the same region).  With
   one shard (``shard_size >= n``) ``U`` is exactly the unsharded net.
3. *The merged net M is a packing* (same condition): its centres are points of the sample, pairwise
   farther than eps apart, so ``|M| <= P(sample, eps) <= N(sample, eps/2)`` (THEORY.md §1) — this
   is ``covering_lower_at_half_eps``.  It is also a 2eps-cover when ``d`` satisfies the triangle
   inequality (groups acting by isometries): a point is within eps of some ``u`` in ``U`` and ``u``
   within eps of some centre of ``M``, so ``N(sample, 2 eps) <= |M|`` (``merged_centers``).

The result depends on ``shard_size`` and the order only, never on the number of workers or tasks:
with ``client=None`` the same shards are computed one after the other.  Memory: a task holds its
shard's points and features (and, for the assignment pass, the ``|U|`` centre points); the client
holds ``U`` and the per-point assignment.
"""

from __future__ import annotations

import numpy as np

from . import covering_kernels as _k
from .covering import _CELL_FACTOR, _greedy, _grid, _identity_spec, _metric_spec
from .distributed import map_shards

__all__ = ["sharded_nets"]


def _spec(x, group, metric, n_group_samples, spec_seed):
    """The metric of a set of points; a sampled metric draws its elements from ``spec_seed`` (the
    same elements in every shard)."""
    return _metric_spec(x, group, metric, n_group_samples, np.random.default_rng(spec_seed))


def _shard_net(group, metric, n_group_samples, spec_seed, eps, sup, plain, xs, idx):
    """Task: the greedy eps-net of one shard (global indices), and its plain net when ``plain``."""
    order = np.arange(xs.shape[0], dtype=np.int64)
    centres = _greedy(_spec(xs, group, metric, n_group_samples, spec_seed), order, eps, sup,
                      False, None)[0]
    pnet = None
    if plain:
        flat = np.ascontiguousarray(xs.reshape(xs.shape[0], -1))
        pnet = idx[_greedy(_identity_spec(flat), order, eps, sup, False, None)[0]]
    return idx[centres], pnet


def _shard_assign(group, metric, n_group_samples, spec_seed, eps, sup, xc, xs):
    """Task: for every point of a shard, the nearest of the centres ``xc`` (position in ``xc``)
    and its distance, by the kernels' nearest-centre pass on the shard and the centres together."""
    ns = xs.shape[0]
    spec = _spec(np.concatenate([xs, xc]), group, metric, n_group_samples, spec_seed)
    n_all = spec.feat.shape[0]
    if spec.trivial:
        return np.zeros(ns, np.int64), np.zeros(ns)
    axes, origin, cell, ncell, bstart, perm, pvec = _grid(spec.feat, eps * _CELL_FACTOR)
    owner = np.empty(n_all, np.int64)
    d2 = np.empty(n_all)
    centres = np.arange(ns, n_all, dtype=np.int64)
    _k.nearest_centre(spec.feat, spec.aux, centres, spec.mats, spec.blk, spec.maps, spec.copies,
                      axes, origin, cell, ncell, eps * (1.0 + 1e-9), spec.mode, sup, spec.theta,
                      spec.reflect, spec.npts, spec.pdim, bstart, perm, pvec, owner, d2)
    return owner[:ns] - ns, np.sqrt(d2[:ns])


def sharded_nets(x, visit, eps, group, metric, n_group_samples, spec_seed, shard_size, client,
                 bar=None):
    """The sharded greedy net of the module docstring.

    Returns ``(union, merged, assignment, distance, union_plain, spec)``: the union ``U`` of the
    shard nets (sample indices, visiting order), the greedy eps-net ``M`` of ``U``, each point's
    nearest centre of ``U`` and its distance, the union of the shards' plain nets (``None``
    without a group) and the metric of the merge (its flags say which readings hold)."""
    sup = metric == "sup"
    plain = group is not None
    n = x.shape[0]
    shards = [visit[a:min(n, a + shard_size)] for a in range(0, n, shard_size)]
    common = (group, metric, n_group_samples, spec_seed, eps, sup)
    if client is None:
        nets = []
        for idx in shards:
            nets.append(_shard_net(*common, plain, x[idx], idx))
            if bar is not None:
                bar.update(idx.shape[0])
    else:
        nets = map_shards(client, _shard_net, [(x[idx], idx) for idx in shards],
                          broadcast=common + (plain,), bar=bar, weights=[len(i) for i in shards])
    union = np.concatenate([c for c, _ in nets])
    union_plain = np.concatenate([p for _, p in nets]) if plain else None
    xc = x[union]
    mspec = _spec(xc, group, metric, n_group_samples, spec_seed)
    merged = union[_greedy(mspec, np.arange(union.shape[0], dtype=np.int64), eps, sup, False,
                           None)[0]]
    if client is None:
        parts = [_shard_assign(*common, xc, x[idx]) for idx in shards]
    else:
        parts = map_shards(client, _shard_assign, [(x[idx],) for idx in shards],
                           broadcast=common + (xc,))
    assignment = np.empty(n, np.int64)
    distance = np.empty(n)
    for idx, (own, dist) in zip(shards, parts):
        assignment[idx] = union[own]
        distance[idx] = dist
    if bar is not None:
        bar.update(n)
    return union, merged, assignment, distance, union_plain, mspec
