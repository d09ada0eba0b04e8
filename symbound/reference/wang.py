r"""Wang et al. (2023): error lower bounds for invariant and equivariant models when the symmetry is
(partly) incorrect, on finite orbits.

Reference: D. Wang, X. Zhu, J. Y. Park, M. Jia, G. Su, R. Platt and R. Walters, *A General Theory of
Correct, Incorrect, and Extrinsic Equivariance*, NeurIPS 2023 (arXiv:2303.04745).  The stored
copies of the paper available to this project hold its abstract ("we prove error lower bounds for
invariant or equivariant networks in classification or regression settings with partially incorrect
symmetry") and the caption of its Figure 5 (a C4 regression example: the minimal error of an
invariant model is reached by predicting the mean of f over the orbit; for an equivariant model by
the mean of the G-stabilised values rho(g)^{-1} f(g x)).  Their theorem numbers and exact statements
could not be read, so none is cited; the bounds below are the exact minima over the model class,
proved here, and tested against brute force.

Setting
-------
A finite set of orbits ``O_1, ..., O_r`` of G, each listed as points with their probability masses
``p(x) >= 0`` (total at most 1; the rest of the distribution can only add error), and a target f.
For classification f(x) is a label and the error is ``P[h(x) != f(x)]``; for regression f(x) is in
R^m and the error is ``E ||h(x) - f(x)||^2`` (squared loss).

Results (each is attained, hence the best possible lower bound)
---------------------------------------------------------------
* Invariant classifier (h constant on each orbit):
  ``err(h) >= sum_O ( p(O) - max_y p(O ∩ {f = y}) )`` — the mass outside the majority label.
* Invariant regression: ``err(h) >= sum_O sum_{x in O} p(x) ||f(x) - m_O||^2`` with
  ``m_O = sum_{x in O} p(x) f(x) / p(O)`` — the p-weighted variance of f on each orbit.
* Equivariant regression, the points of an orbit written ``x_j = g_j x_0`` with output matrices
  ``rho_j = rho(g_j)``: h is fixed on the orbit by ``c = h(x_0)`` through ``h(x_j) = rho_j c``, so
  ``err(h) >= sum_O min_c sum_j p_j ||rho_j c - f(x_j)||^2 = sum_O ( sum_j p_j ||f(x_j)||^2
  - b_O^T A_O^+ b_O )`` with ``A_O = sum_j p_j rho_j^T rho_j`` and ``b_O = sum_j p_j rho_j^T f(x_j)``
  (normal equations; ``b_O`` lies in the range of ``A_O``).  For orthogonal rho this is the
  p-weighted variance of the G-stabilised values ``rho_j^T f(x_j)``; rho = identity gives the
  invariant case.

Proof: the model class decouples over orbits (an invariant h has one free value per orbit, an
equivariant h one free ``c`` per orbit), and each term is minimised exactly: a majority vote, a
least-squares mean.  Listing only a subset of an orbit, or an orbit with a non-trivial stabiliser
(then c is further constrained to be fixed by rho of the stabiliser), still gives a valid lower
bound, attained when the listed points are whole orbits with free action.

All arithmetic is exact (floats enter as the binary values they store).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import sympy as sp

from .._validation import brief
from ..errors import InvalidTypeError, InvalidValueError
from ._numbers import exact_number
from ._reference_bound import ReferenceBound

__all__ = [
    "wang2023_invariant_classification",
    "wang2023_invariant_regression",
    "wang2023_equivariant_regression",
]

REFERENCE = ("Wang et al. 2023 (NeurIPS; arXiv:2303.04745), error lower bounds under incorrect "
             "invariance/equivariance (theorem numbers not verified against the paper; exact minima "
             "proved in symbound.reference.wang)")

_ORBIT_REGIME = ("finitely many disjoint orbits (or parts of orbits), each point listed once with its "
                 "probability mass; total mass <= 1")


def _orbit_list(orbits: Any, width: int, what: str) -> list[list[tuple]]:
    if isinstance(orbits, (str, bytes)) or not isinstance(orbits, Sequence) or len(orbits) == 0:
        raise InvalidValueError(f"orbits must be a non-empty sequence of orbits, got {brief(orbits)}")
    out = []
    for i, orbit in enumerate(orbits):
        if isinstance(orbit, (str, bytes)) or not isinstance(orbit, Sequence) or len(orbit) == 0:
            raise InvalidValueError(f"orbits[{i}] must be a non-empty sequence of points, got {brief(orbit)}")
        pts = []
        for j, pt in enumerate(orbit):
            if isinstance(pt, (str, bytes)) or not isinstance(pt, Sequence) or len(pt) != width:
                raise InvalidValueError(f"orbits[{i}][{j}] must be a tuple {what}, got {brief(pt)}")
            pts.append(tuple(pt))
        out.append(pts)
    return out


def _masses(orbits: list[list[tuple]]) -> list[list[sp.Expr]]:
    masses = []
    for i, orbit in enumerate(orbits):
        row = []
        for j, pt in enumerate(orbit):
            p = exact_number(f"orbits[{i}][{j}] mass", pt[0])
            if not p.is_number:
                raise InvalidTypeError(f"orbits[{i}][{j}] mass must be a number, got {p}")
            if p < 0:
                raise InvalidValueError(f"orbits[{i}][{j}] mass must be >= 0, got {brief(pt[0])}")
            row.append(p)
        masses.append(row)
    total = sp.Add(*[p for row in masses for p in row])
    if total > 1:
        raise InvalidValueError(f"the masses must sum to at most 1 (a probability), got {total}")
    return masses


def _vector(name: str, value: Any) -> sp.Matrix:
    if isinstance(value, sp.MatrixBase):
        entries = list(value)
    elif hasattr(value, "tolist") and not isinstance(value, sp.Basic):
        entries = value.tolist()
        entries = entries if isinstance(entries, list) else [entries]
    elif isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        entries = list(value)
    else:
        entries = [value]
    if not entries or any(isinstance(e, (list, tuple)) for e in entries):
        raise InvalidValueError(f"{name} must be a number or a flat vector of numbers, got {brief(value)}")
    vec = [exact_number(f"{name}[{i}]", e) for i, e in enumerate(entries)]
    if any(not e.is_number for e in vec):
        raise InvalidTypeError(f"{name} must have numeric entries, got {brief(value)}")
    return sp.Matrix(vec)


def _matrix(name: str, value: Any, m: int) -> sp.Matrix:
    rows = value.tolist() if hasattr(value, "tolist") and not isinstance(value, sp.Basic) else value
    try:
        mat = sp.Matrix([[exact_number(f"{name}[{i}][{j}]", e) for j, e in enumerate(row)]
                         for i, row in enumerate(rows)])
    except TypeError:
        raise InvalidTypeError(f"{name} must be an {m} x {m} matrix, got {brief(value)}") from None
    if mat.shape != (m, m) or any(not e.is_number for e in mat):
        raise InvalidValueError(f"{name} must be an {m} x {m} numeric matrix, got {brief(value)}")
    return mat


def _min_orbit_error(masses: list[sp.Expr], values: list[sp.Matrix], rhos: list[sp.Matrix]) -> sp.Expr:
    """min_c sum_j p_j ||rho_j c - y_j||^2, exactly (normal equations with the pseudo-inverse)."""
    m = values[0].shape[0]
    a = sp.zeros(m, m)
    b = sp.zeros(m, 1)
    c = sp.Integer(0)
    for p, y, r in zip(masses, values, rhos):
        a += p * r.T * r
        b += p * r.T * y
        c += p * (y.T * y)[0, 0]
    if a.is_zero_matrix:
        return c
    best = c - (b.T * a.pinv() * b)[0, 0]
    return best if best.is_Rational else sp.simplify(best)


def _regression(orbits: list[list[tuple]], equivariant: bool) -> sp.Expr:
    masses = _masses(orbits)
    m = None
    total = sp.Integer(0)
    for i, orbit in enumerate(orbits):
        values, rhos = [], []
        for j, pt in enumerate(orbit):
            y = _vector(f"orbits[{i}][{j}] value", pt[1])
            if m is None:
                m = y.shape[0]
            elif y.shape[0] != m:
                raise InvalidValueError(
                    f"every value must have the same length {m}, orbits[{i}][{j}] has {y.shape[0]}")
            values.append(y)
            rhos.append(_matrix(f"orbits[{i}][{j}] rho", pt[2], m) if equivariant else sp.eye(m))
        total += _min_orbit_error(masses[i], values, rhos)
    return total


def _bound(expr: sp.Expr, lhs: str, name: str, model: str, attained: str) -> ReferenceBound:
    return ReferenceBound(
        expr=expr,
        lhs=lhs,
        relation=">=",
        reference=REFERENCE,
        assumptions=(f"h is any {model} model (no other restriction)",
                     "the target f is deterministic on the listed points"),
        regime=(_ORBIT_REGIME,),
        kind="certified",
        name=name,
        notes=(f"a lower bound on the error of every {model} model, attained by {attained} "
               "(exact when the listed points are whole orbits on which G acts freely)",
               "an approximation error (no sample size): not a generalization-gap bound"),
        probability=None,
    )


def wang2023_invariant_classification(orbits: Sequence[Sequence[tuple[Any, Hashable]]]) -> ReferenceBound:
    r"""Least 0-1 error of any G-invariant classifier on finite orbits (Wang et al. 2023 setting).

    .. math:: \Pr[h(x) \neq f(x)] \ \ge\ \sum_{O} \Big( p(O) - \max_y p\big(O \cap \{f = y\}\big) \Big)
              \quad \text{for every } G\text{-invariant } h.

    Parameters
    ----------
    orbits : a sequence of orbits, each a sequence of ``(mass, label)`` pairs, one per point: the
        point's probability mass (exact or float, >= 0; total <= 1) and its label ``f(x)`` (any
        hashable).

    Returns
    -------
    ReferenceBound with ``relation=">="`` and an exact value.

    Examples
    --------
    >>> from fractions import Fraction as F
    >>> from symbound.reference import wang2023_invariant_classification
    >>> orbit = [(F(1, 4), "a"), (F(1, 4), "a"), (F(1, 4), "a"), (F(1, 4), "b")]   # C4 orbit
    >>> wang2023_invariant_classification([orbit]).expr
    1/4
    """
    orbits_ = _orbit_list(orbits, 2, "(mass, label)")
    masses = _masses(orbits_)
    total = sp.Integer(0)
    for i, (orbit, ps) in enumerate(zip(orbits_, masses)):
        by_label: dict = {}
        for j, (pt, p) in enumerate(zip(orbit, ps)):
            label = pt[1]
            if not isinstance(label, Hashable):
                raise InvalidTypeError(f"orbits[{i}][{j}] label must be hashable, got {brief(label)}")
            by_label[label] = by_label.get(label, sp.Integer(0)) + p
        total += sp.Add(*ps) - max(by_label.values())
    return _bound(total, r"\Pr_x\big[h(x) \neq f(x)\big]",
                  "Wang et al. 2023 (invariant classification lower bound)", "G-invariant",
                  "the majority label (by mass) on each orbit")


def wang2023_invariant_regression(orbits: Sequence[Sequence[tuple[Any, Any]]]) -> ReferenceBound:
    r"""Least squared error of any G-invariant regressor on finite orbits (Wang et al. 2023 setting).

    .. math:: \mathbb{E}\|h(x) - f(x)\|^2 \ \ge\ \sum_O \sum_{x \in O} p(x)\, \|f(x) - m_O\|^2,
              \qquad m_O = \frac{\sum_{x \in O} p(x) f(x)}{p(O)},

    for every G-invariant h: the p-weighted variance of f on each orbit.

    Parameters
    ----------
    orbits : a sequence of orbits, each a sequence of ``(mass, value)`` pairs, one per point:
        probability mass (>= 0, total <= 1) and ``f(x)`` (a number or a vector, the same length
        everywhere).

    Examples
    --------
    >>> from symbound.reference import wang2023_invariant_regression
    >>> wang2023_invariant_regression([[(0.25, 0.0), (0.25, 1.0), (0.25, 0.0), (0.25, 1.0)]]).expr
    1/4
    """
    expr = _regression(_orbit_list(orbits, 2, "(mass, value)"), equivariant=False)
    return _bound(expr, r"\mathbb{E}_x\big\|h(x) - f(x)\big\|^2",
                  "Wang et al. 2023 (invariant regression lower bound)", "G-invariant",
                  "the p-weighted mean of f on each orbit")


def wang2023_equivariant_regression(orbits: Sequence[Sequence[tuple[Any, Any, Any]]]) -> ReferenceBound:
    r"""Least squared error of any G-equivariant regressor on finite orbits (Wang et al. 2023 setting).

    With the points of an orbit written ``x_j = g_j x_0`` and ``rho_j = rho(g_j)``,

    .. math:: \mathbb{E}\|h(x) - f(x)\|^2 \ \ge\ \sum_O \min_{c} \sum_j p_j \|\rho_j c - f(x_j)\|^2

    for every G-equivariant h (``h(g x) = rho(g) h(x)``); for orthogonal rho the minimiser is the
    p-weighted mean of the G-stabilised values ``rho_j^T f(x_j)``.

    Parameters
    ----------
    orbits : a sequence of orbits, each a sequence of ``(mass, value, rho)`` triples, one per point:
        probability mass (>= 0, total <= 1), ``f(x_j)`` (a vector of length m) and ``rho(g_j)``
        (an m x m matrix; entries exact or floats, taken as the binary values they store).

    Examples
    --------
    >>> from symbound.reference import wang2023_equivariant_regression
    >>> r = [[1, 0], [0, 1]], [[0, -1], [1, 0]], [[-1, 0], [0, -1]], [[0, 1], [-1, 0]]   # C4
    >>> orbit = [(0.25, [1, 0], r[0]), (0.25, [0, 1], r[1]), (0.25, [-1, 0], r[2]), (0.25, [1, 0], r[3])]
    >>> wang2023_equivariant_regression([orbit]).expr      # f is equivariant except at one point
    3/8
    """
    expr = _regression(_orbit_list(orbits, 3, "(mass, value, rho)"), equivariant=True)
    return _bound(expr, r"\mathbb{E}_x\big\|h(x) - f(x)\big\|^2",
                  "Wang et al. 2023 (equivariant regression lower bound)", "G-equivariant",
                  "c = the least-squares solution on each orbit (the mean of the stabilised values "
                  "rho_j^T f(x_j) for orthogonal rho)")
