"""The seam (issue #8 item 2): measured quantities enter bounds only through explicit, recorded
conversions; a mean error is never used where a sup is owed.

Hand values: Xu & Mannor's formula written here with math; the SupErrorUpperBound objects are
built directly (the numeric layer's conversions are tested with the numeric layer).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pytest
import sympy as sp

from symbound.bounds import Bound, generalization_bound
from symbound.errors import InvalidTypeError, InvalidValueError
from symbound.groups import SO, Cyclic
from symbound.seam import SupErrorUpperBound
from symbound.spaces import Annulus, Ball
from symbound.symbols import symbol

KW = dict(lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2, grid_size=1)
DKW = dict(lipschitz=1, loss_lipschitz=1, loss_bound=1, hypothesis_bound=1)


def sup_ub(value=0.1, confidence=1.0, scope="region", quantity="model"):
    return SupErrorUpperBound(value=value, quantity=quantity, scope=scope, confidence=confidence,
                              observed_max=value * 0.8, method="Lipschitz net bound (test)",
                              region="A" if scope == "region" else None,
                              assumptions=("model 1-Lipschitz (given by the user)",),
                              assume_matches=True)  # built by hand: set and region asserted


def test_sup_upper_bound_value_used_exactly_and_recorded():
    X, G = Annulus(1, 2), SO(2)
    U = sup_ub(0.1)
    b = generalization_bound(X, G, equivariance_error=U, plain_covering=False, resolution="expose", **KW)
    # eta = the exact binary value of 0.1; N_S = ceil(1/(2 eps)); r = 2 (eps + eta)
    got = b.evaluate(n=2000, delta=0.1, eps=0.07)
    K = 2 * math.ceil(1 / 0.14)
    ref = 2 * (0.07 + 0.1) + math.sqrt((2 * K * math.log(2) + 2 * math.log(1 / 0.1)) / 2000)
    assert got == pytest.approx(ref, rel=1e-14)
    text = b.describe()
    assert "certified upper bound of ee_inf over A" in text and "Lipschitz net bound" in text
    assert "model 1-Lipschitz (given by the user)" in text
    assert b.probability == r"1 - \delta"  # confidence 1: nothing to pay
    assert len(b.measured) == 1 and b.measured[0].source is U


def test_confidence_is_paid_in_the_probability():
    b = generalization_bound(Annulus(1, 2), SO(2), equivariance_error=symbol("eta"), **KW)
    s = b.subs(eta=sup_ub(0.05, confidence=0.99))
    assert s.probability == r"1 - \delta - 0.01"
    assert "with probability at least 1 − δ − 0.01" in s.describe()  # printed as text
    # a generic Bound records it the same way
    eta, n = symbol("eta"), symbol("n")
    g = Bound(eta + 1 / sp.sqrt(n)).subs(eta=sup_ub(0.05, confidence=0.9))
    assert g.probability == r"1 - \delta - 0.1" and g.measured[0].confidence == 0.9


def test_evaluate_with_measured_equals_construction_with_measured():
    U = sup_ub(0.07)
    b = generalization_bound(Annulus(1, 2), SO(2), equivariance_error=symbol("eta"), **KW)
    c = generalization_bound(Annulus(1, 2), SO(2), equivariance_error=U, **KW)
    assert b.evaluate(n=5000, delta=0.05, eta=U) == c.evaluate(n=5000, delta=0.05)
    assert b.subs(eta=U).assumptions == c.assumptions


@dataclass
class EquivarianceErrorEstimate:  # the shape of symbound.numeric.orbit's estimate (a mean error)
    value: float
    stderr: float
    p: float = 2.0
    max_observed: float = 0.39
    payload: tuple = tuple(range(500))  # must not be dumped in the error


@dataclass
class DataEquivarianceError:
    value: float
    stderr: float
    max_observed: float = 0.2


@pytest.mark.parametrize("est", [EquivarianceErrorEstimate(0.0695, 0.001),
                                 DataEquivarianceError(0.05, 0.01)])
def test_estimates_are_refused_with_a_short_message(est):
    b = generalization_bound(Annulus(1, 2), SO(2), equivariance_error=symbol("eta"), **KW)
    for call in (lambda: generalization_bound(Annulus(1, 2), SO(2), equivariance_error=est, **KW),
                 lambda: b.evaluate(n=1000, delta=0.05, eta=est),
                 lambda: b.subs(eta=est),
                 lambda: Bound(symbol("eta") + 1).evaluate(eta=est)):
        with pytest.raises(InvalidTypeError) as info:
            call()
        msg = str(info.value)
        assert len(msg.splitlines()) <= 3 and len(msg) < 400
        assert "est.sup_upper_bound(...)" in msg and "sb.certified_sup_error(...)" in msg
        assert "payload" not in msg and "(0, 1, 2" not in msg


def test_sup_over_the_sample_only_is_refused():
    b = generalization_bound(Annulus(1, 2), SO(2), equivariance_error=symbol("eta"), **KW)
    with pytest.raises(InvalidValueError, match="scope='sample'") as info:
        b.evaluate(n=1000, delta=0.05, eta=sup_ub(scope="sample"))
    assert "region" in str(info.value) and len(str(info.value).splitlines()) <= 3


def test_data_sup_is_not_a_model_sup():
    with pytest.raises(InvalidValueError, match="eta_d"):
        generalization_bound(Annulus(1, 2), SO(2), equivariance_error=sup_ub(quantity="data"), **KW)
    with pytest.raises(InvalidTypeError, match="equivariance error"):
        generalization_bound(Annulus(1, 2), SO(2), lipschitz=sup_ub(), loss_lipschitz=1,
                             loss_bound=1, classes=2)


def test_measured_eta_in_the_two_covering_partition_bound_pays_the_union():
    # with a measured eta the choice between the bound through N_S and the plain one is made after
    # the data: 2 ln 2 under the root (2 partitions); with eta known in advance, no such term
    X, G = Ball(2), Cyclic(8)
    measured = generalization_bound(X, G, equivariance_error=sup_ub(0.3), resolution="expose", **KW)
    known = generalization_bound(X, G, equivariance_error=0.3, resolution="expose", **KW)
    plain = generalization_bound(X, None, resolution="expose", **KW)
    e, n = 0.1, 10**5
    p = plain.evaluate(n=n, delta=0.05, eps=e)
    assert known.evaluate(n=n, delta=0.05, eps=e) == p  # eta = 0.3 makes the plain branch win
    K = 2 * (1 + 2 / e) ** 2
    ref = 2 * e + math.sqrt((2 * K * math.log(2) + 2 * math.log(2) + 2 * math.log(1 / 0.05)) / n)
    assert measured.evaluate(n=n, delta=0.05, eps=e) == pytest.approx(ref, rel=1e-13)
    assert "2 partitions" in " ".join(measured.notes)


def test_measured_eta_in_dudley_is_rounded_up_to_a_level_fixed_in_advance():
    from symbound.bounds.entropy import ETA_LEVELS, eta_level

    U = sup_ub(0.1)
    b = generalization_bound(Annulus(1, 2), SO(2), method="dudley", equivariance_error=U,
                             resolution="expose", **DKW)
    level, j = eta_level(sp.Rational(0.1), 2)
    # by hand: the smallest 2 * 2^(-j/8) >= 0.1 is j = floor(8 log2(20)) = 34
    assert j == math.floor(8 * math.log2(20)) == 34
    assert float(level) == pytest.approx(2 * 2 ** (-34 / 8), rel=1e-15) and float(level) >= 0.1
    ref = generalization_bound(Annulus(1, 2), SO(2), method="dudley", equivariance_error=level,
                               resolution="expose", **DKW)
    # same class level; the concentration term pays ln(2 * 128 / delta) instead of ln(2 / delta)
    shift = math.sqrt(math.log(2 * ETA_LEVELS / 0.05) / (2 * 10**4)) - math.sqrt(math.log(2 / 0.05) / (2 * 10**4))
    assert b.evaluate(n=10**4, delta=0.05, alpha=0.05) == pytest.approx(
        ref.evaluate(n=10**4, delta=0.05, alpha=0.05) + shift, rel=1e-12)
    assert any("rounded up to the level" in a for a in b.assumptions)


# ----- empirical covering of the sample --------------------------------------------------------


@dataclass
class EmpiricalCovering:  # the fields of symbound.numeric.covering.EmpiricalCovering the seam reads
    eps: float
    n_points: int
    n_centers: int
    covering_upper: int
    n_centers_plain: int | None
    group: object
    metric: str = "euclidean"


def nets(group):
    # counts of a sample of 1000 points at four radii (greedy nets), plain counts 8x larger
    counts = {0.4: 2, 0.2: 7, 0.1: 26, 0.05: 95}
    return [EmpiricalCovering(e, 1000, c, c, 8 * c, group) for e, c in counts.items()]


def test_empirical_covering_is_a_covering_of_the_sample():
    G = Cyclic(8)
    b = generalization_bound(None, G, covering=nets(G), resolution="expose", **dict(KW, grid_size=None))
    assert b.kind == "empirical"
    assert "not a covering of X" in b.describe() and "greedy nets" in b.describe()
    # the model: N(sample, r) <= count of the largest measured radius <= r, n below
    for e, K in ((0.45, 2), (0.4, 2), (0.39, 7), (0.1, 26), (0.07, 95), (0.04, 1000)):
        ref = 2 * e + math.sqrt((2 * 2 * K * math.log(2) + 2 * math.log(4) + 2 * math.log(20)) / 5000)
        assert b.evaluate(n=5000, delta=0.05, eps=e) == pytest.approx(ref, rel=1e-13), e
    # the optimiser chooses among the radii (the grid the ln 4 pays for)
    opt = b.optimize(n=5000, delta=0.05)
    assert opt.argmin in (0.4, 0.2, 0.1, 0.05) and opt.kind == "empirical"
    # as n -> oo: the model is bounded and eps is one of the radii, so the bound tends to
    # 2 L_l L r_min = 0.1 at rate n^(-1/2); the reading (V0, d0) (least squares of ln c on ln r) is
    # reported as an estimate of the sample's covering dimension
    a = b.asymptotics("n")
    assert float(a.limit) == pytest.approx(2 * 0.05, rel=1e-15) and a.exponent == sp.Rational(-1, 2)
    x = [math.log(r) for r in (0.4, 0.2, 0.1, 0.05)]
    y = [math.log(c) for c in (2, 7, 26, 95)]
    mx, my = sum(x) / 4, sum(y) / 4
    d0 = -sum((p - mx) * (q - my) for p, q in zip(x, y)) / sum((p - mx) ** 2 for p in x)
    assert f"d0 = {d0:.4g}" in a.method and "estimate" in a.method
    with pytest.raises(InvalidValueError, match="radii"):
        generalization_bound(None, G, covering=nets(G), **dict(KW, grid_size=7))


def test_nets_with_equal_but_separate_groups_are_one_set():
    # Cyclic(8) == Cyclic(8): nets built with separate but equal objects are accepted (the audit's
    # list comprehension), and give the bound of one shared object
    shared = Cyclic(8)
    separate = [EmpiricalCovering(e.eps, 1000, e.n_centers, e.covering_upper, e.n_centers_plain,
                                  Cyclic(8)) for e in nets(shared)]
    a = generalization_bound(None, Cyclic(8), covering=separate, **dict(KW, grid_size=None))
    b = generalization_bound(None, shared, covering=nets(shared), **dict(KW, grid_size=None))
    assert a.evaluate(n=5000, delta=0.05, eps=0.2) == b.evaluate(n=5000, delta=0.05, eps=0.2)
    with pytest.raises(InvalidValueError, match="same transformation set"):
        generalization_bound(None, Cyclic(8), covering=separate[:2] + nets(Cyclic(4))[2:],
                             **dict(KW, grid_size=None))
    with pytest.raises(InvalidValueError, match="modulo C_8"):  # C_8 (dim 5) acts on R^5, not R^2
        generalization_bound(None, Cyclic(8, dim=5), covering=separate, **dict(KW, grid_size=None))


def test_group_none_with_quotient_nets_uses_their_plain_counts():
    # no symmetry asked for: the nets' plain counts (8x), never the quotient counts
    G = Cyclic(8)
    b = generalization_bound(None, None, covering=nets(G), **dict(KW, grid_size=None))
    assert "C_8" not in b.describe()
    K = 8 * 7  # plain count at radius 0.2
    ref = 2 * 0.2 + math.sqrt((2 * 2 * K * math.log(2) + 2 * math.log(4) + 2 * math.log(20)) / 5000)
    assert b.evaluate(n=5000, delta=0.05, eps=0.2) == pytest.approx(ref, rel=1e-13)
    without_plain = [EmpiricalCovering(e.eps, 1000, e.n_centers, e.covering_upper, None, G)
                     for e in nets(G)]
    with pytest.raises(InvalidValueError, match="group=None asks for a bound without symmetry"):
        generalization_bound(None, None, covering=without_plain, **dict(KW, grid_size=None))


def test_empirical_covering_dudley_uses_the_empirical_rademacher_complexity():
    G = Cyclic(8)
    b = generalization_bound(None, G, method="dudley", covering=nets(G), resolution="expose", **DKW)
    assert b.kind == "certified" and "n" not in {s.name for s in b.free_symbols}
    # 2 (4 a + 12/sqrt(n) int_a^1 sqrt(N(u/2) ln(ceil(2/u) + 1)) du) + 3 sqrt(ln(4/delta)/(2n))
    import mpmath

    def count(r):
        out = 1000
        for e, c in sorted({0.4: 2, 0.2: 7, 0.1: 26, 0.05: 95}.items()):
            if r >= e:
                out = c
        return out

    a, n = 0.2, 1000
    jumps = sorted({2 * e for e in (0.4, 0.2, 0.1, 0.05)} | {2 / k for k in range(1, 30)})
    pts = [a] + [p for p in jumps if a < p < 1] + [1]
    with mpmath.workdps(30):
        integral = mpmath.fsum(mpmath.quad(lambda u: mpmath.sqrt(count(u / 2) * mpmath.log(
            mpmath.ceil(2 / u) + 1)), [p, q]) for p, q in zip(pts, pts[1:]))
        ref = float(2 * (4 * a + 12 / mpmath.sqrt(n) * integral) + 3 * mpmath.sqrt(mpmath.log(80) / (2 * n)))
    got = b.evaluate(delta=0.05, alpha=a)
    assert ref <= got <= ref * 1.02
    with pytest.raises(InvalidValueError, match="training sample"):
        generalization_bound(None, G, method="dudley", covering=nets(G), n=500, **DKW)
