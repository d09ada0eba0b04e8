"""Wang et al. (2023): least error of invariant / equivariant models on finite orbits, against brute
force over the model class on an explicit C4 action (rotations by 90 degrees of integer points)."""

from __future__ import annotations

import itertools
from fractions import Fraction as F

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from symbound.errors import InvalidTypeError, InvalidValueError
from symbound.reference import (
    wang2023_equivariant_regression,
    wang2023_invariant_classification,
    wang2023_invariant_regression,
)

ROT = np.array([[0, -1], [1, 0]])
C4 = [np.linalg.matrix_power(ROT, j) for j in range(4)]


def _domain(bases):
    """All points of the C4-orbits of the integer base points, and those orbits (as index lists),
    computed from the action itself."""
    pts, orbits = [], []
    for b in bases:
        orbit = []
        for g in C4:
            q = tuple(int(v) for v in g @ np.asarray(b))
            if q not in pts:
                pts.append(q)
            i = pts.index(q)
            if i not in orbit:
                orbit.append(i)
        if all(set(orbit) != set(o) for o in orbits):
            orbits.append(orbit)
    return pts, orbits


def _is_invariant(h, pts):
    idx = {p: i for i, p in enumerate(pts)}
    return all(h[idx[tuple(int(v) for v in C4[1] @ np.asarray(p))]] == h[i] for i, p in enumerate(pts))


bases = st.lists(st.tuples(st.integers(-3, 3), st.integers(-3, 3)), min_size=1, max_size=2)


@st.composite
def labelled_domain(draw):
    pts, orbits = _domain(draw(bases))
    weights = draw(st.lists(st.integers(0, 9), min_size=len(pts), max_size=len(pts)))
    total = sum(weights) or 1
    masses = [F(w, total) for w in weights]
    labels = draw(st.lists(st.integers(0, 1), min_size=len(pts), max_size=len(pts)))
    return pts, orbits, masses, labels


@given(labelled_domain())
def test_classification_equals_brute_force(case):
    """min over every invariant classifier h: points -> {0, 1} (enumerated over all 2^|X| maps and
    kept when h(R x) = h(x)) of the exact 0-1 error."""
    pts, orbits, masses, labels = case
    best = min(sum((m for m, h_i, y in zip(masses, h, labels) if h_i != y), F(0))
               for h in itertools.product((0, 1), repeat=len(pts)) if _is_invariant(h, pts))
    bound = wang2023_invariant_classification([[(masses[i], labels[i]) for i in o] for o in orbits])
    assert bound.expr == sp.Rational(best.numerator, best.denominator)
    assert bound.relation == ">=" and not bound.is_upper_bound


def test_classification_hand_value_three_labels():
    # one C4 orbit with labels a, a, b, c (masses 1/2, 1/8, 1/4, 1/8) and a fixed point labelled a:
    # the majority label a carries 5/8 of the orbit's 1 - 1/8 = 7/8, so the least error is 7/8 - 5/8
    orbit = [(F(1, 2), "a"), (F(1, 8), "a"), (F(1, 8), "b"), (F(1, 8), "c")]
    fixed = [(F(1, 8), "a")]
    assert wang2023_invariant_classification([orbit, fixed]).expr == sp.Rational(1, 4)


def test_correct_symmetry_gives_zero():
    pts, orbits = _domain([(1, 2), (0, 0)])
    assert wang2023_invariant_classification([[(F(1, 5), "y")] * len(orbits[0]), [(F(1, 5), "z")]]).expr == 0
    # an exactly equivariant vector field f(x) = M x with M commuting with the rotation
    m = np.array([[2, -1], [1, 2]])
    orbit = [(F(1, 4), m @ np.asarray(pts[i]), C4[j]) for j, i in enumerate(orbits[0])]
    assert wang2023_equivariant_regression([orbit]).expr == 0


def _weighted_min_lstsq(masses, values, rhos):
    """Independent float computation: least squares on the stacked system sqrt(p_j) rho_j c = sqrt(p_j) y_j."""
    a = np.vstack([np.sqrt(p) * r for p, r in zip(masses, rhos)])
    b = np.concatenate([np.sqrt(p) * y for p, y in zip(masses, values)])
    c = np.linalg.lstsq(a, b, rcond=None)[0]
    return float(((a @ c - b) ** 2).sum())


@st.composite
def vector_field(draw, free=True):
    bs = draw(bases.filter(lambda b: all(p != (0, 0) for p in b))) if free else draw(bases)
    pts, orbits = _domain(bs)
    weights = draw(st.lists(st.integers(1, 9), min_size=len(pts), max_size=len(pts)))
    masses = [F(w, sum(weights)) for w in weights]
    values = [np.array(draw(st.lists(st.integers(-5, 5), min_size=2, max_size=2))) for _ in pts]
    return pts, orbits, masses, values


def _equivariant_orbits(pts, orbits, masses, values):
    """Each orbit listed from its first point x_0, with rho_j = R^j for x_j = R^j x_0."""
    out = []
    for o in orbits:
        x0 = np.asarray(pts[o[0]])
        idx = {tuple(int(v) for v in g @ x0): j for j, g in reversed(list(enumerate(C4)))}
        out.append([(masses[i], values[i], C4[idx[pts[i]]]) for i in o])
    return out


@given(vector_field(), st.lists(st.tuples(st.integers(-6, 6), st.integers(-6, 6)), min_size=2, max_size=2))
def test_equivariant_regression_against_lstsq_and_random_models(case, cs):
    pts, orbits, masses, values = case
    listed = _equivariant_orbits(pts, orbits, masses, values)
    bound = wang2023_equivariant_regression(listed).expr
    ref = sum(_weighted_min_lstsq([float(p) for p, _, _ in o], [y for _, y, _ in o], [r for _, _, r in o])
              for o in listed)
    assert float(bound) == pytest.approx(ref, rel=1e-9, abs=1e-12)
    # every equivariant h (one free value c per orbit, h(R^j x_0) = R^j c) errs at least the bound
    err = sum(F(p) * int(((r @ np.asarray(c) - y) ** 2).sum())
              for o, c in zip(listed, itertools.cycle(cs)) for p, y, r in o)
    assert sp.Rational(err.numerator, err.denominator) >= bound


@given(vector_field(free=False), st.integers(-6, 6))
def test_invariant_regression_against_grid_and_lstsq(case, c0):
    pts, orbits, masses, values = case
    scalar = [int(v[0]) for v in values]
    listed = [[(masses[i], scalar[i]) for i in o] for o in orbits]
    bound = wang2023_invariant_regression(listed).expr
    # brute force: each orbit's constant scanned over a grid of step 1/100 covering the values
    grid = np.arange(-500, 501) / 100.0
    brute = sum(min(sum(float(masses[i]) * (c - scalar[i]) ** 2 for i in o) for c in grid) for o in orbits)
    assert brute >= float(bound) - 1e-12
    assert brute <= float(bound) + 1e-4 * sum(float(masses[i]) for i in range(len(pts)))
    ref = sum(_weighted_min_lstsq([float(masses[i]) for i in o], [np.array([scalar[i]]) for i in o],
                                  [np.eye(1)] * len(o)) for o in orbits)
    assert float(bound) == pytest.approx(ref, rel=1e-9, abs=1e-12)
    err = sum(masses[i] * (c0 - scalar[i]) ** 2 for o in orbits for i in o)
    assert sp.Rational(err.numerator, err.denominator) >= bound


def test_invariant_is_equivariant_with_trivial_rho():
    orbit = [(0.2, [1.0, 2.0]), (0.3, [0.0, -1.0]), (0.1, [4.0, 4.0])]
    inv = wang2023_invariant_regression([orbit]).expr
    eq = wang2023_equivariant_regression([[(p, y, np.eye(2)) for p, y in orbit]]).expr
    assert inv == eq
    # hand value with the binary masses: weighted variance sum_j p_j ||y_j - m||^2
    p = [sp.Rational(0.2), sp.Rational(0.3), sp.Rational(0.1)]
    ys = [sp.Matrix([1, 2]), sp.Matrix([0, -1]), sp.Matrix([4, 4])]
    mean = sum((pi * y for pi, y in zip(p, ys)), sp.zeros(2, 1)) / sum(p)
    assert inv == sum(pi * (y - mean).dot(y - mean) for pi, y in zip(p, ys))


def test_fixed_point_listed_with_identity_is_a_valid_but_loose_lower_bound():
    # at the fixed point 0 an equivariant h must vanish (h(0) = R h(0)), so its true least error is
    # p ||f(0)||^2 = 1/2; listing the point with rho = I drops that constraint and gives 0 <= 1/2
    assert wang2023_equivariant_regression([[(F(1, 2), [1, 1], np.eye(2))]]).expr == 0


def test_float_masses_enter_exactly():
    b = wang2023_invariant_classification([[(0.1, 0), (0.2, 1)]])
    assert b.expr == sp.Rational(0.1)


@pytest.mark.parametrize("orbits, err", [
    ([], InvalidValueError),
    ("ab", InvalidValueError),
    ([[]], InvalidValueError),
    ([[(0.5,)]], InvalidValueError),
    ([[(-0.1, 0)]], InvalidValueError),
    ([[(0.7, 0), (0.7, 1)]], InvalidValueError),
    ([[(True, 0)]], InvalidTypeError),
    ([[(float("nan"), 0)]], InvalidValueError),
    ([[(0.5, [0])]], InvalidTypeError),
])
def test_classification_bad_input(orbits, err):
    with pytest.raises(err):
        wang2023_invariant_classification(orbits)


@pytest.mark.parametrize("orbits", [
    [[(0.5, [1.0, 2.0]), (0.5, [1.0])]],
    [[(0.5, [[1.0]])]],
    [[(0.5, "x")]],
])
def test_regression_bad_input(orbits):
    with pytest.raises((InvalidValueError, InvalidTypeError)):
        wang2023_invariant_regression(orbits)


@pytest.mark.parametrize("rho", [np.eye(3), [[1, 0]], "I"])
def test_equivariant_bad_rho(rho):
    with pytest.raises((InvalidValueError, InvalidTypeError)):
        wang2023_equivariant_regression([[(0.5, [1.0, 2.0], rho)]])
