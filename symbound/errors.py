"""Exceptions of symbound.

Every error the library raises on bad input derives from :class:`SymboundError`, and is also a
standard ``ValueError`` or ``TypeError`` so that ordinary ``except ValueError`` clauses work. Messages
name the argument, the value received and the allowed range (STYLE.md, "Exceptions").
"""

from __future__ import annotations

__all__ = ["SymboundError", "InvalidValueError", "InvalidTypeError", "NumericalError",
           "FloatOverflowError", "AmbiguousDimensionError", "ReadOnlyError", "SlowEvaluationWarning"]


class SymboundError(Exception):
    """Base class of every exception raised by symbound."""


class InvalidValueError(SymboundError, ValueError):
    """An argument has the right type but a value outside its allowed range."""


class InvalidTypeError(SymboundError, TypeError):
    """An argument has a type symbound cannot use."""


class NumericalError(SymboundError, ArithmeticError):
    """A computation could not be carried out to the promised precision (never silently)."""


class FloatOverflowError(NumericalError, OverflowError):
    """A value (a covering number with thousands of digits) exceeds float64: its ``float()`` would
    be ``inf``.  The message names the logarithm to use instead (``CoveringBound.log_expr``)."""


class AmbiguousDimensionError(SymboundError, AttributeError):
    """``.dim`` of an object with two dimensions (the sphere S^2 in R^3, the cyclic group C_8 acting
    on R^2): the message names both, ``manifold_dim`` and ``ambient_dim``."""


class ReadOnlyError(SymboundError, AttributeError):
    """Assignment to a parameter of an object whose reported results are derived from it (a
    trade-off): the message names the method that returns a new object with the changed
    parameter."""


class SlowEvaluationWarning(UserWarning):
    """An evaluation over arrays went entry by entry (a resolution optimised at each point, or a
    formula the compiled path cannot take): correct, slower.  Silence it with
    ``warnings.simplefilter("ignore", symbound.errors.SlowEvaluationWarning)``."""
