"""Build the report of a spec: compute the sections, draw the figures, write the files.

:func:`build_sections` is the list of sections (one line per section); :func:`write_report` writes
``report.md``, ``report.tex``, ``report.json``, the PNG figures and ``report.pdf`` (when pdflatex
is installed).
"""

from __future__ import annotations

import errno
import shutil
import time
from importlib import resources
from pathlib import Path
from typing import Callable

import numpy as np
import sympy as sp

from ..errors import InvalidValueError
from ..seam import SupErrorUpperBound
from . import figures, sections, writers
from .document import Figure, Section
from .parallel import default_jobs, run_tasks
from .problem import Problem
from .spec import Spec, parse_text

__all__ = ["OutputError", "example_spec_text", "example_spec", "describe_space", "declared_sup",
           "build_tradeoff", "build_sections", "write_report"]

#: sample sizes per decade of the bound-against-n figure
CURVE_POINTS_PER_DECADE = 1


class OutputError(OSError):
    """The output folder cannot be created or written."""


def example_spec_text() -> str:
    """The TOML text of the built-in example."""
    return resources.files("symbound.report").joinpath("example.toml").read_text()


def example_spec() -> Spec:
    """The built-in example as a :class:`~symbound.report.spec.Spec`."""
    base = Path(str(resources.files("symbound.report")))
    return parse_text(example_spec_text(), base=base, name="the built-in example")


def describe_space(space: dict) -> str:
    """The space of a ``[space]`` table in words."""
    k = space["kind"]
    s = {key: (str(v) if isinstance(v, sp.Basic) else f"{v:g}" if isinstance(v, float) else str(v))
         for key, v in space.items()}
    if k == "annulus":
        if sp.sympify(space["r_inner"]) == 0:
            return f"the disk |x| <= {s['r_outer']} in R^2"
        return f"the annulus {s['r_inner']} <= |x| <= {s['r_outer']} in R^2"
    if k == "ball":
        return f"the ball of radius {s['radius']} in R^{s['dim']}"
    if k == "cube":
        return f"the cube [0, {s['side']}]^{s['dim']} with the {s['metric']} metric"
    if k == "sphere":
        return f"the unit sphere S^{space['dim'] - 1} in R^{s['dim']}"
    return f"the flat torus R^{s['dim']} / ({s['period']} Z)^{s['dim']}"


def _check_out(out: Path) -> Path:
    """Create ``out`` and make sure a file can be written in it, before any computation."""
    if out.exists() and not out.is_dir():
        raise OutputError(errno.ENOTDIR, f"--out must be a folder, but {str(out)!r} is a file")
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".symbound-write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise OutputError(exc.errno, f"cannot write to the output folder {str(out)!r}: "
                                     f"{exc.strerror or exc}") from None
    return out


def declared_sup(spec: Spec, est=None, region: str = "", group=None,
                 space=None) -> SupErrorUpperBound | None:
    """The sup error the spec declares (``[model] sup_error``) as a seam object, or None.

    A declared value is the user's statement, not symbound's: it is recorded as such, holds with
    confidence 1 if the argument is right, and must not be below an error symbound measured
    (``SupErrorUpperBound`` refuses that).  ``group`` and ``space``: the spec's model set and input
    space, which the declaration is about (recorded, so that bounds can check them)."""
    m = spec.model
    if m is None or m["sup_error"] is None:
        return None
    observed = 0.0 if est is None else float(est.max_observed)
    value = float(sp.N(m["sup_error"], 17))
    if value < observed:
        raise InvalidValueError(
            f"[model] sup_error = {value:g} is below the largest error symbound measured on the "
            f"model ({observed:.6g}): it cannot bound the sup equivariance error")
    return SupErrorUpperBound(
        value=value, quantity="model", scope="region", region=region, confidence=1.0,
        observed_max=observed, method=f"declared in the spec: {m['sup_error_argument']}",
        assumptions=("the value is the spec author's; symbound checked only that no measured "
                     "error exceeds it",),
        reference="the spec's sup_error_argument", group=group, region_space=space)


def build_tradeoff(problem: Problem):
    """``(TradeOff, data sup or None, group name)`` of the spec's ``[tradeoff]`` table.

    With ``eta_d = "data"`` the data's sup equivariance error is certified from the ``[data]``
    labels over the whole space (:func:`symbound.certified_data_sup_error`, matching radius and
    Lipschitz constant of ``[data]``, label noise of ``[tradeoff]``) and enters the calculator as
    that :class:`~symbound.seam.SupErrorUpperBound` (recorded; a confidence below 1 would be paid
    in delta)."""
    import symbound as sb

    spec = problem.spec
    tt, learning = spec.tradeoff, spec.learning
    label, G = problem.named_set(tt["group"], "[tradeoff]")
    sup = None
    eta_d = tt["eta_d"]
    if eta_d == "data":
        d = spec.data
        sup = sb.certified_data_sup_error(
            problem.inputs, problem.labels, G, float(sp.N(d["radius"])),
            lipschitz=float(sp.N(d["lipschitz"])), noise=float(sp.N(tt["noise"])),
            region=problem.space)
        eta_d = sup
    method = tt["method"]
    kw = dict(lipschitz=learning["lipschitz"], loss_lipschitz=learning["loss_lipschitz"],
              loss_bound=learning["loss_bound"], method=method)
    if method == "partition":
        kw["classes"] = learning["classes"]
    else:
        kw["hypothesis_bound"] = learning["hypothesis_bound"]
    n = tt["n"] if tt["n"] is not None else max(learning["n"])
    t = sb.tradeoff(problem.space, G, eta_d, n=n, delta=float(sp.N(learning["delta"])), **kw)
    return t, sup, label


def _tradeoff_section(problem: Problem, out: Path, figures_on: bool):
    t, sup, label = build_tradeoff(problem)
    sec = sections.tradeoff_section(t, label, sup)
    if figures_on:
        d = sec.data
        M = float(sp.N(problem.spec.learning["loss_bound"]))
        figures.total_error_vs_level(
            out / "tradeoff_total_error.png", d["curve"], eta_d=d["eta_d"],
            eta_star=d["optimum"]["value"], loss_bound=M,
            title=f"total error vs model equivariance under {label} ({d['method']}, n = {d['n']})")
        sec.blocks.append(Figure("tradeoff_total_error.png",
                                 "The certified total-error bound E(eta) against the model's "
                                 "equivariance level, with the lower end of the sandwich; the dot "
                                 "is the optimal level."))
        figures.phase_diagram(out / "tradeoff_phase.png", d["phase"], mark=(d["n"], d["eta_d"]),
                              title=f"which level wins ({d['method']} bound, delta = {d['delta']:g})")
        sec.blocks.append(Figure("tradeoff_phase.png",
                                 "Phase diagram: the optimal model equivariance level over sample "
                                 "sizes and data levels (full symmetry, match the data, interior, "
                                 "or vacuous); the star is this report's (n, eta_d)."))
    return sec


def _curve_n(ns) -> list[int]:
    lo, hi = 2.0, np.log10(10 * max(ns))
    k = int(round((hi - lo) * CURVE_POINTS_PER_DECADE)) + 1
    return sorted(set(int(round(v)) for v in np.logspace(lo, hi, k)))


def _bound_tasks(methods, bounds: dict, names, learning, curve_n) -> list[tuple[tuple, Callable]]:
    """The independent computations of the bound sections, the longest first: the comparison of
    each method (one :func:`symbound.compare` over the table's sample sizes: the bounds are
    prepared and their rates derived once), and the figure's curve of each method."""
    import symbound as sb

    delta = learning["delta"]
    ns = list(learning["n"])
    tasks = []
    for method in sorted(methods, key=lambda m: m != "dudley"):  # Dudley's are the longest
        bs = bounds[method]
        tasks.append((("compare", method),
                      lambda bs=bs: list(sb.compare(bs, n=ns, delta=delta, names=names))))
        extra = [k for k in curve_n if k not in ns]  # the tables give the others
        if extra:
            tasks.append((("curves", method), lambda bs=bs: _curve_values(bs, names, extra, delta)))
    return tasks


def _curve_values(bs, names, ns, delta) -> dict[str, dict[int, float]]:
    """Each bound at each sample size of ``ns`` (delta substituted once per bound, as
    :func:`symbound.compare` does)."""
    out = {}
    for nm, b in zip(names, bs):
        at_delta = b.subs(delta=delta)
        out[nm] = {k: float(at_delta.evaluate(n=k)) for k in ns}
    return out


def _curves(names, curve_n, comparisons, computed: dict | None) -> dict[str, list[float]]:
    """The figure's curve of each bound on ``curve_n``: the tables' values where they have them."""
    table = {(r["name"], c.n): float(r["value"]) for c in comparisons for r in c.rows}
    computed = computed or {}
    return {nm: [table[(nm, k)] if (nm, k) in table else computed[nm][k] for k in curve_n]
            for nm in names}


def build_sections(problem: Problem, out: Path, *, figures_on: bool, step: Callable[[str], None],
                   progress: bool, jobs: int = 1) -> list[Section]:
    """The report's sections in order (each a function of :mod:`symbound.report.sections`),
    drawing the figures into ``out``; the bound tables are computed by
    :func:`~.parallel.run_tasks` (in up to ``jobs`` processes)."""
    import symbound as sb

    spec, X, sets = problem.spec, problem.space, problem.sets
    learning, methods = spec.learning, spec.learning["method"]
    names = [label for label, _G in sets]
    step("covering numbers")
    covering = sections.covering_section(X, sets, spec.report["eps"])
    curve_n = _curve_n(learning["n"]) if figures_on else ()
    bounds = {m: sections.certified_bounds(m, X, sets, learning) for m in methods}
    tasks = _bound_tasks(methods, bounds, names, learning, curve_n)
    results = dict(zip([key for key, _t in tasks],
                       run_tasks([t for _k, t in tasks], jobs,
                                 done=lambda i: step(" ".join(tasks[i][0])))))
    bound_secs = []
    for m in methods:
        comparisons = results[("compare", m)]
        curves = (_curves(names, curve_n, comparisons, results.get(("curves", m)))
                  if curve_n else None)
        sec = sections.bounds_section(m, bounds[m], names, learning, comparisons, curve_n, curves)
        if figures_on:
            name = f"bound_vs_n_{m}.png"
            figures.bound_vs_n(out / name, curve_n, sec.data["curves"],
                               loss_bound=float(sp.N(learning["loss_bound"])),
                               title=f"{m} bound, delta = {learning['delta']}",
                               marks=learning["n"])
            sec.blocks.append(Figure(name, f"The {m} bound against n, with and without each "
                                           "symmetry (log axes); shaded: vacuous values."))
        bound_secs.append(sec)
    known = {(m, r["name"], c.n): r["value"]
             for m in methods for c in results[("compare", m)]
             for r in c.rows}
    out_sections = [sections.gains_section(bound_secs), covering, *bound_secs]

    est = sup = None
    if problem.model is not None:
        label, G = problem.model_set
        step(f"equivariance error of the model under {label}")
        m = spec.model
        est = sb.equivariance_error(problem.model, G, problem.inputs,
                                    rho=None if m["output"] == "invariant" else "same",
                                    p=float(sp.N(m["p"])), n_group_samples=m["group_samples"],
                                    seed=problem.seed, progress=progress)
        sup = declared_sup(spec, est, describe_space(spec.space), G, problem.space)
        hist = None
        if figures_on:
            hist = Figure("orbit_errors.png", f"Per-point orbit errors of the model under {label}.")
            figures.orbit_error_histogram(out / hist.path, est.per_point, value=est.value,
                                          ci=est.ci, max_observed=est.max_observed, p=est.p,
                                          title=f"orbit errors of {m['function']} under {label}",
                                          sup_bound=None if sup is None else sup.value)
        out_sections.append(sections.model_error_section(est, m["function"], label,
                                                         problem.inputs_description, hist))
    if problem.labels is not None:
        label, G = problem.data_set
        step(f"equivariance error of the data under {label}")
        d = spec.data
        res = sb.data_equivariance_error(
            problem.inputs, problem.labels, G, radius=float(sp.N(d["radius"])),
            lipschitz=None if d["lipschitz"] is None else float(sp.N(d["lipschitz"])),
            seed=problem.seed, progress=progress)
        out_sections.append(sections.data_error_section(res, label, problem.data_path.name))
    if sup is not None:
        step("bounds for the approximately invariant model")
        out_sections.append(sections.approximate_bound_section(X, problem.model_set, sup, learning,
                                                               known))
    if spec.tradeoff is not None:
        step("trade-off between model and data equivariance")
        out_sections.append(_tradeoff_section(problem, out, figures_on))
    return out_sections


def _steps(spec: Spec) -> int:
    curves = len(spec.learning["method"]) if spec.report["figures"] else 0
    n = 1 + len(spec.learning["method"]) + curves
    if spec.model is not None:
        n += 1 + (spec.model["sup_error"] is not None)
    n += 1 if spec.tradeoff is not None else 0
    return n + (1 if spec.data is not None and spec.data["labels"] is not None else 0)


def write_report(spec: Spec, out: Path, *, pdf: bool = True, points: int | None = None,
                 seed: int | None = None, quiet: bool = False, jobs: int | None = None,
                 echo: Callable[[str], None] = print) -> dict[str, Path]:
    """Compute the report of ``spec`` and write it into ``out``; returns the paths written.

    ``jobs``: processes computing the bound tables when the first takes at least
    :data:`~.parallel.POOL_AFTER_SECONDS` of CPU time (default :func:`~.parallel.default_jobs`;
    the results do not depend on it).

    Raises
    ------
    SpecError
        the spec's files or model cannot be used.
    OutputError
        ``out`` cannot be created or written (checked before any computation).
    symbound.SymboundError
        symbound rejects the problem (e.g. a model that returns NaN).
    writers.PdfError
        pdflatex failed (the other files are written).
    """
    from tqdm.auto import tqdm

    t0 = time.perf_counter()
    out = _check_out(Path(out))
    problem = Problem(spec, points=points, seed=seed)
    figures_on = bool(spec.report["figures"])
    bar = tqdm(total=_steps(spec), disable=quiet, desc="symbound report", unit="step", leave=False)

    def step(what: str) -> None:
        bar.set_postfix_str(what, refresh=False)
        bar.update(1)

    try:
        secs = build_sections(problem, out, figures_on=figures_on, step=step, progress=not quiet,
                              jobs=default_jobs() if jobs is None else jobs)
    finally:
        bar.close()
    title = spec.report["title"]
    intro = [f"Input space X: {describe_space(spec.space)}. Transformation sets compared with no "
             "symmetry: " + ", ".join(name for name, _G in problem.sets[1:])
             + f". Confidence: every bound holds with probability at least 1 - delta, delta = "
             f"{spec.learning['delta']}."]
    written: dict[str, Path] = {}
    md = writers.markdown(title, intro, secs)
    written["markdown"] = out / "report.md"
    written["markdown"].write_text(md)
    written["latex"] = out / "report.tex"
    written["latex"].write_text(writers.latex(title, intro, secs))
    import symbound as sb

    payload = {"symbound_version": sb.__version__, "title": title,
               "spec": spec.raw, "space": describe_space(spec.space),
               "sets": [name for name, _G in problem.sets],
               "sections": {s.key: s.data for s in secs},
               "section_titles": {s.key: s.title for s in secs},
               "figures": [b.path for s in secs for b in s.blocks if isinstance(b, Figure)]}
    written["json"] = writers.write_json(out / "report.json", payload)
    for f in payload["figures"]:
        written[f"figure {f}"] = out / f
    if pdf and shutil.which("pdflatex"):
        written["pdf"] = writers.compile_pdf(written["latex"])
    if not quiet:
        echo(md)
        for k, v in written.items():
            echo(f"wrote {k}: {v}")
        echo(f"done in {time.perf_counter() - t0:.1f} s")
    return written

