"""A measured sup enters a bound only for a set and a region it covers (symbound.bounds.sup_match).

The audit of issue #10: a data sup certified for PartialRotations(0.1) was accepted as eta_d of
SO(2) (0.054 where the true ee_inf is 0.4) and as U(1.0) of the partial trade-off; a sup certified
on Ball(2, 0.3) was accepted for Ball(2, 1).  Expected containments are decided here by hand (the
angles and radii as exact binary fractions) or by point membership.
"""

from __future__ import annotations

import dataclasses
import math
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import symbound as sb
from symbound.bounds import generalization_bound
from symbound.bounds.sup_match import region_contains, set_contains
from symbound.errors import InvalidValueError
from symbound.groups import O, SO, Cyclic, PartialRotations
from symbound.seam import SupErrorUpperBound
from symbound.spaces import Annulus, Ball, Cube, Sphere, Torus
from symbound.symbols import symbol

from .test_tradeoff_data import measured  # noqa: F401  (module fixture: certified data sups)

KW = dict(method="partition", lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2)


def ub(group=None, space=None, value=0.1, quantity="data", **kw):
    return SupErrorUpperBound(value, quantity, "region", 1.0, 0.0, "by hand", region="R",
                              group=group, region_space=space, **kw)


# ----- the containments ---------------------------------------------------------------------------


@pytest.mark.parametrize("big, small, want", [
    (SO(2), SO(2), True),
    (SO(2), PartialRotations(0.1), True),
    (SO(2), Cyclic(6), True),
    (PartialRotations(math.pi), SO(2), True),           # math.pi stands for pi: the whole group
    (PartialRotations(0.1), SO(2), False),
    (PartialRotations(0.1), PartialRotations(0.2), False),
    (PartialRotations(sp.pi / 4), PartialRotations(0.785), True),   # 0.785 < pi/4 exactly
    (PartialRotations(0.785), PartialRotations(sp.pi / 4), False),
    (Cyclic(4), SO(2), False),                          # finite does not contain infinite
    (Cyclic(4), PartialRotations(0.1), False),
    (SO(3), SO(2), None),                               # not decided: refused unless asserted
    (O(2), SO(2), None),
    (SO(2, dim=3, plane=(0, 2)), PartialRotations(0.1, dim=3, plane=(0, 1)), None),
])
def test_set_contains(big, small, want):
    assert set_contains(big, small) is want


@pytest.mark.parametrize("region, space, want", [
    (Ball(2), Ball(2), True),
    (Ball(2, 2), Ball(2), True),
    (Ball(2, 0.3), Ball(2), False),
    (Ball(3), Ball(2), False),
    (Ball(2), Annulus(0.5, 1), True),
    (Ball(2), Annulus(0.5, 1.5), False),
    (Annulus(0, 1), Ball(2), True),
    (Annulus(0.1, 1), Ball(2, 0.5), False),             # the centre is missing
    (Annulus(0.2, 2), Annulus(0.5, 1), True),
    (Annulus(0.6, 2), Annulus(0.5, 1), False),
    (Cube(2, 2), Cube(2, 1, metric="euclidean"), True),
    (Cube(2, 0.5), Cube(2), False),
    (Sphere(3), Sphere(3), True),
    (Sphere(3), Ball(3), False),
    (Torus(2, 2), Torus(2, 1), False),
    (Cube(2, 4), Ball(2), None),                        # [0, 4]^2 vs the centred disk: not decided
    (Ball(2, sp.Symbol("R", positive=True)), Ball(2), None),
])
def test_region_contains(region, space, want):
    assert region_contains(region, space) is want


_angles = st.floats(1e-6, 3.2).filter(lambda a: a <= math.pi)


@settings(max_examples=60, deadline=None)
@given(a=_angles, b=_angles)
def test_partial_rotation_containment_is_exact(a, b):
    # S_b ⊆ S_a iff b <= a, the angles as their binary values (math.pi standing for pi)
    def exact(t):
        return math.inf if t >= math.pi else Fraction(t)
    assert set_contains(PartialRotations(a), PartialRotations(b)) is (exact(b) <= exact(a))


_radii = st.floats(0, 4)


@settings(max_examples=60, deadline=None)
@given(r=st.lists(_radii, min_size=4, max_size=4))
def test_annulus_containment_by_points(r):
    # an annulus is an interval of radii: X ⊆ A iff the extreme radii of X are radii of A
    a1, a2, s1, s2 = r
    if not (a1 < a2 and s1 < s2):
        return
    A, X = Annulus(a1, a2), Annulus(s1, s2)
    inside = [Fraction(a1) <= Fraction(t) <= Fraction(a2) for t in (s1, s2)]
    assert region_contains(A, X) is all(inside)


# ----- the trade-off ------------------------------------------------------------------------------


def test_certified_sups_record_their_set_and_region(measured):  # noqa: F811
    data, _beta = measured
    assert data[math.pi / 8].group == PartialRotations(math.pi / 8)
    assert data[math.pi].group == SO(2)
    assert data[math.pi].region_space == Ball(2) == data[math.pi / 8].region_space
    assert "S=SO(2)" in repr(data[math.pi])


def test_tradeoff_refuses_a_sup_over_a_smaller_set(measured):  # noqa: F811
    data, _beta = measured
    with pytest.raises(InvalidValueError, match=r"sup over S = SO\(2\)_\{≤ .*does not contain SO\(2\)"):
        sb.tradeoff(Ball(2), SO(2), data[math.pi / 8], n=10**6, **KW)
    # a sup over SO(2) serves its subgroup C_8
    t = sb.tradeoff(Ball(2), Cyclic(8), data[math.pi], n=10**6, **KW)
    assert float(t.eta_d) == data[math.pi].value


def test_tradeoff_refuses_a_region_not_containing_the_space(measured):  # noqa: F811
    data, _beta = measured
    with pytest.raises(InvalidValueError, match=r"region B\^2_1, which does not contain the input "
                                                r"space B\^2_2"):
        sb.tradeoff(Ball(2, 2), SO(2), data[math.pi], n=10**6, **KW)
    for space in (Ball(2, 0.5), Annulus(0.5, 1)):
        assert float(sb.tradeoff(space, SO(2), data[math.pi], n=10**6, **KW).eta_d) == \
            data[math.pi].value


def test_partial_angles_must_be_covered(measured):  # noqa: F811
    data, _beta = measured
    s8, full = data[math.pi / 8], data[math.pi]
    th = [0.0, 0.3, 1.0, math.pi]
    # the audit: U(1.0) from a sup over S_{pi/8}
    with pytest.raises(InvalidValueError, match="does not contain SO"):
        sb.partial_tradeoff(Ball(2), 10**6, data_error={1.0: s8}, thetas=th, **KW)
    # S_0.3 ⊆ S_{pi/8} (0.3 < 0.39): accepted; SO(2) data serve any angle
    p = sb.partial_tradeoff(Ball(2), 10**6, data_error={0.3: s8, 1.0: full}, thetas=th, **KW)
    assert p.data_error([0.3])[0] == s8.value and p.data_error([1.0])[0] == min(full.value,
                                                                               4 * s8.value)
    with pytest.raises(InvalidValueError, match="does not contain the input space"):
        sb.partial_tradeoff(Ball(2, 1.5), 10**6, data_error={0.3: s8}, thetas=th, **KW)


def test_hand_built_sups_need_an_explicit_assertion():
    bare = ub()
    with pytest.raises(InvalidValueError, match=r"group=None.*region_space=None.*assume_matches=True"):
        sb.tradeoff(Ball(2), SO(2), bare, n=10**6, **KW)
    with pytest.raises(InvalidValueError, match="assume_matches=True"):
        sb.partial_tradeoff(Ball(2), 10**6, data_error={0.5: bare}, **KW)
    # a region the library cannot compare with the space: refused, then asserted
    cube = ub(SO(2), Cube(2, 4))
    with pytest.raises(InvalidValueError, match=r"cannot decide whether \[0, 4\]|cannot decide"):
        sb.tradeoff(Ball(2), SO(2), cube, n=10**6, **KW)
    for value in (bare, cube):
        t = sb.tradeoff(Ball(2), SO(2), dataclasses.replace(value, assume_matches=True), n=10**6,
                        **KW)
        assert any("asserted by the caller (assume_matches=True)" in a for a in t.assumptions)
    # recorded values need no assertion, and get none
    t = sb.tradeoff(Ball(2), SO(2), ub(SO(2), Ball(2)), n=10**6, **KW)
    assert not any("assume_matches" in a for a in t.assumptions)


def test_an_assertion_never_overrides_a_decided_mismatch():
    for wrong in (ub(PartialRotations(0.1), Ball(2), assume_matches=True),
                  ub(SO(2), Ball(2, 0.3), assume_matches=True)):
        with pytest.raises(InvalidValueError, match="does not contain"):
            sb.tradeoff(Ball(2), SO(2), wrong, n=10**6, **KW)


# ----- the generalization bound's seam ------------------------------------------------------------


def test_generalization_bound_checks_a_measured_eta():
    kw = dict(lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2)
    with pytest.raises(InvalidValueError, match=r"C_4.*does not contain SO\(2\)|does not contain SO"):
        generalization_bound(Ball(2), SO(2), equivariance_error=ub(Cyclic(4), Ball(2),
                                                                   quantity="model"), **kw)
    with pytest.raises(InvalidValueError, match="does not contain the input space"):
        generalization_bound(Ball(2), SO(2), equivariance_error=ub(SO(2), Ball(2, 0.3),
                                                                   quantity="model"), **kw)
    b = generalization_bound(Ball(2), Cyclic(6), equivariance_error=ub(SO(2), Ball(2),
                                                                      quantity="model"), **kw)
    assert b.measured and not any("assume_matches" in a for a in b.assumptions)
    # rebuilding through evaluate / subs runs the same check
    sym = generalization_bound(Ball(2), SO(2), equivariance_error=symbol("eta"), **kw)
    with pytest.raises(InvalidValueError, match="does not contain"):
        sym.subs(eta=ub(PartialRotations(0.2), Ball(2), quantity="model"))
