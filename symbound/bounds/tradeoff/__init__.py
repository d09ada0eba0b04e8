"""The trade-off between model and data equivariance error (THEORY §5).

* :func:`tradeoff` — the calculator for a compact group: the certified total-error bound at every
  model equivariance level, the optimal level, the threshold sample size, the phase diagram
  (:mod:`.calculator`, proofs there; closed forms in :mod:`.closed_forms`);
* :func:`partial_tradeoff` — the partial and graded forms on the disk and the annulus: models
  eps-approximately invariant to rotations by at most theta (:mod:`.partial`).
"""

from .calculator import REFERENCE, TradeOff, tradeoff
from .partial import PartialOptimum, PartialTradeOff, partial_tradeoff
from .phase import PhaseDiagram
from .results import REGIMES, LevelOptimum, Threshold

__all__ = ["tradeoff", "TradeOff", "LevelOptimum", "Threshold", "PhaseDiagram", "REGIMES",
           "REFERENCE", "partial_tradeoff", "PartialTradeOff", "PartialOptimum"]
