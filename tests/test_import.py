"""The numeric layer is imported lazily (issue #11, "Speed"): ``import symbound`` and every module of
the symbolic layer leave numba unloaded, while every public name stays reachable and listed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import symbound

ROOT = Path(symbound.__file__).resolve().parent.parent


def _run(code: str) -> str:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         cwd=str(ROOT), timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def _symbolic_modules() -> list[str]:
    """Every module of the package outside ``symbound.numeric`` (found on disk, not imported)."""
    pkg = ROOT / "symbound"
    mods = []
    for path in sorted(pkg.rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[1:2] == ["numeric"] or parts[-1] == "__main__":
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        mods.append(".".join(parts))
    return mods


def test_symbolic_layer_does_not_load_numba():
    mods = _symbolic_modules()
    assert "symbound.groups" in mods and "symbound.bounds" in mods and "symbound.spaces" in mods
    code = ("import importlib, sys\n"
            f"for m in {mods!r}:\n"
            "    importlib.import_module(m)\n"
            "bad = sorted(m for m in sys.modules if m == 'numba' or m.startswith('numba.')"
            " or m.startswith('symbound.numeric'))\n"
            "print(len(bad), bad[:5])")
    assert _run(code).startswith("0 ")


def test_numeric_names_load_on_first_access():
    code = ("import sys, symbound as sb\n"
            "before = 'numba' in sys.modules\n"
            "f = sb.equivariance_error\n"
            "from symbound.numeric.orbit import equivariance_error\n"
            "print(before, 'numba' in sys.modules, f is equivariance_error)")
    assert _run(code) == "False True True"


def test_every_public_name_is_reachable_and_listed():
    names = symbound.__all__
    assert len(names) == len(set(names))
    listing = dir(symbound)
    for name in names:
        assert name in listing, name
        assert getattr(symbound, name) is not None, name
    # the lazy table names only public names, and each resolves to its module's object
    for name, module in symbound._LAZY.items():
        assert name in names, name
        obj = getattr(symbound, name)
        if module != f"symbound.{name}":
            assert getattr(sys.modules[module], name) is obj
    assert symbound.numeric.__name__ == "symbound.numeric"
    # star import goes through __all__ and __getattr__
    ns: dict = {}
    exec("from symbound import *", ns)
    assert ns["data_equivariance_error"] is symbound.data_equivariance_error


def test_unknown_attribute_raises_attribute_error():
    try:
        symbound.no_such_name  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected AttributeError")
    assert not hasattr(symbound, "no_such_name")
