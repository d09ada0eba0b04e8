"""Trade-off parameters: read-only, changed through with_params (derive, don't freeze), and the
range of eta_d for the entropy-integral bound (statement T6 of symbound.bounds.tradeoff.calculator).

Reference values come from a *fresh* object built with the changed parameter (the independent
source the cached object must agree with), and from the audit of issue #10: at n = 1e6 the
partition bound on the unit disk with eta_d = 0.05 says "full", at n = 1e14 "match".
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import symbound as sb
from symbound.errors import InvalidValueError, ReadOnlyError
from symbound.groups import SO
from symbound.spaces import Ball

PKW = dict(method="partition", lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2)
DKW = dict(method="dudley", lipschitz=1, loss_lipschitz=1, loss_bound=1, hypothesis_bound=1)


def _same_optimum(a, b):
    assert (a.value, a.regime, a.path, a.driver) == (b.value, b.regime, b.path, b.driver)
    assert a.total_error == b.total_error


def test_optimum_follows_a_parameter_change():
    t = sb.tradeoff(Ball(2), SO(2), 0.05, n=10**6, **PKW)
    assert t.optimal_model_equivariance().regime == "full"      # cached at n = 1e6
    with pytest.raises(ReadOnlyError, match=r"with_params\(n=\.\.\.\)"):
        t.n = 10**14
    assert t.n == 10**6
    t2 = t.with_params(n=10**14)
    fresh = sb.tradeoff(Ball(2), SO(2), 0.05, n=10**14, **PKW)
    o2, of = t2.optimal_model_equivariance(), fresh.optimal_model_equivariance()
    _same_optimum(o2, of)
    assert o2.regime == "match"                                  # not the stale "full"
    assert o2.total_error < 0.01 < t.optimal_model_equivariance().total_error
    # the description reports the new object's optimum only
    assert "regime 'match'" in t2.describe() and "regime 'full'" not in t2.describe()
    # the original is unchanged
    assert t.optimal_model_equivariance().regime == "full"


@pytest.mark.parametrize("change", [dict(eta_d=0.2), dict(delta=0.001), dict(covering="upper"),
                                   dict(loss_lipschitz=3)])
def test_every_reported_quantity_follows_with_params(change):
    t = sb.tradeoff(Ball(2), SO(2), 0.05, n=10**8, covering="power_law", **PKW)
    t.optimal_model_equivariance()
    t.threshold_n()
    kw = dict(PKW, covering="power_law", n=10**8)
    kw.update({k: v for k, v in change.items() if k != "eta_d"})
    fresh = sb.tradeoff(Ball(2), SO(2), change.get("eta_d", 0.05), **kw)
    t2 = t.with_params(**change)
    _same_optimum(t2.optimal_model_equivariance(), fresh.optimal_model_equivariance())
    th2, thf = t2.threshold_n(), fresh.threshold_n()
    assert (th2.status, th2.value, th2.closed_form) == (thf.status, thf.value, thf.closed_form)
    ns, eds = [10**4, 10**9, 10**14], [0.01, 0.1]
    p2, pf = t2.phase_diagram(n=ns, eta_d=eds), fresh.phase_diagram(n=ns, eta_d=eds)
    np.testing.assert_array_equal(p2.regime_names(), pf.regime_names())
    np.testing.assert_array_equal(p2.total_error, pf.total_error)
    assert t2.describe() == fresh.describe()
    # the change is visible: at least one reported quantity differs from the original's
    th = t.threshold_n()
    assert (th.value, float(t.eta_d), t.delta_bounds, t.total_error(0.0)[()]) != \
        (th2.value, float(t2.eta_d), t2.delta_bounds, t2.total_error(0.0)[()])


def test_parameters_are_read_only():
    t = sb.tradeoff(Ball(2), SO(2), 0.05, n=10**6, levels=[0, 0.02, 0.05], **PKW)
    for name, value in [("delta", 0.1), ("levels", None), ("constants", {}), ("spec", None),
                        ("delta_bounds", 0.01), ("scan_points", 9)]:
        with pytest.raises(ReadOnlyError, match=f"with_params\\({name}="):
            setattr(t, name, value)
    with pytest.raises(TypeError):
        t.constants["loss_lipschitz"] = 2            # a read-only mapping
    with pytest.raises(ValueError):
        t.levels[0] = 0.01                           # a read-only array
    with pytest.raises(AttributeError):              # ReadOnlyError is an AttributeError
        t.n = 5
    with pytest.raises(InvalidValueError, match="unknown parameter 'sample_size'"):
        t.with_params(sample_size=10)
    with pytest.raises(InvalidValueError, match="n"):
        t.with_params(n=0)                           # validated by the builder


def test_partial_tradeoff_follows_with_params():
    kw = dict(PKW, breaking_rate=0.02, thetas=[0, math.pi / 12, math.pi / 3, math.pi])
    p = sb.partial_tradeoff(Ball(2), 10**4, **kw)
    o = p.optimal_model_equivariance()
    with pytest.raises(ReadOnlyError):
        p.n = 10**12
    p2 = p.with_params(n=10**12)
    fresh = sb.partial_tradeoff(Ball(2), 10**12, **kw)
    a, b = p2.optimal_model_equivariance(), fresh.optimal_model_equivariance()
    assert (a.eps, a.theta, a.regime, a.total_error) == (b.eps, b.theta, b.regime, b.total_error)
    assert a.total_error < o.total_error
    assert p.optimal_model_equivariance() is o


# ----- T6: eta_d <= 2B ---------------------------------------------------------------------------


def test_dudley_refuses_eta_d_above_2B():
    # the audit: eta_d = 5 with B = 1 gave regime "none", E = 16.3 (an approximation term above
    # anything a target bounded by 1 can need)
    with pytest.raises(InvalidValueError, match=r"exceeds 2B = 2.*min\(eta_d, 2B\)"):
        sb.tradeoff(Ball(2), SO(2), 5, n=10**6, **DKW)
    # exactly 2B is accepted; the next float above is refused (exact comparison)
    assert float(sb.tradeoff(Ball(2), SO(2), 2.0, n=10**6, **DKW).eta_d) == 2.0
    with pytest.raises(InvalidValueError, match="exceeds 2B"):
        sb.tradeoff(Ball(2), SO(2), math.nextafter(2.0, 3.0), n=10**6, **DKW)
    # through with_params too
    t = sb.tradeoff(Ball(2), SO(2), 0.5, n=10**6, **DKW)
    with pytest.raises(InvalidValueError, match="exceeds 2B"):
        t.with_params(hypothesis_bound=0.2)
    # the partition bound has no B: any eta_d >= 0 is accepted
    assert float(sb.tradeoff(Ball(2), SO(2), 5, n=10**6, **PKW).eta_d) == 5


@settings(max_examples=40, deadline=None)
@given(B=st.floats(1e-3, 1e3), eta_d=st.floats(0, 4e3))
def test_range_check_is_the_exact_comparison(B, eta_d):
    # a bounded target's orbit differences are at most 2B: refused iff eta_d > 2B, exactly
    from symbound.bounds.tradeoff._inputs import data_error, positive_constant
    from symbound.bounds.tradeoff.calculator import _check_range

    refused = Fraction(eta_d) > 2 * Fraction(B)
    try:
        _check_range(data_error(eta_d), positive_constant("hypothesis_bound", B))
        assert not refused
    except InvalidValueError:
        assert refused


def test_bounded_targets_have_orbit_error_at_most_2B():
    # the inequality of T6 on random bounded functions tabulated on the orbit of a finite group:
    # |f(g x) - f(x)| <= 2 sup |f|; vectorised over 2000 random tables
    rng = np.random.default_rng(3)
    B = rng.uniform(0.1, 5, size=(2000, 1))
    f = rng.uniform(-1, 1, size=(2000, 16)) * B                 # values on an orbit of 16 points
    ee = f.max(1) - f.min(1)                                    # sup over g of |f(g x) - f(x)|
    assert np.all(ee <= 2 * B[:, 0])
    assert np.max(ee / B[:, 0]) > 1.9                           # and 2B is nearly attained
