"""Sphinx directives that generate pages of the symbound docs from the code, so they cannot drift:

``symbound-supported-pairs``
    the table of supported (space, transformation set) pairs: the Markdown returned by
    :data:`TABLE_SOURCE`, a callable returning a Markdown table (the registry that
    :func:`symbound.quotient` dispatches through, ``symbound.quotient.supported_pairs()``).
``symbound-pair-examples``
    worked values: :func:`symbound.quotient` called on one representative pair per construction
    (:func:`probe_table`).
``symbound-spec-reference``
    every table, kind and key of a report spec (:func:`symbound.report.spec.reference_markdown`).
``symbound-cli-help``
    the help text of a ``symbound`` command (argument: the subcommand, or nothing).
"""

from __future__ import annotations

import contextlib
import io

import sympy as sp
from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective


def _pairs():
    """Representative (space, set) pairs, one per construction :func:`symbound.quotient` knows."""
    import symbound as sb
    from symbound import groups as G

    A, D, B3 = sb.Annulus(sp.Rational(1, 2), 1), sb.Ball(2, 1), sb.Ball(3, 1)
    return [
        ("annulus", A, G.SO(2), {}), ("annulus", A, G.O(2), {}), ("disk", D, G.SO(2), {}),
        ("ball B^3", B3, G.SO(3), {}), ("ball B^3", B3, G.O(3), {}),
        ("ball B^3", B3, G.SO(2, dim=3), {}),
        ("sphere S^2", sb.Sphere(3), G.SO(3), {}), ("torus T^2", sb.Torus(2), G.Translations(2), {}),
        ("annulus", A, G.Cyclic(8), {}), ("annulus", A, G.Dihedral(8), {}),
        ("disk", D, G.Cyclic(4), {}),
        ("annulus", A, G.PartialRotations(sp.pi / 4), {}),
        ("3 points of [0, 1]", sb.Cube(1), G.Symmetric(3), {}),
        ("cube [0, 1]^3, sup metric", sb.Cube(3), G.Symmetric(3, axis=-1), {}),
        ("torus T^3", sb.Torus(3), G.Symmetric(3, axis=-1), {}),
        ("manifold, dim 3, volume 1", sb.Manifold(3, 1), G.SO(2),
         {"orbit_dim": 1, "quotient_volume": sp.Rational(1, 2)}),
        ("ball B^3", B3, G.Cyclic(4, dim=3), {}),
    ]


def probe_table() -> str:
    """The supported pairs, read by calling :func:`symbound.quotient` on representative pairs:
    what the quotient is, its dimension, the kinds of answer, and the certified upper bound at
    eps = 1/10 with the construction that gives it."""
    import symbound as sb

    eps = sp.Rational(1, 10)
    rows = ["| space | set S | the quotient | dim | answers | N_S(X, 1/10) | upper bound by |",
            "|---|---|---|---|---|---|---|"]
    for label, X, S, kw in _pairs():
        Q = sb.quotient(X, S, **kw)
        up = Q.covering(eps, "upper" if "upper" in Q.available_kinds else "asymptotic")
        number = str(up.expr) if up.expr.is_Integer else f"{float(sp.N(up.expr, 17)):.6g}"
        value, how = f"{up.kind}: {number}", up.method
        cells = [label, S.name, Q.description, "-" if Q.dim is None else str(Q.dim),
                 ", ".join(Q.available_kinds), value, how]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows)


def registry_table() -> str:
    """The registry of supported pairs, as :func:`symbound.quotient` dispatches through it."""
    import symbound as sb
    return sb.quotient.supported_pairs().markdown()


#: the generator of the supported-pairs table: any callable returning a Markdown table
TABLE_SOURCE = registry_table


def _markdown_directive(generate):
    """A directive that parses the Markdown returned by ``generate()`` in place (MyST pages)."""

    class MarkdownDirective(SphinxDirective):
        has_content = False

        def run(self):
            container = nodes.container()
            lines = StringList(generate().splitlines(), source=self.get_source_info()[0])
            self.state.nested_parse(lines, self.content_offset, container)
            return container.children

    return MarkdownDirective


def _spec_reference() -> str:
    from symbound.report.spec import reference_markdown
    return reference_markdown()


class CliHelp(SphinxDirective):
    optional_arguments = 1

    def run(self):
        from symbound.cli import main

        argv = ([self.arguments[0]] if self.arguments else []) + ["--help"]
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf), contextlib.suppress(SystemExit):
            main(argv)
        text = buf.getvalue()
        return [nodes.literal_block(text, text, language="text")]


def module_sections_as_rubrics(app, what, name, obj, options, lines):
    """Module docstrings are not rewritten by numpydoc: their numpydoc-style headings
    (``Examples`` over a line of dashes) would become sections of the API page, and every module's
    "Examples" the same target.  They are turned into rubrics, as numpydoc does for functions."""
    if what != "module":
        return
    for i in range(len(lines) - 1):
        title, under = lines[i], lines[i + 1]
        mark = under.strip()
        if (title.strip() and not title.startswith(" ") and len(mark) >= 3
                and len(set(mark)) == 1 and mark[0] in "-=~^" and len(mark) >= len(title.strip())):
            lines[i], lines[i + 1] = f".. rubric:: {title.strip()}", ""


def setup(app):
    app.connect("autodoc-process-docstring", module_sections_as_rubrics)
    app.add_directive("symbound-supported-pairs", _markdown_directive(lambda: TABLE_SOURCE()))
    app.add_directive("symbound-pair-examples", _markdown_directive(probe_table))
    app.add_directive("symbound-spec-reference", _markdown_directive(_spec_reference))
    app.add_directive("symbound-cli-help", CliHelp)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
