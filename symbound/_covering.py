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
nearest integer is resolved; this is done for every value of up to :data:`MAX_EXACT_DIGITS`
digits (the arc count of a circle or a grid's cells per side at ``eps = 1e-300`` have about 300).
Only a value beyond that is rounded outwards, and only where it is itself the bound (an integer
above an upper bound, below a lower bound, is still a bound); an exact count or a ceiling inside a
larger formula has no safe direction and is refused (:class:`~symbound.errors.NumericalError`).

Huge counts (dimensions up to ``10^4``, eps down to ``1e-300``: millions of digits).  The spaces
never form such a value exactly before rounding it (SymPy would expand ``(1 + 2/eps)^10000`` at
``eps = 1e-300`` into a rational of ten million bits and divide it, which took minutes):

* a power ``b^d`` of an exact positive rational goes through :func:`rational_power`, which
  encloses it by :func:`power_enclosure` in integer arithmetic, ``lo 2^e <= b^d <= hi 2^e``,
  rounding down and up after every product (relative width below ``2^-240``; no floating point, no
  dependence on ``mpmath.mp``).  A certified upper bound becomes the integer ``ceil(hi 2^e)`` (at
  least the value, so at least its floor: still an upper bound on the integer count), a certified
  lower bound ``floor(lo 2^e)`` (at most the value, so at most its ceiling).  The asymptotic form,
  which certifies nothing, becomes a 30-digit :class:`sympy.Float` (mpmath's exponent is unbounded,
  so it never overflows) with ``log_expr`` kept exact;
* any other huge value (``pi`` and ``Gamma`` in a volume ratio) goes through
  :func:`value_from_log`: its logarithm, built in log form, is evaluated with enough digits that
  ``exp`` of it has 60 correct significant digits, and the value is rounded outwards with a relative
  margin of ``1e-50``;
* a value below ``10^MAX_RESOLVED_DIGITS`` is computed exactly as before.

Every returned expression is an evaluated SymPy number: nothing unevaluated (an unevaluated power
left in a result slowed later SymPy work by orders of magnitude through SymPy's cache).

An integer count beyond float64 (about 1.8e308) is returned as a :class:`LargeCount`: an exact
SymPy Integer whose ``float()`` raises :class:`~symbound.errors.FloatOverflowError` (a
``NumericalError`` and an ``OverflowError``) instead of returning ``inf``, and which past
:data:`PRINT_DIGITS` digits prints in scientific form (``≈1.07151e+30103``; Python refuses ``str``
of an int past 4300 digits); ``CoveringBound.__float__`` raises it too for any value past float64.
Its logarithm stays available in log form (``CoveringBound.log_expr``, ``CoveringBound.log()``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import math

import mpmath
import sympy as sp

from ._validation import check_choice
from .errors import FloatOverflowError, InvalidValueError, NumericalError

__all__ = ["CoveringBound", "KINDS", "LargeCount", "check_kind", "integer_bound", "integral",
           "power_difference_upper", "power_enclosure", "rational_power", "value_from_log"]

#: counts with more digits than this are rounded outwards (see the module notes)
MAX_RESOLVED_DIGITS = 200
#: irrational values with up to this many digits are always rounded exactly by :func:`integer_bound`
MAX_EXACT_DIGITS = 20000
#: the same limit in bits, and as a natural logarithm
_MAX_RESOLVED_BITS = int(MAX_RESOLVED_DIGITS * 3.3219280948873626) + 1
_MAX_RESOLVED_LN = MAX_RESOLVED_DIGITS * 2.302585092994046
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
        f = float(sp.N(self.expr, 30))
        if f == float("inf"):
            raise FloatOverflowError(
                f"the covering number ({self.kind}, {self.method}) exceeds float64; use its "
                "logarithm: log_expr (ln N) or log()")
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
    display (computed from its leading 128 bits; not a certified value)."""
    shift = max(0, n.bit_length() - 128)
    with mpmath.workprec(160):
        lg = mpmath.log10(mpmath.mpf(n >> shift)) + shift * mpmath.log10(2)
        exponent = int(mpmath.floor(lg))
        mantissa = mpmath.nstr(mpmath.power(10, lg - exponent), figures)
    if mantissa.startswith("10"):  # 9.999995... rounded up
        mantissa, exponent = "1.0", exponent + 1
    return mantissa, exponent


class LargeCount(sp.Integer):
    """An exact integer count beyond float64 (``2^1024``, about 1.8e308).

    It is a SymPy Integer (the value is kept exactly: ``int(n)``, ``n.p``, arithmetic) whose
    ``float()`` raises :class:`~symbound.errors.FloatOverflowError` instead of returning ``inf``
    (use ``ln N``: ``CoveringBound.log_expr``).  Up to :data:`PRINT_DIGITS` digits it prints as the
    integer it is; past that (Python refuses ``str`` of an int past 4300 digits) in scientific form
    with ``≈`` (``str``, ``repr``, text and LaTeX).  Arithmetic on it gives plain SymPy Integers.

    Examples
    --------
    >>> n = LargeCount(3**5000)
    >>> str(n)
    '≈4.039e+2385'
    >>> int(n) == 3**5000
    True
    >>> str(LargeCount(10**400)) == "1" + "0" * 400
    True
    """

    def _exact_digits(self) -> bool:
        return abs(int(self.p)).bit_length() <= _PRINT_BITS

    def _display(self) -> tuple[str, int]:
        return _scientific(int(self.p))

    def _sympystr(self, printer=None) -> str:
        if self._exact_digits():
            return str(int(self.p))
        mantissa, exponent = self._display()
        return f"≈{mantissa}e+{exponent}"

    _textstr = _sympystr

    def _sympyrepr(self, printer=None) -> str:
        if self._exact_digits():
            return f"LargeCount({int(self.p)})"
        return f"LargeCount({self._sympystr()})"

    def _latex(self, printer=None) -> str:
        if self._exact_digits():
            return str(int(self.p))
        mantissa, exponent = self._display()
        return f"\\approx {mantissa} \\cdot 10^{{{exponent}}}"

    def _pretty(self, printer=None):
        from sympy.printing.pretty.stringpict import prettyForm

        return prettyForm(self._sympystr())

    def __float__(self) -> float:
        raise FloatOverflowError(
            f"the count {self._sympystr() if not self._exact_digits() else f'of {len(str(int(self.p)))} digits'}"
            " exceeds float64; use its logarithm (ln N: CoveringBound.log_expr or "
            "CoveringBound.log())")


#: bits of the largest float64 (counts of more bits are LargeCounts: their float() would be inf)
_FLOAT_BITS = 1024


def _count(n: int) -> sp.Integer:
    """An integer count as a SymPy Integer, a :class:`LargeCount` beyond float64."""
    return LargeCount(n) if abs(n).bit_length() > _FLOAT_BITS else sp.Integer(n)


def _trim(lo: int, hi: int, e: int, bits: int) -> tuple[int, int, int]:
    """Drop low bits so that ``hi`` keeps ``bits`` bits: ``lo`` rounded down, ``hi`` rounded up."""
    k = max(0, hi.bit_length() - bits)
    return lo >> k, -((-hi) >> k), e + k


def power_enclosure(p: int, q: int, d: int, bits: int = _ENCLOSURE_BITS) -> tuple[int, int, int]:
    """Integers ``lo, hi, e`` with ``lo 2^e <= (p/q)^d <= hi 2^e`` for ``p, q >= 1``, ``d >= 0``.

    Square and multiply in integer arithmetic on ``bits``-bit mantissas, rounding the lower end
    down and the upper end up after every product; each of the at most ``2 log2(d) + 2`` roundings
    widens the enclosure by a factor below ``1 + 2^(2-bits)``, so ``hi / lo - 1`` stays below
    ``2^(-bits + 2 log2(d) + 6)``.

    Examples
    --------
    >>> from fractions import Fraction
    >>> lo, hi, e = power_enclosure(3, 2, 100)
    >>> lo * Fraction(2)**e <= Fraction(3, 2)**100 <= hi * Fraction(2)**e
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


def _mpf_of(m: int, e: int, prec: int = 100) -> sp.Float:
    """The SymPy Float ``m 2^e`` rounded to ``prec`` bits (mpmath's exponent is unbounded)."""
    return sp.Float._new(mpmath.libmp.from_man_exp(m, e, prec, "n"), prec)


def rational_power(base: sp.Expr, d: int, kind: str) -> sp.Expr:
    """``base**d`` for an exact positive rational ``base``, as the value of a covering bound of
    ``kind`` ("upper", "lower" or "asymptotic"), never expanded when it is huge.

    Below ``10^MAX_RESOLVED_DIGITS`` (estimated from the bit lengths) the exact power.  Beyond, from
    :func:`power_enclosure` ``lo 2^e <= base^d <= hi 2^e``: an upper bound becomes the integer
    ``ceil(hi 2^e)``, a lower bound ``floor(lo 2^e)`` (see the module notes), the asymptotic form
    a 30-digit Float.  Any other ``base`` (symbolic, irrational) gives ``base**d``.

    Examples
    --------
    >>> import sympy as sp
    >>> rational_power(sp.Rational(3, 2), 4, "upper")
    81/16
    >>> n = rational_power(1 + 2 / sp.Rational(1, 10**300), 10**4, "upper")
    >>> n.is_Integer, len(str(sp.N(sp.log(n) / sp.log(10), 10)))
    (True, 11)
    """
    base = sp.sympify(base)
    if not (base.is_Rational and base > 0) or d <= 1:
        return base**d
    p, q = int(base.p), int(base.q)
    if d * (abs(p.bit_length() - q.bit_length()) + 1) <= _MAX_RESOLVED_BITS:
        return base**d
    lo, hi, e = power_enclosure(p, q, d)
    if hi.bit_length() + e <= _MAX_RESOLVED_BITS:  # small after all: exact (as the fast paths)
        return base**d
    if kind == "asymptotic":
        return _mpf_of(hi, e)
    if kind == "upper":
        return _count(hi << e if e >= 0 else -((-hi) >> -e))
    return _count(lo << e if e >= 0 else lo >> -e)


def power_difference_upper(a: int, b: int, q: int, d: int) -> sp.Integer:
    """An integer at least ``(a/q)^d - (b/q)^d`` for integers ``a > b >= 0``, ``q >= 1``, never
    expanding the powers: ``(a/q)^d (1 - (b/a)^d)`` with both powers enclosed by
    :func:`power_enclosure`, the second with enough extra bits that its error stays below
    ``2^-240`` of the gap ``1 - (b/a)^d`` (which is at least ``min(1, d (a - b)/a) / 2``).

    Examples
    --------
    >>> int(power_difference_upper(5, 3, 2, 3)) >= (125 - 27) / 8
    True
    """
    _, hi_a, ea = power_enclosure(a, q, d)
    if b == 0:
        return _count(hi_a << ea if ea >= 0 else -((-hi_a) >> -ea))
    gap_bits = max(0, a.bit_length() - (d * (a - b)).bit_length() + 1)
    lo_r, _, er = power_enclosure(b, a, d, _ENCLOSURE_BITS + gap_bits + 2 * d.bit_length())
    if er >= 0:  # (b/a)^d < 1 keeps a negative exponent; guard the arithmetic below anyway
        raise NumericalError(f"power_difference_upper: enclosure exponent {er} >= 0")
    num, e = hi_a * ((1 << -er) - lo_r), ea + er  # (a/q)^d (1 - (b/a)^d) <= num 2^e
    return _count(num << e if e >= 0 else -((-num) >> -e))


def _asymptotic_digits(log_value: sp.Expr, rough: sp.Float) -> int:
    """Significant digits an asymptotic value ``exp(log_value)`` carries: 30, or fewer when
    ``log_value`` holds floats (15 digits for float64 inputs), whose relative error ``10^-p`` is an
    absolute error ``|ln N| 10^-p`` of the logarithm and so a relative error of the value."""
    floats = log_value.atoms(sp.Float)
    if not floats:
        return 30
    p = min(f._prec for f in floats) * 0.30103
    return max(1, min(30, int(p - math.log10(max(1.0, abs(float(rough)))))))


def value_from_log(log_value: sp.Expr, kind: str) -> sp.Expr | None:
    """The value ``exp(log_value)`` of a covering bound of ``kind`` when it exceeds
    ``10^MAX_RESOLVED_DIGITS``, without forming the value's exact expression; None below that (the
    caller then forms it exactly).

    ``log_value`` (a numeric SymPy expression, built in log form) is evaluated with enough digits
    that ``exp`` of it has 60 correct significant digits; an upper bound is rounded up to an
    integer from ``(1 + 10^-50)`` times that value, a lower bound down from ``(1 - 10^-50)`` times
    it (outwards: still bounds on the integer count); the asymptotic form is a 30-digit Float.

    Examples
    --------
    >>> import sympy as sp
    >>> value_from_log(sp.log(10), "upper") is None
    True
    >>> n = value_from_log(10**4 * sp.log(sp.pi), "lower")
    >>> n.is_Integer, bool(0 <= sp.N(1 - n / sp.pi**10**4, 60) < 1e-49)
    (True, True)
    """
    rough = sp.N(log_value, 15)
    if rough.is_Rational:  # an exact logarithm such as 0 (a count of 1)
        rough = sp.Float(rough, 15)
    if not rough.is_Float:
        raise NumericalError(f"cannot evaluate the logarithm {log_value} to a real number")
    if rough <= _MAX_RESOLVED_LN:
        return None
    digits = int(mpmath.log10(mpmath.mpf(rough._mpf_))) + 1  # integer digits of the logarithm
    exact = sp.N(log_value, 70 + digits)
    with mpmath.workdps(70 + digits):
        m = mpmath.exp(mpmath.mpf(exact._mpf_))
        if kind == "asymptotic":
            return sp.Float(m, _asymptotic_digits(log_value, rough))
        margin = mpmath.mpf(10) ** -50
        return _count(int(mpmath.ceil(m * (1 + margin))) if kind == "upper"
                      else int(mpmath.floor(m * (1 - margin))))


def integer_bound(value: sp.Expr, up: bool, outward: bool = True) -> sp.Integer:
    """``ceil(value)`` (``up``) or ``floor(value)`` of a positive real number expression, decided in
    exact arithmetic (see the module notes).

    An irrational value is evaluated with its integer digits plus 30, 60, ... digits until its
    distance to the nearest integer is resolved; values with up to :data:`MAX_EXACT_DIGITS` digits
    (a circle's arc count at ``eps = 1e-300`` has 300) are always resolved that way.  Beyond that,
    with ``outward`` (``value`` is itself the bound being rounded) the rounding goes outwards
    instead, which keeps a bound a bound: an integer below a lower bound when ``up``, above an upper
    bound otherwise; without ``outward`` (an exact count, or a ceiling inside a larger formula,
    where neither direction is safe) a :class:`~symbound.errors.NumericalError` is raised.

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
    if m > 0 and mpmath.log10(m) > MAX_EXACT_DIGITS:
        if not outward:
            raise NumericalError(
                f"the integer part of a value near {mpmath.nstr(m, 6)} (more than "
                f"{MAX_EXACT_DIGITS} digits) cannot be resolved; pass a larger eps")
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
    n = _count(int(integer_bound(bound.expr, up=bound.kind in ("lower", "exact"),
                                 outward=bound.kind != "exact")))
    return CoveringBound(expr=n, log_expr=sp.log(n), kind=bound.kind, method=bound.method,
                         reference=bound.reference, regime=bound.regime)
