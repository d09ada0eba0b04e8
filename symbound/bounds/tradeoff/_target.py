r"""Certified upper bounds of a known target's partial equivariance errors on a disk or annulus.

For a target ``f*`` that is ``L*``-Lipschitz on the annulus ``X = {r_1 <= |x| <= r_2}`` and the
rotations ``R_s``:

* ``U(theta) >= ee_inf(f*; S_theta) = sup_{x in X, |s| <= theta} |f*(R_s x) - f*(x)|``;
* ``rho >= ||f* - Q f*||_inf``, Q the Reynolds operator of SO(2).

**Net argument** (THEORY §3, certified sup from samples).  The polar grid of ``m_r`` radii (cell
centres) and ``m_phi`` angles has fill distance ``h = sqrt((Delta r/2)^2 + (r_2 Delta phi/2)^2)``:
every x of X lies within h of a grid point (its radius within ``Delta r / 2`` of a grid radius, its
angle within ``Delta phi / 2`` of a grid angle, and the arc at radius ``<= r_2``).  ``x -> e(x, s) =
|f*(R_s x) - f*(x)|`` is ``2 L*``-Lipschitz (rotations are isometries), and ``s -> e(x, s)`` is
``L* |x|``-Lipschitz (``|R_s x - R_s' x| <= |x| |s - s'|``).  The angles ``s_k = k Delta s`` with
``|s_k| <= theta`` leave every ``|s| <= theta`` within ``Delta s`` of one of them, so

.. math:: \mathrm{ee}_\infty(f^*; S_\theta) \le \max_{i,\ |s_k| \le \theta} e(x_i, s_k)
          + 2 L^* h + L^* r_2 \Delta s .

For ``rho``: the midpoint rule with K nodes approximates ``Q f*(x) = (1/2 pi) int f*(R_s x) ds``
to within ``L* |x| pi / (2K)`` (the integrand is ``L* |x|``-Lipschitz in s: on each interval of
width ``w = 2 pi / K`` the error is at most ``L* |x| w^2 / 4``), and ``x -> f*(x) - Q f*(x)`` is
``2 L*``-Lipschitz, so ``rho <= max_i |f*(x_i) - Q_K f*(x_i)| + L* r_2 pi / (2K) + 2 L* h``.

The bounds are deterministic given ``L*`` (stated by the caller, recorded in the assumptions).
"""

from __future__ import annotations

import math

import numpy as np

from ...errors import InvalidTypeError, InvalidValueError
from ...groups import SO, PartialRotations
from ...seam import SupErrorUpperBound

__all__ = ["target_error_bounds"]


def _evaluate(target, pts: np.ndarray) -> np.ndarray:
    y = np.asarray(target(pts), dtype=np.float64)
    if y.shape != (pts.shape[0],):
        raise InvalidValueError(f"target must map an (N, 2) array to N real values, got shape {y.shape}")
    if not np.all(np.isfinite(y)):
        raise InvalidValueError("target returned non-finite values")
    return y


def target_error_bounds(target, r1: float, r2: float, lipschitz: float, thetas: np.ndarray, *,
                        radial: int = 128, angular: int = 512, angle_step: float | None = None,
                        reynolds_nodes: int = 512, region: str = "X", space=None
                        ) -> tuple[np.ndarray, SupErrorUpperBound, list[SupErrorUpperBound]]:
    """``(U(thetas), rho, per-theta bounds)`` for a target on the annulus (module docstring).

    ``target`` maps an (N, 2) array to N values (numpy); ``lipschitz`` is L*."""
    if not callable(target):
        raise InvalidTypeError(f"target must be a callable f*(X) on (N, 2) arrays, got {type(target).__name__}")
    L = float(lipschitz)
    dr = (r2 - r1) / radial
    dphi = 2 * math.pi / angular
    ds = angle_step if angle_step is not None else dphi / 4
    h = math.hypot(dr / 2, r2 * dphi / 2)
    rr = r1 + dr * (np.arange(radial) + 0.5)
    ph = dphi * np.arange(angular)
    R, P = np.meshgrid(rr, ph, indexing="ij")
    pts = np.stack([(R * np.cos(P)).ravel(), (R * np.sin(P)).ravel()], axis=1)
    f0 = _evaluate(target, pts)
    top = float(np.max(thetas)) if np.size(thetas) else 0.0
    ks = np.arange(0, int(math.floor(top / ds)) + 1)
    s = np.concatenate([ks * ds, -ks[1:] * ds])
    worst = np.zeros(s.size)
    for k, sk in enumerate(s):  # one rotated copy of the grid at a time (bounded memory)
        c, si = math.cos(sk), math.sin(sk)
        rot = pts @ np.array([[c, si], [-si, c]])
        worst[k] = np.max(np.abs(_evaluate(target, rot) - f0))
    # running max over |s_k| <= theta
    order = np.argsort(np.abs(s), kind="stable")
    abs_sorted = np.abs(s)[order]
    run = np.maximum.accumulate(worst[order])
    slack = 2 * L * h + L * r2 * ds
    U = np.empty(np.shape(thetas))
    per = []
    for j, th in enumerate(np.ravel(thetas)):
        if th == 0:
            U.flat[j] = 0.0
            per.append(SupErrorUpperBound(0.0, "data", "region", 1.0, 0.0, "S_0 = {id}", region=region,
                                          group=PartialRotations(0), region_space=space))
            continue
        idx = int(np.searchsorted(abs_sorted, th, side="right")) - 1
        obs = float(run[idx])
        U.flat[j] = obs + slack
        per.append(SupErrorUpperBound(
            obs + slack, "data", "region", 1.0, obs,
            f"Lipschitz net bound: max over a polar grid (fill distance {h:.3g}) and angles spaced "
            f"{ds:.3g} + 2 L* h + L* r2 ds", region=region,
            assumptions=(f"the target is {L:g}-Lipschitz (stated by the caller)",),
            reference="THEORY §3; symbound.bounds.tradeoff._target",
            group=PartialRotations(float(th)), region_space=space))
    nodes = (np.arange(reynolds_nodes) + 0.5) * 2 * math.pi / reynolds_nodes
    acc = np.zeros(pts.shape[0])
    for sk in nodes:
        c, si = math.cos(sk), math.sin(sk)
        acc += _evaluate(target, pts @ np.array([[c, si], [-si, c]]))
    gap_obs = float(np.max(np.abs(f0 - acc / reynolds_nodes)))
    rho_val = gap_obs + L * r2 * math.pi / (2 * reynolds_nodes) + 2 * L * h
    quad = L * r2 * math.pi / (2 * reynolds_nodes)
    rho = SupErrorUpperBound(
        rho_val, "data", "region", 1.0, max(gap_obs - quad, 0.0),
        f"||f* - Q f*||_inf: midpoint rule with {reynolds_nodes} nodes on a polar grid (fill "
        f"distance {h:.3g}) + L* r2 pi/(2K) + 2 L* h", region=region,
        assumptions=(f"the target is {L:g}-Lipschitz (stated by the caller)",),
        reference="THEORY §3 (Reynolds operator); symbound.bounds.tradeoff._target",
        group=SO(2), region_space=space)
    return U, rho, per
