r"""The :class:`GeneralizationBound` object: a Bound that knows how it was built.

It keeps the arguments of :func:`~symbound.bounds.generalization_bound` (``spec``); substituting
one of them rebuilds the bound, so that everything it reports about itself (kind, assumptions,
probability, closed-form optimum, limit and rate) is derived from its current parameters.  Its
optimiser works branch by branch (the bound through N_S and the plain bound) and on the grid the
union bound pays for; its asymptotics follow statement (A) of :mod:`symbound.bounds.partition`
and :mod:`symbound.bounds.entropy`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping

import sympy as sp

from ..errors import InvalidValueError, NumericalError
from ..functions import BranchMin, exact_number, xreplace_numbers
from ..symbols import symbol
from ._bound import Bound, Optimum, _resolve_symbol, _symbolic_asymptotics_budget, evaluate_expr
from .asymptotics import Asymptotics, numeric_exponent, rational_reading
from .entropy import _dudley_rate, dudley_numeric_argmin
from .measured import convert_value
from .optimize import minimize, resolution_grid

__all__ = ["GeneralizationBound"]

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
        otherwise: no closed form (:meth:`optimize` then searches numerically), or two branches
        with one resolution each (``optimize().details["branches"]``).
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
    def subs(self, values: Mapping[Any, Any] | None = None, **kw: Any) -> "GeneralizationBound":
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
            if pname and isinstance(cur, sp.Basic) and (sym in cur.free_symbols
                                                        or not cur.free_symbols):
                # a parameter fixed to a number at construction is rebuilt with the new value
                # (derive, don't freeze: substituting into an expression without it did nothing)
                if cur == sym or not cur.free_symbols:
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
            from .generalization import _build

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

    def _with_resolution_of(self, opt: Optimum) -> "GeneralizationBound":
        fixed = [v for s, v in opt.bound.fixed if s == opt.variable]
        if not fixed:
            return Bound._with_resolution_of(self, opt)
        return self._apply_fixed(opt.variable, fixed[-1])

    # ----- vacuity ---------------------------------------------------------------------------
    def _numeric_value(self) -> tuple[Any, str] | None:
        """(value, " at eps = ...") once every symbol but the resolution has a number (the
        resolution optimised when free, or the optimum recorded at construction), else None."""
        if self.free_symbols - {self.resolution}:
            return None
        try:
            opt = self.optimize()
        except InvalidValueError:  # no resolution to speak of: the closed value
            return evaluate_expr(self.formula()), ""
        try:
            at = f" at {opt.variable} = {float(sp.N(opt.argmin)):.6g}"
        except (TypeError, ValueError):  # a resolution per branch: see optimize().details
            at = ""
        return opt.value_float, at

    @property
    def vacuous(self) -> bool | None:
        """Whether the bound says nothing: its value (at the optimal resolution when that is free)
        is at least the loss bound M, which bounds ``|R(f) - R_n(f)|`` for a loss in [0, M]
        anyway.  None while other symbols are free or M is symbolic.

        Examples
        --------
        >>> from symbound import generalization_bound
        >>> from symbound.spaces import Ball
        >>> kw = dict(lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2, delta=0.05)
        >>> generalization_bound(Ball(2), n=5, **kw).vacuous
        True
        >>> generalization_bound(Ball(2), n=10**8, **kw).vacuous
        False
        >>> generalization_bound(Ball(2), **kw).vacuous is None
        True
        """
        if not _spec_value(self.spec, "loss_bound").is_number:
            return None
        got = self._numeric_value()
        return None if got is None else _vacuous(self, got[0])

    def describe(self) -> str:
        """Plain-text description (see :meth:`Bound.describe`); once every symbol but the
        resolution has a number, also the value, marked vacuous when it is at least M."""
        out = Bound.describe(self)
        got = self._numeric_value()
        if got is None:
            return out
        value, at = got
        M = _spec_value(self.spec, "loss_bound")
        tail = f": vacuous, at least the loss bound M = {M}" if _vacuous(self, value) else ""
        return out + f"\n  value: {float(value):.6g}{at}{tail}"

    # ----- optimisation ---------------------------------------------------------------------
    def optimize(self, var: Any = None, *, interval: tuple[float, float] | None = None,
                 closed_form: bool = True, grid: Any = None, **values: Any) -> Optimum:
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
