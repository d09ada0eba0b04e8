r"""The public objects: :func:`quotient` and :class:`QuotientSpace` (THEORY.md §2).

:func:`quotient` validates its arguments and asks the registry (:mod:`.registry`) for the entry
of the (space, transformation set) pair; the :class:`QuotientSpace` it returns answers
``covering(eps, kind)`` through the entry's case, says which entry it uses (:meth:`describe`),
and warns when only the trivial bound ``N_S <= N`` applies (no symmetry gain).
"""

from __future__ import annotations

import warnings
from typing import Any

import sympy as sp

from .._validation import brief
from .._covering import CoveringBound, check_kind, integral
from .._validation import check_choice, check_integer, check_real, suggest_keywords
from ..errors import InvalidTypeError, InvalidValueError
from ..groups import Symmetric, TransformationSetBase
from ..printing import prettify
from ..spaces import Manifold, Space, _check_eps, _exact, _to_sympy
from ..symbols import symbol
from ._common import TRIVIAL, Case, is_numeric
from .registry import Pair, lookup

__all__ = ["QuotientSpace", "quotient"]


class QuotientSpace:
    r"""A space modulo a transformation set, with covering numbers ``N_S(X, eps)`` (THEORY.md §2).

    Create it with :func:`quotient`.

    Attributes
    ----------
    space : Space
        The input space X (for ``Symmetric(n)`` acting on points, the space of *one* point).
    group : TransformationSetBase
        The transformation set S.
    pair : Pair
        The registry entry used (method, certified or asymptotic, dimension drop, proof).
    dim : int or None
        Dimension ``d_0`` of the quotient (the exponent in ``N_S ~ eps^{-d_0}``); ``None`` when
        unknown.
    volume : SymPy expression or None
        ``d_0``-dimensional volume of the quotient where known (``vol(X)/|G|`` for a finite group
        acting freely off a null set; the length of the interval for SO(2) on an annulus).
    description : str
        What the quotient is.
    available_kinds : tuple of str
        The requests :meth:`covering` can answer.
    """

    def __init__(self, space: Space, group: TransformationSetBase, pair: Pair, case: Case,
                 label: str, options: dict | None = None):
        self.space, self.group, self.pair = space, group, pair
        self._case = case
        self._label = label
        self._options = dict(options or {})
        self._exact = None

    def _exact_case(self) -> Case:
        """The case built on the space with its parameters as the exact numbers they store (numeric
        certified answers are computed on it, so no division is rounded before a ceiling)."""
        if self._exact is None:
            twin = self.space._exact_twin()
            self._exact = self.pair.build(twin, self.group, self._options)
        return self._exact

    @property
    def manifold_dim(self) -> int | None:
        """The dimension d0 of the quotient (its covering numbers grow like eps^-d0); None when
        unknown."""
        return self._case.dim

    @property
    def ambient_dim(self) -> None:
        """None: a quotient lives in no Euclidean space."""
        return None

    @property
    def dim(self) -> int | None:
        """:attr:`manifold_dim` (a quotient has only that dimension)."""
        return self._case.dim

    @property
    def volume(self) -> sp.Expr | None:
        return self._case.volume

    @property
    def description(self) -> str:
        return self._case.description

    @property
    def available_kinds(self) -> tuple[str, ...]:
        return tuple(self._case.kinds)

    @property
    def is_trivial(self) -> bool:
        """Whether only the general facts apply: the upper bound is ``N_S <= N`` (no gain)."""
        return self.pair.status == "trivial"

    def covering(self, eps: Any, kind: str = "upper") -> CoveringBound:
        """``N_S(X, eps)``: a bound of the requested ``kind``.

        Parameters
        ----------
        eps : positive number or SymPy expression
        kind : {"upper", "lower", "asymptotic"}
            The answer's kind may be ``"exact"`` for an upper or lower request.

        Raises
        ------
        InvalidValueError
            ``eps <= 0``, an unknown kind, or a kind not available for this pair (the message
            lists the available ones).

        Warns
        -----
        UserWarning
            ``kind="upper"`` for a pair where only the trivial bound ``N_S <= N`` is known.
        """
        check_kind(kind, self.available_kinds, f"{self.name} ({self.description})")
        e = _check_eps(eps)
        if kind == "upper" and self.is_trivial:
            self._warn_trivial()
        if kind == "asymptotic" or not is_numeric(e):
            return self._case.covering(e, kind)
        b = integral(self._exact_case().covering(_exact(e), kind))
        if kind == "upper" and not self.is_trivial and b.method.startswith(TRIVIAL):
            warnings.warn(
                f"at eps = {float(e):.6g}, the bound of {self.name} by {self.pair.method!r} is not below the "
                f"space's own N(X, eps): the upper bound is the trivial N_S <= N (no symmetry gain "
                f"at this eps)", UserWarning, stacklevel=2)
        return b

    def _warn_trivial(self) -> None:
        warnings.warn(
            f"no certified covering bound modulo {self.group.name} is known for {self.space.name}: "
            f"the upper bound is the trivial N_S <= N (no symmetry gain); see "
            f"symbound.quotient.supported_pairs()", UserWarning, stacklevel=3)

    def covering_number(self, eps: Any, kind: str = "upper") -> sp.Expr:
        """``self.covering(eps, kind).expr``."""
        return self.covering(eps, kind).expr

    def log_covering_number(self, eps: Any, kind: str = "upper") -> sp.Expr:
        """``self.covering(eps, kind).log_expr`` (``ln N`` in log form)."""
        return self.covering(eps, kind).log_expr

    def describe(self) -> str:
        """What the quotient is, which registered pair answers, by which argument, how certified,
        its dimension and where the proof lives (and a warning when nothing beats ``N_S <= N``)."""
        p = self.pair
        lines = [
            f"{self.name}: {prettify(self.description)}",
            f"  pair:       {prettify(p.title)} [{p.key}]",
            f"  method:     {prettify(p.method)}",
            f"  status:     {p.status}; kinds available: {', '.join(self.available_kinds)}",
            f"  dimension:  d0 = {self.dim if self.dim is not None else 'unknown'} "
            f"(quotient dimension {p.quotient_dim}, drop {p.drop})",
            f"  proof:      {_public_module(p.proof)}",
        ]
        if self.is_trivial:
            lines.append("  WARNING: only the trivial bound N_S ≤ N applies: no symmetry gain")
        elif p.status != "exact" and self._case.bounds_space:
            lines.append("  fallback:   N_S ≤ N(X) at any eps where the method's bound is larger "
                         "(no gain there; covering() warns)")
        for part in self._case.trivial_parts():
            lines.append(f"  WARNING: {part}: only the trivial bound N_S ≤ N applies (no gain from "
                         "this factor; its covering warns)")
        return "\n".join(lines)

    def power_law(self) -> tuple[sp.Expr, sp.Expr] | None:
        r"""``(V0, d0)`` with ``N_S(X, eps) ~ V0 eps^{-d0}`` when the asymptotic form is a power law.

        Read off the ``"asymptotic"`` form at the canonical symbol ``eps``; ``None`` when there is
        no asymptotic form or it is not of that shape.

        Examples
        --------
        >>> from symbound.spaces import Annulus
        >>> from symbound.groups import SO
        >>> quotient(Annulus(1, 3), SO(2)).power_law()
        (1, 1)
        """
        if "asymptotic" not in self.available_kinds:
            return None
        eps = symbol("eps")
        try:
            expr = self.covering(eps, "asymptotic").expr
        except InvalidValueError:
            return None
        expr = sp.powsimp(sp.expand_power_base(sp.sympify(expr), force=True), force=True)
        coeff, expo = expr.as_coeff_exponent(eps)
        if coeff.has(eps) or expo.has(eps) or sp.simplify(expr - coeff * eps**expo) != 0:
            return None
        return sp.simplify(coeff), -expo

    @property
    def name(self) -> str:
        return f"{self._label} / {self.group.name}"

    def latex(self) -> str:
        """LaTeX name, e.g. ``B^{2}_{1} / C_{8}``."""
        return f"{self._latex_label()} / {self.group.latex()}"

    def _latex_label(self) -> str:
        if self.pair.key == "points":
            return f"\\left({self.space.latex()}\\right)^{{{self.group.n}}}"
        return self.space.latex()

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {self.latex()}$"

    def __repr__(self) -> str:
        return f"quotient({self.space!r}, {self.group!r})"

    def __str__(self) -> str:
        return self.name

    def _latex(self, printer=None) -> str:
        return self.latex()

    def _sympystr(self, printer=None) -> str:
        return self.name


@suggest_keywords
def quotient(space: Space, group: TransformationSetBase, *, metric: str | None = None,
             orbit_dim: int | None = None, quotient_volume: Any = None) -> QuotientSpace:
    r"""The space ``space`` modulo the transformation set ``group`` (THEORY.md §2).

    Parameters
    ----------
    space : Space
        The input space X.  With ``Symmetric(n)`` acting on points (``axis=-2``), the space of one
        point: X is then ``space^n``.
    group : TransformationSetBase
        Acting on the last axis (``group.n`` must equal ``space.ambient_dim``), except
        ``Symmetric(n, axis=-2)``.
    metric : {"max", "euclidean"}, optional
        Only for S_n on point configurations: ``max_i d(x_i, y_i)`` (default) or the l2 metric of the
        flattened cloud.  (For ``Symmetric(n, axis=-1)`` on a cube it follows the cube's metric.)
    orbit_dim, quotient_volume : optional
        Only (and required) for a :class:`~symbound.spaces.Manifold`, whose action cannot be
        inspected: the dimension k' of the principal orbits and ``vol(X/G)``.

    Returns
    -------
    QuotientSpace

    Raises
    ------
    InvalidTypeError
        ``space`` is not a Space or ``group`` not a transformation set.
    InvalidValueError
        Dimensions do not match, S does not map X into itself, or the pair is not supported (the
        message lists what is).

    Notes
    -----
    The pair is looked up in the registry (:func:`symbound.quotient.supported_pairs` lists it,
    with where each proof lives); every certified bound is derived in the docstring of the class or module that computes
    it; ``covering(...).method`` names the argument used and ``.reference`` its source.  A numeric
    certified answer is an Integer computed on the exact values of eps and the space's parameters.
    Where only ``N_S <= N`` is known, ``describe()``, the method and a ``UserWarning`` say so.

    References
    ----------
    THEORY.md §2 (covering modulo a transformation set) and §1 (Lipschitz images, volume
    arguments); M. Petrache and S. Trivedi, "Approximation-Generalization Trade-offs under
    (Approximate) Group Equivariance", NeurIPS 2023; A. N. Kolmogorov and V. M. Tikhomirov,
    "eps-entropy and eps-capacity of sets in function spaces", 1959 (asymptotics of covering
    numbers).

    Examples
    --------
    >>> import sympy as sp
    >>> from symbound.spaces import Annulus, Ball, Cube, Sphere
    >>> from symbound.groups import SO, Cyclic, Symmetric
    >>> quotient(Ball(3, 1), SO(3)).covering_number(sp.Rational(1, 10))
    5
    >>> quotient(Sphere(3), SO(3)).covering_number(0.01)
    1
    >>> Q = quotient(Cube(1, side=1), Symmetric(3))   # 3 unlabelled points of [0, 1]
    >>> Q.covering_number(sp.Rational(1, 4)), Q.covering(sp.Rational(1, 4)).kind
    (4, 'exact')
    >>> eps = sp.Symbol("eps", positive=True)
    >>> quotient(Annulus(1, 2), Cyclic(4)).covering_number(eps)
    ceiling(sqrt(2)/(2*eps))*ceiling(sqrt(2)*pi/(2*eps))
    """
    if not isinstance(space, Space):
        raise InvalidTypeError(f"space must be a symbound Space, got {type(space).__name__} ({space!r})")
    if not isinstance(group, TransformationSetBase):
        raise InvalidTypeError(
            f"group must be a symbound transformation set (symbound.groups), got "
            f"{type(group).__name__} ({group!r})"
        )
    if group.action in ("image", "callable"):
        raise InvalidValueError(
            f"{group!r} acts on images or through a callable, not on the points of {space.name}: "
            "quotient covering numbers need a linear, permutation or translation action (for "
            "images, a TransformationSet of the pixel permutation matrices on a Cube); the "
            "numeric layer (equivariance_error, data_equivariance_error, symmetrize, "
            "empirical_covering_number) takes image groups and Actions")
    points = isinstance(group, Symmetric) and group.axis == -2
    if metric is not None and not points:
        raise InvalidValueError(
            f"metric applies only to Symmetric(n) permuting points (axis=-2), got metric={brief(metric)} "
            f"with {group!r}"
        )
    manifold = isinstance(space, Manifold)
    if (orbit_dim is not None or quotient_volume is not None) and not manifold:
        raise InvalidValueError(
            "orbit_dim and quotient_volume are only for a Manifold (whose action cannot be "
            f"inspected), got space {brief(space)}"
        )
    options: dict[str, Any] = {}
    if points:
        options["metric"] = check_choice("metric", "max" if metric is None else metric,
                                         ("max", "euclidean"))
    elif manifold:
        options.update(_manifold_options(space, group, orbit_dim, quotient_volume))
    pair, case = lookup(space, group, options)
    label = f"({space.name})^{group.n}" if pair.key == "points" else space.name
    return QuotientSpace(space, group, pair, case, label, options)


def _manifold_options(space, group, orbit_dim, quotient_volume) -> dict[str, Any]:
    if orbit_dim is None or quotient_volume is None:
        raise InvalidValueError(
            "a group acting on an abstract Manifold needs orbit_dim= (dimension of the principal "
            "orbits, 0 for a finite group) and quotient_volume= (vol(X/G)); got "
            f"orbit_dim={orbit_dim!r}, quotient_volume={quotient_volume!r}"
        )
    k = check_integer("orbit_dim", orbit_dim, 0, space.manifold_dim)
    if k > group.manifold_dim:
        raise InvalidValueError(
            f"orbit_dim must be in [0, {min(group.manifold_dim, space.manifold_dim)}] (at most dim G = {group.manifold_dim} "
            f"and dim X = {space.manifold_dim}), got {brief(orbit_dim)}"
        )
    check_real("quotient_volume", quotient_volume, 0, low_closed=False)
    return {"orbit_dim": k, "quotient_volume": _to_sympy(quotient_volume)}


def _public_module(path: str) -> str:
    """``symbound.quotient.finite._AnnularSectorCase`` -> ``symbound.quotient.finite`` (where the
    proof is written; private names are not for the reader)."""
    parts = path.split(".")
    while parts and parts[-1].startswith("_"):
        parts.pop()
    return ".".join(parts)
