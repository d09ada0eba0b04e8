"""LaTeX export: snippets against hand-written strings, standalone documents that compile."""

import shutil

import pytest
import sympy as sp

from symbound.bounds import Bound
from symbound.errors import InvalidTypeError, InvalidValueError
from symbound.functions import GroupOrder, QuotientCoveringNumber, space_symbol
from symbound.latex import document, escape_text, snippet
from symbound.symbols import symbols

n, delta, eps, L, L_l, M = symbols("n", "delta", "eps", "L", "L_l", "M")


def test_snippets_hand_written():
    assert snippet(L_l * eps) == r"L_{\ell} \varepsilon"
    assert snippet(sp.sqrt(sp.log(1 / delta) / n)) == \
        r"\frac{\sqrt{\log{\left(\frac{1}{\delta} \right)}}}{\sqrt{n}}"
    G = space_symbol("G_snip", latex="C_{8}")
    assert snippet(GroupOrder(G)) == r"\left|C_{8}\right|"
    X = space_symbol("X_snip", latex=r"B^{2}_{1}")
    assert snippet(QuotientCoveringNumber(X, G, eps)) == \
        r"\mathcal{N}_{C_{8}}\left(B^{2}_{1}, \varepsilon\right)"


def test_snippet_rejects_other_objects():
    with pytest.raises(InvalidTypeError, match="obj must be"):
        snippet(object())


def test_escape_text():
    assert escape_text("a_b & 50% #1") == r"a\_b \& 50\% \#1"
    assert escape_text("s(X) ⊆ X, §2") == r"s(X) $\subseteq$ X, \S{}2"
    assert escape_text("\u263a") == "[U+263A]"


def _bound():
    return Bound(2 * L_l * L * eps + M * sp.sqrt(sp.log(1 / delta) / n), lhs=r"|R - \hat R_n|",
                 reference="THEORY.md §4.1 (Xu & Mannor 2012, Thm 3)", name="partition bound",
                 assumptions=("loss in [0, M]",), regime=("eps <= 1",))


def test_document_structure(tmp_path):
    p = document([_bound(), n ** sp.Rational(-1, 2)], tmp_path / "out" / "b.tex", title="T & U")
    tex = p.read_text()
    assert tex.startswith(r"\documentclass")
    assert r"\title{T \& U}" in tex
    assert r"\begin{equation}" in tex and tex.rstrip().endswith(r"\end{document}")
    assert r"\section*{Symbols}" in tex
    # the glossary lists exactly the symbols that occur, with their meaning
    assert r"$L_{\ell}$ & Lipschitz constant of the loss in the prediction" in tex
    assert r"$\delta$ & confidence level, in (0, 1)" in tex
    assert r"THEORY.md \S{}4.1" in tex


def test_document_bad_input(tmp_path):
    with pytest.raises(InvalidValueError, match="objects must contain"):
        document([], tmp_path / "a.tex")
    with pytest.raises(InvalidValueError, match=r"path must end in \.tex"):
        document([_bound()], tmp_path / "a.pdf")


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no TeX engine installed (pdflatex)")
def test_document_compiles_with_pdflatex(tmp_path):
    pdf = document([_bound()], tmp_path / "b.tex", compile=True)
    assert pdf.suffix == ".pdf" and pdf.stat().st_size > 1000
    assert pdf.read_bytes().startswith(b"%PDF")


def test_partition_bound_prints_sup_equivariance_error_in_paper_form():
    import symbound as sb

    b = sb.generalization_bound(sb.Annulus(sp.Rational(1, 2), 1), sb.groups.SO(2), method="partition",
                                lipschitz=1, loss_lipschitz=1, loss_bound=1, classes=2, grid_size=1,
                                covering="upper", equivariance_error=0.1)
    assert r"\operatorname{ee}_{\infty}\left(f; \mathrm{SO}(2)\right)" in b.latex()
    assert "ee" not in b.latex(form="formula").replace(r"\operatorname{ee}", "")  # rewritten away
    # through N_S alone the value is that of the formula with eta = 0.1: the r term carries
    # 2 L_l eta = 0.2 (by default the bound is the smaller of this and the plain bound, THEORY §5)
    b_s = sb.generalization_bound(sb.Annulus(sp.Rational(1, 2), 1), sb.groups.SO(2),
                                  method="partition", lipschitz=1, loss_lipschitz=1, loss_bound=1,
                                  classes=2, grid_size=1, covering="upper", equivariance_error=0.1,
                                  plain_covering=False)
    plain_eta = sb.generalization_bound(sb.Annulus(sp.Rational(1, 2), 1), sb.groups.SO(2),
                                        method="partition", lipschitz=1, loss_lipschitz=1,
                                        loss_bound=1, classes=2, grid_size=1, covering="upper")
    assert b_s.evaluate(n=10**6, delta=0.05) > plain_eta.evaluate(n=10**6, delta=0.05) + 0.2 - 1e-9


def test_finite_group_bound_rewrites_through_the_group_order():
    import symbound as sb

    b = sb.generalization_bound(sb.Ball(2), sb.groups.Cyclic(6), covering="power_law", lipschitz=1,
                                loss_lipschitz=1, loss_bound=1, classes=2, grid_size=1,
                                resolution="expose")
    assert r"\mathcal{N}_{C_{6}}\left(B^{2}_{1}, \varepsilon\right)" in b.latex()
    one_step = sb.latex.snippet(b.formula(steps=1))
    assert r"\left|C_{6}\right|" in one_step and r"\mathcal{N}\left(B^{2}_{1}, \varepsilon\right)" in one_step
    # fully rewritten: N(B^2_1, eps) ~ 1/eps^2 (area pi / (pi eps^2)) and |C_6| = 6, by hand
    n, delta = 10**5, 0.05
    import math

    by_hand = 2 * 0.1 + math.sqrt(2 * math.log(1 / delta) + 4 * math.log(2) / (6 * 0.1**2)) / math.sqrt(n)
    assert b.evaluate(n=n, delta=delta, eps=0.1) == pytest.approx(by_hand, rel=1e-12)
