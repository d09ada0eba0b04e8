"""Reynolds averaging Q f (THEORY.md section 3): exactness, invariance, Lip(Qf) <= Lip(f), and the
property tests ||f - Qf||_inf <= ee_inf(f), ||f - Qf||_{L^p} <= ee_p(f), the triangle inequality
and the seminorm convexity of ee, on random models."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit

from symbound.errors import InvalidTypeError, InvalidValueError
from symbound.groups import O, SO, Cyclic, Dihedral, PartialRotations, Symmetric, Translations
from symbound.numeric.orbit import equivariance_error
from symbound.numeric.reynolds import symmetrize


@njit(cache=True)
def njit_x0sq(x):
    return np.array([x[0] * x[0]])


def random_features(seed, q, width=6, dim=2):
    """A random smooth model R^dim -> R^q: C tanh(W x + b)."""
    r = np.random.default_rng(seed)
    W, b, C = r.normal(size=(width, dim)), r.normal(size=width), r.normal(size=(q, width))
    return lambda xs: np.tanh(xs @ W.T + b) @ C.T


def test_exact_average_matches_definition_and_is_invariant():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(25, 2))
    G = Dihedral(4)
    f = random_features(1, 2)
    Qf = symmetrize(f, G, rho="same")
    assert Qf.method == "exact" and Qf.is_exact and Qf.n_group_samples == 8
    ref = np.mean([np.einsum("ji,nj->ni", g, f(X @ g.T)) for g in G.elements()], axis=0)  # g^T f(g x)
    assert np.allclose(Qf(X), ref, atol=1e-13)
    assert equivariance_error(Qf, G, X, rho="same", seed=0).max_observed < 1e-13
    h = symmetrize(lambda xs: xs[:, 0, 0] * xs[:, 1, 1], Symmetric(3))
    pts = rng.normal(size=(10, 3, 2))
    assert h(pts).shape == (10,)
    assert equivariance_error(h, Symmetric(3), pts, seed=0).max_observed < 1e-14


def test_quadrature_is_exact_for_trigonometric_polynomials():
    X = np.random.default_rng(1).normal(size=(20, 2))
    Qf = symmetrize(lambda xs: xs[:, 0] ** 2, SO(2), n_group_samples=5)
    assert Qf.method == "quadrature"
    assert np.allclose(Qf(X), (X ** 2).sum(1) / 2, atol=1e-14)  # E_g (g x)_0^2 = |x|^2 / 2
    Qo = symmetrize(lambda xs: xs[:, 0] + xs[:, 0] * xs[:, 1] ** 2, O(2), n_group_samples=8)
    assert np.allclose(Qo(X), 0.0, atol=1e-14)  # odd in x: the average over O(2) vanishes
    Qn = symmetrize(njit_x0sq, SO(2), n_group_samples=4)
    assert np.allclose(Qn(X)[:, 0], (X ** 2).sum(1) / 2, atol=1e-14)


def test_monte_carlo_so3():
    X = np.random.default_rng(2).normal(size=(30, 3))
    Qf = symmetrize(lambda xs: xs[:, 0] ** 2, SO(3), n_group_samples=4000, seed=0,
                    method="monte-carlo")
    assert Qf.method == "monte-carlo" and not Qf.is_exact
    # E_g (g x)_0^2 = |x|^2 / 3; MC sd of the mean (for |x| = 1) is sqrt(4/45 / 4000) ~ 0.0047
    assert np.allclose(Qf(X) / (X ** 2).sum(1), 1 / 3, atol=0.025)
    assert np.array_equal(Qf(X), symmetrize(lambda xs: xs[:, 0] ** 2, SO(3), n_group_samples=4000,
                                            seed=0, method="monte-carlo")(X))


@pytest.mark.parametrize("group,sym", [(Cyclic(8, dim=3), "exact"), (SO(3), "stratified")])
def test_lipschitz_constant_does_not_grow(group, sym):
    a = np.array([1.5, -2.0, 0.7])
    f = lambda xs: np.sin(xs @ a)  # Lip(f) = |a|
    Qf = symmetrize(f, group, n_group_samples=32, seed=1)
    assert Qf.method == sym
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(400, 3)), rng.normal(size=(400, 3))
    y = x + 0.05 * (y - x) * rng.uniform(size=(400, 1))  # include close pairs
    quot = np.abs(Qf(x) - Qf(y)) / np.linalg.norm(x - y, axis=1)
    assert quot.max() <= np.linalg.norm(a) + 1e-12


def test_auto_method_per_group():
    """auto: exact (finite), quadrature (circle; torus with K = r^n), stratified (SO(3) with
    K >= 32, partial rotations, torus otherwise), Monte Carlo (SO(3) with K < 32, SO(4), S_10)."""
    f = lambda xs: xs[..., 0]
    cases = [(Cyclic(4), 64, "exact"), (SO(2), 64, "quadrature"), (Translations(1), 7, "quadrature"),
             (Translations(2), 64, "quadrature"), (Translations(2), 50, "stratified"),
             (Translations(3), 27, "quadrature"), (SO(3), 64, "stratified"),
             (SO(3), 16, "monte-carlo"), (PartialRotations(np.pi), 16, "stratified"),
             (PartialRotations(np.pi, dim=3, plane=None), 16, "stratified"),
             (SO(4), 64, "monte-carlo"), (Symmetric(10), 64, "monte-carlo")]
    for group, k, method in cases:
        assert symmetrize(f, group, n_group_samples=k, seed=0).method == method, (group, k)


def test_translation_quadrature_is_exact_for_trigonometric_polynomials():
    """The audit's example: sin(2 pi x) + 1 averages to 1 over T^1 (iid K = 64 had error ~0.1).
    On T^2 with K = 4^2 the grid {0, 1/4, 2/4, 3/4}^2 integrates every frequency m with some
    m_a not divisible by 4 exactly (sum_j exp(2 pi i m j / 4) = 0), but not cos(2 pi 4 x_0)."""
    x1 = np.random.default_rng(10).uniform(-3, 3, (200, 1))
    Q1 = symmetrize(lambda xs: np.sin(2 * np.pi * xs[:, 0]) + 1, Translations(1), n_group_samples=64)
    assert Q1.method == "quadrature" and Q1.n_group_samples == 64
    assert np.abs(Q1(x1) - 1.0).max() < 1e-12
    x2 = np.random.default_rng(11).uniform(0, 1, (100, 2))
    f = lambda xs: (np.sin(2 * np.pi * xs[:, 0]) * np.cos(6 * np.pi * xs[:, 1])
                    + np.cos(2 * np.pi * (3 * xs[:, 0] - 2 * xs[:, 1])) + 0.5)
    Q2 = symmetrize(f, Translations(2), n_group_samples=16)
    assert Q2.method == "quadrature" and Q2.n_group_samples == 16
    assert np.abs(Q2(x2) - 0.5).max() < 1e-12
    alias = symmetrize(lambda xs: np.cos(8 * np.pi * xs[:, 0]), Translations(2), n_group_samples=16)
    np.testing.assert_allclose(alias(x2), np.cos(8 * np.pi * x2[:, 0]), atol=1e-12)  # degree r: aliased
    # period P = 2.5: the shifts are 2.5 j / r; sin(2 pi x / 2.5) averages to 0
    Qp = symmetrize(lambda xs: np.sin(2 * np.pi * xs[:, 0] / 2.5), Translations(1, period=2.5),
                    n_group_samples=5)
    assert np.abs(Qp(x1)).max() < 1e-12
    np.testing.assert_allclose(np.sort(Qp.elements[:, 0]), 2.5 * np.arange(5) / 5, atol=1e-15)


def test_stratified_closed_forms_and_smaller_error_than_iid():
    """SO(3): E_g (g x)_0^2 = |x|^2 / 3 (Haar: (g x)/|x| is uniform on the sphere, E u_0^2 = 1/3);
    T^2 with K = 50 (not a square: stratified): E_t exp(sin 2 pi (x_0 + t_0)) cos(2 pi (x_1 + t_1))
    = 0. Mean squared error over 20 seeds: stratified below iid (K = 128 for SO(3), where the
    stratified error was ~10x smaller in measurements; assert only a factor 2)."""
    X = np.random.default_rng(12).normal(size=(100, 3))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    f = lambda xs: xs[:, 0] ** 2
    mse = {}
    for method in ("stratified", "monte-carlo"):
        errs = [symmetrize(f, SO(3), n_group_samples=128, seed=s, method=method)(X) - 1 / 3
                for s in range(20)]
        mse[method] = float(np.mean(np.square(errs)))
    assert mse["stratified"] < 0.5 * mse["monte-carlo"]
    assert mse["stratified"] < 1e-3  # rms error < 0.032 on |x| = 1
    Y = np.random.default_rng(13).uniform(0, 1, (60, 2))
    h = lambda xs: np.exp(np.sin(2 * np.pi * xs[:, 0])) * np.cos(2 * np.pi * xs[:, 1])
    mse_t = {}
    for method in ("stratified", "monte-carlo"):
        errs = [symmetrize(h, Translations(2), n_group_samples=50, seed=s, method=method)(Y)
                for s in range(20)]
        mse_t[method] = float(np.mean(np.square(errs)))
    assert symmetrize(h, Translations(2), n_group_samples=50).method == "stratified"
    assert mse_t["stratified"] < 0.5 * mse_t["monte-carlo"]


@pytest.mark.parametrize("group,method", [(SO(3), "stratified"), (SO(4), "monte-carlo"),
                                          (Translations(2), "stratified")])
def test_sampled_elements_are_shared_by_every_input(group, method):
    """The elements are drawn once: Q f is a deterministic function of x (evaluating a point alone
    or in a batch gives the same value), and the description says so."""
    n = group.n
    X = np.random.default_rng(14).normal(size=(12, n))
    Qf = symmetrize(lambda xs: np.sin(xs @ np.arange(1.0, n + 1)), group, n_group_samples=40, seed=3)
    assert Qf.method == method
    full = Qf(X)
    for i in (0, 5, 11):
        assert Qf(X[i:i + 1])[0] == full[i]
    np.testing.assert_array_equal(Qf(X[::-1]), full[::-1])
    assert "drawn once" in Qf.description and "shared by every input" in Qf.description
    assert "per data point" not in Qf.description


def test_method_errors_name_symmetrize_methods():
    f = lambda xs: xs[:, 0]
    for group, method in [(SO(3), "exact"), (Symmetric(10), "exact"), (SO(4), "stratified"),
                          (Cyclic(3), "stratified"), (SO(3), "quadrature")]:
        with pytest.raises(InvalidValueError, match=f"method='{method}'") as err:
            symmetrize(f, group, method=method)
        msg = str(err.value)
        assert "symmetrize's methods for it are 'auto'" in msg and "'iid'" not in msg, msg
        assert group.name in msg
    with pytest.raises(InvalidValueError, match="n_group_samples = r\\^2.*got n_group_samples=10"):
        symmetrize(f, Translations(2), method="quadrature", n_group_samples=10)


GROUPS = [Cyclic(3), Cyclic(6), Dihedral(2), Dihedral(5)]


@settings(max_examples=25)
@given(seed=st.integers(0, 10_000), gi=st.integers(0, len(GROUPS) - 1), same=st.booleans(),
       p=st.sampled_from([1.0, 2.0, 3.0]))
def test_property_distance_to_Qf_bounded_by_ee(seed, gi, same, p):
    G = GROUPS[gi]
    q = 2 if same else 3
    rho = "same" if same else None
    f = random_features(seed, q)
    X = np.random.default_rng(seed + 1).normal(size=(30, 2))
    Qf = symmetrize(f, G, rho=rho)
    est = equivariance_error(f, G, X, rho=rho, p=p, seed=0)
    d = np.linalg.norm(f(X) - Qf(X), axis=1)
    assert d.max() <= est.max_observed + 1e-12  # ||f - Qf||_inf <= ee_inf (on the sample, exact G)
    assert np.mean(d ** p) ** (1 / p) <= est.value + 1e-12  # ||f - Qf||_{L^p} <= ee_p


@settings(max_examples=25)
@given(seed=st.integers(0, 10_000), gi=st.integers(0, len(GROUPS) - 1), same=st.booleans())
def test_property_triangle_inequality(seed, gi, same):
    """ee_inf(f*) <= ee_inf(f) + 2 ||f - f*||_inf, the sup norm over the orbits of the sample."""
    G = GROUPS[gi]
    q = 2 if same else 1
    rho = "same" if same else None
    f, fs = random_features(seed, q), random_features(seed + 7, q)
    X = np.random.default_rng(seed).normal(size=(20, 2))
    orbit_pts = np.concatenate([X @ g.T for g in G.elements()])
    dist = np.linalg.norm(f(orbit_pts) - fs(orbit_pts), axis=1).max()
    e_f = equivariance_error(f, G, X, rho=rho, seed=0).max_observed
    e_fs = equivariance_error(fs, G, X, rho=rho, seed=0).max_observed
    assert e_fs <= e_f + 2 * dist + 1e-12


@settings(max_examples=25)
@given(seed=st.integers(0, 10_000), t=st.floats(0, 1), p=st.sampled_from([1.0, 2.0, 4.0]),
       exact=st.booleans())
def test_property_seminorm_convexity(seed, t, p, exact):
    """ee((1-t) f + t h) <= (1-t) ee(f) + t ee(h): Minkowski on the same (x, g) samples (exact over
    C_6, or the same seeded Monte Carlo sample of SO(2))."""
    G = Cyclic(6) if exact else SO(2)
    f, h = random_features(seed, 2), random_features(seed + 3, 2)
    mix = lambda xs: (1 - t) * f(xs) + t * h(xs)
    X = np.random.default_rng(seed).normal(size=(25, 2))
    kw = dict(p=p, seed=5, n_group_samples=16, sampling="exact" if exact else "iid")
    lhs = equivariance_error(mix, G, X, **kw).value
    rhs = (1 - t) * equivariance_error(f, G, X, **kw).value + t * equivariance_error(h, G, X, **kw).value
    assert lhs <= rhs + 1e-12


def test_bad_arguments():
    with pytest.raises(InvalidTypeError, match="model must be callable"):
        symmetrize(3, Cyclic(4))
    with pytest.raises(InvalidTypeError, match="group"):
        symmetrize(lambda xs: xs, "C4")
    with pytest.raises(InvalidValueError, match="n_group_samples"):
        symmetrize(lambda xs: xs, SO(3), n_group_samples=0)
    with pytest.raises(InvalidValueError, match="quadrature"):
        symmetrize(lambda xs: xs, SO(3), method="quadrature")
    with pytest.raises(InvalidValueError, match="rho"):
        symmetrize(lambda xs: xs, SO(3), rho="other")
    Qf = symmetrize(lambda xs: xs[:, 0], SO(3))
    with pytest.raises(InvalidValueError, match="last axis of length 3"):
        Qf(np.zeros((4, 2)))


def test_symmetrize_refuses_sets_that_are_not_groups():
    from symbound.errors import InvalidValueError
    from symbound.groups import PartialRotations

    with pytest.raises(InvalidValueError, match="group must be a group"):
        symmetrize(lambda x: x[:, 0], PartialRotations(0.5))


def test_stratified_descriptions_name_the_scheme_actually_used():
    # O(2) is stratified by one angle grid shared by both cosets, SO(3) by a Kronecker lattice
    o2 = symmetrize(lambda xs: xs[:, 1] ** 3, O(2), n_group_samples=8, method="stratified", seed=0)
    assert "4 equispaced angles shared by both cosets" in o2.description
    assert "Kronecker" not in o2.description
    so3 = symmetrize(lambda xs: xs[:, 0] ** 2, SO(3), n_group_samples=64, seed=0)
    assert so3.method == "stratified" and "Kronecker lattice (Roberts R_3)" in so3.description
