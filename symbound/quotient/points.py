r"""S_n permuting n points of a space (configurations of unlabelled points), or permuting the n
coordinates of a cube or torus (THEORY.md §2): the multiset cover.

The case class states its bounds and proves them in its docstring; the pairs are registered at the
end of the module.
"""

from __future__ import annotations

import sympy as sp

from .._validation import brief
from ..errors import InvalidValueError
from ..groups import Symmetric
from ..spaces import Annulus, Ball, Cube, Space, Torus, _ceil, _exact, unit_ball_volume
from ._common import ASYM, REF, Case, best, is_numeric, log_factorial, merge_regimes, order_plus, record
from .registry import Pair, register

__all__: list[str] = []


def _euclidean_points(base: Space) -> bool:
    """Whether ``base`` is a full-dimensional subset of R^p (or a flat torus) with the Euclidean metric,
    so that its closed eps-balls have volume at most ``omega_p eps^p``."""
    if isinstance(base, (Ball, Annulus, Torus)):
        return True
    return isinstance(base, Cube) and (base.metric == "euclidean" or base.manifold_dim == 1)


# --------------------------------------------------------------------------------------------
class _PointConfigurationsCase(Case):
    r"""S_n permuting n points of a base space B: ``X = B^n``, ``N_{S_n}(B^n, eps)``.

    Metric on configurations: ``"max"`` (default), ``d(x, y) = max_i d_B(x_i, y_i)``, or
    ``"euclidean"``, ``d(x, y) = (sum_i d_B(x_i, y_i)^2)^{1/2}`` — the metric of the flattened point
    cloud that numeric code (``empirical_covering_number``) uses.  ``d_max <= d_2 <= sqrt(n) d_max``.

    **Upper bound (multiset cover), max metric.**  Let ``a_1..a_m`` be an eps-cover of B,
    ``m = N(B, eps)``.  The ``C(m + n - 1, n)`` sorted tuples ``(a_{j_1}, ..., a_{j_n})``,
    ``j_1 <= ... <= j_n``, form an (eps, S_n)-cover of ``B^n``: for x pick ``j(i)`` with
    ``d(x_i, a_{j(i)}) <= eps``; the tuple ``(a_{j(1)}, ..., a_{j(n)})`` is a permutation of a
    sorted one, so

    .. math::

        N_{S_n}(B^n, \varepsilon) \le \binom{N(B, \varepsilon) + n - 1}{n}
        \;\Big(\le \frac{N(B,\varepsilon)^n}{n!}\big(1 + O(n^2/N)\big)\Big).

    Euclidean metric: the same with ``N(B, eps / sqrt n)`` (an eps/sqrt(n) max-cover is an eps
    l2-cover).  **Exact, 1-D base.**  For an interval of length L and the max metric the bound is
    exact with ``m = ceil(L/(2 eps))``: the multisets of the points ``j L/(m-1)`` (spacing
    ``> 2 eps``) are pairwise more than 2 eps apart in the quotient metric (in 1-D, sorted matching
    is optimal), so no (eps, S_n)-ball holds two of them.

    **Lower bounds.**  ``N_lower(B^n, eps) / n!`` (THEORY.md §2) with ``N(B^n, eps)`` bounded below
    by volume (``(vol B / vol B_eps)^n``, or ``vol(B)^n / (omega_{pn} eps^{pn})`` for l2) when B is
    a full-dimensional Euclidean set, and in general by ``N(B, 2 eps)^n`` (products of 2eps-separated
    sets are 2eps-separated in the max metric, and ``d_2 >= d_max``).

    **Asymptotic:** ``N(B^n, eps) / n!`` (S_n acts freely off the null set of coincident points).
    """

    def __init__(self, space, group, base: Space, metric: str, label: str):
        super().__init__(space, group)
        self.base, self.n, self.metric, self.label = base, group.n, metric, label
        # permuting points: the quotient is of B^n, not of the base space B (no N(B) comparison)
        self.bounds_space = label != "points"
        self.interval = None
        if isinstance(base, Ball) and base.manifold_dim == 1:
            self.interval = 2 * base.radius
        elif isinstance(base, Cube) and base.manifold_dim == 1:
            self.interval = base.side
        self.description = f"configurations of {self.n} unlabelled points of {base.name} ({metric} metric)"

    @property
    def dim(self):
        return self.n * self.base.manifold_dim

    @property
    def volume(self):
        v = self.base.volume
        if v is None:
            return None
        if self.base.manifold_dim == 0:  # counting measure: the number of multisets
            return sp.binomial(v + self.n - 1, self.n)
        return v**self.n / sp.factorial(self.n)

    def _multiset(self, m, m_log_method, regime, kind="upper"):
        n = self.n
        if is_numeric(m):
            M = sp.floor(_exact(sp.sympify(m)))
            M = sp.Max(M, 1)
            expr = sp.binomial(M + n - 1, n)
            log_expr = sp.Add(*[sp.log(M + i) for i in range(n)]) - log_factorial(n)
        else:
            expr = sp.binomial(m + n - 1, n)
            log_expr = sp.Add(*[sp.log(m + i) for i in range(n)]) - log_factorial(n)
        return record(expr, log_expr, kind, m_log_method,
                       REF + "; symbound.quotient (multiset cover)", regime)

    def _exact_interval(self, e):
        m = _ceil(self.interval / (2 * e))
        return self._multiset(m, "exact: multisets of an interval grid, C(ceil(L/(2 eps)) + n - 1, n)",
                              (), kind="exact")

    def upper(self, e):
        if self.interval is not None and self.metric == "max":
            return self._exact_interval(e)
        eb = e if self.metric == "max" else e / sp.sqrt(self.n)
        b = self.base.covering(eb, "upper")
        how = "N(B, eps)" if self.metric == "max" else "N(B, eps/sqrt n)"
        return self._multiset(b.expr, f"multiset cover C({how} + n - 1, n) [{b.method}]", b.regime)

    def _volume_lower(self, e):
        base, n, p = self.base, self.n, self.base.manifold_dim
        if base.volume is None or p == 0:
            return None
        v = base.volume
        if self.metric == "max":
            if isinstance(base, Cube) and base.metric == "sup":
                ball, lball = (2 * e) ** p, p * sp.log(2 * e)
            elif _euclidean_points(base):
                ball, lball = unit_ball_volume(p) * e**p, sp.log(unit_ball_volume(p)) + p * sp.log(e)
            else:
                return None
            return ((v / ball) ** n, n * (sp.log(v) - lball), "volume argument (B^n, max metric)")
        if not _euclidean_points(base):
            return None
        om = unit_ball_volume(n * p)
        return (v**n / (om * e ** (n * p)), n * sp.log(v) - sp.log(om) - n * p * sp.log(e),
                "volume argument (B^n, l2 metric)")

    def lower(self, e):
        if self.interval is not None and self.metric == "max":
            return self._exact_interval(e)
        q, lq = order_plus(self.group)
        cands = []
        vol = self._volume_lower(e)
        if vol is not None:
            cands.append((vol[0] / q, vol[1] - lq, f"|S+| argument: {vol[2]} / n!", REF, ()))
        b2 = self.base.covering(2 * e, "lower")
        cands.append((b2.expr**self.n / q, self.n * b2.log_expr - lq,
                      f"|S+| argument: N(B, 2 eps)^n / n! [{b2.method}]", REF, b2.regime))
        if self.interval is not None:  # l2 metric on an interval: d_2 >= d_max
            ex = self._exact_interval(e)
            cands.append((ex.expr, ex.log_expr, "max-metric exact count (d_2 >= d_max)", REF, ()))
        return best(cands, "lower")

    def asymptotic(self, e):
        q, lq = order_plus(self.group)
        if self.base.manifold_dim == 0:
            # a discrete base: coincident points are not a null set, so N/n! would be wrong; below
            # the separation of the base points every multiset is its own (eps, S_n)-ball
            b = self.base.covering(e, "asymptotic")
            return self._multiset(b.expr, f"number of multisets C(N(B) + n - 1, n) [{b.method}]",
                                  merge_regimes(b.regime, (ASYM,)), kind="asymptotic")
        regime = (ASYM, "S_n acts freely off the null set where two points coincide (THEORY.md §2)")
        if self.metric == "max":
            b = self.base.covering(e, "asymptotic")
            return record(b.expr**self.n / q, self.n * b.log_expr - lq, "asymptotic",
                           f"N(B, eps)^n / n! [{b.method}]", REF + "; " + b.reference,
                           merge_regimes(b.regime, regime))
        if not _euclidean_points(self.base) or self.base.volume is None:
            raise InvalidValueError(
                "kind='asymptotic' with metric='euclidean' needs a full-dimensional Euclidean base "
                f"(Ball, Annulus, Cube, Torus), got {brief(self.base)}; available: ['upper', 'lower']"
            )
        p, n, v = self.base.manifold_dim, self.n, self.base.volume
        om = unit_ball_volume(n * p)
        regime = regime + ("up to the covering density theta_m >= 1",) if n * p >= 2 else regime
        return record(v**n / (om * e ** (n * p)) / q,
                       n * sp.log(v) - sp.log(om) - n * p * sp.log(e) - lq, "asymptotic",
                       "vol(B)^n / (omega_{np} eps^{np} n!)", REF, regime)



# ------------------------------------------------------------------------------------------------
# registered pairs
# ------------------------------------------------------------------------------------------------


def _points(space, group, options):
    if group.axis != -2:
        return None
    return _PointConfigurationsCase(space, group, space, options.get("metric") or "max", "points")


def _cube_coordinates(space, group, options):
    if group.axis != -1:
        return None
    base = Cube(1, side=space.side)
    met = "max" if space.metric == "sup" else "euclidean"
    return _PointConfigurationsCase(space, group, base, met, "coordinates")


def _torus_coordinates(space, group, options):
    if group.axis != -1:
        return None
    return _PointConfigurationsCase(space, group, Torus(1, period=space.period), "euclidean",
                                    "coordinates")


register(Pair(
    key="points", title="S_n permuting n points of a space (Symmetric(n), axis=-2)",
    spaces=(Space,), groups=(Symmetric,), build=_points,
    method="multiset cover C(N(B) + n - 1, n); N(B^n)/n! lower bound", status="certified",
    quotient_dim="n dim B", drop="0", proof="symbound.quotient.points._PointConfigurationsCase",
    priority=100, checked=False))
register(Pair(
    key="cube-coordinates", title="S_n permuting the coordinates of a cube [0, a]^n",
    spaces=(Cube,), groups=(Symmetric,), build=_cube_coordinates,
    method="multiset cover of n points of [0, a] (exact in the sup metric)", status="certified",
    quotient_dim="n", drop="0", proof="symbound.quotient.points._PointConfigurationsCase",
    priority=50))
register(Pair(
    key="torus-coordinates", title="S_n permuting the coordinates of a torus",
    spaces=(Torus,), groups=(Symmetric,), build=_torus_coordinates,
    method="multiset cover of n points of a circle", status="certified", quotient_dim="n",
    drop="0", proof="symbound.quotient.points._PointConfigurationsCase", priority=50))
