r"""Unevaluated SymPy quantities: covering numbers, equivariance errors, orders (STYLE.md, "Take").

A bound is first written as in the paper — ``N_S(X, eps)``, ``ee(f)``, ``|G|`` — and rewritten into
its formula by substituting the definitions it carries (:meth:`symbound.bounds.Bound.formula`).
Each quantity prints itself in LaTeX through ``_latex``.

Examples
--------
>>> import sympy as sp
>>> from symbound.functions import CoveringNumber, latex_of, space_symbol
>>> from symbound.symbols import symbol
>>> X = space_symbol("X")
>>> print(latex_of(CoveringNumber(X, symbol("eps"))))
\mathcal{N}\left(X, \varepsilon\right)
"""

from __future__ import annotations

import functools

import mpmath
import sympy as sp

from .symbols import symbol_names

__all__ = [
    "CoveringNumber",
    "QuotientCoveringNumber",
    "EquivarianceError",
    "SupEquivarianceError",
    "GroupOrder",
    "BranchMin",
    "space_symbol",
    "latex_of",
    "exact_number",
    "exact_floats",
    "display_expr",
    "xreplace_numbers",
]

_SPACE_LATEX: dict[sp.Symbol, str] = {}


def space_symbol(name: str, latex: str | None = None) -> sp.Symbol:
    """A symbol standing for a space or a transformation set (``X``, ``G``) in a paper-form bound.

    The name is used as given (no parsing); ``latex`` sets how it prints."""
    s = sp.Symbol(name)
    if latex is not None:
        _SPACE_LATEX[s] = latex
    return s


def latex_names() -> dict[sp.Symbol, str]:
    """LaTeX names of canonical symbols and of registered space/group symbols."""
    names = symbol_names()
    names.update(_SPACE_LATEX)
    return names


def latex_of(expr: sp.Basic) -> str:
    """LaTeX of an expression with symbound's symbol names (``\\varepsilon``, ``L_{\\ell}``, ...)."""
    return sp.latex(expr, symbol_names=latex_names())


def _sub(printer, x) -> str:
    """A subscript: one character as it is, more in braces (``N_S``, ``N_{C_8}``)."""
    t = printer._print(x)
    return t if len(t) == 1 else "{" + t + "}"


class _Printed:
    """Mixin: a quantity printed the same way by ``str`` (ASCII names: ``eps``) and by
    :class:`symbound.printing.TextPrinter` (Unicode: ``ε``), through ``_text(printer, unicode)``."""

    def _text(self, printer, unicode: bool) -> str:  # pragma: no cover - every subclass defines it
        raise TypeError(type(self).__name__)

    def _sympystr(self, printer):
        return self._text(printer, False)

    def _textstr(self, printer):
        return self._text(printer, True)


class _Positive(_Printed, sp.Function):
    """Base: a positive unevaluated quantity."""

    is_real = True

    def _eval_is_positive(self):
        return True

    def _eval_is_nonnegative(self):
        return True


class CoveringNumber(_Positive):
    r"""``N(X, eps)``: the covering number of X at radius eps (THEORY.md §1)."""

    nargs = 2

    def _latex(self, printer):
        x, eps = self.args
        return rf"\mathcal{{N}}\left({printer._print(x)}, {printer._print(eps)}\right)"

    def _text(self, printer, unicode):
        x, eps = self.args
        return f"N({printer._print(x)}, {printer._print(eps)})"


class QuotientCoveringNumber(_Positive):
    r"""``N_S(X, eps)``: covering number of X modulo the transformation set S (THEORY.md §2)."""

    nargs = 3

    def _latex(self, printer):
        x, s, eps = self.args
        return (rf"\mathcal{{N}}_{{{printer._print(s)}}}\left({printer._print(x)}, "
                rf"{printer._print(eps)}\right)")

    def _text(self, printer, unicode):
        x, s, eps = self.args
        return f"N_{_sub(printer, s)}({printer._print(x)}, {printer._print(eps)})"


class EquivarianceError(_Printed, sp.Function):
    r"""``ee(f; S)``: an equivariance error of f over S (THEORY.md §3)."""

    nargs = 2
    is_real = True

    def _eval_is_nonnegative(self):
        return True

    def _latex(self, printer):
        f, s = self.args
        return rf"\operatorname{{ee}}\left({printer._print(f)}; {printer._print(s)}\right)"

    def _text(self, printer, unicode):
        f, s = self.args
        return f"ee({printer._print(f)}; {printer._print(s)})"


class SupEquivarianceError(EquivarianceError):
    r"""``ee_inf(f; S)``: the sup equivariance error ``sup_{x, s} ||f(s x) - rho(s) f(x)||``
    (THEORY.md §3), the one the partition bound needs."""

    def _latex(self, printer):
        f, s = self.args
        return rf"\operatorname{{ee}}_{{\infty}}\left({printer._print(f)}; {printer._print(s)}\right)"

    def _text(self, printer, unicode):
        f, s = self.args
        return f"ee_{'∞' if unicode else 'inf'}({printer._print(f)}; {printer._print(s)})"


class GroupOrder(_Positive):
    r"""``|G|``: the number of elements of a finite transformation set."""

    nargs = 1
    is_integer = True

    def _latex(self, printer):
        return rf"\left|{printer._print(self.args[0])}\right|"

    def _text(self, printer, unicode):
        return f"|{printer._print(self.args[0])}|"


class BranchMin(_Printed, sp.Function):
    r"""``min(b_1, ..., b_k)`` of several bounds of one quantity (e.g. the bound through ``N_S`` and
    the plain bound, THEORY §5), kept unevaluated.

    SymPy's ``Min`` compares its symbolic arguments each time an expression containing it is
    rebuilt (about 40 ms per substitution for two partition bounds); a bound only needs the
    minimum of numbers.  Prints as ``\min``; evaluates numerically (``evalf``, ``sympy.N``) and
    through ``lambdify`` as the smallest argument."""

    is_real = True

    def _eval_evalf(self, prec):
        vals = [a.evalf(prec) for a in self.args]
        if all(v.is_Number for v in vals):
            return min(vals)
        return None

    def _eval_is_nonnegative(self):
        if all(a.is_nonnegative for a in self.args):
            return True
        return None

    _imp_ = staticmethod(min)

    def _latex(self, printer):
        return r"\min\left(" + ", ".join(printer._print(a) for a in self.args) + r"\right)"

    def _text(self, printer, unicode):
        return "min(" + ", ".join(printer._print(a) for a in self.args) + ")"


# ----- exact numbers ---------------------------------------------------------------------------------


def exact_number(value) -> sp.Expr:
    """The exact SymPy number a numeric value stands for: a float (Python, NumPy, SymPy ``Float``,
    ``mpmath.mpf``) is the binary rational it stores, a ``fractions.Fraction`` its rational; SymPy
    expressions other than Floats are returned unchanged (their Floats made exact).

    Certified counts are decided on these values (a ceiling of ``sqrt(2)/(2 eps)`` at the float
    ``eps = 0.1414213562373095`` is 6, since that float is slightly below ``sqrt(2)/10``); the
    conversion never depends on ``mpmath.mp.dps``.

    Examples
    --------
    >>> exact_number(0.5), exact_number(0.1)
    (1/2, 3602879701896397/36028797018963968)
    """
    import fractions

    if isinstance(value, sp.Float):
        return sp.Rational(value)
    if isinstance(value, sp.Basic):
        return exact_floats(value)
    if isinstance(value, bool):
        raise TypeError("a bool is not a number")
    if isinstance(value, int):
        return sp.Integer(value)
    if isinstance(value, float):
        return sp.Rational(value)
    if isinstance(value, fractions.Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, mpmath.mpf):
        sign, man, exp, _bc = value._mpf_
        if not man and exp:  # inf / nan
            raise ValueError(f"not a finite number: {value}")
        r = sp.Integer(int(man)) * sp.Integer(2) ** int(exp)
        return -r if sign else r
    item = getattr(value, "item", None)  # NumPy scalars
    if item is not None and not isinstance(value, (list, tuple)):
        return exact_number(item())
    raise TypeError(f"not a real number: {type(value).__name__}")


def exact_floats(expr: sp.Basic) -> sp.Basic:
    """``expr`` with every ``Float`` replaced by the exact rational it stores."""
    floats = expr.atoms(sp.Float)
    return expr.xreplace({f: sp.Rational(f) for f in floats}) if floats else expr


def display_expr(expr: sp.Basic, digits: int = 6) -> sp.Basic:
    """For printing only: rationals with long denominators (the exact binary values of floats) shown
    as ``digits``-digit decimals, so that ``0.05`` prints as ``0.05`` and not as
    ``3602879701896397/72057594037927936``."""
    if not isinstance(expr, sp.Basic):
        return expr
    big = [r for r in expr.atoms(sp.Rational) if not r.is_Integer and r.q > 10**6]
    return expr.xreplace({r: sp.Float(r, digits) for r in big}) if big else expr


# ----- ceiling and floor with a reliable integer part ----------------------------------------------
#: working precisions (digits) tried in turn to decide on which side of an integer a number lies
_ROUND_DPS = (30, 60, 120, 240, 480)


def _integer_part(arg: sp.Expr, up: bool):
    """``ceil(arg)`` (``up``) or ``floor(arg)`` of a real number expression, or ``None`` if it cannot
    be decided.  SymPy's own ``get_integer_part`` evaluates at too low a precision and can be wrong
    by one when ``arg`` lies within about 1e-10 above an integer (sympy/sympy#26368; e.g.
    ``ceiling(sqrt(2)/(2 e))`` for the float e nearest sqrt(2)/(10 (1 + 1e-12)) gave 5 instead of 6).
    Here every Float of ``arg`` is taken as the exact binary number it stores, ``arg`` is evaluated
    with more digits until its distance to the nearest integer is resolved, and the decision is
    made in exact rational arithmetic (independent of ``mpmath.mp.dps``); a value equal to an
    integer to 470 digits is accepted as that integer only if SymPy proves the difference zero."""
    exact = exact_floats(arg)
    nearest = None
    for dps in _ROUND_DPS:
        v = exact.evalf(dps)
        if not v.is_Float:
            return None  # complex, infinite or not evaluable: leave it to SymPy
        q = sp.Rational(v)  # the binary value evalf produced, exactly
        nearest = int(sp.floor(q + sp.Rational(1, 2)))
        if abs(q - nearest) > sp.Rational(10) ** (10 - dps) * max(1, abs(q)):
            return sp.Integer(int(sp.ceiling(q)) if up else int(sp.floor(q)))
    if nearest is not None and (exact - nearest).equals(0):
        return sp.Integer(nearest)
    return None


class _ReliableRound:
    """Mixin: the value of a ceiling (``_up``) or floor at a number is decided by
    :func:`_integer_part`; used only while values are substituted (:func:`xreplace_numbers`)."""

    _up = True

    @classmethod
    def _eval_number(cls, arg):
        v = super()._eval_number(arg)
        if v is None and arg.is_number and arg.is_extended_real:
            v = _integer_part(arg, cls._up)
        return v


class _Ceiling(_ReliableRound, sp.ceiling):
    _up = True


class _Floor(_ReliableRound, sp.floor):
    _up = False


_ROBUST = {sp.ceiling: _Ceiling, sp.floor: _Floor}
_PLAIN = {_Ceiling: sp.ceiling, _Floor: sp.floor}


def xreplace_numbers(expr: sp.Basic, mapping) -> sp.Basic:
    """``expr.xreplace(mapping)`` in exact arithmetic: every float of ``expr`` and of the values of
    ``mapping`` enters as the exact binary rational it stores (:func:`exact_number`), and the
    ceilings and floors that become numbers are decided by :func:`_integer_part` instead of SymPy's
    ``get_integer_part`` (wrong by one within about 1e-10 above an integer, sympy/sympy#26368).
    Ceilings and floors that stay symbolic are SymPy's own."""
    mapping = {k: exact_number(v) if isinstance(v, (sp.Basic, float, int)) else v
               for k, v in dict(mapping).items()}
    robust, rounds = _robust_form(expr)
    out = robust.xreplace(mapping)
    if not rounds:
        return out
    return out.replace(lambda e: type(e) in _PLAIN, lambda e: _PLAIN[type(e)](*e.args))


@functools.lru_cache(maxsize=1024)
def _robust_form(expr: sp.Basic) -> tuple[sp.Basic, bool]:
    """``(expr with exact floats and its ceilings and floors made reliable, whether it has any)``:
    the part of :func:`xreplace_numbers` that depends on ``expr`` alone (a bound is evaluated at
    several resolutions: the same expression, other values)."""
    expr = exact_floats(expr)
    if not expr.has(sp.ceiling, sp.floor):
        return expr, False
    return expr.replace(lambda e: type(e) in _ROBUST,
                        lambda e: _ROBUST[type(e)](*e.args, evaluate=False)), True
