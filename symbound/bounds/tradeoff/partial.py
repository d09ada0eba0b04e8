r"""The partial and graded forms of the trade-off (THEORY §5, "Partial symmetry", "Graded version").

Setting: the disk or an annulus X of R^2, ``S_theta`` the rotations by angles in
``[-theta, theta]`` (``symbound.groups.PartialRotations``), a target f* with
``U(theta) >= ee_inf(f*; S_theta)`` and ``rho >= ||f* - Q f*||_inf`` (Q: the Reynolds operator of
SO(2)); the sources of U and rho are in :mod:`._partial_data`.  The model class is

.. math:: F_{\varepsilon,\theta} = \{f : \mathrm{Lip} f \le L,\ |f| \le B,\
          \mathrm{ee}_\infty(f; S_\theta) \le \varepsilon\} .

Statements (proofs: docs/theory/tradeoff.md, section "Partial symmetry"):

* **(P1) Generation.**  With ``k = ceil(pi / theta)`` (decided exactly: ``math.pi / 7`` is below
  pi/7, so k = 8 there), ``F_{eps,theta} ⊆ F_{k eps, SO(2)}``.  An exactly S_theta-invariant model
  is SO(2)-invariant: the partial form with exact invariance is degenerate on rotation-invariant
  domains, and the approximate form is the one implemented.
  ``Gen(eps, theta) = min{G_{S_theta}(eps), G_SO(2)(k eps), G_N}``, all three from
  :func:`symbound.bounds.generalization_bound` (the entropy-integral ones with the smaller covering
  at every scale; the partition ones through their covering alone, the plain bound entering once,
  as the third); the smallest is chosen from constants fixed before the data: one statement,
  probability ``1 - delta``.
* **(P2) Approximation.**  ``A(eps, theta) <= (1 - eps / U(theta))_+ rho`` (``f_t = (1 - t) f* +
  t Q f*``) and ``A >= (ee_inf(f*; S_theta) - eps)_+ / 2``; the total error is ``E = L_l A + 2 Gen``
  (T1 of :mod:`.calculator`).
* **(P3) Partition bound: two candidate levels per theta.**  Gen is a minimum of affine functions
  of eps that contains G_N at every eps, so E is concave on ``[0, U(theta)]`` and minimised at
  ``eps = 0`` or ``eps = U(theta)``: the optimum over a grid of theta is exact with two levels per
  angle.
* **(P4) Graded data, power laws: the ridge.**  With ``U(theta) = lam theta`` the leading-order
  optimum on the ridge ``eps = lam theta`` is

  .. math:: k^* = \Big(\frac{6 L_\ell \lambda \pi}{\kappa_1}\Big)^{3/4} n^{1/4},\qquad
            \theta^* = \pi / k^*,\quad \varepsilon^* = \lambda\pi/k^* \propto n^{-1/4}

  (``kappa_1`` the constant C2 of :mod:`.closed_forms` for ``V_0 = (r_2 - r_1)/2``, d0 = 1); a
  continuous relaxation of an integer choice that drops the confidence terms, reported next to the
  grid optimum.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import sympy as sp

from ..._validation import check_choice, check_integer, check_probability, check_real_array
from ...errors import InvalidValueError
from ...groups import SO, PartialRotations
from ...quotient._planar import planar_radii as _radii
from ...spaces import Annulus, Ball
from ...symbols import symbol
from . import closed_forms as cf
from ._curve import BoundSpec, GenCurve, GenFamily
from ._inputs import bound_constants
from ._params import Parameters
from ._partial_data import PartialData, k_of, partial_data
from ._search import TIE
from ..._types import ArrayLike, Space

__all__ = ["partial_tradeoff", "PartialTradeOff", "PartialOptimum"]

REFERENCE = ("THEORY §3 (graded data symmetry), §5 (partial symmetry, graded version); proofs in "
             "symbound.bounds.tradeoff.partial")
_WHICH = {"upper": 1.0, "lower": 0.5}
#: default grid of partial sets: no symmetry, then theta = pi / k for k = 1..24 and a geometric run
#: of k up to 4096 (the plateaus of the band cover's ceil(pi / theta))
_DEFAULT_K = 24
_DEFAULT_K_MAX = 4096


@dataclass(frozen=True, repr=False)
class PartialOptimum:
    """The optimal (eps, theta) of the partial / graded trade-off.

    Regimes: ``"full"`` (eps* = 0 with theta* > 0: an exactly invariant model, which is fully
    SO(2)-invariant by P1), ``"match"`` (``A(eps*, theta*) = 0``: the model's level on
    ``S_theta*`` covers the data's, ``eps* >= U(theta*)``; theta* = 0 is the model without symmetry),
    ``"interior"`` (``0 < eps* < U(theta*)``), ``"none"`` (every candidate's bound is vacuous).
    """

    eps: float | None
    theta: float | None
    regime: str
    total_error: float
    approximation: float
    generalization: float
    data_error: float | None
    driver: str
    closed_form: dict | None
    closed_form_kind: str
    path: str
    check: dict
    which: str
    notes: tuple[str, ...] = ()

    def describe(self) -> str:
        lines = [f"optimal (eps, theta) = ({self.eps}, {self.theta}), regime {self.regime!r} "
                 f"({self.path} path, {self.which} end of the sandwich)",
                 f"  total error bound {self.total_error:.6g} = L_l x {self.approximation:.6g} + 2 x "
                 f"{self.generalization:.6g}; Gen from the {self.driver}"]
        if self.data_error is not None:
            lines.append(f"  data error on S_theta*: U(theta*) = {self.data_error:.6g}")
        if self.closed_form is not None:
            lines.append(f"  closed form ({self.closed_form_kind}): " + ", ".join(
                f"{k}* ~ {float(v):.6g}" for k, v in self.closed_form.items()))
        lines.append(f"  check: {self.check}")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _repr_latex_(self) -> str:
        if self.eps is None:
            return r"$\text{every level is vacuous}$"
        return (rf"$\displaystyle (\varepsilon^*, \theta^*) = ({self.eps:.6g}, {self.theta:.6g})\quad"
                rf"(\text{{{self.regime}}}),\qquad \mathcal{{E}} = {self.total_error:.6g}$")

    def __repr__(self) -> str:
        return (f"PartialOptimum(eps={self.eps}, theta={self.theta}, regime={self.regime!r}, "
                f"total_error={self.total_error:.6g}, driver={self.driver!r})")


_k_of = k_of  # ceil(pi / theta), decided exactly


class PartialTradeOff(Parameters):
    """The partial / graded trade-off (see the module docstring); built by :func:`partial_tradeoff`.
    Its parameters are read-only; :meth:`with_params` returns a new one (e.g. ``n=10**8``)."""

    def __init__(self, space: Space, n: int, delta: float, method: str, options: dict, constants: dict,
                 data: PartialData, thetas: np.ndarray, params: dict):
        # read-only (derive, don't freeze): with_params(...) returns a new PartialTradeOff
        self._set(space=space, n=n, delta=delta, method=method, options=options,
                  constants=constants, rho=data.rho, source=data.source, thetas=thetas,
                  breaking_rate=data.lam, notes=data.notes, assumptions=data.assumptions,
                  data_bounds=data.bounds, delta_bounds=delta - data.failure)
        self._data = data.data
        self._params = params
        self._curves: dict[Any, GenCurve] = {}
        self._checks: dict = {}
        self._optima: dict[str, PartialOptimum] = {}

    def _curve(self, theta: float | str) -> GenCurve:
        """``eps -> Gen`` for the partial set S_theta (or ``"full"``: SO(2)), at the trade-off's n
        and ``delta_bounds`` (each statement at the full budget: statement P1).  Partition bound:
        without its plain branch, which :meth:`generalization` takes once for every theta (the same
        minimum, without re-optimising the plain bound for each set)."""
        if theta not in self._curves:
            group = SO(2) if theta == "full" else PartialRotations(float(theta))
            opts = dict(self.options)
            if self.method == "partition":
                opts["plain_covering"] = False
            spec = BoundSpec(self.space, group, self.method, opts)
            # one sample size; the affine reading is checked on the first set, trusted on the others
            fam = GenFamily(spec, self.delta_bounds, compile=self.method == "dudley", many_n=False,
                            checks=self._checks)
            self._curves[theta] = fam.curve(self.n)
        return self._curves[theta]

    def data_error(self, theta: Any) -> np.ndarray:
        """``U(theta)``, the upper bound of ``ee_inf(f*; S_theta)`` used (array in, array out)."""
        th = self._theta_array(theta)
        return np.asarray(self._data(th), dtype=np.float64).reshape(th.shape)

    @staticmethod
    def _theta_array(theta) -> np.ndarray:
        th = check_real_array("theta", theta)
        bad = ~np.isfinite(th) | (th < 0) | (th > math.pi)
        if np.any(bad):
            raise InvalidValueError(f"theta must lie in [0, pi] (the angles of SO(2)), got {th[bad].ravel()[0]!r}")
        tiny = (th > 0) & (th < 1e-300)  # the rotation count ceil(pi / theta) must fit a float64
        if np.any(tiny):
            raise InvalidValueError(f"theta must be 0 or in [1e-300, pi], got {th[tiny].ravel()[0]!r}")
        return th

    def generalization(self, eps: Any, theta: Any) -> tuple[np.ndarray, np.ndarray]:
        """``Gen(eps, theta)`` (P1) and which covering gives it (0 partial set, 1 full group, 2 plain;
        each curve's own driver says when its plain branch gave the value)."""
        e, th = np.broadcast_arrays(check_real_array("eps", eps), self._theta_array(theta))
        if np.any(e < 0) or not np.all(np.isfinite(e)):
            raise InvalidValueError("eps must be finite and >= 0 (a sup equivariance error)")
        out = np.empty(e.shape)
        which = np.empty(e.shape, dtype=np.int64)
        full = self._curve("full")
        plain = full.plain()
        for t_val in np.unique(th):
            m = th == t_val
            if t_val == 0:
                out[m], which[m] = plain, 2
                continue
            k = _k_of(float(t_val))
            full_g, full_d = full.gen(k * e[m])
            if t_val < math.pi:
                part_g, part_d = self._curve(float(t_val)).gen(e[m])
            else:
                part_g, part_d = np.full_like(full_g, np.inf), np.zeros(full_g.shape, dtype=np.int64)
            stack = np.vstack([part_g, full_g, np.full(int(m.sum()), plain)])
            j = stack.argmin(axis=0)
            own = np.where(j == 0, part_d, np.where(j == 1, full_d, 1))
            out[m] = stack.min(axis=0)
            which[m] = np.where(own == 1, 2, j)  # a curve's plain branch is the plain covering
        return out, which

    def approximation(self, eps: Any, theta: Any, which: str = "upper") -> np.ndarray:
        """Upper ``(1 - eps/U(theta))_+ rho`` or lower ``(U(theta) - eps)_+ / 2`` (P2)."""
        check_choice("which", which, tuple(_WHICH))
        e, th = np.broadcast_arrays(check_real_array("eps", eps), self._theta_array(theta))
        U = self.data_error(th)
        if which == "lower":
            return np.maximum(U - e, 0.0) / 2
        with np.errstate(divide="ignore", invalid="ignore"):
            frac = np.where(U > 0, 1 - e / np.where(U > 0, U, 1.0), 0.0)
        return np.maximum(frac, 0.0) * self.rho

    def total_error(self, eps: Any, theta: Any, which: str = "upper") -> np.ndarray:
        """``E(eps, theta) = L_l A(eps, theta) + 2 Gen(eps, theta)`` (broadcast arrays)."""
        Ll = float(self.constants["loss_lipschitz"])
        g, _ = self.generalization(eps, theta)
        return Ll * self.approximation(eps, theta, which) + 2 * g

    def optimal_model_equivariance(self, which: str = "upper") -> PartialOptimum:
        """The (eps, theta) minimising E over the theta grid (P3: eps in {0, U(theta)} for the
        partition bound; otherwise 5 levels of ``[0, U(theta)]`` per theta and a staggered check at
        the 4 midpoints — with certified coverings each level costs one certified quadrature of the
        entropy integral, so keep the theta grid small)."""
        check_choice("which", which, tuple(_WHICH))
        if which in self._optima:
            return self._optima[which]
        th = self.thetas
        U = self.data_error(th)
        fractions = [0.0, 1.0] if self.method == "partition" else list(np.linspace(0, 1, 5))
        E_list, T_list = [], []
        for f in fractions:
            E_list.append(f * U)
            T_list.append(th)
        eps = np.concatenate(E_list)
        thg = np.concatenate(T_list)
        keep = ~((thg == 0) & (eps > 0))  # S_0 = {id}: every level is the plain class
        eps, thg = eps[keep], thg[keep]
        tot = self.total_error(eps, thg, which)
        passed = True
        if self.method != "partition":
            mids = np.concatenate([(f + 1 / 8) * U for f in fractions[:-1]])
            tm = np.concatenate([th for _ in fractions[:-1]])
            ok = tm > 0
            e2, t2 = mids[ok], tm[ok]
            tot2 = self.total_error(e2, t2, which)
            passed = bool(tot2.min() >= tot.min() - TIE * max(1.0, abs(tot.min())))
            eps, thg, tot = np.concatenate([eps, e2]), np.concatenate([thg, t2]), np.concatenate([tot, tot2])
        # ties: more symmetry first (larger theta, then smaller eps)
        order = np.lexsort((eps, -thg, tot))
        m = tot[order[0]]
        tol = TIE * max(1.0, abs(m))
        cand = order[tot[order] <= m + tol]
        i = int(cand[0])
        e_s, t_s, E_s = float(eps[i]), float(thg[i]), float(tot[i])
        g, drv = self.generalization(np.array([e_s]), np.array([t_s]))
        A = float(self.approximation(np.array([e_s]), np.array([t_s]), which)[0])
        U_s = float(self.data_error(np.array([t_s]))[0])
        M = float(self.constants["loss_bound"])
        notes = []
        if m >= M:
            regime = "none"
        elif e_s == 0 and t_s > 0:
            regime = "full"
        elif t_s == 0 or e_s >= U_s:
            regime = "match"
        else:
            regime = "interior"
        closed, kind = self._ridge_closed_form()
        if closed is not None:
            notes.append(f"closed form P4 (ridge, continuous k): theta* ~ {float(closed['theta']):.4g}, "
                         f"eps* ~ {float(closed['eps']):.4g}")
        driver = ("partial covering N_S_theta", "full-group covering N_SO(2) (P1)",
                  "plain covering N(X)")[int(drv[0])]
        opt = PartialOptimum(
            eps=None if regime == "none" else e_s, theta=None if regime == "none" else t_s,
            regime=regime, total_error=E_s, approximation=A, generalization=float(g[0]),
            data_error=U_s, driver=driver, closed_form=closed, closed_form_kind=kind, path="numeric",
            check={"points": int(tot.size), "passed": passed,
                   "reduction": "P3 (two levels per theta)" if self.method == "partition" else "scan"},
            which=which, notes=tuple(notes))
        self._optima[which] = opt
        return opt

    def _ridge_closed_form(self) -> tuple[dict | None, str]:
        if self.breaking_rate is None or self.method != "partition" or \
                self.options.get("covering") != "power_law" or "classes" not in self.constants:
            return None, "P4 needs a breaking rate, the partition bound and power-law coverings"
        r1, r2 = (float(v) for v in _radii(self.space))
        kw = {k: self.constants[k] for k in ("loss_lipschitz", "lipschitz", "loss_bound", "classes")}
        k1 = cf.partition_kappa(sp.nsimplify((r2 - r1) / 2), 1, **kw)
        lam = sp.nsimplify(self.breaking_rate)
        Ll = self.constants["loss_lipschitz"]
        n = symbol("n")
        kstar = (6 * Ll * lam * sp.pi / k1) ** sp.Rational(3, 4) * n ** sp.Rational(1, 4)
        vals = {"k": kstar, "theta": sp.pi / kstar, "eps": lam * sp.pi / kstar}
        return ({k: v.subs(n, self.n) for k, v in vals.items()},
                "P4: ridge eps = lam theta, k = pi/theta real, leading order")

    # ----- display ---------------------------------------------------------------------------
    def latex(self) -> str:
        """LaTeX of the statement."""
        return (r"R(\hat f_{\varepsilon,\theta}) - R(f^*) \le L_{\ell}\left(1 - "
                r"\frac{\varepsilon}{U(\theta)}\right)_{+}\rho + 2\min\left\{\mathcal{G}_{S_\theta}"
                r"(\varepsilon),\ \mathcal{G}_{\mathrm{SO}(2)}\left(\left\lceil \frac{\pi}{\theta}"
                r"\right\rceil\varepsilon\right),\ \mathcal{G}_{N}\right\}")

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self.latex()}$"

    def describe(self) -> str:
        lines = [f"partial trade-off on {self.space.name}: models eps-approximately invariant to "
                 f"rotations by at most theta ({self.method} bound)",
                 "  R(f_hat) - R(f*) <= L_l (1 - eps/U(theta))_+ rho + 2 min(G_S_theta(eps), "
                 "G_SO(2)(ceil(pi/theta) eps), G_N)",
                 f"  with probability at least {1 - self.delta:g}"
                 + (f" ({self.delta - self.delta_bounds:g} spent on the data's measured sup errors, "
                    f"{self.delta_bounds:g} on the generalization bounds)"
                    if self.delta_bounds < self.delta else ""),
                 "  Gen from symbound.bounds.generalization_bound (each bound takes the better of its "
                 "covering and the plain one; one statement, levels fixed before the data: P1)",
                 f"  U(theta) >= ee_inf(f*; S_theta): {self.source}; rho = {self.rho:.6g} >= "
                 "||f* - Q f*||_inf",
                 f"  theta grid: {self.thetas.size} values in [0, pi]; n = {self.n}",
                 f"  reference: {REFERENCE}"]
        lines += [f"  assumption: {a}" for a in self.assumptions]
        lines += [f"  note: {nt}" for nt in self.notes]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"PartialTradeOff({self.method}, {self.space.name}, n={self.n}, {self.source})"


def partial_tradeoff(space: Space, n: int, delta: float = 0.05, *, breaking_rate: Any = None,
                     data_error: Callable | None = None, reynolds_gap: Any = None,
                     target: Callable | None = None, target_lipschitz: Any = None,
                     lipschitz: Any, loss_lipschitz: Any, loss_bound: Any,
                     method: str = "partition", classes: Any = None, hypothesis_bound: Any = None,
                     grid_size: int = 1, covering: str = "upper", thetas: ArrayLike | None = None,
                     target_grid: tuple[int, int] = (128, 512)) -> PartialTradeOff:
    r"""The partial / graded trade-off of THEORY §5 on the disk or an annulus (proofs P1-P4 in
    :mod:`symbound.bounds.tradeoff.partial`).

    .. math::

        R(\hat f) - R(f^*) \le L_\ell \Big(1 - \frac{\varepsilon}{U(\theta)}\Big)_+ \rho
        + 2\min\{G_{S_\theta}(\varepsilon),\ G_{\mathrm{SO}(2)}(\lceil\pi/\theta\rceil\varepsilon),\ G_N\}

    for the class of L-Lipschitz models with ``ee_inf(f; S_theta) <= eps``.

    Parameters
    ----------
    space : ``Ball(2, R)`` or ``Annulus(r1, r2)`` (the pairs with partial-rotation covering
        numbers).
    n, delta : sample size (integer >= 1) and confidence.
    breaking_rate : lam >= 0, graded data (THEORY §3): ``U(theta) = lam theta`` and
        ``rho = lam pi / 2`` (``|f*(x) - Q f*(x)| <= int lam |s| ds / (2 pi)``).
    data_error : or a callable ``theta -> U(theta)``, an upper bound of ``ee_inf(f*; S_theta)``
        certified by the caller (arrays in, arrays out), with ``reynolds_gap`` (rho; default
        ``U(pi)``, which bounds it); or the data's sup errors measured at a few angles, a mapping
        ``{theta_j: SupErrorUpperBound}`` or a sequence of ``(theta_j, SupErrorUpperBound)`` pairs
        (``quantity="data"``, ``scope="region"``, e.g. from
        ``sb.certified_data_sup_error(X, y, PartialRotations(theta_j), radius, lipschitz=...,
        region=space)``): U on the grid and rho follow by statements P5-P6 of
        :mod:`symbound.bounds.tradeoff._partial_data`, and their failure probabilities are paid
        in delta.
    target, target_lipschitz : or a known target ``f*`` (numpy callable on (N, 2) arrays) and its
        Lipschitz constant: U and rho are computed by the certified net argument
        (:mod:`symbound.bounds.tradeoff._target`) on the theta grid.
    lipschitz, loss_lipschitz, loss_bound, method, classes, hypothesis_bound, grid_size, covering :
        as in :func:`tradeoff`.
    thetas : grid of theta in ``[0, pi]`` fixed in advance (default 0 and ``pi/k`` for k = 1..24
        and 40 geometric values of k up to 4096); ``math.pi`` stands for pi (the whole group).
    target_grid : (radii, angles) of the polar net of the target's certificate; rotation angles are
        spaced ``2 pi / (4 angles)``.  The slack of the certificate is ``2 L* h + L* r_2 Delta s``.

    Examples
    --------
    >>> from symbound.spaces import Ball
    >>> import math
    >>> t = partial_tradeoff(Ball(2), 10**6, breaking_rate=0.02, lipschitz=1, loss_lipschitz=1,
    ...                      loss_bound=1, classes=2, thetas=[0, math.pi / 12, math.pi / 3, math.pi])
    >>> t.optimal_model_equivariance().regime in ("full", "match", "interior", "none")
    True
    """
    check_choice("method", method, ("dudley", "partition"))
    check_choice("covering", covering, ("upper", "power_law"))
    check_probability("delta", delta, allow_symbolic=False)
    n = check_integer("n", int(n) if isinstance(n, (sp.Integer, np.integer)) else n, 1)
    if not (isinstance(space, Annulus) or (isinstance(space, Ball) and space.dim == 2)):
        raise InvalidValueError(
            f"space must be Ball(2, R) or an Annulus: partial rotations have covering numbers for the "
            f"disk and the annulus only, got {getattr(space, 'name', space)!r}")
    if thetas is None:
        ks = np.unique(np.concatenate([np.arange(1, _DEFAULT_K + 1),
                                       np.round(np.geomspace(_DEFAULT_K, _DEFAULT_K_MAX, 40))]))
        th = np.concatenate([[0.0], math.pi / ks[::-1]])
    else:
        th = np.unique(np.asarray(thetas, dtype=np.float64).ravel())
        if th.size == 0:
            raise InvalidValueError("thetas must be a nonempty grid of angles")
        PartialTradeOff._theta_array(th)
    data = partial_data(space, th, breaking_rate=breaking_rate, data_error=data_error,
                        reynolds_gap=reynolds_gap, target=target, target_lipschitz=target_lipschitz,
                        target_grid=target_grid)
    if float(delta) - data.failure <= 0:
        raise InvalidValueError(
            f"delta={delta!r} does not cover the failure probability {data.failure:g} of the data's "
            "measured sup errors: give a larger delta or more confident estimates")
    constants, options = bound_constants(
        method, lipschitz=lipschitz, loss_lipschitz=loss_lipschitz, loss_bound=loss_bound,
        hypothesis_bound=hypothesis_bound, classes=classes, grid_size=grid_size)
    options["covering"] = covering
    params = dict(space=space, n=n, delta=delta, breaking_rate=breaking_rate, data_error=data_error,
                  reynolds_gap=reynolds_gap, target=target, target_lipschitz=target_lipschitz,
                  lipschitz=lipschitz, loss_lipschitz=loss_lipschitz, loss_bound=loss_bound,
                  method=method, classes=classes, hypothesis_bound=hypothesis_bound,
                  grid_size=grid_size, covering=covering, thetas=thetas, target_grid=target_grid)
    return PartialTradeOff(space, n, float(delta), method, options, constants, data, th, params)


PartialTradeOff._builder = staticmethod(partial_tradeoff)
