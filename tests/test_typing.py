"""The package ships its annotations (issue #11, "py.typed and type hints on the public API")."""

import inspect
import tomllib
import typing
from pathlib import Path

import symbound as sb

ROOT = Path(sb.__file__).parent


def test_py_typed_is_shipped():
    assert (ROOT / "py.typed").is_file()
    cfg = tomllib.loads((ROOT.parent / "pyproject.toml").read_text())
    assert "py.typed" in cfg["tool"]["setuptools"]["package-data"]["symbound"]


def _public_callables():
    for name in sb.__all__:
        obj = getattr(sb, name)
        if inspect.isfunction(obj):
            yield name, obj
        elif inspect.isclass(obj):
            for attr, f in vars(obj).items():
                if (not attr.startswith("_") or attr == "__init__") and inspect.isfunction(f):
                    yield f"{name}.{attr}", f


def test_public_signatures_are_annotated():
    missing = []
    for qualname, f in _public_callables():
        sig = inspect.signature(inspect.unwrap(f))
        missing += [f"{qualname}({p})" for p, v in sig.parameters.items()
                    if p not in ("self", "cls") and v.annotation is inspect.Parameter.empty]
        if f.__name__ != "__init__" and sig.return_annotation is inspect.Signature.empty:
            missing.append(f"{qualname} -> ?")
    assert not missing, missing


def test_annotations_resolve():
    """The annotations name real types (a typo in a string annotation would only show here)."""
    for _qualname, f in _public_callables():
        f = inspect.unwrap(f)
        if f.__code__.co_filename != "<string>":  # dataclass __init__: the class's own fields
            typing.get_type_hints(f)
