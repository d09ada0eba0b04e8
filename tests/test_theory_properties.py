"""Property tests of the inequalities of THEORY.md §3 (stabilizers, graded symmetry, Reynolds over a
subgroup) and §5 (the approximation sandwich of mis-specified models), on random instances.

Everything is exact: finite groups acting on orbit-closed point sets, so that sups over X are
maxima over finitely many points, computed here by brute force in numpy and compared with what
symbound's numeric layer measures.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import symbound as sb

K = 24  # C_24 acting on the plane; its subgroups C_m for m | 24


def _rot(t):
    c, s = np.cos(t), np.sin(t)
    return np.array([[c, -s], [s, c]])


def _orbit_closed_points(rng, n_base=12):
    """n_base random points and all their images under C_K: closed under the group."""
    base = rng.normal(size=(n_base, 2))
    return np.concatenate([base @ _rot(2 * np.pi * j / K).T for j in range(K)])


def _random_model(rng, n_features=6, scale=1.0):
    """f(x) = sum_j a_j cos(w_j . x + b_j): a random smooth, non-invariant model on batches."""
    w = rng.normal(size=(n_features, 2)) * scale
    b = rng.uniform(0, 2 * np.pi, n_features)
    a = rng.normal(size=n_features) / n_features

    def f(x):
        return np.cos(x @ w.T + b) @ a

    return f


def _sup_errors(f, X):
    """e(g_j) = max_x |f(g_j x) - f(x)| for every element g_j = rotation by 2 pi j / K."""
    fx = f(X)
    return np.array([np.max(np.abs(f(X @ _rot(2 * np.pi * j / K).T) - fx)) for j in range(K)])


@given(st.integers(0, 2**31 - 1))
def test_stabilizer_is_symmetric_and_subadditive(seed):
    # THEORY §3: Stab_eps symmetric, Stab_eps Stab_eps' ⊆ Stab_{eps+eps'} (isometric action):
    # with e(g) the least eps with g in Stab_eps, e(g^-1) = e(g) and e(gh) <= e(g) + e(h).
    rng = np.random.default_rng(seed)
    X = _orbit_closed_points(rng)
    e = _sup_errors(_random_model(rng), X)
    assert e[0] == 0.0
    for j in range(K):
        assert e[(-j) % K] == pytest.approx(e[j], abs=1e-12)
        for k in range(K):
            assert e[(j + k) % K] <= e[j] + e[k] + 1e-12


@settings(max_examples=25)
@given(st.integers(0, 2**31 - 1), st.sampled_from([2, 3, 4, 6, 8, 12]))
def test_reynolds_over_subgroup_of_stabilizer(seed, m):
    # THEORY §3: if a subgroup H ⊆ Stab_eps(f) then ||f - Q_H f||_inf <= eps.  H = C_m ⊂ C_24.
    rng = np.random.default_rng(seed)
    X = _orbit_closed_points(rng)
    f = _random_model(rng)
    e = _sup_errors(f, X)
    eps = max(e[j] for j in range(0, K, K // m))  # smallest eps with C_m ⊆ Stab_eps
    Qf = sb.symmetrize(f, sb.groups.Cyclic(m))
    assert np.max(np.abs(f(X) - Qf(X))) <= eps + 1e-12
    # and symbound's measured max over the (exactly enumerated) subgroup is that eps
    est = sb.equivariance_error(f, sb.groups.Cyclic(m), X, seed=0)
    assert est.max_observed == pytest.approx(eps, rel=1e-9, abs=1e-12)


@settings(max_examples=25)
@given(st.integers(0, 2**31 - 1))
def test_pointwise_reynolds_bound(seed):
    # THEORY §3: |f(x) - Qf(x)| <= mean_g e_f(x, g) pointwise (finite group, uniform lambda).
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(50, 2))
    f = _random_model(rng)
    G = sb.groups.Cyclic(7)
    Qf = sb.symmetrize(f, G)
    mats = G.elements()
    e = np.stack([np.abs(f(X @ g.T) - f(X)) for g in mats])  # (|G|, N)
    assert np.all(np.abs(f(X) - Qf(X)) <= e.mean(axis=0) + 1e-12)


@settings(max_examples=25)
@given(st.floats(0.01, 0.3), st.floats(0.2, 2.0), st.floats(1e-3, 0.2))
def test_graded_symmetry_stabilizer_contains_ball(c, R, eps):
    # THEORY §3, graded data symmetry: sup_x |f(g_t x) - f(x)| <= lam |t| implies
    # Stab_eps ⊇ {|t| <= eps/lam}.  f(x) = |x| + c x_0 on the circle of radius R has
    # sup_x |f(g_t x) - f(x)| = c R * 2|sin(t/2)| <= c R |t|, so lam = c R (by hand).
    lam = c * R
    a = np.linspace(0, 2 * np.pi, 720, endpoint=False)
    X = R * np.stack([np.cos(a), np.sin(a)], axis=1)

    def f(x):
        return np.linalg.norm(x, axis=-1) + c * x[..., 0]

    t = np.linspace(-np.pi, np.pi, 181)
    curve = sb.equivariance_error_curve(f, sb.groups.SO(2), X, t)
    stab = set(np.round(curve.stabilizer(eps), 12))
    ball = t[np.abs(t) <= eps / lam]
    assert set(np.round(ball, 12)) <= stab
    assert curve.breaking_rate() <= lam + 1e-12


@settings(max_examples=25)
@given(st.integers(0, 2**31 - 1), st.floats(0.0, 1.0))
def test_mismatch_sandwich(seed, frac):
    # THEORY §5, compact (here finite) group, rho trivial, sup norms over an orbit-closed X:
    #   lower: every f with ee_inf(f) <= eta has ||f - f*|| >= (eta_d - eta)_+ / 2;
    #   upper: f_t = (1 - t) f* + t Q f*, t = 1 - eta/eta_d, has ee_inf(f_t) <= eta and
    #          ||f_t - f*|| <= eta_d - eta.
    rng = np.random.default_rng(seed)
    X = _orbit_closed_points(rng)
    fstar = _random_model(rng)
    G = sb.groups.Cyclic(K)
    eta_d = _sup_errors(fstar, X).max()
    eta = frac * eta_d
    t = 1.0 - eta / eta_d
    Q = sb.symmetrize(fstar, G)
    # Q on the K rotated copies of X (the only inputs below), in one call
    copies = [X @ _rot(2 * np.pi * j / K).T for j in range(K)]
    memo = {c.tobytes(): q for c, q in zip(copies, np.split(Q(np.concatenate(copies)), K))}

    def Qx(x):
        return memo[x.tobytes()]

    def ft(x):
        return (1 - t) * fstar(x) + t * Qx(x)

    assert _sup_errors(ft, X).max() <= eta + 1e-12
    assert np.max(np.abs(ft(X) - fstar(X))) <= eta_d - eta + 1e-12
    # lower end, on random competitors h = ft + small perturbation: check whenever ee(h) <= eta'
    for _ in range(5):
        pert = _random_model(rng, scale=0.5)
        s = rng.uniform(0, 0.2)

        def h(x, pert=pert, s=s):
            return ft(x) + s * pert(x)

        eta_h = _sup_errors(h, X).max()
        assert np.max(np.abs(h(X) - fstar(X))) >= max(eta_d - eta_h, 0.0) / 2 - 1e-12
