r"""The general facts of THEORY.md §2, for every pair where S maps X into itself and no family
module knows more: ``N_S <= N(X)`` (no symmetry gain) and, for finite S, ``N_lower(X)/|S+|``.
The pair is registered last (lowest priority); :class:`~symbound.quotient.QuotientSpace` warns
when it is used.
"""

from __future__ import annotations

from ..groups import TransformationSetBase
from ..spaces import Space
from ._common import Case, TRIVIAL, best, order_plus
from .registry import Pair, register

__all__: list[str] = []


class _GenericCase(Case):
    r"""Any other pair where S maps X into itself: the general facts of THEORY.md §2.

    Upper: ``N_S <= N(X)`` (trivial).  Lower (finite S): ``N_lower(X)/|S+|``.  Asymptotic (finite
    group of isometries, acting freely off a null set — every non-identity element fixes a proper
    linear subspace): ``N(X)/|G|``.  Nothing else is claimed.
    """

    def __init__(self, space, group):
        super().__init__(space, group)
        self.finite = bool(group.is_finite)
        kinds = ["upper"]
        if self.finite:
            kinds.append("lower")
            if group.is_group:
                kinds.append("asymptotic")
        self.kinds = tuple(k for k in kinds if k in space.available_kinds)
        self.description = f"{space.name} modulo {group.name} (general facts only)"

    @property
    def dim(self):
        return self.space.manifold_dim if self.finite and self.group.is_group else None

    @property
    def volume(self):
        if self.finite and self.group.is_group and self.space.volume is not None:
            return self.space.volume / order_plus(self.group)[0]
        return None

    def upper(self, e):
        expr, log_expr, method, ref, regime = self.trivial_upper(e)
        method = method.replace(TRIVIAL, f"{TRIVIAL} (no symmetry gain: no certified bound modulo "
                                          f"{self.group.name} is known for this pair)", 1)
        return best([(expr, log_expr, method, ref, regime)], "upper")

    def lower(self, e):
        return best([self.finite_lower(e)], "lower")

    def asymptotic(self, e):
        return self.finite_asymptotic(e)


# --------------------------------------------------------------------------------------------


register(Pair(
    key="general", title="any other pair with S(X) ⊆ X", spaces=(Space,),
    groups=(TransformationSetBase,), build=lambda space, group, options: _GenericCase(space, group),
    method=f"{TRIVIAL} (no symmetry gain); N_lower(X)/|S+| for finite S", status="trivial",
    quotient_dim="dim X (finite groups), unknown otherwise", drop="0",
    proof="symbound.quotient._common (THEORY.md §2)", priority=-1000))
