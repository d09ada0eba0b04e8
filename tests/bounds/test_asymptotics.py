"""Limits and rates derived from the bound's current parameters (issue #8 item 4).

Expected rates come from the hand derivations (partition: n^(-1/(d+2)); Dudley: the table of
symbound.bounds.entropy) and are checked against numeric slopes of the bound's own values.
"""

from __future__ import annotations

import math

import pytest
import sympy as sp

from symbound.bounds import compare, generalization_bound
from symbound.errors import InvalidValueError
from symbound.groups import SO, Cyclic, PartialRotations
from symbound.spaces import Annulus, Ball
from symbound.symbols import symbol

KW = dict(lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2)
DKW = dict(lipschitz=1, loss_lipschitz=1, loss_bound=1, hypothesis_bound=1)


def slope(b, n1, n2, limit=0.0, delta=0.05):
    v1, v2 = b.evaluate(n=n1, delta=delta) - limit, b.evaluate(n=n2, delta=delta) - limit
    return math.log(v2 / v1) / math.log(n2 / n1)


def test_rate_after_subs_equals_rate_at_construction():
    # the issue: symbolic eta then subs(eta=0) reported 0, built with eta = 0 reported -1/3
    sym = generalization_bound(Annulus(1, 2), SO(2), equivariance_error=symbol("eta"), **KW)
    zero = generalization_bound(Annulus(1, 2), SO(2), **KW)
    assert zero.rate("n") == sp.Rational(-1, 3)  # quotient [1, 2]: d0 = 1
    s0 = sym.subs(eta=0)
    assert s0.rate("n") == sp.Rational(-1, 3) and s0.limit("n") == 0
    assert any("exactly S-invariant" in a for a in s0.assumptions)
    assert s0.evaluate(n=10**4, delta=0.05) == zero.evaluate(n=10**4, delta=0.05)
    # eta > 0: the smaller of the two coverings; it follows the plain annulus (d = 2) as n grows
    assert sym.rate("n") == sp.Rational(-1, 4) and sym.limit("n") == 0
    assert "for eta > 0" in sym.asymptotics("n").method


def test_limit_two_ll_eta_through_n_s_alone_and_compare_prints_it():
    b = generalization_bound(Annulus(1, 2), SO(2), equivariance_error=0.1, plain_covering=False,
                             **dict(KW, loss_lipschitz=2))
    a = b.asymptotics("n")
    assert float(a.limit) == pytest.approx(2 * 2 * 0.1, rel=1e-15)
    assert a.exponent == sp.Rational(-1, 3)
    assert slope(b, 10**24, 10**28, limit=0.4) == pytest.approx(-1 / 3, abs=2e-3)
    t = compare([generalization_bound(Annulus(1, 2), **dict(KW, loss_lipschitz=2)), b],
                n=10**4, delta=0.05, names=["plain", "eta"])
    text = str(t)
    assert "0.4" in text and "+ O(n^(-1/3))" in text and "n^(0)" not in text
    assert t.rows[1]["limit"] == a.limit and t.rows[1]["rate"] == sp.Rational(-1, 3)
    assert r"+ O(n^{- \frac{1}{3}})" in t.to_latex()


def test_rate_after_optimize():
    b = generalization_bound(None, power_law=(3, 2), resolution="expose", **KW)
    opt = b.optimize()  # closed form in n
    assert opt.bound.rate("n") == sp.Rational(-1, 4)
    # a numeric optimum at a given n no longer contains n: a clear error, not a silent 0
    c = generalization_bound(Ball(2), Cyclic(8), resolution="expose", **KW)
    with pytest.raises(InvalidValueError, match="not a free symbol"):
        c.optimize(n=1000, delta=0.05).bound.rate("n")
    # the family before substitution has its rate; at a fixed eps the limit is 2 L_l L eps
    assert c.rate("n") == sp.Rational(-1, 4)
    f = c.subs(eps=0.1)
    assert float(f.limit("n")) == pytest.approx(0.2, rel=1e-15) and f.rate("n") == sp.Rational(-1, 2)


def test_rate_without_power_law_from_the_covering_growth():
    # partial rotations on an annulus: a certified band cover with no power law; it grows like
    # eps^-1, so the partition bound decays like n^(-1/3); checked on the bound's own values
    b = generalization_bound(Annulus(1, 2), PartialRotations(sp.pi / 4), **KW)
    a = b.asymptotics("n")
    assert a.exponent == sp.Rational(-1, 3) and "slope of ln N" in a.method
    assert slope(b, 10**16, 10**20) == pytest.approx(-1 / 3, abs=2e-3)


@pytest.mark.parametrize("covering", ["power_law", "upper"])
def test_dudley_rate_with_eta_follows_the_plain_class(covering):
    # the audit: values fall with slope about -0.44 while rate() said 0 (or raised)
    b = generalization_bound(Ball(2), Cyclic(8), method="dudley", covering=covering,
                             equivariance_error=0.1, **DKW)
    r, lp, _ = b.rate_details("n")
    assert (r, lp) == (sp.Rational(-1, 2), sp.Rational(3, 2)) and b.limit("n") == 0
    n1, n2 = 10**16, 10**20
    pred = -0.5 + 1.5 * math.log(math.log(n2) / math.log(n1)) / math.log(n2 / n1)
    assert slope(b, n1, n2) == pytest.approx(pred, abs=0.01)


def test_rate_of_power_law_bound_checked_by_sympy():
    b = generalization_bound(None, power_law=(3, 3), **KW)
    r, lp, how = b.rate_details("n")
    assert r == sp.Rational(-1, 5) and "SymPy" in how
