"""Same seed, same result: every numeric entry point gives bit-identical results with 1 and 2 numba
threads and for any batch size (the orbit integral's own test is in test_orbit.py)."""

import numba
import numpy as np
import pytest

from symbound.groups import SO, Cyclic
from symbound.numeric.covering import empirical_covering_number
from symbound.numeric.curve import equivariance_error_curve
from symbound.numeric.data_symmetry import data_equivariance_error
from symbound.numeric.orbit import equivariance_error
from symbound.numeric.reynolds import symmetrize
from symbound.numeric.symmetry_tests import invariance_test

X2 = np.random.default_rng(11).normal(size=(700, 2))
Y2 = X2[:, 0] ** 2 + 0.3 * X2[:, 1]


def _model(xs):
    return np.tanh(xs @ np.array([0.7, -1.3]))


def _with_threads(n, fn):
    old = numba.get_num_threads()
    numba.set_num_threads(n)
    try:
        return fn()
    finally:
        numba.set_num_threads(old)


def _fingerprint(res):
    """The numbers a result reports, as one tuple (arrays as bytes)."""
    if isinstance(res, np.ndarray):
        return (res.tobytes(),)
    vals = []
    for k, v in sorted(vars(res).items()):
        if isinstance(v, np.ndarray):
            vals.append((k, v.tobytes()))
        elif isinstance(v, (int, float, tuple, str, bool)) or v is None:
            vals.append((k, repr(v)))
    return tuple(vals)


CASES = {
    "equivariance_error": lambda bs: equivariance_error(_model, SO(2), X2, seed=3, batch_size=bs,
                                                        n_bootstrap=50),
    "equivariance_error_curve": lambda bs: equivariance_error_curve(
        _model, SO(2), X2, np.linspace(0, 1, 5), batch_size=bs),
    "symmetrize": lambda bs: symmetrize(_model, SO(2), n_group_samples=12, seed=1,
                                        batch_size=bs)(X2),
    "data_equivariance_error": lambda bs: data_equivariance_error(X2, Y2, Cyclic(4), radius=0.3,
                                                                  seed=2, n_permutations=20),
    "empirical_covering_number": lambda bs: empirical_covering_number(X2, 0.2, group=Cyclic(4),
                                                                      order="random", seed=4),
    "invariance_test": lambda bs: invariance_test(X2[:200], SO(2), n_randomizations=20, seed=5),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_identical_for_one_and_two_threads_and_any_batch_size(name):
    fn = CASES[name]
    ref = _fingerprint(_with_threads(2, lambda: fn(None)))
    assert _fingerprint(_with_threads(1, lambda: fn(None))) == ref
    for bs in (7, 256):
        assert _fingerprint(_with_threads(2, lambda: fn(bs))) == ref, bs
