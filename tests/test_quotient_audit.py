"""Defects of the covering/quotient code found by the issue #9 audit: irrational radii in the band
cover, rotations by at most 0 about any axis, the quotient's bound never above the space's own.

Expected values: scale invariance of the band cover (the same count for ``(R, eps)`` and
``(1, eps/R)``), greedy 2eps-separated sets in the quotient metric (brute force), hand counts.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symbound.bounds import generalization_bound
from symbound.groups import Cyclic, Dihedral, PartialRotations, Symmetric, TransformationSet
from symbound.quotient import quotient
from symbound.spaces import Annulus, Ball, Sphere, Torus

from _quotient_brute import ball_points, greedy_separated_orbits, plane_rotations, val


# --------------------------------------------------------------------------------------------
# item 3: irrational radii (the band cover crashed: sqrt of a negative slack)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("R, k", [(sp.sqrt(2), 20), (sp.pi / 3, 10), (sp.sqrt(3) / 7, 5)])
@pytest.mark.parametrize("group", [Cyclic(4), Dihedral(3), PartialRotations(sp.pi / 3)])
def test_irrational_radius_band_cover_is_scale_invariant(R, k, group):
    # eps = R/k makes (r2 - r1)/(2 eps) an integer: the old float/rational rounding of R and eps
    # separately gave a negative slack there (ValueError / TypeError)
    up = quotient(Ball(2, R), group).covering(R / k)
    ref = quotient(Ball(2, 1), group).covering(sp.Rational(1, k))
    assert up.expr == ref.expr
    assert quotient(Ball(2, R), group).covering(R / k, kind="lower").expr <= up.expr


@pytest.mark.parametrize("r1, r2", [(sp.sqrt(2) / 2, sp.sqrt(2)), (sp.pi / 6, sp.pi / 3)])
def test_irrational_annulus_against_separated_orbits(r1, r2):
    rng = np.random.default_rng(3)
    eps = (r2 - r1) / 6
    Q = quotient(Annulus(r1, r2), Cyclic(4))
    up = val(Q, eps)
    # a 2eps-separated set in the quotient metric min_g |g y - x| has at most N_G points
    a, b = float(r1), float(r2)
    ang = rng.uniform(0, 2 * np.pi, 3000)
    rad = np.sqrt(rng.uniform(a * a, b * b, 3000))
    pts = np.stack([rad * np.cos(ang), rad * np.sin(ang)], axis=1)
    mats = plane_rotations(np.arange(4) * np.pi / 2, 2, (0, 1))
    assert greedy_separated_orbits(pts, mats, 2 * float(eps), rng) <= up
    # scale invariance again, against the rational annulus
    s = sp.Rational(1) / r2
    assert up == val(quotient(Annulus(sp.nsimplify(r1 * s), 1), Cyclic(4)), eps * s)


def test_irrational_radius_three_dimensional_bands():
    # the other two band covers (B^3 modulo rotations by at most theta in a plane / about any
    # axis) with R = sqrt(2): valid and ordered, no crash
    for group in (PartialRotations(sp.pi / 4, dim=3, plane=(0, 1)), PartialRotations(sp.pi / 4, dim=3)):
        Q = quotient(Ball(3, sp.sqrt(2)), group)
        e = sp.sqrt(2) / 10
        assert 1 <= val(Q, e, "lower") <= val(Q, e) <= val(quotient(Ball(3, 2), group), e)


# --------------------------------------------------------------------------------------------
# item 4: rotations by at most 0 about any axis are the identity
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("space", [Ball(3), Sphere(3)])
def test_partial_rotations_by_zero_about_any_axis(space):
    G = PartialRotations(0.0, dim=3, plane=None)  # raised ZeroDivisionError in the cap cover
    Q = quotient(space, G)
    e = sp.Rational(1, 10)
    # S+ = {id}: an (eps, S)-cover is an eps-cover, so N_S = N for every kind
    for kind in ("upper", "lower"):
        assert Q.covering(e, kind).expr == space.covering(e, kind).expr
    b = generalization_bound(space, G, lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2)
    plain = generalization_bound(space, lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2)
    assert b.evaluate(n=10**6, delta=0.05) == pytest.approx(plain.evaluate(n=10**6, delta=0.05))


# --------------------------------------------------------------------------------------------
# item 2: the circle modulo C_k / D_k in its intrinsic (arc) geometry
# --------------------------------------------------------------------------------------------


def rotated_dihedral(k, phi):
    """D_k with mirror lines rotated by phi (built here, independent of the library)."""
    rots = plane_rotations(2 * np.pi * np.arange(k) / k, 2, (0, 1))
    mirror = np.array([[np.cos(2 * phi), np.sin(2 * phi)], [np.sin(2 * phi), -np.cos(2 * phi)]])
    return np.concatenate([rots, rots @ mirror])


def arc_count(order, eps) -> int:
    """ceil(pi / (|G| 2 asin(eps/2))) with mpmath at 50 digits (the hand count)."""
    import mpmath

    with mpmath.workdps(50):
        e = mpmath.mpf(sp.Rational(eps).p) / sp.Rational(eps).q
        return 1 if e >= 2 else int(mpmath.ceil(mpmath.pi / (order * 2 * mpmath.asin(e / 2))))


@pytest.mark.parametrize("group, mats", [
    (Cyclic(2), plane_rotations(np.array([0, np.pi]), 2, (0, 1))),
    (Cyclic(8), plane_rotations(2 * np.pi * np.arange(8) / 8, 2, (0, 1))),
    (Dihedral(3), rotated_dihedral(3, 0.0)),
    (TransformationSet(rotated_dihedral(4, 0.3)), rotated_dihedral(4, 0.3)),
])
def test_circle_modulo_finite_group_exact(group, mats):
    from _quotient_brute import cover_radius, greedy_separated_orbits

    rng = np.random.default_rng(5)
    Q = quotient(Sphere(2), group)
    order = len(mats)
    for eps in (sp.Rational(1, 100), sp.Rational(1, 7), sp.Rational(3, 5), sp.Rational(19, 10), 3):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # an exact count: no trivial-bound warning
            up = Q.covering(eps)
        assert up.kind == "exact" and up.expr == Q.covering(eps, kind="lower").expr
        assert up.expr == arc_count(order, eps)
        e = float(eps)
        # the cover: up arcs of equal length inside an arc of length 2 pi / |G| at the mirror line
        t = min(2 * np.arcsin(min(e / 2, 1.0)), np.pi)
        phi = 0.3 if isinstance(group, TransformationSet) else 0.0
        L = 2 * np.pi / order
        ang = phi + (np.arange(int(up.expr)) + 0.5) * L / int(up.expr)
        centres = np.stack([np.cos(ang), np.sin(ang)], axis=1)
        a = rng.uniform(0, 2 * np.pi, 4000)
        samples = np.stack([np.cos(a), np.sin(a)], axis=1)
        assert cover_radius(samples, centres, mats) <= e + 1e-12
        # a 2eps-separated set in the quotient metric has at most N_G points
        assert greedy_separated_orbits(samples[:1500], mats, 2 * e, rng) <= up.expr
    # the gain tends to |G| (N(S^1) = ceil(pi / (2 asin(eps/2))))
    eps = sp.Rational(1, 10**4)
    assert Sphere(2).covering(eps).expr / Q.covering(eps).expr == pytest.approx(order, rel=1e-3)


def test_product_of_circles_gains():
    from symbound.groups import DirectProduct
    from symbound.spaces import Product

    eps = sp.Rational(1, 1000)
    X = Product(Sphere(2), Sphere(2))
    gain = X.covering(eps).expr / quotient(X, DirectProduct(Cyclic(2), Cyclic(3))).covering(eps).expr
    assert gain == pytest.approx(6, rel=1e-2)


# --------------------------------------------------------------------------------------------
# item 5: the quotient's upper bound is never above the space's own N(X)
# --------------------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(i=st.integers(0, 4), q=st.fractions(sp.Rational(1, 50), sp.Rational(3, 2), max_denominator=200))
def test_quotient_upper_never_above_the_space(i, q):
    space, group = [(Torus(2), Symmetric(2, axis=-1)), (Torus(3), Symmetric(3, axis=-1)),
                    (Ball(2), Cyclic(3)), (Sphere(3), Cyclic(4, dim=3)),
                    (Annulus(1, 2), Dihedral(2))][i]
    eps = sp.Rational(q.numerator, q.denominator)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        up = quotient(space, group).covering(eps)
    assert up.expr <= space.covering(eps).expr


def test_torus_coordinates_falls_back_to_the_space_and_says_so():
    # the audit: 3 > N(T^2) = 2 at eps = 0.7 (the multiset cover of two circle points)
    Q = quotient(Torus(2), Symmetric(2, axis=-1))
    eps = sp.Rational(7, 10)
    with pytest.warns(UserWarning, match="no symmetry gain at this eps"):
        up = Q.covering(eps)
    assert up.expr == Torus(2).covering(eps).expr == 2 and up.method.startswith("trivial")
    assert "fallback" in Q.describe()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # where the pair's own bound wins: no warning
        assert Q.covering(sp.Rational(1, 10)).expr < Torus(2).covering(sp.Rational(1, 10)).expr


# --------------------------------------------------------------------------------------------
# item 6: products, sign flips of a torus
# --------------------------------------------------------------------------------------------


def test_direct_product_with_a_trivial_factor_says_so():
    from symbound.groups import DirectProduct
    from symbound.spaces import Product

    # rotations by at most 0.3 in a plane of S^2: no certified gain; C_3 on the disk: a gain
    Q = quotient(Product(Sphere(3), Ball(2)), DirectProduct(PartialRotations(0.3, dim=3), Cyclic(3)))
    assert "WARNING: S^2 / " in Q.describe() and "no gain from this factor" in Q.describe()
    with pytest.warns(UserWarning, match="no symmetry gain"):
        up = Q.covering(sp.Rational(1, 10))
    assert "X: trivial" in up.method


@pytest.mark.parametrize("space, group", [(Ball(2), Sphere(2)), (Ball(3), Sphere(3))])
def test_rotations_of_a_mixed_product_fall_back_with_a_warning(space, group):
    from symbound.groups import SO
    from symbound.spaces import Product

    X = Product(space, group)
    G = SO(space.ambient_dim)  # acts diagonally; no certified pair for a ball times a sphere
    Q = quotient(X, G)  # was refused: "can be checked only for finite sets of matrices"
    e = sp.Rational(1, 5)
    with pytest.warns(UserWarning, match="no certified covering bound modulo SO"):
        up = Q.covering(e)
    assert up.expr == X.covering(e).expr and up.method.startswith("trivial")
    assert Q.is_trivial and "only the trivial bound" in Q.describe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        b = generalization_bound(X, G, lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2)
        plain = generalization_bound(X, lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2)
        assert b.evaluate(n=10**6, delta=0.05) == pytest.approx(plain.evaluate(n=10**6, delta=0.05))


def torus_dist_to_set(x, ys):
    d = (ys - x + 0.5) % 1.0 - 0.5
    return np.sqrt((d * d).sum(-1))


@pytest.mark.parametrize("mats", [
    np.array([np.eye(2), np.diag([-1.0, 1.0])]),  # a sign flip of one coordinate
    np.array([np.eye(2), -np.eye(2)]),  # y -> -y
    plane_rotations(np.arange(4) * np.pi / 2, 2, (0, 1)),  # C_4: signed permutations
])
def test_torus_signed_permutations_against_brute_force(mats):
    # signed permutations of the coordinates are the linear isometries of R^2 / Z^2
    rng = np.random.default_rng(11)
    Q = quotient(Torus(2), TransformationSet(np.round(mats), is_group=True))
    for eps in (sp.Rational(1, 10), sp.Rational(1, 6), sp.Rational(3, 10)):
        e = float(eps)
        up = val(Q, eps)
        # the G-orbits of the grid cover ((i + 1/2)/m): an (eps, G)-cover, counted by brute force
        m = int(np.ceil(np.sqrt(2) / (2 * e)))
        g = (np.arange(m) + 0.5) / m
        grid = np.stack(np.meshgrid(g, g, indexing="ij"), -1).reshape(-1, 2)
        orbits = {frozenset(tuple(np.round(((p @ M.T) % 1.0) * 2 * m).astype(int) % (2 * m))
                            for M in mats) for p in grid}
        assert up <= len(orbits)
        # a 2eps-separated set in the quotient metric min_g |x - g y| (mod 1) has at most N_G points
        pts = rng.uniform(0, 1, (1200, 2))
        orbit_pts = np.einsum("kij,pj->pki", mats, pts) % 1.0
        order = rng.permutation(len(pts))
        chosen = np.empty((0, len(mats), 2))
        for i in order:
            if len(chosen) == 0 or min(torus_dist_to_set(pts[i], c).min() for c in chosen) > 2 * e:
                chosen = np.concatenate([chosen, orbit_pts[i][None]])
        assert len(chosen) <= up
    # the gain tends to |G| at small eps
    eps = sp.Rational(1, 200)
    assert val(quotient(Torus(2), TransformationSet(np.round(mats), is_group=True)), eps) <= \
        val(Torus(2), eps) / len(mats) * 1.05


@pytest.mark.parametrize("group, mats", [
    (Cyclic(4), plane_rotations(np.arange(4) * np.pi / 2, 2, (0, 1))),
    (Dihedral(2), np.array([np.eye(2), -np.eye(2), np.diag([1.0, -1.0]), np.diag([-1.0, 1.0])])),
])
def test_torus_cyclic_and_dihedral_are_signed_permutations(group, mats):
    # C_4 and D_2 on T^2 were trivial (their exact element types carried no cycles): the same
    # bound as the rounded matrices, and a gain near |G|
    eps = sp.Rational(1, 200)
    same = TransformationSet(np.round(mats), is_group=True)
    assert val(quotient(Torus(2), group), eps) == val(quotient(Torus(2), same), eps)
    assert val(Torus(2), eps) / val(quotient(Torus(2), group), eps) > 0.95 * len(mats)
