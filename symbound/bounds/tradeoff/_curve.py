"""``eta -> Gen(eta)``: the generalization bound of the class ``F_eta`` on arrays of levels.

``Gen(eta)`` is the value of :func:`symbound.bounds.generalization_bound` for the eta-approximately
G-invariant class.  That bound already takes the better of the two coverings of THEORY §5 (the
bound through ``N_S`` with eta in the resolution, and the plain bound through ``N(X)``; statement
(T) of :mod:`symbound.bounds.partition` and of :mod:`symbound.bounds.entropy`), at the full delta
when eta is a level fixed before the data, which every level of the calculator is.  The calculator
takes no minimum of its own and pays nothing for it.

Running the bound's resolution optimiser once per level is slow (a breakpoint search per call), so
the curve is read off the bound's structure, and the way it was read is reported in ``path``:

* ``"affine"`` (partition bound, any covering): the bound is built once with eta as a symbol and
  its resolution optimised once (each branch's optimal eps does not depend on eta: statement (U)
  of :mod:`symbound.bounds.partition`).  Every branch of the optimised formula is checked to be
  ``c_0 + c_1 eta`` (a polynomial of degree <= 1 in eta); then for ``eta > 0``
  ``Gen(eta) = min_i (c_{0,i} + c_{1,i} eta)``, exactly the bound's value at that level, and
  ``Gen(0)`` is the branch through ``N_S`` alone (the bound of the exactly invariant class, which
  has no plain branch).  ``c_0`` is evaluated exactly.  With power-law coverings the optimised
  resolution is a closed form in n: the bound is then built once for every n (``c_0`` a function
  of n, evaluated in floating point and checked against the exact value once).
* ``"compiled"`` (entropy-integral bound with closed-form integrals): the bound is built once with
  alpha, eta and n as symbols, compiled (``symbound.numeric.compile``, the seam between the layers;
  one kernel for every sample size) and minimised over alpha on a log grid refined by golden
  section, vectorised over the levels.  Dudley's bound holds for every alpha, so each value is a
  valid bound whatever the search's accuracy; a value is checked against the bound's own
  optimiser once before the kernel is trusted.
* ``"per level"``: one call of the bound's ``evaluate`` per level (memoised): the entropy-integral
  bound with certified quadrature, or any bound whose structure the two paths above do not
  recognise.

Every fast path is checked against the bound's own evaluation at one level on its first use; a
failed check falls back to the next path, never silently.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Callable

import mpmath
import numpy as np
import sympy as sp

from ...functions import BranchMin
from ...symbols import symbol
from .._bound import evaluate_expr
from ..generalization import generalization_bound
from ..optimize import _fast

__all__ = ["BoundSpec", "GenFamily", "GenCurve", "DRIVERS"]

#: which covering gives Gen at a level (index into this tuple)
DRIVERS = ("quotient covering N_S", "plain covering N(X)",
           "both coverings (per-scale minimum of the entropy integral)")
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
    options: dict = field(default_factory=dict)  # lipschitz, loss_lipschitz, covering, ...

    def bound(self, eta, n, delta, *, plain: bool = False, resolution: str = "optimize"):
        """The bound of the eta-approximately invariant class (``plain``: of the Lipschitz class
        without symmetry, with the covering ``generalization_bound`` uses for its plain branch)."""
        opts = dict(self.options)
        if plain:
            if opts.get("power_law") is not None:  # asserted for N_S only: the plain count is certified
                opts["covering"] = "upper"
            opts["power_law"] = None
            return generalization_bound(self.space, None, self.method, n=n, delta=delta,
                                        resolution=resolution, **opts)
        return generalization_bound(self.space, self.group, self.method, equivariance_error=eta,
                                    n=n, delta=delta, resolution=resolution, **opts)


def _as_float(v) -> float:
    if isinstance(v, float):
        return v
    m = mpmath.mpf(v)
    return float(m) if abs(m) < mpmath.mpf("1e300") else math.inf


def _agree(fast: float, ref: float) -> bool:
    return abs(fast - ref) <= _AGREE * max(1.0, abs(ref))


def affine_branches(bound, eta: sp.Symbol) -> list[tuple[str, sp.Expr, sp.Expr]] | None:
    """``[(label, c_0, c_1)]``: the branches ``c_0 + c_1 eta`` of ``bound`` with its resolution
    optimised (labels "N_S" and "plain"), or None when a branch is not affine in eta."""
    nb = bound.optimize().bound if bound.resolution is not None else bound
    f = nb.formula()
    if f.free_symbols - {eta, symbol("n")}:
        return None
    args = f.args if isinstance(f, BranchMin) else (f,)
    labels = [br["label"] for br in nb.info.get("branches", ())]
    if len(labels) != len(args):
        return None
    out = []
    for label, a in zip(labels, args):
        try:
            P = sp.Poly(a, eta)
        except sp.PolynomialError:
            return None
        if P.degree() > 1 or any(eta in c.free_symbols for c in P.all_coeffs()):
            return None
        out.append((label, P.coeff_monomial(1), P.coeff_monomial(eta)))
    if not out or out[0][0] not in ("N_S", "N"):
        return None
    return out


class GenFamily:
    """What the curves of every sample size share, at one delta: the bound's structure, read once,
    and the outcome of the checks against the bound's own evaluations (made on the first curve).

    * ``affine_n``: the affine branches with ``c_0`` a function of n (power-law coverings,
      partition bound; read only when ``many_n``), or None;
    * ``kernel``: the entropy-integral bound compiled over (alpha, eta, n) (closed-form integrals);
    * ``kernel0`` / ``kernel_plain``: the entropy-integral bound at eta = 0 and the plain bound,
      compiled over n (compiled on request by :meth:`prepare_many_n`);
    * ``checks``: name -> outcome of a check (absent until made).  The affine reading is a property
      of the partition bound, not of the set, so families of several sets may share one dict.
    """

    def __init__(self, spec: BoundSpec, delta: float, compile: bool = True, many_n: bool = True,
                 checks: dict | None = None):
        self.spec, self.delta = spec, float(delta)
        self.eta = symbol("eta")
        self.checks = {} if checks is None else checks
        self.affine_n = None
        self.kernel = self.kernel0 = self.kernel_plain = None
        self.alpha_range: tuple[float, float] | None = None
        self.kernel_has_eta = True
        self._tried_n = False
        self._curves: dict[int, GenCurve] = {}
        if spec.method == "partition":
            if many_n:
                self._read_affine_n()
        elif compile:
            self._compile_alpha()

    def _read_affine_n(self) -> None:
        n = symbol("n")
        try:
            b = self.spec.bound(self.eta, n, self.delta)
            if b.resolution is not None:  # not optimised at build: no closed form in n
                return
            br = affine_branches(b, self.eta)
        except Exception:  # noqa: BLE001 - a bound that cannot take a symbolic n: per n
            return
        if br is not None and not any(c1.free_symbols for _l, _c0, c1 in br):
            self.affine_n = [(lab, _fast(c0, n), float(c1)) for lab, c0, c1 in br]

    def _compile_alpha(self) -> None:
        from ...numeric.compile import compile_bound  # the seam module (lazy: numba)

        try:
            b = self.spec.bound(self.eta, None, self.delta, resolution="expose")
        except Exception:  # noqa: BLE001 - a bound that cannot take a symbolic eta: per level
            return
        if b.resolution is None or b.search_interval is None:
            return
        names = {s.name for s in b.free_symbols}
        # eta is absent when the plain count is the smaller one at every scale above 4 eta
        if names not in ({b.resolution.name, "eta", "n"}, {b.resolution.name, "n"}):
            return
        args = [a for a in (b.resolution.name, "eta", "n") if a in names]
        try:
            cb = compile_bound(b, *args)
        except Exception:  # noqa: BLE001
            return
        if cb.backend == "numba":
            self.kernel = cb
            self.kernel_has_eta = "eta" in names
            lo, hi = b.search_interval
            self.alpha_range = (float(lo), float(hi))

    def prepare_many_n(self) -> None:
        """Compile the entropy-integral bound at eta = 0 and the plain bound over n (worth it when
        many sample sizes are visited: the threshold search, the phase diagram)."""
        if self._tried_n or self.spec.method != "dudley":
            return
        self._tried_n = True
        from ...numeric.compile import compile_bound  # the seam module (lazy: numba)

        spec, d = self.spec, self.delta
        self.kernel0 = self._compile_in_n(compile_bound, lambda: spec.bound(0, None, d))
        self.kernel_plain = self._compile_in_n(compile_bound, lambda: spec.bound(0, None, d, plain=True))

    @staticmethod
    def _compile_in_n(compile_bound, build):
        try:
            b = build()
            if {s.name for s in b.free_symbols} != {"n"}:
                return None
            cb = compile_bound(b, "n")
        except Exception:  # noqa: BLE001
            return None
        return cb if cb.backend == "numba" else None

    def curve(self, n: int, keep: bool = True) -> "GenCurve":
        """The curve at sample size n (kept for later calls unless ``keep`` is False)."""
        n = int(n)
        if n in self._curves:
            return self._curves[n]
        c = GenCurve(self, n)
        if keep:
            self._curves[n] = c
        return c


class GenCurve:
    """``Gen(eta)`` at fixed n and delta (see the module docstring)."""

    def __init__(self, family: GenFamily, n: int):
        self.family = family
        self.spec = family.spec
        self.n = int(n)
        self.delta = family.delta
        self._memo: dict[float, float] = {}
        self._plain: float | None = None
        self._zero: float | None = None
        self._affine: list[tuple[str, float, float]] | None = None
        self._path: str | None = None

    # ----- the bound's own evaluations -----------------------------------------------------------
    def evaluate_at(self, eta: float) -> float:
        """The bound's own value at one level (memoised): ``generalization_bound(...).evaluate()``."""
        key = float(eta)
        if key not in self._memo:
            b = self.spec.bound(key if key > 0 else 0, self.n, self.delta)
            self._memo[key] = _as_float(b.evaluate())
        return self._memo[key]

    def plain(self) -> float:
        """``G_N``: the bound of the Lipschitz class without symmetry."""
        if self._plain is None:
            aff = self.affine
            labels = [a[0] for a in aff] if aff is not None else []
            if "plain" in labels:
                self._plain = aff[labels.index("plain")][1]
            else:
                self._plain = self._fast_n("kernel_plain", lambda: _as_float(
                    self.spec.bound(0, self.n, self.delta, plain=True).evaluate()))
        return self._plain

    def at_zero(self) -> float:
        """``Gen(0)``: the bound of the exactly invariant class."""
        if self._zero is None:
            if self.affine is not None:
                self._zero = self.affine[0][1]
            else:
                self._zero = self._fast_n("kernel0", lambda: self.evaluate_at(0.0))
        return self._zero

    def _fast_n(self, kernel: str, exact: Callable[[], float]) -> float:
        """A kernel over n at this n, checked once against ``exact()`` (then trusted)."""
        fam = self.family
        k = getattr(fam, kernel)
        if k is None or fam.checks.get(kernel) is False:
            return exact()
        fast = float(k(n=float(self.n)))
        if kernel not in fam.checks:
            ref = exact()
            fam.checks[kernel] = _agree(fast, ref)
            return ref
        return fast

    # ----- the partition bound's branches ------------------------------------------------------
    @property
    def affine(self) -> list[tuple[str, float, float]] | None:
        """``[(label, c_0, c_1)]`` of the optimised partition bound at this n, or None."""
        if self._path is None:
            self._choose_path()
        return self._affine

    def _affine_exact(self) -> list[tuple[str, float, float]] | None:
        try:
            b = self.spec.bound(self.family.eta, self.n, self.delta)
            br = affine_branches(b, self.family.eta)
        except Exception:  # noqa: BLE001 - not recognised: the per-level path
            return None
        if br is None:
            return None
        return [(lab, _as_float(evaluate_expr(c0)), _as_float(evaluate_expr(c1))) for lab, c0, c1 in br]

    def _checked(self, key: str, aff) -> bool:
        """Once per family (or per shared ``checks``): the affine reading reproduces the bound's
        own value at eta = 0 and at one level."""
        fam = self.family
        if key not in fam.checks:
            probe = 0.01
            got = min(c0 + c1 * probe for _l, c0, c1 in aff)
            fam.checks[key] = _agree(aff[0][1], self.evaluate_at(0.0)) and \
                _agree(got, self.evaluate_at(probe))
        return fam.checks[key]

    @property
    def path(self) -> str:
        if self._path is None:
            self._choose_path()
        return self._path

    def _choose_path(self) -> None:
        fam = self.family
        self._path = "per level"
        if self.spec.method == "partition":
            if fam.affine_n is not None and fam.checks.get("affine_n") is not False:
                aff = [(lab, _as_float(c0(float(self.n))), c1) for lab, c0, c1 in fam.affine_n]
                if self._checked("affine_n", aff):
                    self._affine, self._path = aff, "affine"
                    return
            aff = self._affine_exact()
            if aff is not None and self._checked("affine", aff):
                self._affine, self._path = aff, "affine"
            return
        if fam.kernel is not None and fam.checks.get("compiled") is not False:
            if "compiled" not in fam.checks:
                probe = 0.01 * float(fam.alpha_range[1])
                ref = self.evaluate_at(probe)
                fast = float(self._compiled_min(np.array([probe]))[0])
                # the compiled formula must reproduce the bound (else: level by level)
                fam.checks["compiled"] = bool(fast <= ref * (1 + 1e-6) + 1e-15 and
                                              fast >= ref * (1 - 1e-3))
            if fam.checks["compiled"]:
                self._path = "compiled"

    def _compiled_min(self, etas: np.ndarray) -> np.ndarray:
        """min over alpha of the compiled bound, for each eta (each value: the bound at some alpha)."""
        fam = self.family
        n = float(self.n)

        def kernel(alpha, eta):
            kw = {"eta": eta} if fam.kernel_has_eta else {}
            v = fam.kernel(alpha=alpha, n=n, **kw)
            return np.broadcast_to(np.asarray(v, dtype=np.float64), np.broadcast(alpha, eta).shape)

        lo, hi = fam.alpha_range
        la = np.linspace(math.log(lo), math.log(hi), _ALPHA_GRID)
        vals = kernel(np.exp(la)[:, None], etas[None, :])
        vals = np.where(np.isfinite(vals), vals, np.inf)
        i = np.argmin(vals, axis=0)
        best = vals[i, np.arange(etas.size)]
        a = la[np.maximum(i - 1, 0)]
        c = la[np.minimum(i + 1, la.size - 1)]
        phi = (math.sqrt(5) - 1) / 2

        def f(x):
            v = kernel(np.exp(x), etas)
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
    def gen(self, etas) -> tuple[np.ndarray, np.ndarray]:
        """``Gen(eta)`` at each level, and which covering gives it (an index into
        :data:`DRIVERS`)."""
        etas = np.asarray(etas, dtype=np.float64)
        flat = etas.ravel()
        out = np.empty(flat.shape)
        drv = np.zeros(flat.shape, dtype=np.int64)
        zero = flat == 0
        if np.any(zero):
            out[zero] = self.at_zero()
        pos = ~zero
        if np.any(pos):
            e = flat[pos]
            if self.path == "affine":
                vals = np.array([c0 + c1 * e for _l, c0, c1 in self.affine])
                k = np.argmin(vals, axis=0)
                out[pos] = vals[k, np.arange(e.size)]
                drv[pos] = [1 if self.affine[j][0] == "plain" else 0 for j in k]
            else:
                if self.path == "compiled":
                    v = self._compiled_min(e)
                else:
                    v = np.array([self.evaluate_at(x) for x in e])
                out[pos] = v
                gn = self.plain()
                drv[pos] = np.where(v >= gn * (1 - 1e-9), 1, 2)
        return out.reshape(etas.shape), drv.reshape(etas.shape)
