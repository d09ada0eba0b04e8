"""One place for parameter validation (STYLE.md: "one validation helper used everywhere").

Checks are three-valued, as in SymPy's domain checks: a numeric value outside its range raises,
a value inside passes, and a SymPy expression whose sign SymPy cannot decide passes silently
(it is a symbolic parameter).  Every message names the argument, the value and the allowed range.
"""

from __future__ import annotations

import difflib
import math
import numbers
from typing import Any, Callable, Iterable, TypeVar

import mpmath
import numpy as np
import sympy as sp

from .errors import AmbiguousDimensionError, InvalidTypeError, InvalidValueError

__all__ = [
    "check_real",
    "check_integer",
    "closest_name",
    "unknown_name_message",
    "suggest_keywords",
    "check_probability",
    "check_choice",
    "check_bool",
    "is_symbolic",
    "one_dimension",
    "brief",
    "check_real_array",
    "MAX_GROUP_DIM",
    "MAX_GROUP_ORDER",
]

#: largest dimension a group acts on (SO(n), O(n), Symmetric(n), the ``dim`` of a finite or
#: partial rotation group): one element of the linear action is an n x n float64 matrix, 800 MB at
#: n = 10^4, and the numeric layer draws batches of them
MAX_GROUP_DIM = 10**4

#: largest order k of a cyclic or dihedral group: the group stores its k angles and the numeric
#: layer enumerates its elements (k 2 x 2 matrices, 320 MB at k = 10^7)
MAX_GROUP_ORDER = 10**7


def is_symbolic(value: Any) -> bool:
    """True when ``value`` is a SymPy expression with free symbols."""
    return isinstance(value, sp.Basic) and bool(getattr(value, "free_symbols", ()))


def _describe_range(low, high, low_closed, high_closed) -> str:
    lo = "-inf" if low is None else repr(low)
    hi = "inf" if high is None else repr(high)
    lb = "[" if (low_closed and low is not None) else "("
    rb = "]" if (high_closed and high is not None) else ")"
    return f"{lb}{lo}, {hi}{rb}"


def brief(value: Any, width: int = 60) -> str:
    """A one-line description of ``value`` for an error message: the repr of a short value, the
    type, shape and dtype of an array, the repr cut at ``width`` characters otherwise (a message
    stays one line whatever the user passed)."""
    if isinstance(value, np.ndarray) and value.ndim > 0:
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        return f"an integer of about {int(value.bit_length() * 0.30103)} digits"
    text = " ".join(repr(value).split())
    return text if len(text) <= width else text[:width - 3] + "..."


def _as_number(name: str, value: Any):
    """Return a Python float/int (or SymPy number) for a numeric input; raise TypeError otherwise."""
    if isinstance(value, bool):
        raise InvalidTypeError(f"{name} must be a real number, got a bool ({value!r})")
    if isinstance(value, numbers.Real):
        return value
    if isinstance(value, sp.Basic):
        if value.is_number:
            if value.is_real is False:
                raise InvalidValueError(f"{name} must be real, got {value!r}")
            return value
        return value  # symbolic: caller decides
    if isinstance(value, (np.generic, np.ndarray)) and np.ndim(value) == 0 \
            and np.asarray(value).dtype.kind in "iuf":  # numpy real scalars and 0-d arrays
        return value.item()
    raise InvalidTypeError(
        f"{name} must be a real number or a SymPy expression, got {type(value).__name__} "
        f"({brief(value)})")


def check_real(
    name: str,
    value: Any,
    low: float | None = None,
    high: float | None = None,
    *,
    low_closed: bool = True,
    high_closed: bool = True,
    allow_symbolic: bool = True,
):
    """Validate a real parameter against an interval and return it unchanged.

    Parameters
    ----------
    name : the argument's name, used in the message.
    value : a Python/NumPy real, a SymPy number, or (if ``allow_symbolic``) a SymPy expression.
    low, high : interval end points (``None`` for unbounded).
    low_closed, high_closed : whether the end points belong to the interval.

    Raises
    ------
    InvalidTypeError  if the value is not a real number (or expression).
    InvalidValueError if the value is NaN, infinite, or outside the interval; for a symbolic value,
                      only when SymPy can prove it lies outside.
    """
    v = _as_number(name, value)
    rng = _describe_range(low, high, low_closed, high_closed)
    if isinstance(v, sp.Basic) and not v.is_number:
        if not allow_symbolic:
            raise InvalidTypeError(f"{name} must be a number here, got the symbolic expression {v}")
        # Three-valued: raise only when SymPy proves the value outside.
        if low is not None:
            rel = (v >= low) if low_closed else (v > low)
            if rel is sp.false:
                raise InvalidValueError(f"{name} must lie in {rng}, got {v}")
        if high is not None:
            rel = (v <= high) if high_closed else (v < high)
            if rel is sp.false:
                raise InvalidValueError(f"{name} must lie in {rng}, got {v}")
        return value
    try:
        fv = float(v)
    except OverflowError:  # an exact integer or fraction beyond float64: finite
        if not allow_symbolic:  # the numeric layer computes in float64
            raise InvalidValueError(f"{name} must be a real number in {rng} within float64 "
                                    f"(|x| < 1.8e308), got {_show(value)}") from None
        fv = None
    if fv is not None and (math.isnan(fv) or math.isinf(fv)):
        raise InvalidValueError(f"{name} must be a finite real number in {rng}, got {_show(value)}")
    # exact comparison for SymPy numbers and numbers beyond float64, float for the rest
    cmp_v = v if isinstance(v, sp.Basic) or fv is None else fv
    if low is not None and (cmp_v < low or (not low_closed and cmp_v == low)):
        raise InvalidValueError(f"{name} must lie in {rng}, got {_show(value)}")
    if high is not None and (cmp_v > high or (not high_closed and cmp_v == high)):
        raise InvalidValueError(f"{name} must lie in {rng}, got {_show(value)}")
    return value


def _integral_value(value: Any) -> int | None:
    """The Python int an integer-valued number stands for, or None when ``value`` is a number with
    a fractional part.  Accepted: Python and NumPy integers, SymPy Integers, and floats (Python,
    NumPy, SymPy ``Float``, ``mpmath.mpf``, ``fractions.Fraction``) that are whole numbers
    (``1e6``); the decision is exact (``1e6 + 0.5`` is not whole, ``1e30`` is the integer it
    stores).  Raises InvalidTypeError for anything else (bools, strings, complex numbers)."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError("bool")
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return _integral_value(value.item())
    if isinstance(value, sp.Basic):
        if not (value.is_number and value.is_real):
            raise TypeError("not a real number")
        if value.is_Float:
            value = sp.Rational(value)
        if value.is_Rational:
            return int(value) if value.q == 1 else None
        return int(value) if value.is_integer else None
    if isinstance(value, numbers.Rational):  # fractions.Fraction
        return int(value) if value.denominator == 1 else None
    if isinstance(value, (numbers.Real, mpmath.mpf)):
        f = float(value) if not isinstance(value, mpmath.mpf) else value
        if isinstance(f, float) and not math.isfinite(f):
            return None
        if isinstance(f, mpmath.mpf) and not mpmath.isfinite(f):
            return None
        return int(f) if f == int(f) else None
    raise TypeError(type(value).__name__)


def check_integer(name: str, value: Any, low: int | None = None, high: int | None = None,
                  *, allow_symbolic: bool = False) -> Any:
    """Validate an integer parameter in [low, high] and return it as a Python ``int``.

    Integers may be given as Python, NumPy or SymPy integers, or as floats that are whole numbers
    (``1e6``, ``np.float64(64)``, ``sympy.Float(3)``), decided exactly; a number with a fractional
    part (``1e6 + 0.5``) is refused.  A SymPy expression with free symbols is returned unchanged
    when ``allow_symbolic`` (and refused otherwise).

    Examples
    --------
    >>> check_integer("n", 1e6, 1)
    1000000
    >>> check_integer("n", 1e6 + 0.5, 1)
    Traceback (most recent call last):
    ...
    symbound.errors.InvalidValueError: n must be an integer >= 1, got 1000000.5 (it has a fractional part)
    """
    rng = _describe_int_range(low, high)
    if isinstance(value, sp.Basic) and not value.is_number:
        if not allow_symbolic:
            raise InvalidTypeError(f"{name} must be an integer, got the symbolic expression {value}")
        if value.is_integer is False:
            raise InvalidTypeError(f"{name} must be an integer, got {value}")
        if low is not None and (value >= low) is sp.false:
            raise InvalidValueError(f"{name} must be an integer {rng}, got {value}")
        return value
    try:
        iv = _integral_value(value)
    except TypeError:
        raise InvalidTypeError(
            f"{name} must be an integer {rng}, got {type(value).__name__} ({brief(value)})") from None
    if iv is None:
        raise InvalidValueError(
            f"{name} must be an integer {rng}, got {_show(value)} (it has a fractional part)"
            if _is_finite(value) else f"{name} must be an integer {rng}, got {_show(value)}")
    if (low is not None and iv < low) or (high is not None and iv > high):
        raise InvalidValueError(f"{name} must be an integer {rng}, got {_show(value)}")
    return iv


def _describe_int_range(low, high) -> str:
    if low is not None and high is None:
        return f">= {low}"
    if low is None and high is not None:
        return f"<= {high}"
    if low is None:
        return "(any)"
    return f"in [{low}, {high}]"


def _is_finite(value) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError, OverflowError):
        return True


def _show(value) -> str:
    """A number as the user wrote it: floats in their shortest repr, not their binary expansion."""
    if isinstance(value, (np.generic, np.ndarray)):
        value = value.item() if getattr(value, "ndim", 0) == 0 else value
    if isinstance(value, sp.Float):
        return repr(float(value))
    if isinstance(value, (int, sp.Integer)) and int(value).bit_length() > 256:  # no 4300-digit str
        return f"an integer of about {int(int(value).bit_length() * 0.30103)} digits"
    if isinstance(value, sp.Basic):
        text = str(value)
        return text if len(text) <= 60 else text[:57] + "..."
    return brief(value)


def check_real_array(name: str, value: Any, low: float | None = None,
                     high: float | None = None, *, low_closed: bool = True) -> np.ndarray:
    """Validate a real number or an array-like of them and return it as a float64 array.

    Strings (also inside lists), bytes, bools, complex numbers and objects are refused with
    :class:`InvalidTypeError` (a string is never parsed as a number); ragged lists with
    :class:`InvalidTypeError`; NaN, infinities, integers beyond float64, values below ``low`` and
    above ``high`` with :class:`InvalidValueError`.

    Examples
    --------
    >>> check_real_array("n", [10, 100.0])
    array([ 10., 100.])
    >>> check_real_array("n", "100")
    Traceback (most recent call last):
    ...
    symbound.errors.InvalidTypeError: n must be a real number or an array of them, got str ('100')
    """
    what = f"{name} must be a real number or an array of them"
    if isinstance(value, (str, bytes, bool, np.bool_, dict, set)) or value is None:
        raise InvalidTypeError(f"{what}, got {type(value).__name__} ({brief(value)})")
    try:
        raw = np.asarray(value)
        if raw.dtype.kind not in "iuf" and not (raw.dtype.kind == "O" and all(
                isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_))
                for v in raw.ravel())):
            raise TypeError
        a = raw.astype(np.float64)
    except OverflowError:
        raise InvalidValueError(f"{what} within float64 (|x| < 1.8e308), got {brief(value)}") from None
    except (TypeError, ValueError):  # strings, complex numbers, objects, ragged lists
        raise InvalidTypeError(f"{what}, got {type(value).__name__} ({brief(value)})") from None
    if raw.dtype.kind == "O" and any(abs(v) > 1.7976931348623157e308 for v in raw.ravel()):
        raise InvalidValueError(f"{what} within float64 (|x| < 1.8e308), got {brief(value)}")
    if a.size == 0:
        raise InvalidValueError(f"{what}, got an empty array")
    if not np.all(np.isfinite(a)):
        raise InvalidValueError(f"{name} must be finite, got {brief(a[~np.isfinite(a)].flat[0])}")
    if low is not None and (np.any(a < low) or (not low_closed and np.any(a == low))):
        rng = f"{'>=' if low_closed else '>'} {low}"
        raise InvalidValueError(f"{name} must be {rng}, got {brief(a.min().item())}")
    if high is not None and np.any(a > high):
        raise InvalidValueError(f"{name} must be <= {high}, got {brief(a.max().item())}")
    return a


def check_probability(name: str, value: Any, *, allow_symbolic: bool = True):
    """Validate a confidence level or probability in the open interval (0, 1)."""
    return check_real(name, value, 0, 1, low_closed=False, high_closed=False,
                      allow_symbolic=allow_symbolic)


def check_choice(name: str, value: Any, choices) -> Any:
    """Validate that ``value`` is one of ``choices``."""
    try:
        known = any(value is c or (bool(value == c) and isinstance(value, bool) == isinstance(c, bool))
                    for c in choices)
    except (TypeError, ValueError):  # an array compared with a string
        known = False
    if not known:
        listed = ", ".join(sorted(map(repr, choices)))
        near = closest_name(value, [c for c in choices if isinstance(c, str)]) \
            if isinstance(value, str) else None
        raise InvalidValueError(f"{name} must be one of {listed}, got {brief(value)}"
                                + (f": did you mean {near!r}?" if near is not None else ""))
    return value


def check_bool(name: str, value: Any) -> bool:
    """Validate a flag: ``True`` or ``False`` (a Python or NumPy bool; not 0/1, not a string)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    raise InvalidTypeError(f"{name} must be True or False, got {type(value).__name__} "
                           f"({brief(value)})")


# ----- misspelt names ------------------------------------------------------------------------------

def closest_name(word: str, names: Iterable[str]) -> str | None:
    """The name of ``names`` closest to ``word`` (a misspelling, a case slip), or None.

    Examples
    --------
    >>> closest_name("lipshitz", ["lipschitz", "loss_lipschitz", "loss_bound"])
    'lipschitz'
    """
    names = list(names)
    low = {n.lower(): n for n in names}
    if word.lower() in low:
        return low[word.lower()]
    hit = difflib.get_close_matches(word.lower(), list(low), n=1, cutoff=0.6)
    return low[hit[0]] if hit else None


def unknown_name_message(what: str, word: str, names: Iterable[str]) -> str:
    """One line: ``what`` (e.g. "generalization_bound() has no keyword") ``word``, the closest real
    name, or the list of names when none is close."""
    names = sorted(names)
    near = closest_name(word, names)
    if near is not None:
        return f"{what} {word!r}: did you mean {near!r}?"
    return f"{what} {word!r}; the names are {', '.join(names)}"


F = TypeVar("F", bound=Callable[..., Any])


def suggest_keywords(func: F) -> F:
    """Decorator: a misspelt keyword argument raises :class:`InvalidTypeError` naming the closest
    real parameter (``lipshitz=1`` -> "did you mean 'lipschitz'?") instead of Python's bare
    "unexpected keyword argument".  For a function that takes ``**kwargs`` (e.g. the symbol values
    of :func:`~symbound.compare`), an extra keyword is an error only when it is close to a required
    parameter that was not given (``detla=0.05`` for a missing ``delta``); the others are checked
    where they are used.

    Examples
    --------
    >>> @suggest_keywords
    ... def f(x, *, lipschitz=1):
    ...     return x * lipschitz
    >>> f(2, lipshitz=3)
    Traceback (most recent call last):
    ...
    symbound.errors.InvalidTypeError: f() has no keyword 'lipshitz': did you mean 'lipschitz'?
    """
    import functools
    import inspect

    params = list(inspect.signature(func).parameters.values())
    named = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    names = frozenset(p.name for p in params if p.kind in named)
    open_ended = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params)
    positional = [p.name for p in params if p.kind in (inspect.Parameter.POSITIONAL_ONLY,
                                                       inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    required = [p.name for p in params if p.kind in named and p.default is inspect.Parameter.empty]

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        unknown = [k for k in kwargs if k not in names]
        if unknown and open_ended:
            given = set(kwargs) | set(positional[:len(args)])
            missing = [r for r in required if r not in given]
            unknown = [k for k in unknown if closest_name(k, missing) is not None]
            names_ = missing
        else:
            names_ = names
        if unknown:
            raise InvalidTypeError(unknown_name_message(f"{func.__name__}() has no keyword",
                                                        unknown[0], names_))
        return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def one_dimension(obj: Any, manifold_dim: Any, ambient_dim: Any) -> Any:
    """``obj.dim``: ``manifold_dim`` when it is the only dimension of ``obj`` (equal to
    ``ambient_dim``, or no ambient space), else :class:`AmbiguousDimensionError` naming both."""
    if ambient_dim is None or manifold_dim == ambient_dim:
        return manifold_dim
    name = getattr(obj, "name", type(obj).__name__)
    raise AmbiguousDimensionError(
        f"{obj!r}.dim is ambiguous: {name} has manifold_dim = {manifold_dim} and acts on or lives "
        f"in R^{ambient_dim} (ambient_dim = {ambient_dim}); use .manifold_dim or .ambient_dim")
