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


def _text_cells(t, name: str) -> dict[str, str]:
    """The cells of the row ``name`` of the printed table, by column (sliced at the header's
    column starts)."""
    lines = str(t).splitlines()
    head = lines[1]
    starts = [head.index(h) for h in t._HEAD] + [None]
    row = next(ln for ln in lines[3:] if ln.startswith(name))
    return {h: row[a:b].strip() for h, a, b in zip(t._HEAD, starts, starts[1:])}


def test_compare_reads_relation(table):
    (ours, ez, wang), t = table
    assert [r["relation"] for r in t.rows] == ["<=", "=", ">="]
    assert [r["probability"] for r in t.rows] == [ours.probability, None, None]
    assert t.rows[0]["ratio"] == 1
    for r in t.rows[1:]:  # an exact value and a lower bound: no ratio, no sample-size trade
        assert r["ratio"] is None and r["multiplier"] is None and r["effective_n"] is None
        assert r["asymptotic_multiplier"] is None
    # the value is still shown, checked by the hand formula sigma^2 (d - k) / (n - d - 1)
    assert t.rows[1]["value"] == pytest.approx(1 * (10 - 1) / (1000 - 10 - 1), rel=1e-12)


def test_compare_renders_relation(table):
    (ours, ez, wang), t = table
    would_be = f"{(9 / 989) / t.rows[0]['value']:.4g}"  # the ratio the '=' row must not show
    ez_cells, wang_cells = _text_cells(t, ez.name), _text_cells(t, wang.name)
    assert ez_cells["kind"] == "certified, exact (=), in expectation"
    assert wang_cells["kind"] == "certified, lower bound (>=), in expectation"
    for cells in (ez_cells, wang_cells):
        assert cells["ratio"] == "—" and cells["n samples worth m n: m"] == "—"
        assert cells["m as n -> oo"] == "—"
    assert ez_cells["value"] == f"{9 / 989:.6g}" and ez_cells["as n -> oo"] == "O(n^(-1))"
    assert _text_cells(t, ours.name)["kind"] == "certified"
    assert would_be not in str(t)
    tex = t.to_latex()
    ez_tex = next(ln for ln in tex.splitlines() if ln.startswith("Elesedy"))
    cells = ez_tex.removesuffix(r" \\").split(" & ")
    assert cells[1] == "certified, exact ($=$), in expectation" and cells[3:6] == ["--"] * 3
    assert r"lower bound ($\ge$)" in tex and would_be not in tex
    html = t._repr_html_()
    assert "<td>certified, exact (=), in expectation</td><td>0.0091001</td><td>—</td>" in html
    rl = t._repr_latex_()
    assert r"\text{certified, exact (}=\text{), in expectation} & 0.0091001 & - & - & -" in rl
    assert would_be not in rl


def test_compare_baseline_must_be_upper_bound(table):
    (ours, ez, wang), _ = table
    with pytest.raises(InvalidValueError, match=r"baseline must be an upper bound.*'>='"):
        sb.compare([ours, wang], n=1000, delta=0.05, baseline=1)
    with pytest.raises(InvalidValueError, match=r"baseline must be an upper bound.*'='"):
        sb.compare([ez, ours], n=1000, delta=0.05)
    up = ReferenceBound(1 / sb.symbol("n"), relation="<=", name="toy upper")
    t = sb.compare([ours, up], n=1000, delta=0.05, baseline=1)  # an upper-bound reference is fine
    assert t.rows[0]["ratio"] == pytest.approx(t.rows[0]["value"] / 1e-3)


def test_report_table_reads_relation(table):
    from symbound.report import sections

    (ours, ez, wang), t = table
    tab = sections._comparison_table(t, "caption")
    rows = {r[0]: r for r in tab.rows}
    assert rows[ez.name][2] == "-" and rows[ez.name][3] == "-"
    assert rows[ez.name][-1] == "certified, exact (=), in expectation"
    assert rows[wang.name][-1] == "certified, lower bound (>=), in expectation"
    assert rows[ours.name][2] == "1"
    data = sections._comparison_data(t)
    assert [d["relation"] for d in data] == ["<=", "=", ">="]


def test_compare_without_upper_bounds(table):
    (_, ez, wang), _ = table
    t = sb.compare([ez, wang], n=100, delta=0.05)  # nothing to compare: values and rates only
    assert all(r["ratio"] is None and r["multiplier"] is None for r in t.rows)
    assert t.rows[0]["value"] == pytest.approx(9 / 89, rel=1e-12)
