"""``eta -> Gen(eta)``: the generalization bound of the class ``F_eta`` on arrays of levels.

Every value comes from the public :func:`symbound.bounds.generalization_bound` (the bound of the
eta-approximately S-invariant class, and the plain bound of the Lipschitz class without symmetry),
so the calculator follows whatever those bounds state.  Three ways to evaluate it on many levels,
chosen per (space, group, method) and reported in ``path``:

* ``"structure"`` (partition bound): eta enters the partition bound only through the resolution
  term ``2 L_l (L eps + eta)`` (Xu & Mannor's r; the cell count and the confidence term do not
  depend on eta), so ``Gen_S(eta) = Gen_S(0) + 2 L_l eta`` with the resolution optimised once.  The
  identity is checked against the bound itself at two levels before it is used;
* ``"compiled"`` (entropy-integral bound with closed-form integrals): the bound is built once with
  eta and alpha as symbols, compiled (``symbound.numeric.compile``, the seam between the layers) and
  minimised over alpha on a log grid refined by golden section, vectorised over the levels.  Dudley's
  bound holds for every alpha, so each value is a valid bound whatever the optimiser's accuracy; a
  value is checked against the bound's own optimiser at one level;
* ``"per level"``: one call of the bound's ``evaluate`` per level (memoised).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import mpmath
import numpy as np

from ...errors import NumericalError
from ..generalization import generalization_bound
from ._inputs import eta_symbol

__all__ = ["BoundSpec", "GenCurve"]

#: relative agreement required between a fast path and the bound's own evaluation
_AGREE = 1e-9
#: points of the log grid in alpha of the compiled path, and golden-section steps after it
_ALPHA_GRID = 160
_GOLDEN_STEPS = 48


@dataclass(frozen=True)
class BoundSpec:
    """What :func:`generalization_bound` needs besides eta, n and delta."""

    space: Any
    group: Any
    method: str
    options: dict = field(default_factory=dict)  # lipschitz, loss_lipschitz, loss_bound, ...
    plain_options: dict = field(default_factory=dict)  # covering / power_law of the plain bound

    def bound(self, eta, n, delta, *, plain: bool = False, resolution: str = "optimize"):
        opts = dict(self.options)
        if plain:
            opts.update(self.plain_options)
            return generalization_bound(self.space, None, self.method, n=n, delta=delta,
                                        resolution=resolution, **opts)
        return generalization_bound(self.space, self.group, self.method, equivariance_error=eta,
                                    n=n, delta=delta, resolution=resolution, **opts)


def _as_float(v) -> float:
    if isinstance(v, float):
        return v
    m = mpmath.mpf(v)
    return float(m) if abs(m) < mpmath.mpf("1e300") else math.inf


def split_for_min(method: str) -> int:
    """How many statements the minimum of the two bounds uses (the union bound of ``_gen``).

    LEAD: delete with ``GenCurve._gen`` once ``generalization_bound`` takes the better of the two
    coverings itself (issue #8).  Partition: the quotient bound and the plain bound use two different
    partitions of Z, two concentration events, so each runs at delta/2.  Entropy integral: both bound
    the Rademacher complexity of the same class F_eta (``Rad(F_eta) <= Rad(F_plain)``) and share the
    concentration term, so their minimum holds on one event at the full delta."""
    return 2 if method == "partition" else 1


class GenCurve:
    """``Gen(eta)`` at fixed n and delta (see the module docstring)."""

    def __init__(self, spec: BoundSpec, n: int, delta: float):
        self.spec = spec
        self.n = int(n)
        self.delta = float(delta)
        self.delta_each = self.delta / split_for_min(spec.method)
        self._memo: dict[float, float] = {}
        self._plain: float | None = None
        self._path: str | None = None
        self._compiled = None
        self._alpha_range: tuple[float, float] | None = None
        self._slope = None  # 2 L_l (structure path)

    # ----- the two bounds -------------------------------------------------------------------
    def symmetric_at(self, eta: float) -> float:
        """The bound through N_S for F_eta (the bound's own evaluation; memoised)."""
        key = float(eta)
        if key not in self._memo:
            b = self.spec.bound(key if key > 0 else 0, self.n, self.delta_each)
            self._memo[key] = _as_float(b.evaluate())
        return self._memo[key]

    def plain(self) -> float:
        """The plain bound through N(X) (no symmetry)."""
        if self._plain is None:
            b = self.spec.bound(0, self.n, self.delta_each, plain=True)
            self._plain = _as_float(b.evaluate())
        return self._plain

    @property
    def path(self) -> str:
        if self._path is None:
            self._choose_path()
        return self._path

    def _choose_path(self) -> None:
        self._path = "per level"
        if self.spec.method == "partition":
            slope = 2 * float(self.spec.options["loss_lipschitz"])
            g0 = self.symmetric_at(0.0)
            ok = True
            for e in (1e-3, 0.25):
                ref = self.symmetric_at(e)
                if abs(g0 + slope * e - ref) > _AGREE * max(1.0, abs(ref)):
                    ok = False
                    break
            if ok:
                self._slope = slope
                self._path = "structure"
            return
        self._try_compiled()

    def _try_compiled(self) -> None:
        eta = eta_symbol()
        try:
            b = self.spec.bound(eta, self.n, self.delta_each, resolution="expose")
        except Exception:  # a bound that cannot take a symbolic eta: evaluate level by level
            return
        if b.resolution is None or b.search_interval is None:
            return
        from ...numeric.compile import compile_bound  # the seam module (lazy: numba)

        try:
            cb = compile_bound(b, b.resolution.name, "eta")
        except Exception:
            return
        if cb.backend != "numba":
            return
        self._compiled = cb
        lo, hi = b.search_interval
        self._alpha_range = (float(lo), float(hi))
        probe = 0.01
        ref = self.symmetric_at(probe)
        fast = float(self._compiled_min(np.array([probe]))[0])
        if not (fast <= ref * (1 + 1e-6) + 1e-15 and fast >= ref * (1 - 1e-3)):
            self._compiled = None  # the compiled formula does not reproduce the bound: per level
            return
        self._path = "compiled"

    def _compiled_min(self, etas: np.ndarray) -> np.ndarray:
        """min over alpha of the compiled bound, for each eta (each value: the bound at some alpha)."""
        lo, hi = self._alpha_range
        la = np.linspace(math.log(lo), math.log(hi), _ALPHA_GRID)
        vals = self._compiled(alpha=np.exp(la)[:, None], eta=etas[None, :])
        vals = np.asarray(vals, dtype=np.float64)
        vals = np.where(np.isfinite(vals), vals, np.inf)
        i = np.argmin(vals, axis=0)
        best = vals[i, np.arange(etas.size)]
        a = la[np.maximum(i - 1, 0)]
        c = la[np.minimum(i + 1, la.size - 1)]
        phi = (math.sqrt(5) - 1) / 2

        def f(x):
            v = np.asarray(self._compiled(alpha=np.exp(x), eta=etas), dtype=np.float64)
            return np.where(np.isfinite(v), v, np.inf)

        x1 = c - phi * (c - a)
        x2 = a + phi * (c - a)
        f1, f2 = f(x1), f(x2)
        best = np.minimum(best, np.minimum(f1, f2))
        for _ in range(_GOLDEN_STEPS):  # golden section in log alpha, one evaluation per step
            left = f1 <= f2  # the minimum lies in [a, x2]
            c = np.where(left, x2, c)
            a = np.where(left, a, x1)
            x1n = np.where(left, c - phi * (c - a), x2)
            x2n = np.where(left, x1, a + phi * (c - a))
            fe = f(np.where(left, x1n, x2n))
            f1, f2 = np.where(left, fe, f2), np.where(left, f1, fe)
            x1, x2 = x1n, x2n
            best = np.minimum(best, fe)
        return best

    # ----- the curve --------------------------------------------------------------------------
    def symmetric(self, etas) -> np.ndarray:
        """The bound through N_S for F_eta at each level (array)."""
        etas = np.asarray(etas, dtype=np.float64)
        flat = etas.ravel()
        out = np.empty(flat.shape)
        zero = flat == 0
        if np.any(zero):
            out[zero] = self.symmetric_at(0.0)
        pos = ~zero
        if np.any(pos):
            path = self.path
            if path == "structure":
                out[pos] = self.symmetric_at(0.0) + self._slope * flat[pos]
            elif path == "compiled":
                out[pos] = self._compiled_min(flat[pos])
            else:
                out[pos] = [self.symmetric_at(e) for e in flat[pos]]
        return out.reshape(etas.shape)

    def gen(self, etas) -> tuple[np.ndarray, np.ndarray]:
        """``Gen(eta)`` and whether the plain covering gives it (see :meth:`_gen`)."""
        return self._gen(etas)

    def _gen(self, etas) -> tuple[np.ndarray, np.ndarray]:
        """LEAD: this helper takes the better of the two coverings of THEORY §5 ("two coverings for
        one class"): an eta-approximately S-invariant class is also a plain Lipschitz class, so
        ``Gen(eta) = min(bound through N_S with eta in the resolution, plain bound through N(X))``.
        Today's ``generalization_bound`` does not take this minimum (issue #8 adds it); once it does,
        delete this helper and :func:`split_for_min` and return ``self.symmetric(etas)``."""
        s = self.symmetric(etas)
        p = self.plain()
        return np.minimum(s, p), p < s
