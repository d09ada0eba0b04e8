r"""Generalization bounds for models with exact, partial or approximate symmetry (THEORY §4).

Two bounds, both driven by the covering number of the input space *modulo* a transformation set S
(THEORY §2):

* the **partition (robustness) bound** of Xu & Mannor (2012, Thm 3): statements and proofs in
  :mod:`symbound.bounds.partition`;
* the **entropy-integral (Dudley) bound** for Lipschitz classes: :mod:`symbound.bounds.entropy`.

The covering models (space, quotient, power law, covering of a sample) live in
:mod:`symbound.bounds.covering_models`; measured inputs enter through :mod:`symbound.bounds.measured`.
The public entry point is :func:`generalization_bound`; it returns a :class:`GeneralizationBound`,
which keeps the arguments it was built from: substituting one of them (``b.subs(eta=0)``,
``b.evaluate(n=..., eta=<SupErrorUpperBound>)``) rebuilds the bound, so that everything it reports
about itself (kind, assumptions, probability, closed-form optimum, limit and rate) is derived from
its current parameters, never frozen at construction.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import sympy as sp

from .._validation import check_choice, check_integer, check_probability, check_real, suggest_keywords
from ..errors import InvalidTypeError, InvalidValueError
from ..functions import BranchMin
from ..symbols import symbol
from ._generalization_bound import GeneralizationBound, _spec_value  # noqa: F401
from .covering_models import empirical_cover, make_cover
from .entropy import (ETA_LEVELS, REF_DUDLEY, certified_entropy_integral, dudley_parts, eta_level, lipschitz_class_log_covering,
                      power_law_entropy_integral)
from .measured import MeasuredInput, convert_value, is_empirical_covering
from .sup_match import check_sup_matches
from .partition import REF_PARTITION, partition_parts

# names importable from here since the first release
from .covering_models import _Cover, make_cover as _make_cover  # noqa: F401
from .entropy import QUADRATURE_MIN_RATIO, QUADRATURE_POINTS_PER_E  # noqa: F401
from .._types import Space, TransformationSetBase

__all__ = [
    "generalization_bound",
    "GeneralizationBound",
    "lipschitz_class_log_covering",
    "power_law_entropy_integral",
    "certified_entropy_integral",
]

_METHODS = ("partition", "dudley")
_RESOLUTIONS = ("optimize", "expose")
_COVERINGS = ("auto", "power_law", "upper")


# ------------------------------------------------------------------------------------------------
# Parameters
# ------------------------------------------------------------------------------------------------


def _param(name: str, value: Any, default: str, *, low=0, low_closed=False) -> sp.Expr:
    if value is None:
        return symbol(default)
    v, _rec = convert_value(name, value, default)
    check_real(name, v, low, low_closed=low_closed)
    return v


def _count_param(name, value, default_symbol, default=None):
    if value is None:
        return symbol(default_symbol) if default is None else sp.Integer(default)
    v = check_integer(name, value, 1, allow_symbolic=True)
    return sp.Integer(v) if isinstance(v, int) else v


def _eta(value) -> tuple[sp.Expr, MeasuredInput | None]:
    """eta and its record: a number / symbol, or a SupErrorUpperBound (recorded)."""
    if value is None:
        return symbol("eta"), None
    v, rec = convert_value("equivariance_error", value, "eta")
    check_real("equivariance_error", v, 0, low_closed=True)
    return v, rec


def _assumptions(group, ycover, eta, empirical: bool) -> list[str]:
    out = ["loss in [0, M], L_l-Lipschitz in the prediction", "hypotheses are L-Lipschitz"]
    if group is not None:
        out.append(f"transformations s in S = {group.name} map X into X (s(X) ⊆ X)")
        if eta == 0:
            out.append("hypotheses are exactly S-invariant (or S-equivariant)")
        else:
            out.append("hypotheses are approximately invariant: sup_{x, s} |f(s x) - rho(s) f(x)| <= eta")
    if ycover is not None:
        out.append("outputs in Y with the diagonal action s(x, y) = (s x, rho(s) y), rho(s) an "
                   "isometry of Y; invariant loss l(rho(s) a, rho(s) b) = l(a, b) and "
                   "|l(a, b) - l(a', b')| <= L_l (|a - a'| + |b - b'|) (equivariant outputs)")
    if empirical:
        out.append("covering: greedy nets of the sample (a covering of the sample, not of X); "
                   "their radii were chosen before seeing the sample")
    return out


# ------------------------------------------------------------------------------------------------
# Public entry point
# ------------------------------------------------------------------------------------------------


@suggest_keywords
def generalization_bound(space: Space | None = None, group: TransformationSetBase | None = None,
                         method: str = "partition", *, lipschitz: Any = None,
                         loss_lipschitz: Any = None, loss_bound: Any = None, classes: Any = None,
                         equivariance_error: Any = 0, hypothesis_bound: Any = None,
                         grid_size: Any = None, output_space: Space | None = None,
                         resolution: str = "optimize", covering: Any = "upper",
                         power_law: tuple[Any, Any] | None = None, n: Any = None, delta: Any = None,
                         plain_covering: bool = True,
                         grid_range: tuple | None = None) -> GeneralizationBound:
    r"""Generalization bound for (approximately) S-invariant or S-equivariant Lipschitz models.

    Returns a :class:`GeneralizationBound` on ``|R(f) - R_n(f)|`` (partition) or
    ``sup_f |R(f) - R_n(f)|`` (Dudley), in the symbols n and delta, holding with probability at
    least ``1 - delta`` (less the failure probability of measured inputs).

    Partition bound (THEORY §4.1; Xu & Mannor 2012, Thm 3; :mod:`symbound.bounds.partition`):

    .. math::

        2L_\ell(L\varepsilon + \eta) + M\sqrt{\frac{2\,C\,N_S(X,\varepsilon)\ln 2
        + 2\ln m + 2\ln(1/\delta)}{n}}

    Entropy-integral bound (THEORY §4.2; Dudley 1967; Mohri et al. 2018, Thm 3.3, Lemma 5.7;
    :mod:`symbound.bounds.entropy`):

    .. math::

        2L_\ell\Big(4\alpha + \frac{12}{\sqrt n}\int_\alpha^B\sqrt{\ln N(F_\eta,u)}\,du\Big)
        + M\sqrt{\frac{\ln(2/\delta)}{2n}}

    For ``eta != 0`` (and ``plain_covering``) both are the smaller of the bound through ``N_S``
    and the plain bound through ``N(X)`` (THEORY §5, two coverings): never above the bound
    without symmetry, equal to it once eta is large.

    Parameters
    ----------
    space : input space X (``symbound.spaces``), or None with ``power_law`` or an empirical
        ``covering``.
    group : transformation set S acting on X (None: no symmetry).  Any set the quotient module
        handles: groups, partial sets, ``TransformationSet``.
    method : "partition" or "dudley".
    lipschitz, loss_lipschitz, loss_bound : L, L_l, M (numbers or SymPy; default canonical
        symbols).  Floats are taken as the exact binary numbers they store.
    classes : C, number of label values (partition, discrete labels; default symbol C).
    equivariance_error : eta >= 0, ``sup_{x, s} |f(s x) - rho(s) f(x)|`` of the model class
        (default 0: exactly invariant/equivariant models): a number or symbol, or a
        :class:`~symbound.seam.SupErrorUpperBound` certified on a region (its value is used and
        recorded; a confidence c < 1 makes the bound hold with probability ``1 - delta - (1 -
        c)``).  A mean-error estimate is refused: convert it with ``est.sup_upper_bound(...)`` or
        ``sb.certified_sup_error(...)``.  A plain number is taken as a constant known before the
        data (it decides the resolution and the covering without a union bound); a value measured
        on the trained model must come as a SupErrorUpperBound, so that its cost is paid.
    hypothesis_bound : B, hypotheses take values in [-B, B] (Dudley; default symbol B).
    grid_size : m, size of the grid of resolutions of the partition bound's union bound
        (``2 ln m``).  Default 1: no union bound is needed when eps depends only on n, delta and
        constants known in advance (the optimiser's choice does).  With ``m > 1`` the optimiser
        chooses eps from a geometric grid of m values (``grid_range``, default ``(R1 n^{-1/2},
        R1)``, R1 the radius of one ball containing X), the grid the ``2 ln m`` pays for.
    output_space : Y (a space) for continuous or equivariant outputs: the bound uses
        ``Z = X x Y`` with the diagonal action and an invariant loss (stated in ``assumptions``).
    resolution : "optimize" (closed-form optimum substituted when the covering is a power law) or
        "expose" (eps / alpha left free; :meth:`GeneralizationBound.optimize` gives it).
    covering : "upper" (default: the certified upper covering number of the space or quotient, so
        the bound is certified), "power_law" (the leading-order power law ``V0 r^-d0`` of the
        covering number: closed-form optimum and rate, labelled asymptotic), "auto" (power law
        where there is one, else "upper"), or greedy nets of the sample
        (:func:`symbound.empirical_covering_number` results at radii chosen in advance): a
        covering model of the sample, not of X (:mod:`symbound.bounds.covering_models`).  The
        partition bound then becomes an estimate (``kind="empirical"``), with the radii as its
        grid (``ln m``, m the number of nets); the entropy-integral bound stays certified through
        the empirical Rademacher complexity of the training sample (the nets must be of the
        training inputs; n is their size).
    power_law : (V0, d0) asserted by the caller: ``N_S(X, r) <= V0 r^{-d0}`` on the radii used.
    n, delta : sample size and confidence (default the canonical symbols).
    plain_covering : for ``eta != 0``, also bound through the plain covering N(X) and take the
        smaller (default True; needs ``space``, or nets with plain counts).
    grid_range : (lo, hi) of the partition bound's grid of m resolutions (constants fixed before
        the data).

    Returns
    -------
    GeneralizationBound

    Raises
    ------
    InvalidValueError / InvalidTypeError
        delta outside (0, 1), n < 1, non-integer classes or grid_size, negative
        equivariance_error, nonpositive constants, unknown method / resolution / covering, a
        measured estimate where a sup is owed.

    Examples
    --------
    >>> from symbound.spaces import Ball
    >>> b = generalization_bound(Ball(2), power_law=(9, 2), lipschitz=1, loss_lipschitz=1,
    ...                          loss_bound=1, classes=2)
    >>> b.rate("n")
    -1/4
    >>> round(float(b.evaluate(n=10**6, delta=0.05)), 4)
    0.1999
    """
    spec = dict(space=space, group=group, method=method, lipschitz=lipschitz,
                loss_lipschitz=loss_lipschitz, loss_bound=loss_bound, classes=classes,
                equivariance_error=equivariance_error, hypothesis_bound=hypothesis_bound,
                grid_size=grid_size, output_space=output_space, resolution=resolution,
                covering=covering, power_law=power_law, n=n, delta=delta,
                plain_covering=plain_covering, grid_range=grid_range)
    return _build(spec)


def _build(spec: dict) -> GeneralizationBound:
    method, resolution, covering = spec["method"], spec["resolution"], spec["covering"]
    check_choice("method", method, _METHODS)
    check_choice("resolution", resolution, _RESOLUTIONS)
    empirical = is_empirical_covering(covering)
    if not empirical:
        if not isinstance(covering, str):
            raise InvalidTypeError(
                f"covering must be one of {_COVERINGS} or greedy nets of the sample "
                f"(EmpiricalCovering), got {type(covering).__name__}")
        check_choice("covering", covering, _COVERINGS)
    space, group, output_space = spec["space"], spec["group"], spec["output_space"]
    L = _param("lipschitz", spec["lipschitz"], "L")
    Ll = _param("loss_lipschitz", spec["loss_lipschitz"], "L_l")
    M = _param("loss_bound", spec["loss_bound"], "M")
    B = _param("hypothesis_bound", spec["hypothesis_bound"], "B")
    eta, eta_rec = _eta(spec["equivariance_error"])
    C = _count_param("classes", spec["classes"], "C")
    n_s = _count_param("n", spec["n"], "n")
    if spec["delta"] is None:
        d_s = symbol("delta")
    else:
        check_probability("delta", spec["delta"])
        d_s = convert_value("delta", spec["delta"], "delta")[0]
    if space is not None and not hasattr(space, "covering"):
        raise InvalidTypeError(
            f"space must be a symbound space with a covering(eps, kind) method, got {type(space).__name__}")
    if group is not None and not hasattr(group, "is_group"):
        raise InvalidTypeError(
            f"group must be a symbound transformation set (symbound.groups), got {type(group).__name__}")
    if empirical:
        # group=None asks for the bound without symmetry: the nets' plain counts (empirical_cover),
        # never their quotient counts
        nets = covering if isinstance(covering, (list, tuple)) else (covering,)
    if group is None and spec["power_law"] is None and eta != 0:
        raise InvalidValueError(
            f"equivariance_error must be 0 without a group (S+ = {{id}} has no equivariance error), "
            f"got {eta}; pass group=... for approximately invariant models")
    approx = group is not None and eta != 0
    records = [eta_rec] if eta_rec is not None else []
    # a measured sup must be over a set containing S and a region containing X (refused otherwise)
    matched = (check_sup_matches(eta_rec.source, group, space, name="equivariance_error")
               if eta_rec is not None and group is not None else ())
    # ----- covering models
    if empirical:
        cover = empirical_cover(covering, group)
        plain = None
        if approx and spec["plain_covering"] and all(
                net.n_centers_plain is not None for net in nets):
            plain = empirical_cover(covering, group, plain=True)
        m_default = len(cover.radii)
        if method == "dudley":
            if n_s.is_number and n_s != cover.n_points:
                raise InvalidValueError(
                    f"n={n_s}: the empirical covering is of a sample of {cover.n_points} points; "
                    "the entropy-integral bound through it is for that training sample (n = "
                    f"{cover.n_points})")
            n_s = sp.Integer(cover.n_points)
    else:
        cover = make_cover(space, group, covering, spec["power_law"])
        plain = None
        if approx and spec["plain_covering"] and space is not None:
            plain = make_cover(space, None, covering if spec["power_law"] is None else "upper", None)
        if method == "dudley" and approx and plain is None:
            raise InvalidValueError("equivariance_error > 0 with method='dudley' needs space (the "
                                    "plain covering number of X is used at scales u <= 4 eta)")
        m_default = 1
    m = _count_param("grid_size", spec["grid_size"], "m", default=m_default)
    if empirical and method == "partition" and m != m_default:
        raise InvalidValueError(
            f"grid_size={m}: with a covering of the sample the grid is the nets' radii "
            f"(m = {m_default})")
    ycover = None
    if output_space is not None:
        if not hasattr(output_space, "covering"):
            raise InvalidTypeError(
                f"output_space must be a symbound space, got {type(output_space).__name__}")
        ycover = make_cover(output_space, None, "power_law" if cover.power_law else "upper", None,
                            name="Y")
    # ----- the bound
    name = ("partition bound" if method == "partition" else "entropy-integral bound") + \
        ("" if group is None else f" mod {group.name}")
    assumptions = _assumptions(group, ycover, eta, empirical) + list(matched)
    if method == "partition":
        b = _partition_bound(spec, group, cover, plain, ycover, L, Ll, M, eta, n_s, d_s, C, m,
                             eta_rec is not None, name, assumptions)
    else:
        b = _dudley_bound(group, cover, plain, ycover, L, Ll, M, eta, eta_rec, n_s, d_s, B,
                          empirical, name, assumptions)
    b = replace(b, spec=dict(spec), **b._with_measured(records))
    if resolution == "optimize" and b.resolution is not None:
        closed = (b.argmin is not None if method == "dudley" else
                  all(br["argmin"] is not None for br in b.info["branches"]) and m == 1)
        if closed:
            opt = b._optimize_resolution(None, True, None)
            b = replace(opt.bound, fixed=(), info=dict(opt.bound.info, optimized_at_build=True,
                                                       optimum_values=opt.bound.fixed[-1][1]))
    return b


def _partition_bound(spec, group, cover, plain, ycover, L, Ll, M, eta, n, delta, C, m,
                     measured, name, assumptions) -> GeneralizationBound:
    parts = partition_parts(group=group, cover=cover, plain=plain, ycover=ycover, L=L, Ll=Ll, M=M,
                            eta=eta, n=n, delta=delta, C=C, m=m, union_branches=measured)
    eps = symbol("eps")
    branches = []
    defs = {}
    for br in parts["branches"]:
        branches.append(br)
        defs.update(br["definitions"])
    expr = branches[0]["expr"] if len(branches) == 1 else BranchMin(*[br["expr"] for br in branches])
    r1s = [_radius_one(br["cover"]) for br in branches]
    r1 = max(r1s) if all(r is not None for r in r1s) else None
    if ycover is not None and r1 is not None:
        ry = _radius_one(ycover)
        r1 = None if ry is None else max(r1, ry)
    pl = branches[0]["power_law"]
    argmin = branches[0]["argmin"] if len(branches) == 1 else None
    info = {"branches": tuple(branches), "one_ball": r1, "k_union": parts["k_union"],
            "resolution_symbol": eps}
    if cover.radii:
        info["radii"] = cover.radii
    return GeneralizationBound(
        expr=expr, lhs=r"\left|R(f) - \hat{R}_n(f)\right|", reference=REF_PARTITION,
        definitions=defs, assumptions=tuple(assumptions), regime=tuple(parts["regime"]),
        kind=parts["kind"], resolution=eps, name=name, notes=tuple(parts["notes"]),
        argmin=argmin,
        argmin_method=("minimiser of the surrogate A eps + D eps^(-d0/2), sqrt(a+b) <= sqrt(a) + "
                       "sqrt(b); the bound is evaluated exactly there"),
        method="partition", power_law=pl,
        search_interval=(1e-12, 2 * float(sp.N(r1)) if r1 is not None else 1e3),
        symbolic_rate=True, info=info)


def _radius_one(cover) -> Any:
    """A radius at which the covering model is 1 (R1, or V0^(1/d0) for a power law)."""
    if cover.one_ball is not None:
        return sp.sympify(cover.one_ball)
    if cover.power_law is not None:
        v0, d0 = (sp.sympify(x) for x in cover.power_law)
        if v0.is_number and d0.is_number:
            return v0 ** (1 / d0)
    if cover.radii:
        return max(cover.radii)
    return None


def _dudley_bound(group, cover, plain, ycover, L, Ll, M, eta, eta_rec, n, delta, B, empirical,
                  name, assumptions) -> GeneralizationBound:
    levels = None
    if eta_rec is not None:
        top = 2 * (B if ycover is None else M / 2)
        if top.free_symbols:
            raise InvalidValueError(
                "a measured eta with method='dudley' needs a numeric hypothesis_bound (loss_bound "
                "with output_space): the eta levels 2B 2^(-j/8) are fixed before the data")
        etac_meas = eta if ycover is None else Ll * eta
        if etac_meas.free_symbols:
            raise InvalidValueError("a measured eta with output_space needs a numeric loss_lipschitz")
        level, j = eta_level(etac_meas, top)
        eta = level if ycover is None else level / Ll
        levels = ETA_LEVELS
        assumptions = list(assumptions) + [
            f"measured eta rounded up to the level {float(level):.6g} of {ETA_LEVELS} fixed in "
            f"advance (2B 2^(-j/8), j = {j}; symbound.bounds.entropy statement (M))"]
    parts = dudley_parts(group=group, cover=cover, plain=plain, ycover=ycover, L=L, Ll=Ll, M=M,
                         eta=eta, n=n, delta=delta, B=B, eta_levels=levels, empirical=empirical)
    Bc = parts["info"]["resolution_upper"]
    return GeneralizationBound(
        expr=parts["expr"], lhs=r"\sup_{f}\left|R(f) - \hat{R}_n(f)\right|", reference=REF_DUDLEY,
        definitions=parts["definitions"], assumptions=tuple(assumptions),
        regime=tuple(parts["regime"]), kind=parts["kind"], resolution=parts["resolution"],
        name=name, notes=tuple(parts["notes"]), argmin=parts["argmin"],
        argmin_method=parts["argmin_method"], method="dudley", power_law=parts["power_law"],
        search_interval=(float(sp.N(Bc)) * 1e-12, float(sp.N(Bc))) if not Bc.free_symbols else None,
        symbolic_rate=False,
        info=dict(parts["info"], resolution_symbol=parts["resolution"]))
