"""The resolution optimiser (issue #8 item 7, issue #11 "Resolution"): it finds the minimum of
saw-tooth bounds, chooses from the grid its union bound pays for, reaches the optimum of every
bound, and reports it briefly.

Expected values: dense scans and an enumeration of the left ends of the constant pieces written
here with mpmath (60 digits, ceilings decided on the exact float), independent of the library.
"""

from __future__ import annotations

import math

import mpmath
import pytest
import sympy as sp

from symbound.bounds import Bound, Optimum, generalization_bound, resolution_grid
from symbound.errors import InvalidValueError
from symbound.groups import Cyclic
from symbound.spaces import Ball, Cube
from symbound.symbols import symbol

KW = dict(lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2)
N, DELTA = 3000, 0.05


def ball2_c8(eps) -> mpmath.mpf:
    """The certified partition bound of Ball(2) mod C_8 (band cover ceil(sqrt2/(2e)) ceil(sqrt2 pi/(8e)),
    2 classes, L = L_l = M = 1, no union bound), at the exact float eps."""
    with mpmath.workdps(60):
        e = mpmath.mpf(eps)
        K = 2 * mpmath.ceil(mpmath.sqrt(2) / (2 * e)) * mpmath.ceil(mpmath.sqrt(2) * mpmath.pi / (8 * e))
        if e >= 1:
            K = 2
        return 2 * e + mpmath.sqrt((2 * K * mpmath.log(2) + 2 * mpmath.log(1 / mpmath.mpf(DELTA))) / N)


def ball2_c8_float(e: float) -> float:
    """The same in float arithmetic (a dense scan; ceilings decided in floats)."""
    K = 2 * math.ceil(math.sqrt(2) / (2 * e)) * math.ceil(math.sqrt(2) * math.pi / (8 * e))
    return 2 * e + math.sqrt((2 * K * math.log(2) + 2 * math.log(1 / DELTA)) / N)


def test_saw_tooth_regression_ball2_mod_c8():
    # the audit: the old optimiser returned 0.416965, a scan of eps in [0.05, 0.2] found 0.400452
    b = generalization_bound(Ball(2), Cyclic(8), grid_size=1, resolution="expose", **KW)
    opt = b.optimize(n=N, delta=DELTA)
    scan = min(ball2_c8_float(0.05 + 0.15 * i / 40000) for i in range(40001))
    assert float(scan) <= 0.400452 + 1e-6
    assert opt.value <= float(scan) + 1e-12
    # the optimum is the bound evaluated at the reported eps (a float, reproducible)
    assert isinstance(opt.argmin, float)
    assert opt.value == b.evaluate(n=N, delta=DELTA, eps=opt.argmin)
    assert opt.value == pytest.approx(float(ball2_c8(opt.argmin)), rel=1e-14)
    # and it is the minimum over the left ends of all constant pieces in (0.01, 1]
    with mpmath.workdps(60):
        ends = [mpmath.sqrt(2) / (2 * k) for k in range(1, 80)] + \
               [mpmath.sqrt(2) * mpmath.pi / (8 * k) for k in range(1, 80)]
        best = min(ball2_c8(x) for x in ends if x > 0.01)
    assert opt.value == pytest.approx(float(best), rel=1e-12)
    assert opt.value < 0.416965  # the old answer


def test_breakpoint_optimum_below_dense_scan_cube():
    # Cube(2, 1), sup metric: N = ceil(1/(2 eps))^2; M sqrt(...) with 5 classes at n = 2e5
    kw = dict(KW, classes=5)
    b = generalization_bound(Cube(2, 1), grid_size=1, resolution="expose", **kw)
    n = 200_000

    def ref(e):
        K = 5 * math.ceil(1 / (2 * e)) ** 2 if e < 0.5 else 5
        return 2 * e + math.sqrt((2 * K * math.log(2) + 2 * math.log(1 / DELTA)) / n)

    scan = min(ref(10 ** (-3 + 3 * i / 200000)) for i in range(200001))
    opt = b.optimize(n=n, delta=DELTA)
    assert opt.value <= scan + 1e-12
    assert opt.value == pytest.approx(ref(opt.argmin), rel=1e-13)
    assert "breakpoints" in opt.method


def test_large_eps_covering_term_is_one():
    # issue #11: Ball(784) at n = 10: covering_number(1) is 1, so the bound at eps = 1 is about 3
    b = generalization_bound(Ball(784), grid_size=1, **KW)
    opt = b.optimize(n=10, delta=0.05)
    by_hand = 2 * 1 + math.sqrt((2 * 2 * 1 * math.log(2) + 2 * math.log(20)) / 10)
    assert opt.value == pytest.approx(by_hand, rel=1e-12)
    assert opt.argmin == 1.0
    assert opt.vacuous  # >= M = 1: vacuous, and said so
    assert "vacuous" in repr(opt)
    # the covering term at eps = 1 is 1, not 3^784
    assert b.evaluate(n=10, delta=0.05, eps=1.0) == pytest.approx(by_hand, rel=1e-12)


def test_grid_size_is_backed_by_a_grid():
    m = 8
    b = generalization_bound(Ball(2), Cyclic(8), grid_size=m, resolution="expose", **KW)
    opt = b.optimize(n=N, delta=DELTA)
    grid = resolution_grid(m, 1 / math.sqrt(N), 1)  # R1 = 1 (the unit ball), range (R1 n^-1/2, R1)
    assert opt.details["grid"] == tuple(float(x) for x in grid)
    assert opt.argmin in [float(x) for x in grid]

    def ref(e):
        return float(ball2_c8(e)) - math.sqrt((4 * ball_k(e) * math.log(2) + 2 * math.log(1 / DELTA)) / N) \
            + math.sqrt((4 * ball_k(e) * math.log(2) + 2 * math.log(m / DELTA)) / N)

    assert opt.value == pytest.approx(min(ref(float(x)) for x in grid), rel=1e-12)
    assert "ln m" in " ".join(b.notes)


def ball_k(e):
    with mpmath.workdps(60):
        E = mpmath.mpf(e)
        return int(mpmath.ceil(mpmath.sqrt(2) / (2 * E)) * mpmath.ceil(mpmath.sqrt(2) * mpmath.pi / (8 * E)))


def test_resolution_grid_values():
    g = resolution_grid(5, 0.01, 1)
    assert [float(x) for x in g] == pytest.approx([1, 10 ** -0.5, 0.1, 10 ** -1.5, 0.01], rel=1e-15)
    assert resolution_grid(1, 0.1, 2) == (2,)
    with pytest.raises(InvalidValueError, match="grid"):
        resolution_grid(0, 0.1, 1)


def test_optimum_reachable_from_any_bound():
    # power law with resolution="optimize": argmin and optimize() were unavailable before
    b = generalization_bound(None, power_law=(4, 2), **KW)
    assert b.resolution is None
    eps = symbol("eps")
    assert b.argmin is not None and b.argmin.has(symbol("n"))
    opt = b.optimize()
    assert opt.variable == eps and sp.simplify(opt.argmin - b.argmin) == 0
    assert opt.kind == "certified"  # a power law asserted by the caller
    # the same optimum as the exposed bound's
    e = generalization_bound(None, power_law=(4, 2), resolution="expose", **KW)
    assert float(b.evaluate(n=10**5, delta=0.01)) == pytest.approx(
        float(e.optimize(n=10**5, delta=0.01).value), rel=1e-12)
    assert b.optimize(n=10**5, delta=0.01).value == pytest.approx(
        float(e.optimize(n=10**5, delta=0.01).value), rel=1e-12)
    # an optimum of an asymptotic bound is asymptotic, not certified
    a = generalization_bound(Ball(2), Cyclic(8), covering="power_law", **KW)
    oa = a.optimize(n=10**4, delta=0.05)
    assert oa.kind == "asymptotic" and not oa.certified
    # certified bound, optimised numerically; rate of the family before substitution
    c = generalization_bound(Ball(2), Cyclic(8), **KW)
    oc = c.optimize(n=10**4, delta=0.05)
    assert oc.certified and oc.value == c.evaluate(n=10**4, delta=0.05)


def test_optimum_repr_is_short():
    b = generalization_bound(Ball(2), Cyclic(8), resolution="expose", **KW)
    opt = b.optimize(n=N, delta=DELTA)
    r = repr(opt)
    assert isinstance(opt, Optimum)
    assert r.startswith("Optimum(value=0.40043") and "eps=0.09256" in r and "certified" in r
    assert len(r) < 100 and "partition" not in r  # no bound dumped


def test_generic_bound_with_ceiling_finds_left_end():
    # f(eps) = eps + ceil(1/eps) / 100: the left ends 1/k give 1/k + k/100, minimal at k = 10
    eps = symbol("eps")
    b = Bound(eps + sp.ceiling(1 / eps) / 100, resolution=eps)
    opt = b.optimize()
    assert opt.value == pytest.approx(0.1 + 0.1, rel=1e-14)
    assert opt.argmin == pytest.approx(0.1, rel=1e-15)
    scan = min(x + math.ceil(1 / x) / 100 for x in (0.01 + 0.99 * i / 100000 for i in range(100001)))
    assert opt.value <= scan + 1e-15


def test_very_fine_saw_tooth_uses_a_dense_scan_and_nearby_breakpoints():
    # n = 1e30: eps* ~ 1e-7, ceil(1/(2 eps)) ~ 1e7 pieces; the scan + nearby breakpoints must be
    # within one tooth (relative 1e-6) of the left-end envelope, evaluated here by hand
    b = generalization_bound(Cube(2, 1), grid_size=1, resolution="expose", **KW)
    n = 10**30
    opt = b.optimize(n=n, delta=DELTA)
    assert "dense scan" in opt.method

    def left_end(k):  # eps = 1/(2k): N = k^2
        return 2 / (2 * k) + math.sqrt((2 * 2 * k * k * math.log(2) + 2 * math.log(1 / DELTA)) / n)

    # the envelope over k is unimodal: its minimum by a scan of k around the stationary point
    k0 = round((n / (4 * math.log(2))) ** 0.25)  # d/dk [1/k + 2 k sqrt(ln2 / n)] = 0
    best = min(left_end(k) for k in range(max(1, k0 - 5000), k0 + 5000))
    assert opt.value <= best * (1 + 1e-6)
    assert opt.value == pytest.approx(b.evaluate(n=n, delta=DELTA, eps=opt.argmin), rel=1e-15)
