"""symbound: generalization and approximation bounds for models with exact, partial or approximate
symmetry (Petrache & Trivedi, NeurIPS 2023), symbolic (SymPy) and numeric (numba)."""

from . import groups, symbols
from .bounds import Bound, Optimum
from .errors import InvalidTypeError, InvalidValueError, NumericalError, SymboundError
from .symbols import symbol

__version__ = "0.1.0"

__all__ = [
    "groups",
    "symbols",
    "symbol",
    "Bound",
    "Optimum",
    "SymboundError",
    "InvalidValueError",
    "InvalidTypeError",
    "NumericalError",
]
