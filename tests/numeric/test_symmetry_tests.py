"""Symmetry tests (symbound.numeric.symmetry_tests): kernels against slow references, exact
enumeration against brute force, size on several nulls (binomial tolerance), power against known
asymmetries, reproducibility and bad input."""

import itertools
import math

import mpmath
import numpy as np
import pytest

from symbound.errors import InvalidTypeError, InvalidValueError
from symbound.groups import (SO, Cyclic, Dihedral, PartialRotations, Symmetric, Translations,
                             TransformationSet)
from symbound.numeric import symmetry_actions as A
from symbound.numeric import symmetry_test_kernels as SK
from symbound.numeric import symmetry_equivariance as SE
from symbound.numeric import symmetry_invariance as SI
from symbound.numeric import symmetry_randomization as SR
from symbound.numeric.symmetry_tests import (SymmetryTestResult, equivariance_test,
                                             invariance_test)

# 300 replicates with B = 39: under an exact null P(p <= 0.05) = 2/40 = 0.05 exactly, so the count
# of rejections is Binomial(300, 0.05) (mean 15, sd 3.77); [3, 28] is +-3.4 sd (two-sided 1e-3)
REPS, B_SMALL, LO, HI = 300, 39, 3, 28


# ----- kernels against slow references -------------------------------------------------------------
def test_ladder_kernels_match_direct_sums():
    rng = np.random.default_rng(0)
    Z = rng.standard_normal((3, 9, 4))
    X = rng.standard_normal((9, 4))
    c0, L = 0.07, 5
    pair = np.empty((3, L))
    cross = np.empty((3, L))
    paired = np.empty((3, L))
    SK.ladder_pair_sums(Z, c0, L, pair)
    SK.ladder_cross_sums(X, Z, c0, L, cross)
    SK.ladder_paired_sums(X, Z, c0, L, paired)
    for r in range(3):
        for l in range(L):
            c = c0 * 2.0 ** l  # rung l: sigma_l^2 = sigma_0^2 / 2^l
            ref_pair = sum(math.exp(-c * np.sum((Z[r, i] - Z[r, j]) ** 2))
                           for i in range(9) for j in range(i + 1, 9))
            ref_cross = sum(math.exp(-c * np.sum((X[i] - Z[r, j]) ** 2))
                            for i in range(9) for j in range(9))
            ref_paired = sum(math.exp(-c * np.sum((X[i] - Z[r, i]) ** 2)) for i in range(9))
            assert pair[r, l] == pytest.approx(ref_pair, rel=1e-13)
            assert cross[r, l] == pytest.approx(ref_cross, rel=1e-13)
            assert paired[r, l] == pytest.approx(ref_paired, rel=1e-13)


def test_feature_sums_match_complex_exponentials():
    """The double-angle recursion against exp(i w.z / sigma_l) computed directly."""
    rng = np.random.default_rng(1)
    Z = rng.standard_normal((2, 11, 3))
    omega = rng.standard_normal((5, 3))
    sig = SR.ladder(1.3, 3, 7)
    out = np.empty((2, 7))
    SI._feature_sums(Z, omega, sig, out)
    for r in range(2):
        for l, s in enumerate(sig):
            e = np.exp(1j * (Z[r] @ omega.T) / s)  # (n, F)
            ref = 0.5 * (np.mean(np.abs(e.sum(axis=0)) ** 2) - 11)
            assert out[r, l] == pytest.approx(ref, rel=1e-12, abs=1e-12)


def test_orthogonal_frequencies_are_standard_gaussian_rows_in_orthogonal_blocks():
    rng = np.random.default_rng(3)
    W = SI._frequencies(rng, 10, 4)
    assert W.shape == (10, 4)
    blk = W[:4] / np.linalg.norm(W[:4], axis=1, keepdims=True)
    np.testing.assert_allclose(blk @ blk.T, np.eye(4), atol=1e-12)
    many = np.concatenate([SI._frequencies(rng, 4, 4) for _ in range(5000)])
    np.testing.assert_allclose(many.T @ many / len(many), np.eye(4), atol=0.05)  # E w w^T = I
    np.testing.assert_allclose(np.mean(np.sum(many ** 2, axis=1)), 4.0, rtol=0.02)  # chi^2_4


def test_rank_pvalues_and_min_p_match_their_definitions():
    rng = np.random.default_rng(2)
    T = rng.integers(0, 6, (25, 3)).astype(float)  # many ties
    p = SR.rank_pvalues(T)
    for r in range(25):
        for l in range(3):
            assert p[r, l] == np.mean(T[:, l] >= T[r, l])
    m = p.min(axis=1)
    z = ((T - T.mean(axis=0)) / T.std(axis=0)).max(axis=1)
    ref = np.mean([(m[r] < m[0]) or (m[r] == m[0] and z[r] >= z[0] - 1e-9) for r in range(25)])
    assert SR.aggregate_pvalue(p, T) == ref


def _brute_aggregate(S, pe):
    """min-p over the bandwidths, ties broken by the largest standardized statistic."""
    m = pe.min(axis=1)
    sd = S.std(axis=0)
    z = np.max([(S[:, l] - S[:, l].mean()) / sd[l] if sd[l] > 0 else np.zeros(len(S))
                for l in range(S.shape[1])], axis=0)
    keep = [(m[r] < m[0] * (1 - 1e-12)) or (abs(m[r] - m[0]) <= 1e-12 * m[0]
                                           and z[r] >= z[0] - 1e-12 * np.abs(z).max())
            for r in range(len(S))]
    return float(np.mean(keep))


# ----- invariance: exact enumeration against brute force ------------------------------------------
def _brute_median_sigma(x, pbar):
    """sigma^2 = median_{i<j} (|x_i|^2 + |x_j|^2 - 2 <x_i, P x_j>), by loops."""
    vals = [x[i] @ x[i] + x[j] @ x[j] - 2 * x[i] @ (pbar @ x[j])
            for i in range(len(x)) for j in range(i + 1, len(x))]
    return math.sqrt(np.median(vals))


@pytest.mark.parametrize("group, n", [(Cyclic(2), 7), (Cyclic(3), 6), (Dihedral(2), 5)])
def test_exhaustive_invariance_test_equals_brute_force(group, n):
    """p = #{a in G^n : S(aX) >= S(X)} / |G|^n with S the kernel sum at each bandwidth, and the
    min-p aggregate, by explicit loops over every tuple of elements."""
    x = np.random.default_rng(7).standard_normal((n, 2)) + [0.3, 0.0]
    E = group.elements()
    sigma = _brute_median_sigma(x, E.mean(axis=0))
    sig = [sigma * math.sqrt(2.0 ** (3 - l)) for l in range(7)]
    S = []
    for tup in itertools.product(range(len(E)), repeat=n):
        xa = np.stack([E[g] @ x[i] for i, g in enumerate(tup)])
        S.append([sum(math.exp(-np.sum((xa[i] - xa[j]) ** 2) / (2 * s * s))
                      for i in range(n) for j in range(i + 1, n)) for s in sig])
    S = np.array(S)  # row 0: the identity tuple (element 0 of C_k and D_k is the identity)
    assert np.allclose(E[0], np.eye(2))
    tol = 1e-12 * np.abs(S).max(axis=0)
    p_each = np.array([[np.mean(S[:, l] >= S[r, l] - tol[l]) for l in range(7)]
                       for r in range(len(S))])
    res = invariance_test(x, group, n_randomizations="all", seed=0)
    assert res.exhaustive and res.n_randomizations == len(E) ** n
    np.testing.assert_allclose(res.bandwidths, sig, rtol=1e-12)
    np.testing.assert_allclose(res.pvalues, p_each[0], rtol=1e-12)
    assert res.pvalue == pytest.approx(_brute_aggregate(S, p_each), rel=1e-12)
    med = invariance_test(x, group, method="median", n_randomizations="all", seed=0)
    assert med.pvalue == pytest.approx(np.mean(S[:, 3] >= S[0, 3] - tol[3]), rel=1e-12)


def test_finite_group_statistic_is_the_exact_u_statistic():
    """U = 2/(n(n-1)) sum_{i<j} [k(x_i, x_j) - mean_g k(x_i, g x_j)] for C_4 by loops."""
    G = Cyclic(4)
    x = np.random.default_rng(3).standard_normal((15, 2)) * [1.5, 0.5]
    res = invariance_test(x, G, n_randomizations=19, seed=0)
    E = G.elements()
    for l, s in enumerate(res.bandwidths):
        def k(a, b):
            return math.exp(-np.sum((a - b) ** 2) / (2 * s * s))
        u = sum(k(x[i], x[j]) - np.mean([k(x[i], g @ x[j]) for g in E])
                for i in range(15) for j in range(i + 1, 15)) * 2 / (15 * 14)
        assert res.statistics[l] == pytest.approx(u, rel=1e-10, abs=1e-14)
    assert not any("Monte Carlo" in nt for nt in res.notes)


def test_continuous_group_statistic_is_unbiased_against_the_bessel_closed_form():
    """SO(2): k_G(x, y) = exp(-(|x|^2 + |y|^2) / (2 s^2)) I_0(|x||y| / s^2) (mpmath Bessel); the
    statistic averages k_G over the B randomized copies (Monte Carlo, error ~ 1/sqrt(B))."""
    x = np.random.default_rng(4).standard_normal((12, 2)) + [0.8, 0.0]
    res = invariance_test(x, SO(2), method="median", n_randomizations=4000, seed=1)
    s = res.bandwidths[0]
    r = np.linalg.norm(x, axis=1)
    u = 0.0
    for i in range(12):
        for j in range(i + 1, 12):
            kg = math.exp(-(r[i] ** 2 + r[j] ** 2) / (2 * s * s)) * float(
                mpmath.besseli(0, r[i] * r[j] / (s * s)))
            u += math.exp(-np.sum((x[i] - x[j]) ** 2) / (2 * s * s)) - kg
    u *= 2 / (12 * 11)
    assert res.statistics[0] == pytest.approx(u, abs=4e-3)
    assert any("Monte Carlo" in nt for nt in res.notes)


def test_invariant_bandwidth_does_not_change_under_the_group():
    rng = np.random.default_rng(5)
    cases = [(SO(3), (30, 3)), (Symmetric(5, axis=-1), (30, 5)), (Cyclic(4), (30, 2)),
             (Symmetric(3), (30, 3, 2))]
    for G, shape in cases:
        x = rng.standard_normal(shape)
        gx = A.act(G, G.sample(30, rng), x)
        s1, _ = SI._invariant_bandwidth(G, x, A.kernel_features(G, x), rng)
        s2, _ = SI._invariant_bandwidth(G, gx, A.kernel_features(G, gx), rng)
        assert s1 == pytest.approx(s2, rel=1e-12)


# ----- invariance: size and power -------------------------------------------------------------------
def _c4_mixture(rng, n):
    v = rng.normal([1.0, 0.3], 0.3, (n, 2))
    k = rng.integers(0, 4, n)
    return np.einsum("nij,nj->ni", Cyclic(4).elements()[k], v)


NULLS = {
    "SO(3) Gaussian": (SO(3), lambda r: r.standard_normal((30, 3))),
    "C4 mixture": (Cyclic(4), lambda r: _c4_mixture(r, 30)),
    "S5 exchangeable": (Symmetric(5, axis=-1),
                        lambda r: r.standard_normal((30, 5)) + r.standard_normal((30, 1))),
    "S4 clouds": (Symmetric(4), lambda r: r.standard_normal((30, 4, 2)) * [1.0, 3.0]),
    "torus uniform": (Translations(2), lambda r: r.uniform(0, 1, (30, 2))),
    "SO(2) plane of R^3": (SO(2, dim=3, plane=(0, 2)),
                           lambda r: r.standard_normal((30, 3)) * [1.0, 2.0, 1.0] + [0, 3, 0]),
}


@pytest.mark.parametrize("name", sorted(NULLS))
@pytest.mark.parametrize("method", ["aggregate", "median"])
def test_invariance_test_has_exact_size(name, method):
    G, make = NULLS[name]
    rng = np.random.default_rng([11, len(name)])
    rejections = sum(invariance_test(make(rng), G, method=method, n_randomizations=B_SMALL,
                                     seed=r).pvalue <= 0.05 for r in range(REPS))
    assert LO <= rejections <= HI, (name, method, rejections)


def test_feature_method_has_exact_size():
    G, make = NULLS["SO(3) Gaussian"]
    rng = np.random.default_rng(12)
    rejections = sum(invariance_test(make(rng), G, method="features", n_randomizations=B_SMALL,
                                     n_features=16, seed=r).pvalue <= 0.05 for r in range(REPS))
    assert LO <= rejections <= HI


ALTERNATIVES = {
    "SO(3) shifted mean": (SO(3), lambda r: r.standard_normal((40, 3)) + [0.9, 0, 0]),
    "C2- but not C4-invariant": (Cyclic(4), lambda r: r.standard_normal((60, 2)) * [2.0, 0.5]),
    "S5 one coordinate shifted": (Symmetric(5, axis=-1),
                                  lambda r: r.standard_normal((40, 5)) + [0, 0, 0, 0, 1.2]),
    "torus concentrated": (Translations(2), lambda r: r.beta(2, 5, (40, 2))),
}


@pytest.mark.parametrize("name", sorted(ALTERNATIVES))
@pytest.mark.parametrize("method", ["aggregate", "median", "features"])
def test_invariance_test_detects_known_asymmetries(name, method):
    G, make = ALTERNATIVES[name]
    rng = np.random.default_rng(13)
    p = [invariance_test(make(rng), G, method=method, n_randomizations=99, seed=r).pvalue
         for r in range(20)]
    assert np.mean(np.array(p) <= 0.05) >= 0.85, (name, method, p)


def test_c2_invariant_data_pass_the_c2_test_and_fail_the_c4_test():
    """N(0, diag(4, 1/4)) is invariant under x -> -x (C_2) but not under rotation by 90 degrees."""
    rng = np.random.default_rng(14)
    x = rng.standard_normal((80, 2)) * [2.0, 0.5]
    assert invariance_test(x, Cyclic(4), seed=0).pvalue <= 0.005
    rej = sum(invariance_test(rng.standard_normal((30, 2)) * [2.0, 0.5], Cyclic(2),
                              n_randomizations=B_SMALL, seed=r).pvalue <= 0.05 for r in range(REPS))
    assert LO <= rej <= HI


# ----- reproducibility, progress, bad input ----------------------------------------------------------
def test_results_are_reproducible_and_independent_of_chunking(monkeypatch):
    x = np.random.default_rng(6).standard_normal((25, 3)) + [0.2, 0, 0]
    a = invariance_test(x, SO(3), seed=3)
    b = invariance_test(x, SO(3), seed=np.random.default_rng(3))
    monkeypatch.setattr(SR, "_CHUNK_DOUBLES", 100)
    c = invariance_test(x, SO(3), seed=3, progress=True)
    for r in (b, c):
        assert r.pvalue == a.pvalue
        np.testing.assert_array_equal(r.statistics, a.statistics)
    assert isinstance(a, SymmetryTestResult) and "SO(3)" in repr(a)
    assert a.reject(0.999) and not a.reject(a.pvalue / 2)


def test_invariance_test_bad_input():
    x = np.random.default_rng(0).standard_normal((10, 2))
    with pytest.raises(InvalidValueError, match="not a group"):
        invariance_test(x, PartialRotations(0.3))
    with pytest.raises(InvalidValueError, match="not a group"):
        invariance_test(x, TransformationSet([np.eye(2), np.diag([1.0, -1.0]) * 0.5 + np.eye(2) * 0.5],
                                             is_group=False))
    with pytest.raises(InvalidValueError, match="last axis of length 3"):
        invariance_test(x, SO(3))
    with pytest.raises(InvalidValueError, match="at least 2 samples"):
        invariance_test(x[:1], SO(2))
    with pytest.raises(InvalidValueError, match="method"):
        invariance_test(x, SO(2), method="mmd")
    with pytest.raises(InvalidValueError, match="n_randomizations"):
        invariance_test(x, SO(2), n_randomizations=0)
    with pytest.raises(InvalidValueError, match="n_randomizations"):
        invariance_test(x, SO(2), n_randomizations="every")
    with pytest.raises(InvalidValueError, match="finite group"):
        invariance_test(x, SO(2), n_randomizations="all")
    with pytest.raises(InvalidValueError, match="finite group"):
        invariance_test(x, Cyclic(4), n_randomizations="all")  # 4^10 > 65536
    with pytest.raises(InvalidValueError, match="bandwidth"):
        invariance_test(x, SO(2), bandwidth=-1.0)
    with pytest.raises(InvalidValueError, match="bandwidth"):
        invariance_test(x, SO(2), bandwidth="scott")
    with pytest.raises(InvalidTypeError, match="progress"):
        invariance_test(x, SO(2), progress=1)
    with pytest.raises(InvalidValueError, match="finite"):
        invariance_test(np.full((5, 2), np.nan), SO(2))
    with pytest.raises(InvalidValueError, match="too large"):
        invariance_test(x * 1e200, SO(2))
    with pytest.raises(InvalidValueError, match="alpha"):
        invariance_test(x, SO(2), n_randomizations=9, seed=0).reject(1.5)
    with pytest.raises(InvalidValueError, match="equivariance"):
        invariance_test(x, SO(2), n_randomizations=9, seed=0).size_bound(1.0)


def test_points_on_fixed_points_give_a_note_and_p_one():
    res = invariance_test(np.zeros((6, 2)), SO(2), n_randomizations=9, seed=0)
    assert res.pvalue == 1.0 and any("fixed points" in nt for nt in res.notes)


# ----- equivariance ---------------------------------------------------------------------------------
def _rot2(t):
    c, s = np.cos(2 * np.pi * t), np.sin(2 * np.pi * t)
    return np.stack([np.stack([c, -s], -1), np.stack([s, c], -1)], -2).reshape(len(t), 2, 2)


def _rho_circle(elems):
    """A representation of the circle group T^1 = R/Z on R^2: t -> rotation by 2 pi t."""
    return _rot2(np.asarray(elems)[:, 0])


EQ_NULLS = {
    # transitive action: the matched representatives coincide, the test is exact
    "circle, rho rotation": (Translations(1), _rho_circle, lambda r: (
        r.uniform(0, 1, (40, 1)), None)),
    "SO(2) same, anisotropic x": (SO(2), "same", lambda r: (
        r.standard_normal((40, 2)) * [2.0, 0.5], None)),
    "C4 invariance of y|x": (Cyclic(4), None, lambda r: (
        r.standard_normal((40, 2)) * [2.0, 0.5], None)),
    # discrete inputs: most matched pairs have equal representatives (near exact)
    "S5 same, discrete x": (Symmetric(5, axis=-1), "same", lambda r: (
        r.integers(0, 3, (40, 5)).astype(float), None)),
    # a 5-dimensional quotient: calibrated by the mean correction (0.105 without it)
    "S5 same, anisotropic x": (Symmetric(5, axis=-1), "same", lambda r: (
        r.standard_normal((40, 5)) * [1, 2, 3, 1, 1], None)),
}


def _eq_outputs(name, x, r):
    if name.startswith("circle"):
        ang = 2 * np.pi * x[:, 0]
        return 1.5 * np.stack([np.cos(ang), np.sin(ang)], 1) + 0.3 * r.standard_normal((len(x), 2))
    if name.startswith("SO(2)"):
        return x * (1 + 0.2 * np.linalg.norm(x, axis=1, keepdims=True)) + \
            0.3 * r.standard_normal(x.shape)
    if name.startswith("C4"):
        return np.sum(x ** 4, axis=1) + 0.5 * r.standard_normal(len(x))  # C4-invariant
    return x + 0.3 * x.sum(axis=1, keepdims=True) + 0.3 * r.standard_normal(x.shape)


@pytest.mark.parametrize("name", sorted(EQ_NULLS))
def test_equivariance_test_size(name):
    G, rho, make = EQ_NULLS[name]
    rng = np.random.default_rng([21, len(name)])
    rej = 0
    for r in range(REPS):
        x, _ = make(rng)
        res = equivariance_test(x, _eq_outputs(name, x, rng), G, rho, n_randomizations=B_SMALL,
                                seed=r)
        rej += res.pvalue <= 0.05
    assert LO <= rej <= HI, (name, rej)


EQ_ALTERNATIVES = {
    "SO(2) abs": (SO(2), "same", lambda x, r: np.abs(x) + 0.3 * r.standard_normal(x.shape)),
    "C4 y = x0": (Cyclic(4), None, lambda x, r: x[:, 0] + 0.3 * r.standard_normal(len(x))),
    "S5 weighted": (Symmetric(5, axis=-1), "same",
                    lambda x, r: x * [1, 1, 1, 1, 4] + 0.3 * r.standard_normal(x.shape)),
    "circle, wrong speed": (Translations(1), _rho_circle, lambda x, r: np.stack(
        [np.cos(4 * np.pi * x[:, 0]), np.sin(4 * np.pi * x[:, 0])], 1)
        + 0.3 * r.standard_normal((len(x), 2))),
}


@pytest.mark.parametrize("name", sorted(EQ_ALTERNATIVES))
def test_equivariance_test_power(name):
    G, rho, out = EQ_ALTERNATIVES[name]
    rng = np.random.default_rng(22)
    p = []
    for r in range(20):
        if G.action == "translation":
            x = rng.uniform(0, 1, (50, 1))
        elif G.action == "permutation":
            x = rng.integers(0, 3, (50, G.n)).astype(float)
        else:
            x = rng.standard_normal((50, G.n)) * np.linspace(2.0, 0.5, G.n)
        p.append(equivariance_test(x, out(x, rng), G, rho, n_randomizations=99, seed=r).pvalue)
    assert np.mean(np.array(p) <= 0.05) >= 0.85, (name, p)


def _brute_mean_shift(g, eta, pairs):
    """Delta_i = mhat(gamma_i) - mhat(gamma_partner) by loops: Nadaraya-Watson on the pair
    averages, squared bandwidth the median squared distance to the ceil(sqrt n)-th neighbour."""
    n = len(g)
    D = [[float(np.sum((g[a] - g[b]) ** 2)) for b in range(n)] for a in range(n)]
    k = min(n - 1, math.ceil(math.sqrt(n)))
    h2 = float(np.median([sorted(D[a])[k] for a in range(n)]))
    avg = eta.copy()
    for i, j in pairs:
        avg[i] = avg[j] = (eta[i] + eta[j]) / 2
    w = [[math.exp(-D[a][b] / (2 * h2)) for b in range(n)] for a in range(n)]
    mhat = [sum(w[a][b] * avg[b] for b in range(n)) / sum(w[a]) for a in range(n)]
    shift = np.zeros_like(eta)
    for i, j in pairs:
        shift[i] = mhat[i] - mhat[j]
        shift[j] = mhat[j] - mhat[i]
    return shift


def _brute_equivariance(x, y, group, rho, seed, correction):
    """Everything after the canonicalization by loops: greedy matching of the representatives,
    transported outputs, the V-statistic MMD^2 with a product Gaussian kernel for every swap
    pattern, and the rank p-values."""
    rng = np.random.default_rng(seed)
    gamma, tau = A.canonicalize(group, x, rng)
    n = len(x)
    g = gamma.reshape(n, -1)
    pairs = [tuple(p) for p in SE._match_pairs(g)]
    assert sorted(i for p in pairs for i in p) == list(range(n - n % 2)) or n % 2
    inv = np.swapaxes(tau, 1, 2)
    eta = np.stack([inv[i] @ y[i] for i in range(n)]) if rho == "same" else y.copy()
    part = list(range(n))
    for i, j in pairs:
        part[i], part[j] = j, i
    shift = _brute_mean_shift(g, eta, pairs) if correction else np.zeros_like(eta)
    moved = eta[part] + shift
    z = np.stack([tau[i] @ moved[i] for i in range(n)]) if rho == "same" else moved
    dx = [[np.sum((x[i] - x[j]) ** 2) for j in range(n)] for i in range(n)]
    sx2 = np.median([dx[i][j] for i in range(n) for j in range(i + 1, n)])
    pool = np.concatenate([y, z])
    sy2 = np.median([np.sum((pool[i] - pool[j]) ** 2) for i in range(2 * n)
                     for j in range(i + 1, 2 * n)])
    stats = []
    for s in itertools.product([1, -1], repeat=len(pairs)):
        a, b = y.copy(), z.copy()
        for (i, j), sg in zip(pairs, s):
            if sg < 0:
                a[i], b[i], a[j], b[j] = z[i], y[i], z[j], y[j]
        row = []
        for l in range(5):
            c = 2.0 ** (2 - l)

            def k(u, v, i, j):
                return math.exp(-dx[i][j] / (2 * sx2 * c) - np.sum((u - v) ** 2) / (2 * sy2 * c))
            mmd = sum(k(a[i], a[j], i, j) + k(b[i], b[j], i, j) - 2 * k(a[i], b[j], i, j)
                      for i in range(n) for j in range(n)) / n ** 2
            row.append(mmd)
        stats.append(row)
    S = np.array(stats)
    tol = 1e-12 * np.abs(S).max(axis=0)
    pe = np.array([[np.mean(S[:, l] >= S[r, l] - tol[l]) for l in range(5)] for r in range(len(S))])
    cost = sum(np.linalg.norm(g[i] - g[j]) for i, j in pairs)
    return S[0], pe[0], _brute_aggregate(S, pe), cost


@pytest.mark.parametrize("correction", ["mean", None])
@pytest.mark.parametrize("group, rho", [(SO(2), "same"), (Cyclic(4), None)])
def test_exhaustive_equivariance_test_equals_brute_force(group, rho, correction):
    rng = np.random.default_rng(8)
    x = rng.standard_normal((11, 2)) * [2.0, 0.6]
    y = np.abs(x) + 0.2 * rng.standard_normal((11, 2)) if rho else x[:, 0] + rng.standard_normal(11)
    y = y if rho else y[:, None]
    stat, pe, p, cost = _brute_equivariance(x, y, group, rho, 5, correction)
    res = equivariance_test(x, y, group, rho, n_randomizations="all", correction=correction,
                            seed=5)
    assert res.exhaustive and res.n_randomizations == 2 ** 5 and res.n_pairs == 5
    np.testing.assert_allclose(res.statistics, stat, rtol=1e-10)
    np.testing.assert_allclose(res.pvalues, pe, rtol=1e-12)
    assert res.pvalue == pytest.approx(p, rel=1e-12)
    assert res.matching_cost == pytest.approx(cost, rel=1e-10)
    if correction is None:
        assert res.size_bound(0.5) == pytest.approx(min(1.0, 0.05 + 0.5 * cost))


def test_matching_is_a_perfect_matching_no_worse_than_greedy_and_optimal_in_one_dimension():
    """Brute force: in 1-D the sorted consecutive pairing minimizes the sum of matched distances;
    in 2-D the result is a perfect matching whose cost is at most the greedy one's."""
    rng = np.random.default_rng(11)
    r = rng.exponential(1.0, (30, 1))
    P = SE._match_pairs(r)
    srt = np.sort(r[:, 0])
    assert np.sort(P.ravel()).tolist() == list(range(30))
    assert np.abs(r[P[:, 0], 0] - r[P[:, 1], 0]).sum() == pytest.approx(
        np.abs(srt[1::2] - srt[::2]).sum(), rel=1e-12)
    g = rng.standard_normal((41, 2))
    P2 = SE._match_pairs(g)
    assert P2.shape == (20, 2) and len(set(P2.ravel())) == 40
    D = np.linalg.norm(g[:, None] - g[None], axis=2)
    used, greedy = set(), 0.0
    for d, i, j in sorted((D[i, j], i, j) for i in range(41) for j in range(i + 1, 41)):
        if i not in used and j not in used:
            used |= {i, j}
            greedy += d
    assert D[P2[:, 0], P2[:, 1]].sum() <= greedy + 1e-12


def test_far_matches_are_reported():
    """S_5 on 40 continuous points: the quotient (sorted vectors) is 5-dimensional, matched pairs
    are far apart and the result says so (its size is not controlled; see size_bound)."""
    rng = np.random.default_rng(10)
    x = rng.standard_normal((40, 5))
    res = equivariance_test(x, x + 0.3 * rng.standard_normal((40, 5)), Symmetric(5, axis=-1),
                            "same", n_randomizations=19, seed=0)
    assert any("size may exceed alpha" in nt for nt in res.notes)
    assert res.matching_cost > 10
    with pytest.raises(InvalidValueError, match="correction=None"):
        res.size_bound(0.1)
    plain = equivariance_test(x, x + 0.3 * rng.standard_normal((40, 5)), Symmetric(5, axis=-1),
                              "same", n_randomizations=19, correction=None, seed=0)
    assert plain.size_bound(0.1) > 0.5
    xs = rng.standard_normal((50, 2))
    near = equivariance_test(xs, xs + 0.3 * rng.standard_normal((50, 2)), SO(2), "same",
                             n_randomizations=19, seed=0)
    assert not any("size may exceed" in nt for nt in near.notes)


def test_transitive_action_is_exact_and_says_so():
    x = np.random.default_rng(9).uniform(0, 1, (20, 1))
    res = equivariance_test(x, np.cos(2 * np.pi * x), Translations(1), None, n_randomizations=19,
                            seed=0)
    assert res.matching_cost == 0.0 and res.calibration.startswith("exact")
    assert res.size_bound(10.0) == 0.05


def test_equivariance_test_bad_input():
    x = np.random.default_rng(0).standard_normal((10, 2))
    with pytest.raises(InvalidValueError, match="len"):
        equivariance_test(x, x[:9], SO(2), "same")
    with pytest.raises(InvalidTypeError, match="rho"):
        equivariance_test(x, x, SO(2), "rotate")
    with pytest.raises(InvalidValueError, match="rho"):
        equivariance_test(x, x, SO(2), lambda e: np.ones((len(e), 3, 3)))
    with pytest.raises(InvalidValueError, match="last axis"):
        equivariance_test(x, x[:, :1], SO(2), "same")
    with pytest.raises(InvalidValueError, match="translations"):
        equivariance_test(np.mod(x, 1), x, Translations(2), "same")
    with pytest.raises(InvalidValueError, match="not a group"):
        equivariance_test(x, x, PartialRotations(0.2), "same")
    with pytest.raises(InvalidValueError, match="swap patterns"):
        equivariance_test(np.random.default_rng(0).standard_normal((40, 2)),
                          np.zeros(40), SO(2), n_randomizations="all")
    with pytest.raises(InvalidValueError, match="method"):
        equivariance_test(x, x, SO(2), "same", method="features")
    with pytest.raises(InvalidValueError, match="at most 4000"):
        equivariance_test(np.zeros((4001, 2)), np.zeros(4001), SO(2))
    with pytest.raises(InvalidValueError, match="correction"):
        equivariance_test(x, x, SO(2), "same", correction="median")
