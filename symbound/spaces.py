r"""Input spaces and their covering numbers (THEORY.md section 1).

Every space answers ``covering(eps, kind)`` with a :class:`~symbound._covering.CoveringBound`: the
value of ``N(A, eps)`` (least number of closed eps-balls with centres in ``A`` that cover ``A``), a
certified ``"upper"`` or ``"lower"`` bound on it, an ``"exact"`` value, or an ``"asymptotic"`` form,
together with ``ln N`` built in log form, the argument used, its reference and its regime.

Conventions shared by all spaces
--------------------------------
* ``eps`` may be a positive number or a SymPy expression (e.g. ``symbol("eps")``).  Python floats
  are never parsed from text.  A certified (``"upper"``/``"lower"``) answer at a numeric eps is
  computed with eps and the space's parameters as the exact binary numbers they store, and is a
  SymPy Integer: ``floor`` of a real upper bound, ``ceil`` of a real lower bound, decided in exact
  arithmetic (:func:`symbound._covering.integer_bound`).  So ``Ball(2).covering_number(0.1)`` is
  440 (the float 0.1 exceeds 1/10, and ``(1 + 2/eps)^2 = 440.99999999999995``), 441 at
  ``Rational(1, 10)``.  Asymptotic forms and symbolic eps keep floats as :class:`sympy.Float`.
* **Symbolic eps.**  The expression returned is the formula of the main regime, and the conditions
  under which it holds are listed in ``regime`` (e.g. ``("eps <= 2",)`` for the sphere).  No
  ``Piecewise`` is used, so the expression reads like the paper.
* **Numeric eps.**  The regime is decided: when one ball already covers (``eps`` at least the
  radius of a ball with centre in ``A`` containing ``A``) the answer is ``1`` with kind ``"exact"``
  and method ``"one ball"``; lower bounds below 1 are replaced by the trivial ``N >= 1``; when
  several certified upper bounds apply, the smallest is returned and ``method`` names it.  With a
  symbolic ``eps`` the upper bound is ``Min`` of the candidates (and ``log_expr`` the ``Min`` of
  their logarithms).
* ``"asymptotic"`` forms are the volume ratios ``vol(A) / (omega_m eps^m)`` of THEORY.md section 1.
  They have the right order ``eps^{-m}``, but for ``m >= 2`` not the right constant: any covering
  of the plane by equal disks has density at least ``theta_2 = 2 pi / sqrt(27) ~ 1.209`` (Kershner
  1939), and in general ``N(A, eps) eps^m omega_m / vol(A)`` tends to the covering density
  ``theta_m > 1`` of ``R^m`` (Kolmogorov and Tikhomirov 1959; Rogers, *Packing and Covering*,
  1964).  For ``m >= 2`` the form is therefore an asymptotic *lower* envelope (exact for
  ``m <= 1``), and the ``regime`` of the answer says so.

The packing argument used for upper bounds: a maximal set whose points are pairwise more than eps
apart is an eps-cover with centres in ``A``, and the closed balls of radius eps/2 around its points
are disjoint and lie in the parallel set ``A + B_{eps/2}``, hence

.. math::

    N(A, \varepsilon) \le P(A, \varepsilon)
    \le \frac{\operatorname{vol}(A + B_{\varepsilon/2})}{\operatorname{vol}(B_{\varepsilon/2})} .

For a convex body ``K`` Steiner's formula gives
``vol(K + B_r) = sum_j V_j(K) omega_{d-j} r^{d-j}`` with the intrinsic volumes ``V_j``.
"""

from __future__ import annotations

import copy
import fractions
import numbers
from abc import ABC, abstractmethod
from typing import Any, Union

import sympy as sp

from ._covering import (KINDS, MAX_RESOLVED_DIGITS, CoveringBound, check_kind, integer_bound,
                        integral, power_difference_upper, rational_power, value_from_log)
from ._steiner import cube_steiner_enclosure
from ._validation import check_choice, check_integer, check_real, one_dimension
from .errors import InvalidTypeError, InvalidValueError
from .printing import latex_to_text
from .symbols import symbol_names

__all__ = [
    "Space",
    "Ball",
    "Cube",
    "Sphere",
    "Annulus",
    "Torus",
    "Manifold",
    "FiniteSet",
    "Product",
    "unit_ball_volume",
]

#: a real parameter: a Python/NumPy number or a SymPy expression (possibly symbolic)
RealLike = Union[int, float, sp.Expr]

_REF = "THEORY.md §1"
_REF_STEINER = "THEORY.md §1; Steiner's formula (Schneider, Convex Bodies, 2nd ed., §4.2)"
#: above this dimension the Euclidean cube's upper bound at a numeric eps is computed in integer and
#: directed-rounding arithmetic (:meth:`Cube._upper_enclosed`), never as a (d+1)-term SymPy sum
_STEINER_SYMPY_MAX_DIM = 12
_ASYMPTOTIC_REGIME = "asymptotic as eps -> 0"
_DENSITY_CAVEAT = (
    "leading order up to the covering density theta_m >= 1 of R^m "
    "(theta_1 = 1, theta_2 = 2*pi/sqrt(27)): an asymptotic lower envelope for m >= 2"
)


# --------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------


def unit_ball_volume(m: int) -> sp.Expr:
    r"""Volume of the unit ball of ``R^m``.

    .. math:: \omega_m = \frac{\pi^{m/2}}{\Gamma(m/2 + 1)}

    Examples
    --------
    >>> unit_ball_volume(2)
    pi
    >>> unit_ball_volume(3)
    4*pi/3
    """
    m = check_integer("m", m, 0, MAX_DIM)  # exact: Gamma(m/2 + 1) has ~ m log10(m) / 2 digits
    return sp.pi ** sp.Rational(m, 2) / sp.gamma(sp.Rational(m, 2) + 1)


def _log_omega(m: int) -> sp.Expr:
    """ln omega_m in log form (no power of pi, no factorial is formed)."""
    return sp.Rational(m, 2) * sp.log(sp.pi) - sp.loggamma(sp.Rational(m, 2) + 1)


def _to_sympy(value: Any) -> sp.Expr:
    """A validated numeric argument as a SymPy object (numbers only, never text)."""
    if isinstance(value, sp.Basic):
        return value
    if isinstance(value, numbers.Integral):
        return sp.Integer(int(value))
    if isinstance(value, numbers.Rational):
        return sp.Rational(int(value.numerator), int(value.denominator))
    if isinstance(value, numbers.Real):
        return sp.Float(float(value))
    try:  # numpy scalars / 0-d arrays (already validated by check_real)
        return _to_sympy(value.item())
    except AttributeError:
        raise InvalidTypeError(f"expected a real number, got {type(value).__name__} ({value!r})") from None


def _as_expr(x: Any) -> sp.Expr:
    """A SymPy object for an internal number or expression (never parses text)."""
    if isinstance(x, sp.Basic):
        return x
    if isinstance(x, numbers.Number) and not isinstance(x, bool):
        return _to_sympy(x)
    raise InvalidTypeError(f"expected a number or SymPy expression, got {type(x).__name__}")


def _exact(x: sp.Expr) -> sp.Expr:
    """Replace every Float by the exact rational it stores (for ceilings and comparisons)."""
    x = _as_expr(x)
    floats = x.atoms(sp.Float)
    return x.xreplace({f: sp.Rational(f) for f in floats}) if floats else x


def _ceil(x: sp.Expr) -> sp.Expr:
    """``ceiling(x)``; a number is decided in exact arithmetic (Floats as their binary values, an
    irrational value evaluated until its integer part is resolved, see :func:`integer_bound`)."""
    x = _exact(x)
    if not x.free_symbols:
        return integer_bound(x, up=True, outward=False)  # inside a formula: no safe direction
    return sp.ceiling(x)


def _fraction(x: sp.Expr) -> fractions.Fraction | None:
    """An exact rational parameter as a Fraction (a Float as the binary number it stores), or None."""
    x = _exact(x)
    return fractions.Fraction(int(x.p), int(x.q)) if x.is_Rational else None


def _floor_count(value: fractions.Fraction, power: int = 1) -> int | None:
    """``floor(value**power)`` of an upper bound on a count (None beyond ``10**MAX_RESOLVED_DIGITS``,
    where :func:`~symbound._covering.rational_power` rounds outwards instead; a huge power is never
    expanded)."""
    if power > 1 and _huge_power(value.numerator, value.denominator, power):
        return None
    value = value**power
    n = value.numerator // value.denominator
    return n if n < 10**MAX_RESOLVED_DIGITS else None


def _huge_power(p: int, q: int, d: int) -> bool:
    """Whether ``(p/q)**d`` surely has more than about ``MAX_RESOLVED_DIGITS`` digits (from a lower
    estimate of its bit length; such a power is enclosed, never expanded)."""
    return d * (p.bit_length() - q.bit_length() - 1) > 3.33 * MAX_RESOLVED_DIGITS


def _decide(rel) -> bool | None:
    """Three-valued truth of a SymPy relation: True, False, or None when undecidable."""
    if rel is sp.true or rel is True:
        return True
    if rel is sp.false or rel is False:
        return False
    return None


def _ge(a, b) -> bool | None:
    return _decide(sp.Ge(_exact(a), _exact(b)))


def _is_numeric(*exprs: sp.Expr) -> bool:
    return all(not _as_expr(e).free_symbols for e in exprs)


def _tex(x: sp.Expr) -> str:
    return sp.latex(x, symbol_names=symbol_names())


class _Regime(str):
    """A regime condition: its text, and the SymPy relation it was printed from (``.relation``), so
    that callers can test it numerically without parsing the text."""

    relation: sp.Basic

    def __new__(cls, rel):
        obj = super().__new__(cls, str(rel))
        obj.relation = rel
        return obj


def _cond(rel) -> str:
    return _Regime(rel)


def _bound(expr, log_expr, kind, method, reference=_REF, regime=()) -> CoveringBound:
    return CoveringBound(
        expr=_as_expr(expr),
        log_expr=_as_expr(log_expr),
        kind=kind,
        method=method,
        reference=reference,
        regime=tuple(regime),
    )


def _certified_lower(expr, log_expr, method, reference=_REF, regime=()) -> CoveringBound:
    """A certified lower bound; with numeric values, below 1 it is replaced by the trivial N >= 1."""
    if _is_numeric(log_expr) and _decide(sp.Le(log_expr, 0)) is True:
        return _bound(sp.Integer(1), sp.Integer(0), "lower", "trivial (N >= 1)", _REF, ())
    return _bound(expr, log_expr, "lower", method, reference, regime)


def _smallest_upper(cands: list[tuple[sp.Expr, sp.Expr, str, str, tuple[str, ...]]]) -> CoveringBound:
    """The smallest of several certified upper bounds ``(expr, log_expr, method, reference, regime)``.

    Numeric: the candidate with the smallest logarithm, named in ``method``.  Symbolic: ``Min``.
    """
    if len(cands) == 1 or all(_is_numeric(c[1]) for c in cands):
        best = min(cands, key=lambda c: sp.N(c[1], 30)) if len(cands) > 1 else cands[0]
        return _bound(best[0], best[1], "upper", best[2], best[3], best[4])
    regime: list[str] = []
    for c in cands:
        regime += [r for r in c[4] if r not in regime]
    refs: list[str] = []
    for c in cands:
        if c[3] not in refs:
            refs.append(c[3])
    return _bound(
        sp.Min(*[c[0] for c in cands]),
        sp.Min(*[c[1] for c in cands]),
        "upper",
        "min(" + ", ".join(c[2] for c in cands) + ")",
        "; ".join(refs),
        tuple(regime),
    )


def _check_eps(eps: Any) -> sp.Expr:
    check_real("eps", eps, 0, low_closed=False)
    return _to_sympy(eps)


def _volume_ratio(log_volume, volume, m: int, eps, kind: str) -> tuple[sp.Expr, sp.Expr]:
    """``vol / (omega_m eps^m)`` and its logarithm in log form, for a bound of ``kind``.  At a
    numeric eps a value beyond ``10**MAX_RESOLVED_DIGITS`` is never formed exactly: it comes from
    its logarithm (:func:`~symbound._covering.value_from_log`, rounded outwards for a certified
    kind)."""
    log_expr = log_volume - _log_omega(m) - m * sp.log(eps)
    return _from_log(log_expr, kind, lambda: volume / (unit_ball_volume(m) * eps**m)), log_expr


def _from_log(log_expr: sp.Expr, kind: str, make) -> sp.Expr:
    """The value of a bound of ``kind`` with logarithm ``log_expr``: ``make()`` (the exact
    expression), except at numeric values beyond ``10**MAX_RESOLVED_DIGITS``, where it comes from
    the logarithm (:func:`~symbound._covering.value_from_log`; rounded outwards when certified)."""
    huge = value_from_log(log_expr, kind) if _is_numeric(log_expr) else None
    return make() if huge is None else huge


# --------------------------------------------------------------------------------------------
# the abstract space
# --------------------------------------------------------------------------------------------


class Space(ABC):
    """A compact metric space with covering numbers (THEORY.md section 1).

    Attributes (properties)
    -----------------------
    manifold_dim : int
        Intrinsic (covering) dimension: the exponent ``m`` in ``N ~ eps^{-m}``.
    ambient_dim : int or None
        Dimension of the Euclidean space the set lives in (``None`` when there is none); the
        constructors' ``dim`` argument is this dimension (``Sphere(dim=3)`` is S^2 in R^3).
    dim : int
        The dimension where there is only one (``manifold_dim == ambient_dim``, or no ambient
        space); raises :class:`~symbound.errors.AmbiguousDimensionError` otherwise.
    diameter : SymPy expression or None
        ``sup d(x, y)``; ``None`` when unknown (:class:`Manifold`, :class:`FiniteSet`).
    volume : SymPy expression or None
        Hausdorff measure of dimension ``dim`` (Lebesgue volume for full-dimensional sets, surface
        area for the sphere, counting measure for a finite set).
    name : str
        Short plain-text name, e.g. ``"B^3_1"``; :meth:`latex` gives the LaTeX form ``B^{3}_{1}``.

    Notes
    -----
    ``covering(eps, kind)`` returns a :class:`~symbound._covering.CoveringBound`; ``kind`` is the
    request (``"upper"``, ``"lower"`` or ``"asymptotic"``); the answer's ``kind`` may be
    ``"exact"`` when the value is known exactly (which is both an upper and a lower bound).
    """

    #: requests this space can answer
    available_kinds: tuple[str, ...] = KINDS

    # -- descriptive properties ------------------------------------------------------------
    @property
    @abstractmethod
    def manifold_dim(self) -> int:
        """Intrinsic dimension (the exponent m in ``N ~ eps^-m``): 2 for the sphere S^2."""

    @property
    def ambient_dim(self) -> int | None:
        """Dimension of the ambient Euclidean space (``None`` when there is none): 3 for S^2."""
        return self.manifold_dim

    @property
    def dim(self) -> int:
        """The dimension, where the space has only one: :attr:`manifold_dim` when it equals
        :attr:`ambient_dim` or when there is no ambient space.  Where they differ (the sphere
        ``Sphere(dim=3)``, S^2 in R^3) ``dim`` would be a guess, so it raises
        :class:`~symbound.errors.AmbiguousDimensionError` naming both."""
        return one_dimension(self, self.manifold_dim, self.ambient_dim)

    @property
    def diameter(self) -> sp.Expr | None:
        """Diameter ``sup d(x, y)``, or ``None`` when unknown."""
        return None

    @property
    def volume(self) -> sp.Expr | None:
        """Hausdorff measure of dimension :attr:`manifold_dim`, or ``None`` when unknown."""
        return None

    @property
    def name(self) -> str:
        """Short plain-text name, the LaTeX name as a mathematician types it (``B^3_1``,
        ``A_{1/2, 1}``, ``S^2``)."""
        return latex_to_text(self.latex())

    def __str__(self) -> str:
        return self.name

    def _latex(self, printer=None) -> str:
        return self.latex()

    def _sympystr(self, printer=None) -> str:
        return self.name

    @abstractmethod
    def latex(self) -> str:
        """Short LaTeX name of the space (without dollar signs)."""

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self.latex()}$"

    @abstractmethod
    def _key(self) -> tuple:
        """The parameters that identify the space (for ``==``, ``hash`` and ``repr``)."""

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self._key() == other._key()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._key()))

    # -- geometry used by the generic covering logic ---------------------------------------
    def _one_ball_radius(self) -> sp.Expr | None:
        """Some r such that one closed r-ball with centre in the space contains it (or None)."""
        return None

    @property
    def _riemannian(self) -> bool:
        """Whether the metric is locally Euclidean (used by Euclidean products' asymptotics)."""
        return True

    # -- covering numbers -------------------------------------------------------------------
    def covering(self, eps: RealLike, kind: str = "upper") -> CoveringBound:
        """Covering number ``N(self, eps)``: a bound of the requested ``kind`` (THEORY.md §1).

        Parameters
        ----------
        eps : positive number or SymPy expression
            Radius of the closed covering balls.
        kind : {"upper", "lower", "asymptotic"}
            The request.  The answer may be ``"exact"`` for an upper or lower request.

        Returns
        -------
        CoveringBound

        Raises
        ------
        InvalidValueError
            ``eps <= 0`` or not finite, an unknown ``kind``, or a kind this space cannot give.
        InvalidTypeError
            ``eps`` is not a real number or SymPy expression.
        """
        check_kind(kind, self.available_kinds, repr(self))
        e = _check_eps(eps)
        if kind == "asymptotic":
            return self._asymptotic(e)
        # certified at a numeric eps: the space's parameters and eps as the exact numbers they store
        # (a symbolic eps keeps the parameters as given, so that the formula prints as written)
        space, ex = (self._exact_twin(), _exact(e)) if _is_numeric(e) else (self, e)
        r = space._one_ball_radius()
        if r is not None and _ge(ex, r) is True:
            return _bound(1, 0, "exact", "one ball", _REF, (f"eps = {e} >= {self._one_ball_radius()}",))
        return integral(getattr(space, "_" + kind)(ex))

    def _exact_twin(self) -> "Space":
        """This space with every Float parameter replaced by the exact rational it stores (the
        certified bounds are computed on it, so that no division is rounded before a ceiling)."""
        twin = copy.copy(self)
        for name, value in vars(self).items():
            if isinstance(value, sp.Basic):
                setattr(twin, name, _exact(value))
            elif isinstance(value, Space):
                setattr(twin, name, value._exact_twin())
        return twin

    def _upper_count(self, eps: fractions.Fraction) -> int | None:
        """``covering(eps, "upper").expr`` at a positive rational eps, computed in exact rational
        arithmetic (``fractions.Fraction``, no SymPy), or None where this space has no such fast
        path (irrational parameters, counts beyond ``10**MAX_RESOLVED_DIGITS``).  The bounds ask for
        the count at hundreds of radii (the entropy integral's quadrature); the test suite checks
        that it equals :meth:`covering`."""
        return None

    def covering_number(self, eps: RealLike, kind: str = "upper") -> sp.Expr:
        """``self.covering(eps, kind).expr``: the covering number (bound) as a SymPy expression."""
        return self.covering(eps, kind).expr

    def log_covering_number(self, eps: RealLike, kind: str = "upper") -> sp.Expr:
        """``self.covering(eps, kind).log_expr``: ``ln N`` built in log form (never overflows)."""
        return self.covering(eps, kind).log_expr

    def _upper(self, eps: sp.Expr) -> CoveringBound:  # pragma: no cover - guarded by available_kinds
        raise InvalidValueError(
            f"kind='upper' is not available for {self.name}; available: {self.available_kinds}")

    def _lower(self, eps: sp.Expr) -> CoveringBound:  # pragma: no cover - guarded by available_kinds
        raise InvalidValueError(
            f"kind='lower' is not available for {self.name}; available: {self.available_kinds}")

    def _asymptotic(self, eps: sp.Expr) -> CoveringBound:  # pragma: no cover - guarded by available_kinds
        raise InvalidValueError(
            f"kind='asymptotic' is not available for {self.name}; available: {self.available_kinds}")

    def _asymptotic_volume_ratio(self, eps: sp.Expr, log_volume: sp.Expr) -> CoveringBound:
        m = self.manifold_dim
        expr, log_expr = _volume_ratio(log_volume, self.volume, m, eps, "asymptotic")
        regime = (_ASYMPTOTIC_REGIME,) if m <= 1 else (_ASYMPTOTIC_REGIME, _DENSITY_CAVEAT)
        return _bound(expr, log_expr, "asymptotic", "volume ratio vol / (omega_m eps^m)", _REF, regime)


def _check_positive(name: str, value: Any) -> sp.Expr:
    check_real(name, value, 0, low_closed=False)
    return _to_sympy(value)


#: largest dimension of a space: its covering numbers are exact integers with about
#: ``dim * log10(R / eps)`` digits, which past this size no longer fit a computation (a dimension
#: of 10^20 made SymPy expand a 10^20-digit power)
MAX_DIM = 10**6


def _check_dim(value: Any, low: int = 1) -> int:
    return check_integer("dim", value, low, MAX_DIM)


# --------------------------------------------------------------------------------------------
# concrete spaces
# --------------------------------------------------------------------------------------------


class Ball(Space):
    r"""Closed Euclidean ball of radius ``R`` in ``R^d`` (THEORY.md §1).

    .. math::

        \left(\frac{R}{\varepsilon}\right)^d \le N(B^d_R, \varepsilon)
        \le \left(1 + \frac{2R}{\varepsilon}\right)^d

    The lower bound compares volumes (N balls of radius eps cover volume ``omega_d R^d``); the
    upper bound is the packing bound, which by Steiner's formula with
    ``V_j = C(d, j) omega_d / omega_{d-j} R^j`` equals the classical one.  ``N = 1`` for
    ``eps >= R`` (the centre covers); ``N = ceil(R/eps)`` exactly for ``d = 1``.

    Parameters
    ----------
    dim : int >= 1
    radius : positive number or SymPy expression (default 1)

    Examples
    --------
    >>> import sympy as sp
    >>> from symbound.spaces import Ball
    >>> B = Ball(3, radius=1)
    >>> B.latex()
    'B^{3}_{1}'
    >>> B.covering_number(sp.Rational(1, 2))
    125
    >>> B.covering_number(sp.Rational(1, 2), kind="lower")
    8
    """

    def __init__(self, dim: int, radius: RealLike = 1) -> None:
        self._dim = _check_dim(dim)
        self.radius = _check_positive("radius", radius)

    def _key(self) -> tuple:
        return (self._dim, self.radius)

    def __repr__(self) -> str:
        return f"Ball({self._dim}" + ("" if self.radius == 1 else f", radius={self.radius}") + ")"

    @property
    def manifold_dim(self) -> int:
        return self._dim

    @property
    def diameter(self) -> sp.Expr:
        return 2 * self.radius

    @property
    def volume(self) -> sp.Expr:
        return unit_ball_volume(self._dim) * self.radius**self._dim

    def latex(self) -> str:
        return f"B^{{{self._dim}}}_{{{_tex(self.radius)}}}"

    def parallel_volume(self, r: RealLike) -> sp.Expr:
        """Volume of ``B_R + B_r``: ``omega_d (R + r)^d`` (Steiner's formula)."""
        r = _check_positive("r", r)
        return unit_ball_volume(self._dim) * (self.radius + r) ** self._dim

    def _one_ball_radius(self) -> sp.Expr:
        return self.radius

    def _exact_1d(self, eps):
        n = _ceil(self.radius / eps)
        return _bound(n, sp.log(n), "exact", "exact interval count ceil(R/eps)", _REF)

    def _upper_count(self, eps: fractions.Fraction) -> int | None:
        R = _fraction(self.radius)
        if R is None:
            return None
        if eps >= R:
            return 1
        if self._dim == 1:
            return -((-R.numerator * eps.denominator) // (R.denominator * eps.numerator))  # ceil
        return _floor_count(1 + 2 * R / eps, self._dim)

    def _upper(self, eps):
        if self._dim == 1:
            return self._exact_1d(eps)
        d, R = self._dim, self.radius
        return _bound(rational_power(1 + 2 * R / eps, d, "upper"), d * sp.log(1 + 2 * R / eps), "upper",
                      "volume/packing argument (Steiner, = classical)", _REF_STEINER)

    def _lower(self, eps):
        if self._dim == 1:
            return self._exact_1d(eps)
        d, R = self._dim, self.radius
        return _certified_lower(rational_power(R / eps, d, "lower"), d * sp.log(R / eps),
                                "volume argument", _REF)

    def _asymptotic(self, eps):
        d, R = self._dim, self.radius
        regime = (_ASYMPTOTIC_REGIME,) if d == 1 else (_ASYMPTOTIC_REGIME, _DENSITY_CAVEAT)
        return _bound(rational_power(R / eps, d, "asymptotic"), d * sp.log(R / eps), "asymptotic",
                      "volume ratio vol / (omega_m eps^m)", _REF, regime)


class Cube(Space):
    r"""The cube ``[0, a]^d`` with the sup metric or the Euclidean metric (THEORY.md §1).

    Sup metric (exact): the closed eps-balls are cubes of side ``2 eps``,

    .. math:: N = \left\lceil \frac{a}{2\varepsilon} \right\rceil^d .

    (``m = ceil(a/(2 eps))`` points per axis with spacing ``a/(m-1) > 2 eps`` give ``m^d`` points no
    ball contains two of, and the grid of cells of side ``a/m`` gives a cover.)

    Euclidean metric: the smaller of the grid bound (cells of side ``a/m`` have half-diagonal
    ``a sqrt(d) / (2m) <= eps``) and the Steiner packing bound with ``V_j = C(d, j) a^j``,

    .. math::

        N \le \min\Big( \Big\lceil \frac{a\sqrt d}{2\varepsilon} \Big\rceil^d,\;
        \sum_{j=0}^d \binom{d}{j} \frac{\omega_{d-j}}{\omega_d}
        \Big(\frac{2a}{\varepsilon}\Big)^j \Big),
        \qquad N \ge \frac{a^d}{\omega_d \varepsilon^d}.

    The grid bound wins for small and moderate ``d``; the Steiner bound wins only in high dimension
    at small eps: as eps -> 0 its ratio to the grid bound tends to
    ``2^d Gamma(d/2 + 1) / (pi^{d/2} d^{d/2}) ~ sqrt(pi d) (8 / (pi e))^{d/2}``, which is below 1
    from ``d`` of about 90 on (e.g. ``d = 200``, ``eps = a/100``).

    Parameters
    ----------
    dim : int >= 1
    side : positive number or SymPy expression (default 1)
    metric : {"sup", "euclidean"}

    Examples
    --------
    >>> import sympy as sp
    >>> from symbound.spaces import Cube
    >>> Cube(2, side=1, metric="sup").covering_number(sp.Rational(1, 5))
    9
    >>> Cube(2, metric="euclidean").covering(sp.Rational(1, 5)).method
    'grid bound'
    """

    METRICS = ("sup", "euclidean")

    def __init__(self, dim: int, side: RealLike = 1, metric: str = "sup") -> None:
        self._dim = _check_dim(dim)
        self.side = _check_positive("side", side)
        self.metric = check_choice("metric", metric, self.METRICS)

    def _key(self) -> tuple:
        return (self._dim, self.side, self.metric)

    def __repr__(self) -> str:
        return (f"Cube({self._dim}" + ("" if self.side == 1 else f", side={self.side}")
                + ("" if self.metric == "sup" else f", metric={self.metric!r}") + ")")

    @property
    def manifold_dim(self) -> int:
        return self._dim

    @property
    def diameter(self) -> sp.Expr:
        return self.side if self.metric == "sup" else self.side * sp.sqrt(self._dim)

    @property
    def volume(self) -> sp.Expr:
        return self.side**self._dim

    @property
    def _riemannian(self) -> bool:
        return self.metric == "euclidean" or self._dim == 1

    def latex(self) -> str:
        sub = "_{\\infty}" if self.metric == "sup" else ""
        return f"[0, {_tex(self.side)}]^{{{self._dim}}}{sub}"

    def parallel_volume(self, r: RealLike) -> sp.Expr:
        """Volume of the r-neighbourhood ``[0, a]^d + B_r`` in the cube's metric.

        Euclidean: Steiner's formula ``sum_j C(d, j) a^j omega_{d-j} r^{d-j}``; sup: ``(a + 2r)^d``.
        """
        r = _check_positive("r", r)
        d, a = self._dim, self.side
        if self.metric == "sup":
            return (a + 2 * r) ** d
        return sp.Add(*[sp.binomial(d, j) * a**j * unit_ball_volume(d - j) * r ** (d - j)
                        for j in range(d + 1)])

    def _one_ball_radius(self) -> sp.Expr:
        return self.diameter / 2

    def _exact(self, eps):
        n = _ceil(self.side / (2 * eps))
        return _bound(n**self._dim, self._dim * sp.log(n), "exact",
                      "exact grid count ceil(a/(2 eps))^d", _REF)

    def steiner_bound(self, eps: RealLike) -> tuple[sp.Expr, sp.Expr]:
        """Steiner packing bound ``vol(K + B_{eps/2}) / vol(B_{eps/2})`` and its log (Euclidean).

        With ``t = 2a/eps`` the log is built as
        ``d ln t - ln omega_d + ln(1 + sum_{k>=1} C(d, k) omega_k t^{-k})``.
        """
        e = _check_eps(eps)
        d, a = self._dim, self.side
        t = 2 * a / e
        expr = sp.Add(*[sp.binomial(d, j) * unit_ball_volume(d - j) / unit_ball_volume(d) * t**j
                        for j in range(d + 1)])
        tail = sp.Add(*[sp.binomial(d, k) * unit_ball_volume(k) * t ** (-k) for k in range(1, d + 1)])
        log_expr = d * sp.log(t) - _log_omega(d) + sp.log(1 + tail)
        return expr, log_expr

    def grid_bound(self, eps: RealLike) -> tuple[sp.Expr, sp.Expr]:
        """Grid bound ``ceil(a sqrt(d) / (2 eps))^d`` and its log (Euclidean)."""
        e = _check_eps(eps)
        n = _ceil(self.side * sp.sqrt(self._dim) / (2 * e))
        return n**self._dim, self._dim * sp.log(n)

    def _upper(self, eps):
        if self.metric == "sup" or self._dim == 1:
            return self._exact(eps)
        t = 2 * self.side / eps
        if self._dim > _STEINER_SYMPY_MAX_DIM and t.is_Rational:
            return self._upper_enclosed(eps, int(t.p), int(t.q))
        g, lg = self.grid_bound(eps)
        s, ls = self.steiner_bound(eps)
        return _smallest_upper([
            (g, lg, "grid bound", _REF, ()),
            (s, ls, "Steiner packing bound", _REF_STEINER, ()),
        ])

    def _upper_enclosed(self, eps, p: int, q: int) -> CoveringBound:
        """The smaller of the grid and Steiner bounds as integers, at a numeric eps with
        ``2a/eps = p/q`` rational: the Steiner sum enclosed by
        :func:`~symbound._steiner.cube_steiner_enclosure` (its upper end's floor is an upper bound
        on the count), the grid bound ``n^d`` by :func:`~symbound._covering.rational_power`
        (rounded up when huge); the smaller integer wins, the grid on a tie (as the SymPy path)."""
        d = self._dim
        n = _ceil(self.side * sp.sqrt(d) / (2 * eps))
        grid = int(rational_power(n, d, "upper"))
        steiner = cube_steiner_enclosure(d, p, q)[1]
        count, method, ref = ((steiner, "Steiner packing bound", _REF_STEINER) if steiner < grid
                              else (grid, "grid bound", _REF))
        count = sp.Integer(count)
        return _bound(count, sp.log(count), "upper", method, ref)

    def _lower(self, eps):
        if self.metric == "sup" or self._dim == 1:
            return self._exact(eps)
        expr, log_expr = _volume_ratio(self._dim * sp.log(self.side), self.volume, self._dim, eps,
                                       "lower")
        return _certified_lower(expr, log_expr, "volume argument", _REF)

    def _asymptotic(self, eps):
        d, a = self._dim, self.side
        if self.metric == "sup" or d == 1:
            return _bound(rational_power(a / (2 * eps), d, "asymptotic"), d * sp.log(a / (2 * eps)),
                          "asymptotic",
                          "grid count without ceiling", _REF, (_ASYMPTOTIC_REGIME,))
        return self._asymptotic_volume_ratio(eps, d * sp.log(a))


class Sphere(Space):
    r"""Unit sphere ``S^{d-1}`` in ``R^d`` with the chordal (Euclidean) metric (THEORY.md §1).

    ``dim`` given to the constructor is the **ambient** dimension ``d``: :attr:`ambient_dim` is
    ``d`` and :attr:`manifold_dim` is ``d - 1`` (``S.dim`` raises: two dimensions).

    Upper bound (packing in the shell ``1 - eps/2 <= |x| <= 1 + eps/2``, valid for ``eps <= 2``),
    never larger than the classical ``(1 + 2/eps)^d``:

    .. math::

        N \le \Big(\frac{2}{\varepsilon} + 1\Big)^d - \Big(\frac{2}{\varepsilon} - 1\Big)^d .

    Lower bound: a chordal eps-ball is a cap of geodesic radius ``phi = 2 asin(eps/2)`` whose area is
    at most ``omega_{d-1} phi^{d-1}`` (``sin t <= t``), so

    .. math::

        N \ge \frac{d\,\omega_d}{\omega_{d-1}\,(2\arcsin(\varepsilon/2))^{d-1}} ,
        \qquad \varepsilon < 2 .

    The circle (``d = 2``) is exact: ``N = ceil(pi / (2 asin(eps/2)))``; ``N = 1`` for ``eps >= 2``.

    Examples
    --------
    >>> import sympy as sp
    >>> from symbound.spaces import Sphere
    >>> S = Sphere(3)
    >>> (S.manifold_dim, S.ambient_dim, S.latex())
    (2, 3, 'S^{2}')
    >>> Sphere(2).covering_number(1)
    3
    """

    def __init__(self, dim: int) -> None:
        self._n = _check_dim(dim)

    def _key(self) -> tuple:
        return (self._n,)

    def __repr__(self) -> str:
        return f"Sphere({self._n})"

    @property
    def manifold_dim(self) -> int:
        return self._n - 1

    @property
    def ambient_dim(self) -> int:
        return self._n

    @property
    def diameter(self) -> sp.Expr:
        return sp.Integer(2)

    @property
    def volume(self) -> sp.Expr:
        """Surface area ``area(S^{d-1}) = d omega_d``."""
        return self._n * unit_ball_volume(self._n)

    def _log_area(self) -> sp.Expr:
        return sp.log(self._n) + _log_omega(self._n)

    def latex(self) -> str:
        return f"S^{{{self._n - 1}}}"

    def parallel_volume(self, r: RealLike) -> sp.Expr:
        """Volume of the r-neighbourhood of the sphere in ``R^d``:
        ``omega_d ((1 + r)^d - max(1 - r, 0)^d)``."""
        r = _check_positive("r", r)
        d = self._n
        return unit_ball_volume(d) * ((1 + r) ** d - sp.Max(1 - r, 0) ** d)

    def _one_ball_radius(self) -> sp.Expr:
        return sp.Integer(2)

    def _regime(self, eps) -> tuple[str, ...]:
        return () if _is_numeric(eps) else (_cond(sp.Le(eps, 2)),)

    def _circle(self, eps):
        n = _ceil(sp.pi / (2 * sp.asin(eps / 2)))
        return _bound(n, sp.log(n), "exact", "exact arc count ceil(pi / (2 asin(eps/2)))", _REF,
                      self._regime(eps))

    def _upper(self, eps):
        d = self._n
        if d == 1:
            regime = () if _is_numeric(eps) else (_cond(sp.Lt(eps, 2)),)
            return _bound(2, sp.log(2), "exact", "two points", _REF, regime)
        if d == 2:
            return self._circle(eps)
        u = 2 / eps
        if _is_numeric(eps) and u.is_Rational and _huge_power(int(u.p) + int(u.q), int(u.q), d):
            # (u+1)^d - (u-1)^d with u = P/Q: ((P+Q)/Q)^d - ((P-Q)/Q)^d, enclosed and rounded up,
            # never expanded; its log is that of the integer (a certified answer's log_expr is
            # ln of its integer anyway, see integral)
            P, Q = int(u.p), int(u.q)
            expr = power_difference_upper(P + Q, P - Q, Q, d)
            return _bound(expr, sp.log(expr), "upper",
                          "Steiner/shell packing bound (sharper than (1 + 2/eps)^d)", _REF_STEINER)
        # positive-term form: (u+1)^d - (u-1)^d = 2 sum_{k odd} C(d,k) u^{d-k}
        odd = sp.Add(*[sp.binomial(d, k) * (eps / 2) ** k for k in range(1, d + 1, 2)])
        log_expr = d * sp.log(u) + sp.log(2 * odd)
        if _is_numeric(eps):
            expr = 2 * sp.Add(*[sp.binomial(d, k) * u ** (d - k) for k in range(1, d + 1, 2)])
        else:
            expr = (u + 1) ** d - (u - 1) ** d
        return _bound(expr, log_expr, "upper",
                      "Steiner/shell packing bound (sharper than (1 + 2/eps)^d)", _REF_STEINER,
                      self._regime(eps))

    def _lower(self, eps):
        d = self._n
        if d <= 2:
            return self._upper(eps)
        phi = 2 * sp.asin(eps / 2)
        expr = self.volume / (unit_ball_volume(d - 1) * phi ** (d - 1))
        log_expr = self._log_area() - _log_omega(d - 1) - (d - 1) * sp.log(phi)
        return _certified_lower(expr, log_expr, "cap-area argument (sin t <= t)", _REF, self._regime(eps))

    def _asymptotic(self, eps):
        if self._n == 1:
            return _bound(2, sp.log(2), "asymptotic", "two points", _REF, (_ASYMPTOTIC_REGIME,))
        return self._asymptotic_volume_ratio(eps, self._log_area())


class Annulus(Space):
    r"""Planar annulus ``r_1 <= |x| <= r_2`` in ``R^2`` (``r_1 = 0`` is a disk) (THEORY.md §1).

    Upper bound: packing in ``A + B_{eps/2}``, whose area is
    ``pi ((r_2 + r)^2 - max(r_1 - r, 0)^2)``:

    .. math::

        N \le \frac{4 (r_1 + r_2)(r_2 - r_1 + \varepsilon)}{\varepsilon^2}
        \quad (\varepsilon \le 2 r_1), \qquad
        N \le \Big(1 + \frac{2 r_2}{\varepsilon}\Big)^2 \quad (\varepsilon \ge 2 r_1).

    Lower bound and asymptotic form: ``(r_2^2 - r_1^2) / eps^2`` (area ratio).  ``N = 1`` for
    ``eps >= r_1 + r_2`` (a centre on the inner circle).

    Examples
    --------
    >>> import sympy as sp
    >>> from symbound.spaces import Annulus
    >>> A = Annulus(1, 2)
    >>> A.volume
    3*pi
    >>> A.covering_number(sp.Rational(1, 2))
    72
    """

    def __init__(self, r_inner: RealLike, r_outer: RealLike) -> None:
        check_real("r_inner", r_inner, 0)
        self.r_inner = _to_sympy(r_inner)
        self.r_outer = _check_positive("r_outer", r_outer)
        if _decide(sp.Lt(_exact(self.r_inner), _exact(self.r_outer))) is False:
            raise InvalidValueError(
                f"r_inner must be smaller than r_outer (0 <= r_inner < r_outer), got "
                f"r_inner={r_inner!r}, r_outer={r_outer!r}"
            )

    def _key(self) -> tuple:
        return (self.r_inner, self.r_outer)

    def __repr__(self) -> str:
        return f"Annulus({self.r_inner}, {self.r_outer})"

    @property
    def manifold_dim(self) -> int:
        return 2

    @property
    def diameter(self) -> sp.Expr:
        return 2 * self.r_outer

    @property
    def volume(self) -> sp.Expr:
        return sp.pi * (self.r_outer**2 - self.r_inner**2)

    def latex(self) -> str:
        return f"A_{{{_tex(self.r_inner)}, {_tex(self.r_outer)}}}"

    def parallel_volume(self, r: RealLike) -> sp.Expr:
        """Area of ``A + B_r``: ``pi ((r_2 + r)^2 - max(r_1 - r, 0)^2)``."""
        r = _check_positive("r", r)
        return sp.pi * ((self.r_outer + r) ** 2 - sp.Max(self.r_inner - r, 0) ** 2)

    def _one_ball_radius(self) -> sp.Expr:
        return self.r_inner + self.r_outer

    def _upper_count(self, eps: fractions.Fraction) -> int | None:
        r1, r2 = _fraction(self.r_inner), _fraction(self.r_outer)
        if r1 is None or r2 is None:
            return None
        if eps >= r1 + r2:
            return 1
        if r1 != 0 and 2 * r1 >= eps:
            return _floor_count(4 * (r1 + r2) * (r2 - r1 + eps) / eps**2)
        return _floor_count((1 + 2 * r2 / eps) ** 2)

    def _upper(self, eps):
        r1, r2 = self.r_inner, self.r_outer
        # eps <= 2 r1: the hole survives in A + B_{eps/2}
        thin = False if r1.is_zero else _ge(2 * r1, eps)
        if thin is False:
            expr = (1 + 2 * r2 / eps) ** 2
            return _bound(expr, 2 * sp.log(1 + 2 * r2 / eps), "upper",
                          "packing bound (parallel set is a disk)", _REF_STEINER)
        expr = 4 * (r1 + r2) * (r2 - r1 + eps) / eps**2
        log_expr = sp.log(4) + sp.log(r1 + r2) + sp.log(r2 - r1 + eps) - 2 * sp.log(eps)
        regime = () if thin else (_cond(sp.Le(eps, 2 * r1)),)
        return _bound(expr, log_expr, "upper", "packing bound (parallel set is an annulus)",
                      _REF_STEINER, regime)

    def _lower(self, eps):
        r1, r2 = self.r_inner, self.r_outer
        expr = (r2**2 - r1**2) / eps**2
        log_expr = sp.log(r2 - r1) + sp.log(r2 + r1) - 2 * sp.log(eps)
        return _certified_lower(expr, log_expr, "area argument", _REF)

    def _asymptotic(self, eps):
        r1, r2 = self.r_inner, self.r_outer
        return self._asymptotic_volume_ratio(eps, sp.log(sp.pi) + sp.log(r2 - r1) + sp.log(r2 + r1))


class Torus(Space):
    r"""Flat torus ``R^d / p Z^d`` with the Euclidean quotient metric ``min_k |x - y - p k|``.

    Upper bound: the smaller of the grid bound (a grid of spacing ``s = p/m`` leaves every point
    within ``s sqrt(d) / 2``, so ``m = ceil(p sqrt(d) / (2 eps))`` per axis) and the packing bound
    (balls of radius ``eps/2 <= p/2`` embed isometrically, volume ``omega_d (eps/2)^d``):

    .. math::

        N \le \min\Big( \Big\lceil \frac{p\sqrt d}{2\varepsilon} \Big\rceil^d,\;
        \frac{(2p/\varepsilon)^d}{\omega_d} \Big)\ (\text{second term for } \varepsilon \le p),
        \qquad N \ge \frac{p^d}{\omega_d \varepsilon^d}.

    The lower bound holds for every eps (a metric ball of the torus is the image of a Euclidean ball,
    so its volume is at most ``omega_d eps^d``).  ``d = 1`` is exact: ``ceil(p / (2 eps))``.

    Examples
    --------
    >>> import sympy as sp
    >>> from symbound.spaces import Torus
    >>> T = Torus(2, period=1)
    >>> T.covering_number(sp.Rational(1, 10))
    64
    """

    def __init__(self, dim: int, period: RealLike = 1) -> None:
        self._dim = _check_dim(dim)
        self.period = _check_positive("period", period)

    def _key(self) -> tuple:
        return (self._dim, self.period)

    def __repr__(self) -> str:
        return f"Torus({self._dim}" + ("" if self.period == 1 else f", period={self.period}") + ")"

    @property
    def manifold_dim(self) -> int:
        return self._dim

    @property
    def diameter(self) -> sp.Expr:
        return self.period * sp.sqrt(self._dim) / 2

    @property
    def volume(self) -> sp.Expr:
        return self.period**self._dim

    def latex(self) -> str:
        return f"\\mathbb{{T}}^{{{self._dim}}}_{{{_tex(self.period)}}}"

    @property
    def name(self) -> str:
        return f"T^{self._dim}_{self.period}"

    def _one_ball_radius(self) -> sp.Expr:
        return self.diameter

    def _exact_1d(self, eps):
        n = _ceil(self.period / (2 * eps))
        return _bound(n, sp.log(n), "exact", "exact arc count ceil(p/(2 eps))", _REF)

    def _upper(self, eps):
        d, p = self._dim, self.period
        if d == 1:
            return self._exact_1d(eps)
        n = _ceil(p * sp.sqrt(d) / (2 * eps))
        cands = [(rational_power(n, d, "upper"), d * sp.log(n), "grid bound", _REF, ())]
        fits = _ge(p, eps)
        # balls of radius eps/2 <= p/2 embed isometrically; for eps > p use the value at eps = p
        # (N is nonincreasing in eps), which keeps the bound monotone.
        e_pack = p if fits is False else eps
        log_pack = d * sp.log(2 * p / e_pack) - _log_omega(d)
        cands.append((_from_log(log_pack, "upper", lambda: (2 * p / e_pack) ** d / unit_ball_volume(d)),
                      log_pack,
                      "packing bound" if fits is not False else "packing bound at eps = p",
                      _REF, () if fits is not None else (_cond(sp.Le(eps, p)),)))
        return _smallest_upper(cands)

    def _lower(self, eps):
        d, p = self._dim, self.period
        if d == 1:
            return self._exact_1d(eps)
        expr, log_expr = _volume_ratio(d * sp.log(p), self.volume, d, eps, "lower")
        return _certified_lower(expr, log_expr, "volume argument", _REF)

    def _asymptotic(self, eps):
        return self._asymptotic_volume_ratio(eps, self._dim * sp.log(self.period))


class Manifold(Space):
    r"""Compact ``m``-dimensional Riemannian manifold of volume ``V`` (THEORY.md §1).

    Only the asymptotic form is available (no certified bound holds without curvature data):

    .. math:: N(M, \varepsilon) \sim \frac{V}{\omega_m \varepsilon^m}, \quad \varepsilon \to 0,

    up to the covering density ``theta_m`` of ``R^m`` for ``m >= 2`` (see the module notes).

    Examples
    --------
    >>> import sympy as sp
    >>> from symbound.spaces import Manifold
    >>> Manifold(2, volume=4 * sp.pi).covering_number(sp.Rational(1, 10), kind="asymptotic")
    400
    """

    available_kinds = ("asymptotic",)

    def __init__(self, dim: int, volume: RealLike) -> None:
        self._dim = _check_dim(dim)
        self._volume = _check_positive("volume", volume)

    def _key(self) -> tuple:
        return (self._dim, self._volume)

    def __repr__(self) -> str:
        return f"Manifold({self._dim}, volume={self._volume})"

    @property
    def manifold_dim(self) -> int:
        return self._dim

    @property
    def ambient_dim(self) -> None:
        return None

    @property
    def volume(self) -> sp.Expr:
        return self._volume

    def latex(self) -> str:
        return f"M^{{{self._dim}}}"

    def covering(self, eps: RealLike, kind: str = "asymptotic") -> CoveringBound:
        """As :meth:`Space.covering`; only ``kind="asymptotic"`` is available (the default here)."""
        check_choice("kind", kind, KINDS)
        if kind != "asymptotic":
            raise InvalidValueError(
                f"kind={kind!r} is not available for Manifold; available: ['asymptotic'] "
                "(a general compact manifold has only the asymptotic form V / (omega_m eps^m))"
            )
        return super().covering(eps, kind)

    def covering_number(self, eps: RealLike, kind: str = "asymptotic") -> sp.Expr:
        return self.covering(eps, kind).expr

    def log_covering_number(self, eps: RealLike, kind: str = "asymptotic") -> sp.Expr:
        return self.covering(eps, kind).log_expr

    def _asymptotic(self, eps):
        return self._asymptotic_volume_ratio(eps, sp.log(self._volume))


class FiniteSet(Space):
    """A set of ``k`` points (positions unknown) (THEORY.md §1).

    Certified: ``1 <= N <= k``.  Asymptotically (``eps`` below the unknown minimum separation)
    ``N = k``.  :attr:`dim` is 0, :attr:`volume` is ``k`` (counting measure = 0-dimensional Hausdorff
    measure), :attr:`diameter` and :attr:`ambient_dim` are ``None``.

    Examples
    --------
    >>> import sympy as sp
    >>> from symbound.spaces import FiniteSet
    >>> F = FiniteSet(5)
    >>> (F.covering_number(0.1), F.covering_number(0.1, kind="lower"))
    (5, 1)
    """

    def __init__(self, k: int) -> None:
        self.k = check_integer("k", k, 1)

    def _key(self) -> tuple:
        return (self.k,)

    def __repr__(self) -> str:
        return f"FiniteSet({self.k})"

    @property
    def manifold_dim(self) -> int:
        return 0

    @property
    def ambient_dim(self) -> None:
        return None

    @property
    def volume(self) -> sp.Expr:
        return sp.Integer(self.k)

    def latex(self) -> str:
        return f"F_{{{self.k}}}"

    def _upper(self, eps):
        kind = "exact" if self.k == 1 else "upper"
        return _bound(self.k, sp.log(self.k), kind, "number of points", _REF)

    def _lower(self, eps):
        kind = "exact" if self.k == 1 else "lower"
        return _bound(1, 0, kind, "trivial (N >= 1)", _REF)

    def _asymptotic(self, eps):
        return _bound(self.k, sp.log(self.k), "asymptotic", "number of points", _REF,
                      ("eps below the minimum separation of the points",))


class Product(Space):
    r"""Product ``A x B`` with the max metric or the Euclidean (l2) product metric (THEORY.md §1).

    Upper bounds (products of covers, centres in ``A x B``):

    .. math::

        N_{\max}(A\times B, \varepsilon) \le N(A, \varepsilon) N(B, \varepsilon), \qquad
        N_{2}(A\times B, \varepsilon) \le N(A, \varepsilon/\sqrt2)\, N(B, \varepsilon/\sqrt2).

    Lower bound (both metrics): the projections are 1-Lipschitz and onto, so a cover of ``A x B``
    projects to covers of ``A`` and ``B``; and the product of 2eps-separated sets is 2eps-separated
    (``d_2 >= d_max``), so ``N(A x B, eps) >= P(A, 2eps) P(B, 2eps) >= N(A, 2eps) N(B, 2eps)``:

    .. math::

        N(A\times B, \varepsilon) \ge \max\big(N(A, \varepsilon), N(B, \varepsilon),
        N(A, 2\varepsilon) N(B, 2\varepsilon)\big).

    Asymptotic: max metric, the product of the factors' forms (the ball is a product of balls);
    Euclidean metric, ``vol(A) vol(B) / (omega_{a+b} eps^{a+b})`` (both factors locally Euclidean).

    Examples
    --------
    >>> import sympy as sp
    >>> from symbound.spaces import Cube, Product
    >>> I = Cube(1, side=1)
    >>> Product(I, I, metric="max").covering_number(sp.Rational(1, 4))
    4
    """

    METRICS = ("max", "euclidean")

    def __init__(self, A: Space, B: Space, metric: str = "max") -> None:
        for nm, s in (("A", A), ("B", B)):
            if not isinstance(s, Space):
                raise InvalidTypeError(f"{nm} must be a symbound Space, got {type(s).__name__} ({s!r})")
        self.A, self.B = A, B
        self.metric = check_choice("metric", metric, self.METRICS)

    def _key(self) -> tuple:
        return (self.A, self.B, self.metric)

    def __repr__(self) -> str:
        return (f"Product({self.A!r}, {self.B!r}"
                + ("" if self.metric == "max" else f", metric={self.metric!r}") + ")")

    @property
    def available_kinds(self) -> tuple[str, ...]:  # type: ignore[override]
        """Kinds both factors give; Euclidean asymptotics also need locally Euclidean factors."""
        kinds = [k for k in KINDS if k in self.A.available_kinds and k in self.B.available_kinds]
        if self.metric == "euclidean" and not (
            self.A._riemannian and self.B._riemannian and self.volume is not None
        ):
            kinds = [k for k in kinds if k != "asymptotic"]
        return tuple(kinds)

    @property
    def manifold_dim(self) -> int:
        return self.A.manifold_dim + self.B.manifold_dim

    @property
    def ambient_dim(self) -> int | None:
        a, b = self.A.ambient_dim, self.B.ambient_dim
        return None if a is None or b is None else a + b

    @property
    def diameter(self) -> sp.Expr | None:
        a, b = self.A.diameter, self.B.diameter
        if a is None or b is None:
            return None
        return sp.Max(a, b) if self.metric == "max" else sp.sqrt(a**2 + b**2)

    @property
    def volume(self) -> sp.Expr | None:
        """Product measure ``vol(A) vol(B)`` (``None`` if either is unknown)."""
        a, b = self.A.volume, self.B.volume
        return None if a is None or b is None else a * b

    @property
    def _riemannian(self) -> bool:
        return self.metric == "euclidean" and self.A._riemannian and self.B._riemannian

    def latex(self) -> str:
        sub = "\\max" if self.metric == "max" else "2"
        return f"\\left({self.A.latex()} \\times {self.B.latex()}\\right)_{{{sub}}}"

    @property
    def name(self) -> str:
        return f"({self.A.name} x {self.B.name})_{self.metric}"

    def _one_ball_radius(self) -> sp.Expr | None:
        a, b = self.A._one_ball_radius(), self.B._one_ball_radius()
        if a is None or b is None:
            return None
        return sp.Max(a, b) if self.metric == "max" else sp.sqrt(a**2 + b**2)

    def _regime(self, *bounds: CoveringBound) -> tuple[str, ...]:
        out: list[str] = []
        for b in bounds:
            out += [r for r in b.regime if r not in out]
        return tuple(out)

    def _upper(self, eps):
        e = eps if self.metric == "max" else eps / sp.sqrt(2)
        a, b = self.A.covering(e, "upper"), self.B.covering(e, "upper")
        how = "N(A, eps) N(B, eps)" if self.metric == "max" else "N(A, eps/sqrt2) N(B, eps/sqrt2)"
        return _bound(a.expr * b.expr, a.log_expr + b.log_expr, "upper",
                      f"product of covers {how} [A: {a.method}; B: {b.method}]", _REF,
                      self._regime(a, b))

    def _lower(self, eps):
        a1, b1 = self.A.covering(eps, "lower"), self.B.covering(eps, "lower")
        a2, b2 = self.A.covering(2 * eps, "lower"), self.B.covering(2 * eps, "lower")
        cands = [
            (a1.expr, a1.log_expr, f"projection onto A [{a1.method}]"),
            (b1.expr, b1.log_expr, f"projection onto B [{b1.method}]"),
            (a2.expr * b2.expr, a2.log_expr + b2.log_expr,
             f"product of 2eps-separated sets [A: {a2.method}; B: {b2.method}]"),
        ]
        regime = self._regime(a1, b1, a2, b2)
        if all(_is_numeric(c[1]) for c in cands):
            best = max(cands, key=lambda c: sp.N(c[1], 30))
            return _bound(best[0], best[1], "lower", best[2], _REF, regime)
        return _bound(sp.Max(*[c[0] for c in cands]), sp.Max(*[c[1] for c in cands]), "lower",
                      "max(projections, product of 2eps-separated sets)", _REF, regime)

    def _asymptotic(self, eps):
        if self.metric == "max":
            a, b = self.A.covering(eps, "asymptotic"), self.B.covering(eps, "asymptotic")
            return _bound(a.expr * b.expr, a.log_expr + b.log_expr, "asymptotic",
                          "product of the factors' asymptotic forms", _REF, self._regime(a, b))
        m = self.manifold_dim  # available_kinds guarantees locally Euclidean factors with known volumes
        log_vol = sp.log(self.A.volume) + sp.log(self.B.volume)
        expr, log_expr = _volume_ratio(log_vol, self.volume, m, eps, "asymptotic")
        regime = (_ASYMPTOTIC_REGIME,) if m <= 1 else (_ASYMPTOTIC_REGIME, _DENSITY_CAVEAT)
        return _bound(expr, log_expr, "asymptotic", "volume ratio vol / (omega_m eps^m)", _REF, regime)
