r"""What every (space, transformation set) case shares: the case interface, how candidate bounds are
combined, and the two general facts of THEORY.md §2.

.. math::

    N_S(X, \varepsilon) \le N(X, \varepsilon), \qquad
    N(X, \varepsilon) \le |S^+|\, N_S(X, \varepsilon) \quad (S \text{ finite}, S(X) \subseteq X).

The first is the *trivial upper bound* (an eps-cover is an (eps, S)-cover); the second gives the
certified lower bound ``N_lower(X, eps) / |S+|`` (if C is an (eps, S)-cover, ``{s(c)}`` is an
eps-cover of size at most ``|S+| |C|`` with centres in X).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import sympy as sp

from .._covering import KINDS, CoveringBound
from ..groups import Symmetric, TransformationSetBase
from ..spaces import Space, _exact

__all__: list[str] = []

REF = "THEORY.md §2"
ASYM = "asymptotic as eps -> 0"
FREE = ("the group acts freely off a null set and eps is small against the distance between "
        "points of an orbit (THEORY.md §2: N(X/G) ~ N(X)/|G|)")
#: the method text of the trivial upper bound; QuotientSpace warns when nothing better applies
TRIVIAL = "trivial: N_S <= N"


def is_numeric(*xs: Any) -> bool:
    return all(not sp.sympify(x).free_symbols for x in xs)


def fraction(x: sp.Expr, side: str = "near") -> Fraction:
    """An exact rational of a numeric SymPy value: the value itself when it is rational (a Float:
    its binary value); for an irrational value (``sqrt(2)``, ``pi/3``) a rational within a relative
    ``1e-35`` of it, on the requested ``side``: ``"above"`` (an upper bound), ``"below"`` (a lower
    bound) or ``"near"`` (either).  Covers built from a radius rounded up and an eps rounded down
    remain covers, so the certified constructions use the directed versions."""
    q = _exact(sp.sympify(x))
    if q.is_Rational:
        return Fraction(int(q.p), int(q.q))
    r = sp.Rational(sp.N(q, 45))  # 45 correct digits (SymPy's evalf is adaptive)
    f = Fraction(int(r.p), int(r.q))
    pad = abs(f) / 10**35
    return f + pad if side == "above" else f - pad if side == "below" else f


def record(expr, log_expr, kind, method, reference=REF, regime=()) -> CoveringBound:
    return CoveringBound(expr=sp.sympify(expr), log_expr=sp.sympify(log_expr), kind=kind,
                         method=method, reference=reference, regime=tuple(regime))


def merge_regimes(*regimes) -> tuple[str, ...]:
    out: list[str] = []
    for reg in regimes:
        out += [r for r in reg if r not in out]
    return tuple(out)


def best(cands: list[tuple], kind: str, evaluate: bool = True) -> CoveringBound:
    """Combine certified candidates ``(expr, log_expr, method, reference, regime)``.

    ``kind="upper"``: the smallest; ``kind="lower"``: the largest (and at least 1).  Numeric values
    pick one candidate and name it; symbolic values give ``Min``/``Max`` (unevaluated with
    ``evaluate=False``: SymPy's comparisons of large expressions can take seconds).
    """
    if kind == "lower":
        cands = cands + [(sp.Integer(1), sp.Integer(0), "trivial (N >= 1)", REF, ())]
    if all(is_numeric(c[1]) for c in cands):
        key = lambda c: float(sp.N(c[1], 30))  # noqa: E731
        chosen = min(cands, key=key) if kind == "upper" else max(cands, key=key)
        return record(chosen[0], chosen[1], kind, chosen[2], chosen[3], chosen[4])
    if kind == "lower":
        cands = cands[:-1]
    if len(cands) == 1:
        c = cands[0]
        return record(c[0], c[1], kind, c[2], c[3], c[4])
    op = sp.Min if kind == "upper" else sp.Max
    refs: list[str] = []
    for c in cands:
        if c[3] not in refs:
            refs.append(c[3])
    return record(op(*[c[0] for c in cands], evaluate=evaluate),
                  op(*[c[1] for c in cands], evaluate=evaluate), kind,
                  ("min(" if kind == "upper" else "max(") + "; ".join(c[2] for c in cands) + ")",
                  "; ".join(refs), merge_regimes(*[c[4] for c in cands]))


def log_factorial(n: int) -> sp.Expr:
    return sp.loggamma(sp.Integer(n) + 1)


def order_plus(group: TransformationSetBase) -> tuple[sp.Expr, sp.Expr]:
    """|S+| and its logarithm (``n!`` of a symmetric group in log form)."""
    if isinstance(group, Symmetric):
        return sp.factorial(sp.Integer(group.n)), log_factorial(group.n)
    q = sp.Integer(group.order_plus)
    return q, sp.log(q)


class Case:
    """One (space, transformation set) situation: what the quotient is and how to bound N_S.

    Subclasses define ``upper``, ``lower`` and/or ``asymptotic`` (each ``eps -> CoveringBound``)
    for the kinds they list in ``kinds``; ``dim`` is the dimension ``d_0`` of the quotient (the
    exponent of ``eps^{-d_0}``) and ``volume`` its ``d_0``-dimensional volume, where known.
    """

    kinds: tuple[str, ...] = KINDS
    description: str = ""
    #: whether the case bounds ``N_S`` of ``space`` itself (False when the quotient is of a space
    #: built from it, such as the configurations ``B^n`` of n points of ``space``)
    bounds_space: bool = True

    def __init__(self, space: Space, group: TransformationSetBase):
        self.space, self.group = space, group

    @property
    def dim(self) -> int | None:
        return None

    @property
    def volume(self) -> sp.Expr | None:
        return None

    def trivial_parts(self) -> list[str]:
        """Names of the parts of the quotient (factors of a product) for which only ``N_S <= N``
        is known: no symmetry gain comes from them."""
        return []

    def covering(self, e: sp.Expr, kind: str) -> CoveringBound:
        """The case's bound of the requested kind; a numeric upper bound is never above the
        space's own certified ``N(X, eps)`` (``N_S <= N``: an eps-cover of X is an (eps, S)-cover,
        as S+ contains the identity), so the smaller of the two is returned."""
        b = getattr(self, kind)(e)
        if kind != "upper" or b.kind == "exact" or not self.bounds_space or not is_numeric(e) \
                or b.method.startswith(TRIVIAL):
            return b
        return best([(b.expr, b.log_expr, b.method, b.reference, b.regime), self.trivial_upper(e)],
                    "upper")

    # the general facts of THEORY.md §2, shared by the cases -----------------------------------
    def trivial_upper(self, e):
        """``N_S <= N(X)`` as a candidate ``(expr, log_expr, method, reference, regime)``."""
        b = self.space.covering(e, "upper")
        return (b.expr, b.log_expr, f"{TRIVIAL} [{b.method}]", REF + "; " + b.reference, b.regime)

    def finite_lower(self, e):
        """``N_lower(X) / |S+|`` as a candidate (finite S mapping X into X)."""
        b = self.space.covering(e, "lower")
        q, lq = order_plus(self.group)
        return (b.expr / q, b.log_expr - lq, f"|S+| argument: N(X)/|S+| [{b.method}]",
                REF + "; " + b.reference, b.regime)

    def finite_asymptotic(self, e):
        """``N(X)/|G|`` (a finite group acting freely off a null set)."""
        b = self.space.covering(e, "asymptotic")
        q, lq = order_plus(self.group)
        return record(b.expr / q, b.log_expr - lq, "asymptotic", f"N(X)/|G| [{b.method}]",
                      REF + "; " + b.reference, merge_regimes(b.regime, (ASYM, FREE)))
