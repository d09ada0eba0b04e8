r"""The result of :func:`~symbound.numeric.orbit.equivariance_error`: the estimate of ``ee_p``, its
intervals, and the way to a certified sup (THEORY.md section 3).

Estimation.  Each data point i gets its own group samples g_i1..g_iK (seeded by its index), so the
per-point means ``m_i = mean_k e(x_i, g_ik)^p`` are iid and unbiased for ``E_x E_g e^p``.  The
estimate is ``(mean_i m_i)^(1/p)``; every interval is an interval for ``E e^p`` (clipped at 0) mapped
by the increasing map ``t -> t^(1/p)``, so its coverage is exactly that of the interval for
``E e^p``; ``stderr`` of the value is the delta method ``sd_m / (p mean^(1 - 1/p))``.  The intervals
(normal, percentile and studentized bootstrap, and the reported ``ci`` that holds under heavy tails)
and the diagnostic that says which to trust are those of :mod:`symbound.numeric.intervals`.  They
account for the sampling of x and of g (the group noise is inside ``m_i``); for an exactly
enumerated finite set there is no group noise.

Range.  Everything after the per-point means ``m_i`` is computed on ``m / max m`` and scaled back
in the ``t^(1/p)`` domain (standard deviations square ``m_i``), so any representable ``m_i`` gives
finite estimates, intervals and standard errors.

The sup.  ``max_observed`` is a lower estimate of ``ee_inf``; :meth:`EquivarianceErrorEstimate.
sup_upper_bound` turns the estimate into a certified upper estimate (a
:class:`~symbound.seam.SupErrorUpperBound`) given a Lipschitz constant, when the group samples
of every point form a net with a computable radius (finite enumerations, one-parameter families);
:func:`~symbound.numeric.certified_sup.certified_sup_error` builds its own nets for the others.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import InvalidValueError
from ._orbit_engine import _OrbitStats, _overflow_error
from .intervals import mean_and_se, mean_intervals
from ..seam import SupErrorUpperBound

__all__ = ["EquivarianceErrorEstimate"]


class _LazyIntervals:
    """The intervals of an estimate from its scaled per-point values, computed once on first use.

    The bootstrap generator is private to the estimate and copied for the computation, so the
    numbers are those of computing them at once, whenever and however often they are asked for."""

    def __init__(self, ms, bs, conf, n_boot, boot_rng, p, root_unit):
        self._args = (ms, bs, conf, n_boot, boot_rng, p, root_unit)
        self._values: dict | None = None

    def get(self) -> dict:
        if self._values is None:
            ms, bs, conf, n_boot, boot_rng, p, root_unit = self._args
            iv = mean_intervals(ms, conf, copy.deepcopy(boot_rng), n_boot, denominators=bs)

            def root(pair):
                return (max(pair[0], 0.0) ** (1 / p) * root_unit,
                        max(pair[1], 0.0) ** (1 / p) * root_unit)

            pairs = {"ci": root(iv.ci), "ci_normal": root(iv.normal),
                     "ci_bootstrap": root(iv.percentile), "ci_studentized": root(iv.studentized)}
            if not all(math.isfinite(v) for pair in pairs.values() for v in pair):
                raise _overflow_error(p, "the intervals of X (a relative error whose p-th power "
                                         "exceeds the float64 range)")
            self._values = dict(pairs, ci_method=iv.method, ci_reliability=iv.reliability,
                                ci_diagnostic=iv.diagnostic, tail_index=iv.tail_index)
        return self._values


def _interval_attribute(name: str, default, doc: str) -> property:
    """A read-only attribute of the estimate's lazily computed intervals (``default`` for an
    estimate built without them)."""
    def get(self):
        return default if self._intervals is None else self._intervals.get()[name]

    return property(get, doc=doc)


@dataclass(repr=False)
class EquivarianceErrorEstimate:
    r"""Estimate of the integrated equivariance error ee_p (THEORY.md section 3).

    Attributes
    ----------
    value : the estimate of ``ee_p`` (``(mean_i m_i)^(1/p)``); divided by ``||f||_{L^p(mu)}`` when
        ``relative``.
    stderr : delta-method standard error of ``value``.
    ci : the reported confidence interval (studentized bootstrap, with a fitted Pareto tail for
        the upper limit; :mod:`symbound.numeric.intervals`); ``ci_method`` says how it was formed.
        The intervals (``ci``, every ``ci_*`` and ``tail_index``) are computed on first access of
        one of them, with the estimate's own bootstrap generator: the same numbers whenever they
        are read, and nothing paid for them by a caller who reads only ``value``.
    ci_normal : the CLT interval (it under-covers unless the tail is light and the skewness small:
        see ``ci_diagnostic``; ``ci`` is the one to report).
    ci_bootstrap : percentile bootstrap interval over the data points (seeded).
    ci_studentized : the studentized (bootstrap-t) interval.
    ci_reliability : ``"light tail"``, ``"heavy tail"``, ``"unreliable"`` or ``"unassessed"``, a
        description of the sample's tail (a small sample that missed rare large values looks
        light; :mod:`symbound.numeric.intervals` gives measured conditional coverages);
        ``ci_diagnostic`` says why; ``tail_index`` is the fitted
        Pareto shape of the per-point values ``m_i`` (nan when not fitted).
    max_observed : the largest pointwise error ``e(x_i, g)`` seen (never relative).  A LOWER
        ESTIMATE of the sup error ee_inf (``max_observed_is_lower_estimate`` is True); use
        :meth:`sup_upper_bound` for a certified upper estimate.
    argmax : (data index, group sample index) of ``max_observed``; ``worst_element`` is that element.
    per_point : (N,) orbit errors ``(mean_k e(x_i, g_ik)^p)^(1/p)``; ``quantiles`` are theirs.
    per_point_max : (N,) ``max_k e(x_i, g_ik)``; ``per_point_output_norm`` (N,) ``|f(x_i)|``.
    n_samples, n_group_samples : N and K (per point).
    sampling : what was sampled how.
    estimation : how the intervals were derived.
    """

    value: float
    stderr: float
    max_observed: float
    argmax: tuple
    worst_element: np.ndarray
    n_samples: int
    n_group_samples: int
    sampling: str
    p: float
    relative: bool
    confidence: float
    quantiles: dict
    per_point: np.ndarray
    path: str
    output_dtype: object
    estimation: str
    mean_power: float = 0.0
    stderr_mean_power: float = 0.0
    per_point_max: np.ndarray | None = None
    per_point_output_norm: np.ndarray | None = None
    max_observed_is_lower_estimate: bool = field(default=True)
    # what sup_upper_bound needs: the points, the sampling spec and key, rho and the output size
    _points: np.ndarray | None = field(default=None, repr=False)
    _spec: object = field(default=None, repr=False)
    _key: object = field(default=None, repr=False)
    _rho: object = field(default=None, repr=False)
    _q: int = field(default=1, repr=False)
    # the intervals, computed on first access of one of them (the bootstrap is most of the cost of
    # an estimate of a fast model); None for an estimate built by hand without them
    _intervals: _LazyIntervals | None = field(default=None, repr=False)

    ci = _interval_attribute("ci", (math.nan, math.nan), "The reported confidence interval "
                             "(computed on first access, like every ``ci_*`` and ``tail_index``).")
    ci_bootstrap = _interval_attribute("ci_bootstrap", (math.nan, math.nan),
                                       "The percentile bootstrap interval.")
    ci_normal = _interval_attribute("ci_normal", (math.nan, math.nan), "The CLT interval.")
    ci_studentized = _interval_attribute("ci_studentized", (math.nan, math.nan),
                                         "The studentized (bootstrap-t) interval.")
    ci_method = _interval_attribute("ci_method", "", "How ``ci`` was formed.")
    ci_reliability = _interval_attribute("ci_reliability", "unassessed", "The tail of the sample: "
                                         "light, heavy, unreliable or unassessed.")
    ci_diagnostic = _interval_attribute("ci_diagnostic", "", "Which interval to trust and why.")
    tail_index = _interval_attribute("tail_index", math.nan, "The fitted Pareto shape of the "
                                     "per-point values ``m_i`` (nan when not fitted).")

    def sup_upper_bound(self, lipschitz: float, region: Any = None, *,
                        lipschitz_rho: float | None = None) -> SupErrorUpperBound:
        r"""A certified upper estimate of the sup error ``ee_inf(f; S)`` from this estimate.

        For each data point, its K group samples are a net of S whose covering radius ``r_g(x_i)``
        is computed from the samples (0 for an exactly enumerated finite set; the largest gap of
        the sorted angles or shifts for SO(2), O(2), PartialRotations on a plane and
        Translations(1)); then (proof in :mod:`symbound.numeric.certified_sup`)
        ``sup_s e(x_i, s) <= max_k e(x_i, g_ik) + (L c(x_i) + L_rho |f(x_i)|) r_g(x_i)``.

        Parameters
        ----------
        lipschitz : L, a Lipschitz constant of the model (on all inputs).
        region : ``None``: the sup over the estimate's points (``scope="sample"``); a Space
            (``Ball``, ``Cube``, ``Annulus``, ``Sphere``, ``Torus``): the sup over it, with the
            fill distance of the points certified by cells (``scope="region"``).
        lipschitz_rho : for a callable rho on an infinite set.

        Returns
        -------
        SupErrorUpperBound

        Raises
        ------
        InvalidValueError
            for sets whose sampled elements have no computable covering radius (SO(3), ...):
            use :func:`symbound.certified_sup_error`, which builds certified nets.

        Examples
        --------
        >>> import numpy as np
        >>> from symbound.groups import Cyclic
        >>> from symbound.numeric.orbit import equivariance_error
        >>> X = np.random.default_rng(0).normal(size=(200, 2))
        >>> est = equivariance_error(lambda xs: xs[:, 0], Cyclic(4), X, seed=0)
        >>> ub = est.sup_upper_bound(lipschitz=1.0)          # scope "sample", exact enumeration
        >>> ub.value >= est.max_observed, ub.scope
        (True, 'sample')
        """
        from .certified_sup import _from_estimate

        if self._points is None:
            raise InvalidValueError("this estimate does not carry its points (built by hand): "
                                    "use symbound.certified_sup_error(model, group, region, ...)")
        return _from_estimate(self, lipschitz, region, lipschitz_rho)

    def __repr__(self) -> str:
        rel = " (relative to ||f||_p)" if self.relative else ""
        q = ", ".join(f"{k:g}: {v:.4g}" for k, v in self.quantiles.items())
        c = self.confidence
        return (
            f"EquivarianceErrorEstimate(ee_{self.p:g}{rel} = {self.value:.6g} ± {self.stderr:.2g} (stderr)\n"
            f"  {c:.0%} CI           [{self.ci[0]:.6g}, {self.ci[1]:.6g}] ({self.ci_reliability}: "
            f"{self.ci_diagnostic})\n"
            f"  {c:.0%} CI normal    [{self.ci_normal[0]:.6g}, {self.ci_normal[1]:.6g}]\n"
            f"  {c:.0%} CI bootstrap [{self.ci_bootstrap[0]:.6g}, {self.ci_bootstrap[1]:.6g}] "
            "(percentile)\n"
            f"  max observed error {self.max_observed:.6g} at X[{self.argmax[0]}], group sample "
            f"{self.argmax[1]} -- a LOWER ESTIMATE of the sup error ee_inf (sup_upper_bound() "
            "gives a certified upper one)\n"
            f"  per-point orbit-error quantiles {{{q}}}\n"
            f"  N = {self.n_samples} data points x K = {self.n_group_samples} group samples "
            f"({self.path} path); {self.sampling})"
        )

    __str__ = __repr__

    def _repr_pretty_(self, p, cycle):  # IPython
        p.text(repr(self))


def _summarise(st: _OrbitStats, spec, key, p, relative, qs, conf, n_boot, boot_rng, path, dtype,
               X=None, rho=None, q=1):
    """The estimate, its (lazily computed) intervals and the quantiles from the per-point means
    ``m_i``.

    Every statistic is computed on ``m / max(m)`` (and ``||f(x_i)|| / max ||f||``) and scaled back
    in the ``t^(1/p)`` domain: the standard deviation squares ``m_i`` (``e^(2p)``) and the mean sums
    them, which would overflow float64 long before ``m_i`` itself does."""
    m = st.m
    sm = float(m.max())
    sm = sm if sm > 0 else 1.0
    ms = m / sm  # in [0, 1]
    if relative:
        nmax = float(st.norms.max())
        if nmax == 0.0:
            raise InvalidValueError("relative=True needs a model that is not identically zero on X")
        bs = (st.norms / nmax) ** p
        root_unit = sm ** (1 / p) / nmax        # (sm / nmax^p)^(1/p): the scale of the value
        scale = nmax * float(bs.mean()) ** (1 / p)  # ||f||_{L^p(mu)}
        est_txt = ("ratio estimator mean(m_i)/mean(||f(x_i)||^p); intervals for it (normal with a "
                   "delta-method stderr, percentile and studentized bootstrap over the data "
                   "points), clipped at 0, to the power 1/p")
    else:
        bs = None
        root_unit = sm ** (1 / p)
        scale = 1.0
        est_txt = ("intervals for E e^p from the iid per-point means m_i (normal, percentile and "
                   "studentized bootstrap over the data points, and the studentized bootstrap with "
                   "a fitted Pareto tail), clipped at 0, to the power 1/p; stderr of the value by "
                   "the delta method")
    center_s, se_s = mean_and_se(ms, bs)  # the center and se of mean_intervals
    value = center_s ** (1 / p) * root_unit
    stderr = (root_unit * se_s / (p * center_s ** (1 - 1 / p)) if center_s > 0 else
              (0.0 if se_s == 0 else math.inf))
    unit = root_unit ** p  # the e^p domain: may overflow for a relative error (then raise below)
    center, se = center_s * unit, se_s * unit
    per_point = m ** (1 / p)
    quant = {t: float(np.quantile(per_point / scale, t)) for t in qs}
    if not all(math.isfinite(v) for v in (value, stderr, center, se)):
        raise _overflow_error(p, "the summary of X (a relative error whose p-th power exceeds the "
                                 "float64 range)")
    i_worst = int(np.argmax(st.mx))
    k_worst = int(st.arg[i_worst])
    rows = np.empty((spec.K, spec.esize))
    spec.sample_rows(key, i_worst, rows)
    worst = spec.to_group_repr(rows[k_worst:k_worst + 1])[0]
    return EquivarianceErrorEstimate(
        value=float(value), stderr=float(stderr),
        max_observed=float(st.mx[i_worst]), argmax=(i_worst, k_worst), worst_element=worst,
        n_samples=m.shape[0], n_group_samples=spec.K, sampling=spec.description, p=p,
        relative=bool(relative), confidence=float(conf), quantiles=quant, per_point=per_point,
        path=path, output_dtype=dtype, estimation=est_txt, mean_power=float(center),
        stderr_mean_power=float(se), per_point_max=st.mx, per_point_output_norm=st.norms,
        _points=X, _spec=spec, _key=key, _rho=rho, _q=int(q),
        _intervals=_LazyIntervals(ms, bs, conf, n_boot, boot_rng, p, root_unit))
