"""LaTeX rendering of the real claims: every character maps to LaTeX, nothing is left unmapped."""

from __future__ import annotations

import re

import pytest

from verify.core import load_topics
from verify.report.latex import escape, unicode_to_latex


def test_escape_specials_and_unicode():
    assert escape("a_b & 50% {x}") == r"a\_b \& 50\% \{x\}"
    assert unicode_to_latex("λ → ∞") == r"\ensuremath{\lambda} \ensuremath{\to} \ensuremath{\infty}"
    assert unicode_to_latex("\u2603") == "[U+2603]"


def test_committed_derivations_have_no_unmapped_characters(repo_root):
    for t in load_topics():
        text = (repo_root / "derivations" / f"{t.name}.tex").read_text(encoding="utf-8")
        assert text.isascii(), f"derivations/{t.name}.tex has non-ASCII characters"
        unmapped = sorted(set(re.findall(r"\[U\+[0-9A-F]{4,}\]", text)))
        assert not unmapped, f"derivations/{t.name}.tex has characters with no LaTeX mapping: {unmapped}"


# --- formulas in plain-text fields ----------------------------------------------------------------------------

from verify.report.latex import render_summary, straight_quotes  # noqa: E402
from verify.report.mathtext import heading, latex_to_text, text_to_latex  # noqa: E402


@pytest.mark.parametrize("plain, typeset", [
    ("tends to n^η max", r"tends to $n^{\eta } \max$"),
    ("Seed: lim_{λ→∞} softmax_agg", r"Seed: $\lim _{\lambda \to \infty }$ \texttt{softmax\_agg}"),
    ("the squeeze 1 ≤ S^(1/q) ≤ n^(1/q)", r"the squeeze $1 \le S^{1/q} \le n^{1/q}$"),
    ("E^T E is Toeplitz", r"$E^{\top} E$ is Toeplitz"),
    ("X in R^(2p×n) here", r"X in $R^{2p\times n}$ here"),
    ("at rate |λ|_(2)^L (computed)", r"at rate $|\lambda |_{(2)}^{L}$ (computed)"),
    ("What get_E computes", r"What \texttt{get\_E} computes"),
    ("no formula at all, 50% & more", r"no formula at all, 50\% \& more"),
])
def test_formulas_in_titles_are_typeset(plain, typeset):
    assert text_to_latex(plain) == typeset


def test_unsafe_formula_stays_escaped_text():
    # an unbalanced power cannot be set as maths: it stays (escaped) text and still compiles
    out = text_to_latex("x^(1 + y is broken")
    assert "$" not in out and r"\textasciicircum{}" in out


def test_heading_has_a_plain_bookmark():
    h = heading("E^T E depends only on i - j")
    assert h.startswith(r"\texorpdfstring{$E^{\top} E$") and h.endswith("{ET E depends only on i - j}")
    assert heading("plain words") == "plain words"


def test_latex_to_text_for_the_terminal():
    assert latex_to_text(r"$\displaystyle W_K^\top W_Q = 0$") == "W_Kᵀ W_Q = 0"
    assert latex_to_text(r"\lim_{\lambda \to \infty} \frac{1}{\lambda} = 0") == "lim_{λ → ∞} 1/λ = 0"
    assert latex_to_text(r"\left\|X\right\|_{F}^{2} \le \mathbb{R}") == "‖X‖_F^2 ≤ ℝ"
    assert "\\" not in latex_to_text(r"\operatorname{sgn}(x) \ne \text{anything}")


def test_escaped_double_quotes_render_as_quotes():
    assert straight_quotes(r'\texttt{f(convention=\"seed-code\")}') == \
        r"\texttt{f(convention=\textquotedbl{}seed-code\textquotedbl{})}"
    assert straight_quotes(r"M\"uller") == r"M\"uller"  # an umlaut stays


def test_no_escaped_quote_reaches_the_committed_derivations(repo_root):
    for t in load_topics():
        text = (repo_root / "derivations" / f"{t.name}.tex").read_text(encoding="utf-8")
        assert not re.search(r'\\"(?![aeiouyAEIOUY])', text), f"derivations/{t.name}.tex: \\\" is an umlaut"


def test_summary_table_has_short_form_and_marks_refuted_rows():
    from verify.core.runner import run_evidence
    from verify.core.topic import select

    results = run_evidence(select(["pe.score.add_expansion", "pe.score.cat_display"]))
    tab = render_summary(results)
    rows = [ln for ln in tab.splitlines() if "hyperref" in ln]
    holds, refuted = rows
    assert "Score with an added encoding" in holds and r"\rowcolor" not in holds
    assert r"\rowcolor{refutedrow}" in refuted and r"\textbf{refuted}" in refuted
    assert tab.count(r"\raggedright\arraybackslash") == 3  # no stretched justification in the text columns


def test_every_claim_calls_for_its_figures(repo_root):
    for t in load_topics():
        text = (repo_root / "derivations" / f"{t.name}.tex").read_text(encoding="utf-8")
        for c in t.claims:
            assert f"\\verifyfigures{{{c.id}}}" in text, c.id
