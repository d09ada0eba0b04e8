"""Groups acting on images and callable actions in the numeric layer (issue #11): every estimator
against a brute-force reference written with numpy.rot90 / numpy.flip / numpy.roll, or against the
dense-matrix workaround they replace."""

from __future__ import annotations

import math

import numpy as np
import pytest

import symbound as sb
from symbound.errors import InvalidValueError
from symbound.groups import Action, Cyclic, Dihedral, TransformationSet

from .models import njit_cloud, njit_misbehaves


def d4(x, j: int):
    """Element j of D_4 on images by numpy: rot90 by j % 4 quarter turns, after a row flip when
    j >= 4 (the order of Dihedral(4, action="image").elements())."""
    y = np.flip(x, axis=-2) if j >= 4 else x
    return np.rot90(y, j % 4, axes=(-2, -1))


def dense_d4(H: int) -> np.ndarray:
    """The eight (H^2 x H^2) permutation matrices of D_4, built from numpy.rot90 of an index image."""
    idx = np.arange(H * H).reshape(H, H)
    mats = np.zeros((8, H * H, H * H))
    for j in range(8):
        src = d4(idx, j).ravel()          # output pixel p takes input pixel src[p]
        mats[j, np.arange(H * H), src] = 1.0
    return mats


def shifts(n: int, **kw) -> Action:
    return Action(lambda g, x: np.roll(x, int(g), axis=-1), elements=np.arange(n),
                  compose=lambda a, b: (a + b) % n, isometric=True, **kw)


@pytest.fixture(scope="module")
def images():
    rng = np.random.default_rng(11)
    return rng.normal(size=(40, 2, 5, 5))


# ----- equivariance_error ---------------------------------------------------------------------


@pytest.mark.parametrize("p", [1.0, 2.0, 3.0])
def test_equivariance_error_on_images_equals_brute_force(images, p):
    f = lambda xs: xs[:, 0, 0, :2] * np.array([1.0, -2.0]) + xs[:, 1, 4, 3:5] ** 2
    G = Dihedral(4, action="image")
    est = sb.equivariance_error(f, G, images, p=p, seed=0)
    f0 = f(images)
    e = np.array([[np.linalg.norm(f(d4(x[None], j))[0] - f0[i]) for j in range(8)]
                  for i, x in enumerate(images)])
    assert est.n_group_samples == 8 and "exact enumeration" in est.sampling
    assert est.value == pytest.approx(np.mean(e ** p) ** (1 / p), rel=1e-12)
    assert est.max_observed == pytest.approx(e.max(), rel=1e-12)
    i, k = est.argmax
    assert e[i, k] == pytest.approx(e.max(), rel=1e-12)
    np.testing.assert_array_equal(est.worst_element, G.elements()[k])


def test_rho_same_rotates_output_maps(images):
    """Segmentation-style outputs: rho="same" rotates the output maps.  A pixelwise map is exactly
    equivariant; a map shifted by one column is not, and its error is the brute-force one."""
    G = Dihedral(4, action="image")
    pixelwise = lambda xs: np.tanh(xs[:, 0]) * xs[:, 1]                 # (batch, 5, 5)
    assert sb.equivariance_error(pixelwise, G, images, rho="same", seed=0).value < 1e-15
    two_maps = lambda xs: np.stack([xs[:, 0] ** 2, xs[:, 1]], axis=1)   # (batch, 2, 5, 5)
    assert sb.equivariance_error(two_maps, G, images, rho="same", seed=0).value < 1e-15
    shifted = lambda xs: np.roll(xs[:, 0], 1, axis=-1)
    est = sb.equivariance_error(shifted, G, images, rho="same", seed=0)
    ref = np.sqrt(np.mean([np.sum((shifted(d4(x[None], j)) - d4(shifted(x[None]), j)) ** 2)
                           for x in images for j in range(8)]))
    assert est.value == pytest.approx(ref, rel=1e-12)
    # invariance would differ: the map moves with the input
    assert sb.equivariance_error(pixelwise, G, images, seed=0).value > 0.1
    with pytest.raises(InvalidValueError, match="maps"):
        sb.equivariance_error(lambda xs: xs[:, 0, 0, :3], G, images, rho="same")
    with pytest.raises(InvalidValueError, match="square"):
        sb.equivariance_error(lambda xs: xs[:, 0, :, :4], G, images, rho="same")


def test_callable_rho_matrices_on_image_elements(images):
    """rho as a callable on the elements (the 2 x 2 matrices): a vector field's output rotates with
    the image.  f(x) = (mean gradient along columns, along rows) is exactly equivariant."""
    def grad(xs):
        gx = (xs[..., :, 2:] - xs[..., :, :-2]).mean(axis=(1, 2, 3))   # d/dcolumn: +x
        gy = -(xs[..., 2:, :] - xs[..., :-2, :]).mean(axis=(1, 2, 3))  # -d/drow: +y
        return np.stack([gx, gy], axis=1)
    G = Dihedral(4, action="image")
    est = sb.equivariance_error(grad, G, images, rho=lambda M: M, seed=0)
    assert est.value < 1e-14
    assert sb.equivariance_error(grad, G, images, seed=0).value > 0.01


def test_fused_path_on_images_equals_batched():
    """An njit model of one image (3 x 3: njit_cloud reads rows as points, compiled by the orbit
    tests for the same argument types) on the fused path: index maps inside the kernel."""
    X = np.random.default_rng(19).normal(size=(30, 3, 3))
    G = Cyclic(4, action="image")
    a = sb.equivariance_error(njit_cloud, G, X, seed=0, method="fused")
    b = sb.equivariance_error(njit_cloud, G, X, seed=0, method="batched")
    assert a.path == "fused" and b.path == "batched"
    assert a.value == pytest.approx(b.value, rel=1e-13)
    assert np.allclose(a.per_point, b.per_point, rtol=1e-13)
    ref = np.sqrt(np.mean([np.sum((njit_cloud(np.ascontiguousarray(d4(x, j))) - njit_cloud(x)) ** 2)
                           for x in X for j in range(4)]))
    assert a.value == pytest.approx(ref, rel=1e-12)


def test_iid_sampling_of_an_image_group_is_batch_invariant(images):
    G = Dihedral(4, action="image")
    f = lambda xs: xs[:, 0, 1, :3]
    a = sb.equivariance_error(f, G, images, seed=3, sampling="iid", n_group_samples=5)
    b = sb.equivariance_error(f, G, images, seed=3, sampling="iid", n_group_samples=5,
                              batch_size=7)
    assert a.n_group_samples == 5 and a.value == b.value
    assert G.contains(a.worst_element)


# ----- symmetrize -------------------------------------------------------------------------------


def test_symmetrize_on_images_is_the_brute_force_average(images):
    G = Dihedral(4, action="image")
    f = lambda xs: xs[:, 0, 0, :3] + xs[:, 1, 2, 1:4] ** 3
    Q = sb.symmetrize(f, G)
    assert Q.method == "exact" and Q.is_exact and len(Q.elements) == 8
    ref = np.mean([f(d4(images, j)) for j in range(8)], axis=0)
    np.testing.assert_allclose(Q(images), ref, rtol=1e-13, atol=1e-14)
    # rho = "same": Q f(x) = mean_g g^{-1} f(g x), with f a map (batch, 5, 5)
    fm = lambda xs: np.roll(xs[:, 0], 1, axis=-1) * xs[:, 1]
    Qm = sb.symmetrize(fm, G, rho="same")
    inv = [0, 3, 2, 1, 4, 5, 6, 7]  # inverses in D_4 (rotations by -j; reflections are involutions)
    ref = np.mean([d4(fm(d4(images, j)), inv[j]) for j in range(8)], axis=0)
    out = Qm(images)
    assert out.shape == (40, 5, 5)
    np.testing.assert_allclose(out, ref, rtol=1e-13, atol=1e-14)
    assert sb.equivariance_error(Qm, G, images, rho="same", seed=0).value < 1e-14


# ----- data_equivariance_error ---------------------------------------------------------------------


def _symmetric_images(rng, n_base=12, H=6):
    base = rng.normal(size=(n_base, H, H))
    X = np.concatenate([d4(base, j) for j in range(8)])
    return X


def test_data_equivariance_error_on_images_equals_the_dense_workaround():
    """The image action and the dense 36 x 36 permutation matrices (built here from numpy.rot90)
    give the same estimates: same elements in the same order, same matches, same MMD draws."""
    rng = np.random.default_rng(12)
    X = _symmetric_images(rng)
    y = (X ** 2).mean(axis=(1, 2)) + 0.3 * X[:, 0, :].sum(axis=1)   # not invariant
    G = Dihedral(4, action="image")
    a = sb.data_equivariance_error(X, y, G, radius=1e-9, seed=0)
    b = sb.data_equivariance_error(X.reshape(len(X), -1), y, TransformationSet(dense_d4(6)),
                                   radius=1e-9, seed=0)
    assert a.coverage == b.coverage == 1.0 and a.exhaustive
    assert a.value == pytest.approx(b.value, rel=1e-13) and a.value > 0.1
    assert a.max_observed == pytest.approx(b.max_observed, rel=1e-13)
    assert a.mmd == pytest.approx(b.mmd, rel=1e-10, abs=1e-12)
    # the functional part by brute force: g x_i is an exact data point
    flat = X.reshape(len(X), -1)
    e2 = []
    for j in range(8):
        gx = d4(X, j).reshape(len(X), -1)
        match = np.argmin(((gx[:, None, :] - flat[None]) ** 2).sum(-1), axis=1)
        e2.append((y[match] - y) ** 2)
    assert a.value == pytest.approx(np.sqrt(np.mean(e2)), rel=1e-12)


def test_data_equivariance_error_rho_same_on_label_maps():
    rng = np.random.default_rng(13)
    X = _symmetric_images(rng)
    G = Dihedral(4, action="image")
    y_eq = np.tanh(X)                       # label maps that move with the image
    assert sb.data_equivariance_error(X, y_eq, G, radius=1e-9, rho="same", seed=0).value < 1e-14
    y_fixed = np.tanh(X) * np.linspace(0, 1, 6)[None, None, :]  # a fixed column weight breaks it
    r = sb.data_equivariance_error(X, y_fixed, G, radius=1e-9, rho="same", seed=0)
    assert r.value > 0.05


# ----- empirical covering -------------------------------------------------------------------------


@pytest.mark.parametrize("metric", ["euclidean", "sup"])
def test_covering_with_images_equals_the_dense_workaround(metric):
    rng = np.random.default_rng(14)
    X = np.concatenate([_symmetric_images(rng, 10, 4), rng.normal(size=(30, 4, 4))])
    X = X + 0.05 * rng.normal(size=X.shape)
    G = Dihedral(4, action="image")
    a = sb.empirical_covering_number(X, 0.8, group=G, metric=metric)
    b = sb.empirical_covering_number(X.reshape(len(X), -1), 0.8,
                                     group=TransformationSet(dense_d4(4)), metric=metric)
    assert np.array_equal(a.centers, b.centers) and np.array_equal(a.assignment, b.assignment)
    np.testing.assert_allclose(a.distance, b.distance, rtol=1e-12, atol=1e-12)
    assert a.covering_lower_at_half_eps == a.n_centers and a.exact_metric
    assert a.n_centers < a.n_centers_plain


# ----- certified sups -------------------------------------------------------------------------------


def test_certified_sup_on_images_is_the_exact_maximum(images):
    G = Dihedral(4, action="image")
    f = lambda xs: xs[:, 0, 0, :2] ** 2
    ub = sb.certified_sup_error(f, G, points=images, lipschitz=1.0)
    f0 = f(images)
    ref = max(np.linalg.norm(f(d4(images, j)) - f0, axis=1).max() for j in range(8))
    assert ub.scope == "sample" and ub.details["r_g"] == 0.0
    assert ref <= ub.value <= ref * (1 + 2.0 ** -39)
    with pytest.raises(InvalidValueError, match="points="):
        sb.certified_sup_error(f, G, sb.Cube(25), lipschitz=1.0)
    est = sb.equivariance_error(f, G, images, seed=0)
    ub2 = est.sup_upper_bound(lipschitz=1.0)
    assert ref <= ub2.value <= ref * (1 + 2.0 ** -39)


def test_certified_data_sup_on_images():
    rng = np.random.default_rng(15)
    X = _symmetric_images(rng)
    y = X[:, 0, :].sum(axis=1)
    G = Dihedral(4, action="image")
    ub = sb.certified_data_sup_error(X, y, G, 1e-9, lipschitz=1.0)
    flat = X.reshape(len(X), -1)
    ref = 0.0
    for j in range(8):
        gx = d4(X, j).reshape(len(X), -1)
        match = np.argmin(((gx[:, None, :] - flat[None]) ** 2).sum(-1), axis=1)
        ref = max(ref, np.abs(y[match] - y).max())
    assert ref <= ub.value <= ref * (1 + 2.0 ** -38) + 1e-9


# ----- callable actions -----------------------------------------------------------------------------


def test_action_equivariance_error_equals_brute_force():
    rng = np.random.default_rng(16)
    X = rng.normal(size=(30, 7))
    f = lambda xs: np.stack([xs[:, 0] - xs[:, 3], xs.sum(axis=1)], axis=1)
    est = sb.equivariance_error(f, shifts(7), X, seed=0)
    ref = np.sqrt(np.mean([np.sum((f(np.roll(X, g, axis=-1)) - f(X)) ** 2, axis=1)
                           for g in range(7)]))
    assert est.n_group_samples == 7 and est.value == pytest.approx(ref, rel=1e-12)
    # rho="same": the cyclic autocorrelation-free map x -> roll(x, 2) commutes with every shift
    assert sb.equivariance_error(lambda xs: np.roll(xs, 2, -1) ** 3, shifts(7), X, rho="same",
                                 seed=0).value < 1e-15


def test_action_agrees_with_its_permutation_matrices():
    """Shifts as an Action and as a TransformationSet of shift matrices: the same data estimate,
    the same covering net, the same symmetrized model."""
    rng = np.random.default_rng(17)
    base = rng.normal(size=(10, 6))
    X = np.concatenate([np.roll(base, g, axis=-1) for g in range(6)]) + 1e-3 * rng.normal(size=(60, 6))
    y = X[:, 0] + (X ** 2).sum(axis=1)
    mats = np.stack([np.roll(np.eye(6), g, axis=0) for g in range(6)])  # (M x) = roll(x, g)
    TS = TransformationSet(mats)
    A = shifts(6)
    a = sb.data_equivariance_error(X, y, A, radius=0.05, seed=0)
    b = sb.data_equivariance_error(X, y, TS, radius=0.05, seed=0)
    assert a.value == pytest.approx(b.value, rel=1e-12) and a.coverage == b.coverage
    assert a.mmd == pytest.approx(b.mmd, rel=1e-10)
    ca = sb.empirical_covering_number(X, 0.3, group=A)
    cb = sb.empirical_covering_number(X, 0.3, group=TS)
    assert np.array_equal(ca.centers, cb.centers) and ca.covering_lower_at_half_eps == ca.n_centers
    f = lambda xs: xs[:, 0] * xs[:, 1]
    np.testing.assert_allclose(sb.symmetrize(f, A)(X), sb.symmetrize(f, TS)(X), rtol=1e-13)


def test_sampled_action_is_batch_invariant_and_unbiased():
    """A sampled set: rescaling by cos t, t ~ U(0, 1).  f(x) = x_0: E_t (x_0 cos t - x_0)^2 =
    x_0^2 c with c = 3/2 - 2 sin 1 + sin(2)/4 (integral of (1 - cos t)^2 over [0, 1])."""
    rng = np.random.default_rng(18)
    X = rng.normal(size=(3000, 3))
    fn = lambda t, x: x * math.cos(float(t))
    A = Action(fn, sample=lambda n, r: r.uniform(0, 1, n), name="cos scaling")
    V = Action(lambda T, x: x * np.cos(T)[:, None], sample=lambda n, r: r.uniform(0, 1, n),
               vectorized=True)
    f = lambda xs: xs[:, 0]
    a = sb.equivariance_error(f, A, X[:200], seed=5, n_group_samples=8)
    b = sb.equivariance_error(f, A, X[:200], seed=5, n_group_samples=8, batch_size=13)
    v = sb.equivariance_error(f, V, X[:200], seed=5, n_group_samples=8)
    assert a.value == b.value == pytest.approx(v.value, rel=1e-14)
    c = 1.5 - 2 * math.sin(1) + math.sin(2) / 4
    est = sb.equivariance_error(f, V, X, seed=6, n_group_samples=16)
    target = math.sqrt(np.mean(X[:, 0] ** 2) * c)
    # the group sampling is the only noise left given X: well within 5 standard errors
    assert abs(est.value - target) < 5 * est.stderr
    with pytest.raises(InvalidValueError, match="exact"):
        sb.equivariance_error(f, A, X[:10], sampling="exact")
    with pytest.raises(InvalidValueError, match="certified net"):
        sb.certified_sup_error(f, A, points=X[:10], lipschitz=1.0)


def test_action_errors_name_the_element():
    X = np.ones((5, 4))
    bad = Action(lambda g, x: x[:, :3], elements=[0, 1])
    with pytest.raises(InvalidValueError, match="input's shape"):
        sb.equivariance_error(lambda xs: xs[:, 0], bad, X)
    with pytest.raises(InvalidValueError, match="fused"):
        sb.equivariance_error(njit_misbehaves, shifts(4), X, method="fused")
    with pytest.raises(InvalidValueError, match="group"):
        sb.symmetrize(lambda xs: xs[:, 0], Action(lambda g, x: x, elements=[1, 2]))


def test_symbolic_layer_refuses_image_and_callable_actions():
    with pytest.raises(InvalidValueError, match="numeric layer"):
        sb.quotient(sb.Cube(4), Cyclic(4, action="image"))
    with pytest.raises(InvalidValueError, match="numeric layer"):
        sb.quotient(sb.Ball(2), shifts(3))
    with pytest.raises(InvalidValueError, match="one-parameter"):
        sb.equivariance_error_curve(lambda xs: xs[:, 0, 0, 0], Cyclic(4, action="image"),
                                    np.ones((3, 1, 2, 2)), [0.0])
