r"""How asymmetric is a distribution, not only whether: an estimate and a confidence *upper* bound
of the distributional asymmetry of THEORY §3 (issue #13),

.. math:: A_\sigma(\mu; S, \lambda) = \mathbb E_{g \sim \lambda}\, \mathrm{MMD}_{k_\sigma}(\mu, g\#\mu),
          \qquad k_\sigma(x, y) = \exp\!\big(-|f(x) - f(y)|^2 / (2\sigma^2)\big),

with f the kernel features of :func:`symbound.numeric.symmetry_actions.kernel_features` (the
flattened sample; the chordal embedding of the torus for translations), S any transformation set
acting by isometries of them (a group, a finite set, partial rotations) and lambda its measure.
It is zero iff mu is invariant under lambda-almost every element, and at most ``sqrt 2``.  This is
a *distributional* quantity (an MMD between input laws), not the sup equivariance error of the
regression function: a bound that needs ``ee_inf(f*)`` (a :class:`symbound.seam.SupErrorUpperBound`)
cannot take it.

Estimator
---------
The plug-in ``Ahat = E_{g ~ lambda} MMD(muhat, g#muhat)`` with ``muhat`` the empirical measure,
``MMD(muhat, g#muhat)^2 = (2/n^2) sum_{i,j} [k(x_i, x_j) - k(x_i, g x_j)]`` (k is invariant); the
mean over g is exact for finite sets of order <= 4096 (enumeration) and a Monte Carlo mean
``Ahat_M`` over M iid draws otherwise.

Theorem (upper bound)
---------------------
With probability at least ``1 - delta_n - delta_MC`` over the sample (iid from mu) and the draws
of g, simultaneously for every bandwidth sigma of the grid ``Sigma`` (the 81 values
``2^(j/2)``, ``|j| <= 40``, when the bandwidth is chosen from the data; ``{sigma}`` when it is
given),

.. math:: A_\sigma \le \hat A_M + \varepsilon_{MC}
          + c_S \, \frac{1 + \sqrt{\ln(|\Sigma| / \delta_n)}}{\sqrt n},

with ``c_S = sqrt 2`` for a compact group with its Haar measure and ``c_S = 2`` for any other
set, and ``eps_MC = 0`` for an enumerated finite set, else the smaller of Hoeffding's
``sqrt 2 sqrt(ln(2/delta_MC) / (2M))`` and Maurer & Pontil's empirical Bernstein
``sqrt(2 V_M ln(4/delta_MC) / M) + 7 sqrt 2 ln(4/delta_MC) / (3(M - 1))`` (V_M the sample variance
of the M values), each at level ``delta_MC / 2``.

*Proof.*  (1) Let ``phi(x) = k(., x)`` in the RKHS H of k and ``m_P = E_P phi`` the mean embedding,
so ``MMD(P, Q) = |m_P - m_Q|_H`` (Gretton et al., JMLR 13, 2012, Lemma 4).  An isometry g of the
features gives ``k(gx, gy) = k(x, y)``, so ``U_g phi(x) = phi(g x)`` extends to a linear isometry
of H, and ``m_{g#P} = U_g m_P``: ``MMD(mu, g#mu) = |(I - U_g) m|`` with ``m = m_mu``.
(2) By the triangle inequality, ``|(I - U_g) m| <= |(I - U_g) mhat| + |(I - U_g) w|`` with
``w = m - mhat``; averaging over g, ``A <= Ahat + E_g |(I - U_g) w|``.
(3) ``|(I - U_g) w| <= 2|w|`` for any isometry.  For Haar measure on a compact group,
``P = E_g U_g`` is the orthogonal projection on the invariant vectors (``P^2 = P`` by invariance,
``P* = P`` by inversion invariance), so by Jensen ``E_g |(I - U_g) w| <= (E_g |(I - U_g) w|^2)^(1/2)
= (2|w|^2 - 2<w, P w>)^(1/2) <= sqrt 2 |w|``.
(4) ``E|w| <= (E|w|^2)^(1/2) = ((E k(x, x) - |m|^2) / n)^(1/2) <= n^(-1/2)`` (k(x, x) = 1).  Replacing
one sample point changes ``mhat`` by ``(phi(x_i) - phi(x_i')) / n``, of norm
``(2 - 2 k(x_i, x_i'))^(1/2) / n <= sqrt 2 / n`` (k > 0), so McDiarmid's inequality gives
``P(|w| >= E|w| + t) <= exp(-n t^2)``; a union bound over the grid gives every sigma its
``delta_n / |Sigma|``.
(5) Given the sample, the M values ``MMD(muhat, g_m#muhat)`` are iid in ``[0, sqrt 2]``
(``|mhat - U_g mhat|^2 = 2|mhat|^2 - 2<mhat, U_g mhat> <= 2``, as k >= 0) with mean ``Ahat``:
Hoeffding's inequality and Maurer & Pontil (2009, "Empirical Bernstein bounds and sample variance
penalization", COLT, Thm 4) each hold with probability ``1 - delta_MC / 2``.  A union bound over
(4) and (5) ends the proof.

The coverage is checked by simulation in ``tests/numeric/test_asymmetry.py`` against closed forms
(Gaussian data: ``E k(x, x') = (s^2 / (s^2 + 2 t^2))^(d/2) exp(-|a - a'|^2 / (2 (s^2 + 2 t^2)))``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .._validation import brief
from .._validation import check_integer, check_real
from ..errors import InvalidTypeError, InvalidValueError
from . import symmetry_actions as A
from . import symmetry_test_kernels as SK
from ._checks import MAX_DRAWS, check_rng_seed
from .covering import check_magnitude
from .._types import ArrayLike, Seed, TransformationSetBase

__all__ = ["DistributionalAsymmetry", "distributional_asymmetry", "BANDWIDTH_GRID"]

#: the bandwidths a data-chosen sigma is snapped to (log-nearest): 2^(j/2), |j| <= 40
BANDWIDTH_GRID = 2.0 ** (np.arange(-40, 41) / 2.0)
_REFERENCE = ("THEORY §3 (asymmetry of the input distribution, E_g MMD(mu, g#mu)); bound proved in "
              "symbound.numeric.asymmetry")
_MEDIAN_POINTS = 1000


@dataclass(frozen=True, repr=False, eq=False)
class DistributionalAsymmetry:
    r"""Estimate and confidence upper bound of ``A_sigma = E_{g~lambda} MMD_sigma(mu, g#mu)``.

    Attributes
    ----------
    estimate : the plug-in estimate ``E_g MMD(muhat, g#muhat)`` (a Monte Carlo mean over
        ``n_group_samples`` draws unless ``exhaustive``).
    upper : ``U`` with ``A_sigma <= U`` with probability at least ``confidence``.
    confidence : the probability of the bound; a bound that uses ``upper`` pays
        ``failure_probability = 1 - confidence`` in its own delta.
    bandwidth : sigma of the Gaussian kernel the quantity is defined with.
    bandwidth_chosen : ``"median (snapped to BANDWIDTH_GRID)"`` or ``"given"``.
    n : sample size.
    n_group_samples : draws of g (M) or, when ``exhaustive``, the order of the enumerated set.
    exhaustive : whether the mean over g is exact.
    group : the transformation set.
    quantity : what ``upper`` bounds, in words.
    terms : the terms of the bound, ``sampling``
        (``c_S (1 + sqrt(ln(|Sigma| / delta_n))) / sqrt n``), ``monte_carlo`` (eps_MC), ``c_S``, ``delta_n``, ``delta_mc``, ``grid_size``.
    notes : remarks.
    reference : where the bound is proved.
    """

    estimate: float
    upper: float
    confidence: float
    bandwidth: float
    bandwidth_chosen: str
    n: int
    n_group_samples: int
    exhaustive: bool
    group: object
    quantity: str
    terms: dict
    notes: tuple = field(default_factory=tuple)
    reference: str = _REFERENCE

    @property
    def failure_probability(self) -> float:
        """``1 - confidence``: what a bound using ``upper`` adds to its delta."""
        return 1.0 - self.confidence

    def describe(self) -> str:
        """One paragraph: what is bounded, the value, how sure, and how."""
        t = self.terms
        how = (f"exact mean over the {self.n_group_samples} elements" if self.exhaustive
               else f"Monte Carlo over {self.n_group_samples} iid elements (+{t['monte_carlo']:.4g})")
        lines = [f"{self.quantity} <= {self.upper:.6g} with probability at least "
                 f"{self.confidence:g}",
                 f"  estimate {self.estimate:.6g} ({how})",
                 f"  sampling term {t['sampling']:.4g} = {t['c_S']:.4g} (1 + sqrt(ln({t['grid_size']}"
                 f" / {t['delta_n']:.3g}))) / sqrt({self.n})",
                 f"  bandwidth sigma = {self.bandwidth:.6g} ({self.bandwidth_chosen})",
                 "  a distributional MMD (not a sup equivariance error of the regression function)",
                 f"  reference: {self.reference}"]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __repr__(self) -> str:
        gname = getattr(self.group, "name", self.group)
        return (f"DistributionalAsymmetry(E_g MMD(mu, g#mu) under {gname}: estimate "
                f"{self.estimate:.4g}, upper {self.upper:.4g} at confidence {self.confidence:g}, "
                f"sigma={self.bandwidth:.4g})")


def _median_bandwidth(group, x, F, rng) -> float:
    """The orbit-averaged median heuristic for a group with a closed-form orbit mean, else the
    plain median pairwise distance of the features (random subset beyond 1000 points)."""
    N = F.shape[0]
    idx = np.arange(N) if N <= _MEDIAN_POINTS else np.sort(
        rng.choice(N, size=_MEDIAN_POINTS, replace=False))
    Fi = F[idx]
    sq = np.einsum("ij,ij->i", Fi, Fi)
    Mf = A.orbit_mean(group, x[idx])
    other = Fi if Mf is None else Mf
    D = sq[:, None] + sq[None, :] - 2.0 * (Fi @ other.T)
    iu = np.triu_indices(idx.size, k=1)
    s2 = float(np.median(D[iu]))
    return math.sqrt(s2) if s2 > 0 else 0.0


def _mc_term(vals: np.ndarray, delta_mc: float) -> float:
    M = vals.size
    b = math.sqrt(2.0)
    hoeff = b * math.sqrt(math.log(2.0 / delta_mc) / (2.0 * M))
    if M < 2:
        return hoeff
    lg = math.log(4.0 / delta_mc)
    var = float(np.var(vals, ddof=1))
    bern = math.sqrt(2.0 * var * lg / M) + 7.0 * b * lg / (3.0 * (M - 1))
    return min(hoeff, bern)


def distributional_asymmetry(X: ArrayLike, group: TransformationSetBase, *,
                             bandwidth: float | str = "median", confidence: float = 0.95,
                             n_group_samples: int = 500, seed: Seed = None,
                             progress: bool = False) -> DistributionalAsymmetry:
    r"""Estimate of ``A_sigma = E_{g~lambda} MMD_sigma(mu, g#mu)`` (THEORY §3) with a confidence
    upper bound: ``A_sigma <= estimate + eps_MC + c_S (1 + sqrt(ln(|Sigma|/delta_n))) / sqrt n``
    with probability at least ``confidence`` (theorem and proof in the module docstring).

    Parameters
    ----------
    X : samples, shape ``(n, ...)`` as the set's action expects (points, clouds, images), n >= 2.
    group : a transformation set of :mod:`symbound.groups` acting by isometries (a group, a finite
        set of orthogonal matrices, partial rotations, an image group, an
        :class:`~symbound.groups.Action` declared ``isometric=True``).
    bandwidth : ``"median"`` (median heuristic snapped to :data:`BANDWIDTH_GRID`, the bound holding
        on the whole grid at once) or a positive float fixed before seeing the data.
    confidence : 1 - delta, in (0, 1).  Split as ``delta_MC = delta / 4``, ``delta_n = 3 delta / 4``
        when g is sampled; ``delta_n = delta`` for an enumerated finite set.
    n_group_samples : M >= 1 draws of g for infinite sets (and finite sets of order > 4096).  Cost
        ``M n^2`` kernel evaluations.
    seed : int, ``numpy.random.Generator`` or None.
    progress : show a tqdm progress bar over the draws of g.

    Returns
    -------
    DistributionalAsymmetry

    Examples
    --------
    >>> import numpy as np
    >>> from symbound.groups import Cyclic
    >>> x = np.random.default_rng(0).standard_normal((400, 2)) + [1.0, 0.0]
    >>> res = distributional_asymmetry(x, Cyclic(4), bandwidth=1.0, seed=0)
    >>> res.exhaustive, res.estimate < res.upper
    (True, True)
    """
    A.check_test_group(group, need_group=False, purpose="distributional_asymmetry")
    x = A.data_array("X", X, group)
    confidence = float(check_real("confidence", confidence, 0, 1, low_closed=False,
                                  high_closed=False, allow_symbolic=False))
    n_group_samples = check_integer("n_group_samples", n_group_samples, 1, MAX_DRAWS)
    if not isinstance(progress, bool):
        raise InvalidTypeError(f"progress must be a bool, got {brief(progress)}")
    rng = check_rng_seed(seed)
    N = x.shape[0]
    F = A.kernel_features(group, x)
    check_magnitude("X", F)
    notes = []
    if isinstance(bandwidth, str):
        if bandwidth != "median":
            raise InvalidValueError(f"bandwidth must be 'median' or a positive number, got "
                                    f"{bandwidth!r}")
        s = _median_bandwidth(group, x, F, rng)
        if not BANDWIDTH_GRID[0] <= s <= BANDWIDTH_GRID[-1]:
            raise InvalidValueError(
                f"the median bandwidth {s:.4g} of X lies outside the grid [{BANDWIDTH_GRID[0]:.3g}, "
                f"{BANDWIDTH_GRID[-1]:.3g}] the bound is uniform over: rescale X or give bandwidth=")
        sigma = float(BANDWIDTH_GRID[np.argmin(np.abs(np.log(BANDWIDTH_GRID / s)))])
        grid_size = BANDWIDTH_GRID.size
        chosen = "median (snapped to BANDWIDTH_GRID; bound uniform over its 81 values)"
    else:
        sigma = float(check_real("bandwidth", bandwidth, 0, None, low_closed=False,
                                 allow_symbolic=False))
        grid_size = 1
        chosen = "given"
    c0 = 0.5 / (sigma * sigma)

    elems = A.finite_elements(group)
    exhaustive = elems is not None
    if not exhaustive:
        elems = A.sample_elements(group, n_group_samples, rng)
    G = elems.shape[0]
    gap = np.empty(G)
    chunk = max(1, (1 << 22) // max(1, F.size))
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=G, desc="distributional asymmetry", unit="element")
    try:
        for g0 in range(0, G, chunk):
            sub = elems[g0:g0 + chunk]
            Dg = np.stack([A.kernel_features(group, A.act_all(group, e, x)) for e in sub]) - F
            SK.orbit_gap_sums(F, np.ascontiguousarray(Dg), c0, gap[g0:g0 + sub.shape[0]])
            if bar is not None:
                bar.update(sub.shape[0])
    finally:
        if bar is not None:
            bar.close()
    # MMD(muhat, g#muhat)^2 = (2 / n^2) sum_ij [k(x_i, x_j) - k(x_i, g x_j)]
    vals = np.sqrt(np.maximum(2.0 * gap, 0.0)) / N
    estimate = float(vals.mean())

    delta = 1.0 - confidence
    delta_mc = 0.0 if exhaustive else delta / 4.0
    delta_n = delta - delta_mc
    haar = bool(group.is_group)
    c_s = math.sqrt(2.0) if haar else 2.0
    sampling = c_s * (1.0 + math.sqrt(math.log(grid_size / delta_n))) / math.sqrt(N)
    mc = 0.0 if exhaustive else _mc_term(vals, delta_mc)
    upper = estimate + mc + sampling
    if upper >= math.sqrt(2.0):
        notes.append("the bound exceeds sqrt 2, the largest value of the quantity: it says "
                     "nothing at this sample size")
    gname = getattr(group, "name", "S")
    quantity = (f"E_{{g ~ lambda}} MMD(mu_X, g#mu_X) under {gname} (Gaussian kernel, sigma = "
                f"{sigma:.6g})")
    terms = {"sampling": sampling, "monte_carlo": mc, "c_S": c_s, "delta_n": delta_n,
             "delta_mc": delta_mc, "grid_size": grid_size}
    return DistributionalAsymmetry(
        estimate=estimate, upper=upper, confidence=confidence, bandwidth=sigma,
        bandwidth_chosen=chosen, n=N, n_group_samples=G, exhaustive=exhaustive, group=group,
        quantity=quantity, terms=terms, notes=tuple(notes))
