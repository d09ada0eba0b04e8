"""Data equivariance error (THEORY.md §3): matching within a radius, bias bound, MMD test."""

import math
import warnings

import numpy as np
import pytest

from symbound.errors import InvalidTypeError, InvalidValueError
from symbound.groups import SO, Cyclic, Symmetric
from symbound.numeric.data_symmetry import (DataEquivarianceError, DataEquivarianceEstimate,
                                            data_equivariance_error)


@pytest.fixture(scope="module")
def circles():
    """Orbit-closed sample for SO(2): 720 equally spaced angles on circles of radius 0.5 and 1."""
    ang = np.linspace(0, 2 * np.pi, 720, endpoint=False)
    return np.concatenate([r * np.stack([np.cos(ang), np.sin(ang)], 1) for r in (0.5, 1.0)])


def test_exactly_invariant_target_is_zero_within_bias(circles):
    y = np.linalg.norm(circles, axis=1)
    res = data_equivariance_error(circles, y, SO(2), radius=0.02, lipschitz=1.0, seed=0)
    assert isinstance(res, DataEquivarianceEstimate) and DataEquivarianceError is DataEquivarianceEstimate
    assert res.coverage == 1.0 and res.n_pairs == circles.shape[0] * 64
    assert res.bias_bound == pytest.approx(0.02)
    assert res.value <= res.bias_bound and res.value < 1e-12  # y is exactly invariant on the sample
    assert res.ci[0] <= res.value <= res.ci[1]


def test_asymmetric_target_matches_hand_computation(circles):
    """y = x_0 under SO(2): e(x, g_a) = r |cos(phi + a) - cos(phi)|, and with phi, a independent and
    uniform, E[(cos(phi + a) - cos phi)^2] = 1/2 + 1/2 - 2 E[cos(phi + a) cos phi] = 1 - E[cos a] = 1.
    So ee_2 = sqrt(E r^2) = sqrt((0.25 + 1) / 2). Matching moves each error by at most L r = 0.02."""
    y = circles[:, 0]
    res = data_equivariance_error(circles, y, SO(2), radius=0.02, lipschitz=1.0,
                                  n_group_samples=256, seed=1)
    expected = math.sqrt((0.25 + 1.0) / 2)
    assert abs(res.value - expected) <= res.bias_bound + 4 * res.stderr
    assert res.stderr < 0.02 and res.coverage == 1.0
    assert res.max_observed <= 2.0 + 0.02


def test_exhaustive_finite_group_equals_brute_force():
    """C_4 on an orbit-closed sample: every g x_i is a data point, so the estimate is exactly
    sqrt(mean over i and g of ((g x_i)_0 - x_i,0)^2) for y = x_0 (brute force)."""
    rng = np.random.default_rng(2)
    base = rng.normal(size=(50, 2))
    g = Cyclic(4)
    X = np.concatenate(list(g.apply(g.elements(), base)))  # 200 points, closed under C_4
    y = X[:, 0]
    res = data_equivariance_error(X, y, g, radius=1e-9, seed=0)
    gx = g.apply(g.elements(), X)  # (4, 200, 2)
    brute = math.sqrt(np.mean((gx[:, :, 0] - X[None, :, 0]) ** 2))
    assert res.exhaustive and res.coverage == 1.0
    assert res.value == pytest.approx(brute, rel=1e-12)


@pytest.mark.parametrize("y_scale, p", [(1e200, 2.0), (1e100, 4.0), (1e-200, 3.0), (1.0, 400.0)])
def test_outputs_of_any_magnitude_and_large_p_do_not_overflow(y_scale, p):
    """The brute-force case above with y scaled by 1e200 / 1e-200 and large p: the estimate is
    y_scale * (mean over i and g of |(g x_i)_0 - x_i,0|^p)^(1/p), computed here in log space."""
    rng = np.random.default_rng(2)
    base = rng.normal(size=(50, 2))
    g = Cyclic(4)
    X = np.concatenate(list(g.apply(g.elements(), base)))
    res = data_equivariance_error(X, X[:, 0] * y_scale, g, radius=1e-9, p=p, seed=0)
    gx = g.apply(g.elements(), X)
    d = np.abs(gx[:, :, 0] - X[None, :, 0]).ravel()
    d = d[d > 0]
    # log of (sum d^p / count)^(1/p), by log-sum-exp (no overflow for any p), + log y_scale
    logs = p * np.log(d)
    log_mean = logs.max() + math.log(np.exp(logs - logs.max()).sum()) - math.log(gx[:, :, 0].size)
    brute_log = log_mean / p + math.log(y_scale)
    assert math.isfinite(res.value) and math.isfinite(res.ci[1]) and math.isfinite(res.stderr)
    assert math.log(res.value) == pytest.approx(brute_log, abs=1e-11)
    assert res.max_observed == pytest.approx(d.max() * y_scale, rel=1e-12)
    assert res.ci[0] <= res.value <= res.ci[1]


def test_equivariant_target_with_rho_same_and_callable():
    """y = x is equivariant under rotations (rho = the same matrices): error 0; with rho=None
    (invariance) the error is sqrt(E |g x - x|^2) = sqrt(mean over g |g - I|_op^2 |x|^2)."""
    rng = np.random.default_rng(3)
    g = Cyclic(8)
    base = rng.normal(size=(40, 2))
    X = np.concatenate(list(g.apply(g.elements(), base)))
    same = data_equivariance_error(X, X, g, radius=1e-9, rho="same", seed=0)
    assert same.value < 1e-12
    call = data_equivariance_error(X, X, g, radius=1e-9, rho=lambda els: els, seed=0)
    assert call.value < 1e-12
    inv = data_equivariance_error(X, X, g, radius=1e-9, seed=0)
    # |R_a x - x|^2 = 2 (1 - cos a) |x|^2, averaged over the 8 angles 2 pi j / 8: mean = 2 |x|^2
    assert inv.value == pytest.approx(math.sqrt(2 * np.mean((X ** 2).sum(1))), rel=1e-12)


def test_mmd_detects_asymmetric_distribution_not_symmetric_one():
    rng = np.random.default_rng(4)
    quadrant = rng.uniform(0, 1, (400, 2))  # all mass in one quadrant: far from C_4-invariant
    res = data_equivariance_error(quadrant, quadrant[:, 0], Cyclic(4), radius=0.05, seed=0,
                                  min_coverage=0.0)  # the MMD is under test here
    assert res.mmd_pvalue < 0.01 and res.mmd > 0.3
    gauss = rng.normal(size=(400, 2))  # isotropic: C_4-invariant
    res = data_equivariance_error(gauss, gauss[:, 0], Cyclic(4), radius=0.05, seed=0,
                                  min_coverage=0.0)
    assert res.mmd_pvalue > 0.05


def test_mmd_bandwidth_and_subsample_and_repr(circles):
    res = data_equivariance_error(circles, circles[:, 0], SO(2), radius=0.02, seed=0,
                                  mmd_bandwidth=0.5, mmd_max_points=300, n_permutations=50)
    assert res.mmd_bandwidth == 0.5 and res.n_mmd_points == 300 and res.n_permutations == 50
    assert 1 / 51 <= res.mmd_pvalue <= 1
    text = repr(res)
    assert "coverage" in text and "MMD" in text and "lower estimate" in text


def test_coverage_and_no_match():
    rng = np.random.default_rng(5)
    X = rng.uniform(0, 1, (200, 2))
    with pytest.warns(UserWarning, match="found a data point"):
        res = data_equivariance_error(X, X[:, 0], Cyclic(4), radius=0.05, seed=0)
    assert 0 < res.coverage < 1 and res.n_matched < res.n_pairs
    assert any("dropped" in n for n in res.notes)
    far = np.array([[1.0, 0.0], [3.0, 0.0]])  # C_4 images of these are not near any data point
    with pytest.warns(UserWarning, match="only 25.0%"):
        res = data_equivariance_error(far, far[:, 0], Cyclic(4), radius=0.1, seed=0)
    # identity is one of the 4 elements: exactly 1/4 of the pairs match
    assert res.coverage == 0.25


def test_seed_reproducible_and_permutation_group():
    rng = np.random.default_rng(6)
    X = rng.normal(size=(150, 3, 2))
    y = X.sum(axis=(1, 2))  # permutation invariant
    a = data_equivariance_error(X, y, Symmetric(3), radius=0.1, seed=3, progress=True,
                                min_coverage=0.0)
    b = data_equivariance_error(X, y, Symmetric(3), radius=0.1, seed=3, min_coverage=0.0)
    assert a.value == b.value == 0.0 and a.mmd_pvalue == b.mmd_pvalue
    assert a.exhaustive and a.coverage >= 1 / 6  # the identity always matches its own point


def test_mmd_estimates_distance_to_averaged_transform_below_theory_quantity():
    """mu uniform on three atoms, C_4, Gaussian kernel of bandwidth 0.5. By brute force over the
    atoms: nu = mean_g g#mu (12 atoms of weight 1/12), MMD^2(mu, nu), and the THEORY.md §3
    quantity E_g MMD(mu, g#mu). The stated relation MMD(mu, nu) <= E_g MMD(mu, g#mu) (and its
    squared form) holds, strictly here; the reported mmd2 has mean
    (1 - 1/m) MMD^2(mu, nu) + (2 - 2 E k(x, g x)) / m (V-statistic), far from the §3 value."""
    atoms = np.array([[1.0, 0.0], [0.6, 0.3], [0.2, -0.5]])
    sig = 0.5
    group = Cyclic(4)
    mats = group.elements()

    def kern(a, b):
        return np.exp(-((a[:, None, :] - b[None, :, :]) ** 2).sum(-1) / (2 * sig ** 2))

    def mmd2(p, wp, q, wq):
        return wp @ kern(p, p) @ wp + wq @ kern(q, q) @ wq - 2 * wp @ kern(p, q) @ wq

    w3 = np.full(3, 1 / 3)
    orbit = np.concatenate([atoms @ g.T for g in mats])
    to_nu = mmd2(atoms, w3, orbit, np.full(12, 1 / 12))
    per_g = np.array([mmd2(atoms, w3, atoms @ g.T, w3) for g in mats])
    assert math.sqrt(to_nu) <= np.sqrt(per_g).mean() - 0.05  # the inequality, strict here
    assert to_nu <= per_g.mean() - 0.1
    m = 1000
    ekx = np.mean([math.exp(-((a - g @ a) ** 2).sum() / (2 * sig ** 2)) for a in atoms for g in mats])
    expected = (1 - 1 / m) * to_nu + (2 - 2 * ekx) / m
    est = []
    for s in range(5):
        X = atoms[np.random.default_rng(100 + s).integers(0, 3, m)]  # data stream != seed stream
        res = data_equivariance_error(X, X[:, 0], group, radius=1e-9, mmd_bandwidth=sig,
                                      n_permutations=1, seed=s, min_coverage=0.0)
        assert res.n_mmd_points == m and res.mmd == pytest.approx(math.sqrt(res.mmd2))
        est.append(res.mmd2)
    # sd of one estimate ~0.015 (simulation); of the mean of 5 ~0.007
    assert abs(np.mean(est) - expected) < 0.03
    assert np.mean(est) < np.sqrt(per_g).mean() ** 2 - 0.09  # not the §3 quantity (0.39)
    assert "E_g g#mu" in repr(res) and "<= E_g MMD(mu, g#mu)" in repr(res)


def test_huge_inputs_raise_instead_of_hanging():
    """The audit's repro: hi - lo of the inputs overflows (+-1.5e308) and the grid set-up hung."""
    X = np.array([[-1.5e308, 0.0], [1.5e308, 0.0], [0.0, 0.0]])
    with pytest.raises(InvalidValueError, match=r"X is too large for float64 distances.*rescale"):
        data_equivariance_error(X, X[:, 1], Cyclic(2), radius=1.0)
    with pytest.raises(InvalidValueError, match="X is too large"):
        data_equivariance_error(X * 1e-148, X[:, 1], SO(2), radius=1.0)  # 1.5e160: squares overflow
    # a translation into a huge period moves the points far: checked after the action
    from symbound.groups import Translations

    Y = np.random.default_rng(9).uniform(0, 1, (20, 2))
    with pytest.raises(InvalidValueError, match="transformed inputs g X is too large"):
        data_equivariance_error(Y, Y[:, 0], Translations(2, period=1e300), radius=0.1, seed=0)


def test_single_sample_is_refused_like_equivariance_error():
    with pytest.raises(InvalidValueError, match=r"X must contain at least 2 samples.*shape \(1, 2\)"):
        data_equivariance_error(np.ones((1, 2)), np.ones(1), Cyclic(4), radius=0.1)
    res = data_equivariance_error(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([1.0, 2.0]),
                                  Cyclic(4), radius=0.1, seed=0)
    assert res.n_mmd_points == 2 and np.isfinite(res.mmd)


@pytest.mark.parametrize("kwargs,exc,match", [
    (dict(radius=0.0), InvalidValueError, "radius"),
    (dict(radius=-1.0), InvalidValueError, "radius"),
    (dict(radius=0.1, p=0.5), InvalidValueError, "p must"),
    (dict(radius=0.1, n_group_samples=0), InvalidValueError, "n_group_samples"),
    (dict(radius=0.1, lipschitz=-1.0), InvalidValueError, "lipschitz"),
    (dict(radius=0.1, rho="other"), InvalidTypeError, "rho"),
    (dict(radius=0.1, mmd_bandwidth="scott"), InvalidValueError, "mmd_bandwidth"),
    (dict(radius=0.1, mmd_bandwidth=0.0), InvalidValueError, "mmd_bandwidth"),
    (dict(radius=0.1, n_permutations=0), InvalidValueError, "n_permutations"),
    (dict(radius=0.1, confidence=1.0), InvalidValueError, "confidence"),
    (dict(radius=0.1, min_coverage=1.5), InvalidValueError, "min_coverage"),
    (dict(radius=0.1, rho=lambda e: np.ones((2, 3, 3))), InvalidValueError, "rho"),
])
def test_bad_parameters(kwargs, exc, match):
    X = np.random.default_rng(7).normal(size=(20, 2))
    with pytest.raises(exc, match=match):
        data_equivariance_error(X, X[:, 0], SO(2), **kwargs)


def test_bad_data():
    X = np.random.default_rng(8).normal(size=(20, 2))
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(InvalidValueError, match="finite"):
        data_equivariance_error(bad, X[:, 0], SO(2), radius=0.1)
    yb = X[:, 0].copy()
    yb[0] = np.inf
    with pytest.raises(InvalidValueError, match="finite"):
        data_equivariance_error(X, yb, SO(2), radius=0.1)
    with pytest.raises(InvalidValueError, match="len"):
        data_equivariance_error(X, X[:5, 0], SO(2), radius=0.1)
    with pytest.raises(InvalidValueError, match="last axis"):
        data_equivariance_error(X, X[:, 0], SO(3), radius=0.1)
    with pytest.raises(InvalidValueError, match="empty"):
        data_equivariance_error(np.zeros((0, 2)), np.zeros(0), SO(2), radius=0.1)
    with pytest.raises(InvalidTypeError, match="group"):
        data_equivariance_error(X, X[:, 0], "SO2", radius=0.1)
    with pytest.raises(InvalidValueError, match="last axis"):
        data_equivariance_error(X, X[:, 0], SO(2), radius=0.1, rho="same")


# ----- coverage (issue #8, item 9) ---------------------------------------------------------------------
def _t_quantile(prob, df):
    """Student t quantile from mpmath's incomplete beta (independent of the library's bisection)."""
    import mpmath

    with mpmath.workdps(30):
        f = lambda t: 1 - mpmath.betainc(df / 2, 0.5, 0, df / (df + t * t), regularized=True) / 2 - prob
        return float(mpmath.findroot(f, 2.0))


def test_low_coverage_reproduction_ee_zero_at_25_percent_warns():
    """Issue #8: ee = 0 at 25% coverage without a warning.  Points on the positive x-axis under C_4:
    only the identity finds a partner (coverage exactly 1/4), every matched error is 0, while
    y = x_0 is far from invariant.  Now: a UserWarning, coverage_ok False, a note, and the repr."""
    X = np.stack([np.linspace(0.1, 1.0, 50), np.zeros(50)], 1)
    with pytest.warns(UserWarning, match="only 25.0% of the"):
        res = data_equivariance_error(X, X[:, 0], Cyclic(4), radius=0.01, seed=0)
    assert res.coverage == 0.25 and res.value == 0.0 and not res.coverage_ok
    assert res.n_points_matched == 50 and res.min_coverage == 0.5
    assert any("may not represent the orbits" in n for n in res.notes)
    assert "BELOW 50%" in repr(res)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning at or above the threshold
        ok = data_equivariance_error(X, X[:, 0], Cyclic(4), radius=0.01, seed=0, min_coverage=0.25)
    assert ok.coverage_ok


def test_so3_point_clouds_low_coverage_interval_from_matched_points():
    """Issue #8: a tight CI from 0.7% coverage on SO(3) point clouds.  Now the result warns, and
    its interval is the Student-t interval of the cluster-robust ratio estimator over the points
    that found a match (degrees of freedom and small-sample factor from their number), recomputed
    here by brute force: the same group draws, all pairwise distances, the formula by hand."""
    n, K, r, p = 150, 16, 1.0, 2.0
    X = np.random.default_rng(1).normal(size=(n, 3, 3))
    y = X[:, :, 0].sum(1)
    with pytest.warns(UserWarning, match="found a data point within radius"):
        res = data_equivariance_error(X, y, SO(3), radius=r, n_group_samples=K, seed=2)
    # the documented draw scheme: one key from the seed, then each block of points (one block
    # here) draws its rounds from default_rng([key, first index of the block])
    rng = np.random.default_rng([int(np.random.default_rng(2).integers(0, 2**63)), 0])
    flat = X.reshape(n, -1)
    s = np.zeros(n)
    c = np.zeros(n)
    for _ in range(K):
        g = SO(3).sample(n, rng)
        gx = np.einsum("nij,npj->npi", g, X).reshape(n, -1)
        d = np.linalg.norm(gx[:, None, :] - flat[None, :, :], axis=2)
        j = np.argmin(d, axis=1)
        ok = d[np.arange(n), j] <= r
        s[ok] += np.abs(y[j[ok]] - y[ok]) ** p
        c[ok] += 1
    n_m, n_c = c.sum(), np.count_nonzero(c)
    m = s.sum() / n_m
    se = math.sqrt(n_c / (n_c - 1) * np.sum((s - m * c) ** 2) / n_m ** 2)
    t = _t_quantile(0.975, n_c - 1)
    assert res.n_matched == n_m and res.n_points_matched == n_c and res.coverage < 0.02
    assert res.value == pytest.approx(m ** 0.5, rel=1e-9)
    assert res.ci == pytest.approx((max(m - t * se, 0) ** 0.5, (m + t * se) ** 0.5), rel=1e-9)
    # the audit's 0.7%: a smaller radius, 16 of 2400 pairs; only self-matches of small rotations,
    # all errors 0 -- a "tight" interval that the warning now flags
    with pytest.warns(UserWarning, match=r"only 0\.7% of the"):
        low = data_equivariance_error(X, y, SO(3), radius=0.8, n_group_samples=K, seed=2)
    assert low.n_matched == 16 and not low.coverage_ok


def test_interval_needs_two_matched_points():
    """One rotation by 90 degrees: only (1, 0) finds a partner ((0, 1)); one matched point gives an
    estimate but no standard error or interval."""
    from symbound.groups import TransformationSet

    X = np.array([[1.0, 0.0], [0.0, 1.0], [3.0, 3.0]])
    quarter = TransformationSet([[[0.0, -1.0], [1.0, 0.0]]])
    with pytest.warns(UserWarning):
        res = data_equivariance_error(X, X[:, 0], quarter, radius=0.01, seed=0)
    assert res.n_points_matched == 1 and res.n_matched == 1 and res.value == pytest.approx(1.0)
    assert math.isnan(res.stderr) and all(math.isnan(v) for v in res.ci)
    assert any("only one data point" in n for n in res.notes)
