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

import mpmath
import sympy as sp

from .symbols import symbol_names

__all__ = [
    "CoveringNumber",
    "QuotientCoveringNumber",
    "EquivarianceError",
    "SupEquivarianceError",
    "GroupOrder",
    "space_symbol",
    "latex_of",
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


class _Positive(sp.Function):
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


class QuotientCoveringNumber(_Positive):
    r"""``N_S(X, eps)``: covering number of X modulo the transformation set S (THEORY.md §2)."""

    nargs = 3

    def _latex(self, printer):
        x, s, eps = self.args
        return (rf"\mathcal{{N}}_{{{printer._print(s)}}}\left({printer._print(x)}, "
                rf"{printer._print(eps)}\right)")


class EquivarianceError(sp.Function):
    r"""``ee(f; S)``: an equivariance error of f over S (THEORY.md §3)."""

    nargs = 2
    is_real = True

    def _eval_is_nonnegative(self):
        return True

    def _latex(self, printer):
        f, s = self.args
        return rf"\operatorname{{ee}}\left({printer._print(f)}; {printer._print(s)}\right)"


class SupEquivarianceError(EquivarianceError):
    r"""``ee_inf(f; S)``: the sup equivariance error ``sup_{x, s} ||f(s x) - rho(s) f(x)||``
    (THEORY.md §3), the one the partition bound needs."""

    def _latex(self, printer):
        f, s = self.args
        return rf"\operatorname{{ee}}_{{\infty}}\left({printer._print(f)}; {printer._print(s)}\right)"


class GroupOrder(_Positive):
    r"""``|G|``: the number of elements of a finite transformation set."""

    nargs = 1
    is_integer = True

    def _latex(self, printer):
        return rf"\left|{printer._print(self.args[0])}\right|"


# ----- ceiling and floor with a reliable integer part ----------------------------------------------
#: working precisions (digits) tried in turn to decide on which side of an integer a number lies
_ROUND_DPS = (30, 60, 120, 240, 480)


def _integer_part(arg: sp.Expr, up: bool):
    """``ceil(arg)`` (``up``) or ``floor(arg)`` of a real number expression, or ``None`` if it cannot
    be decided.  SymPy's own ``get_integer_part`` evaluates at too low a precision and can be wrong
    by one when ``arg`` lies within about 1e-10 above an integer (sympy/sympy#26368; e.g.
    ``ceiling(sqrt(2)/(2 e))`` for the float e nearest sqrt(2)/(10 (1 + 1e-12)) gave 5 instead of 6).
    Here every Float of ``arg`` is taken as the exact binary number it stores, and ``arg`` is
    evaluated with more digits until its distance to the nearest integer is resolved; a value equal
    to an integer to 470 digits is accepted as that integer only if SymPy proves the difference
    zero."""
    floats = arg.atoms(sp.Float)
    nearest = None
    for dps in _ROUND_DPS:
        exact = arg.xreplace({f: sp.Float(f, dps + 20) for f in floats}) if floats else arg
        v = exact.evalf(dps)
        if not v.is_Float:
            return None  # complex, infinite or not evaluable: leave it to SymPy
        m = mpmath.mpf(v._mpf_)
        nearest = int(mpmath.nint(m))
        if abs(m - nearest) > mpmath.mpf(10) ** (10 - dps) * max(1, abs(m)):
            return sp.Integer(int(mpmath.ceil(m)) if up else int(mpmath.floor(m)))
    if nearest is not None and (arg - nearest).equals(0):
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
    """``expr.xreplace(mapping)`` where the ceilings and floors that become numbers are decided by
    :func:`_integer_part` instead of SymPy's ``get_integer_part`` (wrong by one within about 1e-10
    above an integer, sympy/sympy#26368).  Ceilings and floors that stay symbolic are SymPy's own."""
    if not expr.has(sp.ceiling, sp.floor):
        return expr.xreplace(mapping)
    robust = expr.replace(lambda e: type(e) in _ROBUST,
                          lambda e: _ROBUST[type(e)](*e.args, evaluate=False))
    out = robust.xreplace(mapping)
    return out.replace(lambda e: type(e) in _PLAIN, lambda e: _PLAIN[type(e)](*e.args))
