"""The record every covering-number computation returns (THEORY.md section 1).

A :class:`CoveringBound` carries the value of a covering number as a SymPy expression (a number when
``eps`` is numeric, an expression when ``eps`` is a symbol), its logarithm computed in log form (so a
count such as ``3**500`` never overflows), whether it is a certified ``"upper"`` or ``"lower"`` bound,
an ``"exact"`` value, or an ``"asymptotic"`` form, which argument produced it, where it comes from,
and the regime in which it holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from ._validation import check_choice
from .errors import InvalidValueError

__all__ = ["CoveringBound", "KINDS", "check_kind"]

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
        return f"$\\displaystyle {sp.latex(self.expr)}$"
