"""compare(): values, ratios, effective-sample-size multipliers, rendering (THEORY.md §4.2)."""

from __future__ import annotations

import math

import pytest
import sympy as sp

from symbound.bounds import Comparison, compare, generalization_bound as _generalization_bound
from symbound.errors import InvalidTypeError, InvalidValueError
from symbound.groups import SO, Cyclic
from symbound.spaces import Annulus, Ball


def generalization_bound(*args, **kwargs):
    """These tests exercise the leading-order power-law path (closed forms, asymptotic
    multipliers): ``covering="auto"`` unless a test asks for another covering."""
    kwargs.setdefault("covering", "auto")
    return _generalization_bound(*args, **kwargs)

KW = dict(lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2, grid_size=1)
DKW = dict(lipschitz=1, loss_lipschitz=1, loss_bound=1, hypothesis_bound=1)


@pytest.fixture(scope="module")
def table():
    b = [generalization_bound(Ball(2), **KW), generalization_bound(Ball(2), Cyclic(8), **KW),
         generalization_bound(Ball(2), SO(2), **KW)]
    return b, compare(b, n=10**5, delta=0.05, names=["plain", "C8", "SO2"])


def test_values_and_ratios(table):
    bounds, t = table
    assert isinstance(t, Comparison)
    for b, row in zip(bounds, t.rows):
        assert row["value"] == pytest.approx(b.evaluate(n=10**5, delta=0.05), rel=1e-12)
    assert t.rows[1]["ratio"] == pytest.approx(t.rows[1]["value"] / t.rows[0]["value"])
    assert t.rows[0]["ratio"] == 1 and t.rows[0]["multiplier"] == 1


def test_multiplier_solves_baseline_equation(table):
    bounds, t = table
    for i in (1, 2):
        n_eff = t.rows[i]["effective_n"]
        # the baseline at n' = m n equals the symmetric bound at n (bisection to 1e-9; the
        # baseline is continuous in n, so compare at n' itself, evaluated independently)
        f = bounds[0].formula().subs({sp.Symbol("delta", positive=True): 0.05})
        v = float(f.xreplace({sp.Symbol("n", positive=True, integer=True): sp.Float(n_eff, 30)}))
        assert v == pytest.approx(t.rows[i]["value"], rel=1e-7)
        assert t.rows[i]["multiplier"] == pytest.approx(n_eff / 10**5)


def test_asymptotic_multipliers(table):
    _, t = table
    assert t.rows[1]["asymptotic_multiplier"] == 8  # |G|: n samples are worth 8 n
    assert t.rows[2]["asymptotic_multiplier"] == sp.oo  # a Lie group changes the exponent
    # the finite-n multiplier approaches |G| as n grows (power law V0 / |G|)
    b = [generalization_bound(Ball(2), **KW), generalization_bound(Ball(2), Cyclic(8), **KW)]
    ms = [compare(b, n=10**e, delta=0.05).rows[1]["multiplier"] for e in (3, 6, 12)]
    assert all(abs(a - 8) > abs(c - 8) for a, c in zip(ms, ms[1:]))
    assert ms[-1] == pytest.approx(8, rel=1e-3)


def test_dudley_multiplier_d0_3_is_group_order():
    b = [generalization_bound(None, method="dudley", power_law=(4, 3), **DKW),
         generalization_bound(None, method="dudley", power_law=(1, 3), **DKW)]
    t = compare(b, n=10**12, delta=0.05)
    assert t.rows[1]["asymptotic_multiplier"] == 4
    assert t.rows[1]["multiplier"] == pytest.approx(4, rel=0.05)


def test_rendering(table):
    _, t = table
    tex = t.to_latex()
    assert tex.count(r"\\") >= 4 and r"\begin{tabular}" in tex and r"\end{tabular}" in tex
    assert r"$\infty$" in tex and "C8" in tex
    html = t._repr_html_()
    assert html.startswith("<table>") and "<td>C8</td>" in html
    assert t._repr_latex_().startswith("$\\displaystyle \\begin{array}")
    assert "plain" in str(t)


def test_other_parameters_passed_through():
    b = [generalization_bound(Annulus(1, 2), grid_size=1),
         generalization_bound(Annulus(1, 2), SO(2), grid_size=1)]
    t = compare(b, n=10**4, delta=0.1, L=2, L_l=1, M=1, C=3)
    assert t.rows[0]["value"] == pytest.approx(b[0].evaluate(n=10**4, delta=0.1, L=2, L_l=1, M=1, C=3))


def test_bad_input():
    b = generalization_bound(Ball(2), **KW)
    with pytest.raises(InvalidValueError, match="bounds"):
        compare([], n=10, delta=0.1)
    with pytest.raises(InvalidTypeError, match="bounds\\[1\\]"):
        compare([b, 3], n=10, delta=0.1)
    with pytest.raises(InvalidValueError, match="delta"):
        compare([b], n=10, delta=1.0)
    with pytest.raises(InvalidValueError, match="n must be"):
        compare([b], n=0, delta=0.1)
    with pytest.raises(InvalidValueError, match="names"):
        compare([b], n=10, delta=0.1, names=["a", "b"])
