"""Generalization bounds (THEORY.md §4): values, closed forms, optima, rates, gains, bad input.

Expected values are computed here from the formulas of THEORY.md §4 / Xu & Mannor (2012) Thm 3 /
Dudley's integral, written independently with ``math`` and ``mpmath`` (quadrature), never from the
library's output.
"""

from __future__ import annotations

import math

import mpmath
import pytest
import sympy as sp

from symbound.bounds import (
    GeneralizationBound,
    generalization_bound as _generalization_bound,
    lipschitz_class_log_covering,
    power_law_entropy_integral,
)
from symbound.errors import InvalidTypeError, InvalidValueError
from symbound.groups import SO, Cyclic, PartialRotations
from symbound.spaces import Annulus, Ball


def generalization_bound(*args, **kwargs):
    """These tests exercise the leading-order power-law path (closed forms, asymptotic
    multipliers): ``covering="auto"`` unless a test asks for another covering."""
    kwargs.setdefault("covering", "auto")
    return _generalization_bound(*args, **kwargs)
from symbound.symbols import symbol

KW = dict(lipschitz=1.5, loss_lipschitz=2, loss_bound=1, classes=2)
DKW = dict(lipschitz=1, loss_lipschitz=1, loss_bound=1, hypothesis_bound=1)


def xu_mannor(K, r, M, n, delta, m=1):
    """Xu & Mannor (2012) Thm 3 with the union bound over m resolutions (hand-written)."""
    return r + M * math.sqrt((2 * K * math.log(2) + 2 * math.log(m / delta)) / n)


def dudley_reference(alpha, n, delta, log_cov, B=1.0, Ll=1.0, M=1.0, points=()):
    """2 L_l (4 a + 12/sqrt(n) int_a^B sqrt(ln N) du) + M sqrt(ln(2/delta)/(2n)) by mpmath.quad."""
    with mpmath.workdps(30):
        pts = sorted({alpha, B, *[p for p in points if alpha < p < B]})
        integral = mpmath.quad(lambda u: mpmath.sqrt(log_cov(u)), pts)
        return float(2 * Ll * (4 * alpha + 12 / mpmath.sqrt(n) * integral)
                     + M * mpmath.sqrt(mpmath.log(2 / delta) / (2 * n)))


# ------------------------------------------------------------------------------------------------
# hand-worked values
# ------------------------------------------------------------------------------------------------


def test_partition_value_plain_ball_by_hand():
    b = generalization_bound(Ball(2), covering="upper", resolution="expose", grid_size=10, **KW)
    got = b.evaluate(n=5000, delta=0.05, eps=0.1)
    K = 2 * (1 + 2 / 0.1) ** 2  # C * (1 + 2R/eps)^2 = 2 * 441
    r = 2 * 2 * (1.5 * 0.1)  # 2 L_l L eps
    assert got == pytest.approx(xu_mannor(K, r, 1, 5000, 0.05, m=10), rel=1e-12)


def test_partition_value_annulus_mod_so2_by_hand():
    # quotient [1, 2] with the interval metric: N = ceil(1 / (2 eps)) exactly
    b = generalization_bound(Annulus(1, 2), SO(2), covering="upper", resolution="expose",
                             grid_size=1, equivariance_error=0.05, **KW)
    got = b.evaluate(n=2000, delta=0.1, eps=0.07)
    K = 2 * math.ceil(1 / 0.14)
    r = 2 * 2 * (1.5 * 0.07 + 0.05)  # 2 L_l (L eps + eta)
    assert got == pytest.approx(xu_mannor(K, r, 1, 2000, 0.1), rel=1e-12)


def test_partition_value_output_space_by_hand():
    # equivariant / continuous outputs: K = N_S(X, eps) N(Y, eps), r = 2 L_l ((L + 1) eps + eta)
    b = generalization_bound(Annulus(1, 2), SO(2), covering="upper", resolution="expose",
                             output_space=Ball(1, radius=1), grid_size=1, lipschitz=1.5,
                             loss_lipschitz=2, loss_bound=1)
    got = b.evaluate(n=3000, delta=0.05, eps=0.1)
    K = math.ceil(1 / 0.2) * math.ceil(1 / 0.1)
    r = 2 * 2 * (2.5 * 0.1)
    assert got == pytest.approx(xu_mannor(K, r, 1, 3000, 0.05), rel=1e-12)
    assert any("diagonal action" in a for a in b.assumptions)
    assert any("invariant loss" in a for a in b.assumptions)


def test_dudley_power_law_value_vs_quadrature():
    # ln N(F, u) <= V0 (2L/u)^d0 ln(4B/u) (power law, u <= B); integral by mpmath.quad
    for d0 in (1, 2, 3):
        b = generalization_bound(None, method="dudley", power_law=(2, d0), resolution="expose", **DKW)
        got = b.evaluate(n=10**4, delta=0.05, alpha=0.05)
        ref = dudley_reference(0.05, 10**4, 0.05, lambda u: 2 * (2 / u) ** d0 * mpmath.log(4 / u))
        assert got == pytest.approx(ref, rel=1e-10), d0


def test_dudley_certified_quadrature_value():
    # Ball(2), plain: ln N(F, u) <= (1 + 4L/u)^2 ln(ceil(2B/u) + 1), B = L = 1.
    b = generalization_bound(Ball(2), method="dudley", covering="upper", resolution="expose", **DKW)
    got = b.evaluate(n=10**4, delta=0.05, alpha=0.05)
    jumps = [2 / k for k in range(2, 41)]
    ref = dudley_reference(0.05, 10**4, 0.05,
                           lambda u: (1 + 4 / u) ** 2 * mpmath.log(mpmath.ceil(2 / u) + 1), points=jumps)
    # certified: an upper bound on the exact integral, and tight to about 2 %
    assert ref <= got <= ref * 1.02


def test_power_law_entropy_integral_regimes_vs_quad():
    for d0, a in ((0.5, 1e-3), (1, 1e-4), (2, 1e-3), (3, 1e-2), (4.5, 0.05)):
        got = float(power_law_entropy_integral(a, 0.8, V0=3, d0=d0, lipschitz=0.7, bound=1.3))
        f = lambda u: mpmath.sqrt(3 * (1.4 / u) ** d0 * mpmath.log(5.2 / u))  # noqa: E731
        ref = float(mpmath.quad(f, mpmath.linspace(a, 0.8, 30)))
        assert got == pytest.approx(ref, rel=1e-9), d0
    # a = 0 for d0 < 2 (the integral converges)
    got = float(power_law_entropy_integral(0, 1, V0=1, d0=1, lipschitz=1, bound=1))
    ref = float(mpmath.quad(lambda u: mpmath.sqrt(2 / u * mpmath.log(4 / u)), [0, 1e-6, 1e-3, 1]))
    assert got == pytest.approx(ref, rel=1e-8)
    with pytest.raises(InvalidValueError, match="d0 < 2"):
        power_law_entropy_integral(0, 1, V0=1, d0=3, lipschitz=1, bound=1)


def test_lipschitz_class_covering_values_by_hand():
    X = Ball(1, radius=1)  # [-1, 1]: N(X, r) = ceil(1/r)
    ext = lipschitz_class_log_covering(X, 0.2, lipschitz=2, bound=1)
    assert float(ext) == pytest.approx(math.ceil(1 / 0.05) * math.log(math.ceil(10) + 1))
    internal = lipschitz_class_log_covering(X, 0.2, lipschitz=2, bound=1, cover="internal")
    assert float(internal) == pytest.approx(math.ceil(1 / 0.025) * math.log(math.ceil(20) + 1))
    # approximate invariance, Annulus mod SO(2): min(plain, N_S(X, (u/2 - eta)/L)) for u > 2 eta
    A = Annulus(1, 2)
    v = lipschitz_class_log_covering(A, 0.4, group=SO(2), lipschitz=1, bound=1, equivariance_error=0.05)
    ns = math.ceil(1 / (2 * (0.2 - 0.05)))
    assert float(v) == pytest.approx(ns * math.log(math.ceil(5) + 1))


# ------------------------------------------------------------------------------------------------
# the union bound
# ------------------------------------------------------------------------------------------------


def test_union_bound_ln_m_visible_and_correct():
    # the default is grid_size=1 (no union bound for an eps fixed by constants); a symbolic m shows it
    m = symbol("m")
    b = generalization_bound(Ball(2), power_law=(9, 2), resolution="expose", grid_size=m, **KW)
    assert b.expr.has(sp.log(m))
    assert "ln m" in " ".join(b.notes)
    v1 = b.evaluate(n=1000, delta=0.05, eps=0.2, m=1)
    v20 = b.evaluate(n=1000, delta=0.05, eps=0.2, m=20)
    K = 2 * 9 / 0.2**2
    assert v1 == pytest.approx(xu_mannor(K, 2 * 2 * 1.5 * 0.2, 1, 1000, 0.05, m=1), rel=1e-12)
    assert v20 == pytest.approx(xu_mannor(K, 2 * 2 * 1.5 * 0.2, 1, 1000, 0.05, m=20), rel=1e-12)
    # m = 20 at delta equals m = 1 at delta / 20 (the union bound's weights delta/m)
    assert v20 == pytest.approx(b.evaluate(n=1000, delta=0.05 / 20, eps=0.2, m=1), rel=1e-12)


# ------------------------------------------------------------------------------------------------
# optima
# ------------------------------------------------------------------------------------------------


def test_partition_optimal_eps_vs_brute_force():
    # grid_size=1: eps from the constants (closed form); grid_size=m > 1 searches its grid instead
    b = generalization_bound(None, power_law=(5, 3), resolution="expose", grid_size=1, **KW)
    n, delta = 50_000, 0.05
    opt = b.optimize(n=n, delta=delta)
    eps_star = float(sp.N(opt.argmin))
    A, D = 2 * 2 * 1.5, math.sqrt(2 * 2 * 5 * math.log(2) / n)
    grid = [10 ** (-4 + 4 * i / 20000) for i in range(20001)]
    surrogate = [A * e + D * e ** -1.5 for e in grid]
    i = min(range(len(grid)), key=surrogate.__getitem__)
    assert eps_star == pytest.approx(grid[i], rel=1e-3)
    exact = [xu_mannor(2 * 5 * e ** -3, A * e, 1, n, delta, m=1) for e in grid]
    best = min(exact)
    # exact(eps*) <= surrogate(eps*) = min surrogate <= min exact + M sqrt(2 ln(1/delta)/n)
    val = float(opt.value)
    assert best * (1 - 1e-6) <= val <= best + math.sqrt(2 * math.log(1 / delta) / n) + 1e-9


def test_dudley_optimal_alpha_vs_brute_force():
    b = generalization_bound(None, method="dudley", power_law=(2, 3), resolution="expose", **DKW)
    n, delta = 10**6, 0.05
    opt = b.optimize(n=n, delta=delta)
    a_star = float(sp.N(opt.argmin))
    f = lambda u: mpmath.sqrt(2 * (2 / u) ** 3 * mpmath.log(4 / u))  # noqa: E731
    grid = [10 ** (-3 + 2.9 * i / 300) for i in range(301)]
    vals = [dudley_reference(a, n, delta, lambda u: f(u) ** 2) for a in grid]
    i = min(range(len(grid)), key=vals.__getitem__)
    assert a_star == pytest.approx(grid[i], rel=0.03)
    assert float(opt.value) <= min(vals) + 1e-12
    # the stationarity condition solved by Lambert W: (12/sqrt n) sqrt(ln N(alpha*)) = 4
    assert float(12 / mpmath.sqrt(n) * f(a_star)) == pytest.approx(4, rel=1e-9)


def test_dudley_numeric_optimum_is_convex_minimum():
    b = generalization_bound(Ball(2), Cyclic(8), method="dudley", covering="upper",
                             resolution="expose", **DKW)
    opt = b.optimize(n=10**4, delta=0.05)
    for a in (opt.argmin / 1.5, opt.argmin * 1.5):
        assert b.evaluate(n=10**4, delta=0.05, alpha=float(a)) >= float(opt.value) - 1e-12
    assert "bisection" in opt.method


def test_optimize_mode_equals_exposed_at_argmin():
    b_opt = generalization_bound(None, power_law=(4, 2), grid_size=1, **KW)
    b_exp = generalization_bound(None, power_law=(4, 2), grid_size=1, resolution="expose", **KW)
    assert b_opt.resolution is None and b_exp.resolution == symbol("eps")
    assert b_opt.evaluate(n=10**5, delta=0.01) == pytest.approx(
        b_exp.optimize(n=10**5, delta=0.01).value, rel=1e-12)


# ------------------------------------------------------------------------------------------------
# rates
# ------------------------------------------------------------------------------------------------


def _slope(b, n1, n2, delta=0.05):
    v1, v2 = b.evaluate(n=n1, delta=delta), b.evaluate(n=n2, delta=delta)
    return float((mpmath.log(v2) - mpmath.log(v1)) / (mpmath.log(n2) - mpmath.log(n1)))


@pytest.mark.parametrize("d0", [1, 2, 3, 5])
def test_partition_rate_theory_and_slope(d0):
    b = generalization_bound(None, power_law=(3, d0), grid_size=1, **KW)
    r, lp, how = b.rate_details("n")
    assert r == sp.Rational(-1, d0 + 2)
    assert "SymPy" in how  # checked on the expression by SymPy's limit
    assert _slope(b, 10**40, 10**44) == pytest.approx(-1 / (d0 + 2), abs=2e-3)


@pytest.mark.parametrize("d0,expo,logp", [(1, -0.5, 0), (2, -0.5, 1.5), (3, -1 / 3, 1 / 3),
                                          (4, -0.25, 0.25)])
def test_dudley_rate_theory_and_slope(d0, expo, logp):
    b = generalization_bound(None, method="dudley", power_law=(3, d0), **DKW)
    r, lp, _ = b.rate_details("n")
    assert float(r) == pytest.approx(expo) and float(lp) == pytest.approx(logp)
    n1, n2 = 10**60, 10**64
    pred = expo + logp * (math.log(math.log(n2)) - math.log(math.log(n1))) / (math.log(n2) - math.log(n1))
    assert _slope(b, n1, n2) == pytest.approx(pred, abs=3e-3)


def test_rate_with_eta_is_floor_plus_excess_rate():
    # through N_S alone (no space: no plain covering) the bound tends to 2 L_l eta, and the excess
    # decays like n^(-1/(d0+2)) = n^(-1/4) (was reported as a rate of 0)
    b = generalization_bound(None, power_law=(3, 2), equivariance_error=0.1, grid_size=1, **KW)
    a = b.asymptotics("n")
    assert float(a.limit) == pytest.approx(2 * 2 * 0.1, rel=1e-15)
    assert b.rate("n") == sp.Rational(-1, 4)
    assert b.evaluate(n=10**30, delta=0.05) == pytest.approx(2 * 2 * 0.1, rel=1e-3)
    lim = 2 * 2 * 0.1
    s = math.log((b.evaluate(n=10**44, delta=0.05) - lim) / (b.evaluate(n=10**40, delta=0.05) - lim))
    assert s / math.log(1e4) == pytest.approx(-0.25, abs=2e-3)


def test_lie_group_changes_exponent():
    # SO(3) on the ball: quotient [0, R], d0 = 1; SO(2) on an annulus: d0 = 1 instead of 2
    p3 = generalization_bound(Ball(3), grid_size=1, **KW)
    q3 = generalization_bound(Ball(3), SO(3), grid_size=1, **KW)
    assert p3.rate("n") == sp.Rational(-1, 5) and q3.rate("n") == sp.Rational(-1, 3)
    dp = generalization_bound(Annulus(1, 2), method="dudley", **DKW)
    dq = generalization_bound(Annulus(1, 2), SO(2), method="dudley", **DKW)
    assert dp.rate_details("n")[:2] == (sp.Rational(-1, 2), sp.Rational(3, 2))
    assert dq.rate_details("n")[:2] == (sp.Rational(-1, 2), 0)
    # the ratio plain / invariant grows like n^(1/3 - 1/5) (partition)
    s = _slope(p3, 10**40, 10**44) - _slope(q3, 10**40, 10**44)
    assert s == pytest.approx(-1 / 5 + 1 / 3, abs=3e-3)


# ------------------------------------------------------------------------------------------------
# finite-group gains
# ------------------------------------------------------------------------------------------------


def test_partition_gain_factor_converges():
    # Ball(2) mod C_8: asymptotic power law V0 / 8; gain |G|^(1/(d0+2)) = 8^(1/4)
    p = generalization_bound(Ball(2), grid_size=1, **KW)
    s = generalization_bound(Ball(2), Cyclic(8), grid_size=1, **KW)
    target = 8 ** 0.25
    errs = [abs(float(p.evaluate(n=10**e, delta=0.05)) / float(s.evaluate(n=10**e, delta=0.05)) - target)
            for e in (4, 8, 16, 32)]
    assert all(a > b for a, b in zip(errs, errs[1:]))
    assert errs[-1] < 1e-3 * target


def test_dudley_gain_factor_converges_d0_3():
    p = generalization_bound(None, method="dudley", power_law=(8, 3), **DKW)
    s = generalization_bound(None, method="dudley", power_law=(1, 3), **DKW)
    errs = [abs(float(p.evaluate(n=10**e, delta=0.05)) / float(s.evaluate(n=10**e, delta=0.05)) - 2)
            for e in (8, 32, 128, 256)]
    assert all(a > b for a, b in zip(errs, errs[1:]))
    assert errs[-1] < 3e-3


def test_dudley_gain_d0_1_includes_confidence_term():
    # d0 < 2: every term is n^(-1/2); the ratio tends to (24 J_p(0) + c)/(24 J_s(0) + c)
    p = generalization_bound(None, method="dudley", power_law=(8, 1), **DKW)
    s = generalization_bound(None, method="dudley", power_law=(1, 1), **DKW)
    with mpmath.workdps(30):
        J = lambda V0: mpmath.quad(lambda u: mpmath.sqrt(V0 * 2 / u * mpmath.log(4 / u)),  # noqa: E731
                                   [0, 1e-8, 1e-4, 1])
        c = mpmath.sqrt(mpmath.log(2 / 0.05) / 2)
        target = float((24 * J(8) + c) / (24 * J(1) + c))
    ratio = float(p.evaluate(n=10**64, delta=0.05)) / float(s.evaluate(n=10**64, delta=0.05))
    assert ratio == pytest.approx(target, rel=1e-6)


# ------------------------------------------------------------------------------------------------
# structure, display, kinds
# ------------------------------------------------------------------------------------------------


def test_bound_object_metadata_and_latex():
    b = generalization_bound(Ball(2), Cyclic(4), resolution="expose", grid_size=symbol("m"), **KW)
    assert isinstance(b, GeneralizationBound)
    assert "Xu & Mannor" in b.reference and "§4.1" in b.reference
    assert b.kind == "asymptotic"  # the quotient power law is an asymptotic form
    tex = b.latex()
    assert r"\mathcal{N}_{C_{4}}" in tex and r"\log{\left(m \right)}" in tex
    assert b._repr_latex_().startswith("$\\displaystyle")
    d = generalization_bound(Ball(2), method="dudley", **DKW)
    assert "Dudley" in d.reference and "§4.2" in d.reference
    assert r"\ln \mathcal{N}\left(F, u\right)" in d.latex()
    c = generalization_bound(Ball(2), Cyclic(4), covering="upper", **KW)
    assert c.kind == "certified"
    assert "partial" not in c.describe()


def test_partial_set_and_transformation_set_supported():
    b = generalization_bound(Annulus(1, 2), PartialRotations(sp.pi / 4), covering="upper",
                             grid_size=1, resolution="expose", **KW)
    full = generalization_bound(Annulus(1, 2), covering="upper", grid_size=1, resolution="expose", **KW)
    assert b.evaluate(n=10**4, delta=0.05, eps=0.05) < full.evaluate(n=10**4, delta=0.05, eps=0.05)


def test_symbolic_parameters_are_kept():
    b = generalization_bound(Ball(2), Cyclic(4), resolution="expose")
    names = {s.name for s in b.free_symbols}
    assert {"n", "delta", "eps", "L", "L_l", "M", "C"} <= names
    assert "m" not in names  # grid_size defaults to 1: no union bound for an eps fixed in advance


# ------------------------------------------------------------------------------------------------
# bad input
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kw,match", [
    (dict(method="vc"), "method"),
    (dict(resolution="auto"), "resolution"),
    (dict(covering="exact"), "covering"),
    (dict(classes=2.5), "classes"),
    (dict(classes=0), "classes"),
    (dict(equivariance_error=-0.1), "equivariance_error"),
    (dict(lipschitz=0), "lipschitz"),
    (dict(loss_bound=-1), "loss_bound"),
    (dict(grid_size=0), "grid_size"),
    (dict(delta=1.5), "delta"),
    (dict(delta=0), "delta"),
    (dict(n=0), "n"),
    (dict(n=2.5), "n"),
])
def test_bad_input_names_the_argument(kw, match):
    with pytest.raises((InvalidValueError, InvalidTypeError), match=match):
        generalization_bound(Ball(2), **kw)


def test_bad_evaluation_point():
    b = generalization_bound(Ball(2), **KW)
    with pytest.raises(InvalidValueError, match="delta"):
        b.evaluate(n=100, delta=1.2, m=1)
    with pytest.raises(InvalidValueError, match="n must be"):
        b.evaluate(n=0, delta=0.1, m=1)
    with pytest.raises(InvalidTypeError, match="space"):
        generalization_bound("disk")


def test_dudley_equivariant_outputs_loss_class_by_hand():
    # loss class H on Z = X x Y: Lipschitz L_l (L + 1), values in [-M/2, M/2], no contraction:
    # 2 (4 a + 12/sqrt(n) int_a^{M/2} sqrt(N_S(X, u/(2 L_H)) N(Y, u/(2 L_H)) ln(ceil(M/u) + 1)))
    b = generalization_bound(Annulus(1, 2), SO(2), method="dudley", covering="upper",
                             resolution="expose", output_space=Ball(1, radius=1), lipschitz=1,
                             loss_lipschitz=1, loss_bound=1)
    got = b.evaluate(n=10**6, delta=0.05, alpha=0.02)
    LH, BH = 2.0, 0.5

    def log_cov(u):
        r = u / (2 * LH)
        return mpmath.ceil(1 / (2 * r)) * mpmath.ceil(1 / r) * mpmath.log(mpmath.ceil(2 * BH / u) + 1)

    jumps = sorted({4 * LH / (2 * k) for k in range(1, 200)} | {2 * LH / k for k in range(1, 400)}
                   | {2 * BH / k for k in range(1, 60)})
    with mpmath.workdps(30):
        pts = [0.02] + [p for p in jumps if 0.02 < p < BH] + [BH]
        integral = mpmath.fsum(mpmath.quad(lambda u: mpmath.sqrt(log_cov(u)), [a, c])
                               for a, c in zip(pts, pts[1:]))
        ref = float(2 * (4 * 0.02 + 12 / mpmath.sqrt(10**6) * integral)
                    + mpmath.sqrt(mpmath.log(2 / 0.05) / (2 * 10**6)))
    assert ref <= got <= 1.02 * ref
    assert any("diagonal action" in a for a in b.assumptions)


def test_dudley_approximate_invariance_split_by_hand():
    # Annulus(1, 2): plain power law N ~ 3 r^-2 (asymptotic), mod SO(2): N ~ (1/2) r^-1.
    # Below u = 4 eta the plain count, above it N_S(X, u/(4L)) (since u/2 - eta >= u/4).
    eta, a, n = 0.05, 0.01, 10**6
    b = generalization_bound(Annulus(1, 2), SO(2), method="dudley", resolution="expose",
                             equivariance_error=eta, **DKW)
    got = b.evaluate(n=n, delta=0.05, alpha=a)
    with mpmath.workdps(30):
        low = mpmath.quad(lambda u: mpmath.sqrt(3 * (2 / u) ** 2 * mpmath.log(4 / u)), [a, 4 * eta])
        high = mpmath.quad(lambda u: mpmath.sqrt(0.5 * (4 / u) * mpmath.log(4 / u)), [4 * eta, 1])
        ref = float(2 * (4 * a + 12 / mpmath.sqrt(n) * (low + high))
                    + mpmath.sqrt(mpmath.log(40) / (2 * n)))
    assert got == pytest.approx(ref, rel=1e-9)
    # and it lies between the exactly invariant and the plain bounds
    inv = generalization_bound(Annulus(1, 2), SO(2), method="dudley", resolution="expose", **DKW)
    plain = generalization_bound(Annulus(1, 2), method="dudley", resolution="expose", **DKW)
    assert inv.evaluate(n=n, delta=0.05, alpha=a) < got < plain.evaluate(n=n, delta=0.05, alpha=a)


def test_n_and_delta_at_construction_and_eta_without_group():
    b = generalization_bound(None, power_law=(3, 2), n=1000, delta=0.05, grid_size=1, **KW)
    assert b.free_symbols == set()
    ref = generalization_bound(None, power_law=(3, 2), grid_size=1, **KW).evaluate(n=1000, delta=0.05)
    assert b.evaluate() == pytest.approx(ref, rel=1e-12)
    with pytest.raises(InvalidValueError, match="equivariance_error"):
        generalization_bound(Ball(2), equivariance_error=0.1)


def test_default_bound_is_certified_and_equals_the_formula_with_the_certified_count():
    import math

    b = _generalization_bound(Ball(2), lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2,
                              grid_size=1, resolution="expose")
    assert b.kind == "certified"
    eps = 0.05
    # (1 + 2/eps)^2 = 41^2 by hand at eps = 1/20 exactly (the float 0.05 is slightly above 1/20:
    # there the certified count is floor(1680.99...) = 1680); the bound's formula is continuous
    N = float(Ball(2).covering(sp.Rational(1, 20), "upper").expr)
    assert N == 41**2
    by_hand = 2 * eps + math.sqrt((2 * 2 * N * math.log(2) + 2 * math.log(20)) / 1e5)
    assert b.evaluate(n=10**5, delta=0.05, eps=eps) == pytest.approx(by_hand, rel=1e-12)


# ---- a constructor parameter fixed to a number is rebuilt by subs, never ignored ---------------

def test_subs_of_a_fixed_parameter_rebuilds_the_bound():
    # built with L = 1, then L = 3 given: the value must be that of a bound built with L = 3
    # (it used to stay the L = 1 value: the substitution found no L in the expression)
    from symbound import Ball, generalization_bound

    kw = dict(loss_lipschitz=1, loss_bound=1, classes=1)
    b1 = generalization_bound(Ball(2), None, lipschitz=1, **kw)
    b3 = generalization_bound(Ball(2), None, lipschitz=3, **kw)
    v3 = b3.evaluate(n=10**4, delta=0.05)
    assert b1.evaluate(n=10**4, delta=0.05) < v3  # L enters this bound
    assert b1.subs(L=3).evaluate(n=10**4, delta=0.05) == v3
    assert b1.evaluate(L=3, n=10**4, delta=0.05) == v3


def test_a_constant_that_does_not_enter_a_plain_bound_is_refused():
    import sympy as sp
    import pytest

    from symbound.bounds import Bound
    from symbound.errors import InvalidValueError
    from symbound.symbols import symbol

    b = Bound(1 / sp.sqrt(symbol("n")))
    with pytest.raises(InvalidValueError, match="L is not a free symbol"):
        b.subs(L=3)
    assert b.evaluate(n=100, delta=0.05) == 0.1  # context symbols (n, delta) may be given
