"""The everyday API (issue #11).  Errors a new user meets: each message is at most 3 lines and
names the argument, the value and the fix (the expected words are written here by hand from the
issue's wording: the argument as the user typed it, the value, the real name or the corrected
call).  Vacuous bounds are reported as vacuous (hand values in the docstrings)."""

import numpy as np
import pytest

import symbound as sb
from symbound._validation import suggest_keywords
from symbound.errors import SymboundError
from symbound.groups import Cyclic
from symbound.spaces import Ball

_X = np.random.default_rng(0).normal(size=(40, 2))
_Y = np.ones(40)


def _square(x):
    return (x ** 2).sum(-1)


@pytest.fixture(scope="module")
def bound():
    return sb.generalization_bound(Ball(2), Cyclic(8), lipschitz=1, loss_lipschitz=1,
                                   loss_bound=1, classes=2)


# (call, words the message must contain)
MISTAKES = [
    (lambda b: sb.generalization_bound(Ball(5), Cyclic(8)),
     ["Cyclic(8) acts on R^2", "Ball(5) lives in R^5", "use Cyclic(8, dim=5)"]),
    (lambda b: sb.generalization_bound(Ball(2), Cyclic(8), lipshitz=1),
     ["generalization_bound()", "'lipshitz'", "did you mean 'lipschitz'"]),
    (lambda b: sb.generalization_bound(Ball(2), Cyclic(8), loss_bund=1),
     ["'loss_bund'", "did you mean 'loss_bound'"]),
    (lambda b: sb.generalization_bound(Ball(2), Cyclic(8), method="dudly"),
     ["method", "'dudly'", "did you mean 'dudley'"]),
    (lambda b: sb.generalization_bound(Ball(2), Cyclic(8), covering="uper"),
     ["covering", "'uper'", "did you mean 'upper'"]),
    (lambda b: sb.generalization_bound(Ball(2), Cyclic(8), delta=1.5),
     ["delta", "1.5", "(0, 1)"]),
    (lambda b: b.evaluate(n=1e6 + 0.5, delta=0.05),
     ["n", "1000000.5", "integer"]),
    (lambda b: b.evaluate(n=1000, detla=0.05),
     ["'detla' is not a free symbol", "did you mean 'delta'"]),
    (lambda b: b.evaluate(delta=0.05),
     ["no value for n", ".evaluate(n=1000)"]),
    (lambda b: b.optimize(n=1000, dleta=0.05),
     ["'dleta'", "did you mean 'delta'"]),
    (lambda b: sb.compare([b], n=1000, detla=0.1),
     ["compare()", "'detla'", "did you mean 'delta'"]),
    (lambda b: sb.compare([b], n=1000.5, delta=0.1),
     ["n", "1000.5", "integer"]),
    (lambda b: sb.equivariance_error(_square, Cyclic(8), _X, n_samples=10),
     ["equivariance_error()", "'n_samples'", "did you mean 'n_group_samples'"]),
    (lambda b: sb.equivariance_error(_square, Cyclic(8, dim=3), _X),
     ["X", "(40, 2)", "use Cyclic(8, dim=2)"]),
    (lambda b: sb.data_equivariance_error(_X, _Y, Cyclic(8), raduis=0.1),
     ["data_equivariance_error()", "'raduis'", "did you mean 'radius'"]),
    (lambda b: sb.data_equivariance_error(_X, _Y, Cyclic(8), radius=-1),
     ["radius", "-1", "(0, inf)"]),
    (lambda b: sb.quotient(Ball(2), Cyclic(8), metrc="quotient"),
     ["quotient()", "'metrc'", "did you mean 'metric'"]),
    (lambda b: sb.tradeoff(Ball(2), Cyclic(8), 0.1, n=1000, dleta=0.05),
     ["tradeoff()", "'dleta'", "did you mean 'delta'"]),
    (lambda b: Ball(2).covering_number(-0.1),
     ["eps", "-0.1", "(0, inf)"]),
]


@pytest.mark.parametrize("case", range(len(MISTAKES)))
def test_typical_mistakes_short_and_to_the_point(bound, case):
    call, words = MISTAKES[case]
    with pytest.raises(SymboundError) as info:
        call(bound)
    msg = str(info.value)
    assert len(msg.splitlines()) <= 3, msg
    for w in words:
        assert w in msg, (w, msg)


def test_open_keywords_pass_symbol_values(bound):
    """compare takes the bound's other symbols as keywords: a real symbol is not a misspelling."""
    free = sb.generalization_bound(Ball(2), Cyclic(8), loss_lipschitz=1, loss_bound=1, classes=2)
    table = sb.compare([free], n=1000, delta=0.05, L=1)
    assert table.rows[0]["value"] == pytest.approx(bound.evaluate(n=1000, delta=0.05), rel=1e-9)


def test_suggest_keywords_without_a_close_name_lists_the_names():
    @suggest_keywords
    def f(x, *, alpha=1, beta=2):
        return x

    with pytest.raises(TypeError, match="f\\(\\) has no keyword 'zzz'; the names are alpha, beta"):
        f(1, zzz=3)
    assert f(1, beta=3) == 1


def test_compare_marks_vacuous_values(bound):
    """A partition bound is at least M sqrt(2 ln(1/delta) / n) (its confidence term alone): at
    n = 5, delta = 0.05 that is sqrt(2 ln 20 / 5) = 1.0947 > M = 1, so both rows are vacuous; at
    n = 10^8 the C_8 bound is below M and is not."""
    plain = sb.generalization_bound(Ball(2), None, lipschitz=1, loss_lipschitz=1, loss_bound=1,
                                    classes=2)
    small = sb.compare([plain, bound], n=5, delta=0.05)
    assert [r["vacuous"] for r in small.rows] == [True, True]
    assert str(small).count("(vacuous)") == 2 and "(vacuous)" in small.to_latex()
    big = sb.compare([bound], n=10 ** 8, delta=0.05)
    assert big.rows[0]["value"] < 1 and big.rows[0]["vacuous"] is False
    assert "vacuous" not in str(big)


@pytest.mark.parametrize("covering", ["upper", "power_law"])
def test_bound_reports_vacuity_when_numeric(covering):
    """Hand values: at n = 5, delta = 0.05 the confidence term alone is sqrt(2 ln 20 / 5) = 1.0947
    > M = 1 (vacuous).  At n = 1e8 and eps = 0.01 the certified C_8 cover of the unit disk has at
    most ceil(sqrt2 / 0.02) ceil(sqrt2 pi / 0.08) = 71 * 56 = 3976 cells, so the bound at its
    optimum is at most 0.02 + sqrt((4 ln2 * 3976 + 2 ln 20) / 1e8) = 0.0305 (not vacuous)."""
    kw = dict(lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2, delta=0.05,
              covering=covering)
    small = sb.generalization_bound(Ball(2), Cyclic(8), n=5, **kw)
    assert small.vacuous is True
    assert "vacuous, at least the loss bound M = 1" in small.describe()
    big = sb.generalization_bound(Ball(2), Cyclic(8), n=10 ** 8, **kw)
    assert big.vacuous is False and "vacuous" not in big.describe()
    if covering == "upper":
        assert big.evaluate() <= 0.02 + np.sqrt((4 * np.log(2) * 3976 + 2 * np.log(20)) / 1e8)
    assert sb.generalization_bound(Ball(2), Cyclic(8), **kw).vacuous is None  # n is free
