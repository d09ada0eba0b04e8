r"""Certified upper estimates of the sup equivariance error (THEORY.md §3, "certified sup from
samples"): the only way a measured error enters a bound that needs ``ee_inf`` (the seam,
:class:`symbound.seam.SupErrorUpperBound`).

Notation: ``e(x, s) = |f(s x) - rho(s) f(x)|`` (Euclidean norm of the flattened outputs; inputs
are arrays with the Frobenius norm), A the region, S the set, ``{g_j}`` a net of S with radius
``r_g`` in a metric d (:mod:`.group_nets`), ``c(x)`` the moved norm with ``|s x - g x| <=
d(s, g) c(x)`` (``|x|`` for rotations, the plane coordinates for a plane group, ``sqrt M`` for
translations of M vectors), and cells K covering A with distance bounds ``D(K, y)``
(:mod:`.region_nets`).

Theorem (model).  Assume (i) f is L-Lipschitz on a set containing the candidate points y, the
region A and their images under S and the net (all inputs, R^n or the torus for translations;
for rotations of a centred ball or sphere with candidates in it, the region itself); (ii) ``||rho(s) - rho(g)||_op <= L_rho d(s, g)`` for s in S and net elements g;
(iii) every s in S and every ``rho(s)`` has operator norm at most ``a`` and ``b`` (a = b = 1 for
isometric actions and orthogonal rho).  Put ``L_x = L (a + b)`` and, for every candidate point y,

.. math:: b(y) = \max_j e(y, g_j) + \big(L\, c(y) + L_\rho |f(y)|\big)\, r_g .

Then ``sup_{s in S} e(y, s) <= b(y)`` and

.. math:: \sup_{x \in A,\, s \in S} e(x, s) \le \max_K \min_{y \text{ candidate of } K}
          \big(b(y) + L_x D(K, y)\big).

Proof.  g-step, at a fixed y and s in S with ``d(s, g_j) <= r_g``: by the reverse triangle
inequality ``|e(y, s) - e(y, g_j)| <= |f(s y) - f(g_j y)| + |(rho(s) - rho(g_j)) f(y)|
<= L c(y) d(s, g_j) + L_rho |f(y)| d(s, g_j)``.  x-step, at a fixed s: ``|e(x, s) - e(y, s)| <=
|f(s x) - f(s y)| + |rho(s)(f(x) - f(y))| <= L a |x - y| + b L |x - y| = L_x |x - y|``; every x
of A lies in a cell K with ``|x - y| <= D(K, y)`` for each candidate y of K.  Note the order: x
moves at a fixed s of S (so only elements of S need to be isometries), then s moves at a fixed
net point y (any matrices may be compared there).  []

THEORY §3 states ``max_{i,j} e(x_i, g_j) + 2 L r_x + (L sup_A |x| + Lip(rho) sup |f|) r_g``; it is
true (take ``D <= r_x``, ``c(y) <= sup_A |x|``, ``|f(y)| <= sup |f|``) but it needs ``sup_A |f|``,
which nothing measures; the form above uses ``|f|`` and ``|x|`` at the measured points only and
per-cell distances, and it is never larger.  How the g-Lipschitz constant depends on the family:
linear actions (rotations, orthogonal matrices) in the operator norm with ``c(x) = |x|`` (only the
plane coordinates for SO(2)/O(2)/PartialRotations on a plane of R^n); translations in the torus
distance with ``c = sqrt M``; finite sets are enumerated (``r_g = 0``: no g-term, any rho);
``L_rho = 1`` for ``rho = "same"`` on a linear action, 0 for invariance, given by the user for a
callable rho on an infinite set.

Theorem (data).  Assume ``y_i = f*(x_i) + xi_i`` with ``|xi_i| <= sigma`` (sigma = 0: noise-free
labels), f* L-Lipschitz, rho(s) orthogonal for s in S and the action isometric.  For a data point
x_i and a net element g_j let ``x_mu`` be the data point nearest to ``g_j x_i`` (within the search
radius r), at distance ``d_ij``, and ``e^_ij = |y_mu - rho(g_j) y_i|``.  Then

.. math:: e^*(x_i, g_j) \le \hat e_{ij} + 2\sigma + L d_{ij}
          \quad(\le \hat e_{ij} + 2\sigma + L r: \text{the bias } L r),

since ``|f*(g_j x_i) - f*(x_mu)| <= L d_ij``, ``|f*(x_mu) - y_mu| <= sigma`` and
``|rho(g_j)(y_i - f*(x_i))| <= sigma``; likewise ``|f*(x_i)| <= |y_i| + sigma``.  With these in
place of the model's exact values, the model theorem (with ``L_x = 2L``) bounds
``ee_inf(f*; S)`` over A (or over the data points, ``scope="sample"``).  A point with a net
element that found no data point within r has no bound (``b = inf``): it is not used.  Also
``e^_ij - 2 sigma - L d_ij <= e*(x_i, g_j)``: the largest such value over the points in A is a
certified lower estimate (``observed_max``).

Confidence.  Every bound here is deterministic given its assumptions (``confidence = 1``): the
points are whatever was measured, and the fill distance of random points is certified after the
fact by the cells (where it fails -- a cell without a nearby point -- a coarser grid is used or
no region bound exists).  Sampling therefore never enters the certificate: when ``supp mu_X`` is
only known to lie in a region A, the sup over A bounds the sup over ``supp mu_X``.  Floating point: the model's float outputs are taken as its values;
distances and sums are rounded up (relative ``2^-40``) and the nets' radii include the rounding of
their elements.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._validation import brief, check_bool, check_integer, check_real
from ..errors import InvalidTypeError, InvalidValueError
from ..groups._base import TransformationSetBase
from ..seam import SupErrorUpperBound
from . import kernels as K
from ._checks import as_float_array, check_group_matches
from ._orbit_engine import (_batched_pass, _blas_limit, _check_X, _choose_path,
                            _fused_pass, _Model, _perm_m, _rho_matrices, _rho_mode)
from .group_nets import GroupNet, group_net, moved_norms, realised_radii
from .group_samples import _GroupSpec, group_spec
from .region_nets import cover_bound, default_resolution, region_net, region_of
from .._types import ArrayLike, Model, Rho, Space

__all__ = ["certified_sup_error", "certified_data_sup_error"]

_REFERENCE = ("symbound.numeric.certified_sup (module docstring: the g-step and x-step "
              "inequalities); THEORY §3, certified sup from samples")
#: relative rounding-up of the final sums (module docstring)
_ROUND = 2.0 ** -40
#: the default grid of a region is coarsened to keep points x group elements below this
DEFAULT_EVALUATIONS = 2 ** 22


def _check_lipschitz(name, value, required=True):
    if value is None:
        if required:
            raise InvalidValueError(f"{name} is required (a Lipschitz constant >= 0)")
        return None
    # at most 1e300: L times a covering radius is summed in float64 (1e308 overflowed it)
    return float(check_real(name, value, 0, 1e300, allow_symbolic=False))


def _lipschitz_text(what: str, L: float) -> str:
    return (f"{what} is {L:g}-Lipschitz (given) on the points, the region and their images under "
            "the set (e.g. on all inputs)")


def _op_norm_max(mats: np.ndarray) -> float:
    """max_k ||mats[k]||_op, rounded up (LAPACK's largest singular value is accurate to a few
    ulps relative; 1e-12 covers it)."""
    if mats.size == 0:
        return 0.0
    return float(np.max(np.linalg.norm(mats, ord=2, axis=(1, 2)))) * (1 + 1e-12)


def _net_spec(net: GroupNet, X: np.ndarray) -> _GroupSpec:
    """The orbit engine's description of 'every element of the net, for every point'."""
    group = net.group
    if group.action in ("image", "callable"):  # finite: every element, rows = indices
        return group_spec(group, "exact").for_input(X.shape[1:])
    action = {"linear": K.ACTION_LINEAR, "translation": K.ACTION_TRANSLATION,
              "permutation": K.ACTION_PERMUTATION}[group.action]
    ip = np.array([group.n, 0, 1, 0, _perm_m(X, group)], dtype=np.int64)
    fp = np.array([0.0, 0.0, 0.0, float(getattr(group, "period", 1.0))])
    return _GroupSpec(action, K.E_TABLE, K.M_EXACT, "exact", ip, fp, net.rows, np.zeros(1),
                      net.size, net.method, group)


def _rho_terms(rho, group, spec, rows, q, lipschitz_rho, radius_positive):
    """(L_rho, b = sup ||rho(s)||_op, assumption text) for the rho of the theorem."""
    if rho is None:
        return 0.0, 1.0, "invariance (rho = identity)"
    if isinstance(rho, str) and spec.output_action:  # finite (group_net), no matrices
        if group.action == "image":
            return 0.0, 1.0, "rho = the set's own action on output maps (a pixel permutation)"
        b = 1.0 if group.is_isometric else math.nan
        return 0.0, b, ("rho = the Action on the outputs" + (" (declared isometric)"
                                                             if group.is_isometric else ""))
    if isinstance(rho, str):  # "same" (validated by _rho_mode)
        if group.is_finite:
            return 0.0, _op_norm_max(_rho_matrices(rho, spec, rows, q)), "rho = the set's own action"
        return 1.0, 1.0, "rho = the set's own (orthogonal) action: L_rho = 1 in the operator norm"
    mats = _rho_matrices(rho, spec, rows, q)
    if group.is_finite:
        return 0.0, _op_norm_max(mats), "rho given as matrices on every element"
    if lipschitz_rho is None and radius_positive:
        raise InvalidValueError(
            "lipschitz_rho is required for a callable rho on an infinite set: a constant with "
            "||rho(s) - rho(g)||_op <= lipschitz_rho d(s, g)")
    eye = np.eye(q)
    if not np.all(np.abs(np.einsum("kij,klj->kil", mats, mats) - eye) <= 1e-9):
        raise InvalidValueError("rho(g) must be orthogonal on an infinite set (checked on the net): "
                                "the x-step of the certificate needs |rho(s) v| = |v|")
    return (float(lipschitz_rho or 0.0), 1.0,
            f"rho(s) orthogonal for every s (checked on the net), Lipschitz {lipschitz_rho} in the "
            "operator norm (given)")


def _action_norm(group, elements: np.ndarray) -> tuple[float, str]:
    """a = sup_s ||s||_op (1 for isometric sets; the largest over the elements of a finite set)."""
    if group.action == "callable":  # only a scope-"sample" bound (no x-step) needs no a
        return ((1.0, "declared isometric") if group.is_isometric else
                (math.nan, "a callable action (not declared isometric: no region bound)"))
    if group.is_finite and group.action == "linear" and not getattr(group, "is_isometric", True):
        mats = np.asarray(elements, dtype=np.float64).reshape(-1, group.n, group.n)
        return _op_norm_max(mats), "finite set of matrices"
    if not getattr(group, "is_isometric", True):
        raise InvalidValueError(f"{group.name} is not a set of isometries: no certified sup")
    if group.action == "translation":
        return 1.0, "translations of the torus (distances and Lipschitz constants in its metric)"
    return 1.0, "isometric action"


def _finish(value, observed, *, quantity, scope, region_name, method, assumptions, details, group,
            region):
    """The seam object, recording the set ``group`` and the region (a Space, scope "region") the
    sup is over, so that consumers can check them against their own."""
    value = float(value) * (1 + _ROUND)
    if not math.isfinite(value):
        raise InvalidValueError(
            "no finite certified bound: " + details.get("why_infinite", "a cell of the region has no "
                                                       "usable point nearby"))
    if value < observed:
        raise InvalidValueError(
            f"the measured errors (max {observed:.6g}) exceed the certified bound {value:.6g}: the "
            f"given Lipschitz constant lipschitz={details['lipschitz']!r} is too small for this "
            "model (or data)")
    return SupErrorUpperBound(value=value, quantity=quantity, scope=scope, confidence=1.0,
                              observed_max=float(observed), method=method, region=region_name,
                              assumptions=tuple(assumptions), reference=_REFERENCE,
                              details=details, group=group,
                              region_space=region if scope == "region" else None)


def _x_step(b, X, region, reg, Lx, details, points_text, own=None, resolutions=None):
    """The x-step of the theorem from the per-point bounds ``b`` (``inf``: unusable): the sup over
    the points (no region), over an own grid net (``own``), or over the region with the points'
    fill distance certified by cells.  Returns ``(value, scope, region name, how)``; fills
    ``details``."""
    if reg is None:
        details.update(r_x=0.0, x_term=0.0)
        return float(b[np.isfinite(b)].max()), "sample", None, f"max over {points_text} of b(y)"
    if own is not None:
        details.update(r_x=own.radius, x_term=Lx * own.radius, resolution=own.resolution,
                       region_net=own.method)
        return (float(np.max(b + Lx * own.radii)), "region", reg.name,
                f"grid net of {reg.name} ({own.method}), per-cell radius bound")
    value, fill, m = cover_bound(region, X, b, Lx, resolutions)
    details.update(r_x=fill, x_term=Lx * fill, resolution=m,
                   why_infinite=f"some cell of the region has none of {points_text} in it or next "
                                "to it at every grid tried: give more points, a coarser resolution "
                                "(or, for data, a larger matching radius)")
    return value, "region", reg.name, f"fill distance of {points_text} certified by a {m}-cell grid"


def _region_and_points(region, points, group):
    if region is None and points is None:
        raise InvalidValueError(
            "give a region (a Space: the sup over it is certified on a grid net) or points (the "
            "sup over those points, scope='sample'), or both (the points' fill distance in the "
            "region is certified)")
    if region is not None and not isinstance(region, Space):
        raise InvalidTypeError(f"region must be a symbound Space (Ball, Cube, Sphere, Annulus, "
                               f"Torus) or None, got {type(region).__name__} ({brief(region)})")
    reg = region_of(region) if region is not None else None
    if reg is not None:
        if group.action in ("image", "callable"):
            raise InvalidValueError(
                f"{group!r} acts on arrays, not on the vectors of a region: pass points= (the sup "
                "over them, scope 'sample'; with a finite set every element is enumerated, so the "
                "bound is the largest measured error, exact over the points)")
        if group.action == "permutation":
            raise InvalidValueError(
                "a region of vectors cannot hold point clouds permuted by "
                f"{group.name}: pass points= (scope 'sample')")
        if reg.kind == "Torus" and (group.action != "translation"
                                     or float(group.period) != reg.P):
            raise InvalidValueError(
                f"a Torus region goes with Translations of the same period, got {group.name}")
        if group.action == "translation" and reg.kind != "Torus":
            raise InvalidValueError("Translations act on a Torus region (the torus metric)")
    return reg


def certified_sup_error(model: Model, group: TransformationSetBase, region: Any = None, *,
                        lipschitz: float, points: ArrayLike | None = None, rho: Rho = None,
                        lipschitz_rho: float | None = None, resolution: int | None = None,
                        group_resolution: int | None = None, batch_size: int | None = None,
                        progress: bool = False) -> SupErrorUpperBound:
    r"""A certified upper bound of ``ee_inf(f; S) = sup_{x in A, s in S} |f(s x) - rho(s) f(x)|``.

    The model is evaluated on a certified net of the set (:func:`~.group_nets.group_net`) at
    every point of a certified grid net of ``region`` (or at the given ``points``), and the
    Lipschitz terms of the theorem in the module docstring are added:
    ``sup <= max_K min_y (b(y) + L_x D(K, y))`` with
    ``b(y) = max_j e(y, g_j) + (L c(y) + L_rho |f(y)|) r_g``.

    Parameters
    ----------
    model : the model, as for :func:`~symbound.numeric.orbit.equivariance_error` (a batch
        callable, or an njit function of one input).
    group : a finite set, SO(2), O(2), SO(3), O(3), PartialRotations or Translations.
    region : a ``Ball``, ``Cube``, ``Annulus``, ``Sphere`` or ``Torus`` (Translations): the sup
        is over all of it (``scope="region"``).  ``None`` with ``points``: the sup over the
        points only (``scope="sample"``).
    lipschitz : L, a Lipschitz constant of the model (Euclidean / Frobenius norms; on all inputs,
        not only on the region, since s x leaves it).
    points : optional inputs (N, ...).  With a region, their fill distance is certified by cells
        (every cell must have a point in it or next to it); without, scope is "sample".
    rho : ``None`` (invariance), ``"same"`` or a callable returning (K, k, k) matrices.
    lipschitz_rho : for a callable rho on an infinite set, the constant in
        ``||rho(s) - rho(g)||_op <= lipschitz_rho d(s, g)``.
    resolution : cells per axis of the region grid.  Default: 1024 / 64 / 24 / 8 for 1 / 2 / 3 /
        more dimensions of the grid, lowered so that the model is evaluated at most
        ``DEFAULT_EVALUATIONS`` (2^22) times (points x group elements).
    group_resolution : the fineness m of the group net (:func:`~.group_nets.group_net`).
    batch_size : transformed inputs per model call.
    progress : show a tqdm progress bar over the points.

    Returns
    -------
    SupErrorUpperBound
        ``quantity="model"``, confidence 1; ``details`` holds ``r_x``, ``r_g``, ``lipschitz_x``,
        the x- and g-terms and the sizes of the nets.

    Raises
    ------
    InvalidValueError
        when the measured errors exceed the bound (``lipschitz`` too small), or no certified net
        exists for the set or the region.

    Examples
    --------
    >>> import numpy as np
    >>> from symbound.groups import SO
    >>> from symbound.spaces import Ball
    >>> ub = certified_sup_error(lambda xs: xs[:, 0], SO(2), Ball(2, 1), lipschitz=1.0,
    ...                          resolution=32, group_resolution=128)
    >>> 2.0 <= ub.value < 2.2           # the true sup is 2 (x = (1, 0), rotation by pi)
    True
    """
    if not isinstance(group, TransformationSetBase):
        raise InvalidTypeError(
            f"group must be a transformation set of symbound.groups, got {type(group).__name__}")
    L = _check_lipschitz("lipschitz", lipschitz)
    L_rho_given = _check_lipschitz("lipschitz_rho", lipschitz_rho, required=False)
    if batch_size is not None:
        check_integer("batch_size", batch_size, 1)
    check_bool("progress", progress)
    reg = _region_and_points(region, points, group)
    net = group_net(group, group_resolution)
    own = None
    if points is None:
        if resolution is None:
            resolution = default_resolution(region, max(1, DEFAULT_EVALUATIONS // net.size))
        own = region_net(region, resolution)
        X = own.points
    else:
        X = _check_X(points, group)
        if reg is not None:
            reg.check_points(X)
    check_group_matches("points", X, group)
    spec = _net_spec(net, X)
    mdl = _Model(model, X)
    _rho_mode(rho, spec, mdl.q, mdl.out_shape)
    L_rho, b_rho, rho_text = _rho_terms(rho, group, spec, net.rows, mdl.q, L_rho_given,
                                        net.radius > 0)
    a, act_text = _action_norm(group, net.elements)
    path = _choose_path("auto", mdl, rho, spec)
    with _blas_limit("auto"):
        if path == "fused":
            st = _fused_pass(mdl, X, spec, np.uint64(0), 0, rho, 2.0, batch_size, progress)
        else:
            st = _batched_pass(mdl, X, spec, np.uint64(0), 0, rho, 2.0, batch_size, progress)
    c = moved_norms(group, X)
    g_terms = (L * c + L_rho * st.norms) * net.radius
    b = st.mx + g_terms
    Lx = L * (a + b_rho)
    observed = float(st.mx.max())
    details = {"lipschitz": L, "lipschitz_rho": L_rho, "lipschitz_x": Lx, "r_g": net.radius,
               "group_net": net.method, "n_group_elements": net.size, "n_points": X.shape[0],
               "max_net_error": observed, "g_term": float(g_terms.max()),
               "group_resolution": net.resolution}
    assumptions = [_lipschitz_text("the model", L), act_text, rho_text]
    value, scope, name, how = _x_step(
        b, X, region, reg, Lx, details, f"the {X.shape[0]} given points" if own is None else "",
        own, None if resolution is None else [resolution])
    method = (f"Lipschitz net bound: {how}; {net.method}; sup <= max_K min_y (max_j e(y, g_j) + "
              "(L c(y) + L_rho |f(y)|) r_g + L_x D(K, y))")
    return _finish(value, observed, quantity="model", scope=scope, region_name=name,
                   method=method, assumptions=assumptions, details=details, group=group,
                   region=region)


def _from_estimate(est, lipschitz, region, lipschitz_rho) -> SupErrorUpperBound:
    """:meth:`EquivarianceErrorEstimate.sup_upper_bound`: the estimate's own per-point maxima,
    with the realised covering radius of each point's group samples."""
    L = _check_lipschitz("lipschitz", lipschitz)
    L_rho_given = _check_lipschitz("lipschitz_rho", lipschitz_rho, required=False)
    spec, X = est._spec, est._points
    group = spec.group
    reg = _region_and_points(region, X, group) if region is not None else None
    if reg is not None:
        reg.check_points(X)
    r_g = realised_radii(spec, est._key, X.shape[0])
    q = int(est._q)
    # the rows of the set's elements (indices for image groups and Actions, whose table holds
    # index maps or nothing)
    table_rows = (np.arange(spec.table.shape[0], dtype=np.float64)[:, None]
                  if spec.ecode == K.E_INDEX else spec.table)
    L_rho, b_rho, rho_text = _rho_terms(est._rho, group, spec, table_rows, q, L_rho_given,
                                        bool(np.any(r_g > 0)))
    a, act_text = _action_norm(group, table_rows)
    c = moved_norms(group, X)
    g_terms = (L * c + L_rho * est.per_point_output_norm) * r_g
    b = est.per_point_max + g_terms
    Lx = L * (a + b_rho)
    observed = float(est.max_observed)
    details = {"lipschitz": L, "lipschitz_rho": L_rho, "lipschitz_x": Lx,
               "r_g": float(r_g.max()), "n_group_elements": est.n_group_samples,
               "n_points": X.shape[0], "max_net_error": observed, "g_term": float(g_terms.max()),
               "group_net": f"the estimate's own samples ({spec.description})"}
    assumptions = [_lipschitz_text("the model", L), act_text, rho_text]
    value, scope, name, how = _x_step(b, X, region, reg, Lx, details,
                                      f"the estimate's {X.shape[0]} points")
    method = (f"Lipschitz net bound from an estimate: {how}; per-point covering radius of its "
              "group samples (largest gap)")
    return _finish(value, observed, quantity="model", scope=scope, region_name=name,
                   method=method, assumptions=assumptions, details=details, group=group,
                   region=region)


def certified_data_sup_error(X: ArrayLike, y: ArrayLike, group: TransformationSetBase,
                             radius: float, *, lipschitz: float, noise: float = 0.0,
                             region: Any = None, rho: Rho = None,
                             lipschitz_rho: float | None = None,
                             group_resolution: int | None = None) -> SupErrorUpperBound:
    r"""A certified upper bound of the data's sup equivariance error ``ee_inf(f*; S)`` (the
    regression function ``f* = E[y | x]``) from a sample, by matching (module docstring, "Theorem
    (data)").

    For every data point x_i and every element g_j of a certified net of S, the data point x_mu
    nearest to ``g_j x_i`` within ``radius`` stands for ``g_j x_i``:
    ``e*(x_i, g_j) <= |y_mu - rho(g_j) y_i| + 2 noise + lipschitz d(x_mu, g_j x_i)``.

    Parameters
    ----------
    X, y : the sample, (n, d) inputs and (n,) or (n, k) outputs.
    group : a set with a certified net (:func:`~.group_nets.group_net`).
    radius : the search radius r of the matching (the bias is at most ``lipschitz r``).
    lipschitz : L, a Lipschitz constant of f* (Euclidean norms).
    noise : sigma with ``|y_i - f*(x_i)| <= sigma`` for every i (0: noise-free labels).
    region : a Space for ``scope="region"`` (the data's fill distance in it is certified), or
        ``None`` for the sup over the data points (``scope="sample"``).
    rho, lipschitz_rho : the output action, as for :func:`certified_sup_error`.
    group_resolution : fineness of the group net.

    Returns
    -------
    SupErrorUpperBound
        ``quantity="data"``; ``observed_max`` is the certified lower estimate
        ``max (e^_ij - 2 sigma - L d_ij)`` over the points in the region.

    Examples
    --------
    >>> import numpy as np
    >>> from symbound.groups import Cyclic
    >>> g = (np.arange(40) + 0.5) / 20 - 1
    >>> X = np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)       # symmetric under C_4
    >>> ub = certified_data_sup_error(X, X[:, 0], Cyclic(4), 1e-9, lipschitz=1.0)
    >>> round(ub.value, 6), round(ub.observed_max, 6)             # 2 max|x_0| = 1.95, exact
    (1.95, 1.95)
    """
    if not isinstance(group, TransformationSetBase):
        raise InvalidTypeError(
            f"group must be a transformation set of symbound.groups, got {type(group).__name__}")
    from .covering import _grid, check_magnitude
    from . import covering_kernels as _ck

    x = as_float_array("X", X, min_ndim=2)
    yy = as_float_array("y", y, min_ndim=1)
    n = x.shape[0]
    if yy.shape[0] != n:
        raise InvalidValueError(f"len(y) must equal len(X) = {n}, got {yy.shape[0]}")
    check_group_matches("X", x, group)
    check_magnitude("X", x)
    r = float(check_real("radius", radius, 0, None, low_closed=False, allow_symbolic=False))
    L = _check_lipschitz("lipschitz", lipschitz)
    sigma = float(check_real("noise", noise, 0, None, allow_symbolic=False))
    L_rho_given = _check_lipschitz("lipschitz_rho", lipschitz_rho, required=False)
    reg = _region_and_points(region, x, group) if region is not None else None
    if reg is not None:
        reg.check_points(x)
    if rho is not None and not callable(rho) and rho != "same":
        raise InvalidTypeError(f"rho must be None, 'same' or a callable, got {brief(rho)}")
    net = group_net(group, group_resolution)
    if not getattr(group, "is_isometric", True):
        raise InvalidValueError(f"{group.name} is not a set of isometries: no certified data sup")
    yflat = yy.reshape(n, -1)
    q = yflat.shape[1]
    spec = _net_spec(net, x)
    if rho == "same":
        check_group_matches("y", yy, group)
    if rho is not None:
        _rho_mode(rho, spec, q, yy.shape[1:])
    L_rho, b_rho, rho_text = _rho_terms(rho, group, spec, net.rows, q, L_rho_given,
                                        net.radius > 0)
    if not b_rho <= 1 + 1e-9:  # also refuses nan: an output action not declared isometric
        raise InvalidValueError("rho(g) must be orthogonal for the data certificate")
    flat = np.ascontiguousarray(x.reshape(n, -1))
    axes, origin, cell, ncell, bstart, perm, pvec = _grid(flat, r)
    worst = np.zeros(n)      # max_j (e^_ij + L d_ij), inf when some j found no match
    lower = np.zeros(n)      # max_j (e^_ij - 2 sigma - L d_ij)
    idx = np.empty(n, np.int64)
    d2 = np.empty(n)
    for j in range(net.size):
        g = net.elements[j:j + 1]
        gx = np.ascontiguousarray(group.apply(g, x)[0].reshape(n, -1))
        _ck.nearest_within(gx, 0, n, axes, origin, cell, ncell, r, bstart, perm, pvec, idx, d2)
        if rho is None:
            target = yflat
        elif isinstance(rho, str):
            target = group.apply(g, yy)[0].reshape(n, -1)
        else:
            target = yflat @ _rho_matrices(rho, spec, net.rows[j:j + 1], q)[0].T
        ok = idx >= 0
        e = np.full(n, np.inf)
        d = np.sqrt(np.where(ok, d2, 0.0)) * (1 + _ROUND)
        e[ok] = np.linalg.norm(yflat[idx[ok]] - target[ok], axis=1) * (1 + _ROUND)
        worst = np.maximum(worst, e + L * d)
        low = np.where(ok, e * (1 - 2 * _ROUND) - 2 * sigma - L * d, -np.inf)
        lower = np.maximum(lower, low)
    usable = np.isfinite(worst)
    if not np.any(usable):
        raise InvalidValueError(
            f"no data point matched every one of the {net.size} net elements within radius={r:g}: "
            "increase the radius (the bias bound grows as lipschitz * radius) or sample more densely")
    c = moved_norms(group, x)
    ynorm = np.linalg.norm(yflat, axis=1)
    g_terms = (L * c + L_rho * (ynorm + sigma)) * net.radius
    b = worst + 2 * sigma + g_terms
    Lx = 2.0 * L
    details = {"lipschitz": L, "lipschitz_rho": L_rho, "lipschitz_x": Lx, "r_g": net.radius,
               "noise": sigma, "radius": r, "group_net": net.method, "n_group_elements": net.size,
               "n_points": n, "n_usable_points": int(usable.sum()),
               "g_term": float(g_terms[usable].max()), "bias_bound": L * r,
               "group_resolution": net.resolution}
    assumptions = [_lipschitz_text("f*", L),
                   f"|y_i - f*(x_i)| <= {sigma:g} for every i (given)" if sigma > 0 else
                   "noise-free labels y_i = f*(x_i) (given)",
                   "isometric action", rho_text]
    inside = usable if reg is None else usable & (reg.dist(flat) <= 0.0)
    observed = float(max(lower[inside].max(initial=0.0), 0.0))
    value, scope, name, how = _x_step(
        b, x, region, reg, Lx, details,
        f"the {int(usable.sum())} data points that matched every net element (of {n})")
    method = (f"matching bound: {how}; {net.method}; e*(x_i, g_j) <= |y_mu - rho(g_j) y_i| + "
              "2 sigma + L d(x_mu, g_j x_i)")
    return _finish(value, observed, quantity="data", scope=scope, region_name=name, method=method,
                   assumptions=assumptions, details=details, group=group, region=region)
