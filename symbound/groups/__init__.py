"""Transformation sets acting on inputs (THEORY.md §2): finite groups, compact Lie groups, partial
subsets of groups, arbitrary finite sets of matrices, symmetries of images
(``Cyclic(4, action="image")``) and callable actions (:class:`Action`).

Examples
--------
>>> import symbound as sb
>>> sb.groups.Cyclic(8).order
8
"""

from ._base import TransformationSetBase
from .action import Action
from .finite import Cyclic, Dihedral, Symmetric, TransformationSet
from .lie import O, SO, Translations
from .partial import PartialRotations
from .product import DirectProduct

__all__ = [
    "TransformationSetBase",
    "Cyclic",
    "Dihedral",
    "Symmetric",
    "TransformationSet",
    "SO",
    "O",
    "Translations",
    "PartialRotations",
    "DirectProduct",
    "Action",
]
