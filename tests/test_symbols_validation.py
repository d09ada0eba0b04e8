"""Canonical symbols (THEORY.md §0) and the validation helper."""

import math

import numpy as np
import pytest
import sympy as sp

from symbound._validation import check_choice, check_integer, check_probability, check_real
from symbound.errors import InvalidTypeError, InvalidValueError, SymboundError
from symbound.symbols import SYMBOLS, glossary, symbol, symbols


def test_assumptions_match_theory_table():
    assert symbol("n").is_integer and symbol("n").is_positive
    assert symbol("delta").is_positive
    assert symbol("eps").is_positive
    assert symbol("eta").is_nonnegative and symbol("eta").is_positive is None
    assert symbol("C").is_integer
    assert symbol("G_order").is_integer


def test_same_name_same_object():
    assert symbol("delta") is symbols("delta")[0]
    assert sp.Symbol("delta", positive=True) == symbol("delta")


def test_unknown_name_raises_with_name():
    with pytest.raises(InvalidValueError, match="name must be one of"):
        symbol("epsilon_typo")
    with pytest.raises(SymboundError):
        symbol(3)


def test_glossary_order_and_content():
    g = glossary({symbol("delta"), symbol("n")})
    assert [e.name for e in g] == ["n", "delta"]
    assert g[1].latex == r"\delta"
    assert len(glossary()) == len(SYMBOLS)


def test_no_sympify_of_strings_in_package():
    import pathlib

    import symbound

    root = pathlib.Path(symbound.__file__).parent
    offenders = []
    for p in root.rglob("*.py"):
        text = p.read_text()
        for bad in ("sympify(\"", "sympify('", "parse_expr", "eval(", "exec("):
            if bad in text and not (bad == "exec(" and "exec_module(" in text and text.count("exec(") == text.count("exec_module(")):
                offenders.append((p.name, bad))
    # exec_module is importlib's loader, not an exec of user text
    offenders = [o for o in offenders if o[1] != "eval(" or "literal_eval" not in o[0]]
    assert offenders == []


@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), float("inf")])
def test_check_real_positive_rejects(bad):
    with pytest.raises(InvalidValueError, match=r"eps must .*\(0, inf\)"):
        check_real("eps", bad, 0, None, low_closed=False)


def test_check_real_types_and_symbolic_three_valued():
    assert check_real("eps", 0.5, 0, None, low_closed=False) == 0.5
    assert check_real("eps", np.float32(0.5), 0, None, low_closed=False) == np.float32(0.5)
    with pytest.raises(InvalidTypeError, match="eps"):
        check_real("eps", "0.5", 0, None)
    with pytest.raises(InvalidTypeError, match="eps"):
        check_real("eps", True, 0, None)
    x = sp.Symbol("x")  # no assumptions: undecidable, passes silently
    assert check_real("eps", x, 0, None, low_closed=False) is x
    neg = sp.Symbol("y", negative=True)
    with pytest.raises(InvalidValueError, match="eps"):
        check_real("eps", neg, 0, None, low_closed=False)
    with pytest.raises(InvalidTypeError):
        check_real("eps", x, 0, None, allow_symbolic=False)
    assert check_real("eps", sp.pi / 4, 0, sp.pi) == sp.pi / 4
    with pytest.raises(InvalidValueError):
        check_real("max_angle", 2 * sp.pi, 0, sp.pi)


def test_check_integer():
    assert check_integer("k", 3, 1) == 3
    assert check_integer("k", np.int64(3), 1) == 3
    assert check_integer("k", sp.Integer(3), 1) == 3
    for bad, exc in [(0, InvalidValueError), (2.5, InvalidValueError), (3.5, InvalidValueError),
                     (True, InvalidTypeError), ("3", InvalidTypeError)]:
        with pytest.raises(exc, match="k must be"):
            check_integer("k", bad, 1)


def test_check_probability_and_choice():
    assert check_probability("delta", 0.05) == 0.05
    for bad in (0, 1, -0.1, 1.5):
        with pytest.raises(InvalidValueError, match=r"delta must lie in \(0, 1\)"):
            check_probability("delta", bad)
    with pytest.raises(InvalidValueError, match="method must be one of"):
        check_choice("method", "magic", ("partition", "dudley"))
    assert math.isclose(check_probability("delta", sp.Rational(1, 20)), 0.05)


@pytest.mark.parametrize("value, expected", [
    (1e6, 10**6), (3.0, 3), (np.float64(64), 64), (np.int32(5), 5), (np.float32(8), 8),
    (sp.Integer(7), 7), (sp.Float(9), 9), (sp.Rational(8, 2), 4), (np.array(5.0), 5),
    # a float that is a whole number is the integer it stores, exactly (not 10**30)
    (1e30, 1000000000000000019884624838656),
])
def test_check_integer_accepts_whole_numbers_as_people_write_them(value, expected):
    got = check_integer("n", value, 1)
    assert type(got) is int and got == expected


@pytest.mark.parametrize("value", [1e6 + 0.5, 2.5, np.float64(2.25), sp.Rational(1, 2),
                                   sp.Float("1000000.5"), sp.pi])
def test_check_integer_refuses_fractional_parts_clearly(value):
    with pytest.raises(InvalidValueError) as e:
        check_integer("n", value, 1)
    msg = str(e.value)
    assert msg.startswith("n must be an integer >= 1") and "fractional part" in msg
    assert "\n" not in msg


def test_check_integer_shows_the_value_as_written():
    # a float in its shortest repr, not its binary expansion nor numpy's np.float64(...) wrapper
    with pytest.raises(InvalidValueError, match=r"got 1000000\.5 \("):
        check_integer("n", np.float64(1e6 + 0.5), 1)
    with pytest.raises(InvalidValueError, match=r"got inf$"):
        check_integer("n", float("inf"), 1)
