r"""Tests of distributional symmetry: is the data distribution invariant, is the conditional law of
the outputs equivariant? (issue #13; THEORY §3, "the asymmetry of the input distribution itself").

The reference is Chiu & Bloem-Reddy, "Non-parametric Hypothesis Tests for Distributional Group
Symmetry" (arXiv:2307.15834, 2023), whose experiments ``benchmarks/bench_symmetry_tests.py``
reproduces; "Randomization Tests for Conditional Group Symmetry" (Chiu & Bloem-Reddy,
arXiv:2412.14391, 2024) supersedes it for equivariance.

Invariance (:func:`invariance_test`)
------------------------------------
H0: the sample ``x_1 .. x_n`` is iid from a law mu with ``g#mu = mu`` for every g of a compact
group G acting by isometries.

*Statistic.*  With a Gaussian kernel k of bandwidth sigma (invariant: ``k(gx, gy) = k(x, y)``) and
``k_G(x, y) = E_{g ~ Haar} k(x, g y)``, the U-statistic

.. math:: U = \frac{2}{n(n-1)} \sum_{i<j} \big[ k(x_i, x_j) - k_G(x_i, x_j) \big]

is unbiased for ``MMD^2(mu, nu)``, ``nu = E_g g#mu`` the symmetrization of mu (a lower bound of
THEORY §3's ``E_g MMD(mu, g#mu)`` with the same zero set; see :mod:`symbound.numeric.data_symmetry`).
It is Chiu & Bloem-Reddy's MMD statistic with its Monte Carlo averages over M transformed copies
per point replaced by their limit: ``k_G(a x, b y) = k_G(x, y)`` for all a, b in G (Haar measure
is bi-invariant and k is invariant), so the second sum takes the same value on every randomized
sample below and drops out of the ranks.  The test needs only ``S(X) = sum_{i<j} k(x_i, x_j)``:
no Monte Carlo noise in the statistic (the "M = infinity" test).  The reported ``statistics`` are
the estimates of U, with ``k_G`` summed exactly for finite groups (enumeration) or averaged over
the randomizations (B copies per point, unbiased) otherwise.

*Bandwidth without peeking.*  ``sigma^2 = median_{i<j} E_g |x_i - g x_j|^2 =
median_{i<j} (|x_i|^2 + |x_j|^2 - 2 <x_i, P x_j>)`` with ``P x = E_g g x`` (0 for SO(m) on R^m,
the mean over the permuted axis for ``Symmetric``, exact for finite groups).  It is a function of
the orbits only (``E_g |a x - g b y|^2 = E_g |x - a^{-1} g b y|^2``), hence the same on every
randomized sample: the median heuristic of the symmetrized sample, computed before any
randomization and unchanged by it.

*Null distribution.*  Each randomization moves every point by its own fresh ``a_i ~ Haar``:
``X^(b) = (a_1^(b) x_1, .., a_n^(b) x_n)``.  With ``T_0 = T(X)`` and ``T_b = T(X^(b))``, the
p-value is ``p = #{b = 0..B : T_b >= T_0} / (B + 1)``.

*Calibration (exact).*  If mu is G-invariant, ``P(p <= alpha) <= alpha`` for every alpha, n and B.
Proof: let h be Haar on G^n, independent of X and of the draws ``a^(b)``.  Under H0, X and hX have
the same law, so ``(X, a^(1) X, ..)`` has the law of ``(hX, a^(1) h X, ..)``; by the right
invariance of Haar measure, ``h, a^(1) h, .., a^(B) h`` are iid Haar, so the B + 1 samples, and
the statistics ``T_0 .. T_B`` (one fixed function, also when it uses extra randomness independent
of X such as random features), are exchangeable, and the rank of ``T_0`` is uniform up to ties,
which count against rejection.  (Hemerik & Goeman 2018, "Exact testing with random permutations",
TEST 27: 811-825, Thm 1; Lehmann & Romano, *Testing Statistical Hypotheses*, 3rd ed., Thm 15.2.3.)
``n_randomizations="all"`` enumerates ``G^n`` for a small finite group (the exact randomization
distribution; Lehmann & Romano Thm 15.2.1).

This needs a *group* with its Haar measure.  For a finite set S that is not a group, or a partial
set (``PartialRotations``), the draws ``s^(b) h`` are not distributed like ``h`` and the ranks are
not exchangeable: the test refuses them.  Invariance under every element of S is invariance under
the closed group S generates (SO(2) or SO(3) for partial rotations), which is the group to test;
how far the data are from S-invariant is measured by
:func:`symbound.numeric.asymmetry.distributional_asymmetry`.

*Aggregated bandwidths* (``method="aggregate"``, the default).  The statistic is computed on a
ladder of 7 bandwidths ``sigma_l^2 = 2^(3-l) sigma^2``; each rung's statistics are turned into
rank p-values within the randomization ensemble, ``p_l(b)``, and the aggregate statistic is
``m(b) = min_l p_l(b)``, calibrated on the same ensemble: ``p = #{b : m(b) <= m(0)} / (B + 1)``,
ties of m broken by the largest standardized statistic ``max_l (T_l(b) - mean) / sd`` (mean and sd
over the ensemble; without it several rungs' maxima tie at ``m = 1/(B+1)`` and p cannot fall below
about ``L/(B+1)``).  Both keys are symmetric functions of the ensemble applied to each member, so
the exchangeability
argument above carries over and the level stays exact (the single-step min-p adjustment of
Westfall & Young 1993, *Resampling-Based Multiple Testing*, computed on one set of
randomizations, as MMDAgg (Schrab et al., JMLR 24(194), 2023) calibrates its aggregate on
permutations).  ``method="median"``: the median bandwidth alone.

*Random features* (``method="features"``: the random-projection, Cramer-Wold variant).  The
Gaussian kernel sum is replaced by its random Fourier feature estimate (Rahimi & Recht 2007)
``S(X) ~ (1/2) [F^-1 sum_f |sum_i exp(i w_f . x_i / sigma)|^2 - n]`` with F frequencies
``w_f ~ N(0, I)`` drawn once: each feature is the empirical characteristic function of the
projection of the sample on the direction ``w_f``, a Cramer-Wold device.  The cost per
randomization is O(n F L) instead of O(n^2 (d + L)): faster for n above about 1000
(``benchmarks/README.md``); the level is exact as above (the frequencies are independent of X).

Equivariance (:func:`equivariance_test`)
-----------------------------------------
H0: the pairs ``(x_i, y_i)`` are iid and the conditional law of y given x is equivariant:
``P(. | g x) = rho(g)# P(. | x)`` for every g in G (with a version of the conditional law for which
this holds everywhere).  The input marginal need not be invariant.

*Construction.*  Every x is written ``x = tau(x) gamma(x)`` with an orbit representative gamma
and an element tau drawn uniformly from the elements that map ``gamma(x)`` to x
(:func:`symbound.numeric.symmetry_actions.canonicalize`).  Under H0 the canonical outputs
``eta_i = rho(tau_i)^{-1} y_i`` are, given all the x's and tau's, independent with laws
``P_{gamma_i} = P(. | gamma_i)``: ``y_i ~ P(. | tau_i gamma_i) = rho(tau_i)# P(. | gamma_i)``.
The points are matched in pairs with close representatives (greedy nearest pairs of the
gamma's improved by 2-opt exchanges; a function of the gamma's only), and within a pair (i, j) the *transported* outputs are
``z_i = rho(tau_i) eta_j`` and ``z_j = rho(tau_j) eta_i``: what y_i would be if x_i had the output of
x_j moved along the orbit.  The statistic is the (V-statistic) MMD^2 between the joint samples
``{(x_i, y_i)}`` and ``{(x_i, z_i)}`` with a product Gaussian kernel (median bandwidths of the x's
and of the pooled outputs, which swaps leave unchanged), aggregated over a ladder of 5 joint scalings
as above; swapping ``eta_i`` and ``eta_j`` exchanges ``y_i <-> z_i`` and ``y_j <-> z_j``, and the null
distribution is drawn by independent fair swaps of every pair.

*Calibration.*  Write ``Q`` for the law of ``(eta_1 .. eta_n)`` given the x's and tau's and
``Qbar`` for its average over the swap group ``{swap or not}^pairs``.  Under ``Qbar`` the law is
invariant under every swap pattern, so the randomization p-value is exact (the group argument
above, with the swap group in place of G^n).  Hence, conditionally on the x's and tau's,

.. math:: P(p \le \alpha) \le \alpha + d_{TV}(Q, \bar Q)
          \le \alpha + \sum_{\text{pairs } (i,j)} d_{TV}(P_{\gamma_i}, P_{\gamma_j}),

since ``Q`` and ``Qbar`` are products over pairs and ``d_TV(P_i x P_j, (P_i x P_j + P_j x P_i)/2)
= d_TV(P_i x P_j, P_j x P_i) / 2 <= d_TV(P_i, P_j)`` (TV of products is at most the sum of the
factors' TVs).  The test is *exact* when the representatives coincide within every pair: a
transitive action (translations of the torus, SO(m) on a sphere), or representatives that take
finitely many values with an even count of each.  Otherwise, if ``gamma -> P_gamma`` is
L-Lipschitz in total variation, the size is at most ``alpha + L * matching_cost`` with
``matching_cost = sum_pairs |gamma_i - gamma_j|`` reported by the result
(:meth:`SymmetryTestResult.size_bound`); the bound is a worst case over all statistics, and the
measured sizes of the benchmarks are within [0.03, 0.07].  Conditional independence admits no
test that is exact for every continuous law (Shah & Peters 2020, Ann. Statist. 48(3), Thm 2),
so some condition of this kind is unavoidable.  (Berrett, Wang, Barber & Samworth 2020, "The
conditional permutation test", JRSS-B 82(1), Thm 4, bound the excess size of their conditional
permutation test by a total variation in the same way.)
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np

from .._validation import check_choice, check_integer, check_real
from ..errors import InvalidTypeError, InvalidValueError
from . import symmetry_actions as A
from . import symmetry_test_kernels as SK
from ._checks import as_float_array, check_group_matches, check_rng_seed
from .covering import check_magnitude
from .group_samples import seed_key

__all__ = ["SymmetryTestResult", "invariance_test", "equivariance_test"]

_REFERENCE = ("Chiu & Bloem-Reddy, Non-parametric Hypothesis Tests for Distributional Group "
              "Symmetry, arXiv:2307.15834 (2023); THEORY §3")

#: ``n_randomizations="all"`` enumerates at most this many group tuples / swap patterns
MAX_ENUMERATED = 65536
#: bandwidth ladders: sigma_l^2 = 2^(top - l) sigma^2, l = 0 .. L-1
_LADDER_INVARIANCE = (3, 7)
_LADDER_EQUIVARIANCE = (2, 5)
#: pairs used for a median bandwidth (a random subsample of the points beyond this)
_MEDIAN_POINTS = 1000
#: a note warns when the mean matched distance exceeds this fraction of the median distance
_MATCHING_WARN = 0.1
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
    notes: tuple = field(default_factory=tuple)
    reference: str = _REFERENCE

    def reject(self, alpha: float = 0.05) -> bool:
        """Whether the test rejects the null at level ``alpha`` (``pvalue <= alpha``)."""
        alpha = float(check_real("alpha", alpha, 0, 1, low_closed=False, high_closed=False,
                                 allow_symbolic=False))
        return bool(self.pvalue <= alpha)

    def size_bound(self, tv_lipschitz: float, alpha: float = 0.05) -> float:
        """Equivariance test: the bound ``alpha + tv_lipschitz * matching_cost`` on the probability
        of rejecting a true null at level ``alpha``, when ``gamma -> P(. | gamma)`` is
        ``tv_lipschitz``-Lipschitz in total variation (module docstring; capped at 1)."""
        if self.kind != "equivariance":
            raise InvalidValueError("size_bound is for equivariance tests; an invariance test has "
                                    "exact level (size <= alpha)")
        tv_lipschitz = float(check_real("tv_lipschitz", tv_lipschitz, 0, None,
                                        allow_symbolic=False))
        alpha = float(check_real("alpha", alpha, 0, 1, low_closed=False, high_closed=False,
                                 allow_symbolic=False))
        return min(1.0, alpha + tv_lipschitz * float(self.matching_cost))

    def __repr__(self) -> str:
        gname = getattr(self.group, "name", self.group)
        how = "all" if self.exhaustive else f"{self.n_randomizations - 1} random"
        lines = [f"SymmetryTestResult({self.kind} under {gname}: p = {self.pvalue:.4g}, "
                 f"method={self.method!r}, n={self.n}, {how} randomizations)",
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
def _check_method(method, allowed):
    if not isinstance(method, str):
        raise InvalidTypeError(f"method must be a string, one of {allowed}, got {method!r}")
    return check_choice("method", method, allowed)


def _check_randomizations(n_randomizations):
    if isinstance(n_randomizations, str):
        if n_randomizations != "all":
            raise InvalidValueError(f"n_randomizations must be a positive integer or 'all', got "
                                    f"{n_randomizations!r}")
        return "all"
    return check_integer("n_randomizations", n_randomizations, 1)


def _check_bandwidth(bandwidth):
    if isinstance(bandwidth, str):
        if bandwidth != "median":
            raise InvalidValueError(f"bandwidth must be 'median' or a positive number, got "
                                    f"{bandwidth!r}")
        return None
    return float(check_real("bandwidth", bandwidth, 0, None, low_closed=False,
                            allow_symbolic=False))


def _check_progress(progress):
    if not isinstance(progress, bool):
        raise InvalidTypeError(f"progress must be a bool, got {progress!r}")


def _median_of_pairs(values_fn, N: int, rng: np.random.Generator) -> float:
    """Median over the pairs i < j of the square matrix ``values_fn(idx)`` (over the points
    ``idx``, or a pooled sample built from them);
    beyond ``_MEDIAN_POINTS`` points a uniform random subset of the indices is used."""
    idx = np.arange(N) if N <= _MEDIAN_POINTS else np.sort(
        rng.choice(N, size=_MEDIAN_POINTS, replace=False))
    M = values_fn(idx)
    iu = np.triu_indices(M.shape[0], k=1)
    return float(np.median(M[iu]))


def _sq_dists(a: np.ndarray, b: np.ndarray) -> np.ndarray:
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


def _aggregate_pvalue(p: np.ndarray, T: np.ndarray) -> float:
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


def _ladder(sigma: float, top: int, L: int) -> np.ndarray:
    return sigma * np.sqrt(2.0 ** (top - np.arange(L, dtype=np.float64)))


def _bar(progress: bool, total: int, desc: str):
    if not progress:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="randomization")


# ----- invariance ---------------------------------------------------------------------------------
def _invariant_bandwidth(group, x: np.ndarray, F: np.ndarray, rng) -> tuple[float, list]:
    """The orbit-averaged median heuristic (module docstring) and notes."""
    notes = []
    Mf = A.orbit_mean(group, x)
    if Mf is None:
        raise InvalidTypeError(
            f"{group.name} has no closed-form orbit mean, which the invariant bandwidth needs; "
            "give bandwidth= explicitly")
    sq = np.einsum("ij,ij->i", F, F)

    def d2bar(idx):
        return sq[idx, None] + sq[None, idx] - 2.0 * (F[idx] @ Mf[idx].T)

    s2 = _median_of_pairs(d2bar, F.shape[0], rng)
    if not s2 > 0.0:
        notes.append("every pair of points is at orbit distance 0 (the sample sits on fixed points "
                     "of the group): bandwidth 1 used")
        s2 = 1.0
    return math.sqrt(s2), notes


def _all_tuples(elems: np.ndarray, N: int):
    """Every tuple of N elements (the identity tuple first), as an (R, N, ...) element array."""
    order = elems.shape[0]
    ident = _identity_index(elems)
    perm = [ident] + [g for g in range(order) if g != ident]
    idx = np.array(list(itertools.product(perm, repeat=N)), dtype=np.int64)
    return elems[idx]


def _identity_index(elems: np.ndarray) -> int:
    flat = elems.reshape(elems.shape[0], -1)
    if np.issubdtype(elems.dtype, np.integer):
        ident = np.arange(elems.shape[1])
    else:
        ident = np.eye(elems.shape[1]).ravel()
    hits = np.flatnonzero(np.all(np.abs(flat - ident) <= 1e-12, axis=1))
    return int(hits[0])


def _feature_sums(Z: np.ndarray, omega: np.ndarray, sig: np.ndarray, out: np.ndarray) -> None:
    """Random-feature estimates of ``sum_{i<j} k_l(z_i, z_j)`` for each set of the batch ``Z``.

    On the ladder ``sig_l^2 = 2^(top - l) sigma^2`` the angle of rung l is twice that of rung
    l - 2, so only rungs 0 and 1 call cos / sin; the others follow by the double-angle formulas
    (each doubling at most doubles the rounding error: below 1e-14 on 7 rungs)."""
    R, N, L = Z.shape
    proj = (Z.reshape(R * N, L) @ omega.T).reshape(R, N, -1)
    cs = []
    for l, s in enumerate(sig):
        if l < 2:
            a = proj / s
            c, sn = np.cos(a), np.sin(a)
        else:
            c0, s0 = cs[l - 2]
            c, sn = 2.0 * c0 * c0 - 1.0, 2.0 * s0 * c0
        cs.append((c, sn))
        if l >= 2:
            cs[l - 2] = None
        cc = c.sum(axis=1)
        ss = sn.sum(axis=1)
        out[:, l] = 0.5 * ((cc * cc + ss * ss).mean(axis=1) - N)


def invariance_test(X, group, *, method: str = "aggregate", n_randomizations: int | str = 200,
                    bandwidth: float | str = "median", n_features: int = 64, seed=None,
                    progress: bool = False) -> SymmetryTestResult:
    r"""Test whether a sample is drawn from a G-invariant distribution (exact level).

    Statistic ``sum_{i<j} k(x_i, x_j)`` (Gaussian kernel; equivalent to the unbiased MMD^2 between
    the sample's law and its symmetrization, without Monte Carlo over the group); null
    distribution by moving every point with its own fresh Haar element; bandwidths from the
    orbit-averaged median heuristic, aggregated over a ladder by min-p.  Level exact for a group
    with its Haar measure (proof and references in the module docstring).

    Parameters
    ----------
    X : samples, shape ``(n, ...)`` as the group's action expects (``(n, d)`` points, ``(n, k, d)``
        clouds), n >= 2.
    group : a group of :mod:`symbound.groups` acting by isometries (not a partial or non-group set:
        their calibration is not guaranteed, see the module docstring).
    method : ``"aggregate"`` (7 bandwidths ``2^(3-l) sigma^2``, min-p), ``"median"`` (sigma alone)
        or ``"features"`` (random Fourier features on the same ladder: O(n) per randomization).
    n_randomizations : B >= 1 random transformations of the sample (p-values are multiples of
        1/(B+1)), or ``"all"`` for a finite group with ``|G|^n <= 65536`` (the exact randomization
        distribution).
    bandwidth : ``"median"`` (orbit-averaged median heuristic, see the module docstring) or the
        bandwidth sigma > 0 of the kernel ``exp(-|x - y|^2 / (2 sigma^2))`` at the ladder's middle.
    n_features : frequencies of ``method="features"``, >= 1.
    seed : int, ``numpy.random.Generator`` or None.
    progress : show a tqdm progress bar over the randomizations.

    Returns
    -------
    SymmetryTestResult

    Examples
    --------
    >>> import numpy as np
    >>> from symbound.groups import SO
    >>> rng = np.random.default_rng(0)
    >>> iso = rng.standard_normal((100, 3))
    >>> invariance_test(iso, SO(3), seed=1).pvalue > 0.05
    True
    >>> invariance_test(iso + [1.0, 0, 0], SO(3), seed=1).pvalue < 0.01
    True
    """
    A.check_test_group(group, need_group=True, purpose="invariance_test")
    x = A.data_array("X", X, group)
    method = _check_method(method, ("aggregate", "median", "features"))
    B = _check_randomizations(n_randomizations)
    sigma_given = _check_bandwidth(bandwidth)
    n_features = check_integer("n_features", n_features, 1)
    _check_progress(progress)
    rng = check_rng_seed(seed)
    N = x.shape[0]
    F = A.kernel_features(group, x)
    check_magnitude("X", F)
    notes = []
    if sigma_given is None:
        sigma, more = _invariant_bandwidth(group, x, F, rng)
        notes += more
    else:
        sigma = sigma_given
    top, L = (0, 1) if method == "median" else _LADDER_INVARIANCE
    sig = _ladder(sigma, top, L)
    c0 = 0.5 / (sig[0] * sig[0])
    omega = rng.standard_normal((n_features, F.shape[1])) if method == "features" else None

    elems = A.finite_elements(group) if B == "all" else None
    if B == "all":
        if elems is None or float(elems.shape[0]) ** N > MAX_ENUMERATED:
            raise InvalidValueError(
                f"n_randomizations='all' enumerates G^n, which needs a finite group with |G|^n <= "
                f"{MAX_ENUMERATED}; got {group.name} with n = {N}: give an integer")
        R = elems.shape[0] ** N
    else:
        R = B + 1
    key = seed_key(rng)

    def stats_of(Z, out):
        if method == "features":
            _feature_sums(Z, omega, sig, out)
        else:
            SK.ladder_pair_sums(np.ascontiguousarray(Z), c0, L, out)

    T = np.empty((R, L))
    stats_of(F[None], T[:1])
    width = x[0].size if method != "features" else max(x[0].size, 2 * n_features)
    chunk = max(1, _CHUNK_DOUBLES // max(1, N * width))
    bar = _bar(progress, R - 1, "invariance test")
    try:
        tuples = _all_tuples(elems, N) if B == "all" else None
        for r0 in range(1, R, chunk):
            cnt = min(chunk, R - r0)
            if tuples is not None:
                sub = tuples[r0:r0 + cnt]
                moved = A.act(group, sub.reshape((cnt * N,) + sub.shape[2:]),
                              np.tile(x, (cnt,) + (1,) * (x.ndim - 1)))
            else:
                moved = A.random_transforms(group, x, r0 - 1, cnt, key)
            Z = A.kernel_features(group, moved.reshape((cnt * N,) + x.shape[1:])).reshape(cnt, N, -1)
            stats_of(Z, T[r0:r0 + cnt])
            if bar is not None:
                bar.update(cnt)
    finally:
        if bar is not None:
            bar.close()

    p = rank_pvalues(T)
    pvalue = float(p[0, 0]) if L == 1 else _aggregate_pvalue(p, T)
    # the U-statistics of MMD^2(mu, E_g g#mu): k_G summed exactly when the group is enumerable
    kg, exact_kg = _orbit_kernel_sums(group, x, F, c0, L, method, T, B)
    stats = (2.0 / (N * (N - 1))) * (T[0] - kg)
    if not exact_kg:
        notes.append(f"statistics: k_G averaged over the {R - 1} randomized copies of each point "
                     "(unbiased Monte Carlo)")
    if method == "features":
        notes.append(f"kernel sums estimated with {n_features} random Fourier features")
    calib = ("exact: P(p <= alpha) <= alpha for iid samples from a G-invariant law (randomization "
             "by Haar-random elements of a group)")
    return SymmetryTestResult(
        kind="invariance", pvalue=pvalue, method=method, bandwidths=sig, pvalues=p[0].copy(),
        statistics=stats, statistic_name="MMD^2(mu, E_g g#mu) U-statistic",
        n_randomizations=R, exhaustive=B == "all", n=N, group=group,
        null=f"the law of X is invariant under {group.name}", calibration=calib,
        notes=tuple(notes))


def _orbit_kernel_sums(group, x, F, c0, L, method, T, B):
    """``sum_{i<j} k_G(x_i, x_j)`` per bandwidth: exact for an enumerable finite group of moderate
    cost (kernel method), else the mean of the randomized statistics (unbiased)."""
    N = x.shape[0]
    elems = A.finite_elements(group)
    if method != "features" and B != "all" and elems is not None and \
            elems.shape[0] * N * N <= 4e7:
        G = elems.shape[0]
        moved = np.stack([A.act(group, np.broadcast_to(e, (N,) + e.shape), x) for e in elems])
        Fg = A.kernel_features(group, moved.reshape((G * N,) + x.shape[1:])).reshape(G, N, -1)
        cross = np.empty((G, L))
        diag = np.empty((G, L))
        Fg = np.ascontiguousarray(Fg)
        SK.ladder_cross_sums(F, Fg, c0, L, cross)
        SK.ladder_paired_sums(F, Fg, c0, L, diag)
        return 0.5 * (cross.mean(axis=0) - diag.mean(axis=0)), True
    if B == "all":
        return T.mean(axis=0), True
    return T[1:].mean(axis=0), False


# ----- equivariance -------------------------------------------------------------------------------
def _match_pairs(gamma_flat: np.ndarray) -> np.ndarray:
    """Pairs (m, 2) of points with close representatives, a function of the representatives only:
    greedy on the smallest distances (n <= 3000; beyond, consecutive points along a fixed generic
    projection), then 2-opt exchanges ``{(a, b), (c, d)} -> {(a, c), (b, d)} or {(a, d), (b, c)}``
    while they lower the sum of the matched distances (greedy alone leaves its last points to
    pair across the sample)."""
    N = gamma_flat.shape[0]
    if N < 2:
        return np.zeros((0, 2), dtype=np.int64)
    if N <= 3000:
        D = np.sqrt(_sq_dists(gamma_flat, gamma_flat))
        iu = np.triu_indices(N, k=1)
        order = np.argsort(D[iu], kind="stable")
        used = np.zeros(N, dtype=bool)
        pairs = []
        for a, b in zip(iu[0][order], iu[1][order]):
            if not used[a] and not used[b]:
                used[a] = used[b] = True
                pairs.append((a, b))
                if len(pairs) == N // 2:
                    break
        P = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    else:
        w = np.random.default_rng(0x5EED_0002).standard_normal(gamma_flat.shape[1])
        srt = np.argsort(gamma_flat @ w, kind="stable")
        P = srt[: 2 * (N // 2)].reshape(-1, 2)
        D = None
    if P.shape[0] > 2000:
        return P

    def dist(a, b):
        if D is not None:
            return D[a, b]
        return np.linalg.norm(gamma_flat[a] - gamma_flat[b], axis=-1)

    m = P.shape[0]
    for _ in range(50):  # sweeps; each accepted exchange strictly lowers the total
        improved = False
        for p in range(m):
            a, b = P[p]
            c, d = P[:, 0], P[:, 1]
            cur = dist(a, b) + dist(c, d)
            alt1 = dist(a, c) + dist(b, d)
            alt2 = dist(a, d) + dist(b, c)
            gain = cur - np.minimum(alt1, alt2)
            gain[p] = 0.0
            q = int(np.argmax(gain))
            if gain[q] > 1e-12 * max(float(cur[q]), 1e-300):
                c, d = int(P[q, 0]), int(P[q, 1])
                if alt1[q] <= alt2[q]:
                    P[p], P[q] = (a, c), (b, d)
                else:
                    P[p], P[q] = (a, d), (b, c)
                improved = True
        if not improved:
            break
    return P


def _rho_matrices(rho, group, elems: np.ndarray, q: int) -> np.ndarray:
    mats = np.asarray(rho(elems), dtype=np.float64)
    if mats.shape != (elems.shape[0], q, q) or not np.all(np.isfinite(mats)):
        raise InvalidValueError(
            f"rho(elements) must return finite matrices of shape ({elems.shape[0]}, {q}, {q}) for "
            f"outputs of size {q}, got shape {mats.shape}")
    return mats


def _apply_rho(rho, group, elems: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``rho(g_i) y_i`` for each sample (y in its own shape)."""
    if rho is None:
        return y
    if isinstance(rho, str):
        return A.act(group, elems, y)
    yf = y.reshape(y.shape[0], -1)
    mats = _rho_matrices(rho, group, elems, yf.shape[1])
    return np.einsum("nab,nb->na", mats, yf).reshape(y.shape)


def equivariance_test(X, y, group, rho=None, *, method: str = "aggregate",
                      n_randomizations: int | str = 200, bandwidth: float | str = "median",
                      seed=None, progress: bool = False) -> SymmetryTestResult:
    r"""Test whether the conditional law of y given x is G-equivariant: ``y -> rho(g) y`` when
    ``x -> g x`` (the input distribution need not be invariant).

    Matched-pair conditional randomization: canonical outputs ``eta_i = rho(tau_i)^{-1} y_i`` are
    swapped within pairs of points with close orbit representatives, and the MMD between the data
    ``(x_i, y_i)`` and the transported ``(x_i, rho(tau_i) eta_j)`` is ranked among its swaps.  The
    size is at most ``alpha + sum_pairs d_TV(P_{gamma_i}, P_{gamma_j})`` (exact when the pairs'
    representatives coincide); proof in the module docstring.

    Parameters
    ----------
    X : inputs, shape ``(n, ...)`` as the group's action expects, n >= 2.
    y : outputs, shape ``(n,)`` or ``(n, ...)``.
    group : a group of :mod:`symbound.groups` acting by isometries.
    rho : the action on outputs: ``None`` (invariance of the conditional law), ``"same"`` (the
        group's own action on y) or a callable mapping an element array to ``(K, q, q)`` matrices
        acting on the flattened outputs (a representation: ``rho(g^{-1}) = rho(g)^{-1}``).
    method : ``"aggregate"`` (5 joint scalings ``2^(2-l)`` of both squared bandwidths, min-p) or
        ``"median"``.
    n_randomizations : B >= 1 random swap patterns, or ``"all"`` (every pattern, at most 65536).
    bandwidth : ``"median"`` or a positive float (the bandwidth of both the inputs and the outputs
        at the ladder's middle).
    seed : int, ``numpy.random.Generator`` or None.
    progress : show a tqdm progress bar.

    Returns
    -------
    SymmetryTestResult (with ``matching_cost`` and :meth:`SymmetryTestResult.size_bound`).

    Examples
    --------
    >>> import numpy as np
    >>> from symbound.groups import SO
    >>> rng = np.random.default_rng(0)
    >>> x = rng.standard_normal((60, 2)) * [2.0, 0.5]
    >>> equivariance_test(x, x + 0.3 * rng.standard_normal((60, 2)), SO(2), "same",
    ...                   seed=1).pvalue > 0.05
    True
    >>> equivariance_test(x, np.abs(x) + 0.3 * rng.standard_normal((60, 2)), SO(2), "same",
    ...                   seed=1).pvalue < 0.01
    True
    """
    A.check_test_group(group, need_group=True, purpose="equivariance_test")
    x = A.data_array("X", X, group)
    yy = as_float_array("y", y, min_ndim=1)
    if yy.shape[0] != x.shape[0]:
        raise InvalidValueError(f"len(y) must equal len(X) = {x.shape[0]}, got {yy.shape[0]}")
    if rho is not None and not callable(rho) and not (isinstance(rho, str) and rho == "same"):
        raise InvalidTypeError(f"rho must be None, 'same' or a callable, got {rho!r}")
    if isinstance(rho, str):
        if group.action == "translation":
            raise InvalidValueError("rho='same' needs a linear or permutation action; for "
                                    "translations give rho=None or a callable")
        check_group_matches("y", yy, group)
    method = _check_method(method, ("aggregate", "median"))
    B = _check_randomizations(n_randomizations)
    sigma_given = _check_bandwidth(bandwidth)
    _check_progress(progress)
    rng = check_rng_seed(seed)
    N = x.shape[0]

    gamma, tau = A.canonicalize(group, x, rng)
    eta = _apply_rho(rho, group, A.inverse_elements(group, tau), yy)
    pairs = _match_pairs(A.kernel_features(group, gamma))
    m = pairs.shape[0]
    partner = np.arange(N)
    partner[pairs[:, 0]] = pairs[:, 1]
    partner[pairs[:, 1]] = pairs[:, 0]
    z = _apply_rho(rho, group, tau, eta[partner])
    gf = A.kernel_features(group, gamma)
    gaps = np.linalg.norm(gf[pairs[:, 0]] - gf[pairs[:, 1]], axis=1)
    cost = float(gaps.sum()) if m else 0.0
    spread = math.sqrt(max(_median_of_pairs(lambda idx: _sq_dists(gf[idx], gf[idx]), N, rng), 0.0))
    ratio = float(gaps.mean()) / spread if m and spread > 0 else 0.0

    fx = A.kernel_features(group, x)
    check_magnitude("X", fx)
    fy = np.ascontiguousarray(yy.reshape(N, -1))
    fz = np.ascontiguousarray(z.reshape(N, -1))
    check_magnitude("y", np.concatenate([fy, fz]))
    Dx = _sq_dists(fx, fx)
    Dyy, Dzz, Dyz = _sq_dists(fy, fy), _sq_dists(fz, fz), _sq_dists(fy, fz)
    notes = []
    if sigma_given is None:
        sx2 = _median_of_pairs(lambda idx: Dx[np.ix_(idx, idx)], N, rng)
        sy2 = _median_of_pairs(lambda idx: _sq_dists(np.concatenate([fy[idx], fz[idx]]),
                                                      np.concatenate([fy[idx], fz[idx]])), N, rng)
        for nm, v in (("inputs", sx2), ("outputs", sy2)):
            if not v > 0.0:
                notes.append(f"the {nm} have median pairwise distance 0: bandwidth 1 used")
        sx2 = sx2 if sx2 > 0 else 1.0
        sy2 = sy2 if sy2 > 0 else 1.0
    else:
        sx2 = sy2 = sigma_given ** 2
    top, L = (0, 1) if method == "median" else _LADDER_EQUIVARIANCE
    scale = 2.0 ** (top - np.arange(L, dtype=np.float64))
    bws = np.stack([np.sqrt(sx2 * scale), np.sqrt(sy2 * scale)], axis=1)

    # H = K_yy + K_zz - K_yz - K_zy on each rung, aggregated over the pairs (unpaired rows are 0)
    ex = Dx / (2.0 * sx2 * scale[0])
    E = [np.exp(-(ex + Dyy / (2.0 * sy2 * scale[0]))), np.exp(-(ex + Dzz / (2.0 * sy2 * scale[0]))),
         np.exp(-(ex + Dyz / (2.0 * sy2 * scale[0])))]
    onehot = np.zeros((N, m))
    onehot[pairs[:, 0], np.arange(m)] = 1.0
    onehot[pairs[:, 1], np.arange(m)] = 1.0
    Ht = np.empty((L, m, m))
    for l in range(L):
        H = E[0] + E[1] - E[2] - E[2].T
        Ht[l] = onehot.T @ H @ onehot
        E = [e * e for e in E]

    if B == "all":
        if 2.0 ** m > MAX_ENUMERATED:
            raise InvalidValueError(
                f"n_randomizations='all' enumerates the 2^{m} swap patterns of {m} pairs, at most "
                f"{MAX_ENUMERATED}: give an integer")
        S = 1.0 - 2.0 * ((np.arange(2 ** m)[:, None] >> np.arange(m)[None, :]) & 1)
    else:
        S = np.ones((B + 1, m))
        S[1:] = rng.choice(np.array([-1.0, 1.0]), size=(B, m))
    R = S.shape[0]
    bar = _bar(progress, R, "equivariance test")
    T = np.empty((R, L))
    try:
        chunk = max(1, _CHUNK_DOUBLES // max(1, m * L))
        for r0 in range(0, R, chunk):
            Sc = S[r0:r0 + chunk]
            T[r0:r0 + Sc.shape[0]] = np.einsum("bp,lpq,bq->bl", Sc, Ht, Sc, optimize=True) / N**2
            if bar is not None:
                bar.update(Sc.shape[0])
    finally:
        if bar is not None:
            bar.close()
    p = rank_pvalues(T)
    pvalue = float(p[0, 0]) if L == 1 else _aggregate_pvalue(p, T)
    if m == 0:
        notes.append("fewer than 2 points: no pair to swap, p = 1")
    if ratio > _MATCHING_WARN:
        notes.append(f"matched representatives are on average {ratio:.0%} of the median distance "
                     "between representatives apart (a high-dimensional quotient for this n): the "
                     "size may exceed alpha; see size_bound")
    if cost == 0.0 and m:
        calib = ("exact: the matched representatives coincide, so swaps are an exact symmetry of "
                 "the null")
    else:
        calib = ("P(p <= alpha) <= alpha + sum over pairs of d_TV(P(.|gamma_i), P(.|gamma_j)) "
                 "(<= alpha + L_TV * matching_cost; exact when the pairs' representatives "
                 "coincide)")
    rho_name = ("identity (invariance of P(y|x))" if rho is None else
                "the group's action" if isinstance(rho, str) else getattr(rho, "__name__", "rho"))
    return SymmetryTestResult(
        kind="equivariance", pvalue=pvalue, method=method, bandwidths=bws, pvalues=p[0].copy(),
        statistics=T[0].copy(), statistic_name="MMD^2_V(data, equivariant transport)",
        n_randomizations=R, exhaustive=B == "all", n=N, group=group,
        null=(f"the law of y given x is equivariant under {group.name} (outputs acted on by "
              f"{rho_name})"),
        calibration=calib, matching_cost=cost, n_pairs=m, notes=tuple(notes))
