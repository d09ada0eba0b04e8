"""The registry of (space, transformation set) pairs: one entry per pair drives both the dispatch of
:func:`symbound.quotient.quotient` and the public table; the trivial bound never passes silently."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from symbound.groups import SO, Cyclic, PartialRotations, Symmetric, TransformationSet
from symbound.quotient import SUPPORTED, supported_pairs, quotient
from symbound.quotient.registry import STATUSES, Pair, pairs, register
from symbound.spaces import Annulus, Ball, Cube, Sphere


def test_table_lists_every_registered_pair_in_dispatch_order():
    table = supported_pairs()
    assert list(table) == list(pairs())
    keys = [p.key for p in table]
    assert len(keys) == len(set(keys))
    for p in table:
        assert p.status in STATUSES and p.proof and p.quotient_dim and p.drop
    priorities = [p.priority for p in table]
    assert priorities == sorted(priorities, reverse=True)
    md = table.markdown().splitlines()
    assert len(md) == 2 + len(table)
    assert all(line.startswith("| ") and line.endswith(" |") for line in md[2:])
    tex = table.latex()
    assert tex.startswith("\\begin{tabular}") and tex.endswith("\\end{tabular}")
    assert tex.count("\\\\") == 1 + len(table)
    for p in table:
        assert p.title in SUPPORTED


@pytest.mark.parametrize("space, group, key", [
    (Annulus(1, 2), SO(2), "radial-planar"),
    (Ball(3, 1), SO(3), "radial-ball"),
    (Sphere(3), SO(3), "transitive"),
    (Ball(2, 1), Cyclic(8), "sector"),
    (Annulus(1, 2), PartialRotations(0.3), "partial-planar"),
    (Ball(2, 1), Symmetric(3), "points"),
    (Cube(3, 1), Symmetric(3, axis=-1), "cube-coordinates"),
    (Ball(4, 1), SO(2, dim=4), "half-ball"),
])
def test_dispatch_goes_through_the_registry(space, group, key):
    Q = quotient(space, group)
    assert Q.pair.key == key
    # describe() names the public module where the proof is written (no private class names)
    public = ".".join(p for p in Q.pair.proof.split(".") if not p.startswith("_"))
    assert f"proof:      {public}" in Q.describe() and key in Q.describe()


def test_trivial_pairs_say_so():
    Q = quotient(Sphere(3), PartialRotations(0.3, dim=3))  # rotations in a plane of S^2
    assert Q.is_trivial and Q.pair.status == "trivial"
    assert "WARNING: only the trivial bound" in Q.describe()
    with pytest.warns(UserWarning, match="no symmetry gain"):
        b = Q.covering(0.1)
    assert b.method.startswith("trivial: N_S <= N (no symmetry gain")
    # a pair with a real method does not warn
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        quotient(Annulus(1, 2), SO(2)).covering(0.1)


def test_new_entries_take_part_in_dispatch():
    # a registered entry is found by quotient() and listed by supported_pairs(); removed after
    from symbound.quotient import registry
    from symbound.quotient.lie import _IdentityCase

    class Dummy(Ball):
        pass

    pair = register(Pair(key="test-dummy", title="a test pair", spaces=(Dummy,), groups=(SO,),
                         build=lambda s, g, o: _IdentityCase(s, g), method="test", status="certified",
                         quotient_dim="dim X", drop="0", proof="tests", priority=1000))
    try:
        assert quotient(Dummy(2, 1), SO(2)).pair is pair
        assert quotient(Ball(2, 1), SO(2)).pair.key == "radial-ball"
        assert pair in supported_pairs()
        with pytest.raises(ValueError, match="already registered"):
            register(pair)
    finally:
        registry._PAIRS.remove(pair)


def test_status_must_be_known():
    with pytest.raises(ValueError, match="status"):
        Pair(key="x", title="x", spaces=(Ball,), groups=(SO,), build=lambda s, g, o: None,
             method="x", status="maybe", quotient_dim="1", drop="0", proof="x")


def test_permutation_matrices_are_recognised():
    swap = TransformationSet([np.eye(2), [[0.0, 1.0], [1.0, 0.0]]])
    assert swap.permutes_coordinates and swap.is_orthogonal
    assert Symmetric(3, axis=-1).permutes_coordinates and not Symmetric(3).permutes_coordinates
    assert not Cyclic(4).permutes_coordinates and Cyclic(4).is_orthogonal
    assert SO(3).is_orthogonal and not SO(3).permutes_coordinates


def test_readme_table_is_generated_from_the_registry():
    import pathlib

    readme = (pathlib.Path(__file__).parents[1] / "README.md").read_text()
    start = readme.index("<!-- supported-pairs:start")
    start = readme.index("\n", start) + 1
    end = readme.index("<!-- supported-pairs:end -->")
    assert readme[start:end].strip() == supported_pairs().markdown().strip()
