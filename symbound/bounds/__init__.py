"""Bounds: the Bound object and the generalization bounds (THEORY §4).

Modules: ``_bound`` (Bound, Optimum), ``asymptotics`` (limits and rates), ``optimize`` (resolution
searches), ``measured`` (the seam: measured inputs), ``covering_models``, ``partition`` and
``entropy`` (the two bounds and their proofs), ``generalization`` (the entry point), ``compare``.
"""

from ._bound import Bound, Optimum
from .asymptotics import Asymptotics
from .compare import Comparison, Comparisons, compare
from .generalization import (
    GeneralizationBound,
    certified_entropy_integral,
    generalization_bound,
    lipschitz_class_log_covering,
    power_law_entropy_integral,
)
from .optimize import resolution_grid
from .tradeoff import (LevelOptimum, PartialOptimum, PartialTradeOff, PhaseDiagram, Threshold,
                       TradeOff, partial_tradeoff, tradeoff)

__all__ = [
    "Bound",
    "Optimum",
    "Asymptotics",
    "generalization_bound",
    "GeneralizationBound",
    "lipschitz_class_log_covering",
    "power_law_entropy_integral",
    "certified_entropy_integral",
    "resolution_grid",
    "compare",
    "Comparison",
    "Comparisons",
    "tradeoff",
    "TradeOff",
    "LevelOptimum",
    "Threshold",
    "PhaseDiagram",
    "partial_tradeoff",
    "PartialTradeOff",
    "PartialOptimum",
]
