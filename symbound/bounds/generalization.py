r"""Generalization bounds for models with exact, partial or approximate symmetry (THEORY.md §4).

Two bounds, both driven by the covering number of the input space *modulo* a transformation set S
(THEORY.md §2):

* the **partition (robustness) bound** of Xu & Mannor (2012, Thm 3), THEORY.md §4.1;
* the **entropy-integral (Dudley) bound** for Lipschitz classes, THEORY.md §4.2.

The public entry point is :func:`generalization_bound`; it returns a :class:`GeneralizationBound`
(a :class:`~symbound.bounds.Bound` that also knows the closed-form optimal resolution).

Statements proved here (corrections and sharpenings of THEORY.md §4 are marked **[correction]**)
-------------------------------------------------------------------------------------------------

**(P) Partition bound.**  Xu & Mannor (2012), Thm 3: if Z can be partitioned into K disjoint cells
such that ``|l(A_s, s) - l(A_s, z)| <= r`` whenever a training point s and a point z share a cell,
and the loss lies in [0, M], then with probability at least ``1 - delta``

.. math::

    |R(f) - \hat R_n(f)| \le r + M \sqrt{\frac{2K\ln 2 + 2\ln(1/\delta)}{n}} .

(Checked against the paper: the constant is as in THEORY.md.)  With an (eps, S)-cover
``c_1..c_N`` of X (N = N_S(X, eps)) the cells ``{x : d(x, s c_j) <= eps for some s in S+}`` (made
disjoint) times C label values give ``K = C N_S(X, eps)``.  Two points x, x' of one cell satisfy
``d(x, s c) <= eps`` and ``d(x', s' c) <= eps``, so for an L-Lipschitz f with
``sup_{x, s} |f(s x) - f(x)| <= eta``

.. math::

    |f(x) - f(x')| \le |f(x) - f(sc)| + |f(sc) - f(c)| + |f(c) - f(s'c)| + |f(s'c) - f(x')|
    \le 2 (L\varepsilon + \eta),

hence ``r = 2 L_l (L eps + eta)`` — the factor 2 of THEORY.md is right (diameter, and eta enters
twice, once per orbit representative).  **[correction]** THEORY.md's ``r`` holds only when the
loss is constant on a label cell, i.e. for *discrete* labels (each of the C labels is its own cell).
For continuous labels in a normed space Y, give ``output_space=Y``: the cells are then cells of
``Z = X x Y`` modulo the diagonal action ``s (x, y) = (s x, rho(s) y)`` (rho isometric; rho = id
for invariant targets), ``N_S(Z, eps) <= N_S(X, eps) N(Y, eps)`` (cover Y by y_k; for (x, y) with
``d(x, s c_j) <= eps`` pick y_k with ``|rho(s)^{-1} y - y_k| <= eps``, then (x, y) is within eps of
``s (c_j, y_k)`` in the max metric), and with a loss satisfying
``|l(a, b) - l(a', b')| <= L_l (|a - a'| + |b - b'|)`` and ``l(rho a, rho b) = l(a, b)`` the
same chain gives ``r = 2 L_l ((L + 1) eps + eta)``.

*Union bound.*  By default the statement is made for every eps of a grid of m values fixed before
the data (weights delta/m), which adds ``2 ln m`` under the square root (``grid_size``).
**[clarification]** An eps that depends only on n, delta and constants known in advance (such as
the closed-form optimum below) needs no union bound (``grid_size=1``); the ``ln m`` is the price of
choosing eps *after* looking at data-dependent quantities (a measured equivariance error or
Lipschitz constant of the trained model).

*Optimal eps (power laws).*  With ``N_S(X, r) <= V0 r^{-d0}`` and ``sqrt(a + b) <= sqrt a + sqrt b``
the bound is at most ``A eps + D eps^{-d0/2} + const`` with ``A = 2 L_l L``,
``D = M sqrt(2 C V0 ln 2 / n)``, minimised at

.. math:: \varepsilon^* = \left(\frac{d_0 D}{2A}\right)^{2/(d_0+2)} \propto n^{-1/(d_0+2)} .

The bound *is evaluated exactly* at eps* (a valid bound at any fixed eps).  Rate ``n^{-1/(d0+2)}``;
``V0 -> V0/|G|`` multiplies the leading term by ``|G|^{-1/(d0+2)}``: n samples are worth ``|G| n``.

**(D) Entropy-integral bound.**  With probability ``1 - delta`` (Mohri, Rostamizadeh & Talwalkar,
*Foundations of Machine Learning*, 2nd ed., 2018, Thm 3.3 applied to both tails, and Lemma 5.7,
Talagrand's contraction, for a loss L_l-Lipschitz in a scalar prediction)

.. math:: \sup_f |R(f) - \hat R_n(f)| \le 2 L_l\,\mathfrak{R}_n(F) + M\sqrt{\ln(2/\delta)/(2n)} .

(Thm 3.3 is stated for [0, 1]-valued losses; it is applied to ``l / M``.)

*Dudley's chaining* (Dudley 1967; the argument of e.g. Srebro, Sridharan & Tewari 2010, App. A,
whose constants differ slightly; the proof below fixes ours):

.. math::

    \hat{\mathfrak R}_n(F) \le \inf_{\alpha > 0}\Big[4\alpha + \frac{12}{\sqrt n}
    \int_\alpha^{D} \sqrt{\ln N(F, u, \|\cdot\|_\infty)}\,du\Big],
    \qquad D = \sup_f \|f\|_{L^2(P_n)} \le B .

Proof sketch: nets T_j at scales ``beta_j = 2^{-j} D`` with ``T_0 = {0}``; write
``f = (f - f_N) + sum_j (f_j - f_{j-1})``; Cauchy-Schwarz bounds the first term by ``beta_N``,
Massart's lemma bounds step j by ``3 beta_j sqrt(2 ln |T_j|^2 / n) = 12 (beta_j - beta_{j+1})
sqrt(ln|T_j| / n)``, which is at most 12/sqrt(n) times the integral over ``[beta_{j+1}, beta_j]``;
choosing N with ``beta_{N+1} <= 2 alpha < beta_N`` gives ``beta_N <= 4 alpha`` and
``beta_{N+1} > alpha``.  **[correction]** the upper limit is the *radius* ``D <= B`` of F about 0,
not the diameter 2B of THEORY.md (2B is valid but weaker; we use B).  The nets need not lie in F
(*external* covers suffice), which the next statement uses.

*Lipschitz classes.*  Let ``F = {f: X -> [-B, B], Lip f <= L, S-invariant}``.  With an
(eps', S)-cover c_1..c_N of X, its (disjoint) cells and a grid of step u in [-B, B]
(``ceil(2B/u) + 1`` values), map f to the piecewise-constant g equal on cell j to the grid value
nearest ``f(c_j)``.  For x in cell j, ``|f(x) - g(x)| <= L eps' + u/2`` (invariance:
``f(s c_j) = f(c_j)``), which is ``<= u`` for ``eps' = u/(2L)``.  Hence (external cover)

.. math:: \ln N(F, u) \le N_S\!\left(X, \frac{u}{2L}\right) \ln\!\left(\left\lceil \frac{2B}{u}
          \right\rceil + 1\right).

**[correction/sharpening]** THEORY.md's ``N_S(X, u/(4L)) ln(ceil(4B/u) + 1)`` is the *internal*
version (centres in F: accuracy u/2 externally, then one member of F per nonempty ball gives
accuracy u); Dudley's argument needs only external covers, so the sharper form is used.  Both are
available from :func:`lipschitz_class_log_covering` (``cover="external" | "internal"``).

*Approximately invariant classes* (``sup |f(s x) - f(x)| <= eta``): the same map gives
``|f(x) - g(x)| <= L eps' + eta + u/2``, so eps' = ``(u/2 - eta)/L`` works for ``u > 2 eta``
(external; ``(u/4 - eta)/L`` and ``u > 4 eta`` internal, as in THEORY.md), the plain count always
works, and the smaller of the two is a bound.  In the closed forms we use the plain count below
``u = 4 eta`` and ``N_S(X, u/(4L))`` (``(u/2 - eta) >= u/4``) above, both power laws.

*Power-law closed form.*  With ``N_S(X, r) <= V0 r^{-d0}``, ``ln(ceil(2B/u)+1) <= ln(4B/u)`` for
``u <= B``, ``K0 = sqrt(V0 (2L)^{d0})``, ``c = 1 - d0/2`` and ``t = ln(4B/u)``:

.. math::

    \int_a^b \sqrt{\ln N(F,u)}\,du \le K_0 (4B)^{c} \int_{\ln(4B/b)}^{\ln(4B/a)} t^{1/2} e^{-ct}\,dt,

which is ``(2/3)(t^{3/2})|`` for d0 = 2, ``c^{-3/2}(Gamma(3/2, c t_b) - Gamma(3/2, c t_a))`` for
d0 < 2 and ``[t^{1/2} e^{kt}/k - sqrt(pi) erfi(sqrt(k t)) / (2 k^{3/2})]`` with ``k = -c`` for
d0 > 2.  The exact minimiser of ``4 alpha + (12/sqrt n) J(alpha)`` solves
``K0^2 alpha^{-d0} ln(4B/alpha) = n/9``:

.. math:: \alpha^* = 4B\,\Big(\frac{W(z)}{z}\Big)^{1/d_0},\qquad
          z = \frac{d_0 (4B)^{d_0} n}{9 K_0^2}\quad(\text{Lambert } W),

clamped at B.  Rates: ``n^{-1/d0} (ln n)^{1/d0}`` for d0 > 2, ``n^{-1/2} (ln n)^{3/2}`` for d0 = 2,
``n^{-1/2}`` for d0 < 2.  **[correction]** THEORY.md quotes ``n^{-1/d0}`` and ``n^{-1/2} ln n``:
those hold for ``ln N(F,u) ~ u^{-d0}`` *without* the ``ln(1/u)`` factor that the grid count above
carries; with the stated covering the log powers are as given here (the exponents agree).
Finite group, ``V0 -> V0/|G|``: the leading term shrinks by ``|G|^{1/d0}`` (d0 > 2) or
``|G|^{1/2}`` (d0 <= 2) — in every regime, n samples are worth ``|G| n`` asymptotically.  Lie
groups change the exponent: ``d0 = d - dim(principal orbit)``.  The union bound is not needed for
alpha: Dudley's bound on the Rademacher complexity is deterministic and holds for all alpha.

*Equivariant outputs* (``output_space=Y``): the contraction step needs scalar predictions, so the
Rademacher complexity of the *loss class* ``H = {z -> l(f(x), y) - M/2}`` on ``Z = X x Y`` is
bounded directly: ``sup_f |R - R_n| <= 2 Rad_n(H) + M sqrt(ln(2/delta)/(2n))``; H is
``L_l (L + 1)``-Lipschitz on Z (max metric), bounded by M/2, and invariant (up to ``L_l eta``)
under the diagonal action when f is equivariant and the loss invariant, so the Lipschitz-class
covering applies with ``N_S(Z, r) <= N_S(X, r) N(Y, r)``.

Other covering numbers: the integral is computed by a *certified* quadrature — the integrand is
nonincreasing in u, so the left Riemann sum on a geometric grid is an upper bound (computed in
mpmath from ``ln N``; never overflows).

References
----------
Xu, H. & Mannor, S. (2012). Robustness and generalization. Machine Learning 86(3), Thm 3.
Sokolic, J., Giryes, R., Sapiro, G. & Rodrigues, M. (2017). Generalization error of invariant
classifiers. AISTATS.
Dudley, R. M. (1967). The sizes of compact subsets of Hilbert space and continuity of Gaussian
processes. J. Funct. Anal. 1.
Mohri, M., Rostamizadeh, A. & Talwalkar, A. (2018). Foundations of Machine Learning, 2nd ed., MIT
Press: Thm 3.3, Lemma 5.7.
Petrache, M. & Trivedi, S. (2023). Approximation-generalization trade-offs under (approximate)
group equivariance. NeurIPS.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Mapping

import mpmath
import sympy as sp

from .._validation import check_choice, check_integer, check_probability, check_real
from ..errors import InvalidTypeError, InvalidValueError, NumericalError
from ..functions import (CoveringNumber, GroupOrder, QuotientCoveringNumber, SupEquivarianceError,
                         xreplace_numbers,
                         latex_of,
                         space_symbol)
from ..symbols import symbol
from ._bound import Bound, _OptimumResult, evaluate_expr

__all__ = [
    "generalization_bound",
    "GeneralizationBound",
    "lipschitz_class_log_covering",
    "power_law_entropy_integral",
    "certified_entropy_integral",
]

REF_PARTITION = ("THEORY.md §4.1; Xu & Mannor (2012), Robustness and generalization, Thm 3; "
                 "Sokolic et al. (2017) for the |G| gain")
REF_DUDLEY = ("THEORY.md §4.2; Dudley (1967) entropy integral (chaining proof in "
              "symbound.bounds.generalization); Mohri, Rostamizadeh & Talwalkar (2018) Thm 3.3 "
              "and Lemma 5.7")

_METHODS = ("partition", "dudley")
_RESOLUTIONS = ("optimize", "expose")
_COVERINGS = ("auto", "power_law", "upper")

#: points per factor e of the geometric grid of the certified quadrature (left Riemann sum)
QUADRATURE_POINTS_PER_E = 64
#: smallest u / B of the quadrature grid
QUADRATURE_MIN_RATIO = 1e-14


# ------------------------------------------------------------------------------------------------
# The Bound subclass: a Bound that knows its closed-form optimal resolution
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class GeneralizationBound(Bound):
    r"""A :class:`~symbound.bounds.Bound` returned by :func:`generalization_bound`.

    Extra attributes
    ----------------
    argmin : closed-form minimiser of the resolution (eps or alpha) in the symbols of the bound,
        or ``None`` (no power law; :meth:`optimize` then searches numerically).
    argmin_method : how ``argmin`` was derived.
    method : "partition" or "dudley".
    power_law : ``(V0, d0)`` of the covering number modulo S used by the closed forms, or None.
    search_interval : interval of the numeric search for the resolution.
    symbolic_rate : whether :meth:`rate` may try SymPy's limit (False for expressions with Lambert W
        / special functions, where the hand derivation ``known_rate`` is used; tests check it
        against the numeric slope).
    """

    argmin: sp.Expr | None = None
    argmin_method: str = ""
    method: str = ""
    power_law: tuple | None = None
    search_interval: tuple[float, float] | None = None
    symbolic_rate: bool = True
    info: Mapping[str, Any] = field(default_factory=dict)

    def subs(self, values: Mapping[Any, Any] | None = None, **kw) -> "GeneralizationBound":
        """As :meth:`Bound.subs`; the closed-form ``argmin`` and ``power_law`` are substituted too."""
        b = super().subs(values, **kw)
        vals = dict(values or {})
        vals.update(kw)
        m = self._symbols_map(vals)
        am = self.argmin.xreplace(m) if self.argmin is not None else None
        pl = tuple(sp.sympify(p).xreplace(m) for p in self.power_law) if self.power_law else None
        info = {k: (v.xreplace(m) if isinstance(v, sp.Basic) else
                    tuple(sp.sympify(w).xreplace(m) for w in v) if isinstance(v, tuple) else v)
                for k, v in self.info.items()}
        return replace(b, argmin=am if b.resolution is not None else None, power_law=pl, info=info)

    def optimize(self, var: Any = None, *, interval: tuple[float, float] | None = None,
                 closed_form: bool = True, **values):
        """Minimise over the resolution (default) or ``var``.

        For power-law covering numbers the minimiser is the closed form ``argmin`` (partition:
        ``eps*`` of the ``sqrt(a+b) <= sqrt a + sqrt b`` surrogate; Dudley: the exact Lambert-W
        stationary point); the returned value is the bound evaluated exactly there, hence itself a
        valid bound.  Otherwise (or with ``closed_form=False``) a numeric search over
        ``search_interval``; ``sympy.solve`` is never run on the full bound (NUMERICS.md).
        """
        b = self.subs(values) if values else self
        if var is None:
            var = b.resolution
        if var is None:
            raise InvalidValueError("var must be given: this bound has no free resolution symbol")
        is_res = (var == b.resolution) or (isinstance(var, str) and b.resolution is not None
                                           and var == b.resolution.name)
        if is_res and closed_form and b.argmin is not None:
            sym = b.resolution
            sol = b.argmin
            val = b.formula().xreplace({sym: sol})
            nb = replace(b, expr=b.expr.xreplace({sym: sol}),
                         definitions={k.xreplace({sym: sol}): v.xreplace({sym: sol})
                                      for k, v in b.definitions.items()},
                         resolution=None, argmin=None)
            if not val.free_symbols:
                val = evaluate_expr(val)
            return _OptimumResult(sym, sol, val, nb, f"closed form ({b.argmin_method})", True)
        if is_res and b.method == "dudley" and "log_nf" in b.info:
            res = _dudley_numeric_argmin(b)
            if res is not None:
                return res
        if interval is None and is_res:
            interval = b.search_interval
            top = b.info.get("resolution_upper")
            if isinstance(top, sp.Basic) and not top.free_symbols:
                hi = float(sp.N(top))
                interval = (hi * 1e-12, hi)
        return Bound.optimize(b, var, interval=interval, closed_form=False)

    def rate_details(self, var: Any = "n"):
        """As :meth:`Bound.rate_details`; where ``symbolic_rate`` is False the hand-derived rate is
        returned without calling SymPy's ``limit`` (documented in the module docstring)."""
        hand = None
        if self.known_rate is not None:
            hand = (sp.nsimplify(self.known_rate[0]), self.known_rate[1],
                    "derived by hand (symbound.bounds.generalization docstring)")
        if hand is not None and (not self.symbolic_rate or not hand[0].is_number):
            return hand
        try:
            return super().rate_details(var)
        except NumericalError:
            if hand is not None:
                return hand
            raise


# ------------------------------------------------------------------------------------------------
# Covering model of X modulo S
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cover:
    """What the bounds need from ``N_S(X, r)``."""

    paper: Callable[[sp.Expr], sp.Expr]  # r -> unevaluated N_S(X, r)
    formula: Callable[[sp.Expr], sp.Expr]  # r -> the formula used (upper bound or power law)
    numeric_log: Callable[[Any], mpmath.mpf]  # numeric r -> ln N (same statement as formula)
    power_law: tuple[sp.Expr, sp.Expr] | None  # (V0, d0) if the formula is a power law
    kind: str  # "certified" | "asymptotic"
    dim: Any
    regime: tuple[str, ...]
    description: str
    exact: Callable[[sp.Expr], sp.Expr] | None = None  # exact r -> N (SymPy, re-queries the space)
    # r -> the definitions chain of the paper form, e.g. N_G(X, r) -> N(X, r)/|G|, N(X, r) -> V r^-d,
    # |G| -> k (finite groups, leading order); None: paper(r) -> formula(r) directly
    paper_defs: Callable[[sp.Expr], dict] | None = None


def _quotient_of(space, group):
    if group is None:
        return space
    try:
        from ..quotient import quotient
    except ImportError as exc:  # pragma: no cover - depends on the concurrent module
        raise NumericalError(
            "symbound.quotient is not available: cannot form the covering number modulo the group; "
            "pass power_law=(V0, d0) for the quotient instead"
        ) from exc
    return quotient(space, group)


def _asymptotic_power_law(target) -> tuple[sp.Expr, sp.Expr] | None:
    """(V0, d0) read off the asymptotic form vol / (omega eps^d) of a space."""
    r = sp.Symbol("r_pl", positive=True)
    try:
        cb = target.covering(r, "asymptotic")
    except Exception:
        return None
    d0 = sp.Integer(target.dim) if isinstance(target.dim, int) else sp.sympify(target.dim)
    v0 = sp.simplify(cb.expr * r**d0)
    if v0.has(r):
        return None
    return v0, d0


def _make_cover(space, group, covering: str, power_law, *, name: str = "X") -> _Cover:
    """Build the covering model of X modulo S from a space (+ group) or an explicit power law."""
    if space is None and power_law is None:
        raise InvalidValueError("space must be given (or power_law=(V0, d0) for an abstract space)")
    xs = space_symbol(space.name if space is not None else name,
                      space.latex() if space is not None else name)
    if group is not None:
        gs = space_symbol(group.name, group.latex())

        def paper(r):
            return QuotientCoveringNumber(xs, gs, r)
    else:
        def paper(r):
            return CoveringNumber(xs, r)

    if power_law is not None:
        if not (isinstance(power_law, (tuple, list)) and len(power_law) == 2):
            raise InvalidTypeError(f"power_law must be a pair (V0, d0), got {power_law!r}")
        v0, d0 = power_law
        check_real("power_law V0", v0, 0, low_closed=False)
        check_real("power_law d0", d0, 0, low_closed=False)
        v0, d0 = sp.sympify(v0), sp.sympify(d0)
        return _power_cover(paper, v0, d0, "certified",
                            ("N_S(X, r) <= V0 r^(-d0) for the radii used (asserted by the caller)",),
                            "power law given by the caller")
    target = _quotient_of(space, group)
    if covering in ("auto", "power_law"):
        pl, kind = None, "asymptotic"
        if hasattr(target, "power_law"):
            res = target.power_law()
            if res is not None:
                pl = (sp.sympify(res[0]), sp.sympify(res[1]))
                if len(res) > 2 and res[2] in ("upper", "certified", "exact"):
                    kind = "certified"
        elif group is None:
            pl = _asymptotic_power_law(target)
        if pl is not None:
            cov = _power_cover(paper, pl[0], pl[1], kind,
                               ("asymptotic as eps -> 0 (leading-order covering number)",)
                               if kind == "asymptotic" else (),
                               f"power law of N({getattr(target, 'name', 'X')}, r)")
            plain_pl = _asymptotic_power_law(space) if (
                group is not None and group.is_finite and group.is_group) else None
            if plain_pl is not None and plain_pl[1] == pl[1] and \
                    sp.simplify(plain_pl[0] / group.order - pl[0]) == 0:
                # paper form of THEORY §2: N_G(X, eps) ~ N(X, eps) / |G| for a finite group
                order_q = GroupOrder(gs)

                def paper_defs(r, v=plain_pl[0], d=plain_pl[1], k=group.order):
                    return {paper(r): CoveringNumber(xs, r) / order_q,
                            CoveringNumber(xs, r): v * r ** (-d), order_q: sp.Integer(k)}

                cov = replace(cov, paper_defs=paper_defs)
            return cov
        if covering == "power_law":
            raise InvalidValueError(
                f"covering='power_law' but {getattr(target, 'name', target)!r} has no power-law "
                "covering number; use covering='upper' or pass power_law=(V0, d0)")
    # certified upper bound from the space
    rs = sp.Symbol("r_cov", positive=True)
    cb = target.covering(rs, "upper")
    expr_r, regime = cb.expr, tuple(cb.regime)

    def formula(r):
        return expr_r.xreplace({rs: r})

    @functools.lru_cache(maxsize=65536)
    def exact_log(r: float) -> mpmath.mpf:
        """ln of the certified count the space computes at numeric r (valid for every r)."""
        return mpmath.mpf(target.covering(sp.Float(r, 30), "upper").log())

    if regime:
        # The closed form holds only in its regime (e.g. eps <= 2 r1): outside it the bound uses the
        # certified count computed by the space itself at each numeric r, so it is valid for every r.
        numeric_cover = _numeric_covering_function(target, exact_log)
        relations = [getattr(c, "relation", None) for c in regime]
        if all(isinstance(rel, sp.Basic) for rel in relations):
            inside = sp.And(*relations)

            def formula(r):  # noqa: F811 - closed form inside its regime, exact count outside
                return sp.Piecewise((expr_r.xreplace({rs: r}), inside.xreplace({rs: r})),
                                    (numeric_cover(r), True))
        else:
            def formula(r):  # noqa: F811 - replaces the closed form outside its regime
                return numeric_cover(r)

        regime = ()
    if not cb.regime and not cb.log_expr.free_symbols - {rs}:
        # the symbolic formula holds for every r > 0: evaluate it directly (fast, mpmath)
        fast = sp.lambdify(rs, cb.log_expr, modules="mpmath")

        @functools.lru_cache(maxsize=65536)
        def numeric_log(r):
            with mpmath.workdps(30):
                return mpmath.mpf(fast(mpmath.mpf(r)))
    else:
        numeric_log = exact_log

    dim = getattr(target, "dim", None)
    return _Cover(paper, formula, lambda r: numeric_log(float(r)), None, "certified", dim, regime,
                  f"certified upper bound ({cb.method}; {cb.reference})",
                  lambda r: target.covering(r, "upper").expr)


class _CertifiedCovering(sp.Function):
    """Base of the numeric certified covering numbers made by :func:`_numeric_covering_function`."""

    nargs = 1
    is_real = True

    def _eval_is_positive(self):
        return True


def _numeric_covering_function(target, log_n: Callable[[float], mpmath.mpf]) -> type:
    """A SymPy function r -> the certified upper covering number of ``target`` at numeric r, from
    ``log_n`` (ln of ``target.covering(r, "upper")``: exact per r, no overflow), printing as
    N^up(target, r).  Used where no closed form holds for every r."""

    def imp(r):
        lg = log_n(float(r))
        return float(mpmath.exp(lg)) if lg < 690 else mpmath.exp(lg)  # float where it fits

    tex = target.latex() if hasattr(target, "latex") else str(target)

    def _latex(self, printer):
        return (r"\mathcal{N}^{\mathrm{up}}\left(" + tex + ", " + printer._print(self.args[0])
                + r"\right)")

    return type(f"Nup_{abs(hash((id(target), tex))) % 10**8}", (_CertifiedCovering,),
                {"_imp_": staticmethod(imp), "_latex": _latex})


def _product_cover(cx: _Cover, cy: _Cover) -> _Cover:
    """``N_S(X x Y, r) <= N_S(X, r) N(Y, r)`` (max metric, diagonal action, rho isometric)."""
    dim = None if cx.dim is None or cy.dim is None else sp.sympify(cx.dim) + sp.sympify(cy.dim)
    return _Cover(lambda r: cx.paper(r) * cy.paper(r), lambda r: cx.formula(r) * cy.formula(r),
                  lambda r: cx.numeric_log(r) + cy.numeric_log(r), None,
                  "certified" if cx.kind == cy.kind == "certified" else "asymptotic", dim,
                  cx.regime + cy.regime, f"{cx.description} x {cy.description}",
                  (lambda r: cx.exact(r) * cy.exact(r)) if cx.exact and cy.exact else None)


def _power_cover(paper, v0, d0, kind, regime, description) -> _Cover:
    def formula(r):
        return v0 * r ** (-d0)

    def numeric_log(r):
        return mpmath.log(mpmath.mpf(str(sp.N(v0, 30)))) - mpmath.mpf(str(sp.N(d0, 30))) * mpmath.log(r)

    return _Cover(paper, formula, numeric_log, (v0, d0), kind, d0, tuple(regime), description,
                  formula)


# ------------------------------------------------------------------------------------------------
# Lipschitz-class covering (THEORY.md §4.2)
# ------------------------------------------------------------------------------------------------


def lipschitz_class_log_covering(space, u: Any, *, group=None, lipschitz: Any = 1,
                                 bound: Any = 1, equivariance_error: Any = 0,
                                 cover: str = "external", power_law=None) -> sp.Expr:
    r"""Upper bound on ``ln N(F, u, ||.||_inf)`` for ``F = {f: X -> [-B, B], Lip f <= L,
    sup |f(s x) - f(x)| <= eta}`` (THEORY.md §4.2; proof in the module docstring).

    .. math::

        \ln N(F, u) \le \min\Big\{N\big(X, \tfrac{u}{2L}\big),\;
        N_S\big(X, \tfrac{u/2 - \eta}{L}\big)\ [u > 2\eta]\Big\}\,
        \ln\Big(\Big\lceil\frac{2B}{u}\Big\rceil + 1\Big)

    (``cover="external"``: approximating functions need not lie in F, enough for Dudley's
    integral).  ``cover="internal"`` (centres in F, THEORY.md's statement) uses ``u/(4L)``,
    ``(u/4 - eta)/L`` for ``u > 4 eta`` and ``ceil(4B/u)``.  With ``eta = 0`` the S-count is used.

    Parameters
    ----------
    space : a space (``symbound.spaces``); ``group`` the transformation set (None: plain class).
    u : the scale, a positive number.
    lipschitz, bound, equivariance_error : L, B, eta (numbers).
    power_law : optional (V0, d0) asserted for ``N_S`` (then ``space`` may be None; the plain count
        for ``u <= 2 eta`` then needs ``space``).

    Returns
    -------
    SymPy number: the bound on ``ln N(F, u)``.

    Examples
    --------
    >>> from symbound.spaces import Ball
    >>> v = lipschitz_class_log_covering(Ball(1, radius=1), 0.5, lipschitz=1, bound=1)
    >>> round(float(v), 6)  # N([-1, 1], 1/4) = 4 cells, ceil(4) + 1 = 5 values: 4 ln 5
    6.437752
    """
    check_real("u", u, 0, low_closed=False, allow_symbolic=False)
    check_real("lipschitz", lipschitz, 0, low_closed=False, allow_symbolic=False)
    check_real("bound", bound, 0, low_closed=False, allow_symbolic=False)
    check_real("equivariance_error", equivariance_error, 0, allow_symbolic=False)
    check_choice("cover", cover, ("external", "internal"))
    # floats are taken as the exact binary numbers they are, so that ceilings are exact
    u, L, B, eta = (sp.Rational(v) if isinstance(v, (int, float)) else sp.sympify(v)
                    for v in (u, lipschitz, bound, equivariance_error))
    q = 2 if cover == "external" else 4
    values = sp.log(sp.ceiling(q * B / u) + 1)
    counts = []
    if eta == 0:
        cov = _make_cover(space, group, "upper", power_law)
        counts.append(_covering_value(cov, u / (q * L)))
    else:
        if space is not None:
            plain = _make_cover(space, None, "upper", None)
            counts.append(_covering_value(plain, u / (q * L)))
        if u > q * eta:
            cov = _make_cover(space, group, "upper", power_law)
            counts.append(_covering_value(cov, (u / q - eta) / L))
        if not counts:
            raise InvalidValueError(
                f"u={u} <= {q}*eta needs the plain covering number: give space")
    return sp.Min(*counts) * values if len(counts) > 1 else counts[0] * values


def _covering_value(cov: _Cover, r) -> sp.Expr:
    """N_S(X, r) at an exact numeric radius (the space's own statement at that radius)."""
    return sp.sympify(cov.exact(r))


# ------------------------------------------------------------------------------------------------
# Entropy integrals
# ------------------------------------------------------------------------------------------------


def power_law_entropy_integral(a: Any, b: Any, *, V0: Any, d0: Any, lipschitz: Any,
                               bound: Any) -> sp.Expr:
    r"""Closed form of the power-law upper bound on ``int_a^b sqrt(ln N(F, u)) du`` (THEORY.md §4.2).

    With ``ln N(F, u) <= V0 (2L/u)^{d0} ln(4B/u)`` (valid for ``u <= B``), ``K0 = sqrt(V0 (2L)^{d0})``,
    ``c = 1 - d0/2``, ``t_x = ln(4B/x)``:

    .. math::

        \int_a^b K_0 u^{-d_0/2}\sqrt{\ln(4B/u)}\,du = K_0 (4B)^c \int_{t_b}^{t_a} t^{1/2}e^{-ct}\,dt

    in the three regimes d0 = 2, d0 < 2 (upper incomplete gamma), d0 > 2 (erfi).  ``d0`` must be a
    number (the regime is decided on it); ``a``, ``b`` may be symbolic with ``0 < a <= b <= B``;
    ``a = 0`` is allowed for d0 < 2 (the integral converges).

    Examples
    --------
    >>> import sympy as sp, mpmath
    >>> J = power_law_entropy_integral(0.01, 1, V0=1, d0=3, lipschitz=1, bound=1)
    >>> ref = mpmath.quad(lambda u: mpmath.sqrt(8 * u**-3 * mpmath.log(4 / u)), [0.01, 0.1, 1])
    >>> abs(float(J) - float(ref)) < 1e-9
    True
    """
    d0 = sp.nsimplify(d0) if isinstance(d0, (int, float)) else sp.sympify(d0)
    if not d0.is_number:
        raise InvalidValueError(f"d0 must be a number to decide the regime (d0 > 2, = 2, < 2), got {d0}")
    V0, L, B = (sp.sympify(v) for v in (V0, lipschitz, bound))
    a, b = sp.sympify(a), sp.sympify(b)
    K0 = sp.sqrt(V0 * (2 * L) ** d0)
    c = 1 - d0 / 2
    tb = sp.log(4 * B / b)
    if a == 0:
        if not (d0 < 2):
            raise InvalidValueError(f"a = 0 needs d0 < 2 (the integral diverges), got d0={d0}")
        return K0 * (4 * B) ** c * c ** sp.Rational(-3, 2) * sp.uppergamma(sp.Rational(3, 2), c * tb)
    ta = sp.log(4 * B / a)
    if d0 == 2:
        return K0 * sp.Rational(2, 3) * (ta ** sp.Rational(3, 2) - tb ** sp.Rational(3, 2))
    if d0 < 2:
        g = sp.uppergamma
        return K0 * (4 * B) ** c * c ** sp.Rational(-3, 2) * (
            g(sp.Rational(3, 2), c * tb) - g(sp.Rational(3, 2), c * ta))
    k = -c

    def prim(t):
        return sp.sqrt(t) * sp.exp(k * t) / k - sp.sqrt(sp.pi) * sp.erfi(sp.sqrt(k * t)) / (2 * k ** sp.Rational(3, 2))

    return K0 * (4 * B) ** c * (prim(ta) - prim(tb))


def certified_entropy_integral(log_n: Callable[[mpmath.mpf], mpmath.mpf], a: float, b: float,
                               points_per_e: int = QUADRATURE_POINTS_PER_E) -> mpmath.mpf:
    r"""Certified upper bound on ``int_a^b sqrt(ln N(u)) du`` for a **nonincreasing** ``ln N``.

    The left Riemann sum (each interval takes the integrand at its *left*, smaller, end point) on
    the geometric grid ``u_i = b q^{-i}``, ``q = e^{1/points_per_e}``, is an upper bound because the
    integrand is nonincreasing; the grid is anchored at b so that integrands are re-used across
    values of a (cached covering numbers).  Computed in mpmath from ``ln N`` (no overflow).
    Relative excess about ``q - 1`` for power-law integrands.

    Examples
    --------
    >>> import mpmath
    >>> v = certified_entropy_integral(lambda u: 1 / u**2, 0.1, 1.0)   # int u^-1 du = ln 10
    >>> float(mpmath.log(10)) <= float(v) <= 1.02 * float(mpmath.log(10))
    True
    """
    a, b = mpmath.mpf(a), mpmath.mpf(b)
    if a >= b:
        return mpmath.mpf(0)
    if a <= 0:
        raise InvalidValueError(f"a must be positive, got {a}")
    step = mpmath.mpf(1) / points_per_e
    k_max = int(mpmath.floor(mpmath.log(b / a) / step))
    total = mpmath.mpf(0)
    upper = b
    for i in range(1, k_max + 2):
        lower = b * mpmath.exp(-i * step)
        if lower <= a:
            lower = a
        lg = log_n(lower)
        if lg > 0:
            total += mpmath.sqrt(lg) * (upper - lower)
        if lower == a:
            break
        upper = lower
    return total


def _entropy_integral_function(cover: _Cover, plain: _Cover | None, name: str):
    """A SymPy function J(alpha, L, B, eta) evaluated by :func:`certified_entropy_integral`."""

    def log_nf(u, L, B, eta):
        u = mpmath.mpf(float(u))
        vals = mpmath.log(mpmath.ceil(2 * B / u) + 1)
        cands = []
        if eta == 0:
            cands.append(cover.numeric_log(u / (2 * L)))
        else:
            if plain is not None:
                cands.append(plain.numeric_log(u / (2 * L)))
            if u > 2 * eta:
                cands.append(cover.numeric_log((u / 2 - eta) / L))
        lg = min(cands)
        return mpmath.exp(lg) * vals

    def imp(alpha, L, B, eta):
        with mpmath.workdps(30):
            a, L, B, eta = (mpmath.mpf(str(v)) for v in (alpha, L, B, eta))
            if eta > 0 and plain is None and a <= 2 * eta:
                raise NumericalError("alpha <= 2 eta needs the plain covering number of X")
            lo = max(a, B * QUADRATURE_MIN_RATIO)
            if lo >= B:
                return mpmath.mpf(0)
            val = certified_entropy_integral(lambda u: log_nf(u, L, B, eta), lo, B)
            if a < lo:  # u in [a, lo): integrand at a is an upper bound
                val += mpmath.sqrt(log_nf(a, L, B, eta)) * (lo - a)
            return val

    def _latex(self, printer):
        return r"\mathcal{J}_{" + name + r"}\left(" + ", ".join(printer._print(x) for x in self.args[:1]) + r"\right)"

    cls = type(f"J_{abs(hash((id(cover), name))) % 10**8}", (sp.Function,),
               {"nargs": 4, "_imp_": staticmethod(imp), "_latex": _latex, "is_real": True,
                "_eval_is_nonnegative": lambda self: True})
    return cls, log_nf


def _dudley_numeric_argmin(b: "GeneralizationBound"):
    """Exact minimiser of ``4 alpha + (12/sqrt n) J(alpha)`` for a numeric bound.

    The objective is convex in alpha: its derivative ``4 - (12/sqrt n) sqrt(ln N(F, alpha))`` is
    nondecreasing because ``ln N(F, u)`` is nonincreasing.  The minimiser is therefore
    ``inf{alpha : ln N(F, alpha) <= n/9}`` (clamped to ``[B 1e-14, B]``), found by bisection in
    ``log alpha``; the bound is then evaluated there (a valid bound at any alpha)."""
    Lc, Bc, etac = (sp.sympify(v) for v in b.info["J_args"])
    n_val = b.info.get("n")
    if any(v.free_symbols for v in (Lc, Bc, etac)) or n_val is None or sp.sympify(n_val).free_symbols:
        return None
    others = b.formula().free_symbols - {b.resolution}
    if others:
        return None
    log_nf = b.info["log_nf"]
    with mpmath.workdps(30):
        L, B, eta = (mpmath.mpf(str(sp.N(v, 30))) for v in (Lc, Bc, etac))
        target = mpmath.mpf(str(sp.N(n_val, 30))) / 9
        lo, hi = B * QUADRATURE_MIN_RATIO, B
        if eta > 0 and b.info.get("plain_missing"):
            lo = max(lo, 2 * eta * (1 + mpmath.mpf("1e-12")))
        if log_nf(lo, L, B, eta) <= target:
            x = lo
        else:
            for _ in range(100):
                mid = mpmath.sqrt(lo * hi)
                if log_nf(mid, L, B, eta) <= target:
                    hi = mid
                else:
                    lo = mid
                if hi / lo < 1 + mpmath.mpf("1e-10"):
                    break
            x = hi
    sym = b.resolution
    xv = sp.Float(float(x), 17)
    val = evaluate_expr(xreplace_numbers(b.formula(), {sym: xv}))
    nb = replace(b, expr=xreplace_numbers(b.expr, {sym: xv}),
                 definitions={k.xreplace({sym: xv}): xreplace_numbers(d, {sym: xv})
                              for k, d in b.definitions.items()},
                 resolution=None, argmin=None)
    return _OptimumResult(sym, float(x), val, nb,
                          "numeric (convex objective: bisection on ln N(F, alpha) = n/9, certified "
                          "quadrature)", True)


# ------------------------------------------------------------------------------------------------
# Public entry point
# ------------------------------------------------------------------------------------------------


def _param(name: str, value: Any, default: str, *, low=0, low_closed=False) -> sp.Expr:
    if value is None:
        return symbol(default)
    check_real(name, value, low, low_closed=low_closed)
    if isinstance(value, sp.Basic):
        return value
    if isinstance(value, int):
        return sp.Integer(value)
    return sp.nsimplify(value) if float(value).is_integer() else sp.Float(value, 17)


def generalization_bound(space=None, group=None, method: str = "partition", *,
                         lipschitz: Any = None, loss_lipschitz: Any = None, loss_bound: Any = None,
                         classes: Any = None, equivariance_error: Any = 0,
                         hypothesis_bound: Any = None, grid_size: Any = None,
                         output_space=None, resolution: str = "optimize",
                         covering: str = "upper", power_law=None, n: Any = None,
                         delta: Any = None) -> GeneralizationBound:
    r"""Generalization bound for (approximately) S-invariant or S-equivariant Lipschitz models.

    Returns a :class:`GeneralizationBound` on ``|R(f) - R_n(f)|`` (partition) or
    ``sup_f |R(f) - R_n(f)|`` (Dudley), in the symbols n and delta, holding with probability at
    least ``1 - delta``.

    Partition bound (THEORY.md §4.1; Xu & Mannor 2012, Thm 3):

    .. math::

        2L_\ell(L\varepsilon + \eta) + M\sqrt{\frac{2\,C\,N_S(X,\varepsilon)\ln 2
        + 2\ln m + 2\ln(1/\delta)}{n}}

    Entropy-integral bound (THEORY.md §4.2; Dudley 1967; Mohri et al. 2018, Thm 3.3, Lemma 5.7):

    .. math::

        2L_\ell\Big(4\alpha + \frac{12}{\sqrt n}\int_\alpha^B\sqrt{\ln N(F_\eta,u)}\,du\Big)
        + M\sqrt{\frac{\ln(2/\delta)}{2n}}

    with the Lipschitz-class covering of :func:`lipschitz_class_log_covering`.  Proofs, the
    closed forms and the corrections to THEORY.md are in the module docstring.

    Parameters
    ----------
    space : input space X (``symbound.spaces``), or None with ``power_law``.
    group : transformation set S acting on X (None: no symmetry).  Any set the quotient module
        handles: groups, partial sets, ``TransformationSet``.
    method : "partition" or "dudley".
    lipschitz, loss_lipschitz, loss_bound : L, L_l, M (numbers or SymPy; default canonical symbols).
    classes : C, number of label values (partition, discrete labels; default symbol C).
    equivariance_error : eta >= 0, ``sup_{x, s} |f(s x) - rho(s) f(x)|`` of the model class
        (default 0: exactly invariant/equivariant models).
    hypothesis_bound : B, hypotheses take values in [-B, B] (Dudley; default symbol B).
    grid_size : m, size of the eps grid of the union bound (partition; default symbol m; 1 for a
        resolution fixed in advance).
    output_space : Y (a space) for continuous or equivariant outputs: the bound uses
        ``Z = X x Y`` with the diagonal action and an invariant loss (stated in ``assumptions``).
    resolution : "optimize" (closed-form optimum substituted when the covering is a power law) or
        "expose" (eps / alpha left free; :meth:`GeneralizationBound.optimize` gives it).
    covering : "upper" (default: the certified upper covering number of the space or quotient, so
        the bound is certified), "power_law" (the leading-order power law ``V0 r^-d0`` of the
        covering number: closed-form optimum and rate, labelled asymptotic — for d0 >= 2 the
        volume-ratio constant is a lower envelope of N, so this is the bound's leading-order
        shape, not a certified value), or "auto" (power law where there is one, else "upper").
    power_law : (V0, d0) asserted by the caller: ``N_S(X, r) <= V0 r^{-d0}`` on the radii used.
    n, delta : sample size and confidence (default the canonical symbols).

    Returns
    -------
    GeneralizationBound

    Raises
    ------
    InvalidValueError / InvalidTypeError
        delta outside (0, 1), n < 1, non-integer classes or grid_size, negative
        equivariance_error, nonpositive constants, unknown method / resolution / covering.

    Examples
    --------
    >>> from symbound.spaces import Ball
    >>> b = generalization_bound(Ball(2), power_law=(9, 2), lipschitz=1, loss_lipschitz=1,
    ...                          loss_bound=1, classes=2, grid_size=1)
    >>> b.rate("n")
    -1/4
    >>> round(float(b.evaluate(n=10**6, delta=0.05)), 4)
    0.1999
    """
    check_choice("method", method, _METHODS)
    check_choice("resolution", resolution, _RESOLUTIONS)
    check_choice("covering", covering, _COVERINGS)
    L = _param("lipschitz", lipschitz, "L")
    Ll = _param("loss_lipschitz", loss_lipschitz, "L_l")
    M = _param("loss_bound", loss_bound, "M")
    eta = _param("equivariance_error", equivariance_error, "eta", low=0, low_closed=True)
    B = _param("hypothesis_bound", hypothesis_bound, "B")
    if classes is None:
        C = symbol("C")
    else:
        C = check_integer("classes", classes, 1, allow_symbolic=True)
        C = sp.Integer(C) if isinstance(C, int) else C
    if grid_size is None:
        m = symbol("m")
    else:
        m = check_integer("grid_size", grid_size, 1, allow_symbolic=True)
        m = sp.Integer(m) if isinstance(m, int) else m
    n_s = symbol("n") if n is None else n
    if n is not None:
        n_s = check_integer("n", n, 1, allow_symbolic=True)
        n_s = sp.Integer(n_s) if isinstance(n_s, int) else n_s
    d_s = symbol("delta") if delta is None else delta
    if delta is not None:
        check_probability("delta", delta)
        d_s = sp.sympify(delta) if not isinstance(delta, float) else sp.Float(delta, 17)
    if space is not None and not hasattr(space, "covering"):
        raise InvalidTypeError(
            f"space must be a symbound space with a covering(eps, kind) method, got {type(space).__name__}")
    if group is not None and not hasattr(group, "is_group"):
        raise InvalidTypeError(
            f"group must be a symbound transformation set (symbound.groups), got {type(group).__name__}")

    if group is None and power_law is None and eta != 0:
        raise InvalidValueError(
            f"equivariance_error must be 0 without a group (S+ = {{id}} has no equivariance error), "
            f"got {eta}; pass group=... for approximately invariant models")
    cover = _make_cover(space, group, covering, power_law)
    ycover = None
    if output_space is not None:
        if not hasattr(output_space, "covering"):
            raise InvalidTypeError(
                f"output_space must be a symbound space, got {type(output_space).__name__}")
        ycover = _make_cover(output_space, None, "power_law" if cover.power_law else "upper", None,
                             name="Y")
    plain = None
    if method == "dudley" and eta != 0 and group is not None:
        if space is None:
            raise InvalidValueError("equivariance_error > 0 with method='dudley' needs space (the "
                                    "plain covering number of X is used at scales u <= 4 eta)")
        plain = _make_cover(space, None, covering if power_law is None else "upper", None)

    common = dict(space=space, group=group, cover=cover, ycover=ycover, L=L, Ll=Ll, M=M, eta=eta,
                  n=n_s, delta=d_s, resolution=resolution)
    if method == "partition":
        return _partition(C=C, m=m, **common)
    return _dudley(B=B, plain=plain, **common)


def _assumptions(group, ycover, eta) -> list[str]:
    out = ["loss in [0, M], L_l-Lipschitz in the prediction", "hypotheses are L-Lipschitz"]
    if group is not None:
        out.append(f"transformations s in S = {group.name} map X into X (s(X) ⊆ X)")
        if eta == 0:
            out.append("hypotheses are exactly S-invariant (or S-equivariant)")
        else:
            out.append("hypotheses are approximately invariant: sup_{x, s} |f(s x) - rho(s) f(x)| <= eta")
    if ycover is not None:
        out.append("outputs in Y with the diagonal action s(x, y) = (s x, rho(s) y), rho(s) an "
                   "isometry of Y; invariant loss l(rho(s) a, rho(s) b) = l(a, b) and "
                   "|l(a, b) - l(a', b')| <= L_l (|a - a'| + |b - b'|) (equivariant outputs)")
    return out


def _partition(*, space, group, cover, ycover, L, Ll, M, eta, n, delta, resolution, C, m):
    eps = symbol("eps")
    if ycover is None:
        K_paper = C * cover.paper(eps)
        defs = cover.paper_defs(eps) if cover.paper_defs else {cover.paper(eps): cover.formula(eps)}
        L_eff = L
        lhs_cells = "C N_S(X, eps) cells (C label values, each its own cell)"
    else:
        K_paper = cover.paper(eps) * ycover.paper(eps)
        defs = {cover.paper(eps): cover.formula(eps), ycover.paper(eps): ycover.formula(eps)}
        L_eff = L + 1
        lhs_cells = "N_S(X, eps) N(Y, eps) cells of Z = X x Y modulo the diagonal action"
    eta_paper = eta
    if group is not None and eta != 0 and not eta.free_symbols:
        # paper form: ee(f; S) in the expression, its measured or known value in the definitions
        eta_paper = SupEquivarianceError(sp.Symbol("f"), space_symbol(group.name, group.latex()))
        defs[eta_paper] = eta
    r_term = 2 * Ll * (L_eff * eps + eta_paper)
    conf = 2 * sp.log(m) + 2 * sp.log(1 / delta)
    expr = r_term + M * sp.sqrt((2 * K_paper * sp.log(2) + conf) / n)
    kind = cover.kind if ycover is None else ("certified" if cover.kind == ycover.kind == "certified"
                                              else "asymptotic")
    notes = [f"K = {lhs_cells}; r = 2 L_l ({'L' if ycover is None else '(L + 1)'} eps + eta)",
             "union bound over a grid of m resolutions fixed before the data: the 2 ln m term; "
             "grid_size=1 is valid when eps depends only on n, delta and constants known in advance",
             cover.description]
    regime = list(cover.regime) + (list(ycover.regime) if ycover else [])
    argmin = None
    argmin_method = ""
    pl = None
    known = None
    if cover.power_law is not None and (ycover is None or ycover.power_law is not None):
        V0, d0 = cover.power_law
        K_coef = C * V0
        if ycover is not None:
            K_coef = V0 * ycover.power_law[0]
            d0 = d0 + ycover.power_law[1]
        pl = (K_coef / C if ycover is None else K_coef, d0)
        A = 2 * Ll * L_eff
        D = M * sp.sqrt(2 * K_coef * sp.log(2) / n)
        argmin = (d0 * D / (2 * A)) ** (2 / (d0 + 2))
        argmin_method = ("minimiser of the surrogate A eps + D eps^(-d0/2), "
                         "sqrt(a+b) <= sqrt(a) + sqrt(b); the bound is evaluated exactly there")
        if eta == 0:
            known = (sp.Rational(-1) / (d0 + 2) if d0.is_number else -1 / (d0 + 2), 0)
        else:
            known = (sp.Integer(0), 0)
            notes.append("with eta > 0 the bound tends to the floor 2 L_l eta; the excess decays "
                         "like n^(-1/(d0+2))")
    elif cover.dim is not None and eta == 0:
        d_num = sp.sympify(cover.dim) + (sp.sympify(ycover.dim) if ycover is not None else 0)
        known = (-1 / (d_num + 2), 0)
        notes.append(f"rate from the covering dimension d0 = {d_num} (asymptotic)")
    elif eta != 0:
        known = (sp.Integer(0), 0)
    name = "partition bound" + ("" if group is None else f" mod {group.name}")
    b = GeneralizationBound(
        expr=expr, lhs=r"\left|R(f) - \hat{R}_n(f)\right|", reference=REF_PARTITION,
        definitions=defs, assumptions=tuple(_assumptions(group, ycover, eta)),
        regime=tuple(regime), kind=kind, resolution=eps, name=name, notes=tuple(notes),
        known_rate=known, argmin=argmin, argmin_method=argmin_method, method="partition",
        power_law=pl, search_interval=(1e-8, 1e3), symbolic_rate=True,
        info={"cover_kind": cover.kind})
    b = _apply_n_delta(b, n, delta)
    if resolution == "optimize" and argmin is not None:
        return b.optimize().bound
    return b


def _apply_n_delta(b, n, delta):
    vals = {}
    if n != symbol("n"):
        vals["n"] = n
    if delta != symbol("delta"):
        vals["delta"] = delta
    return b.subs(vals) if vals else b


def _dudley(*, space, group, cover, ycover, L, Ll, M, eta, n, delta, resolution, B, plain):
    alpha = symbol("alpha")
    u = symbol("u")
    if ycover is None:
        P, Lc, Bc, etac = 2 * Ll, L, B, eta
        cls_desc = "F = L-Lipschitz functions X -> [-B, B]"
    else:
        # loss class H = {z -> l(f(x), y) - M/2} on Z = X x Y (max metric), invariant under the
        # diagonal action; Rademacher bound without contraction
        P, Lc, Bc, etac = sp.Integer(2), Ll * (L + 1), M / 2, Ll * eta
        cls_desc = "loss class H on Z = X x Y: L_l (L + 1)-Lipschitz, values in [-M/2, M/2]"
    Fsym = sp.Symbol("F") if ycover is None else sp.Symbol("H")
    integrand_paper = sp.sqrt(_LogCoveringF(Fsym, u))
    integral_paper = sp.Integral(integrand_paper, (u, alpha, Bc))
    conc = M * sp.sqrt(sp.log(2 / delta) / (2 * n))
    expr = P * (4 * alpha + 12 / sp.sqrt(n) * integral_paper) + conc
    notes = [cls_desc, "Dudley's bound holds for every alpha simultaneously: no union bound over alpha",
             "upper limit of the integral: sup_f ||f||_{L2(P_n)} <= B (THEORY.md's 2B is valid but weaker)"]
    regime = [f"0 < alpha <= {latex_of(Bc)}"] + list(cover.regime)
    argmin = None
    known = None
    symbolic_rate = False
    pl = None
    kind = cover.kind
    extra_info: dict[str, Any] = {}
    if ycover is not None:
        kind = "certified" if cover.kind == ycover.kind == "certified" else "asymptotic"
    if cover.power_law is not None and (ycover is None or ycover.power_law is not None) and \
            (etac == 0 or plain is None or plain.power_law is not None):
        V0, d0 = cover.power_law
        if ycover is not None:
            V0, d0 = V0 * ycover.power_law[0], d0 + ycover.power_law[1]
        if not sp.sympify(d0).is_number:
            raise InvalidValueError(f"the Dudley closed form needs a numeric d0 (regime), got {d0}")
        pl = (V0, d0)
        if etac == 0 or group is None:
            J = power_law_entropy_integral(alpha, Bc, V0=V0, d0=d0, lipschitz=Lc, bound=Bc)
        else:
            V0p, d0p = plain.power_law
            split = sp.Max(alpha, sp.Min(4 * etac, Bc))
            J = (power_law_entropy_integral(alpha, split, V0=V0p, d0=d0p, lipschitz=Lc, bound=Bc)
                 + power_law_entropy_integral(split, Bc, V0=V0 * 2 ** d0, d0=d0, lipschitz=Lc,
                                              bound=Bc))
            notes.append("approximate invariance: plain covering for u < 4 eta, "
                         "N_S(X, u/(4L)) above (u/2 - eta >= u/4)")
        defs = {integral_paper: J}
        if etac == 0 or group is None:
            K0sq = V0 * (2 * Lc) ** d0
            z = d0 * (4 * Bc) ** d0 * n / (9 * K0sq)
            argmin = sp.Min(4 * Bc * (sp.LambertW(z) / z) ** (1 / d0), Bc)
            if d0 > 2:
                known = (sp.Rational(-1) / d0, sp.Rational(1) / d0)
            elif d0 == 2:
                known = (sp.Rational(-1, 2), sp.Rational(3, 2))
            else:
                known = (sp.Rational(-1, 2), 0)
                # every term is of order n^(-1/2): lim sqrt(n) * bound (alpha* -> 0, J -> J(0))
                j0 = power_law_entropy_integral(0, Bc, V0=V0, d0=d0, lipschitz=Lc, bound=Bc)
                extra_info["sqrt_n_limit"] = P * 12 * j0 + M * sp.sqrt(sp.log(2 / delta) / 2)
        else:
            known = (sp.Integer(0), 0)
            notes.append("with eta > 0 the capacity at scales below 4 eta is that of the plain class")
        notes.append("power-law closed form: ln(ceil(2B/u)+1) <= ln(4B/u) for u <= B")
        notes.append(cover.description)
    else:
        if ycover is not None:
            cover = _product_cover(cover, ycover)
            plain = _product_cover(plain, ycover) if plain is not None else None
        Jf, log_nf = _entropy_integral_function(cover, plain, "F")
        J = Jf(alpha, Lc, Bc, etac)
        extra_info = {"log_nf": log_nf, "J_args": (Lc, Bc, etac), "n": n,
                      "plain_missing": plain is None}
        defs = {integral_paper: J}
        notes.append("integral by certified quadrature (left Riemann sum of a nonincreasing "
                     "integrand, mpmath); " + cover.description)
        if cover.dim is not None and etac == 0:
            d = sp.sympify(cover.dim) + (sp.sympify(ycover.dim) if ycover is not None else 0)
            if d > 2:
                known = (sp.Rational(-1) / d, sp.Rational(1) / d)
            elif d == 2:
                known = (sp.Rational(-1, 2), sp.Rational(3, 2))
            else:
                known = (sp.Rational(-1, 2), 0)
            notes.append(f"rate from the covering dimension {d} (asymptotic)")
    name = "entropy-integral bound" + ("" if group is None else f" mod {group.name}")
    b = GeneralizationBound(
        expr=expr, lhs=r"\sup_{f}\left|R(f) - \hat{R}_n(f)\right|", reference=REF_DUDLEY,
        definitions=defs, assumptions=tuple(_assumptions(group, ycover, eta)),
        regime=tuple(regime), kind=kind, resolution=alpha, name=name, notes=tuple(notes),
        known_rate=known, argmin=argmin,
        argmin_method="exact stationary point 4 = (12/sqrt n) sqrt(ln N(F, alpha)) (Lambert W), "
                      "clamped at B" if argmin is not None else "",
        method="dudley", power_law=pl,
        search_interval=(float(sp.N(Bc)) * 1e-12, float(sp.N(Bc))) if not Bc.free_symbols else None,
        symbolic_rate=symbolic_rate,
        info={"cover_kind": cover.kind, "resolution_upper": Bc, **extra_info})
    b = _apply_n_delta(b, n, delta)
    if resolution == "optimize" and argmin is not None:
        return b.optimize().bound
    return b


class _LogCoveringF(sp.Function):
    r"""``ln N(F, u)``: log covering number of the hypothesis class (paper form only)."""

    nargs = 2
    is_real = True

    def _eval_is_nonnegative(self):
        return True

    def _latex(self, printer):
        f, u = self.args
        return rf"\ln \mathcal{{N}}\left({printer._print(f)}, {printer._print(u)}\right)"
