r"""Randomization p-values shared by the symmetry tests (:mod:`symbound.numeric.symmetry_tests`):
the result type, rank p-values and their min-p aggregation over a ladder of bandwidths.

*Exactness lemma.*  Let a group H (here G^n acting on the sample, or the swaps of matched pairs)
act on the data Z, let Z and hZ have the same law for every h in H, and let ``a_1 .. a_B`` be iid
uniform (Haar) on H, independent of Z.  Then for any fixed statistic T (it may use extra
randomness independent of Z and the a's, shared by all evaluations) the values
``T(Z), T(a_1 Z), .., T(a_B Z)`` are exchangeable, so the rank p-value
``p = #{b = 0..B : T_b >= T_0} / (B + 1)`` satisfies ``P(p <= alpha) <= alpha`` (ties count against
rejection).  Proof: with h uniform on H independent of everything, ``(Z, a_1 Z, ..)`` has the law
of ``(hZ, a_1 h Z, ..)``, and ``h, a_1 h, .., a_B h`` are iid uniform by the right invariance of
Haar measure.  (Hemerik & Goeman 2018, "Exact testing with random permutations", TEST 27:
811-825, Thm 1; enumerating a finite H instead: Lehmann & Romano, *Testing Statistical
Hypotheses*, 3rd ed., Thm 15.2.1.)

*Aggregation over bandwidths.*  With the statistic computed at L bandwidths, each column is turned
into rank p-values within the ensemble, ``p_l(b)``, and the aggregate statistic is
``m(b) = min_l p_l(b)``, calibrated on the same ensemble: ``p = #{b : m(b) <= m(0)} / (B + 1)``,
ties of m broken by the largest standardized statistic ``max_l (T_l(b) - mean) / sd`` (mean and sd
over the ensemble; without it several rungs' maxima tie at ``m = 1/(B+1)`` and p cannot fall below
about ``L/(B+1)``).  Both keys are symmetric functions of the ensemble applied to each member, so
the members stay exchangeable and the level stays exact: the single-step min-p adjustment of
Westfall & Young (1993, *Resampling-Based Multiple Testing*) computed on one set of
randomizations, as MMDAgg (Schrab et al., JMLR 24(194), 2023) calibrates its aggregate on
permutations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .._validation import brief
from ._checks import MAX_DRAWS
from .._validation import check_choice, check_integer, check_real
from ..errors import InvalidTypeError, InvalidValueError

__all__ = ["SymmetryTestResult", "rank_pvalues", "aggregate_pvalue"]

REFERENCE = ("Chiu & Bloem-Reddy, Non-parametric Hypothesis Tests for Distributional Group "
             "Symmetry, arXiv:2307.15834 (2023); THEORY §3")

#: ``n_randomizations="all"`` enumerates at most this many group tuples / swap patterns
MAX_ENUMERATED = 65536
#: points used for a median bandwidth (a random subsample of the points beyond this)
_MEDIAN_POINTS = 1000
#: doubles per chunk of randomized samples
_CHUNK_DOUBLES = 1 << 22


@dataclass(frozen=True, repr=False, eq=False)
class SymmetryTestResult:
    """Result of :func:`invariance_test` or :func:`equivariance_test`.

    Attributes
    ----------
    kind : ``"invariance"`` or ``"equivariance"``.
    pvalue : the p-value of the test (aggregated over the bandwidths for ``method="aggregate"``).
    method : ``"aggregate"``, ``"median"`` or ``"features"``.
    bandwidths : the kernel bandwidths sigma_l, shape (L,) (invariance) or (L, 2)
        (equivariance: sigma of the inputs, sigma of the outputs), widest first.
    pvalues : the unadjusted p-value of each bandwidth, shape (L,).
    statistics : the discrepancy estimated at each bandwidth, shape (L,): the U-statistic of
        ``MMD^2(mu, E_g g#mu)`` (invariance) or the MMD^2 between the data and its equivariant
        transport (equivariance); see ``statistic_name``.
    statistic_name : what ``statistics`` estimates.
    n_randomizations : the number of randomized samples the p-value ranks the data among.
    exhaustive : whether the randomization distribution was enumerated (no Monte Carlo).
    n : sample size.
    group : the transformation set.
    null : the null hypothesis, in words.
    calibration : what the level rests on.
    matching_cost : equivariance only: ``sum_pairs |gamma_i - gamma_j|`` (see :meth:`size_bound`).
    n_pairs : equivariance only: the number of matched pairs.
    correction : equivariance only: ``"mean"`` or None, the transport's correction.
    notes : remarks about this run.
    reference : where the method comes from.
    """

    kind: str
    pvalue: float
    method: str
    bandwidths: np.ndarray
    pvalues: np.ndarray
    statistics: np.ndarray
    statistic_name: str
    n_randomizations: int
    exhaustive: bool
    n: int
    group: object
    null: str
    calibration: str
    matching_cost: float | None = None
    n_pairs: int | None = None
    correction: str | None = None
    notes: tuple = field(default_factory=tuple)
    reference: str = REFERENCE

    def reject(self, alpha: float = 0.05) -> bool:
        """Whether the test rejects the null at level ``alpha`` (``pvalue <= alpha``)."""
        alpha = float(check_real("alpha", alpha, 0, 1, low_closed=False, high_closed=False,
                                 allow_symbolic=False))
        return bool(self.pvalue <= alpha)

    def size_bound(self, tv_lipschitz: float, alpha: float = 0.05) -> float:
        """Equivariance test with ``correction=None``: the bound ``alpha + tv_lipschitz *
        matching_cost`` on the probability of rejecting a true null at level ``alpha``, when
        ``gamma -> P(. | gamma)`` is ``tv_lipschitz``-Lipschitz in total variation (proof in
        :mod:`symbound.numeric.symmetry_equivariance`; capped at 1)."""
        if self.kind != "equivariance":
            raise InvalidValueError("size_bound is for equivariance tests; an invariance test has "
                                    "exact level (size <= alpha)")
        if self.correction is not None and self.matching_cost > 0:
            raise InvalidValueError(
                "size_bound holds for the uncorrected transport: rerun equivariance_test with "
                "correction=None (the mean-corrected test's bound is the reflection form of "
                "symbound.numeric.symmetry_equivariance)")
        tv_lipschitz = float(check_real("tv_lipschitz", tv_lipschitz, 0, None,
                                        allow_symbolic=False))
        alpha = float(check_real("alpha", alpha, 0, 1, low_closed=False, high_closed=False,
                                 allow_symbolic=False))
        return min(1.0, alpha + tv_lipschitz * float(self.matching_cost))

    def __repr__(self) -> str:
        gname = getattr(self.group, "name", self.group)
        how = (f"all {self.n_randomizations} randomizations" if self.exhaustive
               else f"{self.n_randomizations - 1} random randomizations and the data")
        lines = [f"SymmetryTestResult({self.kind} under {gname}: p = {self.pvalue:.4g}, "
                 f"method={self.method!r}, n={self.n}, ranked among {how})",
                 f"  H0: {self.null}",
                 f"  calibration: {self.calibration}"]
        bw = np.atleast_2d(self.bandwidths.T).T
        for l in range(bw.shape[0]):
            s = ", ".join(f"{v:.4g}" for v in bw[l])
            lines.append(f"  sigma = {s}: {self.statistic_name} = {self.statistics[l]:.4g}, "
                         f"p = {self.pvalues[l]:.4g}")
        if self.matching_cost is not None:
            lines.append(f"  {self.n_pairs} matched pairs, matching cost {self.matching_cost:.4g}")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


# ----- shared helpers -------------------------------------------------------------------------------
def check_method(method, allowed):
    if not isinstance(method, str):
        raise InvalidTypeError(f"method must be a string, one of {allowed}, got {brief(method)}")
    return check_choice("method", method, allowed)


def check_randomizations(n_randomizations):
    if isinstance(n_randomizations, str):
        if n_randomizations != "all":
            raise InvalidValueError(f"n_randomizations must be a positive integer or 'all', got "
                                    f"{n_randomizations!r}")
        return "all"
    return check_integer("n_randomizations", n_randomizations, 1, MAX_DRAWS)


def check_bandwidth(bandwidth):
    if isinstance(bandwidth, str):
        if bandwidth != "median":
            raise InvalidValueError(f"bandwidth must be 'median' or a positive number, got "
                                    f"{bandwidth!r}")
        return None
    return float(check_real("bandwidth", bandwidth, 0, None, low_closed=False,
                            allow_symbolic=False))


def check_progress(progress):
    if not isinstance(progress, bool):
        raise InvalidTypeError(f"progress must be a bool, got {brief(progress)}")


def median_of_pairs(values_fn, N: int, rng: np.random.Generator) -> float:
    """Median over the pairs i < j of the square matrix ``values_fn(idx)`` (over the points
    ``idx``, or a pooled sample built from them);
    beyond ``_MEDIAN_POINTS`` points a uniform random subset of the indices is used."""
    idx = np.arange(N) if N <= _MEDIAN_POINTS else np.sort(
        rng.choice(N, size=_MEDIAN_POINTS, replace=False))
    M = values_fn(idx)
    iu = np.triu_indices(M.shape[0], k=1)
    return float(np.median(M[iu]))


def sq_dists(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.maximum(np.einsum("ij,ij->i", a, a)[:, None] + np.einsum("ij,ij->i", b, b)[None, :]
                      - 2.0 * (a @ b.T), 0.0)


def rank_pvalues(T: np.ndarray) -> np.ndarray:
    """``p[r, l] = #{r' : T[r', l] >= T[r, l]} / R`` for an ensemble ``T`` (R, L); values within
    1e-12 relative of each other count as ties (against rejection)."""
    R, L = T.shape
    p = np.empty((R, L))
    for l in range(L):
        col = T[:, l]
        tol = 1e-12 * max(float(np.max(np.abs(col))), 1e-300)
        srt = np.sort(col)
        p[:, l] = (R - np.searchsorted(srt, col - tol, side="left")) / R
    return p


def aggregate_pvalue(p: np.ndarray, T: np.ndarray) -> float:
    """min-p over the columns, calibrated on the rows (row 0: the data).  Ties of the minimum (the
    largest statistic of several columns each has the smallest p-value) are broken by the largest
    standardized statistic ``max_l (T[r, l] - mean_l) / sd_l`` (mean and sd over the rows), so the
    aggregate reaches p = 1/R; both keys are symmetric functions of the ensemble applied to each
    row, which keeps the rows exchangeable."""
    m = p.min(axis=1)
    sd = T.std(axis=0)
    z = np.where(sd > 0, (T - T.mean(axis=0)) / np.where(sd > 0, sd, 1.0), 0.0).max(axis=1)
    eq = np.abs(m - m[0]) <= 1e-12 * m[0]
    zt = 1e-12 * max(float(np.max(np.abs(z))), 1e-300)
    return float(np.count_nonzero((m < m[0] - 1e-12 * m[0]) | (eq & (z >= z[0] - zt))) / p.shape[0])


def ladder(sigma: float, top: int, L: int) -> np.ndarray:
    return sigma * np.sqrt(2.0 ** (top - np.arange(L, dtype=np.float64)))


def progress_bar(progress: bool, total: int, desc: str):
    if not progress:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="randomization")
