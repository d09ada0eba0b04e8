"""Shared fixtures: seeds and tolerances (as e3nn's conftest)."""

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

os.environ.setdefault("NUMBA_THREADING_LAYER", "workqueue")

settings.register_profile(
    "symbound", deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("symbound")


@pytest.fixture
def rng():
    return np.random.default_rng(20231126)


@pytest.fixture(params=[np.float64])
def float_tolerance(request):
    return {np.float64: 1e-10, np.float32: 1e-4}[request.param]
