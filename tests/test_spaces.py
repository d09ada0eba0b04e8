"""Tests of symbound.spaces (THEORY.md section 1).

Expected values come from sources independent of the code under test:
* hand-worked closed forms (written out as literals or as plain ``math`` formulas);
* brute force: explicit covers that are checked to cover, explicit separated sets that are checked to
  be separated, greedy separated sets and greedy nets of dense samples;
* Monte Carlo estimates of parallel-set volumes;
* mpmath for the high-precision reference of huge counts.

The logic of the greedy checks (only what is mathematically implied is asserted):
* ``P(A, 2 eps) <= N(A, eps)``: an eps-ball has diameter <= 2 eps, so it holds at most one point of a
  set whose points are pairwise more than 2 eps apart.  Hence the size of any 2eps-separated subset
  of sample points of A is at most every certified upper bound (and every exact value) of N(A, eps).
* If S is a subset of A with covering radius ``h`` (every point of A within h of S), a maximal
  eps-separated subset C of S covers S at radius eps, hence covers A at radius eps + h with centres
  in A: ``N(A, eps + h) <= |C|``, so every certified lower bound (and exact value) of N(A, eps + h)
  is at most |C|.
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from symbound._covering import CoveringBound
from symbound.errors import AmbiguousDimensionError, InvalidTypeError, InvalidValueError
from symbound.spaces import (
    Annulus,
    Ball,
    Cube,
    FiniteSet,
    Manifold,
    Product,
    Space,
    Sphere,
    Torus,
    unit_ball_volume,
)
from symbound.symbols import symbol

EPS = symbol("eps")
HYP = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
eps_st = st.floats(min_value=0.02, max_value=4.0, allow_nan=False)
pos_st = st.floats(min_value=0.2, max_value=3.0, allow_nan=False)


# ------------------------------------------------------------------------------------------
# independent references
# ------------------------------------------------------------------------------------------


def omega(m: int) -> float:
    """Volume of the unit ball of R^m, by hand: pi^{m/2} / Gamma(m/2 + 1)."""
    return math.pi ** (m / 2) / math.gamma(m / 2 + 1)


def assert_rounded(value, x: float, kind: str, rel: float = 1e-12) -> None:
    """A numeric certified count is an integer: ``floor`` of a real upper bound ``x``, ``ceil`` of a
    real lower bound (``x`` computed by hand in floats, hence the relative tolerance)."""
    v = num(value)
    assert v == int(v)
    lo, hi = x * (1 - rel), x * (1 + rel)
    if kind == "lower":
        assert max(1, math.ceil(lo)) <= v <= max(1, math.ceil(hi)), (v, x)
    else:
        assert math.floor(lo) <= v <= math.floor(hi), (v, x)


def num(x) -> float:
    return float(sp.N(x, 30))


def log_of(c: CoveringBound) -> float:
    return float(sp.N(c.log_expr, 30))


def greedy_net(points: np.ndarray, thr: float, dist) -> np.ndarray:
    """A maximal subset whose points are pairwise > thr apart (hence a thr-net of ``points``).

    Each chosen point removes every remaining point within ``thr``; what survives is > thr from all
    chosen points, so the chosen points are pairwise > thr apart and every point is within thr of one.
    """
    remaining = points
    chosen = []
    while len(remaining):
        c = remaining[0]
        chosen.append(c)
        remaining = remaining[dist(remaining, c) > thr]
    return np.array(chosen)


def d_euclid(P, c):
    return np.sqrt(((P - c) ** 2).sum(axis=-1))


def d_sup(P, c):
    return np.abs(P - c).max(axis=-1)


def d_torus(period):
    def dist(P, c):
        diff = np.abs(P - c) % period
        diff = np.minimum(diff, period - diff)
        return np.sqrt((diff**2).sum(axis=-1))

    return dist


def grid(lo, hi, step, d):
    """Grid with end points included; every point of [lo, hi]^d is within step/2 per coordinate."""
    n = int(math.ceil((hi - lo) / step)) + 1
    axis = np.linspace(lo, hi, n)
    mesh = np.meshgrid(*([axis] * d), indexing="ij")
    return np.stack([m.ravel() for m in mesh], axis=-1), (hi - lo) / (n - 1)


# --- uniform samples of each set (seeded) ---


def sample_ball(rng, d, R, n):
    out = []
    while sum(len(o) for o in out) < n:
        x = rng.uniform(-R, R, size=(4 * n, d))
        out.append(x[(x**2).sum(1) <= R * R])
    return np.concatenate(out)[:n]


def sample_sphere(rng, d, n):
    x = rng.standard_normal((n, d))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def sample_annulus(rng, r1, r2, n):
    out = []
    while sum(len(o) for o in out) < n:
        x = rng.uniform(-r2, r2, size=(4 * n, 2))
        rr = np.sqrt((x**2).sum(1))
        out.append(x[(rr >= r1) & (rr <= r2)])
    return np.concatenate(out)[:n]


# --- certified h-nets inside each set: (points, h) ---


def net_cube(d, a, step, metric):
    pts, s = grid(0.0, a, step, d)
    h = s / 2 if metric == "sup" else s * math.sqrt(d) / 2
    return pts, h


def net_ball(d, R, step):
    # grid over [-R, R]^d has covering radius h; the nearest grid point g of x in the ball has
    # |g| <= R + h, and the projection onto the (convex) ball is 1-Lipschitz and fixes x.
    pts, s = grid(-R, R, step, d)
    h = s * math.sqrt(d) / 2
    r = np.linalg.norm(pts, axis=1)
    pts = pts[r <= R + h]
    r = r[r <= R + h]
    scale = np.where(r > R, R / np.maximum(r, 1e-300), 1.0)
    return pts * scale[:, None], h


def net_sphere(d, step):
    # the nearest grid point g of x on the sphere has ||g| - 1| <= h; |x - g/|g|| <= 2h.
    pts, s = grid(-1.0, 1.0, step, d)
    h = s * math.sqrt(d) / 2
    r = np.linalg.norm(pts, axis=1)
    keep = np.abs(r - 1) <= h
    return pts[keep] / r[keep][:, None], 2 * h


def net_annulus(r1, r2, step):
    # keep grid points within h of A, push them radially into A: |x - P g| <= |x-g| + |g-Pg| <= 2h.
    pts, s = grid(-r2, r2, step, 2)
    h = s * math.sqrt(2) / 2
    r = np.linalg.norm(pts, axis=1)
    keep = (r >= r1 - h) & (r <= r2 + h) & (r > 0)
    pts, r = pts[keep], r[keep]
    target = np.clip(r, r1, r2)
    return pts * (target / r)[:, None], 2 * h


def net_torus(d, p, n_per_axis):
    s = p / n_per_axis
    axis = np.arange(n_per_axis) * s
    mesh = np.meshgrid(*([axis] * d), indexing="ij")
    return np.stack([m.ravel() for m in mesh], axis=-1), s * math.sqrt(d) / 2


# ------------------------------------------------------------------------------------------
# hand-worked values
# ------------------------------------------------------------------------------------------

R3 = sp.Rational


@pytest.mark.parametrize(
    "space, eps, kind, expected, answer_kind",
    [
        # [0,1] sup metric, eps = 0.3: one interval has length 0.6 < 1, two of length 0.6 cover.
        (Cube(1, 1, "sup"), 0.3, "upper", 2, "exact"),
        (Cube(1, 1, "sup"), 0.3, "lower", 2, "exact"),
        # [0,1]^2, eps = 1/5: 3 cells of side 2/5 per axis (2 cells cover only 4/5).
        (Cube(2, 1, "sup"), R3(1, 5), "upper", 9, "exact"),
        # [0,2]^3, eps = 1/3: side 2 / (2/3) = 3 cells per axis exactly.
        (Cube(3, 2, "sup"), R3(1, 3), "upper", 27, "exact"),
        # Ball d=3, R=1, eps=1/2: (1 + 4)^3 and (2)^3.
        (Ball(3), R3(1, 2), "upper", 125, "upper"),
        (Ball(3), R3(1, 2), "lower", 8, "lower"),
        # [-2, 2] covered by intervals of length 2 eps = 2/3: 6 of them.
        (Ball(1, 2), R3(1, 3), "upper", 6, "exact"),
        # Circle, eps = 1: inscribed triangle; side sqrt(3) > 1 so two points do not suffice
        # (two arcs of chordal radius 1 have angular width 2 * 60 deg each, 240 < 360).
        (Sphere(2), 1, "upper", 3, "exact"),
        # Circle, eps = sqrt(2): two antipodal points (chord to the quarter point is sqrt 2).
        (Sphere(2), sp.sqrt(2), "upper", 2, "exact"),
        # Circle of length 1, eps = 1/10: arcs of length 1/5, five of them.
        (Torus(1, 1), R3(1, 10), "upper", 5, "exact"),
        # Torus d=2, eps=1/10: grid spacing 1/8 has half-diagonal sqrt(2)/16 < 1/10 (1/7 would be
        # sqrt(2)/14 > 1/10), so 64; packing bound 400/pi ~ 127 is larger.
        (Torus(2, 1), R3(1, 10), "upper", 64, "upper"),
        # Annulus 1 <= |x| <= 2, eps = 1/2: area of A + B_{1/4} = pi (2.25^2 - 0.75^2) = 4.5 pi,
        # divided by pi/16: 72.
        (Annulus(1, 2), R3(1, 2), "upper", 72, "upper"),
        # Annulus lower: area 3 pi / (pi / 4) = 12.
        (Annulus(1, 2), R3(1, 2), "lower", 12, "lower"),
        # Manifold: 4 pi / (pi * 1/100) = 400.
        (Manifold(2, 4 * sp.pi), R3(1, 10), "asymptotic", 400, "asymptotic"),
        # [0,2]^3 Euclidean, eps = 1/2: volume 8 / (4 pi / 3 * 1/8) = 48 / pi.
        (Cube(3, 2, "euclidean"), R3(1, 2), "lower", 48 / math.pi, "lower"),
        # Euclidean product of a unit disk and [-1, 1]: 2 pi / (omega_3 eps^3) = 3 / (2 eps^3).
        (Product(Ball(2), Ball(1), "euclidean"), R3(1, 10), "asymptotic", 1500, "asymptotic"),
        # max metric: product of the forms (1/eps)^2 * (1/eps).
        (Product(Ball(2), Ball(1), "max"), R3(1, 10), "asymptotic", 1000, "asymptotic"),
        (FiniteSet(7), 0.01, "upper", 7, "upper"),
        (FiniteSet(7), 0.01, "lower", 1, "lower"),
        # one ball: eps >= R for the ball, >= 2 for the sphere, >= r1 + r2 for the annulus.
        (Ball(4, 2), 2, "upper", 1, "exact"),
        (Sphere(5), 2, "lower", 1, "exact"),
        (Annulus(1, 2), 3, "upper", 1, "exact"),
        # [0,1] x [0,1] in the max metric is the sup cube: ceil(1/(2*0.2))^2 = 9.
        (Product(Cube(1, 1), Cube(1, 1), "max"), R3(1, 5), "upper", 9, "upper"),
        # its lower bound at eps = 1/10: max(N(I, 1/10), N(I, 1/10), N(I, 1/5)^2) = max(5, 5, 9)
        (Product(Cube(1, 1), Cube(1, 1), "max"), R3(1, 10), "lower", 9, "lower"),
        # Euclidean product of two intervals at eps = sqrt(2)/10: each factor at 1/10, 5 * 5
        (Product(Cube(1, 1), Cube(1, 1), "euclidean"), sp.sqrt(2) / 10, "upper", 25, "upper"),
        # Torus d=6, eps = 11/10 > p: grid ceil(sqrt(6)/2.2)^6 = 2^6 = 64; packing bound taken at
        # eps = p (N is nonincreasing): 2^6 / omega_6 = 64 / (pi^3/6) = 384 / pi^3 ~ 12.38.
        (Torus(6, 1), R3(11, 10), "upper", 384 / math.pi**3, "upper"),
    ],
)
def test_hand_values(space, eps, kind, expected, answer_kind):
    c = space.covering(eps, kind)
    assert isinstance(c, CoveringBound)
    assert c.kind == answer_kind
    if answer_kind == "asymptotic":
        assert num(c.expr) == pytest.approx(expected, rel=1e-12)
    else:  # certified numbers are integers: floor of an upper bound, ceil of a lower bound
        assert_rounded(c.expr, expected, answer_kind)
    assert c.log() == pytest.approx(math.log(num(c.expr)), abs=1e-12)
    assert c.reference.startswith("THEORY.md")
    assert space.covering_number(eps, kind) == c.expr
    assert space.log_covering_number(eps, kind) == c.log_expr


def test_descriptive_attributes_by_hand():
    B = Ball(3, 2)
    assert (B.dim, B.ambient_dim) == (3, 3)
    assert B.diameter == 4 and sp.simplify(B.volume - sp.Rational(32, 3) * sp.pi) == 0
    S = Sphere(3)
    assert (S.manifold_dim, S.ambient_dim) == (2, 3)
    with pytest.raises(AmbiguousDimensionError, match="manifold_dim = 2"):
        S.dim  # two dimensions: the name says which
    assert S.diameter == 2 and sp.simplify(S.volume - 4 * sp.pi) == 0
    C = Cube(4, 3, "euclidean")
    assert C.diameter == 6 and C.volume == 81
    assert Cube(4, 3, "sup").diameter == 3
    A = Annulus(1, 3)
    assert (A.dim, A.diameter) == (2, 6) and sp.simplify(A.volume - 8 * sp.pi) == 0
    T = Torus(2, 2)
    assert T.diameter == sp.sqrt(2) and T.volume == 4
    F = FiniteSet(5)
    assert (F.dim, F.volume, F.diameter, F.ambient_dim) == (0, 5, None, None)
    M = Manifold(3, symbol("V"))
    assert M.volume == symbol("V") and M.diameter is None and M.ambient_dim is None
    P = Product(Ball(2), Sphere(3), "euclidean")
    assert (P.manifold_dim, P.ambient_dim) == (4, 5)
    assert sp.simplify(P.volume - 4 * sp.pi**2) == 0
    assert sp.simplify(P.diameter - 2 * sp.sqrt(2)) == 0
    assert Product(Ball(2), Sphere(3), "max").diameter == 2
    assert unit_ball_volume(3) == 4 * sp.pi / 3
    assert float(unit_ball_volume(7)) == pytest.approx(omega(7), rel=1e-14)


def test_latex_names_and_equality():
    assert Ball(3, 1).latex() == "B^{3}_{1}"
    assert Ball(3, symbol("R")).latex() == "B^{3}_{R}"
    assert Sphere(3).latex() == "S^{2}"
    assert Ball(3).name == "B^3_1"
    assert Ball(3)._repr_latex_() == "$\\displaystyle B^{3}_{1}$"
    for s in (Cube(2), Annulus(0, 1), Torus(2), Manifold(2, 1), FiniteSet(3),
              Product(Ball(1), Ball(2))):
        assert isinstance(s.latex(), str) and s.latex() and isinstance(s.name, str)
        assert isinstance(s, Space)
    assert Ball(3, 1) == Ball(3, 1) and Ball(3, 1) != Ball(3, 2) and Ball(2) != Cube(2)
    assert len({Ball(3, 1), Ball(3, 1), Sphere(3)}) == 2


# ------------------------------------------------------------------------------------------
# exact grid counts by brute force
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("d, a, eps", [(1, 1.0, 0.3), (1, 1.0, 0.25), (2, 1.0, 0.2), (2, 1.5, 0.3),
                                       (3, 1.0, 0.24), (2, 2.0, 0.5)])
def test_cube_sup_exact_by_brute_force(d, a, eps):
    # smallest m with m intervals of length 2 eps reaching a (found by counting, not by a formula)
    m = 1
    while 2 * m * eps < a - 1e-12:
        m += 1
    # an explicit cover with m^d centres in the cube, checked on a dense sample
    c1 = np.minimum((2 * np.arange(m) + 1) * eps, a)
    centres = np.stack([g.ravel() for g in np.meshgrid(*([c1] * d), indexing="ij")], -1)
    rng = np.random.default_rng(0)
    pts = np.concatenate([rng.uniform(0, a, size=(4000, d)), grid(0, a, a / 40, d)[0]])
    dmin = np.min(np.abs(pts[:, None, :] - centres[None, :, :]).max(-1), axis=1)
    assert dmin.max() <= eps + 1e-12
    # an explicit set of m^d points pairwise more than 2 eps apart: no eps-ball holds two of them
    if m > 1:
        s1 = np.linspace(0, a, m)
        sep = np.stack([g.ravel() for g in np.meshgrid(*([s1] * d), indexing="ij")], -1)
        D = np.abs(sep[:, None, :] - sep[None, :, :]).max(-1)
        assert D[~np.eye(len(sep), dtype=bool)].min() > 2 * eps
    c = Cube(d, a, "sup").covering(eps)
    assert c.kind == "exact"
    assert int(c.expr) == m**d
    assert Cube(d, a, "sup").covering(eps, "lower").expr == c.expr


def test_circle_exact_by_counting():
    # n equally spaced points cover the circle at chordal radius 2 sin(pi / (2n)); arcs of chordal
    # radius eps have angular width 4 asin(eps/2), so fewer points cannot cover (arc length).
    for eps in [R3(1, 10), R3(1, 3), R3(1, 2), 1, R3(3, 2), R3(19, 10), 0.7, 0.05]:
        n = 1
        while 2 * math.sin(math.pi / (2 * n)) > float(eps) + 1e-15:
            n += 1
        c = Sphere(2).covering(eps)
        assert c.kind == "exact" and int(c.expr) == n, eps


# ------------------------------------------------------------------------------------------
# greedy separated sets and greedy nets
# ------------------------------------------------------------------------------------------

rng0 = np.random.default_rng(12345)

GREEDY_CASES = [
    # (id, space, random sample of A, metric, certified net (points, h), eps values)
    ("ball2", Ball(2, 1.0), sample_ball(rng0, 2, 1.0, 6000), d_euclid, net_ball(2, 1.0, 0.01),
     [0.1, 0.25, 0.5]),
    ("ball3", Ball(3, 1.0), sample_ball(rng0, 3, 1.0, 6000), d_euclid, net_ball(3, 1.0, 0.04),
     [0.3, 0.5]),
    ("cube2e", Cube(2, 1.0, "euclidean"), rng0.uniform(0, 1, (6000, 2)), d_euclid,
     net_cube(2, 1.0, 0.01, "euclidean"), [0.08, 0.2]),
    ("cube3e", Cube(3, 1.0, "euclidean"), rng0.uniform(0, 1, (6000, 3)), d_euclid,
     net_cube(3, 1.0, 0.025, "euclidean"), [0.15, 0.3]),
    ("cube2s", Cube(2, 1.0, "sup"), rng0.uniform(0, 1, (6000, 2)), d_sup,
     net_cube(2, 1.0, 0.01, "sup"), [0.07, 0.2]),
    ("sphere2", Sphere(2), sample_sphere(rng0, 2, 4000), d_euclid, net_sphere(2, 0.002),
     [0.1, 0.4, 1.0]),
    ("sphere3", Sphere(3), sample_sphere(rng0, 3, 6000), d_euclid, net_sphere(3, 0.02),
     [0.3, 0.6]),
    ("annulus", Annulus(0.5, 1.0), sample_annulus(rng0, 0.5, 1.0, 6000), d_euclid,
     net_annulus(0.5, 1.0, 0.005), [0.1, 0.25]),
    ("torus2", Torus(2, 1.0), rng0.uniform(0, 1, (6000, 2)), d_torus(1.0), net_torus(2, 1.0, 150),
     [0.08, 0.2]),
]


@pytest.mark.parametrize("case", GREEDY_CASES, ids=[c[0] for c in GREEDY_CASES])
def test_upper_bound_dominates_separated_sets(case):
    _, space, sample, dist, _, eps_list = case
    for eps in eps_list:
        P = len(greedy_net(sample, 2 * eps, dist))  # 2eps-separated: P <= N(A, eps)
        c = space.covering(eps, "upper")
        assert c.kind in ("upper", "exact")
        assert P <= num(c.expr), (eps, P, c)


PACKING_CASES = {"ball2", "ball3", "cube2e", "cube3e", "sphere2", "sphere3", "annulus", "torus2"}


@pytest.mark.parametrize("case", [c for c in GREEDY_CASES if c[0] in PACKING_CASES],
                         ids=[c[0] for c in GREEDY_CASES if c[0] in PACKING_CASES])
def test_packing_bounds_dominate_eps_separated_sets(case):
    """The Steiner/packing bound vol(A + B_{eps/2}) / vol(B_{eps/2}) bounds P(A, eps) itself."""
    name, space, sample, dist, _, eps_list = case
    for eps in eps_list:
        P = len(greedy_net(sample, eps, dist))  # eps-separated
        if name.startswith("cube"):
            bound = num(space.steiner_bound(eps)[0])
        elif name == "torus2":
            assert eps <= 1.0  # balls of radius eps/2 <= p/2 embed isometrically
            bound = 4 / (math.pi * eps**2)  # torus packing (2p/eps)^2 / omega_2, by hand
            assert num(space.covering(eps).expr) <= bound + 1e-9
        elif name == "sphere2":  # shell area pi((1 + e/2)^2 - (1 - e/2)^2) / (pi e^2/4) = 8 / e
            bound = 8 / eps
        else:
            n = space.ambient_dim
            bound = num(space.parallel_volume(eps / 2)) / (omega(n) * (eps / 2) ** n)
            if name in ("ball2", "ball3", "annulus", "sphere3"):
                assert_rounded(space.covering(eps).expr, bound, "upper")
        assert P <= bound, (eps, P, bound)


@pytest.mark.parametrize("case", GREEDY_CASES, ids=[c[0] for c in GREEDY_CASES])
def test_lower_bound_below_explicit_covers(case):
    _, space, _, dist, (net_pts, h), eps_list = case
    assert h <= 0.15 * min(eps_list)  # the nets are fine enough for the check to have teeth
    for eps in eps_list:
        C = len(greedy_net(net_pts, eps, dist))  # covers A at radius eps + h, centres in A
        c = space.covering(eps + h, "lower")
        assert c.kind in ("lower", "exact")
        assert num(c.expr) <= C, (eps, C, c)


def test_lower_bounds_have_teeth():
    # the lower bounds used above are not trivially 1: they track the explicit covers within a
    # constant factor (a wrongly tiny lower bound would pass the previous test)
    pts, h = net_ball(2, 1.0, 0.01)
    C = len(greedy_net(pts, 0.1, d_euclid))
    assert num(Ball(2).covering(0.1 + h, "lower").expr) >= C / 4


def test_product_max_metric_against_greedy():
    # A = [0,1]^2 (Euclidean), B = circle; max metric on the product
    rng = np.random.default_rng(7)
    a = rng.uniform(0, 1, (5000, 2))
    b = sample_sphere(rng, 2, 5000)
    sample = np.concatenate([a, b], axis=1)

    def dist(P, c):
        return np.maximum(d_euclid(P[:, :2], c[:2]), d_euclid(P[:, 2:], c[2:]))

    space = Product(Cube(2, 1.0, "euclidean"), Sphere(2), "max")
    for eps in (0.15, 0.3):
        P = len(greedy_net(sample, 2 * eps, dist))
        assert P <= num(space.covering(eps, "upper").expr)
    # explicit cover: product of certified nets of both factors (max metric: radii do not add up)
    (pa, ha), (pb, hb) = net_cube(2, 1.0, 0.02, "euclidean"), net_sphere(2, 0.002)
    h = max(ha, hb)
    for eps in (0.15, 0.3):
        C = len(greedy_net(pa, eps, d_euclid)) * len(greedy_net(pb, eps, d_euclid))
        assert num(space.covering(eps + h, "lower").expr) <= C


def test_product_euclidean_against_greedy():
    rng = np.random.default_rng(8)
    sample = np.concatenate([sample_ball(rng, 2, 1.0, 5000), rng.uniform(0, 1, (5000, 1))], axis=1)
    space = Product(Ball(2), Cube(1, 1.0, "euclidean"), "euclidean")
    for eps in (0.2, 0.4):
        P = len(greedy_net(sample, 2 * eps, d_euclid))
        assert P <= num(space.covering(eps, "upper").expr)
    # explicit cover of the product: product of nets at radius eps/sqrt(2) each (Pythagoras)
    (pa, ha), (pb, hb) = net_ball(2, 1.0, 0.01), net_cube(1, 1.0, 0.005, "euclidean")
    for eps in (0.2, 0.4):
        r = eps / math.sqrt(2)
        C = len(greedy_net(pa, r, d_euclid)) * len(greedy_net(pb, r, d_euclid))
        total = math.hypot(r + ha, r + hb)
        assert num(space.covering(total, "lower").expr) <= C


# ------------------------------------------------------------------------------------------
# Monte Carlo volumes of parallel sets (Steiner's formula)
# ------------------------------------------------------------------------------------------


def _mc_volume(rng, lo, hi, d, inside, n=200_000):
    x = rng.uniform(lo, hi, size=(n, d))
    p = inside(x).mean()
    box = (hi - lo) ** d
    return p * box, math.sqrt(p * (1 - p) / n) * box


def _dist_cube_euclid(x, a):
    return np.linalg.norm(x - np.clip(x, 0, a), axis=1)


@pytest.mark.parametrize(
    "space, r, lo, hi, inside",
    [
        (Cube(2, 1.0, "euclidean"), 0.3, -0.3, 1.3, lambda x: _dist_cube_euclid(x, 1.0) <= 0.3),
        (Cube(3, 1.0, "euclidean"), 0.25, -0.25, 1.25, lambda x: _dist_cube_euclid(x, 1.0) <= 0.25),
        (Cube(3, 2.0, "euclidean"), 0.7, -0.7, 2.7, lambda x: _dist_cube_euclid(x, 2.0) <= 0.7),
        (Cube(2, 1.0, "sup"), 0.3, -0.3, 1.3,
         lambda x: np.abs(x - np.clip(x, 0, 1)).max(1) <= 0.3),
        (Ball(2, 1.0), 0.4, -1.4, 1.4, lambda x: np.linalg.norm(x, axis=1) <= 1.4),
        (Ball(3, 0.5), 0.2, -0.7, 0.7, lambda x: np.linalg.norm(x, axis=1) <= 0.7),
        (Annulus(1.0, 2.0), 0.3, -2.3, 2.3,
         lambda x: (np.linalg.norm(x, axis=1) >= 0.7) & (np.linalg.norm(x, axis=1) <= 2.3)),
        (Annulus(1.0, 2.0), 1.5, -3.5, 3.5, lambda x: np.linalg.norm(x, axis=1) <= 3.5),
        (Sphere(2), 0.3, -1.3, 1.3, lambda x: np.abs(np.linalg.norm(x, axis=1) - 1) <= 0.3),
        (Sphere(3), 0.25, -1.25, 1.25, lambda x: np.abs(np.linalg.norm(x, axis=1) - 1) <= 0.25),
        (Sphere(3), 1.2, -2.2, 2.2, lambda x: np.abs(np.linalg.norm(x, axis=1) - 1) <= 1.2),
        (Sphere(2), 1.5, -2.5, 2.5, lambda x: np.abs(np.linalg.norm(x, axis=1) - 1) <= 1.5),
    ],
)
def test_parallel_volume_monte_carlo(space, r, lo, hi, inside):
    rng = np.random.default_rng(2024)
    d = space.ambient_dim
    est, se = _mc_volume(rng, lo, hi, d, inside)
    exact = num(space.parallel_volume(r))
    assert abs(est - exact) <= 4 * se, (est, se, exact)


def test_asymptotic_forms_are_asymptotic_where_exact_values_are_known():
    # circle: exact ceil(pi / (2 asin(eps/2))) ~ pi / eps; sup cube: ceil(a/(2eps))^d ~ (a/(2eps))^d
    for space in (Sphere(2), Cube(2, 1, "sup"), Ball(1, 3), Torus(1, 2)):
        eps = R3(1, 10**6)
        ratio = num(space.covering(eps).expr) / num(space.covering(eps, "asymptotic").expr)
        assert ratio == pytest.approx(1, rel=1e-4)


@pytest.mark.parametrize(
    "space, eps_below",
    [
        (Ball(3, 2), 1.99),                  # centre c: some point of the ball is at |c| + R
        (Cube(3, 1, "sup"), 0.499),          # Chebyshev radius a/2
        (Cube(3, 1, "euclidean"), 0.866),    # Chebyshev radius sqrt(3)/2 = 0.8660254...
        (Sphere(4), 1.999),                  # the antipode is at distance 2
        (Torus(2, 1), 0.707),                # homogeneous: every centre has a point at sqrt(2)/2
        (Annulus(1, 2), 2.5),                # centre at radius t in [1, 2]: farthest at t + 2 >= 3
    ],
)
def test_one_ball_threshold_not_claimed_too_early(space, eps_below):
    c = space.covering(eps_below)
    assert c.kind != "exact" or num(c.expr) >= 2
    assert num(c.expr) >= 2


@HYP
@given(st.integers(1, 9), pos_st, st.floats(0.02, 5.0))
def test_cube_steiner_bound_by_hand(d, a, eps):
    t = 2 * a / eps
    hand = sum(math.comb(d, j) * omega(d - j) / omega(d) * t**j for j in range(d + 1))
    expr, log_expr = Cube(d, a, "euclidean").steiner_bound(eps)
    assert num(expr) == pytest.approx(hand, rel=1e-10)
    assert num(log_expr) == pytest.approx(math.log(hand), rel=1e-10, abs=1e-12)
    # the grid bound by hand as well
    g, lg = Cube(d, a, "euclidean").grid_bound(eps)
    assert int(g) == math.ceil(a * math.sqrt(d) / (2 * eps)) ** d


def test_parallel_volumes_by_hand():
    # sphere, r >= 1: the whole ball of radius 1 + r; r < 1: a shell
    assert sp.simplify(Sphere(3).parallel_volume(2) - 36 * sp.pi) == 0
    half = sp.Rational(1, 2)
    assert sp.simplify(Sphere(2).parallel_volume(half) - sp.pi * ((1 + half) ** 2 - half**2)) == 0
    # annulus, r >= r_inner: a disk of radius r_outer + r
    assert sp.simplify(Annulus(1, 2).parallel_volume(3) - 25 * sp.pi) == 0
    assert sp.simplify(Ball(2, 1).parallel_volume(1) - 4 * sp.pi) == 0
    assert Cube(2, 1, "sup").parallel_volume(1) == 9


def test_steiner_formula_by_hand():
    # d = 2: a^2 + 4 a r + pi r^2 (area + perimeter * r + disk)
    a, r = sp.Rational(3, 2), sp.Rational(1, 5)
    expected = a**2 + 4 * a * r + sp.pi * r**2
    assert sp.simplify(Cube(2, a, "euclidean").parallel_volume(r) - expected) == 0
    # d = 3: a^3 + 6 a^2 r + 3 pi a r^2 + 4/3 pi r^3 (faces, edges, corners)
    expected = a**3 + 6 * a**2 * r + 3 * sp.pi * a * r**2 + sp.Rational(4, 3) * sp.pi * r**3
    assert sp.simplify(Cube(3, a, "euclidean").parallel_volume(r) - expected) == 0


# ------------------------------------------------------------------------------------------
# property tests (hypothesis)
# ------------------------------------------------------------------------------------------



@st.composite
def spaces(draw, allow_product=True):
    kind = draw(st.sampled_from(["ball", "cube_s", "cube_e", "sphere", "annulus", "torus", "finite"]
                                + (["product"] if allow_product else [])))
    d = draw(st.integers(1, 6))
    if kind == "ball":
        return Ball(d, draw(pos_st))
    if kind == "cube_s":
        return Cube(d, draw(pos_st), "sup")
    if kind == "cube_e":
        return Cube(d, draw(pos_st), "euclidean")
    if kind == "sphere":
        return Sphere(d)
    if kind == "annulus":
        r2 = draw(pos_st)
        return Annulus(draw(st.floats(0, 0.95)) * r2, r2)
    if kind == "torus":
        return Torus(d, draw(pos_st))
    if kind == "finite":
        return FiniteSet(draw(st.integers(1, 50)))
    return Product(draw(spaces(False)), draw(spaces(False)), draw(st.sampled_from(["max", "euclidean"])))


@HYP
@given(spaces(), eps_st)
def test_lower_le_upper_and_at_least_one(space, eps):
    lo, up = space.covering(eps, "lower"), space.covering(eps, "upper")
    assert lo.kind in ("lower", "exact") and up.kind in ("upper", "exact")
    assert log_of(lo) <= log_of(up) + 1e-9
    assert log_of(lo) >= -1e-12 and num(lo.expr) >= 1 - 1e-12
    assert num(up.expr) >= 1 - 1e-12


@HYP
@given(spaces(), eps_st, st.floats(1.0, 3.0))
def test_upper_nonincreasing_in_eps(space, eps, factor):
    assert log_of(space.covering(eps * factor, "upper")) <= log_of(space.covering(eps, "upper")) + 1e-9


@HYP
@given(spaces(), eps_st, st.sampled_from(["upper", "lower", "asymptotic"]))
def test_log_expr_is_log_of_expr(space, eps, kind):
    if kind not in space.available_kinds:  # e.g. Euclidean product with a sup-metric factor
        with pytest.raises(InvalidValueError, match="available"):
            space.covering(eps, kind)
        return
    c = space.covering(eps, kind)
    assert c.log() == pytest.approx(float(sp.N(sp.log(c.expr), 30)), rel=1e-10, abs=1e-10)


@HYP
@given(st.integers(2, 12), pos_st, st.floats(0.02, 3.0))
def test_cube_euclidean_upper_is_min_of_grid_and_steiner(d, a, eps):
    # both candidates computed here by hand with math
    grid_b = math.ceil(a * math.sqrt(d) / (2 * eps)) ** d
    t = 2 * a / eps
    steiner = sum(math.comb(d, j) * omega(d - j) / omega(d) * t**j for j in range(d + 1))
    c = Cube(d, a, "euclidean").covering(eps)
    if c.kind == "exact":  # one ball: eps >= a sqrt(d)/2
        assert eps >= a * math.sqrt(d) / 2 - 1e-12
        return
    assert num(c.expr) == pytest.approx(min(grid_b, steiner), rel=1e-9)
    assert c.method == ("grid bound" if grid_b <= steiner else "Steiner packing bound") or \
        math.isclose(grid_b, steiner, rel_tol=1e-9)


def test_steiner_beats_grid_somewhere_and_grid_beats_steiner_somewhere():
    assert Cube(2, 1, "euclidean").covering(R3(1, 100)).method == "grid bound"
    # as eps -> 0, Steiner / grid -> 2^d Gamma(d/2+1) / (pi^{d/2} d^{d/2}) < 1 for d >= ~90
    d = 200
    ratio_log = d * math.log(2) + math.lgamma(d / 2 + 1) - d / 2 * math.log(math.pi * d)
    assert ratio_log < 0
    c = Cube(d, 1, "euclidean").covering(R3(1, 100))
    assert c.method == "Steiner packing bound" and c.kind == "upper"


@HYP
@given(st.integers(3, 40), st.floats(0.01, 2.0))
def test_sphere_shell_bound_below_classical(d, eps):
    c = Sphere(d).covering(eps)
    classical_log = d * math.log1p(2 / eps)
    shell = (2 / eps + 1) ** d - (2 / eps - 1) ** d
    assert c.log() <= classical_log + 1e-12
    if c.kind == "upper":
        assert_rounded(c.expr, shell, "upper", rel=1e-9)


@HYP
@given(st.integers(3, 30), st.floats(0.01, 1.99))
def test_sphere_lower_bound_by_hand(d, eps):
    phi = 2 * math.asin(eps / 2)
    hand = d * omega(d) / (omega(d - 1) * phi ** (d - 1))
    c = Sphere(d).covering(eps, "lower")
    assert_rounded(c.expr, hand, "lower", rel=1e-9)


@HYP
@given(st.integers(1, 8), pos_st, st.floats(0.02, 3.0))
def test_ball_bounds_by_hand(d, R, eps):
    up, lo = Ball(d, R).covering(eps), Ball(d, R).covering(eps, "lower")
    if eps >= R:
        assert up.kind == lo.kind == "exact" and num(up.expr) == 1
    elif d == 1:  # exact: floats are the binary numbers they store (Fraction arithmetic)
        assert int(up.expr) == math.ceil(Fraction(R) / Fraction(eps))
    else:
        assert_rounded(up.expr, (1 + 2 * R / eps) ** d, "upper")
        assert_rounded(lo.expr, (R / eps) ** d, "lower", rel=1e-9)


@HYP
@given(st.integers(1, 6), pos_st, st.floats(0.02, 3.0))
def test_torus_bounds_by_hand(d, p, eps):
    up, lo = Torus(d, p).covering(eps), Torus(d, p).covering(eps, "lower")
    if eps >= p * math.sqrt(d) / 2:
        assert num(up.expr) == 1
        return
    # exact: p and eps are the binary numbers they store (mpmath at 50 digits: sqrt(d) irrational)
    with mpmath.workdps(50):
        grid_b = int(mpmath.ceil(mpmath.mpf(p) * mpmath.sqrt(d) / (2 * mpmath.mpf(eps)))) ** d
    if d == 1:  # exact: floats are the binary numbers they store (Fraction arithmetic)
        assert up.kind == "exact" and int(up.expr) == math.ceil(Fraction(p) / (2 * Fraction(eps)))
        return
    packing = (2 * p / min(eps, p)) ** d / omega(d)
    assert_rounded(up.expr, min(grid_b, packing), "upper", rel=1e-9)
    assert_rounded(lo.expr, p**d / (omega(d) * eps**d), "lower", rel=1e-9)


@HYP
@given(spaces(False), spaces(False), eps_st, st.sampled_from(["max", "euclidean"]))
def test_product_bounds(A, B, eps, metric):
    P = Product(A, B, metric)
    up, lo = P.covering(eps), P.covering(eps, "lower")
    if up.kind == "exact":  # one ball
        return
    # exact eps/sqrt(2), as the product computes it (a float quotient can fall on the other side
    # of a jump of the factors, e.g. one ball covering the unit square exactly at sqrt(2)/2)
    e = eps if metric == "max" else sp.Rational(eps) / sp.sqrt(2)
    assert up.log() == pytest.approx(A.covering(e).log() + B.covering(e).log(), rel=1e-9, abs=1e-9)
    # projections: N(AxB, eps) >= N(A, eps) >= lower(A, eps)
    assert lo.log() >= A.covering(eps, "lower").log() - 1e-9
    assert lo.log() >= B.covering(eps, "lower").log() - 1e-9
    assert lo.log() <= up.log() + 1e-9


# ------------------------------------------------------------------------------------------
# symbolic eps
# ------------------------------------------------------------------------------------------

SYMBOLIC_CASES = [
    (Ball(3), "upper"), (Ball(3), "lower"), (Ball(2, symbol("R")), "upper"),
    (Cube(3, 1, "sup"), "upper"), (Cube(3, 2, "euclidean"), "upper"),
    (Cube(3, 2, "euclidean"), "lower"),
    (Sphere(2), "upper"), (Sphere(4), "upper"), (Sphere(4), "lower"),
    (Annulus(1, 2), "upper"), (Annulus(0, 2), "upper"), (Annulus(1, 2), "lower"),
    (Torus(3, 1), "upper"), (Torus(3, 1), "lower"),
    (Manifold(3, 5), "asymptotic"), (Ball(3), "asymptotic"), (Sphere(3), "asymptotic"),
    (Product(Ball(2), Sphere(3), "max"), "upper"), (Product(Ball(2), Sphere(3), "euclidean"), "upper"),
    (Product(Ball(2), Sphere(3), "max"), "lower"),
    (Product(Ball(2), Sphere(3), "euclidean"), "asymptotic"),
]


@pytest.mark.parametrize("space, kind", SYMBOLIC_CASES, ids=lambda v: repr(v))
def test_symbolic_eps_matches_numeric(space, kind):
    c = space.covering(EPS, kind)
    assert EPS in c.expr.free_symbols and EPS in c.log_expr.free_symbols
    extra = {symbol("R"): 2} if symbol("R") in c.expr.free_symbols else {}
    for val in (R3(1, 20), R3(1, 7), R3(1, 4)):  # inside every regime stated (eps <= 1/2)
        n = (space if not extra else Ball(2, 2)).covering(val, kind)
        formula = num(c.expr.subs(EPS, val).subs(extra))
        if kind == "asymptotic":
            assert formula == pytest.approx(num(n.expr), rel=1e-12)
            assert num(c.log_expr.subs(EPS, val).subs(extra)) == pytest.approx(n.log(), rel=1e-12)
        elif isinstance(space, Product):  # each factor's count is rounded to an integer
            assert num(n.expr) == product_of_rounded(space, val, kind)
        else:  # the numeric answer is the formula rounded to an integer (floor / ceil)
            assert_rounded(n.expr, formula, kind)


def product_of_rounded(P: Product, val, kind: str) -> int:
    """The product bounds of the Product docstring with each factor's symbolic formula evaluated at
    ``val`` and rounded to an integer by hand (floor for upper, ceil for lower)."""
    def count(space, e, k):
        x = num(space.covering(EPS, k).expr.subs(EPS, e))
        return math.floor(x * (1 + 1e-12)) if k == "upper" else max(1, math.ceil(x * (1 - 1e-12)))
    if kind == "upper":
        e = val if P.metric == "max" else val / sp.sqrt(2)
        return count(P.A, e, "upper") * count(P.B, e, "upper")
    return max(count(P.A, val, "lower"), count(P.B, val, "lower"),
               count(P.A, 2 * val, "lower") * count(P.B, 2 * val, "lower"))


def test_symbolic_regimes_are_stated():
    assert Sphere(4).covering(EPS).regime == ("eps <= 2",)
    assert Annulus(1, 2).covering(EPS).regime == ("eps <= 2",)
    assert "Min" in str(Cube(3, 1, "euclidean").covering(EPS).expr)
    assert Cube(3, 1, "euclidean").covering(EPS).method == "min(grid bound, Steiner packing bound)"
    assert any("asymptotic" in r for r in Manifold(2, 1).covering(EPS).regime)


def test_symbolic_radius():
    R = symbol("R")
    c = Ball(3, R).covering(EPS)
    assert sp.simplify(c.expr - (1 + 2 * R / EPS) ** 3) == 0
    assert sp.simplify(c.log_expr - 3 * sp.log(1 + 2 * R / EPS)) == 0


# ------------------------------------------------------------------------------------------
# huge dimensions: log form, no overflow
# ------------------------------------------------------------------------------------------


def test_huge_ball_log_form():
    c = Ball(500).covering(1e-3)
    ref = 500 * mpmath.log(1 + 2 / mpmath.mpf(1e-3))
    assert math.isfinite(c.log())
    assert c.log() == pytest.approx(float(ref), rel=1e-12)
    assert c.log() == pytest.approx(500 * math.log(2001), rel=1e-12)
    with pytest.raises(OverflowError):
        float(c)
    # built in log form: d * log(1 + 2R/eps), not log((1 + 2R/eps)^d)
    s = Ball(500).covering(EPS)
    assert s.log_expr == 500 * sp.log(1 + 2 / EPS)


def test_huge_sphere_and_torus_logs():
    d, eps = 400, 1e-3
    up = Sphere(d).covering(eps)
    lo = Sphere(d).covering(eps, "lower")
    # hand references with mpmath
    u = 2 / mpmath.mpf(eps)
    shell = mpmath.log((u + 1) ** d - (u - 1) ** d)
    assert up.log() == pytest.approx(float(shell), rel=1e-12)
    phi = 2 * mpmath.asin(mpmath.mpf(eps) / 2)
    om = lambda m: mpmath.pi ** (mpmath.mpf(m) / 2) / mpmath.gamma(mpmath.mpf(m) / 2 + 1)  # noqa: E731
    cap = mpmath.log(d * om(d) / (om(d - 1) * phi ** (d - 1)))
    assert lo.log() == pytest.approx(float(cap), rel=1e-12)
    assert lo.log() <= up.log()
    t = Torus(300, 1).covering(1e-2)
    assert math.isfinite(t.log())
    with pytest.raises(OverflowError):
        float(t)


# ------------------------------------------------------------------------------------------
# bad input
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: Ball(3).covering(0), InvalidValueError, "eps"),
        (lambda: Ball(3).covering(-0.1), InvalidValueError, "eps"),
        (lambda: Ball(3).covering(float("nan")), InvalidValueError, "eps"),
        (lambda: Ball(3).covering(float("inf")), InvalidValueError, "eps"),
        (lambda: Ball(3).covering(-EPS), InvalidValueError, "eps"),
        (lambda: Ball(3).covering("0.1"), InvalidTypeError, "eps"),
        (lambda: Ball(3).covering(0.1, kind="best"), InvalidValueError, "kind"),
        (lambda: Ball(0), InvalidValueError, "dim"),
        (lambda: Ball(2.5), InvalidValueError, "dim"),  # a fractional part
        (lambda: Ball("2"), InvalidTypeError, "dim"),
        (lambda: Ball(3, radius=0), InvalidValueError, "radius"),
        (lambda: Ball(3, radius=-1), InvalidValueError, "radius"),
        (lambda: Cube(2, side=0), InvalidValueError, "side"),
        (lambda: Cube(2, metric="manhattan"), InvalidValueError, "metric"),
        (lambda: Sphere(0), InvalidValueError, "dim"),
        (lambda: Torus(2, period=-1), InvalidValueError, "period"),
        (lambda: FiniteSet(0), InvalidValueError, "k"),
        (lambda: FiniteSet("2"), InvalidTypeError, "k"),  # 2.0 is the integer 2
        (lambda: Annulus(2, 1), InvalidValueError, "r_inner"),
        (lambda: Annulus(1, 1), InvalidValueError, "r_inner"),
        (lambda: Annulus(-1, 1), InvalidValueError, "r_inner"),
        (lambda: Manifold(2, volume=0), InvalidValueError, "volume"),
        (lambda: Manifold(2, volume=1).covering(0.1, "upper"), InvalidValueError, "asymptotic"),
        (lambda: Manifold(2, volume=1).covering(0.1, "lower"), InvalidValueError, "asymptotic"),
        (lambda: Product(Ball(2), Manifold(2, 1)).covering(0.1, "upper"), InvalidValueError, "asymptotic"),
        (lambda: Product(Ball(2), 3), InvalidTypeError, "B"),
        (lambda: Product(Ball(2), Ball(2), metric="sup"), InvalidValueError, "metric"),
        (lambda: Product(Cube(2), Ball(2), "euclidean").covering(0.1, "asymptotic"),
         InvalidValueError, r"available: \['upper', 'lower'\]"),
        (lambda: Cube(2, metric="euclidean").parallel_volume(-1), InvalidValueError, "r"),
    ],
)
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_errors_are_standard_exceptions_and_name_the_range():
    with pytest.raises(ValueError, match=r"eps must lie in \(0, inf\)"):
        Sphere(3).covering(-1)
    with pytest.raises(ValueError, match=r"dim must be an integer in \[1, 1000000\], got 0"):
        Torus(0)


def test_manifold_default_kind_is_asymptotic():
    M = Manifold(2, 4 * sp.pi)
    assert M.covering(R3(1, 10)).kind == "asymptotic"
    assert M.covering_number(R3(1, 10)) == 400


# ----- the exact-rational fast path of the certified upper count (issue #11, speed) ---------------


def _hand_upper(space, eps: Fraction) -> int:
    """The packing bounds of the docstrings, worked by hand in exact rationals: Ball
    floor((1 + 2R/eps)^d) (ceil(R/eps) for d = 1), Annulus floor(4 (r1+r2)(r2-r1+eps)/eps^2) for
    eps <= 2 r1 and floor((1 + 2 r2/eps)^2) beyond; 1 once one ball covers."""
    if isinstance(space, Ball):
        R = Fraction(sp.Rational(space.radius).p, sp.Rational(space.radius).q)
        if eps >= R:
            return 1
        if space.ambient_dim == 1:
            return math.ceil(R / eps)
        return math.floor((1 + 2 * R / eps) ** space.ambient_dim)
    r1, r2 = (Fraction(sp.Rational(v).p, sp.Rational(v).q) for v in (space.r_inner, space.r_outer))
    if eps >= r1 + r2:
        return 1
    if r1 > 0 and eps <= 2 * r1:
        return math.floor(4 * (r1 + r2) * (r2 - r1 + eps) / eps**2)
    return math.floor((1 + 2 * r2 / eps) ** 2)


@HYP
@given(st.integers(1, 12), st.floats(0.1, 3.0), st.floats(1e-4, 4.0))
def test_ball_fast_upper_count_equals_covering(d, R, eps):
    X = Ball(d, R)
    e = Fraction(eps)
    fast = X._upper_count(e)
    assert fast == int(X.covering_number(sp.Rational(eps))) == _hand_upper(X, e)


@HYP
@given(st.floats(0.0, 2.0), st.floats(0.01, 2.0), st.floats(1e-4, 5.0))
def test_annulus_fast_upper_count_equals_covering(r1, width, eps):
    X = Annulus(r1, r1 + width)
    e = Fraction(eps)
    assert X._upper_count(e) == int(X.covering_number(sp.Rational(eps))) == _hand_upper(X, e)


def test_fast_upper_count_at_the_regime_boundary_and_irrational_parameters():
    X = Annulus(sp.Rational(1, 2), 1)
    for e in (Fraction(1), Fraction(3, 2), Fraction(1, 10)):  # eps = 2 r1, eps = r1 + r2
        assert X._upper_count(e) == int(X.covering_number(sp.Rational(e.numerator, e.denominator)))
    assert Annulus(sp.sqrt(2) / 4, 1)._upper_count(Fraction(1, 10)) is None  # no exact fast path
    assert Ball(3, sp.pi)._upper_count(Fraction(1, 10)) is None
