"""``symbound report``: a spec (TOML) in, a report out (Markdown, LaTeX/PDF, JSON, PNG figures).

Modules: :mod:`~symbound.report.spec` (parsing and validation, the schema the docs are generated
from), :mod:`~symbound.report.problem` (spec -> symbound objects, the user's files and model),
:mod:`~symbound.report.sections` (one function per report section), :mod:`~symbound.report.document`
and :mod:`~symbound.report.writers` (one document, three formats), :mod:`~symbound.report.figures`,
:mod:`~symbound.report.build` (the whole run).

Examples
--------
>>> from symbound.report import parse_text
>>> spec = parse_text('''
... [space]
... kind = "ball"
... dim = 2
... [[group]]
... kind = "cyclic"
... order = 4
... ''')
>>> spec.groups[0]["name"], spec.learning["method"]
('C_4', ('partition', 'dudley'))
"""

from .build import OutputError, example_spec, example_spec_text, write_report
from .spec import KINDS, TABLES, Spec, SpecError, load_spec, parse_spec, parse_text

__all__ = ["Spec", "SpecError", "OutputError", "load_spec", "parse_spec", "parse_text",
           "example_spec", "example_spec_text", "write_report", "TABLES", "KINDS"]
