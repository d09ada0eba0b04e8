"""The record every covering-number computation returns (THEORY.md section 1).

A :class:`CoveringBound` carries the value of a covering number as a SymPy expression (a number when
``eps`` is numeric, an expression when ``eps`` is a symbol), its logarithm computed in log form (so a
count such as ``3**500`` never overflows), whether it is a certified ``"upper"`` or ``"lower"`` bound,
an ``"exact"`` value, or an ``"asymptotic"`` form, which argument produced it, where it comes from,
and the regime in which it holds.

Certified numbers are integers.  A covering number is an integer, so a real upper bound ``x``
gives the upper bound ``floor(x)`` and a real lower bound ``ceil(x)``; :func:`integral` rounds every
numeric certified answer that way, deciding the rounding in exact arithmetic (the inputs are exact:
floats enter as the binary numbers they store).  SymPy's own ``floor``/``ceiling`` of an irrational
number can be wrong by one within about 1e-10 of an integer (sympy/sympy#26368), so the rounding of
an irrational value is decided by evaluating it with more and more digits until its distance to the
nearest integer is resolved.  A count too large to resolve that way (more than
:data:`MAX_RESOLVED_DIGITS` digits) is rounded outwards from a 60-digit evaluation with a relative
margin of ``1e-50``: an integer above an upper bound (below a lower bound) is still a bound.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mpmath
import sympy as sp

from ._validation import check_choice
from .errors import InvalidValueError, NumericalError

__all__ = ["CoveringBound", "KINDS", "check_kind", "integer_bound", "integral"]

#: counts with more digits than this are rounded outwards from a 60-digit value (see the module notes)
MAX_RESOLVED_DIGITS = 200
#: digits beyond the integer part tried in turn to decide on which side of an integer a value lies
_ROUND_DPS = (30, 60, 120, 240, 480)

#: the kinds a caller may ask for; "exact" is a kind of answer, never of request
KINDS = ("upper", "lower", "asymptotic")


def check_kind(kind, available, what: str) -> str:
    """``kind`` must be one of :data:`KINDS` and one of the ``available`` kinds of ``what``."""
    check_choice("kind", kind, KINDS)
    if kind not in available:
        raise InvalidValueError(
            f"kind={kind!r} is not available for {what}; available: {list(available)}")
    return kind


@dataclass(frozen=True)
class CoveringBound:
    """A covering number, a bound on it, or its asymptotic form.

    Attributes
    ----------
    expr : SymPy expression of N (a SymPy number when eps was numeric).
    log_expr : SymPy expression of ln N, built in log form (never ``log`` of a huge power).
    kind : "upper", "lower", "exact" or "asymptotic".
    method : the argument used, e.g. "volume argument", "Steiner packing bound", "exact grid count".
    reference : THEORY.md section or paper.
    regime : conditions under which the statement holds, e.g. ("eps <= R",) or
        ("asymptotic as eps -> 0",).
    """

    expr: sp.Expr
    log_expr: sp.Expr
    kind: str
    method: str
    reference: str
    regime: tuple[str, ...] = field(default_factory=tuple)

    def __float__(self) -> float:
        if self.expr.free_symbols:
            raise InvalidValueError(
                f"covering number has free symbols {sorted(map(str, self.expr.free_symbols))}; "
                "substitute values before converting to float"
            )
        v = sp.N(self.expr, 30)
        f = float(v)
        if f == float("inf"):
            raise OverflowError(
                "the covering number exceeds float64; use log_expr (ln N) or sympy.N(expr) instead"
            )
        return f

    def log(self) -> float:
        """ln N as a float (computed from ``log_expr``, safe for huge counts)."""
        if self.log_expr.free_symbols:
            raise InvalidValueError("log covering number has free symbols; substitute values first")
        return float(sp.N(self.log_expr, 30))

    @property
    def is_certified(self) -> bool:
        return self.kind in ("upper", "lower", "exact")

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self._latex()}$"

    def _latex(self, printer=None) -> str:
        from .functions import latex_of

        return latex_of(self.expr)

    def __str__(self) -> str:
        from .printing import prettify, text

        what = {"upper": "≤", "lower": "≥", "exact": "=", "asymptotic": "∼"}.get(self.kind, "≈")
        return f"N {what} {text(self.expr)}  [{self.kind}; {prettify(self.method)}]"


def integer_bound(value: sp.Expr, up: bool) -> sp.Integer:
    """``ceil(value)`` (``up``) or ``floor(value)`` of a positive real number expression, decided in
    exact arithmetic (see the module notes; counts beyond :data:`MAX_RESOLVED_DIGITS` digits are
    rounded outwards instead, which keeps a bound a bound).

    Examples
    --------
    >>> import sympy as sp
    >>> integer_bound(sp.Rational(7, 2), up=True), integer_bound(sp.Rational(7, 2), up=False)
    (4, 3)
    >>> integer_bound(sp.sqrt(2) / (2 * sp.Rational(0.1414213562373095)), up=True)  # 5.000000000000001
    6
    """
    value = sp.sympify(value)
    if value.is_Integer:
        return value
    if value.is_Rational:
        p, q = int(value.p), int(value.q)
        return sp.Integer(-((-p) // q) if up else p // q)
    rough = value.evalf(20)
    if not rough.is_Float:
        raise NumericalError(f"cannot evaluate the covering number {value} to a real number")
    m = mpmath.mpf(rough._mpf_)
    if m > 0 and mpmath.log10(m) > MAX_RESOLVED_DIGITS:
        with mpmath.workdps(60):
            m = mpmath.mpf(value.evalf(60)._mpf_)
            margin = mpmath.mpf(10) ** -50
            # outwards: the ceiling of a lower bound is replaced by an integer below it, the floor
            # of an upper bound by an integer above it (either stays a bound on the count)
            return sp.Integer(int(mpmath.floor(m * (1 - margin))) if up
                              else int(mpmath.ceil(m * (1 + margin))))
    digits = max(1, int(mpmath.log10(abs(m))) + 1) if m != 0 else 1
    nearest = None
    for dps in _ROUND_DPS:
        v = value.evalf(dps + digits)
        # the working precision must hold every bit of v (mpf() rounds to the context's precision)
        with mpmath.workprec(v._prec + 64):
            m = mpmath.mpf(v._mpf_)
            nearest = int(mpmath.nint(m))
            if abs(m - nearest) > mpmath.mpf(10) ** (5 - dps):
                return sp.Integer(int(mpmath.ceil(m)) if up else int(mpmath.floor(m)))
    # equal to an integer to 480 digits: accepted only if SymPy proves it
    if nearest is not None and (value - nearest).equals(0) is True:
        return sp.Integer(nearest)
    raise NumericalError(f"could not decide the integer part of {value} (equal to {nearest} to "
                         f"{_ROUND_DPS[-1]} digits, not provably equal)")


def integral(bound: CoveringBound) -> CoveringBound:
    """A numeric certified bound with its value rounded to an integer: ``floor`` of an upper bound,
    ``ceil`` of a lower bound (a covering number is an integer); ``log_expr`` becomes ``ln`` of that
    integer.  Symbolic and asymptotic bounds are returned unchanged."""
    if bound.kind == "asymptotic" or bound.expr.free_symbols:
        return bound
    # an exact count is an integer-valued expression: its ceiling is itself
    n = integer_bound(bound.expr, up=bound.kind in ("lower", "exact"))
    return CoveringBound(expr=n, log_expr=sp.log(n), kind=bound.kind, method=bound.method,
                         reference=bound.reference, regime=bound.regime)
