"""Two coverings for one class (issue #8 item 5; THEORY §5): an eta-approximately invariant class
is also a plain Lipschitz class, so its bound is the smaller of the bound through N_S and the plain
bound.  Property tests on random instances; hand values with math / mpmath.
"""

from __future__ import annotations

import math

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symbound.bounds import generalization_bound
from symbound.groups import SO, Cyclic
from symbound.spaces import Annulus, Ball
from symbound.symbols import symbol

KW = dict(lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2, grid_size=1)
DKW = dict(lipschitz=1, loss_lipschitz=1, loss_bound=1, hypothesis_bound=1)
ETA = symbol("eta")

PART_APPROX = generalization_bound(Ball(2), Cyclic(6), equivariance_error=ETA, resolution="expose", **KW)
PART_PLAIN = generalization_bound(Ball(2), resolution="expose", **KW)
PART_INV = generalization_bound(Ball(2), Cyclic(6), resolution="expose", **KW)
DUD_APPROX = generalization_bound(Annulus(1, 2), SO(2), method="dudley", covering="power_law",
                                  equivariance_error=ETA, resolution="expose", **DKW)
DUD_PLAIN = generalization_bound(Annulus(1, 2), method="dudley", covering="power_law",
                                 resolution="expose", **DKW)
DUD_INV = generalization_bound(Annulus(1, 2), SO(2), method="dudley", covering="power_law",
                               resolution="expose", **DKW)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(10, 10**8), delta=st.floats(1e-6, 0.5), eps=st.floats(1e-3, 1.5),
       eta=st.floats(0, 2))
def test_partition_never_above_the_plain_bound(n, delta, eps, eta):
    a = PART_APPROX.evaluate(n=n, delta=delta, eps=eps, eta=eta)
    p = PART_PLAIN.evaluate(n=n, delta=delta, eps=eps)
    i = PART_INV.evaluate(n=n, delta=delta, eps=eps)
    assert i <= a <= p
    # and it is exactly the smaller of the two: the branch through N_S is the invariant bound plus
    # 2 L_l eta (eta is additive), the other the plain bound
    s_branch = i + 2 * eta
    assert a == pytest.approx(min(s_branch, p), rel=1e-12)


@settings(max_examples=15, deadline=None)
@given(n=st.integers(100, 10**9), delta=st.floats(1e-4, 0.5), eta=st.floats(0, 1))
def test_optimised_partition_never_above_plain_and_equal_for_large_eta(n, delta, eta):
    a = PART_APPROX.evaluate(n=n, delta=delta, eta=eta)
    p = PART_PLAIN.evaluate(n=n, delta=delta)
    assert a <= p + 1e-15
    assert PART_APPROX.evaluate(n=n, delta=delta, eta=eta + 2) == p  # 2 L_l eta > plain: plain


@settings(max_examples=25, deadline=None)
@given(n=st.integers(100, 10**8), a=st.floats(1e-3, 0.5), eta=st.floats(1e-4, 1))
def test_dudley_between_invariant_and_plain_and_tends_to_plain(n, a, eta):
    v = DUD_APPROX.evaluate(n=n, delta=0.05, alpha=a, eta=eta)
    assert DUD_INV.evaluate(n=n, delta=0.05, alpha=a) - 1e-12 <= v
    p = DUD_PLAIN.evaluate(n=n, delta=0.05, alpha=a)
    assert v <= p * (1 + 1e-12)
    # eta >= B / 4: the S-range [4 eta, u_c] is empty, the bound is the plain one
    assert DUD_APPROX.evaluate(n=n, delta=0.05, alpha=a, eta=0.25 + eta) == pytest.approx(p, rel=1e-12)


def test_dudley_power_law_two_coverings_by_hand():
    # Annulus(1, 2): plain 3 r^-2 (asymptotic), mod SO(2) (1/2) r^-1.  S-count at u/(4L):
    # (1/2)(4/u) = 2/u; plain at u/(2L): 3 (2/u)^2 = 12/u^2.  Crossover 2/u = 12/u^2 at u = 6 > B = 1,
    # so the S-count is the smaller on [4 eta, 1] and the plain count on [alpha, 4 eta].
    eta, a, n = 0.05, 0.01, 10**6
    with mpmath.workdps(30):
        low = mpmath.quad(lambda u: mpmath.sqrt(12 / u**2 * mpmath.log(4 / u)), [a, 4 * eta])
        high = mpmath.quad(lambda u: mpmath.sqrt(2 / u * mpmath.log(4 / u)), [4 * eta, 1])
        ref = float(2 * (4 * a + 12 / mpmath.sqrt(n) * (low + high)) + mpmath.sqrt(mpmath.log(40) / (2 * n)))
    assert DUD_APPROX.evaluate(n=n, delta=0.05, alpha=a, eta=eta) == pytest.approx(ref, rel=1e-9)


def test_dudley_crossover_when_the_quotient_count_is_larger():
    # Ball(2) mod C_2 in leading order: N_S = N / 2, so N_S(X, u/(4L)) = (4/2) N-shaped = 2x the
    # plain N(X, u/(2L)): the plain count is the smaller at every scale -> exactly the plain bound
    kw = dict(DKW, covering="power_law", resolution="expose")
    approx = generalization_bound(Ball(2), Cyclic(2), method="dudley", equivariance_error=0.01, **kw)
    plain = generalization_bound(Ball(2), method="dudley", **kw)
    assert approx.evaluate(n=10**6, delta=0.05, alpha=0.01) == pytest.approx(
        plain.evaluate(n=10**6, delta=0.05, alpha=0.01), rel=1e-12)


def test_measured_bound_never_exceeds_plain_at_half_delta():
    # with a measured eta the union over the two partitions costs at most M sqrt(2 ln 2 / n): the
    # bound is the smaller of the two branches, each at delta / 2
    from symbound.seam import SupErrorUpperBound

    U = SupErrorUpperBound(value=0.5, quantity="model", scope="region", confidence=1.0,
                           observed_max=0.4, method="test", region="B", group=Cyclic(6),
                           region_space=Ball(2))
    m = generalization_bound(Ball(2), Cyclic(6), equivariance_error=U, resolution="expose", **KW)
    for n in (100, 10**4, 10**6):
        p = PART_PLAIN.evaluate(n=n, delta=0.05, eps=0.1)
        v = m.evaluate(n=n, delta=0.05, eps=0.1)
        assert v <= p + math.sqrt(2 * math.log(2) / n)
        half = min(PART_PLAIN.evaluate(n=n, delta=0.025, eps=0.1),
                   PART_INV.evaluate(n=n, delta=0.025, eps=0.1) + 2 * 0.5)
        assert v == pytest.approx(half, rel=1e-12)
