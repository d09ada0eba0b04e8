"""Benchmark of the orbit integrals (issue #4, items 2 and the speed targets (a), (b)).

Workload: N = 20 000 point clouds of 16 points in R^3, K = 64 Haar rotations each, p = 2,
invariance.

(a) model = sum over points of tanh(W^T x), W fixed 3x8, a numpy function -> batched path.
    floor  = the model alone on N*K pre-rotated inputs (same batch size, buffer reused);
    numpy  = best numpy implementation: rotations generated in numpy (quaternions), rotated copies
             by einsum(optimize=True), one GEMM, in-place tanh, chunked (best of several chunks).
    targets: engine <= 1.3 x floor, numpy >= 1.3 x engine.
(b) model = a fixed 8x8 linear map of sum over points of (W^T x)^2, an njit function -> fused path.
    numpy  = the same computation vectorised (rotated copies, GEMM, square, sum, GEMM), chunked.
    target: numpy >= 5 x fused.
The targets are read against the numpy implementation the issue describes: one Python thread, the
best chunk size and BLAS thread setting. Beyond the issue, the script also times the same numpy
chunks run by 2 Python threads (numpy releases the GIL) and prints those ratios separately.
Memory: tracemalloc peak of the engine (numpy buffers) against N*K*input size.

Usage: python benchmarks/bench_orbit.py [--quick] [--layer workqueue|omp]
(the threading layer must be chosen before numba starts, hence the option).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc

ap = argparse.ArgumentParser()
ap.add_argument("--quick", action="store_true", help="N = 2000 instead of 20 000")
ap.add_argument("--layer", default=os.environ.get("NUMBA_THREADING_LAYER", "workqueue"))
ap.add_argument("--repeat", type=int, default=2)
args = ap.parse_args()
os.environ["NUMBA_THREADING_LAYER"] = args.layer

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import numba  # noqa: E402
import numpy as np  # noqa: E402
from numba import njit  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from symbound.groups import SO  # noqa: E402
from symbound.numeric import kernels as K  # noqa: E402
from symbound.numeric.group_samples import group_spec  # noqa: E402
from symbound.numeric.orbit import DEFAULT_BATCH_SIZE, equivariance_error  # noqa: E402

N = 2000 if args.quick else 20_000
P, D, KG = 16, 3, 64
_wr = np.random.default_rng(12345)  # model weights do not depend on N (njit models freeze them)
W = _wr.normal(size=(D, 8)) / np.sqrt(D)
M = _wr.normal(size=(8, 8)) / np.sqrt(8)
rng = np.random.default_rng(0)
X = rng.normal(size=(N, P, D))


CPU = {}  # CPU seconds (all threads of the process) of the fastest run of the last `best` call


def best(fn, repeat=args.repeat):
    ts = []
    out = None
    for _ in range(repeat):
        t = time.perf_counter()
        c = time.process_time()
        out = fn()
        ts.append((time.perf_counter() - t, time.process_time() - c))
    w, c = min(ts)
    CPU["last"] = c
    return w, out


def cpu():
    return f"(CPU {CPU['last']:.3f} s)"


def model_a(xs):
    b = xs.shape[0]
    h = xs.reshape(-1, D) @ W
    np.tanh(h, out=h)
    return h.reshape(b, P, 8).sum(axis=1)


@njit(fastmath=True)
def model_b(x):
    s = np.zeros(8)
    for p in range(x.shape[0]):
        for c in range(8):
            z = x[p, 0] * W[0, c] + x[p, 1] * W[1, c] + x[p, 2] * W[2, c]
            s[c] += z * z
    return _matvec(s)


@njit(fastmath=True)
def _matvec(s):
    out = np.zeros(8)
    for a in range(8):
        acc = 0.0
        for c in range(8):
            acc += M[a, c] * s[c]
        out[a] = acc
    return out


@njit(fastmath=True)
def model_c(x):
    s = np.zeros(8)
    for p in range(x.shape[0]):
        for c in range(8):
            s[c] += np.tanh(x[p, 0] * W[0, c] + x[p, 1] * W[1, c] + x[p, 2] * W[2, c])
    return s


@njit(fastmath=True)
def scalar_tanh(z, out):
    for i in range(z.size):
        out[i] = np.tanh(z[i])


@njit(parallel=True)
def model_rows(model, xs, out):
    for i in numba.prange(xs.shape[0]):
        out[i] = model(xs[i])[0]


def numpy_quat_rot(n, r):
    q = r.standard_normal((n, 4))
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    w, x, y, z = q.T
    R = np.empty((n, 3, 3))
    R[:, 0, 0] = 1 - 2 * (y * y + z * z)
    R[:, 0, 1] = 2 * (x * y - z * w)
    R[:, 0, 2] = 2 * (x * z + y * w)
    R[:, 1, 0] = 2 * (x * y + z * w)
    R[:, 1, 1] = 1 - 2 * (x * x + z * z)
    R[:, 1, 2] = 2 * (y * z - x * w)
    R[:, 2, 0] = 2 * (x * z - y * w)
    R[:, 2, 1] = 2 * (y * z + x * w)
    R[:, 2, 2] = 1 - 2 * (x * x + y * y)
    return R


def _numpy_chunk_a(xc, r):
    """sum over the chunk's clouds and rotations of e^2, model (a), rotations drawn from ``r``."""
    b = xc.shape[0]
    R = numpy_quat_rot(b * KG, r).reshape(b, KG, 3, 3)
    xr = np.einsum("bkij,bpj->bkpi", R, xc, optimize=True)
    h = xr.reshape(-1, D) @ W
    np.tanh(h, out=h)
    fg = h.reshape(b, KG, P, 8).sum(axis=2)
    fg -= model_a(xc)[:, None, :]
    return np.einsum("bkc,bkc->", fg, fg)


def _numpy_chunk_b(xc, r):
    """The same for model (b)."""
    b = xc.shape[0]
    R = numpy_quat_rot(b * KG, r).reshape(b, KG, 3, 3)
    xr = np.einsum("bkij,bpj->bkpi", R, xc, optimize=True)
    h = xr.reshape(-1, D) @ W
    np.multiply(h, h, out=h)
    fg = (h.reshape(b * KG, P, 8).sum(axis=1) @ M.T).reshape(b, KG, 8)
    h0 = xc.reshape(-1, D) @ W
    fg -= ((h0 * h0).reshape(b, P, 8).sum(1) @ M.T)[:, None, :]
    return np.einsum("bkc,bkc->", fg, fg)


def numpy_a(chunk):
    """The issue's numpy implementation, one Python thread, one random stream."""
    r = np.random.default_rng(1)
    return np.sqrt(sum(_numpy_chunk_a(X[s:s + chunk], r) for s in range(0, N, chunk)) / (N * KG))


def numpy_b(chunk):
    r = np.random.default_rng(1)
    return np.sqrt(sum(_numpy_chunk_b(X[s:s + chunk], r) for s in range(0, N, chunk)) / (N * KG))


def numpy_threads(which, chunk, T=2):
    """The chunked numpy implementation run by T Python threads on disjoint chunks (numpy releases
    the GIL in its kernels; BLAS at 1 thread): the multi-core numpy baseline."""
    from concurrent.futures import ThreadPoolExecutor
    fn = _numpy_chunk_a if which == "a" else _numpy_chunk_b
    with ThreadPoolExecutor(T) as pool:  # one random stream per chunk: threads share no generator
        tot = sum(pool.map(lambda s: fn(X[s:s + chunk], np.random.default_rng([1, s])),
                           range(0, N, chunk)))
    return np.sqrt(tot / (N * KG))


def numpy_b_algebraic(chunk):
    """Model-specific rewrite (not a generic implementation): sum_p (a^T x_p)^2 = a^T C a,
    C = X^T X, so only 3x3 covariances are rotated."""
    r = np.random.default_rng(1)
    tot = 0.0
    for s in range(0, N, chunk):
        xc = X[s:s + chunk]
        b = xc.shape[0]
        C = np.einsum("bpi,bpj->bij", xc, xc)
        R = numpy_quat_rot(b * KG, r).reshape(b, KG, 3, 3)
        A = np.einsum("bkji,jc->bkic", R, W, optimize=True)  # R^T W
        sq = np.einsum("bkic,bij,bkjc->bkc", A, C, A, optimize=True)
        f0 = np.einsum("ic,bij,jc->bc", W, C, W, optimize=True)
        fg = (sq - f0[:, None, :]) @ M.T
        tot += np.einsum("bkc,bkc->", fg, fg)
    return np.sqrt(tot / (N * KG))


def floor_a(batch):
    """The model alone on N*K pre-rotated inputs, in batches of the engine's size."""
    spec = group_spec(SO(3), "iid", KG)
    pts = max(1, batch // KG)
    xb = np.empty((pts * KG, P * D))
    eb = np.empty((pts * KG, 9))
    K.transform_block(spec.action, spec.ecode, spec.method, spec.iparams, spec.fparams, spec.table,
                      spec.alpha, np.uint64(1), 0, KG, X[:pts].reshape(pts, -1), eb, xb)
    xb = xb.reshape(pts * KG, P, D)
    total = N * KG
    t = time.perf_counter()
    done = 0
    while done < total:
        m = min(pts * KG, total - done)
        model_a(xb[:m])
        done += m
    return time.perf_counter() - t


def engine(model, method, **kw):
    kw.setdefault("n_bootstrap", 200)
    return equivariance_error(model, SO(3), X, n_group_samples=KG, seed=0, sampling="iid",
                              method=method, **kw)


def main():
    print(f"load average at start: {open('/proc/loadavg').read().split()[:3]}")
    print(f"orbit benchmark: N={N} clouds x {P} points in R^3, K={KG} Haar rotations, p=2; "
          f"numba {numba.__version__}, numpy {np.__version__}, threading layer {args.layer}, "
          f"{numba.get_num_threads()} numba threads, OPENBLAS_CORETYPE="
          f"{os.environ.get('OPENBLAS_CORETYPE', '(unset)')}")
    # first-call (JIT) cost, measured on a tiny problem
    t = time.perf_counter()
    equivariance_error(model_a, SO(3), X[:4], n_group_samples=4, seed=0, method="batched")
    t_jit_batched = time.perf_counter() - t
    t = time.perf_counter()
    equivariance_error(model_b, SO(3), X[:4], n_group_samples=4, seed=0, method="fused")
    t_jit_fused = time.perf_counter() - t
    print(f"first call (batched kernels, from the on-disk cache if warm): {t_jit_batched:.2f} s; "
          f"first fused call for a new njit model (compiled per model and process): {t_jit_fused:.2f} s")

    # (a) --------------------------------------------------------------------------------------
    print("\n(a) numpy model sum_p tanh(W^T x_p), batched path")
    sizes = (1024, 2048, 4096, 16384)
    res = {}
    for blas, mt, bss in ((None, 1, (1024, 16384)), (1, 1, sizes), (1, 2, sizes)):
        for bs in bss:
            rep = 1 if blas is None else args.repeat
            res[blas, mt, bs], est = best(lambda: engine(model_a, "batched", batch_size=bs,
                                                         blas_threads=blas, model_threads=mt), rep)
            print(f"  engine batch_size={bs:6d}, model_threads={mt}, BLAS threads "
                  f"{blas or 'untouched (2)'}: {res[blas, mt, bs]:.3f} s {cpu()}   ee_2 = {est.value:.6f}")
    floors = {}
    for blas, bss in ((None, (1024, 16384)), (1, sizes)):
        with threadpool_limits(blas, user_api="blas"):
            for bs in bss:
                floors[blas, bs] = min(floor_a(bs) for _ in range(1 if blas is None else args.repeat))
                print(f"  floor (model alone on N*K pre-rotated inputs) batch {bs:6d}, BLAS threads "
                      f"{blas or 'untouched (2)'}: {floors[blas, bs]:.3f} s")
    np_times = {}
    for ch, blas in ((16, None), (16, 1), (64, 1), (256, 1)):
        with threadpool_limits(blas, user_api="blas"):
            np_times[ch, blas], val = best(lambda: numpy_a(ch), 1 if blas is None else args.repeat)
        print(f"  numpy chunk={ch:4d} points, BLAS threads {blas or 'default'}: "
              f"{np_times[ch, blas]:.3f} s {cpu()}   ee_2 = {val:.6f}")
    t_np1 = min(np_times.values())
    with threadpool_limits(1, user_api="blas"):
        for ch in (16, 64, 256):
            np_times[ch, "2 threads"], val = best(lambda: numpy_threads("a", ch))
            print(f"  numpy chunk={ch:4d} points, 2 Python threads, BLAS 1 thread: "
                  f"{np_times[ch, '2 threads']:.3f} s {cpu()}   ee_2 = {val:.6f}")
    fl = min(floors.values())
    t1 = min(v for (b, mt, _), v in res.items() if mt == 1)
    t2 = min(v for (b, mt, _), v in res.items() if mt == 2)
    t_def = min(v for (b, mt, _), v in res.items() if mt == 1 and b is None)
    t_np_thr = min(v for k, v in np_times.items() if k[1] == "2 threads")
    print(f"  => best floor {fl:.3f} s; the issue's numpy implementation (one Python thread, best "
          f"chunk and BLAS setting) {t_np1:.3f} s; numpy in 2 Python threads {t_np_thr:.3f} s")
    print(f"  => engine with BLAS untouched (blas_threads=None): engine/floor = {t_def / fl:.2f}, "
          f"numpy/engine = {t_np1 / t_def:.2f}")
    print(f"  => engine defaults (blas_threads='auto' = 1, model_threads=1, batch_size "
          f"{DEFAULT_BATCH_SIZE}): {res[1, 1, DEFAULT_BATCH_SIZE]:.3f} s")
    print(f"  => TARGETS (issue #4), engine with one model thread, best batch size: "
          f"engine/floor = {t1 / fl:.2f} (target <= 1.3), numpy/engine = {t_np1 / t1:.2f} "
          "(target >= 1.3)")
    print(f"  => beyond the issue: 2-thread numpy / engine = {t_np_thr / t1:.2f} with one model "
          f"thread, {t_np_thr / t2:.2f} with model_threads=2 (engine/floor {t2 / fl:.2f})")
    bs1 = min(sizes, key=lambda b: res[1, 1, b])

    # (b) --------------------------------------------------------------------------------------
    print("\n(b) njit model M sum_p (W^T x_p)^2, fused path")
    t_fused, est = best(lambda: engine(model_b, "fused"))
    print(f"  engine fused: {t_fused:.3f} s {cpu()}   ee_2 = {est.value:.6f}")
    c_fused = CPU["last"]
    t_bat, est_b = best(lambda: engine(model_b, "batched"))
    print(f"  engine batched (same njit model, row kernel): {t_bat:.3f} s   ee_2 = {est_b.value:.6f}")
    np_b = {}
    c_npb = float("inf")
    for ch in (16, 64, 256):
        with threadpool_limits(1, user_api="blas"):
            np_b[ch], val = best(lambda: numpy_b(ch))
            c_npb = min(c_npb, CPU["last"])
        print(f"  numpy chunk={ch:4d} (BLAS 1 thread, faster here): {np_b[ch]:.3f} s {cpu()}   "
              f"ee_2 = {val:.6f}")
    t_npb1 = min(np_b.values())
    with threadpool_limits(1, user_api="blas"):
        for ch in (16, 64, 256):
            np_b[ch, "2 threads"], val = best(lambda: numpy_threads("b", ch))
            print(f"  numpy chunk={ch:4d}, 2 Python threads, BLAS 1 thread: "
                  f"{np_b[ch, '2 threads']:.3f} s {cpu()}   ee_2 = {val:.6f}")
    t_npb = min(v for k, v in np_b.items() if isinstance(k, tuple))
    nb = min(4096, N)
    xr = np.empty((nb * KG, P * D))
    spec = group_spec(SO(3), "iid", KG)
    K.transform_block(spec.action, spec.ecode, spec.method, spec.iparams, spec.fparams, spec.table,
                      spec.alpha, np.uint64(1), 0, KG, X[:nb].reshape(nb, -1), np.empty((nb * KG, 9)), xr)
    xr = xr.reshape(-1, P, D)
    out = np.empty(xr.shape[0])
    model_rows(model_b, xr[:10], out)

    def floor_b():
        t = time.perf_counter()
        for _ in range(N // nb):
            model_rows(model_b, xr, out)
        model_rows(model_b, xr[:(N % nb) * KG], out)
        return time.perf_counter() - t

    t_fb = min(floor_b() for _ in range(args.repeat))
    print(f"  floor (the njit model alone on N*K pre-rotated inputs, parallel loop): {t_fb:.3f} s "
          f"-> fused / floor = {t_fused / t_fb:.2f}")
    with threadpool_limits(1, user_api="blas"):
        t_alg, val = best(lambda: numpy_b_algebraic(256))
    print(f"  numpy with a model-specific algebraic rewrite (3x3 covariances, not generic): "
          f"{t_alg:.3f} s   ee_2 = {val:.6f}")
    print(f"  load average now: {open('/proc/loadavg').read().split()[:3]}")
    print(f"  => TARGET (issue #4): numpy / fused = {t_npb1 / t_fused:.2f} wall (target >= 5); "
          f"in CPU time (thread-neutral) {c_npb / c_fused:.2f}")
    print(f"  => beyond the issue: 2-thread numpy / fused = {t_npb / t_fused:.2f}; "
          f"model-specific numpy / fused = {t_alg / t_fused:.2f}")

    # (c) transcendental-heavy njit model: what vectorised transcendentals (SVML) could buy -------
    print("\n(c) transcendental-heavy njit model sum_p tanh(W^T x_p) (pip numba: no SVML)")
    engine_warm = equivariance_error(model_c, SO(3), X[:4], n_group_samples=4, seed=0, method="fused")
    del engine_warm
    t_c, est_c = best(lambda: engine(model_c, "fused"))
    print(f"  engine fused (scalar tanh in numba): {t_c:.3f} s   ee_2 = {est_c.value:.6f}")
    with threadpool_limits(1, user_api="blas"):
        t_cb, est_cb = best(lambda: engine(model_a, "batched", batch_size=bs1))
    print(f"  engine batched with the numpy model (vectorised np.tanh): {t_cb:.3f} s")
    z = rng.normal(size=4_000_000)
    out = np.empty_like(z)
    t_np_tanh, _ = best(lambda: np.tanh(z, out=out))
    scalar_tanh(z[:1000], out[:1000])
    t_nb_tanh, _ = best(lambda: scalar_tanh(z, out))
    print(f"  tanh per value: numpy {t_np_tanh / z.size * 1e9:.2f} ns, numba loop "
          f"{t_nb_tanh / z.size * 1e9:.2f} ns (ratio {t_nb_tanh / t_np_tanh:.1f}: the most SVML "
          "could recover)")

    # memory -------------------------------------------------------------------------------------
    print("\nmemory (tracemalloc peak of numpy allocations during one engine call, n_bootstrap=1; the "
          "bootstrap kernel draws its indices on the fly: 2 x n_bootstrap floats)")
    full = N * KG * P * D * 8
    for bs in (1024, 2048, 4096, 16384):
        tracemalloc.start()
        engine(model_a, "batched", batch_size=bs, n_bootstrap=1)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"  batched, batch_size={bs:6d}: peak {peak / 2**20:7.1f} MiB "
              f"(the N x K transformed inputs would be {full / 2**20:.0f} MiB)")
    tracemalloc.start()
    engine(model_b, "fused", n_bootstrap=1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  fused: peak {peak / 2**20:7.1f} MiB (per-point outputs only; numba's per-thread "
          "buffers are not traced and are O(input size))")


if __name__ == "__main__":
    main()
