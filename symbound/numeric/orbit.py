r"""Model equivariance error by orbit sampling (THEORY.md section 3).

.. math::

    e_f(x, g) = \| f(g x) - \rho(g) f(x) \|_2, \qquad
    \mathrm{ee}_p(f) = \Big( \mathbb{E}_{x \sim \mu_X} \mathbb{E}_{g \sim \lambda} e_f(x, g)^p \Big)^{1/p}.

Two paths evaluate the orbit integral:

* **batched** — any callable ``model(xs)`` taking a batch ``(batch, *input_shape)`` and returning
  ``(batch, k)`` or ``(batch,)`` (numpy, a wrapped torch model, ...).  A kernel draws the group
  samples of a block of points and writes the transformed inputs into one reused buffer of
  ``batch_size`` inputs; the model runs on that buffer; a kernel reduces.  Extra memory:
  ``batch_size * (input size + element size)`` floats, whatever N x K.
* **fused** — a numba ``@njit`` model of ONE input returning a 1-D array: one parallel kernel over
  the points draws, transforms, calls the model and accumulates, with per-thread buffers only.

A numba dispatcher is always taken as a function of one input (the fused convention); on the batched
path it is evaluated row by row by a parallel kernel.  To use an njit *batch* function, pass
``lambda xs: f(xs)``.

Estimation.  Each data point i gets its own group samples g_i1..g_iK (seeded by its index), so the
per-point means ``m_i = mean_k e(x_i, g_ik)^p`` are iid and unbiased for ``E_x E_g e^p``.  The
estimate is ``(mean_i m_i)^(1/p)``; the normal interval is the CLT interval of ``mean_i m_i``
(``stderr = sd(m_i)/sqrt(N)``), clipped at 0 and mapped by the increasing map ``t -> t^(1/p)``, so
its coverage is exactly that of the interval for ``E e^p``; ``stderr`` of the value is the delta
method ``sd_m / (p mean^(1 - 1/p))``.  The bootstrap interval resamples the data points (percentile
method, seeded).  Both intervals account for the sampling of x and of g (the group noise is inside
``m_i``); for an exactly enumerated finite set there is no group noise.

Model failures.  Every output is checked: its shape (a fixed ``k >= 1``), and NaN/inf.  An njit
model is called inside the kernels through ``kernels.call_model``, which catches its exceptions and
compares each output's size with k (one integer compare per call); the Python layer then raises an
:class:`~symbound.errors.InvalidValueError` naming the input (``X[i]`` or group sample k of ``X[i]``)
and, for an exception, the model's own message (recovered by calling the model again from Python
on that input, and chained with ``from``).

Range.  Large but finite inputs or outputs can make ``e^2`` or ``e^p`` overflow float64 (``e``
beyond about ``1e154`` for p = 2).  We raise an ``InvalidValueError`` then, suggesting to rescale
(``ee_p(c f) = c ee_p(f)``), rather than return inf/NaN: computing e^p robustly would need a
log-domain accumulation in every kernel.  Everything after the per-point means ``m_i`` is computed
on ``m / max m`` and scaled back in the ``t^(1/p)`` domain (standard deviations square ``m_i``), so
any representable ``m_i`` gives finite estimates, intervals and standard errors; norms of outputs
are computed with scaling too.

Cost of the first call (measured, ``benchmarks/README.md``, orbit): the kernels are cached on disk
(``cache=True``); the first call of a process costs about 12 s with a cold cache and 0.04 s with a
warm one.  The fused kernel takes the model as an argument and is compiled once per njit model and
process (about 6 s, ``bench_orbit.py --quick``).  Threads: the batched path runs a GIL-free producer
thread beside the model and limits BLAS to one thread by default (``blas_threads="auto"``,
threadpoolctl); in threads that run concurrently (Dask tasks, ``model_threads``) only serial kernels
are used, as numba's workqueue layer forbids concurrent parallel launches.  The model sees the
points of a batch and their transformed copies in one call.
"""

from __future__ import annotations

import contextlib
import queue
from concurrent.futures import ThreadPoolExecutor, as_completed
import math
import statistics
from dataclasses import dataclass, field

import numpy as np

from .._validation import check_bool, check_choice, check_integer, check_probability, check_real
from ..errors import InvalidTypeError, InvalidValueError
from ..groups import O, SO, Cyclic, PartialRotations, Translations
from . import kernels as K
from ._checks import as_float_array, check_group_matches, check_rng_seed
from .group_samples import _GroupSpec, group_spec, seed_key

__all__ = [
    "EquivarianceErrorEstimate",
    "EquivarianceErrorCurve",
    "LieDerivativeEstimate",
    "equivariance_error",
    "equivariance_error_curve",
    "lie_derivative",
    "assert_equivariant",
]

#: default number of transformed inputs per model call on the batched path
DEFAULT_BATCH_SIZE = 2048  # measured fastest for a numpy model on 2 cores (benchmarks/README.md, orbit)
DEFAULT_QUANTILES = (0.5, 0.9, 0.99)


# ----- the model ----------------------------------------------------------------------------------
def _is_njit(model) -> bool:
    try:
        from numba.core.dispatcher import Dispatcher
    except ImportError:  # pragma: no cover
        return False
    return isinstance(model, Dispatcher)


class _Model:
    """The user's model with its batch convention checked once and every output validated."""

    def __init__(self, model, X: np.ndarray):
        if not callable(model):
            raise InvalidTypeError(f"model must be callable, got {type(model).__name__}")
        self.model = model
        self.is_njit = _is_njit(model)
        self.serial = False  # njit models: evaluate rows without numba's thread pool
        self.input_shape = X.shape[1:]
        if self.is_njit:
            try:
                y = model(X[0])
            except Exception as exc:  # numba typing errors and the user's own errors
                raise InvalidValueError(
                    f"model (an njit function, taken as a function of one input of shape "
                    f"{X.shape[1:]}) failed on X[0]: {type(exc).__name__}: {exc}"
                ) from exc
            if not isinstance(y, np.ndarray) or y.ndim != 1 or y.size < 1:
                raise InvalidValueError(
                    "model (an njit function) must return a 1-D array of k >= 1 outputs for one "
                    f"input of shape {X.shape[1:]}, got {type(y).__name__} of shape "
                    f"{getattr(y, 'shape', None)} on X[0]"
                )
            self.q = int(y.size)
            self.dtype = y.dtype
            self.squeeze = False
            self._check_finite(y[None, :], "X[:1]")
        else:
            y = self._raw(X[:1])
            if y.ndim not in (1, 2) or y.shape[0] != 1:
                raise InvalidValueError(
                    "model must return shape (batch,) or (batch, k); for a batch of 1 input of shape "
                    f"{X.shape[1:]} (X[:1]) it returned shape {y.shape}")
            if y.ndim == 2 and y.shape[1] == 0:
                raise InvalidValueError(
                    "model must return at least one output (k >= 1); for a batch of 1 input of shape "
                    f"{X.shape[1:]} (X[:1]) it returned shape {y.shape}, i.e. k = 0")
            self.dtype = y.dtype
            self.q = 1 if y.ndim == 1 else int(y.shape[1])
            self.squeeze = y.ndim == 1
            self._check(y, 1, "X[:1]")

    def _raw(self, xs):
        out = self.model(xs)
        try:
            return np.asarray(out)
        except Exception as exc:
            raise InvalidTypeError(
                f"model must return an array-like, got {type(out).__name__}"
            ) from exc

    def _check(self, y: np.ndarray, batch: int, what: str) -> np.ndarray:
        ok = (y.ndim == 1 and y.shape[0] == batch) or (y.ndim == 2 and y.shape[0] == batch)
        if not ok or (hasattr(self, "q") and (1 if y.ndim == 1 else y.shape[1]) != self.q):
            raise InvalidValueError(
                f"model must return shape (batch,) or (batch, k) with a fixed k; for a batch of "
                f"{batch} inputs of shape {self.input_shape} ({what}) it returned shape {y.shape}"
                + (f", expected k={self.q}" if hasattr(self, "q") else "")
            )
        if not np.issubdtype(y.dtype, np.number) or np.iscomplexobj(y):
            raise InvalidTypeError(f"model must return real numbers, got dtype {y.dtype}")
        y = np.ascontiguousarray(y.reshape(batch, -1), dtype=np.float64)
        self._check_finite(y, what)
        return y

    @staticmethod
    def _check_finite(y, what):
        if not np.all(np.isfinite(y)):
            bad = int(np.count_nonzero(~np.isfinite(y)))
            raise InvalidValueError(f"model returned {bad} NaN/inf values on {what}")

    def __call__(self, xs: np.ndarray, what: str = "a batch", label=None) -> np.ndarray:
        """Outputs (batch, q) float64 of a batch of inputs.  ``label(r)`` names row r in messages."""
        b = xs.shape[0]
        if self.is_njit:
            out = np.empty((b, self.q))
            status = np.zeros((b, 2), dtype=np.int64)
            xs = np.ascontiguousarray(xs)
            rows = K.eval_rows_serial if self.serial else K.eval_rows
            rows(self.model, xs, out, status)
            bad = np.flatnonzero(status[:, 0] != K.MODEL_OK)
            if bad.size:
                r = int(bad[0])
                where = label(r) if label is not None else f"input {r} of {what}"
                self.raise_failure(int(status[r, 0]), int(status[r, 1]), xs[r], where,
                                   f"{bad.size} of the {b} calls on {what} failed")
            self._check_finite(out, what)
            return out
        return self._check(self._raw(xs), b, what)

    def raise_failure(self, status: int, size: int, x: np.ndarray, where: str, count: str = ""):
        """Raise the error of a failed call of the njit model inside a kernel (``K.call_model``).
        The exception is recovered by calling the model again from Python on the same input."""
        more = f" ({count})" if count else ""
        if status == K.MODEL_BAD_SIZE:
            raise InvalidValueError(
                f"model must return outputs of a fixed size k = {self.q} (its size on X[0]); on "
                f"{where} it returned an array of size {size}{more}")
        try:
            self.model(x)
        except Exception as exc:
            raise InvalidValueError(
                f"model raised {type(exc).__name__}: {exc} -- on {where} (called inside the numba "
                f"kernel){more}") from exc
        raise InvalidValueError(
            f"model raised an exception on {where} inside the numba kernel{more}; called again from "
            "Python on the same input it did not raise, so its message is unknown")


def _check_X(X, group) -> np.ndarray:
    from ..groups import TransformationSetBase

    if not isinstance(group, TransformationSetBase):
        raise InvalidTypeError(
            f"group must be a transformation set of symbound.groups, got {type(group).__name__}")
    X = as_float_array("X", X, min_ndim=2)
    if X.shape[0] < 2:
        raise InvalidValueError(
            f"X must contain at least 2 samples (standard errors and intervals need 2), got shape {X.shape}")
    check_group_matches("X", X, group)
    return X


def _perm_m(X: np.ndarray, group) -> int:
    if group.action == "permutation" and getattr(group, "axis", -2) == -2:
        return int(X.shape[-1])
    return 1


def _rho_mode(rho, spec: _GroupSpec, q: int):
    """0: invariance, 1: output matrices (``"same"`` or a callable)."""
    if rho is None:
        return 0
    if isinstance(rho, str):
        if rho != "same":
            raise InvalidValueError(f"rho must be None, 'same' or a callable, got {rho!r}")
        n = int(spec.iparams[0])
        if spec.action == K.ACTION_TRANSLATION:
            raise InvalidValueError("rho='same' needs a linear or permutation action; translations "
                                    "do not act on outputs (use a callable rho)")
        if q != n:
            raise InvalidValueError(
                f"rho='same' needs model outputs of length n={n} (the group acts on them), got k={q}"
            )
        return 1
    if callable(rho):
        return 1
    raise InvalidTypeError(f"rho must be None, 'same' or a callable, got {type(rho).__name__}")


def _rho_matrices(rho, spec: _GroupSpec, rows: np.ndarray, q: int) -> np.ndarray:
    """Output matrices (B, q, q) for element rows (B, esize)."""
    B = rows.shape[0]
    if isinstance(rho, str):  # "same"
        if spec.action == K.ACTION_LINEAR:
            return rows.reshape(B, q, q)
        perms = spec.to_group_repr(rows)
        R = np.zeros((B, q, q))
        R[np.arange(B)[:, None], np.arange(q)[None, :], perms] = 1.0  # (P f)[j] = f[perm[j]]
        return R
    R = np.asarray(rho(spec.to_group_repr(rows)), dtype=np.float64)
    if R.shape != (B, q, q):
        raise InvalidValueError(
            f"rho(elements) must return matrices of shape (K, k, k) = ({B}, {q}, {q}), got {R.shape}"
        )
    if not np.all(np.isfinite(R)):
        raise InvalidValueError("rho(elements) returned NaN/inf entries")
    return np.ascontiguousarray(R)


# ----- the engine ---------------------------------------------------------------------------------
@dataclass
class _OrbitStats:
    m: np.ndarray        # (N,) mean_k e^p
    mx: np.ndarray       # (N,) max_k e
    arg: np.ndarray      # (N,) argmax_k
    norms: np.ndarray    # (N,) ||f(x_i)||


def _progress(total, enabled, desc):
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="pt")


def _batched_pass(mdl: _Model, X, spec: _GroupSpec, key, i0, rho, p, batch_size, progress,
                  per_k=None, pipeline=True, model_threads=1, serial=False) -> _OrbitStats:
    """The batched path.  With ``pipeline`` a producer thread (a GIL-free serial kernel) fills the
    next buffer of transformed inputs while the model runs on the current one (two buffers of
    ``batch_size`` inputs); otherwise a parallel kernel fills one buffer between model calls.
    With ``model_threads > 1`` (thread-safe batch models only) that many threads each transform,
    evaluate and reduce their own chunks (GIL-free kernels; numpy releases the GIL too).
    ``serial``: no numba parallel kernel at all (Dask tasks may run in concurrent threads, which
    numba's workqueue layer does not allow)."""
    N = X.shape[0]
    L = int(np.prod(X.shape[1:]))
    Kk = spec.K
    q = mdl.q
    mode = _rho_mode(rho, spec, q)
    pts = min(max(1, batch_size // Kk), N)
    starts = list(range(0, N, pts))
    pipeline = pipeline and len(starts) > 1
    Xf = X.reshape(N, L)
    st = _OrbitStats(np.empty(N), np.empty(N), np.empty(N, dtype=np.int64), np.empty(N))
    args = (spec.action, spec.ecode, spec.method, spec.iparams, spec.fparams, spec.table, spec.alpha,
            key)
    bar = _progress(N, progress, "orbit integral")
    if serial:
        return _check_overflow(
            _threaded_pass(mdl, X, spec, args, i0, rho, mode, p, starts, pts, 1, st, bar), p, i0)
    if model_threads > 1 and len(starts) > 1 and not mdl.is_njit and per_k is None:
        return _check_overflow(
            _threaded_pass(mdl, X, spec, args, i0, rho, mode, p, starts, pts, model_threads, st, bar),
            p, i0)
    n_buf = 2 if pipeline else 1
    buf_e = [np.empty((pts * Kk, spec.esize)) for _ in range(n_buf)]
    # rows [0, b): the points themselves; rows [b, b (K + 1)): their transformed copies, so that one
    # model call gives both (measured: 0.02 s less of the engine's own time at N K = 1.28 M)
    buf_x = [np.empty((pts * (Kk + 1), L)) for _ in range(n_buf)]
    e2 = np.empty(pts * Kk)
    R_empty = np.zeros((1, 1, 1))

    def produce(c):
        s = starts[c]
        b = min(pts, N - s)
        kern = K.transform_block_serial if pipeline else K.transform_block
        copies = _points_then_copies(buf_x[c % n_buf][:b * (Kk + 1)], Xf[s:s + b])
        kern(*args, i0 + s, Kk, Xf[s:s + b], buf_e[c % n_buf][:b * Kk], copies)

    pool = ThreadPoolExecutor(1) if pipeline else None
    # with the producer thread busy, a serial reduction avoids waking numba's pool (measured faster)
    reduce = K.orbit_errors_serial if pipeline else K.orbit_errors
    try:
        fut = pool.submit(produce, 0) if pipeline else None
        for c, s in enumerate(starts):
            b = min(pts, N - s)
            rows = slice(0, b * Kk)
            if pipeline:
                fut.result()
                if c + 1 < len(starts):
                    fut = pool.submit(produce, c + 1)
            else:
                produce(c)
            bx, be = buf_x[c % n_buf], buf_e[c % n_buf]
            F0, FG = _block_outputs(mdl, X[s:s + b], bx[:b * (Kk + 1)], i0 + s, Kk)
            R = _rho_matrices(rho, spec, be[rows], q) if mode == 1 else R_empty
            reduce(F0, FG, R, mode, float(p), e2[rows], st.m[s:s + b], st.mx[s:s + b],
                   st.arg[s:s + b])
            st.norms[s:s + b] = _row_norms(F0)
            if per_k is not None:
                per_k(e2[rows].reshape(b, Kk))
            if bar is not None:
                bar.update(b)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if bar is not None:
            bar.close()
    return _check_overflow(st, p, i0)


def _block_outputs(mdl: _Model, Xb, xt, g0, Kk):
    """Model outputs on the points ``Xb`` (global indices g0, g0 + 1, ...) and on their transformed
    copies, in one model call: ``xt`` holds the b points followed by their b K transformed inputs
    (row b + (i - g0) K + k: group sample k of point i)."""
    b = Xb.shape[0]

    def label(r):
        if r < b:
            return f"X[{g0 + r}]"
        return f"group sample {(r - b) % Kk} of X[{g0 + (r - b) // Kk}] (the input g x)"

    F = mdl(xt.reshape((b * (Kk + 1),) + Xb.shape[1:]),
            f"X[{g0}:{g0 + b}] and their transformed inputs", label=label)
    return F[:b], F[b:]


def _row_norms(F: np.ndarray) -> np.ndarray:
    """Euclidean norms of the rows of F without overflow of the squares (``kernels.row_norms``)."""
    out = np.empty(F.shape[0])
    K.row_norms(F, out)
    return out


def _points_then_copies(buf: np.ndarray, Xb: np.ndarray) -> np.ndarray:
    """The layout of one model call (:func:`_block_outputs`): rows ``[0, b)`` of ``buf`` receive the
    b flat points ``Xb``; returns the rows ``[b, ...)`` that receive their transformed copies."""
    b = Xb.shape[0]
    buf[:b] = Xb
    return buf[b:]


def _overflow_error(p, where: str) -> InvalidValueError:
    return InvalidValueError(
        f"the pointwise errors e(x, g) = ||f(g x) - rho(g) f(x)|| overflow float64 on {where}: "
        f"e^2 or e^p (p={p:g}) exceeds {np.finfo(np.float64).max:.3g}.  Rescale the model's "
        "outputs (ee_p(c f) = c ee_p(f): estimate it for c f with a small constant c and divide "
        "by c) or the inputs X")


def _check_overflow(st: _OrbitStats, p, i0) -> _OrbitStats:
    """The model outputs are finite (checked); a non-finite ``mean_k e^p`` or ``max_k e`` is then an
    overflow of e^2 or e^p: raise instead of returning inf/NaN (module docstring, "Range")."""
    bad = ~(np.isfinite(st.m) & np.isfinite(st.mx))
    if np.any(bad):
        i = int(np.flatnonzero(bad)[0])
        raise _overflow_error(p, f"X[{i + i0}] and its group samples ({int(bad.sum())} points "
                                 "affected)")
    return st


def _threaded_pass(mdl, X, spec, args, i0, rho, mode, p, starts, pts, T, st, bar):
    N = X.shape[0]
    L = int(np.prod(X.shape[1:]))
    Kk = spec.K
    q = mdl.q
    Xf = X.reshape(N, L)
    free = queue.SimpleQueue()
    for _ in range(T):
        free.put((np.empty((pts * Kk, spec.esize)), np.empty((pts * (Kk + 1), L)),
                  np.empty(pts * Kk)))
    R_empty = np.zeros((1, 1, 1))

    def work(s):
        b = min(pts, N - s)
        rows = slice(0, b * Kk)
        be, bx, e2 = free.get()
        try:
            copies = _points_then_copies(bx[:b * (Kk + 1)], Xf[s:s + b])
            K.transform_block_serial(*args, i0 + s, Kk, Xf[s:s + b], be[rows], copies)
            F0, FG = _block_outputs(mdl, X[s:s + b], bx[:b * (Kk + 1)], i0 + s, Kk)
            R = _rho_matrices(rho, spec, be[rows], q) if mode == 1 else R_empty
            K.orbit_errors_serial(F0, FG, R, mode, float(p), e2[rows], st.m[s:s + b],
                                  st.mx[s:s + b], st.arg[s:s + b])
            st.norms[s:s + b] = _row_norms(F0)
        finally:
            free.put((be, bx, e2))
        return b

    try:
        with ThreadPoolExecutor(T) as pool:
            futs = [pool.submit(work, s) for s in starts]
            try:
                for f in as_completed(futs):
                    b = f.result()
                    if bar is not None:
                        bar.update(b)
            except BaseException:
                for f in futs:
                    f.cancel()
                raise
    finally:
        if bar is not None:
            bar.close()
    return st


#: points per dynamically scheduled chunk of the fused kernel's parallel loop
_FUSED_CHUNK = 128


def _set_chunksize(n):
    """numba's parallel chunk size of this thread (0 = static halves); returns the previous one."""
    try:
        from numba import set_parallel_chunksize
    except ImportError:  # pragma: no cover - numba < 0.57
        return 0
    return set_parallel_chunksize(n)


def _fused_pass(mdl: _Model, X, spec: _GroupSpec, key, i0, rho, p, chunk, progress) -> _OrbitStats:
    N = X.shape[0]
    mode = _rho_mode(rho, spec, mdl.q)
    if mode == 1 and (callable(rho) and not isinstance(rho, str) or spec.action != K.ACTION_LINEAR):
        raise InvalidValueError("the fused path supports rho=None and rho='same' with a linear action; "
                                "use method='batched' for other output actions")
    st = _OrbitStats(np.empty(N), np.empty(N), np.empty(N, dtype=np.int64), np.empty(N))
    status = np.zeros((N, 3), dtype=np.int64)
    bar = _progress(N, progress, "orbit integral (fused)")
    step = N if not progress else max(1, chunk)
    # dynamic scheduling in chunks of points: on a shared machine a thread whose core is also
    # used by another process no longer holds up the whole pass (static halves: measured best
    # 0.27 s vs 0.21 s with one foreign busy process on 2 cores; no cost on a free machine)
    old_chunk = _set_chunksize(_FUSED_CHUNK)
    try:
        for s in range(0, N, step):
            b = min(step, N - s)
            K.fused_orbit_errors(mdl.model, X[s:s + b], spec.action, spec.ecode, spec.method,
                                 spec.iparams, spec.fparams, spec.table, spec.alpha, key, i0 + s,
                                 spec.K, mode == 1, float(p), mdl.q, st.m[s:s + b], st.mx[s:s + b],
                                 st.arg[s:s + b], st.norms[s:s + b], status[s:s + b])
            if bar is not None:
                bar.update(b)
    finally:
        _set_chunksize(old_chunk)
        if bar is not None:
            bar.close()
    failed = np.flatnonzero(status[:, 0] != K.MODEL_OK)
    if failed.size:
        i = int(failed[0])
        code, k, size = (int(v) for v in status[i])
        if k < 0:
            x, where = X[i], f"X[{i + i0}]"
        else:
            x = _point_orbit(spec, key, i0 + i, X[i])[1][k]
            where = f"group sample {k} of X[{i + i0}] (the input g x)"
        mdl.raise_failure(code, size, x, where, f"{failed.size} of {N} points failed")
    bad = ~(np.isfinite(st.m) & np.isfinite(st.mx) & np.isfinite(st.norms))
    if np.any(bad):  # the fused kernel does not test each output: find out what went wrong
        i = int(np.flatnonzero(bad)[0])
        _, xt = _point_orbit(spec, key, i0 + i, X[i])
        buf = np.empty((spec.K + 1, X[i].size))
        _points_then_copies(buf, X[i:i + 1].reshape(1, -1))[:] = xt.reshape(spec.K, -1)
        _block_outputs(mdl, X[i:i + 1], buf, i0 + i, spec.K)  # raises on NaN/inf outputs
        raise _overflow_error(p, f"X[{i + i0}] and its group samples ({int(bad.sum())} points "
                                 "affected)")
    return st


def _point_orbit(spec: _GroupSpec, key, gi, xi):
    """The K group samples of data point ``gi`` (rows) and the transformed inputs (K, *xi.shape),
    exactly as the kernels draw them (counter-based: only the point's index and the key matter)."""
    L = xi.size
    rows = np.empty((spec.K, spec.esize))
    xt = np.empty((spec.K, L))
    K.transform_block(spec.action, spec.ecode, spec.method, spec.iparams, spec.fparams, spec.table,
                      spec.alpha, key, gi, spec.K, np.ascontiguousarray(xi).reshape(1, L), rows, xt)
    return rows, xt.reshape((spec.K,) + xi.shape)


def _local_pass(model, X, spec, key, i0, rho, p, batch_size):
    """Entry point of a Dask task: the batched path with serial GIL-free kernels only (tasks may run
    in concurrent threads of one worker, and numba's workqueue layer aborts on concurrent parallel
    launches).  njit models are evaluated row by row on the task's thread."""
    mdl = _Model(model, X)
    mdl.serial = True
    return _batched_pass(mdl, X, spec, key, i0, rho, p, batch_size, False, serial=True)


def _dask_pass(client, model, X, spec, key, rho, p, batch_size, n_chunks):
    N = X.shape[0]
    n_chunks = max(1, min(n_chunks, N))
    bounds = np.linspace(0, N, n_chunks + 1).astype(int)
    futures = [client.submit(_local_pass, model, X[a:b], spec, key, int(a), rho, p, batch_size,
                             pure=False)
               for a, b in zip(bounds[:-1], bounds[1:]) if b > a]
    parts = client.gather(futures)
    return _OrbitStats(np.concatenate([r.m for r in parts]), np.concatenate([r.mx for r in parts]),
                       np.concatenate([r.arg for r in parts]), np.concatenate([r.norms for r in parts]))


def _choose_path(method, mdl: _Model, rho, spec) -> str:
    method = check_choice("method", method, ("auto", "batched", "fused"))
    if method == "fused":
        if not mdl.is_njit:
            raise InvalidTypeError("method='fused' needs a numba @njit model of one input returning a "
                                   f"1-D array, got {type(mdl.model).__name__}")
        return "fused"
    if method == "batched":
        return "batched"
    fusable = mdl.is_njit and (rho is None or (isinstance(rho, str) and spec.action == K.ACTION_LINEAR))
    return "fused" if fusable else "batched"


# ----- the result ---------------------------------------------------------------------------------
@dataclass(repr=False)
class EquivarianceErrorEstimate:
    r"""Estimate of the integrated equivariance error ee_p (THEORY.md section 3).

    Attributes
    ----------
    value : the estimate of ``ee_p`` (``(mean_i m_i)^(1/p)``); divided by ``||f||_{L^p(mu)}`` when
        ``relative``.
    stderr : delta-method standard error of ``value``.
    ci : normal confidence interval (CLT interval of ``E e^p``, clipped at 0, to the power 1/p).
    ci_bootstrap : percentile bootstrap interval over the data points (seeded).
    max_observed : the largest pointwise error ``e(x_i, g)`` seen (never relative).  A LOWER
        ESTIMATE of the sup error ee_inf (``max_observed_is_lower_estimate`` is True).
    argmax : (data index, group sample index) of ``max_observed``; ``worst_element`` is that element.
    per_point : (N,) orbit errors ``(mean_k e(x_i, g_ik)^p)^(1/p)``; ``quantiles`` are theirs.
    n_samples, n_group_samples : N and K (per point).
    sampling : what was sampled how.
    estimation : how the intervals were derived.
    """

    value: float
    stderr: float
    ci: tuple
    ci_bootstrap: tuple
    max_observed: float
    argmax: tuple
    worst_element: np.ndarray
    n_samples: int
    n_group_samples: int
    sampling: str
    p: float
    relative: bool
    confidence: float
    quantiles: dict
    per_point: np.ndarray
    path: str
    output_dtype: object
    estimation: str
    mean_power: float = 0.0
    stderr_mean_power: float = 0.0
    max_observed_is_lower_estimate: bool = field(default=True)

    def __repr__(self) -> str:
        rel = " (relative to ||f||_p)" if self.relative else ""
        q = ", ".join(f"{k:g}: {v:.4g}" for k, v in self.quantiles.items())
        c = self.confidence
        return (
            f"EquivarianceErrorEstimate(ee_{self.p:g}{rel} = {self.value:.6g} ± {self.stderr:.2g} (stderr)\n"
            f"  {c:.0%} CI normal    [{self.ci[0]:.6g}, {self.ci[1]:.6g}]\n"
            f"  {c:.0%} CI bootstrap [{self.ci_bootstrap[0]:.6g}, {self.ci_bootstrap[1]:.6g}]\n"
            f"  max observed error {self.max_observed:.6g} at X[{self.argmax[0]}], group sample "
            f"{self.argmax[1]} -- a LOWER ESTIMATE of the sup error ee_inf\n"
            f"  per-point orbit-error quantiles {{{q}}}\n"
            f"  N = {self.n_samples} data points x K = {self.n_group_samples} group samples "
            f"({self.path} path); {self.sampling})"
        )

    __str__ = __repr__

    def _repr_pretty_(self, p, cycle):  # IPython
        p.text(repr(self))


# ----- public functions ---------------------------------------------------------------------------
def _check_common(p, n_group_samples, batch_size, confidence, quantiles):
    check_real("p", p, 1, None, allow_symbolic=False)
    if math.isinf(float(p)):
        raise InvalidValueError("p must be a finite real number in [1, inf); the sup error is "
                                "max_observed")
    check_integer("n_group_samples", n_group_samples, 1)
    check_integer("batch_size", batch_size, 1)
    check_probability("confidence", confidence, allow_symbolic=False)
    qs = tuple(float(check_real("quantiles", t, 0, 1, allow_symbolic=False)) for t in quantiles)
    return float(p), qs


def _seeds(seed):
    gen = check_rng_seed(seed)
    return seed_key(gen), np.random.default_rng(int(gen.integers(0, 2**63)))


def _bootstrap_ci(a, b, p, conf, rng, n_boot):
    """Percentile bootstrap of (mean a / mean b)^(1/p) over the data points (b None: mean a);
    ``a`` and ``b`` are scaled to max 1 by the caller (no overflow of the sums).
    The resampled means come from a counter-based parallel kernel keyed by ``rng`` (no index
    array in memory; the same ``rng`` state gives the same interval for any thread count)."""
    a = np.ascontiguousarray(a, dtype=np.float64)
    use_b = b is not None
    bb = np.ascontiguousarray(b, dtype=np.float64) if use_b else a
    num = np.empty(n_boot)
    den = np.empty(n_boot)
    K.bootstrap_means(a, bb, use_b, seed_key(rng), num, den)
    stats = num / np.maximum(den, 1e-300) if use_b else num
    lo, hi = np.quantile(stats, [(1 - conf) / 2, (1 + conf) / 2])
    return (max(lo, 0.0) ** (1 / p), max(hi, 0.0) ** (1 / p))


def equivariance_error(model, group, X, rho=None, p: float = 2, n_group_samples: int = 64,
                       seed=None, relative: bool = False,
                       quantiles: tuple = DEFAULT_QUANTILES, method: str = "auto",
                       sampling: str = "auto", batch_size: int = DEFAULT_BATCH_SIZE,
                       confidence: float = 0.95, n_bootstrap: int = 1000, progress: bool = False,
                       client=None, n_chunks: int | None = None,
                       blas_threads: int | str | None = "auto",
                       model_threads: int = 1) -> EquivarianceErrorEstimate:
    r"""Integrated equivariance error of a model (THEORY.md section 3).

    .. math:: \mathrm{ee}_p(f) = \big(\mathbb{E}_x \mathbb{E}_{g \sim \lambda}
              \|f(g x) - \rho(g) f(x)\|^p\big)^{1/p}

    Parameters
    ----------
    model : a callable on batches ``(batch, *input_shape) -> (batch, k) | (batch,)``, or a numba
        ``@njit`` function of one input returning a 1-D array (fused path).
    group : a transformation set of :mod:`symbound.groups` (its measure lambda is used).
    X : (N, *input_shape) samples of mu_X; the group acts on the last axis (axis -2 for points of
        ``Symmetric``).
    rho : ``None`` (invariance), ``"same"`` (the group's matrices act on the outputs) or a callable
        ``rho(elements) -> (K, k, k)`` output matrices.
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
    confidence : level of both intervals.
    n_bootstrap : bootstrap resamples.
    progress : show a tqdm progress bar (``True`` or ``False``).
    client : a ``distributed.Client``; shards the points into ``n_chunks`` tasks, each run on the
        batched path with serial kernels (the same result as the local batched path).
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
    check_integer("n_bootstrap", n_bootstrap, 1)
    check_integer("model_threads", model_threads, 1)
    check_bool("relative", relative)
    check_bool("progress", progress)
    X = _check_X(X, group)
    spec = group_spec(group, sampling, n_group_samples).with_m(_perm_m(X, group))
    mdl = _Model(model, X)
    _rho_mode(rho, spec, mdl.q)
    path = _choose_path(method, mdl, rho, spec)
    if client is not None:
        path = "batched"  # Dask tasks run the batched path with serial kernels
    key, boot_rng = _seeds(seed)
    with _blas_limit(blas_threads):
        st = _run(client, model, mdl, X, spec, key, rho, p, path, batch_size, progress, n_chunks,
                  model_threads)
    return _summarise(st, spec, key, p, relative, qs, confidence, n_bootstrap, boot_rng, path,
                      mdl.dtype)


def _blas_limit(blas_threads):
    """Context manager limiting the BLAS thread pools ("auto" = 1; None = untouched)."""
    if blas_threads is None:
        return contextlib.nullcontext()
    if isinstance(blas_threads, str):
        if blas_threads != "auto":
            raise InvalidValueError(f"blas_threads must be 'auto', None or an int >= 1, got {blas_threads!r}")
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:  # pragma: no cover - optional: without it BLAS is left alone
            return contextlib.nullcontext()
        return threadpool_limits(1, user_api="blas")
    check_integer("blas_threads", blas_threads, 1)
    from threadpoolctl import threadpool_limits

    return threadpool_limits(blas_threads, user_api="blas")


def _run(client, model, mdl, X, spec, key, rho, p, path, batch_size, progress, n_chunks,
         model_threads):
    if client is not None:
        nw = len(getattr(client, "scheduler_info", lambda: {})().get("workers", {})) or 1
        st = _dask_pass(client, model, X, spec, key, rho, p, batch_size, n_chunks or 4 * nw)
    elif path == "fused":
        st = _fused_pass(mdl, X, spec, key, 0, rho, p, batch_size, progress)
    else:
        st = _batched_pass(mdl, X, spec, key, 0, rho, p, batch_size, progress,
                           model_threads=model_threads)
    return st


def _summarise(st: _OrbitStats, spec, key, p, relative, qs, conf, n_boot, boot_rng, path, dtype):
    """The estimate, its intervals and the quantiles from the per-point means ``m_i``.

    Every statistic is computed on ``m / max(m)`` (and ``||f(x_i)|| / max ||f||``) and scaled back
    in the ``t^(1/p)`` domain: the standard deviation squares ``m_i`` (``e^(2p)``) and the mean sums
    them, which would overflow float64 long before ``m_i`` itself does."""
    N = st.m.shape[0]
    z = statistics.NormalDist().inv_cdf(0.5 + conf / 2)
    m = st.m
    sm = float(m.max())
    sm = sm if sm > 0 else 1.0
    ms = m / sm  # in [0, 1]
    mean_s = float(ms.mean())
    if relative:
        nmax = float(st.norms.max())
        if nmax == 0.0:
            raise InvalidValueError("relative=True needs a model that is not identically zero on X")
        bs = (st.norms / nmax) ** p
        mb_s = float(bs.mean())
        center_s = mean_s / mb_s
        se_s = float(np.std(ms - center_s * bs, ddof=1) / math.sqrt(N) / mb_s) if N > 1 else math.nan
        root_unit = sm ** (1 / p) / nmax        # (sm / nmax^p)^(1/p): the scale of the value
        boot = _bootstrap_ci(ms, bs, p, conf, boot_rng, n_boot)
        scale = nmax * mb_s ** (1 / p)           # ||f||_{L^p(mu)}
        est_txt = ("ratio estimator mean(m_i)/mean(||f(x_i)||^p) with a delta-method CLT interval, "
                   "clipped at 0, to the power 1/p; bootstrap: percentile, resampling data points")
    else:
        center_s = mean_s
        se_s = float(np.std(ms, ddof=1) / math.sqrt(N)) if N > 1 else math.nan
        root_unit = sm ** (1 / p)
        boot = _bootstrap_ci(ms, None, p, conf, boot_rng, n_boot)
        scale = 1.0
        est_txt = ("CLT interval for E e^p from the iid per-point means m_i, clipped at 0, to the "
                   "power 1/p; stderr of the value by the delta method; bootstrap: percentile, "
                   "resampling data points")
    value = center_s ** (1 / p) * root_unit
    boot = (boot[0] * root_unit, boot[1] * root_unit)
    if math.isnan(se_s):
        ci = (math.nan, math.nan)
        stderr = math.nan
    else:
        ci = (max(center_s - z * se_s, 0.0) ** (1 / p) * root_unit,
              (center_s + z * se_s) ** (1 / p) * root_unit)
        stderr = (root_unit * se_s / (p * center_s ** (1 - 1 / p)) if center_s > 0 else
                  (0.0 if se_s == 0 else math.inf))
    unit = root_unit ** p  # the e^p domain: may overflow for a relative error (then raise below)
    center, se = center_s * unit, se_s * unit
    per_point = m ** (1 / p)
    quant = {t: float(np.quantile(per_point / scale, t)) for t in qs}
    if not all(math.isfinite(v) for v in (value, stderr, *ci, *boot, center, se)):
        raise _overflow_error(p, "the summary of X (a relative error whose p-th power exceeds the "
                                 "float64 range)")
    i_worst = int(np.argmax(st.mx))
    k_worst = int(st.arg[i_worst])
    rows = np.empty((spec.K, spec.esize))
    K.sample_elements(spec.ecode, spec.method, spec.iparams, spec.fparams, spec.table, spec.alpha,
                      key, i_worst, spec.K, rows)
    worst = spec.to_group_repr(rows[k_worst:k_worst + 1])[0]
    return EquivarianceErrorEstimate(
        value=float(value), stderr=float(stderr), ci=ci, ci_bootstrap=boot,
        max_observed=float(st.mx[i_worst]), argmax=(i_worst, k_worst), worst_element=worst,
        n_samples=N, n_group_samples=spec.K, sampling=spec.description, p=p, relative=bool(relative),
        confidence=float(conf), quantiles=quant, per_point=per_point, path=path,
        output_dtype=dtype, estimation=est_txt, mean_power=float(center),
        stderr_mean_power=float(se))


# ----- curve along a one-parameter family ---------------------------------------------------------
@dataclass(repr=False)
class EquivarianceErrorCurve:
    r"""``t -> ee_p(f; {g_t})`` and ``t -> max_i e(x_i, g_t)`` along a one-parameter family
    (THEORY.md section 3, "Graded data symmetry").

    Attributes
    ----------
    parameters : (T,) the parameters t (angle in radians, or shift length).
    values : (T,) ``(mean_i e(x_i, g_t)^p)^(1/p)``; ``stderr`` its delta-method standard errors.
    max_observed : (T,) ``max_i e(x_i, g_t)``, a lower estimate of ``sup_x e(x, g_t)``.
    distances : (T,) ``d_G(e, g_t)`` (|angle| wrapped to [0, pi], or the torus distance of the shift).
    """

    parameters: np.ndarray
    values: np.ndarray
    stderr: np.ndarray
    max_observed: np.ndarray
    distances: np.ndarray
    family: str
    p: float
    n_samples: int

    def stabilizer(self, eps: float, which: str = "sup") -> np.ndarray:
        """Parameters where the curve is <= eps: an estimate of Stab_eps(f) on this family.

        ``which="sup"`` (default, the definition of THEORY.md §3) uses ``max_observed``, a lower
        estimate of the sup, so the returned set may be too large; ``which="p"`` uses ee_p."""
        eps = float(check_real("eps", eps, 0, None, allow_symbolic=False))
        which = check_choice("which", which, ("sup", "p"))
        curve = self.max_observed if which == "sup" else self.values
        return self.parameters[curve <= eps]

    def breaking_rate(self, which: str = "sup") -> float:
        """Estimate of the least lam with ``curve(t) <= lam d_G(e, g_t)``: ``max_t curve/d`` over the
        parameters with d > 0.  An ESTIMATE (a lower estimate when ``which="sup"``: finitely many t,
        and the max over data points is a lower estimate of the sup)."""
        which = check_choice("which", which, ("sup", "p"))
        curve = self.max_observed if which == "sup" else self.values
        ok = self.distances > 0
        if not np.any(ok):
            raise InvalidValueError("breaking_rate needs at least one parameter with d_G(e, g_t) > 0")
        return float(np.max(curve[ok] / self.distances[ok]))

    def __repr__(self) -> str:
        return (f"EquivarianceErrorCurve({self.family}, {self.parameters.size} parameters in "
                f"[{self.parameters.min():.4g}, {self.parameters.max():.4g}], p={self.p:g}, "
                f"N={self.n_samples}; max ee_p={self.values.max():.4g}, max observed error "
                f"{self.max_observed.max():.4g} (lower estimate of the sup))")


#: tolerance (radians) of the angles of a finite rotation family (multiples of 2 pi / k) and of the
#: bound |t| <= theta of partial rotations; the groups' membership tests use 1e-9 too
_ANGLE_ATOL = 1e-9


def _check_family_parameters(group_family, t: np.ndarray) -> None:
    """The angles t must give elements of the set: |t| <= theta for PartialRotations(theta), a
    multiple of 2 pi / k for Cyclic(k) (within ``_ANGLE_ATOL``); any angle for SO(2) and O(2)."""
    if isinstance(group_family, PartialRotations):
        th = float(group_family._theta())
        bad = np.abs(t) > th + _ANGLE_ATOL
        if np.any(bad):
            raise InvalidValueError(
                f"parameters must be rotation angles in [-{th:.6g}, {th:.6g}] (the angles of "
                f"{group_family.name}), got {float(t[bad][0])!r} ({int(bad.sum())} of {t.size} outside)")
    elif isinstance(group_family, Cyclic):
        k = group_family.k
        step = 2.0 * np.pi / k
        off = np.abs(t - np.round(t / step) * step)
        bad = off > _ANGLE_ATOL * np.maximum(1.0, np.abs(t))
        if np.any(bad):
            raise InvalidValueError(
                f"parameters must be angles of {group_family.name}: multiples of 2 pi / {k} = "
                f"{step:.6g} (within {_ANGLE_ATOL:g} rad), got {float(t[bad][0])!r} ({int(bad.sum())} of "
                f"{t.size} not)")


def _family_elements(group_family, parameters, direction):
    t = np.asarray(parameters, dtype=np.float64)
    if isinstance(group_family, Translations):
        n = group_family.n
        d = np.zeros(n)
        d[0] = 1.0
        if direction is not None:
            d = as_float_array("direction", direction)
            if d.shape != (n,) or np.linalg.norm(d) == 0:
                raise InvalidValueError(f"direction must be a nonzero vector of shape ({n},), got {d.shape}")
            d = d / np.linalg.norm(d)
        P = group_family.period
        rows = np.mod(t[:, None] * d[None, :], P)
        w = np.abs(t[:, None] * d[None, :]) % P
        dist = np.linalg.norm(np.minimum(w, P - w), axis=1)
        return rows, K.ACTION_TRANSLATION, n, dist, f"shift along {np.round(d, 4).tolist()}"
    plane = getattr(group_family, "plane", None)
    is_plane = (isinstance(group_family, PartialRotations) and plane is not None) or \
        (isinstance(group_family, (SO, O, Cyclic)) and (getattr(group_family, "degree", 2) == 2)
         and plane is not None)
    if not is_plane:
        raise InvalidTypeError(
            "group_family must be a one-parameter family: SO(2), O(2), Cyclic or PartialRotations with "
            f"a plane (rotation angle), or Translations (shift), got {group_family!r}"
        )
    _check_family_parameters(group_family, t)
    n = group_family.n
    i, j = plane
    rows = np.broadcast_to(np.eye(n), (t.size, n, n)).copy()
    rows[:, i, i] = np.cos(t)
    rows[:, i, j] = -np.sin(t)
    rows[:, j, i] = np.sin(t)
    rows[:, j, j] = np.cos(t)
    wrapped = np.abs(np.mod(t + np.pi, 2 * np.pi) - np.pi)
    return rows.reshape(t.size, n * n), K.ACTION_LINEAR, n, wrapped, f"rotation of plane {tuple(plane)}"


def equivariance_error_curve(model, group_family, X, parameters, rho=None, p: float = 2,
                             direction=None, batch_size: int = DEFAULT_BATCH_SIZE,
                             progress: bool = False) -> EquivarianceErrorCurve:
    r"""The equivariance error along a one-parameter family g_t: rotation by angle t (SO(2), O(2),
    Cyclic or PartialRotations with a plane) or shift by t along ``direction`` (Translations).

    For each t, ``ee_p(f; {g_t}) = (mean_i e(x_i, g_t)^p)^(1/p)`` and ``max_i e(x_i, g_t)`` (exact in
    g: no group sampling).  ``curve.stabilizer(eps)`` and ``curve.breaking_rate()`` read Stab_eps and
    the rate lam of THEORY.md section 3.

    The parameters must give elements of ``group_family``: any angle for SO(2) and O(2) (the
    rotations), ``|t| <= theta`` for ``PartialRotations(theta)``, multiples of ``2 pi / k`` for
    ``Cyclic(k)`` (both within 1e-9 rad), any shift for Translations.  Errors whose p-th power
    overflows float64 raise :class:`InvalidValueError` (see :func:`equivariance_error`).

    Examples
    --------
    >>> import numpy as np
    >>> from symbound.groups import SO
    >>> X = np.random.default_rng(0).normal(size=(50, 2))
    >>> c = equivariance_error_curve(lambda xs: xs[:, 0], SO(2), X, np.linspace(-0.1, 0.1, 5))
    >>> c.values.shape
    (5,)
    """
    p, _ = _check_common(p, 1, batch_size, 0.5, ())
    check_bool("progress", progress)
    X = _check_X(X, group_family)
    t = as_float_array("parameters", parameters, min_ndim=1).ravel()
    rows, action, n, dist, fam = _family_elements(group_family, t, direction)
    T = t.size
    ip = np.array([n, 0, 1, 0, 1], dtype=np.int64)
    fp = np.array([0.0, 0.0, 0.0, getattr(group_family, "period", 1.0)])
    spec = _GroupSpec(action, K.E_TABLE, K.M_EXACT, "exact", ip, fp, np.ascontiguousarray(rows),
                      np.zeros(1), T, fam, group_family)
    mdl = _Model(model, X)
    _rho_mode(rho, spec, mdl.q)
    # streaming sums of e^p / c and (e^p / c)^2 with c the running max of e^p per parameter (the
    # sums are rescaled when c grows): no overflow of the squares e^(2p)
    c = np.zeros(T)
    sums = np.zeros(T)
    sq = np.zeros(T)
    mx = np.zeros(T)

    def per_k(e2):
        ep = e2 ** (p / 2)
        if not np.all(np.isfinite(ep)):
            raise _overflow_error(p, "X for some parameters")
        c_new = np.maximum(c, ep.max(axis=0))
        safe = np.where(c_new > 0, c_new, 1.0)
        shrink = c / safe
        sums[:] *= shrink
        sq[:] *= shrink * shrink
        eps = ep / safe
        sums[:] += eps.sum(axis=0)
        sq[:] += (eps * eps).sum(axis=0)
        c[:] = c_new
        np.maximum(mx, np.sqrt(e2.max(axis=0)), out=mx)

    with _blas_limit("auto"):
        _batched_pass(mdl, X, spec, np.uint64(0), 0, rho, p, batch_size, progress, per_k=per_k)
    N = X.shape[0]
    mean_s = sums / N  # mean of e^p / c, in [0, 1]
    var_s = np.maximum(sq / N - mean_s ** 2, 0.0) * (N / max(N - 1, 1))
    root_c = c ** (1 / p)
    values = mean_s ** (1 / p) * root_c
    with np.errstate(divide="ignore", invalid="ignore"):
        stderr = np.where(mean_s > 0, root_c * np.sqrt(var_s / N) / (p * mean_s ** (1 - 1 / p)), 0.0)
    return EquivarianceErrorCurve(t, values, stderr, mx, dist, fam, p, N)


# ----- Lie derivative -----------------------------------------------------------------------------
@dataclass(repr=False)
class LieDerivativeEstimate:
    r"""Infinitesimal equivariance error ``||d/dt rho(g_t)^{-1} f(g_t x)|_{t=0}||`` per point.

    Attributes
    ----------
    derivatives : (N, k) the derivatives (central differences + one Richardson step: truncation
        error O(h^4)).
    norms : (N,) their Euclidean norms; ``value = (mean norms^p)^(1/p)``, ``max_observed`` (a lower
        estimate of the sup).
    error_estimate : (N,) |Richardson - plain central difference at h/2|, an estimate of the
        truncation error of the plain difference (the returned value is more accurate).
    """

    derivatives: np.ndarray
    norms: np.ndarray
    value: float
    max_observed: float
    error_estimate: np.ndarray
    h: float
    p: float
    truncation_order: int = 4

    def __repr__(self) -> str:
        return (f"LieDerivativeEstimate(L^{self.p:g} norm {self.value:.6g}, max observed "
                f"{self.max_observed:.6g} (lower estimate of the sup), h={self.h:g}, "
                f"truncation O(h^{self.truncation_order}), N={self.norms.size})")


def _expm(A):
    """exp(A) by scaling and squaring of a 24-term Taylor series (||A|| scaled below 1/2)."""
    nrm = np.linalg.norm(A, 1)
    s = max(0, int(math.ceil(math.log2(nrm / 0.5)))) if nrm > 0.5 else 0
    B = A / 2.0 ** s
    out = np.eye(A.shape[0])
    term = np.eye(A.shape[0])
    for k in range(1, 25):
        term = term @ B / k
        out = out + term
    for _ in range(s):
        out = out @ out
    return out


def lie_derivative(model, generator, X, rho=None, h: float = 1e-2, p: float = 2,
                   batch_size: int = DEFAULT_BATCH_SIZE) -> LieDerivativeEstimate:
    r"""Infinitesimal (Lie-derivative) equivariance error along a one-parameter subgroup.

    .. math:: (L_A f)(x) = \frac{d}{dt}\Big|_{t=0} \rho(g_t)^{-1} f(g_t x)
              = J_f(x) A x - d\rho(A) f(x)

    with ``g_t = exp(t A)`` (``generator`` an (n, n) matrix, e.g. skew-symmetric), or
    ``g_t x = x + t v`` (``generator`` a vector v: translations), or the rotation generator of the
    plane of an ``SO(2)``/``O(2)``/``PartialRotations`` group.  Central differences
    ``D(h) = (F(h) - F(-h)) / 2h`` (error c2 h^2 + c4 h^4 + ...) and one Richardson step
    ``(4 D(h/2) - D(h)) / 3`` (error O(h^4)).

    ``rho``: None (invariance), ``"same"`` (``rho(g_t) = exp(t A)``) or a callable on (K, n, n)
    matrices ``exp(t A)`` returning (K, k, k).

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[0.0, -1.0], [1.0, 0.0]])
    >>> X = np.random.default_rng(0).normal(size=(10, 2))
    >>> lie_derivative(lambda xs: np.linalg.norm(xs, axis=1), A, X).value < 1e-8
    True
    """
    check_real("h", h, 0, None, low_closed=False, allow_symbolic=False)
    p, _ = _check_common(p, 1, batch_size, 0.5, ())
    X = as_float_array("X", X, min_ndim=2)
    if isinstance(generator, (SO, O, PartialRotations, Cyclic)) and getattr(generator, "plane", None) is not None:
        n = generator.n
        A = np.zeros((n, n))
        i, j = generator.plane
        A[j, i], A[i, j] = 1.0, -1.0
        generator = A
    if isinstance(generator, Translations):
        raise InvalidValueError("Translations has several generators; pass the direction vector v")
    gen = as_float_array("generator", generator, min_ndim=1)
    n = X.shape[-1]
    if gen.ndim == 1:
        if gen.shape != (n,):
            raise InvalidValueError(f"generator (a translation direction) must have shape ({n},), got {gen.shape}")
        linear = False
    elif gen.shape == (n, n):
        linear = True
    else:
        raise InvalidValueError(
            f"generator must be an ({n}, {n}) matrix or a ({n},) vector for X of shape {X.shape}, "
            f"got shape {gen.shape}"
        )
    if rho is not None and not linear:
        raise InvalidValueError("rho must be None for a translation generator")
    mdl = _Model(model, X)
    if isinstance(rho, str):
        if rho != "same":
            raise InvalidValueError(f"rho must be None, 'same' or a callable, got {rho!r}")
        if mdl.q != n:
            raise InvalidValueError(f"rho='same' needs model outputs of length n={n}, got k={mdl.q}")
    elif rho is not None and not callable(rho):
        raise InvalidTypeError(f"rho must be None, 'same' or a callable, got {type(rho).__name__}")
    ts = np.array([h, -h, h / 2, -h / 2])
    if linear:
        mats = np.stack([_expm(t * gen) for t in ts])
    N = X.shape[0]
    per = max(1, batch_size // 4)
    out = np.empty((N, mdl.q))
    err = np.empty(N)
    for s in range(0, N, per):
        xb = X[s:s + per]
        b = xb.shape[0]
        if linear:
            xt = np.einsum("tij,b...j->tb...i", mats, xb)
        else:
            xt = xb[None] + ts.reshape((4,) + (1,) * xb.ndim) * gen
        F = mdl(np.ascontiguousarray(xt.reshape((4 * b,) + xb.shape[1:])),
                f"the transformed inputs of X[{s}:{s + b}]",
                label=lambda r: f"X[{s + r % b}] moved by t = {ts[r // b]:g}").reshape(4, b, mdl.q)
        if rho is not None:
            if isinstance(rho, str):
                Rinv = np.transpose(mats, (0, 2, 1)) if np.allclose(
                    gen, -gen.T) else np.linalg.inv(mats)
            else:
                R = np.asarray(rho(mats), dtype=np.float64)
                if R.shape != (4, mdl.q, mdl.q):
                    raise InvalidValueError(
                        f"rho(elements) must return shape (4, {mdl.q}, {mdl.q}), got {R.shape}")
                Rinv = np.linalg.inv(R)
            F = np.einsum("tij,tbj->tbi", Rinv, F)
        d1 = (F[0] - F[1]) / (2 * h)
        d2 = (F[2] - F[3]) / h
        rich = (4 * d2 - d1) / 3
        if not (np.all(np.isfinite(rich)) and np.all(np.isfinite(d2))):
            raise InvalidValueError(
                f"the difference quotients of the model overflow float64 on X[{s}:{s + b}] "
                f"(outputs up to {np.abs(F).max():.3g}, h={h:g}); rescale the model's outputs (the "
                "Lie derivative is linear in f) or X")
        out[s:s + b] = rich
        err[s:s + b] = _row_norms(rich - d2)
    norms = _row_norms(out)
    big = float(norms.max())
    value = big * float(np.mean((norms / big) ** p)) ** (1 / p) if big > 0 else 0.0
    return LieDerivativeEstimate(out, norms, value, big, err, float(h), p)


# ----- pytest helper ------------------------------------------------------------------------------
_TOLERANCES = {  # (rtol, atol) by the dtype of the model's outputs
    np.dtype(np.float16): (1e-2, 1e-3),
    np.dtype(np.float32): (1e-4, 1e-5),
    np.dtype(np.float64): (1e-7, 1e-9),
}


def assert_equivariant(model, group, X, rho=None, atol: float | None = None,
                       rtol: float | None = None, n_group_samples: int = 64, seed=0,
                       method: str = "auto", sampling: str = "auto") -> EquivarianceErrorEstimate:
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
    spec = group_spec(group, sampling, n_group_samples).with_m(_perm_m(X, group))
    mdl = _Model(model, X)
    _rho_mode(rho, spec, mdl.q)
    path = _choose_path(method, mdl, rho, spec)
    d_rtol, d_atol = _TOLERANCES.get(np.dtype(mdl.dtype), _TOLERANCES[np.dtype(np.float64)])
    rtol = d_rtol if rtol is None else float(check_real("rtol", rtol, 0, None, allow_symbolic=False))
    atol = d_atol if atol is None else float(check_real("atol", atol, 0, None, allow_symbolic=False))
    key, boot_rng = _seeds(seed)
    with _blas_limit("auto"):
        if path == "fused":
            st = _fused_pass(mdl, X, spec, key, 0, rho, 2.0, DEFAULT_BATCH_SIZE, False)
        else:
            st = _batched_pass(mdl, X, spec, key, 0, rho, 2.0, DEFAULT_BATCH_SIZE, False)
    tol = atol + rtol * st.norms
    excess = st.mx - tol
    i = int(np.argmax(excess))
    if excess[i] > 0:
        k = int(st.arg[i])
        rows = np.empty((spec.K, spec.esize))
        K.sample_elements(spec.ecode, spec.method, spec.iparams, spec.fparams, spec.table,
                          spec.alpha, key, i, spec.K, rows)
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
                      mdl.dtype)
