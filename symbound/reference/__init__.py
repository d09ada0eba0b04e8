"""Results from the literature, side by side with symbound's bounds (THEORY §6).

Each is a :class:`~symbound.reference.ReferenceBound` (a :class:`~symbound.bounds.Bound` that also
states its relation: upper bound, exact value or lower bound), built in the setting of its paper,
citing the paper and the regime in which it holds, and raising a clear error outside that regime.

* :func:`elesedy_zaidi2021` — exact expected test-risk benefit of averaging least squares over a
  compact group (Elesedy & Zaidi, ICML 2021), n > d + 1.
* :func:`wang2023_invariant_classification`, :func:`wang2023_invariant_regression`,
  :func:`wang2023_equivariant_regression` — least error of invariant / equivariant models under
  incorrect symmetry on finite orbits (Wang et al., NeurIPS 2023).

Not carried, because the statements could not be read in the sources available to the project
(only the abstracts were), and a formula is not shipped on a guess: Sokolic et al. 2017 (the
robustness bound with ``|G|``), Sannai, Imaizumi & Kawano 2021 (quotient feature spaces; their abstract
states a sqrt(n!) improvement for permutation-invariant networks), Bietti, Venturi & Bruna 2021
and Tahmasebi & Jegelka 2023 (kernel ridge regression under invariance; their abstracts state a
sample-size gain equal to ``|G|`` for finite groups and, for groups of positive dimension, a reduction
of the dimension and a factor of the quotient volume).

Examples
--------
>>> import symbound as sb
>>> b = sb.reference.elesedy_zaidi2021(d=10, n=sb.symbol("n"), sigma2=1, fixed_dim=1)
>>> b.evaluate(n=100)
0.10112359550561797
"""

from ._reference_bound import RELATIONS, ReferenceBound
from .elesedy_zaidi import elesedy_zaidi2021
from .wang import (
    wang2023_equivariant_regression,
    wang2023_invariant_classification,
    wang2023_invariant_regression,
)

__all__ = [
    "ReferenceBound",
    "RELATIONS",
    "elesedy_zaidi2021",
    "wang2023_invariant_classification",
    "wang2023_invariant_regression",
    "wang2023_equivariant_regression",
]
