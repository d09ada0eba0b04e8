"""Inputs of the trade-off calculator: the data equivariance error and the constants.

The data equivariance error ``eta_d = ee_inf(f*; S)`` (THEORY §3) enters the trade-off through the
approximation term ``L_l (eta_d - eta)_+``, which is an *upper* bound only when ``eta_d`` is an upper
bound of the sup error of the target.  It is accepted as

* a number or a SymPy expression (known by the user, deterministic);
* a :class:`~symbound.bounds.Bound` that holds deterministically (its formula is used, its
  reference recorded);
* a :class:`symbound.seam.SupErrorUpperBound` with ``quantity="data"`` and ``scope="region"`` (a
  certified upper estimate of the sup over the input space); its failure probability
  ``1 - confidence`` is paid in delta: the generalization bounds run at ``delta - (1 - confidence)``.
  Its set must contain the trade-off's group and its region the input space X (the sup is over all
  of X, not over the data's support: docs/theory/tradeoff.md, "Setting");
  :func:`symbound.bounds.sup_match.check_sup_matches` refuses it otherwise.

Everything else that looks like a measurement is refused with an error naming the conversion: a mean
error (``ee_p``) or an observed maximum (a lower estimate of the sup) never stands for the sup.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy as sp

from ..._validation import brief
from ..._validation import check_integer, check_real
from ...errors import InvalidTypeError, InvalidValueError
from ...seam import SupErrorUpperBound
from ...symbols import symbol
from .._bound import Bound
from ..sup_match import check_sup_matches

__all__ = ["DataError", "data_error", "exact_number", "positive_constant", "bound_constants"]

_CONVERSION = ("convert it to a certified upper estimate of the sup, a "
               "symbound.seam.SupErrorUpperBound(quantity='data', scope='region', ...) "
               "(THEORY §3, certified sup from samples), and pass that")


@dataclass(frozen=True)
class DataError:
    """The data equivariance error as the trade-off uses it.

    Attributes
    ----------
    value : SymPy expression (an exact Rational for a float input, or symbolic).
    failure : probability that ``value`` is *not* an upper bound of ``ee_inf(f*; S)`` (0 when
        deterministic); paid in delta.
    source : one line saying where the value comes from.
    assumptions : what the source assumes (recorded in the trade-off's assumptions).
    """

    value: sp.Expr
    failure: float
    source: str
    assumptions: tuple[str, ...] = ()

    @property
    def is_numeric(self) -> bool:
        return not self.value.free_symbols

    def __float__(self) -> float:
        return float(self.value)


def exact_number(name: str, value: Any) -> sp.Expr:
    """A real number as an exact SymPy number (a float as its binary value); SymPy expressions pass."""
    if isinstance(value, sp.Basic):
        return value
    if isinstance(value, bool):
        raise InvalidTypeError(f"{name} must be a real number, got a bool ({brief(value)})")
    if isinstance(value, numbers.Integral):
        return sp.Integer(int(value))
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, numbers.Real):
        f = float(value)
        if not math.isfinite(f):
            raise InvalidValueError(f"{name} must be a finite real number, got {brief(value)}")
        return sp.Rational(f)
    raise InvalidTypeError(f"{name} must be a real number or a SymPy expression, got "
                           f"{type(value).__name__} ({value!r})")


def positive_constant(name: str, value: Any) -> sp.Expr:
    """A positive constant (L, L_l, M, B) as an exact SymPy number or a positive symbol, at most
    1e300 (the trade-off's curves and scans are computed in float64: loss_lipschitz = 1e308
    overflowed them)."""
    if value is None:
        raise InvalidValueError(f"{name} must be given (a positive number)")
    check_real(name, value, 0, 1e300, low_closed=False)
    return exact_number(name, value)


def bound_constants(method: str, *, lipschitz: Any, loss_lipschitz: Any, loss_bound: Any,
                    hypothesis_bound: Any, classes: Any, grid_size: Any, output_space=None
                    ) -> tuple[dict, dict]:
    """The constants of the generalization bounds, validated: ``(constants, options)`` with the
    options ``generalization_bound`` takes (covering choices are added by the caller)."""
    constants = {"lipschitz": positive_constant("lipschitz", lipschitz),
                 "loss_lipschitz": positive_constant("loss_lipschitz", loss_lipschitz),
                 "loss_bound": positive_constant("loss_bound", loss_bound)}
    options = dict(constants)
    if method == "dudley":
        constants["hypothesis_bound"] = positive_constant("hypothesis_bound", hypothesis_bound)
        options["hypothesis_bound"] = constants["hypothesis_bound"]
        return constants, options
    if classes is None and output_space is None:
        raise InvalidValueError("classes must be given for the partition bound with discrete labels"
                                + (" (or output_space=Y for continuous outputs)"
                                   if output_space is None else ""))
    if classes is not None:
        constants["classes"] = sp.Integer(check_integer("classes", classes, 1))
        options["classes"] = constants["classes"]
    options["grid_size"] = check_integer("grid_size", grid_size, 1)
    return constants, options


def _refuse_estimate(value: Any) -> None:
    kind = type(value).__name__
    if hasattr(value, "parameters") and hasattr(value, "max_observed"):
        raise InvalidTypeError(
            f"data_equivariance_error got an {kind}: a curve of observed errors (means and observed "
            f"maxima, lower estimates of the sup) is not an upper bound of ee_inf(f*; S); {_CONVERSION}")
    if hasattr(value, "value") and hasattr(value, "stderr"):
        raise InvalidTypeError(
            f"data_equivariance_error got a {kind} (value={float(value.value):.6g}): that is an "
            f"estimate of the mean error ee_p, and its max_observed is a lower estimate of the sup; "
            f"the approximation term needs an upper bound of the sup error ee_inf(f*; S): {_CONVERSION}")


def data_error(value: Any, group=None, space=None) -> DataError:
    """Convert the user's data equivariance error (see the module docstring).  A
    :class:`~symbound.seam.SupErrorUpperBound` must be a sup over a set containing ``group`` and a
    region containing ``space`` (:func:`symbound.bounds.sup_match.check_sup_matches`)."""
    if isinstance(value, SupErrorUpperBound):
        if value.quantity != "data":
            raise InvalidValueError(
                f"data_equivariance_error must bound the data's error (quantity='data'), got a "
                f"SupErrorUpperBound of the {value.quantity!r} quantity (a model's sup error is the "
                "eta of a generalization bound, not eta_d)")
        if value.scope != "region":
            raise InvalidValueError(
                "data_equivariance_error: a SupErrorUpperBound with scope='sample' bounds the error "
                "over the measured points only, not ee_inf(f*; S) over the input space that the "
                "approximation term needs; certify it over a region (scope='region')")
        sure = ("deterministically" if value.confidence == 1.0
                else f"with probability at least {value.confidence:g} (paid in delta)")
        matched = () if group is None else check_sup_matches(
            value, group, space, name="data_equivariance_error", needed=f"ee_inf(f*; {group.name})")
        s_name = "S" if value.group is None else value.group.name
        src = (f"measured upper estimate {value.value:.6g} of ee_inf(f*; {s_name}) over "
               f"{value.region}, {sure}; method: {value.method}")
        return DataError(exact_number("data_equivariance_error", value.value), value.failure_probability,
                         src, tuple(value.assumptions) + matched)
    if isinstance(value, Bound):
        if value.probability is not None:
            raise InvalidValueError(
                f"data_equivariance_error: the Bound {value.name!r} holds with probability "
                f"{value.probability}; a probabilistic bound must enter as a "
                "symbound.seam.SupErrorUpperBound(quantity='data', confidence=...) so that its "
                "confidence is paid in delta")
        if value.kind != "certified":
            raise InvalidValueError(
                f"data_equivariance_error: the Bound {value.name!r} is {value.kind}, not certified; "
                "the approximation term needs an upper bound of ee_inf(f*; S)")
        expr = value.formula()
        if expr.is_number:
            check_real("data_equivariance_error", expr, 0, None)
        return DataError(expr, 0.0, f"the bound {value.name} ({value.reference})", tuple(value.assumptions))
    _refuse_estimate(value)
    if isinstance(value, sp.Basic) and value.free_symbols:
        check_real("data_equivariance_error", value, 0, None)
        return DataError(value, 0.0, "given symbolically")
    # at most 1e300: the curves L_l c (eta_d - eta)_+ and the level scans are computed in float64
    # (1e308 overflowed there)
    check_real("data_equivariance_error", value, 0, 1e300, allow_symbolic=False)
    return DataError(exact_number("data_equivariance_error", value), 0.0, "given by the user")


def eta_symbol() -> sp.Symbol:
    """The model equivariance error symbol of THEORY §0."""
    return symbol("eta")
