"""Input validation of the numeric layer: arrays are checked here, in Python, before any kernel sees
them (kernels never raise, STYLE.md)."""

from __future__ import annotations

import numpy as np

from .._validation import brief
from ..errors import InvalidTypeError, InvalidValueError

__all__ = ["MAX_COUNT", "MAX_DRAWS", "as_float_array", "check_group_matches", "check_rng_seed"]

#: largest count of samples, draws or resamples a numeric function accepts (arrays of that many
#: entries are allocated: a larger request is refused up front rather than failing in numpy)
MAX_COUNT = 2**31 - 1

#: largest number of group samples per point or of randomizations: each is a row of the group's
#: element (n x n floats) held in memory at once (10^9 samples of SO(2) asked for 30 GB)
MAX_DRAWS = 10**7


def as_float_array(name: str, x, *, min_ndim: int = 1, allow_empty: bool = False,
                   dtype=np.float64) -> np.ndarray:
    """``x`` as a C-contiguous float array, refusing ragged, non-numeric, empty, NaN and inf input."""
    try:
        if np.iscomplexobj(x):  # itself converts x: a ragged sequence raises here already
            raise InvalidTypeError(f"{name} must contain real numbers, got complex values")
        arr = np.asarray(x, dtype=dtype, order="C")  # keeps 0-d input 0-d
    except OverflowError:
        raise InvalidValueError(f"{name} must contain numbers within float64 (|x| < 1.8e308), got "
                                f"an integer beyond it") from None
    except (TypeError, ValueError) as exc:
        if isinstance(exc, InvalidTypeError):
            raise
        if _is_ragged(x):
            raise InvalidValueError(
                f"{name} must be a rectangular array (nested sequences of equal lengths), got a "
                f"ragged {type(x).__name__}") from None
        raise InvalidTypeError(
            f"{name} must be an array of real numbers, got {type(x).__name__}"
        ) from None
    if arr.ndim < min_ndim:
        raise InvalidValueError(f"{name} must have at least {min_ndim} dimension(s), got shape {arr.shape}")
    if not allow_empty and arr.size == 0:
        raise InvalidValueError(f"{name} must not be empty, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        bad = int(np.count_nonzero(~np.isfinite(arr)))
        raise InvalidValueError(f"{name} must contain only finite numbers, got {bad} NaN/inf entries")
    return arr


def _is_ragged(x) -> bool:
    """Whether ``x`` is a nested sequence whose sub-sequences differ in length (numpy builds an
    object array of sequences from it when asked for ``dtype=object``)."""
    try:
        obj = np.array(x, dtype=object)
    except (TypeError, ValueError):
        return False
    return obj.dtype == object and any(isinstance(v, (list, tuple, np.ndarray)) for v in obj.flat)


def check_group_matches(name: str, x: np.ndarray, group) -> None:
    """Raise when the acted-upon axis of ``x`` does not have the group's length ``group.n`` (image
    groups: when ``x`` does not end in images they act on; callable actions: never, the action is
    checked where it is applied)."""
    if group.action == "image":
        if x.ndim < 3:
            raise InvalidValueError(
                f"{name} must have shape (N, H, W) or (N, ..., H, W) for {group!r} (the sample axis, "
                f"then images in the last two axes), got shape {x.shape}")
        group.check_image(name, x.shape[1:])
        return
    if group.action == "callable":
        return
    if group.action == "permutation":
        ax = getattr(group, "axis", -2)
        if x.ndim < 1 - ax or x.shape[ax] != group.n:
            raise InvalidValueError(
                f"{name} must have axis {ax} of length {group.n} for {group.name} "
                f"(sample axis first), got shape {x.shape}"
            )
        return
    if x.shape[-1] != group.n:
        from ..quotient.registry import _same_group_on  # the fix, as the bounds' message words it

        fix = _same_group_on(group, x.shape[-1]) if x.ndim >= 1 and x.shape[-1] >= 1 else None
        raise InvalidValueError(
            f"{name} must have last axis of length {group.n} for {group.name}, got shape {x.shape}"
            + (f": use {fix}" if fix else ""))


def check_rng_seed(seed) -> np.random.Generator:
    """A ``numpy.random.Generator`` from ``seed`` (an int, a Generator, or None for fresh entropy)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or (isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) and seed >= 0):
        return np.random.default_rng(seed)
    raise InvalidTypeError(f"seed must be a nonnegative int, a numpy.random.Generator or None, got {brief(seed)}")
