r"""The entropy-integral (Dudley) bound for Lipschitz classes, THEORY §4.2.

Statements proved here (corrections and sharpenings of THEORY §4.2 are marked **[correction]**)
------------------------------------------------------------------------------------------------

**(D) Entropy-integral bound.**  With probability ``1 - delta`` (Mohri, Rostamizadeh & Talwalkar,
*Foundations of Machine Learning*, 2nd ed., 2018, Thm 3.3 applied to both tails, and Lemma 5.7,
Talagrand's contraction, for a loss L_l-Lipschitz in a scalar prediction)

.. math:: \sup_f |R(f) - \hat R_n(f)| \le 2 L_l\,\mathfrak{R}_n(F) + M\sqrt{\ln(2/\delta)/(2n)} .

(Thm 3.3 is stated for [0, 1]-valued losses; it is applied to ``l / M``.)

*Dudley's chaining* (Dudley 1967; the argument of e.g. Srebro, Sridharan & Tewari 2010, App. A,
whose constants differ slightly; the proof below fixes ours):

.. math::

    \hat{\mathfrak R}_n(F) \le \inf_{\alpha > 0}\Big[4\alpha + \frac{12}{\sqrt n}
    \int_\alpha^{D} \sqrt{\ln N(F, u, \|\cdot\|_\infty)}\,du\Big],
    \qquad D = \sup_f \|f\|_{L^2(P_n)} \le B .

Proof sketch: nets T_j at scales ``beta_j = 2^{-j} D`` with ``T_0 = {0}``; write
``f = (f - f_N) + sum_j (f_j - f_{j-1})``; Cauchy-Schwarz bounds the first term by ``beta_N``,
Massart's lemma bounds step j by ``3 beta_j sqrt(2 ln |T_j|^2 / n) = 12 (beta_j - beta_{j+1})
sqrt(ln|T_j| / n)``, which is at most 12/sqrt(n) times the integral over ``[beta_{j+1}, beta_j]``;
choosing N with ``beta_{N+1} <= 2 alpha < beta_N`` gives ``beta_N <= 4 alpha`` and
``beta_{N+1} > alpha``.  **[correction]** the upper limit is the *radius* ``D <= B`` of F about 0,
not the diameter 2B of THEORY.md (2B is valid but weaker; we use B).  The nets need not lie in F
(*external* covers suffice), which the next statement uses.

*Lipschitz classes.*  Let ``F = {f: X -> [-B, B], Lip f <= L, S-invariant}``.  With an
(eps', S)-cover c_1..c_N of X, its (disjoint) cells and a grid of step u in [-B, B]
(``ceil(2B/u) + 1`` values), map f to the piecewise-constant g equal on cell j to the grid value
nearest ``f(c_j)``.  For x in cell j, ``|f(x) - g(x)| <= L eps' + u/2`` (invariance:
``f(s c_j) = f(c_j)``), which is ``<= u`` for ``eps' = u/(2L)``.  Hence (external cover)

.. math:: \ln N(F, u) \le N_S\!\left(X, \frac{u}{2L}\right) \ln\!\left(\left\lceil \frac{2B}{u}
          \right\rceil + 1\right).

**[correction/sharpening]** THEORY.md's ``N_S(X, u/(4L)) ln(ceil(4B/u) + 1)`` is the *internal*
version (centres in F: accuracy u/2 externally, then one member of F per nonempty ball gives
accuracy u); Dudley's argument needs only external covers, so the sharper form is used.  Both are
available from :func:`lipschitz_class_log_covering` (``cover="external" | "internal"``).

*Approximately invariant classes* (``sup |f(s x) - f(x)| <= eta``): the same map gives
``|f(x) - g(x)| <= L eps' + eta + u/2``, so eps' = ``(u/2 - eta)/L`` works for ``u > 2 eta``
(external; ``(u/4 - eta)/L`` and ``u > 4 eta`` internal, as in THEORY.md), the plain count always
works, and the smaller of the two is a bound.  In the closed forms we use the plain count below
``u = 4 eta`` and ``N_S(X, u/(4L))`` (``(u/2 - eta) >= u/4``) above, both power laws.

*Power-law closed form.*  With ``N_S(X, r) <= V0 r^{-d0}``, ``ln(ceil(2B/u)+1) <= ln(4B/u)`` for
``u <= B``, ``K0 = sqrt(V0 (2L)^{d0})``, ``c = 1 - d0/2`` and ``t = ln(4B/u)``:

.. math::

    \int_a^b \sqrt{\ln N(F,u)}\,du \le K_0 (4B)^{c} \int_{\ln(4B/b)}^{\ln(4B/a)} t^{1/2} e^{-ct}\,dt,

which is ``(2/3)(t^{3/2})|`` for d0 = 2, ``c^{-3/2}(Gamma(3/2, c t_b) - Gamma(3/2, c t_a))`` for
d0 < 2 and ``[t^{1/2} e^{kt}/k - sqrt(pi) erfi(sqrt(k t)) / (2 k^{3/2})]`` with ``k = -c`` for
d0 > 2.  The exact minimiser of ``4 alpha + (12/sqrt n) J(alpha)`` solves
``K0^2 alpha^{-d0} ln(4B/alpha) = n/9``:

.. math:: \alpha^* = 4B\,\Big(\frac{W(z)}{z}\Big)^{1/d_0},\qquad
          z = \frac{d_0 (4B)^{d_0} n}{9 K_0^2}\quad(\text{Lambert } W),

clamped at B.  Rates: ``n^{-1/d0} (ln n)^{1/d0}`` for d0 > 2, ``n^{-1/2} (ln n)^{3/2}`` for d0 = 2,
``n^{-1/2}`` for d0 < 2.  **[correction]** THEORY.md quotes ``n^{-1/d0}`` and ``n^{-1/2} ln n``:
those hold for ``ln N(F,u) ~ u^{-d0}`` *without* the ``ln(1/u)`` factor that the grid count above
carries; with the stated covering the log powers are as given here (the exponents agree).
Finite group, ``V0 -> V0/|G|``: the leading term shrinks by ``|G|^{1/d0}`` (d0 > 2) or
``|G|^{1/2}`` (d0 <= 2) — in every regime, n samples are worth ``|G| n`` asymptotically.  Lie
groups change the exponent: ``d0 = d - dim(principal orbit)``.  The union bound is not needed for
alpha: Dudley's bound on the Rademacher complexity is deterministic and holds for all alpha.

*Equivariant outputs* (``output_space=Y``): the contraction step needs scalar predictions, so the
Rademacher complexity of the *loss class* ``H = {z -> l(f(x), y) - M/2}`` on ``Z = X x Y`` is
bounded directly: ``sup_f |R - R_n| <= 2 Rad_n(H) + M sqrt(ln(2/delta)/(2n))``; H is
``L_l (L + 1)``-Lipschitz on Z (max metric), bounded by M/2, and invariant (up to ``L_l eta``)
under the diagonal action when f is equivariant and the loss invariant, so the Lipschitz-class
covering applies with ``N_S(Z, r) <= N_S(X, r) N(Y, r)``.

Other covering numbers: the integral is computed by a *certified* quadrature — the integrand is
nonincreasing in u, so the left Riemann sum on a geometric grid is an upper bound (computed in
mpmath from ``ln N``; never overflows).


**(T) Two coverings for one class.**  Dudley's bound on the Rademacher complexity is
deterministic given the class, so at every scale u the smaller of two valid covering bounds of
``F_eta`` may be used, without any union bound: ``ln N(F_eta, u) <= min(plain(u), S(u))``.  In the
power-law closed form (plain ``V0 (2L/u)^d ln(4B/u)``, modulo S ``V0_S (4L/u)^{d0} ln(4B/u)`` for
``u >= 4 eta``) the two power laws cross once, at
``u_c = 2L (V0_S 2^{d0} / V0)^{-1/(d - d0)}`` (d > d0): the S-count is used on
``[max(alpha, 4 eta), u_c]`` and the plain count elsewhere (for d = d0 the smaller constant
everywhere above 4 eta).  Hence the bound of an approximately invariant class never exceeds the
plain class's bound, tends to it as eta grows (the S-range ``[4 eta, u_c]`` empties), and its
rate as n -> oo is the plain class's (the scales below ``4 eta`` carry the plain count).

**(M) Measured eta: a grid of levels.**  The concentration step bounds ``sup_{f in F}`` for a class
F fixed before the data.  A measured eta (of the trained model) chooses the class ``F_eta`` after
the data, so the statement is made for every level of a grid fixed in advance,
``eta_j = 2B 2^{-j/8}`` (j = 0..126) and ``eta = 0`` (:data:`ETA_LEVELS` = 128 levels; ``2B`` is the
largest possible defect of a [-B, B]-valued f), with weights delta/128: the confidence term becomes
``M sqrt(ln(2 * 128 / delta) / (2n))``, and the bound uses the smallest level at or above the
measured upper bound U (at most ``2^{1/8} U``, or ``2B 2^{-126/8}``).  Monotonicity in eta of the
class makes the level valid whenever ``ee_inf <= U``.

**(E) Empirical covering of the training sample.**  Dudley's chaining bounds the *empirical*
Rademacher complexity ``hat Rad_S(F)`` through covers of F in ``L_2(P_n)``, which only see f on
the sample: the Lipschitz-class construction above applied to an (eps', S)-cover of the *sample*
gives ``ln N(F|_S, u) <= N_S(sample, u/(2L)) ln(ceil(2B/u) + 1)`` (for invariant f,
``|f(x_i) - f(c)| = |f(x_i) - f(s c)| <= L d(x_i, s c)``; s c need not lie in the sample).  With
Mohri et al. (2018), Thm 3.3 (empirical version, both tails at delta/2 each) and contraction,

.. math:: \sup_f |R(f) - \hat R_n(f)| \le 2 L_\ell\,\hat{\mathfrak{R}}_S(F)
          + 3M\sqrt{\ln(4/\delta)/(2n)},

which is certified with the greedy nets of the training inputs
(:mod:`symbound.bounds.covering_models`: ``N_S(sample, r) <= c_j`` for ``r >= r_j``, ``<= n`` below).
No union bound is needed: the class is fixed, the nets only bound its empirical complexity.

**(A) Limit and rate.**  For ``eta = 0`` the optimised bound tends to 0 at the rates above (d0 the
growth exponent of ``N_S``); for ``eta > 0`` it tends to 0 at the plain class's rate (the plain
count governs the scales below ``4 eta``), with the same table in the plain exponent d.  At a fixed
alpha the limit is ``8 L_l alpha`` and the rate ``n^{-1/2}``.

References
----------
Dudley, R. M. (1967). The sizes of compact subsets of Hilbert space and continuity of Gaussian
processes. J. Funct. Anal. 1.
Mohri, M., Rostamizadeh, A. & Talwalkar, A. (2018). Foundations of Machine Learning, 2nd ed., MIT
Press: Thm 3.3, Lemma 5.7.
Srebro, N., Sridharan, K. & Tewari, A. (2010). Smoothness, low noise and fast rates. NeurIPS, App. A.
"""

from __future__ import annotations

from typing import Any, Callable

import mpmath
import sympy as sp

from .._validation import brief, check_choice, check_real
from ..errors import InvalidTypeError, InvalidValueError, NumericalError
from ..functions import _Printed, exact_number, latex_of
from ..symbols import symbol
from .covering_models import _Cover, growth_exponent, make_cover, product_cover
from .._types import Space, TransformationSetBase

__all__ = [
    "REF_DUDLEY",
    "lipschitz_class_log_covering",
    "power_law_entropy_integral",
    "certified_entropy_integral",
    "dudley_parts",
    "dudley_numeric_argmin",
    "eta_level",
    "ETA_LEVELS",
]

REF_DUDLEY = ("THEORY §4.2; Dudley (1967) entropy integral (chaining proof in "
              "symbound.bounds.entropy); Mohri, Rostamizadeh & Talwalkar (2018) Thm 3.3 "
              "and Lemma 5.7")

#: points per factor e of the geometric grid of the certified quadrature (left Riemann sum)
QUADRATURE_POINTS_PER_E = 64
#: smallest u / B of the quadrature grid
QUADRATURE_MIN_RATIO = 1e-14
#: number of levels of the grid of eta values fixed in advance for a measured eta (statement (M))
ETA_LEVELS = 128


def lipschitz_class_log_covering(space: Space, u: Any, *,
                                 group: TransformationSetBase | None = None, lipschitz: Any = 1,
                                 bound: Any = 1, equivariance_error: Any = 0,
                                 cover: str = "external",
                                 power_law: tuple[Any, Any] | None = None) -> sp.Expr:
    r"""Upper bound on ``ln N(F, u, ||.||_inf)`` for ``F = {f: X -> [-B, B], Lip f <= L,
    sup |f(s x) - f(x)| <= eta}`` (THEORY.md §4.2; proof in the module docstring).

    .. math::

        \ln N(F, u) \le \min\Big\{N\big(X, \tfrac{u}{2L}\big),\;
        N_S\big(X, \tfrac{u/2 - \eta}{L}\big)\ [u > 2\eta]\Big\}\,
        \ln\Big(\Big\lceil\frac{2B}{u}\Big\rceil + 1\Big)

    (``cover="external"``: approximating functions need not lie in F, enough for Dudley's
    integral).  ``cover="internal"`` (centres in F, THEORY.md's statement) uses ``u/(4L)``,
    ``(u/4 - eta)/L`` for ``u > 4 eta`` and ``ceil(4B/u)``.  With ``eta = 0`` the S-count is used.

    Parameters
    ----------
    space : a space (``symbound.spaces``); ``group`` the transformation set (None: plain class).
    u : the scale, a positive number.
    lipschitz, bound, equivariance_error : L, B, eta (numbers).
    power_law : optional (V0, d0) asserted for ``N_S`` (then ``space`` may be None; the plain count
        for ``u <= 2 eta`` then needs ``space``).

    Returns
    -------
    SymPy number: the bound on ``ln N(F, u)``.

    Examples
    --------
    >>> from symbound.spaces import Ball
    >>> v = lipschitz_class_log_covering(Ball(1, radius=1), 0.5, lipschitz=1, bound=1)
    >>> round(float(v), 6)  # N([-1, 1], 1/4) = 4 cells, ceil(4) + 1 = 5 values: 4 ln 5
    6.437752
    """
    check_real("u", u, 0, low_closed=False, allow_symbolic=False)
    check_real("lipschitz", lipschitz, 0, low_closed=False, allow_symbolic=False)
    check_real("bound", bound, 0, low_closed=False, allow_symbolic=False)
    check_real("equivariance_error", equivariance_error, 0, allow_symbolic=False)
    check_choice("cover", cover, ("external", "internal"))
    if space is not None and not isinstance(space, Space):
        raise InvalidTypeError(f"space must be a symbound Space or None, got "
                               f"{type(space).__name__} ({brief(space)})")
    # floats are taken as the exact binary numbers they are, so that ceilings are exact
    u, L, B, eta = (exact_number(v) for v in (u, lipschitz, bound, equivariance_error))
    q = 2 if cover == "external" else 4
    values = sp.log(sp.ceiling(q * B / u) + 1)
    counts = []
    try:
        if eta == 0:
            cov = make_cover(space, group, "upper", power_law)
            counts.append(_covering_value(cov, u / (q * L)))
        else:
            if space is not None:
                plain = make_cover(space, None, "upper", None)
                counts.append(_covering_value(plain, u / (q * L)))
            if u > q * eta:
                cov = make_cover(space, group, "upper", power_law)
                counts.append(_covering_value(cov, (u / q - eta) / L))
    except InvalidValueError as e:  # the resolution u / (q lipschitz) left the covering's range
        raise InvalidValueError(f"the covering resolution from u={brief(float(u))} and "
                                f"lipschitz={brief(float(L))} is out of range: {e}") from None
        if not counts:
            raise InvalidValueError(
                f"u={u} <= {q}*eta needs the plain covering number: give space")
    return sp.Min(*counts) * values if len(counts) > 1 else counts[0] * values


def _covering_value(cov: _Cover, r) -> sp.Expr:
    """N_S(X, r) at an exact numeric radius (the space's own statement at that radius)."""
    return sp.sympify(cov.exact(r))


def power_law_entropy_integral(a: Any, b: Any, *, V0: Any, d0: Any, lipschitz: Any,
                               bound: Any) -> sp.Expr:
    r"""Closed form of the power-law upper bound on ``int_a^b sqrt(ln N(F, u)) du`` (THEORY.md §4.2).

    With ``ln N(F, u) <= V0 (2L/u)^{d0} ln(4B/u)`` (valid for ``u <= B``), ``K0 = sqrt(V0 (2L)^{d0})``,
    ``c = 1 - d0/2``, ``t_x = ln(4B/x)``:

    .. math::

        \int_a^b K_0 u^{-d_0/2}\sqrt{\ln(4B/u)}\,du = K_0 (4B)^c \int_{t_b}^{t_a} t^{1/2}e^{-ct}\,dt

    in the three regimes d0 = 2, d0 < 2 (upper incomplete gamma), d0 > 2 (erfi).  ``d0`` must be a
    number (the regime is decided on it); ``a``, ``b`` may be symbolic with ``0 < a <= b <= B``;
    ``a = 0`` is allowed for d0 < 2 (the integral converges).

    Examples
    --------
    >>> import sympy as sp, mpmath
    >>> J = power_law_entropy_integral(0.01, 1, V0=1, d0=3, lipschitz=1, bound=1)
    >>> ref = mpmath.quad(lambda u: mpmath.sqrt(8 * u**-3 * mpmath.log(4 / u)), [0.01, 0.1, 1])
    >>> abs(float(J) - float(ref)) < 1e-9
    True
    """
    d0 = sp.nsimplify(d0) if isinstance(d0, (int, float)) else sp.sympify(d0)
    if not d0.is_number:
        raise InvalidValueError(f"d0 must be a number to decide the regime (d0 > 2, = 2, < 2), got {d0}")
    V0, L, B = (sp.sympify(v) for v in (V0, lipschitz, bound))
    a, b = sp.sympify(a), sp.sympify(b)
    K0 = sp.sqrt(V0 * (2 * L) ** d0)
    c = 1 - d0 / 2
    tb = sp.log(4 * B / b)
    if a == 0:
        if not (d0 < 2):
            raise InvalidValueError(f"a = 0 needs d0 < 2 (the integral diverges), got d0={d0}")
        return K0 * (4 * B) ** c * c ** sp.Rational(-3, 2) * sp.uppergamma(sp.Rational(3, 2), c * tb)
    ta = sp.log(4 * B / a)
    if d0 == 2:
        return K0 * sp.Rational(2, 3) * (ta ** sp.Rational(3, 2) - tb ** sp.Rational(3, 2))
    if d0 < 2:
        g = sp.uppergamma
        return K0 * (4 * B) ** c * c ** sp.Rational(-3, 2) * (
            g(sp.Rational(3, 2), c * tb) - g(sp.Rational(3, 2), c * ta))
    k = -c

    def prim(t):
        return sp.sqrt(t) * sp.exp(k * t) / k - sp.sqrt(sp.pi) * sp.erfi(sp.sqrt(k * t)) / (2 * k ** sp.Rational(3, 2))

    return K0 * (4 * B) ** c * (prim(ta) - prim(tb))


def certified_entropy_integral(log_n: Callable[[mpmath.mpf], mpmath.mpf], a: float, b: float,
                               points_per_e: int = QUADRATURE_POINTS_PER_E) -> mpmath.mpf:
    r"""Certified upper bound on ``int_a^b sqrt(ln N(u)) du`` for a **nonincreasing** ``ln N``.

    The left Riemann sum (each interval takes the integrand at its *left*, smaller, end point) on
    the geometric grid ``u_i = b q^{-i}``, ``q = e^{1/points_per_e}``, is an upper bound because the
    integrand is nonincreasing; the grid is anchored at b so that integrands are re-used across
    values of a (cached covering numbers).  Computed in mpmath from ``ln N`` (no overflow).
    Relative excess about ``q - 1`` for power-law integrands.

    Examples
    --------
    >>> import mpmath
    >>> v = certified_entropy_integral(lambda u: 1 / u**2, 0.1, 1.0)   # int u^-1 du = ln 10
    >>> float(mpmath.log(10)) <= float(v) <= 1.02 * float(mpmath.log(10))
    True
    """
    a, b = mpmath.mpf(a), mpmath.mpf(b)
    if a >= b:
        return mpmath.mpf(0)
    if a <= 0:
        raise InvalidValueError(f"a must be positive, got {a}")
    step = mpmath.mpf(1) / points_per_e
    k_max = int(mpmath.floor(mpmath.log(b / a) / step))
    total = mpmath.mpf(0)
    upper = b
    for i in range(1, k_max + 2):
        lower = b * mpmath.exp(-i * step)
        if lower <= a:
            lower = a
        lg = log_n(lower)
        if lg > 0:
            total += mpmath.sqrt(lg) * (upper - lower)
        if lower == a:
            break
        upper = lower
    return total


class _AnchoredQuadrature:
    """:func:`certified_entropy_integral` of one ``ln N`` for many lower limits a and one upper
    limit b: the terms of the left Riemann sum on the nodes ``b e^{-i/P}`` above a are kept as
    prefix sums, so that a new a (the optimal alpha at another n) costs only the nodes not yet
    visited.  The terms are added in the same order as :func:`certified_entropy_integral`, so the
    value is the same number."""

    def __init__(self, log_n: Callable[[mpmath.mpf], mpmath.mpf], b: mpmath.mpf,
                 points_per_e: int = QUADRATURE_POINTS_PER_E):
        self.log_n, self.b = log_n, b
        self.step = mpmath.mpf(1) / points_per_e
        self.nodes = [b]
        self.cum = [mpmath.mpf(0)]  # cum[k]: the sum of the terms of the intervals above node k

    def _node(self, i: int) -> mpmath.mpf:
        while len(self.nodes) <= i:
            k = len(self.nodes)
            lower = self.b * mpmath.exp(-k * self.step)
            lg = self.log_n(lower)
            term = mpmath.sqrt(lg) * (self.nodes[-1] - lower) if lg > 0 else mpmath.mpf(0)
            self.nodes.append(lower)
            self.cum.append(self.cum[-1] + term)
        return self.nodes[i]

    def integral(self, a: mpmath.mpf) -> mpmath.mpf:
        """The certified upper bound on ``int_a^b sqrt(ln N(u)) du`` (``a < b``)."""
        i = max(1, int(mpmath.floor(mpmath.log(self.b / a) / self.step)))
        while self._node(i - 1) <= a:  # i: the first node at or below a
            i -= 1
        while self._node(i) > a:
            i += 1
        lg = self.log_n(a)
        tail = mpmath.sqrt(lg) * (self.nodes[i - 1] - a) if lg > 0 else mpmath.mpf(0)
        return self.cum[i - 1] + tail


#: (id(cover), id(plain)) -> (cover, plain, {(L, B, eta): _AnchoredQuadrature})
_QUADRATURES: dict[tuple[int, int], tuple] = {}


def _entropy_integral_function(cover: _Cover, plain: _Cover | None, name: str):
    """A SymPy function J(alpha, L, B, eta) evaluated by :func:`certified_entropy_integral` (with
    its prefix sums kept per (L, B, eta): :class:`_AnchoredQuadrature`)."""

    def log_nf(u, L, B, eta):
        u = mpmath.mpf(u)  # not rounded to a float: the count at u must be the count at u
        vals = mpmath.log(mpmath.ceil(2 * B / u) + 1)
        cands = []
        if eta == 0:
            cands.append(cover.numeric_log(u / (2 * L)))
        else:
            if plain is not None:
                cands.append(plain.numeric_log(u / (2 * L)))
            if u > 2 * eta:
                cands.append(cover.numeric_log((u / 2 - eta) / L))
        lg = min(cands)
        return mpmath.exp(lg) * vals

    # one set of prefix sums per pair of covering models, shared by the bounds rebuilt from them
    # (the same bound at another n): the models are cached (covering_models.make_cover)
    key0 = (id(cover), id(plain))
    if key0 not in _QUADRATURES or _QUADRATURES[key0][0] is not (cover, plain)[0] or \
            _QUADRATURES[key0][1] is not plain:
        if len(_QUADRATURES) >= 256:
            _QUADRATURES.clear()
        _QUADRATURES[key0] = (cover, plain, {})
    quadratures: dict[tuple, _AnchoredQuadrature] = _QUADRATURES[key0][2]

    def imp(alpha, L, B, eta):
        with mpmath.workdps(30):
            a, L, B, eta = (mpmath.mpf(str(v)) for v in (alpha, L, B, eta))
            if eta > 0 and plain is None and a <= 2 * eta:
                raise NumericalError("alpha <= 2 eta needs the plain covering number of X")
            lo = max(a, B * QUADRATURE_MIN_RATIO)
            if lo >= B:
                return mpmath.mpf(0)
            key = (L, B, eta)
            if key not in quadratures:
                quadratures[key] = _AnchoredQuadrature(
                    lambda u, L=L, B=B, eta=eta: log_nf(u, L, B, eta), B)
            val = quadratures[key].integral(lo)
            if a < lo:  # u in [a, lo): integrand at a is an upper bound
                val += mpmath.sqrt(log_nf(a, L, B, eta)) * (lo - a)
            return val

    # a class per pair of coverings (lambdify finds the implementation by the class name, so the
    # names differ); it prints as the integral it bounds
    _ENTROPY_CLASSES[0] += 1
    cls = type(f"EntropyIntegral{_ENTROPY_CLASSES[0]}", (_EntropyIntegral,),
               {"_imp_": staticmethod(imp), "_class_name": name})
    return cls, log_nf


#: number of entropy-integral classes made (their names: EntropyIntegral1, EntropyIntegral2, ...)
_ENTROPY_CLASSES = [0]


class _EntropyIntegral(_Printed, sp.Function):
    r"""``J(alpha, L, B, eta)``: the certified quadrature of ``int_alpha^B sqrt(ln N(F, u)) du``
    (F: the L-Lipschitz class with values in [-B, B], eta-approximately invariant); prints as that
    integral."""

    nargs = 4
    is_real = True
    _class_name = "F"

    def _eval_is_nonnegative(self):
        return True

    def _latex(self, printer):
        a, _L, B, _eta = self.args
        return (rf"\int_{{{printer._print(a)}}}^{{{printer._print(B)}}} \sqrt{{\ln "
                rf"\mathcal{{N}}\left({self._class_name}, u\right)}}\, du")

    def _text(self, printer, unicode):
        a, _L, B, _eta = (printer._print(x) for x in self.args)
        if unicode:
            return f"∫_{_sub_text(a)}^{_sub_text(B)} √(ln N({self._class_name}, u)) du"
        return f"integral(sqrt(ln N({self._class_name}, u)), u = {a}..{B})"


def _sub_text(t: str) -> str:
    return t if len(t) == 1 else "{" + t + "}"


def dudley_numeric_argmin(info: dict) -> tuple[float, str] | None:
    r"""A minimiser of ``4 alpha + (12/sqrt n) J(alpha)`` on the quadrature's own grid, for numeric
    parameters (``info`` of a certified-quadrature Dudley bound), or None when a parameter is
    symbolic.

    The objective h is convex in alpha: its derivative ``4 - (12/sqrt n) sqrt(ln N(F, alpha))`` is
    nondecreasing because ``ln N(F, u)`` is nonincreasing, so h is minimal at
    ``alpha* = inf{alpha : ln N(F, alpha) <= n/9}``.  The search returns the smallest node
    ``u_i = B e^{-i/P}`` of the quadrature grid (:func:`certified_entropy_integral`, P =
    :data:`QUADRATURE_POINTS_PER_E`) with ``ln N(F, u_i) <= n/9``, found by bisection on i: then
    ``alpha* <= u_i < alpha* e^{1/P}``, and on ``[alpha*, u_i]`` the derivative lies between 0 and
    ``h'(u_i) = 4 (1 - sqrt(ln N(F, u_i) / (n/9)))``, so
    ``h(u_i) - h(alpha*) <= (u_i - alpha*) h'(u_i)``: second order in the grid's spacing unless
    ``ln N`` jumps inside that one cell.  Every count the search and the quadrature at ``u_i`` need
    is at a node of the grid, where it is cached: the optimum at another n (``compare``, curves)
    costs no new covering number.  The caller evaluates the bound at ``u_i`` (a valid bound at any
    alpha)."""
    Lc, Bc, etac = (sp.sympify(v) for v in info["J_args"])
    n_val = info.get("n")
    if any(v.free_symbols for v in (Lc, Bc, etac)) or n_val is None or sp.sympify(n_val).free_symbols:
        return None
    log_nf = info["log_nf"]
    with mpmath.workdps(30):
        L, B, eta = (mpmath.mpf(str(sp.N(v, 30))) for v in (Lc, Bc, etac))
        target = mpmath.mpf(str(sp.N(n_val, 30))) / 9
        step = mpmath.mpf(1) / QUADRATURE_POINTS_PER_E  # the nodes of certified_entropy_integral

        def node(i: int):
            return B * mpmath.exp(-i * step)

        lo = B * QUADRATURE_MIN_RATIO
        if eta > 0 and info.get("plain_missing"):
            lo = max(lo, 2 * eta * (1 + mpmath.mpf("1e-12")))
        i_max = int(mpmath.floor(mpmath.log(B / lo) / step))  # node(i_max) >= lo
        if log_nf(node(i_max), L, B, eta) <= target:
            i_ok = i_max
        else:  # node(i_bad) fails, node(i_ok) passes (or is B, the top)
            i_ok, i_bad = 0, i_max
            while i_bad - i_ok > 1:
                mid = (i_ok + i_bad) // 2
                if log_nf(node(mid), L, B, eta) <= target:
                    i_ok = mid
                else:
                    i_bad = mid
        x = node(i_ok)
    return float(x), ("numeric (convex objective: bisection on the quadrature's grid for "
                      "ln N(F, alpha) = n/9, certified quadrature)")


def eta_level(U: Any, top: Any) -> tuple[sp.Expr, int]:
    """The smallest level of the grid ``{0} ∪ {top 2^{-j/8} : j = 0..ETA_LEVELS-2}`` at or above
    ``U`` (statement (M); ``top = 2B``), and its index (``ETA_LEVELS - 1`` for the level 0).
    Decided in exact arithmetic."""
    U, top = exact_number(U), sp.sympify(top)
    if U == 0:
        return sp.Integer(0), ETA_LEVELS - 1
    if U >= top:
        return top, 0
    with mpmath.workdps(60):
        j = int(mpmath.floor(8 * mpmath.log(mpmath.mpf(str(sp.N(top / U, 60))), 2)))
    j = max(0, min(j, ETA_LEVELS - 2))
    level = top * sp.Integer(2) ** sp.Rational(-j, 8)
    while (level - U).evalf(60) < 0 and j > 0:  # guard the rounding of the logarithm
        j -= 1
        level = top * sp.Integer(2) ** sp.Rational(-j, 8)
    return level, j


class _LogCoveringF(_Printed, sp.Function):
    r"""``ln N(F, u)``: log covering number of the hypothesis class (paper form only)."""

    nargs = 2
    is_real = True

    def _eval_is_nonnegative(self):
        return True

    def _latex(self, printer):
        f, u = self.args
        return rf"\ln \mathcal{{N}}\left({printer._print(f)}, {printer._print(u)}\right)"

    def _text(self, printer, unicode):
        f, u = self.args
        return f"ln N({printer._print(f)}, {printer._print(u)})"


def _dudley_rate(d) -> tuple[Any, Any]:
    """(exponent, log power) of the optimised bound for a covering growing like r^-d (statement
    (A) and the power-law closed form)."""
    d = sp.sympify(d)
    if d > 2:
        return sp.Rational(-1) / d if d.is_Rational else -1 / d, 1 / d
    if d == 2:
        return sp.Rational(-1, 2), sp.Rational(3, 2)
    return sp.Rational(-1, 2), sp.Integer(0)


def _two_power_laws(alpha, Bc, eta4, s_law, p_law, Lc) -> tuple[sp.Expr, str]:
    """J for an approximately invariant class with power laws (statement (T)): plain count below
    ``4 eta``, the smaller of the two counts above (one crossover)."""
    (V0s, d0), (V0p, dp) = s_law, p_law
    V0s2 = V0s * 2 ** d0  # N_S(X, u/(4L)) = V0s (4L/u)^d0 = V0s 2^d0 (2L/u)^d0

    def J(a, b, law):
        return power_law_entropy_integral(a, b, V0=law[0], d0=law[1], lipschitz=Lc, bound=Bc)

    s1 = sp.Max(alpha, sp.Min(eta4, Bc))
    ratio = sp.sympify(V0s2 / V0p)
    low = J(alpha, s1, (V0p, dp))
    if not (ratio.is_number and sp.sympify(dp - d0).is_number):
        return low + J(s1, Bc, (V0s2, d0)), "plain count below 4 eta, N_S(X, u/(4L)) above"
    if dp == d0:
        if ratio <= 1:
            return low + J(s1, Bc, (V0s2, d0)), "plain count below 4 eta, N_S(X, u/(4L)) above"
        return J(alpha, Bc, (V0p, dp)), "plain count at every scale (it is the smaller)"
    u_c = 2 * Lc * ratio ** (-1 / (dp - d0))
    s2 = sp.Max(s1, sp.Min(u_c, Bc))
    if dp > d0:
        return (low + J(s1, s2, (V0s2, d0)) + J(s2, Bc, (V0p, dp)),
                "plain count below 4 eta and above the crossover u_c, N_S(X, u/(4L)) between")
    return (low + J(s1, s2, (V0p, dp)) + J(s2, Bc, (V0s2, d0)),
            "plain count below the crossover u_c, N_S(X, u/(4L)) above")


def dudley_parts(*, group, cover: _Cover, plain: _Cover | None, ycover: _Cover | None, L, Ll, M,
                 eta, n, delta, B, eta_levels: int | None, empirical: bool) -> dict:
    """The pieces of the entropy-integral bound (module docstring): expression in alpha,
    definitions, closed-form argmin, notes, growth of the governing covering."""
    alpha = symbol("alpha")
    u = symbol("u")
    if ycover is None:
        P, Lc, Bc, etac = 2 * Ll, L, B, eta
        cls_desc = "F = L-Lipschitz functions X -> [-B, B]"
    else:
        # loss class H = {z -> l(f(x), y) - M/2} on Z = X x Y (max metric), invariant under the
        # diagonal action; Rademacher bound without contraction
        P, Lc, Bc, etac = sp.Integer(2), Ll * (L + 1), M / 2, Ll * eta
        cls_desc = "loss class H on Z = X x Y: L_l (L + 1)-Lipschitz, values in [-M/2, M/2]"
    Fsym = sp.Symbol("F") if ycover is None else sp.Symbol("H")
    integral_paper = sp.Integral(sp.sqrt(_LogCoveringF(Fsym, u)), (u, alpha, Bc))
    if empirical:
        conc = 3 * M * sp.sqrt(sp.log(4 / delta) / (2 * n))
    elif eta_levels:
        conc = M * sp.sqrt(sp.log(2 * eta_levels / delta) / (2 * n))
    else:
        conc = M * sp.sqrt(sp.log(2 / delta) / (2 * n))
    expr = P * (4 * alpha + 12 / sp.sqrt(n) * integral_paper) + conc
    notes = [cls_desc, "Dudley's bound holds for every alpha simultaneously: no union bound over alpha",
             "upper limit of the integral: sup_f ||f||_{L2(P_n)} <= B (THEORY's 2B is valid but weaker)"]
    if empirical:
        notes.append("empirical Rademacher complexity through the covering of the training sample "
                     "(statement (E)): 3 M sqrt(ln(4/delta)/(2n))")
    if eta_levels:
        notes.append(f"measured eta: rounded up to a grid of {eta_levels} levels fixed in advance "
                     f"(statement (M)): ln({2 * eta_levels}/delta) in the concentration term")
    regime = [f"0 < alpha <= {latex_of(Bc)}"] + list(cover.regime)
    argmin, pl, info = None, None, {}
    covers = [cover] + ([ycover] if ycover is not None else [])
    kind = "certified" if all(c.kind == "certified" for c in covers) else "asymptotic"
    if plain is not None and plain.kind != "certified":
        kind = "asymptotic"
    approx = etac != 0 and group is not None
    if cover.power_law is not None and (ycover is None or ycover.power_law is not None) and \
            (not approx or (plain is not None and plain.power_law is not None)):
        V0, d0 = cover.power_law
        if ycover is not None:
            V0, d0 = V0 * ycover.power_law[0], d0 + ycover.power_law[1]
        if not sp.sympify(d0).is_number:
            raise InvalidValueError(f"the Dudley closed form needs a numeric d0 (regime), got {d0}")
        pl = (V0, d0)
        if not approx:
            J = power_law_entropy_integral(alpha, Bc, V0=V0, d0=d0, lipschitz=Lc, bound=Bc)
            K0sq = V0 * (2 * Lc) ** d0
            z = d0 * (4 * Bc) ** d0 * n / (9 * K0sq)
            argmin = sp.Min(4 * Bc * (sp.LambertW(z) / z) ** (1 / d0), Bc)
            if d0 < 2:
                # every term is of order n^(-1/2): lim sqrt(n) * bound (alpha* -> 0, J -> J(0))
                j0 = power_law_entropy_integral(0, Bc, V0=V0, d0=d0, lipschitz=Lc, bound=Bc)
                info["sqrt_n_limit"] = P * 12 * j0 + (conc * sp.sqrt(n)).simplify()
        else:
            V0p, dp = plain.power_law
            if ycover is not None:
                V0p, dp = V0p * ycover.power_law[0], dp + ycover.power_law[1]
            J, how = _two_power_laws(alpha, Bc, 4 * etac, (V0, d0), (V0p, dp), Lc)
            notes.append(f"approximate invariance, the smaller of two coverings at each scale "
                         f"(statement (T)): {how}")
        notes.append("power-law closed form: ln(ceil(2B/u)+1) <= ln(4B/u) for u <= B")
        notes.append(cover.description)
    else:
        if ycover is not None:
            cover = product_cover(cover, ycover)
            plain = product_cover(plain, ycover) if plain is not None else None
        Jf, log_nf = _entropy_integral_function(cover, plain, "F")
        J = Jf(alpha, Lc, Bc, etac)
        info = {"log_nf": log_nf, "J_args": (Lc, Bc, etac), "n": n,
                "plain_missing": plain is None}
        notes.append("integral by certified quadrature (left Riemann sum of a nonincreasing "
                     "integrand, mpmath); " + cover.description)
        if approx and plain is not None:
            notes.append("approximate invariance: the smaller of the two coverings at each scale "
                         "(statement (T))")
    if pl is not None:  # power laws (with Y's exponent added)
        d, how = (pl[1], "the power law's exponent d0") if not approx else \
            (dp, "the plain power law's exponent (scales below 4 eta)")
    else:  # cover and plain are already products with Y
        d, how = growth_exponent(plain if (approx and plain is not None) else cover)
    argmin_method = ("exact stationary point 4 = (12/sqrt n) sqrt(ln N(F, alpha)) (Lambert W), "
                     "clamped at B" if argmin is not None else "")
    return {"expr": expr, "definitions": {integral_paper: J}, "notes": notes, "regime": regime,
            "kind": kind, "argmin": argmin, "argmin_method": argmin_method, "power_law": pl,
            "info": dict(info, resolution_upper=Bc, growth=d, growth_how=how, approx=approx),
            "resolution": alpha, "P": P}
