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
