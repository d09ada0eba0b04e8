r"""The partition (robustness) bound, THEORY §4.1; Xu & Mannor (2012), Thm 3.

Statements proved here (corrections and sharpenings of THEORY §4.1 are marked **[correction]**)
------------------------------------------------------------------------------------------------

**(P) Partition bound.**  Xu & Mannor (2012), Thm 3: if Z is partitioned into K disjoint cells
C_1..C_K *fixed before the data*, and the loss lies in [0, M], then with probability at least
``1 - delta`` over the sample s_1..s_n the event

.. math:: E:\quad \sum_{i=1}^K \Big|\frac{N_i}{n} - \mu(C_i)\Big|
          \le \sqrt{\frac{2K\ln 2 + 2\ln(1/\delta)}{n}}

holds (Bretagnolle-Huber-Carol; N_i the number of sample points in C_i), and on E, for *every*
hypothesis f,

.. math:: |R(f) - \hat R_n(f)| \le r(f) + M \sqrt{\frac{2K\ln 2 + 2\ln(1/\delta)}{n}},
          \qquad r(f) = \max_j \sup_{z \in C(s_j)} |l(f, s_j) - l(f, z)|

(write ``R(f) = sum_i E[l | C_i] mu(C_i)`` and compare with ``sum_i E[l | C_i] N_i / n``; the rest is
at most the robustness r(f)).  The event E does not depend on f: the statement holds for all
hypotheses at once, each with its own r(f).

With an (eps, S)-cover ``c_1..c_N`` of X (N = N_S(X, eps)) the cells
``{x : d(x, s c_j) <= eps for some s in S+}`` (made disjoint) times C label values give
``K = C N_S(X, eps)``.  Two points x, x' of one cell satisfy ``d(x, s c) <= eps`` and
``d(x', s' c) <= eps``, so for an L-Lipschitz f with ``sup_{x, s} |f(s x) - f(x)| <= eta``

.. math::

    |f(x) - f(x')| \le |f(x) - f(sc)| + |f(sc) - f(c)| + |f(c) - f(s'c)| + |f(s'c) - f(x')|
    \le 2 (L\varepsilon + \eta),

hence ``r = 2 L_l (L eps + eta)``.  **[correction]** THEORY's ``r`` holds only when the loss is
constant on a label cell, i.e. for *discrete* labels.  For outputs in a normed space Y, give
``output_space=Y``: the cells are cells of ``Z = X x Y`` modulo the diagonal action
``s (x, y) = (s x, rho(s) y)`` (rho isometric), ``N_S(Z, eps) <= N_S(X, eps) N(Y, eps)`` (cover Y
by y_k; for (x, y) with ``d(x, s c_j) <= eps`` pick y_k with ``|rho(s)^{-1} y - y_k| <= eps``), and
with ``|l(a, b) - l(a', b')| <= L_l (|a - a'| + |b - b'|)`` and ``l(rho a, rho b) = l(a, b)`` the
same chain gives ``r = 2 L_l ((L + 1) eps + eta)``.

**(U) What the union bound is for.**  The partition must be fixed before the data.  An eps that
depends only on n, delta and constants known in advance (the closed-form optimum, or the exact
numeric optimum of the bound for given constants) fixes the partition in advance: no union bound,
``grid_size=1`` (the default).  **[clarification]** ``ln m`` is the price of choosing eps *after*
looking at data-dependent quantities: the statement is made for every eps of a grid of m values
fixed before the data (weights delta/m, ``2 ln m`` under the root), and the optimiser then chooses
*from that grid* (:func:`symbound.bounds.optimize.resolution_grid`: m geometric values between
``R1 n^{-1/2}`` and ``R1``, R1 the radius of one ball containing X, or ``grid_range``).  Given
``grid_size=m > 1``, the optimiser always uses that grid, so the ``2 ln m`` it pays is backed.

*Measured equivariance error.*  Because E does not depend on f, a measured upper bound U of
``ee_inf`` of the trained model (a :class:`~symbound.seam.SupErrorUpperBound`, holding with
probability c) enters without a union bound over eta: on ``E ∩ {ee_inf(f) <= U}``, of probability
at least ``1 - delta - (1 - c)``, the bound holds with eta = U.  The optimal eps of the branch
through N_S does not depend on eta (eta is an additive constant ``2 L_l eta``); the optimiser
computes it with eta = 0, so it depends on constants only.

**(T) Two coverings for one class (THEORY §5).**  An eta-approximately S-invariant L-Lipschitz
class is also a plain L-Lipschitz class, for which the plain partition (N(X, eps) cells, ``r = 2
L_l L eps``) applies.  The bound returned for ``eta != 0`` is

.. math:: \min\big(B_S(\varepsilon_S), B_X(\varepsilon_X)\big),

each branch with its own resolution (``min_eps min(B_S, B_X) = min(min B_S, min B_X)``).
*Probability.*  If eta is a constant known in advance, which branch is smaller is decided before
the data, so one partition is used: probability ``1 - delta``, no union bound; the bound never
exceeds the no-symmetry bound B_X and equals it once ``2 L_l eta`` exceeds ``B_X - B_S(eta=0)``.
If eta is measured, the choice depends on the data: both partitions are fixed in advance (eps_S,
eps_X depend on constants only, see (U)), so the union bound over the 2 events (``2 ln 2`` under
the root, counted with the grid as ``2 ln(2m)``) makes ``E_S ∩ E_X`` hold with probability ``1 -
delta``; on it both branches hold for every f, hence their minimum.  The measured bound can then
exceed the no-symmetry bound at level delta by at most ``M sqrt(2 ln 2 / n)``.

**(O) Optimum.**  With ``N_S(X, r) <= V0 r^{-d0}`` and ``sqrt(a + b) <= sqrt a + sqrt b`` the bound
is at most ``A eps + D eps^{-d0/2} + const`` with ``A = 2 L_l L``, ``D = M sqrt(2 C V0 ln 2 / n)``,
minimised at

.. math:: \varepsilon^* = \left(\frac{d_0 D}{2A}\right)^{2/(d_0+2)} \propto n^{-1/(d_0+2)} ;

the bound is evaluated exactly there (a valid bound at any fixed eps).  For certified (ceiling)
counts the optimiser searches the breakpoints of the ceilings (between two breakpoints the
bound increases in eps; :mod:`symbound.bounds.optimize`).  For ``eps >= R1`` every covering model
is 1 (one ball contains X), so the bound's covering term cannot exceed its value at R1.

**(A) Limit and rate.**  For the optimised bound through a covering growing like ``r^{-d}`` (d the
exponent of the power law, or of ``N(r)`` as r -> 0):

.. math:: \inf_\varepsilon B(\varepsilon, n) = \ell + \Theta(n^{-1/(d+2)}),

with ``ell = 2 L_l eta`` through N_S and ``ell = 0`` through N(X) (upper bound: the surrogate at
eps* above; lower bound: ``B >= max(A eps, c eps^{-d/2} n^{-1/2})``, whose minimum is of the same
order).  Hence an exactly invariant class has rate ``n^{-1/(d0+2)}``; an approximately invariant
one (eta > 0) through the minimum (T) has limit 0 and the *plain* rate ``n^{-1/(d+2)}`` (the
branch through N_S tends to ``2 L_l eta > 0``); through N_S alone (``plain_covering=False``) it
tends to ``2 L_l eta`` at rate ``n^{-1/(d0+2)}``.  At a fixed eps the limit is
``2 L_l (L eps + eta)`` (or the plain branch's ``2 L_l L eps``) and the rate ``n^{-1/2}``.

References
----------
Xu, H. & Mannor, S. (2012). Robustness and generalization. Machine Learning 86(3), Thm 3.
Sokolic, J., Giryes, R., Sapiro, G. & Rodrigues, M. (2017). Generalization error of invariant
classifiers. AISTATS.
"""

from __future__ import annotations

import sympy as sp

from ..functions import SupEquivarianceError, space_symbol
from ..symbols import symbol
from .covering_models import _Cover, growth_exponent

__all__ = ["REF_PARTITION", "partition_parts"]

REF_PARTITION = ("THEORY §4.1; Xu & Mannor (2012), Robustness and generalization, Thm 3; "
                 "Sokolic et al. (2017) for the |G| gain")


def _branch(label, cover: _Cover, ycover, *, eta, eta_paper, eta_defs, C, L, Ll, M, n, delta,
            conf):
    eps = symbol("eps")
    if ycover is None:
        K_paper = C * cover.paper(eps)
        defs = cover.paper_defs(eps) if cover.paper_defs else {cover.paper(eps): cover.formula(eps)}
        L_eff = L
    else:
        K_paper = cover.paper(eps) * ycover.paper(eps)
        defs = {cover.paper(eps): cover.formula(eps), ycover.paper(eps): ycover.formula(eps)}
        L_eff = L + 1
    defs.update(eta_defs)
    root = M * sp.sqrt((2 * K_paper * sp.log(2) + conf) / n)
    expr = 2 * Ll * (L_eff * eps + eta_paper) + root
    expr_eta0 = 2 * Ll * L_eff * eps + root  # eta is additive: the optimal eps does not depend on it
    argmin, pl = None, None
    if cover.power_law is not None and (ycover is None or ycover.power_law is not None):
        V0, d0 = cover.power_law
        K_coef = C * V0
        if ycover is not None:
            K_coef, d0 = V0 * ycover.power_law[0], d0 + ycover.power_law[1]
        pl = (K_coef / C if ycover is None else K_coef, d0)
        A = 2 * Ll * L_eff
        D = M * sp.sqrt(2 * K_coef * sp.log(2) / n)
        argmin = (d0 * D / (2 * A)) ** (2 / (d0 + 2))
    d, d_how = growth_exponent(cover)
    if ycover is not None and d is not None:
        dy, how_y = growth_exponent(ycover)
        d = None if dy is None else d + dy
        d_how = f"{d_how}; Y: {how_y}"
    limit = 2 * Ll * eta
    return {"label": label, "expr": expr, "expr_eta0": expr_eta0, "definitions": defs, "argmin": argmin, "power_law": pl,
            "growth": d, "growth_how": d_how, "limit": limit, "cover": cover}


def partition_parts(*, group, cover: _Cover, plain: _Cover | None, ycover: _Cover | None, L, Ll,
                    M, eta, n, delta, C, m, union_branches: bool) -> dict:
    """The pieces of the partition bound (module docstring): its branches (through N_S, and
    through N(X) when ``plain`` is given), the confidence term with the union bound, notes."""
    eta_paper, eta_defs = eta, {}
    if group is not None and eta != 0 and not eta.free_symbols:
        # paper form: ee(f; S) in the expression, its measured or known value in the definitions
        eta_paper = SupEquivarianceError(sp.Symbol("f"), space_symbol(group.name, group.latex()))
        eta_defs = {eta_paper: eta}
    k_union = 2 if (plain is not None and union_branches) else 1
    conf = 2 * sp.log(k_union * m) + 2 * sp.log(1 / delta)
    common = dict(C=C, L=L, Ll=Ll, M=M, n=n, delta=delta, conf=conf)
    branches = [_branch("N_S" if group is not None else "N", cover, ycover, eta=eta,
                        eta_paper=eta_paper, eta_defs=eta_defs, **common)]
    if plain is not None:
        branches.append(_branch("plain", plain, ycover, eta=sp.Integer(0),
                                eta_paper=sp.Integer(0), eta_defs={}, **common))
    cells = ("C N_S(X, eps) cells (C label values, each its own cell)" if ycover is None else
             "N_S(X, eps) N(Y, eps) cells of Z = X x Y modulo the diagonal action")
    notes = [f"K = {cells}; r = 2 L_l ({'L' if ycover is None else '(L + 1)'} eps + eta)"]
    if m == 1 and k_union == 1:
        notes.append("no union bound: the resolution depends only on n, delta and constants known "
                     "in advance (grid_size=1)")
    else:
        parts = []
        if m != 1:
            parts.append(f"a grid of m = {m} resolutions fixed before the data (the optimiser "
                         "chooses from it)")
        if k_union == 2:
            parts.append("the 2 partitions (through N_S and through N(X)), since the measured eta "
                         "decides between them")
        term = "2 ln m" if k_union == 1 else "2 ln(2m)"
        notes.append("union bound over " + " and ".join(parts) + f": the {term} term (m = {m})")
    if plain is not None:
        notes.append("approximately invariant class: the smaller of the bound through N_S (eta "
                     "in the resolution term) and the plain bound through N(X) (THEORY §5, two "
                     "coverings), each at its own eps")
    notes.append(cover.description)
    regime = list(cover.regime) + (list(ycover.regime) if ycover else [])
    kind_covers = [cover] + ([ycover] if ycover is not None else [])
    kind = "certified" if all(c.kind == "certified" for c in kind_covers) else "asymptotic"
    if plain is not None and plain.kind != "certified":
        kind = "asymptotic"
    if any(c.of_sample for c in kind_covers):
        kind = "empirical"
        notes.append("the covering number is that of the sample (greedy nets), standing for that "
                     "of the input distribution's support: an estimate, not a certified N(X)")
    return {"branches": branches, "notes": notes, "regime": regime, "kind": kind,
            "k_union": k_union}
