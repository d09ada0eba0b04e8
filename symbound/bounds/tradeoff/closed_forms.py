r"""Closed forms of the trade-off (THEORY §5) for the two generalization bounds of THEORY §4.

Notation: ``G_S(eta)`` is the bound of the eta-approximately S-invariant class through ``N_S``,
``G_N`` the plain bound through ``N(X)``, ``c`` the constant of the sandwich (1 for the upper end,
1/2 for the lower end) and ``E(eta) = c L_l (eta_d - eta)_+ + 2 Gen(eta)``.  Every closed form is
checked against the numeric curve by the calculator before it is reported (and by the tests).
Proofs: docs/theory/tradeoff.md ("The partition bound: the end-point rule", "The threshold sample
size", "The entropy-integral bound: candidates").

* **(C1) Partition bound: the end-point rule (any covering).**  For ``eta > 0``,
  ``Gen(eta) = min(G_S(0) + 2 L_l eta, G_N)``, so E is concave on ``(0, eta_d]`` and

  .. math:: \eta^* = 0 \iff 2\,(G_N - G_S(0)) \ge c\,L_\ell\,\eta_d, \qquad \eta^* = \eta_d
            \text{ otherwise}

  (ties go to full symmetry).
* **(C2) Partition bound, power laws: the threshold sample size.**  With ``N(X, r) = V r^{-d}``,
  the bound at its surrogate optimum is ``kappa n^{-1/(d+2)} (1 + O(n^{-d/(d+2)}))``,
  ``kappa = (1 + 2/d) A (d D_1 / (2A))^{2/(d+2)}``, ``A = 2 L_l L``, ``D_1 = M sqrt(2 C V ln 2)``;
  the leading-order threshold solves ``kappa_N y^{d_0+2} - kappa_S y^{d+2} = c L_l eta_d / 2``,
  ``y = n^{-1/((d+2)(d_0+2))}`` (its smallest positive root), and is
  ``(2 (kappa_N - kappa_S) / (c L_l eta_d))^{d+2}`` for ``d_0 = d``.
* **(C3) Entropy-integral bound, power laws: stationary points.**  Every optimal alpha or
  stationary level solves ``u^{-k} ln(4B/u) = T``, i.e.

  .. math:: u = 4B\Big(\frac{W(z)}{z}\Big)^{1/k},\qquad z = k (4B)^k T\quad(\text{Lambert } W);

  the candidates for the minimiser of E are ``{0, eta_d}`` and ``u/4`` for ``u`` among the optimal
  alpha of the count modulo S above ``4 eta`` (``K_S'^2 alpha^{-d_0} ln(4B/alpha) = n/9``, with
  ``K_S'^2 = V_0 (4L)^{d_0}``), the kink where ``4 eta`` crosses it
  (``ln N_S'(u) = (n/9)(1 - c/64)^2``), the chaining stationary point (``d = d_0``:
  ``u^{-d} ln(4B/u) = (c sqrt(n) / (192 (K_N - K_S')))^2``), the optimal alpha of the plain count
  and ``B``.  :func:`symbound.bounds.generalization_bound` takes the smaller count at every scale,
  so the derivation holds where ``4 eta`` is below the crossover of the two power laws, and E is
  constant in eta beyond; the candidates are candidates only, claimed as the closed form when the
  best of them is the minimum of the calculator's scans.
"""

from __future__ import annotations

import math
from typing import Any

import mpmath
import sympy as sp

from .._bound import _can_time_limit, _time_budget

__all__ = ["partition_rule", "partition_kappa", "partition_threshold", "lambert_root",
           "dudley_candidates", "SOLVE_BUDGET"]

#: seconds SymPy may spend on one closed form before the numeric path takes over
SOLVE_BUDGET = 3.0


def _budgeted(fn, *args, seconds: float = SOLVE_BUDGET):
    """``fn(*args)`` under a SIGALRM time budget; None on timeout or when SymPy gives up."""
    if not _can_time_limit():
        return None
    try:
        with _time_budget(seconds):
            return fn(*args)
    except (TimeoutError, NotImplementedError, ValueError, TypeError, RecursionError):
        return None


def partition_rule(gen_plain: sp.Expr, gen_sym0: sp.Expr, c: sp.Expr, loss_lipschitz: sp.Expr,
                   eta_d: sp.Expr) -> sp.Expr:
    r"""(C1): ``eta* = 0`` if ``2 (G_N - G_S(0)) >= c L_l eta_d``, else ``eta_d``.

    Examples
    --------
    >>> import sympy as sp
    >>> partition_rule(sp.Rational(3, 10), sp.Rational(1, 10), 1, 1, sp.Rational(1, 4))  # 2/5 >= 1/4
    0
    >>> partition_rule(sp.Rational(3, 10), sp.Rational(1, 10), 1, 1, sp.Rational(1, 2))  # 2/5 < 1/2
    1/2
    """
    return sp.Piecewise((sp.Integer(0), 2 * (gen_plain - gen_sym0) >= c * loss_lipschitz * eta_d),
                        (eta_d, True))


def partition_kappa(V: Any, d: Any, *, classes: Any, loss_lipschitz: Any, lipschitz: Any,
                    loss_bound: Any) -> sp.Expr:
    r"""(C2): leading constant ``kappa`` of the partition bound ``P(n) ~ kappa n^{-1/(d+2)}`` for
    ``N(X, r) = V r^{-d}`` and ``C`` label cells.

    Examples
    --------
    >>> import sympy as sp
    >>> k = partition_kappa(1, 2, classes=2, loss_lipschitz=1, lipschitz=1, loss_bound=1)
    >>> round(float(k), 6)  # (1 + 2/2) * 2 * (2 sqrt(4 ln 2) / 4)^(1/2)
    3.649777
    """
    V, d, C, Ll, L, M = (sp.sympify(v) for v in (V, d, classes, loss_lipschitz, lipschitz, loss_bound))
    A = 2 * Ll * L
    D1 = M * sp.sqrt(2 * C * V * sp.log(2))
    return (1 + 2 / d) * A * (d * D1 / (2 * A)) ** (2 / (d + 2))


def partition_threshold(kappa_plain: sp.Expr, d: sp.Expr, kappa_sym: sp.Expr, d0: sp.Expr,
                        c: sp.Expr, loss_lipschitz: sp.Expr, eta_d: sp.Expr
                        ) -> tuple[sp.Expr | None, str]:
    r"""(C2): the leading-order threshold n* solving
    ``2 (kappa_N n^{-1/(d+2)} - kappa_S n^{-1/(d0+2)}) = c L_l eta_d`` (largest root).

    Returns ``(expression, how)``; the expression is None when SymPy cannot give it within the
    budget, when the exponents are not rational, or when no positive root exists (``how`` says
    which).  For numeric input the root is a SymPy algebraic number (radicals or ``CRootOf``),
    checked by substitution.

    Examples
    --------
    >>> import sympy as sp
    >>> n_star, how = partition_threshold(3, 2, 1, 2, 1, 1, sp.Rational(1, 10))
    >>> n_star  # (2 (3 - 1) / (1/10))^4
    2560000
    """
    d, d0 = sp.nsimplify(d), sp.nsimplify(d0)
    kN, kS, c, Ll = (sp.sympify(v) for v in (kappa_plain, kappa_sym, c, loss_lipschitz))
    t = c * Ll * sp.sympify(eta_d) / 2
    if not (d.is_Rational and d0.is_Rational):
        return None, "exponents are not rational numbers"
    if d == d0:
        diff = sp.nsimplify(kN - kS) if (kN - kS).is_number else kN - kS
        if diff.is_number and diff <= 0:
            return None, "kappa_N <= kappa_S: at leading order the symmetry gives no gain"
        return (diff / t) ** (d + 2), "leading order (d0 = d): (kappa_N - kappa_S)/(c L_l eta_d / 2) to the power d + 2"
    if t.free_symbols:
        if d0 < d:
            return (2 * kN / (c * Ll * eta_d)) ** (d + 2), "leading order as eta_d -> 0 (the quotient term is of lower order)"
        return None, "symbolic eta_d with d0 > d"
    q = sp.lcm(sp.denom(d + 2), sp.denom(d0 + 2))
    pa, pb = (d0 + 2) * q, (d + 2) * q  # exponents of y in n^{-1/(d+2)} and n^{-1/(d0+2)}
    expo = (d + 2) * (d0 + 2) * q  # n = y^{-expo}
    y = sp.Symbol("y", positive=True)
    kNr, kSr, tr = (sp.nsimplify(sp.N(v, 30), rational=True) for v in (kN, kS, t))
    poly = sp.Poly(kNr * y ** int(pa) - kSr * y ** int(pb) - tr, y)
    roots = _budgeted(sp.real_roots, poly)
    if roots is None:
        return None, "SymPy found no roots within the time budget"
    pos = [r for r in roots if sp.N(r, 30) > 0]
    if not pos:
        return None, "no positive root: the leading-order gain never reaches c L_l eta_d / 2"
    r0 = min(pos, key=lambda r: sp.N(r, 30))
    # check SymPy's answer numerically
    with mpmath.workdps(40):
        rv = mpmath.mpf(str(sp.N(r0, 40)))
        res = float(kNr) * rv ** int(pa) - float(kSr) * rv ** int(pb) - float(tr)
    if abs(res) > 1e-10 * float(tr):
        return None, "SymPy's root failed the numeric check"
    return r0 ** (-expo), "leading order (confidence terms dropped): smallest positive root y of " \
                          "kappa_N y^(d0+2) - kappa_S y^(d+2) = c L_l eta_d / 2, n = y^-((d+2)(d0+2))"


def lambert_root(T: Any, k: Any, bound: Any) -> sp.Expr:
    r"""(C3): the solution ``u = 4B (W(z)/z)^{1/k}``, ``z = k (4B)^k T``, of
    ``u^{-k} ln(4B/u) = T`` (T > 0).

    Examples
    --------
    >>> import mpmath
    >>> u = float(lambert_root(1000, 3, 1))
    >>> abs(u**-3 * mpmath.log(4 / u) - 1000) < 1e-9
    True
    """
    T, k, B = (sp.sympify(v) for v in (T, k, bound))
    z = k * (4 * B) ** k * T
    return 4 * B * (sp.LambertW(z) / z) ** (1 / k)


def dudley_candidates(*, V0: Any, d0: Any, V: Any, d: Any, lipschitz: Any, bound: Any, n: Any,
                      c: Any) -> dict[str, sp.Expr]:
    r"""(C3): candidate minimisers ``eta`` of E for the power-law entropy-integral bound (the module
    docstring gives each); names -> SymPy expressions (levels, not scales).  Candidates whose
    defining equation has no positive solution are left out.

    Examples
    --------
    >>> cands = dudley_candidates(V0=1, d0=1, V=1, d=2, lipschitz=1, bound=1, n=10**6, c=1)
    >>> sorted(cands)
    ['alpha_N', 'alpha_S', 'bound', 'kink']
    """
    V0, d0, V, d, L, B, n, c = (sp.sympify(v) for v in (V0, d0, V, d, lipschitz, bound, n, c))
    KS2 = V0 * (4 * L) ** d0  # constant of ln N above 4 eta (radius u/(4L))
    KN2 = V * (2 * L) ** d
    out = {
        "alpha_S": lambert_root(n / (9 * KS2), d0, B) / 4,
        "kink": lambert_root(n * (1 - c / 64) ** 2 / (9 * KS2), d0, B) / 4,
        "alpha_N": lambert_root(n / (9 * KN2), d, B) / 4,
        "bound": B / 4,
    }
    dK = sp.sqrt(KN2) - sp.sqrt(KS2)
    if d == d0 and dK.is_positive:
        out["chaining"] = lambert_root((c * sp.sqrt(n) / (192 * dK)) ** 2, d, B) / 4
    return {k: sp.Min(v, B / 4) for k, v in out.items()}


def as_float(expr: sp.Expr) -> float:
    """A closed SymPy number as a float (40 digits, then rounded)."""
    v = sp.N(expr, 40)
    return float(v) if v.is_real else math.nan
