"""numba kernels of the symmetry tests (:mod:`symbound.numeric.symmetry_tests`) and of the
distributional asymmetry (:mod:`symbound.numeric.asymmetry`): sums of Gaussian kernels over a
ladder of bandwidths.

Only ``@njit`` functions over arrays and scalars live here; inputs are validated by the Python API.

Bandwidth ladder
----------------
A ladder of ``L`` bandwidths ``sigma_l^2 = sigma_0^2 / 2^l`` (l = 0 .. L-1, the widest first) costs
one exponential per pair of points: with ``e_0 = exp(-|x - y|^2 / (2 sigma_0^2))`` the kernel at
rung l is ``e_l = e_0^(2^l)``, obtained by squaring ``e_{l-1}``.  Squaring doubles the relative
rounding error of ``e_{l-1}`` and adds one rounding, so rung l carries a relative error below
``(2^(l+1) - 1) u`` plus the error of ``exp`` amplified by ``2^l`` (u = 2^-53): below 1e-13 for the
ladders of up to 12 rungs used here.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

_FAST = {"nsz", "arcp", "contract", "reassoc"}  # fastmath without nnan/ninf: NaN still propagates


@njit(cache=True, error_model="numpy", fastmath=_FAST, inline="always")
def _sq_dist(u, v):
    """``|u - v|^2`` of two rows."""
    d2 = 0.0
    for a in range(u.size):
        t = u[a] - v[a]
        d2 += t * t
    return d2


@njit(cache=True, error_model="numpy", fastmath=_FAST, inline="always")
def _add_ladder(acc, d2, c0, L):
    """``acc[l] += exp(-c0 d2)^(2^l)`` for l = 0 .. L-1 (one exponential, then squarings)."""
    e = np.exp(-c0 * d2)
    for l in range(L):
        acc[l] += e
        e = e * e


@njit("void(float64[:, :, ::1], float64, int64, float64[:, ::1])", parallel=True, cache=True,
      error_model="numpy", fastmath=_FAST)
def ladder_pair_sums(Z, c0, L, out):
    """Within-set kernel sums of a batch of point sets on a bandwidth ladder.

    ``Z`` is (R, n, D): R point sets of n points in R^D.  Writes
    ``out[r, l] = sum_{i<j} exp(-|z_ri - z_rj|^2 / (2 sigma_l^2))`` with ``c0 = 1 / (2 sigma_0^2)``
    and ``sigma_l^2 = sigma_0^2 / 2^l`` (l = 0 .. L-1).  Parallel over the sets.
    """
    n = Z.shape[1]
    for r in prange(Z.shape[0]):
        acc = np.zeros(L)
        for i in range(n):
            for j in range(i + 1, n):
                _add_ladder(acc, _sq_dist(Z[r, i], Z[r, j]), c0, L)
        for l in range(L):
            out[r, l] = acc[l]


@njit("void(float64[:, ::1], float64[:, :, ::1], float64, int64, float64[:, ::1])", parallel=True,
      cache=True, error_model="numpy", fastmath=_FAST)
def ladder_cross_sums(X, Y, c0, L, out):
    """Cross kernel sums between one point set and a batch of others on a bandwidth ladder.

    ``X`` is (n, D), ``Y`` is (R, m, D).  Writes
    ``out[r, l] = sum_{i, j} exp(-|x_i - y_rj|^2 / (2 sigma_l^2))`` (all n m pairs), with the
    ladder of :func:`ladder_pair_sums`.  Parallel over the sets of ``Y``.
    """
    for r in prange(Y.shape[0]):
        acc = np.zeros(L)
        for i in range(X.shape[0]):
            for j in range(Y.shape[1]):
                _add_ladder(acc, _sq_dist(X[i], Y[r, j]), c0, L)
        for l in range(L):
            out[r, l] = acc[l]


@njit("void(float64[:, ::1], float64[:, :, ::1], float64, int64, float64[:, ::1])", parallel=True,
      cache=True, error_model="numpy", fastmath=_FAST)
def ladder_paired_sums(X, Y, c0, L, out):
    """Kernel sums of matched points: ``out[r, l] = sum_i exp(-|x_i - y_ri|^2 / (2 sigma_l^2))``
    (the diagonal of :func:`ladder_cross_sums`), ``X`` (n, D), ``Y`` (R, n, D)."""
    for r in prange(Y.shape[0]):
        acc = np.zeros(L)
        for i in range(X.shape[0]):
            _add_ladder(acc, _sq_dist(X[i], Y[r, i]), c0, L)
        for l in range(L):
            out[r, l] = acc[l]


@njit("void(float64[:, ::1], float64[:, :, ::1], float64, float64[::1])", parallel=True,
      cache=True, error_model="numpy", fastmath=_FAST)
def orbit_gap_sums(X, Dg, c0, out):
    """``out[r] = sum_{i,j} [k(x_i, x_j) - k(x_i, g_r x_j)]`` without cancellation, for an isometry
    g_r given by the displacements ``Dg[r, j] = g_r x_j - x_j``.

    With ``u = x_i - x_j`` and ``d = Dg[r, j]``: ``|x_i - g_r x_j|^2 = |u|^2 + e`` with
    ``e = -2 u.d + |d|^2``, so each term is ``exp(-c0 |u|^2) (-expm1(-c0 e))``, accurate to a few
    ulps of the term itself (the difference of the two kernel sums loses ``eps * n^2`` absolutely:
    ``sqrt`` of it is 1e-8 of an MMD that should be 0, e.g. for the identity element).
    """
    n = X.shape[0]
    D = X.shape[1]
    for r in prange(Dg.shape[0]):
        acc = 0.0
        for i in range(n):
            for j in range(n):
                a = 0.0
                e = 0.0
                for t in range(D):
                    u = X[i, t] - X[j, t]
                    d = Dg[r, j, t]
                    a += u * u
                    e += d * (d - 2.0 * u)
                acc += np.exp(-c0 * a) * (-np.expm1(-c0 * e))
        out[r] = acc
