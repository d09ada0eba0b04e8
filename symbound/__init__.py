"""symbound: generalization and approximation bounds for models with exact, partial or approximate
symmetry (Petrache & Trivedi, NeurIPS 2023), symbolic (SymPy) and numeric (numba).

Examples
--------
>>> import symbound as sb
>>> sb.quotient(sb.Annulus(1, 2), sb.groups.SO(2)).covering_number(0.1)
5
"""

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
from .errors import (AmbiguousDimensionError, InvalidTypeError, InvalidValueError, NumericalError,
                     SymboundError)
from .numeric.compile import CompiledBound, compile_bound
from .numeric.covering import EmpiricalCovering, empirical_covering_number
from .numeric.certified_sup import certified_data_sup_error, certified_sup_error
from .numeric.data_symmetry import (DataEquivarianceError, DataEquivarianceEstimate,
                                    data_equivariance_error)
from .numeric.orbit import (
    EquivarianceErrorCurve,
    EquivarianceErrorEstimate,
    LieDerivativeEstimate,
    assert_equivariant,
    equivariance_error,
    equivariance_error_curve,
    lie_derivative,
)
from .numeric.reynolds import SymmetrizedModel, symmetrize
from .quotient import QuotientSpace, quotient
from . import reference
from .plotting import plot_bounds
from .spaces import Annulus, Ball, Cube, FiniteSet, Manifold, Product, Space, Sphere, Torus
from .symbols import symbol

__version__ = "0.1.0"

__all__ = [
    # symbolic layer
    "symbols", "symbol", "groups", "latex", "reference",
    "Space", "Ball", "Cube", "Sphere", "Annulus", "Torus", "Manifold", "FiniteSet", "Product",
    "quotient", "QuotientSpace",
    "Bound", "Optimum", "generalization_bound", "GeneralizationBound",
    "lipschitz_class_log_covering", "compare", "Comparison", "Comparisons", "plot_bounds",
    "tradeoff", "TradeOff", "LevelOptimum", "Threshold", "PhaseDiagram",
    "partial_tradeoff", "PartialTradeOff", "PartialOptimum",
    # numeric layer
    "equivariance_error", "EquivarianceErrorEstimate", "equivariance_error_curve",
    "EquivarianceErrorCurve", "lie_derivative", "LieDerivativeEstimate", "assert_equivariant",
    "symmetrize", "SymmetrizedModel",
    "data_equivariance_error", "DataEquivarianceEstimate", "DataEquivarianceError",
    "certified_sup_error", "certified_data_sup_error",
    "empirical_covering_number", "EmpiricalCovering",
    "compile_bound", "CompiledBound",
    # errors
    "SymboundError", "InvalidValueError", "InvalidTypeError", "NumericalError",
    "AmbiguousDimensionError",
]
