r"""Generalization bounds for models with exact, partial or approximate symmetry (THEORY §4).

Two bounds, both driven by the covering number of the input space *modulo* a transformation set S
(THEORY §2):

* the **partition (robustness) bound** of Xu & Mannor (2012, Thm 3): statements and proofs in
  :mod:`symbound.bounds.partition`;
* the **entropy-integral (Dudley) bound** for Lipschitz classes: :mod:`symbound.bounds.entropy`.

The covering models (space, quotient, power law, covering of a sample) live in
:mod:`symbound.bounds.covering_models`; measured inputs enter through :mod:`symbound.bounds.measured`.
The public entry point is :func:`generalization_bound`; it returns a :class:`GeneralizationBound`,
which keeps the arguments it was built from: substituting one of them (``b.subs(eta=0)``,
``b.evaluate(n=..., eta=<SupErrorUpperBound>)``) rebuilds the bound, so that everything it reports
about itself (kind, assumptions, probability, closed-form optimum, limit and rate) is derived from
its current parameters, never frozen at construction.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping

import sympy as sp

from .._validation import check_choice, check_integer, check_probability, check_real
from ..errors import InvalidTypeError, InvalidValueError, NumericalError
from ..functions import BranchMin, exact_number, xreplace_numbers
from ..symbols import symbol
from ._bound import Bound, Optimum, _resolve_symbol, _symbolic_asymptotics_budget, evaluate_expr
from .asymptotics import Asymptotics, numeric_exponent, rational_reading
from .covering_models import empirical_cover, make_cover
from .entropy import (ETA_LEVELS, REF_DUDLEY, _dudley_rate, certified_entropy_integral,
                      dudley_numeric_argmin, dudley_parts, eta_level, lipschitz_class_log_covering,
                      power_law_entropy_integral)
from .measured import MeasuredInput, convert_value, is_empirical_covering
from .optimize import minimize, resolution_grid
from .partition import REF_PARTITION, partition_parts

# names importable from here since the first release
from .covering_models import _Cover, make_cover as _make_cover  # noqa: F401
from .entropy import QUADRATURE_MIN_RATIO, QUADRATURE_POINTS_PER_E  # noqa: F401

__all__ = [
    "generalization_bound",
    "GeneralizationBound",
    "lipschitz_class_log_covering",
    "power_law_entropy_integral",
    "certified_entropy_integral",
]

_METHODS = ("partition", "dudley")
_RESOLUTIONS = ("optimize", "expose")
_COVERINGS = ("auto", "power_law", "upper")
#: canonical symbol -> the argument of generalization_bound it stands for
_SPEC_OF_SYMBOL = {"L": "lipschitz", "L_l": "loss_lipschitz", "M": "loss_bound", "C": "classes",
                   "eta": "equivariance_error", "B": "hypothesis_bound", "m": "grid_size",
                   "n": "n", "delta": "delta"}


# ------------------------------------------------------------------------------------------------
# The Bound subclass
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class GeneralizationBound(Bound):
    r"""A :class:`~symbound.bounds.Bound` returned by :func:`generalization_bound`.

    Extra attributes
    ----------------
    argmin : closed-form minimiser of the resolution (eps or alpha) in the symbols of the bound
        (power-law coverings), also after the bound was optimised at construction; ``None``
        otherwise (:meth:`optimize` then searches numerically).
    argmin_method : how ``argmin`` was derived.
    method : "partition" or "dudley".
    power_law : ``(V0, d0)`` of the covering number used by the closed forms, or None.
    search_interval : interval of the numeric search for the resolution.
    symbolic_rate : whether :meth:`asymptotics` may try SymPy's limit.
    info : structural facts (branches, growth exponents, grids) used by :meth:`optimize` and
        :meth:`asymptotics`.
    spec : the arguments of :func:`generalization_bound` (current values).
    fixed : substitutions made after building (resolution values, other symbols), re-applied
        when the bound is rebuilt.
    """

    argmin: sp.Expr | None = None
    argmin_method: str = ""
    method: str = ""
    power_law: tuple | None = None
    search_interval: tuple[float, float] | None = None
    symbolic_rate: bool = True
    info: Mapping[str, Any] = field(default_factory=dict)
    spec: Mapping[str, Any] = field(default_factory=dict)
    fixed: tuple = ()

    # ----- substitution: rebuild for the constructor's parameters ---------------------------
    def subs(self, values: Mapping[Any, Any] | None = None, **kw) -> "GeneralizationBound":
        """As :meth:`Bound.subs`.  A value for one of the bound's constructor parameters (L, L_l,
        M, C, eta, B, m, n, delta) rebuilds the bound from its arguments, so that its metadata
        follow; an equivariance error may be a :class:`~symbound.seam.SupErrorUpperBound`
        (recorded; a mean-error estimate is refused)."""
        vals = dict(values or {})
        vals.update(kw)
        syms = self.free_symbols | set(self.expr.free_symbols)
        updates, rest = {}, {}
        for key, val in vals.items():
            sym = _resolve_symbol(syms, key)
            pname = _SPEC_OF_SYMBOL.get(sym.name)
            cur = _spec_value(self.spec, pname) if pname else None
            if pname and isinstance(cur, sp.Basic) and sym in cur.free_symbols:
                if cur == sym:
                    updates[pname] = val
                else:
                    updates[pname] = xreplace_numbers(cur, {sym: convert_value(sym.name, val)[0]})
            else:
                rest[sym] = val
        b = self
        if updates:
            mapping = {symbol(next(k for k, v in _SPEC_OF_SYMBOL.items() if v == pname)):
                       convert_value(pname, val, "eta" if pname == "equivariance_error" else pname)[0]
                       for pname, val in updates.items()}
            b = _build({**self.spec, **updates})
            for s, v in self.fixed:
                b = b._apply_fixed(s, _xreplace_assignment(v, mapping))
        if rest:
            for s, v in rest.items():
                b = b._apply_fixed(s, v)
        return b

    def _apply_fixed(self, sym: sp.Symbol, value) -> "GeneralizationBound":
        """Substitute one symbol (a resolution value, or a per-branch tuple of them), recorded in
        ``fixed``."""
        branches = self.info.get("branches")
        if isinstance(value, tuple):  # one value per branch of the Min
            new_b, defs = [], {}
            for br, v in zip(branches, value):
                m = {sym: exact_number(v) if not isinstance(v, sp.Basic) else v}
                e = xreplace_numbers(br["expr"], m)
                new_b.append(dict(br, expr=e, expr_eta0=xreplace_numbers(br["expr_eta0"], m)))
                defs.update({xreplace_numbers(k, m): xreplace_numbers(d, m)
                             for k, d in br["definitions"].items()})
            expr = new_b[0]["expr"] if len(new_b) == 1 else BranchMin(*[br["expr"] for br in new_b])
            info = dict(self.info, branches=tuple(new_b))
            res = None if sym == self.resolution else self.resolution
            return replace(self, expr=expr, definitions=defs, info=info, resolution=res,
                           fixed=self.fixed + ((sym, value),))
        b = Bound.subs(self, {sym: value})
        m = {sym: convert_value(sym.name, value, sym.name)[0]}
        info = dict(b.info)
        if branches:
            info["branches"] = tuple(
                dict(br, expr=xreplace_numbers(br["expr"], m),
                     expr_eta0=xreplace_numbers(br["expr_eta0"], m),
                     definitions={xreplace_numbers(k, m): xreplace_numbers(d, m)
                                  for k, d in br["definitions"].items()},
                     argmin=None if br["argmin"] is None else xreplace_numbers(br["argmin"], m))
                for br in branches)
        am = None if self.argmin is None else xreplace_numbers(self.argmin, m)
        return replace(b, info=info, argmin=am, fixed=self.fixed + ((sym, value),))

    # ----- optimisation ---------------------------------------------------------------------
    def optimize(self, var: Any = None, *, interval: tuple[float, float] | None = None,
                 closed_form: bool = True, grid: Any = None, **values) -> Optimum:
        """Minimise over the resolution (default) or ``var``.

        Power-law coverings: the closed form ``argmin`` (partition: ``eps*`` of the ``sqrt(a+b)
        <= sqrt a + sqrt b`` surrogate; Dudley: the exact Lambert-W stationary point).  Otherwise
        a numeric search (:mod:`symbound.bounds.optimize`): the breakpoints of the ceilings for
        the partition bound, an exact bisection for the entropy integral.  With ``grid_size=m > 1``
        (or a covering of the sample) the partition bound's eps is chosen from the grid its union
        bound pays for.  An approximately invariant class is optimised branch by branch (through
        N_S with eta = 0, so that eps does not depend on eta; through N(X)); the value is the
        smaller.  A bound optimised at construction reports that optimum.  The value is the bound
        evaluated exactly at the returned point (certified when the bound is)."""
        b = self.subs(values) if values else self
        res_sym = b.resolution or b.info.get("resolution_symbol")
        if var is not None:
            sym = _resolve_symbol(b.free_symbols | ({res_sym} if res_sym else set()), var)
            if sym != res_sym:
                return Bound.optimize(b, sym, interval=interval, closed_form=closed_form, grid=grid)
        if res_sym is None:
            raise InvalidValueError("var must be given: this bound has no resolution symbol")
        if b.resolution is None or b.resolution not in b.free_symbols:
            return b._recorded_optimum(res_sym)
        return b._optimize_resolution(interval, closed_form, grid)

    def _recorded_optimum(self, sym) -> Optimum:
        values = [v for s, v in self.fixed if s == sym]
        if not values and "optimum_values" not in self.info:
            raise InvalidValueError(f"the resolution {sym} was substituted; nothing to optimise")
        v = values[-1] if values else self.info["optimum_values"]
        value = self.formula()
        if not value.free_symbols:
            value = evaluate_expr(value)
        arg, win = _winner(self, v)
        return Optimum(sym, arg, value, self, self.info.get("optimum_method", "resolution given"),
                       self.kind, _vacuous(self, value), {"branches": win} if win else {})

    def _optimize_resolution(self, interval, closed_form, grid) -> Optimum:
        sym = self.resolution
        if self.method == "dudley":
            return self._optimize_dudley(interval, closed_form)
        grid_used = grid if grid is not None else self._grid()
        branches = self.info["branches"]
        if closed_form and grid_used is None and all(br["argmin"] is not None for br in branches):
            values = tuple(br["argmin"] for br in branches)
            how = f"closed form ({self.argmin_method})"
        else:
            values = []
            lo, hi = self._interval(interval)
            how = None
            for br in branches:
                f = Bound.formula(replace(self, expr=br["expr_eta0"], definitions=br["definitions"]))
                others = f.free_symbols - {sym}
                if others:
                    raise InvalidValueError(
                        f"give numeric values for {sorted(s.name for s in others)} to optimise "
                        f"{sym} numerically")
                r = minimize(f, sym, (lo, hi), grid_used)
                values.append(r.x)
                how = r.method
            values = tuple(values)
        nb = self._apply_fixed(sym, values)
        nb = replace(nb, info=dict(nb.info, optimum_method=how, resolution_symbol=sym))
        value = nb.formula()
        if not value.free_symbols:
            value = evaluate_expr(value)
        arg, win = _winner(nb, values)
        details = {"branches": win} if win else {}
        if grid_used is not None:
            details["grid"] = tuple(float(x) for x in grid_used)
        return Optimum(sym, arg, value, nb, how, nb.kind, _vacuous(nb, value), details)

    def _optimize_dudley(self, interval, closed_form) -> Optimum:
        sym = self.resolution
        if closed_form and self.argmin is not None:
            x, how = self.argmin, f"closed form ({self.argmin_method})"
        else:
            found = dudley_numeric_argmin(self.info) if "log_nf" in self.info else None
            f = self.formula()
            others = f.free_symbols - {sym}
            if others:
                raise InvalidValueError(
                    f"give numeric values for {sorted(s.name for s in others)} to optimise "
                    f"{sym} numerically")
            if found is not None:
                x, how = found
            else:
                r = minimize(f, sym, self._interval(interval))
                x, how = r.x, r.method
        nb = self._apply_fixed(sym, x)
        nb = replace(nb, info=dict(nb.info, optimum_method=how, resolution_symbol=sym))
        value = nb.formula()
        if not value.free_symbols:
            value = evaluate_expr(value)
        return Optimum(sym, x, value, nb, how, nb.kind, _vacuous(nb, value))

    def _interval(self, interval) -> tuple[float, float]:
        if interval is not None:
            return interval
        top = self.info.get("resolution_upper")
        if isinstance(top, sp.Basic) and not top.free_symbols:
            hi = float(sp.N(top))
        else:
            hi = float(self.search_interval[1]) if self.search_interval else 1e3
        n = _spec_value(self.spec, "n")
        nn = float(n) if isinstance(n, sp.Basic) and n.is_number else 1e6
        return (max(hi * 1e-4 / nn, 1e-300), hi)

    def _grid(self):
        """The grid of resolutions the union bound pays for (partition), or None (continuum)."""
        if self.info.get("radii"):
            return self.info["radii"]
        m = _spec_value(self.spec, "grid_size")
        if not m.is_number:
            raise InvalidValueError(
                "the union bound's grid size m is symbolic: give m (grid_size) to optimise eps")
        if m == 1:
            return None
        lo_hi = self.spec.get("grid_range")
        if lo_hi is None:
            r1 = self.info.get("one_ball")
            n = _spec_value(self.spec, "n")
            if r1 is None or not n.is_number:
                raise InvalidValueError(
                    f"grid_size={m}: the grid's range needs grid_range=(lo, hi) (constants fixed "
                    "before the data)" + ("" if n.is_number else ", or a numeric n"))
            lo_hi = (r1 / sp.sqrt(n), r1)
        return resolution_grid(int(m), lo_hi[0], lo_hi[1])

    # ----- limit and rate -------------------------------------------------------------------
    def asymptotics(self, var: Any = "n") -> Asymptotics:
        """Limit of the (optimised) bound as n -> oo and the rate of approach, derived from the
        current parameters (:mod:`symbound.bounds.partition` statement (A),
        :mod:`symbound.bounds.entropy` statement (A)); checked by SymPy's limit where it can;
        numerically from the slope where the covering's growth is unknown (said so)."""
        sym = self._growing_symbol(var)
        res_fixed = [v for s, v in self.fixed if s == self.info.get("resolution_symbol",
                                                                       self.resolution)]
        family = (self.resolution is not None and self.resolution in self.free_symbols) or \
            self.info.get("optimized_at_build") or any(
                sym in (sp.sympify(v).free_symbols if not isinstance(v, tuple) else
                        set().union(*(sp.sympify(w).free_symbols for w in v))) for v in res_fixed)
        if not family:
            return Bound.asymptotics(self, var)
        lim, r, lp, how = self._structural_rate()
        if r is None:
            return self._numeric_rate(sym, lim, how)
        if self.symbolic_rate and len(self.info.get("branches", ())) <= 1 and \
                (self.resolution is None or self.resolution not in self.formula().free_symbols):
            chk = _symbolic_asymptotics_budget(self.formula(), sym, lim)
            if chk is not None and sp.sympify(chk[1] - r) == 0:
                how += "; checked by SymPy's limit on the expression"
        return Asymptotics(sym, lim, r, lp, how)

    def _structural_rate(self):
        eta = _spec_value(self.spec, "equivariance_error")
        if self.method == "partition" and self.info.get("radii"):
            return self._sample_rate(eta)
        if self.method == "partition":
            branches = self.info["branches"]
            br = branches[-1] if (len(branches) == 2 and eta != 0) else branches[0]
            d, dhow = br["growth"], br["growth_how"]
            lim = sp.sympify(br["limit"])
            cond = " (for eta > 0)" if (len(branches) == 2 and eta.free_symbols) else ""
            how = (f"optimised partition bound through {'N(X)' if br['label'] == 'plain' else br['label']}"
                   f"{cond}: covering growth r^-d with d = {d} ({dhow}); rate n^(-1/(d+2)) "
                   "(symbound.bounds.partition, statement (A))")
            if d is None:
                return lim, None, None, how
            return lim, -1 / (sp.sympify(d) + 2), sp.Integer(0), how
        d, dhow = self.info.get("growth"), self.info.get("growth_how", "")
        how = (f"optimised entropy-integral bound: covering growth r^-d with d = {d} ({dhow}); "
               "symbound.bounds.entropy, statement (A)")
        if d is None:
            return sp.Integer(0), None, None, how
        r, lp = _dudley_rate(d)
        return sp.Integer(0), r, lp, how

    def _sample_rate(self, eta):
        """Partition bound through a covering of the sample: the covering model is bounded and
        the grid is the nets' radii, so the optimum tends to the smallest radius r_min: limit
        ``2 L_l (L r_min + eta)`` (the plain branch's ``2 L_l L r_min`` when it wins), rate 1/2."""
        branches = self.info["branches"]
        L = _spec_value(self.spec, "lipschitz") + (1 if self.spec.get("output_space") else 0)
        Ll = _spec_value(self.spec, "loss_lipschitz")
        r_min = min(self.info["radii"])
        lims = [2 * Ll * (L * r_min + (br["limit"] / (2 * Ll) if br["label"] != "plain" else 0))
                for br in branches]
        lim = lims[-1] if (len(lims) == 2 and eta != 0) else lims[0]
        reading = branches[0]["cover"].reading
        extra = ("" if reading is None else
                 f"; the nets' reading d0 = {float(reading[1]):.4g} (an estimate of the sample's "
                 "covering dimension) would give n^(-1/(d0+2)) if N ~ V0 r^-d0 held at every scale")
        how = ("covering model of the sample: bounded, and eps is chosen among the nets' radii, so "
               "the optimum tends to the smallest radius" + extra)
        return lim, sp.Rational(-1, 2), sp.Integer(0), how

    def _numeric_rate(self, sym, lim, how) -> Asymptotics:
        others = (self.free_symbols | set(lim.free_symbols)) - {sym, self.resolution}
        if others:
            raise NumericalError(
                f"the covering's growth is unknown ({how}); the rate in {sym} is then read from "
                f"the slope and needs numeric values for {sorted(s.name for s in others)}")
        lv = evaluate_expr(lim) if lim != 0 else 0

        def excess(nv):
            return self.evaluate({sym: nv}) - lv

        r = rational_reading(numeric_exponent(excess))
        return Asymptotics(sym, lim, r, None,
                           how + "; exponent = numeric slope of log(bound - limit) between n = 1e30 "
                                 "and 1e34")


def _xreplace_assignment(v, mapping):
    if isinstance(v, tuple):
        return tuple(_xreplace_assignment(w, mapping) for w in v)
    return xreplace_numbers(v, mapping) if isinstance(v, sp.Basic) else v


def _winner(b: GeneralizationBound, values):
    """(the resolution of the branch that gives the bound's value, {label: resolution})."""
    if not isinstance(values, tuple):
        return values, None
    branches = b.info.get("branches", ())
    if len(values) == 1:
        return values[0], None
    labels = {br["label"]: v for br, v in zip(branches, values)}
    try:
        vals = [evaluate_expr(Bound.formula(replace(b, expr=br["expr"], definitions=br["definitions"])))
                for br in branches]
        i = min(range(len(vals)), key=vals.__getitem__)
    except (InvalidValueError, NumericalError):
        i = 0
    return values[i], labels


def _vacuous(b: GeneralizationBound, value) -> bool:
    M = _spec_value(b.spec, "loss_bound")
    try:
        return bool(M.is_number and not isinstance(value, sp.Basic) and value >= float(M))
    except TypeError:
        return False


# ------------------------------------------------------------------------------------------------
# Parameters
# ------------------------------------------------------------------------------------------------


def _spec_value(spec: Mapping[str, Any], pname: str):
    """The current SymPy value of a constructor parameter (canonical symbol when not given)."""
    v = spec.get(pname)
    default = {"lipschitz": "L", "loss_lipschitz": "L_l", "loss_bound": "M", "classes": "C",
               "hypothesis_bound": "B", "n": "n", "delta": "delta"}
    if pname == "equivariance_error":
        return sp.Integer(0) if v is None else convert_value(pname, v, "eta")[0]
    if pname == "grid_size":
        return sp.Integer(1) if v is None else (v if isinstance(v, sp.Basic) else sp.Integer(v))
    if v is None:
        return symbol(default[pname])
    if isinstance(v, sp.Basic):
        return v
    return convert_value(pname, v, pname)[0]


def _param(name: str, value: Any, default: str, *, low=0, low_closed=False) -> sp.Expr:
    if value is None:
        return symbol(default)
    v, _rec = convert_value(name, value, default)
    check_real(name, v, low, low_closed=low_closed)
    return v


def _count_param(name, value, default_symbol, default=None):
    if value is None:
        return symbol(default_symbol) if default is None else sp.Integer(default)
    v = check_integer(name, value, 1, allow_symbolic=True)
    return sp.Integer(v) if isinstance(v, int) else v


def _eta(value) -> tuple[sp.Expr, MeasuredInput | None]:
    """eta and its record: a number / symbol, or a SupErrorUpperBound (recorded)."""
    if value is None:
        return symbol("eta"), None
    v, rec = convert_value("equivariance_error", value, "eta")
    check_real("equivariance_error", v, 0, low_closed=True)
    return v, rec


def _assumptions(group, ycover, eta, empirical: bool) -> list[str]:
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
    if empirical:
        out.append("covering: greedy nets of the sample (a covering of the sample, not of X); "
                   "their radii were chosen before seeing the sample")
    return out


# ------------------------------------------------------------------------------------------------
# Public entry point
# ------------------------------------------------------------------------------------------------


def generalization_bound(space=None, group=None, method: str = "partition", *,
                         lipschitz: Any = None, loss_lipschitz: Any = None, loss_bound: Any = None,
                         classes: Any = None, equivariance_error: Any = 0,
                         hypothesis_bound: Any = None, grid_size: Any = None,
                         output_space=None, resolution: str = "optimize",
                         covering: Any = "upper", power_law=None, n: Any = None,
                         delta: Any = None, plain_covering: bool = True,
                         grid_range: tuple | None = None) -> GeneralizationBound:
    r"""Generalization bound for (approximately) S-invariant or S-equivariant Lipschitz models.

    Returns a :class:`GeneralizationBound` on ``|R(f) - R_n(f)|`` (partition) or
    ``sup_f |R(f) - R_n(f)|`` (Dudley), in the symbols n and delta, holding with probability at
    least ``1 - delta`` (less the failure probability of measured inputs).

    Partition bound (THEORY §4.1; Xu & Mannor 2012, Thm 3; :mod:`symbound.bounds.partition`):

    .. math::

        2L_\ell(L\varepsilon + \eta) + M\sqrt{\frac{2\,C\,N_S(X,\varepsilon)\ln 2
        + 2\ln m + 2\ln(1/\delta)}{n}}

    Entropy-integral bound (THEORY §4.2; Dudley 1967; Mohri et al. 2018, Thm 3.3, Lemma 5.7;
    :mod:`symbound.bounds.entropy`):

    .. math::

        2L_\ell\Big(4\alpha + \frac{12}{\sqrt n}\int_\alpha^B\sqrt{\ln N(F_\eta,u)}\,du\Big)
        + M\sqrt{\frac{\ln(2/\delta)}{2n}}

    For ``eta != 0`` (and ``plain_covering``) both are the smaller of the bound through ``N_S``
    and the plain bound through ``N(X)`` (THEORY §5, two coverings): never above the bound
    without symmetry, equal to it once eta is large.

    Parameters
    ----------
    space : input space X (``symbound.spaces``), or None with ``power_law`` or an empirical
        ``covering``.
    group : transformation set S acting on X (None: no symmetry).  Any set the quotient module
        handles: groups, partial sets, ``TransformationSet``.
    method : "partition" or "dudley".
    lipschitz, loss_lipschitz, loss_bound : L, L_l, M (numbers or SymPy; default canonical
        symbols).  Floats are taken as the exact binary numbers they store.
    classes : C, number of label values (partition, discrete labels; default symbol C).
    equivariance_error : eta >= 0, ``sup_{x, s} |f(s x) - rho(s) f(x)|`` of the model class
        (default 0: exactly invariant/equivariant models): a number or symbol, or a
        :class:`~symbound.seam.SupErrorUpperBound` certified on a region (its value is used and
        recorded; a confidence c < 1 makes the bound hold with probability ``1 - delta - (1 -
        c)``).  A mean-error estimate is refused: convert it with ``est.sup_upper_bound(...)`` or
        ``sb.certified_sup_error(...)``.
    hypothesis_bound : B, hypotheses take values in [-B, B] (Dudley; default symbol B).
    grid_size : m, size of the grid of resolutions of the partition bound's union bound
        (``2 ln m``).  Default 1: no union bound is needed when eps depends only on n, delta and
        constants known in advance (the optimiser's choice does).  With ``m > 1`` the optimiser
        chooses eps from a geometric grid of m values (``grid_range``, default ``(R1 n^{-1/2},
        R1)``, R1 the radius of one ball containing X), the grid the ``2 ln m`` pays for.
    output_space : Y (a space) for continuous or equivariant outputs: the bound uses
        ``Z = X x Y`` with the diagonal action and an invariant loss (stated in ``assumptions``).
    resolution : "optimize" (closed-form optimum substituted when the covering is a power law) or
        "expose" (eps / alpha left free; :meth:`GeneralizationBound.optimize` gives it).
    covering : "upper" (default: the certified upper covering number of the space or quotient, so
        the bound is certified), "power_law" (the leading-order power law ``V0 r^-d0`` of the
        covering number: closed-form optimum and rate, labelled asymptotic), "auto" (power law
        where there is one, else "upper"), or greedy nets of the sample
        (:func:`symbound.empirical_covering_number` results at radii chosen in advance): a
        covering model of the sample, not of X (:mod:`symbound.bounds.covering_models`).  The
        partition bound then becomes an estimate (``kind="empirical"``), with the radii as its
        grid (``ln m``, m the number of nets); the entropy-integral bound stays certified through
        the empirical Rademacher complexity of the training sample (the nets must be of the
        training inputs; n is their size).
    power_law : (V0, d0) asserted by the caller: ``N_S(X, r) <= V0 r^{-d0}`` on the radii used.
    n, delta : sample size and confidence (default the canonical symbols).
    plain_covering : for ``eta != 0``, also bound through the plain covering N(X) and take the
        smaller (default True; needs ``space``, or nets with plain counts).
    grid_range : (lo, hi) of the partition bound's grid of m resolutions (constants fixed before
        the data).

    Returns
    -------
    GeneralizationBound

    Raises
    ------
    InvalidValueError / InvalidTypeError
        delta outside (0, 1), n < 1, non-integer classes or grid_size, negative
        equivariance_error, nonpositive constants, unknown method / resolution / covering, a
        measured estimate where a sup is owed.

    Examples
    --------
    >>> from symbound.spaces import Ball
    >>> b = generalization_bound(Ball(2), power_law=(9, 2), lipschitz=1, loss_lipschitz=1,
    ...                          loss_bound=1, classes=2)
    >>> b.rate("n")
    -1/4
    >>> round(float(b.evaluate(n=10**6, delta=0.05)), 4)
    0.1999
    """
    spec = dict(space=space, group=group, method=method, lipschitz=lipschitz,
                loss_lipschitz=loss_lipschitz, loss_bound=loss_bound, classes=classes,
                equivariance_error=equivariance_error, hypothesis_bound=hypothesis_bound,
                grid_size=grid_size, output_space=output_space, resolution=resolution,
                covering=covering, power_law=power_law, n=n, delta=delta,
                plain_covering=plain_covering, grid_range=grid_range)
    return _build(spec)


def _build(spec: dict) -> GeneralizationBound:
    method, resolution, covering = spec["method"], spec["resolution"], spec["covering"]
    check_choice("method", method, _METHODS)
    check_choice("resolution", resolution, _RESOLUTIONS)
    empirical = is_empirical_covering(covering)
    if not empirical:
        if not isinstance(covering, str):
            raise InvalidTypeError(
                f"covering must be one of {_COVERINGS} or greedy nets of the sample "
                f"(EmpiricalCovering), got {type(covering).__name__}")
        check_choice("covering", covering, _COVERINGS)
    space, group, output_space = spec["space"], spec["group"], spec["output_space"]
    L = _param("lipschitz", spec["lipschitz"], "L")
    Ll = _param("loss_lipschitz", spec["loss_lipschitz"], "L_l")
    M = _param("loss_bound", spec["loss_bound"], "M")
    B = _param("hypothesis_bound", spec["hypothesis_bound"], "B")
    eta, eta_rec = _eta(spec["equivariance_error"])
    C = _count_param("classes", spec["classes"], "C")
    n_s = _count_param("n", spec["n"], "n")
    if spec["delta"] is None:
        d_s = symbol("delta")
    else:
        check_probability("delta", spec["delta"])
        d_s = convert_value("delta", spec["delta"], "delta")[0]
    if space is not None and not hasattr(space, "covering"):
        raise InvalidTypeError(
            f"space must be a symbound space with a covering(eps, kind) method, got {type(space).__name__}")
    if group is not None and not hasattr(group, "is_group"):
        raise InvalidTypeError(
            f"group must be a symbound transformation set (symbound.groups), got {type(group).__name__}")
    if empirical:
        nets = covering if isinstance(covering, (list, tuple)) else (covering,)
        group = group if group is not None else nets[0].group
    if group is None and spec["power_law"] is None and eta != 0:
        raise InvalidValueError(
            f"equivariance_error must be 0 without a group (S+ = {{id}} has no equivariance error), "
            f"got {eta}; pass group=... for approximately invariant models")
    approx = group is not None and eta != 0
    records = [eta_rec] if eta_rec is not None else []
    # ----- covering models
    if empirical:
        cover = empirical_cover(covering, group)
        plain = None
        if approx and spec["plain_covering"] and all(
                net.n_centers_plain is not None for net in nets):
            plain = empirical_cover(covering, group, plain=True)
        m_default = len(cover.radii)
        if method == "dudley":
            if n_s.is_number and n_s != cover.n_points:
                raise InvalidValueError(
                    f"n={n_s}: the empirical covering is of a sample of {cover.n_points} points; "
                    "the entropy-integral bound through it is for that training sample (n = "
                    f"{cover.n_points})")
            n_s = sp.Integer(cover.n_points)
    else:
        cover = make_cover(space, group, covering, spec["power_law"])
        plain = None
        if approx and spec["plain_covering"] and space is not None:
            plain = make_cover(space, None, covering if spec["power_law"] is None else "upper", None)
        if method == "dudley" and approx and plain is None:
            raise InvalidValueError("equivariance_error > 0 with method='dudley' needs space (the "
                                    "plain covering number of X is used at scales u <= 4 eta)")
        m_default = 1
    m = _count_param("grid_size", spec["grid_size"], "m", default=m_default)
    if empirical and method == "partition" and m != m_default:
        raise InvalidValueError(
            f"grid_size={m}: with a covering of the sample the grid is the nets' radii "
            f"(m = {m_default})")
    ycover = None
    if output_space is not None:
        if not hasattr(output_space, "covering"):
            raise InvalidTypeError(
                f"output_space must be a symbound space, got {type(output_space).__name__}")
        ycover = make_cover(output_space, None, "power_law" if cover.power_law else "upper", None,
                            name="Y")
    # ----- the bound
    name = ("partition bound" if method == "partition" else "entropy-integral bound") + \
        ("" if group is None else f" mod {group.name}")
    assumptions = _assumptions(group, ycover, eta, empirical)
    if method == "partition":
        b = _partition_bound(spec, group, cover, plain, ycover, L, Ll, M, eta, n_s, d_s, C, m,
                             eta_rec is not None, name, assumptions)
    else:
        b = _dudley_bound(group, cover, plain, ycover, L, Ll, M, eta, eta_rec, n_s, d_s, B,
                          empirical, name, assumptions)
    b = replace(b, spec=dict(spec), **b._with_measured(records))
    if resolution == "optimize" and b.resolution is not None:
        closed = (b.argmin is not None if method == "dudley" else
                  all(br["argmin"] is not None for br in b.info["branches"]) and m == 1)
        if closed:
            opt = b._optimize_resolution(None, True, None)
            b = replace(opt.bound, fixed=(), info=dict(opt.bound.info, optimized_at_build=True,
                                                       optimum_values=opt.bound.fixed[-1][1]))
    return b


def _partition_bound(spec, group, cover, plain, ycover, L, Ll, M, eta, n, delta, C, m,
                     measured, name, assumptions) -> GeneralizationBound:
    parts = partition_parts(group=group, cover=cover, plain=plain, ycover=ycover, L=L, Ll=Ll, M=M,
                            eta=eta, n=n, delta=delta, C=C, m=m, union_branches=measured)
    eps = symbol("eps")
    branches = []
    defs = {}
    for br in parts["branches"]:
        branches.append(br)
        defs.update(br["definitions"])
    expr = branches[0]["expr"] if len(branches) == 1 else BranchMin(*[br["expr"] for br in branches])
    r1s = [_radius_one(br["cover"]) for br in branches]
    r1 = max(r1s) if all(r is not None for r in r1s) else None
    if ycover is not None and r1 is not None:
        ry = _radius_one(ycover)
        r1 = None if ry is None else max(r1, ry)
    pl = branches[0]["power_law"]
    argmin = branches[0]["argmin"] if len(branches) == 1 else None
    info = {"branches": tuple(branches), "one_ball": r1, "k_union": parts["k_union"],
            "resolution_symbol": eps}
    if cover.radii:
        info["radii"] = cover.radii
    return GeneralizationBound(
        expr=expr, lhs=r"\left|R(f) - \hat{R}_n(f)\right|", reference=REF_PARTITION,
        definitions=defs, assumptions=tuple(assumptions), regime=tuple(parts["regime"]),
        kind=parts["kind"], resolution=eps, name=name, notes=tuple(parts["notes"]),
        argmin=argmin,
        argmin_method=("minimiser of the surrogate A eps + D eps^(-d0/2), sqrt(a+b) <= sqrt(a) + "
                       "sqrt(b); the bound is evaluated exactly there"),
        method="partition", power_law=pl,
        search_interval=(1e-12, 2 * float(sp.N(r1)) if r1 is not None else 1e3),
        symbolic_rate=True, info=info)


def _radius_one(cover) -> Any:
    """A radius at which the covering model is 1 (R1, or V0^(1/d0) for a power law)."""
    if cover.one_ball is not None:
        return sp.sympify(cover.one_ball)
    if cover.power_law is not None:
        v0, d0 = (sp.sympify(x) for x in cover.power_law)
        if v0.is_number and d0.is_number:
            return v0 ** (1 / d0)
    if cover.radii:
        return max(cover.radii)
    return None


def _dudley_bound(group, cover, plain, ycover, L, Ll, M, eta, eta_rec, n, delta, B, empirical,
                  name, assumptions) -> GeneralizationBound:
    levels = None
    if eta_rec is not None:
        top = 2 * (B if ycover is None else M / 2)
        if top.free_symbols:
            raise InvalidValueError(
                "a measured eta with method='dudley' needs a numeric hypothesis_bound (loss_bound "
                "with output_space): the eta levels 2B 2^(-j/8) are fixed before the data")
        etac_meas = eta if ycover is None else Ll * eta
        if etac_meas.free_symbols:
            raise InvalidValueError("a measured eta with output_space needs a numeric loss_lipschitz")
        level, j = eta_level(etac_meas, top)
        eta = level if ycover is None else level / Ll
        levels = ETA_LEVELS
        assumptions = list(assumptions) + [
            f"measured eta rounded up to the level {float(level):.6g} of {ETA_LEVELS} fixed in "
            f"advance (2B 2^(-j/8), j = {j}; symbound.bounds.entropy statement (M))"]
    parts = dudley_parts(group=group, cover=cover, plain=plain, ycover=ycover, L=L, Ll=Ll, M=M,
                         eta=eta, n=n, delta=delta, B=B, eta_levels=levels, empirical=empirical)
    Bc = parts["info"]["resolution_upper"]
    return GeneralizationBound(
        expr=parts["expr"], lhs=r"\sup_{f}\left|R(f) - \hat{R}_n(f)\right|", reference=REF_DUDLEY,
        definitions=parts["definitions"], assumptions=tuple(assumptions),
        regime=tuple(parts["regime"]), kind=parts["kind"], resolution=parts["resolution"],
        name=name, notes=tuple(parts["notes"]), argmin=parts["argmin"],
        argmin_method=parts["argmin_method"], method="dudley", power_law=parts["power_law"],
        search_interval=(float(sp.N(Bc)) * 1e-12, float(sp.N(Bc))) if not Bc.free_symbols else None,
        symbolic_rate=False,
        info=dict(parts["info"], resolution_symbol=parts["resolution"]))
