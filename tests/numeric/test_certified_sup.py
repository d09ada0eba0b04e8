"""Certified upper estimates of the sup equivariance error (issue #8, item 1): on models whose sup is
known in closed form (worked by hand in each docstring) the certificate is never below the sup, and
it approaches the sup as the nets get finer; brute force for finite groups; the data side against
a closed-form target; the estimate's own samples; bad input."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import symbound as sb
from symbound.errors import InvalidTypeError, InvalidValueError
from symbound.groups import O, SO, Cyclic, Dihedral, PartialRotations, Symmetric, Translations
from symbound.numeric.certified_sup import certified_data_sup_error, certified_sup_error
from symbound.numeric.orbit import equivariance_error
from symbound.seam import SupErrorUpperBound
from symbound.spaces import Annulus, Ball, Cube, FiniteSet, Sphere, Torus

vec2 = st.tuples(st.floats(-2, 2), st.floats(-2, 2)).filter(lambda v: math.hypot(*v) > 0.05)


def _check(ub, true):
    """The certificate is above the true sup, and above it by at most its own slack terms."""
    assert isinstance(ub, SupErrorUpperBound) and ub.confidence == 1.0
    assert ub.value >= true
    assert ub.observed_max <= true * (1 + 1e-12) + 1e-12  # a lower estimate (elements in S, x in A)
    d = ub.details
    assert ub.value <= true + d["x_term"] + d["g_term"] + 1e-9 * (1 + true)


@given(a=vec2, R=st.floats(0.2, 3.0), m=st.integers(1, 12), mg=st.integers(1, 24))
def test_linear_model_under_so2_and_o2(a, R, m, mg):
    """f(x) = <a, x>: |<a, (g - I) x>| <= |a| |x| ||g - I|| = 2 |a| R at x = R a/|a|, g = -I (also
    a rotation of O(2)): sup = 2 |a| R.  Coarse nets included (1 angle: the g-term carries it)."""
    a = np.array(a)
    true = 2 * np.linalg.norm(a) * R
    for G in (SO(2), O(2)):
        ub = certified_sup_error(lambda xs: xs @ a, G, Ball(2, R), lipschitz=float(np.linalg.norm(a)),
                                 resolution=m, group_resolution=mg)
        _check(ub, true)
        assert ub.scope == "region" and ub.region == Ball(2, R).name and ub.quantity == "model"


@given(a=vec2, k=st.integers(1, 9), dihedral=st.booleans(), m=st.integers(1, 12))
def test_linear_model_under_finite_rotation_groups(a, k, dihedral, m):
    """sup over |x| <= 1 of |<a, (g - I) x>| is |(g - I)^T a|, so sup = max_g |(g^T - I) a| over
    the elements (for a rotation by phi it is 2 |sin(phi/2)| |a|; for the reflection in a line with
    unit normal n it is 2 |<a, n>|)."""
    a = np.array(a)
    G = Dihedral(k) if dihedral else Cyclic(k)
    true = max(np.linalg.norm((g.T - np.eye(2)) @ a) for g in G.elements())
    ub = certified_sup_error(lambda xs: xs @ a, G, Ball(2, 1), lipschitz=float(np.linalg.norm(a)),
                             resolution=m)
    _check(ub, true)
    assert ub.details["r_g"] == 0.0 and ub.details["g_term"] == 0.0
    # on the unit square [0, 1]^2 (which the rotations leave; f is Lipschitz everywhere) the error
    # is linear in x, so its sup is at a vertex: brute force over vertices and elements
    corners = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], dtype=float)
    true_sq = max(np.abs((corners @ g.T - corners) @ a).max() for g in G.elements())
    ub = certified_sup_error(lambda xs: xs @ a, G, Cube(2, 1), lipschitz=float(np.linalg.norm(a)),
                             resolution=m)
    _check(ub, true_sq)


@given(c=st.floats(0.1, 3), p=vec2, R=st.floats(0.3, 2.0), m=st.integers(2, 12), mg=st.integers(2, 32))
def test_distance_model_closed_form(c, p, R, m, mg):
    """f(x) = c |x - p|, SO(2) on the disk of radius R: on the circle |x| = r, |g x - p| ranges over
    [|r - |p||, r + |p|], so sup = c max_r (r + |p| - |r - |p||) = 2 c min(R, |p|)."""
    p = np.array(p)
    true = 2 * c * min(R, float(np.linalg.norm(p)))
    ub = certified_sup_error(lambda xs: c * np.linalg.norm(xs - p, axis=1), SO(2), Ball(2, R),
                             lipschitz=c, resolution=m, group_resolution=mg)
    _check(ub, true)


@given(a=vec2, R=st.floats(0.3, 2.0), m=st.integers(2, 12), mg=st.integers(2, 32))
def test_norm_weighted_model_on_the_ball(a, R, m, mg):
    """f(x) = |x| <a, x>: sup = 2 |a| R^2 (|x| = R, g = -I); Lipschitz on the ball (which the
    rotations keep) with gradient x <a,x>/|x| + |x| a, of norm <= 2 |a| R."""
    a = np.array(a)
    na = float(np.linalg.norm(a))
    ub = certified_sup_error(lambda xs: np.linalg.norm(xs, axis=1) * (xs @ a), SO(2), Ball(2, R),
                             lipschitz=2 * na * R, resolution=m, group_resolution=mg)
    _check(ub, 2 * na * R * R)


@settings(max_examples=20)
@given(b=st.tuples(st.floats(-1, 1), st.floats(-1, 1), st.floats(-1, 1)).filter(
    lambda v: np.linalg.norm(v) > 0.1), m=st.integers(1, 6), mg=st.integers(1, 6),
    sphere=st.booleans())
def test_so3_linear_model_ball_and_sphere(b, m, mg, sphere):
    """f(x) = <b, x> under SO(3): sup = 2 |b| R (a rotation by pi about an axis orthogonal to x
    maps x to -x)."""
    b = np.array(b)
    region = Sphere(3) if sphere else Ball(3, 1)
    ub = certified_sup_error(lambda xs: xs @ b, SO(3), region, lipschitz=float(np.linalg.norm(b)),
                             resolution=m, group_resolution=mg)
    _check(ub, 2 * np.linalg.norm(b))


@given(theta=st.floats(0.05, math.pi), r1=st.floats(0.0, 1.0), m=st.integers(2, 10),
       mg=st.integers(1, 16))
def test_partial_rotations_on_an_annulus(theta, r1, m, mg):
    """f(x) = x_0 under rotations by |phi| <= theta on r1 <= |x| <= 2: |(R_phi x)_0 - x_0| <=
    |x| ||R_phi - I|| = 2 |x| sin(|phi|/2), attained: sup = 4 sin(theta/2)."""
    ub = certified_sup_error(lambda xs: xs[:, 0], PartialRotations(theta), Annulus(r1, 2.0),
                             lipschitz=1.0, resolution=m, group_resolution=mg)
    _check(ub, 4 * math.sin(theta / 2))


@given(k=st.integers(1, 3), c=st.floats(0.2, 2), m=st.integers(2, 64), mg=st.integers(1, 64))
def test_translations_of_the_circle(k, c, m, mg):
    """f(x) = c cos(2 pi k x) on R/Z under all shifts: the shift 1/(2k) maps the maximum to the
    minimum: sup = 2c; Lipschitz 2 pi k c."""
    ub = certified_sup_error(lambda xs: c * np.cos(2 * np.pi * k * xs[:, 0]), Translations(1),
                             Torus(1, 1), lipschitz=2 * math.pi * k * c, resolution=m,
                             group_resolution=mg)
    _check(ub, 2 * c)


def test_equivariant_model_against_a_dense_angle_scan():
    """f(x) = M x with rho = 'same' under SO(2): e(x, g) = |(M g - g M) x|, sup = R max_phi
    ||M R_phi - R_phi M||_op, found by a scan of 20001 angles (a lower estimate of the sup)."""
    M = np.array([[1.0, 0.5], [-0.3, 2.0]])
    phi = np.linspace(0, 2 * np.pi, 20001)
    c, s = np.cos(phi), np.sin(phi)
    Rm = np.stack([np.stack([c, -s], -1), np.stack([s, c], -1)], -2)
    scan = np.linalg.norm(M @ Rm - Rm @ M, ord=2, axis=(1, 2)).max()
    L = np.linalg.norm(M, ord=2)
    for m, mg in ((4, 8), (16, 64), (48, 256)):
        ub = certified_sup_error(lambda xs: xs @ M.T, SO(2), Ball(2, 1), lipschitz=L, rho="same",
                                 resolution=m, group_resolution=mg)
        assert ub.value >= scan
        assert ub.value <= scan + ub.details["x_term"] + ub.details["g_term"] + 1e-9
    assert ub.value <= 1.2 * scan and ub.details["lipschitz_rho"] == 1.0


def test_finite_group_brute_force_and_callable_rho():
    """A tanh model under D_5 (every element enumerated): the certificate is above the largest error
    on a dense polar grid (a brute-force lower estimate of the sup); with rho a callable sign
    representation (det) the same holds."""
    w = np.array([1.3, -0.4])
    f = lambda xs: np.tanh(xs @ w)[:, None] * np.array([1.0, -2.0])
    G = Dihedral(5)
    r = np.linspace(0, 1, 120)
    ang = np.linspace(0, 2 * np.pi, 720, endpoint=False)
    dense = (r[:, None, None] * np.stack([np.cos(ang), np.sin(ang)], -1)[None]).reshape(-1, 2)
    E = G.elements()
    F0 = f(dense)
    brute = max(np.linalg.norm(f(dense @ g.T) - F0, axis=1).max() for g in E)
    L = float(np.linalg.norm(w) * np.sqrt(5))
    ub = certified_sup_error(f, G, Ball(2, 1), lipschitz=L, resolution=24)
    assert ub.value >= brute and ub.value <= brute + ub.details["x_term"] + 1e-9
    sign = lambda els: np.linalg.det(els)[:, None, None] * np.eye(2)[None]
    brute_s = max(np.linalg.norm(f(dense @ g.T) - np.linalg.det(g) * F0, axis=1).max() for g in E)
    ub = certified_sup_error(f, G, Ball(2, 1), lipschitz=L, rho=sign, resolution=24)
    assert ub.value >= brute_s


def test_certificate_approaches_the_sup_as_nets_get_finer():
    """f(x) = <a, x> under SO(2) on the unit disk (sup 2|a| = 2): the slack is at most
    2 L r_x + L r_g, so value / sup -> 1; measured factors shrink with the resolution and are
    below 1.02 at 128 cells per axis and 1024 angles."""
    a = np.array([0.6, -0.8])
    ratios = []
    for m, mg in ((8, 32), (32, 128), (128, 1024)):
        ub = certified_sup_error(lambda xs: xs @ a, SO(2), Ball(2, 1), lipschitz=1.0, resolution=m,
                                 group_resolution=mg)
        assert ub.value - 2.0 <= 2 * ub.details["r_x"] + ub.details["r_g"] + 1e-9
        ratios.append(ub.value / 2.0)
    assert ratios[0] > ratios[1] > ratios[2] >= 1.0 and ratios[2] < 1.02


def test_sample_scope_with_points_and_point_clouds():
    """Without a region the sup is over the given points: for f = <a, x> under SO(2), sup_g
    |<a, g x - x>| = |a||x| + |<a, x>| (g x runs over the circle of radius |x|)."""
    a = np.array([1.0, 2.0])
    X = np.random.default_rng(0).normal(size=(50, 2))
    true = np.max(np.linalg.norm(a) * np.linalg.norm(X, axis=1) + np.abs(X @ a))
    ub = certified_sup_error(lambda xs: xs @ a, SO(2), points=X, lipschitz=float(np.linalg.norm(a)),
                             group_resolution=64)
    assert ub.scope == "sample" and ub.region is None and ub.value >= true
    assert "measured points only" in ub.describe()
    clouds = np.random.default_rng(1).normal(size=(20, 4, 3))
    ub = certified_sup_error(lambda xs: np.linalg.norm(xs, axis=(1, 2)), SO(3), points=clouds,
                             lipschitz=1.0, group_resolution=4)
    assert ub.observed_max < 1e-12 and ub.value >= 0.0  # invariant: sup 0
    pts = np.random.default_rng(2).normal(size=(10, 4, 2))
    ub = certified_sup_error(lambda xs: xs.sum(-1), Symmetric(4), points=pts, lipschitz=math.sqrt(2),
                             rho="same")
    assert ub.value < 1e-9  # permutation-equivariant, every permutation enumerated (r_g = 0)


def test_region_certificate_from_given_points():
    """Given points of the disk: their fill distance is certified by cells; the bound holds."""
    rng = np.random.default_rng(3)
    X = rng.uniform(-1, 1, (4000, 2))
    X = X[np.linalg.norm(X, axis=1) <= 1]
    a = np.array([0.6, 0.8])
    ub = certified_sup_error(lambda xs: xs @ a, SO(2), Ball(2, 1), points=X, lipschitz=1.0,
                             group_resolution=128)
    assert ub.scope == "region" and ub.value >= 2.0 and ub.details["r_x"] > 0
    assert ub.value <= 2.0 + ub.details["x_term"] + ub.details["g_term"] + 1e-9
    with pytest.raises(InvalidValueError, match="no finite certified bound"):
        certified_sup_error(lambda xs: xs @ a, SO(2), Ball(2, 1), points=X[X[:, 0] > 0],
                            lipschitz=1.0, resolution=16)


def test_estimate_sup_upper_bound():
    """The estimate's own samples: stratified SO(2) angles (K equispaced), Cyclic (exact), O(2),
    PartialRotations, Translations(1); the sample-scope sup in closed form as above; a region
    with the estimate's points; SO(3) refused with the function to call instead."""
    a = np.array([1.0, 2.0])
    f = lambda xs: xs @ a
    X = np.random.default_rng(4).normal(size=(300, 2))
    true = np.max(np.linalg.norm(a) * np.linalg.norm(X, axis=1) + np.abs(X @ a))
    for G, K in ((SO(2), 64), (O(2), 64), (SO(2), 7)):
        est = equivariance_error(f, G, X, n_group_samples=K, seed=0, sampling="iid" if K == 7 else "auto")
        ub = est.sup_upper_bound(lipschitz=float(np.linalg.norm(a)))
        assert ub.value >= true and ub.observed_max == est.max_observed and ub.scope == "sample"
    est = equivariance_error(f, Cyclic(2), X, seed=0)
    ub = est.sup_upper_bound(lipschitz=float(np.linalg.norm(a)))
    assert ub.value == pytest.approx(2 * np.max(np.abs(X @ a)), rel=1e-9)  # exact: g = -I
    th = 0.5
    est = equivariance_error(f, PartialRotations(th), X, seed=0)
    sup_pr = max(np.abs((X @ np.array([[math.cos(t), math.sin(t)], [-math.sin(t), math.cos(t)]]) - X) @ a).max()
                 for t in np.linspace(-th, th, 2001))
    assert est.sup_upper_bound(lipschitz=float(np.linalg.norm(a))).value >= sup_pr
    xt = np.random.default_rng(5).random((200, 1))
    est = equivariance_error(lambda xs: np.cos(2 * np.pi * xs[:, 0]), Translations(1), xt, seed=0)
    assert est.sup_upper_bound(lipschitz=2 * math.pi).value >= 2 * np.max(np.abs(np.cos(2 * np.pi * xt)))
    Xd = np.random.default_rng(6).uniform(-1, 1, (3000, 2))
    Xd = Xd[np.linalg.norm(Xd, axis=1) <= 1]
    est = equivariance_error(f, SO(2), Xd, seed=0)
    ub = est.sup_upper_bound(lipschitz=float(np.linalg.norm(a)), region=Ball(2, 1))
    assert ub.scope == "region" and ub.value >= 2 * np.linalg.norm(a)
    est = equivariance_error(lambda xs: xs[:, 0], SO(3), np.ones((5, 3)), seed=0)
    with pytest.raises(InvalidValueError, match="certified_sup_error"):
        est.sup_upper_bound(lipschitz=1.0)


def test_too_small_lipschitz_is_detected():
    """A Lipschitz constant 10x too small: with given points in a region, the measured errors at
    some points exceed what their neighbours certify, and the call says so."""
    a = np.array([3.0, 4.0])
    X = np.random.default_rng(9).uniform(-0.7, 0.7, (2000, 2))
    with pytest.raises(InvalidValueError, match="too small"):
        certified_sup_error(lambda xs: xs @ a, SO(2), Ball(2, 1), points=X, lipschitz=0.5,
                            group_resolution=8)


def test_bad_input():
    f = lambda xs: xs[:, 0]
    with pytest.raises(InvalidValueError, match="give a region"):
        certified_sup_error(f, SO(2), lipschitz=1.0)
    with pytest.raises(InvalidValueError, match="lipschitz"):
        certified_sup_error(f, SO(2), Ball(2), lipschitz=-1.0)
    with pytest.raises(InvalidTypeError, match="region must be a Ball"):
        certified_sup_error(f, SO(2), FiniteSet(3), lipschitz=1.0)
    with pytest.raises(InvalidValueError, match="no certified net of SO\\(4\\)"):
        certified_sup_error(f, SO(4), Ball(4), lipschitz=1.0)
    with pytest.raises(InvalidValueError, match="lipschitz_rho is required"):
        certified_sup_error(lambda xs: xs, SO(2), Ball(2), lipschitz=1.0,
                            rho=lambda g: g, resolution=4, group_resolution=4)
    with pytest.raises(InvalidValueError, match="Translations act on a Torus"):
        certified_sup_error(f, Translations(2), Ball(2), lipschitz=1.0)
    with pytest.raises(InvalidValueError, match="shape \\(N, 2\\)"):
        certified_sup_error(f, SO(3), Ball(2), points=np.ones((4, 3)), lipschitz=1.0)
    with pytest.raises(InvalidTypeError, match="transformation set"):
        certified_sup_error(f, "SO2", Ball(2), lipschitz=1.0)


# ----- data side ---------------------------------------------------------------------------------------
def test_data_side_closed_form_target_with_bounded_noise():
    """f*(x) = <a, x> on the unit disk under SO(2): ee_inf(f*) = 2 |a| (as above).  Labels with
    uniform noise in [-sigma, sigma]: the certificate over the disk is above 2 |a| and the
    certified lower estimate below it; noise-free labels on the sample give a tighter value."""
    rng = np.random.default_rng(7)
    X = rng.uniform(-1, 1, (12000, 2))
    X = X[np.linalg.norm(X, axis=1) <= 1]
    a = np.array([0.6, -0.8])
    sigma = 0.05
    y = X @ a + rng.uniform(-sigma, sigma, len(X))
    ub = certified_data_sup_error(X, y, SO(2), 0.08, lipschitz=1.0, noise=sigma, region=Ball(2, 1),
                                  group_resolution=32)
    assert ub.quantity == "data" and ub.symbol_name == "eta_d" and ub.scope == "region"
    assert ub.value >= 2.0 and ub.observed_max <= 2.0
    assert ub.value <= 2.0 + 4 * sigma + 0.08 + ub.details["x_term"] + ub.details["g_term"]
    exact = certified_data_sup_error(X, X @ a, SO(2), 0.08, lipschitz=1.0, group_resolution=32)
    sample_sup = np.max(np.abs(X @ a) + np.linalg.norm(X, axis=1))  # sup over g at the points
    assert exact.scope == "sample" and exact.value >= sample_sup - 1e-12


def test_data_side_exact_matches_on_an_orbit_closed_grid():
    """C_4 on a grid closed under C_4 with y = x_0 (no noise, exact matches, r_g = 0): the
    certificate over the sample is exactly the brute-force max of |(g x)_0 - x_0|."""
    g1 = (np.arange(30) + 0.5) / 15 - 1
    X = np.stack(np.meshgrid(g1, g1), -1).reshape(-1, 2)
    G = Cyclic(4)
    brute = max(np.abs((X @ g.T)[:, 0] - X[:, 0]).max() for g in G.elements())
    ub = certified_data_sup_error(X, X[:, 0], G, 1e-9, lipschitz=1.0)
    assert ub.value == pytest.approx(brute, rel=1e-9) and ub.observed_max == pytest.approx(brute)
    with pytest.raises(InvalidValueError, match="no data point matched"):
        certified_data_sup_error(X + 0.01, X[:, 0], Cyclic(3), 1e-6, lipschitz=1.0)


def test_top_level_names_and_alias():
    assert sb.certified_sup_error is certified_sup_error
    assert sb.certified_data_sup_error is certified_data_sup_error
    assert sb.DataEquivarianceError is sb.DataEquivarianceEstimate
    assert hasattr(sb.EquivarianceErrorEstimate, "sup_upper_bound")


def test_data_side_adversarial_noise_and_matching_bias_are_paid_for():
    """C_2 (g = -I), f*(x) = <a, x>: e*(x, -I) = 2 |<a, x>|, sup over the sample 2 max |<a, x_i>|.
    (1) Noise xi_i = -sigma sign(<a, x_i>) on an orbit-closed sample shrinks every matched label
    difference to 2 |<a, x>| - 2 sigma: only the 2 sigma term restores the sup.  (2) Partners
    displaced by t a/|a| sign(<a, p>) (noise-free) shrink it to 2 |<a, p>| - t |a|: only the
    matching term L d restores it."""
    rng = np.random.default_rng(10)
    a = np.array([0.8, 0.6])
    P = rng.uniform(-1, 1, (60, 2))
    P = P[np.abs(P @ a) > 0.2]
    X = np.concatenate([P, -P])
    sigma = 0.05
    y = X @ a - sigma * np.sign(X @ a)
    true = 2 * np.max(np.abs(X @ a))
    ub = certified_data_sup_error(X, y, Cyclic(2), 1e-9, lipschitz=1.0, noise=sigma)
    assert ub.value >= true and ub.observed_max <= true
    t = 0.03
    Q = -P + t * np.sign(P @ a)[:, None] * a
    X2 = np.concatenate([P, Q])
    ub = certified_data_sup_error(X2, X2 @ a, Cyclic(2), 0.05, lipschitz=1.0)
    assert ub.value >= 2 * np.max(np.abs(X2 @ a)) - 1e-12


def test_data_estimate_sup_upper_bound_matches_the_function():
    """DataEquivarianceEstimate.sup_upper_bound is certified_data_sup_error on its own sample."""
    g1 = (np.arange(24) + 0.5) / 12 - 1
    X = np.stack(np.meshgrid(g1, g1), -1).reshape(-1, 2)
    est = sb.data_equivariance_error(X, X[:, 0], Cyclic(4), radius=1e-9, seed=0)
    ub = est.sup_upper_bound(lipschitz=1.0)
    ref = certified_data_sup_error(X, X[:, 0], Cyclic(4), 1e-9, lipschitz=1.0)
    assert ub.value == ref.value and ub.quantity == "data"
    assert ub.value == pytest.approx(2 * np.max(np.abs(X[:, 0])), rel=1e-10)  # g = -I (rounded up)
