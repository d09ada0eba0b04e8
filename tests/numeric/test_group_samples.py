"""Samplers of the transformation sets: membership, Haar checks (KS tests against the known angle
densities, moments), exact enumeration, and the variance reduction of stratified samples."""

import math

import numpy as np
import pytest

from symbound.errors import InvalidTypeError, InvalidValueError
from symbound.groups import O, SO, Cyclic, Dihedral, PartialRotations, Symmetric, TransformationSet, Translations
from symbound.numeric.group_samples import group_samples

KS_CRIT_1PCT = 1.628  # Kolmogorov distribution: P(sqrt(n) D > 1.628) = 0.01


def ks_statistic(samples, cdf):
    x = np.sort(samples)
    n = x.size
    F = cdf(x)
    return max(np.max(np.arange(1, n + 1) / n - F), np.max(F - np.arange(n) / n))


def so3_angles(R):
    return np.arccos(np.clip((np.trace(R, axis1=1, axis2=2) - 1) / 2, -1, 1))


GROUPS = [SO(2), O(2), SO(2, dim=3, plane=(1, 2)), SO(3), O(3), SO(4), O(5), PartialRotations(0.7),
          PartialRotations(0.7, dim=3, plane=None), Translations(2, period=3.0), Cyclic(5), Dihedral(4),
          Symmetric(4), Symmetric(10), TransformationSet([np.eye(2), -np.eye(2), 2 * np.eye(2)])]


@pytest.mark.parametrize("group", GROUPS, ids=lambda g: g.name)
@pytest.mark.parametrize("method", ["iid", "stratified", "exact"])
def test_samples_are_members(group, method):
    try:
        s = group_samples(group, 16, rng=0, method=method)
    except InvalidValueError:
        assert (method == "exact") != (group.is_finite and group.n < 9) or method == "stratified"
        return
    assert np.isclose(s.weights.sum(), 1.0) and len(s) == s.elements.shape[0]
    assert all(group.contains(e) for e in s.elements)


def test_exact_enumeration_is_elements():
    for G in [Cyclic(6), Dihedral(3), Symmetric(4)]:
        s = group_samples(G, 3, rng=0, method="exact")
        assert np.array_equal(s.elements, G.elements()) and s.method == "exact"
        assert np.allclose(s.weights, 1 / G.order)


def test_same_seed_same_samples_and_generator_accepted():
    a = group_samples(SO(3), 10, rng=5).elements
    b = group_samples(SO(3), 10, rng=np.random.default_rng(5)).elements
    assert np.array_equal(a, b)
    assert not np.array_equal(a, group_samples(SO(3), 10, rng=6).elements)


@pytest.mark.parametrize("method", ["iid", "stratified"])
def test_so3_haar_angle_ks_and_mean(method):
    # per call one lattice of K = 64; many seeds give the Haar law as a mixture
    R = np.concatenate([group_samples(SO(3), 64, rng=s, method=method).elements for s in range(80)])
    n = R.shape[0]
    D = ks_statistic(so3_angles(R), lambda w: (w - np.sin(w)) / np.pi)  # density (1 - cos w)/pi
    assert math.sqrt(n) * D < KS_CRIT_1PCT
    assert np.abs(R.mean(0)).max() < 4.5 / math.sqrt(3 * n)  # E R = 0, sd of an entry 1/sqrt(3)


def test_so3_partial_ball_angles_ks():
    th = 0.8
    R = group_samples(PartialRotations(th, dim=3, plane=None), 4000, rng=1, method="iid").elements
    w = so3_angles(R)
    assert w.max() <= th + 1e-12
    D = ks_statistic(w, lambda t: (t - np.sin(t)) / (th - np.sin(th)))
    assert math.sqrt(w.size) * D < KS_CRIT_1PCT


def test_partial_plane_angles_uniform_in_range():
    th = 0.4
    R = group_samples(PartialRotations(th), 3000, rng=2, method="iid").elements
    a = np.arctan2(R[:, 1, 0], R[:, 0, 0])
    assert np.all(np.abs(a) <= th + 1e-15)
    D = ks_statistic(a, lambda t: (t + th) / (2 * th))
    assert math.sqrt(a.size) * D < KS_CRIT_1PCT


def test_orthogonal_qr_haar_moments():
    Q = group_samples(O(4), 8000, rng=3).elements
    assert np.allclose(np.einsum("kij,kil->kjl", Q, Q), np.eye(4), atol=1e-12)
    det = np.linalg.det(Q)
    assert abs(np.mean(det > 0) - 0.5) < 0.03
    assert np.abs((Q ** 2).mean(0) - 0.25).max() < 0.02  # E Q_ij^2 = 1/n
    assert abs(np.trace(Q, axis1=1, axis2=2).mean()) < 0.05  # E tr Q = 0 on O(n)
    S = group_samples(SO(4), 2000, rng=3).elements
    assert np.all(np.linalg.det(S) > 0)


def test_shuffle_uniform_positions_and_translations_uniform():
    P = group_samples(Symmetric(9), 9000, rng=4).elements
    counts = np.bincount(np.argmax(P == 0, axis=1), minlength=9)
    chi2 = ((counts - 1000) ** 2 / 1000).sum()
    assert chi2 < 21.7  # chi^2_8 99th percentile 20.09 (+ margin)
    T = group_samples(Translations(1, period=3.0), 4000, rng=4, method="iid").elements[:, 0]
    assert math.sqrt(T.size) * ks_statistic(T, lambda t: t / 3.0) < KS_CRIT_1PCT


def _variance(group, h, method, reps=200, K=64):
    est = [h(group_samples(group, K, rng=s, method=method).elements).mean() for s in range(reps)]
    return np.var(est), np.mean(est)


def test_stratified_reduces_variance():
    """Measured variance reduction of the stratified samples (K = 64, 200 replications):
    SO(2), h(g) = (g e1)_0^2, exact mean 1/2 -> the equispaced shifted grid integrates this
    trigonometric polynomial exactly (variance ~ 1e-33 vs 2e-3); SO(3), h(R) = R_00^2 + R_01 R_10,
    exact mean 1/3 -> R_3 lattice variance 8.4x smaller than iid (measured; the ratio is in the
    assertion message)."""
    h2 = lambda R: R[:, 0, 0] ** 2
    v_iid, m_iid = _variance(SO(2), h2, "iid")
    v_st, m_st = _variance(SO(2), h2, "stratified")
    assert abs(m_st - 0.5) < 1e-12 and abs(m_iid - 0.5) < 4 * math.sqrt(v_iid / 200)
    assert v_st < 1e-6 * v_iid
    h3 = lambda R: R[:, 0, 0] ** 2 + R[:, 0, 1] * R[:, 1, 0]
    v_iid, m_iid = _variance(SO(3), h3, "iid")
    v_st, m_st = _variance(SO(3), h3, "stratified")
    assert abs(m_st - 1 / 3) < 4 * math.sqrt(v_st / 200)
    assert v_st < v_iid / 4, f"variance ratio iid/stratified = {v_iid / v_st:.1f}"


def test_bad_arguments():
    with pytest.raises(InvalidValueError, match="method"):
        group_samples(SO(3), 4, 0, method="sobol")
    with pytest.raises(InvalidValueError, match="exact"):
        group_samples(SO(3), 4, 0, method="exact")
    with pytest.raises(InvalidValueError, match="stratified"):
        group_samples(O(4), 4, 0, method="stratified")
    with pytest.raises(InvalidValueError, match="n_group_samples"):
        group_samples(SO(3), 0, 0)
    with pytest.raises(InvalidTypeError, match="group"):
        group_samples("SO3", 4, 0)
    with pytest.raises(InvalidTypeError, match="seed"):
        group_samples(SO(3), 4, rng=-1)


def _o2_h(R):
    """g00^2 + g11 + g01 g10: cos 2t + cos t on the rotation R(t), 1 - cos t on the reflection
    R(t) diag(1, -1) (by hand); the Haar mean over O(2) is (0 + 1) / 2 = 1/2."""
    return R[:, 0, 0] ** 2 + R[:, 1, 1] + R[:, 0, 1] * R[:, 1, 0]


def test_o2_stratified_exact_for_even_K():
    """Even K: each coset gets the whole shifted grid of K/2 equispaced angles, which integrates
    trigonometric polynomials of degree < K/2 exactly; _o2_h has degree 2, so K = 6 is exact for
    every seed (the former (angle, flag) lattice was not)."""
    for s in range(40):
        R = group_samples(O(2), 6, rng=s, method="stratified").elements
        assert np.sum(np.linalg.det(R) < 0) == 3
        assert abs(_o2_h(R).mean() - 0.5) < 1e-12


@pytest.mark.parametrize("K", [3, 5])
def test_o2_stratified_unbiased_and_marginally_haar_for_odd_K(K):
    """Odd K: the lone last sample of the grid is still marginally Haar (uniform angle, fair
    reflection), so the mean over the K samples is unbiased: over 2000 seeds the mean of _o2_h
    lies within 4 standard errors of 1/2, the last sample's angle passes a KS test against the
    uniform law and its reflection frequency lies within 4 sd of 1/2."""
    reps = 2000
    R = np.stack([group_samples(O(2), K, rng=s, method="stratified").elements for s in range(reps)])
    means = np.array([_o2_h(r).mean() for r in R])
    assert abs(means.mean() - 0.5) < 4 * means.std() / math.sqrt(reps)
    last = R[:, -1]
    ang = np.mod(np.arctan2(last[:, 1, 0], last[:, 0, 0]), 2 * np.pi)
    assert math.sqrt(reps) * ks_statistic(ang, lambda t: t / (2 * np.pi)) < KS_CRIT_1PCT
    refl = np.mean(np.linalg.det(last) < 0)
    assert abs(refl - 0.5) < 4 * 0.5 / math.sqrt(reps)
    assert "shared by both cosets" in group_samples(O(2), K, rng=0, method="stratified").description
