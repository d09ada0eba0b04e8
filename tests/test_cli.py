"""The `symbound` command line: arguments, --version, `symbound example`, entry points.  The report
itself is tested end to end in tests/report/test_report.py."""

import shutil
import subprocess
import sys
import tomllib

import numpy as np
import pytest

import symbound
from symbound.cli import main
from symbound.report import example_spec, parse_text
from symbound.report.example import BREAKING, model


def test_example_model_sup_error_closed_form():
    # |f(gx) - f(x)| = BREAKING |x| |cos(a+t) - cos a|, maximal (2 BREAKING) at |x|=1, a=0, t=pi
    x = np.array([[1.0, 0.0]])
    gx = np.array([[-1.0, 0.0]])
    assert abs(model(gx) - model(x))[0] == pytest.approx(2 * BREAKING)


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"symbound {symbound.__version__}"


def test_example_prints_the_builtin_spec(capsys):
    assert main(["example"]) == 0
    text = capsys.readouterr().out
    tomllib.loads(text)
    assert parse_text(text).groups == example_spec().groups


@pytest.mark.parametrize("argv", [
    ["report", "--points", "3"], ["report", "--seed", "-1"], ["report", "--points", "x"],
    ["frobnicate"], [], ["report", "a.toml", "b.toml"],
])
def test_bad_arguments_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.strip().splitlines()[-1].startswith("symbound")


def test_help_has_no_rst_markup(capsys):
    for argv in (["--help"], ["report", "--help"], ["example", "--help"]):
        with pytest.raises(SystemExit):
            main(argv)
        text = capsys.readouterr().out
        assert "`" not in text and ":func:" not in text and "::" not in text


@pytest.mark.skipif(shutil.which("symbound") is None, reason="console script not installed")
def test_console_script_help():
    out = subprocess.run(["symbound", "report", "--help"], capture_output=True, text=True, check=True)
    assert "--out" in out.stdout


def test_python_dash_m():
    out = subprocess.run([sys.executable, "-m", "symbound", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "report" in out.stdout
