"""Reynolds averaging Q f (THEORY.md section 3): exactness, invariance, Lip(Qf) <= Lip(f), and the
property tests ||f - Qf||_inf <= ee_inf(f), ||f - Qf||_{L^p} <= ee_p(f), the triangle inequality
and the seminorm convexity of ee, on random models."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit

from symbound.errors import InvalidTypeError, InvalidValueError
from symbound.groups import O, SO, Cyclic, Dihedral, Symmetric
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
    Qf = symmetrize(lambda xs: xs[:, 0] ** 2, SO(3), n_group_samples=4000, seed=0)
    assert Qf.method == "monte-carlo" and not Qf.is_exact
    # E_g (g x)_0^2 = |x|^2 / 3; MC sd of the mean (for |x| = 1) is sqrt(4/45 / 4000) ~ 0.0047
    assert np.allclose(Qf(X) / (X ** 2).sum(1), 1 / 3, atol=0.025)
    assert np.array_equal(Qf(X), symmetrize(lambda xs: xs[:, 0] ** 2, SO(3), n_group_samples=4000,
                                            seed=0)(X))


@pytest.mark.parametrize("group,sym", [(Cyclic(8, dim=3), "exact"), (SO(3), "monte-carlo")])
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
