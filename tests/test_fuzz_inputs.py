"""Bad input everywhere (issue #15): wrong types, values, shapes, NaN/inf, ragged lists, empty
arrays and huge sizes at the public functions that take data or numbers, and fuzzed TOML at the
report's spec parser.  Each call either raises a SymboundError subclass (a ValueError/TypeError
with a message) or succeeds with finite numbers — never another exception (a numba crash, an
IndexError, an OverflowError), never a silent NaN."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import symbound as sb
from symbound.errors import SymboundError
from symbound.groups import SO, Cyclic

X2 = np.random.default_rng(0).normal(size=(40, 2))
Y2 = np.linalg.norm(X2, axis=1)


def _model(xs):
    return xs[:, 0] * xs[:, 1]


BAD = st.one_of(
    st.sampled_from([None, "0.5", "pi", b"1", {"a": 1}, [], (), object(), 1j, True, False]),
    st.sampled_from([math.nan, math.inf, -math.inf, -1.0, 0.0, -0, 1e308, 1e-320, 10**400,
                     -(10**30), 2**63, 2**64 + 1]),
    st.sampled_from([np.array([]), np.zeros((0, 2)), np.zeros((3, 0)), np.full((4, 2), np.nan),
                     np.array([[1.0, np.inf], [0.0, 1.0]]), np.ones((4, 3)), np.ones(4),
                     np.ones((2, 2, 2, 2, 2)), np.array(["a", "b"]), np.array([1 + 1j, 2j]),
                     np.ones((4, 2), dtype=object)]),
    st.sampled_from([[[1.0, 2.0], [3.0]], [[1.0, 2.0], "ab"], [[1.0, None]], [[1e308, -1e308]] * 3]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**20), 10**20),
)

#: public function -> (call taking keyword arguments, valid keyword arguments)
CASES = {
    "equivariance_error": (lambda **k: sb.equivariance_error(_model, **k),
                           dict(group=SO(2), X=X2, p=2, n_group_samples=4, seed=0, batch_size=64,
                                confidence=0.9, n_bootstrap=20)),
    "data_equivariance_error": (sb.data_equivariance_error,
                                dict(X=X2, y=Y2, group=Cyclic(4), radius=0.5, p=2,
                                     n_group_samples=4, seed=0, n_permutations=10)),
    "empirical_covering_number": (sb.empirical_covering_number,
                                  dict(points=X2, eps=0.3, group=Cyclic(4), seed=0,
                                       shard_size=16)),
    "symmetrize": (lambda xs, **k: sb.symmetrize(_model, **k)(xs),
                   dict(xs=X2, group=Cyclic(4), n_group_samples=4, seed=0)),
    "invariance_test": (sb.invariance_test, dict(X=X2, group=SO(2), n_randomizations=10, seed=0)),
    "distributional_asymmetry": (sb.distributional_asymmetry,
                                 dict(X=X2, group=SO(2), n_group_samples=8, seed=0,
                                      confidence=0.9)),
    "lie_derivative": (lambda **k: sb.lie_derivative(_model, **k),
                       dict(generator=SO(2), X=X2, h=1e-2, p=2)),
    "equivariance_error_curve": (lambda **k: sb.equivariance_error_curve(_model, **k),
                                 dict(group_family=SO(2), X=X2, parameters=np.linspace(0, 1, 3),
                                      p=2)),
    "Ball": (lambda **k: sb.Ball(k["dim"], k["radius"]).covering_number(k["eps"]),
             dict(dim=3, radius=1, eps=0.1)),
    "quotient": (lambda **k: sb.quotient(sb.Ball(k["dim"]), SO(k["dim"])).covering_number(k["eps"]),
                 dict(dim=3, eps=0.1)),
    "generalization_bound": (lambda **k: sb.generalization_bound(sb.Ball(2), **k),
                             dict(lipschitz=1, loss_bound=1, n=1000, delta=0.05)),
}


def _finite(res) -> bool:
    """No NaN in the numbers a result reports (arrays, floats, the ``value`` of an estimate)."""
    vals = [res] if not hasattr(res, "__dict__") else \
        [getattr(res, k) for k in ("value", "values", "max_observed", "n_centers") if hasattr(res, k)]
    for v in vals:
        if isinstance(v, (float, np.floating)) and math.isnan(v):
            return False
        if isinstance(v, np.ndarray) and v.dtype.kind == "f" and np.any(np.isnan(v)):
            return False
    return True


@pytest.mark.parametrize("name", sorted(CASES))
@settings(max_examples=25)
@given(data=st.data())
def test_bad_input_raises_a_symbound_error(name, data):
    call, valid = CASES[name]
    key = data.draw(st.sampled_from(sorted(valid)), label="argument")
    bad = data.draw(BAD, label="value")
    kwargs = dict(valid, **{key: bad})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            res = call(**kwargs)
        except SymboundError:
            return
    assert _finite(res), f"{name}({key}={bad!r}) returned NaN silently"


def test_valid_calls_succeed():
    """The templates themselves are valid (so each fuzzed call differs in one argument only)."""
    for name, (call, valid) in CASES.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            call(**valid)


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
