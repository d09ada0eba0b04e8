"""The seam between the layers (DESIGN.md): a Bound compiled once to a numba kernel and evaluated on
arrays of parameters.

The bound's formula is printed as a scalar Python function (``math`` functions only, no SymPy) into
a real module file in a cache folder, so that ``numba.njit(cache=True)`` can cache it across processes
(NUMERICS.md: a function made by ``sympy.lambdify`` has no source file and cannot be cached).  The file
name is a hash of the generated source, so two different bounds never share a cache entry.

Entries that float64 cannot hold (the compiled value is inf or NaN, e.g. a covering number 3**1000
in an intermediate, or an intermediate underflows, below) are recomputed with mpmath from the
symbolic formula; if the true value still does not fit in float64 the result is an object array of
``mpmath.mpf`` — never a silent inf or 0.

``ceiling``/``floor``: where their argument lies within a few ulps of an integer (``1/eps`` for
``eps = 0.1``), float64 cannot tell on which side of the jump the exact value lies, so such entries
are recomputed exactly by the symbolic path (never rounded the wrong way).

Underflow and NaN are caught as well: the generated code has one assignment per SymPy operation
(products pairwise) and tests each result (:class:`_Emitter`).  An operation that returns 0 or a
subnormal number from operands that are not (``exp(-800)``, ``1e-200 * 1e-200``) has lost its
digits, so the entry is recomputed with mpmath (``1e300 * exp(-800)`` is 3.7e-48, not 0); a NaN
(``_sb_ceil`` at a jump) is caught where it arises, before ``min``/``max`` or a comparison could drop
it; ``log(1 + x)`` is computed as ``log1p(x)``.  Parameter values reach the exact path with 50
digits, so they are exact.  Lambert's W and erfi (the Dudley closed forms) come from
:mod:`symbound.numeric.special`.  Not detected: cancellation in a difference of two large terms
(float64's accuracy).

A bound whose formula contains numerically defined functions (certified covering numbers computed
by the spaces, entropy integrals by quadrature) or a function without float64 code (or that numba
cannot type) cannot be compiled: it is evaluated entry by entry on the exact path instead, and ``backend`` says so.

This is the only module that imports both SymPy and numba (STYLE.md).

First-call cost: generating and compiling a bound takes about 0.5-1.5 s; later processes load the
cached machine code in a few milliseconds.
"""

from __future__ import annotations

import hashlib
from fractions import Fraction
import importlib.util
import os
import sys
from pathlib import Path
from typing import Any

import mpmath
import numpy as np
import sympy as sp
from numba.core.errors import NumbaError
from sympy.printing.codeprinter import PrintMethodNotImplementedError
from sympy.printing.pycode import PythonCodePrinter

from .._validation import brief, check_integer, check_real
from ..bounds._bound import Bound, evaluate_expr
from ..errors import InvalidTypeError, InvalidValueError
from ..functions import xreplace_numbers
from . import special
from ._checks import as_float_array

__all__ = ["compile_bound", "CompiledBound", "cache_dir"]


def cache_dir() -> Path:
    """Folder of the generated kernel modules: ``$SYMBOUND_CACHE_DIR`` or ``~/.cache/symbound``."""
    root = os.environ.get("SYMBOUND_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "symbound")
    p = Path(root) / "compiled"
    p.mkdir(parents=True, exist_ok=True)
    return p


def _float_literal(p: int) -> str:
    """A float literal for an integer; integers beyond float64 print as inf, so that the entry is
    recomputed by the mpmath path (never a silently wrong finite number)."""
    try:
        return repr(float(p))
    except OverflowError:
        return "math.inf" if p > 0 else "(-math.inf)"


class _ScalarPrinter(PythonCodePrinter):
    """Prints plain ``math`` code that numba compiles (no numpy, no SymPy objects)."""

    def _print_Integer(self, expr):  # keep integer arithmetic in float (no int overflow in numba)
        return _float_literal(expr.p)

    def _print_Rational(self, expr):
        return f"({_float_literal(expr.p)}/{_float_literal(expr.q)})"

    def _print_Float(self, expr):
        return repr(float(expr))

    def _print_ceiling(self, expr):
        return f"_sb_ceil({self._print(expr.args[0])})"

    def _print_floor(self, expr):
        return f"-_sb_ceil(-({self._print(expr.args[0])}))"

    def _print_LambertW(self, expr):
        if len(expr.args) > 1 and expr.args[1] != 0:
            return self._print_not_supported(expr)  # other branches: the exact path
        return f"_sb_special.lambertw0({self._print(expr.args[0])})"

    def _print_erfi(self, expr):
        return f"_sb_special.erfi({self._print(expr.args[0])})"


#: hash of the special functions' source, written into every generated module: numba's cache of a
#: function does not notice changes of the functions it calls
_SPECIAL_TAG = hashlib.sha1(Path(special.__file__).read_bytes()).hexdigest()[:16]

#: digits of the parameter values substituted on the exact path: a float64 is an exact binary number,
#: and 17 digits would round sums such as 1e17 + 1 (then ``log((n + 1)/n)`` is off by 4%)
_EXACT_DPS = 50

#: smallest positive normal float64: a result below it (0 or subnormal) has lost digits
_TINY = "2.2250738585072014e-308"


#: operations that return one of their arguments or an integer: a result of 0 there is an exact
#: value, not an underflow
_NO_UNDERFLOW = (sp.Max, sp.Min, sp.Abs, sp.sign, sp.floor, sp.ceiling, sp.Heaviside, sp.Mod)


class _Emitter:
    """Straight-line code for a formula, one assignment per SymPy operation (products pairwise),
    each followed by a test that sends the entry to the exact (mpmath) path by returning NaN:

    * a NaN result: ``_sb_ceil`` near a jump, or an undefined float operation.  Tested at once,
      because ``min``, ``max`` and comparisons would drop a NaN (``min(x, nan)`` is ``x``);
    * an underflow: an operation that returns 0 or a subnormal number from operands that are not
      (``exp(-800)``, ``1e-200 * 1e-200``) has lost its digits, and ``1e300 * exp(-800)`` would be a
      silently wrong number; a sum that is subnormal but not 0;
    * a logarithm that returns 0 from a computed argument (rounded to exactly 1); ``log(1 + x)`` is
      computed as ``log1p(x)``.

    Overflow needs no test: inf propagates to the result (or is dropped by ``min``, or decides a
    comparison, correctly).  Piecewise branches are emitted as ``if``/``else`` blocks, so an
    untaken branch is never evaluated.  Cancellation in a difference is float64's accuracy and is
    not tested.  Functions that the printer writes as several operations (``binomial``) are tested
    as a whole."""

    def __init__(self, printer, names: dict):
        self.printer = printer
        self.names = dict(names)  # sympy expression -> variable name (parameters first)
        self.params = set(names.values())
        self.lines: list[str] = []
        self.count = 0

    def _new(self) -> str:
        self.count += 1
        return f"t{self.count}"

    @staticmethod
    def _is_literal(expr) -> bool:
        return bool(expr.is_Number or expr.is_NumberSymbol)

    def _test(self, indent: str, var: str, bad: str) -> None:
        self.lines.append(f"{indent}if {var} != {var}" + (f" or {bad}" if bad else "") + ":")
        self.lines.append(f"{indent}    return math.nan")

    @staticmethod
    def _underflow(var: str, operands) -> str:
        ops = " or ".join(f"_sb_tiny({k})" for k in operands)
        return f"(_sb_tiny({var})" + (f" and not ({ops}))" if ops else ")")

    def _memo(self, expr, var: str, indent: str) -> str:
        # memoise only outside branches (a value computed inside one branch is not defined outside)
        if indent == "    ":
            self.names[expr] = var
        return var

    def emit(self, expr, indent: str) -> str:
        """Variable name (or literal) holding ``expr``; appends the lines computing it."""
        if expr in self.names:
            return self.names[expr]
        if self._is_literal(expr) or isinstance(expr, sp.logic.boolalg.BooleanAtom):
            return f"({self.printer.doprint(expr)})"
        if isinstance(expr, sp.Piecewise):
            return self._piecewise(expr, indent)
        if isinstance(expr, sp.log) and expr.args[0].is_Add and sp.S.One in expr.args[0].args:
            k = self.emit(expr.args[0] - 1, indent)
            var = self._new()
            self.lines.append(f"{indent}{var} = math.log1p({k})")
            self._test(indent, var, self._underflow(var, [k]))
            return self._memo(expr, var, indent)
        kids = [self.emit(a, indent) for a in expr.args]
        operands = [k for a, k in zip(expr.args, kids) if not self._is_literal(a)]
        if isinstance(expr, sp.Mul) and len(expr.args) > 2:  # pairwise: every partial product tested
            acc, acc_lit = kids[0], self._is_literal(expr.args[0])
            for a, k in zip(expr.args[1:], kids[1:]):
                var = self._new()
                self.lines.append(f"{indent}{var} = {acc} * {k}")
                ops = [o for o, lit in ((acc, acc_lit), (k, self._is_literal(a))) if not lit]
                self._test(indent, var, self._underflow(var, ops))
                acc, acc_lit = var, False
            return self._memo(expr, acc, indent)
        subs = {a: sp.Symbol(k) for a, k in zip(expr.args, kids) if not self._is_literal(a)}
        var = self._new()
        self.lines.append(f"{indent}{var} = {self.printer.doprint(expr.xreplace(subs))}")
        if not isinstance(expr, sp.Expr):  # a condition (relational, And, Or): a bool
            pass
        elif isinstance(expr, sp.Add):
            self._test(indent, var, f"({var} != 0.0 and _sb_tiny({var}))")
        elif isinstance(expr, sp.log):
            computed = [k for k in operands if k not in self.params]
            self._test(indent, var, f"({var} == 0.0)" if computed else "")
        elif isinstance(expr, _NO_UNDERFLOW):
            self._test(indent, var, "")
        else:
            self._test(indent, var, self._underflow(var, operands))
        return self._memo(expr, var, indent)

    def _piecewise(self, expr, indent: str) -> str:
        var = self._new()
        self.lines.append(f"{indent}{var} = math.nan")
        cur = indent
        for e, c in expr.args:
            if c == sp.true:
                self.lines.append(f"{cur}{var} = {self.emit(e, cur)}")
                break
            cv = self.emit(c, cur)
            self.lines.append(f"{cur}if {cv}:")
            self.lines.append(f"{cur}    {var} = {self.emit(e, cur + '    ')}")
            self.lines.append(f"{cur}else:")
            cur += "    "
        else:  # no branch applies: NaN, recomputed (and reported) by the exact path
            self.lines.append(f"{cur}{var} = math.nan")
        return var


def _generate_source(formula: sp.Expr, args: list[sp.Symbol], fname: str) -> str:
    printer = _ScalarPrinter({"fully_qualified_modules": True, "standard": "python3"})
    names = [f"a{i}" for i in range(len(args))]
    em = _Emitter(printer, {s: nm for s, nm in zip(args, names)})
    result = em.emit(formula, "    ")
    body = "\n".join(em.lines + [f"    return float({result})"])
    sig = ", ".join(names)
    idx = ", ".join(f"x{i}[k]" for i in range(len(args)))
    arrs = ", ".join(f"x{i}" for i in range(len(args)))
    return (
        "# generated by symbound.numeric.compile; do not edit\n"
        "import math\n"
        "import numba\n"
        "import symbound.numeric.special as _sb_special\n\n"
        f"# symbound.numeric.special {_SPECIAL_TAG} (its changes must not reuse a stale cache)\n\n\n"
        "@numba.njit(cache=True, error_model='numpy')\n"
        "def _sb_ceil(x):\n"
        "    # within a few ulps of an integer, float64 cannot tell which side of the jump the exact\n"
        "    # value lies on: NaN sends the entry to the exact (SymPy/mpmath) path\n"
        "    r = math.floor(x + 0.5)\n"
        "    if abs(x - r) <= 8.0 * 2.220446049250313e-16 * max(1.0, abs(x)):\n"
        "        return math.nan\n"
        "    return float(math.ceil(x))\n\n\n"
        "@numba.njit(cache=True, error_model='numpy')\n"
        "def _sb_tiny(x):\n"
        "    # 0 or subnormal (NaN is not tiny)\n"
        f"    return abs(x) < {_TINY}\n\n\n"
        "@numba.njit(cache=True, error_model='numpy')\n"
        f"def {fname}_scalar({sig}):\n"
        f"{body}\n\n\n"
        "@numba.njit(cache=True, error_model='numpy')\n"
        f"def {fname}_loop(out, {arrs}):\n"
        "    for k in range(out.shape[0]):\n"
        f"        out[k] = {fname}_scalar({idx})\n"
    )


def _load_module(source: str, name: str):
    path = cache_dir() / f"{name}.py"
    if not path.exists() or path.read_text() != source:
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(source)
        os.replace(tmp, path)  # atomic: concurrent processes see a whole file
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    sys.modules[name] = mod
    return mod


class CompiledBound:
    """A Bound compiled to a numba kernel over the parameters ``args`` (see :func:`compile_bound`).

    Call it with arrays (broadcast together) or scalars for each argument name; the result has the
    broadcast shape.
    """

    def __init__(self, bound: Bound, args: tuple[sp.Symbol, ...], formula: sp.Expr, module: Any,
                 fname: str, why_exact: str = "the formula has numerically defined functions"):
        self.bound = bound
        self.args = args
        self.formula = formula
        if module is None:  # exact path
            self._loop = self._exact_loop
            self.source_path = None
            self.backend = f"exact (SymPy/mpmath per entry; {why_exact})"
        else:
            self._loop = getattr(module, f"{fname}_loop")
            self.source_path = Path(module.__file__)
            self.backend = "numba"

    def _exact_loop(self, out, *flat):
        for k in range(out.shape[0]):
            sub = {s: sp.Float(float(x[k]), _EXACT_DPS) for s, x in zip(self.args, flat)}
            v = evaluate_expr(xreplace_numbers(self.formula, sub))
            out[k] = float(v) if isinstance(v, float) else np.inf  # inf: rescued below

    @property
    def arg_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.args)

    def __repr__(self) -> str:
        return f"CompiledBound({self.bound.name!r}, args={self.arg_names})"

    def __reduce__(self):
        # a worker process rebuilds the kernel from the formula (cached on disk), so a compiled bound
        # can be shipped to Dask workers
        return (_rebuild, (self.bound, tuple(s.name for s in self.args)))

    def __call__(self, *positional, client=None, chunk_size: int = 250_000, **values) -> np.ndarray:
        """Evaluate on arrays (broadcast together).  With ``client`` (a ``distributed.Client``) the
        flattened parameter grid is split into chunks of ``chunk_size`` evaluated on the workers."""
        if positional:
            if len(positional) > len(self.args):
                raise InvalidValueError(
                    f"expected at most {len(self.args)} positional arguments {self.arg_names}, "
                    f"got {len(positional)}")
            for nm, v in zip(self.arg_names, positional):
                if nm in values:
                    raise InvalidValueError(f"argument {nm!r} given twice")
                values[nm] = v
        missing = [nm for nm in self.arg_names if nm not in values]
        extra = [k for k in values if k not in self.arg_names]
        if missing or extra:
            raise InvalidValueError(
                f"the compiled bound takes exactly {self.arg_names}; missing {missing}, unexpected {extra}")
        arrays = [as_float_array(nm, _real_values(nm, values[nm]), min_ndim=0)
                  for nm in self.arg_names]
        for nm, a in zip(self.arg_names, arrays):
            _check_domain(self.args[self.arg_names.index(nm)], a)
        try:
            b = np.broadcast_arrays(*arrays)
        except ValueError:
            raise InvalidValueError(
                "the arguments must broadcast together, got shapes "
                + ", ".join(f"{nm}: {a.shape}" for nm, a in zip(self.arg_names, arrays))) from None
        shape = b[0].shape
        flat = [np.ascontiguousarray(x, dtype=np.float64).ravel() for x in b]
        if client is not None:
            out = self._sharded(client, flat, chunk_size)
        else:
            out = np.empty(flat[0].shape[0], dtype=np.float64)
            self._loop(out, *flat)
        bad = ~np.isfinite(out)
        if np.any(bad):
            return self._rescue(out, flat, bad).reshape(shape)
        return out.reshape(shape)

    def _raw(self, *flat):
        out = np.empty(flat[0].shape[0], dtype=np.float64)
        self._loop(out, *flat)
        return out

    def _sharded(self, client, flat, chunk_size):
        if chunk_size < 1:
            raise InvalidValueError(f"chunk_size must be an integer >= 1, got {brief(chunk_size)}")
        total = flat[0].shape[0]
        futures = []
        fn = client.scatter(self, broadcast=True)
        for start in range(0, total, chunk_size):
            parts = [x[start:start + chunk_size] for x in flat]
            futures.append(client.submit(_eval_chunk, fn, *parts, pure=False))
        return np.concatenate(client.gather(futures)) if futures else np.empty(0)

    def _rescue(self, out, flat, bad):
        """Recompute non-finite entries in mpmath; object array if any true value exceeds float64."""
        result: Any = out
        for k in np.flatnonzero(bad):
            sub = {s: sp.Float(float(x[k]), _EXACT_DPS) for s, x in zip(self.args, flat)}
            v = evaluate_expr(xreplace_numbers(self.formula, sub))
            if isinstance(v, float):
                result[k] = v
            else:
                if result.dtype != object:
                    result = result.astype(object)
                result[k] = v
        return result

    def evaluate_mpmath(self, dps: int = 50, **values: Any) -> mpmath.mpf:
        """The bound at scalar values in mpmath with ``dps`` digits (reference path)."""
        dps = check_integer("dps", dps, 1, 10**5)
        sub = {}
        for s in self.args:
            if s.name not in values:
                raise InvalidValueError(f"missing value for {s.name!r}")
            check_real(s.name, values[s.name], allow_symbolic=False)
            v = values[s.name]
            sub[s] = sp.Float(sp.Rational(v.numerator, v.denominator) if isinstance(v, Fraction)
                              else v, dps)
        value = sp.N(xreplace_numbers(self.formula, sub), dps)
        if not (value.is_number and value.is_real and value.is_finite):
            raise InvalidValueError(f"the bound is not a finite real number at "
                                    f"{', '.join(f'{k}={brief(v)}' for k, v in values.items())}: "
                                    f"{brief(str(value))}")
        return mpmath.mpf(str(value))


def _real_values(name: str, v):
    """``v`` as a float array: numbers, arrays of numbers, and SymPy / mpmath real numbers (alone or
    in an object array); anything else (strings, complex numbers, ragged lists) is refused."""
    try:
        a = np.asarray(v)
    except ValueError:  # a ragged list
        raise InvalidTypeError(f"{name} must be a real number or an array of real numbers, got "
                               f"{brief(v)}") from None
    if a.dtype.kind in "biuf":
        return a
    if a.dtype.kind == "O":
        flat = a.ravel()
        out = np.empty(flat.shape[0])
        for i, e in enumerate(flat):
            if isinstance(e, sp.Basic) and e.is_number and e.is_real:
                out[i] = float(e)
            elif isinstance(e, (mpmath.mpf, int, float, np.integer, np.floating)) \
                    and not isinstance(e, bool):
                try:
                    out[i] = float(e)
                except OverflowError:
                    raise InvalidValueError(f"{name} must lie within float64 (|x| < 1.8e308), "
                                            f"got {brief(e)}") from None
            else:
                break
        else:
            return out.reshape(a.shape)
    raise InvalidTypeError(f"{name} must be a real number or an array of real numbers, got {brief(v)}")


def _rebuild(bound, names):
    return compile_bound(bound, *names)


def _eval_chunk(compiled, *parts):
    return compiled._raw(*parts)


def _check_domain(sym: sp.Symbol, a: np.ndarray) -> None:
    if sym.name == "delta" and np.any((a <= 0) | (a >= 1)):
        raise InvalidValueError(f"delta must lie in (0, 1), got values in [{a.min()}, {a.max()}]")
    if sym.name == "n" and (np.any(a < 1) or np.any(a != np.floor(a))):
        raise InvalidValueError(f"n must be an integer >= 1, got values in [{a.min()}, {a.max()}]")
    if sym.is_integer and np.any(a != np.floor(a)):
        bad = a[a != np.floor(a)].ravel()[0]
        raise InvalidValueError(f"{sym.name} must be an integer, got {bad}")
    if sym.is_positive and np.any(a <= 0):
        raise InvalidValueError(f"{sym.name} must be > 0, got min {a.min()}")
    if sym.is_nonnegative and np.any(a < 0):
        raise InvalidValueError(f"{sym.name} must be >= 0, got min {a.min()}")


def compile_bound(bound: Bound, *args: str | sp.Symbol, **fixed: Any) -> CompiledBound:
    """Compile ``bound`` once into a numba kernel over the parameters ``args``.

    Parameters
    ----------
    bound : a :class:`symbound.bounds.Bound`.
    *args : names (or symbols) of the parameters the kernel takes, in order; default: every free
        symbol of the formula, sorted by name.
    **fixed : values substituted before compiling (validated like :meth:`Bound.subs`).

    Examples
    --------
    >>> import numpy as np, sympy as sp
    >>> from symbound.bounds import Bound
    >>> from symbound.symbols import symbols
    >>> n, delta = symbols("n", "delta")
    >>> f = compile_bound(Bound(sp.sqrt(sp.log(2 / delta) / (2 * n))), "n", "delta")
    >>> [round(float(v), 6) for v in f(n=np.array([100, 10000]), delta=0.05)]
    [0.13581, 0.013581]
    """
    if not isinstance(bound, Bound):
        raise InvalidTypeError(f"bound must be a symbound Bound, got {type(bound).__name__}")
    b = bound.subs(fixed) if fixed else bound
    formula = b.formula()
    free = formula.free_symbols
    if args:
        syms = []
        for a in args:
            if isinstance(a, sp.Symbol):
                s = a
            elif isinstance(a, str):
                matches = [s for s in free if s.name == a]
                if not matches:
                    raise InvalidValueError(
                        f"{a!r} is not a free symbol of the bound; free symbols: {sorted(s.name for s in free)}")
                s = matches[0]
            else:
                raise InvalidTypeError(f"argument names must be str or Symbol, got {type(a).__name__}")
            syms.append(s)
        left = free - set(syms)
        if left:
            raise InvalidValueError(
                f"the bound still has free symbols {sorted(s.name for s in left)}; pass them as arguments "
                "or fix them with keyword values")
    else:
        syms = sorted(free, key=lambda s: s.name)
    if not syms:
        raise InvalidValueError("the bound has no free symbols left to compile over")
    if any(hasattr(type(f), "_imp_") for f in formula.atoms(sp.Function)):
        return CompiledBound(b, tuple(syms), formula, None, "")
    try:
        probe = _generate_source(formula, syms, "f")
    except PrintMethodNotImplementedError as exc:  # a function numba has no code for: the exact path
        return CompiledBound(b, tuple(syms), formula, None, "",
                             f"no float64 code for a function of the formula ({exc.args[0].splitlines()[0]})")
    digest = hashlib.sha1(probe.encode()).hexdigest()[:16]
    fname = f"bound_{digest}"
    source = _generate_source(formula, syms, fname)
    module = _load_module(source, f"symbound_compiled_{digest}")
    try:  # compile now (empty arrays): a function numba cannot type takes the exact path
        getattr(module, f"{fname}_loop")(np.empty(0), *[np.empty(0) for _ in syms])
    except NumbaError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return CompiledBound(b, tuple(syms), formula, None, "",
                             f"numba cannot compile the formula ({first})")
    return CompiledBound(b, tuple(syms), formula, module, fname)
