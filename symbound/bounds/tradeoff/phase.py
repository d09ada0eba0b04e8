"""The phase diagram of the trade-off: which level wins over a grid of (n, eta_d) (THEORY §5).

For each sample size the curve ``eta -> Gen(eta; n)`` is computed once on a common grid of levels
that contains every data level of the diagram, a uniform and a geometric run (Gen does not depend
on eta_d), or on the calculator's explicit level grid; for each eta_d the total error
``c L_l (eta_d - eta)_+ + 2 Gen(eta)`` is minimised over the grid levels up to the least one
``>= eta_d`` with the class-inclusion envelope of
:mod:`symbound.bounds.tradeoff.calculator` (T4).  The regimes are those of
:meth:`TradeOff.optimal_model_equivariance`, read at the grid's resolution (a cell marked
"interior" has its best grid level strictly inside ``(0, eta_d)`` and strictly below both ends).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..._validation import brief, check_integer, check_real_array
from ...errors import InvalidTypeError, InvalidValueError
from ._search import TIE
from .results import REGIMES

__all__ = ["PhaseDiagram", "phase_diagram"]

_COLORS = {"full": "#3b6fb6", "match": "#e3a33b", "interior": "#5aa469", "none": "#bbbbbb"}


@dataclass(frozen=True, repr=False)
class PhaseDiagram:
    """Which regime wins at each (eta_d, n) of a grid.

    Attributes
    ----------
    n, eta_d : the grid axes (1-D arrays).
    regime : int array of shape ``(len(eta_d), len(n))``, an index into ``labels``.
    labels : the regime names ``("full", "match", "interior", "none")``.
    optimum : the optimal level (NaN where vacuous), same shape.
    total_error : the smallest total-error bound, same shape.
    vacuous : ``total_error >= M`` (the bound says nothing there), same shape.
    which : end of the sandwich used.
    """

    n: np.ndarray
    eta_d: np.ndarray
    regime: np.ndarray
    labels: tuple[str, ...]
    optimum: np.ndarray
    total_error: np.ndarray
    vacuous: np.ndarray
    which: str
    loss_bound: float

    def regime_names(self) -> np.ndarray:
        """The regimes as strings, shape ``(len(eta_d), len(n))``."""
        return np.array(self.labels, dtype=object)[self.regime]

    def figure(self, ax: Any = None) -> Any:
        """A matplotlib figure: regimes as colour cells over (n, eta_d), one cell per grid point
        (edges at the geometric midpoints); the regime "none" is the vacuous region (every level's
        bound >= M).  With an ``eta_d`` axis containing 0 the axis is linear.

        matplotlib is imported here (lazily): it is needed only for the figure; pyplot only when no
        ``ax`` is given."""
        from matplotlib.colors import ListedColormap
        from matplotlib.patches import Patch

        if ax is None:
            import matplotlib.pyplot as plt

            fig, ax = plt.subplots(figsize=(6.4, 4.2))
        else:
            fig = ax.figure
        logy = bool(np.all(self.eta_d > 0))
        cmap = ListedColormap([_COLORS[k] for k in self.labels])
        ax.pcolormesh(_edges(self.n, True), _edges(self.eta_d, logy), self.regime, cmap=cmap,
                      vmin=-0.5, vmax=len(self.labels) - 0.5, shading="flat",
                      edgecolors="white", linewidth=0.3)
        ax.set_xscale("log")
        if logy:
            ax.set_yscale("log")
        ax.set_xlabel("sample size $n$")
        ax.set_ylabel(r"data equivariance error $\eta_d$")
        ax.set_title(f"optimal model equivariance ({self.which} end of the sandwich)")
        text = {"full": "full symmetry (eta* = 0)", "match": "match the data (eta* = eta_d)",
                "interior": "interior (0 < eta* < eta_d)",
                "none": f"vacuous: every bound >= M = {self.loss_bound:g}"}
        handles = [Patch(color=_COLORS[k], label=text.get(k, k)) for k in self.labels
                   if np.any(self.regime == self.labels.index(k))]
        ax.legend(handles=handles, loc="lower left", fontsize="small", framealpha=0.9)
        return fig

    def __repr__(self) -> str:
        counts = {k: int(np.sum(self.regime == i)) for i, k in enumerate(self.labels)}
        return (f"PhaseDiagram({self.eta_d.size} x {self.n.size} cells, {counts}, "
                f"{int(self.vacuous.sum())} vacuous)")


def _edges(c: np.ndarray, log: bool) -> np.ndarray:
    """Cell edges around sorted centres: midpoints (geometric on a log axis), the outer edges
    mirrored."""
    c = np.asarray(c, dtype=np.float64)
    x = np.log(c) if log else c
    if x.size == 1:
        w = 0.5 if log else max(abs(x[0]) * 0.5, 0.5)
        e = np.array([x[0] - w, x[0] + w])
    else:
        mid = (x[:-1] + x[1:]) / 2
        e = np.concatenate([[x[0] - (mid[0] - x[0])], mid, [x[-1] + (x[-1] - mid[-1])]])
    return np.exp(e) if log else e


def _axis(name: str, values, low_int: bool) -> np.ndarray:
    try:
        a = np.asarray(values, dtype=object if isinstance(values, (list, tuple)) else None).ravel()
    except ValueError:  # a ragged list
        raise InvalidTypeError(f"{name} must be a number or a flat grid of numbers, got "
                               f"{brief(values)}") from None
    if a.size == 0:
        raise InvalidValueError(f"{name} must be a nonempty grid")
    if not low_int:
        return check_real_array(name, a, 0)
    if low_int:
        return np.array([check_integer(name, v, 1, 10**18) for v in a], dtype=np.int64)
    a = a.astype(np.float64)
    if not np.all(np.isfinite(a)) or np.any(a < 0):
        raise InvalidValueError(f"{name} must be finite and >= 0, got {a[~(np.isfinite(a) & (a >= 0))][0]!r}")
    return a


def phase_diagram(t, n, eta_d, which: str = "upper") -> PhaseDiagram:
    """The phase diagram of a :class:`TradeOff` (see the module docstring)."""
    c = t._c(which)
    ns = np.unique(_axis("n", n, True))
    eds = np.unique(_axis("eta_d", eta_d, False))
    Ll = float(t.constants["loss_lipschitz"])
    M = float(t.constants["loss_bound"])
    top = float(eds.max())
    if t.levels is not None:  # an explicit grid: the levels are the choices
        grid = t.levels
    else:
        grid = np.unique(np.concatenate([[0.0], eds, np.linspace(0, top, 65),
                                         top * np.geomspace(1e-8, 1, 33), eds * 1.5]))
    shape = (eds.size, ns.size)
    regime = np.zeros(shape, dtype=np.int64)
    optimum = np.full(shape, np.nan)
    total = np.zeros(shape)
    t._family.prepare_many_n()
    for j, n_j in enumerate(ns):
        g, _ = t._curve(int(n_j), keep=False).gen(grid)
        env = np.minimum.accumulate(g[::-1])[::-1]
        for i, ed in enumerate(eds):
            # levels up to eta_d, and the least level >= eta_d (eta_d itself without a grid)
            upto = np.flatnonzero(grid >= ed)
            last = int(upto[0]) if upto.size else grid.size - 1
            lv = grid[:last + 1]
            E = Ll * c * np.maximum(ed - lv, 0.0) + 2 * env[:last + 1]
            m = E.min()
            tol = TIE * max(1.0, abs(m))
            k = int(np.flatnonzero(E <= m + tol)[0])
            total[i, j] = m
            if m >= M:
                regime[i, j] = REGIMES.index("none")
                continue
            if ed == 0 or k == 0:
                name = "full"
            elif lv[-1] >= ed and E[-1] <= m + tol:
                name, k = "match", lv.size - 1
            else:
                name = "interior"
            regime[i, j] = REGIMES.index(name)
            optimum[i, j] = lv[k]
    return PhaseDiagram(ns.astype(float), eds, regime, REGIMES, optimum, total, total >= M, which, M)
