"""Sphinx configuration of the symbound documentation.

Build locally (from the repository root, after ``pip install -e ".[docs]"``)::

    python -m sphinx -W -b html docs docs/_build/html

The notebooks in ``notebooks/`` (linked as ``docs/notebooks``) are rendered with the outputs they
are versioned with: myst-nb never executes them (the test suite runs them through nbmake).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
sys.path.insert(0, str(HERE.parent))

import symbound  # noqa: E402

project = "symbound"
author = "the symbound developers"
copyright = "the symbound developers"
release = symbound.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_nb",
    "symbound_docs",
]

exclude_patterns = ["_build", "README-proposal.md", "notebooks/_build.py", "**.ipynb_checkpoints"]
source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb", ".rst": "restructuredtext"}

# myst / myst-nb: $...$ math, ::: fences; notebooks are shown as versioned, never executed here
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
nb_execution_mode = "off"

# autodoc + numpydoc: the API reference is the docstrings
autodoc_member_order = "bysource"
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks = set()

html_theme = "pydata_sphinx_theme"
html_title = f"symbound {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
html_static_path = []
