"""Tests of symbound.quotient (THEORY.md §2: covering modulo a transformation set).

Expectations come from hand-worked closed forms, from brute-force checks of the cover
constructions on dense samples (every sample within eps of s(c) for some s in S+ and centre c), and
from greedy separated sets under the quotient metric — never from the module's own output.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symbound.errors import InvalidTypeError, InvalidValueError
from symbound.groups import (
    O,
    SO,
    Cyclic,
    Dihedral,
    PartialRotations,
    Symmetric,
    TransformationSet,
    Translations,
)
from symbound.quotient import QuotientSpace, quotient
from symbound.quotient._planar import annular_sector_plan
from symbound.spaces import Annulus, Ball, Cube, FiniteSet, Manifold, Product, Sphere, Torus

EPS = sp.Symbol("eps", positive=True)
TOL = 1e-9


def val(Q, eps, kind="upper") -> float:
    return float(Q.covering(eps, kind))


# --------------------------------------------------------------------------------------------
# hand-worked closed forms
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "space, group, eps, expected",
    [
        (Annulus(1, 2), SO(2), 0.1, 5),  # ceil(1 / 0.2)
        (Annulus(1, 2), O(2), 0.3, 2),  # ceil(1 / 0.6)
        (Annulus(0.5, 3), SO(2), 0.25, 5),  # ceil(2.5 / 0.5)
        (Ball(2, 1), SO(2), 0.1, 5),  # [0, 1]: ceil(1 / 0.2)
        (Ball(3, 2), SO(3), 0.25, 4),  # [0, 2]: ceil(2 / 0.5)
        (Ball(4, 1), O(4), 0.3, 2),  # ceil(1 / 0.6)
        (Ball(1, 1), O(1), 0.2, 3),  # [-1, 1] / {+-1} = [0, 1]: ceil(1 / 0.4)
        (Sphere(3), SO(3), 0.01, 1),  # transitive
        (Sphere(2), SO(2), 0.001, 1),
        (Sphere(4), O(4), 0.5, 1),
        (Torus(3, 2), Translations(3, 2), 0.01, 1),
        (Cube(1, 1), Symmetric(3), 0.1, 35),  # m = 5 grid points, C(5 + 2, 3)
        (Cube(1, 1), Symmetric(3), 0.25, 4),  # m = 2, C(4, 3)
        (Ball(1, 1), Symmetric(2), 0.25, 10),  # interval of length 2, m = 4, C(5, 2)
        (Cube(3, 1, metric="sup"), Symmetric(3, axis=-1), 0.1, 35),  # sorted coordinates
    ],
)
def test_exact_closed_forms(space, group, eps, expected):
    Q = quotient(space, group)
    for kind in ("upper", "lower"):
        b = Q.covering(eps, kind)
        assert b.kind == "exact"
        assert float(b) == expected
        assert b.log() == pytest.approx(math.log(expected), abs=1e-12)


def test_partial_rotations_hand_worked():
    # theta = pi/4: ceil(pi/theta) = 4 centres per band, ceil(1/(2*0.1)) = 5 bands -> 20.
    # Lower (radial integral): for 1 <= r <= 2, w(r) = pi/2 + 4 asin(0.1/(2 sqrt(r(r-0.1)))) is at
    # most pi/2 + 0.211 < 2 pi / 3, so ceil(2 pi / w) = 4 on the whole range: 4 * 1 / 0.2 = 20.
    Q = quotient(Annulus(1, 2), PartialRotations(sp.pi / 4))
    assert val(Q, 0.1, "upper") == 20
    assert val(Q, 0.1, "lower") == 20
    assert sp.simplify(Q.covering_number(EPS) - 4 * sp.ceiling(1 / (2 * EPS))) == 0
    assert Q.dim == 1


def test_partial_rotations_full_angle_is_so2():
    Q = quotient(Annulus(1, 2), PartialRotations(sp.pi))
    b = Q.covering(0.1)
    assert b.kind == "exact" and float(b) == 5


def test_symbolic_closed_forms():
    # SO(2) on the annulus 1 <= |x| <= 3: ceil(2 / (2 eps)) = ceil(1 / eps)
    Q = quotient(Annulus(1, 3), SO(2))
    assert Q.covering_number(EPS) == sp.ceiling(1 / EPS)
    assert Q.covering_number(EPS, "asymptotic") == 1 / EPS
    # C_4 on the annulus 1 <= |x| <= 2: alpha = pi/2, r2 = 2
    Q = quotient(Annulus(1, 2), Cyclic(4))
    expected = sp.ceiling(1 / (sp.sqrt(2) * EPS)) * sp.ceiling(sp.pi / (sp.sqrt(2) * EPS))
    got = Q.covering_number(EPS)
    assert got.free_symbols == {EPS}
    for e in (0.3, 0.05, 0.011, 0.0033):
        assert float(got.subs(EPS, e)) == float(expected.subs(EPS, e))
    # lower: max(N_lower(X)/|G|, radial) = max((4 - 1)/(4 eps^2), ceil(1/(2 eps)))
    low = Q.covering_number(EPS, "lower")
    for e in (0.3, 0.05, 2.0):
        assert float(low.subs(EPS, e)) == pytest.approx(max(3 / (4 * e**2), math.ceil(1 / (2 * e))))
    # S_n on an interval, symbolic
    Q = quotient(Cube(1, 1), Symmetric(3))
    assert sp.simplify(Q.covering_number(EPS) - sp.binomial(sp.ceiling(1 / (2 * EPS)) + 2, 3)) == 0
    assert sp.simplify(Q.covering_number(EPS, "asymptotic") - 1 / (48 * EPS**3)) == 0


def test_symbolic_eps_returns_expressions_everywhere():
    pairs = [
        (Annulus(1, 2), SO(2)), (Ball(2, 1), Cyclic(8)), (Annulus(1, 2), Dihedral(3)),
        (Ball(3, 1), SO(2, dim=3)), (Annulus(1, 2), PartialRotations(0.3)),
        (Ball(2, 1), Symmetric(3)), (Ball(3, 1), Cyclic(4, dim=3)),
    ]
    for space, group in pairs:
        Q = quotient(space, group)
        for kind in Q.available_kinds:
            expr = Q.covering_number(EPS, kind)
            assert EPS in expr.free_symbols, (space, group, kind)
            assert EPS in Q.log_covering_number(EPS, kind).free_symbols


def test_dim_volume_latex_power_law():
    Q = quotient(Ball(2, 1), Cyclic(8))
    assert Q.latex() == "B^{2}_{1} / C_{8}"
    assert Q._repr_latex_() == "$\\displaystyle B^{2}_{1} / C_{8}$"
    assert Q.dim == 2 and Q.volume == sp.pi / 8
    assert Q.power_law() == (sp.Rational(1, 8), 2)  # (1/eps^2) / 8
    assert quotient(Annulus(1, 3), SO(2)).power_law() == (1, 1)
    assert quotient(Annulus(1, 2), SO(2)).dim == 1
    assert quotient(Annulus(1, 2), SO(2)).volume == 1
    assert quotient(Ball(5, 2), SO(5)).dim == 1
    assert quotient(Ball(5, 2), SO(5)).power_law() == (1, 1)  # ceil(2/(2 eps)) ~ 1/eps
    assert quotient(Torus(2), Translations(2)).dim == 0
    assert quotient(Torus(2), Translations(2)).power_law() == (1, 0)
    assert quotient(Annulus(1, 2), PartialRotations(sp.pi / 4)).power_law() == (2, 1)
    Q = quotient(Ball(2, 1), Symmetric(3))
    assert Q.dim == 6 and Q.volume == sp.pi**3 / 6
    assert Q.latex() == "\\left(B^{2}_{1}\\right)^{3} / S_{3}"
    assert quotient(Cube(1, 1), Symmetric(3)).power_law() == (sp.Rational(1, 48), 3)
    assert quotient(Ball(3, 1), SO(2, dim=3)).dim == 2
    assert quotient(Manifold(3, 10), SO(2), orbit_dim=1, quotient_volume=2).power_law() == (2 / sp.pi, 2)
    rot = TransformationSet([[[0.0, -1.0], [1.0, 0.0]]])  # not a group
    assert quotient(Ball(2, 1), rot).power_law() is None
    # N/|S+| <= N_S <= |G'| N_G: both scale like eps^-2
    assert quotient(Ball(2, 1), rot).dim == 2
    assert isinstance(Q, QuotientSpace)


# --------------------------------------------------------------------------------------------
# property tests of the THEORY.md §2 inequalities
# --------------------------------------------------------------------------------------------

radius = st.floats(0.2, 3.0)
epsilon = st.floats(0.02, 1.5)


@settings(max_examples=40)
@given(r1=st.floats(0.0, 2.0), width=radius, k=st.integers(1, 12), eps=epsilon,
       dihedral=st.booleans(), disk=st.booleans())
def test_finite_rotation_inequalities(r1, width, k, eps, dihedral, disk):
    space = Ball(2, width) if disk else Annulus(r1, r1 + width)
    G = Dihedral(k) if dihedral else Cyclic(k)
    Q = quotient(space, G)
    up, low = val(Q, eps, "upper"), val(Q, eps, "lower")
    assert up >= low - TOL
    assert up <= float(space.covering(eps, "upper")) + TOL  # N_S <= N
    assert float(space.covering(eps, "lower")) <= G.order * up + TOL  # N <= |S+| N_S
    assert float(Q.covering(eps, "asymptotic")) > 0


@settings(max_examples=40)
@given(r1=st.floats(0.0, 2.0), width=radius, theta=st.floats(0.02, 3.1), eps=epsilon)
def test_partial_rotation_inequalities(r1, width, theta, eps):
    space = Annulus(r1, r1 + width)
    Q = quotient(space, PartialRotations(theta))
    up, low = val(Q, eps, "upper"), val(Q, eps, "lower")
    assert up >= low - TOL
    assert up <= float(space.covering(eps, "upper")) + TOL
    # larger sets cover with fewer centres: SO(2) gives the smallest count
    assert val(quotient(space, SO(2)), eps) <= up + TOL


@settings(max_examples=30)
@given(n=st.integers(1, 4), p=st.integers(1, 3), R=radius, eps=st.floats(0.05, 1.0),
       metric=st.sampled_from(["max", "euclidean"]))
def test_point_configuration_inequalities(n, p, R, eps, metric):
    base = Ball(p, R)
    Q = quotient(base, Symmetric(n), metric=metric)
    up, low = val(Q, eps, "upper"), val(Q, eps, "lower")
    assert up >= low - TOL
    if n in (2, 3):  # against the product space B^n (nested products, same metric)
        X = Product(base, base, metric=metric)
        if n == 3:
            X = Product(X, base, metric=metric)
        assert up <= float(X.covering(eps, "upper")) * (1 + TOL)
        assert float(X.covering(eps, "lower")) <= math.factorial(n) * up * (1 + TOL)


@settings(max_examples=30)
@given(k=st.integers(1, 8), d=st.integers(3, 5), eps=epsilon)
def test_generic_finite_group_inequalities(k, d, eps):
    X = Ball(d, 1)
    Q = quotient(X, Cyclic(k, dim=d, plane=(0, d - 1)))
    assert not Q.is_trivial  # packing in the quotient (the trivial bound was a defect, issue #9)
    assert val(Q, eps) <= float(X.covering(eps, "upper"))
    assert val(Q, eps, "lower") <= val(Q, eps) + TOL
    assert float(X.covering(eps, "lower")) <= k * val(Q, eps) + TOL


@settings(max_examples=30)
@given(d=st.integers(3, 5), R=radius, eps=epsilon)
def test_half_ball_inequalities(d, R, eps):
    X = Ball(d, R)
    Q = quotient(X, SO(2, dim=d))
    assert val(Q, eps, "lower") <= val(Q, eps) + TOL
    assert val(Q, eps) <= float(X.covering(eps, "upper")) + TOL


# --------------------------------------------------------------------------------------------
# certified upper bounds verified by construction (brute force on dense samples)
# --------------------------------------------------------------------------------------------


def annulus_samples(r1, r2, rng, n_rad=60, n_ang=720, n_rand=4000):
    """Dense polar grid including both boundary circles, plus uniform random points."""
    rr = np.linspace(r1, r2, n_rad)
    aa = np.linspace(0, 2 * np.pi, n_ang, endpoint=False)
    R, A = np.meshgrid(rr, aa)
    grid = np.stack([R.ravel() * np.cos(A.ravel()), R.ravel() * np.sin(A.ravel())], 1)
    r = np.sqrt(rng.uniform(r1**2, r2**2, n_rand))
    a = rng.uniform(0, 2 * np.pi, n_rand)
    return np.concatenate([grid, np.stack([r * np.cos(a), r * np.sin(a)], 1)])


def band_centres(r1, r2, alpha, K, counts):
    """Centres of the documented band cover: band i = [a_i, a_i + 2h], centres at radius a_i + h and
    angles (j + 1/2) alpha / n_i."""
    h = (r2 - r1) / (2 * K)
    out = []
    for i, n in enumerate(counts):
        m = r1 + 2 * h * i + h
        ang = (np.arange(n) + 0.5) * alpha / n
        out.append(np.stack([m * np.cos(ang), m * np.sin(ang)], 1))
    return np.concatenate(out)


def max_gap_finite(samples, centres, mats):
    """max over samples of min over (g, c) of |x - g c|."""
    orbit = np.einsum("kij,cj->kci", mats, centres).reshape(-1, 2)
    worst = 0.0
    for chunk in np.array_split(samples, max(1, len(samples) // 2000)):
        d = np.sqrt(((chunk[:, None, :] - orbit[None, :, :]) ** 2).sum(-1)).min(1)
        worst = max(worst, float(d.max()))
    return worst


@pytest.mark.parametrize(
    "space, group, eps",
    [
        (Ball(2, 1), Cyclic(5), 0.15),
        (Annulus(0.5, 1.5), Dihedral(3), 0.1),
        (Annulus(1, 2), Cyclic(1), 0.2),
        (Annulus(0.3, 1.0), Dihedral(1), 0.07),
    ],
)
def test_sector_band_cover_by_construction(space, group, eps, rng):
    r1, r2 = (0.0, float(space.radius)) if isinstance(space, Ball) else (
        float(space.r_inner), float(space.r_outer))
    alpha = 2 * np.pi / group.k if isinstance(group, Cyclic) else np.pi / group.k
    b = quotient(space, group).covering(eps)
    assert b.kind == "upper" and "band cover" in b.method
    K, counts = annular_sector_plan(space.r_inner if isinstance(space, Annulus) else 0,
                                     r2, sp.pi * (2 if isinstance(group, Cyclic) else 1) / group.k,
                                     0, eps)
    centres = band_centres(r1, r2, alpha, K, counts)
    assert len(centres) == float(b)  # the bound counts exactly these centres
    # centres lie in X
    rad = np.linalg.norm(centres, axis=1)
    assert np.all((rad >= r1 - 1e-12) & (rad <= r2 + 1e-12))
    samples = annulus_samples(r1, r2, rng)
    assert max_gap_finite(samples, centres, group.elements()) <= eps * (1 + TOL)


def test_sector_closed_form_by_construction(rng):
    # symbolic closed form: ceil(L/(sqrt2 eps)) bands, ceil(alpha r2/(sqrt2 eps)) equal cells each
    space, G, eps = Annulus(0.4, 1.3), Cyclic(3), 0.12
    r1, r2, alpha = 0.4, 1.3, 2 * np.pi / 3
    K = math.ceil((r2 - r1) / (math.sqrt(2) * eps))
    n = math.ceil(alpha * r2 / (math.sqrt(2) * eps))
    centres = band_centres(r1, r2, alpha, K, [n] * K)
    assert len(centres) == float(quotient(space, G).covering_number(EPS).subs(EPS, eps))
    assert max_gap_finite(annulus_samples(r1, r2, rng), centres, G.elements()) <= eps * (1 + TOL)


def arc_distance(x, centres, theta):
    """Exact distance from each x to the arcs {R_s c : |s| <= theta}: the angular gap beyond theta."""
    rx = np.linalg.norm(x, axis=1)[:, None]
    px = np.arctan2(x[:, 1], x[:, 0])[:, None]
    rc = np.linalg.norm(centres, axis=1)[None, :]
    pc = np.arctan2(centres[:, 1], centres[:, 0])[None, :]
    diff = np.abs((px - pc + np.pi) % (2 * np.pi) - np.pi)
    gap = np.maximum(diff - theta, 0.0)
    return np.sqrt(np.maximum(rx**2 + rc**2 - 2 * rx * rc * np.cos(gap), 0.0))


@pytest.mark.parametrize("space, theta, eps", [
    (Annulus(1, 2), 0.3, 0.1),
    (Ball(2, 1), 0.7, 0.15),
    (Annulus(0.2, 1.2), 0.05, 0.1),  # small theta: the angular slack beta matters
])
def test_partial_band_cover_by_construction(space, theta, eps, rng):
    r1, r2 = (0.0, float(space.radius)) if isinstance(space, Ball) else (
        float(space.r_inner), float(space.r_outer))
    Q = quotient(space, PartialRotations(theta))
    b = Q.covering(eps)
    K, counts = annular_sector_plan(space.r_inner if isinstance(space, Annulus) else 0, r2,
                                     2 * sp.pi, theta, eps)
    centres = band_centres(r1, r2, 2 * np.pi, K, counts)
    samples = annulus_samples(r1, r2, rng)
    worst = max(float(arc_distance(c, centres, theta).min(1).max())
                for c in np.array_split(samples, 20))
    assert worst <= eps * (1 + TOL)
    assert float(b) <= len(centres)
    if "band cover modulo" in b.method:
        assert float(b) == len(centres)
    # the closed form (h = eps, ceil(pi/theta) centres per band) is a cover too
    K0 = math.ceil((r2 - r1) / (2 * eps))
    n0 = math.ceil(np.pi / theta)
    c0 = band_centres(r1, r2, 2 * np.pi, K0, [n0] * K0)
    worst0 = max(float(arc_distance(c, c0, theta).min(1).max()) for c in np.array_split(samples, 20))
    assert worst0 <= eps * (1 + TOL)
    assert len(c0) == float(Q.covering_number(EPS).subs(EPS, eps))


def config_distance(x, centres, perms, metric):
    """min over centres c and permutations p of the configuration distance d(x, c[p])."""
    best = np.full(len(x), np.inf)
    for p in perms:
        diff = x[:, None, :, :] - centres[None, :, p, :]  # (S, C, n, dim)
        per_point = np.abs(diff).max(-1) if metric == "sup" else np.sqrt((diff**2).sum(-1))
        d = per_point.max(-1) if metric in ("sup", "max") else np.sqrt((per_point**2).sum(-1))
        best = np.minimum(best, d.min(1))
    return best


def cube_grid(side, p, m):
    g = (np.arange(m) + 0.5) * side / m
    return np.array(list(itertools.product(g, repeat=p)))


@pytest.mark.parametrize("p, n, eps", [(2, 2, 0.25), (1, 3, 0.15), (2, 3, 0.3)])
def test_multiset_cover_by_construction(p, n, eps, rng):
    base = Cube(p, 1, metric="sup")
    b = quotient(base, Symmetric(n)).covering(eps)
    m = math.ceil(1 / (2 * eps))  # the exact grid cover of [0, 1]^p (sup metric) has m^p centres
    grid = cube_grid(1.0, p, m)
    centres = np.array([[grid[j] for j in js]
                        for js in itertools.combinations_with_replacement(range(len(grid)), n)])
    assert len(centres) == float(b) == math.comb(m**p + n - 1, n)
    corners = np.array(list(itertools.product([0.0, 1.0], repeat=p)))
    pts = rng.uniform(0, 1, (3000, n, p))
    pts[:64] = corners[rng.integers(0, len(corners), (64, n))]  # boundary configurations
    perms = [list(q) for q in itertools.permutations(range(n))]
    d = config_distance(pts, centres, perms, "sup")
    assert d.max() <= eps * (1 + TOL)


def test_multiset_cover_euclidean_metric_by_construction(rng):
    # two points of [0, 1] with the l2 metric = the square [0, 1]^2 (Euclidean) modulo the swap
    eps = 0.12
    Q = quotient(Cube(2, 1, metric="euclidean"), Symmetric(2, axis=-1))
    m = math.ceil(math.sqrt(2) / (2 * eps))  # eps/sqrt2-cover of [0, 1]
    grid = cube_grid(1.0, 1, m)
    centres = np.array([[grid[i], grid[j]] for i, j in
                        itertools.combinations_with_replacement(range(m), 2)])
    assert len(centres) == float(Q.covering(eps))
    pts = rng.uniform(0, 1, (4000, 2, 1))
    pts[:4] = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)[:, :, None]
    d = config_distance(pts, centres, [[0, 1], [1, 0]], "euclidean")
    assert d.max() <= eps * (1 + TOL)


def test_radial_interval_cover_by_construction(rng):
    # SO(2) on the annulus: centres (r1 + (2j+1) L/(2N), 0); x is covered by the rotation of the
    # centre of its radius cell, at distance ||x| - r_c|.
    r1, r2, eps = 1.0, 2.0, 0.1
    N = int(float(quotient(Annulus(r1, r2), SO(2)).covering(eps)))
    rc = r1 + (2 * np.arange(N) + 1) * (r2 - r1) / (2 * N)
    samples = annulus_samples(r1, r2, rng, n_rand=1000)
    r = np.linalg.norm(samples, axis=1)
    assert np.abs(r[:, None] - rc[None, :]).min(1).max() <= eps * (1 + TOL)


# --------------------------------------------------------------------------------------------
# greedy separated sets under the quotient metric
# --------------------------------------------------------------------------------------------


def greedy_separated(points, dist_to_set, r, rng):
    """A maximal subset (in a random order) whose points are pairwise more than r apart."""
    order = rng.permutation(len(points))
    chosen: list[int] = []
    for i in order:
        if not chosen or dist_to_set(points[i], points[chosen]).min() > r:
            chosen.append(i)
    return len(chosen)


def orbit_dist(mats):
    def f(x, ys):
        orb = np.einsum("kij,cj->kci", mats, ys)
        return np.sqrt(((orb - x) ** 2).sum(-1)).min(0)
    return f


def disk_samples(R, n, rng):
    r = R * np.sqrt(rng.uniform(0, 1, n))
    a = rng.uniform(0, 2 * np.pi, n)
    pts = np.stack([r * np.cos(a), r * np.sin(a)], 1)
    rim = np.linspace(0, 2 * np.pi, 200, endpoint=False)
    return np.concatenate([pts, R * np.stack([np.cos(rim), np.sin(rim)], 1)])


@pytest.mark.parametrize("G, eps", [(Cyclic(6), 0.2), (Dihedral(4), 0.15), (Cyclic(2), 0.25)])
def test_greedy_separated_below_upper(G, eps, rng):
    # a set pairwise more than 2 eps apart in d_G has at most one point per (eps, G)-ball
    pts = disk_samples(1.0, 3000, rng)
    size = greedy_separated(pts, orbit_dist(G.elements()), 2 * eps, rng)
    assert size <= val(quotient(Ball(2, 1), G), eps)


def test_greedy_separated_interval_and_configurations(rng):
    pts = annulus_samples(1, 2, rng, n_rad=10, n_ang=10, n_rand=3000)
    radial = lambda x, ys: np.abs(np.linalg.norm(ys, axis=1) - np.linalg.norm(x))  # noqa: E731
    for eps in (0.1, 0.07, 0.3):
        size = greedy_separated(pts, radial, 2 * eps, rng)
        exact = val(quotient(Annulus(1, 2), SO(2)), eps)
        assert size <= exact
        assert size >= exact - 2  # dense samples: the greedy packing is nearly as large
    # S_3 on [0, 1]: quotient metric = max |sorted difference|
    cfg = np.sort(rng.uniform(0, 1, (4000, 3)), axis=1)
    sorted_max = lambda x, ys: np.abs(ys - x).max(1)  # noqa: E731
    for eps in (0.15, 0.2):
        size = greedy_separated(cfg, sorted_max, 2 * eps, rng)
        assert size <= val(quotient(Cube(1, 1), Symmetric(3)), eps)


def test_asymptotic_group_factor_against_greedy(rng):
    """Loose, labelled check of the asymptotic N(X/G) ~ N(X)/|G|: greedy eps-separated sets (which
    are eps-covers of the samples) of the disk under d_G, for C_1 and C_4 at a small eps."""
    eps = 0.06
    pts = disk_samples(1.0, 12000, rng)
    n1 = greedy_separated(pts, orbit_dist(Cyclic(1).elements()), eps, rng)
    n4 = greedy_separated(pts, orbit_dist(Cyclic(4).elements()), eps, rng)
    assert n1 / n4 == pytest.approx(4, rel=0.25)
    asym = val(quotient(Ball(2, 1), Cyclic(4)), eps, "asymptotic")
    assert 0.5 <= n4 / asym <= 4  # volume ratio is the envelope up to covering/packing densities


def test_partial_asymptotic_matches_bounds():
    # certified bounds squeeze onto ceil(pi/theta) (r2 - r1)/(2 eps) as eps -> 0
    Q = quotient(Annulus(1, 2), PartialRotations(0.7))  # ceil(pi/0.7) = 5
    eps = 1e-3
    asym = val(Q, eps, "asymptotic")
    assert asym == pytest.approx(5 * 1 / (2 * eps))
    assert val(Q, eps, "lower") / asym == pytest.approx(1, rel=0.02)
    assert val(Q, eps, "upper") / asym == pytest.approx(1, rel=0.02)


def test_multiset_asymptotic_ratio():
    # exact C(m + n - 1, n) vs m^n / n!: ratio -> 1 as eps -> 0
    Q = quotient(Cube(1, 1), Symmetric(4))
    m = 5000  # ceil(1 / 2e-4)
    ratio = val(Q, 1e-4) / val(Q, 1e-4, "asymptotic")
    assert ratio == pytest.approx((m + 1) * (m + 2) * (m + 3) / m**3, rel=1e-9)
    assert ratio < 1.002


def test_huge_counts_stay_in_log_form():
    Q = quotient(Ball(50, 1), Symmetric(20))
    for kind in ("upper", "lower", "asymptotic"):
        lg = Q.covering(1e-3, kind).log()
        assert math.isfinite(lg) and lg > 1000
    assert Q.covering(1e-3, "lower").log() <= Q.covering(1e-3, "upper").log()


# --------------------------------------------------------------------------------------------
# general fallbacks and bad input
# --------------------------------------------------------------------------------------------


def test_non_group_finite_set_fallbacks():
    rot = TransformationSet([[[0.0, -1.0], [1.0, 0.0]]])  # rotation by 90 degrees, no identity
    assert not rot.is_group and rot.order_plus == 2
    X = Ball(2, 1)
    Q = quotient(X, rot)
    # |G'| N_G with G = C_4 and G' = {I, R_180} (the trivial N_S <= N was a defect, issue #9)
    assert val(Q, 0.1) == 2 * val(quotient(X, Cyclic(4)), 0.1)
    assert val(Q, 0.1, "lower") == math.ceil(float(X.covering(0.1, "lower")) / 2)
    with pytest.raises(InvalidValueError, match="available"):
        Q.covering(0.1, "asymptotic")


def test_infinite_set_without_closed_form_only_trivial_upper():
    Q = quotient(Sphere(3), PartialRotations(0.3, dim=3))  # rotations in a plane of S^2: no band cover
    assert Q.available_kinds == ("upper",)
    assert Q.dim is None
    with pytest.raises(InvalidValueError, match="available"):
        Q.covering(0.1, "lower")


def test_permutation_matrices_on_cube():
    swap = TransformationSet([np.eye(2), [[0.0, 1.0], [1.0, 0.0]]])
    Q = quotient(Cube(2, 1, metric="euclidean"), swap)
    assert val(Q, 0.1, "lower") == pytest.approx(float(Cube(2, 1, "euclidean").covering(0.1, "lower")) / 2)


@pytest.mark.parametrize(
    "space, group, match",
    [
        (Ball(2, 1), Cyclic(4, dim=3), "acts on R\\^3"),
        (Annulus(1, 2), SO(3), "acts on R\\^3"),
        (Cube(2, 1), Cyclic(4), "does not map"),
        (Torus(2, 1), Translations(2, 2.0), "same period"),
        (Torus(2, 1), Translations(3), "acts on R\\^3"),
        (FiniteSet(5), Cyclic(2), "not supported"),
        (Product(Ball(1), Ball(1)), Cyclic(8), "mixes the factors"),
        (Product(Ball(1), Ball(1)), SO(2), "finite sets of matrices"),
        (Ball(2, 1), TransformationSet([np.eye(2), 2 * np.eye(2)]), "not orthogonal"),
        (Sphere(3), Symmetric(2, axis=-1), "acts on R\\^2"),
    ],
)
def test_bad_pairs(space, group, match):
    with pytest.raises(InvalidValueError, match=match):
        quotient(space, group)


def test_unsupported_message_lists_support():
    with pytest.raises(InvalidValueError, match="supported pairs"):
        quotient(Cube(2, 1), SO(2))


def test_bad_arguments():
    Q = quotient(Annulus(1, 2), SO(2))
    for bad in (0, -0.1, float("nan"), float("inf")):
        with pytest.raises(InvalidValueError, match="eps"):
            Q.covering(bad)
    with pytest.raises(InvalidTypeError, match="eps"):
        Q.covering("0.1")
    with pytest.raises(InvalidValueError, match="kind"):
        Q.covering(0.1, "exact")
    with pytest.raises(InvalidValueError, match="eps"):
        Q.covering(-sp.Symbol("e", positive=True))
    with pytest.raises(InvalidTypeError, match="space"):
        quotient("disk", SO(2))
    with pytest.raises(InvalidTypeError, match="group"):
        quotient(Ball(2, 1), np.eye(2))
    with pytest.raises(InvalidValueError, match="metric"):
        quotient(Ball(2, 1), Cyclic(3), metric="max")
    with pytest.raises(InvalidValueError, match="metric"):
        quotient(Ball(2, 1), Symmetric(3), metric="manhattan")
    with pytest.raises(InvalidValueError, match="orbit_dim"):
        quotient(Manifold(3, 1), SO(2))
    with pytest.raises(InvalidValueError, match="orbit_dim"):
        quotient(Manifold(3, 1), SO(2), orbit_dim=2, quotient_volume=1)  # > dim SO(2)
    with pytest.raises(InvalidValueError, match="Manifold"):
        quotient(Ball(2, 1), SO(2), orbit_dim=1, quotient_volume=1)


def test_manifold_declared_orbits():
    Q = quotient(Manifold(3, 10), SO(2), orbit_dim=1, quotient_volume=2)
    assert Q.dim == 2 and Q.available_kinds == ("asymptotic",)
    b = Q.covering(0.1, "asymptotic")
    assert b.kind == "asymptotic"
    assert float(b) == pytest.approx(2 / (math.pi * 0.01))  # vol / (omega_2 eps^2)
    with pytest.raises(InvalidValueError, match="available"):
        Q.covering(0.1, "upper")


def test_identity_cases_delegate_to_space():
    X = Ball(2, 1)
    for G in (PartialRotations(0), SO(1, dim=1)):
        space = X if G.n == 2 else Ball(1, 1)
        Q = quotient(space, G)
        assert val(Q, 0.1) == float(space.covering(0.1, "upper"))


def test_points_of_a_finite_set_count_multisets():
    # S_n on n points of a k-point set does not act freely a.e. (coincidences have positive
    # counting measure): below the separation, N = number of multisets C(k + n - 1, n), not k^n/n!
    Q = quotient(FiniteSet(4), Symmetric(3))
    assert val(Q, 0.1, "asymptotic") == math.comb(6, 3)
    assert val(Q, 0.1, "upper") == math.comb(6, 3)
    assert Q.volume == 20 and Q.dim == 0


def test_numpy_and_sympy_inputs():
    Q = quotient(Annulus(1, 2), SO(2))
    assert float(Q.covering_number(np.float64(0.1))) == 5
    assert Q.covering_number(sp.Rational(1, 10)) == 5
    R = sp.Symbol("R", positive=True)
    Q = quotient(Ball(3, R), SO(3))
    assert Q.covering_number(EPS) == sp.ceiling(R / (2 * EPS))
    assert Q.covering(EPS, "lower").kind == "exact"
