"""Distributional asymmetry E_g MMD(mu, g#mu) (symbound.numeric.asymmetry): estimate against brute
force, the upper bound's coverage by simulation against closed forms, the inequality behind it on
random instances (hypothesis), and bad input."""

import math

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from symbound.errors import InvalidTypeError, InvalidValueError
from symbound.groups import (SO, Cyclic, Dihedral, PartialRotations, Symmetric, Translations,
                             TransformationSet)
from symbound.numeric import asymmetry as AS
from symbound.numeric.asymmetry import DistributionalAsymmetry, distributional_asymmetry


def _k(a, b, s):
    return np.exp(-np.sum((a[:, None, :] - b[None, :, :]) ** 2, axis=2) / (2 * s * s))


def test_exact_estimate_equals_brute_force():
    """C_4: mean over the 4 rotations of sqrt((2/n^2) sum_ij [k(x_i, x_j) - k(x_i, g x_j)])."""
    x = np.random.default_rng(0).standard_normal((20, 2)) * [1.5, 0.5] + [0.3, 0.0]
    res = distributional_asymmetry(x, Cyclic(4), bandwidth=0.8)
    ref = np.mean([math.sqrt(max(2 * (_k(x, x, 0.8).sum() - _k(x, x @ g.T, 0.8).sum()), 0.0)) / 20
                   for g in Cyclic(4).elements()])
    assert res.exhaustive and res.n_group_samples == 4
    assert res.estimate == pytest.approx(ref, rel=1e-12)
    t = res.terms
    assert t["monte_carlo"] == 0.0 and t["delta_mc"] == 0.0 and t["grid_size"] == 1
    assert t["sampling"] == pytest.approx(math.sqrt(2) * (1 + math.sqrt(math.log(1 / 0.05)))
                                          / math.sqrt(20))
    assert res.upper == pytest.approx(res.estimate + t["sampling"])
    assert res.failure_probability == pytest.approx(0.05)


def test_orbit_gap_sums_match_the_difference_of_kernel_sums():
    rng = np.random.default_rng(7)
    x = rng.standard_normal((9, 3))
    gs = SO(3).sample(4, rng)
    Dg = np.stack([x @ g.T - x for g in gs])
    out = np.empty(4)
    AS.SK.orbit_gap_sums(x, Dg, 0.3, out)
    for r, g in enumerate(gs):
        ref = sum(math.exp(-0.3 * np.sum((x[i] - x[j]) ** 2))
                  - math.exp(-0.3 * np.sum((x[i] - g @ x[j]) ** 2))
                  for i in range(9) for j in range(9))
        assert out[r] == pytest.approx(ref, rel=1e-11, abs=1e-13)
    AS.SK.orbit_gap_sums(x, np.zeros((1, 9, 3)), 0.3, out[:1])
    assert out[0] == 0.0  # the identity: exactly zero, no cancellation


def test_monte_carlo_estimate_converges_to_the_quadrature_over_the_circle():
    """SO(2): the mean over M iid angles against 4096 equispaced angles (spectrally accurate)."""
    x = np.random.default_rng(1).standard_normal((15, 2)) + [1.0, 0.0]
    res = distributional_asymmetry(x, SO(2), bandwidth=1.0, n_group_samples=4000, seed=2)
    th = 2 * np.pi * np.arange(4096) / 4096
    kxx = _k(x, x, 1.0).sum()
    vals = [math.sqrt(max(2 * (kxx - _k(x, x @ np.array([[math.cos(a), -math.sin(a)],
                                                          [math.sin(a), math.cos(a)]]).T,
                                          1.0).sum()), 0)) / 15 for a in th]
    assert not res.exhaustive and res.n_group_samples == 4000
    assert res.estimate == pytest.approx(np.mean(vals), abs=4 * np.std(vals) / math.sqrt(4000))
    assert 0 < res.terms["monte_carlo"] < 0.05


def _true_asymmetry_gaussian(a, t, s, elements=None):
    """A = E_g MMD(mu, g#mu) for mu = N(a, t^2 I_2) and the Gaussian kernel of bandwidth s:
    E k(x, g x') = c exp(-|a - g a|^2 / (2 (s^2 + 2 t^2))), c = s^2 / (s^2 + 2 t^2); finite
    ``elements`` averaged exactly, else SO(2) by mpmath quadrature over the angle."""
    c = s * s / (s * s + 2 * t * t)
    a = np.asarray(a, float)

    def mmd(sq_dist):
        return math.sqrt(2 * c * (1 - math.exp(-sq_dist / (2 * (s * s + 2 * t * t)))))
    if elements is not None:
        return float(np.mean([mmd(np.sum((a - g @ a) ** 2)) for g in elements]))
    r2 = float(a @ a)
    return float(mpmath.quad(lambda th: mmd(2 * r2 * (1 - mpmath.cos(th))), [0, mpmath.pi])
                 / mpmath.pi)


@pytest.mark.parametrize("group, bandwidth", [(Cyclic(4), 1.0), (SO(2), 1.0), (Cyclic(4), "median"),
                                              (Dihedral(3), 0.7)])
def test_upper_bound_covers_the_true_asymmetry(group, bandwidth):
    """200 samples of n = 50 from N((1.5, 0), I): the bound holds in at least 95% of them minus
    3 binomial sd (it is conservative: all of them); without its sampling term it would fail in
    about half (checked: the estimate alone is below the truth in a large fraction)."""
    a, t = np.array([1.5, 0.0]), 1.0
    rng = np.random.default_rng(3)
    elems = group.elements() if group.is_finite else None
    covered, below = 0, 0
    cache = {}
    for r in range(200):
        x = a + t * rng.standard_normal((50, 2))
        res = distributional_asymmetry(x, group, bandwidth=bandwidth, n_group_samples=100, seed=r)
        s = res.bandwidth
        if s not in cache:
            cache[s] = _true_asymmetry_gaussian(a, t, s, elems)
        covered += cache[s] <= res.upper
        below += res.estimate < cache[s]
    assert covered >= 200 * (0.95 - 3 * math.sqrt(0.05 * 0.95 / 200))
    assert below >= 20  # the estimate alone is no upper bound


@pytest.mark.parametrize("seed", range(3))
def test_monte_carlo_term_covers_the_mean(seed):
    """2000 repetitions of M = 50 draws from a law on [0, sqrt 2] with known mean: the mean lies
    below mean_M + eps_MC(delta) in at least 1 - delta of them (delta = 0.1)."""
    rng = np.random.default_rng(seed)
    law = [lambda n: math.sqrt(2) * rng.beta(0.5, 3.0, n),
           lambda n: 0.3 + 0.01 * rng.standard_normal(n).clip(-20, 20),
           lambda n: math.sqrt(2) * rng.integers(0, 2, n)][seed]
    mean = [math.sqrt(2) * 0.5 / 3.5, 0.3, math.sqrt(2) / 2][seed]
    ok = sum(mean <= v.mean() + AS._mc_term(v, 0.1) for v in (law(50) for _ in range(2000)))
    assert ok >= 2000 * 0.9


def _embedding_gap(P, wP, Q, wQ, s):
    """|m_P - m_Q|_H for discrete measures (atoms, weights)."""
    kpp = wP @ _k(P, P, s) @ wP
    kqq = wQ @ _k(Q, Q, s) @ wQ
    kpq = wP @ _k(P, Q, s) @ wQ
    return math.sqrt(max(kpp + kqq - 2 * kpq, 0.0))


def _asym(P, w, elems, s):
    return np.mean([_embedding_gap(P, w, P @ g.T, w, s) for g in elems])


_SETS = [(Cyclic(4), math.sqrt(2)), (Dihedral(3), math.sqrt(2)), (Cyclic(3), math.sqrt(2)),
         (TransformationSet([np.eye(2), Cyclic(8).elements()[1], Cyclic(8).elements()[3]],
                            is_group=False), 2.0)]


@given(st.integers(0, 10_000), st.integers(0, 3), st.floats(0.2, 3.0))
def test_triangle_step_of_the_bound_on_random_measures(seed, which, s):
    """For any two probability measures mu, mu' (here: random discrete ones) and isometries g:
    E_g MMD(mu, g#mu) <= E_g MMD(mu', g#mu') + c_S |m_mu - m_mu'| with c_S = sqrt 2 for Haar
    measure on a group and 2 otherwise (module docstring, steps 1-3)."""
    group, c = _SETS[which]
    rng = np.random.default_rng(seed)
    P = rng.standard_normal((6, 2)) * rng.uniform(0.2, 2.0)
    w = rng.dirichlet(np.ones(6))
    Q = rng.standard_normal((4, 2))
    v = rng.dirichlet(np.ones(4))
    E = group.elements()
    lhs = _asym(P, w, E, s)
    rhs = _asym(Q, v, E, s) + c * _embedding_gap(P, w, Q, v, s)
    assert lhs <= rhs + 1e-12


def test_sets_that_are_not_groups_pay_factor_two():
    x = np.random.default_rng(4).standard_normal((30, 2))
    res = distributional_asymmetry(x, PartialRotations(0.4), bandwidth=1.0, n_group_samples=50,
                                   seed=0)
    assert res.terms["c_S"] == 2.0 and not res.exhaustive
    assert "not a sup equivariance error" in res.describe() or "not a sup" in res.describe()
    grp = distributional_asymmetry(x, SO(2), bandwidth=1.0, n_group_samples=50, seed=0)
    assert grp.terms["c_S"] == pytest.approx(math.sqrt(2))


def test_other_groups_run_and_invariant_data_have_small_estimates():
    rng = np.random.default_rng(5)
    iso = rng.standard_normal((300, 3))
    small = distributional_asymmetry(iso, SO(3), bandwidth=1.5, n_group_samples=100, seed=0)
    big = distributional_asymmetry(iso + [2.0, 0, 0], SO(3), bandwidth=1.5, n_group_samples=100,
                                   seed=0)
    assert small.estimate < 0.2 < big.estimate < big.upper
    exch = distributional_asymmetry(rng.standard_normal((100, 10)), Symmetric(10, axis=-1),
                                    n_group_samples=50, seed=0)
    assert not exch.exhaustive and exch.bandwidth in AS.BANDWIDTH_GRID
    torus = distributional_asymmetry(rng.uniform(0, 1, (100, 2)), Translations(2),
                                     n_group_samples=50, seed=0)
    assert torus.estimate < 0.3
    assert "E_{g ~ lambda} MMD" in repr(torus) or "E_g MMD" in repr(torus)


def test_reproducible_and_progress():
    x = np.random.default_rng(6).standard_normal((40, 2))
    a = distributional_asymmetry(x, SO(2), n_group_samples=30, seed=3)
    b = distributional_asymmetry(x, SO(2), n_group_samples=30, seed=3, progress=True)
    assert a.estimate == b.estimate and a.upper == b.upper
    assert isinstance(a, DistributionalAsymmetry)


def test_bad_input():
    x = np.random.default_rng(0).standard_normal((10, 2))
    with pytest.raises(InvalidValueError, match="bandwidth"):
        distributional_asymmetry(x, SO(2), bandwidth=0.0)
    with pytest.raises(InvalidValueError, match="bandwidth"):
        distributional_asymmetry(x, SO(2), bandwidth="silverman")
    with pytest.raises(InvalidValueError, match="confidence"):
        distributional_asymmetry(x, SO(2), confidence=1.0)
    with pytest.raises(InvalidValueError, match="n_group_samples"):
        distributional_asymmetry(x, SO(2), n_group_samples=0)
    with pytest.raises(InvalidValueError, match="outside the grid"):
        distributional_asymmetry(x * 1e-9, SO(2))
    with pytest.raises(InvalidValueError, match="isometries"):
        a = np.diag([2.0, 1.0])
        distributional_asymmetry(x, TransformationSet([a @ r @ np.linalg.inv(a)
                                                       for r in Cyclic(4).elements()]))
    with pytest.raises(InvalidTypeError, match="progress"):
        distributional_asymmetry(x, SO(2), progress="yes")
    with pytest.raises(InvalidValueError, match="at least 2"):
        distributional_asymmetry(x[:1], SO(2))
