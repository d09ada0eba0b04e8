"""ReferenceBound: relation, regime enforcement, printing; the reference bounds in sb.compare."""

from __future__ import annotations

import pytest
import sympy as sp

import symbound as sb
from symbound.bounds import Bound
from symbound.errors import InvalidValueError
from symbound.reference import RELATIONS, ReferenceBound


def test_public_names():
    assert sb.reference is __import__("symbound.reference", fromlist=["x"])
    assert "reference" in sb.__all__
    assert set(sb.reference.__all__) == {
        "ReferenceBound", "RELATIONS", "elesedy_zaidi2021", "wang2023_invariant_classification",
        "wang2023_invariant_regression", "wang2023_equivariant_regression"}
    assert issubclass(ReferenceBound, Bound)


def test_relation_checked_and_printed():
    n = sb.symbol("n")
    with pytest.raises(InvalidValueError, match="relation"):
        ReferenceBound(1 / n, relation="<")
    ops = {"<=": r"\le", "=": "=", ">=": r"\ge"}
    for rel in RELATIONS:
        b = ReferenceBound(1 / n, lhs="q", relation=rel)
        assert b.latex() == f"q {ops[rel]} \\frac{{1}}{{n}}"
        assert f" {rel} " in str(b) and f"q {rel} 1/n" in b.describe()
        assert b.is_upper_bound == (rel != ">=")
    assert "lower bound" in ReferenceBound(sp.Integer(1), relation=">=").describe()


def test_regime_enforced_and_substituted():
    n, d = sb.symbol("n"), sb.symbol("d")
    b = ReferenceBound(1 / (n - d - 1), regime=(n > d + 1, "a text condition"), name="toy")
    with pytest.raises(InvalidValueError, match="toy holds only for n > d \\+ 1; got n=3, d=2"):
        b.subs(n=3, d=2)
    part = b.subs(d=2)
    assert part.regime == (n > 3, "a text condition")
    with pytest.raises(InvalidValueError):
        part.evaluate(n=3)
    assert part.evaluate(n=5) == pytest.approx(0.5)
    assert b.subs(n=10, d=2).regime == ("a text condition",)


@pytest.fixture(scope="module")
def table():
    kw = dict(lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2, grid_size=1)
    ours = sb.generalization_bound(None, power_law=(8, 2), **kw)
    ez = sb.reference.elesedy_zaidi2021(10, sb.symbol("n"), 1, 1)
    wang = sb.reference.wang2023_invariant_regression([[(0.25, 0.0), (0.25, 1.0), (0.25, 0.0), (0.25, 1.0)]])
    return (ours, ez, wang), sb.compare([ours, ez, wang], n=1000, delta=0.05)


def test_compare_shows_reference_bounds(table):
    (ours, ez, wang), t = table
    assert [r["name"] for r in t.rows] == [ours.name, ez.name, wang.name]
    # sigma^2 (d - k)/(n - d - 1) = 9/989 at n = 1000; the Wang value is the weighted variance 1/4
    assert t.rows[1]["value"] == pytest.approx(9 / 989, rel=1e-12)
    assert t.rows[1]["rate"] == -1
    # the Wang value does not depend on n: it has no rate of approach in n (bounds report the rate
    # at which they approach their limit, issue #8)
    assert t.rows[2]["value"] == 0.25 and t.rows[2]["rate"] is None
    assert "Elesedy" in str(t) and "Wang" in t.to_latex()


def test_compare_refuses_outside_regime():
    ez = sb.reference.elesedy_zaidi2021(10, sb.symbol("n"), 1, 1)
    with pytest.raises(InvalidValueError, match="holds only for n > 11"):
        sb.compare([ez], n=11, delta=0.05)
