"""The symmetry tests on images and point sets (issue #13 item 5): image groups, callable Actions
and rotations of point clouds give the numbers of the dense path (the same group as explicit
permutation / block matrices on the flattened data, built here from numpy's rot90 and flips),
exact size on group-symmetrised data, power against known asymmetries."""

import math

import numpy as np
import pytest

from symbound.errors import InvalidValueError
from symbound.groups import SO, Action, Cyclic, Dihedral, TransformationSet
from symbound.numeric.asymmetry import distributional_asymmetry
from symbound.numeric.symmetry_tests import equivariance_test, invariance_test

# 200 replicates with B = 19: under an exact null P(p <= 0.2) = 4/20 exactly (continuous data: no
# ties), so the count of rejections is Binomial(200, 0.2) (mean 40, sd 5.7); [LO, HI] = [23, 59]
# holds it with probability 1 - 1e-3 (exact binomial tails of at most 6e-4 each: _binomial_interval)
REPS, B, ALPHA = 200, 19, 0.2


def _binomial_interval(n: int, p: float, tail: float) -> tuple[int, int]:
    """The largest lo and smallest hi with P(X < lo) <= tail and P(X > hi) <= tail, X ~ Bin(n, p)."""
    pmf = [math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(n + 1)]
    cdf = np.cumsum(pmf)
    lo = int(np.searchsorted(cdf, tail, side="right"))       # P(X <= lo - 1) <= tail
    hi = int(np.searchsorted(cdf, 1 - tail, side="left"))    # P(X > hi) <= tail
    return lo, hi


LO, HI = _binomial_interval(REPS, 4 / 20, 6e-4)


# ----- the group elements as numpy operations, from the documented convention ---------------------
def _numpy_op(M: np.ndarray):
    """The map of images of the 2 x 2 matrix M (module docstring of symbound.groups.image): a
    rotation by k quarter turns is np.rot90(u, k), diag(1, -1) is np.flipud, and M = R_k diag(1, -1)
    acts as the flip first."""
    M = np.rint(M).astype(int)
    flip = round(np.linalg.det(M)) == -1
    R = M @ np.diag([1, -1]) if flip else M
    k = {(1, 0): 0, (0, 1): 1, (-1, 0): 2, (0, -1): 3}[(R[0, 0], R[1, 0])]
    return lambda u: np.rot90(np.flip(u, axis=-2) if flip else u, k, axes=(-2, -1))


def _dense(group, H: int, W: int) -> TransformationSet:
    """The image group as (H W) x (H W) permutation matrices on flattened images, its elements in
    the group's order: column j of P_g is g applied to the j-th basis image."""
    mats = []
    for M in group.elements():
        op = _numpy_op(M)
        mats.append(np.stack([op(e.reshape(H, W)).ravel() for e in np.eye(H * W)], axis=1))
    dense = TransformationSet(np.array(mats))
    assert dense.is_group and dense.is_isometric and dense.order == group.order
    return dense


def _rot90_action() -> Action:
    return Action(lambda k, x: np.rot90(x, int(k), axes=(-2, -1)), elements=np.arange(4),
                  compose=lambda a, b: (a + b) % 4, isometric=True, name="rot90")


def _symmetrised(rng, group, u: np.ndarray) -> np.ndarray:
    """Each image moved by a uniform element of the group (numpy ops): a G-invariant law."""
    ops = [_numpy_op(M) for M in group.elements()]
    k = rng.integers(0, len(ops), u.shape[0])
    return np.stack([ops[j](img) for j, img in zip(k, u)])


def _pattern(rng, n: int, size: int = 5, strength: float = 1.0) -> np.ndarray:
    """Noise images with a chiral bright pixel at (0, 1) (no symmetry of the square fixes it)."""
    u = rng.standard_normal((n, size, size))
    u[:, 0, 1] += strength * 3.0
    return u


# ----- identical to the dense path --------------------------------------------------------------
@pytest.mark.parametrize("group, shape", [(Cyclic(4, action="image"), (4, 4)),
                                          (Dihedral(4, action="image"), (4, 4)),
                                          (Dihedral(2, action="image"), (3, 5))])
def test_image_groups_give_the_numbers_of_the_dense_permutation_matrices(group, shape):
    rng = np.random.default_rng(3)
    H, W = shape
    n = 24
    X = rng.standard_normal((n, H, W)) + np.linspace(0, 1, H * W).reshape(H, W)
    y = X + 0.5 * rng.standard_normal((n, H, W))
    dense = _dense(group, H, W)
    flat, yflat = X.reshape(n, -1), y.reshape(n, -1)
    for method in ("aggregate", "features"):
        a = invariance_test(X, group, method=method, n_randomizations=49, seed=5)
        b = invariance_test(flat, dense, method=method, n_randomizations=49, seed=5)
        assert a.pvalue == b.pvalue and np.array_equal(a.pvalues, b.pvalues)
        np.testing.assert_allclose(a.bandwidths, b.bandwidths, rtol=1e-12)
        np.testing.assert_allclose(a.statistics, b.statistics, rtol=1e-9, atol=1e-15)
    for rho in (None, "same"):
        a = equivariance_test(X, y, group, rho, n_randomizations=49, seed=6)
        b = equivariance_test(flat, yflat, dense, rho, n_randomizations=49, seed=6)
        assert a.pvalue == b.pvalue and a.matching_cost == pytest.approx(b.matching_cost, rel=1e-12)
        np.testing.assert_allclose(a.statistics, b.statistics, rtol=1e-9)
    a = distributional_asymmetry(X, group, seed=7)
    b = distributional_asymmetry(flat, dense, seed=7)
    assert a.exhaustive and a.estimate == pytest.approx(b.estimate, rel=1e-12)
    assert a.upper == pytest.approx(b.upper, rel=1e-12)


def test_exhaustive_image_test_matches_the_dense_enumeration():
    group = Cyclic(4, action="image")
    X = np.random.default_rng(4).standard_normal((6, 3, 3))
    a = invariance_test(X, group, n_randomizations="all", seed=0)
    b = invariance_test(X.reshape(6, -1), _dense(group, 3, 3), n_randomizations="all", seed=0)
    assert a.exhaustive and a.n_randomizations == 4**6
    assert a.pvalue == b.pvalue and np.array_equal(a.pvalues, b.pvalues)


def test_a_callable_action_gives_the_numbers_of_the_image_group():
    """rot90 by k quarter turns, as an Action over the elements 0..3 (order of Cyclic(4)'s)."""
    rng = np.random.default_rng(8)
    X = _pattern(rng, 30, size=4, strength=0.3)
    y = X + 0.3 * rng.standard_normal(X.shape)
    act, img = _rot90_action(), Cyclic(4, action="image")
    assert act.is_group
    for f in (lambda G: invariance_test(X, G, n_randomizations=39, seed=1).pvalue,
              lambda G: invariance_test(X[:5], G, n_randomizations="all", seed=1).pvalue,
              lambda G: equivariance_test(X, y, G, "same", n_randomizations=39, seed=2).pvalue,
              lambda G: distributional_asymmetry(X, G, seed=3).estimate):
        assert f(act) == pytest.approx(f(img), rel=1e-12)


def test_asymmetry_of_images_equals_the_sum_over_rot90_by_hand():
    """E_g MMD(muhat, g#muhat) = mean_g sqrt((2/n^2) sum_ij [k(x_i, x_j) - k(x_i, g x_j)]) over
    the four quarter turns (np.rot90), Gaussian kernel of bandwidth 2."""
    X = _pattern(np.random.default_rng(9), 20, size=4, strength=0.5)
    n, s = X.shape[0], 2.0

    def ksum(A, Bm):
        d2 = ((A.reshape(n, 1, -1) - Bm.reshape(1, n, -1)) ** 2).sum(axis=2)
        return np.exp(-d2 / (2 * s * s)).sum()

    vals = [math.sqrt(max(2.0 * (ksum(X, X) - ksum(X, np.rot90(X, k, axes=(1, 2)))), 0.0)) / n
            for k in range(4)]
    res = distributional_asymmetry(X, Cyclic(4, action="image"), bandwidth=s, seed=0)
    assert res.estimate == pytest.approx(np.mean(vals), rel=1e-10)


# ----- size and power on images -------------------------------------------------------------------
def test_invariance_test_has_exact_size_on_symmetrised_images():
    """Chiral images symmetrised by D_4 (numpy flips and rot90): the rejection count at level 0.2
    is Binomial(200, 0.2) under the exact level."""
    group = Dihedral(4, action="image")
    rng = np.random.default_rng(21)
    rejections = sum(
        invariance_test(_symmetrised(rng, group, _pattern(rng, 30)), group, n_randomizations=B,
                        seed=r).pvalue <= ALPHA for r in range(REPS))
    assert LO <= rejections <= HI, rejections


def test_invariance_test_detects_asymmetric_images():
    """Unsymmetrised chiral images fail C_4; C_4-symmetrised ones pass C_4 but fail D_4 (their
    law is not invariant under flips)."""
    rng = np.random.default_rng(22)
    c4, d4 = Cyclic(4, action="image"), Dihedral(4, action="image")
    raw = [invariance_test(_pattern(rng, 30), c4, n_randomizations=99, seed=r).pvalue
           for r in range(10)]
    assert max(raw) <= 0.02, raw
    chiral = [_symmetrised(rng, c4, _pattern(rng, 40)) for _ in range(10)]
    assert max(invariance_test(x, d4, n_randomizations=99, seed=r).pvalue
               for r, x in enumerate(chiral)) <= 0.02
    assert np.mean([invariance_test(x, c4, n_randomizations=99, seed=r).pvalue
                    for r, x in enumerate(chiral)]) > 0.2


def _two_class_images(rng, group, n: int, equivariant: bool):
    """n/2 images of each of two fixed chiral base images u_c, each moved by a uniform element g of
    the group, with label maps y = g . v_c + noise (equivariant) or v_c + noise (not).  The orbit
    representatives take two values with even counts, so the equivariance test is exact under the
    null (module docstring of symbound.numeric.symmetry_equivariance)."""
    base = np.random.default_rng(0).standard_normal((2, 5, 5))
    base[:, 0, 1] += 4.0
    maps = np.random.default_rng(1).standard_normal((2, 5, 5))
    maps[:, 0, 1] += 2.0
    ops = [_numpy_op(M) for M in group.elements()]
    c = np.repeat([0, 1], n // 2)
    g = rng.integers(0, len(ops), n)
    x = np.stack([ops[gi](base[ci]) for gi, ci in zip(g, c)])
    y = np.stack([ops[gi](maps[ci]) if equivariant else maps[ci] for gi, ci in zip(g, c)])
    return x, y + 0.3 * rng.standard_normal(y.shape)


def test_equivariance_test_on_label_maps_size_and_power():
    """Label maps that turn with their images (rho = the same action) are D_4-equivariant: exact
    size; maps that do not turn are not: power."""
    rng = np.random.default_rng(23)
    group = Dihedral(4, action="image")
    rejections = 0
    for r in range(REPS):
        x, y = _two_class_images(rng, group, 20, equivariant=True)
        res = equivariance_test(x, y, group, "same", n_randomizations=B, seed=r)
        rejections += res.pvalue <= ALPHA
    assert res.matching_cost == 0.0 and res.calibration.startswith("exact")
    assert LO <= rejections <= HI, rejections
    p = [equivariance_test(*_two_class_images(rng, group, 40, equivariant=False), group, "same",
                           n_randomizations=99, seed=r).pvalue for r in range(10)]
    assert max(p) <= 0.02, p


# ----- point sets: rotations of clouds ------------------------------------------------------------
def test_rotations_of_clouds_give_the_numbers_of_block_matrices():
    """C_8 rotating (n, m, 2) clouds (every point alike) equals the dense group kron(I_m, R_g) on
    the flattened clouds (same element draws)."""
    rng = np.random.default_rng(31)
    c8 = Cyclic(8)
    X = rng.standard_normal((25, 3, 2)) + [0.4, 0.0]
    dense = TransformationSet(np.array([np.kron(np.eye(3), R) for R in c8.elements()]))
    for f in (lambda G, Z: invariance_test(Z, G, n_randomizations=49, seed=2).pvalue,
              lambda G, Z: distributional_asymmetry(Z, G, seed=3).estimate):
        assert f(c8, X) == pytest.approx(f(dense, X.reshape(25, -1)), rel=1e-12)


def test_invariance_test_on_clouds_size_and_power():
    """SO(2) on clouds of 4 points: clouds rotated as a whole by a uniform angle are invariant
    (exact size); clouds with a preferred direction are not."""
    rng = np.random.default_rng(32)
    G = SO(2)

    def clouds(n, rotate):
        pts = rng.standard_normal((n, 4, 2)) * [1.5, 0.5] + [[1.0, 0.0]]
        if rotate:
            t = rng.uniform(0, 2 * np.pi, n)
            R = np.stack([np.stack([np.cos(t), -np.sin(t)], -1), np.stack([np.sin(t), np.cos(t)], -1)],
                         -2)
            pts = np.einsum("nab,nkb->nka", R, pts)
        return pts

    rejections = sum(invariance_test(clouds(30, True), G, n_randomizations=B, seed=r).pvalue
                     <= ALPHA for r in range(REPS))
    assert LO <= rejections <= HI, rejections
    assert max(invariance_test(clouds(30, False), G, n_randomizations=99, seed=r).pvalue
               for r in range(10)) <= 0.02


# ----- refusals ------------------------------------------------------------------------------------
def test_actions_the_tests_cannot_use_are_refused():
    X = np.random.default_rng(0).standard_normal((10, 4, 4))
    not_iso = Action(lambda k, x: np.rot90(x, int(k), axes=(-2, -1)), elements=np.arange(4),
                     compose=lambda a, b: (a + b) % 4)
    with pytest.raises(InvalidValueError, match="isometric=True"):
        invariance_test(X, not_iso)
    sampled = Action(lambda t, x: x, sample=lambda size, r: r.uniform(0, 1, size), is_group=True,
                     isometric=True, name="sampled")
    with pytest.raises(Exception, match="bandwidth="):
        invariance_test(X, sampled)
    assert 0 < invariance_test(X, sampled, bandwidth=1.0, n_randomizations=9, seed=0).pvalue <= 1
    with pytest.raises(InvalidValueError, match="square"):
        invariance_test(np.zeros((10, 3, 4)), Cyclic(4, action="image"))
