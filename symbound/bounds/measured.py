r"""The seam on the bounds side: how measured quantities enter a bound (DESIGN "the seam").

A bound may receive three kinds of values for a parameter:

* a number or SymPy expression (a constant known in advance): floats enter as the exact binary
  rationals they store (:func:`symbound.functions.exact_number`);
* a :class:`symbound.seam.SupErrorUpperBound` for the sup equivariance error (``eta``, or ``eta_d``
  for the data): its ``value`` is used, exactly, and what it is (method, region, confidence,
  assumptions) is recorded as a :class:`MeasuredInput` in the bound's ``assumptions`` and
  ``describe()``; a confidence below 1 is paid in the bound's probability,
  ``1 - delta - (1 - confidence)`` (union bound of the two failure events);
* nothing else that was measured.  A mean error (``EquivarianceErrorEstimate``, ``ee_p``), a data
  estimate or an observed maximum is **refused** with a short error naming the conversion
  (``est.sup_upper_bound(...)`` / ``sb.certified_sup_error(...)``), since a mean or an observed
  maximum is a *lower* estimate of the sup the bounds need.

**Why a sup over the measured points only is refused.**  Both bounds quantify the symmetry
defect over the whole input distribution: the partition bound's robustness step compares the
model at a training point with the model at *every* point z of its cell (``r = 2 L_l (L eps +
eta)`` needs ``|f(s z) - f(z)| <= eta`` at such z), and the entropy-integral bound is a uniform
bound over the class ``F_eta`` defined by the sup over X.  A sup over n measured points says
nothing about the model between them (it is at best a lower estimate of ``ee_inf``, like
``max_observed``), so a bound built from it would not hold at its stated level.  Labelling it
would turn a certified statement into a conditional one that the user cannot check; refusing
keeps the rule "a bound that needs ``ee_inf`` only receives an upper estimate of it" (THEORY §3).
The conversion that makes it usable is a certification on a region containing the data's support
(``scope="region"``), which the message names.

An empirical covering of the sample (:class:`symbound.numeric.covering.EmpiricalCovering`) is
converted by :mod:`symbound.bounds.covering_models` (``covering=`` of
:func:`~symbound.bounds.generalization_bound`); this module only recognises it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import sympy as sp

from .._validation import brief
from ..errors import InvalidTypeError, InvalidValueError
from ..functions import exact_number
from ..seam import SupErrorUpperBound

__all__ = ["MeasuredInput", "convert_value", "is_empirical_covering", "refuse_estimate"]

#: class names of the numeric layer's estimates that are not upper bounds of a sup
_ESTIMATES = {
    "EquivarianceErrorEstimate": "a mean error",
    "DataEquivarianceError": "a data estimate (mean over matched pairs)",
    "LieDerivativeEstimate": "a mean Lie derivative",
    "EquivarianceErrorCurve": "a curve of observed errors",
}


@dataclass(frozen=True)
class MeasuredInput:
    """A measured value that entered a bound, and what the bound now assumes because of it.

    Attributes
    ----------
    symbol : name of the symbol it replaced (``"eta"``, ``"eta_d"``, or ``"N_S"`` for a covering).
    value : the exact value used (a SymPy number).
    summary : one line: what was used and how it was obtained.
    confidence : probability that the measured statement holds (1.0: deterministic).
    assumptions : what the measurement assumes (recorded in the bound's ``assumptions``).
    source : the measured object itself.
    """

    symbol: str
    value: Any
    summary: str
    confidence: float = 1.0
    assumptions: tuple[str, ...] = ()
    source: Any = None

    @property
    def failure_probability(self) -> float:
        return 1.0 - self.confidence


def _estimate_kind(value) -> str | None:
    name = type(value).__name__
    if name in _ESTIMATES:
        return _ESTIMATES[name]
    if hasattr(value, "max_observed") or (hasattr(value, "value") and hasattr(value, "stderr")):
        return "a measured estimate"
    return None


def refuse_estimate(name: str, value: Any) -> None:
    """Raise a short :class:`InvalidTypeError` if ``value`` is a numeric estimate (a mean error, a
    data estimate, an observed maximum) given where an upper bound of a sup is owed."""
    what = _estimate_kind(value)
    if what is None:
        return
    shown = ""
    v = getattr(value, "value", None)
    if isinstance(v, (int, float)) and math.isfinite(float(v)):
        p = getattr(value, "p", None)
        if isinstance(p, float) and p.is_integer():
            p = int(p)
        shown = f" (ee_{p} = {float(v):.4g})" if p is not None else f" (value {float(v):.4g})"
    cls = type(value).__name__
    article = "an" if cls[:1].lower() in "aeiou" else "a"
    raise InvalidTypeError(
        f"{name}: {article} {cls} is {what}{shown}, not an upper bound of the sup error "
        "the bound needs.\nConvert it: est.sup_upper_bound(...) or sb.certified_sup_error(...) "
        "returns a SupErrorUpperBound.")


def _sup_error_input(name: str, symbol_name: str, obj: SupErrorUpperBound) -> MeasuredInput:
    if obj.symbol_name != symbol_name:
        raise InvalidValueError(
            f"{name}: this SupErrorUpperBound bounds {obj.symbol_name} "
            f"({'the model' if obj.quantity == 'model' else 'the data'}'s sup error), "
            f"not {symbol_name}")
    if obj.scope != "region":
        raise InvalidValueError(
            f"{name}: this SupErrorUpperBound is a sup over the measured points only "
            "(scope='sample'); the bound needs the sup over the inputs' support.\nCertify it on "
            "a region: est.sup_upper_bound(..., region=...) or sb.certified_sup_error(..., region=...).")
    sure = ("deterministic" if obj.confidence == 1.0 else f"holds with probability >= {obj.confidence:g}")
    summary = (f"{symbol_name} = {obj.value:.6g}: certified upper bound of ee_inf over {obj.region} "
               f"({sure}; {obj.method}; observed max {obj.observed_max:.6g})")
    assumptions = (f"the inputs' distribution is supported in {obj.region} (where {symbol_name} "
                   "was certified)",) + tuple(obj.assumptions)
    return MeasuredInput(symbol_name, exact_number(float(obj.value)), summary,
                         float(obj.confidence), assumptions, obj)


def convert_value(name: str, value: Any, symbol_name: str | None = None
                  ) -> tuple[sp.Expr, MeasuredInput | None]:
    """The exact SymPy value of ``value`` for the parameter ``name`` (symbol ``symbol_name``), and
    the record of the measurement when ``value`` is a :class:`~symbound.seam.SupErrorUpperBound`.

    Raises
    ------
    InvalidTypeError
        a numeric estimate (mean error, data estimate, ...): names the conversion to call; or a
        value that is not a number.
    InvalidValueError
        a SupErrorUpperBound for another quantity, or over the sample only; a non-finite float.
    """
    if isinstance(value, SupErrorUpperBound):
        if symbol_name not in ("eta", "eta_d", "eta_m"):
            raise InvalidTypeError(
                f"{name}: a SupErrorUpperBound can only stand for an equivariance error "
                "(eta or eta_d)")
        sym = "eta" if symbol_name == "eta_m" else symbol_name
        rec = _sup_error_input(name, sym, value)
        return rec.value, rec
    refuse_estimate(name, value)
    if isinstance(value, bool):
        raise InvalidTypeError(f"{name} must be a number or a SymPy expression, got a bool")
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidValueError(f"{name} must be finite, got {brief(value)}")
    try:
        out = exact_number(value)
    except (TypeError, ValueError):
        raise InvalidTypeError(
            f"{name} must be a number or a SymPy expression, got {type(value).__name__}") from None
    if out.has(sp.oo, -sp.oo, sp.zoo, sp.nan):
        raise InvalidValueError(f"{name} must be finite, got {brief(value)}")
    return out, None


def is_empirical_covering(value: Any) -> bool:
    """Whether ``value`` is an empirical covering of a sample (or a sequence of them)."""
    if isinstance(value, (list, tuple)) and value:
        return all(is_empirical_covering(v) for v in value)
    return type(value).__name__ == "EmpiricalCovering" or (
        hasattr(value, "n_centers") and hasattr(value, "covering_upper") and hasattr(value, "eps"))
