"""Sharded runs on a 2-worker Dask LocalCluster equal the local runs; a worker killed mid-run loses
and duplicates nothing; the mergeable statistics equal their direct computation."""

import math
import os
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symbound.groups import SO, Cyclic
from symbound.numeric.covering import empirical_covering_number
from symbound.numeric.data_symmetry import data_equivariance_error
from symbound.numeric.distributed import RatioMoments, shard_ranges
from symbound.numeric.orbit import equivariance_error
from symbound.numeric.reynolds import symmetrize

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    """One cluster for the module: 2 worker processes of one thread (a worker can be killed)."""
    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers need not import tests
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=50,
                                  env={"NUMBA_NUM_THREADS": "1",
                                       "NUMBA_THREADING_LAYER": "workqueue"}) as cluster, \
            distributed.Client(cluster) as cl:
        yield cl
    cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


def _ring(n, seed):
    rng = np.random.default_rng(seed)
    ang = rng.uniform(0, 2 * np.pi, n)
    r = rng.choice([0.5, 1.0], n) + rng.normal(0, 0.01, n)
    return np.stack([r * np.cos(ang), r * np.sin(ang)], 1)


# ----- data equivariance error ----------------------------------------------------------------------
@pytest.mark.parametrize("group", [SO(2), Cyclic(4)], ids=["sampled", "exhaustive"])
def test_data_equivariance_error_sharded_equals_local(client, group):
    X = _ring(8500, 0)  # three blocks of 4096 points, the last one short
    y = X[:, 0] ** 2 + 0.1 * np.linalg.norm(X, axis=1)
    local = data_equivariance_error(X, y, group, radius=0.05, n_group_samples=4, seed=3)
    for n_chunks in (1, 3):
        remote = data_equivariance_error(X, y, group, radius=0.05, n_group_samples=4, seed=3,
                                         client=client, n_chunks=n_chunks)
        assert (remote.n_matched, remote.n_pairs, remote.n_points_matched) == \
            (local.n_matched, local.n_pairs, local.n_points_matched)
        assert remote.value == pytest.approx(local.value, rel=1e-12)
        assert remote.stderr == pytest.approx(local.stderr, rel=1e-9)
        assert remote.max_observed == local.max_observed and remote.mmd == local.mmd


def test_data_equivariance_error_blocks_match_brute_force():
    """Two blocks: the matches and the clustered standard error by brute force (all pairwise
    distances), with the documented per-block generators."""
    n, K, r, p = 4100, 3, 0.05, 3.0
    X = _ring(n, 1)
    y = np.sin(3 * X[:, 0]) + X[:, 1]
    res = data_equivariance_error(X, y, SO(2), radius=r, p=p, n_group_samples=K, seed=5)
    key = int(np.random.default_rng(5).integers(0, 2**63))
    s, c = np.zeros(n), np.zeros(n)
    for a, b in ((0, 4096), (4096, n)):
        rng = np.random.default_rng([key, a])
        for _ in range(K):
            g = SO(2).sample(b - a, rng)
            gx = np.einsum("nij,nj->ni", g, X[a:b])
            for i0 in range(0, b - a, 512):  # all pairwise distances, 512 queries at a time
                d = np.linalg.norm(gx[i0:i0 + 512, None, :] - X[None, :, :], axis=2)
                j = np.argmin(d, axis=1)
                ok = d[np.arange(j.size), j] <= r
                i = a + i0 + np.flatnonzero(ok)
                s[i] += np.abs(y[j[ok]] - y[i]) ** p
                c[i] += 1
    m = s.sum() / c.sum()
    nc = np.count_nonzero(c)
    se_m = math.sqrt(nc / (nc - 1) * np.sum((s - m * c) ** 2) / c.sum() ** 2)
    assert res.n_matched == c.sum() and res.n_points_matched == nc
    assert res.value == pytest.approx(m ** (1 / p), rel=1e-10)
    assert res.stderr == pytest.approx(se_m / p * m ** (1 / p - 1), rel=1e-8)


# ----- mergeable statistics ---------------------------------------------------------------------
@settings(max_examples=40)
@given(st.lists(st.tuples(st.integers(1, 30), st.floats(1e-3, 1e3), st.integers(0, 2**31)),
                min_size=1, max_size=6), st.sampled_from([1.0, 2.0, 3.5]))
def test_ratio_moments_merge_equals_direct(blocks, p):
    """Blocks with their own scales, merged, equal the direct sums over the pooled clusters."""
    parts, a_all, c_all = [], [], []
    for size, scale, seed in blocks:
        rng = np.random.default_rng(seed)
        c = rng.integers(0, 4, size).astype(float)
        e = rng.uniform(0, scale, size) * (c > 0)  # a_i = sum of e^p, in units of scale^p
        a = c * (e / scale) ** p
        parts.append(RatioMoments.from_arrays(a, c, scale, p))
        a_all.append(c * e ** p)
        c_all.append(c)
    a, c = np.concatenate(a_all), np.concatenate(c_all)
    merged = RatioMoments.merge(parts)
    u = merged.scale ** p
    m = a.sum() / c.sum() if c.sum() else 0.0
    assert merged.c_sum == c.sum() and merged.n_clusters == np.count_nonzero(c)
    assert merged.a_sum * u == pytest.approx(a.sum(), rel=1e-12, abs=1e-300)
    q = float(np.sum((a - m * c) ** 2))
    assert merged.q * u * u == pytest.approx(q, rel=1e-8, abs=1e-12 * max(1.0, float(a @ a)))


def test_shard_ranges():
    assert shard_ranges(0, block=4) == []
    assert shard_ranges(9, n_shards=4) == [(0, 2), (2, 4), (4, 6), (6, 9)]
    assert shard_ranges(2, n_shards=5) == [(0, 1), (1, 2)]


# ----- covering numbers ------------------------------------------------------------------------------
@pytest.mark.parametrize("group", [None, Cyclic(4)])
def test_sharded_covering_equals_local_and_readings_hold(client, group):
    x = np.random.default_rng(2).uniform(-1, 1, (1500, 2))
    eps = 0.15
    one = empirical_covering_number(x, eps, group=group)
    single = empirical_covering_number(x, eps, group=group, shard_size=1500)
    assert np.array_equal(single.centers, one.centers)
    assert np.array_equal(single.assignment, one.assignment)
    local = empirical_covering_number(x, eps, group=group, shard_size=400, order="random", seed=4)
    remote = empirical_covering_number(x, eps, group=group, shard_size=400, order="random", seed=4,
                                       client=client)
    for f in ("centers", "assignment", "distance", "merged_centers"):
        assert np.array_equal(getattr(local, f), getattr(remote, f)), f
    assert remote.n_shards == 4 and remote.n_centers_plain == local.n_centers_plain
    # brute force: quotient distance by the minimum over the elements (and the identity)
    mats = np.eye(2)[None] if group is None else group.elements()

    def dist(a, b):  # (A, 2) x (B, 2) -> (A, B)
        return np.min(np.linalg.norm(a[:, None, None, :] - np.einsum("kij,bj->bki", mats, b)[None],
                                     axis=3), axis=2)

    d_all = dist(x, x[remote.centers])
    assert np.all(d_all.min(axis=1) <= eps * (1 + 1e-9))  # the union is an eps-cover
    assert np.allclose(remote.distance, d_all.min(axis=1))
    mc = remote.merged_centers
    dm = dist(x[mc], x[mc])
    assert np.all(dm[~np.eye(mc.size, dtype=bool)] > eps)  # the merged net is a packing
    assert remote.covering_lower_at_half_eps == mc.size
    assert np.all(dist(x, x[mc]).min(axis=1) <= 2 * eps * (1 + 1e-9))  # and a 2 eps-cover
    assert mc.size <= remote.n_centers


# ----- symmetrize and the orbit integral ---------------------------------------------------------------
def _cubic(xs):
    return xs[:, 0] ** 3 + xs[:, 0] * xs[:, 1]


def test_symmetrize_sharded_equals_local(client):
    X = np.random.default_rng(6).normal(size=(2000, 2))
    Qf = symmetrize(_cubic, SO(2), n_group_samples=16)
    assert np.allclose(Qf(X, client=client, n_chunks=3), Qf(X), rtol=1e-13, atol=1e-14)


def _dying_model(xs, marker):
    """Kills its worker process the first time it runs on a worker (marker file absent)."""
    try:
        distributed.get_worker()
        in_worker = True
    except ValueError:
        in_worker = False
    if in_worker and not os.path.exists(marker):
        with open(marker, "w") as fh:
            fh.write("killed")
        os._exit(1)
    return np.sin(xs[:, 0]) + xs[:, 1] * xs[:, 2]


def test_worker_killed_mid_run_loses_and_duplicates_nothing(client, tmp_path):
    import functools

    X = np.random.default_rng(7).normal(size=(3000, 3))
    marker = tmp_path / "killed"
    model = functools.partial(_dying_model, marker=str(marker))
    local = equivariance_error(model, SO(3), X, n_group_samples=8, seed=1, method="batched")
    remote = equivariance_error(model, SO(3), X, n_group_samples=8, seed=1, client=client,
                                n_chunks=6)
    assert marker.exists()  # a worker did die during the run
    assert remote.n_samples == local.n_samples == 3000
    assert np.array_equal(remote.per_point, local.per_point)
    assert remote.value == local.value
    client.wait_for_workers(2, timeout=60)  # the nanny restarted it: later tests get 2 workers


@settings(max_examples=40)
@given(st.lists(st.tuples(st.integers(0, 40), st.floats(1e-6, 1e6), st.integers(0, 2**31)),
                min_size=1, max_size=6))
def test_moments_merge_equals_mean_and_variance(blocks):
    """Welford/Chan: blocks of different scales merged in order give the pooled mean and centred
    sum of squares (numpy on the pooled rows, in float64 and exact rationals for the mean)."""
    from fractions import Fraction

    from symbound.numeric.distributed import Moments

    rows = []
    for size, scale, seed in blocks:
        rows.append(np.random.default_rng(seed).uniform(0, scale, (size, 2)))
    acc = Moments(0, np.zeros(2), np.zeros(2), np.zeros(2))
    for r in rows:
        acc = acc.merge(Moments.of_block(r))
    v = np.concatenate(rows)
    assert acc.n == v.shape[0]
    if v.shape[0] == 0:
        return
    for j in range(2):
        exact_mean = sum(Fraction(float(t)) for t in v[:, j]) / v.shape[0]
        assert acc.mean[j] * acc.scale[j] == pytest.approx(float(exact_mean), rel=1e-12)
        m2 = float(np.sum((v[:, j] - float(exact_mean)) ** 2))
        assert acc.m2[j] * acc.scale[j] ** 2 == pytest.approx(m2, rel=1e-9, abs=1e-12 * acc.scale[j] ** 2)
