"""njit models shared by the kernel and orbit tests (misbehaving on purpose)."""

import numpy as np
from numba import njit


@njit(cache=True)
def njit_misbehaves(x):
    """Raises on inputs with x[0] > 1e5; returns 3 outputs instead of 1 where x[1] > 1e5."""
    if x[0] > 1e5:
        raise ValueError("boom")
    if x[1] > 1e5:
        return np.ones(3)  # the output size varies with the input
    return np.array([x[0]])


@njit(cache=True)
def njit_cloud(x):  # (P, 3) -> (2,): not invariant
    out = np.zeros(2)
    for p in range(x.shape[0]):
        out[0] += x[p, 0] * x[p, 0]
        out[1] += x[p, 1] - 0.5 * x[p, 2]
    return out
