"""``optimize.compiled``: a bound's float and mpmath evaluators are printed once per shape of the
expression, its large integers and rationals (n, sqrt(n), a float delta taken exactly) passed as
arguments (issue #11, "Speed").

Expected values come from an independent source: ``sympy.lambdify`` of the expression with its
numbers in it (what the optimiser used before), and SymPy's ``N`` at 50 digits.  The cache must hold
no state of a bound: expressions that share a template but not their numbers get their own values,
and a bound rebuilt with other parameters evaluates as one built with them from the start.
"""

from __future__ import annotations

import math

import mpmath
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symbound.bounds import generalization_bound
from symbound.bounds.optimize import _lambdified, _template, compiled
from symbound.functions import xreplace_numbers
from symbound.spaces import Ball

eps, n, delta = sp.symbols("eps n delta", positive=True)
# the partition bound's shape: a ceiling in eps, log(1/delta), sqrt(n) and a large union bound
SHAPE = 2 * eps + sp.sqrt((2 * sp.log(1 / delta) + 4 * sp.log(2) * sp.ceiling(sp.sqrt(2) / (4 * eps))
                           * sp.ceiling(sp.sqrt(2) * sp.pi / (8 * eps)) + 2 * sp.log(64)) / n)


def at(n_val: int, delta_val: float) -> sp.Expr:
    return xreplace_numbers(SHAPE, {n: sp.Integer(n_val), delta: sp.Rational(delta_val)})


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 10**15), st.floats(1e-12, 0.999), st.floats(1e-6, 10.0))
def test_compiled_equals_lambdify_of_the_expression(n_val, delta_val, x):
    """The template may sum its terms in another order (a rounding-level difference): each
    precision agrees with the exact value to its own accuracy, as lambdify of f does."""
    f = at(n_val, delta_val)
    exact = sp.N(xreplace_numbers(f, {eps: sp.Rational(x)}), 90)
    got = compiled(f, eps, "math")(x)
    assert math.isclose(got, sp.lambdify(eps, f, modules="math")(x), rel_tol=1e-14)
    assert math.isclose(got, float(exact), rel_tol=1e-14)
    for dps in (30, 60):
        with mpmath.workdps(dps):
            got = compiled(f, eps, "mpmath")(mpmath.mpf(x))
            want = mpmath.mpf(str(exact))
            assert abs(got - want) <= mpmath.mpf(10) ** (4 - dps) * abs(want)


def test_one_template_many_numbers():
    """Two sample sizes share the printed template; each call gets its own numbers."""
    f1, f2 = at(10**4 + 1, 0.05), at(10**6 + 3, 0.01)
    t1, nums1, _ = _template(f1)
    t2, nums2, _ = _template(f2)
    assert t1 == t2 and nums1 != nums2
    before = _lambdified.cache_info().hits
    v1, v2 = compiled(f1, eps, "math")(0.1), compiled(f2, eps, "math")(0.1)
    assert _lambdified.cache_info().hits > before
    assert v1 == sp.lambdify(eps, f1, modules="math")(0.1)
    assert v2 == sp.lambdify(eps, f2, modules="math")(0.1)
    assert v1 != v2


def test_small_numbers_stay_in_the_code():
    """Exponents and small factors are not arguments: the template of a bound without large
    numbers is the expression itself."""
    f = 2 * eps + sp.sqrt(sp.Rational(3, 2) / eps)
    assert _template(f) == (f, (), ())


def test_a_rebuilt_bound_evaluates_as_a_fresh_one():
    """Derive, don't freeze: the bound rebuilt with another Lipschitz constant (after the cache was
    filled at the first one) gives the value of a bound built with it from the start."""
    kw = dict(loss_lipschitz=1, loss_bound=1, classes=2, grid_size=64)
    b = generalization_bound(Ball(2), None, **kw)  # L symbolic
    v1 = b.subs(L=1).evaluate(n=10**4, delta=0.05)
    v2 = b.subs(L=3).evaluate(n=10**4, delta=0.05)
    assert v1 == generalization_bound(Ball(2), None, lipschitz=1, **kw).evaluate(n=10**4, delta=0.05)
    fresh = generalization_bound(Ball(2), None, lipschitz=3, **kw).evaluate(n=10**4, delta=0.05)
    assert v2 == fresh and v2 != v1
