r"""Plain-text mathematics: how symbound's objects print in ``str``, ``repr`` and ``describe()``.

Two renderings of one expression: LaTeX (:func:`symbound.functions.latex_of`, for papers and
Jupyter) and the one-line Unicode text of this module, as a mathematician writes in an e-mail:
``2·ε + √(4·ln(2)·N_{C_8}(B^2_1, ε) + 2·ln(1/δ))/√n``, ``⌈1/(4ε)⌉``, ``≤``.  Nothing internal shows
(no class names, no hashes): every quantity a bound contains prints through its own
``_sympystr`` / ``_latex`` or through :class:`TextPrinter`.

:func:`latex_to_text` turns the short LaTeX names of spaces, groups, symbols and inequalities
(``A_{\frac{1}{2}, 1}``, ``\mathrm{SO}(2)_{\le \frac{\pi}{4}}``, ``L_{\ell}``) into that text
(``A_{1/2, 1}``, ``SO(2)_{≤ π/4}``, ``L_ℓ``).

Examples
--------
>>> import sympy as sp
>>> from symbound.symbols import symbol
>>> eps, delta = symbol("eps"), symbol("delta")
>>> text(2 * eps + 1 / sp.sqrt(delta))
'2·ε + 1/√δ'
>>> latex_to_text(r"\left|R(f) - \hat{R}_n(f)\right| \le \frac{1}{2}")
'|R(f) − R̂_n(f)| ≤ 1/2'
"""

from __future__ import annotations

import re

import sympy as sp
from sympy.printing.str import StrPrinter

__all__ = ["text", "latex_to_text", "prettify", "TextPrinter", "number_text"]

#: LaTeX commands and the Unicode they stand for
_COMMANDS = {
    "varepsilon": "ε", "epsilon": "ε", "delta": "δ", "alpha": "α", "beta": "β", "gamma": "γ",
    "eta": "η", "theta": "θ", "lambda": "λ", "mu": "μ", "rho": "ρ", "sigma": "σ", "tau": "τ",
    "omega": "ω", "pi": "π", "phi": "φ", "varphi": "φ", "psi": "ψ", "chi": "χ", "kappa": "κ",
    "nu": "ν", "xi": "ξ", "zeta": "ζ", "Gamma": "Γ", "Delta": "Δ", "Sigma": "Σ", "Omega": "Ω",
    "Phi": "Φ", "ell": "ℓ", "infty": "∞", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥",
    "lesssim": "≲", "ne": "≠", "neq": "≠", "approx": "≈", "sim": "∼", "in": "∈", "subseteq": "⊆",
    "subset": "⊂", "cup": "∪", "cap": "∩", "times": "×", "cdot": "·", "circ": "∘", "to": "→",
    "mapsto": "↦", "pm": "±", "setminus": "∖", "sup": "sup", "inf": "inf", "min": "min",
    "max": "max", "log": "log", "ln": "ln", "exp": "exp", "sqrt": "√", "int": "∫", "sum": "∑",
    "prod": "∏", "lceil": "⌈", "rceil": "⌉", "lfloor": "⌊", "rfloor": "⌋", "langle": "⟨",
    "rangle": "⟩", "quad": " ", "qquad": " ", ",": " ", ";": " ", "!": "", " ": " ",
    "{": "{", "}": "}", "|": "‖", "mid": "|", "ldots": "…", "dots": "…", "cdots": "⋯",
}
#: commands whose argument is kept as it is (font changes)
_FONTS = ("mathrm", "mathbf", "mathit", "mathsf", "mathtt", "operatorname", "text", "textrm",
          "mathcal", "mathbb", "mathfrak", "boldsymbol", "displaystyle")
#: accents, as combining characters
_ACCENTS = {"hat": "\u0302", "widehat": "\u0302", "tilde": "\u0303", "widetilde": "\u0303",
            "bar": "\u0304", "overline": "\u0304", "dot": "\u0307", "vec": "\u20d7"}


def _group(s: str, i: int) -> tuple[str, int]:
    """The braced group (or single token) starting at s[i] (after spaces): (content, end index)."""
    while i < len(s) and s[i] == " ":
        i += 1
    if i >= len(s):
        return "", i
    if s[i] == "{":
        depth, j = 1, i + 1
        while j < len(s) and depth:
            depth += {"{": 1, "}": -1}.get(s[j], 0)
            j += 1
        return s[i + 1:j - 1], j
    if s[i] == "\\":
        m = re.match(r"\\([A-Za-z]+|.)", s[i:])
        return m.group(0), i + len(m.group(0))
    return s[i], i + 1


def _atomic(t: str) -> bool:
    return len(t) <= 1 or re.fullmatch(r"[A-Za-z0-9.]+|[^\s+\-−·/,=<>≤≥]+", t) is not None


def latex_to_text(s: str) -> str:
    r"""The plain Unicode text of a short LaTeX formula (names, an inequality's left side).

    Fractions become ``a/b`` (parenthesised where needed), ``\sqrt{x}`` becomes ``√x``/``√(x)``,
    Greek letters and relations their Unicode characters, font commands disappear, accents become
    combining characters; a sub- or superscript of several characters keeps its braces
    (``A_{1/2, 1}``), one character loses them (``B^2_1``).

    Examples
    --------
    >>> latex_to_text(r"A_{\frac{1}{2}, 1} / \mathrm{SO}(2)")
    'A_{1/2, 1} / SO(2)'
    >>> latex_to_text(r"\mathrm{SO}(2)_{\le \frac{\pi}{4}}")
    'SO(2)_{≤ π/4}'
    """
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\":
            m = re.match(r"\\([A-Za-z]+|.)", s[i:])
            cmd, i = m.group(1), i + len(m.group(0))
            if cmd in ("left", "right", "bigl", "bigr", "Bigl", "Bigr", "big", "Big"):
                continue
            if cmd in ("frac", "dfrac", "tfrac"):
                a, i = _group(s, i)
                b, i = _group(s, i)
                a, b = latex_to_text(a), latex_to_text(b)
                out.append(f"{a if _atomic(a) else '(' + a + ')'}/{b if _atomic(b) else '(' + b + ')'}")
                continue
            if cmd == "sqrt":
                a, i = _group(s, i)
                a = latex_to_text(a)
                out.append("√" + (a if _atomic(a) else f"({a})"))
                continue
            if cmd in _FONTS:
                a, i = _group(s, i)
                out.append(latex_to_text(a))
                continue
            if cmd in _ACCENTS:
                a, i = _group(s, i)
                a = latex_to_text(a)
                out.append(a + _ACCENTS[cmd] if len(a) == 1 else f"{a}{_ACCENTS[cmd]}")
                continue
            out.append(_COMMANDS.get(cmd, cmd))
            continue
        if c in "_^":
            a, i = _group(s, i + 1)
            a = latex_to_text(a)
            out.append(c + (a if len(a) == 1 else "{" + a + "}"))
            if re.match(r"\s*(\\left|\||\\mathcal|[A-Za-z(])", s[i:]) and \
                    re.search(r"(sup|inf|min|max|sum|prod)[_^]", "".join(out[-2:])):
                out.append(" ")  # an operator's index: sup_f |...|
            continue
        if c in "{}":
            i += 1
            continue
        if c == "-":
            out.append("−")
            i += 1
            continue
        if c == "~":
            out.append(" ")
            i += 1
            continue
        out.append(c)
        i += 1
    return re.sub(r" {2,}", " ", "".join(out)).strip()


def number_text(x, digits: int = 6) -> str:
    """A number as a table prints it: integers and short rationals exactly, others in ``digits``
    significant digits."""
    x = sp.sympify(x)
    if x.is_Integer or (x.is_Rational and x.q <= 10**6):
        return str(x)
    try:
        return f"{float(x):.{digits}g}"
    except (TypeError, OverflowError):
        return str(x)


class TextPrinter(StrPrinter):
    """One-line Unicode mathematics (see the module docstring).  Symbols print with their LaTeX
    names turned into text (``eps`` as ``ε``, ``L_l`` as ``L_ℓ``); quantities that define
    ``_textstr(printer)`` print through it (the unevaluated covering numbers, equivariance errors
    and integrals of :mod:`symbound.functions` and of the bounds)."""

    printmethod = "_textstr"

    def __init__(self, settings=None):
        super().__init__(settings)
        from .functions import latex_names

        self._names = {s: latex_to_text(t) for s, t in latex_names().items()}

    def _print_Symbol(self, expr):
        if expr in self._names:
            return self._names[expr]
        return latex_to_text(expr.name) if "\\" in expr.name else expr.name

    _print_Dummy = _print_Symbol

    def _print_Float(self, expr):
        return number_text(expr)

    def _print_Rational(self, expr):
        return f"{expr.p}/{expr.q}" if expr.q <= 10**6 else number_text(expr)

    def _print_Pi(self, expr):
        return "π"

    def _print_Exp1(self, expr):
        return "e"

    def _print_Infinity(self, expr):
        return "∞"

    def _print_NegativeInfinity(self, expr):
        return "−∞"

    def _print_ComplexInfinity(self, expr):
        return "∞̃"

    def _print_ImaginaryUnit(self, expr):
        return "i"

    def _print_log(self, expr):
        return f"ln({self._print(expr.args[0])})"

    def _print_ceiling(self, expr):
        return f"⌈{self._print(expr.args[0])}⌉"

    def _print_floor(self, expr):
        return f"⌊{self._print(expr.args[0])}⌋"

    def _print_Abs(self, expr):
        return f"|{self._print(expr.args[0])}|"

    def _print_Min(self, expr):
        return "min(" + ", ".join(self._print(a) for a in expr.args) + ")"

    def _print_Max(self, expr):
        return "max(" + ", ".join(self._print(a) for a in expr.args) + ")"

    def _print_factorial(self, expr):
        a = self._print(expr.args[0])
        return f"{a}!" if _atomic(a) else f"({a})!"

    def _print_Pow(self, expr, rational=False):
        b, e = expr.as_base_exp()
        if e == sp.Rational(1, 2):
            s = self._print(b)
            return "√" + (s if _atomic(s) else f"({s})")
        if e == -sp.Rational(1, 2):
            s = self._print(b)
            return "1/√" + (s if _atomic(s) else f"({s})")
        if e == -1:
            s = self.parenthesize(b, sp.printing.precedence.PRECEDENCE["Mul"])
            return f"1/{s}"
        base = self.parenthesize(b, sp.printing.precedence.PRECEDENCE["Pow"], strict=True)
        ex = self._print(e)
        return f"{base}^{ex if _atomic(ex) and not ex.startswith('-') else '(' + ex + ')'}"

    def _print_Mul(self, expr):
        return super()._print_Mul(expr).replace("*", "·")

    def _print_Relational(self, expr):
        op = {"==": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥"}[expr.rel_op]
        return f"{self._print(expr.lhs)} {op} {self._print(expr.rhs)}"

    def _print_And(self, expr):
        return " and ".join(self._print(a) for a in expr.args)

    def _print_Or(self, expr):
        return " or ".join(self._print(a) for a in expr.args)

    def _print_Piecewise(self, expr):
        parts = []
        for e, c in expr.args:
            parts.append(f"{self._print(e)} otherwise" if c == sp.true else
                         f"{self._print(e)} if {self._print(c)}")
        return "{" + "; ".join(parts) + "}"

    def _print_Integral(self, expr):
        f = self._print(expr.function)
        out = f
        for lim in reversed(expr.limits):
            v = self._print(lim[0])
            if len(lim) == 3:
                lo, hi = (self._print(x) for x in lim[1:])
                lo = lo if _atomic(lo) else f"{{{lo}}}"
                hi = hi if _atomic(hi) else f"{{{hi}}}"
                out = f"∫_{lo}^{hi} {out} d{v}"
            else:
                out = f"∫ {out} d{v}"
        return out

    def _print_Function(self, expr):
        # functions without a printer of their own: their SymPy name, never a class name with a
        # hash (those define _textstr)
        return super()._print_Function(expr)


def text(expr) -> str:
    """One-line Unicode text of a SymPy expression (or of any object, through its ``str``).

    Examples
    --------
    >>> import sympy as sp
    >>> from symbound.symbols import symbol
    >>> text(sp.ceiling(1 / (4 * symbol("eps"))))
    '⌈1/(4·ε)⌉'
    """
    if not isinstance(expr, sp.Basic):
        return str(expr)
    from .functions import display_expr

    return TextPrinter().doprint(display_expr(expr))


#: ASCII words of symbound's texts and the symbols a mathematician writes for them
_WORDS = {"eps": "ε", "epsilon": "ε", "delta": "δ", "alpha": "α", "eta": "η", "rho": "ρ",
          "theta": "θ", "lambda": "λ", "lam": "λ", "pi": "π", "oo": "∞", "L_l": "L_ℓ",
          "eta_d": "η_d", "eta_m": "η_m", "eta_inf": "η_∞"}
_WORD_RE = re.compile(r"(?<![\w.])(" + "|".join(sorted(map(re.escape, _WORDS), key=len, reverse=True))
                      + r")(?!\w)")
_OPS = (("<=", "≤"), (">=", "≥"), ("!=", "≠"), ("->", "→"), ("sqrt(", "√("), ("<~", "≲"))


def prettify(s: str) -> str:
    """An ASCII sentence of symbound (an assumption, a note) with its mathematics in Unicode:
    ``<=`` as ``≤``, ``eps`` as ``ε``, ``sqrt(`` as ``√(``; words are replaced only where they stand
    alone (``eta`` but not ``eta_d``'s prefix, not ``beta``).

    Examples
    --------
    >>> prettify("sup_{x, s} |f(s x) - rho(s) f(x)| <= eta, eps -> 0")
    'sup_{x, s} |f(s x) − ρ(s) f(x)| ≤ η, ε → 0'
    """
    for a, b in _OPS:
        s = s.replace(a, b)
    s = re.sub(r"(?<=\s)-(?=\s)", "−", s)
    return _WORD_RE.sub(lambda m: _WORDS[m.group(1)], s)
