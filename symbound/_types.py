"""Type aliases of the public signatures (``py.typed``: the package ships its annotations)."""

from __future__ import annotations

from typing import Any, Callable, Optional, Union

import numpy as np
from numpy.typing import ArrayLike

from .groups._base import TransformationSetBase
from .spaces import Space

__all__ = ["ArrayLike", "Model", "Rho", "Seed", "Space", "TransformationSetBase"]

#: a model: a function of a batch of inputs (NumPy, or a torch module or JAX function on tensors)
Model = Callable[..., Any]
#: a seed: an integer, a NumPy Generator, or None (fresh entropy)
Seed = Optional[Union[int, np.random.Generator]]
#: the output representation: None (invariance), "same", a callable or matrices per element
Rho = Any
