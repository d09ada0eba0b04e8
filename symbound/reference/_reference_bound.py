r"""The Bound of a result from the literature: a :class:`~symbound.bounds.Bound` that also says
which relation it states and refuses to be evaluated outside its regime.

symbound's own bounds are all upper bounds ``lhs <= expr`` on a generalization gap.  Results from
the literature are sometimes exact values (an expected gap, ``lhs = expr``) or lower bounds on an
error (``lhs >= expr``).  :class:`ReferenceBound` carries that relation in ``relation`` and prints
it; an exact value is also a valid upper bound, so ``relation="="`` objects may be used wherever a
Bound is, while ``relation=">="`` objects are lower bounds and must not be read as upper bounds.
:func:`symbound.compare` reads ``relation``: its ratio and sample-size columns compare upper bounds
on a generalization gap, so an ``"="`` or ``">="`` row shows its value and rate only, with the
relation in its kind cell, and a bound with ``probability=None`` is marked "in expectation".

Every SymPy relational in ``regime`` (e.g. ``n > d + 1``) is checked whenever values are
substituted: a regime that becomes false raises :class:`~symbound.errors.InvalidValueError` naming
it, and the substituted regime travels with the substituted bound.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Mapping

import sympy as sp

from .._validation import brief
from ..bounds._bound import Bound
from ..errors import InvalidValueError
from ..functions import latex_of

__all__ = ["ReferenceBound", "RELATIONS"]

#: relation between ``lhs`` and ``expr``: an upper bound, an exact value, a lower bound
RELATIONS = ("<=", "=", ">=")

_LATEX_OP = {"<=": r"\le", "=": "=", ">=": r"\ge"}


@dataclass(frozen=True, repr=False)
class ReferenceBound(Bound):
    r"""A result from the literature as a :class:`~symbound.bounds.Bound`, with its relation.

    Parameters
    ----------
    relation : ``"<="`` (upper bound, as every symbound bound), ``"="`` (exact value; also an
        upper bound) or ``">="`` (lower bound).
    All other parameters are those of :class:`~symbound.bounds.Bound`; SymPy relationals in
    ``regime`` are enforced by :meth:`subs` and :meth:`evaluate`.

    Examples
    --------
    >>> import sympy as sp
    >>> from symbound.symbols import symbol
    >>> n = symbol("n")
    >>> b = ReferenceBound(1 / (n - 5), lhs="g(n)", relation="=", regime=(n > 5,), probability=None)
    >>> b.evaluate(n=7)
    0.5
    >>> b.latex()
    'g(n) = \\frac{1}{n - 5}'
    """

    relation: str = "<="

    def __post_init__(self):
        super().__post_init__()
        if self.relation not in RELATIONS:
            raise InvalidValueError(f"relation must be one of {RELATIONS}, got {brief(self.relation)}")

    @property
    def is_upper_bound(self) -> bool:
        """Whether ``lhs <= expr`` holds (true for upper bounds and exact values)."""
        return self.relation in ("<=", "=")

    # ----- regime ------------------------------------------------------------------------------
    def subs(self, values: Mapping[Any, Any] | None = None, **kw) -> "ReferenceBound":
        """As :meth:`Bound.subs`, after checking that no relational of ``regime`` becomes false."""
        vals = dict(values or {})
        vals.update(kw)
        mapping, _ = self._symbols_map(vals)
        regime = []
        for cond in self.regime:
            if isinstance(cond, sp.Basic) and isinstance(cond, sp.core.relational.Relational):
                new = cond.xreplace(mapping)
                if new is sp.false:
                    given = ", ".join(f"{k.name}={v}" for k, v in mapping.items()
                                      if k in cond.free_symbols)
                    raise InvalidValueError(
                        f"{self.name} holds only for {cond}; got {given}")
                regime.append(new)
            else:
                regime.append(cond)
        out = super().subs(vals)
        return replace(out, regime=tuple(c for c in regime if c is not sp.true))

    # ----- display -----------------------------------------------------------------------------
    def latex(self, form: str = "paper") -> str:
        """LaTeX of the statement with its relation (``\\le``, ``=`` or ``\\ge``)."""
        if form not in ("paper", "formula"):
            raise InvalidValueError(f"form must be 'paper' or 'formula', got {brief(form)}")
        rhs = self.expr if form == "paper" else self.formula()
        op = _LATEX_OP[self.relation]
        if self.kind == "asymptotic" and self.relation == "<=":
            op = r"\lesssim"
        return f"{self.lhs} {op} {latex_of(rhs)}"

    def __str__(self) -> str:
        return f"{self.name}: {self.lhs} {self.relation} {self.expr}   [{self.kind}; {self.reference}]"

    def describe(self) -> str:
        """Plain-text description: statement and relation, reference, assumptions, regime, notes."""
        what = {"<=": "upper bound", "=": "exact value", ">=": "lower bound"}[self.relation]
        lines = [f"{self.name} ({self.kind} {what})", f"  {self.lhs} {self.relation} {self.formula()}"]
        if self.probability:
            lines.append(f"  with probability at least {self.probability}")
        lines.append(f"  reference: {self.reference}")
        lines += [f"  assumption: {a}" for a in self.assumptions]
        lines += [f"  regime: {r}" for r in self.regime]
        lines += [f"  note: {nt}" for nt in self.notes]
        return "\n".join(lines)
