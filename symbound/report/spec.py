r"""The report spec: a TOML file describing the user's problem, parsed and validated in one place.

A spec has one table per part of the problem (every key, its type, range and default is listed in
:data:`TABLES`, which the documentation's spec reference is generated from):

``[space]``
    the input space X: ``kind`` and its parameters.
``[[group]]``
    one table per transformation set S compared with "no symmetry" (a single ``[group]`` table is
    accepted too).  The set acts on the space's ambient coordinates; its dimension is taken from
    the space.
``[learning]``
    the learning problem of the generalization bounds: sample sizes, confidence, constants, methods.
``[data]`` (optional)
    a ``.npy`` / ``.npz`` file of inputs (and optionally labels) on which the model's errors are
    measured; with labels, the data's own equivariance error is measured too.
``[model]`` (optional)
    the model whose equivariance error is measured: ``function = "module:attribute"``.  This is the
    one place where spec text names code: the module is imported with :func:`importlib.import_module`
    (the spec's folder first on ``sys.path``) and the attribute read with :func:`getattr`.  Any other
    form is refused; nothing is evaluated.
``[tradeoff]`` (optional)
    the trade-off between model and data equivariance error (THEORY §5): the data's level eta_d
    (a number, or ``"data"``: certified from the ``[data]`` labels), the bound and the sample size.
``[report]`` (optional)
    title, the resolutions of the covering table, the seed, figures on or off.

Numbers are TOML integers or floats (floats enter as the exact binary numbers they are), or, for an
exact value, a string ``"p/q"`` or a multiple of pi, ``"pi/4"``, ``"3*pi/4"``, ``"2 pi"``; strings are
matched by a regular expression, never evaluated.

Every error is a :class:`SpecError`: one line naming the table, the key, the value received and the
allowed values (with a "did you mean" for misspelt keys and choices).
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import sympy as sp

from .._validation import MAX_GROUP_ORDER, brief
from ..errors import InvalidValueError

__all__ = ["SpecError", "Spec", "Field", "TABLES", "KINDS", "load_spec", "parse_spec", "parse_text",
           "reference_markdown"]


class SpecError(InvalidValueError):
    """A malformed spec: the message is one line naming the key and the allowed values."""


REQUIRED = object()  # marker of a key without a default


@dataclass(frozen=True)
class Field:
    """One key of a spec table: its type (``what``), its default and its meaning."""

    name: str
    what: str
    doc: str
    default: Any = REQUIRED
    check: Callable[[str, Any], Any] | None = field(default=None, repr=False, compare=False)

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    def default_text(self) -> str:
        """The default as a reader sees it (``required`` when there is none)."""
        if self.required:
            return "required"
        if self.default is None:
            return "none"
        if isinstance(self.default, str):
            return f'"{self.default}"'
        if isinstance(self.default, bool):
            return str(self.default).lower()
        return str(self.default)


# ------------------------------------------------------------------------------------------------
# value checks: each takes (where, value) and returns the normalised value or raises SpecError
# ------------------------------------------------------------------------------------------------

def _tname(v: Any) -> str:
    return {bool: "a boolean", int: "an integer", float: "a float", str: "a string",
            list: "an array", dict: "a table"}.get(type(v), type(v).__name__)


def _show(v: Any) -> str:
    return f'"{v}"' if isinstance(v, str) else repr(v)


_FRACTION = re.compile(r"^\s*([+-]?\d+)\s*/\s*(\d+)\s*$")
_PI = re.compile(r"^\s*(?:(\d+)\s*\*?\s*)?pi\s*(?:/\s*(\d+))?\s*$")


def _real(low=None, high=None, low_closed=True, high_closed=True):
    """A real number in the given range: TOML int/float, ``"p/q"`` or ``"k*pi/q"``."""
    rng = (("[" if low_closed else "(") + ("-inf" if low is None else _fmt_bound(low)) + ", "
           + ("inf" if high is None else _fmt_bound(high))
           + ("]" if high_closed and high is not None else ")"))

    def check(where: str, v: Any):
        if isinstance(v, bool) or not isinstance(v, (int, float, str)):
            raise SpecError(f"{where} must be a number in {rng}, got {_tname(v)} ({_show(v)})")
        if isinstance(v, str):
            m, mp = _FRACTION.match(v), _PI.match(v)
            if m:
                if int(m.group(2)) == 0:
                    raise SpecError(f"{where} has a zero denominator: {_show(v)}")
                x = sp.Rational(int(m.group(1)), int(m.group(2)))
            elif mp:
                if mp.group(2) is not None and int(mp.group(2)) == 0:
                    raise SpecError(f"{where} has a zero denominator: {_show(v)}")
                x = sp.Integer(int(mp.group(1) or 1)) * sp.pi / int(mp.group(2) or 1)
            else:
                raise SpecError(f"{where} must be a number in {rng} (a TOML number, or a string "
                                f'"p/q" or "k*pi/q"), got {_show(v)}')
        else:
            if isinstance(v, float) and not math.isfinite(v):
                raise SpecError(f"{where} must be a finite number in {rng}, got {brief(v)}")
            x = v
        xs = sp.sympify(x)
        bad = ((low is not None and (xs < low if low_closed else xs <= low))
               or (high is not None and (xs > high if high_closed else xs >= high)))
        if bad:
            raise SpecError(f"{where} must be a number in {rng}, got {_show(v)}")
        return x
    return check


def _fmt_bound(b) -> str:
    return "pi" if b is sp.pi else str(b)


def _integer(low: int | None = None, high: int | None = None):
    rng = f">= {low}" if high is None else f"in [{low}, {high}]"

    def check(where: str, v: Any):
        if isinstance(v, bool) or not isinstance(v, int):
            raise SpecError(f"{where} must be an integer {rng}, got {_tname(v)} ({_show(v)})")
        if (low is not None and v < low) or (high is not None and v > high):
            raise SpecError(f"{where} must be an integer {rng}, got {v}")
        return v
    return check


def _choice(*choices: str):
    def check(where: str, v: Any):
        if not isinstance(v, str) or v not in choices:
            allowed = ", ".join(f'"{c}"' for c in choices)
            hint = _did_you_mean(v, choices) if isinstance(v, str) else ""
            raise SpecError(f"{where} must be one of {allowed}, got {_show(v)}{hint}")
        return v
    return check


def _string(pattern: re.Pattern | None = None, what: str = "a string"):
    def check(where: str, v: Any):
        if not isinstance(v, str) or not v.strip():
            raise SpecError(f"{where} must be {what}, got {_tname(v)} ({_show(v)})")
        if pattern is not None and not pattern.match(v):
            raise SpecError(f"{where} must be {what}, got {_show(v)}")
        return v
    return check


def _boolean(where: str, v: Any):
    if not isinstance(v, bool):
        raise SpecError(f"{where} must be true or false, got {_tname(v)} ({_show(v)})")
    return v


def _list_of(item_check, what: str, allow_scalar: bool = True, min_len: int = 1):
    def check(where: str, v: Any):
        if allow_scalar and not isinstance(v, list):
            v = [v]
        if not isinstance(v, list) or len(v) < min_len:
            raise SpecError(f"{where} must be {what}, got {_tname(v)} ({_show(v)})")
        return tuple(item_check(f"{where}[{i}]", x) for i, x in enumerate(v))
    return check


def _plane(where: str, v: Any):
    if (not isinstance(v, list) or len(v) != 2
            or any(isinstance(i, bool) or not isinstance(i, int) or i < 0 for i in v) or v[0] == v[1]):
        raise SpecError(f"{where} must be two different coordinate indices >= 0, e.g. [0, 1], "
                        f"got {_show(v)}")
    return (v[0], v[1])


def _matrices(where: str, v: Any):
    ok = (isinstance(v, list) and v and all(isinstance(m, list) and m for m in v))
    if ok:
        d = len(v[0])
        ok = all(len(m) == d and all(isinstance(r, list) and len(r) == d and all(
            isinstance(x, (int, float)) and not isinstance(x, bool) for x in r) for r in m) for m in v)
    if not ok:
        raise SpecError(f"{where} must be a non-empty array of square matrices of numbers (arrays of "
                        f"rows), e.g. [[[1, 0], [0, 1]], [[0, -1], [1, 0]]], got {_show(v)}")
    return tuple(tuple(tuple(float(x) for x in r) for r in m) for m in v)


#: ``module:attribute`` — dotted module path, one attribute name; nothing else is accepted
MODEL_PATTERN = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*:[A-Za-z_]\w*\Z", re.ASCII)


# ------------------------------------------------------------------------------------------------
# the schema
# ------------------------------------------------------------------------------------------------

_POS = _real(0, None, low_closed=False)
_NAME = Field("name", "string", "display name of the set (default: the set's own name, e.g. C_8)",
              None, _string())
_PLANE = Field("plane", "two integers", "the two coordinates rotated", [0, 1], _plane)

#: kinds of ``[space]`` and of ``[[group]]``: kind -> (fields, description)
KINDS: dict[str, dict[str, tuple[tuple[Field, ...], str]]] = {
    "space": {
        "ball": ((Field("dim", "integer >= 1", "dimension d", REQUIRED, _integer(1)),
                  Field("radius", "number > 0", "radius R", 1, _POS)),
                 "Euclidean ball B^d_R (sb.Ball)"),
        "cube": ((Field("dim", "integer >= 1", "dimension d", REQUIRED, _integer(1)),
                  Field("side", "number > 0", "side a of [0, a]^d", 1, _POS),
                  Field("metric", '"sup" or "euclidean"', "metric", "sup", _choice("sup", "euclidean"))),
                 "cube [0, a]^d (sb.Cube)"),
        "sphere": ((Field("dim", "integer >= 2", "ambient dimension d (the sphere S^{d-1})", REQUIRED,
                          _integer(2)),),
                   "unit sphere S^{d-1} in R^d, chordal metric (sb.Sphere)"),
        "annulus": ((Field("r_inner", "number >= 0", "inner radius (0: a disk)", REQUIRED, _real(0)),
                     Field("r_outer", "number > 0", "outer radius", REQUIRED, _POS)),
                    "planar annulus r_inner <= |x| <= r_outer (sb.Annulus)"),
        "torus": ((Field("dim", "integer >= 1", "dimension d", REQUIRED, _integer(1)),
                   Field("period", "number > 0", "period p of R^d / pZ^d", 1, _POS)),
                  "flat torus R^d / pZ^d (sb.Torus)"),
    },
    "group": {
        "cyclic": ((Field("order", "integer in [1, 10^7]", "k", REQUIRED,
                          _integer(1, MAX_GROUP_ORDER)), _PLANE, _NAME),
                   "cyclic group C_k of rotations of a coordinate plane (sb.groups.Cyclic)"),
        "dihedral": ((Field("order", "integer in [1, 10^7]", "k (the group has 2k elements)",
                            REQUIRED, _integer(1, MAX_GROUP_ORDER)), _PLANE, _NAME),
                     "dihedral group D_k of a coordinate plane (sb.groups.Dihedral)"),
        "so": ((Field("n", "integer >= 1", "SO(n); default: the space's ambient dimension", None,
                      _integer(1)), _PLANE, _NAME),
               "rotation group SO(n), Haar measure (sb.groups.SO)"),
        "o": ((Field("n", "integer >= 1", "O(n); default: the space's ambient dimension", None,
                     _integer(1)), _PLANE, _NAME),
              "orthogonal group O(n), Haar measure (sb.groups.O)"),
        "symmetric": ((_NAME,),
                      "permutations of the coordinates, S_d with d the ambient dimension "
                      "(sb.groups.Symmetric(d, axis=-1))"),
        "partial_rotations": ((Field("angle", "number in [0, pi]", "largest rotation angle theta, "
                                     'e.g. "pi/4"', REQUIRED, _real(0, sp.pi)), _PLANE, _NAME),
                              "rotations by at most theta, not a group (sb.groups.PartialRotations)"),
        "translations": ((Field("period", "number > 0", "period; default: the torus' period", None,
                                _POS), _NAME),
                         "translations of the flat torus (sb.groups.Translations)"),
        "matrices": ((Field("matrices", "array of square matrices", "the elements", REQUIRED,
                            _matrices), _NAME),
                     "any finite set of matrices (sb.groups.TransformationSet)"),
    },
}

_METHODS = ("partition", "dudley")

#: the tables with fixed keys: table -> (fields, description)
TABLES: dict[str, tuple[tuple[Field, ...], str]] = {
    "learning": ((
        Field("n", "integer >= 1 or array", "sample sizes of the comparison tables",
              [10_000, 1_000_000], _list_of(_integer(1), "an integer >= 1 or an array of them")),
        Field("delta", "number in (0, 1)", "confidence: the bounds hold with probability 1 - delta",
              0.05, _real(0, 1, low_closed=False, high_closed=False)),
        Field("lipschitz", "number > 0", "Lipschitz constant L of the hypotheses", 1, _POS),
        Field("loss_lipschitz", "number > 0", "Lipschitz constant L_l of the loss", 1, _POS),
        Field("loss_bound", "number > 0", "the loss takes values in [0, M]", 1, _POS),
        Field("classes", "integer >= 1", "number C of label values (partition bound)", 2,
              _integer(1)),
        Field("hypothesis_bound", "number > 0", "hypotheses take values in [-B, B] (Dudley bound)",
              1, _POS),
        Field("grid_size", "integer >= 1", "resolutions of the union bound (partition bound)", 64,
              _integer(1)),
        Field("method", '"partition", "dudley", "both" or an array', "which bounds", "both",
              lambda w, v: _methods(w, v)),
    ), "the learning problem of the generalization bounds"),
    "data": ((
        Field("path", "string", "a .npy file (inputs) or .npz file, relative to the spec's folder",
              REQUIRED, _string(re.compile(r".*\.(npy|npz)\Z", re.I), 'a path ending in ".npy" or ".npz"')),
        Field("inputs", "string", "name of the inputs array in a .npz file", "x", _string()),
        Field("labels", "string", "name of the labels array in a .npz file (optional)", None,
              _string()),
        Field("radius", "number > 0", "matching radius of the data equivariance error (needed "
              "with labels)", None, _POS),
        Field("lipschitz", "number >= 0", "Lipschitz constant of the regression function: reports "
              "the matching bias bound L * radius", None, _real(0)),
        Field("group", "string", "name of the [[group]] the data's symmetry is measured against "
              "(default: the model's, or the only group)", None, _string()),
    ), "data on which errors are measured (optional)"),
    "model": ((
        Field("function", '"module:attribute"', "the model, a function on batches (N, d) -> (N,) or "
              "(N, k); imported, never evaluated", REQUIRED,
              _string(MODEL_PATTERN, 'of the form "module:attribute" (e.g. "mymodel:predict")')),
        Field("group", "string", "name of the [[group]] the model is measured against (default: "
              "the only group)", None, _string()),
        Field("output", '"invariant" or "equivariant"', "invariant outputs, or outputs the group "
              "acts on as on inputs", "invariant", _choice("invariant", "equivariant")),
        Field("p", "number >= 1", "exponent of the integrated error ee_p", 2, _real(1)),
        Field("group_samples", "integer >= 1", "group samples per input point", 64, _integer(1)),
        Field("points", "integer >= 10", "inputs drawn uniformly from the space when there is no "
              "[data]", 2000, _integer(10)),
        Field("sup_error", "number >= 0", "an upper bound on the model's sup equivariance error "
              "that you can justify (enters the bound for approximately invariant models)", None,
              _real(0)),
        Field("sup_error_argument", "string", "why sup_error bounds the sup (printed with it; "
              "required with sup_error)", None, _string()),
    ), "the model whose equivariance error is measured (optional)"),
    "tradeoff": ((
        Field("eta_d", 'number >= 0 or "data"', "the data's sup equivariance error ee_inf(f*; G): "
              'a number you can justify, or "data" to certify it from the [data] labels (needs '
              "[data] labels, radius and lipschitz)", REQUIRED, lambda w, v: _eta_d(w, v)),
        Field("group", "string", "name of the [[group]] (a compact group) of the trade-off "
              "(default: the model's, or the only group)", None, _string()),
        Field("method", '"partition" or "dudley"', "the generalization bound of the trade-off",
              "partition", _choice(*_METHODS)),
        Field("n", "integer >= 1", "sample size of the trade-off (default: the largest [learning] n)",
              None, _integer(1)),
        Field("noise", "number >= 0", 'with eta_d = "data": |y - f*(x)| <= noise for every label '
              "(0: noise-free labels)", 0, _real(0)),
    ), "the trade-off between model and data equivariance error (optional)"),
    "report": ((
        Field("title", "string", "title of the report", "symbound report", _string()),
        Field("eps", "array of numbers > 0", "resolutions of the covering-number table",
              [0.2, 0.1, 0.05, 0.01], _list_of(_POS, "a number > 0 or an array of them")),
        Field("seed", "integer >= 0", "seed of every random draw", 0, _integer(0)),
        Field("figures", "boolean", "write the PNG figures", True, _boolean),
    ), "presentation and randomness (optional)"),
}

_TOP = ("space", "group", "learning", "data", "model", "tradeoff", "report")


def _eta_d(where: str, v: Any):
    """``[tradeoff] eta_d``: a number >= 0, or the string "data"."""
    if v == "data":
        return v
    if isinstance(v, str) and not (_FRACTION.match(v) or _PI.match(v)):
        raise SpecError(f'{where} must be a number in [0, inf) or "data", got {_show(v)}'
                        + _did_you_mean(v, ["data"]))
    return _real(0)(where, v)


def _methods(where: str, v: Any) -> tuple[str, ...]:
    if v == "both":
        return _METHODS
    vals = _list_of(_choice(*_METHODS, "both"), '"partition", "dudley", "both" or an array of them')(
        where, v)
    if "both" in vals:
        return _METHODS
    return tuple(dict.fromkeys(vals))


def _did_you_mean(word: str, options) -> str:
    close = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


def _check_keys(where: str, table: dict, allowed) -> None:
    for k in table:
        if k not in allowed:
            opts = ", ".join(allowed)
            raise SpecError(f"{where} has an unknown key \"{k}\"{_did_you_mean(k, allowed)}; "
                            f"allowed keys: {opts}")


def _read_fields(where: str, table: Any, fields: tuple[Field, ...], extra=()) -> dict:
    if not isinstance(table, dict):
        raise SpecError(f"{where} must be a table, got {_tname(table)} ({_show(table)})")
    _check_keys(where, table, [f.name for f in fields] + list(extra))
    out = {}
    for f in fields:
        if f.name in table:
            out[f.name] = f.check(f"{where} {f.name}", table[f.name])
        elif f.required:
            raise SpecError(f"{where} needs the key \"{f.name}\" ({f.what}: {f.doc})")
        else:
            d = f.default
            out[f.name] = f.check(f"{where} {f.name}", d) if d is not None else None
    return out


def _read_kind(where: str, table: Any, part: str) -> dict:
    if not isinstance(table, dict):
        raise SpecError(f"{where} must be a table, got {_tname(table)} ({_show(table)})")
    kinds = KINDS[part]
    if "kind" not in table:
        raise SpecError(f"{where} needs the key \"kind\", one of " + ", ".join(f'"{k}"' for k in kinds))
    kind = _choice(*kinds)(f"{where} kind", table["kind"])
    out = _read_fields(where, table, kinds[kind][0], extra=("kind",))
    out["kind"] = kind
    return out


@dataclass(frozen=True)
class Spec:
    """A validated spec: plain data, normalised (defaults filled in).

    Attributes
    ----------
    space : dict with ``kind`` and the space's parameters.
    groups : one dict per ``[[group]]`` (``kind``, parameters, ``name``).
    learning, report : dicts of the tables' keys (defaults filled in).
    data, model, tradeoff : dicts, or None when the table is absent.
    base : folder that relative paths (data, model modules) are taken from.
    source : the spec file, or None for a spec given as text or the built-in example.
    raw : the parsed TOML, as read.
    """

    space: dict
    groups: tuple
    learning: dict
    report: dict
    data: dict | None
    model: dict | None
    tradeoff: dict | None
    base: Path
    source: Path | None
    raw: dict

    def group_index(self, name: str | None, where: str) -> int:
        """Index of the ``[[group]]`` named ``name`` (None: the only group)."""
        names = [g["name"] for g in self.groups]
        if name is None:
            if len(names) == 1:
                return 0
            raise SpecError(f"{where} group is needed when there are several [[group]] tables; "
                            "one of " + ", ".join(f'"{n}"' for n in names))
        if name not in names:
            raise SpecError(f"{where} group must name a [[group]], one of "
                            + ", ".join(f'"{n}"' for n in names) + f", got {_show(name)}"
                            + _did_you_mean(name, names))
        return names.index(name)


def parse_spec(doc: dict, base: str | Path = ".", source: Path | None = None) -> Spec:
    """Validate a parsed TOML document (a dict) and return the :class:`Spec`.

    Checks the keys and values of every table, that the groups act on the space (by building the
    space, the sets and their quotients with symbound), and that model and data fit together.
    The data file and the model module are read later, by the report builder.

    Raises
    ------
    SpecError
        on the first problem, naming the table and key.
    """
    if not isinstance(doc, dict):
        raise SpecError(f"a spec must be a TOML document (a table), got {_tname(doc)}")
    _check_keys("the spec", doc, _TOP)
    if "space" not in doc:
        raise SpecError("the spec needs a [space] table with a kind, one of "
                        + ", ".join(f'"{k}"' for k in KINDS["space"]))
    space = _read_kind("[space]", doc["space"], "space")
    if "group" not in doc:
        raise SpecError("the spec needs at least one [[group]] table with a kind, one of "
                        + ", ".join(f'"{k}"' for k in KINDS["group"]))
    graw = doc["group"] if isinstance(doc["group"], list) else [doc["group"]]
    if not graw:
        raise SpecError("the spec needs at least one [[group]] table")
    groups = []
    for i, g in enumerate(graw, 1):
        groups.append(_read_kind(f"[group #{i}]" if len(graw) > 1 else "[group]", g, "group"))
    learning = _read_fields("[learning]", doc.get("learning", {}), TABLES["learning"][0])
    report = _read_fields("[report]", doc.get("report", {}), TABLES["report"][0])
    data = _read_fields("[data]", doc["data"], TABLES["data"][0]) if "data" in doc else None
    model = _read_fields("[model]", doc["model"], TABLES["model"][0]) if "model" in doc else None
    tradeoff = (_read_fields("[tradeoff]", doc["tradeoff"], TABLES["tradeoff"][0])
                if "tradeoff" in doc else None)

    from .problem import build_sets, build_space  # the library objects decide what acts on what

    X = build_space(space)
    built = build_sets(X, space, groups)
    for g, (name, _G) in zip(groups, built):
        g["name"] = name
    names = [g["name"] for g in groups]
    for nm in names:
        if names.count(nm) > 1:
            raise SpecError(f'two [[group]] tables are named "{nm}"; give each a distinct name = "..."')
    spec = Spec(space=space, groups=tuple(groups), learning=learning, report=report, data=data,
                model=model, tradeoff=tradeoff, base=Path(base), source=source, raw=doc)
    if model is not None:
        spec.group_index(model["group"], "[model]")
        if model["sup_error"] is not None and model["output"] != "invariant":
            raise SpecError("[model] sup_error is used by the bounds for invariant models; with "
                            "output = \"equivariant\" leave it out")
        if (model["sup_error"] is None) != (model["sup_error_argument"] is None):
            raise SpecError("[model] sup_error and sup_error_argument go together: give the value "
                            "and why it bounds the sup error, or neither")
    if data is not None:
        if data["labels"] is not None and data["radius"] is None:
            raise SpecError("[data] radius is needed with labels (the matching radius of the data "
                            "equivariance error, a number > 0)")
        if data["labels"] is None and data["radius"] is not None:
            raise SpecError("[data] radius is only used with labels; give labels = \"...\" or "
                            "remove radius")
        if data["path"].lower().endswith(".npy") and data["labels"] is not None:
            raise SpecError("[data] labels need a .npz file (a .npy file holds one array, the inputs)")
        if data["labels"] is not None:
            spec.group_index(data["group"] if data["group"] is not None
                             else (model["group"] if model is not None else None), "[data]")
        elif data["group"] is not None:
            raise SpecError("[data] group is only used with labels")
        if model is None and data["labels"] is None:
            raise SpecError("[data] without labels needs a [model] to measure on the inputs")
    if tradeoff is not None:
        _check_tradeoff(spec, built)
    return spec


def _check_tradeoff(spec: Spec, built) -> None:
    """The ``[tradeoff]`` table against the rest of the spec: its set is a group, and eta_d =
    "data" has labelled data with a radius and a Lipschitz constant to certify from."""
    t = spec.tradeoff
    name = t["group"]
    if name is None and spec.model is not None and len(spec.groups) > 1:
        name = spec.model["group"]
    i = spec.group_index(name, "[tradeoff]")
    label, G = built[i]
    if not G.is_group:
        raise SpecError(f'[tradeoff] group "{label}" is not a group: the trade-off bounds the '
                        "approximation error with the Reynolds operator of a compact group "
                        "(partial sets: symbound.partial_tradeoff)")
    if t["eta_d"] == "data":
        d = spec.data
        if d is None or d["labels"] is None:
            raise SpecError('[tradeoff] eta_d = "data" needs a [data] table with labels (the data '
                            "equivariance error is certified from labelled data)")
        if d["lipschitz"] is None:
            raise SpecError('[tradeoff] eta_d = "data" needs [data] lipschitz, a Lipschitz constant '
                            "of the regression function (the certificate's matching bias)")
    elif t["noise"] != 0:
        raise SpecError('[tradeoff] noise is only used with eta_d = "data"')
    t["group"] = label


def load_spec(path: str | Path) -> Spec:
    """Read and validate a spec file (see :func:`parse_spec`)."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise SpecError(f"spec file {str(path)!r} does not exist") from None
    except IsADirectoryError:
        raise SpecError(f"spec file {str(path)!r} is a folder, not a TOML file") from None
    except UnicodeDecodeError as exc:
        raise SpecError(f"spec file {str(path)!r} is not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise SpecError(f"spec file {str(path)!r} cannot be read: {exc.strerror}") from None
    return parse_text(text, base=path.resolve().parent, source=path, name=str(path))


def parse_text(text: str, base: str | Path = ".", source: Path | None = None,
               name: str = "spec") -> Spec:
    """Parse TOML text and validate it (see :func:`parse_spec`)."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"{name} is not valid TOML: {exc}") from None
    return parse_spec(doc, base=base, source=source)


def reference_markdown() -> str:
    """The spec reference (every table, kind and key with its type, default and meaning) as
    Markdown, generated from :data:`KINDS` and :data:`TABLES` (the docs include it)."""
    def table(fields) -> list[str]:
        rows = ["| key | value | default | meaning |", "|---|---|---|---|"]
        rows += [f"| `{f.name}` | {f.what} | {f.default_text()} | {f.doc} |" for f in fields]
        return rows

    out = []
    for part, title in (("space", "[space]"), ("group", "[[group]]")):
        out += [f"### `{title}`", "",
                "`kind` (required) is one of " + ", ".join(f'`"{k}"`' for k in KINDS[part]) + ".",
                ""]
        for kind, (fields, doc) in KINDS[part].items():
            out += [f"#### `kind = \"{kind}\"`", "", doc[0].upper() + doc[1:] + ".", ""]
            out += (table(fields) if fields else ["No other keys."]) + [""]
    for name, (fields, doc) in TABLES.items():
        out += [f"### `[{name}]`", "", doc[0].upper() + doc[1:] + ".", ""] + table(fields) + [""]
    return "\n".join(out)
