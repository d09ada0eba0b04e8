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
