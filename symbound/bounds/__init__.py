"""Bounds: the Bound object and the generalization, approximation and trade-off bounds."""

from ._bound import Bound, Optimum

__all__ = ["Bound", "Optimum"]
