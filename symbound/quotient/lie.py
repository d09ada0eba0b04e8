r"""Compact groups whose quotient is understood (THEORY.md §2): transitive actions (a point),
radial actions (an interval), the trivial group, and compact groups on an abstract manifold with
declared orbit data.  SO(2) on a coordinate plane of a ball or sphere is in :mod:`.axial`, the
diagonal action of O(d) on pairs of points in :mod:`.pairs`, products of groups on products of
spaces in :mod:`.products`.

Each case class states its bounds and proves them in its docstring; the pairs are registered at
the end of the module.
"""

from __future__ import annotations

import sympy as sp

from ..groups import O, SO, PartialRotations, Translations, TransformationSetBase
from ..spaces import Annulus, Ball, Manifold, Space, Sphere, Torus, _ceil, _exact, unit_ball_volume
from ._common import ASYM, REF, Case, record
from ._planar import planar_radii
from .registry import Pair, register

__all__: list[str] = []


class _IdentityCase(Case):
    """S+ = {id}: N_S = N.

    SO(1), and rotations by at most ``theta = 0`` in a plane or about any axis
    (``PartialRotations(0, dim=3, plane=None)``): the only rotation by angle 0 is the identity, so
    an (eps, S)-cover is an eps-cover.  (theta = 0 is accepted rather than refused, because it is
    the natural end of the family: the bounds for theta > 0 decrease to N as theta -> 0.)"""

    description = "S+ = {id}: the quotient is the space itself"

    @property
    def kinds(self):
        return tuple(self.space.available_kinds)

    @property
    def dim(self):
        return self.space.manifold_dim

    @property
    def volume(self):
        return self.space.volume

    def covering(self, e, kind):
        b = self.space.covering(e, kind)
        return record(b.expr, b.log_expr, b.kind, f"S+ = {{id}}: N_S = N [{b.method}]",
                       REF + "; " + b.reference, b.regime)


class _PointCase(Case):
    r"""A transitive action: the quotient is a point and ``N_G = 1`` exactly.

    SO(d) (d >= 2) and O(d) act transitively on ``S^{d-1}``; the translations of a torus act
    transitively on it (THEORY.md §2).  One centre c: every x equals g(c) for some g.
    """

    description = "a point (transitive action)"

    @property
    def dim(self):
        return 0

    @property
    def volume(self):
        return sp.Integer(1)

    def _one(self, kind):
        return record(1, 0, kind, "transitive action: the quotient is a point", REF)

    def upper(self, e):
        return self._one("exact")

    def lower(self, e):
        return self._one("exact")

    def asymptotic(self, e):
        return self._one("asymptotic")


class _IntervalCase(Case):
    r"""Quotient isometric to an interval ``[r_1, r_2]`` with ``d_G([x], [y]) = ||x| - |y||``.

    Applies to SO(2)/O(2) on an annulus ``r_1 <= |x| <= r_2`` (``r_1 = 0``: a disk) and to SO(d)/O(d)
    on ``B^d_R`` (``[0, R]``): the group is transitive on every sphere ``|x| = r`` and acts by
    isometries, so ``inf_g |g x - y| = ||x| - |y||``.  Exact (THEORY.md §2 and §1):

    .. math:: N_G(X, \varepsilon) = \Big\lceil \frac{r_2 - r_1}{2\varepsilon} \Big\rceil .

    *Upper:* an eps-cover of the interval by ``ceil((r_2 - r_1)/(2 eps))`` points lifts to an
    (eps, G)-cover (a centre of each radius).  *Lower:* the radius map ``x -> |x|`` is 1-Lipschitz,
    G-invariant and onto ``[r_1, r_2]``, so an (eps, G)-cover maps to an eps-cover of the interval,
    which needs ``ceil(length / (2 eps))`` points (Lipschitz image, THEORY.md §1).
    """

    def __init__(self, space, group, r1, r2):
        super().__init__(space, group)
        self.r1, self.r2 = r1, r2
        self.description = f"the interval [{r1}, {r2}] with d_G = ||x| - |y||"

    @property
    def dim(self):
        return 1

    @property
    def volume(self):
        return self.r2 - self.r1

    def _exact(self, e):
        n = _ceil((self.r2 - self.r1) / (2 * e))
        return record(n, sp.log(n), "exact", "radius map onto [r1, r2]: ceil((r2 - r1)/(2 eps))",
                       REF + "; THEORY.md §1 (Lipschitz image)")

    def upper(self, e):
        return self._exact(e)

    def lower(self, e):
        return self._exact(e)

    def asymptotic(self, e):
        L = self.r2 - self.r1
        return record(L / (2 * e), sp.log(L) - sp.log(2 * e), "asymptotic",
                       "interval length / (2 eps)", REF, (ASYM,))


class _DeclaredLieCase(Case):
    r"""A compact group acting isometrically on an abstract m-manifold, with the orbit data declared.

    THEORY.md §2: if the principal orbits have dimension k', the quotient has dimension
    ``d_0 = m - k'`` and, as eps -> 0,

    .. math:: N_G(X, \varepsilon) \sim \frac{\operatorname{vol}(X/G)}{\omega_{d_0} \varepsilon^{d_0}}

    (the volume ratio of THEORY.md §1, up to the covering density for ``d_0 >= 2``).  Asymptotic only.
    """

    kinds = ("asymptotic",)

    def __init__(self, space, group, orbit_dim: int, quotient_volume: sp.Expr):
        super().__init__(space, group)
        self.d0 = space.manifold_dim - orbit_dim
        self.qvol = quotient_volume
        self.description = f"a {self.d0}-dimensional quotient of volume {quotient_volume} (declared)"

    @property
    def dim(self):
        return self.d0

    @property
    def volume(self):
        return self.qvol

    def asymptotic(self, e):
        d0 = self.d0
        om = unit_ball_volume(d0)
        regime = (ASYM, "orbit dimension and quotient volume as declared by the caller")
        if d0 >= 2:
            regime += ("up to the covering density theta_m >= 1",)
        return record(self.qvol / (om * e**d0), sp.log(self.qvol) - sp.log(om) - d0 * sp.log(e),
                       "asymptotic", "vol(X/G) / (omega_{d0} eps^{d0})", REF, regime)



# ------------------------------------------------------------------------------------------------
# registered pairs
# ------------------------------------------------------------------------------------------------

_ROTATIONS = (SO, O)


def _identity(space, group, options):
    if isinstance(group, SO) and group.degree == 1:
        return _IdentityCase(space, group)
    # rotations by at most 0 are the identity alone, in a plane or about any axis (plane=None):
    # S+ = {id} and N_S = N, the same answer as for every other set with S+ = {id}
    if isinstance(group, PartialRotations) and _exact(sp.sympify(group.max_angle)).is_zero:
        return _IdentityCase(space, group)
    return None


def _transitive(space, group, options):
    if isinstance(space, Torus) or group.degree == space.ambient_dim:
        return _PointCase(space, group)
    return None


def _radial_ball(space, group, options):
    if group.degree == space.ambient_dim:
        return _IntervalCase(space, group, sp.Integer(0), space.radius)
    return None


def _radial_planar(space, group, options):
    radii = planar_radii(space)
    if radii is None:
        return None
    if isinstance(group, PartialRotations) and \
            sp.Ge(_exact(sp.sympify(group.max_angle)), sp.pi) is not sp.true:
        return None
    return _IntervalCase(space, group, *radii)


def _declared(space, group, options):
    return _DeclaredLieCase(space, group, options["orbit_dim"], options["quotient_volume"])


register(Pair(
    key="identity", title="S+ = {id} (SO(1), rotations by at most 0 in a plane or about any axis) on any space",
    spaces=(Space,), groups=(SO, PartialRotations), build=_identity,
    method="N_S = N (the space's own bounds)", status="certified", quotient_dim="dim X", drop="0",
    proof="symbound.quotient.lie._IdentityCase", priority=90))
register(Pair(
    key="transitive", title="SO(d)/O(d) on S^{d-1}; translations of a torus",
    spaces=(Sphere, Torus), groups=(SO, O, Translations), build=_transitive,
    method="transitive action: the quotient is a point", status="exact", quotient_dim="0",
    drop="dim X", proof="symbound.quotient.lie._PointCase", priority=80))
register(Pair(
    key="radial-ball", title="SO(d)/O(d) on the ball B^d_R",
    spaces=(Ball,), groups=_ROTATIONS, build=_radial_ball,
    method="radius map onto [0, R]: ceil(R/(2 eps))", status="exact", quotient_dim="1",
    drop="d - 1", proof="symbound.quotient.lie._IntervalCase", priority=80))
register(Pair(
    key="radial-planar",
    title="SO(2)/O(2) (or rotations by at most theta >= pi) on an annulus or disk",
    spaces=(Annulus, Ball), groups=(SO, O, PartialRotations), build=_radial_planar,
    method="radius map onto [r1, r2]: ceil((r2 - r1)/(2 eps))", status="exact", quotient_dim="1",
    drop="1", proof="symbound.quotient.lie._IntervalCase", priority=70))
register(Pair(
    key="declared-manifold", title="a compact group on a Manifold (orbit_dim=, quotient_volume= declared)",
    spaces=(Manifold,), groups=(TransformationSetBase,), build=_declared,
    method="vol(X/G) / (omega_{d0} eps^{d0})", status="asymptotic", quotient_dim="m - orbit_dim",
    drop="orbit_dim", proof="symbound.quotient.lie._DeclaredLieCase", priority=100,
    checked=False))
