r"""The orbit engine: evaluates ``e(x_i, g_ik) = ||f(g_ik x_i) - rho(g_ik) f(x_i)||`` for every data
point and its group samples, and reduces them per point (THEORY.md section 3).  The estimators
(:mod:`symbound.numeric.orbit`, :mod:`.curve`, :mod:`.certified_sup`) call it; it returns per-point
statistics (:class:`_OrbitStats`) and knows nothing about intervals.

Two paths evaluate the orbit integral:

* **batched** — any callable ``model(xs)`` taking a batch ``(batch, *input_shape)`` and returning
  ``(batch,)`` or ``(batch, *out_shape)`` (numpy; a ``torch.nn.Module`` or a
  :class:`~symbound.numeric.frameworks.TorchModel`, converted once per batch each way; functions
  returning torch or JAX arrays).  A kernel draws the group samples of a block of points and writes
  the transformed inputs into one reused buffer of ``batch_size`` inputs; the model runs on that
  buffer; a kernel reduces.  Extra memory: ``batch_size * (input size + element size)`` floats,
  whatever N x K.  Image groups act by pixel index maps in the kernels; a callable
  :class:`~symbound.groups.Action` is applied from Python between the kernels
  (:mod:`.group_samples`).
* **fused** — a numba ``@njit`` model of ONE input returning a 1-D array: one parallel kernel over
  the points draws, transforms, calls the model and accumulates, with per-thread buffers only.

A numba dispatcher is always taken as a function of one input (the fused convention); on the batched
path it is evaluated row by row by a parallel kernel.  To use an njit *batch* function, pass
``lambda xs: f(xs)``.

Model failures.  Every output is checked: its shape (fixed, at least one value), and NaN/inf.  An njit
model is called inside the kernels through ``kernels.call_model``, which catches its exceptions and
compares each output's size with k (one integer compare per call); the Python layer then raises an
:class:`~symbound.errors.InvalidValueError` naming the input (``X[i]`` or group sample k of ``X[i]``)
and, for an exception, the model's own message (recovered by calling the model again from Python
on that input, and chained with ``from``).

Range.  Large but finite inputs or outputs can make ``e^2`` or ``e^p`` overflow float64 (``e``
beyond about ``1e154`` for p = 2).  We raise an ``InvalidValueError`` then, suggesting to rescale
(``ee_p(c f) = c ee_p(f)``), rather than return inf/NaN: computing e^p robustly would need a
log-domain accumulation in every kernel.  Norms of outputs are computed with scaling.

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
import math
import queue
import sys
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

import numpy as np

from .._validation import brief
from .._validation import check_choice, check_integer, check_probability, check_real
from ..errors import InvalidTypeError, InvalidValueError
from . import kernels as K
from ._checks import MAX_DRAWS, as_float_array, check_group_matches, check_rng_seed
from .distributed import map_shards, n_workers, shard_ranges
from .frameworks import NUMPY_BATCH_SIZE, adapt_model
from .group_samples import _GroupSpec, seed_key

#: default number of transformed inputs per model call on the batched path
DEFAULT_BATCH_SIZE = NUMPY_BATCH_SIZE  # measured fastest for a numpy model on 2 cores (benchmarks/README.md, orbit)


# ----- the model ----------------------------------------------------------------------------------
def _is_njit(model) -> bool:
    try:
        from numba.core.dispatcher import Dispatcher
    except ImportError:  # pragma: no cover
        return False
    return isinstance(model, Dispatcher)


class _Model:
    """The user's model with its batch convention checked once and every output validated.

    Batch models may return ``(batch,)`` or ``(batch, *out_shape)`` (e.g. ``(batch, k)``, or maps
    ``(batch, H, W)`` acted on by an image group); the engine works on the flattened outputs
    ``(batch, q)``, ``q = prod(out_shape)``.  Models of other frameworks (a ``torch.nn.Module``, a
    :class:`~symbound.numeric.frameworks.TorchModel`, functions returning torch or JAX arrays) are
    converted once per batch (:mod:`symbound.numeric.frameworks`)."""

    def __init__(self, model, X: np.ndarray):
        if not callable(model):
            raise InvalidTypeError(f"model must be callable, got {type(model).__name__}")
        self.model = model
        self.is_njit = _is_njit(model)
        self.serial = False  # njit models: evaluate rows without numba's thread pool
        self.input_shape = X.shape[1:]
        self.framework = "numba" if self.is_njit else None
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
            self.out_shape = (self.q,)
            self.dtype = y.dtype
            self.squeeze = False
            self._check_finite(y[None, :], "X[:1]")
        else:
            self.call = adapt_model(model)
            self.framework = self.call.framework
            try:
                y = self._raw(X[:1])
            except Exception as exc:
                if self.framework != "numpy" or "torch" not in sys.modules:
                    raise
                raise InvalidTypeError(
                    f"model failed on X[:1], a NumPy array of shape {X[:1].shape}: "
                    f"{type(exc).__name__}: {exc}; if it takes torch tensors, pass a "
                    "torch.nn.Module or wrap it: symbound.TorchModel(model, dtype=...)") from exc
            if y.ndim < 1 or y.shape[0] != 1:
                raise InvalidValueError(
                    "model must return shape (batch,) or (batch, ...); for a batch of 1 input of "
                    f"shape {X.shape[1:]} (X[:1]) it returned shape {y.shape}")
            if y.size == 0:
                raise InvalidValueError(
                    "model must return at least one output (k >= 1); for a batch of 1 input of shape "
                    f"{X.shape[1:]} (X[:1]) it returned shape {y.shape}, i.e. k = 0")
            self.dtype = y.dtype
            self.out_shape = tuple(int(v) for v in y.shape[1:]) or (1,)
            self.q = int(np.prod(self.out_shape))
            self.squeeze = y.ndim == 1
            self._check(y, 1, "X[:1]")

    def default_batch_size(self) -> int:
        """Transformed inputs per model call when the caller gives none: 2048 for NumPy and numba
        models, more for torch models (:func:`~symbound.numeric.frameworks.torch_batch_size`)."""
        if self.is_njit:
            return DEFAULT_BATCH_SIZE
        return self.call.batch_size(int(np.prod(self.input_shape)))

    def batch_size(self, batch_size) -> int:
        return self.default_batch_size() if batch_size is None else int(batch_size)

    @property
    def pipelined(self) -> bool:
        """Whether a producer thread may prepare the next batch while the model runs: not for
        torch models, whose own threads need the cores (measured, benchmarks/bench_torch.py)."""
        return self.framework != "torch"

    def _raw(self, xs):
        return self.call(xs)

    def _check(self, y: np.ndarray, batch: int, what: str) -> np.ndarray:
        ok = y.ndim >= 1 and y.shape[0] == batch
        if ok and hasattr(self, "q"):
            ok = (y.ndim == 1) if self.squeeze else tuple(y.shape[1:]) == self.out_shape
        if not ok:
            expected = ((batch,) if getattr(self, "squeeze", False) else
                        (batch,) + tuple(getattr(self, "out_shape", ())))
            raise InvalidValueError(
                f"model must return shape (batch,) or (batch, ...) with a fixed output shape; for a "
                f"batch of {batch} inputs of shape {self.input_shape} ({what}) it returned shape "
                f"{y.shape}" + (f", expected {expected}" if hasattr(self, "q") else "")
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


def _rho_mode(rho, spec: _GroupSpec, q: int, out_shape: tuple | None = None) -> int:
    """0: invariance, 1: output matrices (``"same"`` on a linear or permutation action, or a
    callable), 2: ``"same"`` on an output action without matrices (images, callable Actions: the
    targets ``rho(g) f(x)`` are computed by :meth:`_GroupSpec.apply_output`)."""
    if rho is None:
        return 0
    if isinstance(rho, str):
        if rho != "same":
            raise InvalidValueError(f"rho must be None, 'same' or a callable, got {brief(rho)}")
        if spec.output_action:
            spec.check_output(tuple(out_shape) if out_shape is not None else (q,))
            return 2
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


_R_EMPTY = np.zeros((1, 1, 1))
_T_EMPTY = np.zeros((1, 1))


def _rho_arrays(rho, mode: int, spec: _GroupSpec, rows: np.ndarray, F0: np.ndarray, mdl):
    """``(R, T)`` of the reduction kernel: output matrices (mode 1) or target rows ``rho(g) f(x)``
    (mode 2) for the element rows of a block whose points have outputs ``F0``."""
    if mode == 1:
        return _rho_matrices(rho, spec, rows, mdl.q), _T_EMPTY
    if mode == 2:
        Kk = rows.shape[0] // F0.shape[0]
        T = spec.apply_output(rows, np.repeat(F0, Kk, axis=0), mdl.out_shape)
        return _R_EMPTY, np.ascontiguousarray(T, dtype=np.float64)
    return _R_EMPTY, _T_EMPTY


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
    mode = _rho_mode(rho, spec, q, mdl.out_shape)
    pts = min(max(1, mdl.batch_size(batch_size) // Kk), N)
    starts = list(range(0, N, pts))
    pipeline = pipeline and mdl.pipelined and not spec.python_transform and len(starts) > 1
    Xf = X.reshape(N, L)
    st = _OrbitStats(np.empty(N), np.empty(N), np.empty(N, dtype=np.int64), np.empty(N))
    bar = _progress(N, progress, "orbit integral")
    if serial:
        return _check_overflow(
            _threaded_pass(mdl, X, spec, key, i0, rho, mode, p, starts, pts, 1, st, bar), p, i0)
    if model_threads > 1 and len(starts) > 1 and not mdl.is_njit and per_k is None:
        return _check_overflow(
            _threaded_pass(mdl, X, spec, key, i0, rho, mode, p, starts, pts, model_threads, st, bar),
            p, i0)
    n_buf = 2 if pipeline else 1
    buf_e = [np.empty((pts * Kk, spec.esize)) for _ in range(n_buf)]
    # rows [0, b): the points themselves; rows [b, b (K + 1)): their transformed copies, so that one
    # model call gives both (measured: 0.02 s less of the engine's own time at N K = 1.28 M)
    buf_x = [np.empty((pts * (Kk + 1), L)) for _ in range(n_buf)]
    e2 = np.empty(pts * Kk)

    def produce(c):
        s = starts[c]
        b = min(pts, N - s)
        copies = _points_then_copies(buf_x[c % n_buf][:b * (Kk + 1)], Xf[s:s + b])
        spec.transform(key, i0 + s, Xf[s:s + b], buf_e[c % n_buf][:b * Kk], copies,
                       serial=pipeline)

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
            R, T = _rho_arrays(rho, mode, spec, be[rows], F0, mdl)
            reduce(F0, FG, R, T, mode, float(p), e2[rows], st.m[s:s + b], st.mx[s:s + b],
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


def _threaded_pass(mdl, X, spec, key, i0, rho, mode, p, starts, pts, T, st, bar):
    N = X.shape[0]
    L = int(np.prod(X.shape[1:]))
    Kk = spec.K
    q = mdl.q
    Xf = X.reshape(N, L)
    free = queue.SimpleQueue()
    for _ in range(T):
        free.put((np.empty((pts * Kk, spec.esize)), np.empty((pts * (Kk + 1), L)),
                  np.empty(pts * Kk)))

    def work(s):
        b = min(pts, N - s)
        rows = slice(0, b * Kk)
        be, bx, e2 = free.get()
        try:
            copies = _points_then_copies(bx[:b * (Kk + 1)], Xf[s:s + b])
            spec.transform(key, i0 + s, Xf[s:s + b], be[rows], copies, serial=True)
            F0, FG = _block_outputs(mdl, X[s:s + b], bx[:b * (Kk + 1)], i0 + s, Kk)
            R, Tg = _rho_arrays(rho, mode, spec, be[rows], F0, mdl)
            K.orbit_errors_serial(F0, FG, R, Tg, mode, float(p), e2[rows], st.m[s:s + b],
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
    mode = _rho_mode(rho, spec, mdl.q, mdl.out_shape)
    if spec.python_transform:
        raise InvalidValueError(f"the fused path needs an action the kernels know; {spec.group.name} "
                                "is applied from Python: use method='batched'")
    if mode == 2 or mode == 1 and (callable(rho) and not isinstance(rho, str)
                                   or spec.action != K.ACTION_LINEAR):
        raise InvalidValueError("the fused path supports rho=None and rho='same' with a linear action; "
                                "use method='batched' for other output actions")
    st = _OrbitStats(np.empty(N), np.empty(N), np.empty(N, dtype=np.int64), np.empty(N))
    status = np.zeros((N, 3), dtype=np.int64)
    bar = _progress(N, progress, "orbit integral (fused)")
    step = N if not progress else max(1, chunk or DEFAULT_BATCH_SIZE)
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
    spec.transform(key, gi, np.ascontiguousarray(xi).reshape(1, L), rows, xt)
    return rows, xt.reshape((spec.K,) + xi.shape)


def _local_pass(model, spec, X, key, i0, rho, p, batch_size):
    """Entry point of a Dask task: the batched path with serial GIL-free kernels only (tasks may run
    in concurrent threads of one worker, and numba's workqueue layer aborts on concurrent parallel
    launches).  njit models are evaluated row by row on the task's thread."""
    mdl = _Model(model, X)
    mdl.serial = True
    return _batched_pass(mdl, X, spec, key, i0, rho, p, batch_size, False, serial=True)


def _dask_pass(client, model, X, spec, key, rho, p, batch_size, n_chunks):
    """The points in ``n_chunks`` Dask tasks (:func:`~.distributed.map_shards`): the model and the
    group are sent once per worker, each task its own slice of X; per-point results in order."""
    tasks = [(X[a:b], key, a, rho, p, batch_size)
             for a, b in shard_ranges(X.shape[0], n_shards=n_chunks)]
    parts = map_shards(client, _local_pass, tasks, broadcast=(model, spec))
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
    fusable = mdl.is_njit and not spec.python_transform and (
        rho is None or (isinstance(rho, str) and spec.action == K.ACTION_LINEAR))
    return "fused" if fusable else "batched"


def _check_common(p, n_group_samples, batch_size, confidence, quantiles):
    check_real("p", p, 1, None, allow_symbolic=False)
    if math.isinf(float(p)):
        raise InvalidValueError("p must be a finite real number in [1, inf); the sup error is "
                                "max_observed")
    check_integer("n_group_samples", n_group_samples, 1, MAX_DRAWS)
    if batch_size is not None:
        check_integer("batch_size", batch_size, 1)
    check_probability("confidence", confidence, allow_symbolic=False)
    qs = tuple(float(check_real("quantiles", t, 0, 1, allow_symbolic=False)) for t in quantiles)
    return float(p), qs


def _seeds(seed):
    gen = check_rng_seed(seed)
    return seed_key(gen), np.random.default_rng(int(gen.integers(0, 2**63)))


#: threadpoolctl's controller, cached with the number of loaded modules it was built for (building
#: one scans the process's shared libraries: 2-12 ms per call, measured; a new import may load a
#: new BLAS, so a changed module count rebuilds it)
_CONTROLLER: list = [None, -1]


def _controller():
    from threadpoolctl import ThreadpoolController

    if _CONTROLLER[1] != len(sys.modules):
        _CONTROLLER[0] = ThreadpoolController()
        _CONTROLLER[1] = len(sys.modules)
    return _CONTROLLER[0]


def _blas_limit(blas_threads):
    """Context manager limiting the BLAS thread pools ("auto" = 1; None = untouched)."""
    if blas_threads is None:
        return contextlib.nullcontext()
    if isinstance(blas_threads, str):
        if blas_threads != "auto":
            raise InvalidValueError(f"blas_threads must be 'auto', None or an int >= 1, got {brief(blas_threads)}")
        try:
            ctl = _controller()
        except ImportError:  # pragma: no cover - optional: without it BLAS is left alone
            return contextlib.nullcontext()
        return ctl.limit(limits=1, user_api="blas")
    check_integer("blas_threads", blas_threads, 1)
    return _controller().limit(limits=blas_threads, user_api="blas")


def _run(client, model, mdl, X, spec, key, rho, p, path, batch_size, progress, n_chunks,
         model_threads):
    if client is not None:
        st = _dask_pass(client, model, X, spec, key, rho, p, batch_size,
                        n_chunks or 4 * n_workers(client))
    elif path == "fused":
        st = _fused_pass(mdl, X, spec, key, 0, rho, p, batch_size, progress)
    else:
        st = _batched_pass(mdl, X, spec, key, 0, rho, p, batch_size, progress,
                           model_threads=model_threads)
    return st

