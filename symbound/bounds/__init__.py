"""Bounds: the Bound object and the generalization, approximation and trade-off bounds."""

from ._bound import Bound, Optimum
from .compare import Comparison, compare
from .generalization import (
    GeneralizationBound,
    certified_entropy_integral,
    generalization_bound,
    lipschitz_class_log_covering,
    power_law_entropy_integral,
)
from .tradeoff import (LevelOptimum, PartialOptimum, PartialTradeOff, PhaseDiagram, Threshold,
                       TradeOff, partial_tradeoff, tradeoff)

__all__ = [
    "Bound",
    "Optimum",
    "generalization_bound",
    "GeneralizationBound",
    "lipschitz_class_log_covering",
    "power_law_entropy_integral",
    "certified_entropy_integral",
    "compare",
    "Comparison",
    "tradeoff",
    "TradeOff",
    "LevelOptimum",
    "Threshold",
    "PhaseDiagram",
    "partial_tradeoff",
    "PartialTradeOff",
    "PartialOptimum",
]
