r"""Minimising a bound over its resolution (eps, alpha): closed forms, breakpoints, grids.

Three searches, chosen by the shape of the bound ``f(x)`` in the resolution x:

* **Grid** (``grid=`` given): ``min_j f(x_j)`` over a grid fixed in advance, each value computed
  exactly.  This is the search a union bound over ``m`` resolutions pays for (``ln m``): the grid
  is the one the bound's ``ln m`` counts (:func:`resolution_grid`).
* **Breakpoints** (``f`` contains ceilings or floors of x, or a ``Piecewise`` in x): covering
  numbers are step functions, so a partition bound ``f(x) = A x + h(x)`` (``A > 0``, h
  nonincreasing: the covering term) is a saw-tooth.  Between two consecutive breakpoints of its
  ceilings h is constant and f increases, so the minimum over each constant piece is at the piece's
  left end: the candidates are those left ends, ``x = psi(k)`` where ``phi(x) = k`` solves the
  ceiling argument for an integer k (exactly, by SymPy).  Pieces that cannot hold the minimum are
  pruned with the monotonicity of h: for ``x <= y``, ``f(x) >= h(y)``; for ``x <= hi``,
  ``f(x) >= A x + h(hi)``.  When h also varies smoothly inside a piece (``Min`` of a smooth bound and
  a ceiling), the best pieces are refined by golden section.  When the ceilings cannot be solved
  for x or the pruned range holds more than :data:`MAX_PIECES` pieces (so fine that one step of
  a ceiling changes the bound by a relative ``1/MAX_PIECES`` or less), a dense scan of
  :data:`MAX_PIECES` points is followed by the breakpoints near its best point; the result says so.
* **Smooth**: a log-spaced scan, three zooms and golden section.

In every case the returned value is the bound *evaluated exactly* at the returned point (a Python
float, so ``b.evaluate(eps=opt.argmin) == opt.value``): it is a valid bound whatever the search's
accuracy.  A minimum of a ``Min`` of several bounds is the smallest of their separate minima
(``min_x min_i f_i(x) = min_i min_x f_i(x)``), so each branch keeps its own optimal resolution.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import mpmath
import sympy as sp

from ..errors import InvalidValueError, NumericalError
from ..functions import BranchMin, exact_number, xreplace_numbers

__all__ = ["resolution_grid", "minimize", "MinimizeResult", "MAX_PIECES"]

#: most constant pieces of a saw-tooth bound that are evaluated one by one
MAX_PIECES = 20000
#: points of the coarse log-spaced scan
SCAN_POINTS = 400


@dataclass(frozen=True)
class MinimizeResult:
    """``x``: the argument (a float, exactly representable); ``value``: the bound at ``x``,
    computed exactly; ``method``: how ``x`` was found; ``branch``: index of the ``Min`` argument
    that gave the minimum (None without ``Min``)."""

    x: float
    value: Any
    method: str
    branch: int | None = None


def resolution_grid(m: int, lo: Any, hi: Any) -> tuple[sp.Rational, ...]:
    r"""The geometric grid of ``m`` resolutions ``hi, hi q^-1, ..., lo`` (``q = (hi/lo)^{1/(m-1)}``).

    Each value is a float taken exactly (so that evaluating the bound at ``float(x_j)`` gives the
    same number); ``m = 1`` gives ``(hi,)``.  ``lo`` and ``hi`` must depend only on constants known
    before the data for the union bound over the grid (``2 ln m``) to be valid.

    Examples
    --------
    >>> [float(x) for x in resolution_grid(3, 0.25, 1)]
    [1.0, 0.5, 0.25]
    """
    if not (isinstance(m, int) and m >= 1):
        raise InvalidValueError(f"grid size m must be an integer >= 1, got {m!r}")
    lo_f, hi_f = float(sp.N(lo, 30)), float(sp.N(hi, 30))
    if not (0 < lo_f <= hi_f) or not math.isfinite(hi_f):
        raise InvalidValueError(f"the grid range must satisfy 0 < lo <= hi, got ({lo_f}, {hi_f})")
    if m == 1:
        return (sp.Rational(hi_f),)
    with mpmath.workdps(30):
        q = (mpmath.mpf(hi_f) / mpmath.mpf(lo_f)) ** (mpmath.mpf(1) / (m - 1))
        vals = [float(mpmath.mpf(hi_f) / q ** j) for j in range(m)]
    vals[-1] = lo_f
    return tuple(sp.Rational(v) for v in vals)


def exact_value(f: sp.Expr, sym: sp.Symbol, x: Any):
    """``f`` at ``x`` (taken exactly), evaluated (float, or mpf beyond float64)."""
    from ._bound import evaluate_expr

    return evaluate_expr(xreplace_numbers(f, {sym: exact_number(x)}))


def _fast(f: sp.Expr, sym: sp.Symbol) -> Callable[[float], Any]:
    """A float evaluator of f (math module; mpmath where float64 fails); +inf where undefined."""
    try:
        g = sp.lambdify(sym, f, modules="math")
    except Exception:  # pragma: no cover - a function math cannot print: mpmath only
        g = None
    g_mp = None  # the mpmath evaluator, printed only when float64 fails somewhere (half the cost)

    def val(x):
        nonlocal g_mp
        if g is not None:
            try:
                y = g(x)
                if isinstance(y, (int, float)) and math.isfinite(y):
                    return float(y)
            except (ZeroDivisionError, ValueError, OverflowError, TypeError):
                pass
        if g_mp is None:
            g_mp = sp.lambdify(sym, f, modules="mpmath")
        with mpmath.workdps(30):
            try:
                y = g_mp(mpmath.mpf(x))
            except (ZeroDivisionError, ValueError, OverflowError, TypeError):
                return math.inf
            if isinstance(y, mpmath.mpc):
                return math.inf if abs(y.imag) > 1e-20 else y.real
            if mpmath.isnan(y):
                return math.inf
            return y

    return val


def _float_at_or_above(b: sp.Expr) -> float:
    """The smallest float x with x >= b (b an exact real number)."""
    x = float(sp.N(b, 30))
    if sp.Rational(x) < b:
        x = math.nextafter(x, math.inf)
    return x


def _log_grid(lo: float, hi: float, k: int) -> list[float]:
    return [lo * (hi / lo) ** (i / (k - 1)) for i in range(k)]


# ----- smooth ---------------------------------------------------------------------------------------


def _smooth(f, sym, lo, hi) -> MinimizeResult:
    val = _fast(f, sym)
    a, c = lo, hi
    best_x, best_v = lo, math.inf
    for _ in range(3):
        grid = _log_grid(a, c, 201)
        vals = [val(x) for x in grid]
        i = min(range(len(grid)), key=lambda k: vals[k])
        if vals[i] < best_v:
            best_x, best_v = grid[i], vals[i]
        a, c = grid[max(i - 3, 0)], grid[min(i + 3, len(grid) - 1)]
    if best_v == math.inf:
        raise NumericalError(f"the bound is infinite or undefined over the whole interval [{lo}, {hi}]")
    x, v = _golden(val, a, c)
    if v > best_v:
        x = best_x
    return MinimizeResult(float(x), exact_value(f, sym, x),
                          "numeric (log-grid scan + golden section; smooth bound)")


def _golden(val, a: float, c: float, iters: int = 80) -> tuple[float, Any]:
    la, lc = math.log(a), math.log(c)
    phi = (math.sqrt(5) - 1) / 2
    x1, x2 = lc - phi * (lc - la), la + phi * (lc - la)
    f1, f2 = val(math.exp(x1)), val(math.exp(x2))
    for _ in range(iters):
        if f1 <= f2:
            lc, x2, f2 = x2, x1, f1
            x1 = lc - phi * (lc - la)
            f1 = val(math.exp(x1))
        else:
            la, x1, f1 = x1, x2, f2
            x2 = la + phi * (lc - la)
            f2 = val(math.exp(x2))
    return (math.exp(x1), f1) if f1 <= f2 else (math.exp(x2), f2)


# ----- breakpoints ----------------------------------------------------------------------------------


def _has_steps(f: sp.Expr, sym: sp.Symbol) -> bool:
    return any(sym in a.free_symbols for a in f.atoms(sp.ceiling, sp.floor, sp.Piecewise))


def _split_linear(f: sp.Expr, sym: sp.Symbol) -> tuple[sp.Expr, sp.Expr]:
    """``f = A * sym + h``: A > 0 the coefficient of the top-level terms of f that are polynomials
    of degree 1 in sym (with number coefficients); ``(0, f)`` when there is none."""
    A = sp.Integer(0)
    for t in sp.Add.make_args(f):
        if sym not in t.free_symbols or t.has(sp.ceiling, sp.floor, sp.Piecewise, sp.Min, sp.Max, BranchMin):
            continue
        try:
            P = sp.Poly(sp.expand(t), sym)
        except sp.PolynomialError:
            continue
        if P.degree() == 1 and all(c.is_number for c in P.all_coeffs()):
            A += P.coeff_monomial(sym)
    if not (A.is_number and A > 0):
        return sp.Integer(0), f
    return A, f - A * sym


@functools.lru_cache(maxsize=1024)
def _solver(atom_arg: sp.Expr, sym: sp.Symbol):
    """psi with ``atom_arg(psi(k)) = k`` (exact SymPy solution), or None."""
    from ._bound import _can_time_limit, _time_budget, SOLVE_BUDGET_SECONDS

    k = sp.Symbol("k_bp", positive=True)
    try:
        if _can_time_limit():
            with _time_budget(SOLVE_BUDGET_SECONDS):
                sols = sp.solve(sp.Eq(atom_arg, k), sym)
        else:
            sols = sp.solve(sp.Eq(atom_arg, k), sym)
    except (TimeoutError, NotImplementedError, ValueError, TypeError, RecursionError):
        return None
    sols = [s for s in sols if not s.has(sp.I) and s.free_symbols <= {k}]
    if len(sols) != 1:
        return None
    s = sols[0]
    return (lambda kk: s.xreplace({k: sp.Integer(kk)})), sp.lambdify(k, s, modules="math")


def _piecewise_points(f: sp.Expr, sym: sp.Symbol) -> list[sp.Expr] | None:
    pts = []
    for pw in f.atoms(sp.Piecewise):
        for _e, cond in pw.args:
            if cond in (sp.true, sp.false):
                continue
            rels = cond.atoms(sp.core.relational.Relational)
            for rel in rels:
                if sym not in rel.free_symbols:
                    continue
                try:
                    sols = sp.solve(sp.Eq(rel.lhs, rel.rhs), sym)
                except (NotImplementedError, ValueError, TypeError):
                    return None
                pts += [s for s in sols if s.is_real and s.is_positive]
    return pts


def _steps(f, sym, lo, hi, grid_hint=None) -> MinimizeResult:
    val = _fast(f, sym)
    A, h = _split_linear(f, sym)
    hval = _fast(h, sym) if A > 0 else val
    Af = float(A)
    scan = _log_grid(lo, hi, SCAN_POINTS)
    vals = [val(x) for x in scan]
    i0 = min(range(len(scan)), key=lambda k: vals[k])
    f0 = vals[i0]
    if f0 == math.inf:
        raise NumericalError(f"the bound is infinite or undefined over the whole interval [{lo}, {hi}]")
    f0 = f0 * (1 + 1e-9) + 1e-300
    # pruning: h nonincreasing (checked on the scan), f(x) >= h(y) for x <= y, f(x) >= A x + h(hi)
    hs = [hval(x) for x in scan] if A > 0 else None
    monotone = A > 0 and all(hs[j + 1] <= hs[j] * (1 + 1e-12) + 1e-300 for j in range(len(hs) - 1))
    x_lo, x_hi = lo, hi
    if monotone:
        x_hi = min(hi, max(lo, (float(f0) - float(hs[-1])) / Af))
        above = [x for x, hv in zip(scan, hs) if hv > f0]
        if above:
            x_lo = max(lo, above[-1])
    # breakpoints of every ceiling / floor in sym, exactly
    solvers = []
    for atom in f.atoms(sp.ceiling, sp.floor):
        if sym not in atom.free_symbols:
            continue
        arg = atom.args[0]
        if arg.has(sp.ceiling, sp.floor):
            solvers = None
            break
        s = _solver(arg, sym)
        if s is None:
            solvers = None
            break
        solvers.append((s, _fast(arg, sym)))
    pw_points = _piecewise_points(f, sym)
    method = "numeric (breakpoints of the ceilings: left ends of the constant pieces, exact)"
    if solvers is None or pw_points is None:
        return _dense(f, sym, val, x_lo, x_hi,
                      "numeric (dense scan; the ceilings could not be solved for the resolution)")
    cands: list[tuple[float, Any]] = []  # (float position, exact position)
    total = 0
    ranges = []
    for (psi_exact, psi_f), phi in solvers:
        p1, p2 = phi(x_lo), phi(x_hi)
        if not all(isinstance(p, (int, float)) and math.isfinite(p) for p in (p1, p2)):
            return _dense(f, sym, val, x_lo, x_hi, "numeric (dense scan; unbounded ceiling argument)")
        k1, k2 = int(math.floor(min(p1, p2))) - 1, int(math.ceil(max(p1, p2))) + 1
        ranges.append((psi_exact, psi_f, max(k1, 0), k2))
        total += max(k2 - max(k1, 0) + 1, 0)
    if total > MAX_PIECES:
        return _dense(f, sym, val, x_lo, x_hi,
                      f"numeric (dense scan of {MAX_PIECES} points, then the breakpoints near the "
                      "best one: more pieces than evaluated one by one)", ranges)
    for psi_exact, psi_f, k1, k2 in ranges:
        for k in range(k1, k2 + 1):
            try:
                x = psi_f(k)
            except (ZeroDivisionError, ValueError, OverflowError):
                continue
            if isinstance(x, (int, float)) and x_lo <= x <= x_hi:
                cands.append((float(x), (psi_exact, k)))
    for p in pw_points:
        x = float(sp.N(p, 30))
        if x_lo <= x <= x_hi:
            cands.append((x, p))
    cands.append((x_lo, None))
    return _best_piece(f, sym, val, A, hval, cands, x_hi, method)


def _mask_steps(e: sp.Expr, sym: sp.Symbol) -> sp.Expr:
    """``e`` with its outermost ceilings, floors and Piecewise in ``sym`` replaced by constants."""
    if isinstance(e, (sp.ceiling, sp.floor, sp.Piecewise)) and sym in e.free_symbols:
        return sp.Dummy("step")
    if not e.args or sym not in e.free_symbols:
        return e
    return e.func(*[_mask_steps(a, sym) for a in e.args])


def _best_piece(f, sym, val, A, hval, cands, x_hi, method) -> MinimizeResult:
    """Rank the constant pieces by their left-end value, refine, evaluate exactly."""
    cands.sort(key=lambda c: c[0])
    pos = [c[0] for c in cands] + [x_hi]
    # is h constant between breakpoints?  (only ceilings / floors / Piecewise carry sym)
    pure = A > 0 and sym not in (_mask_steps(f, sym) - A * sym).expand().free_symbols
    scored = []
    for i, (x, ex) in enumerate(cands):
        right = pos[i + 1]
        if right <= x:
            continue
        mid = x + (right - x) / 2
        v = float(A) * x + hval(mid) if pure else val(x + (right - x) * 1e-9)
        scored.append((v, x, right, ex))
    if not scored:
        x = cands[-1][0]
        return MinimizeResult(float(x), exact_value(f, sym, x), method)
    scored.sort(key=lambda s: s[0])
    best = None
    for v, x, right, ex in scored[:3 if pure else 6]:
        if ex is None:
            points = [x]
        else:
            exact = ex[0](ex[1]) if isinstance(ex, tuple) else ex
            xa = _float_at_or_above(exact)
            points = [xa, math.nextafter(xa, math.inf)]
        if not pure:
            xg, _vg = _golden(val, max(x, 1e-300), right)
            points.append(xg)
        for p in points:
            ev = exact_value(f, sym, p)
            if best is None or ev < best[1]:
                best = (p, ev)
    return MinimizeResult(float(best[0]), best[1], method if pure else
                          method + "; golden section inside the best pieces")


def _dense(f, sym, val, lo, hi, method, ranges=None) -> MinimizeResult:
    scan = _log_grid(lo, hi, MAX_PIECES) if hi > lo else [lo]
    vals = [val(x) for x in scan]
    i = min(range(len(scan)), key=lambda k: vals[k])
    x = scan[i]
    best = (x, exact_value(f, sym, x))
    if ranges:
        a, c = scan[max(i - 2, 0)], scan[min(i + 2, len(scan) - 1)]
        near = []
        for psi_exact, psi_f, _k1, _k2 in ranges:
            # the k whose breakpoints fall in [a, c]: bisection-free, from the monotone psi
            ks = _ks_between(psi_f, a, c)
            near += [(psi_exact, k) for k in ks]
        scored = sorted(((val(_float_at_or_above(pe(k))), pe, k) for pe, k in near),
                        key=lambda s: s[0])[:3]
        for _v, pe, k in scored:
            xa = _float_at_or_above(pe(k))
            ev = exact_value(f, sym, xa)
            if ev < best[1]:
                best = (xa, ev)
    return MinimizeResult(float(best[0]), best[1], method)


def _ks_between(psi_f, a: float, c: float, limit: int = 2000) -> list[int]:
    """Integers k with psi(k) in [a, c], psi monotone (at most ``limit`` of them)."""
    # psi is monotone in k; find the range by doubling + bisection on k
    def inside(k):
        try:
            x = psi_f(k)
        except (ZeroDivisionError, ValueError, OverflowError):
            return None
        return x

    lo_k, hi_k = 1, 2
    x1 = inside(1)
    if x1 is None:
        return []
    decreasing = inside(2) is not None and inside(2) < x1
    # find k with psi(k) ~ geometric middle of [a, c]
    target = math.sqrt(a * c)
    while True:
        x = inside(hi_k)
        if x is None or (decreasing and x <= target) or (not decreasing and x >= target) or hi_k > 2**62:
            break
        lo_k, hi_k = hi_k, hi_k * 2
    while hi_k - lo_k > 1:
        mid = (lo_k + hi_k) // 2
        x = inside(mid)
        if x is None or (decreasing and x <= target) or (not decreasing and x >= target):
            hi_k = mid
        else:
            lo_k = mid
    out = []
    for k in range(max(hi_k - limit // 2, 1), hi_k + limit // 2):
        x = inside(k)
        if x is not None and a <= x <= c:
            out.append(k)
    return out


# ----- dispatch -------------------------------------------------------------------------------------


def minimize(f: sp.Expr, sym: sp.Symbol, interval: tuple[float, float],
             grid: Sequence[Any] | None = None) -> MinimizeResult:
    """Minimise the closed univariate expression ``f`` over ``sym`` (module docstring)."""
    lo, hi = (float(v) for v in interval)
    if not (0 < lo < hi):
        raise InvalidValueError(f"interval must satisfy 0 < lo < hi, got {interval!r}")
    if isinstance(f, (sp.Min, BranchMin)):
        results = [minimize(a, sym, interval, grid) for a in f.args if sym in a.free_symbols]
        consts = [a for a in f.args if sym not in a.free_symbols]
        best_i = min(range(len(results)), key=lambda i: results[i].value)
        r = results[best_i]
        if consts:
            from ._bound import evaluate_expr

            cv = min(evaluate_expr(c) for c in consts)
            if cv < r.value:
                return MinimizeResult(r.x, cv, r.method, None)
        return MinimizeResult(r.x, r.value, r.method + " (per branch of the Min)", best_i)
    if grid is not None:
        grid = list(grid)
        if not grid:
            raise InvalidValueError("grid must contain at least one value")
        # rank in floats, then decide among the near-best in exact arithmetic
        val = _fast(f, sym)
        ranked = sorted((val(float(x)), i) for i, x in enumerate(grid))
        top = [i for v, i in ranked[:3]] + [i for v, i in ranked[3:] if v <= ranked[0][0] * (1 + 1e-9)]
        v, x = min(((exact_value(f, sym, grid[i]), grid[i]) for i in top), key=lambda t: t[0])
        return MinimizeResult(float(x), v, f"grid of {len(grid)} values fixed in advance")
    if _has_steps(f, sym):
        return _steps(f, sym, lo, hi)
    return _smooth(f, sym, lo, hi)
