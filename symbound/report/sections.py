r"""The sections of the report: one function per section, each taking symbound objects and
returning a :class:`~symbound.report.document.Section` (text, tables, formulas and the numbers for
the JSON file).  A new section is one more function here and one line in
:func:`symbound.report.build.build_sections`.

Sections: :func:`covering_section` (THEORY §1-2), :func:`bounds_section` (one per method, THEORY
§4), :func:`gains_section` (the symmetry gains of those tables, at a glance),
:func:`model_error_section` and :func:`data_error_section` (THEORY §3, measured) and
:func:`approximate_bound_section` (a bound for approximately invariant models, which receives the
sup error only as a :class:`~symbound.seam.SupErrorUpperBound`) and :func:`tradeoff_section`
(model versus data equivariance error, THEORY §5).
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np
import sympy as sp

from ..bounds.compare import kind_text
from ..seam import SupErrorUpperBound
from .document import Figure, Formula, Inline, Pre, Section, Table, Text
from .problem import NO_SYMMETRY

__all__ = ["fmt", "certified_bounds", "covering_section", "bounds_section", "gains_section", "model_error_section",
           "data_error_section", "approximate_bound_section", "tradeoff_section", "BOUND_TITLES"]

#: the section title of each bound method
BOUND_TITLES = {
    "partition": "Partition bound with and without the symmetry (THEORY §4.1)",
    "dudley": "Entropy-integral (Dudley) bound with and without the symmetry (THEORY §4.2)",
}


def fmt(v: Any) -> str:
    """A number as the tables print it: 6 significant digits, scientific outside [1e-3, 1e6)."""
    try:
        f = float(v)
    except (TypeError, OverflowError):
        return str(sp.N(v, 6))
    if f != 0 and (abs(f) >= 1e6 or abs(f) < 1e-3):
        return f"{f:.4e}"
    return f"{f:.6g}"


def _exact_value(v: Any) -> Any:
    """A covering count for the JSON file: exact integers and rationals kept exact."""
    v = sp.sympify(v)
    return v if v.is_Rational else float(sp.N(v, 17))


# ------------------------------------------------------------------------------------------------
# covering numbers
# ------------------------------------------------------------------------------------------------

def covering_section(space, sets: Sequence[tuple[str, Any]], eps_values: Sequence[Any]) -> Section:
    """Covering numbers of ``space`` and of its quotient by each set, certified lower and upper
    bounds and the asymptotic form, at each resolution; the LaTeX of each certified upper bound as a
    function of eps (THEORY §1-2)."""
    import symbound as sb

    rows, data = [], []
    for label, G in sets:
        target = space if G is None else sb.quotient(space, G)
        for eps in eps_values:
            up = target.covering(eps, "upper")
            lo = target.covering(eps, "lower")
            try:
                asym = target.covering(eps, "asymptotic").expr
            except sb.InvalidValueError:
                asym = None
            rows.append((label, fmt(eps), fmt(lo.expr), fmt(up.expr),
                         "-" if asym is None else fmt(asym), up.method))
            data.append({"set": label, "eps": eps, "lower": _exact_value(lo.expr),
                         "lower_kind": lo.kind, "upper": _exact_value(up.expr), "upper_kind": up.kind,
                         "upper_method": up.method,
                         "asymptotic": None if asym is None else _exact_value(asym)})
    eps = sb.symbol("eps")
    formulas = []
    for label, G in sets:
        target = space if G is None else sb.quotient(space, G)
        lhs = (r"\mathcal{N}(" + target.latex() + r", \varepsilon)" if G is None else
               r"\mathcal{N}_{" + G.latex() + "}(" + space.latex() + r", \varepsilon)")
        formulas.append(Formula(f"{label}:", lhs + r" \le " + sb.latex.snippet(target.covering_number(eps))))
    blocks = [
        Text("N(X, eps) is the least number of closed eps-balls covering X; N_S(X, eps) the least "
             "number of points whose images under S and the identity do (the covering number of "
             "the quotient for a group). Lower and upper bounds are certified; the asymptotic form "
             "is the leading order as eps -> 0 (for dimension >= 2 a lower envelope, see the "
             "theory pages). The last column names the construction behind the upper bound."),
        Table(("set S", "eps", "certified lower", "certified upper", "asymptotic", "upper bound by"),
              tuple(rows), wrap_last=True),
        Text("The certified upper bounds as functions of eps:"),
        *formulas,
    ]
    return Section("covering", "Covering numbers of X and of X modulo each set (THEORY §1-2)",
                   blocks, {"rows": data})


# ------------------------------------------------------------------------------------------------
# generalization bounds
# ------------------------------------------------------------------------------------------------

def _bound_kwargs(method: str, learning: dict) -> dict:
    kw = dict(lipschitz=learning["lipschitz"], loss_lipschitz=learning["loss_lipschitz"],
              loss_bound=learning["loss_bound"])
    if method == "partition":
        kw.update(classes=learning["classes"], grid_size=learning["grid_size"])
    else:
        kw.update(hypothesis_bound=learning["hypothesis_bound"])
    return kw


def certified_bounds(method: str, space, sets, learning: dict, equivariance_error: float = 0) -> list:
    """The certified bound of ``method`` for each set (``covering="upper"``)."""
    import symbound as sb

    return [sb.generalization_bound(space, G, method=method, covering="upper",
                                    equivariance_error=(equivariance_error if G is not None else 0),
                                    **_bound_kwargs(method, learning)) for _label, G in sets]


def _rate_cells(rate) -> Inline | str:
    if rate is None:
        return "-"
    from ..functions import latex_of
    return Inline(f"n^({rate})", f"n^{{{latex_of(sp.sympify(rate))}}}")


def _comparison_table(table, caption: str) -> Table:
    rows = []
    for r in table.rows:
        am = r["asymptotic_multiplier"]
        mult = r["multiplier"]
        rows.append((r["name"], fmt(r["value"]), _ratio_cell(r["ratio"]),
                     "-" if mult is None else f"{float(mult):.4g}",
                     "-" if am is None else str(am), _rate_cells(r["rate"]), kind_text(r)))
    return Table(("set S", "bound", "ratio", "m", "m as n -> oo", "rate in n", "kind"), tuple(rows),
                 caption)


def _ratio_cell(ratio) -> str:
    """A ratio to the bound without symmetry; "-" for a row that is not an upper bound."""
    return "-" if ratio is None else f"{float(ratio):.4g}"


def _comparison_data(table) -> list[dict]:
    keys = ("name", "kind", "relation", "probability", "value", "ratio", "effective_n",
            "multiplier", "asymptotic_multiplier", "rate", "reference")
    return [{k: r[k] for k in keys} for r in table.rows]


def bounds_section(method: str, bounds: Sequence, names: Sequence[str], learning: dict,
                   comparisons: Sequence, curve_n: Sequence[int] = (),
                   curves: dict | None = None) -> Section:
    """The certified bound of ``method`` for each set (``bounds``, named ``names``, the baseline
    first), its comparisons at the sample sizes of ``learning["n"]`` (from
    :func:`symbound.compare`: values, ratios, effective-sample-size multipliers, rates) and, for the
    figure, its values on the grid ``curve_n`` (``curves[name]``)."""
    delta = learning["delta"]
    tables = [_comparison_table(t, f"{method} bound at n = {t.n}, delta = {delta}")
              for t in comparisons]
    data = [{"n": t.n, "delta": delta, "rows": _comparison_data(t)} for t in comparisons]
    curves = curves or {}
    M = learning["loss_bound"]
    first = 1 if len(bounds) > 1 else 0
    blocks = [
        Text(f"Lipschitz constant L = {fmt(learning['lipschitz'])}, loss Lipschitz constant "
             f"L_l = {fmt(learning['loss_lipschitz'])}, loss in [0, {fmt(M)}]"
             + (f", {learning['classes']} classes, union bound over {learning['grid_size']} "
                "resolutions" if method == "partition" else
                f", hypotheses in [-{fmt(learning['hypothesis_bound'])}, "
                f"{fmt(learning['hypothesis_bound'])}]") + "."),
        Text(("Every value is certified: the bound uses a certified upper covering number and is "
              if all(b.kind == "certified" for b in bounds) else
              "The kind of each value is in the last column. Each bound uses an upper covering "
              "number and is ")
             + "evaluated at a numerically optimised resolution (a valid bound at any resolution). "
             "The ratio divides by the bound without symmetry; m (\"n samples are worth m n\") is "
             "the factor by which the plain bound needs more samples to reach the same value; m as "
             "n -> oo is the closed form of the leading-order covering numbers where both are power "
             f"laws of equal exponent. With a loss in [0, {fmt(M)}], a value >= {fmt(M)} says "
             "nothing (vacuous)."),
        Formula(f"The bound with {names[first]}, written out:", bounds[first].latex()),
        *tables,
    ]
    return Section(f"bounds_{method}", BOUND_TITLES[method], blocks,
                   {"method": method, "comparisons": data, "curve_n": list(curve_n),
                    "curves": curves, "assumptions": list(bounds[first].assumptions),
                    "reference": bounds[first].reference})


def gains_section(bound_sections: Sequence[Section]) -> Section:
    """The gain of each set at the largest sample size of each bound section: ratio to the bound
    without symmetry and the effective-sample-size multiplier (read from those sections)."""
    rows, data = [], []
    for sec in bound_sections:
        last = sec.data["comparisons"][-1]
        for r in last["rows"][1:]:
            mult = r["multiplier"]
            rows.append((r["name"], sec.data["method"], str(last["n"]), fmt(r["value"]),
                         _ratio_cell(r["ratio"]), "-" if mult is None else f"{float(mult):.4g}"))
            data.append({"set": r["name"], "method": sec.data["method"], "n": last["n"],
                         "value": r["value"], "ratio": r["ratio"], "multiplier": mult})
    blocks = [
        Text("What each symmetry buys, read from the bound tables below at the largest sample "
             "size: the ratio of the certified bound to the bound without symmetry, and m, the "
             "factor by which the plain bound needs more samples to reach the same value."),
        Table(("set S", "bound", "n", "value", "ratio to no symmetry", "m: n samples worth m n"),
              tuple(rows)),
    ]
    return Section("gains", "Symmetry gains at a glance", blocks, {"rows": data})


# ------------------------------------------------------------------------------------------------
# measured errors
# ------------------------------------------------------------------------------------------------

def model_error_section(est, model_name: str, set_name: str, inputs: str,
                        histogram: Figure | None = None) -> Section:
    """The integrated equivariance error ``ee_p`` of a model measured by orbit sampling, with its
    confidence intervals, quantiles of the per-point orbit errors and the observed maximum (a lower
    estimate of the sup error, labelled so) (THEORY §3)."""
    p = f"{est.p:g}"
    c = f"{est.confidence:.0%}"
    q = est.quantiles
    rows = [
        (f"ee_{p} (estimate)", fmt(est.value)),
        ("standard error", fmt(est.stderr)),
        (f"{c} confidence interval (normal)", f"[{fmt(est.ci[0])}, {fmt(est.ci[1])}]"),
        (f"{c} confidence interval (bootstrap)",
         f"[{fmt(est.ci_bootstrap[0])}, {fmt(est.ci_bootstrap[1])}]"),
        *((f"quantile {t:g} of the per-point orbit errors", fmt(v)) for t, v in q.items()),
        ("largest observed error (a LOWER estimate of the sup error)", fmt(est.max_observed)),
        ("inputs x group samples per input", f"{est.n_samples} x {est.n_group_samples}"),
    ]
    blocks = [
        Text(f"Model {model_name}, measured against {set_name} on {inputs}. The orbit error of an "
             f"input x is (E_g |f(g x) - rho(g) f(x)|^{p})^(1/{p}); ee_{p} averages it over the "
             "inputs. The intervals cover the sampling of both the inputs and the group. The "
             "largest observed error is only a lower estimate of the sup error ee_inf: a bound "
             "that needs ee_inf never receives it."),
        Table(("quantity", "value"), tuple(rows)),
        Text(f"Sampling: {est.sampling}."),
    ]
    if histogram is not None:
        blocks.append(histogram)
    data = {"model": model_name, "set": set_name, "inputs": inputs, "p": est.p,
            "value": est.value, "stderr": est.stderr, "ci": list(est.ci),
            "ci_bootstrap": list(est.ci_bootstrap), "confidence": est.confidence,
            "quantiles": {f"{t:g}": v for t, v in q.items()},
            "max_observed": est.max_observed, "max_observed_is_lower_estimate": True,
            "n_samples": est.n_samples, "n_group_samples": est.n_group_samples,
            "sampling": est.sampling, "estimation": est.estimation, "path": est.path,
            "per_point_histogram": _histogram(est.per_point)}
    return Section("model_error", "Equivariance error of the model, measured (THEORY §3)",
                   blocks, data)


def _histogram(values: np.ndarray, bins: int = 30) -> dict:
    counts, edges = np.histogram(np.asarray(values, dtype=np.float64), bins=bins)
    return {"counts": counts.tolist(), "edges": edges.tolist()}


def data_error_section(res, set_name: str, source: str) -> Section:
    """The data's own equivariance error (THEORY §3): the functional part, matched within a
    radius, with coverage and bias bound, and the distributional part (MMD and its test)."""
    c = f"{res.confidence:.0%}"
    rows = [
        (f"ee_{res.p:g} of the regression function (estimate)", fmt(res.value)),
        ("standard error", fmt(res.stderr)),
        (f"{c} confidence interval", f"[{fmt(res.ci[0])}, {fmt(res.ci[1])}]"),
        ("matching radius r", fmt(res.radius)),
        ("pairs matched within r (coverage)", f"{res.coverage:.1%} ({res.n_matched} of {res.n_pairs})"),
        ("bias bound L r", "-" if res.bias_bound is None else fmt(res.bias_bound)),
        ("largest matched error (a LOWER estimate of the sup)", fmt(res.max_observed)),
        ("MMD(mu, E_g g#mu)", fmt(res.mmd)),
        ("permutation p-value of invariance of the inputs", fmt(res.mmd_pvalue)),
    ]
    blocks = [
        Text(f"Data {source}, measured against {set_name}. Functional part: each transformed input "
             "g x_i is matched to its nearest data point within the radius r, whose label stands in "
             "for f*(g x_i); with noisy labels the estimate contains the noise. Distributional "
             "part: the MMD between the inputs and their transformed copies, and a within-pair "
             "permutation test of the invariance of the input distribution."),
        Table(("quantity", "value"), tuple(rows)),
        *(Text(f"Note: {n}") for n in res.notes),
    ]
    data = {"set": set_name, "source": source, "p": res.p, "value": res.value,
            "stderr": res.stderr, "ci": list(res.ci), "confidence": res.confidence,
            "radius": res.radius, "coverage": res.coverage, "n_matched": res.n_matched,
            "n_pairs": res.n_pairs, "bias_bound": res.bias_bound,
            "max_observed": res.max_observed, "mmd": res.mmd, "mmd_pvalue": res.mmd_pvalue,
            "notes": list(res.notes)}
    return Section("data_error", "Equivariance error of the data, measured (THEORY §3)", blocks,
                   data)


# ------------------------------------------------------------------------------------------------
# the seam: a sup error enters a bound
# ------------------------------------------------------------------------------------------------

def _value(bound, key, known: dict | None, n: int, delta: float) -> float:
    if known is not None and key in known:
        return float(known[key])
    return float(bound.evaluate(n=n, delta=delta))


def approximate_bound_section(space, named_set: tuple[str, Any], sup: SupErrorUpperBound,
                              learning: dict, known: dict | None = None) -> Section:
    """Bounds for a model whose sup equivariance error is at most ``sup.value`` (THEORY §4 with
    eta > 0), beside the bounds without symmetry and for exactly invariant models.

    The sup error enters only as a :class:`~symbound.seam.SupErrorUpperBound`; when it holds with
    probability ``sup.confidence < 1``, the bounds are evaluated at ``delta - (1 - confidence)`` so
    that everything holds together with probability ``1 - delta`` (union bound).  ``known`` maps
    ``(method, set name, n)`` to values of the exactly invariant and plain bounds at
    ``learning["delta"]`` already computed (the bound sections'), used when the deltas agree."""
    from ..errors import InvalidValueError

    if sup.quantity != "model":
        raise InvalidValueError(f"sup must bound the model's sup error (quantity 'model'), got "
                                f"{sup.quantity!r}")
    label, G = named_set
    delta = learning["delta"]
    delta_b = float(sp.N(delta)) - sup.failure_probability
    if delta_b <= 0:
        raise InvalidValueError(
            f"the sup error holds with confidence {sup.confidence:g}, which leaves no confidence "
            f"budget for the bounds at delta = {fmt(delta)}; use a larger delta or a more confident "
            "sup estimate")
    eta = sup.value
    tables, data = [], []
    for method in learning["method"]:
        plain, exact = certified_bounds(method, space, [("", None), (label, G)], learning)
        (approx,) = certified_bounds(method, space, [(label, G)], learning, equivariance_error=eta)
        rows, vals = [], []
        for n in learning["n"]:
            v = [_value(b, (method, nm, n), known if delta_b == float(sp.N(delta)) else None,
                        n, delta_b)
                 for b, nm in ((plain, NO_SYMMETRY), (approx, None), (exact, label))]
            rows.append((str(n), *map(fmt, v)))
            vals.append({"n": n, "no_symmetry": v[0], "approximately_invariant": v[1],
                         "exactly_invariant": v[2]})
        tables.append(Table(("n", "no symmetry", f"{label}, eta = {fmt(eta)}", f"{label}, exact"),
                            tuple(rows), f"{method} bound, delta = {fmt(delta_b)}"))
        data.append({"method": method, "delta": delta_b, "rows": vals})
    blocks = [
        Text(f"A model whose sup equivariance error under {label} is at most eta = {fmt(eta)} is "
             f"bounded with the covering numbers modulo {label} and the resolution term grown by "
             "eta. The sup error comes from this statement:"),
        Pre(sup.describe()),
        *tables,
        Text("The symmetry-aware bound pays for eta at every n, so at large n it can exceed the "
             "bound without symmetry (which also holds for such a model, being L-Lipschitz): the "
             "trade-off between the capacity a symmetry removes and the error its violation costs "
             "(THEORY §5)."),
    ]
    if sup.failure_probability > 0:
        blocks.insert(2, Text(f"The sup estimate fails with probability at most "
                              f"{sup.failure_probability:g}; the bounds are evaluated at delta = "
                              f"{fmt(delta_b)} so that all hold together with probability "
                              f"1 - {fmt(delta)}."))
    return Section("approximate_bound",
                   f"Bounds for a model that is approximately invariant under {label}",
                   blocks, {"set": label, "sup_error": {
                       "value": sup.value, "quantity": sup.quantity, "scope": sup.scope,
                       "region": sup.region, "confidence": sup.confidence,
                       "observed_max": sup.observed_max, "method": sup.method,
                       "assumptions": list(sup.assumptions), "reference": sup.reference},
                       "tables": data})


# ------------------------------------------------------------------------------------------------
# the trade-off between model and data equivariance error
# ------------------------------------------------------------------------------------------------

#: levels of the table of E, as fractions of eta_d
TRADEOFF_TABLE_FRACTIONS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5)
#: the phase diagram's grid: decades of n, and data levels as factors of eta_d
PHASE_N = tuple(10**k for k in range(2, 13))
PHASE_ETA_FACTORS = (0.1, 0.25, 0.5, 1.0, 2.0, 4.0)


def tradeoff_section(t, label: str, sup: SupErrorUpperBound | None, *,
                     curve_points: int = 121) -> Section:
    """The trade-off of THEORY §5 for the group ``label`` (``t`` a
    :class:`~symbound.bounds.tradeoff.TradeOff` at a numeric n and eta_d): the optimal model
    equivariance level, its regime and the covering that drives it, the threshold sample size n*,
    the total error at a few levels, and (for the figures) the curve ``eta -> E(eta)`` and the
    phase diagram.  ``sup``: the certified data sup eta_d came from, or None (given in the spec)."""
    eta_d = float(t.eta_d)
    n = int(t.n)
    Ll = float(t.constants["loss_lipschitz"])
    M = float(t.constants["loss_bound"])
    opt = t.optimal_model_equivariance()
    th = t.threshold_n(rtol=1e-2)  # n* to 1%, certified above it
    fr = np.array(TRADEOFF_TABLE_FRACTIONS)
    levels = np.unique(fr * eta_d)
    up, lo, gen = t.total_error(levels), t.total_error(levels, "lower"), t.generalization(levels)
    slow = t.evaluation_path() == "per level"
    top = 1.5 * eta_d if eta_d > 0 else 1.0
    grid = np.linspace(0.0, top, 17 if slow else curve_points)
    curve_up, curve_lo = t.total_error(grid), t.total_error(grid, "lower")
    factors = np.array(PHASE_ETA_FACTORS)
    eds = np.unique(factors * eta_d) if eta_d > 0 else np.array([0.01, 0.1])
    ns = np.array(PHASE_N[::2] if slow else PHASE_N)
    pd = t.phase_diagram(n=ns, eta_d=eds)
    star = "-" if opt.value is None else fmt(opt.value)
    rows = [
        ("optimal model equivariance level eta*", star),
        ("regime", opt.regime),
        ("certified total-error bound E(eta*)", fmt(opt.total_error)),
        ("E(0): exactly invariant models", fmt(opt.endpoints["full"])),
        ("E(eta_d): models matching the data's level", fmt(opt.endpoints["match"])),
        ("which covering gives Gen(eta*)", opt.driver),
        ("full symmetry's gain 2 (Gen(eta_d) - Gen(0)) vs its cost L_l eta_d",
         f"{fmt(opt.decision['gain'])} vs {fmt(opt.decision['cost'])}"),
        ("threshold n* (to 1%): matching wins for every n >= n*",
         th.status if th.value is None else f"{th.value} ({'certified' if th.certified else 'NOT certified'})"),
        ("how eta* was found", f"{opt.path} ({opt.check['points']} levels evaluated, Gen read "
                               f"{opt.check['curve_path']})"),
    ]
    if th.closed_form_value is not None:
        rows.append(("n* at leading order (closed form, power-law coverings)", fmt(th.closed_form_value)))
    table = Table(("quantity", "value"), tuple(rows), f"{t.method} bound, n = {n}, delta = {t.delta:g}")
    level_rows = tuple((fmt(e), fmt(Ll * max(eta_d - e, 0.0)), fmt(2 * g), fmt(u), fmt(low))
                       for e, g, u, low in zip(levels, gen, up, lo))
    level_table = Table(("eta", "L_l (eta_d - eta)_+", "2 Gen(eta)", "E(eta) (bound)",
                         "lower end of the sandwich"), level_rows,
                        "total error at a few model equivariance levels")
    source = ("given in the spec" if sup is None else
              "certified from the data (the statement below)")
    blocks = [
        Text(f"A model class F_eta of L-Lipschitz models whose sup equivariance error under {label} "
             f"is at most eta, trained by empirical risk minimisation on data whose regression "
             f"function has sup equivariance error at most eta_d = {fmt(eta_d)} ({source}). With "
             f"probability at least 1 - delta the excess risk is at most E(eta), the approximation "
             "cost of the symmetry the model imposes beyond the data's plus twice the "
             "generalization bound of F_eta (the better of the covering modulo the group and the "
             "plain covering, from the same bounds as above). A level between 0 and eta_d trades one "
             "against the other; the calculator finds the best one on the actual curve, assuming "
             "no convexity."),
        Formula("The bound:", t.latex()),
    ]
    if sup is not None:
        blocks.append(Pre(sup.describe()))
    blocks += [
        table,
        level_table,
        Text("The lower end of the sandwich, L_l (eta_d - eta)_+ / 2 + 2 Gen(eta), is the least the "
             "same argument could give (a comparison curve, not a bound). The phase diagram shows "
             "which level wins over a grid of sample sizes and data levels; where every level's "
             f"bound is at least M = {fmt(M)} the bound says nothing (vacuous)."),
        *(Text(f"Note: {nt}") for nt in (*opt.notes, *th.notes)),
    ]
    data = {
        "group": label, "method": t.method, "n": n, "delta": t.delta,
        "delta_bounds": t.delta_bounds, "eta_d": eta_d, "eta_d_source": t.eta_d_source,
        "data_sup": None if sup is None else {
            "value": sup.value, "region": sup.region, "confidence": sup.confidence,
            "observed_max": sup.observed_max, "method": sup.method,
            "assumptions": list(sup.assumptions)},
        "optimum": {"value": opt.value, "regime": opt.regime, "total_error": opt.total_error,
                    "driver": opt.driver, "path": opt.path, "endpoints": opt.endpoints,
                    "decision": opt.decision, "closed_form": None if opt.closed_form is None
                    else str(opt.closed_form)},
        "threshold": {"status": th.status, "value": th.value, "bracket": th.bracket,
                      "certified": th.certified, "lower_certified": th.lower_certified,
                      "closed_form": None if th.closed_form is None else str(th.closed_form),
                      "closed_form_value": th.closed_form_value},
        "levels": [{"eta": float(e), "generalization": float(g), "total_error": float(u),
                    "lower": float(low)} for e, g, u, low in zip(levels, gen, up, lo)],
        "curve": {"eta": grid.tolist(), "upper": curve_up.tolist(), "lower": curve_lo.tolist()},
        "phase": {"n": pd.n.tolist(), "eta_d": pd.eta_d.tolist(),
                  "regime": pd.regime_names().tolist(), "optimum": pd.optimum.tolist(),
                  "total_error": pd.total_error.tolist(), "vacuous": pd.vacuous.tolist(),
                  "loss_bound": M},
        "assumptions": list(t.assumptions), "reference": "THEORY §5",
    }
    return Section("tradeoff", f"Model versus data equivariance under {label}: the trade-off "
                   "(THEORY §5)", blocks, data)
