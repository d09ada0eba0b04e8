"""Result objects of the trade-off calculator: the optimal level, the threshold sample size."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from ...functions import latex_of
from ...symbols import symbol

__all__ = ["LevelOptimum", "Threshold", "REGIMES", "WHICH"]

#: the regimes of the optimal level (defined in :meth:`TradeOff.optimal_model_equivariance`)
REGIMES = ("full", "match", "interior", "none")
#: the constant c of the approximation sandwich: c (eta_d - eta)_+ (THEORY §5)
WHICH = {"upper": sp.Integer(1), "lower": sp.Rational(1, 2)}


def _fmt(v) -> str:
    return "-" if v is None else f"{v:.6g}"


@dataclass(frozen=True, repr=False)
class LevelOptimum:
    """The optimal model equivariance level (see :meth:`TradeOff.optimal_model_equivariance`).

    Attributes
    ----------
    value : the optimal level eta* (None in the regime "none").
    regime : "full" (eta* = 0), "match" (eta* = eta_d), "interior" (0 < eta* < eta_d) or "none"
        (every level's bound is vacuous: ``E >= M``).
    total_error : ``E(eta*)``, the certified bound on the excess risk at the optimum (with
        ``which="upper"``); the smallest value of the curve even in the regime "none".
    closed_form : SymPy expression of eta* (in the symbol eta_d where it enters), or None.
    path : "analytic" (the closed form gives the optimum and the numeric check confirms it) or
        "numeric".
    driver : which covering gives ``Gen(eta*)``: "quotient covering N_S" or "plain covering N(X)".
    approximation, generalization : ``c (eta_d - eta*)_+`` (the sup-norm approximation term before
        the factor L_l) and ``Gen(eta*)``.
    endpoints : ``{"full": E(0), "match": E(eta_d)}``.
    decision : ``{"gain": 2 (Gen(eta_d) - Gen(0)), "cost": c L_l eta_d}``: full symmetry beats
        matching iff gain >= cost.
    check : the numeric check on the curve (points scanned, minimum found, whether the first search
        already found it, whether Gen was nondecreasing in eta).
    which : "upper" or "lower" end of the approximation sandwich.
    """

    value: float | None
    regime: str
    total_error: float
    closed_form: sp.Expr | None
    path: str
    driver: str
    approximation: float
    generalization: float
    endpoints: dict
    decision: dict
    check: dict
    which: str
    notes: tuple[str, ...] = ()

    def describe(self) -> str:
        lines = [f"optimal model equivariance level: {_fmt(self.value)} (regime {self.regime!r}, "
                 f"{self.path} path, {self.which} end of the sandwich)",
                 f"  total error bound E(eta*) = {self.total_error:.6g}"
                 f" = L_l x {self.approximation:.6g} + 2 x {self.generalization:.6g}",
                 f"  end points: E(0) = {self.endpoints['full']:.6g}, E(eta_d) = "
                 f"{self.endpoints['match']:.6g}",
                 f"  decision: 2 (Gen(eta_d) - Gen(0)) = {self.decision['gain']:.6g} vs c L_l eta_d = "
                 f"{self.decision['cost']:.6g}",
                 f"  Gen(eta*) from the {self.driver}"]
        if self.closed_form is not None:
            lines.append(f"  closed form: eta* = {self.closed_form}")
        ck = self.check
        lines.append(f"  check: {ck['points']} levels evaluated, minimum {ck['minimum']:.6g}; "
                     f"first search {'confirmed' if ck['passed'] else 'corrected by the check scan'}; "
                     f"Gen {'nondecreasing' if ck['gen_monotone'] else 'NOT monotone'} in eta")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _repr_latex_(self) -> str:
        eta = latex_of(symbol("eta"))
        val = latex_of(self.closed_form) if self.closed_form is not None else (
            "-" if self.value is None else f"{self.value:.6g}")
        return (f"$\\displaystyle {eta}^* = {val}\\quad(\\text{{{self.regime}}}),\\qquad "
                f"\\mathcal{{E}}({eta}^*) = {self.total_error:.6g}$")

    def __repr__(self) -> str:
        return (f"LevelOptimum(value={_fmt(self.value)}, regime={self.regime!r}, total_error="
                f"{self.total_error:.6g}, path={self.path!r}, driver={self.driver!r})")


@dataclass(frozen=True, repr=False)
class Threshold:
    """The sample size from which matching the data's level beats full symmetry
    (see :meth:`TradeOff.threshold_n`).

    Attributes
    ----------
    status : "finite" (a threshold n* > 1), "always" (matching wins at every n >= 1), "never"
        (eta_d = 0: matching *is* full symmetry) or "symbolic" (only the closed form, for a symbolic
        eta_d).
    value : n* (certified: matching beats full symmetry at every n >= value), or None.
    bracket : (lo, hi) with hi = value; ``lower_certified`` says whether full symmetry is certified
        to win (or tie) at lo, so that n* > lo.
    closed_form : SymPy expression of the leading-order threshold for power-law coverings, or None;
        ``closed_form_value`` its number, ``closed_form_kind`` how it was obtained.
    path : "numeric" (certified bracket) — the closed form is reported beside it, never instead;
        "analytic" only with a symbolic eta_d, where the closed form is the whole answer.
    monotone : whether ``E(eta_d) - E(0)`` changed sign at most once on the scanned grid of n.
    scan : the grid of n and the differences ``E(eta_d) - E(0)`` there.
    certified : False when the interval certificates could not be completed (then ``value`` is the
        last crossing of the point values only; the notes say why).
    """

    status: str
    value: int | None
    bracket: tuple[int, int] | None
    lower_certified: bool
    closed_form: sp.Expr | None
    closed_form_value: float | None
    closed_form_kind: str
    path: str
    monotone: bool
    scan: dict = field(default_factory=dict)
    which: str = "upper"
    notes: tuple[str, ...] = ()
    certified: bool = True

    def describe(self) -> str:
        lines = [f"threshold sample size: {self.status}"
                 + ("" if self.value is None else f", n* = {self.value}")
                 + ("" if self.certified else " (NOT certified)")
                 + ("" if self.bracket is None else f" (bracket {self.bracket}, lower end "
                    f"{'certified' if self.lower_certified else 'not certified'})")]
        if self.closed_form is not None:
            cv = "" if self.closed_form_value is None else f" = {self.closed_form_value:.6g}"
            lines.append(f"  closed form ({self.closed_form_kind}): n* ~ {self.closed_form}{cv}")
        else:
            lines.append(f"  no closed form: {self.closed_form_kind}")
        lines.append(f"  E(eta_d) - E(0) changed sign {'at most once' if self.monotone else 'more than once'} "
                     "on the scanned grid of n")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _repr_latex_(self) -> str:
        s = r"n^* = " + ("-" if self.value is None else latex_of(sp.Integer(self.value)))
        if self.closed_form is not None:
            s += r",\qquad n^*_{\mathrm{closed\ form}} = " + latex_of(self.closed_form)
        return f"$\\displaystyle {s}$"

    def __repr__(self) -> str:
        return (f"Threshold(status={self.status!r}, value={self.value}, bracket={self.bracket}, "
                f"closed_form_value={_fmt(self.closed_form_value)})")


def as_result_value(v: Any) -> Any:
    return None if v is None else float(v)
