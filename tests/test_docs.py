"""The documentation: the Sphinx site builds with warnings as errors, its generated pages hold what
the code says, and the getting-started example runs as printed."""

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
_MISSING = [m for m in ("sphinx", "pydata_sphinx_theme", "numpydoc", "myst_nb")
            if importlib.util.find_spec(m) is None]


@pytest.mark.skipif(bool(_MISSING), reason=f"the docs extra is not installed (missing: "
                    f"{', '.join(_MISSING)}; pip install -e '.[docs]')")
def test_sphinx_build_has_no_warnings(tmp_path):
    out = tmp_path / "html"
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
                           "-d", str(tmp_path / "doctrees"), str(DOCS), str(out)],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-5000:]
    # generated pages: the registry of supported pairs, the worked values (SO(2) on the annulus 1/2 <= |x| <= 1 at eps = 1/10:
    # ceil(0.5 / 0.2) = 3 by hand), the spec reference, the CLI help, a rendered notebook
    supported = (out / "supported.html").read_text()
    from symbound.quotient import supported_pairs
    for row in supported_pairs():  # every registered pair is on the page, with its method
        assert row.title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in supported, row.title
    assert re.search(r"<td><p>annulus</p></td>\s*<td><p>SO\(2\)</p></td>.*?exact: 3<", supported,
                     flags=re.S)
    spec = (out / "spec.html").read_text()
    assert "sup_error_argument" in spec and "partial_rotations" in spec
    assert "130  interrupted" in (out / "cli.html").read_text()
    for name in sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb")):
        assert "output" in (out / "notebooks" / f"{name}.html").read_text(), name
    # the API reference is rendered by autodoc as reStructuredText (not left as Markdown text with
    # literal ".. py:function::" lines) and lists the public names of every layer
    api = {page: (out / "api" / f"{page}.html").read_text() for page in ("numeric", "groups", "bounds")}
    assert not any(".. py:" in text for text in api.values())
    for page, name in [("numeric", "numeric.certified_sup.certified_sup_error"),
                       ("numeric", "numeric.certified_sup.certified_data_sup_error"),
                       ("numeric", "numeric.symmetry_tests.invariance_test"),
                       ("numeric", "numeric.symmetry_tests.equivariance_test"),
                       ("numeric", "numeric.asymmetry.distributional_asymmetry"),
                       ("numeric", "numeric.frameworks.TorchModel"), ("groups", "groups.Action"),
                       ("bounds", "plotting.plot_bounds"), ("bounds", "bounds.tradeoff.tradeoff"),
                       ("bounds", "bounds.tradeoff.partial_tradeoff")]:
        assert f'id="symbound.{name}"' in api[page], name
    for page in ("covering", "quotients", "equivariance", "measured-errors", "partition", "dudley",
                 "corrections", "symmetry-tests"):
        assert (out / "theory" / f"{page}.html").exists()


# the forbidden pointers, spelled in parts so that this guard is not itself such a pointer
OUTSIDE = ("/".join(["..", "shared"]), ".".join(["THEORY", "md"]))


def test_docs_never_point_outside_the_repository():
    for f in DOCS.rglob("*.md"):
        text = f.read_text()
        assert not any(s in text for s in OUTSIDE), f


def test_getting_started_example_runs():
    text = (DOCS / "getting-started.md").read_text()
    block = re.search(r"## Ten lines\n\n```python\n(.*?)```", text, flags=re.S).group(1)
    assert len([ln for ln in block.splitlines() if ln.strip()]) == 10
    namespace: dict = {}
    exec(compile(block, "getting-started.md", "exec"), namespace)  # the docs' own example
    est = namespace["est"]
    assert est.ci[0] <= est.value <= est.ci[1]
