"""The report as data: sections made of blocks, rendered by :mod:`symbound.report.writers` to
Markdown, LaTeX and JSON from the same objects (so the formats cannot drift apart).

A section function (:mod:`symbound.report.sections`) returns a :class:`Section`: a title, blocks
(text, tables, display formulas, preformatted text, figures) and ``data``, the numbers of the
section for the JSON file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sympy as sp

__all__ = ["Inline", "Text", "Table", "Formula", "Pre", "Figure", "Section", "jsonable"]


@dataclass(frozen=True)
class Inline:
    """A table cell or phrase with its own LaTeX (``tex`` is math-mode content)."""

    md: str
    tex: str


@dataclass(frozen=True)
class Text:
    """A paragraph of plain text (escaped for LaTeX by the writer)."""

    text: str


@dataclass(frozen=True)
class Table:
    """A table; cells are strings or :class:`Inline`; ``wrap_last``: the last column holds free
    text that LaTeX may wrap."""

    head: tuple
    rows: tuple
    caption: str = ""
    wrap_last: bool = False


@dataclass(frozen=True)
class Formula:
    """A displayed formula: a label in text and the LaTeX of the formula."""

    label: str
    latex: str


@dataclass(frozen=True)
class Pre:
    """Preformatted text (a fenced block in Markdown, ``verbatim`` in LaTeX)."""

    text: str


@dataclass(frozen=True)
class Figure:
    """A PNG file written beside the report (``path`` relative to the output folder)."""

    path: str
    caption: str


@dataclass
class Section:
    """One section of the report: ``key`` names it in the JSON file."""

    key: str
    title: str
    blocks: list = field(default_factory=list)
    data: dict = field(default_factory=dict)


def jsonable(v: Any) -> Any:
    """A value for ``json.dump``: exact SymPy numbers keep their exact text next to their float."""
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        return v if v == v and abs(v) != float("inf") else str(v)
    if isinstance(v, sp.Basic):
        if v.is_Integer:
            return int(v)
        if v.is_number and v.is_finite:
            f = float(sp.N(v, 17))
            return f if v.is_Float else {"exact": str(v), "value": f}
        return str(v)
    try:  # numpy scalars and mpmath numbers
        return jsonable(float(v))
    except (TypeError, ValueError):
        return str(v)
