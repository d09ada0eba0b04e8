"""Build and execute the example notebooks (run from the repository root:
``python notebooks/_build.py``).  The notebooks are versioned with their outputs; the test suite
re-executes them through nbmake."""

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).parent


def md(text):
    return nbformat.v4.new_markdown_cell(text.strip())


def code(text):
    return nbformat.v4.new_code_cell(text.strip())


NOTEBOOKS = {}

NOTEBOOKS["01_covering_numbers_and_quotients.ipynb"] = [
    md("""
# Covering numbers of a space and of its quotients

THEORY.md §1–2. A covering number $N(X, \\varepsilon)$ counts the $\\varepsilon$-balls needed to
cover $X$; modulo a transformation set $S$, a centre $c$ also covers every point within
$\\varepsilon$ of $s(c)$, $s \\in S \\cup \\{\\mathrm{id}\\}$. symbound returns certified upper and lower
bounds, exact values where known, and asymptotic forms labelled as such.
"""),
    code("""
import numpy as np
import sympy as sp
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import symbound as sb

X = sb.Annulus(sp.Rational(1, 2), 1)
for kind in ("lower", "upper", "asymptotic"):
    c = X.covering(0.05, kind)
    print(f"{kind:>10}: {float(c.expr):10.2f}   [{c.kind}; {c.method}]")
"""),
    md("A symbolic resolution gives a SymPy expression, with its regime of validity:"),
    code("""
eps = sb.symbol("eps")
c = X.covering(eps, "upper")
c.expr, c.regime
"""),
    md("Quotients by a finite group, the circle group, and a partial set of rotations (not a group):"),
    code("""
sets = {"C_8": sb.groups.Cyclic(8), "D_8": sb.groups.Dihedral(8), "SO(2)": sb.groups.SO(2),
        "|angle| <= pi/4": sb.groups.PartialRotations(sp.pi / 4)}
for name, G in sets.items():
    Q = sb.quotient(X, G)
    up, lo = Q.covering(0.05, "upper"), Q.covering(0.05, "lower")
    print(f"{name:>16}: dim X/S = {Q.dim},  {float(lo.expr):8.2f} <= N_S <= {float(up.expr):8.2f}  ({up.method})")
"""),
    md("""
The same question asked of data: greedy $\\varepsilon$-nets of a sample under the Euclidean metric
and under the quotient metric $\\min_{s} \\|s x - y\\|$. The ratio $N(X)/N(X/G)$ is the symmetry gain;
for $C_8$ it approaches $|G| = 8$ as $\\varepsilon \\to 0$ (edges of the fundamental sector keep it
a little lower at finite resolution).
"""),
    code("""
rng = np.random.default_rng(0)
r = np.sqrt(rng.uniform(0.25, 1.0, 20_000)); a = rng.uniform(0, 2 * np.pi, 20_000)
pts = np.stack([r * np.cos(a), r * np.sin(a)], axis=1)
res = sb.empirical_covering_number(pts, 0.05, group=sb.groups.Cyclic(8))
print(res)
"""),
    code("""
eps_values = np.geomspace(0.02, 0.3, 8)
fig, ax = plt.subplots(figsize=(5, 3.5))
for name, G in [("plain", None), ("C_8", sets["C_8"]), ("SO(2)", sets["SO(2)"])]:
    target = X if G is None else sb.quotient(X, G)
    ax.loglog(eps_values, [float(target.covering(e, "upper").expr) for e in eps_values], label=f"{name}: certified upper")
    emp = [sb.empirical_covering_number(pts, e, group=G).n_centers for e in eps_values]
    ax.loglog(eps_values, emp, "o", ms=3, label=f"{name}: greedy net of the sample")
ax.set_xlabel("eps"); ax.set_ylabel("covering number"); ax.legend(fontsize=6)
fig.tight_layout()
"""),
    md("LaTeX for a paper:"),
    code("""
Q = sb.quotient(X, sets["C_8"])
print(sb.latex.snippet(Q), "   ", sb.latex.snippet(Q.covering_number(eps)))
"""),
]

NOTEBOOKS["02_generalization_bounds.ipynb"] = [
    md("""
# Generalization bounds with and without symmetry

THEORY.md §4. The partition (robustness) bound of Xu & Mannor (2012, Thm 3) and the entropy-integral
(Dudley) bound, for Lipschitz models on the unit disk, plain and invariant under the rotation group
$C_6$ or under SO(2). By default a bound uses certified upper covering numbers (`kind="certified"`);
`covering="power_law"` gives the leading-order power-law form instead, with closed-form optimal
resolution and rate (`kind="asymptotic"`).
"""),
    code("""
import numpy as np
import sympy as sp
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import symbound as sb

X = sb.Ball(2)
consts = dict(lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2, grid_size=32)
plain = sb.generalization_bound(X, None, method="partition", **consts)
cyc = sb.generalization_bound(X, sb.groups.Cyclic(6), method="partition", **consts)
rot = sb.generalization_bound(X, sb.groups.SO(2), method="partition", **consts)
cyc
"""),
    md("Every bound carries its reference, assumptions, regime and kind:"),
    code("print(cyc.describe())"),
    code("""
for name, b in [("plain", plain), ("C_6", cyc), ("SO(2)", rot)]:
    print(f"{name:>6}: value at n=1e5: {b.evaluate(n=100_000, delta=0.05):.4f}   rate: n^({b.rate('n')})")
"""),
    md("Side by side, with the effective-sample-size multiplier (\"n samples are worth m n\"):"),
    code("""
table = sb.compare([plain, cyc, rot], n=100_000, delta=0.05, names=["plain", "C_6", "SO(2)"])
table
"""),
    code("""
ns = np.geomspace(1e3, 1e9, 13)
fig, ax = plt.subplots(figsize=(5, 3.5))
for name, b in [("plain", plain), ("C_6", cyc), ("SO(2)", rot)]:
    ax.loglog(ns, [b.evaluate(n=int(n), delta=0.05) for n in ns], label=name)
ax.set_xlabel("n"); ax.set_ylabel("partition bound"); ax.legend()
fig.tight_layout()
"""),
    md("""
The leading-order forms: closed-form optimal resolution, and the asymptotic multiplier
\"n samples are worth |G| n\" for a finite group:
"""),
    code("""
lead = [sb.generalization_bound(X, G, method="partition", covering="power_law", **consts)
        for G in (None, sb.groups.Cyclic(6))]
print(lead[1].describe())
sb.compare(lead, n=100_000, delta=0.05, names=["plain", "C_6"])
"""),
    md("The entropy-integral bound, with its optimal lower limit $\\alpha$ left free and optimised:"),
    code("""
d = sb.generalization_bound(X, sb.groups.Cyclic(6), method="dudley", lipschitz=1,
                            loss_lipschitz=1, loss_bound=1, hypothesis_bound=1, resolution="expose")
opt = d.optimize(n=100_000, delta=0.05)
print(opt.method, "alpha* =", opt.argmin, "value =", opt.value)
"""),
    md("Export to a standalone LaTeX document (compiled by `pdflatex` when installed):"),
    code("""
import shutil, tempfile, pathlib
tmp = pathlib.Path(tempfile.mkdtemp())
tex = sb.latex.document([cyc, table], tmp / "bounds.tex", title="Bounds under C_6")
print(tex.read_text()[:400])
if shutil.which("pdflatex"):
    print(sb.latex.compile_pdf(tex))
"""),
]

NOTEBOOKS["03_measuring_equivariance.ipynb"] = [
    md("""
# Measuring the equivariance error of a model and of data

THEORY.md §3. symbound estimates the integrated equivariance error
$\\mathrm{ee}_p(f) = (\\mathbb{E}_x \\mathbb{E}_{g} \\|f(gx) - \\rho(g) f(x)\\|^p)^{1/p}$ by orbit
sampling, with a standard error and confidence intervals, and reports the largest error it saw —
a *lower* estimate of the sup error, labelled so.

The model here, $f(x) = |x| + 0.05\\,x_0$ on the annulus $1/2 \\le |x| \\le 1$, has known errors under
SO(2): $\\mathrm{ee}_2 = 0.05\\sqrt{\\mathbb{E}|x|^2}$ and $\\mathrm{ee}_\\infty = 0.1$.
"""),
    code("""
import numpy as np
import sympy as sp
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import symbound as sb

def model(x):
    return np.linalg.norm(x, axis=-1) + 0.05 * x[..., 0]

rng = np.random.default_rng(0)
r = np.sqrt(rng.uniform(0.25, 1.0, 4000)); a = rng.uniform(0, 2 * np.pi, 4000)
X = np.stack([r * np.cos(a), r * np.sin(a)], axis=1)
G = sb.groups.SO(2)
est = sb.equivariance_error(model, G, X, p=2, n_group_samples=64, seed=1)
print(est)
print("closed form ee_2 =", 0.05 * np.sqrt(0.625))
"""),
    md("""
Along the one-parameter family of rotations by $t$: the error curve, the $\\varepsilon$-stabilizer
$\\mathrm{Stab}_\\varepsilon(f)$ and the breaking rate $\\lambda$ with $\\mathrm{ee}(f; g_t) \\le \\lambda |t|$
(both estimates from finitely many $t$ and data points):
"""),
    code("""
t = np.linspace(-np.pi, np.pi, 61)
curve = sb.equivariance_error_curve(model, G, X, t)
stab = curve.stabilizer(0.05)
print(curve)
print(f"Stab_0.05 (sup reading) ~ [{stab.min():.3f}, {stab.max():.3f}];  breaking rate ~ {curve.breaking_rate():.4f}")
fig, ax = plt.subplots(figsize=(5, 3.2))
ax.plot(t, curve.values, label="ee_2(f; g_t)")
ax.plot(t, curve.max_observed, label="max observed (lower est. of sup)")
ax.axhline(0.05, ls=":", c="k"); ax.set_xlabel("rotation angle t"); ax.legend(fontsize=7)
fig.tight_layout()
"""),
    md("The infinitesimal (Lie-derivative) error along the rotation generator:"),
    code("print(sb.lie_derivative(model, G, X))"),
    md("""
Reynolds averaging $Qf(x) = \\int \\rho(g)^{-1} f(gx)\\,d\\lambda(g)$ makes the model invariant and
moves it by at most its equivariance error: $\\|f - Qf\\|_{L^2(\\mu)} \\le \\mathrm{ee}_2(f)$.
"""),
    code("""
Qf = sb.symmetrize(model, G, n_group_samples=64)
print(Qf)
print("ee_2(Qf) =", sb.equivariance_error(Qf, G, X, seed=2).value)
print("||f - Qf||_2 =", np.sqrt(np.mean((model(X) - Qf(X)) ** 2)), "<= ee_2(f) =", est.value)
sb.assert_equivariant(Qf, G, X[:500])
"""),
    md("""
The data's own symmetry: a target $y = |x| + 0.02\\,x_1$ plus noise, observed only on samples.
Functional part by nearest-neighbour matching within a radius (bias at most $L r$), and an MMD test
of the input distribution against its rotated copy:
"""),
    code("""
y = np.linalg.norm(X, axis=1) + 0.02 * X[:, 1] + 0.001 * rng.standard_normal(len(X))
dee = sb.data_equivariance_error(X, y, G, radius=0.03, lipschitz=1.05, seed=3)
print(dee)
# the target's own error (noise aside) is 0.02 sqrt(E|x|^2); the estimate differs by less than L r
print("target's closed form:", 0.02 * np.sqrt(0.625))
"""),
    md("""
Putting the numbers into a bound. The bound for approximately invariant models needs the *sup*
error: a measured maximum is only a lower estimate of it, so the bound below uses the closed-form
$\\mathrm{ee}_\\infty = 0.1$ of this model, and shows what the measured maximum would give beside it.
"""),
    code("""
X_space = sb.Annulus(sp.Rational(1, 2), 1)
common = dict(lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2, grid_size=64, covering="upper")
for label, eta in [("closed-form sup 0.1", 0.1), (f"measured max {est.max_observed:.4f} (lower estimate)", est.max_observed)]:
    b = sb.generalization_bound(X_space, G, method="partition", equivariance_error=eta, **common)
    print(f"{label:>40}: bound at n=1e6: {b.evaluate(n=1_000_000, delta=0.05):.4f}")
plain = sb.generalization_bound(X_space, None, method="partition", **common)
print(f"{'no symmetry':>40}: bound at n=1e6: {plain.evaluate(n=1_000_000, delta=0.05):.4f}")
"""),
]


def build(names=None):
    for name, cells in NOTEBOOKS.items():
        if names and name not in names:
            continue
        nb = nbformat.v4.new_notebook(cells=cells)
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(HERE)}}).execute()
        nbformat.write(nb, HERE / name)
        print("wrote", name)


if __name__ == "__main__":
    build(sys.argv[1:] or None)
