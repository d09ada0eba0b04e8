"""Certified nets (issue #8, item 1): the covering radius of every group net and region net is
checked against brute force on random elements and points (a radius below the truth fails), and
the cover bound of given points against the fill distance measured on dense samples."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from symbound.errors import InvalidValueError
from symbound.groups import O, SO, Cyclic, Dihedral, PartialRotations, Symmetric, Translations
from symbound.numeric.group_nets import group_net, moved_norms, realised_radii
from symbound.numeric.group_samples import group_spec, seed_key
from symbound.numeric.region_nets import cover_bound, region_net
from symbound.spaces import Annulus, Ball, Cube, FiniteSet, Sphere, Torus


def op_dist(S, E):
    """min_j ||S_k - E_j||_op for every k (brute force, SVD)."""
    d = np.linalg.norm(S[:, None] - E[None], ord=2, axis=(2, 3))
    return d.min(axis=1)


def torus_dist(S, E, P):
    w = np.abs(S[:, None, :] - E[None, :, :]) % P
    return np.sqrt((np.minimum(w, P - w) ** 2).sum(-1)).min(axis=1)


GROUPS = [
    lambda m: (SO(2), m), lambda m: (O(2), m), lambda m: (SO(2, dim=3, plane=(0, 2)), m),
    lambda m: (PartialRotations(0.7), m), lambda m: (PartialRotations(math.pi / 3, dim=3, plane=(1, 2)), m),
    lambda m: (SO(3), max(1, m // 4)), lambda m: (O(3), max(1, m // 4)),
    lambda m: (PartialRotations(1.1, dim=3, plane=None), max(1, m // 4)),
    lambda m: (Translations(1, period=2.0), m), lambda m: (Translations(2), max(1, m // 3)),
]


@given(which=st.integers(0, len(GROUPS) - 1), m=st.integers(1, 24), seed=st.integers(0, 2**32 - 1))
def test_group_net_radius_covers_random_elements(which, m, seed):
    group, res = GROUPS[which](m)
    net = group_net(group, res)
    S = group.sample(300, np.random.default_rng(seed))
    if isinstance(group, Translations):
        d = torus_dist(S, net.elements, group.period)
    else:
        d = op_dist(S, net.elements)
        assert all(group.contains(e, atol=1e-9) for e in net.elements[:50])  # elements lie in S
    assert d.max() <= net.radius
    assert net.radius > 0 and net.metric in ("operator norm", "torus distance")


def test_group_net_radii_closed_forms_and_tightness():
    """SO(2): 2 sin(pi/(2m)) up to 2^-40; the farthest rotation (half-way angle) attains it."""
    for m in (1, 3, 64):
        net = group_net(SO(2), m)
        assert net.radius == pytest.approx(2 * math.sin(math.pi / (2 * m)), abs=1e-8)
        half = SO(2).sample(1, np.random.default_rng(0))  # replaced by the half-way rotation
        c, s = math.cos(math.pi / m), math.sin(math.pi / m)
        half[0] = [[c, -s], [s, c]]
        assert op_dist(half, net.elements)[0] == pytest.approx(net.radius, abs=1e-8)
    assert group_net(PartialRotations(0.6), 10).radius == pytest.approx(2 * math.sin(0.03), abs=1e-8)
    assert group_net(SO(3), 6).radius == pytest.approx(math.sqrt(3) * math.pi / 6, rel=1e-12)
    assert group_net(Translations(2, period=3.0), 5).radius == pytest.approx(math.sqrt(2) * 0.3, rel=1e-12)
    # the SO(3) radius is no worse than 2.5x the farthest of many random rotations
    net = group_net(SO(3), 4)
    d = op_dist(SO(3).sample(2000, np.random.default_rng(1)), net.elements)
    assert net.radius <= 2.5 * d.max()


def test_finite_sets_are_enumerated_exactly_and_huge_ones_refused():
    for g in (Cyclic(5), Dihedral(4), Symmetric(4), SO(1)):
        net = group_net(g)
        assert net.exact and net.radius == 0.0 and net.size == g.order
    with pytest.raises(InvalidValueError, match="too many to enumerate"):
        group_net(Symmetric(9))
    with pytest.raises(InvalidValueError, match="no certified net of SO\\(4\\)"):
        group_net(SO(4))
    with pytest.raises(InvalidValueError, match="group_resolution"):
        group_net(SO(2), 0)


def sample_region(space, n, rng):
    kind = type(space).__name__
    if kind == "Sphere":
        x = rng.normal(size=(n, space.ambient_dim))
        return x / np.linalg.norm(x, axis=1, keepdims=True)
    if kind == "Torus":
        return rng.random((n, space.ambient_dim)) * float(space.period)
    if kind == "Cube":
        return rng.random((n, space.ambient_dim)) * float(space.side)
    if kind == "Ball":
        d, R = space.ambient_dim, float(space.radius)
        x = rng.normal(size=(n, d))
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        return R * x * rng.random((n, 1)) ** (1 / d)
    r1, r2 = float(space.r_inner), float(space.r_outer)
    r = np.sqrt(rng.uniform(r1 ** 2, r2 ** 2, n))
    a = rng.uniform(0, 2 * np.pi, n)
    return np.stack([r * np.cos(a), r * np.sin(a)], 1)


def region_dist(space, X, P):
    if type(space).__name__ == "Torus":
        per = float(space.period)
        w = np.abs(X[:, None, :] - P[None]) % per
        return np.sqrt((np.minimum(w, per - w) ** 2).sum(-1)).min(axis=1)
    return np.sqrt(((X[:, None, :] - P[None]) ** 2).sum(-1)).min(axis=1)


REGIONS = [Ball(2, 1), Ball(3, 1.5), Ball(1, 2), Cube(2, 1), Cube(3, 2, metric="euclidean"),
           Annulus(1, 2), Annulus(0, 1), Annulus(0.3, 0.5), Sphere(2), Sphere(3), Torus(2, 1),
           Torus(1, 3)]


@given(which=st.integers(0, len(REGIONS) - 1), m=st.integers(1, 14), seed=st.integers(0, 2**32 - 1))
def test_region_net_radius_covers_random_points(which, m, seed):
    space = REGIONS[which]
    net = region_net(space, m)
    X = sample_region(space, 400, np.random.default_rng(seed))
    assert region_dist(space, X, net.points).max() <= net.radius
    # representatives lie in the region (up to rounding)
    kind = type(space).__name__
    r = np.linalg.norm(net.points, axis=1)
    if kind == "Ball":
        assert r.max() <= float(space.radius) * (1 + 1e-12)
    elif kind == "Annulus":
        assert float(space.r_inner) * (1 - 1e-12) <= r.min() and r.max() <= float(space.r_outer) * (1 + 1e-12)
    elif kind == "Sphere":
        assert np.allclose(r, 1.0)


def test_region_net_closed_forms():
    """Cube [0, 1]^2 with m cells per axis: centres, radius the half-diagonal sqrt(2)/(2m)."""
    net = region_net(Cube(2, 1), 8)
    assert net.points.shape == (64, 2) and net.radius == pytest.approx(math.sqrt(2) / 16, rel=1e-9)
    # the annulus's cells in the hole are split once: the radius stays the top half-diagonal
    net = region_net(Annulus(1, 2), 16)
    assert net.radius == pytest.approx(math.sqrt(2) * 0.125, rel=1e-9)
    # the circle: 4 facets of [-1, 1]^2, m segments each, radius 1/m (half a segment of length 2/m)
    assert region_net(Sphere(2), 10).radius == pytest.approx(0.1, rel=1e-9)
    with pytest.raises(Exception, match="region must be a Ball"):
        region_net(FiniteSet(3), 4)
    with pytest.raises(InvalidValueError, match="lower the resolution"):
        region_net(Ball(3), 200)


@given(which=st.integers(0, len(REGIONS) - 1), n=st.integers(30, 400), seed=st.integers(0, 2**32 - 1),
       L=st.floats(0.1, 5.0))
def test_cover_bound_is_above_the_sup_of_lipschitz_functions(which, n, seed, L):
    """h(x) = L |x - c| is L-Lipschitz: the cover bound from its values at random points is at
    least its sup over dense samples of the region, and the certified fill distance at least the
    measured one."""
    space = REGIONS[which]
    rng = np.random.default_rng(seed)
    X = sample_region(space, n, rng)
    dense = sample_region(space, 3000, rng)
    c = sample_region(space, 1, rng)[0]
    h = lambda P: L * region_dist(space, P[:, None, :].reshape(-1, P.shape[1]), c[None])
    bound, fill, m = cover_bound(space, X, h(X), L)
    if math.isfinite(bound):
        assert bound >= h(dense).max()
        assert fill >= region_dist(space, dense, X).max()


def test_cover_bound_fails_on_an_uncovered_region():
    X = sample_region(Ball(2, 1), 500, np.random.default_rng(0))
    half = X[X[:, 0] > 0]
    bound, fill, m = cover_bound(Ball(2, 1), half, np.zeros(len(half)), 1.0, resolutions=[16])
    assert bound == math.inf
    bound, fill, m = cover_bound(Ball(2, 1), half, np.zeros(len(half)), 1.0)  # coarse grids help
    assert math.isfinite(bound) and fill >= 1.0  # the left half is at least 1 from the points


def test_realised_radii_of_stratified_and_iid_samples():
    """Stratified SO(2) samples are K equispaced angles: radius 2 sin(pi/(2K)); for every spec the
    radius bounds the distance from random elements to the point's own samples (brute force)."""
    from symbound.numeric import kernels as K

    key = seed_key(np.random.default_rng(3))
    spec = group_spec(SO(2), "stratified", 16)
    r = realised_radii(spec, key, 5)
    assert r == pytest.approx(np.full(5, 2 * math.sin(math.pi / 32)), abs=1e-9)
    for group, method, k in ((SO(2), "iid", 40), (O(2), "stratified", 30), (O(2), "iid", 7),
                             (PartialRotations(0.9), "iid", 25), (Translations(1), "iid", 20)):
        spec = group_spec(group, method, k)
        r = realised_radii(spec, key, 6)
        rows = np.empty((spec.K, spec.esize))
        S = group.sample(400, np.random.default_rng(4))
        for i in range(6):
            K.sample_elements(spec.ecode, spec.method, spec.iparams, spec.fparams, spec.table,
                              spec.alpha, key, i, spec.K, rows)
            E = spec.to_group_repr(rows)
            d = torus_dist(S, E, group.period) if isinstance(group, Translations) else op_dist(S, E)
            assert d.max() <= r[i]
    assert np.all(realised_radii(group_spec(Cyclic(4)), key, 3) == 0)
    with pytest.raises(InvalidValueError, match="certified_sup_error"):
        realised_radii(group_spec(SO(3)), key, 2)


def test_moved_norms():
    X = np.array([[3.0, 4.0, 12.0]])
    assert moved_norms(SO(3), X)[0] == pytest.approx(13.0)
    assert moved_norms(SO(2, dim=3, plane=(0, 1)), X)[0] == pytest.approx(5.0)
    assert moved_norms(Translations(3), X)[0] == 1.0
    assert moved_norms(Translations(2), np.zeros((2, 4, 2)))[0] == 2.0  # 4 vectors: sqrt 4
    assert moved_norms(Cyclic(4, dim=3), X)[0] == 0.0
