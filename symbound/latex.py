r"""LaTeX export: a snippet per object and standalone documents (issue #2, item 7).

:func:`snippet` returns the LaTeX of any symbound object (a Bound, a space, a quotient, a
transformation set, a covering bound, a comparison table) or SymPy expression, with symbound's symbol
names (``\varepsilon``, ``L_{\ell}``).  :func:`document` writes a standalone ``.tex`` file — one
numbered display per bound with its reference, assumptions and regime, followed by a glossary of the
symbols that appear — that compiles with ``pdflatex`` (``amsmath`` and ``amssymb`` only).

Examples
--------
>>> import sympy as sp
>>> from symbound.latex import snippet
>>> from symbound.symbols import symbol
>>> snippet(symbol("eps") / symbol("delta"))
'\\frac{\\varepsilon}{\\delta}'
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Iterable

import sympy as sp

from .errors import InvalidTypeError, InvalidValueError
from .functions import latex_of
from .symbols import glossary

__all__ = ["snippet", "document", "compile_pdf", "escape_text"]

_TEXT_ESCAPES = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "<": r"\textless{}", ">": r"\textgreater{}",
}


#: Unicode symbols that occur in symbound's texts, as LaTeX (pdflatex's default set-up has none)
_UNICODE = {
    "⊆": r"$\subseteq$", "⊂": r"$\subset$", "∪": r"$\cup$", "∩": r"$\cap$", "∈": r"$\in$",
    "≤": r"$\le$", "≥": r"$\ge$", "≠": r"$\ne$", "≈": r"$\approx$", "∼": r"$\sim$",
    "∞": r"$\infty$", "→": r"$\to$", "↦": r"$\mapsto$", "×": r"$\times$", "·": r"$\cdot$",
    "∘": r"$\circ$", "√": r"$\surd$", "∫": r"$\int$", "∑": r"$\sum$", "∏": r"$\prod$",
    "±": r"$\pm$", "−": "-", "–": "--", "—": "---", "…": r"\ldots{}", "§": r"\S{}",
    "’": "'", "‘": "`", "“": "``", "”": "''", "|": r"$|$",
    "α": r"$\alpha$", "β": r"$\beta$", "γ": r"$\gamma$", "δ": r"$\delta$", "ε": r"$\varepsilon$",
    "η": r"$\eta$", "θ": r"$\theta$", "λ": r"$\lambda$", "μ": r"$\mu$", "ρ": r"$\rho$",
    "σ": r"$\sigma$", "ω": r"$\omega$", "π": r"$\pi$", "φ": r"$\varphi$", "Γ": r"$\Gamma$",
    "Δ": r"$\Delta$", "Σ": r"$\Sigma$", "Ω": r"$\Omega$", "ℓ": r"$\ell$",
}


def escape_text(text: str) -> str:
    """Escape plain text for LaTeX text mode (special characters and the Unicode symbols symbound's
    texts use; any other non-ASCII character is written as its code point, never dropped)."""
    out = []
    for ch in str(text):
        if ch in _TEXT_ESCAPES:
            out.append(_TEXT_ESCAPES[ch])
        elif ch in _UNICODE:
            out.append(_UNICODE[ch])
        elif ord(ch) > 127:
            out.append(rf"[U+{ord(ch):04X}]")
        else:
            out.append(ch)
    return "".join(out)


def snippet(obj) -> str:
    """LaTeX of a symbound object or SymPy expression (math mode content, no delimiters)."""
    if isinstance(obj, sp.Basic):
        return latex_of(obj)
    if hasattr(obj, "latex") and callable(obj.latex):
        return obj.latex()
    if hasattr(obj, "to_latex") and callable(obj.to_latex):
        return obj.to_latex()
    if hasattr(obj, "expr") and isinstance(obj.expr, sp.Basic):  # CoveringBound and friends
        return latex_of(obj.expr)
    raise InvalidTypeError(f"obj must be a symbound object or a SymPy expression, got {type(obj).__name__}")


def _free_symbols(obj) -> set:
    syms: set = set()
    for attr in ("expr",):
        e = getattr(obj, attr, None)
        if isinstance(e, sp.Basic):
            syms |= e.free_symbols
    if hasattr(obj, "formula") and callable(obj.formula):
        try:
            syms |= obj.formula().free_symbols
        except Exception:  # pragma: no cover - defensive: a glossary must not break export
            pass
    if isinstance(obj, sp.Basic):
        syms |= obj.free_symbols
    return syms


def _block(obj, index: int) -> str:
    """The LaTeX block of one object: a display plus its metadata as an itemised list."""
    lines = []
    title = getattr(obj, "name", None)
    if title is None and hasattr(obj, "rows") and hasattr(obj, "n"):  # a comparison table
        title = f"comparison at n = {obj.n}, delta = {getattr(obj, 'delta', '')}"
    if title and not isinstance(obj, sp.Basic):
        lines.append(rf"\subsection*{{{escape_text(title)}}}")
    if hasattr(obj, "to_latex") and not hasattr(obj, "formula"):
        lines.append(r"\begin{center}")
        lines.append(obj.to_latex())
        lines.append(r"\end{center}")
        return "\n".join(lines)
    lines.append(r"\begin{equation}")
    lines.append(snippet(obj))
    lines.append(r"\end{equation}")
    if hasattr(obj, "formula") and callable(obj.formula) and obj.formula() != obj.expr:
        lines.append(r"where, written out,")
        lines.append(r"\begin{equation*}")
        lines.append(obj.latex(form="formula"))
        lines.append(r"\end{equation*}")
    meta = []
    prob = getattr(obj, "probability", None)
    if prob:
        meta.append(rf"holds with probability at least ${prob}$")
    kind = getattr(obj, "kind", None)
    if kind:
        meta.append(rf"kind: {escape_text(kind)}")
    ref = getattr(obj, "reference", None)
    if ref:
        meta.append(rf"reference: {escape_text(ref)}")
    for a in getattr(obj, "assumptions", ()) or ():
        meta.append(rf"assumption: {escape_text(a)}")
    for r in getattr(obj, "regime", ()) or ():
        meta.append(rf"regime: ${latex_of(r)}$" if isinstance(r, sp.Basic) else rf"regime: {escape_text(r)}")
    for n in getattr(obj, "notes", ()) or ():
        meta.append(rf"note: {escape_text(n)}")
    if meta:
        lines.append(r"\begin{itemize}")
        lines.extend(rf"\item {m}" for m in meta)
        lines.append(r"\end{itemize}")
    return "\n".join(lines)


def document(objects: Iterable, path: str | os.PathLike, *, title: str = "symbound bounds",
             compile: bool = False) -> Path:
    r"""Write a standalone LaTeX document with the objects and a glossary of their symbols.

    Parameters
    ----------
    objects : Bounds, spaces, quotients, comparison tables or SymPy expressions.
    path : where to write the ``.tex`` file (parent folders are created).
    title : the document title.
    compile : also run ``pdflatex`` (raises if no TeX engine is installed).

    Returns
    -------
    The path of the ``.tex`` file (or of the PDF when ``compile=True``).
    """
    objects = list(objects)
    if not objects:
        raise InvalidValueError("objects must contain at least one object, got an empty list")
    path = Path(path)
    if path.suffix != ".tex":
        raise InvalidValueError(f"path must end in .tex, got {str(path)!r}")
    body = [_block(o, i) for i, o in enumerate(objects)]
    syms = set()
    for o in objects:
        syms |= _free_symbols(o)
    gl = glossary(syms)
    gl_lines = [r"\section*{Symbols}", r"\begin{tabular}{ll}"]
    gl_lines += [rf"${g.latex}$ & {escape_text(g.meaning)} \\" for g in gl]
    gl_lines.append(r"\end{tabular}")
    tex = "\n".join([
        r"\documentclass[11pt]{article}",
        r"\usepackage{amsmath,amssymb}",
        r"\usepackage[margin=2.2cm]{geometry}",
        r"\allowdisplaybreaks",
        r"\sloppy",
        rf"\title{{{escape_text(title)}}}",
        r"\author{generated by symbound}",
        r"\date{}",
        r"\begin{document}",
        r"\maketitle",
        *body,
        *(gl_lines if gl else []),
        r"\end{document}",
        "",
    ])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tex)
    if compile:
        return compile_pdf(path)
    return path


def compile_pdf(tex_path: str | os.PathLike, *, timeout: float = 120.0) -> Path:
    """Compile a ``.tex`` file with ``pdflatex`` into a PDF beside it; raise with the log on error."""
    tex_path = Path(tex_path)
    engine = shutil.which("pdflatex")
    if engine is None:
        raise FileNotFoundError("pdflatex was not found; install a TeX engine (e.g. texlive-latex-base)")
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(
            [engine, "-interaction=nonstopmode", "-halt-on-error", "-output-directory", tmp,
             str(tex_path.resolve())],
            capture_output=True, text=True, errors="replace", timeout=timeout,
        )
        pdf = Path(tmp) / (tex_path.stem + ".pdf")
        if proc.returncode != 0 or not pdf.exists():
            raise RuntimeError(f"pdflatex failed on {tex_path}:\n{proc.stdout[-3000:]}")
        out = tex_path.with_suffix(".pdf")
        shutil.copyfile(pdf, out)
    return out
