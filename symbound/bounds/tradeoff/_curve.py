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
  alpha, eta and n as symbols, compiled (``symbound.numeric.compile``, the seam between the layers;
  one kernel for every sample size) and minimised over alpha on a log grid refined by golden
  section, vectorised over the levels.  Dudley's bound holds for every alpha, so each value is a
  valid bound whatever the optimiser's accuracy; a value is checked against the bound's own
  optimiser at one level before the kernel is used;
* ``"per level"``: one call of the bound's ``evaluate`` per level (memoised).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import mpmath
import numpy as np

from ..generalization import generalization_bound
from ._inputs import eta_symbol

__all__ = ["BoundSpec", "GenCurve", "CompiledFamily"]

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


class CompiledFamily:
    """What the curves of every sample size share (the threshold search visits many n), at a fixed
    delta: the bounds compiled over n where they are closed forms, and the outcome of the checks
    against the bounds' own evaluations, made once on the first curve.

    * ``kernel``: the entropy-integral bound over (alpha, eta, n) (power-law coverings);
    * ``kernel0`` / ``kernel_plain``: the bound at eta = 0 and the plain bound, over n, with their
      closed-form optimal resolution (power-law coverings, either method; compiled on request by
      :meth:`compile_in_n`);
    * ``structure``: whether ``G_S(eta) = G_S(0) + 2 L_l eta`` held (partition bound).

    Each flag is None until checked, then True or False.
    """

    def __init__(self, spec: BoundSpec, delta_each: float, compile: bool = True):
        self.kernel = self.kernel0 = self.kernel_plain = None
        self.alpha_range: tuple[float, float] | None = None
        self.ok: bool | None = False
        self.ok0: bool | None = False
        self.ok_plain: bool | None = False
        self.structure: bool | None = None if spec.method == "partition" else False
        self._spec, self._delta_each, self._tried_n = spec, delta_each, False
        if not compile or spec.method != "dudley":
            return
        from ...numeric.compile import compile_bound  # the seam module (lazy: numba)

        try:
            b = spec.bound(eta_symbol(), None, delta_each, resolution="expose")
        except Exception:  # a bound that cannot take a symbolic eta: evaluate level by level
            return
        if b.resolution is None or b.search_interval is None or \
                {s.name for s in b.free_symbols} != {b.resolution.name, "eta", "n"}:
            return
        try:
            cb = compile_bound(b, b.resolution.name, "eta", "n")
        except Exception:
            return
        if cb.backend == "numba":
            self.kernel, self.ok = cb, None
            lo, hi = b.search_interval
            self.alpha_range = (float(lo), float(hi))

    def compile_in_n(self) -> None:
        """Compile the bound at eta = 0 and the plain bound over n (worth it when many sample sizes
        are visited: the threshold search, the phase diagram)."""
        if self._tried_n:
            return
        self._tried_n = True
        from ...numeric.compile import compile_bound  # the seam module (lazy: numba)

        spec, d = self._spec, self._delta_each
        self.kernel0 = self._compile_in_n(compile_bound, lambda: spec.bound(0, None, d))
        self.kernel_plain = self._compile_in_n(compile_bound, lambda: spec.bound(0, None, d, plain=True))
        self.ok0 = None if self.kernel0 is not None else False
        self.ok_plain = None if self.kernel_plain is not None else False

    @staticmethod
    def _compile_in_n(compile_bound, build):
        try:
            b = build()
            if {s.name for s in b.free_symbols} != {"n"}:
                return None
            cb = compile_bound(b, "n")
        except Exception:
            return None
        return cb if cb.backend == "numba" else None


class GenCurve:
    """``Gen(eta)`` at fixed n and delta (see the module docstring)."""

    def __init__(self, spec: BoundSpec, n: int, delta: float, family: CompiledFamily | None = None):
        self.spec = spec
        self.n = int(n)
        self.delta = float(delta)
        self.delta_each = self.delta / split_for_min(spec.method)
        self._memo: dict[float, float] = {}
        self._plain: float | None = None
        self._path: str | None = None
        self._family = family if family is not None else CompiledFamily(spec, self.delta_each)
        self._slope = 2 * float(spec.options["loss_lipschitz"])

    # ----- the two bounds -------------------------------------------------------------------
    def symmetric_at(self, eta: float) -> float:
        """The bound through N_S for F_eta (the bound's own evaluation; memoised)."""
        key = float(eta)
        if key not in self._memo:
            b = self.spec.bound(key if key > 0 else 0, self.n, self.delta_each)
            self._memo[key] = _as_float(b.evaluate())
        return self._memo[key]

    def _fast(self, kernel, flag: str, exact) -> float:
        """A kernel's value at this n, checked once against ``exact()`` (then trusted)."""
        fam = self._family
        fast = float(kernel(n=float(self.n)))
        if getattr(fam, flag) is None:
            ref = exact()
            setattr(fam, flag, abs(fast - ref) <= _AGREE * max(1.0, abs(ref)))
            return ref
        return fast

    def plain(self) -> float:
        """The plain bound through N(X) (no symmetry)."""
        if self._plain is None:
            def exact():
                return _as_float(self.spec.bound(0, self.n, self.delta_each, plain=True).evaluate())

            ok = self._family.ok_plain
            self._plain = self._fast(self._family.kernel_plain, "ok_plain", exact) if ok is not False \
                else exact()
        return self._plain

    def at_zero(self) -> float:
        """The bound of the exactly invariant class."""
        if 0.0 not in self._memo and self._family.ok0 is not False:
            self._memo[0.0] = self._fast(self._family.kernel0, "ok0", lambda: self.symmetric_at(0.0))
        return self.symmetric_at(0.0)

    @property
    def path(self) -> str:
        if self._path is None:
            self._choose_path()
        return self._path

    def _choose_path(self) -> None:
        fam = self._family
        self._path = "per level"
        if self.spec.method == "partition":
            if fam.structure is None:
                g0 = self.at_zero()
                fam.structure = all(
                    abs(g0 + self._slope * e - self.symmetric_at(e)) <= _AGREE * max(1.0, self.symmetric_at(e))
                    for e in (1e-3, 0.25))
            if fam.structure:
                self._path = "structure"
            return
        if fam.ok is None:
            probe = 0.01
            ref = self.symmetric_at(probe)
            fast = float(self._compiled_min(np.array([probe]))[0])
            # the compiled formula must reproduce the bound (else: level by level)
            fam.ok = bool(fast <= ref * (1 + 1e-6) + 1e-15 and fast >= ref * (1 - 1e-3))
        if fam.ok:
            self._path = "compiled"

    def _compiled_min(self, etas: np.ndarray) -> np.ndarray:
        """min over alpha of the compiled bound, for each eta (each value: the bound at some alpha)."""
        kernel = self._family.kernel
        n = float(self.n)
        lo, hi = self._family.alpha_range
        la = np.linspace(math.log(lo), math.log(hi), _ALPHA_GRID)
        vals = kernel(alpha=np.exp(la)[:, None], eta=etas[None, :], n=n)
        vals = np.asarray(vals, dtype=np.float64)
        vals = np.where(np.isfinite(vals), vals, np.inf)
        i = np.argmin(vals, axis=0)
        best = vals[i, np.arange(etas.size)]
        a = la[np.maximum(i - 1, 0)]
        c = la[np.minimum(i + 1, la.size - 1)]
        phi = (math.sqrt(5) - 1) / 2

        def f(x):
            v = np.asarray(kernel(alpha=np.exp(x), eta=etas, n=n), dtype=np.float64)
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
            out[zero] = self.at_zero()
        pos = ~zero
        if np.any(pos):
            path = self.path
            if path == "structure":
                out[pos] = self.at_zero() + self._slope * flat[pos]
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
