"""The public table of supported (space, transformation set) pairs, generated from the registry.

Examples
--------
>>> from symbound.quotient import supported_pairs
>>> table = supported_pairs()
>>> any(row.key == "general" and row.status == "trivial" for row in table)
True
>>> print(table.markdown().splitlines()[0])
| pair | method | status | quotient dim | drop | proof |
"""

from __future__ import annotations

from .registry import pairs

__all__ = ["PairTable", "supported_pairs"]

_COLUMNS = ("pair", "method", "status", "quotient dim", "drop", "proof")


class PairTable(tuple):
    """The registered pairs (a tuple of :class:`~symbound.quotient.registry.Pair`), in dispatch
    order, with Markdown and LaTeX renderings."""

    def rows(self) -> list[tuple[str, ...]]:
        """One tuple of strings per pair, in the order of the columns."""
        return [(p.title, p.method, p.status, p.quotient_dim, p.drop, p.proof) for p in self]

    def markdown(self) -> str:
        """A Markdown table."""
        def esc(s: str) -> str:
            return s.replace("|", "\\|")
        lines = ["| " + " | ".join(_COLUMNS) + " |", "|" + "---|" * len(_COLUMNS)]
        lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in self.rows()]
        return "\n".join(lines)

    def latex(self) -> str:
        """A LaTeX ``tabular`` (plain text cells, special characters escaped)."""
        def esc(s: str) -> str:
            for a, b in (("\\", r"\textbackslash{}"), ("&", r"\&"), ("%", r"\%"), ("$", r"\$"),
                         ("#", r"\#"), ("_", r"\_"), ("{", r"\{"), ("}", r"\}"),
                         ("^", r"\^{}"), ("~", r"\~{}"), ("⊆", r"$\subseteq$")):
                s = s.replace(a, b)
            return s
        lines = [r"\begin{tabular}{" + "p{0.2\\linewidth}" * len(_COLUMNS) + "}",
                 " & ".join(_COLUMNS) + r" \\ \hline"]
        lines += [" & ".join(esc(c) for c in row) + r" \\" for row in self.rows()]
        lines.append(r"\end{tabular}")
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        return self.markdown()


def supported_pairs() -> PairTable:
    """Every registered (space, transformation set) pair: its method, whether the result is exact,
    certified, asymptotic or trivial (``N_S <= N``, no gain), the quotient's dimension, the
    dimension drop and where the proof lives.  The same registry drives :func:`quotient`."""
    return PairTable(pairs())


