"""Read-only parameters for the trade-off objects: derive, don't freeze.

Everything a trade-off reports (the optimum and its regime, the threshold, the phase diagram, the
description) is computed from its parameters, and the optimum and the curves are cached.  A
parameter changed in place would leave those caches describing another problem, so the parameters
are read-only (:class:`~symbound.errors.ReadOnlyError` names the way out) and
:meth:`Parameters.with_params` builds a new object, validated by the same constructor, with fresh
caches.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Callable

import numpy as np

from ...errors import InvalidValueError, ReadOnlyError

__all__ = ["Parameters", "frozen"]


def frozen(value):
    """A read-only view of a mutable parameter (dict -> mapping proxy, array -> read-only copy)."""
    if isinstance(value, dict):
        return MappingProxyType(dict(value))
    if isinstance(value, np.ndarray):
        a = value.copy()
        a.setflags(write=False)
        return a
    return value


class Parameters:
    """Mixin: public attributes are set once in ``__init__`` (through :meth:`_set`); names starting
    with ``_`` are caches and internals.  Subclasses set ``_params`` (the builder's keyword
    arguments), ``_builder`` and ``_aliases`` (other names accepted by :meth:`with_params`)."""

    _params: dict
    _builder: Callable[..., Any]
    _aliases: dict = {}

    def _set(self, **values) -> None:
        for name, value in values.items():
            object.__setattr__(self, name, frozen(value))

    def __setattr__(self, name: str, value) -> None:
        if name.startswith("_"):
            object.__setattr__(self, name, value)
            return
        kind = type(self).__name__
        raise ReadOnlyError(
            f"{kind}.{name} is read-only: what the {kind} reports (optimum, regime, threshold, "
            f"phase diagram) is derived from its parameters and cached; use "
            f"t.with_params({name}=...) for a new {kind} with the changed parameter")

    def with_params(self, **changes):
        """A new object with the given parameters changed (validated by the builder, fresh
        caches); the others as in this one.

        Examples
        --------
        >>> from symbound.spaces import Ball
        >>> from symbound.groups import SO
        >>> from symbound.bounds.tradeoff import tradeoff
        >>> t = tradeoff(Ball(2), SO(2), 0.05, n=10**6, method="partition", lipschitz=1,
        ...              loss_lipschitz=1, loss_bound=1, classes=2)
        >>> t.with_params(n=10**14).n
        100000000000000
        """
        params = dict(self._params)
        for name, value in changes.items():
            key = self._aliases.get(name, name)
            if key not in params:
                raise InvalidValueError(
                    f"with_params: unknown parameter {name!r}; the parameters are "
                    f"{sorted(set(params) | set(self._aliases))}")
            params[key] = value
        return type(self)._builder(**params)
