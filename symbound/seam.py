r"""The seam: how measured quantities enter bounds (DESIGN "the seam"; THEORY §3, "certified sup").

A bound that needs the sup equivariance error ``ee_inf(f; S)`` (the ``eta`` of the partition and
entropy-integral bounds, the ``eta_d`` of the trade-off) may only receive an *upper* estimate of
it.  The numeric layer measures orbit errors on samples; the only object it hands to the symbolic
layer for a sup is a :class:`SupErrorUpperBound`, which says what it is an upper bound of, over
which region and which set of transformations, at which confidence, and by which argument.  A mean
error (``ee_p``) is never substituted for a sup, and a sup over a smaller set or a smaller region
never stands for a larger one: the consumers check ``group`` and ``region_space`` against their own
set and input space (:func:`symbound.bounds.sup_match.check_sup_matches`).

This module is pure Python (no numba, no SymPy): both layers import it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ._validation import brief
from .errors import InvalidTypeError, InvalidValueError

__all__ = ["SupErrorUpperBound"]

_QUANTITIES = ("model", "data")
_SCOPES = ("region", "sample")


@dataclass(frozen=True, repr=False)
class SupErrorUpperBound:
    r"""An upper estimate of a sup equivariance error, ready to enter a bound.

    Attributes
    ----------
    value : the upper estimate ``U`` (a finite float >= 0): ``ee_inf <= U`` with probability at
        least ``confidence`` (1.0 when the argument is deterministic).
    quantity : ``"model"`` (``ee_inf(f; S)`` of a model, the bounds' ``eta``) or ``"data"``
        (``ee_inf(f^*; S)`` of the regression function, the trade-off's ``eta_d``).
    scope : ``"region"`` (the sup over every x of ``region`` and every s of the set) or
        ``"sample"`` (the sup over the measured points only: not a sup over the input space).
    region : name of the region the sup is certified on (``scope == "region"``), else None.
    confidence : probability with which ``value`` bounds the sup, in (0, 1]; a bound that uses
        ``value`` pays ``1 - confidence`` in its own delta.
    observed_max : the largest measured error (a lower estimate of the sup).
    method : the argument, e.g. "Lipschitz net bound: max over an r_x-net of A and an r_g-net of S".
    assumptions : what the argument assumes (Lipschitz constants given by the user, isometric
        action, ...).
    reference : where the inequality is proved.
    details : the terms of the argument (fill distances, Lipschitz constants, ...), by name.
    group : the transformation set S the sup is over (set by :func:`symbound.certified_sup_error`,
        :func:`symbound.certified_data_sup_error` and the estimates' ``sup_upper_bound``); None
        when built by hand without it.
    region_space : the region as a :mod:`symbound.spaces` Space (``scope == "region"``), so that a
        consumer can decide that it contains its input space; None when built by hand without it.
    assume_matches : the caller's assertion, for a value built by hand, that the sup is over every
        set and every input space it is used with, where ``group`` or ``region_space`` is missing
        or their containment cannot be decided.  It never overrides a decided mismatch, and a
        consumer records it among its assumptions.
    """

    value: float
    quantity: str
    scope: str
    confidence: float
    observed_max: float
    method: str
    region: str | None = None
    assumptions: tuple[str, ...] = ()
    reference: str = "THEORY §3 (certified sup from samples)"
    details: dict = field(default_factory=dict)
    group: Any = None
    region_space: Any = None
    assume_matches: bool = False

    def __post_init__(self):
        for name in ("value", "observed_max", "confidence"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise InvalidTypeError(f"{name} must be a real number, got {type(v).__name__}")
            if not math.isfinite(v):
                raise InvalidValueError(f"{name} must be finite, got {brief(v)}")
        if self.value < 0:
            raise InvalidValueError(f"value must be >= 0, got {brief(self.value)}")
        if self.value < self.observed_max:
            raise InvalidValueError(
                f"value={self.value!r} is below observed_max={self.observed_max!r}: an upper "
                "estimate of a sup cannot be smaller than an observed error")
        if not 0 < self.confidence <= 1:
            raise InvalidValueError(f"confidence must be in (0, 1], got {brief(self.confidence)}")
        if self.quantity not in _QUANTITIES:
            raise InvalidValueError(f"quantity must be one of {_QUANTITIES}, got {brief(self.quantity)}")
        if self.scope not in _SCOPES:
            raise InvalidValueError(f"scope must be one of {_SCOPES}, got {brief(self.scope)}")
        if self.scope == "region" and not self.region:
            raise InvalidValueError("scope='region' needs the region's name")
        if self.group is not None and not hasattr(self.group, "is_group"):
            raise InvalidTypeError(f"group must be a symbound transformation set, got "
                                   f"{type(self.group).__name__}")
        if self.region_space is not None and not hasattr(self.region_space, "covering"):
            raise InvalidTypeError(f"region_space must be a symbound space, got "
                                   f"{type(self.region_space).__name__}")
        if not isinstance(self.assume_matches, bool):
            raise InvalidTypeError(f"assume_matches must be a bool, got {brief(self.assume_matches)}")

    @property
    def failure_probability(self) -> float:
        """``1 - confidence``: what a bound using this value adds to its delta."""
        return 1.0 - self.confidence

    @property
    def symbol_name(self) -> str:
        """The canonical symbol this value stands for: ``eta`` (model) or ``eta_d`` (data)."""
        return "eta" if self.quantity == "model" else "eta_d"

    def describe(self) -> str:
        """One paragraph: the value, what it bounds, where, how sure, and how."""
        s_name = "the set" if self.group is None else self.group.name
        where = (f"over every x in {self.region} and every s in {s_name}" if self.scope == "region"
                 else f"over the measured points only (not a sup over the input space), s in {s_name}")
        sure = ("deterministically" if self.confidence == 1.0
                else f"with probability at least {self.confidence:g}")
        what = "ee_inf(f; S) of the model" if self.quantity == "model" else "ee_inf(f*; S) of the data"
        lines = [f"{what} <= {self.value:.6g} {sure}, {where}",
                 f"  observed max {self.observed_max:.6g} (a lower estimate of the sup)",
                 f"  method: {self.method}"]
        lines += [f"  assumption: {a}" for a in self.assumptions]
        if self.assume_matches:
            lines.append("  assumption (asserted by the caller): the sup is over every set and input "
                         "space it is used with")
        lines.append(f"  reference: {self.reference}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        sure = "" if self.confidence == 1.0 else f", confidence={self.confidence:g}"
        where = f"region={self.region!r}" if self.scope == "region" else "scope='sample'"
        if self.group is not None:
            where = f"S={self.group.name}, {where}"
        return (f"SupErrorUpperBound({self.quantity}: ee_inf <= {self.value:.6g}, {where}{sure}, "
                f"observed max {self.observed_max:.6g})")
