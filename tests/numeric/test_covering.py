"""Empirical covering numbers (THEORY.md §1-§2): the greedy-net kernels against slow, obvious numpy
references, cover and separation checked by brute force, closed-form quotient metrics against
brute-force minima, and the asymptotic |G| gain."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from symbound.errors import InvalidTypeError, InvalidValueError
from symbound.groups import (O, SO, Cyclic, Dihedral, PartialRotations, Symmetric,
                             TransformationSet, Translations)
from symbound.numeric import covering_kernels as K
from symbound.numeric.covering import EmpiricalCovering, empirical_covering_number


# ----- slow references ------------------------------------------------------------------------------
def _plus(mats):
    """S+ = S ∪ {id} (THEORY.md §2)."""
    mats = np.asarray(mats, dtype=float)
    eye = np.eye(mats.shape[1])
    if not any(np.allclose(m, eye, atol=1e-12) for m in mats):
        mats = np.concatenate([eye[None], mats])
    return mats


def reference_greedy(x, mats, eps, order, sup=False):
    """Obvious greedy net: x is covered by centre c if min_{s in S+} |x - s c| <= eps."""
    x = np.asarray(x, dtype=float)
    n, d = x.shape[0], x.shape[-1]
    centres, copies = [], np.zeros((0,) + x.shape[1:])
    for i in order:
        if copies.shape[0]:
            diff = (x[i][None] - copies).reshape(copies.shape[0], -1)
            dist = np.abs(diff).max(axis=1) if sup else np.sqrt((diff ** 2).sum(axis=1))
            if dist.min() <= eps:
                continue
        centres.append(i)
        orb = np.einsum("kij,...j->k...i", mats, x[i])
        copies = np.concatenate([copies, orb])
    del n, d
    return np.array(centres)


def d_orbit(a, c, mats, sup=False):
    """Matrix D[j, t] = min over s in S+ of |a_j - s c_t| (brute force over the elements)."""
    orb = np.einsum("kij,t...j->kt...i", mats, c).reshape(mats.shape[0], c.shape[0], -1)
    diff = a.reshape(a.shape[0], 1, 1, -1) - orb[None]
    d = np.abs(diff).max(axis=3) if sup else np.sqrt((diff ** 2).sum(axis=3))
    return d.min(axis=1)


def d_angle_grid(a, c, angles, reflect=False):
    """Matrix D[j, t] = min over a grid of rotation angles (and the reflection) of |a_j - R c_t|,
    for clouds a (n, k, 2) and c (m, k, 2) rotated jointly."""
    out = np.full((a.shape[0], c.shape[0]), np.inf)
    cs, sn = np.cos(angles), np.sin(angles)
    for cc in [c] + ([c * np.array([1.0, -1.0])] if reflect else []):
        rx = cs[:, None, None] * cc[None, :, :, 0] - sn[:, None, None] * cc[None, :, :, 1]
        ry = sn[:, None, None] * cc[None, :, :, 0] + cs[:, None, None] * cc[None, :, :, 1]
        for j in range(a.shape[0]):
            d2 = ((a[j, :, 0] - rx) ** 2 + (a[j, :, 1] - ry) ** 2).sum(axis=2)  # (angles, m)
            out[j] = np.minimum(out[j], np.sqrt(d2.min(axis=0)))
    return out


def d_perm(a, c):
    """Matrix D[j, t] = min over all permutations of the points of c_t of |a_j - P c_t|."""
    n = a.shape[1]
    best = np.full((a.shape[0], c.shape[0]), np.inf)
    for p in itertools.permutations(range(n)):
        cp = c[:, list(p)]
        d = np.sqrt(((a[:, None] - cp[None]) ** 2).reshape(a.shape[0], c.shape[0], -1).sum(axis=2))
        best = np.minimum(best, d)
    return best


def check_cover_and_separation(res, x, dmat, symmetric=True, tol=1e-9):
    """Brute force: every point within eps of its assigned centre, the assigned centre is the
    nearest, and every centre is farther than eps from the earlier ones (in the covering direction
    d(later, s(earlier)), and in both directions for symmetric metrics). ``dmat(A, C)`` is the
    matrix of distances d(A_j, C_t) = min_s |A_j - s(C_t)|."""
    cs = np.asarray(res.centers)
    assert res.n_centers == len(cs) == len(set(cs.tolist()))
    d = dmat(x, x[cs])  # (n, n_centres)
    assert np.all(d.min(axis=1) <= res.eps + tol), "a point is not covered"
    np.testing.assert_allclose(d.min(axis=1), res.distance, atol=max(tol, 1e-7))
    pos = {c: t for t, c in enumerate(cs.tolist())}
    got = d[np.arange(x.shape[0]), [pos[a] for a in res.assignment]]
    np.testing.assert_allclose(got, d.min(axis=1), atol=max(tol, 1e-7))
    dc = d[cs]  # dc[b, a] = d(c_b, s(c_a))
    later = np.tril(np.ones_like(dc, dtype=bool), k=-1)
    assert np.all(dc[later] > res.eps - tol), "centres not separated"
    if symmetric:
        assert np.all(dc.T[later] > res.eps - tol)


# ----- kernel vs reference (same centres, same order) ---------------------------------------------------
@pytest.fixture(scope="module")
def pts2():
    return np.random.default_rng(1).uniform(-1, 1, (500, 2))


@pytest.mark.parametrize("group", [None, Cyclic(5), Dihedral(3),
                                   TransformationSet([[[1.2, 0.3], [0.0, 0.9]], [[0.0, -1.0], [1.0, 0.0]]])])
@pytest.mark.parametrize("metric", ["euclidean", "sup"])
def test_kernel_matches_reference(pts2, group, metric):
    eps = 0.25
    mats = np.eye(2)[None] if group is None else _plus(group.elements())
    res = empirical_covering_number(pts2, eps, group=group, metric=metric)
    ref = reference_greedy(pts2, mats, eps, np.arange(pts2.shape[0]), sup=metric == "sup")
    np.testing.assert_array_equal(res.centers, ref)


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 80), d=st.integers(2, 5),
       k=st.integers(1, 7), eps=st.floats(0.05, 2.0), scale=st.sampled_from([1e-3, 1.0, 1e3]),
       sup=st.booleans())
def test_property_kernel_equals_reference(seed, n, d, k, eps, scale, sup):
    """Random samples, scales, dimensions and cyclic groups: the same centres as the obvious
    greedy, and the cover / separation of the result verified by brute force."""
    x = np.random.default_rng(seed).normal(size=(n, d)) * scale
    g = Cyclic(k, dim=d, plane=(0, d - 1))
    res = empirical_covering_number(x, eps * scale, group=g, metric="sup" if sup else "euclidean")
    m = _plus(g.elements())
    np.testing.assert_array_equal(res.centers,
                                  reference_greedy(x, m, eps * scale, np.arange(n), sup=sup))
    sup_isometric = k in (1, 2, 4)  # rotations by multiples of pi/2 preserve the sup norm
    check_cover_and_separation(res, x, lambda a, c: d_orbit(a, c, m, sup=sup), tol=1e-9 * scale,
                               symmetric=not sup or sup_isometric)
    assert (res.covering_lower_at_half_eps is None) == (sup and not sup_isometric)


def test_kernel_matches_reference_random_order_clouds_and_dim():
    rng = np.random.default_rng(2)
    x = rng.uniform(-1, 1, (300, 3, 3))  # clouds of 3 points in R^3, rotated jointly in plane (0, 2)
    g = Cyclic(6, dim=3, plane=(0, 2))
    res = empirical_covering_number(x, 1.2, group=g, order="random", seed=5)
    order = np.random.default_rng(5).permutation(300)
    np.testing.assert_array_equal(res.centers, reference_greedy(x, _plus(g.elements()), 1.2, order))


def test_high_dimensional_features_use_early_exit_path():
    x = np.random.default_rng(3).normal(size=(400, 12))
    res = empirical_covering_number(x, 3.0)
    np.testing.assert_array_equal(res.centers, reference_greedy(x, np.eye(12)[None], 3.0, np.arange(400)))


# ----- cover and separation by brute force, every metric ----------------------------------------------
def test_cover_separation_finite_and_non_symmetric_set(pts2):
    ts = TransformationSet([[[1.2, 0.3], [0.0, 0.9]]])  # not a group, not isometric
    res = empirical_covering_number(pts2[:200], 0.3, group=ts)
    m = _plus(ts.elements())
    check_cover_and_separation(res, pts2[:200], lambda a, c: d_orbit(a, c, m), symmetric=False)
    assert res.covering_lower_at_half_eps is None  # no packing reading for a non-group
    res = empirical_covering_number(pts2[:200], 0.3, group=Dihedral(4))
    m = _plus(Dihedral(4).elements())
    check_cover_and_separation(res, pts2[:200], lambda a, c: d_orbit(a, c, m))
    assert res.covering_lower_at_half_eps == res.n_centers == res.covering_upper


@pytest.mark.parametrize("group,reflect", [(SO(2), False), (O(2), True)])
def test_cover_separation_plane_rotation_clouds(group, reflect):
    x = np.random.default_rng(4).normal(size=(100, 3, 2))
    res = empirical_covering_number(x, 1.0, group=group)
    grid = np.linspace(-math.pi, math.pi, 4001)

    def dist(a, c):  # brute force over 4001 angles: an upper estimate within |c| * pi / 4000
        return d_angle_grid(a, c, grid, reflect)

    check_cover_and_separation(res, x, dist, tol=5e-3)


def test_cover_separation_partial_rotations():
    x = np.random.default_rng(5).uniform(-1, 1, (250, 3))
    th = 0.4
    res = empirical_covering_number(x, 0.2, group=PartialRotations(th, dim=3, plane=(0, 1)))
    grid = np.linspace(-th, th, 2001)

    def dist(a, c):
        planar = d_angle_grid(a[:, None, :2], c[:, None, :2], grid)
        return np.sqrt(planar ** 2 + (a[:, None, 2] - c[None, :, 2]) ** 2)

    check_cover_and_separation(res, x, dist, tol=1e-3)
    assert res.covering_lower_at_half_eps is None


def test_cover_separation_symmetric_clouds_and_scalars():
    rng = np.random.default_rng(6)
    x = rng.normal(size=(150, 4, 2))
    res = empirical_covering_number(x, 1.5, group=Symmetric(4))
    check_cover_and_separation(res, x, d_perm)
    s = rng.normal(size=(200, 5))  # permuting coordinates: sort-based exact metric
    res = empirical_covering_number(s, 0.6, group=Symmetric(5, axis=-1))
    check_cover_and_separation(res, s, lambda a, c: d_perm(a[:, :, None], c[:, :, None]))


def test_cover_separation_son_norm_metric():
    x = np.random.default_rng(7).normal(size=(300, 3))
    res = empirical_covering_number(x, 0.1, group=SO(3))
    check_cover_and_separation(res, x, lambda a, c: np.abs(np.linalg.norm(a, axis=1)[:, None]
                                                           - np.linalg.norm(c, axis=1)[None]))
    res_o = empirical_covering_number(x, 0.1, group=O(3))
    assert res_o.n_centers == res.n_centers


# ----- closed forms vs brute force ------------------------------------------------------------------------
def _plane_d(x, c, theta, reflect):
    """Kernel closed form for clouds x, c of shape (k, n) rotated in plane (0, 1)."""
    def feats(z):
        r = np.hypot(z[:, 0], z[:, 1])
        return np.concatenate([r, z[:, 2:].ravel()]), np.stack([z[:, 0], z[:, 1]], 1).ravel()
    fx, ax = feats(x)
    fc, ac = feats(c)
    return math.sqrt(K._plane_d2(fx, ax, fc, ac, x.shape[0], theta, reflect))


def test_plane_closed_form_vs_angle_grid():
    rng = np.random.default_rng(8)
    grid = np.linspace(-math.pi, math.pi, 200001)
    for _ in range(40):
        k = int(rng.integers(1, 4))
        x, c = rng.normal(size=(k, 3)), rng.normal(size=(k, 3))
        rest = float(np.sqrt(((x[:, 2:] - c[:, 2:]) ** 2).sum()))
        for reflect in (False, True):
            planar = d_angle_grid(x[None, :, :2], c[None, :, :2], grid, reflect)[0, 0]
            brute = math.sqrt(planar ** 2 + rest ** 2)
            closed = _plane_d(x, c, math.pi, reflect)
            assert closed <= brute + 1e-12 and brute - closed <= 1e-4
    # single points: min_g |g x - y|^2 = |x_p|^2 + |y_p|^2 - 2 |x_p| |y_p| + |x_rest - y_rest|^2
    x, c = rng.normal(size=(1, 4)), rng.normal(size=(1, 4))
    rx, rc = np.hypot(*x[0, :2]), np.hypot(*c[0, :2])
    expect = math.sqrt((rx - rc) ** 2 + ((x[0, 2:] - c[0, 2:]) ** 2).sum())
    assert abs(_plane_d(x, c, math.pi, False) - expect) <= 1e-12


def test_partial_rotation_closed_form_vs_angle_grid():
    rng = np.random.default_rng(9)
    for _ in range(40):
        th = float(rng.uniform(0.0, math.pi))
        x, c = rng.normal(size=(1, 2)), rng.normal(size=(1, 2))
        grid = np.linspace(-th, th, 40001)
        brute = d_angle_grid(x[None], c[None], grid)[0, 0]
        closed = _plane_d(x, c, th, False)
        assert closed <= brute + 1e-12 and brute - closed <= 1e-4
        # the same angle difference, clipped to [-theta, theta] (hand formula)
        dphi = math.atan2(x[0, 1], x[0, 0]) - math.atan2(c[0, 1], c[0, 0])
        dphi = (dphi + math.pi) % (2 * math.pi) - math.pi
        res = max(abs(dphi) - th, 0.0)
        rx, rc = np.hypot(*x[0]), np.hypot(*c[0])
        assert abs(closed - math.sqrt(max(rx * rx + rc * rc - 2 * rx * rc * math.cos(res), 0))) <= 1e-9


def test_son_norm_metric_vs_sampled_rotations():
    """| |x| - |y| | is a lower bound of |R x - y| for every rotation, attained up to the sampling."""
    rng = np.random.default_rng(10)
    rots = SO(3).sample(20000, rng)
    for _ in range(5):
        x, y = rng.normal(size=3), rng.normal(size=3)
        closed = abs(np.linalg.norm(x) - np.linalg.norm(y))
        sampled = np.linalg.norm(np.einsum("kij,j->ki", rots, x) - y, axis=1)
        assert sampled.min() >= closed - 1e-12
        assert sampled.min() - closed <= 0.15 * np.linalg.norm(x)


def test_assignment_vs_permutations():
    rng = np.random.default_rng(11)
    for n in range(1, 7):
        cost = np.empty((n + 1, n + 1))
        work = [np.empty(n + 1) for _ in range(3)]
        ints = [np.empty(n + 1, np.int64) for _ in range(2)]
        used = np.empty(n + 1, np.bool_)
        for _ in range(10):
            x, c = rng.normal(size=(n, 2)), rng.normal(size=(n, 2))
            got = K.assignment_cost(x.ravel(), c.ravel(), n, 2, cost, work[0], work[1], ints[0],
                                    ints[1], work[2], used)
            assert abs(math.sqrt(got) - d_perm(x[None], c[None])[0, 0]) <= 1e-9


def test_nearest_within_vs_brute_force():
    from symbound.numeric.covering import _grid

    rng = np.random.default_rng(12)
    data = rng.uniform(-1, 1, (700, 3))
    q = rng.uniform(-1.3, 1.3, (300, 3))
    r = 0.15
    axes, origin, cell, ncell, bstart, perm, pvec = _grid(data, r)
    idx, d2 = np.empty(300, np.int64), np.empty(300)
    K.nearest_within(q, 0, 300, axes, origin, cell, ncell, r, bstart, perm, pvec, idx, d2)
    dd = np.linalg.norm(q[:, None] - data[None], axis=2)
    for i in range(300):
        if dd[i].min() <= r:
            assert idx[i] == np.argmin(dd[i]) and abs(math.sqrt(d2[i]) - dd[i].min()) < 1e-12
        else:
            assert idx[i] == -1
    assert (idx >= 0).sum() > 50


# ----- covering numbers: gain, sandwich, readings -----------------------------------------------------
def test_cyclic_gain_on_annulus():
    """THEORY §2: C_k acting freely with eps-separated orbits gives N(X/G) ~ N(X)/k. On the annulus
    1 <= |x| <= 2 with eps = 0.04 the greedy nets of 60 000 points agree with the factor k = 4
    within 15% (measured gain / k = 0.90-0.91 over three seeds, also for k = 8: centres along the
    two edges of the fundamental wedge cover less area, a correction of order 1 / (k eps))."""
    rng = np.random.default_rng(13)
    r = np.sqrt(rng.uniform(1, 4, 60000))
    a = rng.uniform(0, 2 * np.pi, 60000)
    x = np.stack([r * np.cos(a), r * np.sin(a)], 1)
    res = empirical_covering_number(x, 0.04, group=Cyclic(4))
    assert abs(res.gain / 4 - 1) <= 0.15, res.gain
    assert res.n_centers_plain == empirical_covering_number(x, 0.04).n_centers


def test_so2_annulus_quotient_is_an_interval():
    """SO(2) on the annulus: the quotient is [1, 2] (length 1): a greedy eps-net of a dense sample
    of an interval has between ceil(1/(2 eps)) and ceil(1/eps) + 1 centres."""
    rng = np.random.default_rng(14)
    r = np.sqrt(rng.uniform(1, 4, 20000))
    a = rng.uniform(0, 2 * np.pi, 20000)
    x = np.stack([r * np.cos(a), r * np.sin(a)], 1)
    res = empirical_covering_number(x, 0.05, group=SO(2), order="random", seed=0)
    assert math.ceil(1 / 0.1) <= res.n_centers <= math.ceil(1 / 0.05) + 1


def test_sup_metric_cube_sandwich():
    """Lattice sample of [0,1]^2 with step h, sup metric: N(cube, r) = ceil(1/(2r))^2 (exact).
    The greedy net is an eps-cover of the sample, hence an (eps + h/2)-cover of the cube, and its
    centres are eps-separated, so at most one lies in each half-open cube of side eps:
    ceil(1/(2(eps + h/2)))^2 <= n_centers <= ceil(1/eps)^2."""
    h = 0.01
    g = np.arange(0, 1 + h / 2, h)
    x = np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)
    for eps in (0.1, 0.17, 0.3):
        n = empirical_covering_number(x, eps, metric="sup", order="random", seed=1).n_centers
        assert math.ceil(1 / (2 * (eps + h / 2))) ** 2 <= n <= math.ceil(1 / eps) ** 2


def test_readings_and_repr(pts2):
    res = empirical_covering_number(pts2, 0.3, group=Cyclic(4))
    assert isinstance(res, EmpiricalCovering)
    assert res.covering_upper == res.n_centers == res.covering_lower_at_half_eps
    assert res.gain == res.n_centers_plain / res.n_centers
    assert np.all(res.distance <= 0.3) and res.exact_metric
    assert "packing reading" in repr(res) and "symmetry gain" in repr(res)
    plain = empirical_covering_number(pts2, 0.3)
    assert plain.gain is None and plain.n_centers_plain is None
    # THEORY §1-2 through the readings (greedy counts are not optimal, so halve eps):
    # n_S(eps) <= P_S(eps) <= N_S(eps/2) <= N(eps/2) <= n_plain(eps/2), and
    # n_plain(eps) <= P(eps) <= N(eps/2) <= |S+| N_S(eps/2) <= |S+| n_S(eps/2)
    half = empirical_covering_number(pts2, 0.15, group=Cyclic(4))
    assert res.n_centers <= half.n_centers_plain
    assert plain.n_centers <= 4 * half.n_centers


def test_sampled_fallback_is_a_cover_without_packing_reading():
    x = np.random.default_rng(15).normal(size=(400, 3))
    res = empirical_covering_number(x, 0.4, group=PartialRotations(0.6, dim=3, plane=None),
                                    n_group_samples=32, seed=0)
    assert not res.exact_metric and res.covering_lower_at_half_eps is None
    assert np.all(res.distance <= 0.4 + 1e-12)
    # every sampled element is a rotation by <= 0.6, so the estimate is >= the full-SO(3) metric
    full = empirical_covering_number(x, 0.4, group=SO(3))
    assert res.n_centers >= full.n_centers
    assert res.n_centers <= res.n_centers_plain


def test_translations_quotient_is_a_point_and_progress():
    x = np.random.default_rng(16).uniform(0, 1, (300, 2))
    res = empirical_covering_number(x, 0.1, group=Translations(2), progress=True)
    assert res.n_centers == 1 and np.all(res.assignment == res.centers[0])
    assert np.all(res.distance == 0)
    res2 = empirical_covering_number(x, 0.1, group=Cyclic(3), progress=True)
    assert res2.n_centers > 1


def test_one_dimensional_input_and_single_point():
    res = empirical_covering_number(np.array([0.0, 0.05, 0.3, 1.0]), 0.1)
    np.testing.assert_array_equal(res.centers, [0, 2, 3])
    assert empirical_covering_number(np.zeros((1, 2)), 0.1, group=SO(2)).n_centers == 1


def test_extreme_scales_and_small_groups():
    x = np.random.default_rng(17).uniform(-1, 1, (300, 2))
    assert empirical_covering_number(x, 1e-300).n_centers == 300  # distinct points: all centres
    assert empirical_covering_number(x, 1e300).n_centers == 1
    assert empirical_covering_number(np.zeros((5, 2)), 5e-324).n_centers == 1
    # PartialRotations with theta = pi is SO(2); O(1) is x -> -x
    a = empirical_covering_number(x, 0.1, group=PartialRotations(math.pi))
    b = empirical_covering_number(x, 0.1, group=SO(2))
    np.testing.assert_array_equal(a.centers, b.centers)
    assert a.covering_lower_at_half_eps == a.n_centers  # a group again: packing reading holds
    s = np.random.default_rng(18).normal(size=(200, 3, 1))
    res = empirical_covering_number(s, 0.5, group=O(1))
    np.testing.assert_array_equal(res.centers, reference_greedy(s, np.array([[[1.0]], [[-1.0]]]),
                                                                0.5, np.arange(200)))


def test_huge_points_raise_instead_of_hanging():
    """The audit's repros: plane radii zx^2 + zy^2 overflow (1e160), and hi - lo overflows
    (+-1.5e308); both hung in the grid set-up. They raise at once, naming the points and the bound."""
    x = np.random.default_rng(19).uniform(-1, 1, (200, 2)) * 1e160
    with pytest.raises(InvalidValueError, match=r"points is too large.*must be <= 3\.35e\+153"):
        empirical_covering_number(x, 1e159, group=SO(2))
    with pytest.raises(InvalidValueError, match="points is too large.*rescale"):
        empirical_covering_number(x, 1e159)  # no group: squared distances would overflow too
    seam = np.array([[-1.5e308, 0.0], [1.5e308, 0.0], [0.0, 0.0]])
    with pytest.raises(InvalidValueError, match=r"points is too large.*max \|entry\| = 1\.5e\+308"):
        empirical_covering_number(seam, 1.0)
    # a non-isometric set enlarges the orbit copies: the bound includes its operator norm (1000)
    big = TransformationSet([np.diag([1000.0, 1.0])], name="stretch")
    pts = np.array([[1e151, 0.0], [0.0, 1.0]])
    empirical_covering_number(pts, 1.0)  # fine without the set
    with pytest.raises(InvalidValueError, match="operator norm"):
        empirical_covering_number(pts, 1.0, group=big)


def test_grid_guards_non_finite_extent():
    """The grid itself refuses an overflowing extent (a second line of defence)."""
    from symbound.numeric.covering import _grid

    with pytest.raises(InvalidValueError, match="finite extent"):
        _grid(np.array([[-1.5e308], [1.5e308]]), 1.0)
    # a finite extent spanning the float range terminates (one or two cells per axis)
    axes, origin, cell, ncell, *_ = _grid(np.array([[-8e307, 1.0], [8e307, -1.0]]), 1e-300)
    assert np.all(ncell >= 1) and np.prod(ncell) <= 4096 and np.isfinite(cell)


def test_largest_admissible_scale_gives_the_same_net():
    """Distances scale linearly and a power of 2 scales floats exactly: points and eps times 2^505
    (|x| up to ~1e152 < 3.35e153) give the same net as the unscaled problem, plain and for every
    kind of quotient metric (orbit copies, plane closed form - whose |W| ~ |x|^2 must not be
    squared again -, assignment); 2^515 (~5e155) is refused."""
    rng = np.random.default_rng(20)
    x = rng.uniform(-1, 1, (400, 2))
    clouds = rng.uniform(-1, 1, (150, 3, 2))
    for pts, group in [(x, None), (x, SO(2)), (x, Cyclic(5)), (x, PartialRotations(1.0)),
                       (clouds, O(2)), (clouds, Symmetric(3)), (x, O(2))]:
        ref = empirical_covering_number(pts, 0.3, group=group)
        big = empirical_covering_number(pts * 2.0 ** 505, 0.3 * 2.0 ** 505, group=group)
        np.testing.assert_array_equal(big.centers, ref.centers)
        np.testing.assert_array_equal(big.assignment, ref.assignment)
        np.testing.assert_array_equal(big.distance, ref.distance * 2.0 ** 505)
    with pytest.raises(InvalidValueError, match="too large"):
        empirical_covering_number(x * 2.0 ** 515, 1.0)


# ----- bad input ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs,exc,match", [
    (dict(eps=0.0), InvalidValueError, "eps"),
    (dict(eps=-1.0), InvalidValueError, "eps"),
    (dict(eps=float("nan")), InvalidValueError, "eps"),
    (dict(eps=0.1, metric="l1"), InvalidValueError, "metric"),
    (dict(eps=0.1, order="sorted"), InvalidValueError, "order"),
    (dict(eps=0.1, group="C4"), InvalidTypeError, "group"),
    (dict(eps=0.1, group=Cyclic(4, dim=3)), InvalidValueError, "last axis"),
    (dict(eps=0.1, group=SO(2), metric="sup"), InvalidValueError, "sup"),
    (dict(eps=0.1, seed=-3), InvalidTypeError, "seed"),
    (dict(eps=0.1, n_group_samples=0), InvalidValueError, "n_group_samples"),
])
def test_bad_input(pts2, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        empirical_covering_number(pts2, **kwargs)


def test_bad_points():
    with pytest.raises(InvalidValueError, match="finite"):
        empirical_covering_number(np.array([[0.0, np.nan]]), 0.1)
    with pytest.raises(InvalidValueError, match="empty"):
        empirical_covering_number(np.zeros((0, 2)), 0.1)
    with pytest.raises(InvalidTypeError):
        empirical_covering_number([["a", "b"]], 0.1)
    with pytest.raises(InvalidValueError, match="point clouds"):
        empirical_covering_number(np.zeros((3, 2, 2)), 0.1, group=Translations(2))
