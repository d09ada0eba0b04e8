r"""Side-by-side comparison of bounds (THEORY.md §4.2: "n samples are worth m n").

:func:`compare` evaluates several bounds at one point (n, delta and the other parameters), and for
each reports its value, its ratio to a baseline (by default the first bound, typically the bound
without symmetry) and its **effective-sample-size multiplier** m: the number n' of samples the
baseline needs to reach the same value, divided by n,

.. math:: \text{bound}_{\text{baseline}}(n') = \text{bound}_i(n), \qquad m_i = n'/n .

n' is found by bisection in log n' (the bounds are nonincreasing in n), to a relative accuracy of
1e-9, and rounded to the nearest integer.  For two bounds of the same method whose covering numbers
are power laws with the same exponent d0, the asymptotic multiplier is closed-form:
``m_inf = V0_baseline / V0_i`` (``= |G|`` for a finite group acting freely), since each bound
depends on n and V0 only through ``V0 / n`` at leading order (module docstring of
:mod:`symbound.bounds.generalization`); with different d0 (a Lie group) ``m_inf = oo``.

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
import sympy as sp

from .._validation import check_integer, check_probability
from ..errors import InvalidTypeError, InvalidValueError, NumericalError
from ..functions import latex_of
from ..symbols import symbol
from ._bound import Bound, evaluate_expr

__all__ = ["compare", "Comparison"]


def _value_at(b: Bound, n_value: float, values: dict) -> float | mpmath.mpf:
    """The bound at a real sample size (bisection needs non-integer n); resolution optimised."""
    nb = b.subs(values) if values else b
    n_sym = symbol("n")
    nf = sp.Float(n_value, 30)
    if nb.resolution is not None and nb.resolution in nb.free_symbols:
        # optimise at the nearest integer n (the optimiser validates n)
        ni = max(int(round(n_value)), 1)
        return nb.optimize(n=ni).value_float
    return evaluate_expr(nb.formula().xreplace({n_sym: nf}))


def _effective_n(base: Bound, target: float, n: int, values: dict) -> float | None:
    """Smallest n' with base(n') <= target, by bisection in log n' (None if out of range)."""
    f = lambda x: float(_value_at(base, x, values)) - float(target)  # noqa: E731
    lo, hi = 1.0, float(n)
    if f(lo) <= 0:
        return lo
    # grow hi until base(hi) <= target
    k = 0
    while f(hi) > 0:
        lo = hi
        hi *= 10.0
        k += 1
        if k > 60:
            return None
    for _ in range(200):
        mid = math.sqrt(lo * hi)
        if f(mid) > 0:
            lo = mid
        else:
            hi = mid
        if hi / lo < 1 + 1e-9:
            break
    return hi


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
    rows : list of dicts with keys ``name``, ``kind``, ``reference``, ``value``, ``ratio`` (value /
        baseline value), ``effective_n`` (n' with baseline(n') = value), ``multiplier`` (n'/n),
        ``asymptotic_multiplier`` (closed form as n -> oo, or None), ``limit`` (the bound's limit
        as n -> oo), ``rate`` (exponent of n of its approach to that limit), ``asymptotics`` (both,
        printed as e.g. ``0.2 + O(n^(-1/4))``).
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
            mult = r["multiplier"]
            out.append([
                r["name"], r["kind"], f"{float(r['value']):.6g}", f"{float(r['ratio']):.4g}",
                "—" if mult is None else f"{float(mult):.4g}", am_s, rate_s])
        return out

    def __str__(self) -> str:
        rows = [list(self._HEAD)] + self._cells(False)
        w = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        lines = [f"comparison at n = {self.n}, delta = {self.delta} (baseline: {self.rows[self.baseline]['name']})"]
        for j, r in enumerate(rows):
            lines.append("  ".join(c.ljust(w[i]) for i, c in enumerate(r)))
            if j == 0:
                lines.append("  ".join("-" * x for x in w))
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
            c[1] = _tex_escape(c[1])
            c = [x.replace("—", "--") for x in c]
            lines.append(" & ".join(c) + r" \\")
        lines += [r"\hline", r"\end{tabular}"]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        th = "".join(f"<th>{html.escape(h)}</th>" for h in self._HEAD)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                       for row in self._cells(False))
        cap = html.escape(f"n = {self.n}, delta = {self.delta}; baseline: "
                          f"{self.rows[self.baseline]['name']}")
        return f"<table><caption>{cap}</caption><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"

    def _repr_latex_(self) -> str:
        rows = [r"\text{bound} & \text{value} & \text{ratio} & m & m_\infty"]
        for r, c in zip(self.rows, self._cells(True)):
            am = "-" if r["asymptotic_multiplier"] is None else latex_of(r["asymptotic_multiplier"])
            rows.append(rf"\text{{{_tex_escape(r['name'])}}} & {c[2]} & {c[3]} & "
                        rf"{c[4].replace('—', '-')} & {am}")
        return "$\\displaystyle \\begin{array}{lrrrr}" + r" \\ ".join(rows) + r"\end{array}$"


def _tex_escape(s: str) -> str:
    for a, b in (("\\", r"\textbackslash{}"), ("&", r"\&"), ("%", r"\%"), ("_", r"\_"),
                 ("#", r"\#"), ("|", r"$|$")):
        s = s.replace(a, b)
    return s


def compare(bounds: Sequence[Bound], *, n: int, delta: Any, names: Sequence[str] | None = None,
            baseline: int = 0, **values) -> Comparison:
    r"""Compare bounds at one point: values, ratios and effective-sample-size multipliers.

    Parameters
    ----------
    bounds : Bound objects (e.g. from :func:`~symbound.bounds.generalization_bound`), all in n.
    n : sample size (integer >= 1); delta : confidence in (0, 1).
    names : display names (default: each bound's ``name``).
    baseline : index of the bound the others are compared with (default 0, e.g. "no symmetry").
    **values : values of the other symbols (L, M, ...), applied to every bound.

    Returns
    -------
    Comparison — renders in Jupyter (``_repr_html_``, ``_repr_latex_``), ``to_latex()`` gives a
    ``tabular``.  The multiplier m solves ``baseline(m n) = bound_i(n)`` numerically; the
    asymptotic multiplier is the closed form ``V0_baseline / V0_i`` for power laws of equal d0.

    Raises
    ------
    InvalidValueError / InvalidTypeError
        empty list, non-Bound entries, bad n / delta / baseline, names of the wrong length.
    """
    bounds = list(bounds)
    if not bounds:
        raise InvalidValueError("bounds must contain at least one Bound, got an empty list")
    for i, b in enumerate(bounds):
        if not isinstance(b, Bound):
            raise InvalidTypeError(f"bounds[{i}] must be a Bound, got {type(b).__name__}")
    n = check_integer("n", n, 1)
    check_probability("delta", delta, allow_symbolic=False)
    baseline = check_integer("baseline", baseline, 0, len(bounds) - 1)
    if names is None:
        names = [b.name for b in bounds]
    names = list(names)
    if len(names) != len(bounds):
        raise InvalidValueError(f"names must have {len(bounds)} entries, got {len(names)}")
    vals = dict(values)
    vals["delta"] = delta
    evaluated = []
    for b in bounds:
        sub = {k: v for k, v in vals.items() if _has(b, k)}
        evaluated.append((b, sub, b.evaluate(dict(sub, n=n))))
    base, base_sub, base_val = evaluated[baseline]
    asym = [None if i == baseline else _asymptotic_multiplier(base.subs(base_sub), b.subs(sub))
            for i, (b, sub, _v) in enumerate(evaluated)]
    rows = []
    for i, ((b, sub, v), nm) in enumerate(zip(evaluated, names)):
        if i == baseline:
            mult, n_eff = 1.0, float(n)
        else:
            try:
                n_eff = _effective_n(base, v, n, base_sub)
            except (NumericalError, InvalidValueError, ValueError, ZeroDivisionError):
                n_eff = None
            mult = None if n_eff is None else n_eff / n
        a = _asymptotics(b.subs(sub) if sub else b)
        rows.append({"name": nm, "kind": b.kind, "reference": b.reference, "value": v,
                     "ratio": float(v) / float(base_val), "effective_n": n_eff, "multiplier": mult,
                     "asymptotic_multiplier": (sp.Integer(1) if i == baseline else _num(asym[i])),
                     "rate": None if a is None else a.exponent, "limit": None if a is None else a.limit,
                     "asymptotics": a})
    return Comparison(rows, n, delta, baseline)


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
