"""Shared fixtures: seeds and tolerances (as e3nn's conftest)."""

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

os.environ.setdefault("NUMBA_THREADING_LAYER", "workqueue")

# The default profile is derandomized: the suite (and CI from a clean clone) runs the same examples
# every time.  SYMBOUND_HYPOTHESIS=explore draws fresh random examples, 480 instead of 60 per test
# (tests with their own max_examples keep it): run it after changing a formula or a kernel (it found
# a subnormal-rounding case of an erfi test).
settings.register_profile(
    "symbound", deadline=None, max_examples=60, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "explore", deadline=None, max_examples=480, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("explore" if os.environ.get("SYMBOUND_HYPOTHESIS") == "explore" else "symbound")


@pytest.fixture
def rng():
    return np.random.default_rng(20231126)


@pytest.fixture(params=[np.float64])
def float_tolerance(request):
    return {np.float64: 1e-10, np.float32: 1e-4}[request.param]
