"""`symbound report`: the built-in example and the documented example spec end to end, the same
content in Markdown, LaTeX and JSON, the figures, and one clear line (no traceback) for every
failure the user can cause."""

import json
import math
import re
import shutil
import struct
import sys
from pathlib import Path

import numpy as np
import pytest

from symbound.cli import EXIT_CODES, main
from symbound.report.example import BREAKING, model as example_model

ROOT = Path(__file__).resolve().parents[2]
DISK = ROOT / "examples" / "disk" / "spec.toml"

SMALL = """
[space]
kind = "annulus"
r_inner = "1/2"
r_outer = 1
[[group]]
kind = "so"
[learning]
n = [1000]
method = "partition"
[report]
eps = [0.05]
figures = false
"""


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """The built-in example, run once (the README's first command, without pdflatex)."""
    out = tmp_path_factory.mktemp("example")
    assert main(["report", "--out", str(out), "--no-pdf", "--quiet", "--points", "400"]) == 0
    return out


@pytest.fixture(scope="module")
def disk(tmp_path_factory):
    """The documented example spec (examples/disk), with data, labels and a model."""
    out = tmp_path_factory.mktemp("disk")
    assert main(["report", str(DISK), "--out", str(out), "--no-pdf", "--quiet"]) == 0
    return out


def _md_sections(md: str) -> list[str]:
    return re.findall(r"^## \d+\. (.+)$", md, flags=re.M)


def test_example_has_distinct_sections_in_every_format(example):
    md = (example / "report.md").read_text()
    tex = (example / "report.tex").read_text()
    data = json.loads((example / "report.json").read_text())
    titles = _md_sections(md)
    assert len(titles) == len(set(titles)) == 6
    assert titles == list(data["section_titles"].values())
    tex_titles = re.findall(r"\\section\{(.+)\}", tex)
    assert len(tex_titles) == len(titles)
    for t in ("Covering numbers", "Partition bound", "Dudley", "measured", "approximately invariant"):
        assert sum(t in x for x in titles) == 1 and sum(t in x for x in tex_titles) == 1, t
    # the covering table and the measured-error section are in the LaTeX document too
    assert "band cover of a fundamental sector" in tex and "LOWER estimate" in tex


def test_example_covering_numbers_match_hand_values(example):
    md = (example / "report.md").read_text()
    data = json.loads((example / "report.json").read_text())
    # SO(2) on 1/2 <= |x| <= 1: the radius map onto [1/2, 1], ceil(0.5 / (2 eps)), by hand
    for eps, count in ((0.2, 2), (0.1, 3), (0.05, 5), (0.01, 25)):
        assert f"| SO(2) | {eps:g} | {count} | {count} |" in md
        row = next(r for r in data["sections"]["covering"]["rows"]
                   if r["set"] == "SO(2)" and r["eps"] == eps)
        assert row["upper"] == row["lower"] == count
    # the annulus' area-ratio lower bound (r2^2 - r1^2)/eps^2 = 0.75/eps^2, exact in the JSON
    row = next(r for r in data["sections"]["covering"]["rows"]
               if r["set"] == "no symmetry" and r["eps"] == 0.05)
    assert row["lower"] == pytest.approx(300, rel=1e-12)


def test_example_json_has_every_table_number(example):
    md = (example / "report.md").read_text()
    data = json.loads((example / "report.json").read_text())
    for method in ("partition", "dudley"):
        sec = data["sections"][f"bounds_{method}"]
        assert [c["n"] for c in sec["comparisons"]] == [10_000, 1_000_000]
        for comp in sec["comparisons"]:
            for row in comp["rows"]:
                v = row["value"]
                text = f"{v:.6g}" if 1e-3 <= abs(v) < 1e6 else f"{v:.4e}"
                assert f"| {row['name']} | {text} |" in md
        # the figure's curves are monotone in n and pass through the tables' values
        n = np.array(sec["curve_n"])
        for name, curve in sec["curves"].items():
            assert np.all(np.diff(curve) <= 1e-12), name
            for comp in sec["comparisons"]:
                if comp["n"] in sec["curve_n"]:
                    v = next(r["value"] for r in comp["rows"] if r["name"] == name)
                    assert curve[list(n).index(comp["n"])] == pytest.approx(v, rel=1e-9)


def test_example_measured_error_matches_the_closed_form(example):
    data = json.loads((example / "report.json").read_text())
    m = data["sections"]["model_error"]
    # ee_2 = BREAKING sqrt(E|x|^2), E|x|^2 = (1/4 + 1)/2 on the annulus (symbound.report.example)
    exact = BREAKING * math.sqrt(0.625)
    assert m["ci"][0] <= exact <= m["ci"][1]
    assert m["max_observed"] <= 2 * BREAKING and m["max_observed_is_lower_estimate"] is True
    assert sum(m["per_point_histogram"]["counts"]) == m["n_samples"] == 400
    sup = data["sections"]["approximate_bound"]["sup_error"]
    assert sup["value"] == 2 * BREAKING and sup["confidence"] == 1.0
    assert sup["method"].startswith("declared in the spec")


def test_example_approximate_bound_adds_the_resolution_penalty(example):
    """Partition bound with eta: the resolution term 2 L_l (L eps + eta) grows by exactly
    2 L_l eta at a fixed eps; optimised over eps the bound grows by at most that (THEORY §4.1)."""
    data = json.loads((example / "report.json").read_text())
    tables = data["sections"]["approximate_bound"]["tables"]
    part = next(t for t in tables if t["method"] == "partition")
    for row in part["rows"]:
        gap = row["approximately_invariant"] - row["exactly_invariant"]
        assert 0 < gap <= 2 * 1 * (2 * BREAKING) + 1e-12


def test_example_figures_are_pngs(example):
    data = json.loads((example / "report.json").read_text())
    assert sorted(data["figures"]) == ["bound_vs_n_dudley.png", "bound_vs_n_partition.png",
                                       "orbit_errors.png"]
    for name in data["figures"]:
        head = (example / name).read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n"
        w, h = struct.unpack(">II", head[16:24])
        assert w >= 600 and h >= 400
        assert f"]({name})" in (example / "report.md").read_text()
        assert "{" + name + "}" in (example / "report.tex").read_text()


@pytest.mark.skipif(shutil.which("pdflatex") is None,
                    reason="pdflatex not installed (.ci/run installs texlive-latex-base)")
def test_example_tex_compiles_with_pdflatex(example, tmp_path):
    from symbound.report.writers import compile_pdf

    for f in example.iterdir():
        shutil.copy(f, tmp_path / f.name)
    pdf = compile_pdf(tmp_path / "report.tex")
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 20_000


def test_documented_spec_measures_model_and_data(disk):
    data = json.loads((disk / "report.json").read_text())
    assert data["sets"] == ["no symmetry", "C_4", "rotations"]
    m = data["sections"]["model_error"]
    # f = |x|^2 + 0.02 x_0: |f(gx) - f(x)| <= 0.04 |x| (examples/disk/model.py)
    assert 0 < m["max_observed"] <= 0.04 and m["inputs"].startswith("800 inputs from disk.npz")
    d = data["sections"]["data_error"]
    assert d["bias_bound"] == pytest.approx(2 * 0.05)
    assert 0 < d["coverage"] <= 1
    # SO(2) on the unit disk: the radius map onto [0, 1], ceil(1 / (2 eps)), by hand
    rows = [r for r in data["sections"]["covering"]["rows"] if r["set"] == "rotations"]
    assert [r["upper"] for r in rows] == [5, 10, 50]
    assert list(data["section_titles"]) == ["gains", "covering", "bounds_partition",
                                            "model_error", "data_error", "approximate_bound"]


def _run(argv, capsys):
    code = main(argv)
    err = capsys.readouterr().err
    return code, err


def _one_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_spec_errors_are_one_line_with_exit_2(tmp_path, capsys):
    spec = tmp_path / "bad.toml"
    spec.write_text(SMALL.replace('kind = "so"', 'kind = "sooo"'))
    code, err = _run(["report", str(spec), "--out", str(tmp_path / "o")], capsys)
    assert code == 2
    assert 'did you mean "so"?' in _one_line(err)
    code, err = _run(["report", str(tmp_path / "missing.toml"), "--out", str(tmp_path)], capsys)
    assert code == 2 and "does not exist" in _one_line(err)
    code, err = _run(["report", str(tmp_path), "--out", str(tmp_path / "o")], capsys)
    assert code == 2 and "is a folder" in _one_line(err)


def test_unwritable_out_is_one_line_with_exit_3(tmp_path, capsys):
    spec = tmp_path / "s.toml"
    spec.write_text(SMALL)
    blocker = tmp_path / "file"
    blocker.write_text("")
    for out in (blocker, blocker / "sub"):
        code, err = _run(["report", str(spec), "--out", str(out), "--quiet"], capsys)
        assert code == 3, err
        assert str(blocker) in _one_line(err)


def _model_spec(tmp_path, body: str, extra: str = "") -> Path:
    sys.modules.pop("usermodel", None)  # each test writes its own module of that name
    (tmp_path / "usermodel.py").write_text("import numpy as np\n" + body)
    spec = tmp_path / "s.toml"
    spec.write_text(SMALL + '[model]\nfunction = "usermodel:f"\npoints = 50\ngroup_samples = 4\n'
                    + extra)
    return spec


def test_model_problems_are_one_line(tmp_path, capsys):
    out = str(tmp_path / "o")
    spec = _model_spec(tmp_path, "def g(x):\n    return x[:, 0]\n")
    code, err = _run(["report", str(spec), "--out", out, "--quiet"], capsys)
    assert code == 2 and "has no attribute 'f' (did you mean" not in err  # 'g' is not close
    assert "module 'usermodel' has no attribute 'f'" in _one_line(err)
    spec = _model_spec(tmp_path, "raise RuntimeError('boom')\n")
    code, err = _run(["report", str(spec), "--out", out, "--quiet"], capsys)
    assert code == 2 and "importing 'usermodel' failed (RuntimeError: boom)" in _one_line(err)


def test_nan_model_and_refuted_sup_exit_4(tmp_path, capsys):
    out = str(tmp_path / "o")
    spec = _model_spec(tmp_path, "def f(x):\n    return np.full(len(x), np.nan)\n")
    code, err = _run(["report", str(spec), "--out", out, "--quiet"], capsys)
    assert code == 4 and "symbound rejected the problem" in _one_line(err)
    spec = _model_spec(tmp_path, "def f(x):\n    return x[:, 0]\n",
                       'sup_error = 0.01\nsup_error_argument = "wrong"\n')
    code, err = _run(["report", str(spec), "--out", out, "--quiet"], capsys)
    # x_0 on the annulus under SO(2): errors up to 2 |x| = 2 are observed, far above 0.01
    assert code == 4 and "sup_error = 0.01 is below the largest error" in _one_line(err)


def test_data_file_problems_are_one_line(tmp_path, capsys):
    np.savez(tmp_path / "d.npz", x=np.zeros((5, 3)), y=np.zeros(5))
    spec = tmp_path / "s.toml"
    spec.write_text(SMALL + '[data]\npath = "d.npz"\nlabels = "yy"\nradius = 0.1\n')
    code, err = _run(["report", str(spec), "--out", str(tmp_path / "o")], capsys)
    assert code == 2 and '"yy" is not an array of d.npz' in _one_line(err)
    spec.write_text(SMALL + '[data]\npath = "d.npz"\nlabels = "y"\nradius = 0.1\n')
    code, err = _run(["report", str(spec), "--out", str(tmp_path / "o")], capsys)
    assert code == 2 and "shape (N, 2)" in _one_line(err)


def test_quiet_prints_nothing_and_default_prints_the_summary(tmp_path, capsys):
    spec = tmp_path / "s.toml"
    spec.write_text(SMALL)
    assert main(["report", str(spec), "--out", str(tmp_path / "q"), "--quiet", "--no-pdf"]) == 0
    cap = capsys.readouterr()
    assert cap.out == "" and cap.err == ""
    assert main(["report", str(spec), "--out", str(tmp_path / "v"), "--no-pdf"]) == 0
    out = capsys.readouterr().out
    assert "# symbound report" in out and "wrote markdown" in out and "wrote json" in out


def test_exit_codes_are_documented_in_the_help(capsys):
    with pytest.raises(SystemExit) as info:
        main(["report", "--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    assert "`" not in text
    for code, meaning in EXIT_CODES.items():
        assert re.search(rf"^ *{code}  {re.escape(meaning.split()[0])}", text, flags=re.M), code


def test_results_do_not_depend_on_the_number_of_jobs(tmp_path, monkeypatch):
    from symbound.report import parallel

    monkeypatch.setattr(parallel, "POOL_AFTER_SECONDS", 0.0)  # the workers run even on small work
    spec = tmp_path / "s.toml"
    spec.write_text(SMALL.replace("n = [1000]", "n = [1000, 100000]"))
    for j in (1, 2):
        assert main(["report", str(spec), "--out", str(tmp_path / f"j{j}"), "--quiet", "--no-pdf",
                     "--jobs", str(j)]) == 0
    assert (tmp_path / "j1" / "report.json").read_text() == (tmp_path / "j2" / "report.json").read_text()
    assert (tmp_path / "j1" / "report.md").read_text() == (tmp_path / "j2" / "report.md").read_text()


def test_failing_pdflatex_is_exit_5_with_the_other_files_written(tmp_path, capsys, monkeypatch):
    spec = tmp_path / "s.toml"
    spec.write_text(SMALL)
    monkeypatch.setattr(shutil, "which", lambda name: "/bin/false")  # a "pdflatex" that fails
    code, err = _run(["report", str(spec), "--out", str(tmp_path / "o"), "--quiet"], capsys)
    assert code == 5 and "pdflatex failed" in _one_line(err)
    for name in ("report.md", "report.tex", "report.json", "report.log"):
        assert (tmp_path / "o" / name).exists()
