"""The model of the built-in example (``symbound report`` without a spec).

``model(x) = |x| + BREAKING * x_0`` on batches ``(N, 2) -> (N,)``: rotation invariant up to a small
linear term.  Its sup equivariance error over SO(2) on the annulus ``1/2 <= |x| <= 1`` is known in
closed form: with ``x = r (cos a, sin a)`` and g the rotation by t,
``|f(g x) - f(x)| = BREAKING r |cos(a + t) - cos a| <= 2 BREAKING r <= 2 BREAKING``, with equality
at ``r = 1, a = 0, t = pi``.  Its integrated error is ``ee_2 = BREAKING sqrt(E r^2)``, since
``E_t (cos(a + t) - cos a)^2 = 1/2 + cos^2 a`` has mean 1 over a uniform angle a; for inputs
uniform on the annulus ``E r^2 = (r_1^2 + r_2^2)/2 = 5/8``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["BREAKING", "model"]

#: coefficient of the symmetry-breaking term
BREAKING = 0.05


def model(x: np.ndarray) -> np.ndarray:
    """``|x| + BREAKING * x_0`` on a batch of points of the plane."""
    return np.sqrt(np.sum(x * x, axis=-1)) + BREAKING * x[..., 0]
