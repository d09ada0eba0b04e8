r"""Covering models: what the bounds know about ``N_S(X, r)`` (THEORY §1-§2).

A :class:`_Cover` gives the bounds the covering number of X modulo S (or of the sample, or of Z =
X x Y) as a function of the radius r: its paper form ``N_S(X, r)``, the formula used, a numeric
``ln N`` (log form, no overflow), whether it is certified, and its growth as r -> 0.  Models:

* **Space or quotient, certified** (``covering="upper"``): the certified upper bound of
  :meth:`symbound.spaces.Space.covering` / :meth:`symbound.quotient.QuotientSpace.covering`, in
  closed form where it holds for every r, else the space's own count at each numeric r.  For
  ``r >= R1``, the radius of one ball containing X (``N(X, r) = 1``; for a quotient
  ``N_S(X, r) <= N(X, r) = 1``), the model is 1: a closed form such as ``(1 + 2/r)^d`` is not used
  there (issue #11: ``Ball(784)`` at r = 1 gave ``3^784`` instead of 1).
* **Power law** ``V0 r^-d0``: given by the caller (certified on the radii used, by assertion) or
  the leading-order form of a space or quotient (asymptotic).
* **Product** ``N_S(X x Y, r) <= N_S(X, r) N(Y, r)`` (max metric, diagonal action).
* **Empirical covering of the sample** (:func:`empirical_cover`): greedy nets of the sample at
  radii ``r_1 > ... > r_k`` (:func:`symbound.empirical_covering_number`).  A greedy net at r_j is
  an (r_j, S)-cover of the sample, and covering numbers do not increase with the radius, so

  .. math:: N_S(\text{sample}, r) \le U(r) = \min\{c_j : r_j \le r\}, \qquad
            N_S(\text{sample}, r) \le n \ (\text{every point its own centre}),

  a step function that is **certified for the sample** (not for X: the sample's covering number
  is at most that of the support of the input distribution, and can be much smaller where the
  sample is sparse).  The *reading* ``(V0, d0)`` is the least-squares line of ``ln c_j`` against
  ``ln r_j`` over the nets with ``c_j > 1``: ``d0`` estimates the covering dimension of the sample
  at the measured scales (it is not a certified N(X), nor an asymptotic statement), used for the
  rate and for display only.
"""

from __future__ import annotations

import fractions
import functools
import math
from dataclasses import dataclass, replace
from typing import Any, Callable

import mpmath
import sympy as sp

from .._validation import brief
from .._validation import check_real
from ..errors import InvalidTypeError, InvalidValueError, NumericalError
from ..functions import (CoveringNumber, GroupOrder, QuotientCoveringNumber, _Printed, exact_number,
                         space_symbol)
from ..printing import latex_to_text
from .asymptotics import rational_reading

__all__ = ["make_cover", "empirical_cover", "product_cover", "growth_exponent"]


@dataclass(frozen=True)
class _Cover:
    """What the bounds need from ``N_S(X, r)``."""

    paper: Callable[[sp.Expr], sp.Expr]  # r -> unevaluated N_S(X, r)
    formula: Callable[[sp.Expr], sp.Expr]  # r -> the formula used (upper bound or power law)
    numeric_log: Callable[[Any], mpmath.mpf]  # numeric r -> ln N (same statement as formula)
    power_law: tuple[sp.Expr, sp.Expr] | None  # (V0, d0) if the formula is a power law
    kind: str  # "certified" | "asymptotic" (of the statement about X); see ``of_sample``
    dim: Any
    regime: tuple[str, ...]
    description: str
    exact: Callable[[sp.Expr], sp.Expr] | None = None  # exact r -> N (SymPy, re-queries the space)
    # r -> the definitions chain of the paper form, e.g. N_G(X, r) -> N(X, r)/|G|, N(X, r) -> V r^-d,
    # |G| -> k (finite groups, leading order); None: paper(r) -> formula(r) directly
    paper_defs: Callable[[sp.Expr], dict] | None = None
    one_ball: Any = None  # R1: N = 1 for r >= R1 (None: unknown)
    of_sample: bool = False  # a covering model of the sample (greedy nets), not of X
    reading: tuple | None = None  # empirical (V0, d0) read from the nets (display and rate only)
    radii: tuple = ()  # radii of the nets (empirical covers)
    n_points: int | None = None  # size of the sample (empirical covers)


def _paper(xs: sp.Symbol, group) -> Callable[[sp.Expr], sp.Expr]:
    """r -> the unevaluated ``N_S(X, r)`` (``N(X, r)`` without a set)."""
    if group is None:
        return lambda r: CoveringNumber(xs, r)
    gs = space_symbol(group.name, group.latex())
    return lambda r: QuotientCoveringNumber(xs, gs, r)


def _quotient_of(space, group):
    if group is None:
        return space
    from ..quotient import quotient

    return quotient(space, group)


def _one_ball_radius(space) -> Any:
    """R1 with N(space, r) = 1 for r >= R1 (a ball of radius R1 centred in the space contains it)."""
    f = getattr(space, "_one_ball_radius", None)
    r = f() if callable(f) else None
    if r is None and getattr(space, "diameter", None) is not None:
        r = space.diameter
    if r is None:
        return None
    r = sp.sympify(r)
    return r if r.is_number and r.is_positive else None


def _asymptotic_power_law(target) -> tuple[sp.Expr, sp.Expr] | None:
    """(V0, d0) read off the asymptotic form vol / (omega eps^d) of a space."""
    r = sp.Symbol("r_pl", positive=True)
    try:
        cb = target.covering(r, "asymptotic")
    except Exception:  # noqa: BLE001 - a space without an asymptotic form
        return None
    md = target.manifold_dim
    d0 = sp.Integer(md) if isinstance(md, int) else sp.sympify(md)
    v0 = sp.simplify(cb.expr * r**d0)
    if v0.has(r):
        return None
    return v0, d0


def make_cover(space, group, covering: str, power_law, *, name: str = "X") -> _Cover:
    """The covering model of X modulo S from a space (+ group) or an explicit power law (cached:
    the same space, set and request give the same model, so rebuilt bounds reuse its caches)."""
    if space is None and power_law is None:
        raise InvalidValueError("space must be given (or power_law=(V0, d0) for an abstract space)")
    if power_law is not None:
        if not (isinstance(power_law, (tuple, list)) and len(power_law) == 2):
            raise InvalidTypeError(f"power_law must be a pair (V0, d0), got {brief(power_law)}")
        v0, d0 = power_law
        check_real("power_law V0", v0, 0, low_closed=False)
        check_real("power_law d0", d0, 0, low_closed=False)
        power_law = (exact_number(v0) if not isinstance(v0, sp.Basic) else v0,
                     exact_number(d0) if not isinstance(d0, sp.Basic) else d0)
    return _make_cover_cached(space, group, covering, power_law, name)


@functools.lru_cache(maxsize=256)
def _make_cover_cached(space, group, covering, power_law, name) -> _Cover:
    xs = space_symbol(space.name if space is not None else name,
                      space.latex() if space is not None else name)
    paper = _paper(xs, group)
    gs = space_symbol(group.name, group.latex()) if group is not None else None

    if power_law is not None:
        v0, d0 = power_law
        return _power_cover(paper, v0, d0, "certified",
                            ("N_S(X, r) <= V0 r^(-d0) for the radii used (asserted by the caller)",),
                            "power law given by the caller")
    target = _quotient_of(space, group)
    r1 = _one_ball_radius(space)
    if covering in ("auto", "power_law"):
        pl, kind = None, "asymptotic"
        if hasattr(target, "power_law"):
            res = target.power_law()
            if res is not None:
                pl = (sp.sympify(res[0]), sp.sympify(res[1]))
                if len(res) > 2 and res[2] in ("upper", "certified", "exact"):
                    kind = "certified"
        elif group is None:
            pl = _asymptotic_power_law(target)
        if pl is not None:
            cov = _power_cover(paper, pl[0], pl[1], kind,
                               ("asymptotic as eps -> 0 (leading-order covering number)",)
                               if kind == "asymptotic" else (),
                               f"power law of N({getattr(target, 'name', 'X')}, r)")
            plain_pl = _asymptotic_power_law(space) if (
                group is not None and group.is_finite and group.is_group) else None
            if plain_pl is not None and plain_pl[1] == pl[1] and \
                    sp.simplify(plain_pl[0] / group.order - pl[0]) == 0:
                # paper form of THEORY §2: N_G(X, eps) ~ N(X, eps) / |G| for a finite group
                order_q = GroupOrder(gs)

                def paper_defs(r, v=plain_pl[0], d=plain_pl[1], k=group.order):
                    return {paper(r): CoveringNumber(xs, r) / order_q,
                            CoveringNumber(xs, r): v * r ** (-d), order_q: sp.Integer(k)}

                cov = replace(cov, paper_defs=paper_defs)
            return replace(cov, one_ball=r1)
        if covering == "power_law":
            raise InvalidValueError(
                f"covering='power_law' but {getattr(target, 'name', target)!r} has no power-law "
                "covering number; use covering='upper' or pass power_law=(V0, d0)")
    return _certified_cover(paper, target, r1)


def _certified_cover(paper, target, r1) -> _Cover:
    """The certified upper bound of the space / quotient; 1 for r >= R1."""
    rs = sp.Symbol("r_cov", positive=True)
    cb = target.covering(rs, "upper")
    expr_r, regime = cb.expr, tuple(cb.regime)

    fast_count = getattr(target, "_upper_count", None)

    @functools.lru_cache(maxsize=65536)
    def exact_log(r: float) -> mpmath.mpf:
        """ln of the certified count the space computes at numeric r (valid for every r); in exact
        rational arithmetic where the space has that fast path (the same count)."""
        count = fast_count(fractions.Fraction(r)) if fast_count is not None else None
        if count is not None:
            return mpmath.mpf(float(sp.N(sp.log(sp.Integer(count)), 30)))
        return mpmath.mpf(target.covering(sp.Rational(r), "upper").log())

    numeric_cover = _numeric_covering_function(target, exact_log)
    closed = expr_r
    if regime:
        # The closed form holds only in its regime (e.g. eps <= 2 r1): outside it the bound uses the
        # certified count computed by the space itself at each numeric r, so it is valid for every r.
        relations = [getattr(c, "relation", None) for c in regime]
        if all(isinstance(rel, sp.Basic) for rel in relations):
            closed = sp.Piecewise((expr_r, sp.And(*relations)), (numeric_cover(rs), True))
        else:
            closed = numeric_cover(rs)
    if r1 is not None:
        closed = sp.Piecewise((sp.Integer(1), rs >= r1), (closed, True))

    def formula(r):
        return closed.xreplace({rs: r})

    if not cb.regime and not cb.log_expr.free_symbols - {rs}:
        # the symbolic formula holds for every r > 0: evaluate it directly (fast, mpmath)
        fast = sp.lambdify(rs, cb.log_expr, modules="mpmath")

        @functools.lru_cache(maxsize=65536)
        def log_closed(r):
            with mpmath.workdps(30):
                return mpmath.mpf(fast(mpmath.mpf(r)))
    else:
        log_closed = exact_log

    def numeric_log(r):
        r = _radius_below(r)
        if r1 is not None and r >= float(r1):
            return mpmath.mpf(0)
        return log_closed(r)

    dim = getattr(target, "manifold_dim", None)
    return _Cover(paper, formula, numeric_log, None, "certified", dim, (),
                  f"certified upper bound ({cb.method}; {cb.reference})",
                  lambda r: target.covering(exact_number(r), "upper").expr, one_ball=r1)


def _radius_below(r) -> float:
    """A float r' <= r, equal to r when r is a float: the count at r' bounds the count at r, since
    covering numbers do not increase with the radius (radii computed in mpmath are rounded down,
    so that the count stays certified)."""
    if isinstance(r, float):
        return r
    x = float(r)
    if mpmath.mpf(x) > r:
        x = math.nextafter(x, 0.0)
    return x


class _CertifiedCovering(_Printed, sp.Function):
    """Base of the numeric certified covering numbers made by :func:`_numeric_covering_function`;
    prints as ``N^up(X, r)`` (the certified upper bound the space computes at r)."""

    nargs = 1
    is_real = True
    _space_tex = "X"

    def _eval_is_positive(self):
        return True

    def _latex(self, printer):
        return (r"\mathcal{N}^{\mathrm{up}}\left(" + self._space_tex + ", "
                + printer._print(self.args[0]) + r"\right)")

    def _text(self, printer, unicode):
        return f"N^up({latex_to_text(self._space_tex)}, {printer._print(self.args[0])})"


#: number of certified-covering classes made (their names: CertifiedCovering1, ...)
_COVERING_CLASSES = [0]


def _numeric_covering_function(target, log_n: Callable[[float], mpmath.mpf]) -> type:
    """A SymPy function r -> the certified upper covering number of ``target`` at numeric r,
    printing as N^up(target, r).  Evaluated (``evalf``) at an exact rational r it is the space's own
    count at r; through ``lambdify`` (floats) it is ``exp(log_n(r'))`` with r' <= r (a count at
    a smaller radius: an upper bound of the count at r).  It stays unevaluated in expressions, so
    that a Piecewise branch not taken costs nothing."""

    def imp(r):
        lg = log_n(_radius_below(r))
        return float(mpmath.exp(lg)) if lg < 690 else mpmath.exp(lg)  # float where it fits

    tex = target.latex() if hasattr(target, "latex") else str(target)

    @functools.lru_cache(maxsize=4096)
    def exact_count(r: sp.Rational) -> sp.Expr:
        return sp.sympify(target.covering(r, "upper").expr)

    def _eval_evalf(self, prec):
        r = self.args[0]
        if isinstance(r, sp.Rational) and r > 0:  # exact: the space's own count at r
            return exact_count(r).evalf(prec)
        return None

    # a class per target (lambdify finds the implementation by the class name, so names differ)
    _COVERING_CLASSES[0] += 1
    return type(f"CertifiedCovering{_COVERING_CLASSES[0]}", (_CertifiedCovering,),
                {"_imp_": staticmethod(imp), "_space_tex": tex, "_eval_evalf": _eval_evalf})


def product_cover(cx: _Cover, cy: _Cover) -> _Cover:
    """``N_S(X x Y, r) <= N_S(X, r) N(Y, r)`` (max metric, diagonal action, rho isometric)."""
    dim = None if cx.dim is None or cy.dim is None else sp.sympify(cx.dim) + sp.sympify(cy.dim)
    r1 = None if cx.one_ball is None or cy.one_ball is None else sp.Max(cx.one_ball, cy.one_ball)
    return _Cover(lambda r: cx.paper(r) * cy.paper(r), lambda r: cx.formula(r) * cy.formula(r),
                  lambda r: cx.numeric_log(r) + cy.numeric_log(r), None,
                  "certified" if cx.kind == cy.kind == "certified" else "asymptotic", dim,
                  cx.regime + cy.regime, f"{cx.description} x {cy.description}",
                  (lambda r: cx.exact(r) * cy.exact(r)) if cx.exact and cy.exact else None,
                  one_ball=r1, of_sample=cx.of_sample or cy.of_sample)


def _power_cover(paper, v0, d0, kind, regime, description) -> _Cover:
    def formula(r):
        return v0 * r ** (-d0)

    def numeric_log(r):
        return mpmath.log(mpmath.mpf(str(sp.N(v0, 30)))) - mpmath.mpf(str(sp.N(d0, 30))) * mpmath.log(r)

    return _Cover(paper, formula, numeric_log, (v0, d0), kind, d0, tuple(regime), description,
                  formula)


# ----- empirical covering of the sample --------------------------------------------------------------


def _nets(value) -> tuple:
    nets = tuple(value) if isinstance(value, (list, tuple)) else (value,)
    n = {net.n_points for net in nets}
    if len(n) != 1:
        raise InvalidValueError(f"covering: the nets must be of one sample, got sizes {sorted(n)}")
    first = nets[0].group
    if any(not (net.group is first or (net.group is not None and first is not None
                                      and net.group == first)) for net in nets):
        raise InvalidValueError("covering: the nets must all use the same transformation set")
    return tuple(sorted(nets, key=lambda net: -net.eps))


def empirical_cover(value, group, *, plain: bool = False) -> _Cover:
    """The covering model of the sample from greedy nets (module docstring).

    ``value``: one :class:`~symbound.numeric.covering.EmpiricalCovering` or a sequence of them (one
    sample, one transformation set, several radii); ``plain=True`` uses the plain nets
    (``n_centers_plain``) instead of the quotient nets."""
    nets = _nets(value)
    net_group = nets[0].group
    if group is not None and not (net_group is group or (net_group is not None
                                                         and net_group == group)):
        raise InvalidValueError(
            f"covering: the nets were computed modulo {getattr(net_group, 'name', net_group)}, "
            f"not modulo group={group.name}")
    if group is None and net_group is not None and not plain:
        # a bound without symmetry asked for: the nets' plain counts, never their quotient counts
        if any(net.n_centers_plain is None for net in nets):
            raise InvalidValueError(
                f"covering: the nets were computed modulo {net_group.name} but group=None asks for "
                f"a bound without symmetry: pass group={net_group!r}, or nets computed with "
                "group=None")
        plain = True
    if plain:
        if net_group is None:
            counts = [net.covering_upper for net in nets]
        elif any(net.n_centers_plain is None for net in nets):
            raise InvalidValueError("covering: the nets carry no plain count (n_centers_plain)")
        else:
            counts = [net.n_centers_plain for net in nets]
    else:
        counts = [net.covering_upper for net in nets]
    radii = [exact_number(float(net.eps)) for net in nets]
    if len(set(radii)) != len(radii):
        raise InvalidValueError("covering: two nets have the same radius")
    npts = int(nets[0].n_points)
    # U(r) = min{c_j : r_j <= r}; n for r below the smallest radius
    steps = []
    best = npts
    for rj, cj in sorted(zip(radii, counts), key=lambda t: t[0]):
        best = min(best, int(cj))
        steps.append((rj, best))
    paper = _paper(space_symbol("sample", r"\hat{X}_n"), None if plain else net_group)

    def formula(r):
        pieces = [(sp.Integer(c), r >= rj) for rj, c in reversed(steps)]
        return sp.Piecewise(*pieces, (sp.Integer(npts), True))

    def count(r):
        r = exact_number(r) if not isinstance(r, mpmath.mpf) else r
        out = npts
        for rj, c in steps:
            if r >= rj:
                out = c
        return out

    def numeric_log(r):
        return mpmath.log(count(mpmath.mpf(r)))

    reading = _reading(steps)
    metric = getattr(nets[0], "metric", "euclidean")
    what = "plain nets" if (plain or net_group is None) else f"nets modulo {net_group.name}"
    desc = (f"covering of the sample ({npts} points; greedy {what} at radii "
            f"{', '.join(f'{float(r):g}' for r, _ in steps)}; {metric} metric): "
            "N(sample, r) <= the count of the largest measured radius <= r, and <= n below; "
            "not a covering of X")
    return _Cover(paper, formula, numeric_log, None, "certified", None, (), desc,
                  lambda r: sp.Integer(count(r)), of_sample=True, reading=reading,
                  radii=tuple(r for r, _ in steps), n_points=npts)


def _reading(steps) -> tuple | None:
    """Least-squares (V0, d0) of ln c against ln r over the nets with c > 1 (None with < 2)."""
    pts = [(math.log(float(r)), math.log(c)) for r, c in steps if c > 1]
    if len(pts) < 2 or len({p[0] for p in pts}) < 2:
        return None
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    sxx = sum((p[0] - mx) ** 2 for p in pts)
    slope = sum((p[0] - mx) * (p[1] - my) for p in pts) / sxx
    d0 = max(-slope, 0.0)
    v0 = math.exp(my + d0 * mx)
    return sp.Float(v0, 6), sp.Float(d0, 6)


# ----- growth as r -> 0 -----------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _slope_of(numeric_log) -> float:
    with mpmath.workdps(30):
        a, b = mpmath.mpf("1e-60"), mpmath.mpf("1e-64")
        la, lb = numeric_log(a), numeric_log(b)
        return float((lb - la) / (mpmath.log(a) - mpmath.log(b)))


def growth_exponent(cover: _Cover) -> tuple[Any, str]:
    """The exponent d0 with ``N(r) ~ r^-d0`` as r -> 0, and how it was read: the power law's d0,
    or the slope of ``ln N`` in ``ln(1/r)`` between r = 1e-60 and 1e-64 (read as a rational)."""
    if cover.power_law is not None:
        return sp.sympify(cover.power_law[1]), "the power law's exponent d0"
    if cover.of_sample:
        if cover.reading is None:
            return None, "no reading (fewer than two nets with more than one centre)"
        return sp.sympify(cover.reading[1]), "read from the greedy nets (an estimate)"
    try:
        s = _slope_of(cover.numeric_log)
    except (ValueError, ZeroDivisionError, OverflowError, NumericalError):
        return None, "unknown"
    return rational_reading(s), "slope of ln N(r) in ln(1/r) at r = 1e-60..1e-64 (numeric)"
