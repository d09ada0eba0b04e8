r"""The data side of the partial trade-off: upper bounds ``U(theta) >= ee_inf(f*; S_theta)`` and
``rho >= ||f* - Q f*||_inf`` on the disk or an annulus (:func:`symbound.partial_tradeoff`).

Four sources, each turned into a function ``theta -> U(theta)`` on the grid of the calculator:

* a breaking rate lam (graded data, THEORY §3): ``U(theta) = lam theta``, ``rho = lam pi / 2``;
* a callable the caller certifies (``rho`` given, or ``U(pi)``);
* a known Lipschitz target (:mod:`._target`, the net argument);
* **measured**: certified upper estimates of the data's sup error from a sample,
  :class:`symbound.seam.SupErrorUpperBound` objects with ``quantity="data"`` (e.g.
  ``sb.certified_data_sup_error(X, y, PartialRotations(theta), radius, lipschitz=..., region=X)``),
  one per theta of a few angles ``theta_1 < ... < theta_m`` (a mapping ``{theta_j: bound_j}`` or
  a sequence of pairs: a curve).  Their failure probabilities ``sum_j (1 - confidence_j)`` are
  paid in delta (union bound): the generalization bounds run at ``delta - sum_j (1 - c_j)``.

Statements (proofs: docs/theory/tradeoff.md, "The data's level from data"):

* **(P5) A curve from finitely many angles.**  If ``U_j >= ee_inf(f*; S_theta_j)``, then for every
  ``theta > 0``, ``ee_inf(f*; S_theta) <= min_j ceil(theta / theta_j) U_j`` (a rotation by at most
  theta is a product of ``ceil(theta / theta_j)`` rotations by at most theta_j inside the
  rotation-invariant X; telescoping).  The intermediate points leave the data's support, so
  ``U_j`` must bound the sup over all of X: a measured ``U_j`` is checked to be certified over a
  region containing X and a set containing ``S_theta_j`` (:mod:`symbound.bounds.sup_match`).  The ceilings are decided exactly, the angles as their binary
  values and ``math.pi`` standing for pi.
* **(P6) The Reynolds gap from a partial sup.**  With Q the Reynolds operator of SO(2),

  .. math:: \|f^* - Qf^*\|_\infty \le a(\theta_j)\, U_j ,\qquad a(\theta) = \frac1\pi\int_0^\pi
            \Big\lceil \frac{s}{\theta}\Big\rceil ds = k - \frac{\theta\, k (k - 1)}{2\pi},\quad
            k = \lceil \pi/\theta\rceil

  (``a(pi) = 1``), so ``rho = min_j a(theta_j) U_j`` unless the caller gives ``reynolds_gap``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import sympy as sp

from ..._validation import brief
from ..._covering import integer_bound
from ..._validation import check_integer, check_real
from ...errors import InvalidTypeError, InvalidValueError
from ...groups import PartialRotations
from ...quotient._planar import planar_radii
from ...seam import SupErrorUpperBound
from ._inputs import data_error as _data_error
from ._target import target_error_bounds

__all__ = ["PartialData", "partial_data", "k_of", "angle"]


@dataclass(frozen=True)
class PartialData:
    """``U(theta)`` and ``rho`` as the partial trade-off uses them (see the module docstring).

    Attributes
    ----------
    data : ``theta -> U(theta)`` (arrays in, arrays out).
    rho : upper bound of ``||f* - Q f*||_inf``.
    source : one line saying where U comes from.
    lam : the breaking rate, or None.
    notes, assumptions : recorded in the trade-off's description.
    bounds : the measured or certified statements used (per theta, and for rho), or None.
    failure : probability that one of the measured statements fails (paid in delta).
    """

    data: Callable[[np.ndarray], np.ndarray]
    rho: float
    source: str
    lam: float | None = None
    notes: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = ()
    bounds: Any = None
    failure: float = 0.0


def angle(theta: float) -> sp.Expr:
    """An angle of the grid as an exact number: its binary value, ``math.pi`` standing for pi."""
    return sp.pi if theta >= math.pi else sp.Rational(float(theta))


def k_of(theta: float, step: float = math.pi) -> int:
    """``ceil(step / theta)`` decided exactly (angles as :func:`angle`; the integer part resolved
    in exact arithmetic: ``math.pi / 7`` is below pi/7, so ``k_of(math.pi / 7) = 8``); 1 when
    ``theta >= step``."""
    if theta >= step:
        return 1
    return int(integer_bound(angle(step) / angle(theta), up=True, outward=False))


def _reynolds_factor(theta: float) -> sp.Expr:
    """``a(theta) = k - theta k (k - 1) / (2 pi)``, ``k = ceil(pi/theta)`` (statement P6), exact."""
    k = k_of(theta)
    return k - angle(theta) * k * (k - 1) / (2 * sp.pi)


def _round_up(x: sp.Expr) -> float:
    """The smallest float >= x (x an exact real number)."""
    v = float(sp.N(x, 30))
    return v if sp.Rational(v) >= x else math.nextafter(v, math.inf)


def _measured_pairs(data_error) -> list[tuple[float, SupErrorUpperBound]]:
    items = list(data_error.items()) if isinstance(data_error, Mapping) else list(data_error)
    if not items:
        raise InvalidValueError("data_error must hold at least one (theta, SupErrorUpperBound) pair")
    out = []
    for item in items:
        if not (isinstance(item, tuple) and len(item) == 2):
            raise InvalidTypeError("data_error must be a callable, a mapping {theta: SupErrorUpperBound} "
                                   f"or a sequence of (theta, SupErrorUpperBound) pairs, got an item {brief(item)}")
        th, ub = item
        check_real("data_error angle", th, 0, math.pi, allow_symbolic=False)
        if float(th) == 0:
            raise InvalidValueError("data_error: theta = 0 is S_0 = {id}, whose error is 0; give "
                                    "angles > 0")
        if not isinstance(ub, SupErrorUpperBound):
            raise InvalidTypeError(
                f"data_error[{float(th):g}] must be a symbound.seam.SupErrorUpperBound(quantity='data', "
                f"scope='region') (e.g. sb.certified_data_sup_error(..., region=X)), got "
                f"{type(ub).__name__}")
        out.append((float(th), ub))
    return sorted(out, key=lambda p: p[0])


def _measured(space, pairs, reynolds_gap) -> PartialData:
    """U and rho from certified data sups at a few angles (statements P5, P6)."""
    # quantity, scope, set (a set containing S_theta_j) and region (containing X) checked there
    conv = [(th, _data_error(ub, PartialRotations(th), space)) for th, ub in pairs]
    values = [(th, de.value) for th, de in conv]
    failure = sum(de.failure for _th, de in conv)

    def U_exact(theta: float) -> sp.Expr:
        return min((k_of(th, theta) * v for th, v in values), key=lambda e: sp.N(e, 30))

    def data(t):
        t = np.asarray(t, dtype=np.float64)
        out = np.empty(t.shape)
        for j, v in enumerate(t.ravel()):
            out.flat[j] = 0.0 if v == 0 else _round_up(U_exact(float(v)))
        return out

    notes = [f"U({th:.6g}) <= {float(de.value):.6g}: {de.source}" for th, de in conv]
    notes.append("U(theta) = min_j ceil(theta / theta_j) U_j between and beyond the measured angles "
                 "(statement P5 of symbound.bounds.tradeoff._partial_data)")
    if reynolds_gap is None:
        rho_x = min((_reynolds_factor(th) * v for th, v in values), key=lambda e: sp.N(e, 30))
        rho = _round_up(rho_x)
        notes.append(f"rho = {rho:.6g} = min_j a(theta_j) U_j >= ||f* - Q f*||_inf (statement P6)")
    else:
        rho = float(reynolds_gap)
    assumptions = [a for _th, de in conv for a in de.assumptions]
    assumptions.append("the data's sup errors were certified on data independent of the training "
                       "sample (or before it was drawn)")
    return PartialData(data, rho, f"certified from data at {len(conv)} angle(s) (SupErrorUpperBound)",
                       None, tuple(notes), tuple(dict.fromkeys(assumptions)),
                       tuple(ub for _th, ub in pairs), failure)


def partial_data(space, th: np.ndarray, *, breaking_rate, data_error, reynolds_gap, target,
                 target_lipschitz, target_grid) -> PartialData:
    """The data side of :func:`~symbound.bounds.tradeoff.partial_tradeoff` (module docstring)."""
    given = [v is not None for v in (breaking_rate, data_error, target)]
    if sum(given) != 1:
        raise InvalidValueError("give exactly one of breaking_rate, data_error (with reynolds_gap) "
                                "or target (with target_lipschitz)")
    if reynolds_gap is not None:
        check_real("reynolds_gap", reynolds_gap, 0, None, allow_symbolic=False)
    if breaking_rate is not None:
        # at most 1e300: the data error breaking_rate * theta is computed in float64
        check_real("breaking_rate", breaking_rate, 0, 1e300, allow_symbolic=False)
        lam = float(breaking_rate)

        def data(t, lam=lam):
            return lam * np.asarray(t, dtype=np.float64)

        rho = lam * math.pi / 2 if reynolds_gap is None else float(reynolds_gap)
        return PartialData(data, rho, f"graded data, U(theta) = {lam:g} theta (breaking rate)", lam)
    if data_error is not None:
        if isinstance(data_error, (Mapping, list, tuple)):
            return _measured(space, _measured_pairs(data_error), reynolds_gap)
        if not callable(data_error):
            raise InvalidTypeError(
                "data_error must be a callable theta -> U(theta), a mapping {theta: "
                "SupErrorUpperBound} or a sequence of (theta, SupErrorUpperBound) pairs, got "
                f"{type(data_error).__name__}")

        def data(t, fn=data_error):
            v = np.asarray(fn(np.asarray(t, dtype=np.float64)), dtype=np.float64)
            if np.any(~np.isfinite(v)) or np.any(v < 0):
                raise InvalidValueError("data_error must return finite values >= 0")
            return v

        rho = float(data(np.array([math.pi]))[0]) if reynolds_gap is None else float(reynolds_gap)
        return PartialData(data, rho, "an upper bound of ee_inf(f*; S_theta) given by the caller")
    if target_lipschitz is None:
        raise InvalidValueError("target needs target_lipschitz (its Lipschitz constant L*)")
    check_real("target_lipschitz", target_lipschitz, 0, None, low_closed=False, allow_symbolic=False)
    r1, r2 = (float(v) for v in planar_radii(space))
    radial, angular = (check_integer("target_grid", v, 2) for v in target_grid)
    U_grid, rho_b, per = target_error_bounds(target, r1, r2, float(target_lipschitz), th,
                                             radial=radial, angular=angular, region=space.name,
                                             space=space)
    table = dict(zip(th.tolist(), U_grid.tolist()))

    def data(t, table=table):
        t = np.asarray(t, dtype=np.float64)
        out = np.empty(t.shape)
        for j, v in enumerate(t.ravel()):
            if float(v) not in table:
                raise InvalidValueError(f"theta={float(v)!r} is not on the grid where the target's "
                                        "error was certified; pass thetas=... including it")
            out.flat[j] = table[float(v)]
        return out

    rho = rho_b.value if reynolds_gap is None else float(reynolds_gap)
    return PartialData(data, rho, f"certified from the target (L* = {float(target_lipschitz):g}, "
                       "net argument)", None,
                       (f"rho = {rho_b.value:.6g} >= ||f* - Q f*||_inf ({rho_b.method})",),
                       (f"the target is {float(target_lipschitz):g}-Lipschitz (stated by the caller)",),
                       (per, rho_b))
