r"""Tests of distributional symmetry: is the data distribution invariant, is the conditional law of
the outputs equivariant? (issue #13; THEORY §3, "the asymmetry of the input distribution itself").

The reference is Chiu & Bloem-Reddy, "Non-parametric Hypothesis Tests for Distributional Group
Symmetry" (arXiv:2307.15834, 2023), whose experiments ``benchmarks/bench_symmetry_tests.py``
reproduces; "Randomization Tests for Conditional Group Symmetry" (Chiu & Bloem-Reddy,
arXiv:2412.14391, 2024) supersedes it for equivariance.

* :func:`invariance_test` (:mod:`symbound.numeric.symmetry_invariance`): exact level for a group
  with its Haar measure; the Monte-Carlo-free MMD statistic, an orbit-invariant median bandwidth,
  min-p over a bandwidth ladder, a random-feature (Cramer-Wold) variant and the exhaustive
  randomization distribution of a small finite group.
* :func:`equivariance_test` (:mod:`symbound.numeric.symmetry_equivariance`): matched-pair
  conditional randomization of the canonical outputs, with size at most
  ``alpha + sum_pairs d_TV(P(.|gamma_i), P(.|gamma_j))`` (exact when the pairs' orbit
  representatives coincide).
* Both return a :class:`SymmetryTestResult` (:mod:`symbound.numeric.symmetry_randomization`, where
  the exactness lemma and the min-p aggregation are proved).

How far, not only whether: :func:`symbound.numeric.asymmetry.distributional_asymmetry`.
"""

from __future__ import annotations

from .symmetry_equivariance import equivariance_test
from .symmetry_invariance import invariance_test
from .symmetry_randomization import SymmetryTestResult

__all__ = ["SymmetryTestResult", "invariance_test", "equivariance_test"]
