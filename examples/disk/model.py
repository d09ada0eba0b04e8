"""The model of the documented example: ``f(x) = |x|^2 + 0.02 x_0`` on batches of points of the
plane, nearly (not exactly) rotation invariant.

Its sup equivariance error under SO(2) on the unit disk is at most 0.04: with ``x = r (cos a, sin a)``
and g the rotation by t, ``|f(g x) - f(x)| = 0.02 r |cos(a + t) - cos a| <= 0.04 r <= 0.04``.
"""

import numpy as np


def predict(x: np.ndarray) -> np.ndarray:
    """Predictions for a batch ``x`` of shape (N, 2)."""
    return np.sum(x * x, axis=-1) + 0.02 * x[:, 0]
