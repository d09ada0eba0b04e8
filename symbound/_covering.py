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
:data:`MAX_RESOLVED_DIGITS` digits) is rounded outwards: an integer above an upper bound (below a
lower bound) is still a bound.  A power ``b^d`` of an exact rational, which the spaces leave
unevaluated when it is that large (:func:`rational_power`), is enclosed by
:func:`power_enclosure` in integer arithmetic, rounding down and up at every step (relative width
below ``2^-240``, no floating point and no dependence on ``mpmath.mp``), so that a count such as
``(1 + 2/eps)^10000`` at ``eps = 1e-300`` (three million digits) costs milliseconds and is never
expanded exactly; any other value is rounded from a 60-digit evaluation with a relative margin of
``1e-50``.

Huge counts.  An integer count with more than :data:`PRINT_DIGITS` digits is returned as a
:class:`LargeCount`: an exact SymPy Integer that prints in scientific form (``≈1.07151e+30103``;
Python refuses ``str`` of an int past 4300 digits) and whose ``float()`` raises
:class:`~symbound.errors.FloatOverflowError` (a ``NumericalError`` and an ``OverflowError``) instead of returning ``inf``.  Its logarithm stays
available in log form (``CoveringBound.log_expr``, ``CoveringBound.log()``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mpmath
import sympy as sp

from ._validation import check_choice
from .errors import FloatOverflowError, InvalidValueError, NumericalError

__all__ = ["CoveringBound", "KINDS", "LargeCount", "check_kind", "integer_bound", "integral",
           "power_enclosure", "rational_power"]

#: counts with more digits than this are rounded outwards (see the module notes)
MAX_RESOLVED_DIGITS = 200
#: the same limit in bits (a value of at least ``2**_MAX_RESOLVED_BITS`` is rounded outwards)
_MAX_RESOLVED_BITS = int(MAX_RESOLVED_DIGITS * 3.3219280948873626) + 1
#: bits kept by :func:`power_enclosure`
_ENCLOSURE_BITS = 256
#: integer counts with more decimal digits than about this print in scientific form
PRINT_DIGITS = 1000
_PRINT_BITS = int(PRINT_DIGITS * 3.3219280948873626)
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
            raise FloatOverflowError(
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


def _scientific(n: int, figures: int = 6) -> tuple[str, int]:
    """Mantissa (``figures`` significant digits) and decimal exponent of a positive integer, for
    display (computed from its leading bits; not a certified value)."""
    shift = max(0, n.bit_length() - 128)
    with mpmath.workprec(160):
        lg = mpmath.log10(mpmath.mpf(n >> shift)) + shift * mpmath.log10(2)
        exponent = int(mpmath.floor(lg))
        mantissa = mpmath.nstr(mpmath.power(10, lg - exponent), figures)
    if mantissa.startswith("10"):  # 9.999995... rounded up
        mantissa, exponent = "1.0", exponent + 1
    return mantissa, exponent


class LargeCount(sp.Integer):
    """An exact integer count with more than about :data:`PRINT_DIGITS` decimal digits.

    It is a SymPy Integer (the value is kept exactly: ``int(n)``, ``n.p``, arithmetic), which
    prints in scientific form with ``≈`` (``str``, ``repr``, text and LaTeX), and whose ``float()``
    raises :class:`~symbound.errors.FloatOverflowError` instead of returning ``inf`` (use ``ln N``:
    ``CoveringBound.log_expr``).  Arithmetic on it gives plain SymPy Integers.

    Examples
    --------
    >>> n = LargeCount(3**5000)
    >>> str(n)
    '≈4.039e+2385'
    >>> int(n) == 3**5000
    True
    """

    def _display(self) -> tuple[str, int]:
        return _scientific(int(self.p))

    def _sympystr(self, printer=None) -> str:
        mantissa, exponent = self._display()
        return f"≈{mantissa}e+{exponent}"

    _textstr = _sympystr

    def _sympyrepr(self, printer=None) -> str:
        return f"LargeCount({self._sympystr()})"

    def _latex(self, printer=None) -> str:
        mantissa, exponent = self._display()
        return f"\\approx {mantissa} \\cdot 10^{{{exponent}}}"

    def _pretty(self, printer=None):
        from sympy.printing.pretty.stringpict import prettyForm

        return prettyForm(self._sympystr())

    def __float__(self) -> float:
        raise FloatOverflowError(
            f"the count {self._sympystr()} exceeds float64; use its logarithm (ln N: "
            "CoveringBound.log_expr or CoveringBound.log())")


def _count(n: int) -> sp.Integer:
    """An integer count as a SymPy Integer, a :class:`LargeCount` past :data:`PRINT_DIGITS` digits."""
    return LargeCount(n) if abs(n).bit_length() > _PRINT_BITS else sp.Integer(n)


def _trim(lo: int, hi: int, e: int, bits: int) -> tuple[int, int, int]:
    """Drop low bits so that ``hi`` keeps ``bits`` bits: ``lo`` rounded down, ``hi`` rounded up."""
    k = max(0, hi.bit_length() - bits)
    return lo >> k, -((-hi) >> k), e + k


def power_enclosure(p: int, q: int, d: int, bits: int = _ENCLOSURE_BITS) -> tuple[int, int, int]:
    """Integers ``lo, hi, e`` with ``lo 2^e <= (p/q)^d <= hi 2^e`` for ``p, q >= 1``, ``d >= 0``.

    Square and multiply in integer arithmetic on ``bits``-bit mantissas, rounding the lower end
    down and the upper end up after every product; each of the at most ``2 log2(d) + 2`` roundings
    widens the enclosure by a factor below ``1 + 2^(1-bits)``.

    Examples
    --------
    >>> lo, hi, e = power_enclosure(3, 2, 100)
    >>> lo * 2**e <= 3**100 / 2**100 * 2**0 <= hi * 2**e
    True
    """
    s = bits - (p.bit_length() - q.bit_length())
    num, den = (p << s, q) if s >= 0 else (p, q << -s)
    lo, hi, e = num // den, -(-num // den), -s
    rlo, rhi, re = 1, 1, 0
    while d:
        if d & 1:
            rlo, rhi, re = _trim(rlo * lo, rhi * hi, re + e, bits)
        d >>= 1
        if d:
            lo, hi, e = _trim(lo * lo, hi * hi, 2 * e, bits)
    return rlo, rhi, re


def rational_power(base: sp.Expr, d: int) -> sp.Expr:
    """``base**d``, left unevaluated when ``base`` is a non-integer positive rational and the power
    has more than :data:`MAX_RESOLVED_DIGITS` digits (SymPy would expand it exactly: three million
    digits for ``(1 + 2/eps)^10000`` at ``eps = 1e-300``); :func:`integer_bound` encloses it."""
    base = sp.sympify(base)
    if (base.is_Rational and not base.is_Integer and base > 0 and d > 1
            and d * (int(base.p).bit_length() - int(base.q).bit_length() - 1) > _MAX_RESOLVED_BITS):
        return sp.Pow(base, sp.Integer(d), evaluate=False)
    return base**d


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
    if value.is_Pow and value.base.is_Rational and value.exp.is_Integer and value.base > 0 \
            and value.exp >= 0:
        if value.base.is_Integer:  # an exact integer power
            return sp.Integer(int(value.base) ** int(value.exp))
        lo, hi, e = power_enclosure(int(value.base.p), int(value.base.q), int(value.exp))
        if lo.bit_length() + e <= _MAX_RESOLVED_BITS:
            return integer_bound(value.base ** value.exp, up)  # small enough to expand exactly
        # huge (e > 0): an integer below a lower bound (above an upper bound) is still a bound
        return sp.Integer(lo << e) if up else sp.Integer(hi << e)
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
            # outwards: below a lower bound (ceil requested), above an upper bound (floor requested)
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
    n = _count(int(integer_bound(bound.expr, up=bound.kind in ("lower", "exact"))))
    return CoveringBound(expr=n, log_expr=sp.log(n), kind=bound.kind, method=bound.method,
                         reference=bound.reference, regime=bound.regime)
