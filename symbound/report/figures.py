"""PNG figures of the report, drawn with matplotlib's object API (no pyplot, no global state):
the bound against n with and without the symmetry, and the histogram of the per-point orbit
errors of the measured model."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

__all__ = ["bound_vs_n", "orbit_error_histogram"]


def _new_figure(width: float = 6.4, height: float = 4.2):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=120)
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot(1, 1, 1)


def bound_vs_n(path: Path, n: Sequence[int], curves: dict[str, Sequence[float]], *,
               loss_bound: float, title: str, marks: Sequence[int] = ()) -> Path:
    """Each bound against n (log-log axes); the region where a bound is at least the loss bound M
    (vacuous: it says nothing about a loss in [0, M]) is shaded; ``marks`` are the sample sizes of
    the report's tables."""
    from ..plotting import draw_bound_curves

    fig, ax = _new_figure()
    draw_bound_curves(ax, n, curves, loss_bound=loss_bound, marks=marks)
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path)
    return path


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
    fig.tight_layout()
    fig.savefig(path)
    return path
