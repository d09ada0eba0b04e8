"""The Bound object (THEORY.md §4.3): formula/paper forms, subs, evaluate, optimize, rate, LaTeX."""

import math

import mpmath
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from symbound.bounds import Bound
from symbound.errors import InvalidTypeError, InvalidValueError, NumericalError
from symbound.functions import latex_of, CoveringNumber, GroupOrder, QuotientCoveringNumber, space_symbol
from symbound.symbols import symbols

n, delta, eps, L, M, C = symbols("n", "delta", "eps", "L", "M", "C")
X = space_symbol("X")
G = space_symbol("G")


def hoeffding():
    return Bound(M * sp.sqrt(sp.log(2 / delta) / (2 * n)), lhs="R - R_n", reference="Hoeffding 1963")


def test_evaluate_matches_hand_value():
    # M sqrt(ln(2/delta)/(2n)) at M=1, delta=0.05, n=1000, by hand with math
    expected = math.sqrt(math.log(40) / 2000)
    assert hoeffding().evaluate(n=1000, delta=0.05, M=1) == pytest.approx(expected, rel=1e-14)


def test_evaluate_beyond_float64_returns_mpmath():
    b = Bound(sp.Integer(10) ** 400 / n)
    v = b.evaluate(n=4)
    assert isinstance(v, mpmath.mpf)
    assert mpmath.almosteq(v, mpmath.mpf(10) ** 400 / 4, rel_eps=1e-14)


def test_evaluate_needs_all_symbols_and_checks_domains():
    b = hoeffding()
    with pytest.raises(InvalidValueError, match="no value for"):
        b.evaluate(n=10)
    with pytest.raises(InvalidValueError, match=r"delta must lie in \(0, 1\)"):
        b.evaluate(n=10, delta=1.5, M=1)
    with pytest.raises(InvalidValueError, match="n must be an integer >= 1"):
        b.evaluate(n=0, delta=0.5, M=1)
    with pytest.raises(InvalidValueError, match="not a free symbol"):
        b.evaluate(n=10, delta=0.5, M=1, q=3)
    with pytest.raises(InvalidTypeError):
        b.evaluate(n="10", delta=0.5, M=1)


def test_never_silent_nan_or_inf():
    with pytest.raises(NumericalError):
        Bound(sp.log(n - 1)).evaluate(n=1)
    with pytest.raises(NumericalError):
        Bound(1 / (n - 1)).evaluate(n=1)


def test_paper_form_and_formula():
    N_S = QuotientCoveringNumber(X, G, eps)
    b = Bound(M * sp.sqrt(2 * C * N_S * sp.log(2) / n),
              definitions={N_S: (1 / eps) ** 2 / GroupOrder(G), GroupOrder(G): sp.Integer(8)})
    assert b.expr.has(QuotientCoveringNumber)
    f = b.formula()
    assert not f.has(QuotientCoveringNumber) and not f.has(GroupOrder)
    assert sp.simplify(f - M * sp.sqrt(2 * C * sp.log(2) / (8 * eps**2 * n))) == 0
    tex = b.latex()
    assert r"\mathcal{N}_{G}\left(X, \varepsilon\right)" in tex
    assert r"\varepsilon" in b.latex(form="formula")
    assert b._repr_latex_().startswith(r"$\displaystyle")
    assert b.evaluate(M=1, C=2, eps=0.5, n=100) == pytest.approx(
        math.sqrt(2 * 2 * math.log(2) / (8 * 0.25 * 100)))


def test_latex_snippet_hand_written():
    b = Bound(L * eps + M / sp.sqrt(n), lhs=r"\Delta")
    assert b.latex() == r"\Delta \le L \varepsilon + \frac{M}{\sqrt{n}}"
    a = Bound(L * eps, lhs=r"\Delta", kind="asymptotic")
    assert a.latex() == r"\Delta \lesssim L \varepsilon"


def test_optimize_closed_form_power_law():
    # 2 L eps + M eps^-1 n^-1/2: argmin eps* = sqrt(M / (2 L sqrt n)) by hand
    b = Bound(2 * L * eps + M / (eps * sp.sqrt(n)), resolution=eps)
    opt = b.optimize()
    assert opt.method.startswith("closed form")
    assert sp.simplify(opt.argmin - sp.sqrt(M / (2 * L * sp.sqrt(n)))) == 0
    assert sp.simplify(opt.value - 2 * sp.sqrt(2 * L * M) * n ** sp.Rational(-1, 4)) == 0
    assert opt.bound.rate("n") == sp.Rational(-1, 4)


def test_optimize_numeric_agrees_with_brute_force_grid():
    b = Bound(2 * L * eps + M * sp.sqrt(sp.ceiling(1 / eps) ** 2 / n), resolution=eps)
    opt = b.optimize(L=1, M=1, n=10_000)
    assert opt.method.startswith("numeric")

    def f(e):
        return 2 * e + math.sqrt(math.ceil(1 / e) ** 2 / 10_000)

    grid = [10 ** (-4 + 4 * i / 20000) for i in range(20001)]
    brute = min(f(e) for e in grid)
    assert opt.value <= brute * (1 + 1e-3)
    assert opt.value == pytest.approx(f(opt.argmin), rel=1e-12)  # certified: the bound at argmin


def test_evaluate_optimises_free_resolution():
    b = Bound(2 * L * eps + M / (eps * sp.sqrt(n)), resolution=eps)
    v = b.evaluate(L=1, M=1, n=10_000)
    assert v == pytest.approx(2 * math.sqrt(2) / 10, rel=1e-6)


def test_optimize_errors():
    with pytest.raises(InvalidValueError, match="var must be given"):
        hoeffding().optimize()
    with pytest.raises(InvalidValueError, match="does not appear"):
        hoeffding().optimize("L")


@pytest.mark.parametrize("expr, rate", [
    (1 / sp.sqrt(n), sp.Rational(-1, 2)),
    (sp.log(n) / sp.sqrt(n), sp.Rational(-1, 2)),
    (n ** sp.Rational(-1, 5) + n ** sp.Rational(-1, 2), sp.Rational(-1, 5)),
    (M * sp.sqrt(sp.log(1 / delta) / n) + L * n ** sp.Rational(-1, 3), sp.Rational(-1, 3)),
])
def test_rate(expr, rate):
    assert Bound(expr).rate("n") == rate


def test_known_rate_used_when_resolution_free():
    b = Bound(L * eps + 1 / (eps * sp.sqrt(n)), resolution=eps, known_rate=(sp.Rational(-1, 4), 0))
    assert b.rate_details("n")[2].startswith("derived by hand")
    assert b.rate("n") == sp.Rational(-1, 4)


def test_bad_construction():
    with pytest.raises(InvalidTypeError, match="expr must be a SymPy expression"):
        Bound("x + 1")
    with pytest.raises(InvalidValueError, match="kind must be one of"):
        Bound(n, kind="heuristic")


@given(st.integers(1, 10**9), st.floats(1e-12, 0.999999), st.floats(1e-3, 1e3))
def test_hoeffding_evaluate_property(nn, dd, mm):
    # independent float reference of the same closed form
    v = hoeffding().evaluate(n=nn, delta=dd, M=mm)
    assert v == pytest.approx(mm * math.sqrt(math.log(2 / dd) / (2 * nn)), rel=1e-12)


def test_covering_number_function_is_positive_and_prints():
    c = CoveringNumber(X, eps)
    assert c.is_positive
    assert latex_of(c) == r"\mathcal{N}\left(X, \varepsilon\right)"


# ----- ceilings decided reliably when values are substituted ---------------------------------------

def test_ceilings_near_an_integer_are_decided_in_exact_arithmetic():
    # SymPy's get_integer_part is wrong by one within ~1e-10 above an integer (sympy/sympy#26368):
    # ceiling(sqrt2/(2 eps)) at the float eps nearest sqrt2/(10 (1 + d)) gave 5 for d = 1e-10..1e-14.
    # Reference: mpmath at 60 digits on the float eps itself (an exact binary number)
    import mpmath
    import numpy as np

    import symbound as sb
    from symbound.functions import xreplace_numbers

    eps = symbols("eps")[0]
    b = Bound(sb.Torus(dim=2, period=1).covering_number(eps))
    for d in (1e-8, 1e-10, 1e-12, 1e-14, -1e-10, -1e-14):
        e = float(np.sqrt(2) / (10 * (1 + d)))
        with mpmath.workdps(60):
            ref = int(mpmath.ceil(mpmath.sqrt(2) / (2 * mpmath.mpf(e)))) ** 2
        assert b.evaluate(eps=e) == ref
    # the issue's own example: floor(log2(2^31 - 1) + 1) = 31 since 2^30 <= 2^31 - 1 < 2^31
    x = sp.Symbol("x", positive=True)
    assert xreplace_numbers(sp.floor(sp.log(x, 2) + 1), {x: 2 ** 31 - 1}) == 31
    # what stays symbolic is SymPy's own ceiling
    y = sp.Symbol("y", positive=True)
    out = xreplace_numbers(sp.ceiling(x / y) + sp.ceiling(1 / x), {x: sp.Integer(3)})
    assert out == sp.ceiling(3 / y) + 1 and all(type(f) is sp.ceiling for f in out.atoms(sp.ceiling))
