r"""The Euclidean cube's Steiner packing sum enclosed in directed-rounding arithmetic.

For the cube ``[0, a]^d`` with the Euclidean metric the packing bound is (THEORY.md §1, see
:class:`~symbound.spaces.Cube`), with ``t = 2a/eps`` and ``r_j = omega_{d-j} / omega_d``,

.. math:: S = \sum_{j=0}^d \binom{d}{j} r_j\, t^j .

At a dimension of thousands the SymPy form of this sum (``d + 1`` terms with binomials, ``pi``
and ``Gamma``) took minutes to build and evaluate.  Here it is enclosed, ``lo <= S <= hi``, in
binary floating point with every operation rounded down (for ``lo``) or up (for ``hi``):

* every quantity is positive, so an enclosure of a sum, product or quotient of positive numbers
  is obtained by rounding the same operations down, respectively up, on the lower, respectively
  upper, ends (a quotient takes the opposite end of its divisor);
* ``omega_k = (2 pi / k) omega_{k-2}`` gives ``r_{j+2} = r_j (d - j) / (2 pi)``, and
  ``C(d, j+2) / C(d, j) = (d - j)(d - j - 1) / ((j + 1)(j + 2))``, so the terms ``T_j`` of each
  parity satisfy

  .. math:: T_{j+2} = T_j\, \frac{(d-j)^2 (d-j-1)}{(j+1)(j+2)}\, \frac{t^2}{2\pi},

  starting from ``T_0 = 1`` and ``T_1 = d r_1 t``, where ``r_1 = omega_{d-1} / omega_d`` is, from
  ``Gamma(n + 1/2) = (2n)! sqrt(pi) / (4^n n!)``,

  .. math::

      r_1 = \frac{4^n}{\binom{2n}{n}\,\pi} \quad (d = 2n), \qquad
      r_1 = \frac{(n+1) \binom{2n+2}{n+1}}{4^{n+1}} \quad (d = 2n + 1)

  (``d = 2``: ``2/pi = omega_1/omega_2``; ``d = 3``: ``3/4 = omega_2/omega_3``);
* the integers ``(d-j)^2 (d-j-1)``, ``(j+1)(j+2)`` and the rational ``t`` enter exactly (mpmath's
  ``from_int`` is exact); ``pi`` is enclosed by ``mpf_pi`` rounded down and up.

Each of the at most ``4 d + 8`` roundings along a term's chain multiplies it by a factor within
``1 +- 2^(1-prec)``, so ``hi / lo - 1 < (8 d + 20) 2^(1-prec)``: below ``2^-240`` at the precision
used (``prec = 256 + 2 bitlen(d) + 16``).  Nothing depends on ``mpmath.mp``: the precision and the
rounding direction are passed to every ``mpmath.libmp`` call.
"""

from __future__ import annotations

import math

from mpmath import libmp

__all__ = ["cube_steiner_enclosure"]

#: bits of the enclosure's mantissas beyond ``2 bitlen(d) + 16``
_BITS = 256


def cube_steiner_enclosure(d: int, p: int, q: int) -> tuple[int, int]:
    r"""Integers ``(lo, hi)`` with ``lo <= floor(S) <= hi``, ``hi`` at most ``floor`` of an upper
    enclosure of the Steiner sum ``S = sum_j C(d, j) (omega_{d-j}/omega_d) t^j`` at ``t = p/q``
    (the module notes give the recurrence and the rounding).

    ``lo`` is the floor of the lower end, ``hi`` the floor of the upper end, so ``hi`` is an upper
    bound on every integer at most ``S`` (``hi >= floor(S)``) and ``lo == hi`` decides
    ``floor(S)`` exactly; their relative distance is below ``2^-240``.

    Parameters
    ----------
    d : int >= 1
        Dimension.
    p, q : int >= 1
        ``t = 2 a / eps = p / q`` exactly.

    Examples
    --------
    >>> cube_steiner_enclosure(2, 2, 1)  # 1 + 2 (2/pi) 2 + 4/pi = 1 + 12/pi = 4.8197...
    (4, 4)
    >>> cube_steiner_enclosure(3, 1, 1)  # 1 + 3 (3/4) + 3 (3/(2 pi)) + 3/(4 pi) ... = 4.92...
    (4, 4)
    """
    prec = _BITS + 2 * d.bit_length() + 16
    lo = _enclosure_end(d, p, q, prec, libmp.round_floor, libmp.round_ceiling)
    hi = _enclosure_end(d, p, q, prec, libmp.round_ceiling, libmp.round_floor)
    return libmp.to_int(lo, libmp.round_floor), libmp.to_int(hi, libmp.round_floor)


def _enclosure_end(d: int, p: int, q: int, prec: int, rnd: str, opp: str) -> tuple:
    """One end of the enclosure of the Steiner sum: every operation rounded ``rnd`` (divisors are
    rounded the opposite way, ``opp``)."""
    mul, div, add, fi = libmp.mpf_mul, libmp.mpf_div, libmp.mpf_add, libmp.from_int
    t = div(fi(p), fi(q), prec, rnd)
    pi_opp = libmp.mpf_pi(prec, opp)
    # u = t^2 / (2 pi)
    u = div(mul(t, t, prec, rnd), libmp.mpf_shift(pi_opp, 1), prec, rnd)
    if d % 2 == 0:
        n = d // 2
        r1 = div(fi(4**n), mul(fi(math.comb(2 * n, n)), pi_opp, prec, opp), prec, rnd)
    else:
        n = (d - 1) // 2
        r1 = div(fi((n + 1) * math.comb(2 * n + 2, n + 1)), fi(4 ** (n + 1)), prec, rnd)
    total = libmp.fzero
    for term, j in ((fi(1), 0), (mul(mul(fi(d), r1, prec, rnd), t, prec, rnd), 1)):
        while True:
            total = add(total, term, prec, rnd)
            if j + 2 > d:
                break
            k = d - j
            term = mul(term, fi(k * k * (k - 1)), prec, rnd)
            term = mul(div(term, fi((j + 1) * (j + 2)), prec, rnd), u, prec, rnd)
            j += 2
    return total
