"""The certified threshold sample size (:meth:`TradeOff.threshold_n`; statement T5 of
:mod:`.calculator`) and its closed form for power-law coverings (C2 of :mod:`.closed_forms`)."""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from ..._validation import brief, check_integer, check_real
from ...errors import InvalidValueError
from . import closed_forms as cf
from ._search import certified_threshold
from .results import WHICH, Threshold

__all__ = ["threshold_n", "threshold_closed_form"]


def threshold_n(t, which: str, n_max: int, rtol: float) -> Threshold:
    """The threshold of :meth:`TradeOff.threshold_n` (see its docstring)."""
    n_max = check_integer("n_max", n_max, 1)
    check_real("rtol", rtol, 0, 1, low_closed=False, high_closed=False, allow_symbolic=False)
    c = t._c(which)
    Ll = float(t.constants["loss_lipschitz"])
    cf_expr, cf_kind = threshold_closed_form(t, which)
    if t.eta_d.free_symbols:
        if cf_expr is None:
            raise InvalidValueError(f"eta_d is symbolic and there is no closed form ({cf_kind}); "
                                    "give a number")
        return Threshold("symbolic", None, None, False, cf_expr, None, cf_kind, "analytic", True,
                         which=which)
    eta_d = t._numeric_eta_d()
    if eta_d == 0:
        return Threshold("never", None, None, False, None, None,
                         "eta_d = 0: the data's level is full symmetry", "numeric", True,
                         which=which, notes=("eta_d = 0: matching the data is full symmetry",))
    eta_m = eta_d  # the level that matches the data
    if t.levels is not None:
        if t.levels[0] != 0:
            raise InvalidValueError("threshold_n compares full symmetry with matching: the level "
                                    f"grid must contain 0, got levels starting at {brief(t.levels[0])}")
        above = t.levels[t.levels >= eta_d]
        if above.size == 0:
            raise InvalidValueError(f"no level of the grid covers eta_d = {eta_d:g} (largest "
                                    f"{t.levels[-1]!r}): matching is not on the grid")
        eta_m = float(above[0])
    cf_value = None
    if cf_expr is not None:
        v = cf.as_float(cf_expr)
        cf_value = v if math.isfinite(v) else None
    cache: dict[int, tuple[float, float]] = {}
    t._family.prepare_many_n()

    def gens(n: int) -> tuple[float, float]:
        if n not in cache:
            # the search visits many n: keep only their values, not their curves
            g = t._curve(n, keep=(n == t.n)).gen(np.array([0.0, eta_m]))[0]
            cache[n] = (float(g[0]), float(g[1]))
        return cache[n]

    def delta_bounds(a: int, b: int) -> tuple[float, float]:
        g0a, gda = gens(a)
        g0b, gdb = gens(b)
        return (2 * gda - c * Ll * eta_d - 2 * g0b, 2 * gdb - c * Ll * eta_d - 2 * g0a)

    grid, tail = [], None
    k = 0
    while True:
        nk = 10 ** k
        grid.append(nk)
        if 2 * gens(nk)[1] < c * Ll * eta_d:
            tail = nk
            break
        if nk >= n_max:
            break
        k += 1
    diffs = [2 * gens(m)[1] - c * Ll * eta_d - 2 * gens(m)[0] for m in grid]
    signs = [d < 0 for d in diffs]
    monotone = sum(1 for a, b in zip(signs, signs[1:]) if a != b) <= 1
    notes = []
    g0s = [gens(m)[0] for m in grid]
    gds = [gens(m)[1] for m in grid]
    increasing = any(b > a * (1 + 1e-12) + 1e-300 for s in (g0s, gds) for a, b in zip(s, s[1:]))
    if increasing:
        notes.append("a bound increased with n on the grid (statement T4 expects it "
                     "nonincreasing): the bracket is not certified")
    scan = {"n": np.array(grid, dtype=float), "difference": np.array(diffs)}
    if tail is None:
        return Threshold("finite", None, None, False, cf_expr, cf_value, cf_kind, "numeric",
                         monotone, scan, which,
                         tuple(notes) + (f"no certificate below n_max = {n_max:g}",), False)
    def point(m: int) -> float:
        g0, gd = gens(m)
        return 2 * gd - c * Ll * eta_d - 2 * g0

    lo, hi, certified = certified_threshold(point, delta_bounds, grid, tail, rtol)
    if not certified:
        notes.append("the certified sweep above the crossing did not finish: the value is the "
                     "last crossing of the point values, not certified")
    if lo is None:
        return Threshold("always", 1, (1, 1), True, cf_expr, cf_value, cf_kind, "numeric",
                         monotone, scan, which, tuple(notes), not increasing)
    vac = [m for m in grid if c * Ll * eta_d + 2 * gens(m)[0] < float(t.constants["loss_bound"])]
    if vac and not monotone:
        notes.append(f"for n < {vac[0]:g} (grid) the full-symmetry bound is vacuous (>= M): "
                     "the sign changes there compare vacuous bounds")
    if cf_value is not None:
        notes.append(f"closed form / certified value = {cf_value / hi:.6g}")
    return Threshold("finite", int(hi), (int(lo), int(hi)), bool(point(lo) >= 0), cf_expr, cf_value,
                     cf_kind, "numeric", monotone, scan, which, tuple(notes),
                     certified and not increasing)


def threshold_closed_form(t, which: str):
    """(C2): the leading-order threshold of the partition bound with power-law coverings, or
    ``(None, why)``."""
    if t.method != "partition":
        return None, ("the entropy-integral bound's E(eta_d) - E(0) involves Lambert W and erfi "
                      "terms in n: no closed-form root")
    pls = t._power_laws(10**6)
    if pls is None:
        return None, "the coverings are not power laws (covering='power_law' or power_law=...)"
    (V0, d0), (V, d) = pls
    kw = {k: t.constants[k] for k in ("loss_lipschitz", "lipschitz", "loss_bound")}
    kw["classes"] = t.constants["classes"]
    kN = cf.partition_kappa(V, d, **kw)
    kS = cf.partition_kappa(V0, d0, **kw)
    eta_d = t.eta_d if t.eta_d.free_symbols else sp.nsimplify(t.eta_d)
    return cf.partition_threshold(kN, d, kS, d0, WHICH[which], t.constants["loss_lipschitz"],
                                  eta_d)
