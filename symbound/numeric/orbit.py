r"""Model equivariance error by orbit sampling (THEORY.md section 3).

.. math::

    e_f(x, g) = \| f(g x) - \rho(g) f(x) \|_2, \qquad
    \mathrm{ee}_p(f) = \Big( \mathbb{E}_{x \sim \mu_X} \mathbb{E}_{g \sim \lambda} e_f(x, g)^p \Big)^{1/p}.

The public entry points of the numeric layer's orbit integrals.  The work is split by concern:

* :mod:`._orbit_engine` evaluates the model on the transformed inputs (batched and fused paths,
  threads, Dask, model failures, overflow) and returns per-point statistics;
* :mod:`.estimate` turns them into an :class:`EquivarianceErrorEstimate` (the estimate, its
  intervals from :mod:`.intervals`, and :meth:`~EquivarianceErrorEstimate.sup_upper_bound`);
* :mod:`.curve` is the error along a one-parameter family, :mod:`.lie_derivative` the
  infinitesimal error, :mod:`.certified_sup` the certified upper estimates of the sup.

This module holds :func:`equivariance_error` and :func:`assert_equivariant`, and re-exports the
others so that ``symbound.numeric.orbit`` keeps its names.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._checks import MAX_COUNT
from .._validation import check_bool, check_integer, check_real, suggest_keywords
from ._orbit_engine import (DEFAULT_BATCH_SIZE, _batched_pass, _blas_limit, _check_common, _check_X,
                            _choose_path, _fused_pass, _Model, _rho_mode, _run, _seeds)
from .distributed import check_client
from .curve import EquivarianceErrorCurve, equivariance_error_curve
from .estimate import EquivarianceErrorEstimate, _summarise
from .group_samples import group_spec
from .lie_derivative import LieDerivativeEstimate, lie_derivative
from .._types import ArrayLike, Model, Rho, Seed, TransformationSetBase

__all__ = [
    "EquivarianceErrorEstimate",
    "EquivarianceErrorCurve",
    "LieDerivativeEstimate",
    "equivariance_error",
    "equivariance_error_curve",
    "lie_derivative",
    "assert_equivariant",
    "DEFAULT_BATCH_SIZE",
]

DEFAULT_QUANTILES = (0.5, 0.9, 0.99)


@suggest_keywords
def equivariance_error(model: Model, group: TransformationSetBase, X: ArrayLike, rho: Rho = None,
                       p: float = 2, n_group_samples: int = 64, seed: Seed = None,
                       relative: bool = False, quantiles: tuple = DEFAULT_QUANTILES,
                       method: str = "auto", sampling: str = "auto", batch_size: int | None = None,
                       confidence: float = 0.95, n_bootstrap: int = 1000, progress: bool = False,
                       client: Any = None, n_chunks: int | None = None,
                       blas_threads: int | str | None = "auto",
                       model_threads: int = 1) -> EquivarianceErrorEstimate:
    r"""Integrated equivariance error of a model (THEORY.md section 3).

    .. math:: \mathrm{ee}_p(f) = \big(\mathbb{E}_x \mathbb{E}_{g \sim \lambda}
              \|f(g x) - \rho(g) f(x)\|^p\big)^{1/p}

    Parameters
    ----------
    model : a callable on batches ``(batch, *input_shape) -> (batch,) | (batch, *out_shape)``
        (NumPy; a ``torch.nn.Module``, evaluated under ``torch.no_grad()`` on its own device and
        dtype, or any function of tensors wrapped in :class:`~symbound.TorchModel`; functions
        returning torch or JAX arrays), or a numba ``@njit`` function of one input returning a 1-D
        array (fused path).
    group : a transformation set of :mod:`symbound.groups` (its measure lambda is used), an image
        group (``Dihedral(4, action="image")``) or an :class:`~symbound.groups.Action`.
    X : ``(N, *input_shape)`` samples of mu_X; the group acts on the last axis (axis -2 for points of
        ``Symmetric``; the last two axes, the image, for image groups).
    rho : ``None`` (invariance), ``"same"`` (the group's own action on the outputs: its matrices,
        or for an image group the same rotation/flip of output maps ``(..., H, W)``, for an Action
        its function applied to the outputs) or a callable ``rho(elements) -> (K, k, k)`` output
        matrices.
    p : exponent, 1 <= p < inf.
    n_group_samples : K, group samples per data point (finite sets are enumerated exactly).
    seed : int, ``numpy.random.Generator`` or None.  Same seed, same result for any batch size,
        thread count, chunking or Dask sharding.
    relative : ``True`` or ``False``; divide by ``||f||_{L^p(mu)} = (mean_i ||f(x_i)||^p)^(1/p)``
        (ratio estimator).
    quantiles : levels of the reported quantiles of the per-point orbit errors.
    method : ``"auto"`` (fused for njit models with rho None/"same", else batched), ``"batched"``,
        ``"fused"``.
    sampling : ``"auto"``, ``"iid"``, ``"stratified"``, ``"exact"`` (see :func:`group_samples`).
    batch_size : transformed inputs per model call (bounds the memory of the batched path): each
        call gets ``b = max(1, batch_size // K)`` points and their ``b K`` transformed copies.
        Default (``None``): 2048 for NumPy and numba models; for torch models 16 MiB of float64
        inputs per call, clipped to [2048, 65536] (:mod:`symbound.numeric.frameworks`).
    confidence : level of the intervals (``ci``, ``ci_normal``, ``ci_bootstrap``,
        ``ci_studentized``; :mod:`symbound.numeric.intervals`: ``ci`` holds under heavy tails and
        ``ci_diagnostic`` says which interval to trust).
    n_bootstrap : resamples of each bootstrap (the studentized one and its tail-extended twin).
    progress : show a tqdm progress bar (``True`` or ``False``).
    client : a ``distributed.Client``; shards the points into ``n_chunks`` tasks (default 4 per
        worker), each run on the batched path with serial kernels (the same result as the local
        batched path: the group samples are counter-based).  The model and the group are sent once
        per worker, each task its slice of X; a task whose worker dies is rerun elsewhere
        (:mod:`symbound.numeric.distributed`).
    n_chunks : number of Dask tasks (``None``: 4 per worker).
    blas_threads : ``"auto"`` (default: 1), an int, or ``None``.  Limits the BLAS thread pools
        (threadpoolctl; restored afterwards) while the engine runs: the engine already keeps every
        core busy (a producer thread transforms the next batch while the model runs), and a
        multi-threaded BLAS on top oversubscribes — measured up to 8x slower on the 2-core machine
        (``benchmarks/README.md``, orbit).  ``None`` leaves BLAS alone (a large model whose time is
        in big GEMMs may prefer that).
    model_threads : batched path: number of threads calling the model concurrently on different
        chunks (each with its own buffers).  Only for thread-safe batch models (numpy functions
        are); njit models use the fused path or one thread.  Results do not depend on it.
        Recommended for thread-safe models: ``model_threads=2`` on 2 cores ran 1.7x faster than
        one model thread (``benchmarks/README.md``, orbit); not the default because calling a
        model concurrently is unsafe in general.

    Returns
    -------
    EquivarianceErrorEstimate

    Raises
    ------
    InvalidValueError
        on a model that raises (njit models too: the message names the input and chains the
        model's exception), returns outputs of a varying size, zero outputs or NaN/inf; and when the
        errors' powers ``e^2`` / ``e^p`` overflow float64 (rescale the outputs or X; module
        docstring, "Range").

    Examples
    --------
    >>> import numpy as np
    >>> from symbound.groups import SO
    >>> X = np.random.default_rng(0).normal(size=(100, 3))
    >>> est = equivariance_error(lambda xs: np.linalg.norm(xs, axis=1), SO(3), X, seed=0)
    >>> est.value < 1e-12
    True
    """
    p, qs = _check_common(p, n_group_samples, batch_size, confidence, quantiles)
    check_integer("n_bootstrap", n_bootstrap, 1, MAX_COUNT)
    check_integer("model_threads", model_threads, 1)
    check_bool("relative", relative)
    check_bool("progress", progress)
    check_client(client)
    if n_chunks is not None:
        check_integer("n_chunks", n_chunks, 1)
    X = _check_X(X, group)
    spec = group_spec(group, sampling, n_group_samples).for_input(X.shape[1:])
    mdl = _Model(model, X)
    _rho_mode(rho, spec, mdl.q, mdl.out_shape)
    path = _choose_path(method, mdl, rho, spec)
    if client is not None:
        path = "batched"  # Dask tasks run the batched path with serial kernels
    key, boot_rng = _seeds(seed)
    with _blas_limit(blas_threads):
        st = _run(client, model, mdl, X, spec, key, rho, p, path, batch_size, progress, n_chunks,
                  model_threads)
    return _summarise(st, spec, key, p, relative, qs, confidence, n_bootstrap, boot_rng, path,
                      mdl.dtype, X, rho, mdl.q)


# ----- pytest helper ------------------------------------------------------------------------------
_TOLERANCES = {  # (rtol, atol) by the dtype of the model's outputs
    np.dtype(np.float16): (1e-2, 1e-3),
    np.dtype(np.float32): (1e-4, 1e-5),
    np.dtype(np.float64): (1e-7, 1e-9),
}


def assert_equivariant(model: Model, group: TransformationSetBase, X: ArrayLike, rho: Rho = None,
                       atol: float | None = None, rtol: float | None = None,
                       n_group_samples: int = 64, seed: Seed = 0, method: str = "auto",
                       sampling: str = "auto") -> EquivarianceErrorEstimate:
    r"""Assert that ``e(x_i, g) <= atol + rtol * ||f(x_i)||`` for every data point and every group
    sample (every element of a small finite group); raise ``AssertionError`` naming the worst case.

    Default tolerances follow the dtype of the model's outputs: float64 ``rtol=1e-7, atol=1e-9``,
    float32 ``rtol=1e-4, atol=1e-5``, float16 ``rtol=1e-2, atol=1e-3`` (integers: float64's).

    Returns the :class:`EquivarianceErrorEstimate` when the assertion holds.

    Examples
    --------
    >>> import numpy as np
    >>> from symbound.groups import SO
    >>> X = np.random.default_rng(0).normal(size=(20, 3))
    >>> _ = assert_equivariant(lambda xs: xs, SO(3), X, rho="same")
    """
    X = _check_X(X, group)
    spec = group_spec(group, sampling, n_group_samples).for_input(X.shape[1:])
    mdl = _Model(model, X)
    _rho_mode(rho, spec, mdl.q, mdl.out_shape)
    path = _choose_path(method, mdl, rho, spec)
    d_rtol, d_atol = _TOLERANCES.get(np.dtype(mdl.dtype), _TOLERANCES[np.dtype(np.float64)])
    rtol = d_rtol if rtol is None else float(check_real("rtol", rtol, 0, None, allow_symbolic=False))
    atol = d_atol if atol is None else float(check_real("atol", atol, 0, None, allow_symbolic=False))
    key, boot_rng = _seeds(seed)
    with _blas_limit("auto"):
        if path == "fused":
            st = _fused_pass(mdl, X, spec, key, 0, rho, 2.0, None, False)
        else:
            st = _batched_pass(mdl, X, spec, key, 0, rho, 2.0, None, False)
    tol = atol + rtol * st.norms
    excess = st.mx - tol
    i = int(np.argmax(excess))
    if excess[i] > 0:
        k = int(st.arg[i])
        rows = np.empty((spec.K, spec.esize))
        spec.sample_rows(key, i, rows)
        g = spec.to_group_repr(rows[k:k + 1])[0]
        n_bad = int(np.count_nonzero(excess > 0))
        raise AssertionError(
            f"model is not {'invariant' if rho is None else 'equivariant'} under {group.name} within "
            f"atol={atol:g}, rtol={rtol:g} (output dtype {np.dtype(mdl.dtype)}): worst error "
            f"{st.mx[i]:.6g} > tolerance {tol[i]:.3g} at X[{i}] with group sample {k} =\n"
            f"{np.array2string(np.asarray(g), precision=6)}\n"
            f"{n_bad} of {X.shape[0]} points fail; {spec.description}"
        )
    return _summarise(st, spec, key, 2.0, False, DEFAULT_QUANTILES, 0.95, 200, boot_rng, path,
                      mdl.dtype, X, rho, mdl.q)
