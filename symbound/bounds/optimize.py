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
  ``f(x) >= A x + h(hi)``.  When h also varies smoothly inside a piece (a ``Min`` of a smooth bound
  and a ceiling, a ``Piecewise`` whose branches depend on x, a covering number computed at each
  radius), the best pieces are refined by golden section.  When the ceilings cannot be solved for
  x or the pruned range holds more than :data:`MAX_PIECES` pieces (so fine that one step of a
  ceiling changes the bound by a relative ``1/MAX_PIECES`` or less), a dense scan of
  :data:`MAX_PIECES` points is followed by the breakpoints near its best point; the result says so.
* **Smooth**: a log-spaced scan, three zooms and golden section.

**Reliable values.**  Every decision that prunes the search or picks a region (the log-spaced scan
that fixes the reference value ``f0``, the monotonicity check of h, the ranking of a grid) uses
values that are cross-checked: float64 against mpmath at 30 digits, and on disagreement mpmath at
30 against 60 digits, and on disagreement the exact evaluation.  Float64 alone is not enough: a
covering bound written as ``(1 + 2/x)^3 - (2/x - 1)^3``, or an area ``(1 + x/2)^2 - (1 - x/2)^2``,
cancels catastrophically at small x (it evaluated to 0 at ``x = 4e-17``), and a scan that believed
it returned the bound at ``x = 4e-17`` (147.6, where ``x = 4e-5`` gives 2.3e-4).  The search
within the pruned range, where the values are moderate, runs on float64 and its candidates are
then evaluated exactly.

In every case the returned value is the bound *evaluated exactly* at the returned point (a Python
float, so ``b.evaluate(eps=opt.argmin) == opt.value``): it is a valid bound whatever the search's
accuracy, and the best point of the reliable scan is always among the candidates.  A minimum
of a ``Min`` of several bounds is the smallest of their separate minima
(``min_x min_i f_i(x) = min_i min_x f_i(x)``), so each branch keeps its own optimal resolution.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import mpmath
import sympy as sp

from .._validation import brief
from ..errors import InvalidValueError, NumericalError
from ..functions import BranchMin, exact_number, xreplace_numbers

__all__ = ["resolution_grid", "minimize", "MinimizeResult", "MAX_PIECES", "compiled"]

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
        raise InvalidValueError(f"grid size m must be an integer >= 1, got {brief(m)}")
    lo_f, hi_f = float(sp.N(lo, 30)), float(sp.N(hi, 30))
    if not (0 < lo_f <= hi_f) or not math.isfinite(hi_f):
        raise InvalidValueError(f"the grid range must satisfy 0 < lo <= hi, got ({lo_f}, {hi_f})")
    return _geometric_grid(m, lo_f, hi_f)


@functools.lru_cache(maxsize=256)
def _geometric_grid(m: int, lo_f: float, hi_f: float) -> tuple[sp.Rational, ...]:
    """:func:`resolution_grid` on checked float ends (cached: the report's bounds ask for the same
    grid at every sample size)."""
    if m == 1:
        return (sp.Rational(hi_f),)
    with mpmath.workdps(30):
        q = (mpmath.mpf(hi_f) / mpmath.mpf(lo_f)) ** (mpmath.mpf(1) / (m - 1))
        vals = [float(mpmath.mpf(hi_f) / q ** j) for j in range(m)]
    vals[-1] = lo_f
    return tuple(sp.Rational(*v.as_integer_ratio()) for v in vals)  # exact; 10x Rational(v)


def exact_value(f: sp.Expr, sym: sp.Symbol, x: Any):
    """``f`` at ``x`` (taken exactly), evaluated (float, or mpf beyond float64)."""
    from ._bound import evaluate_expr

    return evaluate_expr(xreplace_numbers(f, {sym: exact_number(x)}))


#: integers and rationals with numerator and denominator up to this size stay in the printed code
#: (exponents such as 1/2, small factors); larger ones (n, sqrt(n), a float taken exactly such as
#: delta) become arguments of the compiled template
_SMALL_NUMBER = 16


def _template(f: sp.Expr) -> tuple[sp.Expr, tuple[sp.Rational, ...], tuple[sp.Symbol, ...]]:
    """``f`` with its large integers and rationals replaced by placeholder symbols: ``(template,
    numbers, placeholders)``, ``template.xreplace(dict(zip(placeholders, numbers))) == f``."""
    numbers: dict[sp.Rational, sp.Symbol] = {}
    for a in sp.preorder_traversal(f):
        if isinstance(a, sp.Rational) and (abs(a.p) > _SMALL_NUMBER or a.q > _SMALL_NUMBER) \
                and a not in numbers:
            numbers[a] = sp.Symbol(f"_symbound_c{len(numbers)}")
    if not numbers:
        return f, (), ()
    return f.xreplace(numbers), tuple(numbers), tuple(numbers.values())


@functools.lru_cache(maxsize=512)
def _lambdified(template: sp.Expr, args: tuple[sp.Symbol, ...], module: str) -> Callable:
    return sp.lambdify(args, template, modules=module)


def compiled(f: sp.Expr, sym: sp.Symbol, module: str) -> Callable[[Any], Any]:
    """``sp.lambdify(sym, f, modules=module)`` (``module`` "math" or "mpmath"), compiled once per
    *shape* of ``f``.

    The bound at another n or delta is the same expression with other numbers: its large integers
    and rationals are arguments of a template (:func:`_template`) printed once and cached; each
    call passes them as the printed code would compute them (an ``int``; a rational ``p/q`` by
    Python's correctly rounded division for "math", ``mpf(p)/mpf(q)`` at the caller's precision
    for "mpmath"), so the operations are those of ``lambdify(sym, f)`` up to the order of the
    terms of a sum (the placeholders sort differently): a difference at the level of rounding.
    These evaluators only rank and cross-check candidates (:class:`_Evaluator`); the value
    :func:`minimize` returns is the exact evaluation.  The cache holds no state of a bound: a bound
    with other parameters is another expression, whose numbers are passed anew.
    """
    template, numbers, holders = _template(f)
    if not numbers:
        return _lambdified(f, (sym,), module)
    g = _lambdified(template, (sym, *holders), module)
    pq = tuple((int(r.p), int(r.q)) for r in numbers)
    if module == "mpmath":
        mpf, at_prec = mpmath.mpf, {}

        def call(x):
            args = at_prec.get(mpmath.mp.prec)
            if args is None:  # the numbers at this precision, as the printed code computes them
                args = at_prec[mpmath.mp.prec] = tuple(p if q == 1 else mpf(p) / mpf(q)
                                                       for p, q in pq)
            return g(x, *args)
    else:
        def call(x):
            return g(x, *(p if q == 1 else p / q for p, q in pq))
    return call


def _fast(f: sp.Expr, sym: sp.Symbol, flagged: bool = False) -> Callable[[float], Any]:
    """A float evaluator of f (math module; mpmath where float64 fails); +inf where undefined.
    With ``flagged=True`` it returns ``(value, whether float64 computed it)``."""
    try:
        g = compiled(f, sym, "math")
    except Exception:  # pragma: no cover - a function math cannot print: mpmath only
        g = None
    g_mp = None  # the mpmath evaluator, printed only when float64 fails somewhere (half the cost)

    def val(x):
        nonlocal g_mp
        if g is not None:
            try:
                y = g(x)
                if isinstance(y, (int, float)) and math.isfinite(y):
                    return (float(y), True) if flagged else float(y)
            except (ZeroDivisionError, ValueError, OverflowError, TypeError, NameError):
                pass
        if g_mp is None:
            g_mp = compiled(f, sym, "mpmath")
        with mpmath.workdps(30):
            try:
                y = _real(g_mp(mpmath.mpf(x)))
            except (ZeroDivisionError, ValueError, OverflowError, TypeError):
                y = math.inf
        return (y, False) if flagged else y

    return val


def _real(y) -> float:
    """A float of an mpmath / Python number (+inf for non-real, NaN or beyond float64)."""
    if isinstance(y, mpmath.mpc):
        if abs(y.imag) > mpmath.mpf(10) ** -20 * (1 + abs(y.real)):
            return math.inf
        y = y.real
    try:
        v = float(y)
    except (TypeError, ValueError, OverflowError):
        return math.inf
    return math.inf if math.isnan(v) else v


def _close(a: float, b: float, rel: float) -> bool:
    return math.isfinite(a) and math.isfinite(b) and abs(a - b) <= rel * max(abs(a), abs(b))


class _Evaluator:
    """``f`` at float x: ``fast`` (float64, mpmath fallback) and ``reliable`` (cross-checked, see
    the module docstring; cached)."""

    def __init__(self, f: sp.Expr, sym: sp.Symbol):
        self.f, self.sym = f, sym
        self._flagged = _fast(f, sym, flagged=True)
        self.fast = lambda x: self._flagged(x)[0]
        self._mp = compiled(f, sym, "mpmath")
        self._cache: dict[float, float] = {}

    def _mp_at(self, x: float, dps: int) -> float:
        with mpmath.workdps(dps):
            try:
                return _real(self._mp(mpmath.mpf(x)))
            except (ZeroDivisionError, ValueError, OverflowError, TypeError):
                return math.inf

    def reliable(self, x: float) -> float:
        v = self._cache.get(x)
        if v is not None:
            return v
        (fl, by_float), m30 = self._flagged(x), self._mp_at(x, 30)
        if by_float and _close(fl, m30, 1e-9):
            v = m30
        else:
            m60 = self._mp_at(x, 60)
            if _close(m30, m60, 1e-12) or (m30 == m60 == math.inf):
                v = m60
            else:
                try:
                    v = _real(exact_value(self.f, self.sym, x))
                except (NumericalError, InvalidValueError, ZeroDivisionError, TypeError, ValueError):
                    v = math.inf
        self._cache[x] = v
        return v


def _float_at_or_above(b: sp.Expr) -> float:
    """The smallest float x with x >= b (b an exact real number)."""
    x = float(sp.N(b, 30))
    if sp.Rational(x) < b:
        x = math.nextafter(x, math.inf)
    return x


def _log_grid(lo: float, hi: float, k: int) -> list[float]:
    if k < 2 or hi <= lo:
        return [lo]
    return [lo * (hi / lo) ** (i / (k - 1)) for i in range(k)]


def _scan(ev: _Evaluator, lo: float, hi: float, k: int) -> tuple[list[float], list[float], int]:
    """The reliable log-spaced scan: points, values and the index of the smallest value."""
    xs = _log_grid(lo, hi, k)
    vals = [ev.reliable(x) for x in xs]
    i0 = min(range(len(xs)), key=lambda i: vals[i])
    if vals[i0] == math.inf:
        raise NumericalError(f"the bound is infinite or undefined over the whole interval [{lo}, {hi}]")
    return xs, vals, i0


def _settle(f, sym, ev: "_Evaluator", points, method: str, branch=None) -> MinimizeResult:
    """Rank the candidate points by their reliable values, evaluate the best few exactly and
    return the best (the value is the bound there)."""
    pts = sorted({float(p) for p in points if p is not None and math.isfinite(p) and p > 0},
                 key=ev.reliable)
    best = None
    for p in pts[:_EXACT_CANDIDATES]:
        try:
            v = exact_value(f, sym, p)
        except NumericalError:
            continue
        if best is None or v < best[1]:
            best = (p, v)
    if best is None:
        raise NumericalError("the bound could not be evaluated at any candidate resolution")
    return MinimizeResult(best[0], best[1], method, branch)


#: candidates evaluated exactly at the end of a search (ranked by their reliable values)
_EXACT_CANDIDATES = 3


# ----- smooth ---------------------------------------------------------------------------------------


def _smooth(f, sym, lo, hi) -> MinimizeResult:
    ev = _Evaluator(f, sym)
    xs, vals, i = _scan(ev, lo, hi, 201)
    best_x, best_v = xs[i], vals[i]
    a, c = xs[max(i - 3, 0)], xs[min(i + 3, len(xs) - 1)]
    for _ in range(2):
        grid = _log_grid(a, c, 201)
        gv = [ev.fast(x) for x in grid]
        j = min(range(len(grid)), key=lambda k: gv[k])
        a, c = grid[max(j - 3, 0)], grid[min(j + 3, len(grid) - 1)]
    x, _v = _golden(ev.fast, a, c)
    return _settle(f, sym, ev, [best_x, x, grid[j]],
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


def _bracket(xs: list[float], vals: list[float], f0: float) -> tuple[float, float]:
    """The smallest range of the scan holding every point within a relative 1e-3 of ``f0``, one
    scan step wider on each side (used when h is not monotone and cannot prune)."""
    near = [i for i, v in enumerate(vals) if v <= f0 * (1 + 1e-3) + 1e-300]
    return xs[max(min(near) - 1, 0)], xs[min(max(near) + 1, len(xs) - 1)]


def _steps(f, sym, lo, hi) -> MinimizeResult:
    ev = _Evaluator(f, sym)
    A, h = _split_linear(f, sym)
    Af = float(A)
    scan, vals, i0 = _scan(ev, lo, hi, SCAN_POINTS)
    f0 = vals[i0] * (1 + 1e-9) + 1e-300
    seed = scan[i0]
    # pruning: h nonincreasing (checked on the reliable scan), f(x) >= h(y) for x <= y,
    # f(x) >= A x + h(hi) for every x
    hs = [v - Af * x for x, v in zip(scan, vals)] if A > 0 else None
    monotone = A > 0 and all(
        hs[j + 1] <= hs[j] + 1e-9 * abs(hs[j]) + 1e-300 for j in range(len(hs) - 1))
    if monotone:
        x_hi = min(hi, max(seed, (f0 - hs[-1]) / Af))
        above = [x for x, hv in zip(scan, hs) if hv > f0 and x <= seed]
        x_lo = max(lo, above[-1]) if above else lo
    else:
        x_lo, x_hi = _bracket(scan, vals, vals[i0])
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
        return _dense(f, sym, ev, x_lo, x_hi, seed,
                      "numeric (dense scan; the ceilings could not be solved for the resolution)")
    cands: list[tuple[float, Any]] = []  # (float position, exact position)
    total = 0
    ranges = []
    for (psi_exact, psi_f), phi in solvers:
        p1, p2 = _real(phi(x_lo)), _real(phi(x_hi))
        if not (math.isfinite(p1) and math.isfinite(p2)):
            return _dense(f, sym, ev, x_lo, x_hi, seed,
                          "numeric (dense scan; unbounded ceiling argument)")
        k1, k2 = int(math.floor(min(p1, p2))) - 1, int(math.ceil(max(p1, p2))) + 1
        ranges.append((psi_exact, psi_f, max(k1, 0), k2))
        total += max(k2 - max(k1, 0) + 1, 0)
    if total > MAX_PIECES:
        return _dense(f, sym, ev, x_lo, x_hi, seed,
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
    return _best_piece(f, sym, ev, A, h, cands, x_hi, seed, method)


def _only_in_steps(e: sp.Expr, sym: sp.Symbol) -> bool:
    """Whether ``sym`` occurs in ``e`` only inside ceilings, floors and ``Piecewise`` whose
    branches are (recursively) constant between breakpoints: ``e`` is then constant between them.
    Read off the tree without rebuilding it (rebuilding re-evaluates powers such as
    ``(1 + 2/eps)^784``, whose assumption queries can take minutes in SymPy)."""
    if sym not in e.free_symbols or isinstance(e, (sp.ceiling, sp.floor)):
        return True
    if isinstance(e, sp.Piecewise):
        return all(_only_in_steps(x, sym) for x, _cond in e.args)
    if e == sym or not e.args:
        return False
    return all(_only_in_steps(a, sym) for a in e.args)


def _linear_plus_steps(f: sp.Expr, sym: sp.Symbol, A: sp.Expr) -> bool:
    """Whether ``f = A sym + h`` with ``h`` constant between breakpoints (:func:`_only_in_steps`),
    read from the terms of ``f`` as they stand (a form this misses is treated as not pure: the
    pieces are then ranked by full evaluations, which is slower, never wrong)."""
    slope = sp.Integer(0)
    for t in sp.Add.make_args(f):
        c, rest = t.as_coeff_Mul()
        if rest == sym:
            slope += c
        elif not _only_in_steps(t, sym):
            return False
    return slope == A


#: pieces refined by golden section when h varies inside the pieces
_GOLDEN_PIECES = 8


def _best_piece(f, sym, ev, A, h, cands, x_hi, seed, method) -> MinimizeResult:
    """Rank the pieces between breakpoints, refine, evaluate exactly (module docstring)."""
    cands.sort(key=lambda c: c[0])
    pos = [c[0] for c in cands] + [x_hi]
    # is h constant between breakpoints?  (only ceilings / floors / constant Piecewise carry sym)
    pure = A > 0 and _linear_plus_steps(f, sym, A)
    hval = _fast(h, sym) if A > 0 else None
    scored = []
    for i, (x, ex) in enumerate(cands):
        right = pos[i + 1]
        if right <= x:
            continue
        if pure:
            v = float(A) * x + hval(x + (right - x) / 2)
        else:
            v = ev.fast(x + (right - x) * 1e-9)
        scored.append((v, x, right, ex))
    points = [seed]
    if not scored:
        points.append(cands[-1][0])
        return _settle(f, sym, ev, points, method)
    scored.sort(key=lambda s: s[0])
    for v, x, right, ex in scored[:3 if pure else _GOLDEN_PIECES]:
        if ex is None:
            points.append(x)
        else:
            exact = ex[0](ex[1]) if isinstance(ex, tuple) else ex
            xa = _float_at_or_above(exact)
            points += [xa, math.nextafter(xa, math.inf)]
        if not pure:
            points.append(_golden(ev.fast, max(x, 1e-300), right)[0])
    if not pure:
        # a smooth piece can hold its minimum anywhere: golden section over the pruned range too
        points.append(_golden(ev.fast, max(pos[0], 1e-300), x_hi)[0])
    return _settle(f, sym, ev, points, method if pure else
                   method + "; golden section inside the best pieces")


def _dense(f, sym, ev, lo, hi, seed, method, ranges=None) -> MinimizeResult:
    scan = _log_grid(lo, hi, MAX_PIECES) if hi > lo else [lo]
    vals = [ev.fast(x) for x in scan]
    order = sorted(range(len(scan)), key=lambda k: vals[k])[:5]
    # the float scan picks the region; its best points are confirmed with reliable values
    i = min(order, key=lambda k: ev.reliable(scan[k]))
    points = [seed, scan[i]]
    a, c = scan[max(i - 2, 0)], scan[min(i + 2, len(scan) - 1)]
    if ranges:
        near = []
        for psi_exact, psi_f, _k1, _k2 in ranges:
            # the k whose breakpoints fall in [a, c]: bisection-free, from the monotone psi
            ks = _ks_between(psi_f, a, c)
            near += [(psi_exact, k) for k in ks]
        scored = sorted(((ev.fast(_float_at_or_above(pe(k))), pe, k) for pe, k in near),
                        key=lambda s: s[0])[:3]
        points += [_float_at_or_above(pe(k)) for _v, pe, k in scored]
    else:
        points.append(_golden(ev.fast, a, c)[0])
    return _settle(f, sym, ev, points, method)


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
        raise InvalidValueError(f"interval must satisfy 0 < lo < hi, got {brief(interval)}")
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
        # rank with reliable values, then decide among the near-best in exact arithmetic
        ev = _Evaluator(f, sym)
        ranked = sorted((ev.reliable(float(x)), i) for i, x in enumerate(grid))
        top = [i for v, i in ranked[:3]] + [i for v, i in ranked[3:] if v <= ranked[0][0] * (1 + 1e-9)]
        v, x = min(((exact_value(f, sym, grid[i]), grid[i]) for i in top), key=lambda t: t[0])
        return MinimizeResult(float(x), v, f"grid of {len(grid)} values fixed in advance")
    if _has_steps(f, sym):
        return _steps(f, sym, lo, hi)
    return _smooth(f, sym, lo, hi)
