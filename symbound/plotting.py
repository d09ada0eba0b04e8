"""Bounds against the sample size n, on log axes, with the vacuous region shaded.

:func:`plot_bounds` evaluates several bounds on a grid of n (:meth:`symbound.Bound.evaluate` on an
array) and draws them; :func:`draw_bound_curves` draws curves already computed (the report uses it).
matplotlib is imported only when a figure is drawn.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from ._validation import check_probability, check_real_array
from .errors import InvalidValueError

__all__ = ["plot_bounds", "draw_bound_curves"]


def draw_bound_curves(ax: Any, n: Sequence[float], curves: Mapping[str, Sequence[float]], *,
                      loss_bound: float | None, marks: Sequence[float] = (),
                      ylabel: str = "bound on |R(f) − R_n(f)|") -> None:
    """Draw each curve against n on ``ax`` (log-log); the first curve (the baseline) dashed.  With
    a ``loss_bound`` M the band of values >= M is shaded: a bound there says nothing about a loss in
    [0, M] (vacuous).  ``marks``: sample sizes marked by vertical lines."""
    n = np.asarray(n, dtype=float)
    values = [np.asarray(v, dtype=float) for v in curves.values()]
    top = max(float(np.nanmax(v)) for v in values)
    low = min(float(np.nanmin(v)) for v in values)
    for i, (label, v) in enumerate(zip(curves, values)):
        ax.plot(n, v, marker="o", markersize=3, lw=1.6 if i else 2.2, ls="--" if i == 0 else "-",
                label=label)
    ymax = top * 1.6
    if loss_bound is not None:
        M = float(loss_bound)
        ymax = max(top, M) * 1.6
        ax.axhspan(M, ymax, color="0.85", zorder=0)
        ax.axhline(M, color="0.4", lw=0.8)
        ax.text(n[0], M * 1.08, f"vacuous: bound ≥ M = {M:g}", fontsize=8, color="0.3",
                va="bottom")
    for m in marks:
        ax.axvline(m, color="0.6", lw=0.6, ls=":")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(low / 1.6, ymax)
    ax.set_xlim(n[0], n[-1])
    ax.set_xlabel("sample size n")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8, loc="lower left")
    ax.grid(True, which="major", lw=0.4, alpha=0.6)


def _loss_bound(bounds, values: Mapping[str, Any]) -> float | None:
    """M: given, or the loss bound all the bounds were built with (None when they differ or it is
    symbolic)."""
    if "M" in values:
        return float(values["M"])
    ms = set()
    for b in bounds:
        m = getattr(b, "spec", {}).get("loss_bound")
        if m is None:
            return None
        try:
            ms.add(float(m))
        except TypeError:
            return None
    return ms.pop() if len(ms) == 1 else None


def plot_bounds(bounds: Sequence[Any], n: Any, *, delta: Any, names: Sequence[str] | None = None,
                loss_bound: float | None = None, ax: Any = None, title: str | None = None,
                **values: Any) -> Any:
    """Plot bounds against the sample size n: log axes, one curve per bound (the first dashed: the
    baseline, typically no symmetry), the region where a bound is vacuous (at least the loss bound
    M) shaded.

    Parameters
    ----------
    bounds : Bounds in n (e.g. from :func:`symbound.generalization_bound`).
    n : the sample sizes, an array of numbers in [1, 1e300] (e.g. ``np.logspace(2, 8, 25)``).
    delta : confidence in (0, 1).
    names : the legend's labels (default: each bound's ``name``).
    loss_bound : M, the top of the loss range (default: the ``loss_bound`` the bounds were built
        with, or ``M`` in ``values``); no shading when unknown.
    ax : a matplotlib Axes to draw on (default: a new figure).
    **values : values of the bounds' other symbols (L, M, ...).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np, symbound as sb
    >>> kw = dict(lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2, power_law=(8, 2))
    >>> fig = sb.plot_bounds([sb.generalization_bound(None, **kw)], n=np.logspace(2, 8, 7),
    ...                      delta=0.05)
    >>> fig.axes[0].get_xscale()
    'log'
    """
    from .bounds.compare import check_bounds

    bounds = check_bounds(bounds)
    # n <= 1e300: the bounds are evaluated in float64 (n = 1e308 overflowed them)
    grid = np.sort(np.ravel(check_real_array("n", n, 1, 1e300)))
    if grid.size < 2:
        raise InvalidValueError(f"n must hold at least two sample sizes, got {grid.size}")
    check_probability("delta", delta, allow_symbolic=False)
    names = [b.name for b in bounds] if names is None else list(names)
    if len(names) != len(bounds):
        raise InvalidValueError(f"names must have {len(bounds)} entries, got {len(names)}")
    curves = {}
    for nm, b in zip(names, bounds):
        own = {k: v for k, v in values.items()
               if k in {s.name for s in b.free_symbols | set(b.expr.free_symbols)}}
        curves[nm] = np.asarray(b.evaluate(dict(own, n=grid, delta=delta)), dtype=float)
    M = loss_bound if loss_bound is not None else _loss_bound(bounds, values)
    if ax is None:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(6.4, 4.2), dpi=120)
        ax = fig.add_subplot(1, 1, 1)
    else:
        fig = ax.figure
    draw_bound_curves(ax, grid, curves, loss_bound=M)
    ax.set_title(title if title is not None else f"δ = {delta}", fontsize=10)
    fig.tight_layout()
    return fig
