r"""Behaviour of a bound as n -> oo: its limit and the rate at which it approaches it (THEORY §4.3).

A bound need not tend to 0: the partition bound of an eta-approximately invariant class through
``N_S`` alone tends to ``2 L_l eta``, a bound at a fixed resolution eps to ``2 L_l L eps``.  Its
*rate* is then the exponent r of the excess over that limit,

.. math:: \text{bound}(n) = \ell + \Theta\big(n^{r} (\ln n)^{k}\big), \qquad n \to \infty,

never "n^0".  :class:`Asymptotics` carries ``(limit, r, k)`` and how they were obtained: from the
bound's own structure (the covering dimension of the current parameters, derived by hand in the
module docstrings of :mod:`symbound.bounds.partition` and :mod:`symbound.bounds.entropy`), from
SymPy's ``limit`` on the expression, or from a numeric slope (said so).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import mpmath
import sympy as sp

from ..functions import display_expr, latex_of
from ..printing import text

__all__ = ["Asymptotics", "symbolic_asymptotics", "numeric_exponent", "rational_reading"]


@dataclass(frozen=True)
class Asymptotics:
    """``bound(n) = limit + Theta(n^exponent (ln n)^log_power)`` as ``n -> oo``.

    Attributes
    ----------
    variable : the symbol that grows (n).
    limit : the limit of the bound (a SymPy expression; 0 for consistent bounds).
    exponent : the exponent r of the excess over the limit (a SymPy Rational, or a float when read
        from a numeric slope).
    log_power : power k of ``ln n`` in the excess, or None when not determined.
    method : how the three were obtained.
    """

    variable: sp.Symbol
    limit: Any
    exponent: Any
    log_power: Any
    method: str

    def rate_text(self) -> str:
        """``n^(-1/4)``, ``n^(-1/2) (ln n)^(3/2)`` ..."""
        v = self.variable.name
        e = self.exponent
        s = f"{v}^({e})" if not isinstance(e, float) else f"{v}^({e:.3g})"
        if self.log_power not in (None, 0) and sp.sympify(self.log_power) != 0:
            s += f" (ln {v})^({self.log_power})"
        return s

    def __str__(self) -> str:
        lim = sp.sympify(self.limit)
        if lim == 0:
            return f"O({self.rate_text()})"
        return f"{text(lim)} + O({self.rate_text()})"

    def latex(self) -> str:
        v = latex_of(self.variable)
        e = self.exponent
        es = latex_of(sp.sympify(e)) if not isinstance(e, float) else f"{e:.3g}"
        body = f"{v}^{{{es}}}"
        if self.log_power not in (None, 0) and sp.sympify(self.log_power) != 0:
            body += rf" (\ln {v})^{{{latex_of(sp.sympify(self.log_power))}}}"
        lim = sp.sympify(self.limit)
        return (f"O({body})" if lim == 0 else f"{latex_of(display_expr(lim))} + O({body})")


def symbolic_asymptotics(f: sp.Expr, sym: sp.Symbol, limit_hint: Any = None
                         ) -> tuple[sp.Expr, sp.Expr, Any] | None:
    """(limit, exponent, log power or None) of ``f`` as ``sym -> oo`` by SymPy's ``limit``, or
    None when SymPy cannot decide (the caller runs this under a time budget)."""
    lim = sp.limit(f, sym, sp.oo) if limit_hint is None else sp.sympify(limit_hint)
    if lim.has(sp.oo, -sp.oo, sp.zoo, sp.nan, sp.AccumBounds) or lim.has(sp.Limit):
        return None
    excess = f if lim == 0 else f - lim
    r = sp.limit(sp.expand_log(sp.log(excess), force=True) / sp.log(sym), sym, sp.oo)
    if not r.is_Rational:
        return None
    lp = None
    try:
        k = sp.limit(sp.expand_log(sp.log(excess * sym ** (-r)), force=True)
                     / sp.log(sp.log(sym)), sym, sp.oo)
        if k.is_Rational:
            lp = k
    except (NotImplementedError, ValueError, TypeError, RecursionError):
        lp = None
    return lim, r, lp


def numeric_exponent(excess_at: Callable[[int], Any], n1: int = 10**30, n2: int = 10**34) -> float:
    """Slope of ``log(excess)`` in ``log n`` between ``n1`` and ``n2`` (a float)."""
    a, b = mpmath.mpf(excess_at(n1)), mpmath.mpf(excess_at(n2))
    if a <= 0 or b <= 0:
        raise ArithmeticError("the excess over the limit is not positive at large n")
    return float((mpmath.log(b) - mpmath.log(a)) / (mpmath.log(n2) - mpmath.log(n1)))


def rational_reading(x: float, tol: float = 1e-3, max_den: int = 24):
    """``x`` as a small-denominator rational when within ``tol`` of one, else the float."""
    if not math.isfinite(x):
        return x
    best = None
    for q in range(1, max_den + 1):
        p = round(x * q)
        if abs(x - p / q) <= tol and (best is None or abs(x - p / q) < abs(x - best[0] / best[1])):
            best = (p, q)
            break
    return sp.Rational(*best) if best else x
