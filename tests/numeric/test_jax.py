"""JAX functions on the orbit engine: no JAX-specific code, the outputs are converted with
numpy.asarray once per batch (symbound.numeric.frameworks).  Skipped where JAX is not installed."""

import numpy as np
import pytest

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")

import symbound as sb  # noqa: E402


def test_jitted_jax_function_gives_the_numpy_estimate_in_float32():
    X = np.random.default_rng(0).normal(size=(300, 3))
    f = jax.jit(lambda xs: jnp.stack([(xs ** 2).sum(1), xs[:, 0] - xs[:, 2]], 1))
    est = sb.equivariance_error(f, sb.groups.SO(3), X, seed=0)
    ref = sb.equivariance_error(lambda xs: np.stack([(xs ** 2).sum(1), xs[:, 0] - xs[:, 2]], 1),
                                sb.groups.SO(3), X, seed=0)
    assert est.output_dtype == np.float32  # JAX's default precision (jax_enable_x64 unset)
    assert est.value == pytest.approx(ref.value, rel=1e-5)
