"""The search for the optimal model equivariance level (:meth:`TradeOff.optimal_model_equivariance`).

Scan, refinement and check of :mod:`._search` on the curve ``E(eta)``, with the closed forms of
:mod:`.closed_forms` claimed only where the scans confirm them (statements T1-T4 of
:mod:`.calculator`).
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from ...symbols import symbol
from . import closed_forms as cf
from ._search import TIE, LevelSearch, golden
from ._curve import DRIVERS
from .results import WHICH, LevelOptimum

__all__ = ["optimal_level"]

#: levels of the first scan, as fractions of eta_d: a geometric run towards 0
_GEOMETRIC = np.geomspace(1e-8, 1e-1, 15)
#: levels above eta_d scanned by the check (F_eta grows with eta: the bound should not shrink)
_ABOVE = np.array([1.25, 1.5, 2.0, 3.0, 5.0])


def optimal_level(t, which: str) -> LevelOptimum:
    """The optimum of :meth:`TradeOff.optimal_model_equivariance` (see its docstring)."""
    if which in t._optima:
        return t._optima[which]
    c = t._c(which)
    n = t._numeric_n()
    eta_d = t._numeric_eta_d()
    Ll = float(t.constants["loss_lipschitz"])
    M = float(t.constants["loss_bound"])
    curve = t._curve(n)
    search = LevelSearch(curve.gen, eta_d, c, Ll)
    notes = []
    cands: dict[str, tuple[float, sp.Expr]] = {"full": (0.0, sp.Integer(0)),
                                               "match": (eta_d, symbol("eta_d"))}
    pls = t._power_laws(n) if t.method == "dudley" and curve.path == "compiled" else None
    if pls is not None:
        (V0, d0), (V, d) = pls
        try:
            exprs = cf.dudley_candidates(V0=V0, d0=d0, V=V, d=d, lipschitz=t.constants["lipschitz"],
                                         bound=t.constants["hypothesis_bound"], n=n, c=c)
            for k, ex in exprs.items():
                v = cf.as_float(ex)
                if 0 < v < eta_d:
                    cands[k] = (v, ex)
        except (TypeError, ValueError):
            pls = None
    slow = curve.path == "per level"
    points = t.scan_points or (17 if slow else 65)
    geo_rel = _GEOMETRIC[::3] if slow else _GEOMETRIC
    if t.levels is not None:
        grid = t.levels
        search.evaluate(grid)
        top = float(grid.max())
        i = search.best(within=top)
        first_best = search.table()[4][i]
        passed = True
    else:
        base = np.linspace(0.0, eta_d, points)
        geo = eta_d * geo_rel
        above = eta_d * _ABOVE
        search.evaluate(np.concatenate([base, geo, above, [v for v, _ in cands.values()]]))
        i = search.best()
        etas = search.table()[0]
        x = etas[i]
        if 0 < x < eta_d and eta_d > 0:
            j = np.searchsorted(etas, x)
            a, b = etas[max(j - 1, 0)], etas[min(j + 1, etas.size - 1)]
            golden(search.raw_total, float(a), float(b), steps=20 if slow else 30)
        i = search.best()
        first_best = search.table()[4][i]
        # staggered check scan: midpoints of the uniform grid, a shifted geometric run, above
        mids = (base[:-1] + base[1:]) / 2
        search.evaluate(np.concatenate([mids, geo * 3.3, eta_d * (_ABOVE + 0.5)]))
        i = search.best()
        best_now = search.table()[4][i]
        passed = bool(best_now >= first_best - TIE * max(1.0, abs(first_best)))
        if not passed:
            etas = search.table()[0]
            x = etas[i]
            if 0 < x < eta_d:
                j = np.searchsorted(etas, x)
                golden(search.raw_total, float(etas[max(j - 1, 0)]),
                       float(etas[min(j + 1, etas.size - 1)]), steps=30)
                i = search.best()
            notes.append("the first scan missed a lower level; the check scan found it")
    etas, g, env, driver, total = search.table()
    x, E_star = float(etas[i]), float(total[i])
    gen_star = float(env[i])
    monotone = search.monotone()
    if not monotone:
        notes.append("Gen is not nondecreasing in eta on the levels evaluated: the bound of a "
                     "larger class F_eta' (eta' > eta) was used for F_eta (statement T4)")
    match_level = eta_d
    if t.levels is not None:
        ge = etas[(etas >= eta_d)]
        match_level = float(ge.min()) if ge.size else math.inf
    E0 = float(total[0]) if etas[0] == 0 else float(search.raw_total(0.0))
    k_match = np.flatnonzero(etas == match_level)
    E_match = float(total[k_match[0]]) if k_match.size else math.inf
    tol = TIE * max(1.0, abs(E_star))
    if E_star >= M:
        regime, value = "none", None
        notes.append(f"every level's bound is vacuous: min E = {E_star:.6g} >= M = {M:g}")
    elif etas[0] == 0 and E0 <= E_star + tol:
        regime, value = "full", 0.0
    elif E_match <= E_star + tol:
        regime, value = "match", match_level
    else:
        regime, value = "interior", x
    if value is not None and value != x:
        x = value
        k = np.flatnonzero(etas == x)[0]
        E_star, gen_star = float(total[k]), float(env[k])
        driver_star = int(driver[k])
    else:
        driver_star = int(driver[i])
    gen0 = float(env[0]) if etas[0] == 0 else float(curve.gen(np.array([0.0]))[0][0])
    gen_d = float(env[k_match[0]]) if k_match.size else float(curve.gen(np.array([eta_d]))[0][0])
    decision = {"gain": 2 * (gen_d - gen0), "cost": c * Ll * eta_d}
    closed, path = None, "numeric"
    if t.method == "partition" and t.levels is None and curve.path == "affine":
        rule = cf.partition_rule(sp.Float(curve.plain(), 17), sp.Float(curve.at_zero(), 17),
                                 WHICH[which], t.constants["loss_lipschitz"], symbol("eta_d"))
        predicted = float(rule.subs(symbol("eta_d"), t.eta_d))
        if regime in ("full", "match") and predicted == (0.0 if regime == "full" else eta_d):
            closed, path = rule, "analytic"
        elif regime != "none":
            notes.append("the end-point rule C1 disagrees with the scan: numeric path")
    elif pls is not None and regime in ("full", "match", "interior") and t.levels is None:
        for name, (v, ex) in cands.items():
            if v == x:
                closed, path = (ex if name not in ("full", "match") else cands[name][1]), "analytic"
                if name not in ("full", "match"):
                    notes.append(f"closed form: the {name} candidate of C3 (Lambert W)")
                break
    if regime == "none":
        closed, path = None, "numeric"
    check = {"points": int(etas.size), "minimum": float(total[etas <= max(eta_d, match_level)].min()),
             "passed": passed, "gen_monotone": monotone, "curve_path": curve.path}
    opt = LevelOptimum(
        value=value, regime=regime, total_error=E_star, closed_form=closed, path=path,
        driver=DRIVERS[driver_star],
        approximation=c * max(eta_d - x, 0.0), generalization=gen_star,
        endpoints={"full": E0, "match": E_match}, decision=decision, check=check, which=which,
        notes=tuple(notes))
    t._optima[which] = opt
    return opt
