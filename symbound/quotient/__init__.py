r"""Covering numbers modulo a transformation set (THEORY.md §2).

Let S be a set of maps X -> X and ``S+ = S ∪ {id}``.  A set C ⊂ X is an **(eps, S)-cover** when every
x in X lies within eps of ``s(c)`` for some c in C and s in S+; ``N_S(X, eps)`` is the least size of
such a C.  For a group G of isometries ``N_G(X, eps) = N(X/G, d_G, eps)`` with the quotient metric
``d_G([x], [y]) = inf_g d(g x, y)``.  :func:`quotient` pairs a space of :mod:`symbound.spaces` with a
transformation set of :mod:`symbound.groups` and answers ``covering(eps, kind)`` with a
:class:`~symbound._covering.CoveringBound` (certified ``"upper"``/``"lower"``, ``"exact"``, or a
labelled ``"asymptotic"`` form).

Layout: :mod:`.registry` holds one entry per (space, transformation set) pair and is the only
dispatch; each family registers its pairs in its own module (:mod:`.lie` for transitive and
radial actions, :mod:`.axial` for SO(2) on a coordinate plane of a ball or sphere, :mod:`.pairs`
for O(d) acting on pairs of points, :mod:`.products` for direct products on product spaces,
:mod:`.finite` for finite groups and finite sets, :mod:`.circles` for finite groups on a
product of two circles, :mod:`.partial` and :mod:`.partial_so3` for
partial rotations, :mod:`.points` for permutations of points and coordinates, :mod:`.general` for
the general facts ``N_S <= N`` and ``N/|S+| <= N_S``); :func:`supported_pairs` prints the registry
as the public table; :mod:`.space` holds :func:`quotient` and :class:`QuotientSpace`.  Every
certified bound is proved in the docstring of the class (or module) that computes it.

Examples
--------
>>> import sympy as sp
>>> from symbound.spaces import Annulus, Ball
>>> from symbound.groups import SO, Cyclic
>>> from symbound.quotient import quotient
>>> Q = quotient(Annulus(1, 2), SO(2))
>>> Q.dim, Q.covering_number(0.1), Q.covering(0.1).kind
(1, 5, 'exact')
>>> quotient(Ball(2, 1), Cyclic(8)).latex()
'B^{2}_{1} / C_{8}'

``import symbound as sb`` binds ``sb.quotient`` to the function :func:`quotient`, which carries the
table as an attribute: ``sb.quotient.supported_pairs()`` is :func:`supported_pairs`.

>>> import symbound as sb
>>> sb.quotient.supported_pairs is supported_pairs
True
"""

# the family modules register their pairs on import; the order of registration does not matter
# (entries carry their priority)
from . import axial, circles, finite, general, lie, pairs, partial, partial_so3, points, products  # noqa: F401
from .registry import Pair, supported_text
from .space import QuotientSpace, quotient
from .table import PairTable, supported_pairs

__all__ = ["quotient", "QuotientSpace", "supported_pairs", "PairTable", "Pair", "SUPPORTED"]

# ``sb.quotient`` is the function (it shadows this package's name on ``symbound``): the table is
# reachable from it as ``sb.quotient.supported_pairs()``
quotient.supported_pairs = supported_pairs

#: what :func:`quotient` accepts, one pair after the other (generated from the registry)
SUPPORTED = supported_text()
