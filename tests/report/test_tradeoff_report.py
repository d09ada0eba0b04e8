"""The report's trade-off section (``[tradeoff]``, THEORY §5): spec validation in one line, the same
content in Markdown, LaTeX and JSON, the two figures, eta_d given or certified from the data.

The hand reference: SO(2) on the unit disk has ``N_S(X, eps) = ceil(1/(2 eps))`` (the radius map
onto [0, 1]), so the partition bound of exactly invariant models is the minimum over k of
``2 L_l L / (2k) + M sqrt((2 C k ln 2 + 2 ln(1/delta)) / n)`` (its left ends of the constant
pieces: Xu & Mannor with the resolution eps = 1/(2k)), written out here in ``math``.
"""

import json
import math
import re
import struct

import numpy as np
import pytest

from symbound.cli import main
from symbound.latex import escape_text
from symbound.report import parse_text

from .test_spec import _err

BASE = """
[space]
kind = "ball"
dim = 2
[[group]]
kind = "so"
name = "rotations"
[learning]
n = [1000]
lipschitz = 2
method = "partition"
[report]
eps = [0.1]
"""


@pytest.mark.parametrize("table, needle", [
    ("eta_d = -0.1", "[tradeoff] eta_d must be a number in [0, inf)"),
    ('eta_d = "dat"', '[tradeoff] eta_d must be a number in [0, inf) or "data", got "dat" (did you mean "data"?)'),
    ("eta_d = true", "[tradeoff] eta_d must be a number in [0, inf), got a boolean"),
    ("method = \"dudly\"\neta_d = 0.1", 'did you mean "dudley"?'),
    ("eta_d = 0.1\nn = 0", "[tradeoff] n must be an integer >= 1"),
    ("etad = 0.1", 'unknown key "etad" (did you mean "eta_d"?)'),
    ("n = 10", '[tradeoff] needs the key "eta_d"'),
    ("eta_d = 0.1\ngroup = \"rotation\"", 'did you mean "rotations"?'),
    ('eta_d = "data"', '[tradeoff] eta_d = "data" needs a [data] table with labels'),
    ("eta_d = 0.1\nnoise = 0.01", '[tradeoff] noise is only used with eta_d = "data"'),
])
def test_malformed_tradeoff_tables_are_one_line(table, needle):
    assert needle in _err(BASE + "[tradeoff]\n" + table)


def test_tradeoff_needs_a_group_and_a_lipschitz_data_table():
    partial = BASE.replace('kind = "so"\nname = "rotations"',
                           'kind = "partial_rotations"\nangle = "pi/4"\nname = "rotations"')
    assert "is not a group" in _err(partial + "[tradeoff]\neta_d = 0.1")
    data = '[data]\npath = "d.npz"\nlabels = "y"\nradius = 0.1\n'
    assert 'needs [data] lipschitz' in _err(BASE + data + '[tradeoff]\neta_d = "data"')
    spec = parse_text(BASE + "[tradeoff]\neta_d = \"1/10\"")
    assert spec.tradeoff["group"] == "rotations" and spec.tradeoff["method"] == "partition"


def _so2_disk_bound(n, delta=0.05, L=2.0, Ll=1.0, M=1.0, C=2):
    """min over k of the partition bound of SO(2)-invariant models on the unit disk at eps = 1/(2k)."""
    return min(2 * Ll * L / (2 * k) + M * math.sqrt((2 * C * k * math.log(2) + 2 * math.log(1 / delta)) / n)
               for k in range(1, 200_000))


BETA = 0.05


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """One report with eta_d certified from 4000 noise-free labels of f*(x) = |x|^2 + beta x_1 on
    the unit disk (SO(2) sup error 2 beta), the trade-off at n = 100000."""
    out = tmp_path_factory.mktemp("tradeoff")
    rng = np.random.default_rng(3)
    r, a = np.sqrt(rng.uniform(size=4000)), rng.uniform(0, 2 * np.pi, 4000)
    x = np.stack([r * np.cos(a), r * np.sin(a)], 1)
    np.savez(out / "d.npz", x=x, y=np.sum(x * x, 1) + BETA * x[:, 0])
    spec = out / "s.toml"
    spec.write_text(BASE + '[data]\npath = "d.npz"\nlabels = "y"\nradius = 0.05\nlipschitz = 2.05\n'
                    '[tradeoff]\neta_d = "data"\nn = 100000\n')
    assert main(["report", str(spec), "--out", str(out / "r"), "--no-pdf", "--quiet"]) == 0
    return out / "r"


def test_section_in_every_format_with_its_figures(report):
    md = (report / "report.md").read_text()
    tex = (report / "report.tex").read_text()
    data = json.loads((report / "report.json").read_text())
    title = data["section_titles"]["tradeoff"]
    assert title.startswith("Model versus data equivariance under rotations")
    assert re.search(r"^## \d+\. " + re.escape(title), md, flags=re.M)
    assert "\\section{" + escape_text(title) + "}" in tex
    sec = data["sections"]["tradeoff"]
    for key in ("optimum", "threshold", "levels", "curve", "phase"):
        assert key in sec
    # the tables' numbers are in Markdown and LaTeX alike
    for row in sec["levels"]:
        v = f"{row['total_error']:.6g}"
        assert f"| {v} |" in md and v in tex
    assert f"| regime | {sec['optimum']['regime']} |" in md
    for name in ("tradeoff_total_error.png", "tradeoff_phase.png"):
        assert name in data["figures"] and f"]({name})" in md and "{" + name + "}" in tex
        head = (report / name).read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", head[16:24])[0] >= 600


def test_eta_d_certified_from_the_data(report):
    sec = json.loads((report / "report.json").read_text())["sections"]["tradeoff"]
    sup = sec["data_sup"]
    # f* = |x|^2 + beta x_1 has SO(2) sup error 2 beta on the disk: the certificate is above it
    assert sup["value"] >= 2 * BETA and sup["observed_max"] <= 2 * BETA + 1e-12
    assert sec["eta_d"] == sup["value"] and sup["confidence"] == 1.0
    assert sup["region"] == "B^2_1" and "measured upper estimate" in sec["eta_d_source"]
    md = (report / "report.md").read_text()
    assert "ee_inf(f*; S) of the data <=" in md  # the certificate's statement, printed


def test_section_values_against_the_hand_bound(report):
    sec = json.loads((report / "report.json").read_text())["sections"]["tradeoff"]
    eta_d, n = sec["eta_d"], 100000
    g0 = _so2_disk_bound(n)
    E0 = sec["optimum"]["endpoints"]["full"]
    assert E0 == pytest.approx(eta_d + 2 * g0, rel=1e-9)  # L_l eta_d + 2 Gen(0)
    lv = sorted(sec["levels"], key=lambda r: r["eta"])
    assert lv[0]["generalization"] == pytest.approx(g0, rel=1e-9)
    # the partition bound pays 2 L_l eta in its resolution term until the plain bound is smaller
    g_plain = lv[-1]["generalization"]
    for row in lv[1:]:
        assert row["generalization"] == pytest.approx(min(g0 + 2 * row["eta"], g_plain), rel=1e-9)
    # rule C1 on these numbers: full symmetry iff 2 (Gen(eta_d) - Gen(0)) >= L_l eta_d
    gd = next(r["generalization"] for r in lv if r["eta"] == eta_d)
    rule = "full" if 2 * (gd - g0) >= eta_d else "match"
    vacuous = min(E0, 2 * gd) >= 1.0  # M = 1: the bound says nothing at any level
    assert sec["optimum"]["regime"] == ("none" if vacuous else rule)
    # the threshold: certified, and the phase diagram agrees with it at this eta_d
    th = sec["threshold"]
    assert th["status"] in ("finite", "always") and th["certified"]
    ph = sec["phase"]
    i = ph["eta_d"].index(eta_d)
    for j, m in enumerate(ph["n"]):
        if ph["regime"][i][j] != "none":
            assert ph["regime"][i][j] == ("match" if m >= th["value"] else "full")
