"""numba kernels of the orbit-sampling integrals (THEORY.md section 3): counter-based random numbers,
group elements, group actions on batches and the reductions of the equivariance error.

Only ``@njit`` functions over arrays and scalars live here: no Python objects, no SymPy, and no
kernel raises (inputs are validated by the Python API in ``group_samples.py``,
``_orbit_engine.py``, ``intervals.py`` and ``reynolds.py``).  The user's njit model is called
through :func:`call_model`, which catches the model's exceptions and checks the size of every
output against the expected ``q``: the kernels report a failure in a status array
(``MODEL_RAISED``, ``MODEL_BAD_SIZE``) and the Python layer raises.  (An exception left to
propagate out of a parallel loop is lost when it happens on a worker thread: the kernel then
returned garbage; on the main thread it surfaced as a ``SystemError``.)  All kernels use
``cache=True``; the fused kernel :func:`fused_orbit_errors` takes the user's njit model as an
argument, so numba compiles it once per model and process (a dispatcher argument cannot be cached
on disk).

Random numbers
--------------
A counter-based generator: the uniform number ``j`` of group sample ``k`` of data point ``i`` is
``splitmix64(splitmix64(base_i + (k + 1) G) + (j + 1) G)`` with ``base_i = splitmix64(key + (i + 1)
G)`` and G the golden-ratio constant (Steele, Lea & Flood 2014, "Fast splittable pseudorandom number
generators").  Nothing depends on the order of evaluation, so the same key gives the same numbers for
any thread count, chunk size or Dask sharding.

Element codes (``ecode``) and sampling methods (``method``)
------------------------------------------------------------
Elements are written as flat float64 rows: an ``n x n`` matrix (linear actions, row major), a
shift vector of length ``n`` (translations) or a permutation of ``range(n)`` stored as floats.
Every code maps ``D`` uniforms in [0, 1) to an element in a measure-preserving way (except iid
SO(3), drawn by Marsaglia's rejection method, which avoids four trigonometric calls), so the
"stratified" method (a randomly shifted equispaced grid for D = 1, a randomly shifted Kronecker
lattice with Roberts' R_D constants for D >= 2: Cranley-Patterson randomisation) is unbiased.
O(2) (``E_PLANE_REFLECT``) is stratified differently (see :func:`fill_element`): both cosets share
one randomly shifted equispaced angle grid, and every sample is marginally Haar.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

# ----- codes shared with the Python layer -------------------------------------------------------
ACTION_LINEAR = 0
ACTION_TRANSLATION = 1
ACTION_PERMUTATION = 2
ACTION_INDEXED = 3   # gather by an index map: the element is a row index of ``table`` (images)

E_TABLE = 0          # element = table[index]                (finite sets)
E_PLANE = 1          # rotation of plane (i, j) by an angle uniform in [lo, hi)
E_PLANE_REFLECT = 2  # O(2) in plane (i, j): uniform angle, reflection with probability 1/2
E_SO3 = 3            # Haar SO(3): uniform unit quaternion (iid: Marsaglia; stratified: Shoemake)
E_SO3_BALL = 4       # SO(3) conditioned on angle <= theta (angle density ~ 1 - cos w)
E_QR = 5             # Haar O(n) / SO(n): Gram-Schmidt of a Gaussian matrix (QR with sign fix)
E_TRANSLATION = 6    # uniform shift in [0, period)^n
E_SHUFFLE = 7        # uniform permutation of range(n) (Fisher-Yates)
E_INDEX = 8          # element = its index into ``table`` (rows: index maps of ACTION_INDEXED)

M_IID = 0
M_STRATIFIED = 1
M_EXACT = 2

# status of a call of the user's njit model (:func:`call_model`)
MODEL_OK = 0
MODEL_RAISED = 1     # the model raised an exception
MODEL_BAD_SIZE = 2   # the output's size differs from the expected q

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_ONE = np.uint64(1)
_SHIFT_TAG = np.uint64(0xD1B54A32D192ED03)
_TWO_PI = 2.0 * np.pi
_INV53 = 1.0 / 9007199254740992.0  # 2**-53
_TINY = 2.2250738585072014e-308  # the smallest normal float64
_TWO600 = 2.0 ** 600

_FAST = {"nsz", "arcp", "contract", "reassoc"}  # fastmath without nnan/ninf: NaN still propagates


# ----- counter-based random numbers ---------------------------------------------------------------
@njit("uint64(uint64)", cache=True)
def splitmix64(z):
    """The splitmix64 finaliser (a bijection of 64-bit integers with full avalanche)."""
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit("uint64(uint64, int64)", cache=True)
def point_base(key, i):
    """The stream of data point ``i``: every random number of that point derives from it."""
    return splitmix64(key + np.uint64(i + 1) * _GOLDEN)


@njit("float64(uint64, int64, int64)", cache=True)
def counter_uniform(base, k, j):
    """Uniform number ``j`` of group sample ``k`` of the stream ``base``, in [0, 1) (53 bits)."""
    z = splitmix64(splitmix64(base + np.uint64(k + 1) * _GOLDEN) + np.uint64(j + 1) * _GOLDEN)
    return np.float64(z >> _S11) * _INV53


@njit("float64(uint64, int64)", cache=True)
def shift_uniform(base, j):
    """The random shift ``j`` of the stratified (Cranley-Patterson) lattice of a stream."""
    z = splitmix64(splitmix64(base ^ _SHIFT_TAG) + np.uint64(j + 1) * _GOLDEN)
    return np.float64(z >> _S11) * _INV53


@njit(cache=True)
def fill_uniforms(base, k, K, method, alpha, u):
    """The ``u.size`` uniforms of sample ``k`` of ``K``: iid, or a randomly shifted lattice
    (``(k + s) / K`` for one dimension, ``frac(s_j + (k + 1) alpha_j)`` for several)."""
    D = u.size
    if method == M_STRATIFIED:
        if D == 1:
            u[0] = (k + shift_uniform(base, 0)) / K
        else:
            for j in range(D):
                v = shift_uniform(base, j) + (k + 1) * alpha[j]
                u[j] = v - np.floor(v)
    else:  # counter_uniform(base, k, j) with the sample's hash computed once
        zk = splitmix64(base + np.uint64(k + 1) * _GOLDEN)
        for j in range(D):
            z = splitmix64(zk + np.uint64(j + 1) * _GOLDEN)
            u[j] = np.float64(z >> _S11) * _INV53


# ----- elements -----------------------------------------------------------------------------------
@njit("float64(float64)", cache=True)
def w_minus_sin(w):
    """``w - sin w`` without cancellation for small w (series below 1e-2, error < 1e-20)."""
    if w < 1e-2:
        w2 = w * w
        return w * w2 * (1.0 / 6.0 - w2 * (1.0 / 120.0 - w2 / 5040.0))
    return w - np.sin(w)


@njit("float64(float64, float64)", cache=True)
def so3_ball_angle(u, theta):
    """Inverse CDF of the rotation angle of Haar SO(3) conditioned on angle <= theta: the root w of
    ``(w - sin w) = u (theta - sin theta)`` (safeguarded Newton, bracket kept; |error| < 1e-14)."""
    if theta <= 0.0:
        return 0.0
    target = u * w_minus_sin(theta)
    if target <= 0.0:
        return 0.0
    lo = 0.0
    hi = theta
    w = min((6.0 * target) ** (1.0 / 3.0), theta)  # small-angle start: w^3 / 6 = target
    for _ in range(60):
        f = w_minus_sin(w) - target
        if f > 0.0:
            hi = w
        else:
            lo = w
        d = 2.0 * np.sin(0.5 * w) ** 2  # 1 - cos w without cancellation
        step_ok = False
        if d > 0.0:
            wn = w - f / d
            if lo < wn < hi:
                step_ok = True
        if not step_ok:
            wn = 0.5 * (lo + hi)
        if abs(wn - w) <= 1e-15 * (1.0 + w) or hi - lo <= 1e-15:
            return wn
        w = wn
    return w


@njit(cache=True)
def quaternion_to_rotation(w, x, y, z, out, n):
    """Rotation matrix of the unit quaternion (w, x, y, z) into the first 3x3 block of ``out``
    (a flat n x n row-major matrix)."""
    out[0 * n + 0] = 1.0 - 2.0 * (y * y + z * z)
    out[0 * n + 1] = 2.0 * (x * y - z * w)
    out[0 * n + 2] = 2.0 * (x * z + y * w)
    out[1 * n + 0] = 2.0 * (x * y + z * w)
    out[1 * n + 1] = 1.0 - 2.0 * (x * x + z * z)
    out[1 * n + 2] = 2.0 * (y * z - x * w)
    out[2 * n + 0] = 2.0 * (x * z - y * w)
    out[2 * n + 1] = 2.0 * (y * z + x * w)
    out[2 * n + 2] = 1.0 - 2.0 * (x * x + y * y)


@njit(cache=True)
def _disc_point(zk, j, nonzero):
    """A uniform point (x, y) of the open unit disc by rejection from the counter stream ``zk`` at
    index ``j`` (at most 64 tries); returns (x, y, x^2 + y^2, next index).  ``nonzero`` also rejects
    the centre (Marsaglia's second point divides by its squared norm)."""
    x = 0.0
    y = 0.0
    sq = 1.0
    for _ in range(64):
        x = 2.0 * (np.float64(splitmix64(zk + np.uint64(j + 1) * _GOLDEN) >> _S11) * _INV53) - 1.0
        y = 2.0 * (np.float64(splitmix64(zk + np.uint64(j + 2) * _GOLDEN) >> _S11) * _INV53) - 1.0
        j += 2
        sq = x * x + y * y
        if sq < 1.0 and (sq > 0.0 or not nonzero):
            break
    return x, y, sq, j


@njit(cache=True)
def _marsaglia_quaternion(base, k):
    """Haar SO(3) without trigonometric calls (iid method): Marsaglia's (1972) uniform point of S^3
    from two uniform points of the unit disc (rejection), read as a unit quaternion (w, x, y, z).
    The uniforms are the counter stream of sample k (index j = 0, 1, ...); at most 64 tries per
    disc (failure probability (1 - pi/4)^64 < 1e-42)."""
    zk = splitmix64(base + np.uint64(k + 1) * _GOLDEN)
    x1, y1, s1, j = _disc_point(zk, 0, False)
    x2, y2, s2, j = _disc_point(zk, j, True)
    r = np.sqrt((1.0 - s1) / s2)
    return x1, y1, x2 * r, y2 * r


@njit(cache=True)
def _so3_marsaglia(base, k, out, n):
    """The rotation of :func:`_marsaglia_quaternion` into the flat n x n row ``out``."""
    w, x, y, z = _marsaglia_quaternion(base, k)
    quaternion_to_rotation(w, x, y, z, out, n)


# Taylor coefficients of sin (x^1 .. x^17) and cos (x^0 .. x^16), for |x| <= pi/4
_S3, _S5, _S7 = -1.0 / 6.0, 1.0 / 120.0, -1.0 / 5040.0
_S9, _S11C, _S13 = 1.0 / 362880.0, -1.0 / 39916800.0, 1.0 / 6227020800.0
_S15, _S17 = -1.0 / 1307674368000.0, 1.0 / 355687428096000.0
_C2, _C4, _C6 = -0.5, 1.0 / 24.0, -1.0 / 720.0
_C8, _C10, _C12 = 1.0 / 40320.0, -1.0 / 3628800.0, 1.0 / 479001600.0
_C14, _C16 = -1.0 / 87178291200.0, 1.0 / 20922789888000.0


@njit("UniTuple(float64, 2)(float64)", cache=True, error_model="numpy")
def sincos_turn(u):
    """``(sin 2 pi u, cos 2 pi u)`` for ``u`` in [0, 1) without libm calls (they do not vectorise
    in numba: measured 50 ns for the four calls of a Shoemake rotation, half the cost of drawing
    it).  Exact range reduction in turns: ``q = round(4 u)``, ``r = u - q/4`` in [-1/8, 1/8] (exact:
    a multiple of ulp(u) below 1/8), ``x = 2 pi r`` in [-pi/4, pi/4]; sin x and cos x by their
    Taylor polynomials to degree 17 and 16 (truncation below 1e-17), then the quadrant q.  Error:
    a few ulp (the test compares with mpmath at the exact angle to 3e-16 absolute)."""
    q = np.floor(4.0 * u + 0.5)
    r = u - 0.25 * q
    x = _TWO_PI * r
    x2 = x * x
    sn = x + x * x2 * (_S3 + x2 * (_S5 + x2 * (_S7 + x2 * (_S9 + x2 * (_S11C + x2 * (
        _S13 + x2 * (_S15 + x2 * _S17)))))))
    cs = 1.0 + x2 * (_C2 + x2 * (_C4 + x2 * (_C6 + x2 * (_C8 + x2 * (_C10 + x2 * (
        _C12 + x2 * (_C14 + x2 * _C16)))))))
    qi = np.int64(q) & 3
    if qi == 0:
        return sn, cs
    if qi == 1:
        return cs, -sn
    if qi == 2:
        return -sn, -cs
    return -cs, sn


@njit(cache=True, error_model="numpy")
def _shoemake_quaternion(u0, u1, u2):
    """Shoemake's measure-preserving map of [0, 1)^3 onto the unit quaternions (Haar SO(3)):
    ``(sqrt(u0) cos 2 pi u2, sqrt(1 - u0) sin 2 pi u1, sqrt(1 - u0) cos 2 pi u1, sqrt(u0)
    sin 2 pi u2)``."""
    r1 = np.sqrt(1.0 - u0)
    r2 = np.sqrt(u0)
    s1, c1 = sincos_turn(u1)
    s2, c2 = sincos_turn(u2)
    return r2 * c2, r1 * s1, r1 * c1, r2 * s2


@njit(cache=True)
def _set_identity(out, n):
    for a in range(n * n):
        out[a] = 0.0
    for a in range(n):
        out[a * n + a] = 1.0


@njit(cache=True)
def _det_inplace(a, n):
    """Determinant of the flat n x n matrix ``a`` (destroyed) by Gaussian elimination with pivoting."""
    det = 1.0
    for c in range(n):
        p = c
        best = abs(a[c * n + c])
        for r in range(c + 1, n):
            v = abs(a[r * n + c])
            if v > best:
                best = v
                p = r
        if best == 0.0:
            return 0.0
        if p != c:
            for t in range(n):
                tmp = a[c * n + t]
                a[c * n + t] = a[p * n + t]
                a[p * n + t] = tmp
            det = -det
        piv = a[c * n + c]
        det *= piv
        for r in range(c + 1, n):
            f = a[r * n + c] / piv
            for t in range(c, n):
                a[r * n + t] -= f * a[c * n + t]
    return det


@njit(cache=True)
def _haar_qr(u, n, special, out, work):
    """Haar O(n) (or SO(n)) from n*n uniforms: Box-Muller Gaussians, then modified Gram-Schmidt of
    the columns (two passes), which is the QR factorisation with a positive diagonal of R
    (Mezzadri 2007's sign fix).  With ``special`` the first column is flipped when det < 0."""
    m = n * n
    for t in range(0, m, 2):
        u1 = 1.0 - u[t]  # in (0, 1]
        r = np.sqrt(-2.0 * np.log(u1))
        ang = _TWO_PI * u[t + 1] if t + 1 < u.size else 0.0
        out[t] = r * np.cos(ang)
        if t + 1 < m:
            out[t + 1] = r * np.sin(ang)
    for c in range(n):  # column c of out: out[r * n + c]
        for _ in range(2):  # "twice is enough": re-orthogonalise to keep Q orthogonal to 1e-15
            for cc in range(c):
                dot = 0.0
                for r in range(n):
                    dot += out[r * n + cc] * out[r * n + c]
                for r in range(n):
                    out[r * n + c] -= dot * out[r * n + cc]
        nrm = 0.0
        for r in range(n):
            nrm += out[r * n + c] * out[r * n + c]
        nrm = np.sqrt(nrm)
        for r in range(n):
            out[r * n + c] /= nrm
    if special:
        for t in range(m):
            work[t] = out[t]
        if _det_inplace(work, n) < 0.0:
            for r in range(n):
                out[r * n] = -out[r * n]


@njit(cache=True)
def _plane_element(pi, pj, n, ang, reflect, out):
    """The rotation of plane (pi, pj) by ``ang``, times diag(1, -1) on the plane when ``reflect``."""
    c = np.cos(ang)
    s = np.sin(ang)
    _set_identity(out, n)
    out[pi * n + pi] = c
    out[pj * n + pi] = s
    if reflect:  # R(ang) @ diag(1, -1) on the plane
        out[pi * n + pj] = s
        out[pj * n + pj] = -c
    else:
        out[pi * n + pj] = -s
        out[pj * n + pj] = c


@njit(cache=True)
def element_dim(ecode, n):
    """Number D of uniforms one element of code ``ecode`` consumes."""
    if ecode == E_TABLE or ecode == E_PLANE or ecode == E_INDEX:
        return 1
    if ecode == E_PLANE_REFLECT:
        return 2
    if ecode == E_SO3 or ecode == E_SO3_BALL:
        return 3
    if ecode == E_QR:
        return n * n + (n * n) % 2
    if ecode == E_TRANSLATION:
        return n
    return max(n - 1, 1)  # E_SHUFFLE


@njit(cache=True)
def fill_element(ecode, method, iparams, fparams, table, base, k, K, alpha, u, work, out):
    """Write group sample ``k`` (of ``K``) of the stream ``base`` into the flat row ``out``.

    ``iparams = (n, plane_i, plane_j, special)``, ``fparams = (lo, hi, theta, period)``; ``table``
    holds the elements of a finite set as rows; ``u`` and ``work`` are scratch of length D and n*n.
    """
    n = iparams[0]
    if method == M_EXACT:
        if ecode == E_INDEX:
            out[0] = k
            return
        for a in range(out.size):
            out[a] = table[k, a]
        return
    if ecode == E_SO3 and method == M_IID:
        _so3_marsaglia(base, k, out, n)
        return
    if ecode == E_PLANE_REFLECT and method == M_STRATIFIED:
        # O(2): one grid of J = ceil(K/2) equispaced angles shared by both cosets.  Sample k takes
        # angle 2 pi frac(j/J + s), j = k // 2, and the reflection flag (k + b) mod 2, with s a
        # uniform shift and b a random bit of the data point.  Each sample is marginally Haar
        # (uniform angle, independent fair flag), so the mean over k is unbiased for any K; for
        # even K each coset gets the whole grid (exact for trigonometric polynomials of degree < J
        # in the angle, as for SO(2)).
        J = (K + 1) // 2
        v = (k // 2) / J + shift_uniform(base, 0)
        ang = _TWO_PI * (v - np.floor(v))
        bit = 1 if shift_uniform(base, 1) < 0.5 else 0
        _plane_element(iparams[1], iparams[2], n, ang, (k + bit) % 2 == 1, out)
        return
    fill_uniforms(base, k, K, method, alpha, u)
    if ecode == E_TABLE:
        idx = min(np.int64(u[0] * table.shape[0]), table.shape[0] - 1)
        for a in range(out.size):
            out[a] = table[idx, a]
    elif ecode == E_INDEX:
        out[0] = min(np.int64(u[0] * table.shape[0]), table.shape[0] - 1)
    elif ecode == E_PLANE:
        _plane_element(iparams[1], iparams[2], n, fparams[0] + (fparams[1] - fparams[0]) * u[0],
                       False, out)
    elif ecode == E_PLANE_REFLECT:  # iid: uniform angle, reflection with probability 1/2
        _plane_element(iparams[1], iparams[2], n, _TWO_PI * u[0], u[1] < 0.5, out)
    elif ecode == E_SO3:
        w, x, y, z = _shoemake_quaternion(u[0], u[1], u[2])
        quaternion_to_rotation(w, x, y, z, out, n)
    elif ecode == E_SO3_BALL:
        w = so3_ball_angle(u[0], fparams[2])
        z = 2.0 * u[1] - 1.0
        r = np.sqrt(max(0.0, 1.0 - z * z))
        phi = _TWO_PI * u[2]
        s = np.sin(0.5 * w)
        quaternion_to_rotation(np.cos(0.5 * w), s * r * np.cos(phi), s * r * np.sin(phi), s * z, out, n)
    elif ecode == E_QR:
        _haar_qr(u, n, iparams[3] != 0, out, work)
    elif ecode == E_TRANSLATION:
        for a in range(n):
            out[a] = fparams[3] * u[a]
    else:  # E_SHUFFLE
        for a in range(n):
            out[a] = a
        for a in range(n - 1, 0, -1):
            r = min(np.int64(u[n - 1 - a] * (a + 1)), a)
            tmp = out[a]
            out[a] = out[r]
            out[r] = tmp


@njit(cache=True)
def apply_element(action, n, m, period, table, e, x, out):
    """``out = e . x`` for one flat input ``x``.

    linear: ``x`` is (P, n), ``out[p] = E x[p]``; translation: ``out = (x + t) mod period``;
    permutation: ``x`` is (A, n, m), ``out[a, j, :] = x[a, perm[j], :]``; indexed: ``x`` is
    (A, n) blocks (images of n pixels), ``out[a, j] = x[a, table[e[0], j]]``.
    """
    L = x.size
    if action == ACTION_LINEAR and n == 3:  # unrolled: the common case of points in R^3
        e0, e1, e2, e3, e4, e5, e6, e7, e8 = e[0], e[1], e[2], e[3], e[4], e[5], e[6], e[7], e[8]
        for p in range(L // 3):
            o = 3 * p
            a0, a1, a2 = x[o], x[o + 1], x[o + 2]
            out[o] = e0 * a0 + e1 * a1 + e2 * a2
            out[o + 1] = e3 * a0 + e4 * a1 + e5 * a2
            out[o + 2] = e6 * a0 + e7 * a1 + e8 * a2
    elif action == ACTION_LINEAR:
        for p in range(L // n):
            o = p * n
            for a in range(n):
                acc = 0.0
                for b in range(n):
                    acc += e[a * n + b] * x[o + b]
                out[o + a] = acc
    elif action == ACTION_TRANSLATION:
        for t in range(L):
            v = x[t] + e[t % n]
            out[t] = v - period * np.floor(v / period)
    elif action == ACTION_INDEXED:
        idx = np.int64(e[0])
        for a in range(L // n):
            o = a * n
            for j in range(n):
                out[o + j] = x[o + np.int64(table[idx, j])]
    else:
        blk = n * m
        for a in range(L // blk):
            o = a * blk
            for j in range(n):
                src = o + np.int64(e[j]) * m
                dst = o + j * m
                for c in range(m):
                    out[dst + c] = x[src + c]


# ----- batched path -----------------------------------------------------------------------------
@njit(cache=True, error_model="numpy")
def _rotate3(e0, e1, e2, e3, e4, e5, e6, e7, e8, x, out):
    """``out[p] = E x[p]`` for flat points in R^3 (``E`` given by its 9 entries, row major): the
    inlined hot loop of the common case (through the generic :func:`apply_element` it cost about
    10% more CPU time on the fused path, and the generic :func:`fill_element` another 18%)."""
    for p in range(x.size // 3):
        o = 3 * p
        a0, a1, a2 = x[o], x[o + 1], x[o + 2]
        out[o] = e0 * a0 + e1 * a1 + e2 * a2
        out[o + 1] = e3 * a0 + e4 * a1 + e5 * a2
        out[o + 2] = e6 * a0 + e7 * a1 + e8 * a2


@njit(cache=True, error_model="numpy")
def _write_rotation3(w, x, y, z, X, ii, out_e, out_x, r):
    """Row r: the rotation of the unit quaternion (w, x, y, z) into ``out_e[r]`` and its action on
    the points of ``X[ii]`` (R^3) into ``out_x[r]``, by scalar indexing (no array views: their
    reference counts cost about 30 ns per sample, measured)."""
    e0 = 1.0 - 2.0 * (y * y + z * z)
    e1 = 2.0 * (x * y - z * w)
    e2 = 2.0 * (x * z + y * w)
    e3 = 2.0 * (x * y + z * w)
    e4 = 1.0 - 2.0 * (x * x + z * z)
    e5 = 2.0 * (y * z - x * w)
    e6 = 2.0 * (x * z - y * w)
    e7 = 2.0 * (y * z + x * w)
    e8 = 1.0 - 2.0 * (x * x + y * y)
    out_e[r, 0] = e0
    out_e[r, 1] = e1
    out_e[r, 2] = e2
    out_e[r, 3] = e3
    out_e[r, 4] = e4
    out_e[r, 5] = e5
    out_e[r, 6] = e6
    out_e[r, 7] = e7
    out_e[r, 8] = e8
    for p in range(X.shape[1] // 3):
        o = 3 * p
        a0 = X[ii, o]
        a1 = X[ii, o + 1]
        a2 = X[ii, o + 2]
        out_x[r, o] = e0 * a0 + e1 * a1 + e2 * a2
        out_x[r, o + 1] = e3 * a0 + e4 * a1 + e5 * a2
        out_x[r, o + 2] = e6 * a0 + e7 * a1 + e8 * a2


@njit(cache=True, error_model="numpy")
def _transform_point(action, ecode, method, iparams, fparams, table, alpha, key, i0, K, X, out_e,
                     out_x, ii, u, work):
    base = point_base(key, i0 + ii)
    n = iparams[0]
    m = iparams[4]
    if ecode == E_SO3 and action == ACTION_LINEAR and n == 3 and method != M_EXACT:
        # Haar SO(3) on R^3, the common case: the same numbers as fill_element / apply_element,
        # with the lattice shifts of the point drawn once, and scalar writes
        if method == M_IID:
            for k in range(K):
                w, x, y, z = _marsaglia_quaternion(base, k)
                _write_rotation3(w, x, y, z, X, ii, out_e, out_x, ii * K + k)
        else:
            s0 = shift_uniform(base, 0)
            s1 = shift_uniform(base, 1)
            s2 = shift_uniform(base, 2)
            for k in range(K):
                v0 = s0 + (k + 1) * alpha[0]
                v1 = s1 + (k + 1) * alpha[1]
                v2 = s2 + (k + 1) * alpha[2]
                w, x, y, z = _shoemake_quaternion(v0 - np.floor(v0), v1 - np.floor(v1),
                                                  v2 - np.floor(v2))
                _write_rotation3(w, x, y, z, X, ii, out_e, out_x, ii * K + k)
        return
    rot3 = action == ACTION_LINEAR and n == 3
    xi = X[ii]
    for k in range(K):
        r = ii * K + k
        e = out_e[r]
        fill_element(ecode, method, iparams, fparams, table, base, k, K, alpha, u, work, e)
        if rot3:
            _rotate3(e[0], e[1], e[2], e[3], e[4], e[5], e[6], e[7], e[8], xi, out_x[r])
        else:
            apply_element(action, n, m, fparams[3], table, e, xi, out_x[r])


@njit(parallel=True, cache=True, error_model="numpy")
def transform_block(action, ecode, method, iparams, fparams, table, alpha, key, i0, K, X, out_e, out_x):
    """Group samples and transformed inputs of a block of points.

    ``X`` is (b, L) (flat inputs of global indices i0 .. i0 + b - 1); row ``r = (i - i0) K + k`` of
    ``out_e`` (b K, esize) and ``out_x`` (b K, L) receives sample k of point i and its action on x_i.
    """
    n = iparams[0]
    D = element_dim(ecode, n)
    for ii in prange(X.shape[0]):
        u = np.empty(D)
        work = np.empty(n * n)
        _transform_point(action, ecode, method, iparams, fparams, table, alpha, key, i0, K, X, out_e,
                         out_x, ii, u, work)


@njit(nogil=True, cache=True, error_model="numpy")
def transform_block_serial(action, ecode, method, iparams, fparams, table, alpha, key, i0, K, X,
                           out_e, out_x):
    """:func:`transform_block` on one thread without the GIL: the producer of the pipelined batched
    path (it fills the next buffer while the model runs on the current one)."""
    n = iparams[0]
    u = np.empty(element_dim(ecode, n))
    work = np.empty(n * n)
    for ii in range(X.shape[0]):
        _transform_point(action, ecode, method, iparams, fparams, table, alpha, key, i0, K, X, out_e,
                         out_x, ii, u, work)


@njit(parallel=True, cache=True, error_model="numpy")
def sample_elements(ecode, method, iparams, fparams, table, alpha, key, i, K, out_e):
    """The K group samples of point ``i`` (rows of ``out_e``), as used by the orbit integrals."""
    n = iparams[0]
    D = element_dim(ecode, n)
    base = point_base(key, i)
    for k in prange(K):
        u = np.empty(D)
        work = np.empty(n * n)
        fill_element(ecode, method, iparams, fparams, table, base, k, K, alpha, u, work, out_e[k])


@njit(cache=True, error_model="numpy", fastmath=_FAST)
def _power_half(e2, p):
    """``e^p`` from ``e^2`` (exact for p = 2 and p = 1)."""
    if p == 2.0:
        return e2
    if p == 1.0:
        return np.sqrt(e2)
    return e2 ** (0.5 * p)


@njit(cache=True, error_model="numpy", fastmath=_FAST)
def _orbit_errors_point(F0, FG, R, T, rho_mode, p, out_e2, out_m, out_max, out_arg, ii, K):
    q = F0.shape[1]
    acc = 0.0
    best = -1.0
    arg = 0
    for k in range(K):
        r = ii * K + k
        e2 = 0.0
        if rho_mode == 2:
            for a in range(q):
                d = FG[r, a] - T[r, a]
                e2 += d * d
        elif rho_mode == 1:
            for a in range(q):
                t = 0.0
                for c in range(q):
                    t += R[r, a, c] * F0[ii, c]
                d = FG[r, a] - t
                e2 += d * d
        else:
            for a in range(q):
                d = FG[r, a] - F0[ii, a]
                e2 += d * d
        out_e2[r] = e2
        acc += _power_half(e2, p)
        if e2 > best:
            best = e2
            arg = k
    out_m[ii] = acc / K
    out_max[ii] = np.sqrt(best)
    out_arg[ii] = arg


@njit(parallel=True, cache=True, error_model="numpy", fastmath=_FAST)
def orbit_errors(F0, FG, R, T, rho_mode, p, out_e2, out_m, out_max, out_arg):
    """Pointwise errors ``e(x_i, g_k) = ||f(g_k x_i) - rho_k f(x_i)||`` of a block and their orbit
    statistics.

    ``F0`` (b, q) outputs on the points, ``FG`` (b K, q) on the transformed points; the targets
    ``rho_k f(x_i)``: ``F0`` itself (``rho_mode`` 0: invariance), ``R[r] F0[i]`` with ``R``
    (b K, q, q) output matrices (mode 1), or the rows ``T`` (b K, q) computed by the caller
    (mode 2: an output action without matrices, e.g. rotated output maps).  Writes
    ``out_e2[r] = e^2``, ``out_m[i] = mean_k e^p``, ``out_max[i] = max_k e`` and
    ``out_arg[i] = argmax_k``.
    """
    b = F0.shape[0]
    K = FG.shape[0] // b
    for ii in prange(b):
        _orbit_errors_point(F0, FG, R, T, rho_mode, p, out_e2, out_m, out_max, out_arg, ii, K)


@njit(nogil=True, cache=True, error_model="numpy", fastmath=_FAST)
def orbit_errors_serial(F0, FG, R, T, rho_mode, p, out_e2, out_m, out_max, out_arg):
    """:func:`orbit_errors` on one thread without the GIL (for concurrent model threads)."""
    b = F0.shape[0]
    K = FG.shape[0] // b
    for ii in range(b):
        _orbit_errors_point(F0, FG, R, T, rho_mode, p, out_e2, out_m, out_max, out_arg, ii, K)


@njit(nogil=True, cache=True, error_model="numpy", fastmath=_FAST)
def row_norms(F, out):
    """``out[i] = ||F[i]||`` without overflow or underflow of the squares (:func:`_scaled_norm`)."""
    for i in range(F.shape[0]):
        out[i] = _scaled_norm(F[i])


@njit(parallel=True, cache=True, error_model="numpy", fastmath=_FAST)
def orbit_average(FG, Rinv, rho_mode, out):
    """Reynolds average of a block: ``out[i] = mean_k Rinv_k FG[i K + k]`` (``rho_mode`` 0: Rinv = I)."""
    b, q = out.shape
    K = FG.shape[0] // b
    for ii in prange(b):
        for a in range(q):
            out[ii, a] = 0.0
        for k in range(K):
            r = ii * K + k
            if rho_mode == 1:
                for a in range(q):
                    t = 0.0
                    for c in range(q):
                        t += Rinv[k, a, c] * FG[r, c]
                    out[ii, a] += t
            else:
                for a in range(q):
                    out[ii, a] += FG[r, a]
        for a in range(q):
            out[ii, a] /= K


@njit(cache=True, error_model="numpy", fastmath=_FAST)
def _resample_index(base, j, N):
    """Index of draw ``j`` of the resample with stream ``base``: ``floor(N u_j)``."""
    z = splitmix64(base + np.uint64(j + 1) * _GOLDEN)
    return min(np.int64(np.float64(z >> _S11) * _INV53 * N), N - 1)


@njit(parallel=True, cache=True, error_model="numpy", fastmath=_FAST)
def bootstrap_moments(a, b, use_b, key, out):
    """Moments of resamples with replacement of the N data points (the nonparametric bootstrap).

    Resample r draws its N indices from the counter stream of ``point_base(key, r)`` (index j:
    ``floor(N u_j)``), so the result does not depend on the thread count; no index array is
    materialised.  ``out[r]`` receives the means over the resample of ``a``, ``a^2`` and, when
    ``use_b``, of ``b``, ``b^2``, ``a b`` (columns 0-4; ``out`` has 2 or 5 columns).  The caller
    centres ``a`` and ``b`` (the second moments are then free of cancellation)."""
    N = a.shape[0]
    for r in prange(out.shape[0]):
        base = point_base(key, r)
        sa = 0.0
        saa = 0.0
        sb = 0.0
        sbb = 0.0
        sab = 0.0
        for j in range(N):
            idx = _resample_index(base, j, N)
            x = a[idx]
            sa += x
            saa += x * x
            if use_b:
                y = b[idx]
                sb += y
                sbb += y * y
                sab += x * y
        out[r, 0] = sa / N
        out[r, 1] = saa / N
        if use_b:
            out[r, 2] = sb / N
            out[r, 3] = sbb / N
            out[r, 4] = sab / N


@njit(parallel=True, cache=True, error_model="numpy", fastmath=_FAST)
def bootstrap_tail_moments(body, n_draws, threshold, xi, sigma, p_tail, center, key, out):
    """Moments of resamples from a body-plus-Pareto-tail distribution (a semiparametric bootstrap);
    resample r has its own tail parameters ``xi[r]``, ``sigma[r]`` and centre ``center[r]``.

    Resample r reads the counter stream of ``point_base(key, r)``: uniform ``v_j`` (j < n_draws)
    makes draw j a tail draw when ``v_j < p_tail`` and otherwise the body value of index
    ``floor(n_body (v_j - p_tail) / (1 - p_tail))``; the T tail draws are ``threshold`` plus
    generalized Pareto excesses with shape ``xi[r]`` and scale ``sigma[r]`` by the inverse CDF at
    the uniforms ``w_k = v_{n_draws + k}`` (k < T): ``sigma ((1 - w)^(-xi) - 1) / xi``
    (``-sigma log(1 - w)`` for xi = 0).  (Body draws first, branch-free, then the few tail draws:
    only they need transcendental functions.)  ``out[r]`` receives the means of ``x - center[r]``
    and ``(x - center[r])^2``."""
    nb = body.shape[0]
    body_scale = nb / (1.0 - p_tail)
    for r in prange(out.shape[0]):
        base = point_base(key, r)
        xr = xi[r]
        sr = sigma[r]
        cr = center[r]
        s1 = 0.0
        s2 = 0.0
        nt = 0
        for j in range(n_draws):
            z = splitmix64(base + np.uint64(j + 1) * _GOLDEN)
            v = np.float64(z >> _S11) * _INV53
            keep = np.float64(v >= p_tail)  # 0 for a tail draw (arithmetic select: vectorises)
            idx = min(np.int64(max(v - p_tail, 0.0) * body_scale), nb - 1)
            d = (body[idx] - cr) * keep
            s1 += d
            s2 += d * d
            nt += 1 - np.int64(keep)
        for k in range(nt):
            z = splitmix64(base + np.uint64(n_draws + k + 1) * _GOLDEN)
            one_minus_w = 1.0 - np.float64(z >> _S11) * _INV53  # in (0, 1]
            if xr != 0.0:
                d = threshold + sr * (one_minus_w ** (-xr) - 1.0) / xr - cr
            else:
                d = threshold - sr * np.log(one_minus_w) - cr
            s1 += d
            s2 += d * d
        out[r, 0] = s1 / n_draws
        out[r, 1] = s2 / n_draws


# ----- fused path ---------------------------------------------------------------------------------
#: group samples drawn ahead of the model calls in the fused kernel (elements per block)
_FUSED_BLOCK = 64


@njit(error_model="numpy")
def call_model(model, x, out):
    """``out[:] = model(x)`` for the user's njit model; returns ``(status, size)``: ``MODEL_OK``,
    ``MODEL_RAISED`` (the model raised; ``out`` untouched) or ``MODEL_BAD_SIZE`` (the output has
    ``size`` entries instead of ``out.size``; ``out`` untouched).  The model's exception is caught
    here: this helper is not a parallel loop (numba does not parallelise a ``prange`` whose body
    holds a ``try``), and the kernels never raise.  Compiled once per model and process."""
    try:
        y = model(x)
    except Exception:  # noqa: BLE001 - any exception of the model (its message is lost in numba)
        return MODEL_RAISED, 0
    if y.size != out.size:  # one integer compare per call
        return MODEL_BAD_SIZE, y.size
    for a in range(out.size):
        out[a] = y[a]
    return MODEL_OK, out.size


@njit(error_model="numpy", fastmath=_FAST)
def _scaled_norm(v):
    """Euclidean norm of a vector without overflow or underflow of the squares (scaled by max|v|).
    A subnormal max is first scaled by the exact power 2^600: fastmath's ``arcp`` turns ``v / big``
    into ``v * (1 / big)``, and ``1 / big`` overflows for a subnormal ``big``."""
    big = 0.0
    for a in range(v.size):
        big = max(big, abs(v[a]))
    if big == 0.0 or not np.isfinite(big):
        return big
    pre = 1.0 if big >= _TINY else _TWO600
    inv = 1.0 / (big * pre)
    acc = 0.0
    for a in range(v.size):
        t = (v[a] * pre) * inv
        acc += t * t
    return big * np.sqrt(acc)


@njit(parallel=True, error_model="numpy", fastmath=_FAST)
def fused_orbit_errors(model, X, action, ecode, method, iparams, fparams, table, alpha, key, i0, K,
                       same_rho, p, q, out_m, out_max, out_arg, out_norm, out_status):
    """One parallel pass over the points: for each x_i and each of its K group samples, transform
    x_i into a per-thread buffer, call the njit ``model`` and accumulate ``e^p`` (no N x K
    temporaries).  ``same_rho``: the output is acted on by the same matrix (outputs of length n).
    Writes ``out_norm[i] = ||f(x_i)||``; the other outputs as :func:`orbit_errors`.

    The model is called through :func:`call_model` (outputs of size ``q``).  ``out_status[i]`` is
    ``(status, k, size)`` of point i: ``MODEL_OK`` or the first failed call (k = -1: the call on
    x_i itself; ``size`` the size received); a failed point stops early and its other outputs are
    NaN.

    The group samples of a point are drawn in blocks ahead of the model calls (a tight sampling
    loop), iid SO(3) and linear actions on R^3 take inlined code instead of the generic dispatch of
    :func:`fill_element` / :func:`apply_element` (the same numbers; CPU time of the benchmark
    workload 0.29 -> 0.25 s, ``benchmarks/README.md``, orbit).
    """
    N = X.shape[0]
    n = iparams[0]
    m = iparams[4]
    D = element_dim(ecode, n)
    esize = 1 if ecode == E_INDEX else table.shape[1]
    so3_iid = ecode == E_SO3 and method == M_IID
    rot3 = action == ACTION_LINEAR and n == 3
    exact = method == M_EXACT
    KB = min(K, max(1, (_FUSED_BLOCK * 9) // esize))
    for ii in prange(N):
        xi = X[ii]
        L = xi.size
        xf = xi.reshape(L)
        xb = np.empty_like(xi)
        xbf = xb.reshape(L)
        u = np.empty(D)
        work = np.empty(n * n)
        E = np.empty((KB, esize))
        f0 = np.empty(q)
        fy = np.empty(q)
        base = point_base(key, i0 + ii)
        status, size = call_model(model, xi, f0)
        out_status[ii, 0] = status
        out_status[ii, 1] = -1
        out_status[ii, 2] = size
        ok = status == MODEL_OK
        out_norm[ii] = _scaled_norm(f0) if ok else np.nan
        ek = np.empty(K)
        for k0 in range(0, K, KB):
            if not ok:
                break
            kb = min(KB, K - k0)
            # draw the block's samples first (tight sampling loops, the branch hoisted)
            if so3_iid:
                for j in range(kb):
                    _so3_marsaglia(base, k0 + j, E[j], n)
            elif exact and ecode == E_INDEX:
                for j in range(kb):
                    E[j, 0] = k0 + j
            elif exact:
                for j in range(kb):
                    for a in range(esize):
                        E[j, a] = table[k0 + j, a]
            else:
                for j in range(kb):
                    fill_element(ecode, method, iparams, fparams, table, base, k0 + j, K, alpha,
                                 u, work, E[j])
            for j in range(kb):  # scalar indexing of E: no array views (refcounts) in this loop
                if rot3:
                    _rotate3(E[j, 0], E[j, 1], E[j, 2], E[j, 3], E[j, 4], E[j, 5], E[j, 6], E[j, 7],
                             E[j, 8], xf, xbf)
                else:
                    apply_element(action, n, m, fparams[3], table, E[j], xf, xbf)
                status, size = call_model(model, xb, fy)
                if status != MODEL_OK:
                    out_status[ii, 0] = status
                    out_status[ii, 1] = k0 + j
                    out_status[ii, 2] = size
                    ok = False
                    break
                e2 = 0.0
                if same_rho:
                    for a in range(q):
                        t = 0.0
                        for c in range(q):
                            t += E[j, a * q + c] * f0[c]
                        d = fy[a] - t
                        e2 += d * d
                else:
                    for a in range(q):
                        d = fy[a] - f0[a]
                        e2 += d * d
                ek[k0 + j] = e2
        acc = 0.0
        best = -1.0
        arg = 0
        if ok:
            for k in range(K):  # reductions after the model loop: no branches in the hot loop
                acc += _power_half(ek[k], p)
                if ek[k] > best:
                    best = ek[k]
                    arg = k
        out_m[ii] = acc / K if ok else np.nan
        out_max[ii] = np.sqrt(best) if ok else np.nan
        out_arg[ii] = arg


@njit(parallel=True, error_model="numpy")
def eval_rows(model, X, out, out_status):
    """``out[i] = model(X[i])`` for an njit model of one input (the batched path of a fused-style
    model); ``out_status[i] = (status, size)`` of the call (:func:`call_model`; a failed row of
    ``out`` is left untouched).  Compiled once per model and process."""
    for i in prange(X.shape[0]):
        status, size = call_model(model, X[i], out[i])
        out_status[i, 0] = status
        out_status[i, 1] = size


@njit(nogil=True, error_model="numpy")
def eval_rows_serial(model, X, out, out_status):
    """:func:`eval_rows` on one thread without the GIL (Dask tasks running in concurrent threads)."""
    for i in range(X.shape[0]):
        status, size = call_model(model, X[i], out[i])
        out_status[i, 0] = status
        out_status[i, 1] = size
