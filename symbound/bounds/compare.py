r"""Side-by-side comparison of bounds (THEORY.md §4.2: "n samples are worth m n").

:func:`compare` evaluates several bounds at one point (n, delta and the other parameters), and for
each reports its value, its ratio to a baseline (by default the first bound, typically the bound
without symmetry) and its **effective-sample-size multiplier** m: the number n' of samples the
baseline needs to reach the same value, divided by n,

.. math:: \text{bound}_{\text{baseline}}(n') = \text{bound}_i(n), \qquad m_i = n'/n .

n' is the root of ``ln baseline(n') = ln bound_i(n)`` in ``ln n'`` (the bounds are nonincreasing in
n and close to power laws, so the root takes a few secant and regula-falsi steps,
:func:`_effective_n`): a real number to a relative accuracy of 1e-9 for a bound that is a formula
in n, the smallest integer sample size for a bound whose resolution is optimised at each n.  For two bounds of the same method whose covering numbers
are power laws with the same exponent d0, the asymptotic multiplier is closed-form:
``m_inf = V0_baseline / V0_i`` (``= |G|`` for a finite group acting freely), since each bound
depends on n and V0 only through ``V0 / n`` at leading order (module docstring of
:mod:`symbound.bounds.generalization`); with different d0 (a Lie group) ``m_inf = oo``.

Relations.  Ratios and multipliers compare *upper bounds*: a row whose bound states another
relation (a :class:`~symbound.reference.ReferenceBound` from the literature with ``relation="="``,
an exact value such as an expected difference of risks, or ``">="``, a lower bound on an error)
shows its value and rate only, and its kind cell names the relation (``exact (=)``,
``lower bound (>=)``).  A bound without a probability (``probability=None``: a statement about an
expectation, not a high-probability bound) is marked ``in expectation``.  The baseline must be an
upper bound when any row is.

Examples
--------
>>> from symbound.bounds import generalization_bound, compare
>>> kw = dict(lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2, grid_size=1)
>>> plain = generalization_bound(None, power_law=(8, 2), **kw)
>>> sym = generalization_bound(None, power_law=(1, 2), **kw)
>>> t = compare([plain, sym], names=["plain", "C_8"], n=10**6, delta=0.05)
>>> t.rows[1]["asymptotic_multiplier"]
8
>>> round(t.rows[1]["ratio"], 3)
0.595
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import Any, Sequence

import mpmath
import numpy as np
import sympy as sp

from .._validation import brief, check_integer, check_probability, suggest_keywords
from ..errors import InvalidTypeError, InvalidValueError, NumericalError
from ..functions import latex_of
from ..symbols import symbol
from ._bound import Bound, evaluate_expr

#: largest sample size compare() takes: n, its multiples and ln n are computed in float64
MAX_N = 10**300

__all__ = ["compare", "Comparison", "Comparisons", "kind_text"]


#: how a row's relation is named in its kind cell (an upper bound, the default, is not named)
_RELATION_WORDS = {"=": "exact", ">=": "lower bound"}
#: the relation's sign in each rendering of the kind cell ("math": inside ``\text{...}``)
_RELATION_SIGNS = {"text": {"=": "=", ">=": ">="},
                   "latex": {"=": "$=$", ">=": r"$\ge$"},
                   "math": {"=": r"}=\text{", ">=": r"}\ge\text{"}}

#: relative accuracy of the effective sample size n' of a bound whose value is a smooth function of n
N_EFF_RTOL = 1e-9
#: largest n' searched (beyond it the multiplier is reported as None: out of range)
N_EFF_MAX = 1e60


def _free_resolution(b: Bound) -> bool:
    return b.resolution is not None and b.resolution in b.free_symbols


def _value_at(b: Bound, x: float) -> float | mpmath.mpf:
    """The bound (every symbol but n numeric) at the sample size x: at the real number x when no
    resolution is left to optimise (the formula is a smooth function of n), at the integer x
    otherwise (the optimiser works at sample sizes)."""
    if _free_resolution(b):
        return b.evaluate(n=int(x))
    return evaluate_expr(b.formula().xreplace({symbol("n"): sp.Float(x, 30)}))


def _effective_n(base: Bound, target: float, n: int, base_at_n: float,
                 slope: float | None = None) -> float | None:
    r"""The sample size n' at which the (nonincreasing in n) baseline falls to ``target``: the
    root of ``g(u) = ln base(e^u) - ln target`` (None beyond :data:`N_EFF_MAX`).

    Bounds are close to power laws in n, so g is close to linear in ``u = ln n``: a secant step from
    ``u = ln n`` with the bound's rate as slope, secant steps until the root is bracketed, then the
    Illinois variant of regula falsi (superlinear, and the bracket always shrinks).  A few
    evaluations of the baseline instead of the ~80 of a bisection to 1e-9.  A baseline with a
    resolution to optimise is evaluated at integer sample sizes: n' is then the smallest integer
    with ``base(n') <= target`` (exact); otherwise n' is a real number to :data:`N_EFF_RTOL`."""
    target = float(target)
    if not target > 0:
        return None
    integer = _free_resolution(base)
    log_t = math.log(target)
    cache: dict[float, float] = {float(n): math.log(float(base_at_n))}

    def g(u: float) -> tuple[float, float]:
        """(x, g) at u, x = e^u (rounded to an integer when the baseline needs one)."""
        x = float(max(1, round(math.exp(u)))) if integer else math.exp(u)
        if x not in cache:
            cache[x] = math.log(float(_value_at(base, x)))
        return x, cache[x] - log_t

    u0 = math.log(n)
    x0, g0 = g(u0)
    if g0 == 0:
        return x0
    s = slope if slope is not None and slope < 0 else -0.5
    # phase 1: secant steps until the root is bracketed (a > root >= b in the sense g(a) > 0 >= g(b))
    ua, ga, ub, gb = (u0, g0, None, None) if g0 > 0 else (None, None, u0, g0)
    u, gu = u0, g0
    for _ in range(60):
        if ua is not None and ub is not None:
            break
        step = -gu / s
        step = max(-math.log(1e6), min(math.log(1e6), step))  # at most a factor 1e6 per step
        if abs(step) < 1e-3:
            step = 1e-3 if gu > 0 else -1e-3
        u_new = u + step
        if u_new <= 0:  # n' below 1: the baseline at n = 1
            u_new = 0.0
        if u_new > math.log(N_EFF_MAX):
            return None
        x_new, g_new = g(u_new)
        if g_new > 0:
            ua, ga = u_new, g_new
        else:
            ub, gb = u_new, g_new
        if u_new != u and (g_new - gu) / (u_new - u) < 0:
            s = (g_new - gu) / (u_new - u)
        else:  # flat or noisy: take larger steps
            s = s / 4
        if u_new == 0.0 and g_new <= 0:
            return 1.0
        u, gu = u_new, g_new
    else:
        return None
    # phase 2: Illinois on the bracket [ua, ub]
    side = 0
    for _ in range(100):
        xa, xb = g(ua)[0], g(ub)[0]
        if integer and xb - xa <= 1:
            return xb
        if not integer and (ub - ua) <= N_EFF_RTOL:
            return xb
        um = (ua * gb - ub * ga) / (gb - ga)
        if integer:  # a new integer strictly inside the bracket
            xm = min(max(round(math.exp(um)), xa + 1), xb - 1)
            um = math.log(xm)
        elif not (ua < um < ub):
            um = 0.5 * (ua + ub)
        _x, gm = g(um)
        if gm > 0:
            ua, ga = um, gm
            if side == -1:
                gb /= 2
            side = -1
        else:
            ub, gb = um, gm
            if side == 1:
                ga /= 2
            side = 1
    return g(ub)[0]


def _asymptotics(b: Bound):
    try:
        return b.asymptotics("n")
    except Exception:  # noqa: BLE001 - a rate is optional in the table
        return None


def _asymptotic_multiplier(base: Bound, b: Bound):
    pb, pi = getattr(base, "power_law", None), getattr(b, "power_law", None)
    if not pb or not pi or getattr(base, "method", None) != getattr(b, "method", None):
        return None
    ab, ai = _asymptotics(base), _asymptotics(b)
    if ab is None or ai is None or sp.sympify(ab.limit) != 0 or sp.sympify(ai.limit) != 0:
        return None  # a bound with a nonzero limit is not worth any multiple of the samples
    if len(getattr(base, "info", {}).get("branches", ())) > 1 or \
            len(getattr(b, "info", {}).get("branches", ())) > 1:
        return None
    lim_b, lim_i = base.info.get("sqrt_n_limit"), b.info.get("sqrt_n_limit")
    if lim_b is not None and lim_i is not None:
        # Dudley with d0 < 2: all terms are of order n^(-1/2), so m_inf = (lim_b / lim_i)^2
        return (sp.sympify(lim_b) / sp.sympify(lim_i)) ** 2
    (v_b, d_b), (v_i, d_i) = pb, pi
    d_b, d_i = sp.sympify(d_b), sp.sympify(d_i)
    if d_b != d_i:
        if d_b.is_number and d_i.is_number:
            return sp.oo if d_i < d_b else sp.Integer(0)
        return None
    return sp.simplify(sp.sympify(v_b) / sp.sympify(v_i))


@dataclass(frozen=True)
class Comparison:
    """The table returned by :func:`compare`.

    Attributes
    ----------
    rows : list of dicts with keys ``name``, ``kind``, ``relation`` (``"<="`` upper bound, ``"="``
        exact value, ``">="`` lower bound), ``probability`` (the bound's confidence as LaTeX text,
        None for a statement in expectation), ``reference``, ``value``, ``ratio`` (value /
        baseline value), ``effective_n`` (n' with baseline(n') = value), ``multiplier`` (n'/n),
        ``asymptotic_multiplier`` (closed form as n -> oo, or None), ``limit`` (the bound's limit
        as n -> oo), ``rate`` (exponent of n of its approach to that limit), ``asymptotics`` (both,
        printed as e.g. ``0.2 + O(n^(-1/4))``).  ``ratio``, ``effective_n``, ``multiplier`` and
        ``asymptotic_multiplier`` are None for a row that is not an upper bound (module
        docstring); :func:`kind_text` is the kind cell; ``vacuous`` (the value is at least the loss
        bound M: the bound says nothing about a loss in [0, M]; printed with "(vacuous)").
    n, delta : the evaluation point; ``baseline`` the index of the baseline row.
    """

    rows: list
    n: int
    delta: Any
    baseline: int

    _HEAD = ("bound", "kind", "value", "ratio", "n samples worth m n: m", "m as n -> oo",
             "as n -> oo")

    def _cells(self, fmt_latex: bool) -> list[list[str]]:
        out = []
        for r in self.rows:
            am = r["asymptotic_multiplier"]
            am_s = "—" if am is None else (latex_of(am) if fmt_latex else str(am))
            if fmt_latex and am is not None:
                am_s = f"${am_s}$"
            a = r["asymptotics"]
            rate_s = "—" if a is None else (f"${a.latex()}$" if fmt_latex else str(a))
            mult, ratio = r["multiplier"], r["ratio"]
            value = f"{float(r['value']):.6g}" + (" (vacuous)" if r.get("vacuous") else "")
            out.append([
                r["name"], kind_text(r, "latex" if fmt_latex else "text"), value,
                "—" if ratio is None else f"{float(ratio):.4g}",
                "—" if mult is None else f"{float(mult):.4g}", am_s, rate_s])
        return out

    def _footnote(self) -> str | None:
        """Why some rows have no ratio, when some row is not an upper bound."""
        if all(r["relation"] == "<=" for r in self.rows):
            return None
        return ("ratio and m compare upper bounds: none for an exact value (=) or a lower "
                "bound (>=)")

    def __str__(self) -> str:
        rows = [list(self._HEAD)] + self._cells(False)
        w = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        lines = [f"comparison at n = {self.n}, delta = {self.delta} (baseline: {self.rows[self.baseline]['name']})"]
        for j, r in enumerate(rows):
            lines.append("  ".join(c.ljust(w[i]) for i, c in enumerate(r)))
            if j == 0:
                lines.append("  ".join("-" * x for x in w))
        foot = self._footnote()
        if foot:
            lines.append(f"({foot})")
        return "\n".join(lines)

    __repr__ = __str__

    def to_latex(self) -> str:
        """A LaTeX ``tabular`` (no packages needed) with a caption line as a comment."""
        head = ["bound", "kind", "value", "ratio", r"$m$ ($n \mapsto m n$)", r"$m_\infty$",
                r"$n \to \infty$"]
        lines = [f"% symbound comparison at n = {self.n}, delta = {self.delta}",
                 r"\begin{tabular}{llrrrrl}", r"\hline", " & ".join(head) + r" \\", r"\hline"]
        for c in self._cells(True):
            c[0] = _tex_escape(c[0])
            c = [x.replace("—", "--") for x in c]
            lines.append(" & ".join(c) + r" \\")
        lines += [r"\hline", r"\end{tabular}"]
        foot = self._footnote()
        if foot:
            lines.append(f"% {foot}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        th = "".join(f"<th>{html.escape(h)}</th>" for h in self._HEAD)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                       for row in self._cells(False))
        foot = self._footnote()
        cap = html.escape(f"n = {self.n}, delta = {self.delta}; baseline: "
                          f"{self.rows[self.baseline]['name']}" + (f" ({foot})" if foot else ""))
        return f"<table><caption>{cap}</caption><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"

    def _repr_latex_(self) -> str:
        rows = [r"\text{bound} & \text{kind} & \text{value} & \text{ratio} & m & m_\infty"]
        for r, c in zip(self.rows, self._cells(True)):
            am = "-" if r["asymptotic_multiplier"] is None else latex_of(r["asymptotic_multiplier"])
            rows.append(rf"\text{{{_tex_escape(r['name'])}}} & \text{{{kind_text(r, 'math')}}} & {_vacuous_tex(c[2])} & "
                        rf"{c[3].replace('—', '-')} & {c[4].replace('—', '-')} & {am}")
        return "$\\displaystyle \\begin{array}{llrrrr}" + r" \\ ".join(rows) + r"\end{array}$"


def kind_text(row: dict, style: str = "text") -> str:
    """The kind cell of a :class:`Comparison` row: the bound's kind, then its relation when it is
    not an upper bound (``"certified, exact (=)"``, ``"certified, lower bound (>=)"``), then
    ``"in expectation"`` when the bound has no probability.  ``style``: ``"text"``, ``"latex"``
    (escaped, the sign in math mode) or ``"math"`` (to be wrapped in ``\\text{...}``)."""
    esc = (lambda t: t) if style == "text" else _tex_escape
    parts = [esc(str(row["kind"]))]
    rel = row["relation"]
    if rel != "<=":
        parts.append(f"{_RELATION_WORDS[rel]} ({_RELATION_SIGNS[style][rel]})")
    if row["probability"] is None:
        parts.append("in expectation")
    return ", ".join(parts)


def _relation(b: Bound) -> str:
    """The relation a bound states: ``"<="`` unless it says otherwise (a ReferenceBound)."""
    return getattr(b, "relation", "<=")


def check_bounds(bounds) -> list:
    """``bounds`` as a non-empty list of :class:`Bound` objects, or a clear error naming the entry."""
    bounds = list(bounds)
    if not bounds:
        raise InvalidValueError("bounds must contain at least one Bound, got an empty list")
    for i, b in enumerate(bounds):
        if not isinstance(b, Bound):
            raise InvalidTypeError(f"bounds[{i}] must be a Bound, got {type(b).__name__}")
    return bounds


def _vacuous_tex(value: str) -> str:
    """A value cell in math mode: the number, then the vacuity mark as text."""
    return value.replace(" (vacuous)", r"\ \text{(vacuous)}")


def _tex_escape(s: str) -> str:
    for a, b in (("\\", r"\textbackslash{}"), ("&", r"\&"), ("%", r"\%"), ("_", r"\_"),
                 ("#", r"\#"), ("|", r"$|$")):
        s = s.replace(a, b)
    return s


@suggest_keywords
def compare(bounds: Sequence[Bound], *, n: Any, delta: Any, names: Sequence[str] | None = None,
            baseline: int = 0, **values: Any) -> "Comparison | Comparisons":
    r"""Compare bounds at one point: values, ratios and effective-sample-size multipliers.

    Parameters
    ----------
    bounds : Bound objects (e.g. from :func:`~symbound.bounds.generalization_bound`), all in n.
    n : sample size, an integer in [1, 10^300] (``1e6`` is accepted: a float that is a whole
        number; the effective sample sizes are computed in float64), or a
        list / array of them: then one table per n, in a :class:`Comparisons`.
    delta : confidence in (0, 1).
    names : display names (default: each bound's ``name``).
    baseline : index of the bound the others are compared with (default 0, e.g. "no symmetry").
    **values : values of the other symbols (L, M, ...), applied to every bound.

    Returns
    -------
    Comparison (one n) or Comparisons (a list of n) — renders in Jupyter (``_repr_html_``,
    ``_repr_latex_``), ``to_latex()`` gives a ``tabular``.  The multiplier m solves
    ``baseline(m n) = bound_i(n)``; the asymptotic multiplier is the closed form
    ``V0_baseline / V0_i`` for power laws of equal d0.  Rows that are not upper bounds
    (``relation`` ``"="`` or ``">="`` of a :class:`~symbound.reference.ReferenceBound`) have their
    value and rate only; rows without a probability are marked "in expectation".

    Cost: each bound is evaluated once per n, and each multiplier takes a few evaluations of the
    baseline (secant steps in ``ln n``, then regula falsi; :func:`_effective_n`).

    Raises
    ------
    InvalidValueError / InvalidTypeError
        empty list, non-Bound entries, bad n / delta / baseline, names of the wrong length, a
        baseline that is not an upper bound (an exact value or a lower bound of the literature)
        while some row is.

    Examples
    --------
    >>> from symbound.bounds import generalization_bound
    >>> kw = dict(lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2, grid_size=1)
    >>> bs = [generalization_bound(None, power_law=(8, 2), **kw),
    ...       generalization_bound(None, power_law=(1, 2), **kw)]
    >>> tables = compare(bs, n=[1e4, 1e6], delta=0.05, names=["plain", "C_8"])
    >>> [t.n for t in tables]
    [10000, 1000000]
    """
    bounds = check_bounds(bounds)
    many = isinstance(n, (list, tuple, np.ndarray))
    try:
        listed = np.ravel(np.asarray(n, dtype=object)).tolist() if many else [n]
    except ValueError:  # a ragged list
        raise InvalidTypeError(f"n must be an integer >= 1 or a list of them, got {brief(n)}") from None
    ns = [check_integer("n", k, 1, MAX_N) for k in listed]
    if many and not ns:
        raise InvalidValueError("n must hold at least one sample size, got an empty list")
    check_probability("delta", delta, allow_symbolic=False)
    baseline = check_integer("baseline", baseline, 0, len(bounds) - 1)
    if _relation(bounds[baseline]) != "<=" and any(_relation(b) == "<=" for b in bounds):
        raise InvalidValueError(
            f"baseline must be an upper bound (relation '<='): ratios and sample-size multipliers "
            f"compare upper bounds, but bounds[{baseline}] ({bounds[baseline].name}) states "
            f"relation {_relation(bounds[baseline])!r}; choose another baseline=")
    if names is None:
        names = [b.name for b in bounds]
    names = list(names)
    if len(names) != len(bounds):
        raise InvalidValueError(f"names must have {len(bounds)} entries, got {len(names)}")
    vals = dict(values)
    vals["delta"] = delta
    # every symbol but n substituted once (a rebuild per bound), reused for every n and every
    # evaluation of the multiplier's search
    prepared = []
    for b in bounds:
        sub = {k: v for k, v in vals.items() if _has(b, k)}
        prepared.append(b.subs(sub) if sub else b)
    base = prepared[baseline]
    asym = [None if _relation(b) != "<=" else sp.Integer(1) if i == baseline else
            _num(_asymptotic_multiplier(base, b)) for i, b in enumerate(prepared)]
    rates = [_asymptotics(b) for b in prepared]
    slope = None
    if rates[baseline] is not None and sp.sympify(rates[baseline].limit) == 0:
        try:
            slope = float(rates[baseline].exponent)
        except (TypeError, ValueError):
            slope = None
    tables = [_table(prepared, names, k, delta, baseline, asym, rates, slope) for k in ns]
    return Comparisons(tables) if many else tables[0]


def _table(prepared, names, n, delta, baseline, asym, rates, slope) -> Comparison:
    evaluated = [b.evaluate(n=n) for b in prepared]
    base_val = evaluated[baseline]
    rows = []
    for i, (b, v, nm) in enumerate(zip(prepared, evaluated, names)):
        upper = _relation(b) == "<="
        if not upper:  # an exact value or a lower bound: nothing to trade samples against
            mult = n_eff = None
        elif i == baseline:
            mult, n_eff = 1.0, float(n)
        else:
            try:
                n_eff = _effective_n(prepared[baseline], v, n, base_val, slope)
            except (NumericalError, InvalidValueError, ValueError, ZeroDivisionError):
                n_eff = None
            mult = None if n_eff is None else n_eff / n
        a = rates[i]
        rows.append({"name": nm, "kind": b.kind, "relation": _relation(b),
                     "probability": b.probability, "reference": b.reference, "value": v,
                     "ratio": float(v) / float(base_val) if upper else None,
                     "effective_n": n_eff, "multiplier": mult,
                     "asymptotic_multiplier": asym[i],
                     "rate": None if a is None else a.exponent, "limit": None if a is None else a.limit,
                     "asymptotics": a, "vacuous": _is_vacuous(b, v)})
    return Comparison(rows, n, delta, baseline)


def _is_vacuous(b: Bound, value: Any) -> bool:
    """``value >= M`` for a generalization bound with a numeric loss bound M."""
    from ._generalization_bound import GeneralizationBound, _vacuous

    return isinstance(b, GeneralizationBound) and _vacuous(b, value)


class Comparisons(tuple):
    """The tables of :func:`compare` at several sample sizes (a tuple of :class:`Comparison`, one
    per n, in the order given); prints and renders them one after the other."""

    @property
    def n(self) -> list[int]:
        """The sample sizes, one per table."""
        return [t.n for t in self]

    def __str__(self) -> str:
        return "\n\n".join(str(t) for t in self)

    def __repr__(self) -> str:
        return str(self)

    def to_latex(self) -> str:
        """The tables' ``tabular`` environments, one after the other."""
        return "\n\n".join(t.to_latex() for t in self)

    def _repr_html_(self) -> str:
        return "".join(t._repr_html_() for t in self)


def _num(x):
    """Exact integers and oo stay exact; other closed numbers become floats."""
    if x is None:
        return None
    x = sp.sympify(x)
    if x.free_symbols or x.is_Integer or x.is_Rational or x in (sp.oo, sp.zoo):
        return x
    return float(sp.N(x, 20))


def _has(b: Bound, key: str) -> bool:
    names = {s.name for s in b.free_symbols} | {s.name for s in b.expr.free_symbols}
    return key in names
