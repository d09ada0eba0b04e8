"""The seam: a Bound compiled to numba agrees with SymPy and with mpmath; overflow is never silent."""

import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given
from hypothesis import strategies as st

from symbound.bounds import Bound
from symbound.errors import InvalidTypeError, InvalidValueError
from symbound.numeric.compile import compile_bound
from symbound.symbols import symbols

n, delta, eps, L, M, C = symbols("n", "delta", "eps", "L", "M", "C")

# one bound shape for the whole module: compiled once (cache=True), reused by every test
PARTITION = Bound(2 * L * eps + M * sp.sqrt((2 * C * sp.ceiling(1 / eps) ** 2 * sp.log(2)
                                             + 2 * sp.log(1 / delta)) / n))
COMPILED = compile_bound(PARTITION, "n", "delta", "eps", L=1, M=1, C=2)


def _reference(nn, dd, ee):  # written independently with math
    return 2 * ee + math.sqrt((2 * 2 * math.ceil(1 / ee) ** 2 * math.log(2) + 2 * math.log(1 / dd)) / nn)


@given(st.integers(1, 10**9), st.floats(1e-10, 0.99), st.floats(1e-3, 10.0))
def test_compiled_equals_reference_and_symbolic(nn, dd, ee):
    got = COMPILED(n=nn, delta=dd, eps=ee)
    # the exact symbolic value, also at the jumps of ceil(1/eps)
    assert got == pytest.approx(PARTITION.evaluate(n=nn, delta=dd, eps=ee, L=1, M=1, C=2), rel=1e-12)
    # a float reference written with math agrees away from the jumps (where float64 rounding of
    # 1/eps may land on either side of an integer)
    assume(abs(1 / ee - round(1 / ee)) > 1e-9)
    assert got == pytest.approx(_reference(nn, dd, ee), rel=1e-12)


def test_ceil_jumps_follow_exact_arithmetic():
    # eps just below 1/k: 1/eps is a hair above k in exact arithmetic (ceil = k + 1) while float64
    # may round it to k; the compiled value must never fall below the exact bound
    import numpy as np

    eps = np.array([np.nextafter(1 / k, 0.0) for k in range(2, 400)] + [1 / k for k in range(2, 400)])
    got = COMPILED(n=1000, delta=0.05, eps=eps)
    exact = [PARTITION.evaluate(n=1000, delta=0.05, eps=float(e), L=1, M=1, C=2) for e in eps]
    np.testing.assert_allclose(got, exact, rtol=1e-12)


def test_numerically_defined_functions_take_the_exact_path():
    import symbound as sb

    b = sb.generalization_bound(sb.Annulus(sp.Rational(1, 20), 1), covering="upper", lipschitz=1,
                                loss_lipschitz=1, loss_bound=1, classes=2, grid_size=1,
                                resolution="expose")
    f = compile_bound(b, "n", "delta", "eps")
    assert f.backend.startswith("exact")
    got = f(n=np.array([100, 10_000]), delta=0.05, eps=0.4)
    assert got[1] == pytest.approx(b.evaluate(n=10_000, delta=0.05, eps=0.4), rel=1e-12)


def test_compiled_vs_mpmath_high_precision():
    v = COMPILED.evaluate_mpmath(dps=60, n=12345, delta=1e-6, eps=0.037)
    assert float(v) == pytest.approx(float(COMPILED(n=12345, delta=1e-6, eps=0.037)), rel=1e-14)


def test_broadcasting_shapes():
    out = COMPILED(n=np.array([[100], [1000]]), delta=0.05, eps=np.array([0.1, 0.2, 0.3]))
    assert out.shape == (2, 3)
    assert out[1, 2] == pytest.approx(_reference(1000, 0.05, 0.3))


def test_overflow_goes_to_mpmath_not_inf():
    # K = 3^d cells in d = 1000 dimensions: 3^1000 overflows float64 but sqrt(K/n) = 3^500/... does not
    d = 1000
    b = Bound(M * sp.sqrt(2 * sp.Integer(3) ** d * sp.log(2) / n))
    f = compile_bound(b, "n", M=1)
    got = f(n=np.array([1.0, 100.0]))
    ref = [mpmath.sqrt(2 * mpmath.mpf(3) ** d * mpmath.log(2) / k) for k in (1, 100)]
    assert got.dtype == np.float64
    assert got[0] == pytest.approx(float(ref[0]), rel=1e-12)
    huge = Bound(sp.Integer(3) ** d / n)
    g = compile_bound(huge, "n")
    r = g(n=2.0)
    assert r.dtype == object and isinstance(r.item(), mpmath.mpf)
    assert mpmath.almosteq(r.item(), mpmath.mpf(3) ** d / 2, rel_eps=1e-14)


def test_bad_input():
    with pytest.raises(InvalidValueError, match=r"delta must lie in \(0, 1\)"):
        COMPILED(n=10, delta=np.array([0.5, 1.5]), eps=0.1)
    with pytest.raises(InvalidValueError, match="n must be an integer"):
        COMPILED(n=2.5, delta=0.1, eps=0.1)
    with pytest.raises(InvalidValueError, match="broadcast"):
        COMPILED(n=np.ones(3), delta=np.full(2, 0.1), eps=0.1)
    with pytest.raises(InvalidValueError, match="missing"):
        COMPILED(n=10, delta=0.1)
    with pytest.raises(InvalidValueError, match="finite"):
        COMPILED(n=np.nan, delta=0.1, eps=0.1)
    with pytest.raises(InvalidValueError, match="still has free symbols"):
        compile_bound(PARTITION, "n")
    with pytest.raises(InvalidTypeError):
        compile_bound("x", "n")


def test_pickle_roundtrip_rebuilds_kernel():
    import pickle

    g = pickle.loads(pickle.dumps(COMPILED))
    assert g(n=500, delta=0.1, eps=0.25) == COMPILED(n=500, delta=0.1, eps=0.25)


def test_dask_sharded_sweep_equals_local():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        nn = np.round(np.linspace(10, 1e6, 1001))
        local = COMPILED(n=nn, delta=0.05, eps=0.1)
        remote = COMPILED(n=nn, delta=0.05, eps=0.1, client=client, chunk_size=300)
    np.testing.assert_array_equal(local, remote)


# --- underflow: an intermediate that loses its digits is recomputed, never a silent 0 ---------------

UNDERFLOW = Bound(sp.Integer(10) ** 300 * sp.exp(-n))
UNDERFLOW_F = compile_bound(UNDERFLOW, "n")


def test_intermediate_underflow_is_recomputed_not_zero():
    # exp(-750) underflows float64 (about 1e-326) while 1e300 exp(-750) = 1.9e-26 does not
    got = UNDERFLOW_F(n=np.array([700.0, 750.0, 800.0]))
    for k, g in zip((700, 750, 800), got):
        ref = mpmath.mpf(10) ** 300 * mpmath.exp(-k)  # mpmath directly, not the library's path
        assert float(g) == pytest.approx(float(ref), rel=1e-13, abs=0)
    assert got.dtype == np.float64  # every true value fits in float64


def test_result_below_float64_is_an_mpf():
    r = UNDERFLOW_F(n=3000.0)
    assert r.dtype == object
    assert mpmath.almosteq(r.item(), mpmath.mpf(10) ** 300 * mpmath.exp(-3000), rel_eps=1e-14)


def test_exact_zeros_and_untaken_branches_stay_on_the_fast_path(monkeypatch):
    # max(0, .) = 0 is an exact value, and the branch exp(-n) is not evaluated where n >= 10: no
    # entry needs the exact path
    from symbound.numeric.compile import CompiledBound

    calls = []
    orig = CompiledBound._rescue
    monkeypatch.setattr(CompiledBound, "_rescue", lambda self, *a: calls.append(1) or orig(self, *a))
    f = compile_bound(Bound(sp.Max(0, 1 - delta) * sp.Piecewise((sp.exp(-n), n < 10), (1 / n, True))),
                      "n", "delta")
    got = f(n=np.array([1000.0, 2.0]), delta=np.array([0.5, 0.25]))
    assert calls == []
    np.testing.assert_allclose(got, [0.5 / 1000, 0.75 * math.exp(-2)], rtol=1e-15)


@pytest.mark.parametrize("dim", [1, 2, 3, 5])
def test_dudley_closed_forms_compile_to_numba(dim):
    # the Dudley closed forms use Lambert's W and erfi (d0 > 2) / erfc (d0 < 2): numba code, agreeing
    # with SymPy's evaluation of the same formula
    import symbound as sb

    b = sb.generalization_bound(sb.Ball(dim=dim, radius=1), method="dudley", covering="power_law",
                                lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2)
    f = compile_bound(b, "n", "delta", "B")
    assert f.backend == "numba"
    nn = np.array([3.0, 100.0, 10_000.0, 10.0**9])
    got = f(n=nn, delta=0.05, B=1.5)
    ref = [b.evaluate(n=int(k), delta=0.05, B=1.5) for k in nn]
    np.testing.assert_allclose(got, ref, rtol=1e-11)


def test_function_without_float64_code_takes_the_exact_path():
    f = compile_bound(Bound(-sp.LambertW(-1 / (2 * n), -1)), "n")  # the W_{-1} branch
    assert f.backend.startswith("exact") and "LambertW" in f.backend
    assert float(f(n=3.0)) == pytest.approx(float(-mpmath.lambertw(-mpmath.mpf(1) / 6, -1)), rel=1e-14)


def test_arguments_must_be_real_numbers_of_their_domain():
    with pytest.raises(InvalidTypeError, match="n must be a real number"):
        COMPILED(n="10", delta=0.1, eps=0.1)
    f = compile_bound(Bound(C * sp.sqrt(1 / n)), "n", "C")
    with pytest.raises(InvalidValueError, match="C must be an integer, got 2.5"):
        f(n=10, C=2.5)
    assert float(f(n=4, C=3)) == 1.5


def test_ceil_jump_nan_is_not_dropped_by_min_max_or_conditions():
    # _sb_ceil signals "too close to a jump" by NaN; min/max/comparisons would drop it silently.
    # The torus covering number min(4/(pi eps^2), ceil(sqrt2/(2 eps))^2) at the floats nearest
    # sqrt2/(2k): the ceiling's argument is within an ulp of the integer k, _sb_ceil returns NaN and
    # min() used to drop it, returning the first term 8 k^2/pi (22.9 for k = 3) instead of about k^2.
    # The entries go to the exact (SymPy) path, the reference here
    import symbound as sb

    b = Bound(sb.Torus(dim=2, period=1).covering_number(eps))
    f = compile_bound(b, "eps")
    es = np.sqrt(2) / (2 * np.array([3, 5, 10, 7, 12]))
    ref = [b.evaluate(eps=float(e)) for e in es]
    assert all(k * k <= r <= (k + 1) ** 2 for k, r in zip([3, 5, 10, 7, 12], ref))
    np.testing.assert_array_equal(f(eps=es), ref)
    g = compile_bound(Bound(sp.Min(20, sp.ceiling(1 / eps)) / n + sp.Max(5, sp.ceiling(1 / eps)) / n),
                      "n", "eps")
    assert float(g(n=1.0, eps=0.1)) == 20.0  # ceil(1/0.1) = 10 exactly: min 10, max 10
    h = compile_bound(Bound(sp.Piecewise((1 / n, n + sp.ceiling(1 / eps) <= 11), (2 / n, True))),
                      "n", "eps")
    assert float(h(n=1.0, eps=0.1)) == 1.0


def test_every_partial_product_is_tested_for_underflow():
    a, b, c = sp.symbols("a b c", positive=True)
    f = compile_bound(Bound(a * b * c), "a", "b", "c")
    # 1e-200 * 7e-124 is subnormal (digits lost) although the product 7e-24 is not
    assert float(f(a=1e-200, b=7e-124, c=1e300)) == pytest.approx(7e-24, rel=1e-14)


def test_logarithms_near_one_keep_their_digits():
    m = sp.Symbol("m", positive=True)
    f = compile_bound(Bound(sp.log(1 + sp.exp(-m)) * sp.exp(m)), "m")
    # log(1 + x) / x = 1 - x/2 + O(x^2) with x = e^-m (by hand)
    for mm, got in zip((30.0, 40.0), f(m=np.array([30.0, 40.0]))):
        assert got == pytest.approx(1 - math.exp(-mm) / 2, rel=1e-15)
    assert float(compile_bound(Bound(sp.log(1 + 1 / m)), "m")(m=1e17)) == pytest.approx(1e-17, rel=1e-15)
    # log((m + 1)/m): the argument rounds to exactly 1, the zero is sent to the exact path
    assert float(compile_bound(Bound(sp.log((m + 1) / m)), "m")(m=1e17)) == pytest.approx(1e-17, rel=1e-15)


def test_sympy_and_mpmath_numbers_are_accepted_as_values():
    f = compile_bound(Bound(1 / n), "n")
    assert float(f(n=sp.Integer(10))) == 0.1 and float(f(n=mpmath.mpf(8))) == 0.125
    np.testing.assert_array_equal(f(n=np.array([sp.Integer(4), mpmath.mpf(2)], dtype=object)), [0.25, 0.5])
    with pytest.raises(InvalidTypeError, match="n must be a real number"):
        f(n=1 + 2j)


def test_formula_numba_cannot_type_takes_the_exact_path():
    f = compile_bound(Bound(sp.factorial(n) / n), "n")  # math.factorial of a float: no numba typing
    assert f.backend.startswith("exact") and "numba cannot compile" in f.backend
    assert float(f(n=5)) == 24.0
