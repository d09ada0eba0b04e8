"""The ``symbound`` command: ``symbound report --out DIR`` runs the main job on a built-in example.

The example is the one of the seed paper's claims, end to end: a planar input space (an annulus),
several transformation sets acting on it (the cyclic group C_8, the dihedral group D_8, the circle
group SO(2), and rotations by at most pi/4 — not a group), and

1. covering numbers of the space and of its quotients (certified upper and lower bounds and the
   asymptotic form, THEORY.md §1-2), with their LaTeX;
2. generalization bounds with and without the symmetry (partition and entropy-integral bounds,
   THEORY.md §4), side by side with the effective-sample-size multiplier of each symmetry;
3. the equivariance error of a small, slightly non-invariant model measured by symbound (orbit
   sampling with a confidence interval, THEORY.md §3), and the bound for approximately invariant
   models it enters.

Outputs: ``report.md`` (tables), ``report.tex`` (a standalone document) and ``report.pdf`` when
``pdflatex`` is installed.
"""

from __future__ import annotations

import argparse
import math
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import sympy as sp

__all__ = ["main", "build_report"]

EPS_VALUES = (0.2, 0.1, 0.05, 0.01)
N_VALUES = (10_000, 1_000_000)
DELTA = 0.05
#: size of the grid of resolutions the partition bound optimises over (union bound, THEORY.md §4.1)
GRID = 64
#: coefficient of the symmetry-breaking term of the example model (see :func:`example_model`)
BREAKING = 0.05


def example_model(x: np.ndarray) -> np.ndarray:
    """The report's model: f(x) = |x| + BREAKING * x_0, on batches (N, 2) -> (N,).

    Its sup equivariance error over SO(2) on the annulus r <= 1 is known in closed form:
    |f(g x) - f(x)| = BREAKING * |x| * |cos(a + t) - cos a| <= 2 * BREAKING * |x| <= 2 * BREAKING,
    with equality at |x| = 1, a = 0, t = pi.  The report compares that value with what symbound
    measures."""
    return np.sqrt(np.sum(x * x, axis=-1)) + BREAKING * x[..., 0]


def _fmt(v) -> str:
    try:
        f = float(v)
    except (TypeError, OverflowError):
        return str(sp.N(v, 6))
    if f != 0 and (abs(f) >= 1e6 or abs(f) < 1e-3):
        return f"{f:.4e}"
    return f"{f:.6g}"


def _md_table(head, rows) -> str:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def build_report(out: Path, *, pdf: bool = True, n_points: int = 2000, seed: int = 0,
                 echo=print) -> dict:
    """Run the built-in example and write the report into ``out``; returns the paths written."""
    import symbound as sb

    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"--out must be a folder, got the existing file {out}")
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    X = sb.Annulus(sp.Rational(1, 2), 1)
    sets = [
        ("no symmetry", None),
        ("C_8", sb.groups.Cyclic(8)),
        ("D_8", sb.groups.Dihedral(8)),
        ("SO(2)", sb.groups.SO(2)),
        ("rotations by at most pi/4", sb.groups.PartialRotations(sp.pi / 4)),
    ]
    md = ["# symbound report: an annulus and its symmetries", "",
          f"Input space X = annulus 1/2 <= |x| <= 1 in R^2. Confidence delta = {DELTA}.", ""]
    tex_objects = []

    # 1. covering numbers ------------------------------------------------------------------
    md += ["## 1. Covering numbers of X and of X modulo each set (THEORY.md §1-2)", ""]
    rows = []
    for label, G in sets:
        target = X if G is None else sb.quotient(X, G)
        for eps in EPS_VALUES:
            up = target.covering(eps, "upper")
            lo = target.covering(eps, "lower")
            try:
                asym = _fmt(target.covering(eps, "asymptotic").expr)
            except sb.InvalidValueError:
                asym = "-"
            rows.append([label, eps, _fmt(lo.expr), _fmt(up.expr), asym, up.method])
    md += [_md_table(["set S", "eps", "certified lower", "certified upper", "asymptotic",
                      "upper bound by"], rows), ""]
    eps = sb.symbol("eps")
    md += ["LaTeX of the certified upper bounds as functions of eps:", ""]
    for label, G in sets:
        target = X if G is None else sb.quotient(X, G)
        md.append(f"- {label}: `{target.latex()}`: `{sb.latex.snippet(target.covering_number(eps))}`")
    md.append("")

    # 2. generalization bounds --------------------------------------------------------------
    md += ["## 2. Generalization bounds with and without the symmetry (THEORY.md §4)", "",
           "Lipschitz constant L = 1, loss Lipschitz L_l = 1, loss in [0, 1], 2 classes, hypotheses "
           "in [-1, 1].", ""]
    consts = dict(lipschitz=1, loss_lipschitz=1, loss_bound=1)
    md += ["Values are certified: each bound uses a certified upper covering number — the closed "
           "form in eps listed above where it holds for every eps, otherwise the space's own count "
           "at the eps in use — with the resolution optimised numerically (the value is the bound "
           "at the returned resolution, itself a valid bound). The closed forms can be looser than "
           "the counts of the table, which minimise over several constructions at each eps. "
           "The rates come from the leading-order power-law forms of the same covering numbers; "
           "the entropy-integral rates carry log factors (see THEORY corrections in the README). "
           "The multiplier m compares the certified bounds as computed: where it exceeds |G| "
           "(C_8, D_8), part of the gain comes from the constants of the certified covering "
           "constructions of X and of X/G, not from the symmetry alone; the asymptotic multiplier "
           "of the leading-order forms is exactly |G|. With a loss in [0, 1], a value >= 1 is "
           "vacuous (the entropy-integral bounds at n = 10^4).", ""]
    for method, extra in (("partition", dict(classes=2, grid_size=GRID)),
                          ("dudley", dict(hypothesis_bound=1))):
        certified, leading, names = [], [], []
        for label, G in sets:
            certified.append(sb.generalization_bound(X, G, method=method, covering="upper",
                                                     **consts, **extra))
            leading.append(sb.generalization_bound(X, G, method=method, **consts, **extra))
            names.append(label)
        tex_objects.append(leading[1])
        for n in N_VALUES:
            table = sb.compare(certified, n=n, delta=DELTA, names=names)
            md += [f"### {method} bound, n = {n}", "", "```", str(table), "```", ""]
            tex_objects.append(table)
        md += [f"Leading rates in n ({method}): " + ", ".join(
            f"{nm}: n^({b.rate('n')})" for nm, b in zip(names, leading)), ""]

    # 3. measured equivariance error ----------------------------------------------------------
    rng = np.random.default_rng(seed)
    r = np.sqrt(rng.uniform(0.25, 1.0, n_points))
    a = rng.uniform(0, 2 * np.pi, n_points)
    pts = np.stack([r * np.cos(a), r * np.sin(a)], axis=1)
    G = sb.groups.SO(2)
    est = sb.equivariance_error(example_model, G, pts, p=2, n_group_samples=64, seed=seed)
    eta_sup = 2 * BREAKING
    # E_t (cos(a + t) - cos a)^2 = 1/2 + cos^2 a, whose mean over a is 1; E r^2 = (1/4 + 1)/2
    ee2_exact = BREAKING * math.sqrt(0.625)
    md += ["## 3. Equivariance error of a model, measured by symbound (THEORY.md §3)", "",
           f"Model f(x) = |x| + {BREAKING} x_0 on {n_points} points uniform on the annulus; "
           "group SO(2) (Haar).", "", "```", repr(est), "```", "",
           f"Closed form for this model: ee_2 = {BREAKING} sqrt(E|x|^2) = {ee2_exact:.5g} "
           f"(inside the interval above: {est.ci[0] <= ee2_exact <= est.ci[1]}); "
           f"ee_inf = 2 * {BREAKING} = {eta_sup}. "
           f"symbound's observed maximum {est.max_observed:.4g} is a lower estimate of it, as labelled. "
           "The bound for approximately invariant models below uses the closed-form sup.", ""]
    approx = sb.generalization_bound(X, G, method="partition", covering="upper", **consts,
                                     classes=2, grid_size=GRID,
                                     equivariance_error=eta_sup)
    exact = sb.generalization_bound(X, G, method="partition", covering="upper", **consts,
                                    classes=2, grid_size=GRID)
    plain = sb.generalization_bound(X, None, method="partition", covering="upper", **consts,
                                    classes=2, grid_size=GRID)
    rows = []
    for n in N_VALUES:
        rows.append([n, _fmt(plain.evaluate(n=n, delta=DELTA)),
                     _fmt(approx.evaluate(n=n, delta=DELTA)), _fmt(exact.evaluate(n=n, delta=DELTA))])
    md += [_md_table(["n", "no symmetry", f"SO(2), eta = {eta_sup}", "SO(2), exact"], rows), "",
           f"The approximately invariant model pays 2 L_l eta = {2 * eta_sup:g} at every n, so at large "
           "n its symmetry-aware bound is worse than the plain one (which also holds for it, since "
           "it is 1-Lipschitz): the trade-off of THEORY.md §5 between the capacity a symmetry "
           "removes and the approximation error its violation costs.", ""]
    tex_objects.append(approx)

    md_path = out / "report.md"
    md_path.write_text("\n".join(md))
    tex_path = sb.latex.document(tex_objects, out / "report.tex",
                                 title="symbound report: an annulus and its symmetries")
    written = {"markdown": md_path, "latex": tex_path}
    if pdf and shutil.which("pdflatex"):
        written["pdf"] = sb.latex.compile_pdf(tex_path)
    echo("\n".join(md))
    echo("")
    for k, v in written.items():
        echo(f"wrote {k}: {v}")
    echo(f"done in {time.perf_counter() - t0:.1f} s")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="symbound", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser("report", help="run the built-in example and write a report")
    rep.add_argument("--out", default="symbound-report", help="output folder (default: %(default)s)")
    rep.add_argument("--no-pdf", action="store_true", help="do not run pdflatex")
    rep.add_argument("--points", type=int, default=2000, help="data points of the measured example")
    rep.add_argument("--seed", type=int, default=0, help="seed of the example's randomness")
    args = parser.parse_args(argv)
    if args.command == "report":
        if args.points < 10:
            parser.error(f"--points must be an integer >= 10, got {args.points}")
        if args.seed < 0:
            parser.error(f"--seed must be a nonnegative integer, got {args.seed}")
        try:
            build_report(Path(args.out), pdf=not args.no_pdf, n_points=args.points, seed=args.seed)
        except NotADirectoryError as exc:
            parser.error(str(exc))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
