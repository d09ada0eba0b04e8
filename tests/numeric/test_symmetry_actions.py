"""Group actions of the symmetry tests (symbound.numeric.symmetry_actions): canonicalization,
orbit means, random transforms, the one routing point of every action."""

import itertools

import numpy as np
import pytest

from symbound.errors import InvalidTypeError, InvalidValueError
from symbound.groups import (O, SO, Cyclic, Dihedral, PartialRotations, Symmetric, Translations,
                             TransformationSet)
from symbound.numeric import symmetry_actions as A

GROUPS_AND_SHAPES = [
    (SO(3), (3,)), (SO(3), (4, 3)), (O(3), (3,)), (SO(4), (4,)), (O(2), (2,)), (SO(2), (2,)),
    (SO(2, dim=3, plane=(0, 2)), (3,)), (O(2, dim=3, plane=(1, 2)), (2, 3)), (Cyclic(4), (2,)),
    (Dihedral(3), (5, 2)), (Symmetric(5, axis=-1), (5,)), (Symmetric(4), (4, 2)),
    (Symmetric(10, axis=-1), (10,)), (Translations(2, period=2.0), (2,)),
    (Translations(2), (3, 2)),
]


def _random_elements(group, count, rng):
    return group.sample(count, rng)


@pytest.mark.parametrize("group, shape", GROUPS_AND_SHAPES, ids=lambda v: str(v))
def test_canonicalize_reconstructs_and_is_orbit_invariant(group, shape):
    rng = np.random.default_rng(3)
    x = rng.uniform(0.05, 0.95, (40,) + shape) if group.action == "translation" else \
        rng.standard_normal((40,) + shape)
    gamma, tau = A.canonicalize(group, x, np.random.default_rng(0))
    back = A.act(group, tau, gamma)
    if group.action == "translation":  # equal on the torus
        d = np.abs(back - x)
        d = np.minimum(d, group.period - d)
        assert np.max(d) < 1e-12
    else:
        np.testing.assert_allclose(back, x, atol=1e-12)
    # the representative is a function of the orbit: move every sample by a random element
    gx = A.act(group, _random_elements(group, 40, rng), x)
    gamma2, _ = A.canonicalize(group, gx, np.random.default_rng(1))
    if group.action == "translation":
        d = np.abs(gamma2 - gamma)
        d = np.minimum(d, group.period - d)
        assert np.max(d) < 1e-12
    else:
        np.testing.assert_allclose(gamma2, gamma, atol=1e-10)
    if group.action == "linear":  # tau is an element of the group
        assert all(group.contains(t, atol=1e-9) for t in tau)


def test_canonicalize_rotation_is_uniform_on_the_coset():
    """SO(3) on one vector x: tau e1 = x/|x| always; the other columns are uniform on the circle
    orthogonal to x (stabilizer SO(2)), so their mean over draws is ~0 (sd 1/sqrt(2 * 4000))."""
    x = np.tile([[1.0, 2.0, -0.5]], (4000, 1))
    gamma, tau = A.canonicalize(SO(3), x, np.random.default_rng(5))
    np.testing.assert_allclose(tau[:, :, 0], np.tile(x[0] / np.linalg.norm(x[0]), (4000, 1)),
                               atol=1e-12)
    np.testing.assert_allclose(gamma[:, 0], np.linalg.norm(x[0]), rtol=1e-12)
    np.testing.assert_allclose(gamma[:, 1:], 0.0, atol=1e-12)
    assert np.max(np.abs(tau[:, :, 1:].mean(axis=0))) < 5 / np.sqrt(2 * 4000)
    assert np.allclose(np.linalg.det(tau), 1.0)


def test_canonicalize_ties_are_broken_at_random():
    """A point on the reflection axis of D_k (x = (1, 0)) is fixed by a reflection: both the
    identity and the reflection are valid inversions and each is drawn about half the time."""
    G = Dihedral(4)
    x = np.tile([[1.0, 0.0]], (2000, 1))
    gamma, tau = A.canonicalize(G, x, np.random.default_rng(2))
    np.testing.assert_allclose(A.act(G, tau, gamma), x, atol=1e-12)
    distinct = {tuple(np.round(t, 6).ravel()) for t in tau}
    assert len(distinct) == 2
    first = np.all(np.abs(tau - tau[0]) < 1e-9, axis=(1, 2)).mean()
    assert 0.45 < first < 0.55


@pytest.mark.parametrize("group, shape", [
    (Cyclic(3, dim=3, plane=(0, 1)), (3,)), (Dihedral(3), (2, 2)), (Symmetric(4, axis=-1), (4,)),
    (Symmetric(3), (3, 2)), (Cyclic(4), (2,)),
])
def test_orbit_mean_equals_the_average_over_the_enumerated_orbit(group, shape):
    """Reference: group.apply over every element (its own code path), averaged."""
    x = np.random.default_rng(0).standard_normal((7,) + shape)
    ref = group.apply(group.elements(), x).mean(axis=0).reshape(7, -1)
    np.testing.assert_allclose(A.orbit_mean(group, x), ref, atol=1e-12)


def test_orbit_mean_of_continuous_groups_matches_monte_carlo():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 3))
    for G in (SO(3), O(3), SO(2, dim=3, plane=(0, 2))):
        mc = G.apply(G.sample(40000, rng), x).mean(axis=0)
        np.testing.assert_allclose(A.orbit_mean(G, x), mc.reshape(3, -1), atol=0.03)
    T = Translations(2, period=3.0)
    pts = rng.uniform(0, 3, (3, 2))
    f = A.kernel_features(T, T.apply(T.sample(40000, rng), pts).reshape(-1, 2))
    np.testing.assert_allclose(f.reshape(40000, 3, 4).mean(axis=0), A.orbit_mean(T, pts),
                               atol=0.03)
    assert A.orbit_mean(PartialRotations(0.3), x[:, :2]) is None


def test_translation_features_make_shifts_isometries():
    """The chordal embedding: |f(x + t) - f(y + t)| = |f(x) - f(y)|, and it approximates the
    torus distance for close points."""
    T = Translations(3, period=2.0)
    rng = np.random.default_rng(4)
    x, y = rng.uniform(0, 2, (2, 50, 3))
    t = rng.uniform(0, 2, (50, 3))
    d0 = np.linalg.norm(A.kernel_features(T, x) - A.kernel_features(T, y), axis=1)
    d1 = np.linalg.norm(A.kernel_features(T, A.act(T, t, x)) - A.kernel_features(T, A.act(T, t, y)),
                        axis=1)
    np.testing.assert_allclose(d0, d1, atol=1e-12)
    close = np.mod(x + 1e-4, 2.0)
    np.testing.assert_allclose(np.linalg.norm(A.kernel_features(T, close) - A.kernel_features(T, x),
                                              axis=1), 1e-4 * np.sqrt(3), rtol=1e-6)


@pytest.mark.parametrize("group, shape", [(SO(4), (4,)), (Symmetric(6, axis=-1), (6,)),
                                          (Symmetric(3), (3, 2)), (Dihedral(5), (2,)),
                                          (Translations(2), (2,))])
def test_random_transforms_are_counter_based_and_move_each_point_in_its_orbit(group, shape):
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (30,) + shape)
    full = A.random_transforms(group, x, 0, 6, 1234)
    split = np.concatenate([A.random_transforms(group, x, 0, 2, 1234),
                            A.random_transforms(group, x, 2, 4, 1234)])
    np.testing.assert_array_equal(full, split)
    assert not np.allclose(full[0], full[1])
    gamma, _ = A.canonicalize(group, x, np.random.default_rng(0))
    for c in range(6):
        g2, _ = A.canonicalize(group, full[c], np.random.default_rng(0))
        if group.action == "translation":
            d = np.abs(g2 - gamma)
            assert np.max(np.minimum(d, group.period - d)) < 1e-9
        else:
            np.testing.assert_allclose(g2, gamma, atol=1e-9)


def test_check_test_group_refuses_what_cannot_be_calibrated():
    with pytest.raises(InvalidValueError, match="not a group"):
        A.check_test_group(PartialRotations(0.5), need_group=True, purpose="t")
    with pytest.raises(InvalidValueError, match="not a group"):
        A.check_test_group(TransformationSet([np.eye(2), -np.eye(2)[::-1]], is_group=False),
                           need_group=True, purpose="t")
    a = np.array([[2.0, 0.0], [0.0, 1.0]])
    conj = TransformationSet([a @ r @ np.linalg.inv(a) for r in Cyclic(4).elements()])
    assert conj.is_group and not conj.is_isometric  # C_4 in skewed coordinates
    with pytest.raises(InvalidValueError, match="isometries"):
        A.check_test_group(conj, need_group=True, purpose="t")
    with pytest.raises(InvalidTypeError):
        A.check_test_group("SO(3)", need_group=True, purpose="t")
    A.check_test_group(PartialRotations(0.5), need_group=False, purpose="t")


def test_finite_elements_and_all_permutations():
    assert A.finite_elements(Symmetric(10, axis=-1)) is None
    assert A.finite_elements(SO(3)) is None
    e = A.finite_elements(Symmetric(3, axis=-1))
    assert sorted(map(tuple, e)) == sorted(itertools.permutations(range(3)))


class _PlainCircle(SO.__mro__[1]):  # the base class of SO(2), unknown to the compiled samplers
    """A transformation set outside the numeric registry: it only has ``sample`` and ``apply``,
    as a user-defined action would (the door left open for image actions)."""

    special = True

    def __init__(self):
        super().__init__(2)

    @property
    def name(self):
        return "PlainCircle"


def test_sets_without_compiled_samplers_fall_back_to_their_own_sampler():
    from symbound.numeric.symmetry_tests import equivariance_test, invariance_test

    G = _PlainCircle()
    with pytest.raises(InvalidTypeError):
        A.group_spec(G, "iid", 1)
    x = np.random.default_rng(0).standard_normal((30, 2))
    moved = A.random_transforms(G, x, 0, 3, 99)
    np.testing.assert_allclose(np.linalg.norm(moved, axis=2), np.tile(np.linalg.norm(x, axis=1),
                                                                      (3, 1)), rtol=1e-12)
    res = invariance_test(x + [1.5, 0.0], G, bandwidth=1.0, n_randomizations=99, seed=0)
    assert res.pvalue <= 0.05
    with pytest.raises(InvalidTypeError, match="canonicalization"):
        equivariance_test(x, x, G, "same")
