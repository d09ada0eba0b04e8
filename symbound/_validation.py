"""One place for parameter validation (STYLE.md: "one validation helper used everywhere").

Checks are three-valued, as in SymPy's domain checks: a numeric value outside its range raises,
a value inside passes, and a SymPy expression whose sign SymPy cannot decide passes silently
(it is a symbolic parameter).  Every message names the argument, the value and the allowed range.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import sympy as sp

from .errors import InvalidTypeError, InvalidValueError

__all__ = [
    "check_real",
    "check_integer",
    "check_probability",
    "check_choice",
    "check_bool",
    "is_symbolic",
]


def is_symbolic(value: Any) -> bool:
    """True when ``value`` is a SymPy expression with free symbols."""
    return isinstance(value, sp.Basic) and bool(getattr(value, "free_symbols", ()))


def _describe_range(low, high, low_closed, high_closed) -> str:
    lo = "-inf" if low is None else repr(low)
    hi = "inf" if high is None else repr(high)
    lb = "[" if (low_closed and low is not None) else "("
    rb = "]" if (high_closed and high is not None) else ")"
    return f"{lb}{lo}, {hi}{rb}"


def _as_number(name: str, value: Any):
    """Return a Python float/int (or SymPy number) for a numeric input; raise TypeError otherwise."""
    if isinstance(value, bool):
        raise InvalidTypeError(f"{name} must be a real number, got a bool ({value!r})")
    if isinstance(value, numbers.Real):
        return value
    if isinstance(value, sp.Basic):
        if value.is_number:
            if value.is_real is False:
                raise InvalidValueError(f"{name} must be real, got {value!r}")
            return value
        return value  # symbolic: caller decides
    try:  # numpy scalars and 0-d arrays
        import numpy as np

        if isinstance(value, np.ndarray) and value.ndim == 0:
            return value.item()
        if isinstance(value, np.generic):
            return value.item()
    except Exception:  # pragma: no cover - numpy is a hard dependency
        pass
    raise InvalidTypeError(
        f"{name} must be a real number or a SymPy expression, got {type(value).__name__} ({value!r})"
    )


def check_real(
    name: str,
    value: Any,
    low: float | None = None,
    high: float | None = None,
    *,
    low_closed: bool = True,
    high_closed: bool = True,
    allow_symbolic: bool = True,
):
    """Validate a real parameter against an interval and return it unchanged.

    Parameters
    ----------
    name : the argument's name, used in the message.
    value : a Python/NumPy real, a SymPy number, or (if ``allow_symbolic``) a SymPy expression.
    low, high : interval end points (``None`` for unbounded).
    low_closed, high_closed : whether the end points belong to the interval.

    Raises
    ------
    InvalidTypeError  if the value is not a real number (or expression).
    InvalidValueError if the value is NaN, infinite, or outside the interval; for a symbolic value,
                      only when SymPy can prove it lies outside.
    """
    v = _as_number(name, value)
    rng = _describe_range(low, high, low_closed, high_closed)
    if isinstance(v, sp.Basic) and not v.is_number:
        if not allow_symbolic:
            raise InvalidTypeError(f"{name} must be a number here, got the symbolic expression {v}")
        # Three-valued: raise only when SymPy proves the value outside.
        if low is not None:
            rel = (v >= low) if low_closed else (v > low)
            if rel is sp.false:
                raise InvalidValueError(f"{name} must lie in {rng}, got {v}")
        if high is not None:
            rel = (v <= high) if high_closed else (v < high)
            if rel is sp.false:
                raise InvalidValueError(f"{name} must lie in {rng}, got {v}")
        return value
    fv = float(v)
    if math.isnan(fv) or math.isinf(fv):
        raise InvalidValueError(f"{name} must be a finite real number in {rng}, got {value!r}")
    # exact comparison for SymPy numbers, float for the rest
    cmp_v = v if isinstance(v, sp.Basic) else fv
    if low is not None and (cmp_v < low or (not low_closed and cmp_v == low)):
        raise InvalidValueError(f"{name} must lie in {rng}, got {value!r}")
    if high is not None and (cmp_v > high or (not high_closed and cmp_v == high)):
        raise InvalidValueError(f"{name} must lie in {rng}, got {value!r}")
    return value


def check_integer(name: str, value: Any, low: int | None = None, high: int | None = None,
                  *, allow_symbolic: bool = False):
    """Validate an integer parameter (Python/NumPy int or integral SymPy Integer) in [low, high].

    Floats are refused even when integral (``3.0``): an integer argument must be given as one.
    Returns the value as a Python ``int`` (or the SymPy expression when symbolic and allowed).
    """
    rng = _describe_range(low, high, True, True)
    if isinstance(value, sp.Basic) and not value.is_number:
        if not allow_symbolic:
            raise InvalidTypeError(f"{name} must be an integer, got the symbolic expression {value}")
        if value.is_integer is False:
            raise InvalidTypeError(f"{name} must be an integer, got {value}")
        if low is not None and (value >= low) is sp.false:
            raise InvalidValueError(f"{name} must be an integer in {rng}, got {value}")
        return value
    if isinstance(value, bool):
        raise InvalidTypeError(f"{name} must be an integer, got a bool ({value!r})")
    if isinstance(value, sp.Integer):
        iv = int(value)
    elif isinstance(value, numbers.Integral):
        iv = int(value)
    else:
        raise InvalidTypeError(f"{name} must be an integer in {rng}, got {type(value).__name__} ({value!r})")
    if (low is not None and iv < low) or (high is not None and iv > high):
        raise InvalidValueError(f"{name} must be an integer in {rng}, got {value!r}")
    return iv


def check_probability(name: str, value: Any, *, allow_symbolic: bool = True):
    """Validate a confidence level or probability in the open interval (0, 1)."""
    return check_real(name, value, 0, 1, low_closed=False, high_closed=False,
                      allow_symbolic=allow_symbolic)


def check_choice(name: str, value: Any, choices) -> Any:
    """Validate that ``value`` is one of ``choices``."""
    if value not in choices:
        raise InvalidValueError(f"{name} must be one of {sorted(map(repr, choices))}, got {value!r}")
    return value


def check_bool(name: str, value: Any) -> bool:
    """Validate a flag: ``True`` or ``False`` (a Python or NumPy bool; not 0/1, not a string)."""
    if isinstance(value, bool):
        return value
    import numpy as np

    if isinstance(value, np.bool_):
        return bool(value)
    raise InvalidTypeError(f"{name} must be True or False, got {type(value).__name__} ({value!r})")
