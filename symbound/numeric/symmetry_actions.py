r"""Group actions for the symmetry tests (issue #13): the one place where a transformation set of
:mod:`symbound.groups` acts on data for :mod:`symbound.numeric.symmetry_tests` and
:mod:`symbound.numeric.asymmetry`.

Every use of a group there goes through the functions of this module:

* :func:`act` -- ``out[i] = g_i . x_i`` for given elements (one per sample);
* :func:`random_transforms` -- fresh iid draws ``g ~ lambda`` applied to every sample (the compiled
  counter-based samplers of :mod:`symbound.numeric.kernels`: reproducible for any chunking);
* :func:`sample_elements` -- iid draws ``g ~ lambda``, each then applied to the whole sample by
  :func:`act_all`;
* :func:`kernel_features` -- the vectors on which the Gaussian kernel is computed; the action is
  an isometry of them (the flattened sample; for ``Translations`` the chordal embedding of the
  torus, on which a shift acts by plane rotations);
* :func:`orbit_mean` -- ``E_{g ~ Haar} f(g x)`` in closed form (groups only);
* :func:`finite_elements` -- the elements of a finite set, for exact orbit averages;
* :func:`canonicalize` -- an orbit representative ``gamma(x)`` and an element ``tau(x)`` with
  ``x = tau(x) . gamma(x)``, drawn uniformly from the coset of such elements (the equivariance
  test).

A new kind of action plugs in by extending these functions; the tests themselves never touch an
element.

Images and callable actions.  An image group (``Cyclic(4, action="image")``,
``Dihedral(4, action="image")`` on arrays ``(n, H, W)`` or ``(n, C, H, W)``) and a callable
:class:`~symbound.groups.Action` act through the set's own ``apply`` / ``apply_each`` (pixel index
maps, or ``fn``); fresh draws come from the same counter-based samplers as the other sets (element
indices of a finite set, the Action's own sampler otherwise), so an image group gives exactly the
numbers of the linear group of the ``(H W) x (H W)`` permutation matrices of its elements, listed
in the same order, acting on the flattened images.  Every element permutes the pixels: the kernel
features are the flattened images.  An Action must be declared ``isometric=True`` (the tests'
Gaussian kernel must be invariant) and be a group (``compose=`` on a finite set, whose identity
and inverses are then found) for the tests that need one; its orbit mean, hence the median
bandwidth, has a closed form only for a finite set (the mean over the elements).

Canonicalization (:func:`canonicalize`)
----------------------------------------
* SO(m) / O(m) on R^m (also SO(2) / O(2) on a coordinate plane): the frame ``tau`` has as first
  columns the Gram-Schmidt vectors of the sample's points taken in order (each point of a cloud
  rotated alike); the remaining ``m - r`` columns (r the rank of the points) are a Haar-random
  orthonormal frame of the orthogonal complement (QR of a Gaussian matrix with positive diagonal,
  Mezzadri 2007); for SO(m) the last column is flipped when ``det < 0``.  Then
  ``gamma = tau^T x``.  Gram-Schmidt commutes with rotations, so ``gamma(g x) = gamma(x)`` and
  ``tau(g x) = g tau(x)`` in law: ``tau`` is uniform on ``{h : h gamma = x}`` (the stabilizer of a
  rank-r configuration is SO(m - r) / O(m - r) on the complement).
* finite groups acting linearly, on images or by a callable: the orbit ``{g x}`` is enumerated and
  ``gamma`` is the orbit point with the largest value of a fixed generic linear functional; ties
  (equal values within 1e-9 relative: the stabilizer) are broken uniformly at random.
* ``Symmetric``: ``gamma`` sorts the permuted axis (coordinates in decreasing order; points by a
  fixed generic linear functional), ties broken uniformly at random.
* ``Translations`` (transitive on the torus): ``gamma`` moves the first point to the origin.
"""

from __future__ import annotations

import numpy as np

from ..errors import InvalidTypeError, InvalidValueError
from ..groups import O, SO
from ..groups._base import TransformationSetBase
from ._checks import as_float_array, check_group_matches
from .group_samples import MAX_EXACT_ORDER, group_samples, group_spec

__all__ = [
    "check_test_group", "data_array", "act", "act_all", "random_transforms", "sample_elements",
    "kernel_features", "orbit_mean",
    "finite_elements", "canonicalize", "inverse_elements",
]

#: a fixed generic direction for the canonical choices of finite groups (a function of nothing
#: but the data's size, so that ``gamma`` is a function of the orbit)
_GENERIC_SEED = 0x5EED_0001


def check_test_group(group, *, need_group: bool, purpose: str) -> None:
    """Refuse what a test or estimate of ``purpose`` cannot use: a non-transformation set, a set
    that is not a group (``need_group``) or a set acting by non-isometries."""
    if not isinstance(group, TransformationSetBase):
        raise InvalidTypeError(
            f"group must be a transformation set of symbound.groups, got {type(group).__name__}")
    if need_group and not group.is_group:
        raise InvalidValueError(
            f"{purpose} needs a group with its Haar measure for its calibration, got {group.name}, "
            "which is not a group: invariance under every element of a set S is invariance under "
            "the closed group S generates (e.g. SO(2) or SO(3) for partial rotations): test that "
            "group; to measure how far the data are from S-invariant use "
            "symbound.numeric.asymmetry.distributional_asymmetry")
    if group.action == "callable" and not group.is_isometric:
        raise InvalidValueError(
            f"{purpose} needs a set acting by isometries (its Gaussian kernel must be invariant), "
            f"got {group.name}, not declared isometric: pass isometric=True to Action if fn "
            "preserves Euclidean distances (rotations by quarter turns, flips, shifts, "
            "permutations do; interpolated rotations do not)")
    if not getattr(group, "is_isometric", True):
        raise InvalidValueError(
            f"{purpose} needs a set acting by isometries (its Gaussian kernel must be invariant), "
            f"got {group.name} with non-orthogonal elements; change coordinates so that the set "
            "acts orthogonally")


def data_array(name: str, X, group, min_samples: int = 2) -> np.ndarray:
    """``X`` as a float array with a sample axis first and the shape the group acts on."""
    x = as_float_array(name, X, min_ndim=2)
    if x.shape[0] < min_samples:
        raise InvalidValueError(f"{name} must contain at least {min_samples} samples, got shape "
                                f"{x.shape}")
    check_group_matches(name, x, group)
    return x


def _perm_axis(group, ndim: int) -> int:
    return ndim + int(getattr(group, "axis", -2))


def _own_action(group) -> bool:
    """Whether the set acts through its own ``apply`` / ``apply_each`` (images, callables)."""
    return group.action in ("image", "callable")


def act(group, elements: np.ndarray, X: np.ndarray) -> np.ndarray:
    """``out[i] = elements[i] . X[i]``: one element per sample (the group's numeric representation:
    (N, n, n) matrices, (N, n) int permutations, (N, n) shifts, (N, 2, 2) matrices of an image
    group, an Action's elements)."""
    if _own_action(group):
        return group.apply_each(elements, X)
    if group.action == "linear":
        return np.einsum("nij,n...j->n...i", elements, X, optimize=True)
    if group.action == "translation":
        shift = elements.reshape((elements.shape[0],) + (1,) * (X.ndim - 2) + (group.n,))
        return np.mod(X + shift, group.period)
    if group.action == "permutation":
        ax = _perm_axis(group, X.ndim)
        idx = np.asarray(elements, dtype=np.int64).reshape(
            (elements.shape[0],) + (1,) * (ax - 1) + (group.n,) + (1,) * (X.ndim - ax - 1))
        return np.take_along_axis(X, np.broadcast_to(idx, X.shape), axis=ax)
    raise InvalidTypeError(f"no action {group.action!r} for {group.name}")


def act_all(group, element: np.ndarray, X: np.ndarray) -> np.ndarray:
    """``out[i] = element . X[i]``: one element acting on every sample."""
    return act(group, np.broadcast_to(element, (X.shape[0],) + np.shape(element)), X)


def sample_elements(group, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` iid draws from the set's measure lambda (numeric representation)."""
    try:
        return group_samples(group, count, rng, method="iid").elements
    except InvalidTypeError:  # no compiled sampler: the set's own reference sampler
        return group.sample(count, rng)


def inverse_elements(group, elements: np.ndarray) -> np.ndarray:
    """The inverse of each element (orthogonal matrices: the transpose)."""
    if group.action == "linear" and getattr(group, "is_isometric", True):
        return np.swapaxes(elements, -1, -2)
    return group.inverse(elements)


def random_transforms(group, X: np.ndarray, start: int, count: int, key) -> np.ndarray:
    """Copies ``start .. start + count - 1`` of the sample, each point moved by its own fresh
    ``g ~ lambda`` (iid): an array ``(count, N, *X.shape[1:])``.

    Copy c of point i uses the counter stream of index ``c N + i`` of ``key`` (so any split of the
    copies into calls gives the same numbers; an Action's own sampler is seeded by the same index).
    Sets without a compiled sampler fall back to their own ``sample`` method with a generator
    seeded by ``(key, start)``.
    """
    N = X.shape[0]
    flat = np.ascontiguousarray(X.reshape(N, -1))
    L = flat.shape[1]
    try:
        spec = group_spec(group, "iid", 1).for_input(X.shape[1:])
    except InvalidTypeError:
        rng = np.random.default_rng([int(key), int(start)])
        elems = group.sample(count * N, rng)
        tiled = np.tile(X, (count,) + (1,) * (X.ndim - 1))
        return act(group, elems, tiled).reshape((count,) + X.shape)
    tiled = np.tile(flat, (count, 1))
    out_e = np.empty((count * N, spec.esize))
    out_x = np.empty((count * N, L))
    spec.transform(np.uint64(key), int(start) * N, tiled, out_e, out_x)
    return out_x.reshape((count,) + X.shape)


def kernel_features(group, X: np.ndarray) -> np.ndarray:
    """The flat vectors ``f(x)`` on which the Gaussian kernel is computed, ``(N, L)``.

    The sample itself, flattened, except for ``Translations``: the chordal embedding
    ``x -> (p / 2 pi) (cos(2 pi x / p), sin(2 pi x / p))`` of the torus (a shift rotates each
    coordinate's plane, so the Gaussian kernel of the embedding is shift-invariant; it is the
    product of von Mises kernels, positive definite and characteristic on the torus).
    """
    N = X.shape[0]
    flat = X.reshape(N, -1)
    if group.action == "translation":
        p = group.period
        th = (2.0 * np.pi / p) * flat
        return np.ascontiguousarray(np.concatenate([np.cos(th), np.sin(th)], axis=1)
                                    * (p / (2.0 * np.pi)))
    return np.ascontiguousarray(flat)


def finite_elements(group, max_order: int = MAX_EXACT_ORDER) -> np.ndarray | None:
    """All elements of a finite set of order <= ``max_order`` (numeric representation), or None."""
    if not group.is_finite or group.order is None or group.order > max_order:
        return None
    try:
        return group.elements()
    except InvalidValueError:  # e.g. Symmetric(n) for n > 8
        return None


def orbit_mean(group, X: np.ndarray) -> np.ndarray | None:
    r"""``E_{g ~ Haar} f(g x)`` for every sample, flattened ``(N, L)`` like :func:`kernel_features`,
    in closed form; None when the set is not a group or has no closed form.

    SO(m) / O(m) on all of R^m (m >= 2), and the chordal torus coordinates: 0 (no nonzero vector is
    fixed by the whole group); SO(2) / O(2) on a plane of R^dim: the plane coordinates set to 0;
    ``Symmetric``: the mean over the permuted axis; finite matrix groups: the mean of the
    enumerated elements applied to x (exact); finite image groups and Actions: the mean of the
    transformed copies (exact); an infinite Action: None.
    """
    if not group.is_group:
        return None
    N = X.shape[0]
    if _own_action(group):
        elems = finite_elements(group)
        if elems is None:
            return None
        total = np.zeros((N, X[0].size))
        for e in elems:
            total += act_all(group, e, X).reshape(N, -1)
        return total / elems.shape[0]
    if group.action == "translation":
        return np.zeros((N, 2 * X[0].size))
    if group.action == "permutation":
        ax = _perm_axis(group, X.ndim)
        return np.broadcast_to(X.mean(axis=ax, keepdims=True), X.shape).reshape(N, -1).copy()
    elems = finite_elements(group)
    if elems is not None:
        pbar = elems.mean(axis=0)
        return np.einsum("ij,n...j->n...i", pbar, X, optimize=True).reshape(N, -1)
    if isinstance(group, (SO, O)):
        if group.degree == group.n:
            return np.zeros((N, X[0].size))
        out = X.copy()
        i, j = group.plane
        out[..., i] = 0.0
        out[..., j] = 0.0
        return out.reshape(N, -1)
    return None


# ----- canonicalization ---------------------------------------------------------------------------
def _generic_direction(L: int) -> np.ndarray:
    return np.random.default_rng(_GENERIC_SEED).standard_normal(L)


def _pick_ties(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Row-wise argmax of ``values`` (N, G), ties (within 1e-9 relative) broken uniformly."""
    vmax = values.max(axis=1, keepdims=True)
    scale = np.abs(values).max(axis=1, keepdims=True) + 1e-300
    ties = values >= vmax - 1e-9 * scale
    u = rng.random(values.shape)
    return np.argmax(np.where(ties, u + 1.0, 0.0), axis=1)


def _haar_complement(U: np.ndarray, r: np.ndarray, rng: np.random.Generator) -> None:
    """Fill columns ``r_i ..`` of each frame ``U[i]`` (first ``r_i`` columns orthonormal, the rest
    zero) with a Haar-random orthonormal frame of the orthogonal complement, in place."""
    N, m, _ = U.shape
    for rk in np.unique(r):
        rk = int(rk)
        if rk >= m:
            continue
        idx = np.flatnonzero(r == rk)
        # Householder QR of [u_1 .. u_r | Gaussian]: the last m - r columns of Q (signs fixed so
        # that diag R > 0) are Gram-Schmidt of the Gaussian columns projected on the complement,
        # a Haar frame of it, orthogonal to the u's to rounding whatever the Gaussian draw
        Gm = np.concatenate([U[idx, :, :rk], rng.standard_normal((idx.size, m, m - rk))], axis=2)
        Q, R = np.linalg.qr(Gm)
        sgn = np.sign(np.diagonal(R, axis1=1, axis2=2))
        sgn[sgn == 0] = 1.0
        U[idx, :, rk:] = (Q * sgn[:, None, :])[:, :, rk:]


def _frames(P: np.ndarray, special: bool, rng: np.random.Generator) -> np.ndarray:
    """Uniform random frames ``tau`` (N, m, m) with Gram-Schmidt of the points ``P`` (N, k, m) as
    first columns (see the module docstring)."""
    N, k, m = P.shape
    U = np.zeros((N, m, m))
    r = np.zeros(N, dtype=np.int64)
    scale = np.abs(P).reshape(N, -1).max(axis=1) if P.size else np.zeros(N)
    rows = np.arange(N)
    for p in range(k):
        v = P[:, p, :].copy()
        for _ in range(2):
            v -= np.einsum("nac,nc->na", U, np.einsum("nac,na->nc", U, v))
        nv = np.linalg.norm(v, axis=1)
        ok = (nv > 1e-10 * scale) & (r < m) & (scale > 0)
        if np.any(ok):
            U[rows[ok], :, r[ok]] = v[ok] / nv[ok, None]
            r[ok] += 1
    _haar_complement(U, r, rng)
    if special:
        neg = np.linalg.det(U) < 0
        U[neg, :, m - 1] *= -1.0
    return U


def canonicalize(group, X: np.ndarray, rng: np.random.Generator):
    """Orbit representatives and inversions: ``(gamma, tau)`` with ``X[i] = tau[i] . gamma[i]``,
    ``gamma`` a function of the orbit of ``X[i]`` and ``tau[i]`` uniform on the elements that map
    ``gamma[i]`` to ``X[i]`` (module docstring).  Groups only."""
    N = X.shape[0]
    if group.action == "translation":
        pts = X.reshape(N, -1, group.n)
        t = pts[:, 0, :].copy()
        gamma = np.mod(pts - t[:, None, :], group.period).reshape(X.shape)
        return gamma, t
    if group.action == "permutation":
        return _canonicalize_permutation(group, X, rng)
    elems = finite_elements(group)
    if elems is not None:
        L = X[0].size
        if _own_action(group):
            orbit = np.moveaxis(group.apply(elems, X), 0, 1)  # (N, G, ...)
        else:
            orbit = np.einsum("gab,n...b->ng...a", elems, X, optimize=True)
        vals = orbit.reshape(N, elems.shape[0], L) @ _generic_direction(L)
        pick = _pick_ties(vals, rng)
        gamma = orbit[np.arange(N), pick]
        return gamma, inverse_elements(group, elems[pick])
    if isinstance(group, (SO, O)):
        n = group.n
        pts = X.reshape(N, -1, n)
        if group.degree == n:
            tau = _frames(pts, group.special, rng)
        else:  # SO(2) / O(2) on a coordinate plane of R^n
            i, j = group.plane
            sub = _frames(pts[:, :, [i, j]], group.special, rng)
            tau = np.broadcast_to(np.eye(n), (N, n, n)).copy()
            idx = np.array([i, j])
            tau[:, idx[:, None], idx[None, :]] = sub
        gamma = np.einsum("nba,n...b->n...a", tau, X, optimize=True)
        return gamma, tau
    raise InvalidTypeError(f"no canonicalization (orbit representative) for {group.name}")


def _canonicalize_permutation(group, X: np.ndarray, rng: np.random.Generator):
    N = X.shape[0]
    ax = _perm_axis(group, X.ndim)
    moved = np.moveaxis(X, ax, 1).reshape(N, group.n, -1)  # (N, n, rest)
    key = moved[:, :, 0] if moved.shape[2] == 1 else moved @ _generic_direction(moved.shape[2])
    shuffle = rng.permuted(np.broadcast_to(np.arange(group.n), (N, group.n)), axis=1)
    order = np.argsort(-np.take_along_axis(key, shuffle, axis=1), axis=1, kind="stable")
    sigma = np.take_along_axis(shuffle, order, axis=1)  # gamma = sigma . x (x[sigma]): sorted
    tau = np.argsort(sigma, axis=1).astype(np.int64)     # tau = sigma^-1: x = gamma[tau]
    return act(group, sigma, X), tau
