r"""Confidence intervals for the mean of nonnegative per-point values that hold under heavy tails
(THEORY.md section 3: Monte Carlo estimates come with a standard error and a confidence interval).

The orbit estimators reduce to the mean of iid per-point values ``m_i = mean_k e(x_i, g_ik)^p >= 0``
(or to a ratio of two such means, for relative errors).  These values can be very heavy tailed:
for ``f(x) = x_0^3`` under SO(2) with ``x ~ N(0, I_2)`` and p = 2, stratified rotations integrate
the orbit exactly and ``m = r^6 (5/16 + cos^6 a)`` with ``r^2 ~ Exp(mean 2)``: skewness about 20,
and the top 1% of the distribution carries a third of the mean (``E[E^3; E > ln 100] / E[E^3]
= 0.32`` for ``E ~ Exp(1)``).  At N = 100 most samples miss that part of the tail, and the normal
interval covers the true mean about 78% of the time instead of 95%.

Intervals computed (level ``c``, ``a = 1 - c``)
-----------------------------------------------
* **normal**: ``mean +- z_{1-a/2} se`` (CLT; ``se = sd / sqrt N``).
* **percentile bootstrap**: the ``a/2`` and ``1 - a/2`` quantiles of the resampled means.
* **studentized bootstrap** (bootstrap-t; Efron & Tibshirani, *An Introduction to the Bootstrap*,
  1993, §12.5; Hall, *Ann. Statist.* 16, 1988): ``T* = (mean* - mean) / se*`` over resamples, and
  ``[mean - q_{1-a/2}(T*) se, mean - q_{a/2}(T*) se]``.  Second-order accurate when the variance is
  finite, but a resample only ever contains observed values, so the unobserved part of a heavy
  tail is missing from the bootstrap world: coverage 0.87-0.92 on the example above.
* **tail-extended upper limit**: the same pivot in bootstrap worlds whose upper tail is modelled.
  The ``k = floor(min(0.2 N, 3 sqrt N))`` largest values (the tail sample of Pareto-smoothed
  importance sampling, Vehtari, Simpson, Gelman, Yao & Gabry, *JMLR* 25, 2024) define the
  threshold ``u`` (the largest value below them); a generalized Pareto distribution
  ``GPD(xi, sigma)`` is fitted to their ``k'`` positive excesses over ``u`` by the estimator of
  Zhang & Stephens (*Technometrics* 51, 2009), whose grid over ``theta = -xi / sigma`` carries
  profile-likelihood weights (without the weak prior PSIS adds: it pulls ``xi`` towards 0.5 and
  made a light-tailed case over-cover, 0.978 at N = 50).  Each resample draws its own
  ``(xi, sigma)`` from those weights (the uncertainty of a tail fitted to ~20 values is the point:
  with the single fitted value the x_0^3 example below covered 0.90-0.95 at N = 100), then N
  values from "a body value with probability ``1 - k'/N``, else ``u`` plus a GPD excess" (kernel
  ``bootstrap_tail_moments``); its pivot is centred at that world's mean
  ``mu_F = (sum(body) + k' (u + sigma / (1 - xi))) / N``, and the upper limit is
  ``mean - q_{a/2}(T*_F) se``.  It needs N >= 50 (k >= 10); shapes of 1 or more (tails without a
  mean) are capped at 0.95 and the result says so.

The reported interval ``ci`` is ``[studentized lower, max(studentized upper, tail-extended
upper)]`` for a mean, and the studentized interval for a ratio (no tail model for relative errors).
Measured coverage of ``ci`` at level 0.95 (1000 seeds per figure; ``tests/numeric/
test_intervals.py`` checks the first two): the x_0^3 example above 0.955-0.966 at N = 100 (three
seed sets), 0.953 at N = 50, 0.96-0.97 at N = 300 (normal interval 0.77-0.80 at N = 100);
light tails (``x_0`` under SO(2): ``m = r^2 (1/2 + cos^2 a)``) 0.964-0.966 at N = 100; ``E^2``,
lognormal(0, 1), uniform and Pareto(2.5) values 0.95-0.97 at N = 100.

Diagnostic: which interval to trust
-----------------------------------
The fitted shape ``xi`` is the tail index of the per-point values (``P(m > t) ~ t^(-1/xi)``;
Vehtari et al. use it the same way for importance weights): the variance is finite for
``xi < 1/2`` and the mean for ``xi < 1``.  ``reliability`` is

* ``"light tail"``: ``xi < 0.5`` (or no tail above the threshold): no heavy tail is seen in this
  sample; ``ci`` is the studentized interval, whose coverage error is ``O(1/N)`` when the tail
  really is light.  The label describes the sample, not the population: a small sample that missed
  the rare large values of a heavier tail also looks light, and conditionally on this label the
  interval can under-cover (for ``x_0^3`` under C_4 with Gaussian inputs at N = 100, the runs
  labelled light covered 0.78, those labelled heavy 0.998, all runs 0.95).  The normal interval
  also meets Cochran's rule ``N >= 25 g^2`` (``g`` the sample skewness; *Sampling Techniques*, 3rd
  ed., 1977, §2.15) in ``normal_reliable``, a necessary condition, not a guarantee.
* ``"heavy tail"``: ``0.5 <= xi < 1``: the normal interval under-covers; ``ci`` holds when the tail
  is close to a fitted Pareto tail with finite variance (as for polynomial errors of Gaussian
  inputs, whose fitted ``xi`` is often 0.6-1 at N = 100-500 although the true tail is lighter);
  if the variance is truly infinite (a Pareto tail of index above 1/2) coverage falls (measured
  at N = 100: 0.94 for index 0.55, 0.89 for 0.75).
* ``"unreliable"``: ``xi >= 1``: the fitted tail has no mean.
* ``"unassessed"``: N < 50, or fewer than 10 values above the threshold (a few spikes among equal
  values), too few to fit a tail; ``ci`` is the studentized interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import mpmath
import numpy as np

from . import kernels as K
from .group_samples import seed_key

__all__ = ["MeanIntervals", "mean_intervals", "mean_and_se", "gpd_fit", "tail_sample_size",
           "student_t_quantile"]

#: fewest values for a tail fit (the tail sample then has 10 values)
MIN_TAIL_FIT_N = 50
#: the fitted shape is capped below 1 for the tail-extended bootstrap (a tail with a mean)
_XI_CAP = 0.95


def tail_sample_size(n: int) -> int:
    """``floor(min(0.2 n, 3 sqrt n))``: the number of largest values in the tail sample (PSIS)."""
    return int(math.floor(min(0.2 * n, 3.0 * math.sqrt(n))))


def student_t_quantile(prob: float, df: int) -> float:
    r"""The ``prob`` quantile (``1/2 < prob < 1``) of Student's t distribution with ``df`` degrees of
    freedom: the root of ``I_{df/(df + t^2)}(df/2, 1/2) = 2 (1 - prob)`` (the t CDF through the
    regularized incomplete beta function, mpmath at 30 digits), by bisection to a relative 1e-13.

    Examples
    --------
    >>> round(student_t_quantile(0.975, 1), 6), round(student_t_quantile(0.975, 10), 6)
    (12.706205, 2.228139)
    """
    target = mpmath.mpf(2) * (1 - mpmath.mpf(prob))
    a = mpmath.mpf(df) / 2

    def excess(t):  # decreasing in t: I_x is increasing in x = df / (df + t^2)
        return mpmath.betainc(a, 0.5, 0, df / (df + mpmath.mpf(t) ** 2), regularized=True) - target

    with mpmath.workdps(30):
        lo, hi = 0.0, 1.0
        while excess(hi) > 0:
            lo, hi = hi, 2.0 * hi
        while hi - lo > 1e-13 * hi:
            mid = 0.5 * (lo + hi)
            if excess(mid) > 0:
                lo = mid
            else:
                hi = mid
    return 0.5 * (lo + hi)


def _gpd_posterior(y: np.ndarray):
    """Zhang & Stephens' grid over ``theta = -xi / sigma`` (their ``b``) with its profile-likelihood
    weights: arrays ``(xi, sigma, weights)`` over the grid, and the posterior-mean fit
    ``(xi_hat, sigma_hat)``.  ``y`` sorted ascending, positive."""
    n = y.size
    m = 30 + int(math.sqrt(n))
    grid = 1.0 - np.sqrt(m / (np.arange(1, m + 1) - 0.5))
    b = 1.0 / y[-1] + grid / (3.0 * y[max(int(n / 4 + 0.5) - 1, 0)])
    with np.errstate(divide="ignore", invalid="ignore"):
        k = np.log1p(-b[:, None] * y[None, :]).mean(axis=1)
        loglik = n * (np.log(-b / k) - k - 1.0)
    ok = np.isfinite(loglik) & (b != 0)
    if not np.any(ok):  # every excess equal: an exponential tail with that mean
        s = float(y.mean())
        return np.zeros(1), np.full(1, s), np.ones(1), (0.0, s)
    b, k = b[ok], k[ok]
    w = np.exp(loglik[ok] - loglik[ok].max())
    w /= w.sum()
    b_hat = float(np.sum(b * w))
    if b_hat == 0.0:
        fit = (0.0, float(y.mean()))
    else:
        xi = float(np.log1p(-b_hat * y).mean())
        fit = (xi, -xi / b_hat)
    return k, -k / b, w, fit


def gpd_fit(excesses: np.ndarray) -> tuple[float, float]:
    r"""Shape ``xi`` and scale ``sigma`` of a generalized Pareto distribution fitted to positive
    excesses (Zhang & Stephens, *Technometrics* 51, 2009: the posterior mean of
    ``theta = -xi / sigma`` over a grid, with the profile likelihood; no prior on ``xi``).

    ``GPD(xi, sigma)``: ``P(Y > y) = (1 + xi y / sigma)^(-1/xi)`` (``exp(-y / sigma)`` for xi = 0).

    Examples
    --------
    >>> import numpy as np
    >>> y = (1 - np.random.default_rng(0).random(20000)) ** -0.5 - 1  # xi = 0.5, sigma = 0.5
    >>> xi, sigma = gpd_fit(y)
    >>> round(xi, 1), round(sigma, 1)
    (0.5, 0.5)
    """
    return _gpd_posterior(np.sort(np.asarray(excesses, dtype=np.float64)))[3]


@dataclass(frozen=True)
class MeanIntervals:
    """Intervals for a mean (or a ratio of means) of per-point values; see the module docstring.

    Attributes
    ----------
    center, se : the estimate and its standard error.
    normal, percentile, studentized : the three classical intervals.
    tail_upper : the tail-extended upper limit (``None`` when no tail was fitted).
    ci : the reported interval; ``method`` says how it was formed.
    tail_index : the fitted GPD shape of the upper tail (``nan`` when not fitted).
    skewness : sample skewness of the values (of ``a - R b`` for a ratio).
    reliability : ``"light tail"``, ``"heavy tail"``, ``"unreliable"`` or ``"unassessed"``.
    normal_reliable : whether the normal interval may be used too.
    diagnostic : one sentence: which interval to trust and why.
    """

    center: float
    se: float
    normal: tuple
    percentile: tuple
    studentized: tuple
    tail_upper: float | None
    ci: tuple
    method: str
    tail_index: float
    skewness: float
    reliability: str
    normal_reliable: bool
    diagnostic: str


def _quantiles(t: np.ndarray, levels) -> np.ndarray:
    t = t[~np.isnan(t)]
    return np.quantile(t, levels) if t.size else np.full(len(levels), np.nan)


def _pivot(diff: np.ndarray, se: np.ndarray) -> np.ndarray:
    """``diff / se`` with ``0 / 0 = 0`` and ``x / 0 = +-inf`` (degenerate resamples)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        t = diff / se
    return np.where((se == 0) & (diff == 0), 0.0, t)


def _tail_model(x: np.ndarray):
    """The tail fit: ``(threshold, body, n_tail, xi_hat, (xi grid, sigma grid, weights))``;
    ``None`` when N is too small, ``"bounded"`` when nothing exceeds the threshold, ``"sparse"``
    when fewer than 10 values do."""
    N = x.size
    k = tail_sample_size(N)
    if N < MIN_TAIL_FIT_N or k < 10:
        return None
    xs = np.sort(x)
    u = float(xs[N - k - 1])
    exc = xs[N - k:] - u
    pos = exc[exc > 0]
    if pos.size == 0:  # the largest values are all equal: nothing above the threshold
        return "bounded"
    if pos.size < 10:  # a few values above many equal ones: too few to fit a tail
        return "sparse"
    xis, sigmas, weights, (xi, _) = _gpd_posterior(pos)
    body = xs[:N - pos.size]
    return u, np.ascontiguousarray(body), int(pos.size), xi, (xis, sigmas, weights)


def mean_and_se(values, denominators=None) -> tuple[float, float]:
    r"""The estimate and its standard error, without the bootstrap: ``mean(a)`` and
    ``sd(a) / sqrt N`` (``ddof = 1``), or for a ratio ``R = mean(a) / mean(b)`` and the delta-method
    ``sd(a - R b) / (sqrt N mean(b))``; the ``center`` and ``se`` of :func:`mean_intervals`.

    Examples
    --------
    >>> mean_and_se([1.0, 2.0, 3.0])
    (2.0, 0.5773502691896258)
    """
    a = np.ascontiguousarray(values, dtype=np.float64)
    N = a.size
    ma = float(a.mean())
    if denominators is None:
        return ma, float(np.std(a, ddof=1) / math.sqrt(N))
    b = np.ascontiguousarray(denominators, dtype=np.float64)
    mb = float(b.mean())
    center = ma / mb
    return center, float(np.std(a - center * b, ddof=1) / math.sqrt(N) / mb)


def mean_intervals(values, confidence: float = 0.95, rng=None, n_boot: int = 1000,
                   denominators=None) -> MeanIntervals:
    r"""Normal, percentile, studentized and tail-extended intervals for ``mean(values)`` (or for
    ``mean(values) / mean(denominators)``), with the tail diagnostic of the module docstring.

    Parameters
    ----------
    values : (N,) finite nonnegative values, N >= 2 (scaled by the caller so that sums of squares
        cannot overflow, e.g. to max 1).
    confidence : level in (0, 1).
    rng : ``numpy.random.Generator`` (or seed) keying the counter-based resampling kernels.
    n_boot : resamples per bootstrap.
    denominators : (N,) positive values for a ratio estimator, or None.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(1).exponential(size=400)
    >>> r = mean_intervals(x, rng=0)
    >>> r.ci[0] < 1.0 < r.ci[1], r.reliability
    (True, 'light tail')
    """
    a = np.ascontiguousarray(values, dtype=np.float64)
    N = a.size
    gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    key_boot, key_tail = seed_key(gen), seed_key(gen)
    alpha = 1.0 - confidence
    z = NormalDist().inv_cdf(1.0 - alpha / 2.0)
    levels = [alpha / 2.0, 1.0 - alpha / 2.0]
    ratio = denominators is not None
    center, se = mean_and_se(a, denominators)
    ma = float(a.mean())
    ac = a - ma
    if ratio:
        b = np.ascontiguousarray(denominators, dtype=np.float64)
        mb = float(b.mean())
        resid = a - center * b
        bc = b - mb
        mom = np.empty((n_boot, 5))
        K.bootstrap_moments(ac, bc, True, key_boot, mom)
        num, den = ma + mom[:, 0], mb + mom[:, 2]
        stat = num / den
        va = mom[:, 1] - mom[:, 0] ** 2
        vb = mom[:, 3] - mom[:, 2] ** 2
        cab = mom[:, 4] - mom[:, 0] * mom[:, 2]
        var = np.maximum(va - 2.0 * stat * cab + stat * stat * vb, 0.0)
        se_star = np.sqrt(var * N / (N - 1) / N) / den
        skew_vals = resid
    else:
        mom = np.empty((n_boot, 2))
        K.bootstrap_moments(ac, ac, False, key_boot, mom)
        stat = ma + mom[:, 0]
        se_star = np.sqrt(np.maximum(mom[:, 1] - mom[:, 0] ** 2, 0.0) * N / (N - 1) / N)
        skew_vals = a
    normal = (max(center - z * se, 0.0), center + z * se)
    p_lo, p_hi = np.quantile(stat, levels)
    percentile = (max(float(p_lo), 0.0), float(p_hi))
    q_lo, q_hi = _quantiles(_pivot(stat - center, se_star), levels)
    lo, hi = center - q_hi * se, center - q_lo * se
    notes = []
    if not math.isfinite(lo):
        lo = percentile[0]
        notes.append("lower limit from the percentile bootstrap (degenerate resamples)")
    if not math.isfinite(hi):
        hi = percentile[1]
        notes.append("upper limit from the percentile bootstrap (degenerate resamples)")
    studentized = (max(float(lo), 0.0), float(hi))
    sd = float(np.std(skew_vals))
    skew = float(np.mean((skew_vals - skew_vals.mean()) ** 3) / sd ** 3) if sd > 0 else 0.0

    tail = _tail_model(a)
    tail_upper = None
    xi = math.nan
    if ratio:
        method = "studentized bootstrap of the ratio (no tail model for relative errors)"
    else:
        method = "studentized bootstrap"
    if isinstance(tail, tuple):
        u, body, n_tail, xi, (xis, sigmas, weights) = tail
        if not ratio:
            # tail parameters of each resample drawn from the fit's posterior over its grid
            pick = gen.choice(weights.size, size=n_boot, p=weights)
            xi_r = np.minimum(xis[pick], _XI_CAP)
            sig_r = sigmas[pick]
            mu_f = (float(body.sum()) + n_tail * (u + sig_r / (1.0 - xi_r))) / N
            tm = np.empty((n_boot, 2))
            K.bootstrap_tail_moments(body, N, u, np.ascontiguousarray(xi_r),
                                     np.ascontiguousarray(sig_r), n_tail / N,
                                     np.ascontiguousarray(mu_f), key_tail, tm)
            se_f = np.sqrt(np.maximum(tm[:, 1] - tm[:, 0] ** 2, 0.0) * N / (N - 1) / N)
            qf = _quantiles(_pivot(tm[:, 0], se_f), [alpha / 2.0])[0]
            if math.isfinite(qf):
                tail_upper = float(center - qf * se)
                method = ("studentized bootstrap; upper limit the larger of it and the studentized "
                          f"bootstrap in worlds with a fitted Pareto tail (xi = {xi:.3g}, drawn per "
                          f"resample from the fit's posterior; {n_tail} values above {u:.4g})")
                if np.any(xis[pick] > _XI_CAP):
                    method += (f"; shapes above {_XI_CAP} (tails without a mean) capped at "
                               f"{_XI_CAP}")
    ci_hi = studentized[1] if tail_upper is None else max(studentized[1], tail_upper)
    ci = (studentized[0], ci_hi)
    if notes:
        method += "; " + "; ".join(notes)

    if tail is None or tail == "sparse":
        reliability = "unassessed"
        why = (f"N = {N} < {MIN_TAIL_FIT_N}: too few values" if tail is None else
               "fewer than 10 distinct values above the threshold: too few")
        diag = (f"{why} to assess the tail; ci is the studentized bootstrap interval, valid "
                "for light tails")
    elif tail == "bounded" or xi < 0.5:
        reliability = "light tail"
        what = ("no tail above the threshold" if tail == "bounded"
                else f"tail index {xi:.2f} < 0.5")
        diag = (f"{what}: no heavy tail seen in this sample; ci is the studentized bootstrap "
                "interval (a small sample that missed rare large values also looks light and may "
                "under-cover)")
    elif xi < 1.0:
        reliability = "heavy tail"
        diag = (f"heavy tail (tail index {xi:.2f} >= 0.5): the normal interval under-covers; ci "
                "holds if the tail is close to the fitted Pareto tail with finite variance; if the "
                "variance is infinite no interval is reliable")
    else:
        reliability = "unreliable"
        diag = (f"tail index {xi:.2f} >= 1: the fitted tail has no mean; no interval is reliable "
                "(increase N or check the model for outliers)")
    normal_ok = reliability in ("light tail", "unassessed") and N >= 25 * skew * skew
    if reliability in ("light tail", "unassessed"):
        diag += ("; the normal interval meets Cochran's rule N >= 25 g^2" if normal_ok else
                 f"; the normal interval is not (skewness {skew:.2g} needs N >= 25 g^2 = "
                 f"{math.ceil(25 * skew * skew)})")
    return MeanIntervals(center=float(center), se=se, normal=normal, percentile=percentile,
                         studentized=studentized, tail_upper=tail_upper, ci=ci, method=method,
                         tail_index=float(xi), skewness=skew, reliability=reliability,
                         normal_reliable=bool(normal_ok), diagnostic=diag)
