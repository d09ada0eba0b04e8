"""Exact conversion of the numbers a reference bound is built from (floats enter as the binary
values they store, so a certified value never depends on a rounding or on mpmath's precision)."""

from __future__ import annotations

import math
import numbers
from typing import Any

import sympy as sp

from .._validation import brief
from ..errors import InvalidTypeError, InvalidValueError

__all__ = ["exact_number"]


def exact_number(name: str, value: Any) -> sp.Expr:
    """``value`` as an exact SymPy number: ints and Fractions exactly, a float as the rational it
    stores, a SymPy number with its Floats replaced likewise; symbolic expressions are returned
    unchanged.  Refuses bools, NaN, infinities and non-real numbers, naming ``name``."""
    if isinstance(value, bool):
        raise InvalidTypeError(f"{name} must be a real number, got a bool ({brief(value)})")
    if hasattr(value, "item") and not isinstance(value, sp.Basic):  # numpy scalars, 0-d arrays
        try:
            value = value.item()
        except (TypeError, ValueError):
            raise InvalidTypeError(f"{name} must be a real number, got {type(value).__name__}") from None
    if isinstance(value, sp.Basic):
        if not value.is_number:
            return value
        floats = value.atoms(sp.Float)
        out = value.xreplace({f: sp.Rational(f) for f in floats}) if floats else value
        if out.is_real is False or out.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            raise InvalidValueError(f"{name} must be a finite real number, got {value}")
        return out
    if isinstance(value, numbers.Integral):
        return sp.Integer(int(value))
    if isinstance(value, numbers.Rational):
        return sp.Rational(int(value.numerator), int(value.denominator))
    if isinstance(value, numbers.Real):
        if not math.isfinite(float(value)):
            raise InvalidValueError(f"{name} must be a finite real number, got {brief(value)}")
        return sp.Rational(float(value))
    raise InvalidTypeError(f"{name} must be a real number, got {type(value).__name__} ({value!r})")
