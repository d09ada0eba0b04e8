r"""The trade-off calculator: model versus data equivariance error (THEORY §5).

A target ``f*`` has data equivariance error ``eta_d = ee_inf(f*; G)`` and a learner minimises the
empirical risk over ``F_eta = {f: X -> [-B, B], Lip f <= L, ee_inf(f; G) <= eta}``.  The calculator
returns the certified total-error bound ``E(eta)`` at every level, the optimal level, the sample
size from which matching the data's level beats full symmetry, and the phase diagram.

Statements (proofs: docs/theory/tradeoff.md, the documentation's page *Model versus data
equivariance*):

* **(T1) Decomposition.**  With probability ``1 - delta``,
  ``R(f_hat) - R(f*) <= E(eta) = L_l A(eta) + 2 Gen(eta)``, ``A(eta) = inf_{F_eta} ||f - f*||_inf``,
  Gen a bound on ``sup_{F_eta} |R - R_n|`` (both bounds of symbound are uniform over the class).
* **(T2) Sandwich.**  For a compact group with Haar measure acting by isometries and an
  L-Lipschitz target bounded by B: ``(eta_d - eta)_+ / 2 <= A(eta) <= (eta_d - eta)_+`` (Reynolds
  operator and the seminorm ee).  ``which="upper"`` (c = 1) is the certified bound;
  ``which="lower"`` (c = 1/2) a comparison curve, not a bound.
* **(T3) Better of two coverings.**  ``F_eta`` is also a plain Lipschitz class;
  :func:`symbound.bounds.generalization_bound` takes the better of the bound through ``N_S`` (eta in
  the resolution) and the plain bound itself for ``eta > 0``, and the calculator takes Gen from it
  unchanged (:mod:`._curve`).  Every level is fixed before the data, so the choice depends on
  constants only: one statement, the full delta.
* **(T4) Monotonicity.**  ``F_eta ⊆ F_eta'`` for ``eta <= eta'``: the optimiser uses the envelope
  ``min_{eta' >= eta} Gen(eta')`` and reports whether Gen was nondecreasing; ``Gen(eta; n)`` is
  nonincreasing in n.
* **(T5) Threshold.**  With ``Delta(n) = 2 Gen(eta_d; n) - c L_l eta_d - 2 Gen(0; n)``, T4 bounds
  Delta on ``[n_1, n_2]`` by its end-point values, and ``2 Gen(eta_d; n_T) < c L_l eta_d`` certifies
  ``Delta < 0`` for all ``n >= n_T`` (such an n_T exists for every eta_d > 0); the threshold is the
  last sign change of Delta, every larger n certified by interval certificates
  (:func:`symbound.bounds.tradeoff._search.certified_threshold`), up to the accuracy of the
  resolution optimisers whose values it compares.
* **(T6) Range of eta_d.**  A target with values in ``[-B, B]`` has
  ``ee_inf(f*; G) <= sup |f*(g x)| + sup |f*(x)| <= 2B``, so ``min(eta_d, 2B)`` is an upper bound
  whenever ``eta_d`` is.  The entropy-integral bound, which has B as a parameter, refuses
  ``eta_d > 2B`` (naming ``min(eta_d, 2B)``) rather than capping it silently.  The zero function
  is in every ``F_eta`` (0-Lipschitz, invariant, valued in ``[-B, B]``), so also ``A(eta) <=
  ||f*||_inf <= B``; that cap binds only for ``eta_d - eta > B`` and is not applied: ``E`` stays a
  valid bound there, looser than it could be.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import sympy as sp

from ..._validation import (check_choice, check_integer, check_probability, check_real_array,
                            suggest_keywords)
from ...errors import InvalidTypeError, InvalidValueError
from ...functions import latex_of
from ...symbols import symbol
from ._curve import DRIVERS, BoundSpec, GenCurve, GenFamily
from ._inputs import DataError, bound_constants, data_error
from ._params import Parameters
from .optimum import optimal_level
from .phase import PhaseDiagram
from .results import WHICH, LevelOptimum, Threshold
from .threshold import threshold_n
from ..._types import Space, TransformationSetBase

__all__ = ["tradeoff", "TradeOff", "REFERENCE"]

REFERENCE = ("THEORY §5; Petrache & Trivedi (2023), Approximation-generalization trade-offs under "
             "(approximate) group equivariance; proofs in symbound.bounds.tradeoff.calculator")



class _GenS(sp.Function):
    """``G_S(eta)``: the bound of the eta-approximately invariant class through N_S (display)."""

    nargs = 1
    is_real = True

    def _latex(self, printer):
        return r"\mathcal{G}_{S}\left(" + printer._print(self.args[0]) + r"\right)"


class _GenSN(sp.Function):
    """``G_{S^N}(eta)``: the entropy-integral bound of the eta-approximately invariant class with the
    smaller of the two coverings at every scale (display)."""

    nargs = 1
    is_real = True

    def _latex(self, printer):
        return r"\mathcal{G}_{S \wedge N}\left(" + printer._print(self.args[0]) + r"\right)"


class _PositivePart(sp.Function):
    """``(a - b)_+`` printed as a mathematician writes it (display only)."""

    nargs = 2
    is_real = True

    def _latex(self, printer):
        a, b = self.args
        return r"\left(" + printer._print(a) + " - " + printer._print(b) + r"\right)_{+}"


class _GenN(sp.Symbol):
    """``G_N``: the plain bound through N(X) (display)."""

    def _latex(self, printer):
        return r"\mathcal{G}_{N}"


def _as_levels(levels, high: float | None, what: str = "levels") -> np.ndarray | None:
    if levels is None:
        return None
    a = np.asarray(levels, dtype=np.float64).ravel()
    if a.size == 0:
        raise InvalidValueError(f"{what} must be a nonempty grid of levels, got an empty array")
    if not np.all(np.isfinite(a)):
        raise InvalidValueError(f"{what} must be finite, got {a[~np.isfinite(a)][0]!r}")
    rng = f"[0, {high:g}]" if high is not None else "[0, inf)"
    bad = (a < 0) | ((a > high) if high is not None else False)
    if np.any(bad):
        raise InvalidValueError(
            f"{what} must lie in the range of the model equivariance error {rng}, got {a[bad][0]!r}")
    return np.unique(a)


def _check_range(eta_d: DataError, B: sp.Expr) -> None:
    """Statement T6: refuse ``eta_d > 2B`` (exact comparison; symbolic values pass)."""
    if eta_d.value.free_symbols or B.free_symbols:
        return
    if bool(eta_d.value > 2 * B):
        raise InvalidValueError(
            f"data_equivariance_error = {float(eta_d.value):.6g} exceeds 2B = {float(2 * B):.6g}: a "
            f"target with values in [-B, B] has ee_inf(f*; G) <= 2B, so give min(eta_d, 2B) = "
            f"{float(2 * B):.6g} (the same statement, tighter), or the hypothesis_bound B that "
            "bounds the target (statement T6 of symbound.bounds.tradeoff.calculator)")


class TradeOff(Parameters):
    r"""The trade-off between model and data equivariance error (THEORY §5).

    Built by :func:`tradeoff`.  Its parameters are read-only: everything it reports is derived
    from them, and :meth:`with_params` (e.g. ``t.with_params(n=10**8)``, ``eta_d=...``) returns a
    new trade-off.  ``E(eta) = L_l (eta_d - eta)_+ + 2 Gen(eta)`` bounds the excess risk
    of empirical risk minimisation over ``F_eta`` with probability at least ``1 - delta``
    (statements T1-T3 of the module docstring), ``Gen(eta)`` the bound of
    :func:`~symbound.bounds.generalization_bound` for ``F_eta`` (the better of the two coverings).
    """

    _aliases = {"eta_d": "data_equivariance_error"}

    def __init__(self, spec: BoundSpec, eta_d: DataError, n: Any, delta: float, delta_bounds: float,
                 constants: dict, levels: np.ndarray | None, scan_points: int, notes: tuple,
                 params: dict):
        # read-only (derive, don't freeze): with_params(...) returns a new TradeOff
        self._set(spec=spec, n=n, delta=delta, delta_bounds=delta_bounds, constants=constants,
                  levels=levels, scan_points=scan_points, notes=notes)
        self._eta_d = eta_d
        self._params = params
        self._family_obj: GenFamily | None = None
        self._optima: dict[str, LevelOptimum] = {}

    # ----- parameters ---------------------------------------------------------------------------
    @property
    def eta_d(self) -> sp.Expr:
        """The data equivariance error (SymPy; exact)."""
        return self._eta_d.value

    @property
    def method(self) -> str:
        return self.spec.method

    @property
    def delta_levels(self) -> float:
        """Confidence spent by each level's statement: ``delta_bounds / |levels|`` with an explicit
        level grid (union bound), ``delta_bounds`` otherwise."""
        return self.delta_bounds / (1 if self.levels is None else self.levels.size)

    def _numeric_n(self, n=None) -> int:
        n = self.n if n is None else n
        if isinstance(n, sp.Basic) and n.free_symbols:
            raise InvalidValueError("n is symbolic: give a number (tradeoff(..., n=10_000) or the "
                                    "method's n=...)")
        return check_integer("n", int(n) if isinstance(n, (sp.Integer, np.integer)) else n, 1)

    def _n_is_numeric(self) -> bool:
        return not (isinstance(self.n, sp.Basic) and self.n.free_symbols)

    def _numeric_eta_d(self) -> float:
        if self.eta_d.free_symbols:
            raise InvalidValueError(f"eta_d is symbolic ({self.eta_d}): give a number to evaluate")
        return float(self.eta_d)

    @property
    def _family(self) -> GenFamily:
        """The structure of ``Gen`` shared by every sample size (built on first use)."""
        if self._family_obj is None:
            self._family_obj = GenFamily(self.spec, self.delta_levels)
        return self._family_obj

    def _curve(self, n: int, keep: bool = True) -> GenCurve:
        return self._family.curve(n, keep)

    @staticmethod
    def _c(which: str) -> float:
        check_choice("which", which, tuple(WHICH))
        return float(WHICH[which])

    # ----- the curve -----------------------------------------------------------------------------
    def generalization(self, eta: Any, *, n: int | None = None) -> np.ndarray:
        """``Gen(eta)``, the generalization bound of ``F_eta`` (statement T3), at each level (array in,
        array out)."""
        e = self._eta_array(eta)
        return self._curve(self._numeric_n(n)).gen(e)[0]

    def approximation(self, eta: Any, which: str = "upper") -> np.ndarray:
        """``c (eta_d - eta)_+`` (c = 1 upper, 1/2 lower end of the sandwich): the sup-norm
        approximation error of ``F_eta``, before the factor L_l."""
        c = self._c(which)
        e = self._eta_array(eta)
        return c * np.maximum(self._numeric_eta_d() - e, 0.0)

    def total_error(self, eta: Any, which: str = "upper", *, n: int | None = None) -> np.ndarray:
        r"""``E(eta) = L_l c (eta_d - eta)_+ + 2 Gen(eta)`` at each level (array in, array out).

        With ``which="upper"`` (c = 1) a certified bound on the excess risk ``R(f_hat) - R(f*)`` of
        empirical risk minimisation over ``F_eta``, with probability at least ``1 - delta``
        (statement T1 of the module docstring); ``which="lower"`` (c = 1/2) is the lower end of the
        sandwich, a comparison curve.

        Examples
        --------
        >>> import numpy as np
        >>> from symbound.spaces import Ball
        >>> from symbound.groups import SO
        >>> t = tradeoff(Ball(2), SO(2), 0.05, n=10**6, method="partition", lipschitz=1,
        ...              loss_lipschitz=1, loss_bound=1, classes=2)
        >>> t.total_error(np.array([0.0, 0.05])).shape
        (2,)
        """
        c = self._c(which)
        e = self._eta_array(eta)
        gen = self._curve(self._numeric_n(n)).gen(e)[0]
        Ll = float(self.constants["loss_lipschitz"])
        return Ll * c * np.maximum(self._numeric_eta_d() - e, 0.0) + 2 * gen

    def _eta_array(self, eta) -> np.ndarray:
        if isinstance(eta, sp.Basic) and eta.free_symbols:
            raise InvalidTypeError(f"eta must be a number or an array of numbers, got {eta}")
        a = check_real_array("eta", eta)  # no strings, ragged lists, NaN or infinities
        if np.any(a < 0):
            raise InvalidValueError(f"eta must be >= 0 (a sup equivariance error), got {a[a < 0].ravel()[0]!r}")
        return a

    # ----- power laws of the two bounds ----------------------------------------------------------
    def _power_laws(self, n: int):
        """((V0, d0), (V, d)) of the quotient and plain bounds when both are power laws, else None."""
        if self.spec.options.get("output_space") is not None:
            return None
        try:
            bs = self.spec.bound(0, n, self.delta_levels)
            bp = self.spec.bound(0, n, self.delta_levels, plain=True)
        except Exception:
            return None
        if bs.power_law is None or bp.power_law is None:
            return None
        return tuple(bs.power_law), tuple(bp.power_law)

    # ----- the optimal level ---------------------------------------------------------------------
    def optimal_model_equivariance(self, which: str = "upper") -> LevelOptimum:
        r"""The level eta* minimising ``E`` over ``[0, eta_d]`` (or over the explicit level grid).

        Regimes (ties between total errors, within a relative 1e-12, go to more symmetry):

        * ``"full"``: eta* = 0 — an exactly invariant model is best;
        * ``"match"``: eta* = eta_d (with a level grid: the smallest grid level >= eta_d) — match
          the data's level;
        * ``"interior"``: 0 < eta* < eta_d, strictly below both end points;
        * ``"none"``: every level's bound is vacuous, ``min E >= M`` (the loss range: the excess risk
          is at most M anyway).  ``value`` is then None.

        Search (no convexity or concavity assumed): E on a scan of ``scan_points`` uniform levels
        of ``[0, eta_d]``, a geometric run towards 0, levels above eta_d and the closed-form
        candidates; a golden-section refinement around the best interior point; then a staggered
        check scan.  The class-inclusion envelope of statement T4 is applied to every level
        evaluated.  The closed form is reported (``path="analytic"``) when it gives the optimum the
        scans confirm: for the partition bound always (rule C1 of
        :mod:`symbound.bounds.tradeoff.closed_forms`), for the power-law entropy-integral bound
        when the optimum is one of the candidates C3.
        """
        check_choice("which", which, tuple(WHICH))
        if which not in self._optima:
            self._optima[which] = optimal_level(self, which)
        return self._optima[which]

    # ----- threshold sample size -----------------------------------------------------------------
    def threshold_n(self, which: str = "upper", *, n_max: int = 10**80,
                    rtol: float = 1e-4) -> Threshold:
        r"""The sample size n* from which matching the data's level beats full symmetry at every n:
        ``E(eta_d; n) < E(0; n)`` for all ``n >= n*`` (statement T5 of the module docstring).

        The value is certified: the last crossing of ``E(eta_d) - E(0)`` on a decade grid is narrowed
        by bisection in log n on point values (to the relative width ``rtol``), then every larger n
        is certified by a sweep of interval certificates that use only the monotonicity of each
        bound in n (a later crossing met by the sweep restarts the search there).  For the partition
        bound with power-law coverings the leading-order closed form (C2 of
        :mod:`symbound.bounds.tradeoff.closed_forms`, a SymPy algebraic number checked by
        substitution) is reported beside it; a symbolic eta_d gets the closed form only.

        ``status``: "finite", "always" (n* = 1), "never" (eta_d = 0: matching is full symmetry).
        """
        return threshold_n(self, which, n_max, rtol)

    # ----- phase diagram -------------------------------------------------------------------------
    def phase_diagram(self, n: Any, eta_d: Any, which: str = "upper") -> PhaseDiagram:
        """Which regime wins over a grid of sample sizes and data levels (see
        :class:`~symbound.bounds.tradeoff.phase.PhaseDiagram`)."""
        from .phase import phase_diagram

        return phase_diagram(self, n, eta_d, which)

    # ----- display -------------------------------------------------------------------------------
    def expr(self, which: str = "upper") -> sp.Expr:
        """``E(eta)`` in paper form: ``L_l c (eta_d - eta)_+ + 2 min(G_S(eta), G_N)`` (partition
        bound) or ``L_l c (eta_d - eta)_+ + 2 G_{S^N}(eta)`` (entropy integral, the smaller
        covering at every scale)."""
        c = WHICH[check_choice("which", which, tuple(WHICH))]
        eta, eta_d, Ll = symbol("eta"), symbol("eta_d"), symbol("L_l")
        gen = (sp.Min(_GenS(eta), _GenN("G_N", positive=True)) if self.method == "partition"
               else _GenSN(eta))
        return Ll * c * _PositivePart(eta_d, eta) + 2 * gen

    def latex(self, which: str = "upper") -> str:
        """LaTeX of the statement, with the parameters' values."""
        # the lower end of the sandwich is a comparison curve, not a bound: shown as a definition
        lhs, op = ((r"R(\hat f_{\eta}) - R(f^{*})", r"\le") if which == "upper"
                   else (r"\mathcal{E}_{\mathrm{low}}(\eta)", "="))
        vals = [rf"{latex_of(symbol('L_l'))} = {latex_of(self.constants['loss_lipschitz'])}"]
        if not self.eta_d.free_symbols:
            vals.append(rf"{latex_of(symbol('eta_d'))} = {latex_of(sp.nsimplify(float(self.eta_d)))}")
        if not (isinstance(self.n, sp.Basic) and self.n.free_symbols):
            vals.append(rf"n = {latex_of(sp.Integer(int(self.n)))}")
        vals.append(rf"\delta = {latex_of(sp.nsimplify(self.delta))}")
        return f"{lhs} {op} {latex_of(self.expr(which))},\\quad " + ",\\ ".join(vals)

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self.latex()}$"

    def describe(self) -> str:
        """Plain-text description: statement, bounds used, assumptions, confidence accounting."""
        sp_, g = self.spec.space, self.spec.group
        if self.method == "partition":
            gen = ["  R(f_hat_eta) - R(f*) <= E(eta) = L_l (eta_d - eta)_+ + 2 min(G_S(eta), G_N)",
                   f"  G_S(eta): partition bound of eta-approximately {g.name}-invariant L-Lipschitz "
                   f"models on {sp_.name} (covering modulo {g.name}, eta in the resolution)",
                   f"  G_N: partition bound of L-Lipschitz models on {sp_.name} (no symmetry)"]
        else:
            gen = ["  R(f_hat_eta) - R(f*) <= E(eta) = L_l (eta_d - eta)_+ + 2 G_S^N(eta)",
                   f"  G_S^N(eta): entropy-integral bound of eta-approximately {g.name}-invariant "
                   f"L-Lipschitz models on {sp_.name}, with the smaller of the coverings modulo "
                   f"{g.name} (eta in the resolution) and of {sp_.name} at every scale"]
        gen.append("  Gen from symbound.bounds.generalization_bound, which takes the better of the two "
                   "coverings itself (one statement: every level is fixed before the data)")
        lines = [f"trade-off: model vs data equivariance error ({self.method} bound, THEORY §5)",
                 gen[0], f"  with probability at least 1 - delta = {1 - self.delta:g}", *gen[1:],
                 f"  eta_d = {self._eta_d_text()} ({self._eta_d.source})",
                 "  A(eta) = inf_{f in F_eta} ||f - f*||_inf (sup over supp mu_X) <= (eta_d - eta)_+ "
                 "(upper end of the sandwich; lower end (eta_d - eta)_+/2)",
                 f"  constants: " + ", ".join(f"{k} = {v}" for k, v in self.constants.items()),
                 f"  n = {self.n}, confidence: delta = {self.delta:g}"
                 + (f", {self.delta - self.delta_bounds:g} spent on eta_d" if self.delta_bounds < self.delta else "")
                 + (f", union over {self.levels.size} levels" if self.levels is not None else ""),
                 f"  reference: {REFERENCE}"]
        lines += [f"  assumption: {a}" for a in self._assumptions()]
        lines += [f"  note: {nt}" for nt in self.notes]
        for w, opt in self._optima.items():
            lines.append(f"  optimum ({w}): eta* = {opt.value if opt.value is None else f'{opt.value:.6g}'}, "
                         f"regime {opt.regime!r}, E = {opt.total_error:.6g}")
        return "\n".join(lines)

    @property
    def eta_d_source(self) -> str:
        """Where eta_d comes from (one line: given, a deterministic bound, or a measurement)."""
        return self._eta_d.source

    @property
    def assumptions(self) -> tuple[str, ...]:
        """What the total-error bound assumes (the class, the group, the target, eta_d's source)."""
        return tuple(self._assumptions())

    def evaluation_path(self, n: int | None = None) -> str:
        """How ``Gen`` is evaluated at sample size n (default the trade-off's): "affine",
        "compiled" or "per level" (:mod:`symbound.bounds.tradeoff._curve`)."""
        return self._curve(self._numeric_n(n)).path

    def _eta_d_text(self) -> str:
        return str(self.eta_d) if self.eta_d.free_symbols else f"{float(self.eta_d):.6g}"

    def _assumptions(self) -> list[str]:
        out = ["loss in [0, M], L_l-Lipschitz in the prediction; f_hat minimises the empirical risk "
               "over F_eta = {f: L-Lipschitz, |f| <= B, ee_inf(f; G) <= eta}",
               f"{self.spec.group.name} is a compact group acting by isometries on "
               f"{self.spec.space.name}, with its Haar measure (Reynolds operator)",
               "the target f* is L-Lipschitz with values in [-B, B] and ee_inf(f*; G) <= eta_d, "
               f"the sup over all of {self.spec.space.name} (not only the data's support)",
               "eta_d is known before the training sample is drawn (or measured on independent "
               "data); otherwise give an explicit level grid (levels=...), paid by a union bound"]
        out += list(self._eta_d.assumptions)
        return out

    def __repr__(self) -> str:
        return (f"TradeOff({self.method}, {self.spec.space.name} / {self.spec.group.name}, "
                f"eta_d={self._eta_d_text()}, n={self.n}, delta={self.delta:g})")


@suggest_keywords
def tradeoff(space: Space, group: TransformationSetBase, data_equivariance_error: Any,
             n: Any = None, delta: float = 0.05, *, lipschitz: Any, loss_lipschitz: Any,
             loss_bound: Any, method: str = "dudley", hypothesis_bound: Any = None,
             classes: Any = None, grid_size: int = 1, covering: str = "upper",
             power_law: tuple[Any, Any] | None = None, output_space: Space | None = None,
             levels: Any = None, scan_points: int | None = None) -> TradeOff:
    r"""The trade-off calculator of THEORY §5: model versus data equivariance error.

    .. math::

        R(\hat f_\eta) - R(f^*) \le E(\eta) = L_\ell\,(\eta_d - \eta)_+
        + 2\min\{\mathcal G_S(\eta),\ \mathcal G_N\}

    with probability at least ``1 - delta`` (proofs in :mod:`symbound.bounds.tradeoff.calculator`):
    ``G_S(eta)`` is the generalization bound of the eta-approximately G-invariant class (covering
    modulo G, eta in the resolution) and ``G_N`` the plain bound, both from
    :func:`symbound.bounds.generalization_bound`.

    Parameters
    ----------
    space, group : input space and a compact group acting on it (a finite group or a Lie group of
        :mod:`symbound.groups`).  Partial sets: :func:`partial_tradeoff`.
    data_equivariance_error : eta_d, an upper bound of ``ee_inf(f*; G)``: a number, a SymPy
        expression, a deterministic :class:`~symbound.bounds.Bound`, or a
        :class:`symbound.seam.SupErrorUpperBound` (``quantity="data"``; its failure probability is
        paid in delta).  A mean-type estimate is refused (the error names the conversion).
    n : sample size (an integer >= 1; may be a symbol for the closed forms).
    delta : total confidence budget in (0, 1).
    lipschitz, loss_lipschitz, loss_bound : L, L_l, M.
    method : "dudley" (entropy integral, THEORY §4.2) or "partition" (THEORY §4.1).
    hypothesis_bound : B (Dudley: hypotheses in [-B, B]).
    classes : C, number of label values (partition bound with discrete labels).
    grid_size : m of the partition bound's union bound over resolutions (default 1: the resolution
        depends only on quantities fixed before the data).
    covering : "upper" (certified covering numbers) or "power_law" (leading-order power laws:
        closed forms, labelled asymptotic by the bounds).  ``power_law``: a power law ``(V0, d0)``
        asserted by the caller for the quotient (``generalization_bound`` then uses the certified
        covering number of the space for its plain branch).
    output_space : Y for equivariant or continuous outputs (the bounds on Z = X x Y).
    levels : optional grid of levels fixed in advance (in ``[0, 2B]``, or ``[0, inf)`` for the
        partition bound): the optimum is chosen from it and delta is split over it (union bound),
        so the choice may depend on the data.
    scan_points : points of the uniform scan of ``[0, eta_d]`` of the optimiser (default 65, or 17
        where each level costs one quadrature: the certified entropy-integral bound).

    Returns
    -------
    TradeOff

    Raises
    ------
    InvalidValueError / InvalidTypeError
        eta_d < 0, eta_d > 2B with method="dudley" (statement T6: ee_inf(f*) <= 2B for a target
        bounded by B; give min(eta_d, 2B)), n < 1, delta outside (0, 1), a level grid outside the
        range of the model error,
        a transformation set that is not a group, a mean-type estimate for eta_d, missing constants.

    Examples
    --------
    >>> from symbound.spaces import Ball
    >>> from symbound.groups import SO
    >>> t = tradeoff(Ball(2), SO(2), 0.05, n=10**4, method="partition", lipschitz=1,
    ...              loss_lipschitz=1, loss_bound=1, classes=2)
    >>> t.optimal_model_equivariance().regime
    'full'
    """
    n_given, levels_given = n, levels
    check_choice("method", method, ("dudley", "partition"))
    check_choice("covering", covering, ("upper", "power_law", "auto"))
    check_probability("delta", delta, allow_symbolic=False)
    if space is None or not hasattr(space, "covering"):
        raise InvalidTypeError(f"space must be a symbound space, got {type(space).__name__}")
    if group is None or not hasattr(group, "is_group"):
        raise InvalidTypeError(f"group must be a symbound transformation set, got {type(group).__name__}")
    if not group.is_group:
        raise InvalidValueError(
            f"group must be a group: the approximation bound (eta_d - eta)_+ uses the Reynolds "
            f"operator of a compact group, and {group.name} is not one; for partial sets use "
            "symbound.partial_tradeoff")
    if n is None:
        n = symbol("n")
    elif not (isinstance(n, sp.Basic) and n.free_symbols):
        n = check_integer("n", int(n) if isinstance(n, (sp.Integer, np.integer)) else n, 1)
    else:
        check_integer("n", n, 1, allow_symbolic=True)
    if scan_points is not None:
        check_integer("scan_points", scan_points, 3)
    eta_d = data_error(data_equivariance_error, group, space)
    delta_bounds = float(delta) - eta_d.failure
    if delta_bounds <= 0:
        raise InvalidValueError(
            f"delta={delta!r} does not cover the failure probability {eta_d.failure:g} of the data "
            "equivariance error's upper estimate: give a larger delta or a more confident estimate")
    constants, options = bound_constants(
        method, lipschitz=lipschitz, loss_lipschitz=loss_lipschitz, loss_bound=loss_bound,
        hypothesis_bound=hypothesis_bound, classes=classes, grid_size=grid_size,
        output_space=output_space)
    options.update(covering=covering, power_law=power_law, output_space=output_space)
    if method == "dudley":
        _check_range(eta_d, constants["hypothesis_bound"])
    high = 2 * float(constants["hypothesis_bound"]) if method == "dudley" else None
    levels = _as_levels(levels, high)
    notes = [f"G_S and G_N from symbound.bounds.generalization_bound (covering={covering!r})"]
    if eta_d.failure > 0:
        notes.append(f"delta: {eta_d.failure:g} for the upper estimate of eta_d, {delta_bounds:g} for "
                     "the generalization bounds")
    spec = BoundSpec(space, group, method, options)
    params = dict(space=space, group=group, data_equivariance_error=data_equivariance_error,
                  n=n_given, delta=delta, lipschitz=lipschitz, loss_lipschitz=loss_lipschitz,
                  loss_bound=loss_bound, method=method, hypothesis_bound=hypothesis_bound,
                  classes=classes, grid_size=grid_size, covering=covering, power_law=power_law,
                  output_space=output_space, levels=levels_given, scan_points=scan_points)
    return TradeOff(spec, eta_d, n, float(delta), delta_bounds, constants, levels, scan_points,
                    tuple(notes), params)


TradeOff._builder = staticmethod(tradeoff)
