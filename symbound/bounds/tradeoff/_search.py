"""Numeric searches of the trade-off: the optimal level on the curve, the threshold sample size.

No convexity or concavity is assumed anywhere (THEORY §5: Gen may be non-concave; the power-law
entropy-integral bound even jumps at eta = 0).  The optimal level is found by a scan, a golden
refinement around the best scan point, and a second, staggered scan that checks the claim; the
threshold by interval certificates that use only the monotonicity of each bound in n (proved in
:mod:`symbound.bounds.tradeoff.calculator`).
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

__all__ = ["LevelSearch", "golden", "certified_threshold", "TIE"]

#: relative tolerance of ties between total-error values (ties go to more symmetry)
TIE = 1e-12


def golden(f: Callable[[float], float], a: float, c: float, steps: int = 40) -> tuple[float, float]:
    """Golden-section search of a scalar function on [a, c]: the best point seen and its value.

    Only used to refine a bracket found by a scan; the caller keeps the scan's best point if the
    refinement does not improve on it (no unimodality is assumed)."""
    phi = (math.sqrt(5) - 1) / 2
    x1, x2 = c - phi * (c - a), a + phi * (c - a)
    f1, f2 = f(x1), f(x2)
    best = (x1, f1) if f1 <= f2 else (x2, f2)
    for _ in range(steps):
        if f1 <= f2:
            c, x2, f2 = x2, x1, f1
            x1 = c - phi * (c - a)
            f1 = f(x1)
            if f1 < best[1]:
                best = (x1, f1)
        else:
            a, x1, f1 = x1, x2, f2
            x2 = a + phi * (c - a)
            f2 = f(x2)
            if f2 < best[1]:
                best = (x2, f2)
    return best


class LevelSearch:
    """All evaluations of ``Gen`` made while searching the optimal level, and the total error with
    the class-inclusion envelope.

    ``F_eta ⊆ F_eta'`` for ``eta <= eta'``, so a bound of the larger class bounds the smaller one:
    ``Gen_env(eta) = min_{eta' >= eta evaluated} Gen(eta')`` is a valid generalization bound for
    ``F_eta``.  It equals Gen wherever the bound is nondecreasing in eta.  The bounds of
    symbound are nondecreasing for ``eta > 0`` (the partition bound is a minimum of affine
    functions with nonnegative slopes; the entropy integral uses the count modulo S only above
    ``4 eta``), but ``Gen(0)``, the bound of the exactly invariant class, uses the count modulo S
    at every scale without the plain minimum, and certified counts need not be ordered as the
    true ones are; the search records whether Gen was nondecreasing on the levels it evaluated.
    """

    def __init__(self, gen: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]], eta_d: float,
                 c: float, loss_lipschitz: float):
        self._gen = gen
        self.eta_d = eta_d
        self.c = c
        self.Ll = loss_lipschitz
        self.points: dict[float, tuple[float, int]] = {}

    def evaluate(self, etas) -> None:
        etas = np.unique(np.asarray(etas, dtype=np.float64))
        new = np.array([e for e in etas if e not in self.points])
        if new.size:
            g, driver = self._gen(new)
            for e, gv, dv in zip(new, g, driver):
                self.points[float(e)] = (float(gv), int(dv))

    def raw_total(self, eta: float) -> float:
        self.evaluate([eta])
        g = self.points[float(eta)][0]
        return self.Ll * self.c * max(self.eta_d - eta, 0.0) + 2 * g

    def table(self):
        """Sorted levels, raw Gen, enveloped Gen, drivers (of the enveloped value: the level whose
        bound it is), enveloped total error."""
        etas = np.array(sorted(self.points))
        g = np.array([self.points[e][0] for e in etas])
        driver = np.array([self.points[e][1] for e in etas])
        env = np.minimum.accumulate(g[::-1])[::-1]
        # the level each enveloped value comes from: the last position of the running minimum
        src = np.array([k + int(np.argmin(g[k:])) for k in range(g.size)])
        total = self.Ll * self.c * np.maximum(self.eta_d - etas, 0.0) + 2 * env
        return etas, g, env, driver[src], total

    def best(self, within: float | None = None):
        """Index into :meth:`table` of the smallest enveloped total error among levels <= within
        (ties to the smallest level, i.e. more symmetry)."""
        etas, g, env, driver, total = self.table()
        mask = etas <= (self.eta_d if within is None else within)
        idx = np.flatnonzero(mask)
        vals = total[idx]
        m = vals.min()
        tol = TIE * max(1.0, abs(m))
        return int(idx[np.flatnonzero(vals <= m + tol)[0]])

    def monotone(self) -> bool:
        _, g, env, _, _ = self.table()
        return bool(np.all(g <= env + TIE * np.maximum(1.0, np.abs(env))))


def _crossing(point: Callable[[int], float], lo: int, hi: int, rtol: float) -> tuple[int, int]:
    """Bisection in log n on point values: point(lo) >= 0 > point(hi) -> adjacent (lo, hi)."""
    while hi - lo > 1 and hi > lo * (1 + rtol):
        mid = min(max(int(round(math.sqrt(lo) * math.sqrt(hi))), lo + 1), hi - 1)
        if point(mid) >= 0:
            lo = mid
        else:
            hi = mid
    return lo, hi


def certified_threshold(point: Callable[[int], float],
                        delta_bounds: Callable[[int, int], tuple[float, float]],
                        grid: list[int], tail: int, rtol: float, max_steps: int = 20000
                        ) -> tuple[int | None, int, bool]:
    """The threshold n* = min{n0 : Delta(n) < 0 for every n >= n0}, certified.

    ``point(n)`` is ``Delta(n)``; ``delta_bounds(a, b)`` an (upper, lower) bound of Delta over
    ``[a, b]``; every n >= ``tail`` is already certified.  The last sign change of Delta on ``grid``
    is narrowed by bisection on point values to ``(lo, hi)`` (``Delta(lo) >= 0 > Delta(hi)``), then
    ``[hi, tail]`` is swept by intervals whose certificate is checked, widths doubling after a
    success and shrinking after a failure (two adjacent integers are decided by their point
    values).  A point with ``Delta >= 0`` met by the sweep is a later crossing: the search restarts
    there.  Returns ``(lo, hi, certified)``; ``lo`` is None when Delta < 0 is certified on
    ``[1, tail]`` (matching always wins).
    """
    nonneg = [m for m in grid if m < tail and point(m) >= 0]
    lo = nonneg[-1] if nonneg else None
    steps = 0
    while True:
        if lo is None:
            hi = 1
        else:
            nxt = min([m for m in grid if m > lo] + [tail])
            lo, hi = _crossing(point, lo, nxt, rtol)
        a, w, restart = hi, max(1, int(hi * rtol)), None
        while a < tail:
            steps += 1
            if steps > max_steps:
                return lo, hi, False
            b = min(a + w, tail)
            if delta_bounds(a, b)[0] < 0:
                a, w = b, 2 * w
            elif b - a <= 1:
                if point(b) >= 0:
                    restart = b
                    break
                a = b
            else:
                w = max(1, w // 4)
        if restart is None:
            return lo, hi, True
        lo = restart
