"""The canonical symbols of THEORY.md section 0, with their SymPy assumptions and LaTeX names.

Symbols are obtained by name only (``symbol("delta")``); no free text is ever parsed, so there is
no ``sympify``/``eval`` of user strings anywhere in symbound.  The same name always returns the same
SymPy object, so expressions built by different parts of the library combine.

Examples
--------
>>> from symbound.symbols import symbol
>>> symbol("delta").is_positive
True
>>> symbol("n").is_integer
True
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ._validation import brief
from .errors import InvalidValueError

__all__ = ["symbol", "symbols", "SYMBOLS", "SymbolInfo", "glossary"]


@dataclass(frozen=True)
class SymbolInfo:
    """A canonical symbol: its SymPy object, LaTeX name and meaning (THEORY.md section 0)."""

    name: str
    latex: str
    meaning: str
    assumptions: tuple[str, ...]
    symbol: sp.Symbol


def _make(name: str, latex: str, meaning: str, **assumptions) -> SymbolInfo:
    # SymPy keeps assumptions per (name, assumptions) pair; the LaTeX name is carried by the
    # symbol's name itself only where SymPy would print it well, otherwise by the printer hook below.
    sym = sp.Symbol(name, **assumptions)
    return SymbolInfo(name, latex, meaning, tuple(sorted(k for k, v in assumptions.items() if v)), sym)


_TABLE = [
    _make("n", r"n", "sample size", positive=True, integer=True),
    _make("delta", r"\delta", "confidence level, in (0, 1)", positive=True),
    _make("eps", r"\varepsilon", "resolution (covering radius)", positive=True),
    _make("u", r"u", "scale of a function-class cover", positive=True),
    _make("alpha", r"\alpha", "lower limit of the entropy integral", positive=True),
    _make("L", r"L", "Lipschitz constant of hypotheses", positive=True),
    _make("L_l", r"L_{\ell}", "Lipschitz constant of the loss in the prediction", positive=True),
    _make("M", r"M", "bound of the loss, loss in [0, M]", positive=True),
    _make("B", r"B", "bound of the hypotheses, values in [-B, B]", positive=True),
    _make("C", r"C", "number of label cells (classes)", positive=True, integer=True),
    _make("eta", r"\eta", "model equivariance error", nonnegative=True, real=True),
    _make("eta_m", r"\eta_{m}", "model equivariance error", nonnegative=True, real=True),
    _make("eta_d", r"\eta_{d}", "data equivariance error", nonnegative=True, real=True),
    _make("d", r"d", "dimension of the input space", positive=True, integer=True),
    _make("d_0", r"d_{0}", "dimension of the quotient space", positive=True),
    _make("G_order", r"|G|", "order of a finite transformation set", positive=True, integer=True),
    _make("R", r"R", "radius", positive=True),
    _make("V", r"V", "volume", positive=True),
    _make("V_0", r"V_{0}", "constant of a power-law covering number N = V_0 r^{-d_0}", positive=True),
    _make("theta", r"\theta", "size of a partial transformation set (maximal angle)", nonnegative=True, real=True),
    _make("lam", r"\lambda", "symmetry-breaking rate of the data", nonnegative=True, real=True),
    _make("m", r"m", "number of resolutions in the union-bound grid", positive=True, integer=True),
    _make("K", r"K", "number of cells of a partition", positive=True, integer=True),
]

SYMBOLS: dict[str, SymbolInfo] = {info.name: info for info in _TABLE}
_LATEX_BY_SYMBOL = {info.symbol: info.latex for info in _TABLE}


def symbol(name: str) -> sp.Symbol:
    """Return the canonical SymPy symbol called ``name`` (THEORY.md section 0).

    Raises
    ------
    InvalidValueError  if ``name`` is not one of the canonical names.
    """
    try:
        return SYMBOLS[name].symbol
    except (KeyError, TypeError):
        raise InvalidValueError(
            f"name must be one of the canonical symbols {sorted(SYMBOLS)}, got {brief(name)}"
        ) from None


def symbols(*names: str) -> tuple[sp.Symbol, ...]:
    """Several canonical symbols at once: ``n, delta = symbols("n", "delta")``."""
    return tuple(symbol(nm) for nm in names)


def latex_name(sym: sp.Symbol) -> str | None:
    """LaTeX name of a canonical symbol, or ``None`` for any other symbol."""
    return _LATEX_BY_SYMBOL.get(sym)


def symbol_names() -> dict[sp.Symbol, str]:
    """Mapping symbol -> LaTeX name, for ``sympy.latex(..., symbol_names=...)``."""
    return dict(_LATEX_BY_SYMBOL)


def glossary(syms=None) -> list[SymbolInfo]:
    """The glossary entries of the canonical symbols in ``syms`` (all when ``None``), in table order."""
    if syms is None:
        return list(_TABLE)
    wanted = set(syms)
    return [info for info in _TABLE if info.symbol in wanted]
