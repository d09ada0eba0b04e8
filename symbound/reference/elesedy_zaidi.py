r"""Elesedy & Zaidi (2021): the exact expected generalization benefit of invariant least squares.

Reference: B. Elesedy and S. Zaidi, *Provably Strict Generalisation Benefit for Equivariant
Models*, ICML 2021, PMLR 139 (arXiv:2102.10333), the theorem on invariant linear regression with
Gaussian inputs, case n > d + 1.  The stored copies of the paper available to this project hold its
abstract only, so the theorem number is not cited and the identity below is proved here; the test
suite checks it by simulating least squares with and without the projection.

Setting
-------
Inputs ``X ~ N(0, sigma_X^2 I_d)``; a compact group G acts on R^d by an orthogonal representation;
the target is linear and G-invariant, ``Y = theta^T X + xi`` with ``theta`` in the fixed subspace
``Fix(G) = {v : g v = v for all g}`` (of dimension ``k = int chi(g) dlambda(g)``, the average of the
character), and ``xi`` independent of X with mean 0 and variance ``sigma^2``.  From n i.i.d. pairs,
``W = (X^T X)^{-1} X^T Y`` is the least-squares estimate and ``Q f_W(x) = int f_W(g x) dlambda(g)
= (P W)^T x`` its group average, P the orthogonal projection onto Fix(G).

Result
------
With the test risk ``R(w) = E (w^T x - y)^2`` over a fresh pair, for n > d + 1:

.. math:: \mathbb{E}_S\big[R(f_W) - R(\mathcal{Q} f_W)\big] = \frac{\sigma^2 (d - k)}{n - d - 1},

independent of ``sigma_X`` and ``theta``.  For n in {d, d + 1} the expectation is infinite when
k < d (the mean of an inverse Wishart matrix diverges), and for n < d the least-squares estimate is
not unique; the function refuses those n.

Proof
-----
``R(w) = sigma_X^2 ||w - theta||^2 + sigma^2``.  Since ``P theta = theta``,
``W - theta = P (W - theta) + (I - P) W`` with orthogonal summands (P is an orthogonal projection:
``P = int g dlambda`` is symmetric because the Haar measure is invariant under inversion and
``g^{-1} = g^T``), so ``R(W) - R(P W) = sigma_X^2 ||(I - P)(W - theta)||^2``.  Given X,
``W - theta = (X^T X)^{-1} X^T xi`` has covariance ``sigma^2 (X^T X)^{-1}``, so the conditional mean
of the gap is ``sigma_X^2 sigma^2 tr((I - P)(X^T X)^{-1})``.  ``X^T X`` is Wishart with n degrees of
freedom and scale ``sigma_X^2 I_d``, whose inverse has mean ``I_d / (sigma_X^2 (n - d - 1))`` for
n > d + 1.  Hence the mean gap is ``sigma^2 tr(I - P) / (n - d - 1) = sigma^2 (d - k)/(n - d - 1)``.

The quantity is a difference of test risks between two estimators, not a generalization gap
``R - R_n``; it is an exact expectation, not a high-probability bound.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from .._validation import brief
from .._validation import check_integer, check_real
from ..errors import InvalidValueError
from ._numbers import exact_number
from ._reference_bound import ReferenceBound

__all__ = ["elesedy_zaidi2021"]

REFERENCE = ("Elesedy & Zaidi 2021 (ICML, PMLR 139; arXiv:2102.10333), invariant linear regression "
             "with Gaussian inputs, case n > d + 1 (theorem number not verified against the paper; "
             "identity proved in symbound.reference.elesedy_zaidi)")


def _integer_or_symbol(name: str, value: Any, low: int) -> sp.Expr:
    if isinstance(value, sp.Basic) and not value.is_number:
        return check_integer(name, value, low, allow_symbolic=True)
    return sp.Integer(check_integer(name, value, low))


def elesedy_zaidi2021(d: Any, n: Any, sigma2: Any, fixed_dim: Any) -> ReferenceBound:
    r"""Exact expected test-risk benefit of averaging least squares over G (Elesedy & Zaidi 2021).

    .. math:: \mathbb{E}_S\big[R(f_W) - R(\mathcal{Q} f_W)\big] = \frac{\sigma^2 (d - k)}{n - d - 1},
              \qquad n > d + 1,

    for least squares on n i.i.d. pairs with inputs ``N(0, sigma_X^2 I_d)``, a G-invariant linear
    target, noise variance ``sigma^2``, and ``k = dim Fix(G)`` (module docstring: setting and proof).

    Parameters
    ----------
    d : input dimension, an integer >= 1 (or an integer SymPy symbol).
    n : number of training pairs, an integer > d + 1, or a SymPy symbol such as
        ``sb.symbol("n")`` (the regime ``n > d + 1`` is then checked when n is substituted).
    sigma2 : noise variance ``sigma^2 >= 0`` (number or SymPy expression).
    fixed_dim : ``k = dim Fix(G)``, the dimension of the G-invariant linear predictors, an integer in
        [0, d]; for a finite group acting by matrices, ``k = (1/|G|) sum_g tr(g)``.

    Returns
    -------
    ReferenceBound with ``relation="="`` (an exact expectation, hence also an upper bound),
    ``probability=None``.

    Raises
    ------
    InvalidValueError
        n <= d + 1, fixed_dim outside [0, d], sigma2 < 0, d < 1.

    Examples
    --------
    >>> from symbound.reference import elesedy_zaidi2021
    >>> b = elesedy_zaidi2021(d=4, n=12, sigma2=1, fixed_dim=2)
    >>> b.expr
    2/7
    >>> import symbound as sb
    >>> elesedy_zaidi2021(4, sb.symbol("n"), 1, 2).evaluate(n=9)
    0.5
    """
    d_ = _integer_or_symbol("d", d, 1)
    n_ = _integer_or_symbol("n", n, 1)
    k_ = _integer_or_symbol("fixed_dim", fixed_dim, 0)
    if (k_ <= d_) is sp.false:
        raise InvalidValueError(f"fixed_dim must be an integer in [0, d] = [0, {d_}], got {brief(fixed_dim)}")
    s2 = exact_number("sigma2", check_real("sigma2", sigma2, 0))
    regime = sp.StrictGreaterThan(n_, d_ + 1)
    if regime is sp.false:
        raise InvalidValueError(
            f"n must be > d + 1 = {d_ + 1} for the Elesedy & Zaidi identity (for n in {{d, d + 1}} "
            f"the expected gap is infinite when fixed_dim < d; for n < d least squares is not "
            f"unique), got n={n}")
    expr = s2 * (d_ - k_) / (n_ - d_ - 1)
    return ReferenceBound(
        expr=expr,
        lhs=r"\mathbb{E}_S\big[R(f_W) - R(\mathcal{Q} f_W)\big]",
        relation="=",
        reference=REFERENCE,
        assumptions=(
            "inputs x ~ N(0, sigma_X^2 I_d), i.i.d. pairs; the result does not depend on sigma_X",
            "target y = theta^T x + xi with theta G-invariant, xi independent of x, mean 0, "
            "variance sigma^2",
            "G compact, acting by an orthogonal representation; Q = average over Haar measure",
            "f_W: ordinary least squares on the n pairs; Q f_W its group average "
            "(projection of W onto Fix(G))",
            "R: squared-loss test risk over a fresh pair; expectation over the training sample S",
        ),
        regime=((("n > d + 1",) if regime is sp.true else ("n > d + 1", regime))
                + ("n >= 1 and d >= 1 integers, 0 <= fixed_dim <= d",)),
        kind="certified",
        name="Elesedy & Zaidi 2021 (invariant least squares, exact expected gain)",
        notes=(
            "an exact expected difference of test risks between least squares and its group "
            "average, not a bound on the generalization gap R - R_n",
            "an expectation over the sample, not a high-probability statement",
        ),
        probability=None,
    )
