"""PNG figures of the report, drawn with matplotlib's object API (no pyplot, no global state):
the bound against n with and without the symmetry, the histogram of the per-point orbit errors of
the measured model, and the trade-off's total error against the model's level and phase diagram."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

__all__ = ["bound_vs_n", "orbit_error_histogram", "total_error_vs_level", "phase_diagram"]


def _new_figure(width: float = 6.4, height: float = 4.2):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=120)
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot(1, 1, 1)


#: the fixed margins of every figure (fractions of the 6.4 x 4.2 in figure): room for a title of
#: one line, tick labels such as 10^{-1} and one axis label per axis.  ``tight_layout`` measured
#: every text of the figure to find these and cost about 0.15 s a figure.
MARGINS = dict(left=0.11, right=0.97, bottom=0.12, top=0.92)


def _save(fig, path: Path) -> Path:
    """Save ``fig`` with the fixed :data:`MARGINS`."""
    fig.subplots_adjust(**MARGINS)
    fig.savefig(path)
    return path


def bound_vs_n(path: Path, n: Sequence[int], curves: dict[str, Sequence[float]], *,
               loss_bound: float, title: str, marks: Sequence[int] = ()) -> Path:
    """Each bound against n (log-log axes); the region where a bound is at least the loss bound M
    (vacuous: it says nothing about a loss in [0, M]) is shaded; ``marks`` are the sample sizes of
    the report's tables."""
    from ..plotting import draw_bound_curves

    fig, ax = _new_figure()
    draw_bound_curves(ax, n, curves, loss_bound=loss_bound, marks=marks)
    ax.set_title(title, fontsize=10)
    return _save(fig, path)


def orbit_error_histogram(path: Path, per_point: np.ndarray, *, value: float, ci: Sequence[float],
                          max_observed: float, p: float, title: str,
                          sup_bound: float | None = None) -> Path:
    """Histogram of the per-point orbit errors with the estimate of ee_p and its interval, the
    largest observed error (a lower estimate of the sup) and, when given, the sup bound in use."""
    fig, ax = _new_figure()
    per_point = np.asarray(per_point, dtype=float)
    ax.hist(per_point, bins=30, color="tab:blue", alpha=0.75, label="per-point orbit errors")
    ax.axvspan(ci[0], ci[1], color="tab:orange", alpha=0.25, label=f"CI of ee_{p:g}")
    ax.axvline(value, color="tab:orange", lw=1.8, label=f"ee_{p:g} = {value:.4g}")
    ax.axvline(max_observed, color="tab:red", lw=1.2, ls="--",
               label=f"largest observed error {max_observed:.4g} (lower estimate of the sup)")
    if sup_bound is not None:
        ax.axvline(sup_bound, color="k", lw=1.2, ls="-.", label=f"sup bound used: {sup_bound:.4g}")
    ax.set_xlabel(f"orbit error (E_g |f(gx) - rho(g) f(x)|^{p:g})^(1/{p:g}) of an input x")
    ax.set_ylabel("inputs")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7)
    return _save(fig, path)


def total_error_vs_level(path: Path, curve: dict, *, eta_d: float, eta_star: float | None,
                         loss_bound: float, title: str) -> Path:
    """The trade-off's total-error bound E(eta) against the model equivariance level eta, with the
    lower end of the sandwich, the data's level eta_d and the optimum eta* marked; values at or
    above the loss bound M (vacuous) shaded."""
    fig, ax = _new_figure()
    eta = np.asarray(curve["eta"], dtype=float)
    up, lo = np.asarray(curve["upper"], dtype=float), np.asarray(curve["lower"], dtype=float)
    ax.plot(eta, up, lw=2.0, color="tab:blue", label="E(eta): certified bound on the excess risk")
    ax.plot(eta, lo, lw=1.2, ls="--", color="tab:gray", label="lower end of the sandwich")
    ax.axvline(eta_d, color="tab:orange", lw=1.0, ls=":", label=f"eta_d = {eta_d:.4g}")
    if eta_star is not None:
        k = int(np.argmin(np.abs(eta - eta_star)))
        ax.plot([eta_star], [up[k]], marker="o", color="tab:red", ms=7,
                label=f"optimum eta* = {eta_star:.4g}")
    M = float(loss_bound)
    top = max(float(np.max(up)), M) * 1.05
    if top >= M:
        ax.axhspan(M, top, color="0.88", zorder=0)
        ax.text(eta[0], M, f" vacuous: E >= M = {M:g}", fontsize=8, color="0.3", va="bottom")
    ax.set_ylim(0, top)
    ax.set_xlim(eta[0], eta[-1])
    ax.set_xlabel("model equivariance level eta (sup error allowed to the model)")
    ax.set_ylabel("total-error bound")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7, loc="best")
    ax.grid(True, lw=0.4, alpha=0.6)
    return _save(fig, path)


def phase_diagram(path: Path, phase: dict, *, mark: tuple[float, float] | None = None,
                  title: str = "") -> Path:
    """The trade-off's phase diagram (which level wins over sample sizes and data levels, the
    vacuous region hatched), from the data of the report's trade-off section; ``mark`` is the
    report's own (n, eta_d)."""
    from ..bounds.tradeoff import REGIMES, PhaseDiagram

    fig, ax = _new_figure()
    names = np.array(phase["regime"], dtype=object)
    regime = np.vectorize(REGIMES.index)(names).astype(np.int64)
    pd = PhaseDiagram(np.asarray(phase["n"], dtype=float), np.asarray(phase["eta_d"], dtype=float),
                      regime, REGIMES, np.asarray(phase["optimum"], dtype=float),
                      np.asarray(phase["total_error"], dtype=float),
                      np.asarray(phase["vacuous"], dtype=bool), "upper", phase["loss_bound"])
    pd.figure(ax)
    if mark is not None:
        ax.plot([mark[0]], [mark[1]], marker="*", color="k", ms=12, label="this report")
    if title:
        ax.set_title(title, fontsize=10)
    return _save(fig, path)
