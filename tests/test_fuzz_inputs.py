"""Bad input everywhere (issue #15): wrong types, values, shapes, NaN/inf, ragged lists, empty
arrays and huge sizes at every public callable of symbound (the names of ``symbound.__all__``,
``symbound.groups``, ``symbound.spaces``, ``symbound.reference`` and ``symbound.quotient``, and the
main methods of the objects they return), and fuzzed TOML at the report's spec parser.

Each call either raises a SymboundError subclass (a ValueError/TypeError) whose message has at
most 3 lines and names the argument, or returns finite numbers — never another exception (a numba
TypingError, an IndexError, a ZeroDivisionError, an OverflowError, a MemoryError), never a silent
NaN, never a hang (an alarm stops a call after ``_ALARM`` seconds).

The list of public names is read from the modules' ``__all__`` at collection time: every name must
be fuzzed here or listed in ``EXCLUDED`` with the reason, so that a new public function without
fuzzing fails ``test_every_public_name_is_fuzzed_or_excluded``.
"""

import contextlib
import dataclasses
import functools
import importlib
import math
import signal
import warnings
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import symbound as sb
from symbound.errors import SymboundError
from symbound.groups import SO, Cyclic

X2 = np.random.default_rng(0).normal(size=(40, 2))
_G = (np.arange(6) + 0.5) / 3 - 1
XG = np.stack(np.meshgrid(_G, _G), -1).reshape(-1, 2)  # a grid symmetric under C_4
Y2 = np.linalg.norm(X2, axis=1)
_ALARM = 30  # seconds: a call longer than this is a hang


def _model(xs):
    return xs[:, 0] * xs[:, 1]


class _Opaque:
    """An object of no numeric type."""

    def __repr__(self):
        return "<opaque>"


# ----- the bad values --------------------------------------------------------------------------
#: wrong types: a string where a number is expected must be a TypeError, never parsed
WRONG_TYPES = [None, "0.5", "pi", "1/0", "3", b"1", {"a": 1}, [], (), _Opaque(), 1j, True, False,
               np.bool_(True), np.complex128(1 + 1j)]
#: wrong values: NaN, infinities, signs, zero, float extremes, huge integers
WRONG_VALUES = [math.nan, math.inf, -math.inf, -1.0, 0.0, -0.0, 0.5, 1e308, -1e308, 1e-320,
                10**400, -(10**30), 10**20, 10**12, 2**63, 2**64 + 1, -1, 0, 2, np.float64(math.nan),
                np.int64(-5), Fraction(1, 3), sp.nan, sp.oo, sp.zoo, sp.Integer(-2), sp.I]
#: wrong shapes and dtypes
WRONG_ARRAYS = [np.array([]), np.zeros((0, 2)), np.zeros((3, 0)), np.full((4, 2), np.nan),
                np.array([[1.0, np.inf], [0.0, 1.0]]), np.ones((4, 3)), np.ones(4),
                np.ones((2, 3, 2)), np.ones((2, 2, 2, 2, 2)), np.array(["a", "b"]),
                np.array([1 + 1j, 2j]), np.ones((4, 2), dtype=object), X2[:7], np.ones((40, 1)),
                np.full((40, 2), 1e308)]
#: ragged and mixed lists
WRONG_LISTS = [[[1.0, 2.0], [3.0]], [[1.0, 2.0], "ab"], [[1.0, None]], [[1e308, -1e308]] * 3,
               [1.0, "a"], [[]], [[[1.0]]], ["x", "y"]]
#: huge sizes (refused with the allowed range, or handled without allocating)
HUGE = [10**9, 10**12, 10**20, 10**30, 10**400]

ALL_BAD = WRONG_TYPES + WRONG_VALUES + WRONG_ARRAYS + WRONG_LISTS + HUGE
BAD = st.one_of(
    st.sampled_from(ALL_BAD),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**20), 10**20),
)


# ----- the cases: one per public callable or method --------------------------------------------
def _ball_space(**k):
    return sb.Ball(k.pop("dim"), k.pop("radius"))


def _tradeoff(**k):
    base = dict(space=sb.Ball(2), group=SO(2), data_equivariance_error=0.05, n=10**6,
                method="partition", lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2)
    return sb.tradeoff(**dict(base, **k))


@functools.cache
def _t():
    return _tradeoff()


def _partial(**k):
    base = dict(space=sb.Ball(2), n=10**6, breaking_rate=0.02, lipschitz=1, loss_lipschitz=1,
                loss_bound=1, classes=2, thetas=[0, math.pi / 12, math.pi / 3, math.pi])
    return sb.partial_tradeoff(**dict(base, **k))


@functools.cache
def _p():
    return _partial()


_NS = sb.symbol("n")
_DS = sb.symbol("delta")


def _bound():
    return sb.Bound(sp.sqrt(sp.log(2 / _DS) / (2 * _NS)))


@functools.cache
def _compiled():
    return sb.compile_bound(_bound(), "n", "delta")


def _gb():
    return sb.generalization_bound(sb.Ball(2), SO(2), lipschitz=1, loss_bound=1, loss_lipschitz=1,
                                   classes=2)


_ORB_C = [[(Fraction(1, 4), "a"), (Fraction(1, 4), "a"), (Fraction(1, 4), "a"),
           (Fraction(1, 4), "b")]]
_ORB_R = [[(0.25, 0.0), (0.25, 1.0), (0.25, 0.0), (0.25, 1.0)]]
_R4 = [[[1, 0], [0, 1]], [[0, -1], [1, 0]], [[-1, 0], [0, -1]], [[0, 1], [-1, 0]]]
_ORB_E = [[(0.25, [1, 0], _R4[0]), (0.25, [0, 1], _R4[1]), (0.25, [-1, 0], _R4[2]),
           (0.25, [1, 0], _R4[3])]]


def _torch_call(**k):
    torch = pytest.importorskip("torch")
    dtype = k.pop("dtype", torch.float64)
    return sb.TorchModel(k.pop("model"), device=k.pop("device"), dtype=dtype)(k.pop("xs"))


@dataclasses.dataclass
class Case:
    """A public callable: ``call(**valid)`` succeeds; each fuzzed call changes one argument."""

    covers: object            # the public object this case fuzzes (its constructor, or it)
    call: object
    valid: dict
    names: dict = dataclasses.field(default_factory=dict)  # argument -> words the message may use


def _groups():
    g = sb.groups
    return {
        "Cyclic": Case(g.Cyclic, lambda **k: repr(g.Cyclic(**k)), dict(k=4, dim=2, plane=(0, 1))),
        "Dihedral": Case(g.Dihedral, lambda **k: repr(g.Dihedral(**k)),
                         dict(k=4, dim=2, plane=(0, 1))),
        "Symmetric": Case(g.Symmetric, lambda **k: repr(g.Symmetric(**k)), dict(n=3, axis=-2)),
        "TransformationSet": Case(g.TransformationSet, lambda **k: repr(g.TransformationSet(**k)),
                                  dict(matrices=np.array(_R4, float), is_group=None, atol=1e-9)),
        "SO": Case(g.SO, lambda **k: repr(g.SO(**k)), dict(n=3, dim=None, plane=(0, 1))),
        "O": Case(g.O, lambda **k: repr(g.O(**k)), dict(n=2, dim=3, plane=(0, 1))),
        "Translations": Case(g.Translations, lambda **k: repr(g.Translations(**k)),
                             dict(dim=2, period=1.0)),
        "PartialRotations": Case(g.PartialRotations, lambda **k: repr(g.PartialRotations(**k)),
                                 dict(max_angle=0.5, dim=2, plane=(0, 1))),
        "DirectProduct": Case(g.DirectProduct, lambda **k: repr(g.DirectProduct(**k)),
                              dict(first=Cyclic(2), second=SO(2))),
        "Action": Case(g.Action, lambda **k: repr(g.Action(**k)),
                       dict(fn=lambda e, x: x * e, elements=[1.0, -1.0], name="sign", atol=1e-9)),
    }


def _spaces():
    s = sb.spaces
    cases = {
        "Ball": Case(s.Ball, lambda **k: repr(s.Ball(**k)), dict(dim=3, radius=1)),
        "Cube": Case(s.Cube, lambda **k: repr(s.Cube(**k)),
                     dict(dim=2, side=1, metric="sup")),
        "Sphere": Case(s.Sphere, lambda **k: repr(s.Sphere(**k)), dict(dim=2)),
        "Annulus": Case(s.Annulus, lambda **k: repr(s.Annulus(**k)),
                        dict(r_inner=1, r_outer=2)),
        "Torus": Case(s.Torus, lambda **k: repr(s.Torus(**k)),
                      dict(dim=2, period=1)),
        "Manifold": Case(s.Manifold, lambda **k: repr(s.Manifold(**k)),
                         dict(dim=2, volume=3)),
        "FiniteSet": Case(s.FiniteSet, lambda **k: repr(s.FiniteSet(**k)),
                          dict(k=5)),
        "Product": Case(s.Product, lambda **k: repr(s.Product(**k)),
                        dict(A=s.Ball(1), B=s.Sphere(1), metric="max")),
        "unit_ball_volume": Case(s.unit_ball_volume, s.unit_ball_volume, dict(m=3)),
    }
    for cls, args in [(s.Ball, (2,)), (s.Cube, (2,)), (s.Sphere, (2,)), (s.Annulus, (1, 2)),
                      (s.Torus, (2,)), (s.Manifold, (2, 3)), (s.FiniteSet, (5,))]:
        kind = "asymptotic" if cls is s.Manifold else "upper"
        for meth in ("covering_number", "log_covering_number"):
            cases[f"{cls.__name__}.{meth}"] = Case(
                cls, (lambda cls, args, meth: lambda **k: getattr(cls(*args), meth)(**k))(
                    cls, args, meth), dict(eps=0.1, kind=kind))
    return cases


def _reference():
    r = sb.reference
    return {
        "elesedy_zaidi2021": Case(r.elesedy_zaidi2021, lambda **k: r.elesedy_zaidi2021(**k).expr,
                                  dict(d=4, n=12, sigma2=1, fixed_dim=2)),
        "wang2023_invariant_classification": Case(
            r.wang2023_invariant_classification,
            lambda **k: r.wang2023_invariant_classification(**k).expr, dict(orbits=_ORB_C)),
        "wang2023_invariant_regression": Case(
            r.wang2023_invariant_regression,
            lambda **k: r.wang2023_invariant_regression(**k).expr, dict(orbits=_ORB_R)),
        "wang2023_equivariant_regression": Case(
            r.wang2023_equivariant_regression,
            lambda **k: r.wang2023_equivariant_regression(**k).expr, dict(orbits=_ORB_E)),
    }


def _quotients():
    return {
        "quotient": Case(sb.quotient, lambda **k: sb.quotient(**k).covering_number(0.1),
                         dict(space=sb.Ball(3), group=SO(3))),
        "QuotientSpace.covering_number": Case(
            sb.QuotientSpace, lambda **k: sb.quotient(sb.Ball(3), SO(3)).covering_number(**k),
            dict(eps=0.1, kind="upper")),
        "QuotientSpace.log_covering_number": Case(
            sb.QuotientSpace, lambda **k: sb.quotient(sb.Ball(3), SO(3)).log_covering_number(**k),
            dict(eps=0.1, kind="upper")),
        "supported_pairs": Case(sb.quotient.supported_pairs,
                                lambda **k: len(sb.quotient.supported_pairs(**k)), {}),
    }


def _bounds():
    return {
        "symbol": Case(sb.symbol, sb.symbol, dict(name="n")),
        "Bound": Case(sb.Bound, lambda **k: sb.Bound(**k).evaluate(n=100, delta=0.1),
                      dict(expr=sp.sqrt(sp.log(2 / _DS) / (2 * _NS))),
                      names=dict(expr=("expr", "bound"))),
        "Bound.evaluate": Case(sb.Bound, lambda **k: _bound().evaluate(**k),
                               dict(n=100, delta=0.05)),
        "Bound.subs": Case(sb.Bound, lambda **k: _bound().subs(**k).evaluate(delta=0.05),
                           dict(n=100)),
        "Bound.optimize": Case(sb.Bound, lambda **k: _gb().optimize(**k).value,
                               dict(n=10**4, delta=0.05)),
        "generalization_bound": Case(sb.generalization_bound,
                                     lambda **k: sb.generalization_bound(sb.Ball(2), **k),
                                     dict(lipschitz=1, loss_bound=1, n=1000, delta=0.05)),
        "lipschitz_class_log_covering": Case(
            sb.lipschitz_class_log_covering, sb.lipschitz_class_log_covering,
            dict(space=sb.Ball(1, radius=1), u=0.5, lipschitz=1, bound=1)),
        "compare": Case(sb.compare, lambda **k: sb.compare([_gb(), _gb()], **k), dict(n=1000,
                                                                                 delta=0.05)),
        "plot_bounds": Case(sb.plot_bounds, _plot, dict(n=np.logspace(2, 8, 3), delta=0.05)),
        "tradeoff": Case(sb.tradeoff, lambda **k: _tradeoff(**k).optimal_model_equivariance(),
                         dict(data_equivariance_error=0.05, n=10**6, delta=0.05, lipschitz=1,
                              loss_lipschitz=1, loss_bound=1, classes=2, method="partition")),
        "TradeOff.generalization": Case(sb.TradeOff, lambda **k: _t().generalization(**k),
                                        dict(eta=0.1, n=10**5)),
        "TradeOff.approximation": Case(sb.TradeOff, lambda **k: _t().approximation(**k),
                                       dict(eta=0.1, which="upper")),
        "TradeOff.total_error": Case(sb.TradeOff, lambda **k: _t().total_error(**k),
                                     dict(eta=0.1, which="upper", n=10**5)),
        "TradeOff.optimal_model_equivariance": Case(
            sb.TradeOff, lambda **k: _t().optimal_model_equivariance(**k), dict(which="upper")),
        "TradeOff.threshold_n": Case(sb.TradeOff, lambda **k: _t().threshold_n(**k),
                                     dict(which="upper", rtol=1e-4)),
        "TradeOff.phase_diagram": Case(sb.TradeOff, lambda **k: _t().phase_diagram(**k),
                                       dict(n=[1e4, 1e6], eta_d=[0.01, 0.1], which="upper")),
        "TradeOff.with_params": Case(sb.TradeOff, lambda **k: _t().with_params(**k).total_error(
            0.1), dict(n=10**5, delta=0.05)),
        "partial_tradeoff": Case(sb.partial_tradeoff,
                                 lambda **k: _partial(**k).optimal_model_equivariance(),
                                 dict(n=10**6, delta=0.05, breaking_rate=0.02, lipschitz=1,
                                      loss_lipschitz=1, loss_bound=1, classes=2)),
        "PartialTradeOff.data_error": Case(sb.PartialTradeOff, lambda **k: _p().data_error(**k),
                                           dict(theta=0.3)),
        "PartialTradeOff.generalization": Case(
            sb.PartialTradeOff, lambda **k: _p().generalization(**k), dict(eps=0.1, theta=0.3)),
        "PartialTradeOff.approximation": Case(
            sb.PartialTradeOff, lambda **k: _p().approximation(**k),
            dict(eps=0.1, theta=0.3, which="upper")),
        "PartialTradeOff.total_error": Case(
            sb.PartialTradeOff, lambda **k: _p().total_error(**k),
            dict(eps=0.1, theta=0.3, which="upper")),
        "PartialTradeOff.optimal_model_equivariance": Case(
            sb.PartialTradeOff, lambda **k: _p().optimal_model_equivariance(**k),
            dict(which="upper")),
    }


def _plot(**k):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    kw = dict(lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2, power_law=(8, 2))
    fig = sb.plot_bounds([sb.generalization_bound(None, **kw)], **k)
    plt.close(fig)
    return None


def _numeric():
    return {
        "equivariance_error": Case(sb.equivariance_error,
                                   lambda **k: sb.equivariance_error(_model, **k),
                                   dict(group=SO(2), X=X2, p=2, n_group_samples=4, seed=0,
                                        batch_size=64, confidence=0.9, n_bootstrap=20)),
        "equivariance_error_curve": Case(sb.equivariance_error_curve,
                                         lambda **k: sb.equivariance_error_curve(_model, **k),
                                         dict(group_family=SO(2), X=X2,
                                              parameters=np.linspace(0, 1, 3), p=2)),
        "lie_derivative": Case(sb.lie_derivative, lambda **k: sb.lie_derivative(_model, **k),
                               dict(generator=SO(2), X=X2, h=1e-2, p=2)),
        "assert_equivariant": Case(sb.assert_equivariant,  # 0 is invariant and equivariant
                                   lambda **k: sb.assert_equivariant(lambda xs: 0 * xs, **k),
                                   dict(group=SO(2), X=X2, rho="same", n_group_samples=4,
                                        atol=1e-6),
                                   # X of shape (N, a, 2) is a batch the group acts on; the
                                   # model's (N, a, 2) outputs are then refused by rho="same"
                                   names=dict(X=("X", "model outputs"))),
        "symmetrize": Case(sb.symmetrize, lambda xs, **k: sb.symmetrize(_model, **k)(xs),
                           dict(xs=X2, group=Cyclic(4), n_group_samples=4, seed=0),
                           names=dict(xs=("xs", "X", "input"))),
        "data_equivariance_error": Case(sb.data_equivariance_error, sb.data_equivariance_error,
                                        dict(X=X2, y=Y2, group=Cyclic(4), radius=0.5, p=2,
                                             n_group_samples=4, seed=0, n_permutations=10)),
        "certified_sup_error": Case(sb.certified_sup_error,
                                    lambda **k: sb.certified_sup_error(lambda xs: xs[:, 0], **k),
                                    dict(group=SO(2), region=sb.Ball(2, 1), lipschitz=1.0,
                                         resolution=8, group_resolution=16)),
        "certified_data_sup_error": Case(sb.certified_data_sup_error,
                                         sb.certified_data_sup_error,
                                         dict(X=XG, y=XG[:, 0], group=Cyclic(4), radius=1e-9,
                                              lipschitz=1.0)),
        "invariance_test": Case(sb.invariance_test, sb.invariance_test,
                                dict(X=X2, group=SO(2), n_randomizations=10, seed=0)),
        "equivariance_test": Case(sb.equivariance_test, sb.equivariance_test,
                                  dict(X=X2, y=X2 + 0.1, group=SO(2), rho="same",
                                       n_randomizations=10, seed=0)),
        "distributional_asymmetry": Case(sb.distributional_asymmetry, sb.distributional_asymmetry,
                                         dict(X=X2, group=SO(2), n_group_samples=8, seed=0,
                                              confidence=0.9)),
        "empirical_covering_number": Case(sb.empirical_covering_number,
                                          sb.empirical_covering_number,
                                          dict(points=X2, eps=0.3, group=Cyclic(4), seed=0,
                                               shard_size=16)),
        "compile_bound": Case(sb.compile_bound,
                              lambda **k: sb.compile_bound(k.pop("bound"), "n", **k)(
                                  np.array([10.0, 100.0])),
                              dict(bound=_bound(), delta=0.05)),
        "CompiledBound.__call__": Case(sb.CompiledBound, lambda **k: _compiled()(**k),
                                       dict(n=np.array([10.0, 100.0]), delta=0.05,
                                            chunk_size=1000)),
        "CompiledBound.evaluate_mpmath": Case(sb.CompiledBound,
                                              lambda **k: _compiled().evaluate_mpmath(**k),
                                              dict(n=10, delta=0.05, dps=30)),
        "TorchModel": Case(sb.TorchModel, _torch_call,
                           dict(model=lambda t: t.norm(dim=1), device=None, xs=X2),
                           names=dict(xs=("xs", "input", "X"))),
    }


CASES = {**_groups(), **_spaces(), **_reference(), **_quotients(), **_bounds(), **_numeric()}

#: public names that are not fuzzed, with the reason
EXCLUDED = {
    # modules: their fuzzed public callables are listed by their own __all__ below
    "symbols": "a module (sb.symbol is fuzzed; symbols() takes names and builds SymPy symbols)",
    "groups": "a module (its __all__ is fuzzed name by name)",
    "latex": "a module of printers that take any symbound object (no numeric arguments)",
    "reference": "a module (its __all__ is fuzzed name by name)",
    "numeric": "a module (its public names are those of symbound.__all__)",
    # exception classes
    "SymboundError": "an exception class", "InvalidValueError": "an exception class",
    "InvalidTypeError": "an exception class", "NumericalError": "an exception class",
    "FloatOverflowError": "an exception class",
    "AmbiguousDimensionError": "an exception class",
    # constants
    "RELATIONS": "a constant (a tuple of strings)",
    "SUPPORTED": "a constant (the text of the supported pairs)",
    # abstract bases
    "Space": "an abstract base (each concrete space is fuzzed with its methods)",
    "TransformationSetBase": "an abstract base (each concrete group is fuzzed)",
    # result types: built by the library from validated input, not user entry points; the
    # methods users call on them are fuzzed through the function that returns them
    "Optimum": "the result of Bound.optimize (fuzzed)",
    "GeneralizationBound": "the result of generalization_bound (fuzzed)",
    "ReferenceBound": "the result of the reference constructors (fuzzed)",
    "Comparison": "the result of compare (fuzzed)", "Comparisons": "the result of compare",
    "LevelOptimum": "the result of TradeOff.optimal_model_equivariance (fuzzed)",
    "Threshold": "the result of TradeOff.threshold_n (fuzzed)",
    "PhaseDiagram": "the result of TradeOff.phase_diagram (fuzzed)",
    "PartialOptimum": "the result of PartialTradeOff.optimal_model_equivariance (fuzzed)",
    "EquivarianceErrorEstimate": "the result of equivariance_error (fuzzed)",
    "EquivarianceErrorCurve": "the result of equivariance_error_curve (fuzzed)",
    "LieDerivativeEstimate": "the result of lie_derivative (fuzzed)",
    "SymmetrizedModel": "built by symmetrize; its __call__ is fuzzed in the symmetrize case",
    "DataEquivarianceEstimate": "the result of data_equivariance_error (fuzzed)",
    "DataEquivarianceError": "an alias of DataEquivarianceEstimate",
    "SymmetryTestResult": "the result of invariance_test / equivariance_test (fuzzed)",
    "DistributionalAsymmetry": "the result of distributional_asymmetry (fuzzed)",
    "EmpiricalCovering": "the result of empirical_covering_number (fuzzed)",
    "PairTable": "the result of supported_pairs (fuzzed)",
    "Pair": "a row of the quotient registry (built by the library)",
}

PUBLIC_MODULES = ["symbound", "symbound.groups", "symbound.spaces", "symbound.reference",
                  "symbound.quotient"]


def _public_names():
    out = {}
    for modname in PUBLIC_MODULES:
        mod = importlib.import_module(modname)
        if modname == "symbound.quotient":  # the package (sb.quotient is the function)
            mod = importlib.import_module("symbound.quotient.__init__".rsplit(".", 1)[0])
        for name in mod.__all__:
            out[f"{modname}.{name}"] = (name, getattr(mod, name))
    return out


def test_every_public_name_is_fuzzed_or_excluded():
    """A new public callable without a fuzz case (or a justified exclusion) fails here."""
    covered = [c.covers for c in CASES.values()]
    missing = [full for full, (name, obj) in _public_names().items()
               if name not in EXCLUDED and not any(obj is c for c in covered)]
    assert not missing, f"public names neither fuzzed nor excluded: {missing}"
    stale = [name for name in EXCLUDED
             if name not in {n for n, _ in _public_names().values()}]
    assert not stale, f"EXCLUDED lists names that are not public: {stale}"


# ----- the checks ------------------------------------------------------------------------------
class Hang(Exception):
    """A call ran longer than _ALARM seconds."""


def _alarm(signum, frame):
    raise Hang(f"call ran longer than {_ALARM} s")


@contextlib.contextmanager
def _guarded():
    """Warnings silenced, and a Hang raised after _ALARM seconds."""
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(_ALARM)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _nan_in(res, depth=0) -> bool:
    """True when a NaN appears in the numbers ``res`` reports (recursively, shallow objects)."""
    if depth > 3:
        return False
    if isinstance(res, (float, np.floating)):
        return math.isnan(res)
    if isinstance(res, sp.Basic):
        return res.has(sp.nan)
    if isinstance(res, np.ndarray):
        return res.dtype.kind in "fc" and bool(np.any(np.isnan(res)))
    if isinstance(res, (list, tuple)):
        return any(_nan_in(v, depth + 1) for v in res[:50])
    if isinstance(res, dict):
        return any(_nan_in(v, depth + 1) for v in list(res.values())[:50])
    if dataclasses.is_dataclass(res):
        return any(_nan_in(getattr(res, f.name), depth + 1) for f in dataclasses.fields(res)
                   if f.name in ("value", "values", "max_observed", "estimate", "upper", "pvalue",
                                 "n_centers", "total_error", "approximation", "generalization",
                                 "eps", "theta"))
    return False


def run_case(name: str, key: str, bad):
    """Call case ``name`` with argument ``key`` replaced by ``bad``.  Returns None when the call
    behaves (a SymboundError with a short message naming the argument, or a NaN-free result), else
    a description of the defect."""
    case = CASES[name]
    kwargs = dict(case.valid, **{key: bad})
    try:
        with _guarded():
            res = case.call(**kwargs)
    except SymboundError as e:
        msg = str(e)
        words = case.names.get(key, (key,))
        if len(msg.splitlines()) > 3:
            return f"message of {len(msg.splitlines())} lines: {msg[:200]!r}"
        if not any(w.lower() in msg.lower() for w in words):
            return f"message does not name {key!r}: {msg[:300]!r}"
        return None
    except pytest.skip.Exception:
        raise
    except Exception as e:  # noqa: BLE001 - the defect being hunted
        return f"{type(e).__name__}: {str(e)[:300]}"
    if _nan_in(res):
        return f"returned NaN silently: {res!r:.200}"
    return None


@pytest.mark.parametrize("name", sorted(CASES))
@settings(max_examples=6)
@given(data=st.data())
def test_bad_input_raises_a_symbound_error(name, data):
    valid = CASES[name].valid
    if not valid:
        return
    key = data.draw(st.sampled_from(sorted(valid)), label="argument")
    bad = data.draw(BAD, label="value")
    defect = run_case(name, key, bad)
    assert defect is None, f"{name}({key}={bad!r}): {defect}"


@pytest.mark.parametrize("value", HUGE[:4], ids=str)
@pytest.mark.parametrize("name,key", [("SO", "n"), ("O", "n"), ("Symmetric", "n"),
                                      ("Cyclic", "k"), ("Dihedral", "k"), ("Ball", "dim"),
                                      ("Torus", "dim"), ("Translations", "dim"),
                                      ("FiniteSet", "k"),
                                      ("equivariance_error", "n_group_samples"),
                                      ("distributional_asymmetry", "n_group_samples"),
                                      ("empirical_covering_number", "n_group_samples"),
                                      ("invariance_test", "n_randomizations")])
def test_huge_sizes_are_refused_or_handled(name, key, value):
    """SO(10**20), Symmetric(10**9), Cyclic(10**30), Ball(10**12), 10**12 group samples: a clear
    error naming the argument (and the allowed range), never a MemoryError or a hang."""
    case = CASES[name]
    try:
        with _guarded():
            case.call(**dict(case.valid, **{key: value}))
    except SymboundError as e:
        assert key in str(e) and ("<=" in str(e) or "[" in str(e)), str(e)


def test_valid_calls_succeed():
    """The templates themselves are valid (so each fuzzed call differs in one argument only)."""
    for name, case in CASES.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            case.call(**case.valid)


# ----- the report spec: fuzzed TOML ------------------------------------------------------------
def _example():
    import pathlib

    return (pathlib.Path(sb.__file__).parent / "report" / "example.toml").read_text()


TOML_VALUES = st.sampled_from(['"x"', "-1", "0", "1e400", "nan", "inf", "-inf", "[]", "[1, 2]",
                               "{a = 1}", "true", '"1/0"', '"pi/0"', '"__import__(\'os\')"',
                               "99999999999999999999", '""', '"a:b"', "1.5", "[[1], [2, 3]]"])


@settings(max_examples=60)
@given(data=st.data())
def test_fuzzed_spec_raises_spec_errors_only(data, tmp_path_factory):
    from symbound.report.spec import SpecError, parse_text

    lines = _example().splitlines()
    assign = [i for i, ln in enumerate(lines) if "=" in ln and not ln.lstrip().startswith("#")]
    text_lines = list(lines)
    for _ in range(data.draw(st.integers(1, 3), label="n_mutations")):
        i = data.draw(st.sampled_from(assign), label="line")
        key = text_lines[i].split("=", 1)[0]
        text_lines[i] = f"{key}= {data.draw(TOML_VALUES, label='value')}"
    if data.draw(st.booleans(), label="garbage"):
        text_lines.insert(data.draw(st.integers(0, len(text_lines))),
                          data.draw(st.sampled_from(["[", "]]", "x =", "[space", "= 1", "\x00",
                                                     "[unknown]", "[[group]]", "kind = 3"])))
    try:
        parse_text("\n".join(text_lines), tmp_path_factory.getbasetemp())
    except SpecError:
        pass


# ----- the report spec: every key of every table, misspelt keys, [model] strings ----------------
_SPACE = '[space]\nkind = "annulus"\nr_inner = "1/2"\nr_outer = 1\n'
_GROUP = '[[group]]\nkind = "cyclic"\norder = 8\n'
_REQUIRED = {"path": '"x.npy"', "function": '"symbound.report.example:model"', "eta_d": "0.1",
             "dim": "2", "r_inner": "1", "r_outer": "2", "order": "8", "angle": '"pi/4"',
             "matrices": "[[[1, 0], [0, 1]]]"}
BAD_TOML = ['"x"', '"3"', '"1e3"', "-1", "0", "1.5", "1e308", "1e400", "-1e400", "nan", "inf",
            "-inf", "[]", "[1, 2]", "[[1], [2, 3]]", '["a", 1]', "{a = 1}", "true",
            '"1/0"', '"pi/0"', '"__import__(\'os\')"', "99999999999999999999", "2000000000000",
            '""', '"a:b"']


def _table_text(header: str, fields, key: str, value: str) -> str:
    lines = [header] + [f"{f.name} = {_REQUIRED[f.name]}" for f in fields
                        if f.required and f.name != key]
    return "\n".join(lines + [f"{key} = {value}"]) + "\n"


def _spec_keys():
    from symbound.report.spec import KINDS, TABLES

    out = []
    for table, (fields, _) in TABLES.items():
        for f in fields:
            out.append((table, None, f.name))
    for part, kinds in KINDS.items():
        for kind, (fields, _) in kinds.items():
            for f in fields:
                out.append((part, kind, f.name))
    return out


def _spec_with(part, kind, key, value):
    from symbound.report.spec import KINDS, TABLES

    if kind is None:
        body = _table_text(f"[{part}]", TABLES[part][0], key, value)
        model = '[model]\nfunction = "symbound.report.example:model"\n' if part == "data" else ""
        return _SPACE + _GROUP + model + body
    fields = KINDS[part][kind][0]
    header = "[space]" if part == "space" else "[[group]]"
    body = _table_text(f'{header}\nkind = "{kind}"', fields, key, value)
    if part == "space":
        return body + _GROUP
    space = '[space]\nkind = "torus"\ndim = 2\n' if kind == "translations" else _SPACE
    return space + body


@pytest.mark.parametrize("part,kind,key", _spec_keys(), ids=lambda v: str(v))
@settings(max_examples=8)
@given(value=st.sampled_from(BAD_TOML))
def test_each_spec_key_refuses_bad_values_with_one_line_naming_it(part, kind, key, value):
    """Wrong types, NaN/inf, huge numbers, ragged arrays and text at every key of every table and
    kind: a one-line SpecError naming the key, or a parsed value without NaN/inf."""
    from symbound.report.spec import SpecError, parse_text

    text = _spec_with(part, kind, key, value)
    try:
        spec = parse_text(text)
    except SpecError as e:
        msg = str(e)
        assert "\n" not in msg and key in msg, (text, msg)
        return
    for table in [spec.space, *spec.groups, spec.learning, spec.model, spec.data, spec.tradeoff]:
        for v in (table or {}).values():
            assert not (isinstance(v, float) and not math.isfinite(v)), (text, table)


@pytest.mark.parametrize("part,kind,key", _spec_keys(), ids=lambda v: str(v))
def test_misspelt_spec_keys_get_a_did_you_mean(part, kind, key):
    from symbound.report.spec import SpecError, parse_text

    good = _spec_with(part, kind, key, _REQUIRED.get(key, '"x"'))
    typo = key[:-1] + key[-1] * 2  # "dim" -> "dimm"
    bad = good.replace(f"\n{key} = ", f"\n{typo} = ")
    with pytest.raises(SpecError) as info:
        parse_text(bad)
    msg = str(info.value)
    assert "\n" not in msg and typo in msg and "did you mean" in msg, msg


@settings(max_examples=40)
@given(name=st.text(min_size=0, max_size=30))
def test_model_function_refuses_anything_but_module_colon_attribute(name):
    import json

    from symbound.report.spec import MODEL_PATTERN, SpecError, parse_text

    if MODEL_PATTERN.match(name):
        return
    text = _SPACE + _GROUP + f"[model]\nfunction = {json.dumps(name)}\n"
    try:
        parse_text(text)
    except SpecError as e:
        assert "function" in str(e) or "TOML" in str(e) or "toml" in str(e), str(e)
        return
    raise AssertionError(f"[model] function = {name!r} was accepted")
