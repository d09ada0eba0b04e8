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

THEORY §1–2 (theory pages *Covering and packing numbers* and *Covering modulo a transformation set*). A covering number $N(X, \\varepsilon)$ counts the $\\varepsilon$-balls needed to
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

THEORY §4 (theory pages on the partition and entropy-integral bounds). The partition (robustness) bound of Xu & Mannor (2012, Thm 3) and the entropy-integral
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

THEORY §3 (theory page *Measured errors and bounds*). symbound estimates the integrated equivariance error
$\\mathrm{ee}_p(f) = (\\mathbb{E}_x \\mathbb{E}_{g} \\|f(gx) - \\rho(g) f(x)\\|^p)^{1/p}$ by orbit
sampling, with a standard error and confidence intervals, and reports the largest error it saw —
a *lower* estimate of the sup error, labelled so; a certified *upper* bound of the sup comes from
`sb.certified_sup_error` (last section).

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
error, and a measured maximum is only a lower estimate of it. `sb.certified_sup_error` turns
measurements into a certified *upper* bound of the sup over the whole annulus (the model on a
certified grid of the annulus and a certified net of SO(2), plus Lipschitz terms; the model is
1.05-Lipschitz), which enters the bound through the seam; beside it, the closed-form
$\\mathrm{ee}_\\infty = 0.1$ of this model (notebook 07 does the same for a torch model):
"""),
    code("""
X_space = sb.Annulus(sp.Rational(1, 2), 1)
ub = sb.certified_sup_error(model, G, X_space, lipschitz=1.05, resolution=128, group_resolution=512)
print(ub)
common = dict(lipschitz=1.05, loss_lipschitz=1, loss_bound=1, classes=2, grid_size=64, covering="upper")
rows = {"no symmetry": sb.generalization_bound(X_space, None, method="partition", **common)}
for label, eta in [("closed-form sup 0.1", 0.1), (f"certified sup <= {ub.value:.4f}", ub)]:
    rows[label] = sb.generalization_bound(X_space, G, method="partition", equivariance_error=eta, **common)
ns = (10**3, 10**4, 10**5, 10**6)
print(f"{'partition bound at n =':>30} " + " ".join(f"{n:>8.0e}" for n in ns))
for label, b in rows.items():
    print(f"{label:>30} " + " ".join(f"{b.evaluate(n=n, delta=0.05):8.4f}" for n in ns))
"""),
    md("""
The symmetry helps at small n. As n grows, the resolution of the plain covering falls to the scale
of $\\eta$, below which an approximate symmetry no longer identifies points, and symbound takes the
plain bound (it uses the better of the two coverings): the larger the certified level, the sooner.
"""),
]


NOTEBOOKS["06_tradeoff.ipynb"] = [
    md("""
# Model versus data equivariance: the trade-off

THEORY §5 (the documentation's theory page *Model versus data equivariance* has the proofs). A
target $f^*$ whose sup equivariance error under a group $G$ is $\\eta_d$, and a learner that
minimises the empirical risk over the class $F_\\eta$ of $L$-Lipschitz models with sup error at
most $\\eta$. With probability at least $1 - \\delta$ its excess risk is at most

$$
E(\\eta) = L_\\ell\\,(\\eta_d - \\eta)_+ + 2\\,\\mathrm{Gen}(\\eta),
$$

the approximation cost of the symmetry imposed beyond the data's (the upper end of the sandwich
$(\\eta_d - \\eta)_+/2 \\le A(\\eta) \\le (\\eta_d - \\eta)_+$) plus twice the generalization bound of
$F_\\eta$, which takes the better of the covering modulo $G$ (with $\\eta$ in the resolution) and
the plain covering. `sb.tradeoff` computes $E$, the best level, the sample size $n^*$ from which
matching the data's level beats full symmetry, and the phase diagram.
"""),
    code("""
%matplotlib inline
import numpy as np
import matplotlib.pyplot as plt
import symbound as sb

X, G = sb.Ball(2), sb.groups.SO(2)
clf = dict(lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2)
t = sb.tradeoff(X, G, 0.05, n=10**6, method="partition", **clf)
print(t.describe())
"""),
    md("""
Classification on the unit disk with certified covering numbers and the partition bound. The
optimum is found on the actual curve (a scan, a refinement and a second scan; no convexity is
assumed); for the partition bound the end-point rule is also proved, and reported as the closed
form when the scans confirm it:
"""),
    code("""
opt = t.optimal_model_equivariance()
print(opt.describe())
"""),
    md("""
The total-error bound against the model's level: at small n the capacity the symmetry removes is
worth more than the approximation it costs (full symmetry wins); at large n the plain covering
takes over and matching the data's level wins.
"""),
    code("""
etas = np.linspace(0, 0.1, 201)
fig, ax = plt.subplots(figsize=(6, 3.8))
for n in (10**5, 10**7, 10**9, 10**11):
    E = t.total_error(etas, n=n)
    ax.plot(etas, E, label=f"n = {n:.0e}")
    k = int(np.argmin(E)); ax.plot(etas[k], E[k], "k.", ms=9)
ax.axvline(0.05, color="k", ls=":", lw=0.8)
ax.text(0.051, ax.get_ylim()[1] * 0.6, r"$\\eta_d$", fontsize=9)
ax.set_yscale("log"); ax.set_xlabel(r"model equivariance level $\\eta$")
ax.set_ylabel(r"certified bound $E(\\eta)$ on the excess risk"); ax.legend(fontsize=8)
fig.tight_layout()
"""),
    md("""
The threshold sample size is certified: above it, matching beats full symmetry at *every* n
(interval certificates that use only the monotonicity of each bound in n):
"""),
    code("""
th = t.threshold_n(rtol=1e-3)
print(th.describe())
"""),
    code("""
pd = t.phase_diagram(n=np.geomspace(1e2, 1e12, 11).astype(int), eta_d=np.geomspace(1e-3, 0.5, 10))
fig = pd.figure()
fig.axes[0].plot([1e6], [0.05], "k*", ms=12)
fig.set_size_inches(6.4, 4.2); fig.tight_layout()
print(pd)
"""),
    md("""
The entropy-integral bound with power-law coverings (leading order, labelled asymptotic) tells the
same story; its generalization term takes the smaller covering at every scale, and its driver says
which one gives the optimum:
"""),
    code("""
dud = dict(method="dudley", covering="power_law", lipschitz=1, loss_lipschitz=1, loss_bound=1,
           hypothesis_bound=1)
for n in (10**6, 10**8, 10**10, 10**12):
    o = sb.tradeoff(X, G, 0.05, n=n, **dud).optimal_model_equivariance()
    print(f"n = {n:.0e}: eta* = {o.value:.4g} ({o.regime}), E = {o.total_error:.4g}; {o.driver}")
"""),
    md("""
## Validation: trained models against the calculator

Data with a known symmetry level: $x$ uniform on the unit disk, $f^*(x) = |x|^2 + \\beta x_1$, whose
SO(2) sup error is $\\eta_d = 2\\beta$, labels $y = f^*(x) + \\xi$ with $\\xi$ uniform on
$[-\\sigma, \\sigma]$. The model with imposed level $\\eta$ is
$H_\\eta = \\{a|x|^2 + b\\cdot x : a \\in [0, 2], |b| \\le \\eta/2\\}$ (its sup error is $2|b|$), a subclass of
$F_\\eta$ with $L = 5$ and $B = 3$, trained by exact least squares (FISTA on a convex problem in three
parameters, vectorised over seeds). The squared loss is 12-Lipschitz with values in $[0, 36]$.
Excess risks are exact: $R(f) - R(f^*) = (a - 1)^2/3 + |b - \\beta e_1|^2/4$.
"""),
    code("""
BETA, SIGMA = 0.05, 1.0
ETA_D = 2 * BETA
LEVELS = np.linspace(0, ETA_D, 5)
NS = [10, 30, 100, 300, 1000, 3000, 10_000, 30_000]
rng = np.random.default_rng(20231126)

def sample(seeds, n):
    r = np.sqrt(rng.uniform(size=(seeds, n))); ph = rng.uniform(0, 2 * np.pi, size=(seeds, n))
    x1, x2 = r * np.cos(ph), r * np.sin(ph)
    y = r**2 + BETA * x1 + rng.uniform(-SIGMA, SIGMA, size=(seeds, n))
    return np.stack([r**2, x1, x2], axis=2), y

def erm(Z, y, rho, iters=200):
    # least squares over a in [0, 2], |b| <= rho: FISTA, vectorised over seeds
    Zt = Z.transpose(0, 2, 1)
    Gm, c = Zt @ Z, (Zt @ y[:, :, None])[:, :, 0]
    step = 1 / np.linalg.eigvalsh(Gm)[:, -1]
    def proj(w):
        w = w.copy(); w[:, 0] = np.clip(w[:, 0], 0, 2)
        nb = np.linalg.norm(w[:, 1:], axis=1)
        w[:, 1:] *= np.where(nb > rho, rho / np.maximum(nb, 1e-300), 1.0)[:, None]
        return w
    grad = lambda v: (Gm @ v[:, :, None])[:, :, 0] - c
    w = np.zeros(c.shape); v, tk = w.copy(), 1.0
    for _ in range(iters):
        wn = proj(v - step[:, None] * grad(v))
        tn = (1 + np.sqrt(1 + 4 * tk * tk)) / 2
        v, w, tk = wn + (tk - 1) / tn * (wn - w), wn, tn
    assert np.abs(proj(w - step[:, None] * grad(w)) - w).max() < 1e-9  # converged: exact ERM
    return w

def excess(w):
    return (w[:, 0] - 1) ** 2 / 3 + ((w[:, 1] - BETA) ** 2 + w[:, 2] ** 2) / 4

measured = {}
for n in NS:
    Z, y = sample(400 if n <= 1000 else 150, n)
    measured[n] = np.array([excess(erm(Z, y, eta / 2)) for eta in LEVELS])  # (levels, seeds)

def best(ex):
    # the level with the smallest mean excess risk, and the paired z of the runner-up against it
    order = np.argsort(ex.mean(axis=1)); d = ex[order[1]] - ex[order[0]]
    return LEVELS[order[0]], d.mean() / (d.std(ddof=1) / np.sqrt(d.size))

print(f"{'n':>6} " + " ".join(f"eta={e:.3f}" for e in LEVELS) + "   measured best (z vs runner-up)")
for n, ex in measured.items():
    b, z = best(ex)
    print(f"{n:>6} " + " ".join(f"{m:9.2e}" for m in ex.mean(axis=1)) + f"   {b:.3f} (z = {z:.1f})")
"""),
    md("""
The measured excess risk against the imposed level (mean over seeds), and the certified bound of
the calculator on the same level grid (a union bound over the five levels, so that the level may be
chosen after seeing the data). The bound is above every measured excess risk, by orders of
magnitude:
"""),
    code("""
reg = dict(method="dudley", lipschitz=5, loss_lipschitz=12, loss_bound=36, hypothesis_bound=3)
calc = {n: sb.tradeoff(X, G, ETA_D, n=n, levels=LEVELS, **reg) for n in (10, 300, 30_000)}
fig, axs = plt.subplots(1, 2, figsize=(10, 3.8))
for n, ex in measured.items():
    axs[0].plot(LEVELS, ex.mean(axis=1), "o-", ms=3, label=f"n = {n}")
axs[0].set_yscale("log"); axs[0].set_xlabel(r"imposed level $\\eta$"); axs[0].set_ylabel("measured excess risk")
axs[0].set_title("measured: the best level moves from 0 to $\\\\eta_d$", fontsize=9); axs[0].legend(fontsize=7)
for k, (n, tn) in enumerate(calc.items()):
    E = tn.total_error(LEVELS)
    axs[1].plot(LEVELS, E, "s--", color=f"C{k}", label=f"certified bound, n = {n}")
    axs[1].plot(LEVELS, measured[n].max(axis=1), "o-", color=f"C{k}", label=f"largest measured, n = {n}")
    assert np.all(measured[n] <= E[:, None])
axs[1].set_yscale("log"); axs[1].set_xlabel(r"imposed level $\\eta$"); axs[1].legend(fontsize=7)
axs[1].set_title("bound vs measurement", fontsize=9)
fig.tight_layout()
"""),
    md("""
Where the calculator puts the switch: its best level on the grid at a few sample sizes, and its
certified threshold; and where the experiment puts it:
"""),
    code("""
for n in (10**8, 10**12):
    o = sb.tradeoff(X, G, ETA_D, n=n, levels=LEVELS, **reg).optimal_model_equivariance()
    print(f"calculator, n = {n:.0e}: best level {o.value:.3f} ({o.regime}), E = {o.total_error:.3g}")
th_reg = calc[30_000].threshold_n(rtol=1e-2)
print("calculator's certified threshold:", th_reg.value)
crossing = [n for n in NS if best(measured[n])[0] == ETA_D]
print("measured: best level eta_d from n =", crossing[0], "on;",
      "interior best levels at n =", [n for n in NS if 0 < best(measured[n])[0] < ETA_D])
"""),
    code("""
fig, ax = plt.subplots(figsize=(6, 3.6))
ax.semilogx(NS, [best(measured[n])[0] for n in NS], "o-", label="measured best level")
ns = np.geomspace(10, 1e13, 300)
ax.semilogx(ns, np.where(ns >= th_reg.value, ETA_D, 0.0), "-", lw=2, alpha=0.7,
            label=f"calculator: switch at n* = {th_reg.value:.2e}")
ax.set_xlabel("sample size n"); ax.set_ylabel(r"best model level $\\eta$"); ax.legend(fontsize=8)
fig.tight_layout()
"""),
    md("""
**Where the calculator and the experiment disagree.** Both move from full symmetry to the data's
level as n grows, and the certified bound holds at every level and every n. Everything else
differs. The experiment switches to the data's level at a few thousand samples; the calculator's
certified threshold is near $2\\cdot 10^{10}$, about seven orders of magnitude later (its bound is
above the loss range $M = 36$, so vacuous, up to $n \\approx 10^5$, and stays four to six orders of
magnitude above the measured risks). The experiment also has *interior* optima: the best level is
$\\eta_d/4$ to $3\\eta_d/4$ for $n$ from 100 to 1000 (clearly so at $n = 1000$, $z \\approx 5$; at 100 and
300 the best two levels are within three paired standard errors), while the calculator's best
level on this grid is always $0$ or $\\eta_d$. We leave this disagreement as it is rather than tune
constants to hide it; the reasons are structural:

* the bound is uniform over $F_\\eta$, every 5-Lipschitz function with sup error at most $\\eta$, whose
  covering numbers are those of a function class on a 2-dimensional domain; the learner searches a
  3-parameter family, whose capacity is far smaller and hardly depends on $\\eta$;
* the approximation term is linear in $\\eta_d - \\eta$ ($L_\\ell$ times a sup-norm distance), while the
  excess risk of the squared loss is quadratic in the distance ($|b - \\beta e_1|^2/4$): imposing a
  level below $\\eta_d$ costs far less in the experiment than in the bound;
* the interior optimum of the experiment is a bias-variance effect: the constraint $|b| \\le \\eta/2$
  shrinks a noisy estimate of $b$, which helps at moderate n. A worst-case bound whose $\\eta$-dependence
  is affine (partition) or enters only through the scales below $4\\eta$ (entropy integral) cannot
  see it.
"""),
    md("""
## The data's level from data

In practice $\\eta_d$ is not known. A certified upper bound of the data's sup error comes from a
labelled sample by matching (`sb.certified_data_sup_error`, THEORY §3): the label of the data point
nearest to $g x_i$ stands for $f^*(g x_i)$, paid by the Lipschitz constant of $f^*$ times the
distance, the label noise twice, and the fill distance of the sample in the region. It enters the
calculator as a `SupErrorUpperBound(quantity="data")`, recorded, its confidence paid in delta.
"""),
    code("""
m = 4000
r, ph = np.sqrt(rng.uniform(size=m)), rng.uniform(0, 2 * np.pi, m)
Xs = np.stack([r * np.cos(ph), r * np.sin(ph)], axis=1)
clean = np.sum(Xs**2, axis=1) + BETA * Xs[:, 0]
ub_clean = sb.certified_data_sup_error(Xs, clean, G, 0.05, lipschitz=2 + BETA, region=X)
ub_noisy = sb.certified_data_sup_error(Xs, clean + rng.uniform(-SIGMA, SIGMA, m), G, 0.05,
                                       lipschitz=2 + BETA, noise=SIGMA, region=X)
print("true eta_d:", ETA_D)
print("noise-free labels:", ub_clean)
print("labels with noise sigma = 1:", ub_noisy)
print(sb.tradeoff(X, G, ub_clean, n=10**12, method="partition", **clf).describe().splitlines()[6])
"""),
    md("""
Honest numbers again: the certificate from 4000 noise-free labels is several times the true
$\\eta_d$ (the fill distance of the sample and the matching radius dominate), and with noisy labels
it is above the range of the target, so the calculator can only be as good as the knowledge of
$\\eta_d$ it is given.

## Partial symmetry

`sb.partial_tradeoff` asks the same question for models that are approximately invariant to the
rotations by at most $\\theta$ (not a group; an exactly $S_\\theta$-invariant model on the disk is
fully invariant, so the meaningful form is approximate): the optimal $(\\varepsilon, \\theta)$ for data
whose symmetry breaks at a rate $\\lambda$, $\\mathrm{ee}(f^*; S_\\theta) \\le \\lambda\\theta$.
"""),
    code("""
p = sb.partial_tradeoff(X, 10**10, breaking_rate=0.02, covering="power_law", **clf)
po = p.optimal_model_equivariance()
print(po.describe())
th_grid = p.thetas[p.thetas > 0]
fig, ax = plt.subplots(figsize=(6, 3.6))
ax.semilogx(th_grid, p.total_error(0.0 * th_grid, th_grid), label=r"$\\varepsilon = 0$ (fully invariant)")
ax.semilogx(th_grid, p.total_error(p.data_error(th_grid), th_grid), label=r"$\\varepsilon = \\lambda\\theta$ (matches the data)")
ax.set_xlabel(r"largest rotation angle $\\theta$"); ax.set_ylabel("total-error bound"); ax.legend(fontsize=8)
fig.tight_layout()
"""),
]


NOTEBOOKS["00_quickstart.ipynb"] = [
    md("""
# Quickstart: a closed-form bound in ten lines

A bound is a SymPy object: it has a closed form, a LaTeX rendering, a rate, and it evaluates and
optimises. Below, the partition (robustness) bound for 1-Lipschitz binary classifiers on the unit
disk that are invariant under the rotation group $C_6$, with the leading-order (power-law)
covering number so that the optimal resolution has a closed form.
"""),
    code("""
import symbound as sb

X, G = sb.Ball(2), sb.groups.Cyclic(6)
consts = dict(lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2, covering="power_law")
b = sb.generalization_bound(X, G, method="partition", **consts)
print(b.describe())
"""),
    md("Its LaTeX, ready for a paper (rendered here):"),
    code("""
from IPython.display import Math
print(b.latex())
Math(b.latex())
"""),
    md("Evaluate at a sample size and confidence; read its rate in n:"),
    code("""
print("bound at n = 1e5, delta = 0.05:", b.evaluate(n=100_000, delta=0.05))
print("rate: n^(%s)" % b.rate("n"))
"""),
    md("""
Leave the resolution $\\varepsilon$ free (`resolution="expose"`) and let symbound optimise it; the
optimum agrees with the closed form substituted above:
"""),
    code("""
free = sb.generalization_bound(X, G, method="partition", resolution="expose", **consts)
opt = free.optimize(n=100_000, delta=0.05)
print(opt)
print("closed form:", b.evaluate(n=100_000, delta=0.05), "  numerical optimum:", opt.value)
"""),
    md("The same bound without the symmetry, side by side (\"n samples are worth m n\"):"),
    code("""
plain = sb.generalization_bound(X, None, method="partition", **consts)
sb.compare([plain, b], n=100_000, delta=0.05, names=["no symmetry", "C_6-invariant"])
"""),
]

NOTEBOOKS["04_finite_groups_gain.ipynb"] = [
    md("""
# Finite groups and the |G| gain

A finite group $G$ of isometries acting freely on most of $X$ divides the covering number by
about $|G|$: $N(X, \\varepsilon) / |G| \\le N_G(X, \\varepsilon) \\le N(X, \\varepsilon)$, with the lower
end approached as $\\varepsilon \\to 0$ (the theory page *Covering modulo a transformation set*).
The generalization bounds depend on $n$ and the covering only through $N/n$ at leading order, so
"n samples are worth $|G|\\,n$". Every number below is computed by symbound: certified upper and
lower bounds on the covering numbers of quotients, and the multiplier of `sb.compare`.

First, which (space, transformation set) pairs symbound knows, with the method and status of each
answer (the table is generated from the registry that `sb.quotient` dispatches through):
"""),
    code("""
import numpy as np
import sympy as sp
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
%matplotlib inline
import symbound as sb

sb.quotient.supported_pairs()
"""),
    md("""
## Rotations of the disk: $B^2 / C_k$

Certified bounds on $N_{C_k}(B^2, \\varepsilon)$ at $\\varepsilon = 1/50$. The gain is read against
the trivial group $C_1$, whose quotient is the disk itself covered by the same construction (a band
cover of a sector; for the disk this is already tighter than the plain grid cover of `Ball(2)`,
printed first): the ratio of the upper bounds, and the bracket that the certified lower and upper
bounds allow for the ratio of the true covering numbers.
"""),
    code("""
X, eps = sb.Ball(2), sp.Rational(1, 50)
grid_up, area_lo = (float(X.covering(eps, k).expr) for k in ("upper", "lower"))
print(f"Ball(2) itself: {area_lo:.0f} <= N(B^2, 1/50) <= {grid_up:.0f}")
def bracket(k):
    Q = sb.quotient(X, sb.groups.Cyclic(k))
    return tuple(float(Q.covering(eps, kind).expr) for kind in ("lower", "upper")) + (Q.covering(eps, "upper").method,)
ks = [1, 2, 3, 4, 6, 8, 12, 16, 24]
lo1, up1, _ = bracket(1)
gain = {}
for k in ks:
    lo, up, how = bracket(k)
    gain[k] = up1 / up
    print(f"C_{k:<2}: {lo:6.0f} <= N_G <= {up:6.0f}   gain {gain[k]:6.2f}   certified bracket "
          f"[{lo1 / up:6.2f}, {up1 / lo:6.2f}]   ({how})")
"""),
    md("""
The same gain in the generalization bound: the effective-sample-size multiplier of `sb.compare`
(the $n'$ with which the $C_1$ bound matches the $C_k$ bound at $n$, divided by $n$), partition
bound with certified covering numbers at $n = 10^6$:
"""),
    code("""
consts = dict(lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2)
kb = [1, 2, 4, 8, 16]
cert = sb.compare([sb.generalization_bound(X, sb.groups.Cyclic(k), method="partition", **consts) for k in kb],
                  n=10**6, delta=0.05, names=[f"C_{k}" for k in kb])
cert
"""),
    code("""
fig, ax = plt.subplots(figsize=(5.2, 3.6))
ax.loglog(ks, ks, "k:", label="|G|")
ax.loglog(ks, [gain[k] for k in ks], "o-", label="covering gain at eps = 1/50 (certified upper bounds)")
ax.loglog(kb, [r["multiplier"] for r in cert.rows], "s-", label="bound: n samples are worth m n (n = 1e6)")
ax.set_xlabel("|G| (rotation group C_k of the disk)"); ax.set_ylabel("gain"); ax.legend(fontsize=7)
fig.tight_layout()
"""),
    md("""
The covering gain is a little below $|G|$ at finite resolution (centres near the edges of the
fundamental sector are partly wasted), and so is the multiplier of the bounds, which also carries
the $\\ln(1/\\delta)$ term that no symmetry removes.

## Permutations of coordinates: $[0,1]^d / S_d$

The symmetric group permuting the coordinates of the cube (sup metric): the quotient is the
simplex $x_1 \\le \\dots \\le x_d$, of volume $1/d!$.
"""),
    code("""
for d, e in [(2, sp.Rational(1, 40)), (3, sp.Rational(1, 40)), (3, sp.Rational(1, 400)),
             (4, sp.Rational(1, 40)), (4, sp.Rational(1, 400))]:
    C, S = sb.Cube(d), sb.groups.Symmetric(d, axis=-1)
    Q = sb.quotient(C, S)
    plain_up = float(C.covering(e, "upper").expr)
    q = Q.covering(e, "upper")
    rel = "=" if q.kind == "exact" else "<="
    print(f"d = {d}, eps = {e}: N([0,1]^d) <= {plain_up:.0f},  N_(S_d) {rel} {float(q.expr):.0f} [{q.kind}],"
          f"  ratio {plain_up / float(q.expr):6.2f}  (|S_d| = d! = {sp.factorial(d)})")
"""),
    md("LaTeX of a quotient and of its covering number:"),
    code("""
Q = sb.quotient(sb.Ball(2), sb.groups.Cyclic(8))
print(sb.latex.snippet(Q), "    ", sb.latex.snippet(Q.covering_number(sb.symbol("eps"))))
"""),
]

NOTEBOOKS["05_lie_groups_dimension_drop.ipynb"] = [
    md("""
# Lie groups and the dimension drop

A compact Lie group $G$ whose generic orbits have dimension $\\dim G$ does more than divide the
covering number by a constant: the quotient $X/G$ has dimension $d_0 = d - \\dim G$, and
$N_G(X, \\varepsilon) \\approx V_0\\, \\varepsilon^{-d_0}$. In the generalization bounds the exponent of
$n$ is set by $d_0$ (for the partition bound, $n^{-1/(d_0 + 2)}$), so the symmetry changes the
*rate*, not only the constant. symbound reads $d_0$ from the quotient and the rate from the bound.
"""),
    code("""
import numpy as np
import sympy as sp
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
%matplotlib inline
import symbound as sb
from symbound import groups as G

cases = [
    ("SO(2) on the disk B^2", sb.Ball(2), G.SO(2)),
    ("SO(3) on the ball B^3", sb.Ball(3), G.SO(3)),
    ("axial SO(2) on B^3", sb.Ball(3), G.SO(2, dim=3)),
    ("translations of the torus T^2", sb.Torus(2), G.Translations(2)),
    ("rotations by <= pi/4 of the disk", sb.Ball(2), G.PartialRotations(sp.pi / 4)),
]
consts = dict(lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2, covering="power_law")
plain_rate = {}   # the rate without symmetry, once per space
print(f"{'':38} {'dim X':>5} {'dim S':>5} {'dim X/S':>7}   rate without -> with the symmetry")
for name, X, S in cases:
    Q = sb.quotient(X, S)
    if X.name not in plain_rate:
        plain_rate[X.name] = sb.generalization_bound(X, None, method="partition", **consts).rate("n")
    inv = sb.generalization_bound(X, S, method="partition", **consts)
    print(f"{name:38} {X.dim:>5} {S.manifold_dim:>5} {str(Q.dim):>7}   n^({plain_rate[X.name]}) -> n^({inv.rate('n')})")
"""),
    md("""
The rotations by at most $\\pi/4$ are not a group, yet they lower the exponent as SO(2) does: a
centre covers every point within $\\varepsilon$ of the arc it sweeps, of angle $2\\theta$, so about
$\\pi/\\theta$ centres per radius suffice at every $\\varepsilon$ and only the constant differs from
SO(2) (notebook 08). The orbits of a transitive action (SO(3) on
the sphere, translations of the torus) are the whole space: the quotient is a point, and the
covering term disappears from the bound.

The covering numbers themselves, certified, against $\\varepsilon$: on a log-log plot the slope
tends to $-d_0$ (fitted on the three finest resolutions):
"""),
    code("""
eps = [sp.Rational(1, m) for m in (4, 8, 16, 32, 64, 128)]
X3 = sb.Ball(3)
fig, ax = plt.subplots(figsize=(5.2, 3.6))
for name, target in [("B^3, no symmetry", X3), ("B^3 / axial SO(2)", sb.quotient(X3, G.SO(2, dim=3))),
                     ("B^3 / SO(3)", sb.quotient(X3, G.SO(3)))]:
    vals = [float(target.covering(e, "upper").expr) for e in eps]
    slope = np.polyfit(np.log([float(e) for e in eps[-3:]]), np.log(vals[-3:]), 1)[0]
    ax.loglog([float(e) for e in eps], vals, "o-", ms=3,
              label=f"{name}: dim {target.dim}, fitted slope {slope:.2f}")
ax.set_xlabel("eps"); ax.set_ylabel("certified upper bound on N"); ax.legend(fontsize=7)
fig.tight_layout()
"""),
    md("""
The bound against $n$, with and without the symmetry, on the ball $B^3$ (partition bound with
certified covering numbers and a union bound over a grid of 32 resolutions): the SO(3)-invariant
bound decays at the rate of a one-dimensional problem.
"""),
    code("""
cert = dict(lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2, grid_size=32)
ns = np.geomspace(1e3, 1e12, 10)
fig, ax = plt.subplots(figsize=(5.2, 3.6))
for name, S in [("no symmetry", None), ("axial SO(2)", G.SO(2, dim=3)), ("SO(3)", G.SO(3))]:
    b = sb.generalization_bound(X3, S, method="partition", **cert)
    ax.loglog(ns, [b.evaluate(n=int(n), delta=0.05) for n in ns], "o-", ms=3,
              label=f"{name} (dim X/G = {3 if S is None else sb.quotient(X3, S).dim})")
ax.set_xlabel("n"); ax.set_ylabel("partition bound"); ax.legend(fontsize=8)
fig.tight_layout()
"""),
    md("""
`sb.plot_bounds` draws the same comparison in one call, for any bounds; here the entropy-integral
(Dudley) bound on the annulus, leading order, plain and SO(2)-invariant:
"""),
    code("""
A = sb.Annulus(sp.Rational(1, 2), 1)
dud = dict(method="dudley", covering="power_law", lipschitz=1, loss_lipschitz=1, loss_bound=1, hypothesis_bound=1)
fig = sb.plot_bounds([sb.generalization_bound(A, None, **dud), sb.generalization_bound(A, G.SO(2), **dud)],
                     n=np.geomspace(1e3, 1e10, 8), delta=0.05, names=["no symmetry", "SO(2)"])
fig
"""),
]

NOTEBOOKS["07_measuring_a_torch_model.ipynb"] = [
    md("""
# A torch model and a data set: measured equivariance errors into a bound

The bounds for approximately invariant models need the **sup** equivariance error
$\\eta = \\sup_{x, g} |f(gx) - f(x)|$. Sampling orbits gives a mean error with a confidence
interval and the largest error seen, which is only a *lower* estimate of the sup. A measured
number enters a bound only as a certified *upper* estimate of the sup (a `SupErrorUpperBound`,
"the seam"): a Lipschitz net argument over the region and the group (theory page *Measured errors
and bounds*). This notebook does that for a PyTorch model and for a labelled data set.

The model: $f(x) = \\mathrm{MLP}(|x|) + 0.05\\,x_0$ on the unit disk, a rotation-invariant network
with a small symmetry-breaking term. Its SO(2) sup error is known in closed form,
$\\sup_{|x| \\le 1, t} 0.05\\,|(R_t x)_0 - x_0| = 0.1$, so every number below can be checked. When
torch is not installed the same network runs in NumPy.
"""),
    code("""
import numpy as np
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
%matplotlib inline
import symbound as sb

rng = np.random.default_rng(0)
W1, b1 = rng.normal(size=(16, 1)), rng.normal(size=16)
W2, b2 = rng.normal(size=(1, 16)) / 4, np.zeros(1)
BREAK = 0.05
try:
    import torch
except ImportError:
    torch = None

if torch is not None:
    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.mlp = torch.nn.Sequential(torch.nn.Linear(1, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1))
            with torch.no_grad():
                for layer, (W, b) in zip(self.mlp[::2], [(W1, b1), (W2, b2)]):
                    layer.weight.copy_(torch.from_numpy(W)); layer.bias.copy_(torch.from_numpy(b))

        def forward(self, x):
            return self.mlp(x.norm(dim=1, keepdim=True))[:, 0] + BREAK * x[:, 0]

    model = Net().double().eval()
    print("a torch.nn.Module:", model)
else:
    def model(x):
        h = np.tanh(np.linalg.norm(x, axis=1, keepdims=True) @ W1.T + b1)
        return (h @ W2.T + b2)[:, 0] + BREAK * x[:, 0]
    print("torch is not installed: the same network, written in NumPy")

# a Lipschitz constant: |x| is 1-Lipschitz and the MLP is a function g of r = |x| with
# g'(r) = sum_j W2_j tanh'(W1_j r + b1_j) W1_j, |tanh'| <= 1, so |g'| <= sum_j |W2_j W1_j| (by
# Cauchy-Schwarz never above the product of the layers' spectral norms); the breaking term adds BREAK
L = np.abs(W1[:, 0] * W2[0]).sum() + BREAK
print("Lipschitz constant L <=", L, "  (product of spectral norms:", np.linalg.norm(W1, 2) * np.linalg.norm(W2, 2) + BREAK, ")")
"""),
    md("Orbit sampling on 2000 points of the disk: the mean error $\\mathrm{ee}_2$ with its CI, and the largest error seen:"),
    code("""
X = rng.uniform(-1, 1, size=(6000, 2)); X = X[np.linalg.norm(X, axis=1) <= 1][:2000]
G = sb.groups.SO(2)
est = sb.equivariance_error(model, G, X, p=2, n_group_samples=64, seed=1)
print(est)
"""),
    md("""
Two certified upper bounds of the sup: from the estimate itself (`est.sup_upper_bound`: the sup
over the measured points only, adding the gaps between the sampled rotations), and from a certified
grid of the whole disk and a certified net of SO(2) (`sb.certified_sup_error`: the sup over the
region, which is what a bound needs). The region bound is the largest error on the nets plus a
g-term ($L\\,|x|\\,r_g$) and an x-term ($L_x\\,r_x$, with $L_x = 2L$); both shrink as the nets
get finer:
"""),
    code("""
ub_sample = est.sup_upper_bound(lipschitz=L)
print("largest error seen (lower estimate of the sup):", est.max_observed)
print("closed-form sup:                                ", 2 * BREAK)
print(ub_sample)
sweep = {res: sb.certified_sup_error(model, G, sb.Ball(2), lipschitz=L, resolution=res, group_resolution=2 * res)
         for res in (16, 32, 64, 128)}
for res, ub in sweep.items():
    d = ub.details
    print(f"grid {res:>3}/axis, {d['n_group_elements']:>3} rotations: sup <= {ub.value:.4f} = net max {d['max_net_error']:.4f}"
          f" + g-term {d['g_term']:.4f} + x-term {d['x_term']:.4f}")
ub_region = sweep[128]
print(ub_region)
assert est.max_observed <= 2 * BREAK <= ub_region.value
"""),
    code("""
res = list(sweep)
fig, ax = plt.subplots(figsize=(5.2, 3.4))
ax.loglog(res, [sweep[r].value for r in res], "o-", label="certified upper bound of the sup")
ax.loglog(res, [sweep[r].details["x_term"] for r in res], "s--", ms=3, label="x-term L_x r_x")
ax.loglog(res, [sweep[r].details["g_term"] for r in res], "^--", ms=3, label="g-term L |x| r_g")
ax.axhline(2 * BREAK, color="k", ls=":", label="closed-form sup 0.1")
ax.axhline(est.max_observed, color="C3", lw=0.8, label="largest error seen (orbit sampling)")
ax.set_xlabel("grid cells per axis (rotations: 2 x as many)"); ax.legend(fontsize=7)
fig.tight_layout()
"""),
    md("""
The region bound enters the bound for approximately invariant models through the seam (it is a
`SupErrorUpperBound` with `quantity="model"` and `scope="region"`). Beside it, the bound at the
closed-form sup, for an exactly invariant model, and without symmetry, against n. symbound takes
the better of the covering modulo SO(2) at a resolution enlarged by $\\eta$ and the plain covering,
so a larger $\\eta$ loses the gain from the sample size where $L\\varepsilon$ falls to the order of
$\\eta$:
"""),
    code("""
common = dict(lipschitz=L, loss_lipschitz=1, loss_bound=1, classes=2, grid_size=64)
rows = {"no symmetry": sb.generalization_bound(sb.Ball(2), None, **common),
        f"measured: certified sup <= {ub_region.value:.3f}": sb.generalization_bound(sb.Ball(2), G, equivariance_error=ub_region, **common),
        "closed-form sup 0.1": sb.generalization_bound(sb.Ball(2), G, equivariance_error=2 * BREAK, **common),
        "exactly invariant": sb.generalization_bound(sb.Ball(2), G, **common)}
ns = np.geomspace(1e3, 1e8, 11)
fig, ax = plt.subplots(figsize=(5.6, 3.6))
for name, b in rows.items():
    ax.loglog(ns, [b.evaluate(n=int(n), delta=0.05) for n in ns], "o-" if name != "no symmetry" else "k--", ms=3, label=name)
ax.set_xlabel("n"); ax.set_ylabel("partition bound"); ax.legend(fontsize=7)
fig.tight_layout()
sb.compare(list(rows.values()), n=10**4, delta=0.05, names=list(rows))
"""),
    md("""
The orbit errors behind these numbers: the distribution of the per-point largest errors, the
closed-form sup and the certified bound:
"""),
    code("""
fig, ax = plt.subplots(figsize=(5.2, 3.2))
ax.hist(est.per_point_max, bins=40, color="C0", alpha=0.8, label="per-point largest error (64 rotations)")
ax.axvline(2 * BREAK, color="k", ls=":", label="closed-form sup")
ax.axvline(ub_region.value, color="C3", label="certified upper bound (region)")
ax.set_xlabel("|f(gx) - f(x)|"); ax.legend(fontsize=7)
fig.tight_layout()
"""),
    md("""
## A data set

Labels $y = |x|^2 + 0.02\\,x_1 + \\xi$ with $|\\xi| \\le 0.01$, observed on 4000 points. The data's
functional equivariance error by matching each $g x_i$ to a nearby data point (`data_equivariance_error`),
then a certified upper bound of the sup error of the regression function over the disk
(`sup_upper_bound`: the matching distance paid by the Lipschitz constant of the target, the noise
twice, the fill distance of the sample; theory page *Measured errors and bounds*). The target's
own sup error is $0.02 \\cdot 2 = 0.04$.
"""),
    code("""
m = 4000
r, ph = np.sqrt(rng.uniform(size=m)), rng.uniform(0, 2 * np.pi, m)
Xd = np.stack([r * np.cos(ph), r * np.sin(ph)], axis=1)
yd = r**2 + 0.02 * Xd[:, 1] + rng.uniform(-0.01, 0.01, m)
dee = sb.data_equivariance_error(Xd, yd, G, radius=0.05, lipschitz=2.02, seed=3)
print(dee)
ub_data = dee.sup_upper_bound(lipschitz=2.02, noise=0.01, region=sb.Ball(2))
print(ub_data)
print({k: v for k, v in ub_data.details.items() if isinstance(v, float)})
"""),
    md("""
The certificate is several times the target's own 0.04: its terms (printed above) are the
matching bias $L r$, twice the noise, and the x-term, twice the target's Lipschitz constant times
the certified fill distance of 4000 points in the disk. More data shrinks the last two.

The data's certified level is the $\\eta_d$ of the trade-off between the model's and the data's
equivariance: the calculator says which model level to impose at a given sample size.
"""),
    code("""
t = sb.tradeoff(sb.Ball(2), G, ub_data, n=10**8, method="partition", lipschitz=2.02,
                loss_lipschitz=1, loss_bound=1, classes=2)
print(t.optimal_model_equivariance().describe())
"""),
]

NOTEBOOKS["08_partial_approximate.ipynb"] = [
    md("""
# Partial and approximate symmetry

Two ways a symmetry can be weaker than a group: the model is invariant only to *some* of the
transformations (rotations by at most $\\theta$, `PartialRotations`, not a group), or it is only
*approximately* invariant, with sup equivariance error $\\eta$. The covering numbers of the first
and the bounds for the second are computed below; `sb.partial_tradeoff` then combines both.
"""),
    code("""
import numpy as np
import sympy as sp
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
%matplotlib inline
import symbound as sb

A = sb.Annulus(sp.Rational(1, 2), 1)
eps = sp.Rational(1, 50)
thetas = [sp.pi / 64, sp.pi / 32, sp.pi / 16, sp.pi / 8, sp.pi / 4, sp.pi / 2, sp.pi]
N_plain = float(A.covering(eps, "upper").expr)
print(f"N(A, 1/50) <= {N_plain:.0f}")
gains = []
for th in thetas:
    S = sb.groups.PartialRotations(th)
    c = sb.quotient(A, S).covering(eps, "upper")
    gains.append(N_plain / float(c.expr))
    print(f"theta = {str(th):>6}: N_S <= {float(c.expr):8.0f}   gain {gains[-1]:6.2f}   ({c.method})")
"""),
    code("""
fig, ax = plt.subplots(figsize=(5.2, 3.4))
th = np.array([float(t) for t in thetas])
ax.loglog(th, gains, "o-", label="N(A) / N_S(A) at eps = 1/50 (certified upper bounds)")
ax.set_xlabel("largest rotation angle theta"); ax.set_ylabel("covering gain"); ax.legend(fontsize=7)
fig.tight_layout()
"""),
    md("""
The gain doubles with $\\theta$: a centre covers every point within $\\varepsilon$ of the arc of
angle $2\\theta$ it sweeps, so (method column) about $\\lceil (r_2 - r_1)/2\\varepsilon \\rceil
\\lceil \\pi/\\theta \\rceil$ centres suffice, a count of exponent 1 in $\\varepsilon$ for every
$\\theta > 0$ (the dimension drop of notebook 05 holds for the partial set too); at $\\theta = \\pi$
the set is SO(2) and only the radial count is left.

## Approximate invariance: the bound against $\\eta$

For models with sup equivariance error $\\eta$ under $G$, the covering modulo $G$ is taken at a
resolution enlarged by $\\eta$, so the bound grows with $\\eta$; symbound takes the better of that and
the bound without symmetry, so it never exceeds the plain bound:
"""),
    code("""
G = sb.groups.SO(2)
consts = dict(lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2, grid_size=32)
etas = [0, 0.001, 0.003, 0.01, 0.03, 0.1]
ns = np.geomspace(1e3, 1e11, 9)
fig, ax = plt.subplots(figsize=(5.2, 3.6))
plain = sb.generalization_bound(A, None, **consts)
ax.loglog(ns, [plain.evaluate(n=int(n), delta=0.05) for n in ns], "k--", label="no symmetry")
for eta in etas:
    b = sb.generalization_bound(A, G, equivariance_error=eta, **consts)
    ax.loglog(ns, [b.evaluate(n=int(n), delta=0.05) for n in ns], "o-", ms=3, label=f"eta = {eta}")
ax.set_xlabel("n"); ax.set_ylabel("partition bound"); ax.legend(fontsize=7)
fig.tight_layout()
"""),
    md("""
## Partial and approximate together: `partial_tradeoff`

Models approximately invariant (level $\\varepsilon$) to rotations by at most $\\theta$, and data
whose symmetry breaks at rate $\\lambda$: $\\mathrm{ee}_\\infty(f^*; S_\\theta) \\le \\lambda\\theta$.
The calculator finds the best pair $(\\varepsilon, \\theta)$ at each sample size:
"""),
    code("""
clf = dict(lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2, covering="power_law")
partial = {n: sb.partial_tradeoff(sb.Ball(2), n, breaking_rate=0.02, **clf) for n in (10**6, 10**10)}
for n, p in partial.items():
    print(f"n = {n:.0e}:", p.optimal_model_equivariance().describe().splitlines()[0])
p = partial[10**10]
print(p.optimal_model_equivariance().describe())
"""),
    code("""
th_grid = p.thetas[p.thetas > 0]
fig, ax = plt.subplots(figsize=(5.2, 3.4))
ax.semilogx(th_grid, p.total_error(0.0 * th_grid, th_grid), label="eps = 0 (exactly S_theta-invariant in the bound)")
ax.semilogx(th_grid, p.total_error(p.data_error(th_grid), th_grid), label="eps = lambda theta (matches the data)")
ax.set_xlabel("largest rotation angle theta"); ax.set_ylabel("total-error bound"); ax.legend(fontsize=7)
fig.tight_layout()
"""),
]

NOTEBOOKS["09_reference_bounds.ipynb"] = [
    md("""
# Reference bounds from the literature, side by side

`sb.reference` carries results from the literature as bounds in the setting of their papers, each
with its regime (checked when values are substituted) and its **relation**: `"<="` (an upper
bound, as every symbound bound), `"="` (an exact value, hence also an upper bound) or `">="` (a
lower bound, which must never be read as an upper bound).

## Elesedy & Zaidi (2021): the exact gain of averaging least squares

For least squares on $n$ Gaussian inputs in $\\mathbb{R}^d$ with a $G$-invariant linear target,
averaging the fitted model over $G$ lowers the expected test risk by exactly
$\\sigma^2 (d - k)/(n - d - 1)$, with $k = \\dim \\mathrm{Fix}(G) = \\frac{1}{|G|}\\sum_g \\mathrm{tr}\\,g$.
The value of $k$ below is computed from the groups' matrices.
"""),
    code("""
from fractions import Fraction as F
import numpy as np
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
%matplotlib inline
import symbound as sb

d, n = 6, sb.symbol("n")
def fixed_dim(mats):
    mats = np.asarray(mats, dtype=float)
    return int(round(np.trace(mats, axis1=1, axis2=2).mean()))
perm = np.asarray(sb.groups.Symmetric(d, axis=-1).elements())   # permutations of the coordinates
perm_mats = np.eye(d)[perm]                                       # as permutation matrices
half = np.asarray(sb.groups.Symmetric(3, axis=-1).elements())
blocks = np.array([np.eye(d)[np.concatenate([p, 3 + q])] for p in half for q in half])  # S_3 x S_3
groups = {"C_4 on a plane of R^6": sb.groups.Cyclic(4, dim=d).elements(),
          "S_3 x S_3 on two blocks of 3": blocks,
          "S_6 permuting coordinates": perm_mats}
ez, ks = {}, {}
for name, mats in groups.items():
    ks[name] = k = fixed_dim(mats)
    ez[name] = sb.reference.elesedy_zaidi2021(d=d, n=n, sigma2=1, fixed_dim=k)
    print(f"{name:32} k = {k}:  relation {ez[name].relation!r}   {ez[name].latex()}")
"""),
    md("Its regime is enforced: $n \\le d + 1$ is refused with a message naming it."),
    code("""
try:
    ez["S_6 permuting coordinates"].evaluate(n=7)
except sb.InvalidValueError as exc:
    print("InvalidValueError:", exc)
"""),
    code("""
ns = np.arange(10, 200)
fig, ax = plt.subplots(figsize=(5.2, 3.4))
for name, b in ez.items():
    ax.loglog(ns, [b.evaluate(n=int(m)) for m in ns], label=f"{name} (d - k = {d - ks[name]})")
ax.set_xlabel("n"); ax.set_ylabel("exact expected risk gain"); ax.legend(fontsize=7)
fig.tight_layout()
"""),
    md("""
## Wang et al. (2023): the least error of an invariant model under incorrect symmetry

On finite orbits of $C_4$ where the labels are *not* invariant, every invariant classifier errs
with probability at least the mass outside the majority label of each orbit, and every invariant
regressor has squared error at least the weighted variance of the target on each orbit. These are
exact minima over the model class (attained), reported with `relation=">="`.
"""),
    code("""
q = F(1, 8)
orbits_cls = [[(q, "cat"), (q, "cat"), (q, "cat"), (q, "dog")],     # one orbit breaks the symmetry
              [(q, "dog")] * 4]                                       # one orbit respects it
orbits_reg = [[(q, 0.0), (q, 1.0), (q, 0.0), (q, 1.0)], [(q, 2.0)] * 4]
# equivariant regression on a C_4 orbit in R^2: f(g_j x_0) = rho_j c would be exactly equivariant
rho = [np.round(np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])) for a in np.arange(4) * np.pi / 2]
c = np.array([1.0, 0.0])
orbits_eq = [[(q, rho[j] @ c + (0.5 if j == 0 else 0.0), rho[j]) for j in range(4)]]
wang = {"invariant classification": sb.reference.wang2023_invariant_classification(orbits_cls),
        "invariant regression": sb.reference.wang2023_invariant_regression(orbits_reg),
        "equivariant regression": sb.reference.wang2023_equivariant_regression(orbits_eq)}
for name, b in wang.items():
    print(f"{name:26} relation {b.relation!r}: {b.latex()}   (upper bound? {b.is_upper_bound})")
"""),
    md("""
## Side by side

`sb.compare` evaluates bounds of any origin at one $(n, \\delta)$. Its ratio column reads
directly between rows of the same kind: the three Elesedy–Zaidi rows are exact expected gains, and
the group with the smaller fixed space gains more, in the ratio of $d - k$. The "n samples are
worth m n" columns assume that the rows bound a risk that more samples make *smaller*; a gain
from averaging also shrinks with $n$, but "worth" then means the opposite (the baseline needs fewer
samples to reach a larger gain), so they are not read here. The relation of each row is printed
beside the table.
"""),
    code("""
names = list(ez)
cmp = sb.compare(list(ez.values()), n=100, delta=0.05, names=names)
for name in names:
    print(f"{name:32} relation {ez[name].relation!r}")
cmp
"""),
    md("""
symbound's own bounds and the reference rows are different quantities: an upper bound on a
generalization gap (`<=`), an exact expected risk difference (`=`), a lower bound on an error
(`>=`). The table below lists them with their relation, never ranking one kind against another:
"""),
    code("""
own = sb.generalization_bound(sb.Ball(2), sb.groups.Cyclic(4), method="partition", lipschitz=1,
                              loss_lipschitz=1, loss_bound=1, classes=2, grid_size=32)
table = [("symbound partition bound, B^2 / C_4, n = 1000", "<=", own.evaluate(n=1000, delta=0.05))]
table += [(f"Elesedy & Zaidi, {k}, n = 1000", b.relation, b.evaluate(n=1000)) for k, b in ez.items()]
table += [(f"Wang et al., {k}", b.relation, float(b.expr)) for k, b in wang.items()]
for name, rel, val in table:
    print(f"{name:60} {rel:>3} {val:.6g}")
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
