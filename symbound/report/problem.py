"""From a validated spec to symbound objects: the space, the transformation sets, the inputs the
model is measured on, the data file and the model function.

Everything that reads the user's files or code lives here, and every failure becomes a one-line
:class:`~symbound.report.spec.SpecError` naming the table and key.
"""

from __future__ import annotations

import contextlib
import difflib
import importlib
import sys
from pathlib import Path
from typing import Any, Callable

import numpy as np
import sympy as sp

from ..errors import SymboundError
from .spec import Spec, SpecError

__all__ = ["build_space", "build_sets", "sample_space", "load_data", "import_model", "Problem",
           "build_problem", "NO_SYMMETRY"]

#: the name of the baseline row (the plain covering number, no transformation set)
NO_SYMMETRY = "no symmetry"


def build_space(space: dict):
    """The :mod:`symbound.spaces` object of a ``[space]`` table."""
    import symbound as sb

    k = space["kind"]
    try:
        if k == "ball":
            return sb.Ball(space["dim"], space["radius"])
        if k == "cube":
            return sb.Cube(space["dim"], side=space["side"], metric=space["metric"])
        if k == "sphere":
            return sb.Sphere(space["dim"])
        if k == "annulus":
            return sb.Annulus(space["r_inner"], space["r_outer"])
        return sb.Torus(space["dim"], period=space["period"])
    except SymboundError as exc:
        raise SpecError(f"[space] kind = \"{k}\": " + "; ".join(str(exc).splitlines())) from None


def _make_set(X, space: dict, g: dict):
    from symbound import groups as G

    k, amb = g["kind"], X.ambient_dim
    if k in ("cyclic", "dihedral"):
        cls = G.Cyclic if k == "cyclic" else G.Dihedral
        return cls(g["order"], dim=amb, plane=g["plane"])
    if k in ("so", "o"):
        cls = G.SO if k == "so" else G.O
        n = amb if g["n"] is None else g["n"]
        return cls(n, dim=amb, plane=g["plane"]) if n == 2 else cls(n, dim=amb)
    if k == "symmetric":
        return G.Symmetric(amb, axis=-1)
    if k == "partial_rotations":
        return G.PartialRotations(g["angle"], dim=amb, plane=g["plane"])
    if k == "translations":
        period = g["period"]
        if period is None:
            period = space["period"] if space["kind"] == "torus" else 1
        return G.Translations(amb, period=period)
    return G.TransformationSet(np.array(g["matrices"], dtype=np.float64), name=g["name"])


def build_sets(X, space: dict, groups) -> list[tuple[str, Any]]:
    """``(name, transformation set)`` per ``[[group]]``; each is checked to act on X (its quotient
    is built), so an unsupported pair is a spec error."""
    import symbound as sb

    out = []
    for i, g in enumerate(groups, 1):
        where = f"[group #{i}]" if len(groups) > 1 else "[group]"
        try:
            S = _make_set(X, space, g)
            sb.quotient(X, S)
        except SymboundError as exc:
            reason = "; ".join(str(exc).splitlines())  # a spec error is one line
            raise SpecError(f"{where} kind = \"{g['kind']}\" on the {space['kind']}: {reason}") from None
        name = g["name"] if g["name"] is not None else S.name
        if name == NO_SYMMETRY:
            raise SpecError(f'{where} name "{NO_SYMMETRY}" is the baseline\'s; choose another name')
        out.append((name, S))
    return out


def sample_space(space: dict, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` points drawn uniformly (volume measure) from the space of a ``[space]`` table."""
    k = space["kind"]
    f = lambda key: float(sp.N(space[key], 17))  # noqa: E731
    if k == "cube":
        return rng.uniform(0.0, f("side"), (n, space["dim"]))
    if k == "torus":
        return rng.uniform(0.0, f("period"), (n, space["dim"]))
    if k == "annulus":
        r1, r2 = f("r_inner"), f("r_outer")
        r = np.sqrt(rng.uniform(r1 * r1, r2 * r2, n))
        a = rng.uniform(0.0, 2.0 * np.pi, n)
        return np.stack([r * np.cos(a), r * np.sin(a)], axis=1)
    d = space["dim"]
    u = rng.standard_normal((n, d))
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    if k == "sphere":
        return u
    return u * (f("radius") * rng.uniform(0.0, 1.0, (n, 1)) ** (1.0 / d))


def load_data(spec: Spec, ambient_dim: int) -> tuple[np.ndarray, np.ndarray | None, Path]:
    """The inputs (N, d) and labels (or None) of the ``[data]`` table, checked."""
    d = spec.data
    path = Path(d["path"])
    if not path.is_absolute():
        path = spec.base / path
    if not path.is_file():
        raise SpecError(f"[data] path: the file {str(path)!r} does not exist")
    try:
        loaded = np.load(path, allow_pickle=False)
    except Exception as exc:  # numpy raises several types on a corrupt file  # noqa: BLE001
        raise SpecError(f"[data] path: {str(path)!r} is not a readable .npy/.npz file "
                        f"({type(exc).__name__}: {exc})") from None
    if isinstance(loaded, np.ndarray):
        if d["inputs"] != "x":
            raise SpecError("[data] inputs names an array of a .npz file; a .npy file holds only "
                            "the inputs")
        X, y = loaded, None
    else:
        with loaded:
            keys = list(loaded.files)
            for key in ("inputs", "labels"):
                name = d[key]
                if name is not None and name not in keys:
                    hint = difflib.get_close_matches(name, keys, n=1)
                    raise SpecError(f"[data] {key} = \"{name}\" is not an array of {path.name}; it "
                                    f"holds " + ", ".join(f'"{k}"' for k in keys)
                                    + (f' (did you mean "{hint[0]}"?)' if hint else ""))
            X = loaded[d["inputs"]]
            y = loaded[d["labels"]] if d["labels"] is not None else None
    if X.dtype.kind not in "iuf" or X.ndim != 2 or X.shape[1] != ambient_dim or X.shape[0] < 2:
        raise SpecError(f"[data] inputs must be a numeric array of shape (N, {ambient_dim}) with "
                        f"N >= 2 (points of the space), got {X.dtype} of shape {X.shape}")
    X = X.astype(np.float64)
    if not np.all(np.isfinite(X)):
        raise SpecError("[data] inputs contain NaN or infinite values")
    if y is not None:
        if y.dtype.kind not in "iuf" or y.shape[0] != X.shape[0]:
            raise SpecError(f"[data] labels must be numeric with one row per input ({X.shape[0]}), "
                            f"got {y.dtype} of shape {y.shape}")
        y = y.astype(np.float64)
        if not np.all(np.isfinite(y)):
            raise SpecError("[data] labels contain NaN or infinite values")
    return X, y, path


@contextlib.contextmanager
def _on_path(folder: Path):
    sys.path.insert(0, str(folder))
    try:
        yield
    finally:
        with contextlib.suppress(ValueError):
            sys.path.remove(str(folder))


def import_model(spec: Spec) -> Callable:
    """The callable named by ``[model] function = "module:attribute"``.

    The module is imported with :func:`importlib.import_module`, the spec's folder first on
    ``sys.path``; the attribute is read with :func:`getattr`.  Nothing is evaluated."""
    text = spec.model["function"]
    module_name, attr = text.split(":")
    importlib.invalidate_caches()  # a module file written since the last import
    with _on_path(spec.base):
        try:
            module = importlib.import_module(module_name)
        except Exception as exc:  # the user's module may raise anything  # noqa: BLE001
            msg = str(exc).splitlines()[0] if str(exc) else ""
            raise SpecError(f"[model] function = \"{text}\": importing {module_name!r} failed "
                            f"({type(exc).__name__}: {msg})") from None
    if not hasattr(module, attr):
        names = [n for n in dir(module) if not n.startswith("_")]
        hint = difflib.get_close_matches(attr, names, n=1)
        raise SpecError(f"[model] function = \"{text}\": module {module_name!r} has no attribute "
                        f"{attr!r}" + (f' (did you mean "{hint[0]}"?)' if hint else ""))
    fn = getattr(module, attr)
    if not callable(fn):
        raise SpecError(f"[model] function = \"{text}\" is not callable ({type(fn).__name__})")
    return fn


class Problem:
    """The symbound objects of a spec: ``space``, ``sets`` (``[(NO_SYMMETRY, None), (name, S),
    ...]``), and, when the spec has them, the model, its inputs and the data."""

    def __init__(self, spec: Spec, *, points: int | None = None, seed: int | None = None):
        self.spec = spec
        self.seed = spec.report["seed"] if seed is None else seed
        self.space = build_space(spec.space)
        self.sets = [(NO_SYMMETRY, None)] + build_sets(self.space, spec.space, spec.groups)
        self.model = self.model_set = None
        self.inputs = self.labels = self.data_path = None
        self.inputs_description = ""
        if spec.data is not None:
            self.inputs, self.labels, self.data_path = load_data(spec, self.space.ambient_dim)
            self.inputs_description = f"{len(self.inputs)} inputs from {self.data_path.name}"
        if spec.model is not None:
            self.model = import_model(spec)
            self.model_set = self.named_set(spec.model["group"], "[model]")
            if self.inputs is None:
                n = spec.model["points"] if points is None else points
                rng = np.random.default_rng(self.seed)
                self.inputs = sample_space(spec.space, n, rng)
                self.inputs_description = (f"{n} inputs drawn uniformly from the space (seed "
                                           f"{self.seed})")
        self.data_set = None
        if self.labels is not None:
            gname = spec.data["group"] or (spec.model["group"] if spec.model else None)
            self.data_set = self.named_set(gname, "[data]")

    def named_set(self, name: str | None, where: str) -> tuple[str, Any]:
        """``(name, S)`` of the ``[[group]]`` called ``name`` (None: the only one)."""
        return self.sets[1 + self.spec.group_index(name, where)]


def build_problem(spec: Spec, **kw) -> Problem:
    """:class:`Problem` of ``spec`` (``points=`` and ``seed=`` override the spec's)."""
    return Problem(spec, **kw)
