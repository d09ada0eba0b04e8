"""Exceptions of symbound.

Every error the library raises on bad input derives from :class:`SymboundError`, and is also a
standard ``ValueError`` or ``TypeError`` so that ordinary ``except ValueError`` clauses work. Messages
name the argument, the value received and the allowed range (STYLE.md, "Exceptions").
"""

from __future__ import annotations

__all__ = ["SymboundError", "InvalidValueError", "InvalidTypeError", "NumericalError"]


class SymboundError(Exception):
    """Base class of every exception raised by symbound."""


class InvalidValueError(SymboundError, ValueError):
    """An argument has the right type but a value outside its allowed range."""


class InvalidTypeError(SymboundError, TypeError):
    """An argument has a type symbound cannot use."""


class NumericalError(SymboundError, ArithmeticError):
    """A computation could not be carried out to the promised precision (never silently)."""
