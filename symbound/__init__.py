"""symbound: generalization and approximation bounds for models with exact, partial or approximate
symmetry (Petrache & Trivedi, NeurIPS 2023), symbolic (SymPy) and numeric (numba).

The numeric layer (numba kernels: equivariance errors, covering numbers, compiled bounds) is
imported on first use of one of its names, so that ``import symbound`` for symbolic work does not
load numba (module ``__getattr__``, PEP 562).

Examples
--------
>>> import symbound as sb
>>> sb.quotient(sb.Annulus(1, 2), sb.groups.SO(2)).covering_number(0.1)
5
"""

import importlib

from . import groups, latex, symbols
from .bounds import (
    Bound,
    Comparison,
    Comparisons,
    GeneralizationBound,
    LevelOptimum,
    Optimum,
    PartialOptimum,
    PartialTradeOff,
    PhaseDiagram,
    Threshold,
    TradeOff,
    compare,
    generalization_bound,
    lipschitz_class_log_covering,
    partial_tradeoff,
    tradeoff,
)
from .errors import (AmbiguousDimensionError, FloatOverflowError, InvalidTypeError, InvalidValueError,
                     NumericalError, SymboundError)
from .quotient import QuotientSpace, quotient
from . import reference
from .plotting import plot_bounds
from .spaces import Annulus, Ball, Cube, FiniteSet, Manifold, Product, Space, Sphere, Torus
from .symbols import symbol

__version__ = "0.1.0"

#: the names of the numeric layer, imported on first access: name -> module (a name equal to the
#: module's own last component, as "numeric", is the module itself)
_LAZY = {
    "numeric": "symbound.numeric",
    "equivariance_error": "symbound.numeric.orbit",
    "EquivarianceErrorEstimate": "symbound.numeric.orbit",
    "equivariance_error_curve": "symbound.numeric.orbit",
    "EquivarianceErrorCurve": "symbound.numeric.orbit",
    "lie_derivative": "symbound.numeric.orbit",
    "LieDerivativeEstimate": "symbound.numeric.orbit",
    "assert_equivariant": "symbound.numeric.orbit",
    "symmetrize": "symbound.numeric.reynolds",
    "SymmetrizedModel": "symbound.numeric.reynolds",
    "data_equivariance_error": "symbound.numeric.data_symmetry",
    "DataEquivarianceEstimate": "symbound.numeric.data_symmetry",
    "DataEquivarianceError": "symbound.numeric.data_symmetry",
    "certified_sup_error": "symbound.numeric.certified_sup",
    "certified_data_sup_error": "symbound.numeric.certified_sup",
    "empirical_covering_number": "symbound.numeric.covering",
    "EmpiricalCovering": "symbound.numeric.covering",
    "compile_bound": "symbound.numeric.compile",
    "CompiledBound": "symbound.numeric.compile",
    "TorchModel": "symbound.numeric.frameworks",
    "invariance_test": "symbound.numeric.symmetry_tests",
    "equivariance_test": "symbound.numeric.symmetry_tests",
    "SymmetryTestResult": "symbound.numeric.symmetry_tests",
    "distributional_asymmetry": "symbound.numeric.asymmetry",
    "DistributionalAsymmetry": "symbound.numeric.asymmetry",
}

__all__ = [
    # symbolic layer
    "symbols", "symbol", "groups", "latex", "reference",
    "Space", "Ball", "Cube", "Sphere", "Annulus", "Torus", "Manifold", "FiniteSet", "Product",
    "quotient", "QuotientSpace",
    "Bound", "Optimum", "generalization_bound", "GeneralizationBound",
    "lipschitz_class_log_covering", "compare", "Comparison", "Comparisons", "plot_bounds",
    "tradeoff", "TradeOff", "LevelOptimum", "Threshold", "PhaseDiagram",
    "partial_tradeoff", "PartialTradeOff", "PartialOptimum",
    # numeric layer (imported lazily)
    "numeric",
    "equivariance_error", "EquivarianceErrorEstimate", "equivariance_error_curve",
    "EquivarianceErrorCurve", "lie_derivative", "LieDerivativeEstimate", "assert_equivariant",
    "symmetrize", "SymmetrizedModel",
    "data_equivariance_error", "DataEquivarianceEstimate", "DataEquivarianceError",
    "certified_sup_error", "certified_data_sup_error",
    "invariance_test", "equivariance_test", "SymmetryTestResult",
    "distributional_asymmetry", "DistributionalAsymmetry",
    "empirical_covering_number", "EmpiricalCovering",
    "compile_bound", "CompiledBound", "TorchModel",
    # errors
    "SymboundError", "InvalidValueError", "InvalidTypeError", "NumericalError", "FloatOverflowError",
    "AmbiguousDimensionError",
]


def __getattr__(name: str):
    """Import a name of the numeric layer on first access (PEP 562) and cache it."""
    try:
        path = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    module = importlib.import_module(path)
    value = module if path == f"{__name__}.{name}" else getattr(module, name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
