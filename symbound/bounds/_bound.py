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
import signal
import threading
import warnings
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

import mpmath
import numpy as np
import sympy as sp

from .._validation import brief, check_integer, check_real, closest_name
from ..errors import InvalidTypeError, InvalidValueError, NumericalError, SlowEvaluationWarning
from ..functions import BranchMin, display_expr, latex_of, xreplace_numbers
from ..printing import latex_to_text, number_text, prettify, text
from ..symbols import SYMBOLS
from .asymptotics import Asymptotics, symbolic_asymptotics
from .measured import MeasuredInput, convert_value

__all__ = ["Bound", "Optimum", "evaluate_expr"]

#: "certified": holds as stated; "asymptotic": leading order (eps -> 0 / n -> oo);
#: "empirical": built from a quantity estimated on a sample (e.g. the covering number of the
#: sample standing for that of the input distribution's support), an estimate, not certified
KINDS = ("certified", "asymptotic", "empirical")

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


#: canonical symbols a value may be given for even when a bound does not contain them (the sample
#: size, confidence and resolutions of a comparison); any other absent symbol is refused
_CONTEXT_SYMBOLS = frozenset({"n", "delta", "eps", "u", "alpha"})


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
    names = sorted(s.name for s in expr_symbols)
    near = closest_name(key, names)
    raise InvalidValueError(f"{key!r} is not a free symbol of this bound" + (
        f": did you mean {near!r}?" if near else f"; its free symbols are {', '.join(names)}"))


def _check_known_domain(sym: sp.Symbol, value: sp.Expr, given: Any = None) -> None:
    """Domain checks for the canonical symbols (delta in (0,1), n >= 1, positives > 0, ...);
    ``given`` is the value as the user wrote it (for the message)."""
    if value.free_symbols:
        return
    name = sym.name
    shown = value if given is None or isinstance(given, MeasuredInput) else given
    if name == "delta":
        check_real("delta", shown if _is_plain_number(shown) else value, 0, 1, low_closed=False,
                   high_closed=False)
    elif name in ("n", "C", "G_order", "m", "K", "d") and sym.is_integer:
        check_integer(name, shown if _is_plain_number(shown) else value, 1)
    elif sym.is_positive:
        check_real(name, value, 0, None, low_closed=False)
    elif sym.is_nonnegative:
        check_real(name, value, 0, None)


def _is_plain_number(v: Any) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) or (
        isinstance(v, sp.Basic) and v.is_number)


def _missing_values(what: str, free) -> InvalidValueError:
    """"cannot evaluate the bound: no value for n; pass it, e.g. .evaluate(n=1000)"."""
    names = sorted(s.name for s in free)
    if all(k.isidentifier() for k in names):
        example = ", ".join(f"{k}={_EXAMPLE_VALUES.get(k, 1)}" for k in names)
    else:  # a symbol name that is not a keyword: the mapping form
        example = "{" + ", ".join(f"{k!r}: {_EXAMPLE_VALUES.get(k, 1)}" for k in names) + "}"
    return InvalidValueError(f"cannot evaluate the {what}: no value for {', '.join(names)}; pass "
                             f"{'it' if len(names) == 1 else 'them'}, e.g. .evaluate({example})")


#: the example values the message of a missing value shows
_EXAMPLE_VALUES = {"n": 1000, "delta": 0.05, "eps": 0.1, "alpha": 0.1}


#: rationals whose denominator has more bits than this are evaluated from their leading bits
_HUGE_BITS = 4096


def _leading_float(p: int, q: int) -> sp.Float:
    """``p/q`` as a 60-digit Float from the leading 256 bits of ``p`` and ``q`` (relative error
    below ``2^-190``; for evaluation only, never for a certified rounding)."""
    kp, kq = max(0, abs(p).bit_length() - 256), max(0, q.bit_length() - 256)
    with mpmath.workprec(220):
        m = mpmath.ldexp(mpmath.mpf(p >> kp) / mpmath.mpf(q >> kq), kp - kq)
    return sp.Float(m, 60)


def evaluate_expr(expr: sp.Expr, *, what: str = "bound") -> float | mpmath.mpf:
    """Evaluate a closed SymPy expression: a float when float64 holds it, an ``mpmath.mpf`` otherwise;
    never a silent inf or NaN."""
    if expr.free_symbols:
        raise _missing_values(what, expr.free_symbols)
    # a rational with millions of digits (a covering number (1 + 2R/eps)^d at d = 10^4, eps = 1e-300)
    # enters as a 60-digit Float: SymPy's evalf divides its numerator by its denominator in full,
    # which took 20 s; here only the leading 256 bits of each are divided (relative error < 2^-190)
    huge = [a for a in expr.atoms(sp.Rational) if int(a.q).bit_length() > _HUGE_BITS]
    if huge:
        expr = expr.xreplace({a: _leading_float(int(a.p), int(a.q)) for a in huge})
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


@dataclass(frozen=True, repr=False)
class Optimum:
    """The result of :meth:`Bound.optimize`: the bound minimised over one variable.

    Attributes
    ----------
    variable : the symbol optimised (eps, alpha, ...).
    argmin : the optimal value: a SymPy expression when found in closed form, else a float (taken
        exactly: ``b.evaluate(eps=opt.argmin)`` gives ``opt.value``).
    value : the bound at ``argmin`` (a float / ``mpmath.mpf``, or an expression when other symbols
        are free).
    bound : the Bound with the variable replaced by ``argmin``.
    method : how ``argmin`` was found.
    kind : the kind of the bound at ``argmin``: "certified" (``value`` is itself a valid bound,
        whatever the optimiser's accuracy), "asymptotic" (leading order: an optimum of an
        asymptotic bound is asymptotic too) or "empirical".
    vacuous : True when ``value`` is at least the trivial bound (e.g. the loss bound M).
    details : extra facts (the grid searched, the branch of a Min that won, ...).
    """

    variable: sp.Symbol
    argmin: Any
    value: Any
    bound: "Bound"
    method: str
    kind: str = "certified"
    vacuous: bool = False
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def certified(self) -> bool:
        """Whether ``value`` is a certified bound (``kind == "certified"``)."""
        return self.kind == "certified"

    @property
    def value_float(self):
        """``value`` as a float (``mpmath.mpf`` beyond float64)."""
        return evaluate_expr(sp.sympify(self.value)) if isinstance(self.value, sp.Basic) else self.value

    def __repr__(self) -> str:
        def fmt(v):
            if isinstance(v, sp.Basic) and v.free_symbols:
                s = text(v)
                return s if len(s) <= 60 else s[:57] + "..."
            try:
                return f"{float(v):.6g}"
            except (TypeError, ValueError, OverflowError):
                return str(v)

        extra = ", vacuous" if self.vacuous else ""
        return (f"Optimum(value={fmt(self.value)}, {self.variable}={fmt(self.argmin)}, "
                f"kind={self.kind!r}{extra})")

    def __str__(self) -> str:
        v = text(sp.sympify(self.value)) if isinstance(self.value, sp.Basic) else number_text(self.value)
        a = text(sp.sympify(self.argmin))
        extra = " (vacuous: at least the loss bound)" if self.vacuous else ""
        return f"{self.kind} bound {v} at {text(self.variable)}* = {a}{extra}"

    def _latex(self, printer=None) -> str:
        value = sp.sympify(self.value) if isinstance(self.value, sp.Basic) else \
            sp.Float(float(self.value_float), 6)
        return (f"{latex_of(self.variable)}^* = {latex_of(display_expr(sp.sympify(self.argmin)))}"
                f",\\quad \\text{{value}} = {latex_of(display_expr(value))}"
                f"\\ \\text{{({self.kind}{', vacuous' if self.vacuous else ''})}}")

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self._latex()}$"


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
    probability : the probability with which the bound holds (text; ``1 - delta`` by default,
        lowered by the failure probability of measured inputs, see ``measured``).
    measured : the measured values that entered the bound
        (:class:`~symbound.bounds.measured.MeasuredInput`), recorded by :meth:`subs` (THEORY §3, the seam).
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
    measured: tuple[MeasuredInput, ...] = ()

    def __post_init__(self):
        if not isinstance(self.expr, sp.Basic):
            raise InvalidTypeError(f"expr must be a SymPy expression, got {type(self.expr).__name__}")
        if self.kind not in KINDS:
            raise InvalidValueError(f"kind must be one of {KINDS}, got {brief(self.kind)}")

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

    def _symbols_map(self, values: Mapping[Any, Any]
                     ) -> tuple[dict[sp.Symbol, sp.Expr], list[MeasuredInput]]:
        syms = self.free_symbols | set(self.expr.free_symbols)
        out, records = {}, []
        for key, val in values.items():
            sym = _resolve_symbol(syms, key)
            if sym not in syms and sym.name not in _CONTEXT_SYMBOLS:
                raise InvalidValueError(
                    f"{sym.name} is not a free symbol of this bound (its value was fixed when the "
                    f"bound was built, or it does not enter): rebuild the bound with the new value")
            v, rec = convert_value(sym.name, val, sym.name)
            _check_known_domain(sym, v, val)
            out[sym] = v
            if rec is not None:
                if sym not in syms:
                    raise InvalidValueError(
                        f"{sym.name} is not a free symbol of this bound (its value is fixed): the "
                        "measured value would be recorded without entering the bound")
                records.append(rec)
        return out, records

    def _with_measured(self, records: list[MeasuredInput]) -> dict:
        """Fields updated by measured inputs: assumptions, probability, measured."""
        if not records:
            return {}
        assumptions = list(self.assumptions)
        prob = self.probability
        for r in records:
            assumptions.append(f"measured: {r.summary}")
            assumptions += [a for a in r.assumptions if a not in assumptions]
            if r.confidence < 1 and prob:
                prob = f"{prob} - {r.failure_probability:.6g}"
        return dict(assumptions=tuple(assumptions), probability=prob,
                    measured=self.measured + tuple(records))

    def subs(self, values: Mapping[Any, Any] | None = None, **kw: Any) -> "Bound":
        """A new Bound with symbols replaced (by name or Symbol): ``b.subs(n=1000, delta=0.05)``.

        Numbers enter exactly (a float is the binary rational it stores).  An equivariance error
        may be a :class:`~symbound.seam.SupErrorUpperBound`: its value is used and the measurement
        is recorded in ``assumptions`` and ``measured``; a confidence below 1 lowers
        ``probability`` by ``1 - confidence``.  Mean-error estimates are refused (the error names
        the conversion to call)."""
        vals = dict(values or {})
        vals.update(kw)
        m, records = self._symbols_map(vals)
        defs = {xreplace_numbers(k, m): xreplace_numbers(v, m) for k, v in self.definitions.items()}
        res = self.resolution if self.resolution not in m else None
        return replace(self, expr=xreplace_numbers(self.expr, m), definitions=defs, resolution=res,
                       **self._with_measured(records))

    def evaluate(self, values: Mapping[Any, Any] | None = None, **kw: Any) -> Any:
        """The bound's value: a float where float64 holds it, an ``mpmath.mpf`` otherwise.

        If the resolution symbol is left free, it is optimised numerically first (the value is then
        the bound at the returned optimum, itself a valid bound).

        Values may be arrays (or lists), broadcast together: the result is then a NumPy array of the
        bound at each point (``b.evaluate(n=np.logspace(3, 9, 25), delta=0.05)``).  An array of n
        draws the bound as a function of the real number n (at whole numbers it is the bound; in
        between, the formula's value).  A bound with nothing left to optimise is compiled once
        (:func:`symbound.compile_bound`) and evaluated on the arrays; one whose resolution is
        optimised at each n is evaluated entry by entry (the resolution chosen at the nearest
        whole n), and a :class:`~symbound.errors.SlowEvaluationWarning` says so.

        Examples
        --------
        >>> import numpy as np, sympy as sp
        >>> from symbound.symbols import symbol
        >>> b = Bound(1 / sp.sqrt(symbol("n")))
        >>> b.evaluate(n=1e6)
        0.001
        >>> b.evaluate(n=[1e2, 1e4])
        array([0.1 , 0.01])
        """
        vals = dict(values or {})
        vals.update(kw)
        arrays = {k: v for k, v in vals.items() if _is_array_value(v)}
        if arrays:
            return self._evaluate_many({k: v for k, v in vals.items() if k not in arrays}, arrays)
        b = self.subs(vals)
        free = b.free_symbols
        if b.resolution is not None and b.resolution in free:
            if free != {b.resolution}:
                raise _missing_values(b.name, free - {b.resolution})
            return b.optimize().value_float
        return evaluate_expr(b.formula())

    def _evaluate_many(self, scalars: dict, arrays: dict) -> np.ndarray:
        """:meth:`evaluate` on arrays (see there)."""
        b = self.subs(scalars) if scalars else self
        known = b.free_symbols | set(b.expr.free_symbols)
        syms = [_resolve_symbol(known, k) for k in arrays]
        grids = []
        for sym, v in zip(syms, arrays.values()):
            try:  # a ragged list fails already here
                a = np.asarray(v, dtype=object if isinstance(v, (list, tuple)) else None)
                a = a.astype(np.float64)
            except (TypeError, ValueError, OverflowError):
                raise InvalidTypeError(f"{sym.name} must be an array of real numbers, got {brief(v)}") from None
            if not np.all(np.isfinite(a)):
                raise InvalidValueError(f"{sym.name} must hold finite numbers, got {a[~np.isfinite(a)][0]}")
            if sym.name == "n" and np.any(a < 1):
                raise InvalidValueError(f"n must be >= 1, got {a.min():g}")
            grids.append(a)
        try:
            grids = np.broadcast_arrays(*grids)
        except ValueError:
            raise InvalidValueError("the arrays must broadcast together, got shapes "
                                    + ", ".join(f"{s.name}: {np.shape(g)}" for s, g in
                                                zip(syms, grids))) from None
        free = b.free_symbols - set(syms)
        res = b.resolution if (b.resolution is not None and b.resolution in free) else None
        if free - {res}:
            raise _missing_values(b.name, free - {res})
        if res is None:
            return _compiled_values(b, syms, grids)
        warnings.warn(f"{b.name}: evaluated entry by entry (the resolution {res.name} is optimised "
                      "at each point)", SlowEvaluationWarning, stacklevel=3)
        flat = [g.ravel() for g in grids]
        out = [_point_value(b, dict(zip(syms, point))) for point in zip(*flat)]
        if all(isinstance(v, float) for v in out):
            return np.array(out, dtype=np.float64).reshape(grids[0].shape)
        return np.array(out, dtype=object).reshape(grids[0].shape)

    def _with_resolution_of(self, opt: "Optimum") -> "Bound":
        """This bound with its resolution fixed where ``opt`` (of this bound at some values) found
        it."""
        return self.subs({opt.variable: opt.argmin})

    # ----- optimisation ---------------------------------------------------------------------
    def optimize(self, var: Any = None, *, interval: tuple[float, float] | None = None,
                 closed_form: bool = True, grid: Any = None, **values: Any) -> Optimum:
        """Minimise the bound over ``var`` (default: its resolution symbol).

        First tries a closed form: SymPy solves d expr / d var = 0 within a time budget
        (SOLVE_BUDGET_SECONDS; NUMERICS.md: general solves can take minutes).  Otherwise, with
        every other symbol numeric, a numeric search (:func:`symbound.bounds.optimize.minimize`):
        the breakpoints of the ceilings for saw-tooth bounds, a scan and golden section for smooth
        ones, or the values of ``grid`` when given (a grid fixed in advance).  The returned value is
        the bound evaluated exactly at the returned point, so it is valid even if the point is not
        exactly optimal.  The result says which path was taken.
        """
        from .optimize import minimize

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
        if closed_form and grid is None:
            sol = _closed_form_argmin(f, sym)
            if sol is not None:
                val = sp.simplify(f.xreplace({sym: sol})) if len(str(f)) < 400 else f.xreplace({sym: sol})
                nb = b.subs({sym: sol})
                return Optimum(sym, sol, val, nb, "closed form (SymPy)", nb.kind)
        if others:
            raise InvalidValueError(
                f"no closed form found for the optimal {sym}; give numeric values for "
                f"{sorted(s.name for s in others)} to optimise numerically"
            )
        res = minimize(f, sym, interval if interval is not None else (1e-12, 1e6), grid)
        nb = b.subs({sym: res.x})
        return Optimum(sym, res.x, res.value, nb, res.method, nb.kind)

    # ----- rates ----------------------------------------------------------------------------
    def asymptotics(self, var: Any = "n") -> Asymptotics:
        """Limit of the bound as ``var -> oo`` and the rate at which it approaches it.

        From SymPy's ``limit`` on the expression when the resolution is not free (in a time
        budget), else from the hand-derived ``known_rate`` (limit 0).  Raises a clear error when
        neither is available, never returns a silent 0.

        Examples
        --------
        >>> import sympy as sp
        >>> from symbound.symbols import symbols
        >>> n, eta = symbols("n", "eta")
        >>> a = Bound(2 * eta + 1 / n ** sp.Rational(1, 3)).asymptotics("n")
        >>> print(a)
        2·η + O(n^(-1/3))
        >>> a.exponent
        -1/3
        """
        sym = self._growing_symbol(var)
        f = self.formula()
        if self.resolution is None or self.resolution not in f.free_symbols:
            res = _symbolic_asymptotics_budget(f, sym)
            if res is not None:
                lim, r, lp = res
                if lp is None and self.known_rate is not None and \
                        sp.Rational(self.known_rate[0]) == r:
                    lp = self.known_rate[1]
                return Asymptotics(sym, lim, r, lp, "limit of the bound and of log(excess)/log(n) (SymPy)")
        if self.known_rate is not None:
            return Asymptotics(sym, sp.Integer(0), sp.Rational(self.known_rate[0]),
                               self.known_rate[1], "derived by hand (see reference)")
        raise NumericalError(
            f"the rate in {sym} of this bound could not be determined: SymPy's limit failed"
            + (f" and the resolution {self.resolution} is free (give known_rate)"
               if self.resolution is not None and self.resolution in f.free_symbols else ""))

    def _growing_symbol(self, var) -> sp.Symbol:
        sym = _resolve_symbol(self.free_symbols, var)
        if sym not in self.free_symbols:
            raise InvalidValueError(
                f"{sym} is not a free symbol of this bound (it was given a value): the rate in "
                f"{sym} belongs to the bound before that substitution")
        return sym

    def limit(self, var: Any = "n") -> sp.Expr:
        """``lim_{var -> oo}`` of the bound (see :meth:`asymptotics`)."""
        return self.asymptotics(var).limit

    def rate(self, var: Any = "n") -> sp.Expr:
        """Exponent r of the bound's approach to its limit as ``var -> oo``:
        ``bound = limit + Theta(var^r)`` up to log factors (see :meth:`asymptotics`)."""
        return self.asymptotics(var).exponent

    def rate_details(self, var: Any = "n") -> tuple[Any, Any, str]:
        """(exponent, power of log var or None if unknown, how it was obtained); the limit it
        approaches is :meth:`limit`."""
        a = self.asymptotics(var)
        how = a.method if sp.sympify(a.limit) == 0 else f"{a.method}; excess over the limit {a.limit}"
        return a.exponent, a.log_power, how

    # ----- display --------------------------------------------------------------------------
    def latex(self, form: str = "paper") -> str:
        """LaTeX of the inequality; ``form="formula"`` expands the unevaluated quantities."""
        if form not in ("paper", "formula"):
            raise InvalidValueError(f"form must be 'paper' or 'formula', got {brief(form)}")
        rhs = self.expr if form == "paper" else self.formula()
        op = r"\le" if self.kind == "certified" else r"\lesssim"
        return f"{self.lhs} {op} {latex_of(display_expr(rhs))}"

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self.latex()}$"

    def _latex(self, printer=None) -> str:
        """``sympy.latex(bound)``: the inequality."""
        return self.latex()

    def _sympystr(self, printer=None) -> str:
        return str(self)

    def statement(self, form: str = "paper") -> str:
        """The inequality in plain text, e.g. ``|R(f) − R̂_n(f)| ≤ 2·ε + √(...)/√n``
        (``form="formula"``: with the unevaluated quantities written out)."""
        if form not in ("paper", "formula"):
            raise InvalidValueError(f"form must be 'paper' or 'formula', got {brief(form)}")
        rhs = self.expr if form == "paper" else self.formula()
        op = "≤" if self.kind == "certified" else "≲"
        return f"{latex_to_text(self.lhs)} {op} {text(rhs)}"

    def __str__(self) -> str:
        return f"{self.name}: {self.statement()}   [{self.kind}; {self.reference}]"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self}>"

    def describe(self) -> str:
        """Plain-text description: statement, kind, reference, assumptions, regime, notes."""
        note = {"certified": "", "asymptotic": " (leading order)",
                "empirical": " (estimate from a sample)"}[self.kind]
        lines = [f"{self.name} ({self.kind})", f"  {self.statement('formula')}{note}"]
        if self.probability:
            lines.append(f"  with probability at least {latex_to_text(self.probability)}")
        lines.append(f"  reference: {self.reference}")
        for a in self.assumptions:
            lines.append(f"  assumption: {prettify(a)}")
        for r in self.regime:
            lines.append(f"  regime: {text(r) if isinstance(r, sp.Basic) else prettify(r)}")
        for nt in self.notes:
            lines.append(f"  note: {prettify(nt)}")
        return "\n".join(lines)


def _closed_form_argmin(f: sp.Expr, sym: sp.Symbol):
    """A closed-form positive stationary point of f in sym that is a minimum, or None."""
    if f.has(sp.Piecewise, sp.Min, sp.Max, sp.ceiling, sp.floor, BranchMin):
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


def _symbolic_asymptotics_budget(f: sp.Expr, sym: sp.Symbol, limit_hint=None):
    """:func:`symbolic_asymptotics` under the SymPy time budget (None when it fails)."""
    try:
        if _can_time_limit():
            with _time_budget(SOLVE_BUDGET_SECONDS):
                return symbolic_asymptotics(f, sym, limit_hint)
        return symbolic_asymptotics(f, sym, limit_hint)
    except (TimeoutError, NotImplementedError, ValueError, TypeError, RecursionError,
            AttributeError):
        return None


def _is_array_value(v: Any) -> bool:
    return isinstance(v, (list, tuple, np.ndarray)) and np.ndim(v) > 0


def _compiled_values(b: Bound, syms: list, grids: list) -> np.ndarray:
    """The bound (nothing left to optimise) on the arrays, through the compiled path; integer
    symbols (n) become real ones, so that the curve between whole numbers is the formula's."""
    from ..errors import SlowEvaluationWarning
    from ..numeric.compile import compile_bound

    real = {s: sp.Symbol(f"{s.name}_real", positive=True) for s in syms if s.is_integer}
    f = b.formula().xreplace(real)
    args = [real.get(s, s) for s in syms]
    compiled = compile_bound(Bound(f, name=b.name), *args)
    if compiled.backend != "numba":
        warnings.warn(f"{b.name}: {compiled.backend}", SlowEvaluationWarning, stacklevel=4)
    return compiled(**{a.name: g for a, g in zip(args, grids)})


def _point_value(b: Bound, point: dict) -> Any:
    """The bound at one point of an array evaluation (its resolution optimised there); a
    non-integral n takes the resolution chosen at the nearest whole n and the formula at n."""
    n_sym = next((s for s in point if s.name == "n" and s.is_integer), None)
    x = point.get(n_sym)
    if n_sym is None or float(x).is_integer():
        return b.evaluate({s: (int(v) if s.is_integer and float(v).is_integer() else float(v))
                           for s, v in point.items()})
    others = {s: float(v) for s, v in point.items() if s is not n_sym}
    k = max(1, int(round(float(x))))
    opt = b.optimize(**{s.name: v for s, v in others.items()}, n=k)
    fixed = b.subs(others)._with_resolution_of(opt) if others else b._with_resolution_of(opt)
    return evaluate_expr(xreplace_numbers(fixed.formula(), {n_sym: float(x)}))
