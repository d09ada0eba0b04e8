r"""Data equivariance error: how symmetric is a data set? (THEORY.md §3)

Two readings of the symmetry of a sample ``(x_i, y_i)`` under a transformation set S acting on inputs
(and ``rho`` acting on outputs):

**Functional part** — the equivariance error of the regression function ``f*(x) = E[y | x]``,

.. math:: ee_p(f^*) = \Big( \mathbb E_{x \sim \mu_X} \mathbb E_{g \sim \lambda}
          \lVert f^*(g x) - \rho(g) f^*(x) \rVert^p \Big)^{1/p},

estimated without a model: for every ``x_i`` and group sample ``g``, the nearest data point ``x_j``
to ``g x_i`` within ``radius`` stands in for ``g x_i`` and ``y_j`` for ``f*(g x_i)``; the pair
contributes ``e = || y_j - rho(g) y_i ||``. Pairs with no data point within the radius are dropped
and counted in ``coverage``. If ``f*`` is L-Lipschitz, replacing ``g x_i`` by ``x_j`` moves each
error by at most ``L * radius`` (the **bias bound**, reported when ``lipschitz`` is given). With
noisy labels the estimate also contains the label noise (``y`` is not ``f*(x)``).

**Distributional part** — the asymmetry of the input distribution itself, an MMD between the
sample and its transformed copy ``{g_i x_i}`` (a fresh ``g_i ~ lambda`` per point), Gaussian kernel
``k`` with the median-heuristic bandwidth, and a permutation-test p-value.

*What is estimated.* With ``mu = mu_X``, the copies ``g_i x_i`` are draws from the lambda-average of
the transformed distributions, ``nu = E_{g~lambda} g#mu`` (the law of ``g x``, ``x ~ mu`` and
``g ~ lambda`` independent). ``mmd2`` is the biased (V-statistic) estimate of ``MMD_k^2(mu, nu)``:
with a fixed bandwidth its mean over ``m`` points is
``(1 - 1/m) MMD^2(mu, nu) + (2 - 2 E k(x, g x)) / m``. This is not the quantity
``E_{g~lambda} D(mu, g#mu)`` of THEORY.md §3 (one g moves the whole distribution, then the distances
are averaged) but a lower bound of it: the kernel mean embedding ``m_P = E_P k(., z)`` is linear in
P, so ``m_nu = E_g m_{g#mu}`` (Bochner integral, k bounded) and, by the triangle inequality for the
integral of the RKHS norm,

.. math:: \mathrm{MMD}(\mu, \nu) = \big\lVert \mathbb E_g (m_\mu - m_{g\#\mu}) \big\rVert
          \le \mathbb E_g \lVert m_\mu - m_{g\#\mu} \rVert = \mathbb E_g \mathrm{MMD}(\mu, g\#\mu)

(likewise ``MMD^2(mu, nu) <= E_g MMD^2(mu, g#mu)`` by convexity of the squared norm). The two have
the same zero set for a group with its Haar measure: an S-invariant ``mu`` gives 0 in both, and
conversely ``MMD(mu, nu) = 0`` with the (characteristic) Gaussian kernel means ``nu = mu``, and
then ``h#mu = h#nu = E_g (h g)#mu = nu = mu`` for every ``h`` (left invariance of Haar): ``mu`` is
invariant. So the test detects the same departures from invariance; only the reported MMD is no
larger (for a non-group set such as ``PartialRotations``, ``nu = mu`` need not imply
invariance).

*The test.* The pairs ``(x_i, g_i x_i)`` are dependent, so the permutations swap the two members of
random pairs: if ``mu_X`` is S-invariant and ``lambda`` is inverse-invariant (Haar on a group; the
uniform measure on a finite group or on a symmetric set such as ``PartialRotations``), ``(x, g x)``
and ``(g x, x)`` have the same law and the test is exact. For a non-symmetric set it is an
approximation.

Group samples: for a finite set with at most ``n_group_samples`` elements every element is used
(exact average over S); otherwise every point gets ``n_group_samples`` fresh elements of its own, so
the pairs of different points are independent and the standard error (clustered by point) covers
the sampling of S as well.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._validation import brief
from .._validation import check_integer, check_real, suggest_keywords
from ..errors import InvalidTypeError, InvalidValueError
from ..groups._base import TransformationSetBase
from . import covering_kernels as _k
from ._checks import MAX_DRAWS, MAX_COUNT, as_float_array, check_group_matches, check_rng_seed
from .covering import _grid, check_magnitude  # the dense point grid of the covering engine
from .distributed import RatioMoments, check_client, map_shards, n_workers, shard_ranges
from .intervals import student_t_quantile
from .._types import ArrayLike, Rho, Seed
from ..seam import SupErrorUpperBound

__all__ = ["DataEquivarianceEstimate", "DataEquivarianceError", "data_equivariance_error",
           "DEFAULT_MIN_COVERAGE"]

_REFERENCE = "THEORY.md §3 (data equivariance error: matching within a radius, bias L r; MMD)"

#: below this fraction of matched pairs the functional part warns (the matched pairs may not
#: represent the orbits: e.g. only elements near the identity find a partner)
DEFAULT_MIN_COVERAGE = 0.5

#: data points per block of the functional part: each block draws its group elements from its own
#: generator and returns its own mergeable statistics (a Dask task runs whole blocks)
_BLOCK = 4096


@dataclass(frozen=True, repr=False, eq=False)
class DataEquivarianceEstimate:
    """Result of :func:`data_equivariance_error` (``DataEquivarianceError`` is the former name,
    kept as an alias).

    Functional part (THEORY.md §3): ``value`` (the estimate of ee_p of the regression function),
    ``stderr`` (clustered by data point, delta method for the 1/p power), ``ci`` (Student-t
    interval of the mean of e^p at ``confidence`` with ``n_points_matched - 1`` degrees of freedom,
    mapped through the 1/p power: the clusters are the data points with at least one match, so the
    interval reflects the matched count, not the pairs attempted), ``coverage`` (fraction of the
    ``(i, g)`` pairs whose ``g x_i`` found a data point within ``radius``), ``n_matched``,
    ``n_pairs``, ``n_points_matched``, ``coverage_ok`` (``coverage >= min_coverage``; otherwise a
    ``UserWarning`` was issued and a note says so: the matched pairs may not represent the orbits,
    e.g. when only elements near the identity find a partner, which biases ee towards 0),
    ``bias_bound`` (``lipschitz * radius``, or ``None``), ``max_observed`` (the largest matched
    error: a lower estimate of the sup, and it includes label noise).

    Distributional part: ``mmd2``, the biased (V-statistic) MMD^2 between the sample ``x_i`` and
    its transformed copy ``g_i x_i`` (one fresh ``g_i ~ lambda`` per point), and ``mmd`` its square
    root. It estimates ``MMD(mu_X, nu)`` with ``nu = E_g g#mu_X`` the lambda-average of the
    transformed distributions, which is at most the ``E_g MMD(mu_X, g#mu_X)`` of THEORY.md §3
    (triangle inequality for the mean embeddings, see the module docstring) and vanishes, for a
    group with its Haar measure, exactly when ``mu_X`` is invariant. ``mmd_pvalue`` (within-pair
    permutation test of invariance), ``mmd_bandwidth``, ``n_mmd_points``, ``n_permutations``.
    """

    value: float
    stderr: float
    ci: tuple
    confidence: float
    p: float
    coverage: float
    n_matched: int
    n_pairs: int
    radius: float
    bias_bound: float | None
    max_observed: float
    n_group_samples: int
    exhaustive: bool
    mmd: float
    mmd2: float
    mmd_pvalue: float
    mmd_bandwidth: float
    n_mmd_points: int
    n_permutations: int
    group: object
    rho: str
    notes: tuple = field(default_factory=tuple)
    reference: str = _REFERENCE
    n_points_matched: int = 0
    min_coverage: float = DEFAULT_MIN_COVERAGE
    coverage_ok: bool = True
    # the sample and the output action, for sup_upper_bound
    _X: np.ndarray | None = field(default=None, repr=False)
    _y: np.ndarray | None = field(default=None, repr=False)
    _rho: object = field(default=None, repr=False)

    def sup_upper_bound(self, lipschitz: float, noise: float = 0.0, region: Any = None, *,
                        lipschitz_rho: float | None = None,
                        group_resolution: int | None = None) -> SupErrorUpperBound:
        r"""A certified upper estimate of the data's sup error ``ee_inf(f*; S)`` from this sample
        (:func:`~symbound.numeric.certified_sup.certified_data_sup_error` with this estimate's
        sample, set, rho and matching radius; the set is covered by a certified net, not by the
        sampled elements).

        Parameters
        ----------
        lipschitz : L, a Lipschitz constant of the regression function f*.
        noise : sigma with ``|y_i - f*(x_i)| <= sigma`` (0: noise-free labels).
        region : a Space for the sup over it, or None for the sup over the sample.
        lipschitz_rho, group_resolution : as for ``certified_data_sup_error``.

        Returns
        -------
        SupErrorUpperBound (``quantity="data"``)

        Examples
        --------
        >>> import numpy as np
        >>> from symbound.groups import Cyclic
        >>> g = (np.arange(20) + 0.5) / 10 - 1
        >>> X = np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)
        >>> est = data_equivariance_error(X, X[:, 0], Cyclic(4), radius=1e-9, seed=0)
        >>> round(est.sup_upper_bound(lipschitz=1.0).value, 6)
        1.9
        """
        from .certified_sup import certified_data_sup_error

        return certified_data_sup_error(self._X, self._y, self.group, self.radius,
                                        lipschitz=lipschitz, noise=noise, region=region,
                                        rho=self._rho, lipschitz_rho=lipschitz_rho,
                                        group_resolution=group_resolution)

    def __repr__(self) -> str:
        how = (f"all {self.n_group_samples} elements" if self.exhaustive
               else f"{self.n_group_samples} sampled elements per point")
        lo, hi = self.ci
        lines = [
            f"DataEquivarianceEstimate(group={getattr(self.group, 'name', self.group)}, rho={self.rho}, "
            f"p={self.p:g}, radius={self.radius:g})",
            f"  functional: ee_{self.p:g} ~ {self.value:.6g} ± {self.stderr:.2g} (stderr), "
            f"{self.confidence:.0%} CI [{lo:.6g}, {hi:.6g}] over {how}",
            f"    coverage {self.coverage:.1%} ({self.n_matched} of {self.n_pairs} pairs matched "
            f"within the radius, {self.n_points_matched} points with a match)"
            + ("" if self.coverage_ok else f" -- BELOW {self.min_coverage:.0%}: the estimate may "
               "not represent the orbits"),
            "    bias bound: " + (f"|bias| <= L r = {self.bias_bound:.6g}" if self.bias_bound is not None
                                  else "give lipschitz= to bound the matching bias by L * radius"),
            f"    max observed matched error {self.max_observed:.6g} (a lower estimate of the sup)",
            f"  distributional: MMD(mu, E_g g#mu) = {self.mmd:.6g} (<= E_g MMD(mu, g#mu); "
            f"bandwidth {self.mmd_bandwidth:.4g}, {self.n_mmd_points} points), permutation "
            f"p-value {self.mmd_pvalue:.4g} ({self.n_permutations} within-pair permutations)",
        ]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


def _rho_outputs(rho, group, elems: np.ndarray, y: np.ndarray):
    """``rho(g) y_i`` for a chunk of elements: array (K, N, k) flattened outputs, or None (identity)."""
    if rho is None:
        return None
    if isinstance(rho, str):  # "same"
        return group.apply(elems, y).reshape(elems.shape[0], y.shape[0], -1)
    mats = np.asarray(rho(elems), dtype=np.float64)
    k = y.reshape(y.shape[0], -1).shape[1]
    if mats.shape != (elems.shape[0], k, k) or not np.all(np.isfinite(mats)):
        raise InvalidValueError(
            f"rho(elements) must return finite matrices of shape ({elems.shape[0]}, {k}, {k}) for "
            f"outputs of size {k}, got shape {mats.shape}"
        )
    return np.einsum("kab,nb->kna", mats, y.reshape(y.shape[0], -1), optimize=True)


def _rho_each(rho, group, g: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``rho(g_i) y_i`` with one element per sample, flattened outputs (N, k)."""
    yf = y.reshape(y.shape[0], -1)
    if rho is None:
        return yf
    if isinstance(rho, str):  # "same"
        return group.apply_each(g, y).reshape(y.shape[0], -1)
    mats = np.asarray(rho(g), dtype=np.float64)
    k = yf.shape[1]
    if mats.shape != (g.shape[0], k, k) or not np.all(np.isfinite(mats)):
        raise InvalidValueError(
            f"rho(elements) must return finite matrices of shape ({g.shape[0]}, {k}, {k}) for "
            f"outputs of size {k}, got shape {mats.shape}"
        )
    return np.einsum("nab,nb->na", mats, yf, optimize=True)


def _mmd_test(a: np.ndarray, b: np.ndarray, bandwidth, n_permutations: int, rng):
    """Biased MMD^2 between paired samples ``a``, ``b`` (n, D) with a Gaussian kernel, and the
    within-pair permutation p-value. Returns ``(mmd2, pvalue, sigma)``."""
    n = a.shape[0]
    z = np.concatenate([a, b])
    sq = np.einsum("ij,ij->i", z, z)
    d2 = np.maximum(sq[:, None] + sq[None, :] - 2.0 * (z @ z.T), 0.0)
    if bandwidth == "median":
        off = d2[np.triu_indices(2 * n, k=1)]
        sigma = float(np.sqrt(np.median(off))) if off.size else 1.0
        if not sigma > 0.0:
            sigma = 1.0
    else:
        sigma = float(bandwidth)
    kmat = np.exp(d2 * (-0.5 / (sigma * sigma)))
    w = np.concatenate([np.full(n, 1.0 / n), np.full(n, -1.0 / n)])
    stat = float(w @ kmat @ w)
    signs = rng.choice(np.array([-1.0, 1.0]), size=(n, n_permutations))
    wp = np.concatenate([signs / n, -signs / n])  # swap the members of pairs with sign -1
    perm_stats = np.einsum("ip,ip->p", wp, kmat @ wp)
    tol = 1e-12 * max(1.0, abs(stat))
    pvalue = (1.0 + float(np.count_nonzero(perm_stats >= stat - tol))) / (n_permutations + 1.0)
    return max(stat, 0.0), pvalue, sigma


def _functional_block(x, yy, flat, yflat, grid, group, rho, radius, p, y_unit, isometric, elems,
                      n_el, block_key, a, b) -> RatioMoments:
    """The functional part for data points ``a..b-1``: every point's group samples (all elements
    when ``elems`` is given, else ``n_el`` rounds of one fresh element per point from the block's
    own generator) matched to the nearest data point within the radius.

    Overflow-free accumulation: ``sum_ep`` holds ``sum (e / scale)^p`` per point, ``e`` in units of
    ``y_unit`` and ``scale`` the largest error of the block so far (rescaled when it grows), so
    neither ``e`` nor ``e^p`` overflows for any magnitude of ``y`` or ``p``."""
    axes, origin, cell, ncell, bstart, perm, pvec = grid
    nb = b - a
    xb, yb, yfb = x[a:b], yy[a:b], yflat[a:b]
    rng = None if elems is not None else np.random.default_rng([block_key, a])
    scale = 0.0
    sum_ep = np.zeros(nb)
    cnt = np.zeros(nb)
    idx = np.empty(nb, np.int64)
    d2 = np.empty(nb)
    for kk in range(n_el):
        if elems is not None:
            g = elems[kk:kk + 1]
            gx = group.apply(g, xb)[0]
            ry = _rho_outputs(rho, group, g, yb)
            target = yfb if ry is None else ry[0]
        else:
            g = group.sample(nb, rng)
            gx = group.apply_each(g, xb)
            target = _rho_each(rho, group, g, yb)
        q = np.ascontiguousarray(gx.reshape(nb, -1))
        if not isometric:
            check_magnitude("the transformed inputs g X", q)
        _k.nearest_within(q, 0, nb, axes, origin, cell, ncell, radius, bstart, perm, pvec, idx, d2)
        ok = idx >= 0
        e = np.linalg.norm(yflat[idx[ok]] / y_unit - target[ok] / y_unit, axis=1)
        if not np.all(np.isfinite(e)):
            raise InvalidValueError(
                "rho(g) y is not finite for some outputs (or overflows float64): check rho and y")
        if e.size and e.max() > scale:
            if scale > 0:
                sum_ep *= (scale / e.max()) ** p
            scale = float(e.max())
        if scale > 0:
            sum_ep[ok] += (e / scale) ** p
        cnt[ok] += 1.0
    return RatioMoments.from_arrays(sum_ep, cnt, scale, p)


def _functional_shard(data, a, b) -> list[RatioMoments]:
    """Entry point of a Dask task: the blocks of points ``a..b-1`` (``a`` a multiple of _BLOCK)."""
    return [_functional_block(*data, a + s, a + t) for s, t in shard_ranges(b - a, block=_BLOCK)]


@suggest_keywords
def data_equivariance_error(X: ArrayLike, y: ArrayLike, group: TransformationSetBase, radius: float,
                            rho: Rho = None, p: float = 2, n_group_samples: int = 64,
                            lipschitz: float | None = None, seed: Seed = None,
                            mmd_bandwidth: float = "median", n_permutations: int = 200,
                            mmd_max_points: int = 1000, confidence: float = 0.95,
                            progress: bool = False,
                            min_coverage: float = DEFAULT_MIN_COVERAGE, client: Any = None,
                            n_chunks: int | None = None) -> DataEquivarianceEstimate:
    r"""Data equivariance error of a sample (THEORY.md §3): functional and distributional parts.

    Parameters
    ----------
    X : inputs, shape ``(n, ...)`` as the group's action expects (``(n, d)`` points, ``(n, k, d)``
        point clouds, ``(n, H, W)`` or ``(n, C, H, W)`` images for ``Cyclic(4, action="image")``,
        anything an :class:`~symbound.groups.Action` takes); ``n >= 2`` (the standard error, the interval and the MMD test need two
        samples). Finite, with ``max|entry| * sqrt(entries per sample) <= 3.35e153`` (also after
        the action of a non-isometric set), so that squared distances cannot overflow; rescale
        larger data (and the radius) by a common factor.
    y : outputs, shape ``(n,)`` or ``(n, ...)``; ``len(y) == len(X)``.
    group : a transformation set of :mod:`symbound.groups`.
    radius : matching radius r > 0: ``g x_i`` is matched to its nearest data point within r
        (Euclidean distance of the flattened inputs; for ``Translations`` the ambient distance of
        the wrapped points, so matches across the seam of the torus are missed).
    rho : action on outputs: ``None`` (invariance), ``"same"`` (the group's own action applied to
        ``y``: e.g. rotated label maps for an image group), or a callable mapping the element array to ``(K, k, k)`` matrices acting on the
        flattened outputs.
    p : exponent, >= 1.
    n_group_samples : number of elements drawn from the set's measure; a finite set with at most
        this many elements is enumerated instead (exact average over S).
    lipschitz : Lipschitz constant L of the regression function, if known: the matching bias is at
        most ``L * radius`` per pair (reported as ``bias_bound``).
    seed : int, ``numpy.random.Generator`` or ``None``.
    mmd_bandwidth : ``"median"`` (median pairwise distance of the pooled sample) or a positive float.
    n_permutations : permutations of the MMD test, >= 1.
    mmd_max_points : the MMD uses a random subsample of at most this many points (kernel matrix
        of size (2 m)^2).
    confidence : level of the confidence interval, in (0, 1).
    progress : show a tqdm progress bar.
    min_coverage : in [0, 1]: when fewer than this fraction of the ``(i, g)`` pairs find a data
        point within the radius, a ``UserWarning`` is issued and the result says so
        (``coverage_ok`` False, a note): the estimate is over the matched pairs only, which may not
        represent the orbits (e.g. only elements near the identity match, biasing ee towards 0).
    client : ``None`` or a ``dask.distributed.Client``: the functional part runs in ``n_chunks``
        tasks (default 4 per worker) of whole blocks of 4096 points; the data set and its grid are
        sent once to every worker (every query may match any data point), each task holds the
        transformed copies of its own blocks only, and returns one :class:`RatioMoments` per block,
        merged on the client in block order.  Same result as ``client=None`` for the same seed
        (equal up to floating-point rounding of the merge, which is the same for any number of
        workers or tasks).  The MMD part runs on the client (its subsample is at most
        ``mmd_max_points``).
    n_chunks : number of Dask tasks (``None``: 4 per worker).

    Returns
    -------
    DataEquivarianceEstimate

    Examples
    --------
    >>> import numpy as np
    >>> from symbound.groups import SO
    >>> from symbound.numeric.data_symmetry import data_equivariance_error
    >>> ang = np.linspace(0, 2 * np.pi, 720, endpoint=False)
    >>> X = np.concatenate([r * np.stack([np.cos(ang), np.sin(ang)], 1) for r in (0.5, 1.0)])
    >>> y = np.linalg.norm(X, axis=1)
    >>> res = data_equivariance_error(X, y, SO(2), radius=0.02, seed=0)
    >>> res.value < 1e-12, res.coverage
    (True, 1.0)
    """
    if not isinstance(group, TransformationSetBase):
        raise InvalidTypeError(
            f"group must be a transformation set of symbound.groups, got {type(group).__name__}"
        )
    x = as_float_array("X", X, min_ndim=2)
    if x.shape[0] < 2:
        raise InvalidValueError(
            f"X must contain at least 2 samples (standard errors, intervals and the MMD test need "
            f"2), got shape {x.shape}")
    yy = as_float_array("y", y, min_ndim=1)
    if yy.shape[0] != x.shape[0]:
        raise InvalidValueError(f"len(y) must equal len(X) = {x.shape[0]}, got {yy.shape[0]}")
    check_group_matches("X", x, group)
    check_magnitude("X", x)
    radius = float(check_real("radius", radius, 0, None, low_closed=False, allow_symbolic=False))
    p = float(check_real("p", p, 1, None, allow_symbolic=False))
    n_group_samples = check_integer("n_group_samples", n_group_samples, 1, MAX_DRAWS)
    if lipschitz is not None:
        lipschitz = float(check_real("lipschitz", lipschitz, 0, None, allow_symbolic=False))
    n_permutations = check_integer("n_permutations", n_permutations, 1, MAX_DRAWS)
    mmd_max_points = check_integer("mmd_max_points", mmd_max_points, 2)
    confidence = float(check_real("confidence", confidence, 0, 1, low_closed=False,
                                  high_closed=False, allow_symbolic=False))
    min_coverage = float(check_real("min_coverage", min_coverage, 0, 1, allow_symbolic=False))
    if not (isinstance(mmd_bandwidth, str) and mmd_bandwidth == "median"):
        if isinstance(mmd_bandwidth, str):
            raise InvalidValueError(
                f"mmd_bandwidth must be 'median' or a positive number, got {brief(mmd_bandwidth)}")
        check_real("mmd_bandwidth", mmd_bandwidth, 0, None, low_closed=False, allow_symbolic=False)
    if rho is not None and not callable(rho) and rho != "same":
        raise InvalidTypeError(f"rho must be None, 'same' or a callable, got {brief(rho)}")
    if rho == "same":
        check_group_matches("y", yy, group)
        rho_name = "same"
    else:
        rho_name = "identity (invariance)" if rho is None else getattr(rho, "__name__", "callable")
    if not isinstance(progress, bool):
        raise InvalidTypeError(f"progress must be a bool, got {brief(progress)}")
    rng = check_rng_seed(seed)
    check_client(client)
    if n_chunks is not None:
        check_integer("n_chunks", n_chunks, 1)

    n = x.shape[0]
    # permutations (of points or of pixels) and orthogonal matrices keep the magnitude checked
    # above; other linear maps, callable actions not declared isometric and translations (wrapped
    # into [0, period), period unbounded) are checked after the action
    isometric = group.action in ("permutation", "image") or (
        group.action in ("linear", "callable") and bool(getattr(group, "is_isometric", True)))
    flat = np.ascontiguousarray(x.reshape(n, -1))
    yflat = yy.reshape(n, -1)
    exhaustive = bool(group.is_finite and group.order is not None and group.order <= n_group_samples)
    elems = group.elements() if exhaustive else None
    n_el = elems.shape[0] if exhaustive else n_group_samples

    # ----- functional part: match g x_i to its nearest data point within the radius ------------
    # Exhaustive: every element acts on every point. Sampled: round k draws a fresh element per
    # point, so the pairs of different points are independent and the standard error clustered by
    # point accounts for the sampling of the group too.

    grid = _grid(flat, radius)
    # overflow-free accumulation: outputs are multiplied by a power of two (exact) so that |y| < 2
    # before differences are formed (see _functional_block for the running scale)
    ymax = float(np.max(np.abs(yflat))) if yflat.size else 0.0
    y_unit = math.ldexp(0.5, math.frexp(ymax)[1]) if ymax > 0 else 1.0  # 2^k <= max |y| < 2^(k+1)
    # the points are cut into blocks of _BLOCK; block b draws its group elements from its own
    # generator (seeded by one draw of ``rng`` and b), so the result is the same run locally, in
    # any number of Dask tasks, on any number of workers
    block_key = int(rng.integers(0, 2**63))
    ranges = shard_ranges(n, block=_BLOCK)
    data = (x, yy, flat, yflat, grid, group, rho, radius, p, y_unit, isometric, elems, n_el,
            block_key)
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=n, desc="data equivariance error", unit="pt")
    try:
        if client is None:
            blocks = []
            for a, b in ranges:
                blocks.append(_functional_block(*data, a, b))
                if bar is not None:
                    bar.update(b - a)
        else:
            shards = shard_ranges(len(ranges), n_shards=n_chunks or 4 * n_workers(client))
            tasks = [(ranges[i][0], ranges[j - 1][1]) for i, j in shards]
            parts = map_shards(client, _functional_shard, tasks, broadcast=(data,), bar=bar,
                               weights=[b - a for a, b in tasks])
            blocks = [blk for part in parts for blk in part]
    finally:
        if bar is not None:
            bar.close()
    stats = RatioMoments.merge(blocks)
    scale = stats.scale

    notes = []
    n_matched = int(round(stats.c_sum))
    n_pairs = n * n_el
    n_clusters = stats.n_clusters  # data points with at least one match
    if n_matched == 0:
        value = stderr = float("nan")
        ci = (float("nan"), float("nan"))
        notes.append("no transformed point found a data point within the radius: increase radius "
                     "or sample the orbits more densely")
    else:
        # m, se_m: mean of (e / scale)^p and its standard error; results in units of y.  Ratio
        # estimator clustered by data point; the clusters are the points with a match (the others
        # contribute nothing), so the small-sample factor and the t degrees of freedom use them.
        m = stats.ratio
        unit = scale * y_unit
        value = unit * m ** (1.0 / p)
        if n_clusters >= 2:
            var_m = (n_clusters / (n_clusters - 1)) * stats.q / (stats.c_sum ** 2)
            se_m = math.sqrt(max(var_m, 0.0))
            tq = student_t_quantile(0.5 + confidence / 2.0, n_clusters - 1)
            stderr = unit * (se_m / p) * m ** (1.0 / p - 1.0) if m > 0 else 0.0
            ci = (unit * max(m - tq * se_m, 0.0) ** (1.0 / p), unit * (m + tq * se_m) ** (1.0 / p))
        else:
            stderr = float("nan")
            ci = (float("nan"), float("nan"))
            notes.append("only one data point found a match: no standard error or interval")
        if n_matched < n_pairs:
            notes.append(f"{n_pairs - n_matched} pairs had no data point within the radius and "
                         f"were dropped: the estimate is over the {n_matched} matched pairs of "
                         f"{n_clusters} data points only")
    coverage = n_matched / n_pairs
    coverage_ok = coverage >= min_coverage
    if not coverage_ok:
        msg = (f"data_equivariance_error: only {coverage:.1%} of the (point, group element) pairs "
               f"found a data point within radius={radius:g} (min_coverage={min_coverage:g}); the "
               "estimate and its interval describe the matched pairs only, which may not represent "
               "the orbits: increase the radius or sample the orbits more densely")
        notes.append(msg.split(": ", 1)[1])
        warnings.warn(msg, UserWarning, stacklevel=2)
    if not (math.isfinite(scale * y_unit) and (n_clusters < 2 or math.isfinite(ci[1]))):
        raise InvalidValueError(
            f"the matched errors reach {scale:.6g} x 2^{math.frexp(y_unit)[1] - 1}, beyond float64: "
            "rescale y")
    bias = lipschitz * radius if lipschitz is not None else None

    # ----- distributional part: MMD between the sample and its transformed copy --------------------
    m_pts = min(n, mmd_max_points)
    sub = np.sort(rng.choice(n, size=m_pts, replace=False)) if m_pts < n else np.arange(n)
    g_fresh = group.sample(m_pts, rng)
    xs = x[sub]
    txs = group.apply_each(g_fresh, xs)
    if not isometric:
        check_magnitude("the transformed inputs g X", txs)
    mmd2, pval, sigma = _mmd_test(xs.reshape(m_pts, -1), txs.reshape(m_pts, -1), mmd_bandwidth,
                                  n_permutations, rng)  # m_pts >= 2: n >= 2, mmd_max_points >= 2
    if not group.is_group and not getattr(group, "is_symmetric", True):
        notes.append("the set is not closed under inverses: the within-pair permutation test is "
                     "approximate")

    return DataEquivarianceEstimate(
        value=value, stderr=stderr, ci=ci, confidence=confidence, p=p,
        coverage=coverage, n_matched=n_matched, n_pairs=n_pairs, radius=radius,
        bias_bound=bias, max_observed=scale * y_unit, n_group_samples=n_el, exhaustive=exhaustive,
        mmd=math.sqrt(mmd2), mmd2=mmd2, mmd_pvalue=pval, mmd_bandwidth=sigma, n_mmd_points=m_pts,
        n_permutations=n_permutations, group=group, rho=rho_name, notes=tuple(notes),
        n_points_matched=n_clusters, min_coverage=min_coverage, coverage_ok=coverage_ok,
        _X=x, _y=yy, _rho=rho,
    )


#: the former name of :class:`DataEquivarianceEstimate` (it read like an exception)
DataEquivarianceError = DataEquivarianceEstimate
