"""The `symbound report` command, end to end on the built-in example."""

import shutil
import subprocess
import sys

import pytest

from symbound.cli import BREAKING, example_model, main


def test_example_model_sup_error_closed_form():
    import numpy as np

    # |f(gx) - f(x)| = BREAKING |x| |cos(a+t) - cos a|, maximal (2 BREAKING) at |x|=1, a=0, t=pi
    x = np.array([[1.0, 0.0]])
    gx = np.array([[-1.0, 0.0]])
    assert abs(example_model(gx) - example_model(x))[0] == pytest.approx(2 * BREAKING)


def test_report_writes_markdown_and_latex(tmp_path, capsys):
    assert main(["report", "--out", str(tmp_path), "--no-pdf", "--points", "400"]) == 0
    md = (tmp_path / "report.md").read_text()
    tex = (tmp_path / "report.tex").read_text()
    for heading in ("## 1. Covering numbers", "## 2. Generalization bounds", "## 3. Equivariance error"):
        assert heading in md
    # SO(2) on the annulus 1/2 <= r <= 1 at eps = 0.05: ceil(0.5 / 0.1) = 5 by hand, exact
    assert "| SO(2) | 0.05 | 5 | 5 |" in md
    assert "LOWER ESTIMATE of the sup error" in md
    assert tex.startswith(r"\documentclass") and r"\end{document}" in tex
    assert "wrote markdown" in capsys.readouterr().out


def test_report_rejects_bad_arguments(tmp_path):
    with pytest.raises(SystemExit):
        main(["report", "--out", str(tmp_path), "--points", "3"])
    with pytest.raises(SystemExit):
        main(["frobnicate"])


@pytest.mark.skipif(shutil.which("symbound") is None, reason="console script not installed")
def test_console_script_help():
    out = subprocess.run(["symbound", "report", "--help"], capture_output=True, text=True, check=True)
    assert "--out" in out.stdout


def test_python_dash_m():
    out = subprocess.run([sys.executable, "-m", "symbound", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "report" in out.stdout
