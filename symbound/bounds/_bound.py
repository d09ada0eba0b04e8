"""The Bound object (THEORY.md §4.3; DESIGN.md "Symbolic layer").

A :class:`Bound` is an inequality ``lhs <= expr`` between a quantity of interest (a generalization
gap, an approximation error) and a SymPy expression in the symbols of THEORY.md §0.  It knows its
reference, its assumptions, its regime of validity, whether it is certified or asymptotic, how to
optimise its free resolution, its leading rate in n, and its LaTeX.

``expr`` is the paper form, which may contain unevaluated quantities (``N_S(X, eps)``, ``|G|``);
``definitions`` maps each to its formula, and :meth:`Bound.formula` substitutes them.
"""

from __future__ import annotations

import contextlib
import math
import signal
import threading
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

import mpmath
import sympy as sp

from .._validation import check_real
from ..errors import InvalidTypeError, InvalidValueError, NumericalError
from ..functions import latex_of, xreplace_numbers
from ..symbols import SYMBOLS

__all__ = ["Bound", "Optimum", "evaluate_expr"]

KINDS = ("certified", "asymptotic")

#: seconds SymPy may spend looking for a closed-form optimum before the numeric path takes over
SOLVE_BUDGET_SECONDS = 5.0


@contextlib.contextmanager
def _time_budget(seconds: float):
    """Raise ``TimeoutError`` inside the block after ``seconds`` (SIGALRM; main thread on Unix only).

    Elsewhere the block runs without a budget only if ``allowed_without_alarm`` — callers check
    :func:`_can_time_limit` first and skip open-ended solves when it is False."""
    def handler(signum, frame):  # pragma: no cover - timing dependent
        raise TimeoutError

    old = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _can_time_limit() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _resolve_symbol(expr_symbols, key) -> sp.Symbol:
    """Map a user key (a canonical name, a Symbol, or a name of a free symbol) to a symbol."""
    if isinstance(key, sp.Symbol):
        return key
    if not isinstance(key, str):
        raise InvalidTypeError(f"symbol names must be str or sympy.Symbol, got {type(key).__name__}")
    for s in expr_symbols:
        if s.name == key:
            return s
    if key in SYMBOLS:
        return SYMBOLS[key].symbol
    raise InvalidValueError(
        f"{key!r} is not a free symbol of this bound; its free symbols are "
        f"{sorted(s.name for s in expr_symbols)}"
    )


def _to_sympy_value(name: str, value) -> sp.Expr:
    if isinstance(value, sp.Basic):
        return value
    if isinstance(value, bool):
        raise InvalidTypeError(f"{name} must be a number or a SymPy expression, got a bool")
    if isinstance(value, int):
        return sp.Integer(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidValueError(f"{name} must be finite, got {value!r}")
        return sp.Float(value, 17)
    if hasattr(value, "value") and hasattr(value, "stderr"):  # a numeric estimate (seam)
        return _to_sympy_value(name, float(value.value))
    try:
        import numpy as np

        if isinstance(value, np.generic):
            return _to_sympy_value(name, value.item())
    except ImportError:  # pragma: no cover
        pass
    if isinstance(value, mpmath.mpf):
        return sp.Float(value, mpmath.mp.dps)
    raise InvalidTypeError(f"{name} must be a number or a SymPy expression, got {type(value).__name__}")


def _check_known_domain(sym: sp.Symbol, value: sp.Expr) -> None:
    """Domain checks for the canonical symbols (delta in (0,1), n >= 1, positives > 0, ...)."""
    if value.free_symbols:
        return
    name = sym.name
    if name == "delta":
        check_real("delta", value, 0, 1, low_closed=False, high_closed=False)
    elif name == "n" and sym.is_integer:
        if not (value.is_integer and value >= 1):
            raise InvalidValueError(f"n must be an integer >= 1, got {value}")
    elif name in ("C", "G_order", "m", "K", "d") and sym.is_integer:
        if not (value.is_integer and value >= 1):
            raise InvalidValueError(f"{name} must be an integer >= 1, got {value}")
    elif sym.is_positive:
        check_real(name, value, 0, None, low_closed=False)
    elif sym.is_nonnegative:
        check_real(name, value, 0, None)


def evaluate_expr(expr: sp.Expr, *, what: str = "bound") -> float | mpmath.mpf:
    """Evaluate a closed SymPy expression: a float when float64 holds it, an ``mpmath.mpf`` otherwise;
    never a silent inf or NaN."""
    if expr.free_symbols:
        raise InvalidValueError(
            f"cannot evaluate the {what}: no value for {sorted(s.name for s in expr.free_symbols)}"
        )
    with mpmath.workdps(40):
        v = sp.N(expr, 40)
    if v.has(sp.zoo, sp.nan) or v is sp.nan:
        raise NumericalError(f"the {what} evaluates to an undefined value ({v})")
    if v == sp.oo:
        raise NumericalError(f"the {what} is infinite at these values")
    if not v.is_real:
        if v.is_number and abs(sp.im(v)) < 1e-30 * (1 + abs(sp.re(v))):
            v = sp.re(v)
        else:
            raise NumericalError(f"the {what} evaluates to a non-real value ({v})")
    m = mpmath.mpf(str(v)) if not isinstance(v, sp.Float) else v._to_mpmath(v._prec)
    if mpmath.isnan(m) or mpmath.isinf(m):
        raise NumericalError(f"the {what} evaluates to {m}")
    if abs(m) < mpmath.mpf("1e300") and (m == 0 or abs(m) > mpmath.mpf("1e-300")):
        return float(m)
    return m


@dataclass(frozen=True)
class Optimum:
    """The result of :meth:`Bound.optimize`.

    Attributes
    ----------
    variable : the symbol optimised (eps, alpha, eta ...).
    argmin : the optimal value (a SymPy expression when found in closed form, else a float).
    value : the bound at ``argmin`` (expression or float).
    bound : the Bound with the variable replaced by ``argmin``.
    method : "closed form (SymPy)" or "numeric (bounded search + mpmath refinement)".
    certified : True when ``value`` is the bound evaluated at a feasible ``argmin`` (so it is itself a
        valid bound whatever the optimiser's accuracy).
    """

    variable: sp.Symbol
    argmin: Any
    value: Any
    bound: "Bound"
    method: str
    certified: bool = True

    def _repr_latex_(self) -> str:
        return (f"$\\displaystyle {latex_of(self.variable)}^* = {latex_of(sp.sympify(self.argmin))}"
                f",\\quad \\text{{value}} = {latex_of(sp.sympify(self.value))}$")


@dataclass(frozen=True, repr=False)
class Bound:
    r"""An upper bound ``lhs <= expr`` with everything needed to trust and use it.

    Parameters
    ----------
    expr : the right-hand side in paper form (may contain unevaluated quantities).
    lhs : LaTeX of the bounded quantity, e.g. ``|R(f) - \hat R_n(f)|``.
    reference : THEORY.md section or paper (theorem number).
    definitions : unevaluated quantity -> formula (substituted by :meth:`formula`).
    assumptions : human-readable assumptions (Lipschitz loss, isometric action, ...).
    regime : conditions of validity, as strings or SymPy relationals.
    kind : "certified" (holds as stated) or "asymptotic" (leading order as eps -> 0 / n -> oo).
    resolution : the free resolution symbol (eps, alpha) that :meth:`optimize` removes by default.
    name : short name.
    notes : anything the user should know (e.g. "holds with probability >= 1 - delta").
    known_rate : (exponent, log_power) of the leading n-dependence when derived by hand (used by
        :meth:`rate` where the limit cannot be taken symbolically); checked against the expression
        where SymPy can.

    Examples
    --------
    >>> import sympy as sp
    >>> from symbound.symbols import symbols
    >>> n, delta, M = symbols("n", "delta", "M")
    >>> b = Bound(M * sp.sqrt(sp.log(2 / delta) / (2 * n)), lhs="R - R_n", reference="Hoeffding")
    >>> round(b.evaluate(n=1000, delta=0.05, M=1), 6)
    0.042947
    >>> b.rate("n")
    -1/2
    """

    expr: sp.Expr
    lhs: str = r"R(f) - \hat{R}_n(f)"
    reference: str = ""
    definitions: Mapping[sp.Expr, sp.Expr] = field(default_factory=dict)
    assumptions: tuple[str, ...] = ()
    regime: tuple[Any, ...] = ()
    kind: str = "certified"
    resolution: sp.Symbol | None = None
    name: str = "bound"
    notes: tuple[str, ...] = ()
    known_rate: tuple[sp.Rational, int] | None = None
    probability: str | None = r"1 - \delta"

    def __post_init__(self):
        if not isinstance(self.expr, sp.Basic):
            raise InvalidTypeError(f"expr must be a SymPy expression, got {type(self.expr).__name__}")
        if self.kind not in KINDS:
            raise InvalidValueError(f"kind must be one of {KINDS}, got {self.kind!r}")

    # ----- structure ------------------------------------------------------------------------
    def formula(self, steps: int | None = None) -> sp.Expr:
        """The right-hand side with every unevaluated quantity replaced by its formula.

        ``steps`` rewrites only that many levels of definitions (e.g. ``N_G(X, eps)`` ->
        ``N(X, eps)/|G|`` in one step, then the numbers); ``None`` rewrites completely."""
        e = self.expr
        for _ in range(8 if steps is None else steps):  # definitions may refer to other definitions
            new = e.xreplace(dict(self.definitions))
            if new == e:
                break
            e = new
        return e

    rewrite = formula

    @property
    def free_symbols(self) -> set[sp.Symbol]:
        """Free symbols of the formula (the parameters a numeric evaluation needs)."""
        return set(self.formula().free_symbols)

    def _symbols_map(self, values: Mapping[Any, Any]) -> dict[sp.Symbol, sp.Expr]:
        syms = self.free_symbols | set(self.expr.free_symbols)
        out = {}
        for key, val in values.items():
            sym = _resolve_symbol(syms, key)
            v = _to_sympy_value(sym.name, val)
            _check_known_domain(sym, v)
            out[sym] = v
        return out

    def subs(self, values: Mapping[Any, Any] | None = None, **kw) -> "Bound":
        """A new Bound with symbols replaced (by name or Symbol): ``b.subs(n=1000, delta=0.05)``."""
        vals = dict(values or {})
        vals.update(kw)
        m = self._symbols_map(vals)
        defs = {k.xreplace(m): xreplace_numbers(v, m) for k, v in self.definitions.items()}
        res = self.resolution if self.resolution not in m else None
        return replace(self, expr=xreplace_numbers(self.expr, m), definitions=defs, resolution=res)

    def evaluate(self, values: Mapping[Any, Any] | None = None, **kw) -> float | mpmath.mpf:
        """The bound's value: a float where float64 holds it, an ``mpmath.mpf`` otherwise.

        If the resolution symbol is left free, it is optimised numerically first (the value is then
        the bound at the returned optimum, itself a valid bound)."""
        b = self.subs(values, **kw)
        if b.resolution is not None and b.resolution in b.free_symbols and \
                b.free_symbols == {b.resolution}:
            return b.optimize().value_float
        return evaluate_expr(b.formula())

    # ----- optimisation ---------------------------------------------------------------------
    def optimize(self, var: Any = None, *, interval: tuple[float, float] | None = None,
                 closed_form: bool = True, **values) -> "_OptimumResult":
        """Minimise the bound over ``var`` (default: its resolution symbol).

        First tries a closed form: SymPy solves d expr / d var = 0 within a time budget
        (SOLVE_BUDGET_SECONDS; NUMERICS.md: general solves can take minutes).  When no closed form
        is found, or other symbols have numeric values, a numeric search runs: a log-spaced scan of
        ``interval`` followed by bounded golden-section refinement in mpmath.  The returned value is
        the bound evaluated at the returned point, so it is valid even if the point is not exactly
        optimal ("certified").  The result says which path was taken.
        """
        b = self.subs(values) if values else self
        if var is None:
            var = b.resolution
        if var is None:
            raise InvalidValueError("var must be given: this bound has no resolution symbol")
        sym = _resolve_symbol(b.free_symbols, var)
        f = b.formula()
        if sym not in f.free_symbols:
            raise InvalidValueError(f"{sym} does not appear in the bound")
        others = f.free_symbols - {sym}
        if closed_form:
            sol = _closed_form_argmin(f, sym)
            if sol is not None:
                val = sp.simplify(f.xreplace({sym: sol})) if len(str(f)) < 400 else f.xreplace({sym: sol})
                nb = replace(b, expr=b.expr.xreplace({sym: sol}),
                             definitions={k.xreplace({sym: sol}): v.xreplace({sym: sol})
                                          for k, v in b.definitions.items()},
                             resolution=None)
                return _OptimumResult(sym, sol, val, nb, "closed form (SymPy)", True)
        if others:
            raise InvalidValueError(
                f"no closed form found for the optimal {sym}; give numeric values for "
                f"{sorted(s.name for s in others)} to optimise numerically"
            )
        x, v = _numeric_argmin(f, sym, interval)
        nb = replace(b, expr=xreplace_numbers(b.expr, {sym: sp.Float(x, 17)}),
                     definitions={k.xreplace({sym: sp.Float(x, 17)}): xreplace_numbers(d, {sym: sp.Float(x, 17)})
                                  for k, d in b.definitions.items()},
                     resolution=None)
        return _OptimumResult(sym, x, v, nb, "numeric (log-grid scan + golden-section, mpmath)", True)

    # ----- rates ----------------------------------------------------------------------------
    def rate(self, var: Any = "n") -> sp.Rational:
        """Leading exponent r of the bound in ``var`` as var -> oo: bound = var^r up to log factors.

        Computed as lim log(bound)/log(var) with SymPy; where the limit cannot be taken (a free
        resolution symbol, piecewise parts) the hand-derived ``known_rate`` is returned."""
        return self.rate_details(var)[0]

    def rate_details(self, var: Any = "n") -> tuple[sp.Rational, int | None, str]:
        """(exponent, power of log var or None if unknown, how it was obtained)."""
        sym = _resolve_symbol(self.free_symbols, var)
        f = self.formula()
        if self.resolution is None or self.resolution not in f.free_symbols:
            try:
                if _can_time_limit():
                    with _time_budget(SOLVE_BUDGET_SECONDS):
                        r = sp.limit(sp.expand_log(sp.log(f), force=True) / sp.log(sym), sym, sp.oo)
                else:
                    r = sp.limit(sp.log(f) / sp.log(sym), sym, sp.oo)
                if r.is_Rational:
                    lp = None
                    if self.known_rate is not None and sp.Rational(self.known_rate[0]) == r:
                        lp = self.known_rate[1]
                    return r, lp, "limit log(bound)/log(n) (SymPy)"
            except (TimeoutError, NotImplementedError, ValueError, TypeError, RecursionError):
                pass
        if self.known_rate is not None:
            return sp.Rational(self.known_rate[0]), self.known_rate[1], "derived by hand (see reference)"
        raise NumericalError(
            f"the rate in {sym} could not be determined symbolically; optimise the resolution first"
        )

    # ----- display --------------------------------------------------------------------------
    def latex(self, form: str = "paper") -> str:
        """LaTeX of the inequality; ``form="formula"`` expands the unevaluated quantities."""
        if form not in ("paper", "formula"):
            raise InvalidValueError(f"form must be 'paper' or 'formula', got {form!r}")
        rhs = self.expr if form == "paper" else self.formula()
        op = r"\le" if self.kind == "certified" else r"\lesssim"
        return f"{self.lhs} {op} {latex_of(rhs)}"

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self.latex()}$"

    def __str__(self) -> str:
        op = "<=" if self.kind == "certified" else "<~"
        return f"{self.name}: {self.lhs} {op} {self.expr}   [{self.kind}; {self.reference}]"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self}>"

    def describe(self) -> str:
        """Plain-text description: statement, kind, reference, assumptions, regime, notes."""
        op = "<=" if self.kind == "certified" else "<~ (leading order)"
        lines = [f"{self.name} ({self.kind})", f"  {self.lhs} {op} {self.formula()}"]
        if self.probability:
            lines.append(f"  with probability at least {self.probability}")
        lines.append(f"  reference: {self.reference}")
        for a in self.assumptions:
            lines.append(f"  assumption: {a}")
        for r in self.regime:
            lines.append(f"  regime: {r}")
        for nt in self.notes:
            lines.append(f"  note: {nt}")
        return "\n".join(lines)


@dataclass(frozen=True)
class _OptimumResult(Optimum):
    @property
    def value_float(self):
        return evaluate_expr(sp.sympify(self.value)) if isinstance(self.value, sp.Basic) else self.value


def _closed_form_argmin(f: sp.Expr, sym: sp.Symbol):
    """A closed-form positive stationary point of f in sym that is a minimum, or None."""
    if f.has(sp.Piecewise, sp.Min, sp.Max, sp.ceiling, sp.floor):
        return None
    if not _can_time_limit():
        return None
    try:
        with _time_budget(SOLVE_BUDGET_SECONDS):
            df = sp.diff(f, sym)
            sols = sp.solve(sp.Eq(df, 0), sym, dict=False)
            cands = [s for s in sols if s.is_positive is not False and not s.has(sp.I)]
            if len(cands) != 1:
                return None
            s = cands[0]
            d2 = sp.diff(f, sym, 2).xreplace({sym: s})
            if d2.is_positive is False:
                return None
            return s
    except (TimeoutError, NotImplementedError, ValueError, TypeError, RecursionError):
        return None


def _numeric_argmin(f: sp.Expr, sym: sp.Symbol, interval) -> tuple[float, float]:
    """Minimise a univariate closed expression: log-grid scan then golden section (mpmath)."""
    lo, hi = interval if interval is not None else (1e-12, 1e6)
    if not (0 < lo < hi):
        raise InvalidValueError(f"interval must satisfy 0 < lo < hi, got {interval!r}")
    g = sp.lambdify(sym, f, modules="mpmath")
    try:
        g_fast = sp.lambdify(sym, f, modules="math")
    except Exception:  # pragma: no cover - a function math cannot print: mpmath only
        g_fast = None

    def val_mp(x):
        with mpmath.workdps(30):
            try:
                y = g(mpmath.mpf(x))
            except (ZeroDivisionError, ValueError, OverflowError):
                return mpmath.inf
            if isinstance(y, mpmath.mpc):
                return mpmath.inf if abs(y.imag) > 1e-20 else y.real
            if mpmath.isnan(y):
                return mpmath.inf
            return y

    def val(x):
        # float64 for the search (fast); mpmath where float64 overflows or fails.  Only the
        # search uses these values: the returned value is recomputed exactly at the argmin.
        if g_fast is not None:
            try:
                y = g_fast(x)
                if isinstance(y, (int, float)) and math.isfinite(y):
                    return mpmath.mpf(y)
            except (ZeroDivisionError, ValueError, OverflowError, TypeError):
                pass
        return val_mp(x)

    # log-grid scan, then three zooms around the best point: robust to the saw-tooth shape that
    # ceil() gives a bound (many local minima), where golden section alone stalls.
    a, c = lo, hi
    best_x, best_v = lo, mpmath.inf
    for _ in range(3):
        grid = [a * (c / a) ** (i / 200.0) for i in range(201)]
        vals = [val(x) for x in grid]
        i = min(range(len(grid)), key=lambda k: vals[k])
        if vals[i] < best_v:
            best_x, best_v = grid[i], vals[i]
        a = grid[max(i - 3, 0)]
        c = grid[min(i + 3, len(grid) - 1)]
    if mpmath.isinf(best_v):
        raise NumericalError(f"the bound is infinite or undefined over the whole interval {interval}")
    i = 0
    grid, vals = [best_x], [best_v]
    # golden section in log-space
    la, lc = math.log(a), math.log(c)
    phi = (math.sqrt(5) - 1) / 2
    x1 = lc - phi * (lc - la)
    x2 = la + phi * (lc - la)
    f1, f2 = val(math.exp(x1)), val(math.exp(x2))
    for _ in range(80):
        if f1 <= f2:
            lc, x2, f2 = x2, x1, f1
            x1 = lc - phi * (lc - la)
            f1 = val(math.exp(x1))
        else:
            la, x1, f1 = x1, x2, f2
            x2 = la + phi * (lc - la)
            f2 = val(math.exp(x2))
    best_x, best_v = (math.exp(x1), f1) if f1 <= f2 else (math.exp(x2), f2)
    if vals[i] < best_v:
        best_x, best_v = grid[i], vals[i]
    return float(best_x), evaluate_expr(xreplace_numbers(f, {sym: sp.Float(best_x, 17)}))
