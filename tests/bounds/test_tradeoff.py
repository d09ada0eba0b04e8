"""The trade-off calculator (THEORY §5): values, optimum, threshold, phase diagram, bad input.

Expected values are written here from the formulas (Xu & Mannor's partition bound at its surrogate
optimal resolution with power-law coverings, Dudley's entropy integral by mpmath quadrature, the
sandwich of §5), in ``math``/``mpmath``, never from the library's output.  The accounting they
encode: ``Gen(eta) = min(G_S(0) + 2 L_l eta, G_N)`` for eta > 0 with both bounds at the full delta
(the better of the two coverings is taken by ``generalization_bound`` for a level fixed in
advance, with no union bound), ``Gen(0) = G_S(0)``.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import symbound as sb
from symbound.bounds.tradeoff import closed_forms as cf
from symbound.errors import InvalidTypeError, InvalidValueError
from symbound.groups import SO, Cyclic, PartialRotations
from symbound.seam import SupErrorUpperBound
from symbound.spaces import Ball

PKW = dict(method="partition", lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2)
DKW = dict(method="dudley", lipschitz=1, loss_lipschitz=1, loss_bound=1, hypothesis_bound=1)
# power laws of the unit disk and of its quotients by C_k (THEORY §1-2, leading order): (1, 2), (1/k, 2)


def partition_at(V, d, *, n, delta, eta=0.0, C=2, Ll=1.0, L=1.0, M=1.0, m=1, eps=None):
    """Xu & Mannor (2012) Thm 3 with K = C V eps^-d cells and r = 2 L_l (L eps + eta), at eps
    (default: the surrogate minimiser (d D / 2A)^(2/(d+2)), D = M sqrt(2 C V ln 2 / n), A = 2 L_l L)."""
    A = 2 * Ll * L
    if eps is None:
        D = M * math.sqrt(2 * C * V * math.log(2) / n)
        eps = (d * D / (2 * A)) ** (2 / (d + 2))
    return 2 * Ll * (L * eps + eta) + M * math.sqrt(
        (2 * C * V * eps ** (-d) * math.log(2) + 2 * math.log(m) + 2 * math.log(1 / delta)) / n)


def disk_tradeoff(eta_d, n, group=Cyclic(8), **kw):
    opts = dict(PKW, covering="power_law")
    opts.update(kw)
    return sb.tradeoff(Ball(2), group, eta_d, n=n, **opts)


def hand_gen(eta, k, n, delta=0.05):
    """Gen(eta) of C_k on the unit disk with power laws, by hand (module docstring)."""
    gs0 = partition_at(1 / k, 2, n=n, delta=delta)
    return gs0 if eta == 0 else min(gs0 + 2 * eta, partition_at(1, 2, n=n, delta=delta))


# ------------------------------------------------------------------------------------------------
# values against hand-written references
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [10**3, 10**6, 10**10])
@pytest.mark.parametrize("which, c", [("upper", 1.0), ("lower", 0.5)])
def test_total_error_against_hand_reference(n, which, c):
    eta_d, delta = 0.05, 0.05
    t = disk_tradeoff(eta_d, n, delta=delta)
    etas = np.array([0.0, 0.001, 0.02, 0.05, 0.08])
    got = t.total_error(etas, which=which)
    want = [c * max(eta_d - e, 0.0) + 2 * hand_gen(e, 8, n, delta) for e in etas]
    np.testing.assert_allclose(got, want, rtol=1e-12)
    assert t._curve(n).path == "affine"


def test_total_error_is_vectorised_and_shaped():
    t = disk_tradeoff(0.05, 10**6)
    e = np.linspace(0, 0.1, 12).reshape(3, 4)
    out = t.total_error(e)
    assert out.shape == (3, 4)
    flat = t.total_error(e.ravel())
    np.testing.assert_array_equal(out.ravel(), flat)
    assert np.all(t.total_error(e, which="lower") <= out)
    # above eta_d the approximation term vanishes and the bound only grows (F_eta grows)
    above = t.total_error(np.array([0.05, 0.06, 0.1, 0.2]))
    assert np.all(np.diff(above) >= 0)


def test_generalization_is_the_bound_of_generalization_bound_at_full_delta():
    t = disk_tradeoff(0.05, 10**6)
    g = t.generalization(np.array([0.0, 0.001, 0.2]))
    assert g[2] == pytest.approx(partition_at(1, 2, n=10**6, delta=0.05), rel=1e-12)  # plain wins
    assert g[0] < g[1] < g[2]
    # each value is what generalization_bound states for that level (no second minimum, no split)
    for e, v in zip((0.001, 0.2), g[1:]):
        b = sb.generalization_bound(Ball(2), Cyclic(8), equivariance_error=e, n=10**6, delta=0.05,
                                    covering="power_law", **PKW)
        assert v == pytest.approx(float(b.evaluate()), rel=1e-12)


def test_certified_partition_curve_is_read_once_per_n():
    # certified covering numbers: one breakpoint search per n, then every level from its branches
    t = sb.tradeoff(Ball(2), Cyclic(8), 0.05, n=10**5, **PKW)
    cur = t._curve(10**5)
    etas = np.linspace(0, 0.1, 401)
    g = t.generalization(etas)
    assert cur.path == "affine"
    for e in (0.0, 0.0375, 0.1):
        b = sb.generalization_bound(Ball(2), Cyclic(8), equivariance_error=e, n=10**5, delta=0.05,
                                    **PKW)
        assert g[np.flatnonzero(etas == e)[0]] == pytest.approx(float(b.evaluate()), rel=1e-12)


# ------------------------------------------------------------------------------------------------
# the optimal level
# ------------------------------------------------------------------------------------------------


def test_partition_optimum_end_point_rule_by_hand():
    # rule C1: full iff 2 (G_N - G_S(0)) >= c L_l eta_d, with G from the hand reference
    n, delta = 10**6, 0.05
    GN = partition_at(1, 2, n=n, delta=delta)
    GS = partition_at(1 / 8, 2, n=n, delta=delta)
    threshold_eta = 2 * (GN - GS)  # c = L_l = 1
    for eta_d, want in [(0.75 * threshold_eta, "full"), (1.5 * threshold_eta, "match")]:
        opt = disk_tradeoff(eta_d, n, delta=delta).optimal_model_equivariance()
        assert opt.regime == want
        assert opt.path == "analytic"
        assert opt.value == (0.0 if want == "full" else pytest.approx(eta_d, rel=1e-15))
        assert float(opt.closed_form.subs(sb.symbol("eta_d"), sp.Rational(eta_d))) == opt.value
    opt = disk_tradeoff(1.5 * threshold_eta, n, delta=delta).optimal_model_equivariance()
    assert opt.driver == "plain covering N(X)"


@settings(max_examples=25)
@given(n=st.integers(2, 10**12), eta_d=st.floats(1e-4, 0.5), k=st.sampled_from([2, 4, 8, 32]),
       which=st.sampled_from(["upper", "lower"]))
def test_partition_optimum_is_the_minimum_of_a_dense_scan(n, eta_d, k, which):
    t = disk_tradeoff(eta_d, n, group=Cyclic(k))
    opt = t.optimal_model_equivariance(which)
    assert opt.regime in ("full", "match", "none")  # C1: never interior for the partition bound
    dense = t.total_error(np.linspace(0, eta_d, 2001), which=which)
    assert opt.total_error <= dense.min() * (1 + 1e-12)
    if opt.regime != "none":
        assert opt.total_error < 1.0
        assert t.total_error(np.array([opt.value]), which=which)[0] == pytest.approx(opt.total_error, rel=1e-12)


def test_none_regime_when_every_level_is_vacuous():
    opt = disk_tradeoff(0.05, 10).optimal_model_equivariance()
    assert opt.regime == "none" and opt.value is None and opt.total_error >= 1.0


def _dudley_hand(n, V, d, *, q, delta=0.05, L=1.0, B=1.0):
    """Dudley's bound (symbound.bounds.entropy, power-law closed form) by mpmath:
    2 min_alpha (4 alpha + 12/sqrt(n) int_alpha^B sqrt(ln N(u)) du) + sqrt(ln(2/delta)/(2n)) with
    ln N(u) = V (qL/u)^d ln(4B/u).  The objective is convex in alpha (its derivative
    4 - 12 sqrt(ln N(alpha) / n) is nondecreasing): its minimiser solves ln N(alpha) = n/9, found by
    bisection, and the integral is an mpmath quadrature."""
    with mpmath.workdps(30):
        def lnN(u):
            return V * (q * L / u) ** d * mpmath.log(4 * B / u)
        a, b = mpmath.mpf(1e-12), mpmath.mpf(B)
        if lnN(b) >= n / 9:
            alpha = b
        else:
            for _ in range(100):
                m = mpmath.sqrt(a * b)
                a, b = (m, b) if lnN(m) > n / 9 else (a, m)
            alpha = b
        J = mpmath.quad(lambda u: mpmath.sqrt(lnN(u)), [alpha, B])
        return float(2 * (4 * alpha + 12 / mpmath.sqrt(n) * J) + mpmath.sqrt(mpmath.log(2 / delta) / (2 * n)))


def test_dudley_c2_curve_and_optimum_by_hand():
    # C_2 on the disk, power laws: above 4 eta the count modulo C_2 is N_S(X, u/(4L)) =
    # (1/2)(4L/u)^2 = 2 (2L/u)^2, larger than the plain (2L/u)^2, so the per-scale minimum uses the
    # plain count at every scale: Gen(eta) = G_N for every eta > 0, and Gen(0) = G_S(0) uses
    # N_S(X, u/(2L)) = (1/2)(2L/u)^2.  E is then minimised at an end point.
    n, eta_d = 10**7, 0.2
    t = sb.tradeoff(Ball(2), Cyclic(2), eta_d, n=n, covering="power_law", **DKW)
    GN = _dudley_hand(n, 1, 2, q=2)
    GS0 = _dudley_hand(n, 0.5, 2, q=2)
    g = t.generalization(np.array([0.0, 1e-4, 0.05, 0.2]))
    np.testing.assert_allclose(g, [GS0, GN, GN, GN], rtol=1e-6)
    opt = t.optimal_model_equivariance()
    E0, Ed = eta_d + 2 * GS0, 2 * GN
    assert opt.regime == ("full" if E0 <= Ed else "match")
    assert opt.total_error == pytest.approx(min(E0, Ed), rel=1e-6)
    assert opt.check["gen_monotone"] and opt.check["curve_path"] == "compiled"
    dense = t.total_error(np.linspace(0, eta_d, 801))
    assert opt.total_error <= dense.min() * (1 + 1e-9)


def test_dudley_optimum_moves_from_full_to_match_as_n_grows():
    regimes = [sb.tradeoff(Ball(2), SO(2), 0.05, n=n, covering="power_law", **DKW)
               .optimal_model_equivariance().regime for n in (10**8, 10**12)]
    assert regimes == ["full", "match"]


def test_levels_grid_union_bound_and_choice():
    levels = [0.0, 0.01, 0.03, 0.06]
    t = disk_tradeoff(0.05, 10**12, levels=levels)
    assert t.delta_levels == pytest.approx(0.05 / 4)
    opt = t.optimal_model_equivariance()
    assert opt.value in levels
    if opt.regime == "match":
        assert opt.value == 0.06  # the smallest grid level >= eta_d


# ------------------------------------------------------------------------------------------------
# threshold sample size
# ------------------------------------------------------------------------------------------------


def _hand_threshold(eta_d, V0, d0, V, d, delta):
    """Root of 2 (G_N(n) - G_S(n)) = L_l eta_d with the hand-written partition bounds (mpmath)."""
    def f(logn):
        n = math.exp(logn)
        return 2 * (partition_at(V, d, n=n, delta=delta) - partition_at(V0, d0, n=n, delta=delta)) - eta_d
    a, b = math.log(1e2), math.log(1e30)  # f(a) > 0 > f(b): bisection
    assert f(a) > 0 > f(b)
    for _ in range(100):
        m = (a + b) / 2
        a, b = (m, b) if f(m) > 0 else (a, m)
    return math.exp((a + b) / 2)


@pytest.mark.parametrize("eta_d", [0.05, 0.01])
def test_partition_threshold_certified_and_against_hand_root(eta_d):
    t = disk_tradeoff(eta_d, 10**6)
    th = t.threshold_n()
    assert th.status == "finite" and th.path == "numeric"
    lo, hi = th.bracket
    assert hi == th.value and lo <= hi
    # matching wins from n* on; full symmetry wins (or ties) at the certified lower end
    for m in (hi, 2 * hi, 10 * hi):
        e = t.total_error(np.array([0.0, eta_d]), n=m)
        assert e[1] < e[0]
    if th.lower_certified:
        e = t.total_error(np.array([0.0, eta_d]), n=lo)
        assert e[1] >= e[0]
    ref = _hand_threshold(eta_d, 1 / 8, 2, 1, 2, 0.05)
    assert th.value == pytest.approx(ref, rel=1e-3)


def test_partition_threshold_closed_form_d0_equals_d_by_hand():
    # C2 with d0 = d: n* = (2 (kappa_N - kappa_S) / (c L_l eta_d))^(d+2)
    k = lambda V: (1 + 2 / 2) * 2 * (2 * math.sqrt(2 * 2 * V * math.log(2)) / 4) ** 0.5  # noqa: E731
    want = (2 * (k(1) - k(1 / 8)) / 0.05) ** 4
    th = disk_tradeoff(0.05, 10**6).threshold_n()
    assert th.closed_form_value == pytest.approx(want, rel=1e-12)
    assert th.closed_form_value == pytest.approx(th.value, rel=5e-3)


def test_partition_threshold_closed_form_gap_vanishes_as_eta_d_to_zero():
    # SO(2) on the disk: d0 = 1 < d = 2, V0 = 1/2 (quotient [0, 1]); the leading-order root (C2)
    gaps = []
    for eta_d in (0.1, 0.001):
        t = disk_tradeoff(eta_d, 10**6, group=SO(2))  # quotient [0, 1]: (1/2, 1)
        th = t.threshold_n()
        assert th.closed_form is not None and th.closed_form.is_number
        gaps.append(abs(th.closed_form_value / th.value - 1))
    assert gaps[1] < gaps[0] and gaps[1] < 1e-3


def test_certified_threshold_finds_a_band_between_grid_points():
    # synthetic nonincreasing bounds: full symmetry wins only for 3e7 <= n < 3.2e7, a band that the
    # decade grid misses (Delta < 0 at every grid point); the interval certificates must find it
    from symbound.bounds.tradeoff._search import certified_threshold

    t, s = 0.1, 0.2

    def G0(n):
        return 1 / math.sqrt(n) + (s if n < 30_000_000 else 0.0)

    def Gd(n):
        return 1 / math.sqrt(n) + (s if n < 32_000_000 else 0.0)

    def point(n):
        return 2 * Gd(n) - t - 2 * G0(n)

    def bounds(a, b):
        return 2 * Gd(a) - t - 2 * G0(b), 2 * Gd(b) - t - 2 * G0(a)

    grid = [10**k for k in range(10)]
    assert all(point(m) < 0 for m in grid)
    lo, hi, certified = certified_threshold(point, bounds, grid, 10**9, 1e-6)
    assert certified and point(lo) >= 0 and lo < 32_000_000 <= hi <= 32_000_000 * (1 + 1e-6) + 1


@settings(max_examples=5)
@given(n1=st.integers(1, 10**9), f=st.floats(1.0, 1e3), eta=st.floats(0, 0.3))
def test_gen_nonincreasing_in_n_and_nondecreasing_in_eta(n1, f, eta):
    # statement T4 on the certified partition bound (covering numbers of the space and quotient)
    t = sb.tradeoff(Ball(2), Cyclic(8), 0.05, n=n1, covering="upper", **PKW)
    n2 = int(n1 * f)
    g1 = t.generalization(np.array([eta, eta + 0.01]), n=n1)
    g2 = t.generalization(np.array([eta]), n=n2)
    assert g2[0] <= g1[0] * (1 + 1e-12)
    assert g1[0] <= g1[1] * (1 + 1e-12)


def test_threshold_symbolic_eta_d_and_never():
    eta = sb.symbol("eta_d")
    th = disk_tradeoff(eta, None).threshold_n()
    assert th.status == "symbolic" and th.closed_form.free_symbols == {eta}
    assert disk_tradeoff(0, 10**6).threshold_n().status == "never"


def test_dudley_threshold_is_certified():
    t = sb.tradeoff(Ball(2), SO(2), 0.05, n=10**6, covering="power_law", **DKW)
    th = t.threshold_n(rtol=1e-2)
    assert th.status == "finite" and th.closed_form is None and th.certified
    assert th.bracket[1] <= th.bracket[0] * 1.01 + 1
    e = t.total_error(np.array([0.0, 0.05]), n=th.value)
    assert e[1] < e[0]


# ------------------------------------------------------------------------------------------------
# closed forms C3
# ------------------------------------------------------------------------------------------------


@given(T=st.floats(1e-2, 1e12), k=st.sampled_from([1, 2, 3, 1.5]), B=st.floats(0.1, 10))
def test_lambert_root_solves_its_equation(T, k, B):
    u = cf.as_float(cf.lambert_root(T, k, B))
    with mpmath.workdps(30):
        lhs = mpmath.mpf(u) ** (-k) * mpmath.log(4 * B / mpmath.mpf(u))
    assert float(lhs) == pytest.approx(T, rel=1e-9)


def _phi_upper(alpha, n, V0, d0, L=1.0, B=1.0):
    """2 (4 alpha + 12/sqrt(n) int_alpha^B sqrt(V0 (4L/u)^d0 ln(4B/u)) du) by mpmath.quad."""
    with mpmath.workdps(30):
        J = mpmath.quad(lambda u: mpmath.sqrt(V0 * (4 * L / u) ** d0 * mpmath.log(4 * B / u)), [alpha, B])
        return float(2 * (4 * alpha + 12 / mpmath.sqrt(n) * J))


def test_dudley_candidates_are_stationary_points():
    n, V0, d0, c = 10**6, 0.5, 1, 1.0
    cands = cf.dudley_candidates(V0=V0, d0=d0, V=1, d=2, lipschitz=1, bound=1, n=n, c=c)
    a = cf.as_float(cands["alpha_S"]) * 4  # optimal alpha of the upper piece: d/dalpha = 0
    h = a * 1e-4
    assert (_phi_upper(a + h, n, V0, d0) - _phi_upper(a - h, n, V0, d0)) / (2 * h) == pytest.approx(0, abs=1e-6)
    # kink: d/deta [c (eta_d - eta) + 2 Phi(4 eta)] = 0  (L_l = 1)
    e = cf.as_float(cands["kink"])
    h = e * 1e-4
    E = lambda x: -c * x + 2 * _phi_upper(4 * x, n, V0, d0)  # noqa: E731
    assert (E(e + h) - E(e - h)) / (2 * h) == pytest.approx(0, abs=1e-6)


# ------------------------------------------------------------------------------------------------
# phase diagram
# ------------------------------------------------------------------------------------------------


def test_phase_diagram_data_and_figure():
    import matplotlib

    matplotlib.use("Agg")
    t = disk_tradeoff(0.05, None)
    ns = np.array([10, 10**4, 10**8, 10**12])
    eds = np.array([0.001, 0.05, 0.2])
    pd = t.phase_diagram(n=ns, eta_d=eds)
    assert pd.regime.shape == (3, 4)
    names = pd.regime_names()
    assert set(names.ravel()) <= {"full", "match", "none"}
    np.testing.assert_array_equal(pd.vacuous, pd.total_error >= 1.0)
    assert np.all(names[:, 0] == "none")  # n = 10: vacuous everywhere
    # each cell agrees with the optimiser at that (n, eta_d)
    for i, ed in enumerate(eds):
        for j, n in enumerate(ns):
            opt = disk_tradeoff(float(ed), int(n)).optimal_model_equivariance()
            assert names[i, j] == opt.regime
    fig = pd.figure()
    assert fig.axes[0].get_xscale() == "log"
    import matplotlib.pyplot as plt

    plt.close(fig)


# ------------------------------------------------------------------------------------------------
# display
# ------------------------------------------------------------------------------------------------


def test_latex_and_describe_print_as_a_mathematician_writes():
    t = disk_tradeoff(0.05, 10**6)
    tex = t.latex()
    assert r"\mathcal{G}_{S}" in tex and r"\eta_{d}" in tex and r"L_{\ell}" in tex
    assert "_GenS" not in tex and "_GenN" not in tex
    assert tex.startswith(r"R(\hat f_{\eta}) - R(f^{*}) \le")
    # the lower end of the sandwich is a comparison curve, shown as a definition, not a bound
    assert t.latex("lower").startswith(r"\mathcal{E}_{\mathrm{low}}(\eta) =")
    assert t._repr_latex_().startswith("$\\displaystyle")
    text = t.describe()
    assert "THEORY §5" in text and "Reynolds" in text
    opt = t.optimal_model_equivariance()
    assert "regime" in opt.describe() and opt._repr_latex_().startswith("$")
    th = t.threshold_n()
    assert "n*" in th.describe() and th._repr_latex_().startswith("$")


# ------------------------------------------------------------------------------------------------
# the data equivariance error and bad input
# ------------------------------------------------------------------------------------------------


def test_sup_error_upper_bound_confidence_is_paid():
    est = SupErrorUpperBound(value=0.05, quantity="data", scope="region", confidence=0.99,
                             observed_max=0.04, method="Lipschitz net bound", region="B^2_1",
                             group=SO(2), region_space=Ball(2))
    t = disk_tradeoff(est, 10**6, delta=0.05)
    assert t.delta_bounds == pytest.approx(0.04)
    assert "spent on eta_d" in t.describe()
    with pytest.raises(InvalidValueError, match="failure probability"):
        disk_tradeoff(SupErrorUpperBound(0.05, "data", "region", 0.9, 0.04, "m", region="X",
                                         assume_matches=True), 10**6)
    with pytest.raises(InvalidValueError, match="quantity='data'"):
        disk_tradeoff(SupErrorUpperBound(0.05, "model", "region", 1.0, 0.04, "m", region="X"), 10**6)
    with pytest.raises(InvalidValueError, match="scope='sample'"):
        disk_tradeoff(SupErrorUpperBound(0.05, "data", "sample", 1.0, 0.04, "m"), 10**6)


def test_mean_type_estimates_are_refused_naming_the_conversion():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(200, 2))
    y = X[:, 0]
    est = sb.data_equivariance_error(X, y, Cyclic(4), radius=0.2, seed=0)
    with pytest.raises(InvalidTypeError, match="SupErrorUpperBound"):
        disk_tradeoff(est, 10**6)
    mest = sb.equivariance_error(lambda xs: xs[:, 0], Cyclic(4), X, seed=0)
    with pytest.raises(InvalidTypeError, match="mean error"):
        disk_tradeoff(mest, 10**6)


def test_bound_as_data_error():
    prob = sb.Bound(sp.Rational(1, 20), name="eta_d bound")  # probability 1 - delta by default
    with pytest.raises(InvalidValueError, match="probability"):
        disk_tradeoff(prob, 10**6)
    det = sb.Bound(sp.Rational(1, 20), name="eta_d bound", probability=None, reference="by hand")
    assert disk_tradeoff(det, 10**6).eta_d == sp.Rational(1, 20)


@pytest.mark.parametrize("kwargs, match", [
    (dict(eta_d=-0.1), "data_equivariance_error"),
    (dict(n=0), "n must be"),
    (dict(delta=1.5), "delta"),
    (dict(levels=[0.0, -0.1]), "levels"),
    (dict(levels=[]), "levels"),
])
def test_bad_input(kwargs, match):
    eta_d = kwargs.pop("eta_d", 0.05)
    n = kwargs.pop("n", 10**6)
    with pytest.raises(InvalidValueError, match=match):
        disk_tradeoff(eta_d, n, **kwargs)


def test_bad_input_group_and_constants():
    with pytest.raises(InvalidValueError, match="Reynolds") as err:
        sb.tradeoff(Ball(2), PartialRotations(0.3), 0.05, n=100, **PKW)
    assert "symbound.partial_tradeoff" in str(err.value) and callable(sb.partial_tradeoff)
    with pytest.raises(InvalidValueError, match="levels"):
        sb.tradeoff(Ball(2), SO(2), 0.05, n=100, levels=[0.0, 3.0], **DKW)  # > 2B
    with pytest.raises(InvalidValueError, match="classes"):
        sb.tradeoff(Ball(2), SO(2), 0.05, n=100, method="partition", lipschitz=1, loss_lipschitz=1,
                    loss_bound=1)
    with pytest.raises(InvalidValueError, match="lipschitz"):
        sb.tradeoff(Ball(2), SO(2), 0.05, n=100, method="partition", lipschitz=-1, loss_lipschitz=1,
                    loss_bound=1, classes=2)
    with pytest.raises(InvalidValueError, match="eta must be >= 0"):
        disk_tradeoff(0.05, 100).total_error(np.array([-0.1]))
    with pytest.raises(InvalidValueError, match="symbolic"):
        disk_tradeoff(0.05, None).optimal_model_equivariance()


def test_level_grid_threshold_and_phase_diagram_use_the_grid():
    levels = [0.0, 0.04, 0.08]
    t = disk_tradeoff(0.05, 10**6, levels=levels)
    th = t.threshold_n()
    # matching on the grid is the level 0.08: E(0.08) < E(0) from n* on, by hand at n*
    e = t.total_error(np.array([0.0, 0.08]), n=th.value)
    assert e[1] < e[0]
    pd = t.phase_diagram(n=[10**4, 10**12], eta_d=[0.05])
    assert list(pd.regime_names()[0]) == ["full", "match"] and pd.optimum[0, 1] == 0.08
    with pytest.raises(InvalidValueError, match="contain 0"):
        disk_tradeoff(0.05, 10**6, levels=[0.01, 0.08]).threshold_n()
    with pytest.raises(InvalidValueError, match="covers eta_d"):
        disk_tradeoff(0.05, 10**6, levels=[0.0, 0.01]).threshold_n()
