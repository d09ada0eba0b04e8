"""The report spec: valid specs parse to the documented defaults; malformed ones give one line naming
the key and the allowed values (fuzzed a little: wrong types, unknown keys, misspelt choices)."""

import sympy as sp
import pytest

from symbound.report import KINDS, TABLES, SpecError, example_spec, example_spec_text, parse_text
from symbound.report.spec import MODEL_PATTERN

MINIMAL = """
[space]
kind = "annulus"
r_inner = "1/2"
r_outer = 1
[[group]]
kind = "cyclic"
order = 8
"""


def _err(text: str) -> str:
    with pytest.raises(SpecError) as info:
        parse_text(text)
    msg = str(info.value)
    assert "\n" not in msg, msg
    return msg


def test_minimal_spec_gets_the_documented_defaults():
    spec = parse_text(MINIMAL)
    assert spec.space == {"kind": "annulus", "r_inner": sp.Rational(1, 2), "r_outer": 1}
    assert spec.groups[0]["name"] == "C_8"
    for f in TABLES["learning"][0]:
        if f.name == "method":
            assert spec.learning["method"] == ("partition", "dudley")
        elif f.name == "n":
            assert spec.learning["n"] == (10_000, 1_000_000)
        else:
            assert spec.learning[f.name] == f.default
    assert spec.model is None and spec.data is None
    assert spec.report["eps"] == (0.2, 0.1, 0.05, 0.01)


@pytest.mark.parametrize("text, value", [
    ('"pi/4"', sp.pi / 4), ('"3*pi/4"', 3 * sp.pi / 4), ('"2 pi/3"', 2 * sp.pi / 3), ('"pi"', sp.pi),
    ("0.5", 0.5), ('"1/3"', sp.Rational(1, 3)), ("1", 1),
])
def test_exact_numbers_are_matched_never_evaluated(text, value):
    spec = parse_text(MINIMAL.replace('kind = "cyclic"\norder = 8',
                                      f'kind = "partial_rotations"\nangle = {text}'))
    assert sp.simplify(sp.sympify(spec.groups[0]["angle"]) - value) == 0


@pytest.mark.parametrize("text", ['"__import__(\'os\')"', '"pi*pi"', '"1/0"', '"pi/0"', '"4"',
                                  '"1e3"', '"exp(1)"'])
def test_number_strings_other_than_fractions_and_pi_are_refused(text):
    msg = _err(MINIMAL.replace('kind = "cyclic"\norder = 8',
                               f'kind = "partial_rotations"\nangle = {text}'))
    assert "[group] angle" in msg


@pytest.mark.parametrize("edit, needle", [
    # unknown keys and misspelt choices: "did you mean"
    (('order = 8', 'ordr = 8'), 'unknown key "ordr" (did you mean "order"?)'),
    (('kind = "cyclic"', 'kind = "cylic"'), 'did you mean "cyclic"?'),
    (('kind = "annulus"', 'kind = "anulus"'), 'did you mean "annulus"?'),
    (('[space]', '[spaces]'), 'unknown key "spaces" (did you mean "space"?)'),
    (('r_outer = 1', 'r_outer = 1\nradius = 2'), 'unknown key "radius"'),
    # wrong types
    (('order = 8', 'order = "8"'), "[group] order must be an integer in [1, 10000000], got a string"),
    (('order = 8', 'order = 8.0'), "[group] order must be an integer in [1, 10000000], got a float"),
    (('order = 8', 'order = true'), "got a boolean"),
    (('order = 8', 'order = 0'), "[group] order must be an integer in [1, 10000000], got 0"),
    (('r_outer = 1', 'r_outer = [1]'), "[space] r_outer must be a number in (0, inf)"),
    (('r_outer = 1', 'r_outer = -1'), "[space] r_outer must be a number in (0, inf), got -1"),
    (('r_outer = 1', 'r_outer = nan'), "must be a finite number"),
    (('r_outer = 1', 'r_outer = inf'), "must be a finite number"),
    (('[space]\nkind = "annulus"\nr_inner = "1/2"\nr_outer = 1', 'space = 3'),
     "[space] must be a table, got an integer"),
    # missing keys
    (('r_outer = 1', ''), '[space] needs the key "r_outer"'),
    (('kind = "annulus"', ''), '[space] needs the key "kind", one of "ball"'),
    # values the library refuses, named by table
    (('r_inner = "1/2"', 'r_inner = 2'), "[space] kind = \"annulus\": r_inner must be smaller"),
])
def test_malformed_specs_name_the_key_and_the_allowed_values(edit, needle):
    old, new = edit
    assert old in MINIMAL
    assert needle in _err(MINIMAL.replace(old, new, 1))


@pytest.mark.parametrize("extra, needle", [
    ("[learning]\ndelta = 1.5", "[learning] delta must be a number in (0, 1), got 1.5"),
    ("[learning]\ndelta = 0", "[learning] delta must be a number in (0, 1)"),
    ("[learning]\nn = [100, 0]", "[learning] n[1] must be an integer >= 1, got 0"),
    ("[learning]\nn = []", "[learning] n must be an integer >= 1 or an array of them"),
    ("[learning]\nmethod = \"dudly\"", 'did you mean "dudley"?'),
    ("[learning]\nmethod = [\"partition\", \"x\"]", '[learning] method[1] must be one of'),
    ("[learning]\nlipschitz = 0", "[learning] lipschitz must be a number in (0, inf)"),
    ("[learning]\nclasess = 3", 'unknown key "clasess" (did you mean "classes"?)'),
    ("[report]\neps = [0.1, -1]", "[report] eps[1] must be a number in (0, inf)"),
    ("[report]\nfigures = 1", "[report] figures must be true or false, got an integer"),
    ("[report]\nseed = -1", "[report] seed must be an integer >= 0"),
    ("[model]\nfunction = \"os.system('ls')\"", 'must be of the form "module:attribute"'),
    ("[model]\nfunction = \"mod:attr.sub\"", 'must be of the form "module:attribute"'),
    ("[model]\nfunction = \"mod:attr()\"", 'must be of the form "module:attribute"'),
    ("[model]\nfunction = \"mod\"", 'must be of the form "module:attribute"'),
    ("[model]\nfunction = 3", 'must be of the form "module:attribute" (e.g. "mymodel:predict"), '
                               'got an integer'),
    ("[model]\ngroup = \"C_8\"", '[model] needs the key "function"'),
    ("[model]\nfunction = \"m:f\"\ngroup = \"C8\"", 'did you mean "C_8"?'),
    ("[model]\nfunction = \"m:f\"\nsup_error = 0.1", "sup_error and sup_error_argument go together"),
    ("[model]\nfunction = \"m:f\"\noutput = \"equivariant\"\nsup_error = 0.1\n"
     "sup_error_argument = \"x\"", "with output = \"equivariant\" leave it out"),
    ("[model]\nfunction = \"m:f\"\npoints = 5", "[model] points must be an integer >= 10"),
    ("[data]\npath = \"x.csv\"", '[data] path must be a path ending in ".npy" or ".npz"'),
    ("[data]\npath = \"x.npz\"\nlabels = \"y\"", "[data] radius is needed with labels"),
    ("[data]\npath = \"x.npz\"", "[data] without labels needs a [model]"),
    ("[data]\npath = \"x.npy\"\nlabels = \"y\"\nradius = 0.1", "labels need a .npz file"),
])
def test_malformed_optional_tables(extra, needle):
    assert needle in _err(MINIMAL + extra)


@pytest.mark.parametrize("group, needle", [
    ('kind = "translations"', '[group] kind = "translations" on the annulus:'),
    ('kind = "matrices"\nmatrices = [[[2, 0], [0, 1]]]', "on the annulus:"),
    ('kind = "matrices"\nmatrices = [[1, 0]]', "[group] matrices must be a non-empty array of square"),
    ('kind = "cyclic"\norder = 4\nplane = [0, 0]', "[group] plane must be two different"),
    ('kind = "so"\nn = 3', '[group] kind = "so" on the annulus:'),
])
def test_sets_that_do_not_act_on_the_space_are_spec_errors(group, needle):
    text = MINIMAL.replace('kind = "cyclic"\norder = 8', group)
    assert needle in _err(text)


def test_groups_need_distinct_names_and_not_the_baselines():
    two = MINIMAL + '[[group]]\nkind = "cyclic"\norder = 8\n'
    assert 'two [[group]] tables are named "C_8"' in _err(two)
    assert "is the baseline's" in _err(MINIMAL + 'name = "no symmetry"\n')
    assert "group is needed when there are several" in _err(
        MINIMAL + '[[group]]\nkind = "so"\n[model]\nfunction = "m:f"\n')


def test_invalid_toml_is_one_line():
    assert "is not valid TOML" in _err("[space\nkind = 1")
    assert "needs a [space] table" in _err("")
    assert "needs at least one [[group]]" in _err('[space]\nkind = "ball"\ndim = 2\n')


def test_every_kind_parses_with_its_required_keys():
    values = {"dim": 2, "r_inner": 0, "r_outer": 1, "order": 3, "angle": '"pi/3"',
              "matrices": "[[[1, 0], [0, 1]], [[-1, 0], [0, -1]]]"}
    space_for = {"translations": "torus", "symmetric": "cube"}
    for gkind, (gfields, _doc) in KINDS["group"].items():
        skind = space_for.get(gkind, "annulus")
        sfields = KINDS["space"][skind][0]
        text = f'[space]\nkind = "{skind}"\n' + "".join(
            f"{f.name} = {values[f.name]}\n" for f in sfields if f.required)
        text += f'[[group]]\nkind = "{gkind}"\n' + "".join(
            f"{f.name} = {values[f.name]}\n" for f in gfields if f.required)
        spec = parse_text(text)
        assert spec.groups[0]["kind"] == gkind


def test_model_pattern_accepts_only_module_colon_attribute():
    good = ["m:f", "pkg.mod:predict", "_a.b_c:_d"]
    bad = ["m:f.g", "m.f", ":f", "m:", "m:f()", "m :f", "m:f;import os", "1m:f", "m:f\n"]
    assert all(MODEL_PATTERN.match(s) for s in good)
    assert not any(MODEL_PATTERN.match(s) for s in bad)


def test_builtin_example_is_a_spec():
    spec = example_spec()
    assert [g["name"] for g in spec.groups] == ["C_8", "D_8", "SO(2)", "rotations by at most pi/4"]
    assert spec.model["function"] == "symbound.report.example:model"
    assert example_spec_text().startswith("# The built-in example")
